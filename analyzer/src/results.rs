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
    let nodes: Vec<(&str, &str, Status)> = per_node
        .iter()
        .map(|(t, r)| (t.host_name.as_str(), t.role.as_str(), r.status))
        .collect();
    rollup_rule_statuses(rule, &nodes)
}

/// [`rollup_rule`] from what the roll-up needs of each node: (host name,
/// role, status). Analyses of many nodes keep only this, not every node's
/// evidence text.
pub fn rollup_rule_statuses(rule: &RuleText, per_node: &[(&str, &str, Status)]) -> RuleResult {
    let statuses: Vec<Status> = per_node.iter().map(|n| n.2).collect();
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
    for (host, role, status) in per_node {
        details.push(format!("{host} ({role}): {}", status.as_ckl()));
    }
    let mut roles: Vec<&str> = per_node.iter().map(|n| n.1).collect();
    roles.sort();
    roles.dedup();
    for role in roles {
        let group: Vec<&(&str, &str, Status)> = per_node.iter().filter(|n| n.1 == role).collect();
        let mut tally: Vec<(Status, usize)> = Vec::new();
        for n in &group {
            match tally.iter_mut().find(|(s, _)| *s == n.2) {
                Some(e) => e.1 += 1,
                None => tally.push((n.2, 1)),
            }
        }
        if tally.len() > 1 {
            tally.sort_by_key(|t| std::cmp::Reverse(t.1));
            let majority = tally[0].0;
            let odd: Vec<String> = group
                .iter()
                .filter(|n| n.2 != majority)
                .map(|n| format!("{} ({})", n.0, n.2.as_ckl()))
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
            .filter(|n| n.2 == Status::Open)
            .map(|n| n.0)
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

/// What the cluster roll-up keeps of one node: its host name, role, and the
/// status of each benchmark rule (by index; `None` when the node's result at
/// that index is for another rule).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupNode {
    pub host_name: String,
    pub role: String,
    pub statuses: Vec<Option<Status>>,
}

impl RollupNode {
    pub fn of(benchmark: &Benchmark, a: &Assessment) -> RollupNode {
        RollupNode {
            host_name: a.target.host_name.clone(),
            role: a.target.role.clone(),
            statuses: benchmark
                .rules
                .iter()
                .enumerate()
                .map(|(i, rule)| {
                    a.results
                        .get(i)
                        .filter(|r| r.stig_id == rule.stig_id)
                        .map(|r| r.status)
                })
                .collect(),
        }
    }
}

/// Roll every rule up over the node assessments (same benchmark order).
pub fn rollup(benchmark: &Benchmark, nodes: &[Assessment], target: Target) -> Assessment {
    let nodes: Vec<RollupNode> = nodes.iter().map(|a| RollupNode::of(benchmark, a)).collect();
    rollup_nodes(benchmark, &nodes, target)
}

/// [`rollup`] from each node's [`RollupNode`].
pub fn rollup_nodes(benchmark: &Benchmark, nodes: &[RollupNode], target: Target) -> Assessment {
    let results = benchmark
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let per_node: Vec<(&str, &str, Status)> = nodes
                .iter()
                .filter_map(|n| {
                    n.statuses
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|s| (n.host_name.as_str(), n.role.as_str(), s))
                })
                .collect();
            rollup_rule_statuses(rule, &per_node)
        })
        .collect();
    Assessment { target, results }
}

/// `results.json` written node by node, so an analysis of many nodes never
/// holds the whole document: the bytes are exactly those of
/// `serde_json::to_vec_pretty` of the [`ResultsDoc`] (plus a final newline).
pub struct ResultsWriter<W: std::io::Write> {
    out: W,
    nodes: usize,
}

/// `"nodes": []` as serde_json's pretty printer writes it in a [`ResultsDoc`].
const EMPTY_NODES: &str = "\n  \"nodes\": [],\n";
/// `"rules": []` of the `cluster` object, likewise.
const EMPTY_CLUSTER_RULES: &str = "\n    \"rules\": []\n";

fn pretty<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(std::io::Error::other)
}

/// Pretty text split around the empty array that `marker` shows:
/// (text up to and including `[`, text after `]`).
fn split_at_empty(text: &[u8], marker: &str) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let at = text
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .ok_or_else(|| std::io::Error::other("results.json: array not found"))?;
    let open = at + marker.find('[').unwrap_or(0);
    Ok((text[..=open].to_vec(), text[open + 2..].to_vec()))
}

/// Writes `value` as element `index` of an array whose elements are
/// indented by `indent` spaces, the way serde_json's pretty printer would:
/// every line of the element's own pretty text moves right (JSON strings
/// hold no raw newline).
fn write_element<W: std::io::Write, T: Serialize>(
    out: &mut W,
    index: usize,
    indent: usize,
    value: &T,
) -> std::io::Result<()> {
    let text = pretty(value)?;
    let pad = " ".repeat(indent);
    let mut buf = Vec::with_capacity(text.len() + text.len() / 8 + indent + 2);
    buf.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
    buf.extend_from_slice(pad.as_bytes());
    for &b in &text {
        buf.push(b);
        if b == b'\n' {
            buf.extend_from_slice(pad.as_bytes());
        }
    }
    out.write_all(&buf)
}

