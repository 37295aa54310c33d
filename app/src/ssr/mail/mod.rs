//! Email: how messages are delivered (`transport`) and the worker that drains the
//! outbox (`worker`). Messages are enqueued with `store::mail_outbox::enqueue`.

pub mod templates;
pub mod transport;
pub mod worker;

pub use transport::{Mailer, MailerError, SmtpSettings, TlsMode};
