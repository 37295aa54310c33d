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

#[cfg(test)]
mod tests {
    use super::*;

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
}
