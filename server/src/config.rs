//! Configuration from environment variables and an optional TOML file.
//!
//! | variable        | file key       | default                              |
//! |-----------------|----------------|--------------------------------------|
//! | `DATABASE_URL`  | `database_url` | `sqlite://<data dir>/shura.db`       |
//! | `SHURA_BIND`    | `bind`         | `127.0.0.1:3000`                     |
//! | `SHURA_DATA_DIR`| `data_dir`     | `data`                               |
//! | `SHURA_INDEX_DIR`| `index_dir`   | `<data dir>/index`: the search index (one per process) |
//! | `SHURA_SITE_DIR`| `site_dir`     | `LEPTOS_SITE_ROOT`, else `target/site` |
//! | `SHURA_PUBLIC_URL` | `public_url` | `http://<bind>`; `https://…` also makes cookies Secure |
//! | `SHURA_MAIL_FROM` | `mail_from`  | `Shura <no-reply@localhost>`         |
//! | `SHURA_SMTP_HOST` | `smtp_host`  | none: mail is written to `<data dir>/mail/*.eml` |
//! | `SHURA_SMTP_PORT` | `smtp_port`  | 587 (`starttls`), 465 (`tls`), 25 (`none`) |
//! | `SHURA_SMTP_TLS`  | `smtp_tls`   | `starttls`; or `tls`, `none`         |
//! | `SHURA_SMTP_USERNAME` | `smtp_username` | none                         |
//! | `SHURA_SMTP_PASSWORD` | `smtp_password` | none                         |
//! | `SHURA_TRUSTED_PROXIES` | `trusted_proxies` | none: clients connect directly |
//! | `SHURA_FORWARDED_HEADER` | `forwarded_header` | `x-forwarded-for`; or `forwarded` |
//! | `SHURA_SEED_KEY` | — (never in the file) | the file `<data dir>/seed.key`, made on first start |
//! | `SHURA_BENCH` | — (never in the file) | off; `1` adds `GET /bench/ceiling` for `scripts/bench` |
//! | `RUST_LOG`      | —              | `info`                               |
//!
//! `SHURA_TRUSTED_PROXIES` lists the reverse proxies in front of the server
//! (`10.0.0.5, 10.1.0.0/16, ::1`): for requests from them, and only from them, the
//! client's address is read from `SHURA_FORWARDED_HEADER` (see `http::client_addr`).
//!
//! The file is the one named by `--config`/`SHURA_CONFIG`, else `shura.toml` in the
//! working directory if there is one. Environment variables win over the file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::http::client_addr::{ForwardedHeader, TrustedProxies};
use app::ssr::mail::{SmtpSettings, TlsMode};
use serde::Deserialize;

/// A setting that cannot be used: which one, and why.
#[derive(Debug, thiserror::Error)]
#[error("configuration {key}: {message}")]
pub struct ConfigError {
    pub key: &'static str,
    pub message: String,
}

#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Address and port the HTTP server listens on.
    pub bind: SocketAddr,
    /// Holds the SQLite database, the search index (unless `index_dir` is elsewhere),
    /// the mail spool and uploads.
    pub data_dir: PathBuf,
    /// The search index, derived from the database: each serving process needs its
    /// own (with PostgreSQL and several processes, give each its own folder).
    pub index_dir: PathBuf,
    /// The built site (`pkg/shura.js`, `.wasm`, `.css` and public assets).
    pub site_dir: PathBuf,
    /// The address people use to reach the site, without a trailing slash.
    pub public_url: String,
    /// Sender of every message, e.g. `Shura <no-reply@example.gov>`.
    pub mail_from: String,
    /// SMTP relay; `None` writes messages as files under `<data dir>/mail/`.
    pub smtp: Option<SmtpSettings>,
    /// The reverse proxies whose word on the client's address is taken.
    pub trusted_proxies: TrustedProxies,
    /// The key that seals second-factor seeds (64 hexadecimal digits), when it is
    /// kept in the environment rather than in `<data dir>/seed.key`.
    pub seed_key: Option<String>,
    /// Serve `GET /bench/ceiling` (a fixed 1 KB body through every layer): the
    /// benchmark's ceiling, measured on the same server as the pages (`SHURA_BENCH=1`).
    pub bench_routes: bool,
}

