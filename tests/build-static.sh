#!/usr/bin/env bash
# Build the fully static kstig-collect and check it: ldd must say it is not
# dynamic, and the stripped binary must stay within 1 MiB.
#   bash tests/build-static.sh        -> target/x86_64-unknown-linux-musl/collector/kstig-collect
# Fallback without musl: static glibc (crt-static applies only to the --target build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LIMIT=$((1024 * 1024))
if command -v musl-gcc >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -q x86_64-unknown-linux-musl; then
  TARGET=x86_64-unknown-linux-musl
  CC_x86_64_unknown_linux_musl=musl-gcc cargo build --locked --profile collector -p kstig-collector --bin kstig-collect --target "$TARGET"
else
  echo "build-static: musl not available, falling back to static glibc" >&2
  TARGET=x86_64-unknown-linux-gnu
  RUSTFLAGS="-C target-feature=+crt-static" cargo build --locked --profile collector -p kstig-collector --bin kstig-collect --target "$TARGET"
fi
BIN="target/$TARGET/collector/kstig-collect"
LDD="$(ldd "$BIN" 2>&1 || true)"
case "$LDD" in
  *"not a dynamic executable"*|*"statically linked"*) ;;
  *) echo "build-static: $BIN is not static:"; echo "$LDD"; exit 1 ;;
esac
SIZE=$(stat -c %s "$BIN")
echo "build-static: $BIN static, $SIZE bytes (limit $LIMIT)"
if [ "$SIZE" -gt "$LIMIT" ]; then
  echo "build-static: binary over 1 MiB" >&2
  exit 1
fi
