//! Dates as people type them.

use chrono::NaiveDate;

/// A calendar date written `YYYY-MM-DD` (what `<input type="date">` sends), with Arabic-
/// Indic digits accepted too.
pub fn parse_iso_date(input: &str) -> Option<NaiveDate> {
    let ascii: String = input.trim().chars().map(super::digits::to_latin).collect();
    NaiveDate::parse_from_str(&ascii, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_in_either_digits() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 15);
        assert_eq!(parse_iso_date("2026-03-15"), d);
        assert_eq!(parse_iso_date(" ٢٠٢٦-٠٣-١٥ "), d);
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("15/03/2026"), None);
    }
}

/// A moment as a page shows it: in the agency's time zone, in both the Gregorian and
/// the Hijri (Umm al-Qura) calendar, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateLabel {
    /// RFC 3339, for `<time datetime>` and scripts.
    pub iso: String,
    /// "24 November 2026" / "24 نوفمبر 2026م".
    pub gregorian: String,
    /// "3 Jumada II 1448 AH" (CLDR's names) / "3 جمادى الآخرة 1448هـ".
    pub hijri: String,
    /// "23:59 Riyadh time" / "23:59 بتوقيت الرياض" (the offset for a zone CLDR cannot name).
    pub time: String,
}
