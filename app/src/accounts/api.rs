//! Server functions about the person using the site.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The signed-in person, as the page header needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    /// For the sign-out form in the header.
    pub csrf: String,
    /// Holds the moderator role: the header links to the moderation queue.
    pub moderator: bool,
    /// Holds the platform admin role: the header links to the administration.
    pub platform_admin: bool,
    /// The agencies the person works for (staff or admin), as (slug, name): the header
    /// links to each, where their consultations and staff are managed.
    pub agencies: Vec<(String, crate::domain::LocalizedText)>,
}

/// The page's answer to "who is signed in", fetched once by the layout and shared.
pub fn use_viewer() -> Resource<Result<Option<Viewer>, AppError>> {
    use_context().unwrap_or_else(|| Resource::new(|| (), |_| current_viewer()))
}

/// Who is signed in, if anyone. Does not create a session for visitors.
#[server(prefix = "/api/fn", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::domain::authz::Role;
    use crate::ssr::accounts::sessions;
    use crate::ssr::admin::store::roles;
    use crate::ssr::context;
    let state = context::app_state()?;
    let session = context::session().await?;
    let Some(user) = sessions::current_user(&session, &state.db, state.clock.now()).await? else {
        return Ok(None);
    };
    let held: Vec<Role> = roles::grants_of(&state.db, user.id)
        .await?
        .into_iter()
        .map(|g| g.role)
        .collect();
    let mut agencies = Vec::new();
    for id in held.iter().filter_map(|r| r.agency()) {
        if let Some(a) = crate::ssr::agencies::store::by_id(&state.db, id).await? {
            if !agencies.iter().any(|(slug, _)| *slug == a.slug) {
                agencies.push((a.slug, a.name));
            }
        }
    }
    Ok(Some(Viewer {
        agencies,
        moderator: held.contains(&Role::Moderator),
        platform_admin: held.contains(&Role::PlatformAdmin),
        display_name: user.display_name,
        email: user.email.unwrap_or_default(),
        email_verified: user.email_verified_at.is_some(),
        csrf: sessions::csrf_token(&session).await?,
    }))
}

/// The CSRF token for the forms of this page: the session's for someone signed in, a
/// signed cookie's for a visitor (who gets no session for reading; see `form_token`).
#[server(prefix = "/api/fn", endpoint = "form_token")]
pub async fn form_token() -> Result<String, AppError> {
    use crate::ssr::accounts::form_token;
    use crate::ssr::context;
    use axum::http::{header, HeaderValue};
    let state = context::app_state()?;
    let session = context::session().await?;
    let https = state.public_url.starts_with("https://");
    let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
    // A page with several forms asks once per form: a token minted for an earlier form
    // of this same answer is the one its cookie will hold.
    let name = form_token::cookie_name(https);
    let minted = response.as_ref().and_then(|r| {
        let parts = r.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        parts
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    });
    let sent = leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| {
        p.headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let cookies = [minted, sent]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
    let (token, set_cookie) =
        form_token::issue(&session, &state.seeds, Some(&cookies), https).await?;
    if let (Some(cookie), Some(response)) = (set_cookie, response) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.append_header(header::SET_COOKIE, value);
        }
    }
    Ok(token)
}

/// Confirms an email address with the token from the verification mail. `Ok(false)`
/// when the link is unknown, already used or expired.
#[server(prefix = "/api/fn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<bool, AppError> {
    let state = crate::ssr::context::app_state()?;
    crate::ssr::accounts::service::verify_email(&state, &token).await
}

/// Whether a password-reset link can still be used (it is not used up by asking).
#[server(prefix = "/api/fn", endpoint = "reset_link_status")]
pub async fn reset_link_status(token: String) -> Result<bool, AppError> {
    let state = crate::ssr::context::app_state()?;
    crate::ssr::accounts::service::reset_link_is_valid(&state, &token).await
}
