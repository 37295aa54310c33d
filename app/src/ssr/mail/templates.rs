//! The messages Shura sends, in the recipient's language: a subject, a plain-text body
//! and an HTML alternative with the right direction. Their words are in the mail
//! catalogs (`catalog.rs`); this module puts them together.

use crate::domain::response::Outcome;
use crate::domain::Lang;
use crate::ssr::mail::catalog::{catalog, fill, Message};
use crate::ssr::mail::store::NewMail;

/// Text as it may stand in HTML, in an element or a quoted attribute.
fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
}

/// Wraps paragraphs and one call-to-action link in a minimal, accessible HTML mail.
fn html(lang: Lang, paragraphs: &[String], link_text: &str, link: &str) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\" dir=\"{dir}\"><body style=\"font-family: sans-serif\">\n{body}\
         <p><a href=\"{href}\">{text}</a></p>\n</body></html>\n",
        code = lang.code(),
        dir = lang.dir(),
        href = escape(link),
        text = escape(link_text),
    )
}

fn mail(
    to: &str,
    subject: String,
    paragraphs: Vec<String>,
    link_text: &str,
    link: &str,
    lang: Lang,
) -> NewMail {
    let text = format!("{}\n\n{link}\n", paragraphs.join("\n\n"));
    NewMail {
        attachment: None,
        to: to.to_owned(),
        subject,
        text_body: text,
        html_body: Some(html(lang, &paragraphs, link_text, link)),
        headers: Default::default(),
    }
}

/// The greeting (by name when `values` name the person) and `message`'s paragraphs,
/// each filled with `values`.
fn paragraphs(message: &Message, values: &[(&str, &str)], lang: Lang) -> Vec<String> {
    let c = catalog(lang);
    let named = values.iter().any(|(key, _)| *key == "name");
    std::iter::once(if named {
        &c.greeting
    } else {
        &c.greeting_unnamed
    })
    .chain(&message.paragraphs)
    .map(|p| fill(p, values))
    .collect()
}

/// A mail of one catalog `message`, filled with `values`, whose link goes to `link`.
fn from_catalog(
    to: &str,
    message: &Message,
    values: &[(&str, &str)],
    link: &str,
    lang: Lang,
) -> NewMail {
    mail(
        to,
        fill(&message.subject, values),
        paragraphs(message, values, lang),
        &fill(&message.link, values),
        link,
        lang,
    )
}

/// Sent after registration: the link that confirms the address. Anyone can type any
/// address on the form, so the mail repeats nothing they typed (not even the name):
/// the portal carries no one's message to a stranger.
pub fn verify_email(to: &str, link: &str, lang: Lang) -> NewMail {
    let message = &catalog(lang).verify_email;
    from_catalog(to, message, &[], link, lang)
}

/// Sent when someone registers with an address that already has an account: the page
/// says the same in both cases, so only the owner of the address learns which it was.
pub fn already_registered(to: &str, name: &str, sign_in_link: &str, lang: Lang) -> NewMail {
    let message = &catalog(lang).already_registered;
    from_catalog(to, message, &[("name", name)], sign_in_link, lang)
}

/// Sent on request: the link to choose a new password.
pub fn reset_password(to: &str, name: &str, link: &str, lang: Lang) -> NewMail {
    let message = &catalog(lang).reset_password;
    from_catalog(to, message, &[("name", name)], link, lang)
}

/// A security notice to the owner of an account (see [`SecurityNotice`]); `link` goes to
/// the account's security settings.
pub fn security_notice(
    to: &str,
    name: &str,
    notice: SecurityNotice,
    link: &str,
    lang: Lang,
) -> NewMail {
    let c = catalog(lang);
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match notice {
        SecurityNotice::TwoFactorEnabled { at } => from_catalog(
            to,
            &c.two_factor_enabled,
            &[("name", name), ("when", &stamp(at))],
            link,
            lang,
        ),
        SecurityNotice::TwoFactorReplaced { at } => from_catalog(
            to,
            &c.two_factor_replaced,
            &[("name", name), ("when", &stamp(at))],
            link,
            lang,
        ),
        SecurityNotice::SecondFactorLocked { failures, until } => from_catalog(
            to,
            &c.second_factor_locked,
            &[
                ("name", name),
                ("count", &failures.to_string()),
                ("until", &stamp(until)),
            ],
            link,
            lang,
        ),
        SecurityNotice::PasswordChanged { at } => from_catalog(
            to,
            &c.password_changed,
            &[("name", name), ("when", &stamp(at))],
            link,
            lang,
        ),
        SecurityNotice::RecoveryCodesRenewed { at } => from_catalog(
            to,
            &c.recovery_codes_renewed,
            &[("name", name), ("when", &stamp(at))],
            link,
            lang,
        ),
    }
}

