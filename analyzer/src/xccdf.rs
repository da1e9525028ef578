//! XCCDF 1.2 results writer: one `Benchmark` (ids in DISA's 1.2 form) holding
//! a Group/Rule per rule written and one `TestResult` (README §4).
//!
//! Why the whole Benchmark: SAF builds its controls from the Benchmark's Rules,
//! the 1.2 XSD keys every `rule-result/@idref` to a Rule of the same document,
//! and `oscap xccdf generate report` needs it.
//!
//! What STIG Manager reads (client-modules `reviewsFromXccdf`):
//! - asset name = first `target`; ip = `target-address`es joined by spaces;
//!   `tag:stig-manager@users.noreply.github.com,2020:asset:{fqdn,mac,description}`
//!   facts set those asset fields; every other fact becomes asset metadata.
//! - resultEngine (what makes a review an automated one): `@test-system`
//!   `cpe:/a:kstig:kstig:<version>` gives `{type: scap, product: kstig,
//!   version}`; `rule-result/@time` its time; `rule-result/check/check-content-ref`
//!   `@href`/`@name` its `checkContent.location`/`component`. (An
//!   `sm:resultEngine` element is only read when the product is `stig-manager`
//!   or `evaluate-stig`, so kstig does not write one.)
//! - detail = `check/check-content/detail` (any namespace; kstig writes
//!   `kstig:detail`), else the first `message`; comment =
//!   `check/check-content/comment`. Exactly one `message` and one `check` are
//!   written per rule-result: several would turn into arrays the parser does
//!   not read.

use crate::checklist::{
    clean_text, entries, generated_time, rule_description, rule_severity, target_comment, weight,
    xsd_datetime, Entry, Generated, HostFields,
};
use crate::model::{Assessment, BenchmarkInfo, RuleText, Status};
use crate::xmlutil::{escape_text, ncname, uri_safe, XmlWriter};

pub const XCCDF12_NS: &str = "http://checklists.nist.gov/xccdf/1.2";
/// Namespace of kstig's elements inside `check-content` (`kstig:detail`, `kstig:comment`).
pub const KSTIG_NS: &str = "urn:kstig:xccdf-extension";
pub const BENCHMARK_PREFIX: &str = "xccdf_mil.disa.stig_benchmark_";
pub const GROUP_PREFIX: &str = "xccdf_mil.disa.stig_group_";
pub const RULE_PREFIX: &str = "xccdf_mil.disa.stig_rule_";
const CCI_SYSTEM: &str = "http://cyber.mil/cci";
const LEGACY_SYSTEM: &str = "http://cyber.mil/legacy";
const SM_ASSET: &str = "tag:stig-manager@users.noreply.github.com,2020:asset:";
/// `check/@system` when the benchmark did not give one.
const FALLBACK_CHECK_SYSTEM: &str = "urn:kstig:check:manual";

/// `Kubernetes_STIG` → `xccdf_mil.disa.stig_benchmark_Kubernetes_STIG` (idempotent).
pub fn benchmark_id(id: &str) -> String {
    prefixed(BENCHMARK_PREFIX, id)
}
/// `V-242376` → `xccdf_mil.disa.stig_group_V-242376` (idempotent).
pub fn group_id(vuln_id: &str) -> String {
    prefixed(GROUP_PREFIX, vuln_id)
}
/// `SV-242376r879519_rule` → `xccdf_mil.disa.stig_rule_SV-242376r879519_rule` (idempotent).
pub fn rule_id(rule_id: &str) -> String {
    prefixed(RULE_PREFIX, rule_id)
}

fn prefixed(prefix: &str, id: &str) -> String {
    let bare = id.trim();
    let bare = bare.strip_prefix(prefix).unwrap_or(bare);
    let mut out = String::from(prefix);
    out.push_str(&id_chars(bare));
    out
}

/// Keeps NCName characters, maps the rest to `_`; never empty.
fn id_chars(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "_".to_string()
    } else {
        out
    }
}

/// CPE 2.2 URI component: unreserved characters kept, the rest percent-encoded.
fn cpe_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    if out.is_empty() {
        "-".to_string()
    } else {
        out
    }
}

