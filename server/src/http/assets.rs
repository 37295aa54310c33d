//! The built site's files: `/pkg` (wasm, JS, CSS) with their precompressed copies and
//! cache headers, the cache header of the other public files, and what the compression
//! layer compresses.

use std::path::{Path, PathBuf};

use app::ssr::state::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use leptos::prelude::LeptosOptions;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::services::ServeDir;

/// Files whose name carries a hash of their content never change: cached for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files of `/pkg` without a hash in their name (wasm-bindgen's JS snippets, or a build
/// without hashing) may change under the same name: the browser asks again each time.
pub const REVALIDATE: &str = "no-cache";
/// The other public files (`public/`: the icon) change rarely: an hour.
pub const PUBLIC_FILE: &str = "public, max-age=3600";

/// The site's `pkg` directory.
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(&*options.site_root).join(&*options.site_pkg_dir)
}

/// `/pkg/…`: the files of the built `pkg` directory; `x.br` or `x.gz` instead of `x`
/// when it exists and the client accepts it.
pub fn pkg_routes(options: &LeptosOptions) -> Router<AppState> {
    let files = ServeDir::new(pkg_dir(options))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(&app::paths::route::site_dir(&options.site_pkg_dir), files)
        .layer(axum::middleware::from_fn(pkg_cache))
}

async fn pkg_cache(req: Request, next: Next) -> Response {
    let immutable = is_content_hashed(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if immutable { IMMUTABLE } else { REVALIDATE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The body depends on Accept-Encoding (a precompressed copy or not): caches
        // between us and the browser must keep them apart.
        add_vary_accept_encoding(res.headers_mut());
    }
    res
}

/// For the fallback: a file of the site (not a page, not the 404 page) gets a short cache.
pub async fn public_file_cache(mut res: Response) -> Response {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() == StatusCode::OK && !html && !res.headers().contains_key(header::CACHE_CONTROL)
    {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_FILE));
    }
    res
}

fn add_vary_accept_encoding(headers: &mut HeaderMap) {
    let present = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// Whether the last segment of `path` is `name.<hash>.ext`: a part between the first
/// and the last dot of at least 16 URL-safe characters (the build step writes 20 hex
/// digits, cargo-leptos 22 base64url characters).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() >= 16
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// What the compression layer compresses: text (pages, JSON, JS, CSS, SVG, Markdown)
/// and wasm, above a few bytes. Not images, PDFs or anything compressed already.
pub fn compressible() -> impl Predicate {
    DefaultPredicate::new().and(
        |_: StatusCode, _: axum::http::Version, headers: &HeaderMap, _: &axum::http::Extensions| {
            let Some(kind) = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
            else {
                return false;
            };
            let kind = kind.split(';').next().unwrap_or_default().trim();
            kind.starts_with("text/")
                || kind.ends_with("+json")
                || kind.ends_with("+xml")
                || matches!(
                    kind,
                    "application/json" | "application/javascript" | "application/wasm"
                )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_content_hashed("/pkg/shura.082ab8a09ea36bb290ce.js"));
        assert!(is_content_hashed("/pkg/shura.d62c26858b6f84323e2d.wasm"));
        assert!(is_content_hashed("/pkg/shura.AbCd-_efGhIjKlMnOpQrStU.css"));
        assert!(!is_content_hashed("/pkg/shura.js"));
        assert!(!is_content_hashed("/pkg/shura_bg.wasm"));
        assert!(!is_content_hashed("/pkg/snippets/leptos-abc/inline0.js"));
        assert!(!is_content_hashed("/pkg/shura.short.js"));
        assert!(!is_content_hashed("/pkg/shura.082ab8a09ea36bb290ce"));
    }
}
