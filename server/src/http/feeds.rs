//! The Atom feeds' routes (`app::ssr::feeds` writes them): new consultations, and each
//! consultation's versions and responses.

use app::domain::consultation::is_valid_slug;
use app::domain::Lang;
use app::paths::route;
use app::ssr::feeds;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(&route::consultations_feed(lang), get(consultations_feed))
        .route(&route::consultation_feed(lang), get(consultation_feed))
}

fn atom(xml: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

fn failed(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "feed not written");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /{lang}/feeds/consultations.atom`.
async fn consultations_feed(State(state): State<AppState>, uri: Uri) -> Response {
    let Some(lang) = Lang::from_path(uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feeds::consultations_feed(&state, lang).await {
        Ok(xml) => atom(xml),
        Err(err) => failed(err),
    }
}

/// `GET /{lang}/consultations/{slug}/feed.atom`.
async fn consultation_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
) -> Response {
    let Some(lang) = Lang::from_path(uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match feeds::consultation_feed(&state, &slug, lang).await {
        Ok(Some(xml)) => atom(xml),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => failed(err),
    }
}
