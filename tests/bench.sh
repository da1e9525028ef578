#!/usr/bin/env bash
# The performance benchmark (issue 7, docs/performance.md): the static
# collector on the sample nodes and a generated large node; the analyzer on
# 1, 100 and 1,000 bundles made by the real collector, against the floor
# (gunzip + SHA-256 of the same bundles, writing files of the same sizes);
# a 20,000-pod cluster dump. Medians of repeated runs, raw figures printed.
#
#   bash tests/bench.sh              # full run (a few minutes)
#   bash tests/bench.sh --quick      # fewer repeats
#   bash tests/bench.sh --repeats N  # N runs of everything
#
# Uses ../shared/stig/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml (or
# $KSTIG_SHARED/stig/...) for the full rule text; without it the figures are
# printed with a note that they are not comparable. Work files: target/bench.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The static collector is built as tests/run.sh builds it (musl when present).
if ! command -v musl-gcc >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends musl-tools >/dev/null
fi
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -q x86_64-unknown-linux-musl; then
  rustup target add x86_64-unknown-linux-musl
fi
exec cargo bench --locked -p kstig-analyzer --bench perf -- "$@"
