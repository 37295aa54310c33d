//! The comparison of two versions of a draft: clause by clause (by stable key), then
//! word by word inside a clause whose text changed.
//!
//! Words are compared in logical (typing) order, never visual order, so the result is
//! the same for Arabic and English; the page lays each clause out with its own
//! direction.

use std::collections::{HashMap, HashSet};

use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};

use crate::domain::draft::{ClauseChange, ClauseDiff, ClauseKind, DiffSegment, SegmentOp};
use crate::domain::{ClauseKey, Lang};
use crate::ssr::consultations::store::StoredClause;

/// One clause of a version, with its text in the language being compared.
#[derive(Debug, Clone)]
pub struct ComparedClause {
    pub key: ClauseKey,
    pub kind: ClauseKind,
    pub number: Option<u32>,
    pub text: String,
}

/// The time all word diffs of one comparison may take. Past it, a changed clause is
/// shown as its old text removed and its new text added: still true, only coarser.
/// Myers' diff is quadratic in the worst case, and a draft is up to 200 000 characters.
pub const WORD_DIFF_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// Compares `old` and `new`, giving every clause of either once, in the new version's
/// order with removed clauses where they used to be.
pub fn compare(old: &[ComparedClause], new: &[ComparedClause], lang: Lang) -> Vec<ClauseDiff> {
    let deadline = std::time::Instant::now() + WORD_DIFF_BUDGET;
    let old_keys: HashSet<&str> = old.iter().map(|c| c.key.as_str()).collect();
    let new_keys: HashSet<&str> = new.iter().map(|c| c.key.as_str()).collect();
    let old_by_key: HashMap<&str, &ComparedClause> =
        old.iter().map(|c| (c.key.as_str(), c)).collect();

    // Clauses kept in both versions whose relative order is preserved (a longest common
    // subsequence of keys); the other kept clauses have moved.
    let old_common: Vec<&str> = old
        .iter()
        .map(|c| c.key.as_str())
        .filter(|k| new_keys.contains(k))
        .collect();
    let new_common: Vec<&str> = new
        .iter()
        .map(|c| c.key.as_str())
        .filter(|k| old_keys.contains(k))
        .collect();
    let mut in_place: HashSet<&str> = HashSet::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_common, &new_common) {
        if let DiffOp::Equal { old_index, len, .. } = op {
            in_place.extend(&old_common[old_index..old_index + len]);
        }
    }

    // Removed clauses go after the last clause that preceded them in the old version.
    let mut removed_after: HashMap<Option<&str>, Vec<&ComparedClause>> = HashMap::new();
    let mut previous_kept: Option<&str> = None;
    for c in old {
        if new_keys.contains(c.key.as_str()) {
            previous_kept = Some(c.key.as_str());
        } else {
            removed_after.entry(previous_kept).or_default().push(c);
        }
    }

    let mut rows = Vec::with_capacity(old.len().max(new.len()));
    let push_removed = |rows: &mut Vec<ClauseDiff>, after: Option<&str>| {
        for c in removed_after.get(&after).into_iter().flatten() {
            rows.push(ClauseDiff {
                key: c.key.clone(),
                kind: c.kind,
                change: ClauseChange::Removed,
                words_changed: false,
                old_number: c.number,
                new_number: None,
                segments: vec![segment(SegmentOp::Delete, &c.text)],
                lang,
            });
        }
    };
    push_removed(&mut rows, None);
    for c in new {
        match old_by_key.get(c.key.as_str()) {
            None => rows.push(ClauseDiff {
                key: c.key.clone(),
                kind: c.kind,
                change: ClauseChange::Added,
                words_changed: false,
                old_number: None,
                new_number: c.number,
                segments: vec![segment(SegmentOp::Insert, &c.text)],
                lang,
            }),
            Some(o) => {
                let words_changed = o.text != c.text;
                let change = if !in_place.contains(c.key.as_str()) {
                    ClauseChange::Moved
                } else if words_changed {
                    ClauseChange::Changed
                } else {
                    ClauseChange::Unchanged
                };
                let segments = if words_changed {
                    word_diff(&o.text, &c.text, deadline)
                } else {
                    vec![segment(SegmentOp::Equal, &c.text)]
                };
                rows.push(ClauseDiff {
                    key: c.key.clone(),
                    kind: c.kind,
                    change,
                    words_changed,
                    old_number: o.number,
                    new_number: c.number,
                    segments,
                    lang,
                });
                push_removed(&mut rows, Some(c.key.as_str()));
            }
        }
    }
    rows
}

