//! Streaming XCCDF reader: finds the one `Benchmark` element (XCCDF 1.1 at
//! the root, or XCCDF 1.2 inside a SCAP 1.3 data stream) and collects the
//! benchmark facts and every `Rule` with its `Group`.
//!
//! The reader never expands entities: a DOCTYPE is refused outright, and
//! only the five predefined entities and character references are accepted.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{description, BenchmarkError};
use crate::model::{BenchmarkInfo, RuleText};

/// Every XCCDF version's namespace starts with this (`…/1.1`, `…/1.2`).
const NS_XCCDF_PREFIX: &[u8] = b"http://checklists.nist.gov/xccdf/";
const NS_DC: &[u8] = b"http://purl.org/dc/elements/1.1/";
const IDENT_CCI: &str = "http://cyber.mil/cci";
const IDENT_LEGACY: &str = "http://cyber.mil/legacy";

/// Element nesting deeper than this is refused (DISA files nest < 10 deep).
const MAX_DEPTH: usize = 256;

/// What was read from the file, before validation.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub info: BenchmarkInfo,
    pub rules: Vec<RuleText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ident {
    Cci,
    Legacy,
    Other,
}

/// The role of an open element, decided from its parent's role and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not (yet) inside the Benchmark.
    Outside,
    Benchmark,
    BenchStatus,
    BenchTitle,
    BenchDescription,
    BenchReference,
    BenchSource,
    BenchReleaseInfo,
    BenchVersion,
    Group,
    GroupTitle,
    Rule,
    RuleVersion,
    RuleTitle,
    RuleDescription,
    RuleReference,
    RuleTargetKey,
    RuleIdent(Ident),
    RuleFixText,
    RuleCheck,
    RuleCheckContent,
    /// Markup nested inside a text element: its text still counts.
    Inner,
    /// Inside the Benchmark but of no interest.
    Ignored,
}

