//! What agency staff do with contributions: answer them (one response for many making
//! the same point), revise an answer (the earlier text stays public), and say which
//! clauses of later versions changed because of it. Only the consultation's agency
//! speaks for it: its staff or admins, with their second factor passed.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use crate::domain::authz::{authorise, Action, Denied, Role, RoleKind};
use crate::domain::contribution::ContributionStatus;
use crate::domain::draft::ClauseChange;
use crate::domain::response::Outcome;
use crate::domain::{
    AgencyId, ClauseKey, ContributionId, Lang, LocalizedText, ResponseId, VersionId,
};
use crate::forms::{FieldErrors, FormMessage};
use crate::responses::api::TimingView;
use crate::responses::form::field;
use crate::ssr::accounts::authz::Signed;
use crate::ssr::admin::store::audit::{self, AuditAction, AuditEntry};
use crate::ssr::admin::store::roles;
use crate::ssr::calendar::label;
use crate::ssr::consultations::diff::changed_clauses;
use crate::ssr::consultations::store::{self as consultations, Consultation, StoredClause};
use crate::ssr::contributions::store as contributions;
use crate::ssr::db::{StoreError, Tx};
use crate::ssr::notifications::service as notify;
use crate::ssr::responses::store::{self as responses, Responder, Scope, Written};
use crate::ssr::state::AppState;

/// When a contribution written at `created` should be answered by: the close of the
/// comment period (or the contribution, when it came later) plus the agency's target.
pub fn deadline(c: &Consultation, created: DateTime<Utc>) -> DateTime<Utc> {
    c.closes_at.max(created) + Duration::days(i64::from(c.response_target_days))
}

/// How fast `c`'s agency answers its contributions, as the pages show it.
pub async fn timing_view(
    state: &AppState,
    c: &Consultation,
    lang: Lang,
) -> Result<TimingView, StoreError> {
    let now = state.clock.now();
    let t = responses::timing(&state.db, Scope::Consultation(c.id), now).await?;
    Ok(timing_of(c, &t, lang))
}

/// Figures already counted for consultation `c`, as the pages show them.
pub fn timing_of(c: &Consultation, t: &responses::Timing, lang: Lang) -> TimingView {
    TimingView {
        contributions: t.contributions,
        answered: t.answered,
        median_days: t.median_days,
        p90_days: t.p90_days,
        answered_late: t.answered_late,
        overdue: t.overdue,
        target_days: c.response_target_days,
        deadline: Some(label(deadline(c, c.closes_at), &c.agency_time_zone, lang)),
    }
}

/// How fast an agency answers, over all its public consultations.
pub async fn agency_timing_view(
    state: &AppState,
    agency: AgencyId,
    target_days: u32,
) -> Result<TimingView, StoreError> {
    let t = responses::timing(&state.db, Scope::Agency(agency), state.clock.now()).await?;
    Ok(TimingView {
        contributions: t.contributions,
        answered: t.answered,
        median_days: t.median_days,
        p90_days: t.p90_days,
        answered_late: t.answered_late,
        overdue: t.overdue,
        target_days,
        deadline: None,
    })
}

/// The most characters of a response's reasons, in each language.
pub const MAX_REASONS_CHARS: usize = 5000;

/// Why a response was refused.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// No such public consultation, or no such response in it.
    #[error("not found")]
    NotFound,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// A chosen contribution was answered meanwhile (by someone else, or twice sent).
    #[error("already answered")]
    AlreadyAnswered,
    /// A chosen contribution is not a published one of this consultation.
    #[error("contribution gone")]
    ContributionGone,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ResponseError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict("members") => ResponseError::AlreadyAnswered,
            other => ResponseError::Store(other),
        }
    }
}

/// What a response says, as typed.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// `None`: none chosen (or an unknown one, which the handler refuses first).
    pub outcome: Option<Outcome>,
    pub reasons_ar: String,
    pub reasons_en: String,
}

/// A new response to the contributions ticked in the queue.
#[derive(Debug, Clone, Default)]
pub struct Respond {
    pub members: Vec<ContributionId>,
    pub answer: Answer,
}

/// A clause said to have changed: `None` for the version as a whole.
pub type ChangeChoice = (u32, Option<ClauseKey>);

/// The consultation `slug`, if `signed` may answer for its agency.
pub async fn staff_consultation(
    state: &AppState,
    signed: &Signed,
    slug: &str,
) -> Result<Consultation, ResponseError> {
    let c = consultations::public_by_slug(&state.db, slug)
        .await?
        .ok_or(ResponseError::NotFound)?;
    authorise(Some(&signed.actor), Action::ActForAgency(c.agency_id))?;
    Ok(c)
}

