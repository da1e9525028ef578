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
use crate::results::{
    BenchmarkDoc, CountsDoc, GeneratorDoc, NodeDoc, RefusedDoc, ResultsDoc, RuleDoc,
};
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

/// Append JSON text with `<`, `>`, `&` and the two line separators JavaScript
/// treats as line ends written as escapes.
fn script_escape(out: &mut String, text: &str) {
    out.reserve(text.len());
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

/// Distinct strings, each stored once, numbered in order of first use.
#[derive(Default)]
struct Strings {
    index: HashMap<Box<str>, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.index.len() as u32;
        self.index.insert(s.into(), i);
        i
    }

    /// The strings in id order.
    fn list(&self) -> Vec<&str> {
        let mut list = vec![""; self.index.len()];
        for (s, i) in &self.index {
            list[*i as usize] = s;
        }
        list
    }
}

/// What the page keeps of one matrix row (a node or the roll-up): its host,
/// one status letter per rule and three string ids per rule (details,
/// comments, evidence hash).
struct Row {
    host: String,
    st: Vec<u8>,
    ev: Vec<u32>,
}

/// Text of the cell for a rule a node's results do not hold.
const MISSING: &str = "This rule is not in this node's results.";

/// The rules the page lists when the benchmark has none (no rule text at
/// hand): those of the results themselves.
fn rules_of(results: &[RuleDoc]) -> Vec<RuleText> {
    results
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

/// The facts of the run the page names: generator, benchmark, format.
pub struct Meta<'a> {
    pub format: &'a str,
    pub generator: &'a GeneratorDoc,
    pub benchmark: &'a BenchmarkDoc,
}

/// The page, built node by node as the analysis renders them (as
/// results.json is written), so that no node's full results are held after
/// it is fed: per node the page keeps its summary row, a status letter per
/// rule and three string ids per rule; evidence text is kept once however
/// many nodes share it.
pub struct Report {
    rules: Vec<RuleText>,
    columns: HashMap<String, usize>,
    strings: Strings,
    rows: Vec<Row>,
    /// The summary table's node rows, as HTML.
    summary_rows: String,
    untrusted: Vec<String>,
}

impl Report {
    /// A page for the rules of `bench` (or, when it holds none, for the
    /// rules of the first results fed).
    pub fn new(bench: &Benchmark) -> Report {
        let mut r = Report {
            rules: Vec::new(),
            columns: HashMap::new(),
            strings: Strings::default(),
            rows: Vec::new(),
            summary_rows: String::new(),
            untrusted: Vec::new(),
        };
        r.strings.id("");
        if !bench.rules.is_empty() {
            r.set_rules(bench.rules.clone());
        }
        r
    }

