//! Form posts. Each form posts to its own page; on success the answer is a redirect
//! (post/redirect/get), on a mistake the same page rendered again with what was typed
//! and what is wrong (422, or 401/403 when refused), so nothing is lost without
//! JavaScript.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::domain::authz::Denied;
use app::domain::Lang;
use app::forms::{FormFeedback, FormMessage};
use app::ssr::accounts::authz;
use app::ssr::accounts::authz::Signed;
use app::ssr::accounts::form_token;
use app::ssr::state::AppState;
use app::ssr::upload::Upload;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::{header, request::Parts, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::client_addr::ClientAddr;
use super::limits::{AccountKey, Action, RateLimits};

/// Fields never sent back into a page: secrets.
const SECRET_FIELDS: &[&str] = &[
    "csrf",
    "password",
    "current_password",
    "new_password",
    "code",
    "current_code",
];

/// Fields that hold a line, whatever the form: an address, a name, a password, a code.
/// Longer values are refused as the body is read, before anything keeps or echoes
/// them (a draft or a contribution has fields of its own, with their own limits).
const SHORT_FIELDS: &[&str] = &[
    "csrf",
    "intent",
    "email",
    "display_name",
    "password",
    "current_password",
    "new_password",
    "code",
    "current_code",
];
/// Longest value of a [`SHORT_FIELDS`] field: far above any real one (a password may
/// be 1024 bytes).
const MAX_SHORT_FIELD_BYTES: usize = 4096;

/// The device cookie: this browser signed in to the account before (see
/// `limits::RateLimits::device_tag`), so failed passwords typed elsewhere do not slow
/// it down.
const DEVICE_COOKIE: &str = "shura_device";

/// A service's refusal as the feedback the form's page is drawn again with: each
/// feature's error is mapped here, at the HTTP edge, and nowhere else.
pub(super) trait IntoFeedback {
    fn into_feedback(self) -> FormFeedback;
}

impl IntoFeedback for FormFeedback {
    fn into_feedback(self) -> FormFeedback {
        self
    }
}

impl IntoFeedback for FormMessage {
    fn into_feedback(self) -> FormFeedback {
        self.into()
    }
}

impl IntoFeedback for Denied {
    fn into_feedback(self) -> FormFeedback {
        FormMessage::Denied(self).into()
    }
}

impl IntoFeedback for app::forms::FieldErrors {
    fn into_feedback(self) -> FormFeedback {
        self.into()
    }
}

/// Something failed on our side: logged here, and the person asked to try again.
pub(super) fn internal(err: &dyn std::fmt::Display) -> FormFeedback {
    tracing::error!(error = %err, "form could not be handled");
    FormMessage::Internal.into()
}

/// Largest body of the draft editor's forms: room for a long draft in both languages
/// (200 000 characters each, six bytes a character once URL-encoded Arabic).
const MAX_EDITOR_BYTES: usize = 4 * 1024 * 1024;
/// Largest body of the account forms (registering, signing in, passwords, codes): the
/// forms anybody can post, with short fields only.
const MAX_ACCOUNT_FORM_BYTES: usize = 64 * 1024;
/// Largest body of the other forms (contributions, moderation, administration). A
/// contribution may be 5 000 characters, about 30 KiB of encoded Arabic; one pasted
/// several times longer still gets the form back saying how long it is, not a bare
/// refusal that loses it.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// Most fields a form may send: the longest (the editor with its topic checkboxes)
/// has a few dozen.
const MAX_FIELDS: usize = 300;
/// Largest `multipart/form-data` body: a form with files. Above the largest file we
/// accept (a 10 MiB PDF), so that a slightly larger file still gets the form back
/// with a message instead of a bare refusal.
const MAX_MULTIPART_BYTES: u64 = 24 * 1024 * 1024;

/// A submitted form: its fields and the request it came with. As an extractor it lets
/// through only forms that carry the session's CSRF token; otherwise the page comes
/// back saying so (403), and nothing is done.
pub(super) struct Submission {
    pub(super) parts: Parts,
    pub(super) client_ip: IpAddr,
    pub(super) fields: HashMap<String, String>,
    /// Every value in the order sent, for fields that may repeat (checkboxes).
    pairs: Vec<(String, String)>,
    /// Files sent with a `multipart/form-data` form.
    pub(super) uploads: Vec<Upload>,
    pub(super) session: Session,
    pub(super) lang: Lang,
}

impl Submission {
    /// Makes a refusal show the page at `query` (already checked; `sort=…&cpage=…`): the
    /// place in a list the form was sent from, which the form's own address lacks.
    pub(super) fn shown_at(&mut self, query: &str) {
        if query.is_empty() {
            return;
        }
        let at = format!("{}?{query}", self.parts.uri.path());
        if let Ok(uri) = at.parse() {
            self.parts.uri = uri;
        }
    }

    /// The sign-in limits keyed by the typed address: for the forms that take one
    /// from anybody (registering, signing in, asking for a reset link).
    /// The address is keyed by its digest once normalised; a value that is no address
    /// spends only the client's bucket (the service then says what is wrong with it).
    pub(super) async fn check_email_rate(
        &self,
        state: &AppState,
        action: Action,
    ) -> Result<(), Response> {
        let key = self.email_key();
        self.check_rate(state, action, key.as_ref()).await
    }

    /// The typed address's key, when it is an address.
    pub(super) fn email_key(&self) -> Option<AccountKey> {
        AccountKey::of_address(self.field("email")).ok()
    }

    /// Sign-in by password: the client's bucket is spent, and the account's growing
    /// delay after failed passwords applies — unless this browser carries the device
    /// cookie of an earlier sign-in to it. Nothing of the account's is spent here:
    /// only a failure counts (see [`Submission::password_failed`]).
    pub(super) async fn check_sign_in_rate(&self, state: &AppState) -> Result<(), Response> {
        self.check_rate(state, Action::SignIn, None).await?;
        let (Some(limits), Some(key)) = (self.limits(), self.email_key()) else {
            return Ok(());
        };
        if self.is_known_device(&key) {
            return Ok(());
        }
        match limits.failure_delay(&key) {
            Ok(()) => Ok(()),
            Err(wait) => Err(self.too_many(state, Action::SignIn, wait).await),
        }
    }

    /// A wrong password for the typed address: counted unless from a known device.
    pub(super) fn password_failed(&self) {
        if let (Some(limits), Some(key)) = (self.limits(), self.email_key()) {
            if !self.is_known_device(&key) {
                limits.failed(&key);
            }
        }
    }

    /// The right password for `email` (the account's stored address): its failures are
    /// forgotten, and the answer gets a device cookie that skips their delay from now on.
    pub(super) fn signed_in_as(&self, email: &str, res: &mut Response, secure: bool) {
        let (Some(limits), Ok(key)) = (self.limits(), AccountKey::of_address(email)) else {
            return;
        };
        limits.succeeded(&key);
        let cookie = format!(
            "{DEVICE_COOKIE}={}; Path=/; Max-Age=15552000; SameSite=Lax; HttpOnly{}",
            limits.device_tag(&key),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }

    fn is_known_device(&self, key: &AccountKey) -> bool {
        let Some(limits) = self.limits() else {
            return false;
        };
        self.parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == DEVICE_COOKIE && limits.is_known_device(key, value))
    }

    fn limits(&self) -> Option<&Arc<RateLimits>> {
        self.parts.extensions.get::<Arc<RateLimits>>()
    }

    async fn read(state: &AppState, req: Request<Body>) -> Result<Submission, Response> {
        let (parts, body) = req.into_parts();
        let lang = Lang::from_path(parts.uri.path()).unwrap_or_default();
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        // The address `client_addr::record` found (the proxy's client behind a trusted
        // proxy); the peer when that layer is not there.
        let client_ip = match parts.extensions.get::<ClientAddr>() {
            Some(ClientAddr(ip)) => *ip,
            None => parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::from([0, 0, 0, 0]), |ci| ci.0.ip()),
        };
        let mut sub = Submission {
            parts,
            client_ip,
            fields: HashMap::new(),
            pairs: Vec::new(),
            uploads: Vec::new(),
            session,
            lang,
        };
        let content_type = sub
            .parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let editor = is_editor(sub.parts.uri.path());
        let max_bytes = if editor {
            MAX_EDITOR_BYTES
        } else if is_account_form(sub.parts.uri.path()) {
            MAX_ACCOUNT_FORM_BYTES
        } else {
            MAX_FORM_BYTES
        };
        let declared = sub
            .parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match multer::parse_boundary(content_type) {
            // Files are taken only by the forms that have a file input, only from a
            // signed-in person, and only after the form's token: nothing else reads
            // past the first field.
            Ok(_) if !takes_files(sub.parts.uri.path()) => {
                drain(body).await;
                return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response());
            }
            Ok(_) if declared.is_some_and(|n| n > MAX_MULTIPART_BYTES) => {
                return Err(sub.file_too_large(state).await);
            }
            Ok(boundary) => match read_multipart(state, &sub, body, boundary).await {
                Ok((pairs, uploads)) => {
                    sub.pairs = pairs;
                    sub.uploads = uploads;
                }
                Err(MultipartError::Refused(res)) => return Err(res),
                Err(MultipartError::Read(multer::Error::FieldSizeExceeded { .. })) => {
                    return Err(sub.oversized(state).await);
                }
                Err(MultipartError::Read(multer::Error::StreamSizeExceeded { .. })) => {
                    return Err(sub.file_too_large(state).await);
                }
                Err(MultipartError::Read(err)) => {
                    tracing::warn!(error = %err, "unreadable multipart form");
                    return Err(StatusCode::BAD_REQUEST.into_response());
                }
            },
            Err(_) => {
                if declared.is_some_and(|n| n > max_bytes as u64) {
                    drain(body).await;
                    return Err(sub.oversized(state).await);
                }
                let Some(bytes) = read_at_most(body, max_bytes).await else {
                    return Err(sub.oversized(state).await);
                };
                sub.pairs = form_urlencoded::parse(&bytes).into_owned().collect();
                if sub.pairs.len() > MAX_FIELDS
                    || sub.pairs.iter().any(|(name, value)| {
                        SHORT_FIELDS.contains(&name.as_str()) && value.len() > MAX_SHORT_FIELD_BYTES
                    })
                {
                    sub.pairs.clear();
                    return Err(sub.oversized(state).await);
                }
            }
        }
        sub.fields = sub.pairs.iter().cloned().collect();
        Ok(sub)
    }

    /// A body with files larger than any accepted: the page again, saying so (413).
    async fn file_too_large(&self, state: &AppState) -> Response {
        let feedback = FormFeedback {
            summary: Some(FormMessage::FileTooLarge),
            ..Default::default()
        };
        self.render(state, feedback, StatusCode::PAYLOAD_TOO_LARGE)
            .await
    }

    /// A field too long to be what it names: the page again, saying the form could not
    /// be read (413), with nothing of what was sent.
    async fn oversized(&self, state: &AppState) -> Response {
        tracing::warn!(path = %self.parts.uri.path(), ip = %self.client_ip, "form field too long");
        let feedback = FormFeedback {
            summary: Some(FormMessage::FormUnreadable),
            ..Default::default()
        };
        self.render(state, feedback, StatusCode::PAYLOAD_TOO_LARGE)
            .await
    }

    /// The sign-in limits, keyed by an account rather than a typed address: for forms
    /// that check a password or a code of someone already known.
    pub(super) async fn check_account_rate(
        &self,
        state: &AppState,
        user: app::domain::UserId,
    ) -> Result<(), Response> {
        self.check_rate(state, Action::SignIn, Some(&AccountKey::User(user)))
            .await
    }

    /// Answers 429 with a translated message and `Retry-After` when over a limit.
    pub(super) async fn check_rate(
        &self,
        state: &AppState,
        action: Action,
        account: Option<&AccountKey>,
    ) -> Result<(), Response> {
        let Some(limits) = self.limits() else {
            return Ok(());
        };
        match limits.check(action, self.client_ip, account) {
            Ok(()) => Ok(()),
            Err(wait) => Err(self.too_many(state, action, wait).await),
        }
    }

    /// The page again saying to wait (429, `Retry-After`), with the typed address only
    /// when it is one: what is put back is never longer than an address may be.
    pub(super) async fn too_many(
        &self,
        state: &AppState,
        action: Action,
        wait: std::time::Duration,
    ) -> Response {
        tracing::warn!(?action, ip = %self.client_ip, "rate limit reached");
        let email = self.field("email");
        let values = match app::domain::account::normalize_email(email) {
            Ok(_) if email.len() <= MAX_SHORT_FIELD_BYTES => {
                [("email".to_owned(), email.trim().to_owned())]
                    .into_iter()
                    .collect()
            }
            _ => Default::default(),
        };
        let feedback = FormFeedback {
            values,
            summary: Some(FormMessage::TooManyAttempts),
            ..Default::default()
        };
        let mut res = self
            .render(state, feedback, StatusCode::TOO_MANY_REQUESTS)
            .await;
        let seconds = wait.as_secs().max(1).to_string();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            res.headers_mut().insert(header::RETRY_AFTER, value);
        }
        res
    }

    /// The answer to a form: on success a redirect to `next`, a path built by
    /// `app::paths`; else the page again with the feedback.
    pub(super) async fn respond<E: IntoFeedback>(
        &self,
        state: &AppState,
        result: Result<(), E>,
        next: String,
    ) -> Response {
        match result {
            Ok(()) => see_other(next),
            Err(refusal) => self.refuse(state, refusal).await,
        }
    }

    /// The page again with what was typed and why it was refused (422; 401 or 403
    /// when the person may not do it; 500 when the fault was ours).
    pub(super) async fn refuse(&self, state: &AppState, refusal: impl IntoFeedback) -> Response {
        let mut feedback = refusal.into_feedback();
        if feedback.values.is_empty() {
            feedback.values = self.typed_values();
        }
        let status = if feedback.summary == Some(FormMessage::Internal) {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        self.render(state, feedback, status).await
    }

    /// What was typed, to put back in the fields: everything but secrets.
    pub(super) fn typed_values(&self) -> std::collections::BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|(k, _)| !SECRET_FIELDS.contains(&k.as_str()) && k.as_str() != "intent")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The form's `intent`: which of the page's forms was sent. A missing or unknown
    /// one does nothing and answers 400 with the page saying the form could not be read.
    pub(super) async fn intent<I: std::str::FromStr>(
        &self,
        state: &AppState,
    ) -> Result<I, Response> {
        match self.field("intent").parse() {
            Ok(intent) => Ok(intent),
            Err(_) => Err(self.unreadable(state).await),
        }
    }

    /// The row a form acts on (`target`, `grant`, `attachment`…), by its id; 400 like
    /// [`Submission::intent`] when it is missing or not an id.
    pub(super) async fn id_field(&self, state: &AppState, name: &str) -> Result<i64, Response> {
        match self.field(name).trim().parse::<i64>() {
            Ok(id) if id > 0 => Ok(id),
            _ => Err(self.unreadable(state).await),
        }
    }

    /// The page again, saying the form could not be read (400); nothing was done.
    pub(super) async fn unreadable(&self, state: &AppState) -> Response {
        tracing::warn!(path = %self.parts.uri.path(), "form with a missing or unknown intent or target");
        let feedback = FormFeedback {
            summary: Some(FormMessage::FormUnreadable),
            ..Default::default()
        };
        self.render(state, feedback, StatusCode::BAD_REQUEST).await
    }

    pub(super) fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// Every value sent for `name` (a group of checkboxes sends one per ticked box).
    pub(super) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The client's address, as the audit log records it.
    pub(super) fn ip(&self) -> Option<String> {
        Some(self.client_ip.to_string())
    }

    /// The signed-in person, or the page again saying to sign in (401).
    pub(super) async fn signed_in(&self, state: &AppState) -> Result<Signed, Response> {
        match authz::signed_in(&self.session, &state.db, state.clock.now()).await {
            Ok(Some(signed)) => Ok(signed),
            Ok(None) => Err(self
                .render(
                    state,
                    Denied::SignInRequired.into_feedback(),
                    StatusCode::UNAUTHORIZED,
                )
                .await),
            Err(err) => {
                tracing::error!(error = %err, "session unavailable");
                Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }
        }
    }

    /// Refuses forms without this session's CSRF token: nothing is changed, and the
    /// page comes back with a message saying so.
    async fn check_csrf(&self, state: &AppState) -> Result<(), Response> {
        self.check_token(state, self.fields.get("csrf").map(String::as_str))
            .await
    }

    /// Whether `token` is this session's form token; the page saying the form expired
    /// (403) when it is not.
    async fn check_token(&self, state: &AppState, token: Option<&str>) -> Result<(), Response> {
        let cookies = self
            .parts
            .headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok());
        let https = state.public_url.starts_with("https://");
        match form_token::check(&self.session, &state.seeds, cookies, https, token).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                let feedback = FormFeedback {
                    summary: Some(FormMessage::FormExpired),
                    ..Default::default()
                };
                Err(self.render(state, feedback, StatusCode::FORBIDDEN).await)
            }
            Err(err) => {
                tracing::error!(error = %err, "session unavailable");
                Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
            }
        }
    }

    /// Renders the page the form is on, with `feedback`.
    pub(super) async fn render(
        &self,
        state: &AppState,
        mut feedback: FormFeedback,
        status: StatusCode,
    ) -> Response {
        // The form the feedback is for: the one sent, unless the refusal names another.
        if feedback.intent.is_empty() {
            feedback.intent = self.field("intent").to_owned();
        }
        let status = match feedback.summary {
            Some(FormMessage::Denied(Denied::SignInRequired)) => StatusCode::UNAUTHORIZED,
            Some(FormMessage::Denied(_)) => StatusCode::FORBIDDEN,
            _ => status,
        };
        let mut parts = self.parts.clone();
        parts.method = Method::GET;
        let req = Request::from_parts(parts, Body::empty());
        let context = {
            let state = state.clone();
            move || {
                leptos::prelude::provide_context(state.clone());
                leptos::prelude::provide_context(feedback.clone());
            }
        };
        let options = state.leptos_options.clone();
        let handler = leptos_axum::render_app_async_with_context(context, move || {
            app::shell(options.clone())
        });
        let mut res = handler(req).await;
        *res.status_mut() = status;
        res
    }
}

