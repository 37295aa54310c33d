//! Server functions about one agency.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::accounts::security::RoleView;
use crate::domain::{ConsultationCard, LocalizedText};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyInfo {
    pub slug: String,
    pub name: LocalizedText,
    pub website: Option<String>,
    /// The staff authorised to speak for the agency, with their mandates (public).
    pub staff: Vec<RoleView>,
    /// Its workshop organisers.
    pub organisers: Vec<RoleView>,
    /// Whether the visitor may manage the agency's staff.
    pub can_manage: bool,
    /// Whether the visitor speaks for the agency (may start consultations, sees drafts).
    pub can_publish: bool,
    /// The agency's consultations, newest first (drafts only for its staff).
    pub consultations: Vec<ConsultationCard>,
    /// How fast it answers contributions, over its public consultations.
    pub timing: crate::responses::api::TimingView,
}

#[server(prefix = "/api/fn", endpoint = "agency_page")]
pub async fn agency_page(slug: String, lang: crate::domain::Lang) -> Result<AgencyInfo, AppError> {
    use crate::domain::authz::{authorise, Action, RoleKind};
    use crate::ssr::accounts::authz;
    use crate::ssr::admin::store::roles;
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    let state = context::app_state()?;
    let Some(agency) = agencies::by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    let (grants, organisers): (Vec<_>, Vec<_>) = roles::current(&state.db, Some(agency.id))
        .await?
        .into_iter()
        .filter(|g| matches!(g.role.kind(), RoleKind::AgencyStaff | RoleKind::Organiser))
        .partition(|g| g.role.kind() == RoleKind::AgencyStaff);
    let session = context::session().await?;
    let signed = authz::signed_in(&session, &state.db, state.clock.now()).await?;
    let may = |action| authorise(signed.as_ref().map(|s| &s.actor), action).is_ok();
    let can_manage = may(Action::ManageAgencyStaff(agency.id));
    let can_publish = may(Action::ActForAgency(agency.id));
    let mut consultations =
        consultations::of_agency(&state.db, agency.id, can_publish, state.clock.now()).await?;
    crate::ssr::calendar::label_cards(&mut consultations, lang);
    let timing = crate::ssr::responses::service::agency_timing_view(
        &state,
        agency.id,
        agency.response_target_days,
    )
    .await?;
    Ok(AgencyInfo {
        can_publish,
        consultations,
        timing,
        slug: agency.slug,
        name: agency.name,
        website: agency.website,
        staff: crate::accounts::security::role_views(&state.db, grants, lang).await?,
        organisers: crate::accounts::security::role_views(&state.db, organisers, lang).await?,
        can_manage,
    })
}

/// The agency's staff page for its admins: 403 for anyone else.
#[server(prefix = "/api/fn", endpoint = "agency_staff_admin")]
pub async fn agency_staff_admin(
    slug: String,
    lang: crate::domain::Lang,
) -> Result<AgencyInfo, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::context;
    let state = context::app_state()?;
    let Some(agency) = agencies::by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    context::require(Action::ManageAgencyStaff(agency.id)).await?;
    agency_page(slug, lang).await
}