    fn set_rules(&mut self, rules: Vec<RuleText>) {
        self.columns = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.stig_id.clone(), i))
            .collect();
        self.rules = rules;
    }

    fn row(&mut self, host: &str, results: &[RuleDoc]) -> Row {
        let mut st = vec![b'r'; self.rules.len()];
        let mut ev = vec![0u32; self.rules.len() * 3];
        let mut seen = vec![false; self.rules.len()];
        for r in results {
            let Some(&i) = self.columns.get(r.stig_id.as_str()) else {
                continue;
            };
            st[i] = code(&r.status) as u8;
            ev[i * 3] = self.strings.id(&r.details);
            ev[i * 3 + 1] = self.strings.id(&r.comments);
            ev[i * 3 + 2] = self.strings.id(&r.evidence_sha256);
            seen[i] = true;
        }
        if seen.contains(&false) {
            let missing = self.strings.id(MISSING);
            for (i, _) in seen.iter().enumerate().filter(|(_, s)| !**s) {
                ev[i * 3] = missing;
            }
        }
        Row {
            host: host.to_string(),
            st,
            ev,
        }
    }

    /// Add one node, in the order of results.json.
    pub fn node(&mut self, n: &NodeDoc) {
        if self.rules.is_empty() && self.rows.is_empty() {
            self.set_rules(rules_of(&n.rules));
        }
        let row = self.row(&n.host, &n.rules);
        self.rows.push(row);
        if !n.trusted {
            self.untrusted.push(n.host.clone());
        }
        summary_row(
            &mut self.summary_rows,
            self.rows.len() - 1,
            n,
            &counts_of(&n.rules),
        );
    }

    /// Write the page: `cluster` is the roll-up's rules (results.json's
    /// `cluster.rules`), `refused` the bundles not assessed.
    pub fn finish<W: std::io::Write>(
        mut self,
        out: &mut W,
        meta: &Meta,
        cluster: &[RuleDoc],
        refused: &[RefusedDoc],
    ) -> std::io::Result<()> {
        if self.rules.is_empty() && self.rows.is_empty() {
            self.set_rules(rules_of(cluster));
        }
        let rollup = self.row(ROLLUP, cluster);
        self.rows.push(rollup);
        let nodes = self.rows.len() - 1;
        let rules = &self.rules;
        let rows = &self.rows;

        let mut s = String::with_capacity(256 * 1024);
        let script_csp = csp_hash(JS);
        let style_csp = csp_hash(CSS);
        let bench_label = if meta.benchmark.label.is_empty() {
            meta.benchmark.title.clone()
        } else {
            format!("{} {}", meta.benchmark.title, meta.benchmark.label)
        };
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {style_csp}; script-src {script_csp}; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"kstig {}\">\n\
<title>kstig report: {} ({} node{})</title>\n<style>{CSS}</style>\n<script>{JS}</script>\n</head>\n<body>\n",
            esc(&meta.generator.version),
            esc(&bench_label),
            nodes,
            if nodes == 1 { "" } else { "s" },
        );
        header(&mut s, meta, &bench_label, nodes, &self.untrusted, refused);
        summary(&mut s, &self.summary_rows, &counts_of(cluster));
        out.write_all(s.as_bytes())?;
        s.clear();
        drop(std::mem::take(&mut self.summary_rows));

        matrix(&mut s, out, rules, rows)?;
        rule_sections(&mut s, cluster, rules, rows);
        let _ = write!(
            s,
            "<footer>Generated by kstig {} at {} from the same data as <code>results.json</code> \
(format {}). Checklists beside this file: one <code>.ckl</code>, <code>.cklb</code> and \
<code>.xccdf.xml</code> per node and <code>cluster.*</code> for the roll-up. DISA STIGs: \
<a href=\"https://public.cyber.mil/stigs/\">public.cyber.mil/stigs</a>.</footer>\n\
<pre id=\"selftest\" hidden></pre>\n\
<script type=\"application/json\" id=\"kstig-data\">",
            esc(&meta.generator.version),
            esc(&meta.generator.time),
            esc(meta.format),
        );
        out.write_all(s.as_bytes())?;
        s.clear();
        data_block(out, rules, rows, &self.strings)?;
        out.write_all(b"</script>\n</body>\n</html>\n")
    }
}

/// The page's data: `{"ev":[...],"hosts":[...],"rules":[...],"sev":[...],
/// "st":[...],"strings":[...]}`, per rule the status letters and string ids
/// of every row.
fn data_block<W: std::io::Write>(
    out: &mut W,
    rules: &[RuleText],
    rows: &[Row],
    strings: &Strings,
) -> std::io::Result<()> {
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("{\"ev\":[");
    for i in 0..rules.len() {
        s.push_str(if i == 0 { "[" } else { ",[" });
        for (k, row) in rows.iter().enumerate() {
            for j in 0..3 {
                if k > 0 || j > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{}", row.ev.get(i * 3 + j).copied().unwrap_or(0));
            }
        }
        s.push(']');
        if s.len() > 60 * 1024 {
            out.write_all(s.as_bytes())?;
            s.clear();
        }
    }
    s.push_str("],\"hosts\":");
    json_list(&mut s, rows.iter().map(|r| r.host.as_str()));
    s.push_str(",\"rules\":");
    json_list(&mut s, rules.iter().map(|r| r.stig_id.as_str()));
    s.push_str(",\"sev\":");
    json_list(&mut s, rules.iter().map(|r| sev_code(&r.severity)));
    s.push_str(",\"st\":[");
    for i in 0..rules.len() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.extend(
            rows.iter()
                .map(|r| r.st.get(i).copied().unwrap_or(b'r') as char),
        );
        s.push('"');
    }
    s.push_str("],\"strings\":[");
    for (i, text) in strings.list().into_iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        script_str(&mut s, text);
        if s.len() > 60 * 1024 {
            out.write_all(s.as_bytes())?;
            s.clear();
        }
    }
    s.push_str("]}");
    out.write_all(s.as_bytes())
}

