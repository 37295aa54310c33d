//! The search page's server function: the search run on the index, with what the
//! page shows beside each hit and facet value (titles, names, clause numbers).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::dates::DateLabel;
use crate::domain::search::{HitKind, SearchInputError, SearchQuery};
use crate::domain::{ContributionId, Lang, LocalizedText};
use crate::error::AppError;

/// One result as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitView {
    pub kind: HitKind,
    /// A contribution that answers another.
    pub reply: bool,
    pub href: String,
    pub consultation_title: LocalizedText,
    pub clause_number: Option<u32>,
    /// A clause of an earlier version: its number.
    pub earlier_version: Option<u32>,
    /// The snippet in pieces, each marked when it matched.
    pub snippet: Vec<(String, bool)>,
    pub created: DateLabel,
    /// A contribution's id: what its agency's staff tick to answer it.
    pub contribution: Option<ContributionId>,
}

/// A facet value as a link that adds it to the search or takes it away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValueView {
    pub value: String,
    /// For consultations and agencies: their name; for clauses: their number.
    pub name: Option<LocalizedText>,
    pub count: u64,
    pub chosen: bool,
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetView {
    pub name: String,
    pub values: Vec<FacetValueView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    /// The search as read (its defaults filled in); the default when it could not be.
    pub query: SearchQuery,
    /// Why the query string could not be read (the page says so, with the form).
    pub error: Option<SearchInputError>,
    /// Searching within a consultation: its slug and title.
    pub scope: Option<(String, LocalizedText)>,
    /// The consultation searched within, when the reader answers for its agency: its
    /// contribution hits can be ticked and answered together in its response queue.
    pub answer_in: Option<String>,
    pub total: u64,
    pub hits: Vec<HitView>,
    pub facets: Vec<FacetView>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: u32,
}

