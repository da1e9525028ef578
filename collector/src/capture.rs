//! Deciding what to do with one regular file (capture, redact, hash only,
//! metadata only), reading it safely and hashing it as a stream.

use crate::paths::{self, open_regular};
use crate::redact;
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use crate::manifest::FileType;

/// Files larger than this are not captured (metadata and hash only, error `too-large`).
pub const CONTENT_CAP: u64 = 4 << 20;
/// Files larger than this are not hashed either.
pub const HASH_CAP: u64 = 256 << 20;

/// What the collector was told about a path by whoever named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Decide by name, place and content.
    Auto,
    /// A configuration file (named by a config/kubeconfig flag).
    Config,
    /// Named by a certificate/key flag: captured only when clearly a certificate.
    CertOrKey,
    /// A Kubernetes binary: metadata and hash only.
    Binary,
    /// Never opened: metadata only, with this reason.
    MetadataOnly(&'static str),
    /// Hashed but never captured, with this reason.
    Withhold(&'static str),
}

/// What will be done with a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Read, check and store the content (redacted); `cert_only` requires PEM
    /// certificates or public keys only.
    Capture { cert_only: bool },
    /// Hash only; the reason is recorded as the withheld reason.
    HashOnly(&'static str),
    /// Do not open at all.
    MetadataOnly(&'static str),
}

pub const REASON_PRIVATE_KEY: &str = "private key";
pub const REASON_TOKEN: &str = "token or password";
pub const REASON_ETCD: &str = "etcd data";
pub const REASON_BINARY: &str = "binary";
pub const REASON_NOT_CONFIG: &str = "not a config file";
pub const REASON_NOT_CERT: &str = "not clearly a certificate";
pub const REASON_NOT_TEXT: &str = "not UTF-8 text";
pub const REASON_TOO_LARGE: &str = "too large";
pub const REASON_UNREADABLE: &str = "unreadable";

/// Private key file names: `*.key`, `*-key.pem`, `key.pem`, keystores.
pub fn is_private_key_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".key")
        || n.ends_with("-key.pem")
        || n.ends_with("_key.pem")
        || n.ends_with(".key.pem")
        || n == "key.pem"
        || n.ends_with(".p12")
        || n.ends_with(".pfx")
        || n.ends_with(".jks")
        || n.ends_with(".keystore")
}

/// Token and password file names: `token`, `node-token`, `*token*`,
/// `known_tokens.csv`, `basic_auth.csv`, `passwd`, `*password*`, `*.psk`, shadow files.
pub fn is_token_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("token")
        || n.contains("passw")
        || n == "basic_auth.csv"
        || n.ends_with(".psk")
        || n == "shadow"
        || n == "gshadow"
        || n.starts_with("shadow-")
}

fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

const CONFIG_EXTENSIONS: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "conf",
    "cfg",
    "toml",
    "env",
    "service",
    "socket",
    "timer",
    "target",
    "mount",
    "kubeconfig",
    "ini",
    "tmpl",
];

const CERT_EXTENSIONS: &[&str] = &["pem", "crt", "cer", "der", "pub", "csr"];

/// Where a file without a config extension still is configuration.
fn is_config_place(path: &str) -> bool {
    let dir = paths::parent(path);
    let name = paths::basename(path);
    dir == "/etc/default"
        || dir == "/etc/sysconfig"
        || dir.ends_with(".service.d")
        || dir.ends_with(".socket.d")
        || ((path.starts_with("/etc/kubernetes/") || path.starts_with("/etc/rancher/"))
            && !name.contains('.'))
}

