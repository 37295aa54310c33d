//! Mail from the outbox to a real SMTP server (Debian's `python3-aiosmtpd`, started
//! here on loopback), and to `.eml` files when no server is configured.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::ssr::db::testing::TestDb;
use app::ssr::mail::store as mail_outbox;
use app::ssr::mail::store::NewMail;
use app::ssr::mail::worker::{deliver_due, retry_delay};
use app::ssr::mail::{Mailer, SmtpSettings, TlsMode};
use chrono::{TimeZone, Utc};

/// An SMTP server that stores what it receives in a Maildir.
struct SmtpSink {
    child: Child,
    maildir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let python =
            std::env::var("SHURA_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let maildir = tempfile::tempdir().expect("maildir");
        let port = free_port();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            // aiosmtpd's Mailbox creates the Maildir only if the folder does not exist yet.
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {python} -m aiosmtpd (apt-get install python3-aiosmtpd): {e}")
            });
        let sink = SmtpSink {
            child,
            maildir,
            port,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return sink;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not start listening on port {port}");
    }

    fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            tls: TlsMode::None,
            username: None,
            password: None,
        }
    }

    /// The raw messages received so far.
    fn messages(&self) -> Vec<Vec<u8>> {
        read_dir_files(&self.maildir.path().join("box").join("new"))
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_dir_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("read message"))
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn bilingual_mail() -> NewMail {
    NewMail {
        attachment: None,
        to: "مواطن <citizen@example.org>".into(),
        subject: "تأكيد بريدك الإلكتروني · Confirm your email".into(),
        text_body: "مرحبًا بك في شورى.\n\nWelcome to Shura.".into(),
        html_body: Some("<p dir=\"rtl\" lang=\"ar\">مرحبًا بك في شورى.</p>".into()),
        headers: BTreeMap::from([(
            "List-Unsubscribe".to_owned(),
            "<https://shura.example/unsubscribe/abc>".to_owned(),
        )]),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("time")
}

#[tokio::test]
async fn outbox_mail_reaches_the_smtp_server_intact() {
    let sink = SmtpSink::start();
    let test_db = TestDb::sqlite().await;
    let db = &test_db.db;
    let mailer = Mailer::smtp("Shura <no-reply@shura.example>", &sink.settings()).expect("mailer");
    let id = mail_outbox::enqueue(db, &bilingual_mail(), now())
        .await
        .expect("enqueue");

    let round = deliver_due(db, &mailer, now()).await.expect("deliver");
    let status = mail_outbox::status(db, id)
        .await
        .expect("status")
        .expect("row");
    assert_eq!(
        (round.sent, round.failed),
        (1, 0),
        "{:?}",
        status.last_error
    );

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let parsed = mailparse::parse_mail(&messages[0]).expect("parse message");
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
    };
    assert_eq!(
        header("Subject").as_deref(),
        Some("تأكيد بريدك الإلكتروني · Confirm your email")
    );
    assert_eq!(
        header("List-Unsubscribe").as_deref(),
        Some("<https://shura.example/unsubscribe/abc>")
    );
    assert!(header("To")
        .unwrap_or_default()
        .contains("citizen@example.org"));
    assert!(header("From")
        .unwrap_or_default()
        .contains("no-reply@shura.example"));
    let bodies: Vec<(String, String)> = parsed
        .subparts
        .iter()
        .map(|p| (p.ctype.mimetype.clone(), p.get_body().expect("body")))
        .collect();
    assert_eq!(bodies.len(), 2, "plain text and HTML alternatives");
    assert_eq!(bodies[0].0, "text/plain");
    assert!(bodies[0].1.contains("مرحبًا بك في شورى") && bodies[0].1.contains("Welcome to Shura"));
    assert_eq!(bodies[1].0, "text/html");
    assert!(bodies[1].1.contains(r#"dir="rtl""#));

    let status = mail_outbox::status(db, id)
        .await
        .expect("status")
        .expect("row");
    assert_eq!(status.sent_at, Some(now()));
    // Nothing is sent twice.
    assert_eq!(
        deliver_due(db, &mailer, now()).await.expect("deliver").sent,
        0
    );
    assert_eq!(sink.messages().len(), 1);
    test_db.finish().await;
}

#[tokio::test]
async fn an_unreachable_server_means_a_later_retry() {
    let test_db = TestDb::sqlite().await;
    let db = &test_db.db;
    let closed = SmtpSettings {
        host: "127.0.0.1".into(),
        port: free_port(),
        tls: TlsMode::None,
        username: None,
        password: None,
    };
    let mailer = Mailer::smtp("no-reply@shura.example", &closed).expect("mailer");
    let id = mail_outbox::enqueue(db, &bilingual_mail(), now())
        .await
        .expect("enqueue");
    let round = deliver_due(db, &mailer, now()).await.expect("deliver");
    assert_eq!((round.sent, round.failed), (0, 1));
    let status = mail_outbox::status(db, id)
        .await
        .expect("status")
        .expect("row");
    assert_eq!(status.attempts, 1);
    assert_eq!(status.failed_at, None);
    assert_eq!(status.next_attempt_at, now() + retry_delay(1));
    assert!(status.last_error.is_some());

    // Once the server is back, the retry delivers it.
    let sink = SmtpSink::start();
    let mailer = Mailer::smtp("no-reply@shura.example", &sink.settings()).expect("mailer");
    let later = status.next_attempt_at;
    assert_eq!(
        deliver_due(db, &mailer, later).await.expect("deliver").sent,
        1
    );
    assert_eq!(sink.messages().len(), 1);
    test_db.finish().await;
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let test_db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().expect("dir");
    let mail_dir = dir.path().join("mail");
    let mailer = Mailer::files("no-reply@shura.example", mail_dir.clone()).expect("mailer");
    mail_outbox::enqueue(&test_db.db, &bilingual_mail(), now())
        .await
        .expect("enqueue");
    assert_eq!(
        deliver_due(&test_db.db, &mailer, now())
            .await
            .expect("deliver")
            .sent,
        1
    );
    let files: Vec<_> = std::fs::read_dir(&mail_dir)
        .expect("mail dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].path().extension().and_then(|e| e.to_str()),
        Some("eml")
    );
    let parsed_bytes = std::fs::read(files[0].path()).expect("read");
    let parsed = mailparse::parse_mail(&parsed_bytes).expect("parse");
    assert!(parsed.headers.iter().any(|h| h.get_key_ref() == "Subject"
        && h.get_value() == "تأكيد بريدك الإلكتروني · Confirm your email"));
    test_db.finish().await;
}
