//! What was said at a workshop, entered by its organisers: one contribution at a time,
//! or a whole feedback sheet at once. A sheet goes in whole or not at all: while any
//! row is wrong nothing is stored, and every wrong row is named.

use std::collections::HashSet;

use crate::domain::authz::Denied;
use crate::domain::contribution::Channel;
use crate::domain::{ContributionId, WorkshopId};
use crate::forms::{FieldErrors, FormMessage, RowProblem};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::store::{self as consultations, Consultation, StoredClause};
use crate::ssr::contributions::received::{self, Checked, Entry, Origin};
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ssr::workshops::service::runs;
use crate::ssr::workshops::sheet::{self, Rejected};
use crate::ssr::workshops::store::{self as workshops, Workshop};

/// Why what was said could not be entered.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    #[error("not found")]
    NotFound,
    /// Entered once the workshop has begun.
    #[error("the workshop has not begun")]
    NotBegun,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// The sheet, with every mistake in it; nothing was stored.
    #[error("sheet rejected: {} rows", .0.rows.len())]
    Sheet(Rejected),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Workshop `id` with its consultation, the consultation's current version and its
/// clauses, if `signed` runs it and it has begun.
async fn running(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
) -> Result<
    (
        Workshop,
        Consultation,
        crate::domain::VersionId,
        Vec<StoredClause>,
    ),
    FeedbackError,
> {
    let w = workshops::by_id(&state.db, id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    if !runs(state, signed, &w).await? {
        return Err(Denied::Forbidden.into());
    }
    if state.clock.now() < w.fields.starts_at || w.cancelled_at.is_some() {
        return Err(FeedbackError::NotBegun);
    }
    let c = consultations::by_id(&state.db, w.consultation_id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let (version, clauses) = received::current_clauses(state, &c)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    Ok((w, c, version, clauses))
}

/// Where what was said at `w` comes from: the workshop, on the day it began.
fn origin(w: &Workshop, version: crate::domain::VersionId) -> Origin {
    let day = match w.time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => w.fields.starts_at.with_timezone(&zone).date_naive(),
        Err(_) => w.fields.starts_at.date_naive(),
    };
    Origin {
        version,
        channel: Channel::Workshop,
        workshop: Some(w.id),
        received_on: day,
        source_url: None,
        at: w.fields.starts_at,
    }
}

/// Enters one contribution said at workshop `id`; its id.
pub async fn record(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    entry: &Entry,
    ip: Option<String>,
) -> Result<ContributionId, FeedbackError> {
    let (w, c, version, clauses) = running(state, signed, id).await?;
    let checked = received::check(entry, &clauses, true).map_err(FeedbackError::Invalid)?;
    let origin = origin(&w, version);
    received::store_one(state, &c, &origin, &checked, signed, ip.as_deref())
        .await?
        .ok_or_else(|| {
            FeedbackError::Invalid(FieldErrors::one(
                crate::contributions::form::received::TEXT,
                FormMessage::AlreadyEntered,
            ))
        })
}

/// Enters every row of feedback sheet `bytes` for workshop `id`, or none; how many.
pub async fn import_sheet(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    bytes: &[u8],
    ip: Option<String>,
) -> Result<usize, FeedbackError> {
    let (w, c, version, clauses) = running(state, signed, id).await?;
    let rows = sheet::read(bytes).map_err(FeedbackError::Sheet)?;
    let origin = origin(&w, version);
    let mut seen: HashSet<String> = received::entered_before(state, &c, &origin).await?;
    let mut problems = Vec::new();
    let mut checked: Vec<Checked> = Vec::with_capacity(rows.len());
    for (line, entry) in &rows {
        match received::check(entry, &clauses, true) {
            Ok(e) => {
                if !seen.insert(e.body_hash.clone()) {
                    problems.push(RowProblem {
                        line: *line,
                        column: crate::contributions::form::received::TEXT.to_owned(),
                        message: FormMessage::AlreadyEntered,
                    });
                }
                checked.push(e);
            }
            Err(errors) => problems.extend(errors.iter().map(|(column, message)| RowProblem {
                line: *line,
                column: column.to_owned(),
                message,
            })),
        }
    }
    if !problems.is_empty() {
        return Err(FeedbackError::Sheet(Rejected {
            summary: FormMessage::SheetRejected,
            rows: problems,
        }));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let ids =
        received::store_in(&mut tx, &c, &origin, &checked, signed, ip.as_deref(), now).await?;
    tx.commit().await?;
    tracing::info!(workshop = %id, contributions = ids.len(), "feedback sheet entered");
    Ok(ids.len())
}