fn json_list<'a>(s: &mut String, items: impl Iterator<Item = &'a str>) {
    s.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            s.push(',');
        }
        script_str(s, item);
    }
    s.push(']');
}

/// A JSON string for the data block, escaped by `script_escape`.
fn script_str(s: &mut String, text: &str) {
    let quoted = serde_json::Value::from(text).to_string();
    script_escape(s, &quoted);
}

/// Render the whole page from a complete results document.
pub fn render(doc: &ResultsDoc, bench: &Benchmark) -> String {
    let mut report = Report::new(bench);
    for n in &doc.nodes {
        report.node(n);
    }
    let mut out = Vec::new();
    let meta = Meta {
        format: &doc.format,
        generator: &doc.generator,
        benchmark: &doc.benchmark,
    };
    // Writing to a Vec cannot fail.
    let _ = report.finish(&mut out, &meta, &doc.cluster.rules, &doc.refused);
    String::from_utf8_lossy(&out).into_owned()
}

fn header(
    s: &mut String,
    meta: &Meta,
    bench_label: &str,
    nodes: usize,
    untrusted: &[String],
    refused: &[RefusedDoc],
) {
    let _ = writeln!(
        s,
        "<header><h1>Kubernetes STIG assessment</h1>\n<p class=\"meta\">{} &middot; {} \
&middot; {} node{} &middot; generated {} by kstig {}</p>",
        esc(bench_label),
        esc(&meta.benchmark.release_info),
        nodes,
        if nodes == 1 { "" } else { "s" },
        esc(&meta.generator.time),
        esc(&meta.generator.version),
    );
    if meta.benchmark.builtin {
        let _ = writeln!(
            s,
            "<p class=\"note\">Rule text: kstig's built-in catalogue (identifiers, severities, \
short titles). Run <code>kstig analyze --benchmark</code> with DISA's STIG zip to include \
the discussion, check and fix text.</p>"
        );
    }
    if !untrusted.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"warn\">UNTRUSTED EVIDENCE (analyzed with --allow-untrusted; the signature \
did not verify): {}</p>",
            esc(&untrusted.join(", "))
        );
    }
    if !refused.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"warn\"><p>{} bundle(s) refused and not assessed:</p><ul>",
            refused.len()
        );
        for r in refused {
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

fn summary(s: &mut String, node_rows: &str, total: &CountsDoc) {
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
    s.push_str(node_rows);
    let _ = write!(
        s,
        "<tr class=\"rollup\"><th>{}</th><td></td><td></td>",
        esc(ROLLUP)
    );
    count_cells(s, total);
    let _ = writeln!(s, "<td></td></tr>\n</tbody></table>\n</section>");
}

/// One node's row of the summary table.
fn summary_row(s: &mut String, i: usize, n: &NodeDoc, counts: &CountsDoc) {
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
    count_cells(s, counts);
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

/// The matrix section; its rows are written to `out` as they are drawn.
fn matrix<W: std::io::Write>(
    s: &mut String,
    out: &mut W,
    rules: &[RuleText],
    rows: &[Row],
) -> std::io::Result<()> {
    // Filter buttons with their cell counts.
    let mut by_sev: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<char, usize> = BTreeMap::new();
    for rule in rules {
        *by_sev.entry(sev_code(&rule.severity)).or_default() += 1;
    }
    for row in rows {
        for c in &row.st {
            *by_status.entry(*c as char).or_default() += 1;
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
        for (i, rule) in rules.iter().enumerate() {
            let c = row.st.get(i).copied().unwrap_or(b'r') as char;
            let (class, text) = cell(c, &rule.severity);
            let _ = write!(s, "<td class=\"{class}\">{text}</td>");
        }
        let _ = writeln!(s, "</tr>");
        if s.len() > 60 * 1024 {
            out.write_all(s.as_bytes())?;
            s.clear();
        }
    }
    let _ = writeln!(s, "</tbody></table></div>\n</section>");
    Ok(())
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

fn rule_sections(s: &mut String, cluster: &[RuleDoc], rules: &[RuleText], rows: &[Row]) {
    let _ = writeln!(
        s,
        "<section id=\"rules\"><h2>Rules</h2>\n<p class=\"meta\">Open a rule for its text and the evidence on each node \
(nodes with the same verdict and the same evidence are listed together).</p>"
    );
    // The last row is the roll-up.
    let (rollup_row, nodes) = match rows.split_last() {
        Some((last, nodes)) => (Some(last), nodes),
        None => (None, rows),
    };
    for (i, rule) in rules.iter().enumerate() {
        // Tally over the nodes only.
        let tally = |c: u8| nodes.iter().filter(|r| r.st.get(i) == Some(&c)).count();
        let rollup = rollup_row
            .and_then(|r| r.st.get(i))
            .copied()
            .unwrap_or(b'r') as char;
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
        let method = cluster
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

    /// The page's data block, decoded.
    fn data(html: &str) -> serde_json::Value {
        let block = html
            .split("<script type=\"application/json\" id=\"kstig-data\">")
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("data block");
        serde_json::from_str(block).expect("data is JSON")
    }

    #[test]
    fn a_rule_missing_from_a_node_is_not_reviewed_and_says_so() {
        let mut d = doc("a", "x");
        d.nodes[0].rules.remove(1);
        let html = render(&d, &Benchmark::default());
        let v = data(&html);
        // Rule columns come from the first node (no benchmark text): only
        // CNTR-K8-000150; give the benchmark both rules instead.
        assert_eq!(v["rules"].as_array().map(|a| a.len()), Some(1));
        let bench = Benchmark {
            rules: rules_of(&d.cluster.rules),
            ..Benchmark::default()
        };
        let v = data(&render(&d, &bench));
        assert_eq!(v["st"][1], "rf", "node: not reviewed; roll-up: as given");
        let strings = v["strings"].as_array().expect("strings");
        let id = v["ev"][1][0].as_u64().expect("id") as usize;
        assert_eq!(strings[id], MISSING);
        // Every id points into the string table.
        for per_rule in v["ev"].as_array().expect("ev") {
            for id in per_rule.as_array().expect("ids") {
                assert!((id.as_u64().expect("id") as usize) < strings.len());
            }
        }
    }

    #[test]
    fn streamed_page_matches_the_document() {
        // Fed node by node, as `kstig analyze` does, the page equals the one
        // drawn from the whole document.
        let mut d = doc("a", "one");
        let mut second = d.nodes[0].clone();
        second.host = "b".into();
        second.trusted = true;
        second.rules[0].status = "not_a_finding".into();
        second.rules[0].details = "two".into();
        d.nodes.push(second);
        let whole = render(&d, &Benchmark::default());
        let mut report = Report::new(&Benchmark::default());
        for n in &d.nodes {
            report.node(n);
        }
        let mut out = Vec::new();
        report
            .finish(
                &mut out,
                &Meta {
                    format: &d.format,
                    generator: &d.generator,
                    benchmark: &d.benchmark,
                },
                &d.cluster.rules,
                &d.refused,
            )
            .expect("write");
        assert_eq!(String::from_utf8(out).expect("utf-8"), whole);
        let v = data(&whole);
        assert_eq!(v["hosts"], serde_json::json!(["a", "b", ROLLUP]));
        assert_eq!(v["st"][0], "ofo");
        assert!(whole.contains("UNTRUSTED EVIDENCE (analyzed with --allow-untrusted; the signature did not verify): a</p>"));
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
