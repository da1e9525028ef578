//! End-to-end tests of the real `kstig-collect` binary on real files: the
//! four sample node trees, small trees built here, and this machine's own
//! `/` and `/proc` with a fake `kube-apiserver` running.

use collector::bundle::{self, Limits, VerifiedBundle};
use collector::manifest::{Content, FileRecord, FileType, REDACTION_PREFIX};
use collector::sign::PublicKey;
use std::io::Read;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kstig-collect");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key() -> PathBuf {
    repo().join("samples/keys/test-only-signing.key")
}

fn public_key() -> PublicKey {
    PublicKey::from_pem_file(&repo().join("samples/keys/test-only-signing.pub"))
        .expect("public key")
}

/// Run the collector with a deadline (a hang is a failure, not a stuck test).
fn run(args: &[&str], envs: &[(&str, &str)], deadline: Duration) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn kstig-collect");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("kstig-collect {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

struct Run {
    code: i32,
    path: PathBuf,
    bytes: Vec<u8>,
    bundle: VerifiedBundle,
    stdout: String,
}

fn collect(args: &[&str], envs: &[(&str, &str)]) -> Run {
    let out = run(args, envs, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let mut lines = stdout.lines();
    let path = PathBuf::from(lines.next().expect("bundle path line"));
    let sha_line = lines.next().expect("sha256 line");
    let summary = lines.next().expect("summary line");
    assert!(summary.starts_with("files "), "{summary}");
    let bytes = std::fs::read(&path).expect("read bundle");
    assert_eq!(
        sha_line,
        format!("sha256 {}", collector::redact::sha256_hex(&bytes))
    );
    let bundle = bundle::read_verified(&bytes, &[public_key()], &Limits::default())
        .expect("bundle verifies");
    // No temporary file is left next to the bundle.
    let dir = path.parent().expect("out dir");
    for entry in std::fs::read_dir(dir).expect("out dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(!name.contains(".tmp."), "temporary file {name} left behind");
    }
    Run {
        code,
        path,
        bytes,
        bundle,
        stdout,
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn file<'a>(b: &'a VerifiedBundle, path: &str) -> &'a FileRecord {
    b.manifest
        .files
        .iter()
        .find(|f| f.path == path && f.via.is_none())
        .unwrap_or_else(|| panic!("no file record for {path}"))
}

fn text<'a>(b: &'a VerifiedBundle, path: &str) -> &'a str {
    let f = file(b, path);
    let member = match &f.content {
        Content::Captured { member } | Content::Redacted { member, .. } => member,
        Content::Withheld { reason } => panic!("{path} withheld: {reason}"),
    };
    std::str::from_utf8(b.member(member).expect("member")).expect("utf-8")
}

fn withheld(b: &VerifiedBundle, path: &str) -> String {
    match &file(b, path).content {
        Content::Withheld { reason } => reason.clone(),
        other => panic!("{path} not withheld: {other:?}"),
    }
}

fn materialize(node: &str, dest: &Path) {
    let status = Command::new("sh")
        .arg(repo().join("samples/materialize.sh"))
        .arg(repo().join("samples/nodes").join(node))
        .arg(dest)
        .stdout(Stdio::null())
        .status()
        .expect("materialize.sh");
    assert!(status.success(), "materialize {node}");
}

/// The planted secrets of a sample node (`samples/nodes/SECRETS.tsv`).
fn planted(node: &str) -> Vec<(String, String)> {
    let tsv =
        std::fs::read_to_string(repo().join("samples/nodes/SECRETS.tsv")).expect("SECRETS.tsv");
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() == 4 && cols[0] == node).then(|| (cols[1].to_string(), cols[3].to_string()))
        })
        .collect()
}

const NODES: &[&str] = &["kubeadm-cp", "kubeadm-worker", "rke2-server", "k3s-server"];

