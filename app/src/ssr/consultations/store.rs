//! Consultations: a draft put out for comment by an agency, with its comment period.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::draft::ClauseKind;
use crate::domain::{
    AgencyId, ClauseKey, ConsultationCard, ConsultationId, ConsultationStatus, ListQuery,
    LocalizedText, Page, VersionId,
};
use crate::ssr::db::{on_tx, push_list, stored, with_pool, Db, StoreError, Tx};
use crate::ssr::search::store::{self as search, Changed};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub slug: String,
    pub agency_id: AgencyId,
    pub agency_slug: String,
    pub agency_name: LocalizedText,
    pub agency_time_zone: String,
    /// The agency's promise: every contribution answered within this many days after
    /// the comment period closes.
    pub response_target_days: u32,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    pub contact_email: Option<String>,
    /// As stored; see [`Consultation::status_at`] for the status at a given time.
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Consultation {
    pub fn status_at(&self, now: DateTime<Utc>) -> ConsultationStatus {
        self.status.at(self.opens_at, self.closes_at, now)
    }

    pub fn is_public(&self) -> bool {
        self.status.is_public()
    }
}

#[derive(sqlx::FromRow)]
struct ConsultationRow {
    id: i64,
    slug: String,
    agency_id: i64,
    agency_slug: String,
    agency_name_ar: Option<String>,
    agency_name_en: Option<String>,
    agency_time_zone: String,
    response_target_days: i64,
    title_ar: Option<String>,
    title_en: Option<String>,
    summary_ar: Option<String>,
    summary_en: Option<String>,
    audience_ar: Option<String>,
    audience_en: Option<String>,
    contact_email: Option<String>,
    status: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    concluded_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

fn parse_status(s: &str) -> Result<ConsultationStatus, StoreError> {
    ConsultationStatus::parse(s).ok_or_else(|| StoreError::corrupt("consultations", "status", s))
}

impl TryFrom<ConsultationRow> for Consultation {
    type Error = StoreError;
    fn try_from(r: ConsultationRow) -> Result<Self, StoreError> {
        Ok(Consultation {
            id: ConsultationId(r.id),
            slug: r.slug,
            agency_id: AgencyId(r.agency_id),
            agency_slug: r.agency_slug,
            agency_name: LocalizedText::new(r.agency_name_ar, r.agency_name_en),
            agency_time_zone: r.agency_time_zone,
            response_target_days: stored(
                "agencies",
                "response_target_days",
                r.response_target_days,
            )?,
            title: LocalizedText::new(r.title_ar, r.title_en),
            summary: LocalizedText::new(r.summary_ar, r.summary_en),
            audience: LocalizedText::new(r.audience_ar, r.audience_en),
            contact_email: r.contact_email,
            status: parse_status(&r.status)?,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            concluded_at: r.concluded_at,
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.slug, c.agency_id, a.slug AS agency_slug,
           a.name_ar AS agency_name_ar, a.name_en AS agency_name_en,
           a.time_zone AS agency_time_zone, a.response_target_days, c.title_ar, c.title_en, c.summary_ar,
           c.summary_en, c.audience_ar, c.audience_en, c.contact_email, c.status,
           c.opens_at, c.closes_at, c.concluded_at, c.created_at
      FROM consultations c JOIN agencies a ON a.id = c.agency_id";

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Consultation>, StoreError> {
    let sql = format!("{SELECT} WHERE c.slug = $1");
    let row: Option<ConsultationRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await)?;
    row.map(Consultation::try_from).transpose()
}

/// The consultation with this slug, if the public may see it.
pub async fn public_by_slug(db: &Db, slug: &str) -> Result<Option<Consultation>, StoreError> {
    Ok(by_slug(db, slug).await?.filter(Consultation::is_public))
}

/// The SQL form of [`Consultation::is_public`] for the consultations table under `alias`.
pub fn public_sql(alias: &str) -> String {
    format!("{alias}.status <> 'draft'")
}

/// What a page needs to name a consultation it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationLabel {
    pub slug: String,
    pub title: LocalizedText,
    pub agency_time_zone: String,
}

/// The labels of the public consultations among these slugs, in one query.
pub async fn public_labels(
    db: &Db,
    slugs: &[String],
) -> Result<Vec<ConsultationLabel>, StoreError> {
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let rows: Vec<(String, Option<String>, Option<String>, String)> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT c.slug, c.title_ar, c.title_en, a.time_zone
               FROM consultations c JOIN agencies a ON a.id = c.agency_id WHERE ",
        );
        q.push(public_sql("c"));
        q.push(" AND c.slug IN ");
        push_list(&mut q, &slugs);
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(slug, ar, en, agency_time_zone)| ConsultationLabel {
            slug,
            title: LocalizedText::new(ar, en),
            agency_time_zone,
        })
        .collect())
}

