//! Drafts written as Markdown: split into clauses, rendered to safe HTML, written back.
//!
//! A heading (`## Section`) and each item of a top-level ordered list (`3. …`) start a
//! clause; other top-level blocks (paragraphs, bullet lists, tables) belong to an
//! unnumbered text clause. A clause's stable key travels in the Markdown as a marker
//! ` {#key}` at the end of its first line: exported drafts carry it, so that an edited
//! draft keeps its keys; clauses without one are matched to the previous version by
//! their text (see [`assign_keys`]), and only really new clauses get new keys.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use similar::TextDiff;

use crate::domain::draft::{ClauseKey, ClauseKind};

/// A clause as parsed from Markdown, before it has a key for sure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedClause {
    /// The key written in the clause's marker, if any.
    pub key: Option<ClauseKey>,
    pub kind: ClauseKind,
    pub level: u8,
    pub number: Option<u32>,
    /// Markdown of the clause without its marker, list number or `#`s.
    pub text: String,
}

/// A clause of a version: what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftClause {
    pub key: ClauseKey,
    pub kind: ClauseKind,
    pub level: u8,
    pub number: Option<u32>,
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Splits a Markdown draft into clauses, in document order.
pub fn parse(markdown: &str) -> Vec<ParsedClause> {
    let mut clauses: Vec<ParsedClause> = Vec::new();
    // Whether the last clause is a text clause that further top-level blocks extend.
    let mut open_text = false;
    let mut depth = 0usize;
    let mut list_start: Option<u64> = None;
    let mut item_index = 0u64;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                match (&tag, depth) {
                    (Tag::Heading { level, .. }, 0) => {
                        open_text = false;
                        let (key, text) = take_marker(&heading_text(&markdown[range.clone()]));
                        clauses.push(ParsedClause {
                            key,
                            kind: ClauseKind::Heading,
                            level: (*level as u8).clamp(2, 6),
                            number: None,
                            text,
                        });
                    }
                    (Tag::List(Some(start)), 0) => {
                        open_text = false;
                        list_start = Some(*start);
                        item_index = 0;
                    }
                    (Tag::Item, 1) if list_start.is_some() => {
                        let start = list_start.unwrap_or(1);
                        let (key, text) = take_marker(&item_text(&markdown[range.clone()]));
                        clauses.push(ParsedClause {
                            key,
                            kind: ClauseKind::Clause,
                            level: 0,
                            number: u32::try_from(start + item_index).ok(),
                            text,
                        });
                        item_index += 1;
                    }
                    (_, 0) => push_text_block(&mut clauses, &mut open_text, markdown, range),
                    _ => {}
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && matches!(tag, TagEnd::List(true)) {
                    list_start = None;
                }
            }
            // Top-level leaves: rules, HTML blocks (rendered inert later).
            _ if depth == 0 => push_text_block(&mut clauses, &mut open_text, markdown, range),
            _ => {}
        }
    }
    clauses
}

fn push_text_block(
    clauses: &mut Vec<ParsedClause>,
    open_text: &mut bool,
    markdown: &str,
    range: Range<usize>,
) {
    let block = markdown[range].trim_end_matches('\n');
    let (key, block) = take_marker(block);
    match clauses.last_mut() {
        Some(last) if *open_text && key.is_none() => {
            last.text.push_str("\n\n");
            last.text.push_str(&block);
        }
        _ => {
            clauses.push(ParsedClause {
                key,
                kind: ClauseKind::Text,
                level: 0,
                number: None,
                text: block,
            });
            *open_text = true;
        }
    }
}

