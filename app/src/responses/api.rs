//! Server functions of the staff's response pages: the queue of a consultation's
//! contributions to answer, and one response with its revisions and changed clauses.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::form::QueueQuery;
use crate::contributions::api::{ClauseOption, ResponseView};
use crate::domain::contribution::{Channel, OrgKind, Segment};
use crate::domain::dates::DateLabel;
use crate::domain::{ClauseKey, ContributionId, Lang, LocalizedText, ResponseId};
use crate::error::AppError;

/// How fast the agency answers (see `ssr::responses::store::Timing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingView {
    pub contributions: i64,
    pub answered: i64,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub answered_late: i64,
    pub overdue: i64,
    /// The agency's promise: answered within this many days after the close.
    pub target_days: u32,
    /// The close plus the target: when every contribution should be answered (for one
    /// consultation; an agency's have one each).
    pub deadline: Option<DateLabel>,
}

/// A contribution in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: ContributionId,
    /// The first contribution of its thread (itself, unless it is a reply).
    pub thread: ContributionId,
    pub is_reply: bool,
    pub author: Option<String>,
    pub org: Option<(String, OrgKind)>,
    /// The clause it is about, as numbered when written.
    pub clause: Option<(ClauseKey, Option<u32>)>,
    pub channel: Channel,
    pub paragraphs: Vec<Vec<Segment>>,
    pub created: DateLabel,
    /// Whole days from the contribution to its answer, or to now while unanswered.
    pub waited_days: i64,
    /// Unanswered, and past the agency's deadline.
    pub overdue: bool,
    pub response: Option<ResponseView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub slug: String,
    pub title: LocalizedText,
    /// The clauses of the latest version, for the clause filter.
    pub clauses: Vec<ClauseOption>,
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub pages: u32,
    pub timing: TimingView,
}

/// A response for its agency's staff: what it says and said, whom it answers, and the
/// clauses it can be said to have changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsePage {
    pub slug: String,
    pub title: LocalizedText,
    pub response: ResponseView,
    pub members: Vec<(ContributionId, ContributionId)>,
    /// Clauses of versions later than its contributions, as `(version, key, number,
    /// title, cited)`; a `None` key is the version as a whole.
    pub changeable: Vec<ChangeOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOption {
    pub version: u32,
    pub key: Option<ClauseKey>,
    pub number: Option<u32>,
    pub title: String,
    /// How the clause changed in that version (added, changed, removed); `None` for
    /// the version as a whole.
    pub how: Option<crate::domain::draft::ClauseChange>,
    pub cited: bool,
}

/// What the editor offers once a version 2 or later is published: its changed
/// clauses, and the responses that changed the draft before it, to cite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitingView {
    pub slug: String,
    pub version: u32,
    pub clauses: Vec<CitableClause>,
    pub responses: Vec<AdoptableView>,
    /// The citations made, as `(response, clause)`.
    pub cited: Vec<(ResponseId, ClauseKey)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitableClause {
    pub key: ClauseKey,
    pub number: Option<u32>,
    pub title: String,
    pub how: crate::domain::draft::ClauseChange,
}

/// An accepted or partly accepted response, as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptableView {
    pub id: ResponseId,
    pub outcome: crate::domain::response::Outcome,
    /// Its first contribution, with the thread it is in, and how many it answers.
    pub first: ContributionId,
    pub root: ContributionId,
    pub answers: usize,
    /// The first contribution's opening words.
    pub excerpt: String,
    /// The clauses its contributions are on (`None`: the whole draft).
    pub on: Vec<Option<ClauseKey>>,
}

/// Contributions counted by what became of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsView {
    pub total: i64,
    pub unanswered: i64,
    /// Every outcome, in the order of `Outcome::ALL`.
    pub by_outcome: Vec<(crate::domain::response::Outcome, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseImpactView {
    pub key: ClauseKey,
    pub number: Option<u32>,
    pub title: String,
    pub counts: CountsView,
    pub change: Option<crate::domain::draft::ClauseChange>,
    /// The first contributions whose responses cite it (the page links these).
    pub cited_by: Vec<ContributionId>,
    /// How many cite it in all (the JSON lists every one).
    pub cited_total: usize,
    pub cited_in: Vec<u32>,
}

/// How many citing contributions the impact page links per clause.
pub const CITED_SHOWN: usize = 12;

/// A contribution in the impact page's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactItem {
    pub id: ContributionId,
    pub thread: ContributionId,
    pub author: Option<String>,
    pub excerpt: String,
    pub created: DateLabel,
    pub waited_days: i64,
    pub overdue: bool,
    pub response: Option<ResponseView>,
}

