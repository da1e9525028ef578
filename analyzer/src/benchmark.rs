//! Loading a DISA Kubernetes STIG benchmark supplied by the user.
//!
//! Accepted inputs (recognised by content, not by name):
//! - a DISA manual XCCDF 1.1 benchmark (`U_Kubernetes_STIG_V1R11_Manual-xccdf.xml`);
//! - a SCAP 1.3 data stream holding an XCCDF 1.2 benchmark
//!   (`U_Kubernetes_V2R1_STIG_SCAP_1-3_Benchmark.xml`); its ids lose their
//!   `xccdf_mil.disa.stig_{benchmark,group,rule}_` prefixes, and since its
//!   checks are OVAL, `check_text` is empty and `check_ref` is the OVAL
//!   definition name;
//! - DISA's STIG zip (the XCCDF inside a folder), or a zip of such zips
//!   (DISA's quarterly library, one level of nesting).
//!
//! Normalisation: text keeps its content (XML line ends are normalised to
//! LF, as any XML parser does); ids, severity (lower case) and version are
//! trimmed. SCAP benchmarks write `version` as `002.001` and release-info as
//! `Release: 2.1 Benchmark Date: …`; they are normalised to the manual
//! benchmark's form (`2`, `Release: 1 Benchmark Date: …`) so that the label
//! is `V2R1` and checklist consumers derive the same revision.
//!
//! Hostile input: a DOCTYPE (and with it any DTD or ENTITY declaration) is
//! refused, only predefined entities and character references are decoded,
//! inputs are size-capped, zip entries are read into memory only, capped by
//! declared and actual size, and an unsafe entry path refuses the zip.

mod archive;
mod description;
mod xccdf;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::model::{Benchmark, BenchmarkInfo};

/// Largest XCCDF / SCAP XML accepted (the V2R1 data stream is 0.4 MiB).
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;
/// Largest zip file accepted (a DISA quarterly library is a few hundred MiB).
pub const MAX_ZIP_BYTES: u64 = 1024 * 1024 * 1024;

/// Caps applied while loading; `Limits::default()` is what `load` uses.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub max_xml: u64,
    pub max_zip: u64,
    /// Largest zip inside a zip (DISA's Kubernetes STIG zip is 3 MiB).
    pub max_inner_zip: u64,
    /// All entries decompressed during one load, together.
    pub max_total_decompressed: u64,
    pub max_zip_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_xml: MAX_XML_BYTES,
            max_zip: MAX_ZIP_BYTES,
            max_inner_zip: 256 * 1024 * 1024,
            max_total_decompressed: 512 * 1024 * 1024,
            max_zip_entries: 100_000,
        }
    }
}

/// Why a benchmark could not be loaded. `file` names the file, and for zip
/// content the entry, as `outer.zip!/folder/entry.xml`.
#[derive(Debug, thiserror::Error)]
pub enum BenchmarkError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {what} of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        file: String,
        what: &'static str,
        size: u64,
        limit: u64,
    },
    #[error("{file}: not an XCCDF benchmark, SCAP data stream or zip ({reason})")]
    Unrecognized { file: String, reason: String },
    #[error("{file}: not valid XML at byte {position}: {message}")]
    Xml {
        file: String,
        position: u64,
        message: String,
    },
    #[error("{file}: refusing a DOCTYPE/DTD declaration (entity declarations are not allowed in a benchmark)")]
    Dtd { file: String },
    #[error("{file}: unsupported encoding {encoding:?} (only UTF-8 is read)")]
    Encoding { file: String, encoding: String },
    #[error(
        "{file}: not an XCCDF benchmark (no XCCDF Benchmark element; root element is <{root}>)"
    )]
    NotBenchmark { file: String, root: String },
    #[error("{file}: several benchmarks in one file: {}", ids.join(", "))]
    SeveralBenchmarksInFile { file: String, ids: Vec<String> },
    #[error("{file}: benchmark has no rules")]
    NoRules { file: String },
    #[error("{file}: rule {rule} has no {field}")]
    MissingField {
        file: String,
        rule: String,
        field: &'static str,
    },
    #[error("{file}: duplicate STIG ID {stig_id} (rules {first} and {second})")]
    DuplicateStigId {
        file: String,
        stig_id: String,
        first: String,
        second: String,
    },
    #[error("{file}: duplicate Vuln ID {vuln_id} (rules {first} and {second})")]
    DuplicateVulnId {
        file: String,
        vuln_id: String,
        first: String,
        second: String,
    },
    #[error("{file}: not a usable zip archive: {message}")]
    Zip { file: String, message: String },
    #[error("{file}: refusing zip entry with an absolute or '..' path: {entry:?}")]
    UnsafeZipEntry { file: String, entry: String },
    #[error("{file}: no Kubernetes STIG benchmark in zip{}", others_note(others))]
    NoBenchmarkInZip { file: String, others: Vec<String> },
    #[error("{file}: several benchmarks in zip, extract the one to use: {}", candidates.join(", "))]
    SeveralBenchmarksInZip {
        file: String,
        candidates: Vec<String>,
    },
}

