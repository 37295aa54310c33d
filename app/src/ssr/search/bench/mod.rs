//! `shura bench search`: Shura's index against PostgreSQL full-text search and SQLite
//! FTS5 on the same generated corpus and the same queries, in one run.
//!
//! For each size: the build rate (documents per second, analysis included), the
//! index's size on disk, query latency p50/p99 over a fixed mix of queries (single
//! words, two words, phrases, filtered by consultation or outcome; facet counts by
//! consultation and outcome computed for every query, by every engine), and recall@10
//! on the judged set ([`judged`]). Shura's queries are asked of a real `shura serve`
//! process over HTTP (`GET /api/v1/search`, see the server's `bench` module), so its
//! latency is what a client sees and its peak memory is what serving the index costs.

pub mod corpus;
pub mod judged;
pub mod store;

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use self::corpus::{Doc, Generator, CONSULTATIONS, OUTCOMES};
use self::judged::{is_judged_word, JUDGED};
use super::analysis::analyse;
use super::index::{IndexHome, SearchIndex, Writer};
use super::store::ContributionDoc;
use super::SearchError;
use crate::domain::search::{Answer, SearchQuery};
use crate::domain::{ConsultationId, ContributionId};

/// One query of the mix or of the judged set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchQuery {
    pub text: String,
    pub consultation: Option<usize>,
    pub outcome: Option<String>,
}

impl BenchQuery {
    fn words(text: String) -> BenchQuery {
        BenchQuery {
            text,
            consultation: None,
            outcome: None,
        }
    }