/// A clause's number in one version of a public consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseNumber {
    pub slug: String,
    pub key: String,
    pub version: u32,
    pub number: u32,
}

/// The numbers of the clauses of every version of these public consultations, in one
/// query, oldest version first (a clause may be renumbered from one to the next).
pub async fn clause_numbers(db: &Db, slugs: &[String]) -> Result<Vec<ClauseNumber>, StoreError> {
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let rows: Vec<(String, String, i64, i64)> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT c.slug, k.key, v.number, k.number FROM clauses k
               JOIN consultation_versions v ON v.id = k.version_id
               JOIN consultations c ON c.id = v.consultation_id
              WHERE k.number IS NOT NULL AND ",
        );
        q.push(public_sql("c"));
        q.push(" AND c.slug IN ");
        push_list(&mut q, &slugs);
        q.push(" ORDER BY v.number");
        q.build_query_as().fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|(slug, key, version, number)| {
            Ok(ClauseNumber {
                slug,
                key,
                version: stored("consultation_versions", "number", version)?,
                number: stored("clauses", "number", number)?,
            })
        })
        .collect()
}

pub async fn by_id(db: &Db, id: ConsultationId) -> Result<Option<Consultation>, StoreError> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row: Option<ConsultationRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(Consultation::try_from).transpose()
}

/// Public consultations whose period ends after `from` and no later than `to`.
pub async fn closing_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Consultation>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE c.status IN ('scheduled', 'open') AND c.closes_at > $1 AND c.closes_at <= $2
          ORDER BY c.id"
    );
    let rows: Vec<ConsultationRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Consultation::try_from).collect()
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM consultations")
        .fetch_one(pool)
        .await)?;
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    slug: String,
    title_ar: Option<String>,
    title_en: Option<String>,
    summary_ar: Option<String>,
    summary_en: Option<String>,
    agency_slug: String,
    agency_name_ar: Option<String>,
    agency_name_en: Option<String>,
    status: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    time_zone: String,
}

const CARD_SELECT: &str = "SELECT c.id, c.slug, c.title_ar, c.title_en, c.summary_ar, c.summary_en,
                                  a.slug AS agency_slug, a.name_ar AS agency_name_ar, a.name_en AS agency_name_en,
                                  c.status, c.opens_at, c.closes_at, a.time_zone
                             FROM consultations c JOIN agencies a ON a.id = c.agency_id";

fn cards(rows: Vec<CardRow>, now: DateTime<Utc>) -> Result<Vec<ConsultationCard>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok(ConsultationCard {
                id: ConsultationId(r.id),
                slug: r.slug,
                title: LocalizedText::new(r.title_ar, r.title_en),
                summary: LocalizedText::new(r.summary_ar, r.summary_en),
                agency_slug: r.agency_slug,
                agency_name: LocalizedText::new(r.agency_name_ar, r.agency_name_en),
                status: parse_status(&r.status)?.at(r.opens_at, r.closes_at, now),
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                time_zone: r.time_zone,
                date: None,
            })
        })
        .collect()
}

