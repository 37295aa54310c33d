//! What organisers do with workshops: schedule one for a consultation of their agency,
//! and change it. Only the agency's workshop organisers may (second factor passed), and
//! only those a workshop names run it.

use chrono::{DateTime, Duration, Utc};

use crate::domain::authz::{authorise, Action, Denied, Role};
use crate::domain::text::is_web_url;
use crate::domain::workshop::{
    Audience, MAX_CAPACITY, MAX_HOURS, MAX_MINUTES_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS,
    MAX_VENUE_CHARS,
};
use crate::domain::{AgencyId, LocalizedText, UserId, WorkshopId};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::admin::store::audit::{self, AuditAction, AuditEntry};
use crate::ssr::admin::store::roles;
use crate::ssr::calendar::parse_local;
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ssr::workshops::store::{self as workshops, Workshop, WorkshopFields};
use crate::workshops::form::field;

/// Why scheduling or changing a workshop was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkshopError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// No such consultation or workshop (or not one this person may see).
    #[error("not found")]
    NotFound,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The workshop form as typed: times are `datetime-local` values in the agency's zone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopInput {
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub agenda_ar: String,
    pub agenda_en: String,
    pub starts_at: String,
    pub ends_at: String,
    pub registration_closes_at: String,
    pub venue_ar: String,
    pub venue_en: String,
    pub map_url: String,
    pub online_url: String,
    pub capacity: String,
    /// `None`: nothing chosen (an unknown code never gets here: the handler refuses it).
    pub audience: Option<Audience>,
    /// Who else runs it; whoever sends the form always does.
    pub organisers: Vec<UserId>,
}

/// The agency's current workshop organisers: whom a workshop may name.
pub async fn agency_organisers(
    state: &AppState,
    agency: AgencyId,
) -> Result<Vec<roles::Grant>, StoreError> {
    Ok(roles::current(&state.db, Some(agency))
        .await?
        .into_iter()
        .filter(|g| g.role == Role::Organiser(agency))
        .collect())
}

/// Whether `signed` runs workshop `w`: an organiser of its agency whom it names. A
/// workshop that names nobody (one imported from the agency's records) is run by the
/// agency's organisers, so that what was said there can still be entered.
pub async fn runs(state: &AppState, signed: &Signed, w: &Workshop) -> Result<bool, StoreError> {
    if authorise(Some(&signed.actor), Action::RunWorkshops(w.agency_id)).is_err() {
        return Ok(false);
    }
    Ok(
        workshops::is_organiser(&state.db, w.id, signed.user.id).await?
            || workshops::organisers(&state.db, w.id).await?.is_empty(),
    )
}

/// Schedules a workshop of consultation `slug`; its id.
pub async fn create(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: &WorkshopInput,
    ip: Option<String>,
) -> Result<WorkshopId, WorkshopError> {
    let c = consultations::by_slug(&state.db, slug)
        .await?
        .ok_or(WorkshopError::NotFound)?;
    authorise(Some(&signed.actor), Action::RunWorkshops(c.agency_id))?;
    let now = state.clock.now();
    let fields = checked(input, &c.agency_time_zone, now, None)?;
    let organisers = organisers(state, signed, c.agency_id, &input.organisers).await?;
    let mut tx = state.db.begin().await?;
    let id = workshops::insert(&mut tx, c.id, &fields, &organisers, signed.user.id, now).await?;
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::WorkshopCreate,
        target: format!("workshop:{id}"),
        detail: serde_json::json!({ "consultation": c.slug, "organisers": organisers }),
        ip,
    };
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    tracing::info!(workshop = %id, consultation = %c.slug, "workshop scheduled");
    Ok(id)
}

