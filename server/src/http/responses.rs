//! The agency staff's response forms: answer the ticked contributions, revise a
//! response, say which clauses changed because of it. `app::ssr::responses::service`
//! checks that the person speaks for the consultation's agency.

use app::domain::consultation::is_valid_slug;
use app::domain::response::Outcome;
use app::domain::{ContributionId, Lang, ResponseId};
use app::forms::{FormFeedback, FormMessage};
use app::paths;
use app::responses::form::{field, QueueQuery, ResponseIntent};
use app::ssr::responses::service::{
    self as responding, Answer, ChangeChoice, Respond, ResponseError,
};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, SignedSubmission, Submission};

impl IntoFeedback for ResponseError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            ResponseError::Denied(reason) => reason.into_feedback(),
            ResponseError::NotFound => FormMessage::NotFound.into(),
            ResponseError::Invalid(errors) => errors.into(),
            ResponseError::AlreadyAnswered => FormMessage::AlreadyAnswered.into(),
            ResponseError::ContributionGone => FormMessage::ContributionGone.into(),
            ResponseError::Store(err) => internal(&err),
        }
    }
}

/// The staff's response forms under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(&paths::route::responses(lang), post(post_response))
        .route(&paths::route::response(lang), post(post_on_response))
}

/// The queue's filters to come back to, if the form carried readable ones.
fn back(sub: &Submission) -> String {
    let raw = sub.field(field::BACK);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    QueueQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map(|q| q.to_query())
        .unwrap_or_default()
}

/// What a response form says about the outcome and reasons; an outcome that is not
/// one of ours is a form we did not draw (`Err`: nothing is done).
fn answer(sub: &Submission) -> Result<Answer, ()> {
    let outcome = match sub.field(field::OUTCOME) {
        "" => None,
        code => Some(Outcome::parse(code).ok_or(())?),
    };
    Ok(Answer {
        outcome,
        reasons_ar: sub.field(field::REASONS_AR).to_owned(),
        reasons_en: sub.field(field::REASONS_EN).to_owned(),
    })
}

/// `POST /{lang}/consultations/{slug}/responses`, `intent=respond`: one response to
/// the ticked `member`s.
pub async fn post_response(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(ResponseIntent::Respond) = sub.intent(&state).await else {
        return sub.unreadable(&state).await;
    };
    let Ok(answer) = answer(&sub) else {
        return sub.unreadable(&state).await;
    };
    let mut members = Vec::new();
    for v in sub.all(field::MEMBER) {
        match v.trim().parse::<i64>() {
            Ok(id) if id > 0 => members.push(ContributionId(id)),
            _ => return sub.unreadable(&state).await,
        }
    }
    let ticked = members
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let input = Respond { members, answer };
    match responding::respond(&state, &signed, &slug, input, sub.ip()).await {
        Ok(_) => see_other(paths::responses(sub.lang, &slug, &back(&sub))),
        Err(err) => {
            // The ticked boxes come back ticked, with what was typed.
            let mut feedback = err.into_feedback();
            feedback.values = sub.typed_values();
            feedback.values.insert(field::MEMBER.to_owned(), ticked);
            sub.refuse(&state, feedback).await
        }
    }
}

/// `POST /{lang}/consultations/{slug}/responses/{id}`: `intent` is `revise` (outcome
/// and reasons) or `cite` (the ticked `change`s, `{version}:{key}` or `{version}`).
pub async fn post_on_response(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let id = match id.parse::<i64>() {
        Ok(id) if id > 0 && is_valid_slug(&slug) => ResponseId(id),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let intent: ResponseIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let lang = sub.lang;
    match intent {
        ResponseIntent::Respond => sub.unreadable(&state).await,
        ResponseIntent::Revise => {
            let Ok(answer) = answer(&sub) else {
                return sub.unreadable(&state).await;
            };
            let result = responding::revise(&state, &signed, &slug, id, answer, sub.ip()).await;
            sub.respond(&state, result, paths::response(lang, &slug, id))
                .await
        }
        ResponseIntent::Cite => {
            let mut changes: Vec<ChangeChoice> = Vec::new();
            for v in sub.all(field::CHANGE) {
                let (n, key) = match v.split_once(':') {
                    Some((n, k)) => (n, Some(k)),
                    None => (v, None),
                };
                let Ok(n) = n.parse::<u32>() else {
                    return sub.unreadable(&state).await;
                };
                let key = match key.map(str::parse) {
                    None => None,
                    Some(Ok(k)) => Some(k),
                    Some(Err(_)) => return sub.unreadable(&state).await,
                };
                changes.push((n, key));
            }
            let result = responding::cite(&state, &signed, &slug, id, changes, sub.ip()).await;
            sub.respond(&state, result, paths::response(lang, &slug, id))
                .await
        }
    }
}
