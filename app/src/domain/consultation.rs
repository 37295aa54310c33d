//! What a consultation is, as the public sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ConsultationId, LocalizedText};

/// Where a consultation is in its life: only `Open` accepts comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
        match self {
            ConsultationStatus::Draft => "draft",
            ConsultationStatus::Scheduled => "scheduled",
            ConsultationStatus::Open => "open",
            ConsultationStatus::Closed => "closed",
            ConsultationStatus::Concluded => "concluded",
        }
    }

    pub fn parse(s: &str) -> Option<ConsultationStatus> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A consultation as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationCard {
    pub id: ConsultationId,
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub agency_name: LocalizedText,
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
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
