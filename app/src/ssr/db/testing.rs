//! Throw-away databases for tests: a fresh SQLite file, or a fresh PostgreSQL database
//! created on the server named by `SHURA_TEST_POSTGRES_URL` and dropped afterwards.
//!
//! Set-up failures panic on purpose: they should fail the test that asked for them.
#![allow(clippy::expect_used)]

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};

use crate::ssr::db::Db;

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "SHURA_TEST_POSTGRES_URL";

pub struct TestDb {
    pub db: Db,
    /// How many connections the pool has handed out: one per statement run on the
    /// pool, one per transaction (see [`Db::connect_counted`]).
    pub handed_out: std::sync::Arc<std::sync::atomic::AtomicU64>,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDatabase {
        admin: Box<PgConnectOptions>,
        name: String,
    },
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    /// A migrated SQLite database in a new temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique_name("shura_test"));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let url = format!("sqlite://{}", dir.join("shura.db").display());
        let handed_out = std::sync::Arc::default();
        let db = Db::connect_counted(&url, std::sync::Arc::clone(&handed_out))
            .await
            .expect("open SQLite test database");
        db.migrate().await.expect("migrate SQLite test database");
        TestDb {
            db,
            handed_out,
            cleanup: Cleanup::SqliteDir(dir),
        }
    }

    /// A migrated, empty PostgreSQL database. Panics when no server is configured:
    /// the test script leaves these tests out instead of letting them pass unrun.
    pub async fn postgres() -> TestDb {
        let url = std::env::var(POSTGRES_URL_VAR)
            .unwrap_or_else(|_| panic!("{POSTGRES_URL_VAR} must name a PostgreSQL server"));
        let admin = PgConnectOptions::from_str(&url).expect("valid PostgreSQL URL");
        let name = unique_name("shura_t");
        let mut conn = admin.connect().await.expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let handed_out = std::sync::Arc::default();
        let pool = super::counted(
            PgPoolOptions::new(),
            Some(std::sync::Arc::clone(&handed_out)),
        )
        .max_connections(4)
        .connect_with(admin.clone().database(&name))
        .await
        .expect("connect to test database");
        let db = Db::Postgres(pool);
        db.migrate()
            .await
            .expect("migrate PostgreSQL test database");
        TestDb {
            db,
            handed_out,
            cleanup: Cleanup::PostgresDatabase {
                admin: Box::new(admin),
                name,
            },
        }
    }

    /// A second pool of its own on the same database, as another server process has:
    /// for tests of what two processes do at once.
    pub async fn another_pool(&self) -> Db {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let url = format!("sqlite://{}", dir.join("shura.db").display());
                Db::connect(&url)
                    .await
                    .expect("open SQLite test database again")
            }
            Cleanup::PostgresDatabase { admin, name } => {
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .connect_with((**admin).clone().database(name))
                    .await
                    .expect("connect to test database again");
                Db::Postgres(pool)
            }
        }
    }

    /// Closes the pool and removes the database. A connection still held by a request
    /// the test did not wait for must not hang the test run: closing gives up after 10 s.
    pub async fn finish(self) {
        if tokio::time::timeout(std::time::Duration::from_secs(10), self.db.close())
            .await
            .is_err()
        {
            eprintln!("warning: test database still in use after 10 s; removing it anyway");
        }
        match self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin, name } => {
                if let Ok(mut conn) = admin.connect().await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    conn.close().await.ok();
                }
            }
        }
    }
}

/// Writes each test once per backend: `mod on_sqlite { fn name }` and
/// `mod on_postgres { fn name }`, each with a fresh migrated database bound to `db`.
#[macro_export]
macro_rules! store_tests {
    ($(async fn $name:ident($db:ident) $body:block)*) => {
        mod on_sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = $crate::ssr::db::testing::TestDb::sqlite().await;
                    {
                        let $db = &test_db.db;
                        $body
                    }
                    test_db.finish().await;
                }
            )*
        }
        mod on_postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = $crate::ssr::db::testing::TestDb::postgres().await;
                    {
                        let $db = &test_db.db;
                        $body
                    }
                    test_db.finish().await;
                }
            )*
        }
    };
}

/// Creates an agency in a transaction of its own (the admin's form also records who
/// created it; tests need only the agency).
pub async fn create_agency(
    db: &Db,
    new: &crate::ssr::agencies::store::NewAgency,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ssr::agencies::store::Agency, crate::ssr::db::StoreError> {
    let mut tx = db.begin().await?;
    let agency = crate::ssr::agencies::store::create(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(agency)
}

/// Writes a consultation the way publishing and importing do (`upsert`, by slug) in a
/// transaction of its own, and reads it back.
pub async fn create_consultation(
    db: &Db,
    record: &crate::ssr::consultations::store::ConsultationRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::ssr::consultations::store::Consultation, crate::ssr::db::StoreError> {
    use crate::ssr::consultations::store as consultations;
    let mut tx = db.begin().await?;
    let id = consultations::upsert(&mut tx, record, now).await?;
    tx.commit().await?;
    consultations::by_id(db, id)
        .await?
        .ok_or(crate::ssr::db::StoreError::MissingReference("consultation"))
}

/// Renames a table, to make every write to it fail (and back): how a test shows that
/// a change and its audit entry are written together or not at all.
pub async fn rename_table(db: &Db, from: &str, to: &str) -> Result<(), crate::ssr::db::StoreError> {
    let sql = format!("ALTER TABLE {from} RENAME TO {to}");
    crate::ssr::db::with_pool!(db, pool => sqlx::query(&sql).execute(pool).await.map(drop))?;
    Ok(())
}
