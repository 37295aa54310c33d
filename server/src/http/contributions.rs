//! Form posts under a consultation page: post a contribution or a reply, support,
//! correct, withdraw. `app::ssr::contributions::service` checks who may do it and when.

use app::domain::consultation::is_valid_slug;
use app::ssr::contributions::service as contributing;
use app::ssr::moderation::service as moderating;
use app::ssr::notifications::following;
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};

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
    let intent = sub.field("intent").to_owned();
    if matches!(intent.as_str(), "contribute" | "reply" | "edit") {
        let key = format!("uid:{}", signed.user.id);
        if let Err(res) = sub.check_rate(&state, Action::Contribute, &key).await {
            return res;
        }
    }
    if let Some(follow) = match intent.as_str() {
        "follow" => Some(true),
        "unfollow" => Some(false),
        _ => None,
    } {
        let result = following::set(&state, &signed, &slug, follow).await;
        return sub
            .respond(&state, result, &format!("consultations/{slug}#follow"))
            .await;
    }
    let target = sub.field("target").parse::<i64>().ok();
    let result = match (intent.as_str(), target) {
        ("contribute" | "reply", _) => {
            contributing::post(&state, &signed, &slug, &sub.fields).await
        }
        ("support", Some(id)) => contributing::support(&state, &signed, &slug, id)
            .await
            .map(|()| Some(id)),
        ("edit", Some(id)) => contributing::edit(&state, &signed, &slug, id, sub.field("body"))
            .await
            .map(|()| Some(id)),
        ("withdraw", Some(id)) => contributing::withdraw(&state, &signed, &slug, id)
            .await
            .map(|()| Some(id)),
        ("report", Some(id)) => moderating::report(
            &state,
            &signed,
            &slug,
            id,
            sub.field("category"),
            sub.field("note"),
        )
        .await
        .map(|()| Some(id)),
        ("appeal", Some(id)) => moderating::appeal(&state, &signed, &slug, id, sub.field("appeal"))
            .await
            .map(|()| Some(id)),
        _ => Ok(None),
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
