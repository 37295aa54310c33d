//! How a person wants to hear about answers to what they wrote.

use serde::{Deserialize, Serialize};

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
pub enum NotifyMode {
    /// A mail for each reply, as it comes.
    #[default]
    Immediate,
    /// One mail a day listing what came.
    Daily,
    /// No notification mails (mails about one's account and moderation still come).
    Off,
}

impl NotifyMode {
    pub const ALL: [NotifyMode; 3] = [NotifyMode::Immediate, NotifyMode::Daily, NotifyMode::Off];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<NotifyMode> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for m in NotifyMode::ALL {
            assert_eq!(NotifyMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(NotifyMode::parse("weekly"), None);
    }
}
