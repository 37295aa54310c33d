//! Operational endpoints.

use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok" })),
        ),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}

/// `GET /bench/ceiling` (only with `SHURA_BENCH=1`): a fixed 1 KB body, nothing read or
/// written. Served through every layer a page passes, it is what the machine can do at
/// best, the benchmark's yardstick for the pages (BENCHMARKS.md).
pub async fn ceiling() -> &'static str {
    const KB: &str = concat!(
        "Shura benchmark ceiling: a fixed body of exactly one kilobyte, served through ",
        "every layer a page passes (sessions, security headers, compression, request ids) ",
        "and nothing else: no database, no rendering. "
    );
    static BODY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut body = KB.repeat(1024 / KB.len() + 1);
        body.truncate(1023);
        body.push('\n');
        body
    });
    &BODY
}
