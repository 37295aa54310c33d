//! What people do with contributions: post one on the draft or a clause, reply,
//! support, correct it within the edit window, withdraw it. Each function checks who
//! may do it and whether the consultation takes comments now.

use chrono::Duration;
use linkify::{LinkFinder, LinkKind};
use sha2::{Digest, Sha256};

use crate::contributions::form::field;
use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::contribution::{
    check_body, normalize_body, BodyProblem, Channel, ContributionStatus, OrgKind, Segment,
    Speaker, EDIT_WINDOW_MINUTES,
};
use crate::domain::text::clean_name;
use crate::domain::{ClauseKey, ConsultationStatus, ContributionId};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::Consultation;
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::{Contribution, NewContribution};
use crate::ssr::db::StoreError;
use crate::ssr::notifications::store::follows;
use crate::ssr::state::AppState;

/// The most characters of an organisation's name.
const MAX_ORG_NAME_CHARS: usize = 200;

/// A contribution or a reply as a person posts it on the portal.
#[derive(Debug, Clone)]
pub struct PostContribution {
    /// The clause it is about; `None`: the draft as a whole. A reply is about what its
    /// thread is about, so this is ignored for one.
    pub clause: Option<ClauseKey>,
    /// The contribution it answers.
    pub parent: Option<ContributionId>,
    pub speaker: SpeakerChoice,
    /// As typed; normalised and checked here.
    pub body: String,
}

/// Whom a contribution speaks for, as chosen on the form (checked when posted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeakerChoice {
    Individual,
    /// `kind` is `None` when none was chosen.
    Organisation {
        name: String,
        kind: Option<OrgKind>,
    },
}

/// Why a contribution, reply, support, correction or withdrawal was refused.
#[derive(Debug, thiserror::Error)]
pub enum ContributionError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// No public consultation by that name.
    #[error("no such consultation")]
    NotFound,
    /// The consultation does not take comments now.
    #[error("comments are closed")]
    Closed,
    /// The contribution acted on or answered is not (or no longer) there.
    #[error("the contribution is gone")]
    TargetGone,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// The same person posted the same text before.
    #[error("duplicate")]
    Duplicate,
    #[error("the edit window is over")]
    EditWindowOver,
    /// Nobody supports their own contribution.
    #[error("own contribution")]
    OwnContribution,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the links in `text` that become anchors are: web addresses only.
fn links(text: &str) -> Vec<(usize, usize)> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    finder
        .links(text)
        .filter(|l| {
            let s = l.as_str().to_ascii_lowercase();
            s.starts_with("https://") || s.starts_with("http://")
        })
        .map(|l| (l.start(), l.end()))
        .collect()
}

/// A stored body as paragraphs of text and links, ready to render as text nodes (so
/// nothing in it is ever read as HTML).
pub fn paragraphs(body: &str) -> Vec<Vec<Segment>> {
    body.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut out = Vec::new();
            let mut last = 0;
            for (start, end) in links(p) {
                if start > last {
                    out.push(Segment::Text(p[last..start].to_owned()));
                }
                out.push(Segment::Link(p[start..end].to_owned()));
                last = end;
            }
            if last < p.len() {
                out.push(Segment::Text(p[last..].to_owned()));
            }
            out
        })
        .collect()
}

/// The body as typed, checked; or the message for the body field.
pub(crate) fn checked_body(raw: &str) -> Result<String, FormMessage> {
    let body = normalize_body(raw);
    check_body(&body, links(&body).len()).map_err(|p| match p {
        BodyProblem::TooShort => FormMessage::Required,
        BodyProblem::TooLong => FormMessage::BodyTooLong {
            chars: u32::try_from(body.chars().count()).unwrap_or(u32::MAX),
        },
        BodyProblem::TooManyLinks => FormMessage::TooManyLinks,
    })?;
    Ok(body)
}

