//! `kstig diff OLD NEW`: what changed between two analyses, per node, read
//! from their `results.json` (format `kstig-results/1`).
//!
//! For every host in both analyses (and the cluster roll-up), each rule's
//! status is compared by STIG ID: a rule that is Open now and was not is
//! *newly open*; one that was Open and is now Not a Finding or Not
//! Applicable is *fixed*; any other status change is listed as *changed*
//! (Open to Not Reviewed is not a fix: nothing was shown to be compliant).
//! Hosts only in NEW are *added* (their Open rules count as newly open),
//! hosts only in OLD are *removed*.

use crate::commands::{exit, CliError};
use crate::results;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Largest results.json read (a 1,000-node analysis is well under this).
pub const MAX_RESULTS_BYTES: u64 = 1 << 30;

/// Label of the roll-up in the diff.
pub const ROLLUP: &str = "cluster (roll-up)";

/// The parts of a `results.json` a diff reads. Other fields are ignored, so
/// results written by an older or newer kstig of the same format compare.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Results {
    pub format: String,
    #[serde(default)]
    pub generator: Generator,
    #[serde(default)]
    pub benchmark: BenchmarkId,
    #[serde(default)]
    pub nodes: Vec<NodeRules>,
    #[serde(default)]
    pub cluster: ClusterRules,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Generator {
    #[serde(default)]
    pub time: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BenchmarkId {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeRules {
    pub host: String,
    #[serde(default)]
    pub rules: Vec<RuleStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterRules {
    #[serde(default)]
    pub rules: Vec<RuleStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleStatus {
    pub stig_id: String,
    #[serde(default)]
    pub vuln_id: String,
    #[serde(default)]
    pub severity: String,
    pub status: String,
}

/// Kind of change of one rule on one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    NewlyOpen,
    Fixed,
    Changed,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::NewlyOpen => "NEWLY OPEN",
            Kind::Fixed => "FIXED",
            Kind::Changed => "CHANGED",
        }
    }
}

/// One rule whose status differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub stig_id: String,
    pub vuln_id: String,
    pub severity: String,
    /// `results.json` status in OLD; empty when the rule was not there.
    pub old: String,
    pub new: String,
}

/// Whether a host is in both analyses or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Both,
    Added,
    Removed,
}

/// The changes on one host (or the roll-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostDiff {
    pub host: String,
    /// True for the cluster roll-up.
    pub rollup: bool,
    pub presence: Presence,
    pub changes: Vec<Change>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub old: Source,
    pub new: Source,
    /// STIG IDs only in OLD's / NEW's benchmark.
    pub rules_removed: Vec<String>,
    pub rules_added: Vec<String>,
    pub hosts: Vec<HostDiff>,
}

/// Where one side came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub path: String,
    pub generated: String,
    pub benchmark: String,
}

impl Diff {
    /// Changes of this kind on the nodes (`rollup` false) or in the roll-up.
    pub fn count(&self, kind: Kind, rollup: bool) -> usize {
        self.hosts
            .iter()
            .filter(|h| h.rollup == rollup)
            .flat_map(|h| &h.changes)
            .filter(|c| c.kind == kind)
            .count()
    }

    /// 3 when anything became Open (a regression), else 0.
    pub fn exit_code(&self) -> i32 {
        if self.count(Kind::NewlyOpen, false) + self.count(Kind::NewlyOpen, true) > 0 {
            exit::OPEN_FINDINGS
        } else {
            exit::OK
        }
    }
}

