//! "You said, we did": what became of a consultation's contributions — totals by
//! outcome, per clause the contributions it received and their outcomes, how it changed
//! from the first to the latest version and which contributions that change answered,
//! and how fast the agency answered. Counted in the database; the page, the JSON and
//! the report are drawn from this one model.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::domain::draft::{ClauseChange, ClauseKind};
use crate::domain::response::Outcome;
use crate::domain::{ClauseKey, ContributionId, LocalizedText};
use crate::ssr::consultations::store::{self as consultations, Consultation};
use crate::ssr::db::{Db, StoreError};
use crate::ssr::responses::store::{self as responses, Scope, Timing};

/// Counts of contributions by outcome, every outcome present (zeros too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByOutcome {
    pub answered: BTreeMap<&'static str, i64>,
    pub unanswered: i64,
}

impl ByOutcome {
    fn new() -> ByOutcome {
        ByOutcome {
            answered: Outcome::ALL.into_iter().map(|o| (o.as_str(), 0)).collect(),
            unanswered: 0,
        }
    }

    fn add(&mut self, outcome: Option<Outcome>, n: i64) {
        match outcome {
            Some(o) => *self.answered.entry(o.as_str()).or_default() += n,
            None => self.unanswered += n,
        }
    }

    pub fn of(&self, o: Outcome) -> i64 {
        self.answered.get(o.as_str()).copied().unwrap_or(0)
    }

    pub fn total(&self) -> i64 {
        self.unanswered + self.answered.values().sum::<i64>()
    }
}

/// One clause of any published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseImpact {
    pub key: ClauseKey,
    /// Its number in the latest version; `None` when unnumbered or removed.
    pub number: Option<u32>,
    /// Its text in the latest version it is in.
    pub text: LocalizedText,
    pub counts: ByOutcome,
    /// From the first version it was in to the latest: `Added` after the first version,
    /// `Removed`, `Changed`, or `None` when its words are the same.
    pub change: Option<ClauseChange>,
    /// The contributions whose responses say this clause changed because of them.
    pub cited_by: Vec<ContributionId>,
    /// The versions in which those responses say it changed.
    pub cited_in: Vec<u32>,
}

impl ClauseImpact {
    pub fn changed(&self) -> bool {
        self.change.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub first_version: u32,
    pub latest_version: u32,
    pub counts: ByOutcome,
    /// Contributions about the draft as a whole.
    pub whole_draft: ByOutcome,
    /// The latest version's clauses in order (headings left out), then removed ones.
    pub clauses: Vec<ClauseImpact>,
    pub timing: Timing,
}

/// The impact of `c` at `now`. Its readings run one after the other: run at once on
/// SQLite they took longer, not shorter (BENCHMARKS.md, the impact benchmark).
pub async fn impact(db: &Db, c: &Consultation, now: DateTime<Utc>) -> Result<Impact, StoreError> {
    let versions = published_clauses(db, c).await?;
    let outcomes = responses::outcome_counts(db, c.id).await?;
    let citations = responses::cited_by(db, c.id).await?;
    let timing = responses::timing(db, Scope::Consultation(c.id), now).await?;
    // Each clause as first seen and as last seen, in the order the page lists them.
    let mut first_seen: HashMap<ClauseKey, (u32, LocalizedText)> = HashMap::new();
    let mut last_seen: HashMap<ClauseKey, (u32, Option<u32>, LocalizedText)> = HashMap::new();
    let mut order: Vec<ClauseKey> = Vec::new();
    let (versions, version_clauses): (Vec<_>, Vec<_>) = versions.into_iter().unzip();
    let latest = versions.last().map_or(1, |v| v.number);
    let first = versions.first().map_or(1, |v| v.number);
    // The latest version's keys in their order, kept from the loop below.
    let mut latest_order: Vec<ClauseKey> = Vec::new();
    for (v, clauses) in versions.iter().zip(version_clauses) {
        if v.number == latest {
            latest_order = clauses.iter().map(|cl| cl.key.clone()).collect();
        }
        for cl in clauses {
            if cl.kind == ClauseKind::Heading {
                continue;
            }
            first_seen
                .entry(cl.key.clone())
                .or_insert_with(|| (v.number, cl.text.clone()));
            if !last_seen.contains_key(&cl.key) {
                order.push(cl.key.clone());
            }
            last_seen.insert(cl.key, (v.number, cl.number, cl.text));
        }
    }
    // The latest version's order first, then what it no longer has, as first seen.
    let position: HashMap<&ClauseKey, usize> = latest_order
        .iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    order.sort_by_key(|k| position.get(k).copied().unwrap_or(usize::MAX));

    let mut counts = ByOutcome::new();
    let mut whole_draft = ByOutcome::new();
    let mut per_clause: HashMap<ClauseKey, ByOutcome> = HashMap::new();
    for row in outcomes {
        counts.add(row.outcome, row.n);
        match row.clause_key {
            Some(k) => per_clause
                .entry(k)
                .or_insert_with(ByOutcome::new)
                .add(row.outcome, row.n),
            None => whole_draft.add(row.outcome, row.n),
        }
    }
    let mut cited: HashMap<ClauseKey, (Vec<ContributionId>, Vec<u32>)> = HashMap::new();
    for cite in citations {
        let Some(k) = cite.clause_key else { continue };
        let (by, in_versions) = cited.entry(k).or_default();
        by.extend(cite.contributions);
        in_versions.push(cite.version);
    }
    let clauses = order
        .into_iter()
        .filter_map(|key| {
            let (seen_in, number, text) = last_seen.remove(&key)?;
            let (since, original) = first_seen.remove(&key)?;
            let change = if seen_in != latest {
                Some(ClauseChange::Removed)
            } else if since != first {
                Some(ClauseChange::Added)
            } else if original != text {
                Some(ClauseChange::Changed)
            } else {
                None
            };
            let (mut cited_by, mut cited_in) = cited.remove(&key).unwrap_or_default();
            cited_by.sort_unstable();
            cited_by.dedup();
            cited_in.sort_unstable();
            cited_in.dedup();
            Some(ClauseImpact {
                counts: per_clause.remove(&key).unwrap_or_else(ByOutcome::new),
                number: (seen_in == latest).then_some(number).flatten(),
                key,
                text,
                change,
                cited_by,
                cited_in,
            })
        })
        .collect();
    Ok(Impact {
        first_version: first,
        latest_version: latest,
        counts,
        whole_draft,
        clauses,
        timing,
    })
}

/// The published versions of `c`, oldest first, each with its clauses.
async fn published_clauses(
    db: &Db,
    c: &Consultation,
) -> Result<Vec<(consultations::Version, Vec<consultations::StoredClause>)>, StoreError> {
    let mut out = Vec::new();
    for v in consultations::versions(db, c.id).await? {
        if v.is_published() {
            let clauses = consultations::clauses(db, v.id).await?;
            out.push((v, clauses));
        }
    }
    Ok(out)
}
