//! The indexer: the index's only writer. It applies `search_outbox` in batches and
//! commits the sequence it reached with the documents, so a restart goes on from
//! there and re-applying a row only replaces a document (nothing is indexed twice).
//! It rebuilds the index from the database when there is none, or one made by an
//! older analysis, and follows a generation another process built (`shura reindex`).
//!
//! With PostgreSQL, a transaction may take its sequence number before another and
//! commit after it; the indexer remembers the numbers it passed without seeing
//! (gaps) and looks for them again until [`GAP_PATIENCE`] has passed (a rolled-back
//! transaction never fills its number). The committed sequence stays below the
//! oldest gap, so after a restart those rows are read again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::index::{IndexHome, Payload, Search, SearchIndex, Writer, ANALYSIS_VERSION};
use super::store::{self, Changed};
use super::SearchError;
use crate::domain::{ConsultationId, ContributionId};
use crate::ssr::clock::Clock;
use crate::ssr::db::Db;

/// Outbox rows read at a time.
const BATCH: i64 = 1000;
/// How long a sequence number passed without its row is looked for again.
pub const GAP_PATIENCE: Duration = Duration::seconds(60);
/// The serving writer's memory (one thread): the index's RSS stays small.
const SERVING_MEMORY: usize = 50_000_000;
/// A rebuild's writer: two threads, more memory, fewer segments.
const REBUILD_THREADS: usize = 2;
const REBUILD_MEMORY: usize = 256_000_000;
/// Contributions read from the database at a time by a rebuild.
const REBUILD_PAGE: i64 = 5000;
/// How long applied outbox rows are kept: an index offline for longer is rebuilt.
pub const OUTBOX_KEEP: Duration = Duration::days(7);
const PRUNE_EVERY: Duration = Duration::hours(1);

pub struct Indexer {
    home: Option<IndexHome>,
    search: Search,
    index: Arc<SearchIndex>,
    writer: Option<Writer>,
    /// Every row up to here is applied.
    watermark: i64,
    /// The highest row applied.
    high: i64,
    /// Numbers between `watermark` and `high` not seen yet, and when first missed.
    gaps: BTreeMap<i64, DateTime<Utc>>,
    /// Whether the index must be rebuilt before tailing (none yet, or another analysis).
    needs_rebuild: bool,
    /// An index opened from an earlier run whose outbox rows may since have been pruned.
    from_earlier_run: bool,
    pruned_at: Option<DateTime<Utc>>,
}

impl Indexer {
    /// Opens the generation in use under `home` for reading and writing. When there is
    /// none (or it must be rebuilt) readers get an empty index until the first
    /// [`Indexer::round`] has rebuilt it.
    pub fn open(home: IndexHome) -> Result<Indexer, SearchError> {
        let opened = match home.current() {
            Ok(Some(dir)) => SearchIndex::open_or_create(&dir).and_then(|index| {
                let payload = index.payload()?;
                let writer = index.writer(1, SERVING_MEMORY)?;
                Ok((index, payload, Some(writer)))
            }),
            Ok(None) => Err(SearchError::NotBuilt(home.0.clone())),
            Err(e) => Err(e),
        };
        let (index, payload, writer) = match opened {
            Ok(opened) => opened,
            // Another process serves from it: starting a second writer would corrupt it.
            Err(busy @ SearchError::Busy(_)) => return Err(busy),
            Err(e) => {
                // The index is derived data: one that cannot be read is rebuilt from
                // the database (readers get an empty index until then).
                if !matches!(e, SearchError::NotBuilt(_)) {
                    tracing::warn!(error = %e, "search index unreadable: rebuilding it from the database");
                }
                (SearchIndex::in_memory()?, None, None)
            }
        };
        let index = Arc::new(index);
        let seq = payload.map_or(0, |p| p.seq);
        Ok(Indexer {
            home: Some(home),
            search: Search::new_shared(Arc::clone(&index)),
            index,
            writer,
            watermark: seq,
            high: seq,
            gaps: BTreeMap::new(),
            needs_rebuild: payload.is_none(),
            from_earlier_run: payload.is_some(),
            pruned_at: None,
        })
    }

    /// An indexer of an index in memory (tests): built from the database on its first
    /// round.
    pub fn in_memory() -> Result<Indexer, SearchError> {
        let index = Arc::new(SearchIndex::in_memory()?);
        let writer = Some(index.writer(1, SERVING_MEMORY)?);
        Ok(Indexer {
            home: None,
            search: Search::new_shared(Arc::clone(&index)),
            index,
            writer,
            watermark: 0,
            high: 0,
            gaps: BTreeMap::new(),
            needs_rebuild: true,
            from_earlier_run: false,
            pruned_at: None,
        })
    }

