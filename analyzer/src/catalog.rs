//! The built-in catalogue: the 92 rules of the DISA Kubernetes STIG V2R6
//! (benchmark date 01 Apr 2026), used when the user supplies no benchmark.
//!
//! It holds only identifiers, severity, how kstig decides the rule, and a
//! short title in kstig's own words: no DISA discussion, check or fix text.
//! Checklists written from it therefore carry empty DISA text fields; users
//! who need the full text pass DISA's benchmark (`analyzer::benchmark`).
//!
//! `catalog/table.rs` is generated from `shared/stig/kubernetes-stig-v2r6-rules.json`
//! (one entry per JSON row, in the JSON's order: `stig_id`, `vuln_id`,
//! `rule_id`, severity `CAT I`/`CAT II`/`CAT III` → `high`/`medium`/`low`,
//! `title`, class `AUTO-NODE`/`AUTO-CLUSTER`/`MANUAL` → `Method::Node`/
//! `Method::Cluster`/`Method::Manual`). The tests below re-read that JSON
//! when `shared/` is present and fail on any difference, so a new release
//! means regenerating the table and updating the constants here.

mod table;

use crate::model::{Benchmark, BenchmarkInfo, Method, RuleText};

/// One rule of the built-in catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// `CNTR-K8-000150`: the key for checks.
    pub stig_id: &'static str,
    /// `V-242376`.
    pub vuln_id: &'static str,
    /// `SV-242376r960759_rule` (V2R6 revision).
    pub rule_id: &'static str,
    /// `low` | `medium` | `high`.
    pub severity: &'static str,
    /// Short title in kstig's own words.
    pub title: &'static str,
    pub method: Method,
}

pub const BENCHMARK_ID: &str = "Kubernetes_STIG";
pub const BENCHMARK_TITLE: &str = "Kubernetes Security Technical Implementation Guide";
pub const VERSION: &str = "2";
pub const RELEASE: &str = "6";
pub const BENCHMARK_DATE: &str = "01 Apr 2026";
pub const RELEASE_INFO: &str = "Release: 6 Benchmark Date: 01 Apr 2026";
pub const LABEL: &str = "V2R6";

/// All entries, in benchmark order.
pub fn entries() -> &'static [CatalogEntry] {
    &table::ENTRIES
}

/// The entry with this STIG ID (`CNTR-K8-000150`).
pub fn find(stig_id: &str) -> Option<&'static CatalogEntry> {
    table::ENTRIES.iter().find(|e| e.stig_id == stig_id)
}

/// The catalogue as a `Benchmark`: ids, severity and short titles only.
pub fn builtin_benchmark() -> Benchmark {
    let info = BenchmarkInfo {
        id: BENCHMARK_ID.to_string(),
        title: BENCHMARK_TITLE.to_string(),
        version: VERSION.to_string(),
        release_info: RELEASE_INFO.to_string(),
        release: RELEASE.to_string(),
        date: BENCHMARK_DATE.to_string(),
        label: LABEL.to_string(),
        builtin: true,
        ..BenchmarkInfo::default()
    };
    let rules: Vec<RuleText> = table::ENTRIES
        .iter()
        .map(|e| RuleText {
            vuln_id: e.vuln_id.to_string(),
            rule_id: e.rule_id.to_string(),
            stig_id: e.stig_id.to_string(),
            severity: e.severity.to_string(),
            weight: "10.0".to_string(),
            title: e.title.to_string(),
            // DISA's TargetKey for the Kubernetes STIG (every release so far).
            target_key: "5376".to_string(),
            ..RuleText::default()
        })
        .collect();
    let mut info = info;
    info.rule_count = rules.len();
    Benchmark { info, rules }
}