/// What a security notice tells the owner of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityNotice {
    TwoFactorEnabled {
        at: chrono::DateTime<chrono::Utc>,
    },
    TwoFactorReplaced {
        at: chrono::DateTime<chrono::Utc>,
    },
    /// `failures` wrong codes in a row; sign-in waits until `until`.
    SecondFactorLocked {
        failures: i32,
        until: chrono::DateTime<chrono::Utc>,
    },
    PasswordChanged {
        at: chrono::DateTime<chrono::Utc>,
    },
    RecoveryCodesRenewed {
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// Sent to the author when a moderator hides their contribution: which published rule,
/// why, and that they may appeal once.
pub fn contribution_hidden(
    to: &str,
    name: &str,
    consultation: &str,
    rule: &str,
    reason: &str,
    link: &str,
    lang: Lang,
) -> NewMail {
    let values = [
        ("name", name),
        ("consultation", consultation),
        ("rule", rule),
        ("reason", reason),
    ];
    from_catalog(to, &catalog(lang).contribution_hidden, &values, link, lang)
}

/// Sent to the author when a hidden contribution of theirs is shown again.
pub fn contribution_restored(
    to: &str,
    name: &str,
    consultation: &str,
    link: &str,
    lang: Lang,
) -> NewMail {
    let values = [("name", name), ("consultation", consultation)];
    from_catalog(
        to,
        &catalog(lang).contribution_restored,
        &values,
        link,
        lang,
    )
}

/// Where a notification mail lets its reader stop them or change how they come.
pub struct Unsubscribe<'a> {
    /// The one-click address (`List-Unsubscribe`, RFC 8058).
    pub one_click: &'a str,
    /// The page with the button, for people.
    pub page: &'a str,
    pub settings: &'a str,
}

/// A notification: `mail` with a footer to stop such mails, and the `List-Unsubscribe`
/// and `List-Unsubscribe-Post` headers that let mail programs do it in one click.
fn notification(mut mail: NewMail, u: &Unsubscribe<'_>, lang: Lang) -> NewMail {
    let footer = &catalog(lang).notification_footer;
    let (stop, settings) = (&footer.stop, &footer.settings);
    mail.text_body.push_str(&format!(
        "\n--\n{stop}: {}\n{settings}: {}\n",
        u.page, u.settings
    ));
    if let Some(html) = mail.html_body.as_mut() {
        let footer = format!(
            "<hr><p><small><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></small></p>\n</body>",
            escape(u.page),
            escape(stop),
            escape(u.settings),
            escape(settings)
        );
        *html = html.replacen("</body>", &footer, 1);
    }
    mail.headers
        .insert("List-Unsubscribe".to_owned(), format!("<{}>", u.one_click));
    mail.headers.insert(
        "List-Unsubscribe-Post".to_owned(),
        "List-Unsubscribe=One-Click".to_owned(),
    );
    mail
}

/// Sent when someone replies to a contribution.
pub fn reply_received(
    to: &str,
    name: &str,
    consultation: &str,
    replier: &str,
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let values = [
        ("name", name),
        ("consultation", consultation),
        ("replier", replier),
    ];
    let mail = from_catalog(to, &catalog(lang).reply_received, &values, link, lang);
    notification(mail, unsubscribe, lang)
}

