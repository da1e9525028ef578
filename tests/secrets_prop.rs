//! Property test: whatever node tree holds them and wherever they are, no
//! secret byte reaches the bundle. Each case builds a node tree with private
//! keys (RSA, EC and Ed25519; PKCS#1, SEC1, PKCS#8 and encrypted PEM; DER),
//! tokens, bootstrap tokens, encryption configurations and kubeconfigs with
//! embedded credentials (block, flow, quoted, block-scalar and JSON forms) in
//! kubeadm, RKE2 and k3s places, process arguments, environment files and
//! systemd units; runs the real collector; and searches the decompressed
//! bundle for every secret value and every line of every key's base64 body.

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_kstig-collect");

/// Key material made once per run with openssl.
struct Keys {
    /// (label, PEM text, DER bytes)
    pem: Vec<(String, String, Vec<u8>)>,
    /// A self-signed certificate, to hide a key behind in a `.crt`.
    cert: String,
}

fn openssl(args: &[&str], dir: &Path) -> Vec<u8> {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let t = tempfile::tempdir().expect("tempdir");
        let d = t.path();
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "rsa.pem",
            ],
            d,
        );
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "ec.pem",
            ],
            d,
        );
        openssl(&["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"], d);
        openssl(
            &[
                "pkey",
                "-in",
                "rsa.pem",
                "-traditional",
                "-out",
                "rsa-pkcs1.pem",
            ],
            d,
        );
        openssl(&["ec", "-in", "ec.pem", "-out", "ec-sec1.pem"], d);
        openssl(
            &[
                "pkcs8",
                "-topk8",
                "-in",
                "ec.pem",
                "-v2",
                "aes256",
                "-passout",
                "pass:kstig",
                "-out",
                "ec-enc.pem",
            ],
            d,
        );
        openssl(
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ec.pem",
                "-subj",
                "/CN=kstig",
                "-days",
                "2",
                "-out",
                "cert.pem",
            ],
            d,
        );
        let mut pem = Vec::new();
        for (label, file, der_of) in [
            ("rsa-pkcs8", "rsa.pem", "rsa.pem"),
            ("rsa-pkcs1", "rsa-pkcs1.pem", "rsa.pem"),
            ("ec-pkcs8", "ec.pem", "ec.pem"),
            ("ec-sec1", "ec-sec1.pem", "ec.pem"),
            ("ec-encrypted", "ec-enc.pem", "ec.pem"),
            ("ed25519", "ed.pem", "ed.pem"),
        ] {
            let text = std::fs::read_to_string(d.join(file)).expect("read pem");
            let der = openssl(&["pkey", "-in", der_of, "-outform", "DER"], d);
            pem.push((label.to_string(), text, der));
        }
        let cert = std::fs::read_to_string(d.join("cert.pem")).expect("cert");
        Keys { pem, cert }
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
}

/// The needles of a PEM key: every base64 body line, and its DER.
fn pem_needles(pem: &str, der: &[u8]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16 && !l.contains(':'))
        .map(|l| l.as_bytes().to_vec())
        .collect();
    v.extend(der_needles(der));
    v
}

/// Windows of a binary secret (any 24 bytes of it would be a leak).
fn der_needles(der: &[u8]) -> Vec<Vec<u8>> {
    der.chunks(24)
        .filter(|c| c.len() == 24)
        .map(|c| c.to_vec())
        .collect()
}

/// A random-looking secret value from the case's seed.
fn token(seed: u64, len: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % A.len() as u64) as usize] as char
        })
        .collect()
}

/// `abcdef.0123456789abcdef`-shaped bootstrap token.
fn bootstrap(seed: u64) -> String {
    let t = token(seed, 22).to_ascii_lowercase();
    let t: String = t
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { 'a' })
        .collect();
    format!("{}.{}", &t[..6], &t[6..22])
}

