//! Server functions for the public consultation pages: what each page shows, already
//! in the reader's language (dates in the agency's time zone, clauses as safe HTML).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::dates::DateLabel;
use crate::domain::draft::{ClauseDiff, ClauseView};
use crate::domain::{
    ClauseKey, ConsultationCard, ConsultationStatus, ContributionId, Lang, ListQuery,
    LocalizedText, Page,
};
use crate::error::AppError;

/// How many consultations each home-page section lists.
pub const HOME_SECTION_LIMIT: i64 = 6;
/// Consultations per page of the list.
pub const LIST_PAGE_SIZE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub open: Vec<ConsultationCard>,
    /// Open and closing within a week.
    pub closing_soon: Vec<ConsultationCard>,
    pub concluded: Vec<ConsultationCard>,
}

#[server(prefix = "/api/fn", endpoint = "home_sections")]
pub async fn home_sections(lang: Lang) -> Result<HomeData, AppError> {
    use crate::ssr::calendar::label_cards;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context::app_state;
    let state = app_state()?;
    let now = state.clock.now();
    let mut open = consultations::list_open(&state.db, now, 50).await?;
    label_cards(&mut open, lang);
    let soon = now + chrono::Duration::days(7);
    let closing_soon = open
        .iter()
        .filter(|c| c.closes_at <= soon)
        .cloned()
        .collect();
    let mut concluded =
        consultations::recently_concluded(&state.db, now, HOME_SECTION_LIMIT).await?;
    label_cards(&mut concluded, lang);
    Ok(HomeData {
        open: open.into_iter().take(HOME_SECTION_LIMIT as usize).collect(),
        closing_soon,
        concluded,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub slug: String,
    pub name: LocalizedText,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::consultations::store::Topic> for Named {
    fn from(t: crate::ssr::consultations::store::Topic) -> Self {
        Named {
            slug: t.slug,
            name: t.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    pub page: Page<ConsultationCard>,
    pub agencies: Vec<Named>,
    pub topics: Vec<Named>,
}

#[server(prefix = "/api/fn", endpoint = "consultation_list")]
pub async fn consultation_list(query: ListQuery, lang: Lang) -> Result<ListView, AppError> {
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context::app_state;
    let state = app_state()?;
    let mut page =
        consultations::list(&state.db, &query, state.clock.now(), LIST_PAGE_SIZE).await?;
    crate::ssr::calendar::label_cards(&mut page.items, lang);
    let agencies = agencies::list(&state.db)
        .await?
        .into_iter()
        .map(|a| Named {
            slug: a.slug,
            name: a.name,
        })
        .collect();
    let topics = consultations::topics(&state.db)
        .await?
        .into_iter()
        .map(Named::from)
        .collect();
    Ok(ListView {
        page,
        agencies,
        topics,
    })
}

/// A document attached to a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: crate::domain::AttachmentId,
    pub title: LocalizedText,
    pub file_name: String,
    pub size_bytes: i64,
}

impl AttachmentView {
    /// Where it is served; the name is only there for people and their downloads.
    pub fn href(&self) -> String {
        crate::paths::attachment(self.id, &self.file_name)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::attachments::store::Attachment> for AttachmentView {
    fn from(a: crate::ssr::attachments::store::Attachment) -> Self {
        AttachmentView {
            id: a.id,
            title: a.title,
            file_name: a.file_name,
            size_bytes: a.size_bytes,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub number: u32,
    /// `None` for a version not published yet (seen by the agency only).
    pub published: Option<DateLabel>,
    pub change_note: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationData {
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    pub contact_email: Option<String>,
    pub agency_slug: String,
    pub agency_name: LocalizedText,
    pub status: ConsultationStatus,
    pub opens: DateLabel,
    pub closes: DateLabel,
    pub concluded: Option<DateLabel>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub topics: Vec<Named>,
    pub attachments: Vec<AttachmentView>,
    pub versions: Vec<VersionSummary>,
    /// The version shown.
    pub version: u32,
    /// Published contributions per clause key (replies included).
    pub comment_counts: Vec<(ClauseKey, i64)>,
    pub clauses: Vec<ClauseView>,
    /// Whether the reader speaks for the agency (sees drafts, may edit).
    pub can_edit: bool,
    /// Whether the reader follows it; `None` when nobody is signed in.
    pub following: Option<bool>,
    /// The portal's public address, for share links and permalinks.
    pub public_url: String,
    /// How fast the agency answers its contributions; `None` before it is public.
    pub timing: Option<crate::responses::api::TimingView>,
    /// Published contributions per channel (public consultations).
    pub channels: Vec<(crate::domain::contribution::Channel, i64)>,
    pub workshops: crate::workshops::api::ConsultationWorkshopsView,
}

impl ConsultationData {
    pub fn latest_version(&self) -> u32 {
        self.versions.last().map_or(1, |v| v.number)
    }

    /// How many published contributions are about the clause `key`.
    pub fn comments_on(&self, key: &ClauseKey) -> i64 {
        self.comment_counts
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0, |(_, n)| *n)
    }
}

/// A consultation with one of its versions (the latest the reader may see when
/// `version` is `None`). Drafts and unpublished versions exist only for the agency.
#[server(prefix = "/api/fn", endpoint = "consultation_view")]
pub async fn consultation_view(
    slug: String,
    version: Option<u32>,
    lang: Lang,
) -> Result<ConsultationData, AppError> {
    use crate::ssr::attachments::store as attachments;
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::store as contributions;
    use crate::ssr::notifications::store::follows;
    let state = context::app_state()?;
    let now = state.clock.now();
    let (c, can_edit, reader) = readable_consultation(&slug).await?;
    let following = match &reader {
        Some(r) => Some(follows::is_following(&state.db, r.user.id, c.id).await?),
        None => None,
    };
    let visible =
        consultations::visible_versions(consultations::versions(&state.db, c.id).await?, can_edit);
    let shown = match version {
        Some(n) => visible.iter().find(|v| v.number == n),
        None => visible.last(),
    };
    let Some(shown) = shown else {
        return Err(not_found());
    };
    let clauses = consultations::clauses(&state.db, shown.id)
        .await?
        .into_iter()
        .filter_map(|cl| {
            let html = cl.html.pick(lang)?;
            let text = cl.text.get(html.lang).unwrap_or_default();
            Some(ClauseView {
                title: crate::ssr::consultations::markdown::plain_title(text, 70),
                key: cl.key,
                kind: cl.kind,
                level: cl.level,
                number: cl.number,
                html: html.text,
                lang: html.lang,
                is_fallback: html.is_fallback,
            })
        })
        .collect();
    let tz = &c.agency_time_zone;
    let topics = consultations::topics_of(&state.db, c.id)
        .await?
        .into_iter()
        .map(Named::from)
        .collect();
    let attachments = attachments::of_consultation(&state.db, c.id)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect();
    let comment_counts = contributions::clause_counts(&state.db, c.id).await?;
    let timing = match c.is_public() {
        true => Some(crate::ssr::responses::service::timing_view(&state, &c, lang).await?),
        false => None,
    };
    let channels = match &timing {
        Some(t) => contributions::channel_shares(&state.db, c.id, t.contributions).await?,
        None => Vec::new(),
    };
    let workshops =
        crate::workshops::api::consultation_section(&state, &c, reader.as_ref(), lang).await?;
    Ok(ConsultationData {
        channels,
        workshops,
        attachments,
        comment_counts,
        version: shown.number,
        versions: visible
            .iter()
            .map(|v| VersionSummary {
                number: v.number,
                published: v.published_at.map(|at| label(at, tz, lang)),
                change_note: v.change_note.clone(),
            })
            .collect(),
        clauses,
        status: c.status_at(now),
        opens: label(c.opens_at, tz, lang),
        closes: label(c.closes_at, tz, lang),
        concluded: c.concluded_at.map(|at| label(at, tz, lang)),
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        now,
        topics,
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        audience: c.audience,
        contact_email: c.contact_email,
        agency_slug: c.agency_slug,
        agency_name: c.agency_name,
        timing,
        can_edit,
        following,
        public_url: state.public_url.clone(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffView {
    pub slug: String,
    pub title: LocalizedText,
    pub from: u32,
    pub to: u32,
    /// The versions the reader may compare.
    pub versions: Vec<u32>,
    pub rows: Vec<ClauseDiff>,
    /// Per clause key, the contributions whose responses say it changed in a version
    /// after `from` up to `to`.
    pub cited: Vec<(ClauseKey, Vec<ContributionId>)>,
}

/// The differences between two versions, clause by clause and word by word.
#[server(prefix = "/api/fn", endpoint = "consultation_diff")]
pub async fn consultation_diff(
    slug: String,
    from: u32,
    to: u32,
    lang: Lang,
) -> Result<DiffView, AppError> {
    use crate::ssr::consultations::diff::{compare, ComparedClause};
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    let state = context::app_state()?;
    let (c, can_edit, _) = readable_consultation(&slug).await?;
    let visible =
        consultations::visible_versions(consultations::versions(&state.db, c.id).await?, can_edit);
    let find = |n: u32| visible.iter().find(|v| v.number == n).ok_or_else(not_found);
    let (old_v, new_v) = (find(from)?, find(to)?);
    let old = consultations::clauses(&state.db, old_v.id).await?;
    let new = consultations::clauses(&state.db, new_v.id).await?;
    let compared = |list: Vec<consultations::StoredClause>| -> Vec<ComparedClause> {
        list.into_iter()
            .map(|cl| ComparedClause {
                text: cl
                    .text
                    .pick(lang)
                    .map(|p| crate::ssr::consultations::markdown::plain_text(&p.text))
                    .unwrap_or_default(),
                key: cl.key,
                kind: cl.kind,
                number: cl.number,
            })
            .collect()
    };
    let (old, new) = (compared(old), compared(new));
    // CPU work, off the async workers (see `diff::WORD_DIFF_BUDGET` for its bound).
    let rows = tokio::task::spawn_blocking(move || compare(&old, &new, lang))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "the diff failed");
            AppError::Internal
        })?;
    let mut cited: Vec<(ClauseKey, Vec<ContributionId>)> = Vec::new();
    let (low, high) = (from.min(to), from.max(to));
    for cite in crate::ssr::responses::store::citations(&state.db, c.id).await? {
        let Some(key) = cite
            .clause_key
            .filter(|_| cite.version > low && cite.version <= high)
        else {
            continue;
        };
        match cited.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) if !ids.contains(&cite.contribution_id) => {
                ids.push(cite.contribution_id)
            }
            Some(_) => {}
            None => cited.push((key, vec![cite.contribution_id])),
        }
    }
    Ok(DiffView {
        slug: c.slug,
        title: c.title,
        from,
        to,
        versions: visible.iter().map(|v| v.number).collect(),
        cited,
        rows,
    })
}

#[cfg(feature = "ssr")]
fn not_found() -> AppError {
    crate::ssr::context::set_status(axum::http::StatusCode::NOT_FOUND);
    AppError::NotFound
}

/// The consultation if the reader may see it, and whether they speak for its agency.
#[cfg(feature = "ssr")]
async fn readable_consultation(
    slug: &str,
) -> Result<
    (
        crate::ssr::consultations::store::Consultation,
        bool,
        Option<crate::ssr::accounts::authz::Signed>,
    ),
    AppError,
> {
    use crate::domain::authz::{authorise, Action};
    use crate::ssr::accounts::authz;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    let state = context::app_state()?;
    let Some(c) = consultations::by_slug(&state.db, slug).await? else {
        return Err(not_found());
    };
    let session = context::session().await?;
    let signed = authz::signed_in(&session, &state.db, state.clock.now()).await?;
    let can_edit = authorise(
        signed.as_ref().map(|s| &s.actor),
        Action::ActForAgency(c.agency_id),
    )
    .is_ok();
    if !c.is_public() && !can_edit {
        return Err(not_found());
    }
    Ok((c, can_edit, signed))
}
