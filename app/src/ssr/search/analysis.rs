//! How text becomes search terms, the same way for what is indexed and what is asked.
//!
//! A text is cut into words (letters, digits and the marks on them), each word keeps
//! its place in the original text (for highlights), and each is analysed into:
//! - its **exact** form: NFKC (presentation forms and full-width letters), lower case,
//!   tashkeel, tatweel and joiners removed, alef and hamza forms unified, ى → ي,
//!   ة → ه, Persian letters to Arabic ones, Arabic-Indic and Persian digits to ASCII.
//!   What someone typed, whatever the spelling: exact matches rank first and quoted
//!   phrases match these.
//! - its **stems**, unless it is a stopword: English words by the Snowball (Porter 2)
//!   stemmer; Arabic words by a light stemmer (attached particles and affixes), in
//!   every reading the spelling allows (a first و or ف is "and" or part of the word; a
//!   first ب ك ل is "with", "like", "for" or part of the word), plus the **root** of
//!   each reading ([`super::arabic::root`]). All are indexed at the word's position,
//!   so a query word matches a document word when any of them meet: broken plurals
//!   meet by their root (محضر, محاضر → حضر), a word whose root starts with و keeps
//!   the reading where it does.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::LazyLock;

use foldhash::HashMap as FastMap;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use super::arabic;

/// One word of a text: where it is (byte offsets into the original) and what it
/// means to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Counts every word, stopwords included, so phrases keep their shape.
    pub position: u32,
    pub exact: String,
    /// Stems and roots, none repeated; empty for a stopword.
    pub stems: Vec<String>,
}

/// The words of `text`, analysed.
pub fn analyse(text: &str) -> Vec<Word> {
    analysed_words(text)
        .into_iter()
        .map(|w| Word {
            start: w.start,
            end: w.end,
            position: w.position,
            exact: w.analysis.exact.clone(),
            stems: w.analysis.stems.clone(),
        })
        .collect()
}

/// What a word means to search: its exact form and its stems and roots.
#[derive(Debug, PartialEq, Eq)]
pub struct Analysis {
    pub exact: String,
    pub stems: Vec<String>,
}

/// A word of a text with its analysis shared with every other place the word is met
/// (indexing reads these without copying them).
#[derive(Debug, Clone)]
pub struct AnalysedWord {
    pub start: usize,
    pub end: usize,
    pub position: u32,
    pub analysis: Rc<Analysis>,
}

/// The words of `text` with their analyses; stopwords keep their place (no stems).
pub fn analysed_words(text: &str) -> Vec<AnalysedWord> {
    ANALYSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let mut out = Vec::new();
        for (position, (start, end)) in word_spans(text).enumerate() {
            let raw = &text[start..end];
            let analysis = match cache.get(raw) {
                Some(known) => Rc::clone(known),
                None => {
                    let analysis = Rc::new(analyse_word(raw));
                    if cache.len() >= CACHED_WORDS {
                        cache.clear();
                    }
                    cache.insert(raw.to_owned(), Rc::clone(&analysis));
                    analysis
                }
            };
            if analysis.exact.is_empty() {
                continue;
            }
            out.push(AnalysedWord {
                start,
                end,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                analysis,
            });
        }
        out
    })
}

fn analyse_word(raw: &str) -> Analysis {
    let exact = normalise(raw);
    let stems = if exact.is_empty() {
        Vec::new()
    } else {
        stems_of(&exact)
    };
    Analysis { exact, stems }
}

/// Words repeat (a language's vocabulary is small beside its texts), so each thread
/// keeps the analyses it made, emptied when they pass this many.
const CACHED_WORDS: usize = 200_000;

thread_local! {
    static ANALYSED: RefCell<FastMap<String, Rc<Analysis>>> = RefCell::new(FastMap::default());
}

/// The byte ranges of the words of `text`: runs of letters, digits and the marks on
/// them (tashkeel, joiners), so a word keeps its diacritics until it is normalised.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if is_word_char(c) && !is_mark(c) {
                break i;
            }
        };
        let mut end = text.len();
        let mut last = text[start..].chars().next().unwrap_or(' ');
        while let Some(&(i, c)) = chars.peek() {
            // A number written against an Arabic word (2030م, ٣٠يوماً) is two words.
            let digits_meet_arabic =
                (is_arabic(last) && is_number(c)) || (is_arabic(c) && is_number(last));
            if !is_word_char(c) || digits_meet_arabic {
                end = i;
                break;
            }
            if !is_mark(c) {
                last = c;
            }
            chars.next();
        }
        Some((start, end))
    })
}

