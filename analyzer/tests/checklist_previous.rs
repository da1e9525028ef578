//! `previous::read` on real third-party checklists (`shared/checklists/samples/`):
//! STIG Viewer 2.17 Kubernetes CKLs (VMware TKG), STIG Manager / Evaluate-STIG /
//! SAF CKLs, and every CKLB sample (including a multi-STIG one).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use analyzer::model::Status;
use analyzer::previous::{self, PreviousChecklist, PreviousError};

/// `shared/checklists/samples`: under `KSTIG_SHARED`, or the first `shared`
/// folder beside an ancestor of this crate (the steering repo, its worktrees
/// and CI keep it at `<workspace>/../shared`). `None` (tests skip, as the
/// benchmark loader's tests do) when there is none.
fn samples() -> Option<PathBuf> {
    let shared = match std::env::var("KSTIG_SHARED") {
        Ok(d) => Some(PathBuf::from(d)),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|a| a.join("shared"))
            .find(|d| d.join("checklists/samples").is_dir()),
    };
    match shared {
        Some(s) => Some(s.join("checklists/samples")),
        None => {
            eprintln!("shared/checklists/samples not found (set KSTIG_SHARED): skipping");
            None
        }
    }
}

fn read(dir: &Path, rel: &str) -> Vec<PreviousChecklist> {
    let path = dir.join(rel);
    previous::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn status_counts(c: &PreviousChecklist) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for e in &c.entries {
        let k = match e.status {
            Some(s) => s.as_snake(),
            None => "unknown",
        };
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// (file under samples/, expected host name, [(benchmark id, rule count)])
type Case = (&'static str, &'static str, &'static [(&'static str, usize)]);

fn counts(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
    pairs.iter().copied().collect()
}

#[test]
fn stig_viewer_2_kubernetes_control_plane() {
    let Some(dir) = samples() else {
        return;
    };
    let lists = read(&dir, "ckl/stigviewer2_vmware-tkg-k8s-cp.ckl");
    assert_eq!(lists.len(), 1);
    let c = &lists[0];
    assert_eq!(c.host_name, "", "STIG Viewer allows an empty HOST_NAME");
    assert_eq!(c.benchmark_id, "Kubernetes_STIG");
    assert!(c.is_kubernetes());
    assert!(c.source.ends_with("stigviewer2_vmware-tkg-k8s-cp.ckl"));
    assert_eq!(c.entries.len(), 95);
    assert_eq!(
        status_counts(c),
        counts(&[
            ("not_a_finding", 74),
            ("not_applicable", 5),
            ("not_reviewed", 6),
            ("open", 10)
        ])
    );

    let first = &c.entries[0];
    assert_eq!(first.vuln_id, "V-242376");
    assert_eq!(first.rule_id, "SV-242376r712484_rule");
    assert_eq!(first.stig_id, "CNTR-K8-000150");
    assert_eq!(first.status, Some(Status::NotAFinding));
    assert!(first
        .details
        .starts_with("passed\nFile /etc/kubernetes/manifests/kube-controller-manager.yaml"));
    assert_eq!(first.comments, "");
    assert_eq!(first.severity_override, "");

    let open = c
        .entries
        .iter()
        .find(|e| e.stig_id == "CNTR-K8-000360")
        .expect("CNTR-K8-000360");
    assert_eq!(open.status, Some(Status::Open));
    assert!(open
        .details
        .starts_with("failed\nFile /etc/kubernetes/manifests/kube-apiserver.yaml"));
    assert!(open
        .comments
        .starts_with("RBAC authorization is enabled on the API"));

    // Ids with stray spaces in the file (" V-254800 ") are trimmed.
    let spaced = c
        .entries
        .iter()
        .find(|e| e.stig_id == "CNTR-K8-002011")
        .expect("CNTR-K8-002011");
    assert_eq!(spaced.vuln_id, "V-254800");
    assert_eq!(spaced.rule_id, "SV-254800r864040_rule");

    let manual = c
        .entries
        .iter()
        .find(|e| e.stig_id == "CNTR-K8-000920")
        .expect("CNTR-K8-000920");
    assert_eq!(manual.status, Some(Status::NotReviewed));
    assert!(manual
        .details
        .starts_with("skipped\nKubernetes API Server: PPS"));
}