/// Written out for logs and errors with the database password hidden.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &app::ssr::db::redact_url(&self.database_url),
            )
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("index_dir", &self.index_dir)
            .field("site_dir", &self.site_dir)
            .field("public_url", &self.public_url)
            .field("mail_from", &self.mail_from)
            .field("smtp", &self.smtp)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("seed_key", &self.seed_key.as_ref().map(|_| "<set>"))
            .field("bench_routes", &self.bench_routes)
            .finish()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    index_dir: Option<PathBuf>,
    site_dir: Option<PathBuf>,
    public_url: Option<String>,
    mail_from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    trusted_proxies: Option<String>,
    forwarded_header: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let file_config = read_file(file)?;
        Config::from_sources(file_config, |key| std::env::var(key).ok())
    }

    /// The configuration these variables alone would give, without the process's
    /// environment or a file: for tests and tools that start the app in-process.
    pub fn from_vars(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_sources(FileConfig::default(), |key| {
            vars.iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    fn from_sources(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
        let data_dir = env("SHURA_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("shura.db").display()));
        let bind_text = env("SHURA_BIND")
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError {
            key: "SHURA_BIND",
            message: format!("{bind_text:?} is not an address such as 127.0.0.1:3000"),
        })?;
        let index_dir = env("SHURA_INDEX_DIR")
            .map(PathBuf::from)
            .or(file.index_dir)
            .unwrap_or_else(|| data_dir.join("index"));
        let site_dir = env("SHURA_SITE_DIR")
            .map(PathBuf::from)
            .or(file.site_dir)
            .or_else(|| env("LEPTOS_SITE_ROOT").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("target/site"));
        let public_url = env("SHURA_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError {
                key: "SHURA_PUBLIC_URL",
                message: format!("{public_url:?} must start with http:// or https://"),
            });
        }
        let mail_from = env("SHURA_MAIL_FROM")
            .or(file.mail_from)
            .unwrap_or_else(|| "Shura <no-reply@localhost>".to_owned());
        let smtp = match env("SHURA_SMTP_HOST").or(file.smtp_host) {
            None => None,
            Some(host) => {
                let tls_text = env("SHURA_SMTP_TLS")
                    .or(file.smtp_tls)
                    .unwrap_or_else(|| "starttls".to_owned());
                let tls = TlsMode::parse(&tls_text).ok_or_else(|| ConfigError {
                    key: "SHURA_SMTP_TLS",
                    message: format!("{tls_text:?} is not one of starttls, tls, none"),
                })?;
                let port = match env("SHURA_SMTP_PORT") {
                    Some(p) => p.parse().map_err(|_| ConfigError {
                        key: "SHURA_SMTP_PORT",
                        message: format!("{p:?} is not a port number"),
                    })?,
                    None => file.smtp_port.unwrap_or(match tls {
                        TlsMode::StartTls => 587,
                        TlsMode::Tls => 465,
                        TlsMode::None => 25,
                    }),
                };
                Some(SmtpSettings {
                    host,
                    port,
                    tls,
                    username: env("SHURA_SMTP_USERNAME").or(file.smtp_username),
                    password: env("SHURA_SMTP_PASSWORD").or(file.smtp_password),
                })
            }
        };
        let header_text = env("SHURA_FORWARDED_HEADER")
            .or(file.forwarded_header)
            .unwrap_or_else(|| "x-forwarded-for".to_owned());
        let header = ForwardedHeader::parse(&header_text).ok_or_else(|| ConfigError {
            key: "SHURA_FORWARDED_HEADER",
            message: format!("{header_text:?} is not one of x-forwarded-for, forwarded"),
        })?;
        let proxies_text = env("SHURA_TRUSTED_PROXIES")
            .or(file.trusted_proxies)
            .unwrap_or_default();
        let trusted_proxies =
            TrustedProxies::parse(&proxies_text, header).map_err(|entry| ConfigError {
                key: "SHURA_TRUSTED_PROXIES",
                message: format!("{entry:?} is not an address or a network such as 10.0.0.0/8"),
            })?;
        let seed_key = env("SHURA_SEED_KEY");
        if let Some(key) = &seed_key {
            app::ssr::accounts::auth::seeds::SeedKey::from_hex(key).map_err(|e| ConfigError {
                key: "SHURA_SEED_KEY",
                message: e.to_string(),
            })?;
        }
        let bench_routes = match env("SHURA_BENCH").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                return Err(ConfigError {
                    key: "SHURA_BENCH",
                    message: format!("{other:?} is neither 1 nor 0"),
                })
            }
        };
        Ok(Config {
            database_url,
            bind,
            data_dir,
            index_dir,
            site_dir,
            public_url,
            mail_from,
            smtp,
            trusted_proxies,
            seed_key,
            bench_routes,
        })
    }
}