/// Decide what to do with the regular file at node path `path`.
pub fn decide(path: &str, hint: Hint) -> Decision {
    if let Hint::MetadataOnly(reason) = hint {
        return Decision::MetadataOnly(reason);
    }
    let name = paths::basename(path);
    if is_private_key_name(name) {
        return Decision::HashOnly(REASON_PRIVATE_KEY);
    }
    if is_token_name(name) {
        return Decision::HashOnly(REASON_TOKEN);
    }
    if path.starts_with("/var/lib/etcd/")
        || path.contains("/server/db/")
        || path.contains("/member/snap/")
    {
        // etcd's own --config-file (RKE2 keeps it beside the data) is
        // configuration: flags moved into YAML, no key material.
        if hint == Hint::Config && !path.contains("/member/") {
            return Decision::Capture { cert_only: false };
        }
        return Decision::MetadataOnly(REASON_ETCD);
    }
    match hint {
        Hint::Withhold(reason) => return Decision::HashOnly(reason),
        Hint::Binary => return Decision::HashOnly(REASON_BINARY),
        _ => {}
    }
    let ext = extension(name);
    let ext = ext.as_deref();
    if hint == Hint::CertOrKey || ext.is_some_and(|e| CERT_EXTENSIONS.contains(&e)) {
        return Decision::Capture { cert_only: true };
    }
    if hint == Hint::Config
        || ext.is_some_and(|e| CONFIG_EXTENSIONS.contains(&e))
        || is_config_place(path)
    {
        return Decision::Capture { cert_only: false };
    }
    Decision::HashOnly(REASON_NOT_CONFIG)
}

/// The recorded type of a file from its lstat.
pub fn file_type(meta: &Metadata) -> FileType {
    let t = meta.file_type();
    if t.is_file() {
        FileType::File
    } else if t.is_dir() {
        FileType::Dir
    } else if t.is_symlink() {
        FileType::Symlink
    } else if t.is_fifo() {
        FileType::Fifo
    } else if t.is_socket() {
        FileType::Socket
    } else if t.is_char_device() {
        FileType::Char
    } else if t.is_block_device() {
        FileType::Block
    } else {
        FileType::Unknown
    }
}

/// Permission bits as four octal digits (`0644`, `4755`).
pub fn mode_string(meta: &Metadata) -> String {
    format!("{:04o}", meta.mode() & 0o7777)
}

/// What happened to a regular file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Text to store, with the number of redactions made.
    Text {
        text: String,
        redactions: u32,
    },
    Withheld(String),
}

/// Result of looking at one regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub sha256: Option<String>,
    pub stored: Stored,
    /// (op, message) when something went wrong.
    pub error: Option<(String, String)>,
}

impl Outcome {
    fn withheld(sha256: Option<String>, reason: &str) -> Outcome {
        Outcome {
            sha256,
            stored: Stored::Withheld(reason.to_string()),
            error: None,
        }
    }
}

/// Look at the regular file `host` (lstat `meta`), which the node calls `path`.
pub fn examine_regular(host: &Path, meta: &Metadata, path: &str, hint: Hint) -> Outcome {
    let decision = decide(path, hint);
    if let Decision::MetadataOnly(reason) = decision {
        return Outcome::withheld(None, reason);
    }
    let size = meta.len();
    let file = match open_regular(host, meta) {
        Ok(f) => f,
        Err(e) => {
            return Outcome {
                sha256: None,
                stored: Stored::Withheld(REASON_UNREADABLE.to_string()),
                error: Some(("open".to_string(), e.to_string())),
            }
        }
    };
    let keep = matches!(decision, Decision::Capture { .. }) && size <= CONTENT_CAP;
    if size > HASH_CAP && !keep {
        let mut out = Outcome::withheld(None, withheld_reason(decision));
        if matches!(decision, Decision::Capture { .. }) {
            out.error = Some((
                "too-large".to_string(),
                format!("{size} bytes: not captured, not hashed"),
            ));
        }
        return out;
    }
    let (sha, bytes) = match hash_stream(file, if keep { CONTENT_CAP } else { 0 }) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                sha256: None,
                stored: Stored::Withheld(REASON_UNREADABLE.to_string()),
                error: Some(("read".to_string(), e.to_string())),
            }
        }
    };
    match decision {
        Decision::Capture { cert_only } => match bytes {
            Some(bytes) => match check_content(bytes, cert_only) {
                Ok((text, redactions)) => Outcome {
                    sha256: Some(sha),
                    stored: Stored::Text { text, redactions },
                    error: None,
                },
                Err(reason) => Outcome::withheld(Some(sha), reason),
            },
            None => Outcome {
                sha256: Some(sha),
                stored: Stored::Withheld(REASON_TOO_LARGE.to_string()),
                error: Some((
                    "too-large".to_string(),
                    format!("larger than {CONTENT_CAP} bytes: content not captured"),
                )),
            },
        },
        _ => Outcome::withheld(Some(sha), withheld_reason(decision)),
    }
}