#[test]
fn stig_viewer_2_kubernetes_worker() {
    let Some(dir) = samples() else {
        return;
    };
    let lists = read(&dir, "ckl/stigviewer2_vmware-tkg-k8s-worker.ckl");
    assert_eq!(lists.len(), 1);
    let c = &lists[0];
    assert_eq!(c.benchmark_id, "Kubernetes_STIG");
    assert_eq!(c.entries.len(), 95);
    assert_eq!(
        status_counts(c),
        counts(&[("not_a_finding", 20), ("not_applicable", 71), ("open", 4)])
    );
    let sshd = c
        .entries
        .iter()
        .find(|e| e.vuln_id == "V-242393")
        .expect("V-242393");
    assert_eq!(sshd.stig_id, "CNTR-K8-000400");
    assert_eq!(sshd.status, Some(Status::Open));
    assert!(sshd.comments.starts_with("ssh access is required"));
    assert_eq!(c.entries[0].status, Some(Status::NotApplicable));
}

#[test]
fn other_ckl_samples() {
    let Some(dir) = samples() else {
        return;
    };
    let cases: [Case; 11] = [
        (
            "ckl/edge_smcm_no-releaseinfo-SID_DATA-element.ckl",
            "MyAsset",
            &[("RHEL_9_TRUNCATED", 1)],
        ),
        (
            "ckl/negative_saf_ckl_with_invalid_metadata.ckl",
            "valid",
            &[("Cisco_ASA_FW_STIG", 3)],
        ),
        (
            "ckl/negative_smcm_no-Host_Name-xml-element.ckl",
            "",
            &[("RHEL_9_TRUNCATED", 1)],
        ),
        (
            "ckl/saf_converted-rhel7_overrides.ckl",
            "",
            &[("disa_stig-el7", 4)],
        ),
        (
            "ckl/saf_small_ckl_overrides.ckl",
            "",
            &[("RHEL_9_STIG", 11)],
        ),
        (
            "ckl/smcm_Asset_a-VPN_TRUNCATED-V2R5.ckl",
            "Asset_aaaaaaaaaa",
            &[("VPN_TRUNCATED", 10)],
        ),
        (
            "ckl/smcm_Asset_a-multi-stig.ckl",
            "Asset_aaaaaaaaaa",
            &[
                ("RHEL_8_TRUNCATED", 10),
                ("RHEL_9_TRUNCATED", 10),
                ("VPN_TRUNCATED", 10),
            ],
        ),
        (
            // Evaluate-STIG output: starts with a UTF-8 BOM.
            "ckl/smcm_CA1294WK16078_Chrome_V2R8_20231211-125631.ckl",
            "CA1294WK16078",
            &[("Google_Chrome_Current_Windows", 43)],
        ),
        (
            "ckl/smcm_GoodStatistics.ckl",
            "Asset_aaaaaaaaaa",
            &[("VPN_TRUNCATED", 8)],
        ),
        (
            "ckl/smcm_TargetObjectMetaData.ckl",
            "MyAsset",
            &[("RHEL_9_TRUNCATED", 1)],
        ),
        (
            "ckl/stigman-export_STIG-Manager-OSS.ckl",
            "STIG-Manager-OSS",
            &[("Application_Security_Development_STIG", 286)],
        ),
    ];
    for (file, host, stigs) in cases {
        let lists = read(&dir, file);
        let got: Vec<(&str, usize)> = lists
            .iter()
            .map(|c| (c.benchmark_id.as_str(), c.entries.len()))
            .collect();
        assert_eq!(got, stigs.to_vec(), "{file}");
        for c in &lists {
            assert_eq!(c.host_name, host, "{file}");
            assert!(!c.is_kubernetes(), "{file}");
            assert!(
                c.entries
                    .iter()
                    .all(|e| e.status.is_some() && !e.rule_id.is_empty()),
                "{file}"
            );
        }
    }
}

