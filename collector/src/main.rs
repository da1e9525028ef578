//! `kstig-collect`: collect a node's Kubernetes STIG evidence into one signed bundle.
//!
//! Exit codes: 0 bundle written, no collection errors; 1 bundle written, but
//! some evidence could not be collected (listed in `manifest.errors` and
//! counted in the summary); 2 usage, key, input or output error (no bundle);
//! 128+N killed by signal N (SIGINT 130, SIGTERM 143) after removing the
//! temporary file.

use collector::collect::{self, ClusterSource, Options};
use collector::sign::SigningKey;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicPtr, Ordering};

const USAGE: &str = "\
Collect a node's Kubernetes STIG evidence into one signed bundle.

Usage: kstig-collect --key KEY --out DIR [--root DIR] [--kubectl PATH | --cluster-json FILE | --no-cluster]

Options:
  --key KEY            Ed25519 signing key (PKCS#8 PEM)
  --out DIR            directory the bundle is written to (created if missing)
  --root DIR           treat DIR as the node's root file system (/proc included)
                       instead of the running machine; no binaries are run
  --kubectl PATH       run this kubectl for the cluster objects
  --cluster-json FILE  include a cluster dump made earlier instead of running kubectl
  --no-cluster         do not collect cluster objects
  -h, --help           print this help
  -V, --version        print the version

Exit codes: 0 bundle written; 1 bundle written with collection errors;
2 usage, key, input or output error (no bundle).
";

/// Command line. Parsed by hand: six flags do not need an argument-parsing
/// crate, and the static binary must stay within 1 MiB.
#[derive(Debug, Default, PartialEq, Eq)]
struct Cli {
    key: PathBuf,
    out: PathBuf,
    root: Option<PathBuf>,
    kubectl: Option<PathBuf>,
    cluster_json: Option<PathBuf>,
    no_cluster: bool,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Run(Cli),
    Help,
    Version,
}

fn parse_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Parsed, String> {
    let mut cli = Cli::default();
    let mut key = None;
    let mut out = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument {a:?} is not UTF-8"))?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<PathBuf, String> {
            let v = match inline.clone() {
                Some(v) => v,
                None => args
                    .next()
                    .map(|v| v.to_string_lossy().into_owned())
                    .ok_or_else(|| format!("{name} needs a value"))?,
            };
            if v.is_empty() {
                return Err(format!("{name} needs a value"));
            }
            Ok(PathBuf::from(v))
        };
        let dup = |set: bool, name: &str| -> Result<(), String> {
            if set {
                Err(format!("{name} given twice"))
            } else {
                Ok(())
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-V" | "--version" => return Ok(Parsed::Version),
            "--key" => {
                dup(key.is_some(), "--key")?;
                key = Some(value("--key")?);
            }
            "--out" => {
                dup(out.is_some(), "--out")?;
                out = Some(value("--out")?);
            }
            "--root" => {
                dup(cli.root.is_some(), "--root")?;
                cli.root = Some(value("--root")?);
            }
            "--kubectl" => {
                dup(cli.kubectl.is_some(), "--kubectl")?;
                cli.kubectl = Some(value("--kubectl")?);
            }
            "--cluster-json" => {
                dup(cli.cluster_json.is_some(), "--cluster-json")?;
                cli.cluster_json = Some(value("--cluster-json")?);
            }
            "--no-cluster" if inline.is_none() => cli.no_cluster = true,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let chosen = [
        cli.kubectl.is_some(),
        cli.cluster_json.is_some(),
        cli.no_cluster,
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if chosen > 1 {
        return Err("--kubectl, --cluster-json and --no-cluster exclude each other".to_string());
    }
    cli.key = key.ok_or("--key KEY is required")?;
    cli.out = out.ok_or("--out DIR is required")?;
    Ok(Parsed::Run(cli))
}

/// The temporary bundle file, removed by the signal handler.
static TEMP_PATH: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

extern "C" fn on_signal(sig: libc::c_int) {
    let p = TEMP_PATH.load(Ordering::SeqCst);
    // SAFETY: unlink and _exit are async-signal-safe; `p` is null or a
    // leaked, NUL-terminated CString that is never freed.
    unsafe {
        if !p.is_null() {
            libc::unlink(p);
        }
        libc::_exit(128 + sig);
    }
}

/// SIGINT, SIGTERM and SIGHUP remove the temporary file and exit 128+N;
/// SIGXFSZ is ignored.
/// std has no signal API and a crate for it would weigh more than these lines.
fn install_signal_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a zeroed sigaction with a plain handler is valid; the
        // handler only calls async-signal-safe functions.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = 0;
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
    // Past a file size limit (ulimit -f) a write must fail with EFBIG, so that
    // the temporary file is removed, instead of the default SIGXFSZ killing
    // the process and leaving half a bundle.
    // SAFETY: setting a signal to SIG_IGN has no handler to race with.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

fn set_temp_path(path: Option<&Path>) {
    let new = match path.and_then(|p| CString::new(p.as_os_str().as_bytes()).ok()) {
        Some(c) => c.into_raw(),
        None => std::ptr::null_mut(),
    };
    // The previous string is leaked on purpose: a handler may be reading it.
    TEMP_PATH.store(new, Ordering::SeqCst);
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("kstig-collect: {message}");
    ExitCode::from(2)
}

/// Characters allowed in the file name's host part.
fn file_safe(host: &str) -> String {
    let s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "unknown-host".to_string()
    } else {
        s
    }
}

fn main() -> ExitCode {
    let cli = match parse_args(std::env::args_os().skip(1)) {
        Ok(Parsed::Run(cli)) => cli,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("kstig-collect {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kstig-collect: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    install_signal_handlers();

    let key = match SigningKey::from_pem_file(&cli.key) {
        Ok(k) => k,
        Err(e) => return fail(format!("signing key {}: {e}", cli.key.display())),
    };
    let (root, live) = match &cli.root {
        None => (PathBuf::from("/"), true),
        Some(r) => match std::fs::metadata(r) {
            Ok(m) if m.is_dir() => match std::path::absolute(r) {
                Ok(abs) => (abs, false),
                Err(e) => return fail(format!("--root {}: {e}", r.display())),
            },
            Ok(_) => return fail(format!("--root {}: not a directory", r.display())),
            Err(e) => return fail(format!("--root {}: {e}", r.display())),
        },
    };
    if let Err(e) = std::fs::create_dir_all(&cli.out) {
        return fail(format!("--out {}: {e}", cli.out.display()));
    }
    if !cli.out.is_dir() {
        return fail(format!("--out {}: not a directory", cli.out.display()));
    }
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<i64>() {
            Ok(e) if e >= 0 => Some(e),
            _ => {
                return fail(format!(
                    "SOURCE_DATE_EPOCH={v:?} is not a non-negative integer"
                ))
            }
        },
        _ => None,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let cluster = if cli.no_cluster {
        ClusterSource::Skip
    } else if let Some(file) = &cli.cluster_json {
        ClusterSource::File(file.clone())
    } else if let Some(k) = &cli.kubectl {
        ClusterSource::Kubectl(k.clone())
    } else if live {
        ClusterSource::Auto
    } else {
        ClusterSource::Skip
    };
    let opts = Options {
        root,
        live,
        cluster,
        created: epoch.unwrap_or(now),
        reproducible: epoch.is_some(),
    };

    let collection = match collect::collect(&opts) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let summary = collection.summary.clone();
    let name = format!(
        "{}_{}.kstig.tar.gz",
        file_safe(&collection.manifest.host.hostname),
        collect::compact_time(opts.created)
    );
    let bytes =
        match collection
            .writer
            .finish(collection.manifest, &key, opts.created.max(0) as u64)
        {
            Ok(b) => b,
            Err(e) => return fail(format!("cannot build the bundle: {e}")),
        };
    let final_path = cli.out.join(&name);
    if let Err(e) = write_atomically(&cli.out, &final_path, &bytes) {
        return fail(format!("cannot write {}: {e}", final_path.display()));
    }
    println!("{}", final_path.display());
    println!("sha256 {}", collector::redact::sha256_hex(&bytes));
    println!(
        "files {}, withheld {}, redacted {}, processes {}, commands {}, errors {}",
        summary.files,
        summary.withheld,
        summary.redacted,
        summary.processes,
        summary.commands,
        summary.errors
    );
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Write to a temporary file in the same directory, fsync, rename over the
/// final name, fsync the directory. The temporary file is removed on error
/// (and by the signal handler).
fn write_atomically(dir: &Path, final_path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = final_path.as_os_str().to_os_string();
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = PathBuf::from(tmp_name);
    set_temp_path(Some(&tmp));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, final_path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    set_temp_path(None);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        parse_args(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn parses_the_command_line() {
        let p = parse(&[
            "--key",
            "k",
            "--out=o",
            "--root",
            "/r",
            "--kubectl",
            "/usr/bin/kubectl",
        ])
        .unwrap();
        assert_eq!(
            p,
            Parsed::Run(Cli {
                key: "k".into(),
                out: "o".into(),
                root: Some("/r".into()),
                kubectl: Some("/usr/bin/kubectl".into()),
                cluster_json: None,
                no_cluster: false,
            })
        );
        assert_eq!(parse(&["--help"]).unwrap(), Parsed::Help);
        assert_eq!(parse(&["--key", "k", "-V"]).unwrap(), Parsed::Version);
        assert!(parse(&["--out", "o"]).is_err());
        assert!(parse(&["--key", "k"]).is_err());
        assert!(parse(&["--key"]).is_err());
        assert!(parse(&["--key", "k", "--out", "o", "--bogus"]).is_err());
        assert!(parse(&["--key", "k", "--key", "k2", "--out", "o"]).is_err());
        assert!(parse(&[
            "--key",
            "k",
            "--out",
            "o",
            "--no-cluster",
            "--cluster-json",
            "f"
        ])
        .is_err());
        assert!(parse(&["--key=", "--out", "o"]).is_err());
        assert!(parse(&["--key", "k", "--out", "o", "--no-cluster=yes"]).is_err());
    }
}
