"""rke2-server (SLES 15 SP5, RKE2 v1.30.10+rke2r1, profile cis) and k3s-server (Debian 12, k3s v1.30.4+k3s1)."""

import hashlib
import json

from lib import (Node, b64, sha256_hex, make_ca, make_leaf, gen_key, ydump, write_proc, write_net_tcp,
                 planted_aes_secret, ssh_keygen)
from common import base_os, SSHD_LISTENER, UNIT_SSH_DEBIAN, kubectl_placeholder
from gen_kubeadm import machine_id, shim_id, etcd_placeholder

RKE2_VER = "v1.30.10+rke2r1"
RKE2_DATA = "v1.30.10-rke2r1-2b8ed1b7c3ff"
RKE2_IP = "10.20.30.11"
RKE2_HOST = "rke2-server-01"
REG = "registry.mission.mil"
RKE2_IMG = REG + "/rancher/hardened-kubernetes:v1.30.10-rke2r1-build20250213"
RKE2_ETCD_IMG = REG + "/rancher/hardened-etcd:v3.5.16-k3s1-build20250115"
ETCD_UID = 471

K3S_VER = "v1.30.4+k3s1"
K3S_IP = "10.30.40.11"
K3S_HOST = "k3s-server-01"
K3S_DATA_HASH = "7e5d1b4a1c0c8e2f44d1f2a3c5b6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"


class RancherPki:
    """The certificates k3s/RKE2 generate (ECDSA P-256, SEC1 keys) plus the RSA service-account key."""

    def __init__(self, prog, host, ip):
        ts = 1773478364  # 2026-03-14: cluster creation
        self.client_ca = make_ca("%s-client-ca@%d" % (prog, ts), kind="ec")
        self.server_ca = make_ca("%s-server-ca@%d" % (prog, ts), kind="ec")
        self.request_header_ca = make_ca("%s-request-header-ca@%d" % (prog, ts), kind="ec")
        self.etcd_server_ca = make_ca("etcd-server-ca@%d" % ts, kind="ec")
        self.etcd_peer_ca = make_ca("etcd-peer-ca@%d" % ts, kind="ec")
        self.service_key = gen_key("rsa")
        c, s = self.client_ca, self.server_ca
        apisans = ("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
                   "localhost", host, "127.0.0.1", "::1", ip, "10.43.0.1")
        self.leaves = {
            "client-admin": make_leaf(c, "system:admin", orgs=("system:masters",), kind="ec", client=True),
            "client-kube-apiserver": make_leaf(c, "system:kube-apiserver", orgs=("system:masters",), kind="ec", client=True),
            "client-controller": make_leaf(c, "system:kube-controller-manager", kind="ec", client=True),
            "client-scheduler": make_leaf(c, "system:kube-scheduler", kind="ec", client=True),
            "client-supervisor": make_leaf(c, "system:%s-supervisor" % prog, orgs=("system:masters",), kind="ec", client=True),
            "client-%s-controller" % prog: make_leaf(c, "system:%s-controller" % prog, kind="ec", client=True),
            "client-kube-proxy": make_leaf(c, "system:kube-proxy", kind="ec", client=True),
            "client-auth-proxy": make_leaf(self.request_header_ca, "system:auth-proxy", kind="ec", client=True),
            "serving-kube-apiserver": make_leaf(s, "kube-apiserver", kind="ec", server=True, sans=apisans),
        }
        self.etcd = {
            "client": make_leaf(self.etcd_server_ca, "etcd-client", kind="ec", client=True),
            "server-client": make_leaf(self.etcd_server_ca, "etcd-server", kind="ec", server=True, client=True,
                                       sans=("localhost", host, "127.0.0.1", "::1", ip)),
            "peer-server-client": make_leaf(self.etcd_peer_ca, "etcd-peer", kind="ec", server=True, client=True,
                                            sans=("localhost", host, "127.0.0.1", "::1", ip)),
        }
        self.kubelet_client = make_leaf(c, "system:node:%s" % host, orgs=("system:nodes",), kind="ec", client=True)
        self.kubelet_serving = make_leaf(s, host, kind="ec", server=True, sans=(host, "localhost", "127.0.0.1", ip))

    def token(self, password, role="server"):
        return "K10%s::%s:%s" % (sha256_hex(self.server_ca.cert), role, password)


def write_pki(n, pki, base, etcd_owner=(0, 0)):
    """base: var/lib/rancher/<prog>/server/tls"""
    n.dir(base, mode=0o700)
    n.dir(base + "/temporary-certs", mode=0o700)

    def pair(rel, cert, owner=(0, 0)):
        n.write(rel + ".crt", cert.cert, mode=0o644, uid=owner[0], gid=owner[1])
        n.write(rel + ".key", cert.key, mode=0o600, uid=owner[0], gid=owner[1])
        n.key_secret("/" + rel + ".key", cert.key)

    for nm, ca in (("client-ca", pki.client_ca), ("server-ca", pki.server_ca),
                   ("request-header-ca", pki.request_header_ca)):
        pair(base + "/" + nm, ca)
    n.write(base + "/client-ca.nochain.crt", pki.client_ca.cert)
    n.write(base + "/server-ca.nochain.crt", pki.server_ca.cert)
    n.write(base + "/service.key", pki.service_key, mode=0o600)
    n.write(base + "/service.current.key", pki.service_key, mode=0o600)
    n.key_secret("/" + base + "/service.key", pki.service_key)
    n.key_secret("/" + base + "/service.current.key", pki.service_key)
    for nm, leaf in pki.leaves.items():
        pair(base + "/" + nm, leaf)
    n.write(base + "/client-kubelet.key", pki.kubelet_client.key, mode=0o600)
    n.write(base + "/serving-kubelet.key", pki.kubelet_serving.key, mode=0o600)
    n.key_secret("/" + base + "/client-kubelet.key", pki.kubelet_client.key)
    n.key_secret("/" + base + "/serving-kubelet.key", pki.kubelet_serving.key)
    e = base + "/etcd"
    n.dir(e, mode=0o700, uid=etcd_owner[0], gid=etcd_owner[1])
    pair(e + "/server-ca", pki.etcd_server_ca, etcd_owner)
    pair(e + "/peer-ca", pki.etcd_peer_ca, etcd_owner)
    for nm, leaf in pki.etcd.items():
        pair(e + "/" + nm, leaf, etcd_owner)