fn others_note(others: &[String]) -> String {
    if others.is_empty() {
        String::new()
    } else {
        format!(" (other benchmarks: {})", others.join(", "))
    }
}

/// Loads a benchmark from an XCCDF / SCAP XML file or a DISA zip.
pub fn load(path: &Path) -> Result<Benchmark, BenchmarkError> {
    let limits = Limits::default();
    let name = path.display().to_string();
    let io_error = |source| BenchmarkError::Io {
        file: name.clone(),
        source,
    };
    let file = crate::safety::open_regular(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > limits.max_zip {
        return Err(BenchmarkError::TooLarge {
            file: name,
            what: "file size",
            size,
            limit: limits.max_zip,
        });
    }
    let mut bytes = Vec::new();
    file.take(limits.max_zip.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    load_bytes_with(&name, &bytes, &limits)
}

/// Loads a benchmark from bytes; `name` is the file name used in messages
/// and in `BenchmarkInfo::filename`.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Benchmark, BenchmarkError> {
    load_bytes_with(name, bytes, &Limits::default())
}

pub(crate) fn load_bytes_with(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Benchmark, BenchmarkError> {
    let mut b = load_any(name, bytes, limits)?;
    b.info.rule_count = b.rules.len();
    Ok(b)
}

fn load_any(name: &str, bytes: &[u8], limits: &Limits) -> Result<Benchmark, BenchmarkError> {
    let size = bytes.len() as u64;
    if archive::is_zip(bytes) {
        if size > limits.max_zip {
            return Err(BenchmarkError::TooLarge {
                file: name.to_string(),
                what: "zip size",
                size,
                limit: limits.max_zip,
            });
        }
        let found = archive::find_benchmark(name, bytes, limits)?;
        return load_xml(
            &found.display,
            archive::base_name(&found.path),
            &found.bytes,
            limits,
        );
    }
    load_xml(name, archive::base_name(name), bytes, limits)
}

/// Parses one XML document. `display` names it in errors; `filename` goes
/// to `BenchmarkInfo::filename`.
fn load_xml(
    display: &str,
    filename: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Benchmark, BenchmarkError> {
    let size = bytes.len() as u64;
    if size > limits.max_xml {
        return Err(BenchmarkError::TooLarge {
            file: display.to_string(),
            what: "XML size",
            size,
            limit: limits.max_xml,
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(BenchmarkError::Encoding {
            file: display.to_string(),
            encoding: "UTF-16".to_string(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| BenchmarkError::Unrecognized {
        file: display.to_string(),
        reason: format!("not UTF-8 text: {e}"),
    })?;
    if !text.trim_start().starts_with('<') {
        return Err(BenchmarkError::Unrecognized {
            file: display.to_string(),
            reason: "does not start with '<'".to_string(),
        });
    }
    let parsed = xccdf::parse(display, text)?;
    let mut info = parsed.info;
    info.filename = filename.to_string();
    normalize_release(&mut info);
    let benchmark = Benchmark {
        info,
        rules: parsed.rules,
    };
    validate(display, &benchmark)?;
    Ok(benchmark)
}

/// Refuses benchmarks that cannot be keyed by STIG ID / Vuln ID.
fn validate(file: &str, benchmark: &Benchmark) -> Result<(), BenchmarkError> {
    if benchmark.rules.is_empty() {
        return Err(BenchmarkError::NoRules {
            file: file.to_string(),
        });
    }
    let mut stig_ids: HashMap<&str, &str> = HashMap::new();
    let mut vuln_ids: HashMap<&str, &str> = HashMap::new();
    for rule in &benchmark.rules {
        let missing = |field| BenchmarkError::MissingField {
            file: file.to_string(),
            rule: if rule.rule_id.is_empty() {
                format!("#{}", stig_ids.len() + 1)
            } else {
                rule.rule_id.clone()
            },
            field,
        };
        if rule.rule_id.is_empty() {
            return Err(missing("Rule id"));
        }
        if rule.stig_id.is_empty() {
            return Err(missing("STIG ID (Rule/version)"));
        }
        if rule.vuln_id.is_empty() {
            return Err(missing("Vuln ID (enclosing Group id)"));
        }
        if let Some(first) = stig_ids.insert(&rule.stig_id, &rule.rule_id) {
            return Err(BenchmarkError::DuplicateStigId {
                file: file.to_string(),
                stig_id: rule.stig_id.clone(),
                first: first.to_string(),
                second: rule.rule_id.clone(),
            });
        }
        if let Some(first) = vuln_ids.insert(&rule.vuln_id, &rule.rule_id) {
            return Err(BenchmarkError::DuplicateVulnId {
                file: file.to_string(),
                vuln_id: rule.vuln_id.clone(),
                first: first.to_string(),
                second: rule.rule_id.clone(),
            });
        }
    }
    Ok(())
}

/// Fills `release`, `date` and `label` from `version` and `release_info`,
/// turning SCAP's `002.001` / `Release: 2.1` into `2` / `Release: 1`.
fn normalize_release(info: &mut BenchmarkInfo) {
    let version_raw = info.version.trim().to_string();
    let (major, minor) = match version_raw.split_once('.') {
        Some((major, minor)) => (strip_zeros(major), Some(strip_zeros(minor))),
        None => (strip_zeros(&version_raw), None),
    };
    let release_token = info
        .release_info
        .split_once("Release:")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or("").to_string())
        .unwrap_or_default();
    let date = info
        .release_info
        .split_once("Benchmark Date:")
        .map(|(_, rest)| rest.trim().to_string())
        .unwrap_or_default();
    let dotted = release_token.contains('.');
    let release = match release_token.rsplit_once('.') {
        Some((_, r)) => strip_zeros(r),
        None => strip_zeros(&release_token),
    };
    let release = if release.is_empty() {
        minor.unwrap_or_default()
    } else {
        release
    };
    if is_number(&major) {
        info.version = major.clone();
    }
    if dotted && is_number(&release) {
        info.release_info = if date.is_empty() {
            format!("Release: {release}")
        } else {
            format!("Release: {release} Benchmark Date: {date}")
        };
    }
    if is_number(&major) && is_number(&release) {
        info.label = format!("V{major}R{release}");
    }
    info.release = if is_number(&release) {
        release
    } else {
        String::new()
    };
    info.date = date;
}

/// `002` → `2`, `0` → `0`; non-numbers are returned trimmed.
fn strip_zeros(s: &str) -> String {
    let s = s.trim();
    if !is_number(s) {
        return s.to_string();
    }
    let stripped = s.trim_start_matches('0');
    if stripped.is_empty() {
        "0".to_string()
    } else {
        stripped.to_string()
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;
