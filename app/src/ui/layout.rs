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

/// What a query value keeps as it is: RFC 3986 unreserved characters, and `/` (paths).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a value for a query string.
pub fn encode_query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("/en/a?b=c&d"), "/en/a%3Fb%3Dc%26d");
        assert_eq!(
            encode_query_value("/ar/شورى"),
            "/ar/%D8%B4%D9%88%D8%B1%D9%89"
        );
    }
}
