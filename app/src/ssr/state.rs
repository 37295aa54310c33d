//! `AppState`: what every request handler and server function can reach.

use std::path::PathBuf;

use leptos::prelude::LeptosOptions;

use super::clock::Clock;
use crate::ssr::db::Db;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub leptos_options: LeptosOptions,
    /// Where the database (SQLite), search index, mail spool and uploads live.
    pub data_dir: PathBuf,
    /// The site's address as people reach it (no trailing slash), for links in emails.
    pub public_url: String,
    /// The search index in use (kept current by the indexer task).
    pub search: crate::ssr::search::Search,
    /// Seals and opens second-factor seeds.
    pub seeds: std::sync::Arc<crate::ssr::accounts::auth::seeds::SeedKey>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
