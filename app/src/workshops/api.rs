//! Server functions of the workshop pages: the portal's listing, a consultation's
//! workshops, one workshop, and the organisers' form.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::contribution::OrgKind;
use crate::domain::dates::DateLabel;
use crate::domain::workshop::{Audience, Phase, RegistrationStatus};
use crate::domain::{Lang, LocalizedText, UserId, WorkshopId};
use crate::error::AppError;

/// A workshop in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopCard {
    pub id: WorkshopId,
    pub title: LocalizedText,
    pub consultation_slug: String,
    pub consultation_title: LocalizedText,
    pub agency_name: LocalizedText,
    pub starts: DateLabel,
    pub ends: DateLabel,
    pub venue: LocalizedText,
    pub online: bool,
    pub audience: Audience,
    pub phase: Phase,
    pub capacity: u32,
}

/// Upcoming and past workshops across the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingView {
    pub upcoming: Vec<WorkshopCard>,
    pub past: Vec<WorkshopCard>,
}

/// The workshops section of a consultation's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationWorkshopsView {
    pub cards: Vec<WorkshopCard>,
    /// Whether the reader organises workshops for the consultation's agency.
    pub can_schedule: bool,
}

/// One workshop's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopView {
    pub card: WorkshopCard,
    pub description: LocalizedText,
    /// One item per line.
    pub agenda: LocalizedText,
    pub registration_closes: DateLabel,
    pub map_url: Option<String>,
    pub online_url: Option<String>,
    pub organisers: Vec<String>,
    /// Whether the reader runs this workshop (may change it).
    pub can_edit: bool,
    /// Places taken, and people waiting for one.
    pub confirmed: i64,
    pub waitlisted: i64,
    pub signed_in: bool,
    /// The reader's registration, if they hold one.
    pub mine: Option<MyRegistration>,
    /// The published minutes, as sanitised HTML, in the reader's language or the other.
    pub minutes: Option<MinutesView>,
    /// Once the workshop has begun: who held a place and who came, by what they came for.
    pub attendance: Option<Attendance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinutesView {
    pub html: String,
    pub lang: Lang,
    pub is_fallback: bool,
}

/// Places held and attendance, in all and by kind of organisation (`None`: for
/// themselves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendance {
    pub registered: i64,
    pub attended: i64,
    pub by_kind: Vec<(Option<OrgKind>, i64, i64)>,
}

/// A registration as its holder sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyRegistration {
    pub status: RegistrationStatus,
    pub code: String,
    /// On the waiting list: the place in it.
    pub position: Option<i64>,
}

/// A registration on the organisers' page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub name: String,
    pub org: Option<(String, OrgKind)>,
    pub org_role: Option<String>,
    pub status: RegistrationStatus,
    pub code: String,
    pub attended: bool,
    pub walk_in: bool,
}

/// The organisers' page of a workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManageView {
    pub card: WorkshopCard,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub attended: i64,
    pub registrations: Vec<RegistrationRow>,
    /// Invitations sent, and used (invitation-only workshops).
    pub invitations: (i64, i64),
    /// The minutes as stored (Markdown), for the form.
    pub minutes: LocalizedText,
    /// Whether it has begun: what was said is entered from then on.
    pub begun: bool,
    /// How many contributions were entered as said there.
    pub contributions: i64,
    /// The clauses of the consultation's current version, to anchor them to.
    pub clauses: Vec<crate::contributions::api::ClauseOption>,
}

/// The organisers' form: what it holds now, and whom it may name as organisers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopEditorData {
    pub slug: String,
    pub consultation_title: LocalizedText,
    /// `None` while scheduling a new one.
    pub id: Option<WorkshopId>,
    /// The stored values by field name (times as `datetime-local` in the agency's zone).
    pub values: BTreeMap<String, String>,
    /// The agency's organisers other than the reader, and whether each runs it.
    pub organisers: Vec<(UserId, String, bool)>,
    /// The agency's zone, as its cities are called ("Riyadh time").
    pub zone: String,
}

