//! Accounts and the single-use tokens mailed to their owners.

use chrono::{DateTime, Utc};

use crate::domain::digits::Digits;
use crate::domain::{ConsultationId, Lang, UserId};
use crate::ssr::admin::store::audit::{self, AuditEntry};
use crate::ssr::db::{on_tx, with_pool, Db, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// `None` once the account is deleted.
    pub email: Option<String>,
    pub display_name: String,
    pub preferred_lang: Lang,
    /// The digits of Arabic pages.
    pub digits: Digits,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub session_generation: i64,
    /// When two-factor authentication was turned on, if it is.
    pub totp_enabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    /// Already normalised (see `domain::account::normalize_email`).
    pub email: String,
    pub display_name: String,
    pub preferred_lang: Lang,
    pub password_hash: String,
    /// Version of the terms the person accepted when registering.
    pub terms_version: String,
}

/// What a mailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: Option<String>,
    display_name: String,
    preferred_lang: String,
    digits: String,
    email_verified_at: Option<DateTime<Utc>>,
    session_generation: i64,
    totp_enabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: UserId(r.id),
            email: r.email,
            display_name: r.display_name,
            preferred_lang: Lang::from_code(&r.preferred_lang).unwrap_or_default(),
            // The column's CHECK allows only the codes `Digits::parse` reads.
            digits: Digits::parse(&r.digits).unwrap_or_default(),
            email_verified_at: r.email_verified_at,
            session_generation: r.session_generation,
            totp_enabled_at: r.totp_enabled_at,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str = "id, email, display_name, preferred_lang, digits, email_verified_at, \
                       session_generation, totp_enabled_at, created_at";

pub async fn create(db: &Db, new: &NewUser, now: DateTime<Utc>) -> Result<User, StoreError> {
    let sql = format!(
        "INSERT INTO users (email, display_name, preferred_lang, password_hash, terms_version,
                            terms_accepted_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {COLUMNS}"
    );
    let row: UserRow = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(&new.email)
        .bind(&new.display_name)
        .bind(new.preferred_lang.code())
        .bind(&new.password_hash)
        .bind(&new.terms_version)
        .bind(now)
        .fetch_one(pool)
        .await)
    .map_err(|e| StoreError::on_constraint(e, "email", "user"))?;
    Ok(row.into())
}

pub async fn by_id(db: &Db, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<UserRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await)?;
    Ok(row.map(User::from))
}

/// The followers of consultation `consultation` who take notifications in `mode`, with
/// a confirmed address.
pub async fn followers(
    db: &Db,
    consultation: ConsultationId,
    mode: crate::domain::notification::NotifyMode,
) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users
          WHERE id IN (SELECT user_id FROM follows WHERE consultation_id = $1)
            AND deleted_at IS NULL AND email_verified_at IS NOT NULL AND notify_mode = $2
          ORDER BY id"
    );
    let rows: Vec<UserRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(consultation)
        .bind(mode.as_str())
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(User::from).collect())
}

#[derive(sqlx::FromRow)]
struct UserWithHash {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

/// The account with this (normalised) email and its password hash, for signing in.
pub async fn credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<(User, Option<String>)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL"
    );
    let row: Option<UserWithHash> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(email).fetch_optional(pool).await)?;
    Ok(row.map(|r| (r.user.into(), r.password_hash)))
}

pub async fn mark_email_verified(
    db: &Db,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2";
    with_pool!(db, pool => sqlx::query(sql).bind(now).bind(id.0).execute(pool).await.map(drop))?;
    Ok(())
}

/// Stores the hash of a token that will be mailed to the user.
pub async fn insert_token(
    db: &Db,
    user: UserId,
    purpose: TokenPurpose,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at, created_at)
               VALUES ($1, $2, $3, $4, $5)";
    with_pool!(db, pool => sqlx::query(sql)
        .bind(user.0)
        .bind(purpose.as_str())
        .bind(token_hash)
        .bind(expires_at)
        .bind(now)
        .execute(pool)
        .await
        .map(drop))?;
    Ok(())
}

/// Uses a token once: returns its user if the token exists for `purpose`, has not
/// expired and was not used before; marks it used in the same statement.
pub async fn consume_token(
    db: &Db,
    purpose: TokenPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let sql = "UPDATE email_tokens SET used_at = $1
                WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
                RETURNING user_id";
    let user: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(now)
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(pool)
        .await)?;
    Ok(user.map(UserId))
}

/// The user a token belongs to if it could still be used, without using it.
pub async fn peek_token(
    db: &Db,
    purpose: TokenPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let sql = "SELECT user_id FROM email_tokens
                WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3";
    let user: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(now)
        .fetch_optional(pool)
        .await)?;
    Ok(user.map(UserId))
}

