//! The effective configuration of one node, built from a verified bundle.
//!
//! Rules never parse files: they ask this layer for a component's flags (per
//! source: static pod manifest, running process, distribution config), the
//! kubelet's effective settings, file metadata and versions, each with its
//! provenance.

use crate::flags::{FlagSet, Source};
use crate::kubelet::Kubelet;
use crate::yaml;
use collector::bundle::VerifiedBundle;
use collector::manifest::{Content, FileRecord, FileType, Manifest, ProcessRecord};
use serde_json::Value;
use std::collections::BTreeMap;

/// Control-plane components that run as static pods (or processes).
pub const APISERVER: &str = "kube-apiserver";
pub const CONTROLLER_MANAGER: &str = "kube-controller-manager";
pub const SCHEDULER: &str = "kube-scheduler";
pub const ETCD: &str = "etcd";
pub const KUBE_PROXY: &str = "kube-proxy";
pub const KUBELET: &str = "kubelet";

const STATIC_COMPONENTS: [&str; 5] = [APISERVER, CONTROLLER_MANAGER, SCHEDULER, ETCD, KUBE_PROXY];

/// Kubernetes distribution of the node, as far as the evidence tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distro {
    Kubeadm,
    Rke2,
    K3s,
    Unknown,
}

impl Distro {
    pub fn name(self) -> &'static str {
        match self {
            Distro::Kubeadm => "kubeadm",
            Distro::Rke2 => "RKE2",
            Distro::K3s => "k3s",
            Distro::Unknown => "unknown distribution",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ControlPlane,
    Worker,
    /// Neither a control-plane component nor a kubelet was found.
    Unknown,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::ControlPlane => "control-plane",
            Role::Worker => "worker",
            Role::Unknown => "unknown",
        }
    }
}

/// A static pod manifest and its main container's flags.
#[derive(Debug, Clone)]
pub struct StaticPod {
    pub path: String,
    /// Component recognised from the command, container name or file name.
    pub component: Option<&'static str>,
    pub pod: Value,
    pub text: String,
    /// Flags of the component's container (`command` then `args`), sourced to file and line.
    pub flags: FlagSet,
    /// `(hostPath, mountPath)` pairs of the component's container.
    pub mounts: Vec<(String, String)>,
    /// Images of every container.
    pub images: Vec<String>,
}

impl StaticPod {
    /// Map a path as the container sees it to the host path, through the
    /// pod's hostPath volume mounts (longest mountPath prefix wins).
    pub fn host_path(&self, container_path: &str) -> String {
        let mut best: Option<&(String, String)> = None;
        for m in &self.mounts {
            let mp = m.1.trim_end_matches('/');
            let matches = container_path == mp
                || container_path.starts_with(&format!("{mp}/"))
                || mp.is_empty();
            if matches && best.is_none_or(|b| b.1.len() < m.1.len()) {
                best = Some(m);
            }
        }
        match best {
            Some((host, mount)) => {
                let rest =
                    &container_path[mount.trim_end_matches('/').len().min(container_path.len())..];
                format!("{}{}", host.trim_end_matches('/'), rest)
            }
            None => container_path.to_string(),
        }
    }
}

/// One independent view of a component's configuration.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// `manifest /etc/kubernetes/manifests/kube-apiserver.yaml`, `process pid 1234`, `k3s config`.
    pub label: String,
    pub kind: ViewKind,
    pub flags: &'a FlagSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Manifest,
    Process,
    /// RKE2/k3s `<component>-arg` lists: only explicit arguments; the
    /// distribution adds built-in defaults that the evidence does not show.
    DistroArgs,
}

/// A control-plane component (or kube-proxy) as seen on this node.
#[derive(Debug, Clone, Default)]
pub struct Component {
    /// Index into `Node::static_pods`.
    pub manifest: Option<usize>,
    pub processes: Vec<(u32, FlagSet)>,
    /// Explicit `<component>-arg` entries of a k3s server (runs components in-process).
    pub distro_args: Option<(String, FlagSet)>,
}

/// A parsed version `major.minor.patch` with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub text: String,
    pub source: String,
}

