//! Atom feeds (RFC 4287) for readers and other portals: the consultations made public
//! (`/{lang}/feeds/consultations.atom`), and each consultation's new versions and the
//! agency's responses (`/{lang}/consultations/{slug}/feed.atom`). Written with
//! `atom_syndication`, which escapes every text; served by `server/src/http/feeds.rs`.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, Utc};
use leptos_i18n::td_string;

use crate::domain::response::Outcome;
use crate::domain::{ContributionId, Lang, LocalizedText};
use crate::paths;
use crate::responses::pages::outcome_label;
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::responses::store as responses;
use crate::ssr::state::AppState;

/// Entries per feed: what a reader polling daily needs, whatever the portal's size.
const ENTRIES: u32 = 50;

fn at(t: DateTime<Utc>) -> FixedDateTime {
    t.fixed_offset()
}

/// `text` in `lang`, or in the other language when it has none.
fn words(text: &LocalizedText, lang: Lang) -> String {
    text.pick(lang).map(|p| p.text).unwrap_or_default()
}

fn link(href: String, rel: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: (rel == "self").then(|| "application/atom+xml".to_owned()),
        ..Link::default()
    }
}

fn person(name: String) -> Person {
    Person {
        name,
        ..Person::default()
    }
}

fn entry(
    id: String,
    title: String,
    updated: DateTime<Utc>,
    published: Option<DateTime<Utc>>,
    href: String,
    author: String,
    content: String,
) -> Entry {
    Entry {
        title: Text::plain(title),
        id,
        updated: at(updated),
        published: published.map(at),
        authors: vec![person(author)],
        links: vec![link(href, "alternate")],
        content: (!content.is_empty()).then(|| Content {
            value: Some(content),
            content_type: Some("text".to_owned()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

/// The feed of the consultations made public last, in `lang`.
pub async fn consultations_feed(state: &AppState, lang: Lang) -> Result<String, StoreError> {
    let list = consultations::latest_public(&state.db, ENTRIES).await?;
    let absolute = |path: String| paths::absolute(&state.public_url, &path);
    let entries: Vec<Entry> = list
        .into_iter()
        .map(|c| {
            let page = absolute(paths::consultation(lang, &c.slug));
            entry(
                page.clone(),
                words(&c.title, lang),
                c.updated_at,
                Some(c.published_at),
                page,
                words(&c.agency_name, lang),
                words(&c.summary, lang),
            )
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| at(state.clock.now()));
    let this = absolute(paths::consultations_feed(lang));
    let feed = Feed {
        title: Text::plain(feed_title(lang)),
        id: this.clone(),
        updated,
        authors: vec![person(portal(lang))],
        links: vec![
            link(this, "self"),
            link(absolute(paths::consultations(lang)), "alternate"),
        ],
        lang: Some(lang.code().to_owned()),
        entries,
        ..Feed::default()
    };
    Ok(feed.to_string())
}

/// The feed of public consultation `slug` in `lang`: its published versions and the
/// agency's responses, latest first. `None`: no such public consultation.
pub async fn consultation_feed(
    state: &AppState,
    slug: &str,
    lang: Lang,
) -> Result<Option<String>, StoreError> {
    let Some(c) = consultations::public_by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    let (versions, latest) = tokio::try_join!(
        consultations::versions(&state.db, c.id),
        responses::latest(&state.db, c.id, ENTRIES),
    )?;
    let absolute = |path: String| paths::absolute(&state.public_url, &path);
    let agency = words(&c.agency_name, lang);
    let title = words(&c.title, lang);
    let mut entries: Vec<Entry> = versions
        .iter()
        .filter_map(|v| Some((v, v.published_at?)))
        .map(|(v, published)| {
            let page = absolute(paths::version(lang, &c.slug, v.number));
            let href = if v.number > 1 {
                absolute(paths::diff(lang, &c.slug, v.number - 1, v.number))
            } else {
                page.clone()
            };
            entry(
                page,
                version_title(lang, v.number, &title),
                published,
                Some(published),
                href,
                agency.clone(),
                words(&v.change_note, lang),
            )
        })
        .collect();
    for r in latest {
        let Some(first) = r.members.first().copied() else {
            continue;
        };
        let href = absolute(paths::contribution(lang, &c.slug, first));
        let id = absolute(paths::response_entry(lang, &c.slug, r.id));
        let by = r
            .written
            .responder
            .as_ref()
            .map_or_else(|| agency.clone(), |who| format!("{} · {agency}", who.name));
        entries.push(entry(
            id,
            response_title(lang, r.written.outcome, r.members.len(), first),
            r.updated_at,
            Some(r.created_at),
            href,
            by,
            words(&r.written.reasons, lang),
        ));
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    entries.truncate(usize::try_from(ENTRIES).unwrap_or(usize::MAX));
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| at(c.opens_at.min(state.clock.now())));
    let this = absolute(paths::consultation_feed(lang, &c.slug));
    let feed = Feed {
        title: Text::plain(title),
        subtitle: Some(Text::plain(words(&c.summary, lang))).filter(|s| !s.value.is_empty()),
        id: this.clone(),
        updated,
        authors: vec![person(agency)],
        links: vec![
            link(this, "self"),
            link(absolute(paths::consultation(lang, &c.slug)), "alternate"),
        ],
        lang: Some(lang.code().to_owned()),
        entries,
        ..Feed::default()
    };
    Ok(Some(feed.to_string()))
}

fn portal(lang: Lang) -> String {
    td_string!(lang.locale(), site_name).to_string()
}

fn feed_title(lang: Lang) -> String {
    td_string!(lang.locale(), feed_title).to_string()
}

fn version_title(lang: Lang, n: u32, consultation: &str) -> String {
    td_string!(lang.locale(), feed_version_title)
        .replace("%n%", &n.to_string())
        .replace("%title%", consultation)
}

fn response_title(lang: Lang, outcome: Outcome, members: usize, first: ContributionId) -> String {
    let l = lang.locale();
    let template = match members {
        0 | 1 => td_string!(l, feed_response_title),
        _ => td_string!(l, feed_group_response_title),
    };
    // The outcome last: it is ours, but nothing is read for placeholders after it.
    template
        .replace("%id%", &first.to_string())
        .replace("%more%", &(members.saturating_sub(1)).to_string())
        .replace("%outcome%", outcome_label(outcome, lang))
}
