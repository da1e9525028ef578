//! The three checklist writers against the importers' own rules.
//!
//! Always: write CKL, CKLB and XCCDF for an assessment with all four statuses,
//! hostile text (`<&]]>"'`, control characters, CRLF, 40k characters), then
//! - read the CKL/CKLB back with `previous::read` (status, details, comments,
//!   severity override per rule);
//! - validate the CKL and XCCDF with `xmllint --schema` (when xmllint and the
//!   schemas in `shared/schemas` are present) and the CKLB with the
//!   `jsonschema` crate against DISA's CKLB 1.0 schema;
//! - check determinism (same input, same bytes).
//!
//! With `KSTIG_CLIENTS=DIR` (clients installed by
//! `shared/checklists/tools/install-clients.sh --dir DIR`): run
//! `check-outputs.sh --strict --benchmark U_Kubernetes_STIG_V1R11_Manual-xccdf.xml`
//! (STIG Manager's parsers and import planner, MITRE SAF, OpenSCAP) on the files.
//!
//! The rules are 5 real rules of the Kubernetes STIG V1R11, copied into
//! `checklist_v1r11_rules.json` (the benchmark loader is tested elsewhere).

use std::path::{Path, PathBuf};
use std::process::Command;

use analyzer::checklist::{entries, Generated};
use analyzer::model::{Assessment, BenchmarkInfo, RuleResult, RuleText, Status, Target};
use analyzer::{ckl, cklb, previous, xccdf};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    info: BenchmarkInfo,
    rules: Vec<RuleText>,
}

fn fixture() -> Fixture {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checklist_v1r11_rules.json");
    let text = std::fs::read_to_string(&path).expect("read fixture");
    serde_json::from_str(&text).expect("parse fixture")
}

/// `shared/` (schemas, harness, DISA benchmark): `KSTIG_SHARED`, or the first
/// `shared` folder beside an ancestor of this crate (the steering layout).
fn shared_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("KSTIG_SHARED") {
        return Some(PathBuf::from(d));
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().map(|a| a.join("shared")).find(|d| {
        d.join("schemas/checklist/U_Checklist_Schema_V2.xsd")
            .is_file()
    })
}

const HOSTILE: &str = "tag <b>&amp; ]]> \"double\" 'single' \u{1}\u{8}\u{b}\u{c}\u{1b}\u{7f} \u{fffe}\u{ffff} tab\there\r\nCRLF\rCR é 😀 \u{fffd}";

fn result(rule: &RuleText, status: Status, details: &str, comments: &str) -> RuleResult {
    RuleResult {
        stig_id: rule.stig_id.clone(),
        vuln_id: rule.vuln_id.clone(),
        rule_id: rule.rule_id.clone(),
        severity: rule.severity.clone(),
        status,
        details: details.to_string(),
        comments: comments.to_string(),
        severity_override: String::new(),
        severity_justification: String::new(),
    }
}

fn assessment(rules: &[RuleText]) -> Assessment {
    let target = Target {
        host_name: "k8s-cp-01".into(),
        fqdn: "k8s-cp-01.cluster.local".into(),
        ip_addresses: vec!["10.0.0.11".into(), "fd00::11".into(), "not-an-ip".into()],
        mac_addresses: vec!["52:54:00:12:34:56".into(), "bad".into()],
        role: "control-plane".into(),
        bundle_id: "sha256:3f1a9c0e".into(),
        signer_fingerprint: "SHA256:Zm9vYmFy".into(),
        collected: "2026-11-27T09:14:02Z".into(),
        comment: format!("assessor note: {HOSTILE}"),
        facts: vec![
            ("os".into(), "Ubuntu 22.04.4 LTS".into()),
            ("kernel".into(), "5.15.0-105-generic".into()),
            ("user".into(), "root".into()),
        ],
        untrusted: false,
    };
    let long = format!("{}\n{}", HOSTILE, "x".repeat(40_000));
    let mut results = vec![
        result(
            &rules[0],
            Status::NotAFinding,
            "/etc/kubernetes/manifests/kube-controller-manager.yaml: --tls-min-version=VersionTLS12",
            "",
        ),
        result(
            &rules[1],
            Status::Open,
            &format!("service accounts: {HOSTILE}"),
            &format!("Set --use-service-account-credentials=true. {HOSTILE}"),
        ),
        result(
            &rules[2],
            Status::NotApplicable,
            "no anonymous auth on this node",
            "",
        ),
        result(&rules[3], Status::NotReviewed, "needs a manual review", ""),
        // Open without a comment (the writer supplies one), long details.
        result(&rules[4], Status::Open, &long, ""),
    ];
    results[2].severity_override = "low".into();
    results[2].severity_justification = format!("mitigated: {HOSTILE}");
    Assessment { target, results }
}

