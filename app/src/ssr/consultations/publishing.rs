//! What agency staff do with a consultation: create it, write its draft, move it through
//! its life, publish new versions. Each function checks that the person speaks for the
//! consultation's agency and records what it did in the audit log, in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::consultations::form::field;
use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::consultation::is_valid_slug;
use crate::domain::{
    ClauseKey, ConsultationId, ConsultationStatus, Lang, LocalizedText, Transition,
};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::admin::store::audit::{self, AuditAction, AuditEntry};
use crate::ssr::agencies::store as agencies;
use crate::ssr::calendar::{local_input, parse_local};
use crate::ssr::consultations::markdown as draft;
use crate::ssr::consultations::markdown::{assign_keys, DraftClause};
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::{Consultation, ConsultationRecord, StoredClause};
use crate::ssr::db::{Db, StoreError};
use crate::ssr::state::AppState;

const MAX_TITLE_CHARS: usize = 300;
const MAX_SUMMARY_CHARS: usize = 3000;
const MAX_DRAFT_CHARS: usize = 200_000;
/// The most clauses a draft may have: far beyond any guideline (the demo's has 24),
/// and a bound on the key matching, which compares each clause with each earlier one.
pub const MAX_CLAUSES: usize = 1000;

/// Why creating, saving or moving a consultation on was refused.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// Concluded consultations are final.
    #[error("concluded")]
    Concluded,
    #[error("transition not allowed now")]
    TransitionNotAllowed,
    /// Scheduling needs an opening time still to come.
    #[error("opens in the past")]
    OpensInPast,
    /// Opening now needs a closing time still to come.
    #[error("period invalid")]
    PeriodInvalid,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file (an attached document) could not be written.
    #[error("file not stored: {0}")]
    File(#[from] std::io::Error),
    /// The thread that parses drafts failed (a bug; the draft is not saved).
    #[error("draft processing failed: {0}")]
    Internal(String),
}

/// A text typed in both languages (either may be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bilingual {
    pub ar: String,
    pub en: String,
}

impl Bilingual {
    fn read(pair: [&'static str; 2], get: &impl Fn(&str) -> String) -> Bilingual {
        Bilingual {
            ar: get(pair[0]),
            en: get(pair[1]),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }

    pub fn set(&mut self, lang: Lang, text: String) {
        match lang {
            Lang::Ar => self.ar = text,
            Lang::En => self.en = text,
        }
    }

    /// Trimmed, with empty texts left out.
    fn localized(&self) -> LocalizedText {
        LocalizedText::new(non_empty(&self.ar), non_empty(&self.en))
    }
}

/// The consultation editor as typed: text, checked when saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorInput {
    pub slug: String,
    pub title: Bilingual,
    pub summary: Bilingual,
    pub audience: Bilingual,
    pub contact_email: String,
    /// Topic slugs, separated by commas, Arabic commas or spaces.
    pub topics: String,
    /// `datetime-local` values, in the agency's time zone.
    pub opens_at: String,
    pub closes_at: String,
    /// Markdown.
    pub draft: Bilingual,
    /// Said when a published draft changes: what changed.
    pub change_note: Bilingual,
}

impl EditorInput {
    /// The editor's fields read by name (`get` gives "" for a missing one).
    pub fn read(get: impl Fn(&str) -> String) -> EditorInput {
        EditorInput {
            slug: get(field::SLUG),
            title: Bilingual::read(field::TITLE, &get),
            summary: Bilingual::read(field::SUMMARY, &get),
            audience: Bilingual::read(field::AUDIENCE, &get),
            contact_email: get(field::CONTACT_EMAIL),
            topics: get(field::TOPICS),
            opens_at: get(field::OPENS_AT),
            closes_at: get(field::CLOSES_AT),
            draft: Bilingual::read(field::DRAFT, &get),
            change_note: Bilingual::read(field::CHANGE_NOTE, &get),
        }
    }

