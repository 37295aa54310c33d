//! Contributions received off the portal, entered by the agency's people: the staff's
//! form for social media, email and letters (`/{lang}/consultations/{slug}/record`),
//! and the fields it shares with the organisers' workshop forms.

use app::contributions::form::{received as field, RecordIntent};
use app::domain::consultation::is_valid_slug;
use app::domain::contribution::{Channel, OrgKind, Voice};
use app::domain::Lang;
use app::forms::FormMessage;
use app::paths;
use app::ssr::contributions::received::{self, Entry, Letter, ReceivedError};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, SignedSubmission, Submission};

impl IntoFeedback for ReceivedError {
    fn into_feedback(self) -> app::forms::FormFeedback {
        match self {
            ReceivedError::Denied(reason) => reason.into_feedback(),
            ReceivedError::NotFound => FormMessage::NotFound.into(),
            ReceivedError::NotMandated => FormMessage::MandateRequired.into(),
            ReceivedError::Invalid(errors) => errors.into(),
            ReceivedError::Store(err) => internal(&err),
        }
    }
}

pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new().route(&paths::route::record_received(lang), post(post_record))
}

/// The fields of one received contribution as sent; a speaker or kind of organisation
/// that is not one the form drew is `Err` (the form is unreadable, nothing is done).
pub(super) fn entry(sub: &Submission) -> Result<Entry, ()> {
    let voice = match sub.field(field::SPEAKER).trim() {
        "" => None,
        code => Some(Voice::parse(code).ok_or(())?),
    };
    let organisation_kind = match sub.field(field::ORGANISATION_KIND).trim() {
        "" => None,
        code => Some(OrgKind::parse(code).ok_or(())?),
    };
    let consent = match sub.field(field::CONSENT) {
        "" => false,
        "yes" => true,
        _ => return Err(()),
    };
    Ok(Entry {
        clause: sub.field(field::CLAUSE).to_owned(),
        voice,
        name: sub.field(field::NAME).to_owned(),
        consent,
        organisation: sub.field(field::ORGANISATION).to_owned(),
        organisation_kind,
        text: sub.field(field::TEXT).to_owned(),
    })
}

/// `POST /{lang}/consultations/{slug}/record`.
async fn post_record(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(RecordIntent::Record) = sub.intent(&state).await else {
        return sub.unreadable(&state).await;
    };
    let channel = match sub.field(field::CHANNEL).trim() {
        "" => None,
        code => match Channel::parse(code) {
            Some(c) => Some(c),
            None => return sub.unreadable(&state).await,
        },
    };
    let Ok(entry) = entry(&sub) else {
        return sub.unreadable(&state).await;
    };
    let input = Letter {
        channel,
        received_on: sub.field(field::RECEIVED_ON).to_owned(),
        source_url: sub.field(field::SOURCE_URL).to_owned(),
        entry,
    };
    match received::record(&state, &signed, &slug, &input, sub.ip()).await {
        Ok(id) => see_other(paths::record_received_done(sub.lang, &slug, id)),
        Err(err) => sub.refuse(&state, err).await,
    }
}
