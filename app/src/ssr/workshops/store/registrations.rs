//! Registrations for workshops: places given in order while they last, the waiting list
//! behind them, check-in at the door, and the reminder claimed once. Every change to
//! who holds a place first locks the workshop's row, so two people never take the last
//! place at once, on either database.

use chrono::{DateTime, Utc};

use crate::domain::contribution::OrgKind;
use crate::domain::workshop::RegistrationStatus;
use crate::domain::{UserId, WorkshopId};
use crate::ssr::db::{on_tx, with_pool, Db, StoreError, Tx};

/// A registration, with the registrant as the organiser's list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: i64,
    pub workshop_id: WorkshopId,
    /// `None` for a walk-in.
    pub user_id: Option<UserId>,
    /// The account's display name, or the walk-in's name as typed.
    pub name: String,
    pub email: Option<String>,
    pub preferred_lang: Option<String>,
    pub org: Option<(String, OrgKind)>,
    pub org_role: Option<String>,
    pub status: RegistrationStatus,
    pub code: String,
    pub registered_at: DateTime<Utc>,
    pub attended_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    workshop_id: i64,
    user_id: Option<i64>,
    name: String,
    email: Option<String>,
    preferred_lang: Option<String>,
    org_name: Option<String>,
    org_kind: Option<String>,
    org_role: Option<String>,
    status: String,
    code: String,
    registered_at: DateTime<Utc>,
    attended_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for Registration {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let status = RegistrationStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("workshop_registrations", "status", &r.status))?;
        let org = match (r.org_name, r.org_kind) {
            (Some(name), Some(kind)) => Some((
                name,
                OrgKind::parse(&kind).ok_or_else(|| {
                    StoreError::corrupt("workshop_registrations", "org_kind", &kind)
                })?,
            )),
            _ => None,
        };
        Ok(Registration {
            id: r.id,
            workshop_id: WorkshopId(r.workshop_id),
            user_id: r.user_id.map(UserId),
            name: r.name,
            email: r.email,
            preferred_lang: r.preferred_lang,
            org,
            org_role: r.org_role,
            status,
            code: r.code,
            registered_at: r.registered_at,
            attended_at: r.attended_at,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.workshop_id, r.user_id,
           COALESCE(u.display_name, r.walk_in_name, '') AS name, u.email, u.preferred_lang,
           r.org_name, r.org_kind, r.org_role, r.status, r.code, r.registered_at, r.attended_at
      FROM workshop_registrations r LEFT JOIN users u ON u.id = r.user_id";

/// Takes the workshop's row lock (PostgreSQL) or the write lock (SQLite) for `tx`.
async fn lock(tx: &mut Tx, workshop: WorkshopId) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query("UPDATE workshops SET updated_at = updated_at WHERE id = $1")
        .bind(workshop.0)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    Ok(())
}

async fn count(
    tx: &mut Tx,
    workshop: WorkshopId,
    status: RegistrationStatus,
) -> Result<i64, StoreError> {
    let n: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM workshop_registrations WHERE workshop_id = $1 AND status = $2",
    )
    .bind(workshop.0)
    .bind(status.as_str())
    .fetch_one(&mut *conn)
    .await)?;
    Ok(n)
}

async fn by_id_in(tx: &mut Tx, id: i64) -> Result<Registration, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row: Row = on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await)?;
    Registration::try_from(row)
}

/// Someone asking for a place.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub workshop: WorkshopId,
    pub capacity: u32,
    /// `Ok(user)` for an account, `Err(name)` for a walk-in.
    pub who: Result<UserId, String>,
    pub org: Option<(String, OrgKind)>,
    pub org_role: Option<String>,
    pub invitation: Option<i64>,
    /// Check-in codes to choose from: the first not taken at this workshop is given.
    pub codes: Vec<String>,
    /// Set at once when no reminder should follow (the workshop starts within a day).
    pub reminded: bool,
    /// At the door: attended now, whatever the places.
    pub attended: bool,
}