    /// The fields by name, to fill the editor with.
    pub fn fields(&self) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            f.insert(k.to_owned(), v.to_owned());
        };
        put(field::SLUG, &self.slug);
        for (pair, text) in [
            (field::TITLE, &self.title),
            (field::SUMMARY, &self.summary),
            (field::AUDIENCE, &self.audience),
            (field::DRAFT, &self.draft),
            (field::CHANGE_NOTE, &self.change_note),
        ] {
            put(pair[0], &text.ar);
            put(pair[1], &text.en);
        }
        put(field::CONTACT_EMAIL, &self.contact_email);
        put(field::TOPICS, &self.topics);
        put(field::OPENS_AT, &self.opens_at);
        put(field::CLOSES_AT, &self.closes_at);
        f
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The checked contents of the editor.
struct Checked {
    title: LocalizedText,
    summary: LocalizedText,
    audience: LocalizedText,
    contact_email: Option<String>,
    topics: Vec<i64>,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    change_note: LocalizedText,
}

async fn check_fields(
    state: &AppState,
    input: &EditorInput,
    time_zone: &str,
    errors: &mut FieldErrors,
) -> Result<Checked, StoreError> {
    let title = input.title.localized();
    if title.is_empty() {
        errors.add(field::TITLE[0], FormMessage::NameInOneLanguage);
    }
    for (pair, text, max) in [
        (field::TITLE, &input.title, MAX_TITLE_CHARS),
        (field::SUMMARY, &input.summary, MAX_SUMMARY_CHARS),
        (field::AUDIENCE, &input.audience, MAX_SUMMARY_CHARS),
        (field::CHANGE_NOTE, &input.change_note, MAX_SUMMARY_CHARS),
    ] {
        for lang in Lang::ALL {
            if text.get(lang).chars().count() > max {
                errors.add(field::of(pair, lang), FormMessage::TextTooLong);
            }
        }
    }
    let contact_email = non_empty(&input.contact_email);
    if contact_email
        .as_deref()
        .is_some_and(|m| crate::domain::account::normalize_email(m).is_err())
    {
        errors.add(field::CONTACT_EMAIL, FormMessage::EmailMalformed);
    }
    let known = consultations::topics(&state.db).await?;
    let mut topics = Vec::new();
    for slug in input
        .topics
        .split([',', '،', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match known.iter().find(|t| t.slug == slug) {
            Some(t) => topics.push(t.id),
            None => errors.add(field::TOPICS, FormMessage::TopicUnknown),
        }
    }
    let mut moment = |name: &'static str, raw: &str| {
        let raw = raw.trim();
        let parsed = parse_local(raw, time_zone);
        if parsed.is_none() {
            let message = if raw.is_empty() {
                FormMessage::Required
            } else {
                FormMessage::DateMalformed
            };
            errors.add(name, message);
        }
        parsed.unwrap_or_default()
    };
    let opens_at = moment(field::OPENS_AT, &input.opens_at);
    let closes_at = moment(field::CLOSES_AT, &input.closes_at);
    if errors.get(field::CLOSES_AT).is_none() && closes_at <= opens_at {
        errors.add(field::CLOSES_AT, FormMessage::PeriodInvalid);
    }
    Ok(Checked {
        title,
        summary: input.summary.localized(),
        audience: input.audience.localized(),
        contact_email,
        topics,
        opens_at,
        closes_at,
        change_note: input.change_note.localized(),
    })
}

/// [`parse_draft`] on a blocking thread: parsing, rendering and the key matching are
/// CPU work that must not hold up the async workers serving other requests.
async fn parse_draft_apart(
    input: &Bilingual,
    previous: &[StoredClause],
    errors: &mut FieldErrors,
) -> Result<Vec<StoredClause>, PublishError> {
    let (input, previous) = (input.clone(), previous.to_vec());
    let (clauses, found) = tokio::task::spawn_blocking(move || {
        let mut found = FieldErrors::default();
        let clauses = parse_draft(&input, &previous, &mut found);
        (clauses, found)
    })
    .await
    .map_err(|e| PublishError::Internal(e.to_string()))?;
    errors.merge(found);
    Ok(clauses)
}

/// Parses the draft in both languages into clauses keyed against `previous`.
/// Arabic leads when both are given: the English text must have the same clauses, in
/// the same order. A text too long is not parsed at all.
fn parse_draft(
    input: &Bilingual,
    previous: &[StoredClause],
    errors: &mut FieldErrors,
) -> Vec<StoredClause> {
    let text =
        |lang: Lang| Some(input.get(lang).replace("\r\n", "\n")).filter(|s| !s.trim().is_empty());
    let (ar, en) = (text(Lang::Ar), text(Lang::En));
    let mut too_long = false;
    for (lang, t) in [(Lang::Ar, &ar), (Lang::En, &en)] {
        if t.as_ref()
            .is_some_and(|t| t.chars().count() > MAX_DRAFT_CHARS)
        {
            errors.add(field::of(field::DRAFT, lang), FormMessage::TextTooLong);
            too_long = true;
        }
    }
    if too_long {
        return Vec::new();
    }
    let (lead_lang, lead, second) = match (&ar, &en) {
        (Some(a), second) => (
            Lang::Ar,
            a.as_str(),
            second.as_deref().map(|e| (Lang::En, e)),
        ),
        (None, Some(e)) => (Lang::En, e.as_str(), None),
        (None, None) => {
            errors.add(field::DRAFT[0], FormMessage::DraftEmpty);
            return Vec::new();
        }
    };
    let parsed = draft::parse(lead);
    if parsed.is_empty() {
        errors.add(field::of(field::DRAFT, lead_lang), FormMessage::DraftEmpty);
        return Vec::new();
    }
    if parsed.len() > MAX_CLAUSES {
        errors.add(
            field::of(field::DRAFT, lead_lang),
            FormMessage::TooManyClauses,
        );
        return Vec::new();
    }
    let clauses = assign_keys(&in_language(previous, lead_lang), parsed, ClauseKey::random);
    let translation = second.map(|(lang, t)| (lang, draft::parse(t)));
    if let Some((lang, tr)) = &translation {
        let same_shape =
            tr.len() == clauses.len() && tr.iter().zip(&clauses).all(|(a, b)| a.kind == b.kind);
        if !same_shape {
            errors.add(
                field::of(field::DRAFT, *lang),
                FormMessage::TranslationMismatch,
            );
            return Vec::new();
        }
    }
    clauses
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let other = translation
                .as_ref()
                .and_then(|(_, tr)| tr.get(i))
                .map(|p| p.text.clone());
            let text = match lead_lang {
                Lang::Ar => LocalizedText::new(Some(c.text), other),
                Lang::En => LocalizedText::new(None, Some(c.text)),
            };
            StoredClause {
                html: LocalizedText {
                    ar: text.ar.as_deref().map(draft::render),
                    en: text.en.as_deref().map(draft::render),
                },
                text,
                key: c.key,
                kind: c.kind,
                level: c.level,
                number: c.number,
            }
        })
        .collect()
}

