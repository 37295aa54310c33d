//! The site build step: `cargo xtask build [--release]` builds what `cargo leptos build`
//! builds, with no tool to install beyond the Rust toolchain (and `wasm-opt`, if on PATH,
//! for release builds).
//!
//! 1. `frontend` for wasm32 and the `shura` server, at the same time and with the same
//!    cargo arguments, profiles, RUSTFLAGS and `LEPTOS_*` variables as cargo-leptos
//!    0.3.10 (the wasm crate in `$CARGO_TARGET_DIR/front`), so the two share a cache;
//! 2. wasm-bindgen through its library (`wasm-bindgen-cli-support`, pinned to the
//!    `wasm-bindgen` of Cargo.lock), target `web`, then `wasm-opt -Oz` for release;
//! 3. the stylesheet (minified for release) and `public/` into the site;
//! 4. content-hashed names (`shura.<hash>.js|wasm|css`) listed in `hash.txt` beside the
//!    server binary, where Leptos' `HydrationScripts` and `HashedStylesheet` read them;
//! 5. brotli and gzip copies (`.br`, `.gz`) of each asset, served as they are.

mod assets;
mod cargo;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

/// What one `build` makes: the directories it reads and writes and its mode.
pub struct Build {
    /// The workspace root (the repository).
    pub root: PathBuf,
    /// Cargo's target directory (`CARGO_TARGET_DIR` or `target/`).
    pub target_dir: PathBuf,
    /// The site: `target/site` in the repository, as `site-root` in Cargo.toml says.
    pub site: PathBuf,
    pub release: bool,
}

pub const OUTPUT_NAME: &str = "shura";

impl Build {
    /// The directory of the server binary, where its `hash.txt` goes.
    pub fn bin_dir(&self) -> PathBuf {
        self.target_dir
            .join(if self.release { "release" } else { "debug" })
    }

    pub fn pkg(&self) -> PathBuf {
        self.site.join("pkg")
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask build [--release]\n\
         \n\
         Builds the wasm bundle and the `shura` server, and writes the site (hashed,\n\
         precompressed assets) into target/site. --release: optimised build (the\n\
         wasm-release profile, wasm-opt -Oz when wasm-opt is on PATH)."
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let release = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["build"] => false,
        ["build", "--release"] | ["build", "-r"] => true,
        _ => return usage(),
    };
    match build(release) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn build(release: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let (root, target_dir) = cargo::workspace_dirs()?;
    let build = Build {
        site: root.join("target").join("site"),
        root,
        target_dir,
        release,
    };
    say(&format!(
        "building the {} site: wasm bundle and server",
        if release { "release" } else { "debug" }
    ));
    let wasm = cargo::compile(&build)?;
    assets::write_site(&build, &wasm).context("writing the site")?;
    say(&format!(
        "built in {:.0?}: the site in {}, the server {}",
        started.elapsed(),
        build.site.display(),
        build.bin_dir().join(OUTPUT_NAME).display()
    ));
    Ok(())
}

pub fn say(message: &str) {
    eprintln!("\x1b[1m==> {message}\x1b[0m");
}

/// Fails unless `path` exists, naming what should have made it.
pub fn must_exist(path: &std::path::Path, made_by: &str) -> Result<()> {
    if !path.exists() {
        bail!("{} is missing after {made_by}", path.display());
    }
    Ok(())
}
