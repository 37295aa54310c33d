//! Dates as Gulf readers expect them: local to the agency's time zone, with the Hijri
//! date (Umm al-Qura, the calendar of Saudi official documents) beside the Gregorian.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use icu_calendar::cal::{hijri::UmmAlQura, Gregorian, Hijri};
use icu_calendar::Date;
use icu_datetime::fieldsets::zone::ExemplarCity;
use icu_datetime::fieldsets::M;
use icu_datetime::NoCalendarFormatter;
use icu_datetime::{DateTimeFormatterLoadError, FixedCalendarDateTimeFormatter};
use icu_locale_core::{locale, Locale};
use icu_time::zone::IanaParser;

use crate::domain::dates::DateLabel;
use crate::domain::{ConsultationCard, Lang};

/// The month names of both calendars in one language, from CLDR through ICU4X.
struct MonthNames {
    gregorian: [String; 12],
    hijri: [String; 12],
}

impl MonthNames {
    /// Each month's standalone wide name ("November", "جمادى الآخرة"): the first day of
    /// each month of a year, formatted with the month-only field set.
    fn load(locale: Locale) -> Result<Self, DateTimeFormatterLoadError> {
        let gregorian = FixedCalendarDateTimeFormatter::<Gregorian, M>::try_new(
            locale.clone().into(),
            M::long(),
        )?;
        let hijri = FixedCalendarDateTimeFormatter::<Hijri<UmmAlQura>, M>::try_new(
            locale.into(),
            M::long(),
        )?;
        // Months 1 to 12; the dates always exist, and the test checks every name.
        let month = |i: usize| i as u8 + 1;
        Ok(Self {
            gregorian: std::array::from_fn(|i| {
                Date::try_new_gregorian(2000, month(i), 1)
                    .map(|d| gregorian.format(&d).to_string())
                    .unwrap_or_default()
            }),
            hijri: std::array::from_fn(|i| {
                Date::try_new_hijri_with_calendar(1447, month(i), 1, Hijri::new_umm_al_qura())
                    .map(|d| hijri.format(&d).to_string())
                    .unwrap_or_default()
            }),
        })
    }

    fn of(lang: Lang) -> &'static MonthNames {
        // ICU's compiled data holds both locales; a failure here would be a broken build,
        // which `month_names_come_from_cldr` catches.
        #[allow(clippy::expect_used)]
        static NAMES: LazyLock<[MonthNames; 2]> = LazyLock::new(|| {
            [locale!("ar"), locale!("en")]
                .map(|l| MonthNames::load(l).expect("ICU month names for ar and en"))
        });
        match lang {
            Lang::Ar => &NAMES[0],
            Lang::En => &NAMES[1],
        }
    }
}

/// The agency's zone, or Riyadh's when the stored name is unknown.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Riyadh)
}

/// The format of `<input type="datetime-local">`: a wall-clock time in the agency's zone.
const LOCAL_INPUT_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// What a `datetime-local` field says, read in the zone `tz`; `None` when it is not
/// such a time, or names a wall-clock time the zone skips or repeats.
pub fn parse_local(raw: &str, tz: &str) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(raw.trim(), LOCAL_INPUT_FORMAT).ok()?;
    let local = zone(tz).from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

/// `at` as a `datetime-local` field shows it, in the zone `tz`.
pub fn local_input(at: DateTime<Utc>, tz: &str) -> String {
    at.with_timezone(&zone(tz))
        .format(LOCAL_INPUT_FORMAT)
        .to_string()
}

/// The platform's zone, for the dates of personal pages: a person has no zone of their
/// own (yet), and the portal serves the Gulf.
pub const PERSONAL_ZONE: &str = "Asia/Riyadh";

/// A calendar day (`YYYY-MM-DD`, such as a mandate's decision date) in Gregorian and
/// Hijri, without a time; `None` for a malformed date.
pub fn label_day(iso: &str, lang: Lang) -> Option<DateLabel> {
    let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    let noon = date.and_hms_opt(12, 0, 0)?.and_utc();
    Some(DateLabel {
        iso: iso.to_owned(),
        time: String::new(),
        ..label(noon, "UTC", lang)
    })
}

/// Labels each card's date in its agency's time zone, in `lang`.
pub fn label_cards(cards: &mut [ConsultationCard], lang: Lang) {
    for card in cards {
        card.date = Some(label(card.date_at(), &card.time_zone, lang));
    }
}

