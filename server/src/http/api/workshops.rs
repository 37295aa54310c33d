//! A consultation's workshops and one workshop, as the public may see them: when and
//! where, who may come, places and attendance, the minutes — never who registered
//! (`GET /api/v1/consultations/{slug}/workshops`, `GET /api/v1/workshops/{id}`).

use app::domain::contribution::OrgKind;
use app::domain::workshop::{Audience, Phase};
use app::domain::WorkshopId;
use app::paths;
use app::ssr::state::AppState;
use app::ssr::workshops::store::{self as workshops, registrations, Workshop};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{published, ApiError, Failure, Text};

/// Where a workshop stands at the time of the request.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkshopPhase {
    Registering,
    RegistrationClosed,
    Running,
    Past,
    Cancelled,
}

impl From<Phase> for WorkshopPhase {
    fn from(p: Phase) -> Self {
        match p {
            Phase::Registering => WorkshopPhase::Registering,
            Phase::RegistrationClosed => WorkshopPhase::RegistrationClosed,
            Phase::Running => WorkshopPhase::Running,
            Phase::Past => WorkshopPhase::Past,
            Phase::Cancelled => WorkshopPhase::Cancelled,
        }
    }
}

/// Places held and attendance for one kind of organisation (`null`: people who came
/// for themselves).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceByKind {
    pub org_kind: Option<OrgKind>,
    pub registered: i64,
    pub attended: i64,
}

/// Places held, people waiting, and — once it has begun — who came.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopFigures {
    pub capacity: u32,
    pub registered: i64,
    pub waitlisted: i64,
    /// `null` before the workshop begins.
    pub attended: Option<i64>,
    pub by_kind: Vec<AttendanceByKind>,
}

/// A workshop's public fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopItem {
    pub id: i64,
    pub consultation: String,
    pub title: Text,
    pub description: Text,
    /// One item per line.
    pub agenda: Text,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The agency's IANA time zone, in which the workshop is announced.
    pub time_zone: String,
    pub venue: Text,
    pub map_url: Option<String>,
    pub online_url: Option<String>,
    pub audience: Audience,
    pub registration_closes_at: DateTime<Utc>,
    pub phase: WorkshopPhase,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Markdown, as published; `null` until then.
    pub minutes: Option<Text>,
    pub minutes_published_at: Option<DateTime<Utc>>,
    pub figures: WorkshopFigures,
    /// Its page, and its calendar file.
    pub url: String,
    pub ics_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopList {
    pub workshops: Vec<WorkshopItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopOne {
    pub workshop: WorkshopItem,
}

async fn item(state: &AppState, w: Workshop, now: DateTime<Utc>) -> Result<WorkshopItem, Failure> {
    let counts = registrations::counts(&state.db, w.id).await?;
    let begun = now >= w.fields.starts_at;
    let by_kind = if begun {
        registrations::attendance_by_kind(&state.db, w.id)
            .await?
            .into_iter()
            .map(|(org_kind, registered, attended)| AttendanceByKind {
                org_kind,
                registered,
                attended,
            })
            .collect()
    } else {
        Vec::new()
    };
    let lang = app::domain::Lang::En;
    let phase = w.phase(now).into();
    let f = w.fields;
    Ok(WorkshopItem {
        id: w.id.0,
        url: paths::absolute(&state.public_url, &paths::workshop(lang, w.id)),
        ics_url: paths::absolute(&state.public_url, &paths::workshop_ics(lang, w.id)),
        consultation: w.consultation_slug,
        title: f.title.into(),
        description: f.description.into(),
        agenda: f.agenda.into(),
        starts_at: f.starts_at,
        ends_at: f.ends_at,
        time_zone: w.time_zone,
        venue: f.venue.into(),
        map_url: f.map_url,
        online_url: f.online_url,
        audience: f.audience,
        registration_closes_at: f.registration_closes_at,
        phase,
        cancelled_at: w.cancelled_at,
        minutes: w.minutes_published_at.map(|_| w.minutes.into()),
        minutes_published_at: w.minutes_published_at,
        figures: WorkshopFigures {
            capacity: f.capacity,
            registered: counts.confirmed,
            waitlisted: counts.waitlisted,
            attended: begun.then_some(counts.attended),
            by_kind,
        },
    })
}

/// The workshops of a published consultation, in the order they take place.
#[utoipa::path(
    get,
    path = paths::route::API_CONSULTATION_WORKSHOPS,
    tag = "workshops",
    params(("slug" = String, Path, description = "The consultation's slug")),
    responses(
        (status = 200, description = "Its workshops", body = WorkshopList),
        (status = 404, description = "No such published consultation", body = ApiError)
    )
)]
pub(super) async fn list_workshops(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<WorkshopList>, Failure> {
    let (c, _) = published(&state, &slug).await?;
    let now = state.clock.now();
    let mut list = Vec::new();
    for w in workshops::of_consultation(&state.db, c.id).await? {
        list.push(item(&state, w, now).await?);
    }
    Ok(Json(WorkshopList { workshops: list }))
}

/// One workshop of a published consultation.
#[utoipa::path(
    get,
    path = paths::route::API_WORKSHOP,
    tag = "workshops",
    params(("id" = i64, Path, description = "The workshop's id")),
    responses(
        (status = 200, description = "The workshop", body = WorkshopOne),
        (status = 404, description = "No such workshop of a published consultation", body = ApiError)
    )
)]
pub(super) async fn get_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<WorkshopOne>, Failure> {
    let id = match id.parse::<i64>() {
        Ok(id) if id > 0 => WorkshopId(id),
        _ => return Err(Failure::NotFound),
    };
    let w = workshops::by_id(&state.db, id)
        .await?
        .filter(Workshop::is_public)
        .ok_or(Failure::NotFound)?;
    let now = state.clock.now();
    Ok(Json(WorkshopOne {
        workshop: item(&state, w, now).await?,
    }))
}
