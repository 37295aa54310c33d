//! The database: one handle for both backends, the transaction that spans features,
//! errors, connecting and migrating.
//!
//! Only the stores (this folder and each feature's `store`) know whether they talk to
//! SQLite or PostgreSQL. Where the SQL is the same for both (most of it: `$1`
//! placeholders work in both), a query is written once and compiled for each pool by
//! [`with_pool!`] or for each transaction by [`on_tx!`]; where it differs, the function
//! matches on [`Db`] itself.

pub mod sessions;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
#[cfg(test)]
mod tests;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::error::AppError;

/// A pool for one of the two supported databases, chosen by the URL scheme.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same block against whichever pool `db` holds.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::ssr::db::Db::Sqlite($pool) => $body,
            $crate::ssr::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// A stored integer as the type the code uses; one out of range is [`StoreError::Corrupt`].
pub(crate) fn stored<T: TryFrom<i64>>(
    table: &'static str,
    column: &'static str,
    n: i64,
) -> Result<T, StoreError> {
    T::try_from(n).map_err(|_| StoreError::corrupt(table, column, n))
}

/// Appends `(v1, v2, …)` with one bound parameter per value: the list of an SQL `IN`.
/// An empty list matches nothing.
pub(crate) fn push_list<'args, DB: sqlx::Database, T>(
    q: &mut sqlx::QueryBuilder<'args, DB>,
    values: &[T],
) where
    T: Copy + 'args + sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    if values.is_empty() {
        q.push("(NULL)");
        return;
    }
    q.push("(");
    let mut list = q.separated(", ");
    for value in values {
        list.push_bind(*value);
    }
    list.push_unseparated(")");
}

/// A unit of work on either backend: nothing it wrote is kept unless [`Tx::commit`]
/// is called (dropping it rolls back). Repository functions that write take a
/// `&mut Tx`, so that a write spanning features is one transaction.
#[derive(Debug)]
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same block inside whichever transaction `tx` (a `&mut Tx`) holds, with
/// `$conn` bound to its connection (use it as `&mut *$conn`).
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::ssr::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::ssr::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL is not valid: {0}")]
    InvalidUrl(String),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique value (named by the field) is already taken.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A row this one refers to does not exist.
    #[error("{0} refers to a missing row")]
    MissingReference(&'static str),
    /// A stored value this code cannot read: a bug or a hand-edited row, never input.
    #[error("{table}.{column} holds {value:?}, which is not a valid value")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        value: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// A stored value this code does not know (see [`StoreError::Corrupt`]).
    pub(crate) fn corrupt(table: &'static str, column: &'static str, value: impl ToString) -> Self {
        StoreError::Corrupt {
            table,
            column,
            value: value.to_string(),
        }
    }

    /// Maps a constraint violation to the field at fault, other errors unchanged.
    pub(crate) fn on_constraint(
        err: sqlx::Error,
        unique_field: &'static str,
        fk_field: &'static str,
    ) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return StoreError::Conflict(unique_field);
            }
            if db.is_foreign_key_violation() {
                return StoreError::MissingReference(fk_field);
            }
        }
        StoreError::Database(err)
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(field) => AppError::Conflict {
                field: field.to_owned(),
            },
            StoreError::MissingReference(field) => AppError::Invalid {
                field: field.to_owned(),
            },
            other => {
                tracing::error!(error = %other, "store error");
                AppError::Internal
            }
        }
    }
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::InvalidUrl(format!(
                "expected a URL starting with sqlite:// or postgres://, got {:?}",
                redact_url(url)
            ))),
        }
    }
}

/// A URL safe to print: any password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `options` that count in `handed_out`, when given, every connection the pool gives
/// out: a new one (`after_connect`) or an idle one (`before_acquire`).
pub(crate) fn counted<DB: sqlx::Database>(
    options: sqlx::pool::PoolOptions<DB>,
    handed_out: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
) -> sqlx::pool::PoolOptions<DB> {
    use std::sync::atomic::Ordering;
    let Some(count) = handed_out else {
        return options;
    };
    let on_new = count.clone();
    options
        .after_connect(move |_, _| {
            on_new.fetch_add(1, Ordering::Relaxed);
            Box::pin(async { Ok(()) })
        })
        .before_acquire(move |_, _| {
            count.fetch_add(1, Ordering::Relaxed);
            Box::pin(async { Ok(true) })
        })
}

impl Db {
    /// Opens a pool. SQLite databases are created if missing, in WAL mode with foreign
    /// keys enforced and a busy timeout, so that concurrent writers wait instead of failing.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::open(url, None).await
    }

    /// As [`Db::connect`], counting in `handed_out` each connection the pool hands out:
    /// one per statement run on the pool, one per transaction. Tests use it to check
    /// that a page asks the database a bounded number of times.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn connect_counted(
        url: &str,
        handed_out: std::sync::Arc<std::sync::atomic::AtomicU64>,
    ) -> Result<Db, StoreError> {
        Db::open(url, Some(handed_out)).await
    }

    async fn open(
        url: &str,
        handed_out: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    ) -> Result<Db, StoreError> {
        match Backend::of_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = counted(SqlitePoolOptions::new().max_connections(8), handed_out)
                    .connect_with(options)
                    .await
                    .map_err(StoreError::Connect)?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                // No JIT compilation: it pays off for long analytic queries, and on
                // ours the planner's estimates start it where it costs far more than the
                // query (measured: 264 ms of compiling for a 20 ms count).
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?
                    .options([("jit", "off")]);
                // One direct connection first: a pool reports any failure as a timeout,
                // this reports the cause (refused, unknown database, authentication).
                let probe = sqlx::ConnectOptions::connect(&options)
                    .await
                    .map_err(StoreError::Connect)?;
                sqlx::Connection::close(probe).await.ok();
                let pool = counted(PgPoolOptions::new(), handed_out)
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(StoreError::Connect)?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Starts a unit of work.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Waits for connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// Both trees hold the same migrations (same versions, same names); only the SQL
/// dialect may differ. A test keeps them in step.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        let sqlite = names(&SQLITE_MIGRATIONS);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names(&POSTGRES_MIGRATIONS));
    }

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/shura.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::of_url("mysql://u@h/db").is_err());
        assert!(Backend::of_url("not a url").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite://data/shura.db"),
            "sqlite://data/shura.db"
        );
    }
}