/// Sent to the author of a contribution when the agency answers it (`revised`: when it
/// revises its answer); `reasons` in the reader's language where the agency wrote them.
#[allow(clippy::too_many_arguments)] // one message, each part its own argument
pub fn response_given(
    to: &str,
    name: &str,
    agency: &str,
    consultation: &str,
    outcome: Outcome,
    reasons: Option<&str>,
    revised: bool,
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let c = catalog(lang);
    let message = if revised {
        &c.response_revised
    } else {
        &c.response_given
    };
    let o = &c.outcomes;
    let outcome = match outcome {
        Outcome::Accepted => &o.accepted,
        Outcome::PartlyAccepted => &o.partly_accepted,
        Outcome::NotAdopted => &o.not_adopted,
        Outcome::Noted => &o.noted,
        Outcome::OutOfScope => &o.out_of_scope,
    };
    let values = [
        ("name", name),
        ("agency", agency),
        ("consultation", consultation),
        ("outcome", outcome.as_str()),
        ("reasons", reasons.unwrap_or_default()),
    ];
    let mut paragraphs = vec![fill(&c.greeting, &values), fill(&message.answered, &values)];
    if reasons.is_some_and(|r| !r.trim().is_empty()) {
        paragraphs.push(fill(&message.reasons, &values));
    }
    let mail = mail(
        to,
        fill(&message.subject, &values),
        paragraphs,
        &fill(&message.link, &values),
        link,
        lang,
    );
    notification(mail, unsubscribe, lang)
}

/// Sent to followers when a consultation publishes a new version.
#[allow(clippy::too_many_arguments)] // one message, each part its own argument
pub fn version_published(
    to: &str,
    name: &str,
    consultation: &str,
    number: u32,
    change_note: &str,
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let c = catalog(lang);
    let message = &c.version_published;
    let number = number.to_string();
    let values = [
        ("name", name),
        ("consultation", consultation),
        ("number", &number),
        ("change_note", change_note),
    ];
    let mut paragraphs = vec![
        fill(&c.greeting, &values),
        fill(&message.published, &values),
    ];
    if !change_note.is_empty() {
        paragraphs.push(fill(&message.change_note, &values));
    }
    paragraphs.push(fill(&message.compare, &values));
    let mail = mail(
        to,
        fill(&message.subject, &values),
        paragraphs,
        &fill(&message.link, &values),
        link,
        lang,
    );
    notification(mail, unsubscribe, lang)
}

/// A change to the draft a contribution caused, as its author's mail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedPart {
    /// A numbered clause of a version.
    Clause {
        version: u32,
        number: u32,
    },
    /// A clause without a number (a heading, a paragraph), by its first words.
    Heading {
        version: u32,
        title: String,
    },
    Whole {
        version: u32,
    },
}

/// Sent to the author of a contribution when a published version changes because of
/// it; `link` shows the (first) change.
#[allow(clippy::too_many_arguments)] // one message, each part its own argument
pub fn policy_changed(
    to: &str,
    name: &str,
    agency: &str,
    consultation: &str,
    changes: &[ChangedPart],
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let c = catalog(lang);
    let message = &c.policy_changed;
    let said: Vec<String> = changes
        .iter()
        .map(|part| match part {
            ChangedPart::Clause { version, number } => fill(
                &message.clause,
                &[
                    ("version", &version.to_string()),
                    ("number", &number.to_string()),
                ],
            ),
            ChangedPart::Heading { version, title } => fill(
                &message.heading,
                &[("version", &version.to_string()), ("title", title)],
            ),
            ChangedPart::Whole { version } => {
                fill(&message.whole, &[("version", &version.to_string())])
            }
        })
        .collect();
    let changes = said.join(match lang {
        Lang::Ar => "؛ ",
        Lang::En => "; ",
    });
    let values = [
        ("name", name),
        ("agency", agency),
        ("consultation", consultation),
        ("changes", &changes),
    ];
    let paragraphs = vec![
        fill(&c.greeting, &values),
        fill(&message.changed, &values),
        fill(&message.explain, &values),
    ];
    let mail = mail(
        to,
        fill(&message.subject, &values),
        paragraphs,
        &fill(&message.link, &values),
        link,
        lang,
    );
    notification(mail, unsubscribe, lang)
}

