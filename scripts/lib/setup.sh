# Sourced by scripts/serve and scripts/test: installs what is missing, from the
# package registries only (crates.io, npm, Debian), and sets the shared build cache.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Build output lives outside the clone so that fresh clones reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shura/target}"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root (install it yourself or use sudo)" >&2; return 1
  fi
}

# The site build step (`cargo xtask build`, xtask/) calls wasm-bindgen as a library, so
# besides Rust only the wasm target is needed (and wasm-opt for release builds).
ensure_rust_tools() {
  if ! command -v cargo >/dev/null; then
    echo "error: cargo not found; install Rust from https://rustup.rs first" >&2
    exit 1
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" && -x "$CHROMIUM_PATH" ]]; then return; fi
  if ! command -v chromium >/dev/null; then
    say "installing Chromium from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  export CHROMIUM_PATH="$(command -v chromium)"
}

# psql, to create the PostgreSQL database of the browser tests (only when testing on it).
ensure_psql() {
  if [[ -z "${SHURA_TEST_POSTGRES_URL:-}" ]] || command -v psql >/dev/null; then return; fi
  say "installing postgresql-client from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
}

# A real SMTP server for the mail tests (Debian's aiosmtpd, run by the tests themselves)
# and Python's icalendar for the calendar files.
ensure_smtp_sink() {
  export SHURA_TEST_PYTHON="${SHURA_TEST_PYTHON:-/usr/bin/python3}"
  if ! "$SHURA_TEST_PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing python3-aiosmtpd from Debian (SMTP server for the mail tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  fi
  # A standard calendar parser, to read the portal's .ics files as calendars do.
  if ! "$SHURA_TEST_PYTHON" -c 'import icalendar' 2>/dev/null; then
    say "installing python3-icalendar from Debian (calendar parser for the .ics tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-icalendar >/dev/null
  fi
}

ensure_npm() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
}

ensure_node_packages() {
  ensure_npm
  if [[ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]]; then
    say "installing the browser-test packages (npm ci)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The wasm bundle, the `shura` server and the site (target/site: hashed, precompressed
# assets), in the cargo-leptos layout: `cargo xtask build` (xtask/).
build_site() {
  say "building the portal (cargo xtask build)"
  (cd "$ROOT" && cargo xtask build)
  export SHURA_BIN="$CARGO_TARGET_DIR/debug/shura"
  export SHURA_SITE_DIR="$ROOT/target/site"
}

# The optimised build, which is what deployments run: `shura` in $CARGO_TARGET_DIR/release
# and the site in target/site.
build_release_site() {
  ensure_wasm_opt
  say "building the portal for release (cargo xtask build --release)"
  (cd "$ROOT" && cargo xtask build --release)
  export SHURA_BIN="$CARGO_TARGET_DIR/release/shura"
  export SHURA_SITE_DIR="$ROOT/target/site"
}

# Release builds run wasm-opt when it is on PATH: binaryen from npm, as a registry package.
ensure_wasm_opt() {
  if command -v wasm-opt >/dev/null; then return; fi
  local tools="$HOME/.cache/shura/tools"
  if [[ ! -x "$tools/node_modules/.bin/wasm-opt" ]]; then
    ensure_npm
    say "installing wasm-opt (npm package binaryen)"
    mkdir -p "$tools"
    (cd "$tools" && npm install --no-audit --no-fund --loglevel=error binaryen@132 >/dev/null)
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
}
