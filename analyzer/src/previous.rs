//! Reader for earlier checklists (`.ckl` from STIG Viewer 2 / STIG Manager /
//! Evaluate-STIG / kstig, `.cklb` from STIG Viewer 3 / STIG Manager / kstig),
//! so an assessor's manual entries can be carried forward.
//!
//! Every STIG in the file is returned (a CKL/CKLB can hold several); the
//! caller picks the ones it wants, e.g. with [`PreviousChecklist::is_kubernetes`]
//! or by `benchmark_id`.
//!
//! Hostile input: files larger than [`MAX_CHECKLIST_BYTES`] are refused before
//! parsing; a `<!DOCTYPE` (and so any DTD or entity declaration) is refused;
//! only XML's predefined entities and character references are expanded;
//! JSON nesting is bounded by serde_json's recursion limit. Errors name the file.

use std::io::Read;
use std::path::{Path, PathBuf};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;

use crate::model::Status;

/// Larger files are refused (real checklists are a few MiB at most).
pub const MAX_CHECKLIST_BYTES: u64 = 64 * 1024 * 1024;
/// Deeper XML nesting is refused (a CKL is 6 levels deep).
const MAX_XML_DEPTH: usize = 64;
const BENCHMARK_PREFIX: &str = "xccdf_mil.disa.stig_benchmark_";

/// One rule's entries in an earlier checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousEntry {
    /// `Rule_Ver` / `rule_version` (`CNTR-K8-000150`).
    pub stig_id: String,
    /// `Vuln_Num` / `group_id` (`V-242376`).
    pub vuln_id: String,
    /// `Rule_ID` / `rule_id_src` (`SV-242376r879519_rule`).
    pub rule_id: String,
    /// `None` when the status is missing or not one of the four known spellings.
    pub status: Option<Status>,
    pub details: String,
    pub comments: String,
    /// As written (`low`/`medium`/`high` or empty).
    pub severity_override: String,
    pub severity_justification: String,
}

/// One STIG of an earlier checklist file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousChecklist {
    /// CKL `HOST_NAME` / CKLB `target_data.host_name` (may be empty: STIG Viewer allows it).
    pub host_name: String,
    /// The file it was read from.
    pub source: PathBuf,
    /// `stigid` / `stig_id`, without any `xccdf_mil.disa.stig_benchmark_` prefix.
    pub benchmark_id: String,
    pub entries: Vec<PreviousEntry>,
}

