//! Assessor answers: recorded decisions for rules a person decides
//! (`kstig analyze --answers FILE`), in YAML, format `kstig-answers/1`
//! (`schemas/answers.schema.json`, `docs/cluster.md`).
//!
//! ```yaml
//! format: kstig-answers/1
//! answers:
//!   - stig_id: CNTR-K8-001360
//!     status: not_a_finding
//!     justification: backup-agent is the platform team's etcd backup, SSP section 4.2.
//!     author: J. Smith
//!     date: 2026-03-01
//!     expires: 2026-09-01
//!     hosts: cluster
//! ```
//!
//! An answer replaces a verdict only for its STIG ID and the hosts its
//! patterns match (no `hosts` = every host and the cluster checklist),
//! only until it expires, only while the finding details still hash to
//! `evidence_sha256` (when given), and replaces an automated verdict only
//! with `override: true`.

use crate::model::{RuleResult, Status};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Value of the optional top-level `format` field.
pub const FORMAT: &str = "kstig-answers/1";

/// Largest answers file read.
pub const MAX_ANSWERS_BYTES: u64 = 4 << 20;

const TOP_FIELDS: [&str; 2] = ["format", "answers"];
const FIELDS: [&str; 9] = [
    "stig_id",
    "status",
    "justification",
    "author",
    "date",
    "expires",
    "hosts",
    "evidence_sha256",
    "override",
];
const REQUIRED: [&str; 5] = ["stig_id", "status", "justification", "author", "date"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswersError {
    #[error("cannot read answers file {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: not valid YAML: {message}")]
    Yaml { path: String, message: String },
    #[error("{path}: {message}")]
    Document { path: String, message: String },
    #[error("{path}: answers[{index}]: {message}")]
    Answer {
        path: String,
        index: usize,
        message: String,
    },
    #[error("{path}: answers[{index}].{field}: {message}")]
    Field {
        path: String,
        index: usize,
        field: String,
        message: String,
    },
}

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Position in the file's `answers` list (0-based), for messages.
    pub index: usize,
    pub stig_id: String,
    pub status: Status,
    pub justification: String,
    pub author: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`: the answer applies up to and including this day.
    pub expires: Option<String>,
    /// Host name patterns (`*`, `?`, case-insensitive); `None` = all hosts and the cluster.
    pub hosts: Option<Vec<String>>,
    /// SHA-256 (lowercase hex) of the finding details the answer was given for.
    pub evidence_sha256: Option<String>,
    /// Whether the answer may replace an automated verdict.
    pub override_automated: bool,
}

impl Answer {
    /// True when the answer is for this host.
    pub fn matches_host(&self, host: &str) -> bool {
        match &self.hosts {
            None => true,
            Some(patterns) => patterns.iter().any(|p| glob_match(p, host)),
        }
    }
}

/// A loaded answers file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// The file name, for messages.
    pub path: String,
    pub answers: Vec<Answer>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Hosts {
    One(String),
    Many(Vec<String>),
}

/// The typed form of one answer, after the key checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    stig_id: String,
    status: String,
    justification: String,
    author: String,
    date: String,
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    hosts: Option<Hosts>,
    #[serde(default)]
    evidence_sha256: Option<String>,
    #[serde(default, rename = "override")]
    override_: Option<bool>,
}

/// Read and validate an answers file.
pub fn load(path: &Path) -> Result<Answers, AnswersError> {
    let name = path.display().to_string();
    let read_err = |message: String| AnswersError::Read {
        path: name.clone(),
        message,
    };
    let bytes = crate::safety::read_capped(path, MAX_ANSWERS_BYTES, "answers file", "")
        .map_err(|e| read_err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| read_err("not UTF-8 text".into()))?;
    parse_str(&text, &name)
}

/// Parse answers from YAML text; `path` names it in errors.
pub fn parse_str(text: &str, path: &str) -> Result<Answers, AnswersError> {
    let doc = crate::yaml::parse(text).map_err(|e| AnswersError::Yaml {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let doc_err = |message: String| AnswersError::Document {
        path: path.to_string(),
        message,
    };
    let Value::Object(top) = doc else {
        return Err(doc_err(
            "expected a mapping with an \"answers\" list".to_string(),
        ));
    };
    for key in top.keys() {
        if !TOP_FIELDS.contains(&key.as_str()) {
            return Err(doc_err(format!(
                "unknown top-level field {key:?} (allowed: {})",
                TOP_FIELDS.join(", ")
            )));
        }
    }
    match top.get("format") {
        None | Some(Value::Null) => {}
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(doc_err(format!(
                "format {} is not {FORMAT}",
                compact(other)
            )))
        }
    }
    let list = match top.get("answers") {
        None => {
            return Err(doc_err(
                "expected a mapping with an \"answers\" list".to_string(),
            ))
        }
        Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(doc_err("\"answers\" must be a list".to_string())),
    };
    let mut answers: Vec<Answer> = Vec::new();
    for (index, item) in list.into_iter().enumerate() {
        let answer = parse_answer(item, index, path)?;
        if let Some(first) = answers
            .iter()
            .find(|a| a.stig_id == answer.stig_id && host_key(a) == host_key(&answer))
        {
            return Err(AnswersError::Answer {
                path: path.to_string(),
                index,
                message: format!(
                    "duplicate of answers[{}] (same stig_id {} and hosts {})",
                    first.index,
                    answer.stig_id,
                    match &answer.hosts {
                        None => "(all)".to_string(),
                        Some(h) => h.join(", "),
                    }
                ),
            });
        }
        answers.push(answer);
    }
    Ok(Answers {
        path: path.to_string(),
        answers,
    })
}

fn host_key(a: &Answer) -> Option<Vec<String>> {
    a.hosts.as_ref().map(|h| {
        let mut k: Vec<String> = h.iter().map(|p| p.to_ascii_lowercase()).collect();
        k.sort();
        k.dedup();
        k
    })
}

/// A JSON value shown in a message, shortened.
fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Why a field's value has the wrong type, if it does.
fn type_problem(field: &str, v: &Value) -> Option<String> {
    let ok = match field {
        "override" => v.is_boolean(),
        "hosts" => v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        _ => v.is_string(),
    };
    if ok || v.is_null() {
        return None;
    }
    Some(match field {
        "override" => format!("must be true or false, not {}", type_name(v)),
        "hosts" => "must be a host pattern or a list of host patterns".to_string(),
        _ => format!("must be a string, not {}", type_name(v)),
    })
}

fn parse_answer(item: Value, index: usize, path: &str) -> Result<Answer, AnswersError> {
    let field_err = |field: &str, message: String| AnswersError::Field {
        path: path.to_string(),
        index,
        field: field.to_string(),
        message,
    };
    let Value::Object(map) = item else {
        return Err(AnswersError::Answer {
            path: path.to_string(),
            index,
            message: format!("must be a mapping, not {}", type_name(&item)),
        });
    };
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            return Err(AnswersError::Answer {
                path: path.to_string(),
                index,
                message: format!("unknown field {key:?} (allowed: {})", FIELDS.join(", ")),
            });
        }
    }
    for field in REQUIRED {
        let empty = match map.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        };
        if empty {
            return Err(field_err(field, "required, must not be empty".into()));
        }
    }
    for (key, v) in &map {
        if let Some(problem) = type_problem(key, v) {
            return Err(field_err(key, problem));
        }
    }
    // Optional fields written as `key:` with no value are absent.
    let map: Map<String, Value> = map.into_iter().filter(|(_, v)| !v.is_null()).collect();
    let raw: RawAnswer =
        serde_json::from_value(Value::Object(map)).map_err(|e| AnswersError::Answer {
            path: path.to_string(),
            index,
            message: e.to_string(),
        })?;

    let stig_id = raw.stig_id.trim().to_string();
    if !is_stig_id(&stig_id) {
        let hint = crate::catalog::entries()
            .iter()
            .find(|e| e.vuln_id == stig_id || e.rule_id == stig_id)
            .map(|e| format!("; the STIG ID of {stig_id} is {}", e.stig_id))
            .unwrap_or_default();
        return Err(field_err(
            "stig_id",
            format!("{stig_id:?} is not a STIG ID (like CNTR-K8-000290){hint}"),
        ));
    }
    let status = Status::from_snake(&raw.status).ok_or_else(|| {
        field_err(
            "status",
            format!(
                "{:?} is not one of open, not_a_finding, not_applicable, not_reviewed",
                raw.status
            ),
        )
    })?;
    let date = raw.date.trim().to_string();
    if !valid_date(&date) {
        return Err(field_err(
            "date",
            format!("{date:?} is not a valid date (YYYY-MM-DD)"),
        ));
    }
    let expires = match raw.expires.map(|e| e.trim().to_string()) {
        None => None,
        Some(e) if !valid_date(&e) => {
            return Err(field_err(
                "expires",
                format!("{e:?} is not a valid date (YYYY-MM-DD)"),
            ))
        }
        Some(e) if e < date => {
            return Err(field_err("expires", format!("{e} is before date {date}")))
        }
        Some(e) => Some(e),
    };
    let hosts = match raw.hosts {
        None => None,
        Some(Hosts::One(h)) => Some(vec![h]),
        Some(Hosts::Many(hs)) => Some(hs),
    };
    if let Some(hs) = &hosts {
        if hs.is_empty() {
            return Err(field_err(
                "hosts",
                "empty list (leave hosts out to mean every host)".into(),
            ));
        }
        if hs.iter().any(|h| h.trim().is_empty()) {
            return Err(field_err("hosts", "empty host pattern".into()));
        }
    }
    let hosts = hosts.map(|hs| hs.into_iter().map(|h| h.trim().to_string()).collect());
    let evidence_sha256 = match raw.evidence_sha256 {
        None => None,
        Some(h) => {
            let h = h.trim().to_ascii_lowercase();
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(field_err(
                    "evidence_sha256",
                    "must be 64 hexadecimal characters (SHA-256)".into(),
                ));
            }
            Some(h)
        }
    };
    Ok(Answer {
        index,
        stig_id,
        status,
        justification: raw.justification.trim().to_string(),
        author: raw.author.trim().to_string(),
        date,
        expires,
        hosts,
        evidence_sha256,
        override_automated: raw.override_.unwrap_or(false),
    })
}

/// `CNTR-K8-000290`-like: uppercase letters, digits and dashes, starting
/// with a letter, in at least three parts (`V-242417` is a Vuln ID).
fn is_stig_id(s: &str) -> bool {
    s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.matches('-').count() >= 2
        && !s.contains("--")
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Match a host name against a pattern: `*` any run of characters, `?` one
/// character, everything else literal; ASCII case-insensitive.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position of the last `*` and the text position it currently covers up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// SHA-256 (lowercase hex) of finding details, the value `evidence_sha256` is compared with.
pub fn evidence_sha256(details: &str) -> String {
    let digest = Sha256::digest(details.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn append_line(field: &mut String, line: &str) {
    if !field.is_empty() {
        field.push('\n');
    }
    field.push_str(line);
}

/// Apply the answer for `stig_id` on `host` (a node's host name, or
/// `cluster` for the cluster checklist) to `verdict`.
///
/// An answer with `hosts` matching the host wins over one without `hosts`;
/// among equals, the first in the file. Returns a one-line account of what
/// happened when an answer matched, `None` when none did.
///
/// `automated` is true when kstig decided the verdict itself (node or
/// cluster check); such a verdict is replaced only by an answer with
/// `override: true` (an answer that agrees with it only adds its comment).
/// `today` (`YYYY-MM-DD`) is pinned by the caller; an answer applies up to
/// and including its `expires` day. `evidence_sha256` is compared with the
/// SHA-256 of `verdict.details` as passed in, before anything is appended.
pub fn apply(
    answers: &Answers,
    host: &str,
    stig_id: &str,
    automated: bool,
    verdict: &mut RuleResult,
    today: &str,
) -> Option<String> {
    let for_rule = || {
        answers
            .answers
            .iter()
            .filter(|a| a.stig_id == stig_id && a.matches_host(host))
    };
    let answer = for_rule()
        .find(|a| a.hosts.is_some())
        .or_else(|| for_rule().next())?;
    let who = format!("answer by {} on {}", answer.author, answer.date);
    let at = format!("answers[{}] in {}", answer.index, answers.path);

    if let Some(expires) = &answer.expires {
        if today > expires.as_str() {
            append_line(
                &mut verdict.details,
                &format!("answer by {} expired on {expires}", answer.author),
            );
            return Some(format!(
                "{stig_id} on {host}: {at} not applied: expired on {expires}"
            ));
        }
    }
    if let Some(want) = &answer.evidence_sha256 {
        let now = evidence_sha256(&verdict.details);
        if *want != now {
            append_line(
                &mut verdict.details,
                &format!(
                    "{who} not applied: evidence changed since the answer was given (was {want}, now {now})"
                ),
            );
            return Some(format!(
                "{stig_id} on {host}: {at} not applied: evidence changed"
            ));
        }
    }
    let comment = format!(
        "Answer by {} on {}: {}",
        answer.author, answer.date, answer.justification
    );
    let previous = verdict.status;
    if automated && !answer.override_automated {
        if answer.status == previous {
            append_line(&mut verdict.comments, &comment);
            return Some(format!(
                "{stig_id} on {host}: {at} agrees with the automated verdict; comment added"
            ));
        }
        append_line(
            &mut verdict.details,
            &format!(
                "{who} not applied: kstig decided this rule automatically ({}); the answer ({}) needs override: true to replace it",
                previous.as_ckl(),
                answer.status.as_ckl()
            ),
        );
        return Some(format!(
            "{stig_id} on {host}: {at} not applied: automated verdict without override"
        ));
    }
    verdict.status = answer.status;
    if automated && previous != answer.status {
        append_line(
            &mut verdict.comments,
            &format!(
                "{comment} (overrides the automated verdict {})",
                previous.as_ckl()
            ),
        );
    } else {
        append_line(&mut verdict.comments, &comment);
    }
    Some(format!(
        "{stig_id} on {host}: {at} applied ({})",
        answer.status.as_snake()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rr(status: Status, details: &str) -> RuleResult {
        RuleResult {
            stig_id: "CNTR-K8-001360".into(),
            vuln_id: "V-242417".into(),
            rule_id: "SV-242417r1137643_rule".into(),
            severity: "medium".into(),
            status,
            details: details.into(),
            comments: String::new(),
            severity_override: String::new(),
            severity_justification: String::new(),
        }
    }

    fn one(extra: &str) -> Answers {
        let text = format!(
            "format: kstig-answers/1\nanswers:\n  - stig_id: CNTR-K8-001360\n    status: not_a_finding\n    justification: backup-agent is platform (SSP 4.2)\n    author: J. Smith\n    date: 2026-03-01\n{extra}"
        );
        parse_str(&text, "answers.yaml").unwrap()
    }

    #[test]
    fn applied() {
        let a = one("");
        let mut v = rr(Status::NotReviewed, "evidence");
        let msg = apply(&a, "cluster", "CNTR-K8-001360", false, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::NotAFinding);
        assert_eq!(
            v.comments,
            "Answer by J. Smith on 2026-03-01: backup-agent is platform (SSP 4.2)"
        );
        assert_eq!(v.details, "evidence");
        assert_eq!(
            msg,
            "CNTR-K8-001360 on cluster: answers[0] in answers.yaml applied (not_a_finding)"
        );
        // Other rule: nothing.
        let mut v = rr(Status::NotReviewed, "evidence");
        assert_eq!(
            apply(&a, "cluster", "CNTR-K8-001161", false, &mut v, "2026-03-02"),
            None
        );
        assert_eq!(v.status, Status::NotReviewed);
    }

    #[test]
    fn expired() {
        let a = one("    expires: 2026-06-30\n");
        let mut v = rr(Status::NotReviewed, "evidence");
        apply(&a, "h", "CNTR-K8-001360", false, &mut v, "2026-06-30").unwrap();
        assert_eq!(v.status, Status::NotAFinding, "valid on its last day");
        let mut v = rr(Status::NotReviewed, "evidence");
        let msg = apply(&a, "h", "CNTR-K8-001360", false, &mut v, "2026-07-01").unwrap();
        assert_eq!(v.status, Status::NotReviewed);
        assert_eq!(
            v.details,
            "evidence\nanswer by J. Smith expired on 2026-06-30"
        );
        assert!(v.comments.is_empty());
        assert!(msg.contains("expired"));
    }

    #[test]
    fn evidence_changed() {
        let good = evidence_sha256("evidence");
        assert_eq!(good.len(), 64);
        let a = one(&format!("    evidence_sha256: {}\n", good.to_uppercase()));
        let mut v = rr(Status::NotReviewed, "evidence");
        apply(&a, "h", "CNTR-K8-001360", false, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::NotAFinding);
        let mut v = rr(Status::NotReviewed, "evidence plus a new pod");
        let now = evidence_sha256("evidence plus a new pod");
        apply(&a, "h", "CNTR-K8-001360", false, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::NotReviewed);
        assert_eq!(
            v.details,
            format!("evidence plus a new pod\nanswer by J. Smith on 2026-03-01 not applied: evidence changed since the answer was given (was {good}, now {now})")
        );
    }

    #[test]
    fn host_patterns() {
        let a = one("    hosts: [\"k8s-worker-*\", \"edge-0?\"]\n");
        for (host, hit) in [
            ("k8s-worker-01", true),
            ("K8S-WORKER-17", true),
            ("k8s-worker-", true),
            ("edge-01", true),
            ("edge-1", false),
            ("edge-011", false),
            ("k8s-cp-01", false),
            ("cluster", false),
        ] {
            let mut v = rr(Status::NotReviewed, "e");
            let r = apply(&a, host, "CNTR-K8-001360", false, &mut v, "2026-03-02");
            assert_eq!(r.is_some(), hit, "{host}");
            assert_eq!(v.status == Status::NotAFinding, hit, "{host}");
        }
        let a = one("    hosts: cluster\n");
        let mut v = rr(Status::NotReviewed, "e");
        assert!(apply(&a, "cluster", "CNTR-K8-001360", false, &mut v, "2026-03-02").is_some());
    }

    #[test]
    fn specific_hosts_win() {
        let text = "answers:
  - {stig_id: CNTR-K8-001360, status: open, justification: general, author: A, date: 2026-01-01}
  - {stig_id: CNTR-K8-001360, status: not_applicable, justification: workers, author: B, date: 2026-01-02, hosts: 'k8s-worker-*'}
";
        let a = parse_str(text, "a.yaml").unwrap();
        let mut v = rr(Status::NotReviewed, "e");
        apply(
            &a,
            "k8s-worker-03",
            "CNTR-K8-001360",
            false,
            &mut v,
            "2026-03-02",
        );
        assert_eq!(v.status, Status::NotApplicable);
        let mut v = rr(Status::NotReviewed, "e");
        apply(
            &a,
            "k8s-cp-01",
            "CNTR-K8-001360",
            false,
            &mut v,
            "2026-03-02",
        );
        assert_eq!(v.status, Status::Open);
    }

    #[test]
    fn automated_verdicts_need_override() {
        let a = one("");
        let mut v = rr(Status::Open, "found X");
        let msg = apply(&a, "h", "CNTR-K8-001360", true, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::Open);
        assert_eq!(
            v.details,
            "found X\nanswer by J. Smith on 2026-03-01 not applied: kstig decided this rule automatically (Open); the answer (NotAFinding) needs override: true to replace it"
        );
        assert!(msg.contains("without override"));
        // Agreeing with the automated verdict adds the comment only.
        let mut v = rr(Status::NotAFinding, "fine");
        apply(&a, "h", "CNTR-K8-001360", true, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::NotAFinding);
        assert_eq!(v.details, "fine");
        assert!(v.comments.starts_with("Answer by J. Smith"));
        // With override.
        let a = one("    override: true\n");
        let mut v = rr(Status::Open, "found X");
        v.comments = "fix hint".into();
        apply(&a, "h", "CNTR-K8-001360", true, &mut v, "2026-03-02").unwrap();
        assert_eq!(v.status, Status::NotAFinding);
        assert_eq!(v.details, "found X");
        assert_eq!(
            v.comments,
            "fix hint\nAnswer by J. Smith on 2026-03-01: backup-agent is platform (SSP 4.2) (overrides the automated verdict Open)"
        );
    }

    fn err(text: &str) -> String {
        parse_str(text, "a.yaml").unwrap_err().to_string()
    }

    const BASE: &str =
        "stig_id: CNTR-K8-001360, status: open, justification: j, author: a, date: 2026-01-01";

    #[test]
    fn malformed_files() {
        let cases: Vec<(String, &str)> = vec![
            ("".into(), "a.yaml: expected a mapping with an \"answers\" list"),
            ("- a\n".into(), "a.yaml: expected a mapping with an \"answers\" list"),
            ("answer: []\n".into(), "a.yaml: unknown top-level field \"answer\" (allowed: format, answers)"),
            ("format: kstig-answers/2\nanswers: []\n".into(), "a.yaml: format \"kstig-answers/2\" is not kstig-answers/1"),
            ("answers: 3\n".into(), "a.yaml: \"answers\" must be a list"),
            ("answers: [7]\n".into(), "a.yaml: answers[0]: must be a mapping, not a number"),
            (format!("answers:\n  - {{{BASE}, statsu: open}}\n"),
             "a.yaml: answers[0]: unknown field \"statsu\" (allowed: stig_id, status, justification, author, date, expires, hosts, evidence_sha256, override)"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: open, author: a, date: 2026-01-01}\n".into(),
             "a.yaml: answers[0].justification: required, must not be empty"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: open, justification: '  ', author: a, date: 2026-01-01}\n".into(),
             "a.yaml: answers[0].justification: required, must not be empty"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: closed, justification: j, author: a, date: 2026-01-01}\n".into(),
             "a.yaml: answers[0].status: \"closed\" is not one of open, not_a_finding, not_applicable, not_reviewed"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: open, justification: j, author: a, date: 2026-02-30}\n".into(),
             "a.yaml: answers[0].date: \"2026-02-30\" is not a valid date (YYYY-MM-DD)"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: open, justification: j, author: a, date: 03/01/2026}\n".into(),
             "a.yaml: answers[0].date: \"03/01/2026\" is not a valid date (YYYY-MM-DD)"),
            (format!("answers:\n  - {{{BASE}, expires: 2025-12-31}}\n"),
             "a.yaml: answers[0].expires: 2025-12-31 is before date 2026-01-01"),
            (format!("answers:\n  - {{{BASE}, expires: soon}}\n"),
             "a.yaml: answers[0].expires: \"soon\" is not a valid date (YYYY-MM-DD)"),
            (format!("answers:\n  - {{{BASE}, hosts: 5}}\n"),
             "a.yaml: answers[0].hosts: must be a host pattern or a list of host patterns"),
            (format!("answers:\n  - {{{BASE}, hosts: []}}\n"),
             "a.yaml: answers[0].hosts: empty list (leave hosts out to mean every host)"),
            (format!("answers:\n  - {{{BASE}, evidence_sha256: abc}}\n"),
             "a.yaml: answers[0].evidence_sha256: must be 64 hexadecimal characters (SHA-256)"),
            (format!("answers:\n  - {{{BASE}, override: 1}}\n"),
             "a.yaml: answers[0].override: must be true or false, not a number"),
            (format!("answers:\n  - {{{BASE}, override: 'true'}}\n"),
             "a.yaml: answers[0].override: must be true or false, not a string"),
            ("answers:\n  - {stig_id: V-242417, status: open, justification: j, author: a, date: 2026-01-01}\n".into(),
             "a.yaml: answers[0].stig_id: \"V-242417\" is not a STIG ID (like CNTR-K8-000290); the STIG ID of V-242417 is CNTR-K8-001360"),
            ("answers:\n  - {stig_id: CNTR-K8-001360, status: open, justification: [j], author: a, date: 2026-01-01}\n".into(),
             "a.yaml: answers[0].justification: must be a string, not a list"),
            (format!("answers:\n  - {{{BASE}, hosts: 'w*'}}\n  - {{{BASE}}}\n  - {{{BASE}, hosts: ['W*']}}\n"),
             "a.yaml: answers[2]: duplicate of answers[0] (same stig_id CNTR-K8-001360 and hosts W*)"),
            (format!("answers:\n  - {{{BASE}}}\n  - {{{BASE}, status: not_applicable}}\n"),
             "a.yaml: not valid YAML"),
        ];
        for (text, want) in cases {
            let got = err(&text);
            assert!(
                got.starts_with(want),
                "for:\n{text}\nwant: {want}\ngot:  {got}"
            );
        }
        let dup = err(&format!(
            "answers:\n  - {{{BASE}}}\n  - {{{BASE}, justification: other}}\n"
        ));
        assert!(
            dup.contains("not valid YAML") || dup.contains("duplicate"),
            "{dup}"
        );
        let dup = err(&format!("answers:\n  - {{{BASE}}}\n  - {{stig_id: CNTR-K8-001360, status: not_applicable, justification: k, author: b, date: 2026-01-02}}\n"));
        assert_eq!(dup, "a.yaml: answers[1]: duplicate of answers[0] (same stig_id CNTR-K8-001360 and hosts (all))");
    }

    #[test]
    fn load_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("answers.yaml");
        let e = load(&p).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("cannot read answers file {}:", p.display())),
            "{e}"
        );
        std::fs::write(&p, "answers:\n  - {stig_id: X-Y-1, status: open, justification: j, author: a, date: 2026-01-01, hosts: h}\n").unwrap();
        let a = load(&p).unwrap();
        assert_eq!(a.answers.len(), 1);
        assert_eq!(a.answers[0].hosts.as_deref(), Some(&["h".to_string()][..]));
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("not UTF-8"));
        std::fs::write(&p, "answers: [\n").unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("not valid YAML"));
    }

    #[test]
    fn empty_answers_list_is_fine() {
        assert!(parse_str("answers: []\n", "a").unwrap().answers.is_empty());
        assert!(parse_str("answers:\n", "a").unwrap().answers.is_empty());
    }

    #[test]
    fn globs() {
        for (p, t, want) in [
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "a", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*-01", "k8s-cp-01", true),
            ("k8s-?p-01", "k8s-cp-01", true),
            ("k8s-?p-01", "k8s-ccp-01", false),
            ("**a", "xa", true),
            ("a*a*a*a*a*b", &"a".repeat(200), false),
        ] {
            assert_eq!(glob_match(p, t), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn dates() {
        for (d, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("1900-02-29", false),
            ("2000-02-29", true),
            ("2026-04-31", false),
            ("2026-00-10", false),
            ("2026-1-01", false),
            ("+026-01-01", false),
        ] {
            assert_eq!(valid_date(d), ok, "{d}");
        }
    }

    #[test]
    fn docs_example_and_schema_agree() {
        let doc = include_str!("../../docs/cluster.md");
        let start = doc.find("<!-- answers-example-begin -->").unwrap();
        let end = doc.find("<!-- answers-example-end -->").unwrap();
        let block = &doc[start..end];
        let yaml = block
            .split_once("```yaml\n")
            .unwrap()
            .1
            .split_once("```")
            .unwrap()
            .0;
        let a = parse_str(yaml, "docs/cluster.md").unwrap();
        assert_eq!(a.answers.len(), 4);
        assert!(a.answers[0]
            .justification
            .starts_with("backup-agent in kube-system"));
        assert!(a.answers[3].override_automated);

        let schema: Value =
            serde_json::from_str(include_str!("../../schemas/answers.schema.json")).unwrap();
        let answer = &schema["$defs"]["answer"];
        let mut props: Vec<&str> = answer["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut fields = FIELDS.to_vec();
        props.sort();
        fields.sort();
        assert_eq!(props, fields);
        let required: Vec<&str> = answer["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, REQUIRED.to_vec());
        let statuses: Vec<&str> = answer["properties"]["status"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for s in &statuses {
            assert!(Status::from_snake(s).is_some());
        }
        assert_eq!(statuses.len(), 4);
        assert_eq!(schema["properties"]["format"]["const"], FORMAT);
    }
}
