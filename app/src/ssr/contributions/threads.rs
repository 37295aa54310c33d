//! The threads of a consultation as its page shows them: a page of top-level
//! contributions with their first replies, nested to a readable depth, seen by one
//! reader; or one thread whole.

use std::collections::{HashMap, HashSet};

use crate::contributions::api::{
    ChangedClause, ClauseOption, ClauseRef, ContributionView, EarlierResponse, EarlierText,
    ReceivedView, ResponderView, ResponseView, ThreadsData,
};
use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::contribution::{
    ContributionStatus, Speaker, ThreadOrder, MAX_DISPLAY_DEPTH, MAX_REPLIES_SHOWN,
    THREADS_PER_PAGE,
};
use crate::domain::{ClauseKey, ConsultationStatus, ContributionId, Lang, Page};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::calendar::{label, label_day};
use crate::ssr::consultations::store::{self as consultations, StoredClause};
use crate::ssr::contributions::read::{self, Audience};
use crate::ssr::contributions::service::{paragraphs, within_edit_window};
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::Contribution;
use crate::ssr::db::StoreError;
use crate::ssr::responses::store::{Answer, Responder};
use crate::ssr::state::AppState;

/// Which threads to show.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub order: ThreadOrder,
    /// Only the threads about this clause.
    pub clause: Option<ClauseKey>,
    pub page: u32,
    /// Only this thread, with every reply.
    pub thread: Option<ContributionId>,
}