/// SQL for "the status at $1 is `status`", the stored status being possibly behind the
/// clock (see [`ConsultationStatus::at`]).
/// The SQL for "consultation `c` is in `status` at `{now}`": the rule of
/// [`ConsultationStatus::at`], for lists that filter in the database.
fn status_condition(status: ConsultationStatus) -> &'static str {
    match status {
        ConsultationStatus::Draft => "c.status = 'draft'",
        ConsultationStatus::Scheduled => {
            "c.status IN ('scheduled', 'open') AND c.opens_at > {now} AND c.closes_at > {now}"
        }
        ConsultationStatus::Open => {
            "c.status IN ('scheduled', 'open') AND c.opens_at <= {now} AND c.closes_at > {now}"
        }
        ConsultationStatus::Closed => {
            "(c.status = 'closed' OR (c.status IN ('scheduled', 'open') AND c.closes_at <= {now}))"
        }
        ConsultationStatus::Concluded => "c.status = 'concluded'",
    }
}

/// Appends `condition`, binding `now` wherever it says `{now}`.
fn push_at<'args, DB: sqlx::Database>(
    q: &mut sqlx::QueryBuilder<'args, DB>,
    condition: &str,
    now: DateTime<Utc>,
) where
    DateTime<Utc>: 'args + sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    let mut parts = condition.split("{now}");
    if let Some(first) = parts.next() {
        q.push(first);
    }
    for part in parts {
        q.push_bind(now).push(part);
    }
}

/// Consultations whose comment period contains `now`, closing soonest first.
pub async fn list_open(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ConsultationCard>, StoreError> {
    let sql = format!(
        "{CARD_SELECT} WHERE {} ORDER BY c.closes_at, c.id LIMIT $2",
        status_condition(ConsultationStatus::Open).replace("{now}", "$1")
    );
    let rows: Vec<CardRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    cards(rows, now)
}

/// Concluded consultations, most recently concluded first.
pub async fn recently_concluded(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ConsultationCard>, StoreError> {
    let sql = format!(
        "{CARD_SELECT} WHERE c.status = 'concluded'
          ORDER BY COALESCE(c.concluded_at, c.closes_at) DESC, c.id DESC LIMIT $1"
    );
    let rows: Vec<CardRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    cards(rows, now)
}

/// A public consultation as a feed announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub agency_name: LocalizedText,
    /// When its first version was published: when it became public.
    pub published_at: DateTime<Utc>,
    /// When its latest version was published.
    pub updated_at: DateTime<Utc>,
}

/// The `limit` consultations made public last, latest first.
pub async fn latest_public(db: &Db, limit: u32) -> Result<Vec<Announced>, StoreError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let sql = format!(
        "SELECT c.slug, c.title_ar, c.title_en, c.summary_ar, c.summary_en, a.name_ar,
                a.name_en, MIN(v.published_at), MAX(v.published_at)
           FROM consultations c
           JOIN agencies a ON a.id = c.agency_id
           JOIN consultation_versions v ON v.consultation_id = c.id
          WHERE {} AND v.published_at IS NOT NULL
          GROUP BY c.id, c.slug, c.title_ar, c.title_en, c.summary_ar, c.summary_en,
                   a.name_ar, a.name_en
          ORDER BY MIN(v.published_at) DESC, c.id DESC LIMIT $1",
        public_sql("c")
    );
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(
            |(slug, t_ar, t_en, s_ar, s_en, a_ar, a_en, first, last)| Announced {
                slug,
                title: LocalizedText::new(t_ar, t_en),
                summary: LocalizedText::new(s_ar, s_en),
                agency_name: LocalizedText::new(a_ar, a_en),
                published_at: first,
                updated_at: last,
            },
        )
        .collect())
}

/// Every consultation of an agency, newest comment period first; drafts only when
/// `with_drafts` (for the agency's own staff).
pub async fn of_agency(
    db: &Db,
    agency: AgencyId,
    with_drafts: bool,
    now: DateTime<Utc>,
) -> Result<Vec<ConsultationCard>, StoreError> {
    let sql = format!(
        "{CARD_SELECT} WHERE c.agency_id = $1 AND ({public} OR $2)
          ORDER BY c.opens_at DESC, c.id DESC",
        public = public_sql("c")
    );
    let rows: Vec<CardRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(agency.0)
        .bind(with_drafts)
        .fetch_all(pool)
        .await)?;
    cards(rows, now)
}

