//! Notification settings, unsubscribe tokens, and notifications waiting for a digest.

use chrono::{DateTime, Utc};

use super::{with_pool, Db, StoreError};
use crate::domain::notification::NotifyMode;
use crate::domain::UserId;

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

/// Records a notification about `contribution` for `user`: already sent (`sent`) or
/// waiting for the next digest.
pub async fn record(
    db: &Db,
    user: UserId,
    contribution: i64,
    sent: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    with_pool!(db, pool => sqlx::query(
        "INSERT INTO notifications (user_id, kind, contribution_id, created_at, sent_at)
         VALUES ($1, 'reply', $2, $3, $4)",
    )
    .bind(user.0)
    .bind(contribution)
    .bind(now)
    .bind(sent.then_some(now))
    .execute(pool)
    .await
    .map(drop))?;
    Ok(())
}

/// People on the daily digest with something waiting whose last digest is at least a
/// day old (`day_ago`), with the contributions to tell them about.
pub async fn due_digests(
    db: &Db,
    day_ago: DateTime<Utc>,
) -> Result<Vec<(UserId, Vec<i64>)>, StoreError> {
    let rows: Vec<(i64, i64)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT n.user_id, n.contribution_id FROM notifications n JOIN users u ON u.id = n.user_id
          WHERE n.sent_at IS NULL AND u.notify_mode = 'daily' AND u.deleted_at IS NULL
            AND (u.last_digest_at IS NULL OR u.last_digest_at <= $1)
          ORDER BY n.user_id, n.id",
    )
    .bind(day_ago)
    .fetch_all(pool)
    .await)?;
    let mut due: Vec<(UserId, Vec<i64>)> = Vec::new();
    for (user, contribution) in rows {
        match due.last_mut() {
            Some((u, list)) if u.0 == user => list.push(contribution),
            _ => due.push((UserId(user), vec![contribution])),
        }
    }
    Ok(due)
}

/// Marks everything waiting for `user` as sent in a digest at `now`.
pub async fn digest_sent(db: &Db, user: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE notifications SET sent_at = $1 WHERE user_id = $2 AND sent_at IS NULL")
            .bind(now)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET last_digest_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })?;
    Ok(())
}