/// "You said, we did" for one consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactView {
    pub slug: String,
    pub title: LocalizedText,
    pub first_version: u32,
    pub latest_version: u32,
    pub counts: CountsView,
    pub whole_draft: CountsView,
    pub timing: TimingView,
    pub clauses: Vec<ClauseImpactView>,
    /// Accepted and partly accepted contributions, oldest first (the first ones).
    pub adopted: Vec<ImpactItem>,
    pub adopted_total: i64,
    /// What still waits for an answer, longest waiting first (the first ones).
    pub waiting: Vec<ImpactItem>,
    /// Published contributions per channel, most first.
    pub by_channel: Vec<(Channel, i64)>,
}

/// How many of each list the impact page shows.
pub const IMPACT_LIST: u32 = 50;

/// What became of the contributions to consultation `slug` (public).
#[server(prefix = "/api/fn", endpoint = "impact_page")]
pub async fn impact_page(slug: String, lang: Lang) -> Result<ImpactView, AppError> {
    ssr::impact(slug, lang).await
}

/// The response queue of consultation `slug`, for its agency's staff.
#[server(prefix = "/api/fn", endpoint = "response_queue")]
pub async fn response_queue(
    slug: String,
    lang: Lang,
    query: QueueQuery,
) -> Result<QueueView, AppError> {
    ssr::queue(slug, lang, query).await
}