/// The node tree of one case.
#[derive(Default)]
struct Tree {
    /// path -> (content, needles)
    files: BTreeMap<String, (Vec<u8>, Vec<Vec<u8>>)>,
    /// (argv, needles)
    procs: Vec<(Vec<String>, Vec<Vec<u8>>)>,
}

impl Tree {
    fn put(&mut self, path: &str, body: impl Into<Vec<u8>>, needles: Vec<Vec<u8>>) {
        self.files.insert(path.to_string(), (body.into(), needles));
    }
}

fn kubeconfig(form: u64, key_data: &str, tok: &str, pass: &str) -> (String, Vec<Vec<u8>>) {
    let needles = vec![
        key_data.as_bytes().to_vec(),
        tok.as_bytes().to_vec(),
        pass.as_bytes().to_vec(),
    ];
    let head = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: x\ncurrent-context: x\n";
    let text = match form % 7 {
        0 => format!("{head}users:\n- name: u\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: {key_data}\n    token: {tok}\n    username: admin\n    password: {pass}\n"),
        1 => format!("{head}users:\n- name: u\n  user:\n    client-key-data: \"{key_data}\"\n    token: '{tok}'\n    password: \"{pass}\"\n"),
        2 => format!("{head}users:\n- name: u\n  user: {{client-key-data: {key_data}, token: {tok}, password: {pass}}}\n"),
        3 => format!("{head}users:\n- name: u\n  user:\n    client-key-data: |\n      {key_data}\n    token: >-\n      {tok}\n    password: |-\n      {pass}\n"),
        4 => format!("{{\"apiVersion\": \"v1\", \"kind\": \"Config\", \"users\": [{{\"name\": \"u\", \"user\": {{\"client-key-data\": \"{key_data}\", \"token\": \"{tok}\", \"password\": \"{pass}\"}}}}]}}\n"),
        5 => format!("{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Config\",\n  \"users\": [\n    {{\n      \"name\": \"u\",\n      \"user\": {{\n        \"client-key-data\": \"{key_data}\",\n        \"token\": \"{tok}\",\n        \"password\": \"{pass}\"\n      }}\n    }}\n  ]\n}}\n"),
        _ => format!("{head}users:\n  - name: u\n    user:\n      auth-provider:\n        config:\n          access-token: {tok}\n          refresh-token: {pass}\n      client-key-data: >\n        {key_data}\n"),
    };
    (text, needles)
}

