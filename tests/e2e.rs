//! End to end through the real binaries: sample node trees → `kstig-collect`
//! → signed bundles → `kstig verify` / `kstig analyze` → results.json and
//! checklists, read back and checked against the expected verdicts.

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::*;

/// The four sample bundles; the control plane carries the sample cluster dump.
fn bundles() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static B: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut out = Vec::new();
        for node in NODES {
            let root = dir.path().join(format!("{node}-root"));
            materialize(node, &root);
            let bdir = dir.path().join(format!("{node}-bundle"));
            std::fs::create_dir_all(&bdir).expect("mkdir");
            let mut cmd = Command::new(collector());
            cmd.arg("--key")
                .arg(signing_key())
                .arg("--out")
                .arg(&bdir)
                .arg("--root")
                .arg(&root);
            if node == "kubeadm-cp" {
                cmd.arg("--cluster-json")
                    .arg(repo().join("samples/cluster/kubeadm-cluster.json"));
            } else {
                cmd.arg("--no-cluster");
            }
            let o = run(cmd.env("SOURCE_DATE_EPOCH", EPOCH));
            assert!(
                o.status.success(),
                "collect {node}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let b = std::fs::read_dir(&bdir)
                .expect("list")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.to_string_lossy().ends_with(".kstig.tar.gz"))
                .expect("bundle written");
            out.push(b);
        }
        (dir, out)
    })
}

/// One analysis of all four samples with the built-in catalogue.
fn analysis() -> &'static (tempfile::TempDir, serde_json::Value) {
    static A: OnceLock<(tempfile::TempDir, serde_json::Value)> = OnceLock::new();
    A.get_or_init(|| {
        let out = tempfile::tempdir().expect("tempdir");
        let (code, stdout, stderr) = analyze(&bundles().1, out.path(), &["--quiet"]);
        assert_eq!(
            code, 3,
            "open findings exist in the samples: {stdout}{stderr}"
        );
        let doc = read_json(&out.path().join("results.json"));
        (out, doc)
    })
}

