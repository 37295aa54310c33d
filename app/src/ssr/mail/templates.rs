//! The messages Shura sends, in the recipient's language: a subject, a plain-text body
//! and an HTML alternative with the right direction.

use crate::domain::Lang;
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
        to: to.to_owned(),
        subject,
        text_body: text,
        html_body: Some(html(lang, &paragraphs, link_text, link)),
        headers: Default::default(),
    }
}

/// Sent after registration: the link that confirms the address.
pub fn verify_email(to: &str, name: &str, link: &str, lang: Lang) -> NewMail {
    match lang {
        Lang::Ar => mail(
            to,
            "أكّد بريدك الإلكتروني في شورى".to_owned(),
            vec![
                format!("مرحبًا {name}،"),
                "شكرًا لتسجيلك في شورى. لتأكيد بريدك الإلكتروني افتح الرابط أدناه خلال 48 ساعة. بعد التأكيد تُنشر مساهماتك.".to_owned(),
                "إن لم تسجّل في شورى فتجاهل هذه الرسالة.".to_owned(),
            ],
            "تأكيد البريد الإلكتروني",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            "Confirm your email address for Shura".to_owned(),
            vec![
                format!("Hello {name},"),
                "Thank you for registering with Shura. To confirm your email address, open the link below within 48 hours. Once it is confirmed, your contributions are published.".to_owned(),
                "If you did not register with Shura, you can ignore this message.".to_owned(),
            ],
            "Confirm my email address",
            link,
            lang,
        ),
    }
}

/// Sent when someone registers with an address that already has an account: the page
/// says the same in both cases, so only the owner of the address learns which it was.
pub fn already_registered(to: &str, name: &str, sign_in_link: &str, lang: Lang) -> NewMail {
    match lang {
        Lang::Ar => mail(
            to,
            "لديك حساب في شورى بالفعل".to_owned(),
            vec![
                format!("مرحبًا {name}،"),
                "طلب أحدهم إنشاء حساب جديد في شورى بهذا البريد الإلكتروني، ولديك حساب به بالفعل. يمكنك تسجيل الدخول من الرابط أدناه.".to_owned(),
                "إن لم تكن أنت من طلب ذلك فتجاهل هذه الرسالة؛ لم يتغير شيء في حسابك.".to_owned(),
            ],
            "تسجيل الدخول",
            sign_in_link,
            lang,
        ),
        Lang::En => mail(
            to,
            "You already have a Shura account".to_owned(),
            vec![
                format!("Hello {name},"),
                "Someone asked to register a new Shura account with this email address, which already has one. You can sign in with the link below.".to_owned(),
                "If this was not you, ignore this message: nothing has changed in your account.".to_owned(),
            ],
            "Sign in",
            sign_in_link,
            lang,
        ),
    }
}

/// Sent on request: the link to choose a new password.
pub fn reset_password(to: &str, name: &str, link: &str, lang: Lang) -> NewMail {
    match lang {
        Lang::Ar => mail(
            to,
            "إعادة تعيين كلمة المرور في شورى".to_owned(),
            vec![
                format!("مرحبًا {name}،"),
                "طُلب تعيين كلمة مرور جديدة لحسابك في شورى. افتح الرابط أدناه خلال ساعة واحدة لاختيارها. يعمل الرابط مرة واحدة، وتسجيل الدخول بكلمة المرور الجديدة ينهي جلساتك الأخرى.".to_owned(),
                "إن لم تطلب ذلك فتجاهل هذه الرسالة؛ تبقى كلمة مرورك كما هي.".to_owned(),
            ],
            "اختيار كلمة مرور جديدة",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            "Reset your Shura password".to_owned(),
            vec![
                format!("Hello {name},"),
                "Someone asked to set a new password for your Shura account. Open the link below within one hour to choose it. The link works once, and setting a new password signs you out everywhere else.".to_owned(),
                "If this was not you, ignore this message: your password stays as it is.".to_owned(),
            ],
            "Choose a new password",
            link,
            lang,
        ),
    }
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
    match lang {
        Lang::Ar => mail(
            to,
            format!("أُخفيت مشاركتك في «{consultation}»"),
            vec![
                format!("مرحبًا {name}،"),
                format!("أخفى أحد المشرفين مشاركتك في استشارة «{consultation}» وفق قاعدة النشر: {rule}."),
                format!("السبب: {reason}"),
                "لم تُحذف مشاركتك، ويظهر مكانها أنها أُخفيت. إن رأيت أن القرار خاطئ فيمكنك التظلّم مرة واحدة من صفحة الاستشارة.".to_owned(),
            ],
            "عرض المشاركة",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            format!("Your contribution to “{consultation}” was hidden"),
            vec![
                format!("Hello {name},"),
                format!("A moderator hid your contribution to the consultation “{consultation}” under the publishing rule: {rule}."),
                format!("Reason: {reason}"),
                "Your contribution is not deleted; its place shows that it was hidden. If you think the decision is wrong, you may appeal once from the consultation page.".to_owned(),
            ],
            "See the contribution",
            link,
            lang,
        ),
    }
}