/// The revision part of a Rule ID: `SV-242376r960759_rule` → `r960759`.
/// `None` when the id has no `r<digits>` after the number.
pub fn revision(rule_id: &str) -> Option<&str> {
    let base = rule_id.strip_suffix("_rule").unwrap_or(rule_id);
    let (_, digits) = base.rsplit_once('r')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let start = base.len() - digits.len() - 1;
    base.get(start..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::PathBuf;

    #[test]
    fn counts_and_uniqueness() {
        let all = entries();
        assert_eq!(all.len(), 92);
        let stig: HashSet<_> = all.iter().map(|e| e.stig_id).collect();
        let vuln: HashSet<_> = all.iter().map(|e| e.vuln_id).collect();
        let rule: HashSet<_> = all.iter().map(|e| e.rule_id).collect();
        assert_eq!((stig.len(), vuln.len(), rule.len()), (92, 92, 92));
        let method = |m: Method| all.iter().filter(|e| e.method == m).count();
        assert_eq!(method(Method::Node), 78);
        assert_eq!(method(Method::Cluster), 7);
        assert_eq!(method(Method::Manual), 7);
        let severity = |s: &str| all.iter().filter(|e| e.severity == s).count();
        assert_eq!(
            (severity("high"), severity("medium"), severity("low")),
            (18, 74, 0)
        );
        for e in all {
            assert!(e.stig_id.starts_with("CNTR-K8-"));
            assert!(e.vuln_id.starts_with("V-"));
            assert!(e.rule_id.starts_with(&format!("S{}r", e.vuln_id)));
            assert!(revision(e.rule_id).is_some(), "{}", e.rule_id);
            assert!(!e.title.is_empty() && e.title.len() < 100);
        }
    }

    #[test]
    fn find_and_revision() {
        let e = find("CNTR-K8-000150").expect("present");
        assert_eq!(e.vuln_id, "V-242376");
        assert_eq!(e.rule_id, "SV-242376r960759_rule");
        assert_eq!(e.severity, "medium");
        assert_eq!(e.method, Method::Node);
        assert!(find("CNTR-K8-999999").is_none());
        assert!(find("").is_none());
        assert_eq!(revision("SV-242376r960759_rule"), Some("r960759"));
        assert_eq!(revision("SV-242376r879519"), Some("r879519"));
        assert_eq!(revision("SV-242376_rule"), None);
        assert_eq!(revision("SV-242376r_rule"), None);
        assert_eq!(revision("r"), None);
        assert_eq!(revision(""), None);
    }

    #[test]
    fn builtin_benchmark_shape() {
        let b = builtin_benchmark();
        assert_eq!(b.info.id, "Kubernetes_STIG");
        assert_eq!(
            b.info.title,
            "Kubernetes Security Technical Implementation Guide"
        );
        assert_eq!(b.info.version, "2");
        assert_eq!(
            b.info.release_info,
            "Release: 6 Benchmark Date: 01 Apr 2026"
        );
        assert_eq!(b.info.label, "V2R6");
        assert_eq!(b.info.filename, "");
        assert!(b.info.builtin);
        assert_eq!(b.rules.len(), 92);
        for (rule, entry) in b.rules.iter().zip(entries()) {
            assert_eq!(rule.stig_id, entry.stig_id);
            assert_eq!(rule.weight, "10.0");
            assert_eq!(rule.title, entry.title);
            assert!(rule.discussion.is_empty() && rule.check_text.is_empty());
            assert!(rule.fix_text.is_empty() && rule.ccis.is_empty());
        }
    }

    /// `shared/stig/kubernetes-stig-v2r6-rules.json` near the workspace.
    fn rules_json() -> Option<serde_json::Value> {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let primary = manifest.join("../../shared/stig/kubernetes-stig-v2r6-rules.json");
        let path = if primary.is_file() {
            Some(primary)
        } else {
            manifest
                .ancestors()
                .map(|d| d.join("shared/stig/kubernetes-stig-v2r6-rules.json"))
                .find(|p| p.is_file())
        };
        let Some(path) = path else {
            eprintln!("kubernetes-stig-v2r6-rules.json not found: skipping");
            return None;
        };
        let text = std::fs::read_to_string(&path).expect("readable JSON");
        Some(serde_json::from_str(&text).expect("valid JSON"))
    }

    #[test]
    fn matches_the_shared_json() {
        let Some(json) = rules_json() else {
            return;
        };
        let rows = json.as_array().expect("array of rules");
        assert_eq!(rows.len(), entries().len());
        let field = |row: &serde_json::Value, key: &str| -> String {
            row.get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{key} missing in {row}"))
                .to_string()
        };
        for (row, entry) in rows.iter().zip(entries()) {
            let stig_id = field(row, "stig_id");
            assert_eq!(entry.stig_id, stig_id, "order follows the JSON");
            assert_eq!(entry.vuln_id, field(row, "vuln_id"), "{stig_id}");
            assert_eq!(entry.rule_id, field(row, "rule_id"), "{stig_id}");
            assert_eq!(entry.title, field(row, "title"), "{stig_id}");
            let severity = match field(row, "severity").as_str() {
                "CAT I" => "high",
                "CAT II" => "medium",
                "CAT III" => "low",
                other => panic!("{stig_id}: severity {other}"),
            };
            assert_eq!(entry.severity, severity, "{stig_id}");
            let method = match field(row, "class").as_str() {
                "AUTO-NODE" => Method::Node,
                "AUTO-CLUSTER" => Method::Cluster,
                "MANUAL" => Method::Manual,
                other => panic!("{stig_id}: class {other}"),
            };
            assert_eq!(entry.method, method, "{stig_id}");
        }
    }
}
