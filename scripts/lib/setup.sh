# Sourced by scripts/serve and scripts/test: installs what is missing, from the
# package registries only (crates.io, npm, Debian), and sets the shared build cache.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Build output lives outside the clone so that fresh clones reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shura/target}"
export PATH="$HOME/.cargo/bin:$PATH"
CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root (install it yourself or use sudo)" >&2; return 1
  fi
}

ensure_rust_tools() {
  if ! command -v cargo >/dev/null; then
    echo "error: cargo not found; install Rust from https://rustup.rs first" >&2
    exit 1
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes, once)"
    # no_downloads: a missing tool is an error instead of a download from outside crates.io.
    cargo install --locked "cargo-leptos@$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  # The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "installing wasm-bindgen-cli $want (about 6 minutes, once)"
    cargo install wasm-bindgen-cli --version "$want"
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

# A real SMTP server for the mail tests: Debian's aiosmtpd, run by the tests themselves.
ensure_smtp_sink() {
  export SHURA_TEST_PYTHON="${SHURA_TEST_PYTHON:-/usr/bin/python3}"
  if ! "$SHURA_TEST_PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing python3-aiosmtpd from Debian (SMTP server for the mail tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  fi
}

ensure_node_packages() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [[ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]]; then
    say "installing the browser-test packages (npm ci)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build_site() {
  say "building the portal (cargo leptos build)"
  (cd "$ROOT" && cargo leptos build)
  export SHURA_BIN="$CARGO_TARGET_DIR/debug/shura"
  export SHURA_SITE_DIR="$ROOT/target/site"
}

# The optimised build, which is what deployments run: `shura` in $CARGO_TARGET_DIR/release
# and the site in target/site.
build_release_site() {
  ensure_wasm_opt
  say "building the portal for release (cargo leptos build --release)"
  (cd "$ROOT" && cargo leptos build --release)
  export SHURA_BIN="$CARGO_TARGET_DIR/release/shura"
  export SHURA_SITE_DIR="$ROOT/target/site"
}

# Release builds run wasm-opt; cargo-leptos would otherwise download binaryen.
ensure_wasm_opt() {
  if command -v wasm-opt >/dev/null; then return; fi
  local tools="$HOME/.cache/shura/tools"
  if [[ ! -x "$tools/node_modules/.bin/wasm-opt" ]]; then
    say "installing wasm-opt (npm package binaryen)"
    mkdir -p "$tools"
    (cd "$tools" && npm install --no-audit --no-fund --loglevel=error binaryen@132 >/dev/null)
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
}
