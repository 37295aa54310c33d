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

/// The token of `user`'s unsubscribe links, made with `fresh` the first time.
pub async fn unsubscribe_token(db: &Db, user: UserId, fresh: &str) -> Result<String, StoreError> {
    let token: String = with_pool!(db, pool => {
        sqlx::query("UPDATE users SET unsubscribe_token = $1 WHERE id = $2 AND unsubscribe_token IS NULL")
            .bind(fresh)
            .bind(user.0)
            .execute(pool)
            .await?;
        sqlx::query_scalar("SELECT unsubscribe_token FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(pool)
            .await
    })?;
    Ok(token)
}

/// Whether `token` is the unsubscribe token of an account that still exists.
pub async fn is_unsubscribe_token(db: &Db, token: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM users WHERE unsubscribe_token = $1 AND deleted_at IS NULL",
    )
    .bind(token)
    .fetch_optional(pool)
    .await)?;
    Ok(found.is_some())
}

/// Turns notifications off for the account whose links carry `token`; the account's
/// language when there is one.
pub async fn unsubscribe(db: &Db, token: &str) -> Result<Option<String>, StoreError> {
    let lang: Option<String> = with_pool!(db, pool => sqlx::query_scalar(
        "UPDATE users SET notify_mode = 'off'
          WHERE unsubscribe_token = $1 AND deleted_at IS NULL RETURNING preferred_lang",
    )
    .bind(token)
    .fetch_optional(pool)
    .await)?;
    Ok(lang)
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