/// Registers inside `tx`: a place while one remains, else the waiting list. The
/// registration and, when waitlisted, its position. `Conflict("registration")` when the
/// person is registered already; `Conflict("code")` when every code offered is taken.
pub async fn register(
    tx: &mut Tx,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> Result<(Registration, Option<i64>), StoreError> {
    lock(tx, new.workshop).await?;
    let confirmed = count(tx, new.workshop, RegistrationStatus::Confirmed).await?;
    let status = if new.attended || confirmed < i64::from(new.capacity) {
        RegistrationStatus::Confirmed
    } else {
        RegistrationStatus::Waitlisted
    };
    // Under the lock, a code seen free stays free until this insert.
    let taken: Vec<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT code FROM workshop_registrations WHERE workshop_id = $1",
    )
    .bind(new.workshop.0)
    .fetch_all(&mut *conn)
    .await)?;
    let code = new
        .codes
        .iter()
        .find(|c| !taken.contains(c))
        .ok_or(StoreError::Conflict("code"))?;
    let (user, walk_in) = match &new.who {
        Ok(user) => (Some(user.0), None),
        Err(name) => (None, Some(name.as_str())),
    };
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO workshop_registrations (workshop_id, user_id, walk_in_name, org_name,
             org_kind, org_role, status, code, invitation_id, registered_at, reminded_at,
             attended_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING id",
    )
    .bind(new.workshop.0)
    .bind(user)
    .bind(walk_in)
    .bind(new.org.as_ref().map(|o| &o.0))
    .bind(new.org.as_ref().map(|o| o.1.as_str()))
    .bind(&new.org_role)
    .bind(status.as_str())
    .bind(code)
    .bind(new.invitation)
    .bind(now)
    .bind(new.reminded.then_some(now))
    .bind(new.attended.then_some(now))
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_constraint(e, "registration", "workshop"))?;
    let registration = by_id_in(tx, id).await?;
    let position = match status {
        RegistrationStatus::Waitlisted => {
            Some(count(tx, new.workshop, RegistrationStatus::Waitlisted).await?)
        }
        _ => None,
    };
    Ok((registration, position))
}

/// Gives up registration `id` inside `tx`, then fills the places it freed from the
/// waiting list; those promoted. `None` when it was not current.
pub async fn cancel(
    tx: &mut Tx,
    workshop: WorkshopId,
    capacity: u32,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Vec<Registration>>, StoreError> {
    lock(tx, workshop).await?;
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE workshop_registrations SET status = 'cancelled', cancelled_at = $3
          WHERE id = $1 AND workshop_id = $2 AND status <> 'cancelled'",
    )
    .bind(id)
    .bind(workshop.0)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(None);
    }
    fill_places(tx, workshop, capacity, now).await.map(Some)
}

/// Moves people from the waiting list, first come first served, into the places that
/// `capacity` leaves free, inside `tx` (after a cancellation, or more places); those moved.
pub async fn fill_places(
    tx: &mut Tx,
    workshop: WorkshopId,
    capacity: u32,
    now: DateTime<Utc>,
) -> Result<Vec<Registration>, StoreError> {
    lock(tx, workshop).await?;
    let confirmed = count(tx, workshop, RegistrationStatus::Confirmed).await?;
    let free = (i64::from(capacity) - confirmed).max(0);
    if free == 0 {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM workshop_registrations WHERE workshop_id = $1 AND status = 'waitlisted'
          ORDER BY registered_at, id LIMIT $2",
    )
    .bind(workshop.0)
    .bind(free)
    .fetch_all(&mut *conn)
    .await)?;
    let mut promoted = Vec::new();
    for id in ids {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE workshop_registrations SET status = 'confirmed', promoted_at = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(drop))?;
        promoted.push(by_id_in(tx, id).await?);
    }
    Ok(promoted)
}

