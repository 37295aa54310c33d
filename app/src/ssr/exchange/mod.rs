//! The exchange format (`docs/import-format.md`): consultations with their agency,
//! topics, versions and clauses as one JSON document, for `shura import` / `shura
//! export` and for the demo data.
//!
//! Importing is idempotent by external ids (slugs, version numbers, clause keys,
//! contribution ids; a response by its contribution) and all-or-nothing: the document
//! is checked in full, then written in one transaction.

pub mod demo;
#[cfg(test)]
mod tests;
mod workshops;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::consultation::is_valid_slug;
use crate::domain::contribution::{
    check_body, normalize_body, Attribution, BodyProblem, Channel, ContributionStatus, OrgKind,
    ReportCategory, Speaker, MAX_BODY_CHARS,
};
use crate::domain::draft::{ClauseKey, ClauseKind};
use crate::domain::response::Outcome;
use crate::domain::text::is_web_url;
use crate::domain::{
    AgencyId, ConsultationId, ConsultationStatus, ContributionId, LocalizedText, UserId, VersionId,
    WorkshopId,
};
use crate::ssr::accounts::store as users;
use crate::ssr::agencies::store::{self as agencies, NewAgency};
use crate::ssr::consultations::markdown::render;
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::{ConsultationRecord, StoredClause};
use crate::ssr::contributions::read::{self, Audience, ContributionRead};
use crate::ssr::contributions::service::body_hash;
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::{NewContribution, Receipt, EXPORTED_ID_PREFIX};
use crate::ssr::db::{Db, StoreError, Tx};
use crate::ssr::responses::store as responses;