/// Sent to followers when a concluded consultation's final report is published.
pub fn report_published(
    to: &str,
    name: &str,
    agency: &str,
    consultation: &str,
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let values = [
        ("name", name),
        ("agency", agency),
        ("consultation", consultation),
    ];
    let mail = from_catalog(to, &catalog(lang).report_published, &values, link, lang);
    notification(mail, unsubscribe, lang)
}

/// Sent to followers when a consultation's comment period ends within two days;
/// `closes` is the moment as the reader's dates show it.
pub fn closing_soon(
    to: &str,
    name: &str,
    consultation: &str,
    closes: &str,
    link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let values = [
        ("name", name),
        ("consultation", consultation),
        ("closes", closes),
    ];
    let mail = from_catalog(to, &catalog(lang).closing_soon, &values, link, lang);
    notification(mail, unsubscribe, lang)
}

/// What one line of a digest tells of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happened {
    Reply,
    NewVersion(u32),
    /// The period closes at this moment, as the reader's dates show it.
    Closing(String),
}

/// One line of a digest about consultation `title`, without its link.
pub fn digest_line(what: &Happened, title: &str, lang: Lang) -> String {
    let lines = &catalog(lang).digest_line;
    match what {
        Happened::Reply => fill(&lines.reply, &[("consultation", title)]),
        Happened::NewVersion(n) => fill(
            &lines.new_version,
            &[("consultation", title), ("number", &n.to_string())],
        ),
        Happened::Closing(at) => fill(&lines.closing, &[("consultation", title), ("closes", at)]),
    }
}

/// The daily digest: each line (see [`digest_line`]) with its link.
pub fn digest(
    to: &str,
    name: &str,
    lines: &[(String, String)],
    settings_link: &str,
    unsubscribe: &Unsubscribe<'_>,
    lang: Lang,
) -> NewMail {
    let message = &catalog(lang).digest;
    let values = [("name", name)];
    let mut paragraphs = paragraphs(message, &values, lang);
    paragraphs.extend(lines.iter().map(|(line, link)| format!("{line}: {link}")));
    let mail = mail(
        to,
        fill(&message.subject, &values),
        paragraphs,
        &fill(&message.link, &values),
        settings_link,
        lang,
    );
    notification(mail, unsubscribe, lang)
}

/// What a workshop mail says about its workshop, in the recipient's language.
pub struct WorkshopMail<'a> {
    pub workshop: &'a str,
    pub consultation: &'a str,
    /// The start, in the agency's zone, with the Hijri date.
    pub when: &'a str,
    /// The workshop's page.
    pub link: &'a str,
}

/// Which workshop mail: each fills its own values.
pub enum WorkshopNews {
    /// A place, with the check-in code; the `.ics` goes with it.
    Confirmed {
        code: String,
        ics: String,
    },
    Waitlisted {
        position: u32,
    },
    /// Moved up from the waiting list.
    Promoted {
        code: String,
        ics: String,
    },
    Cancelled,
    /// The day before.
    Reminder {
        code: String,
        place: String,
    },
    /// An invitation to `agency`'s workshop (`link` is the registration link).
    Invitation {
        agency: String,
        expires: String,
    },
}

