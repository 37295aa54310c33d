//! The binary as operators run it: clear one-line failures, migrations, clean shutdown.

use std::process::Command;

/// Runs `shura serve` with `vars` and returns (exit success, stderr).
fn serve_with(vars: &[(&str, &str)]) -> (bool, String) {
    let data = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shura"));
    cmd.arg("serve")
        .env_remove("DATABASE_URL")
        .env("SHURA_DATA_DIR", data.path())
        .env("SHURA_BIND", "127.0.0.1:0")
        .env_remove("RUST_LOG")
        .current_dir(data.path());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run shura");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Info logs may come first; the failure itself is the last line, and the only error.
fn assert_one_clear_line(stderr: &str, needle: &str) {
    let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "expected one error line, got:\n{stderr}");
    assert_eq!(stderr.lines().last(), Some(errors[0]), "{stderr}");
    assert!(errors[0].contains(needle), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_database_url_is_one_line() {
    let (ok, stderr) = serve_with(&[("DATABASE_URL", "mysql//nowhere")]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "DATABASE_URL");
}

#[test]
fn an_unusable_data_directory_is_one_line() {
    // A path below a regular file cannot be created, even by root.
    let file = tempfile::NamedTempFile::new().expect("temp file");
    let below = file.path().join("data");
    let below = below.to_str().expect("utf-8 path");
    let (ok, stderr) = serve_with(&[("SHURA_DATA_DIR", below)]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "data directory");
}

#[test]
fn a_port_in_use_is_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let (ok, stderr) = serve_with(&[("SHURA_BIND", &addr)]);
    assert!(!ok);
    assert_one_clear_line(&stderr, &format!("cannot listen on {addr}"));
}

#[test]
fn migrate_creates_the_sqlite_database() {
    let data = tempfile::tempdir().expect("tempdir");
    let status = Command::new(env!("CARGO_BIN_EXE_shura"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("SHURA_DATA_DIR", data.path().join("nested"))
        .env("RUST_LOG", "off")
        .status()
        .expect("run shura");
    assert!(status.success());
    assert!(data.path().join("nested").join("shura.db").exists());
}

/// Starts `shura serve` on a free port with SQLite and mail files in `data`, its log
/// (at `log_level`) captured; returns the process and its address.
/// A running `shura serve` whose log is read as it is written (a full pipe would stop
/// the server mid-write).
struct Spawned {
    child: std::process::Child,
    log: std::thread::JoinHandle<Vec<u8>>,
}

impl Spawned {
    /// Waits for the server to exit: its exit status and everything it logged.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().expect("wait for shura");
        let log = self.log.join().expect("log reader");
        (status, String::from_utf8_lossy(&log).into_owned())
    }
}

fn spawn_server(data: &std::path::Path, log_level: &str) -> (Spawned, String) {
    spawn_server_with(data, log_level, &[])
}

fn spawn_server_with(
    data: &std::path::Path,
    log_level: &str,
    vars: &[(&str, &str)],
) -> (Spawned, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_shura"));
    command
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env_remove("SHURA_SMTP_HOST")
        .env("SHURA_DATA_DIR", data)
        .env("SHURA_BIND", &addr)
        .env("RUST_LOG", log_level)
        .stderr(std::process::Stdio::piped());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start shura");
    let mut stderr = child.stderr.take().expect("stderr");
    let log = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut out);
        out
    });
    (Spawned { child, log }, addr)
}