/// Saves the changes to workshop `id`.
pub async fn update(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    input: &WorkshopInput,
    ip: Option<String>,
) -> Result<(), WorkshopError> {
    let w = workshops::by_id(&state.db, id)
        .await?
        .ok_or(WorkshopError::NotFound)?;
    authorise(Some(&signed.actor), Action::RunWorkshops(w.agency_id))?;
    if !runs(state, signed, &w).await? {
        return Err(Denied::Forbidden.into());
    }
    let now = state.clock.now();
    let fields = checked(input, &w.time_zone, now, Some(&w))?;
    let organisers = organisers(state, signed, w.agency_id, &input.organisers).await?;
    let mut tx = state.db.begin().await?;
    workshops::update(&mut tx, id, &fields, now).await?;
    workshops::set_organisers(&mut tx, id, &organisers).await?;
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::WorkshopUpdate,
        target: format!("workshop:{id}"),
        detail: serde_json::json!({ "organisers": organisers }),
        ip,
    };
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    // More places: the waiting list moves up.
    if fields.capacity > w.fields.capacity {
        if let Some(w) = workshops::by_id(&state.db, id).await? {
            crate::ssr::workshops::registration::fill_places(state, &w).await?;
        }
    }
    Ok(())
}

/// The organisers a form names, with whoever sent it: each must be one of the agency's.
async fn organisers(
    state: &AppState,
    signed: &Signed,
    agency: AgencyId,
    chosen: &[UserId],
) -> Result<Vec<UserId>, WorkshopError> {
    let current = agency_organisers(state, agency).await?;
    let mut ids = vec![signed.user.id];
    for user in chosen {
        if !current.iter().any(|g| g.user_id == *user) {
            return Err(WorkshopError::Invalid(FieldErrors::one(
                field::ORGANISER,
                FormMessage::NotAnOrganiser,
            )));
        }
        if !ids.contains(user) {
            ids.push(*user);
        }
    }
    Ok(ids)
}

/// A text of at most `max` characters, trimmed; `None` when empty.
fn text(raw: &str, max: usize, name: &'static str, errors: &mut FieldErrors) -> Option<String> {
    let t = raw.trim().replace("\r\n", "\n");
    if t.chars().count() > max {
        errors.add(name, FormMessage::TextTooLong);
    }
    (!t.is_empty()).then_some(t)
}

/// A one-line text (a title, an address): no line breaks or controls kept.
fn line(raw: &str, max: usize, name: &'static str, errors: &mut FieldErrors) -> Option<String> {
    let t = crate::domain::text::clean_name(raw);
    if t.chars().count() > max {
        errors.add(name, FormMessage::TextTooLong);
    }
    (!t.is_empty()).then_some(t)
}

fn link(raw: &str, name: &'static str, errors: &mut FieldErrors) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if !is_web_url(t) {
        errors.add(name, FormMessage::UrlMalformed);
    }
    Some(t.to_owned())
}