/// A fact name for a caller-supplied key: `urn:kstig:fact:<percent-encoded key>`.
fn kstig_fact_name(key: &str) -> String {
    let mut out = String::from("urn:kstig:fact:");
    for b in key.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result_text(s: Status) -> &'static str {
    s.as_xccdf()
}

/// What every XCCDF of a run shares: the whole Benchmark (its header and a
/// Group/Rule per rule), everything before the `TestResult`.
pub struct Template {
    benchmark: String,
}

impl Template {
    pub fn new(info: &BenchmarkInfo, rules: &[RuleText], generated: &Generated) -> Template {
        let mut w = XmlWriter::fragment("  ");
        write_benchmark(&mut w, info, rules, generated);
        Template {
            benchmark: w.into_string(),
        }
    }
}

/// Writes the XCCDF 1.2 results document for one asset.
pub fn write(
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    generated: &Generated,
) -> Vec<u8> {
    let entries = entries(rules, &a.results);
    write_with(
        &Template::new(info, rules, generated),
        info,
        a,
        generated,
        &entries,
    )
}

/// [`write`] with the run's [`Template`] (made from the same `info`, rules
/// and `generated`) and the entries of `a`.
pub fn write_with(
    template: &Template,
    info: &BenchmarkInfo,
    a: &Assessment,
    generated: &Generated,
    entries: &[Entry],
) -> Vec<u8> {
    let host = HostFields::from_target(&a.target);
    let end_time = generated_time(generated);
    let start_time = xsd_datetime(&a.target.collected).unwrap_or_else(|| end_time.clone());
    let bench_id = benchmark_id(&info.id);
    let version = clean_text(generated.tool_version.trim());
    let mut w = XmlWriter::with_capacity("  ", template.benchmark.len() + 256 * 1024);
    w.paste(&template.benchmark);
    // ---- TestResult (XSD order) ----
    let tr_id = format!(
        "xccdf_kstig_testresult_{}_{}",
        id_chars(info.id.trim()),
        id_chars(&host.host_name)
    );
    let test_system = format!(
        "cpe:/a:kstig:kstig:{}",
        cpe_component(&generated.tool_version)
    );
    w.open(
        1,
        "TestResult",
        &[
            ("id", &tr_id),
            ("start-time", &start_time),
            ("end-time", &end_time),
            ("test-system", &test_system),
            ("version", &clean_text(info.version.trim())),
        ],
    );
    let bench_href = if info.filename.trim().is_empty() {
        bench_id.clone()
    } else {
        uri_safe(&info.filename)
    };
    w.empty(2, "benchmark", &[("href", &bench_href), ("id", &bench_id)]);
    w.leaf(
        2,
        "title",
        &[],
        &format!("kstig {} assessment of {}", version, host.host_name),
    );
    let comment = target_comment(&a.target);
    if !comment.is_empty() {
        w.leaf(2, "remark", &[], &comment);
    }
    let marking = clean_text(generated.marking.trim());
    if !marking.is_empty() {
        w.leaf(2, "remark", &[], &format!("Marking: {marking}"));
    }
    let (identity, privileged) = identity(&a.target.facts);
    w.leaf(
        2,
        "identity",
        &[
            ("authenticated", "false"),
            ("privileged", if privileged { "true" } else { "false" }),
        ],
        &identity,
    );
    w.leaf(2, "target", &[], &host.host_name);
    for ip in &host.ips {
        w.leaf(2, "target-address", &[], ip);
    }
    write_facts(&mut w, &host, a, &comment);

    let mut counts = Score::default();
    for e in entries {
        let r = e.rule;
        let sev = rule_severity(&r.severity);
        let wt = weight(&r.weight);
        counts.add(e.status, &wt);
        w.open(
            2,
            "rule-result",
            &[
                ("idref", &rule_id(&r.rule_id)),
                ("time", &end_time),
                ("severity", sev),
                ("weight", &wt),
                ("version", &clean_text(r.stig_id.trim())),
            ],
        );
        w.leaf(3, "result", &[], result_text(e.status));
        idents(&mut w, 3, r);
        let details = escape_text(&e.details);
        w.leaf_escaped(3, "message", &[("severity", "info")], &details);
        w.open(3, "check", &[("system", &check_system(r))]);
        let location = format!("kstig:{}", cpe_component(&generated.tool_version));
        let component = clean_text(r.stig_id.trim());
        if component.is_empty() {
            w.empty(4, "check-content-ref", &[("href", &location)]);
        } else {
            w.empty(
                4,
                "check-content-ref",
                &[("href", &location), ("name", &component)],
            );
        }
        w.open(4, "check-content", &[]);
        w.leaf_escaped(5, "kstig:detail", &[], &details);
        if !e.comments.is_empty() {
            w.leaf(5, "kstig:comment", &[], &e.comments);
        }
        if !e.severity_override.is_empty() {
            w.leaf(
                5,
                "kstig:severity-override",
                &[("severity", e.severity_override)],
                &e.severity_justification,
            );
        }
        w.close(4, "check-content");
        w.close(3, "check");
        w.close(2, "rule-result");
    }
    let (default_score, flat_score, flat_max) = counts.scores();
    w.leaf(
        2,
        "score",
        &[("system", "urn:xccdf:scoring:default"), ("maximum", "100")],
        &default_score,
    );
    w.leaf(
        2,
        "score",
        &[("system", "urn:xccdf:scoring:flat"), ("maximum", &flat_max)],
        &flat_score,
    );
    w.close(1, "TestResult");
    w.close(0, "Benchmark");
    w.finish()
}