impl Version {
    /// Parse the first `vX.Y.Z` / `X.Y.Z` in `s`.
    pub fn find(s: &str, source: &str) -> Option<Version> {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit()
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'v')
            {
                let rest = &s[i..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(rest.len());
                let parts: Vec<&str> = rest[..end].split('.').collect();
                if parts.len() >= 3 {
                    if let (Ok(a), Ok(b), Ok(c)) =
                        (parts[0].parse(), parts[1].parse(), parts[2].parse())
                    {
                        return Some(Version {
                            major: a,
                            minor: b,
                            patch: c,
                            text: rest[..end].trim_end_matches('.').to_string(),
                            source: source.to_string(),
                        });
                    }
                }
                i += end.max(1);
            } else {
                i += 1;
            }
        }
        None
    }

    pub fn tuple(&self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch)
    }
}

/// Everything the rules may ask about one node.
pub struct Node<'b> {
    pub bundle: &'b VerifiedBundle,
    pub manifest: &'b Manifest,
    pub distro: Distro,
    pub role: Role,
    pub static_pods: Vec<StaticPod>,
    pub components: BTreeMap<&'static str, Component>,
    pub kubelet: Option<Kubelet>,
    /// Problems met while building the model (unparseable manifest, ...), shown in details.
    pub problems: Vec<String>,
    files: BTreeMap<&'b str, &'b FileRecord>,
}

fn component_of_command(cmd: &str) -> Option<&'static str> {
    let base = cmd.rsplit('/').next().unwrap_or(cmd);
    STATIC_COMPONENTS.into_iter().find(|c| *c == base)
}

impl<'b> Node<'b> {
    pub fn new(bundle: &'b VerifiedBundle) -> Node<'b> {
        let manifest = &bundle.manifest;
        let mut files = BTreeMap::new();
        for f in &manifest.files {
            if f.via.is_none() {
                files.insert(f.path.as_str(), f);
            }
        }
        let mut node = Node {
            bundle,
            manifest,
            distro: Distro::Unknown,
            role: Role::Unknown,
            static_pods: Vec::new(),
            components: BTreeMap::new(),
            kubelet: None,
            problems: Vec::new(),
            files,
        };
        node.distro = node.detect_distro();
        node.load_static_pods();
        node.load_processes();
        node.load_distro_args();
        node.kubelet = Kubelet::build(&node);
        node.role = node.detect_role();
        node
    }

    fn detect_distro(&self) -> Distro {
        let comps: Vec<&str> = self
            .manifest
            .processes
            .iter()
            .map(|p| p.component.as_str())
            .collect();
        if comps.iter().any(|c| c.starts_with("rke2"))
            || self.has_prefix("/etc/rancher/rke2/")
            || self.has_prefix("/var/lib/rancher/rke2/")
        {
            Distro::Rke2
        } else if comps.iter().any(|c| c.starts_with("k3s"))
            || self.has_prefix("/etc/rancher/k3s/")
            || self.has_prefix("/var/lib/rancher/k3s/")
        {
            Distro::K3s
        } else if self.has_prefix("/etc/kubernetes/") || self.has_prefix("/var/lib/kubelet/") {
            Distro::Kubeadm
        } else {
            Distro::Unknown
        }
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.files
            .range(prefix..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(prefix))
    }

    /// Directories that hold static pod manifests on this node.
    pub fn manifest_dirs(&self) -> Vec<String> {
        let mut dirs = vec!["/etc/kubernetes/manifests".to_string()];
        if self.distro == Distro::Rke2 {
            dirs.push("/var/lib/rancher/rke2/agent/pod-manifests".into());
        }
        if self.distro == Distro::K3s {
            dirs.push("/var/lib/rancher/k3s/agent/pod-manifests".into());
        }
        dirs
    }

    fn load_static_pods(&mut self) {
        let mut dirs = self.manifest_dirs();
        // The kubelet's staticPodPath is found later; also look at any directory
        // named by a process's --pod-manifest-path.
        for p in &self.manifest.processes {
            for (i, a) in p.argv.iter().enumerate() {
                if let Some(v) = a.strip_prefix("--pod-manifest-path=") {
                    dirs.push(v.to_string());
                } else if a == "--pod-manifest-path" {
                    if let Some(v) = p.argv.get(i + 1) {
                        dirs.push(v.clone());
                    }
                }
            }
        }
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            for rec in self.files_in(&dir) {
                if rec.file_type != FileType::File {
                    continue;
                }
                let lower = rec.path.to_ascii_lowercase();
                if !(lower.ends_with(".yaml")
                    || lower.ends_with(".yml")
                    || lower.ends_with(".json")
                    || lower.ends_with(".manifest"))
                {
                    continue;
                }
                let Some(text) = self.text_of(rec) else {
                    continue;
                };
                match yaml::parse(text) {
                    Ok(pod) => {
                        let sp = build_static_pod(&rec.path, text, pod);
                        let idx = self.static_pods.len();
                        if let Some(c) = sp.component {
                            let comp = self.components.entry(c).or_default();
                            if comp.manifest.is_none() {
                                comp.manifest = Some(idx);
                            } else {
                                self.problems.push(format!(
                                    "two static pod manifests for {c}; using the first, ignoring {}",
                                    rec.path
                                ));
                            }
                        }
                        self.static_pods.push(sp);
                    }
                    Err(e) => self
                        .problems
                        .push(format!("{}: cannot parse YAML: {e}", rec.path)),
                }
            }
        }
    }

