//! The two cargo builds, as cargo-leptos 0.3.10 runs them: the wasm crate (in a target
//! directory of its own, `front/`) and the server, side by side.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::Build;

/// The cargo that runs us (`cargo xtask` sets `CARGO`), else the one on PATH, without
/// the variables `cargo run` gave us about the xtask package: build scripts that watch
/// them (ring's watches `CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`…) would otherwise run
/// again, and their crates be rebuilt, whenever `cargo build` and `cargo xtask` take turns.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .contains(&&*key)
        {
            command.env_remove(&*key);
        }
    }
    command
}

/// The workspace root and cargo's target directory, as `cargo metadata` reports them
/// (so `CARGO_TARGET_DIR` and `build.target-dir` are honoured).
///
/// The workspace is the one `cargo xtask` was run in (`cargo run` tells us where our
/// manifest is), never the path compiled in: clones share the target directory, and
/// with it one `xtask` binary, which built another clone's site.
pub fn workspace_dirs() -> Result<(PathBuf, PathBuf)> {
    let mut metadata = cargo();
    metadata.args(["metadata", "--format-version=1", "--no-deps"]);
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        metadata
            .arg("--manifest-path")
            .arg(Path::new(&dir).join("../Cargo.toml"));
    }
    let out = metadata
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed");
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
    let dir = |key: &str| -> Result<PathBuf> {
        meta[key]
            .as_str()
            .map(PathBuf::from)
            .with_context(|| format!("cargo metadata has no {key}"))
    };
    Ok((dir("workspace_root")?, dir("target_directory")?))
}

/// The variables cargo-leptos gives both builds. Only RUSTFLAGS changes what is
/// compiled; the `LEPTOS_*` ones are set too so that nothing differs from its builds.
fn leptos_env(build: &Build, command: &mut Command) {
    command.envs([
        ("LEPTOS_OUTPUT_NAME", crate::OUTPUT_NAME),
        ("LEPTOS_SITE_ROOT", "target/site"),
        ("LEPTOS_SITE_PKG_DIR", "pkg"),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:3000"),
        ("LEPTOS_RELOAD_PORT", "3001"),
        ("LEPTOS_LIB_DIR", "frontend"),
        ("LEPTOS_BIN_DIR", "server"),
        (
            "LEPTOS_JS_MINIFY",
            if build.release { "true" } else { "false" },
        ),
        ("LEPTOS_HASH_FILES", "true"),
        ("LEPTOS_HASH_FILE_NAME", "hash.txt"),
    ]);
    // Debug builds erase view types (`--cfg erase_components`): much faster to compile.
    // Release builds keep the RUSTFLAGS they were given, as cargo-leptos does.
    if !build.release {
        let given = std::env::var("RUSTFLAGS").unwrap_or_default();
        let flags = if given.contains("--cfg erase_components") {
            given
        } else {
            format!("{given} --cfg erase_components").trim().to_string()
        };
        command.env("RUSTFLAGS", flags);
    }
    command.current_dir(&build.root);
}

/// Builds the wasm crate and the server at once (two target directories, two cargo
/// locks: on two cores one build fills the gaps of the other). Returns the wasm file.
pub fn compile(build: &Build) -> Result<PathBuf> {
    let front_dir = build.target_dir.join("front");
    let mut front = cargo();
    front.args([
        "build",
        "--package=frontend",
        "--lib",
        "--target=wasm32-unknown-unknown",
        "--no-default-features",
    ]);
    front.arg(format!("--target-dir={}", front_dir.display()));
    if build.release {
        front.arg("--profile=wasm-release");
    }
    leptos_env(build, &mut front);
    // One progress bar on the terminal: the server's.
    front.env("CARGO_TERM_PROGRESS_WHEN", "never");

    let mut server = cargo();
    server.args([
        "build",
        "--package=server",
        "--bin=shura",
        "--no-default-features",
    ]);
    if build.release {
        server.arg("--release");
    }
    leptos_env(build, &mut server);

    let mut front = front.spawn().context("starting the wasm build")?;
    let mut server = server.spawn().context("starting the server build")?;
    let front_ok = front.wait()?.success();
    let server_ok = server.wait()?.success();
    match (front_ok, server_ok) {
        (true, true) => {}
        (false, true) => bail!("the wasm build (frontend) failed"),
        (true, false) => bail!("the server build failed"),
        (false, false) => bail!("the wasm build and the server build failed"),
    }
    let profile = if build.release {
        "wasm-release"
    } else {
        "debug"
    };
    let wasm = front_dir
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("frontend.wasm");
    crate::must_exist(&wasm, "the wasm build")?;
    crate::must_exist(
        &build.bin_dir().join(crate::OUTPUT_NAME),
        "the server build",
    )?;
    Ok(wasm)
}