/// The SHA-256 of a body, hex: how the same text posted twice is recognised.
pub(crate) fn body_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The consultation if it takes comments now.
async fn open_consultation(
    state: &AppState,
    slug: &str,
) -> Result<Consultation, ContributionError> {
    let c = consultations::public_by_slug(&state.db, slug)
        .await?
        .ok_or(ContributionError::NotFound)?;
    if c.status_at(state.clock.now()) != ConsultationStatus::Open {
        return Err(ContributionError::Closed);
    }
    Ok(c)
}

/// The speaker, checked; mistakes go to `errors`.
fn speaker(choice: SpeakerChoice, errors: &mut FieldErrors) -> Speaker {
    let SpeakerChoice::Organisation { name, kind } = choice else {
        return Speaker::Individual;
    };
    let name = clean_name(&name);
    if name.is_empty() {
        errors.add(field::ORG_NAME, FormMessage::Required);
    } else if name.chars().count() > MAX_ORG_NAME_CHARS {
        errors.add(field::ORG_NAME, FormMessage::TextTooLong);
    }
    match kind {
        Some(kind) => Speaker::Organisation { name, kind },
        None => {
            errors.add(field::ORG_KIND, FormMessage::Required);
            Speaker::Individual
        }
    }
}

/// Posts a contribution (or, with a `parent`, a reply) to consultation `slug`; its id.
pub async fn post(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: PostContribution,
) -> Result<ContributionId, ContributionError> {
    authorise(Some(&signed.actor), Action::Contribute)?;
    let c = open_consultation(state, slug).await?;
    let versions = consultations::versions(&state.db, c.id).await?;
    let Some(current) = consultations::latest_published(&versions) else {
        return Err(ContributionError::Closed);
    };
    // A reply answers a published contribution of this consultation; one that names
    // anything else is refused, never posted as a new thread.
    let parent = match input.parent {
        None => None,
        Some(id) => Some(
            contributions::by_id(&state.db, id)
                .await?
                .filter(|p| p.consultation_id == c.id && p.status == ContributionStatus::Published)
                .ok_or(ContributionError::TargetGone)?,
        ),
    };
    let mut errors = FieldErrors::default();
    // A reply is about what its thread is about.
    let clause_key = match &parent {
        Some(p) => p.clause_key.clone(),
        None => match input.clause {
            None => None,
            Some(key) => {
                let clauses = consultations::clauses(&state.db, current.id).await?;
                if !clauses.iter().any(|cl| cl.key == key) {
                    errors.add(field::CLAUSE, FormMessage::ClauseUnknown);
                }
                Some(key)
            }
        },
    };
    let speaker = speaker(input.speaker, &mut errors);
    let body = checked_body(&input.body).unwrap_or_else(|m| {
        errors.add(field::BODY, m);
        String::new()
    });
    errors.check().map_err(ContributionError::Invalid)?;
    let body_hash = body_hash(&body);
    if contributions::is_duplicate(&state.db, signed.user.id, &body_hash).await? {
        return Err(ContributionError::Duplicate);
    }
    let new = NewContribution {
        consultation_id: c.id,
        version_id: current.id,
        clause_key,
        parent_id: parent.map(|p| p.id),
        author: signed.user.id,
        speaker,
        body,
        body_hash,
        channel: Channel::Online,
        external_id: None,
        received: None,
    };
    let is_reply = new.parent_id.is_some();
    let now = state.clock.now();
    let id = contributions::insert(&state.db, &new, now).await?;
    // Who takes part follows the consultation, to hear of its next version and of
    // the end of its period (one click undoes it). The contribution is published
    // either way; what cannot be written here is logged.
    if let Err(err) = follows::follow(&state.db, signed.user.id, c.id, now).await {
        tracing::error!(error = %err, contribution = %id, "author not made a follower");
    }
    if is_reply {
        if let Err(err) =
            crate::ssr::notifications::service::on_reply(&state.db, &state.public_url, id, now)
                .await
        {
            tracing::error!(error = %err, reply = %id, "reply notification not queued");
        }
    }
    Ok(id)
}

