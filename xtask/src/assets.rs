//! From the compiled wasm to the site: wasm-bindgen, wasm-opt, the stylesheet, hashed
//! names, `hash.txt`, brotli and gzip copies, `public/`.
//!
//! The assets are named by their content, so a build never overwrites a file a running
//! server (or a browser's cache) knows under the same name, and compressed copies that
//! exist already are the right ones. Files of `pkg/` that neither the debug nor the
//! release server lists in its `hash.txt` are removed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::{say, Build, OUTPUT_NAME};

/// The kinds of asset Leptos looks up in `hash.txt`, by extension.
const KINDS: [&str; 3] = ["js", "wasm", "css"];

/// Writes the site for `wasm` (the compiled `frontend.wasm`).
pub fn write_site(build: &Build, wasm: &Path) -> Result<()> {
    let pkg = build.pkg();
    fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    let bound = bindgen(build, wasm)?;

    let wasm_bytes = fs::read(bound.join(format!("{OUTPUT_NAME}_bg.wasm")))?;
    let wasm_name = hashed_name("wasm", &wasm_bytes);
    // The module's own default path to its wasm (used only when the loader is given no
    // path; Leptos gives it one) points at the hashed file too.
    let js = fs::read_to_string(bound.join(format!("{OUTPUT_NAME}.js")))?
        .replace(&format!("{OUTPUT_NAME}_bg.wasm"), &wasm_name);
    let css = stylesheet(build)?;

    let mut assets = Vec::new();
    let mut hashes = String::new();
    for (kind, bytes) in [("js", js.as_bytes()), ("wasm", &wasm_bytes), ("css", &css)] {
        let name = hashed_name(kind, bytes);
        write_new(&pkg.join(&name), bytes)?;
        hashes.push_str(&format!("{kind}: {}\n", hash_of(&name)));
        assets.push(name);
    }
    copy_snippets(&bound, &pkg)?;

    precompress(&pkg, &assets, build.release)?;
    copy_dir(&build.root.join("public"), &build.site)?;
    let hash_file = build.bin_dir().join("hash.txt");
    write_atomic(&hash_file, hashes.as_bytes())?;
    prune(build)?;
    Ok(())
}

/// Runs wasm-bindgen (and wasm-opt for release) into a work directory beside the wasm
/// crate's build; skipped when the compiled wasm is the one it last processed.
fn bindgen(build: &Build, wasm: &Path) -> Result<PathBuf> {
    let profile = if build.release {
        "wasm-release"
    } else {
        "debug"
    };
    let out = build.target_dir.join("front").join("bindgen").join(profile);
    let wasm_opt = if build.release {
        find_on_path("wasm-opt")
    } else {
        None
    };
    let stamp_file = out.join("stamp");
    let stamp = format!(
        "{}\nwasm-opt: {}\n",
        hex::encode(Sha256::digest(fs::read(wasm)?)),
        wasm_opt.is_some()
    );
    if fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return Ok(out);
    }
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    say("wasm-bindgen (library) → shura.js + shura_bg.wasm");
    let started = std::time::Instant::now();
    // As cargo-leptos runs it: target `web`, no debug glue, debug info dropped.
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .debug(false)
        .keep_debug(false)
        .typescript(false)
        .generate(&out)
        .context("wasm-bindgen")?;
    eprintln!("    wasm-bindgen took {:.1?}", started.elapsed());
    let bg = out.join(format!("{OUTPUT_NAME}_bg.wasm"));
    match wasm_opt {
        Some(wasm_opt) => {
            say("wasm-opt -Oz");
            let started = std::time::Instant::now();
            // The flags cargo-leptos 0.3.10 passes.
            let status = Command::new(&wasm_opt)
                .args(["-Oz", "--enable-bulk-memory"])
                .arg(&bg)
                .arg("-o")
                .arg(&bg)
                .status()
                .with_context(|| format!("running {}", wasm_opt.display()))?;
            if !status.success() {
                bail!("wasm-opt failed ({status})");
            }
            eprintln!("    wasm-opt took {:.1?}", started.elapsed());
        }
        None if build.release => eprintln!(
            "note: wasm-opt is not on PATH: the release wasm is not optimised further \
             (scripts/lib/setup.sh installs it from the npm package binaryen)"
        ),
        None => {}
    }
    fs::write(&stamp_file, stamp)?;
    Ok(out)
}

/// `style/main.css`, minified for release builds.
fn stylesheet(build: &Build) -> Result<Vec<u8>> {
    let path = build.root.join("style").join("main.css");
    let css = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    if !build.release {
        return Ok(css.into_bytes());
    }
    match minifier::css::minify(&css) {
        Ok(min) => Ok(min.to_string().into_bytes()),
        Err(err) => bail!("cannot minify {}: {err}", path.display()),
    }
}

/// `shura.<hash>.<ext>`: the first 80 bits of the SHA-256 of `bytes`, in hex.
fn hashed_name(ext: &str, bytes: &[u8]) -> String {
    let hash = hex::encode(&Sha256::digest(bytes)[..10]);
    format!("{OUTPUT_NAME}.{hash}.{ext}")
}

/// The hash in a name made by `hashed_name`.
fn hash_of(name: &str) -> &str {
    name.split('.').nth(1).unwrap_or_default()
}