/// The page, or `None` when the reader may not see the consultation (or the thread
/// asked for is not one of its threads).
pub async fn page(
    state: &AppState,
    reader: Option<&Signed>,
    slug: &str,
    lang: Lang,
    selection: Selection,
) -> Result<Option<ThreadsData>, StoreError> {
    let Selection {
        order,
        clause,
        page,
        thread,
    } = selection;
    let Some(c) = consultations::public_by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    // Read first: a change made while the page is read then shows as one to fetch.
    let stamp = contributions::stamp(&state.db, c.id).await?;
    let now = state.clock.now();
    let versions = consultations::versions(&state.db, c.id).await?;
    let Some(latest) = consultations::latest_published(&versions) else {
        return Ok(None);
    };
    let current = consultations::clauses(&state.db, latest.id).await?;
    let current_keys: HashSet<&str> = current.iter().map(|cl| cl.key.as_str()).collect();
    let page = page.max(1);
    let (threads, roots, per_thread) = match thread {
        // One thread, whole: it must be a thread of this consultation.
        Some(id) => {
            let root = contributions::by_ids(&state.db, &[id]).await?;
            if !root
                .iter()
                .all(|r| r.consultation_id == c.id && r.parent_id.is_none())
                || root.is_empty()
            {
                return Ok(None);
            }
            (1, root, None)
        }
        None => {
            let (threads, roots) = contributions::roots_page(
                &state.db,
                c.id,
                latest.id,
                order,
                clause.as_ref(),
                page,
                THREADS_PER_PAGE,
            )
            .await?;
            (threads, roots, Some(i64::from(MAX_REPLIES_SHOWN)))
        }
    };
    let root_ids: Vec<ContributionId> = roots.iter().map(|r| r.id).collect();
    let replies = contributions::replies_in(&state.db, &root_ids, per_thread).await?;
    let mut by_root: HashMap<ContributionId, Vec<Contribution>> = HashMap::new();
    for r in replies {
        by_root.entry(r.root_id).or_default().push(r);
    }
    // A thread longer than the list shows ends, after its last reply shown, with how
    // many more there are.
    let mut more: HashMap<ContributionId, (ContributionId, u32)> = HashMap::new();
    if per_thread.is_some() {
        for (root, count) in contributions::reply_counts(&state.db, &root_ids).await? {
            let shown = by_root.get(&root).map_or(&[][..], Vec::as_slice);
            let hidden = u32::try_from(count)
                .unwrap_or(u32::MAX)
                .saturating_sub(u32::try_from(shown.len()).unwrap_or(u32::MAX));
            if let (Some(last), true) = (shown.last(), hidden > 0) {
                more.insert(last.id, (root, hidden));
            }
        }
    }
    let ordered: Vec<Contribution> = roots
        .into_iter()
        .flat_map(|root| {
            let rest = by_root.remove(&root.id).unwrap_or_default();
            std::iter::once(root).chain(rest)
        })
        .collect();
    let ids: Vec<ContributionId> = ordered.iter().map(|x| x.id).collect();
    let supported: HashSet<ContributionId> = match reader {
        Some(r) => contributions::supported_by(&state.db, r.user.id, &ids)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let read = read::read(&state.db, ordered, Audience::Public).await?;
    let names: HashMap<ContributionId, Option<String>> =
        read.iter().map(|x| (x.id, x.author.clone())).collect();
    let tz = &c.agency_time_zone;
    let open = c.status_at(now) == ConsultationStatus::Open;
    let items = read
        .into_iter()
        .map(|x| {
            let published = x.status == ContributionStatus::Published;
            let mine = reader.is_some_and(|r| r.user.id == x.author_id);
            let editable = mine && published && open && within_edit_window(x.created_at, now);
            let flattened = x.depth > MAX_DISPLAY_DEPTH;
            ContributionView {
                id: x.id,
                depth: x.depth.min(MAX_DISPLAY_DEPTH),
                in_reply_to: x
                    .parent
                    .filter(|_| flattened)
                    .map(|p| (p, names.get(&p).cloned().flatten())),
                author_id: x.author.as_ref().map(|_| x.author_id),
                author: x.author,
                org: match &x.speaker {
                    Speaker::Organisation { name, kind } => Some((name.clone(), *kind)),
                    Speaker::Individual => None,
                },
                clause: x.clause.map(|cl| ClauseRef {
                    current: current_keys.contains(cl.key.as_str()),
                    key: cl.key,
                    version: x.version,
                    number: cl.number,
                }),
                status: x.status,
                channel: x.channel,
                received: x.received.as_ref().map(|r| ReceivedView {
                    attribution: r.attribution,
                    workshop: r.workshop,
                    on: label_day(&r.received_on.to_string(), lang),
                    source_url: r.source_url.clone(),
                }),
                response: x.response.map(|a| response_view(a, tz, lang)),
                paragraphs: x.body.as_deref().map(paragraphs).unwrap_or_default(),
                created: label(x.created_at, tz, lang),
                edited: x.edited_at.map(|at| label(at, tz, lang)),
                history: x
                    .earlier
                    .iter()
                    .map(|e| EarlierText {
                        written: label(e.written_at, tz, lang),
                        paragraphs: paragraphs(&e.body),
                    })
                    .collect(),
                supports: x.supports,
                supported: supported.contains(&x.id),
                mine,
                editable_body: x.body.filter(|_| editable),
                hidden_category: x.hidden_under,
                can_appeal: mine && x.status == ContributionStatus::Hidden && !x.appealed,
                more_replies: more.get(&x.id).copied(),
            }
        })
        .collect();
    let blocked = authorise(reader.map(|r| &r.actor), Action::Contribute)
        .err()
        .map(|d| match d {
            Denied::EmailUnverified => Denied::EmailUnverified,
            _ => Denied::SignInRequired,
        });
    let pages = Page::<()> {
        items: Vec::new(),
        page,
        per_page: THREADS_PER_PAGE,
        total: threads,
    }
    .pages();
    Ok(Some(ThreadsData {
        slug: c.slug,
        open,
        blocked,
        clauses: clause_options(current, lang),
        items,
        order,
        clause,
        page,
        pages,
        threads,
        thread,
        closes_at: c.closes_at,
        stamp,
    }))
}

fn responder_view(r: Option<Responder>) -> Option<ResponderView> {
    r.map(|r| ResponderView {
        name: r.name,
        role: r.role,
        mandate: r.mandate,
    })
}

/// A contribution's answer as the page shows it.
pub fn response_view(a: Answer, tz: &str, lang: Lang) -> ResponseView {
    let r = a.response;
    ResponseView {
        id: r.id,
        outcome: r.written.outcome,
        reasons: r.written.reasons,
        responder: responder_view(r.written.responder),
        changes: r
            .changes
            .into_iter()
            .map(|ch| ChangedClause {
                version: ch.version,
                key: ch.clause_key,
                number: ch.clause_number,
            })
            .collect(),
        date: label(a.answered_at, tz, lang),
        revised: (r.revision > 1).then(|| label(r.updated_at, tz, lang)),
        earlier: r
            .earlier
            .into_iter()
            .map(|e| EarlierResponse {
                outcome: e.written.outcome,
                reasons: e.written.reasons,
                responder: responder_view(e.written.responder),
                written: label(e.written_at, tz, lang),
            })
            .collect(),
        answers: r.members.len(),
    }
}

/// The clauses a contribution may be about (headings and clauses, not plain text), as
/// a form offers them.
pub(crate) fn clause_options(clauses: Vec<StoredClause>, lang: Lang) -> Vec<ClauseOption> {
    clauses
        .into_iter()
        .filter(|cl| cl.kind != crate::domain::draft::ClauseKind::Text)
        .filter_map(|cl| {
            let text = cl.text.pick(lang)?.text;
            Some(ClauseOption {
                title: crate::ssr::consultations::markdown::plain_title(&text, 60),
                key: cl.key,
                number: cl.number,
            })
        })
        .collect()
}
