//! `kstig diff` on two real analyses of sample nodes: between them one
//! finding was fixed (chmod of an RKE2 static pod manifest) and one rule
//! broke (a kubeadm API server manifest flag lowered to TLS 1.0).

mod support;

use std::path::Path;
use std::process::Command;

const RKE2_CM: &str = "var/lib/rancher/rke2/agent/pod-manifests/kube-controller-manager.yaml";
const KUBEADM_API: &str = "etc/kubernetes/manifests/kube-apiserver.yaml";

fn diff(old: &Path, new: &Path, extra: &[&str]) -> (i32, String, String) {
    let o = support::run(
        Command::new(support::kstig())
            .arg("diff")
            .args(extra)
            .arg(old)
            .arg(new)
            .env("NO_COLOR", "1"),
    );
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The lines of one host's section (after its title line, up to the blank line).
fn section<'a>(text: &'a str, host: &str) -> Vec<&'a str> {
    let mut lines = text.lines();
    for l in lines.by_ref() {
        if l == host {
            break;
        }
    }
    lines.take_while(|l| !l.is_empty()).collect()
}

#[test]
fn diff_shows_the_fixed_and_the_broken_rule_per_node() {
    let work = tempfile::tempdir().expect("tempdir");
    let w = work.path();
    let nodes = ["kubeadm-cp", "rke2-server"];
    for n in nodes {
        support::materialize(n, &w.join(n));
    }
    let collect_all = |dir: &str| -> Vec<std::path::PathBuf> {
        nodes
            .iter()
            .map(|n| support::collect(&w.join(n), &w.join(dir).join(n)))
            .collect()
    };

    let before = collect_all("bundles-1");
    let (code, out, err) = support::analyze(&before, &w.join("q1"), &["--quiet"]);
    assert_eq!(code, 3, "{out}{err}");

    // Fix: the controller manager manifest was 0664 (CNTR-K8-000900 Open).
    let cm = w.join("rke2-server").join(RKE2_CM);
    std::fs::set_permissions(&cm, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    // Break: the API server manifest now allows TLS 1.0 (CNTR-K8-000170).
    let api = w.join("kubeadm-cp").join(KUBEADM_API);
    let text = std::fs::read_to_string(&api).expect("read manifest");
    assert!(text.contains("--tls-min-version=VersionTLS12"));
    std::fs::write(
        &api,
        text.replace(
            "--tls-min-version=VersionTLS12",
            "--tls-min-version=VersionTLS10",
        ),
    )
    .expect("write manifest");

    let after = collect_all("bundles-2");
    let (code, out, err) = support::analyze(&after, &w.join("q2"), &["--quiet"]);
    assert_eq!(code, 3, "{out}{err}");

    let (code, text, err) = diff(&w.join("q1"), &w.join("q2"), &[]);
    assert_eq!(code, 3, "something became Open: exit 3\n{text}{err}");
    assert!(err.is_empty(), "{err}");
    let cp = section(&text, "k8s-cp-01");
    assert_eq!(cp.len(), 1, "{text}");
    assert!(
        cp[0].starts_with("  NEWLY OPEN  CAT II   CNTR-K8-000170  V-242378  NotAFinding -> Open"),
        "{text}"
    );
    let rke2 = section(&text, "rke2-server-01");
    assert_eq!(rke2.len(), 1, "{text}");
    assert!(
        rke2[0].starts_with("  FIXED       CAT II   CNTR-K8-000900  V-242408  Open -> NotAFinding"),
        "{text}"
    );
    let rollup = section(&text, "cluster (roll-up)");
    assert_eq!(rollup.len(), 2, "{text}");
    assert!(rollup[0].contains("NEWLY OPEN") && rollup[0].contains("CNTR-K8-000170"));
    assert!(rollup[1].contains("FIXED") && rollup[1].contains("CNTR-K8-000900"));
    assert!(
        text.contains(
            "nodes: 1 newly open, 1 fixed, 0 other change(s); 0 node(s) added, 0 removed\nroll-up: 1 newly open, 1 fixed, 0 other change(s)"
        ),
        "{text}"
    );

    // The same as JSON, for scripts; results.json paths work as well as folders.
    let (code, json, _) = diff(
        &w.join("q1/results.json"),
        &w.join("q2/results.json"),
        &["--json"],
    );
    assert_eq!(code, 3);
    let v: serde_json::Value = serde_json::from_str(&json).expect("diff --json");
    let hosts = v["hosts"].as_array().expect("hosts");
    let cp = hosts
        .iter()
        .find(|h| h["host"] == "k8s-cp-01")
        .expect("k8s-cp-01");
    assert_eq!(cp["changes"][0]["kind"], "newly_open");
    assert_eq!(cp["changes"][0]["old"], "not_a_finding");
    assert_eq!(cp["changes"][0]["new"], "open");

    // Nothing changed: exit 0. Back to the first state: the fix regresses.
    let (code, text, _) = diff(&w.join("q2"), &w.join("q2"), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("no change: k8s-cp-01, rke2-server-01, cluster (roll-up)"));
    let (code, text, _) = diff(&w.join("q2"), &w.join("q1"), &[]);
    assert_eq!(code, 3, "{text}");
    assert!(section(&text, "rke2-server-01")[0].contains("NEWLY OPEN"));

    // A node only in one analysis.
    let (code, text, _) = diff(&w.join("q1"), &w.join("q2-cp-only"), &[]);
    assert_eq!(
        code, 1,
        "missing folder is an error naming the file: {text}"
    );
    let only = vec![after[0].clone()];
    let (code, ..) = support::analyze(&only, &w.join("q2-cp-only"), &["--quiet"]);
    assert_eq!(code, 3);
    let (code, text, _) = diff(&w.join("q1"), &w.join("q2-cp-only"), &[]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.contains("rke2-server-01: REMOVED (not in NEW)"),
        "{text}"
    );
}

#[test]
fn diff_errors_name_the_file() {
    let work = tempfile::tempdir().expect("tempdir");
    let bad = work.path().join("results.json");
    std::fs::write(&bad, "{\"format\": \"something-else/9\"}").expect("write");
    let (code, _, err) = diff(&bad, &bad, &[]);
    assert_eq!(code, 1);
    assert!(err.contains(&bad.display().to_string()), "{err}");
    let missing = work.path().join("nowhere");
    let (code, _, err) = diff(&missing, &bad, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("nowhere/results.json") || err.contains("nowhere"),
        "{err}"
    );
}
