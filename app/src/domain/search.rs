//! A search as people ask it: the words (quoted phrases, `-` to exclude), the filters,
//! the order and the page — read from the query string of the search page or of
//! `GET /api/v1/search`, the same way for both. The index is `ssr::search`.

use serde::{Deserialize, Serialize};

use super::contribution::{Channel, OrgKind};
use super::draft::ClauseKey;
use super::response::Outcome;

/// The longest query read.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words and phrases one query may hold.
pub const MAX_QUERY_PARTS: usize = 32;
pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
/// Results past this many are not paged to (ask a narrower question).
pub const MAX_RESULTS_PAGED: u32 = 10_000;

macro_rules! codes {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            pub fn parse(s: &str) -> Option<$name> {
                s.parse().ok()
            }
        }
    };
}

/// What a hit is.
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
pub enum HitKind {
    /// A contribution or a reply.
    Contribution,
    /// A clause of a draft.
    Clause,
    /// A consultation's title and summary.
    Consultation,
}
codes!(HitKind {
    Contribution,
    Clause,
    Consultation
});

/// Who a contribution speaks for, as a filter: an individual or a kind of organisation.
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
pub enum SpeakerKind {
    Individual,
    Agency,
    Company,
    Ngo,
    Academic,
}
codes!(SpeakerKind {
    Individual,
    Agency,
    Company,
    Ngo,
    Academic
});

impl From<Option<OrgKind>> for SpeakerKind {
    fn from(kind: Option<OrgKind>) -> SpeakerKind {
        match kind {
            None => SpeakerKind::Individual,
            Some(OrgKind::Agency) => SpeakerKind::Agency,
            Some(OrgKind::Company) => SpeakerKind::Company,
            Some(OrgKind::Ngo) => SpeakerKind::Ngo,
            Some(OrgKind::Academic) => SpeakerKind::Academic,
        }
    }
}

/// Where a contribution stands with the agency, as a filter: answered with an
/// outcome, or not yet.
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
pub enum Answer {
    Unanswered,
    Accepted,
    PartlyAccepted,
    NotAdopted,
    Noted,
    OutOfScope,
}
codes!(Answer {
    Unanswered,
    Accepted,
    PartlyAccepted,
    NotAdopted,
    Noted,
    OutOfScope
});

impl From<Option<Outcome>> for Answer {
    fn from(outcome: Option<Outcome>) -> Answer {
        match outcome {
            None => Answer::Unanswered,
            Some(Outcome::Accepted) => Answer::Accepted,
            Some(Outcome::PartlyAccepted) => Answer::PartlyAccepted,
            Some(Outcome::NotAdopted) => Answer::NotAdopted,
            Some(Outcome::Noted) => Answer::Noted,
            Some(Outcome::OutOfScope) => Answer::OutOfScope,
        }
    }
}

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
pub enum Sort {
    /// Best matches first; without words, newest first.
    #[default]
    Relevance,
    Newest,
}
codes!(Sort { Relevance, Newest });

/// A part of the query box: a word, or a quoted phrase; either may be excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPart {
    pub text: String,
    pub phrase: bool,
    pub exclude: bool,
}

/// A search, as read from a query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    pub kind: Vec<HitKind>,
    /// A consultation's slug: search within it.
    pub consultation: Option<String>,
    pub agency: Vec<String>,
    /// Clauses (within the consultation).
    pub clause: Vec<ClauseKey>,
    pub channel: Vec<Channel>,
    pub speaker: Vec<SpeakerKind>,
    pub outcome: Vec<Answer>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub sort: Sort,
    pub page: u32,
    pub per_page: u32,
}

/// Why a query string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SearchInputError {
    #[error("a quotation mark is not closed")]
    UnclosedQuote,
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the query has more than {MAX_QUERY_PARTS} words and phrases")]
    TooManyParts,
    #[error("`{param}` cannot be {value:?}")]
    BadValue { param: String, value: String },
    #[error("`{0}` is not a search parameter")]
    UnknownParam(String),
    #[error("`from` is after `to`")]
    DatesReversed,
    #[error("results past the first {MAX_RESULTS_PAGED} are not paged to")]
    TooDeep,
}