fn place(tree: &mut Tree, kind: u8, loc: u8, seed: u64, n: usize) {
    let k = keys();
    let (label, pem, der) = &k.pem[(seed % k.pem.len() as u64) as usize];
    let _ = label;
    let tok = token(seed, 32);
    let pass = token(seed.rotate_left(17), 20);
    match kind % 10 {
        0 => {
            let paths = [
                format!("/etc/kubernetes/pki/k{n}.key"),
                format!("/etc/kubernetes/pki/k{n}.pem"),
                format!("/var/lib/rancher/rke2/server/tls/k{n}.crt"),
                format!("/var/lib/rancher/k3s/server/tls/k{n}-key.pem"),
                format!("/etc/kubernetes/k{n}.conf"),
                format!("/etc/kubernetes/pki/k{n}"),
                format!("/etc/rancher/rke2/k{n}.yaml"),
            ];
            let p = &paths[loc as usize % paths.len()];
            tree.put(p, pem.clone(), pem_needles(pem, der));
        }
        1 => {
            let paths = [
                format!("/etc/kubernetes/pki/k{n}.der"),
                format!("/etc/kubernetes/pki/k{n}.crt"),
                format!("/etc/kubernetes/k{n}"),
                format!("/var/lib/rancher/k3s/server/tls/k{n}.key"),
            ];
            let p = &paths[loc as usize % paths.len()];
            tree.put(p, der.clone(), der_needles(der));
        }
        2 => {
            let paths = [
                format!("/etc/kubernetes/pki/bundle{n}.crt"),
                format!("/var/lib/rancher/rke2/server/tls/bundle{n}.pem"),
                format!("/etc/kubernetes/pki/etcd/bundle{n}.cert"),
            ];
            let body = if loc.is_multiple_of(2) {
                format!("{}{}", k.cert, pem)
            } else {
                format!("{}\n# key follows\n{}", pem, k.cert)
            };
            let p = &paths[loc as usize % paths.len()];
            tree.put(p, body, pem_needles(pem, der));
        }
        3 => {
            let paths = [
                "/etc/kubernetes/admin.conf".to_string(),
                "/etc/rancher/rke2/rke2.yaml".to_string(),
                "/etc/rancher/k3s/k3s.yaml".to_string(),
                "/root/.kube/config".to_string(),
                format!("/etc/kubernetes/k{n}.kubeconfig"),
                "/var/lib/kubelet/kubeconfig".to_string(),
                "/etc/kubernetes/kubelet.conf".to_string(),
            ];
            let key_data = b64(pem.as_bytes());
            let (text, mut needles) = kubeconfig(seed, &key_data, &tok, &pass);
            needles.extend(pem_needles(pem, der));
            let p = &paths[loc as usize % paths.len()];
            tree.put(p, text, needles);
        }
        4 => {
            let secret = b64(&token(seed, 32).into_bytes());
            let needles = vec![secret.as_bytes().to_vec()];
            match loc % 3 {
                0 => {
                    let enc = format!("/etc/kubernetes/enc/enc{n}.yaml");
                    let body = format!("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - secrets\n    providers:\n      - aescbc:\n          keys:\n            - name: key1\n              secret: {secret}\n      - identity: {{}}\n");
                    tree.put(&enc, body, needles);
                    let pod = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --encryption-provider-config={enc}\n");
                    tree.put(
                        &format!("/etc/kubernetes/manifests/kube-apiserver-{n}.yaml"),
                        pod,
                        vec![],
                    );
                }
                1 => {
                    let body = format!("{{\"kind\":\"EncryptionConfiguration\",\"apiVersion\":\"apiserver.config.k8s.io/v1\",\"resources\":[{{\"resources\":[\"secrets\"],\"providers\":[{{\"aescbc\":{{\"keys\":[{{\"name\":\"aescbckey\",\"secret\":\"{secret}\"}}]}}}},{{\"identity\":{{}}}}]}}]}}");
                    tree.put(
                        "/var/lib/rancher/rke2/server/cred/encryption-config.json",
                        body,
                        needles,
                    );
                }
                _ => {
                    let body = format!("{{\n  \"kind\": \"EncryptionConfiguration\",\n  \"resources\": [\n    {{\n      \"providers\": [\n        {{\n          \"secretbox\": {{\n            \"keys\": [\n              {{\n                \"name\": \"k\",\n                \"secret\": \"{secret}\"\n              }}\n            ]\n          }}\n        }}\n      ]\n    }}\n  ]\n}}\n");
                    tree.put(
                        "/var/lib/rancher/k3s/server/cred/encryption-config.json",
                        body,
                        needles,
                    );
                }
            }
        }
        5 => {
            let bt = bootstrap(seed);
            let needles = vec![bt.as_bytes().to_vec()];
            match loc % 4 {
                0 => tree.put(
                    "/root/kubeadm-config.yaml",
                    format!("apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nbootstrapTokens:\n- groups:\n  - system:bootstrappers:kubeadm:default-node-token\n  token: \"{bt}\"\n  ttl: 24h0m0s\n"),
                    needles,
                ),
                1 => tree.put(
                    "/etc/kubernetes/bootstrap-kubelet.conf",
                    format!("apiVersion: v1\nkind: Config\nusers:\n- name: tls-bootstrap-token-user\n  user:\n    token: {bt}\n"),
                    needles,
                ),
                2 => tree.put(
                    &format!("/etc/kubernetes/kubeadm-join-{n}.yaml"),
                    format!("apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: 10.0.0.1:6443\n    token: {bt}\n  tlsBootstrapToken: {bt}\n"),
                    needles,
                ),
                _ => tree.put(
                    "/etc/systemd/system/kubelet.service.d/10-join.conf",
                    format!("[Service]\nExecStartPre=/usr/bin/kubeadm join 10.0.0.1:6443 --token {bt} --discovery-token-ca-cert-hash sha256:abc\n"),
                    needles,
                ),
            }
        }
        6 => {
            let needles = vec![tok.as_bytes().to_vec()];
            let eq = format!("--token={tok}");
            let ds = format!("--datastore-endpoint=postgres://kstig:{tok}@db:5432/k3s");
            let argv: Vec<String> = match loc % 5 {
                0 => vec!["/usr/local/bin/k3s", "server", "--token", &tok],
                1 => vec!["/usr/local/bin/k3s", "server", "-t", &tok],
                2 => vec!["/usr/local/bin/rke2", "server", &eq],
                3 => vec!["/usr/local/bin/k3s", "server", &ds],
                _ => vec![
                    "/usr/bin/kubelet",
                    "--config=/var/lib/kubelet/config.yaml",
                    &eq,
                ],
            }
            .into_iter()
            .map(String::from)
            .collect();
            tree.procs.push((argv, needles));
        }
        7 => {
            let needles = vec![tok.as_bytes().to_vec()];
            let (p, body) = match loc % 5 {
                0 => ("/etc/default/k3s", format!("K3S_TOKEN={tok}\n")),
                1 => (
                    "/etc/systemd/system/k3s.service.env",
                    format!("K3S_TOKEN=\"{tok}\"\nK3S_URL=https://10.0.0.1:6443\n"),
                ),
                2 => (
                    "/etc/sysconfig/rke2-server",
                    format!("RKE2_TOKEN='{tok}'\n"),
                ),
                3 => (
                    "/etc/default/rke2-agent",
                    format!("export RKE2_AGENT_TOKEN={tok}\n"),
                ),
                _ => (
                    "/etc/default/k3s",
                    format!("K3S_DATASTORE_ENDPOINT=mysql://u:{tok}@tcp(db:3306)/k3s\n"),
                ),
            };
            tree.put(p, body, needles);
        }
        8 => {
            let needles = vec![tok.as_bytes().to_vec(), pass.as_bytes().to_vec()];
            let (p, body) = match loc % 4 {
                0 => (
                    "/etc/rancher/rke2/config.yaml".to_string(),
                    format!("token: {tok}\nagent-token: \"{pass}\"\nprofile: cis\n"),
                ),
                1 => (
                    "/etc/rancher/k3s/config.yaml".to_string(),
                    format!("token: '{tok}'\ndatastore-endpoint: \"postgres://k:{pass}@db/k3s\"\n"),
                ),
                2 => (
                    format!("/etc/rancher/rke2/config.yaml.d/50-k{n}.yaml"),
                    format!("token: {tok}\nkubelet-arg:\n  - \"--token={pass}\"\n"),
                ),
                _ => (
                    "/etc/rancher/rke2/registries.yaml".to_string(),
                    format!("configs:\n  registry.mil:\n    auth:\n      username: u\n      password: {pass}\n      identity_token: {tok}\n"),
                ),
            };
            tree.put(&p, body, needles);
        }
        _ => {
            let needles = vec![tok.as_bytes().to_vec()];
            let (p, body) = match loc % 3 {
                0 => (
                    "/etc/systemd/system/k3s.service",
                    format!("[Service]\nExecStart=/usr/local/bin/k3s \\\n    server \\\n    --token {tok} \\\n    --write-kubeconfig-mode 600\n"),
                ),
                1 => (
                    "/etc/systemd/system/rke2-server.service.d/override.conf",
                    format!("[Service]\nEnvironment=\"RKE2_TOKEN={tok}\"\n"),
                ),
                _ => (
                    "/usr/lib/systemd/system/k3s-agent.service",
                    format!("[Service]\nEnvironment=K3S_TOKEN={tok} K3S_URL=https://x:6443\nExecStart=/usr/local/bin/k3s agent\n"),
                ),
            };
            tree.put(p, body, needles);
        }
    }
}

