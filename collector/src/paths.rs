//! Node paths: resolving them inside the node root (never on the machine the
//! collector runs on), opening files safely, the well-known Kubernetes
//! locations, and finding paths named by flags and inside config files.

use std::collections::HashMap;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Symlinks followed while resolving one path before it counts as a loop
/// (Linux gives up at 40 too).
pub const MAX_SYMLINK_HOPS: u32 = 40;

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("too many levels of symbolic links (loop?)")]
    Loop,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Lexically normalise an absolute path: collapse `//`, `.`, `..` (never above `/`).
/// Returns `None` for relative paths and paths with NUL bytes.
pub fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') || path.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Parent directory of a normalised absolute path (`/` for `/x` and `/`).
pub fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// Last component of a path.
pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Join a normalised absolute directory and a relative or absolute path.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return normalize(rel);
    }
    normalize(&format!("{dir}/{rel}"))
}

/// A view of a node's file system rooted at `base`: the `--root` directory,
/// `/` on a live node, or `<root>/proc/<pid>/root` for a process's view.
/// Symlinks are resolved by this code, component by component, with absolute
/// targets re-rooted at `base`, so nothing outside `base` is ever reached
/// through a link.
///
/// Directories resolved once are remembered (shared by clones) for the run:
/// a node's thousands of files sit in a few hundred directories, and each
/// component of a path costs an `lstat`. Not in a process's view
/// ([`NodeFs::process_view`]): a container can change its own tree while
/// the collector runs, so there every path is walked when it is used.
#[derive(Debug, Clone)]
pub struct NodeFs {
    base: PathBuf,
    dirs: Option<std::sync::Arc<std::sync::Mutex<HashMap<String, String>>>>,
}

/// Directories remembered per root, at most.
const DIR_CACHE_MAX: usize = 100_000;

impl NodeFs {
    pub fn new(base: impl Into<PathBuf>) -> Self {
        NodeFs {
            base: base.into(),
            dirs: Some(Default::default()),
        }
    }

    /// A process's view of the node (`<root>/proc/<pid>/root`): no
    /// directory is remembered.
    pub fn process_view(base: impl Into<PathBuf>) -> Self {
        NodeFs {
            base: base.into(),
            dirs: None,
        }
    }

    pub fn base(&self) -> &Path {
        &self.base
    }

    /// The host path of a node path (which should already be resolved).
    pub fn host_path(&self, node_path: &str) -> PathBuf {
        let rel = node_path.trim_start_matches('/');
        if rel.is_empty() {
            self.base.clone()
        } else {
            self.base.join(rel)
        }
    }

    /// Resolve symlinks in every component of `node_path` except the last,
    /// inside this root. The result names the same object, but its directory
    /// part contains no symlink.
    pub fn resolve_parent(&self, node_path: &str) -> Result<String, PathError> {
        self.resolve_inner(node_path, false)
    }

    /// Resolve symlinks in every component, the last one included.
    pub fn resolve(&self, node_path: &str) -> Result<String, PathError> {
        self.resolve_inner(node_path, true)
    }

    fn resolve_inner(&self, node_path: &str, follow_last: bool) -> Result<String, PathError> {
        self.resolve_meta(node_path, follow_last).map(|(p, _)| p)
    }

    /// As `resolve_inner`, with the `lstat` of the result when the walk made
    /// it (the last component, followed and not a symlink).
    fn resolve_meta(
        &self,
        node_path: &str,
        follow_last: bool,
    ) -> Result<(String, Option<Metadata>), PathError> {
        // `dir/name` with a plain name: the directory as resolved before (or
        // now, remembered), then the name. A name that is a symlink takes
        // the full walk below, so hops are counted as there.
        if let (Some(dirs), Some((dir, name))) = (&self.dirs, node_path.rsplit_once('/')) {
            let plain = |c: &str| !c.is_empty() && c != "." && c != "..";
            if plain(name) && dir.starts_with('/') && dir[1..].split('/').all(plain) {
                let cached = dirs.lock().ok().and_then(|d| d.get(dir).cloned());
                let resolved_dir = match cached {
                    Some(r) => r,
                    None => {
                        let r = self.resolve_walk(dir, true)?;
                        if let Ok(mut d) = dirs.lock() {
                            if d.len() < DIR_CACHE_MAX {
                                d.insert(dir.to_string(), r.clone());
                            }
                        }
                        r
                    }
                };
                let candidate = if resolved_dir == "/" {
                    format!("/{name}")
                } else {
                    format!("{resolved_dir}/{name}")
                };
                if !follow_last {
                    return Ok((candidate, None));
                }
                match std::fs::symlink_metadata(self.host_path(&candidate)) {
                    Ok(m) if m.file_type().is_symlink() => {}
                    Ok(m) => return Ok((candidate, Some(m))),
                    Err(_) => return Ok((candidate, None)),
                }
            }
        }
        Ok((self.resolve_walk(node_path, follow_last)?, None))
    }

