//! Documents attached to a consultation. The rows say what the files are; the files
//! themselves live under the data directory (see `ssr::attachments::service`).

use chrono::{DateTime, Utc};

use crate::domain::{AttachmentId, ConsultationId, LocalizedText, UserId};
use crate::ssr::admin::store::audit::{self, AuditEntry};
use crate::ssr::db::{on_tx, with_pool, Db, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub consultation_id: ConsultationId,
    pub title: LocalizedText,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub consultation_id: ConsultationId,
    pub title: LocalizedText,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: AttachmentId,
    consultation_id: ConsultationId,
    title_ar: Option<String>,
    title_en: Option<String>,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    created_at: DateTime<Utc>,
}

impl From<Row> for Attachment {
    fn from(r: Row) -> Self {
        Attachment {
            id: r.id,
            consultation_id: r.consultation_id,
            title: LocalizedText::new(r.title_ar, r.title_en),
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            created_at: r.created_at,
        }
    }
}

const SELECT: &str = "SELECT id, consultation_id, title_ar, title_en, file_name, content_type,
                             size_bytes, sha256, created_at
                        FROM consultation_attachments";

/// Records an attachment and its audit entry together; the new id.
pub async fn add(
    db: &Db,
    new: &NewAttachment,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let sql = "INSERT INTO consultation_attachments
                   (consultation_id, title_ar, title_en, file_name, content_type, size_bytes,
                    sha256, uploaded_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => sqlx::query_scalar(sql)
            .bind(new.consultation_id)
            .bind(&new.title.ar)
            .bind(&new.title.en)
            .bind(&new.file_name)
            .bind(&new.content_type)
            .bind(new.size_bytes)
            .bind(&new.sha256)
            .bind(new.uploaded_by.0)
            .bind(now)
            .fetch_one(&mut *conn)
            .await)?;
    let mut entry = audit.clone();
    entry.detail["attachment"] = id.into();
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// A consultation's attachments in the order they were added.
pub async fn of_consultation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<Attachment>, StoreError> {
    let sql = format!("{SELECT} WHERE consultation_id = $1 ORDER BY id");
    let rows: Vec<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(consultation).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

pub async fn by_id(db: &Db, id: AttachmentId) -> Result<Option<Attachment>, StoreError> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(Attachment::from))
}

/// Removes an attachment of `consultation` with its audit entry; whether another
/// attachment still uses the same file (`None` when there was no such attachment).
pub async fn remove(
    db: &Db,
    consultation: ConsultationId,
    id: AttachmentId,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<Option<bool>, StoreError> {
    let delete = "DELETE FROM consultation_attachments
                   WHERE id = $1 AND consultation_id = $2 RETURNING sha256";
    let shared = "SELECT COUNT(*) FROM consultation_attachments WHERE sha256 = $1";
    let mut tx = db.begin().await?;
    let others: Option<i64> = on_tx!(&mut tx, conn => async {
        let sha: Option<String> = sqlx::query_scalar(delete)
            .bind(id)
            .bind(consultation)
            .fetch_optional(&mut *conn)
            .await?;
        match sha {
            Some(sha) => sqlx::query_scalar(shared).bind(&sha).fetch_one(&mut *conn).await.map(Some),
            None => Ok(None),
        }
    }.await)?;
    let Some(others) = others else {
        return Ok(None);
    };
    audit::insert(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(Some(others > 0))
}