    pub fn to_search(&self) -> SearchQuery {
        SearchQuery {
            q: self.text.clone(),
            consultation: self.consultation.map(|c| format!("c{c}")),
            outcome: self
                .outcome
                .as_deref()
                .and_then(Answer::parse)
                .into_iter()
                .collect(),
            page: 1,
            per_page: 10,
            ..SearchQuery::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the serving process: {0}")]
    Child(String),
}

/// What one engine did at one size.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EngineResult {
    pub engine: String,
    pub docs: usize,
    pub build_seconds: f64,
    pub index_bytes: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Over the judged set, and per kind of variation.
    pub recall: f64,
    pub recall_by_kind: Vec<(String, f64)>,
    /// Peak resident memory of the process answering the queries (Shura only).
    pub serving_rss_bytes: Option<u64>,
}

/// What serving reported: each mix query's time, the judged queries' first ten ids,
/// and the serving process's peak memory.
#[derive(Debug, Serialize, Deserialize)]
pub struct Served {
    pub micros: Vec<u64>,
    pub judged_top: Vec<Vec<i64>>,
    pub peak_rss_bytes: u64,
}

pub struct Options {
    pub sizes: Vec<usize>,
    pub queries: usize,
    pub postgres_url: Option<String>,
    pub sqlite: bool,
    /// Scratch space for the indexes (emptied first).
    pub work_dir: PathBuf,
    /// Serves the index built under the given home and asks it the mix (once untimed,
    /// once timed), then the judged queries.
    pub serve: Box<Serve>,
}

pub type Serve = dyn Fn(
        IndexHome,
        Vec<BenchQuery>,
        Vec<BenchQuery>,
    ) -> Pin<Box<dyn Future<Output = Result<Served, BenchError>> + Send>>
    + Sync;

/// The whole benchmark; `say` hears progress.
pub async fn run(opts: &Options, say: &dyn Fn(&str)) -> Result<Vec<EngineResult>, BenchError> {
    let judged_stems: HashSet<String> = JUDGED
        .iter()
        .flat_map(|j| std::iter::once(j.query).chain(j.forms.iter().copied()))
        .flat_map(analyse)
        .flat_map(|w| w.stems.into_iter().chain(std::iter::once(w.exact)))
        .collect();
    let excluded = |w: &str| is_judged_word(w, &judged_stems);
    let mut results = Vec::new();
    for &size in &opts.sizes {
        say(&format!("{size} contributions: generating"));
        let mut generator = Generator::new(2026, &excluded);
        let mut docs: Vec<Doc> = (1..=size as i64).map(|id| generator.doc(id)).collect();
        let relevant = plant(&mut generator, &mut docs);
        let mix = query_mix(&mut generator, opts.queries, &docs);
        let judged: Vec<BenchQuery> = JUDGED
            .iter()
            .map(|j| BenchQuery::words(j.query.to_owned()))
            .collect();

        say(&format!("{size}: Shura"));
        results.push(shura(opts, &docs, &mix, &judged, &relevant).await?);
        if let Some(url) = &opts.postgres_url {
            say(&format!("{size}: PostgreSQL"));
            let pg = store::PgFts::create(url).await?;
            let started = Instant::now();
            pg.load(&docs).await?;
            let build = started.elapsed().as_secs_f64();
            let index_bytes = pg.size().await?;
            let mut r = measure(
                "PostgreSQL FTS (arabic, GIN)",
                &mix,
                &judged,
                &relevant,
                |q| pg.search(q),
            )
            .await?;
            r.docs = docs.len();
            r.build_seconds = build;
            r.index_bytes = index_bytes;
            pg.drop_table().await?;
            results.push(r);
        }
        if opts.sqlite {
            say(&format!("{size}: SQLite FTS5"));
            let file = opts.work_dir.join(format!("fts5-{size}.db"));
            let _ = std::fs::remove_file(&file);
            let fts = store::SqliteFts::create(&file).await?;
            let started = Instant::now();
            fts.load(&docs).await?;
            let build = started.elapsed().as_secs_f64();
            let mut r = measure("SQLite FTS5 (unicode61)", &mix, &judged, &relevant, |q| {
                fts.search(q)
            })
            .await?;
            r.docs = docs.len();
            r.build_seconds = build;
            fts.close().await;
            r.index_bytes = file_size(&file) + file_size(&file.with_extension("db-wal"));
            let _ = std::fs::remove_file(&file);
            results.push(r);
        }
    }
    Ok(results)
}

/// Plants, for each judged query, one document per form its relevant documents use;
/// their ids, per judged query.
fn plant(generator: &mut Generator, docs: &mut Vec<Doc>) -> Vec<Vec<i64>> {
    let mut relevant = Vec::new();
    for j in JUDGED {
        let mut ids = Vec::new();
        for form in j.forms {
            let id = docs.len() as i64 + 1;
            let mut doc = generator.doc(id);
            let latin = form.is_ascii();
            let around = if latin {
                generator.english_text(40)
            } else {
                generator.arabic_text(40)
            };
            let mut words: Vec<&str> = around.split(' ').collect();
            let at = generator.rng().gen_range(0..=words.len());
            words.insert(at, form);
            doc.body = words.join(" ");
            ids.push(id);
            docs.push(doc);
        }
        relevant.push(ids);
    }
    relevant
}

/// The fixed mix: single words, two words, phrases, and words filtered by
/// consultation or by outcome.
fn query_mix(generator: &mut Generator, n: usize, docs: &[Doc]) -> Vec<BenchQuery> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let arabic = generator.rng().gen_bool(0.7);
        let word = |g: &mut Generator| {
            // Draw until a word with a stem: stopwords are not a query.
            loop {
                let w = g.word(arabic);
                if analyse(&w).iter().any(|x| !x.stems.is_empty()) {
                    return w;
                }
            }
        };
        let q = match i % 10 {
            0..=2 => BenchQuery::words(word(generator)),
            3..=4 => {
                let (a, b) = (word(generator), word(generator));
                BenchQuery::words(format!("{a} {b}"))
            }
            5..=6 => {
                // Two neighbouring words of some document, quoted.
                let doc = &docs[generator.rng().gen_range(0..docs.len())];
                let words: Vec<&str> = doc
                    .body
                    .split(|c: char| !c.is_alphanumeric() && !is_mark(c))
                    .filter(|w| w.chars().count() > 2)
                    .collect();
                if words.len() < 2 {
                    BenchQuery::words(word(generator))
                } else {
                    let at = generator.rng().gen_range(0..words.len() - 1);
                    BenchQuery::words(format!("\"{} {}\"", words[at], words[at + 1]))
                }
            }
            7..=8 => {
                let mut q = BenchQuery::words(word(generator));
                q.consultation = Some(generator.rng().gen_range(0..CONSULTATIONS));
                q
            }
            _ => {
                let mut q = BenchQuery::words(word(generator));
                q.outcome = Some(OUTCOMES[generator.rng().gen_range(0..OUTCOMES.len())].to_owned());
                q
            }
        };
        out.push(q);
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}')
}