    /// The handle readers search through (it follows rebuilds).
    pub fn search(&self) -> Search {
        self.search.clone()
    }

    /// Brings the index up to date with the database: a rebuild if one is needed, a
    /// generation another process built, then the outbox. Returns the rows applied.
    pub async fn round(&mut self, db: &Db, now: DateTime<Utc>) -> Result<usize, SearchError> {
        if std::mem::take(&mut self.from_earlier_run) {
            // Rows after the commit that were pruned while no indexer ran cannot be
            // applied: the whole index is rebuilt instead.
            let oldest = store::oldest_seq(db).await?;
            if oldest.is_some_and(|oldest| self.watermark < oldest - 1) {
                tracing::info!("search outbox pruned past the index's commit: rebuilding");
                self.needs_rebuild = true;
            }
        }
        if self.pruned_at.is_none_or(|at| now - at >= PRUNE_EVERY) {
            store::prune(db, now - OUTBOX_KEEP).await?;
            self.pruned_at = Some(now);
        }
        if self.needs_rebuild {
            self.rebuild(db, now).await?;
        } else {
            self.follow_current()?;
        }
        self.tail(db, now).await
    }

    /// Rebuilds from the database into a new generation (or, in memory, into the one
    /// index) and swaps readers over to it.
    async fn rebuild(&mut self, db: &Db, now: DateTime<Utc>) -> Result<(), SearchError> {
        match self.home.clone() {
            Some(home) => {
                let dir = rebuild(db, &home, now, |_| {}).await?;
                self.switch_to(dir)?;
                tracing::info!(generation = %self.index.dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default(), "search index rebuilt from the database");
            }
            None => {
                let writer = self.writer.as_mut().ok_or(SearchError::NoWriter)?;
                writer.delete_everything()?;
                let seq = fill(db, writer, now, &|_| {}).await?;
                self.index.reload()?;
                (self.watermark, self.high) = (seq, seq);
                self.gaps.clear();
            }
        }
        self.needs_rebuild = false;
        Ok(())
    }

    /// Switches to the generation `CURRENT` names when another process made a new one.
    fn follow_current(&mut self) -> Result<(), SearchError> {
        let Some(home) = &self.home else {
            return Ok(());
        };
        match home.current()? {
            Some(dir) if Some(&dir) != self.index.dir.as_ref() => self.switch_to(dir),
            _ => Ok(()),
        }
    }

    fn switch_to(&mut self, dir: PathBuf) -> Result<(), SearchError> {
        // Let go of the old generation's lock before taking the new one's.
        self.writer = None;
        let index = SearchIndex::open_or_create(&dir)?;
        let payload = index.payload()?.ok_or(SearchError::NotBuilt(dir.clone()))?;
        self.writer = Some(index.writer(1, SERVING_MEMORY)?);
        let index = Arc::new(index);
        self.search.replace(Arc::clone(&index));
        self.index = index;
        (self.watermark, self.high) = (payload.seq, payload.seq);
        self.gaps.clear();
        if let Some(home) = &self.home {
            home.sweep(&dir);
        }
        Ok(())
    }