fn withheld_reason(decision: Decision) -> &'static str {
    match decision {
        Decision::HashOnly(r) | Decision::MetadataOnly(r) => r,
        Decision::Capture { .. } => REASON_TOO_LARGE,
    }
}

/// Hash a stream; keep the bytes when there are at most `keep_cap` of them
/// (`None` when there were more or `keep_cap` is 0). Stops hashing at
/// [`HASH_CAP`] bytes read (a file growing while read).
pub fn hash_stream(mut r: impl Read, keep_cap: u64) -> std::io::Result<(String, Option<Vec<u8>>)> {
    // ring's SHA-256 is assembly with SHA-NI where the CPU has it: binaries
    // of 50-100 MB hash several times faster than with the portable code.
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    let mut kept: Option<Vec<u8>> = if keep_cap > 0 { Some(Vec::new()) } else { None };
    // On the stack: a 64 KiB heap buffer per file was an mmap and munmap
    // per file with musl's allocator (2,400 of each on a large node).
    let mut buf = [0u8; 16 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
        if let Some(k) = kept.as_mut() {
            if total <= keep_cap {
                k.extend_from_slice(&buf[..n]);
            } else {
                kept = None;
            }
        }
        if total > HASH_CAP {
            return Err(std::io::Error::other(
                "file grew past the hash cap while being read",
            ));
        }
    }
    Ok((redact::hex(hasher.finish().as_ref()), kept))
}

/// PEM block labels that are public.
const PUBLIC_PEM_LABELS: &[&str] = &[
    "CERTIFICATE",
    "TRUSTED CERTIFICATE",
    "X509 CRL",
    "PUBLIC KEY",
    "RSA PUBLIC KEY",
    "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST",
];

/// Whether the text is PEM with at least one block and only public blocks.
pub fn is_public_pem(text: &str) -> bool {
    let mut blocks = 0;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("-----BEGIN ") {
            let label = rest.trim_end_matches('-');
            if !PUBLIC_PEM_LABELS.contains(&label) {
                return false;
            }
            blocks += 1;
        }
    }
    blocks > 0
}