/// wasm-bindgen's JS snippets (none today) keep their names, under `pkg/snippets`.
fn copy_snippets(bound: &Path, pkg: &Path) -> Result<()> {
    let from = bound.join("snippets");
    let to = pkg.join("snippets");
    if to.exists() {
        fs::remove_dir_all(&to)?;
    }
    if from.exists() {
        copy_dir(&from, &to)?;
    }
    Ok(())
}

/// Writes `.br` and `.gz` beside each asset that lacks them (one thread per asset) and
/// prints the three sizes of each.
fn precompress(pkg: &Path, assets: &[String], release: bool) -> Result<()> {
    // Release: the best ratio, once per deployment. Debug: fast enough for every build.
    let (br_quality, gz_level) = if release { (11, 9) } else { (5, 6) };
    let started = std::time::Instant::now();
    let results: Vec<Result<String>> = std::thread::scope(|scope| {
        let tasks: Vec<_> = assets
            .iter()
            .map(|name| {
                scope.spawn(move || -> Result<String> {
                    let path = pkg.join(name);
                    let bytes = fs::read(&path)?;
                    let br = path.with_file_name(format!("{name}.br"));
                    if !br.exists() {
                        write_atomic(&br, &brotli(&bytes, br_quality)?)?;
                    }
                    let gz = path.with_file_name(format!("{name}.gz"));
                    if !gz.exists() {
                        write_atomic(&gz, &gzip(&bytes, gz_level)?)?;
                    }
                    Ok(format!(
                        "{name} {}, br {}, gzip {}",
                        size(bytes.len() as u64),
                        size(fs::metadata(&br)?.len()),
                        size(fs::metadata(&gz)?.len())
                    ))
                })
            })
            .collect();
        tasks
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("compression panicked")))
            })
            .collect()
    });
    let lines = results.into_iter().collect::<Result<Vec<_>>>()?;
    eprintln!("    compressed in {:.1?}", started.elapsed());
    for line in &lines {
        eprintln!("    {line}");
    }
    Ok(())
}

fn brotli(bytes: &[u8], quality: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, quality, 22);
        writer.write_all(bytes)?;
        writer.flush()?;
    }
    Ok(out)
}

fn gzip(bytes: &[u8], level: u32) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}

/// Removes from `pkg/` the files that no server's `hash.txt` (debug, release) lists,
/// with their compressed copies: older builds, and cargo-leptos' unhashed output.
fn prune(build: &Build) -> Result<()> {
    let mut keep = BTreeSet::new();
    for dir in ["debug", "release"] {
        let Ok(hashes) = fs::read_to_string(build.target_dir.join(dir).join("hash.txt")) else {
            continue;
        };
        for line in hashes.lines() {
            if let Some((kind, hash)) = line.split_once(':') {
                let kind = kind.trim();
                if KINDS.contains(&kind) {
                    keep.insert(format!("{OUTPUT_NAME}.{}.{kind}", hash.trim()));
                }
            }
        }
    }
    for entry in fs::read_dir(build.pkg())? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let asset = name
            .strip_suffix(".br")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(&name);
        if !keep.contains(asset) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` unless it exists (names are content hashes).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    write_atomic(path, bytes)
}

/// Writes through a temporary file and a rename, so a server never reads half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("copying to {}", target.display()))?;
        }
    }
    Ok(())
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_carry_the_content_hash_that_hash_txt_lists() {
        let name = hashed_name("wasm", b"\0asm");
        let hash = hash_of(&name);
        assert_eq!(hash.len(), 20);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(name, format!("shura.{hash}.wasm"));
        assert_ne!(name, hashed_name("wasm", b"\0asm\x01"));
    }

    #[test]
    fn prune_keeps_what_a_hash_txt_names() {
        let dir = std::env::temp_dir().join(format!("xtask-prune-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let build = Build {
            root: dir.clone(),
            target_dir: dir.join("target"),
            site: dir.join("site"),
            release: false,
        };
        let pkg = build.pkg();
        fs::create_dir_all(pkg.join("snippets")).unwrap();
        fs::create_dir_all(build.target_dir.join("debug")).unwrap();
        fs::create_dir_all(build.target_dir.join("release")).unwrap();
        fs::write(
            build.target_dir.join("debug/hash.txt"),
            "js: aaaa\nwasm: bbbb\ncss: cccc\n",
        )
        .unwrap();
        fs::write(build.target_dir.join("release/hash.txt"), "js: dddd\n").unwrap();
        let kept = [
            "shura.aaaa.js",
            "shura.aaaa.js.br",
            "shura.bbbb.wasm.gz",
            "shura.cccc.css",
            "shura.dddd.js",
        ];
        let dropped = ["shura.eeee.js", "shura.eeee.js.br", "shura.wasm", ".x.tmp"];
        for name in kept.iter().chain(&dropped) {
            fs::write(pkg.join(name), name).unwrap();
        }
        prune(&build).unwrap();
        for name in kept {
            assert!(pkg.join(name).exists(), "{name} kept");
        }
        for name in dropped {
            assert!(!pkg.join(name).exists(), "{name} removed");
        }
        assert!(pkg.join("snippets").is_dir());
        fs::remove_dir_all(&dir).unwrap();
    }
}
