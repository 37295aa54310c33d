//! The agency's documented responses to contributions.

use chrono::{DateTime, Utc};

use crate::domain::response::Outcome;
use crate::domain::{ClauseKey, ConsultationId, ContributionId, LocalizedText, VersionId};
use crate::ssr::db::{on_tx, push_list, stored, with_pool, Db, StoreError, Tx};

/// The clause of a later version that changed because of a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub version: u32,
    /// `None`: the version as a whole (no single clause).
    pub clause_key: Option<ClauseKey>,
    /// The clause's number in that version, if it has one.
    pub clause_number: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub contribution_id: ContributionId,
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    pub change: Option<Change>,
    pub responded_at: DateTime<Utc>,
}

/// A response to write (see [`upsert`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    pub contribution_id: ContributionId,
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    /// The version and clause key that changed.
    pub changed_version: Option<VersionId>,
    pub changed_clause: Option<ClauseKey>,
    pub responded_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    contribution_id: ContributionId,
    outcome: String,
    reasons_ar: Option<String>,
    reasons_en: Option<String>,
    changed_version: Option<i64>,
    changed_clause: Option<ClauseKey>,
    clause_number: Option<i64>,
    responded_at: DateTime<Utc>,
}

impl TryFrom<Row> for Response {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let outcome = Outcome::parse(&r.outcome)
            .ok_or_else(|| StoreError::corrupt("responses", "outcome", &r.outcome))?;
        Ok(Response {
            contribution_id: r.contribution_id,
            outcome,
            reasons: LocalizedText::new(r.reasons_ar, r.reasons_en),
            change: match r.changed_version {
                Some(v) => Some(Change {
                    version: stored("responses", "changed_version", v)?,
                    clause_key: r.changed_clause,
                    clause_number: r
                        .clause_number
                        .map(|n| stored("clauses", "number", n))
                        .transpose()?,
                }),
                None => None,
            },
            responded_at: r.responded_at,
        })
    }
}

const SELECT: &str = "SELECT r.contribution_id, r.outcome, r.reasons_ar, r.reasons_en,
           v.number AS changed_version, r.changed_clause, k.number AS clause_number,
           r.responded_at
      FROM responses r
      LEFT JOIN consultation_versions v ON v.id = r.changed_version
      LEFT JOIN clauses k ON k.version_id = r.changed_version AND k.key = r.changed_clause";

/// The responses to these contributions (those that have one).
pub async fn of_contributions(
    db: &Db,
    ids: &[ContributionId],
) -> Result<Vec<Response>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(format!("{SELECT} WHERE r.contribution_id IN "));
        push_list(&mut q, ids);
        q.push(" ORDER BY r.contribution_id");
        q.build_query_as().fetch_all(pool).await
    })?;
    rows.into_iter().map(Response::try_from).collect()
}

/// Every response to the contributions of `consultation`.
pub async fn of_consultation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<Response>, StoreError> {
    let sql = format!(
        "{SELECT} JOIN contributions c ON c.id = r.contribution_id
          WHERE c.consultation_id = $1 ORDER BY r.contribution_id"
    );
    let rows: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(consultation).fetch_all(pool).await)?;
    rows.into_iter().map(Response::try_from).collect()
}

/// Records the agency's response to a contribution, or replaces it (and queues the
/// contribution for the search index, whose outcome filter follows it).
pub async fn upsert(tx: &mut Tx, r: &NewResponse, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO responses (contribution_id, outcome, reasons_ar, reasons_en,
                                changed_version, changed_clause, responded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (contribution_id) DO UPDATE SET
             outcome = excluded.outcome, reasons_ar = excluded.reasons_ar,
             reasons_en = excluded.reasons_en, changed_version = excluded.changed_version,
             changed_clause = excluded.changed_clause, responded_at = excluded.responded_at",
    )
    .bind(r.contribution_id)
    .bind(r.outcome.as_str())
    .bind(&r.reasons.ar)
    .bind(&r.reasons.en)
    .bind(r.changed_version)
    .bind(&r.changed_clause)
    .bind(r.responded_at)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    crate::ssr::contributions::store::queue_for_index(tx, r.contribution_id, now).await
}
