//! What people do with contributions: post one on the draft or a clause, reply,
//! support, correct it within the edit window, withdraw it. Each function checks who
//! may do it and whether the consultation takes comments now.

use std::collections::HashMap;

use chrono::Duration;
use linkify::{LinkFinder, LinkKind};
use sha2::{Digest, Sha256};

use crate::domain::authz::{authorise, Action};
use crate::domain::contribution::{
    check_body, normalize_body, BodyProblem, Channel, ContributionStatus, OrgKind, Segment,
    Speaker, EDIT_WINDOW_MINUTES,
};
use crate::domain::ConsultationStatus;
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::Consultation;
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::{Contribution, NewContribution};
use crate::ssr::db::StoreError;
use crate::ssr::notifications::store::follows;
use crate::ssr::state::AppState;
use crate::ui::form::{FormFeedback, FormMessage};

/// The most characters of an organisation's name.
const MAX_ORG_NAME_CHARS: usize = 200;

/// A form's fields by name.
pub type Fields = HashMap<String, String>;

pub(crate) fn internal(err: StoreError) -> FormFeedback {
    tracing::error!(error = %err, "contribution or moderation failed");
    summary(FormMessage::Internal)
}

pub(crate) fn summary(message: FormMessage) -> FormFeedback {
    FormFeedback {
        summary: Some(message),
        ..Default::default()
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
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

/// The body as typed, checked; or the message for the `body` field.
fn checked_body(raw: &str) -> Result<String, FormMessage> {
    let body = normalize_body(raw);
    check_body(&body, links(&body).len()).map_err(|p| match p {
        BodyProblem::TooShort => FormMessage::Required,
        BodyProblem::TooLong => FormMessage::TextTooLong,
        BodyProblem::TooManyLinks => FormMessage::TooManyLinks,
    })?;
    Ok(body)
}

/// The SHA-256 of a body, hex: how the same text posted twice is recognised.
pub(crate) fn body_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The consultation if it takes comments now; the message to show otherwise.
async fn open_consultation(state: &AppState, slug: &str) -> Result<Consultation, FormFeedback> {
    let c = consultations::public_by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or_else(|| summary(FormMessage::NotFound))?;
    if c.status_at(state.clock.now()) != ConsultationStatus::Open {
        return Err(summary(FormMessage::CommentsClosed));
    }
    Ok(c)
}

fn speaker(fields: &Fields, fb: &mut FormFeedback) -> Speaker {
    if field(fields, "speaker") != "organisation" {
        return Speaker::Individual;
    }
    let name = field(fields, "org_name").trim().to_owned();
    let kind = OrgKind::parse(field(fields, "org_kind"));
    if name.is_empty() {
        fb.errors.insert("org_name".into(), FormMessage::Required);
    } else if name.chars().count() > MAX_ORG_NAME_CHARS {
        fb.errors
            .insert("org_name".into(), FormMessage::TextTooLong);
    }
    match kind {
        Some(kind) => Speaker::Organisation { name, kind },
        None => {
            fb.errors.insert("org_kind".into(), FormMessage::Required);
            Speaker::Individual
        }
    }
}

/// Posts a contribution (or, with a `parent` field, a reply) to consultation `slug`;
/// its id. `None` when the form was filled in by a robot (the honeypot field): it is
/// answered as if it worked, and nothing is stored.
pub async fn post(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    fields: &Fields,
) -> Result<Option<i64>, FormFeedback> {
    let mut fb = FormFeedback {
        values: fields
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Default::default()
    };
    authorise(Some(&signed.actor), Action::Contribute)
        .map_err(crate::ssr::admin::service::denied)?;
    if !field(fields, "website").is_empty() {
        return Ok(None);
    }
    let c = open_consultation(state, slug).await.map_err(|mut e| {
        e.values = fb.values.clone();
        e
    })?;
    let versions = consultations::versions(&state.db, c.id.0)
        .await
        .map_err(internal)?;
    let Some(current) = consultations::latest_published(&versions) else {
        return Err(summary(FormMessage::CommentsClosed));
    };
    // No `parent`: a new thread. A `parent` that names no published contribution of
    // this consultation is refused, never posted as a new thread.
    let parent = match field(fields, "parent").trim() {
        "" => None,
        text => {
            let found = match text.parse::<i64>() {
                Ok(id) => contributions::by_id(&state.db, id)
                    .await
                    .map_err(internal)?
                    .filter(|p| {
                        p.consultation_id == c.id.0 && p.status == ContributionStatus::Published
                    }),
                Err(_) => None,
            };
            match found {
                Some(p) => Some(p),
                None => {
                    fb.summary = Some(FormMessage::ReplyTargetGone);
                    return Err(fb);
                }
            }
        }
    };
    // A reply is about what its thread is about.
    let clause_key = match &parent {
        Some(p) => p.clause_key.clone(),
        None => {
            let key = field(fields, "clause").trim();
            if key.is_empty() {
                None
            } else {
                let clauses = consultations::clauses(&state.db, current.id)
                    .await
                    .map_err(internal)?;
                if !clauses.iter().any(|cl| cl.key == key) {
                    fb.errors
                        .insert("clause".into(), FormMessage::ClauseUnknown);
                }
                Some(key.to_owned())
            }
        }
    };
    let speaker = speaker(fields, &mut fb);
    let body = match checked_body(field(fields, "body")) {
        Ok(b) => b,
        Err(m) => {
            fb.errors.insert("body".into(), m);
            String::new()
        }
    };
    if !fb.errors.is_empty() {
        return Err(fb);
    }
    let body_hash = body_hash(&body);
    if contributions::is_duplicate(&state.db, signed.user.id, &body_hash)
        .await
        .map_err(internal)?
    {
        fb.errors
            .insert("body".into(), FormMessage::DuplicateContribution);
        return Err(fb);
    }
    let new = NewContribution {
        consultation_id: c.id.0,
        version_id: current.id,
        clause_key,
        parent_id: parent.map(|p| p.id),
        author: signed.user.id,
        speaker,
        body,
        body_hash,
        channel: Channel::Online,
        external_id: None,
    };
    let is_reply = new.parent_id.is_some();
    let now = state.clock.now();
    let id = contributions::insert(&state.db, &new, now)
        .await
        .map_err(internal)?;
    // Who takes part follows the consultation, to hear of its next version and of
    // the end of its period (one click undoes it). The contribution is published
    // either way; what cannot be written here is logged.
    if let Err(err) = follows::follow(&state.db, signed.user.id, c.id.0, now).await {
        tracing::error!(error = %err, contribution = id, "author not made a follower");
    }
    if is_reply {
        if let Err(err) =
            crate::ssr::notifications::service::on_reply(&state.db, &state.public_url, id, now)
                .await
        {
            tracing::error!(error = %err, reply = id, "reply notification not queued");
        }
    }
    Ok(Some(id))
}

/// Contribution `id`, if it belongs to consultation `slug`.
pub(crate) async fn in_consultation(
    state: &AppState,
    slug: &str,
    id: i64,
) -> Result<Contribution, FormFeedback> {
    let c = consultations::by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or_else(|| summary(FormMessage::NotFound))?;
    contributions::by_id(&state.db, id)
        .await
        .map_err(internal)?
        .filter(|x| x.consultation_id == c.id.0)
        .ok_or_else(|| summary(FormMessage::ReplyTargetGone))
}

/// The contribution `id` of consultation `slug`, if `signed` wrote it.
pub(crate) async fn own(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: i64,
) -> Result<Contribution, FormFeedback> {
    let x = in_consultation(state, slug, id).await?;
    if x.author_id != signed.user.id {
        return Err(crate::ssr::admin::service::denied(
            crate::domain::authz::Denied::Forbidden,
        ));
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
    id: i64,
    raw: &str,
) -> Result<(), FormFeedback> {
    let x = own(state, signed, slug, id).await?;
    let mut fb = FormFeedback {
        values: [
            ("target".to_owned(), id.to_string()),
            ("body".to_owned(), raw.to_owned()),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    open_consultation(state, slug).await?;
    if x.status != ContributionStatus::Published
        || !within_edit_window(x.created_at, state.clock.now())
    {
        fb.summary = Some(FormMessage::EditWindowOver);
        return Err(fb);
    }
    let body = match checked_body(raw) {
        Ok(b) => b,
        Err(m) => {
            fb.errors.insert("body".into(), m);
            return Err(fb);
        }
    };
    if body == x.body {
        return Ok(());
    }
    contributions::edit(&state.db, id, &body, &body_hash(&body), state.clock.now())
        .await
        .map_err(internal)
}

/// Withdraws one's own contribution: a placeholder stays in the thread, the text goes.
pub async fn withdraw(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: i64,
) -> Result<(), FormFeedback> {
    let x = own(state, signed, slug, id).await?;
    if x.status == ContributionStatus::Withdrawn {
        return Ok(());
    }
    contributions::withdraw(&state.db, id, state.clock.now())
        .await
        .map_err(internal)
}

/// Supports contribution `id` (or takes the support back). Nobody supports their own.
pub async fn support(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: i64,
) -> Result<(), FormFeedback> {
    authorise(Some(&signed.actor), Action::Contribute)
        .map_err(crate::ssr::admin::service::denied)?;
    let c = consultations::by_slug(&state.db, slug)
        .await
        .map_err(internal)?
        .ok_or_else(|| summary(FormMessage::NotFound))?;
    let x = contributions::by_id(&state.db, id)
        .await
        .map_err(internal)?
        .filter(|x| x.consultation_id == c.id.0 && x.status == ContributionStatus::Published)
        .ok_or_else(|| summary(FormMessage::ReplyTargetGone))?;
    if x.author_id == signed.user.id {
        return Err(summary(FormMessage::OwnContribution));
    }
    contributions::toggle_support(&state.db, id, signed.user.id, state.clock.now())
        .await
        .map_err(internal)?;
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
