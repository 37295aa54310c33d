//! Reports, moderation actions and the public moderation log. A moderation action,
//! its log line, its audit entry and (when text changes visibility) its search-outbox
//! row are written in one transaction.

use chrono::{DateTime, Utc};

use crate::domain::contribution::{ModerationAction, ReportCategory};
use crate::domain::{ConsultationId, ContributionId, ReportId, UserId};
use crate::ssr::admin::store::audit::{self, AuditEntry};
use crate::ssr::contributions::store::queue_for_index;
use crate::ssr::db::{on_tx, push_list, with_pool, Db, StoreError, Tx};

/// A reader's report, as the moderators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    pub contribution_id: ContributionId,
    pub category: ReportCategory,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A line of a consultation's public moderation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub contribution_id: ContributionId,
    pub action: ModerationAction,
    pub category: Option<ReportCategory>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Records `reporter`'s report; a second report by the same person is ignored.
/// The new report's id, `None` when the person had reported it before.
pub async fn report(
    db: &Db,
    contribution: ContributionId,
    reporter: UserId,
    category: ReportCategory,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<ReportId>, StoreError> {
    let id = with_pool!(db, pool => sqlx::query_scalar(
        "INSERT INTO contribution_reports (contribution_id, reporter_id, category, note, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (contribution_id, reporter_id) DO NOTHING
         RETURNING id",
    )
    .bind(contribution)
    .bind(reporter.0)
    .bind(category.as_str())
    .bind(note)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    Ok(id)
}

type ReportRow = (
    ReportId,
    ContributionId,
    String,
    Option<String>,
    DateTime<Utc>,
);

fn reports(rows: Vec<ReportRow>) -> Vec<Report> {
    rows.into_iter()
        .filter_map(|(id, contribution_id, category, note, created_at)| {
            Some(Report {
                id,
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
        "SELECT id, contribution_id, category, note, created_at FROM contribution_reports
          WHERE reporter_id = $1 ORDER BY created_at, contribution_id",
    )
    .bind(reporter.0)
    .fetch_all(pool)
    .await)?;
    Ok(reports(rows))
}

/// The contributions waiting for a moderator: reported and not yet dealt with, or
/// hidden and appealed without a decision. Oldest first.
pub async fn queue(db: &Db) -> Result<Vec<ContributionId>, StoreError> {
    let ids: Vec<ContributionId> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM contributions
          WHERE id IN (SELECT contribution_id FROM contribution_reports WHERE resolved_at IS NULL)
             OR (appealed_at IS NOT NULL AND appeal_decided_at IS NULL)
          ORDER BY id",
    )
    .fetch_all(pool)
    .await)?;
    Ok(ids)
}

/// The `limit` most recently hidden contributions that are still hidden, newest first:
/// where moderators find a decision to undo.
pub async fn recently_hidden(db: &Db, limit: i64) -> Result<Vec<ContributionId>, StoreError> {
    let ids: Vec<ContributionId> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT c.id FROM contributions c
           LEFT JOIN moderation_log m ON m.contribution_id = c.id AND m.action = 'hide'
          WHERE c.status = 'hidden'
          GROUP BY c.id
          ORDER BY COALESCE(MAX(m.id), 0) DESC, c.id DESC
          LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    Ok(ids)
}

/// The contributions of `consultation` that are hidden now.
pub async fn hidden_in(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<ContributionId>, StoreError> {
    let ids: Vec<ContributionId> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM contributions WHERE consultation_id = $1 AND status = 'hidden' ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    Ok(ids)
}

/// The open reports on `ids`.
pub async fn open_reports(db: &Db, ids: &[ContributionId]) -> Result<Vec<Report>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ReportRow> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, contribution_id, category, note, created_at FROM contribution_reports
              WHERE resolved_at IS NULL AND contribution_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY id");
        q.build_query_as().fetch_all(pool).await
    })?;
    Ok(reports(rows))
}

/// A moderation decision to write down.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub consultation: ConsultationId,
    pub contribution: ContributionId,
    pub action: ModerationAction,
    pub category: Option<ReportCategory>,
    pub reason: Option<&'a str>,
}

/// Applies `d` if the contribution is in the state it applies to, with its public log
/// line, audit entry and search-outbox row; whether it was. `audit` is `None` for the
/// author's own appeal (it is in the public log).
pub async fn apply(
    db: &Db,
    d: &Decision<'_>,
    audit: Option<&AuditEntry>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    if !transition(&mut tx, d, now).await? {
        return Ok(false);
    }
    on_tx!(&mut tx, conn => async {
        if d.action == ModerationAction::Hide {
            sqlx::query(
                "UPDATE contribution_reports SET resolved_at = $1
                  WHERE contribution_id = $2 AND resolved_at IS NULL",
            )
            .bind(now)
            .bind(d.contribution)
            .execute(&mut *conn)
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
        .execute(&mut *conn)
        .await
        .map(drop)
    }.await)?;
    if let Some(entry) = audit {
        audit::insert(&mut tx, entry, now).await?;
    }
    if matches!(d.action, ModerationAction::Hide | ModerationAction::Restore) {
        queue_for_index(&mut tx, d.contribution, now).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Changes what `d` changes, only from the state the action applies to; whether it
/// did. A decision taken twice (two moderators, a double click) is written once.
async fn transition(tx: &mut Tx, d: &Decision<'_>, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let reason = d.reason.unwrap_or("");
    let done = on_tx!(tx, conn => (match d.action {
        ModerationAction::Hide => sqlx::query(
            "UPDATE contributions SET status = 'hidden', hidden_category = $1, hidden_reason = $2
              WHERE id = $3 AND status = 'published'",
        )
        .bind(d.category.map(ReportCategory::as_str))
        .bind(reason)
        .bind(d.contribution)
        .execute(&mut *conn)
        .await,
        ModerationAction::Restore => sqlx::query(
            "UPDATE contributions
                SET status = 'published', hidden_category = NULL, hidden_reason = NULL,
                    appeal_decided_at = CASE WHEN appealed_at IS NULL THEN NULL ELSE $1 END
              WHERE id = $2 AND status = 'hidden'",
        )
        .bind(now)
        .bind(d.contribution)
        .execute(&mut *conn)
        .await,
        // Dismissing resolves the open reports of a published contribution.
        ModerationAction::Dismiss => sqlx::query(
            "UPDATE contribution_reports SET resolved_at = $1
              WHERE contribution_id = $2 AND resolved_at IS NULL
                AND contribution_id IN (SELECT id FROM contributions WHERE status = 'published')",
        )
        .bind(now)
        .bind(d.contribution)
        .execute(&mut *conn)
        .await,
        ModerationAction::Appeal => sqlx::query(
            "UPDATE contributions SET appeal_text = $1, appealed_at = $2
              WHERE id = $3 AND status = 'hidden' AND appealed_at IS NULL",
        )
        .bind(reason)
        .bind(now)
        .bind(d.contribution)
        .execute(&mut *conn)
        .await,
        ModerationAction::Uphold => sqlx::query(
            "UPDATE contributions SET appeal_decided_at = $1
              WHERE id = $2 AND status = 'hidden' AND appealed_at IS NOT NULL
                AND appeal_decided_at IS NULL",
        )
        .bind(now)
        .bind(d.contribution)
        .execute(&mut *conn)
        .await,
    })
    .map(|done| done.rows_affected()))?;
    Ok(done > 0)
}

type LogRow = (
    ContributionId,
    String,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

/// A consultation's moderation log, newest first.
pub async fn log_of(db: &Db, consultation: ConsultationId) -> Result<Vec<LogEntry>, StoreError> {
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