/// Response `id` of consultation `slug`, for its agency's staff.
#[server(prefix = "/api/fn", endpoint = "response_detail")]
pub async fn response_detail(
    slug: String,
    lang: Lang,
    id: ResponseId,
) -> Result<ResponsePage, AppError> {
    ssr::detail(slug, lang, id).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::domain::authz::Action;
    use crate::domain::search::{HitKind, SearchQuery, Sort};
    use crate::domain::Page;
    use crate::responses::form::{Age, ClauseFilter, QUEUE_PER_PAGE};
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::diff::changed_clauses;
    use crate::ssr::consultations::store::{self as consultations, Consultation};
    use crate::ssr::context;
    use crate::ssr::contributions::read::{self, Audience};
    use crate::ssr::contributions::service::paragraphs;
    use crate::ssr::contributions::store as contributions;
    use crate::ssr::contributions::threads::response_view;
    use crate::ssr::responses::service;
    use crate::ssr::responses::store as responses;
    use crate::ssr::search::query;
    use crate::ssr::state::AppState;

    /// The consultation, if the person may answer for its agency (else the page is
    /// refused with 401/403, or 404 for no such public consultation).
    async fn staff_consultation(state: &AppState, slug: &str) -> Result<Consultation, AppError> {
        let Some(c) = consultations::public_by_slug(&state.db, slug).await? else {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            return Err(AppError::NotFound);
        };
        context::require(Action::ActForAgency(c.agency_id)).await?;
        Ok(c)
    }

    /// The contributions a page of the queue shows, and how many match: from the
    /// database, or through the search index when there are words to look for.
    async fn page_of(
        state: &AppState,
        c: &Consultation,
        q: &QueueQuery,
    ) -> Result<(Vec<ContributionId>, u64), AppError> {
        if !q.pick.is_empty() {
            // `queue` keeps those of this consultation that can be read.
            return Ok((q.pick.clone(), u64::try_from(q.pick.len()).unwrap_or(0)));
        }
        let offset = (q.page.saturating_sub(1)).saturating_mul(QUEUE_PER_PAGE);
        if q.q.trim().is_empty() {
            let (ids, total) = responses::queue(&state.db, c.id, q, QUEUE_PER_PAGE, offset).await?;
            return Ok((ids, u64::try_from(total).unwrap_or(0)));
        }
        let asked = SearchQuery {
            q: q.q.clone(),
            kind: vec![HitKind::Contribution],
            consultation: Some(c.slug.clone()),
            clause: match &q.clause {
                Some(ClauseFilter::Key(k)) => vec![k.clone()],
                _ => Vec::new(),
            },
            channel: q.channel.into_iter().collect(),
            speaker: q.speaker.into_iter().collect(),
            outcome: q.show.as_answer().unwrap_or_default(),
            sort: match q.order {
                // Words are looked for by relevance; "newest" still orders by date.
                Age::Oldest => Sort::Relevance,
                Age::Newest => Sort::Newest,
            },
            page: q.page,
            per_page: QUEUE_PER_PAGE,
            ..SearchQuery::default()
        };
        let index = state.search.current();
        let found = tokio::task::spawn_blocking(move || query::run(&index, &asked))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "search task failed");
                AppError::Internal
            })?
            .map_err(|e| {
                tracing::error!(error = %e, "search failed");
                AppError::Invalid {
                    field: "q".to_owned(),
                }
            })?;
        let ids = found
            .hits
            .iter()
            .filter(|h| h.kind == HitKind::Contribution)
            // The index knows clauses, not "about the draft as a whole".
            .filter(|h| q.clause != Some(ClauseFilter::Whole) || h.clause.is_none())
            .map(|h| ContributionId(h.id))
            .collect();
        Ok((ids, found.total))
    }

    pub(super) async fn queue(
        slug: String,
        lang: Lang,
        q: QueueQuery,
    ) -> Result<QueueView, AppError> {
        let state = context::app_state()?;
        let c = staff_consultation(&state, &slug).await?;
        let now = state.clock.now();
        let (ids, mut total) = page_of(&state, &c, &q).await?;
        let mut list = contributions::by_ids(&state.db, &ids).await?;
        // Chosen ids come from the address: another consultation's are not this queue's.
        list.retain(|x| x.consultation_id == c.id);
        list.sort_by_key(|x| ids.iter().position(|id| *id == x.id));
        let list = read::read(&state.db, list, Audience::Public).await?;
        let tz = c.agency_time_zone.clone();
        let items: Vec<QueueItem> = list
            .into_iter()
            .filter(|x| x.body.is_some())
            .map(|x| {
                let answered_at = x.response.as_ref().map(|a| a.answered_at);
                QueueItem {
                    id: x.id,
                    thread: x.thread,
                    is_reply: x.parent.is_some(),
                    author: x.author,
                    org: match x.speaker {
                        crate::domain::contribution::Speaker::Organisation { name, kind } => {
                            Some((name, kind))
                        }
                        crate::domain::contribution::Speaker::Individual => None,
                    },
                    clause: x.clause.map(|cl| (cl.key, cl.number)),
                    channel: x.channel,
                    paragraphs: x.body.as_deref().map(paragraphs).unwrap_or_default(),
                    created: label(x.created_at, &tz, lang),
                    waited_days: (answered_at.unwrap_or(now) - x.created_at).num_days(),
                    overdue: answered_at.is_none() && now > service::deadline(&c, x.created_at),
                    response: x.response.map(|a| response_view(a, &tz, lang)),
                }
            })
            .collect();
        if !q.pick.is_empty() {
            total = u64::try_from(items.len()).unwrap_or(0);
        }
        let versions = consultations::versions(&state.db, c.id).await?;
        let clauses = match consultations::latest_published(&versions) {
            Some(v) => crate::ssr::contributions::threads::clause_options(
                consultations::clauses(&state.db, v.id).await?,
                lang,
            ),
            None => Vec::new(),
        };
        let pages = Page::<()> {
            items: Vec::new(),
            page: q.page,
            per_page: QUEUE_PER_PAGE,
            total,
        }
        .pages();
        Ok(QueueView {
            timing: service::timing_view(&state, &c, lang).await?,
            slug: c.slug,
            title: c.title,
            clauses,
            items,
            total,
            pages,
        })
    }

    fn counts(b: &crate::ssr::responses::impact::ByOutcome) -> CountsView {
        CountsView {
            total: b.total(),
            unanswered: b.unanswered,
            by_outcome: crate::domain::response::Outcome::ALL
                .into_iter()
                .map(|o| (o, b.of(o)))
                .collect(),
        }
    }

    /// The first `max` characters of `text`, cut at a space, marked as cut.
    pub(crate) fn excerpt(text: &str, max: usize) -> String {
        if text.chars().count() <= max {
            return text.to_owned();
        }
        let cut: String = text.chars().take(max).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        format!("{cut}…")
    }

    pub(crate) async fn impact(slug: String, lang: Lang) -> Result<ImpactView, AppError> {
        use crate::ssr::responses::impact;
        let state = context::app_state()?;
        let Some(c) = consultations::public_by_slug(&state.db, &slug).await? else {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            return Err(AppError::NotFound);
        };
        let now = state.clock.now();
        let i = impact::impact(&state.db, &c, now).await?;
        let (adopted_ids, adopted_total) = responses::adopted(&state.db, c.id, IMPACT_LIST).await?;
        let waiting_ids = responses::oldest_unanswered(&state.db, c.id, IMPACT_LIST).await?;
        let tz = c.agency_time_zone.clone();
        let items = |ids: Vec<ContributionId>| {
            let (state, c, tz) = (&state, &c, &tz);
            async move {
                let mut list = contributions::by_ids(&state.db, &ids).await?;
                list.sort_by_key(|x| ids.iter().position(|id| *id == x.id));
                let list = read::read(&state.db, list, Audience::Public).await?;
                Ok::<_, AppError>(
                    list.into_iter()
                        .filter_map(|x| {
                            let body = x.body?;
                            let answered_at = x.response.as_ref().map(|a| a.answered_at);
                            Some(ImpactItem {
                                id: x.id,
                                thread: x.thread,
                                author: x.author,
                                excerpt: excerpt(&body, 240),
                                created: label(x.created_at, tz, lang),
                                waited_days: (answered_at.unwrap_or(now) - x.created_at).num_days(),
                                overdue: answered_at.is_none()
                                    && now > service::deadline(c, x.created_at),
                                response: x.response.map(|a| response_view(a, tz, lang)),
                            })
                        })
                        .collect(),
                )
            }
        };
        let adopted = items(adopted_ids).await?;
        let waiting = items(waiting_ids).await?;
        let by_channel =
            contributions::channel_shares(&state.db, c.id, i.timing.contributions).await?;
        Ok(ImpactView {
            by_channel,
            timing: service::timing_of(&c, &i.timing, lang),
            first_version: i.first_version,
            latest_version: i.latest_version,
            counts: counts(&i.counts),
            whole_draft: counts(&i.whole_draft),
            clauses: i
                .clauses
                .iter()
                .map(|cl| ClauseImpactView {
                    key: cl.key.clone(),
                    number: cl.number,
                    title: cl
                        .text
                        .pick(lang)
                        .map(|t| crate::ssr::consultations::markdown::plain_title(&t.text, 80))
                        .unwrap_or_default(),
                    counts: counts(&cl.counts),
                    change: cl.change,
                    cited_by: cl.cited_by.iter().take(CITED_SHOWN).copied().collect(),
                    cited_total: cl.cited_by.len(),
                    cited_in: cl.cited_in.clone(),
                })
                .collect(),
            adopted,
            adopted_total,
            waiting,
            slug: c.slug,
            title: c.title,
        })
    }

    pub(super) async fn detail(
        slug: String,
        lang: Lang,
        id: ResponseId,
    ) -> Result<ResponsePage, AppError> {
        let state = context::app_state()?;
        let c = staff_consultation(&state, &slug).await?;
        let Some(first) = responses::by_id(&state.db, id)
            .await?
            .filter(|r| r.consultation_id == c.id)
            .and_then(|r| r.members.first().copied())
        else {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            return Err(AppError::NotFound);
        };
        let Some(answer) = responses::of_contributions(&state.db, &[first])
            .await?
            .pop()
        else {
            return Err(AppError::NotFound);
        };
        let members = contributions::by_ids(&state.db, &answer.response.members).await?;
        let written_on = members.iter().map(|x| x.version_number).max().unwrap_or(1);
        let cited: Vec<(u32, Option<ClauseKey>)> = answer
            .response
            .changes
            .iter()
            .map(|ch| (ch.version, ch.clause_key.clone()))
            .collect();
        let mut changeable = Vec::new();
        let versions = consultations::versions(&state.db, c.id).await?;
        let mut previous = Vec::new();
        for v in versions.iter().filter(|v| v.is_published()) {
            let clauses = consultations::clauses(&state.db, v.id).await?;
            if v.number > written_on {
                changeable.push(ChangeOption {
                    version: v.number,
                    key: None,
                    number: None,
                    title: String::new(),
                    how: None,
                    cited: cited.contains(&(v.number, None)),
                });
                let title = |text: &LocalizedText| {
                    text.pick(lang)
                        .map(|t| crate::ssr::consultations::markdown::plain_title(&t.text, 60))
                        .unwrap_or_default()
                };
                let mut option = |key: &ClauseKey, how, number, text: &LocalizedText| {
                    changeable.push(ChangeOption {
                        version: v.number,
                        cited: cited.contains(&(v.number, Some(key.clone()))),
                        key: Some(key.clone()),
                        number,
                        title: title(text),
                        how: Some(how),
                    });
                };
                for (how, cl) in changed_clauses(&previous, &clauses) {
                    option(&cl.key, how, cl.number, &cl.text);
                }
            }
            previous = clauses;
        }
        let tz = c.agency_time_zone.clone();
        Ok(ResponsePage {
            slug: c.slug,
            title: c.title,
            members: members.iter().map(|x| (x.id, x.root_id)).collect(),
            response: response_view(answer, &tz, lang),
            changeable,
        })
    }
}
