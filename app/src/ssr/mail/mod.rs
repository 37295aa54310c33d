//! Email: how messages are delivered (`transport`) and the worker that drains the
//! outbox (`worker`); `store` is the outbox itself, where messages are enqueued;
//! `templates` writes each message with the words of the mail `catalog`.

mod catalog;
pub mod store;
pub mod templates;
pub mod transport;
pub mod worker;

pub use transport::{Mailer, MailerError, SmtpSettings, TlsMode};
