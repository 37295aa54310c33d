//! Form posts of the consultation editor: create, save (details and draft), move
//! through the lifecycle. `app::ssr::consultations::publishing` checks who may do it.

use app::consultations::form::EditorIntent;
use app::domain::consultation::is_valid_slug;
use app::domain::{Lang, Transition};
use app::ssr::accounts::authz;
use app::ssr::accounts::authz::Signed;
use app::ssr::attachments::service as attachments;
use app::ssr::consultations::files as draft_files;
use app::ssr::consultations::publishing;
use app::ssr::consultations::publishing::{Fields, FIELDS};
use app::ssr::state::AppState;
use app::ui::form::FormFeedback;
use app::ui::layout::encode_query_value;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use super::form::Submission;

/// The editor's fields, with the text of any uploaded `.md` draft in place of the
/// typed one; or the form again when such a file cannot be used.
fn fields(sub: &Submission) -> Result<Fields, FormFeedback> {
    let mut fields: Fields = FIELDS
        .iter()
        .map(|k| ((*k).to_owned(), sub.field(k).to_owned()))
        .collect();
    // Ticked topic boxes arrive as one `topics` value each.
    fields.insert("topics".to_owned(), sub.all("topics").join(","));
    draft_files::take_draft_files(&mut fields, &sub.uploads)?;
    Ok(fields)
}

/// The editor's forms and a version's Markdown under `/{code}`, and the attachments.
pub(super) fn routes(code: &str) -> Router<AppState> {
    Router::new()
        .route(
            &format!("/{code}/agencies/{{slug}}/consultations/new"),
            post(create),
        )
        .route(&format!("/{code}/consultations/{{slug}}/edit"), post(edit))
        .route(
            &format!("/{code}/consultations/{{slug}}/versions/{{number}}/markdown"),
            get(markdown),
        )
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
    let fields = match fields(&sub) {
        Ok(f) => f,
        Err(fb) => return sub.respond(&state, Err(fb), "").await,
    };
    match publishing::create(&state, &signed, &agency, &fields, sub.ip()).await {
        Ok(slug) => {
            sub.respond(&state, Ok(()), &format!("consultations/{slug}/edit"))
                .await
        }
        Err(fb) => sub.respond(&state, Err(fb), "").await,
    }
}

/// `POST /{lang}/consultations/{slug}/edit`: `intent` is `save`, `transition`, `attach`
/// (a PDF) or `detach`.
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
    let intent: EditorIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    let result = match intent {
        EditorIntent::Transition => {
            let t = Transition::parse(sub.field("transition"));
            publishing::transition(&state, &signed, &slug, t, sub.ip())
                .await
                .map(drop)
        }
        EditorIntent::Attach => {
            let titles = (sub.field("doc_title_ar"), sub.field("doc_title_en"));
            attachments::attach(&state, &signed, &slug, titles, &sub.uploads, sub.ip()).await
        }
        EditorIntent::Detach => match sub.id_field(&state, "attachment").await {
            Ok(id) => attachments::detach(&state, &signed, &slug, id, sub.ip()).await,
            Err(res) => return res,
        },
        EditorIntent::Save => match fields(&sub) {
            Ok(fields) => publishing::save(&state, &signed, &slug, &fields, sub.ip())
                .await
                .map(drop),
            Err(fb) => Err(fb),
        },
    };
    sub.respond(&state, result, &format!("consultations/{slug}/edit"))
        .await
}

/// Who is reading (nobody signed in is `None`): drafts are for their agency's staff.
async fn reader(state: &AppState, session: &Session) -> Result<Option<Signed>, Response> {
    authz::signed_in(session, &state.db, state.clock.now())
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "session unavailable");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
}

/// `GET /{lang}/consultations/{slug}/versions/{n}/markdown`: the version's draft in the
/// page's language as a `.md` file, with the clause markers that keep clause ids when
/// it is edited and brought back.
pub async fn markdown(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
    uri: Uri,
    session: Session,
) -> Response {
    let (Some(lang), Ok(number)) = (Lang::from_path(uri.path()), number.parse::<u32>()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !is_valid_slug(&slug) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let reader = match reader(&state, &session).await {
        Ok(reader) => reader,
        Err(res) => return res,
    };
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
/// consultation. The name in the URL is for people; the id decides.
pub async fn attachment(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
    session: Session,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let reader = match reader(&state, &session).await {
        Ok(reader) => reader,
        Err(res) => return res,
    };
    let (a, path) = match attachments::readable(&state, reader.as_ref(), id).await {
        Ok(Some(found)) => found,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "attachment lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(err) => {
            tracing::error!(error = %err, path = %path.display(), "attachment file missing");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(&a.file_name),
        // Stored names hold no `/` (see `clean_file_name`), so this is RFC 5987's form.
        encode_query_value(&a.file_name)
    );
    (
        [
            (header::CONTENT_TYPE, attachments::PDF.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        bytes,
    )
        .into_response()
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