fn generated() -> Generated {
    Generated {
        tool_version: "0.1.0".into(),
        time: "2026-11-27T09:14:03Z".into(),
        marking: "CUI".into(),
    }
}

struct Written {
    _dir: tempfile::TempDir,
    ckl: PathBuf,
    cklb: PathBuf,
    xccdf: PathBuf,
}

fn write_all(f: &Fixture, a: &Assessment, g: &Generated) -> Written {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = "k8s-cp-01_Kubernetes_STIG_V1R11";
    let ckl_path = dir.path().join(format!("{base}.ckl"));
    let cklb_path = dir.path().join(format!("{base}.cklb"));
    let xccdf_path = dir.path().join(format!("{base}-xccdf.xml"));
    std::fs::write(&ckl_path, ckl::write(&f.info, &f.rules, a, g)).expect("write ckl");
    std::fs::write(&cklb_path, cklb::write(&f.info, &f.rules, a, g)).expect("write cklb");
    std::fs::write(&xccdf_path, xccdf::write(&f.info, &f.rules, a, g)).expect("write xccdf");
    if let Ok(keep) = std::env::var("KSTIG_KEEP_CHECKLISTS") {
        let _ = std::fs::create_dir_all(&keep);
        for p in [&ckl_path, &cklb_path, &xccdf_path] {
            if let Some(name) = p.file_name() {
                let _ = std::fs::copy(p, Path::new(&keep).join(name));
            }
        }
    }
    Written {
        _dir: dir,
        ckl: ckl_path,
        cklb: cklb_path,
        xccdf: xccdf_path,
    }
}

#[test]
fn outputs_are_deterministic() {
    let f = fixture();
    let a = assessment(&f.rules);
    let g = generated();
    assert_eq!(
        ckl::write(&f.info, &f.rules, &a, &g),
        ckl::write(&f.info, &f.rules, &a, &g)
    );
    assert_eq!(
        cklb::write(&f.info, &f.rules, &a, &g),
        cklb::write(&f.info, &f.rules, &a, &g)
    );
    assert_eq!(
        xccdf::write(&f.info, &f.rules, &a, &g),
        xccdf::write(&f.info, &f.rules, &a, &g)
    );
    // Another generation time gives other UUIDs.
    let mut g2 = g.clone();
    g2.time = "2026-11-28T00:00:00Z".into();
    assert_ne!(
        ckl::write(&f.info, &f.rules, &a, &g),
        ckl::write(&f.info, &f.rules, &a, &g2)
    );
}

#[test]
fn files_are_utf8_without_bom_and_well_formed_basics() {
    let f = fixture();
    let a = assessment(&f.rules);
    let g = generated();
    for bytes in [
        ckl::write(&f.info, &f.rules, &a, &g),
        xccdf::write(&f.info, &f.rules, &a, &g),
    ] {
        assert!(
            bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--kstig 0.1.0-->\n")
        );
        let text = String::from_utf8(bytes).expect("utf-8");
        // No raw forbidden characters, no unescaped CDATA end.
        assert!(!text
            .chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                || c == '\u{fffe}'
                || c == '\u{ffff}'));
        assert!(!text.contains("]]>"));
        assert!(text.contains("\\u{1}\\u{8}\\u{b}\\u{c}\\u{1b}"));
    }
    let cklb_bytes = cklb::write(&f.info, &f.rules, &a, &g);
    assert!(cklb_bytes.starts_with(b"{"));
    let doc: serde_json::Value = serde_json::from_slice(&cklb_bytes).expect("CKLB JSON");
    assert!(!has_null(&doc), "CKLB has a null");
}

