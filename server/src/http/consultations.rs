//! Form posts of the consultation editor: create, save (details and draft), move
//! through the lifecycle. `app::ssr::publishing` checks who may do it.

use app::domain::consultation::is_valid_slug;
use app::domain::Transition;
use app::ssr::publishing::{self, Fields, FIELDS};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};

use super::form::Submission;

fn fields(sub: &Submission) -> Fields {
    FIELDS
        .iter()
        .map(|k| ((*k).to_owned(), sub.field(k).to_owned()))
        .collect()
}

/// `POST /{lang}/agencies/{slug}/consultations/new`.
pub async fn create(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    req: Request<Body>,
) -> Response {
    if !is_valid_slug(&agency) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (sub, signed) = match Submission::accept_signed(&state, req).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    match publishing::create(&state, &signed, &agency, &fields(&sub), sub.ip()).await {
        Ok(slug) => {
            sub.respond(&state, Ok(()), &format!("consultations/{slug}/edit"))
                .await
        }
        Err(fb) => sub.respond(&state, Err(fb), "").await,
    }
}

/// `POST /{lang}/consultations/{slug}/edit`: `intent` is `save` or `transition`.
pub async fn edit(
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
    let result = match sub.field("intent") {
        "transition" => {
            let t = Transition::parse(sub.field("transition"));
            publishing::transition(&state, &signed, &slug, t, sub.ip())
                .await
                .map(drop)
        }
        _ => publishing::save(&state, &signed, &slug, &fields(&sub), sub.ip())
            .await
            .map(drop),
    };
    sub.respond(&state, result, &format!("consultations/{slug}/edit"))
        .await
}