#[test]
fn sample_nodes_verify_and_never_leak_planted_secrets() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for node in NODES {
        let root = tmp.path().join("root").join(node);
        materialize(node, &root);
        let out = tmp.path().join("out").join(node);
        let r = collect(
            &[
                "--key",
                key().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--root",
                root.to_str().unwrap(),
            ],
            &[("SOURCE_DATE_EPOCH", "1795176000")],
        );
        let m = &r.bundle.manifest;
        assert!(!m.live, "{node}");
        assert_eq!(m.root, root.to_str().unwrap());
        assert_eq!(m.created, "2026-11-20T12:00:00Z");
        assert!(r
            .path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("_20261120T120000Z.kstig.tar.gz"));
        assert!(
            !m.host.hostname.is_empty(),
            "{node}: hostname from the tree"
        );
        assert!(m.commands.is_empty(), "{node}: nothing is run under --root");
        assert!(m.cluster.is_none());
        let plain = gunzip(&r.bytes);
        let secrets = planted(node);
        assert!(!secrets.is_empty(), "{node} has planted secrets");
        for (path, secret) in &secrets {
            assert!(
                !contains(&plain, secret.as_bytes()),
                "{node}: secret of {path} found in the bundle"
            );
        }
        // Every file record is well-formed.
        for f in &m.files {
            assert_eq!(f.mode.len(), 4, "{}", f.path);
            assert!(f.path.starts_with('/'));
            if let Content::Captured { member } | Content::Redacted { member, .. } = &f.content {
                let body = r.bundle.member(member).expect("member listed");
                assert!(
                    !contains(body, b"PRIVATE KEY-----\n"),
                    "{}: private key in member",
                    f.path
                );
            }
        }
        eprintln!("{node}: {}", r.stdout.lines().nth(2).unwrap_or(""));
    }
}

#[test]
fn kubeadm_control_plane_records() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    materialize("kubeadm-cp", &root);
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--no-cluster",
        ],
        &[],
    );
    let b = &r.bundle;
    let m = &b.manifest;
    assert_eq!(m.bundle_id.len(), 32, "random id without SOURCE_DATE_EPOCH");
    assert_eq!(m.host.hostname, "k8s-cp-01");
    // Processes: recognised, argv recorded.
    let api = m
        .processes
        .iter()
        .find(|p| p.component == "kube-apiserver")
        .expect("kube-apiserver");
    assert!(api.argv.iter().any(|a| a == "--anonymous-auth=false"));
    assert!(m.processes.iter().any(|p| p.component == "kubelet"));
    assert!(m.processes.iter().any(|p| p.component == "sshd"));
    // Files: modes, owners, content states.
    let ca_key = file(b, "/etc/kubernetes/pki/ca.key");
    assert_eq!(ca_key.mode, "0600");
    assert_eq!(ca_key.user.as_deref(), Some("root"));
    assert!(ca_key.sha256.is_some());
    assert_eq!(withheld(b, "/etc/kubernetes/pki/ca.key"), "private key");
    assert!(text(b, "/etc/kubernetes/pki/ca.crt").contains("BEGIN CERTIFICATE"));
    let admin = file(b, "/etc/kubernetes/admin.conf");
    assert!(matches!(admin.content, Content::Redacted { count: 1, .. }));
    let admin_text = text(b, "/etc/kubernetes/admin.conf");
    assert!(admin_text.contains(&format!("client-key-data: {REDACTION_PREFIX}sha256:")));
    assert!(admin_text.contains("client-certificate-data: "));
    let enc = text(b, "/etc/kubernetes/encryption-config.yaml");
    assert!(enc.contains("kind: EncryptionConfiguration") && enc.contains(REDACTION_PREFIX));
    assert!(
        text(b, "/etc/kubernetes/manifests/kube-apiserver.yaml").contains("--anonymous-auth=false")
    );
    assert!(text(b, "/var/lib/kubelet/config.yaml").contains("KubeletConfiguration"));
    assert_eq!(withheld(b, "/var/lib/etcd/member/snap/db"), "etcd data");
    assert_eq!(file(b, "/var/lib/etcd").user.as_deref(), Some("etcd"));
    assert_eq!(file(b, "/var/lib/etcd").file_type, FileType::Dir);
    assert_eq!(withheld(b, "/usr/bin/kubectl"), "binary");
    assert!(file(b, "/usr/bin/kubectl").sha256.is_some());
    let link = file(
        b,
        "/etc/systemd/system/multi-user.target.wants/kubelet.service",
    );
    assert_eq!(link.file_type, FileType::Symlink);
    assert!(link.target.is_some());
    // Static pod images and packages give versions without running anything.
    assert!(m
        .images
        .iter()
        .any(|i| i.container == "kube-apiserver" && i.image.contains(":v1.")));
    assert!(m.packages.iter().any(|p| p.name == "kubelet"));
    // Containerised kube-proxy: its config read through its process root.
    assert!(m.files.iter().any(
        |f| f.via.as_deref().is_some_and(|v| v.starts_with("/proc/"))
            && f.path.starts_with("/var/lib/kube-proxy/")
    ));
}

