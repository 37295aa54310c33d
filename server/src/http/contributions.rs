//! Form posts under a consultation page: post a contribution or a reply, support,
//! correct, withdraw. `app::ssr::contributions::service` checks who may do it and when.

use app::contributions::form::Intent;
use app::domain::consultation::is_valid_slug;
use app::ssr::contributions::service as contributing;
use app::ssr::moderation::service as moderating;
use app::ssr::notifications::following;
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing;
use axum::Router;

use super::form::Submission;
use super::limits::Action;

/// The list's query to come back to (`sort=…&clause=…&cpage=…`), if it is one.
fn back_query(raw: &str) -> Option<&str> {
    let safe = raw.len() <= 200
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'&' | b'-' | b'_' | b'%'));
    (safe && !raw.is_empty()).then_some(raw)
}

/// The forms under a consultation page, under `/{code}`.
pub(super) fn routes(code: &str) -> Router<AppState> {
    Router::new().route(
        &format!("/{code}/consultations/{{slug}}"),
        routing::post(post),
    )
}

/// `POST /{lang}/consultations/{slug}`: `intent` is `contribute`, `reply`, `support`,
/// `edit`, `withdraw`, `report`, `appeal`, `follow` or `unfollow`.
pub async fn post(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    req: Request<Body>,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (sub, signed) = match Submission::accept_signed(&state, req).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let intent: Intent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    if intent.writes_text() {
        let key = format!("uid:{}", signed.user.id);
        if let Err(res) = sub.check_rate(&state, Action::Contribute, &key).await {
            return res;
        }
    }
    // The contribution the form acts on; without one, nothing is done (400).
    macro_rules! target {
        ($name:literal) => {
            match sub.id_field(&state, $name).await {
                Ok(id) => id,
                Err(res) => return res,
            }
        };
    }
    let result = match intent {
        Intent::Follow | Intent::Unfollow => {
            let result = following::set(&state, &signed, &slug, intent == Intent::Follow).await;
            return sub
                .respond(&state, result, &format!("consultations/{slug}#follow"))
                .await;
        }
        Intent::Contribute => {
            if !sub.field("parent").is_empty() {
                return sub.unreadable(&state).await;
            }
            contributing::post(&state, &signed, &slug, &sub.fields).await
        }
        Intent::Reply => {
            target!("parent");
            contributing::post(&state, &signed, &slug, &sub.fields).await
        }
        Intent::Support => {
            let id = target!("target");
            contributing::support(&state, &signed, &slug, id)
                .await
                .map(|()| Some(id))
        }
        Intent::Edit => {
            let id = target!("target");
            contributing::edit(&state, &signed, &slug, id, sub.field("body"))
                .await
                .map(|()| Some(id))
        }
        Intent::Withdraw => {
            let id = target!("target");
            contributing::withdraw(&state, &signed, &slug, id)
                .await
                .map(|()| Some(id))
        }
        Intent::Report => {
            let id = target!("target");
            moderating::report(
                &state,
                &signed,
                &slug,
                id,
                sub.field("category"),
                sub.field("note"),
            )
            .await
            .map(|()| Some(id))
        }
        Intent::Appeal => {
            let id = target!("target");
            moderating::appeal(&state, &signed, &slug, id, sub.field("appeal"))
                .await
                .map(|()| Some(id))
        }
    };
    let query = back_query(sub.field("back"))
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let next = match &result {
        Ok(Some(id)) => format!("consultations/{slug}{query}#contribution-{id}"),
        _ => format!("consultations/{slug}{query}#contributions"),
    };
    sub.respond(&state, result.map(drop), &next).await
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
