//! The organisers' workshop form, and workshops as calendar files. A workshop's page
//! and its `.ics` share one path segment (`/{lang}/workshops/{id}` and `{id}.ics`), which
//! the router cannot tell apart: `page_or_file` does, and renders the page otherwise.

use app::contributions::form::received as received_field;
use app::domain::consultation::is_valid_slug;
use app::domain::contribution::OrgKind;
use app::domain::workshop::Audience;
use app::domain::{Lang, UserId, WorkshopId};
use app::forms::{FieldErrors, FormFeedback, FormMessage};
use app::paths::{self, route};
use app::ssr::state::AppState;
use app::ssr::upload::chosen;
use app::ssr::workshops::feedback::{self, FeedbackError};
use app::ssr::workshops::registration::{
    self as registration, CheckIn, Registering, RegistrationError, WalkIn,
};
use app::ssr::workshops::service::{self as workshops, WorkshopError, WorkshopInput};
use app::ssr::workshops::{ics, sheet};
use app::workshops::form::{field, OrganiserIntent, ParticipantIntent, WorkshopIntent};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, SignedSubmission, Submission};
use super::spreadsheet_cell;

impl IntoFeedback for RegistrationError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            RegistrationError::Denied(reason) => reason.into_feedback(),
            RegistrationError::NotFound => FormMessage::NotFound.into(),
            RegistrationError::Invalid(errors) => errors.into(),
            RegistrationError::Closed => FormMessage::RegistrationClosed.into(),
            RegistrationError::AlreadyRegistered => FormMessage::AlreadyRegistered.into(),
            RegistrationError::InvitationRequired => FormMessage::InvitationRequired.into(),
            RegistrationError::InvitationInvalid => FormMessage::InvitationInvalid.into(),
            RegistrationError::Store(err) => internal(&err),
        }
    }
}

impl IntoFeedback for FeedbackError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            FeedbackError::Denied(reason) => reason.into_feedback(),
            FeedbackError::NotFound => FormMessage::NotFound.into(),
            FeedbackError::NotBegun => FormMessage::WorkshopNotBegun.into(),
            FeedbackError::Invalid(errors) => errors.into(),
            FeedbackError::Sheet(rejected) => FormFeedback {
                summary: Some(rejected.summary),
                rows: rejected.rows,
                ..FormFeedback::default()
            },
            FeedbackError::Store(err) => internal(&err),
        }
    }
}

impl IntoFeedback for WorkshopError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            WorkshopError::Denied(reason) => reason.into_feedback(),
            WorkshopError::NotFound => FormMessage::NotFound.into(),
            WorkshopError::Invalid(errors) => errors.into(),
            WorkshopError::Store(err) => internal(&err),
        }
    }
}

/// The Leptos page routes this module serves itself (see the module's comment).
pub(super) fn own_page_routes() -> Vec<String> {
    Lang::ALL.iter().map(|l| route::workshop(*l)).collect()
}

pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(
            &route::workshop(lang),
            get(page_or_file).post(post_participant),
        )
        .route(
            &route::workshop_manage(lang),
            axum::routing::post(post_organiser),
        )
        .route(
            &route::workshop_participants_csv(lang),
            get(participants_csv),
        )
        .route(&route::workshop_feedback_sheet(lang), get(feedback_sheet))
        .route(&route::new_workshop(lang), axum::routing::post(post_new))
        .route(&route::workshop_edit(lang), axum::routing::post(post_edit))
        .route(
            &route::consultation_workshops_ics(lang),
            get(consultation_file),
        )
}

