//! Server functions for consultations: thin wrappers over the store.

use leptos::prelude::*;

use crate::domain::ConsultationCard;
use crate::error::AppError;

/// How many open consultations the home page lists.
pub const HOME_PAGE_LIMIT: i64 = 50;

/// The consultations open for comment right now, closing soonest first.
#[server(prefix = "/api/fn", endpoint = "open_consultations")]
pub async fn open_consultations() -> Result<Vec<ConsultationCard>, AppError> {
    use crate::ssr::{context::app_state, store::consultations};
    let state = app_state()?;
    Ok(consultations::list_open(&state.db, state.clock.now(), HOME_PAGE_LIMIT).await?)
}