/// The form's fields as stored, or every mistake in them. `before`: the workshop being
/// changed, whose times may stay in the past once it has started.
fn checked(
    input: &WorkshopInput,
    time_zone: &str,
    now: DateTime<Utc>,
    before: Option<&Workshop>,
) -> Result<WorkshopFields, WorkshopError> {
    let mut errors = FieldErrors::default();
    let title = LocalizedText {
        ar: line(
            &input.title_ar,
            MAX_TITLE_CHARS,
            field::TITLE_AR,
            &mut errors,
        ),
        en: line(
            &input.title_en,
            MAX_TITLE_CHARS,
            field::TITLE_EN,
            &mut errors,
        ),
    };
    if title.ar.is_none() && title.en.is_none() {
        errors.add(field::TITLE_AR, FormMessage::NameInOneLanguage);
    }
    let description = LocalizedText {
        ar: text(
            &input.description_ar,
            MAX_TEXT_CHARS,
            field::DESCRIPTION_AR,
            &mut errors,
        ),
        en: text(
            &input.description_en,
            MAX_TEXT_CHARS,
            field::DESCRIPTION_EN,
            &mut errors,
        ),
    };
    let agenda = LocalizedText {
        ar: text(
            &input.agenda_ar,
            MAX_TEXT_CHARS,
            field::AGENDA_AR,
            &mut errors,
        ),
        en: text(
            &input.agenda_en,
            MAX_TEXT_CHARS,
            field::AGENDA_EN,
            &mut errors,
        ),
    };
    let venue = LocalizedText {
        ar: line(
            &input.venue_ar,
            MAX_VENUE_CHARS,
            field::VENUE_AR,
            &mut errors,
        ),
        en: line(
            &input.venue_en,
            MAX_VENUE_CHARS,
            field::VENUE_EN,
            &mut errors,
        ),
    };
    let map_url = link(&input.map_url, field::MAP_URL, &mut errors);
    let online_url = link(&input.online_url, field::ONLINE_URL, &mut errors);
    if venue.ar.is_none() && venue.en.is_none() && online_url.is_none() {
        errors.add(field::VENUE_AR, FormMessage::WorkshopPlaceRequired);
    }
    let capacity = match input.capacity.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_CAPACITY).contains(&n) => n,
        _ if input.capacity.trim().is_empty() => {
            errors.add(field::CAPACITY, FormMessage::Required);
            0
        }
        _ => {
            errors.add(field::CAPACITY, FormMessage::CapacityRange);
            0
        }
    };
    if input.audience.is_none() {
        errors.add(field::AUDIENCE, FormMessage::Required);
    }
    let mut moment = |name: &'static str, raw: &str| {
        let parsed = parse_local(raw, time_zone);
        if parsed.is_none() {
            let message = if raw.trim().is_empty() {
                FormMessage::Required
            } else {
                FormMessage::DateMalformed
            };
            errors.add(name, message);
        }
        parsed
    };
    let starts = moment(field::STARTS_AT, &input.starts_at);
    let ends = moment(field::ENDS_AT, &input.ends_at);
    let closes = moment(field::REGISTRATION_CLOSES_AT, &input.registration_closes_at);
    if let Some(starts) = starts {
        // A workshop under way or over keeps its start; a new or moved one starts ahead.
        let kept = before.is_some_and(|w| w.fields.starts_at == starts);
        if starts <= now && !kept {
            errors.add(field::STARTS_AT, FormMessage::WorkshopInPast);
        }
        if let Some(ends) = ends {
            if ends <= starts || ends - starts > Duration::hours(MAX_HOURS) {
                errors.add(field::ENDS_AT, FormMessage::WorkshopTimesInvalid);
            }
        }
        if closes.is_some_and(|closes| closes > starts) {
            errors.add(
                field::REGISTRATION_CLOSES_AT,
                FormMessage::RegistrationClosesAfterStart,
            );
        }
    }
    match (starts, ends, closes, input.audience, errors.is_empty()) {
        (Some(starts_at), Some(ends_at), Some(registration_closes_at), Some(audience), true) => {
            Ok(WorkshopFields {
                title,
                description,
                agenda,
                starts_at,
                ends_at,
                venue,
                map_url,
                online_url,
                capacity,
                registration_closes_at,
                audience,
            })
        }
        _ => Err(WorkshopError::Invalid(errors)),
    }
}

