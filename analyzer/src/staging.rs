//! Where `kstig analyze` keeps its work so that memory does not grow with the
//! number of bundles (docs/performance.md):
//!
//! - [`OutputSet`]: every output file is written, as soon as it is rendered,
//!   to a hidden temporary file in the output folder; only when all of them
//!   are complete are they flushed to disk and renamed over their final
//!   names. A failure before that removes every temporary file and leaves
//!   the folder as it was, as rendering everything first did.
//! - [`Spill`]: each node's verdicts between the verification pass and the
//!   rendering pass, in one unnamed temporary file (deleted by the kernel
//!   when kstig exits, however it exits).

use crate::commands::CliError;
use crate::model::{RuleResult, Status};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Threads that flush the staged files to disk: a disk (and a virtual one
/// more so) completes many concurrent flushes much faster than one at a time.
const FLUSH_THREADS: usize = 8;

/// One complete file waiting under a temporary name.
pub struct Staged {
    tmp: tempfile::TempPath,
    target: PathBuf,
}

impl Staged {
    /// The temporary file holding the complete content.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }
}

/// A file being written piece by piece (`results.json`).
pub struct StagedWriter {
    file: std::io::BufWriter<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Write for StagedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl StagedWriter {
    /// Closes the file; it is complete.
    pub fn finish(self) -> Result<Staged, CliError> {
        let target = self.target;
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| CliError(format!("{}: cannot write: {}", target.display(), e.error())))?;
        Ok(Staged {
            tmp: tmp.into_temp_path(),
            target,
        })
    }
}

fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile, CliError> {
    tempfile::Builder::new()
        .prefix(".kstig-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            CliError(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })
}

/// The files of one analysis, in the order they are reported.
pub struct OutputSet {
    dir: PathBuf,
    files: Vec<Staged>,
    early: Option<EarlyFlush>,
}

/// Threads that flush staged files while the next ones are rendered: the
/// disk works while the cores render, and the final flush finds little left.
struct EarlyFlush {
    queue: Option<std::sync::mpsc::Sender<PathBuf>>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl EarlyFlush {
    fn start() -> EarlyFlush {
        let (queue, rx) = std::sync::mpsc::channel::<PathBuf>();
        let rx = std::sync::Arc::new(Mutex::new(rx));
        let workers = (0..FLUSH_THREADS / 2)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || loop {
                    let next = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok(path) = next else { return };
                    // A failure shows again in commit's own flush.
                    let _ = std::fs::File::open(&path).and_then(|f| f.sync_all());
                })
            })
            .collect();
        EarlyFlush {
            queue: Some(queue),
            workers,
        }
    }

    /// Waits for the queued flushes.
    fn finish(mut self) {
        self.queue = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl OutputSet {
    pub fn new(dir: &Path) -> OutputSet {
        OutputSet {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            early: None,
        }
    }

    /// Start flushing a staged file to disk in the background now (commit
    /// flushes every file in any case).
    pub fn flush_soon(&mut self, staged: &Staged) {
        let early = self.early.get_or_insert_with(EarlyFlush::start);
        if let Some(q) = &early.queue {
            let _ = q.send(staged.tmp.to_path_buf());
        }
    }

    /// Write `bytes` to a temporary file for `dir/name` (any thread may).
    pub fn stage(dir: &Path, name: &str, bytes: &[u8]) -> Result<Staged, CliError> {
        let target = dir.join(name);
        let mut tmp = temp_in(dir)?;
        tmp.write_all(bytes)
            .map_err(|e| CliError(format!("{}: cannot write: {e}", target.display())))?;
        Ok(Staged {
            tmp: tmp.into_temp_path(),
            target,
        })
    }

    /// A temporary file for `dir/name`, written through a buffer.
    pub fn stage_writer(dir: &Path, name: &str) -> Result<StagedWriter, CliError> {
        Ok(StagedWriter {
            file: std::io::BufWriter::with_capacity(1 << 20, temp_in(dir)?),
            target: dir.join(name),
        })
    }

    pub fn push(&mut self, staged: Staged) {
        self.files.push(staged);
    }

    /// Flush every staged file to disk, then rename each over its final
    /// name and flush the folder; returns the final paths.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, CliError> {
        if let Some(early) = self.early.take() {
            early.finish();
        }
        let next = AtomicUsize::new(0);
        let failed: Mutex<Option<String>> = Mutex::new(None);
        let stop = AtomicBool::new(false);
        let files = &self.files;
        std::thread::scope(|s| {
            for _ in 0..FLUSH_THREADS.min(files.len()) {
                s.spawn(|| {
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        let r = std::fs::File::open(&f.tmp).and_then(|h| h.sync_all());
                        if let Err(e) = r {
                            stop.store(true, Ordering::Relaxed);
                            if let Ok(mut slot) = failed.lock() {
                                slot.get_or_insert(format!(
                                    "{}: cannot write: {e}",
                                    f.target.display()
                                ));
                            }
                        }
                    }
                });
            }
        });
        if let Some(msg) = failed.into_inner().ok().flatten() {
            return Err(CliError(msg));
        }
        let mut written = Vec::with_capacity(self.files.len());
        for f in self.files {
            f.tmp.persist(&f.target).map_err(|e| {
                CliError(format!(
                    "{}: cannot replace: {}",
                    f.target.display(),
                    e.error
                ))
            })?;
            written.push(f.target);
        }
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(written)
    }
}

