//! Workshops and their organisers; registrations in `registrations.rs`. A workshop is
//! public exactly when its consultation is (`consultations::store::public_sql`): a
//! draft's workshops are its agency's business.

use chrono::{DateTime, Utc};

#[cfg(test)]
mod registration_tests;
pub mod registrations;

use crate::domain::contribution::OrgKind;
use crate::domain::workshop::{Audience, Phase};
use crate::domain::{
    AgencyId, ConsultationId, ConsultationStatus, LocalizedText, UserId, WorkshopId,
};
use crate::ssr::consultations::store::public_sql;
use crate::ssr::db::{on_tx, stored, with_pool, Db, StoreError, Tx};

/// A workshop, with what its pages say about its consultation and agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Workshop {
    pub id: WorkshopId,
    pub consultation_id: ConsultationId,
    pub consultation_slug: String,
    pub consultation_title: LocalizedText,
    pub consultation_status: ConsultationStatus,
    pub agency_id: AgencyId,
    pub agency_name: LocalizedText,
    /// The agency's IANA zone: times are typed and shown in it.
    pub time_zone: String,
    pub fields: WorkshopFields,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub minutes: LocalizedText,
    pub minutes_published_at: Option<DateTime<Utc>>,
    /// Its id in the exchange file it was imported from, if it was.
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Workshop {
    pub fn is_public(&self) -> bool {
        self.consultation_status.is_public()
    }

    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        let f = &self.fields;
        Phase::at(
            now,
            f.registration_closes_at,
            f.starts_at,
            f.ends_at,
            self.cancelled_at.is_some(),
        )
    }
}

/// What an organiser sets on a workshop (checked by the service).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkshopFields {
    pub title: LocalizedText,
    pub description: LocalizedText,
    /// One item per line.
    pub agenda: LocalizedText,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The address of the room; none for an online-only workshop.
    pub venue: LocalizedText,
    pub map_url: Option<String>,
    pub online_url: Option<String>,
    pub capacity: u32,
    pub registration_closes_at: DateTime<Utc>,
    pub audience: Audience,
}