    fn load_processes(&mut self) {
        for p in &self.manifest.processes {
            let name = p.component.as_str();
            if let Some(c) = STATIC_COMPONENTS.into_iter().find(|c| *c == name) {
                let pid = p.pid;
                let flags = FlagSet::parse(&p.argv, |index| Source::Process { pid, index });
                self.components
                    .entry(c)
                    .or_default()
                    .processes
                    .push((pid, flags));
            }
        }
    }

    /// k3s runs the control plane in-process: its `--kube-apiserver-arg` etc.
    /// (command line and config file) are the only explicit configuration.
    fn load_distro_args(&mut self) {
        if self.distro != Distro::K3s {
            return;
        }
        let Some(server) = self.processes("k3s-server").first().copied() else {
            return;
        };
        for (comp, key) in [
            (APISERVER, "kube-apiserver-arg"),
            (CONTROLLER_MANAGER, "kube-controller-manager-arg"),
            (SCHEDULER, "kube-scheduler-arg"),
            (ETCD, "etcd-arg"),
            (KUBE_PROXY, "kube-proxy-arg"),
        ] {
            let (flags, problems) = self.distro_arg_flags(server, key);
            self.problems.extend(problems);
            self.components.entry(comp).or_default().distro_args =
                Some((format!("k3s server pid {} {key}", server.pid), flags));
        }
    }