/// The outcome and reasons as written, or the mistakes in them.
fn checked(answer: &Answer, responder: Responder) -> Result<Written, ResponseError> {
    let mut errors = FieldErrors::default();
    let text = |raw: &str, name: &'static str, errors: &mut FieldErrors| {
        let t = raw.trim();
        if t.chars().count() > MAX_REASONS_CHARS {
            errors.add(name, FormMessage::TextTooLong);
        }
        (!t.is_empty()).then(|| t.to_owned())
    };
    let reasons = LocalizedText::new(
        text(&answer.reasons_ar, field::REASONS_AR, &mut errors),
        text(&answer.reasons_en, field::REASONS_EN, &mut errors),
    );
    let Some(outcome) = answer.outcome else {
        errors.add(field::OUTCOME, FormMessage::Required);
        return Err(ResponseError::Invalid(errors));
    };
    if outcome.needs_reasons() && reasons.is_empty() {
        errors.add(field::REASONS_AR, FormMessage::ReasonsRequired);
    }
    errors.check().map_err(ResponseError::Invalid)?;
    Ok(Written {
        outcome,
        reasons,
        responder: Some(responder),
    })
}

/// Who is answering, as the record shows them: their name, the role by which they
/// speak for `c`'s agency, and the mandate recorded with it.
async fn responder(
    state: &AppState,
    signed: &Signed,
    c: &Consultation,
) -> Result<Responder, ResponseError> {
    let role = [
        Role::AgencyStaff(c.agency_id),
        Role::AgencyAdmin(c.agency_id),
    ]
    .into_iter()
    .find(|r| signed.actor.roles.contains(r))
    .ok_or(Denied::Forbidden)?;
    let mandate = roles::grants_of(&state.db, signed.user.id)
        .await?
        .into_iter()
        .filter(|g| g.role == role)
        .find_map(|g| g.mandate)
        .map(|m| format!("{} ({})", m.decision_ref, m.decided_on));
    Ok(Responder {
        user_id: Some(signed.user.id),
        name: signed.user.display_name.clone(),
        role: Some(role.kind()),
        mandate,
    })
}

/// Records in the audit log, inside `tx`, what `signed` did to response `id`.
async fn audit(
    tx: &mut Tx,
    signed: &Signed,
    action: AuditAction,
    id: ResponseId,
    detail: serde_json::Value,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action,
        target: format!("response:{id}"),
        detail,
        ip,
    };
    audit::insert(tx, &entry, now).await
}