#[test]
fn broken_ckl_samples_are_refused_with_the_file_name() {
    let Some(dir) = samples() else {
        return;
    };
    let path = dir.join("ckl/smcm_all-possible-results.ckl");
    let err = previous::read(&path).expect_err("not well-formed");
    assert!(matches!(err, PreviousError::Xml { .. }), "{err}");
    assert!(
        err.to_string().contains("smcm_all-possible-results.ckl"),
        "{err}"
    );

    let path = dir.join("ckl/negative_smcm_no-checklist-xml-element.ckl");
    let err = previous::read(&path).expect_err("no CHECKLIST");
    assert!(matches!(err, PreviousError::NotAChecklist { .. }), "{err}");
    assert!(err.to_string().contains("NOTYACHECKLIST"), "{err}");

    let missing = dir.join("ckl/does-not-exist.ckl");
    let err = previous::read(&missing).expect_err("missing");
    assert!(matches!(err, PreviousError::Io { .. }), "{err}");
    assert!(err.to_string().contains("does-not-exist.ckl"), "{err}");
}

#[test]
fn cklb_samples() {
    let Some(dir) = samples() else {
        return;
    };
    let cases: [Case; 7] = [
        (
            "cklb/negative_smcm_NoTargetHostName.cklb",
            "",
            &[("VPN_TRUNCATED", 1)],
        ),
        (
            "cklb/smcm_Asset_a-VPN_TRUNCATED-V2R5.cklb",
            "Asset_aaaaaaaaaa",
            &[("VPN_TRUNCATED", 10)],
        ),
        (
            "cklb/smcm_Asset_a-multi-stig.cklb",
            "Asset_aaaaaaaaaa",
            &[
                ("RHEL_8_TRUNCATED", 10),
                ("RHEL_9_TRUNCATED", 10),
                ("VPN_TRUNCATED", 10),
            ],
        ),
        (
            "cklb/smcm_CA1294WK16078_Chrome_V2R8_20231211-125633Trimmed.cklb",
            "CA1294WK16078",
            &[("Google_Chrome_Current_Windows", 2)],
        ),
        (
            "cklb/smcm_GoodStatistics.cklb",
            "Asset",
            &[("VPN_TRUNCATED", 8)],
        ),
        (
            "cklb/smcm_TargetObjectMetaData.cklb",
            "Asset",
            &[("VPN_TRUNCATED", 1)],
        ),
        (
            "cklb/smcm_all-possible-results.cklb",
            "Asset",
            &[("VPN_TRUNCATED", 4)],
        ),
    ];
    for (file, host, stigs) in cases {
        let lists = read(&dir, file);
        let got: Vec<(&str, usize)> = lists
            .iter()
            .map(|c| (c.benchmark_id.as_str(), c.entries.len()))
            .collect();
        assert_eq!(got, stigs.to_vec(), "{file}");
        for c in &lists {
            assert_eq!(c.host_name, host, "{file}");
            assert!(c.entries.iter().all(|e| e.status.is_some()), "{file}");
        }
    }

    let multi = read(&dir, "cklb/smcm_Asset_a-multi-stig.cklb");
    let vpn = &multi[2];
    assert_eq!(
        status_counts(vpn).keys().copied().collect::<Vec<_>>(),
        vec!["not_a_finding", "not_applicable", "not_reviewed", "open"]
    );
    assert!(vpn
        .entries
        .iter()
        .all(|e| e.rule_id.starts_with("SV-") && e.rule_id.ends_with("_rule")));

    let err = previous::read(&dir.join("cklb/negative_smcm_NoStigsArray.cklb"))
        .expect_err("no stigs array");
    assert!(matches!(err, PreviousError::NotAChecklist { .. }), "{err}");
    assert!(
        err.to_string().contains("negative_smcm_NoStigsArray.cklb"),
        "{err}"
    );
}

#[test]
fn oversized_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.ckl");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(previous::MAX_CHECKLIST_BYTES + 1)
        .expect("sparse file");
    let err = previous::read(&path).expect_err("too large");
    assert!(matches!(err, PreviousError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("big.ckl"), "{err}");
}
