//! Start-up and shutdown: logging, data directory, database, router, signals.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use app::ssr::clock::Clock;
use app::ssr::db::sessions::SessionBackend;
use app::ssr::db::{redact_url, Backend, Db, StoreError};
use app::ssr::mail::Mailer;
use app::ssr::search::indexer::Indexer;
use app::ssr::search::IndexHome;
use app::ssr::state::AppState;
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;

use crate::config::Config;

/// Everything that can stop the server; each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("data directory {path} is not usable: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Database(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Demo(String),
    #[error("create-admin: {0}")]
    Admin(String),
    #[error("import {file}: {message}; nothing was imported")]
    Import { file: String, message: String },
    #[error("export: {0}")]
    Export(String),
    #[error("mail configuration: {0}")]
    Mail(#[from] app::ssr::mail::MailerError),
    #[error("second-factor seeds: {0}")]
    SeedKey(app::ssr::accounts::service::AccountError),
    #[error("{0}")]
    Search(#[from] app::ssr::search::SearchError),
    #[error("bench: {0}")]
    Bench(String),
}

/// How often the indexer looks at the outbox: a new contribution is searchable
/// within this and a commit.
const SEARCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`; the search index's own
/// commits and merges only when they fail), as JSON lines when
/// `SHURA_LOG_FORMAT=json`.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,tantivy=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let json = std::env::var("SHURA_LOG_FORMAT").is_ok_and(|v| v == "json");
    // `try_init` fails only if a subscriber is already set (as in tests): keep that one.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Makes sure the data directory exists and that we can write to it.
pub fn prepare_data_dir(path: &Path) -> Result<(), StartupError> {
    let fail = |source| StartupError::DataDir {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(path).map_err(fail)?;
    let probe = path.join(".write-test");
    std::fs::File::create(&probe)
        .and_then(|mut f| f.write_all(b"ok"))
        .map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Prepares the data directory (for SQLite), connects and applies migrations.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let backend = Backend::of_url(&config.database_url)?;
    prepare_data_dir(&config.data_dir)?;
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    tracing::info!(
        database = %redact_url(&config.database_url),
        backend = ?backend,
        "database ready"
    );
    Ok(db)
}

/// SMTP when configured; otherwise `.eml` files under `<data dir>/mail/`.
pub fn build_mailer(config: &Config) -> Result<Mailer, StartupError> {
    match &config.smtp {
        Some(smtp) => {
            tracing::info!(host = %smtp.host, port = smtp.port, tls = ?smtp.tls, "mail: SMTP");
            Ok(Mailer::smtp(&config.mail_from, smtp)?)
        }
        None => {
            let dir = config.data_dir.join("mail");
            tracing::info!(
                dir = %dir.display(),
                "mail: no SMTP configured (SHURA_SMTP_HOST); messages are written as .eml files in {}",
                dir.display()
            );
            Ok(Mailer::files(&config.mail_from, dir)?)
        }
    }
}

/// The hashed asset names: `hash.txt` beside the running binary, written there by the
/// build step (`cargo xtask build`, or `cargo leptos build`) with the site it built.
const HASH_FILE: &str = "hash.txt";

pub fn leptos_options(config: &Config) -> LeptosOptions {
    // Leptos reads the file beside the executable on each page. Without it (a test
    // binary, a build by other means) pages name the plain `shura.js`, `.wasm`, `.css`.
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)))
        .is_some_and(|file| file.is_file());
    LeptosOptions::builder()
        .output_name("shura")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .hash_file(HASH_FILE.into())
        .hash_files(hash_files)
        .build()
}

/// The application's parts, as `serve` runs them and as the tests drive them.
pub struct App {
    pub state: AppState,
    /// The search index's writer, to run with `app::ssr::search::indexer::run`.
    pub indexer: Indexer,
    pub router: axum::Router,
    pub sessions: SessionBackend,
}

/// Assembles the application on an open database: its state, session store and router.
pub async fn build(config: &Config, db: Db, clock: Clock) -> Result<App, StartupError> {
    let seeds = app::ssr::accounts::service::prepare_seed_key(
        &db,
        config.seed_key.as_deref(),
        &config.data_dir,
    )
    .await
    .map_err(StartupError::SeedKey)?;
    let moved =
        app::ssr::notifications::service::hash_old_unsubscribe_tokens(&db, clock.now()).await?;
    if moved > 0 {
        tracing::info!(
            count = moved,
            "unsubscribe tokens kept in clear are now hashed"
        );
    }
    let indexer = Indexer::open(IndexHome(config.index_dir.clone()))?;
    let state = AppState {
        search: indexer.search(),
        db: db.clone(),
        clock,
        leptos_options: leptos_options(config),
        data_dir: config.data_dir.clone(),
        public_url: config.public_url.clone(),
        seeds: std::sync::Arc::new(seeds),
    };
    let sessions = SessionBackend::for_db(&db).await?;
    let https = config.public_url.starts_with("https://");
    let router = crate::http::router(
        state.clone(),
        sessions.clone(),
        https,
        config.trusted_proxies.clone(),
        config.bench_routes,
    );
    Ok(App {
        state,
        indexer,
        router,
        sessions,
    })
}

/// Serves `router` on `listener` until `shutdown` completes, then lets in-flight
/// requests finish.
pub async fn serve_on(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // A response leaves in several writes (headers, then the body): with Nagle's
    // algorithm the last one waited for the client's delayed ACK, 40 ms per small file
    // on a kept-alive connection.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "TCP_NODELAY not set");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Opens the database, binds the port and serves until SIGINT or SIGTERM; then stops
/// accepting, lets in-flight requests finish and closes the pool.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    let db = open_database(&config).await?;
    let mailer = build_mailer(&config)?;
    if !site_has_script(&config.site_dir.join("pkg")) {
        tracing::warn!(
            site_dir = %config.site_dir.display(),
            "built site files not found: pages will render but not hydrate \
             (build with `cargo xtask build`, or set SHURA_SITE_DIR)"
        );
    }
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
    let App {
        state,
        indexer,
        router,
        sessions,
    } = build(&config, db.clone(), Clock::system()).await?;
    let (stop_workers, workers_stopped) = tokio::sync::watch::channel(false);
    let search_indexer = tokio::spawn(app::ssr::search::indexer::run(
        indexer,
        db.clone(),
        state.clock.clone(),
        SEARCH_INTERVAL,
        workers_stopped.clone(),
    ));
    let session_cleanup =
        tokio::spawn(sessions.continuously_delete_expired(tokio::time::Duration::from_secs(3600)));
    let mail_worker = tokio::spawn(app::ssr::mail::worker::run(
        db.clone(),
        mailer,
        state.clock.clone(),
        std::time::Duration::from_secs(2),
        workers_stopped,
    ));
    let lifecycle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            app::ssr::workers::minute_tick(&state.db, &state.public_url, state.clock.now()).await;
        }
    });
    tracing::info!(address = %config.bind, "serving http://{}", config.bind);
    let served = serve_on(listener, router, shutdown_signal())
        .await
        .map_err(StartupError::Serve);
    let _ = stop_workers.send(true);
    if let Err(err) = mail_worker.await {
        tracing::error!(error = %err, "mail worker ended abnormally");
    }
    if let Err(err) = search_indexer.await {
        tracing::error!(error = %err, "search indexer ended abnormally");
    }
    session_cleanup.abort();
    lifecycle.abort();
    tracing::info!("shutting down: closing the database");
    db.close().await;
    served
}

/// Whether the site's `pkg` directory holds a script (`shura.js` or a hashed one).
fn site_has_script(pkg: &Path) -> bool {
    std::fs::read_dir(pkg).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("shura.") && name.ends_with(".js")
        })
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing in-flight requests");
}
