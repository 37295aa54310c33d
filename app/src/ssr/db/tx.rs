//! Consultations with their topics, versions and clauses (and, for imports, their
//! contributions), written in one transaction.
//!
//! Publishing a version, importing a file or saving a draft touches several tables; all
//! of it goes through a [`Tx`], which is either backend's transaction behind one trait,
//! so that the rules above it are written once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::contribution::{ContributionStatus, ReportCategory};
use crate::domain::{ConsultationStatus, LocalizedText, UserId};
use crate::ssr::admin::store::audit::{insert_audit, AuditEntry};
use crate::ssr::consultations::store::{
    ClauseRow, StoredClause, Version, VersionRow, CLAUSE_COLUMNS, VERSION_COLUMNS,
};
use crate::ssr::contributions::store::{insert_contribution, NewContribution, EXPORTED_ID_PREFIX};
use crate::ssr::db::{Db, StoreError};
use crate::ssr::responses::store::NewResponse;

/// Everything about a consultation that is not its draft.
#[derive(Debug, Clone)]
pub struct ConsultationRecord {
    pub slug: String,
    pub agency_id: i64,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    pub contact_email: Option<String>,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
}

/// An agency as an import file describes it.
#[derive(Debug, Clone)]
pub struct AgencyRecord {
    pub slug: String,
    pub name: LocalizedText,
    pub time_zone: String,
    pub website: Option<String>,
}