fn has_null(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(a) => a.iter().any(has_null),
        serde_json::Value::Object(o) => o.values().any(has_null),
        _ => false,
    }
}

#[test]
fn ckl_and_cklb_read_back() {
    let f = fixture();
    let a = assessment(&f.rules);
    let g = generated();
    let w = write_all(&f, &a, &g);
    let expected = entries(&f.rules, &a.results);
    for path in [&w.ckl, &w.cklb] {
        let lists = previous::read(path).expect("read back");
        assert_eq!(lists.len(), 1, "{}", path.display());
        let c = &lists[0];
        assert_eq!(c.host_name, "k8s-cp-01");
        assert_eq!(c.benchmark_id, "Kubernetes_STIG");
        assert_eq!(c.source, *path);
        assert!(c.is_kubernetes());
        assert_eq!(c.entries.len(), f.rules.len());
        for (got, want) in c.entries.iter().zip(&expected) {
            assert_eq!(got.stig_id, want.rule.stig_id);
            assert_eq!(got.vuln_id, want.rule.vuln_id);
            assert_eq!(got.rule_id, want.rule.rule_id);
            assert_eq!(got.status, Some(want.status), "{}", got.stig_id);
            assert_eq!(got.details, want.details, "{} details", got.stig_id);
            assert_eq!(got.comments, want.comments, "{} comments", got.stig_id);
            assert_eq!(got.severity_override, want.severity_override);
            assert_eq!(got.severity_justification, want.severity_justification);
        }
        let statuses: Vec<Option<Status>> = c.entries.iter().map(|e| e.status).collect();
        assert_eq!(
            statuses,
            vec![
                Some(Status::NotAFinding),
                Some(Status::Open),
                Some(Status::NotApplicable),
                Some(Status::NotReviewed),
                Some(Status::Open)
            ]
        );
        // Every Open has a comment; every rule has details; long text is cut.
        assert!(c.entries[4].comments.starts_with("Open:"));
        assert!(c.entries.iter().all(|e| !e.details.is_empty()));
        assert!(c.entries[4].details.encode_utf16().count() <= 32_767);
        assert!(c.entries[4].details.contains("[kstig: truncated"));
        assert!(c.entries[1]
            .details
            .contains("<b>&amp; ]]> \"double\" 'single' \\u{1}"));
        assert!(c.entries[1].details.contains("tab\there\nCRLF\nCR é 😀"));
    }
}

