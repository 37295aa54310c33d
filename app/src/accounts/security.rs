//! Server functions behind the account's security pages: two-factor set-up, recovery
//! codes, the second step of signing in, and the account overview.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::authz::RoleKind;
use crate::domain::{GrantId, LocalizedText};
use crate::error::AppError;

/// A role the person holds, as shown on their account page and on agency pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub grant_id: GrantId,
    pub kind: RoleKind,
    pub holder: String,
    pub agency_slug: Option<String>,
    pub agency_name: Option<LocalizedText>,
    pub mandate: Option<MandateView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandateView {
    pub decision_ref: String,
    /// The decision's date in Gregorian and Hijri.
    pub decided_on: Option<crate::domain::dates::DateLabel>,
    pub scope: String,
}

/// What the account page shows beyond the header's [`super::api::Viewer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub roles: Vec<RoleView>,
    /// When two-factor authentication was turned on, if it is.
    pub two_factor_since: Option<crate::domain::dates::DateLabel>,
    pub recovery_codes_left: i64,
    /// Whether this session passed a second factor.
    pub second_factor_passed: bool,
    /// The digits of Arabic pages.
    pub digits: crate::domain::digits::Digits,
    /// How notification mails come.
    pub notify_mode: crate::domain::notification::NotifyMode,
    /// The consultations the person follows: (slug, title).
    pub following: Vec<(String, LocalizedText)>,
}

#[cfg(feature = "ssr")]
pub(crate) async fn role_views(
    db: &crate::ssr::db::Db,
    grants: Vec<crate::ssr::admin::store::roles::Grant>,
    lang: crate::domain::Lang,
) -> Result<Vec<RoleView>, AppError> {
    use crate::ssr::agencies::store as agencies;
    let all = agencies::list(db).await?;
    Ok(grants
        .into_iter()
        .map(|g| {
            let agency = g
                .role
                .agency()
                .and_then(|id| all.iter().find(|a| a.id == id));
            RoleView {
                grant_id: g.id,
                kind: g.role.kind(),
                holder: g.display_name,
                agency_slug: agency.map(|a| a.slug.clone()),
                agency_name: agency.map(|a| a.name.clone()),
                mandate: g.mandate.map(|m| MandateView {
                    decision_ref: m.decision_ref,
                    decided_on: crate::ssr::calendar::label_day(&m.decided_on, lang),
                    scope: m.scope,
                }),
            }
        })
        .collect())
}

#[server(prefix = "/api/fn", endpoint = "account_details")]
pub async fn account_details(lang: crate::domain::Lang) -> Result<AccountInfo, AppError> {
    use crate::ssr::accounts::store as users;
    use crate::ssr::admin::store::roles;
    use crate::ssr::calendar::{label, PERSONAL_ZONE};
    use crate::ssr::notifications::store::{follows, notices as notifications};
    let state = crate::ssr::context::app_state()?;
    let signed = crate::ssr::context::require_signed_in().await?;
    let grants = roles::grants_of(&state.db, signed.user.id).await?;
    Ok(AccountInfo {
        roles: role_views(&state.db, grants, lang).await?,
        two_factor_since: signed
            .user
            .totp_enabled_at
            .map(|t| label(t, PERSONAL_ZONE, lang)),
        recovery_codes_left: users::recovery_codes_left(&state.db, signed.user.id).await?,
        second_factor_passed: signed.actor.second_factor,
        digits: signed.user.digits,
        notify_mode: notifications::mode(&state.db, signed.user.id).await?,
        following: follows::followed_by(&state.db, signed.user.id)
            .await?
            .into_iter()
            .map(|f| (f.slug, f.title))
            .collect(),
    })
}

/// The two-factor page: either the set-up (a new secret, kept in the session until its
/// first code is confirmed) or the state of an account that has it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorStatus {
    Setup(NewSecret),
    Enabled {
        since: crate::domain::dates::DateLabel,
        recovery_codes_left: i64,
        /// A new secret for replacing the authenticator app, once this session has
        /// passed the second factor.
        replacement: Option<NewSecret>,
    },
}

/// A TOTP secret being set up: the key, its `otpauth://` link and that link's QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecret {
    pub secret: String,
    pub url: String,
    pub qr_svg: String,
}

#[server(prefix = "/api/fn", endpoint = "two_factor_state")]
pub async fn two_factor_state(lang: crate::domain::Lang) -> Result<TwoFactorStatus, AppError> {
    use crate::ssr::accounts::auth::totp;
    use crate::ssr::accounts::{sessions, store as users};
    use crate::ssr::context;
    let state = context::app_state()?;
    let signed = context::require_signed_in().await?;
    let session = context::session().await?;
    let new_secret = || async {
        let secret = sessions::totp_setup_secret(&session).await?;
        let account = signed.user.email.clone().unwrap_or_default();
        let url = totp::provisioning_url(&secret, &account).ok_or(AppError::Internal)?;
        let qr_svg = totp::qr_svg(&url).ok_or(AppError::Internal)?;
        Ok::<_, AppError>(NewSecret {
            secret,
            url,
            qr_svg,
        })
    };
    if let Some(since) = signed.user.totp_enabled_at {
        let replacement = if signed.actor.second_factor {
            Some(new_secret().await?)
        } else {
            None
        };
        return Ok(TwoFactorStatus::Enabled {
            since: crate::ssr::calendar::label(since, crate::ssr::calendar::PERSONAL_ZONE, lang),
            recovery_codes_left: users::recovery_codes_left(&state.db, signed.user.id).await?,
            replacement,
        });
    }
    Ok(TwoFactorStatus::Setup(new_secret().await?))
}

/// The recovery codes just created, once: reading them removes them from the session.
#[server(prefix = "/api/fn", endpoint = "take_recovery_codes")]
pub async fn take_recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::ssr::accounts::sessions;
    use crate::ssr::context;
    context::require_signed_in().await?;
    let session = context::session().await?;
    Ok(sessions::take_fresh_codes(&session).await?)
}

/// Whether someone is between password and second factor in this session.
#[server(prefix = "/api/fn", endpoint = "second_step_pending")]
pub async fn second_step_pending() -> Result<bool, AppError> {
    use crate::ssr::accounts::sessions;
    use crate::ssr::context;
    let state = context::app_state()?;
    let session = context::session().await?;
    Ok(
        sessions::pending_user(&session, &state.db, state.clock.now())
            .await?
            .is_some(),
    )
}
