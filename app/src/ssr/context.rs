//! Access to server state from inside server functions and components.

use leptos::prelude::use_context;

use super::state::AppState;
use crate::error::AppError;

/// The application state, provided to every server function by the server's router.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The visitor's session (the session layer wraps every route).
pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|err| {
            tracing::error!(error = ?err, "session layer missing");
            AppError::Internal
        })
}
