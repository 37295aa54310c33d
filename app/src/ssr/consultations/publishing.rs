//! What agency staff do with a consultation: create it, write its draft, move it through
//! its life, publish new versions. Each function checks that the person speaks for the
//! consultation's agency and records what it did in the audit log, in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::domain::authz::{authorise, Action};
use crate::domain::consultation::is_valid_slug;
use crate::domain::{ConsultationStatus, Lang, LocalizedText, Transition};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::admin::store::audit::{self, AuditAction, AuditEntry};
use crate::ssr::agencies::store as agencies;
use crate::ssr::calendar::zone;
use crate::ssr::consultations::markdown as draft;
use crate::ssr::consultations::markdown::{assign_keys, new_key, DraftClause};
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::{Consultation, ConsultationRecord, StoredClause};
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ui::form::{FormFeedback, FormMessage};

const MAX_TITLE_CHARS: usize = 300;
const MAX_SUMMARY_CHARS: usize = 3000;
const MAX_DRAFT_CHARS: usize = 200_000;
/// The `datetime-local` format of the period fields, in the agency's time zone.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// The fields of the consultation editor, as typed.
pub type Fields = BTreeMap<String, String>;

/// The names of the editor's text fields (all but the CSRF token and intent).
pub const FIELDS: [&str; 15] = [
    "slug",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "audience_ar",
    "audience_en",
    "contact_email",
    "topics",
    "opens_at",
    "closes_at",
    "draft_ar",
    "draft_en",
    "change_note_ar",
    "change_note_en",
];