#[test]
fn reproducible_with_source_date_epoch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    materialize("rke2-server", &root);
    let mut outs = Vec::new();
    for i in 0..2 {
        let out = tmp.path().join(format!("out{i}"));
        let r = collect(
            &[
                "--key",
                key().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--root",
                root.to_str().unwrap(),
            ],
            &[("SOURCE_DATE_EPOCH", "1795176000")],
        );
        assert_eq!(r.bundle.manifest.bundle_id.len(), 32);
        outs.push((r.path.file_name().unwrap().to_owned(), r.bytes));
    }
    assert_eq!(outs[0].0, outs[1].0);
    assert!(outs[0].1 == outs[1].1, "bundles differ");
}

/// A small node tree built here.
fn small_tree(root: &Path) {
    let w = |p: &str, body: &str| {
        let full = root.join(p.trim_start_matches('/'));
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, body).unwrap();
    };
    w("/etc/hostname", "tiny-node\n");
    w("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    w("/etc/group", "root:x:0:\n");
    w("/proc/100/cmdline", "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--kubeconfig=/etc/kubernetes/kubelet.conf\0--token=PLANTEDARGVTOKEN\0");
    w("/proc/100/comm", "kubelet\n");
    w("/proc/100/status", "PPid:\t1\nUid:\t0\t0\t0\t0\n");
    w(
        "/var/lib/kubelet/config.yaml",
        "kind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\n",
    );
    w(
        "/etc/kubernetes/kubelet.conf",
        "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    client-key-data: UExBTlRFRENMSUVOVEtFWURBVEE=\n    token: PLANTEDKUBECONFIGTOKEN\n",
    );
    w(
        "/etc/kubernetes/pki/fake.pem",
        "-----BEGIN RSA PRIVATE KEY-----\nPLANTEDPRIVATEKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n",
    );
    w("/etc/kubernetes/pki/odd.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nPLANTEDBUNDLEDKEY\n-----END EC PRIVATE KEY-----\n");
    w(
        "/etc/kubernetes/known_tokens.csv",
        "PLANTEDCSVTOKEN,admin,1\n",
    );
    w("/etc/kubernetes/manifests/README", "not a manifest\n");
}

#[test]
fn planted_secrets_never_reach_the_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
        ],
        &[],
    );
    let plain = gunzip(&r.bytes);
    for s in [
        "PLANTEDARGVTOKEN",
        "UExBTlRFRENMSUVOVEtFWURBVEE=",
        "PLANTEDKUBECONFIGTOKEN",
        "PLANTEDPRIVATEKEYMATERIAL",
        "PLANTEDBUNDLEDKEY",
        "PLANTEDCSVTOKEN",
    ] {
        assert!(!contains(&plain, s.as_bytes()), "{s} found in the bundle");
    }
    let b = &r.bundle;
    assert_eq!(withheld(b, "/etc/kubernetes/pki/fake.pem"), "private key");
    assert_eq!(withheld(b, "/etc/kubernetes/pki/odd.crt"), "private key");
    assert_eq!(
        withheld(b, "/etc/kubernetes/known_tokens.csv"),
        "token or password"
    );
    assert!(matches!(
        file(b, "/etc/kubernetes/kubelet.conf").content,
        Content::Redacted { count: 2, .. }
    ));
    let kubelet = &b.manifest.processes[0];
    assert_eq!(kubelet.redacted, 1);
    assert!(kubelet.argv[3].starts_with("--token=<kstig-redacted sha256:"));
    assert_eq!(b.manifest.host.hostname, "tiny-node");
    assert!(r
        .path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("tiny-node_"));
}

