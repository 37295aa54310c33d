//! The benchmark's corpus: contributions generated from a seed, the same on every run.
//!
//! The vocabulary is the demo drafts' own words (their clauses, Arabic and English),
//! drawn with Zipf-like frequencies (a word's weight is 1 / its rank in the drafts).
//! 70% of contributions are Arabic — with function words, attached particles and
//! suffixes, spelling variants (hamza and alef forms, ة/ه, ى/ي), some tashkeel and
//! some English words mixed in — and 30% English; 20 to 150 words each.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::ssr::exchange;
use crate::ssr::search::analysis::analyse;

/// A generated contribution: its text and the values of its filters.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i64,
    pub body: String,
    /// One of [`CONSULTATIONS`] consultations.
    pub consultation: usize,
    /// `unanswered` or an outcome.
    pub outcome: &'static str,
    pub channel: &'static str,
    pub speaker: &'static str,
    pub root: i64,
}

pub const CONSULTATIONS: usize = 20;
pub const OUTCOMES: [&str; 5] = [
    "unanswered",
    "accepted",
    "partly_accepted",
    "not_adopted",
    "noted",
];
const CHANNELS: [&str; 4] = ["online", "online", "workshop", "email"];
const SPEAKERS: [&str; 5] = ["individual", "individual", "individual", "ngo", "company"];

const ARABIC_FUNCTION_WORDS: [&str; 24] = [
    "في",
    "من",
    "على",
    "إلى",
    "أن",
    "التي",
    "الذي",
    "هذه",
    "هذا",
    "مع",
    "عن",
    "كما",
    "أو",
    "ثم",
    "قد",
    "لا",
    "كل",
    "بين",
    "حتى",
    "بعد",
    "قبل",
    "عند",
    "لكن",
    "أيضاً",
];
const ENGLISH_FUNCTION_WORDS: [&str; 20] = [
    "the", "of", "to", "and", "a", "in", "is", "that", "for", "on", "be", "with", "as", "this",
    "it", "by", "are", "should", "we", "not",
];
const PREFIXES: [&str; 11] = [
    "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "فال", "كال",
];
const SUFFIXES: [&str; 8] = ["ها", "هم", "نا", "كم", "ات", "ون", "ين", "ي"];

