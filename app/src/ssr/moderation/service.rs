//! Moderation by the published rules: readers report, moderators hide, restore or
//! dismiss, authors appeal once. Every action goes to the consultation's public log;
//! the author is told by mail when their contribution is hidden or shown again.

use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::contribution::{ContributionStatus, ModerationAction, ReportCategory};
use crate::moderation::pages::rule_label;
use crate::ssr::accounts::authz::Signed;
use crate::ssr::accounts::store as users;
use crate::ssr::admin::store::audit::AuditAction;
use crate::ssr::admin::store::audit::AuditEntry;
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::service::{in_consultation, internal, own, summary};
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::Contribution;
use crate::ssr::db::StoreError;
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::mail::templates;
use crate::ssr::moderation::store as moderation;
use crate::ssr::moderation::store::Decision;
use crate::ssr::state::AppState;
use crate::ui::form::{FormFeedback, FormMessage};

/// The most characters of a report's note, a moderator's reason or an appeal.
const MAX_NOTE_CHARS: usize = 2000;

/// A note as typed: trimmed, `None` when empty, refused when too long.
fn note(raw: &str, field: &str, fb: &mut FormFeedback) -> Option<String> {
    let t = raw.trim();
    if t.chars().count() > MAX_NOTE_CHARS {
        fb.errors.insert(field.to_owned(), FormMessage::TextTooLong);
    }
    (!t.is_empty()).then(|| t.to_owned())
}

/// A signed-in reader reports contribution `id` under one of the published rules.
pub async fn report(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: i64,
    category: &str,
    raw_note: &str,
) -> Result<(), FormFeedback> {
    authorise(Some(&signed.actor), Action::Report).map_err(crate::ssr::admin::service::denied)?;
    let x = in_consultation(state, slug, id).await?;
    let mut fb = FormFeedback {
        values: [
            ("target".to_owned(), id.to_string()),
            ("category".to_owned(), category.to_owned()),
            ("note".to_owned(), raw_note.to_owned()),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    if x.status != ContributionStatus::Published || x.author_id == signed.user.id {
        fb.summary = Some(FormMessage::ReplyTargetGone);
        return Err(fb);
    }
    let category = ReportCategory::parse(category);
    if category.is_none() {
        fb.errors.insert("category".into(), FormMessage::Required);
    }
    let note = note(raw_note, "note", &mut fb);
    let (Some(category), true) = (category, fb.errors.is_empty()) else {
        return Err(fb);
    };
    moderation::report(
        &state.db,
        id,
        signed.user.id,
        category,
        note.as_deref(),
        state.clock.now(),
    )
    .await
    .map_err(internal)?;
    Ok(())
}

/// The author of a hidden contribution asks, once, for it to be shown again.
pub async fn appeal(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: i64,
    raw: &str,
) -> Result<(), FormFeedback> {
    let x = own(state, signed, slug, id).await?;
    let mut fb = FormFeedback {
        values: [
            ("target".to_owned(), id.to_string()),
            ("appeal".to_owned(), raw.to_owned()),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    let Some(text) = note(raw, "appeal", &mut fb) else {
        fb.errors.insert("appeal".into(), FormMessage::Required);
        return Err(fb);
    };
    if !fb.errors.is_empty() {
        return Err(fb);
    }
    let decision = Decision {
        consultation: x.consultation_id,
        contribution: id,
        action: ModerationAction::Appeal,
        category: x.hidden_category,
        reason: Some(&text),
    };
    if !moderation::apply(&state.db, &decision, None, state.clock.now())
        .await
        .map_err(internal)?
    {
        fb.summary = Some(FormMessage::AppealNotPossible);
        return Err(fb);
    }
    Ok(())
}

/// A moderator's decision on contribution `id`: hide (with a rule and a reason),
/// restore, dismiss the reports, or uphold a hiding that was appealed.
pub async fn decide(
    state: &AppState,
    signed: &Signed,
    id: i64,
    action: ModerationAction,
    category: &str,
    raw_reason: &str,
    ip: Option<String>,
) -> Result<(), FormFeedback> {
    authorise(Some(&signed.actor), Action::Moderate).map_err(crate::ssr::admin::service::denied)?;
    let x = contributions::by_id(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| summary(FormMessage::ReplyTargetGone))?;
    let mut fb = FormFeedback {
        values: [
            ("target".to_owned(), id.to_string()),
            ("category".to_owned(), category.to_owned()),
            ("reason".to_owned(), raw_reason.to_owned()),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    let reason = note(raw_reason, "reason", &mut fb);
    let category = ReportCategory::parse(category);
    if action == ModerationAction::Hide {
        if category.is_none() {
            fb.errors.insert("category".into(), FormMessage::Required);
        }
        if reason.is_none() {
            fb.errors.insert("reason".into(), FormMessage::Required);
        }
    }
    if action == ModerationAction::Appeal {
        return Err(crate::ssr::admin::service::denied(Denied::Forbidden));
    }
    if !fb.errors.is_empty() {
        return Err(fb);
    }
    let decision = Decision {
        consultation: x.consultation_id,
        contribution: id,
        action,
        category: if action == ModerationAction::Hide {
            category
        } else {
            x.hidden_category
        },
        reason: reason.as_deref(),
    };
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::Moderation,
        target: format!("contribution:{id}"),
        detail: serde_json::json!({ "action": action.as_str(), "category": decision.category.map(ReportCategory::as_str) }),
        ip,
    };
    let now = state.clock.now();
    if !moderation::apply(&state.db, &decision, Some(&entry), now)
        .await
        .map_err(internal)?
    {
        fb.summary = Some(FormMessage::AlreadyDecided);
        return Err(fb);
    }
    if matches!(action, ModerationAction::Hide | ModerationAction::Restore) {
        tell_author(state, &x, &decision).await.map_err(internal)?;
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
    let link = format!(
        "{}/{}/consultations/{}#contribution-{}",
        state.public_url,
        lang.code(),
        c.slug,
        x.id
    );
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
