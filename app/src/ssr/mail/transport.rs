//! Delivery through lettre: SMTP when configured, else `.eml` files under the data
//! directory so that a fresh installation needs no mail server.

use std::path::PathBuf;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
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
        let message = match &mail.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                html.clone(),
            ))?,
            None => builder.singlepart(SinglePart::plain(mail.text_body.clone()))?,
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
}