def cred_kubeconfig(tls, cert, server="https://127.0.0.1:6443"):
    return ydump({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"server": server, "certificate-authority": tls + "/server-ca.crt"}, "name": "local"}],
        "contexts": [{"context": {"cluster": "local", "namespace": "default", "user": "user"}, "name": "Default"}],
        "current-context": "Default",
        "kind": "Config",
        "preferences": {},
        "users": [{"name": "user", "user": {"client-certificate": "%s/%s.crt" % (tls, cert),
                                            "client-key": "%s/%s.key" % (tls, cert)}}],
    }, sort=False)


def admin_kubeconfig(pki, server="https://127.0.0.1:6443"):
    leaf = pki.leaves["client-admin"]
    return ydump({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"certificate-authority-data": b64(pki.server_ca.cert), "server": server},
                      "name": "default"}],
        "contexts": [{"context": {"cluster": "default", "user": "default"}, "name": "default"}],
        "current-context": "default",
        "kind": "Config",
        "preferences": {},
        "users": [{"name": "default", "user": {"client-certificate-data": b64(leaf.cert),
                                               "client-key-data": b64(leaf.key)}}],
    })


def write_agent(n, pki, agent, tls_agent_prefix, prog):
    """agent dir: node certs and the kubeconfigs the kubelet / kube-proxy use."""
    n.dir(agent, mode=0o755)
    n.write(agent + "/client-ca.crt", pki.client_ca.cert)
    n.write(agent + "/server-ca.crt", pki.server_ca.cert)
    for nm, c in (("client-kubelet", pki.kubelet_client), ("serving-kubelet", pki.kubelet_serving),
                  ("client-kube-proxy", pki.leaves["client-kube-proxy"]),
                  ("client-%s-controller" % prog, pki.leaves["client-%s-controller" % prog])):
        n.write(agent + "/" + nm + ".crt", c.cert)
        n.write(agent + "/" + nm + ".key", c.key, mode=0o600)
        n.key_secret("/%s/%s.key" % (agent, nm), c.key)

    def akc(cert):
        return ydump({
            "apiVersion": "v1",
            "clusters": [{"cluster": {"server": "https://127.0.0.1:6443",
                                      "certificate-authority": "/%s/server-ca.crt" % agent}, "name": "local"}],
            "contexts": [{"context": {"cluster": "local", "namespace": "default", "user": "user"}, "name": "Default"}],
            "current-context": "Default",
            "kind": "Config",
            "preferences": {},
            "users": [{"name": "user", "user": {"client-certificate": "/%s/%s.crt" % (agent, cert),
                                                "client-key": "/%s/%s.key" % (agent, cert)}}],
        }, sort=False)

    n.write(agent + "/kubelet.kubeconfig", akc("client-kubelet"), mode=0o600)
    n.write(agent + "/kubeproxy.kubeconfig", akc("client-kube-proxy"), mode=0o600)
    n.write(agent + "/%scontroller.kubeconfig" % prog, akc("client-%s-controller" % prog), mode=0o600)


def encryption_json(providers):
    return json.dumps({"kind": "EncryptionConfiguration", "apiVersion": "apiserver.config.k8s.io/v1",
                       "resources": [{"resources": ["secrets"], "providers": providers}]},
                      separators=(",", ":"))


def etcd_config(dd, tls, host, ip, name):
    return ydump({
        "advertise-client-urls": "https://%s:2379" % ip,
        "client-transport-security": {"cert-file": tls + "/etcd/server-client.crt", "client-cert-auth": True,
                                      "key-file": tls + "/etcd/server-client.key",
                                      "trusted-ca-file": tls + "/etcd/server-ca.crt"},
        "data-dir": dd,
        "election-timeout": 5000,
        "experimental-initial-corrupt-check": True,
        "experimental-watch-progress-notify-interval": 5000000000,
        "heartbeat-interval": 500,
        "listen-client-http-urls": "https://127.0.0.1:2382",
        "listen-client-urls": "https://127.0.0.1:2379,https://%s:2379" % ip,
        "listen-metrics-urls": "http://127.0.0.1:2381",
        "listen-peer-urls": "https://127.0.0.1:2380,https://%s:2380" % ip,
        "log-outputs": ["stderr"],
        "logger": "zap",
        "name": name,
        "peer-transport-security": {"cert-file": tls + "/etcd/peer-server-client.crt", "client-cert-auth": True,
                                    "key-file": tls + "/etcd/peer-server-client.key",
                                    "trusted-ca-file": tls + "/etcd/peer-ca.crt"},
        "snapshot-count": 10000,
    })


def etcd_data(n, dd, owner, prog):
    for d in (dd, dd + "/member", dd + "/member/snap", dd + "/member/wal"):
        n.dir(d, mode=0o700, uid=owner[0], gid=owner[1])
    n.write(dd + "/member/snap/db", etcd_placeholder(prog, "bbolt"), mode=0o600, uid=owner[0], gid=owner[1])
    n.write(dd + "/member/wal/0000000000000000-0000000000000000.wal", etcd_placeholder(prog, "wal"),
            mode=0o600, uid=owner[0], gid=owner[1])
    n.secret("/" + dd + "/member/snap/db", "etcd-data", "KSTIGPLANTED-etcd-%s-secret-value" % prog)
    n.secret("/" + dd + "/member/wal/0000000000000000-0000000000000000.wal", "etcd-data",
             "KSTIGPLANTED-etcd-%s-secret-value" % prog)


# ---------------------------------------------------------------------------
# RKE2
# ---------------------------------------------------------------------------

D = "/var/lib/rancher/rke2"
TLS = D + "/server/tls"
AG = D + "/agent"

RKE2_DEFAULT_AUDIT = """apiVersion: audit.k8s.io/v1
kind: Policy
metadata:
  creationTimestamp: null
rules:
- level: None
"""

RKE2_PSS = """apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1beta1
    kind: PodSecurityConfiguration
    defaults:
      enforce: "restricted"
      enforce-version: "latest"
      audit: "restricted"
      audit-version: "latest"
      warn: "restricted"
      warn-version: "latest"
    exemptions:
      usernames: []
      runtimeClasses: []
      namespaces: [kube-system, cis-operator-system, tigera-operator]"""

