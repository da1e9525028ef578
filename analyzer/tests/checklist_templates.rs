//! `kstig analyze` writes checklists through `checklist::Templates` (what every
//! node shares is prepared once per run); each writer's `write` builds the
//! same document on its own. They must give the same bytes, also for hostile
//! text, severity overrides, results missing and no rules at all.

use std::path::Path;

use analyzer::checklist::{entries, Format, Generated, Templates};
use analyzer::model::{Assessment, BenchmarkInfo, RuleResult, RuleText, Status, Target};
use analyzer::{ckl, cklb, xccdf};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    info: BenchmarkInfo,
    rules: Vec<RuleText>,
}

const HOSTILE: &str = "tag <b>&amp; ]]> \"double\" 'single' \u{1}\u{8}\u{b}\u{c}\u{1b}\u{7f} \u{fffe}\u{ffff} tab\there\r\nCRLF\rCR é 😀 \u{fffd} \\ \"rules\": []";

fn fixture() -> Fixture {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checklist_v1r11_rules.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("parse fixture")
}

fn result(rule: &RuleText, status: Status, details: &str) -> RuleResult {
    RuleResult {
        stig_id: rule.stig_id.clone(),
        vuln_id: rule.vuln_id.clone(),
        rule_id: rule.rule_id.clone(),
        severity: rule.severity.clone(),
        status,
        details: details.to_string(),
        comments: format!("comment {details}"),
        severity_override: String::new(),
        severity_justification: String::new(),
    }
}

fn target(host: &str) -> Target {
    Target {
        host_name: host.into(),
        fqdn: format!("{host}.example.mil"),
        ip_addresses: vec!["10.0.0.1".into(), "fd00::1".into()],
        mac_addresses: vec!["52:54:00:12:34:56".into()],
        role: "control-plane".into(),
        bundle_id: "0123abcd".into(),
        signer_fingerprint: "fp".into(),
        collected: "2026-11-27T09:14:02Z".into(),
        comment: format!("note {HOSTILE}"),
        facts: vec![("os".into(), HOSTILE.into())],
        untrusted: false,
    }
}

fn assert_same(info: &BenchmarkInfo, rules: &[RuleText], a: &Assessment, g: &Generated) {
    let t = Templates::new(info, rules, g);
    let e = entries(rules, &a.results);
    assert_eq!(
        String::from_utf8_lossy(&t.render_one(Format::Ckl, a, &e)),
        String::from_utf8_lossy(&ckl::write(info, rules, a, g))
    );
    assert_eq!(
        String::from_utf8_lossy(&t.render_one(Format::Cklb, a, &e)),
        String::from_utf8_lossy(&cklb::write(info, rules, a, g))
    );
    assert_eq!(
        String::from_utf8_lossy(&t.render_one(Format::Xccdf, a, &e)),
        String::from_utf8_lossy(&xccdf::write(info, rules, a, g))
    );
}

#[test]
fn templates_write_what_the_writers_write() {
    let f = fixture();
    let g = Generated {
        tool_version: "0.1.0".into(),
        time: "2026-11-27T09:14:03Z".into(),
        marking: "CUI".into(),
    };
    let statuses = [
        Status::Open,
        Status::NotAFinding,
        Status::NotApplicable,
        Status::NotReviewed,
    ];
    let mut results: Vec<RuleResult> = f
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| result(r, statuses[i % 4], &format!("{i} {HOSTILE}")))
        .collect();
    results[1].severity_override = "high".into();
    results[1].severity_justification = HOSTILE.into();
    results[3].details = "x".repeat(40_000);
    let a = Assessment {
        target: target("k8s-cp-01"),
        results: results.clone(),
    };
    assert_same(&f.info, &f.rules, &a, &g);

    // Results missing or out of order; an empty comment on an Open rule.
    let mut shuffled = results.clone();
    shuffled.reverse();
    shuffled.pop();
    shuffled[0].comments.clear();
    let a = Assessment {
        target: target("worker-2"),
        results: shuffled,
    };
    assert_same(&f.info, &f.rules, &a, &g);

    // Hostile text in every field of the benchmark and the run.
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
        builtin: false,
        rule_count: 7,
    };
    let rules: Vec<RuleText> = f
        .rules
        .iter()
        .map(|r| RuleText {
            title: h.clone(),
            discussion: h.clone(),
            check_text: h.clone(),
            fix_text: h.clone(),
            group_title: h.clone(),
            weight: h.clone(),
            severity: h.clone(),
            ccis: vec![h.clone(), String::new()],
            legacy_ids: vec![h.clone()],
            check_ref_href: h.clone(),
            ..r.clone()
        })
        .collect();
    let g = Generated {
        tool_version: format!("--{h}--"),
        time: h.clone(),
        marking: h.clone(),
    };
    let a = Assessment {
        target: target(&h),
        results,
    };
    assert_same(&info, &rules, &a, &g);

    // Nothing at all.
    let empty = Assessment {
        target: Target::default(),
        results: Vec::new(),
    };
    assert_same(
        &BenchmarkInfo::default(),
        &[],
        &empty,
        &Generated::default(),
    );
}
