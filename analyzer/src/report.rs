//! `report.html`: one self-contained page for people, written beside
//! results.json from the same data.
//!
//! The page loads nothing (inline CSS and script, pinned by a
//! Content-Security-Policy that allows only those two blocks by hash), so it
//! opens from removable media on a locked-down workstation. It shows the
//! cluster summary, a node-by-rule matrix coloured by status and severity
//! with severity and status filters, and for each rule its DISA text and the
//! evidence per node.
//!
//! Size: the matrix is static HTML (about 20 bytes a cell); rule text is
//! written once per rule; the evidence is embedded once as JSON with every
//! distinct text stored once (1,000 workers with the same verdict share one
//! string) and is rendered only when a rule is opened.
//!
//! Every string from a bundle is escaped for HTML, and the JSON block has
//! `<`, `>` and `&` written as `\u003c`-style escapes, so no bundle content
//! can close the script element. Output is deterministic for identical
//! input.

use crate::model::{Benchmark, RuleText};
use crate::results::{CountsDoc, ResultsDoc, RuleDoc};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

const CSS: &str = include_str!("report/report.css");
const JS: &str = include_str!("report/report.js");

/// Label of the roll-up row.
pub const ROLLUP: &str = "cluster (roll-up)";

/// Escape text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not valid HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JSON for a `<script type="application/json">` block: nothing in it can
/// end the element or open a comment.
pub fn script_json(v: &serde_json::Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// One-letter status code used by the page (`o`pen, not a `f`inding, not
/// `a`pplicable, not `r`eviewed).
fn code(status: &str) -> char {
    match status {
        "open" => 'o',
        "not_a_finding" => 'f',
        "not_applicable" => 'a',
        _ => 'r',
    }
}

fn sev_code(severity: &str) -> &'static str {
    match severity {
        "high" => "h",
        "low" => "l",
        _ => "m",
    }
}

fn cat(severity: &str) -> &'static str {
    match severity {
        "high" => "CAT I",
        "low" => "CAT III",
        _ => "CAT II",
    }
}

/// Matrix cell: class and text.
fn cell(status: char, severity: &str) -> (String, &'static str) {
    match status {
        'o' => (format!("o {}", sev_code(severity)), "O"),
        'f' => ("f".into(), "NF"),
        'a' => ("a".into(), "NA"),
        _ => ("r".into(), "NR"),
    }
}

/// Distinct strings, each stored once.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.list.len();
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// One row of the matrix: a node or the roll-up.
struct Row<'a> {
    host: String,
    rules: HashMap<&'a str, &'a RuleDoc>,
}

/// The rules the page lists: the benchmark's, else (no benchmark text at
/// hand) those of the results themselves.
fn rule_list(doc: &ResultsDoc, bench: &Benchmark) -> Vec<RuleText> {
    if !bench.rules.is_empty() {
        return bench.rules.clone();
    }
    let source = doc
        .nodes
        .first()
        .map(|n| &n.rules)
        .unwrap_or(&doc.cluster.rules);
    source
        .iter()
        .map(|r| RuleText {
            stig_id: r.stig_id.clone(),
            vuln_id: r.vuln_id.clone(),
            rule_id: r.rule_id.clone(),
            severity: r.severity.clone(),
            title: crate::catalog::find(&r.stig_id)
                .map(|e| e.title.to_string())
                .unwrap_or_default(),
            ..RuleText::default()
        })
        .collect()
}

