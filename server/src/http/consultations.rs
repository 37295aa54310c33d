//! Form posts of the consultation editor: create, save (details and draft), move
//! through the lifecycle. `app::ssr::consultations::publishing` checks who may do it.

use app::consultations::form::{field, EditorIntent};
use app::domain::consultation::is_valid_slug;
use app::domain::{AttachmentId, Lang, Transition};
use app::forms::{FormFeedback, FormMessage};
use app::paths::{self, route};
use app::responses::form::{field as response_field, parse_citation};
use app::ssr::attachments::service::{self as attachments, Attach};
use app::ssr::consultations::files as draft_files;
use app::ssr::consultations::publishing::{self, Bilingual, EditorInput, PublishError, Saved};
use app::ssr::responses::service as responding;
use app::ssr::state::AppState;
use app::ssr::upload::chosen;
use app::ui::layout::encode_query_value;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, Reader, SignedSubmission, Submission};

impl IntoFeedback for PublishError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            PublishError::Denied(reason) => reason.into_feedback(),
            PublishError::Invalid(errors) => errors.into(),
            PublishError::Concluded => FormMessage::ConsultationConcluded.into(),
            PublishError::TransitionNotAllowed => FormMessage::TransitionNotAllowed.into(),
            PublishError::OpensInPast => FormMessage::OpensInPast.into(),
            PublishError::PeriodInvalid => FormMessage::PeriodInvalid.into(),
            PublishError::Store(err) => internal(&err),
            PublishError::File(err) => internal(&err),
            PublishError::Internal(err) => internal(&err),
        }
    }
}

/// The editor as sent, with the text of any uploaded `.md` draft in place of the
/// typed one; or the form again, with what was typed, when such a file cannot be used.
fn editor_input(sub: &Submission) -> Result<EditorInput, FormFeedback> {
    let mut input = EditorInput::read(|name| match name {
        // Ticked topic boxes arrive as one `topics` value each.
        field::TOPICS => sub.all(field::TOPICS).join(","),
        _ => sub.field(name).to_owned(),
    });
    match draft_files::take_draft_files(&mut input.draft, &sub.uploads) {
        Ok(()) => Ok(input),
        Err(errors) => Err(with_editor(errors.into_feedback(), &input)),
    }
}

/// The editor comes back with the text it was saved with: that of an uploaded file,
/// where one was taken, rather than what was in the box.
fn with_editor(mut feedback: FormFeedback, input: &EditorInput) -> FormFeedback {
    feedback.values = input.fields();
    feedback
}

/// The editor's forms and a version's Markdown under `/{lang}`.
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(&route::new_consultation(lang), post(create))
        .route(&route::consultation_edit(lang), post(edit))
        .route(&route::version_markdown(lang), get(markdown))
}

/// `POST /{lang}/agencies/{slug}/consultations/new`.
pub async fn create(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&agency) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let input = match editor_input(&sub) {
        Ok(input) => input,
        Err(feedback) => return sub.refuse(&state, feedback).await,
    };
    match publishing::create(&state, &signed, &agency, &input, sub.ip()).await {
        Ok(slug) => see_other(paths::consultation_edit(sub.lang, &slug)),
        Err(refusal) => {
            sub.refuse(&state, with_editor(refusal.into_feedback(), &input))
                .await
        }
    }
}