    /// Applies the outbox rows not applied yet.
    async fn tail(&mut self, db: &Db, now: DateTime<Utc>) -> Result<usize, SearchError> {
        let mut rows = Vec::new();
        loop {
            let after = rows.last().map_or(self.high, |r: &store::OutboxRow| r.seq);
            let batch = store::rows_after(db, after, BATCH).await?;
            let full = batch.len() as i64 == BATCH;
            rows.extend(batch);
            if !full {
                break;
            }
        }
        let gaps: Vec<i64> = self.gaps.keys().copied().collect();
        rows.extend(store::rows_in(db, &gaps).await?);
        let expired = self
            .gaps
            .values()
            .any(|first_missed| now - *first_missed > GAP_PATIENCE);
        if rows.is_empty() && !expired {
            return Ok(0);
        }

        let mut changed = BTreeSet::new();
        for row in &rows {
            if row.seq > self.high {
                for missing in self.high + 1..row.seq {
                    self.gaps.insert(missing, now);
                }
                self.high = row.seq;
            }
            self.gaps.remove(&row.seq);
            changed.insert(key(row.changed));
        }
        self.gaps
            .retain(|_, first_missed| now - *first_missed <= GAP_PATIENCE);
        self.watermark = self
            .gaps
            .keys()
            .next()
            .map_or(self.high, |oldest| oldest - 1);

        let writer = self.writer.as_ref().ok_or(SearchError::NoWriter)?;
        apply(db, writer, changed).await?;
        let payload = Payload {
            seq: self.watermark,
            analysis: ANALYSIS_VERSION,
        };
        let mut writer = self.writer.take().ok_or(SearchError::NoWriter)?;
        let index = Arc::clone(&self.index);
        let (writer, committed) = tokio::task::spawn_blocking(move || {
            let committed = writer.commit(payload).and_then(|()| index.reload());
            (writer, committed)
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?;
        self.writer = Some(writer);
        committed?;
        Ok(rows.len())
    }
}

/// Outbox changes in the order they are applied: consultations, then contributions.
fn key(c: Changed) -> (u8, i64) {
    match c {
        Changed::Consultation(id) => (0, id.0),
        Changed::Contribution(id) => (1, id.0),
    }
}

/// Puts each changed thing in the index as the database has it now.
async fn apply(db: &Db, writer: &Writer, changed: BTreeSet<(u8, i64)>) -> Result<(), SearchError> {
    let mut contributions = Vec::new();
    for (kind, id) in changed {
        if kind == 0 {
            match store::consultation(db, ConsultationId(id)).await? {
                Some(c) => writer.put_consultation(&c)?,
                None => writer.remove_consultation(ConsultationId(id)),
            }
        } else {
            contributions.push(ContributionId(id));
        }
    }
    for ids in contributions.chunks(500) {
        let docs = store::contributions(db, ids).await?;
        for id in ids {
            match docs.iter().find(|d| d.id == *id) {
                Some(doc) => writer.put_contribution(doc)?,
                None => writer.remove_contribution(*id),
            }
        }
    }
    Ok(())
}

/// Writes every searchable thing in the database to `writer` and commits; the
/// sequence the commit records. `progress` hears the contributions written so far.
async fn fill(
    db: &Db,
    writer: &mut Writer,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<i64, SearchError> {
    // Rows older than this were written by transactions long finished: everything they
    // changed is in what is read below. Younger ones are applied again by tailing.
    let seq = store::settled_seq(db, now - GAP_PATIENCE).await?;
    for id in store::public_consultation_ids(db).await? {
        if let Some(c) = store::consultation(db, id).await? {
            writer.add_consultation(&c, &format!("consultation:{}", c.id))?;
        }
    }
    let mut after = ContributionId(0);
    let mut done = 0u64;
    loop {
        let page = store::searchable_contributions_after(db, after, REBUILD_PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        let w: &Writer = writer;
        // Analysis is most of the work: both cores share it.
        let (first, second) = page.split_at(page.len() / 2);
        std::thread::scope(|s| -> Result<(), SearchError> {
            let other = s.spawn(|| add_all(w, second));
            add_all(w, first)?;
            other
                .join()
                .map_err(|_| SearchError::Task("indexing thread panicked".into()))?
        })?;
        done += page.len() as u64;
        progress(done);
    }
    writer.commit(Payload {
        seq,
        analysis: ANALYSIS_VERSION,
    })?;
    Ok(seq)
}

fn add_all(w: &Writer, docs: &[store::ContributionDoc]) -> Result<(), SearchError> {
    for d in docs {
        w.add_contribution(d, format!("contribution:{}", d.id))?;
    }
    Ok(())
}

/// Builds a new generation under `home` from the database and makes it current (the
/// server, if one runs, swaps to it on its next round). Returns its folder.
/// `progress` hears how many contributions are in so far.
pub async fn rebuild(
    db: &Db,
    home: &IndexHome,
    now: DateTime<Utc>,
    progress: impl Fn(u64) + Sync,
) -> Result<PathBuf, SearchError> {
    let dir = home.new_generation()?;
    let index = SearchIndex::open_or_create(&dir)?;
    let mut writer = index.writer(REBUILD_THREADS, REBUILD_MEMORY)?;
    fill(db, &mut writer, now, &progress).await?;
    let finished = tokio::task::spawn_blocking(move || writer.finish())
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?;
    finished?;
    home.make_current(&dir)?;
    Ok(dir)
}

/// How many contributions a rebuild will write (for a progress bar).
pub async fn contributions_to_index(db: &Db) -> Result<u64, SearchError> {
    Ok(store::count_searchable_contributions(db).await?)
}

/// Runs until `shutdown` turns true: a round every `interval`.
pub async fn run(
    mut indexer: Indexer,
    db: Db,
    clock: Clock,
    interval: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(err) = indexer.round(&db, clock.now()).await {
            tracing::error!(error = %err, "search index not brought up to date");
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => return,
        }
    }
}
