"""kubeadm-cp (Ubuntu 22.04, kubeadm v1.30.4) and kubeadm-worker (Rocky Linux 9.4) sample trees.

Both nodes belong to one cluster: the worker carries the same cluster CA (etc/kubernetes/pki/ca.crt).
"""

import hashlib

from lib import (Node, b64, make_ca, make_leaf, gen_key, pubkey_pem, ydump, write_proc, write_net_tcp,
                 self_signed_kubelet_serving, planted_aes_secret, ssh_keygen, pem_secret_line)
from common import (base_os, SSHD_LISTENER, UNIT_SSH_DEBIAN, UNIT_SSHD_RHEL, UNIT_KUBELET, DROPIN_10_KUBEADM,
                    UNIT_CONTAINERD, kubectl_placeholder)

K8S = "v1.30.4"
ETCD_IMAGE = "registry.k8s.io/etcd:3.5.12-0"
CP_IP = "10.10.20.11"
WK_IP = "10.10.20.21"
CP = "k8s-cp-01"
WK = "k8s-worker-01"
DATE = "2026-11-20-08-14-55"
TS = 1795162495  # 2026-11-20T08:14:55Z, used in kubelet self-signed cert names
CM_DIR = "..2026_11_20_08_15_31.2846319977"
TOKEN_DIR = "..2026_11_25_23_42_11.1187004213"


def machine_id(name):
    return hashlib.sha256(("kstig-sample-" + name).encode()).hexdigest()[:32]


def shim_id(name):
    return hashlib.sha256(("shim-" + name).encode()).hexdigest()


def kubeconfig(cluster, server, ca_pem, user, ctx, cert=None, key=None, cert_path=None, key_path=None,
               token=None):
    u = {}
    if cert is not None:
        u["client-certificate-data"] = b64(cert)
    if key is not None:
        u["client-key-data"] = b64(key)
    if cert_path:
        u["client-certificate"] = cert_path
    if key_path:
        u["client-key"] = key_path
    if token:
        u["token"] = token
    return ydump({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"certificate-authority-data": b64(ca_pem), "server": server}, "name": cluster}],
        "contexts": [{"context": {"cluster": cluster, "user": user}, "name": ctx}],
        "current-context": ctx,
        "kind": "Config",
        "preferences": {},
        "users": [{"name": user, "user": u}],
    })


class ClusterPki:
    def __init__(self):
        self.ca = make_ca("kubernetes")
        self.front_ca = make_ca("front-proxy-ca")
        self.etcd_ca = make_ca("etcd-ca")
        self.sa_key = gen_key("rsa")
        self.sa_pub = pubkey_pem(self.sa_key)


# ---------------------------------------------------------------------------
# static pod manifests (kubeadm style: keys sorted, flags sorted, status: {})
# ---------------------------------------------------------------------------

def hp(name, path, typ, mount=None, ro=True):
    vol = {"hostPath": {"path": path, "type": typ}, "name": name}
    m = {"mountPath": mount or path, "name": name}
    if ro:
        m["readOnly"] = True
    return vol, m


