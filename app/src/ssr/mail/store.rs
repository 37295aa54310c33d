//! The mail outbox: messages are rows first, sent later by the mail worker.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::ssr::db::{on_tx, with_pool, Db, StoreError, Tx};

/// A message to send. Bodies are final text: templates are rendered before enqueueing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// Extra headers such as `List-Unsubscribe`.
    pub headers: BTreeMap<String, String>,
    pub attachment: Option<MailAttachment>,
}

/// A file sent with a mail (a workshop's calendar entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub name: String,
    /// Its MIME type, e.g. `text/calendar; method=PUBLISH`.
    pub content_type: String,
    pub body: String,
}

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub mail: NewMail,
    /// Delivery attempts made before this one.
    pub attempts: i32,
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    id: i64,
    to_addr: String,
    subject: String,
    text_body: String,
    html_body: Option<String>,
    headers: String,
    attempts: i32,
    attachment_name: Option<String>,
    attachment_type: Option<String>,
    attachment_body: Option<String>,
}

impl QueuedRow {
    fn into_queued(self) -> QueuedMail {
        // Headers were written by `enqueue` as a JSON object; anything else is ignored
        // rather than blocking the message.
        let headers = serde_json::from_str(&self.headers).unwrap_or_default();
        QueuedMail {
            id: self.id,
            attempts: self.attempts,
            mail: NewMail {
                to: self.to_addr,
                subject: self.subject,
                text_body: self.text_body,
                html_body: self.html_body,
                headers,
                attachment: match (
                    self.attachment_name,
                    self.attachment_type,
                    self.attachment_body,
                ) {
                    (Some(name), Some(content_type), Some(body)) => Some(MailAttachment {
                        name,
                        content_type,
                        body,
                    }),
                    _ => None,
                },
            },
        }
    }
}

/// Adds a message to the outbox, due now.
pub async fn enqueue(db: &Db, mail: &NewMail, now: DateTime<Utc>) -> Result<i64, StoreError> {
    insert(db, mail, None, now)
        .await?
        .ok_or_else(|| StoreError::corrupt("mail_outbox", "id", 0))
}

/// Adds a message inside `tx`: sent only if what it reports is committed, and queued
/// exactly when that is (a reminder claimed once is mailed once).
pub async fn enqueue_in(tx: &mut Tx, mail: &NewMail, now: DateTime<Utc>) -> Result<(), StoreError> {
    let headers = serde_json::to_string(&mail.headers)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, headers, created_at,
                                  next_attempt_at, attachment_name, attachment_type, attachment_body)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text_body)
    .bind(&mail.html_body)
    .bind(&headers)
    .bind(now)
    .bind(mail.attachment.as_ref().map(|a| &a.name))
    .bind(mail.attachment.as_ref().map(|a| &a.content_type))
    .bind(mail.attachment.as_ref().map(|a| &a.body))
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Adds a message that a form sent to a typed address (anyone can type any address),
/// unless that address already had `per_day` of those in the last day; whether it was
/// added. The count and the insert are one statement.
pub async fn enqueue_from_form(
    db: &Db,
    mail: &NewMail,
    per_day: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(insert(db, mail, Some(per_day), now).await?.is_some())
}

/// Inserts `mail`; with `form_share`, as a form mail and only within that many a day
/// to its address. The new row's id, if one was added.
async fn insert(
    db: &Db,
    mail: &NewMail,
    form_share: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let headers = serde_json::to_string(&mail.headers)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    let sql = "INSERT INTO mail_outbox
                 (to_addr, subject, text_body, html_body, headers, created_at, next_attempt_at, kind,
                  attachment_name, attachment_type, attachment_body)
               SELECT $1, $2, $3, $4, $5, $6, $6, CAST($7 AS TEXT), $10, $11, $12
                WHERE CAST($8 AS BIGINT) IS NULL
                   OR (SELECT COUNT(*) FROM mail_outbox
                        WHERE to_addr = $1 AND kind = 'form' AND created_at > $9) < CAST($8 AS BIGINT)
               RETURNING id";
    let id: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(&headers)
        .bind(now)
        .bind(form_share.map(|_| "form"))
        .bind(form_share)
        .bind(now - chrono::Duration::days(1))
        .bind(mail.attachment.as_ref().map(|a| &a.name))
        .bind(mail.attachment.as_ref().map(|a| &a.content_type))
        .bind(mail.attachment.as_ref().map(|a| &a.body))
        .fetch_optional(pool)
        .await)?;
    Ok(id)
}

