//! Demo data so that a fresh portal has something to show: bilingual consultations
//! written for Shura (`demo.json`, in the exchange format), with every date moved so
//! that the file's `exported_at` is today.

use chrono::{DateTime, Utc};

use crate::ssr::consultations::store as consultations;
use crate::ssr::db::{Db, StoreError};
use crate::ssr::exchange;
use crate::ssr::exchange::ImportError;

/// The demo file, also importable with `shura import`.
pub const DEMO_JSON: &str = include_str!("demo.json");

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data: {0}")]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads the demo data if the database holds no consultation yet; returns whether it did.
pub async fn load_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool, DemoError> {
    if consultations::count(db).await? > 0 {
        return Ok(false);
    }
    let mut doc = exchange::parse(DEMO_JSON)?;
    if let Some(exported) = doc.exported_at {
        exchange::shift_dates(&mut doc, now - exported);
    }
    exchange::import(db, &doc, now).await?;
    Ok(true)
}
