//! The staff's response forms and the queue's filters: what each form asks the server
//! to do, the names of their fields, and the queue's query string read strictly.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};

use crate::domain::contribution::Channel;
use crate::domain::search::{Answer, SpeakerKind};
use crate::domain::{ClauseKey, ContributionId};

/// `POST /{lang}/consultations/{slug}/responses`: which form was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ResponseIntent {
    /// Answer the ticked contributions with one response.
    Respond,
    /// Write the next revision of a response.
    Revise,
    /// Set the clauses a response says changed because of it.
    Cite,
}

impl ResponseIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the fields these forms send.
pub mod field {
    /// A ticked contribution (one value per box).
    pub const MEMBER: &str = "member";
    pub const OUTCOME: &str = "outcome";
    pub const REASONS_AR: &str = "reasons_ar";
    pub const REASONS_EN: &str = "reasons_en";
    /// A ticked changed clause, `{version}:{key}` or `{version}` (one value per box).
    pub const CHANGE: &str = "change";
    /// In the editor: a response ticked for a changed clause of the latest version,
    /// `{response}:{key}` (one value per box; see [`super::citation`]).
    pub const CITE: &str = "cite";
    /// The queue's query string to come back to.
    pub const BACK: &str = "back";
}

/// The editor's value for "response `id` motivated clause `key`", and its reading.
pub fn citation(id: crate::domain::ResponseId, key: &ClauseKey) -> String {
    format!("{id}:{key}")
}

pub fn parse_citation(value: &str) -> Option<(crate::domain::ResponseId, ClauseKey)> {
    let (id, key) = value.split_once(':')?;
    match id.parse::<i64>() {
        Ok(id) if id > 0 => Some((crate::domain::ResponseId(id), key.parse().ok()?)),
        _ => None,
    }
}

/// Contributions per page of the queue.
pub const QUEUE_PER_PAGE: u32 = 50;
/// The longest search query the queue takes (as the search page).
const MAX_Q_CHARS: usize = crate::domain::search::MAX_QUERY_CHARS;

/// Which contributions the queue lists by their answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Show {
    /// Not answered yet: the queue's work.
    #[default]
    Unanswered,
    /// Answered, with any outcome.
    Answered,
    /// Answered with this outcome.
    Outcome(crate::domain::response::Outcome),
    All,
}

impl Show {
    pub fn code(self) -> &'static str {
        match self {
            Show::Unanswered => "unanswered",
            Show::Answered => "answered",
            Show::All => "all",
            Show::Outcome(o) => o.as_str(),
        }
    }

    pub fn parse(s: &str) -> Option<Show> {
        match s {
            "unanswered" => Some(Show::Unanswered),
            "answered" => Some(Show::Answered),
            "all" => Some(Show::All),
            _ => crate::domain::response::Outcome::parse(s).map(Show::Outcome),
        }
    }

    /// The same as a search filter, where the index can say it.
    pub fn as_answer(self) -> Option<Vec<Answer>> {
        match self {
            Show::Unanswered => Some(vec![Answer::Unanswered]),
            Show::Outcome(o) => Some(vec![Answer::from(Some(o))]),
            Show::Answered => Some(
                crate::domain::response::Outcome::ALL
                    .into_iter()
                    .map(|o| Answer::from(Some(o)))
                    .collect(),
            ),
            Show::All => None,
        }
    }
}

/// Which clause the listed contributions are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClauseFilter {
    /// About the draft as a whole.
    Whole,
    Key(ClauseKey),
}