/// The current (not cancelled) registration of `user` for `workshop`.
pub async fn current_of(
    db: &Db,
    workshop: WorkshopId,
    user: UserId,
) -> Result<Option<Registration>, StoreError> {
    let sql =
        format!("{SELECT} WHERE r.workshop_id = $1 AND r.user_id = $2 AND r.status <> 'cancelled'");
    let row: Option<Row> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(workshop.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await)?;
    row.map(Registration::try_from).transpose()
}

/// The place of waitlisted registration `id` in its queue (1 for the next).
pub async fn waitlist_position(db: &Db, workshop: WorkshopId, id: i64) -> Result<i64, StoreError> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM workshop_registrations w
          JOIN workshop_registrations me ON me.id = $2
         WHERE w.workshop_id = $1 AND w.status = 'waitlisted'
           AND (w.registered_at < me.registered_at
                OR (w.registered_at = me.registered_at AND w.id <= me.id))",
    )
    .bind(workshop.0)
    .bind(id)
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

/// Every registration of `workshop`: places, then the waiting list in order, then the
/// cancelled.
pub async fn list(db: &Db, workshop: WorkshopId) -> Result<Vec<Registration>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE r.workshop_id = $1
          ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,
                   r.registered_at, r.id"
    );
    let rows: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(workshop.0).fetch_all(pool).await)?;
    rows.into_iter().map(Registration::try_from).collect()
}

/// How many hold a place, wait, and came: the registrations held here, and the figures
/// an imported workshop brought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub confirmed: i64,
    pub waitlisted: i64,
    pub attended: i64,
}

pub async fn counts(db: &Db, workshop: WorkshopId) -> Result<Counts, StoreError> {
    let (confirmed, waitlisted, attended): (i64, i64, i64) = with_pool!(db, pool => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT),
                CAST(COALESCE(SUM(waitlisted), 0) AS BIGINT),
                CAST(COALESCE(SUM(attended), 0) AS BIGINT)
           FROM (SELECT CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END AS confirmed,
                        CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END AS waitlisted,
                        CASE WHEN attended_at IS NOT NULL THEN 1 ELSE 0 END AS attended
                   FROM workshop_registrations WHERE workshop_id = $1
                 UNION ALL
                 SELECT registered, 0, attended
                   FROM workshop_reported_figures WHERE workshop_id = $1) f",
    )
    .bind(workshop.0)
    .fetch_one(pool)
    .await)?;
    Ok(Counts {
        confirmed,
        waitlisted,
        attended,
    })
}

/// Marks the holder of a place as arrived — by registration id or by the code they give
/// — once; the registration, or `None` when no place matches.
pub async fn check_in(
    db: &Db,
    workshop: WorkshopId,
    by: Result<i64, &str>,
    now: DateTime<Utc>,
) -> Result<Option<Registration>, StoreError> {
    let (id, code) = match by {
        Ok(id) => (Some(id), None),
        Err(code) => (None, Some(code)),
    };
    let updated: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "UPDATE workshop_registrations SET attended_at = COALESCE(attended_at, $4)
          WHERE workshop_id = $1 AND status = 'confirmed'
            AND (id = $2 OR code = $3)
         RETURNING id",
    )
    .bind(workshop.0)
    .bind(id)
    .bind(code)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    match updated {
        Some(id) => {
            let sql = format!("{SELECT} WHERE r.id = $1");
            let row: Row =
                with_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await)?;
            Registration::try_from(row).map(Some)
        }
        None => Ok(None),
    }
}

/// A reminder that may be due: a place at a workshop starting after `now` and up to
/// `until`, not reminded yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub registration: i64,
    pub workshop: WorkshopId,
}

