//! Form posts under a consultation page: post a contribution or a reply, support,
//! correct, withdraw. `app::ssr::contributions::service` checks who may do it and when.

use app::contributions::form::{field, Done, Intent, SpeakerKind};
use app::domain::consultation::is_valid_slug;
use app::domain::contribution::{OrgKind, ReportCategory};
use app::domain::Lang;
use app::domain::{ClauseKey, ContributionId};
use app::forms::{FieldErrors, FormFeedback, FormMessage};
use app::paths;
use app::ssr::contributions::service::{
    self as contributing, ContributionError, PostContribution, SpeakerChoice,
};
use app::ssr::moderation::service::{self as moderating, ModerationError, Report, Reported};
use app::ssr::notifications::following::{self, FollowError};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing;
use axum::Router;

use super::form::{internal, IntoFeedback, SignedSubmission};
use super::limits::{AccountKey, Action};

impl IntoFeedback for ContributionError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            ContributionError::Denied(reason) => reason.into_feedback(),
            ContributionError::NotFound => FormMessage::NotFound.into(),
            ContributionError::Closed => FormMessage::CommentsClosed.into(),
            ContributionError::TargetGone => FormMessage::ReplyTargetGone.into(),
            ContributionError::Invalid(errors) => errors.into(),
            ContributionError::Duplicate => {
                FieldErrors::one(field::BODY, FormMessage::DuplicateContribution).into()
            }
            ContributionError::EditWindowOver => FormMessage::EditWindowOver.into(),
            ContributionError::OwnContribution => FormMessage::OwnContribution.into(),
            ContributionError::Store(err) => internal(&err),
        }
    }
}

impl IntoFeedback for ModerationError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            ModerationError::Denied(reason) => reason.into_feedback(),
            ModerationError::Target(err) => err.into_feedback(),
            ModerationError::Invalid(errors) => errors.into(),
            ModerationError::AppealNotPossible => FormMessage::AppealNotPossible.into(),
            ModerationError::AlreadyDecided => FormMessage::AlreadyDecided.into(),
            ModerationError::Store(err) => internal(&err),
        }
    }
}

impl IntoFeedback for FollowError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            FollowError::Denied(reason) => reason.into_feedback(),
            FollowError::NotFound => FormMessage::NotFound.into(),
            FollowError::Store(err) => internal(&err),
        }
    }
}

/// The list's query to come back to (`sort=…&clause=…&cpage=…`), if it is one.
fn back_query(raw: &str) -> Option<&str> {
    let safe = raw.len() <= 200
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'&' | b'-' | b'_' | b'%'));
    (safe && !raw.is_empty()).then_some(raw)
}

/// The forms under a consultation page, under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new().route(&paths::route::consultation(lang), routing::post(post))
}