/// The `results.json` of an analysis: a `--out` folder or the file itself.
pub fn load(path: &Path) -> Result<(PathBuf, Results), CliError> {
    let file = if path.is_dir() {
        path.join("results.json")
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&file)
        .map_err(|e| CliError(format!("{}: cannot read: {e}", file.display())))?;
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(CliError(format!(
            "{}: {} bytes, over the limit of {MAX_RESULTS_BYTES}",
            file.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(&file)
        .map_err(|e| CliError(format!("{}: cannot read: {e}", file.display())))?;
    let doc: Results = serde_json::from_slice(&bytes).map_err(|e| {
        CliError(format!(
            "{}: not a kstig results.json ({}): {e}",
            file.display(),
            results::FORMAT
        ))
    })?;
    if doc.format != results::FORMAT {
        return Err(CliError(format!(
            "{}: format {:?}, this kstig reads {:?}",
            file.display(),
            doc.format,
            results::FORMAT
        )));
    }
    Ok((file, doc))
}

fn source(path: &Path, doc: &Results) -> Source {
    Source {
        path: path.display().to_string(),
        generated: doc.generator.time.clone(),
        benchmark: if doc.benchmark.label.is_empty() {
            doc.benchmark.id.clone()
        } else {
            doc.benchmark.label.clone()
        },
    }
}

fn classify(old: Option<&RuleStatus>, new: &RuleStatus) -> Option<Kind> {
    let old_status = old.map(|r| r.status.as_str());
    if old_status == Some(new.status.as_str()) {
        return None;
    }
    if new.status == "open" {
        return Some(Kind::NewlyOpen);
    }
    match old_status {
        // A rule new to the benchmark that is not open: not a change of state.
        None => None,
        Some("open") if new.status == "not_a_finding" || new.status == "not_applicable" => {
            Some(Kind::Fixed)
        }
        Some(_) => Some(Kind::Changed),
    }
}

fn compare_rules(old: &[RuleStatus], new: &[RuleStatus]) -> Vec<Change> {
    let before: BTreeMap<&str, &RuleStatus> = old.iter().map(|r| (r.stig_id.as_str(), r)).collect();
    let mut out = Vec::new();
    for r in new {
        let prev = before.get(r.stig_id.as_str()).copied();
        if let Some(kind) = classify(prev, r) {
            out.push(Change {
                kind,
                stig_id: r.stig_id.clone(),
                vuln_id: r.vuln_id.clone(),
                severity: r.severity.clone(),
                old: prev.map(|p| p.status.clone()).unwrap_or_default(),
                new: r.status.clone(),
            });
        }
    }
    // Newly open first, then fixed, then the rest; benchmark order within.
    out.sort_by_key(|c| c.kind);
    out
}

/// Compare two analyses.
pub fn compare(old_path: &Path, old: &Results, new_path: &Path, new: &Results) -> Diff {
    let ids = |d: &Results| -> Vec<String> {
        d.cluster.rules.iter().map(|r| r.stig_id.clone()).collect()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let rules_removed = old_ids
        .iter()
        .filter(|i| !new_ids.contains(i))
        .cloned()
        .collect();
    let rules_added = new_ids
        .iter()
        .filter(|i| !old_ids.contains(i))
        .cloned()
        .collect();

    let old_hosts: BTreeMap<&str, &[RuleStatus]> = old
        .nodes
        .iter()
        .map(|n| (n.host.as_str(), n.rules.as_slice()))
        .collect();
    let new_hosts: BTreeMap<&str, &[RuleStatus]> = new
        .nodes
        .iter()
        .map(|n| (n.host.as_str(), n.rules.as_slice()))
        .collect();
    let mut hosts = Vec::new();
    let mut names: Vec<&str> = old_hosts.keys().chain(new_hosts.keys()).copied().collect();
    names.sort();
    names.dedup();
    for name in names {
        let (presence, changes) = match (old_hosts.get(name), new_hosts.get(name)) {
            (Some(o), Some(n)) => (Presence::Both, compare_rules(o, n)),
            (None, Some(n)) => (Presence::Added, compare_rules(&[], n)),
            (Some(_), None) => (Presence::Removed, Vec::new()),
            (None, None) => continue,
        };
        hosts.push(HostDiff {
            host: name.to_string(),
            rollup: false,
            presence,
            changes,
        });
    }
    hosts.push(HostDiff {
        host: ROLLUP.to_string(),
        rollup: true,
        presence: Presence::Both,
        changes: compare_rules(&old.cluster.rules, &new.cluster.rules),
    });
    Diff {
        old: source(old_path, old),
        new: source(new_path, new),
        rules_removed,
        rules_added,
        hosts,
    }
}

fn cat(severity: &str) -> &'static str {
    match severity {
        "high" => "CAT I",
        "low" => "CAT III",
        _ => "CAT II",
    }
}

/// CKL spelling of a results.json status (what checklists and STIG Viewer show).
fn shown(status: &str) -> &str {
    match crate::model::Status::from_snake(status) {
        Some(s) => s.as_ckl(),
        None if status.is_empty() => "(absent)",
        None => status,
    }
}

/// The terminal rendering.
pub fn render(d: &Diff, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "OLD {} (generated {}, {})\nNEW {} (generated {}, {})",
        d.old.path, d.old.generated, d.old.benchmark, d.new.path, d.new.generated, d.new.benchmark
    );
    if !d.rules_removed.is_empty() {
        let _ = writeln!(
            s,
            "rules only in OLD's benchmark: {}",
            d.rules_removed.join(", ")
        );
    }
    if !d.rules_added.is_empty() {
        let _ = writeln!(
            s,
            "rules only in NEW's benchmark: {}",
            d.rules_added.join(", ")
        );
    }
    let mut unchanged: Vec<&str> = Vec::new();
    for h in &d.hosts {
        let title = paint("1", &h.host);
        match h.presence {
            Presence::Removed => {
                let _ = writeln!(s, "\n{title}: REMOVED (not in NEW)");
                continue;
            }
            Presence::Added => {
                let _ = writeln!(s, "\n{title}: ADDED (not in OLD), {} open", h.changes.len());
            }
            Presence::Both if h.changes.is_empty() => {
                unchanged.push(&h.host);
                continue;
            }
            Presence::Both => {
                let _ = writeln!(s, "\n{title}");
            }
        }
        for c in &h.changes {
            let label = format!("{:<10}", c.kind.label());
            let label = match c.kind {
                Kind::NewlyOpen => paint("1;31", &label),
                Kind::Fixed => paint("32", &label),
                Kind::Changed => label,
            };
            let title = crate::catalog::find(&c.stig_id)
                .map(|e| e.title)
                .unwrap_or("");
            let _ = writeln!(
                s,
                "  {label}  {:<7}  {:<14}  {:<8}  {:<30}  {}",
                cat(&c.severity),
                c.stig_id,
                c.vuln_id,
                format!("{} -> {}", shown(&c.old), shown(&c.new)),
                title
            );
        }
    }
    if !unchanged.is_empty() {
        let shown: Vec<&str> = unchanged.iter().take(20).copied().collect();
        let more = unchanged.len() - shown.len();
        let _ = writeln!(
            s,
            "\nno change: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    let added = d
        .hosts
        .iter()
        .filter(|h| h.presence == Presence::Added)
        .count();
    let removed = d
        .hosts
        .iter()
        .filter(|h| h.presence == Presence::Removed)
        .count();
    let _ = writeln!(
        s,
        "\nnodes: {} newly open, {} fixed, {} other change(s); {} node(s) added, {} removed\nroll-up: {} newly open, {} fixed, {} other change(s)",
        d.count(Kind::NewlyOpen, false),
        d.count(Kind::Fixed, false),
        d.count(Kind::Changed, false),
        added,
        removed,
        d.count(Kind::NewlyOpen, true),
        d.count(Kind::Fixed, true),
        d.count(Kind::Changed, true),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, status: &str) -> RuleStatus {
        RuleStatus {
            stig_id: id.into(),
            vuln_id: format!("V-{id}"),
            severity: "medium".into(),
            status: status.into(),
        }
    }

    fn node(host: &str, rules: Vec<RuleStatus>) -> NodeRules {
        NodeRules {
            host: host.into(),
            rules,
        }
    }

    fn doc(nodes: Vec<NodeRules>, cluster: Vec<RuleStatus>) -> Results {
        Results {
            format: results::FORMAT.into(),
            generator: Generator { time: "t".into() },
            benchmark: BenchmarkId {
                id: "Kubernetes_STIG".into(),
                label: "V2R6".into(),
            },
            nodes,
            cluster: ClusterRules { rules: cluster },
        }
    }

    #[test]
    fn classifies_changes() {
        let old = doc(
            vec![
                node(
                    "a",
                    vec![
                        r("1", "open"),
                        r("2", "not_a_finding"),
                        r("3", "open"),
                        r("4", "not_reviewed"),
                    ],
                ),
                node("gone", vec![r("1", "open")]),
            ],
            vec![r("1", "open")],
        );
        let new = doc(
            vec![
                node(
                    "a",
                    vec![
                        r("1", "not_a_finding"),
                        r("2", "open"),
                        r("3", "not_reviewed"),
                        r("4", "not_applicable"),
                    ],
                ),
                node("fresh", vec![r("1", "open"), r("2", "not_a_finding")]),
            ],
            vec![r("1", "open")],
        );
        let d = compare(Path::new("o"), &old, Path::new("n"), &new);
        let a = &d.hosts[0];
        assert_eq!(a.host, "a");
        let kinds: Vec<(Kind, &str)> = a
            .changes
            .iter()
            .map(|c| (c.kind, c.stig_id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::NewlyOpen, "2"),
                (Kind::Fixed, "1"),
                (Kind::Changed, "3"),
                (Kind::Changed, "4")
            ]
        );
        assert_eq!(d.hosts[1].host, "fresh");
        assert_eq!(d.hosts[1].presence, Presence::Added);
        assert_eq!(d.hosts[1].changes.len(), 1);
        assert_eq!(d.hosts[2].presence, Presence::Removed);
        assert_eq!(d.hosts[3].host, ROLLUP);
        assert!(d.hosts[3].changes.is_empty());
        assert_eq!(d.exit_code(), exit::OPEN_FINDINGS);
        let text = render(&d, false);
        assert!(text.contains("  NEWLY OPEN  CAT II   2"), "{text}");
        assert!(text.contains("Open -> NotAFinding"), "{text}");
        assert!(text.contains("gone: REMOVED (not in NEW)"), "{text}");
        assert!(text.contains("\nno change: cluster (roll-up)\n"), "{text}");
        assert!(
            text.contains("2 newly open, 1 fixed, 2 other change(s); 1 node(s) added, 1 removed")
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn reads_results_json_of_this_kstig_and_ignores_unknown_fields() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("results.json");
        let text = r#"{"format": "kstig-results/1", "future": 1,
            "nodes": [{"host": "a", "rules": [{"stig_id": "1", "status": "open", "extra": "x"}]}],
            "cluster": {"rules": []}}"#;
        std::fs::write(&path, text).expect("write");
        let (file, doc) = load(dir.path()).expect("load");
        assert_eq!(file, path);
        assert_eq!(doc.nodes[0].rules[0].status, "open");
        std::fs::write(&path, r#"{"format": "kstig-results/2"}"#).expect("write");
        let e = load(&path).expect_err("other format");
        assert!(
            e.0.contains("results.json") && e.0.contains("kstig-results/2"),
            "{e}"
        );
    }

    #[test]
    fn no_regression_exits_zero() {
        let old = doc(vec![node("a", vec![r("1", "open")])], vec![r("1", "open")]);
        let new = doc(
            vec![node("a", vec![r("1", "not_a_finding")])],
            vec![r("1", "not_a_finding")],
        );
        let d = compare(Path::new("o"), &old, Path::new("n"), &new);
        assert_eq!(d.exit_code(), exit::OK);
        assert_eq!(d.count(Kind::Fixed, false), 1);
        assert_eq!(d.count(Kind::Fixed, true), 1);
    }
}