/// Render the page.
pub fn render(doc: &ResultsDoc, bench: &Benchmark) -> String {
    let rules = rule_list(doc, bench);
    let mut rows: Vec<Row> = doc
        .nodes
        .iter()
        .map(|n| Row {
            host: n.host.clone(),
            rules: n.rules.iter().map(|r| (r.stig_id.as_str(), r)).collect(),
        })
        .collect();
    rows.push(Row {
        host: ROLLUP.to_string(),
        rules: doc
            .cluster
            .rules
            .iter()
            .map(|r| (r.stig_id.as_str(), r))
            .collect(),
    });

    // Per rule: each row's status letter, and (details, comments, evidence
    // hash) string ids.
    let mut strings = Strings::default();
    strings.id("");
    let mut statuses: Vec<String> = Vec::with_capacity(rules.len());
    let mut evidence: Vec<Vec<usize>> = Vec::with_capacity(rules.len());
    for rule in &rules {
        let mut st = String::with_capacity(rows.len());
        let mut ev = Vec::with_capacity(rows.len() * 3);
        for row in &rows {
            match row.rules.get(rule.stig_id.as_str()) {
                Some(r) => {
                    st.push(code(&r.status));
                    ev.push(strings.id(&r.details));
                    ev.push(strings.id(&r.comments));
                    ev.push(strings.id(&r.evidence_sha256));
                }
                None => {
                    st.push('r');
                    ev.push(strings.id("This rule is not in this node's results."));
                    ev.push(0);
                    ev.push(0);
                }
            }
        }
        statuses.push(st);
        evidence.push(ev);
    }

    let mut s = String::with_capacity(64 * 1024 + rules.len() * rows.len() * 24);
    let script_csp = csp_hash(JS);
    let style_csp = csp_hash(CSS);
    let bench_label = if doc.benchmark.label.is_empty() {
        doc.benchmark.title.clone()
    } else {
        format!("{} {}", doc.benchmark.title, doc.benchmark.label)
    };
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {style_csp}; script-src {script_csp}; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"kstig {}\">\n\
<title>kstig report: {} ({} node{})</title>\n<style>{CSS}</style>\n<script>{JS}</script>\n</head>\n<body>\n",
        esc(&doc.generator.version),
        esc(&bench_label),
        doc.nodes.len(),
        if doc.nodes.len() == 1 { "" } else { "s" },
    );

    header(&mut s, doc, &bench_label);
    summary(&mut s, doc);
    matrix(&mut s, &rules, &rows, &statuses);
    rule_sections(&mut s, doc, &rules, &statuses, rows.len());

    let data = serde_json::json!({
        "hosts": rows.iter().map(|r| r.host.as_str()).collect::<Vec<_>>(),
        "rules": rules.iter().map(|r| r.stig_id.as_str()).collect::<Vec<_>>(),
        "sev": rules.iter().map(|r| sev_code(&r.severity)).collect::<Vec<_>>(),
        "st": statuses,
        "ev": evidence,
        "strings": strings.list,
    });
    let _ = write!(
        s,
        "<footer>Generated by kstig {} at {} from the same data as <code>results.json</code> \
(format {}). Checklists beside this file: one <code>.ckl</code>, <code>.cklb</code> and \
<code>.xccdf.xml</code> per node and <code>cluster.*</code> for the roll-up. DISA STIGs: \
<a href=\"https://public.cyber.mil/stigs/\">public.cyber.mil/stigs</a>.</footer>\n\
<pre id=\"selftest\" hidden></pre>\n\
<script type=\"application/json\" id=\"kstig-data\">{}</script>\n</body>\n</html>\n",
        esc(&doc.generator.version),
        esc(&doc.generator.time),
        esc(&doc.format),
        script_json(&data),
    );
    s
}

fn header(s: &mut String, doc: &ResultsDoc, bench_label: &str) {
    let _ = writeln!(
        s,
        "<header><h1>Kubernetes STIG assessment</h1>\n<p class=\"meta\">{} &middot; {} \
&middot; {} node{} &middot; generated {} by kstig {}</p>",
        esc(bench_label),
        esc(&doc.benchmark.release_info),
        doc.nodes.len(),
        if doc.nodes.len() == 1 { "" } else { "s" },
        esc(&doc.generator.time),
        esc(&doc.generator.version),
    );
    if doc.benchmark.builtin {
        let _ = writeln!(
            s,
            "<p class=\"note\">Rule text: kstig's built-in catalogue (identifiers, severities, \
short titles). Run <code>kstig analyze --benchmark</code> with DISA's STIG zip to include \
the discussion, check and fix text.</p>"
        );
    }
    let untrusted: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|n| !n.trusted)
        .map(|n| n.host.as_str())
        .collect();
    if !untrusted.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"warn\">UNTRUSTED EVIDENCE (analyzed with --allow-untrusted; the signature \
did not verify): {}</p>",
            esc(&untrusted.join(", "))
        );
    }
    if !doc.refused.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"warn\"><p>{} bundle(s) refused and not assessed:</p><ul>",
            doc.refused.len()
        );
        for r in &doc.refused {
            let _ = writeln!(
                s,
                "<li><code>{}</code>: {}</li>",
                esc(&r.bundle),
                esc(&r.reason)
            );
        }
        let _ = writeln!(s, "</ul></div>");
    }
    let _ = writeln!(s, "</header>");
}