#[test]
fn symlink_loop_is_recorded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let k = root.join("etc/kubernetes");
    symlink("/etc/kubernetes/loop-b", k.join("loop-a")).unwrap();
    symlink("loop-a", k.join("loop-b")).unwrap();
    symlink("self", k.join("self")).unwrap();
    // An absolute link must be re-rooted at the tree, never the host's /etc.
    symlink("/etc/hostname", k.join("host-link.conf")).unwrap();
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 1, "errors make exit status 1");
    let errors = &r.bundle.manifest.errors;
    for p in ["/etc/kubernetes/loop-a", "/etc/kubernetes/self"] {
        assert!(
            errors.iter().any(|e| e.op == "symlink-loop" && e.path == p),
            "{p}: {errors:?}"
        );
    }
    assert_eq!(
        file(&r.bundle, "/etc/kubernetes/loop-a").file_type,
        FileType::Symlink
    );
    assert_eq!(
        file(&r.bundle, "/etc/kubernetes/loop-a").target.as_deref(),
        Some("/etc/kubernetes/loop-b")
    );
    assert_eq!(text(&r.bundle, "/etc/hostname"), "tiny-node\n");
}

#[test]
fn fifo_at_a_config_path_does_not_block() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let cfg = root.join("var/lib/kubelet/config.yaml");
    std::fs::remove_file(&cfg).unwrap();
    let c = std::ffi::CString::new(cfg.to_str().unwrap()).unwrap();
    // SAFETY: plain libc call with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let start = Instant::now();
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
        ],
        &[],
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    let f = file(&r.bundle, "/var/lib/kubelet/config.yaml");
    assert_eq!(f.file_type, FileType::Fifo);
    assert!(f.sha256.is_none());
    assert!(matches!(f.content, Content::Withheld { .. }));
}

/// Kills and reaps the fake process however the test ends.
struct Reap(std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn live_root_finds_a_running_kube_apiserver() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A renamed shell copy: it keeps running (`read` on a pipe we hold) whatever
    // flags follow, which a renamed sleep would reject.
    let fake = tmp.path().join("kube-apiserver");
    std::fs::copy("/bin/sh", &fake).expect("copy /bin/sh");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let child = Command::new(&fake)
        .args([
            "-c",
            "read x",
            "--secure-port=6443",
            "--token=LIVESECRET4242",
            "--tls-cert-file=/nonexistent/kstig.crt",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start fake kube-apiserver");
    let _reap = Reap(child);
    let pid = _reap.0.id();
    // Wait until the kernel shows its argv.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|c| contains(&c, b"LIVESECRET4242"))
    {
        assert!(Instant::now() < deadline, "fake process did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = tmp.path().join("out");
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-cluster",
        ],
        &[],
    );
    let m = &r.bundle.manifest;
    assert!(m.live);
    assert_eq!(m.root, "/");
    let p = m
        .processes
        .iter()
        .find(|p| p.pid == pid)
        .expect("fake kube-apiserver recognised");
    assert_eq!(p.component, "kube-apiserver");
    assert!(
        p.argv.iter().any(|a| a == "--secure-port=6443"),
        "{:?}",
        p.argv
    );
    assert!(
        p.argv
            .iter()
            .any(|a| a.starts_with("--token=<kstig-redacted sha256:")),
        "{:?}",
        p.argv
    );
    assert_eq!(p.redacted, 1);
    assert!(!contains(&gunzip(&r.bytes), b"LIVESECRET4242"));
    // Its executable was looked at (metadata and hash, never content).
    let exe = file(&r.bundle, fake.to_str().unwrap());
    assert_eq!(
        exe.content,
        Content::Withheld {
            reason: "binary".into()
        }
    );
}

#[test]
fn kubectl_output_is_filtered() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let kubectl = tmp.path().join("kubectl");
    std::fs::write(
        &kubectl,
        "#!/bin/sh\ncat <<'EOF'\n{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"data\":{\"p\":\"S1VCRVNFQ1JFVA==\"}},\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"CONFIGMAPVALUE\"}},\n{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}]}\nEOF\n",
    )
    .unwrap();
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--kubectl",
            kubectl.to_str().unwrap(),
        ],
        &[],
    );
    let m = &r.bundle.manifest;
    let dump = m.cluster.as_ref().expect("cluster dump");
    assert_eq!(dump.source, "kubectl");
    assert_eq!(dump.member, "evidence/cluster/objects.json");
    assert!(!dump.kinds.iter().any(|k| k.contains("secret")));
    let cmd = m
        .commands
        .iter()
        .find(|c| c.argv[0] == kubectl.to_str().unwrap())
        .expect("kubectl recorded");
    assert_eq!(cmd.exit_status, Some(0));
    assert!(cmd
        .argv
        .iter()
        .any(|a| a.starts_with("namespaces,nodes,pods,")));
    let objects: serde_json::Value =
        serde_json::from_slice(r.bundle.member(&dump.member).unwrap()).unwrap();
    let items = objects["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let plain = gunzip(&r.bytes);
    assert!(!contains(&plain, b"S1VCRVNFQ1JFVA=="));
    assert!(!contains(&plain, b"CONFIGMAPVALUE"));
}

