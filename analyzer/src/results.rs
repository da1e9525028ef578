//! Evaluate every rule of a benchmark on a node, and the versioned
//! `results.json` document (format `kstig-results/1`), decoupled from the
//! internal types.

use crate::catalog;
use crate::evidence::Node;
use crate::model::{
    Assessment, Benchmark, BenchmarkInfo, Method, RuleResult, RuleText, Status, Target,
};
use crate::rules::{self, Verdict};
use serde::{Deserialize, Serialize};

/// `results.json` format identifier.
pub const FORMAT: &str = "kstig-results/1";

/// How kstig decides a STIG ID: its own check table first, then the catalogue.
pub fn method_of(stig_id: &str) -> Option<Method> {
    if rules::node_check(stig_id).is_some() {
        let manual = catalog::find(stig_id).is_some_and(|e| e.method == Method::Manual);
        return Some(if manual { Method::Manual } else { Method::Node });
    }
    catalog::find(stig_id).map(|e| e.method)
}

/// The verdict of one benchmark rule on one node.
pub fn evaluate_rule(node: &Node, rule: &RuleText) -> Verdict {
    let mut v = match rules::node_check(&rule.stig_id) {
        Some(check) => check(node),
        None => match catalog::find(&rule.stig_id).map(|e| e.method) {
            Some(Method::Cluster) => Verdict::not_reviewed(
                "Cluster-level rule: decided from the cluster's API objects, reported in the cluster checklist.",
            ),
            Some(Method::Manual) => Verdict::not_reviewed("A person must decide this rule."),
            _ => Verdict::not_reviewed(format!(
                "kstig has no check for {} (not in the V2R6 rule set it implements); review it by hand.",
                rule.stig_id
            )),
        },
    };
    if let Some(note) = revision_note(rule) {
        v.details = format!("{note}\n{}", v.details);
        v = v.comment(note);
    }
    if !node.problems.is_empty() && v.status != Status::NotApplicable {
        v.details.push_str(&format!(
            "\nEvidence problems on this node: {}",
            node.problems.join("; ")
        ));
    }
    v
}

/// When the benchmark carries another Rule ID revision than the one kstig's
/// check was written for (V2R6), say so: DISA changed the check since (a
/// newer revision), or the benchmark predates V2R6 (an older one).
pub fn revision_note(rule: &RuleText) -> Option<String> {
    let entry = catalog::find(&rule.stig_id)?;
    let ours = catalog::revision(entry.rule_id)?;
    let theirs = catalog::revision(&rule.rule_id)?;
    if ours == theirs {
        return None;
    }
    let num = |r: &str| r.trim_start_matches('r').parse::<u64>().ok();
    let newer = matches!((num(theirs), num(ours)), (Some(t), Some(o)) if t > o);
    Some(if newer {
        format!(
            "NOTE: kstig's check follows {} ({}); the supplied benchmark has the newer {}: DISA changed this rule since. Compare the check text before relying on the verdict.",
            entry.rule_id,
            catalog::LABEL,
            rule.rule_id
        )
    } else {
        format!(
            "NOTE: the supplied benchmark has {}, an older revision than the {} ({}) that kstig's check follows; the verdict applies {}'s reading.",
            rule.rule_id,
            entry.rule_id,
            catalog::LABEL,
            catalog::LABEL
        )
    })
}

/// True when the benchmark's revision of the rule is newer than kstig's check.
pub fn changed_since(rule: &RuleText) -> bool {
    revision_note(rule).is_some_and(|n| n.contains("DISA changed"))
}

/// Every rule of the benchmark, in order, on one node.
pub fn assess_node(node: &Node, benchmark: &Benchmark, target: Target) -> Assessment {
    let results = benchmark
        .rules
        .iter()
        .map(|rule| {
            let v = evaluate_rule(node, rule);
            RuleResult {
                stig_id: rule.stig_id.clone(),
                vuln_id: rule.vuln_id.clone(),
                rule_id: rule.rule_id.clone(),
                severity: rule.severity.clone(),
                status: v.status,
                details: v.details,
                comments: v.comments,
                severity_override: String::new(),
                severity_justification: String::new(),
            }
        })
        .collect();
    Assessment { target, results }
}