pub(crate) fn internal(err: impl std::fmt::Display) -> FormFeedback {
    tracing::error!(error = %err, "consultation operation failed");
    FormFeedback {
        summary: Some(FormMessage::Internal),
        ..Default::default()
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

fn localized(fields: &Fields, name: &str) -> LocalizedText {
    let get = |lang: &str| {
        fields
            .get(&format!("{name}_{lang}"))
            .and_then(|v| non_empty(v))
    };
    LocalizedText::new(get("ar"), get("en"))
}

async fn check_fields(
    state: &AppState,
    fields: &Fields,
    time_zone: &str,
    fb: &mut FormFeedback,
) -> Result<Checked, StoreError> {
    let title = localized(fields, "title");
    if title.is_empty() {
        fb.errors
            .insert("title_ar".into(), FormMessage::NameInOneLanguage);
    }
    for (name, max) in [
        ("title", MAX_TITLE_CHARS),
        ("summary", MAX_SUMMARY_CHARS),
        ("audience", MAX_SUMMARY_CHARS),
        ("change_note", MAX_SUMMARY_CHARS),
    ] {
        for lang in ["ar", "en"] {
            let key = format!("{name}_{lang}");
            if fields.get(&key).is_some_and(|v| v.chars().count() > max) {
                fb.errors.insert(key, FormMessage::TextTooLong);
            }
        }
    }
    let contact_email = fields.get("contact_email").and_then(|v| non_empty(v));
    if contact_email
        .as_deref()
        .is_some_and(|m| crate::domain::account::normalize_email(m).is_err())
    {
        fb.errors
            .insert("contact_email".into(), FormMessage::EmailMalformed);
    }
    let known = consultations::topics(&state.db).await?;
    let mut topics = Vec::new();
    for slug in fields
        .get("topics")
        .map(String::as_str)
        .unwrap_or("")
        .split([',', '،', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match known.iter().find(|t| t.slug == slug) {
            Some(t) => topics.push(t.id),
            None => {
                fb.errors.insert("topics".into(), FormMessage::TopicUnknown);
            }
        }
    }
    let tz = zone(time_zone);
    let mut moment = |name: &str| {
        let raw = fields.get(name).map(|v| v.trim()).unwrap_or("");
        let parsed = NaiveDateTime::parse_from_str(raw, LOCAL_FORMAT)
            .ok()
            .and_then(|n| tz.from_local_datetime(&n).single())
            .map(|d| d.with_timezone(&Utc));
        if parsed.is_none() {
            let message = if raw.is_empty() {
                FormMessage::Required
            } else {
                FormMessage::DateMalformed
            };
            fb.errors.insert(name.to_owned(), message);
        }
        parsed.unwrap_or_default()
    };
    let opens_at = moment("opens_at");
    let closes_at = moment("closes_at");
    if !fb.errors.contains_key("closes_at") && closes_at <= opens_at {
        fb.errors
            .insert("closes_at".into(), FormMessage::PeriodInvalid);
    }
    Ok(Checked {
        title,
        summary: localized(fields, "summary"),
        audience: localized(fields, "audience"),
        contact_email,
        topics,
        opens_at,
        closes_at,
        change_note: localized(fields, "change_note"),
    })
}

/// Parses the draft in both languages into clauses keyed against `previous`.
/// Arabic leads when both are given: the English text must have the same clauses, in
/// the same order.
fn parse_draft(
    fields: &Fields,
    previous: &[StoredClause],
    fb: &mut FormFeedback,
) -> Vec<StoredClause> {
    let text = |lang: &str| {
        fields
            .get(&format!("draft_{lang}"))
            .map(|s| s.replace("\r\n", "\n"))
            .filter(|s| !s.trim().is_empty())
    };
    let (ar, en) = (text("ar"), text("en"));
    for (name, t) in [("draft_ar", &ar), ("draft_en", &en)] {
        if t.as_ref()
            .is_some_and(|t| t.chars().count() > MAX_DRAFT_CHARS)
        {
            fb.errors.insert(name.into(), FormMessage::TextTooLong);
        }
    }
    let (lead_lang, lead, second) = match (&ar, &en) {
        (Some(a), second) => (
            Lang::Ar,
            a.as_str(),
            second.as_deref().map(|e| (Lang::En, e)),
        ),
        (None, Some(e)) => (Lang::En, e.as_str(), None),
        (None, None) => {
            fb.errors.insert("draft_ar".into(), FormMessage::DraftEmpty);
            return Vec::new();
        }
    };
    let parsed = draft::parse(lead);
    if parsed.is_empty() {
        fb.errors.insert(
            format!("draft_{}", lead_lang.code()),
            FormMessage::DraftEmpty,
        );
        return Vec::new();
    }
    let clauses = assign_keys(&in_language(previous, lead_lang), parsed, new_key);
    let translation = second.map(|(lang, t)| (lang, draft::parse(t)));
    if let Some((lang, tr)) = &translation {
        let same_shape =
            tr.len() == clauses.len() && tr.iter().zip(&clauses).all(|(a, b)| a.kind == b.kind);
        if !same_shape {
            fb.errors.insert(
                format!("draft_{}", lang.code()),
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

fn feedback_with(fields: &Fields) -> FormFeedback {
    FormFeedback {
        values: fields
            .iter()
            .filter(|(k, _)| FIELDS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn audit(
    signed: &Signed,
    action: AuditAction,
    c: i64,
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
    fields: &Fields,
    ip: Option<String>,
) -> Result<String, FormFeedback> {
    let Some(agency) = agencies::by_slug(&state.db, agency_slug)
        .await
        .map_err(internal)?
    else {
        return Err(crate::ssr::admin::service::denied(
            crate::domain::authz::Denied::Forbidden,
        ));
    };
    authorise(Some(&signed.actor), Action::ActForAgency(agency.id))
        .map_err(crate::ssr::admin::service::denied)?;
    let mut fb = feedback_with(fields);
    let slug = fields
        .get("slug")
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    if slug.is_empty() {
        fb.errors.insert("slug".into(), FormMessage::Required);
    } else if !is_valid_slug(&slug) {
        fb.errors.insert("slug".into(), FormMessage::SlugMalformed);
    }
    let checked = check_fields(state, fields, &agency.time_zone, &mut fb)
        .await
        .map_err(internal)?;
    let clauses = parse_draft(fields, &[], &mut fb);
    if fb.has_errors() {
        return Err(fb);
    }
    let now = state.clock.now();
    let record = ConsultationRecord {
        slug: slug.clone(),
        agency_id: agency.id.0,
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
        Err(StoreError::Conflict(_)) => {
            fb.errors.insert("slug".into(), FormMessage::SlugTaken);
            Err(fb)
        }
        Err(e) => Err(internal(e)),
    }
}

/// The consultation if `signed` speaks for its agency.
pub(crate) async fn editable(
    state: &AppState,
    signed: &Signed,
    slug: &str,
) -> Result<Consultation, FormFeedback> {
    let c = consultations::by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            crate::ssr::admin::service::denied(crate::domain::authz::Denied::Forbidden)
        })?;
    authorise(Some(&signed.actor), Action::ActForAgency(c.agency_id))
        .map_err(crate::ssr::admin::service::denied)?;
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
    fields: &Fields,
    ip: Option<String>,
) -> Result<Saved, FormFeedback> {
    let c = editable(state, signed, slug).await?;
    let now = state.clock.now();
    let status = c.status_at(now);
    let mut fb = feedback_with(fields);
    if status == ConsultationStatus::Concluded {
        fb.summary = Some(FormMessage::ConsultationConcluded);
        return Err(fb);
    }
    let mut checked = check_fields(state, fields, &c.agency_time_zone, &mut fb)
        .await
        .map_err(internal)?;
    // The period is fixed once the consultation has opened.
    if !matches!(
        status,
        ConsultationStatus::Draft | ConsultationStatus::Scheduled
    ) {
        fb.errors.remove("opens_at");
        fb.errors.remove("closes_at");
        checked.opens_at = c.opens_at;
        checked.closes_at = c.closes_at;
    } else if status == ConsultationStatus::Scheduled && checked.opens_at <= now {
        fb.errors
            .insert("opens_at".into(), FormMessage::OpensInPast);
    }
    let versions = consultations::versions(&state.db, c.id.0)
        .await
        .map_err(internal)?;
    let Some(latest) = versions.last() else {
        return Err(internal("consultation without a version"));
    };
    let previous = consultations::clauses(&state.db, latest.id)
        .await
        .map_err(internal)?;
    let clauses = parse_draft(fields, &previous, &mut fb);
    let draft_changed = clauses != previous;
    let publishing = draft_changed && latest.published_at.is_some();
    if publishing && checked.change_note.is_empty() {
        fb.errors
            .insert("change_note_ar".into(), FormMessage::ChangeNoteRequired);
    }
    if fb.has_errors() {
        return Err(fb);
    }
    let record = ConsultationRecord {
        slug: c.slug.clone(),
        agency_id: c.agency_id.0,
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
    result.map_err(internal)?;
    if let Saved::NewVersion(_) = outcome {
        // Followers hear of it now rather than at the next minute tick, but off the
        // request: telling hundreds of them must not hold the editor's answer. The
        // tick catches up if this fails (each event is told once either way).
        let (db, url, slug) = (
            state.db.clone(),
            state.public_url.trim_end_matches('/').to_owned(),
            c.slug.clone(),
        );
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
    transition: Option<Transition>,
    ip: Option<String>,
) -> Result<ConsultationStatus, FormFeedback> {
    let c = editable(state, signed, slug).await?;
    let now = state.clock.now();
    let current = c.status_at(now);
    let refuse = |m: FormMessage| FormFeedback {
        summary: Some(m),
        ..Default::default()
    };
    let Some(t) = transition.filter(|t| t.applies_to(current)) else {
        return Err(refuse(FormMessage::TransitionNotAllowed));
    };
    let (mut opens_at, mut closes_at, mut concluded_at) = (c.opens_at, c.closes_at, c.concluded_at);
    let status = match t {
        Transition::Schedule => {
            if opens_at <= now {
                return Err(refuse(FormMessage::OpensInPast));
            }
            ConsultationStatus::Scheduled
        }
        Transition::OpenNow => {
            if closes_at <= now {
                return Err(refuse(FormMessage::PeriodInvalid));
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
        agency_id: c.agency_id.0,
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
    result.map_err(internal)?;
    Ok(status)
}

/// The editor's fields filled from the stored consultation.
pub async fn current_fields(state: &AppState, c: &Consultation) -> Result<Fields, StoreError> {
    let mut f = Fields::new();
    let mut put = |k: &str, v: Option<&str>| {
        f.insert(k.to_owned(), v.unwrap_or("").to_owned());
    };
    put("slug", Some(&c.slug));
    for (name, t) in [
        ("title", &c.title),
        ("summary", &c.summary),
        ("audience", &c.audience),
    ] {
        put(&format!("{name}_ar"), t.ar.as_deref());
        put(&format!("{name}_en"), t.en.as_deref());
    }
    put("contact_email", c.contact_email.as_deref());
    let tz = zone(&c.agency_time_zone);
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).format(LOCAL_FORMAT).to_string();
    put("opens_at", Some(&local(c.opens_at)));
    put("closes_at", Some(&local(c.closes_at)));
    let topics: Vec<String> = consultations::topics_of(&state.db, c.id.0)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    f.insert("topics".into(), topics.join(", "));
    if let Some(latest) = consultations::versions(&state.db, c.id.0).await?.last() {
        let clauses = consultations::clauses(&state.db, latest.id).await?;
        for lang in Lang::ALL {
            let in_lang = in_language(&clauses, lang);
            let md = if in_lang.is_empty() {
                String::new()
            } else {
                draft::to_markdown(&in_lang)
            };
            f.insert(format!("draft_{}", lang.code()), md);
        }
    }
    Ok(f)
}
