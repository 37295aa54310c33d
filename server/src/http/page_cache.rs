//! Public pages kept rendered for readers without a session, so that a flash crowd of
//! readers costs one render of each page (per language, query and digits) until
//! something changes, instead of one per reader.
//!
//! **What is kept**: the reading pages ([`is_public_page`]) asked for with GET by a
//! browser without a session. A page is rendered from a copy of the request that
//! holds only what such a page may depend on — its path and query, and the digits
//! cookie — so nothing personal can enter a kept page; and it is kept only if it is a
//! `200` that sets no cookie. Signed-in readers (any request with a session cookie)
//! always get a page rendered for them.
//!
//! **Freshness**: a request that may write (any method but GET, HEAD and OPTIONS,
//! except the server functions that only read, [`READ_ONLY_FUNCTIONS`]) empties the
//! cache when it has been answered, so the next reader sees what it changed. A page
//! whose render overlapped such a write is not kept. What this process does not see —
//! another process writing to the same PostgreSQL database, `shura import`, the clock
//! opening or closing a comment period — reaches readers within [`MAX_AGE`], well
//! inside the 10 s after which open pages ask for new contributions.
//!
//! **Content-Security-Policy**: a kept page answers every reader with the nonce it was
//! rendered with. The nonce stops markup injected into *that* document from running;
//! the document cannot change while it is kept (any change is a new render with a new
//! nonce), so sharing it gives an attacker nothing to inject into.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::domain::digits::{Digits, DIGITS_COOKIE};
use app::domain::Lang;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::assets::{etag_of, matches_etag, Encoding};

/// How long a kept page may be shown without a write of this process emptying the
/// cache: the bound on what this process cannot see.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// The memory kept pages may take, their compressed copies included.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
/// A page larger than this is served but not kept.
const LARGEST_PAGE: usize = 4 * 1024 * 1024;

/// The server functions (`/api/fn/{name}`) that read and write nothing public: posted
/// by open pages (live updates poll `contribution_stamp` every 10 s) and by client-side
/// navigation, they must not empty the cache. A function missing here only costs
/// renders; one listed here wrongly would leave readers a stale page for [`MAX_AGE`].
pub const READ_ONLY_FUNCTIONS: &[&str] = &[
    "account_details",
    "admin_overview",
    "agency_page",
    "agency_staff_admin",
    "audit_log",
    "consultation_diff",
    "consultation_editor",
    "consultation_list",
    "consultation_report",
    "consultation_view",
    "contribution_stamp",
    "contribution_threads",
    "contributor_profile",
    "current_viewer",
    "form_token",
    "home_sections",
    "impact_page",
    "moderation_log",
    "moderation_queue",
    "new_consultation_editor",
    "record_form",
    "reset_link_status",
    "response_detail",
    "response_queue",
    "search",
    "second_step_pending",
    "two_factor_state",
    "workshop_editor",
    "workshop_listing",
    "workshop_manage",
    "workshop_page",
];

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    digits: Digits,
}

/// A kept page: its headers and its body as sent, gzip and brotli.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
    etag: HeaderValue,
}

impl Page {
    fn weight(&self) -> u32 {
        let bytes = self.identity.len() + self.gzip.len() + self.br.len();
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

pub struct PageCache {
    pages: moka::future::Cache<Key, Arc<Page>>,
    /// Moves on at every write: a render that saw it move is not kept.
    generation: AtomicU64,
    /// The session cookie's name (`__Host-` over HTTPS).
    session_cookie: &'static str,
}

impl PageCache {
    pub fn new(session_cookie: &'static str) -> Arc<PageCache> {
        Arc::new(PageCache {
            pages: moka::future::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|_: &Key, page: &Arc<Page>| page.weight())
                .time_to_live(MAX_AGE)
                .build(),
            generation: AtomicU64::new(0),
            session_cookie,
        })
    }

    /// Forgets every kept page: something may have changed.
    fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.pages.invalidate_all();
    }

    /// The key of a request the cache may answer, `None` for the others.
    fn key(&self, req: &Request) -> Option<Key> {
        if req.method() != Method::GET || !is_public_page(req.uri().path()) {
            return None;
        }
        let mut digits = None;
        for pair in cookies(req.headers()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if name == self.session_cookie {
                return None;
            }
            if name == DIGITS_COOKIE {
                digits = Digits::parse(value);
            }
        }
        Some(Key {
            path_and_query: req.uri().path_and_query()?.as_str().to_owned(),
            digits: digits.unwrap_or_default(),
        })
    }
}

/// The `name=value` pairs of the request's `Cookie` headers.
pub(crate) fn cookies(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
}

/// The middleware: answers public pages from the cache, renders and keeps them when
/// missing, and empties the cache after writes.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    if let Some(key) = cache.key(&req) {
        return cached(&cache, key, req, next).await;
    }
    let writes = may_write(&req);
    let res = next.run(req).await;
    if writes {
        cache.invalidate();
    }
    res
}

fn may_write(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let function = req.uri().path().strip_prefix("/api/fn/");
    !function.is_some_and(|name| READ_ONLY_FUNCTIONS.contains(&name))
}