impl SearchQuery {
    /// Reads the parameters of a query string (already decoded), each of the lists
    /// repeatable (`channel=email&channel=letter`). An unknown parameter or value is
    /// an error, never ignored. Empty values count as absent (an empty form field).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchQuery, SearchInputError> {
        let mut s = SearchQuery {
            per_page: DEFAULT_PER_PAGE,
            page: 1,
            ..SearchQuery::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let bad = || SearchInputError::BadValue {
                param: key.to_owned(),
                value: value.chars().take(60).collect(),
            };
            match key {
                "q" => s.q = value.to_owned(),
                "kind" => s.kind.push(HitKind::parse(value).ok_or_else(bad)?),
                "consultation" => s.consultation = Some(slug(value).ok_or_else(bad)?),
                "agency" => s.agency.push(slug(value).ok_or_else(bad)?),
                "clause" => s.clause.push(value.parse().map_err(|_| bad())?),
                "channel" => s.channel.push(Channel::parse(value).ok_or_else(bad)?),
                "speaker" => s.speaker.push(SpeakerKind::parse(value).ok_or_else(bad)?),
                "outcome" => s.outcome.push(Answer::parse(value).ok_or_else(bad)?),
                "from" => s.from = Some(value.parse().map_err(|_| bad())?),
                "to" => s.to = Some(value.parse().map_err(|_| bad())?),
                "sort" => s.sort = Sort::parse(value).ok_or_else(bad)?,
                "page" => s.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(bad)?,
                "per_page" => {
                    s.per_page = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                        .ok_or_else(bad)?
                }
                other => {
                    return Err(SearchInputError::UnknownParam(
                        other.chars().take(40).collect(),
                    ))
                }
            }
        }
        if let (Some(from), Some(to)) = (s.from, s.to) {
            if from > to {
                return Err(SearchInputError::DatesReversed);
            }
        }
        if u64::from(s.page) * u64::from(s.per_page) > u64::from(MAX_RESULTS_PAGED) {
            return Err(SearchInputError::TooDeep);
        }
        parse_words(&s.q)?;
        Ok(s)
    }

    /// The query string that asks this search again (`page` left out), for links.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.q.is_empty() {
            out.push(("q", self.q.clone()));
        }
        for k in &self.kind {
            out.push(("kind", k.as_str().to_owned()));
        }
        if let Some(c) = &self.consultation {
            out.push(("consultation", c.clone()));
        }
        for a in &self.agency {
            out.push(("agency", a.clone()));
        }
        for c in &self.clause {
            out.push(("clause", c.to_string()));
        }
        for c in &self.channel {
            out.push(("channel", c.as_str().to_owned()));
        }
        for s in &self.speaker {
            out.push(("speaker", s.as_str().to_owned()));
        }
        for o in &self.outcome {
            out.push(("outcome", o.as_str().to_owned()));
        }
        if let Some(d) = self.from {
            out.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("to", d.to_string()));
        }
        if self.sort != Sort::Relevance {
            out.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.push(("per_page", self.per_page.to_string()));
        }
        out
    }

    /// The words and phrases of the query box.
    pub fn parts(&self) -> Vec<QueryPart> {
        parse_words(&self.q).unwrap_or_default()
    }
}

