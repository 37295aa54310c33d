//! Sessions: stored in the database (tower-sessions), on SQLite or PostgreSQL, and what
//! a session holds: the signed-in user and the CSRF token of its forms.

use chrono::{DateTime, Duration, Utc};
use tower_sessions::{Expiry, Session};

use crate::domain::UserId;
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::User;
use crate::ssr::admin::store::roles;
use crate::ssr::db::{Db, StoreError};

/// Name of the session cookie over plain HTTP (development, tests).
pub const COOKIE_NAME: &str = "shura_session";
/// Over HTTPS: the `__Host-` prefix makes browsers refuse the cookie unless it is
/// `Secure`, has `Path=/` and no `Domain`, so no sibling subdomain can set or shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-shura_session";

/// The session cookie's name for a site reached over HTTPS or not.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}
/// A session unused this long expires.
pub const IDLE_TIMEOUT: Duration = Duration::days(7);
/// A sign-in lasts at most this long, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(30);
/// For someone holding a role (staff, moderators, organisers, admins): a session unused
/// this long ends (measured with the app's clock)…
pub const PRIVILEGED_IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// …and a sign-in lasts at most this long. Their cookie ends with the browser session.
pub const PRIVILEGED_ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Granting or withdrawing roles needs the password given this recently.
pub const CONFIRMATION_WINDOW: Duration = Duration::minutes(10);

const KEY_USER: &str = "uid";
const KEY_GENERATION: &str = "gen";
const KEY_SIGNED_IN_AT: &str = "since";
const KEY_CSRF: &str = "csrf";
/// Set once this sign-in passed a second factor.
const KEY_SECOND_FACTOR: &str = "mfa";
/// Between password and second factor: who is signing in, and since when.
const KEY_PENDING_USER: &str = "pending_uid";
const KEY_PENDING_AT: &str = "pending_at";
/// Whether the signed-in person held a role at sign-in (roles changing end sessions).
const KEY_PRIVILEGED: &str = "priv";
/// When a privileged session was last used.
const KEY_LAST_SEEN: &str = "seen";
/// When the password was last given in this session.
const KEY_PASSWORD_AT: &str = "pw_at";
/// A TOTP secret being set up, until its first code is confirmed.
const KEY_TOTP_SETUP: &str = "totp_setup";
/// Recovery codes just created, shown once.
const KEY_FRESH_CODES: &str = "fresh_codes";

/// How long the second step of a sign-in may take.
pub const SECOND_STEP_TIMEOUT: Duration = Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session storage: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("form token: {0}")]
    Token(String),
}

/// Whether the session belongs to someone: signed in, or between the password and
/// the second factor. Visitors' forms use a signed cookie instead (`form_token`).
pub async fn has_person(session: &Session) -> Result<bool, SessionError> {
    Ok(session.get::<i64>(KEY_USER).await?.is_some()
        || session.get::<i64>(KEY_PENDING_USER).await?.is_some())
}

