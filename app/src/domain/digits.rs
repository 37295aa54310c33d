//! Which digits Arabic pages write numbers in. Both are at home in the Gulf: Latin
//! digits (0–9) are the default, as on most government sites; Arabic-Indic digits
//! (٠–٩) are a person's choice on the account page. English pages always use Latin.

use serde::{Deserialize, Serialize};

/// Name of the cookie that carries the choice to every page of this browser, signed
/// in or not (set at sign-in from the account, and when the setting is saved).
pub const DIGITS_COOKIE: &str = "shura_digits";

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Digits {
    /// 0123456789
    #[default]
    Latin,
    /// ٠١٢٣٤٥٦٧٨٩ (U+0660–U+0669)
    ArabicIndic,
}

impl Digits {
    pub const ALL: [Digits; 2] = [Digits::Latin, Digits::ArabicIndic];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Only the exact codes: an unknown value is no choice at all.
    pub fn parse(s: &str) -> Option<Digits> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The choice carried by a `Cookie` header, if it carries one.
    pub fn from_cookie_header(header: &str) -> Option<Digits> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == DIGITS_COOKIE)
                .then(|| Digits::parse(value))
                .flatten()
        })
    }

    /// `text` (something the portal wrote: a date, a count, a clause number — never a
    /// person's words) with its digits as this choice writes them on a page in `lang`.
    pub fn write(self, lang: super::Lang, text: &str) -> String {
        match (self, lang) {
            (Digits::ArabicIndic, super::Lang::Ar) => text
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32('٠' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
                    _ => c,
                })
                .collect(),
            _ => text.to_owned(),
        }
    }
}

/// A digit as people type it on either keyboard — Arabic-Indic (٠–٩) or Eastern
/// Arabic-Indic (۰–۹) — as the Latin digit it stands for; any other character as it is.
pub fn to_latin(c: char) -> char {
    match c {
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for d in Digits::ALL {
            assert_eq!(Digits::parse(d.as_str()), Some(d));
        }
        assert_eq!(Digits::parse("arab"), None);
        assert_eq!(Digits::parse(""), None);
    }

    #[test]
    fn arabic_indic_digits_only_on_arabic_pages() {
        let d = Digits::ArabicIndic;
        assert_eq!(
            d.write(Lang::Ar, "15 مارس 2026، 14:05"),
            "١٥ مارس ٢٠٢٦، ١٤:٠٥"
        );
        assert_eq!(d.write(Lang::Ar, "0123456789"), "٠١٢٣٤٥٦٧٨٩");
        assert_eq!(d.write(Lang::En, "15 March 2026"), "15 March 2026");
        assert_eq!(Digits::Latin.write(Lang::Ar, "3 تعليقات"), "3 تعليقات");
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let h = "shura_lang=ar; shura_digits=arabic_indic; id=abc";
        assert_eq!(Digits::from_cookie_header(h), Some(Digits::ArabicIndic));
        assert_eq!(
            Digits::from_cookie_header("shura_digits=latin"),
            Some(Digits::Latin)
        );
        assert_eq!(Digits::from_cookie_header("shura_digits=xyz"), None);
        assert_eq!(Digits::from_cookie_header("other=1"), None);
    }
}