fn calendar_file(body: String, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.ics\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A CSV file for the organisers to download (never kept by a cache: it is theirs).
fn csv_file(body: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

fn failed(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "calendar file not written");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /{lang}/workshops/{id}` (the page) or `/{lang}/workshops/{id}.ics` (the file).
async fn page_or_file(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    req: Request<Body>,
) -> Response {
    let Some(lang) = Lang::from_path(req.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(id) = segment.strip_suffix(".ics") else {
        let context = {
            let state = state.clone();
            move || leptos::prelude::provide_context(state.clone())
        };
        let options = state.leptos_options.clone();
        let handler = leptos_axum::render_app_async_with_context(context, move || {
            app::shell(options.clone())
        });
        return handler(req).await;
    };
    let id = match id.parse::<i64>() {
        Ok(id) if id > 0 => WorkshopId(id),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match ics::workshop_file(&state, id, lang).await {
        Ok(Some(body)) => calendar_file(body, &format!("workshop-{id}")),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => failed(err),
    }
}

/// `GET /{lang}/consultations/{slug}/workshops.ics`.
async fn consultation_file(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    req: Request<Body>,
) -> Response {
    let Some(lang) = Lang::from_path(req.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match ics::consultation_file(&state, &slug, lang).await {
        Ok(Some(body)) => calendar_file(body, &format!("{slug}-workshops")),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => failed(err),
    }
}

/// What the form says; an audience or organiser that is not one we drew is `Err`.
fn input(sub: &Submission) -> Result<WorkshopInput, ()> {
    let audience = match sub.field(field::AUDIENCE).trim() {
        "" => None,
        code => Some(Audience::parse(code).ok_or(())?),
    };
    let mut organisers = Vec::new();
    for v in sub.all(field::ORGANISER) {
        match v.trim().parse::<i64>() {
            Ok(id) if id > 0 => organisers.push(UserId(id)),
            _ => return Err(()),
        }
    }
    let text = |name: &str| sub.field(name).to_owned();
    Ok(WorkshopInput {
        title_ar: text(field::TITLE_AR),
        title_en: text(field::TITLE_EN),
        description_ar: text(field::DESCRIPTION_AR),
        description_en: text(field::DESCRIPTION_EN),
        agenda_ar: text(field::AGENDA_AR),
        agenda_en: text(field::AGENDA_EN),
        starts_at: text(field::STARTS_AT),
        ends_at: text(field::ENDS_AT),
        registration_closes_at: text(field::REGISTRATION_CLOSES_AT),
        venue_ar: text(field::VENUE_AR),
        venue_en: text(field::VENUE_EN),
        map_url: text(field::MAP_URL),
        online_url: text(field::ONLINE_URL),
        capacity: text(field::CAPACITY),
        audience,
        organisers,
    })
}

/// The page again with what was typed, the ticked organisers included.
async fn refused(
    state: &AppState,
    sub: &Submission,
    input: &WorkshopInput,
    err: WorkshopError,
) -> Response {
    let mut feedback = err.into_feedback();
    feedback.values = sub.typed_values();
    let ticked = input
        .organisers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    feedback.values.insert(field::ORGANISER.to_owned(), ticked);
    sub.refuse(state, feedback).await
}

/// `POST /{lang}/consultations/{slug}/workshops/new`.
async fn post_new(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(WorkshopIntent::Save) = sub.intent(&state).await else {
        return sub.unreadable(&state).await;
    };
    let Ok(input) = input(&sub) else {
        return sub.unreadable(&state).await;
    };
    match workshops::create(&state, &signed, &slug, &input, sub.ip()).await {
        Ok(id) => see_other(paths::workshop(sub.lang, id)),
        Err(err) => refused(&state, &sub, &input, err).await,
    }
}

/// `POST /{lang}/workshops/{id}/edit`.
async fn post_edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let id = match id.parse::<i64>() {
        Ok(id) if id > 0 => WorkshopId(id),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Ok(WorkshopIntent::Save) = sub.intent(&state).await else {
        return sub.unreadable(&state).await;
    };
    let Ok(input) = input(&sub) else {
        return sub.unreadable(&state).await;
    };
    match workshops::update(&state, &signed, id, &input, sub.ip()).await {
        Ok(()) => see_other(paths::workshop(sub.lang, id)),
        Err(err) => refused(&state, &sub, &input, err).await,
    }
}

fn workshop_id(raw: &str) -> Option<WorkshopId> {
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(WorkshopId(id)),
        _ => None,
    }
}

/// `POST /{lang}/workshops/{id}`: register (with an invitation's token when it is by
/// invitation), or give the place up.
async fn post_participant(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let Some(id) = workshop_id(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let intent: ParticipantIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let done = paths::workshop_done(sub.lang, id, intent);
    let result = match intent {
        ParticipantIntent::Register => {
            let input = Registering {
                org_name: sub.field(field::ORG_NAME).to_owned(),
                org_role: sub.field(field::ORG_ROLE).to_owned(),
                invitation: Some(sub.field(field::INVITATION).trim().to_owned()),
            };
            registration::register(&state, &signed, id, &input)
                .await
                .map(drop)
        }
        ParticipantIntent::Cancel => registration::cancel(&state, &signed, id).await,
    };
    sub.respond(&state, result, done).await
}

/// `POST /{lang}/workshops/{id}/manage`: check in (from the list or by code), add a
/// walk-in, send invitations — its organisers only.
async fn post_organiser(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let Some(id) = workshop_id(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let intent: OrganiserIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let done = paths::workshop_manage_done(sub.lang, id, intent);
    if intent == OrganiserIntent::Minutes {
        let result = workshops::publish_minutes(
            &state,
            &signed,
            id,
            sub.field(field::MINUTES_AR),
            sub.field(field::MINUTES_EN),
            sub.ip(),
        )
        .await;
        return sub.respond(&state, result, done).await;
    }
    if intent == OrganiserIntent::Contribution {
        let Ok(entry) = super::received::entry(&sub) else {
            return sub.unreadable(&state).await;
        };
        let result = feedback::record(&state, &signed, id, &entry, sub.ip()).await;
        return sub.respond(&state, result.map(drop), done).await;
    }
    if intent == OrganiserIntent::Sheet {
        let result = match chosen(&sub.uploads, received_field::SHEET) {
            Some(file) => feedback::import_sheet(&state, &signed, id, &file.bytes, sub.ip())
                .await
                .map(drop),
            None => Err(FeedbackError::Invalid(FieldErrors::one(
                received_field::SHEET,
                FormMessage::FileMissing,
            ))),
        };
        return sub.respond(&state, result, done).await;
    }
    let result = match intent {
        OrganiserIntent::Minutes | OrganiserIntent::Contribution | OrganiserIntent::Sheet => {
            return sub.unreadable(&state).await
        }
        OrganiserIntent::CheckIn => match sub.id_field(&state, field::REGISTRATION).await {
            Ok(r) => registration::check_in(&state, &signed, id, CheckIn::Registration(r))
                .await
                .map(drop),
            Err(res) => return res,
        },
        OrganiserIntent::CheckInCode => {
            let code = CheckIn::Code(sub.field(field::CODE).to_owned());
            registration::check_in(&state, &signed, id, code)
                .await
                .map(drop)
        }
        OrganiserIntent::WalkIn => {
            let org_kind = match sub.field(field::ORG_KIND).trim() {
                "" => None,
                code => match OrgKind::parse(code) {
                    Some(kind) => Some(kind),
                    None => return sub.unreadable(&state).await,
                },
            };
            let input = WalkIn {
                name: sub.field(field::WALK_IN_NAME).to_owned(),
                org_name: sub.field(field::ORG_NAME).to_owned(),
                org_kind,
            };
            registration::walk_in(&state, &signed, id, &input).await
        }
        OrganiserIntent::Invite => {
            registration::invite(&state, &signed, id, sub.field(field::EMAILS))
                .await
                .map(drop)
        }
    };
    sub.respond(&state, result, done).await
}

/// `GET /{lang}/workshops/{id}/participants.csv`: who holds a place, their
/// organisation and whether they came — nothing more (no addresses) — for its
/// organisers only.
async fn participants_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: tower_sessions::Session,
) -> Response {
    let Some(id) = workshop_id(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signed =
        match app::ssr::accounts::authz::signed_in(&session, &state.db, state.clock.now()).await {
            Ok(Some(signed)) => signed,
            Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
            Err(err) => return failed(err),
        };
    let rows = match registration::participants(&state, &signed, id).await {
        Ok(rows) => rows,
        Err(RegistrationError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(RegistrationError::Denied(_)) => return StatusCode::FORBIDDEN.into_response(),
        Err(err) => return failed(err),
    };
    let written = (|| -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(["name", "organisation", "attended"])?;
        for r in &rows {
            let org = r
                .org
                .as_ref()
                .map(|(name, _)| name.as_str())
                .unwrap_or_default();
            let attended = if r.attended_at.is_some() { "yes" } else { "no" };
            out.write_record([
                spreadsheet_cell(&r.name),
                spreadsheet_cell(org),
                attended.to_owned(),
            ])?;
        }
        Ok(out.into_inner()?)
    })();
    match written {
        Ok(body) => csv_file(body, &format!("workshop-{id}-participants")),
        Err(err) => failed(err),
    }
}

/// `GET /{lang}/workshops/{id}/feedback-sheet.csv`: an empty feedback sheet, its header
/// row in the page's language, for the workshop's organisers. It starts with a byte
/// order mark, so that spreadsheets open its Arabic as UTF-8.
async fn feedback_sheet(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: tower_sessions::Session,
    req: Request<Body>,
) -> Response {
    let (Some(id), Some(lang)) = (workshop_id(&id), Lang::from_path(req.uri().path())) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signed =
        match app::ssr::accounts::authz::signed_in(&session, &state.db, state.clock.now()).await {
            Ok(Some(signed)) => signed,
            Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
            Err(err) => return failed(err),
        };
    match app::ssr::workshops::store::by_id(&state.db, id).await {
        Ok(Some(w)) => match workshops::runs(&state, &signed, &w).await {
            Ok(true) => {}
            Ok(false) => return StatusCode::FORBIDDEN.into_response(),
            Err(err) => return failed(err),
        },
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => return failed(err),
    }
    let written = (|| -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(sheet::header(lang))?;
        Ok(out.into_inner()?)
    })();
    match written {
        Ok(body) => csv_file(body, &format!("workshop-{id}-feedback")),
        Err(err) => failed(err),
    }
}
