//! The HTTP surface: pages (Leptos), server functions, and a few plain axum routes.

mod accounts;
mod admin;
pub mod api;
pub mod assets;
pub mod client_addr;
mod consultations;
mod contributions;
mod feeds;
mod form;
mod lang;
pub mod limits;
mod moderation;
mod notifications;
mod ops;
pub mod page_cache;
mod received;
mod responses;
mod workshops;

use std::sync::LazyLock;

use app::domain::Lang;
use app::paths::route;
use app::ssr::db::sessions::SessionBackend;
use app::ssr::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Request};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The pages' routes, found once per process. Finding them renders the whole app with
/// resource loading switched off process-wide (leptos_server's `SuppressResourceLoad`
/// is a global flag, leptos#4773): a page that another router of the same process
/// renders meanwhile waits for its data forever. That is what hung the integration
/// tests when several ran at once, each building its own router. Found once, before
/// any router can serve, the window never overlaps a render.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// Builds the whole application router around `state`.
/// `https` says whether people reach the site over HTTPS (`SHURA_PUBLIC_URL`): cookies
/// are then `Secure` and browsers are told to keep using HTTPS (HSTS). `proxies` say
/// whose word on the client's address is taken (`SHURA_TRUSTED_PROXIES`).
/// `bench_routes` adds the benchmark's ceiling (`SHURA_BENCH`).
pub fn router(
    state: AppState,
    sessions: SessionBackend,
    https: bool,
    proxies: client_addr::TrustedProxies,
    bench_routes: bool,
) -> Router {
    let proxies = std::sync::Arc::new(proxies);
    let own = workshops::own_page_routes();
    let routes: Vec<AxumRouteListing> = ROUTES
        .iter()
        .filter(|r| !own.iter().any(|p| p == r.path()))
        .cloned()
        .collect();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let shell_fn = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let mut router = Router::new();
    for lang in Lang::ALL {
        router = router
            // Each language's home is `/ar/`; `/ar` is the same page.
            .route(&route::lang_root(lang), get(lang::to_home))
            .merge(accounts::routes(lang))
            .merge(notifications::routes(lang))
            .merge(admin::routes(lang))
            .merge(moderation::routes(lang))
            .merge(responses::routes(lang))
            .merge(consultations::routes(lang))
            .merge(contributions::routes(lang))
            .merge(feeds::routes(lang))
            .merge(received::routes(lang))
            .merge(workshops::routes(lang));
    }
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(app::ssr::accounts::sessions::cookie_name(https))
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_secure(https)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::seconds(
                app::ssr::accounts::sessions::IDLE_TIMEOUT.num_seconds(),
            ),
        ));
    if bench_routes {
        router = router.route("/bench/ceiling", get(ops::ceiling));
    }
    router
        .route("/", get(lang::root_redirect))
        .route(route::SWITCH_LANGUAGE, get(lang::switch_language))
        .route("/healthz", get(ops::healthz))
        .merge(api::routes())
        .merge(notifications::unsubscribe_routes())
        .route(route::ATTACHMENT, get(consultations::attachment))
        .route(
            "/api/fn/{*name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), shell_fn)
        // The built wasm, JS and CSS: precompressed copies, cached for good when their
        // names carry a content hash.
        .merge(assets::pkg_routes(&state.leptos_options))
        // The other files of the site (`public/`), else the 404 page.
        .fallback(
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell)
                .layer(axum::middleware::map_response(assets::public_file_cache)),
        )
        .layer(axum::Extension(rate_limits(state.clock.clone())))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(authority_of(&state.public_url).to_owned()),
            same_site_writes,
        ))
        .layer(axum::middleware::map_request(move |req| {
            client_addr::record(proxies.clone(), req)
        }))
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(
            app::ssr::accounts::sessions::cookie_name(https),
            no_store_with_a_session,
        ))
        .layer(security_headers())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        // Pages, JSON and other text, brotli or gzip as the client accepts (what is
        // compressed already, like the precompressed assets, passes as it is).
        .layer(CompressionLayer::new().compress_when(assets::compressible()))
        // Public pages for readers without a session, rendered once and compressed
        // once (outside the compression layer, which passes their encoded bodies).
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(app::ssr::accounts::sessions::cookie_name(https)),
            page_cache::serve,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The shared rate limits, with a task that forgets refilled keys every minute (it
/// ends when the router is dropped).
fn rate_limits(clock: app::ssr::clock::Clock) -> std::sync::Arc<limits::RateLimits> {
    let limits = limits::RateLimits::new(clock);
    let weak = std::sync::Arc::downgrade(&limits);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            match weak.upgrade() {
                Some(limits) => limits.shrink(),
                None => break,
            }
        }
    });
    limits
}

