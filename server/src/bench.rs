//! The serving side of `shura bench search`: a real `shura serve` process on the
//! index the benchmark built, asked every query over HTTP (`GET /api/v1/search`), so
//! the latency is what an API client sees through every layer and the memory is the
//! whole server's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use app::ssr::search::bench::{BenchError, BenchQuery, Serve, Served};
use app::ssr::search::IndexHome;
use serde::Deserialize;

/// Serves with `program` (this binary).
pub fn serve_with(program: PathBuf) -> Box<Serve> {
    Box::new(move |home, mix, judged| Box::pin(serve_and_ask(program.clone(), home, mix, judged)))
}

async fn serve_and_ask(
    program: PathBuf,
    home: IndexHome,
    mix: Vec<BenchQuery>,
    judged: Vec<BenchQuery>,
) -> Result<Served, BenchError> {
    let work = home.0.with_extension("serve");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    // An empty database: the API answers from the index alone, and the indexer finds
    // the index current (nothing in the outbox) and leaves it as it is.
    let mut server = Server(
        std::process::Command::new(&program)
            .arg("serve")
            .env("SHURA_DATA_DIR", work.join("data"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", work.join("serve.db").display()),
            )
            .env("SHURA_INDEX_DIR", &home.0)
            .env("SHURA_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()?,
    );
    let pid = server.0.id();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}/api/v1/search");
    let asked = ask_all(&client, &base, &mix, &judged, &mut server).await;
    let peak_rss_bytes = peak_rss(pid);
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
    let (micros, judged_top) = asked?;
    Ok(Served {
        micros,
        judged_top,
        peak_rss_bytes,
    })
}

async fn ask_all(
    client: &reqwest::Client,
    base: &str,
    mix: &[BenchQuery],
    judged: &[BenchQuery],
    server: &mut Server,
) -> Result<(Vec<u64>, Vec<Vec<i64>>), BenchError> {
    wait_until_up(client, base, server).await?;
    for q in mix {
        ask(client, base, q).await?;
    }
    let mut micros = Vec::with_capacity(mix.len());
    for q in mix {
        let started = Instant::now();
        ask(client, base, q).await?;
        micros.push(started.elapsed().as_micros() as u64);
    }
    let mut judged_top = Vec::with_capacity(judged.len());
    for q in judged {
        judged_top.push(ask(client, base, q).await?);
    }
    Ok((micros, judged_top))
}

async fn wait_until_up(
    client: &reqwest::Client,
    base: &str,
    server: &mut Server,
) -> Result<(), BenchError> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Some(status) = server.0.try_wait()? {
            return Err(BenchError::Child(format!("shura serve stopped: {status}")));
        }
        if client.get(base).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(BenchError::Child("shura serve did not answer".into()))
}

/// The serving process, stopped when dropped (on every way out).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Deserialize)]
struct Results {
    hits: Vec<Hit>,
}

#[derive(Deserialize)]
struct Hit {
    id: i64,
}

/// One query, read in full; the ids of its hits.
async fn ask(client: &reqwest::Client, base: &str, q: &BenchQuery) -> Result<Vec<i64>, BenchError> {
    let failed = |e: reqwest::Error| BenchError::Child(e.to_string());
    let res = client
        .get(base)
        .query(&q.to_search().to_pairs())
        .send()
        .await
        .map_err(failed)?;
    let status = res.status();
    let body = res.bytes().await.map_err(failed)?;
    if !status.is_success() {
        return Err(BenchError::Child(format!(
            "{status} for {:?}: {}",
            q.text,
            String::from_utf8_lossy(&body)
        )));
    }
    let results: Results =
        serde_json::from_slice(&body).map_err(|e| BenchError::Child(e.to_string()))?;
    Ok(results.hits.into_iter().map(|h| h.id).collect())
}

/// A process's peak resident memory (`VmHWM`), in bytes.
fn peak_rss(pid: u32) -> u64 {
    std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
