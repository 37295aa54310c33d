//! Arabic stems and roots of a word already normalised by
//! [`super::analysis::normalise`] (so ة is ه, ى is ي, ؤ and ئ are ء, one alef).
//!
//! Two steps, both on every reading of the word's first letters:
//! - a **light stemmer** (after Larkey's Light10, the one Lucene uses) that removes
//!   the article with its particles (ال وال بال كال فال لل) and the plural, dual and
//!   pronoun suffixes, a final alef that may be the tanween's (قانوناً), and a ta marbuta that became ت
//!   before a pronoun (سياستها → سياس);
//! - a **root extractor** after ISRI (Taghva, Elkhoury and Coombs, 2005, as NLTK
//!   writes it), which matches the word's shape against the patterns of derived forms
//!   and broken plurals (مفاعل, فعائل, افتعال…) and keeps the three root letters;
//!   with the patterns مفاعيل, فعيلة and فعلاء added (مشاريع → شرع, مدينة → مدن,
//!   وزراء → وزر), أفعال plurals read before their suffixes (أوقات → وقت), a two-letter
//!   word's root doubled (حق → حقق) and a weak or hamza last letter unified (عضو,
//!   أعضاء → عضي).

/// The light stems and roots of `word`, none repeated (see the module's documentation).
pub fn stems_and_roots(word: &str) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut readings: Vec<&[char]> = vec![&w];
    // و and ف are "and", "so" — or the word's first letter (وزارة, فكرة).
    if w.len() >= 4 && matches!(w[0], 'و' | 'ف') {
        readings.push(&w[1..]);
    }
    let mut bare: Vec<&[char]> = Vec::new();
    for r in readings {
        match strip_article(r) {
            Some(rest) => {
                bare.push(rest);
                // A short word may only look like it has the article (آلية → الية).
                if rest.len() <= 3 {
                    bare.push(r);
                }
            }
            None => {
                bare.push(r);
                // ب ل ك are "with", "for", "like" — or part of the word (برنامج).
                if r.len() >= 4 && matches!(r[0], 'ب' | 'ل' | 'ك') {
                    bare.push(&r[1..]);
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let push = |term: Vec<char>, out: &mut Vec<String>| {
        let term: String = term.into_iter().collect();
        if !term.is_empty() && !out.contains(&term) {
            out.push(term);
        }
    };
    for b in &bare {
        for stem in light_stems(b) {
            push(stem, &mut out);
        }
    }
    for b in &bare {
        let r = root(b);
        if r.len() >= 3 {
            push(r, &mut out);
        }
    }
    out
}

/// The article and the particles before it, when enough of the word is left.
fn strip_article(w: &[char]) -> Option<&[char]> {
    const PREFIXES: [&[char]; 6] = [
        &['و', 'ا', 'ل'],
        &['ب', 'ا', 'ل'],
        &['ك', 'ا', 'ل'],
        &['ف', 'ا', 'ل'],
        &['ل', 'ل'],
        &['ا', 'ل'],
    ];
    PREFIXES
        .iter()
        .find(|p| w.len() >= p.len() + 2 && w.starts_with(p))
        .map(|p| &w[p.len()..])
}

/// Suffixes removed in this order, each when at least two letters remain (Light10's,
/// with the pronouns نا, هم and كم).
const SUFFIXES: [&[char]; 11] = [
    &['ه', 'ا'],
    &['ن', 'ا'],
    &['ا', 'ن'],
    &['ا', 'ت'],
    &['و', 'ن'],
    &['ي', 'ن'],
    &['ي', 'ه'],
    &['ه', 'م'],
    &['ك', 'م'],
    &['ه'],
    &['ي'],
];

/// Pronouns after which a ta marbuta is written ت.
fn is_pronoun(s: &[char]) -> bool {
    matches!(
        s,
        ['ه', 'ا'] | ['ن', 'ا'] | ['ه', 'م'] | ['ك', 'م'] | ['ه'] | ['ي']
    )
}

/// The light stems of a word without its prefixes: one, and a second when a final
/// alef may be the tanween's (قانوناً) rather than part of a suffix (حقوقنا).
fn light_stems(w: &[char]) -> Vec<Vec<char>> {
    let mut out = suffix_pass(w);
    if w.len() >= 4 && w.last() == Some(&'ا') {
        for stem in suffix_pass(&w[..w.len() - 1]) {
            if !out.contains(&stem) {
                out.push(stem);
            }
        }
    }
    out
}

fn suffix_pass(w: &[char]) -> Vec<Vec<char>> {
    let mut stem = w;
    let mut after_pronoun = false;
    for s in SUFFIXES {
        if stem.len() >= s.len() + 2 && stem.ends_with(s) {
            stem = &stem[..stem.len() - s.len()];
            after_pronoun |= is_pronoun(s);
        }
    }
    let mut out = vec![stem.to_vec()];
    // Before a pronoun a ta marbuta is written ت (سياستها) and an alef maqsura ا
    // (مستواها): the word without it is the stem too.
    if after_pronoun && stem.len() >= 4 && matches!(stem.last(), Some('ت' | 'ا')) {
        out.push(stem[..stem.len() - 1].to_vec());
    }
    out
}

// ---------------------------------------------------------------------------------
// The root extractor (ISRI).

const P3: [&[char]; 4] = [
    &['ك', 'ا', 'ل'],
    &['ب', 'ا', 'ل'],
    &['و', 'ل', 'ل'],
    &['و', 'ا', 'ل'],
];
const P2: [&[char]; 2] = [&['ا', 'ل'], &['ل', 'ل']];
const P1: [char; 9] = ['ل', 'ب', 'ف', 'س', 'و', 'ي', 'ت', 'ن', 'ا'];
const S3: [&[char]; 5] = [
    &['ت', 'م', 'ل'],
    &['ه', 'م', 'ل'],
    &['ت', 'ا', 'ن'],
    &['ت', 'ي', 'ن'],
    &['ك', 'م', 'ل'],
];
const S2: [&[char]; 16] = [
    &['و', 'ن'],
    &['ا', 'ت'],
    &['ا', 'ن'],
    &['ي', 'ن'],
    &['ت', 'ن'],
    &['ك', 'م'],
    &['ه', 'ن'],
    &['ن', 'ا'],
    &['ي', 'ا'],
    &['ه', 'ا'],
    &['ت', 'م'],
    &['ك', 'ن'],
    &['ن', 'ي'],
    &['و', 'ا'],
    &['م', 'ا'],
    &['ه', 'م'],
];
const S1: [char; 6] = ['ه', 'ي', 'ك', 'ت', 'ا', 'ن'];

/// The root of a normalised Arabic word (ISRI). Words of three letters or fewer are
/// their own root; a word no pattern fits keeps what is left of it.
pub fn root(word: &[char]) -> Vec<char> {
    let mut root = isri(word);
    // Two letters: a doubled root (حق → حقق, like حقوق).
    if root.len() == 2 {
        root.push(root[1]);
    }
    // A weak or hamza last letter is written و, ي, ا or ء depending on the form
    // (عضو, أعضاء; مبدأ, مبادئ): one letter for all of them.
    if root.len() == 3 && matches!(root[2], 'و' | 'ي' | 'ا' | 'ء') {
        root[2] = 'ي';
    }
    root
}

fn isri(word: &[char]) -> Vec<char> {
    let mut w = word.to_vec();
    // أفعال plurals before the suffixes are taken off (أوقات would lose its ات).
    if let ['ا', a, b, 'ا', c] = w[..] {
        return vec![a, b, c];
    }
    pre32(&mut w);
    suf32(&mut w);
    if w.len() >= 4 && w[0] == 'و' && w[1] == 'و' {
        w.remove(0);
    }
    match w.len() {
        4 => pro_w4(&mut w),
        5 => {
            pro_w53(&mut w);
            end_w5(&mut w);
        }
        6 => {
            pro_w6(&mut w);
            end_w6(&mut w);
        }
        7 => {
            suf1(&mut w);
            if w.len() == 7 {
                pre1(&mut w);
            }
            if w.len() == 6 {
                pro_w6(&mut w);
                end_w6(&mut w);
            }
        }
        _ => {}
    }
    w
}

fn pre32(w: &mut Vec<char>) {
    if w.len() >= 6 {
        if let Some(p) = P3.iter().find(|p| w.starts_with(p)) {
            w.drain(..p.len());
            return;
        }
    }
    if w.len() >= 5 {
        if let Some(p) = P2.iter().find(|p| w.starts_with(p)) {
            w.drain(..p.len());
        }
    }
}

fn suf32(w: &mut Vec<char>) {
    if w.len() >= 6 {
        if let Some(s) = S3.iter().find(|s| w.ends_with(s)) {
            w.truncate(w.len() - s.len());
            return;
        }
    }
    if w.len() >= 5 {
        if let Some(s) = S2.iter().find(|s| w.ends_with(s)) {
            w.truncate(w.len() - s.len());
        }
    }
}

fn suf1(w: &mut Vec<char>) {
    if w.last().is_some_and(|c| S1.contains(c)) {
        w.pop();
    }
}

fn pre1(w: &mut Vec<char>) {
    if w.first().is_some_and(|c| P1.contains(c)) {
        w.remove(0);
    }
}

fn keep(w: &mut Vec<char>, letters: &[usize]) {
    *w = letters.iter().map(|&i| w[i]).collect();
}

fn pro_w4(w: &mut Vec<char>) {
    if w[0] == 'م' {
        w.remove(0);
    } else if w[1] == 'ا' {
        w.remove(1);
    } else if matches!(w[2], 'ا' | 'و' | 'ي') {
        w.remove(2);
    } else if w[3] == 'ه' {
        w.pop();
    } else {
        suf1(w);
        if w.len() == 4 {
            pre1(w);
        }
    }
}

fn pro_w53(w: &mut Vec<char>) {
    let c = |i: usize| w[i];
    if c(2) == 'ي' && c(4) == 'ه' {
        // فعيلة (added: مدينة, وثيقة; ISRI read them as مفعلة)
        keep(w, &[0, 1, 3]);
    } else if c(3) == 'ا' && c(4) == 'ء' && c(0) != 'ا' {
        // فعلاء (added: وزراء, علماء)
        keep(w, &[0, 1, 2]);
    } else if matches!(c(2), 'ا' | 'ت') && c(0) == 'ا' {
        // افتعل, افاعل
        keep(w, &[1, 3, 4]);
    } else if matches!(c(3), 'ا' | 'ي' | 'و') && c(0) == 'م' {
        // مفعول, مفعال, مفعيل
        keep(w, &[1, 2, 4]);
    } else if matches!(c(0), 'ا' | 'ت' | 'م') && c(4) == 'ه' {
        // مفعلة, تفعلة, افعلة
        keep(w, &[1, 2, 3]);
    } else if matches!(c(0), 'م' | 'ي' | 'ت') && c(2) == 'ت' {
        // مفتعل, يفتعل, تفتعل
        keep(w, &[1, 3, 4]);
    } else if matches!(c(0), 'م' | 'ت') && c(2) == 'ا' {
        // مفاعل, تفاعل
        keep(w, &[1, 3, 4]);
    } else if matches!(c(2), 'ا' | 'و') && c(4) == 'ه' {
        // فعولة, فعالة
        keep(w, &[0, 1, 3]);
    } else if matches!(c(0), 'ا' | 'م') && c(1) == 'ن' {
        // انفعل, منفعل
        keep(w, &[2, 3, 4]);
    } else if c(3) == 'ا' && c(0) == 'ا' {
        // افعال
        keep(w, &[1, 2, 4]);
    } else if c(4) == 'ن' && c(3) == 'ا' {
        // فعلان
        keep(w, &[0, 1, 2]);
    } else if c(3) == 'ي' && c(0) == 'ت' {
        // تفعيل
        keep(w, &[1, 2, 4]);
    } else if c(3) == 'و' && c(1) == 'ا' {
        // فاعول
        keep(w, &[0, 2, 4]);
    } else if c(2) == 'ا' && c(1) == 'و' {
        // فواعل
        keep(w, &[0, 3, 4]);
    } else if c(3) == 'ء' && c(2) == 'ا' {
        // فعائل
        keep(w, &[0, 1, 4]);
    } else if c(4) == 'ه' && c(1) == 'ا' {
        // فاعلة
        keep(w, &[0, 2, 3]);
    } else if c(4) == 'ي' && c(2) == 'ا' {
        // فعالي
        keep(w, &[0, 1, 3]);
    } else {
        suf1(w);
        if w.len() == 5 {
            pre1(w);
        }
    }
}

fn pro_w54(w: &mut Vec<char>) {
    if matches!(w[0], 'ا' | 'ت' | 'م') {
        // تفعلل, افعلل, مفعلل
        w.remove(0);
    } else if w[4] == 'ه' {
        // فعللة
        w.pop();
    } else if w[2] == 'ا' {
        // فعالل
        w.remove(2);
    }
}

fn end_w5(w: &mut Vec<char>) {
    match w.len() {
        4 => pro_w4(w),
        5 => pro_w54(w),
        _ => {}
    }
}

fn pro_w6(w: &mut Vec<char>) {
    if w.starts_with(&['ا', 'س', 'ت']) || w.starts_with(&['م', 'س', 'ت']) {
        // استفعل, مستفعل
        w.drain(..3);
    } else if w[0] == 'م' && w[3] == 'ا' && w[5] == 'ه' {
        // مفعالة
        keep(w, &[1, 2, 4]);
    } else if w[0] == 'ا' && w[2] == 'ت' && w[4] == 'ا' {
        // افتعال
        keep(w, &[1, 3, 5]);
    } else if w[0] == 'ا' && w[3] == 'و' && w[2] == w[4] {
        // افعوعل
        keep(w, &[1, 4, 5]);
    } else if matches!(w[0], 'ت' | 'م') && w[2] == 'ا' && w[4] == 'ي' {
        // تفاعيل, مفاعيل
        keep(w, &[1, 3, 5]);
    } else {
        suf1(w);
        if w.len() == 6 {
            pre1(w);
        }
    }
}

fn pro_w64(w: &mut Vec<char>) {
    if w[0] == 'ا' && w[4] == 'ا' {
        // افعلال
        keep(w, &[1, 2, 3, 5]);
    } else if w.starts_with(&['م', 'ت']) {
        // متفعلل
        w.drain(..2);
    }
}

fn end_w6(w: &mut Vec<char>) {
    match w.len() {
        5 => {
            pro_w53(w);
            end_w5(w);
        }
        6 => pro_w64(w),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_of(word: &str) -> String {
        root(&word.chars().collect::<Vec<_>>())
            .into_iter()
            .collect()
    }

    #[test]
    fn roots_of_derived_forms_and_broken_plurals() {
        for (word, expected) in [
            ("محضر", "حضر"),
            ("محاضر", "حضر"),
            ("مواطن", "وطن"),
            ("وزاره", "وزر"),
            ("وزارات", "وزر"),
            ("وثاءق", "وثق"),
            ("مشروع", "شرع"),
            ("مشاريع", "شرع"),
            ("استخدام", "خدم"),
            ("مستخدم", "خدم"),
            ("اجتماع", "جمع"),
            ("تطبيق", "طبق"),
            ("قرار", "قرر"),
            ("كتب", "كتب"),
        ] {
            assert_eq!(root_of(word), expected, "{word}");
        }
    }

    #[test]
    fn light_stems_keep_every_reading_of_the_first_letters() {
        let stems = stems_and_roots("وزاره");
        assert!(stems.contains(&"وزار".to_owned()), "{stems:?}");
        assert!(stems.contains(&"وزر".to_owned()), "{stems:?}");
        let stems = stems_and_roots("برنامج");
        assert!(stems.contains(&"برنامج".to_owned()), "{stems:?}");
        let stems = stems_and_roots("سياستها");
        assert!(stems.contains(&"سياس".to_owned()), "{stems:?}");
    }
}
