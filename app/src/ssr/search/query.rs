//! Running a search: the query box's words analysed like the documents were, the
//! filters, BM25 ranking with exact words and phrases boosted, facet counts over
//! everything that matched, and a snippet with highlights for each hit.
//!
//! Each word of the query must match a word of the document by its exact form, a stem
//! or a root (see `analysis`); an exact match scores more. Stopwords are left out
//! unless the query is nothing else. A quoted phrase matches the exact words in
//! order. `-word` and `-"a phrase"` exclude.

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Order, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use super::analysis::{analyse, Word};
use super::index::{Fields, SearchIndex, FACETS};
use super::SearchError;
use crate::domain::search::{HitKind, SearchQuery, Sort};
use crate::domain::{ClauseKey, ContributionId, Lang};
use crate::paths;

/// How much an exact (unstemmed) match counts beside a stem or root.
const EXACT_BOOST: Score = 2.0;
/// How much the query's words side by side count, beyond each word.
const PHRASE_BOOST: Score = 1.5;
/// About how many characters a snippet shows.
const SNIPPET_CHARS: usize = 220;
/// Facet values returned per facet, most frequent first.
const FACET_VALUES: usize = 30;

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    /// The contribution's, clause's or consultation's id.
    pub id: i64,
    /// The contribution that starts a contribution's thread.
    pub root: Option<i64>,
    pub consultation: String,
    pub agency: String,
    pub clause: Option<ClauseKey>,
    pub version: Option<u32>,
    /// A clause of a version older than the latest.
    pub earlier: bool,
    pub created: DateTime<Utc>,
    /// Plain text around the best matches.
    pub snippet: String,
    /// What matched, as `[start, end)` in characters (Unicode scalar values) of the
    /// snippet.
    pub highlights: Vec<[u32; 2]>,
    pub score: f32,
}

impl Hit {
    /// Where the hit is read on the site: a contribution in its whole thread, a clause
    /// at its anchor (in its version when it is an earlier one), a consultation's page.
    pub fn href(&self, lang: Lang) -> String {
        let slug = &self.consultation;
        match self.kind {
            HitKind::Contribution => paths::contribution_in_thread(
                lang,
                slug,
                ContributionId(self.root.unwrap_or(self.id)),
                ContributionId(self.id),
            ),
            HitKind::Clause => match (&self.clause, self.version) {
                (Some(key), Some(n)) if self.earlier => {
                    paths::version_clause(lang, slug, n, Some(key))
                }
                (Some(key), _) => paths::clause(lang, slug, key),
                (None, _) => paths::consultation(lang, slug),
            },
            HitKind::Consultation => paths::consultation(lang, slug),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub name: &'static str,
    /// Values with how many of the matches have them, most frequent first.
    pub values: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
}

/// Runs `q` on `index` (CPU work: call it off the async threads).
pub fn run(index: &SearchIndex, q: &SearchQuery) -> Result<Found, SearchError> {
    let f = index.fields;
    let plan = Plan::new(q);
    let query = plan.query(&f, q);
    let searcher = index.searcher();
    let offset = (q.page.saturating_sub(1) * q.per_page) as usize;
    let limit = q.per_page as usize;
    let facets = FacetCounts {
        // Clause keys mean something only within one consultation.
        fields: FACETS
            .iter()
            .copied()
            .filter(|name| *name != "clause" || q.consultation.is_some())
            .collect(),
    };
    let by_relevance = plan.has_words && q.sort == Sort::Relevance;
    let (top, total, counts): (Vec<(f32, DocAddress)>, usize, FacetFruit) = if by_relevance {
        let top = TopDocs::with_limit(limit).and_offset(offset);
        searcher.search(&query, &(top, Count, facets))?
    } else {
        let top = TopDocs::with_limit(limit)
            .and_offset(offset)
            .order_by_fast_field::<tantivy::DateTime>("created", Order::Desc);
        let (top, total, counts) = searcher.search(&query, &(top, Count, facets))?;
        (
            top.into_iter().map(|(_, addr)| (0.0, addr)).collect(),
            total,
            counts,
        )
    };
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        hits.push(plan.hit(&f, &doc, score));
    }
    let facets = FACETS
        .iter()
        .filter_map(|name| {
            counts.get(name).map(|values| Facet {
                name,
                values: values.clone(),
            })
        })
        .collect();
    Ok(Found {
        total: total as u64,
        hits: hits.into_iter().flatten().collect(),
        facets,
    })
}

/// The query's words, analysed once for the query and for the snippets.
struct Plan {
    /// Words each document must match (each a list of words: one, or a phrase).
    required: Vec<Vec<Word>>,
    excluded: Vec<Vec<Word>>,
    /// Whether the query box said anything that matches by words.
    has_words: bool,
    /// For snippets: the exact forms and stems that count as a match.
    exact: HashSet<String>,
    stems: HashSet<String>,
}

impl Plan {
    fn new(q: &SearchQuery) -> Plan {
        let mut required = Vec::new();
        let mut excluded = Vec::new();
        for part in q.parts() {
            let words = analyse(&part.text);
            if words.is_empty() {
                continue;
            }
            // A word that analyses into several (`well-being`, `COVID-19`) is a phrase,
            // like a quoted one: a group of more than one word.
            if part.exclude {
                excluded.push(words);
            } else {
                required.push(words);
            }
        }
        // Stopwords say nothing when other words are there.
        let only_stopwords = required
            .iter()
            .all(|g| g.len() == 1 && g[0].stems.is_empty());
        if !only_stopwords {
            required.retain(|g| g.len() > 1 || !g[0].stems.is_empty());
        }
        let mut exact = HashSet::new();
        let mut stems = HashSet::new();
        for w in required.iter().flatten() {
            exact.insert(w.exact.clone());
            stems.extend(w.stems.iter().cloned());
        }
        Plan {
            has_words: !required.is_empty(),
            required,
            excluded,
            exact,
            stems,
        }
    }