/// Publishes (or corrects) the minutes of workshop `id`, once it has begun: Markdown,
/// sanitised when shown. At least one language.
pub async fn publish_minutes(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    minutes_ar: &str,
    minutes_en: &str,
    ip: Option<String>,
) -> Result<(), WorkshopError> {
    let w = workshops::by_id(&state.db, id)
        .await?
        .ok_or(WorkshopError::NotFound)?;
    authorise(Some(&signed.actor), Action::RunWorkshops(w.agency_id))?;
    if !runs(state, signed, &w).await? {
        return Err(Denied::Forbidden.into());
    }
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let minutes = LocalizedText {
        ar: text(
            minutes_ar,
            MAX_MINUTES_CHARS,
            field::MINUTES_AR,
            &mut errors,
        ),
        en: text(
            minutes_en,
            MAX_MINUTES_CHARS,
            field::MINUTES_EN,
            &mut errors,
        ),
    };
    if minutes.is_empty() {
        errors.add(field::MINUTES_AR, FormMessage::NameInOneLanguage);
    }
    if now < w.fields.starts_at {
        errors.add(field::MINUTES_AR, FormMessage::MinutesBeforeWorkshop);
    }
    if !errors.is_empty() {
        return Err(WorkshopError::Invalid(errors));
    }
    let mut tx = state.db.begin().await?;
    workshops::set_minutes(&mut tx, id, &minutes, now).await?;
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::WorkshopMinutes,
        target: format!("workshop:{id}"),
        detail: serde_json::json!({}),
        ip,
    };
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input() -> WorkshopInput {
        WorkshopInput {
            title_ar: "ورشة عمل حول مسودة الدليل".into(),
            starts_at: "2026-12-20T09:00".into(),
            ends_at: "2026-12-20T12:30".into(),
            registration_closes_at: "2026-12-18T23:59".into(),
            venue_ar: "الرياض، مبنى الهيئة، القاعة 3".into(),
            capacity: "200".into(),
            audience: Some(Audience::AgencyRepresentatives),
            ..WorkshopInput::default()
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
    }

    fn mistakes(input: &WorkshopInput) -> FieldErrors {
        match checked(input, "Asia/Riyadh", now(), None) {
            Err(WorkshopError::Invalid(errors)) => errors,
            other => panic!("expected mistakes, got {other:?}"),
        }
    }

    #[test]
    fn times_are_read_in_the_agency_zone() {
        let f = checked(&input(), "Asia/Riyadh", now(), None).expect("valid");
        // 09:00 in Riyadh (UTC+3) is 06:00 UTC.
        assert_eq!(
            f.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 20, 6, 0, 0).unwrap()
        );
        assert_eq!(
            f.ends_at,
            Utc.with_ymd_and_hms(2026, 12, 20, 9, 30, 0).unwrap()
        );
        assert_eq!(f.capacity, 200);
        assert_eq!(f.title.en, None);
    }

    #[test]
    fn every_mistake_is_named_at_its_field() {
        let mut i = input();
        i.title_ar = "  ".into();
        i.venue_ar = String::new();
        i.capacity = "0".into();
        i.ends_at = "2026-12-20T08:00".into();
        i.registration_closes_at = "2026-12-21T08:00".into();
        i.map_url = "javascript:alert(1)".into();
        i.audience = None;
        let found = mistakes(&i);
        for expected in [
            (field::TITLE_AR, FormMessage::NameInOneLanguage),
            (field::VENUE_AR, FormMessage::WorkshopPlaceRequired),
            (field::CAPACITY, FormMessage::CapacityRange),
            (field::ENDS_AT, FormMessage::WorkshopTimesInvalid),
            (
                field::REGISTRATION_CLOSES_AT,
                FormMessage::RegistrationClosesAfterStart,
            ),
            (field::MAP_URL, FormMessage::UrlMalformed),
            (field::AUDIENCE, FormMessage::Required),
        ] {
            assert_eq!(found.get(expected.0), Some(expected.1), "{found:?}");
        }
    }

    #[test]
    fn a_new_workshop_starts_ahead_and_lasts_a_bounded_time() {
        let mut i = input();
        i.starts_at = "2026-12-01T09:00".into();
        i.registration_closes_at = "2026-11-30T09:00".into();
        assert_eq!(
            mistakes(&i).get(field::STARTS_AT),
            Some(FormMessage::WorkshopInPast)
        );
        let mut i = input();
        i.ends_at = "2026-12-24T09:00".into();
        assert_eq!(
            mistakes(&i).get(field::ENDS_AT),
            Some(FormMessage::WorkshopTimesInvalid)
        );
        let mut i = input();
        i.starts_at = "20 December".into();
        assert_eq!(
            mistakes(&i).get(field::STARTS_AT),
            Some(FormMessage::DateMalformed)
        );
    }

    #[test]
    fn an_online_link_is_a_place() {
        let mut i = input();
        i.venue_ar = String::new();
        i.online_url = "https://meet.example.sa/shura".into();
        assert!(checked(&i, "Asia/Riyadh", now(), None).is_ok());
    }
}
