//! Notification settings, unsubscribe tokens, and notifications waiting for a digest.

use chrono::{DateTime, Utc};

use crate::domain::notification::NotifyMode;
use crate::domain::{ConsultationId, ContributionId, UserId};
use crate::ssr::db::{on_tx, with_pool, Db, StoreError};

/// How `user` wants notifications (`Off` for a deleted or unknown account).
pub async fn mode(db: &Db, user: UserId) -> Result<NotifyMode, StoreError> {
    let mode: Option<String> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT notify_mode FROM users WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(user.0)
    .fetch_optional(pool)
    .await)?;
    Ok(mode
        .as_deref()
        .and_then(NotifyMode::parse)
        .unwrap_or(NotifyMode::Off))
}

pub async fn set_mode(db: &Db, user: UserId, mode: NotifyMode) -> Result<(), StoreError> {
    with_pool!(db, pool => sqlx::query("UPDATE users SET notify_mode = $1 WHERE id = $2")
        .bind(mode.as_str())
        .bind(user.0)
        .execute(pool)
        .await
        .map(drop))?;
    Ok(())
}

/// Records the hash of a new unsubscribe token of `user` (one per mail).
pub async fn add_unsubscribe_token(
    db: &Db,
    user: UserId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    with_pool!(db, pool => sqlx::query(
        "INSERT INTO unsubscribe_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(user.0)
    .bind(now)
    .execute(pool)
    .await
    .map(drop))?;
    Ok(())
}

/// Whether `token_hash` is the hash of an unsubscribe token of an account that still
/// exists.
pub async fn is_unsubscribe_token(db: &Db, token_hash: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT u.id FROM unsubscribe_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND u.deleted_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await)?;
    Ok(found.is_some())
}

/// Turns notifications off for the account whose token hashes to `token_hash`; the
/// account's language when there is one.
pub async fn unsubscribe(db: &Db, token_hash: &str) -> Result<Option<String>, StoreError> {
    let lang: Option<String> = with_pool!(db, pool => sqlx::query_scalar(
        "UPDATE users SET notify_mode = 'off'
          WHERE id = (SELECT user_id FROM unsubscribe_tokens WHERE token_hash = $1)
            AND deleted_at IS NULL
          RETURNING preferred_lang",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await)?;
    Ok(lang)
}

/// Unsubscribe tokens kept in clear from before they were hashed: (user, token).
pub async fn old_unsubscribe_tokens(db: &Db) -> Result<Vec<(UserId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT id, unsubscribe_token FROM users WHERE unsubscribe_token IS NOT NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().map(|(id, t)| (UserId(id), t)).collect())
}

/// Moves `user`'s old token `token` into the table as `token_hash`, in one transaction.
pub async fn hash_old_unsubscribe_token(
    db: &Db,
    user: UserId,
    token: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        sqlx::query(
            "INSERT INTO unsubscribe_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE users SET unsubscribe_token = NULL WHERE id = $1 AND unsubscribe_token = $2")
            .bind(user.0)
            .bind(token)
            .execute(&mut *conn)
            .await
            .map(drop)
    }.await)?;
    tx.commit().await
}

/// Forgets unsubscribe tokens made before `before` (their mails are long read).
pub async fn purge_unsubscribe_tokens(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let n = with_pool!(db, pool => sqlx::query("DELETE FROM unsubscribe_tokens WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// What a notification tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Contribution `contribution` answers one of the person's.
    Reply {
        consultation: ConsultationId,
        contribution: ContributionId,
    },
    /// A consultation the person follows published version `number`.
    NewVersion {
        consultation: ConsultationId,
        number: u32,
    },
    /// A consultation the person follows closes within two days.
    Closing { consultation: ConsultationId },
}

impl Notice {
    pub fn consultation(&self) -> ConsultationId {
        match *self {
            Notice::Reply { consultation, .. }
            | Notice::NewVersion { consultation, .. }
            | Notice::Closing { consultation } => consultation,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Notice::Reply { .. } => "reply",
            Notice::NewVersion { .. } => "new_version",
            Notice::Closing { .. } => "closing",
        }
    }

    fn from_row(
        kind: &str,
        consultation: ConsultationId,
        contribution: Option<ContributionId>,
        number: Option<i64>,
    ) -> Option<Notice> {
        match kind {
            "reply" => Some(Notice::Reply {
                consultation,
                contribution: contribution?,
            }),
            "new_version" => Some(Notice::NewVersion {
                consultation,
                number: u32::try_from(number?).ok()?,
            }),
            "closing" => Some(Notice::Closing { consultation }),
            _ => None,
        }
    }
}

/// Records `notice` for `user`: already sent (`sent`) or waiting for the next digest.
pub async fn record(
    db: &Db,
    user: UserId,
    notice: Notice,
    sent: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (contribution, number) = match notice {
        Notice::Reply { contribution, .. } => (Some(contribution), None),
        Notice::NewVersion { number, .. } => (None, Some(i64::from(number))),
        Notice::Closing { .. } => (None, None),
    };
    with_pool!(db, pool => sqlx::query(
        "INSERT INTO notifications
           (user_id, kind, consultation_id, contribution_id, version_number, created_at, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.0)
    .bind(notice.kind())
    .bind(notice.consultation())
    .bind(contribution)
    .bind(number)
    .bind(now)
    .bind(sent.then_some(now))
    .execute(pool)
    .await
    .map(drop))?;
    Ok(())
}

/// A notification row as read back for a digest.
type PendingRow = (
    i64,
    String,
    ConsultationId,
    Option<ContributionId>,
    Option<i64>,
);

/// People on the daily digest with something waiting whose last digest is at least a
/// day old (`day_ago`), with what to tell them, oldest first.
pub async fn due_digests(
    db: &Db,
    day_ago: DateTime<Utc>,
) -> Result<Vec<(UserId, Vec<Notice>)>, StoreError> {
    let rows: Vec<PendingRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT n.user_id, n.kind, n.consultation_id, n.contribution_id, n.version_number
           FROM notifications n JOIN users u ON u.id = n.user_id
          WHERE n.sent_at IS NULL AND u.notify_mode = 'daily' AND u.deleted_at IS NULL
            AND (u.last_digest_at IS NULL OR u.last_digest_at <= $1)
          ORDER BY n.user_id, n.id",
    )
    .bind(day_ago)
    .fetch_all(pool)
    .await)?;
    let mut due: Vec<(UserId, Vec<Notice>)> = Vec::new();
    for (user, kind, consultation, contribution, number) in rows {
        let Some(notice) = Notice::from_row(&kind, consultation, contribution, number) else {
            continue;
        };
        match due.last_mut() {
            Some((u, list)) if u.0 == user => list.push(notice),
            _ => due.push((UserId(user), vec![notice])),
        }
    }
    Ok(due)
}

/// Marks everything waiting for `user` as sent in a digest at `now`.
pub async fn digest_sent(db: &Db, user: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => async {
        sqlx::query("UPDATE notifications SET sent_at = $1 WHERE user_id = $2 AND sent_at IS NULL")
            .bind(now)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE users SET last_digest_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user.0)
            .execute(&mut *conn)
            .await
            .map(drop)
    }.await)?;
    tx.commit().await
}
