//! The agency's documented response to a contribution: what became of it, and why.

use serde::{Deserialize, Serialize};

/// What the agency decided about a contribution.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// The draft changed as proposed.
    Accepted,
    /// The draft changed in part, or otherwise than proposed.
    PartlyAccepted,
    /// The draft stays as it was, for the reasons given.
    NotAdopted,
    /// Taken into account; it asked for no change (a question, an agreement).
    Noted,
    /// Not about this draft (another agency's matter, a personal case).
    OutOfScope,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Accepted,
        Outcome::PartlyAccepted,
        Outcome::NotAdopted,
        Outcome::Noted,
        Outcome::OutOfScope,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        s.parse().ok()
    }

    /// Whether the contribution changed the draft (in whole or in part).
    pub fn changed_policy(self) -> bool {
        matches!(self, Outcome::Accepted | Outcome::PartlyAccepted)
    }

    /// Whether the response must say why: every outcome but "noted" is a decision the
    /// contributor is owed reasons for.
    pub fn needs_reasons(self) -> bool {
        self != Outcome::Noted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            assert_eq!(
                serde_json::to_string(&o).ok(),
                Some(format!("\"{}\"", o.as_str()))
            );
        }
        assert_eq!(Outcome::parse("rejected"), None);
    }
}
