//! Moderation by the published rules: readers report, moderators hide, restore or
//! dismiss, authors appeal once. Every action goes to the consultation's public log;
//! the author is told by mail when their contribution is hidden or shown again.

use crate::contributions::form::field;
use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::contribution::{ContributionStatus, ModerationAction, ReportCategory};
use crate::domain::ContributionId;
use crate::forms::{FieldErrors, FormMessage};
use crate::moderation::pages::rule_label;
use crate::paths;
use crate::ssr::accounts::authz::Signed;
use crate::ssr::accounts::store as users;
use crate::ssr::admin::store::audit::AuditAction;
use crate::ssr::admin::store::audit::AuditEntry;
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::service::{in_consultation, own, ContributionError};
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::Contribution;
use crate::ssr::db::StoreError;
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::mail::templates;
use crate::ssr::moderation::store as moderation;
use crate::ssr::moderation::store::Decision;
use crate::ssr::state::AppState;

/// The most characters of a report's note, a moderator's reason or an appeal.
const MAX_NOTE_CHARS: usize = 2000;

/// Why a report, an appeal or a moderator's decision was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// The contribution is not there, not this consultation's, or not the person's.
    #[error(transparent)]
    Target(#[from] ContributionError),
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// Appealed before, or not hidden.
    #[error("no appeal possible")]
    AppealNotPossible,
    /// Someone decided first: the contribution is no longer in the state acted on.
    #[error("already decided")]
    AlreadyDecided,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// It is new: the moderators have it.
    New,
    /// The person had reported the contribution before; that report stands.
    Before,
}

/// A reader's report, as sent.
#[derive(Debug, Clone)]
pub struct Report {
    /// The published rule it breaks; `None` when none was chosen.
    pub category: Option<ReportCategory>,
    pub note: String,
}

/// A moderator's decision, as sent.
#[derive(Debug, Clone)]
pub struct Decide {
    pub action: ModerationAction,
    /// The rule broken: required to hide.
    pub category: Option<ReportCategory>,
    /// Required to hide.
    pub reason: String,
}

/// A note as typed: trimmed, `None` when empty; too long is a mistake for `field`.
fn note(raw: &str, field: &'static str, errors: &mut FieldErrors) -> Option<String> {
    let t = raw.trim();
    if t.chars().count() > MAX_NOTE_CHARS {
        errors.add(field, FormMessage::TextTooLong);
    }
    (!t.is_empty()).then(|| t.to_owned())
}

/// A signed-in reader reports contribution `id` under one of the published rules.
pub async fn report(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
    input: Report,
) -> Result<Reported, ModerationError> {
    authorise(Some(&signed.actor), Action::Report)?;
    let x = in_consultation(state, slug, id).await?;
    if x.status != ContributionStatus::Published || x.author_id == signed.user.id {
        return Err(ContributionError::TargetGone.into());
    }
    let mut errors = FieldErrors::default();
    let note = note(&input.note, field::NOTE, &mut errors);
    let Some(category) = input.category else {
        errors.add(field::CATEGORY, FormMessage::Required);
        return Err(ModerationError::Invalid(errors));
    };
    errors.check().map_err(ModerationError::Invalid)?;
    let new = moderation::report(
        &state.db,
        id,
        signed.user.id,
        category,
        note.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok(if new.is_some() {
        Reported::New
    } else {
        Reported::Before
    })
}

/// The author of a hidden contribution asks, once, for it to be shown again.
pub async fn appeal(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
    raw: &str,
) -> Result<(), ModerationError> {
    let x = own(state, signed, slug, id).await?;
    let mut errors = FieldErrors::default();
    let text = note(raw, field::APPEAL, &mut errors);
    if text.is_none() {
        errors.add(field::APPEAL, FormMessage::Required);
    }
    errors.check().map_err(ModerationError::Invalid)?;
    let decision = Decision {
        consultation: x.consultation_id,
        contribution: id,
        action: ModerationAction::Appeal,
        category: x.hidden_category,
        reason: text.as_deref(),
    };
    if !moderation::apply(&state.db, &decision, None, state.clock.now()).await? {
        return Err(ModerationError::AppealNotPossible);
    }
    Ok(())
}

/// A moderator's decision on contribution `id`: hide (with a rule and a reason),
/// restore, dismiss the reports, or uphold a hiding that was appealed.
pub async fn decide(
    state: &AppState,
    signed: &Signed,
    id: ContributionId,
    input: Decide,
    ip: Option<String>,
) -> Result<(), ModerationError> {
    authorise(Some(&signed.actor), Action::Moderate)?;
    // Appealing is the author's, never a moderator's decision.
    if input.action == ModerationAction::Appeal {
        return Err(Denied::Forbidden.into());
    }
    let x = contributions::by_id(&state.db, id)
        .await?
        .ok_or(ContributionError::TargetGone)?;
    let mut errors = FieldErrors::default();
    let reason = note(&input.reason, field::REASON, &mut errors);
    let hide = input.action == ModerationAction::Hide;
    if hide && input.category.is_none() {
        errors.add(field::CATEGORY, FormMessage::Required);
    }
    if hide && reason.is_none() {
        errors.add(field::REASON, FormMessage::Required);
    }
    errors.check().map_err(ModerationError::Invalid)?;
    let decision = Decision {
        consultation: x.consultation_id,
        contribution: id,
        action: input.action,
        category: if hide {
            input.category
        } else {
            x.hidden_category
        },
        reason: reason.as_deref(),
    };
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::Moderation,
        target: format!("contribution:{id}"),
        detail: serde_json::json!({ "action": input.action.as_str(), "category": decision.category.map(ReportCategory::as_str) }),
        ip,
    };
    let now = state.clock.now();
    if !moderation::apply(&state.db, &decision, Some(&entry), now).await? {
        return Err(ModerationError::AlreadyDecided);
    }
    if matches!(
        input.action,
        ModerationAction::Hide | ModerationAction::Restore
    ) {
        tell_author(state, &x, &decision).await?;
    }
    Ok(())
}

/// Mails the author about a hidden or restored contribution, in their language.
async fn tell_author(
    state: &AppState,
    x: &Contribution,
    d: &Decision<'_>,
) -> Result<(), StoreError> {
    let Some(author) = users::by_id(&state.db, x.author_id).await? else {
        return Ok(());
    };
    let (Some(to), Some(c)) = (
        author.email.as_deref(),
        consultations::by_id(&state.db, x.consultation_id).await?,
    ) else {
        return Ok(());
    };
    let lang = author.preferred_lang;
    let title = c.title.pick(lang).map(|p| p.text).unwrap_or_default();
    let link = paths::absolute(&state.public_url, &paths::contribution(lang, &c.slug, x.id));
    let mail = match d.action {
        ModerationAction::Hide => templates::contribution_hidden(
            to,
            &author.display_name,
            &title,
            d.category.map_or("", |c| rule_label(c, lang)),
            d.reason.unwrap_or(""),
            &link,
            lang,
        ),
        _ => templates::contribution_restored(to, &author.display_name, &title, &link, lang),
    };
    mail_outbox::enqueue(&state.db, &mail, state.clock.now()).await?;
    Ok(())
}