    fn query(&self, f: &Fields, q: &SearchQuery) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &self.required {
            clauses.push((Occur::Must, group_query(f, group)));
        }
        if !self.has_words {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        for group in &self.excluded {
            clauses.push((Occur::MustNot, group_query(f, group)));
        }
        // Words of the query side by side in a document rank it higher.
        let single: Vec<&Word> = self
            .required
            .iter()
            .filter(|g| g.len() == 1)
            .map(|g| &g[0])
            .collect();
        if single.len() >= 2 {
            let terms = single
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(f.exact, &w.exact)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, 1);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), PHRASE_BOOST)),
            ));
        }
        let any_of = |field: Field, values: Vec<String>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                values
                    .into_iter()
                    .map(|v| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(field, &v),
                            IndexRecordOption::Basic,
                        ));
                        (Occur::Should, q)
                    })
                    .collect(),
            ))
        };
        let mut filter = |field: Field, values: Vec<String>| {
            if !values.is_empty() {
                clauses.push((Occur::Must, any_of(field, values)));
            }
        };
        filter(
            f.kind,
            q.kind.iter().map(|k| k.as_str().to_owned()).collect(),
        );
        filter(f.consultation, q.consultation.iter().cloned().collect());
        filter(f.agency, q.agency.clone());
        filter(f.clause, q.clause.iter().map(|c| c.to_string()).collect());
        filter(
            f.channel,
            q.channel.iter().map(|c| c.as_str().to_owned()).collect(),
        );
        filter(
            f.speaker,
            q.speaker.iter().map(|s| s.as_str().to_owned()).collect(),
        );
        filter(
            f.outcome,
            q.outcome.iter().map(|o| o.as_str().to_owned()).collect(),
        );
        if q.from.is_some() || q.to.is_some() {
            let day = |d: NaiveDate| {
                let t = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                Term::from_field_date(f.created, date(t))
            };
            let lower = q.from.map_or(Bound::Unbounded, |d| Bound::Included(day(d)));
            let upper =
                q.to.and_then(|d| d.checked_add_signed(Duration::days(1)))
                    .map_or(Bound::Unbounded, |d| Bound::Excluded(day(d)));
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        BooleanQuery::new(clauses)
    }

    /// A hit from its stored document, with its snippet; `None` for a document this
    /// code did not write.
    fn hit(&self, f: &Fields, doc: &TantivyDocument, score: f32) -> Option<Hit> {
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let num = |field: Field| doc.get_first(field).and_then(|v| v.as_u64());
        let kind = HitKind::parse(&text(f.kind)?)?;
        let body = text(f.body).unwrap_or_default();
        let (snippet, highlights) = self.snippet(&body);
        let created = doc
            .get_first(f.created)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp_micros(d.into_timestamp_micros()))
            .unwrap_or_default();
        Some(Hit {
            kind,
            id: i64::try_from(num(f.id)?).ok()?,
            root: num(f.root).and_then(|r| i64::try_from(r).ok()),
            consultation: text(f.consultation)?,
            agency: text(f.agency).unwrap_or_default(),
            clause: text(f.clause).and_then(|k| k.parse().ok()),
            version: num(f.version).and_then(|v| u32::try_from(v).ok()),
            earlier: num(f.earlier) == Some(1),
            created,
            snippet,
            highlights,
            score,
        })
    }

    /// The part of `body` with the most matches, and where they are in it.
    fn snippet(&self, body: &str) -> (String, Vec<[u32; 2]>) {
        let matches: Vec<(usize, usize)> = analyse(body)
            .into_iter()
            .filter(|w| {
                self.exact.contains(&w.exact) || w.stems.iter().any(|s| self.stems.contains(s))
            })
            .map(|w| (w.start, w.end))
            .collect();
        // Byte offsets of the characters, to count in characters.
        let chars: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
        let char_at = |byte: usize| chars.partition_point(|&b| b < byte);
        let total = chars.len();
        // The window of SNIPPET_CHARS characters that holds the most matches.
        let mut best = (0usize, 0usize);
        for (i, &(start, _)) in matches.iter().enumerate() {
            let from = char_at(start);
            let n = matches[i..]
                .iter()
                .take_while(|(_, end)| char_at(*end) <= from + SNIPPET_CHARS)
                .count();
            if n > best.1 {
                best = (from, n);
            }
        }
        // The snippet stays within the paragraph of the best matches: a clause's
        // Arabic and English texts are paragraphs of one body, never run together.
        let body_chars: Vec<char> = body.chars().collect();
        let blank_line =
            |i: usize| i + 1 < total && body_chars[i] == '\n' && body_chars[i + 1] == '\n';
        let para_start = (1..=best.0.min(total))
            .rev()
            .find(|&i| i >= 2 && blank_line(i - 2))
            .unwrap_or(0);
        let para_end = (best.0..total).find(|&i| blank_line(i)).unwrap_or(total);
        // Some words before the first match, started at a word.
        let mut from = best.0.saturating_sub(SNIPPET_CHARS / 5).max(para_start);
        if matches.is_empty() {
            from = 0;
        }
        while from > para_start && !body_chars[from - 1].is_whitespace() {
            from -= 1;
        }
        let mut to = (from + SNIPPET_CHARS).min(para_end);
        while to < para_end && !body_chars[to].is_whitespace() && to - from < SNIPPET_CHARS + 30 {
            to += 1;
        }
        let lead = if from > 0 { "… " } else { "" };
        let shift = lead.chars().count();
        let mut snippet: String = lead.to_owned();
        snippet.extend(
            body_chars[from..to]
                .iter()
                .map(|c| if c.is_whitespace() { ' ' } else { *c }),
        );
        if to < total {
            snippet.push_str(" …");
        }
        let highlights = matches
            .iter()
            .map(|&(s, e)| (char_at(s), char_at(e)))
            .filter(|&(s, e)| s >= from && e <= to)
            .map(|(s, e)| [(s - from + shift) as u32, (e - from + shift) as u32])
            .collect();
        (snippet, highlights)
    }
}

