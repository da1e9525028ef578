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
use serde::de::DeserializeOwned;
use serde::Serialize;
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
}

impl OutputSet {
    pub fn new(dir: &Path) -> OutputSet {
        OutputSet {
            dir: dir.to_path_buf(),
            files: Vec::new(),
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
    pub fn commit(self) -> Result<Vec<PathBuf>, CliError> {
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

/// Values written to an unnamed temporary file and read back later (JSON).
pub struct Spill {
    file: std::fs::File,
    end: Mutex<u64>,
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

    pub fn put<T: Serialize>(&self, value: &T) -> std::io::Result<SpillRef> {
        let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
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

    pub fn get<T: DeserializeOwned>(&self, r: SpillRef) -> std::io::Result<T> {
        let mut bytes = vec![0u8; r.len];
        self.file.read_exact_at(&mut bytes, r.offset)?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
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
        let a = spill.put(&vec!["x".to_string(), "y".into()]).unwrap();
        let b = spill.put(&42u32).unwrap();
        assert_eq!(spill.get::<u32>(b).unwrap(), 42);
        assert_eq!(spill.get::<Vec<String>>(a).unwrap(), vec!["x", "y"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
