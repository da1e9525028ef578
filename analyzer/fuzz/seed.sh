#!/usr/bin/env bash
# Build the seed corpora of the fuzz targets from the samples:
#   bash analyzer/fuzz/seed.sh            # -> analyzer/fuzz/corpus/<target>/
# Needs the main workspace's debug binaries (built here), python3 and the
# samples; ../shared (DISA benchmarks, third-party checklists) is used when present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
CORPUS="$ROOT/analyzer/fuzz/corpus"
SHARED="${KSTIG_SHARED:-$ROOT/../shared}"
[ -d "$SHARED/stig" ] || SHARED="/work/shared"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cargo build --quiet -p kstig-collector -p kstig-analyzer
BIN="$ROOT/target/debug"
for t in bundle_reader manifest kubelet_config static_pod benchmark previous cluster_dump collector_text; do
  mkdir -p "$CORPUS/$t"
done

# Bundles of the four sample nodes: the tar (uncompressed, so that mutations
# reach the tar structure), the manifest, and kstig's own checklists.
bundles=()
for node in kubeadm-cp kubeadm-worker rke2-server k3s-server; do
  sh samples/materialize.sh "samples/nodes/$node" "$WORK/$node-root" >/dev/null 2>&1
  mkdir -p "$WORK/$node-out"
  SOURCE_DATE_EPOCH=1795180000 "$BIN/kstig-collect" --key samples/keys/test-only-signing.key \
    --out "$WORK/$node-out" --root "$WORK/$node-root" --no-cluster >/dev/null || true
  b="$(ls "$WORK/$node-out"/*.kstig.tar.gz)"
  bundles+=("$b")
  gzip -dc "$b" >"$CORPUS/bundle_reader/$node.tar"
  mkdir -p "$WORK/$node-x"
  tar -xzf "$b" -C "$WORK/$node-x" manifest.json
  cp "$WORK/$node-x/manifest.json" "$CORPUS/manifest/$node.json"
done
"$BIN/kstig" analyze --quiet --trust samples/keys/test-only-signing.pub --out "$WORK/results" \
  "${bundles[@]}" >/dev/null 2>&1 || true
for f in "$WORK"/results/*.ckl "$WORK"/results/*.cklb; do
  cp "$f" "$CORPUS/previous/"
done
if [ -d "$SHARED/checklists/samples" ]; then
  find "$SHARED/checklists/samples" -type f \( -name '*.ckl' -o -name '*.cklb' \) -size -300k \
    -exec cp {} "$CORPUS/previous/" \;
fi

# Kubelet configs (arguments, NUL, config) and static pod manifests.
i=0
for f in samples/nodes/*/var/lib/kubelet/config.yaml samples/nodes/rke2-server/etc/rancher/rke2/kubelet-config.yaml; do
  i=$((i + 1))
  { printf -- '--read-only-port=0\n--config-dir=/etc/kubernetes/kubelet.conf.d\n'; printf '\0'; cat "$f"; } \
    >"$CORPUS/kubelet_config/config-$i"
done
i=0
for f in samples/nodes/*/etc/kubernetes/manifests/*.yaml samples/nodes/*/var/lib/rancher/*/agent/pod-manifests/*.yaml; do
  [ -f "$f" ] || continue
  i=$((i + 1))
  cp "$f" "$CORPUS/static_pod/pod-$i.yaml"
done

# Node files the collector parses: kubeconfigs, distribution configs,
# encryption configs, env files, units, os-release, hosts.
i=0
for f in samples/nodes/*/etc/kubernetes/*.conf samples/nodes/*/etc/rancher/*/*.yaml \
  samples/nodes/*/etc/kubernetes/*encryption*.yaml samples/nodes/*/etc/default/* \
  samples/nodes/*/etc/systemd/system/*.service samples/nodes/*/usr/lib/os-release \
  samples/nodes/*/etc/hosts samples/nodes/*/root/*.yaml; do
  [ -f "$f" ] || continue
  i=$((i + 1))
  cp "$f" "$CORPUS/collector_text/node-$i"
done

# Cluster dumps.
cp samples/cluster/*.json "$CORPUS/cluster_dump/"

# Benchmarks: the first rules of each DISA file, whole and zipped.
python3 - "$SHARED/stig" "$CORPUS/benchmark" <<'PY'
import os, re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
seeds = {}
if os.path.isdir(src):
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xml"):
            continue
        text = open(os.path.join(src, name), encoding="utf-8").read()
        groups = [m.start() for m in re.finditer(r"<(\w+:)?Group\b", text)]
        if len(groups) > 3:
            close = re.search(r"</(\w+:)?Benchmark>", text)
            if close:
                text = text[: groups[3]] + text[close.start():]
                tail = re.search(r"</(\w+:)?Benchmark>[\s\S]*$", text)
        seeds[name] = text.encode()
if not seeds:
    seeds["tiny.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1" id="K">'
        '<title>K</title><plain-text id="release-info">Release: 1 Benchmark Date: 01 Jan 2024</plain-text><version>1</version>'
        '<Group id="V-1"><title>S</title><Rule id="SV-1r1_rule" severity="medium"><version>CNTR-K8-000150</version>'
        '<title>T</title><description>&lt;VulnDiscussion&gt;D&lt;/VulnDiscussion&gt;</description>'
        '<fixtext fixref="F">F</fixtext><check system="C"><check-content>C</check-content></check></Rule></Group></Benchmark>'
    ).encode()
for name, data in seeds.items():
    open(os.path.join(dst, name), "wb").write(data)
    with zipfile.ZipFile(os.path.join(dst, name + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("U_Kubernetes_STIG/" + name, data)
PY
for t in "$CORPUS"/*; do
  printf '%-16s %3d seeds\n' "$(basename "$t")" "$(ls "$t" | wc -l)"
done