impl Kind {
    /// Elements whose text content we collect.
    fn captures_text(self) -> bool {
        matches!(
            self,
            Kind::BenchStatus
                | Kind::BenchTitle
                | Kind::BenchDescription
                | Kind::BenchSource
                | Kind::BenchReleaseInfo
                | Kind::BenchVersion
                | Kind::GroupTitle
                | Kind::RuleVersion
                | Kind::RuleTitle
                | Kind::RuleDescription
                | Kind::RuleTargetKey
                | Kind::RuleIdent(_)
                | Kind::RuleFixText
                | Kind::RuleCheckContent
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Xccdf,
    Dc,
    Other,
}

struct GroupCtx {
    id: String,
    title: String,
}

struct Parser<'a> {
    file: &'a str,
    stack: Vec<Kind>,
    /// Namespace of the Benchmark we are in (children must share it).
    bench_ns: Vec<u8>,
    /// XCCDF namespace of the element being classified outside a Benchmark.
    candidate_ns: Vec<u8>,
    in_benchmark: bool,
    benchmark_ids: Vec<String>,
    root: Option<String>,
    text: String,
    groups: Vec<GroupCtx>,
    rule: Option<RuleText>,
    seen_check_content: bool,
    out: Parsed,
}

/// Reads `text` (already checked to be UTF-8) as an XCCDF benchmark or a
/// SCAP data stream holding one.
pub(crate) fn parse(file: &str, text: &str) -> Result<Parsed, BenchmarkError> {
    let mut reader = NsReader::from_str(text);
    let mut parser = Parser {
        file,
        stack: Vec::new(),
        bench_ns: Vec::new(),
        candidate_ns: Vec::new(),
        in_benchmark: false,
        benchmark_ids: Vec::new(),
        root: None,
        text: String::new(),
        groups: Vec::new(),
        rule: None,
        seen_check_content: false,
        out: Parsed::default(),
    };
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (parser.classify(&ns), event),
            Err(e) => return Err(xml_error(file, reader.error_position(), &e.to_string())),
        };
        let position = reader.buffer_position();
        match event {
            Event::Start(start) => parser.start(&start, ns, position)?,
            Event::Empty(start) => {
                parser.start(&start, ns, position)?;
                parser.end(position)?;
            }
            Event::End(_) => parser.end(position)?,
            Event::Text(content) => {
                if parser.capturing() {
                    let decoded = content
                        .xml10_content()
                        .map_err(|e| xml_error(file, position, &e.to_string()))?;
                    parser.text.push_str(&decoded);
                }
            }
            Event::CData(content) => {
                if parser.capturing() {
                    let decoded = content
                        .xml10_content()
                        .map_err(|e| xml_error(file, position, &e.to_string()))?;
                    parser.text.push_str(&decoded);
                }
            }
            Event::GeneralRef(reference) => {
                let Some(c) = description::resolve_reference(&reference) else {
                    let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
                    return Err(xml_error(
                        file,
                        position,
                        &format!("undefined entity or bad character reference &{name};"),
                    ));
                };
                if parser.capturing() {
                    parser.text.push(c);
                }
            }
            Event::DocType(_) => {
                return Err(BenchmarkError::Dtd {
                    file: file.to_string(),
                })
            }
            Event::Decl(decl) => {
                if let Some(Ok(encoding)) = decl.encoding() {
                    let encoding = String::from_utf8_lossy(&encoding).to_string();
                    let lower = encoding.to_ascii_lowercase();
                    if lower != "utf-8" && lower != "utf8" && lower != "us-ascii" {
                        return Err(BenchmarkError::Encoding {
                            file: file.to_string(),
                            encoding,
                        });
                    }
                }
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = parser.stack.len().checked_sub(1) {
        return Err(xml_error(
            file,
            reader.buffer_position(),
            &format!("unexpected end of file ({} elements still open)", open + 1),
        ));
    }
    match parser.benchmark_ids.len() {
        0 => Err(BenchmarkError::NotBenchmark {
            file: file.to_string(),
            root: parser.root.unwrap_or_default(),
        }),
        1 => Ok(parser.out),
        _ => Err(BenchmarkError::SeveralBenchmarksInFile {
            file: file.to_string(),
            ids: parser.benchmark_ids,
        }),
    }
}

fn xml_error(file: &str, position: u64, message: &str) -> BenchmarkError {
    BenchmarkError::Xml {
        file: file.to_string(),
        position,
        message: message.to_string(),
    }
}

/// Reads an attribute by its unprefixed name, unescaped. Missing → empty.
fn attribute(
    file: &str,
    position: u64,
    start: &BytesStart<'_>,
    name: &str,
) -> Result<String, BenchmarkError> {
    match start.try_get_attribute(name) {
        Ok(Some(attr)) => attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.trim().to_string())
            .map_err(|e| xml_error(file, position, &format!("attribute {name}: {e}"))),
        Ok(None) => Ok(String::new()),
        Err(e) => Err(xml_error(file, position, &format!("attributes: {e}"))),
    }
}

/// Strips an XCCDF 1.2 id prefix `xccdf_<namespace>_<kind>_` (DISA:
/// `xccdf_mil.disa.stig_group_`); XCCDF 1.1 ids come back unchanged.
pub(crate) fn strip_xccdf12_prefix<'a>(id: &'a str, kind: &str) -> &'a str {
    let Some(rest) = id.strip_prefix("xccdf_") else {
        return id;
    };
    let Some((_namespace, tail)) = rest.split_once('_') else {
        return id;
    };
    match tail.strip_prefix(kind).and_then(|t| t.strip_prefix('_')) {
        Some(name) if !name.is_empty() => name,
        _ => id,
    }
}