/// The pairs of a query string (`?a=1&b=x%20y`, the `?` optional), decoded; repeated
/// keys kept in order.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// A slug: lower-case letters, digits, `-` and `_`, as the portal makes them.
fn slug(s: &str) -> Option<String> {
    (s.len() <= 120
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
    .then(|| s.to_owned())
}

/// The words and quoted phrases of a query; `-` before either excludes it. Both the
/// ASCII quotation mark and the typographic ones (“ ” « ») open and close a phrase.
pub fn parse_words(q: &str) -> Result<Vec<QueryPart>, SearchInputError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchInputError::TooLong);
    }
    let is_open = |c: char| matches!(c, '"' | '“' | '«' | '„');
    let is_close = |c: char| matches!(c, '"' | '”' | '»' | '“');
    let mut parts = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut exclude = false;
        if c == '-' || c == '−' {
            chars.next();
            exclude = true;
        }
        let phrase = chars.peek().is_some_and(|c| is_open(*c));
        let mut text = String::new();
        if phrase {
            chars.next();
            let mut closed = false;
            for c in chars.by_ref() {
                if is_close(c) {
                    closed = true;
                    break;
                }
                text.push(c);
            }
            if !closed {
                return Err(SearchInputError::UnclosedQuote);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || is_open(c) {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        let text = text.trim().to_owned();
        if !text.is_empty() {
            parts.push(QueryPart {
                text,
                phrase,
                exclude,
            });
        }
    }
    if parts.len() > MAX_QUERY_PARTS {
        return Err(SearchInputError::TooManyParts);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, phrase: bool, exclude: bool) -> QueryPart {
        QueryPart {
            text: text.to_owned(),
            phrase,
            exclude,
        }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parse_words(r#"حماية "البيانات الشخصية" -التسويق privacy -"third party""#).unwrap(),
            [
                part("حماية", false, false),
                part("البيانات الشخصية", true, false),
                part("التسويق", false, true),
                part("privacy", false, false),
                part("third party", true, true),
            ]
        );
        assert_eq!(
            parse_words("«المادة السابعة» “data”").unwrap(),
            [
                part("المادة السابعة", true, false),
                part("data", true, false)
            ]
        );
        assert_eq!(parse_words("  ").unwrap(), []);
        assert_eq!(
            parse_words("well-being").unwrap(),
            [part("well-being", false, false)]
        );
    }

    #[test]
    fn unreadable_queries_are_errors() {
        assert_eq!(
            parse_words(r#"a "b c"#),
            Err(SearchInputError::UnclosedQuote)
        );
        assert_eq!(
            parse_words(&"ا".repeat(501)),
            Err(SearchInputError::TooLong)
        );
        assert_eq!(
            parse_words(&"a ".repeat(40)),
            Err(SearchInputError::TooManyParts)
        );
    }

    #[test]
    fn parameters_are_read_strictly() {
        let s = SearchQuery::from_pairs([
            ("q", "خصوصية"),
            ("channel", "email"),
            ("channel", "letter"),
            ("outcome", "unanswered"),
            ("from", "2026-01-01"),
            ("sort", "newest"),
            ("page", "2"),
            ("clause", ""),
        ])
        .unwrap();
        assert_eq!(s.channel, [Channel::Email, Channel::Letter]);
        assert_eq!(s.outcome, [Answer::Unanswered]);
        assert_eq!(
            (s.sort, s.page, s.per_page),
            (Sort::Newest, 2, DEFAULT_PER_PAGE)
        );
        assert!(s.clause.is_empty());
        for bad in [
            ("channel", "fax"),
            ("sort", "oldest"),
            ("page", "0"),
            ("per_page", "1000"),
            ("from", "yesterday"),
            ("consultation", "../etc"),
        ] {
            assert!(
                matches!(
                    SearchQuery::from_pairs([bad]),
                    Err(SearchInputError::BadValue { .. })
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            SearchQuery::from_pairs([("colour", "red")]),
            Err(SearchInputError::UnknownParam("colour".into()))
        );
        assert_eq!(
            SearchQuery::from_pairs([("from", "2026-02-01"), ("to", "2026-01-01")]),
            Err(SearchInputError::DatesReversed)
        );
        assert_eq!(
            SearchQuery::from_pairs([("page", "1000"), ("per_page", "100")]),
            Err(SearchInputError::TooDeep)
        );
    }

    #[test]
    fn query_strings_are_decoded_with_their_repeated_keys() {
        assert_eq!(
            decode_query("?q=%D9%85%D8%AD%D8%B6%D8%B1+qx7&channel=email&channel=letter&x"),
            [
                ("q".to_owned(), "محضر qx7".to_owned()),
                ("channel".to_owned(), "email".to_owned()),
                ("channel".to_owned(), "letter".to_owned()),
                ("x".to_owned(), String::new()),
            ]
        );
        assert!(decode_query("").is_empty());
    }

    #[test]
    fn a_search_asks_itself_again() {
        let s = SearchQuery::from_pairs([
            ("q", "a b"),
            ("speaker", "ngo"),
            ("consultation", "open-data"),
            ("sort", "newest"),
        ])
        .unwrap();
        let pairs = s.to_pairs();
        let again = SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, s);
    }
}
