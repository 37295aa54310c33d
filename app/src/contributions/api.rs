//! Server functions for the contributions under a consultation: its threads, a page
//! at a time, in the reader's language and from the reader's point of view.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::authz::Denied;
use crate::domain::contribution::{
    Channel, ContributionStatus, OrgKind, ReportCategory, Segment, ThreadOrder,
};
use crate::domain::dates::DateLabel;
use crate::domain::response::Outcome;
use crate::domain::{ClauseKey, ContributionId, Lang, LocalizedText};
use crate::error::AppError;

/// A clause one can comment on, for the form's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseOption {
    pub key: ClauseKey,
    pub number: Option<u32>,
    pub title: String,
}

/// Which clause a contribution is about, as it was when written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseRef {
    pub key: ClauseKey,
    pub version: u32,
    pub number: Option<u32>,
    /// Whether the clause is still in the version shown, so that it can be linked.
    pub current: bool,
}

/// Where a later version changed because of a contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedClause {
    pub version: u32,
    /// `None`: the version as a whole.
    pub key: Option<ClauseKey>,
    pub number: Option<u32>,
}

/// Who wrote a response, as shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponderView {
    pub name: String,
    pub role: Option<crate::domain::authz::RoleKind>,
    /// The decision by which the agency authorised them.
    pub mandate: Option<String>,
}

/// An earlier revision of a response, shown under the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierResponse {
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    pub responder: Option<ResponderView>,
    pub written: DateLabel,
}

/// The agency's documented response to a contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseView {
    pub id: crate::domain::ResponseId,
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    /// `None`: from the agency's own records, imported.
    pub responder: Option<ResponderView>,
    /// The clauses of later versions that changed because of it.
    pub changes: Vec<ChangedClause>,
    /// When this contribution was answered.
    pub date: DateLabel,
    /// When the current text was written, if it was revised since.
    pub revised: Option<DateLabel>,
    /// The earlier texts, oldest first.
    pub earlier: Vec<EarlierResponse>,
    /// How many contributions the response answers (more than one: a group response).
    pub answers: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierText {
    pub written: DateLabel,
    pub paragraphs: Vec<Vec<Segment>>,
}

/// A contribution received off the portal, as its page says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedView {
    pub attribution: crate::domain::contribution::Attribution,
    /// The workshop it was said at.
    pub workshop: Option<crate::domain::WorkshopId>,
    /// The day it was said or received.
    pub on: Option<DateLabel>,
    /// Where it can be read: shown only where its author agreed to be named.
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionView {
    pub id: ContributionId,
    /// How far to indent: replies nest up to `MAX_DISPLAY_DEPTH`, deeper ones stay there.
    pub depth: u32,
    /// The author replied to, when the reply is shown flat (deeper than the nesting).
    pub in_reply_to: Option<(ContributionId, Option<String>)>,
    /// `None` once the author's account is deleted.
    pub author: Option<String>,
    /// Whose public profile the name links to (`None` once the account is deleted).
    pub author_id: Option<crate::domain::UserId>,
    pub org: Option<(String, OrgKind)>,
    pub clause: Option<ClauseRef>,
    pub status: ContributionStatus,
    /// How it reached the agency (anything but `Online` is said on the page).
    pub channel: Channel,
    /// When it reached the agency off the portal: how, when, and who is named.
    pub received: Option<ReceivedView>,
    /// The agency's response, once it has given one.
    pub response: Option<ResponseView>,
    /// Empty unless published.
    pub paragraphs: Vec<Vec<Segment>>,
    pub created: DateLabel,
    pub edited: Option<DateLabel>,
    pub history: Vec<EarlierText>,
    pub supports: i64,
    /// Whether the reader supports it.
    pub supported: bool,
    /// Whether the reader wrote it.
    pub mine: bool,
    /// The text to correct, while the reader may still edit it.
    pub editable_body: Option<String>,
    /// The published rule it was hidden under, while hidden.
    pub hidden_category: Option<ReportCategory>,
    /// Whether the reader, its author, may still appeal the hiding.
    pub can_appeal: bool,
    /// On the last reply the list shows of a longer thread: the thread's root and how
    /// many replies are not shown.
    pub more_replies: Option<(ContributionId, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadsData {
    pub slug: String,
    /// Whether the consultation takes comments now.
    pub open: bool,
    /// Why the reader may not post (nobody signed in, address not confirmed).
    pub blocked: Option<Denied>,
    pub clauses: Vec<ClauseOption>,
    /// Threads in order, each contribution followed by its replies.
    pub items: Vec<ContributionView>,
    pub order: ThreadOrder,
    pub clause: Option<ClauseKey>,
    pub page: u32,
    pub pages: u32,
    /// Threads (top-level contributions) in the selection.
    pub threads: u64,
    /// The one thread shown whole, when the list shows only that.
    pub thread: Option<ContributionId>,
    pub closes_at: DateTime<Utc>,
    /// Changes whenever the threads change (see [`contribution_stamp`]).
    pub stamp: String,
}

/// A page of the threads of consultation `slug`: `order` is a [`ThreadOrder`] code,
/// `clause` keeps to the threads about one clause.
#[server(prefix = "/api/fn", endpoint = "contribution_threads")]
pub async fn contribution_threads(
    slug: String,
    lang: Lang,
    order: String,
    clause: Option<ClauseKey>,
    page: u32,
    thread: Option<ContributionId>,
) -> Result<ThreadsData, AppError> {
    use crate::ssr::context;
    use crate::ssr::contributions::threads;
    let state = context::app_state()?;
    let session = context::session().await?;
    let reader =
        crate::ssr::accounts::authz::signed_in(&session, &state.db, state.clock.now()).await?;
    let order = ThreadOrder::parse(&order).unwrap_or_default();
    let selection = threads::Selection {
        order,
        clause,
        page,
        thread,
    };
    let asked_for_thread = thread.is_some();
    match threads::page(&state, reader.as_ref(), &slug, lang, selection).await? {
        Some(data) => Ok(data),
        None => {
            // The page fetches its threads beside the consultation, which answers for
            // the page's status (a draft previewed by its staff has no threads and is
            // no 404); a thread asked for that is not there is the page's own 404.
            if asked_for_thread {
                context::set_status(axum::http::StatusCode::NOT_FOUND);
            }
            Err(AppError::NotFound)
        }
    }
}

/// What open pages poll to learn that the threads of consultation `slug` changed: a
/// short text that changes with them, far cheaper than the threads themselves.
#[server(prefix = "/api/fn", endpoint = "contribution_stamp")]
pub async fn contribution_stamp(slug: String) -> Result<String, AppError> {
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::store as contributions;
    let state = context::app_state()?;
    match consultations::public_by_slug(&state.db, &slug).await? {
        Some(c) => Ok(contributions::stamp(&state.db, c.id).await?),
        _ => {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            Err(AppError::NotFound)
        }
    }
}
