//! The audit log: every action of staff, moderators and admins, with who, what, when
//! and from which address. Rows are only ever added.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::UserId;
use crate::ssr::db::{on_tx, with_pool, Db, StoreError, Tx};

/// What was done. The codes are stable: the log page and any later report read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
pub enum AuditAction {
    #[strum(serialize = "account.sign_in")]
    SignIn,
    #[strum(serialize = "two_factor.enable")]
    TwoFactorEnable,
    #[strum(serialize = "two_factor.replace")]
    TwoFactorReplace,
    #[strum(serialize = "account.password_change")]
    PasswordChange,
    #[strum(serialize = "two_factor.recovery_codes")]
    RecoveryCodesRenew,
    #[strum(serialize = "agency.create")]
    AgencyCreate,
    #[strum(serialize = "agency.response_target")]
    AgencyResponseTarget,
    #[strum(serialize = "role.grant")]
    RoleGrant,
    #[strum(serialize = "role.revoke")]
    RoleRevoke,
    #[strum(serialize = "consultation.create")]
    ConsultationCreate,
    #[strum(serialize = "consultation.save")]
    ConsultationSave,
    #[strum(serialize = "consultation.status")]
    ConsultationStatus,
    #[strum(serialize = "consultation.version_publish")]
    VersionPublish,
    #[strum(serialize = "consultation.attachment_add")]
    AttachmentAdd,
    #[strum(serialize = "consultation.attachment_remove")]
    AttachmentRemove,
    #[strum(serialize = "contribution.moderation")]
    Moderation,
    #[strum(serialize = "response.write")]
    ResponseWrite,
    #[strum(serialize = "response.revise")]
    ResponseRevise,
    #[strum(serialize = "response.cite")]
    ResponseCite,
    /// The editor's choice of the responses behind a new version's changes.
    #[strum(serialize = "consultation.version_cite")]
    VersionCite,
    #[strum(serialize = "workshop.create")]
    WorkshopCreate,
    #[strum(serialize = "workshop.update")]
    WorkshopUpdate,
    #[strum(serialize = "workshop.minutes")]
    WorkshopMinutes,
    /// A contribution received off the portal, entered on someone's behalf.
    #[strum(serialize = "contribution.enter")]
    ContributionEnter,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// An action about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: Option<UserId>,
    pub action: AuditAction,
    /// What it was done to, e.g. `user:12`.
    pub target: String,
    pub detail: serde_json::Value,
    /// The client's IP address.
    pub ip: Option<String>,
}

/// A recorded action, with the actor's current display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records an entry inside `tx`, so that an action and its record are kept together
/// or not at all.
pub async fn insert(tx: &mut Tx, entry: &AuditEntry, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO audit_log (actor_id, action, target, detail, ip, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.actor.map(|u| u.0))
    .bind(entry.action.code())
    .bind(&entry.target)
    .bind(entry.detail.to_string())
    .bind(&entry.ip)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Records an action that changed nothing else (a sign-in).
pub async fn record(db: &Db, entry: &AuditEntry, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    insert(&mut tx, entry, now).await?;
    tx.commit().await
}

const SELECT: &str = "SELECT a.id, a.actor_id, u.display_name AS actor_name, a.action, a.target,
                             a.detail, a.ip, a.created_at
                        FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// The most recent entries, newest first, older than `before` (an entry id) if given.
pub async fn recent(
    db: &Db,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRecord>, StoreError> {
    let sql = format!("{SELECT} WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2");
    let rows = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// The entries of actions a person took, for their own data export.
pub async fn by_actor(db: &Db, actor: UserId) -> Result<Vec<AuditRecord>, StoreError> {
    let sql = format!("{SELECT} WHERE a.actor_id = $1 ORDER BY a.id");
    let rows = with_pool!(db, pool => sqlx::query_as(&sql).bind(actor.0).fetch_all(pool).await)?;
    Ok(rows)
}
