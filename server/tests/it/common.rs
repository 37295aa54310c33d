//! The real router on a real port, shared by the HTTP test files.

use std::net::SocketAddr;

use app::domain::authz::Role;
use app::domain::UserId;
use app::ssr::accounts::auth::{password, totp};
use app::ssr::accounts::store as users;
use app::ssr::accounts::store::NewUser;
use app::ssr::admin::store::audit::{AuditAction, AuditEntry};
use app::ssr::admin::store::roles;
use app::ssr::admin::store::roles::Mandate;
use app::ssr::clock::Clock;
use app::ssr::db::testing::TestDb;
use app::ssr::db::Db;
use reqwest::redirect::Policy;
use reqwest::StatusCode;

pub struct TestServer {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub test_db: TestDb,
    /// The data directory (uploads, the search index), removed with the server.
    pub data_dir: tempfile::TempDir,
    /// Stops the search indexer (when the server is dropped, or on demand).
    stop_indexer: tokio::sync::watch::Sender<bool>,
}

impl TestServer {
    pub async fn start(test_db: TestDb, with_demo: bool) -> TestServer {
        TestServer::start_with_clock(test_db, with_demo, Clock::system()).await
    }

    /// A server whose "now" is `clock` (for time-dependent rules: limits, periods).
    pub async fn start_with_clock(test_db: TestDb, with_demo: bool, clock: Clock) -> TestServer {
        TestServer::start_full(test_db, with_demo, clock, None, &[]).await
    }

    /// A server configured with `vars` besides its port and data directory.
    pub async fn start_with_vars(
        test_db: TestDb,
        clock: Clock,
        vars: &[(&str, &str)],
    ) -> TestServer {
        TestServer::start_full(test_db, false, clock, None, vars).await
    }

    /// A server whose built site (`SHURA_SITE_DIR`) is `site`.
    pub async fn start_with_site(test_db: TestDb, site: &std::path::Path) -> TestServer {
        TestServer::start_full(test_db, false, Clock::system(), Some(site), &[]).await
    }

    async fn start_full(
        test_db: TestDb,
        with_demo: bool,
        clock: Clock,
        site: Option<&std::path::Path>,
        extra_vars: &[(&str, &str)],
    ) -> TestServer {
        if with_demo {
            app::ssr::exchange::demo::load_if_empty(&test_db.db, clock.now())
                .await
                .expect("demo data");
        }
        let site = site.map(|site| site.to_string_lossy().into_owned());
        let mut vars: Vec<(&str, &str)> = Vec::new();
        if let Some(site) = &site {
            vars.push(("SHURA_SITE_DIR", site));
        }
        vars.extend_from_slice(extra_vars);
        let Launched {
            addr,
            data_dir,
            stop_indexer,
        } = launch(&test_db.db, clock, &vars).await;
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        TestServer {
            addr,
            client,
            test_db,
            data_dir,
            stop_indexer,
        }
    }

    /// Another `shura serve` on the same database, as a second app node: its own data
    /// directory and search index, this one's seed key.
    pub async fn second_process(&self) -> OtherProcess {
        let key = std::fs::read_to_string(self.data_dir.path().join("seed.key")).expect("seed key");
        let Launched {
            addr,
            data_dir,
            stop_indexer,
        } = launch(
            &self.test_db.db,
            Clock::system(),
            &[("SHURA_SEED_KEY", key.trim())],
        )
        .await;
        OtherProcess {
            addr,
            _data_dir: data_dir,
            _stop_indexer: stop_indexer,
        }
    }

