//! Shared helpers for the end-to-end tests: materialize a sample node tree,
//! run the real `kstig-collect` and `kstig` binaries on it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const NODES: [&str; 4] = ["kubeadm-cp", "kubeadm-worker", "rke2-server", "k3s-server"];
/// Pinned time for reproducible bundles and checklists.
pub const EPOCH: &str = "1795180000";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared` beside the checkout (CI lays it there), or `KSTIG_SHARED`.
pub fn shared() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KSTIG_SHARED") {
        return Some(PathBuf::from(p));
    }
    let mut dir = repo().canonicalize().ok()?;
    loop {
        let cand = dir.join("shared");
        if cand.join("stig").is_dir() {
            return Some(cand);
        }
        let cand = dir.join("../shared");
        if cand.join("stig").is_dir() {
            return Some(cand);
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub fn kstig() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kstig"))
}

/// The collector binary, built once by cargo into the same target directory.
pub fn collector() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "-p",
                "kstig-collector",
                "--bin",
                "kstig-collect",
            ])
            .current_dir(repo())
            .status()
            .expect("run cargo build for kstig-collect");
        assert!(status.success(), "building kstig-collect failed");
        kstig().parent().expect("bin dir").join("kstig-collect")
    })
    .clone()
}

pub fn signing_key() -> PathBuf {
    repo().join("samples/keys/test-only-signing.key")
}
pub fn signing_pub() -> PathBuf {
    repo().join("samples/keys/test-only-signing.pub")
}
pub fn other_pub() -> PathBuf {
    repo().join("samples/keys/test-only-other.pub")
}

/// Copy a sample node tree into `dest` with its modes and owners.
pub fn materialize(node: &str, dest: &Path) {
    let out = Command::new("sh")
        .arg(repo().join("samples/materialize.sh"))
        .arg(repo().join("samples/nodes").join(node))
        .arg(dest)
        .output()
        .expect("run materialize.sh");
    assert!(
        out.status.success(),
        "materialize {node}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run command")
}

/// Collect one materialized root into `out_dir`; returns the bundle path.
pub fn collect(root: &Path, out_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(out_dir).expect("mkdir");
    let out = run(Command::new(collector())
        .arg("--key")
        .arg(signing_key())
        .arg("--out")
        .arg(out_dir)
        .arg("--root")
        .arg(root)
        .arg("--no-cluster")
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "kstig-collect failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".kstig.tar.gz"))
        .collect();
    bundles.sort();
    bundles.pop().expect("a bundle was written")
}

/// Materialize and collect a sample node into `work/<node>`.
pub fn sample_bundle(node: &str, work: &Path) -> PathBuf {
    let root = work.join(format!("{node}-root"));
    materialize(node, &root);
    collect(&root, &work.join(format!("{node}-bundle")))
}

/// The bundles of all four sample nodes, built once per test process.
pub fn all_sample_bundles() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static ALL: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    ALL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let bundles = NODES.iter().map(|n| sample_bundle(n, dir.path())).collect();
        (dir, bundles)
    })
}

/// Run `kstig analyze`; returns (exit code, stdout, stderr).
pub fn analyze(bundles: &[PathBuf], out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(kstig());
    cmd.arg("analyze")
        .arg("--trust")
        .arg(signing_pub())
        .arg("--out")
        .arg(out)
        .args(extra)
        .args(bundles)
        .env("SOURCE_DATE_EPOCH", EPOCH);
    let o = run(&mut cmd);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
