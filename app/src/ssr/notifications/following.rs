//! Following a consultation: its new versions and the end of its comment period come
//! by mail (see `notifying::tell_followers`).

use crate::domain::authz::{authorise, Action};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::service::{internal, summary};
use crate::ssr::notifications::store::follows;
use crate::ssr::state::AppState;
use crate::ui::form::{FormFeedback, FormMessage};

/// Starts (`follow`) or stops following the public consultation `slug`.
pub async fn set(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    follow: bool,
) -> Result<(), FormFeedback> {
    authorise(Some(&signed.actor), Action::Follow).map_err(crate::ssr::admin::service::denied)?;
    let c = consultations::public_by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or_else(|| summary(FormMessage::NotFound))?;
    let id = c.id.0;
    if follow {
        follows::follow(&state.db, signed.user.id, id, state.clock.now()).await
    } else {
        follows::unfollow(&state.db, signed.user.id, id).await
    }
    .map_err(internal)
}
