//! Small helpers every page uses: the page's language, its `<title>`, query values.

use leptos::prelude::*;

use crate::domain::digits::Digits;
use crate::domain::Lang;

/// The `<title>` of a page: its own title, then the site's name.
pub fn page_title(lang: Lang, title: &str) -> String {
    format!(
        "{title} · {}",
        leptos_i18n::td_string!(lang.locale(), site_name)
    )
}

/// The language of the page being rendered, provided by the frame around every page.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The digits this browser asked for (its cookie), read where the page is rendered:
/// from the request on the server, from `document.cookie` in the browser, so that
/// both render the same text. The frame provides it to every page.
pub fn request_digits() -> Digits {
    #[cfg(feature = "ssr")]
    let header = use_context::<axum::http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(axum::http::header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    #[cfg(not(feature = "ssr"))]
    let header = {
        use leptos::wasm_bindgen::JsValue;
        leptos::web_sys::js_sys::Reflect::get(&document(), &JsValue::from_str("cookie"))
            .ok()
            .and_then(|v| v.as_string())
    };
    header
        .as_deref()
        .and_then(Digits::from_cookie_header)
        .unwrap_or_default()
}

/// `text` — something the portal wrote, such as a date, a count or a clause number,
/// never a person's words — in the digits the reader chose for this page's language.
pub fn digits(text: impl std::fmt::Display) -> String {
    let chosen = use_context::<Digits>().unwrap_or_default();
    chosen.write(use_lang(), &text.to_string())
}

/// A number for a message's `{{ num }}` (its `count` chooses the plural form).
pub fn shown(n: impl std::fmt::Display) -> impl Fn() -> String + Clone + 'static {
    let text = digits(n);
    move || text.clone()
}

/// Percent-encodes a value for a query string (kept here for the callers that
/// encode more than URLs, such as a `Content-Disposition` file name).
pub use crate::paths::encode_query_value;

/// Signing in, then back to the page shown (its path and query).
pub fn here_then_sign_in(lang: Lang) -> String {
    let location = leptos_router::hooks::use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    // The router's `search` comes without its `?`.
    let search = search.trim_start_matches('?');
    let here = if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    };
    crate::paths::sign_in_then(lang, &here)
}