/// `POST /{lang}/consultations/{slug}`: `intent` is `contribute`, `reply`, `support`,
/// `edit`, `withdraw`, `report`, `appeal`, `follow` or `unfollow`.
pub async fn post(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(mut sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let intent: Intent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let action = if intent.writes_text() {
        Action::Contribute
    } else {
        Action::React
    };
    let key = AccountKey::User(signed.user.id);
    if let Err(res) = sub.check_rate(&state, action, Some(&key)).await {
        return res;
    }
    // The contribution the form acts on; without one, nothing is done (400).
    macro_rules! target {
        ($name:expr) => {
            match sub.id_field(&state, $name).await {
                Ok(id) => ContributionId(id),
                Err(res) => return res,
            }
        };
    }
    let query = back_query(sub.field(field::BACK))
        .unwrap_or_default()
        .to_owned();
    let query = query.as_str();
    // The contribution acted on, and what to confirm next to it.
    let result: Result<(ContributionId, Option<Done>), FormFeedback> = match intent {
        Intent::Follow | Intent::Unfollow => {
            let result = following::set(&state, &signed, &slug, intent == Intent::Follow).await;
            return sub
                .respond(&state, result, paths::consultation_follow(sub.lang, &slug))
                .await;
        }
        Intent::Contribute | Intent::Reply => {
            let parent = match intent {
                Intent::Reply => Some(target!(field::PARENT)),
                _ if sub.field(field::PARENT).is_empty() => None,
                // A new thread that names a contribution to answer: which was meant?
                _ => return sub.unreadable(&state).await,
            };
            // The honeypot: a robot filled in the field people do not see. It is
            // answered as if it worked, and nothing is stored.
            if !sub.field(field::WEBSITE).is_empty() {
                let next = paths::contributions(sub.lang, &slug, query);
                return sub.respond(&state, Ok::<(), FormFeedback>(()), next).await;
            }
            let speaker = match sub.field(field::SPEAKER).parse::<SpeakerKind>() {
                Ok(SpeakerKind::Organisation) => SpeakerChoice::Organisation {
                    name: sub.field(field::ORG_NAME).to_owned(),
                    kind: OrgKind::parse(sub.field(field::ORG_KIND)),
                },
                Ok(SpeakerKind::Individual) => SpeakerChoice::Individual,
                Err(_) if sub.field(field::SPEAKER).is_empty() => SpeakerChoice::Individual,
                Err(_) => return sub.unreadable(&state).await,
            };
            // The clause comes from a select of the page's clauses: a malformed one was
            // not sent by it.
            let clause = match sub.field(field::CLAUSE).trim() {
                "" => None,
                key => match key.parse::<ClauseKey>() {
                    Ok(key) => Some(key),
                    Err(_) => return sub.unreadable(&state).await,
                },
            };
            let input = PostContribution {
                clause,
                parent,
                speaker,
                body: sub.field(field::BODY).to_owned(),
            };
            contributing::post(&state, &signed, &slug, input)
                .await
                .map(|id| (id, None))
                .map_err(IntoFeedback::into_feedback)
        }
        Intent::Support => {
            let id = target!(field::TARGET);
            contributing::support(&state, &signed, &slug, id)
                .await
                .map(|()| (id, None))
                .map_err(IntoFeedback::into_feedback)
        }
        Intent::Edit => {
            let id = target!(field::TARGET);
            contributing::edit(&state, &signed, &slug, id, sub.field(field::BODY))
                .await
                .map(|()| (id, None))
                .map_err(IntoFeedback::into_feedback)
        }
        Intent::Withdraw => {
            let id = target!(field::TARGET);
            contributing::withdraw(&state, &signed, &slug, id)
                .await
                .map(|()| (id, None))
                .map_err(IntoFeedback::into_feedback)
        }
        Intent::Report => {
            let id = target!(field::TARGET);
            let report = Report {
                category: ReportCategory::parse(sub.field(field::CATEGORY)),
                note: sub.field(field::NOTE).to_owned(),
            };
            moderating::report(&state, &signed, &slug, id, report)
                .await
                .map(|reported| {
                    let done = match reported {
                        Reported::New => Done::Reported,
                        Reported::Before => Done::AlreadyReported,
                    };
                    (id, Some(done))
                })
                .map_err(IntoFeedback::into_feedback)
        }
        Intent::Appeal => {
            let id = target!(field::TARGET);
            moderating::appeal(&state, &signed, &slug, id, sub.field(field::APPEAL))
                .await
                .map(|()| (id, Some(Done::Appealed)))
                .map_err(IntoFeedback::into_feedback)
        }
    };
    let next = match &result {
        Ok((id, Some(done))) => paths::contribution_done(sub.lang, &slug, query, *id, *done),
        Ok((id, None)) => paths::contribution_in_list(sub.lang, &slug, query, *id),
        Err(_) => paths::contributions(sub.lang, &slug, query),
    };
    // Refused, the page comes back at the list's place the form was on: the thread it
    // answers may not be on the first page of the default order.
    sub.shown_at(query);
    sub.respond(&state, result.map(drop), next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_list_queries_come_back() {
        assert_eq!(
            back_query("sort=oldest&cpage=2"),
            Some("sort=oldest&cpage=2")
        );
        assert_eq!(
            back_query("sort=new&clause=response-time"),
            Some("sort=new&clause=response-time")
        );
        assert_eq!(back_query(""), None);
        assert_eq!(back_query("x=1#frag"), None);
        assert_eq!(back_query("//evil.example"), None);
        assert_eq!(back_query("a=<script>"), None);
    }
}