/// The writes of one unit of work; nothing is kept unless [`Tx::commit`] is called.
#[async_trait]
pub trait Tx: Send {
    /// Creates the topic or brings its names up to date; its id.
    async fn upsert_topic(&mut self, slug: &str, name: &LocalizedText) -> Result<i64, StoreError>;
    async fn upsert_agency(
        &mut self,
        agency: &AgencyRecord,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    async fn agency_id(&mut self, slug: &str) -> Result<Option<i64>, StoreError>;
    async fn consultation_id(&mut self, slug: &str) -> Result<Option<i64>, StoreError>;
    /// Creates the consultation (by slug) or updates it; its id.
    async fn upsert_consultation(
        &mut self,
        c: &ConsultationRecord,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    async fn set_topics(&mut self, consultation: i64, topics: &[i64]) -> Result<(), StoreError>;
    async fn versions(&mut self, consultation: i64) -> Result<Vec<Version>, StoreError>;
    async fn insert_version(
        &mut self,
        consultation: i64,
        number: u32,
        published_at: Option<DateTime<Utc>>,
        change_note: &LocalizedText,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Changes a version that is not published yet; false if it is.
    async fn update_unpublished_version(
        &mut self,
        version: i64,
        published_at: Option<DateTime<Utc>>,
        change_note: &LocalizedText,
    ) -> Result<bool, StoreError>;
    async fn clauses(&mut self, version: i64) -> Result<Vec<StoredClause>, StoreError>;
    /// Replaces all clauses of a version, in order.
    async fn replace_clauses(
        &mut self,
        version: i64,
        clauses: &[StoredClause],
    ) -> Result<(), StoreError>;
    async fn audit(&mut self, entry: &AuditEntry, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// The contribution of `consultation` that an exchange file calls `external_id`:
    /// one imported under that id, or — for `shura-{n}`, the id an export gives a
    /// contribution posted here — contribution `n`, if it was written at `created_at`.
    async fn contribution_by_external(
        &mut self,
        consultation: i64,
        external_id: &str,
        created_at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
    /// A record of someone who took part without an account (at a workshop, by
    /// letter): their name, no address, no way to sign in, no mail. `None` when the
    /// name is not known: the record is then shown as a deleted participant.
    async fn participant_record(
        &mut self,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError>;
    async fn insert_contribution(
        &mut self,
        new: &NewContribution,
        created_at: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Puts an imported contribution in the state the file gives: hidden under a rule
    /// (its text kept for an appeal), or withdrawn (no text).
    async fn set_contribution_state(
        &mut self,
        id: i64,
        status: ContributionStatus,
        hidden_category: Option<ReportCategory>,
    ) -> Result<(), StoreError>;
    /// Records the agency's response to a contribution, or replaces it.
    async fn upsert_response(&mut self, r: &NewResponse) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Starts a unit of work on either backend.
pub async fn begin(db: &Db) -> Result<Box<dyn Tx>, StoreError> {
    Ok(match db {
        Db::Sqlite(pool) => Box::new(pool.begin().await?),
        Db::Postgres(pool) => Box::new(pool.begin().await?),
    })
}

fn consultation_conflict(e: sqlx::Error) -> StoreError {
    StoreError::on_constraint(e, "slug", "agency")
}

macro_rules! impl_tx {
    ($backend:ty) => {
        #[async_trait]
        impl Tx for sqlx::Transaction<'static, $backend> {
            async fn upsert_topic(
                &mut self,
                slug: &str,
                name: &LocalizedText,
            ) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO topics (slug, name_ar, name_en) VALUES ($1, $2, $3)
                     ON CONFLICT (slug) DO UPDATE SET name_ar = excluded.name_ar,
                                                      name_en = excluded.name_en
                     RETURNING id",
                )
                .bind(slug)
                .bind(&name.ar)
                .bind(&name.en)
                .fetch_one(&mut **self)
                .await?)
            }

            async fn upsert_agency(
                &mut self,
                a: &AgencyRecord,
                now: DateTime<Utc>,
            ) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO agencies (slug, name_ar, name_en, time_zone, website, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (slug) DO UPDATE SET name_ar = excluded.name_ar,
                        name_en = excluded.name_en, time_zone = excluded.time_zone,
                        website = excluded.website
                     RETURNING id",
                )
                .bind(&a.slug)
                .bind(&a.name.ar)
                .bind(&a.name.en)
                .bind(&a.time_zone)
                .bind(&a.website)
                .bind(now)
                .fetch_one(&mut **self)
                .await?)
            }

            async fn agency_id(&mut self, slug: &str) -> Result<Option<i64>, StoreError> {
                Ok(sqlx::query_scalar("SELECT id FROM agencies WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&mut **self)
                    .await?)
            }

            async fn consultation_id(&mut self, slug: &str) -> Result<Option<i64>, StoreError> {
                Ok(
                    sqlx::query_scalar("SELECT id FROM consultations WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&mut **self)
                        .await?,
                )
            }

            async fn upsert_consultation(
                &mut self,
                c: &ConsultationRecord,
                now: DateTime<Utc>,
            ) -> Result<i64, StoreError> {
                sqlx::query_scalar(
                    "INSERT INTO consultations
                       (slug, agency_id, title_ar, title_en, summary_ar, summary_en,
                        audience_ar, audience_en, contact_email, status, opens_at, closes_at,
                        concluded_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                     ON CONFLICT (slug) DO UPDATE SET agency_id = excluded.agency_id,
                        title_ar = excluded.title_ar, title_en = excluded.title_en,
                        summary_ar = excluded.summary_ar, summary_en = excluded.summary_en,
                        audience_ar = excluded.audience_ar, audience_en = excluded.audience_en,
                        contact_email = excluded.contact_email, status = excluded.status,
                        opens_at = excluded.opens_at, closes_at = excluded.closes_at,
                        concluded_at = excluded.concluded_at
                     RETURNING id",
                )
                .bind(&c.slug)
                .bind(c.agency_id)
                .bind(&c.title.ar)
                .bind(&c.title.en)
                .bind(&c.summary.ar)
                .bind(&c.summary.en)
                .bind(&c.audience.ar)
                .bind(&c.audience.en)
                .bind(&c.contact_email)
                .bind(c.status.as_str())
                .bind(c.opens_at)
                .bind(c.closes_at)
                .bind(c.concluded_at)
                .bind(now)
                .fetch_one(&mut **self)
                .await
                .map_err(consultation_conflict)
            }

            async fn set_topics(
                &mut self,
                consultation: i64,
                topics: &[i64],
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM consultation_topics WHERE consultation_id = $1")
                    .bind(consultation)
                    .execute(&mut **self)
                    .await?;
                for topic in topics {
                    sqlx::query(
                        "INSERT INTO consultation_topics (consultation_id, topic_id)
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(consultation)
                    .bind(topic)
                    .execute(&mut **self)
                    .await?;
                }
                Ok(())
            }

            async fn versions(&mut self, consultation: i64) -> Result<Vec<Version>, StoreError> {
                let sql = format!(
                    "SELECT {VERSION_COLUMNS} FROM consultation_versions
                      WHERE consultation_id = $1 ORDER BY number"
                );
                let rows: Vec<VersionRow> = sqlx::query_as(&sql)
                    .bind(consultation)
                    .fetch_all(&mut **self)
                    .await?;
                Ok(rows.into_iter().map(Version::from).collect())
            }

            async fn insert_version(
                &mut self,
                consultation: i64,
                number: u32,
                published_at: Option<DateTime<Utc>>,
                note: &LocalizedText,
                now: DateTime<Utc>,
            ) -> Result<i64, StoreError> {
                sqlx::query_scalar(
                    "INSERT INTO consultation_versions
                       (consultation_id, number, published_at, change_note_ar, change_note_en,
                        created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(consultation)
                .bind(i64::from(number))
                .bind(published_at)
                .bind(&note.ar)
                .bind(&note.en)
                .bind(now)
                .fetch_one(&mut **self)
                .await
                .map_err(|e| StoreError::on_constraint(e, "version", "consultation"))
            }

            async fn update_unpublished_version(
                &mut self,
                version: i64,
                published_at: Option<DateTime<Utc>>,
                note: &LocalizedText,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE consultation_versions
                        SET published_at = $1, change_note_ar = $2, change_note_en = $3
                      WHERE id = $4 AND published_at IS NULL",
                )
                .bind(published_at)
                .bind(&note.ar)
                .bind(&note.en)
                .bind(version)
                .execute(&mut **self)
                .await?
                .rows_affected();
                Ok(done == 1)
            }

            async fn clauses(&mut self, version: i64) -> Result<Vec<StoredClause>, StoreError> {
                let sql = format!(
                    "SELECT {CLAUSE_COLUMNS} FROM clauses WHERE version_id = $1 ORDER BY position"
                );
                let rows: Vec<ClauseRow> = sqlx::query_as(&sql)
                    .bind(version)
                    .fetch_all(&mut **self)
                    .await?;
                rows.into_iter().map(StoredClause::try_from).collect()
            }

            async fn replace_clauses(
                &mut self,
                version: i64,
                clauses: &[StoredClause],
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM clauses WHERE version_id = $1")
                    .bind(version)
                    .execute(&mut **self)
                    .await?;
                for (position, c) in clauses.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO clauses (version_id, key, position, kind, level, number,
                                              text_ar, text_en, html_ar, html_en)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(version)
                    .bind(&c.key)
                    .bind(i64::try_from(position).unwrap_or(i64::MAX))
                    .bind(c.kind.as_str())
                    .bind(i64::from(c.level))
                    .bind(c.number.map(i64::from))
                    .bind(&c.text.ar)
                    .bind(&c.text.en)
                    .bind(&c.html.ar)
                    .bind(&c.html.en)
                    .execute(&mut **self)
                    .await
                    .map_err(|e| StoreError::on_constraint(e, "key", "version"))?;
                }
                Ok(())
            }

            async fn audit(
                &mut self,
                entry: &AuditEntry,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                insert_audit!(&mut **self, entry, now)?;
                Ok(())
            }

            async fn contribution_by_external(
                &mut self,
                consultation: i64,
                external_id: &str,
                created_at: DateTime<Utc>,
            ) -> Result<Option<i64>, StoreError> {
                let imported: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM contributions WHERE consultation_id = $1 AND external_id = $2",
                )
                .bind(consultation)
                .bind(external_id)
                .fetch_optional(&mut **self)
                .await?;
                if imported.is_some() {
                    return Ok(imported);
                }
                let Some(n) = external_id
                    .strip_prefix(EXPORTED_ID_PREFIX)
                    .and_then(|n| n.parse::<i64>().ok())
                else {
                    return Ok(None);
                };
                let posted: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT id, created_at FROM contributions
                      WHERE id = $1 AND consultation_id = $2 AND external_id IS NULL",
                )
                .bind(n)
                .bind(consultation)
                .fetch_optional(&mut **self)
                .await?;
                Ok(posted
                    .filter(|(_, at)| at.timestamp() == created_at.timestamp())
                    .map(|(id, _)| id))
            }

            async fn participant_record(
                &mut self,
                name: Option<&str>,
                now: DateTime<Utc>,
            ) -> Result<UserId, StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (email, display_name, password_hash, terms_version,
                                        terms_accepted_at, created_at, deleted_at, notify_mode)
                     VALUES (NULL, $1, NULL, 'none: no account', $2, $2, $3, 'off') RETURNING id",
                )
                .bind(name.unwrap_or(""))
                .bind(now)
                .bind(name.is_none().then_some(now))
                .fetch_one(&mut **self)
                .await?;
                Ok(UserId(id))
            }

            async fn insert_contribution(
                &mut self,
                new: &NewContribution,
                created_at: DateTime<Utc>,
            ) -> Result<i64, StoreError> {
                Ok(insert_contribution!(self, new, created_at).await?)
            }

            async fn set_contribution_state(
                &mut self,
                id: i64,
                status: ContributionStatus,
                hidden_category: Option<ReportCategory>,
            ) -> Result<(), StoreError> {
                let withdrawn = status == ContributionStatus::Withdrawn;
                sqlx::query(
                    "UPDATE contributions SET status = $1, hidden_category = $2,
                            body = CASE WHEN $3 THEN '' ELSE body END
                      WHERE id = $4",
                )
                .bind(status.as_str())
                .bind(hidden_category.map(ReportCategory::as_str))
                .bind(withdrawn)
                .bind(id)
                .execute(&mut **self)
                .await?;
                Ok(())
            }

            async fn upsert_response(&mut self, r: &NewResponse) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO responses (contribution_id, outcome, reasons_ar, reasons_en,
                                            changed_version, changed_clause, responded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (contribution_id) DO UPDATE SET
                         outcome = excluded.outcome, reasons_ar = excluded.reasons_ar,
                         reasons_en = excluded.reasons_en,
                         changed_version = excluded.changed_version,
                         changed_clause = excluded.changed_clause,
                         responded_at = excluded.responded_at",
                )
                .bind(r.contribution_id)
                .bind(r.outcome.as_str())
                .bind(&r.reasons.ar)
                .bind(&r.reasons.en)
                .bind(r.changed_version)
                .bind(&r.changed_clause)
                .bind(r.responded_at)
                .execute(&mut **self)
                .await?;
                Ok(())
            }

            async fn commit(self: Box<Self>) -> Result<(), StoreError> {
                (*self).commit().await?;
                Ok(())
            }
        }
    };
}

impl_tx!(sqlx::Sqlite);
impl_tx!(sqlx::Postgres);
