//! Small helpers every page uses: the page's language, its `<title>`, query values.

use leptos::prelude::*;

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