def ssl_volumes():
    return [
        hp("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
        hp("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
        hp("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
        hp("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate"),
    ]


def probe(host, path, port, scheme, fail, init=10, period=10, timeout=15):
    p = {"failureThreshold": fail, "httpGet": {"host": host, "path": path, "port": port, "scheme": scheme},
         "periodSeconds": period, "timeoutSeconds": timeout}
    if init:
        p["initialDelaySeconds"] = init
    return p


def pod(name, command, image, vols, cpu, probes, annotations=None, memory=None):
    vols = sorted(vols, key=lambda v: v[0]["name"])
    container = {
        "command": command,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "name": name,
        "resources": {"requests": {"cpu": cpu}},
        "volumeMounts": sorted([m for _, m in vols], key=lambda m: m["name"]),
    }
    if memory:
        container["resources"]["requests"]["memory"] = memory
    container.update(probes)
    meta = {"creationTimestamp": None, "labels": {"component": name, "tier": "control-plane"},
            "name": name, "namespace": "kube-system"}
    if annotations:
        meta["annotations"] = annotations
    return ydump({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "containers": [container],
            "hostNetwork": True,
            "priority": 2000001000,
            "priorityClassName": "system-node-critical",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "volumes": [v for v, _ in vols],
        },
        "status": {},
    })


CIPHERS_3 = ",".join([  # planted: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 missing (V-242418)
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
])


def apiserver_flags(profiling):
    return [
        "kube-apiserver",
        "--admission-control-config-file=/etc/kubernetes/admission-config.yaml",
        "--advertise-address=%s" % CP_IP,
        "--allow-privileged=true",
        "--anonymous-auth=false",
        "--audit-log-maxage=30",
        "--audit-log-maxbackup=10",
        "--audit-log-maxsize=100",
        "--audit-log-path=/var/log/kubernetes/audit/audit.log",
        "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
        "--authorization-mode=Node,RBAC",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--enable-admission-plugins=NodeRestriction,ValidatingAdmissionWebhook",
        "--enable-bootstrap-token-auth=true",
        "--encryption-provider-config=/etc/kubernetes/encryption-config.yaml",
        "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
        "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
        "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
        "--etcd-servers=https://127.0.0.1:2379",
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
        "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--profiling=%s" % profiling,
        "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
        "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
        "--request-timeout=60s",
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        "--secure-port=6443",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
        "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
        "--service-cluster-ip-range=10.96.0.0/12",
        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
        "--tls-cipher-suites=" + CIPHERS_3,
        "--tls-min-version=VersionTLS12",
        "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    ]


def apiserver_flags_v129():
    """The pre-hardening kube-apiserver of v1.29.8, as kubeadm's upgrade backup kept it."""
    return [
        "kube-apiserver",
        "--advertise-address=%s" % CP_IP,
        "--allow-privileged=true",
        "--authorization-mode=Node,RBAC",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--enable-admission-plugins=NodeRestriction",
        "--enable-bootstrap-token-auth=true",
        "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
        "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
        "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
        "--etcd-servers=https://127.0.0.1:2379",
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
        "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
        "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        "--secure-port=6443",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
        "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
        "--service-cluster-ip-range=10.96.0.0/12",
        "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
        "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    ]


def apiserver_manifest(flags, version):
    vols = ssl_volumes() + [
        hp("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
    ]
    if version == K8S:
        vols += [
            hp("admission-config", "/etc/kubernetes/admission-config.yaml", "File"),
            hp("audit-log", "/var/log/kubernetes/audit", "DirectoryOrCreate", ro=False),
            # host file /etc/kubernetes/audit-policy.yaml appears in the container as
            # /etc/kubernetes/audit/policy.yaml (the path the flag names)
            hp("audit-policy", "/etc/kubernetes/audit-policy.yaml", "File", mount="/etc/kubernetes/audit/policy.yaml"),
            hp("encryption-config", "/etc/kubernetes/encryption-config.yaml", "File"),
        ]
    probes = {
        "livenessProbe": probe(CP_IP, "/livez", 6443, "HTTPS", 8),
        "readinessProbe": probe(CP_IP, "/readyz", 6443, "HTTPS", 3, init=0, period=1),
        "startupProbe": probe(CP_IP, "/livez", 6443, "HTTPS", 24),
    }
    return pod("kube-apiserver", flags, "registry.k8s.io/kube-apiserver:%s" % version, vols, "250m", probes,
               annotations={"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "%s:6443" % CP_IP})


def cm_flags():
    return [
        "kube-controller-manager",
        "--allocate-node-cidrs=true",
        "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
        "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
        "--bind-address=127.0.0.1",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--cluster-cidr=192.168.0.0/16",
        "--cluster-name=kubernetes",
        "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
        "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
        "--controllers=*,bootstrapsigner,tokencleaner",
        "--kubeconfig=/etc/kubernetes/controller-manager.conf",
        "--leader-elect=true",
        # planted: no --profiling flag at all (V-242409)
        "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
        "--root-ca-file=/etc/kubernetes/pki/ca.crt",
        "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
        "--service-cluster-ip-range=10.96.0.0/12",
        "--tls-min-version=VersionTLS12",
        "--use-service-account-credentials=true",
    ]


def cm_manifest():
    vols = ssl_volumes() + [
        hp("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "DirectoryOrCreate", ro=False),
        hp("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"),
        hp("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate"),
    ]
    probes = {
        "livenessProbe": probe("127.0.0.1", "/healthz", 10257, "HTTPS", 8),
        "startupProbe": probe("127.0.0.1", "/healthz", 10257, "HTTPS", 24),
    }
    return pod("kube-controller-manager", cm_flags(), "registry.k8s.io/kube-controller-manager:%s" % K8S, vols,
               "200m", probes)


def sched_flags():
    return [
        "kube-scheduler",
        "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--bind-address=127.0.0.1",
        "--kubeconfig=/etc/kubernetes/scheduler.conf",
        "--leader-elect=true",
        "--profiling=false",
        # hand-added by the site admin after kubeadm wrote the file: space-separated form
        "--tls-min-version",
        "VersionTLS12",
    ]


def sched_manifest():
    vols = [hp("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")]
    probes = {
        "livenessProbe": probe("127.0.0.1", "/healthz", 10259, "HTTPS", 8),
        "startupProbe": probe("127.0.0.1", "/healthz", 10259, "HTTPS", 24),
    }
    return pod("kube-scheduler", sched_flags(), "registry.k8s.io/kube-scheduler:%s" % K8S, vols, "100m", probes)


def etcd_flags():
    return [
        "etcd",
        "--advertise-client-urls=https://%s:2379" % CP_IP,
        "--auto-tls=false",
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--client-cert-auth=true",
        "--data-dir=/var/lib/etcd",
        "--experimental-initial-corrupt-check=true",
        "--experimental-watch-progress-notify-interval=5s",
        "--initial-advertise-peer-urls=https://%s:2380" % CP_IP,
        "--initial-cluster=%s=https://%s:2380" % (CP, CP_IP),
        "--key-file=/etc/kubernetes/pki/etcd/server.key",
        "--listen-client-urls=https://127.0.0.1:2379,https://%s:2379" % CP_IP,
        "--listen-metrics-urls=http://127.0.0.1:2381",
        "--listen-peer-urls=https://%s:2380" % CP_IP,
        "--name=%s" % CP,
        "--peer-auto-tls=false",
        "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
        "--peer-client-cert-auth=true",
        "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
        "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        "--snapshot-count=10000",
        "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
    ]


def etcd_manifest():
    vols = [
        hp("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate", ro=False),
        hp("etcd-data", "/var/lib/etcd", "DirectoryOrCreate", ro=False),
    ]
    probes = {
        "livenessProbe": probe("127.0.0.1", "/health?exclude=NOSPACE&serializable=true", 2381, "HTTP", 8),
        "startupProbe": probe("127.0.0.1", "/health?serializable=false", 2381, "HTTP", 24),
    }
    return pod("etcd", etcd_flags(), ETCD_IMAGE, vols, "100m", probes, memory="100Mi",
               annotations={"kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://%s:2379" % CP_IP})


# ---------------------------------------------------------------------------
# kubelet
# ---------------------------------------------------------------------------

def kubelet_config(hardened):
    c = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"cacheTTL": "0s", "enabled": True},
            "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"},
        },
        "authorization": {"mode": "Webhook", "webhook": {"cacheAuthorizedTTL": "0s", "cacheUnauthorizedTTL": "0s"}},
        "cgroupDriver": "systemd",
        "clusterDNS": ["10.96.0.10"],
        "clusterDomain": "cluster.local",
        "containerRuntimeEndpoint": "",
        "cpuManagerReconcilePeriod": "0s",
        "evictionPressureTransitionPeriod": "0s",
        "fileCheckFrequency": "0s",
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248,
        "httpCheckFrequency": "0s",
        "imageMaximumGCAge": "0s",
        "imageMinimumGCAge": "0s",
        "kind": "KubeletConfiguration",
        "logging": {"flushFrequency": 0, "options": {"json": {"infoBufferSize": "0"}, "text": {"infoBufferSize": "0"}},
                    "verbosity": 0},
        "memorySwap": {},
        "nodeStatusReportFrequency": "0s",
        "nodeStatusUpdateFrequency": "0s",
        "protectKernelDefaults": True,
        "readOnlyPort": 0,
        "rotateCertificates": True,
        "runtimeRequestTimeout": "0s",
        "shutdownGracePeriod": "0s",
        "shutdownGracePeriodCriticalPods": "0s",
        "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": "5m0s" if hardened else "0s",
        "syncFrequency": "0s",
        "tlsCertFile": "/var/lib/kubelet/pki/kubelet.crt",
        "tlsPrivateKeyFile": "/var/lib/kubelet/pki/kubelet.key",
        "volumeStatsAggPeriod": "0s",
    }
    return ydump(c)


KUBEADM_FLAGS_ENV = ('KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock '
                     '--pod-infra-container-image=registry.k8s.io/pause:3.9"\n')


def kubelet_argv(extra):
    return (["/usr/bin/kubelet",
             "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
             "--kubeconfig=/etc/kubernetes/kubelet.conf",
             "--config=/var/lib/kubelet/config.yaml",
             "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
             "--pod-infra-container-image=registry.k8s.io/pause:3.9"] + extra)


def kubelet_pki(node, pki, hostname):
    """var/lib/kubelet/pki: rotated client cert (EC P-256 key, cert+key in one PEM, 'current' symlink)
    and the kubelet's self-signed serving cert (RSA, leaf + its own CA in kubelet.crt)."""
    node.dir("var/lib/kubelet/pki", mode=0o755)
    client = make_leaf(pki.ca, "system:node:%s" % hostname, orgs=("system:nodes",), kind="ec", client=True)
    pem = client.cert + client.key
    name = "var/lib/kubelet/pki/kubelet-client-%s.pem" % DATE
    node.write(name, pem, mode=0o600)
    node.symlink("var/lib/kubelet/pki/kubelet-client-current.pem", "/" + name)
    node.key_secret("/" + name, client.key, kind="private-key-pem")
    serving = self_signed_kubelet_serving(hostname, TS)
    node.write("var/lib/kubelet/pki/kubelet.crt", serving.cert)
    node.write("var/lib/kubelet/pki/kubelet.key", serving.key, mode=0o600)
    node.key_secret("/var/lib/kubelet/pki/kubelet.key", serving.key)


def kubelet_conf(pki, hostname):
    return kubeconfig("kubernetes", "https://%s:6443" % CP_IP, pki.ca.cert, "system:node:%s" % hostname,
                      "system:node:%s@kubernetes" % hostname,
                      cert_path="/var/lib/kubelet/pki/kubelet-client-current.pem",
                      key_path="/var/lib/kubelet/pki/kubelet-client-current.pem")


# ---------------------------------------------------------------------------
# kube-proxy (DaemonSet container; files reached through /proc/<pid>/root)
# ---------------------------------------------------------------------------

KUBE_PROXY_CONFIG = """apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 192.168.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
"""

KUBE_PROXY_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://%s:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
""" % CP_IP


def fake_sa_jwt(node_name, seed):
    import json as _j
    hdr = b64(_j.dumps({"alg": "RS256", "kid": "Xq3v0dW1g5rKJ8cZt2pN6bHfYy4eLmA7sTuVwQzE9iI"},
                       separators=(",", ":"))).rstrip("=").replace("+", "-").replace("/", "_")
    body = b64(_j.dumps({
        "aud": ["https://kubernetes.default.svc.cluster.local"], "exp": 1827186131, "iat": 1795650131,
        "iss": "https://kubernetes.default.svc.cluster.local",
        "kubernetes.io": {"namespace": "kube-system", "node": {"name": node_name, "uid": seed[:36]},
                          "pod": {"name": "kube-proxy-" + seed[:5], "uid": seed[5:41]},
                          "serviceaccount": {"name": "kube-proxy", "uid": seed[9:45]}, "warnafter": 1795653738},
        "nbf": 1795650131, "sub": "system:serviceaccount:kube-system:kube-proxy"},
        separators=(",", ":"))).rstrip("=").replace("+", "-").replace("/", "_")
    sig = "KSTIGPLANTED" + b64(hashlib.sha512(seed.encode()).digest() * 4).rstrip("=").replace("+", "-").replace("/", "_")[:330]
    return "%s.%s.%s" % (hdr, body, sig)


def kube_proxy_root(node, pid, pki, node_name):
    """The container filesystem bits the collector needs, as seen through /proc/<pid>/root:
    the kube-proxy ConfigMap volume (..data symlink layout) and the projected service account token."""
    r = "proc/%d/root" % pid
    node.dir(r, mode=0o755)
    kp = r + "/var/lib/kube-proxy"
    node.dir(kp, mode=0o777)  # ConfigMap volume mount points are 0777 (the files are not)
    node.dir(kp + "/" + CM_DIR, mode=0o755)
    node.write(kp + "/" + CM_DIR + "/config.conf", KUBE_PROXY_CONFIG, mode=0o644)
    node.write(kp + "/" + CM_DIR + "/kubeconfig.conf", KUBE_PROXY_KUBECONFIG, mode=0o644)
    node.symlink(kp + "/..data", CM_DIR)
    node.symlink(kp + "/config.conf", "..data/config.conf")
    node.symlink(kp + "/kubeconfig.conf", "..data/kubeconfig.conf")
    sa = r + "/var/run/secrets/kubernetes.io/serviceaccount"
    node.dir(sa, mode=0o1777)
    node.dir(sa + "/" + TOKEN_DIR, mode=0o755)
    token = fake_sa_jwt(node_name, hashlib.sha256(node_name.encode()).hexdigest())
    node.write(sa + "/" + TOKEN_DIR + "/token", token, mode=0o600)
    node.write(sa + "/" + TOKEN_DIR + "/ca.crt", pki.ca.cert, mode=0o644)
    node.write(sa + "/" + TOKEN_DIR + "/namespace", "kube-system", mode=0o644)
    node.symlink(sa + "/..data", TOKEN_DIR)
    for f in ("token", "ca.crt", "namespace"):
        node.symlink(sa + "/" + f, "..data/" + f)
    node.secret("/%s/%s/token" % (sa, TOKEN_DIR), "serviceaccount-token", token)


def kube_proxy_argv(node_name):
    return ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
            "--hostname-override=%s" % node_name]


# ---------------------------------------------------------------------------
# dpkg status
# ---------------------------------------------------------------------------

def dpkg_stanza(pkg, status, version, section, size, maint, depends, desc, arch="amd64", extra=""):
    s = "Package: %s\nStatus: %s\nPriority: optional\nSection: %s\nInstalled-Size: %d\nMaintainer: %s\n" \
        "Architecture: %s\nVersion: %s\n" % (pkg, status, section, size, maint, arch, version)
    if depends:
        s += "Depends: %s\n" % depends
    s += extra
    s += "Description: %s\n" % desc
    return s


def dpkg_status():
    k8s = "Kubernetes Authors <dev@kubernetes.io>"
    stanzas = [
        dpkg_stanza("bash", "install ok installed", "5.1-6ubuntu1.1", "shells", 1864,
                    "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "base-files (>= 2.1.12), debianutils (>= 2.15)",
                    "GNU Bourne Again SHell\n Bash is an sh-compatible command language interpreter that executes\n commands read from the standard input or from a file.",
                    extra="Essential: yes\nPre-Depends: libc6 (>= 2.34), libtinfo6 (>= 6)\nHomepage: http://tiswww.case.edu/php/chet/bash/bashtop.html\n"),
        dpkg_stanza("containerd", "install ok installed", "1.7.12-0ubuntu2~22.04.1", "admin", 139446,
                    "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "runc (>= 1.0.0~rc2~), libc6 (>= 2.34), libseccomp2 (>= 2.5.0)",
                    "daemon to control runC\n Containerd is a daemon to control runC, built for performance and density.",
                    extra="Built-Using: golang-1.21 (= 1.21.1-1~ubuntu22.04.2)\nHomepage: https://containerd.io\n"),
        dpkg_stanza("cri-tools", "install ok installed", "1.30.1-1.1", "admin", 75336, k8s, "",
                    "Command-line utility for interacting with a container runtime\n Command-line utility for interacting with a container runtime.",
                    extra="Homepage: https://kubernetes.io\n"),
        dpkg_stanza("docker.io", "deinstall ok config-files", "24.0.7-0ubuntu2~22.04.1", "admin", 91453,
                    "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "adduser, containerd (>= 1.2.6-0ubuntu1~), iptables, runc (>= 1.0.0~rc2~), tini (>= 0.18.0), libc6 (>= 2.34)",
                    "Linux container runtime\n Docker complements kernel namespacing with a high-level API which operates\n at the process level.",
                    extra="Conffiles:\n /etc/default/docker 3ff4de9d0e3ec3e2ca4e0b3b3b3e2a8c\n /etc/init.d/docker d8b1e2b8b3b1e1b3f0b7f23a3e2b8a2f\n"),
        dpkg_stanza("kubeadm", "hold ok installed", "1.30.4-1.1", "admin", 71288, k8s, "cri-tools (>= 1.30.0)",
                    "Command-line utility for administering a Kubernetes cluster\n Command-line utility for deploying and administering a Kubernetes cluster.",
                    extra="Homepage: https://kubernetes.io\n"),
        dpkg_stanza("kubectl", "hold ok installed", "1.28.13-1.1", "admin", 49064, k8s, "",
                    "Command-line utility for interacting with a Kubernetes cluster\n Command-line utility for interacting with a Kubernetes cluster.",
                    extra="Homepage: https://kubernetes.io\n"),
        dpkg_stanza("kubelet", "hold ok installed", "1.30.4-1.1", "admin", 79462, k8s,
                    "iptables (>= 1.4.21), kubernetes-cni (>= 1.2.0), iproute2, socat, util-linux, mount, ebtables, ethtool, conntrack",
                    "Node agent for Kubernetes clusters\n The node agent of Kubernetes, the container cluster manager.",
                    extra="Homepage: https://kubernetes.io\n"),
        dpkg_stanza("kubernetes-cni", "install ok installed", "1.4.0-1.1", "admin", 60120, k8s, "",
                    "Binaries required to provision kubernetes container networking\n Binaries required to provision container networking.",
                    extra="Homepage: https://kubernetes.io\n"),
        dpkg_stanza("openssh-server", "install ok installed", "1:8.9p1-3ubuntu0.10", "net", 1543,
                    "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>",
                    "adduser (>= 3.9), dpkg (>= 1.9.0), libpam-modules (>= 0.72-9), libpam-runtime (>= 0.76-14), lsb-base (>= 4.1+Debian3), openssh-client (= 1:8.9p1-3ubuntu0.10), openssh-sftp-server, procps, ucf (>= 0.28), debconf (>= 0.5) | debconf-2.0, runit-helper (>= 2.14.0~), libaudit1 (>= 1:2.2.1), libc6 (>= 2.34), libcom-err2 (>= 1.43.9), libcrypt1 (>= 1:4.1.0), libgssapi-krb5-2 (>= 1.17), libkrb5-3 (>= 1.13~alpha1+dfsg), libpam0g (>= 0.99.7.1), libselinux1 (>= 3.1~), libssl3 (>= 3.0.2), libsystemd0, libwrap0 (>= 7.6-4~), zlib1g (>= 1:1.1.4)",
                    "secure shell (SSH) server, for secure access from remote machines\n This is the portable version of OpenSSH, a free implementation of\n the Secure Shell protocol as specified by the IETF secsh working\n group.",
                    extra="Source: openssh\nHomepage: https://www.openssh.com/\n"),
        dpkg_stanza("tzdata", "install ok installed", "2024a-0ubuntu0.22.04.1", "localization", 3940,
                    "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", "debconf (>= 0.5) | debconf-2.0",
                    "time zone and daylight-saving time data\n This package contains data required for the implementation of\n standard local time for many representative locations around the globe.",
                    arch="all"),
    ]
    return "\n".join(stanzas)


# ---------------------------------------------------------------------------
# nodes
# ---------------------------------------------------------------------------

AUDIT_POLICY = """# DISA Kubernetes STIG V-242403 / V-242461 (CNTR-K8-000700, CNTR-K8-003280):
# every request is logged at RequestResponse.
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: RequestResponse
"""

ADMISSION_CONFIG = """# Pod Security Admission defaults (V-254800, CNTR-K8-002011).
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
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
      namespaces: [kube-system, tigera-operator, calico-system]
"""


def build_cp(nodes_dir, pki):
    n = Node(nodes_dir, "kubeadm-cp")
    base_os(n, "ubuntu2204", CP, CP + ".mission.mil", CP_IP, machine_id(CP), "5.15.0-119-generic")
    n.dir("etc/kubernetes", mode=0o755)
    n.dir("etc/kubernetes/manifests", mode=0o755)

    # --- PKI -------------------------------------------------------------
    n.dir("etc/kubernetes/pki", mode=0o755)
    n.dir("etc/kubernetes/pki/etcd", mode=0o755)

    def put(rel, cert, modes=(0o644, 0o600), owners=((0, 0), (0, 0))):
        n.write(rel + ".crt", cert.cert, mode=modes[0], uid=owners[0][0], gid=owners[0][1])
        n.write(rel + ".key", cert.key, mode=modes[1], uid=owners[1][0], gid=owners[1][1])
        n.key_secret("/" + rel + ".key", cert.key)

    sans = ("k8s-cp-01", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local", "10.96.0.1", CP_IP)
    put("etc/kubernetes/pki/ca", pki.ca)
    # planted (V-242466, V-242467): manual renewal with umask 002 left apiserver.crt 0664 and apiserver.key 0640
    put("etc/kubernetes/pki/apiserver", make_leaf(pki.ca, "kube-apiserver", server=True, sans=sans),
        modes=(0o664, 0o640))
    put("etc/kubernetes/pki/apiserver-kubelet-client",
        make_leaf(pki.ca, "kube-apiserver-kubelet-client", orgs=("kubeadm:cluster-admins",), client=True))
    put("etc/kubernetes/pki/front-proxy-ca", pki.front_ca)
    put("etc/kubernetes/pki/front-proxy-client", make_leaf(pki.front_ca, "front-proxy-client", client=True))
    put("etc/kubernetes/pki/apiserver-etcd-client", make_leaf(pki.etcd_ca, "kube-apiserver-etcd-client", client=True))
    put("etc/kubernetes/pki/etcd/ca", pki.etcd_ca)
    esans = ("k8s-cp-01", "localhost", CP_IP, "127.0.0.1", "::1")
    put("etc/kubernetes/pki/etcd/server", make_leaf(pki.etcd_ca, CP, server=True, client=True, sans=esans))
    put("etc/kubernetes/pki/etcd/peer", make_leaf(pki.etcd_ca, CP, server=True, client=True, sans=esans))
    # planted (V-242451): an admin copied the healthcheck client key for etcdctl and chowned it to himself
    put("etc/kubernetes/pki/etcd/healthcheck-client",
        make_leaf(pki.etcd_ca, "kube-etcd-healthcheck-client", client=True), owners=((0, 0), (1000, 1000)))
    n.write("etc/kubernetes/pki/sa.key", pki.sa_key, mode=0o600)
    n.key_secret("/etc/kubernetes/pki/sa.key", pki.sa_key)
    n.write("etc/kubernetes/pki/sa.pub", pki.sa_pub, mode=0o644)

    # --- kubeconfigs -----------------------------------------------------
    server = "https://%s:6443" % CP_IP
    for fname, cn, orgs, user in (
            ("admin.conf", "kubernetes-admin", ("kubeadm:cluster-admins",), "kubernetes-admin"),
            ("super-admin.conf", "kubernetes-super-admin", ("system:masters",), "kubernetes-super-admin"),
            ("controller-manager.conf", "system:kube-controller-manager", (), "system:kube-controller-manager"),
            ("scheduler.conf", "system:kube-scheduler", (), "system:kube-scheduler")):
        c = make_leaf(pki.ca, cn, orgs=orgs, client=True)
        n.write("etc/kubernetes/" + fname,
                kubeconfig("kubernetes", server, pki.ca.cert, user, "%s@kubernetes" % user, cert=c.cert, key=c.key),
                mode=0o600)
        n.secret("/etc/kubernetes/" + fname, "kubeconfig-client-key-data", b64(c.key))
        n.key_secret("/etc/kubernetes/" + fname, c.key, kind="client-key-data-decoded")
    n.write("etc/kubernetes/kubelet.conf", kubelet_conf(pki, CP), mode=0o600)

    # --- apiserver side files -------------------------------------------
    n.write("etc/kubernetes/audit-policy.yaml", AUDIT_POLICY, mode=0o600)
    n.write("etc/kubernetes/admission-config.yaml", ADMISSION_CONFIG, mode=0o600)
    k_new = planted_aes_secret("kubeadm-cp-2026-09")
    k_old = planted_aes_secret("kubeadm-cp-2026-03")
    n.write("etc/kubernetes/encryption-config.yaml", """# Secrets encryption at rest (V-274882, CNTR-K8-001162). Rotated 2026-09-15; the
# old key stays listed so that secrets written with it can still be read.
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
            - name: key-2026-09
              secret: %s
            - name: key-2026-03
              secret: %s
      - identity: {}
""" % (k_new, k_old), mode=0o600)
    n.secret("/etc/kubernetes/encryption-config.yaml", "encryption-secret", k_new)
    n.secret("/etc/kubernetes/encryption-config.yaml", "encryption-secret", k_old)
    n.dir("var/log/kubernetes", mode=0o755)
    n.dir("var/log/kubernetes/audit", mode=0o700)

    # --- static pod manifests (kubeadm writes them 0600 root:root) -------
    n.write("etc/kubernetes/manifests/kube-apiserver.yaml", apiserver_manifest(apiserver_flags("false"), K8S), mode=0o600)
    n.write("etc/kubernetes/manifests/kube-controller-manager.yaml", cm_manifest(), mode=0o600)
    n.write("etc/kubernetes/manifests/kube-scheduler.yaml", sched_manifest(), mode=0o600)
    n.write("etc/kubernetes/manifests/etcd.yaml", etcd_manifest(), mode=0o600)
    # kubeadm upgrade (1.29.8 -> 1.30.4) leaves its backups behind: NOT the live manifests
    bk = "etc/kubernetes/tmp/kubeadm-backup-manifests-2026-08-02-10-11-12"
    n.dir("etc/kubernetes/tmp", mode=0o700)
    n.dir(bk, mode=0o700)
    n.write(bk + "/kube-apiserver.yaml", apiserver_manifest(apiserver_flags_v129(), "v1.29.8"), mode=0o600)

    # --- etcd data (owned by the etcd user, 0700 dirs / 0600 files) ------
    for d in ("var/lib/etcd", "var/lib/etcd/member", "var/lib/etcd/member/snap", "var/lib/etcd/member/wal"):
        n.dir(d, mode=0o700, uid=998, gid=998)
    n.write("var/lib/etcd/member/snap/db", etcd_placeholder("kubeadm-cp", "bbolt"), mode=0o600, uid=998, gid=998)
    n.write("var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal", etcd_placeholder("kubeadm-cp", "wal"),
            mode=0o600, uid=998, gid=998)
    n.secret("/var/lib/etcd/member/snap/db", "etcd-data", "KSTIGPLANTED-etcd-kubeadm-cp-secret-value")
    n.secret("/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal", "etcd-data",
             "KSTIGPLANTED-etcd-kubeadm-cp-secret-value")

    # --- kubelet ---------------------------------------------------------
    n.dir("var/lib/kubelet", mode=0o755)
    n.write("var/lib/kubelet/config.yaml", kubelet_config(hardened=True))
    n.write("var/lib/kubelet/kubeadm-flags.env", KUBEADM_FLAGS_ENV)
    # planted (V-242434): a V1R9-era remediation left the flag in /etc/default/kubelet
    n.write("etc/default/kubelet", "KUBELET_EXTRA_ARGS=--protect-kernel-defaults=true\n")
    kubelet_pki(n, pki, CP)
    n.write("usr/lib/systemd/system/kubelet.service", UNIT_KUBELET)
    n.write("usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", DROPIN_10_KUBEADM % "/etc/default/kubelet")
    n.write("usr/lib/systemd/system/containerd.service", UNIT_CONTAINERD)
    n.write("usr/lib/systemd/system/ssh.service", UNIT_SSH_DEBIAN)
    w = "etc/systemd/system/multi-user.target.wants/"
    n.symlink(w + "kubelet.service", "/usr/lib/systemd/system/kubelet.service")
    n.symlink(w + "containerd.service", "/usr/lib/systemd/system/containerd.service")
    n.symlink(w + "ssh.service", "/lib/systemd/system/ssh.service")
    n.symlink("etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service")
    n.write("usr/bin/kubectl", kubectl_placeholder("v1.28.13", "2b6a4ac3f6a5a9c04fa93b8ca1b7ea0d73b64b1d",
                                                   "2024-08-14T19:58:09Z", "go1.22.5"), mode=0o755)
    n.write("var/lib/dpkg/status", dpkg_status())

    # --- leftovers holding secrets the collector must never take ---------
    cert_key = "KSTIGPLANTED" + hashlib.sha256(b"kubeadm-cp certificateKey").hexdigest()[:52]
    n.write("root/kubeadm-config.yaml", """apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: p1a2n3.KSTIGPLANTEDb7e2
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
certificateKey: %s
localAPIEndpoint:
  advertiseAddress: %s
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  name: %s
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: %s
networking:
  podSubnet: 192.168.0.0/16
  serviceSubnet: 10.96.0.0/12
""" % (cert_key, CP_IP, CP, K8S), mode=0o600)
    n.secret("/root/kubeadm-config.yaml", "bootstrap-token", "p1a2n3.KSTIGPLANTEDb7e2")
    n.secret("/root/kubeadm-config.yaml", "kubeadm-certificate-key", cert_key)
    # the site's collector signing key, deployed on the node (never part of a bundle)
    n.dir("etc/kstig", mode=0o700)
    sk = gen_key("ed25519")
    n.write("etc/kstig/signing.key", sk, mode=0o600)
    n.key_secret("/etc/kstig/signing.key", sk)

    # --- processes -------------------------------------------------------
    write_proc(n, 1, ["/sbin/init"], 0, comm="systemd", vm_kb=(168120, 13080), threads=1)
    write_proc(n, 2, [], 0, comm="kthreadd", kernel_thread=True, threads=1)
    write_proc(n, 688, [SSHD_LISTENER], 1, comm="sshd", vm_kb=(15432, 9120), threads=1)
    write_proc(n, 812, ["/usr/bin/containerd"], 1, vm_kb=(2432140, 71236), threads=18)
    write_proc(n, 1043, kubelet_argv(["--protect-kernel-defaults=true"]), 1, vm_kb=(2109916, 98124), threads=17)
    shims = {"etcd": 1187, "kube-apiserver": 1190, "kube-controller-manager": 1191, "kube-scheduler": 1195,
             "kube-proxy": 1722}
    for name, pid in shims.items():
        write_proc(n, pid, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", shim_id(CP + name),
                            "-address", "/run/containerd/containerd.sock"], 1, vm_kb=(1238216, 14120), threads=11)
    write_proc(n, 1302, etcd_flags(), 1187, nspid=1, vm_kb=(11283340, 168212), threads=14)
    # DRIFT: the running apiserver still has --profiling=true; the manifest on disk says false
    write_proc(n, 1318, apiserver_flags("true"), 1190, nspid=1, vm_kb=(1566052, 398120), threads=12)
    write_proc(n, 1325, cm_flags(), 1191, nspid=1, vm_kb=(1317108, 104208), threads=9)
    write_proc(n, 1331, sched_flags(), 1195, nspid=1, vm_kb=(1293472, 60332), threads=10)
    write_proc(n, 1760, kube_proxy_argv(CP), 1722, nspid=1, vm_kb=(1287660, 52844), threads=8)
    kube_proxy_root(n, 1760, pki, CP)
    write_net_tcp(n, [("127.0.0.1", 2379, 0, 31040), (CP_IP, 2379, 0, 31041), (CP_IP, 2380, 0, 31042),
                      ("127.0.0.1", 2381, 0, 31043), ("127.0.0.1", 10248, 0, 29811), ("127.0.0.1", 10249, 0, 34412),
                      ("127.0.0.1", 10257, 0, 32990), ("127.0.0.1", 10259, 0, 33007), ("0.0.0.0", 22, 0, 21345)],
                  [("::", 6443, 0, 32871), ("::", 10250, 0, 29822), ("::", 10256, 0, 34413), ("::", 22, 0, 21347)])
    n.finish()
    return n


def etcd_placeholder(node, what):
    return ("kstig sample placeholder for etcd %s data on %s. Real etcd data holds every Secret of the\n"
            "cluster; this one holds KSTIGPLANTED-etcd-%s-secret-value so tests can prove the bytes\n"
            "never reach a bundle.\n" % (what, node, node)).encode() + bytes(range(256))


def build_worker(nodes_dir, pki):
    n = Node(nodes_dir, "kubeadm-worker")
    base_os(n, "rocky94", WK, WK + ".mission.mil", WK_IP, machine_id(WK), "5.14.0-427.33.1.el9_4.x86_64")
    n.dir("etc/kubernetes", mode=0o755)
    n.dir("etc/kubernetes/manifests", mode=0o755)  # present and empty, as kubeadm join leaves it
    n.dir("etc/kubernetes/pki", mode=0o755)
    n.write("etc/kubernetes/pki/ca.crt", pki.ca.cert)
    n.write("etc/kubernetes/kubelet.conf", kubelet_conf(pki, WK), mode=0o600)
    # leftover bootstrap kubeconfig (kubeadm join normally deletes it): holds a bootstrap token
    n.write("etc/kubernetes/bootstrap-kubelet.conf",
            kubeconfig("kubernetes", "https://%s:6443" % CP_IP, pki.ca.cert, "tls-bootstrap-token-user",
                       "tls-bootstrap-token-user@kubernetes", token="k7s1g9.KSTIGPLANTED5d3a"), mode=0o600)
    n.secret("/etc/kubernetes/bootstrap-kubelet.conf", "bootstrap-token", "k7s1g9.KSTIGPLANTED5d3a")

    n.dir("var/lib/kubelet", mode=0o755)
    # planted (V-242456, V-242407): config.yaml 0664; (V-242397) staticPodPath set on a worker;
    # (V-245541) streamingConnectionIdleTimeout 0s (kubeadm default)
    n.write("var/lib/kubelet/config.yaml", kubelet_config(hardened=False), mode=0o664)
    n.write("var/lib/kubelet/kubeadm-flags.env", KUBEADM_FLAGS_ENV)
    # planted (V-242387): --read-only-port given as a flag; (V-242406) env file group wheel;
    # --authorization-mode=Webhook is what V-242392 (V2R6) asks for on workers
    n.write("etc/sysconfig/kubelet", "KUBELET_EXTRA_ARGS=--read-only-port=0 --authorization-mode=Webhook\n",
            mode=0o644, uid=0, gid=10)
    kubelet_pki(n, pki, WK)
    n.write("usr/lib/systemd/system/kubelet.service", UNIT_KUBELET)
    n.write("usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", DROPIN_10_KUBEADM % "/etc/sysconfig/kubelet")
    n.write("usr/lib/systemd/system/containerd.service", UNIT_CONTAINERD)
    n.write("usr/lib/systemd/system/sshd.service", UNIT_SSHD_RHEL)
    w = "etc/systemd/system/multi-user.target.wants/"
    n.symlink(w + "kubelet.service", "/usr/lib/systemd/system/kubelet.service")
    n.symlink(w + "containerd.service", "/usr/lib/systemd/system/containerd.service")
    # planted (V-242394): sshd enabled at boot on a worker (absolute symlink, resolve inside the root)
    n.symlink(w + "sshd.service", "/usr/lib/systemd/system/sshd.service")
    n.dir("etc/ssh", mode=0o755)
    for kind, mode in (("rsa", 0o640), ("ecdsa", 0o640), ("ed25519", 0o640)):
        priv, pub = ssh_keygen(kind, "root@" + WK)
        n.write("etc/ssh/ssh_host_%s_key" % kind, priv, mode=mode, uid=0, gid=101)  # group ssh_keys
        n.write("etc/ssh/ssh_host_%s_key.pub" % kind, pub, mode=0o644)
        n.key_secret("/etc/ssh/ssh_host_%s_key" % kind, priv)

    write_proc(n, 1, ["/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "31"], 0,
               comm="systemd", vm_kb=(174620, 16904), threads=1)
    # planted (V-242393): sshd running on a worker, with a live session
    write_proc(n, 874, [SSHD_LISTENER], 1, comm="sshd", vm_kb=(16348, 9012), threads=1)
    write_proc(n, 45012, ["sshd: admin [priv]"], 874, comm="sshd", vm_kb=(19644, 11408), threads=1)
    write_proc(n, 921, ["/usr/bin/containerd"], 1, vm_kb=(2358412, 64880), threads=16)
    write_proc(n, 1108, kubelet_argv(["--read-only-port=0", "--authorization-mode=Webhook"]), 1,
               vm_kb=(2034200, 87512), threads=15)
    write_proc(n, 1390, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", shim_id(WK + "kube-proxy"),
                         "-address", "/run/containerd/containerd.sock"], 1, vm_kb=(1238216, 13988), threads=10)
    write_proc(n, 1422, kube_proxy_argv(WK), 1390, nspid=1, vm_kb=(1287660, 50112), threads=7)
    kube_proxy_root(n, 1422, pki, WK)
    write_net_tcp(n, [("0.0.0.0", 22, 0, 22101), ("127.0.0.1", 10248, 0, 25510), ("127.0.0.1", 10249, 0, 26114)],
                  [("::", 22, 0, 22103), ("::", 10250, 0, 25521), ("::", 10256, 0, 26115)])
    n.finish()
    return n
