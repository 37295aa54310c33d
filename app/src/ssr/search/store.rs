//! The SQL of search: the outbox of changed searchable text, and the documents the
//! index is made of, read from the database (the index's only source).

use chrono::{DateTime, Utc};

use crate::domain::consultation::ConsultationStatus;
use crate::domain::contribution::ContributionStatus;
use crate::domain::{ConsultationId, ContributionId, LocalizedText};
use crate::ssr::consultations::store::public_sql;
use crate::ssr::db::{on_tx, push_list, stored, with_pool, Db, StoreError, Tx};

/// What an outbox row says changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Changed {
    /// A contribution's text, status or response.
    Contribution(ContributionId),
    /// A consultation's title, summary, versions or visibility.
    Consultation(ConsultationId),
}

impl Changed {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Changed::Contribution(id) => ("contribution", id.0),
            Changed::Consultation(id) => ("consultation", id.0),
        }
    }
}

/// Appends what changed to `search_outbox`, inside the transaction that changed it.
pub async fn queue(tx: &mut Tx, changed: Changed, now: DateTime<Utc>) -> Result<(), StoreError> {
    let (entity, id) = changed.parts();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO search_outbox (entity, entity_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(entity)
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub seq: i64,
    pub changed: Changed,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    entity: String,
    entity_id: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for OutboxRow {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let changed = match r.entity.as_str() {
            "contribution" => Changed::Contribution(ContributionId(r.entity_id)),
            "consultation" => Changed::Consultation(ConsultationId(r.entity_id)),
            other => return Err(StoreError::corrupt("search_outbox", "entity", other)),
        };
        Ok(OutboxRow {
            seq: r.id,
            changed,
            created_at: r.created_at,
        })
    }
}

/// Up to `limit` outbox rows after sequence `after`, in order.
pub async fn rows_after(db: &Db, after: i64, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, entity, entity_id, created_at FROM search_outbox
          WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    rows.into_iter().map(OutboxRow::try_from).collect()
}

/// The outbox rows with these sequence numbers that exist now (a transaction that
/// took its number earlier may commit later).
pub async fn rows_in(db: &Db, seqs: &[i64]) -> Result<Vec<OutboxRow>, StoreError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, entity, entity_id, created_at FROM search_outbox WHERE id IN ",
        );
        push_list(&mut q, seqs);
        q.push(" ORDER BY id");
        q.build_query_as().fetch_all(pool).await
    })?;
    rows.into_iter().map(OutboxRow::try_from).collect()
}

/// The oldest row kept (rows before it may have been pruned).
pub async fn oldest_seq(db: &Db) -> Result<Option<i64>, StoreError> {
    Ok(
        with_pool!(db, pool => sqlx::query_scalar("SELECT MIN(id) FROM search_outbox")
            .fetch_one(pool)
            .await)?,
    )
}

/// Deletes the rows written before `before`, but for the newest of them: it stays as
/// the mark below which rows may be gone, so an index committed further back knows
/// to rebuild rather than miss them. Returns the rows deleted.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let deleted = with_pool!(db, pool => sqlx::query(
        "DELETE FROM search_outbox
          WHERE id < (SELECT MAX(id) FROM search_outbox WHERE created_at < $1)",
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(deleted)
}

/// The highest sequence number written before `before` (0 when none): every
/// transaction that wrote one lower has long finished, so a rebuilt index may start
/// tailing from there.
pub async fn settled_seq(db: &Db, before: DateTime<Utc>) -> Result<i64, StoreError> {
    let seq: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT MAX(id) FROM search_outbox WHERE created_at < $1",
    )
    .bind(before)
    .fetch_one(pool)
    .await)?;
    Ok(seq.unwrap_or(0))
}

// ---------------------------------------------------------------------------------
// Documents

/// A contribution or reply as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionDoc {
    pub id: ContributionId,
    pub root_id: ContributionId,
    pub consultation_id: ConsultationId,
    pub consultation_slug: String,
    pub agency_slug: String,
    pub clause_key: Option<String>,
    pub version: u32,
    pub channel: String,
    /// `individual` or the organisation's kind.
    pub speaker: String,
    /// The response's outcome, `unanswered` without one.
    pub outcome: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Published, in a consultation the public may see.
    pub searchable: bool,
}

#[derive(sqlx::FromRow)]
struct ContributionRow {
    id: i64,
    root_id: Option<i64>,
    consultation_id: i64,
    consultation_slug: String,
    consultation_status: String,
    agency_slug: String,
    clause_key: Option<String>,
    version: i64,
    channel: String,
    org_kind: Option<String>,
    outcome: Option<String>,
    body: String,
    status: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<ContributionRow> for ContributionDoc {
    type Error = StoreError;
    fn try_from(r: ContributionRow) -> Result<Self, StoreError> {
        Ok(ContributionDoc {
            id: ContributionId(r.id),
            root_id: ContributionId(r.root_id.unwrap_or(r.id)),
            consultation_id: ConsultationId(r.consultation_id),
            consultation_slug: r.consultation_slug,
            agency_slug: r.agency_slug,
            clause_key: r.clause_key,
            version: stored("consultation_versions", "number", r.version)?,
            channel: r.channel,
            speaker: r.org_kind.unwrap_or_else(|| "individual".to_owned()),
            outcome: r.outcome.unwrap_or_else(|| "unanswered".to_owned()),
            body: r.body,
            created_at: r.created_at,
            searchable: ContributionStatus::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("contributions", "status", &r.status))?
                == ContributionStatus::Published
                && consultation_status(&r.consultation_status)?.is_public(),
        })
    }
}

