//! Dates as Gulf readers expect them: local to the agency's time zone, with the Hijri
//! date (Umm al-Qura, the calendar of Saudi official documents) beside the Gregorian.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use icu_calendar::cal::Hijri;
use icu_calendar::Date;

use crate::domain::dates::DateLabel;
use crate::domain::Lang;

const GREGORIAN_AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
const GREGORIAN_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const HIJRI_AR: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];
const HIJRI_EN: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
];

/// The agency's zone, or Riyadh's when the stored name is unknown.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Riyadh)
}

/// `at` as shown to a reader of `lang`, in the time zone `tz`.
pub fn label(at: DateTime<Utc>, tz: &str, lang: Lang) -> DateLabel {
    let local = at.with_timezone(&zone(tz));
    let month = local.month0() as usize;
    let (day, year) = (local.day(), local.year());
    let gregorian = match lang {
        Lang::Ar => format!("{day} {} {year}م", GREGORIAN_AR[month]),
        Lang::En => format!("{day} {} {year}", GREGORIAN_EN[month]),
    };
    let hijri = hijri_date(year, local.month(), day)
        .map(|(y, m, d)| {
            let m = usize::from(m.clamp(1, 12)) - 1;
            match lang {
                Lang::Ar => format!("{d} {} {y}هـ", HIJRI_AR[m]),
                Lang::En => format!("{d} {} {y} AH", HIJRI_EN[m]),
            }
        })
        .unwrap_or_default();
    DateLabel {
        iso: at.to_rfc3339(),
        gregorian,
        hijri,
        time: local.format("%H:%M (UTC%:z)").to_string(),
    }
}

/// The Umm al-Qura date (year, month, day) of a Gregorian date.
fn hijri_date(year: i32, month: u32, day: u32) -> Option<(i32, u8, u8)> {
    let iso = Date::try_new_iso(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()?;
    let h = iso.to_calendar(Hijri::new_umm_al_qura());
    Some((h.era_year().year, h.month().ordinal, h.day_of_month().0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn hijri_dates_follow_umm_al_qura() {
        // 1 Ramadan 1447 AH fell on 18 February 2026 (Umm al-Qura).
        assert_eq!(hijri_date(2026, 2, 18), Some((1447, 9, 1)));
        // 1 Muharram 1447 AH, the Hijri new year, was 26 June 2025.
        assert_eq!(hijri_date(2025, 6, 26), Some((1447, 1, 1)));
    }

    #[test]
    fn labels_are_local_to_the_agency() {
        // 21:30 UTC is already the next day in Riyadh.
        let at = Utc
            .with_ymd_and_hms(2026, 11, 23, 21, 30, 0)
            .single()
            .unwrap_or_default();
        let en = label(at, "Asia/Riyadh", Lang::En);
        assert_eq!(en.gregorian, "24 November 2026");
        assert_eq!(en.time, "00:30 (UTC+03:00)");
        let ar = label(at, "Asia/Riyadh", Lang::Ar);
        assert_eq!(ar.gregorian, "24 نوفمبر 2026م");
        assert!(ar.hijri.ends_with("1448هـ"), "{}", ar.hijri);
    }
}
