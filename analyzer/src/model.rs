//! Core types shared by the analyzer layers: rule text (from a DISA benchmark
//! or the built-in catalogue), verdicts, and per-node / cluster results.
//! Writers (`ckl`, `cklb`, `xccdf`, `report`) read only these types.

use serde::{Deserialize, Serialize};

/// One rule's text and identifiers, as DISA publishes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleText {
    /// `V-242376` (XCCDF `Group/@id`, without any `xccdf_mil.disa.stig_group_` prefix).
    pub vuln_id: String,
    /// `SV-242376r960759_rule` (XCCDF `Rule/@id`, without prefix).
    pub rule_id: String,
    /// `CNTR-K8-000150` (XCCDF `Rule/version`).
    pub stig_id: String,
    /// `low` | `medium` | `high`.
    pub severity: String,
    /// `Rule/@weight`, `10.0` when absent.
    pub weight: String,
    /// `Group/title` (the SRG id, `SRG-APP-000014-CTR-000035`).
    pub group_title: String,
    pub title: String,
    /// `<VulnDiscussion>` from the escaped description.
    pub discussion: String,
    pub false_positives: String,
    pub false_negatives: String,
    pub documentable: String,
    pub mitigations: String,
    pub severity_override_guidance: String,
    pub potential_impacts: String,
    pub third_party_tools: String,
    pub mitigation_control: String,
    pub responsibility: String,
    pub ia_controls: String,
    pub check_text: String,
    /// `Rule/check/check-content-ref/@name` (`M` in DISA manual benchmarks).
    pub check_ref: String,
    pub fix_text: String,
    /// `CCI-000068`, ...
    pub ccis: Vec<String>,
    /// Legacy ids (`V-xxxx`, `SV-xxxx`) when present.
    pub legacy_ids: Vec<String>,
    /// `Rule/reference/dc:identifier` (DISA TargetKey, `5376` for Kubernetes).
    pub target_key: String,
    /// `Rule/check/@system` (`C-45651r863731_chk`); empty when unknown.
    /// XCCDF results repeat it in `rule-result/check/@system`.
    #[serde(default)]
    pub check_system: String,
    /// `Rule/check/check-content-ref/@href` (`U_Kubernetes_V1R11_STIG.zip.xml`); empty when unknown.
    #[serde(default)]
    pub check_ref_href: String,
    /// `Rule/fixtext/@fixref` = `Rule/fix/@id` (`F-45609r863732_fix`); empty when unknown.
    #[serde(default)]
    pub fix_id: String,
}

/// Where the rule text came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchmarkInfo {
    /// `Kubernetes_STIG` (Benchmark/@id without the `xccdf_mil.disa.stig_benchmark_` prefix).
    pub id: String,
    pub title: String,
    pub description: String,
    /// Benchmark/version (`1`, `2`).
    pub version: String,
    /// `Release: 11 Benchmark Date: 25 Oct 2023`.
    pub release_info: String,
    /// Release number parsed from `release_info` (`11`), empty when unknown.
    pub release: String,
    /// Benchmark date as written (`25 Oct 2023`).
    pub date: String,
    /// `V1R11`-style label.
    pub label: String,
    /// File name the benchmark was loaded from (the XCCDF name inside a zip).
    pub filename: String,
    /// Benchmark/notice/@id (`terms-of-use`).
    pub notice: String,
    /// Benchmark/reference/dc:source (`STIG.DOD.MIL`).
    pub source: String,
    /// Benchmark/status/@date.
    pub status_date: String,
    /// True when this is the built-in catalogue (short titles only, no DISA text).
    pub builtin: bool,
    /// Number of Rules in the whole benchmark (91 for V1R11), 0 when unknown.
    /// CKLB `stigs[].size` wants the benchmark's total even when fewer rules are written.
    #[serde(default)]
    pub rule_count: usize,
}

/// A loaded set of rules, in benchmark order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Benchmark {
    pub info: BenchmarkInfo,
    pub rules: Vec<RuleText>,
}

/// A verdict, with the spellings of each output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    NotAFinding,
    NotApplicable,
    NotReviewed,
}

impl Status {
    /// `results.json` / CKLB spelling.
    pub fn as_snake(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::NotAFinding => "not_a_finding",
            Status::NotApplicable => "not_applicable",
            Status::NotReviewed => "not_reviewed",
        }
    }
    /// CKL `STATUS` spelling.
    pub fn as_ckl(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::NotAFinding => "NotAFinding",
            Status::NotApplicable => "Not_Applicable",
            Status::NotReviewed => "Not_Reviewed",
        }
    }
    /// XCCDF `rule-result/result` spelling.
    pub fn as_xccdf(self) -> &'static str {
        match self {
            Status::Open => "fail",
            Status::NotAFinding => "pass",
            Status::NotApplicable => "notapplicable",
            Status::NotReviewed => "notchecked",
        }
    }
    pub fn from_ckl(s: &str) -> Option<Status> {
        match s.trim() {
            "Open" => Some(Status::Open),
            "NotAFinding" => Some(Status::NotAFinding),
            "Not_Applicable" => Some(Status::NotApplicable),
            "Not_Reviewed" => Some(Status::NotReviewed),
            _ => None,
        }
    }
    pub fn from_snake(s: &str) -> Option<Status> {
        match s.trim() {
            "open" => Some(Status::Open),
            "not_a_finding" => Some(Status::NotAFinding),
            "not_applicable" => Some(Status::NotApplicable),
            "not_reviewed" => Some(Status::NotReviewed),
            _ => None,
        }
    }
}

/// How kstig decides a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// From node evidence (processes, manifests, configs, file metadata, versions).
    Node,
    /// From cluster API objects.
    Cluster,
    /// A person decides; kstig gathers evidence.
    Manual,
}

/// The verdict of one rule on one node (or the cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    pub stig_id: String,
    pub vuln_id: String,
    pub rule_id: String,
    pub severity: String,
    pub status: Status,
    /// Evidence text: what was found where (FINDING_DETAILS).
    pub details: String,
    /// Assessor-facing comment (COMMENTS): remediation hint, ambiguity notes.
    pub comments: String,
    /// Severity override carried forward from an earlier checklist (`low`/`medium`/`high` or empty).
    pub severity_override: String,
    pub severity_justification: String,
}

/// Facts about the assessed node, for checklist ASSET / target data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub host_name: String,
    pub fqdn: String,
    pub ip_addresses: Vec<String>,
    pub mac_addresses: Vec<String>,
    /// `control-plane`, `worker`, or `cluster` for the roll-up.
    pub role: String,
    pub bundle_id: String,
    pub signer_fingerprint: String,
    /// Bundle creation time (RFC 3339).
    pub collected: String,
    /// Free text for TARGET_COMMENT.
    pub comment: String,
    /// Extra facts (os, kernel, machine-id) for XCCDF target-facts.
    pub facts: Vec<(String, String)>,
    /// True when the bundle was analyzed with `--allow-untrusted` and did not verify.
    pub untrusted: bool,
}

/// All verdicts for one checklist (a node or the cluster roll-up), in benchmark order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub target: Target,
    pub results: Vec<RuleResult>,
}
