//! Server functions of the admin pages. Each checks authorisation first.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::accounts::security::RoleView;
use crate::domain::LocalizedText;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyView {
    pub slug: String,
    pub name: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminData {
    pub agencies: Vec<AgencyView>,
    pub roles: Vec<RoleView>,
}

#[server(prefix = "/api/fn", endpoint = "admin_overview")]
pub async fn admin_overview(lang: crate::domain::Lang) -> Result<AdminData, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::admin::store::roles;
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::context;
    let state = context::app_state()?;
    context::require(Action::AppointRoles).await?;
    let agencies = agencies::list(&state.db)
        .await?
        .into_iter()
        .map(|a| AgencyView {
            slug: a.slug,
            name: a.name,
        })
        .collect();
    let grants = roles::current(&state.db, None).await?;
    Ok(AdminData {
        agencies,
        roles: crate::accounts::security::role_views(&state.db, grants, lang).await?,
    })
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: Option<String>,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    /// The `before` of the next (older) page, if there is one.
    pub older: Option<i64>,
}

pub const AUDIT_PAGE_SIZE: i64 = 50;

#[server(prefix = "/api/fn", endpoint = "audit_log")]
pub async fn audit_log(before: Option<i64>) -> Result<AuditPage, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::admin::store::audit;
    use crate::ssr::context;
    let state = context::app_state()?;
    context::require(Action::ReadAuditLog).await?;
    let mut rows = audit::recent(&state.db, before, AUDIT_PAGE_SIZE + 1).await?;
    let older = if rows.len() as i64 > AUDIT_PAGE_SIZE {
        rows.truncate(AUDIT_PAGE_SIZE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(AuditPage {
        lines: rows
            .into_iter()
            .map(|r| AuditLine {
                id: r.id,
                actor: r.actor_name,
                action: r.action,
                target: r.target,
                detail: r.detail,
                ip: r.ip,
                at: r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            })
            .collect(),
        older,
    })
}
