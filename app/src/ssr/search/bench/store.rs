//! The SQL of the search benchmark's comparison: the same corpus in PostgreSQL
//! full-text search (a GIN index over a `tsvector` of the `arabic` configuration,
//! ranked by `ts_rank`) and in SQLite FTS5 (`unicode61`, diacritics removed, ranked by
//! BM25). Scratch tables the benchmark makes and drops; nothing of the portal's.

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};

use super::corpus::Doc;
use super::BenchQuery;

const BATCH: usize = 2000;

/// PostgreSQL's full-text search over the corpus.
pub struct PgFts {
    pool: PgPool,
}

impl PgFts {
    /// Connects to `url` and makes an empty `bench_fts` table there.
    pub async fn create(url: &str) -> Result<PgFts, sqlx::Error> {
        let pool = PgPoolOptions::new().max_connections(2).connect(url).await?;
        sqlx::query("DROP TABLE IF EXISTS bench_fts")
            .execute(&pool)
            .await?;
        sqlx::query(
            "CREATE TABLE bench_fts (id BIGINT PRIMARY KEY, consultation INT NOT NULL,
                outcome TEXT NOT NULL, body TEXT NOT NULL, tsv TSVECTOR NOT NULL)",
        )
        .execute(&pool)
        .await?;
        Ok(PgFts { pool })
    }

    /// Loads the documents (their `tsvector` computed by PostgreSQL) and builds the
    /// GIN index.
    pub async fn load(&self, docs: &[Doc]) -> Result<(), sqlx::Error> {
        for chunk in docs.chunks(BATCH) {
            let ids: Vec<i64> = chunk.iter().map(|d| d.id).collect();
            let consultations: Vec<i32> = chunk.iter().map(|d| d.consultation as i32).collect();
            let outcomes: Vec<&str> = chunk.iter().map(|d| d.outcome).collect();
            let bodies: Vec<&str> = chunk.iter().map(|d| d.body.as_str()).collect();
            sqlx::query(
                "INSERT INTO bench_fts (id, consultation, outcome, body, tsv)
                 SELECT id, c, o, b, to_tsvector('arabic', b)
                   FROM UNNEST($1::BIGINT[], $2::INT[], $3::TEXT[], $4::TEXT[]) AS t(id, c, o, b)",
            )
            .bind(&ids)
            .bind(&consultations)
            .bind(&outcomes)
            .bind(&bodies)
            .execute(&self.pool)
            .await?;
        }
        sqlx::query("CREATE INDEX bench_fts_tsv ON bench_fts USING GIN (tsv)")
            .execute(&self.pool)
            .await?;
        sqlx::query("ANALYZE bench_fts").execute(&self.pool).await?;
        Ok(())
    }

    /// The first ten ids by `ts_rank`, and the facet counts by consultation and outcome.
    pub async fn search(&self, q: &BenchQuery) -> Result<Vec<i64>, sqlx::Error> {
        let filter =
            " AND ($2::INT IS NULL OR consultation = $2) AND ($3::TEXT IS NULL OR outcome = $3)";
        let consultation = q.consultation.map(|c| c as i32);
        let top: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM bench_fts, websearch_to_tsquery('arabic', $1) q
              WHERE tsv @@ q{filter} ORDER BY ts_rank(tsv, q) DESC LIMIT 10"
        ))
        .bind(&q.text)
        .bind(consultation)
        .bind(q.outcome.as_deref())
        .fetch_all(&self.pool)
        .await?;
        for facet in ["consultation::TEXT", "outcome"] {
            let _: Vec<(Option<String>, i64)> = sqlx::query_as(&format!(
                "SELECT {facet}, COUNT(*) FROM bench_fts, websearch_to_tsquery('arabic', $1) q
                  WHERE tsv @@ q{filter} GROUP BY 1"
            ))
            .bind(&q.text)
            .bind(consultation)
            .bind(q.outcome.as_deref())
            .fetch_all(&self.pool)
            .await?;
        }
        Ok(top)
    }

    /// The table's size on disk, its index included.
    pub async fn size(&self) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("SELECT pg_total_relation_size('bench_fts')")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub async fn drop_table(self) -> Result<(), sqlx::Error> {
        sqlx::query("DROP TABLE IF EXISTS bench_fts")
            .execute(&self.pool)
            .await?;
        self.pool.close().await;
        Ok(())
    }
}

/// SQLite FTS5 over the corpus, in a file of its own.
pub struct SqliteFts {
    pool: SqlitePool,
}

impl SqliteFts {
    pub async fn create(file: &std::path::Path) -> Result<SqliteFts, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE VIRTUAL TABLE bench_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')",
        )
        .execute(&pool)
        .await?;
        sqlx::query(
            "CREATE TABLE bench_meta (id INTEGER PRIMARY KEY, consultation INTEGER NOT NULL,
                outcome TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        Ok(SqliteFts { pool })
    }

    /// Loads the documents; FTS5 indexes them as they are inserted.
    pub async fn load(&self, docs: &[Doc]) -> Result<(), sqlx::Error> {
        for chunk in docs.chunks(BATCH) {
            let mut tx = self.pool.begin().await?;
            for d in chunk {
                sqlx::query("INSERT INTO bench_fts (rowid, body) VALUES ($1, $2)")
                    .bind(d.id)
                    .bind(&d.body)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO bench_meta (id, consultation, outcome) VALUES ($1, $2, $3)",
                )
                .bind(d.id)
                .bind(d.consultation as i64)
                .bind(d.outcome)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        sqlx::query("INSERT INTO bench_fts (bench_fts) VALUES ('optimize')")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The first ten ids by BM25, and the facet counts by consultation and outcome.
    pub async fn search(&self, q: &BenchQuery) -> Result<Vec<i64>, sqlx::Error> {
        let Some(matching) = fts5_query(&q.text) else {
            return Ok(Vec::new());
        };
        let filter = " AND ($2 IS NULL OR m.consultation = $2) AND ($3 IS NULL OR m.outcome = $3)";
        let consultation = q.consultation.map(|c| c as i64);
        let top: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT f.rowid FROM bench_fts f JOIN bench_meta m ON m.id = f.rowid
              WHERE bench_fts MATCH $1{filter} ORDER BY f.rank LIMIT 10"
        ))
        .bind(&matching)
        .bind(consultation)
        .bind(q.outcome.as_deref())
        .fetch_all(&self.pool)
        .await?;
        for facet in ["m.consultation", "m.outcome"] {
            let _: Vec<(String, i64)> = sqlx::query_as(&format!(
                "SELECT CAST({facet} AS TEXT), COUNT(*) FROM bench_fts f JOIN bench_meta m ON m.id = f.rowid
                  WHERE bench_fts MATCH $1{filter} GROUP BY 1"
            ))
            .bind(&matching)
            .bind(consultation)
            .bind(q.outcome.as_deref())
            .fetch_all(&self.pool)
            .await?;
        }
        Ok(top)
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// The query box's words as an FTS5 query: each word or phrase quoted (so no word is
/// read as an operator), all of them required, `-` ones after `NOT`.
fn fts5_query(text: &str) -> Option<String> {
    let parts = crate::domain::search::parse_words(text).ok()?;
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let wanted: Vec<String> = parts
        .iter()
        .filter(|p| !p.exclude)
        .map(|p| quote(&p.text))
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let mut q = wanted.join(" ");
    for p in parts.iter().filter(|p| p.exclude) {
        q = format!("({q}) NOT {}", quote(&p.text));
    }
    Some(q)
}