/// The Benchmark: declaration, header and a Group/Rule per rule.
fn write_benchmark(
    w: &mut XmlWriter,
    info: &BenchmarkInfo,
    rules: &[RuleText],
    generated: &Generated,
) {
    let bench_id = benchmark_id(&info.id);
    let version = clean_text(generated.tool_version.trim());
    w.comment(0, &format!("kstig {}", generated.tool_version));
    w.open(
        0,
        "Benchmark",
        &[
            ("xmlns", XCCDF12_NS),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:kstig", KSTIG_NS),
            ("id", &bench_id),
            ("xml:lang", "en"),
            ("resolved", "1"),
        ],
    );

    // ---- Benchmark header (XSD order) ----
    let status_date = valid_date(&info.status_date);
    match &status_date {
        Some(d) => w.leaf(1, "status", &[("date", d)], "accepted"),
        None => w.leaf(1, "status", &[], "accepted"),
    }
    w.leaf(1, "title", &[], &clean_text(&info.title));
    w.leaf(1, "description", &[], &clean_text(&info.description));
    if !info.notice.trim().is_empty() {
        w.leaf(
            1,
            "notice",
            &[("id", &ncname(info.notice.trim())), ("xml:lang", "en")],
            "",
        );
    }
    if !info.source.trim().is_empty() {
        w.raw(
            1,
            &format!(
                "<reference><dc:publisher>DISA</dc:publisher><dc:source>{}</dc:source></reference>",
                escape_text(&clean_text(info.source.trim()))
            ),
        );
    }
    w.leaf(
        1,
        "plain-text",
        &[("id", "release-info")],
        &clean_text(&info.release_info),
    );
    w.leaf(1, "version", &[], &clean_text(&info.version));
    w.raw(
        1,
        &format!(
            "<metadata><dc:creator>kstig {}</dc:creator></metadata>",
            escape_text(&version)
        ),
    );

    // ---- Groups / Rules ----
    for r in rules {
        w.open(1, "Group", &[("id", &group_id(&r.vuln_id))]);
        w.leaf(2, "title", &[], &clean_text(&r.group_title));
        w.leaf(
            2,
            "description",
            &[],
            "<GroupDescription></GroupDescription>",
        );
        let sev = rule_severity(&r.severity);
        let wt = weight(&r.weight);
        w.open(
            2,
            "Rule",
            &[
                ("id", &rule_id(&r.rule_id)),
                ("weight", &wt),
                ("severity", sev),
            ],
        );
        w.leaf(3, "version", &[], &clean_text(&r.stig_id));
        w.leaf(3, "title", &[], &clean_text(&r.title));
        w.leaf(3, "description", &[], &rule_description(r));
        // SAF reads NIST tags from the Rule's `ident`s, or, when there are
        // none, from its `reference`s, and crashes on a reference without
        // text: so the TargetKey reference is written only next to idents
        // (DISA rules always have a CCI; the built-in catalogue has none).
        if !r.target_key.trim().is_empty() && has_idents(r) {
            w.raw(
                3,
                &format!(
                    "<reference><dc:identifier>{}</dc:identifier></reference>",
                    escape_text(&clean_text(r.target_key.trim()))
                ),
            );
        }
        idents(w, 3, r);
        let fix_id = r.fix_id.trim();
        let fix_ok = !fix_id.is_empty() && ncname(fix_id) == fix_id;
        if fix_ok {
            w.leaf(
                3,
                "fixtext",
                &[("fixref", fix_id)],
                &clean_text(&r.fix_text),
            );
            w.empty(3, "fix", &[("id", fix_id)]);
        } else {
            w.leaf(3, "fixtext", &[], &clean_text(&r.fix_text));
        }
        w.open(3, "check", &[("system", &check_system(r))]);
        let href = if r.check_ref_href.trim().is_empty() {
            info.filename.trim()
        } else {
            r.check_ref_href.trim()
        };
        if !href.is_empty() {
            let href = uri_safe(href);
            let name = clean_text(r.check_ref.trim());
            if name.is_empty() {
                w.empty(4, "check-content-ref", &[("href", &href)]);
            } else {
                w.empty(4, "check-content-ref", &[("href", &href), ("name", &name)]);
            }
        }
        w.leaf(4, "check-content", &[], &clean_text(&r.check_text));
        w.close(3, "check");
        w.close(2, "Rule");
        w.close(1, "Group");
    }
}