fn xmllint_validate(xsd: &Path, file: &Path) {
    let out = match Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd)
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!(
                "xmllint not installed: schema check of {} skipped",
                file.display()
            );
            return;
        }
    };
    assert!(
        out.status.success(),
        "{} is invalid against {}:\n{}",
        file.display(),
        xsd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ckl_and_xccdf_are_schema_valid() {
    let Some(shared) = shared_dir() else {
        eprintln!("shared/schemas not found (set KSTIG_SHARED): schema checks skipped");
        return;
    };
    let f = fixture();
    let a = assessment(&f.rules);
    let w = write_all(&f, &a, &generated());
    xmllint_validate(
        &shared.join("schemas/checklist/U_Checklist_Schema_V2.xsd"),
        &w.ckl,
    );
    xmllint_validate(&shared.join("schemas/xccdf/1.2/xccdf_1.2.xsd"), &w.xccdf);
}

/// DISA's CKLB 1.0 schema with the one deliberate extra key (README §3.4,
/// `stigs[].version`), allowed exactly as check-outputs.sh does.
fn cklb_validator(shared: &Path) -> jsonschema::Validator {
    let schema_text =
        std::fs::read_to_string(shared.join("schemas/cklb/SV3_CKLB_1_0_JSON_SCHEMA.json"))
            .expect("read CKLB schema");
    let mut schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    schema["$defs"]["stig"]["properties"]["version"] = serde_json::json!({"type": "string"});
    jsonschema::draft201909::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("compile CKLB schema")
}

fn assert_cklb_valid(validator: &jsonschema::Validator, doc: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect();
    assert!(
        errors.is_empty(),
        "CKLB schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn cklb_is_valid_against_disa_schema() {
    let Some(shared) = shared_dir() else {
        eprintln!("shared/schemas not found (set KSTIG_SHARED): CKLB schema check skipped");
        return;
    };
    let validator = cklb_validator(&shared);
    let f = fixture();
    let a = assessment(&f.rules);
    let doc: serde_json::Value =
        serde_json::from_slice(&cklb::write(&f.info, &f.rules, &a, &generated()))
            .expect("CKLB JSON");
    assert_cklb_valid(&validator, &doc);
    // And the schema does catch what it should: a null text field.
    let mut bad = doc.clone();
    bad["stigs"][0]["rules"][0]["comments"] = serde_json::Value::Null;
    assert!(!validator.is_valid(&bad));
    // The things STIG Manager needs.
    assert_eq!(doc["stigs"][0]["version"], "1");
    assert_eq!(doc["stigs"][0]["size"], 91);
    assert_eq!(doc["target_data"]["host_name"], "k8s-cp-01");
    assert_eq!(
        doc["stigs"][0]["rules"][2]["overrides"]["severity"]["severity"],
        "low"
    );
}

/// Runs `check-outputs.sh --strict [--benchmark V1R11]` on the three files
/// when `KSTIG_CLIENTS` is set.
fn run_check_outputs(w: &Written, with_benchmark: bool) {
    let Ok(clients) = std::env::var("KSTIG_CLIENTS") else {
        eprintln!("KSTIG_CLIENTS not set: third-party importer checks skipped");
        return;
    };
    let shared = shared_dir().expect("shared/ not found (set KSTIG_SHARED)");
    let mut cmd = Command::new("bash");
    cmd.arg(shared.join("checklists/tools/check-outputs.sh"))
        .arg("--strict");
    if with_benchmark {
        cmd.arg("--benchmark")
            .arg(shared.join("stig/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml"));
    }
    let out = cmd
        .arg(&w.ckl)
        .arg(&w.cklb)
        .arg(&w.xccdf)
        .env("KSTIG_CLIENTS", &clients)
        .output()
        .expect("run check-outputs.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "check-outputs.sh --strict failed:\n{stdout}"
    );
    assert!(stdout.contains("3 files ok, 0 failed"), "{stdout}");
}

#[test]
fn importers_accept_outputs() {
    let f = fixture();
    let a = assessment(&f.rules);
    let w = write_all(&f, &a, &generated());
    run_check_outputs(&w, true);
}

/// Every string of every input set to hostile text: the writers must not
/// panic, the XML must stay schema-valid, the CKLB schema-valid, and the
/// readers must get the (cleaned) values back.
#[test]
fn hostile_input_everywhere_stays_valid() {
    let h = HOSTILE.to_string();
    let info = BenchmarkInfo {
        id: h.clone(),
        title: h.clone(),
        description: h.clone(),
        version: h.clone(),
        release_info: h.clone(),
        release: h.clone(),
        date: h.clone(),
        label: h.clone(),
        filename: h.clone(),
        notice: h.clone(),
        source: h.clone(),
        status_date: h.clone(),
        builtin: true,
        rule_count: 0,
    };
    let rule = |n: usize| RuleText {
        vuln_id: format!("{h}{n}"),
        rule_id: format!("{h}{n}"),
        stig_id: format!("{h}{n}"),
        severity: h.clone(),
        weight: h.clone(),
        group_title: h.clone(),
        title: h.clone(),
        discussion: h.clone(),
        false_positives: h.clone(),
        false_negatives: h.clone(),
        documentable: h.clone(),
        mitigations: h.clone(),
        severity_override_guidance: h.clone(),
        potential_impacts: h.clone(),
        third_party_tools: h.clone(),
        mitigation_control: h.clone(),
        responsibility: h.clone(),
        ia_controls: h.clone(),
        check_text: h.clone(),
        check_ref: h.clone(),
        fix_text: h.clone(),
        ccis: vec![h.clone(), String::new()],
        legacy_ids: vec![h.clone()],
        target_key: h.clone(),
        check_system: h.clone(),
        check_ref_href: h.clone(),
        fix_id: h.clone(),
    };
    let rules = vec![rule(1), rule(2)];
    let mut results: Vec<RuleResult> = rules
        .iter()
        .map(|r| {
            let mut x = result(r, Status::Open, &h, &h);
            x.severity = h.clone();
            x.severity_override = h.clone();
            x.severity_justification = h.clone();
            x
        })
        .collect();
    results[1].status = Status::NotReviewed;
    let a = Assessment {
        target: Target {
            host_name: h.clone(),
            fqdn: h.clone(),
            ip_addresses: vec![h.clone()],
            mac_addresses: vec![h.clone()],
            role: h.clone(),
            bundle_id: h.clone(),
            signer_fingerprint: h.clone(),
            collected: h.clone(),
            comment: h.clone(),
            facts: vec![(h.clone(), h.clone()), (String::new(), h.clone())],
            untrusted: true,
        },
        results,
    };
    let g = Generated {
        tool_version: format!("--{h}--"),
        time: h.clone(),
        marking: h.clone(),
    };
    let f = Fixture { info, rules };
    let w = write_all(&f, &a, &g);

    if let Some(shared) = shared_dir() {
        xmllint_validate(
            &shared.join("schemas/checklist/U_Checklist_Schema_V2.xsd"),
            &w.ckl,
        );
        xmllint_validate(&shared.join("schemas/xccdf/1.2/xccdf_1.2.xsd"), &w.xccdf);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&w.cklb).expect("read cklb")).expect("JSON");
        assert_cklb_valid(&cklb_validator(&shared), &doc);
    }
    // STIG Manager, SAF and OpenSCAP accept even this (no --benchmark: the
    // ids are not the benchmark's).
    run_check_outputs(&w, false);
    for path in [&w.ckl, &w.cklb] {
        let lists = previous::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].entries.len(), 2);
        assert_eq!(lists[0].entries[0].status, Some(Status::Open));
        assert_eq!(lists[0].entries[1].status, Some(Status::NotReviewed));
        assert!(lists[0].entries[0].details.contains("<b>&amp; ]]>"));
        // Not a valid severity: no override is written.
        assert_eq!(lists[0].entries[0].severity_override, "");
    }

    // Empty input: no rules, default everything.
    let empty = Assessment {
        target: Target::default(),
        results: Vec::new(),
    };
    let info = BenchmarkInfo::default();
    let g = Generated::default();
    for bytes in [
        ckl::write(&info, &[], &empty, &g),
        cklb::write(&info, &[], &empty, &g),
        xccdf::write(&info, &[], &empty, &g),
    ] {
        assert!(!bytes.is_empty());
    }
}