fn statuses(node: &serde_json::Value) -> BTreeMap<String, String> {
    node["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                r["stig_id"].as_str().expect("id").to_string(),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

#[test]
fn sample_verdicts_match_the_reviewed_expectations() {
    let (_, doc) = analysis();
    assert_eq!(doc["format"], "kstig-results/1");
    assert_eq!(doc["benchmark"]["rule_count"], 92);
    let nodes = doc["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    let mut mismatches = Vec::new();
    for n in nodes {
        let host = n["host"].as_str().expect("host");
        let expected_text =
            std::fs::read_to_string(repo().join(format!("tests/expected/{host}.tsv")))
                .unwrap_or_else(|e| panic!("tests/expected/{host}.tsv: {e}"));
        let expected: BTreeMap<String, String> = expected_text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let got = statuses(n);
        assert_eq!(got.len(), 92, "{host}: every V2R6 rule has a verdict");
        for (id, want) in &expected {
            let have = got.get(id).map(String::as_str).unwrap_or("missing");
            if have != want {
                let details = n["rules"]
                    .as_array()
                    .and_then(|rs| rs.iter().find(|r| r["stig_id"] == id.as_str()))
                    .map(|r| r["details"].as_str().unwrap_or("").to_string())
                    .unwrap_or_default();
                mismatches.push(format!(
                    "{host} {id}: expected {want}, got {have}\n    {details}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "verdicts changed:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn planted_findings_are_open_with_evidence() {
    let (_, doc) = analysis();
    let find = |host: &str, id: &str| -> serde_json::Value {
        doc["nodes"]
            .as_array()
            .and_then(|ns| ns.iter().find(|n| n["host"] == host))
            .and_then(|n| n["rules"].as_array())
            .and_then(|rs| rs.iter().find(|r| r["stig_id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("{host} {id}"))
    };
    // Finding details name the evidence: file and line, pid, mode and owner.
    let r = find("k8s-cp-01", "CNTR-K8-000910");
    assert_eq!(r["status"], "open");
    assert!(r["details"]
        .as_str()
        .unwrap()
        .contains("/etc/kubernetes/manifests/kube-controller-manager.yaml"));
    let r = find("k8s-worker-01", "CNTR-K8-000330");
    assert_eq!(r["status"], "open");
    assert!(
        r["details"]
            .as_str()
            .unwrap()
            .contains("--read-only-port=0 (pid 1108"),
        "{}",
        r["details"]
    );
    let r = find("k8s-worker-01", "CNTR-K8-003230");
    assert!(
        r["details"].as_str().unwrap().contains("0664"),
        "{}",
        r["details"]
    );
    let r = find("k8s-cp-01", "CNTR-K8-003180");
    assert!(
        r["details"]
            .as_str()
            .unwrap()
            .contains("healthcheck-client.key"),
        "{}",
        r["details"]
    );
    // Every Open rule carries a comment; every rule carries details.
    for n in doc["nodes"].as_array().unwrap() {
        for r in n["rules"].as_array().unwrap() {
            assert!(
                !r["details"].as_str().unwrap().is_empty(),
                "{} {}",
                n["host"],
                r["stig_id"]
            );
        }
    }
    // Drift between the running API server and its manifest is reported.
    let cp = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["host"] == "k8s-cp-01")
        .unwrap();
    assert!(
        cp["drift"].to_string().contains("--profiling"),
        "{}",
        cp["drift"]
    );
}

#[test]
fn manifests_validate_against_the_published_schema() {
    let schema: serde_json::Value = read_json(&repo().join("schemas/bundle-manifest.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for b in &bundles().1 {
        let bytes = std::fs::read(b).expect("read");
        let gz = flate2::read::GzDecoder::new(bytes.as_slice());
        let mut ar = tar::Archive::new(gz);
        let mut manifest = None;
        for e in ar.entries().expect("entries") {
            let mut e = e.expect("entry");
            if e.path().expect("path").to_string_lossy() == "manifest.json" {
                let mut s = String::new();
                e.read_to_string(&mut s).expect("read");
                manifest = Some(s);
            }
        }
        let m: serde_json::Value =
            serde_json::from_str(&manifest.expect("manifest")).expect("json");
        let errors: Vec<String> = validator
            .iter_errors(&m)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", b.display());
    }
}

/// Rewrite a bundle's tar entries through `edit` (a hostile courier).
fn tamper(src: &Path, dst: &Path, edit: impl Fn(&mut Vec<(String, Vec<u8>)>)) {
    let bytes = std::fs::read(src).expect("read");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut entries: Vec<(String, Vec<u8>)> = ar
        .entries()
        .expect("entries")
        .map(|e| {
            let mut e = e.expect("entry");
            let name = e.path().expect("path").to_string_lossy().into_owned();
            let mut d = Vec::new();
            e.read_to_end(&mut d).expect("read");
            (name, d)
        })
        .collect();
    edit(&mut entries);
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, data) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data.as_slice())
            .expect("append");
    }
    std::fs::write(dst, b.into_inner().expect("tar").finish().expect("gz")).expect("write");
}

#[test]
fn tampered_bundles_fail_verification_with_a_reason() {
    let good = &bundles().1[0];
    let dir = tempfile::tempdir().expect("tempdir");
    type Edit = Box<dyn Fn(&mut Vec<(String, Vec<u8>)>)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "member-byte",
            Box::new(|es| {
                let e = es
                    .iter_mut()
                    .find(|(n, _)| n.ends_with("kube-apiserver.yaml"))
                    .expect("member");
                e.1[10] ^= 0x20;
            }),
            "SHA-256 mismatch",
        ),
        (
            "manifest-byte",
            Box::new(|es| {
                let m = &mut es[0].1;
                let i = m.iter().position(|b| *b == b'k').expect("a k");
                m[i] = b'K';
            }),
            "does not verify with any trusted key",
        ),
        (
            "added",
            Box::new(|es| es.push(("evidence/files/etc/extra.conf".into(), b"x".to_vec()))),
            "not listed in the manifest",
        ),
        (
            "removed",
            Box::new(|es| {
                let i = es
                    .iter()
                    .position(|(n, _)| n.ends_with("kube-apiserver.yaml"))
                    .expect("member");
                es.remove(i);
            }),
            "missing from the archive",
        ),
    ];
    let mut paths = Vec::new();
    for (name, edit, _) in &cases {
        let p = dir.path().join(format!("{name}.kstig.tar.gz"));
        tamper(good, &p, edit);
        paths.push(p);
    }
    let out = run(Command::new(kstig())
        .arg("verify")
        .arg("--trust")
        .arg(signing_pub())
        .arg(good)
        .args(&paths));
    assert_eq!(out.status.code(), Some(4));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("OK "), "{text}");
    for ((name, _, why), line) in cases.iter().zip(&lines[1..]) {
        assert!(
            line.starts_with("FAILED") && line.contains(name) && line.contains(why),
            "{name}: {line}"
        );
    }
    // The right bundle with the wrong key.
    let out = run(Command::new(kstig())
        .arg("verify")
        .arg("--trust")
        .arg(other_pub())
        .arg(good));
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not verify with any trusted key"));
    // Analyze refuses them too, and still analyzes the good one.
    let o = tempfile::tempdir().expect("tempdir");
    let mut all = vec![good.clone()];
    all.extend(paths);
    let (code, _, stderr) = analyze(&all, o.path(), &["--quiet"]);
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stderr.matches("refused:").count(), 4, "{stderr}");
    let doc = read_json(&o.path().join("results.json"));
    assert_eq!(doc["nodes"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["refused"].as_array().map(Vec::len), Some(4));
}

#[test]
fn identical_input_gives_identical_outputs() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    analyze(&bundles().1, a.path(), &["--quiet"]);
    analyze(&bundles().1, b.path(), &["--quiet"]);
    let mut names: Vec<String> = std::fs::read_dir(a.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "{names:?}");
    for n in names {
        let x = std::fs::read(a.path().join(&n)).expect("read");
        let y = std::fs::read(b.path().join(&n)).expect("read");
        assert!(x == y, "{n} differs between identical runs");
    }
}

#[test]
fn checklists_read_back_as_the_results_say() {
    let (out, doc) = analysis();
    for n in doc["nodes"].as_array().expect("nodes") {
        let host = n["host"].as_str().expect("host");
        let want = statuses(n);
        for ext in ["ckl", "cklb"] {
            let path = out.path().join(format!("{host}.{ext}"));
            let cls = analyzer::previous::read(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(cls.len(), 1, "{}", path.display());
            assert_eq!(cls[0].host_name, host);
            assert_eq!(cls[0].entries.len(), want.len(), "{}", path.display());
            for e in &cls[0].entries {
                let got = e.status.map(|s| s.as_snake()).unwrap_or("none");
                assert_eq!(
                    Some(&got.to_string()),
                    want.get(&e.stig_id),
                    "{} {}",
                    path.display(),
                    e.stig_id
                );
            }
        }
        let xccdf =
            std::fs::read_to_string(out.path().join(format!("{host}.xccdf.xml"))).expect("xccdf");
        let fails = xccdf.matches("<result>fail</result>").count();
        let open = want.values().filter(|s| *s == "open").count();
        assert_eq!(fails, open, "{host}: XCCDF fail count");
    }
    let cluster = analyzer::previous::read(&out.path().join("cluster.ckl")).expect("cluster.ckl");
    assert_eq!(cluster[0].entries.len(), 92);
}

/// The XSDs the importers apply, when xmllint is installed (tests/run.sh installs it).
#[test]
fn checklists_validate_against_the_disa_and_nist_schemas() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared not found");
        return;
    };
    if Command::new("xmllint").arg("--version").output().is_err() {
        eprintln!("skipped: xmllint not installed");
        return;
    }
    let (out, _) = analysis();
    for entry in std::fs::read_dir(out.path()).expect("list") {
        let p = entry.expect("entry").path();
        let name = p.to_string_lossy().into_owned();
        let schema = if name.ends_with(".ckl") {
            shared.join("schemas/checklist/U_Checklist_Schema_V2.xsd")
        } else if name.ends_with(".xccdf.xml") {
            shared.join("schemas/xccdf/1.2/xccdf_1.2.xsd")
        } else {
            continue;
        };
        let o = run(Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(&schema)
            .arg(&p));
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// The importers' own parsers (STIG Manager, SAF, OpenSCAP) on checklists
/// written with DISA's benchmark. Runs when KSTIG_CLIENTS is set (tests/run.sh does).
#[test]
fn importers_accept_the_sample_checklists() {
    let (Some(shared), Ok(_clients)) = (shared(), std::env::var("KSTIG_CLIENTS")) else {
        eprintln!("skipped: KSTIG_CLIENTS or ../shared not available");
        return;
    };
    let bench = shared.join("stig/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml");
    let out = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = analyze(
        &bundles().1,
        out.path(),
        &["--quiet", "--benchmark", &bench.to_string_lossy()],
    );
    assert_eq!(code, 3, "{stderr}");
    let files: Vec<PathBuf> = std::fs::read_dir(out.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".ckl") || n.ends_with(".cklb") || n.ends_with(".xccdf.xml")
        })
        .collect();
    assert_eq!(files.len(), 15);
    let o = run(Command::new("bash")
        .arg(shared.join("checklists/tools/check-outputs.sh"))
        .arg("--strict")
        .arg("--benchmark")
        .arg(&bench)
        .args(&files));
    assert!(
        o.status.success(),
        "check-outputs.sh --strict failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // With the benchmark, the checklists carry exactly its 91 rules and its Rule IDs.
    let doc = read_json(&out.path().join("results.json"));
    assert_eq!(doc["benchmark"]["rule_count"], 91);
    let cl = analyzer::previous::read(&out.path().join("k8s-cp-01.ckl")).expect("ckl");
    assert!(cl[0]
        .entries
        .iter()
        .any(|e| e.rule_id == "SV-242376r879519_rule"));
}

#[test]
fn rules_command_prints_coverage_for_every_disa_benchmark() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared not found");
        return;
    };
    for (file, total) in [
        ("U_Kubernetes_STIG_V1R9_Manual-xccdf.xml", 95),
        ("U_Kubernetes_STIG_V1R11_Manual-xccdf.xml", 91),
        ("U_Kubernetes_V1R11_STIG.zip", 91),
        ("U_Kubernetes_V2R1_STIG_SCAP_1-3_Benchmark.xml", 63),
    ] {
        let o = run(Command::new(kstig())
            .args(["rules", "--benchmark"])
            .arg(shared.join("stig").join(file)));
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout);
        let last = text.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("Coverage: ") && last.contains(&format!("/{total} rules")),
            "{file}: {last}"
        );
    }
}

/// STIG Viewer 2.17 checklists of a real (VMware TKG) cluster name no host:
/// `--previous HOST=FILE` says which node they belong to, and the assessor's
/// manual entries come forward.
#[test]
fn previous_stig_viewer_checklists_carry_manual_entries() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared not found");
        return;
    };
    let tkg = shared.join("checklists/samples/ckl/stigviewer2_vmware-tkg-k8s-cp.ckl");
    let earlier = analyzer::previous::read(&tkg).expect("read TKG checklist");
    let by_id: BTreeMap<String, &analyzer::previous::PreviousEntry> = earlier[0]
        .entries
        .iter()
        .map(|e| (e.stig_id.clone(), e))
        .collect();
    // Without HOST= the file is refused: it names no host.
    let out = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = analyze(
        &bundles().1,
        out.path(),
        &["--quiet", "--previous", &tkg.to_string_lossy()],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("names no host"), "{stderr}");
    let arg = format!("k8s-cp-01={}", tkg.display());
    let (code, _, stderr) = analyze(&bundles().1, out.path(), &["--quiet", "--previous", &arg]);
    assert_eq!(code, 3, "{stderr}");
    let doc = read_json(&out.path().join("results.json"));
    let cp = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["host"] == "k8s-cp-01")
        .unwrap();
    let mut carried_comments = 0;
    for r in cp["rules"].as_array().unwrap() {
        let id = r["stig_id"].as_str().unwrap();
        let Some(prev) = by_id.get(id) else { continue };
        let comments = r["comments"].as_str().unwrap();
        let first_line = prev.comments.lines().next().unwrap_or("").trim();
        if !first_line.is_empty() {
            assert!(
                comments.contains(first_line),
                "{id}: assessor comment not carried: {comments}"
            );
            carried_comments += 1;
        }
        // A manual status is taken only where kstig cannot decide; an automated
        // verdict is never silently replaced: the comment records the earlier one.
        if let (Some(p), false) = (prev.status, r["status"] == "not_reviewed") {
            if p.as_snake() != r["status"].as_str().unwrap()
                && !r["details"].as_str().unwrap().contains("carried forward")
            {
                assert!(
                    comments.contains(&format!("had {}", p.as_ckl())),
                    "{id}: {comments}"
                );
            }
        }
    }
    assert!(
        carried_comments >= 5,
        "only {carried_comments} assessor comments carried"
    );
    // TKG's assessor marked the anonymous-auth rule Open with a comment; this node
    // passes it, so kstig's verdict stands and the comment says what was there before.
    let r = cp["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stig_id"] == "CNTR-K8-000360")
        .unwrap();
    assert_eq!(r["status"], "not_a_finding");
    let c = r["comments"].as_str().unwrap();
    assert!(
        c.contains("had Open") && c.contains("automated verdict NotAFinding stands"),
        "{c}"
    );
}

