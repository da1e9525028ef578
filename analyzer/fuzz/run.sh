#!/usr/bin/env bash
# Run every fuzz target for a bounded time (docs/fuzzing.md):
#   bash analyzer/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   # default 120 s, all targets
# Needs: rustup's nightly toolchain and `cargo install cargo-fuzz`. Seeds come
# from analyzer/fuzz/seed.sh (run first when analyzer/fuzz/corpus is missing).
# A crash leaves its input in analyzer/fuzz/artifacts/<target>/ and makes this
# script exit non-zero; reproduce with
#   cargo +nightly fuzz run --fuzz-dir analyzer/fuzz <target> <artifact>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECS="${1:-120}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(bundle_reader manifest kubelet_config static_pod benchmark previous cluster_dump)
fi
[ -d analyzer/fuzz/corpus ] || bash analyzer/fuzz/seed.sh
cargo +nightly fuzz build --fuzz-dir analyzer/fuzz -O
failed=()
for t in "${TARGETS[@]}"; do
  printf '== %s: %s s\n' "$t" "$SECS"
  # -rss_limit_mb: a bundle may be held in memory, but never more than this.
  if ! cargo +nightly fuzz run --fuzz-dir analyzer/fuzz -O "$t" "analyzer/fuzz/corpus/$t" -- \
      -max_total_time="$SECS" -max_len=1048576 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
      2>&1 | tail -n 25; then
    failed+=("$t")
  fi
  [ "${PIPESTATUS[0]}" = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]}"
  exit 1
fi
echo "all ${#TARGETS[@]} targets ran ${SECS} s each without a crash"