impl FromRequest<AppState> for Submission {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Self, Response> {
        let sub = Submission::read(state, req).await?;
        sub.check_csrf(state).await?;
        Ok(sub)
    }
}

/// A form only a signed-in person may send, with that person; for anybody else the
/// page comes back asking them to sign in (401).
pub(super) struct SignedSubmission(pub(super) Submission, pub(super) Signed);

impl FromRequest<AppState> for SignedSubmission {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Self, Response> {
        let sub = Submission::from_request(req, state).await?;
        let signed = sub.signed_in(state).await?;
        Ok(SignedSubmission(sub, signed))
    }
}

/// Who reads a page or a file: the signed-in person, or `None` for anybody.
pub(super) struct Reader(pub(super) Option<Signed>);

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        authz::signed_in(&session, &state.db, state.clock.now())
            .await
            .map(Reader)
            .map_err(|err| {
                tracing::error!(error = %err, "session unavailable");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })
    }
}

/// What is read and dropped of a body refused for its size, so that a client still
/// sending gets the answer rather than a broken connection; past it, the connection
/// is simply closed.
const DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// The next chunk of `body` (empty for a frame without data); `None` at its end.
async fn next_chunk(body: &mut Body) -> Option<Result<axum::body::Bytes, axum::Error>> {
    use axum::body::HttpBody;
    let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_frame(cx)).await?;
    Some(frame.map(|f| f.into_data().unwrap_or_default()))
}

