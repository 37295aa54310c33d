//! The built site's files: `/pkg` (wasm, JS, CSS) with their precompressed copies and
//! cache headers, served from memory; the cache header of the other public files; the
//! encoding a client accepts; and what the compression layer compresses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::ssr::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
/// when it exists and the client accepts it. Served from memory ([`PkgFiles`]); a file
/// that appeared after start-up (a rebuild while the server runs) from the disk.
pub fn pkg_routes(options: &LeptosOptions) -> Router<AppState> {
    let dir = pkg_dir(options);
    let prefix = app::paths::route::site_dir(&options.site_pkg_dir);
    let in_memory = Arc::new(PkgFiles::load(&dir, &prefix));
    let on_disk = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&prefix, on_disk)
        .layer(axum::middleware::from_fn_with_state(in_memory, from_memory))
        .layer(axum::middleware::from_fn(pkg_cache))
}

/// The files of `pkg`, read once: a few megabytes (the wasm bundle and its copies), and
/// no file system call per request (through the disk, a small file took 0.3 ms of CPU).
pub struct PkgFiles {
    /// By URL path (`/pkg/shura.<hash>.css`).
    files: HashMap<String, PkgFile>,
}

struct PkgFile {
    identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
}

impl PkgFiles {
    /// Every file under `dir` (but the `.br` and `.gz` copies, which go with theirs),
    /// addressed under `prefix`. A directory that cannot be read gives none: the pages
    /// are still served, and say so in the log at start-up.
    pub fn load(dir: &Path, prefix: &str) -> PkgFiles {
        let mut files = HashMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let compressed = path
                    .extension()
                    .is_some_and(|ext| ext == "br" || ext == "gz");
                let (Ok(relative), false) = (path.strip_prefix(dir), compressed) else {
                    continue;
                };
                let Ok(identity) = std::fs::read(&path) else {
                    continue;
                };
                let copy = |ext: &str| {
                    let mut name = path.clone().into_os_string();
                    name.push(ext);
                    std::fs::read(name).ok().map(Bytes::from)
                };
                let url = format!("{prefix}/{}", relative.to_string_lossy().replace('\\', "/"));
                let kind = mime_guess::from_path(&path).first_or_octet_stream();
                files.insert(
                    url,
                    PkgFile {
                        br: copy(".br"),
                        gzip: copy(".gz"),
                        content_type: HeaderValue::from_str(kind.as_ref())
                            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                        etag: etag_of(&identity),
                        identity: identity.into(),
                    },
                );
            }
        }
        PkgFiles { files }
    }
}

/// A strong validator for `bytes`: 96 bits of their SHA-256.
pub fn etag_of(bytes: &[u8]) -> HeaderValue {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or(HeaderValue::from_static("\"\""))
}

/// Whether `If-None-Match` names `etag` (weak or strong).
pub fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        })
}

async fn from_memory(State(files): State<Arc<PkgFiles>>, req: Request, next: Next) -> Response {
    let file = match *req.method() {
        Method::GET | Method::HEAD => files.files.get(req.uri().path()),
        _ => None,
    };
    let Some(file) = file else {
        return next.run(req).await;
    };
    if matches_etag(req.headers(), &file.etag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        res.headers_mut().insert(header::ETAG, file.etag.clone());
        return res;
    }
    let (body, encoding) = match Encoding::accepted(req.headers()) {
        Encoding::Brotli if file.br.is_some() => (file.br.clone(), Some("br")),
        Encoding::Gzip if file.gzip.is_some() => (file.gzip.clone(), Some("gzip")),
        _ => (None, None),
    };
    let mut res = Response::new(Body::from(body.unwrap_or_else(|| file.identity.clone())));
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, file.content_type.clone());
    headers.insert(header::ETAG, file.etag.clone());
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    res
}

/// The encoding a precompressed or kept body is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Brotli when the client accepts it, else gzip, else none (`q=0` refuses one).
    pub fn accepted(headers: &HeaderMap) -> Encoding {
        let mut brotli = false;
        let mut gzip = false;
        for value in headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            for item in value.split(',') {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                match name.as_str() {
                    "br" => brotli = !refused,
                    "gzip" | "x-gzip" => gzip = !refused,
                    "*" if !refused => {
                        brotli = true;
                        gzip = true;
                    }
                    _ => {}
                }
            }
        }
        if brotli {
            Encoding::Brotli
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
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
    use super::*;

    fn accept(value: &str) -> Encoding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Encoding::accepted(&headers)
    }

    #[test]
    fn the_encoding_follows_accept_encoding() {
        assert_eq!(accept("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(accept("gzip"), Encoding::Gzip);
        assert_eq!(accept("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(accept("identity"), Encoding::Identity);
        assert_eq!(accept("*"), Encoding::Brotli);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn an_etag_matches_strong_weak_and_any() {
        let etag = etag_of(b"body");
        let mut headers = HeaderMap::new();
        assert!(!matches_etag(&headers, &etag));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{}", etag.to_str().unwrap())).unwrap(),
        );
        assert!(matches_etag(&headers, &etag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches_etag(&headers, &etag));
    }

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