    /// The component-by-component walk.
    fn resolve_walk(&self, node_path: &str, follow_last: bool) -> Result<String, PathError> {
        // Components still to walk, in reverse order (pop from the end).
        let mut pending: Vec<String> = node_path
            .split('/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(str::to_string)
            .collect();
        let mut current: Vec<String> = Vec::new();
        let mut hops = 0u32;
        while let Some(c) = pending.pop() {
            match c.as_str() {
                "." => continue,
                ".." => {
                    current.pop();
                    continue;
                }
                _ => {}
            }
            let is_last = pending.iter().all(|p| p == ".");
            if is_last && !follow_last {
                current.push(c);
                continue;
            }
            let candidate = format!("/{}", join_parts(&current, &c));
            let host = self.host_path(&candidate);
            match std::fs::symlink_metadata(&host) {
                Ok(m) if m.file_type().is_symlink() => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(PathError::Loop);
                    }
                    let target = std::fs::read_link(&host)?;
                    let target = target.to_string_lossy();
                    if target.starts_with('/') {
                        current.clear();
                    }
                    for t in target.split('/').filter(|t| !t.is_empty()).rev() {
                        pending.push(t.to_string());
                    }
                }
                // A directory, a file, or missing: keep the name as it is
                // (the caller's lstat reports what is wrong).
                _ => current.push(c),
            }
        }
        Ok(format!("/{}", current.join("/")))
    }

    /// lstat of a node path (parents resolved inside the root).
    pub fn lstat(&self, node_path: &str) -> Result<(String, Metadata), PathError> {
        let resolved = self.resolve_parent(node_path)?;
        let meta = std::fs::symlink_metadata(self.host_path(&resolved))?;
        Ok((resolved, meta))
    }

    /// Read a small regular file (host facts, passwd, dpkg status...),
    /// following symlinks inside the root; at most `cap` bytes.
    pub fn read_small(&self, node_path: &str, cap: u64) -> Result<Vec<u8>, PathError> {
        let (file, meta) = self.open_with_meta(node_path)?;
        // Room for the whole file up front (its size, or a page for /proc
        // files, which report 0): no probing reads, no regrowth.
        let room = if meta.len() > 0 { meta.len() + 1 } else { 4096 };
        let mut buf = Vec::with_capacity(room.min(cap.saturating_add(1)).min(1 << 20) as usize);
        use std::io::Read;
        file.take(cap).read_to_end(&mut buf)?;
        Ok(buf)
    }

    /// Open a regular file for streaming, following symlinks inside the root.
    pub fn open(&self, node_path: &str) -> Result<File, PathError> {
        Ok(self.open_with_meta(node_path)?.0)
    }

    /// Resolve (every component), `lstat` (reusing the walk's) and open a
    /// regular file.
    fn open_with_meta(&self, node_path: &str) -> Result<(File, Metadata), PathError> {
        let (resolved, meta) = self.resolve_meta(node_path, true)?;
        let host = self.host_path(&resolved);
        let meta = match meta {
            Some(m) => m,
            None => std::fs::symlink_metadata(&host)?,
        };
        let file = open_regular(&host, &meta)?;
        Ok((file, meta))
    }

    /// Sorted UTF-8 entry names of a directory (parents resolved, the
    /// directory itself not followed if it is a link). Non-UTF-8 names are
    /// counted in the second value.
    pub fn list_dir(&self, node_path: &str) -> Result<(Vec<String>, usize), PathError> {
        let resolved = self.resolve(node_path)?;
        let mut names = Vec::new();
        let mut bad = 0;
        for entry in std::fs::read_dir(self.host_path(&resolved))? {
            let entry = entry?;
            match entry.file_name().into_string() {
                Ok(n) => names.push(n),
                Err(_) => bad += 1,
            }
        }
        names.sort();
        Ok((names, bad))
    }
}