#[derive(sqlx::FromRow)]
struct WorkshopRow {
    id: i64,
    consultation_id: i64,
    consultation_slug: String,
    consultation_title_ar: Option<String>,
    consultation_title_en: Option<String>,
    consultation_status: String,
    agency_id: i64,
    agency_name_ar: Option<String>,
    agency_name_en: Option<String>,
    time_zone: String,
    title_ar: Option<String>,
    title_en: Option<String>,
    description_ar: Option<String>,
    description_en: Option<String>,
    agenda_ar: Option<String>,
    agenda_en: Option<String>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    venue_ar: Option<String>,
    venue_en: Option<String>,
    map_url: Option<String>,
    online_url: Option<String>,
    capacity: i64,
    registration_closes_at: DateTime<Utc>,
    audience: String,
    cancelled_at: Option<DateTime<Utc>>,
    minutes_ar: Option<String>,
    minutes_en: Option<String>,
    minutes_published_at: Option<DateTime<Utc>>,
    external_id: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn pair(ar: Option<String>, en: Option<String>) -> LocalizedText {
    LocalizedText { ar, en }
}

impl TryFrom<WorkshopRow> for Workshop {
    type Error = StoreError;
    fn try_from(r: WorkshopRow) -> Result<Self, StoreError> {
        let consultation_status =
            ConsultationStatus::parse(&r.consultation_status).ok_or_else(|| {
                StoreError::corrupt("consultations", "status", &r.consultation_status)
            })?;
        let audience = Audience::parse(&r.audience)
            .ok_or_else(|| StoreError::corrupt("workshops", "audience", &r.audience))?;
        Ok(Workshop {
            id: WorkshopId(r.id),
            consultation_id: ConsultationId(r.consultation_id),
            consultation_slug: r.consultation_slug,
            consultation_title: pair(r.consultation_title_ar, r.consultation_title_en),
            consultation_status,
            agency_id: AgencyId(r.agency_id),
            agency_name: pair(r.agency_name_ar, r.agency_name_en),
            time_zone: r.time_zone,
            fields: WorkshopFields {
                title: pair(r.title_ar, r.title_en),
                description: pair(r.description_ar, r.description_en),
                agenda: pair(r.agenda_ar, r.agenda_en),
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                venue: pair(r.venue_ar, r.venue_en),
                map_url: r.map_url,
                online_url: r.online_url,
                capacity: stored("workshops", "capacity", r.capacity)?,
                registration_closes_at: r.registration_closes_at,
                audience,
            },
            cancelled_at: r.cancelled_at,
            minutes: pair(r.minutes_ar, r.minutes_en),
            minutes_published_at: r.minutes_published_at,
            external_id: r.external_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SELECT: &str = "SELECT w.id, w.consultation_id, c.slug AS consultation_slug,
           c.title_ar AS consultation_title_ar, c.title_en AS consultation_title_en,
           c.status AS consultation_status, a.id AS agency_id, a.name_ar AS agency_name_ar,
           a.name_en AS agency_name_en, a.time_zone, w.title_ar, w.title_en,
           w.description_ar, w.description_en, w.agenda_ar, w.agenda_en, w.starts_at,
           w.ends_at, w.venue_ar, w.venue_en, w.map_url, w.online_url, w.capacity,
           w.registration_closes_at, w.audience, w.cancelled_at, w.minutes_ar, w.minutes_en,
           w.minutes_published_at, w.external_id, w.created_at, w.updated_at
      FROM workshops w
      JOIN consultations c ON c.id = w.consultation_id
      JOIN agencies a ON a.id = c.agency_id";

/// Creates a workshop of `consultation` run by `organisers`, inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    consultation: ConsultationId,
    f: &WorkshopFields,
    organisers: &[UserId],
    created_by: UserId,
    now: DateTime<Utc>,
) -> Result<WorkshopId, StoreError> {
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO workshops (consultation_id, title_ar, title_en, description_ar,
             description_en, agenda_ar, agenda_en, starts_at, ends_at, venue_ar, venue_en,
             map_url, online_url, capacity, registration_closes_at, audience, created_by,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $18)
         RETURNING id",
    )
    .bind(consultation.0)
    .bind(&f.title.ar)
    .bind(&f.title.en)
    .bind(&f.description.ar)
    .bind(&f.description.en)
    .bind(&f.agenda.ar)
    .bind(&f.agenda.en)
    .bind(f.starts_at)
    .bind(f.ends_at)
    .bind(&f.venue.ar)
    .bind(&f.venue.en)
    .bind(&f.map_url)
    .bind(&f.online_url)
    .bind(i64::from(f.capacity))
    .bind(f.registration_closes_at)
    .bind(f.audience.as_str())
    .bind(created_by.0)
    .bind(now)
    .fetch_one(&mut *conn)
    .await)?;
    let id = WorkshopId(id);
    set_organisers(tx, id, organisers).await?;
    Ok(id)
}

/// Replaces what an organiser sets on workshop `id`, inside `tx`.
pub async fn update(
    tx: &mut Tx,
    id: WorkshopId,
    f: &WorkshopFields,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE workshops SET title_ar = $2, title_en = $3, description_ar = $4,
             description_en = $5, agenda_ar = $6, agenda_en = $7, starts_at = $8,
             ends_at = $9, venue_ar = $10, venue_en = $11, map_url = $12, online_url = $13,
             capacity = $14, registration_closes_at = $15, audience = $16, updated_at = $17
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(&f.title.ar)
    .bind(&f.title.en)
    .bind(&f.description.ar)
    .bind(&f.description.en)
    .bind(&f.agenda.ar)
    .bind(&f.agenda.en)
    .bind(f.starts_at)
    .bind(f.ends_at)
    .bind(&f.venue.ar)
    .bind(&f.venue.en)
    .bind(&f.map_url)
    .bind(&f.online_url)
    .bind(i64::from(f.capacity))
    .bind(f.registration_closes_at)
    .bind(f.audience.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Sets who runs workshop `id`, inside `tx`.
pub async fn set_organisers(
    tx: &mut Tx,
    id: WorkshopId,
    organisers: &[UserId],
) -> Result<(), StoreError> {
    on_tx!(tx, conn => async {
        sqlx::query("DELETE FROM workshop_organisers WHERE workshop_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        for user in organisers {
            sqlx::query(
                "INSERT INTO workshop_organisers (workshop_id, user_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id.0)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await)?;
    Ok(())
}

pub async fn by_id(db: &Db, id: WorkshopId) -> Result<Option<Workshop>, StoreError> {
    let sql = format!("{SELECT} WHERE w.id = $1");
    let row: Option<WorkshopRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await)?;
    row.map(Workshop::try_from).transpose()
}

/// The workshops of one consultation, in the order they take place.
pub async fn of_consultation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<Workshop>, StoreError> {
    let sql = format!("{SELECT} WHERE w.consultation_id = $1 ORDER BY w.starts_at, w.id");
    let rows: Vec<WorkshopRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(consultation.0).fetch_all(pool).await)?;
    rows.into_iter().map(Workshop::try_from).collect()
}

/// Which public workshops a listing wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Not over yet at `now`, soonest first.
    Upcoming,
    /// Over at `now`, latest first.
    Past,
}

/// Public workshops across the portal, at most `limit`.
pub async fn public_listing(
    db: &Db,
    when: When,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Workshop>, StoreError> {
    let public = public_sql("c");
    let (condition, order) = match when {
        When::Upcoming => ("w.ends_at > $1", "w.starts_at, w.id"),
        When::Past => ("w.ends_at <= $1", "w.starts_at DESC, w.id DESC"),
    };
    let sql = format!("{SELECT} WHERE {public} AND {condition} ORDER BY {order} LIMIT $2");
    let rows: Vec<WorkshopRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Workshop::try_from).collect()
}

/// Someone who runs a workshop, as its page names them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organiser {
    pub id: UserId,
    pub display_name: String,
}

/// Who runs workshop `id`, by name.
pub async fn organisers(db: &Db, id: WorkshopId) -> Result<Vec<Organiser>, StoreError> {
    let rows: Vec<Organiser> = with_pool!(db, pool => sqlx::query_as(
        "SELECT u.id, u.display_name FROM workshop_organisers o JOIN users u ON u.id = o.user_id
          WHERE o.workshop_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Whether `user` is one of the people who run workshop `id`.
pub async fn is_organiser(db: &Db, id: WorkshopId, user: UserId) -> Result<bool, StoreError> {
    let found: i64 = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM workshop_organisers WHERE workshop_id = $1 AND user_id = $2",
    )
    .bind(id.0)
    .bind(user.0)
    .fetch_one(pool)
    .await)?;
    Ok(found > 0)
}

/// Publishes the minutes of workshop `id` (Markdown as written), inside `tx`; the first
/// publication's time stays.
pub async fn set_minutes(
    tx: &mut Tx,
    id: WorkshopId,
    minutes: &LocalizedText,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE workshops SET minutes_ar = $2, minutes_en = $3,
             minutes_published_at = COALESCE(minutes_published_at, $4), updated_at = $4
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(&minutes.ar)
    .bind(&minutes.en)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// A workshop as an exchange file brings it: what its organisers set, and what became
/// of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedWorkshop {
    pub external_id: String,
    pub fields: WorkshopFields,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub minutes: LocalizedText,
    pub minutes_published_at: Option<DateTime<Utc>>,
    /// Places held and attendance per kind of organisation (`None`: for themselves).
    pub figures: Vec<(Option<OrgKind>, i64, i64)>,
}

/// The workshop of `consultation` an exchange file calls `external_id`, inside `tx`:
/// one imported with that id, or (`shura-workshop-{id}`, as exports name them) one
/// scheduled here. The second is `(id, true)`: this portal holds its registrations.
pub async fn by_external(
    tx: &mut Tx,
    consultation: ConsultationId,
    external_id: &str,
) -> Result<Option<(WorkshopId, bool)>, StoreError> {
    let imported: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM workshops WHERE consultation_id = $1 AND external_id = $2",
    )
    .bind(consultation.0)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await)?;
    if let Some(id) = imported {
        return Ok(Some((WorkshopId(id), false)));
    }
    let Some(n) = external_id
        .strip_prefix(EXPORTED_ID_PREFIX)
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let here: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM workshops WHERE id = $1 AND consultation_id = $2 AND external_id IS NULL",
    )
    .bind(n)
    .bind(consultation.0)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(here.map(|id| (WorkshopId(id), true)))
}

/// An export names a workshop scheduled here `shura-workshop-{id}`.
pub const EXPORTED_ID_PREFIX: &str = "shura-workshop-";

/// Writes workshop `w` of `consultation` as the file has it (inserting it the first
/// time), its figures included, inside `tx`; its id.
pub async fn import(
    tx: &mut Tx,
    consultation: ConsultationId,
    existing: Option<WorkshopId>,
    w: &ImportedWorkshop,
    now: DateTime<Utc>,
) -> Result<WorkshopId, StoreError> {
    let f = &w.fields;
    let id = match existing {
        Some(id) => {
            update(tx, id, f, now).await?;
            id
        }
        None => {
            let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
                "INSERT INTO workshops (consultation_id, title_ar, title_en, starts_at, ends_at,
                     venue_ar, venue_en, online_url, capacity, registration_closes_at, audience,
                     external_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                 RETURNING id",
            )
            .bind(consultation.0)
            .bind(&f.title.ar)
            .bind(&f.title.en)
            .bind(f.starts_at)
            .bind(f.ends_at)
            .bind(&f.venue.ar)
            .bind(&f.venue.en)
            .bind(&f.online_url)
            .bind(i64::from(f.capacity))
            .bind(f.registration_closes_at)
            .bind(f.audience.as_str())
            .bind(&w.external_id)
            .bind(now)
            .fetch_one(&mut *conn)
            .await)?;
            let id = WorkshopId(id);
            update(tx, id, f, now).await?;
            id
        }
    };
    on_tx!(tx, conn => async {
        sqlx::query(
            "UPDATE workshops SET cancelled_at = $2, minutes_ar = $3, minutes_en = $4,
                 minutes_published_at = $5 WHERE id = $1",
        )
        .bind(id.0)
        .bind(w.cancelled_at)
        .bind(&w.minutes.ar)
        .bind(&w.minutes.en)
        .bind(w.minutes_published_at)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM workshop_reported_figures WHERE workshop_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        for (kind, registered, attended) in &w.figures {
            sqlx::query(
                "INSERT INTO workshop_reported_figures (workshop_id, org_kind, registered, attended)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id.0)
            .bind(kind.map(OrgKind::as_str))
            .bind(registered)
            .bind(attended)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await)?;
    Ok(id)
}
