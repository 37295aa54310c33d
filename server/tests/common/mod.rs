//! The real router on a real port, shared by the HTTP test files.
#![allow(dead_code)] // each test file uses a part

use std::net::SocketAddr;
use std::path::PathBuf;

use app::ssr::clock::Clock;
use app::ssr::state::AppState;
use app::ssr::testing::TestDb;
use reqwest::redirect::Policy;

pub struct TestServer {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub test_db: TestDb,
}

impl TestServer {
    pub async fn start(test_db: TestDb, with_demo: bool) -> TestServer {
        if with_demo {
            app::ssr::demo::load_if_empty(&test_db.db, Clock::system().now())
                .await
                .expect("demo data");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = server::config::Config {
            database_url: String::new(),
            bind: addr,
            data_dir: PathBuf::from("unused"),
            site_dir: PathBuf::from("target/site"),
            public_url: format!("http://{addr}"),
            mail_from: "Shura <no-reply@localhost>".to_owned(),
            smtp: None,
        };
        let state = AppState {
            db: test_db.db.clone(),
            clock: Clock::system(),
            leptos_options: server::startup::leptos_options(&config),
            data_dir: config.data_dir.clone(),
            public_url: config.public_url.clone(),
        };
        let sessions = app::ssr::sessions::SessionBackend::for_db(&test_db.db)
            .await
            .expect("session table");
        let router = server::http::router(state, sessions, false);
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        TestServer {
            addr,
            client,
            test_db,
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
#[macro_export]
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
        .build()
        .expect("client")
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
