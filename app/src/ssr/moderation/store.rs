//! Reports, moderation actions and the public moderation log. A moderation action,
//! its log line, its audit entry and (when text changes visibility) its search-outbox
//! row are written in one transaction.

use chrono::{DateTime, Utc};

use crate::domain::contribution::{ModerationAction, ReportCategory};
use crate::domain::UserId;
use crate::ssr::admin::store::audit::{insert_audit, AuditEntry};
use crate::ssr::contributions::store::{placeholders, queue_for_index};
use crate::ssr::db::{with_pool, Db, StoreError};

/// A reader's report, as the moderators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub contribution_id: i64,
    pub category: ReportCategory,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A line of a consultation's public moderation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub contribution_id: i64,
    pub action: ModerationAction,
    pub category: Option<ReportCategory>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records `reporter`'s report; a second report by the same person is ignored.
/// Whether it was new.
pub async fn report(
    db: &Db,
    contribution: i64,
    reporter: UserId,
    category: ReportCategory,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = with_pool!(db, pool => sqlx::query(
        "INSERT INTO contribution_reports (contribution_id, reporter_id, category, note, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (contribution_id, reporter_id) DO NOTHING",
    )
    .bind(contribution)
    .bind(reporter.0)
    .bind(category.as_str())
    .bind(note)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

type ReportRow = (i64, String, Option<String>, DateTime<Utc>);

fn reports(rows: Vec<ReportRow>) -> Vec<Report> {
    rows.into_iter()
        .filter_map(|(contribution_id, category, note, created_at)| {
            Some(Report {
                contribution_id,
                category: ReportCategory::parse(&category)?,
                note,
                created_at,
            })
        })
        .collect()
}

/// The reports `reporter` made, oldest first (for their own data export).
pub async fn reports_by(db: &Db, reporter: UserId) -> Result<Vec<Report>, StoreError> {
    let rows: Vec<ReportRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT contribution_id, category, note, created_at FROM contribution_reports
          WHERE reporter_id = $1 ORDER BY created_at, contribution_id",
    )
    .bind(reporter.0)
    .fetch_all(pool)
    .await)?;
    Ok(reports(rows))
}

/// The contributions waiting for a moderator: reported and not yet dealt with, or
/// hidden and appealed without a decision. Oldest first.
pub async fn queue(db: &Db) -> Result<Vec<i64>, StoreError> {
    let ids: Vec<i64> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM contributions
          WHERE id IN (SELECT contribution_id FROM contribution_reports WHERE resolved_at IS NULL)
             OR (appealed_at IS NOT NULL AND appeal_decided_at IS NULL)
          ORDER BY id",
    )
    .fetch_all(pool)
    .await)?;
    Ok(ids)
}

/// The open reports on `ids`.
pub async fn open_reports(db: &Db, ids: &[i64]) -> Result<Vec<Report>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT contribution_id, category, note, created_at FROM contribution_reports
          WHERE resolved_at IS NULL AND contribution_id IN ({}) ORDER BY id",
        placeholders(1, ids.len())
    );
    let rows: Vec<ReportRow> = with_pool!(db, pool => {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?;
    Ok(reports(rows))
}

/// A moderation decision to write down.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub consultation: i64,
    pub contribution: i64,
    pub action: ModerationAction,
    pub category: Option<ReportCategory>,
    pub reason: Option<&'a str>,
}

/// Applies `d` if the contribution is in the state it applies to; whether it was.
/// `audit` is `None` for the author's own appeal (it is in the public log).
pub async fn apply(
    db: &Db,
    d: &Decision<'_>,
    audit: Option<&AuditEntry>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // Each action changes the row only from the state it applies to, so a decision
    // taken twice (two moderators, a double click) is written once.
    let change = match d.action {
        ModerationAction::Hide => {
            "UPDATE contributions SET status = 'hidden', hidden_category = $2, hidden_reason = $3
              WHERE id = $1 AND status = 'published'"
        }
        ModerationAction::Restore => {
            "UPDATE contributions
                SET status = 'published', hidden_category = NULL, hidden_reason = NULL,
                    appeal_decided_at = CASE WHEN appealed_at IS NULL THEN NULL ELSE $4 END
              WHERE id = $1 AND status = 'hidden' AND $2 = $2 AND $3 = $3"
        }
        ModerationAction::Dismiss => {
            "UPDATE contributions SET support_count = support_count
              WHERE id = $1 AND status = 'published' AND $2 = $2 AND $3 = $3
                AND id IN (SELECT contribution_id FROM contribution_reports WHERE resolved_at IS NULL)"
        }
        ModerationAction::Appeal => {
            "UPDATE contributions SET appeal_text = $3, appealed_at = $4
              WHERE id = $1 AND status = 'hidden' AND appealed_at IS NULL AND $2 = $2"
        }
        ModerationAction::Uphold => {
            "UPDATE contributions SET appeal_decided_at = $4
              WHERE id = $1 AND status = 'hidden' AND appealed_at IS NOT NULL
                AND appeal_decided_at IS NULL AND $2 = $2 AND $3 = $3"
        }
    };
    let category = d.category.map(ReportCategory::as_str).unwrap_or("");
    let reason = d.reason.unwrap_or("");
    let changes_text = matches!(d.action, ModerationAction::Hide | ModerationAction::Restore);
    let resolves_reports = matches!(d.action, ModerationAction::Hide | ModerationAction::Dismiss);
    let applied = with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut q = sqlx::query(change).bind(d.contribution).bind(category).bind(reason);
        if change.contains("$4") {
            q = q.bind(now);
        }
        if q.execute(&mut *tx).await?.rows_affected() == 0 {
            return Ok(false);
        }
        if resolves_reports {
            sqlx::query(
                "UPDATE contribution_reports SET resolved_at = $1
                  WHERE contribution_id = $2 AND resolved_at IS NULL",
            )
            .bind(now)
            .bind(d.contribution)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO moderation_log
                 (consultation_id, contribution_id, action, category, reason, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(d.consultation)
        .bind(d.contribution)
        .bind(d.action.as_str())
        .bind(d.category.map(ReportCategory::as_str))
        // The author's appeal text is theirs, not part of the public log.
        .bind(d.reason.filter(|_| d.action != ModerationAction::Appeal))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(entry) = audit {
            insert_audit!(&mut *tx, entry, now)?;
        }
        if changes_text {
            queue_for_index!(&mut *tx, d.contribution, now)?;
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    })?;
    Ok(applied)
}

type LogRow = (i64, String, Option<String>, Option<String>, DateTime<Utc>);

/// A consultation's moderation log, newest first.
pub async fn log_of(db: &Db, consultation: i64) -> Result<Vec<LogEntry>, StoreError> {
    let rows: Vec<LogRow> = with_pool!(db, pool => sqlx::query_as(
            "SELECT contribution_id, action, category, reason, created_at FROM moderation_log
              WHERE consultation_id = $1 ORDER BY id DESC",
        )
        .bind(consultation)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(contribution_id, action, category, reason, created_at)| {
            Some(LogEntry {
                contribution_id,
                action: ModerationAction::parse(&action)?,
                category: category.as_deref().and_then(ReportCategory::parse),
                reason,
                created_at,
            })
        })
        .collect())
}
