//! `GET /api/v1/search`: everything said, searched in Arabic and English.

use std::collections::BTreeMap;

use app::domain::search::{HitKind, SearchQuery};
use app::domain::{ClauseKey, Lang};
use app::ssr::search::query;
use app::ssr::state::AppState;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, Failure};

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// How many things matched in all.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub hits: Vec<SearchHit>,
    /// For each facet (`kind`, `consultation`, `agency`, `channel`, `speaker`,
    /// `outcome`; `clause` when searching within a consultation), its values among
    /// all matches and how many have each, most frequent first.
    pub facets: BTreeMap<&'static str, Vec<FacetValue>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: HitKind,
    /// A contribution's id (as in `GET /api/v1/contributions/{id}`), a clause's or a
    /// consultation's.
    pub id: i64,
    /// The consultation's slug.
    pub consultation: String,
    pub clause: Option<ClauseKey>,
    /// The version a clause belongs to, or a contribution was written on.
    pub version: Option<u32>,
    /// A clause of an earlier version than the latest (its text has changed since).
    pub earlier: bool,
    /// Plain text around the best matches; never HTML.
    pub snippet: String,
    /// What matched: `[start, end)` offsets in characters (Unicode scalar values)
    /// of `snippet`.
    pub highlights: Vec<[u32; 2]>,
    /// Relevance (BM25); 0 when sorted by date.
    pub score: f32,
    /// Where it is read on the site, in the language of `lang`.
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Search contributions, replies, clauses and consultations.
///
/// Arabic words match whatever their spelling (hamza and alef forms, ta marbuta,
/// tashkeel, Arabic-Indic digits), attached particles and suffixes, and other words
/// of the same root; English words match their inflections. `"a phrase"` matches
/// those exact words in order, `-word` excludes. List filters may be repeated
/// (`channel=email&channel=letter`). Hidden and withdrawn contributions are never
/// found.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Words, \"quoted phrases\", -exclusions (at most 500 characters)"),
        ("kind" = Option<HitKind>, Query, description = "contribution, clause or consultation"),
        ("consultation" = Option<String>, Query, description = "A consultation's slug: search within it"),
        ("agency" = Option<String>, Query, description = "An agency's slug"),
        ("clause" = Option<String>, Query, description = "A clause key (with consultation)"),
        ("channel" = Option<app::domain::contribution::Channel>, Query, description = "How contributions reached the agency"),
        ("speaker" = Option<app::domain::search::SpeakerKind>, Query, description = "individual, or a kind of organisation"),
        ("outcome" = Option<app::domain::search::Answer>, Query, description = "The agency's response, or unanswered"),
        ("from" = Option<String>, Query, description = "Written on or after this date (YYYY-MM-DD, UTC)"),
        ("to" = Option<String>, Query, description = "Written on or before this date (YYYY-MM-DD, UTC)"),
        ("sort" = Option<app::domain::search::Sort>, Query, description = "relevance (default) or newest"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("per_page" = Option<u32>, Query, description = "1 to 100, default 20"),
        ("lang" = Option<String>, Query, description = "ar (default) or en: the language of each href"),
    ),
    responses(
        (status = 200, description = "A page of results", body = SearchResults),
        (status = 400, description = "A query or filter that cannot be read", body = ApiError)
    )
)]
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, Failure> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let mut lang = Lang::Ar;
    let mut rest = Vec::with_capacity(pairs.len());
    for (k, v) in &pairs {
        if k == "lang" {
            lang = Lang::from_code(v)
                .ok_or_else(|| Failure::BadRequest("`lang` must be ar or en".to_owned()))?;
        } else {
            rest.push((k.as_str(), v.as_str()));
        }
    }
    let q = SearchQuery::from_pairs(rest).map_err(|e| Failure::BadRequest(e.to_string()))?;
    let index = state.search.current();
    let (page, per_page) = (q.page, q.per_page);
    let found = tokio::task::spawn_blocking(move || query::run(&index, &q))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "api: search task failed");
            Failure::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "api: search failed");
            Failure::Internal
        })?;
    let hits = found
        .hits
        .iter()
        .map(|h| SearchHit {
            href: h.href(lang),
            kind: h.kind,
            id: h.id,
            consultation: h.consultation.clone(),
            clause: h.clause.clone(),
            version: h.version,
            earlier: h.earlier,
            snippet: h.snippet.clone(),
            highlights: h.highlights.clone(),
            score: h.score,
        })
        .collect();
    let facets = found
        .facets
        .into_iter()
        .map(|f| {
            (
                f.name,
                f.values
                    .into_iter()
                    .map(|(value, count)| FacetValue { value, count })
                    .collect(),
            )
        })
        .collect();
    Ok(Json(SearchResults {
        total: found.total,
        page,
        per_page,
        hits,
        facets,
    }))
}