fn consultation_status(s: &str) -> Result<ConsultationStatus, StoreError> {
    ConsultationStatus::parse(s).ok_or_else(|| StoreError::corrupt("consultations", "status", s))
}

const CONTRIBUTIONS: &str = "SELECT c.id, c.root_id, c.consultation_id,
           k.slug AS consultation_slug, k.status AS consultation_status,
           a.slug AS agency_slug, c.clause_key, v.number AS version, c.channel, c.org_kind,
           r.outcome, c.body, c.status, c.created_at
      FROM contributions c
      JOIN consultations k ON k.id = c.consultation_id
      JOIN agencies a ON a.id = k.agency_id
      JOIN consultation_versions v ON v.id = c.version_id
      LEFT JOIN response_members m ON m.contribution_id = c.id
      LEFT JOIN agency_responses r ON r.id = m.response_id";

/// These contributions as the index should hold them (those that exist).
pub async fn contributions(
    db: &Db,
    ids: &[ContributionId],
) -> Result<Vec<ContributionDoc>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ContributionRow> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(format!("{CONTRIBUTIONS} WHERE c.id IN "));
        push_list(&mut q, ids);
        q.build_query_as().fetch_all(pool).await
    })?;
    rows.into_iter().map(ContributionDoc::try_from).collect()
}

/// Up to `limit` searchable contributions with ids above `after`, in id order: the
/// whole set a page at a time, for a rebuild.
pub async fn searchable_contributions_after(
    db: &Db,
    after: ContributionId,
    limit: i64,
) -> Result<Vec<ContributionDoc>, StoreError> {
    let sql = format!(
        "{CONTRIBUTIONS} WHERE c.id > $1 AND c.status = 'published' AND {public}
          ORDER BY c.id LIMIT $2",
        public = public_sql("k")
    );
    let rows: Vec<ContributionRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(ContributionDoc::try_from).collect()
}

/// How many contributions a rebuild will index.
pub async fn count_searchable_contributions(db: &Db) -> Result<u64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM contributions c JOIN consultations k ON k.id = c.consultation_id
          WHERE c.status = 'published' AND {}",
        public_sql("k")
    );
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await)?;
    stored("contributions", "count", n)
}

/// A consultation as the index holds it: its own document and its clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationDoc {
    pub id: ConsultationId,
    pub slug: String,
    pub agency_slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub created_at: DateTime<Utc>,
    pub public: bool,
    /// The clauses of every published version (Markdown, as written).
    pub clauses: Vec<ClauseDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseDoc {
    pub id: i64,
    pub version: u32,
    /// Of the latest published version.
    pub latest: bool,
    pub key: String,
    pub text: LocalizedText,
    pub published_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ConsultationRow {
    id: i64,
    slug: String,
    agency_slug: String,
    title_ar: Option<String>,
    title_en: Option<String>,
    summary_ar: Option<String>,
    summary_en: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ClauseRow {
    id: i64,
    number: i64,
    key: String,
    text_ar: Option<String>,
    text_en: Option<String>,
    published_at: DateTime<Utc>,
}

/// The consultation with its published clauses, if it exists.
pub async fn consultation(
    db: &Db,
    id: ConsultationId,
) -> Result<Option<ConsultationDoc>, StoreError> {
    let row: Option<ConsultationRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT c.id, c.slug, a.slug AS agency_slug, c.title_ar, c.title_en, c.summary_ar,
                c.summary_en, c.status, c.created_at
           FROM consultations c JOIN agencies a ON a.id = c.agency_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let clauses: Vec<ClauseRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT k.id, v.number, k.key, k.text_ar, k.text_en, v.published_at
           FROM clauses k JOIN consultation_versions v ON v.id = k.version_id
          WHERE v.consultation_id = $1 AND v.published_at IS NOT NULL
          ORDER BY v.number, k.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await)?;
    let latest = clauses.iter().map(|k| k.number).max();
    let clauses = clauses
        .into_iter()
        .map(|k| {
            Ok(ClauseDoc {
                id: k.id,
                version: stored("consultation_versions", "number", k.number)?,
                latest: Some(k.number) == latest,
                key: k.key,
                text: LocalizedText::new(k.text_ar, k.text_en),
                published_at: k.published_at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(ConsultationDoc {
        id: ConsultationId(row.id),
        slug: row.slug,
        agency_slug: row.agency_slug,
        title: LocalizedText::new(row.title_ar, row.title_en),
        summary: LocalizedText::new(row.summary_ar, row.summary_en),
        created_at: row.created_at,
        public: consultation_status(&row.status)?.is_public(),
        clauses,
    }))
}

/// Every public consultation, for a rebuild.
pub async fn public_consultation_ids(db: &Db) -> Result<Vec<ConsultationId>, StoreError> {
    let sql = format!(
        "SELECT c.id FROM consultations c WHERE {} ORDER BY c.id",
        public_sql("c")
    );
    with_pool!(db, pool => sqlx::query_scalar(&sql).fetch_all(pool).await).map_err(StoreError::from)
}
