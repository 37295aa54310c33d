//! The workshop feedback sheet: a CSV file an organiser fills in during or after a
//! workshop, one row per contribution (`docs/workshop-feedback.md`). Reading it finds
//! every mistake in the file at once, so that the whole sheet can be corrected and sent
//! again; whether each row is a valid contribution is decided by
//! `contributions::received::check`, as for the one-at-a-time form.

use crate::contributions::form::received as column;
use crate::domain::contribution::{OrgKind, Voice};
use crate::domain::workshop::{MAX_SHEET_BYTES, MAX_SHEET_ROWS};
use crate::forms::{FormMessage, RowProblem};
use crate::ssr::contributions::received::Entry;

/// The sheet's columns, each with the header names it is known by (English first:
/// that is the documented one). `text` and `speaker` are required.
const COLUMNS: [(&str, &[&str]); 7] = [
    (column::CLAUSE, &["clause", "البند", "رقم البند"]),
    (column::SPEAKER, &["speaker", "المتحدث", "صفة المتحدث"]),
    (column::NAME, &["name", "الاسم"]),
    (
        column::CONSENT,
        &["consent", "الموافقة", "موافقة على النشر"],
    ),
    (
        column::ORGANISATION,
        &["organisation", "organization", "الجهة", "اسم الجهة"],
    ),
    (
        column::ORGANISATION_KIND,
        &["organisation_kind", "organization_kind", "نوع الجهة"],
    ),
    (column::TEXT, &["text", "النص", "الملاحظة"]),
];
const REQUIRED: [&str; 2] = [column::SPEAKER, column::TEXT];

/// The header row of an empty sheet: the columns' names in `lang` (each is read in
/// either language).
pub fn header(lang: crate::domain::Lang) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|(code, names)| match lang {
            crate::domain::Lang::Ar => names.get(1).copied().unwrap_or(code),
            crate::domain::Lang::En => code,
        })
        .collect()
}

/// Why a sheet could not be taken: a message about the file, and the mistakes of each
/// row (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub summary: FormMessage,
    pub rows: Vec<RowProblem>,
}

impl Rejected {
    fn file(summary: FormMessage) -> Rejected {
        Rejected {
            summary,
            rows: Vec::new(),
        }
    }
}

fn normalised(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

fn column_of(header: &str) -> Option<&'static str> {
    let h = normalised(header);
    COLUMNS
        .iter()
        .find(|(_, names)| names.iter().any(|n| normalised(n) == h))
        .map(|(c, _)| *c)
}

/// The separator of the file: spreadsheets in some locales write `;` or a tab.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .filter(|d| first.as_bytes().contains(d))
        .unwrap_or(b',')
}

fn voice(value: &str) -> Result<Option<Voice>, FormMessage> {
    Ok(Some(match value.trim().to_lowercase().as_str() {
        "" => return Ok(None),
        "person" | "individual" | "فرد" | "شخص" => Voice::Person,
        "organisation" | "organization" | "جهة" | "منظمة" => Voice::Organisation,
        "group" | "مجموعة" => Voice::Group,
        _ => return Err(FormMessage::ValueUnknown),
    }))
}

fn consent(value: &str) -> Result<bool, FormMessage> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "نعم" => Ok(true),
        "" | "no" | "n" | "false" | "0" | "لا" => Ok(false),
        _ => Err(FormMessage::ValueUnknown),
    }
}

fn org_kind(value: &str) -> Result<Option<OrgKind>, FormMessage> {
    Ok(Some(match value.trim().to_lowercase().as_str() {
        "" => return Ok(None),
        "agency" | "government" | "جهة حكومية" | "حكومية" => OrgKind::Agency,
        "company" | "شركة" => OrgKind::Company,
        "ngo" | "منظمة غير ربحية" | "جمعية" => OrgKind::Ngo,
        "academic" | "أكاديمية" | "جامعة" => OrgKind::Academic,
        _ => return Err(FormMessage::ValueUnknown),
    }))
}

