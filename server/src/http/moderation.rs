//! The moderators' form posts: hide, restore, dismiss, uphold.
//! `app::ssr::moderation::service` checks that the person moderates.

use app::contributions::form::field;
use app::domain::contribution::{ModerationAction, ReportCategory};
use app::domain::ContributionId;
use app::domain::Lang;
use app::paths;
use app::ssr::moderation::service::{self as moderating, Decide};
use app::ssr::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

use super::form::SignedSubmission;

/// The moderators' forms under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new().route(&paths::route::moderation(lang), post(decide))
}

/// `POST /{lang}/moderation`: `intent` is the action, `target` the contribution.
pub async fn decide(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let action: ModerationAction = match sub.intent(&state).await {
        Ok(action) => action,
        Err(res) => return res,
    };
    let id = match sub.id_field(&state, field::TARGET).await {
        Ok(id) => ContributionId(id),
        Err(res) => return res,
    };
    let input = Decide {
        action,
        category: ReportCategory::parse(sub.field(field::CATEGORY)),
        reason: sub.field(field::REASON).to_owned(),
    };
    let result = moderating::decide(&state, &signed, id, input, sub.ip()).await;
    sub.respond(&state, result, paths::moderation(sub.lang))
        .await
}
