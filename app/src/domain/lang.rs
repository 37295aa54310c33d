//! The two languages of the portal and how a visitor's language is chosen.

use serde::{Deserialize, Serialize};

/// A language the portal is written in. Arabic comes first: it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ar,
    En,
}

/// Name of the cookie that remembers the language a visitor chose.
pub const LANG_COOKIE: &str = "shura_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ar, Lang::En];

    /// BCP 47 code, also the first segment of every page's path.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    /// Writing direction, for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            Lang::En => "ltr",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ar => Lang::En,
            Lang::En => Lang::Ar,
        }
    }

    /// Parses a path segment or a cookie value; only exact codes are accepted.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ar" => Some(Lang::Ar),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a path such as `/en/consultations`, if it has one.
    pub fn from_path(path: &str) -> Option<Lang> {
        let first = path.trim_start_matches('/').split('/').next()?;
        Lang::from_code(first)
    }

    /// Chooses the language for a visitor who arrives without one in the path:
    /// their saved choice first, then their browser's preferences, then Arabic.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::from_code)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }

    /// Best supported language of an `Accept-Language` header (RFC 9110 §12.5.4):
    /// the highest `q` wins, ties go to the earlier entry, `q=0` means "not this one".
    fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            let Some(lang) = Lang::from_code(&primary) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |v| v.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_browser_preferences() {
        assert_eq!(
            Lang::negotiate(Some("en"), Some("ar-SA,ar;q=0.9")),
            Lang::En
        );
    }

    #[test]
    fn unknown_cookie_falls_back_to_accept_language() {
        assert_eq!(
            Lang::negotiate(Some("fr"), Some("en-GB,en;q=0.8")),
            Lang::En
        );
    }

    #[test]
    fn accept_language_respects_quality() {
        assert_eq!(
            Lang::negotiate(None, Some("fr;q=1, en;q=0.5, ar;q=0.7")),
            Lang::Ar
        );
        assert_eq!(
            Lang::negotiate(None, Some("en-US,en;q=0.9,ar;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("EN")), Lang::En);
    }

    #[test]
    fn zero_quality_means_refused() {
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Ar);
    }

    #[test]
    fn arabic_is_the_default() {
        assert_eq!(Lang::negotiate(None, None), Lang::Ar);
        assert_eq!(Lang::negotiate(None, Some("de-DE,fr;q=0.5")), Lang::Ar);
        assert_eq!(Lang::negotiate(None, Some("garbage;;q=x")), Lang::Ar);
    }

    #[test]
    fn language_comes_from_the_first_path_segment() {
        assert_eq!(Lang::from_path("/en/consultations"), Some(Lang::En));
        assert_eq!(Lang::from_path("/ar"), Some(Lang::Ar));
        assert_eq!(Lang::from_path("/english"), None);
        assert_eq!(Lang::from_path("/"), None);
    }
}
