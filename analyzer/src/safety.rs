//! Handling hostile input files and writing results safely: refusal lines
//! that stay on one line, bounded reads that never block on a FIFO or a
//! device, and an output set written all or nothing.

use crate::commands::CliError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Longest refusal reason printed (a hostile name could be kilobytes).
pub const MAX_LINE_CHARS: usize = 600;

/// `s` made safe for one line of a terminal or log: control characters
/// (newlines, escapes) are shown as `\u{..}` escapes and the text is cut to
/// [`MAX_LINE_CHARS`] characters.
pub fn one_line(s: &str) -> String {
    let mut out = String::new();
    for (count, c) in s.chars().enumerate() {
        if count >= MAX_LINE_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a regular file")]
    NotRegular,
    #[error("{what} is {size} bytes, over the limit of {limit}{hint}")]
    TooLarge {
        what: &'static str,
        size: u64,
        limit: u64,
        hint: &'static str,
    },
}

/// Open a regular file for reading without ever blocking: non-blocking
/// open (a FIFO put at the path does not wait for a writer), then `fstat`
/// on the descriptor (a FIFO, device or folder is refused).
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Read a whole regular file of at most `limit` bytes. The file is opened
/// non-blocking (a FIFO or device put in its place never blocks the run),
/// checked with fstat on the open descriptor (no window for a swap), and
/// read no further than `limit + 1` bytes (a file growing meanwhile is
/// refused, not read without end).
pub fn read_capped(
    path: &Path,
    limit: u64,
    what: &'static str,
    hint: &'static str,
) -> Result<Vec<u8>, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let too_large = |size| ReadError::TooLarge {
        what,
        size,
        limit,
        hint,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Write every `(name, bytes)` into `dir`, all or nothing as far as the file
/// system allows: each file is first written and fsynced as a hidden
/// temporary file in `dir`; only when all of them are complete are they
/// renamed over their final names (then the folder is fsynced). Any failure
/// before the renames removes every temporary file and leaves `dir` as it
/// was (a read-only or full output folder leaves nothing behind).
pub fn write_set(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, CliError> {
    let mut staged = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let target = dir.join(name);
        let mut tmp = tempfile::Builder::new()
            .prefix(".kstig-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| {
                CliError(format!(
                    "{}: cannot create a temporary file: {e}",
                    dir.display()
                ))
            })?;
        tmp.write_all(bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| CliError(format!("{}: cannot write: {e}", target.display())))?;
        staged.push((tmp, target));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, target) in staged {
        tmp.persist(&target)
            .map_err(|e| CliError(format!("{}: cannot replace: {}", target.display(), e.error)))?;
        written.push(target);
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_and_cuts() {
        assert_eq!(one_line("a\nb\x1b[2J"), "a\\u{a}b\\u{1b}[2J");
        assert_eq!(
            one_line(&"x".repeat(700)).chars().count(),
            MAX_LINE_CHARS + 3
        );
    }

    #[test]
    fn read_capped_refuses_fifos_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_capped(&fifo, 10, "file", ""),
            Err(ReadError::NotRegular)
        ));
        let big = dir.path().join("big");
        std::fs::write(&big, [0u8; 11]).unwrap();
        let e = read_capped(&big, 10, "bundle", " (raise with --x)").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bundle is 11 bytes, over the limit of 10 (raise with --x)"
        );
        assert_eq!(read_capped(&big, 11, "file", "").unwrap().len(), 11);
    }

    #[test]
    fn write_set_leaves_nothing_when_a_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        // A name that cannot be created (its parent is missing) fails at rename.
        let ok = write_set(
            dir.path(),
            &[("a".into(), b"1".to_vec()), ("b".into(), b"2".to_vec())],
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        let missing = dir.path().join("missing");
        assert!(write_set(&missing, &[("a".into(), b"1".to_vec())]).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