/// Runs the search the page's query string asks for (as the address bar has it,
/// percent-encoded, repeated keys kept).
#[server(prefix = "/api/fn", endpoint = "search")]
pub async fn search(query_string: String, lang: Lang) -> Result<SearchView, AppError> {
    use crate::ssr::context;
    let state = context::app_state()?;
    let pairs = crate::domain::search::decode_query(&query_string);
    let query = match SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(q) => q,
        Err(error) => {
            context::set_status(axum::http::StatusCode::BAD_REQUEST);
            // What was typed stays in the box, to be corrected.
            let typed = pairs.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone());
            return Ok(SearchView {
                query: SearchQuery {
                    q: typed.unwrap_or_default(),
                    page: 1,
                    per_page: crate::domain::search::DEFAULT_PER_PAGE,
                    ..SearchQuery::default()
                },
                error: Some(error),
                scope: None,
                answer_in: None,
                total: 0,
                hits: Vec::new(),
                facets: Vec::new(),
                prev: None,
                next: None,
                pages: 0,
            });
        }
    };
    let mut view = ssr::view(&state, query, lang).await?;
    if let Some((slug, _)) = &view.scope {
        view.answer_in = ssr::answers_for(&state, slug).await?.then(|| slug.clone());
    }
    Ok(view)
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::search::MAX_RESULTS_PAGED;
    use crate::paths;
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::calendar;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::search::query::{self, Hit};
    use crate::ssr::state::AppState;

    pub(super) async fn view(
        state: &AppState,
        q: SearchQuery,
        lang: Lang,
    ) -> Result<SearchView, AppError> {
        let index = state.search.current();
        let asked = q.clone();
        let found = tokio::task::spawn_blocking(move || query::run(&index, &asked))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "search task failed");
                AppError::Internal
            })?
            .map_err(|e| {
                tracing::error!(error = %e, "search failed");
                AppError::Internal
            })?;

        // Names for what the page shows: consultations of the hits and facets, agencies,
        // and clause numbers within the consultation searched.
        let mut slugs: Vec<String> = found.hits.iter().map(|h| h.consultation.clone()).collect();
        slugs.extend(q.consultation.iter().cloned());
        for f in found.facets.iter().filter(|f| f.name == "consultation") {
            slugs.extend(f.values.iter().map(|(v, _)| v.clone()));
        }
        slugs.sort();
        slugs.dedup();
        let labels = consultations::public_labels(&state.db, &slugs).await?;
        let zones: HashMap<String, String> = labels
            .iter()
            .map(|l| (l.slug.clone(), l.agency_time_zone.clone()))
            .collect();
        let titles: HashMap<String, LocalizedText> =
            labels.into_iter().map(|l| (l.slug, l.title)).collect();
        let agency_names: HashMap<String, LocalizedText> = agencies::list(&state.db)
            .await?
            .into_iter()
            .map(|a| (a.slug, a.name))
            .collect();
        // Clause numbers: of the consultation searched within (its clause facet) and of
        // those whose clauses are among the hits.
        let mut numbered: Vec<String> = found
            .hits
            .iter()
            .filter(|h| h.clause.is_some())
            .map(|h| h.consultation.clone())
            .chain(q.consultation.iter().cloned())
            .collect();
        numbered.sort();
        numbered.dedup();
        let numbers = consultations::clause_numbers(&state.db, &numbered).await?;
        // A hit is numbered as in its version; a facet value as in the latest version.
        let clause_numbers = ClauseNumbers {
            in_version: numbers
                .iter()
                .map(|n| ((n.slug.clone(), n.key.clone(), n.version), n.number))
                .collect(),
            latest: numbers
                .into_iter()
                .map(|n| ((n.slug, n.key), n.number))
                .collect(),
        };

        let hits = found
            .hits
            .iter()
            .map(|h| hit_view(h, lang, &titles, &clause_numbers, &zones))
            .collect();
        let facets = found
            .facets
            .iter()
            .filter(|f| !f.values.is_empty())
            .map(|f| FacetView {
                name: f.name.to_owned(),
                values: f
                    .values
                    .iter()
                    .map(|(value, count)| {
                        let name = match f.name {
                            "consultation" => titles.get(value).cloned(),
                            "agency" => agency_names.get(value).cloned(),
                            "clause" => q
                                .consultation
                                .as_ref()
                                .and_then(|s| {
                                    clause_numbers.latest.get(&(s.clone(), value.clone()))
                                })
                                .map(|n| {
                                    LocalizedText::new(Some(n.to_string()), Some(n.to_string()))
                                }),
                            _ => None,
                        };
                        let (chosen, href) = toggle(&q, f.name, value, lang);
                        FacetValueView {
                            value: value.clone(),
                            name,
                            count: *count,
                            chosen,
                            href,
                        }
                    })
                    .collect(),
            })
            .collect();
        let reachable = found.total.min(u64::from(MAX_RESULTS_PAGED));
        let pages = u32::try_from(reachable.div_ceil(u64::from(q.per_page)))
            .unwrap_or(1)
            .max(1);
        let page_link = |p: u32| {
            let mut pairs = q.to_pairs();
            if p > 1 {
                pairs.push(("page", p.to_string()));
            }
            paths::search(lang, &pairs)
        };
        let scope = q
            .consultation
            .as_ref()
            .and_then(|s| titles.get(s).map(|t| (s.clone(), t.clone())));
        Ok(SearchView {
            prev: (q.page > 1).then(|| page_link(q.page - 1)),
            next: (q.page < pages).then(|| page_link(q.page + 1)),
            pages,
            total: found.total,
            hits,
            facets,
            scope,
            answer_in: None,
            error: None,
            query: q,
        })
    }

    /// Whether the signed-in reader answers for the agency of consultation `slug`.
    pub(super) async fn answers_for(state: &AppState, slug: &str) -> Result<bool, AppError> {
        use crate::domain::authz::{authorise, Action};
        let session = crate::ssr::context::session().await?;
        let now = state.clock.now();
        let Some(signed) = crate::ssr::accounts::authz::signed_in(&session, &state.db, now).await?
        else {
            return Ok(false);
        };
        let Some(c) = consultations::public_by_slug(&state.db, slug).await? else {
            return Ok(false);
        };
        Ok(authorise(Some(&signed.actor), Action::ActForAgency(c.agency_id)).is_ok())
    }

    /// Clause numbers by consultation slug and key: in each version, and in the latest
    /// version that numbers the clause.
    struct ClauseNumbers {
        in_version: HashMap<(String, String, u32), u32>,
        latest: HashMap<(String, String), u32>,
    }

    fn hit_view(
        h: &Hit,
        lang: Lang,
        titles: &HashMap<String, LocalizedText>,
        clause_numbers: &ClauseNumbers,
        zones: &HashMap<String, String>,
    ) -> HitView {
        let mut snippet = Vec::new();
        let chars: Vec<char> = h.snippet.chars().collect();
        let mut at = 0usize;
        for [start, end] in &h.highlights {
            let (start, end) = (*start as usize, (*end as usize).min(chars.len()));
            if start < at || start >= end {
                continue;
            }
            if start > at {
                snippet.push((chars[at..start].iter().collect(), false));
            }
            snippet.push((chars[start..end].iter().collect(), true));
            at = end;
        }
        if at < chars.len() {
            snippet.push((chars[at..].iter().collect(), false));
        }
        let zone = zones.get(&h.consultation).map_or("UTC", String::as_str);
        HitView {
            kind: h.kind,
            reply: h.kind == HitKind::Contribution && h.root.is_some_and(|r| r != h.id),
            href: h.href(lang),
            consultation_title: titles.get(&h.consultation).cloned().unwrap_or_default(),
            clause_number: h.clause.as_ref().and_then(|k| {
                let (slug, key) = (h.consultation.clone(), k.to_string());
                let in_version = h.version.and_then(|v| {
                    clause_numbers
                        .in_version
                        .get(&(slug.clone(), key.clone(), v))
                });
                in_version
                    .or_else(|| clause_numbers.latest.get(&(slug, key)))
                    .copied()
            }),
            earlier_version: h.earlier.then_some(h.version).flatten(),
            snippet,
            created: calendar::label(h.created, zone, lang),
            contribution: (h.kind == HitKind::Contribution).then_some(ContributionId(h.id)),
        }
    }

    /// Whether `value` of facet `name` is chosen, and the search with it added or
    /// taken away (back to the first page).
    fn toggle(q: &SearchQuery, name: &str, value: &str, lang: Lang) -> (bool, String) {
        let mut pairs = q.to_pairs();
        let chosen = pairs.iter().any(|(k, v)| *k == name && v == value);
        if chosen {
            pairs.retain(|(k, v)| !(*k == name && v == value));
            // Without its consultation, a clause means nothing.
            if name == "consultation" {
                pairs.retain(|(k, _)| *k != "clause");
            }
        } else if name == "consultation" {
            pairs.retain(|(k, _)| *k != "consultation");
            pairs.push(("consultation", value.to_owned()));
        } else if let Some(param) = facet_param(name) {
            pairs.push((param, value.to_owned()));
        }
        (chosen, paths::search(lang, &pairs))
    }

    /// The facet's parameter name as the query string writes it (each facet is a
    /// filter of the same name).
    fn facet_param(name: &str) -> Option<&'static str> {
        crate::ssr::search::index::FACETS
            .iter()
            .find(|f| **f == name)
            .copied()
    }
}
