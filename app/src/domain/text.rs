//! Text that an agency writes in Arabic, English or both.

use serde::{Deserialize, Serialize};

use super::Lang;

/// A pair of translations; either may be missing, never both for a required field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LocalizedText {
    pub ar: Option<String>,
    pub en: Option<String>,
}

/// The text to show in one language, and whether it had to come from the other one
/// (the page then marks it with the other language's `lang` and a notice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub text: String,
    pub lang: Lang,
    pub is_fallback: bool,
}

impl LocalizedText {
    pub fn new(ar: Option<String>, en: Option<String>) -> Self {
        let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        LocalizedText {
            ar: clean(ar),
            en: clean(en),
        }
    }

    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Ar => self.ar.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ar.is_none() && self.en.is_none()
    }

    /// The text in `lang`, or else in the other language, marked as a fallback.
    pub fn pick(&self, lang: Lang) -> Option<Localized> {
        if let Some(text) = self.get(lang) {
            return Some(Localized {
                text: text.to_owned(),
                lang,
                is_fallback: false,
            });
        }
        self.get(lang.other()).map(|text| Localized {
            text: text.to_owned(),
            lang: lang.other(),
            is_fallback: true,
        })
    }
}

/// The language a person's text is written in, when its letters say so: at least four
/// in five of them Arabic-script (Arabic) or Latin (English). Screen readers then read
/// it with the right voice, whatever the page's language. Mixed or letterless text has
/// no detectable language and keeps the page's.
pub fn detect_lang(text: &str) -> Option<Lang> {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match c {
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => arabic += 1,
            c if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) => latin += 1,
            _ => {}
        }
    }
    let letters = arabic + latin;
    if letters == 0 {
        None
    } else if arabic * 5 >= letters * 4 {
        Some(Lang::Ar)
    } else if latin * 5 >= letters * 4 {
        Some(Lang::En)
    } else {
        None
    }
}

/// Bidirectional embedding, override and isolate controls: they can make a text read
/// differently from what it says (a name or an address shown backwards).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing and could make two different names look the same:
/// zero-width space, word joiner, byte-order mark, soft hyphen, Mongolian vowel
/// separator and the directional marks. The zero-width joiner and non-joiner stay:
/// Persian and Urdu spelling needs them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'
            | '\u{2060}'
            | '\u{feff}'
            | '\u{00ad}'
            | '\u{180e}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
    )
}

/// A one-line name — a person's display name, an organisation's, an agency's — as it
/// is stored: the same bidi controls removed as from contributions, and control and
/// invisible characters too; runs of spaces become one.
pub fn clean_name(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_bidi_control(*c) && !is_invisible(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `url` may be stored and shown as a link: an `http` or `https` address with a
/// host, at most 300 bytes, without spaces or control characters. Every stored link
/// (an agency's website, from its form or from an imported file) passes this, and views
/// link only what does: a `javascript:` or `data:` URL never becomes an `href`.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    url.len() <= 300
        && !rest.is_empty()
        && !rest.starts_with(['/', '\\', '@'])
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_what_could_make_them_read_as_another_name() {
        // "Admin" spelled backwards behind a right-to-left override.
        assert_eq!(clean_name("\u{202e}nimdA"), "nimdA");
        assert_eq!(clean_name("  وزارة\u{2067} الصحة\u{2069}  "), "وزارة الصحة");
        assert_eq!(clean_name("مدير\u{200b} المنصة"), "مدير المنصة");
        assert_eq!(clean_name("ad\u{feff}min\u{00ad}"), "admin");
        assert_eq!(clean_name("line\nbreak\ttab"), "line break tab");
        // Persian spelling keeps its zero-width non-joiner.
        assert_eq!(clean_name("می\u{200c}خواهم"), "می\u{200c}خواهم");
        assert_eq!(clean_name("\u{200f}\u{202b}"), "");
    }

    #[test]
    fn picks_the_requested_language() {
        let t = LocalizedText::new(Some("مسودة".into()), Some("Draft".into()));
        let p = t.pick(Lang::En).expect("text");
        assert_eq!(
            (p.text.as_str(), p.lang, p.is_fallback),
            ("Draft", Lang::En, false)
        );
    }

    #[test]
    fn falls_back_to_the_other_language_and_says_so() {
        let t = LocalizedText::new(Some("مسودة".into()), Some("   ".into()));
        let p = t.pick(Lang::En).expect("text");
        assert_eq!(
            (p.text.as_str(), p.lang, p.is_fallback),
            ("مسودة", Lang::Ar, true)
        );
    }

    #[test]
    fn empty_text_has_nothing_to_pick() {
        assert!(LocalizedText::new(None, Some(String::new()))
            .pick(Lang::Ar)
            .is_none());
    }

    #[test]
    fn the_language_of_a_text_is_told_by_its_letters() {
        assert_eq!(
            detect_lang("ترد الجهة على كل مساهمة خلال 21 يومًا (SLA)."),
            Some(Lang::Ar)
        );
        assert_eq!(
            detect_lang("The agency should answer within 30 days."),
            Some(Lang::En)
        );
        assert_eq!(detect_lang("Café résumé"), Some(Lang::En));
        assert_eq!(detect_lang("نص عربي طويل هنا and English"), None);
        assert_eq!(detect_lang("2026-12-06 ✓ 42"), None);
    }

    #[test]
    fn only_web_addresses_are_links() {
        for good in [
            "https://dga.gov.sa",
            "http://example.org/a?b=1",
            "HTTPS://Example.org",
        ] {
            assert!(is_web_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "https://",
            "https:///evil",
            "//evil.example",
            "https://a b",
            "https://a\u{0}b",
            "ftp://x.y",
            &format!("https://{}", "a".repeat(300)),
        ] {
            assert!(!is_web_url(bad), "{bad:?}");
        }
    }
}