/// One page of the public list (never drafts), newest comment period first.
pub async fn list(
    db: &Db,
    query: &ListQuery,
    now: DateTime<Utc>,
    per_page: u32,
) -> Result<Page<ConsultationCard>, StoreError> {
    let page = query.page.max(1);
    let offset = i64::from(page - 1) * i64::from(per_page);
    // The same filter for the count and the page.
    macro_rules! matching {
        ($q:expr) => {{
            $q.push(" WHERE ");
            $q.push(public_sql("c"));
            if let Some(status) = query.status {
                $q.push(" AND ");
                push_at(&mut $q, status_condition(status), now);
            }
            if let Some(agency) = &query.agency {
                $q.push(" AND a.slug = ").push_bind(agency);
            }
            if let Some(topic) = &query.topic {
                $q.push(
                    " AND EXISTS (SELECT 1 FROM consultation_topics ct
                                   JOIN topics t ON t.id = ct.topic_id
                                  WHERE ct.consultation_id = c.id AND t.slug = ",
                )
                .push_bind(topic)
                .push(")");
            }
        }};
    }
    let (total, rows): (i64, Vec<CardRow>) = with_pool!(db, pool => {
        let mut count = sqlx::QueryBuilder::new(
            "SELECT COUNT(*) FROM consultations c JOIN agencies a ON a.id = c.agency_id",
        );
        matching!(count);
        let total = count.build_query_scalar().fetch_one(pool).await?;
        let mut list = sqlx::QueryBuilder::new(CARD_SELECT);
        matching!(list);
        list.push(" ORDER BY c.opens_at DESC, c.id DESC LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = list.build_query_as().fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((total, rows))
    })?;
    Ok(Page {
        items: cards(rows, now)?,
        page,
        per_page,
        total: stored("consultations", "count", total)?,
    })
}

/// Writes down the status changes the clock has made (see [`ConsultationStatus::at`]):
/// scheduled consultations whose period began are open, those whose period ended are
/// closed. Returns how many changed. Reads never depend on this having run.
pub async fn advance_by_clock(db: &Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let close = "UPDATE consultations SET status = 'closed'
                  WHERE status IN ('scheduled', 'open') AND closes_at <= $1";
    let open = "UPDATE consultations SET status = 'open'
                 WHERE status = 'scheduled' AND opens_at <= $1 AND closes_at > $1";
    let n = with_pool!(db, pool => {
        let closed = sqlx::query(close).bind(now).execute(pool).await?.rows_affected();
        let opened = sqlx::query(open).bind(now).execute(pool).await?.rows_affected();
        Ok::<_, sqlx::Error>(closed + opened)
    })?;
    Ok(n)
}

/// A clause as stored in a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClause {
    pub key: ClauseKey,
    pub kind: ClauseKind,
    pub level: u8,
    pub number: Option<u32>,
    /// Markdown as written.
    pub text: LocalizedText,
    /// Sanitised HTML rendered from `text`.
    pub html: LocalizedText,
}

/// A version of a consultation's draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: VersionId,
    pub number: u32,
    /// `None` while the consultation is being prepared: the version is still editable.
    pub published_at: Option<DateTime<Utc>>,
    pub change_note: LocalizedText,
    pub created_at: DateTime<Utc>,
}

impl Version {
    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }
}

/// The versions a reader may see: all of them for the agency's staff (`staff`), the
/// published ones for everyone else.
pub fn visible_versions(versions: Vec<Version>, staff: bool) -> Vec<Version> {
    versions
        .into_iter()
        .filter(|v| staff || v.is_published())
        .collect()
}

/// The latest published version: the one people comment on.
pub fn latest_published(versions: &[Version]) -> Option<&Version> {
    versions.iter().rev().find(|v| v.is_published())
}

