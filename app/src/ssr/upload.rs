//! A file sent with a form (`multipart/form-data`), as the HTTP layer hands it over.

/// One uploaded file. Its name and type are what the browser said: hints to check,
/// never to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The file sent in `field`, if one was chosen (browsers send an empty part with no
/// name when the file input was left empty).
pub fn chosen<'a>(uploads: &'a [Upload], field: &str) -> Option<&'a Upload> {
    uploads
        .iter()
        .find(|u| u.field == field && !(u.file_name.is_empty() && u.bytes.is_empty()))
}

/// A file name safe to show and to put in a `Content-Disposition` header: the last
/// path segment, without control or bidirectional-override characters, at most 120
/// characters. Falls back to `fallback` when nothing is left.
pub fn clean_file_name(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | ';'))
        .take(120)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_direction_tricks() {
        assert_eq!(clean_file_name("C:\\Users\\me\\دليل.pdf", "x"), "دليل.pdf");
        assert_eq!(clean_file_name("../../etc/passwd", "x"), "passwd");
        // With RIGHT-TO-LEFT OVERRIDE (U+202E), "invoicefdp.exe" would read as "invoiceexe.pdf".
        assert_eq!(
            clean_file_name("invoice\u{202e}fdp.exe", "x"),
            "invoicefdp.exe"
        );
        assert_eq!(clean_file_name("a\"; b.pdf", "x"), "a b.pdf");
        assert_eq!(clean_file_name("  ", "document.pdf"), "document.pdf");
        assert_eq!(clean_file_name(".hidden", "x"), "hidden");
    }

    #[test]
    fn an_empty_file_input_is_not_a_file() {
        let empty = Upload {
            field: "f".into(),
            file_name: String::new(),
            content_type: "application/octet-stream".into(),
            bytes: Vec::new(),
        };
        assert!(chosen(std::slice::from_ref(&empty), "f").is_none());
        let real = Upload {
            file_name: "a.md".into(),
            bytes: b"# A".to_vec(),
            ..empty
        };
        assert!(chosen(std::slice::from_ref(&real), "f").is_some());
        assert!(chosen(std::slice::from_ref(&real), "g").is_none());
    }
}
