//! A contributor's public profile, `/{lang}/people/{id}`: what they published on public
//! consultations, how each was answered, and which of them changed the draft. Only
//! what the consultation pages already show: their name, their published words, the
//! agency's answers.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::api::ResponseView;
use super::pages::{org_kind_label, version_and_clause};
use crate::consultations::pages::DateText;
use crate::domain::contribution::{OrgKind, Segment};
use crate::domain::dates::DateLabel;
use crate::domain::{ContributionId, Lang, LocalizedText, UserId};
use crate::error::AppError;
use crate::paths;
use crate::responses::pages::ResponseNote;
use crate::ui::denied::error_page;
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::{plain_paragraphs, LocalizedSpan};

/// Contributions per page of a profile.
pub const PROFILE_PER_PAGE: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub id: UserId,
    pub name: String,
    pub published: i64,
    pub answered: i64,
    /// Answered by a response that changed a clause.
    pub changed: i64,
    pub items: Vec<ProfileItem>,
    pub page: u32,
    pub pages: u32,
}

/// One published contribution, where it was written and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileItem {
    pub id: ContributionId,
    pub root: ContributionId,
    pub slug: String,
    pub consultation: LocalizedText,
    pub version: u32,
    pub clause: Option<u32>,
    pub is_reply: bool,
    pub org: Option<(String, OrgKind)>,
    pub created: DateLabel,
    pub paragraphs: Vec<Vec<Segment>>,
    pub response: Option<ResponseView>,
}

