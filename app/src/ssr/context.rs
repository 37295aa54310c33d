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

/// The signed-in person if they may do `action`. A refusal also sets the page's HTTP
/// status (401 to sign in, 403 otherwise), so that a denied page is not a "200 OK".
pub async fn require(
    action: crate::domain::authz::Action,
) -> Result<crate::ssr::accounts::authz::Signed, AppError> {
    use crate::domain::authz::Denied;
    let state = app_state()?;
    let session = session().await?;
    match crate::ssr::accounts::authz::require(&session, &state.db, state.clock.now(), action).await
    {
        Ok(signed) => Ok(signed),
        Err(crate::ssr::accounts::authz::AuthzError::Denied(reason)) => {
            set_status(match reason {
                Denied::SignInRequired => axum::http::StatusCode::UNAUTHORIZED,
                _ => axum::http::StatusCode::FORBIDDEN,
            });
            Err(AppError::Denied(reason))
        }
        Err(err) => Err(err.into()),
    }
}

/// The signed-in person, or a 401 page.
pub async fn require_signed_in() -> Result<crate::ssr::accounts::authz::Signed, AppError> {
    let state = app_state()?;
    let session = session().await?;
    match crate::ssr::accounts::authz::signed_in(&session, &state.db, state.clock.now()).await? {
        Some(signed) => Ok(signed),
        None => {
            set_status(axum::http::StatusCode::UNAUTHORIZED);
            Err(AppError::Denied(
                crate::domain::authz::Denied::SignInRequired,
            ))
        }
    }
}

/// Sets the status of the page being rendered (no-op outside a page render).
pub fn set_status(status: axum::http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
