//! Authorisation on the server: who is asking (from the session and the database), then
//! [`crate::domain::authz::authorise`]. Every page, server function and form that acts
//! on someone's behalf goes through [`require`].

use chrono::{DateTime, Utc};
use tower_sessions::Session;

use crate::domain::authz::{authorise, Action, Actor, Denied};
use crate::ssr::accounts::sessions;
use crate::ssr::accounts::sessions::SessionError;
use crate::ssr::accounts::store::User;
use crate::ssr::admin::store::roles;
use crate::ssr::db::Db;

/// A signed-in person and what they may do in this session.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub actor: Actor,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthzError {
    #[error("denied: {0:?}")]
    Denied(Denied),
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl From<crate::ssr::db::StoreError> for AuthzError {
    fn from(err: crate::ssr::db::StoreError) -> Self {
        AuthzError::Session(SessionError::Store(err))
    }
}

/// The signed-in person of `session`, with their roles, if any.
pub async fn signed_in(
    session: &Session,
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Option<Signed>, SessionError> {
    let Some(user) = sessions::current_user(session, db, now).await? else {
        return Ok(None);
    };
    let actor = Actor {
        roles: roles::roles_of(db, user.id).await?,
        email_verified: user.email_verified_at.is_some(),
        second_factor: sessions::second_factor_passed(session).await?,
    };
    Ok(Some(Signed { user, actor }))
}

/// The signed-in person, if they may do `action`.
pub async fn require(
    session: &Session,
    db: &Db,
    now: DateTime<Utc>,
    action: Action,
) -> Result<Signed, AuthzError> {
    let signed = signed_in(session, db, now).await?;
    authorise(signed.as_ref().map(|s| &s.actor), action).map_err(AuthzError::Denied)?;
    signed.ok_or(AuthzError::Denied(Denied::SignInRequired))
}

impl From<AuthzError> for crate::error::AppError {
    fn from(err: AuthzError) -> Self {
        match err {
            AuthzError::Denied(d) => crate::error::AppError::Denied(d),
            AuthzError::Session(e) => e.into(),
        }
    }
}
