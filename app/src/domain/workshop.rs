//! Workshops of a consultation: who may come, where they stand in time, and the limits
//! of what an organiser types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who may register for a workshop.
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Audience {
    /// Anyone with a confirmed address.
    #[default]
    Open,
    /// People who represent a government agency: they give its name and their role.
    AgencyRepresentatives,
    /// Only those the organisers invited, through the link mailed to them.
    Invitation,
}

impl Audience {
    pub const ALL: [Audience; 3] = [
        Audience::Open,
        Audience::AgencyRepresentatives,
        Audience::Invitation,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Audience> {
        s.parse().ok()
    }
}

/// Where a workshop stands at a given moment, for listings and the registration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Ahead, and registration is open.
    Registering,
    /// Ahead, but the registration deadline has passed.
    RegistrationClosed,
    /// Under way now.
    Running,
    /// Over.
    Past,
    /// Called off by its organisers.
    Cancelled,
}

impl Phase {
    pub fn at(
        now: DateTime<Utc>,
        registration_closes: DateTime<Utc>,
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
        cancelled: bool,
    ) -> Phase {
        if cancelled {
            Phase::Cancelled
        } else if now >= ends {
            Phase::Past
        } else if now >= starts {
            Phase::Running
        } else if now >= registration_closes {
            Phase::RegistrationClosed
        } else {
            Phase::Registering
        }
    }

    /// Whether the workshop belongs with the upcoming ones (rather than the past).
    pub fn is_upcoming(self) -> bool {
        matches!(
            self,
            Phase::Registering | Phase::RegistrationClosed | Phase::Running
        )
    }
}

/// Where a registration stands.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RegistrationStatus {
    /// Has a place.
    Confirmed,
    /// Waits for a place to free up, in the order of registration.
    Waitlisted,
    /// Given up by the registrant.
    Cancelled,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<RegistrationStatus> {
        s.parse().ok()
    }
}

/// The letters of check-in codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, which are read aloud
/// or typed one for the other.
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// The length of a check-in code: 25⁶ ≈ 244 million codes for a room of a few hundred.
pub const CODE_LEN: usize = 6;

/// A check-in code as typed at the door: any case, spaces or dashes, Arabic-Indic digits.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| super::digits::to_latin(c).to_ascii_uppercase())
        .collect()
}

/// The longest organisation name or role a registrant gives, in characters.
pub const MAX_ORG_CHARS: usize = 200;

/// The longest title, in characters, in each language.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest description or agenda, in characters, in each language.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// The longest minutes, in characters, in each language.
pub const MAX_MINUTES_CHARS: usize = 50_000;
/// The most rows a feedback sheet may have (a long workshop gives a few hundred).
pub const MAX_SHEET_ROWS: usize = 2_000;
/// The largest feedback sheet, in bytes.
pub const MAX_SHEET_BYTES: usize = 4 * 1024 * 1024;
/// The longest venue address, in characters, in each language.
pub const MAX_VENUE_CHARS: usize = 500;
/// The most places a workshop may offer.
pub const MAX_CAPACITY: u32 = 10_000;
/// The longest a workshop may last, in hours (a day's programme, or two).
pub const MAX_HOURS: i64 = 72;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn audience_codes_round_trip() {
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).ok(),
                Some(format!("\"{}\"", a.as_str()))
            );
        }
        assert_eq!(Audience::parse("everyone"), None);
    }

    #[test]
    fn codes_are_read_as_typed_at_the_door() {
        assert_eq!(normalize_code(" ac-d 3٤٦ "), "ACD346");
        assert_eq!(normalize_code("۷۹"), "79");
        assert!(CODE_ALPHABET.iter().all(|c| !b"0O1IL2Z5S8B".contains(c)));
    }

    #[test]
    fn the_phase_follows_the_clock() {
        let t = |h| Utc.with_ymd_and_hms(2026, 12, 10, h, 0, 0).unwrap();
        let at = |now| Phase::at(now, t(6), t(9), t(12), false);
        assert_eq!(at(t(5)), Phase::Registering);
        assert_eq!(at(t(6)), Phase::RegistrationClosed);
        assert_eq!(at(t(9)), Phase::Running);
        assert_eq!(at(t(12)), Phase::Past);
        assert_eq!(Phase::at(t(5), t(6), t(9), t(12), true), Phase::Cancelled);
        assert!(at(t(10)).is_upcoming() && !at(t(13)).is_upcoming());
    }
}