#[cfg(feature = "ssr")]
fn card(
    w: &crate::ssr::workshops::store::Workshop,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> WorkshopCard {
    use crate::ssr::calendar::label;
    WorkshopCard {
        id: w.id,
        title: w.fields.title.clone(),
        consultation_slug: w.consultation_slug.clone(),
        consultation_title: w.consultation_title.clone(),
        agency_name: w.agency_name.clone(),
        starts: label(w.fields.starts_at, &w.time_zone, lang),
        ends: label(w.fields.ends_at, &w.time_zone, lang),
        venue: w.fields.venue.clone(),
        online: w.fields.online_url.is_some(),
        audience: w.fields.audience,
        phase: w.phase(now),
        capacity: w.fields.capacity,
    }
}

/// How many workshops each part of the portal's listing shows.
pub const LISTING_LIMIT: u32 = 50;

#[server(prefix = "/api/fn", endpoint = "workshop_listing")]
pub async fn workshop_listing(lang: Lang) -> Result<ListingView, AppError> {
    use crate::ssr::context::app_state;
    use crate::ssr::workshops::store::{self as workshops, When};
    let state = app_state()?;
    let now = state.clock.now();
    let upcoming = workshops::public_listing(&state.db, When::Upcoming, now, LISTING_LIMIT).await?;
    let past = workshops::public_listing(&state.db, When::Past, now, LISTING_LIMIT).await?;
    Ok(ListingView {
        upcoming: upcoming.iter().map(|w| card(w, lang, now)).collect(),
        past: past.iter().map(|w| card(w, lang, now)).collect(),
    })
}

/// The workshops section of consultation `c`'s page, as `reader` sees it (the caller
/// has checked that they may read `c`).
#[cfg(feature = "ssr")]
pub async fn consultation_section(
    state: &crate::ssr::state::AppState,
    c: &crate::ssr::consultations::store::Consultation,
    reader: Option<&crate::ssr::accounts::authz::Signed>,
    lang: Lang,
) -> Result<ConsultationWorkshopsView, crate::ssr::db::StoreError> {
    use crate::domain::authz::{authorise, Action};
    use crate::ssr::workshops::store as workshops;
    let now = state.clock.now();
    let can_schedule =
        authorise(reader.map(|s| &s.actor), Action::RunWorkshops(c.agency_id)).is_ok();
    let list = workshops::of_consultation(&state.db, c.id).await?;
    Ok(ConsultationWorkshopsView {
        cards: list.iter().map(|w| card(w, lang, now)).collect(),
        can_schedule,
    })
}

#[server(prefix = "/api/fn", endpoint = "workshop_page")]
pub async fn workshop_page(id: i64, lang: Lang) -> Result<WorkshopView, AppError> {
    use crate::domain::authz::{authorise, Action};
    use crate::ssr::accounts::authz;
    use crate::ssr::calendar::label;
    use crate::ssr::context;
    use crate::ssr::workshops::store::registrations;
    use crate::ssr::workshops::{service, store as workshops};
    let state = context::app_state()?;
    let now = state.clock.now();
    let not_found = || {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        AppError::NotFound
    };
    let Some(w) = workshops::by_id(&state.db, WorkshopId(id)).await? else {
        return Err(not_found());
    };
    let session = context::session().await?;
    let signed = authz::signed_in(&session, &state.db, now).await?;
    let may = |action| authorise(signed.as_ref().map(|s| &s.actor), action).is_ok();
    if !w.is_public()
        && !may(Action::RunWorkshops(w.agency_id))
        && !may(Action::ActForAgency(w.agency_id))
    {
        return Err(not_found());
    }
    let can_edit = match &signed {
        Some(s) => service::runs(&state, s, &w).await?,
        None => false,
    };
    let counts = registrations::counts(&state.db, w.id).await?;
    let mine = match &signed {
        Some(s) => crate::ssr::workshops::registration::mine(&state, s, w.id)
            .await?
            .map(|(r, position)| MyRegistration {
                status: r.status,
                code: r.code,
                position,
            }),
        None => None,
    };
    let organisers = workshops::organisers(&state.db, w.id)
        .await?
        .into_iter()
        .map(|o| o.display_name)
        .collect();
    let minutes = match w.minutes_published_at {
        Some(_) => w.minutes.pick(lang).map(|m| MinutesView {
            html: crate::ssr::consultations::markdown::render(&m.text),
            lang: m.lang,
            is_fallback: m.is_fallback,
        }),
        None => None,
    };
    let attendance = if now >= w.fields.starts_at {
        let by_kind = registrations::attendance_by_kind(&state.db, w.id).await?;
        Some(Attendance {
            registered: by_kind.iter().map(|k| k.1).sum(),
            attended: by_kind.iter().map(|k| k.2).sum(),
            by_kind,
        })
    } else {
        None
    };
    Ok(WorkshopView {
        minutes,
        attendance,
        card: card(&w, lang, now),
        description: w.fields.description.clone(),
        agenda: w.fields.agenda.clone(),
        registration_closes: label(w.fields.registration_closes_at, &w.time_zone, lang),
        map_url: w.fields.map_url.clone(),
        online_url: w.fields.online_url.clone(),
        organisers,
        can_edit,
        confirmed: counts.confirmed,
        waitlisted: counts.waitlisted,
        signed_in: signed.is_some(),
        mine,
    })
}

#[server(prefix = "/api/fn", endpoint = "workshop_manage")]
pub async fn workshop_manage(id: i64, lang: Lang) -> Result<ManageView, AppError> {
    use crate::domain::authz::{Action, Denied};
    use crate::ssr::context;
    use crate::ssr::workshops::store::registrations;
    use crate::ssr::workshops::{service, store as workshops};
    let state = context::app_state()?;
    let now = state.clock.now();
    let Some(w) = workshops::by_id(&state.db, WorkshopId(id)).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    let signed = context::require(Action::RunWorkshops(w.agency_id)).await?;
    if !service::runs(&state, &signed, &w).await? {
        context::set_status(axum::http::StatusCode::FORBIDDEN);
        return Err(AppError::Denied(Denied::Forbidden));
    }
    let counts = registrations::counts(&state.db, w.id).await?;
    let list = registrations::list(&state.db, w.id).await?;
    Ok(ManageView {
        card: card(&w, lang, now),
        confirmed: counts.confirmed,
        waitlisted: counts.waitlisted,
        attended: counts.attended,
        registrations: list
            .into_iter()
            .map(|r| RegistrationRow {
                id: r.id,
                walk_in: r.user_id.is_none(),
                name: r.name,
                org: r.org,
                org_role: r.org_role,
                status: r.status,
                code: r.code,
                attended: r.attended_at.is_some(),
            })
            .collect(),
        invitations: registrations::invitation_counts(&state.db, w.id).await?,
        minutes: w.minutes.clone(),
        begun: now >= w.fields.starts_at && w.cancelled_at.is_none(),
        contributions: crate::ssr::contributions::store::count_of_workshop(&state.db, w.id).await?,
        clauses: match crate::ssr::consultations::store::by_id(&state.db, w.consultation_id).await?
        {
            Some(c) => {
                match crate::ssr::contributions::received::current_clauses(&state, &c).await? {
                    Some((_, clauses)) => {
                        crate::ssr::contributions::threads::clause_options(clauses, lang)
                    }
                    None => Vec::new(),
                }
            }
            None => Vec::new(),
        },
    })
}

/// Which workshop the organisers' form is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EditorTarget {
    /// A new workshop of the consultation with this slug.
    New(String),
    Existing(WorkshopId),
}