/// The span of a request: method, path and request id. Never the query string, which
/// may carry a mailed token (`/verify-email?token=…`), nor headers with cookies.
fn request_span(req: &Request<Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %loggable_path(req.uri().path()),
        request_id,
    )
}

/// The path as the log may keep it: an unsubscribe link's token is a permission, so
/// it is cut out (`/unsubscribe/…`, `/ar/unsubscribe/…`).
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.find("/unsubscribe/") {
        Some(at) => format!("{}/unsubscribe/…", &path[..at]).into(),
        None => path.into(),
    }
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// `host[:port]` of an origin or URL such as `https://shura.example.gov:8443/path`.
fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// Whether a request comes from a page of another site: browsers say so in
/// `Sec-Fetch-Site`; older ones only send `Origin`, compared with the host asked for
/// and the site's public address. A request with neither (a mail program's one-click
/// unsubscribe, a script) is left to the CSRF token.
fn is_cross_site(headers: &axum::http::HeaderMap, public: &str) -> bool {
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = value(header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match value(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let from = authority_of(origin);
            origin == "null" || !(Some(from) == value(header::HOST) || from == public)
        }
    }
}

/// Writes (POST and the like) from another site are refused before any handler reads
/// them: a second wall behind the CSRF token, and one that also covers `/api/fn`.
async fn same_site_writes(
    State(public): State<std::sync::Arc<String>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if writes && is_cross_site(req.headers(), &public) {
        tracing::warn!(path = %req.uri().path(), "cross-site write refused");
        return (
            axum::http::StatusCode::FORBIDDEN,
            "رُفض الطلب: أُرسل من موقع آخر. · Refused: this request came from another site.",
        )
            .into_response();
    }
    next.run(req).await
}

/// The portal uses none of these browser features; a page injected into it cannot
/// either.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     serial=(), bluetooth=(), hid=(), midi=(), display-capture=(), interest-cohort=()";

/// A response to a browser with a session, or one that sets a cookie, may hold
/// what only that person may see (recovery codes, the moderation queue with hidden
/// text, admin pages, answers of `/api/fn`): no cache keeps it, private or shared.
/// Content-hashed assets stay cacheable: they are the same for everyone.
async fn no_store_with_a_session(
    State(cookie_name): State<&'static str>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let has_session =
        page_cache::cookies(req.headers()).any(|pair| pair.split('=').next() == Some(cookie_name));
    let mut res = next.run(req).await;
    // Any cookie set (a session's, a visitor's form token) makes the answer personal.
    let starts_one = res.headers().contains_key(header::SET_COOKIE);
    let shared = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("immutable"));
    if (has_session || starts_one) && !shared {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        SetResponseHeaderLayer<HeaderValue>,
    >,
> {
    tower::layer::util::Stack::new(
        SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        tower::layer::util::Stack::new(
            SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
            SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ),
        ),
    )
}

/// A cell of a CSV file as a person typed it: one that a spreadsheet would read as a
/// formula (`=`, `+`, `-`, `@`, tab, return) is kept as text.
pub(crate) fn spreadsheet_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_stays_text() {
        assert_eq!(spreadsheet_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_cell("جمعية المكفوفين"), "جمعية المكفوفين");
        assert_eq!(spreadsheet_cell(""), "");
    }

    #[test]
    fn unsubscribe_tokens_are_cut_from_logged_paths() {
        let token = "ab".repeat(32);
        assert_eq!(
            loggable_path(&format!("/unsubscribe/{token}")),
            "/unsubscribe/…"
        );
        assert_eq!(
            loggable_path(&format!("/ar/unsubscribe/{token}")),
            "/ar/unsubscribe/…"
        );
        assert_eq!(loggable_path("/en/consultations/x"), "/en/consultations/x");
    }
}