    /// Stops the search indexer and waits until it has (for tests that count the
    /// database's work, which its polling would add to).
    pub async fn stop_indexer(&self) {
        let _ = self.stop_indexer.send(true);
        while !self.stop_indexer.is_closed() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn finish(self) {
        self.test_db.finish().await;
    }
}

pub fn location(res: &reqwest::Response) -> &str {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Each test runs once on SQLite and once on PostgreSQL.
/// A second server process on a test's database (see [`TestServer::second_process`]).
pub struct OtherProcess {
    pub addr: SocketAddr,
    _data_dir: tempfile::TempDir,
    _stop_indexer: tokio::sync::watch::Sender<bool>,
}

impl OtherProcess {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

struct Launched {
    addr: SocketAddr,
    data_dir: tempfile::TempDir,
    stop_indexer: tokio::sync::watch::Sender<bool>,
}

/// Builds the app on `db` as `shura serve` does — in a data directory of its own, with
/// `vars` — and serves it on a free port with its search indexer running.
async fn launch(db: &Db, clock: Clock, vars: &[(&str, &str)]) -> Launched {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let data_dir = tempfile::tempdir().expect("data dir");
    let (bind, data) = (addr.to_string(), data_dir.path().to_string_lossy());
    let mut all = vec![("SHURA_BIND", &*bind), ("SHURA_DATA_DIR", &*data)];
    all.extend_from_slice(vars);
    let config = server::config::Config::from_vars(&all).expect("test configuration");
    let app = server::startup::build(&config, db.clone(), clock)
        .await
        .expect("app");
    let (stop_indexer, indexer_stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(app::ssr::search::indexer::run(
        app.indexer,
        db.clone(),
        app.state.clock.clone(),
        std::time::Duration::from_millis(100),
        indexer_stopped,
    ));
    tokio::spawn(server::startup::serve_on(
        listener,
        app.router,
        std::future::pending(),
    ));
    Launched {
        addr,
        data_dir,
        stop_indexer,
    }
}

macro_rules! http_tests {
    ($(async fn $name:ident($server:ident, demo = $demo:expr) $body:block)*) => {
        mod on_sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $server = TestServer::start(TestDb::sqlite().await, $demo).await;
                    $body
                    $server.finish().await;
                }
            )*
        }
        mod on_postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $server = TestServer::start(TestDb::postgres().await, $demo).await;
                    $body
                    $server.finish().await;
                }
            )*
        }
    };
}

/// A client whose requests come from `ip` (any 127.x address reaches loopback).
pub fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .local_address(std::net::IpAddr::from(ip))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

/// The body of the page at `url`, as `client` gets it.
pub async fn text_of(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body")
}

pub async fn csrf_of(client: &reqwest::Client, url: &str) -> String {
    let html = client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    html.split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned()
}

// People: verified accounts with roles, signed in through the real forms.

pub const PASSWORD: &str = "سحابة فوق جبال السروات";

pub fn no_audit() -> AuditEntry {
    AuditEntry {
        actor: None,
        action: AuditAction::RoleGrant,
        target: "test".into(),
        detail: serde_json::json!({}),
        ip: None,
    }
}

/// A verified account holding `roles`, with two-factor set up (secret returned) when
/// `two_factor`.
pub async fn person(db: &Db, email: &str, roles: &[Role], two_factor: bool) -> (UserId, String) {
    let now = Clock::system().now();
    let hash = password::hash(PASSWORD).await.expect("hash");
    let user = users::create(
        db,
        &NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or("x").into(),
            preferred_lang: app::domain::Lang::En,
            password_hash: hash,
            terms_version: "2026-11".into(),
        },
        now,
    )
    .await
    .expect("user");
    users::mark_email_verified(db, user.id, now)
        .await
        .expect("verify");
    for role in roles {
        let mandate = matches!(role, Role::AgencyStaff(_)).then(|| Mandate {
            decision_ref: "قرار 1/2026".into(),
            decided_on: "2026-01-05".into(),
            scope: "الرد على المشاركات".into(),
        });
        roles::grant(db, user.id, *role, mandate.as_ref(), &no_audit(), now)
            .await
            .expect("grant");
    }
    let secret = totp::new_secret();
    if two_factor {
        users::enable_totp(db, user.id, &secret, 0, &[], &no_audit(), now)
            .await
            .expect("totp");
    }
    (user.id, secret)
}

/// Signs in through the forms, giving the TOTP code when asked.
pub async fn signed_in_client(server: &TestServer, email: &str, secret: &str) -> reqwest::Client {
    let client = client_from([127, 0, 0, 1]);
    let url = server.url("/en/sign-in");
    let csrf = csrf_of(&client, &url).await;
    let res = client
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{email}");
    if location(&res) == "/en/sign-in/code" {
        let url = server.url("/en/sign-in/code");
        let csrf = csrf_of(&client, &url).await;
        let code = totp::code_at(secret, Clock::system().now()).expect("code");
        let res = client
            .post(&url)
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
            .send()
            .await
            .expect("code");
        assert_eq!(location(&res), "/en/account", "{email}");
    }
    client
}

/// Posts `form` to the page at `path` with the CSRF token that page gives `client`.
pub async fn post_form(
    server: &TestServer,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let url = server.url(path);
    let csrf = csrf_of(client, &url).await;
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    client.post(&url).form(&fields).send().await.expect("post")
}

/// Waits up to `within` for `check` to hold; how long it took.
pub async fn eventually<F, Fut>(within: std::time::Duration, mut check: F) -> std::time::Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "not within {within:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