fn is_word_char(c: char) -> bool {
    // Most text is ASCII or the Arabic letters: answered without Unicode's tables.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    is_arabic(c) || c.is_alphanumeric() || is_mark(c)
}

fn is_number(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    !is_arabic(c) && c.is_numeric()
}

/// Combining marks that sit inside words: tashkeel and Quranic marks, the dagger alef,
/// Latin combining accents, and the zero-width (non-)joiners.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{08D3}'..='\u{08FF}'
        | '\u{200C}'
        | '\u{200D}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// A word's exact form (see the module's documentation).
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.nfkc() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => out.push('ا'),
            'ؤ' | 'ئ' => out.push('ء'),
            'ى' | 'ی' | 'ې' => out.push('ي'),
            'ة' | 'ۃ' | 'ە' | 'ہ' | 'ھ' => out.push('ه'),
            'ک' => out.push('ك'),
            '٠'..='٩' => out.push(ascii_digit(c, '٠')),
            '۰'..='۹' => out.push(ascii_digit(c, '۰')),
            '\u{0640}' => {}
            c if is_mark(c) => {}
            c if is_arabic(c) => out.push(c),
            // Latin and other letters lose their accents (é → e).
            c => {
                for d in std::iter::once(c).nfd().filter(|d| !is_mark(*d)) {
                    out.extend(d.to_lowercase());
                }
            }
        }
    }
    out
}

fn ascii_digit(c: char, zero: char) -> char {
    char::from_digit(u32::from(c) - u32::from(zero), 10).unwrap_or(c)
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

/// The stems (and roots) of a word in its exact form; empty for a stopword.
fn stems_of(exact: &str) -> Vec<String> {
    if exact.chars().any(is_arabic) {
        if ARABIC_STOPWORDS.contains(exact) {
            return Vec::new();
        }
        return arabic::stems_and_roots(exact);
    }
    if exact.chars().all(|c| c.is_ascii_digit()) {
        return vec![exact.to_owned()];
    }
    if ENGLISH_STOPWORDS.contains(exact) {
        return Vec::new();
    }
    vec![ENGLISH.with(|s| s.stem(exact).into_owned())]
}

thread_local! {
    static ENGLISH: Stemmer = Stemmer::create(Algorithm::English);
}

/// Which language a text is in, for the language filter: `ar`, `en` or `mixed` (one
/// in ten of the letters or more of the other script).
pub fn language_of(text: &str) -> &'static str {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_arabic(c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    let total = arabic + latin;
    if total == 0 || latin * 10 < total {
        "ar"
    } else if arabic * 10 < total {
        "en"
    } else {
        "mixed"
    }
}

/// Lucene's English stopwords: too common to tell texts apart.
static ENGLISH_STOPWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
        "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
        "these", "they", "this", "to", "was", "will", "with",
    ]
    .into_iter()
    .collect()
});