#[server(prefix = "/api/fn", endpoint = "workshop_editor")]
pub async fn workshop_editor(
    target: EditorTarget,
    lang: Lang,
) -> Result<WorkshopEditorData, AppError> {
    use crate::domain::authz::{Action, Denied};
    use crate::ssr::calendar::{label, local_input};
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::workshops::{service, store as workshops};
    use crate::workshops::form::field;
    let state = context::app_state()?;
    let not_found = || {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        AppError::NotFound
    };
    let (c, existing) = match &target {
        EditorTarget::New(slug) => (
            consultations::by_slug(&state.db, slug)
                .await?
                .ok_or_else(not_found)?,
            None,
        ),
        EditorTarget::Existing(id) => {
            let w = workshops::by_id(&state.db, *id)
                .await?
                .ok_or_else(not_found)?;
            let c = consultations::by_id(&state.db, w.consultation_id)
                .await?
                .ok_or_else(not_found)?;
            (c, Some(w))
        }
    };
    let signed = context::require(Action::RunWorkshops(c.agency_id)).await?;
    if let Some(w) = &existing {
        if !service::runs(&state, &signed, w).await? {
            context::set_status(axum::http::StatusCode::FORBIDDEN);
            return Err(AppError::Denied(Denied::Forbidden));
        }
    }
    let running: Vec<UserId> = match &existing {
        Some(w) => workshops::organisers(&state.db, w.id)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect(),
        None => Vec::new(),
    };
    let organisers = service::agency_organisers(&state, c.agency_id)
        .await?
        .into_iter()
        .filter(|g| g.user_id != signed.user.id)
        .map(|g| (g.user_id, g.display_name, running.contains(&g.user_id)))
        .collect();
    let mut values = BTreeMap::new();
    if let Some(w) = &existing {
        let f = &w.fields;
        let tz = &w.time_zone;
        let mut put = |k: &str, v: Option<String>| {
            values.insert(k.to_owned(), v.unwrap_or_default());
        };
        put(field::TITLE_AR, f.title.ar.clone());
        put(field::TITLE_EN, f.title.en.clone());
        put(field::DESCRIPTION_AR, f.description.ar.clone());
        put(field::DESCRIPTION_EN, f.description.en.clone());
        put(field::AGENDA_AR, f.agenda.ar.clone());
        put(field::AGENDA_EN, f.agenda.en.clone());
        put(field::VENUE_AR, f.venue.ar.clone());
        put(field::VENUE_EN, f.venue.en.clone());
        put(field::MAP_URL, f.map_url.clone());
        put(field::ONLINE_URL, f.online_url.clone());
        put(field::CAPACITY, Some(f.capacity.to_string()));
        put(field::AUDIENCE, Some(f.audience.as_str().to_owned()));
        put(field::STARTS_AT, Some(local_input(f.starts_at, tz)));
        put(field::ENDS_AT, Some(local_input(f.ends_at, tz)));
        put(
            field::REGISTRATION_CLOSES_AT,
            Some(local_input(f.registration_closes_at, tz)),
        );
    }
    let zone = label(state.clock.now(), &c.agency_time_zone, lang).time;
    // "10:00 Riyadh time" → "Riyadh time": the form names the zone, not a moment.
    let zone = zone
        .split_once(' ')
        .map_or(zone.clone(), |(_, z)| z.to_owned());
    Ok(WorkshopEditorData {
        slug: c.slug,
        consultation_title: c.title,
        id: existing.map(|w| w.id),
        values,
        organisers,
        zone,
    })
}
