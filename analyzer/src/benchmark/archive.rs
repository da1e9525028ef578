//! Finding the Kubernetes benchmark inside a DISA zip, in memory.
//!
//! Two shapes are accepted: a STIG zip holding the XCCDF in a folder
//! (`U_Kubernetes_V1R11_STIG.zip`), and a zip of such zips (DISA's quarterly
//! library). Zips inside the inner zips are not opened. Nothing is written
//! to disk; every entry read is capped by its declared and its actual
//! decompressed size, and by a budget for the whole load.

use std::io::{Cursor, Read, Seek};

use zip::ZipArchive;

use super::{BenchmarkError, Limits};

/// One XML entry that may be the benchmark.
struct Candidate {
    /// `outer.zip!/inner.zip!/folder/file.xml`, for messages.
    display: String,
    /// The entry's path inside its zip.
    path: String,
    /// Index into `inner` (None: the entry is in the outer zip).
    inner: Option<usize>,
    index: usize,
}

struct Entry {
    index: usize,
    path: String,
}

/// Decompressed-bytes budget shared by every entry read during one load.
struct Budget {
    remaining: u64,
}

/// The chosen XCCDF: where it was and its bytes.
pub(crate) struct Found {
    pub display: String,
    pub path: String,
    pub bytes: Vec<u8>,
}

pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Finds and reads the one Kubernetes STIG benchmark in the zip `bytes`.
pub(crate) fn find_benchmark(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Found, BenchmarkError> {
    let mut budget = Budget {
        remaining: limits.max_total_decompressed,
    };
    let mut outer = open(file, Cursor::new(bytes))?;
    let entries = list(file, &mut outer, limits)?;

    let mut candidates: Vec<Candidate> = entries
        .iter()
        .filter(|e| is_benchmark_name(&e.path))
        .map(|e| Candidate {
            display: format!("{file}!/{}", e.path),
            path: e.path.clone(),
            inner: None,
            index: e.index,
        })
        .collect();

    // Look into nested zips only when the outer zip has no Kubernetes XML of
    // its own: the library case. Open the Kubernetes ones (or the only one).
    let mut inner: Vec<ZipArchive<Cursor<Vec<u8>>>> = Vec::new();
    if !candidates.iter().any(|c| mentions_kubernetes(&c.path)) {
        let zips: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.path.to_ascii_lowercase().ends_with(".zip"))
            .collect();
        let wanted: Vec<&Entry> = if zips.len() == 1 {
            zips
        } else {
            zips.into_iter()
                .filter(|e| mentions_kubernetes(&e.path))
                .collect()
        };
        for entry in wanted {
            let display = format!("{file}!/{}", entry.path);
            let data = read_entry(
                &mut outer,
                entry.index,
                &display,
                limits.max_inner_zip,
                &mut budget,
            )?;
            if !is_zip(&data) {
                return Err(BenchmarkError::Zip {
                    file: display,
                    message: "not a zip archive".to_string(),
                });
            }
            let mut archive = open(&display, Cursor::new(data))?;
            let inner_entries = list(&display, &mut archive, limits)?;
            let slot = inner.len();
            for e in inner_entries.iter().filter(|e| is_benchmark_name(&e.path)) {
                candidates.push(Candidate {
                    display: format!("{display}!/{}", e.path),
                    path: e.path.clone(),
                    inner: Some(slot),
                    index: e.index,
                });
            }
            inner.push(archive);
        }
    }

    let chosen = choose(file, candidates)?;
    let bytes = match chosen.inner {
        None => read_entry(
            &mut outer,
            chosen.index,
            &chosen.display,
            limits.max_xml,
            &mut budget,
        )?,
        Some(slot) => match inner.get_mut(slot) {
            Some(archive) => read_entry(
                archive,
                chosen.index,
                &chosen.display,
                limits.max_xml,
                &mut budget,
            )?,
            None => {
                return Err(BenchmarkError::Zip {
                    file: chosen.display,
                    message: "internal: nested zip missing".to_string(),
                })
            }
        },
    };
    Ok(Found {
        display: chosen.display,
        path: chosen.path,
        bytes,
    })
}

/// Picks the benchmark: Kubernetes-named files first, manual XCCDF
/// (`*xccdf.xml`) before SCAP data streams; more than one left is an error.
fn choose(file: &str, candidates: Vec<Candidate>) -> Result<Candidate, BenchmarkError> {
    if candidates.is_empty() {
        return Err(BenchmarkError::NoBenchmarkInZip {
            file: file.to_string(),
            others: Vec::new(),
        });
    }
    let (kubernetes, others): (Vec<Candidate>, Vec<Candidate>) = candidates
        .into_iter()
        .partition(|c| mentions_kubernetes(&c.path));
    let pool = if !kubernetes.is_empty() {
        kubernetes
    } else if others.len() == 1 {
        // A single benchmark with another name (renamed by a user): take it.
        others
    } else {
        return Err(BenchmarkError::NoBenchmarkInZip {
            file: file.to_string(),
            others: others.into_iter().map(|c| c.display).collect(),
        });
    };
    let (manual, scap): (Vec<Candidate>, Vec<Candidate>) = pool
        .into_iter()
        .partition(|c| c.path.to_ascii_lowercase().ends_with("xccdf.xml"));
    let mut pool = if manual.is_empty() { scap } else { manual };
    if pool.len() > 1 {
        return Err(BenchmarkError::SeveralBenchmarksInZip {
            file: file.to_string(),
            candidates: pool.into_iter().map(|c| c.display).collect(),
        });
    }
    match pool.pop() {
        Some(c) => Ok(c),
        None => Err(BenchmarkError::NoBenchmarkInZip {
            file: file.to_string(),
            others: Vec::new(),
        }),
    }
}