#[test]
fn cluster_json_file_is_included_filtered() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let dump = tmp.path().join("dump.json");
    std::fs::write(&dump, r#"{"kind":"List","items":[{"kind":"Secret","data":{"a":"RFVNUFNFQ1JFVA=="}},{"kind":"Pod","metadata":{"name":"p"}}]}"#).unwrap();
    let r = collect(
        &[
            "--key",
            key().to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--cluster-json",
            dump.to_str().unwrap(),
        ],
        &[],
    );
    let c = r.bundle.manifest.cluster.as_ref().expect("cluster");
    assert_eq!(c.source, "file");
    assert!(c.kinds.is_empty());
    assert!(!contains(&gunzip(&r.bytes), b"RFVNUFNFQ1JFVA=="));
}

#[test]
fn usage_key_and_input_errors_exit_2_without_a_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    let out = tmp.path().join("out");
    let k = key();
    let k = k.to_str().unwrap();
    let o = out.to_str().unwrap();
    let r = root.to_str().unwrap();
    let bad_json = tmp.path().join("bad.json");
    std::fs::write(&bad_json, "{not json").unwrap();
    let not_a_key = tmp.path().join("not.key");
    std::fs::write(&not_a_key, "hello").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--out", o, "--root", r],
        vec![
            "--key",
            not_a_key.to_str().unwrap(),
            "--out",
            o,
            "--root",
            r,
        ],
        vec!["--key", "/nonexistent/key", "--out", o, "--root", r],
        vec!["--key", k, "--out", o, "--root", "/nonexistent/root"],
        vec![
            "--key",
            k,
            "--out",
            o,
            "--root",
            r,
            "--no-cluster",
            "--kubectl",
            "/bin/true",
        ],
        vec![
            "--key",
            k,
            "--out",
            o,
            "--root",
            r,
            "--cluster-json",
            bad_json.to_str().unwrap(),
        ],
    ];
    for args in cases {
        let res = run(&args, &[], Duration::from_secs(30));
        assert_eq!(
            res.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&res.stderr)
        );
    }
    let res = run(
        &["--key", k, "--out", o, "--root", r],
        &[("SOURCE_DATE_EPOCH", "yesterday")],
        Duration::from_secs(30),
    );
    assert_eq!(res.status.code(), Some(2));
    let left = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "nothing written on errors");
}

#[test]
fn sigterm_exits_143_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    small_tree(&root);
    // A kubectl that hangs keeps the collector busy until the signal.
    let kubectl = tmp.path().join("kubectl");
    std::fs::write(&kubectl, "#!/bin/sh\nexec sleep 5\n").unwrap();
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = tmp.path().join("out");
    let mut child = Command::new(BIN)
        .args([
            "--key",
            key().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--root",
            root.to_str().unwrap(),
            "--kubectl",
            kubectl.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until it runs kubectl.
    let deadline = Instant::now() + Duration::from_secs(10);
    let pid = child.id();
    loop {
        let busy = std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            std::fs::read_to_string(e.path().join("stat")).is_ok_and(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.split_whitespace().nth(1) == Some(&pid.to_string()))
            })
        });
        if busy {
            break;
        }
        assert!(Instant::now() < deadline, "kubectl never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: plain kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) }, 0);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}