pub fn workshop(
    to: &str,
    name: Option<&str>,
    w: &WorkshopMail<'_>,
    news: WorkshopNews,
    lang: Lang,
) -> NewMail {
    let c = catalog(lang);
    let mut values: Vec<(&str, &str)> = vec![
        ("workshop", w.workshop),
        ("consultation", w.consultation),
        ("when", w.when),
    ];
    if let Some(name) = name {
        values.push(("name", name));
    }
    let (message, ics, extra): (_, _, Vec<(&str, String)>) = match news {
        WorkshopNews::Confirmed { code, ics } => {
            (&c.workshop_confirmed, Some(ics), vec![("code", code)])
        }
        WorkshopNews::Waitlisted { position } => (
            &c.workshop_waitlisted,
            None,
            vec![("position", position.to_string())],
        ),
        WorkshopNews::Promoted { code, ics } => {
            (&c.workshop_promoted, Some(ics), vec![("code", code)])
        }
        WorkshopNews::Cancelled => (&c.workshop_cancelled, None, Vec::new()),
        WorkshopNews::Reminder { code, place } => (
            &c.workshop_reminder,
            None,
            vec![("code", code), ("place", place)],
        ),
        WorkshopNews::Invitation { agency, expires } => (
            &c.workshop_invitation,
            None,
            vec![("agency", agency), ("expires", expires)],
        ),
    };
    values.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    let mut mail = from_catalog(to, message, &values, w.link, lang);
    mail.attachment = ics.map(|body| crate::ssr::mail::store::MailAttachment {
        name: "workshop.ics".to_owned(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".to_owned(),
        body,
    });
    mail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let m = reset_password(
            "a@example.org",
            "<b>Ali</b>",
            "https://x.example/v?t=1&u=2",
            Lang::En,
        );
        let html = m.html_body.expect("html");
        assert!(html.contains("&lt;b&gt;Ali&lt;/b&gt;"));
        assert!(html.contains("href=\"https://x.example/v?t=1&amp;u=2\""));
        assert!(
            m.text_body.contains("<b>Ali</b>")
                && m.text_body.contains("https://x.example/v?t=1&u=2")
        );
    }

    #[test]
    fn every_mail_is_written_whole_in_both_languages() {
        let u = Unsubscribe {
            one_click: "https://x.example/u/1",
            page: "https://x.example/u",
            settings: "https://x.example/s",
        };
        for lang in [Lang::Ar, Lang::En] {
            let line = |what| {
                (
                    digest_line(&what, "T", lang),
                    "https://x.example/c".to_owned(),
                )
            };
            let lines = [
                line(Happened::Reply),
                line(Happened::NewVersion(2)),
                line(Happened::Closing("D".to_owned())),
            ];
            let mails = [
                already_registered("a@x", "N", "https://x.example/v", lang),
                reset_password("a@x", "N", "https://x.example/v", lang),
                contribution_hidden("a@x", "N", "T", "R", "W", "https://x.example/c", lang),
                contribution_restored("a@x", "N", "T", "https://x.example/c", lang),
                reply_received("a@x", "N", "T", "B", "https://x.example/c", &u, lang),
                version_published("a@x", "N", "T", 2, "C", "https://x.example/d", &u, lang),
                closing_soon("a@x", "N", "T", "D", "https://x.example/c", &u, lang),
                response_given(
                    "a@x",
                    "N",
                    "A",
                    "T",
                    Outcome::NotAdopted,
                    Some("R"),
                    false,
                    "https://x.example/c",
                    &u,
                    lang,
                ),
                response_given(
                    "a@x",
                    "N",
                    "A",
                    "T",
                    Outcome::Noted,
                    None,
                    true,
                    "https://x.example/c",
                    &u,
                    lang,
                ),
                digest("a@x", "N", &lines, "https://x.example/s", &u, lang),
                security_notice(
                    "a@x",
                    "N",
                    SecurityNotice::RecoveryCodesRenewed {
                        at: chrono::DateTime::UNIX_EPOCH,
                    },
                    "https://x.example/a",
                    lang,
                ),
            ];
            for m in mails {
                let html = m.html_body.unwrap_or_default();
                for text in [&m.subject, &m.text_body, &html] {
                    // Every placeholder was filled: none of the catalog's is left.
                    assert!(
                        !text.contains('{') && !text.contains('}'),
                        "{lang:?}: {text}"
                    );
                }
                assert!(m.text_body.contains(" N"), "{lang:?}: greeted by name");
            }
        }
    }

    #[test]
    fn arabic_mail_is_right_to_left() {
        let m = verify_email("a@example.org", "https://x.example/v", Lang::Ar);
        assert!(m.html_body.expect("html").contains("dir=\"rtl\""));
        assert!(m.subject.contains("شورى"));
    }

    #[test]
    fn the_verification_mail_greets_without_a_name() {
        for lang in [Lang::Ar, Lang::En] {
            let m = verify_email("a@x", "https://x.example/v", lang);
            let first = m.text_body.lines().next().unwrap_or_default();
            assert!(first == "مرحبًا،" || first == "Hello,", "{first}");
            assert!(!m.text_body.contains('{'), "{}", m.text_body);
        }
    }
}