/// Answers the contributions ticked in `slug`'s queue with one response. Nothing is
/// written unless all of them can be answered.
pub async fn respond(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: Respond,
    ip: Option<String>,
) -> Result<ResponseId, ResponseError> {
    let c = staff_consultation(state, signed, slug).await?;
    let mut members = input.members;
    members.sort_unstable();
    members.dedup();
    if members.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add(field::MEMBER, FormMessage::NoneChosen);
        // The other fields' mistakes are worth saying at the same time.
        if let Err(ResponseError::Invalid(more)) = checked(&input.answer, empty_responder()) {
            errors.merge(more);
        }
        return Err(ResponseError::Invalid(errors));
    }
    let written = checked(&input.answer, responder(state, signed, &c).await?)?;
    let found = contributions::by_ids(&state.db, &members).await?;
    let fine: HashSet<ContributionId> = found
        .iter()
        .filter(|x| x.consultation_id == c.id && x.status == ContributionStatus::Published)
        .map(|x| x.id)
        .collect();
    if members.iter().any(|m| !fine.contains(m)) {
        return Err(ResponseError::ContributionGone);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !responses::answered_in(&mut tx, &members).await?.is_empty() {
        return Err(ResponseError::AlreadyAnswered);
    }
    let id = responses::create(&mut tx, c.id, &members, &written, now, now).await?;
    let detail = serde_json::json!({
        "consultation": c.slug,
        "outcome": written.outcome.as_str(),
        "contributions": members,
    });
    audit(
        &mut tx,
        signed,
        AuditAction::ResponseWrite,
        id,
        detail,
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    tell(state, id, false).await;
    Ok(id)
}

/// Mails the contributors; the response stands whether or not the mail could be queued.
async fn tell(state: &AppState, id: ResponseId, revised: bool) {
    let now = state.clock.now();
    if let Err(err) = notify::on_answered(&state.db, &state.public_url, id, revised, now).await {
        tracing::error!(error = %err, response = %id, "could not queue the response mails");
    }
}

fn empty_responder() -> Responder {
    Responder {
        user_id: None,
        name: String::new(),
        role: Some(RoleKind::AgencyStaff),
        mandate: None,
    }
}

/// The response `id` of consultation `slug`, for its agency's staff.
pub async fn staff_response(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ResponseId,
) -> Result<(Consultation, responses::Response), ResponseError> {
    let c = staff_consultation(state, signed, slug).await?;
    let r = responses::by_id(&state.db, id)
        .await?
        .filter(|r| r.consultation_id == c.id)
        .ok_or(ResponseError::NotFound)?;
    Ok((c, r))
}

/// Writes the next revision of response `id`; the earlier text stays, shown as such.
/// Sending the same text again changes nothing.
pub async fn revise(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ResponseId,
    answer: Answer,
    ip: Option<String>,
) -> Result<(), ResponseError> {
    let (c, current) = staff_response(state, signed, slug, id).await?;
    let written = checked(&answer, responder(state, signed, &c).await?)?;
    if written.outcome == current.written.outcome && written.reasons == current.written.reasons {
        return Ok(());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let revision = responses::revise(&mut tx, id, &written, now, now)
        .await?
        .ok_or(ResponseError::NotFound)?;
    let detail = serde_json::json!({
        "consultation": c.slug,
        "outcome": written.outcome.as_str(),
        "revision": revision,
    });
    audit(
        &mut tx,
        signed,
        AuditAction::ResponseRevise,
        id,
        detail,
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    tell(state, id, true).await;
    Ok(())
}

/// Sets the clauses that changed because of response `id`: each in a version later
/// than every contribution it answers, and in that version (a removed clause is named
/// in the version that removed it, by its key in the one before). The authors hear of
/// each change newly said.
pub async fn cite(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ResponseId,
    changes: Vec<ChangeChoice>,
    ip: Option<String>,
) -> Result<(), ResponseError> {
    let (c, r) = staff_response(state, signed, slug, id).await?;
    let versions = consultations::versions(&state.db, c.id).await?;
    let written_on = contributions::by_ids(&state.db, &r.members)
        .await?
        .iter()
        .map(|x| x.version_number)
        .max()
        .unwrap_or(1);
    // Each version's clauses, read once however many of its clauses are chosen.
    let mut clauses: HashMap<VersionId, Vec<StoredClause>> = HashMap::new();
    let mut chosen: Vec<(u32, VersionId, Option<ClauseKey>)> = Vec::new();
    for (n, key) in changes {
        let gone = || {
            let mut errors = FieldErrors::default();
            errors.add(field::CHANGE, FormMessage::ClauseUnknown);
            ResponseError::Invalid(errors)
        };
        let v = versions
            .iter()
            .find(|v| v.number == n && v.number > written_on && v.published_at.is_some())
            .ok_or_else(gone)?;
        if let Some(k) = &key {
            // A clause of that version, or one it removed: of the version before.
            let previous = versions.iter().find(|p| p.number + 1 == n);
            let mut known = false;
            for version in std::iter::once(v).chain(previous) {
                if let Entry::Vacant(e) = clauses.entry(version.id) {
                    e.insert(consultations::clauses(&state.db, version.id).await?);
                }
                known |= clauses
                    .get(&version.id)
                    .is_some_and(|list| list.iter().any(|cl| &cl.key == k));
            }
            if !known {
                return Err(gone());
            }
        }
        chosen.push((n, v.id, key));
    }
    chosen.sort();
    chosen.dedup();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let rows: Vec<(VersionId, Option<ClauseKey>)> =
        chosen.iter().map(|(_, v, k)| (*v, k.clone())).collect();
    responses::set_changes(&mut tx, id, &rows).await?;
    let detail = serde_json::json!({ "consultation": c.slug, "changes": chosen.len() });
    audit(
        &mut tx,
        signed,
        AuditAction::ResponseCite,
        id,
        detail,
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    let before: HashSet<(VersionId, Option<&ClauseKey>)> = r
        .changes
        .iter()
        .map(|ch| (ch.version_id, ch.clause_key.as_ref()))
        .collect();
    // The clause as the version shows it, or as the one before did when it removed it.
    let find = |n: u32, key: &ClauseKey| {
        versions
            .iter()
            .filter(|v| v.number == n || v.number + 1 == n)
            .rev()
            .filter_map(|v| clauses.get(&v.id))
            .flatten()
            .find(|cl| &cl.key == key)
    };
    let news: Vec<notify::PolicyChange<'_>> = chosen
        .iter()
        .filter(|(_, v, key)| !before.contains(&(*v, key.as_ref())))
        .map(|(n, _, key)| notify::PolicyChange {
            response: id,
            version: *n,
            clause: key.as_ref().and_then(|k| find(*n, k)),
        })
        .collect();
    tell_changed(state, &c, &news).await;
    Ok(())
}

/// Mails the authors behind newly cited changes; the citations stand whether or not
/// the mail could be queued.
async fn tell_changed(state: &AppState, c: &Consultation, news: &[notify::PolicyChange<'_>]) {
    if news.is_empty() {
        return;
    }
    let now = state.clock.now();
    if let Err(err) = notify::on_policy_changed(&state.db, &state.public_url, c, news, now).await {
        tracing::error!(error = %err, consultation = %c.slug, "could not queue the policy-change mails");
    }
}

/// What the editor offers once version `version` (2 or later) is published: the
/// clauses it added, changed or removed, and the responses that changed the draft
/// and came before it, with the citations already made.
#[derive(Debug, Clone)]
pub struct VersionCitations {
    pub version: consultations::Version,
    /// How each clause changed, the clause as that version has it (a removed one as the
    /// version before had it).
    pub changed: Vec<(ClauseChange, StoredClause)>,
    pub adoptable: Vec<responses::Adoptable>,
    pub cited: Vec<(ResponseId, ClauseKey)>,
}

/// The latest version of `c`, when it is a published version 2 or later: what its
/// changed clauses can cite.
pub async fn latest_citations(
    db: &crate::ssr::db::Db,
    c: &Consultation,
) -> Result<Option<VersionCitations>, StoreError> {
    let versions = consultations::versions(db, c.id).await?;
    let [.., previous, latest] = versions.as_slice() else {
        return Ok(None);
    };
    if !latest.is_published() {
        return Ok(None);
    }
    let before = consultations::clauses(db, previous.id).await?;
    let now = consultations::clauses(db, latest.id).await?;
    let changed = changed_clauses(&before, &now)
        .into_iter()
        .map(|(how, cl)| (how, cl.clone()))
        .collect();
    Ok(Some(VersionCitations {
        version: latest.clone(),
        changed,
        adoptable: responses::adoptable(db, c.id, latest.number).await?,
        cited: responses::clause_citations(db, latest.id).await?,
    }))
}

/// Sets, from the editor, which responses each changed clause of the latest version
/// answers: `chosen` replaces that version's clause citations. Each must be a changed
/// clause of it and a response that changed the draft before it; the authors hear of
/// each change newly said.
pub async fn cite_in_version(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    mut chosen: Vec<(ResponseId, ClauseKey)>,
    ip: Option<String>,
) -> Result<(), ResponseError> {
    let c = staff_consultation(state, signed, slug).await?;
    let Some(v) = latest_citations(&state.db, &c).await? else {
        return Err(ResponseError::NotFound);
    };
    chosen.sort();
    chosen.dedup();
    let adoptable: HashSet<ResponseId> = v.adoptable.iter().map(|a| a.id).collect();
    let fine = chosen
        .iter()
        .all(|(r, key)| adoptable.contains(r) && v.changed.iter().any(|(_, cl)| &cl.key == key));
    if !fine {
        let mut errors = FieldErrors::default();
        errors.add(field::CITE, FormMessage::ClauseUnknown);
        return Err(ResponseError::Invalid(errors));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    responses::set_clause_citations(&mut tx, v.version.id, &chosen).await?;
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::VersionCite,
        target: format!("consultation:{}", c.id),
        detail: serde_json::json!({
            "consultation": c.slug,
            "version": v.version.number,
            "citations": chosen.iter().map(|(r, k)| (r.0, k.as_str())).collect::<Vec<_>>(),
        }),
        ip,
    };
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let news: Vec<notify::PolicyChange<'_>> = chosen
        .iter()
        .filter(|pair| !v.cited.contains(pair))
        .map(|(r, key)| notify::PolicyChange {
            response: *r,
            version: v.version.number,
            clause: v.changed.iter().map(|(_, cl)| cl).find(|cl| &cl.key == key),
        })
        .collect();
    tell_changed(state, &c, &news).await;
    Ok(())
}
