//! The tree's own rules, the invariants ARCHITECTURE.md states, checked by reading the
//! source: a rule nobody checks stops being true.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dirs` (relative to the workspace), with its text.
fn rust_files(dirs: &[&str]) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("readable source folder");
        for entry in entries {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = workspace();
    let mut paths = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable source file");
            let name = path
                .strip_prefix(&root)
                .expect("under the workspace")
                .to_string_lossy()
                .replace('\\', "/");
            (name, text)
        })
        .collect()
}

/// The production part of a file: tests sit at the bottom, after `#[cfg(test)]`.
fn production(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// The repository modules: `db/` and each feature's `store.rs` (or `store/` folder).
fn is_store(name: &str) -> bool {
    name.ends_with("/store.rs") || name.contains("/store/") || name.starts_with("app/src/ssr/db/")
}

fn is_test_file(name: &str) -> bool {
    name.starts_with("server/tests/") || name.ends_with("tests.rs") || name.ends_with("/testing.rs")
}

const SOURCES: &[&str] = &["app/src", "server/src", "server/tests", "frontend/src"];

/// The files that break a rule; this file, which names what it looks for, is not one.
fn offenders(check: impl Fn(&str, &str) -> bool) -> Vec<String> {
    rust_files(SOURCES)
        .into_iter()
        .filter(|(name, _)| name != "server/tests/it/tidy.rs")
        .filter(|(name, text)| check(name, text))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn every_file_opens_with_a_line_saying_what_it_is_for() {
    let missing = offenders(|_, text| !text.trim_start().starts_with("//!"));
    assert!(
        missing.is_empty(),
        "files without a `//!` line: {missing:?}"
    );
}

#[test]
fn only_the_stores_know_which_database_they_talk_to() {
    let outside = offenders(|name, text| {
        !is_store(name)
            && ["Db::Sqlite", "Db::Postgres", "Tx::Sqlite", "Tx::Postgres"]
                .iter()
                .any(|backend| text.contains(backend))
    });
    assert!(
        outside.is_empty(),
        "backend matches outside the stores: {outside:?}"
    );
}

#[test]
fn sql_lives_only_in_the_stores() {
    let outside = offenders(|name, text| {
        !is_store(name)
            && !is_test_file(name)
            && ["sqlx::query", "query_as(", "query_scalar("]
                .iter()
                .any(|sql| production(text).contains(sql))
    });
    assert!(outside.is_empty(), "SQL outside the stores: {outside:?}");
}

#[test]
fn the_server_reads_the_time_from_the_app_clock() {
    // The browser's countdown reads the browser's clock; everything on the server asks
    // `AppState.clock`, so that tests can fix the time.
    let outside = offenders(|name, text| {
        let server_side = name.starts_with("app/src/ssr/") || name.starts_with("server/src/");
        server_side
            && !is_test_file(name)
            && name != "app/src/ssr/clock.rs"
            && ["Utc::now()", "SystemTime::now()", "Local::now()"]
                .iter()
                .any(|now| production(text).contains(now))
    });
    assert!(
        outside.is_empty(),
        "clock read outside ssr/clock.rs: {outside:?}"
    );
}

#[test]
fn shared_widgets_and_form_types_know_no_feature() {
    // `ui/` and `forms.rs` are used by every feature; a feature imported there would
    // be a cycle, and the widgets could no longer be read on their own.
    const FEATURES: &[&str] = &[
        "accounts::",
        "admin::",
        "agencies::",
        "consultations::",
        "contributions::",
        "moderation::",
        "ssr::",
        "frame::",
    ];
    let leaking = offenders(|name, text| {
        (name.starts_with("app/src/ui/") || name == "app/src/forms.rs")
            && FEATURES
                .iter()
                .any(|f| production(text).contains(&format!("crate::{f}")))
    });
    assert!(
        leaking.is_empty(),
        "shared modules that import a feature: {leaking:?}"
    );
}

#[test]
fn the_route_list_is_generated_once_per_process() {
    // Generating it switches resource loading off for the whole process (see
    // `http::ROUTES`): done again while a page renders, that page never finishes.
    let generating: Vec<String> = rust_files(&["server/src", "app/src"])
        .into_iter()
        .flat_map(|(name, text)| {
            production(&text)
                .lines()
                .filter(|l| l.contains("generate_route_list(") && !l.trim_start().starts_with("//"))
                .map(|l| format!("{name}: {}", l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        generating.len(),
        1,
        "route list generated in: {generating:?}"
    );
    assert!(
        generating[0].contains("LazyLock::new"),
        "generated once, lazily: {generating:?}"
    );
}

/// The string literal `format!` is given first, wherever its `(` and the literal sit.
fn format_literals(text: &str) -> Vec<&str> {
    text.match_indices("format!(")
        .filter_map(|(at, call)| {
            let rest = text[at + call.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(&rest[..rest.find('"').unwrap_or(rest.len())])
        })
        .collect()
}

#[test]
fn urls_are_built_only_in_paths() {
    // `app::paths` builds every URL the views, mails, handlers and API links use, and
    // the route patterns beside them: a URL written by hand elsewhere drifts from the
    // route that serves it. No exceptions today; one would be named here with why.
    const EXCEPTIONS: &[&str] = &["app/src/paths.rs"];
    let hand_built = offenders(|name, text| {
        !EXCEPTIONS.contains(&name)
            && !is_test_file(name)
            && format_literals(production(text))
                .iter()
                .any(|l| l.starts_with("/{") || l.starts_with("/api/v1/"))
    });
    assert!(
        hand_built.is_empty(),
        "URLs built outside app/src/paths.rs: {hand_built:?}"
    );
}

#[test]
fn the_url_check_sees_what_it_looks_for() {
    let text = "let a = format!(\"/{code}/x\");\nlet b = format!(\n    \"/api/v1/c/{}\", id);\nlet c = format!(\"{x}/y\");";
    assert_eq!(
        format_literals(text),
        ["/{code}/x", "/api/v1/c/{}", "{x}/y"]
    );
}

/// The page cache is emptied by every write except the server functions it lists as
/// read-only: each listed name is a server function's endpoint, and each server
/// function is either listed or known to write (`WRITING`), so a new
/// one is a decision, not an accident.
#[test]
fn every_server_function_is_known_to_read_or_to_write() {
    const WRITING: &[&str] = &["take_recovery_codes", "verify_email", "unsubscribe_link"];
    let mut endpoints = Vec::new();
    for (name, text) in rust_files(&["app/src"]) {
        for part in production(&text).split("endpoint = \"").skip(1) {
            let endpoint = part.split('"').next().unwrap_or_default().to_owned();
            endpoints.push((endpoint, name.clone()));
        }
    }
    assert!(
        endpoints.len() > 10,
        "server functions found: {endpoints:?}"
    );
    let read_only = server::http::page_cache::READ_ONLY_FUNCTIONS;
    for listed in read_only {
        assert!(
            endpoints.iter().any(|(e, _)| e == listed),
            "{listed} is listed as read-only but is no server function"
        );
    }
    for (endpoint, file) in &endpoints {
        assert!(
            read_only.contains(&endpoint.as_str()) || WRITING.contains(&endpoint.as_str()),
            "{file}: server function {endpoint} is neither in page_cache::READ_ONLY_FUNCTIONS nor known to write"
        );
    }
}