/// A topic consultations are filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: i64,
    pub slug: String,
    pub name: LocalizedText,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: VersionId,
    number: i64,
    published_at: Option<DateTime<Utc>>,
    change_note_ar: Option<String>,
    change_note_en: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<VersionRow> for Version {
    type Error = StoreError;
    fn try_from(r: VersionRow) -> Result<Self, StoreError> {
        Ok(Version {
            id: r.id,
            number: stored("consultation_versions", "number", r.number)?,
            published_at: r.published_at,
            change_note: LocalizedText::new(r.change_note_ar, r.change_note_en),
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ClauseRow {
    key: ClauseKey,
    kind: String,
    level: i64,
    number: Option<i64>,
    text_ar: Option<String>,
    text_en: Option<String>,
    html_ar: Option<String>,
    html_en: Option<String>,
}

impl TryFrom<ClauseRow> for StoredClause {
    type Error = StoreError;
    fn try_from(r: ClauseRow) -> Result<Self, StoreError> {
        let kind = ClauseKind::parse(&r.kind)
            .ok_or_else(|| StoreError::corrupt("clauses", "kind", &r.kind))?;
        Ok(StoredClause {
            key: r.key,
            kind,
            level: stored("clauses", "level", r.level)?,
            number: r
                .number
                .map(|n| stored("clauses", "number", n))
                .transpose()?,
            text: LocalizedText {
                ar: r.text_ar,
                en: r.text_en,
            },
            html: LocalizedText {
                ar: r.html_ar,
                en: r.html_en,
            },
        })
    }
}

const VERSION_COLUMNS: &str =
    "id, number, published_at, change_note_ar, change_note_en, created_at";
const CLAUSE_COLUMNS: &str = "key, kind, level, number, text_ar, text_en, html_ar, html_en";

fn versions_sql() -> String {
    format!(
        "SELECT {VERSION_COLUMNS} FROM consultation_versions
          WHERE consultation_id = $1 ORDER BY number"
    )
}

fn clauses_sql() -> String {
    format!("SELECT {CLAUSE_COLUMNS} FROM clauses WHERE version_id = $1 ORDER BY position")
}

/// The versions of a consultation, oldest first.
pub async fn versions(db: &Db, consultation: ConsultationId) -> Result<Vec<Version>, StoreError> {
    let rows: Vec<VersionRow> = with_pool!(db, pool => sqlx::query_as(&versions_sql())
        .bind(consultation)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Version::try_from).collect()
}

/// The clauses of a version, in order.
pub async fn clauses(db: &Db, version: VersionId) -> Result<Vec<StoredClause>, StoreError> {
    let rows: Vec<ClauseRow> = with_pool!(db, pool => sqlx::query_as(&clauses_sql())
        .bind(version)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(StoredClause::try_from).collect()
}

type TopicRow = (i64, String, Option<String>, Option<String>);

impl From<TopicRow> for Topic {
    fn from((id, slug, ar, en): TopicRow) -> Self {
        Topic {
            id,
            slug,
            name: LocalizedText { ar, en },
        }
    }
}

/// All topics, by slug.
pub async fn topics(db: &Db) -> Result<Vec<Topic>, StoreError> {
    let rows: Vec<TopicRow> = with_pool!(db, pool =>
        sqlx::query_as("SELECT id, slug, name_ar, name_en FROM topics ORDER BY slug")
            .fetch_all(pool)
            .await)?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// The topics of one consultation.
pub async fn topics_of(db: &Db, consultation: ConsultationId) -> Result<Vec<Topic>, StoreError> {
    let rows: Vec<TopicRow> = with_pool!(db, pool =>
        sqlx::query_as(
            "SELECT t.id, t.slug, t.name_ar, t.name_en
               FROM topics t JOIN consultation_topics ct ON ct.topic_id = t.id
              WHERE ct.consultation_id = $1 ORDER BY t.slug")
            .bind(consultation)
            .fetch_all(pool)
            .await)?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

// Writes of a consultation's draft, inside a transaction: publishing and importing
// touch several tables at once.

/// Everything about a consultation that is not its draft.
#[derive(Debug, Clone)]
pub struct ConsultationRecord {
    pub slug: String,
    pub agency_id: AgencyId,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    pub contact_email: Option<String>,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
}

/// Marks `tx` as a bulk import. On PostgreSQL the stamp triggers leave the threads
/// stamp alone inside it (migration 20), and the import moves each consultation's
/// stamp once with [`touch_threads`]; and every statement is planned for its values:
/// the tables an import fills start empty to the planner, and after a few runs a
/// generic plan found each contribution by its external id by scanning the whole
/// consultation (measured: most of an import's time). SQLite's triggers cost the same
/// every time and it plans each statement for its values already.
pub async fn begin_bulk_import(tx: &mut Tx) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(_) => Ok(()),
        Tx::Postgres(tx) => {
            for setting in [
                "SET LOCAL shura.bulk_import = 'on'",
                "SET LOCAL plan_cache_mode = force_custom_plan",
            ] {
                sqlx::query(setting).execute(&mut **tx).await?;
            }
            Ok(())
        }
    }
}

/// Moves the threads stamp of `consultation` on, inside `tx`: its readers' open pages
/// fetch the threads again.
pub async fn touch_threads(tx: &mut Tx, consultation: ConsultationId) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE consultations SET threads_stamp = threads_stamp + 1 WHERE id = $1",
    )
    .bind(consultation)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// The id of the consultation with this slug, seen from inside `tx`.
pub async fn id_of(tx: &mut Tx, slug: &str) -> Result<Option<ConsultationId>, StoreError> {
    let id = on_tx!(tx, conn => sqlx::query_scalar("SELECT id FROM consultations WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await)?;
    Ok(id)
}

/// Creates the consultation (by slug) or updates it; its id.
pub async fn upsert(
    tx: &mut Tx,
    c: &ConsultationRecord,
    now: DateTime<Utc>,
) -> Result<ConsultationId, StoreError> {
    let id = on_tx!(tx, conn => sqlx::query_scalar(
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
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_constraint(e, "slug", "agency"))?;
    // Every change to a consultation (details, versions, status) comes through here:
    // the search index takes its title, summary and clauses again.
    search::queue(tx, Changed::Consultation(id), now).await?;
    Ok(id)
}

/// Creates the topic or brings its names up to date; its id.
pub async fn upsert_topic(
    tx: &mut Tx,
    slug: &str,
    name: &LocalizedText,
) -> Result<i64, StoreError> {
    let id = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO topics (slug, name_ar, name_en) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO UPDATE SET name_ar = excluded.name_ar, name_en = excluded.name_en
         RETURNING id",
    )
    .bind(slug)
    .bind(&name.ar)
    .bind(&name.en)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(id)
}

/// Files the consultation under exactly these topics.
pub async fn set_topics(
    tx: &mut Tx,
    consultation: ConsultationId,
    topics: &[i64],
) -> Result<(), StoreError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM consultation_topics WHERE consultation_id = $1")
            .bind(consultation)
            .execute(&mut *conn)
            .await?;
        for topic in topics {
            sqlx::query(
                "INSERT INTO consultation_topics (consultation_id, topic_id)
                 VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(consultation)
            .bind(topic)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    })?;
    Ok(())
}

/// [`versions`], seen from inside `tx`.
pub async fn versions_in(
    tx: &mut Tx,
    consultation: ConsultationId,
) -> Result<Vec<Version>, StoreError> {
    let rows: Vec<VersionRow> = on_tx!(tx, conn => sqlx::query_as(&versions_sql())
        .bind(consultation)
        .fetch_all(&mut *conn)
        .await)?;
    rows.into_iter().map(Version::try_from).collect()
}

/// [`clauses`], seen from inside `tx`.
pub async fn clauses_in(tx: &mut Tx, version: VersionId) -> Result<Vec<StoredClause>, StoreError> {
    let rows: Vec<ClauseRow> = on_tx!(tx, conn => sqlx::query_as(&clauses_sql())
        .bind(version)
        .fetch_all(&mut *conn)
        .await)?;
    rows.into_iter().map(StoredClause::try_from).collect()
}

/// Adds version `number` of a consultation; its id.
pub async fn insert_version(
    tx: &mut Tx,
    consultation: ConsultationId,
    number: u32,
    published_at: Option<DateTime<Utc>>,
    note: &LocalizedText,
    now: DateTime<Utc>,
) -> Result<VersionId, StoreError> {
    on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO consultation_versions
           (consultation_id, number, published_at, change_note_ar, change_note_en, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(consultation)
    .bind(i64::from(number))
    .bind(published_at)
    .bind(&note.ar)
    .bind(&note.en)
    .bind(now)
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_constraint(e, "version", "consultation"))
}

/// Changes a version that is not published yet; false if it is (a published version
/// never changes).
pub async fn update_unpublished_version(
    tx: &mut Tx,
    version: VersionId,
    published_at: Option<DateTime<Utc>>,
    note: &LocalizedText,
) -> Result<bool, StoreError> {
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE consultation_versions
            SET published_at = $1, change_note_ar = $2, change_note_en = $3
          WHERE id = $4 AND published_at IS NULL",
    )
    .bind(published_at)
    .bind(&note.ar)
    .bind(&note.en)
    .bind(version)
    .execute(&mut *conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(done == 1)
}

/// Replaces all clauses of a version, in order.
pub async fn replace_clauses(
    tx: &mut Tx,
    version: VersionId,
    clauses: &[StoredClause],
) -> Result<(), StoreError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM clauses WHERE version_id = $1")
            .bind(version)
            .execute(&mut *conn)
            .await?;
        for (position, c) in (0_i64..).zip(clauses) {
            sqlx::query(
                "INSERT INTO clauses (version_id, key, position, kind, level, number,
                                      text_ar, text_en, html_ar, html_en)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(version)
            .bind(&c.key)
            .bind(position)
            .bind(c.kind.as_str())
            .bind(i64::from(c.level))
            .bind(c.number.map(i64::from))
            .bind(&c.text.ar)
            .bind(&c.text.en)
            .bind(&c.html.ar)
            .bind(&c.html.en)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    })
    .map_err(|e| StoreError::on_constraint(e, "key", "version"))
}

#[cfg(all(test, feature = "test-support"))]
mod tests {
    use super::*;

    crate::store_tests! {
        // The rule is written twice, in Rust and in SQL: they must agree on every status.
        async fn public_sql_says_what_is_public_says(db) {
            for status in ConsultationStatus::ALL {
                let sql = format!("SELECT {} FROM (SELECT $1 AS status) c", public_sql("c"));
                let public: bool = with_pool!(db, pool => sqlx::query_scalar(&sql)
                    .bind(status.as_str())
                    .fetch_one(pool)
                    .await)
                .expect("query");
                assert_eq!(public, status.is_public(), "{status:?}");
            }
        }

        // Each version's own numbers, as its clause list has them.
        async fn clause_numbers_are_those_of_each_version(db) {
            crate::ssr::exchange::demo::load_if_empty(db, DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default())
                .await
                .expect("demo");
            let sql = format!("SELECT c.slug FROM consultations c WHERE {}", public_sql("c"));
            let slugs: Vec<String> = with_pool!(db, pool => sqlx::query_scalar(&sql)
                .fetch_all(pool)
                .await)
            .expect("slugs");
            let numbers = clause_numbers(db, &slugs).await.expect("numbers");
            let mut expected = Vec::new();
            for slug in &slugs {
                let c = by_slug(db, slug).await.expect("query").expect("consultation");
                for v in versions(db, c.id).await.expect("versions") {
                    for k in clauses(db, v.id).await.expect("clauses") {
                        if let Some(number) = k.number {
                            expected.push((slug.clone(), k.key.to_string(), v.number, number));
                        }
                    }
                }
            }
            let mut got: Vec<_> = numbers
                .into_iter()
                .map(|n| (n.slug, n.key, n.version, n.number))
                .collect();
            got.sort();
            expected.sort();
            assert!(!expected.is_empty());
            assert_eq!(got, expected);
        }
    }
}