EGRESS = """apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: /var/lib/rancher/rke2/server/agent-tls/egress.sock
"""


def rke2_apiserver_args():
    k3s_sorted = [
        "--advertise-address=%s" % RKE2_IP,
        "--allow-privileged=true",
        "--anonymous-auth=false",
        "--api-audiences=https://kubernetes.default.svc.cluster.local,rke2",
        "--audit-log-maxbackup=5",  # from kube-apiserver-arg: duplicates the RKE2-injected value above; last wins
        "--authorization-mode=Node,RBAC",
        "--bind-address=0.0.0.0",
        "--cert-dir=%s/temporary-certs" % TLS,
        "--client-ca-file=%s/client-ca.crt" % TLS,
        "--egress-selector-config-file=%s/server/etc/egress-selector-config.yaml" % D,
        "--enable-admission-plugins=NodeRestriction",
        "--enable-aggregator-routing=true",
        "--enable-bootstrap-token-auth=true",
        "--encryption-provider-config=%s/server/cred/encryption-config.json" % D,
        "--encryption-provider-config-automatic-reload=true",
        "--etcd-cafile=%s/etcd/server-ca.crt" % TLS,
        "--etcd-certfile=%s/etcd/client.crt" % TLS,
        "--etcd-keyfile=%s/etcd/client.key" % TLS,
        "--etcd-servers=https://127.0.0.1:2379",
        "--kubelet-certificate-authority=%s/server-ca.crt" % TLS,
        "--kubelet-client-certificate=%s/client-kube-apiserver.crt" % TLS,
        "--kubelet-client-key=%s/client-kube-apiserver.key" % TLS,
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--profiling=false",
        "--proxy-client-cert-file=%s/client-auth-proxy.crt" % TLS,
        "--proxy-client-key-file=%s/client-auth-proxy.key" % TLS,
        "--requestheader-allowed-names=system:auth-proxy",
        "--requestheader-client-ca-file=%s/request-header-ca.crt" % TLS,
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        "--secure-port=6443",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=%s/service.key" % TLS,
        "--service-account-lookup=true",
        "--service-account-signing-key-file=%s/service.current.key" % TLS,
        "--service-cluster-ip-range=10.43.0.0/16",
        "--service-node-port-range=30000-32767",
        "--storage-backend=etcd3",
        "--tls-cert-file=%s/serving-kube-apiserver.crt" % TLS,
        "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "--tls-min-version=VersionTLS12",
        "--tls-private-key-file=%s/serving-kube-apiserver.key" % TLS,
    ]
    return [
        "--admission-control-config-file=/etc/rancher/rke2/rke2-pss.yaml",
        "--audit-policy-file=/etc/rancher/rke2/audit-policy.yaml",
        "--audit-log-maxage=30",
        "--audit-log-maxbackup=10",
        "--audit-log-maxsize=100",
        "--audit-log-path=%s/server/logs/audit.log" % D,
    ] + k3s_sorted


def rke2_cm_args():
    return [
        "--permit-port-sharing=true",
        "--flex-volume-plugin-dir=/var/lib/kubelet/volumeplugins",
        "--terminated-pod-gc-threshold=1000",
        "--allocate-node-cidrs=true",
        "--authentication-kubeconfig=%s/server/cred/controller.kubeconfig" % D,
        "--authorization-kubeconfig=%s/server/cred/controller.kubeconfig" % D,
        "--bind-address=127.0.0.1",
        "--cluster-cidr=10.42.0.0/16",
        "--cluster-signing-kube-apiserver-client-cert-file=%s/client-ca.nochain.crt" % TLS,
        "--cluster-signing-kube-apiserver-client-key-file=%s/client-ca.key" % TLS,
        "--cluster-signing-kubelet-client-cert-file=%s/client-ca.nochain.crt" % TLS,
        "--cluster-signing-kubelet-client-key-file=%s/client-ca.key" % TLS,
        "--cluster-signing-kubelet-serving-cert-file=%s/server-ca.nochain.crt" % TLS,
        "--cluster-signing-kubelet-serving-key-file=%s/server-ca.key" % TLS,
        "--cluster-signing-legacy-unknown-cert-file=%s/server-ca.nochain.crt" % TLS,
        "--cluster-signing-legacy-unknown-key-file=%s/server-ca.key" % TLS,
        "--configure-cloud-routes=false",
        "--controllers=*,tokencleaner,-service,-route,-cloud-node-lifecycle",
        "--kubeconfig=%s/server/cred/controller.kubeconfig" % D,
        "--profiling=false",
        "--root-ca-file=%s/server-ca.crt" % TLS,
        "--secure-port=10257",
        "--service-account-private-key-file=%s/service.current.key" % TLS,
        "--service-cluster-ip-range=10.43.0.0/16",
        "--tls-min-version=VersionTLS12",
        "--use-service-account-credentials=true",
    ]


def rke2_sched_args():
    # planted (V-242377): kube-scheduler-arg never got tls-min-version
    return [
        "--permit-port-sharing=true",
        "--authentication-kubeconfig=%s/server/cred/scheduler.kubeconfig" % D,
        "--authorization-kubeconfig=%s/server/cred/scheduler.kubeconfig" % D,
        "--bind-address=127.0.0.1",
        "--kubeconfig=%s/server/cred/scheduler.kubeconfig" % D,
        "--profiling=false",
        "--secure-port=10259",
    ]


def rke2_proxy_args():
    return [
        "--cluster-cidr=10.42.0.0/16",
        "--conntrack-max-per-core=0",
        "--conntrack-tcp-timeout-close-wait=0s",
        "--conntrack-tcp-timeout-established=0s",
        "--healthz-bind-address=127.0.0.1",
        "--hostname-override=%s" % RKE2_HOST,
        "--kubeconfig=%s/kubeproxy.kubeconfig" % AG,
        "--proxy-mode=iptables",
    ]