impl ClauseFilter {
    pub fn code(&self) -> &str {
        match self {
            ClauseFilter::Whole => "whole",
            ClauseFilter::Key(k) => k.as_str(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Age {
    /// Oldest first: whoever waited longest is answered first.
    #[default]
    Oldest,
    Newest,
}

impl Age {
    pub fn code(self) -> &'static str {
        match self {
            Age::Oldest => "oldest",
            Age::Newest => "newest",
        }
    }
}

/// The queue's filters, from its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    pub show: Show,
    pub clause: Option<ClauseFilter>,
    pub channel: Option<Channel>,
    pub speaker: Option<SpeakerKind>,
    /// Words to look for, through the search index.
    pub q: String,
    pub order: Age,
    pub page: u32,
    /// Contributions chosen elsewhere (from search results) to be answered together:
    /// when there are any, the queue lists just these, ticked, whatever the filters.
    /// (Left out when empty: a server function's arguments travel as a query string,
    /// which has no empty list.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pick: Vec<ContributionId>,
}

impl QueueQuery {
    /// Reads a query string's pairs (decoded). An unknown parameter or value is an
    /// error naming it, never ignored; empty values count as absent.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<QueueQuery, String> {
        let mut out = QueueQuery {
            page: 1,
            ..QueueQuery::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let bad = || format!("{key}={}", value.chars().take(60).collect::<String>());
            match key {
                "show" => out.show = Show::parse(value).ok_or_else(bad)?,
                "clause" => {
                    out.clause = Some(if value == "whole" {
                        ClauseFilter::Whole
                    } else {
                        ClauseFilter::Key(value.parse().map_err(|_| bad())?)
                    })
                }
                "channel" => out.channel = Some(Channel::parse(value).ok_or_else(bad)?),
                "speaker" => out.speaker = Some(SpeakerKind::parse(value).ok_or_else(bad)?),
                "q" if value.chars().count() <= MAX_Q_CHARS => out.q = value.to_owned(),
                "order" => {
                    out.order = match value {
                        "oldest" => Age::Oldest,
                        "newest" => Age::Newest,
                        _ => return Err(bad()),
                    }
                }
                "page" => out.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(bad)?,
                "pick" => {
                    let id = value
                        .parse::<i64>()
                        .ok()
                        .filter(|id| *id > 0)
                        .map(ContributionId)
                        .ok_or_else(bad)?;
                    if !out.pick.contains(&id) {
                        out.pick.push(id);
                    }
                    // One answer form's worth: the queue's page.
                    if out.pick.len() > QUEUE_PER_PAGE as usize {
                        return Err(bad());
                    }
                }
                _ => return Err(bad()),
            }
        }
        Ok(out)
    }

    /// The query string that reads back as `self` (without `?`; empty for the default).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.show != Show::default() {
            pairs.push(("show", self.show.code().to_owned()));
        }
        if let Some(c) = &self.clause {
            pairs.push(("clause", c.code().to_owned()));
        }
        if let Some(c) = self.channel {
            pairs.push(("channel", c.as_str().to_owned()));
        }
        if let Some(s) = self.speaker {
            pairs.push(("speaker", s.as_str().to_owned()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if self.order != Age::default() {
            pairs.push(("order", self.order.code().to_owned()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs.extend(self.pick.iter().map(|id| ("pick", id.to_string())));
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::paths::encode_query_value(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_back_as_itself() {
        let q = QueueQuery::from_pairs([
            ("show", "not_adopted"),
            ("clause", "k-7"),
            ("channel", "email"),
            ("speaker", "ngo"),
            ("q", "مياه الشرب"),
            ("order", "newest"),
            ("page", "3"),
            ("pick", "12"),
            ("pick", "7"),
            ("pick", "12"),
        ])
        .expect("valid");
        let pairs: Vec<(String, String)> = q
            .to_query()
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| {
                let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                (k.to_owned(), v.into_owned())
            })
            .collect();
        let again = QueueQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect("valid");
        assert_eq!(again, q);
        assert_eq!(q.pick, vec![ContributionId(12), ContributionId(7)]);
        assert_eq!(
            QueueQuery::from_pairs([]).map(|q| q.to_query()),
            Ok(String::new())
        );
    }

    #[test]
    fn a_query_crosses_to_the_server_function_as_itself() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Args {
            slug: String,
            query: QueueQuery,
        }
        for pairs in [vec![], vec![("show", "all"), ("pick", "12"), ("pick", "7")]] {
            let query = QueueQuery::from_pairs(pairs).expect("valid");
            let args = Args {
                slug: "s".to_owned(),
                query,
            };
            let sent = serde_qs::to_string(&args).expect("encoded");
            assert_eq!(serde_qs::from_str::<Args>(&sent).ok(), Some(args), "{sent}");
        }
    }

    #[test]
    fn an_unknown_parameter_or_value_is_refused() {
        for (k, v) in [
            ("show", "rejected"),
            ("clause", "Not A Key"),
            ("channel", "fax"),
            ("order", "random"),
            ("page", "0"),
            ("sort", "new"),
            ("pick", "0"),
            ("pick", "#12"),
        ] {
            assert!(QueueQuery::from_pairs([(k, v)]).is_err(), "{k}={v}");
        }
        let many: Vec<String> = (1..=QUEUE_PER_PAGE + 1).map(|i| i.to_string()).collect();
        assert!(QueueQuery::from_pairs(many.iter().map(|v| ("pick", v.as_str()))).is_err());
    }
}