/// The assessor edits a Not_Reviewed rule in the .ckl; the next analysis with
/// `--previous` keeps the edit.
#[test]
fn round_trip_edit_in_ckl_survives_reanalysis() {
    let first = tempfile::tempdir().expect("tempdir");
    let (code, _, _) = analyze(&bundles().1, first.path(), &["--quiet"]);
    assert_eq!(code, 3);
    let ckl_path = first.path().join("k8s-cp-01.ckl");
    let ckl = std::fs::read_to_string(&ckl_path).expect("ckl");
    // CNTR-K8-000920 (PPSM ports) is manual: Not_Reviewed. Edit its VULN.
    let at = ckl
        .find("<ATTRIBUTE_DATA>CNTR-K8-000920</ATTRIBUTE_DATA>")
        .expect("rule in ckl");
    let status_at = at
        + ckl[at..]
            .find("<STATUS>Not_Reviewed</STATUS>")
            .expect("NR status");
    let comments_at = at + ckl[at..].find("<COMMENTS>").expect("comments");
    let comments_end = comments_at + ckl[comments_at..].find("</COMMENTS>").expect("end");
    let mut edited = String::new();
    edited.push_str(&ckl[..status_at]);
    edited.push_str("<STATUS>NotAFinding</STATUS>");
    edited.push_str(&ckl[status_at + "<STATUS>Not_Reviewed</STATUS>".len()..comments_at]);
    edited.push_str(
        "<COMMENTS>Ports match the PPSM registration &amp; SSP rev 4 (J. Doe).</COMMENTS>",
    );
    edited.push_str(&ckl[comments_end + "</COMMENTS>".len()..]);
    let prev_dir = tempfile::tempdir().expect("tempdir");
    let prev = prev_dir.path().join("k8s-cp-01.ckl");
    std::fs::write(&prev, edited).expect("write");
    let second = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = analyze(
        &bundles().1,
        second.path(),
        &["--quiet", "--previous", &prev.to_string_lossy()],
    );
    assert_eq!(code, 3, "{stderr}");
    let cl = analyzer::previous::read(&second.path().join("k8s-cp-01.ckl")).expect("ckl");
    let e = cl[0]
        .entries
        .iter()
        .find(|e| e.stig_id == "CNTR-K8-000920")
        .expect("entry");
    assert_eq!(e.status, Some(analyzer::model::Status::NotAFinding));
    assert!(
        e.comments
            .contains("Ports match the PPSM registration & SSP rev 4 (J. Doe)."),
        "{}",
        e.comments
    );
    // A third run carrying the second's checklist keeps it once, not twice.
    let third = tempfile::tempdir().expect("tempdir");
    let p2 = second.path().join("k8s-cp-01.ckl");
    analyze(
        &bundles().1,
        third.path(),
        &["--quiet", "--previous", &p2.to_string_lossy()],
    );
    let cl = analyzer::previous::read(&third.path().join("k8s-cp-01.ckl")).expect("ckl");
    let e = cl[0]
        .entries
        .iter()
        .find(|e| e.stig_id == "CNTR-K8-000920")
        .expect("entry");
    assert_eq!(
        e.comments.matches("Ports match").count(),
        1,
        "{}",
        e.comments
    );
}