/// The rows of `bytes` as entries, each with its line; or every mistake found.
pub fn read(bytes: &[u8]) -> Result<Vec<(u32, Entry)>, Rejected> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(Rejected::file(FormMessage::FileTooLarge));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text =
        std::str::from_utf8(bytes).map_err(|_| Rejected::file(FormMessage::SheetUnreadable))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(_)) => return Err(Rejected::file(FormMessage::SheetUnreadable)),
        None => return Err(Rejected::file(FormMessage::SheetEmpty)),
    };
    let mut problems = Vec::new();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for name in header.iter() {
        let found = column_of(name).filter(|c| !columns.contains(&Some(*c)));
        if found.is_none() && !name.trim().is_empty() {
            problems.push(RowProblem {
                line: 1,
                column: name.trim().to_owned(),
                message: FormMessage::SheetColumnUnknown,
            });
        }
        columns.push(found);
    }
    for required in REQUIRED {
        if !columns.contains(&Some(required)) {
            problems.push(RowProblem {
                line: 1,
                column: required.to_owned(),
                message: FormMessage::SheetColumnMissing,
            });
        }
    }
    if !problems.is_empty() {
        return Err(Rejected {
            summary: FormMessage::SheetRejected,
            rows: problems,
        });
    }
    let mut entries = Vec::new();
    let (mut lines, mut counted_to) = (0, 0);
    for record in records {
        let record = record.map_err(|_| Rejected::file(FormMessage::SheetUnreadable))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if entries.len() >= MAX_SHEET_ROWS {
            return Err(Rejected::file(FormMessage::SheetTooManyRows));
        }
        // The line the row starts on, counted from the bytes: whatever the line endings
        // (spreadsheets write CR LF) and however many lines a quoted text takes.
        let mut start = record
            .position()
            .map_or(counted_to, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .min(text.len());
        // After a CR LF the reader stands on its LF: the row starts past the line ends.
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > counted_to {
            lines += text.as_bytes()[counted_to..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = start;
        }
        let line = u32::try_from(lines + 1).unwrap_or(u32::MAX);
        let mut entry = Entry::default();
        let mut problem = |column: &str, message| {
            problems.push(RowProblem {
                line,
                column: column.to_owned(),
                message,
            })
        };
        for (i, cell) in record.iter().enumerate() {
            let Some(Some(c)) = columns.get(i) else {
                if !cell.trim().is_empty() {
                    problem(&format!("#{}", i + 1), FormMessage::SheetColumnUnknown);
                }
                continue;
            };
            match *c {
                column::CLAUSE => entry.clause = cell.to_owned(),
                column::SPEAKER => match voice(cell) {
                    Ok(v) => entry.voice = v,
                    Err(m) => problem(c, m),
                },
                column::NAME => entry.name = cell.to_owned(),
                column::CONSENT => match consent(cell) {
                    Ok(v) => entry.consent = v,
                    Err(m) => problem(c, m),
                },
                column::ORGANISATION => entry.organisation = cell.to_owned(),
                column::ORGANISATION_KIND => match org_kind(cell) {
                    Ok(v) => entry.organisation_kind = v,
                    Err(m) => problem(c, m),
                },
                _ => entry.text = cell.to_owned(),
            }
        }
        entries.push((line, entry));
    }
    if entries.is_empty() && problems.is_empty() {
        return Err(Rejected::file(FormMessage::SheetEmpty));
    }
    if !problems.is_empty() {
        return Err(Rejected {
            summary: FormMessage::SheetRejected,
            rows: problems,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_headers_values_bom_and_quoted_lines_are_read() {
        let sheet = "\u{feff}البند;المتحدث;الاسم;الموافقة;النص\n\
                     ٣;فرد;سارة;نعم;\"سطر أول\nسطر ثانٍ\"\n\
                     ;مجموعة;;;رأي المجموعة\n";
        let rows = read(sheet.as_bytes()).expect("read");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.clause, "٣");
        assert_eq!(rows[0].1.voice, Some(Voice::Person));
        assert!(rows[0].1.consent);
        assert_eq!(rows[0].1.text, "سطر أول\nسطر ثانٍ");
        // The quoted text took two lines: the next row starts on line 4.
        assert_eq!(rows[1].0, 4);
        // The same with the CR LF line ends spreadsheets write.
        let crlf = read(sheet.replace('\n', "\r\n").as_bytes()).expect("read");
        assert_eq!(crlf.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(crlf[0].1.text, "سطر أول\r\nسطر ثانٍ");
        assert_eq!(rows[1].1.voice, Some(Voice::Group));
    }

    #[test]
    fn every_bad_value_is_named_with_its_line_and_column() {
        let sheet = "speaker,consent,organisation_kind,text\n\
                     person,yes,,fine\n\
                     somebody,maybe,,bad\n\
                     organisation,no,club,bad too\n";
        let err = read(sheet.as_bytes()).expect_err("rejected");
        assert_eq!(err.summary, FormMessage::SheetRejected);
        let named: Vec<(u32, &str)> = err
            .rows
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            named,
            [(3, "speaker"), (3, "consent"), (4, "organisation_kind")]
        );
    }

    #[test]
    fn the_empty_sheet_reads_back_in_either_language() {
        for (lang, person) in [
            (crate::domain::Lang::Ar, "فرد"),
            (crate::domain::Lang::En, "person"),
        ] {
            let sheet = format!("{}\n,{person},,,,,رأي\n", header(lang).join(","));
            let rows = read(sheet.as_bytes()).expect("read");
            assert_eq!(rows[0].1.voice, Some(Voice::Person));
            assert_eq!(rows[0].1.text, "رأي");
        }
    }

    #[test]
    fn headers_are_checked_before_rows() {
        let err = read(b"clause,colour,text\n1,red,x\n").expect_err("header");
        assert_eq!(err.rows[0].column, "colour");
        assert_eq!(err.rows[0].message, FormMessage::SheetColumnUnknown);
        assert_eq!(err.rows[1].column, "speaker");
        assert_eq!(err.rows[1].message, FormMessage::SheetColumnMissing);
        assert_eq!(
            read(b"speaker,text\n").expect_err("empty").summary,
            FormMessage::SheetEmpty
        );
        assert_eq!(
            read(b"speaker,text\n\xff\xfe,x\n")
                .expect_err("latin-1")
                .summary,
            FormMessage::SheetUnreadable
        );
    }
}
