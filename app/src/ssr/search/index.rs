//! The index: its fields, where it lives on disk, and the documents written to it.
//!
//! The index lives in generations under its home (`data/index/` by default):
//! `CURRENT` names the generation in use. A rebuild writes a new generation beside it
//! and then replaces `CURRENT` (a rename, so atomic); a serving process notices and
//! swaps to it. Each commit carries the outbox sequence applied so far (see
//! [`Payload`]), so whoever opens the index knows where to go on from.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analysis::{analysed_words, language_of, AnalysedWord};
use super::store::{ConsultationDoc, ContributionDoc};
use super::SearchError;
use crate::ssr::consultations::markdown::plain_text;

/// Bumped whenever analysis or fields change: an index of another version is rebuilt.
pub const ANALYSIS_VERSION: u32 = 1;

/// The fields of every document. Contributions, clauses and consultations share them;
/// a field a kind has no value for is left out.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `contribution`, `clause` or `consultation`.
    pub kind: Field,
    /// Unique per document (`contribution:12`, `clause:40`, `consultation:3`): what an
    /// update deletes before adding again.
    pub key: Field,
    /// `consultation:{id}` on a consultation's own document and its clauses.
    pub owner: Field,
    pub consultation: Field,
    pub consultation_id: Field,
    pub agency: Field,
    pub clause: Field,
    pub version: Field,
    /// 1 for a clause of an earlier version than the latest.
    pub earlier: Field,
    pub channel: Field,
    pub speaker: Field,
    pub outcome: Field,
    pub lang: Field,
    pub created: Field,
    /// The contribution, clause or consultation id.
    pub id: Field,
    /// A contribution's thread.
    pub root: Field,
    /// Stems and roots (see `analysis`).
    pub text: Field,
    /// Exact (normalised) words, for exact-match boosts and phrases.
    pub exact: Field,
    /// The plain text, for snippets.
    pub body: Field,
}

/// The facets, by their name in the API: each a string fast field.
pub const FACETS: [&str; 7] = [
    "kind",
    "consultation",
    "agency",
    "clause",
    "channel",
    "speaker",
    "outcome",
];

const STEMS: &str = "shura_stems";
const EXACT: &str = "shura_exact";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let facet = STRING | FAST | STORED;
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        kind: b.add_text_field("kind", facet.clone()),
        key: b.add_text_field("key", STRING),
        owner: b.add_text_field("owner", STRING),
        consultation: b.add_text_field("consultation", facet.clone()),
        consultation_id: b.add_u64_field("consultation_id", INDEXED),
        agency: b.add_text_field("agency", facet.clone()),
        clause: b.add_text_field("clause", facet.clone()),
        version: b.add_u64_field("version", STORED),
        earlier: b.add_u64_field("earlier", STORED),
        channel: b.add_text_field("channel", facet.clone()),
        speaker: b.add_text_field("speaker", facet.clone()),
        outcome: b.add_text_field("outcome", facet.clone()),
        lang: b.add_text_field("lang", facet),
        created: b.add_date_field(
            "created",
            DateOptions::default().set_indexed().set_fast().set_stored(),
        ),
        id: b.add_u64_field("id", STORED),
        root: b.add_u64_field("root", STORED),
        text: b.add_text_field("text", analysed(STEMS)),
        exact: b.add_text_field("exact", analysed(EXACT)),
        body: b.add_text_field("body", STORED),
    };
    (b.build(), fields)
}

/// What a commit records: the outbox applied so far, and the analysis it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Every outbox row up to this sequence is in the index.
    pub seq: i64,
    pub analysis: u32,
}

/// One generation of the index, open for reading.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    pub fields: Fields,
    /// Where it lives; `None` in memory (tests).
    pub dir: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish()
    }
}

impl SearchIndex {
    /// Opens the generation in `dir`, creating an empty index there if there is none.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let index = Index::open_or_create(directory, schema)?;
        SearchIndex::ready(index, fields, Some(dir.to_owned()))
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::ready(Index::create_in_ram(schema), fields, None)
    }

    fn ready(
        index: Index,
        fields: Fields,
        dir: Option<PathBuf>,
    ) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(STEMS, Analyser { stems: true });
        index
            .tokenizers()
            .register(EXACT, Analyser { stems: false });
        // The indexer reloads after each commit it makes; nothing else writes.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            dir,
        })
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// What the last commit recorded; `None` for an index never committed to, or one
    /// made with another analysis (both must be rebuilt).
    pub fn payload(&self) -> Result<Option<Payload>, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Payload>(p).ok())
            .filter(|p| p.analysis == ANALYSIS_VERSION))
    }

    /// The one writer of this generation; an error if another process holds it.
    pub fn writer(&self, threads: usize, memory: usize) -> Result<Writer, SearchError> {
        let writer = self
            .index
            .writer_with_num_threads(threads, memory)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy(self.dir.clone()),
                e => SearchError::Index(e),
            })?;
        Ok(Writer {
            writer,
            fields: self.fields,
        })
    }

    pub(super) fn reload(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }
}