/// The assessed target's facts from a bundle.
pub fn target_of(node: &Node) -> Target {
    let m = node.manifest;
    let mut facts = vec![
        ("role".to_string(), node.role.name().to_string()),
        ("distribution".to_string(), node.distro.name().to_string()),
    ];
    if let Some(p) = m.host.os_release.get("PRETTY_NAME") {
        facts.push(("os".into(), p.clone()));
    }
    if !m.host.kernel.is_empty() {
        facts.push(("kernel".into(), m.host.kernel.clone()));
    }
    if !m.host.machine_id.is_empty() {
        facts.push(("machine-id".into(), m.host.machine_id.clone()));
    }
    if let Some(v) = node.kube_version() {
        facts.push(("kubernetes-version".into(), v.text.clone()));
    }
    facts.push(("bundle-id".into(), m.bundle_id.clone()));
    facts.push(("signer-fingerprint".into(), m.signer.fingerprint.clone()));
    facts.push(("collected".into(), m.created.clone()));
    Target {
        host_name: m.host.hostname.clone(),
        fqdn: m.host.fqdn.clone(),
        ip_addresses: m.host.ip_addresses.clone(),
        mac_addresses: m.host.mac_addresses.clone(),
        role: node.role.name().to_string(),
        bundle_id: m.bundle_id.clone(),
        signer_fingerprint: m.signer.fingerprint.clone(),
        collected: m.created.clone(),
        comment: format!(
            "kstig evidence bundle {} collected {} by {} {}, signed by key {}",
            m.bundle_id, m.created, m.collector.name, m.collector.version, m.signer.fingerprint
        ),
        facts,
        untrusted: node.bundle.verified_by.is_none(),
    }
}