fn join_parts(current: &[String], c: &str) -> String {
    if current.is_empty() {
        c.to_string()
    } else {
        format!("{}/{}", current.join("/"), c)
    }
}

/// Open a file that lstat said is regular: `O_NOFOLLOW|O_NONBLOCK|O_NOCTTY`
/// (a FIFO or device swapped in cannot block or take a terminal), then check
/// with fstat that it is still a regular file and the same inode.
pub fn open_regular(host: &Path, lstat: &Metadata) -> io::Result<File> {
    if !lstat.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(host)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() || meta.ino() != lstat.ino() || meta.dev() != lstat.dev() {
        return Err(io::Error::other("file changed while being opened"));
    }
    Ok(file)
}

/// How a directory is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkSpec {
    /// Levels below the starting directory (1 = its entries only).
    pub depth: u32,
    /// Entries recorded at most, per walk.
    pub max_entries: u32,
    /// Entry names (at any level) recorded but not descended into.
    pub skip: &'static [&'static str],
    /// Record metadata only (no hashing, no content) for everything below.
    pub metadata_only: Option<&'static str>,
}

pub const WALK_CONFIG_DIR: WalkSpec = WalkSpec {
    depth: 1,
    max_entries: 500,
    skip: &[],
    metadata_only: None,
};

pub const WALK_KUBERNETES_ETC: WalkSpec = WalkSpec {
    depth: 5,
    max_entries: 2000,
    skip: &[],
    metadata_only: None,
};

pub const WALK_PKI: WalkSpec = WalkSpec {
    depth: 2,
    max_entries: 500,
    skip: &[],
    metadata_only: None,
};

pub const WALK_ETCD_DATA: WalkSpec = WalkSpec {
    depth: 3,
    max_entries: 200,
    skip: &[],
    metadata_only: Some("etcd data"),
};

pub const WALK_RANCHER_ETC: WalkSpec = WalkSpec {
    depth: 3,
    max_entries: 500,
    skip: &[],
    metadata_only: None,
};

/// `<data-dir>/server` and `<data-dir>/agent` of RKE2 and k3s: the huge data
/// directories (containerd state, images, the datastore, logs) are recorded
/// but not entered.
pub const WALK_RANCHER_DATA: WalkSpec = WalkSpec {
    depth: 4,
    max_entries: 2000,
    skip: &["containerd", "images", "db", "logs", "data", "snapshots"],
    metadata_only: None,
};

/// What to do with a well-known path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Record the path (and follow it if it is a symlink).
    Single,
    /// Record the path, then walk it.
    Walk(WalkSpec),
    /// Record metadata only.
    Metadata(&'static str),
}

/// Well-known locations: (path, reason, what to do).
pub const WELL_KNOWN: &[(&str, &str, Known)] = &[
    // kubeadm and kubelet
    (
        "/etc/kubernetes",
        "kubeadm",
        Known::Walk(WALK_KUBERNETES_ETC),
    ),
    (
        "/var/lib/kubelet",
        "kubelet",
        Known::Metadata("data directory"),
    ),
    ("/var/lib/kubelet/config.yaml", "kubelet", Known::Single),
    (
        "/var/lib/kubelet/kubeadm-flags.env",
        "kubelet",
        Known::Single,
    ),
    ("/var/lib/kubelet/pki", "kubelet", Known::Walk(WALK_PKI)),
    ("/etc/default/kubelet", "kubelet", Known::Single),
    ("/etc/sysconfig/kubelet", "kubelet", Known::Single),
    ("/var/lib/etcd", "etcd", Known::Walk(WALK_ETCD_DATA)),
    // Embedded etcd of RKE2 and k3s: metadata only (the STIG checks its owner and modes).
    (
        "/var/lib/rancher/rke2/server/db/etcd",
        "rke2 etcd",
        Known::Walk(WALK_ETCD_DATA),
    ),
    (
        "/var/lib/rancher/k3s/server/db/etcd",
        "k3s etcd",
        Known::Walk(WALK_ETCD_DATA),
    ),
    // RKE2
    ("/etc/rancher/rke2", "rke2", Known::Walk(WALK_RANCHER_ETC)),
    ("/etc/rancher/node", "rke2", Known::Walk(WALK_CONFIG_DIR)),
    (
        "/var/lib/rancher/rke2",
        "rke2",
        Known::Metadata("data directory"),
    ),
    (
        "/var/lib/rancher/rke2/server",
        "rke2",
        Known::Walk(WALK_RANCHER_DATA),
    ),
    (
        "/var/lib/rancher/rke2/agent",
        "rke2",
        Known::Walk(WALK_RANCHER_DATA),
    ),
    ("/etc/default/rke2-server", "rke2", Known::Single),
    ("/etc/default/rke2-agent", "rke2", Known::Single),
    ("/etc/sysconfig/rke2-server", "rke2", Known::Single),
    ("/etc/sysconfig/rke2-agent", "rke2", Known::Single),
    // k3s
    ("/etc/rancher/k3s", "k3s", Known::Walk(WALK_RANCHER_ETC)),
    (
        "/var/lib/rancher/k3s",
        "k3s",
        Known::Metadata("data directory"),
    ),
    (
        "/var/lib/rancher/k3s/server",
        "k3s",
        Known::Walk(WALK_RANCHER_DATA),
    ),
    (
        "/var/lib/rancher/k3s/agent",
        "k3s",
        Known::Walk(WALK_RANCHER_DATA),
    ),
    ("/etc/default/k3s", "k3s", Known::Single),
    ("/etc/sysconfig/k3s", "k3s", Known::Single),
    // container runtimes
    ("/etc/containerd/config.toml", "containerd", Known::Single),
    ("/etc/crictl.yaml", "cri-tools", Known::Single),
];