/// Reads and drops up to [`DRAIN_BYTES`] of `body`, one chunk in memory at a time.
async fn drain(mut body: Body) {
    let mut seen = 0;
    while seen < DRAIN_BYTES {
        match next_chunk(&mut body).await {
            Some(Ok(chunk)) => seen += chunk.len(),
            _ => break,
        }
    }
}

/// The body when it is at most `max` bytes; `None` when longer (the rest is drained,
/// never kept) or broken.
async fn read_at_most(mut body: Body, max: usize) -> Option<Vec<u8>> {
    let mut kept = Vec::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk.ok()?;
        if kept.len() + chunk.len() > max {
            drain(body).await;
            return None;
        }
        kept.extend_from_slice(&chunk);
    }
    Some(kept)
}

/// Whether `path` is one of the forms about one's own account (`/{lang}/sign-in`,
/// `/{lang}/account/…` and the like).
fn is_account_form(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let _lang = segments.next();
    matches!(
        segments.next(),
        Some(
            "register" | "sign-in" | "sign-out" | "forgot-password" | "reset-password" | "account"
        )
    )
}

/// Whether `path` is one of the draft editor's forms (a consultation's, or a new one):
/// the only forms with long texts and files.
fn is_editor(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let _lang = segments.next();
    matches!(
        (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next()
        ),
        (Some("consultations"), Some(_), Some("edit"), None, None)
            | (
                Some("agencies"),
                Some(_),
                Some("consultations"),
                Some("new"),
                None
            )
    )
}

