//! Every contribution of a consultation as CSV, one row each, for spreadsheets and
//! analysis (`GET /api/v1/consultations/{slug}/contributions.csv`); the columns are
//! documented in `docs/open-data.md`.

use std::collections::HashMap;

use app::domain::{ContributionId, ResponseId};
use app::paths;
use app::ssr::responses::store as responses;
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{published, ApiError, Failure};

/// The header row, in order.
pub const COLUMNS: [&str; 15] = [
    "id",
    "parent_id",
    "version",
    "clause",
    "channel",
    "speaker_kind",
    "organisation",
    "created_at",
    "status",
    "outcome",
    "reasons_ar",
    "reasons_en",
    "responded_at",
    "response_id",
    "changed_clauses",
];

/// Every contribution of a consultation, one row each (hidden and withdrawn ones
/// keep their row, with their status; no text is included).
#[utoipa::path(
    get,
    path = paths::route::API_CONTRIBUTIONS_CSV,
    tag = "contributions",
    params(("slug" = String, Path, description = "The consultation's slug")),
    responses(
        (status = 200, description = "UTF-8 CSV with a header row (see docs/open-data.md)", content_type = "text/csv"),
        (status = 404, description = "No such published consultation", body = ApiError)
    )
)]
pub(super) async fn contributions_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, Failure> {
    let (c, _) = published(&state, &slug).await?;
    let rows = responses::export_rows(&state.db, c.id).await?;
    let mut changed: HashMap<ResponseId, Vec<String>> = HashMap::new();
    for cite in responses::citations(&state.db, c.id).await? {
        let v = changed.entry(cite.response_id).or_default();
        let entry = match &cite.clause_key {
            Some(k) => format!("{}:{k}", cite.version),
            None => cite.version.to_string(),
        };
        if !v.contains(&entry) {
            v.push(entry);
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "csv export");
        Failure::Internal
    };
    out.write_record(COLUMNS).map_err(fail)?;
    let id = |x: Option<ContributionId>| x.map(|i| i.to_string()).unwrap_or_default();
    for r in rows {
        let speaker = r
            .org_kind
            .clone()
            .unwrap_or_else(|| "individual".to_owned());
        let changes = r
            .response_id
            .and_then(|rid| changed.get(&rid))
            .map(|v| v.join(";"))
            .unwrap_or_default();
        out.write_record([
            r.id.to_string(),
            id(r.parent_id),
            r.version.to_string(),
            r.clause_key.map(|k| k.to_string()).unwrap_or_default(),
            r.channel,
            speaker,
            // Typed by people: a spreadsheet must not read it as a formula.
            super::super::spreadsheet_cell(&r.org_name.unwrap_or_default()),
            r.created_at.to_rfc3339(),
            r.status,
            r.outcome.unwrap_or_default(),
            r.reasons_ar.unwrap_or_default(),
            r.reasons_en.unwrap_or_default(),
            r.answered_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.response_id.map(|i| i.to_string()).unwrap_or_default(),
            changes,
        ])
        .map_err(fail)?;
    }
    let body = out.into_inner().map_err(|e| {
        tracing::error!(error = %e, "csv export");
        Failure::Internal
    })?;
    let disposition = format!("attachment; filename=\"{}-contributions.csv\"", c.slug);
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