/// `POST /{lang}/consultations/{slug}/edit`: `intent` is `save`, `transition`, `attach`
/// (a PDF) or `detach`.
pub async fn edit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let intent: EditorIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let result = match intent {
        EditorIntent::Transition => {
            let Some(t) = Transition::parse(sub.field(field::TRANSITION)) else {
                return sub.unreadable(&state).await;
            };
            publishing::transition(&state, &signed, &slug, t, sub.ip())
                .await
                .map(drop)
                .map_err(IntoFeedback::into_feedback)
        }
        EditorIntent::Attach => {
            let title = Bilingual {
                ar: sub.field(field::DOC_TITLE[0]).to_owned(),
                en: sub.field(field::DOC_TITLE[1]).to_owned(),
            };
            let input = Attach {
                title: &title,
                file: chosen(&sub.uploads, field::FILE),
            };
            attachments::attach(&state, &signed, &slug, input, sub.ip())
                .await
                .map_err(IntoFeedback::into_feedback)
        }
        EditorIntent::Detach => match sub.id_field(&state, field::ATTACHMENT).await {
            Ok(id) => attachments::detach(&state, &signed, &slug, AttachmentId(id), sub.ip())
                .await
                .map_err(IntoFeedback::into_feedback),
            Err(res) => return res,
        },
        EditorIntent::Save => match editor_input(&sub) {
            Ok(input) => match publishing::save(&state, &signed, &slug, &input, sub.ip()).await {
                // A new version: on to saying which responses led to its changes.
                Ok(Saved::NewVersion(_)) => {
                    return see_other(paths::consultation_edit_citations(sub.lang, &slug))
                }
                Ok(_) => Ok(()),
                Err(refusal) => Err(with_editor(refusal.into_feedback(), &input)),
            },
            Err(feedback) => Err(feedback),
        },
        EditorIntent::Cite => {
            let mut chosen = Vec::new();
            for value in sub.all(response_field::CITE) {
                match parse_citation(value) {
                    Some(pair) => chosen.push(pair),
                    None => return sub.unreadable(&state).await,
                }
            }
            match responding::cite_in_version(&state, &signed, &slug, chosen, sub.ip()).await {
                Ok(()) => return see_other(paths::consultation_edit_citations(sub.lang, &slug)),
                Err(refusal) => Err(refusal.into_feedback()),
            }
        }
    };
    sub.respond(&state, result, paths::consultation_edit(sub.lang, &slug))
        .await
}

/// `GET /{lang}/consultations/{slug}/versions/{n}/markdown`: the version's draft in the
/// page's language as a `.md` file, with the clause markers that keep clause ids when
/// it is edited and brought back.
pub async fn markdown(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
    uri: Uri,
    Reader(reader): Reader,
) -> Response {
    let (Some(lang), Ok(number)) = (Lang::from_path(uri.path()), number.parse::<u32>()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match draft_files::version_markdown(&state, reader.as_ref(), &slug, number, lang).await {
        Ok(Some(md)) => {
            let file = format!("{slug}-v{number}-{}.md", lang.code());
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "text/markdown; charset=utf-8".to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}\""),
                    ),
                ],
                md,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "markdown export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /attachments/{id}/{name}`: an attached PDF, to whoever may read its
/// consultation. The name in the URL is for people; the id decides. The file is
/// streamed (with ranges, for PDF readers that fetch pages as needed), never read
/// whole into memory; opened directly it runs sandboxed, as a document of no origin.
pub async fn attachment(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
    Reader(reader): Reader,
    req: axum::extract::Request,
) -> Response {
    let Ok(id) = id.parse().map(AttachmentId) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (a, path) = match attachments::readable(&state, reader.as_ref(), id).await {
        Ok(Some(found)) => found,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "attachment lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Err(err) = tokio::fs::metadata(&path).await {
        tracing::error!(error = %err, path = %path.display(), "attachment file missing");
        return StatusCode::NOT_FOUND.into_response();
    }
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(&a.file_name),
        // Stored names hold no `/` (see `clean_file_name`), so this is RFC 5987's form.
        encode_query_value(&a.file_name)
    );
    let served = tower::ServiceExt::oneshot(tower_http::services::ServeFile::new(&path), req).await;
    let mut res = match served {
        Ok(res) => res.map(axum::body::Body::new),
        Err(err) => {
            tracing::error!(error = %err, path = %path.display(), "attachment not served");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if !(res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED) {
        return res;
    }
    let headers = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, attachments::PDF.to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
    ] {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    res
}

/// The file name with anything outside printable ASCII replaced, for old clients.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
