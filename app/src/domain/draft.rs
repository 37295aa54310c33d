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

/// A clause's stable id, kept from version to version and used as its URL fragment:
/// 2–40 lower-case ASCII letters, digits and hyphens, starting with a letter or digit.
/// Parsing is the only way to make one from outside text, so a key that reaches a
/// query, a link or an export is always well formed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(transparent)
)]
#[cfg_attr(feature = "ssr", schema(value_type = String, pattern = "^[a-z0-9][a-z0-9-]{1,39}$"))]
pub struct ClauseKey(String);

/// Why a text is not a clause key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a clause key is 2–40 lower-case letters, digits and hyphens, not starting with a hyphen")]
pub struct BadClauseKey;

impl ClauseKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A new random key for a new clause: 6 characters, about 2 billion possibilities.
    #[cfg(feature = "ssr")]
    pub fn random() -> ClauseKey {
        use rand::Rng;
        // Lower-case letters and digits without look-alikes (l, o, 0, 1): always valid.
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let mut rng = rand::thread_rng();
        ClauseKey(
            (0..6)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect(),
        )
    }

    fn is_valid(key: &str) -> bool {
        (2..=40).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !key.starts_with('-')
    }
}

impl TryFrom<String> for ClauseKey {
    type Error = BadClauseKey;
    fn try_from(key: String) -> Result<Self, BadClauseKey> {
        if ClauseKey::is_valid(&key) {
            Ok(ClauseKey(key))
        } else {
            Err(BadClauseKey)
        }
    }
}

impl std::str::FromStr for ClauseKey {
    type Err = BadClauseKey;
    fn from_str(key: &str) -> Result<Self, BadClauseKey> {
        ClauseKey::try_from(key.to_owned())
    }
}

impl From<ClauseKey> for String {
    fn from(key: ClauseKey) -> String {
        key.0
    }
}

impl std::fmt::Display for ClauseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// Read like a `&str` (lengths, comparisons, `Option::as_deref`); only parsing makes one.
impl std::ops::Deref for ClauseKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ClauseKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ClauseKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// One clause of a version, ready to show in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseView {
    pub key: ClauseKey,
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
    pub key: ClauseKey,
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
            assert_eq!(
                good.parse::<ClauseKey>().map(String::from).as_deref(),
                Ok(good)
            );
        }
        for bad in ["a", "-x", "Upper", "بند", "a b", "a_b", &"x".repeat(41)] {
            assert_eq!(bad.parse::<ClauseKey>(), Err(BadClauseKey), "{bad}");
            let json = serde_json::to_string(bad).unwrap();
            assert!(serde_json::from_str::<ClauseKey>(&json).is_err(), "{bad}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn random_keys_are_well_formed() {
        for _ in 0..1000 {
            let key = ClauseKey::random();
            assert_eq!(key.as_str().parse::<ClauseKey>(), Ok(key.clone()));
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in [ClauseKind::Heading, ClauseKind::Clause, ClauseKind::Text] {
            assert_eq!(ClauseKind::parse(k.as_str()), Some(k));
        }
    }
}