/// Times `search` over the mix (after one untimed pass) and computes recall.
async fn measure<'a, F, Fut>(
    engine: &str,
    mix: &'a [BenchQuery],
    judged: &'a [BenchQuery],
    relevant: &[Vec<i64>],
    search: F,
) -> Result<EngineResult, BenchError>
where
    F: Fn(&'a BenchQuery) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<i64>, sqlx::Error>>,
{
    for q in mix {
        search(q).await?;
    }
    let mut micros = Vec::with_capacity(mix.len());
    for q in mix {
        let started = Instant::now();
        search(q).await?;
        micros.push(started.elapsed().as_micros() as u64);
    }
    let mut top = Vec::with_capacity(judged.len());
    for q in judged {
        top.push(search(q).await?);
    }
    Ok(summarise(engine, &micros, &top, relevant, None))
}

fn summarise(
    engine: &str,
    micros: &[u64],
    judged_top: &[Vec<i64>],
    relevant: &[Vec<i64>],
    rss: Option<u64>,
) -> EngineResult {
    let mut sorted = micros.to_vec();
    sorted.sort_unstable();
    let pct = |p: f64| {
        if sorted.is_empty() {
            return 0.0;
        }
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[i] as f64 / 1000.0
    };
    let mut by_kind: Vec<(String, f64, usize)> = Vec::new();
    let mut total = 0.0;
    for ((j, top), rel) in JUDGED.iter().zip(judged_top).zip(relevant) {
        let want = rel.len().clamp(1, 10);
        let found = rel.iter().filter(|id| top.contains(id)).count().min(want);
        let r = found as f64 / want as f64;
        total += r;
        match by_kind.iter_mut().find(|(k, _, _)| k == j.kind) {
            Some(entry) => {
                entry.1 += r;
                entry.2 += 1;
            }
            None => by_kind.push((j.kind.to_owned(), r, 1)),
        }
    }
    EngineResult {
        engine: engine.to_owned(),
        docs: 0,
        build_seconds: 0.0,
        index_bytes: 0,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        recall: total / JUDGED.len() as f64,
        recall_by_kind: by_kind
            .into_iter()
            .map(|(k, sum, n)| (k, sum / n as f64))
            .collect(),
        serving_rss_bytes: rss,
    }
}

/// Builds Shura's index of `docs` in the work folder as a server finds it (a
/// generation made current), then has it served and asked the queries.
async fn shura(
    opts: &Options,
    docs: &[Doc],
    mix: &[BenchQuery],
    judged: &[BenchQuery],
    relevant: &[Vec<i64>],
) -> Result<EngineResult, BenchError> {
    let home = IndexHome(opts.work_dir.join(format!("shura-{}", docs.len())));
    let _ = std::fs::remove_dir_all(&home.0);
    let started = Instant::now();
    let dir = home.new_generation()?;
    {
        let index = SearchIndex::open_or_create(&dir)?;
        let mut writer = index.writer(2, 512_000_000)?;
        let base = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap_or_default();
        let w: &Writer = &writer;
        let (first, second) = docs.split_at(docs.len() / 2);
        std::thread::scope(|s| -> Result<(), SearchError> {
            let other = s.spawn(|| add(w, second, base));
            add(w, first, base)?;
            other
                .join()
                .map_err(|_| SearchError::Task("indexing thread panicked".into()))?
        })?;
        writer.commit(super::index::Payload {
            seq: 0,
            analysis: super::index::ANALYSIS_VERSION,
        })?;
        writer.finish()?;
    }
    home.make_current(&dir)?;
    let build = started.elapsed().as_secs_f64();
    let index_bytes = dir_size(&dir);

    let served = (opts.serve)(home.clone(), mix.to_vec(), judged.to_vec()).await?;
    let mut r = summarise(
        "Shura (tantivy)",
        &served.micros,
        &served.judged_top,
        relevant,
        Some(served.peak_rss_bytes),
    );
    r.docs = docs.len();
    r.build_seconds = build;
    r.index_bytes = index_bytes;
    let _ = std::fs::remove_dir_all(&home.0);
    Ok(r)
}

fn add(w: &Writer, docs: &[Doc], base: DateTime<Utc>) -> Result<(), SearchError> {
    for d in docs {
        let doc = ContributionDoc {
            id: ContributionId(d.id),
            root_id: ContributionId(d.root),
            consultation_id: ConsultationId(d.consultation as i64 + 1),
            consultation_slug: format!("c{}", d.consultation),
            agency_slug: format!("a{}", d.consultation % 5),
            clause_key: None,
            version: 1,
            channel: d.channel.to_owned(),
            speaker: d.speaker.to_owned(),
            outcome: d.outcome.to_owned(),
            body: d.body.clone(),
            created_at: base + Duration::seconds(d.id),
            searchable: true,
        };
        w.add_contribution(&doc, format!("contribution:{}", d.id))?;
    }
    Ok(())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| e.metadata().map_or(0, |m| m.len()))
            .sum()
    })
}