/// Arabic particles, pronouns and the most common function words, in their exact
/// (normalised) form.
static ARABIC_STOPWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    [
        "في",
        "من",
        "على",
        "إلى",
        "الى",
        "عن",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "هؤلاء",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
        "أن",
        "إن",
        "أو",
        "ثم",
        "بل",
        "لا",
        "لم",
        "لن",
        "ما",
        "ماذا",
        "هل",
        "قد",
        "لقد",
        "كان",
        "كانت",
        "يكون",
        "تكون",
        "هو",
        "هي",
        "هم",
        "هن",
        "نحن",
        "أنا",
        "أنت",
        "أنتم",
        "كل",
        "بعض",
        "غير",
        "بين",
        "عند",
        "عندما",
        "حتى",
        "إذا",
        "كما",
        "لكن",
        "ولكن",
        "وقد",
        "قبل",
        "بعد",
        "حيث",
        "أي",
        "أيضا",
        "و",
        "ف",
        "ب",
        "ل",
        "ك",
        "يا",
        "منذ",
        "خلال",
        "ضمن",
        "لدى",
        "لذلك",
        "وفي",
        "ومن",
        "وعلى",
        "وإلى",
        "وعن",
        "وهو",
        "وهي",
        "وهذا",
        "وهذه",
        "أما",
        "إما",
        "كذلك",
        "به",
        "بها",
        "له",
        "لها",
        "فيه",
        "فيها",
        "منه",
        "منها",
        "عليه",
        "عليها",
        "التى",
        "الا",
        "إلا",
    ]
    .into_iter()
    .map(normalise)
    .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> Vec<String> {
        analyse(text).into_iter().map(|w| w.exact).collect()
    }

    /// Whether two spellings of a word meet: some stem or root in common.
    fn meet(a: &str, b: &str) -> bool {
        let (a, b) = (analyse(a), analyse(b));
        assert_eq!((a.len(), b.len()), (1, 1), "one word each: {a:?} {b:?}");
        a[0].stems.iter().any(|s| b[0].stems.contains(s))
    }

    #[test]
    fn spelling_variants_have_one_exact_form() {
        for (a, b) in [
            ("أحمد", "احمد"),
            ("إدارة", "اداره"),
            ("آراء", "اراء"),
            ("ٱلمشاركة", "المشاركه"),
            ("مستشفى", "مستشفي"),
            ("مسؤول", "مسئول"),
            ("الْمُشَارَكَةُ", "المشاركة"),
            ("المــشــاركة", "المشاركة"),
            ("شكراً", "شكرا"),
            ("ﻻ", "لا"),
            ("ﺍﻟﻤﺸﺎﺭﻛﺔ", "المشاركة"),
            ("ﷲ", "الله"),
            ("ی", "ي"),
            ("کتاب", "كتاب"),
            ("Ｐｏｌｉｃｙ", "policy"),
            ("Café", "cafe"),
            ("٢٠٢٦", "2026"),
            ("۲۰۲۶", "2026"),
            ("هٰذا", "هذا"),
        ] {
            assert_eq!(exact(a), exact(b), "{a} / {b}");
            assert_eq!(exact(a).len(), 1, "{a}");
        }
    }

    #[test]
    fn words_keep_their_place_in_the_original_text() {
        let text = "قال «المُواطنون»: the policy's 2nd draft!";
        let words = analyse(text);
        let spans: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(
            spans,
            ["قال", "المُواطنون", "the", "policy", "s", "2nd", "draft"]
        );
        assert_eq!(words[1].exact, "المواطنون");
        assert_eq!(words[6].position, 6);
    }

    #[test]
    fn a_number_against_an_arabic_word_is_a_word_of_its_own() {
        assert_eq!(exact("رؤية 2030م"), ["رءيه", "2030", "م"]);
        assert_eq!(exact("خلال ٣٠يوماً"), ["خلال", "30", "يوما"]);
        assert_eq!(exact("the 2nd draft"), ["the", "2nd", "draft"]);
    }

    #[test]
    fn stopwords_keep_an_exact_form_and_no_stems() {
        let words = analyse("the right of citizens في الرأي");
        assert!(words[0].stems.is_empty() && words[2].stems.is_empty());
        assert!(words[4].stems.is_empty());
        assert_eq!(words[0].exact, "the");
        assert_eq!(words[3].stems, ["citizen"]);
    }

    #[test]
    fn english_words_meet_by_their_stem() {
        for (a, b) in [
            ("consultation", "consultations"),
            ("participating", "participate"),
            ("policies", "policy"),
            ("Agencies", "agency"),
            ("responded", "responding"),
        ] {
            assert!(meet(a, b), "{a} / {b}");
        }
        assert!(!meet("policy", "police"));
    }

    #[test]
    fn arabic_word_forms_meet() {
        for (a, b) in [
            // Article, particles and their combinations.
            ("المواطن", "مواطن"),
            ("والمواطنين", "المواطن"),
            ("للمواطنين", "مواطن"),
            ("بالمشاركة", "مشاركة"),
            ("فالخدمة", "الخدمات"),
            ("كالقرار", "قرار"),
            // A single attached ل or ب, which light stemmers leave.
            ("لمشاركة", "المشاركة"),
            ("بمشاركة", "مشاركة"),
            // Plural and pronoun suffixes.
            ("المواطنون", "مواطن"),
            ("الخدمات", "خدمة"),
            ("حقوقهم", "الحقوق"),
            ("سياستها", "السياسة"),
            // Broken plurals, by their root.
            ("محضر", "محاضر"),
            ("قرار", "قرارات"),
            ("مشروع", "مشاريع"),
            // Roots that start with و, which "and" stripping would lose.
            ("وزارة", "الوزارات"),
            ("وثيقة", "الوثائق"),
            ("وطني", "الوطن"),
            // The tanween alef.
            ("قانوناً", "القانون"),
            ("رسمياً", "رسمي"),
            // Spelling variants.
            ("مسؤولية", "مسئولية"),
            ("الإدارة", "ادارة"),
        ] {
            assert!(meet(a, b), "{a} / {b}: {:?} {:?}", analyse(a), analyse(b));
        }
    }

    #[test]
    fn the_language_of_a_text() {
        assert_eq!(language_of("نرجو توضيح المادة الثالثة"), "ar");
        assert_eq!(language_of("Please clarify article three"), "en");
        assert_eq!(
            language_of("نرجو توضيح the privacy notice في المادة"),
            "mixed"
        );
        assert_eq!(language_of("2026"), "ar");
    }
}