/// Evidence full of XML/JSON metacharacters and bytes that are not UTF-8
/// must not break any output.
#[test]
fn metacharacters_and_bad_bytes_never_break_the_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("root");
    materialize("kubeadm-worker", &root);
    // A hostile kubelet command line and hostname.
    let cmdline = b"/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--node-labels=a<b>&c]]>\"'\x01\x1b[31m\xff\xfe\0--hostname-override=<x>&]]>\0";
    std::fs::write(root.join("proc/1108/cmdline"), cmdline).expect("write");
    std::fs::write(root.join("proc/sys/kernel/hostname"), "w<&>\"'1\n").expect("write");
    let mut cfg = std::fs::read_to_string(root.join("var/lib/kubelet/config.yaml")).expect("cfg");
    cfg.push_str("# ]]> <!-- & \u{1} -->\nstaticPodPath: \"/etc/k<&>]]>\"\n");
    std::fs::write(root.join("var/lib/kubelet/config.yaml"), cfg).expect("write");
    let bdir = dir.path().join("b");
    let bundle = collect(&root, &bdir);
    let out = dir.path().join("out");
    let (code, _, stderr) = analyze(&[bundle], &out, &["--quiet"]);
    assert_eq!(code, 3, "{stderr}");
    let mut checked = 0;
    for entry in std::fs::read_dir(&out).expect("list") {
        let p = entry.expect("entry").path();
        let name = p.to_string_lossy().into_owned();
        assert!(p.parent() == Some(out.as_path()));
        if name.ends_with(".ckl") || name.ends_with(".cklb") {
            let cl = analyzer::previous::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!cl[0].entries.is_empty());
            checked += 1;
        }
        if name.ends_with(".xccdf.xml") || name.ends_with(".ckl") {
            let text = std::fs::read_to_string(&p).expect("utf-8");
            assert!(
                !text.chars().any(|c| c == '\u{1}' || c == '\u{1b}'),
                "{name}: raw control char"
            );
            if let Some(shared) = shared() {
                if Command::new("xmllint").arg("--version").output().is_ok() {
                    let schema = if name.ends_with(".ckl") {
                        shared.join("schemas/checklist/U_Checklist_Schema_V2.xsd")
                    } else {
                        shared.join("schemas/xccdf/1.2/xccdf_1.2.xsd")
                    };
                    let o = run(Command::new("xmllint")
                        .args(["--noout", "--nonet", "--schema"])
                        .arg(&schema)
                        .arg(&p));
                    assert!(
                        o.status.success(),
                        "{name}: {}",
                        String::from_utf8_lossy(&o.stderr)
                    );
                }
            }
        }
    }
    assert_eq!(checked, 4);
    let doc = read_json(&out.join("results.json"));
    let text = doc.to_string();
    assert!(
        text.contains("<x>&]]>"),
        "the hostile flag value is shown as evidence: {text}"
    );
}