    /// Explicit `<key>` arguments for an embedded component of a k3s/RKE2
    /// process: config file list entries first, then command-line flags (which win).
    pub fn distro_arg_flags(&self, server: &ProcessRecord, key: &str) -> (FlagSet, Vec<String>) {
        let mut out = FlagSet::default();
        let mut problems = Vec::new();
        let conf_dir = if self.distro == Distro::K3s {
            "/etc/rancher/k3s"
        } else {
            "/etc/rancher/rke2"
        };
        let mut conf_files = vec![format!("{conf_dir}/config.yaml")];
        for rec in self.files_in(&format!("{conf_dir}/config.yaml.d")) {
            conf_files.push(rec.path.clone());
        }
        for path in conf_files {
            let Some(text) = self.content(&path) else {
                continue;
            };
            let v = match yaml::parse(text) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{path}: cannot parse YAML: {e}"));
                    continue;
                }
            };
            let items: Vec<String> = match v.get(key) {
                Some(Value::Array(a)) => a.iter().filter_map(yaml::scalar).collect(),
                Some(other) => yaml::scalar(other).into_iter().collect(),
                None => vec![],
            };
            let args: Vec<String> = items
                .iter()
                .map(|s| format!("--{}", s.trim_start_matches('-')))
                .collect();
            let line = yaml::key_line(text, key);
            out.extend(FlagSet::parse(&args, |_| Source::DistroArg {
                path: path.clone(),
                key: key.to_string(),
                line,
            }));
        }
        // Command line: --kube-apiserver-arg=x=y or --kube-apiserver-arg x=y
        let mut i = 0;
        let argv = &server.argv;
        while i < argv.len() {
            let a = &argv[i];
            let val = if let Some(v) = a.strip_prefix(&format!("--{key}=")) {
                Some((v.to_string(), i))
            } else if *a == format!("--{key}") {
                i += 1;
                argv.get(i).map(|v| (v.clone(), i))
            } else {
                None
            };
            if let Some((v, idx)) = val {
                let pid = server.pid;
                let arg = format!("--{}", v.trim_start_matches('-'));
                out.extend(FlagSet::parse(&[arg], |_| Source::Process {
                    pid,
                    index: idx,
                }));
            }
            i += 1;
        }
        (out, problems)
    }

    fn detect_role(&self) -> Role {
        let cp = [APISERVER, CONTROLLER_MANAGER, SCHEDULER, ETCD]
            .iter()
            .any(|c| {
                self.components
                    .get(c)
                    .is_some_and(|comp| comp.manifest.is_some() || !comp.processes.is_empty())
            })
            || !self.processes("k3s-server").is_empty()
            || !self.processes("rke2-server").is_empty();
        if cp {
            Role::ControlPlane
        } else if self.kubelet.is_some() {
            Role::Worker
        } else {
            Role::Unknown
        }
    }

    /// Processes recognised as `component`.
    pub fn processes(&self, component: &str) -> Vec<&'b ProcessRecord> {
        self.manifest
            .processes
            .iter()
            .filter(|p| p.component == component)
            .collect()
    }

    /// A component's independent views: manifest, each process, distribution args.
    pub fn views(&self, component: &str) -> Vec<View<'_>> {
        let mut out = Vec::new();
        let Some(comp) = self.components.get(component) else {
            return out;
        };
        if let Some(i) = comp.manifest {
            let sp = &self.static_pods[i];
            out.push(View {
                label: format!("manifest {}", sp.path),
                kind: ViewKind::Manifest,
                flags: &sp.flags,
            });
        }
        for (pid, flags) in &comp.processes {
            out.push(View {
                label: format!("running {component} pid {pid}"),
                kind: ViewKind::Process,
                flags,
            });
        }
        if let Some((label, flags)) = &comp.distro_args {
            out.push(View {
                label: label.clone(),
                kind: ViewKind::DistroArgs,
                flags,
            });
        }
        out
    }

    pub fn static_pod(&self, component: &str) -> Option<&StaticPod> {
        self.components
            .get(component)?
            .manifest
            .map(|i| &self.static_pods[i])
    }

    /// True when the component runs (or is configured to run) on this node.
    pub fn has_component(&self, component: &str) -> bool {
        !self.views(component).is_empty()
    }

    /// The file record of a host path, following recorded symlinks (inside the bundle's root).
    pub fn file(&self, path: &str) -> Option<&'b FileRecord> {
        let mut cur = normalize(path);
        for _ in 0..16 {
            let rec = *self.files.get(cur.as_str())?;
            if rec.file_type != FileType::Symlink {
                return Some(rec);
            }
            let target = rec.target.as_deref()?;
            cur = if target.starts_with('/') {
                normalize(target)
            } else {
                let parent = cur.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                normalize(&format!("{parent}/{target}"))
            };
        }
        None
    }

    /// The record of the path itself, symlinks not followed.
    pub fn lfile(&self, path: &str) -> Option<&'b FileRecord> {
        self.files.get(normalize(path).as_str()).copied()
    }

    /// A file as seen through a process's root (`/proc/<pid>/root`),
    /// following symlinks recorded inside that root, of the file itself or of
    /// a parent directory (ConfigMap volumes: `config.conf -> ..data/config.conf`,
    /// `..data -> ..2024_01_01_00_00_00.1`).
    pub fn file_via(&self, pid: u32, path: &str) -> Option<&'b FileRecord> {
        let via = format!("/proc/{pid}/root");
        let records: Vec<&'b FileRecord> = self
            .manifest
            .files
            .iter()
            .filter(|f| f.via.as_deref() == Some(via.as_str()))
            .collect();
        let link_base = |link: &FileRecord, at: &str| -> Option<String> {
            let target = link.target.as_deref()?;
            Some(if target.starts_with('/') {
                normalize(target)
            } else {
                let parent = at.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                normalize(&format!("{parent}/{target}"))
            })
        };
        let mut cur = normalize(path);
        'hops: for _ in 0..32 {
            let mut link: Option<&'b FileRecord> = None;
            for f in &records {
                if normalize(&f.path) == cur {
                    if f.file_type != FileType::Symlink {
                        return Some(f);
                    }
                    link = Some(f);
                }
            }
            if let Some(l) = link {
                cur = link_base(l, &cur)?;
                continue;
            }
            let parts: Vec<&str> = cur.trim_start_matches('/').split('/').collect();
            for i in 1..parts.len() {
                let prefix = format!("/{}", parts[..i].join("/"));
                let dir_link = records
                    .iter()
                    .find(|f| f.file_type == FileType::Symlink && normalize(&f.path) == prefix);
                if let Some(l) = dir_link {
                    let base = link_base(l, &prefix)?;
                    cur = normalize(&format!("{base}/{}", parts[i..].join("/")));
                    continue 'hops;
                }
            }
            return None;
        }
        None
    }

    /// Direct children of a directory (host view), sorted by path.
    pub fn files_in(&self, dir: &str) -> Vec<&'b FileRecord> {
        let d = normalize(dir);
        let prefix = format!("{}/", d.trim_end_matches('/'));
        self.files
            .range(prefix.as_str()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(p, _)| !p[prefix.len()..].contains('/'))
            .map(|(_, r)| *r)
            .collect()
    }

    /// Every file below a directory (host view), sorted by path.
    pub fn files_under(&self, dir: &str) -> Vec<&'b FileRecord> {
        let d = normalize(dir);
        let prefix = format!("{}/", d.trim_end_matches('/'));
        self.files
            .range(prefix.as_str()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .map(|(_, r)| *r)
            .collect()
    }

    /// Captured (possibly redacted) text of a record, when it is UTF-8.
    pub fn text_of(&self, rec: &FileRecord) -> Option<&'b str> {
        let member = match &rec.content {
            Content::Captured { member } | Content::Redacted { member, .. } => member,
            Content::Withheld { .. } => return None,
        };
        std::str::from_utf8(self.bundle.member(member)?).ok()
    }

    /// Captured text of a host path (symlinks followed).
    pub fn content(&self, path: &str) -> Option<&'b str> {
        self.file(path).and_then(|r| self.text_of(r))
    }

    /// Every flag on which a component's running process and its static pod
    /// manifest disagree (a manifest edit not applied, or a process started
    /// differently): `component: --flag manifest=X running pid N=Y`.
    pub fn drift(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, comp) in &self.components {
            let Some(i) = comp.manifest else { continue };
            let sp = &self.static_pods[i];
            for (pid, flags) in &comp.processes {
                let mut names: Vec<&str> = sp
                    .flags
                    .flags
                    .iter()
                    .chain(flags.flags.iter())
                    .map(|f| f.name.as_str())
                    .collect();
                names.sort();
                names.dedup();
                for n in names {
                    let a = sp.flags.get(n).map(|f| f.value_or_true().to_string());
                    let b = flags.get(n).map(|f| f.value_or_true().to_string());
                    if a != b {
                        out.push(format!(
                            "{name}: --{n} manifest {}={} running pid {pid}={}",
                            sp.path,
                            a.as_deref().unwrap_or("(unset)"),
                            b.as_deref().unwrap_or("(unset)")
                        ));
                    }
                }
            }
        }
        out
    }

    /// The newest Kubernetes version evidence for a component (`kubelet`,
    /// `kube-apiserver`, `kubectl`, ...): `--version` output, package, image tag.
    pub fn versions(&self) -> Vec<(String, Version)> {
        let mut out = Vec::new();
        for c in &self.manifest.commands {
            let Some(member) = &c.stdout_member else {
                continue;
            };
            let Some(bytes) = self.bundle.member(member) else {
                continue;
            };
            let text = String::from_utf8_lossy(bytes);
            let bin = c
                .argv
                .first()
                .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
                .unwrap_or_default();
            // `kubectl version --client -o json` prints gitVersion.
            let found = if let Some(pos) = text.find("gitVersion") {
                Version::find(&text[pos..], &format!("`{}` output", c.argv.join(" ")))
            } else {
                Version::find(&text, &format!("`{}` output", c.argv.join(" ")))
            };
            if let Some(v) = found {
                out.push((bin, v));
            }
        }
        for p in &self.manifest.packages {
            let comp = match p.name.as_str() {
                "kubelet" | "kubeadm" | "kubectl" => p.name.clone(),
                n if n.starts_with("rke2") => "rke2".into(),
                "k3s" => "k3s".into(),
                _ => continue,
            };
            if let Some(v) = Version::find(
                &p.version,
                &format!("package {} {} ({})", p.name, p.version, p.source),
            ) {
                out.push((comp, v));
            }
        }
        for img in &self.manifest.images {
            // Only manifests the kubelet runs: not kubeadm's upgrade backups under /etc/kubernetes/tmp.
            if !self.static_pods.iter().any(|sp| sp.path == img.manifest) {
                continue;
            }
            let name = img.image.rsplit('/').next().unwrap_or(&img.image);
            let (repo, tag) = name.split_once(':').unwrap_or((name, ""));
            let tag = tag.split('@').next().unwrap_or(tag);
            // Upstream images are named after the component; RKE2 runs every
            // control-plane component from `hardened-kubernetes:<version>`.
            let by_name = STATIC_COMPONENTS.into_iter().find(|c| repo == *c);
            let by_manifest = (repo == "hardened-kubernetes")
                .then(|| {
                    self.static_pods
                        .iter()
                        .find(|sp| sp.path == img.manifest)
                        .and_then(|sp| sp.component)
                })
                .flatten();
            if let Some(c) = by_name.or(by_manifest) {
                if let Some(v) =
                    Version::find(tag, &format!("image {} in {}", img.image, img.manifest))
                {
                    out.push((c.to_string(), v));
                }
            }
        }
        out
    }

    /// The Kubernetes version of the node's control plane or kubelet, lowest
    /// found (version-bound rules must not pass on a guess).
    pub fn kube_version(&self) -> Option<Version> {
        self.versions()
            .into_iter()
            .filter(|(c, _)| {
                matches!(
                    c.as_str(),
                    "kubelet"
                        | "kube-apiserver"
                        | "kube-controller-manager"
                        | "kube-scheduler"
                        | "k3s"
                        | "rke2"
                )
            })
            .map(|(_, v)| v)
            .filter(|v| v.major == 1)
            .min_by_key(|v| v.tuple())
    }
}

