//! Following a consultation: its new versions and the end of its comment period come
//! by mail (see `notifications::service::tell_followers`).

use crate::domain::authz::{authorise, Action, Denied};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::notifications::store::follows;
use crate::ssr::state::AppState;

/// Why following (or unfollowing) was refused.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// No public consultation by that name.
    #[error("no such consultation")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Starts (`follow`) or stops following the public consultation `slug`.
pub async fn set(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    follow: bool,
) -> Result<(), FollowError> {
    authorise(Some(&signed.actor), Action::Follow)?;
    let c = consultations::public_by_slug(&state.db, slug)
        .await?
        .ok_or(FollowError::NotFound)?;
    let id = c.id;
    if follow {
        follows::follow(&state.db, signed.user.id, id, state.clock.now()).await?;
    } else {
        follows::unfollow(&state.db, signed.user.id, id).await?;
    }
    Ok(())
}