def rke2_kubelet_argv():
    return [
        "kubelet",
        "--volume-plugin-dir=/var/lib/kubelet/volumeplugins",
        "--file-check-frequency=5s",
        "--sync-frequency=30s",
        "--address=0.0.0.0",
        "--alsologtostderr=false",
        "--anonymous-auth=false",
        "--authentication-token-webhook=true",
        "--authorization-mode=Webhook",
        "--cgroup-driver=systemd",
        "--client-ca-file=%s/client-ca.crt" % AG,
        "--cloud-provider=external",
        "--cluster-dns=10.43.0.10",
        "--cluster-domain=cluster.local",
        "--config-dir=%s/etc/kubelet.conf.d" % AG,
        "--container-runtime-endpoint=unix:///run/k3s/containerd/containerd.sock",
        "--containerd=/run/k3s/containerd/containerd.sock",
        "--eviction-hard=imagefs.available<5%,nodefs.available<5%",
        "--eviction-minimum-reclaim=imagefs.available=10%,nodefs.available=10%",
        "--fail-swap-on=false",
        "--healthz-bind-address=127.0.0.1",
        "--hostname-override=%s" % RKE2_HOST,
        "--kubeconfig=%s/kubelet.kubeconfig" % AG,
        "--log-file=%s/logs/kubelet.log" % AG,
        "--log-file-max-size=50",
        "--logtostderr=false",
        "--node-ip=%s" % RKE2_IP,
        "--node-labels=",
        "--pod-infra-container-image=%s/rancher/mirrored-pause:3.6" % REG,
        "--pod-manifest-path=%s/pod-manifests" % AG,
        "--protect-kernel-defaults=true",
        "--read-only-port=0",
        "--resolv-conf=/etc/resolv.conf",
        "--serialize-image-pulls=false",
        "--stderrthreshold=FATAL",
        "--tls-cert-file=%s/serving-kubelet.crt" % AG,
        "--tls-private-key-file=%s/serving-kubelet.key" % AG,
    ]


def rke2_probe(kind, exec_cmd=None, port=None, scheme=None, path="/healthz"):
    conf = {"liveness": dict(failureThreshold=8, initialDelaySeconds=10, periodSeconds=10, timeoutSeconds=15),
            "readiness": dict(failureThreshold=3, periodSeconds=5, timeoutSeconds=15),
            "startup": dict(failureThreshold=24, initialDelaySeconds=10, periodSeconds=10, timeoutSeconds=5)}[kind]
    p = dict(conf)
    if exec_cmd:
        p["exec"] = {"command": exec_cmd}
    else:
        p["httpGet"] = {"host": "localhost", "path": path, "port": port, "scheme": scheme}
    return p