impl PreviousChecklist {
    /// True for a Kubernetes STIG: the benchmark id mentions Kubernetes, or a
    /// rule has a `CNTR-K8-` STIG id.
    pub fn is_kubernetes(&self) -> bool {
        self.benchmark_id
            .to_ascii_lowercase()
            .contains("kubernetes")
            || self
                .entries
                .iter()
                .any(|e| e.stig_id.trim().starts_with("CNTR-K8-"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    #[error("{}: cannot read checklist: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: checklist is larger than {limit} bytes; refusing to read it", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{}: checklist is not UTF-8 text", path.display())]
    NotUtf8 { path: PathBuf },
    #[error(
        "{}: checklist has a DOCTYPE declaration; DTDs and entity declarations are refused",
        path.display()
    )]
    Doctype { path: PathBuf },
    #[error("{}:{line}:{column}: malformed XML: {message}", path.display())]
    Xml {
        path: PathBuf,
        /// 1-based line and column (in characters) near the error.
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: malformed JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: not a checklist: {reason}", path.display())]
    NotAChecklist { path: PathBuf, reason: String },
}

/// Reads a `.ckl` or `.cklb` file (by extension; other names are sniffed:
/// `{` means CKLB, `<` CKL).
pub fn read(path: &Path) -> Result<Vec<PreviousChecklist>, PreviousError> {
    let io_err = |source| PreviousError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::safety::open_regular(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if len > MAX_CHECKLIST_BYTES {
        return Err(PreviousError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_CHECKLIST_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // The file may grow between stat and read: never read past the cap.
    file.take(MAX_CHECKLIST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    read_bytes(&bytes, path)
}

/// Parses checklist bytes; `source` names the file in errors and results.
pub fn read_bytes(bytes: &[u8], source: &Path) -> Result<Vec<PreviousChecklist>, PreviousError> {
    if bytes.len() as u64 > MAX_CHECKLIST_BYTES {
        return Err(PreviousError::TooLarge {
            path: source.to_path_buf(),
            limit: MAX_CHECKLIST_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| PreviousError::NotUtf8 {
        path: source.to_path_buf(),
    })?;
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let is_json = match ext.as_str() {
        "cklb" | "json" => true,
        "ckl" | "xml" => false,
        _ => text.trim_start().starts_with('{'),
    };
    if is_json {
        parse_cklb(text, source)
    } else {
        parse_ckl(text, source)
    }
}

// ---------------------------------------------------------------- CKL (XML)

#[derive(Default)]
struct CklState {
    host_name: String,
    checklists: Vec<PreviousChecklist>,
    current: Option<PreviousChecklist>,
    entry: Option<PreviousEntry>,
    si_name: String,
    si_data: String,
    attr_name: String,
    attr_data: String,
}

fn parse_ckl(text: &str, source: &Path) -> Result<Vec<PreviousChecklist>, PreviousError> {
    let xml_err = |position: u64, message: String| {
        let (line, column) = line_column(text, position);
        PreviousError::Xml {
            path: source.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;

    let mut stack: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut st = CklState::default();
    let mut saw_root = false;

    loop {
        let pos = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => return Err(xml_err(reader.error_position(), e.to_string())),
        };
        match event {
            Event::DocType(_) => {
                return Err(PreviousError::Doctype {
                    path: source.to_path_buf(),
                })
            }
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    if saw_root {
                        return Err(xml_err(pos, "more than one root element".to_string()));
                    }
                    saw_root = true;
                    if name != "CHECKLIST" {
                        return Err(PreviousError::NotAChecklist {
                            path: source.to_path_buf(),
                            reason: format!("root element is <{name}>, not <CHECKLIST>"),
                        });
                    }
                }
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(xml_err(pos, "elements nested too deeply".to_string()));
                }
                let parent = stack.last().map(String::as_str).unwrap_or("");
                ckl_start(&mut st, &name, parent);
                stack.push(name);
                buf.clear();
            }
            Event::End(_) => {
                let name = match stack.pop() {
                    Some(n) => n,
                    None => return Err(xml_err(pos, "unmatched end tag".to_string())),
                };
                let parent = stack.last().map(String::as_str).unwrap_or("");
                ckl_end(&mut st, &name, parent, &buf);
                buf.clear();
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| xml_err(pos, e.to_string()))?;
                buf.push_str(&s);
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| xml_err(pos, e.to_string()))?;
                buf.push_str(&s);
            }
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => buf.push(c),
                        Ok(None) => {}
                        Err(e) => return Err(xml_err(pos, e.to_string())),
                    }
                } else {
                    let name = r.decode().map_err(|e| xml_err(pos, e.to_string()))?;
                    match resolve_predefined_entity(&name) {
                        Some(s) => buf.push_str(s),
                        None => {
                            return Err(xml_err(pos, format!("undefined entity &{name};")));
                        }
                    }
                }
            }
            Event::Empty(_) => {
                // expand_empty_elements turns these into Start + End.
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(xml_err(
            reader.buffer_position(),
            format!("file ends inside <{open}>"),
        ));
    }
    if !saw_root {
        return Err(PreviousError::NotAChecklist {
            path: source.to_path_buf(),
            reason: "no <CHECKLIST> element".to_string(),
        });
    }
    let host = st.host_name.trim().to_string();
    let mut out = st.checklists;
    for c in &mut out {
        c.host_name = host.clone();
        c.source = source.to_path_buf();
    }
    Ok(out)
}

/// 1-based line and column of byte offset `pos` in `text`.
fn line_column(text: &str, pos: u64) -> (usize, usize) {
    let mut end = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn ckl_start(st: &mut CklState, name: &str, parent: &str) {
    match (parent, name) {
        ("STIGS", "iSTIG") => st.current = Some(PreviousChecklist::default()),
        ("iSTIG", "VULN") => st.entry = Some(PreviousEntry::default()),
        ("STIG_INFO", "SI_DATA") => {
            st.si_name.clear();
            st.si_data.clear();
        }
        ("VULN", "STIG_DATA") => {
            st.attr_name.clear();
            st.attr_data.clear();
        }
        _ => {}
    }
}

fn ckl_end(st: &mut CklState, name: &str, parent: &str, text: &str) {
    match (parent, name) {
        ("ASSET", "HOST_NAME") => st.host_name = text.to_string(),
        ("SI_DATA", "SID_NAME") => st.si_name = text.trim().to_string(),
        ("SI_DATA", "SID_DATA") => st.si_data = text.to_string(),
        ("STIG_INFO", "SI_DATA") if st.si_name == "stigid" => {
            if let Some(c) = st.current.as_mut() {
                let id = st.si_data.trim();
                c.benchmark_id = id.strip_prefix(BENCHMARK_PREFIX).unwrap_or(id).to_string();
            }
        }
        ("STIG_DATA", "VULN_ATTRIBUTE") => st.attr_name = text.trim().to_string(),
        ("STIG_DATA", "ATTRIBUTE_DATA") => st.attr_data = text.to_string(),
        ("VULN", "STIG_DATA") => {
            if let Some(e) = st.entry.as_mut() {
                let v = st.attr_data.trim().to_string();
                match st.attr_name.as_str() {
                    "Vuln_Num" => e.vuln_id = v,
                    "Rule_ID" => e.rule_id = v,
                    "Rule_Ver" => e.stig_id = v,
                    _ => {}
                }
            }
        }
        ("VULN", field) => {
            if let Some(e) = st.entry.as_mut() {
                match field {
                    "STATUS" => e.status = Status::from_ckl(text),
                    "FINDING_DETAILS" => e.details = text.to_string(),
                    "COMMENTS" => e.comments = text.to_string(),
                    "SEVERITY_OVERRIDE" => e.severity_override = text.trim().to_string(),
                    "SEVERITY_JUSTIFICATION" => e.severity_justification = text.to_string(),
                    _ => {}
                }
            }
        }
        ("iSTIG", "VULN") => {
            if let (Some(c), Some(e)) = (st.current.as_mut(), st.entry.take()) {
                c.entries.push(e);
            }
        }
        ("STIGS", "iSTIG") => {
            if let Some(c) = st.current.take() {
                st.checklists.push(c);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- CKLB (JSON)

fn parse_cklb(text: &str, source: &Path) -> Result<Vec<PreviousChecklist>, PreviousError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| PreviousError::Json {
        path: source.to_path_buf(),
        source: e,
    })?;
    let not_ckl = |reason: &str| PreviousError::NotAChecklist {
        path: source.to_path_buf(),
        reason: reason.to_string(),
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| not_ckl("top level is not a JSON object"))?;
    let stigs = obj
        .get("stigs")
        .and_then(Value::as_array)
        .ok_or_else(|| not_ckl("no \"stigs\" array"))?;
    let host_name = obj
        .get("target_data")
        .map(|t| str_field(t, "host_name"))
        .unwrap_or_default()
        .trim()
        .to_string();

    let mut out = Vec::with_capacity(stigs.len());
    for stig in stigs {
        let id = str_field(stig, "stig_id");
        let id = id.trim();
        let mut c = PreviousChecklist {
            host_name: host_name.clone(),
            source: source.to_path_buf(),
            benchmark_id: id.strip_prefix(BENCHMARK_PREFIX).unwrap_or(id).to_string(),
            entries: Vec::new(),
        };
        if let Some(rules) = stig.get("rules").and_then(Value::as_array) {
            for rule in rules {
                c.entries.push(cklb_entry(rule));
            }
        }
        out.push(c);
    }
    Ok(out)
}

fn cklb_entry(rule: &Value) -> PreviousEntry {
    let mut rule_id = str_field(rule, "rule_id_src").trim().to_string();
    if rule_id.is_empty() {
        rule_id = str_field(rule, "rule_id").trim().to_string();
        if !rule_id.is_empty() && !rule_id.ends_with("_rule") {
            rule_id.push_str("_rule");
        }
    }
    let mut vuln_id = str_field(rule, "group_id").trim().to_string();
    if vuln_id.is_empty() {
        let src = str_field(rule, "group_id_src");
        let src = src.trim();
        vuln_id = src
            .strip_prefix("xccdf_mil.disa.stig_group_")
            .unwrap_or(src)
            .to_string();
    }
    let rule_id = rule_id
        .strip_prefix("xccdf_mil.disa.stig_rule_")
        .map(str::to_string)
        .unwrap_or(rule_id);
    let sev = rule.get("overrides").and_then(|o| o.get("severity"));
    PreviousEntry {
        stig_id: str_field(rule, "rule_version").trim().to_string(),
        vuln_id,
        rule_id,
        status: Status::from_snake(&str_field(rule, "status")),
        details: str_field(rule, "finding_details"),
        comments: str_field(rule, "comments"),
        severity_override: sev
            .map(|s| str_field(s, "severity"))
            .unwrap_or_default()
            .trim()
            .to_string(),
        severity_justification: sev.map(|s| str_field(s, "reason")).unwrap_or_default(),
    }
}

/// A string field, or empty when missing, `null` or not a string.
fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("t.ckl")
    }

    #[test]
    fn refuses_doctype() {
        let x = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CHECKLIST/>"#;
        let e = read_bytes(x.as_bytes(), p()).unwrap_err();
        assert!(matches!(e, PreviousError::Doctype { .. }), "{e}");
        assert!(e.to_string().starts_with("t.ckl: "));
    }

    #[test]
    fn xml_errors_have_line_and_column() {
        let x = "<CHECKLIST>\n  <ASSET>\n  </STIGS>\n</CHECKLIST>";
        let e = read_bytes(x.as_bytes(), p()).unwrap_err();
        assert!(e.to_string().starts_with("t.ckl:3:"), "{e}");
        assert_eq!(line_column("ab\ncé\nd", 6), (2, 3));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn refuses_undefined_entity_and_truncation() {
        let x = "<CHECKLIST><ASSET><HOST_NAME>&ent;</HOST_NAME></ASSET></CHECKLIST>";
        assert!(matches!(
            read_bytes(x.as_bytes(), p()),
            Err(PreviousError::Xml { .. })
        ));
        let x = "<CHECKLIST><ASSET><HOST_NAME>a";
        assert!(read_bytes(x.as_bytes(), p()).is_err());
        assert!(matches!(
            read_bytes(b"<OTHER/>", p()),
            Err(PreviousError::NotAChecklist { .. })
        ));
        assert!(matches!(
            read_bytes(b"\xff\xfe", p()),
            Err(PreviousError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut x = String::from("<CHECKLIST>");
        for _ in 0..100 {
            x.push_str("<a>");
        }
        assert!(matches!(
            read_bytes(x.as_bytes(), p()),
            Err(PreviousError::Xml { .. })
        ));
        let json = "[".repeat(10_000);
        assert!(matches!(
            read_bytes(json.as_bytes(), Path::new("t.cklb")),
            Err(PreviousError::Json { .. })
        ));
    }

    #[test]
    fn reads_minimal_ckl_with_escapes() {
        let x = "\u{feff}<?xml version=\"1.0\"?><CHECKLIST><ASSET><HOST_NAME> h1 </HOST_NAME></ASSET>\
            <STIGS><iSTIG><STIG_INFO><SI_DATA><SID_NAME>stigid</SID_NAME>\
            <SID_DATA>xccdf_mil.disa.stig_benchmark_Kubernetes_STIG</SID_DATA></SI_DATA></STIG_INFO>\
            <VULN><STIG_DATA><VULN_ATTRIBUTE>Rule_Ver</VULN_ATTRIBUTE><ATTRIBUTE_DATA>CNTR-K8-000150</ATTRIBUTE_DATA></STIG_DATA>\
            <STATUS>Open</STATUS><FINDING_DETAILS>a &lt;b&gt; &amp; &#13;&#x41;<![CDATA[<c>]]></FINDING_DETAILS><COMMENTS/>\
            </VULN></iSTIG></STIGS></CHECKLIST>";
        let v = read_bytes(x.as_bytes(), p()).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].host_name, "h1");
        assert_eq!(v[0].benchmark_id, "Kubernetes_STIG");
        assert!(v[0].is_kubernetes());
        assert_eq!(v[0].entries[0].status, Some(Status::Open));
        assert_eq!(v[0].entries[0].details, "a <b> & \rA<c>");
        assert_eq!(v[0].entries[0].comments, "");
    }

    #[test]
    fn cklb_tolerates_nulls_and_missing_fields() {
        let j = r#"{"target_data":{"host_name":null},"stigs":[{"stig_id":"X","rules":[
            {"rule_id":"SV-1r2","status":"weird","finding_details":null,
             "overrides":{"severity":{"severity":"low","reason":"why"}}}]}]}"#;
        let v = read_bytes(j.as_bytes(), Path::new("x.cklb")).unwrap();
        assert_eq!(v[0].host_name, "");
        assert_eq!(v[0].entries[0].rule_id, "SV-1r2_rule");
        assert_eq!(v[0].entries[0].status, None);
        assert_eq!(v[0].entries[0].severity_override, "low");
        assert_eq!(v[0].entries[0].severity_justification, "why");
        assert!(matches!(
            read_bytes(b"{\"title\":\"x\"}", Path::new("x.cklb")),
            Err(PreviousError::NotAChecklist { .. })
        ));
    }
}
