//! Consultations, their versions and clauses.

use app::domain::draft::ClauseKind;
use app::domain::{ClauseKey, ConsultationStatus, Lang, ListQuery};
use app::paths;
use app::ssr::consultations::store as consultations;
use app::ssr::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{paging, published, ApiError, Failure, Named, Text};

/// A consultation as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationSummary {
    pub slug: String,
    pub title: Text,
    pub summary: Text,
    pub agency: Named,
    /// Where it is in its life at the time of the request (never `draft`: drafts are
    /// not published).
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The consultation's JSON here.
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationPage {
    pub items: Vec<ConsultationSummary>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this agency's consultations (its slug).
    pub agency: Option<String>,
    /// Only consultations in this stage.
    #[param(value_type = Option<ConsultationStatus>)]
    pub status: Option<String>,
    /// Only consultations with this topic (its slug).
    pub topic: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// Consultations per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

/// A published version, listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub number: u32,
    pub published_at: DateTime<Utc>,
    pub change_note: Text,
    pub href: String,
}

/// One clause of a version. `key` stays the same across versions while the clause
/// lives, so it identifies "the same clause" in version 1 and version 3.
#[derive(Debug, Serialize, ToSchema)]
pub struct Clause {
    pub key: ClauseKey,
    /// A heading, a (numbered) clause, or text between clauses.
    pub kind: ClauseKind,
    /// Heading level (2–6), 0 for other kinds.
    pub level: u8,
    pub number: Option<u32>,
    /// Markdown as the agency wrote it.
    pub text: Text,
    /// Sanitised HTML rendering of `text`.
    pub html: Text,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Version {
    pub consultation: String,
    pub number: u32,
    pub published_at: DateTime<Utc>,
    pub change_note: Text,
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Consultation {
    pub slug: String,
    pub title: Text,
    pub summary: Text,
    pub audience: Text,
    pub contact_email: Option<String>,
    pub agency: Named,
    /// At the time of the request.
    pub status: ConsultationStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub topics: Vec<Named>,
    /// Every published version, oldest first.
    pub versions: Vec<VersionSummary>,
    /// The latest published version with its clauses.
    pub current_version: Version,
    /// The page people read, in Arabic and in English.
    pub page_url: Text,
}

/// Published consultations, newest comment period first.
#[utoipa::path(
    get,
    path = paths::route::API_CONSULTATIONS,
    tag = "consultations",
    params(ListParams),
    responses(
        (status = 200, description = "One page of consultations", body = ConsultationPage),
        (status = 400, description = "A parameter is malformed", body = ApiError)
    )
)]
pub(super) async fn list_consultations(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ConsultationPage>, Failure> {
    let Query(params) = params.map_err(|e| Failure::BadRequest(e.body_text()))?;
    let status = match params.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match ConsultationStatus::parse(s) {
            Some(st) if st != ConsultationStatus::Draft => Some(st),
            _ => {
                return Err(Failure::BadRequest(
                    "status must be scheduled, open, closed or concluded".to_owned(),
                ))
            }
        },
    };
    let (page, per_page) = paging(params.page.as_deref(), params.per_page.as_deref())?;
    let query = ListQuery {
        agency: params.agency.filter(|s| !s.is_empty()),
        status,
        topic: params.topic.filter(|s| !s.is_empty()),
        page,
    };
    let page = consultations::list(&state.db, &query, state.clock.now(), per_page).await?;
    let pages = page.pages();
    Ok(Json(ConsultationPage {
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        pages,
        items: page
            .items
            .into_iter()
            .map(|c| ConsultationSummary {
                href: paths::api_consultation(&c.slug),
                slug: c.slug,
                title: c.title.into(),
                summary: c.summary.into(),
                agency: Named {
                    slug: c.agency_slug,
                    name: c.agency_name.into(),
                },
                status: c.status,
                opens_at: c.opens_at,
                closes_at: c.closes_at,
            })
            .collect(),
    }))
}

/// A consultation, its published versions and the clauses of the latest one.
#[utoipa::path(
    get,
    path = paths::route::API_CONSULTATION,
    tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's slug")),
    responses(
        (status = 200, description = "The consultation", body = Consultation),
        (status = 404, description = "No published consultation has this slug", body = ApiError)
    )
)]
pub(super) async fn get_consultation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Consultation>, Failure> {
    let (c, versions) = published(&state, &slug).await?;
    let latest = versions.last().ok_or(Failure::NotFound)?;
    let current_version = version_of(&state, &c.slug, latest).await?;
    let topics = consultations::topics_of(&state.db, c.id)
        .await?
        .into_iter()
        .map(|t| Named {
            slug: t.slug,
            name: t.name.into(),
        })
        .collect();
    let page = |lang: Lang| {
        Some(paths::absolute(
            &state.public_url,
            &paths::consultation(lang, &c.slug),
        ))
    };
    Ok(Json(Consultation {
        status: c.status_at(state.clock.now()),
        versions: versions
            .iter()
            .filter_map(|v| {
                Some(VersionSummary {
                    number: v.number,
                    published_at: v.published_at?,
                    change_note: v.change_note.clone().into(),
                    href: paths::api_version(&c.slug, v.number),
                })
            })
            .collect(),
        current_version,
        topics,
        page_url: Text {
            ar: page(Lang::Ar),
            en: page(Lang::En),
        },
        slug: c.slug,
        title: c.title.into(),
        summary: c.summary.into(),
        audience: c.audience.into(),
        contact_email: c.contact_email,
        agency: Named {
            slug: c.agency_slug,
            name: c.agency_name.into(),
        },
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        concluded_at: c.concluded_at,
    }))
}

/// One published version of a consultation, with its clauses.
#[utoipa::path(
    get,
    path = paths::route::API_VERSION,
    tag = "consultations",
    params(
        ("slug" = String, Path, description = "The consultation's slug"),
        ("number" = u32, Path, description = "The version number, from 1")
    ),
    responses(
        (status = 200, description = "The version and its clauses", body = Version),
        (status = 404, description = "No such published version", body = ApiError)
    )
)]
pub(super) async fn get_version(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Json<Version>, Failure> {
    let number: u32 = number.parse().map_err(|_| Failure::NotFound)?;
    let (c, versions) = published(&state, &slug).await?;
    let v = versions
        .iter()
        .find(|v| v.number == number)
        .ok_or(Failure::NotFound)?;
    Ok(Json(version_of(&state, &c.slug, v).await?))
}

async fn version_of(
    state: &AppState,
    slug: &str,
    v: &consultations::Version,
) -> Result<Version, Failure> {
    let published_at = v.published_at.ok_or(Failure::NotFound)?;
    let clauses = consultations::clauses(&state.db, v.id)
        .await?
        .into_iter()
        .map(|cl| Clause {
            key: cl.key,
            kind: cl.kind,
            level: cl.level,
            number: cl.number,
            text: cl.text.into(),
            html: cl.html.into(),
        })
        .collect();
    Ok(Version {
        consultation: slug.to_owned(),
        number: v.number,
        published_at,
        change_note: v.change_note.clone().into(),
        clauses,
    })
}