/// Claims up to `limit` due messages until `lease_until`: another worker will not take
/// them before then, and if this one dies they become due again afterwards.
pub async fn claim_due(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<QueuedMail>, StoreError> {
    let due = "SELECT id FROM mail_outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
                  AND (locked_until IS NULL OR locked_until <= $2)
                ORDER BY id LIMIT $3";
    let returning = "RETURNING id, to_addr, subject, text_body, html_body, headers, attempts,
                               attachment_name, attachment_type, attachment_body";
    let sql = match db {
        // SQLite has one writer at a time: the UPDATE is atomic on its own.
        Db::Sqlite(_) => format!("UPDATE mail_outbox SET locked_until = $1 WHERE id IN ({due}) {returning}"),
        // Several nodes may claim at once: skip rows another transaction holds.
        Db::Postgres(_) => format!(
            "UPDATE mail_outbox SET locked_until = $1 WHERE id IN ({due} FOR UPDATE SKIP LOCKED) {returning}"
        ),
    };
    let rows: Vec<QueuedRow> = with_pool!(db, pool => sqlx::query_as(&sql)
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    let mut claimed: Vec<_> = rows.into_iter().map(QueuedRow::into_queued).collect();
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// How long sent (or given-up) messages stay in the outbox, bodies already gone: for
/// the owner's data export and the admins' troubleshooting.
pub const KEEP_SENT_FOR: chrono::Duration = chrono::Duration::days(30);

/// What is left of a message once sent or given up: the bodies and headers may hold
/// single-use links (a reset, a confirmation) or an unsubscribe token, which must not
/// stay readable in the database (issue 26, item 7).
const FORGET_BODY: &str = "text_body = '', html_body = NULL, headers = '{}'";

/// Marks a message sent, and forgets its bodies.
pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE mail_outbox
            SET sent_at = $1, locked_until = NULL, attempts = attempts + 1, last_error = NULL,
                {FORGET_BODY}
          WHERE id = $2"
    );
    let sql = sql.as_str();
    with_pool!(db, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(drop))?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up for good when `None`.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let sql = "UPDATE mail_outbox
                  SET attempts = attempts + 1, locked_until = NULL, last_error = $1,
                      next_attempt_at = COALESCE($2, next_attempt_at),
                      failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END
                WHERE id = $4";
    // Given up: the bodies are not needed any more either.
    let forget =
        format!("UPDATE mail_outbox SET {FORGET_BODY} WHERE id = $1 AND failed_at IS NOT NULL");
    with_pool!(db, pool => sqlx::query(sql)
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(drop))?;
    with_pool!(db, pool => sqlx::query(&forget).bind(id).execute(pool).await.map(drop))?;
    Ok(())
}

/// Deletes messages sent or given up before `before`; how many.
pub async fn purge_done(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let sql = "DELETE FROM mail_outbox WHERE sent_at < $1 OR failed_at < $1";
    let n = with_pool!(db, pool => sqlx::query(sql)
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Delivery state of one message, for tests and the admin pages.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MailStatus {
    pub attempts: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

pub async fn status(db: &Db, id: i64) -> Result<Option<MailStatus>, StoreError> {
    let sql = "SELECT attempts, sent_at, failed_at, next_attempt_at, last_error
                 FROM mail_outbox WHERE id = $1";
    let row = with_pool!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    Ok(row)
}

/// A message to one address, as listed in its owner's data export (bodies left out:
/// they may hold single-use links).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct MailSummary {
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The messages queued for `to`, oldest first, as they will be sent (for tests).
#[cfg(any(test, feature = "test-support"))]
pub async fn queued_for(db: &Db, to: &str) -> Result<Vec<NewMail>, StoreError> {
    let sql = "SELECT id, to_addr, subject, text_body, html_body, headers, attempts,
                      attachment_name, attachment_type, attachment_body
                 FROM mail_outbox WHERE to_addr = $1 ORDER BY id";
    let rows: Vec<QueuedRow> =
        with_pool!(db, pool => sqlx::query_as(sql).bind(to).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|r| r.into_queued().mail).collect())
}

pub async fn sent_to(db: &Db, to: &str) -> Result<Vec<MailSummary>, StoreError> {
    let sql = "SELECT subject, created_at, sent_at FROM mail_outbox WHERE to_addr = $1 ORDER BY id";
    let rows = with_pool!(db, pool => sqlx::query_as(sql).bind(to).fetch_all(pool).await)?;
    Ok(rows)
}