/// `*xccdf.xml` (manual benchmark) or a SCAP `*Benchmark.xml` data stream.
fn is_benchmark_name(path: &str) -> bool {
    let lower = base_name(path).to_ascii_lowercase();
    lower.ends_with("xccdf.xml") || (lower.ends_with(".xml") && lower.contains("benchmark"))
}

fn mentions_kubernetes(path: &str) -> bool {
    base_name(path).to_ascii_lowercase().contains("kubernetes")
}

/// The last path component (`/` or `\` separated).
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn open<R: Read + Seek>(file: &str, reader: R) -> Result<ZipArchive<R>, BenchmarkError> {
    ZipArchive::new(reader).map_err(|e| BenchmarkError::Zip {
        file: file.to_string(),
        message: e.to_string(),
    })
}

/// Lists the file entries, refusing the archive if any path is unsafe.
fn list<R: Read + Seek>(
    file: &str,
    archive: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<Vec<Entry>, BenchmarkError> {
    if archive.len() > limits.max_zip_entries {
        return Err(BenchmarkError::Zip {
            file: file.to_string(),
            message: format!(
                "{} entries (limit {})",
                archive.len(),
                limits.max_zip_entries
            ),
        });
    }
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| BenchmarkError::Zip {
                file: file.to_string(),
                message: format!("entry {index}: {e}"),
            })?;
        let path = entry
            .name()
            .map_err(|e| BenchmarkError::Zip {
                file: file.to_string(),
                message: format!("entry {index}: {e}"),
            })?
            .into_owned();
        if !is_safe_path(&path) {
            return Err(BenchmarkError::UnsafeZipEntry {
                file: file.to_string(),
                entry: path,
            });
        }
        if !entry.is_dir() {
            entries.push(Entry { index, path });
        }
    }
    Ok(entries)
}

/// Relative, no `..` component, no NUL, no drive letter.
fn is_safe_path(path: &str) -> bool {
    if path.is_empty() || path.contains('\0') {
        return false;
    }
    let normalized = path.replace('\\', "/");
    if normalized.starts_with('/') {
        return false;
    }
    let bytes = normalized.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return false;
    }
    !normalized.split('/').any(|part| part == "..")
}

/// Reads one entry into memory, refusing it when its declared or actual
/// size exceeds `limit` or what is left of the budget.
fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    display: &str,
    limit: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, BenchmarkError> {
    let zip_error = |e: &dyn std::fmt::Display| BenchmarkError::Zip {
        file: display.to_string(),
        message: e.to_string(),
    };
    let mut entry = archive.by_index(index).map_err(|e| zip_error(&e))?;
    if entry.encrypted() {
        return Err(zip_error(&"entry is encrypted"));
    }
    let declared = entry.size();
    if declared > limit {
        return Err(BenchmarkError::TooLarge {
            file: display.to_string(),
            what: "declared decompressed size",
            size: declared,
            limit,
        });
    }
    if declared > budget.remaining {
        return Err(BenchmarkError::TooLarge {
            file: display.to_string(),
            what: "total decompressed size",
            size: declared,
            limit: budget.remaining,
        });
    }
    let cap = limit.min(budget.remaining);
    // The declared size is only a hint: allocate at most 1 MiB up front.
    let mut data = Vec::with_capacity(usize::try_from(declared.min(1 << 20)).unwrap_or(0));
    (&mut entry)
        .take(cap.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| zip_error(&format!("cannot decompress: {e}")))?;
    let actual = data.len() as u64;
    if actual > cap {
        return Err(BenchmarkError::TooLarge {
            file: display.to_string(),
            what: if cap == limit {
                "decompressed size"
            } else {
                "total decompressed size"
            },
            size: actual,
            limit: cap,
        });
    }
    budget.remaining -= actual;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_path("U_Kubernetes_V1R11_Manual_STIG/x-xccdf.xml"));
        assert!(is_safe_path("a/b..c/d"));
        assert!(!is_safe_path("../evil.xml"));
        assert!(!is_safe_path("a/../../evil.xml"));
        assert!(!is_safe_path("a\\..\\evil.xml"));
        assert!(!is_safe_path("/etc/passwd"));
        assert!(!is_safe_path("C:/x.xml"));
        assert!(!is_safe_path("a\0b"));
        assert!(!is_safe_path(""));
    }

    #[test]
    fn benchmark_names() {
        assert!(is_benchmark_name(
            "U_Kubernetes_V1R11_Manual_STIG/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml"
        ));
        assert!(is_benchmark_name(
            "U_Kubernetes_V2R1_STIG_SCAP_1-3_Benchmark.xml"
        ));
        assert!(!is_benchmark_name("STIG_unclass.xsl"));
        assert!(!is_benchmark_name("benchmark/readme.txt"));
        assert_eq!(base_name("a/b\\c.xml"), "c.xml");
    }
}
