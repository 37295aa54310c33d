//! A draft as the public reads it: a sequence of clauses with stable keys, and the
//! differences between two versions of it.

use serde::{Deserialize, Serialize};

use super::Lang;

/// What a clause is in the document's structure.
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
pub enum ClauseKind {
    /// A section title (`## …`).
    Heading,
    /// A numbered article (an item of a top-level ordered list).
    Clause,
    /// Unnumbered text such as a preamble.
    Text,
}

impl ClauseKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ClauseKind> {
        [ClauseKind::Heading, ClauseKind::Clause, ClauseKind::Text]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Is `key` usable as a clause's stable id (and in a URL fragment): 2–40 lower-case
/// ASCII letters, digits and hyphens, starting with a letter or digit.
pub fn is_valid_clause_key(key: &str) -> bool {
    (2..=40).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with('-')
}

/// One clause of a version, ready to show in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseView {
    pub key: String,
    pub kind: ClauseKind,
    /// Heading level (2–6) for headings.
    pub level: u8,
    /// The article number for numbered clauses.
    pub number: Option<u32>,
    /// Sanitised HTML of the clause's text.
    pub html: String,
    /// Its first words as plain text, for the table of contents (a heading's title).
    pub title: String,
    /// The language the text is in (the other one when it has no translation).
    pub lang: Lang,
    pub is_fallback: bool,
}

impl ClauseView {
    /// The fragment that addresses this clause on its version's page.
    pub fn anchor(&self) -> String {
        format!("clause-{}", self.key)
    }
}

/// How a clause differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseChange {
    Unchanged,
    /// Same place, different words.
    Changed,
    Added,
    Removed,
    /// Another place in the order; its words may also have changed (`words_changed`).
    Moved,
}

impl ClauseChange {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseChange::Unchanged => "unchanged",
            ClauseChange::Changed => "changed",
            ClauseChange::Added => "added",
            ClauseChange::Removed => "removed",
            ClauseChange::Moved => "moved",
        }
    }
}

/// A run of words in a word-by-word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSegment {
    pub op: SegmentOp,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentOp {
    Equal,
    Insert,
    Delete,
}

/// One clause in the comparison of two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseDiff {
    pub key: String,
    pub kind: ClauseKind,
    pub change: ClauseChange,
    /// For moved clauses: whether the text changed too.
    pub words_changed: bool,
    pub old_number: Option<u32>,
    pub new_number: Option<u32>,
    /// The clause's text, word by word; only `Equal` segments for unchanged clauses.
    pub segments: Vec<DiffSegment>,
    pub lang: Lang,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_keys_are_fragment_safe() {
        for good in ["c1", "response-time", "k7f3a2"] {
            assert!(is_valid_clause_key(good), "{good}");
        }
        for bad in ["a", "-x", "Upper", "بند", "a b", "a_b", &"x".repeat(41)] {
            assert!(!is_valid_clause_key(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in [ClauseKind::Heading, ClauseKind::Clause, ClauseKind::Text] {
            assert_eq!(ClauseKind::parse(k.as_str()), Some(k));
        }
    }
}