/// `at` as shown to a reader of `lang`, in the time zone `tz`.
pub fn label(at: DateTime<Utc>, tz: &str, lang: Lang) -> DateLabel {
    let local = at.with_timezone(&zone(tz));
    let names = MonthNames::of(lang);
    // Only the month names are ICU's: the numbers stay in Latin digits, in our order.
    let month = &names.gregorian[local.month0() as usize];
    let (day, year) = (local.day(), local.year());
    let gregorian = match lang {
        Lang::Ar => format!("{day} {month} {year}م"),
        Lang::En => format!("{day} {month} {year}"),
    };
    let hijri = hijri_date(year, local.month(), day)
        .map(|(y, m, d)| {
            let month = &names.hijri[usize::from(m.clamp(1, 12)) - 1];
            match lang {
                Lang::Ar => format!("{d} {month} {y}هـ"),
                Lang::En => format!("{d} {month} {y} AH"),
            }
        })
        .unwrap_or_default();
    let clock = local.format("%H:%M");
    // The zone as people say it, by its city ("بتوقيت الرياض", "Riyadh time"); the
    // offset only for a zone CLDR has no city for.
    let time = match (zone_city(tz, lang), lang) {
        (Some(city), Lang::Ar) => format!("{clock} بتوقيت {city}"),
        (Some(city), Lang::En) => format!("{clock} {city} time"),
        (None, _) => local.format("%H:%M (UTC%:z)").to_string(),
    };
    DateLabel {
        iso: at.to_rfc3339(),
        gregorian,
        hijri,
        time,
    }
}

/// CLDR's city of the IANA zone `tz`: "الرياض", "Riyadh".
fn zone_city(tz: &str, lang: Lang) -> Option<String> {
    static FORMATTERS: LazyLock<[Option<NoCalendarFormatter<ExemplarCity>>; 2]> =
        LazyLock::new(|| {
            [locale!("ar"), locale!("en")]
                .map(|l| NoCalendarFormatter::try_new(l.into(), ExemplarCity).ok())
        });
    let formatter = FORMATTERS[usize::from(lang == Lang::En)].as_ref()?;
    let zone = IanaParser::new().parse(tz);
    if zone.is_unknown() {
        return None;
    }
    Some(formatter.format(&zone.without_offset()).to_string())
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
    fn month_names_come_from_cldr() {
        let ar = MonthNames::of(Lang::Ar);
        let en = MonthNames::of(Lang::En);
        assert_eq!(en.gregorian[0], "January");
        assert_eq!(en.gregorian[11], "December");
        assert_eq!(ar.gregorian[10], "نوفمبر");
        assert_eq!(ar.hijri[0], "محرم");
        assert_eq!(ar.hijri[5], "جمادى الآخرة");
        assert_eq!(ar.hijri[8], "رمضان");
        assert_eq!(en.hijri[8], "Ramadan");
        assert_eq!(en.hijri[11], "Dhuʻl-Hijjah");
        for names in [ar, en] {
            assert!(names
                .gregorian
                .iter()
                .chain(&names.hijri)
                .all(|n| !n.is_empty() && !n.chars().any(|c| c.is_numeric())));
        }
    }

    #[test]
    fn a_day_has_both_calendars_and_no_time() {
        let day = label_day("2026-03-15", Lang::En).expect("a date");
        assert_eq!(
            (day.gregorian.as_str(), day.time.as_str()),
            ("15 March 2026", "")
        );
        assert!(day.hijri.ends_with("1447 AH"), "{}", day.hijri);
        assert_eq!(label_day("15/03/2026", Lang::Ar), None);
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
        assert_eq!(en.time, "00:30 Riyadh time");
        let ar = label(at, "Asia/Riyadh", Lang::Ar);
        assert_eq!(ar.time, "00:30 بتوقيت الرياض");
        assert_eq!(label(at, "Asia/Dubai", Lang::Ar).time, "01:30 بتوقيت دبي");
        assert_eq!(ar.gregorian, "24 نوفمبر 2026م");
        assert!(ar.hijri.ends_with("1448هـ"), "{}", ar.hijri);
        // 24 November 2026 is 14 Jumada II 1448 (Umm al-Qura).
        assert_eq!(ar.hijri, "14 جمادى الآخرة 1448هـ");
        assert_eq!(en.hijri, "14 Jumada II 1448 AH");
    }
}
