//! Full-text search over what was said: a tantivy index in the data directory,
//! derived from the database through `search_outbox` and rebuilt from it at will.
//! `analysis` (+ `arabic`) turns text into terms, the same way for documents and
//! queries; `index` holds the fields, the generations on disk and the documents;
//! `indexer` is the index's only writer; `query` reads a query and runs it; `store`
//! is the SQL.

pub mod analysis;
pub mod arabic;
pub mod bench;
pub mod index;
pub mod indexer;
pub mod query;
pub mod store;

use std::path::PathBuf;

pub use index::{IndexHome, Search};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index files: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::ssr::db::StoreError),
    #[error(
        "the search index in {} is in use by another process: give each `shura serve` its own SHURA_INDEX_DIR",
        .0.as_ref().map(|d| d.display().to_string()).unwrap_or_default()
    )]
    Busy(Option<PathBuf>),
    #[error("{} does not name a generation of the search index", .0.display())]
    BadCurrent(PathBuf),
    #[error("the search index in {} was never finished", .0.display())]
    NotBuilt(PathBuf),
    #[error("the search index has no writer")]
    NoWriter,
    #[error("search indexing task: {0}")]
    Task(String),
}
#[cfg(test)]
mod tests;
