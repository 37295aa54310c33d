//! Contributions and their threads.

use app::domain::contribution::{Attribution, Channel, ContributionStatus, OrgKind, Speaker};
use app::domain::response::Outcome;
use app::domain::{ClauseKey, ContributionId, ResponseId};
use app::paths;
use app::ssr::consultations::store as consultations;
use app::ssr::contributions::read::{self, Audience, ContributionRead};
use app::ssr::contributions::store as contributions;
use app::ssr::responses::store as responses;
use app::ssr::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{paging, published, ApiError, Failure, Text};

/// On whose behalf a contribution was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct Organisation {
    pub name: String,
    pub kind: OrgKind,
}

/// Who wrote a response, as the agency's record shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Responder {
    pub name: String,
    /// The role by which they speak for the agency: `agency_staff` or `agency_admin`.
    pub role: Option<String>,
    /// The decision by which the agency authorised them.
    pub mandate: Option<String>,
}

impl From<&responses::Responder> for Responder {
    fn from(r: &responses::Responder) -> Self {
        Responder {
            name: r.name.clone(),
            role: r.role.map(|k| k.code().to_owned()),
            mandate: r.mandate.clone(),
        }
    }
}

/// A clause of a later version that changed because of a response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedClause {
    pub version: u32,
    /// Null: the version as a whole.
    pub clause_key: Option<ClauseKey>,
    /// The clause's number in `version`; null for a clause that version removed.
    pub clause_number: Option<u32>,
}

/// An earlier text of a revised response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    pub revision: u32,
    pub outcome: Outcome,
    pub reasons: Text,
    /// Null: from the agency's own records.
    pub responder: Option<Responder>,
    pub written_at: DateTime<Utc>,
}

/// The agency's documented response to a contribution.
#[derive(Debug, Serialize, ToSchema)]
pub struct Response {
    /// The response's id: contributions answered together share it.
    #[schema(value_type = i64)]
    pub id: ResponseId,
    pub outcome: Outcome,
    pub reasons: Text,
    /// Null: from the agency's own records, imported.
    pub responder: Option<Responder>,
    /// Every contribution the response answers (more than one: a group response).
    #[schema(value_type = Vec<i64>)]
    pub answers: Vec<ContributionId>,
    /// The clauses of later versions that changed because of it.
    pub changes: Vec<ChangedClause>,
    /// The first of `changes`: its version (kept for clients of the first API).
    pub changed_version: Option<u32>,
    /// The first of `changes`: its clause key.
    pub changed_clause: Option<ClauseKey>,
    /// When this contribution was answered.
    pub responded_at: DateTime<Utc>,
    /// 1 for a response never revised.
    pub revision: u32,
    /// When the current text was written, if it was revised.
    pub revised_at: Option<DateTime<Utc>>,
    /// The earlier texts, oldest first.
    pub revisions: Vec<Revision>,
}

impl From<&responses::Answer> for Response {
    fn from(a: &responses::Answer) -> Self {
        let r = &a.response;
        Response {
            id: r.id,
            outcome: r.written.outcome,
            reasons: r.written.reasons.clone().into(),
            responder: r.written.responder.as_ref().map(Responder::from),
            answers: r.members.clone(),
            changes: r
                .changes
                .iter()
                .map(|c| ChangedClause {
                    version: c.version,
                    clause_key: c.clause_key.clone(),
                    clause_number: c.clause_number,
                })
                .collect(),
            changed_version: r.changes.first().map(|c| c.version),
            changed_clause: r.changes.first().and_then(|c| c.clause_key.clone()),
            responded_at: a.answered_at,
            revision: r.revision,
            revised_at: (r.revision > 1).then_some(r.updated_at),
            revisions: r
                .earlier
                .iter()
                .map(|e| Revision {
                    revision: e.revision,
                    outcome: e.written.outcome,
                    reasons: e.written.reasons.clone().into(),
                    responder: e.written.responder.as_ref().map(Responder::from),
                    written_at: e.written_at,
                })
                .collect(),
        }
    }
}

/// A contribution. Hidden and withdrawn ones keep their place with `body` null.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contribution {
    #[schema(value_type = i64)]
    pub id: ContributionId,
    /// The contribution it answers, if it is a reply.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<ContributionId>,
    /// The first contribution of its thread.
    #[schema(value_type = i64)]
    pub thread_id: ContributionId,
    pub consultation: String,
    /// The version that was current when it was written.
    pub version: u32,
    /// The clause it is about (null: the draft as a whole), as numbered in `version`.
    pub clause_key: Option<ClauseKey>,
    pub clause_number: Option<u32>,
    /// The author's display name; null once their account is deleted.
    pub author: Option<String>,
    pub on_behalf_of: Option<Organisation>,
    /// `online` for posts on this site; the others for what the agency received
    /// elsewhere and entered.
    pub channel: Channel,
    /// For what the agency received elsewhere and entered: where, when and how its
    /// author is named; null for posts on this site.
    pub received: Option<Received>,
    /// `hidden` by a moderator, `withdrawn` by its author: then `body` is null.
    pub status: ContributionStatus,
    /// Plain text, paragraphs separated by a blank line.
    pub body: Option<String>,
    pub supports: i64,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// The agency's response, once it has given one.
    pub response: Option<Response>,
    pub href: String,
}