fn counts_of(rules: &[RuleDoc]) -> CountsDoc {
    let mut c = CountsDoc::default();
    for r in rules {
        match (r.status.as_str(), r.severity.as_str()) {
            ("open", "high") => c.open_high += 1,
            ("open", "low") => c.open_low += 1,
            ("open", _) => c.open_medium += 1,
            ("not_a_finding", _) => c.not_a_finding += 1,
            ("not_applicable", _) => c.not_applicable += 1,
            _ => c.not_reviewed += 1,
        }
    }
    c
}

fn count_cells(s: &mut String, c: &CountsDoc) {
    let n = |s: &mut String, v: usize, class: &str| {
        let class = if v == 0 { "z" } else { class };
        let _ = write!(s, "<td class=\"num {class}\">{v}</td>");
    };
    n(s, c.open_high, "o h");
    n(s, c.open_medium, "o m");
    n(s, c.open_low, "o l");
    n(s, c.not_a_finding, "f");
    n(s, c.not_applicable, "a");
    n(s, c.not_reviewed, "r");
}

fn summary(s: &mut String, doc: &ResultsDoc) {
    let total = counts_of(&doc.cluster.rules);
    let _ = writeln!(
        s,
        "<main>\n<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">"
    );
    for (label, v, class) in [
        ("open CAT I", total.open_high, "o h"),
        ("open CAT II", total.open_medium, "o m"),
        ("open CAT III", total.open_low, "o l"),
        ("not a finding", total.not_a_finding, "f"),
        ("not applicable", total.not_applicable, "a"),
        ("not reviewed", total.not_reviewed, "r"),
    ] {
        let class = if v == 0 { "z" } else { class };
        let _ = writeln!(
            s,
            "<div class=\"card {class}\"><b>{v}</b><span>{label}</span></div>"
        );
    }
    let _ = writeln!(
        s,
        "</div>\n<p class=\"meta\">Cluster roll-up: a rule is open when it is open on any node. \
Rows below: each node, then the roll-up.</p>"
    );
    let _ = writeln!(
        s,
        "<table class=\"summary\"><thead><tr><th>Host</th><th>Role</th><th>Collected</th>\
<th>CAT I</th><th>CAT II</th><th>CAT III</th><th>NaF</th><th>N/A</th><th>NR</th>\
<th>Evidence</th></tr></thead><tbody>"
    );
    for (i, n) in doc.nodes.iter().enumerate() {
        let _ = write!(
            s,
            "<tr id=\"n-{i}\"><th>{}{}</th><td>{}</td><td>{}</td>",
            esc(&n.host),
            if n.trusted {
                ""
            } else {
                " <span class=\"badge warn\">untrusted</span>"
            },
            esc(&n.role),
            esc(&n.collected)
        );
        count_cells(s, &counts_of(&n.rules));
        let mut notes = Vec::new();
        if !n.drift.is_empty() {
            notes.push(format!("{} drift", n.drift.len()));
        }
        if !n.evidence_problems.is_empty() {
            notes.push(format!("{} problem(s)", n.evidence_problems.len()));
        }
        let _ = write!(
            s,
            "<td><details><summary>bundle{}</summary><dl><dt>file</dt><dd><code>{}</code></dd>\
<dt>bundle id</dt><dd><code>{}</code></dd><dt>signer</dt><dd><code>sha256:{}</code></dd>\
<dt>FQDN</dt><dd>{}</dd>",
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            },
            esc(&n.bundle),
            esc(&n.bundle_id),
            esc(&n.signer),
            esc(&n.fqdn),
        );
        for (title, list) in [
            ("drift (running process and manifest disagree)", &n.drift),
            ("evidence problems", &n.evidence_problems),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = write!(s, "<dt>{title}</dt>");
            for item in list {
                let _ = write!(s, "<dd>{}</dd>", esc(item));
            }
        }
        let _ = writeln!(s, "</dl></details></td></tr>");
    }
    let _ = write!(
        s,
        "<tr class=\"rollup\"><th>{}</th><td></td><td></td>",
        esc(ROLLUP)
    );
    count_cells(s, &total);
    let _ = writeln!(s, "<td></td></tr>\n</tbody></table>\n</section>");
}