/// The signed-in user, if the session has one that is still valid: not past the
/// absolute timeout, not signed out everywhere since, account not deleted; and for
/// someone holding a role, used within [`PRIVILEGED_IDLE_TIMEOUT`] and signed in within
/// [`PRIVILEGED_ABSOLUTE_TIMEOUT`].
pub async fn current_user(
    session: &Session,
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Option<User>, SessionError> {
    let Some(id) = session.get::<i64>(KEY_USER).await? else {
        return Ok(None);
    };
    let since = session.get::<i64>(KEY_SIGNED_IN_AT).await?.unwrap_or(0);
    let generation = session.get::<i64>(KEY_GENERATION).await?.unwrap_or(-1);
    let age = |at: Option<i64>| DateTime::from_timestamp(at.unwrap_or(0), 0).map(|t| now - t);
    let expired = age(Some(since)).is_none_or(|a| a >= ABSOLUTE_TIMEOUT);
    let user = match users::by_id(db, UserId(id)).await? {
        Some(user) if !expired && user.session_generation == generation => Some(user),
        _ => None,
    };
    let Some(user) = user else {
        forget_user(session).await?;
        return Ok(None);
    };
    // Checked against the last use as recorded before this request: the flag is found
    // once per sign-in, and marking the session used comes only after the checks (a
    // page's server functions run at once, on the same session).
    let known = session.get::<bool>(KEY_PRIVILEGED).await?;
    let privileged = match known {
        Some(p) => p,
        None => !roles::roles_of(db, user.id).await?.is_empty(),
    };
    if privileged {
        let idle = age(session.get::<i64>(KEY_LAST_SEEN).await?.or(Some(since)))
            .is_none_or(|a| a >= PRIVILEGED_IDLE_TIMEOUT);
        let too_old = age(Some(since)).is_none_or(|a| a >= PRIVILEGED_ABSOLUTE_TIMEOUT);
        if idle || too_old {
            tracing::info!(user = %user.id, idle, too_old, "privileged session ended");
            forget_user(session).await?;
            return Ok(None);
        }
    }
    if privileged || known.is_none() {
        mark_privileged(session, privileged, now).await?;
    }
    Ok(Some(user))
}

/// Notes whether this session's person holds a role. A privileged one is used `now`,
/// and its cookie is kept only for the browser session.
pub async fn mark_privileged(
    session: &Session,
    privileged: bool,
    now: DateTime<Utc>,
) -> Result<(), SessionError> {
    session.insert(KEY_PRIVILEGED, privileged).await?;
    if privileged {
        session.insert(KEY_LAST_SEEN, now.timestamp()).await?;
        session.set_expiry(Some(Expiry::OnSessionEnd));
    }
    Ok(())
}

/// The password was given in this session just now (signing in, changing it, before
/// granting a role): the session's forms get a new token too.
pub async fn password_confirmed(session: &Session, now: DateTime<Utc>) -> Result<(), SessionError> {
    renew_csrf(session).await?;
    session.insert(KEY_PASSWORD_AT, now.timestamp()).await?;
    Ok(())
}

/// Whether the password was given in this session within [`CONFIRMATION_WINDOW`].
pub async fn recently_confirmed(
    session: &Session,
    now: DateTime<Utc>,
) -> Result<bool, SessionError> {
    let at = session.get::<i64>(KEY_PASSWORD_AT).await?;
    Ok(at
        .and_then(|at| DateTime::from_timestamp(at, 0))
        .is_some_and(|t| now - t < CONFIRMATION_WINDOW))
}

/// Signs `user` in: a new session id (so a planted id is worthless), then the user.
/// `second_factor` says whether a TOTP or recovery code was given too.
pub async fn sign_in(
    session: &Session,
    user: &User,
    now: DateTime<Utc>,
    second_factor: bool,
) -> Result<(), SessionError> {
    session.cycle_id().await?;
    // A token seen before signing in (on a shared computer, in a page's source) must
    // not work for the signed-in person's forms.
    renew_csrf(session).await?;
    // The usual lifetime again (a second step had shortened it; `mark_privileged`
    // shortens it for role holders).
    session.set_expiry(Some(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::seconds(IDLE_TIMEOUT.num_seconds()),
    )));
    session.remove::<i64>(KEY_PENDING_USER).await?;
    session.remove::<i64>(KEY_PENDING_AT).await?;
    session.insert(KEY_USER, user.id.0).await?;
    session
        .insert(KEY_GENERATION, user.session_generation)
        .await?;
    session.insert(KEY_SIGNED_IN_AT, now.timestamp()).await?;
    session.insert(KEY_SECOND_FACTOR, second_factor).await?;
    // Found again on the next request (see `current_user`), unless the caller says.
    session.remove::<bool>(KEY_PRIVILEGED).await?;
    Ok(())
}

/// Whether this session passed a second factor.
pub async fn second_factor_passed(session: &Session) -> Result<bool, SessionError> {
    Ok(session
        .get::<bool>(KEY_SECOND_FACTOR)
        .await?
        .unwrap_or(false))
}

/// The password was right and a second factor is needed: remember who, briefly.
pub async fn begin_second_step(
    session: &Session,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), SessionError> {
    session.cycle_id().await?;
    renew_csrf(session).await?;
    forget_user(session).await?;
    // Nobody is signed in yet: this session lasts only as long as the second step may.
    session.set_expiry(Some(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::seconds(SECOND_STEP_TIMEOUT.num_seconds()),
    )));
    session.insert(KEY_PENDING_USER, user.id.0).await?;
    session.insert(KEY_PENDING_AT, now.timestamp()).await?;
    Ok(())
}

/// Ends a second step half-way: signing in starts again from the password.
pub async fn abandon_second_step(session: &Session) -> Result<(), SessionError> {
    session.remove::<i64>(KEY_PENDING_USER).await?;
    session.remove::<i64>(KEY_PENDING_AT).await?;
    Ok(())
}