/// Contribution `id`, if it belongs to consultation `slug`.
pub(crate) async fn in_consultation(
    state: &AppState,
    slug: &str,
    id: ContributionId,
) -> Result<Contribution, ContributionError> {
    let c = consultations::by_slug(&state.db, slug)
        .await?
        .ok_or(ContributionError::NotFound)?;
    contributions::by_id(&state.db, id)
        .await?
        .filter(|x| x.consultation_id == c.id)
        .ok_or(ContributionError::TargetGone)
}

/// The contribution `id` of consultation `slug`, if `signed` wrote it.
pub(crate) async fn own(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
) -> Result<Contribution, ContributionError> {
    let x = in_consultation(state, slug, id).await?;
    if x.author_id != signed.user.id {
        return Err(ContributionError::Denied(Denied::Forbidden));
    }
    Ok(x)
}

/// Whether a contribution written at `created_at` may still be corrected at `now`.
pub fn within_edit_window(
    created_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    now < created_at + Duration::minutes(EDIT_WINDOW_MINUTES)
}

/// Corrects the text of one's own contribution within the edit window; the old text
/// stays in its public history.
pub async fn edit(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
    raw: &str,
) -> Result<(), ContributionError> {
    let x = own(state, signed, slug, id).await?;
    open_consultation(state, slug).await?;
    if x.status != ContributionStatus::Published
        || !within_edit_window(x.created_at, state.clock.now())
    {
        return Err(ContributionError::EditWindowOver);
    }
    let body = checked_body(raw)
        .map_err(|m| ContributionError::Invalid(FieldErrors::one(field::BODY, m)))?;
    if body == x.body {
        return Ok(());
    }
    contributions::edit(&state.db, id, &body, &body_hash(&body), state.clock.now()).await?;
    Ok(())
}

/// Withdraws one's own contribution: a placeholder stays in the thread, the text goes.
pub async fn withdraw(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
) -> Result<(), ContributionError> {
    let x = own(state, signed, slug, id).await?;
    if x.status == ContributionStatus::Withdrawn {
        return Ok(());
    }
    contributions::withdraw(&state.db, id, state.clock.now()).await?;
    Ok(())
}

/// Supports contribution `id` (or takes the support back). Nobody supports their own.
pub async fn support(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: ContributionId,
) -> Result<(), ContributionError> {
    authorise(Some(&signed.actor), Action::Contribute)?;
    // Supports are part of the published record, which is final once comments close.
    open_consultation(state, slug).await?;
    let x = in_consultation(state, slug, id).await?;
    if x.status != ContributionStatus::Published {
        return Err(ContributionError::TargetGone);
    }
    if x.author_id == signed.user.id {
        return Err(ContributionError::OwnContribution);
    }
    contributions::toggle_support(&state.db, id, signed.user.id, state.clock.now()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        let p = paragraphs(
            "انظر https://example.org/a?b=1 و javascript:alert(1) و mailto:x@y.z\n\nثانيًا www.example.com",
        );
        assert_eq!(p.len(), 2);
        let links: Vec<&Segment> = p[0]
            .iter()
            .filter(|s| matches!(s, Segment::Link(_)))
            .collect();
        assert_eq!(
            links,
            vec![&Segment::Link("https://example.org/a?b=1".into())]
        );
        assert!(p[1].iter().all(|s| matches!(s, Segment::Text(_))));
        assert_eq!(
            p[0].iter()
                .map(|s| match s {
                    Segment::Text(t) | Segment::Link(t) => t.as_str(),
                })
                .collect::<String>(),
            "انظر https://example.org/a?b=1 و javascript:alert(1) و mailto:x@y.z"
        );
    }

    #[test]
    fn too_many_links_is_refused() {
        let body = (0..4)
            .map(|i| format!("https://spam{i}.example "))
            .collect::<String>();
        assert_eq!(checked_body(&body), Err(FormMessage::TooManyLinks));
        assert!(checked_body("https://a.example https://b.example").is_ok());
    }

    #[test]
    fn the_edit_window_is_fifteen_minutes() {
        let t = chrono::Utc::now();
        assert!(within_edit_window(t, t + Duration::minutes(14)));
        assert!(!within_edit_window(t, t + Duration::minutes(15)));
    }
}