/// Whether `path` is a form with a file input: the draft editor's (a draft's text, its
/// documents), and a workshop organisers' page (a feedback sheet).
fn takes_files(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let _lang = segments.next();
    is_editor(path)
        || matches!(
            (
                segments.next(),
                segments.next(),
                segments.next(),
                segments.next()
            ),
            (Some("workshops"), Some(_), Some("manage"), None)
        )
}

/// Why a `multipart/form-data` body was not read whole.
enum MultipartError {
    /// Refused before its files were read: the answer to send.
    Refused(Response),
    Read(multer::Error),
}

impl From<multer::Error> for MultipartError {
    fn from(err: multer::Error) -> Self {
        MultipartError::Read(err)
    }
}

/// The text fields and files of a `multipart/form-data` body, from a signed-in person
/// whose form token comes first and matches: otherwise not a byte of a file is read.
async fn read_multipart(
    state: &AppState,
    sub: &Submission,
    body: Body,
    boundary: String,
) -> Result<(Vec<(String, String)>, Vec<Upload>), MultipartError> {
    sub.signed_in(state)
        .await
        .map_err(MultipartError::Refused)?;
    let limits = SHORT_FIELDS.iter().fold(
        multer::SizeLimit::new().whole_stream(MAX_MULTIPART_BYTES),
        |limits, name| limits.for_field(*name, MAX_SHORT_FIELD_BYTES as u64),
    );
    let mut multipart = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let (mut pairs, mut uploads) = (Vec::new(), Vec::new());
    let mut token_checked = false;
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        if !token_checked {
            let token = if name == "csrf" && field.file_name().is_none() {
                Some(field.text().await?)
            } else {
                None
            };
            sub.check_token(state, token.as_deref())
                .await
                .map_err(MultipartError::Refused)?;
            token_checked = true;
            pairs.push(("csrf".to_owned(), token.unwrap_or_default()));
            continue;
        }
        if pairs.len() + uploads.len() >= MAX_FIELDS {
            return Err(MultipartError::Refused(sub.oversized(state).await));
        }
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let content_type = field
                    .content_type()
                    .map(|m| m.essence_str().to_owned())
                    .unwrap_or_default();
                let bytes = field.bytes().await?.to_vec();
                uploads.push(Upload {
                    field: name,
                    file_name,
                    content_type,
                    bytes,
                });
            }
            None => pairs.push((name, field.text().await?)),
        }
    }
    Ok((pairs, uploads))
}

pub(super) fn see_other(path: String) -> Response {
    Redirect::to(&path).into_response()
}