def rke2_pod(n, name, args, image, dirs, probes, cpu, mem, annotations=None, privileged=False,
             pod_sc=None, first_files=(), extra_files=()):
    # RKE2 mounts every absolute file path named in an argument (and the certs of any --kubeconfig)
    files = []
    for a in args:
        if "=" in a:
            v = a.split("=", 1)[1]
            rel = v.lstrip("/")
            if v.startswith("/") and rel in n.attrs and n.attrs[rel][0] == "file" and not v.endswith("audit.log"):
                files.append(v)
    files = list(first_files) + sorted(set(files) | set(extra_files))
    filehash = hashlib.sha256(b"".join(n.read(f.lstrip("/")) for f in files)).hexdigest()
    vols, mounts = [], []
    for i, d in enumerate(dirs):
        vols.append({"hostPath": {"path": d, "type": "DirectoryOrCreate"}, "name": "dir%d" % i})
        mounts.append({"mountPath": d, "name": "dir%d" % i})
    for i, f in enumerate(files):
        vols.append({"hostPath": {"path": f, "type": "File"}, "name": "file%d" % i})
        mounts.append({"mountPath": f, "name": "file%d" % i, "readOnly": True})
    container = {
        "args": args,
        "command": [name],
        "env": [{"name": "FILE_HASH", "value": filehash}, {"name": "NO_PROXY", "value": ".svc,.cluster.local,10.42.0.0/16,10.43.0.0/16"}],
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "name": name,
        "resources": {"requests": {"cpu": cpu, "memory": mem}},
        "securityContext": {"privileged": privileged},
        "volumeMounts": mounts,
    }
    container.update(probes)
    meta = {"creationTimestamp": None, "labels": {"component": name, "tier": "control-plane"}, "name": name,
            "namespace": "kube-system", "uid": hashlib.md5((name + RKE2_IP + filehash).encode()).hexdigest()}
    if annotations:
        meta["annotations"] = annotations
    spec = {"containers": [container], "hostNetwork": True, "priorityClassName": "system-cluster-critical",
            "volumes": vols}
    if pod_sc:
        spec["securityContext"] = pod_sc
    return ydump({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": {}})


def build_rke2(nodes_dir):
    n = Node(nodes_dir, "rke2-server")
    base_os(n, "sles155", RKE2_HOST, RKE2_HOST + ".mission.mil", RKE2_IP, machine_id(RKE2_HOST),
            "5.14.21-150500.55.73-default", merged_usr=False)
    pki = RancherPki("rke2", RKE2_HOST, RKE2_IP)
    etcd_owner = (ETCD_UID, ETCD_UID)
    secret_pw = "KSTIGPLANTED-rke2-cluster-7d41f0c29e8a"
    reg_pw = "KSTIGPLANTED-regpass-Xu7pQ2v9"

    # --- /etc/rancher/rke2 ------------------------------------------------
    n.dir("etc/rancher", mode=0o755)
    n.dir("etc/rancher/rke2", mode=0o700)
    n.write("etc/rancher/rke2/config.yaml", """# Managed by Ansible role rke2_server (site STIG baseline 2026-02). Do not edit by hand.
token: %s
profile: cis
write-kubeconfig-mode: "0600"
system-default-registry: %s
node-ip: %s
tls-san:
  - %s.mission.mil
  - %s
secrets-encryption: true
etcd-snapshot-schedule-cron: "0 */6 * * *"
etcd-snapshot-retention: 20
kube-apiserver-arg:
  - "tls-min-version=VersionTLS12"
  - "audit-log-maxbackup=5"
kube-controller-manager-arg:
  - "tls-min-version=VersionTLS12"
kubelet-arg:
  - "config=/etc/rancher/rke2/kubelet-config.yaml"
""" % (secret_pw, REG, RKE2_IP, RKE2_HOST, RKE2_IP), mode=0o600)
    n.secret("/etc/rancher/rke2/config.yaml", "cluster-token", secret_pw)
    n.write("etc/rancher/rke2/registries.yaml", """mirrors:
  docker.io:
    endpoint:
      - "https://%s"
configs:
  "%s":
    auth:
      username: svc-rke2-pull
      password: "%s"
    tls:
      ca_file: /etc/pki/trust/anchors/mission-root-ca.crt
""" % (REG, REG, reg_pw), mode=0o600)
    n.secret("/etc/rancher/rke2/registries.yaml", "registry-password", reg_pw)
    kubelet_cfg = """# STIG kubelet settings, copied by rke2 to agent/etc/kubelet.conf.d/10-cli-config.conf
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  x509:
    clientCAFile: /var/lib/rancher/rke2/agent/client-ca.crt
authorization:
  mode: Webhook
protectKernelDefaults: true
readOnlyPort: 0
streamingConnectionIdleTimeout: 5m
tlsCertFile: /var/lib/rancher/rke2/agent/serving-kubelet.crt
tlsPrivateKeyFile: /var/lib/rancher/rke2/agent/serving-kubelet.key
"""
    n.write("etc/rancher/rke2/kubelet-config.yaml", kubelet_cfg, mode=0o600)
    # planted (V-242403): RKE2's default CIS audit policy logs nothing
    n.write("etc/rancher/rke2/audit-policy.yaml", RKE2_DEFAULT_AUDIT, mode=0o600)
    n.write("etc/rancher/rke2/rke2-pss.yaml", RKE2_PSS, mode=0o600)
    n.write("etc/rancher/rke2/rke2.yaml", admin_kubeconfig(pki), mode=0o600)
    n.secret("/etc/rancher/rke2/rke2.yaml", "kubeconfig-client-key-data", b64(pki.leaves["client-admin"].key))
    n.key_secret("/etc/rancher/rke2/rke2.yaml", pki.leaves["client-admin"].key, kind="client-key-data-decoded")

    # --- server ----------------------------------------------------------
    rel = D.lstrip("/")
    for d in ("var/lib/rancher", rel):
        n.dir(d, mode=0o755)
    n.dir(rel + "/server", mode=0o700)
    write_pki(n, pki, TLS.lstrip("/"), etcd_owner=etcd_owner)
    tok = pki.token(secret_pw)
    n.write(rel + "/server/token", tok + "\n", mode=0o600)
    n.symlink(rel + "/server/node-token", D + "/server/token")
    n.secret(D + "/server/token", "cluster-token", tok)
    n.dir(rel + "/server/cred", mode=0o700)
    for kc, cert in (("admin", "client-admin"), ("api-server", "client-kube-apiserver"),
                     ("controller", "client-controller"), ("scheduler", "client-scheduler"),
                     ("supervisor", "client-supervisor")):
        n.write(rel + "/server/cred/%s.kubeconfig" % kc, cred_kubeconfig(TLS, cert), mode=0o600)
    aes = planted_aes_secret("rke2-server-aescbckey")
    enc = encryption_json([{"aescbc": {"keys": [{"name": "aescbckey", "secret": aes}]}}, {"identity": {}}])
    n.write(rel + "/server/cred/encryption-config.json", enc, mode=0o600)
    n.write(rel + "/server/cred/encryption-hash", "start-" + sha256_hex(enc), mode=0o600)
    n.secret(D + "/server/cred/encryption-config.json", "encryption-secret", aes)
    n.dir(rel + "/server/etc", mode=0o700)
    n.write(rel + "/server/etc/egress-selector-config.yaml", EGRESS, mode=0o600)
    n.dir(rel + "/server/logs", mode=0o700)
    n.dir(rel + "/server/db", mode=0o700)
    dd = rel + "/server/db/etcd"
    etcd_data(n, dd, etcd_owner, "rke2-server")
    ename = RKE2_HOST + "-3f9a1c2e"
    n.write(dd + "/name", ename, mode=0o600, uid=ETCD_UID, gid=ETCD_UID)
    n.write(dd + "/config", etcd_config("/" + dd, TLS, RKE2_HOST, RKE2_IP, ename), mode=0o600,
            uid=ETCD_UID, gid=ETCD_UID)

    # --- agent -----------------------------------------------------------
    agent = AG.lstrip("/")
    write_agent(n, pki, agent, TLS, "rke2")
    n.dir(agent + "/etc", mode=0o755)
    n.dir(agent + "/etc/kubelet.conf.d", mode=0o700)
    n.write(agent + "/etc/kubelet.conf.d/00-rke2-defaults.conf",
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n", mode=0o600)
    n.write(agent + "/etc/kubelet.conf.d/10-cli-config.conf", kubelet_cfg, mode=0o600)
    n.dir(agent + "/etc/containerd", mode=0o755)
    n.write(agent + "/etc/containerd/config.toml", """# File generated by rke2. DO NOT EDIT. Use config.toml.tmpl instead.
version = 2

[plugins."io.containerd.internal.v1.opt"]
  path = "/var/lib/rancher/rke2/agent/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "10010"
  enable_selinux = false
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  sandbox_image = "%s/rancher/mirrored-pause:3.6"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/var/lib/rancher/rke2/agent/etc/containerd/certs.d"
""" % REG, mode=0o600)
    n.dir(agent + "/logs", mode=0o755)
    n.dir(agent + "/pod-manifests", mode=0o700)
    n.dir(rel + "/data", mode=0o755)
    n.dir(rel + "/data/" + RKE2_DATA, mode=0o755)
    n.dir(rel + "/data/" + RKE2_DATA + "/bin", mode=0o755)
    n.write(rel + "/data/%s/bin/kubectl" % RKE2_DATA,
            kubectl_placeholder("v1.30.10+rke2r1", "7b5b2b6d5c0b8c1b0a3e4d5f6a7b8c9d0e1f2a3b", "2025-02-13T02:37:45Z",
                                "go1.22.12 X:boringcrypto"), mode=0o755)
    n.symlink(rel + "/bin", D + "/data/" + RKE2_DATA + "/bin")

    # --- static pod manifests (written after the files they mount exist) ---
    pm = agent + "/pod-manifests/"
    name_file = D + "/server/db/etcd/name"
    ssl = ["/etc/ssl/certs"]
    api_exec = lambda ep: ["kubectl", "get", "--server=https://localhost:6443/",
                           "--client-certificate=%s/client-kube-apiserver.crt" % TLS,
                           "--client-key=%s/client-kube-apiserver.key" % TLS,
                           "--certificate-authority=%s/server-ca.crt" % TLS, "--raw=/%s" % ep]
    n.write(pm + "etcd.yaml", rke2_pod(
        n, "etcd", ["--config-file=%s/server/db/etcd/config" % D], RKE2_ETCD_IMG, [D + "/server/db/etcd"],
        {"livenessProbe": rke2_probe("liveness", port=2381, scheme="HTTP", path="/health?serializable=true"),
         "startupProbe": rke2_probe("startup", port=2381, scheme="HTTP", path="/health?serializable=false")},
        "200m", "512Mi",
        annotations={"etcd.k3s.io/initial": json.dumps({"initial-advertise-peer-urls": "https://%s:2380" % RKE2_IP,
                                                        "initial-cluster": "%s=https://%s:2380" % (ename, RKE2_IP),
                                                        "initial-cluster-state": "new"}, separators=(",", ":"))},
        pod_sc={"runAsGroup": ETCD_UID, "runAsUser": ETCD_UID},
        extra_files=[TLS + "/etcd/server-client.crt", TLS + "/etcd/server-client.key", TLS + "/etcd/server-ca.crt",
                     TLS + "/etcd/peer-server-client.crt", TLS + "/etcd/peer-server-client.key",
                     TLS + "/etcd/peer-ca.crt"]), mode=0o600)
    n.write(pm + "kube-apiserver.yaml", rke2_pod(
        n, "kube-apiserver", rke2_apiserver_args(), RKE2_IMG, ssl + [D + "/server/logs"],
        {"livenessProbe": rke2_probe("liveness", exec_cmd=api_exec("livez")),
         "readinessProbe": rke2_probe("readiness", exec_cmd=api_exec("readyz")),
         "startupProbe": rke2_probe("startup", exec_cmd=api_exec("livez"))},
        "250m", "1024Mi", first_files=[name_file]), mode=0o600)
    kc_files = lambda c: [TLS + "/%s.crt" % c, TLS + "/%s.key" % c, TLS + "/server-ca.crt"]
    # planted (V-242408): kube-controller-manager.yaml 0664
    n.write(pm + "kube-controller-manager.yaml", rke2_pod(
        n, "kube-controller-manager", rke2_cm_args(), RKE2_IMG, ssl,
        {"livenessProbe": rke2_probe("liveness", port=10257, scheme="HTTPS"),
         "startupProbe": rke2_probe("startup", port=10257, scheme="HTTPS")},
        "200m", "256Mi", first_files=[name_file], extra_files=kc_files("client-controller")), mode=0o664)
    # planted (V-242405/V-242444): kube-scheduler.yaml copied back by rkeadmin (uid 1000, group users)
    n.write(pm + "kube-scheduler.yaml", rke2_pod(
        n, "kube-scheduler", rke2_sched_args(), RKE2_IMG, [],
        {"livenessProbe": rke2_probe("liveness", port=10259, scheme="HTTPS"),
         "startupProbe": rke2_probe("startup", port=10259, scheme="HTTPS")},
        "100m", "128Mi", first_files=[name_file], extra_files=kc_files("client-scheduler")),
        mode=0o640, uid=1000, gid=100)
    n.write(pm + "kube-proxy.yaml", rke2_pod(
        n, "kube-proxy", rke2_proxy_args(), RKE2_IMG, [],
        {"livenessProbe": rke2_probe("liveness", port=10256, scheme="HTTP"),
         "startupProbe": rke2_probe("startup", port=10256, scheme="HTTP")},
        "250m", "128Mi", privileged=True,
        extra_files=["%s/client-kube-proxy.crt" % AG, "%s/client-kube-proxy.key" % AG, "%s/server-ca.crt" % AG]),
        mode=0o600)

    # --- systemd ---------------------------------------------------------
    n.write("usr/local/lib/systemd/system/rke2-server.service", """[Unit]
Description=Rancher Kubernetes Engine v2 (server)
Documentation=https://github.com/rancher/rke2#readme
Wants=network-online.target
After=network-online.target
Conflicts=rke2-agent.service

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/rke2 server
ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"
""")
    n.write("usr/local/lib/systemd/system/rke2-server.env", "HOME=/root\n")
    n.symlink("etc/systemd/system/multi-user.target.wants/rke2-server.service",
              "/usr/local/lib/systemd/system/rke2-server.service")
    n.write("usr/local/bin/rke2", "#!/bin/sh\n# kstig sample placeholder for the rke2 binary (%s)\n"
            "echo 'rke2 version %s (7b5b2b6d5c0b8c1b0a3e4d5f6a7b8c9d0e1f2a3b)'\n"
            "echo 'go version go1.22.12 X:boringcrypto'\n" % (RKE2_VER, RKE2_VER), mode=0o755)

    # --- processes -------------------------------------------------------
    write_proc(n, 1, ["/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "31"], 0,
               comm="systemd", vm_kb=(172840, 14212), threads=1)
    write_proc(n, 1187, ["/usr/local/bin/rke2", "server"], 1, comm="rke2", vm_kb=(5521340, 301220), threads=22)
    write_proc(n, 1214, ["containerd", "-c", "%s/etc/containerd/config.toml" % AG, "-a",
                         "/run/k3s/containerd/containerd.sock", "--state", "/run/k3s/containerd", "--root",
                         "%s/containerd" % AG], 1187, vm_kb=(2521008, 88112), threads=17)
    write_proc(n, 1239, rke2_kubelet_argv(), 1187, vm_kb=(2187524, 112420), threads=18)
    shim = "%s/data/%s/bin/containerd-shim-runc-v2" % (D, RKE2_DATA)
    pods = [("etcd", 1402, 1431, ["etcd", "--config-file=%s/server/db/etcd/config" % D], ETCD_UID),
            ("kube-apiserver", 1405, 1518, ["kube-apiserver"] + rke2_apiserver_args(), 0),
            ("kube-controller-manager", 1590, 1611, ["kube-controller-manager"] + rke2_cm_args(), 0),
            ("kube-scheduler", 1593, 1620, ["kube-scheduler"] + rke2_sched_args(), 0),
            ("kube-proxy", 1702, 1733, ["kube-proxy"] + rke2_proxy_args(), 0)]
    for name, spid, pid, argv, uid in pods:
        write_proc(n, spid, [shim, "-namespace", "k8s.io", "-id", shim_id(RKE2_HOST + name), "-address",
                             "/run/k3s/containerd/containerd.sock"], 1, vm_kb=(1238216, 14508), threads=11)
        write_proc(n, pid, argv, spid, nspid=1, uid=uid, gid=uid, vm_kb=(1566052 if "api" in name else 1290000, 120000),
                   threads=12)
    write_net_tcp(n, [("127.0.0.1", 2379, ETCD_UID, 41040), (RKE2_IP, 2379, ETCD_UID, 41041),
                      ("127.0.0.1", 2380, ETCD_UID, 41042), (RKE2_IP, 2380, ETCD_UID, 41043),
                      ("127.0.0.1", 2381, ETCD_UID, 41044), ("127.0.0.1", 2382, ETCD_UID, 41045),
                      ("0.0.0.0", 9345, 0, 38712), ("127.0.0.1", 10248, 0, 39811), ("127.0.0.1", 10256, 0, 40990),
                      ("127.0.0.1", 10257, 0, 42990), ("127.0.0.1", 10259, 0, 43007), ("0.0.0.0", 22, 0, 21301)],
                  [("::", 6443, 0, 42871), ("::", 10250, 0, 39822), ("::", 22, 0, 21303)])
    n.finish()
    return n


# ---------------------------------------------------------------------------
# k3s
# ---------------------------------------------------------------------------

KD = "/var/lib/rancher/k3s"
KTLS = KD + "/server/tls"


def build_k3s(nodes_dir):
    n = Node(nodes_dir, "k3s-server")
    base_os(n, "debian12", K3S_HOST, K3S_HOST + ".mission.mil", K3S_IP, machine_id(K3S_HOST), "6.1.0-25-amd64")
    pki = RancherPki("k3s", K3S_HOST, K3S_IP)
    pw = "KSTIGPLANTED-k3s-cluster-b5c8e2a17f3d"
    agent_pw = "KSTIGPLANTED-k3s-agent-41e6d9a0c7b2"

    n.dir("etc/rancher", mode=0o755)
    n.dir("etc/rancher/k3s", mode=0o755)
    n.write("etc/rancher/k3s/config.yaml", """# k3s server configuration (site STIG baseline, CIS hardening guide layout)
token: "%s"
cluster-init: true
protect-kernel-defaults: true
secrets-encryption: true
write-kubeconfig-mode: "0644"
node-ip: %s
tls-san:
  - "%s.mission.mil"
disable:
  - traefik
kube-apiserver-arg:
  - "enable-admission-plugins=NodeRestriction,ValidatingAdmissionWebhook"
  - "admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml"
  - "audit-policy-file=/var/lib/rancher/k3s/server/audit.yaml"
  - "audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log"
  - "audit-log-maxage=7"
  - "audit-log-maxbackup=10"
  - "audit-log-maxsize=100"
  - "request-timeout=60s"
  - "tls-min-version=VersionTLS12"
kube-controller-manager-arg:
  - "terminated-pod-gc-threshold=10"
  - "tls-min-version=VersionTLS12"
kube-scheduler-arg:
  - "tls-min-version=VersionTLS12"
kubelet-arg:
  - "streaming-connection-idle-timeout=5m"
  - "make-iptables-util-chains=true"
  - "feature-gates=KubeletSeparateDiskGC=true"
""" % (pw, K3S_IP, K3S_HOST), mode=0o600)
    n.secret("/etc/rancher/k3s/config.yaml", "cluster-token", pw)
    # quirk: write-kubeconfig-mode 0644 makes the admin kubeconfig world-readable
    n.write("etc/rancher/k3s/k3s.yaml", admin_kubeconfig(pki), mode=0o644)
    n.secret("/etc/rancher/k3s/k3s.yaml", "kubeconfig-client-key-data", b64(pki.leaves["client-admin"].key))
    n.key_secret("/etc/rancher/k3s/k3s.yaml", pki.leaves["client-admin"].key, kind="client-key-data-decoded")

    rel = KD.lstrip("/")
    for d in ("var/lib/rancher", rel):
        n.dir(d, mode=0o755)
    n.dir(rel + "/server", mode=0o700)
    write_pki(n, pki, KTLS.lstrip("/"))
    tok = pki.token(pw)
    n.write(rel + "/server/token", tok + "\n", mode=0o600)
    n.symlink(rel + "/server/node-token", KD + "/server/token")
    n.secret(KD + "/server/token", "cluster-token", tok)
    atok = pki.token(agent_pw, role="node")
    n.write(rel + "/server/agent-token", atok + "\n", mode=0o600)
    n.secret(KD + "/server/agent-token", "agent-token", atok)
    n.dir(rel + "/server/cred", mode=0o700)
    for kc, cert in (("admin", "client-admin"), ("api-server", "client-kube-apiserver"),
                     ("controller", "client-controller"), ("scheduler", "client-scheduler"),
                     ("supervisor", "client-supervisor")):
        n.write(rel + "/server/cred/%s.kubeconfig" % kc, cred_kubeconfig(KTLS, cert), mode=0o600)
    # planted (V-274882): after `k3s secrets-encrypt disable` identity is the first provider
    aes = planted_aes_secret("k3s-server-aescbckey")
    enc = encryption_json([{"identity": {}},
                           {"aescbc": {"keys": [{"name": "aescbckey-2026-03-14T09:12:44Z", "secret": aes}]}}])
    n.write(rel + "/server/cred/encryption-config.json", enc, mode=0o600)
    n.write(rel + "/server/cred/encryption-hash", "reencrypt_finished-" + sha256_hex(enc), mode=0o600)
    n.secret(KD + "/server/cred/encryption-config.json", "encryption-secret", aes)
    n.write(rel + "/server/audit.yaml", """apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: RequestResponse
""", mode=0o600)
    # planted (V-254800): PodSecurity defaults enforce privileged (audit/warn restricted only)
    n.write(rel + "/server/psa.yaml", """apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: "privileged"
      enforce-version: "latest"
      audit: "restricted"
      audit-version: "latest"
      warn: "restricted"
      warn-version: "latest"
    exemptions:
      usernames: []
      runtimeClasses: []
      namespaces: [kube-system]
""", mode=0o600)
    n.dir(rel + "/server/logs", mode=0o700)
    n.dir(rel + "/server/db", mode=0o700)
    dd = rel + "/server/db/etcd"
    # planted (V-242445): embedded etcd runs inside the k3s process as root; data is root:root
    etcd_data(n, dd, (0, 0), "k3s-server")
    ename = K3S_HOST + "-9c61f0a4"
    n.write(dd + "/name", ename, mode=0o600)
    n.write(dd + "/config", etcd_config("/" + dd, KTLS, K3S_HOST, K3S_IP, ename), mode=0o600)

    write_agent(n, pki, rel + "/agent", KTLS, "k3s")
    n.dir(rel + "/agent/pod-manifests", mode=0o700)  # exists but empty: no static pods on k3s
    n.dir(rel + "/data", mode=0o755)
    n.dir(rel + "/data/" + K3S_DATA_HASH, mode=0o755)
    n.dir(rel + "/data/" + K3S_DATA_HASH + "/bin", mode=0o755)

    # --- binaries and unit ------------------------------------------------
    n.write("usr/local/bin/k3s", """#!/bin/sh
# kstig sample placeholder for the k3s multi-call binary (%s)
case "$(basename "$0")" in
  kubectl) exec sh -c 'cat <<EOF
{
  "clientVersion": {
    "major": "1",
    "minor": "30",
    "gitVersion": "v1.30.4+k3s1",
    "gitCommit": "98262b5344fe6e2ba1a5b3e0a4a1ad8b5c6d7e8f",
    "gitTreeState": "clean",
    "buildDate": "2024-08-20T21:43:12Z",
    "goVersion": "go1.22.5",
    "compiler": "gc",
    "platform": "linux/amd64"
  },
  "kustomizeVersion": "v5.0.4-0.20230601165947-6ce0bf390ce3"
}
EOF' ;;
  *) echo "k3s version %s (98262b53)"; echo "go version go1.22.5" ;;
esac
""" % (K3S_VER, K3S_VER), mode=0o755)
    for tool in ("kubectl", "crictl", "ctr"):
        n.symlink("usr/local/bin/" + tool, "k3s")
    n.write("etc/systemd/system/k3s.service", """[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%%N
EnvironmentFile=-/etc/sysconfig/%%N
EnvironmentFile=-/etc/systemd/system/k3s.service.env
KillMode=process
Delegate=yes
# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service 2>/dev/null'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/k3s \\
    server \\
	'--token=%s' \\
	'--disable=traefik' \\

""" % tok)
    n.secret("/etc/systemd/system/k3s.service", "cluster-token", tok)
    n.write("etc/systemd/system/k3s.service.env", "K3S_AGENT_TOKEN='%s'\n" % agent_pw, mode=0o600)
    n.secret("/etc/systemd/system/k3s.service.env", "agent-token", agent_pw)
    n.symlink("etc/systemd/system/multi-user.target.wants/k3s.service", "/etc/systemd/system/k3s.service")
    # sshd: Debian unit under /lib (a symlink to usr/lib on this merged-/usr system)
    n.write("usr/lib/systemd/system/ssh.service", UNIT_SSH_DEBIAN)
    n.symlink("etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service")
    n.symlink("etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service")
    n.dir("etc/ssh", mode=0o755)
    priv, pub = ssh_keygen("ed25519", "root@" + K3S_HOST)
    n.write("etc/ssh/ssh_host_ed25519_key", priv, mode=0o600)
    n.write("etc/ssh/ssh_host_ed25519_key.pub", pub)
    n.key_secret("/etc/ssh/ssh_host_ed25519_key", priv)

    # --- processes -------------------------------------------------------
    write_proc(n, 1, ["/sbin/init"], 0, comm="systemd", vm_kb=(166312, 12104), threads=1)
    write_proc(n, 602, [SSHD_LISTENER], 1, comm="sshd", vm_kb=(15520, 9300), threads=1)
    # planted secret in argv (--token) and in the environment
    write_proc(n, 1411, ["/usr/local/bin/k3s", "server", "--token=" + tok, "--disable=traefik"], 1,
               comm="k3s-server", vm_kb=(6120212, 712404), threads=41,
               environ=["LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "INVOCATION_ID=5c1d0e7a0a3c4e4f9b6f3c2a1d0e9f8a", "JOURNAL_STREAM=8:23112",
                        "SYSTEMD_EXEC_PID=1411", "NOTIFY_SOCKET=/run/systemd/notify",
                        "K3S_AGENT_TOKEN=" + agent_pw])
    n.secret("/proc/1411/cmdline", "cluster-token", tok)
    n.secret("/proc/1411/environ", "agent-token", agent_pw)
    write_proc(n, 1450, ["containerd", "-c", "%s/agent/etc/containerd/config.toml" % KD, "-a",
                         "/run/k3s/containerd/containerd.sock", "--state", "/run/k3s/containerd", "--root",
                         "%s/agent/containerd" % KD], 1411, vm_kb=(2412008, 80112), threads=16)
    write_net_tcp(n, [("127.0.0.1", 2379, 0, 51040), (K3S_IP, 2379, 0, 51041), ("127.0.0.1", 2380, 0, 51042),
                      (K3S_IP, 2380, 0, 51043), ("127.0.0.1", 2381, 0, 51044), ("127.0.0.1", 6444, 0, 51200),
                      ("127.0.0.1", 10248, 0, 51811), ("127.0.0.1", 10249, 0, 51812), ("127.0.0.1", 10256, 0, 51813),
                      ("127.0.0.1", 10257, 0, 51990), ("127.0.0.1", 10259, 0, 52007), ("0.0.0.0", 22, 0, 21401)],
                  [("::", 6443, 0, 51871), ("::", 10250, 0, 51822), ("::", 22, 0, 21403)])
    n.finish()
    return n
