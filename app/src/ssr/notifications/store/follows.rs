//! Who follows which consultation, and the consultation events already told to them.

use chrono::{DateTime, Utc};

use crate::domain::{ConsultationId, LocalizedText, UserId};
use crate::ssr::db::{with_pool, Db, StoreError};

/// Something that happened to a consultation that its followers hear about once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowEvent {
    /// Version `n` (2 or later) was published.
    NewVersion(u32),
    /// The comment period closes at this moment, less than two days away.
    Closing(DateTime<Utc>),
    /// The consultation was concluded: its final report is published.
    Report,
}

impl FollowEvent {
    fn kind(&self) -> &'static str {
        match self {
            FollowEvent::NewVersion(_) => "new_version",
            FollowEvent::Closing(_) => "closing",
            FollowEvent::Report => "report",
        }
    }

    fn subject(&self) -> String {
        match self {
            FollowEvent::NewVersion(n) => n.to_string(),
            FollowEvent::Closing(at) => at.timestamp().to_string(),
            FollowEvent::Report => "final".to_owned(),
        }
    }
}

/// Starts following; following twice is following once.
pub async fn follow(
    db: &Db,
    user: UserId,
    consultation: ConsultationId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    with_pool!(db, pool => sqlx::query(
        "INSERT INTO follows (consultation_id, user_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (consultation_id, user_id) DO NOTHING",
    )
    .bind(consultation)
    .bind(user.0)
    .bind(now)
    .execute(pool)
    .await
    .map(drop))?;
    Ok(())
}

pub async fn unfollow(
    db: &Db,
    user: UserId,
    consultation: ConsultationId,
) -> Result<(), StoreError> {
    with_pool!(db, pool => sqlx::query(
        "DELETE FROM follows WHERE consultation_id = $1 AND user_id = $2",
    )
    .bind(consultation)
    .bind(user.0)
    .execute(pool)
    .await
    .map(drop))?;
    Ok(())
}

pub async fn is_following(
    db: &Db,
    user: UserId,
    consultation: ConsultationId,
) -> Result<bool, StoreError> {
    let found: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT consultation_id FROM follows WHERE consultation_id = $1 AND user_id = $2",
    )
    .bind(consultation)
    .bind(user.0)
    .fetch_optional(pool)
    .await)?;
    Ok(found.is_some())
}

/// A consultation someone follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    pub slug: String,
    pub title: LocalizedText,
    pub since: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct FollowedRow {
    slug: String,
    title_ar: Option<String>,
    title_en: Option<String>,
    created_at: DateTime<Utc>,
}

/// The consultations `user` follows, latest first.
pub async fn followed_by(db: &Db, user: UserId) -> Result<Vec<Followed>, StoreError> {
    let rows: Vec<FollowedRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT c.slug, c.title_ar, c.title_en, f.created_at
           FROM follows f JOIN consultations c ON c.id = f.consultation_id
          WHERE f.user_id = $1 ORDER BY f.created_at DESC, c.id DESC",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Followed {
            slug: r.slug,
            title: LocalizedText::new(r.title_ar, r.title_en),
            since: r.created_at,
        })
        .collect())
}

/// Published versions after the first of public consultations, published since
/// `since`, that followers have not been told of: (consultation, number).
pub async fn untold_versions(
    db: &Db,
    since: DateTime<Utc>,
) -> Result<Vec<(ConsultationId, u32)>, StoreError> {
    let sql = format!(
        "SELECT v.consultation_id, v.number FROM consultation_versions v
           JOIN consultations c ON c.id = v.consultation_id
          WHERE v.number > 1 AND v.published_at IS NOT NULL AND v.published_at > $1
            AND {}
            AND NOT EXISTS (SELECT 1 FROM follow_events e
                             WHERE e.consultation_id = v.consultation_id
                               AND e.kind = 'new_version'
                               AND e.subject = CAST(v.number AS TEXT))
          ORDER BY v.consultation_id, v.number",
        crate::ssr::consultations::store::public_sql("c")
    );
    let rows: Vec<(ConsultationId, i64)> = with_pool!(db, pool => sqlx::query_as(&sql)
    .bind(since)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, n)| Some((c, u32::try_from(n).ok()?)))
        .collect())
}

/// Marks `event` of `consultation` as told; `false` when it already was (by this
/// server or another), in which case the caller must not tell it again.
pub async fn claim_event(
    db: &Db,
    consultation: ConsultationId,
    event: &FollowEvent,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let inserted = with_pool!(db, pool => sqlx::query(
        "INSERT INTO follow_events (consultation_id, kind, subject, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (consultation_id, kind, subject) DO NOTHING",
    )
    .bind(consultation)
    .bind(event.kind())
    .bind(event.subject())
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}