/// Check content to be stored; return the (redacted) text and the count, or
/// the reason it is withheld.
pub fn check_content(bytes: Vec<u8>, cert_only: bool) -> Result<(String, u32), &'static str> {
    if bytes.starts_with(b"\x7fELF") || bytes.contains(&0) {
        return Err(REASON_BINARY);
    }
    let text = String::from_utf8(bytes).map_err(|_| REASON_NOT_TEXT)?;
    if redact::has_private_key_pem(&text) {
        return Err(REASON_PRIVATE_KEY);
    }
    if cert_only && !is_public_pem(&text) {
        return Err(REASON_NOT_CERT);
    }
    let redacted = redact::redact_text(&text);
    if redact::leaks_private_key(&redacted.text) {
        return Err(REASON_PRIVATE_KEY);
    }
    Ok((redacted.text, redacted.count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        use Decision::*;
        assert_eq!(
            decide("/etc/kubernetes/pki/ca.key", Hint::Auto),
            HashOnly(REASON_PRIVATE_KEY)
        );
        assert_eq!(
            decide("/etc/etcd/server-key.pem", Hint::CertOrKey),
            HashOnly(REASON_PRIVATE_KEY)
        );
        assert_eq!(
            decide("/var/lib/rancher/rke2/server/token", Hint::Auto),
            HashOnly(REASON_TOKEN)
        );
        assert_eq!(
            decide("/var/lib/rancher/k3s/server/node-token", Hint::Auto),
            HashOnly(REASON_TOKEN)
        );
        assert_eq!(
            decide("/etc/kubernetes/known_tokens.csv", Hint::Auto),
            HashOnly(REASON_TOKEN)
        );
        assert_eq!(
            decide("/etc/kubernetes/basic_auth.csv", Hint::Auto),
            HashOnly(REASON_TOKEN)
        );
        assert_eq!(
            decide("/etc/rancher/node/password", Hint::Auto),
            HashOnly(REASON_TOKEN)
        );
        assert_eq!(
            decide("/var/lib/etcd/member/snap/db", Hint::Auto),
            MetadataOnly(REASON_ETCD)
        );
        assert_eq!(
            decide("/usr/bin/kubectl", Hint::Binary),
            HashOnly(REASON_BINARY)
        );
        assert_eq!(
            decide("/etc/kubernetes/pki/ca.crt", Hint::Auto),
            Capture { cert_only: true }
        );
        assert_eq!(
            decide("/etc/kubernetes/pki/sa.pub", Hint::Auto),
            Capture { cert_only: true }
        );
        assert_eq!(
            decide("/etc/kubernetes/admin.conf", Hint::Auto),
            Capture { cert_only: false }
        );
        assert_eq!(
            decide("/etc/default/kubelet", Hint::Auto),
            Capture { cert_only: false }
        );
        assert_eq!(
            decide(
                "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
                Hint::Auto
            ),
            Capture { cert_only: false }
        );
        assert_eq!(
            decide("/var/log/x.log", Hint::Auto),
            HashOnly(REASON_NOT_CONFIG)
        );
        assert_eq!(
            decide("/opt/odd", Hint::Config),
            Capture { cert_only: false }
        );
        assert_eq!(
            decide("/etc/x.log", Hint::MetadataOnly("log")),
            MetadataOnly("log")
        );
    }

    #[test]
    fn content_checks() {
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(check_content(cert.as_bytes().to_vec(), true).is_ok());
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            check_content(key.as_bytes().to_vec(), true),
            Err(REASON_PRIVATE_KEY)
        );
        assert_eq!(
            check_content(format!("{cert}{key}").into_bytes(), true),
            Err(REASON_PRIVATE_KEY)
        );
        assert_eq!(
            check_content(key.as_bytes().to_vec(), false),
            Err(REASON_PRIVATE_KEY)
        );
        assert_eq!(
            check_content(b"\x30\x82\x01".to_vec(), true),
            Err(REASON_NOT_TEXT)
        );
        assert_eq!(
            check_content(b"plain text".to_vec(), true),
            Err(REASON_NOT_CERT)
        );
        assert_eq!(
            check_content(b"\x7fELF\x02".to_vec(), false),
            Err(REASON_BINARY)
        );
        assert_eq!(check_content(b"a\0b".to_vec(), false), Err(REASON_BINARY));
        let (t, n) = check_content(b"token: abc\n".to_vec(), false).unwrap();
        assert_eq!(n, 1);
        assert!(!t.contains("abc"));
    }

    #[test]
    fn hashes_streams() {
        let data = vec![7u8; 200_000];
        let (h, kept) = hash_stream(&data[..], 1 << 20).unwrap();
        assert_eq!(h, redact::sha256_hex(&data));
        assert_eq!(kept.unwrap().len(), data.len());
        let (_, kept) = hash_stream(&data[..], 1000).unwrap();
        assert!(kept.is_none());
        let (_, kept) = hash_stream(&data[..], 0).unwrap();
        assert!(kept.is_none());
    }
}