/// Waits until `addr` answers `GET /healthz` with 200, or gives up after ~20 s.
fn wait_until_healthy(addr: &str) -> bool {
    use std::io::{Read, Write};
    for _ in 0..200 {
        if let Ok(mut stream) = std::net::TcpStream::connect(addr) {
            let request =
                format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && response.starts_with("HTTP/1.1 200")
            {
                return true;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let data = tempfile::tempdir().expect("tempdir");
    let (child, addr) = spawn_server(data.path(), "info");
    let healthy = wait_until_healthy(&addr);
    let killed = Command::new("kill")
        .args(["-TERM", &child.child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let (status, stderr) = child.finish();
    assert!(healthy, "server never became healthy:\n{stderr}");
    assert!(status.success(), "exit status {status:?}:\n{stderr}");
    assert!(stderr.contains("shutdown signal received"), "{stderr}");
    assert!(stderr.contains("closing the database"), "{stderr}");
}

/// Registers, verifies and signs in against the real binary with debug logging on,
/// then checks that no password, token or session id appears in what it logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_token_or_session_id_reaches_the_log() {
    let data = tempfile::tempdir().expect("tempdir");
    let (child, addr) = spawn_server(data.path(), "debug");
    assert!(wait_until_healthy(&addr));
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let csrf = |html: String| {
        html.split(r#"name="csrf" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf field")
            .to_owned()
    };
    let password = "an unusual passphrase for logging";
    let page = client
        .get(format!("{base}/en/register"))
        .send()
        .await
        .expect("get");
    let token = csrf(page.text().await.expect("body"));
    let res = client
        .post(format!("{base}/en/register"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "logs@example.org"),
            ("display_name", "Logs"),
            ("password", password),
            ("accept_terms", "yes"),
        ])
        .send()
        .await
        .expect("register");
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    // The verification link, from the .eml file the mail worker writes.
    let mail_dir = data.path().join("mail");
    let mut link = None;
    for _ in 0..100 {
        if let Some(entry) = std::fs::read_dir(&mail_dir).ok().and_then(|mut d| d.next()) {
            let raw = std::fs::read(entry.expect("entry").path()).expect("read mail");
            let parsed = mailparse::parse_mail(&raw).expect("parse");
            let text = parsed
                .subparts
                .first()
                .expect("text part")
                .get_body()
                .expect("body");
            link = text
                .split_whitespace()
                .find(|w| w.contains("verify-email?token="))
                .map(str::to_owned);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let link = link.expect("verification mail");
    let mail_token = link.split("token=").nth(1).expect("token").to_owned();
    client.get(&link).send().await.expect("verify");
    let page = client
        .get(format!("{base}/en/sign-in"))
        .send()
        .await
        .expect("get");
    let token = csrf(page.text().await.expect("body"));
    let res = client
        .post(format!("{base}/en/sign-in"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "logs@example.org"),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let session_id = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("shura_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    // Failed sign-ins are logged with the account (or a digest of an unknown address)
    // and the client's address, never with what was typed.
    let stranger = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (email, wrong) in [
        ("logs@example.org", "a wrong guess at it"),
        ("nobody@example.org", "another wrong guess"),
    ] {
        let page = stranger
            .get(format!("{base}/en/sign-in"))
            .send()
            .await
            .expect("get");
        let token = csrf(page.text().await.expect("body"));
        let res = stranger
            .post(format!("{base}/en/sign-in"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", email),
                ("password", wrong),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    }

    Command::new("kill")
        .args(["-TERM", &child.child.id().to_string()])
        .status()
        .expect("kill");
    let (_, log) = child.finish();
    assert!(
        log.contains("signed in"),
        "the log has the sign-in event:\n{log}"
    );
    let failed = |what: &str| {
        log.lines()
            .find(|l| l.contains(what))
            .unwrap_or("")
            .to_owned()
    };
    let wrong = failed("sign-in failed: wrong password");
    assert!(
        wrong.contains("user=") && wrong.contains("127.0.0.1"),
        "{log}"
    );
    let unknown = failed("sign-in failed: no such account");
    assert!(
        unknown.contains("address=") && unknown.contains("127.0.0.1"),
        "{log}"
    );
    for (what, secret) in [
        ("wrong password", "a wrong guess at it"),
        ("unknown address", "nobody@example.org"),
        ("password", password),
        ("mail token", mail_token.as_str()),
        ("CSRF token", token.as_str()),
        ("session id", session_id.as_str()),
    ] {
        let line = log.lines().find(|l| l.contains(secret)).unwrap_or("");
        assert!(
            !log.contains(secret),
            "the {what} appears in the log: {line}"
        );
    }
}

/// `kill -9` while contributions are being written: after a restart every committed
/// contribution is found exactly once (the index goes on from its last commit and
/// re-applying the outbox replaces, never duplicates).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_every_committed_contribution_is_searchable_exactly_once() {
    use app::domain::contribution::{Channel, Speaker};
    use app::domain::Lang;
    use app::ssr::accounts::store::{self as users, NewUser};
    use app::ssr::consultations::store as consultations;
    use app::ssr::contributions::store::{self as contributions, NewContribution};

    let data = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", data.path().join("shura.db").display());
    let db = app::ssr::db::Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    let now = chrono::Utc::now();
    app::ssr::exchange::demo::load_if_empty(&db, now)
        .await
        .expect("demo");
    let c = consultations::by_slug(&db, "e-participation-guideline")
        .await
        .expect("query")
        .expect("guideline");
    let version = consultations::versions(&db, c.id)
        .await
        .expect("versions")
        .pop()
        .expect("version")
        .id;
    let author = users::create(
        &db,
        &NewUser {
            email: "crash@example.org".into(),
            display_name: "Crash".into(),
            preferred_lang: Lang::En,
            password_hash: "unused".into(),
            terms_version: "2026-11".into(),
        },
        now,
    )
    .await
    .expect("user")
    .id;

    let (first, addr) = spawn_server_with(data.path(), "info", &[("DATABASE_URL", &url)]);
    assert!(wait_until_healthy(&addr));
    const WRITTEN: usize = 240;
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..WRITTEN {
                let body = format!("crashprobe contribution number {i}");
                let new = NewContribution {
                    consultation_id: c.id,
                    version_id: version,
                    clause_key: None,
                    parent_id: None,
                    author,
                    speaker: Speaker::Individual,
                    body_hash: format!("{i:064}"),
                    body,
                    channel: Channel::Online,
                    external_id: None,
                    received: None,
                };
                ids.push(
                    contributions::insert(&db, &new, chrono::Utc::now())
                        .await
                        .expect("insert")
                        .0,
                );
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            ids
        })
    };
    // Killed while the indexer is taking them in.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    Command::new("kill")
        .args(["-KILL", &first.child.id().to_string()])
        .status()
        .expect("kill -9");
    let _ = first.finish();
    let mut written = writer.await.expect("writer");
    written.sort_unstable();

    let (second, addr) = spawn_server_with(data.path(), "info", &[("DATABASE_URL", &url)]);
    assert!(wait_until_healthy(&addr));
    let client = reqwest::Client::new();
    let found = |page: usize| {
        let url = format!(
            "http://{addr}/api/v1/search?q=crashprobe&kind=contribution&per_page=100&page={page}"
        );
        let client = client.clone();
        async move {
            let body: serde_json::Value = client
                .get(url)
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("json");
            body
        }
    };
    let mut total = 0;
    for _ in 0..100 {
        total = found(1).await["total"].as_u64().expect("total");
        if total as usize >= WRITTEN {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(total as usize, WRITTEN, "every contribution once, no more");
    let mut ids = Vec::new();
    for page in 1..=WRITTEN.div_ceil(100) {
        let body = found(page).await;
        ids.extend(
            body["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .filter_map(|h| h["id"].as_i64()),
        );
    }
    ids.sort_unstable();
    assert_eq!(ids, written);
    Command::new("kill")
        .args(["-TERM", &second.child.id().to_string()])
        .status()
        .expect("kill");
    let _ = second.finish();
    db.close().await;
}
