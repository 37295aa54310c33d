//! A contribution as it is read: the one model from which the consultation page, the
//! read API and a person's own data export are drawn, so that what a hidden or
//! withdrawn contribution shows is decided here and nowhere else.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::contribution::{
    Attribution, Channel, ContributionStatus, ReportCategory, Speaker,
};
use crate::domain::{ClauseKey, ConsultationId, ContributionId, UserId};
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::{Contribution, Receipt};
use crate::ssr::db::{Db, StoreError};
use crate::ssr::responses::store as responses;
use crate::ssr::responses::store::Answer;

/// Who reads. A hidden contribution's text is kept for its author's appeal: only its
/// author reads it (in their own data); everyone else, the author on the public page
/// included, sees where it was and why it is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Author,
}

/// The clause a contribution is about, as numbered in the version it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseAt {
    pub key: ClauseKey,
    pub number: Option<u32>,
}

/// An earlier text of an edited contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierText {
    pub body: String,
    pub written_at: DateTime<Utc>,
}

/// A contribution with its response, as `Audience` may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionRead {
    pub id: ContributionId,
    pub consultation_id: ConsultationId,
    /// The contribution it answers, if it is a reply.
    pub parent: Option<ContributionId>,
    /// The first contribution of its thread.
    pub thread: ContributionId,
    pub depth: u32,
    /// The version current when it was written.
    pub version: u32,
    /// `None`: about the draft as a whole.
    pub clause: Option<ClauseAt>,
    pub author_id: UserId,
    /// `None` once the author's account is deleted.
    pub author: Option<String>,
    pub speaker: Speaker,
    pub channel: Channel,
    /// Its id in the exchange file it was imported from, if it was.
    pub external_id: Option<String>,
    /// How it reached the agency off the portal. Its source link goes with the
    /// author's name: only where they agreed to be named (a post links to its author).
    pub received: Option<Receipt>,
    pub status: ContributionStatus,
    /// The text: `None` when `Audience` may not read it (hidden, withdrawn).
    pub body: Option<String>,
    /// What it said before it was corrected, oldest first; empty with no `body`.
    pub earlier: Vec<EarlierText>,
    pub supports: i64,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// The published rule it is hidden under, while hidden.
    pub hidden_under: Option<ReportCategory>,
    /// Whether its author appealed the hiding (there is one appeal).
    pub appealed: bool,
    /// The appeal's text, for its author.
    pub appeal: Option<String>,
    /// The agency's documented response, once given.
    pub response: Option<Answer>,
}

impl ContributionRead {
    fn new(
        x: Contribution,
        audience: Audience,
        response: Option<Answer>,
        earlier: Vec<EarlierText>,
    ) -> ContributionRead {
        let readable = match x.status {
            ContributionStatus::Published => true,
            ContributionStatus::Hidden => audience == Audience::Author,
            ContributionStatus::Withdrawn => false,
        };
        let hidden = x.status == ContributionStatus::Hidden;
        ContributionRead {
            id: x.id,
            consultation_id: x.consultation_id,
            parent: x.parent_id,
            thread: x.root_id,
            depth: x.depth,
            version: x.version_number,
            clause: x.clause_key.map(|key| ClauseAt {
                key,
                number: x.clause_number,
            }),
            author_id: x.author_id,
            author: Some(x.author_name).filter(|n| !n.is_empty()),
            speaker: x.speaker,
            channel: x.channel,
            external_id: x.external_id,
            received: x.received.map(|r| Receipt {
                source_url: r.source_url.filter(|_| {
                    r.attribution == Attribution::Named || audience == Audience::Author
                }),
                ..r
            }),
            status: x.status,
            body: readable.then_some(x.body),
            earlier: if readable { earlier } else { Vec::new() },
            supports: x.support_count,
            created_at: x.created_at,
            edited_at: x.edited_at,
            hidden_under: x.hidden_category.filter(|_| hidden),
            appealed: x.appeal.is_some(),
            appeal: x.appeal.filter(|_| audience == Audience::Author),
            response,
        }
    }
}