/// Directories holding systemd units.
pub const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
    "/usr/local/lib/systemd/system",
];

/// Whether a unit directory entry is one the collector records: units,
/// drop-in directories and env files of Kubernetes components, container
/// runtimes, k3s/rke2 and ssh.
pub fn is_interesting_unit(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "kubelet",
        "kube-",
        "etcd",
        "containerd",
        "crio",
        "cri-o",
        "docker",
        "k3s",
        "rke2",
    ];
    const SSH: &[&str] = &[
        "sshd.service",
        "ssh.service",
        "ssh.socket",
        "sshd.socket",
        "sshd@.service",
        "ssh@.service",
    ];
    if SSH.contains(&name) {
        return true;
    }
    if !PREFIXES.iter().any(|p| name.starts_with(p)) {
        return false;
    }
    [
        ".service",
        ".socket",
        ".service.d",
        ".env",
        ".service.env",
        ".timer",
    ]
    .iter()
    .any(|s| name.ends_with(s))
}

/// Names of Kubernetes (and runtime) binaries recorded with metadata and hash.
pub const BINARY_NAMES: &[&str] = &[
    "kubectl",
    "kubelet",
    "kubeadm",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
    "etcd",
    "etcdctl",
    "containerd",
    "crictl",
    "runc",
    "crio",
    "dockerd",
    "k3s",
    "rke2",
];

/// Directories searched for [`BINARY_NAMES`].
pub const BINARY_DIRS: &[&str] = &[
    "/usr/bin",
    "/usr/local/bin",
    "/bin",
    "/usr/sbin",
    "/usr/local/sbin",
    "/opt/bin",
    "/var/lib/rancher/rke2/bin",
    "/var/lib/rancher/k3s/data/current/bin",
];

/// What the collector does with a path named by a flag or config key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagRule {
    /// A config file (kubeconfig, component config, policy...).
    Config,
    /// A certificate or key: captured only when clearly a certificate.
    CertOrKey,
    /// A token or password file: hashed, never captured.
    Secret,
    /// A directory of drop-ins or static pod manifests: walked.
    WalkConfig,
    /// The kubelet certificate directory: walked.
    WalkPki,
    /// A data directory (`--data-dir`): treated per component by the caller.
    DataDir,
    /// A log file or directory: metadata only (for `--audit-log-path` the
    /// directory too).
    Log,
    /// Metadata only (large state directories).
    Metadata,
    /// Decide by name, place and content.
    Auto,
}

