#!/usr/bin/env python3
"""Regenerate the kstig sample node trees.

    python3 samples/tools/gen_nodes.py

Writes samples/nodes/<node>/ (the trees), samples/nodes/<node>.attrs (mode uid gid path) and
samples/nodes/SECRETS.tsv (every planted secret). Every run makes NEW keys, certificates and
therefore new SECRETS.tsv rows; the committed trees are the reference, regenerate only on purpose.
samples/keys/ (the test-only signing keys) is created only when missing, never replaced.

Needs python3 (stdlib only), openssl and ssh-keygen.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lib import gen_key, pubkey_pem, ed25519_raw_pub, sha256_hex  # noqa: E402
from gen_kubeadm import ClusterPki, build_cp, build_worker  # noqa: E402
from gen_rancher import build_rke2, build_k3s  # noqa: E402

SAMPLES = os.path.dirname(HERE)
NODES = os.path.join(SAMPLES, "nodes")
KEYS = os.path.join(SAMPLES, "keys")


def node_path(node, abs_path):
    return os.path.join(NODES, node.name, abs_path.lstrip("/"))


def check_secrets(nodes):
    """Each secret is in the file its row names; every file holding a private key or the
    KSTIGPLANTED marker has a row; no secret leaks into a file it is not listed for."""
    listed = {}
    for n in nodes:
        for path, kind, value in n.secrets:
            listed.setdefault(value, set()).add((n.name, path))
            if kind == "client-key-data-decoded":
                continue  # appears only once client-key-data is base64-decoded
            p = node_path(n, path)
            with open(p, "rb") as f:
                assert value.encode() in f.read(), "secret not found in %s:%s" % (n.name, path)
    for n in nodes:
        rows = {p for p, _, _ in n.secrets}
        for dirpath, _, files in os.walk(os.path.join(NODES, n.name)):
            for fn in files:
                full = os.path.join(dirpath, fn)
                if os.path.islink(full):
                    continue
                abs_path = "/" + os.path.relpath(full, os.path.join(NODES, n.name))
                with open(full, "rb") as f:
                    data = f.read()
                if b"PRIVATE KEY-----" in data or b"KSTIGPLANTED" in data:
                    assert abs_path in rows, "unlisted secret-bearing file %s:%s" % (n.name, abs_path)
                for value, where in listed.items():
                    if value.encode() in data:
                        # a listed longer secret may contain this one (K10...::server:<password>)
                        covered = any(value in other and (n.name, abs_path) in w2
                                      for other, w2 in listed.items())
                        assert covered, \
                            "secret %s... also in %s:%s" % (value[:20], n.name, abs_path)


def write_secrets(nodes):
    lines = ["node\tpath\tkind\tsecret"]
    for n in nodes:
        for path, kind, value in n.secrets:
            lines.append("%s\t%s\t%s\t%s" % (n.name, path, kind, value))
    with open(os.path.join(NODES, "SECRETS.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines) - 1


def ensure_keys():
    os.makedirs(KEYS, exist_ok=True)
    for name in ("test-only-signing", "test-only-other"):
        kp = os.path.join(KEYS, name + ".key")
        pp = os.path.join(KEYS, name + ".pub")
        if os.path.exists(kp):
            continue
        key = gen_key("ed25519")
        with open(kp, "wb") as f:
            f.write(key)
        with open(pp, "wb") as f:
            f.write(pubkey_pem(key))
    out = {}
    for name in ("test-only-signing", "test-only-other"):
        with open(os.path.join(KEYS, name + ".pub"), "rb") as f:
            out[name] = sha256_hex(ed25519_raw_pub(f.read()))
    return out


def main():
    os.makedirs(NODES, exist_ok=True)
    pki = ClusterPki()
    nodes = [build_cp(NODES, pki), build_worker(NODES, pki), build_rke2(NODES), build_k3s(NODES)]
    check_secrets(nodes)
    count = write_secrets(nodes)
    fps = ensure_keys()
    print("wrote %d nodes, %d planted secrets" % (len(nodes), count))
    for k, v in fps.items():
        print("%s fingerprint %s" % (k, v))


if __name__ == "__main__":
    main()
