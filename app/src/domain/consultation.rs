//! What a consultation is, as the public sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ConsultationId, LocalizedText};

/// Where a consultation is in its life: only `Open` accepts comments.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "snake_case")]
pub enum ConsultationStatus {
    /// Being prepared; visible to its agency only.
    Draft,
    /// Published with a date on which it will open.
    Scheduled,
    /// In its comment period.
    Open,
    /// Comment period over; the agency is preparing its responses.
    Closed,
    /// Final version and report published.
    Concluded,
}

impl ConsultationStatus {
    pub const ALL: [ConsultationStatus; 5] = [
        ConsultationStatus::Draft,
        ConsultationStatus::Scheduled,
        ConsultationStatus::Open,
        ConsultationStatus::Closed,
        ConsultationStatus::Concluded,
    ];

    /// The value stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ConsultationStatus> {
        s.parse().ok()
    }

    /// Whether the public may see a consultation in this status at all: a draft being
    /// prepared is only for its agency's staff. (Its SQL form is
    /// `consultations::store::public_sql`.)
    pub fn is_public(self) -> bool {
        self != ConsultationStatus::Draft
    }

    /// The status at `now`. A scheduled consultation opens at `opens_at` and an open
    /// one closes at `closes_at` by themselves, to the second, whether or not the
    /// background worker has written the change yet.
    pub fn at(
        self,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> ConsultationStatus {
        use ConsultationStatus::*;
        match self {
            Scheduled | Open if now >= closes_at => Closed,
            Scheduled | Open if now >= opens_at => Open,
            Open => Scheduled,
            other => other,
        }
    }
}

/// What agency staff can do to a consultation's status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Transition {
    /// Publish the draft with its comment period to come.
    Schedule,
    /// Start the comment period now.
    OpenNow,
    /// End the comment period now.
    CloseNow,
    /// Publish the final version: the consultation is over.
    Conclude,
}

impl Transition {
    pub const ALL: [Transition; 4] = [
        Transition::Schedule,
        Transition::OpenNow,
        Transition::CloseNow,
        Transition::Conclude,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Transition> {
        s.parse().ok()
    }

    /// Whether the transition applies to a consultation whose status is now `from`.
    pub fn applies_to(self, from: ConsultationStatus) -> bool {
        use ConsultationStatus as S;
        matches!(
            (self, from),
            (Transition::Schedule, S::Draft)
                | (Transition::OpenNow, S::Draft | S::Scheduled)
                | (Transition::CloseNow, S::Open)
                | (Transition::Conclude, S::Closed)
        )
    }
}

/// The public list's filters and page, as they appear in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub agency: Option<String>,
    pub status: Option<ConsultationStatus>,
    pub topic: Option<String>,
    /// 1-based.
    pub page: u32,
}

/// One page of a list, with what is needed to link to the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// A consultation as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationCard {
    pub id: ConsultationId,
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub agency_slug: String,
    pub agency_name: LocalizedText,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The agency's time zone, in which its dates are told.
    pub time_zone: String,
    /// The date the card tells — the opening while scheduled, else the closing — in
    /// the agency's time zone and the reader's language (set once the language is known).
    pub date: Option<crate::domain::dates::DateLabel>,
}

impl ConsultationCard {
    /// The moment the card tells of (see `date`).
    pub fn date_at(&self) -> DateTime<Utc> {
        if self.status == ConsultationStatus::Scheduled {
            self.opens_at
        } else {
            self.closes_at
        }
    }
}

/// Is `slug` usable in a URL: 3–80 characters of lower-case ASCII letters, digits and
/// single hyphens, not starting or ending with a hyphen.
pub fn is_valid_slug(slug: &str) -> bool {
    (3..=80).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_through_its_stored_form() {
        for st in ConsultationStatus::ALL {
            assert_eq!(ConsultationStatus::parse(st.as_str()), Some(st));
        }
        assert_eq!(ConsultationStatus::parse("Open"), None);
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + h, 0).unwrap_or_default()
    }

    #[test]
    fn comment_period_opens_and_closes_to_the_second() {
        use ConsultationStatus::*;
        let (opens, closes) = (at(0), at(3600));
        for stored in [Scheduled, Open] {
            assert_eq!(stored.at(opens, closes, at(-1)), Scheduled, "{stored:?}");
            assert_eq!(stored.at(opens, closes, at(0)), Open);
            assert_eq!(stored.at(opens, closes, at(3599)), Open);
            assert_eq!(stored.at(opens, closes, at(3600)), Closed);
        }
        for stored in [Draft, Closed, Concluded] {
            assert_eq!(stored.at(opens, closes, at(10)), stored);
        }
    }

    #[test]
    fn transitions_follow_the_lifecycle() {
        use ConsultationStatus as S;
        let allowed: Vec<_> = Transition::ALL
            .into_iter()
            .flat_map(|t| {
                S::ALL
                    .into_iter()
                    .filter(move |s| t.applies_to(*s))
                    .map(move |s| (t, s))
            })
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Transition::Schedule, S::Draft),
                (Transition::OpenNow, S::Draft),
                (Transition::OpenNow, S::Scheduled),
                (Transition::CloseNow, S::Open),
                (Transition::Conclude, S::Closed),
            ]
        );
        for t in Transition::ALL {
            assert_eq!(Transition::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn page_count_rounds_up() {
        let page = |total| Page::<()> {
            items: vec![],
            page: 1,
            per_page: 10,
            total,
        };
        assert_eq!(
            (page(0).pages(), page(10).pages(), page(11).pages()),
            (1, 1, 2)
        );
    }

    #[test]
    fn slugs_are_url_safe() {
        assert!(is_valid_slug("e-participation-guideline-2026"));
        for bad in [
            "ab",
            "-lead",
            "trail-",
            "double--dash",
            "Upper",
            "مسودة",
            "a b c",
        ] {
            assert!(!is_valid_slug(bad), "{bad} should be rejected");
        }
    }
}
