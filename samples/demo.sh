#!/usr/bin/env bash
# The main job on the bundled samples: build kstig, collect a signed bundle
# from each sample node tree, verify them and analyze them into ./out
# (results.json, one CKL / CKLB / XCCDF per node plus the cluster roll-up).
#
#   bash samples/demo.sh [--benchmark DISA_ZIP_OR_XCCDF]
#
# Without --benchmark it uses ../shared/stig's V1R11 zip when present,
# else kstig's built-in V2R6 catalogue.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BENCH=()
if [ "${1:-}" = "--benchmark" ] && [ -n "${2:-}" ]; then
  BENCH=(--benchmark "$2")
elif [ -f "$ROOT/../shared/stig/U_Kubernetes_V1R11_STIG.zip" ]; then
  BENCH=(--benchmark "$ROOT/../shared/stig/U_Kubernetes_V1R11_STIG.zip")
fi

cargo build --release --locked -p kstig-collector -p kstig-analyzer
BIN="$ROOT/target/release"
WORK="$ROOT/target/demo"
rm -rf "$WORK"
mkdir -p "$WORK/bundles"
for node in kubeadm-cp kubeadm-worker rke2-server k3s-server; do
  sh samples/materialize.sh "samples/nodes/$node" "$WORK/roots/$node"
  # The control plane carries the sample cluster dump (what `kubectl get` exported there).
  cluster=(--no-cluster)
  if [ "$node" = kubeadm-cp ] && [ -f samples/cluster/kubeadm-cluster.json ]; then
    cluster=(--cluster-json samples/cluster/kubeadm-cluster.json)
  fi
  "$BIN/kstig-collect" --key samples/keys/test-only-signing.key --out "$WORK/bundles" \
    --root "$WORK/roots/$node" "${cluster[@]}"
done
"$BIN/kstig" verify --trust samples/keys/test-only-signing.pub "$WORK/bundles"
set +e
"$BIN/kstig" analyze --trust samples/keys/test-only-signing.pub "${BENCH[@]}" --out out "$WORK/bundles"
code=$?
set -e
echo "kstig analyze exit code $code (0 clean, 3 open findings present, 4 bundle refused)"
ls out
[ "$code" = 0 ] || [ "$code" = 3 ]
