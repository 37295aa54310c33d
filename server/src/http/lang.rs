//! Choosing the language: `/` sends visitors to `/ar/` or `/en/`, and `/lang/{code}`
//! remembers an explicit choice.

use app::domain::lang::LANG_COOKIE;
use app::domain::Lang;
use app::paths;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// `GET /`: redirects by the language cookie, then `Accept-Language`, then Arabic.
pub async fn root_redirect(headers: HeaderMap) -> Response {
    let cookie = cookie_value(&headers, LANG_COOKIE);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::negotiate(cookie.as_deref(), accept);
    let mut res = redirect(&paths::home(lang));
    // The answer depends on these headers: shared caches must not mix them up.
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    res
}

/// `GET /ar` and `GET /en`: permanent redirect to the language's home page.
pub async fn to_home(uri: axum::http::Uri) -> Response {
    let target = format!("{}/", uri.path());
    match HeaderValue::from_str(&target) {
        Ok(value) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/code/…`: stores the choice for a year and goes to `next`,
/// which must be a page of the chosen language on this site (never an open redirect).
pub async fn switch_language(Path(code): Path<String>, Query(q): Query<SwitchQuery>) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = q
        .next
        .filter(|n| is_local_page_of(n, lang))
        .unwrap_or_else(|| paths::home(lang));
    let mut res = redirect(&next);
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, value);
    }
    res
}

fn is_local_page_of(path: &str, lang: Lang) -> bool {
    let prefix = paths::route::lang_root(lang);
    let rest = match path.strip_prefix(&prefix) {
        Some(rest) => rest,
        None => return false,
    };
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        && !path.contains("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad redirect target").into_response(),
    }
}

/// The value of one cookie from the `Cookie` headers, if present.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_the_chosen_language_are_followed() {
        assert!(is_local_page_of("/en/", Lang::En));
        assert!(is_local_page_of("/en", Lang::En));
        assert!(is_local_page_of("/en/consultations?page=2", Lang::En));
        for bad in [
            "/ar/",
            "//evil.example/en/",
            "/en//evil",
            "https://evil/en/",
            "/english",
            "/en\\x",
        ] {
            assert!(!is_local_page_of(bad, Lang::En), "{bad}");
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; shura_lang=en; b=2"),
        );
        assert_eq!(cookie_value(&h, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(cookie_value(&h, "missing"), None);
    }
}