/// Rule for the path value of flag or key `name` (`--tls-cert-file`, `clientCAFile`...).
pub fn flag_rule(name: &str) -> FlagRule {
    let s = crate::redact::Squashed::new(name);
    let s = s.as_str();
    match s {
        "podmanifestpath" | "staticpodpath" | "configdir" | "manifestsdir" => {
            return FlagRule::WalkConfig
        }
        "certdir" => return FlagRule::WalkPki,
        "datadir" => return FlagRule::DataDir,
        "auditlogpath" | "logfile" | "logdir" | "auditwebhooklogpath" => return FlagRule::Log,
        "rootdir" | "volumeplugindir" | "cnibindir" | "cniconfdir" | "state" | "root" => {
            return FlagRule::Metadata
        }
        "tokenauthfile" | "basicauthfile" => return FlagRule::Secret,
        _ => {}
    }
    let secret_word = ["token", "passw", "psk"].iter().any(|w| s.contains(w));
    if secret_word && !s.contains("kubeconfig") && !s.contains("config") {
        return FlagRule::Secret;
    }
    if s.contains("kubeconfig")
        || s.ends_with("config")
        || s.ends_with("configfile")
        || s.contains("policy")
    {
        return FlagRule::Config;
    }
    if s.contains("cert")
        || s.contains("cafile")
        || s.contains("key")
        || s.ends_with("ca")
        || s.contains("trustedca")
    {
        return FlagRule::CertOrKey;
    }
    FlagRule::Auto
}

/// A path named by a flag or a config value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// Flag or key name without leading dashes (empty when unknown).
    pub name: String,
    pub path: String,
}

/// Whether a string is a plausible absolute node path worth visiting.
fn plausible_path(p: &str) -> Option<String> {
    if !p.starts_with('/') || p.len() > 1024 || p == "/" {
        return None;
    }
    if p.bytes().any(|b| {
        b.is_ascii_whitespace()
            || b.is_ascii_control()
            || matches!(
                b,
                b'$' | b'*' | b'%' | b'{' | b'}' | b'?' | b'<' | b'>' | b'|'
            )
    }) {
        return None;
    }
    let n = normalize(p)?;
    for skip in ["/proc", "/sys", "/dev"] {
        if n == skip || n.starts_with(&format!("{skip}/")) {
            return None;
        }
    }
    Some(n)
}

/// Absolute paths inside one flag/config value: `unix:///x`, `file:///x`,
/// `-/etc/default/kubelet` (systemd optional), comma lists.
fn paths_in_value(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in value.split(',') {
        let mut p = piece.trim();
        for prefix in ["unix://", "file://"] {
            if let Some(rest) = p.strip_prefix(prefix) {
                p = rest;
            }
        }
        if p.starts_with("-/") {
            p = &p[1..];
        }
        if let Some(path) = plausible_path(p) {
            out.push(path);
        }
    }
    out
}

/// Paths named by an argv's flags (`--x=/p`, `--x /p`). argv[0] is not included.
pub fn argv_paths(argv: &[String]) -> Vec<PathRef> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let arg = &argv[i];
        i += 1;
        let body = arg.trim_start_matches('-');
        if body.len() == arg.len() || body.is_empty() {
            continue;
        }
        if let Some((name, value)) = body.split_once('=') {
            for path in paths_in_value(value) {
                out.push(PathRef {
                    name: name.to_string(),
                    path,
                });
            }
            continue;
        }
        if let Some(next) = argv.get(i) {
            if !next.starts_with('-') {
                let paths = paths_in_value(next);
                if !paths.is_empty() {
                    i += 1;
                }
                for path in paths {
                    out.push(PathRef {
                        name: body.to_string(),
                        path,
                    });
                }
            }
        }
    }
    out
}

/// Kubeconfig keys whose relative paths are relative to the kubeconfig's directory.
const KUBECONFIG_FILE_KEYS: &[&str] =
    &["certificate-authority", "client-certificate", "client-key"];

/// Paths named inside captured text (config files, manifests, kubeconfigs,
/// units, env files). `file_dir` resolves relative kubeconfig references.
pub fn text_paths(text: &str, file_dir: &str) -> Vec<PathRef> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let mut out = Vec::new();
            json_paths(&value, "", file_dir, &mut out, 0);
            return out;
        }
    }
    let mut out = Vec::new();
    for line in text.split('\n') {
        line_paths(line, file_dir, &mut out);
    }
    out
}