/// The index in use, swapped for a new generation after a rebuild.
#[derive(Clone, Debug)]
pub struct Search(Arc<RwLock<Arc<SearchIndex>>>);

impl Search {
    pub fn new_shared(index: Arc<SearchIndex>) -> Search {
        Search(Arc::new(RwLock::new(index)))
    }

    /// The generation to read now (held for one query).
    pub fn current(&self) -> Arc<SearchIndex> {
        match self.0.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub(super) fn replace(&self, index: Arc<SearchIndex>) {
        match self.0.write() {
            Ok(mut g) => *g = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }
}

// ---------------------------------------------------------------------------------
// Generations on disk

/// The folder of the index's generations.
#[derive(Debug, Clone)]
pub struct IndexHome(pub PathBuf);

impl IndexHome {
    fn current_file(&self) -> PathBuf {
        self.0.join("CURRENT")
    }

    /// The generation `CURRENT` names, if any.
    pub fn current(&self) -> Result<Option<PathBuf>, SearchError> {
        match std::fs::read_to_string(self.current_file()) {
            Ok(name) => {
                let name = name.trim();
                // Only a name this code wrote: never a path out of the home.
                if name.starts_with("gen-") && name[4..].chars().all(|c| c.is_ascii_digit()) {
                    Ok(Some(self.0.join(name)))
                } else {
                    Err(SearchError::BadCurrent(self.current_file()))
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A folder for a new generation, not in use.
    pub fn new_generation(&self) -> Result<PathBuf, SearchError> {
        std::fs::create_dir_all(&self.0)?;
        let mut n = 1u64;
        for entry in std::fs::read_dir(&self.0)? {
            let name = entry?.file_name();
            if let Some(k) = name
                .to_str()
                .and_then(|s| s.strip_prefix("gen-"))
                .and_then(|s| s.parse::<u64>().ok())
            {
                n = n.max(k + 1);
            }
        }
        let dir = self.0.join(format!("gen-{n}"));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Makes `generation` the one in use (written aside, then renamed over `CURRENT`).
    pub fn make_current(&self, generation: &Path) -> Result<(), SearchError> {
        let name = generation
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| SearchError::BadCurrent(generation.to_owned()))?;
        let tmp = self.0.join("CURRENT.new");
        std::fs::write(&tmp, name)?;
        std::fs::rename(&tmp, self.current_file())?;
        Ok(())
    }

    /// Deletes the generations other than `keep`. Only the serving process calls it,
    /// once it has moved to `keep` (a rebuild never does: the server may still read
    /// the old one).
    pub fn sweep(&self, keep: &Path) {
        let Ok(entries) = std::fs::read_dir(&self.0) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_generation = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("gen-"));
            if is_generation && path != keep {
                if let Err(e) = std::fs::remove_dir_all(&path) {
                    tracing::warn!(path = %path.display(), error = %e, "old search index not removed");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Writing

/// The writer of one generation: documents in, commits out.
pub struct Writer {
    writer: IndexWriter,
    fields: Fields,
}

impl Writer {
    fn delete(&self, field: Field, value: &str) {
        self.writer.delete_term(Term::from_field_text(field, value));
    }

    /// Puts the contribution in the index as it is now: replaced, or removed when it
    /// is no longer searchable.
    pub fn put_contribution(&self, c: &ContributionDoc) -> Result<(), SearchError> {
        let key = format!("contribution:{}", c.id);
        self.delete(self.fields.key, &key);
        if c.searchable {
            self.add_contribution(c, key)?;
        }
        Ok(())
    }

    /// Removes a contribution that no longer exists.
    pub fn remove_contribution(&self, id: crate::domain::ContributionId) {
        self.delete(self.fields.key, &format!("contribution:{id}"));
    }

    /// Adds a contribution known not to be in the index (a rebuild).
    pub fn add_contribution(&self, c: &ContributionDoc, key: String) -> Result<(), SearchError> {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.kind, "contribution");
        doc.add_text(f.key, key);
        doc.add_text(f.consultation, &c.consultation_slug);
        doc.add_u64(f.consultation_id, id_u64(c.consultation_id.0));
        doc.add_text(f.agency, &c.agency_slug);
        if let Some(k) = &c.clause_key {
            doc.add_text(f.clause, k);
        }
        doc.add_u64(f.version, u64::from(c.version));
        doc.add_text(f.channel, &c.channel);
        doc.add_text(f.speaker, &c.speaker);
        doc.add_text(f.outcome, &c.outcome);
        doc.add_u64(f.id, id_u64(c.id.0));
        doc.add_u64(f.root, id_u64(c.root_id.0));
        self.add_text(&mut doc, c.body.clone(), c.created_at);
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Puts a consultation and its clauses in the index as they are now.
    pub fn put_consultation(&self, c: &ConsultationDoc) -> Result<(), SearchError> {
        let owner = format!("consultation:{}", c.id);
        self.delete(self.fields.owner, &owner);
        if !c.public {
            // A consultation taken out of public view takes everything said on it along.
            self.writer.delete_term(Term::from_field_u64(
                self.fields.consultation_id,
                id_u64(c.id.0),
            ));
            return Ok(());
        }
        self.add_consultation(c, &owner)
    }

    /// Removes a consultation that no longer exists, with everything on it.
    pub fn remove_consultation(&self, id: crate::domain::ConsultationId) {
        self.writer.delete_term(Term::from_field_u64(
            self.fields.consultation_id,
            id_u64(id.0),
        ));
    }

    /// Adds a public consultation known not to be in the index (a rebuild).
    pub fn add_consultation(&self, c: &ConsultationDoc, owner: &str) -> Result<(), SearchError> {
        let f = &self.fields;
        let base = |kind: &str, key: String| {
            let mut doc = TantivyDocument::new();
            doc.add_text(f.kind, kind);
            doc.add_text(f.key, key);
            doc.add_text(f.owner, owner);
            doc.add_text(f.consultation, &c.slug);
            doc.add_u64(f.consultation_id, id_u64(c.id.0));
            doc.add_text(f.agency, &c.agency_slug);
            doc
        };
        let mut doc = base("consultation", owner.to_owned());
        doc.add_u64(f.id, id_u64(c.id.0));
        let text = join([&c.title.ar, &c.title.en, &c.summary.ar, &c.summary.en]);
        self.add_text(&mut doc, text, c.created_at);
        self.writer.add_document(doc)?;

        // The latest version's clauses, and an earlier version's only where its text
        // differs from the latest's (changed or removed since): one hit per wording.
        let latest: std::collections::HashMap<&str, &crate::domain::LocalizedText> = c
            .clauses
            .iter()
            .filter(|k| k.latest)
            .map(|k| (k.key.as_str(), &k.text))
            .collect();
        let mut seen_earlier = std::collections::HashSet::new();
        for k in c.clauses.iter().rev() {
            if !k.latest
                && (latest.get(k.key.as_str()) == Some(&&k.text)
                    || !seen_earlier.insert((k.key.as_str(), &k.text.ar, &k.text.en)))
            {
                continue;
            }
            let mut doc = base("clause", format!("clause:{}", k.id));
            doc.add_text(f.clause, &k.key);
            doc.add_u64(f.version, u64::from(k.version));
            doc.add_u64(f.earlier, u64::from(!k.latest));
            doc.add_u64(f.id, id_u64(k.id));
            let plain = |t: &Option<String>| t.as_deref().map(plain_text);
            let text = join([&plain(&k.text.ar), &plain(&k.text.en)]);
            self.add_text(&mut doc, text, k.published_at);
            self.writer.add_document(doc)?;
        }
        Ok(())
    }

    /// The searchable text of a document: stored, and analysed into its two fields
    /// (by [`Analyser`], in the writer's indexing threads).
    fn add_text(&self, doc: &mut TantivyDocument, text: String, created: DateTime<Utc>) {
        let f = &self.fields;
        doc.add_text(f.lang, language_of(&text));
        doc.add_date(
            f.created,
            tantivy::DateTime::from_timestamp_micros(created.timestamp_micros()),
        );
        doc.add_text(f.text, &text);
        doc.add_text(f.exact, &text);
        doc.add_text(f.body, text);
    }

    pub fn delete_everything(&self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits what was written, recording `payload`.
    pub fn commit(&mut self, payload: Payload) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload).unwrap_or_default());
        prepared.commit()?;
        Ok(())
    }

    /// Waits for the writer's threads to finish merging (before a rebuilt generation
    /// is handed over).
    pub fn finish(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or(0)
}

/// The present parts of a text, a blank line between them.
fn join<'a>(parts: impl IntoIterator<Item = &'a Option<String>>) -> String {
    parts
        .into_iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The analysis as a tantivy tokenizer: a word's stems and roots, or its exact form,
/// each at the word's position.
#[derive(Clone)]
struct Analyser {
    stems: bool,
}

impl Tokenizer for Analyser {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens {
            words: analysed_words(text),
            stems: self.stems,
            word: 0,
            term: 0,
            token: Token::default(),
        }
    }
}

/// Walks the words and, with stems, each word's terms; one token reused throughout.
struct Tokens {
    words: Vec<AnalysedWord>,
    stems: bool,
    word: usize,
    /// The next term of `words[word]`.
    term: usize,
    token: Token,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        while let Some(w) = self.words.get(self.word) {
            let text = if self.stems {
                w.analysis.stems.get(self.term)
            } else {
                (self.term == 0).then_some(&w.analysis.exact)
            };
            let Some(text) = text else {
                self.word += 1;
                self.term = 0;
                continue;
            };
            self.term += 1;
            self.token.text.clear();
            self.token.text.push_str(text);
            self.token.offset_from = w.start;
            self.token.offset_to = w.end;
            self.token.position = w.position as usize;
            self.token.position_length = 1;
            return true;
        }
        false
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