fn materialize(tree: &Tree, root: &Path) {
    let w = |p: &str, body: &[u8]| {
        let full = root.join(p.trim_start_matches('/'));
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(&full, body).expect("write");
    };
    w("/etc/hostname", b"secret-node\n");
    w("/etc/passwd", b"root:x:0:0::/root:/bin/sh\n");
    w("/etc/group", b"root:x:0:\n");
    w(
        "/var/lib/kubelet/config.yaml",
        b"kind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\n",
    );
    for (p, (body, _)) in &tree.files {
        w(p, body);
    }
    for (i, (argv, _)) in tree.procs.iter().enumerate() {
        let pid = 200 + i;
        let mut cmdline = Vec::new();
        for a in argv {
            cmdline.extend_from_slice(a.as_bytes());
            cmdline.push(0);
        }
        let comm = match argv.get(1).map(String::as_str) {
            Some("server") if argv[0].ends_with("k3s") => "k3s-server",
            Some("server") => "rke2",
            _ => "kubelet",
        };
        w(&format!("/proc/{pid}/cmdline"), &cmdline);
        w(&format!("/proc/{pid}/comm"), format!("{comm}\n").as_bytes());
        w(
            &format!("/proc/{pid}/status"),
            b"PPid:\t1\nUid:\t0\t0\t0\t0\n",
        );
    }
}

