//! The words of every mail, one catalog per language (`catalog/ar.toml`, `en.toml`),
//! embedded in the binary and read once into typed messages.
//!
//! Not the UI catalogs (`app/locales/*.json`): those are compiled into the browser's wasm
//! bundle too, and mails are written only on the server. A message missing from a
//! catalog, or one the code does not know, fails the catalog's reading, which the tests
//! below do for both languages.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::domain::Lang;

/// Every message, in one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Catalog {
    /// The first paragraph of every mail (`{name}`).
    pub greeting: String,
    /// The first paragraph of a mail to an address not yet confirmed.
    pub greeting_unnamed: String,
    pub verify_email: Message,
    pub already_registered: Message,
    pub reset_password: Message,
    /// Security notices to the owner of an account: a change they should know about.
    pub two_factor_enabled: Message,
    pub two_factor_replaced: Message,
    pub second_factor_locked: Message,
    pub password_changed: Message,
    pub recovery_codes_renewed: Message,
    pub contribution_hidden: Message,
    pub contribution_restored: Message,
    pub reply_received: Message,
    pub response_given: Answered,
    pub response_revised: Answered,
    pub outcomes: Outcomes,
    pub version_published: VersionPublished,
    pub policy_changed: PolicyChanged,
    pub report_published: Message,
    pub closing_soon: Message,
    pub digest: Message,
    pub digest_line: DigestLines,
    pub notification_footer: NotificationFooter,
    /// Workshops (`{workshop}`, `{consultation}`, `{when}`, `{code}`…).
    pub workshop_confirmed: Message,
    pub workshop_waitlisted: Message,
    pub workshop_promoted: Message,
    pub workshop_cancelled: Message,
    pub workshop_reminder: Message,
    pub workshop_invitation: Message,
}

/// A mail with one link: its subject, the paragraphs after the greeting, the link's text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Message {
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub link: String,
}

/// A new version, whose change note is told only when the agency wrote one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionPublished {
    pub subject: String,
    pub published: String,
    pub change_note: String,
    pub compare: String,
    pub link: String,
}

/// A contribution changed the draft: the clauses said one by one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyChanged {
    pub subject: String,
    pub changed: String,
    pub explain: String,
    pub link: String,
    /// A numbered clause (`{number}`, `{version}`).
    pub clause: String,
    /// A clause without a number, by its first words (`{title}`, `{version}`).
    pub heading: String,
    /// A version as a whole (`{version}`).
    pub whole: String,
}

/// The agency answered (or revised its answer to) a contribution; its reasons are
/// told only when it gave some.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Answered {
    pub subject: String,
    pub answered: String,
    pub reasons: String,
    pub link: String,
}

/// The names of the outcomes of a response, as a sentence ends with them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Outcomes {
    pub accepted: String,
    pub partly_accepted: String,
    pub not_adopted: String,
    pub noted: String,
    pub out_of_scope: String,
}

/// The lines of a digest, one per kind of event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DigestLines {
    pub reply: String,
    pub new_version: String,
    pub closing: String,
}

/// The texts of the two links under every notification.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NotificationFooter {
    pub stop: String,
    pub settings: String,
}

const AR: &str = include_str!("catalog/ar.toml");
const EN: &str = include_str!("catalog/en.toml");

fn parse(source: &str) -> Result<Catalog, toml::de::Error> {
    toml::from_str(source)
}

/// The catalog of `lang`.
pub(super) fn catalog(lang: Lang) -> &'static Catalog {
    // Both files are part of the binary and read by the tests: a failure here is a
    // broken build, never something a request can cause.
    #[allow(clippy::expect_used)]
    static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| {
        [AR, EN].map(|source| parse(source).expect("the mail catalogs are valid"))
    });
    match lang {
        Lang::Ar => &CATALOGS[0],
        Lang::En => &CATALOGS[1],
    }
}

/// `template` with each `{key}` of `values` replaced by its value, in one pass: a value
/// is never read for placeholders itself. Any other brace stays as written.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            let (_, value) = values.iter().find(|(k, _)| *k == key)?;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn both_languages_have_every_message() {
        for (name, source) in [("ar", AR), ("en", EN)] {
            if let Err(e) = parse(source) {
                panic!("catalog/{name}.toml: {e}");
            }
        }
    }

    /// The placeholders of every message (paragraph lists taken together), by path.
    fn placeholders(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        fn walk(path: &str, v: &toml::Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
            match v {
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        let path = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        walk(&path, v, out);
                    }
                }
                toml::Value::Array(items) => items.iter().for_each(|v| walk(path, v, out)),
                toml::Value::String(s) => {
                    let found = out.entry(path.to_owned()).or_default();
                    for piece in s.split('{').skip(1) {
                        if let Some((key, _)) = piece.split_once('}') {
                            found.insert(key.to_owned());
                        }
                    }
                }
                other => panic!("{path}: not text: {other}"),
            }
        }
        let value: toml::Value = toml::from_str(source).expect("valid TOML");
        let mut out = BTreeMap::new();
        walk("", &value, &mut out);
        out
    }

    #[test]
    fn each_message_has_the_same_placeholders_in_both_languages() {
        let (ar, en) = (placeholders(AR), placeholders(EN));
        assert_eq!(ar.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
        for (path, keys) in &ar {
            assert_eq!(Some(keys), en.get(path), "{path}");
        }
        assert_eq!(ar["greeting"], BTreeSet::from(["name".to_owned()]));
    }

    #[test]
    fn placeholders_are_filled_once_and_as_given() {
        let values = [("name", "{title} & <b>"), ("title", "T")];
        assert_eq!(
            fill("Hello {name}, {title}", &values),
            "Hello {title} & <b>, T"
        );
        assert_eq!(fill("{unknown} {name", &values), "{unknown} {name");
        assert_eq!(fill("«{title}»،", &values), "«T»،");
    }
}