/// The places whose reminder is due (not claimed: see [`claim_reminder`]).
pub async fn due_reminders(
    db: &Db,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<DueReminder>, StoreError> {
    let rows: Vec<(i64, i64)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT r.id, r.workshop_id FROM workshop_registrations r
           JOIN workshops w ON w.id = r.workshop_id
          WHERE r.status = 'confirmed' AND r.user_id IS NOT NULL AND r.reminded_at IS NULL
            AND w.starts_at > $1 AND w.starts_at <= $2 AND w.cancelled_at IS NULL
          ORDER BY r.id",
    )
    .bind(now)
    .bind(until)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(registration, workshop)| DueReminder {
            registration,
            workshop: WorkshopId(workshop),
        })
        .collect())
}

/// Claims the reminder of registration `id` inside `tx`: `true` for the one
/// transaction whose `UPDATE … WHERE reminded_at IS NULL` changed the row; another
/// process running the same statement waits for it and then finds the row taken. One
/// row per transaction, so two processes never wait on each other in a cycle.
pub async fn claim_reminder(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = on_tx!(tx, conn => sqlx::query(
        "UPDATE workshop_registrations SET reminded_at = $2
          WHERE id = $1 AND reminded_at IS NULL AND status = 'confirmed'",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Registration `id` inside `tx`.
pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Registration, StoreError> {
    by_id_in(tx, id).await
}

/// An invitation as found by its token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Records an invitation to `workshop` for `email`, by its token's hash, inside `tx`.
pub async fn insert_invitation(
    tx: &mut Tx,
    workshop: WorkshopId,
    email: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    invited_by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO workshop_invitations (workshop_id, email, token_hash, expires_at, invited_by,
                                           created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(workshop.0)
    .bind(email)
    .bind(token_hash)
    .bind(expires_at)
    .bind(invited_by.0)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Uses the invitation to `workshop` whose token hashes to `token_hash`, inside `tx`:
/// it is marked used only if it was not, so a link registers once.
pub async fn use_invitation(
    tx: &mut Tx,
    workshop: WorkshopId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Invitation>, StoreError> {
    let found: Option<Invitation> = on_tx!(tx, conn => sqlx::query_as(
        "UPDATE workshop_invitations SET used_at = $3
          WHERE workshop_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING id, email, expires_at, used_at",
    )
    .bind(workshop.0)
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(found)
}

/// How many invitations `workshop` has sent, and how many were used.
pub async fn invitation_counts(db: &Db, workshop: WorkshopId) -> Result<(i64, i64), StoreError> {
    let counts: (i64, i64) = with_pool!(db, pool => sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN used_at IS NOT NULL THEN 1 ELSE 0 END), 0)
           FROM workshop_invitations WHERE workshop_id = $1",
    )
    .bind(workshop.0)
    .fetch_one(pool)
    .await)?;
    Ok(counts)
}

/// Places held and attendance by the kind of organisation people came for (`None`:
/// for themselves), in one query, an imported workshop's figures included.
pub async fn attendance_by_kind(
    db: &Db,
    workshop: WorkshopId,
) -> Result<Vec<(Option<OrgKind>, i64, i64)>, StoreError> {
    let rows: Vec<(Option<String>, i64, i64)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT org_kind, CAST(SUM(held) AS BIGINT), CAST(SUM(came) AS BIGINT)
           FROM (SELECT org_kind, 1 AS held,
                        CASE WHEN attended_at IS NOT NULL THEN 1 ELSE 0 END AS came
                   FROM workshop_registrations
                  WHERE workshop_id = $1 AND status = 'confirmed'
                 UNION ALL
                 SELECT org_kind, registered, attended
                   FROM workshop_reported_figures WHERE workshop_id = $1) f
          GROUP BY org_kind ORDER BY org_kind",
    )
    .bind(workshop.0)
    .fetch_all(pool)
    .await)?;
    rows.into_iter()
        .map(|(kind, held, came)| {
            let kind = match kind {
                None => None,
                Some(k) => Some(OrgKind::parse(&k).ok_or_else(|| {
                    StoreError::corrupt("workshop_registrations", "org_kind", &k)
                })?),
            };
            Ok((kind, held, came))
        })
        .collect()
}