/// Collapse `//`, `.` and `..` in an absolute path (lexically).
pub fn normalize(path: &str) -> String {
    // Most paths are already absolute and clean (every rule looks files up
    // by such paths): return them as they are without splitting.
    let b = path.as_bytes();
    let clean = b.first() == Some(&b'/')
        && (b.len() == 1
            || (b.last() != Some(&b'/')
                && !path.contains("//")
                && !path.contains("/./")
                && !path.contains("/../")
                && !path.ends_with("/.")
                && !path.ends_with("/..")));
    if clean {
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn build_static_pod(path: &str, text: &str, pod: Value) -> StaticPod {
    let containers: Vec<&Value> = yaml::get(&pod, &["spec", "containers"])
        .and_then(|c| c.as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let images = containers
        .iter()
        .filter_map(|c| c.get("image").and_then(|i| i.as_str()).map(String::from))
        .collect();
    let file_base = path.rsplit('/').next().unwrap_or(path);
    let file_comp = STATIC_COMPONENTS
        .into_iter()
        .find(|c| file_base.starts_with(c));
    let mut chosen: Option<(&Value, Option<&'static str>)> = None;
    for c in &containers {
        let cmd: Vec<String> = args_of(c, "command");
        let by_cmd = cmd.first().and_then(|c0| component_of_command(c0));
        let by_name = c
            .get("name")
            .and_then(|n| n.as_str())
            .and_then(component_of_command);
        if let Some(comp) = by_cmd.or(by_name) {
            chosen = Some((c, Some(comp)));
            break;
        }
    }
    if chosen.is_none() {
        if let Some(c) = containers.first() {
            chosen = Some((c, file_comp));
        }
    }
    let (component, flags, mounts) = match chosen {
        Some((c, comp)) => {
            let mut all = args_of(c, "command");
            all.extend(args_of(c, "args"));
            // The line of each argument in the file, searched in order.
            let mut lines = Vec::new();
            let text_lines: Vec<&str> = text.lines().collect();
            let mut from = 0;
            for a in &all {
                let found = text_lines[from.min(text_lines.len())..]
                    .iter()
                    .position(|l| l.contains(a.as_str()))
                    .map(|i| i + from);
                if let Some(i) = found {
                    from = i + 1;
                }
                lines.push(found.map(|i| i + 1));
            }
            let flags = FlagSet::parse(&all, |i| Source::File {
                path: path.to_string(),
                line: lines.get(i).copied().flatten(),
            });
            (comp, flags, mounts_of(&pod, c))
        }
        None => (file_comp, FlagSet::default(), vec![]),
    };
    StaticPod {
        path: path.to_string(),
        component,
        pod,
        text: text.to_string(),
        flags,
        mounts,
        images,
    }
}

fn args_of(container: &Value, key: &str) -> Vec<String> {
    container
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(yaml::scalar).collect())
        .unwrap_or_default()
}

fn mounts_of(pod: &Value, container: &Value) -> Vec<(String, String)> {
    let mut host_of = BTreeMap::new();
    if let Some(vols) = yaml::get(pod, &["spec", "volumes"]).and_then(|v| v.as_array()) {
        for v in vols {
            if let (Some(name), Some(hp)) = (
                v.get("name").and_then(|n| n.as_str()),
                yaml::get(v, &["hostPath", "path"]).and_then(|p| p.as_str()),
            ) {
                host_of.insert(name.to_string(), hp.to_string());
            }
        }
    }
    let mut out = Vec::new();
    if let Some(vms) = container.get("volumeMounts").and_then(|v| v.as_array()) {
        for m in vms {
            if let (Some(name), Some(mp)) = (
                m.get("name").and_then(|n| n.as_str()),
                m.get("mountPath").and_then(|p| p.as_str()),
            ) {
                if let Some(hp) = host_of.get(name) {
                    out.push((hp.clone(), mp.to_string()));
                }
            }
        }
    }
    out
}

/// Mode bits of a record (`0644` → 0o644); `None` when unparseable.
pub fn mode_bits(rec: &FileRecord) -> Option<u32> {
    u32::from_str_radix(&rec.mode, 8).ok()
}

/// `path mode 0644 owner root:root (0:0)` for finding details.
pub fn describe_file(rec: &FileRecord) -> String {
    format!(
        "{}{} mode {} owner {}:{} ({}:{})",
        rec.path,
        rec.via
            .as_deref()
            .map(|v| format!(" (via {v})"))
            .unwrap_or_default(),
        rec.mode,
        rec.user.as_deref().unwrap_or("?"),
        rec.group.as_deref().unwrap_or("?"),
        rec.uid,
        rec.gid
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_fast_path_matches_the_general_one() {
        fn general(path: &str) -> String {
            let mut parts: Vec<&str> = Vec::new();
            for p in path.split('/') {
                match p {
                    "" | "." => {}
                    ".." => {
                        parts.pop();
                    }
                    other => parts.push(other),
                }
            }
            format!("/{}", parts.join("/"))
        }
        let pieces = ["", "/", "a", ".", "..", "b.c", "..d", "e.."];
        let mut paths = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        paths.push(format!("{a}{b}{c}{d}"));
                        paths.push(format!("{a}/{b}/{c}/{d}"));
                    }
                }
            }
        }
        for p in &paths {
            assert_eq!(normalize(p), general(p), "{p:?}");
        }
    }

    #[test]
    fn versions_parse() {
        assert_eq!(
            Version::find("Kubernetes v1.30.4", "x").unwrap().tuple(),
            (1, 30, 4)
        );
        assert_eq!(
            Version::find("1.29.2-1.1", "x").unwrap().tuple(),
            (1, 29, 2)
        );
        assert_eq!(
            Version::find("v1.30.4+k3s1", "x").unwrap().tuple(),
            (1, 30, 4)
        );
        assert_eq!(Version::find("version 2", "x"), None);
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/etc//kubernetes/./x/../y"), "/etc/kubernetes/y");
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn host_path_mapping() {
        let pod = yaml::parse(
            "spec:\n  volumes:\n  - name: a\n    hostPath: {path: /etc/kubernetes/audit}\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver, --audit-policy-file=/etc/audit/p.yaml]\n    volumeMounts:\n    - {name: a, mountPath: /etc/audit}\n",
        )
        .unwrap();
        let text = "x";
        let sp = build_static_pod("/etc/kubernetes/manifests/kube-apiserver.yaml", text, pod);
        assert_eq!(sp.component, Some(APISERVER));
        assert_eq!(
            sp.host_path("/etc/audit/p.yaml"),
            "/etc/kubernetes/audit/p.yaml"
        );
        assert_eq!(sp.host_path("/var/log/x"), "/var/log/x");
        assert_eq!(
            sp.flags.get("audit-policy-file").unwrap().value.as_deref(),
            Some("/etc/audit/p.yaml")
        );
    }
}