/// Closes an array of `count` elements indented by `indent` spaces.
fn close_array<W: std::io::Write>(out: &mut W, count: usize, indent: usize) -> std::io::Result<()> {
    if count > 0 {
        out.write_all(b"\n")?;
        out.write_all(" ".repeat(indent - 2).as_bytes())?;
    }
    out.write_all(b"]")
}

impl<W: std::io::Write> ResultsWriter<W> {
    /// Writes everything before the first node.
    pub fn begin(
        mut out: W,
        generator: &GeneratorDoc,
        benchmark: &BenchmarkDoc,
    ) -> std::io::Result<Self> {
        let doc = ResultsDoc {
            format: FORMAT.into(),
            generator: generator.clone(),
            benchmark: benchmark.clone(),
            nodes: Vec::new(),
            cluster: ClusterDoc::default(),
            refused: Vec::new(),
        };
        let (head, _) = split_at_empty(&pretty(&doc)?, EMPTY_NODES)?;
        out.write_all(&head)?;
        Ok(ResultsWriter { out, nodes: 0 })
    }

    /// Writes one node (in the order they should appear).
    pub fn node(&mut self, node: &NodeDoc) -> std::io::Result<()> {
        write_element(&mut self.out, self.nodes, 4, node)?;
        self.nodes += 1;
        Ok(())
    }

    /// Writes the cluster roll-up's rules (one at a time) and the refused
    /// bundles; returns the writer.
    pub fn finish(
        mut self,
        generator: &GeneratorDoc,
        benchmark: &BenchmarkDoc,
        cluster: &[RuleDoc],
        refused: &[RefusedDoc],
    ) -> std::io::Result<W> {
        let doc = ResultsDoc {
            format: FORMAT.into(),
            generator: generator.clone(),
            benchmark: benchmark.clone(),
            nodes: Vec::new(),
            cluster: ClusterDoc::default(),
            refused: refused.to_vec(),
        };
        let (_, tail) = split_at_empty(&pretty(&doc)?, EMPTY_NODES)?;
        let (before_rules, after_rules) = split_at_empty(&tail, EMPTY_CLUSTER_RULES)?;
        close_array(&mut self.out, self.nodes, 4)?;
        self.out.write_all(&before_rules)?;
        for (i, d) in cluster.iter().enumerate() {
            write_element(&mut self.out, i, 6, d)?;
        }
        close_array(&mut self.out, cluster.len(), 6)?;
        self.out.write_all(&after_rules)?;
        self.out.write_all(b"\n")?;
        Ok(self.out)
    }
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

    fn node_doc_named(host: &str) -> NodeDoc {
        NodeDoc {
            host: host.into(),
            fqdn: String::new(),
            role: "worker".into(),
            bundle: format!("{host}.kstig.tar.gz"),
            bundle_id: "id".into(),
            signer: "fp".into(),
            collected: "2026-01-01T00:00:00Z".into(),
            trusted: true,
            drift: vec!["a\nb \"q\"".into()],
            evidence_problems: vec![],
            counts: CountsDoc::default(),
            rules: vec![
                rule_doc(&res(Status::Open)),
                rule_doc(&res(Status::NotReviewed)),
            ],
        }
    }

    #[test]
    fn streamed_results_equal_the_whole_document() {
        let generator = GeneratorDoc {
            name: "kstig".into(),
            version: "0".into(),
            time: "t".into(),
        };
        let benchmark = benchmark_doc(&BenchmarkInfo::default(), 3);
        for (n, cluster_results) in [
            (0, vec![]),
            (1, vec![res(Status::NotAFinding)]),
            (2, vec![res(Status::Open), res(Status::NotAFinding)]),
            (0, vec![res(Status::Open)]),
        ] {
            let cluster = ClusterDoc {
                rules: cluster_results.iter().map(rule_doc).collect(),
            };
            for refused in [
                vec![],
                vec![RefusedDoc {
                    bundle: "b".into(),
                    reason: "r\n".into(),
                }],
            ] {
                let nodes: Vec<NodeDoc> =
                    (0..n).map(|i| node_doc_named(&format!("h{i}"))).collect();
                let doc = ResultsDoc {
                    format: FORMAT.into(),
                    generator: generator.clone(),
                    benchmark: benchmark.clone(),
                    nodes: nodes.clone(),
                    cluster: cluster.clone(),
                    refused: refused.clone(),
                };
                let mut want = serde_json::to_vec_pretty(&doc).unwrap();
                want.push(b'\n');
                let mut w = ResultsWriter::begin(Vec::new(), &generator, &benchmark).unwrap();
                for node in &nodes {
                    w.node(node).unwrap();
                }
                let got = w
                    .finish(&generator, &benchmark, &cluster.rules, &refused)
                    .unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap()
                );
            }
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
