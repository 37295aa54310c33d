//! Rules for account details people type in.

use serde::{Deserialize, Serialize};

/// Version of the terms of participation shown at registration; recorded with consent.
pub const TERMS_VERSION: &str = "2026-11";

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 60;

/// Why an email address or a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Missing,
    TooLong,
    Malformed,
}

/// Trims and lower-cases an address, and checks its shape: one `@`, a non-empty local
/// part, a domain with a dot, no spaces. Whether it exists is for the verification mail.
pub fn normalize_email(input: &str) -> Result<String, FieldProblem> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldProblem::Missing);
    }
    if email.len() > 254 {
        return Err(FieldProblem::TooLong);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(FieldProblem::Malformed);
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    if ok {
        Ok(email)
    } else {
        Err(FieldProblem::Malformed)
    }
}

/// Cleans a display name (a real name or a pseudonym) as every stored name is cleaned
/// (see `text::clean_name`) and checks its length.
pub fn normalize_display_name(input: &str) -> Result<String, FieldProblem> {
    let name = super::text::clean_name(input);
    if name.is_empty() {
        return Err(FieldProblem::Missing);
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(FieldProblem::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(FieldProblem::Malformed);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Fatima@Example.ORG "),
            Ok("fatima@example.org".into())
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        assert_eq!(normalize_email(""), Err(FieldProblem::Missing));
        for bad in [
            "fatima",
            "fatima@",
            "@example.org",
            "fatima@example",
            "a b@example.org",
            "a@b@example.org",
            "a@.example.org",
        ] {
            assert_eq!(normalize_email(bad), Err(FieldProblem::Malformed), "{bad}");
        }
    }

    #[test]
    fn display_names_keep_arabic_and_collapse_spaces() {
        assert_eq!(
            normalize_display_name("  فاطمة   الحربي "),
            Ok("فاطمة الحربي".into())
        );
        assert_eq!(normalize_display_name("   "), Err(FieldProblem::Missing));
        assert_eq!(
            normalize_display_name(&"ب".repeat(61)),
            Err(FieldProblem::TooLong)
        );
    }
}