fn json_paths(value: &serde_json::Value, key: &str, dir: &str, out: &mut Vec<PathRef>, depth: u32) {
    if depth > 64 {
        return;
    }
    match value {
        serde_json::Value::String(s) => value_paths(key, s, dir, out),
        serde_json::Value::Array(items) => {
            for item in items {
                json_paths(item, key, dir, out, depth + 1);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                json_paths(v, k, dir, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Paths in one scalar value of key `key`, which may itself be a flag list.
fn value_paths(key: &str, value: &str, dir: &str, out: &mut Vec<PathRef>) {
    let v = value.trim();
    if KUBECONFIG_FILE_KEYS.contains(&key)
        && !v.is_empty()
        && !v.starts_with('/')
        && !v.contains("://")
        && !v.starts_with('<')
    {
        if let Some(path) = join(dir, v).and_then(|p| plausible_path(&p)) {
            out.push(PathRef {
                name: key.to_string(),
                path,
            });
        }
        return;
    }
    // Every path found below is absolute: a value without a '/' has none.
    if !v.contains('/') {
        return;
    }
    let mut prev_flag: Option<&str> = None;
    for tok in v.split_whitespace() {
        let core = clean_token(tok);
        if core.is_empty() {
            continue;
        }
        let (name, val) = if let Some(last_eq) = core.rfind('=') {
            let before = &core[..last_eq];
            let name = before.rsplit('=').next().unwrap_or(before);
            (name.trim_start_matches('-'), &core[last_eq + 1..])
        } else if let Some(flag) = prev_flag.take() {
            (flag, core)
        } else {
            (key, core)
        };
        if core.starts_with("--") && !core.contains('=') {
            prev_flag = Some(core.trim_start_matches('-'));
            continue;
        }
        prev_flag = None;
        if !val.contains('/') {
            continue;
        }
        for path in paths_in_value(val) {
            out.push(PathRef {
                name: name.to_string(),
                path,
            });
        }
    }
}

/// Strip quotes, brackets and separators around a token.
fn clean_token(tok: &str) -> &str {
    tok.trim_matches(|c: char| {
        matches!(
            c,
            '"' | '\'' | '[' | ']' | '(' | ')' | '{' | '}' | ',' | ';' | '\\'
        )
    })
}

/// One line of YAML, unit file or env file.
fn line_paths(line: &str, dir: &str, out: &mut Vec<PathRef>) {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
        return;
    }
    if let Some(entry) = crate::yamlscan::parse_line(line) {
        if let Some(key) = &entry.key {
            if let Some(v) = entry.value.value(line) {
                value_paths(key, &v, dir, out);
            }
            return;
        }
        if let Some(v) = entry.value.value(line) {
            value_paths("", &v, dir, out);
            return;
        }
    }
    value_paths("", t, dir, out);
}

/// The node's user and group names, from its own `/etc/passwd` and `/etc/group`.
#[derive(Debug, Clone, Default)]
pub struct IdNames {
    users: std::collections::BTreeMap<u32, String>,
    groups: std::collections::BTreeMap<u32, String>,
}

impl IdNames {
    pub fn load(fs: &NodeFs) -> IdNames {
        let mut names = IdNames::default();
        if let Ok(bytes) = fs.read_small("/etc/passwd", 4 << 20) {
            names.users = parse_id_file(&String::from_utf8_lossy(&bytes));
        }
        if let Ok(bytes) = fs.read_small("/etc/group", 4 << 20) {
            names.groups = parse_id_file(&String::from_utf8_lossy(&bytes));
        }
        names
    }

    pub fn user(&self, uid: u32) -> Option<String> {
        self.users.get(&uid).cloned()
    }

    pub fn group(&self, gid: u32) -> Option<String> {
        self.groups.get(&gid).cloned()
    }
}

/// `name:x:id:...` lines; the first name for an id wins.
fn parse_id_file(text: &str) -> std::collections::BTreeMap<u32, String> {
    let mut map = std::collections::BTreeMap::new();
    for line in text.lines() {
        let mut fields = line.split(':');
        let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        if let Ok(id) = id.trim().parse::<u32>() {
            map.entry(id).or_insert_with(|| name.to_string());
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/a//b/./c/../d").as_deref(), Some("/a/b/d"));
        assert_eq!(normalize("/../..").as_deref(), Some("/"));
        assert_eq!(normalize("rel"), None);
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(basename("/a/b.key"), "b.key");
        assert_eq!(
            join("/etc/kubernetes", "pki/ca.crt").as_deref(),
            Some("/etc/kubernetes/pki/ca.crt")
        );
    }

    #[test]
    fn resolves_inside_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/real")).unwrap();
        std::fs::write(root.join("etc/real/f"), "x").unwrap();
        // Absolute link: must be re-rooted at the tree, not the host's /etc.
        symlink("/etc/real", root.join("etc/link")).unwrap();
        symlink("../etc/real/f", root.join("etc/rel")).unwrap();
        symlink("/loop-b", root.join("loop-a")).unwrap();
        symlink("/loop-a", root.join("loop-b")).unwrap();
        let fs = NodeFs::new(root);
        assert_eq!(fs.resolve_parent("/etc/link/f").unwrap(), "/etc/real/f");
        assert_eq!(fs.resolve("/etc/rel").unwrap(), "/etc/real/f");
        assert_eq!(fs.resolve_parent("/etc/rel").unwrap(), "/etc/rel");
        assert!(matches!(fs.resolve("/loop-a"), Err(PathError::Loop)));
        assert_eq!(fs.read_small("/etc/link/f", 10).unwrap(), b"x");
        // Escaping with .. stays at the root.
        symlink("../../../../etc/real", root.join("etc/up")).unwrap();
        assert_eq!(fs.resolve("/etc/up").unwrap(), "/etc/real");
    }

    #[test]
    fn remembered_directories_resolve_as_the_full_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        std::fs::write(root.join("real/sub/f"), "x").unwrap();
        symlink("/real", root.join("dl")).unwrap();
        symlink("../../other", root.join("real/sub/up")).unwrap();
        symlink("/l2", root.join("real/sub/l1")).unwrap();
        symlink("/real/sub/l1", root.join("l2")).unwrap();
        let fs = NodeFs::new(root);
        let cases = [
            "/dl/sub/f",
            "/dl/sub/up",
            "/dl/sub/missing",
            "/real/sub/f",
            "/nope/sub/f",
            "/dl/sub/up/x",
        ];
        // Twice: the second time the directories come from the cache. The
        // walk alone (no cache) is the reference.
        for _ in 0..2 {
            for p in cases {
                for follow in [false, true] {
                    assert_eq!(
                        fs.resolve_inner(p, follow).ok(),
                        fs.resolve_walk(p, follow).ok(),
                        "{p} follow_last={follow}"
                    );
                }
            }
        }
        assert_eq!(fs.resolve("/dl/sub/f").unwrap(), "/real/sub/f");
        assert_eq!(fs.resolve("/dl/sub/up").unwrap(), "/other");
        assert_eq!(fs.resolve_parent("/dl/sub/up").unwrap(), "/real/sub/up");
        // A loop through a file name in a remembered directory is still a loop.
        assert!(matches!(fs.resolve("/dl/sub/l1"), Err(PathError::Loop)));
        assert!(matches!(fs.resolve("/real/sub/l1"), Err(PathError::Loop)));
        // Clones share what was learnt.
        let clone = fs.clone();
        assert_eq!(clone.resolve("/dl/sub/f").unwrap(), "/real/sub/f");
    }

    #[test]
    fn a_process_view_walks_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("c/d")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        let node = NodeFs::new(root);
        let view = NodeFs::process_view(root);
        assert_eq!(node.resolve("/c/d/f").unwrap(), "/c/d/f");
        assert_eq!(view.resolve("/c/d/f").unwrap(), "/c/d/f");
        // The workload swaps the directory for a link while the collector runs.
        std::fs::remove_dir(root.join("c/d")).unwrap();
        symlink("/other", root.join("c/d")).unwrap();
        assert_eq!(view.resolve("/c/d/f").unwrap(), "/other/f");
        // The node root remembers the directory for the run.
        assert_eq!(node.resolve("/c/d/f").unwrap(), "/c/d/f");
    }

    #[test]
    fn open_regular_refuses_fifo_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(open_regular(&fifo, &meta).is_err());
        let fs = NodeFs::new(dir.path());
        assert!(fs.read_small("/fifo", 10).is_err());
    }

    #[test]
    fn flag_rules() {
        assert_eq!(flag_rule("tls-cert-file"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("tls-private-key-file"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("client-ca-file"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("clientCAFile"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("kubeconfig"), FlagRule::Config);
        assert_eq!(flag_rule("bootstrap-kubeconfig"), FlagRule::Config);
        assert_eq!(flag_rule("config"), FlagRule::Config);
        assert_eq!(flag_rule("audit-policy-file"), FlagRule::Config);
        assert_eq!(flag_rule("encryption-provider-config"), FlagRule::Config);
        assert_eq!(flag_rule("admission-control-config-file"), FlagRule::Config);
        assert_eq!(flag_rule("token-auth-file"), FlagRule::Secret);
        assert_eq!(flag_rule("token-file"), FlagRule::Secret);
        assert_eq!(flag_rule("pod-manifest-path"), FlagRule::WalkConfig);
        assert_eq!(flag_rule("staticPodPath"), FlagRule::WalkConfig);
        assert_eq!(flag_rule("audit-log-path"), FlagRule::Log);
        assert_eq!(flag_rule("data-dir"), FlagRule::DataDir);
        assert_eq!(flag_rule("cert-dir"), FlagRule::WalkPki);
        assert_eq!(flag_rule("etcd-cafile"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("trusted-ca-file"), FlagRule::CertOrKey);
        assert_eq!(flag_rule("service-account-key-file"), FlagRule::CertOrKey);
    }

    #[test]
    fn finds_argv_paths() {
        let argv: Vec<String> = [
            "kube-apiserver",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--kubeconfig",
            "/etc/kubernetes/x.conf",
            "--etcd-servers=https://127.0.0.1:2379",
            "--container-runtime-endpoint=unix:///run/containerd/containerd.sock",
            "--tls-sni-cert-key=/a.crt,/a.key",
            "--v=2",
            "--log-dir=/proc/x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let refs = argv_paths(&argv);
        let got: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.name.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("tls-cert-file", "/etc/kubernetes/pki/apiserver.crt"),
                ("kubeconfig", "/etc/kubernetes/x.conf"),
                (
                    "container-runtime-endpoint",
                    "/run/containerd/containerd.sock"
                ),
                ("tls-sni-cert-key", "/a.crt"),
                ("tls-sni-cert-key", "/a.key"),
            ]
        );
    }

    #[test]
    fn finds_text_paths() {
        let kubeconfig = "clusters:\n- cluster:\n    certificate-authority: ca.crt\n    server: https://x:6443\nusers:\n- user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: \"/var/lib/kubelet/pki/kubelet-client-current.pem\"\n";
        let refs = text_paths(kubeconfig, "/etc/kubernetes");
        let got: Vec<&str> = refs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "/etc/kubernetes/ca.crt",
                "/var/lib/kubelet/pki/kubelet-client-current.pem",
                "/var/lib/kubelet/pki/kubelet-client-current.pem"
            ]
        );
        let unit = "[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\nEnvironmentFile=-/etc/default/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS --config /var/lib/kubelet/config.yaml\n";
        let refs = text_paths(unit, "/etc/systemd/system");
        let got: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.name.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "bootstrap-kubeconfig",
                    "/etc/kubernetes/bootstrap-kubelet.conf"
                ),
                ("kubeconfig", "/etc/kubernetes/kubelet.conf"),
                ("EnvironmentFile", "/etc/default/kubelet"),
                ("ExecStart", "/usr/bin/kubelet"),
                ("config", "/var/lib/kubelet/config.yaml"),
            ]
        );
        let json = r#"{"kind":"Config","users":[{"user":{"client-key":"/x/k.key"}}]}"#;
        assert_eq!(text_paths(json, "/")[0].path, "/x/k.key");
        let rke2 = "kube-apiserver-arg:\n  - \"audit-policy-file=/etc/rancher/rke2/audit.yaml\"\nadmission:\n  plugins:\n  - name: PodSecurity\n    path: /etc/kubernetes/pss.yaml\n";
        let got: Vec<String> = text_paths(rke2, "/")
            .into_iter()
            .map(|r| format!("{}={}", r.name, r.path))
            .collect();
        assert_eq!(
            got,
            vec![
                "audit-policy-file=/etc/rancher/rke2/audit.yaml",
                "path=/etc/kubernetes/pss.yaml"
            ]
        );
    }

    #[test]
    fn id_files() {
        let m = parse_id_file(
            "root:x:0:0::/root:/bin/sh\netcd:x:998:998::/:/sbin/nologin\nbad\n#c:x:1:\ndup:x:0:0\n",
        );
        assert_eq!(m.get(&0).map(String::as_str), Some("root"));
        assert_eq!(m.get(&998).map(String::as_str), Some("etcd"));
        assert_eq!(m.len(), 2);
    }
}