#[test]
fn answers_record_decisions_for_manual_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let answers = dir.path().join("answers.yaml");
    std::fs::write(
        &answers,
        "answers:\n- stig_id: CNTR-K8-000920\n  status: not_a_finding\n  justification: Ports registered in PPSM (ticket 42).\n  author: ISSO J. Doe\n  date: 2026-11-01\n  hosts: ['k8s-cp-*']\n- stig_id: CNTR-K8-000930\n  status: not_a_finding\n  justification: expired decision\n  author: ISSO J. Doe\n  date: 2025-01-01\n  expires: 2025-06-01\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let (code, _, stderr) = analyze(
        &bundles().1,
        &out,
        &["--quiet", "--answers", &answers.to_string_lossy()],
    );
    assert_eq!(code, 3, "{stderr}");
    let doc = read_json(&out.join("results.json"));
    let rule = |host: &str, id: &str| -> serde_json::Value {
        doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["host"] == host)
            .unwrap()["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stig_id"] == id)
            .unwrap()
            .clone()
    };
    let r = rule("k8s-cp-01", "CNTR-K8-000920");
    assert_eq!(r["status"], "not_a_finding");
    assert!(r["comments"].as_str().unwrap().contains("ISSO J. Doe"));
    assert_eq!(
        rule("rke2-server-01", "CNTR-K8-000920")["status"],
        "not_reviewed",
        "host pattern"
    );
    let r = rule("k8s-cp-01", "CNTR-K8-000930");
    assert_eq!(r["status"], "not_reviewed");
    assert!(
        r["details"].as_str().unwrap().contains("expired"),
        "{}",
        r["details"]
    );
    // Bound to the evidence: the hash results.json shows applies; a stale one does not.
    let hash = rule("k8s-cp-01", "CNTR-K8-000940")["evidence_sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(hash.len(), 64);
    std::fs::write(
        &answers,
        format!(
            "answers:\n- stig_id: CNTR-K8-000940\n  status: not_a_finding\n  justification: bound\n  author: A\n  date: 2026-11-01\n  hosts: k8s-cp-01\n  evidence_sha256: '{hash}'\n- stig_id: CNTR-K8-000950\n  status: not_a_finding\n  justification: stale\n  author: A\n  date: 2026-11-01\n  hosts: k8s-cp-01\n  evidence_sha256: '{}'\n",
            "0".repeat(64)
        ),
    )
    .expect("write");
    let out3 = dir.path().join("out3");
    let (code, _, stderr) = analyze(
        &bundles().1,
        &out3,
        &["--quiet", "--answers", &answers.to_string_lossy()],
    );
    assert_eq!(code, 3, "{stderr}");
    let doc3 = read_json(&out3.join("results.json"));
    let cp3 = doc3["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["host"] == "k8s-cp-01")
        .unwrap()
        .clone();
    let r3 = |id: &str| {
        cp3["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stig_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(r3("CNTR-K8-000940")["status"], "not_a_finding");
    assert_eq!(r3("CNTR-K8-000950")["status"], "not_reviewed");
    assert!(r3("CNTR-K8-000950")["details"]
        .as_str()
        .unwrap()
        .contains("evidence changed"));
    // A malformed answers file: clear error naming it, no output written.
    std::fs::write(
        &answers,
        "answers:\n- stig_id: CNTR-K8-000920\n  status: closed\n",
    )
    .expect("write");
    let out2 = dir.path().join("out2");
    let (code, _, stderr) = analyze(
        &bundles().1,
        &out2,
        &["--quiet", "--answers", &answers.to_string_lossy()],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("answers.yaml"), "{stderr}");
    assert!(!out2.join("results.json").exists());
}