/// The title of an ATX (`## Title ##`) or setext (`Title\n===`) heading.
fn heading_text(source: &str) -> String {
    let source = source.trim_end();
    if let Some(rest) = source.strip_prefix('#') {
        let rest = rest.trim_start_matches('#').trim();
        let rest = rest.trim_end_matches('#');
        return rest.trim_end().to_owned();
    }
    let mut lines: Vec<&str> = source.lines().collect();
    lines.pop();
    lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

/// The body of an ordered-list item: its number removed, continuation lines dedented.
fn item_text(source: &str) -> String {
    let lead = source.bytes().take_while(|b| *b == b' ').count();
    let digits = source[lead..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let after_delim = (lead + digits + 1).min(source.len());
    let spaces = source[after_delim..]
        .bytes()
        .take_while(|b| *b == b' ')
        .count()
        .min(4);
    let width = after_delim + spaces.max(1);
    let mut out = String::new();
    for (i, line) in source.trim_end().lines().enumerate() {
        if i == 0 {
            out.push_str(line.get(after_delim + spaces..).unwrap_or(""));
        } else {
            out.push('\n');
            let indent = line.bytes().take_while(|b| *b == b' ').count().min(width);
            out.push_str(&line[indent..]);
        }
    }
    out
}

/// Unicode LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE, which earlier exports
/// put around markers: still read, never written (staff copy and paste what is written).
const LTR_ISOLATE: char = '\u{2066}';
const POP_ISOLATE: char = '\u{2069}';

/// Splits ` {#key}` off the end of the first line, if it is a well-formed marker.
fn take_marker(text: &str) -> (Option<ClauseKey>, String) {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    let trimmed = first.trim_end().trim_end_matches(POP_ISOLATE);
    let found = trimmed
        .strip_suffix('}')
        .and_then(|t| t.rsplit_once("{#"))
        .and_then(|(before, key)| Some((before, key.parse::<ClauseKey>().ok()?)));
    let Some((before, key)) = found else {
        return (None, text.to_owned());
    };
    let mut out = before.trim_end_matches(LTR_ISOLATE).trim_end().to_owned();
    if let Some(rest) = rest {
        out.push('\n');
        out.push_str(rest);
    }
    (Some(key), out)
}

/// Writes clauses back as one Markdown document, each with its key marker, so that the
/// document parses back into the same clauses.
pub fn to_markdown(clauses: &[DraftClause]) -> String {
    let mut blocks = Vec::new();
    for clause in clauses {
        let text = clause.text.as_str();
        let (first, rest) = match text.split_once('\n') {
            Some((f, r)) => (f, Some(r)),
            None => (text, None),
        };
        // Plain ASCII: no invisible direction marks to travel with copied text.
        let marker = format!(" {{#{}}}", clause.key);
        let block = match clause.kind {
            ClauseKind::Heading => format!(
                "{} {}{marker}",
                "#".repeat(usize::from(clause.level.clamp(2, 6))),
                first.trim()
            ),
            ClauseKind::Clause => {
                let prefix = format!("{}. ", clause.number.unwrap_or(1));
                let pad = " ".repeat(prefix.len());
                let mut block = format!("{prefix}{first}{marker}");
                for line in rest.into_iter().flat_map(str::lines) {
                    block.push('\n');
                    if !line.is_empty() {
                        block.push_str(&pad);
                        block.push_str(line);
                    }
                }
                block
            }
            ClauseKind::Text => match rest {
                Some(rest) => format!("{first}{marker}\n{rest}"),
                None => format!("{first}{marker}"),
            },
        };
        blocks.push(block);
    }
    let mut doc = blocks.join("\n\n");
    doc.push('\n');
    doc
}

/// Renders a clause's Markdown to HTML that is safe to put in a page: no scripts, no
/// event handlers, no images (they would track readers), links marked as external.
pub fn render(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, options()));
    ammonia::Builder::default()
        .rm_tags(["img"])
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(&html)
        .to_string()
}

/// The words of a clause without its Markdown, cut to about `max` characters: a title
/// for tables of contents and link previews.
pub fn plain_title(text: &str, max: usize) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) if !out.is_empty() => break,
            _ => {}
        }
    }
    let out = out.trim();
    if out.chars().count() <= max {
        return out.to_owned();
    }
    let cut: String = out.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// The text of a clause as a reader sees it, without Markdown's marks: paragraphs and
/// list items on lines of their own (items after a bullet), for comparing versions
/// word by word.
pub fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("• ");
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_))
                if !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// How alike two texts are for [`assign_keys`] to call them the same clause.
const SAME_CLAUSE_RATIO: f32 = 0.5;