// ---- results.json (versioned, decoupled from internal types) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsDoc {
    pub format: String,
    pub generator: GeneratorDoc,
    pub benchmark: BenchmarkDoc,
    pub nodes: Vec<NodeDoc>,
    pub cluster: ClusterDoc,
    pub refused: Vec<RefusedDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorDoc {
    pub name: String,
    pub version: String,
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchmarkDoc {
    pub id: String,
    pub title: String,
    pub version: String,
    pub release_info: String,
    pub label: String,
    pub filename: String,
    pub builtin: bool,
    pub rule_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeDoc {
    pub host: String,
    pub fqdn: String,
    pub role: String,
    pub bundle: String,
    pub bundle_id: String,
    pub signer: String,
    pub collected: String,
    pub trusted: bool,
    /// Flags on which a running process and its static pod manifest disagree.
    pub drift: Vec<String>,
    /// Problems met while reading the evidence (unparseable files, ...).
    pub evidence_problems: Vec<String>,
    pub counts: CountsDoc,
    pub rules: Vec<RuleDoc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsDoc {
    pub open_high: usize,
    pub open_medium: usize,
    pub open_low: usize,
    pub not_a_finding: usize,
    pub not_applicable: usize,
    pub not_reviewed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDoc {
    pub stig_id: String,
    pub vuln_id: String,
    pub rule_id: String,
    pub severity: String,
    pub status: String,
    pub method: String,
    pub details: String,
    pub comments: String,
    /// SHA-256 of the finding details as kstig wrote them before any answer
    /// was applied: copy it into an answer's `evidence_sha256` to bind the
    /// answer to this evidence.
    pub evidence_sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterDoc {
    pub rules: Vec<RuleDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedDoc {
    pub bundle: String,
    pub reason: String,
}

pub fn counts(results: &[RuleResult]) -> CountsDoc {
    let mut c = CountsDoc::default();
    for r in results {
        match (r.status, r.severity.as_str()) {
            (Status::Open, "high") => c.open_high += 1,
            (Status::Open, "low") => c.open_low += 1,
            (Status::Open, _) => c.open_medium += 1,
            (Status::NotAFinding, _) => c.not_a_finding += 1,
            (Status::NotApplicable, _) => c.not_applicable += 1,
            (Status::NotReviewed, _) => c.not_reviewed += 1,
        }
    }
    c
}

pub fn rule_doc(r: &RuleResult) -> RuleDoc {
    RuleDoc {
        stig_id: r.stig_id.clone(),
        vuln_id: r.vuln_id.clone(),
        rule_id: r.rule_id.clone(),
        severity: r.severity.clone(),
        status: r.status.as_snake().to_string(),
        method: match method_of(&r.stig_id) {
            Some(Method::Node) => "node",
            Some(Method::Cluster) => "cluster",
            Some(Method::Manual) => "manual",
            None => "unknown",
        }
        .to_string(),
        details: r.details.clone(),
        comments: r.comments.clone(),
        evidence_sha256: String::new(),
    }
}

/// Fill `evidence_sha256` of rule documents from hashes taken before answers applied.
pub fn set_evidence_hashes(rules: &mut [RuleDoc], hashes: &[String]) {
    for (r, h) in rules.iter_mut().zip(hashes) {
        r.evidence_sha256 = h.clone();
    }
}

/// SHA-256 of every rule's details, in order.
pub fn evidence_hashes(a: &Assessment) -> Vec<String> {
    a.results
        .iter()
        .map(|r| crate::answers::evidence_sha256(&r.details))
        .collect()
}

pub fn benchmark_doc(info: &BenchmarkInfo, rule_count: usize) -> BenchmarkDoc {
    BenchmarkDoc {
        id: info.id.clone(),
        title: info.title.clone(),
        version: info.version.clone(),
        release_info: info.release_info.clone(),
        label: info.label.clone(),
        filename: info.filename.clone(),
        builtin: info.builtin,
        rule_count,
    }
}

pub fn node_doc(a: &Assessment, bundle: &str, drift: &[String], problems: &[String]) -> NodeDoc {
    NodeDoc {
        host: a.target.host_name.clone(),
        fqdn: a.target.fqdn.clone(),
        role: a.target.role.clone(),
        bundle: bundle.to_string(),
        bundle_id: a.target.bundle_id.clone(),
        signer: a.target.signer_fingerprint.clone(),
        collected: a.target.collected.clone(),
        trusted: !a.target.untrusted,
        drift: drift.to_vec(),
        evidence_problems: problems.to_vec(),
        counts: counts(&a.results),
        rules: a.results.iter().map(rule_doc).collect(),
    }
}

/// The cluster roll-up of per-node verdicts for one rule: Open if Open on any
/// node; Not_Applicable only if so on every node; Not_Reviewed if any node
/// could not be decided and none is Open; else NotAFinding. The details list
/// each node's verdict and name the odd ones out when nodes of the same role
/// disagree.
pub fn rollup_rule(rule: &RuleText, per_node: &[(&Target, &RuleResult)]) -> RuleResult {
    let statuses: Vec<Status> = per_node.iter().map(|(_, r)| r.status).collect();
    let status = if per_node.is_empty() {
        Status::NotReviewed
    } else if statuses.contains(&Status::Open) {
        Status::Open
    } else if statuses.iter().all(|s| *s == Status::NotApplicable) {
        Status::NotApplicable
    } else if statuses.contains(&Status::NotReviewed) {
        Status::NotReviewed
    } else {
        Status::NotAFinding
    };
    let mut details = Vec::new();
    for (t, r) in per_node {
        details.push(format!(
            "{} ({}): {}",
            t.host_name,
            t.role,
            r.status.as_ckl()
        ));
    }
    let mut roles: Vec<&str> = per_node.iter().map(|(t, _)| t.role.as_str()).collect();
    roles.sort();
    roles.dedup();
    for role in roles {
        let group: Vec<&(&Target, &RuleResult)> =
            per_node.iter().filter(|(t, _)| t.role == role).collect();
        let mut tally: Vec<(Status, usize)> = Vec::new();
        for (_, r) in &group {
            match tally.iter_mut().find(|(s, _)| *s == r.status) {
                Some(e) => e.1 += 1,
                None => tally.push((r.status, 1)),
            }
        }
        if tally.len() > 1 {
            tally.sort_by_key(|t| std::cmp::Reverse(t.1));
            let majority = tally[0].0;
            let odd: Vec<String> = group
                .iter()
                .filter(|(_, r)| r.status != majority)
                .map(|(t, r)| format!("{} ({})", t.host_name, r.status.as_ckl()))
                .collect();
            details.push(format!(
                "INCONSISTENT: {role} nodes disagree; most are {}, odd ones out: {}",
                majority.as_ckl(),
                odd.join(", ")
            ));
        }
    }
    let comments = if status == Status::Open {
        let open: Vec<&str> = per_node
            .iter()
            .filter(|(_, r)| r.status == Status::Open)
            .map(|(t, _)| t.host_name.as_str())
            .collect();
        format!(
            "Open on: {}. See each node's checklist for the evidence.",
            open.join(", ")
        )
    } else {
        String::new()
    };
    RuleResult {
        stig_id: rule.stig_id.clone(),
        vuln_id: rule.vuln_id.clone(),
        rule_id: rule.rule_id.clone(),
        severity: rule.severity.clone(),
        status,
        details: details.join("\n"),
        comments,
        severity_override: String::new(),
        severity_justification: String::new(),
    }
}

/// Roll every rule up over the node assessments (same benchmark order).
pub fn rollup(benchmark: &Benchmark, nodes: &[Assessment], target: Target) -> Assessment {
    let results = benchmark
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let per_node: Vec<(&Target, &RuleResult)> = nodes
                .iter()
                .filter_map(|a| {
                    a.results
                        .get(i)
                        .filter(|r| r.stig_id == rule.stig_id)
                        .map(|r| (&a.target, r))
                })
                .collect();
            rollup_rule(rule, &per_node)
        })
        .collect();
    Assessment { target, results }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(status: Status) -> RuleResult {
        RuleResult {
            stig_id: "CNTR-K8-000150".into(),
            vuln_id: "V-242376".into(),
            rule_id: "SV-242376r960759_rule".into(),
            severity: "medium".into(),
            status,
            details: String::new(),
            comments: String::new(),
            severity_override: String::new(),
            severity_justification: String::new(),
        }
    }

    fn t(name: &str, role: &str) -> Target {
        Target {
            host_name: name.into(),
            role: role.into(),
            ..Default::default()
        }
    }

    #[test]
    fn rollup_semantics() {
        let rule = RuleText {
            stig_id: "CNTR-K8-000150".into(),
            ..Default::default()
        };
        let (a, b, c) = (
            t("cp1", "control-plane"),
            t("cp2", "control-plane"),
            t("w1", "worker"),
        );
        let (o, p, na, nr) = (
            res(Status::Open),
            res(Status::NotAFinding),
            res(Status::NotApplicable),
            res(Status::NotReviewed),
        );
        assert_eq!(
            rollup_rule(&rule, &[(&a, &p), (&c, &o)]).status,
            Status::Open
        );
        assert_eq!(
            rollup_rule(&rule, &[(&a, &na), (&c, &na)]).status,
            Status::NotApplicable
        );
        assert_eq!(
            rollup_rule(&rule, &[(&a, &p), (&c, &nr)]).status,
            Status::NotReviewed
        );
        assert_eq!(
            rollup_rule(&rule, &[(&a, &p), (&c, &na)]).status,
            Status::NotAFinding
        );
        let r = rollup_rule(&rule, &[(&a, &p), (&b, &o), (&c, &na)]);
        assert!(
            r.details.contains("INCONSISTENT: control-plane"),
            "{}",
            r.details
        );
        assert!(r.comments.contains("cp2"));
    }
}