/// Sets a new password, ends every session of the account ("sign out everywhere") and
/// spends every reset link still unused: a link mailed before the change must not
/// undo it. The audit entry is written in the same transaction.
pub async fn set_password(
    db: &Db,
    id: UserId,
    password_hash: &str,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        sqlx::query(
            "UPDATE users SET password_hash = $1, session_generation = session_generation + 1
              WHERE id = $2",
        )
        .bind(password_hash)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1
              WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(id.0)
        .bind(TokenPurpose::ResetPassword.as_str())
        .execute(&mut *conn)
        .await
        .map(drop)
    }.await)?;
    audit::insert(&mut tx, audit, now).await?;
    tx.commit().await
}

/// Which digits the person's Arabic pages use.
pub async fn set_digits(db: &Db, id: UserId, digits: Digits) -> Result<(), StoreError> {
    let sql = "UPDATE users SET digits = $1 WHERE id = $2";
    with_pool!(db, pool => sqlx::query(sql).bind(digits.as_str()).bind(id.0).execute(pool).await.map(drop))?;
    Ok(())
}

/// Ends every session of the account: sessions remember the generation they began in.
pub async fn end_all_sessions(db: &Db, id: UserId) -> Result<(), StoreError> {
    let sql = "UPDATE users SET session_generation = session_generation + 1 WHERE id = $1";
    with_pool!(db, pool => sqlx::query(sql).bind(id.0).execute(pool).await.map(drop))?;
    Ok(())
}

/// Every stored second-factor seed, as stored (sealed, or in clear from before seeds
/// were sealed): for sealing the latter at start-up.
pub async fn stored_seeds(db: &Db) -> Result<Vec<(UserId, String)>, StoreError> {
    let sql = "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id";
    let rows: Vec<(i64, String)> =
        with_pool!(db, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id, s)| (UserId(id), s)).collect())
}