fn matrix(s: &mut String, rules: &[RuleText], rows: &[Row], statuses: &[String]) {
    // Filter buttons with their cell counts.
    let mut by_sev: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<char, usize> = BTreeMap::new();
    for (rule, st) in rules.iter().zip(statuses) {
        *by_sev.entry(sev_code(&rule.severity)).or_default() += 1;
        for c in st.chars() {
            *by_status.entry(c).or_default() += 1;
        }
    }
    let _ = writeln!(
        s,
        "<section id=\"matrix\"><h2>Node-by-rule matrix</h2>\n<div class=\"filters\" role=\"toolbar\" aria-label=\"Filters\">\
<span class=\"lbl\">Severity</span>"
    );
    for (code, label) in [("h", "CAT I"), ("m", "CAT II"), ("l", "CAT III")] {
        let _ = write!(
            s,
            "<button type=\"button\" class=\"flt sv-{code}\" data-kind=\"sev\" data-val=\"{code}\" aria-pressed=\"true\">{label} <small>{} rules</small></button>",
            by_sev.get(code).copied().unwrap_or(0)
        );
    }
    let _ = write!(s, "<span class=\"lbl\">Status</span>");
    for (code, label) in [
        ('o', "Open"),
        ('f', "Not a finding"),
        ('a', "Not applicable"),
        ('r', "Not reviewed"),
    ] {
        let _ = write!(
            s,
            "<button type=\"button\" class=\"flt st-{code}\" data-kind=\"st\" data-val=\"{code}\" aria-pressed=\"true\">{label} <small>{}</small></button>",
            by_status.get(&code).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(
        s,
        "<span class=\"lbl\">Show</span><button type=\"button\" class=\"preset\" data-preset=\"open\">open findings only</button>\
<button type=\"button\" class=\"preset\" data-preset=\"all\">everything</button></div>\n\
<p class=\"meta\" id=\"showing\">{} rules &times; {} rows (nodes and the roll-up). Cells: \
<span class=\"key o h\">O</span> open CAT I, <span class=\"key o m\">O</span> open CAT II, \
<span class=\"key o l\">O</span> open CAT III, <span class=\"key f\">NF</span> not a finding, \
<span class=\"key a\">NA</span> not applicable, <span class=\"key r\">NR</span> not reviewed. \
Click a cell for its evidence.</p>\n<noscript><p class=\"warn\">Filters and evidence need \
JavaScript; the checklists beside this file carry the same evidence.</p></noscript>",
        rules.len(),
        rows.len()
    );
    // Column heads: the STIG ID without the prefix every rule shares (`CNTR-K8-`).
    let prefix = common_prefix(rules);
    let _ = write!(
        s,
        "<div class=\"scroll\"><table class=\"matrix\" id=\"mx\"><thead><tr><th class=\"corner\">host \\ rule {}</th>",
        esc(prefix)
    );
    for rule in rules {
        let _ = write!(
            s,
            "<th class=\"rh sv-{}\" title=\"{} {} {}: {}\"><a href=\"#r-{}\">{}</a></th>",
            sev_code(&rule.severity),
            esc(&rule.stig_id),
            esc(&rule.vuln_id),
            cat(&rule.severity),
            esc(&rule.title),
            esc(&rule.stig_id),
            esc(&rule.stig_id[prefix.len()..])
        );
    }
    let _ = writeln!(s, "</tr></thead><tbody>");
    for (h, row) in rows.iter().enumerate() {
        let rollup = h + 1 == rows.len();
        let _ = write!(
            s,
            "<tr{}><th title=\"{}\">{}</th>",
            if rollup { " class=\"rollup\"" } else { "" },
            esc(&row.host),
            esc(&row.host)
        );
        for (rule, st) in rules.iter().zip(statuses) {
            let c = st.as_bytes().get(h).copied().unwrap_or(b'r') as char;
            let (class, text) = cell(c, &rule.severity);
            let _ = write!(s, "<td class=\"{class}\">{text}</td>");
        }
        let _ = writeln!(s, "</tr>");
    }
    let _ = writeln!(s, "</tbody></table></div>\n</section>");
}

/// The part up to the last `-` that every STIG ID shares (`CNTR-K8-`), or "".
fn common_prefix(rules: &[RuleText]) -> &str {
    let Some(first) = rules.first() else {
        return "";
    };
    let Some(end) = first.stig_id.rfind('-') else {
        return "";
    };
    let prefix = &first.stig_id[..=end];
    if rules
        .iter()
        .all(|r| r.stig_id.starts_with(prefix) && r.stig_id.len() > prefix.len())
    {
        prefix
    } else {
        ""
    }
}

fn text_block(s: &mut String, title: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<h4>{title}</h4><div class=\"text\">{}</div>",
        esc(text.trim())
    );
}

fn rule_sections(
    s: &mut String,
    doc: &ResultsDoc,
    rules: &[RuleText],
    statuses: &[String],
    rows: usize,
) {
    let _ = writeln!(
        s,
        "<section id=\"rules\"><h2>Rules</h2>\n<p class=\"meta\">Open a rule for its text and the evidence on each node \
(nodes with the same verdict and the same evidence are listed together).</p>"
    );
    for (i, (rule, st)) in rules.iter().zip(statuses).enumerate() {
        // Tally over the nodes only (the last letter is the roll-up).
        let nodes = &st.as_bytes()[..rows.saturating_sub(1).min(st.len())];
        let tally = |c: u8| nodes.iter().filter(|x| **x == c).count();
        let rollup = st.as_bytes().last().copied().unwrap_or(b'r') as char;
        let (rclass, rtext) = cell(rollup, &rule.severity);
        let _ = write!(
            s,
            "<details class=\"rule\" id=\"r-{}\" data-i=\"{i}\"><summary><span class=\"key {rclass}\">{rtext}</span> \
<span class=\"sev sv-{}\">{}</span> <b>{}</b> {} <span class=\"title\">{}</span> \
<span class=\"tally\">open on {}, not a finding {}, n/a {}, not reviewed {}</span></summary>",
            esc(&rule.stig_id),
            sev_code(&rule.severity),
            cat(&rule.severity),
            esc(&rule.stig_id),
            esc(&rule.vuln_id),
            esc(&rule.title),
            tally(b'o'),
            tally(b'f'),
            tally(b'a'),
            tally(b'r'),
        );
        let method = doc
            .cluster
            .rules
            .iter()
            .find(|r| r.stig_id == rule.stig_id)
            .map(|r| r.method.as_str())
            .unwrap_or("unknown");
        let mut facts = vec![esc(&rule.rule_id)];
        if !rule.group_title.is_empty() {
            facts.push(esc(&rule.group_title));
        }
        if !rule.ccis.is_empty() {
            facts.push(esc(&rule.ccis.join(", ")));
        }
        facts.push(format!("decided by: {}", esc(method)));
        let _ = write!(
            s,
            "<div class=\"body\"><p class=\"meta\">{}</p>",
            facts.join(" &middot; ")
        );
        text_block(s, "Discussion", &rule.discussion);
        text_block(s, "Check", &rule.check_text);
        text_block(s, "Fix", &rule.fix_text);
        let _ = writeln!(
            s,
            "<h4>Evidence per node</h4><div class=\"ev\"></div></div></details>"
        );
    }
    let _ = writeln!(s, "</section>\n</main>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{BenchmarkDoc, ClusterDoc, GeneratorDoc, NodeDoc, RefusedDoc};

    fn rule(stig: &str, sev: &str, status: &str, details: &str) -> RuleDoc {
        RuleDoc {
            stig_id: stig.into(),
            vuln_id: "V-1".into(),
            rule_id: "SV-1r1_rule".into(),
            severity: sev.into(),
            status: status.into(),
            method: "node".into(),
            details: details.into(),
            comments: String::new(),
            evidence_sha256: String::new(),
        }
    }

    fn doc(host: &str, details: &str) -> ResultsDoc {
        let rules = vec![
            rule("CNTR-K8-000150", "high", "open", details),
            rule("CNTR-K8-000160", "medium", "not_a_finding", "fine"),
        ];
        ResultsDoc {
            format: "kstig-results/1".into(),
            generator: GeneratorDoc {
                name: "kstig".into(),
                version: "0.1.0".into(),
                time: "2026-11-20T12:00:00Z".into(),
            },
            benchmark: BenchmarkDoc {
                id: "Kubernetes_STIG".into(),
                title: "Kubernetes STIG".into(),
                version: "2".into(),
                release_info: "Release: 6".into(),
                label: "V2R6".into(),
                filename: String::new(),
                builtin: true,
                rule_count: 2,
            },
            nodes: vec![NodeDoc {
                host: host.into(),
                fqdn: String::new(),
                role: "worker".into(),
                bundle: "b.kstig.tar.gz".into(),
                bundle_id: "id".into(),
                signer: "fp".into(),
                collected: "2026-11-20T12:00:00Z".into(),
                trusted: false,
                drift: vec!["</script><script>alert(1)</script>".into()],
                evidence_problems: vec![],
                counts: CountsDoc::default(),
                rules: rules.clone(),
            }],
            cluster: ClusterDoc { rules },
            refused: vec![RefusedDoc {
                bundle: "<b>x".into(),
                reason: "bad & worse".into(),
            }],
        }
    }

    #[test]
    fn hostile_strings_are_escaped_everywhere() {
        let host = "<img src=x onerror=alert(1)>\"'";
        let details = "</script><!-- <script>alert(2)</script> \u{2028}";
        let html = render(&doc(host, details), &Benchmark::default());
        assert!(!html.contains("<img"), "raw host in the page");
        assert!(!html.contains("<b>x"), "raw refused bundle name");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"));
        // Exactly the two script elements of the page.
        assert_eq!(html.matches("<script").count(), 2, "{html}");
        assert_eq!(html.matches("</script>").count(), 2);
        assert!(!html.contains("<!-- <script"));
        let data = html
            .split("<script type=\"application/json\" id=\"kstig-data\">")
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("data block");
        assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'));
        let v: serde_json::Value = serde_json::from_str(data).expect("data is JSON");
        assert_eq!(v["hosts"][0], host);
        assert!(v["strings"]
            .as_array()
            .expect("strings")
            .iter()
            .any(|s| s == details));
    }

    #[test]
    fn self_contained_and_deterministic() {
        let d = doc("k8s-cp-01", "evidence");
        let a = render(&d, &Benchmark::default());
        let b = render(&d, &Benchmark::default());
        assert_eq!(a, b);
        for needle in [
            " src=",
            "<link",
            "@import",
            "url(",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(
                !a.contains(needle),
                "page must load nothing: found {needle}"
            );
        }
        assert!(a.contains(&csp_hash(JS)) && a.contains(&csp_hash(CSS)));
        // 2 rows (node + roll-up) x 2 rules.
        assert_eq!(a.matches("<td class=\"o h\">O</td>").count(), 2);
        assert_eq!(a.matches("<td class=\"f\">NF</td>").count(), 2);
    }

    #[test]
    fn a_thousand_nodes_stay_small() {
        let mut d = doc("n", "x");
        let rules: Vec<RuleDoc> = (0..92)
            .map(|i| {
                rule(
                    &format!("CNTR-K8-{i:06}"),
                    "medium",
                    "not_a_finding",
                    &"the same long evidence text on every worker ".repeat(10),
                )
            })
            .collect();
        d.cluster.rules = rules.clone();
        let node = d.nodes[0].clone();
        d.nodes = (0..1000)
            .map(|i| {
                let mut n = node.clone();
                n.host = format!("worker-{i:04}");
                n.rules = rules.clone();
                n
            })
            .collect();
        let html = render(&d, &Benchmark::default());
        // About 20 bytes a matrix cell and 15 of evidence references (3.3 MB
        // here); the evidence text itself is stored once.
        assert!(html.len() < 4_000_000, "{} bytes", html.len());
        assert_eq!(html.matches("on every worker").count(), 10, "stored once");
    }

    #[test]
    fn identical_evidence_is_stored_once() {
        let mut d = doc("a", "same text");
        let mut second = d.nodes[0].clone();
        second.host = "b".into();
        d.nodes.push(second);
        let html = render(&d, &Benchmark::default());
        assert_eq!(html.matches("same text").count(), 1);
    }
}