/// Sent to the author when a hidden contribution of theirs is shown again.
pub fn contribution_restored(
    to: &str,
    name: &str,
    consultation: &str,
    link: &str,
    lang: Lang,
) -> NewMail {
    match lang {
        Lang::Ar => mail(
            to,
            format!("أُعيد نشر مشاركتك في «{consultation}»"),
            vec![
                format!("مرحبًا {name}،"),
                format!("أعاد أحد المشرفين نشر مشاركتك في استشارة «{consultation}»، وهي ظاهرة للجميع من جديد."),
            ],
            "عرض المشاركة",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            format!("Your contribution to “{consultation}” is shown again"),
            vec![
                format!("Hello {name},"),
                format!("A moderator restored your contribution to the consultation “{consultation}”: everyone can read it again."),
            ],
            "See the contribution",
            link,
            lang,
        ),
    }
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
    let (stop, settings) = match lang {
        Lang::Ar => (
            "لإيقاف رسائل التنبيه هذه",
            "لتغيير طريقة وصولها (فورًا أو ملخصًا يوميًا)",
        ),
        Lang::En => (
            "To stop these notification mails",
            "To change how they come (at once or as a daily digest)",
        ),
    };
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
    let mail = match lang {
        Lang::Ar => mail(
            to,
            format!("ردّ جديد على مشاركتك في «{consultation}»"),
            vec![
                format!("مرحبًا {name}،"),
                format!("ردّ {replier} على مشاركتك في استشارة «{consultation}». يمكنك قراءة الرد والتعليق عليه من الرابط أدناه."),
            ],
            "قراءة الرد",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            format!("New reply to your contribution on “{consultation}”"),
            vec![
                format!("Hello {name},"),
                format!("{replier} replied to your contribution on the consultation “{consultation}”. Read the reply and answer it with the link below."),
            ],
            "Read the reply",
            link,
            lang,
        ),
    };
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
    let mail = match lang {
        Lang::Ar => {
            let mut paragraphs = vec![
                format!("مرحبًا {name}،"),
                format!("نُشر الإصدار {number} من مسودة «{consultation}» التي تتابعها."),
            ];
            if !change_note.is_empty() {
                paragraphs.push(format!("ما الذي تغيّر، بحسب الجهة: {change_note}"));
            }
            paragraphs
                .push("يعرض الرابط أدناه الفروق بينه وبين الإصدار السابق بندًا بندًا.".to_owned());
            mail(
                to,
                format!("إصدار جديد من «{consultation}»"),
                paragraphs,
                "مقارنة الإصدارين",
                link,
                lang,
            )
        }
        Lang::En => {
            let mut paragraphs = vec![
                format!("Hello {name},"),
                format!("Version {number} of the draft “{consultation}”, which you follow, is published."),
            ];
            if !change_note.is_empty() {
                paragraphs.push(format!(
                    "What changed, in the agency's words: {change_note}"
                ));
            }
            paragraphs.push(
                "The link below shows what changed since the previous version, clause by clause."
                    .to_owned(),
            );
            mail(
                to,
                format!("New version of “{consultation}”"),
                paragraphs,
                "Compare the versions",
                link,
                lang,
            )
        }
    };
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
    let mail = match lang {
        Lang::Ar => mail(
            to,
            format!("تقترب نهاية التعليق على «{consultation}»"),
            vec![
                format!("مرحبًا {name}،"),
                format!("تُغلق فترة التعليق على «{consultation}» التي تتابعها في {closes}."),
                "إن أردت أن تشارك برأيك أو تردّ على غيرك، فهذا وقته.".to_owned(),
            ],
            "قراءة المسودة والتعليق",
            link,
            lang,
        ),
        Lang::En => mail(
            to,
            format!("Comments on “{consultation}” close soon"),
            vec![
                format!("Hello {name},"),
                format!(
                    "The comment period of “{consultation}”, which you follow, closes on {closes}."
                ),
                "If you want to have your say or answer others, now is the time.".to_owned(),
            ],
            "Read the draft and comment",
            link,
            lang,
        ),
    };
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
    match (what, lang) {
        (Happened::Reply, Lang::Ar) => format!("ردّ على مشاركتك في «{title}»"),
        (Happened::Reply, Lang::En) => format!("A reply to your contribution on “{title}”"),
        (Happened::NewVersion(n), Lang::Ar) => format!("نُشر الإصدار {n} من «{title}»"),
        (Happened::NewVersion(n), Lang::En) => format!("Version {n} of “{title}” is published"),
        (Happened::Closing(at), Lang::Ar) => format!("يُغلق التعليق على «{title}» في {at}"),
        (Happened::Closing(at), Lang::En) => format!("Comments on “{title}” close on {at}"),
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
    let list = lines.iter().map(|(line, link)| format!("{line}: {link}"));
    let mail = match lang {
        Lang::Ar => {
            let mut paragraphs = vec![
                format!("مرحبًا {name}،"),
                "إليك ما جدّ منذ ملخصك السابق:".to_owned(),
            ];
            paragraphs.extend(list);
            mail(
                to,
                "ملخصك اليومي من شورى".to_owned(),
                paragraphs,
                "إعدادات التنبيهات",
                settings_link,
                lang,
            )
        }
        Lang::En => {
            let mut paragraphs = vec![
                format!("Hello {name},"),
                "Here is what happened since your last digest:".to_owned(),
            ];
            paragraphs.extend(list);
            mail(
                to,
                "Your daily digest from Shura".to_owned(),
                paragraphs,
                "Notification settings",
                settings_link,
                lang,
            )
        }
    };
    notification(mail, unsubscribe, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let m = verify_email(
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
    fn arabic_mail_is_right_to_left() {
        let m = verify_email("a@example.org", "علي", "https://x.example/v", Lang::Ar);
        assert!(m.html_body.expect("html").contains("dir=\"rtl\""));
        assert!(m.subject.contains("شورى"));
    }
}