/// Replaces `user`'s seed `old` by `new` (the same seed sealed), unless it changed
/// meanwhile; whether it did.
pub async fn reseal_seed(db: &Db, user: UserId, old: &str, new: &str) -> Result<bool, StoreError> {
    let sql = "UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3";
    let n = with_pool!(db, pool => sqlx::query(sql)
        .bind(new)
        .bind(user.0)
        .bind(old)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The stored (sealed) TOTP seed of an account that has two-factor authentication on;
/// `auth::seeds::SeedKey::open` reads it.
pub async fn totp_secret(db: &Db, id: UserId) -> Result<Option<String>, StoreError> {
    let sql = "SELECT totp_secret FROM users
                WHERE id = $1 AND totp_enabled_at IS NOT NULL AND deleted_at IS NULL";
    let secret: Option<Option<String>> =
        with_pool!(db, pool => sqlx::query_scalar(sql).bind(id.0).fetch_optional(pool).await)?;
    Ok(secret.flatten())
}

/// Replaces an account's recovery codes inside `tx`.
async fn replace_codes(tx: &mut Tx, id: UserId, hashes: &[String]) -> Result<(), StoreError> {
    on_tx!(tx, conn => async {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        for hash in hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(id.0)
                .bind(hash)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, sqlx::Error>(())
    }.await)?;
    Ok(())
}

/// Turns two-factor authentication on with a confirmed secret, sealed (whose code was accepted
/// at time step `step`), replacing any recovery codes with `recovery_hashes`. Every
/// session of the account ends: the caller signs the current one in again.
pub async fn enable_totp(
    db: &Db,
    id: UserId,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let update = "UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = $3,
                          session_generation = session_generation + 1,
                          second_factor_failures = 0, second_factor_blocked_until = NULL
                   WHERE id = $4";
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => sqlx::query(update)
        .bind(secret)
        .bind(now)
        .bind(step)
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    replace_codes(&mut tx, id, recovery_hashes).await?;
    audit::insert(&mut tx, audit, now).await?;
    tx.commit().await
}

/// Replaces the recovery codes of an account.
pub async fn replace_recovery_codes(
    db: &Db,
    id: UserId,
    recovery_hashes: &[String],
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    replace_codes(&mut tx, id, recovery_hashes).await?;
    audit::insert(&mut tx, audit, now).await?;
    tx.commit().await
}

/// Accepts a TOTP code's time step once: `false` if that step (or a later one) was
/// already used, so an overheard code cannot be replayed.
pub async fn accept_totp_step(db: &Db, id: UserId, step: i64) -> Result<bool, StoreError> {
    let sql = "UPDATE users SET totp_last_step = $1
                WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)";
    let done = with_pool!(db, pool => sqlx::query(sql)
        .bind(step)
        .bind(id.0)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Uses a recovery code once; `false` if it is not one of the account's unused codes.
pub async fn use_recovery_code(
    db: &Db,
    id: UserId,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sql = "UPDATE recovery_codes SET used_at = $1
                WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL";
    let done = with_pool!(db, pool => sqlx::query(sql)
        .bind(now)
        .bind(id.0)
        .bind(code_hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done >= 1)
}

/// Until when the account's sign-in waits after too many wrong second-factor codes.
pub async fn second_factor_blocked_until(
    db: &Db,
    id: UserId,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sql = "SELECT second_factor_blocked_until FROM users WHERE id = $1";
    let until: Option<Option<DateTime<Utc>>> =
        with_pool!(db, pool => sqlx::query_scalar(sql).bind(id.0).fetch_optional(pool).await)?;
    Ok(until.flatten())
}

/// A wrong second-factor code: counts it, and once `cap` are wrong in a row starts
/// over, with the account's sign-in blocked until the time `delay` gives for this
/// lock-out (1 for the first in a row, 2 for the next…). Returns the count so far, and
/// the end of the block when this failure caused one.
pub async fn second_factor_failed(
    db: &Db,
    id: UserId,
    cap: i32,
    delay: impl Fn(i32) -> chrono::Duration,
    now: DateTime<Utc>,
) -> Result<(i32, Option<DateTime<Utc>>), StoreError> {
    let sql = "UPDATE users SET second_factor_failures = second_factor_failures + 1
                WHERE id = $1 RETURNING second_factor_failures, second_factor_lockouts";
    let (failures, lockouts): (i32, i32) =
        with_pool!(db, pool => sqlx::query_as(sql).bind(id.0).fetch_one(pool).await)?;
    if failures < cap {
        return Ok((failures, None));
    }
    let until = now + delay(lockouts + 1);
    let sql = "UPDATE users SET second_factor_failures = 0,
                      second_factor_lockouts = second_factor_lockouts + 1,
                      second_factor_blocked_until = $1
                WHERE id = $2";
    with_pool!(db, pool => sqlx::query(sql).bind(until).bind(id.0).execute(pool).await.map(drop))?;
    Ok((failures, Some(until)))
}

/// A right second-factor code: the count of failures starts again.
pub async fn second_factor_succeeded(db: &Db, id: UserId) -> Result<(), StoreError> {
    let sql = "UPDATE users SET second_factor_failures = 0, second_factor_lockouts = 0,
                      second_factor_blocked_until = NULL
                WHERE id = $1";
    with_pool!(db, pool => sqlx::query(sql).bind(id.0).execute(pool).await.map(drop))?;
    Ok(())
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left(db: &Db, id: UserId) -> Result<i64, StoreError> {
    let sql = "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(sql).bind(id.0).fetch_one(pool).await)?;
    Ok(n)
}

/// What the account row holds beyond [`User`], for the person's own data export.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRecord {
    pub terms_version: String,
    pub terms_accepted_at: DateTime<Utc>,
}

pub async fn account_record(db: &Db, id: UserId) -> Result<Option<AccountRecord>, StoreError> {
    let sql = "SELECT terms_version, terms_accepted_at FROM users WHERE id = $1";
    let row = with_pool!(db, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await)?;
    Ok(row)
}

/// Deletes an account's personal data while keeping its row, so that what the person
/// published stays in the public record, attributed to "deleted participant". Ends the
/// sessions, withdraws roles, removes tokens, codes and unsent mail to the address.
pub async fn delete_account(db: &Db, id: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        let email: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND deleted_at IS NULL")
                .bind(id.0)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(Some(email)) = email {
            sqlx::query("DELETE FROM mail_outbox WHERE to_addr = $1 AND sent_at IS NULL")
                .bind(email)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(
            "UPDATE users SET email = NULL, display_name = '', password_hash = NULL,
                    totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                    session_generation = session_generation + 1, deleted_at = $1
              WHERE id = $2 AND deleted_at IS NULL",
        )
        .bind(now)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        for sql in [
            "DELETE FROM email_tokens WHERE user_id = $1",
            "DELETE FROM recovery_codes WHERE user_id = $1",
            "DELETE FROM unsubscribe_tokens WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(id.0).execute(&mut *conn).await?;
        }
        sqlx::query("UPDATE role_grants SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        Ok::<_, sqlx::Error>(())
    }.await)?;
    tx.commit().await
}

/// Finds an account by email for an admin appointing it: not deleted.
pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    Ok(credentials_by_email(db, email).await?.map(|(user, _)| user))
}

/// A record of someone who took part without an account (at a workshop, by letter):
/// their name, no address, no way to sign in, no mail. Without a name the record is
/// shown as a deleted participant.
pub async fn participant_record(
    tx: &mut Tx,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, terms_version,
                            terms_accepted_at, created_at, deleted_at, notify_mode)
         VALUES (NULL, $1, NULL, 'none: no account', $2, $2, $3, 'off') RETURNING id",
    )
    .bind(name.unwrap_or(""))
    .bind(now)
    .bind(name.is_none().then_some(now))
    .fetch_one(&mut *conn)
    .await)?;
    Ok(UserId(id))
}