/// Gives every parsed clause its key: the one in its marker when that is well-formed
/// and not already taken; else the key of an unclaimed clause of the previous version
/// with the same text, or failing that with the most similar text; else a new key from
/// `fresh` (never one the previous version used).
pub fn assign_keys(
    previous: &[DraftClause],
    parsed: Vec<ParsedClause>,
    mut fresh: impl FnMut() -> ClauseKey,
) -> Vec<DraftClause> {
    let mut taken: HashSet<ClauseKey> = HashSet::new();
    let mut keys: Vec<Option<ClauseKey>> = parsed
        .iter()
        .map(|p| {
            p.key
                .as_ref()
                .filter(|k| taken.insert((*k).clone()))
                .cloned()
        })
        .collect();
    let unclaimed = |taken: &HashSet<ClauseKey>| {
        previous
            .iter()
            .filter(|old| !taken.contains(&old.key))
            .cloned()
            .collect::<Vec<_>>()
    };
    // Same text first, so that an unchanged clause is never claimed by a similar one.
    for (i, p) in parsed.iter().enumerate() {
        if keys[i].is_some() {
            continue;
        }
        if let Some(old) = unclaimed(&taken)
            .into_iter()
            .find(|old| old.kind == p.kind && old.text.trim() == p.text.trim())
        {
            taken.insert(old.key.clone());
            keys[i] = Some(old.key);
        }
    }
    // Then the most similar pairs, best first.
    let mut pairs = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        if keys[i].is_some() {
            continue;
        }
        for old in unclaimed(&taken) {
            if old.kind == p.kind {
                let ratio = TextDiff::from_words(old.text.as_str(), p.text.as_str()).ratio();
                if ratio >= SAME_CLAUSE_RATIO {
                    pairs.push((ratio, i, old.key));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, i, key) in pairs {
        if keys[i].is_none() && !taken.contains(&key) {
            taken.insert(key.clone());
            keys[i] = Some(key);
        }
    }
    let retired: HashSet<&str> = previous.iter().map(|c| c.key.as_str()).collect();
    parsed
        .into_iter()
        .zip(keys)
        .map(|(p, key)| {
            let key = key.unwrap_or_else(|| loop {
                let k = fresh();
                if !retired.contains(k.as_str()) && taken.insert(k.clone()) {
                    break k;
                }
            });
            DraftClause {
                key,
                kind: p.kind,
                level: p.level,
                number: p.number,
                text: p.text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "\
مقدمة الدليل.

## أحكام عامة

1. يهدف هذا الدليل إلى تنظيم المشاركة الإلكترونية.
2. تنشر الجهة المسودة قبل ثلاثين يوماً على الأقل.

   ويشمل ذلك المرفقات.
3. ترد الجهة على كل مساهمة.

## Security

4. Staff use **two-factor** sign-in.
";

    fn counter() -> impl FnMut() -> ClauseKey {
        let mut n = 0;
        move || {
            n += 1;
            key(&format!("new{n}"))
        }
    }

    fn key(k: &str) -> ClauseKey {
        k.parse().expect("a well-formed key")
    }

    #[test]
    fn headings_and_numbered_items_become_clauses() {
        let parsed = parse(DRAFT);
        let shape: Vec<_> = parsed
            .iter()
            .map(|c| (c.kind, c.number, c.text.as_str()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (ClauseKind::Text, None, "مقدمة الدليل."),
                (ClauseKind::Heading, None, "أحكام عامة"),
                (
                    ClauseKind::Clause,
                    Some(1),
                    "يهدف هذا الدليل إلى تنظيم المشاركة الإلكترونية."
                ),
                (
                    ClauseKind::Clause,
                    Some(2),
                    "تنشر الجهة المسودة قبل ثلاثين يوماً على الأقل.\n\nويشمل ذلك المرفقات."
                ),
                (ClauseKind::Clause, Some(3), "ترد الجهة على كل مساهمة."),
                (ClauseKind::Heading, None, "Security"),
                (
                    ClauseKind::Clause,
                    Some(4),
                    "Staff use **two-factor** sign-in."
                ),
            ]
        );
    }

    #[test]
    fn markdown_round_trips_with_keys() {
        let clauses = assign_keys(&[], parse(DRAFT), counter());
        let doc = to_markdown(&clauses);
        let again = parse(&doc);
        assert_eq!(again.len(), clauses.len());
        for (a, c) in again.iter().zip(&clauses) {
            assert_eq!(a.key.as_ref(), Some(&c.key));
            assert_eq!((a.kind, a.number, &a.text), (c.kind, c.number, &c.text));
        }
    }

    #[test]
    fn clause_keys_survive_edits_and_reordering() {
        let v1 = assign_keys(&[], parse(DRAFT), counter());
        let key_of = |text: &str| {
            v1.iter()
                .find(|c| c.text.starts_with(text))
                .map(|c| c.key.clone())
        };
        // Without markers: clause 3 moves first and its text changes, clause 1 changes,
        // a new clause appears.
        let edited = "\
مقدمة الدليل.

## أحكام عامة

1. ترد الجهة على كل مساهمة خلال واحد وعشرين يوماً.
2. يهدف هذا الدليل إلى تنظيم المشاركة الإلكترونية في الجهات الحكومية.
3. تنشر الجهة المسودة قبل ثلاثين يوماً على الأقل.

   ويشمل ذلك المرفقات.
4. تُبلّغ الجهة المساهم بالبريد عند الرد.

## Security

5. Staff use **two-factor** sign-in.
";
        let v2 = assign_keys(&v1, parse(edited), counter());
        assert_eq!(v2[2].key, key_of("ترد").expect("v1 clause 3"));
        assert_eq!(v2[3].key, key_of("يهدف").expect("v1 clause 1"));
        assert_eq!(v2[4].key, key_of("تنشر").expect("v1 clause 2"));
        assert_eq!(v2[5].key, "new8", "a new clause gets a new key");
        assert_eq!(v2[7].key, key_of("Staff").expect("v1 clause 4"));

        // With markers (an exported draft edited by hand): keys follow the markers even
        // when the text is rewritten completely.
        let mut exported = to_markdown(&v1);
        exported = exported.replace("ترد الجهة على كل مساهمة.", "نص جديد تماماً.");
        let v2 = assign_keys(&v1, parse(&exported), counter());
        let old: Vec<_> = v1.iter().map(|c| &c.key).collect();
        let new: Vec<_> = v2.iter().map(|c| &c.key).collect();
        assert_eq!(old, new);
    }

    #[test]
    fn markers_are_plain_ascii_and_isolated_ones_still_read() {
        let clauses = assign_keys(&[], parse("1. بند أول\n"), counter());
        let doc = to_markdown(&clauses);
        assert!(doc.contains("بند أول {#new1}"), "{doc:?}");
        assert!(!doc.chars().any(|c| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')), "{doc:?}");
        let typed = parse(&doc);
        let isolated = parse("1. بند أول \u{2066}{#new1}\u{2069}\n");
        assert_eq!(typed, isolated);
    }

    #[test]
    fn duplicate_or_malformed_markers_do_not_steal_keys() {
        let doc = "1. one {#same}\n2. two {#same}\n3. three {#Bad Key}\n";
        let clauses = assign_keys(&[], parse(doc), counter());
        assert_eq!(clauses[0].key, "same");
        assert_ne!(clauses[1].key, "same");
        assert_eq!(clauses[2].text, "three {#Bad Key}");
    }

    #[test]
    fn new_keys_never_reuse_a_retired_one() {
        let v1 = assign_keys(&[], parse("1. alpha beta gamma\n"), || key("old"));
        let mut offered = vec![key("fresh"), key("old")];
        let v2 = assign_keys(&v1, parse("1. something else entirely\n"), || {
            offered.pop().expect("two keys are enough")
        });
        assert_eq!(v2[0].key, "fresh");
    }

    #[test]
    fn plain_text_drops_the_marks_and_keeps_the_lines() {
        assert_eq!(
            plain_text("Staff use **two-factor** sign-in:\n\n- an app\n- a *key*"),
            "Staff use two-factor sign-in:\n• an app\n• a key"
        );
        assert_eq!(plain_text("ترد `الجهة`\nخلال يوم."), "ترد الجهة خلال يوم.");
    }

    #[test]
    fn titles_are_plain_text_cut_at_a_word() {
        assert_eq!(
            plain_title("**Staff** use `TOTP`.\n\nMore.", 80),
            "Staff use TOTP."
        );
        assert_eq!(
            plain_title("ترد الجهة على كل مساهمة خلال واحد وعشرين يوماً", 20),
            "ترد الجهة على كل…"
        );
    }

    #[test]
    fn rendering_is_sanitised() {
        let html = render("Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://example.org)");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer\""),
            "{html}"
        );
    }
}