/// How a contribution that reached the agency off the portal was received.
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    /// The workshop it was said at (`GET /api/v1/workshops/{id}`).
    #[schema(value_type = Option<i64>)]
    pub workshop_id: Option<app::domain::WorkshopId>,
    /// The day it was said or received, in the agency's time zone.
    #[schema(value_type = String, format = Date)]
    pub received_on: chrono::NaiveDate,
    /// `named` (its author agreed to be named: `author`), `anonymous` ("a member of
    /// the public", `author` null) or `group` (a workshop's group feedback).
    pub attribution: Attribution,
    /// Where it can be read, for named authors only.
    pub source_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionPage {
    pub items: Vec<Contribution>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
}

/// A contribution with the whole thread it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionThread {
    pub contribution: Contribution,
    /// The thread depth-first from its first contribution, this one included.
    pub thread: Vec<Contribution>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionParams {
    /// Only contributions about this clause (its key).
    pub clause: Option<String>,
    #[param(value_type = Option<ContributionStatus>)]
    pub status: Option<String>,
    /// How they reached the agency.
    #[param(value_type = Option<Channel>)]
    pub channel: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// Contributions per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

fn out(slug: &str, x: ContributionRead) -> Contribution {
    Contribution {
        response: x.response.as_ref().map(Response::from),
        href: paths::api_contribution(x.id),
        id: x.id,
        parent_id: x.parent,
        thread_id: x.thread,
        consultation: slug.to_owned(),
        version: x.version,
        clause_number: x.clause.as_ref().and_then(|cl| cl.number),
        clause_key: x.clause.map(|cl| cl.key),
        author: x.author,
        on_behalf_of: match x.speaker {
            Speaker::Organisation { name, kind } => Some(Organisation { name, kind }),
            Speaker::Individual => None,
        },
        channel: x.channel,
        received: x.received.map(|r| Received {
            workshop_id: r.workshop,
            received_on: r.received_on,
            attribution: r.attribution,
            source_url: r.source_url,
        }),
        status: x.status,
        body: x.body,
        supports: x.supports,
        created_at: x.created_at,
        edited_at: x.edited_at,
    }
}

/// Contributions to a consultation in the order they were written, replies included.
#[utoipa::path(
    get,
    path = paths::route::API_CONTRIBUTIONS,
    tag = "contributions",
    params(("slug" = String, Path, description = "The consultation's slug"), ContributionParams),
    responses(
        (status = 200, description = "One page of contributions", body = ContributionPage),
        (status = 400, description = "A parameter is malformed", body = ApiError),
        (status = 404, description = "No published consultation has this slug", body = ApiError)
    )
)]
pub(super) async fn list_contributions(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    params: Result<Query<ContributionParams>, QueryRejection>,
) -> Result<Json<ContributionPage>, Failure> {
    let Query(params) = params.map_err(|e| Failure::BadRequest(e.body_text()))?;
    let (c, _) = published(&state, &slug).await?;
    let status = match params.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ContributionStatus::parse(s).ok_or_else(|| {
            Failure::BadRequest("status must be published, hidden or withdrawn".to_owned())
        })?),
    };
    let channel = match params.channel.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Channel::parse(s).ok_or_else(|| {
            let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            Failure::BadRequest(format!("channel must be one of {}", known.join(", ")))
        })?),
    };
    let clause = match params.clause.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<ClauseKey>()
                .map_err(|e| Failure::BadRequest(format!("clause: {e}")))?,
        ),
    };
    let (page, per_page) = paging(params.page.as_deref(), params.per_page.as_deref())?;
    let (total, list) = contributions::list(
        &state.db,
        c.id,
        clause.as_ref(),
        status,
        channel,
        page,
        per_page,
    )
    .await?;
    let list = read::read(&state.db, list, Audience::Public).await?;
    Ok(Json(ContributionPage {
        pages: u32::try_from(total.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX),
        items: list.into_iter().map(|x| out(&c.slug, x)).collect(),
        page,
        per_page,
        total,
    }))
}

/// One contribution with its thread.
#[utoipa::path(
    get,
    path = paths::route::API_CONTRIBUTION,
    tag = "contributions",
    params(("id" = i64, Path, description = "The contribution's id")),
    responses(
        (status = 200, description = "The contribution and its thread", body = ContributionThread),
        (status = 404, description = "No such contribution on a published consultation", body = ApiError)
    )
)]
pub(super) async fn get_contribution(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ContributionThread>, Failure> {
    let id = ContributionId(id.parse().map_err(|_| Failure::NotFound)?);
    let x = contributions::by_id(&state.db, id)
        .await?
        .ok_or(Failure::NotFound)?;
    let c = consultations::by_id(&state.db, x.consultation_id)
        .await?
        .ok_or(Failure::NotFound)?;
    let (c, _) = published(&state, &c.slug).await?;
    let thread = contributions::thread(&state.db, x.root_id).await?;
    let thread = read::read(&state.db, thread, Audience::Public).await?;
    let contribution = thread
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or(Failure::NotFound)?;
    Ok(Json(ContributionThread {
        contribution: out(&c.slug, contribution),
        thread: thread.into_iter().map(|t| out(&c.slug, t)).collect(),
    }))
}
