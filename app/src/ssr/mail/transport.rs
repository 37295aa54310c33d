//! Delivery through lettre: SMTP when configured, else `.eml` files under the data
//! directory so that a fresh installation needs no mail server.

use std::path::PathBuf;
use std::time::SystemTime;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::ssr::mail::store::NewMail;

/// How to secure the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text: only for a relay on the same machine or network.
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587); fails if refused.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl TlsMode {
    pub fn parse(s: &str) -> Option<TlsMode> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "plain" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" | "smtps" => Some(TlsMode::Tls),
            _ => None,
        }
    }
}

/// SMTP server settings (`SHURA_SMTP_*`).
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    // The password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// The address is personal data: the error does not repeat it.
    #[error("invalid address")]
    Address,
    #[error("invalid header {0:?}")]
    Header(String),
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing the message file: {0}")]
    File(#[from] lettre::transport::file::Error),
    #[error("mail directory: {0}")]
    Io(#[from] std::io::Error),
}

impl MailerError {
    /// What went wrong, for the log and the outbox row, without what the SMTP server
    /// replied: replies such as "550 <name@example.org> unknown" quote the address.
    pub fn summary(&self) -> String {
        match self {
            MailerError::Smtp(e) => {
                let kind = if e.is_permanent() {
                    "permanent"
                } else if e.is_transient() {
                    "transient"
                } else if e.is_timeout() {
                    "timeout"
                } else if e.is_tls() {
                    "TLS"
                } else {
                    "connection"
                };
                match e.status() {
                    Some(code) => format!("SMTP {kind} error {code}"),
                    None => format!("SMTP {kind} error"),
                }
            }
            other => other.to_string(),
        }
    }

    /// Will trying again later help? Bad addresses and headers never get better.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailerError::Address | MailerError::Header(_) | MailerError::Build(_) => true,
            MailerError::Smtp(e) => e.is_permanent(),
            MailerError::File(_) | MailerError::Io(_) => false,
        }
    }
}

/// Sends messages from one sender address.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf, AsyncFileTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Files(dir, _) => format!("files in {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &kind)
            .finish()
    }
}

fn mailbox(address: &str) -> Result<Mailbox, MailerError> {
    address.parse().map_err(|_| MailerError::Address)
}

impl Mailer {
    pub fn smtp(from: &str, settings: &SmtpSettings) -> Result<Mailer, MailerError> {
        let builder = match settings.tls {
            TlsMode::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
            }
            TlsMode::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
            }
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            from: mailbox(from)?,
            transport: Transport::Smtp(builder.build()),
        })
    }

    /// Writes each message as `<id>.eml` in `dir` (created if missing).
    pub fn files(from: &str, dir: PathBuf) -> Result<Mailer, MailerError> {
        std::fs::create_dir_all(&dir)?;
        let transport = AsyncFileTransport::<Tokio1Executor>::new(&dir);
        Ok(Mailer {
            from: mailbox(from)?,
            transport: Transport::Files(dir, transport),
        })
    }

    pub fn build_message(&self, mail: &NewMail) -> Result<Message, MailerError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&mail.to)?)
            .subject(mail.subject.clone());
        for (name, value) in &mail.headers {
            let header_name = HeaderName::new_from_ascii(name.clone())
                .map_err(|_| MailerError::Header(name.clone()))?;
            builder = builder.raw_header(HeaderValue::new(header_name, value.clone()));
        }
        let message = match (&mail.html_body, &mail.attachment) {
            (Some(html), None) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                html.clone(),
            ))?,
            (None, None) => builder.singlepart(SinglePart::plain(mail.text_body.clone()))?,
            (html, Some(file)) => {
                let text = match html {
                    Some(html) => {
                        MultiPart::alternative_plain_html(mail.text_body.clone(), html.clone())
                    }
                    None => {
                        MultiPart::mixed().singlepart(SinglePart::plain(mail.text_body.clone()))
                    }
                };
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|_| MailerError::Header(file.content_type.clone()))?;
                builder.multipart(MultiPart::mixed().multipart(text).singlepart(
                    Attachment::new(file.name.clone()).body(file.body.clone(), content_type),
                ))?
            }
        };
        Ok(message)
    }

    pub async fn send(&self, mail: &NewMail) -> Result<(), MailerError> {
        let message = self.build_message(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(_, files) => {
                files.send(message).await?;
            }
        }
        Ok(())
    }

    /// Deletes the spooled `.eml` files written before `before` and says how many.
    /// They hold the links they carried (sign-in, reset, unsubscribe), so they are kept
    /// no longer than the outbox keeps the same mail. SMTP keeps nothing here.
    pub async fn purge_spool(&self, before: SystemTime) -> Result<usize, MailerError> {
        let Transport::Files(dir, _) = &self.transport else {
            return Ok(0);
        };
        let mut entries = tokio::fs::read_dir(dir).await?;
        let mut deleted = 0;
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            if path.extension().is_none_or(|ext| ext != "eml") {
                continue;
            }
            let metadata = entry.metadata().await?;
            if metadata.is_file() && metadata.modified()? < before {
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => deleted += 1,
                    // Another process may have purged it first.
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => return Err(err.into()),
                }
            }
        }
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_address_is_not_repeated_in_the_error() {
        let err = mailbox("نورة <noura@@example.org>").expect_err("malformed");
        assert!(!err.summary().contains("noura"), "{}", err.summary());
        assert!(!format!("{err:?}").contains("noura"));
    }

    fn mail(to: &str) -> NewMail {
        NewMail {
            attachment: None,
            to: to.to_owned(),
            subject: "Reset your password".to_owned(),
            text_body: "https://shura.example/en/reset?token=secret".to_owned(),
            html_body: None,
            headers: Default::default(),
        }
    }

    fn spooled(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("spool")
            .map(|entry| entry.expect("entry").path())
            .collect();
        files.sort();
        files
    }

    #[tokio::test]
    async fn the_spool_forgets_mail_older_than_the_cut_off_and_keeps_the_rest() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mailer = Mailer::files("Shura <noreply@shura.example>", dir.path().to_path_buf())
            .expect("mailer");
        mailer.send(&mail("old@example.org")).await.expect("old");
        let old = spooled(dir.path());
        assert_eq!(old.len(), 1);
        let long_ago = SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&old[0])
            .and_then(|file| file.set_modified(long_ago))
            .expect("age the file");
        mailer.send(&mail("new@example.org")).await.expect("new");
        // Not a message: left alone even when old.
        let note = dir.path().join("README.txt");
        std::fs::write(&note, "spool").expect("note");
        std::fs::File::options()
            .write(true)
            .open(&note)
            .and_then(|file| file.set_modified(long_ago))
            .expect("age the note");

        let cut_off = SystemTime::now() - std::time::Duration::from_secs(30 * 24 * 3600);
        assert_eq!(mailer.purge_spool(cut_off).await.expect("purge"), 1);
        let left = spooled(dir.path());
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(!left.contains(&old[0]));
        assert!(left.contains(&note));
        let kept = left
            .iter()
            .find(|path| **path != note)
            .expect("the new mail");
        let text = std::fs::read_to_string(kept).expect("read");
        assert!(text.contains("new@example.org"));
        assert_eq!(mailer.purge_spool(cut_off).await.expect("again"), 0);
    }
}
