//! Workshops as iCalendar (RFC 5545) files: one workshop's, or a consultation's, for a
//! reader's calendar and the registration mail. Times are written in UTC, which no
//! calendar misreads; the agency's zone comes with them (`X-WR-TIMEZONE`) and in the
//! description, as the workshop page says it.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::domain::{Lang, LocalizedText, WorkshopId};
use crate::paths;
use crate::ssr::calendar::label;
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ssr::workshops::store::{self as workshops, Workshop};

/// A calendar of `workshops` in `lang`, named `name`; links are made absolute with
/// `public_url`.
pub fn calendar(workshops: &[Workshop], lang: Lang, name: &str, public_url: &str) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    if let Some(first) = workshops.first() {
        cal.timezone(first.time_zone.as_str());
    }
    for w in workshops {
        cal.push(event(w, lang, public_url));
    }
    cal.done().to_string()
}

fn event(w: &Workshop, lang: Lang, public_url: &str) -> Event {
    let f = &w.fields;
    let page = paths::absolute(public_url, &paths::workshop(lang, w.id));
    let starts = label(f.starts_at, &w.time_zone, lang);
    let mut description = format!(
        "{} / {} — {}\n",
        starts.gregorian, starts.hijri, starts.time
    );
    if let Some(text) = pick(&f.description, lang) {
        description.push('\n');
        description.push_str(&text);
        description.push('\n');
    }
    if let Some(agenda) = pick(&f.agenda, lang) {
        description.push('\n');
        description.push_str(&agenda);
        description.push('\n');
    }
    if let Some(online) = &f.online_url {
        description.push('\n');
        description.push_str(online);
        description.push('\n');
    }
    description.push('\n');
    description.push_str(&page);
    let mut location: Vec<String> = Vec::new();
    if let Some(venue) = pick(&f.venue, lang) {
        location.push(venue);
    }
    if let Some(online) = &f.online_url {
        location.push(online.clone());
    }
    let mut e = Event::new();
    e.uid(&format!("workshop-{}@{}", w.id, host(public_url)))
        .summary(&pick(&f.title, lang).unwrap_or_default())
        .description(&description)
        .starts(f.starts_at)
        .ends(f.ends_at)
        .timestamp(w.updated_at)
        .url(&page)
        .status(if w.cancelled_at.is_some() {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if !location.is_empty() {
        e.location(&location.join(" — "));
    }
    e.done()
}

/// The text in `lang`, or else in the other language.
fn pick(text: &LocalizedText, lang: Lang) -> Option<String> {
    text.pick(lang).map(|l| l.text)
}

/// The portal's host, which makes each event's UID unique across calendars.
fn host(public_url: &str) -> &str {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// Workshop `id` as a calendar file, if the public may see it.
pub async fn workshop_file(
    state: &AppState,
    id: WorkshopId,
    lang: Lang,
) -> Result<Option<String>, StoreError> {
    let Some(w) = workshops::by_id(&state.db, id).await? else {
        return Ok(None);
    };
    if !w.is_public() {
        return Ok(None);
    }
    let name = pick(&w.fields.title, lang).unwrap_or_default();
    Ok(Some(calendar(&[w], lang, &name, &state.public_url)))
}

/// The workshops of consultation `slug` as one calendar file, if the public may see it.
pub async fn consultation_file(
    state: &AppState,
    slug: &str,
    lang: Lang,
) -> Result<Option<String>, StoreError> {
    let Some(c) = consultations::public_by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    let list = workshops::of_consultation(&state.db, c.id).await?;
    let name = pick(&c.title, lang).unwrap_or_default();
    Ok(Some(calendar(&list, lang, &name, &state.public_url)))
}
