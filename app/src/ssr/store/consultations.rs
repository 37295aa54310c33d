//! Consultations: a draft put out for comment by an agency, with its comment period.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{with_pool, Db, StoreError};
use crate::domain::{
    AgencyId, ConsultationCard, ConsultationId, ConsultationStatus, LocalizedText,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub slug: String,
    pub agency_id: AgencyId,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub slug: String,
    pub agency_id: AgencyId,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ConsultationRow {
    id: i64,
    slug: String,
    agency_id: i64,
    title_ar: Option<String>,
    title_en: Option<String>,
    summary_ar: Option<String>,
    summary_en: Option<String>,
    status: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

fn parse_status(s: &str) -> Result<ConsultationStatus, StoreError> {
    ConsultationStatus::parse(s).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(
            format!("unknown consultation status {s:?}").into(),
        ))
    })
}

impl TryFrom<ConsultationRow> for Consultation {
    type Error = StoreError;
    fn try_from(r: ConsultationRow) -> Result<Self, StoreError> {
        Ok(Consultation {
            id: ConsultationId(r.id),
            slug: r.slug,
            agency_id: AgencyId(r.agency_id),
            title: LocalizedText::new(r.title_ar, r.title_en),
            summary: LocalizedText::new(r.summary_ar, r.summary_en),
            status: parse_status(&r.status)?,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "id, slug, agency_id, title_ar, title_en, summary_ar, summary_en, \
                       status, opens_at, closes_at, created_at";

pub async fn create(
    db: &Db,
    new: &NewConsultation,
    now: DateTime<Utc>,
) -> Result<Consultation, StoreError> {
    let sql = format!(
        "INSERT INTO consultations
           (slug, agency_id, title_ar, title_en, summary_ar, summary_en, status,
            opens_at, closes_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    );
    let row: ConsultationRow = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(&new.slug)
        .bind(new.agency_id.0)
        .bind(&new.title.ar)
        .bind(&new.title.en)
        .bind(&new.summary.ar)
        .bind(&new.summary.en)
        .bind(new.status.as_str())
        .bind(new.opens_at)
        .bind(new.closes_at)
        .bind(now)
        .fetch_one(pool)
        .await)
    .map_err(|e| StoreError::on_constraint(e, "slug", "agency"))?;
    row.try_into()
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Consultation>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM consultations WHERE slug = $1");
    let row: Option<ConsultationRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await)?;
    row.map(Consultation::try_from).transpose()
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
    agency_name_ar: Option<String>,
    agency_name_en: Option<String>,
    status: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

/// Consultations whose comment period contains `now`, closing soonest first.
pub async fn list_open(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ConsultationCard>, StoreError> {
    let sql = "SELECT c.id, c.slug, c.title_ar, c.title_en, c.summary_ar, c.summary_en,
                      a.name_ar AS agency_name_ar, a.name_en AS agency_name_en,
                      c.status, c.opens_at, c.closes_at
                 FROM consultations c JOIN agencies a ON a.id = c.agency_id
                WHERE c.status = 'open' AND c.opens_at <= $1 AND c.closes_at > $1
                ORDER BY c.closes_at, c.id
                LIMIT $2";
    let rows: Vec<CardRow> = with_pool!(db, pool => sqlx::query_as(sql)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|r| {
            Ok(ConsultationCard {
                id: ConsultationId(r.id),
                slug: r.slug,
                title: LocalizedText::new(r.title_ar, r.title_en),
                summary: LocalizedText::new(r.summary_ar, r.summary_en),
                agency_name: LocalizedText::new(r.agency_name_ar, r.agency_name_en),
                status: parse_status(&r.status)?,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
            })
        })
        .collect()
}
