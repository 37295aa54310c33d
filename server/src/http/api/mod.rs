//! The public read API under `/api/v1/`, and its OpenAPI document at
//! `/api/openapi.json`. It shows what anyone may read on the site: published
//! consultations and their published versions, never drafts; contributions as the
//! page shows them (hidden and withdrawn ones as placeholders without their text).

mod consultations;
mod contributions;
mod export;
mod impact;
mod search;
mod workshops;

use app::domain::LocalizedText;
use app::paths::route;
use app::ssr::consultations::store::{self as consultation_store, Consultation, Version};
use app::ssr::db::StoreError;
use app::ssr::state::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::{OpenApi, ToSchema};

/// Consultations per page unless `per_page` says otherwise, and the most it may say.
const DEFAULT_PER_PAGE: u32 = 20;
const MAX_PER_PAGE: u32 = 100;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shura public API",
        description = "Read-only access to the consultations published on this portal: \
                       their versions, clauses and comment periods. Texts come in Arabic \
                       (`ar`) and English (`en`); either may be null. Times are UTC (RFC 3339).",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        consultations::list_consultations,
        consultations::get_consultation,
        consultations::get_version,
        contributions::list_contributions,
        contributions::get_contribution,
        export::contributions_csv,
        impact::get_impact,
        search::search,
        workshops::list_workshops,
        workshops::get_workshop
    ),
    tags(
        (name = "consultations", description = "Drafts published for public comment"),
        (name = "contributions", description = "What people said about them, in threads"),
        (name = "search", description = "Everything said, searched in Arabic and English"),
        (name = "workshops", description = "Consultation workshops: when, where, who may come, attendance and minutes")
    )
)]
pub struct ApiDoc;

/// The API's routes. Anyone may read them from any site: they are public and take no
/// cookies into account.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(route::OPENAPI, get(openapi))
        .route(
            route::API_CONSULTATIONS,
            get(consultations::list_consultations),
        )
        .route(
            route::API_CONSULTATION,
            get(consultations::get_consultation),
        )
        .route(route::API_VERSION, get(consultations::get_version))
        .route(
            route::API_CONTRIBUTIONS,
            get(contributions::list_contributions),
        )
        .route(
            route::API_CONTRIBUTION,
            get(contributions::get_contribution),
        )
        .route(route::API_IMPACT, get(impact::get_impact))
        .route(route::API_CONTRIBUTIONS_CSV, get(export::contributions_csv))
        .route(route::API_SEARCH, get(search::search))
        .route(
            route::API_CONSULTATION_WORKSHOPS,
            get(workshops::list_workshops),
        )
        .route(route::API_WORKSHOP, get(workshops::get_workshop))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
}

/// `GET /api/openapi.json`.
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// An error: a stable code for programs and an English message for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// `not_found`, `bad_request` or `internal`.
    pub error: &'static str,
    pub message: String,
}

pub(super) enum Failure {
    NotFound,
    BadRequest(String),
    Internal,
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "api: store error");
        Failure::Internal
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            Failure::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "nothing published here".to_owned(),
            ),
            Failure::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m),
            Failure::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server failed; the details are in its log".to_owned(),
            ),
        };
        (status, Json(ApiError { error, message })).into_response()
    }
}

/// A text in Arabic and English; either may be null.
#[derive(Debug, Serialize, ToSchema)]
pub struct Text {
    pub ar: Option<String>,
    pub en: Option<String>,
}

impl From<LocalizedText> for Text {
    fn from(t: LocalizedText) -> Self {
        Text { ar: t.ar, en: t.en }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    pub slug: String,
    pub name: Text,
}

/// The `page` and `per_page` parameters of a list, checked.
fn paging(page: Option<&str>, per_page: Option<&str>) -> Result<(u32, u32), Failure> {
    Ok((
        parse_number("page", page, 1, u32::MAX)?,
        parse_number("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)?,
    ))
}

/// A page parameter: `default` when absent, else a whole number from 1 to `max`.
fn parse_number(name: &str, raw: Option<&str>, default: u32, max: u32) -> Result<u32, Failure> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(default);
    };
    match raw.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(Failure::BadRequest(format!(
            "{name} must be a whole number from 1 to {max}"
        ))),
    }
}

/// A consultation the public may see, with its published versions (oldest first).
async fn published(state: &AppState, slug: &str) -> Result<(Consultation, Vec<Version>), Failure> {
    let c = consultation_store::public_by_slug(&state.db, slug)
        .await?
        .ok_or(Failure::NotFound)?;
    let versions = consultation_store::visible_versions(
        consultation_store::versions(&state.db, c.id).await?,
        false,
    );
    Ok((c, versions))
}
