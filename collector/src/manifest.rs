//! The evidence bundle manifest (`manifest.json`), format `kstig-bundle/1`.
//!
//! These types ARE the on-disk format: field names and meanings are
//! documented in `docs/bundle-format.md` and `schemas/bundle-manifest.schema.json`.
//! Change them only together with the format version.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Value of [`Manifest::format`] for this version of the bundle format.
pub const FORMAT: &str = "kstig-bundle/1";

/// Marker that replaces a secret value inside captured content and argv.
/// Always followed by `sha256:<hex>` of the original value and `>`.
pub const REDACTION_PREFIX: &str = "<kstig-redacted ";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    pub collector: CollectorInfo,
    /// 128-bit random id, lowercase hex (derived from the content when
    /// `SOURCE_DATE_EPOCH` pins the run, so identical input gives identical bytes).
    pub bundle_id: String,
    /// UTC creation time, RFC 3339 (`2026-11-27T03:56:22Z`).
    pub created: String,
    /// The node root the collector read: `/` on a live node, else the `--root` directory.
    pub root: String,
    /// Whether `/proc` of the root described live processes (false for a mounted image/test tree).
    pub live: bool,
    pub host: HostFacts,
    pub signer: Signer,
    /// Every tar member other than `manifest.json` and `manifest.sig`, sorted by path.
    pub members: Vec<Member>,
    pub files: Vec<FileRecord>,
    pub processes: Vec<ProcessRecord>,
    pub commands: Vec<CommandRecord>,
    pub packages: Vec<PackageRecord>,
    pub images: Vec<ImageRecord>,
    pub cluster: Option<ClusterDump>,
    pub errors: Vec<CollectionError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectorInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostFacts {
    pub hostname: String,
    /// Fully qualified name when one is known (from `/etc/hosts` or the hostname itself), else empty.
    pub fqdn: String,
    pub ip_addresses: Vec<String>,
    pub mac_addresses: Vec<String>,
    pub machine_id: String,
    /// Parsed `/etc/os-release` (`ID`, `VERSION_ID`, `PRETTY_NAME`, ...).
    pub os_release: BTreeMap<String, String>,
    /// Kernel release (`/proc/sys/kernel/osrelease`), empty when unknown.
    pub kernel: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Always `ed25519`.
    pub algorithm: String,
    /// Lowercase hex SHA-256 of the 32 raw public key bytes.
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Path inside the tar, always under `evidence/`.
    pub path: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the member bytes.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    Char,
    Block,
    Unknown,
}

/// What happened to a file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase", deny_unknown_fields)]
pub enum Content {
    /// Captured verbatim into `member`.
    Captured { member: String },
    /// Captured into `member` with `count` secret values replaced by redaction markers.
    Redacted { member: String, count: u32 },
    /// Not captured; `reason` says why (private key, token, etcd data, not a config file, too large...).
    Withheld { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// Absolute path as the node (or the process, see `via`) sees it.
    pub path: String,
    /// When the path was read through a process's root (`/proc/<pid>/root`), that prefix.
    pub via: Option<String>,
    #[serde(rename = "type")]
    pub file_type: FileType,
    /// Permission bits in octal, four digits (`0644`, `4755`).
    pub mode: String,
    pub uid: u32,
    pub gid: u32,
    /// Names from the node's own `/etc/passwd` and `/etc/group`; `null` when not listed there.
    pub user: Option<String>,
    pub group: Option<String>,
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// SHA-256 of the full content (regular files read completely), else `null`.
    pub sha256: Option<String>,
    /// Symlink target as stored in the link.
    pub target: Option<String>,
    pub content: Content,
    /// Why the collector looked at this path (`kubeadm`, `rke2`, `argv kube-apiserver --tls-cert-file`, ...).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessRecord {
    pub pid: u32,
    pub ppid: Option<u32>,
    pub comm: String,
    /// Full argv after redaction of secret flag values.
    pub argv: Vec<String>,
    /// Real uid from `/proc/<pid>/status`, when readable.
    pub uid: Option<u32>,
    /// Recognised component: `kube-apiserver`, `kube-controller-manager`, `kube-scheduler`,
    /// `etcd`, `kubelet`, `kube-proxy`, `containerd`, `cri-o`, `dockerd`, `k3s-server`,
    /// `k3s-agent`, `rke2-server`, `rke2-agent`, `sshd`.
    pub component: String,
    /// Number of argv values that were redacted.
    pub redacted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandRecord {
    pub argv: Vec<String>,
    /// Exit status; `null` when it did not start, timed out or was killed by a signal.
    pub exit_status: Option<i32>,
    pub duration_ms: u64,
    /// Member holding stdout (bounded), when captured.
    pub stdout_member: Option<String>,
    /// Short error text: did not start, timed out, ...
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageRecord {
    /// Where it was read (`/var/lib/dpkg/status`).
    pub source: String,
    pub name: String,
    pub version: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRecord {
    /// The static pod manifest naming the image.
    pub manifest: String,
    pub container: String,
    pub image: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterDump {
    /// `kubectl` (run by the collector) or `file` (`--cluster-json`).
    pub source: String,
    /// The member holding the `v1 List` JSON.
    pub member: String,
    /// Kinds requested (`kubectl get <kinds>`), empty for a file.
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    pub path: String,
    /// What failed: `stat`, `read`, `readlink`, `symlink-loop`, `too-large`, `parse`, ...
    pub op: String,
    pub message: String,
}
