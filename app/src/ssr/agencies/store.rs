//! Agencies: the public bodies that run consultations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{AgencyId, LocalizedText};
use crate::ssr::db::{on_tx, stored, with_pool, Db, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub slug: String,
    pub name: LocalizedText,
    /// IANA time zone in which the agency's comment periods are announced.
    pub time_zone: String,
    pub website: Option<String>,
    /// Its published promise: every contribution answered within this many days after
    /// a comment period closes.
    pub response_target_days: u32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub slug: String,
    pub name: LocalizedText,
    pub time_zone: String,
    pub website: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: i64,
    slug: String,
    name_ar: Option<String>,
    name_en: Option<String>,
    time_zone: String,
    website: Option<String>,
    response_target_days: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<AgencyRow> for Agency {
    type Error = StoreError;
    fn try_from(r: AgencyRow) -> Result<Self, StoreError> {
        Ok(Agency {
            id: AgencyId(r.id),
            slug: r.slug,
            name: LocalizedText {
                ar: r.name_ar,
                en: r.name_en,
            },
            time_zone: r.time_zone,
            website: r.website,
            response_target_days: stored(
                "agencies",
                "response_target_days",
                r.response_target_days,
            )?,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str =
    "id, slug, name_ar, name_en, time_zone, website, response_target_days, created_at";

/// Creates an agency inside `tx` (with the audit entry of whoever created it).
pub async fn create(
    tx: &mut Tx,
    new: &NewAgency,
    now: DateTime<Utc>,
) -> Result<Agency, StoreError> {
    let sql = format!(
        "INSERT INTO agencies (slug, name_ar, name_en, time_zone, website, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    );
    let row: AgencyRow = on_tx!(tx, conn => sqlx::query_as(&sql)
        .bind(&new.slug)
        .bind(&new.name.ar)
        .bind(&new.name.en)
        .bind(&new.time_zone)
        .bind(&new.website)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
    .map_err(|e| StoreError::on_constraint(e, "slug", "agency"))?;
    Agency::try_from(row)
}

pub async fn by_id(db: &Db, id: AgencyId) -> Result<Option<Agency>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    let row: Option<AgencyRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await)?;
    row.map(Agency::try_from).transpose()
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Agency>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE slug = $1");
    let row: Option<AgencyRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await)?;
    row.map(Agency::try_from).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<Agency>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM agencies ORDER BY slug");
    let rows: Vec<AgencyRow> = with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(Agency::try_from).collect()
}

/// Creates the agency (by slug) or brings it up to date, inside `tx`; its id.
pub async fn upsert(
    tx: &mut Tx,
    agency: &NewAgency,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO agencies (slug, name_ar, name_en, time_zone, website, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slug) DO UPDATE SET name_ar = excluded.name_ar,
            name_en = excluded.name_en, time_zone = excluded.time_zone,
            website = excluded.website
         RETURNING id",
    )
    .bind(&agency.slug)
    .bind(&agency.name.ar)
    .bind(&agency.name.en)
    .bind(&agency.time_zone)
    .bind(&agency.website)
    .bind(now)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(id)
}

/// Sets the agency's published response target, inside `tx`.
pub async fn set_response_target(tx: &mut Tx, id: AgencyId, days: u32) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query("UPDATE agencies SET response_target_days = $1 WHERE id = $2")
        .bind(i64::from(days))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    Ok(())
}

/// The id of the agency with this slug, seen from inside `tx`.
pub async fn id_of(tx: &mut Tx, slug: &str) -> Result<Option<AgencyId>, StoreError> {
    let id = on_tx!(tx, conn => sqlx::query_scalar("SELECT id FROM agencies WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await)?;
    Ok(id)
}
