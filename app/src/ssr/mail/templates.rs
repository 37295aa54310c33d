//! The messages Shura sends, in the recipient's language: a subject, a plain-text body
//! and an HTML alternative with the right direction.

use crate::domain::Lang;
use crate::ssr::store::mail_outbox::NewMail;

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
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