fn collect(root: &Path, out: &Path) -> Vec<u8> {
    let o = Command::new(BIN)
        .arg("--key")
        .arg(repo().join("samples/keys/test-only-signing.key"))
        .arg("--out")
        .arg(out)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", "1795180000")
        .output()
        .expect("run kstig-collect");
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let path = PathBuf::from(stdout.lines().next().expect("bundle path"));
    let bytes = std::fs::read(&path).expect("bundle");
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut plain)
        .expect("gunzip");
    plain
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Which tar member holds byte offset `at` (for the failure message).
fn context(plain: &[u8], at: usize) -> String {
    let start = at.saturating_sub(300);
    let end = (at + 100).min(plain.len());
    String::from_utf8_lossy(&plain[start..end]).into_owned()
}

proptest! {
    // 24 cases by default (seconds); PROPTEST_CASES=N for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
    ))]
    #[test]
    fn no_secret_byte_reaches_the_bundle(
        placements in proptest::collection::vec((0u8..10, 0u8..8, any::<u64>()), 3..8)
    ) {
        let mut tree = Tree::default();
        for (n, (kind, loc, seed)) in placements.iter().enumerate() {
            place(&mut tree, *kind, *loc, *seed, n);
        }
        let t = tempfile::tempdir().expect("tempdir");
        let root = t.path().join("root");
        materialize(&tree, &root);
        let plain = collect(&root, &t.path().join("out"));
        for (path, (_, needles)) in &tree.files {
            for needle in needles {
                if let Some(at) = find(&plain, needle) {
                    prop_assert!(
                        false,
                        "secret from {path} leaked: {:?}\ncontext: {}",
                        String::from_utf8_lossy(needle),
                        context(&plain, at)
                    );
                }
            }
        }
        for (argv, needles) in &tree.procs {
            for needle in needles {
                if let Some(at) = find(&plain, needle) {
                    prop_assert!(
                        false,
                        "secret from argv {argv:?} leaked\ncontext: {}",
                        context(&plain, at)
                    );
                }
            }
        }
    }
}