/// The clauses that have a text in `lang`, with that text.
pub(crate) fn in_language(clauses: &[StoredClause], lang: Lang) -> Vec<DraftClause> {
    clauses
        .iter()
        .filter_map(|c| {
            Some(DraftClause {
                key: c.key.clone(),
                kind: c.kind,
                level: c.level,
                number: c.number,
                text: c.text.get(lang)?.to_owned(),
            })
        })
        .collect()
}

pub(crate) fn audit(
    signed: &Signed,
    action: AuditAction,
    c: ConsultationId,
    detail: serde_json::Value,
    ip: Option<String>,
) -> AuditEntry {
    AuditEntry {
        actor: Some(signed.user.id),
        action,
        target: format!("consultation:{c}"),
        detail,
        ip,
    }
}

/// Creates a consultation of `agency_slug` as a draft with its first version; its slug.
pub async fn create(
    state: &AppState,
    signed: &Signed,
    agency_slug: &str,
    input: &EditorInput,
    ip: Option<String>,
) -> Result<String, PublishError> {
    let Some(agency) = agencies::by_slug(&state.db, agency_slug).await? else {
        return Err(Denied::Forbidden.into());
    };
    authorise(Some(&signed.actor), Action::ActForAgency(agency.id))?;
    let mut errors = FieldErrors::default();
    let slug = input.slug.trim().to_lowercase();
    if slug.is_empty() {
        errors.add(field::SLUG, FormMessage::Required);
    } else if !is_valid_slug(&slug) {
        errors.add(field::SLUG, FormMessage::SlugMalformed);
    }
    let checked = check_fields(state, input, &agency.time_zone, &mut errors).await?;
    let clauses = parse_draft_apart(&input.draft, &[], &mut errors).await?;
    errors.check().map_err(PublishError::Invalid)?;
    let now = state.clock.now();
    let record = ConsultationRecord {
        slug: slug.clone(),
        agency_id: agency.id,
        title: checked.title,
        summary: checked.summary,
        audience: checked.audience,
        contact_email: checked.contact_email,
        status: ConsultationStatus::Draft,
        opens_at: checked.opens_at,
        closes_at: checked.closes_at,
        concluded_at: None,
    };
    let result: Result<(), StoreError> = async {
        let mut tx = state.db.begin().await?;
        if consultations::id_of(&mut tx, &slug).await?.is_some() {
            return Err(StoreError::Conflict("slug"));
        }
        let id = consultations::upsert(&mut tx, &record, now).await?;
        consultations::set_topics(&mut tx, id, &checked.topics).await?;
        let version =
            consultations::insert_version(&mut tx, id, 1, None, &LocalizedText::default(), now)
                .await?;
        consultations::replace_clauses(&mut tx, version, &clauses).await?;
        let detail = serde_json::json!({ "slug": slug, "clauses": clauses.len() });
        audit::insert(
            &mut tx,
            &audit(signed, AuditAction::ConsultationCreate, id, detail, ip),
            now,
        )
        .await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => Ok(slug),
        Err(StoreError::Conflict(_)) => Err(PublishError::Invalid(FieldErrors::one(
            field::SLUG,
            FormMessage::SlugTaken,
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The consultation if `signed` speaks for its agency.
pub(crate) async fn editable(
    state: &AppState,
    signed: &Signed,
    slug: &str,
) -> Result<Consultation, PublishError> {
    let c = consultations::by_slug(&state.db, slug)
        .await?
        .ok_or(PublishError::Denied(Denied::Forbidden))?;
    authorise(Some(&signed.actor), Action::ActForAgency(c.agency_id))?;
    Ok(c)
}

/// What saving the editor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The unpublished draft (and details) were updated.
    Draft,
    /// The draft changed after publication: this version number was published.
    NewVersion(u32),
    /// Only the details changed.
    Details,
}

/// Saves the editor: details, and the draft (in place while unpublished; as a new
/// published version, with its change note, once the consultation is public).
pub async fn save(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: &EditorInput,
    ip: Option<String>,
) -> Result<Saved, PublishError> {
    let c = editable(state, signed, slug).await?;
    let now = state.clock.now();
    let status = c.status_at(now);
    if status == ConsultationStatus::Concluded {
        return Err(PublishError::Concluded);
    }
    let mut errors = FieldErrors::default();
    // The period is fixed once the consultation has opened: what the form says of it
    // then is not read.
    let period_open = matches!(
        status,
        ConsultationStatus::Draft | ConsultationStatus::Scheduled
    );
    let mut period = input.clone();
    if !period_open {
        period.opens_at = local_input(c.opens_at, &c.agency_time_zone);
        period.closes_at = local_input(c.closes_at, &c.agency_time_zone);
    }
    let mut checked = check_fields(state, &period, &c.agency_time_zone, &mut errors).await?;
    if !period_open {
        checked.opens_at = c.opens_at;
        checked.closes_at = c.closes_at;
    } else if status == ConsultationStatus::Scheduled && checked.opens_at <= now {
        errors.add(field::OPENS_AT, FormMessage::OpensInPast);
    }
    let versions = consultations::versions(&state.db, c.id).await?;
    let Some(latest) = versions.last() else {
        return Err(StoreError::corrupt("versions", "consultation_id", c.id).into());
    };
    let previous = consultations::clauses(&state.db, latest.id).await?;
    let clauses = parse_draft_apart(&input.draft, &previous, &mut errors).await?;
    let draft_changed = clauses != previous;
    let publishing = draft_changed && latest.published_at.is_some();
    if publishing && checked.change_note.is_empty() {
        errors.add(field::CHANGE_NOTE[0], FormMessage::ChangeNoteRequired);
    }
    errors.check().map_err(PublishError::Invalid)?;
    let record = ConsultationRecord {
        slug: c.slug.clone(),
        agency_id: c.agency_id,
        title: checked.title,
        summary: checked.summary,
        audience: checked.audience,
        contact_email: checked.contact_email,
        status: c.status,
        opens_at: checked.opens_at,
        closes_at: checked.closes_at,
        concluded_at: c.concluded_at,
    };
    let outcome = if publishing {
        Saved::NewVersion(latest.number + 1)
    } else if draft_changed {
        Saved::Draft
    } else {
        Saved::Details
    };
    let result: Result<(), StoreError> = async {
        let mut tx = state.db.begin().await?;
        let id = consultations::upsert(&mut tx, &record, now).await?;
        consultations::set_topics(&mut tx, id, &checked.topics).await?;
        match outcome {
            Saved::NewVersion(n) => {
                let v = consultations::insert_version(
                    &mut tx,
                    id,
                    n,
                    Some(now),
                    &checked.change_note,
                    now,
                )
                .await?;
                consultations::replace_clauses(&mut tx, v, &clauses).await?;
                let detail = serde_json::json!({ "version": n, "clauses": clauses.len() });
                audit::insert(
                    &mut tx,
                    &audit(signed, AuditAction::VersionPublish, id, detail, ip),
                    now,
                )
                .await?;
            }
            Saved::Draft => {
                consultations::replace_clauses(&mut tx, latest.id, &clauses).await?;
                let detail = serde_json::json!({ "clauses": clauses.len() });
                audit::insert(
                    &mut tx,
                    &audit(signed, AuditAction::ConsultationSave, id, detail, ip),
                    now,
                )
                .await?;
            }
            Saved::Details => {
                audit::insert(
                    &mut tx,
                    &audit(
                        signed,
                        AuditAction::ConsultationSave,
                        id,
                        serde_json::json!({}),
                        ip,
                    ),
                    now,
                )
                .await?;
            }
        }
        tx.commit().await
    }
    .await;
    result?;
    if let Saved::NewVersion(_) = outcome {
        // Followers hear of it now rather than at the next minute tick, but off the
        // request: telling hundreds of them must not hold the editor's answer. The
        // tick catches up if this fails (each event is told once either way).
        let (db, url, slug) = (state.db.clone(), state.public_url.clone(), c.slug.clone());
        tokio::spawn(async move {
            if let Err(err) =
                crate::ssr::notifications::service::tell_followers(&db, &url, now).await
            {
                tracing::error!(error = %err, consultation = %slug, "followers not told of the new version");
            }
        });
    }
    Ok(outcome)
}

/// Moves the consultation on in its life; publishing the first version when it leaves
/// the draft stage.
pub async fn transition(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    transition: Transition,
    ip: Option<String>,
) -> Result<ConsultationStatus, PublishError> {
    let c = editable(state, signed, slug).await?;
    let now = state.clock.now();
    let current = c.status_at(now);
    let t = transition;
    if !t.applies_to(current) {
        return Err(PublishError::TransitionNotAllowed);
    }
    let (mut opens_at, mut closes_at, mut concluded_at) = (c.opens_at, c.closes_at, c.concluded_at);
    let status = match t {
        Transition::Schedule => {
            if opens_at <= now {
                return Err(PublishError::OpensInPast);
            }
            ConsultationStatus::Scheduled
        }
        Transition::OpenNow => {
            if closes_at <= now {
                return Err(PublishError::PeriodInvalid);
            }
            opens_at = now;
            ConsultationStatus::Open
        }
        Transition::CloseNow => {
            closes_at = now.max(opens_at + chrono::Duration::seconds(1));
            ConsultationStatus::Closed
        }
        Transition::Conclude => {
            concluded_at = Some(now);
            ConsultationStatus::Concluded
        }
    };
    let record = ConsultationRecord {
        slug: c.slug.clone(),
        agency_id: c.agency_id,
        title: c.title,
        summary: c.summary,
        audience: c.audience,
        contact_email: c.contact_email,
        status,
        opens_at,
        closes_at,
        concluded_at,
    };
    let result: Result<(), StoreError> = async {
        let mut tx = state.db.begin().await?;
        let id = consultations::upsert(&mut tx, &record, now).await?;
        for v in consultations::versions_in(&mut tx, id).await? {
            if v.published_at.is_none() {
                consultations::update_unpublished_version(&mut tx, v.id, Some(now), &v.change_note)
                    .await?;
            }
        }
        let detail = serde_json::json!({ "from": current.as_str(), "to": status.as_str() });
        audit::insert(
            &mut tx,
            &audit(signed, AuditAction::ConsultationStatus, id, detail, ip),
            now,
        )
        .await?;
        tx.commit().await
    }
    .await;
    result?;
    Ok(status)
}

/// The editor filled from the stored consultation.
pub async fn current_input(db: &Db, c: &Consultation) -> Result<EditorInput, StoreError> {
    let text = |t: &LocalizedText| Bilingual {
        ar: t.ar.clone().unwrap_or_default(),
        en: t.en.clone().unwrap_or_default(),
    };
    let local = |at: DateTime<Utc>| local_input(at, &c.agency_time_zone);
    let topics: Vec<String> = consultations::topics_of(db, c.id)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    let mut input = EditorInput {
        slug: c.slug.clone(),
        title: text(&c.title),
        summary: text(&c.summary),
        audience: text(&c.audience),
        contact_email: c.contact_email.clone().unwrap_or_default(),
        topics: topics.join(", "),
        opens_at: local(c.opens_at),
        closes_at: local(c.closes_at),
        ..Default::default()
    };
    if let Some(latest) = consultations::versions(db, c.id).await?.last() {
        let clauses = consultations::clauses(db, latest.id).await?;
        for lang in Lang::ALL {
            let in_lang = in_language(&clauses, lang);
            if !in_lang.is_empty() {
                input.draft.set(lang, draft::to_markdown(&in_lang));
            }
        }
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(ar: String) -> Bilingual {
        Bilingual {
            ar,
            en: String::new(),
        }
    }

    #[test]
    fn a_text_too_long_is_refused_without_being_parsed() {
        // Numbered lines: parsed, each would be a clause to key and render.
        let long = "1. بند\n".repeat(MAX_DRAFT_CHARS / 7 + 10);
        let mut errors = FieldErrors::default();
        let clauses = parse_draft(&draft(long), &[], &mut errors);
        assert!(clauses.is_empty());
        // Only the length is reported: past it nothing is parsed, so no clause count.
        assert_eq!(
            errors,
            FieldErrors::one("draft_ar", FormMessage::TextTooLong)
        );
    }

    #[test]
    fn a_draft_has_at_most_max_clauses() {
        let many: String = (1..=MAX_CLAUSES + 1)
            .map(|i| format!("{i}. البند رقم {i}\n\n"))
            .collect();
        let mut errors = FieldErrors::default();
        assert!(parse_draft(&draft(many), &[], &mut errors).is_empty());
        assert_eq!(
            errors,
            FieldErrors::one("draft_ar", FormMessage::TooManyClauses)
        );
        let enough: String = (1..=MAX_CLAUSES)
            .map(|i| format!("{i}. البند رقم {i}\n\n"))
            .collect();
        let mut errors = FieldErrors::default();
        assert_eq!(
            parse_draft(&draft(enough), &[], &mut errors).len(),
            MAX_CLAUSES
        );
        assert!(errors.is_empty(), "{errors:?}");
    }
}