fn idents(w: &mut XmlWriter, depth: usize, r: &RuleText) {
    for id in &r.legacy_ids {
        let id = clean_text(id.trim());
        if !id.is_empty() {
            w.leaf(depth, "ident", &[("system", LEGACY_SYSTEM)], &id);
        }
    }
    for cci in &r.ccis {
        let cci = clean_text(cci.trim());
        if !cci.is_empty() {
            w.leaf(depth, "ident", &[("system", CCI_SYSTEM)], &cci);
        }
    }
}

fn has_idents(r: &RuleText) -> bool {
    r.ccis
        .iter()
        .chain(r.legacy_ids.iter())
        .any(|i| !clean_text(i.trim()).is_empty())
}

fn check_system(r: &RuleText) -> String {
    let s = uri_safe(&r.check_system);
    if s.is_empty() {
        FALLBACK_CHECK_SYSTEM.to_string()
    } else {
        s
    }
}

/// `YYYY-MM-DD` or `None`.
fn valid_date(s: &str) -> Option<String> {
    let t = s.trim();
    let b = t.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if ok {
        Some(t.to_string())
    } else {
        None
    }
}

/// The account the collector ran as, from the target facts `user`,
/// `collector_user` or `identity`; `unknown` otherwise.
fn identity(facts: &[(String, String)]) -> (String, bool) {
    for (k, v) in facts {
        let k = k.trim().to_ascii_lowercase();
        if matches!(k.as_str(), "user" | "collector_user" | "identity") && !v.trim().is_empty() {
            let v = clean_text(v.trim());
            let privileged = v == "root" || v == "0" || v.starts_with("root ");
            return (v, privileged);
        }
    }
    ("unknown".to_string(), false)
}

