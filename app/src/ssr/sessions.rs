//! Sessions: stored in the database (tower-sessions), on SQLite or PostgreSQL, and what
//! a session holds: the signed-in user and the CSRF token of its forms.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::Session;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::store::users::{self, User};
use super::store::{Db, StoreError};
use crate::domain::UserId;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "shura_session";
/// A session unused this long expires.
pub const IDLE_TIMEOUT: Duration = Duration::days(7);
/// A sign-in lasts at most this long, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(30);

const KEY_USER: &str = "uid";
const KEY_GENERATION: &str = "gen";
const KEY_SIGNED_IN_AT: &str = "since";
const KEY_CSRF: &str = "csrf";

/// The session table of whichever database `Db` holds.
#[derive(Clone, Debug)]
pub enum SessionBackend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionBackend {
    /// Creates the session table if needed (tower-sessions owns its schema).
    pub async fn for_db(db: &Db) -> Result<SessionBackend, StoreError> {
        Ok(match db {
            Db::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone());
                store.migrate().await?;
                SessionBackend::Sqlite(store)
            }
            Db::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone());
                store.migrate().await?;
                SessionBackend::Postgres(store)
            }
        })
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.create(record).await,
            SessionBackend::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.save(record).await,
            SessionBackend::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Sqlite(s) => s.load(id).await,
            SessionBackend::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.delete(id).await,
            SessionBackend::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionBackend {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.delete_expired().await,
            SessionBackend::Postgres(s) => s.delete_expired().await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session storage: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The signed-in user, if the session has one that is still valid: not past the
/// absolute timeout, not signed out everywhere since, account not deleted.
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
    let expired = DateTime::from_timestamp(since, 0).is_none_or(|t| now - t >= ABSOLUTE_TIMEOUT);
    let user = match users::by_id(db, UserId(id)).await? {
        Some(user) if !expired && user.session_generation == generation => Some(user),
        _ => None,
    };
    if user.is_none() {
        forget_user(session).await?;
    }
    Ok(user)
}

/// Signs `user` in: a new session id (so a planted id is worthless), then the user.
pub async fn sign_in(
    session: &Session,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.insert(KEY_USER, user.id.0).await?;
    session
        .insert(KEY_GENERATION, user.session_generation)
        .await?;
    session.insert(KEY_SIGNED_IN_AT, now.timestamp()).await?;
    Ok(())
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
    session.remove::<i64>(KEY_GENERATION).await?;
    session.remove::<i64>(KEY_SIGNED_IN_AT).await?;
    Ok(())
}

/// The CSRF token of this session, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, SessionError> {
    if let Some(token) = session.get::<String>(KEY_CSRF).await? {
        return Ok(token);
    }
    let (token, _) = super::auth::token::new_token();
    session.insert(KEY_CSRF, &token).await?;
    Ok(token)
}

/// Does a submitted form carry this session's CSRF token? Compared in constant time.
pub async fn csrf_matches(
    session: &Session,
    submitted: Option<&str>,
) -> Result<bool, SessionError> {
    let expected = session.get::<String>(KEY_CSRF).await?;
    Ok(match (expected, submitted) {
        (Some(expected), Some(submitted)) => {
            constant_time_eq(expected.as_bytes(), submitted.as_bytes())
        }
        _ => false,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl From<SessionError> for crate::error::AppError {
    fn from(err: SessionError) -> Self {
        tracing::error!(error = %err, "session error");
        crate::error::AppError::Internal
    }
}