/// Rules as thin as the built-in catalogue's (ids, severity, short title, no
/// CCIs or DISA text) and an assessment with no results at all: still valid
/// and importable (SAF once crashed on a Rule with a reference but no ident).
#[test]
fn thin_rules_without_results_are_importable() {
    let f = fixture();
    let rules: Vec<RuleText> = f
        .rules
        .iter()
        .map(|r| RuleText {
            vuln_id: r.vuln_id.clone(),
            rule_id: r.rule_id.clone(),
            stig_id: r.stig_id.clone(),
            severity: r.severity.clone(),
            weight: "10.0".into(),
            title: "short title".into(),
            target_key: "5376".into(),
            ..RuleText::default()
        })
        .collect();
    let info = BenchmarkInfo {
        id: f.info.id.clone(),
        title: f.info.title.clone(),
        version: f.info.version.clone(),
        release_info: f.info.release_info.clone(),
        release: f.info.release.clone(),
        label: f.info.label.clone(),
        builtin: true,
        ..BenchmarkInfo::default()
    };
    let a = Assessment {
        target: Target {
            host_name: "worker-7".into(),
            ..Target::default()
        },
        results: Vec::new(),
    };
    let w = write_all(&Fixture { info, rules }, &a, &generated());
    if let Some(shared) = shared_dir() {
        xmllint_validate(
            &shared.join("schemas/checklist/U_Checklist_Schema_V2.xsd"),
            &w.ckl,
        );
        xmllint_validate(&shared.join("schemas/xccdf/1.2/xccdf_1.2.xsd"), &w.xccdf);
    }
    for path in [&w.ckl, &w.cklb] {
        let lists = previous::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(lists[0]
            .entries
            .iter()
            .all(|e| e.status == Some(Status::NotReviewed) && !e.details.is_empty()));
    }
    run_check_outputs(&w, true);
}
