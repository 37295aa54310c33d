//! Roles held by people, and the mandates under which agency staff speak for their agency.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::authz::{Role, RoleKind};
use crate::domain::{AgencyId, GrantId, UserId};
use crate::ssr::admin::store::audit::{self, AuditEntry};
use crate::ssr::db::{on_tx, with_pool, Db, StoreError};

/// The written decision by which an agency authorised an employee to speak for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mandate {
    /// The decision's reference, e.g. "قرار إداري رقم 45/2026".
    pub decision_ref: String,
    /// The decision's date, `YYYY-MM-DD`.
    pub decided_on: String,
    /// What the employee may do for the agency, in the agency's words.
    pub scope: String,
}

/// A current grant of a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: GrantId,
    pub user_id: UserId,
    pub display_name: String,
    pub role: Role,
    pub mandate: Option<Mandate>,
    pub granted_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: GrantId,
    user_id: i64,
    display_name: String,
    role: String,
    agency_id: Option<i64>,
    decision_ref: Option<String>,
    decided_on: Option<String>,
    scope: Option<String>,
    granted_at: DateTime<Utc>,
}

impl GrantRow {
    fn into_grant(self) -> Option<Grant> {
        let role = RoleKind::from_code(&self.role)?.with_agency(self.agency_id.map(AgencyId))?;
        let mandate = match (self.decision_ref, self.decided_on, self.scope) {
            (Some(decision_ref), Some(decided_on), Some(scope)) => Some(Mandate {
                decision_ref,
                decided_on,
                scope,
            }),
            _ => None,
        };
        Some(Grant {
            id: self.id,
            user_id: UserId(self.user_id),
            display_name: self.display_name,
            role,
            mandate,
            granted_at: self.granted_at,
        })
    }
}

const SELECT: &str = "SELECT g.id, g.user_id, u.display_name, g.role, g.agency_id, g.decision_ref,
                             g.decided_on, g.scope, g.granted_at
                        FROM role_grants g JOIN users u ON u.id = g.user_id
                       WHERE g.revoked_at IS NULL AND u.deleted_at IS NULL";

/// Grants `role` to `user`, recording `audit` in the same transaction. The person's
/// sessions end: a change of privilege starts from a fresh sign-in.
pub async fn grant(
    db: &Db,
    user: UserId,
    role: Role,
    mandate: Option<&Mandate>,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let insert =
        "INSERT INTO role_grants (user_id, role, agency_id, decision_ref, decided_on, scope,
                                           granted_by, granted_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    let end_sessions = "UPDATE users SET session_generation = session_generation + 1 WHERE id = $1";
    let mut tx = db.begin().await?;
    let id = on_tx!(&mut tx, conn => async {
        let id: i64 = sqlx::query_scalar(insert)
            .bind(user.0)
            .bind(role.kind().code())
            .bind(role.agency().map(|a| a.0))
            .bind(mandate.map(|m| m.decision_ref.as_str()))
            .bind(mandate.map(|m| m.decided_on.as_str()))
            .bind(mandate.map(|m| m.scope.as_str()))
            .bind(audit.actor.map(|a| a.0))
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query(end_sessions).bind(user.0).execute(&mut *conn).await?;
        Ok::<_, sqlx::Error>(id)
    }.await)
    .map_err(|e| StoreError::on_constraint(e, "role", "user"))?;
    audit::insert(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Withdraws a current grant (kept, marked revoked); `None` if there is no such grant.
/// Returns the grant as it was.
pub async fn revoke(
    db: &Db,
    grant_id: GrantId,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<Option<Grant>, StoreError> {
    let Some(grant) = by_id(db, grant_id).await? else {
        return Ok(None);
    };
    // The last platform admin's role stays, even when two are withdrawn at once.
    let update = "UPDATE role_grants SET revoked_at = $1, revoked_by = $2
                   WHERE id = $3 AND revoked_at IS NULL
                     AND (role <> 'platform_admin'
                          OR (SELECT COUNT(*) FROM role_grants
                               WHERE role = 'platform_admin' AND revoked_at IS NULL) > 1)";
    let end_sessions = "UPDATE users SET session_generation = session_generation + 1 WHERE id = $1";
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, conn => async {
        let done = sqlx::query(update)
            .bind(now)
            .bind(audit.actor.map(|a| a.0))
            .bind(grant_id)
            .execute(&mut *conn)
            .await?
            .rows_affected() == 1;
        if done {
            sqlx::query(end_sessions).bind(grant.user_id.0).execute(&mut *conn).await?;
        }
        Ok::<_, sqlx::Error>(done)
    }.await)?;
    if changed {
        audit::insert(&mut tx, audit, now).await?;
    }
    tx.commit().await?;
    Ok(changed.then_some(grant))
}

/// How many people hold a role of `kind` now.
pub async fn holders(db: &Db, kind: RoleKind) -> Result<i64, StoreError> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(DISTINCT user_id) FROM role_grants WHERE role = $1 AND revoked_at IS NULL",
    )
    .bind(kind.code())
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

pub async fn by_id(db: &Db, grant_id: GrantId) -> Result<Option<Grant>, StoreError> {
    let sql = format!("{SELECT} AND g.id = $1");
    let row: Option<GrantRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(grant_id).fetch_optional(pool).await)?;
    Ok(row.and_then(GrantRow::into_grant))
}

/// The roles a person holds now.
pub async fn roles_of(db: &Db, user: UserId) -> Result<Vec<Role>, StoreError> {
    Ok(grants_of(db, user)
        .await?
        .into_iter()
        .map(|g| g.role)
        .collect())
}

/// The current grants of a person, with their mandates.
pub async fn grants_of(db: &Db, user: UserId) -> Result<Vec<Grant>, StoreError> {
    let sql = format!("{SELECT} AND g.user_id = $1 ORDER BY g.id");
    let rows: Vec<GrantRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(user.0).fetch_all(pool).await)?;
    Ok(rows.into_iter().filter_map(GrantRow::into_grant).collect())
}

/// Every current grant, or those of one agency.
pub async fn current(db: &Db, agency: Option<AgencyId>) -> Result<Vec<Grant>, StoreError> {
    let rows: Vec<GrantRow> = match agency {
        Some(agency) => {
            let sql =
                format!("{SELECT} AND g.agency_id = $1 ORDER BY g.role, u.display_name, g.id");
            with_pool!(db, pool => sqlx::query_as(&sql).bind(agency.0).fetch_all(pool).await)?
        }
        None => {
            let sql = format!("{SELECT} ORDER BY g.role, u.display_name, g.id");
            with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?
        }
    };
    Ok(rows.into_iter().filter_map(GrantRow::into_grant).collect())
}