/// The value of the document's `format` field.
pub const FORMAT: &str = "shura/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    /// When the document was written; the demo loader moves every date by the time
    /// since then, so that the demo always looks current.
    #[serde(default)]
    pub exported_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub topics: Vec<TopicDoc>,
    #[serde(default)]
    pub agencies: Vec<AgencyDoc>,
    #[serde(default)]
    pub consultations: Vec<ConsultationDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDoc {
    pub slug: String,
    pub name: LocalizedText,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyDoc {
    pub slug: String,
    pub name: LocalizedText,
    pub time_zone: String,
    #[serde(default)]
    pub website: Option<String>,
    /// The days it promises to answer every contribution in, after a comment period
    /// closes (1–365); none: as it is (30 for a new agency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_target_days: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationDoc {
    pub slug: String,
    pub agency: String,
    pub title: LocalizedText,
    #[serde(default)]
    pub summary: LocalizedText,
    #[serde(default)]
    pub audience: LocalizedText,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[serde(default)]
    pub concluded_at: Option<DateTime<Utc>>,
    pub versions: Vec<VersionDoc>,
    /// Its workshops: what their organisers set, the minutes and the figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workshops: Vec<workshops::WorkshopDoc>,
    /// What people said, on the portal or elsewhere; a reply after what it answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributions: Vec<ContributionDoc>,
    /// The agency's documented responses to those contributions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<ResponseDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionDoc {
    pub number: u32,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub change_note: Option<LocalizedText>,
    pub clauses: Vec<ClauseDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionDoc {
    /// Unique within the consultation; importing it again changes nothing.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// The version it was written on.
    pub version: u32,
    /// The clause it is about (a key of that version); none: the whole draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<ClauseKey>,
    /// The name it is published under; `null` when not known.
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<OrganisationDoc>,
    #[serde(default)]
    pub channel: Channel,
    /// The workshop it was said at (an `id` of the consultation's `workshops`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workshop: Option<String>,
    /// For what reached the agency off the portal: the day it was said or received (in
    /// the agency's zone; none: the day of `created_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<NaiveDate>,
    /// How its author is named (off the portal only; none: `named` with an `author`,
    /// else `anonymous`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// Where it can be read (a post on the agency's account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default = "published")]
    pub status: ContributionStatus,
    /// The published rule it was hidden under (hidden ones only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_rule: Option<ReportCategory>,
    /// Plain text, paragraphs separated by a blank line; empty unless published.
    #[serde(default)]
    pub body: String,
}

/// The agency's response to one contribution (`contribution`) or to several making the
/// same point (`contributions`, a group response), with its earlier texts and the
/// clauses that changed because of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDoc {
    /// The `id` of the one contribution of this consultation it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<String>,
    /// The `id`s of the contributions it answers together.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributions: Vec<String>,
    /// The current text.
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    /// One change (the form of earlier files); `changes` says any number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<ChangeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeDoc>,
    /// When the contributions were first answered.
    pub responded_at: DateTime<Utc>,
    /// The earlier texts, oldest first: the first one is the answer of `responded_at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<RevisionDoc>,
    /// When the current text was written, when it revises an earlier one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised_at: Option<DateTime<Utc>>,
}

impl ResponseDoc {
    /// The contributions it answers, whichever field names them.
    pub fn members(&self) -> Vec<&str> {
        self.contribution
            .iter()
            .chain(&self.contributions)
            .map(String::as_str)
            .collect()
    }

    /// The changes, whichever field says them.
    pub fn all_changes(&self) -> impl Iterator<Item = &ChangeDoc> {
        self.changed.iter().chain(&self.changes)
    }
}

/// An earlier text of a response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionDoc {
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    pub written_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeDoc {
    /// A later version than the contribution's.
    pub version: u32,
    /// A clause key of that version; none: the version as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<ClauseKey>,
}

fn published() -> ContributionStatus {
    ContributionStatus::Published
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDoc {
    pub name: String,
    pub kind: OrgKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseDoc {
    pub key: ClauseKey,
    pub kind: ClauseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    pub text: LocalizedText,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// A field is missing, of the wrong type or breaks a rule; `path` names it the way
    /// the file spells it (`consultations[0].versions[1].clauses[3].key`).
    #[error("{path}: {message}")]
    Field { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn field(path: impl Into<String>, message: impl Into<String>) -> ImportError {
    ImportError::Field {
        path: path.into(),
        message: message.into(),
    }
}

/// Parses a document, naming the place of any mistake.
pub fn parse(text: &str) -> Result<Document, ImportError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        if inner.is_syntax() || inner.is_eof() || path == "." {
            ImportError::Syntax {
                line,
                column,
                message: inner.to_string(),
            }
        } else {
            field(path, inner.to_string())
        }
    })?;
    de.end().map_err(|e| ImportError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(doc)
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub consultations: usize,
    pub versions_written: usize,
    pub versions_unchanged: usize,
    pub contributions_written: usize,
    /// Already there from an earlier import (or posted here, for a file exported here).
    pub contributions_unchanged: usize,
    pub responses_written: usize,
    pub workshops: usize,
}

/// Imports a document in one transaction: all of it, or nothing.
pub async fn import(
    db: &Db,
    doc: &Document,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    check(doc)?;
    let mut tx = db.begin().await?;
    let summary = write(&mut tx, doc, now).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Checks everything that can be checked without the database.
fn check(doc: &Document) -> Result<(), ImportError> {
    if doc.format != FORMAT {
        return Err(field("format", format!("expected {FORMAT:?}")));
    }
    for (i, t) in doc.topics.iter().enumerate() {
        if !is_valid_slug(&t.slug) {
            return Err(field(format!("topics[{i}].slug"), SLUG_RULE));
        }
        if t.name.is_empty() {
            return Err(field(format!("topics[{i}].name"), NEEDS_TEXT));
        }
    }
    for (i, a) in doc.agencies.iter().enumerate() {
        if !is_valid_slug(&a.slug) {
            return Err(field(format!("agencies[{i}].slug"), SLUG_RULE));
        }
        if a.name.is_empty() {
            return Err(field(format!("agencies[{i}].name"), NEEDS_TEXT));
        }
        if a.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(field(
                format!("agencies[{i}].time_zone"),
                "not an IANA time zone such as Asia/Riyadh",
            ));
        }
        if a.response_target_days
            .is_some_and(|d| !(1..=crate::ssr::admin::service::MAX_TARGET_DAYS).contains(&d))
        {
            return Err(field(
                format!("agencies[{i}].response_target_days"),
                "a whole number of days from 1 to 365",
            ));
        }
        if a.website.as_deref().is_some_and(|w| !is_web_url(w)) {
            return Err(field(
                format!("agencies[{i}].website"),
                "an http or https address of at most 300 characters",
            ));
        }
    }
    let mut slugs = HashSet::new();
    for (i, c) in doc.consultations.iter().enumerate() {
        let at = |f: &str| format!("consultations[{i}].{f}");
        if !is_valid_slug(&c.slug) {
            return Err(field(at("slug"), SLUG_RULE));
        }
        if !slugs.insert(c.slug.as_str()) {
            return Err(field(at("slug"), "appears twice in this file"));
        }
        if c.title.is_empty() {
            return Err(field(at("title"), NEEDS_TEXT));
        }
        if c.closes_at <= c.opens_at {
            return Err(field(at("closes_at"), "must be after opens_at"));
        }
        if c.versions.is_empty() {
            return Err(field(
                at("versions"),
                "a consultation needs at least one version",
            ));
        }
        for (j, v) in c.versions.iter().enumerate() {
            let at = |f: &str| format!("consultations[{i}].versions[{j}].{f}");
            if usize::try_from(v.number).ok() != Some(j + 1) {
                return Err(field(at("number"), format!("expected {}", j + 1)));
            }
            let last = j + 1 == c.versions.len();
            if v.published_at.is_none() && !(last && c.status == ConsultationStatus::Draft) {
                return Err(field(
                    at("published_at"),
                    "only the last version of a draft consultation may be unpublished",
                ));
            }
            if v.clauses.is_empty() {
                return Err(field(at("clauses"), "a version needs at least one clause"));
            }
            let mut keys = HashSet::new();
            for (k, cl) in v.clauses.iter().enumerate() {
                let at = |f: &str| format!("consultations[{i}].versions[{j}].clauses[{k}].{f}");
                if !keys.insert(&cl.key) {
                    return Err(field(at("key"), "appears twice in this version"));
                }
                if cl.text.is_empty() {
                    return Err(field(at("text"), NEEDS_TEXT));
                }
                if cl.level.is_some_and(|l| !(2..=6).contains(&l)) {
                    return Err(field(at("level"), "headings have a level from 2 to 6"));
                }
            }
        }
        check_contributions(i, c)?;
        workshops::check(i, c)?;
        check_responses(i, c)?;
    }
    Ok(())
}

fn check_responses(i: usize, c: &ConsultationDoc) -> Result<(), ImportError> {
    let mut answered = HashSet::new();
    for (k, r) in c.responses.iter().enumerate() {
        let at = |f: &str| format!("consultations[{i}].responses[{k}].{f}");
        let members = r.members();
        if members.is_empty() || (r.contribution.is_some() && !r.contributions.is_empty()) {
            return Err(field(
                at("contributions"),
                "name the contribution (`contribution`) or the contributions (`contributions`) it answers, once",
            ));
        }
        // The latest version any of its contributions was written on.
        let mut written_on = 0;
        for (j, id) in members.iter().enumerate() {
            let place = if r.contribution.is_some() {
                at("contribution")
            } else {
                at(&format!("contributions[{j}]"))
            };
            let Some(x) = c.contributions.iter().find(|x| x.id == *id) else {
                return Err(field(
                    place,
                    format!("no contribution {id:?} in this consultation"),
                ));
            };
            if !answered.insert(*id) {
                return Err(field(place, "has a response already in this file"));
            }
            written_on = written_on.max(x.version);
        }
        if r.outcome.needs_reasons() && r.reasons.is_empty() {
            return Err(field(at("reasons"), NEEDS_TEXT));
        }
        let mut last = r.responded_at;
        for (j, earlier) in r.revisions.iter().enumerate() {
            if earlier.outcome.needs_reasons() && earlier.reasons.is_empty() {
                return Err(field(at(&format!("revisions[{j}].reasons")), NEEDS_TEXT));
            }
            if earlier.written_at < last {
                return Err(field(
                    at(&format!("revisions[{j}].written_at")),
                    "earlier than the text before it (revisions go oldest first, from responded_at)",
                ));
            }
            last = earlier.written_at;
        }
        match (r.revisions.is_empty(), r.revised_at) {
            (false, None) => {
                return Err(field(at("revised_at"), "needed when there are revisions"));
            }
            (_, Some(revised)) if revised < last => {
                return Err(field(at("revised_at"), "earlier than the text it revises"));
            }
            _ => {}
        }
        let name = if r.changed.is_some() {
            "changed"
        } else {
            "changes"
        };
        for (j, change) in r.all_changes().enumerate() {
            let place = |f: &str| {
                if r.changed.is_some() && j == 0 {
                    at(&format!("changed.{f}"))
                } else {
                    let j = j - usize::from(r.changed.is_some());
                    at(&format!("{name}[{j}].{f}"))
                }
            };
            let Some(version) = c
                .versions
                .iter()
                .find(|v| v.number == change.version && v.published_at.is_some())
            else {
                return Err(field(
                    place("version"),
                    "not a published version of this consultation",
                ));
            };
            if change.version <= written_on {
                return Err(field(
                    place("version"),
                    format!(
                        "must come after version {written_on}, which the contribution was written on"
                    ),
                ));
            }
            if let Some(key) = &change.clause {
                // A clause of that version, or one it removed (of the version before).
                let before = c.versions.iter().find(|v| v.number + 1 == change.version);
                let known = std::iter::once(version)
                    .chain(before)
                    .any(|v| v.clauses.iter().any(|cl| &cl.key == key));
                if !known {
                    return Err(field(
                        place("clause"),
                        format!("version {} has no clause {key:?}", change.version),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The most characters of an external id or a name in a file.
const MAX_ID_CHARS: usize = 100;
const MAX_NAME_CHARS: usize = 200;

/// An id a file gives a contribution or a workshop, checked: `Err` names the rule.
fn external_id(id: &str) -> Result<(), &'static str> {
    let ok = !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':'));
    ok.then_some(())
        .ok_or("1–100 ASCII letters, digits, '-', '_', '.' or ':'")
}

fn check_contributions(i: usize, c: &ConsultationDoc) -> Result<(), ImportError> {
    let mut ids = HashSet::new();
    for (k, x) in c.contributions.iter().enumerate() {
        let at = |f: &str| format!("consultations[{i}].contributions[{k}].{f}");
        external_id(&x.id).map_err(|rule| field(at("id"), rule))?;
        if let Some(parent) = &x.in_reply_to {
            if !ids.contains(parent.as_str()) {
                return Err(field(
                    at("in_reply_to"),
                    format!("no contribution {parent:?} before this one in this consultation"),
                ));
            }
        }
        if !ids.insert(x.id.as_str()) {
            return Err(field(at("id"), "appears twice in this consultation"));
        }
        let Some(version) = c
            .versions
            .iter()
            .find(|v| v.number == x.version && v.published_at.is_some())
        else {
            return Err(field(
                at("version"),
                "not a published version of this consultation",
            ));
        };
        if let Some(key) = &x.clause {
            if !version.clauses.iter().any(|cl| &cl.key == key) {
                return Err(field(
                    at("clause"),
                    format!("version {} has no clause {key:?}", x.version),
                ));
            }
        }
        if x.author
            .as_ref()
            .is_some_and(|a| a.trim().is_empty() || a.chars().count() > MAX_NAME_CHARS)
        {
            return Err(field(at("author"), "a name of 1–200 characters, or null"));
        }
        if let Some(org) = &x.on_behalf_of {
            if org.name.trim().is_empty() || org.name.chars().count() > MAX_NAME_CHARS {
                return Err(field(at("on_behalf_of.name"), "a name of 1–200 characters"));
            }
        }
        let body = normalize_body(&x.body);
        match x.status {
            ContributionStatus::Published => {
                // Said elsewhere and entered by the agency: the length rule holds, the
                // link limit (against spam on the portal) does not.
                if let Err(p) = check_body(&body, 0) {
                    let message = match p {
                        BodyProblem::TooLong => format!("longer than {MAX_BODY_CHARS} characters"),
                        _ => "a published contribution needs its text".to_owned(),
                    };
                    return Err(field(at("body"), message));
                }
            }
            ContributionStatus::Hidden | ContributionStatus::Withdrawn if !body.is_empty() => {
                return Err(field(
                    at("body"),
                    "must be empty: hidden and withdrawn texts are not exchanged",
                ));
            }
            _ => {}
        }
        if (x.status == ContributionStatus::Hidden) != x.hidden_rule.is_some() {
            return Err(field(
                at("hidden_rule"),
                "a hidden contribution names the rule it was hidden under; others have none",
            ));
        }
        let off_portal = x.workshop.is_some()
            || x.received_on.is_some()
            || x.attribution.is_some()
            || x.source_url.is_some();
        if off_portal && x.channel == Channel::Online {
            return Err(field(
                at("channel"),
                "workshop, received_on, attribution and source_url are for what reached the agency off the portal",
            ));
        }
        if x.workshop.is_some() && x.channel != Channel::Workshop {
            return Err(field(at("workshop"), "only with the channel \"workshop\""));
        }
        if x.attribution == Some(Attribution::Named) && x.author.is_none() {
            return Err(field(at("attribution"), "\"named\" needs an author"));
        }
        if x.attribution.is_some_and(|a| a != Attribution::Named) && x.author.is_some() {
            return Err(field(
                at("author"),
                "an author is named only with their consent (attribution \"named\")",
            ));
        }
        if x.source_url.as_deref().is_some_and(|u| !is_web_url(u)) {
            return Err(field(at("source_url"), "an http or https address"));
        }
    }
    Ok(())
}

const SLUG_RULE: &str = "3–80 lower-case letters, digits and single hyphens";
const NEEDS_TEXT: &str = "needs an Arabic or an English text (\"ar\" or \"en\")";

async fn write(
    tx: &mut Tx,
    doc: &Document,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    consultations::begin_bulk_import(tx).await?;
    let mut topic_ids: HashMap<&str, i64> = HashMap::new();
    for t in &doc.topics {
        topic_ids.insert(
            &t.slug,
            consultations::upsert_topic(tx, &t.slug, &t.name).await?,
        );
    }
    for a in &doc.agencies {
        let record = NewAgency {
            slug: a.slug.clone(),
            name: a.name.clone(),
            time_zone: a.time_zone.clone(),
            website: a.website.clone(),
        };
        let id = agencies::upsert(tx, &record, now).await?;
        if let Some(days) = a.response_target_days {
            agencies::set_response_target(tx, AgencyId(id), days).await?;
        }
    }
    let mut summary = ImportSummary::default();
    for (i, c) in doc.consultations.iter().enumerate() {
        let Some(agency_id) = agencies::id_of(tx, &c.agency).await? else {
            return Err(field(
                format!("consultations[{i}].agency"),
                format!("no agency {:?} in this file or in the database", c.agency),
            ));
        };
        let mut topics = Vec::new();
        for (t, slug) in c.topics.iter().enumerate() {
            match topic_ids.get(slug.as_str()) {
                Some(id) => topics.push(*id),
                None => {
                    return Err(field(
                        format!("consultations[{i}].topics[{t}]"),
                        format!("topic {slug:?} is not declared in \"topics\""),
                    ))
                }
            }
        }
        let record = ConsultationRecord {
            slug: c.slug.clone(),
            agency_id,
            title: c.title.clone(),
            summary: c.summary.clone(),
            audience: c.audience.clone(),
            contact_email: c.contact_email.clone(),
            status: c.status,
            opens_at: c.opens_at,
            closes_at: c.closes_at,
            concluded_at: c.concluded_at,
        };
        let id = consultations::upsert(tx, &record, now).await?;
        consultations::set_topics(tx, id, &topics).await?;
        let existing = consultations::versions_in(tx, id).await?;
        for (j, v) in c.versions.iter().enumerate() {
            let clauses = stored_clauses(&v.clauses);
            let note = v.change_note.clone().unwrap_or_default();
            match existing.iter().find(|e| e.number == v.number) {
                Some(e) if e.published_at.is_some() => {
                    let same = e.published_at == v.published_at
                        && e.change_note == note
                        && consultations::clauses_in(tx, e.id).await? == clauses;
                    if !same {
                        return Err(field(
                            format!("consultations[{i}].versions[{j}]"),
                            format!(
                                "version {} is already published and differs from this file; \
                                 published versions never change: add a new version instead",
                                v.number
                            ),
                        ));
                    }
                    summary.versions_unchanged += 1;
                }
                Some(e) => {
                    consultations::update_unpublished_version(tx, e.id, v.published_at, &note)
                        .await?;
                    consultations::replace_clauses(tx, e.id, &clauses).await?;
                    summary.versions_written += 1;
                }
                None => {
                    let vid =
                        consultations::insert_version(tx, id, v.number, v.published_at, &note, now)
                            .await?;
                    consultations::replace_clauses(tx, vid, &clauses).await?;
                    summary.versions_written += 1;
                }
            }
        }
        let versions: HashMap<u32, VersionId> = consultations::versions_in(tx, id)
            .await?
            .into_iter()
            .map(|v| (v.number, v.id))
            .collect();
        let workshop_ids = workshops::write(tx, id, c, now).await?;
        summary.workshops += workshop_ids.len();
        let stored =
            write_contributions(tx, id, c, &versions, &workshop_ids, now, &mut summary).await?;
        for r in &c.responses {
            // Both checked against the file, whose contributions are all stored by now.
            let members: Vec<ContributionId> = r
                .members()
                .iter()
                .filter_map(|m| stored.get(*m).copied())
                .collect();
            if members.is_empty() {
                continue;
            }
            let changes: Vec<(VersionId, Option<ClauseKey>)> = r
                .all_changes()
                .filter_map(|ch| Some((*versions.get(&ch.version)?, ch.clause.clone())))
                .collect();
            let text = |outcome: Outcome, reasons: &LocalizedText| responses::Written {
                outcome,
                reasons: reasons.clone(),
                responder: None,
            };
            // Oldest text first, the current one last, each when it was written; the
            // first is the answer of `responded_at`.
            let mut history: Vec<(responses::Written, DateTime<Utc>)> = r
                .revisions
                .iter()
                .map(|e| (text(e.outcome, &e.reasons), e.written_at))
                .collect();
            history.push((
                text(r.outcome, &r.reasons),
                r.revised_at.unwrap_or(r.responded_at),
            ));
            if let Some(first) = history.first_mut() {
                first.1 = r.responded_at;
            }
            responses::import_group(tx, id, &members, &history, &changes, now).await?;
            summary.responses_written += 1;
        }
        consultations::touch_threads(tx, id).await?;
        summary.consultations += 1;
    }
    Ok(summary)
}

/// Stores the contributions of the file not stored yet, each with its thread and
/// channel; people without an account get a participant record (one per name per
/// import).
/// Returns the stored id of every contribution of the file, by its id in the file.
async fn write_contributions<'a>(
    tx: &mut Tx,
    consultation: ConsultationId,
    c: &'a ConsultationDoc,
    versions: &HashMap<u32, VersionId>,
    workshop_ids: &HashMap<&str, WorkshopId>,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<HashMap<&'a str, ContributionId>, ImportError> {
    let mut stored: HashMap<&str, ContributionId> = HashMap::new();
    let mut people: HashMap<&str, UserId> = HashMap::new();
    for x in &c.contributions {
        if let Some(id) = contributions::by_external(tx, consultation, &x.id, x.created_at).await? {
            stored.insert(&x.id, id);
            summary.contributions_unchanged += 1;
            continue;
        }
        let author = match x.author.as_deref().map(str::trim) {
            Some(name) => match people.get(name) {
                Some(id) => *id,
                None => {
                    let id = users::participant_record(tx, Some(name), now).await?;
                    people.insert(name, id);
                    id
                }
            },
            None => users::participant_record(tx, None, now).await?,
        };
        let body = normalize_body(&x.body);
        let new = NewContribution {
            consultation_id: consultation,
            // Checked against the file's versions, which are all stored by now.
            version_id: versions.get(&x.version).copied().unwrap_or(VersionId(0)),
            clause_key: x.clause.clone(),
            parent_id: x
                .in_reply_to
                .as_deref()
                .and_then(|p| stored.get(p).copied()),
            author,
            speaker: match &x.on_behalf_of {
                Some(o) => Speaker::Organisation {
                    name: o.name.trim().to_owned(),
                    kind: o.kind,
                },
                None => Speaker::Individual,
            },
            body_hash: body_hash(&body),
            body,
            channel: x.channel,
            external_id: Some(x.id.clone()),
            received: receipt(x, workshop_ids),
        };
        let id = contributions::insert_in(tx, &new, x.created_at).await?;
        if x.status != ContributionStatus::Published {
            contributions::set_state(tx, id, x.status, x.hidden_rule).await?;
        }
        stored.insert(&x.id, id);
        summary.contributions_written += 1;
    }
    Ok(stored)
}

/// How a contribution of the file reached the agency, when it says so: a file of
/// before these fields says only its channel, and keeps saying only that.
fn receipt(x: &ContributionDoc, workshop_ids: &HashMap<&str, WorkshopId>) -> Option<Receipt> {
    let says = x.workshop.is_some()
        || x.received_on.is_some()
        || x.attribution.is_some()
        || x.source_url.is_some();
    if !says || x.channel == Channel::Online {
        return None;
    }
    Some(Receipt {
        workshop: x
            .workshop
            .as_deref()
            .and_then(|w| workshop_ids.get(w).copied()),
        received_on: x.received_on.unwrap_or_else(|| x.created_at.date_naive()),
        source_url: x.source_url.clone(),
        entered_by: None,
        attribution: x.attribution.unwrap_or(match x.author {
            Some(_) => Attribution::Named,
            None => Attribution::Anonymous,
        }),
    })
}

/// Clauses as stored: numbers filled in (counting on from the previous numbered clause)
/// and HTML rendered.
fn stored_clauses(docs: &[ClauseDoc]) -> Vec<StoredClause> {
    let mut next_number = 1;
    docs.iter()
        .map(|c| {
            let number = match c.kind {
                ClauseKind::Clause => {
                    let n = c.number.unwrap_or(next_number);
                    next_number = n + 1;
                    Some(n)
                }
                _ => None,
            };
            let text = LocalizedText::new(c.text.ar.clone(), c.text.en.clone());
            StoredClause {
                key: c.key.clone(),
                kind: c.kind,
                level: match c.kind {
                    ClauseKind::Heading => c.level.unwrap_or(2),
                    _ => 0,
                },
                number,
                html: LocalizedText {
                    ar: text.ar.as_deref().map(render),
                    en: text.en.as_deref().map(render),
                },
                text,
            }
        })
        .collect()
}

/// One consultation, its agency and topics as a document.
pub async fn export(
    db: &Db,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<Document>, StoreError> {
    let Some(c) = consultations::by_slug(db, slug).await? else {
        return Ok(None);
    };
    let agency = agencies::by_id(db, c.agency_id).await?;
    let topics = consultations::topics_of(db, c.id).await?;
    let written = contributions::of_consultation(db, c.id).await?;
    // What leaves the portal is what the public reads: a hidden text is kept for its
    // author's appeal only.
    let written = read::read(db, written, Audience::Public).await?;
    let export_id = |x: &ContributionRead| {
        x.external_id
            .clone()
            .unwrap_or_else(|| format!("{EXPORTED_ID_PREFIX}{}", x.id))
    };
    let ids: HashMap<ContributionId, String> =
        written.iter().map(|x| (x.id, export_id(x))).collect();
    let (workshop_docs, workshop_ids) = workshops::export(db, c.id).await?;
    let contributions = written
        .iter()
        .map(|x| ContributionDoc {
            id: export_id(x),
            in_reply_to: x.parent.and_then(|p| ids.get(&p).cloned()),
            version: x.version,
            clause: x.clause.as_ref().map(|cl| cl.key.clone()),
            author: x.author.clone(),
            on_behalf_of: match &x.speaker {
                Speaker::Organisation { name, kind } => Some(OrganisationDoc {
                    name: name.clone(),
                    kind: *kind,
                }),
                Speaker::Individual => None,
            },
            channel: x.channel,
            workshop: x
                .received
                .as_ref()
                .and_then(|r| r.workshop)
                .and_then(|w| workshop_ids.get(&w).cloned()),
            received_on: x.received.as_ref().map(|r| r.received_on),
            attribution: x.received.as_ref().map(|r| r.attribution),
            source_url: x.received.as_ref().and_then(|r| r.source_url.clone()),
            created_at: x.created_at,
            status: x.status,
            hidden_rule: x.hidden_under,
            body: x.body.clone().unwrap_or_default(),
        })
        .collect();
    // A group response leaves as one entry naming all its contributions, with its
    // earlier texts and every clause it changed; in the order of its first contribution.
    let mut responses = Vec::new();
    for r in responses::of_consultation(db, c.id).await? {
        let members: Vec<String> = r
            .members
            .iter()
            .filter_map(|m| ids.get(m).cloned())
            .collect();
        let Some(first) = r.members.iter().find(|m| ids.contains_key(m)).copied() else {
            continue;
        };
        let (contribution, contributions) = match members.as_slice() {
            [one] => (Some(one.clone()), Vec::new()),
            _ => (None, members),
        };
        responses.push((
            first,
            ResponseDoc {
                contribution,
                contributions,
                outcome: r.written.outcome,
                reasons: r.written.reasons.clone(),
                changed: None,
                changes: r
                    .changes
                    .iter()
                    .map(|ch| ChangeDoc {
                        version: ch.version,
                        clause: ch.clause_key.clone(),
                    })
                    .collect(),
                responded_at: r.created_at,
                revisions: r
                    .earlier
                    .iter()
                    .map(|e| RevisionDoc {
                        outcome: e.written.outcome,
                        reasons: e.written.reasons.clone(),
                        written_at: e.written_at,
                    })
                    .collect(),
                revised_at: (r.revision > 1).then_some(r.updated_at),
            },
        ));
    }
    responses.sort_by_key(|(m, _)| *m);
    let responses = responses.into_iter().map(|(_, doc)| doc).collect();
    let mut versions = Vec::new();
    for v in consultations::versions(db, c.id).await? {
        let clauses = consultations::clauses(db, v.id)
            .await?
            .into_iter()
            .map(|cl| ClauseDoc {
                key: cl.key,
                kind: cl.kind,
                level: (cl.kind == ClauseKind::Heading).then_some(cl.level),
                number: cl.number,
                text: cl.text,
            })
            .collect();
        versions.push(VersionDoc {
            number: v.number,
            published_at: v.published_at,
            change_note: (!v.change_note.is_empty()).then_some(v.change_note),
            clauses,
        });
    }
    Ok(Some(Document {
        format: FORMAT.to_owned(),
        exported_at: Some(now),
        topics: topics
            .iter()
            .map(|t| TopicDoc {
                slug: t.slug.clone(),
                name: t.name.clone(),
            })
            .collect(),
        agencies: agency
            .into_iter()
            .map(|a| AgencyDoc {
                slug: a.slug,
                name: a.name,
                time_zone: a.time_zone,
                website: a.website,
                response_target_days: Some(a.response_target_days),
            })
            .collect(),
        consultations: vec![ConsultationDoc {
            slug: c.slug,
            agency: c.agency_slug,
            title: c.title,
            summary: c.summary,
            audience: c.audience,
            topics: topics.into_iter().map(|t| t.slug).collect(),
            contact_email: c.contact_email,
            status: c.status,
            opens_at: c.opens_at,
            closes_at: c.closes_at,
            concluded_at: c.concluded_at,
            versions,
            workshops: workshop_docs,
            contributions,
            responses,
        }],
    }))
}

/// Moves every date of the document by `by` (for the demo data).
pub fn shift_dates(doc: &mut Document, by: Duration) {
    for c in &mut doc.consultations {
        c.opens_at += by;
        c.closes_at += by;
        c.concluded_at = c.concluded_at.map(|d| d + by);
        for v in &mut c.versions {
            v.published_at = v.published_at.map(|d| d + by);
        }
        for w in &mut c.workshops {
            w.starts_at += by;
            w.ends_at += by;
            w.registration_closes_at += by;
            w.cancelled_at = w.cancelled_at.map(|d| d + by);
            w.minutes_published_at = w.minutes_published_at.map(|d| d + by);
        }
        for x in &mut c.contributions {
            x.created_at += by;
            x.received_on = x.received_on.map(|d| d + Duration::days(by.num_days()));
        }
        for r in &mut c.responses {
            r.responded_at += by;
            r.revised_at = r.revised_at.map(|d| d + by);
            for e in &mut r.revisions {
                e.written_at += by;
            }
        }
    }
    doc.exported_at = doc.exported_at.map(|d| d + by);
}
