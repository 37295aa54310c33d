//! Notification settings and one-click unsubscribe (RFC 8058).

use app::domain::notification::NotifyMode;
use app::domain::Lang;
use app::paths::{self, route};
use app::ssr::notifications::service as notifying;
use app::ssr::notifications::store::notices as notifications;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::form::{see_other, SignedSubmission};

/// Tokens are 64 hexadecimal digits (see `ssr::auth::token`).
fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The notification setting under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new().route(&route::notification_settings(lang), post(settings))
}

/// The one-click unsubscribe link mailed with every notification (no language: mail
/// programs post to it).
pub(super) fn unsubscribe_routes() -> Router<AppState> {
    Router::new().route(route::UNSUBSCRIBE, get(unsubscribe_page).post(unsubscribe))
}

/// `POST /unsubscribe/{token}`: what a mail program sends for `List-Unsubscribe-Post`
/// and what the unsubscribe page's button sends. The token is the permission, so no
/// session or form token is needed; then the page says it is done.
pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !is_token(&token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match notifying::unsubscribe_by_token(&state.db, &token).await {
        Ok(Some(code)) => {
            // The stored language is read as the accounts store reads it.
            let lang = Lang::from_code(&code).unwrap_or_default();
            see_other(paths::unsubscribe_done(lang, &token))
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "unsubscribe failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /unsubscribe/{token}` (the header's address opened in a browser): the page
/// with the button.
pub async fn unsubscribe_page(Path(token): Path<String>) -> Response {
    if !is_token(&token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    see_other(paths::unsubscribe_page(Lang::Ar, &token))
}

/// `POST /{lang}/account/notifications`: immediate, daily or off.
pub async fn settings(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let Some(mode) = NotifyMode::parse(sub.field("mode")) else {
        return sub.unreadable(&state).await;
    };
    if let Err(err) = notifications::set_mode(&state.db, signed.user.id, mode).await {
        tracing::error!(error = %err, "notification setting not saved");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    see_other(paths::account_notifications_changed(sub.lang))
}
