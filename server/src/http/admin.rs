//! Form posts of the admin pages and of an agency's staff page. Authorisation is checked
//! by `app::ssr::admin::service` itself; a refusal comes back as the page with 401/403.

use app::admin::form::{field, AdminIntent};
use app::agencies::form::StaffIntent;
use app::domain::authz::RoleKind;
use app::domain::Lang;
use app::domain::{GrantId, UserId};
use app::forms::{FieldErrors, FormFeedback, FormMessage};
use app::paths::{self, route};
use app::ssr::accounts::authz::Signed;
use app::ssr::admin::service::{self as admin, AdminError, AgencyForm, Appointment};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, SignedSubmission, Submission};
use app::ssr::accounts::sessions;

impl IntoFeedback for AdminError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            AdminError::Denied(reason) => reason.into_feedback(),
            AdminError::Invalid(errors) => FieldErrors::into(errors),
            AdminError::AlreadyHoldsRole => FormMessage::AlreadyHoldsRole.into(),
            AdminError::AlreadyRevoked => FormMessage::AlreadyRevoked.into(),
            AdminError::LastPlatformAdmin => FormMessage::LastPlatformAdmin.into(),
            AdminError::Store(err) => internal(&err),
        }
    }
}

fn appointment(sub: &Submission, agency: Option<&str>) -> Appointment {
    Appointment {
        email: sub.field(field::EMAIL).to_owned(),
        role: RoleKind::from_code(sub.field(field::ROLE).trim()),
        agency: agency.unwrap_or(sub.field(field::AGENCY)).to_owned(),
        decision_ref: sub.field(field::DECISION_REF).to_owned(),
        decided_on: sub.field(field::DECIDED_ON).to_owned(),
        scope: sub.field(field::SCOPE).to_owned(),
    }
}

/// The admin page's and an agency's staff page's forms under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(&route::admin(lang), post(admin))
        .route(&route::agency_staff(lang), post(agency_staff))
}

/// `POST /{lang}/admin`: `intent` is `agency`, `appoint` or `revoke`.
pub async fn admin(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let intent: AdminIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    if matches!(intent, AdminIntent::Appoint | AdminIntent::Revoke) {
        if let Err(res) = confirmed_recently(&state, &sub, paths::admin(sub.lang)).await {
            return res;
        }
    }
    let result = match intent {
        AdminIntent::Agency => {
            let form = AgencyForm {
                slug: sub.field(field::SLUG).to_owned(),
                name_ar: sub.field(field::NAME_AR).to_owned(),
                name_en: sub.field(field::NAME_EN).to_owned(),
                time_zone: sub.field(field::TIME_ZONE).to_owned(),
                website: sub.field(field::WEBSITE).to_owned(),
            };
            admin::create_agency(&state, &signed, &form, sub.ip())
                .await
                .map(|_| None)
        }
        AdminIntent::Revoke => match sub.id_field(&state, field::GRANT).await {
            Ok(grant) => admin::revoke(&state, &signed, GrantId(grant), sub.ip())
                .await
                .map(Some),
            Err(res) => return res,
        },
        AdminIntent::Appoint => admin::appoint(&state, &signed, &appointment(&sub, None), sub.ip())
            .await
            .map(Some),
    };
    let next = after(
        &sub,
        &signed,
        &result,
        paths::admin(sub.lang),
        paths::admin_done(sub.lang, intent),
    );
    sub.respond(&state, result.map(drop), next).await
}

/// Granting or withdrawing roles needs the password given within the last minutes
/// (`sessions::CONFIRMATION_WINDOW`): otherwise signing in again, told why, then back
/// to `back`. Nothing is done meanwhile.
async fn confirmed_recently(
    state: &AppState,
    sub: &Submission,
    back: String,
) -> Result<(), Response> {
    match sessions::recently_confirmed(&sub.session, state.clock.now()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(see_other(paths::sign_in_to_confirm(sub.lang, &back))),
        Err(err) => {
            tracing::error!(error = %err, "session unavailable");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// Where a successful admin action leads: `confirmed` (its page saying what was done),
/// or — when the person changed their own roles, which ends their sessions — signing
/// in again, told why, then back to `page`.
fn after<T>(
    sub: &Submission,
    signed: &Signed,
    result: &Result<Option<UserId>, T>,
    page: String,
    confirmed: String,
) -> String {
    match result {
        Ok(Some(user)) if *user == signed.user.id => paths::sign_in_roles_changed(sub.lang, &page),
        _ => confirmed,
    }
}

/// `POST /{lang}/agencies/{slug}/staff`: authorise (`appoint`) or withdraw (`revoke`)
/// a staff member of this agency.
pub async fn agency_staff(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !app::domain::consultation::is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let intent: StaffIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let back = paths::agency_staff(sub.lang, &slug);
    if let Err(res) = confirmed_recently(&state, &sub, back).await {
        return res;
    }
    let result = match intent {
        StaffIntent::Revoke => match sub.id_field(&state, field::GRANT).await {
            Ok(grant) => admin::revoke(&state, &signed, GrantId(grant), sub.ip())
                .await
                .map(Some),
            Err(res) => return res,
        },
        StaffIntent::Appoint | StaffIntent::AppointOrganiser => {
            let mut form = appointment(&sub, Some(&slug));
            form.role = Some(if intent == StaffIntent::Appoint {
                RoleKind::AgencyStaff
            } else {
                RoleKind::Organiser
            });
            admin::appoint(&state, &signed, &form, sub.ip())
                .await
                .map(Some)
        }
        StaffIntent::Target => admin::set_response_target(
            &state,
            &signed,
            &slug,
            sub.field(app::agencies::form::TARGET_DAYS),
            sub.ip(),
        )
        .await
        .map(|()| None),
    };
    let next = after(
        &sub,
        &signed,
        &result,
        paths::agency_staff(sub.lang, &slug),
        paths::agency_staff_done(sub.lang, &slug, intent),
    );
    sub.respond(&state, result.map(drop), next).await
}