impl Parser<'_> {
    /// Inside the Benchmark, only its own namespace counts as XCCDF; outside
    /// it, any XCCDF version does (and is remembered for a Benchmark start).
    fn classify(&mut self, ns: &ResolveResult<'_>) -> Ns {
        match ns {
            ResolveResult::Bound(namespace) => {
                let uri = namespace.as_ref();
                if self.in_benchmark && uri == self.bench_ns.as_slice() {
                    Ns::Xccdf
                } else if !self.in_benchmark && uri.starts_with(NS_XCCDF_PREFIX) {
                    self.candidate_ns = uri.to_vec();
                    Ns::Xccdf
                } else if uri == NS_DC {
                    Ns::Dc
                } else {
                    Ns::Other
                }
            }
            _ => Ns::Other,
        }
    }

    fn capturing(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|k| k.captures_text() || *k == Kind::Inner)
    }

    fn start(
        &mut self,
        start: &BytesStart<'_>,
        ns: Ns,
        position: u64,
    ) -> Result<(), BenchmarkError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml_error(
                self.file,
                position,
                &format!("elements nested deeper than {MAX_DEPTH}"),
            ));
        }
        let local = start.local_name();
        let local = local.as_ref();
        if self.root.is_none() {
            self.root = Some(String::from_utf8_lossy(start.name().as_ref()).into_owned());
        }
        let parent = self.stack.last().copied().unwrap_or(Kind::Outside);
        let xccdf = ns == Ns::Xccdf;
        let kind = match parent {
            Kind::Outside if xccdf && local == b"Benchmark" => Kind::Benchmark,
            Kind::Outside => Kind::Outside,
            Kind::Benchmark if xccdf => match local {
                b"status" => Kind::BenchStatus,
                b"title" => Kind::BenchTitle,
                b"description" => Kind::BenchDescription,
                b"notice" => {
                    if self.out.info.notice.is_empty() {
                        self.out.info.notice = attribute(self.file, position, start, "id")?;
                    }
                    Kind::Ignored
                }
                b"reference" => Kind::BenchReference,
                b"plain-text" => {
                    if attribute(self.file, position, start, "id")? == "release-info" {
                        Kind::BenchReleaseInfo
                    } else {
                        Kind::Ignored
                    }
                }
                b"version" => Kind::BenchVersion,
                b"Group" => Kind::Group,
                b"Rule" => Kind::Rule,
                _ => Kind::Ignored,
            },
            Kind::BenchReference if ns == Ns::Dc && local == b"source" => Kind::BenchSource,
            Kind::Group if xccdf => match local {
                b"title" => Kind::GroupTitle,
                b"Group" => Kind::Group,
                b"Rule" => Kind::Rule,
                _ => Kind::Ignored,
            },
            Kind::Rule if xccdf => match local {
                b"version" => Kind::RuleVersion,
                b"title" => Kind::RuleTitle,
                b"description" => Kind::RuleDescription,
                b"reference" => Kind::RuleReference,
                b"ident" => {
                    let system = attribute(self.file, position, start, "system")?;
                    Kind::RuleIdent(match system.as_str() {
                        IDENT_CCI => Ident::Cci,
                        IDENT_LEGACY => Ident::Legacy,
                        _ => Ident::Other,
                    })
                }
                b"fixtext" => {
                    if let Some(rule) = self.rule.as_mut() {
                        if rule.fix_id.is_empty() {
                            rule.fix_id = attribute(self.file, position, start, "fixref")?;
                        }
                    }
                    Kind::RuleFixText
                }
                b"check" => {
                    if let Some(rule) = self.rule.as_mut() {
                        if rule.check_system.is_empty() {
                            rule.check_system = attribute(self.file, position, start, "system")?;
                        }
                    }
                    Kind::RuleCheck
                }
                _ => Kind::Ignored,
            },
            Kind::RuleReference if ns == Ns::Dc && local == b"identifier" => Kind::RuleTargetKey,
            Kind::RuleCheck if xccdf => match local {
                b"check-content-ref" => {
                    if let Some(rule) = self.rule.as_mut() {
                        if rule.check_ref.is_empty() {
                            rule.check_ref = attribute(self.file, position, start, "name")?;
                            rule.check_ref_href = attribute(self.file, position, start, "href")?;
                        }
                    }
                    Kind::Ignored
                }
                b"check-content" => Kind::RuleCheckContent,
                _ => Kind::Ignored,
            },
            k if k.captures_text() || k == Kind::Inner => Kind::Inner,
            _ => Kind::Ignored,
        };
        match kind {
            Kind::Benchmark => {
                self.bench_ns = std::mem::take(&mut self.candidate_ns);
                self.in_benchmark = true;
                let id = attribute(self.file, position, start, "id")?;
                self.benchmark_ids.push(id.clone());
                if self.benchmark_ids.len() == 1 {
                    self.out.info.id = strip_xccdf12_prefix(&id, "benchmark").to_string();
                }
            }
            Kind::BenchStatus if self.out.info.status_date.is_empty() => {
                self.out.info.status_date = attribute(self.file, position, start, "date")?;
            }
            Kind::Group => {
                let id = attribute(self.file, position, start, "id")?;
                self.groups.push(GroupCtx {
                    id: strip_xccdf12_prefix(&id, "group").to_string(),
                    title: String::new(),
                });
            }
            Kind::Rule => {
                let id = attribute(self.file, position, start, "id")?;
                let severity = attribute(self.file, position, start, "severity")?;
                let weight = attribute(self.file, position, start, "weight")?;
                self.rule = Some(RuleText {
                    vuln_id: self.groups.last().map(|g| g.id.clone()).unwrap_or_default(),
                    rule_id: strip_xccdf12_prefix(&id, "rule").to_string(),
                    severity: if severity.is_empty() {
                        "unknown".to_string()
                    } else {
                        severity.to_ascii_lowercase()
                    },
                    weight: if weight.is_empty() {
                        "10.0".to_string()
                    } else {
                        weight
                    },
                    ..RuleText::default()
                });
                self.seen_check_content = false;
            }
            _ => {}
        }
        if kind.captures_text() {
            self.text.clear();
        }
        self.stack.push(kind);
        Ok(())
    }

    fn end(&mut self, position: u64) -> Result<(), BenchmarkError> {
        let Some(kind) = self.stack.pop() else {
            return Err(xml_error(self.file, position, "end tag without start tag"));
        };
        // Only the first Benchmark is read; later ones are counted for the error.
        let first = self.benchmark_ids.len() == 1;
        let text = if kind.captures_text() {
            std::mem::take(&mut self.text)
        } else {
            String::new()
        };
        let info = &mut self.out.info;
        match kind {
            Kind::BenchTitle if first && info.title.is_empty() => info.title = text,
            Kind::BenchDescription if first && info.description.is_empty() => {
                info.description = text
            }
            Kind::BenchSource if first && info.source.is_empty() => {
                info.source = text.trim().to_string()
            }
            Kind::BenchReleaseInfo if first && info.release_info.is_empty() => {
                info.release_info = text.trim().to_string()
            }
            Kind::BenchVersion if first && info.version.is_empty() => {
                info.version = text.trim().to_string()
            }
            Kind::GroupTitle => {
                if let Some(group) = self.groups.last_mut() {
                    if group.title.is_empty() {
                        group.title = text.trim().to_string();
                    }
                }
            }
            Kind::Group => {
                self.groups.pop();
            }
            Kind::Rule => {
                if let Some(mut rule) = self.rule.take() {
                    rule.group_title = self
                        .groups
                        .last()
                        .map(|g| g.title.clone())
                        .unwrap_or_default();
                    if first {
                        self.out.rules.push(rule);
                    }
                }
            }
            _ => {
                if let Some(rule) = self.rule.as_mut() {
                    match kind {
                        Kind::RuleVersion if rule.stig_id.is_empty() => {
                            rule.stig_id = text.trim().to_string()
                        }
                        Kind::RuleTitle if rule.title.is_empty() => rule.title = text,
                        Kind::RuleDescription => description::apply(&text, rule),
                        Kind::RuleTargetKey if rule.target_key.is_empty() => {
                            rule.target_key = text.trim().to_string()
                        }
                        Kind::RuleIdent(Ident::Cci) => push_unique(&mut rule.ccis, text.trim()),
                        Kind::RuleIdent(Ident::Legacy) => {
                            push_unique(&mut rule.legacy_ids, text.trim())
                        }
                        Kind::RuleFixText if rule.fix_text.is_empty() => rule.fix_text = text,
                        Kind::RuleCheckContent if !self.seen_check_content => {
                            rule.check_text = text;
                            self.seen_check_content = true;
                        }
                        _ => {}
                    }
                }
            }
        }
        if kind == Kind::Benchmark {
            // Reset so that a second Benchmark is recognised (and reported).
            self.in_benchmark = false;
            self.groups.clear();
            self.rule = None;
        }
        Ok(())
    }
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_disa_prefixes() {
        assert_eq!(
            strip_xccdf12_prefix("xccdf_mil.disa.stig_group_V-242376", "group"),
            "V-242376"
        );
        assert_eq!(
            strip_xccdf12_prefix("xccdf_mil.disa.stig_rule_SV-242376r960759_rule", "rule"),
            "SV-242376r960759_rule"
        );
        assert_eq!(
            strip_xccdf12_prefix("xccdf_mil.disa.stig_benchmark_Kubernetes_STIG", "benchmark"),
            "Kubernetes_STIG"
        );
        assert_eq!(strip_xccdf12_prefix("V-242376", "group"), "V-242376");
        assert_eq!(
            strip_xccdf12_prefix("xccdf_x_rule_", "rule"),
            "xccdf_x_rule_"
        );
        assert_eq!(
            strip_xccdf12_prefix("xccdf_x_group_V-1", "rule"),
            "xccdf_x_group_V-1"
        );
    }
}