/// Where a spilled value is.
#[derive(Debug, Clone, Copy)]
pub struct SpillRef {
    offset: u64,
    len: usize,
}

/// Verdicts written to an unnamed temporary file and read back later, in a
/// plain length-prefixed encoding (several times faster than JSON both ways).
pub struct Spill {
    file: std::fs::File,
    end: Mutex<u64>,
}

const STATUSES: [Status; 4] = [
    Status::Open,
    Status::NotAFinding,
    Status::NotApplicable,
    Status::NotReviewed,
];

fn put_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
    buf.extend_from_slice(s.as_bytes());
}

/// Reads what [`put_str`] wrote.
fn get_str(bytes: &[u8], at: &mut usize) -> std::io::Result<String> {
    let bad = || std::io::Error::other("spill file damaged");
    let len_bytes: [u8; 8] = bytes
        .get(*at..*at + 8)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let len = u64::from_le_bytes(len_bytes) as usize;
    let start = *at + 8;
    let text = bytes
        .get(start..start.saturating_add(len))
        .ok_or_else(bad)?;
    *at = start + len;
    String::from_utf8(text.to_vec()).map_err(|_| bad())
}

impl Spill {
    /// A spill file in `dir` (the output folder: known to be writable).
    pub fn new(dir: &Path) -> Result<Spill, CliError> {
        let file = tempfile::tempfile_in(dir).map_err(|e| {
            CliError(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })?;
        Ok(Spill {
            file,
            end: Mutex::new(0),
        })
    }

    pub fn put(&self, results: &[RuleResult]) -> std::io::Result<SpillRef> {
        let mut bytes = Vec::with_capacity(
            results
                .iter()
                .map(|r| r.details.len() + r.comments.len() + 128)
                .sum(),
        );
        bytes.extend_from_slice(&(results.len() as u64).to_le_bytes());
        for r in results {
            let status = STATUSES.iter().position(|s| *s == r.status).unwrap_or(3);
            bytes.push(status as u8);
            for s in [
                &r.stig_id,
                &r.vuln_id,
                &r.rule_id,
                &r.severity,
                &r.details,
                &r.comments,
                &r.severity_override,
                &r.severity_justification,
            ] {
                put_str(&mut bytes, s);
            }
        }
        let offset = {
            let mut end = self
                .end
                .lock()
                .map_err(|_| std::io::Error::other("spill lock poisoned"))?;
            let at = *end;
            *end += bytes.len() as u64;
            at
        };
        self.file.write_all_at(&bytes, offset)?;
        Ok(SpillRef {
            offset,
            len: bytes.len(),
        })
    }

    pub fn get(&self, r: SpillRef) -> std::io::Result<Vec<RuleResult>> {
        let mut bytes = vec![0u8; r.len];
        self.file.read_exact_at(&mut bytes, r.offset)?;
        let bad = || std::io::Error::other("spill file damaged");
        let count = u64::from_le_bytes(
            bytes
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(bad)?,
        );
        let mut at = 8;
        let mut out = Vec::with_capacity(count.min(100_000) as usize);
        for _ in 0..count {
            let status = *STATUSES
                .get(*bytes.get(at).ok_or_else(bad)? as usize)
                .ok_or_else(bad)?;
            at += 1;
            out.push(RuleResult {
                stig_id: get_str(&bytes, &mut at)?,
                vuln_id: get_str(&bytes, &mut at)?,
                rule_id: get_str(&bytes, &mut at)?,
                severity: get_str(&bytes, &mut at)?,
                status,
                details: get_str(&bytes, &mut at)?,
                comments: get_str(&bytes, &mut at)?,
                severity_override: get_str(&bytes, &mut at)?,
                severity_justification: get_str(&bytes, &mut at)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_everything_and_drop_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(dir.path());
        set.push(OutputSet::stage(dir.path(), "a", b"1").unwrap());
        let mut w = OutputSet::stage_writer(dir.path(), "b").unwrap();
        w.write_all(b"2").unwrap();
        set.push(w.finish().unwrap());
        let written = set.commit().unwrap();
        assert_eq!(written, vec![dir.path().join("a"), dir.path().join("b")]);
        assert_eq!(std::fs::read(dir.path().join("b")).unwrap(), b"2");

        // Staged but never committed (an error on the way): nothing remains.
        let mut set = OutputSet::new(dir.path());
        set.push(OutputSet::stage(dir.path(), "c", b"3").unwrap());
        drop(set);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["a", "b"]);
    }

    #[test]
    fn spill_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path()).unwrap();
        let r = |status, details: &str| RuleResult {
            stig_id: "CNTR-K8-000150".into(),
            vuln_id: "V-242376".into(),
            rule_id: "SV-242376r960759_rule".into(),
            severity: "medium".into(),
            status,
            details: details.into(),
            comments: "é\n\u{0}".into(),
            severity_override: String::new(),
            severity_justification: "x".into(),
        };
        let a = vec![r(Status::Open, "one"), r(Status::NotApplicable, "")];
        let b = vec![
            r(Status::NotReviewed, "two"),
            r(Status::NotAFinding, "three"),
        ];
        let ra = spill.put(&a).unwrap();
        let rb = spill.put(&b).unwrap();
        assert_eq!(spill.get(rb).unwrap(), b);
        assert_eq!(spill.get(ra).unwrap(), a);
        assert!(spill
            .put(&[])
            .and_then(|e| spill.get(e))
            .unwrap()
            .is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
