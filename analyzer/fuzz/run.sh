#!/usr/bin/env bash
# Run every fuzz target for a bounded time (docs/fuzzing.md):
#   bash analyzer/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   # default 120 s, all targets
# Needs: rustup's nightly toolchain and `cargo install cargo-fuzz`. Seeds come
# from analyzer/fuzz/seed.sh (run first when analyzer/fuzz/corpus is missing).
# A crash leaves its input in analyzer/fuzz/artifacts/<target>/ and makes this
# script exit non-zero; reproduce with
#   cargo +nightly fuzz run --fuzz-dir analyzer/fuzz <target> <artifact>
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECS="${1:-120}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(bundle_reader manifest kubelet_config static_pod benchmark previous cluster_dump)
fi
[ -d analyzer/fuzz/corpus ] || bash analyzer/fuzz/seed.sh || exit 1
cargo +nightly fuzz build --fuzz-dir analyzer/fuzz -O || exit 1
# Largest input per target: a sample bundle's tar is ~130 KiB, a cluster dump
# ~340 KiB; configs and manifests are kilobytes (bigger inputs only slow the
# search down).
max_len() {
  case "$1" in
    bundle_reader) echo 1048576 ;;
    cluster_dump | previous) echo 524288 ;;
    *) echo 65536 ;;
  esac
}
failed=()
for t in "${TARGETS[@]}"; do
  printf '== %s: %s s\n' "$t" "$SECS"
  # -rss_limit_mb: a bundle may be held in memory, but never more than this.
  cargo +nightly fuzz run --fuzz-dir analyzer/fuzz -O "$t" "analyzer/fuzz/corpus/$t" -- \
    -max_total_time="$SECS" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=20 \
    -print_final_stats=1 >"analyzer/fuzz/last-$t.log" 2>&1
  rc=$?
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|panicked|SUMMARY' \
    "analyzer/fuzz/last-$t.log" || true
  [ "$rc" = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs in analyzer/fuzz/artifacts/, logs in analyzer/fuzz/last-*.log)"
  exit 1
fi
echo "all ${#TARGETS[@]} targets ran ${SECS} s each without a crash"