fn read_file(explicit: Option<&Path>) -> Result<FileConfig, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from("shura.toml");
            if !default.exists() {
                return Ok(FileConfig::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        key: "SHURA_CONFIG",
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError {
        key: "SHURA_CONFIG",
        message: format!("{}: {}", path.display(), e.message()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file: FileConfig, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(file, |k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_put_sqlite_in_the_data_directory() {
        let c = load(FileConfig::default(), &[]).expect("config");
        assert_eq!(c.database_url, "sqlite://data/shura.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.site_dir, PathBuf::from("target/site"));
    }

    #[test]
    fn data_dir_moves_the_default_database() {
        let c = load(FileConfig::default(), &[("SHURA_DATA_DIR", "/srv/shura")]).expect("config");
        assert_eq!(c.database_url, "sqlite:///srv/shura/shura.db");
    }

    #[test]
    fn environment_overrides_the_file() {
        let file: FileConfig =
            toml::from_str("bind = \"0.0.0.0:8080\"\ndatabase_url = \"postgres://f/db\"")
                .expect("toml");
        let c = load(file, &[("DATABASE_URL", "postgres://env/db")]).expect("config");
        assert_eq!(c.database_url, "postgres://env/db");
        assert_eq!(c.bind.to_string(), "0.0.0.0:8080");
    }

    #[test]
    fn a_bad_bind_address_names_the_variable() {
        let err = load(FileConfig::default(), &[("SHURA_BIND", "localhost")])
            .expect_err("must fail")
            .to_string();
        assert!(err.contains("SHURA_BIND"), "{err}");
    }

    #[test]
    fn without_smtp_host_mail_goes_to_files() {
        let c = load(FileConfig::default(), &[]).expect("config");
        assert!(c.smtp.is_none());
    }

    #[test]
    fn smtp_port_follows_the_tls_mode() {
        let c = load(
            FileConfig::default(),
            &[
                ("SHURA_SMTP_HOST", "mail.example"),
                ("SHURA_SMTP_TLS", "tls"),
            ],
        )
        .expect("config");
        let smtp = c.smtp.expect("smtp");
        assert_eq!((smtp.port, smtp.tls), (465, TlsMode::Tls));
        let bad = load(
            FileConfig::default(),
            &[
                ("SHURA_SMTP_HOST", "mail.example"),
                ("SHURA_SMTP_TLS", "ssl3"),
            ],
        );
        assert!(bad
            .expect_err("bad mode")
            .to_string()
            .contains("SHURA_SMTP_TLS"));
    }

    #[test]
    fn the_smtp_password_is_never_printed() {
        let c = load(
            FileConfig::default(),
            &[
                ("SHURA_SMTP_HOST", "mail.example"),
                ("SHURA_SMTP_PASSWORD", "hunter2-secret"),
            ],
        )
        .expect("config");
        assert!(!format!("{c:?}").contains("hunter2-secret"));
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let c = load(
            FileConfig::default(),
            &[("SHURA_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16,::1")],
        )
        .expect("config");
        assert_ne!(c.trusted_proxies, TrustedProxies::default());
        let bad = load(
            FileConfig::default(),
            &[("SHURA_TRUSTED_PROXIES", "proxy.internal")],
        );
        assert!(bad
            .expect_err("a name")
            .to_string()
            .contains("SHURA_TRUSTED_PROXIES"));
        let bad = load(
            FileConfig::default(),
            &[("SHURA_FORWARDED_HEADER", "x-real-ip")],
        );
        assert!(bad
            .expect_err("unknown header")
            .to_string()
            .contains("SHURA_FORWARDED_HEADER"));
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        assert!(toml::from_str::<FileConfig>("databse_url = \"x\"").is_err());
    }
}
