//! Command-line interface: `shura [serve|migrate|load-demo]`.

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

#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database and serve the portal (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Migrate, then load the demo consultations if the database has none.
    LoadDemo,
}

pub async fn run(cli: Cli) -> Result<(), StartupError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::Migrate => {
            let db = startup::open_database(&config).await?;
            db.close().await;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::LoadDemo => {
            let db = startup::open_database(&config).await?;
            let loaded = app::ssr::demo::load_if_empty(&db, chrono_now()).await;
            db.close().await;
            match loaded.map_err(|e| StartupError::Demo(e.to_string()))? {
                true => tracing::info!("demo data loaded"),
                false => tracing::info!("database already has consultations; demo data not loaded"),
            }
            Ok(())
        }
    }
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    app::ssr::clock::Clock::system().now()
}
