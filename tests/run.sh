#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need on a fresh
# Debian machine, then runs formatting, lints, every test, the static-build
# check of the collector and the importers' own parsers on our checklists.
#
#   bash tests/run.sh            # everything
#   KSTIG_SKIP_IMPORTERS=1 bash tests/run.sh   # skip the third-party importer install/run
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SHARED="$ROOT/../shared"

step() { printf '\n== %s\n' "$*"; }

need_apt=()
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v musl-gcc >/dev/null 2>&1 || need_apt+=(musl-tools)
# The report.html browser test (tests/report_browser.rs) drives Debian's chromium headless.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -q >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
fi
if ! rustup target list --installed 2>/dev/null | grep -q x86_64-unknown-linux-musl; then
  step "rustup target add x86_64-unknown-linux-musl"
  rustup target add x86_64-unknown-linux-musl
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "static collector build (profile collector, musl)"
bash tests/build-static.sh

if [ -z "${KSTIG_SKIP_IMPORTERS:-}" ] && [ -d "$SHARED/checklists/tools" ]; then
  CLIENTS="$ROOT/target/importer-clients"
  if [ ! -f "$CLIENTS/.installed" ]; then
    step "install the importers' own parsers into $CLIENTS"
    bash "$SHARED/checklists/tools/install-clients.sh" --dir "$CLIENTS"
    touch "$CLIENTS/.installed"
  fi
  export KSTIG_CLIENTS="$CLIENTS"
fi

step "cargo test"
# run.sh installed chromium: the browser test must run, not skip.
export KSTIG_REQUIRE_BROWSER=1
cargo test --workspace --locked
