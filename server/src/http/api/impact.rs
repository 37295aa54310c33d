//! What became of a consultation's contributions, as open data: totals by outcome,
//! per-clause figures with the contributions each change answered, and how fast the
//! agency answered (`GET /api/v1/consultations/{slug}/impact`).

use app::domain::draft::ClauseChange;
use app::domain::response::Outcome;
use app::domain::ClauseKey;
use app::paths;
use app::ssr::responses::impact::{self, ByOutcome};
use app::ssr::responses::service::deadline;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{published, ApiError, Failure};

/// How many contributions got each outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeCounts {
    pub accepted: i64,
    pub partly_accepted: i64,
    pub not_adopted: i64,
    pub noted: i64,
    pub out_of_scope: i64,
}

impl From<&ByOutcome> for OutcomeCounts {
    fn from(b: &ByOutcome) -> Self {
        OutcomeCounts {
            accepted: b.of(Outcome::Accepted),
            partly_accepted: b.of(Outcome::PartlyAccepted),
            not_adopted: b.of(Outcome::NotAdopted),
            noted: b.of(Outcome::Noted),
            out_of_scope: b.of(Outcome::OutOfScope),
        }
    }
}

/// Published contributions (replies included) and what became of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Totals {
    pub contributions: i64,
    pub answered: i64,
    pub unanswered: i64,
    pub by_outcome: OutcomeCounts,
}

impl From<&ByOutcome> for Totals {
    fn from(b: &ByOutcome) -> Self {
        Totals {
            contributions: b.total(),
            answered: b.total() - b.unanswered,
            unanswered: b.unanswered,
            by_outcome: b.into(),
        }
    }
}

/// How fast the agency answered, against its published target.
#[derive(Debug, Serialize, ToSchema)]
pub struct Timing {
    /// Every contribution answered within this many days after the comment period closes.
    pub target_days: u32,
    /// When that is for contributions written before the close.
    pub deadline: DateTime<Utc>,
    /// Days from a contribution to its answer: nearest-rank median of those answered.
    pub median_days: Option<f64>,
    /// Nearest-rank 90th percentile of the same.
    pub p90_days: Option<f64>,
    /// Answered after their deadline.
    pub answered_late: i64,
    /// Unanswered and past their deadline at the time of the request.
    pub overdue: i64,
}

/// A clause of any published version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClauseImpact {
    #[schema(value_type = String)]
    pub key: ClauseKey,
    /// Its number in the latest version; null when unnumbered or removed.
    pub number: Option<u32>,
    /// Published contributions about it (replies included).
    pub contributions: i64,
    pub unanswered: i64,
    pub by_outcome: OutcomeCounts,
    /// Whether it differs between the first and the latest version.
    pub changed: bool,
    /// How: `added`, `changed` or `removed`; null when unchanged.
    pub change: Option<String>,
    /// The contributions (ids of `/api/v1/contributions/{id}`) whose responses say this
    /// clause changed because of them.
    pub cited_by: Vec<i64>,
    /// The versions in which those responses say it changed.
    pub cited_in_versions: Vec<u32>,
}

/// The policy impact of a consultation ("you said, we did").
#[derive(Debug, Serialize, ToSchema)]
pub struct Impact {
    /// The consultation's slug.
    pub consultation: String,
    pub first_version: u32,
    pub latest_version: u32,
    pub totals: Totals,
    /// Contributions about the draft as a whole, not one clause.
    pub whole_draft: Totals,
    pub timing: Timing,
    /// The latest version's clauses in order (headings left out), then removed ones.
    pub clauses: Vec<ClauseImpact>,
}

fn change_code(c: ClauseChange) -> &'static str {
    match c {
        ClauseChange::Added => "added",
        ClauseChange::Removed => "removed",
        ClauseChange::Unchanged => "unchanged",
        ClauseChange::Changed | ClauseChange::Moved => "changed",
    }
}

/// What became of a consultation's contributions.
#[utoipa::path(
    get,
    path = paths::route::API_IMPACT,
    tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's slug")),
    responses(
        (status = 200, description = "Totals, timing and per-clause figures", body = Impact),
        (status = 404, description = "No such published consultation", body = ApiError)
    )
)]
pub(super) async fn get_impact(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Impact>, Failure> {
    let (c, _) = published(&state, &slug).await?;
    let i = impact::impact(&state.db, &c, state.clock.now()).await?;
    Ok(Json(Impact {
        first_version: i.first_version,
        latest_version: i.latest_version,
        totals: (&i.counts).into(),
        whole_draft: (&i.whole_draft).into(),
        timing: Timing {
            target_days: c.response_target_days,
            deadline: deadline(&c, c.closes_at),
            median_days: i.timing.median_days,
            p90_days: i.timing.p90_days,
            answered_late: i.timing.answered_late,
            overdue: i.timing.overdue,
        },
        clauses: i
            .clauses
            .iter()
            .map(|cl| ClauseImpact {
                key: cl.key.clone(),
                number: cl.number,
                contributions: cl.counts.total(),
                unanswered: cl.counts.unanswered,
                by_outcome: (&cl.counts).into(),
                changed: cl.changed(),
                change: cl.change.map(|ch| change_code(ch).to_owned()),
                cited_by: cl.cited_by.iter().map(|id| id.0).collect(),
                cited_in_versions: cl.cited_in.clone(),
            })
            .collect(),
        consultation: c.slug,
    }))
}
