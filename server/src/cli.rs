//! Command-line interface: `shura [serve|migrate|load-demo|create-admin|import|export|reindex]`.

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::{self, StartupError};

#[derive(Parser, Debug)]
#[command(name = "shura", version, about = "Shura, the e-participation portal")]
pub struct Cli {
    /// Configuration file (TOML); environment variables override it.
    #[arg(long, global = true, env = "SHURA_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database and serve the portal (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Migrate, then load the demo consultations if the database has none.
    LoadDemo,
    /// Make a platform admin: creates the account (or promotes an existing one). The
    /// password is read from SHURA_ADMIN_PASSWORD or, if unset, from the first line of
    /// standard input, so that it never appears in the process list.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Display name for a new account.
        #[arg(long, default_value = "Platform admin")]
        name: String,
    },
    /// Import agencies, topics and consultations from a JSON file in the exchange format
    /// (docs/import-format.md). All or nothing; importing the same file again changes
    /// nothing.
    Import { file: std::path::PathBuf },
    /// Write one consultation, with its agency, topics and versions, to standard output
    /// in the exchange format.
    Export { slug: String },
    /// Rebuild the search index from the database into a new folder beside the one in
    /// use, then swap it in: a running server moves to it within a second and keeps
    /// serving meanwhile.
    Reindex,
    /// Benchmarks (see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Bench {
    /// Shura's search index against PostgreSQL full-text search and SQLite FTS5, on
    /// one generated corpus: build rate, index size, query latency, recall@10.
    Search {
        /// Corpus sizes, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000])]
        sizes: Vec<usize>,
        /// Queries in the timed mix.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// A PostgreSQL database to compare with (a scratch table `bench_fts` is made
        /// and dropped there); left out when not given.
        #[arg(long, env = "SHURA_BENCH_POSTGRES_URL")]
        postgres_url: Option<String>,
        /// Leave SQLite FTS5 out.
        #[arg(long)]
        no_sqlite: bool,
        /// Scratch folder for the indexes.
        #[arg(long)]
        work_dir: Option<std::path::PathBuf>,
    },
}

pub async fn run(cli: Cli) -> Result<(), StartupError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::Migrate => {
            let db = startup::open_database(&config).await?;
            db.close().await;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::LoadDemo => {
            let db = startup::open_database(&config).await?;
            let loaded = app::ssr::exchange::demo::load_if_empty(&db, chrono_now()).await;
            db.close().await;
            match loaded.map_err(|e| StartupError::Demo(e.to_string()))? {
                true => tracing::info!("demo data loaded"),
                false => tracing::info!("database already has consultations; demo data not loaded"),
            }
            Ok(())
        }
        Command::Import { file } => {
            let name = file.display().to_string();
            let failed = |message: String| StartupError::Import {
                file: name.clone(),
                message,
            };
            let text = std::fs::read_to_string(&file).map_err(|e| failed(e.to_string()))?;
            let doc = app::ssr::exchange::parse(&text).map_err(|e| failed(e.to_string()))?;
            let db = startup::open_database(&config).await?;
            let result = app::ssr::exchange::import(&db, &doc, chrono_now()).await;
            db.close().await;
            let summary = result.map_err(|e| failed(e.to_string()))?;
            println!(
                "imported {} consultation(s): {} version(s) written, {} unchanged; \
                 {} contribution(s) written, {} already there; {} response(s) written; \
                 {} workshop(s)",
                summary.consultations,
                summary.versions_written,
                summary.versions_unchanged,
                summary.contributions_written,
                summary.contributions_unchanged,
                summary.responses_written,
                summary.workshops
            );
            Ok(())
        }
        Command::Reindex => reindex(&config).await,
        Command::Bench { what } => bench(what).await,
        Command::Export { slug } => {
            let db = startup::open_database(&config).await?;
            let result = app::ssr::exchange::export(&db, &slug, chrono_now()).await;
            db.close().await;
            let doc =
                result?.ok_or_else(|| StartupError::Export(format!("no consultation {slug:?}")))?;
            let json = serde_json::to_string_pretty(&doc)
                .map_err(|e| StartupError::Export(e.to_string()))?;
            println!("{json}");
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let password = match std::env::var("SHURA_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line).map_err(|e| {
                        StartupError::Admin(format!("cannot read the password: {e}"))
                    })?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let db = startup::open_database(&config).await?;
            let result =
                app::ssr::admin::service::create_admin(&db, &email, &name, &password, chrono_now())
                    .await;
            db.close().await;
            let id = result.map_err(|e| StartupError::Admin(e.to_string()))?;
            println!(
                "platform admin: user {id} <{}>",
                email.trim().to_lowercase()
            );
            Ok(())
        }
    }
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    app::ssr::clock::Clock::system().now()
}

/// `shura reindex`, with a progress bar on standard error.
async fn reindex(config: &Config) -> Result<(), StartupError> {
    use app::ssr::search::{indexer, IndexHome};
    let db = startup::open_database(config).await?;
    let total = indexer::contributions_to_index(&db).await?;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} contributions ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("indexing");
    let home = IndexHome(config.index_dir.clone());
    let result = indexer::rebuild(&db, &home, chrono_now(), |n| bar.set_position(n)).await;
    db.close().await;
    let dir = result?;
    bar.finish_with_message("indexed");
    println!("search index rebuilt in {}", dir.display());
    Ok(())
}

/// `shura bench …`: the report on standard output, progress on standard error.
async fn bench(what: Bench) -> Result<(), StartupError> {
    use app::ssr::search::bench;
    let failed = |e: bench::BenchError| StartupError::Bench(e.to_string());
    match what {
        Bench::Search {
            sizes,
            queries,
            postgres_url,
            no_sqlite,
            work_dir,
        } => {
            let work_dir = work_dir.unwrap_or_else(|| std::env::temp_dir().join("shura-bench"));
            std::fs::create_dir_all(&work_dir)
                .map_err(|e| StartupError::Bench(format!("{}: {e}", work_dir.display())))?;
            let program =
                std::env::current_exe().map_err(|e| StartupError::Bench(e.to_string()))?;
            let options = bench::Options {
                sizes,
                queries,
                postgres_url,
                sqlite: !no_sqlite,
                work_dir,
                serve: crate::bench::serve_with(program),
            };
            let results = bench::run(&options, &|msg| eprintln!("{msg}"))
                .await
                .map_err(failed)?;
            println!("{}", bench::report(&results));
            Ok(())
        }
    }
}