/// `list` as `audience` reads it, in the same order, with responses and earlier texts.
pub async fn read(
    db: &Db,
    list: Vec<Contribution>,
    audience: Audience,
) -> Result<Vec<ContributionRead>, StoreError> {
    let ids: Vec<ContributionId> = list.iter().map(|x| x.id).collect();
    let mut answers: HashMap<ContributionId, Answer> = responses::of_contributions(db, &ids)
        .await?
        .into_iter()
        .map(|r| (r.contribution_id, r))
        .collect();
    let mut earlier: HashMap<ContributionId, Vec<EarlierText>> = HashMap::new();
    for e in contributions::edits_of(db, &ids).await? {
        earlier
            .entry(e.contribution_id)
            .or_default()
            .push(EarlierText {
                body: e.body,
                written_at: e.written_at,
            });
    }
    Ok(list
        .into_iter()
        .map(|x| {
            let (response, texts) = (
                answers.remove(&x.id),
                earlier.remove(&x.id).unwrap_or_default(),
            );
            ContributionRead::new(x, audience, response, texts)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    fn key(k: &str) -> ClauseKey {
        k.parse().expect("a well-formed key")
    }

    use super::*;
    use crate::domain::UserId;

    fn stored(status: ContributionStatus) -> Contribution {
        let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        Contribution {
            id: ContributionId(7),
            consultation_id: ConsultationId(1),
            version_number: 2,
            clause_key: Some(key("k-1")),
            clause_number: Some(3),
            parent_id: None,
            root_id: ContributionId(7),
            depth: 0,
            author_id: UserId(5),
            author_name: String::new(),
            speaker: Speaker::Individual,
            channel: Channel::Online,
            external_id: None,
            received: None,
            body: "النص".into(),
            status,
            support_count: 4,
            created_at: at,
            edited_at: None,
            hidden_category: Some(ReportCategory::Spam),
            appeal: None,
            appeal_decided: false,
        }
    }

    fn earlier() -> Vec<EarlierText> {
        vec![EarlierText {
            body: "before".into(),
            written_at: DateTime::<Utc>::default(),
        }]
    }

    #[test]
    fn only_published_text_is_public_and_its_author_reads_a_hidden_one() {
        use ContributionStatus::*;
        for (status, audience, readable) in [
            (Published, Audience::Public, true),
            (Published, Audience::Author, true),
            (Hidden, Audience::Public, false),
            (Hidden, Audience::Author, true),
            (Withdrawn, Audience::Public, false),
            (Withdrawn, Audience::Author, false),
        ] {
            let r = ContributionRead::new(stored(status), audience, None, earlier());
            assert_eq!(r.body.is_some(), readable, "{status:?} to {audience:?}");
            assert_eq!(
                r.earlier.is_empty(),
                !readable,
                "{status:?} to {audience:?}"
            );
            assert_eq!(r.hidden_under.is_some(), status == Hidden, "{status:?}");
        }
    }

    #[test]
    fn a_source_link_is_public_only_with_its_author_named() {
        for (attribution, public) in [
            (Attribution::Named, true),
            (Attribution::Anonymous, false),
            (Attribution::Group, false),
        ] {
            let mut x = stored(ContributionStatus::Published);
            x.channel = Channel::SocialMedia;
            x.received = Some(Receipt {
                workshop: None,
                received_on: at_day(),
                source_url: Some("https://x.example/status/1".into()),
                entered_by: Some(UserId(9)),
                attribution,
            });
            let read = ContributionRead::new(x.clone(), Audience::Public, None, Vec::new());
            let kept = read.received.and_then(|r| r.source_url).is_some();
            assert_eq!(kept, public, "{attribution:?}");
            let own = ContributionRead::new(x, Audience::Author, None, Vec::new());
            assert!(own.received.and_then(|r| r.source_url).is_some());
        }
    }

    fn at_day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
    }

    #[test]
    fn a_deleted_account_leaves_no_name() {
        let r = ContributionRead::new(
            stored(ContributionStatus::Published),
            Audience::Public,
            None,
            Vec::new(),
        );
        assert_eq!(r.author, None);
        assert_eq!(
            r.clause,
            Some(ClauseAt {
                key: key("k-1"),
                number: Some(3)
            })
        );
    }
}