/// Words drawn by Zipf-like weights.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(mut counted: Vec<(String, usize)>, excluded: &dyn Fn(&str) -> bool) -> Vocabulary {
        counted.retain(|(w, _)| !excluded(w));
        counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut total = 0.0;
        let mut cumulative = Vec::with_capacity(counted.len());
        for rank in 0..counted.len() {
            total += 1.0 / (rank as f64 + 1.0);
            cumulative.push(total);
        }
        Vocabulary {
            words: counted.into_iter().map(|(w, _)| w).collect(),
            cumulative,
        }
    }

    pub fn draw(&self, rng: &mut StdRng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.gen::<f64>() * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        self.words
            .get(i.min(self.words.len().saturating_sub(1)))
            .map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The generator: vocabularies from the demo drafts, and a seeded random source.
pub struct Generator {
    pub arabic: Vocabulary,
    pub english: Vocabulary,
    rng: StdRng,
}

impl Generator {
    /// A generator whose vocabulary leaves out every word `excluded` says (the judged
    /// set's words, so that only the documents planted for a judged query match it).
    pub fn new(seed: u64, excluded: &dyn Fn(&str) -> bool) -> Generator {
        let (arabic, english) = demo_words();
        Generator {
            arabic: Vocabulary::new(arabic, excluded),
            english: Vocabulary::new(english, excluded),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// A word of the vocabulary, Arabic or English.
    pub fn word(&mut self, arabic: bool) -> String {
        let vocabulary = if arabic { &self.arabic } else { &self.english };
        vocabulary.draw(&mut self.rng).to_owned()
    }

    /// Contribution number `id`.
    pub fn doc(&mut self, id: i64) -> Doc {
        let len = self.rng.gen_range(20..=150);
        let body = if self.rng.gen_bool(0.7) {
            self.arabic_text(len)
        } else {
            self.english_text(len)
        };
        let reply = id > 1 && self.rng.gen_bool(0.3);
        Doc {
            id,
            body,
            consultation: self.rng.gen_range(0..CONSULTATIONS),
            outcome: OUTCOMES[self.rng.gen_range(0..OUTCOMES.len())],
            channel: CHANNELS[self.rng.gen_range(0..CHANNELS.len())],
            speaker: SPEAKERS[self.rng.gen_range(0..SPEAKERS.len())],
            root: if reply { self.rng.gen_range(1..id) } else { id },
        }
    }

    /// `len` words of Arabic as people type it.
    pub fn arabic_text(&mut self, len: usize) -> String {
        let mut words = Vec::with_capacity(len);
        for _ in 0..len {
            let r: f64 = self.rng.gen();
            let word = if r < 0.25 {
                ARABIC_FUNCTION_WORDS[self.rng.gen_range(0..ARABIC_FUNCTION_WORDS.len())].to_owned()
            } else if r < 0.30 {
                self.english.draw(&mut self.rng).to_owned()
            } else {
                let base = self.arabic.draw(&mut self.rng).to_owned();
                self.inflect(base)
            };
            words.push(word);
        }
        sentences(words, "، ", ".")
    }

    /// `len` words of English.
    pub fn english_text(&mut self, len: usize) -> String {
        let mut words = Vec::with_capacity(len);
        for _ in 0..len {
            let word = if self.rng.gen_bool(0.35) {
                ENGLISH_FUNCTION_WORDS[self.rng.gen_range(0..ENGLISH_FUNCTION_WORDS.len())]
                    .to_owned()
            } else {
                let base = self.english.draw(&mut self.rng).to_owned();
                match self.rng.gen_range(0..10) {
                    0 => format!("{base}s"),
                    1 => format!("{base}ed"),
                    2 => format!("{base}ing"),
                    _ => base,
                }
            };
            words.push(word);
        }
        sentences(words, ", ", ".")
    }

    /// An Arabic word with particles, a suffix, a spelling variant or tashkeel, each
    /// now and then.
    fn inflect(&mut self, word: String) -> String {
        let bare = word.strip_prefix("ال").map(str::to_owned).unwrap_or(word);
        let mut w = bare.clone();
        if self.rng.gen_bool(0.45) {
            let p = PREFIXES[self.rng.gen_range(0..PREFIXES.len())];
            w = format!("{p}{w}");
        }
        if self.rng.gen_bool(0.15) && bare.chars().count() >= 3 {
            let s = SUFFIXES[self.rng.gen_range(0..SUFFIXES.len())];
            w = format!("{}{s}", w.trim_end_matches('ة'));
        }
        if self.rng.gen_bool(0.15) {
            w = w
                .replace(['أ', 'إ', 'آ'], "ا")
                .replace('ة', "ه")
                .replace('ى', "ي")
                .replace('ؤ', "ئ");
        }
        if self.rng.gen_bool(0.05) {
            // A fatha on the first letter, a damma at the end.
            let mut chars: Vec<char> = w.chars().collect();
            if chars.len() > 2 {
                chars.insert(1, '\u{064E}');
                chars.push('\u{064F}');
                w = chars.into_iter().collect();
            }
        }
        w
    }
}

/// Words joined into sentences of 6 to 18 words, with now and then a comma.
fn sentences(words: Vec<String>, comma: &str, stop: &str) -> String {
    let mut out = String::new();
    let mut in_sentence = 0;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            if in_sentence >= 6 + (i * 7919) % 12 {
                out.push_str(stop);
                out.push(' ');
                in_sentence = 0;
            } else if (i * 104_729) % 11 == 0 {
                out.push_str(comma);
            } else {
                out.push(' ');
            }
        }
        out.push_str(w);
        in_sentence += 1;
    }
    out.push_str(stop);
    out
}

/// Words with how often they occur.
type Counted = Vec<(String, usize)>;

/// The words of the demo drafts' clauses, Arabic and English, with their counts.
fn demo_words() -> (Counted, Counted) {
    use std::collections::HashMap;
    let mut arabic: HashMap<String, usize> = HashMap::new();
    let mut english: HashMap<String, usize> = HashMap::new();
    if let Ok(doc) = exchange::parse(exchange::demo::DEMO_JSON) {
        for c in &doc.consultations {
            for v in &c.versions {
                for k in &v.clauses {
                    for (text, into) in [(&k.text.ar, &mut arabic), (&k.text.en, &mut english)] {
                        let Some(text) = text else { continue };
                        for w in analyse(text) {
                            let raw = &text[w.start..w.end];
                            let is_number = raw.chars().all(|c| c.is_numeric());
                            if w.stems.is_empty() || is_number || raw.chars().count() < 3 {
                                continue;
                            }
                            *into.entry(raw.to_lowercase()).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    (arabic.into_iter().collect(), english.into_iter().collect())
}