async fn cached(cache: &PageCache, key: Key, req: Request, next: Next) -> Response {
    let encoding = Encoding::accepted(req.headers());
    let mut validators = HeaderMap::new();
    for value in req.headers().get_all(header::IF_NONE_MATCH) {
        validators.append(header::IF_NONE_MATCH, value.clone());
    }
    let generation = cache.generation.load(Ordering::Acquire);
    let mut not_kept = None;
    let render = {
        let (next, not_kept) = (next.clone(), &mut not_kept);
        let request = render_request(&req, &key);
        async move {
            let res = next.run(request).await;
            match keep(res).await {
                Ok(page) if cache.generation.load(Ordering::Acquire) == generation => {
                    Some(Arc::new(page))
                }
                // A write was answered meanwhile: this render may predate it.
                Ok(page) => {
                    *not_kept = Some(respond(&page, encoding, None));
                    None
                }
                Err(res) => {
                    *not_kept = Some(res);
                    None
                }
            }
        }
    };
    match cache.pages.optionally_get_with(key, render).await {
        Some(page) => respond(&page, encoding, Some(&validators)),
        None => match not_kept {
            Some(res) => res,
            // Another reader's render of this page was not kept: render for this one.
            None => next.run(req).await,
        },
    }
}

/// The request a kept page is rendered from: the reader's, without their cookies (but
/// the digits), validators and encodings, so that the page is the same for everyone.
fn render_request(req: &Request, key: &Key) -> Request {
    let mut headers = req.headers().clone();
    for name in [
        header::COOKIE,
        header::ACCEPT_ENCODING,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::AUTHORIZATION,
    ] {
        headers.remove(name);
    }
    if let Ok(cookie) = HeaderValue::from_str(&format!("{DIGITS_COOKIE}={}", key.digits.as_str())) {
        headers.insert(header::COOKIE, cookie);
    }
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = req.uri().clone();
    *request.version_mut() = req.version();
    *request.headers_mut() = headers;
    // The client's address, which an inner layer reads for logs and limits.
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    if let Some(peer) = peer {
        request.extensions_mut().insert(*peer);
    }
    request
}

/// The page as kept, or the response as it came when it may not be kept.
async fn keep(res: Response) -> Result<Page, Response> {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let keepable = res.status() == StatusCode::OK
        && html
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CONTENT_ENCODING);
    if !keepable {
        return Err(res);
    }
    let (parts, body) = res.into_parts();
    let identity = match axum::body::to_bytes(body, LARGEST_PAGE).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "a page too large to keep");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let compressed = {
        let identity = identity.clone();
        tokio::task::spawn_blocking(move || (gzip(&identity), brotli(&identity))).await
    };
    let Ok((gzip, br)) = compressed else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    let etag = etag_of(&identity);
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(header::ETAG, etag.clone());
    // Browsers keep the page but ask each time (a 304 when it did not change).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, cookie"),
    );
    Ok(Page {
        status: parts.status,
        headers,
        identity,
        gzip,
        br,
        etag,
    })
}

fn gzip(body: &[u8]) -> Bytes {
    use std::io::Write;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = out.write_all(body);
    out.finish().unwrap_or_default().into()
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 22,
        ..Default::default()
    };
    // Reading from a slice and writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    out.into()
}

fn respond(page: &Page, encoding: Encoding, validators: Option<&HeaderMap>) -> Response {
    let mut headers = page.headers.clone();
    if validators.is_some_and(|v| matches_etag(v, &page.etag)) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = headers.remove(&name) {
                res.headers_mut().insert(name, value);
            }
        }
        return res;
    }
    let body = match encoding {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            page.br.clone()
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            page.gzip.clone()
        }
        Encoding::Identity => page.identity.clone(),
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = page.status;
    *res.headers_mut() = headers;
    res
}

/// The pages every reader sees alike: home, the consultation list, a consultation (any
/// version), its diff and moderation log, an agency, and the rules, terms and privacy
/// pages. Not the account, sign-in, editing or staff pages.
pub fn is_public_page(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let Some(lang) = segments.next() else {
        return false;
    };
    if Lang::ALL.iter().all(|l| l.code() != lang) {
        return false;
    }
    let rest: Vec<&str> = segments.collect();
    match rest.as_slice() {
        [] | [""] => true,
        ["consultations"] | ["moderation-rules"] | ["terms"] | ["privacy"] => true,
        ["agencies", slug] | ["people", slug] => !slug.is_empty(),
        ["consultations", slug] => !slug.is_empty(),
        ["consultations", slug, "diff" | "moderation" | "impact" | "report"] => !slug.is_empty(),
        ["consultations", slug, "versions", n] => !slug.is_empty() && !n.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_reading_pages_are_public() {
        for path in [
            "/ar/",
            "/en",
            "/en/consultations",
            "/ar/consultations/e-participation-guideline",
            "/en/consultations/x/versions/2",
            "/en/consultations/x/diff",
            "/ar/consultations/x/moderation",
            "/ar/consultations/x/impact",
            "/en/agencies/digital-government-authority",
            "/en/people/12",
            "/ar/moderation-rules",
        ] {
            assert!(is_public_page(path), "{path}");
        }
        for path in [
            "/",
            "/fr/consultations",
            "/en/account",
            "/en/sign-in",
            "/en/register",
            "/en/moderation",
            "/en/consultations/x/responses",
            "/en/admin",
            "/en/consultations/x/edit",
            "/en/agencies/x/staff",
            "/en/agencies/x/consultations/new",
            "/en/consultations/x/versions/2/markdown",
            "/en/unsubscribe/abc",
            "/api/v1/consultations",
            "/pkg/shura.css",
        ] {
            assert!(!is_public_page(path), "{path}");
        }
    }

    #[test]
    fn reading_functions_do_not_count_as_writes() {
        let post = |path: &str| {
            let mut req = Request::new(Body::empty());
            *req.method_mut() = Method::POST;
            *req.uri_mut() = path.parse().unwrap();
            req
        };
        assert!(!may_write(&post("/api/fn/contribution_stamp")));
        assert!(may_write(&post("/api/fn/verify_email")));
        assert!(may_write(&post("/en/consultations/x")));
        assert!(!may_write(&Request::new(Body::empty())));
    }
}