fn write_facts(w: &mut XmlWriter, host: &HostFields, a: &Assessment, comment: &str) {
    let t = &a.target;
    let mut facts: Vec<(String, &'static str, String)> = Vec::new();
    let mut add = |name: &str, ty: &'static str, value: &str| {
        facts.push((name.to_string(), ty, clean_text(value)));
    };
    // XCCDF 1.2 §7.2.3.3 standard fact names (OpenSCAP / SCC read these).
    add(
        "urn:xccdf:fact:asset:identifier:host_name",
        "string",
        &host.host_name,
    );
    if !host.fqdn.is_empty() {
        add("urn:xccdf:fact:asset:identifier:fqdn", "string", &host.fqdn);
    }
    for ip in &host.ips {
        let name = if ip.contains(':') {
            "urn:xccdf:fact:asset:identifier:ipv6"
        } else {
            "urn:xccdf:fact:asset:identifier:ipv4"
        };
        add(name, "string", ip);
    }
    for mac in &host.macs {
        add("urn:xccdf:fact:asset:identifier:mac", "string", mac);
    }
    // STIG Manager asset fields.
    if !host.fqdn.is_empty() {
        add(&format!("{SM_ASSET}fqdn"), "string", &host.fqdn);
    }
    if !host.macs.is_empty() {
        add(&format!("{SM_ASSET}mac"), "string", &host.macs.join(" "));
    }
    if !comment.is_empty() {
        add(&format!("{SM_ASSET}description"), "string", comment);
    }
    // kstig provenance (STIG Manager keeps these as asset metadata).
    if !t.role.trim().is_empty() {
        add("urn:kstig:fact:role", "string", t.role.trim());
    }
    if !t.bundle_id.trim().is_empty() {
        add("urn:kstig:fact:bundle-id", "string", t.bundle_id.trim());
    }
    if !t.signer_fingerprint.trim().is_empty() {
        add(
            "urn:kstig:fact:signer",
            "string",
            t.signer_fingerprint.trim(),
        );
    }
    add(
        "urn:kstig:fact:signature-verified",
        "boolean",
        if t.untrusted { "false" } else { "true" },
    );
    if let Some(c) = xsd_datetime(&t.collected) {
        add("urn:kstig:fact:collected", "string", &c);
    }
    for (k, v) in &t.facts {
        if k.trim().is_empty() {
            continue;
        }
        add(&kstig_fact_name(k), "string", v);
    }

    w.open(2, "target-facts", &[]);
    for (name, ty, value) in &facts {
        w.leaf(3, "fact", &[("name", name), ("type", ty)], value);
    }
    w.close(2, "target-facts");
}

/// Scores of the results: `urn:xccdf:scoring:default` (one Rule per Group,
/// Group weight 1: the percentage of passing rules among pass/fail), and
/// `urn:xccdf:scoring:flat` (sum of weights of passing rules, out of the
/// weights of pass/fail rules).
#[derive(Default)]
struct Score {
    pass: u64,
    fail: u64,
    pass_weight: f64,
    total_weight: f64,
}

impl Score {
    fn add(&mut self, status: Status, weight: &str) {
        let w: f64 = weight.parse().unwrap_or(10.0);
        match status {
            Status::NotAFinding => {
                self.pass += 1;
                self.pass_weight += w;
                self.total_weight += w;
            }
            Status::Open => {
                self.fail += 1;
                self.total_weight += w;
            }
            Status::NotApplicable | Status::NotReviewed => {}
        }
    }
    fn scores(&self) -> (String, String, String) {
        let counted = self.pass + self.fail;
        let default = if counted == 0 {
            0.0
        } else {
            100.0 * self.pass as f64 / counted as f64
        };
        (
            format!("{default:.2}"),
            format!("{:.2}", self.pass_weight),
            format!("{:.2}", self.total_weight),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_once() {
        assert_eq!(
            benchmark_id("Kubernetes_STIG"),
            "xccdf_mil.disa.stig_benchmark_Kubernetes_STIG"
        );
        assert_eq!(
            rule_id("xccdf_mil.disa.stig_rule_SV-1r2_rule"),
            "xccdf_mil.disa.stig_rule_SV-1r2_rule"
        );
        assert_eq!(group_id("V 1"), "xccdf_mil.disa.stig_group_V_1");
    }

    #[test]
    fn cpe_and_fact_names_are_uri_safe() {
        assert_eq!(cpe_component("0.1.0+git:abc"), "0.1.0%2bgit%3aabc");
        assert_eq!(kstig_fact_name("os release"), "urn:kstig:fact:os%20release");
    }

    #[test]
    fn scores() {
        let mut s = Score::default();
        s.add(Status::NotAFinding, "10.0");
        s.add(Status::Open, "10.0");
        s.add(Status::NotApplicable, "10.0");
        assert_eq!(
            s.scores(),
            (
                "50.00".to_string(),
                "10.00".to_string(),
                "20.00".to_string()
            )
        );
    }
}