/// The public profile of person `id`, page `page` (from 1), both as the address has
/// them: anything but a person's id and a page number is not found.
#[server(prefix = "/api/fn", endpoint = "contributor_profile")]
pub async fn contributor_profile(
    id: String,
    page: Option<String>,
    lang: Lang,
) -> Result<ProfileView, AppError> {
    let id = id.parse::<i64>().ok().filter(|id| *id > 0);
    let page = match page {
        None => Some(1),
        Some(p) => p.parse::<u32>().ok().filter(|p| *p > 0),
    };
    match (id, page) {
        (Some(id), Some(page)) => ssr::profile(UserId(id), page, lang).await,
        _ => {
            crate::ssr::context::set_status(axum::http::StatusCode::NOT_FOUND);
            Err(AppError::NotFound)
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::contribution::Speaker;
    use crate::ssr::accounts::store as users;
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::service::paragraphs;
    use crate::ssr::contributions::store as contributions;
    use crate::ssr::contributions::threads::response_view;
    use crate::ssr::responses::store as responses;

    pub(super) async fn profile(
        id: UserId,
        page: u32,
        lang: Lang,
    ) -> Result<ProfileView, AppError> {
        let state = context::app_state()?;
        // A deleted account has no profile: its contributions stay, unnamed.
        let Some(user) = users::by_id(&state.db, id)
            .await?
            .filter(|u| u.email.is_some())
        else {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            return Err(AppError::NotFound);
        };
        let page = page.max(1);
        let (counts, ids) = contributions::public_record(
            &state.db,
            user.id,
            PROFILE_PER_PAGE,
            (page - 1).saturating_mul(PROFILE_PER_PAGE),
        )
        .await?;
        let mut found = contributions::by_ids(&state.db, &ids).await?;
        found.sort_by_key(|x| ids.iter().position(|id| *id == x.id));
        let mut answers: HashMap<ContributionId, responses::Answer> =
            responses::of_contributions(&state.db, &ids)
                .await?
                .into_iter()
                .map(|a| (a.contribution_id, a))
                .collect();
        let mut places: HashMap<_, consultations::Consultation> = HashMap::new();
        let mut items = Vec::with_capacity(found.len());
        for x in found {
            let c = match places.entry(x.consultation_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    match consultations::by_id(&state.db, x.consultation_id).await? {
                        Some(c) => e.insert(c),
                        None => continue,
                    }
                }
            };
            let tz = &c.agency_time_zone;
            items.push(ProfileItem {
                id: x.id,
                root: x.root_id,
                slug: c.slug.clone(),
                consultation: c.title.clone(),
                version: x.version_number,
                clause: x.clause_number,
                is_reply: x.parent_id.is_some(),
                org: match x.speaker {
                    Speaker::Organisation { name, kind } => Some((name, kind)),
                    Speaker::Individual => None,
                },
                created: label(x.created_at, tz, lang),
                paragraphs: paragraphs(&x.body),
                response: answers.remove(&x.id).map(|a| response_view(a, tz, lang)),
            });
        }
        let pages = u32::try_from(
            u64::try_from(counts.published)
                .unwrap_or_default()
                .div_ceil(u64::from(PROFILE_PER_PAGE)),
        )
        .unwrap_or(u32::MAX)
        .max(1);
        if page > pages {
            context::set_status(axum::http::StatusCode::NOT_FOUND);
            return Err(AppError::NotFound);
        }
        Ok(ProfileView {
            id: user.id,
            name: user.display_name,
            published: counts.published,
            answered: counts.answered,
            changed: counts.changed,
            items,
            page,
            pages,
        })
    }
}

/// `/{lang}/people/{id}`.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.get().get("id").unwrap_or_default(),
                query.get().get("page"),
            )
        },
        move |(id, page)| contributor_profile(id, page, lang),
    );
    view! {
        <article class="page profile">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let v = match data.await {
                        Ok(v) => v,
                        Err(e) => return error_page(e, lang),
                    };
                    let (published, answered, changed) = (v.published, v.answered, v.changed);
                    view! {
                        <Title text=page_title(lang, &v.name) />
                        <h1><bdi>{v.name.clone()}</bdi></h1>
                        <p class="lead">{td_string!(l, profile_intro)}</p>
                        <dl class="timing profile__totals">
                            <div><dt>{td_string!(l, profile_published)}</dt><dd>{digits(published)}</dd></div>
                            <div><dt>{td_string!(l, timing_answered)}</dt><dd>{digits(answered)}</dd></div>
                            <div data-outcome="accepted"><dt>{td_string!(l, profile_changed)}</dt><dd>{digits(changed)}</dd></div>
                        </dl>
                        {if v.items.is_empty() {
                            view! { <p class="empty">{td_string!(l, profile_empty)}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="profile__list">
                                    {v.items.iter().cloned().map(|x| view! { <Entry x lang /> }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                        {pager(v.id, v.page, v.pages, lang)}
                    }.into_any()
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Entry(x: ProfileItem, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let changed = x.response.as_ref().is_some_and(|r| !r.changes.is_empty());
    let link = paths::contribution_in_thread(lang, &x.slug, x.root, x.id);
    view! {
        <li class="profile__item" id=format!("contribution-{}", x.id) data-changed=changed.then_some("true")>
            <article>
                <header class="contribution__meta">
                    <a href=paths::consultation(lang, &x.slug)><LocalizedSpan text=x.consultation.clone() lang /></a>
                    " · "{version_and_clause(x.version, x.clause, lang)}
                    {x.is_reply.then(|| view! { " · "{td_string!(l, profile_reply)} })}
                    {x.org.clone().map(|(name, kind)| view! {
                        " · "<span class="badge">{td_string!(l, contributions_for)}" "<bdi>{name}</bdi>" · "{org_kind_label(kind, lang)}</span>
                    })}
                    " · "<a href=link><DateText date=x.created.clone() /></a>
                    {changed.then(|| view! { " "<span class="badge" data-outcome="accepted">{td_string!(l, profile_changed_badge)}</span> })}
                </header>
                <div class="contribution__body">{plain_paragraphs(x.paragraphs.clone())}</div>
                {x.response.clone().map(|r| view! { <ResponseNote r slug=x.slug.clone() lang /> })}
            </article>
        </li>
    }
}

fn pager(id: UserId, page: u32, pages: u32, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=td_string!(l, pagination_label)>
                {(page > 1).then(|| view! { <a rel="prev" href=paths::person_page(lang, id, page - 1)>{td_string!(l, pagination_prev)}</a> })}
                <span>{digits(format!("{page} / {pages}"))}</span>
                {(page < pages).then(|| view! { <a rel="next" href=paths::person_page(lang, id, page + 1)>{td_string!(l, pagination_next)}</a> })}
            </nav>
        }
    })
}
