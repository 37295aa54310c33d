//! Server functions of the moderation pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::contribution::{ContributionStatus, ModerationAction, ReportCategory, Segment};
use crate::domain::dates::DateLabel;
use crate::domain::{ContributionId, Lang, LocalizedText, ReportId};
use crate::error::AppError;

/// How many of the latest hidden contributions the queue lists for undoing.
pub const HIDDEN_SHOWN: i64 = 50;

/// A contribution waiting for a moderator, or hidden and so open to restoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: ContributionId,
    /// Reported or appealed, waiting for a decision; otherwise only hidden.
    pub waiting: bool,
    pub consultation_slug: String,
    pub consultation_title: LocalizedText,
    pub author: Option<String>,
    pub status: ContributionStatus,
    /// The text, hidden or not: moderators read what they decide on.
    pub paragraphs: Vec<Vec<Segment>>,
    pub hidden_category: Option<ReportCategory>,
    pub reports: Vec<(ReportId, ReportCategory, Option<String>)>,
    /// The author's appeal, while it waits for a decision.
    pub appeal: Option<String>,
    pub created: DateLabel,
}

/// The moderators' queue: reported contributions and appeals, oldest first; then the
/// latest hidden contributions, newest first, for a moderator to restore.
#[server(prefix = "/api/fn", endpoint = "moderation_queue")]
pub async fn moderation_queue(lang: Lang) -> Result<Vec<QueueItem>, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::service::paragraphs;
    use crate::ssr::contributions::store as contributions;
    use crate::ssr::moderation::store as moderation;
    context::require(Action::Moderate).await?;
    let state = context::app_state()?;
    let waiting = moderation::queue(&state.db).await?;
    let mut ids = waiting.clone();
    for id in moderation::recently_hidden(&state.db, HIDDEN_SHOWN).await? {
        if !waiting.contains(&id) {
            ids.push(id);
        }
    }
    let reports = moderation::open_reports(&state.db, &waiting).await?;
    let mut queued = contributions::by_ids(&state.db, &ids).await?;
    queued.sort_by_key(|x| ids.iter().position(|id| *id == x.id));
    // One lookup per consultation, not per contribution: a queue is mostly a few
    // consultations with many reports.
    let mut of = std::collections::HashMap::new();
    for x in &queued {
        if let std::collections::hash_map::Entry::Vacant(e) = of.entry(x.consultation_id) {
            if let Some(c) = consultations::by_id(&state.db, x.consultation_id).await? {
                e.insert(c);
            }
        }
    }
    let mut items = Vec::new();
    for x in queued {
        let Some(c) = of.get(&x.consultation_id) else {
            continue;
        };
        items.push(QueueItem {
            id: x.id,
            waiting: waiting.contains(&x.id),
            consultation_slug: c.slug.clone(),
            consultation_title: c.title.clone(),
            author: Some(x.author_name.clone()).filter(|n| !n.is_empty()),
            status: x.status,
            paragraphs: paragraphs(&x.body),
            hidden_category: x.hidden_category,
            reports: reports
                .iter()
                .filter(|r| r.contribution_id == x.id)
                .map(|r| (r.id, r.category, r.note.clone()))
                .collect(),
            appeal: x.appeal.clone().filter(|_| !x.appeal_decided),
            created: label(x.created_at, &c.agency_time_zone, lang),
        });
    }
    Ok(items)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub contribution_id: ContributionId,
    pub action: ModerationAction,
    pub category: Option<ReportCategory>,
    pub reason: Option<String>,
    pub at: DateLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    pub slug: String,
    pub title: LocalizedText,
    pub lines: Vec<LogLine>,
    /// For a moderator: the contributions hidden now, which the log offers to restore.
    pub restorable: Vec<ContributionId>,
}

/// The public moderation log of a consultation (never the hidden texts).
#[server(prefix = "/api/fn", endpoint = "moderation_log")]
pub async fn moderation_log(slug: String, lang: Lang) -> Result<LogView, AppError> {
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::moderation::store as moderation;
    let state = context::app_state()?;
    let Some(c) = consultations::public_by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    let session = context::session().await?;
    let reader =
        crate::ssr::accounts::authz::signed_in(&session, &state.db, state.clock.now()).await?;
    let moderates = crate::domain::authz::authorise(
        reader.as_ref().map(|r| &r.actor),
        crate::domain::authz::Action::Moderate,
    )
    .is_ok();
    let restorable = if moderates {
        moderation::hidden_in(&state.db, c.id).await?
    } else {
        Vec::new()
    };
    let lines = moderation::log_of(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| LogLine {
            contribution_id: e.contribution_id,
            action: e.action,
            category: e.category,
            reason: e.reason,
            at: label(e.created_at, &c.agency_time_zone, lang),
        })
        .collect();
    Ok(LogView {
        slug: c.slug,
        title: c.title,
        lines,
        restorable,
    })
}