fn date(t: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_micros(t.timestamp_micros())
}

/// A word of the query (by its exact form, stems or roots), or a phrase of exact words.
fn group_query(f: &Fields, group: &[Word]) -> Box<dyn Query> {
    if let [w] = group {
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.exact, &w.exact),
                    IndexRecordOption::WithFreqs,
                )),
                EXACT_BOOST,
            )),
        )];
        for s in &w.stems {
            should.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.text, s),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
        return Box::new(BooleanQuery::new(should));
    }
    let first = group.first().map_or(0, |w| w.position);
    let terms = group
        .iter()
        .map(|w| {
            (
                (w.position - first) as usize,
                Term::from_field_text(f.exact, &w.exact),
            )
        })
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

// ---------------------------------------------------------------------------------
// Facet counts

/// Counts, over every match, the values of some string fast fields.
struct FacetCounts {
    fields: Vec<&'static str>,
}

struct SegmentFacetCounts {
    columns: Vec<(&'static str, StrColumn, Vec<u64>)>,
}

/// Values and their counts, per facet.
type FacetFruit = BTreeMap<&'static str, Vec<(String, u64)>>;

impl Collector for FacetCounts {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounts> {
        let mut columns = Vec::new();
        for name in &self.fields {
            if let Some(column) = segment.fast_fields().str(name)? {
                let n = column.num_terms();
                columns.push((*name, column, vec![0; n]));
            }
        }
        Ok(SegmentFacetCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<BTreeMap<&'static str, BTreeMap<String, u64>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut all: BTreeMap<&'static str, BTreeMap<String, u64>> = BTreeMap::new();
        for seg in segments {
            for (name, values) in seg {
                let into = all.entry(name).or_default();
                for (v, n) in values {
                    *into.entry(v).or_default() += n;
                }
            }
        }
        Ok(all
            .into_iter()
            .map(|(name, values)| {
                let mut values: Vec<(String, u64)> = values.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(FACET_VALUES);
                (name, values)
            })
            .collect())
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = BTreeMap<&'static str, BTreeMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (_, column, counts) in &mut self.columns {
            for ord in column.term_ords(doc) {
                if let Some(n) = counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = BTreeMap::new();
        for (name, column, counts) in self.columns {
            let mut values = BTreeMap::new();
            let mut text = String::new();
            for (ord, n) in counts.into_iter().enumerate() {
                if n > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                    values.insert(text.clone(), n);
                }
            }
            out.insert(name, values);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(q: &str, body: &str) -> (String, Vec<String>) {
        let plan = Plan::new(&SearchQuery {
            q: q.to_owned(),
            ..SearchQuery::default()
        });
        let (text, highlights) = plan.snippet(body);
        let chars: Vec<char> = text.chars().collect();
        let marked = highlights
            .iter()
            .map(|[s, e]| chars[*s as usize..*e as usize].iter().collect())
            .collect();
        (text, marked)
    }

    #[test]
    fn a_snippet_marks_every_form_of_the_words_and_stays_in_one_language() {
        let body = "تنشر الجهة البيانات المفتوحة بصيغ مقروءة آلياً.\n\nThe agency publishes open data in machine-readable formats.";
        let (text, marked) = snippet("بيانات مفتوحه", body);
        assert_eq!(text, "تنشر الجهة البيانات المفتوحة بصيغ مقروءة آلياً. …");
        assert_eq!(marked, ["البيانات", "المفتوحة"]);
        let (text, marked) = snippet("publishing", body);
        assert_eq!(
            text,
            "… The agency publishes open data in machine-readable formats."
        );
        assert_eq!(marked, ["publishes"]);
    }
}