/// The person half-way through signing in, if the first step was recent enough.
pub async fn pending_user(
    session: &Session,
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Option<User>, SessionError> {
    let Some(id) = session.get::<i64>(KEY_PENDING_USER).await? else {
        return Ok(None);
    };
    let at = session.get::<i64>(KEY_PENDING_AT).await?.unwrap_or(0);
    let fresh = DateTime::from_timestamp(at, 0).is_some_and(|t| now - t < SECOND_STEP_TIMEOUT);
    if !fresh {
        return Ok(None);
    }
    Ok(users::by_id(db, UserId(id)).await?)
}

/// The TOTP secret being set up in this session, created on first use.
pub async fn totp_setup_secret(session: &Session) -> Result<String, SessionError> {
    if let Some(secret) = session.get::<String>(KEY_TOTP_SETUP).await? {
        return Ok(secret);
    }
    let secret = crate::ssr::accounts::auth::totp::new_secret();
    session.insert(KEY_TOTP_SETUP, &secret).await?;
    Ok(secret)
}

/// Ends a TOTP set-up once confirmed.
pub async fn clear_totp_setup(session: &Session) -> Result<(), SessionError> {
    session.remove::<String>(KEY_TOTP_SETUP).await?;
    Ok(())
}

/// Keeps freshly made recovery codes until the page that shows them once.
pub async fn store_fresh_codes(session: &Session, codes: &[String]) -> Result<(), SessionError> {
    session.insert(KEY_FRESH_CODES, codes).await?;
    Ok(())
}

/// The fresh recovery codes, removed from the session as they are read.
pub async fn take_fresh_codes(session: &Session) -> Result<Vec<String>, SessionError> {
    Ok(session
        .remove::<Vec<String>>(KEY_FRESH_CODES)
        .await?
        .unwrap_or_default())
}

/// Signs out of this session only; the session record is deleted.
pub async fn sign_out(session: &Session) -> Result<(), SessionError> {
    session.flush().await?;
    Ok(())
}

/// Signs the user of this session out of every session they have, on every device.
pub async fn sign_out_everywhere(
    session: &Session,
    db: &Db,
    now: DateTime<Utc>,
) -> Result<(), SessionError> {
    if let Some(user) = current_user(session, db, now).await? {
        users::end_all_sessions(db, user.id).await?;
    }
    session.flush().await?;
    Ok(())
}

async fn forget_user(session: &Session) -> Result<(), SessionError> {
    session.remove::<i64>(KEY_USER).await?;
    session.remove::<bool>(KEY_PRIVILEGED).await?;
    session.remove::<i64>(KEY_LAST_SEEN).await?;
    session.remove::<i64>(KEY_PASSWORD_AT).await?;
    session.remove::<i64>(KEY_GENERATION).await?;
    session.remove::<i64>(KEY_SIGNED_IN_AT).await?;
    session.remove::<bool>(KEY_SECOND_FACTOR).await?;
    Ok(())
}

/// A new CSRF token for the session's forms, written now: minted lazily instead, by
/// the first page that asks, two parts of one page rendered at once (the header's
/// sign-out form, the page's own forms) could each mint one, and the page would
/// carry a token the session no longer holds.
async fn renew_csrf(session: &Session) -> Result<String, SessionError> {
    let (token, _) = crate::ssr::accounts::auth::token::new_token();
    session.insert(KEY_CSRF, &token).await?;
    Ok(token)
}

/// The CSRF token of this session, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, SessionError> {
    match session.get::<String>(KEY_CSRF).await? {
        Some(token) => Ok(token),
        None => renew_csrf(session).await,
    }
}

/// Does a submitted form carry this session's CSRF token? Compared in constant time.
pub async fn csrf_matches(
    session: &Session,
    submitted: Option<&str>,
) -> Result<bool, SessionError> {
    let expected = session.get::<String>(KEY_CSRF).await?;
    Ok(match (expected, submitted) {
        (Some(expected), Some(submitted)) => crate::ssr::accounts::auth::token::constant_time_eq(
            expected.as_bytes(),
            submitted.as_bytes(),
        ),
        _ => false,
    })
}

impl From<SessionError> for crate::error::AppError {
    fn from(err: SessionError) -> Self {
        tracing::error!(error = %err, "session error");
        crate::error::AppError::Internal
    }
}