/// The clauses a version added, changed (in words) or removed against the one before:
/// added and changed ones in the version's order, then the removed ones by their old
/// number. A removed clause is named by its key in `previous`. Moves alone are no change.
pub fn changed_clauses<'a>(
    previous: &'a [StoredClause],
    current: &'a [StoredClause],
) -> Vec<(ClauseChange, &'a StoredClause)> {
    let before: HashMap<&ClauseKey, &StoredClause> =
        previous.iter().map(|cl| (&cl.key, cl)).collect();
    let kept: HashSet<&ClauseKey> = current.iter().map(|cl| &cl.key).collect();
    let mut out: Vec<(ClauseChange, &StoredClause)> = current
        .iter()
        .filter_map(|cl| match before.get(&cl.key) {
            None => Some((ClauseChange::Added, cl)),
            Some(p) if p.text != cl.text => Some((ClauseChange::Changed, cl)),
            Some(_) => None,
        })
        .collect();
    let mut removed: Vec<&StoredClause> =
        previous.iter().filter(|p| !kept.contains(&p.key)).collect();
    removed.sort_by_key(|p| p.number);
    out.extend(removed.into_iter().map(|p| (ClauseChange::Removed, p)));
    out
}

fn segment(op: SegmentOp, text: &str) -> DiffSegment {
    DiffSegment {
        op,
        text: text.to_owned(),
    }
}

/// Word-by-word differences, consecutive words of the same kind joined into one run;
/// coarser (whole runs) once `deadline` has passed.
pub fn word_diff(old: &str, new: &str, deadline: std::time::Instant) -> Vec<DiffSegment> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(deadline)
        .diff_words(old, new);
    let mut out: Vec<DiffSegment> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => SegmentOp::Equal,
            ChangeTag::Insert => SegmentOp::Insert,
            ChangeTag::Delete => SegmentOp::Delete,
        };
        let text = change.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(segment(op, text)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_its_deadline_the_word_diff_is_coarser_but_still_true() {
        let old = "ترد الجهة على كل مشاركة خلال ثلاثين يوماً من تاريخ نشرها";
        let new = "ترد الجهة على كل مشاركة خلال واحد وعشرين يوماً من تاريخ إغلاق الاستشارة";
        for deadline in [
            std::time::Instant::now(),
            std::time::Instant::now() + WORD_DIFF_BUDGET,
        ] {
            let segs = word_diff(old, new, deadline);
            let side = |keep: SegmentOp| -> String {
                segs.iter()
                    .filter(|s| s.op == SegmentOp::Equal || s.op == keep)
                    .map(|s| s.text.as_str())
                    .collect()
            };
            assert_eq!(side(SegmentOp::Delete), old);
            assert_eq!(side(SegmentOp::Insert), new);
        }
    }

    fn clause(key: &str, text: &str) -> ComparedClause {
        ComparedClause {
            key: key.parse().expect("a well-formed key"),
            kind: ClauseKind::Clause,
            number: None,
            text: text.to_owned(),
        }
    }

    fn changes(rows: &[ClauseDiff]) -> Vec<(&str, ClauseChange)> {
        rows.iter().map(|r| (r.key.as_str(), r.change)).collect()
    }

    #[test]
    fn classifies_every_clause_once() {
        let old = [
            clause("aa", "أولاً"),
            clause("bb", "ثانياً"),
            clause("cc", "ثالثاً"),
            clause("dd", "رابعاً"),
        ];
        let new = [
            clause("aa", "أولاً"),
            clause("cc", "ثالثاً"),
            clause("bb", "ثانياً معدلة"),
            clause("ee", "جديد"),
        ];
        let rows = compare(&old, &new, Lang::Ar);
        assert_eq!(
            changes(&rows),
            // bb and cc swapped: one of them moved (the longest common order keeps aa, bb);
            // dd was removed after cc, where it used to be.
            vec![
                ("aa", ClauseChange::Unchanged),
                ("cc", ClauseChange::Moved),
                ("dd", ClauseChange::Removed),
                ("bb", ClauseChange::Changed),
                ("ee", ClauseChange::Added),
            ]
        );
        assert!(rows[3].words_changed && !rows[1].words_changed);
    }

    #[test]
    fn words_keep_their_logical_order_in_arabic() {
        let later = std::time::Instant::now() + WORD_DIFF_BUDGET;
        let segs = word_diff(
            "ترد الجهة خلال ثلاثين يوماً",
            "ترد الجهة خلال واحد وعشرين يوماً",
            later,
        );
        let joined_new: String = segs
            .iter()
            .filter(|s| s.op != SegmentOp::Delete)
            .map(|s| s.text.as_str())
            .collect();
        let joined_old: String = segs
            .iter()
            .filter(|s| s.op != SegmentOp::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(joined_new, "ترد الجهة خلال واحد وعشرين يوماً");
        assert_eq!(joined_old, "ترد الجهة خلال ثلاثين يوماً");
        assert!(segs
            .iter()
            .any(|s| s.op == SegmentOp::Delete && s.text.contains("ثلاثين")));
    }

    #[test]
    fn removed_first_clause_stays_first() {
        let old = [clause("aa", "x"), clause("bb", "y")];
        let new = [clause("bb", "y")];
        let rows = compare(&old, &new, Lang::En);
        assert_eq!(
            changes(&rows),
            vec![
                ("aa", ClauseChange::Removed),
                ("bb", ClauseChange::Unchanged)
            ]
        );
    }
}