/// The report: one table per size, then recall by kind of variation.
pub fn report(results: &[EngineResult]) -> String {
    let mut out = String::new();
    let mut sizes: Vec<usize> = results.iter().map(|r| r.docs).collect();
    sizes.dedup();
    for size in sizes {
        out.push_str(&format!(
            "\n#### {size} contributions\n\n| engine | build (docs/s) | index | p50 | p99 | recall@10 | peak RSS, serving |\n|---|---|---|---|---|---|---|\n"
        ));
        for r in results.iter().filter(|r| r.docs == size) {
            out.push_str(&format!(
                "| {} | {:.0} ({:.1} s) | {:.1} MB | {:.2} ms | {:.2} ms | {:.2} | {} |\n",
                r.engine,
                r.docs as f64 / r.build_seconds.max(1e-9),
                r.build_seconds,
                r.index_bytes as f64 / 1e6,
                r.p50_ms,
                r.p99_ms,
                r.recall,
                r.serving_rss_bytes
                    .map_or("—".to_owned(), |b| format!("{:.0} MB", b as f64 / 1e6)),
            ));
        }
    }
    if let Some(largest) = results.iter().map(|r| r.docs).max() {
        let at: Vec<&EngineResult> = results.iter().filter(|r| r.docs == largest).collect();
        out.push_str(&format!(
            "\n#### Recall@10 by kind of variation ({largest})\n\n| kind |"
        ));
        for r in &at {
            out.push_str(&format!(" {} |", r.engine));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(at.len()));
        out.push('\n');
        if let Some(first) = at.first() {
            for (kind, _) in &first.recall_by_kind {
                out.push_str(&format!("| {kind} |"));
                for r in &at {
                    let v = r
                        .recall_by_kind
                        .iter()
                        .find(|(k, _)| k == kind)
                        .map_or(0.0, |(_, v)| *v);
                    out.push_str(&format!(" {v:.2} |"));
                }
                out.push('\n');
            }
        }
    }
    out
}
