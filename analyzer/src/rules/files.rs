//! Checks of file ownership and permissions: static pod manifests, kubelet
//! configuration and kubeconfig, kubelet systemd drop-ins, kube-proxy
//! kubeconfig, control-plane kubeconfigs, PKI and etcd data.
//!
//! Paths come from the evidence (component flags, the kubelet's effective
//! configuration, the distribution's layout), never from kubeadm's defaults
//! alone, and every detail line says which path was used and where it came
//! from. A file that should be there but is not in the bundle is
//! Not_Reviewed, never a pass.

use super::{combine, component_absent, control_plane_only, fix_comment, Verdict};
use crate::evidence::{
    describe_file, mode_bits, normalize, Distro, Node, Role, StaticPod, APISERVER,
    CONTROLLER_MANAGER, ETCD, KUBE_PROXY, SCHEDULER,
};
use crate::flags::{FlagSet, Source};
use crate::model::Status;
use crate::yaml;
use collector::manifest::{FileRecord, FileType, ProcessRecord};

/// kubeadm's kubelet config file, the path the STIG names.
const KUBEADM_KUBELET_CONFIG: &str = "/var/lib/kubelet/config.yaml";
/// kubeadm's kubelet kubeconfig, the path the STIG names.
const KUBEADM_KUBELET_KUBECONFIG: &str = "/etc/kubernetes/kubelet.conf";
const RKE2_KUBELET_KUBECONFIG: &str = "/var/lib/rancher/rke2/agent/kubelet.kubeconfig";
const K3S_KUBELET_KUBECONFIG: &str = "/var/lib/rancher/k3s/agent/kubelet.kubeconfig";
/// k3s runs kube-proxy inside its own process with this kubeconfig.
const K3S_KUBE_PROXY_KUBECONFIG: &str = "/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig";
/// k3s's default datastore (kine on SQLite) when embedded etcd is not used.
const K3S_STATE_DB: &str = "/var/lib/rancher/k3s/server/db/state.db";
/// Kubelet environment files the STIG's "ls -l kubelet" refers to.
const KUBELET_ENV_FILES: [&str; 2] = ["/etc/sysconfig/kubelet", "/etc/default/kubelet"];
/// Where kubelet systemd drop-ins (kubeadm's 10-kubeadm.conf) live.
const KUBELET_DROPIN_DIRS: [&str; 3] = [
    "/etc/systemd/system/kubelet.service.d",
    "/usr/lib/systemd/system/kubelet.service.d",
    "/lib/systemd/system/kubelet.service.d",
];
/// kube-apiserver flags naming certificates and keys: their directories are
/// PKI directories too.
const APISERVER_PKI_FLAGS: [&str; 14] = [
    "tls-cert-file",
    "tls-private-key-file",
    "client-ca-file",
    "etcd-cafile",
    "etcd-certfile",
    "etcd-keyfile",
    "kubelet-client-certificate",
    "kubelet-client-key",
    "kubelet-certificate-authority",
    "proxy-client-cert-file",
    "proxy-client-key-file",
    "requestheader-client-ca-file",
    "service-account-key-file",
    "service-account-signing-key-file",
];
/// System-wide trust stores: a flag pointing into one does not make it a
/// Kubernetes PKI directory.
const SYSTEM_TRUST_DIRS: [&str; 5] = [
    "/etc/ssl",
    "/etc/pki",
    "/etc/ca-certificates",
    "/usr/share/ca-certificates",
    "/usr/local/share/ca-certificates",
];
/// Compliant entries listed one per line before the rest are only counted.
const MAX_PASS_LINES: usize = 40;

// ---------------------------------------------------------------------------
// Requirements and how a single file is judged
// ---------------------------------------------------------------------------

/// What a rule requires of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Mode 0644 or more restrictive: `(mode & 0o7133) == 0`.
    Mode644,
    /// Mode 0600 or more restrictive: `(mode & 0o7177) == 0`.
    Mode600,
    /// Owned by uid 0 and gid 0.
    RootOwner,
}

impl Want {
    /// Judge one file record (no path resolution here).
    fn judge(self, rec: &FileRecord) -> Verdict {
        let what = describe_file(rec);
        let (mask, required) = match self {
            Want::RootOwner => {
                return if rec.uid == 0 && rec.gid == 0 {
                    Verdict::pass(format!("{what}: owned by root:root, as required"))
                } else {
                    Verdict::open(format!("{what}: must be owned by root:root"))
                };
            }
            Want::Mode644 => (0o7133, "0644 or more restrictive"),
            Want::Mode600 => (0o7177, "0600 or more restrictive"),
        };
        match mode_bits(rec) {
            Some(mode) if mode <= 0o7777 => {
                if mode & mask == 0 {
                    Verdict::pass(format!("{what}: mode is {required}, as required"))
                } else {
                    Verdict::open(format!("{what}: must be {required}"))
                }
            }
            _ => Verdict::not_reviewed(format!(
                "{what}: the recorded mode {:?} cannot be read as permission bits",
                rec.mode
            )),
        }
    }

    /// The remediation hint for Open verdicts.
    fn fix(self, subject: &str) -> String {
        match self {
            Want::Mode644 => {
                format!("Set the mode of {subject} to 0644 or more restrictive (chmod 644).")
            }
            Want::Mode600 => {
                format!("Set the mode of {subject} to 0600 or more restrictive (chmod 600).")
            }
            Want::RootOwner => format!("Make {subject} owned by root:root (chown root:root)."),
        }
    }
}

/// A file a rule must judge: the path as named, where that name came from,
/// and the file's record when the bundle has it.
struct Named<'b> {
    /// The path as named (host path, or a path inside a container for `via` records).
    path: String,
    /// Where the name came from (flag with its source, distribution default, ...).
    origin: String,
    /// The file's record, symlinks followed.
    rec: Option<&'b FileRecord>,
    /// Appended to the Not_Reviewed text when `rec` is missing.
    missing: String,
}

impl<'b> Named<'b> {
    /// A host path, symlinks followed.
    fn host(node: &Node<'b>, path: &str, origin: impl Into<String>) -> Named<'b> {
        Named {
            path: normalize(path),
            origin: origin.into(),
            rec: node.file(path),
            missing: missing_hint(node, path),
        }
    }

    /// A name whose file cannot be in the bundle, with the reason.
    fn unresolved(path: &str, origin: impl Into<String>, why: impl Into<String>) -> Named<'b> {
        Named {
            path: normalize(path),
            origin: origin.into(),
            rec: None,
            missing: why.into(),
        }
    }

    /// Identity for de-duplication: the record actually judged.
    fn key(&self) -> String {
        match self.rec {
            Some(r) => format!("{}|{}", r.via.as_deref().unwrap_or(""), r.path),
            None => format!("missing|{}", self.path),
        }
    }
}

/// Why a host path is not in the bundle, when the bundle says more than "absent".
fn missing_hint(node: &Node, path: &str) -> String {
    let mut hint = String::new();
    if let Some(link) = node.lfile(path) {
        if link.file_type == FileType::Symlink {
            hint.push_str(&format!(
                "; it is a symlink to {} whose target is not in the bundle",
                link.target.as_deref().unwrap_or("?")
            ));
        }
    }
    for e in collection_errors(node, path) {
        hint.push_str(&format!("; collection error: {e}"));
    }
    hint
}

/// Collector errors recorded for a path or anything below it.
fn collection_errors(node: &Node, path: &str) -> Vec<String> {
    let p = normalize(path);
    let prefix = format!("{}/", p.trim_end_matches('/'));
    node.manifest
        .errors
        .iter()
        .filter(|e| {
            let ep = normalize(&e.path);
            ep == p || ep.starts_with(&prefix)
        })
        .map(|e| format!("{} {}: {}", e.op, e.path, e.message))
        .collect()
}

/// Not_Reviewed parts for collection errors below a directory a rule lists.
fn collection_error_parts(node: &Node, dir: &str) -> Vec<Verdict> {
    collection_errors(node, dir)
        .into_iter()
        .map(|e| Verdict::not_reviewed(format!("collection error under {dir}: {e}")))
        .collect()
}

/// Judge a named file; a missing file is Not_Reviewed.
fn judge_named(n: &Named, want: Want) -> Verdict {
    match n.rec {
        Some(rec) if rec.file_type == FileType::Dir => Verdict::not_reviewed(format!(
            "{}: {} is a directory, not the file the rule expects",
            n.origin,
            describe_file(rec)
        )),
        Some(rec) => {
            let v = want.judge(rec);
            let shown = if rec.path != n.path {
                format!("{} -> ", n.path)
            } else {
                String::new()
            };
            Verdict {
                details: format!("{}: {shown}{}", n.origin, v.details),
                ..v
            }
        }
        None => Verdict::not_reviewed(format!(
            "{}: {} is not in the bundle{}",
            n.origin, n.path, n.missing
        )),
    }
}

/// Judge an entry of a directory listing: a symlink is judged by its target.
fn judge_entry(node: &Node, rec: &FileRecord, want: Want) -> Verdict {
    if rec.file_type != FileType::Symlink {
        return want.judge(rec);
    }
    match node.file(&rec.path) {
        Some(target) => {
            let v = want.judge(target);
            Verdict {
                details: format!("{} -> {}", rec.path, v.details),
                ..v
            }
        }
        None => Verdict::not_reviewed(format!(
            "{} is a symlink to {} whose target is not in the bundle",
            rec.path,
            rec.target.as_deref().unwrap_or("?")
        )),
    }
}

/// Merge names that resolve to the same record, keeping every origin.
fn dedup(list: Vec<Named<'_>>) -> Vec<Named<'_>> {
    let mut out: Vec<Named> = Vec::new();
    for n in list {
        let key = n.key();
        match out.iter_mut().find(|p| p.key() == key) {
            Some(prev) => {
                if !prev.origin.contains(&n.origin) {
                    prev.origin = format!("{}; also {}", prev.origin, n.origin);
                }
            }
            None => out.push(n),
        }
    }
    out
}

/// `combine`, listing at most [`MAX_PASS_LINES`] compliant entries one by one
/// (every other line is kept).
fn combine_capped(parts: Vec<Verdict>) -> Verdict {
    let passes = parts
        .iter()
        .filter(|p| p.status == Status::NotAFinding)
        .count();
    if passes <= MAX_PASS_LINES {
        return combine(parts);
    }
    let mut kept = Vec::new();
    let mut shown = 0;
    for p in parts {
        if p.status == Status::NotAFinding {
            if shown >= MAX_PASS_LINES {
                continue;
            }
            shown += 1;
        }
        kept.push(p);
    }
    kept.push(Verdict::pass(format!(
        "... and {} more entries that meet the requirement (not listed)",
        passes - MAX_PASS_LINES
    )));
    combine(kept)
}

/// Put a line saying where paths came from in front of the details.
fn with_header(mut v: Verdict, header: &str) -> Verdict {
    if !header.is_empty() {
        v.details = if v.details.is_empty() {
            header.to_string()
        } else {
            format!("{header}\n{}", v.details)
        };
    }
    v
}

/// Not_Reviewed for all-node rules when the bundle shows no Kubernetes at all.
fn unknown_node(node: &Node) -> Option<Verdict> {
    (node.role == Role::Unknown).then(|| {
        Verdict::not_reviewed(
            "The bundle shows no Kubernetes component on this node (no manifests, processes or kubelet); the rule cannot be assessed.",
        )
    })
}

/// Not_Reviewed when a node has Kubernetes components but no kubelet evidence.
fn no_kubelet(node: &Node) -> Verdict {
    Verdict::not_reviewed(format!(
        "No kubelet evidence on this {} node ({}): no kubelet process, systemd unit or config file is in the bundle.",
        node.role.name(),
        node.distro.name()
    ))
}

/// A directory path with a recorded symlink resolved (`/etc/kubernetes/pki -> /data/pki`).
fn real_dir(node: &Node, dir: &str) -> String {
    match node.lfile(dir) {
        Some(l) if l.file_type == FileType::Symlink => match node.file(dir) {
            Some(r) if r.file_type == FileType::Dir => r.path.clone(),
            _ => normalize(dir),
        },
        _ => normalize(dir),
    }
}

/// True when the bundle has the directory or anything below it.
fn dir_present(node: &Node, dir: &str) -> bool {
    node.lfile(dir).is_some() || !node.files_under(dir).is_empty()
}

fn parent_dir(path: &str) -> String {
    let p = normalize(path);
    match p.rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((parent, _)) => parent.to_string(),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A non-empty flag value.
fn flag_value<'f>(flags: &'f FlagSet, name: &str) -> Option<(&'f crate::flags::Flag, &'f str)> {
    let f = flags.get(name)?;
    let v = f.value.as_deref()?.trim();
    (!v.is_empty()).then_some((f, v))
}

// ---------------------------------------------------------------------------
// Paths seen by containerised components
// ---------------------------------------------------------------------------

/// The host path of a container path, only when one of the static pod's
/// hostPath volumes covers it (an uncovered path is inside the image).
fn mounted_host_path(sp: &StaticPod, path: &str) -> Option<String> {
    let p = normalize(path);
    let covered = sp.mounts.iter().any(|(_, mount)| {
        let m = normalize(mount);
        p == m || p.starts_with(&format!("{}/", m.trim_end_matches('/')))
    });
    covered.then(|| normalize(&sp.host_path(&p)))
}

/// A path named in a static pod manifest, mapped to the host.
fn manifest_path<'b>(node: &Node<'b>, sp: &StaticPod, path: &str, origin: String) -> Named<'b> {
    match mounted_host_path(sp, path) {
        Some(host) if host == normalize(path) => Named::host(node, &host, origin),
        Some(host) => Named::host(
            node,
            &host,
            format!(
                "{origin}, host path {host} through a hostPath volume of {}",
                sp.path
            ),
        ),
        None => Named::unresolved(
            path,
            origin,
            format!(
                " (no hostPath volume of {} covers it: the file is inside the container image)",
                sp.path
            ),
        ),
    }
}

/// True when the bundle holds any file read through the process's root.
fn has_root_view(node: &Node, pid: u32) -> bool {
    let via = format!("/proc/{pid}/root");
    node.manifest
        .files
        .iter()
        .any(|f| f.via.as_deref() == Some(via.as_str()))
}

/// A path named on a running process's command line: inside its root when
/// the bundle has it, else through its static pod's hostPath volumes, else as
/// a host path when the bundle has no view into the process's root.
fn process_path<'b>(
    node: &Node<'b>,
    pid: u32,
    sp: Option<&StaticPod>,
    path: &str,
    origin: String,
) -> Named<'b> {
    if let Some(rec) = node.file_via(pid, path) {
        return Named {
            path: normalize(path),
            origin: format!("{origin}, read inside the process's root /proc/{pid}/root"),
            rec: Some(rec),
            missing: String::new(),
        };
    }
    if let Some(sp) = sp {
        return manifest_path(node, sp, path, origin);
    }
    if has_root_view(node, pid) {
        return Named::unresolved(
            path,
            origin,
            format!(" (a path inside the process's root; /proc/{pid}/root{path} was not captured)"),
        );
    }
    let mut n = Named::host(
        node,
        path,
        format!("{origin}, taken as a host path (the bundle has no view into /proc/{pid}/root)"),
    );
    if n.rec.is_none() {
        n.missing.push_str(&format!(
            " (if pid {pid} runs in a container the file is inside it and /proc/{pid}/root was not captured)"
        ));
    }
    n
}

/// The files named by a component flag in every view (manifest, each
/// running process, k3s arguments), mapped to what the component reads.
fn component_flag_files<'b>(node: &Node<'b>, component: &str, flag: &str) -> Vec<Named<'b>> {
    let mut out = Vec::new();
    let Some(comp) = node.components.get(component) else {
        return out;
    };
    let sp = node.static_pod(component);
    if let Some(sp) = sp {
        if let Some((f, v)) = flag_value(&sp.flags, flag) {
            out.push(manifest_path(
                node,
                sp,
                v,
                format!("{component} {}", f.cite()),
            ));
        }
    }
    for (pid, flags) in &comp.processes {
        if let Some((f, v)) = flag_value(flags, flag) {
            out.push(process_path(
                node,
                *pid,
                sp,
                v,
                format!("running {component} {}", f.cite()),
            ));
        }
    }
    if let Some((label, flags)) = &comp.distro_args {
        if let Some((f, v)) = flag_value(flags, flag) {
            out.push(Named::host(node, v, format!("{label} {}", f.cite())));
        }
    }
    dedup(out)
}

/// An option of the RKE2/k3s process (command line wins over config.yaml):
/// `Some(value)`, `Some("true")` for a bare switch.
fn distro_option(node: &Node, proc_: &ProcessRecord, key: &str) -> Option<(String, String)> {
    let long = format!("--{key}");
    let with_eq = format!("--{key}=");
    for (i, a) in proc_.argv.iter().enumerate() {
        if let Some(v) = a.strip_prefix(&with_eq) {
            return Some((v.to_string(), format!("pid {} argv[{i}]", proc_.pid)));
        }
        if *a == long {
            let v = match proc_.argv.get(i + 1) {
                Some(next) if !next.starts_with('-') => next.clone(),
                _ => "true".to_string(),
            };
            return Some((v, format!("pid {} argv[{i}]", proc_.pid)));
        }
    }
    let conf_dir = match node.distro {
        Distro::K3s => "/etc/rancher/k3s",
        _ => "/etc/rancher/rke2",
    };
    let mut files = vec![format!("{conf_dir}/config.yaml")];
    for rec in node.files_in(&format!("{conf_dir}/config.yaml.d")) {
        files.push(rec.path.clone());
    }
    let mut found = None;
    for path in files {
        let Some(text) = node.content(&path) else {
            continue;
        };
        let Ok(v) = yaml::parse(text) else {
            continue;
        };
        if let Some(val) = v.get(key).and_then(yaml::scalar) {
            found = Some((
                val,
                format!("{path}:{}", yaml::key_line(text, key).unwrap_or(0)),
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Static pod manifests: CNTR-K8-000860, 000900, 003110
// ---------------------------------------------------------------------------

/// Directories holding static pod manifests on this node, with why.
fn static_pod_dirs(node: &Node) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for d in node.manifest_dirs() {
        let origin = if d == "/etc/kubernetes/manifests" {
            "kubeadm static pod directory".to_string()
        } else {
            format!("{} static pod directory", node.distro.name())
        };
        out.push((normalize(&d), origin));
    }
    if let Some(k) = &node.kubelet {
        let s = k.setting("pod-manifest-path", &["staticPodPath"]);
        if let Some(dir) = s.text().filter(|t| !t.trim().is_empty()) {
            out.push((
                normalize(&dir),
                format!("kubelet {}", s.cite("pod-manifest-path", "staticPodPath")),
            ));
        }
    }
    let mut merged: Vec<(String, String)> = Vec::new();
    for (dir, origin) in out {
        match merged.iter_mut().find(|(d, _)| *d == dir) {
            Some(prev) => prev.1 = format!("{}; {origin}", prev.1),
            None => merged.push((dir, origin)),
        }
    }
    merged
}

fn manifests_rule(node: &Node, want: Want, control_plane_rule: bool) -> Verdict {
    let gate = if control_plane_rule {
        control_plane_only(node)
    } else {
        unknown_node(node)
    };
    if let Some(v) = gate {
        return v;
    }
    let mut parts = Vec::new();
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for (dir, origin) in static_pod_dirs(node) {
        let real = real_dir(node, &dir);
        if !dir_present(node, &real) {
            if node.role == Role::ControlPlane && origin.contains("kubelet ") {
                // The kubelet reads manifests from there: they were not captured.
                parts.push(Verdict::not_reviewed(format!(
                    "static pod directory {dir} ({origin}) is not in the bundle{}",
                    missing_hint(node, &dir)
                )));
            }
            absent.push(format!("{dir} ({origin}; not in the bundle)"));
            continue;
        }
        parts.extend(collection_error_parts(node, &real));
        let mut files = 0;
        for rec in node.files_in(&real) {
            if rec.file_type == FileType::Dir {
                parts.push(Verdict::na(format!(
                    "{}: a subdirectory, not a manifest (the kubelet reads only files)",
                    rec.path
                )));
                continue;
            }
            files += 1;
            parts.push(judge_entry(node, rec, want));
        }
        present.push(format!("{dir} ({origin}; {files} file(s))"));
    }
    let looked = present
        .iter()
        .chain(absent.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if !parts.iter().any(|p| p.status != Status::NotApplicable) {
        return match (node.role, node.distro) {
            (Role::ControlPlane, Distro::K3s) => Verdict::na(format!(
                "k3s runs the control-plane components inside the k3s server process: there are no static pod manifest files (looked in {looked})."
            )),
            (Role::ControlPlane, Distro::Kubeadm) => Verdict::not_reviewed(format!(
                "This is a kubeadm control-plane node but no static pod manifest file is in the bundle (looked in {looked})."
            )),
            (Role::ControlPlane, _) if !present.is_empty() => Verdict::na(format!(
                "The static pod directories are empty: the control-plane components do not run as static pods on this node (looked in {looked})."
            )),
            (Role::ControlPlane, _) => Verdict::not_reviewed(format!(
                "This is a control-plane node but no static pod directory is in the bundle (looked in {looked})."
            )),
            _ => Verdict::na(format!(
                "No static pod manifests on this {} node (looked in {looked}).",
                node.role.name()
            )),
        };
    }
    let v = with_header(
        combine_capped(parts),
        &format!("Static pod directories: {looked}"),
    );
    fix_comment(v, &want.fix("each static pod manifest"))
}

/// CNTR-K8-000860 (V-242405): every static pod manifest file on a
/// control-plane node is owned by root:root.
///
/// Same evidence as CNTR-K8-003110. Directories: kubeadm's
/// /etc/kubernetes/manifests, the distribution's (RKE2
/// /var/lib/rancher/rke2/agent/pod-manifests) and the kubelet's
/// staticPodPath / --pod-manifest-path. Every non-directory entry counts,
/// hidden files included (strict reading of `ls -l *`); a symlink is judged
/// by its target. k3s (no static pods) is Not_Applicable.
pub fn cntr_k8_000860(node: &Node) -> Verdict {
    manifests_rule(node, Want::RootOwner, true)
}

/// CNTR-K8-000900 (V-242408): every static pod manifest file, on control
/// plane and worker nodes, has mode 0644 or more restrictive.
///
/// Directories as for CNTR-K8-000860. An empty or absent directory on a
/// worker is Not_Applicable (nothing to check); on a kubeadm control plane it
/// is Not_Reviewed (the manifests must be there).
pub fn cntr_k8_000900(node: &Node) -> Verdict {
    manifests_rule(node, Want::Mode644, false)
}

/// CNTR-K8-003110 (V-242444): component manifests are owned by root:root
/// (`stat -c %U:%G /etc/kubernetes/manifests/*`).
///
/// Control-plane rule; the same check as CNTR-K8-000860.
pub fn cntr_k8_003110(node: &Node) -> Verdict {
    manifests_rule(node, Want::RootOwner, true)
}

// ---------------------------------------------------------------------------
// Kubelet configuration files: CNTR-K8-000880, 000890, 003230, 003240
// ---------------------------------------------------------------------------

/// The kubelet's configuration files: the `--config` file, each
/// `--config-dir` drop-in, the environment files when `with_env`, and the
/// STIG's literal /var/lib/kubelet/config.yaml when it exists.
fn kubelet_config_rule(node: &Node, want: Want, with_env: bool) -> Verdict {
    if let Some(v) = unknown_node(node) {
        return v;
    }
    let Some(k) = &node.kubelet else {
        return no_kubelet(node);
    };
    let mut named = Vec::new();
    if let Some(path) = &k.config_path {
        let origin = match k.flag("config") {
            Some(f) => format!("kubelet {}", f.cite()),
            None => "kubelet config file assumed at kubeadm's default (no kubelet command line in the evidence)".to_string(),
        };
        named.push(Named::host(node, path, origin));
        if with_env {
            // The STIG: "change to the directory identified by --config ... ls -l kubelet".
            let literal = format!("{}/kubelet", parent_dir(path));
            if node.lfile(&literal).is_some() {
                named.push(Named::host(
                    node,
                    &literal,
                    "file 'kubelet' in the --config directory (the STIG's `ls -l kubelet`)",
                ));
            }
        }
    }
    let mut parts = Vec::new();
    if let Some(dir) = &k.config_dir {
        let origin = match k.flag("config-dir") {
            Some(f) => format!("kubelet drop-in of {}", f.cite()),
            None => format!(
                "kubelet drop-in of {} ({} default)",
                dir,
                node.distro.name()
            ),
        };
        let real = real_dir(node, dir);
        if !dir_present(node, &real) {
            parts.push(Verdict::not_reviewed(format!(
                "{origin}: the drop-in directory {dir} is not in the bundle{}, so its files cannot be checked",
                missing_hint(node, dir)
            )));
        }
        for rec in node.files_in(&real) {
            if rec.path.ends_with(".conf") && rec.file_type != FileType::Dir {
                named.push(Named::host(node, &rec.path, origin.clone()));
            }
        }
    }
    if with_env {
        for env in KUBELET_ENV_FILES {
            if node.lfile(env).is_some() {
                named.push(Named::host(node, env, "kubelet environment file"));
            }
        }
    }
    if node.lfile(KUBEADM_KUBELET_CONFIG).is_some() {
        named.push(Named::host(
            node,
            KUBEADM_KUBELET_CONFIG,
            "the STIG's path /var/lib/kubelet/config.yaml",
        ));
    }
    let named = dedup(named);
    if named.is_empty() && parts.is_empty() {
        return if !k.pids.is_empty() {
            Verdict::na(format!(
                "The running kubelet runs without --config or --config-dir and no kubelet environment file is present: there is no kubelet configuration file ({}). The kubelet setting rules report the missing configuration.",
                k.describe()
            ))
        } else {
            Verdict::not_reviewed(format!(
                "No kubelet configuration file is named in the evidence and no kubelet process shows how the kubelet runs ({}).",
                k.describe()
            ))
        };
    }
    parts.extend(named.iter().map(|n| judge_named(n, want)));
    let v = with_header(combine(parts), &k.describe());
    fix_comment(v, &want.fix("the kubelet configuration file"))
}

/// CNTR-K8-000880 (V-242406): the kubelet configuration files are owned by
/// root:root.
///
/// Reading of an ambiguous check ("the directory identified by --config
/// (example /etc/sysconfig/) ... ls -l kubelet"): the `--config` file, every
/// `--config-dir` drop-in (KubeletConfiguration too), a file named `kubelet`
/// next to the `--config` file, and the environment files
/// /etc/sysconfig/kubelet and /etc/default/kubelet when present.
pub fn cntr_k8_000880(node: &Node) -> Verdict {
    kubelet_config_rule(node, Want::RootOwner, true)
}

/// CNTR-K8-000890 (V-242407): the kubelet configuration files have mode 0644
/// or more restrictive. Same files as CNTR-K8-000880.
pub fn cntr_k8_000890(node: &Node) -> Verdict {
    kubelet_config_rule(node, Want::Mode644, true)
}

/// CNTR-K8-003230 (V-242456): the kubelet config file (the STIG names
/// /var/lib/kubelet/config.yaml) has mode 0644 or more restrictive.
///
/// The file checked is the kubelet's actual `--config` file plus its
/// `--config-dir` drop-ins, and /var/lib/kubelet/config.yaml when it exists.
pub fn cntr_k8_003230(node: &Node) -> Verdict {
    kubelet_config_rule(node, Want::Mode644, false)
}

/// CNTR-K8-003240 (V-242457): the kubelet config file is owned by root:root.
/// Same files as CNTR-K8-003230.
pub fn cntr_k8_003240(node: &Node) -> Verdict {
    kubelet_config_rule(node, Want::RootOwner, false)
}

// ---------------------------------------------------------------------------
// Kubelet kubeconfig: CNTR-K8-003190, 003200
// ---------------------------------------------------------------------------

fn kubelet_kubeconfig_rule(node: &Node, want: Want) -> Verdict {
    if let Some(v) = unknown_node(node) {
        return v;
    }
    let mut named = Vec::new();
    let mut header = String::new();
    if let Some(k) = &node.kubelet {
        header = k.describe();
        match flag_value(&k.flags, "kubeconfig") {
            Some((f, v)) => named.push(Named::host(node, v, format!("kubelet {}", f.cite()))),
            None if node.distro == Distro::K3s => named.push(Named::host(
                node,
                K3S_KUBELET_KUBECONFIG,
                "k3s built-in kubelet kubeconfig (the kubelet runs inside k3s; no --kubeconfig in its kubelet-arg)",
            )),
            None if k.pids.is_empty() => {
                let default = match node.distro {
                    Distro::Kubeadm => Some(KUBEADM_KUBELET_KUBECONFIG),
                    Distro::Rke2 => Some(RKE2_KUBELET_KUBECONFIG),
                    _ => None,
                };
                if let Some(p) = default {
                    named.push(Named::host(
                        node,
                        p,
                        format!(
                            "{} default kubelet kubeconfig (no --kubeconfig in {})",
                            node.distro.name(),
                            k.flags_origin
                        ),
                    ));
                }
            }
            // A running kubelet without --kubeconfig runs standalone.
            None => {}
        }
    }
    if node.lfile(KUBEADM_KUBELET_KUBECONFIG).is_some() {
        named.push(Named::host(
            node,
            KUBEADM_KUBELET_KUBECONFIG,
            "the STIG's path /etc/kubernetes/kubelet.conf",
        ));
    }
    let named = dedup(named);
    if named.is_empty() {
        return match &node.kubelet {
            Some(k) if !k.pids.is_empty() => Verdict::na(format!(
                "The running kubelet has no --kubeconfig: it runs standalone, without an API server, so there is no kubelet kubeconfig ({}).",
                k.describe()
            )),
            Some(k) => Verdict::not_reviewed(format!(
                "The kubelet kubeconfig cannot be located: no --kubeconfig in the evidence and no default for this {} node ({}).",
                node.distro.name(),
                k.describe()
            )),
            None => no_kubelet(node),
        };
    }
    let parts = named.iter().map(|n| judge_named(n, want)).collect();
    let v = with_header(combine(parts), &header);
    fix_comment(v, &want.fix("the kubelet kubeconfig"))
}

/// CNTR-K8-003190 (V-242452): the kubelet kubeconfig has mode 0644 or more
/// restrictive.
///
/// Path: the kubelet's `--kubeconfig` (kubeadm /etc/kubernetes/kubelet.conf,
/// RKE2 /var/lib/rancher/rke2/agent/kubelet.kubeconfig, k3s built-in
/// /var/lib/rancher/k3s/agent/kubelet.kubeconfig), plus the STIG's
/// /etc/kubernetes/kubelet.conf when it exists. A running kubelet without
/// `--kubeconfig` (standalone) is Not_Applicable.
pub fn cntr_k8_003190(node: &Node) -> Verdict {
    kubelet_kubeconfig_rule(node, Want::Mode644)
}

/// CNTR-K8-003200 (V-242453): the kubelet kubeconfig is owned by root:root.
/// Same files as CNTR-K8-003190.
pub fn cntr_k8_003200(node: &Node) -> Verdict {
    kubelet_kubeconfig_rule(node, Want::RootOwner)
}

// ---------------------------------------------------------------------------
// Kubelet systemd drop-ins (kubeadm's 10-kubeadm.conf): CNTR-K8-003210, 003220
// ---------------------------------------------------------------------------

fn kubelet_dropins_rule(node: &Node, want: Want) -> Verdict {
    if let Some(v) = unknown_node(node) {
        return v;
    }
    let mut parts = Vec::new();
    let mut judged = 0;
    for dir in KUBELET_DROPIN_DIRS {
        parts.extend(collection_error_parts(node, dir));
        for rec in node.files_in(dir) {
            if !rec.path.ends_with(".conf") || rec.file_type == FileType::Dir {
                continue;
            }
            if rec.file_type == FileType::Symlink && rec.target.as_deref() == Some("/dev/null") {
                parts.push(Verdict::na(format!(
                    "{} -> /dev/null: a masked drop-in, systemd does not read it",
                    rec.path
                )));
                continue;
            }
            judged += 1;
            parts.push(judge_entry(node, rec, want));
        }
    }
    let looked = KUBELET_DROPIN_DIRS.join(", ");
    if judged == 0 && !parts.iter().any(|p| p.status == Status::NotReviewed) {
        return match node.distro {
            Distro::Rke2 | Distro::K3s => Verdict::na(format!(
                "Not a kubeadm node ({} starts the kubelet itself) and no kubelet.service.d drop-in is present (looked in {looked}).",
                node.distro.name()
            )),
            Distro::Kubeadm => Verdict::not_reviewed(format!(
                "kubeadm node, but no kubelet systemd drop-in (10-kubeadm.conf) is in the bundle (looked in {looked}); confirm with `systemctl status kubelet`."
            )),
            Distro::Unknown => Verdict::not_reviewed(format!(
                "No kubelet systemd drop-in is in the bundle (looked in {looked}) and the distribution is unknown; confirm with `systemctl status kubelet`."
            )),
        };
    }
    let v = with_header(
        combine(parts),
        &format!("kubelet systemd drop-ins (*.conf in {looked})"),
    );
    fix_comment(v, &want.fix("each kubelet systemd drop-in"))
}

/// CNTR-K8-003210 (V-242454): the kubelet systemd drop-ins (kubeadm's
/// 10-kubeadm.conf) are owned by root:root.
///
/// Every `kubelet.service.d/*.conf` under /etc/systemd/system,
/// /usr/lib/systemd/system (where the deb/rpm packages install it) and
/// /lib/systemd/system; a drop-in masked to /dev/null is ignored. No drop-in
/// on an RKE2/k3s node is Not_Applicable; on kubeadm it is Not_Reviewed.
pub fn cntr_k8_003210(node: &Node) -> Verdict {
    kubelet_dropins_rule(node, Want::RootOwner)
}

/// CNTR-K8-003220 (V-242455): the kubelet systemd drop-ins have mode 0644 or
/// more restrictive. Same files as CNTR-K8-003210.
pub fn cntr_k8_003220(node: &Node) -> Verdict {
    kubelet_dropins_rule(node, Want::Mode644)
}

// ---------------------------------------------------------------------------
// kube-proxy kubeconfig: CNTR-K8-003140, 003150
// ---------------------------------------------------------------------------

/// A path named by one kube-proxy source (process, manifest, k3s).
fn kube_proxy_path<'b>(
    node: &Node<'b>,
    pid: Option<u32>,
    sp: Option<&StaticPod>,
    path: &str,
    origin: String,
) -> Named<'b> {
    match (pid, sp) {
        (Some(pid), _) => process_path(node, pid, sp, path, origin),
        (None, Some(sp)) => manifest_path(node, sp, path, origin),
        (None, None) => Named::host(node, path, origin),
    }
}

/// The kubeconfig(s) one kube-proxy source uses: `--kubeconfig`, and the
/// `clientConnection.kubeconfig` of its `--config` file (both when both are
/// given). Problems and "in-cluster" notes go to `notes`.
fn kube_proxy_source<'b>(
    node: &Node<'b>,
    pid: Option<u32>,
    sp: Option<&StaticPod>,
    flags: &FlagSet,
    label: &str,
    named: &mut Vec<Named<'b>>,
    notes: &mut Vec<Verdict>,
) {
    let mut has_kubeconfig = false;
    if let Some((f, v)) = flag_value(flags, "kubeconfig") {
        named.push(kube_proxy_path(
            node,
            pid,
            sp,
            v,
            format!("{label} {}", f.cite()),
        ));
        has_kubeconfig = true;
    }
    let Some((f, cfg_path)) = flag_value(flags, "config") else {
        if !has_kubeconfig {
            notes.push(Verdict::na(format!(
                "{label}: neither --kubeconfig nor --config: kube-proxy uses in-cluster service-account credentials, so it has no kubeconfig file"
            )));
        }
        return;
    };
    let cfg = kube_proxy_path(node, pid, sp, cfg_path, format!("{label} {}", f.cite()));
    let Some(rec) = cfg.rec else {
        notes.push(Verdict::not_reviewed(format!(
            "{}: the kube-proxy config file {} is not in the bundle{}, so its clientConnection.kubeconfig cannot be read",
            cfg.origin, cfg.path, cfg.missing
        )));
        return;
    };
    let Some(text) = node.text_of(rec) else {
        notes.push(Verdict::not_reviewed(format!(
            "{}: the content of the kube-proxy config file {} was not captured, so its clientConnection.kubeconfig cannot be read",
            cfg.origin,
            describe_file(rec)
        )));
        return;
    };
    let value = match yaml::parse(text) {
        Ok(v) => v,
        Err(e) => {
            notes.push(Verdict::not_reviewed(format!(
                "{}: the kube-proxy config file {} cannot be parsed: {e}",
                cfg.origin, rec.path
            )));
            return;
        }
    };
    let kubeconfig = yaml::get(&value, &["clientConnection", "kubeconfig"])
        .and_then(yaml::scalar)
        .filter(|s| !s.trim().is_empty());
    match kubeconfig {
        Some(kc) => {
            let line = yaml::key_line(text, "kubeconfig")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            named.push(kube_proxy_path(
                node,
                pid,
                sp,
                kc.trim(),
                format!(
                    "clientConnection.kubeconfig in {}{line} (named by {label} {})",
                    cfg.path,
                    f.cite()
                ),
            ));
        }
        None if !has_kubeconfig => notes.push(Verdict::na(format!(
            "{}: {} sets no clientConnection.kubeconfig: kube-proxy uses in-cluster service-account credentials, so it has no kubeconfig file",
            cfg.origin, rec.path
        ))),
        None => {}
    }
}

/// The kube-proxy kubeconfig(s) of this node, or the verdict of the whole
/// rule when kube-proxy does not run or cannot be seen.
fn kube_proxy_kubeconfigs<'b>(node: &Node<'b>) -> Result<(Vec<Named<'b>>, Vec<Verdict>), Verdict> {
    if let Some(v) = unknown_node(node) {
        return Err(v);
    }
    let no_procs: &[(u32, FlagSet)] = &[];
    let procs = node
        .components
        .get(KUBE_PROXY)
        .map(|c| c.processes.as_slice())
        .unwrap_or(no_procs);
    let sp = node.static_pod(KUBE_PROXY);
    let k3s: Vec<&ProcessRecord> = if node.distro == Distro::K3s {
        let mut v = node.processes("k3s-server");
        v.extend(node.processes("k3s-agent"));
        v
    } else {
        Vec::new()
    };
    if procs.is_empty() && sp.is_none() && k3s.is_empty() {
        return Err(if node.manifest.processes.is_empty() {
            Verdict::not_reviewed(
                "The bundle holds no running processes (taken from a mounted image?) and no kube-proxy static pod: whether kube-proxy runs cannot be seen. Check `ps -ef | grep kube-proxy` on the node.",
            )
        } else {
            Verdict::na(format!(
                "kube-proxy does not run on this node: no kube-proxy process among the {} recorded and no kube-proxy static pod (the CNI may replace it).",
                node.manifest.processes.len()
            ))
        });
    }
    let mut named = Vec::new();
    let mut notes = Vec::new();
    for (pid, flags) in procs {
        kube_proxy_source(
            node,
            Some(*pid),
            sp,
            flags,
            &format!("running kube-proxy pid {pid}"),
            &mut named,
            &mut notes,
        );
    }
    if let Some(sp) = sp {
        kube_proxy_source(
            node,
            None,
            Some(sp),
            &sp.flags,
            &format!("manifest {}", sp.path),
            &mut named,
            &mut notes,
        );
    }
    for p in k3s {
        match distro_option(node, p, "disable-kube-proxy") {
            Some((v, src)) if v == "true" => notes.push(Verdict::na(format!(
                "k3s pid {} runs with disable-kube-proxy ({src}): kube-proxy does not run inside k3s",
                p.pid
            ))),
            _ => named.push(Named::host(
                node,
                K3S_KUBE_PROXY_KUBECONFIG,
                format!(
                    "k3s built-in kube-proxy kubeconfig (kube-proxy runs inside k3s pid {})",
                    p.pid
                ),
            )),
        }
    }
    Ok((dedup(named), notes))
}

fn kube_proxy_rule(node: &Node, want: Want) -> Verdict {
    let (named, mut parts) = match kube_proxy_kubeconfigs(node) {
        Ok(found) => found,
        Err(v) => return v,
    };
    for n in &named {
        parts.push(judge_named(n, want));
    }
    fix_comment(combine(parts), &want.fix("the kube-proxy kubeconfig"))
}

/// CNTR-K8-003140 (V-242447): the kube-proxy kubeconfig has mode 0644 or more
/// restrictive.
///
/// Path: each running kube-proxy's `--kubeconfig`, and the
/// `clientConnection.kubeconfig` of its `--config` file (kubeadm's DaemonSet:
/// both paths are inside the container, read through /proc/<pid>/root); the
/// RKE2 static pod's flag mapped through its hostPath volumes; k3s's built-in
/// /var/lib/rancher/k3s/agent/kubeproxy.kubeconfig. kube-proxy not running:
/// Not_Applicable; no process evidence at all: Not_Reviewed; in-cluster
/// credentials (no kubeconfig): Not_Applicable.
pub fn cntr_k8_003140(node: &Node) -> Verdict {
    kube_proxy_rule(node, Want::Mode644)
}

/// CNTR-K8-003150 (V-242448): the kube-proxy kubeconfig is owned by
/// root:root. Same files as CNTR-K8-003140.
pub fn cntr_k8_003150(node: &Node) -> Verdict {
    kube_proxy_rule(node, Want::RootOwner)
}

// ---------------------------------------------------------------------------
// Kubelet client CA file: CNTR-K8-003160, 003170
// ---------------------------------------------------------------------------

fn kubelet_client_ca_rule(node: &Node, want: Want) -> Verdict {
    if let Some(v) = unknown_node(node) {
        return v;
    }
    let Some(k) = &node.kubelet else {
        return no_kubelet(node);
    };
    let mut parts = Vec::new();
    let flag = k
        .flag("client-ca-file")
        .or_else(|| k.unit_flags.get("client-ca-file"));
    if let Some(f) = flag {
        parts.push(Verdict::open(format!(
            "kubelet sets {}: the STIG makes the command-line option itself a finding (set authentication.x509.clientCAFile in the config file instead)",
            f.cite()
        )));
    }
    match k.config_value(&["authentication", "x509", "clientCAFile"]) {
        Some((value, source)) => match yaml::scalar(&value).filter(|s| !s.trim().is_empty()) {
            Some(path) => {
                // The kubelet resolves relative paths against its config file's directory.
                let path = path.trim();
                let path = match &source {
                    Source::File { path: cfg, .. } if !path.starts_with('/') => {
                        format!("{}/{path}", parent_dir(cfg))
                    }
                    _ => path.to_string(),
                };
                let n = Named::host(
                    node,
                    &path,
                    format!("kubelet config authentication.x509.clientCAFile ({source})"),
                );
                parts.push(judge_named(&n, want));
            }
            None => parts.push(Verdict::na(format!(
                "kubelet config authentication.x509.clientCAFile ({source}) is empty: there is no client CA file to check (CNTR-K8-001420 reports the missing client CA)"
            ))),
        },
        None if flag.is_some() => {}
        None if !k.problems.is_empty() || k.pids.is_empty() => parts.push(Verdict::not_reviewed(
            "authentication.x509.clientCAFile is not in the kubelet configuration the evidence shows, and that configuration is incomplete or was not read from a running kubelet",
        )),
        None => parts.push(Verdict::na(
            "The kubelet configuration sets no authentication.x509.clientCAFile: there is no client CA file to check (CNTR-K8-001420 reports the missing client CA)",
        )),
    }
    let v = with_header(combine(parts), &k.describe());
    fix_comment(
        v,
        &format!(
            "Remove --client-ca-file from the kubelet command line and set authentication.x509.clientCAFile in the config file. {}",
            want.fix("the client CA file")
        ),
    )
}

/// CNTR-K8-003160 (V-242449): the kubelet client CA file has mode 0644 or
/// more restrictive, and the kubelet does not use `--client-ca-file`.
///
/// `--client-ca-file` on the running kubelet or in its unit/env files is Open
/// by its mere presence. Else the file named by the effective config
/// `authentication.x509.clientCAFile` (config file and drop-ins; k3s:
/// /var/lib/rancher/k3s/agent/client-ca.crt from its drop-in) is judged. No
/// client CA configured on a running kubelet: Not_Applicable (CNTR-K8-001420
/// is the finding).
pub fn cntr_k8_003160(node: &Node) -> Verdict {
    kubelet_client_ca_rule(node, Want::Mode644)
}

/// CNTR-K8-003170 (V-242450): the kubelet client CA file is owned by
/// root:root, and the kubelet does not use `--client-ca-file`. Same
/// evidence as CNTR-K8-003160.
pub fn cntr_k8_003170(node: &Node) -> Verdict {
    kubelet_client_ca_rule(node, Want::RootOwner)
}

// ---------------------------------------------------------------------------
// Control-plane kubeconfigs: CNTR-K8-003130, 003270
// ---------------------------------------------------------------------------

/// The admin kubeconfig(s) of this control plane.
fn admin_kubeconfigs<'b>(node: &Node<'b>, named: &mut Vec<Named<'b>>, comments: &mut Vec<String>) {
    let kubeadm_admin = "/etc/kubernetes/admin.conf";
    // kubeadm >= 1.29 also writes super-admin.conf (bound to system:masters,
    // a break-glass credential). The STIG does not name it; it is checked too
    // because it is the most privileged kubeconfig on the node.
    let kubeadm_super = "/etc/kubernetes/super-admin.conf";
    match node.distro {
        Distro::Kubeadm | Distro::Unknown => {
            named.push(Named::host(
                node,
                kubeadm_admin,
                "kubeadm admin kubeconfig (the STIG's path)",
            ));
        }
        Distro::Rke2 | Distro::K3s => {
            let (default, cred) = if node.distro == Distro::Rke2 {
                (
                    "/etc/rancher/rke2/rke2.yaml",
                    "/var/lib/rancher/rke2/server/cred/admin.kubeconfig",
                )
            } else {
                (
                    "/etc/rancher/k3s/k3s.yaml",
                    "/var/lib/rancher/k3s/server/cred/admin.kubeconfig",
                )
            };
            let server = match node.distro {
                Distro::Rke2 => node.processes("rke2-server").first().copied(),
                _ => node.processes("k3s-server").first().copied(),
            };
            let written = server.and_then(|s| distro_option(node, s, "write-kubeconfig"));
            match written {
                Some((path, src)) => named.push(Named::host(
                    node,
                    &path,
                    format!(
                        "{} admin kubeconfig (write-kubeconfig, {src})",
                        node.distro.name()
                    ),
                )),
                None => named.push(Named::host(
                    node,
                    default,
                    format!("{} admin kubeconfig (default path)", node.distro.name()),
                )),
            }
            if node.lfile(cred).is_some() {
                named.push(Named::host(
                    node,
                    cred,
                    format!("{} server admin credential", node.distro.name()),
                ));
            }
            if node.lfile(kubeadm_admin).is_some() {
                named.push(Named::host(node, kubeadm_admin, "the STIG's path"));
            }
        }
    }
    if node.lfile(kubeadm_super).is_some() {
        named.push(Named::host(
            node,
            kubeadm_super,
            "kubeadm super-admin kubeconfig (not named by the STIG)",
        ));
        comments.push(
            "kubeadm 1.29+ writes /etc/kubernetes/super-admin.conf, a system:masters credential the STIG does not name; it is held to the same requirement here.".to_string(),
        );
    }
}

fn control_plane_kubeconfigs_rule(node: &Node, want: Want) -> Verdict {
    if let Some(v) = control_plane_only(node) {
        return v;
    }
    let mut named = Vec::new();
    let mut parts = Vec::new();
    let mut comments = Vec::new();
    admin_kubeconfigs(node, &mut named, &mut comments);
    let components = [
        (
            SCHEDULER,
            "/etc/kubernetes/scheduler.conf",
            "/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
            "/var/lib/rancher/k3s/server/cred/scheduler.kubeconfig",
        ),
        (
            CONTROLLER_MANAGER,
            "/etc/kubernetes/controller-manager.conf",
            "/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
            "/var/lib/rancher/k3s/server/cred/controller.kubeconfig",
        ),
    ];
    for (comp, kubeadm, rke2, k3s) in components {
        let from_flags = component_flag_files(node, comp, "kubeconfig");
        if !from_flags.is_empty() {
            named.extend(from_flags);
        } else if node.has_component(comp) {
            let default = match node.distro {
                Distro::Rke2 => rke2,
                Distro::K3s => k3s,
                Distro::Kubeadm | Distro::Unknown => kubeadm,
            };
            named.push(Named::host(
                node,
                default,
                format!(
                    "{} default {comp} kubeconfig (no --kubeconfig in the {comp} evidence)",
                    node.distro.name()
                ),
            ));
        } else {
            parts.push(Verdict::na(format!(
                "{comp} does not run on this node: no kubeconfig of its own to check"
            )));
        }
        if node.lfile(kubeadm).is_some() {
            named.push(Named::host(
                node,
                kubeadm,
                format!("the STIG's path {kubeadm}"),
            ));
        }
    }
    for n in &dedup(named) {
        parts.push(judge_named(n, want));
    }
    let mut v = fix_comment(
        combine(parts),
        &want.fix("the admin, scheduler and controller-manager kubeconfigs"),
    );
    for c in comments {
        v = v.comment(c);
    }
    v
}

/// CNTR-K8-003130 (V-242446): the admin, scheduler and controller-manager
/// kubeconfigs are owned by root:root.
///
/// Paths: the kube-scheduler and kube-controller-manager `--kubeconfig`
/// flags (mapped through their hostPath volumes; distribution default when
/// no flag), the admin kubeconfig (kubeadm /etc/kubernetes/admin.conf, RKE2
/// /etc/rancher/rke2/rke2.yaml, k3s /etc/rancher/k3s/k3s.yaml or their
/// write-kubeconfig option), kubeadm's super-admin.conf when present, and the
/// STIG's kubeadm paths when they exist. A missing file is Not_Reviewed.
pub fn cntr_k8_003130(node: &Node) -> Verdict {
    control_plane_kubeconfigs_rule(node, Want::RootOwner)
}

/// CNTR-K8-003270 (V-242460): the admin, scheduler and controller-manager
/// kubeconfigs have mode 0644 or more restrictive. Same files as
/// CNTR-K8-003130.
pub fn cntr_k8_003270(node: &Node) -> Verdict {
    control_plane_kubeconfigs_rule(node, Want::Mode644)
}

// ---------------------------------------------------------------------------
// PKI: CNTR-K8-003180, 003330, 003340
// ---------------------------------------------------------------------------

/// A PKI directory, why it is one, and whether it must be in the bundle.
struct PkiDir {
    dir: String,
    origin: String,
    required: bool,
}

/// The PKI directories: the distribution's, and the directory of every
/// certificate/key file the kube-apiserver names (mapped to the host),
/// nested directories folded into their parent.
fn pki_dirs(node: &Node) -> Vec<PkiDir> {
    let mut from_flags: Vec<(String, String)> = Vec::new();
    if let Some(comp) = node.components.get(APISERVER) {
        let sp = node.static_pod(APISERVER);
        let mut sources: Vec<(String, &FlagSet, bool)> = Vec::new();
        if let Some(sp) = sp {
            sources.push((format!("manifest {}", sp.path), &sp.flags, true));
        }
        for (pid, flags) in &comp.processes {
            sources.push((
                format!("running kube-apiserver pid {pid}"),
                flags,
                sp.is_some(),
            ));
        }
        if let Some((label, flags)) = &comp.distro_args {
            sources.push((label.clone(), flags, false));
        }
        for (label, flags, containerised) in sources {
            for flag in APISERVER_PKI_FLAGS {
                let Some((f, v)) = flag_value(flags, flag) else {
                    continue;
                };
                let host = match (containerised, sp) {
                    (true, Some(sp)) => mounted_host_path(sp, v),
                    _ => Some(normalize(v)),
                };
                let Some(host) = host else { continue };
                let dir = parent_dir(&host);
                let system = SYSTEM_TRUST_DIRS
                    .iter()
                    .any(|s| dir == *s || dir.starts_with(&format!("{s}/")));
                if system || dir == "/" {
                    continue;
                }
                let origin = format!("{label} {}", f.cite());
                match from_flags.iter_mut().find(|(d, _)| *d == dir) {
                    Some(_) => {}
                    None => from_flags.push((dir, origin)),
                }
            }
        }
    }
    let default = match node.distro {
        Distro::Rke2 => "/var/lib/rancher/rke2/server/tls",
        Distro::K3s => "/var/lib/rancher/k3s/server/tls",
        Distro::Kubeadm | Distro::Unknown => "/etc/kubernetes/pki",
    };
    let mut all: Vec<PkiDir> = vec![PkiDir {
        dir: default.to_string(),
        origin: format!("{} PKI directory", node.distro.name()),
        required: from_flags.is_empty(),
    }];
    for (dir, origin) in from_flags {
        match all.iter_mut().find(|p| p.dir == dir) {
            Some(p) => {
                p.required = true;
                p.origin = format!("{}; directory of {origin}", p.origin);
            }
            None => all.push(PkiDir {
                dir,
                origin: format!("directory of {origin}"),
                required: true,
            }),
        }
    }
    // Fold /etc/kubernetes/pki/etcd into /etc/kubernetes/pki.
    let dirs: Vec<String> = all.iter().map(|p| p.dir.clone()).collect();
    let mut out: Vec<PkiDir> = Vec::new();
    for p in all {
        let nested = dirs
            .iter()
            .any(|d| *d != p.dir && p.dir.starts_with(&format!("{}/", d.trim_end_matches('/'))));
        if nested {
            if let Some(parent) = out.iter_mut().find(|q| {
                p.dir
                    .starts_with(&format!("{}/", q.dir.trim_end_matches('/')))
            }) {
                parent.required |= p.required;
            }
            continue;
        }
        out.push(p);
    }
    out
}

/// Every entry of the PKI directories (the directories themselves first),
/// with a header, and Not_Reviewed parts for what should be there but is not.
fn pki_entries<'b>(
    node: &Node<'b>,
) -> Result<(Vec<&'b FileRecord>, String, Vec<Verdict>), Verdict> {
    if let Some(v) = control_plane_only(node) {
        return Err(v);
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut shown = Vec::new();
    let mut any = false;
    for p in pki_dirs(node) {
        let real = real_dir(node, &p.dir);
        if !dir_present(node, &real) {
            if p.required {
                problems.push(Verdict::not_reviewed(format!(
                    "PKI directory {} ({}) is not in the bundle{}",
                    p.dir,
                    p.origin,
                    missing_hint(node, &p.dir)
                )));
            }
            shown.push(format!("{} ({}; not in the bundle)", p.dir, p.origin));
            continue;
        }
        any = true;
        problems.extend(collection_error_parts(node, &real));
        if let Some(d) = node.lfile(&real) {
            entries.push(d);
        }
        entries.extend(node.files_under(&real));
        shown.push(format!("{} ({})", p.dir, p.origin));
    }
    let header = format!("PKI directories: {}", shown.join(", "));
    if !any {
        return Err(Verdict::not_reviewed(format!(
            "No PKI directory of this control-plane node is in the bundle. {header}"
        )));
    }
    Ok((entries, header, problems))
}

/// What a PKI file holds, from its name and (for `.pem`) its captured text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PkiKind {
    Certificate,
    Key,
    /// `.pem` whose content was not captured.
    UnknownPem,
    Other,
}

fn pki_kind(node: &Node, rec: &FileRecord) -> PkiKind {
    let name = file_name(&rec.path).to_ascii_lowercase();
    if name.ends_with(".crt") {
        return PkiKind::Certificate;
    }
    if name.ends_with(".key") {
        return PkiKind::Key;
    }
    if !name.ends_with(".pem") {
        return PkiKind::Other;
    }
    let target = if rec.file_type == FileType::Symlink {
        node.file(&rec.path)
    } else {
        Some(rec)
    };
    match target.and_then(|t| node.text_of(t)) {
        Some(text) if text.contains("PRIVATE KEY") => PkiKind::Key,
        Some(text) if text.contains("BEGIN CERTIFICATE") => PkiKind::Certificate,
        Some(_) => PkiKind::Other,
        None => PkiKind::UnknownPem,
    }
}

fn pki_files_rule(node: &Node, kind: PkiKind, want: Want, what: &str) -> Verdict {
    let (entries, header, mut parts) = match pki_entries(node) {
        Ok(found) => found,
        Err(v) => return v,
    };
    let mut judged = 0;
    for rec in entries {
        if rec.file_type == FileType::Dir {
            continue;
        }
        let k = pki_kind(node, rec);
        if k == kind {
            judged += 1;
            parts.push(judge_entry(node, rec, want));
        } else if k == PkiKind::UnknownPem {
            parts.push(Verdict::na(format!(
                "{}: a .pem file whose content was not captured, so whether it is a certificate or a key is unknown (not judged)",
                describe_file(rec)
            )));
        }
    }
    if judged == 0 {
        parts.push(Verdict::not_reviewed(format!(
            "No {what} file is in the PKI directories of the bundle; the collector may not have listed them"
        )));
    }
    let v = with_header(combine_capped(parts), &header);
    fix_comment(v, &want.fix(&format!("each {what} file")))
}

/// CNTR-K8-003180 (V-242451): everything in the PKI directories, files and
/// directories (the directories themselves included), is owned by root:root.
///
/// Directories: kubeadm /etc/kubernetes/pki, RKE2
/// /var/lib/rancher/rke2/server/tls, k3s /var/lib/rancher/k3s/server/tls,
/// plus the directory of every certificate/key flag of the kube-apiserver
/// (system trust stores excluded). Entries are judged as `ls -laR` shows them
/// (symlinks themselves, not their targets).
pub fn cntr_k8_003180(node: &Node) -> Verdict {
    let (entries, header, mut parts) = match pki_entries(node) {
        Ok(found) => found,
        Err(v) => return v,
    };
    for rec in entries {
        parts.push(Want::RootOwner.judge(rec));
    }
    let v = with_header(combine_capped(parts), &header);
    fix_comment(
        v,
        &Want::RootOwner.fix("the PKI directory and everything in it (chown -R)"),
    )
}

/// CNTR-K8-003330 (V-242466): every certificate in the PKI directories has
/// mode 0644 or more restrictive.
///
/// Certificates: `*.crt`, and `*.pem` whose captured text holds a
/// certificate (a `.pem` whose content was withheld is listed, not judged).
/// Directories as for CNTR-K8-003180; symlinks judged by their target.
pub fn cntr_k8_003330(node: &Node) -> Verdict {
    pki_files_rule(
        node,
        PkiKind::Certificate,
        Want::Mode644,
        "certificate (*.crt, certificate *.pem)",
    )
}

/// CNTR-K8-003340 (V-242467): every private key in the PKI directories has
/// mode 0600 or more restrictive.
///
/// Keys: `*.key` (contents are withheld from bundles; the metadata is
/// there), and `*.pem` whose captured text holds a private key. Directories
/// as for CNTR-K8-003180.
pub fn cntr_k8_003340(node: &Node) -> Verdict {
    pki_files_rule(node, PkiKind::Key, Want::Mode600, "private key (*.key)")
}

// ---------------------------------------------------------------------------
// etcd data: CNTR-K8-003120, 003260
// ---------------------------------------------------------------------------

/// The etcd data directory named by one etcd source: `--data-dir`, else the
/// `data-dir` of its `--config-file`. `map` turns a path the component sees
/// into a host path (None: inside the container image).
fn etcd_source_dir(
    node: &Node,
    label: &str,
    flags: &FlagSet,
    map: &dyn Fn(&str) -> Option<String>,
    dirs: &mut Vec<(String, String)>,
    problems: &mut Vec<String>,
) {
    if let Some((f, v)) = flag_value(flags, "data-dir") {
        match map(v) {
            Some(host) => {
                let how = if host == normalize(v) {
                    String::new()
                } else {
                    format!(", host path {host}")
                };
                dirs.push((host, format!("{label} {}{how}", f.cite())));
            }
            None => problems.push(format!(
                "{label} {}: no hostPath volume covers it (inside the container image)",
                f.cite()
            )),
        }
        return;
    }
    let Some((f, cfg)) = flag_value(flags, "config-file") else {
        return;
    };
    let Some(host_cfg) = map(cfg) else {
        problems.push(format!(
            "{label} {}: the config file is inside the container image",
            f.cite()
        ));
        return;
    };
    let Some(text) = node.content(&host_cfg) else {
        problems.push(format!(
            "{label} {}: the etcd config file {host_cfg} is not in the bundle or its content was not captured",
            f.cite()
        ));
        return;
    };
    let value = match yaml::parse(text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!(
                "{label} {}: {host_cfg} cannot be parsed: {e}",
                f.cite()
            ));
            return;
        }
    };
    let Some(dd) = value
        .get("data-dir")
        .and_then(yaml::scalar)
        .filter(|s| !s.trim().is_empty())
    else {
        problems.push(format!("{label} {}: {host_cfg} sets no data-dir", f.cite()));
        return;
    };
    match map(dd.trim()) {
        Some(host) => dirs.push((
            host,
            format!(
                "data-dir in {host_cfg}:{} ({label} {})",
                yaml::key_line(text, "data-dir").unwrap_or(0),
                f.cite()
            ),
        )),
        None => problems.push(format!(
            "data-dir {dd} in {host_cfg}: no hostPath volume covers it (inside the container image)"
        )),
    }
}

/// The etcd data directories of this node, or the verdict of the whole rule.
fn etcd_data_dirs(node: &Node) -> Result<Vec<(String, String)>, Verdict> {
    if let Some(v) = control_plane_only(node) {
        return Err(v);
    }
    if !node.has_component(ETCD) {
        return Err(component_absent(node, ETCD));
    }
    let mut dirs: Vec<(String, String)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    if let Some(comp) = node.components.get(ETCD) {
        let sp = node.static_pod(ETCD);
        let container = |p: &str| match sp {
            Some(sp) => mounted_host_path(sp, p),
            None => Some(normalize(p)),
        };
        if let Some(sp) = sp {
            etcd_source_dir(
                node,
                &format!("manifest {}", sp.path),
                &sp.flags,
                &container,
                &mut dirs,
                &mut problems,
            );
        }
        for (pid, flags) in &comp.processes {
            etcd_source_dir(
                node,
                &format!("running etcd pid {pid}"),
                flags,
                &container,
                &mut dirs,
                &mut problems,
            );
        }
        if let Some((label, flags)) = &comp.distro_args {
            let host = |p: &str| Some(normalize(p));
            etcd_source_dir(node, label, flags, &host, &mut dirs, &mut problems);
        }
    }
    if dirs.is_empty() {
        let default = match node.distro {
            Distro::Rke2 => Some("/var/lib/rancher/rke2/server/db/etcd"),
            Distro::K3s => Some("/var/lib/rancher/k3s/server/db/etcd"),
            Distro::Kubeadm | Distro::Unknown => None,
        };
        let Some(d) = default else {
            let why = if problems.is_empty() {
                String::new()
            } else {
                format!(" ({})", problems.join("; "))
            };
            return Err(Verdict::not_reviewed(format!(
                "The etcd data directory cannot be located: no --data-dir in the etcd evidence{why}."
            )));
        };
        dirs.push((
            d.to_string(),
            format!(
                "{} default etcd data directory (not named in the evidence)",
                node.distro.name()
            ),
        ));
    }
    if node.distro == Distro::K3s
        && !dirs.iter().any(|(d, _)| dir_present(node, d))
        && node.lfile(K3S_STATE_DB).is_some()
    {
        return Err(Verdict::na(format!(
            "k3s keeps cluster state in its SQLite datastore ({K3S_STATE_DB}), not in embedded etcd: there is no etcd data directory."
        )));
    }
    let mut merged: Vec<(String, String)> = Vec::new();
    for (d, origin) in dirs {
        let d = normalize(&d);
        match merged.iter_mut().find(|(m, _)| *m == d) {
            Some(prev) => {
                if !prev.1.contains(&origin) {
                    prev.1 = format!("{}; also {origin}", prev.1);
                }
            }
            None => merged.push((d, origin)),
        }
    }
    Ok(merged)
}

/// Walk the etcd data directories: `judge` decides each entry below them.
fn etcd_rule(node: &Node, judge: &dyn Fn(&FileRecord) -> Option<Verdict>, fix: &str) -> Verdict {
    let dirs = match etcd_data_dirs(node) {
        Ok(d) => d,
        Err(v) => return v,
    };
    let mut parts = Vec::new();
    let mut shown = Vec::new();
    for (dir, origin) in &dirs {
        shown.push(format!("{dir} ({origin})"));
        let real = real_dir(node, dir);
        if !dir_present(node, &real) {
            parts.push(Verdict::not_reviewed(format!(
                "etcd data directory {dir} ({origin}) is not in the bundle{}",
                missing_hint(node, dir)
            )));
            continue;
        }
        parts.extend(collection_error_parts(node, &real));
        if let Some(d) = node.lfile(&real) {
            parts.push(Verdict::na(format!(
                "information: the data directory itself: {}",
                describe_file(d)
            )));
        }
        let mut judged = 0;
        for rec in node.files_under(&real) {
            if let Some(v) = judge(rec) {
                if v.status != Status::NotApplicable {
                    judged += 1;
                }
                parts.push(v);
            }
        }
        if judged == 0 {
            parts.push(Verdict::not_reviewed(format!(
                "no entry below {dir} is in the bundle to judge; the collector may not have listed it"
            )));
        }
    }
    let v = with_header(
        combine_capped(parts),
        &format!("etcd data directories: {}", shown.join(", ")),
    );
    fix_comment(v, fix)
}

/// CNTR-K8-003120 (V-242445): every entry below the etcd data directory is
/// owned by etcd:etcd.
///
/// Data directory: etcd's `--data-dir` (or the `data-dir` of its
/// `--config-file`, as RKE2 does) from the manifest and process views,
/// mapped through the static pod's hostPath volumes; RKE2/k3s default when
/// not named. Every entry below it (recursive; the literal check covers the
/// top level only) is compared by the owner NAMES from the node's
/// /etc/passwd and /etc/group; an entry whose names are unknown is
/// Not_Reviewed. Stock kubeadm runs etcd as root, so this is commonly Open.
pub fn cntr_k8_003120(node: &Node) -> Verdict {
    let judge = |rec: &FileRecord| -> Option<Verdict> {
        let what = describe_file(rec);
        Some(match (rec.user.as_deref(), rec.group.as_deref()) {
            (Some("etcd"), Some("etcd")) => Verdict::pass(format!("{what}: owned by etcd:etcd, as required")),
            (Some(_), Some(_)) => Verdict::open(format!("{what}: must be owned by etcd:etcd")),
            _ => Verdict::not_reviewed(format!(
                "{what}: the owner names are not known (uid/gid not listed in the node's /etc/passwd or /etc/group), so etcd:etcd cannot be confirmed"
            )),
        })
    };
    etcd_rule(
        node,
        &judge,
        "Create an etcd user and group, run etcd as that user and chown -R etcd:etcd the data directory.",
    )
}

/// CNTR-K8-003260 (V-242459): the etcd data files have mode 0644 or more
/// restrictive.
///
/// Reading of an ambiguous check (`ls -AR` prints no modes): regular files
/// below the data directory (recursive) must be 0644 or more restrictive;
/// directories need their execute bit (etcd creates them 0700) and are
/// listed as information only. Data directory as for CNTR-K8-003120.
pub fn cntr_k8_003260(node: &Node) -> Verdict {
    let judge = |rec: &FileRecord| -> Option<Verdict> {
        match rec.file_type {
            FileType::File => Some(Want::Mode644.judge(rec)),
            FileType::Dir => Some(Verdict::na(format!(
                "information: directory {} (directories keep their execute bit; not judged)",
                describe_file(rec)
            ))),
            _ => Some(Verdict::na(format!(
                "information: {} is not a regular file (not judged)",
                describe_file(rec)
            ))),
        }
    };
    etcd_rule(
        node,
        &judge,
        &Want::Mode644.fix("each file below the etcd data directory"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{assert_status, run, tb, worker, TestBundle, MANIFESTS};
    use collector::bundle::VerifiedBundle;
    use collector::manifest::Content;

    const KUBELET_CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n";
    const PKI: &str = "/etc/kubernetes/pki";

    /// A static pod manifest with hostPath volumes `(hostPath, mountPath)`.
    fn pod(component: &str, flags: &[&str], mounts: &[(&str, &str)]) -> String {
        let mut y = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {component}\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n  - name: {component}\n    image: registry.k8s.io/{component}:v1.30.4\n    command:\n    - {component}\n"
        );
        for f in flags {
            y.push_str(&format!("    - {f}\n"));
        }
        if !mounts.is_empty() {
            y.push_str("    volumeMounts:\n");
            for (i, (_, m)) in mounts.iter().enumerate() {
                y.push_str(&format!("    - name: v{i}\n      mountPath: {m}\n"));
            }
            y.push_str("  volumes:\n");
            for (i, (h, _)) in mounts.iter().enumerate() {
                y.push_str(&format!("  - name: v{i}\n    hostPath:\n      path: {h}\n"));
            }
        }
        y
    }

    /// A compliant kubeadm control-plane node.
    fn cp() -> TestBundle {
        tb().file(
            &format!("{MANIFESTS}/kube-apiserver.yaml"),
            &pod(
                "kube-apiserver",
                &[
                    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
                    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
                    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
                    "--etcd-servers=https://127.0.0.1:2379",
                ],
                &[
                    ("/etc/kubernetes/pki", "/etc/kubernetes/pki"),
                    ("/etc/ssl/certs", "/etc/ssl/certs"),
                ],
            ),
        )
        .file(
            &format!("{MANIFESTS}/etcd.yaml"),
            &pod(
                "etcd",
                &[
                    "--data-dir=/var/lib/etcd",
                    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                ],
                &[
                    ("/var/lib/etcd", "/var/lib/etcd"),
                    ("/etc/kubernetes/pki/etcd", "/etc/kubernetes/pki/etcd"),
                ],
            ),
        )
        .file(
            &format!("{MANIFESTS}/kube-scheduler.yaml"),
            &pod(
                "kube-scheduler",
                &["--kubeconfig=/etc/kubernetes/scheduler.conf"],
                &[(
                    "/etc/kubernetes/scheduler.conf",
                    "/etc/kubernetes/scheduler.conf",
                )],
            ),
        )
        .file(
            &format!("{MANIFESTS}/kube-controller-manager.yaml"),
            &pod(
                "kube-controller-manager",
                &["--kubeconfig=/etc/kubernetes/controller-manager.conf"],
                &[(
                    "/etc/kubernetes/controller-manager.conf",
                    "/etc/kubernetes/controller-manager.conf",
                )],
            ),
        )
        .file_mode("/etc/kubernetes/admin.conf", "0600", 0, 0, "kubeconfig")
        .file_mode("/etc/kubernetes/scheduler.conf", "0600", 0, 0, "kubeconfig")
        .file_mode(
            "/etc/kubernetes/controller-manager.conf",
            "0600",
            0,
            0,
            "kubeconfig",
        )
        .file_mode("/etc/kubernetes/kubelet.conf", "0600", 0, 0, "kubeconfig")
        .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
        .process(
            900,
            "kubelet",
            &[
                "/usr/bin/kubelet",
                "--kubeconfig=/etc/kubernetes/kubelet.conf",
                "--config=/var/lib/kubelet/config.yaml",
            ],
        )
        .dir(PKI, "0755", 0, 0)
        .file(
            "/etc/kubernetes/pki/ca.crt",
            "-----BEGIN CERTIFICATE-----\n",
        )
        .withheld("/etc/kubernetes/pki/ca.key", "0600", 0, 0)
        .file(
            "/etc/kubernetes/pki/apiserver.crt",
            "-----BEGIN CERTIFICATE-----\n",
        )
        .withheld("/etc/kubernetes/pki/apiserver.key", "0600", 0, 0)
        .dir("/etc/kubernetes/pki/etcd", "0755", 0, 0)
        .file(
            "/etc/kubernetes/pki/etcd/ca.crt",
            "-----BEGIN CERTIFICATE-----\n",
        )
        .withheld("/etc/kubernetes/pki/etcd/ca.key", "0600", 0, 0)
        .dir("/var/lib/etcd", "0700", 0, 0)
        .dir("/var/lib/etcd/member", "0700", 0, 0)
        .dir("/var/lib/etcd/member/snap", "0700", 0, 0)
        .withheld("/var/lib/etcd/member/snap/db", "0600", 0, 0)
    }

    /// A kubeadm worker with its kubelet kubeconfig and CA.
    fn kubeadm_worker() -> TestBundle {
        tb().file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .file_mode("/etc/kubernetes/kubelet.conf", "0600", 0, 0, "kubeconfig")
            .file(
                "/etc/kubernetes/pki/ca.crt",
                "-----BEGIN CERTIFICATE-----\n",
            )
            .dir(MANIFESTS, "0755", 0, 0)
            .process(
                900,
                "kubelet",
                &[
                    "/usr/bin/kubelet",
                    "--kubeconfig=/etc/kubernetes/kubelet.conf",
                    "--config=/var/lib/kubelet/config.yaml",
                ],
            )
    }

    /// Set the owner names of every record under `prefix`.
    fn set_names(b: &mut VerifiedBundle, prefix: &str, user: Option<&str>, group: Option<&str>) {
        for f in &mut b.manifest.files {
            if f.path.starts_with(prefix) {
                f.user = user.map(String::from);
                f.group = group.map(String::from);
            }
        }
    }

    /// A record read through `/proc/<pid>/root`.
    fn add_via(b: &mut VerifiedBundle, pid: u32, path: &str, mode: &str, uid: u32, content: &str) {
        let member = collector::bundle::file_member_path(path, Some(pid));
        b.members
            .insert(member.clone(), content.as_bytes().to_vec());
        b.manifest.files.push(FileRecord {
            path: path.into(),
            via: Some(format!("/proc/{pid}/root")),
            file_type: FileType::File,
            mode: mode.into(),
            uid,
            gid: 0,
            user: None,
            group: None,
            size: content.len() as u64,
            mtime: 0,
            sha256: None,
            target: None,
            content: Content::Captured { member },
            reason: "test".into(),
        });
    }

    fn add_via_link(b: &mut VerifiedBundle, pid: u32, path: &str, target: &str) {
        b.manifest.files.push(FileRecord {
            path: path.into(),
            via: Some(format!("/proc/{pid}/root")),
            file_type: FileType::Symlink,
            mode: "0777".into(),
            uid: 0,
            gid: 0,
            user: None,
            group: None,
            size: 0,
            mtime: 0,
            sha256: None,
            target: Some(target.into()),
            content: Content::Withheld {
                reason: "symlink".into(),
            },
            reason: "test".into(),
        });
    }

    fn set_mode(b: &mut VerifiedBundle, path: &str, mode: &str, uid: u32) {
        for f in &mut b.manifest.files {
            if f.path == path {
                f.mode = mode.into();
                f.uid = uid;
            }
        }
    }

    // --- helpers -------------------------------------------------------------

    #[test]
    fn mode_masks() {
        let b = tb()
            .file_mode("/a", "0600", 0, 0, "")
            .file_mode("/b", "0640", 0, 0, "")
            .file_mode("/c", "0664", 0, 0, "")
            .file_mode("/d", "0700", 0, 0, "")
            .file_mode("/e", "4644", 0, 0, "")
            .file_mode("/f", "bogus", 0, 0, "")
            .build();
        let node = Node::new(&b);
        let j = |p: &str, w: Want| w.judge(node.file(p).expect("record")).status;
        assert_eq!(j("/a", Want::Mode644), Status::NotAFinding);
        assert_eq!(j("/b", Want::Mode644), Status::NotAFinding);
        assert_eq!(j("/c", Want::Mode644), Status::Open);
        assert_eq!(j("/d", Want::Mode644), Status::Open);
        assert_eq!(j("/e", Want::Mode644), Status::Open);
        assert_eq!(j("/f", Want::Mode644), Status::NotReviewed);
        assert_eq!(j("/a", Want::Mode600), Status::NotAFinding);
        assert_eq!(j("/b", Want::Mode600), Status::Open);
    }

    #[test]
    fn process_root_follows_configmap_symlinks() {
        let mut b = tb().process(500, "kube-proxy", &["kube-proxy"]).build();
        add_via_link(
            &mut b,
            500,
            "/var/lib/kube-proxy/kubeconfig.conf",
            "..data/kubeconfig.conf",
        );
        add_via_link(&mut b, 500, "/var/lib/kube-proxy/..data", "..2024_01_01.1");
        add_via(
            &mut b,
            500,
            "/var/lib/kube-proxy/..2024_01_01.1/kubeconfig.conf",
            "0644",
            0,
            "x",
        );
        let node = Node::new(&b);
        let rec = node
            .file_via(500, "/var/lib/kube-proxy/kubeconfig.conf")
            .expect("resolved");
        assert_eq!(
            rec.path,
            "/var/lib/kube-proxy/..2024_01_01.1/kubeconfig.conf"
        );
        assert!(node.file_via(500, "/var/lib/kube-proxy/other").is_none());
        assert!(node
            .file_via(501, "/var/lib/kube-proxy/kubeconfig.conf")
            .is_none());
    }

    // --- CNTR-K8-000860 / 003110: manifests owned by root -------------------

    #[test]
    fn k8_000860_pass() {
        let v = run(&cp().build(), cntr_k8_000860);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("/etc/kubernetes/manifests/etcd.yaml"));
    }

    #[test]
    fn k8_000860_open_names_file_and_requirement() {
        let b = cp()
            .file_mode(
                &format!("{MANIFESTS}/etcd.yaml"),
                "0644",
                1000,
                0,
                &pod("etcd", &[], &[]),
            )
            .build();
        let v = run(&b, cntr_k8_000860);
        assert_status(&v, Status::Open);
        assert!(v
            .details
            .contains("etcd.yaml mode 0644 owner u1000:root (1000:0): must be owned by root:root"));
    }

    #[test]
    fn k8_000860_na_on_worker_and_k3s() {
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_000860),
            Status::NotApplicable,
        );
        let k3s = tb()
            .process(1, "k3s-server", &["/usr/local/bin/k3s", "server"])
            .file(
                "/etc/rancher/k3s/config.yaml",
                "write-kubeconfig-mode: \"0600\"\n",
            )
            .build();
        assert_status(&run(&k3s, cntr_k8_000860), Status::NotApplicable);
    }

    #[test]
    fn k8_000860_missing_evidence() {
        // kubeadm control plane seen only as a process: the manifests must be there.
        let b = tb()
            .process(10, "kube-apiserver", &["kube-apiserver"])
            .file("/etc/kubernetes/admin.conf", "x")
            .build();
        assert_status(&run(&b, cntr_k8_000860), Status::NotReviewed);
        // Nothing Kubernetes at all.
        assert_status(
            &run(&tb().file("/etc/hostname", "x").build(), cntr_k8_000860),
            Status::NotReviewed,
        );
        // A symlinked manifest whose target is not in the bundle.
        let b = cp()
            .symlink(&format!("{MANIFESTS}/extra.yaml"), "/srv/extra.yaml")
            .build();
        let v = run(&b, cntr_k8_000860);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("extra.yaml is a symlink to /srv/extra.yaml"));
    }

    #[test]
    fn k8_003110_pass_open_na_missing() {
        assert_status(&run(&cp().build(), cntr_k8_003110), Status::NotAFinding);
        let b = cp()
            .file_mode(
                &format!("{MANIFESTS}/kube-scheduler.yaml"),
                "0644",
                0,
                5,
                "x",
            )
            .build();
        assert_status(&run(&b, cntr_k8_003110), Status::Open);
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003110),
            Status::NotApplicable,
        );
        let b = tb()
            .process(10, "kube-apiserver", &["kube-apiserver"])
            .file("/etc/kubernetes/admin.conf", "x")
            .build();
        assert_status(&run(&b, cntr_k8_003110), Status::NotReviewed);
    }

    // --- CNTR-K8-000900: manifests 0644 -------------------------------------

    #[test]
    fn k8_000900_pass() {
        assert_status(&run(&cp().build(), cntr_k8_000900), Status::NotAFinding);
    }

    #[test]
    fn k8_000900_open_on_group_write_and_execute() {
        for mode in ["0664", "0700", "0755"] {
            let b = cp()
                .file_mode(
                    &format!("{MANIFESTS}/etcd.yaml"),
                    mode,
                    0,
                    0,
                    &pod("etcd", &[], &[]),
                )
                .build();
            let v = run(&b, cntr_k8_000900);
            assert_status(&v, Status::Open);
            assert!(v.details.contains("must be 0644 or more restrictive"));
        }
    }

    #[test]
    fn k8_000900_na_on_worker_without_manifests() {
        let v = run(&kubeadm_worker().build(), cntr_k8_000900);
        assert_status(&v, Status::NotApplicable);
        assert!(v.details.contains("/etc/kubernetes/manifests"));
    }

    #[test]
    fn k8_000900_rke2_worker_kube_proxy_manifest() {
        let dir = "/var/lib/rancher/rke2/agent/pod-manifests";
        let b = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(
                900,
                "kubelet",
                &[
                    "kubelet",
                    "--kubeconfig=/var/lib/rancher/rke2/agent/kubelet.kubeconfig",
                ],
            )
            .file_mode(
                &format!("{dir}/kube-proxy.yaml"),
                "0640",
                0,
                0,
                &pod("kube-proxy", &[], &[]),
            )
            .build();
        let v = run(&b, cntr_k8_000900);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains(dir));
        let b = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(900, "kubelet", &["kubelet"])
            .file_mode(
                &format!("{dir}/kube-proxy.yaml"),
                "0666",
                0,
                0,
                &pod("kube-proxy", &[], &[]),
            )
            .build();
        assert_status(&run(&b, cntr_k8_000900), Status::Open);
    }

    #[test]
    fn k8_000900_missing_evidence() {
        assert_status(&run(&tb().build(), cntr_k8_000900), Status::NotReviewed);
        let b = tb()
            .process(10, "kube-apiserver", &["kube-apiserver"])
            .file("/etc/kubernetes/admin.conf", "x")
            .build();
        assert_status(&run(&b, cntr_k8_000900), Status::NotReviewed);
    }

    // --- CNTR-K8-000880 / 000890: kubelet config and env files ---------------

    #[test]
    fn k8_000880_pass_names_config_and_env_file() {
        let b = kubeadm_worker()
            .file("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=\n")
            .build();
        let v = run(&b, cntr_k8_000880);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("kubelet --config=/var/lib/kubelet/config.yaml (pid 900 argv[2])"));
        assert!(v
            .details
            .contains("kubelet environment file: /etc/default/kubelet"));
    }

    #[test]
    fn k8_000880_open_on_env_file_owner() {
        let b = kubeadm_worker()
            .file_mode(
                "/etc/sysconfig/kubelet",
                "0644",
                1000,
                1000,
                "KUBELET_EXTRA_ARGS=\n",
            )
            .build();
        let v = run(&b, cntr_k8_000880);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/sysconfig/kubelet mode 0644 owner u1000:g1000 (1000:1000): must be owned by root:root"));
    }

    #[test]
    fn k8_000880_na_without_config_and_missing() {
        let b = tb()
            .process(900, "kubelet", &["/usr/bin/kubelet", "--kubeconfig=/x"])
            .build();
        assert_status(&run(&b, cntr_k8_000880), Status::NotApplicable);
        let b = tb()
            .process(
                900,
                "kubelet",
                &["/usr/bin/kubelet", "--config=/etc/kubelet/custom.yaml"],
            )
            .build();
        let v = run(&b, cntr_k8_000880);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("/etc/kubelet/custom.yaml is not in the bundle"));
        assert_status(&run(&tb().build(), cntr_k8_000880), Status::NotReviewed);
    }

    #[test]
    fn k8_000890_pass_open_na_missing() {
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_000890),
            Status::NotAFinding,
        );
        let b = kubeadm_worker()
            .file_mode("/etc/default/kubelet", "0666", 0, 0, "")
            .build();
        let v = run(&b, cntr_k8_000890);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/default/kubelet mode 0666"));
        let b = tb().process(900, "kubelet", &["/usr/bin/kubelet"]).build();
        assert_status(&run(&b, cntr_k8_000890), Status::NotApplicable);
        let b = tb()
            .process(900, "kubelet", &["/usr/bin/kubelet", "--config=/nope.yaml"])
            .build();
        assert_status(&run(&b, cntr_k8_000890), Status::NotReviewed);
    }

    #[test]
    fn k8_000890_config_dir_dropins_count() {
        let b = tb()
            .process(
                900,
                "kubelet",
                &[
                    "/usr/bin/kubelet",
                    "--config=/var/lib/kubelet/config.yaml",
                    "--config-dir=/etc/kubernetes/kubelet.conf.d",
                ],
            )
            .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .file_mode(
                "/etc/kubernetes/kubelet.conf.d/10-x.conf",
                "0646",
                0,
                0,
                "kind: KubeletConfiguration\n",
            )
            .build();
        let v = run(&b, cntr_k8_000890);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("10-x.conf mode 0646"));
    }

    #[test]
    fn k8_000890_config_dir_not_in_bundle() {
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .process(
                900,
                "kubelet",
                &[
                    "kubelet",
                    "--config=/var/lib/kubelet/config.yaml",
                    "--config-dir=/etc/k.d",
                ],
            )
            .build();
        let v = run(&b, cntr_k8_000890);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("the drop-in directory /etc/k.d is not in the bundle"));
    }

    #[test]
    fn k8_000900_kubelet_static_pod_path_missing_on_control_plane() {
        let b = cp()
            .file(
                "/var/lib/kubelet/config.yaml",
                "kind: KubeletConfiguration\nstaticPodPath: /srv/static\n",
            )
            .build();
        let v = run(&b, cntr_k8_000900);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("static pod directory /srv/static"));
    }

    // --- CNTR-K8-003230 / 003240: /var/lib/kubelet/config.yaml ---------------

    #[test]
    fn k8_003230_pass_open_na_missing() {
        assert_status(
            &run(&worker(KUBELET_CONFIG, &[]), cntr_k8_003230),
            Status::NotAFinding,
        );
        let b = tb()
            .file_mode("/var/lib/kubelet/config.yaml", "0664", 0, 0, KUBELET_CONFIG)
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .build();
        assert_status(&run(&b, cntr_k8_003230), Status::Open);
        // The env file is not part of this rule.
        let b = kubeadm_worker()
            .file_mode("/etc/default/kubelet", "0666", 0, 0, "")
            .build();
        assert_status(&run(&b, cntr_k8_003230), Status::NotAFinding);
        let b = tb().process(900, "kubelet", &["kubelet"]).build();
        assert_status(&run(&b, cntr_k8_003230), Status::NotApplicable);
        let b = tb()
            .process(900, "kubelet", &["kubelet", "--config=/etc/k/c.yaml"])
            .build();
        assert_status(&run(&b, cntr_k8_003230), Status::NotReviewed);
    }

    #[test]
    fn k8_003230_checks_stig_path_even_when_config_elsewhere() {
        let b = tb()
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/etc/kubelet/config.yaml"],
            )
            .file("/etc/kubelet/config.yaml", KUBELET_CONFIG)
            .file_mode("/var/lib/kubelet/config.yaml", "0777", 0, 0, "")
            .build();
        let v = run(&b, cntr_k8_003230);
        assert_status(&v, Status::Open);
        assert!(v
            .details
            .contains("the STIG's path /var/lib/kubelet/config.yaml"));
    }

    #[test]
    fn k8_003240_pass_open_na_missing() {
        assert_status(
            &run(&worker(KUBELET_CONFIG, &[]), cntr_k8_003240),
            Status::NotAFinding,
        );
        let b = tb()
            .file_mode(
                "/var/lib/kubelet/config.yaml",
                "0644",
                0,
                1000,
                KUBELET_CONFIG,
            )
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .build();
        assert_status(&run(&b, cntr_k8_003240), Status::Open);
        let b = tb().process(900, "kubelet", &["kubelet"]).build();
        assert_status(&run(&b, cntr_k8_003240), Status::NotApplicable);
        let b = tb()
            .process(900, "kubelet", &["kubelet", "--config=/etc/k/c.yaml"])
            .build();
        assert_status(&run(&b, cntr_k8_003240), Status::NotReviewed);
    }

    // --- CNTR-K8-003190 / 003200: kubelet kubeconfig -------------------------

    #[test]
    fn k8_003190_pass_and_open() {
        let v = run(&kubeadm_worker().build(), cntr_k8_003190);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("kubelet --kubeconfig=/etc/kubernetes/kubelet.conf (pid 900 argv[1])"));
        let b = kubeadm_worker()
            .file_mode("/etc/kubernetes/kubelet.conf", "0666", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003190);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("must be 0644 or more restrictive"));
    }

    #[test]
    fn k8_003190_rke2_path_from_flag() {
        let kc = "/var/lib/rancher/rke2/agent/kubelet.kubeconfig";
        let b = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(900, "kubelet", &["kubelet", &format!("--kubeconfig={kc}")])
            .file_mode(kc, "0640", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003190);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains(kc));
    }

    #[test]
    fn k8_003190_na_standalone_and_missing() {
        let b = tb()
            .process(900, "kubelet", &["kubelet", "--config=/c.yaml"])
            .build();
        assert_status(&run(&b, cntr_k8_003190), Status::NotApplicable);
        let b = worker(KUBELET_CONFIG, &[]);
        let v = run(&b, cntr_k8_003190);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("/etc/kubernetes/kubelet.conf is not in the bundle"));
        assert_status(&run(&tb().build(), cntr_k8_003190), Status::NotReviewed);
    }

    #[test]
    fn k8_003200_pass_open_na_missing() {
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003200),
            Status::NotAFinding,
        );
        let b = kubeadm_worker()
            .file_mode("/etc/kubernetes/kubelet.conf", "0600", 1000, 0, "x")
            .build();
        assert_status(&run(&b, cntr_k8_003200), Status::Open);
        let b = tb().process(900, "kubelet", &["kubelet"]).build();
        assert_status(&run(&b, cntr_k8_003200), Status::NotApplicable);
        assert_status(
            &run(&worker(KUBELET_CONFIG, &[]), cntr_k8_003200),
            Status::NotReviewed,
        );
    }

    #[test]
    fn k8_003200_k3s_builtin_path() {
        let b = tb()
            .process(1, "k3s-server", &["/usr/local/bin/k3s", "server"])
            .file_mode(K3S_KUBELET_KUBECONFIG, "0600", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003200);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("k3s built-in kubelet kubeconfig"));
    }

    // --- CNTR-K8-003210 / 003220: kubelet systemd drop-ins -------------------

    const DROPIN: &str = "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf";

    #[test]
    fn k8_003210_pass_open_na_missing() {
        let b = kubeadm_worker().file(DROPIN, "[Service]\n").build();
        let v = run(&b, cntr_k8_003210);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains(DROPIN));
        let b = kubeadm_worker()
            .file(DROPIN, "[Service]\n")
            .file_mode(
                "/etc/systemd/system/kubelet.service.d/20-extra.conf",
                "0644",
                1000,
                0,
                "",
            )
            .build();
        let v = run(&b, cntr_k8_003210);
        assert_status(&v, Status::Open);
        assert!(v.details.contains(
            "20-extra.conf mode 0644 owner u1000:root (1000:0): must be owned by root:root"
        ));
        let rke2 = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(900, "kubelet", &["kubelet"])
            .build();
        assert_status(&run(&rke2, cntr_k8_003210), Status::NotApplicable);
        let v = run(&kubeadm_worker().build(), cntr_k8_003210);
        assert_status(&v, Status::NotReviewed);
    }

    #[test]
    fn k8_003220_pass_open_na_missing() {
        let b = kubeadm_worker().file(DROPIN, "[Service]\n").build();
        assert_status(&run(&b, cntr_k8_003220), Status::NotAFinding);
        let b = kubeadm_worker()
            .file_mode(DROPIN, "0755", 0, 0, "[Service]\n")
            .build();
        assert_status(&run(&b, cntr_k8_003220), Status::Open);
        let k3s = tb().process(1, "k3s-agent", &["k3s", "agent"]).build();
        assert_status(&run(&k3s, cntr_k8_003220), Status::NotApplicable);
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003220),
            Status::NotReviewed,
        );
        assert_status(&run(&tb().build(), cntr_k8_003220), Status::NotReviewed);
    }

    #[test]
    fn k8_003220_masked_dropin_ignored() {
        let b = kubeadm_worker()
            .file(DROPIN, "[Service]\n")
            .symlink(
                "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
                "/dev/null",
            )
            .build();
        let v = run(&b, cntr_k8_003220);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("masked"));
    }

    // --- CNTR-K8-003140 / 003150: kube-proxy kubeconfig ----------------------

    const KP_CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n";

    /// kubeadm's kube-proxy DaemonSet: --config inside the container.
    fn with_kube_proxy(mode: &str, uid: u32) -> VerifiedBundle {
        let mut b = kubeadm_worker()
            .process(
                500,
                "kube-proxy",
                &[
                    "/usr/local/bin/kube-proxy",
                    "--config=/var/lib/kube-proxy/config.conf",
                    "--hostname-override=n1",
                ],
            )
            .build();
        add_via_link(
            &mut b,
            500,
            "/var/lib/kube-proxy/config.conf",
            "..data/config.conf",
        );
        add_via_link(
            &mut b,
            500,
            "/var/lib/kube-proxy/kubeconfig.conf",
            "..data/kubeconfig.conf",
        );
        add_via_link(&mut b, 500, "/var/lib/kube-proxy/..data", "..2024_01_01.1");
        add_via(
            &mut b,
            500,
            "/var/lib/kube-proxy/..2024_01_01.1/config.conf",
            "0644",
            0,
            KP_CONFIG,
        );
        add_via(
            &mut b,
            500,
            "/var/lib/kube-proxy/..2024_01_01.1/kubeconfig.conf",
            mode,
            uid,
            "x",
        );
        b
    }

    #[test]
    fn k8_003140_pass_through_process_root() {
        let v = run(&with_kube_proxy("0644", 0), cntr_k8_003140);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("clientConnection.kubeconfig in /var/lib/kube-proxy/config.conf:4 (named by running kube-proxy pid 500 --config=/var/lib/kube-proxy/config.conf (pid 500 argv[1])), read inside the process's root /proc/500/root: /var/lib/kube-proxy/kubeconfig.conf -> /var/lib/kube-proxy/..2024_01_01.1/kubeconfig.conf (via /proc/500/root) mode 0644"));
        assert!(v.details.contains("via /proc/500/root"));
    }

    #[test]
    fn k8_003140_open() {
        let v = run(&with_kube_proxy("0666", 0), cntr_k8_003140);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("must be 0644 or more restrictive"));
    }

    #[test]
    fn k8_003140_na_when_not_running_or_in_cluster() {
        let v = run(&kubeadm_worker().build(), cntr_k8_003140);
        assert_status(&v, Status::NotApplicable);
        assert!(v.details.contains("kube-proxy does not run"));
        let b = kubeadm_worker()
            .process(500, "kube-proxy", &["kube-proxy", "--v=2"])
            .build();
        let v = run(&b, cntr_k8_003140);
        assert_status(&v, Status::NotApplicable);
        assert!(v.details.contains("in-cluster"));
    }

    #[test]
    fn k8_003140_missing_evidence() {
        // No process evidence at all (a worker known only from its kubelet config).
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .build();
        assert_status(&run(&b, cntr_k8_003140), Status::NotReviewed);
        // --config inside the container, not captured.
        let b = kubeadm_worker()
            .process(
                500,
                "kube-proxy",
                &["kube-proxy", "--config=/var/lib/kube-proxy/config.conf"],
            )
            .build();
        let v = run(&b, cntr_k8_003140);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("/var/lib/kube-proxy/config.conf is not in the bundle"));
        // --kubeconfig named, file absent.
        let b = kubeadm_worker()
            .process(
                500,
                "kube-proxy",
                &[
                    "kube-proxy",
                    "--kubeconfig=/var/lib/kube-proxy/kubeconfig.conf",
                ],
            )
            .build();
        assert_status(&run(&b, cntr_k8_003140), Status::NotReviewed);
    }

    #[test]
    fn k8_003140_host_fallback_is_stated() {
        let b = kubeadm_worker()
            .process(
                500,
                "kube-proxy",
                &["kube-proxy", "--kubeconfig=/etc/kube-proxy/kubeconfig"],
            )
            .file_mode("/etc/kube-proxy/kubeconfig", "0600", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003140);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("taken as a host path (the bundle has no view into /proc/500/root)"));
    }

    #[test]
    fn k8_003140_rke2_static_pod_host_path() {
        let kc = "/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig";
        let b = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(900, "kubelet", &["kubelet"])
            .file(
                "/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml",
                &pod("kube-proxy", &[&format!("--kubeconfig={kc}")], &[(kc, kc)]),
            )
            .file_mode(kc, "0640", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003140);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains(kc));
    }

    #[test]
    fn k8_003140_k3s_builtin_and_disabled() {
        let b = tb()
            .process(1, "k3s-agent", &["/usr/local/bin/k3s", "agent"])
            .file_mode(K3S_KUBE_PROXY_KUBECONFIG, "0600", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003140);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("k3s built-in kube-proxy kubeconfig"));
        let b = tb()
            .process(
                1,
                "k3s-server",
                &["/usr/local/bin/k3s", "server", "--disable-kube-proxy"],
            )
            .build();
        assert_status(&run(&b, cntr_k8_003140), Status::NotApplicable);
    }

    #[test]
    fn k8_003150_pass_open_na_missing() {
        assert_status(
            &run(&with_kube_proxy("0600", 0), cntr_k8_003150),
            Status::NotAFinding,
        );
        let v = run(&with_kube_proxy("0600", 1000), cntr_k8_003150);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("must be owned by root:root"));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003150),
            Status::NotApplicable,
        );
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .build();
        assert_status(&run(&b, cntr_k8_003150), Status::NotReviewed);
    }

    // --- CNTR-K8-003160 / 003170: kubelet client CA --------------------------

    #[test]
    fn k8_003160_pass_and_open() {
        let v = run(&kubeadm_worker().build(), cntr_k8_003160);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("authentication.x509.clientCAFile (/var/lib/kubelet/config.yaml:5)"));
        let b = kubeadm_worker()
            .file_mode("/etc/kubernetes/pki/ca.crt", "0666", 0, 0, "x")
            .build();
        assert_status(&run(&b, cntr_k8_003160), Status::Open);
    }

    #[test]
    fn k8_003160_flag_is_open_by_presence() {
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG)
            .file(
                "/etc/kubernetes/pki/ca.crt",
                "-----BEGIN CERTIFICATE-----\n",
            )
            .process(
                900,
                "kubelet",
                &[
                    "/usr/bin/kubelet",
                    "--kubeconfig=/etc/kubernetes/kubelet.conf",
                    "--config=/var/lib/kubelet/config.yaml",
                    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                ],
            )
            .build();
        let v = run(&b, cntr_k8_003160);
        assert_status(&v, Status::Open);
        assert!(v
            .details
            .contains("--client-ca-file=/etc/kubernetes/pki/ca.crt"));
    }

    #[test]
    fn k8_003160_na_and_missing() {
        let b = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&b, cntr_k8_003160), Status::NotApplicable);
        let b = worker(KUBELET_CONFIG, &[]);
        let v = run(&b, cntr_k8_003160);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("/etc/kubernetes/pki/ca.crt is not in the bundle"));
        // Config file named but not captured.
        let b = tb()
            .process(900, "kubelet", &["kubelet", "--config=/nope.yaml"])
            .build();
        assert_status(&run(&b, cntr_k8_003160), Status::NotReviewed);
    }

    #[test]
    fn k8_003160_relative_client_ca_resolved_against_config_dir() {
        let b = tb()
            .file(
                "/var/lib/kubelet/config.yaml",
                "authentication:\n  x509:\n    clientCAFile: pki/ca.crt\n",
            )
            .file_mode("/var/lib/kubelet/pki/ca.crt", "0666", 0, 0, "x")
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .build();
        let v = run(&b, cntr_k8_003160);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/var/lib/kubelet/pki/ca.crt mode 0666"));
    }

    #[test]
    fn k8_003170_pass_open_na_missing() {
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003170),
            Status::NotAFinding,
        );
        let b = kubeadm_worker()
            .file_mode("/etc/kubernetes/pki/ca.crt", "0644", 0, 1000, "x")
            .build();
        assert_status(&run(&b, cntr_k8_003170), Status::Open);
        let b = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&b, cntr_k8_003170), Status::NotApplicable);
        assert_status(
            &run(&worker(KUBELET_CONFIG, &[]), cntr_k8_003170),
            Status::NotReviewed,
        );
    }

    // --- CNTR-K8-003130 / 003270: control-plane kubeconfigs -----------------

    #[test]
    fn k8_003130_pass_names_sources() {
        let v = run(&cp().build(), cntr_k8_003130);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("kubeadm admin kubeconfig (the STIG's path): /etc/kubernetes/admin.conf"));
        assert!(v
            .details
            .contains("kube-scheduler --kubeconfig=/etc/kubernetes/scheduler.conf"));
        assert!(v
            .details
            .contains("/etc/kubernetes/controller-manager.conf"));
    }

    #[test]
    fn k8_003130_open_na_missing() {
        let b = cp()
            .file_mode("/etc/kubernetes/scheduler.conf", "0600", 1000, 0, "x")
            .build();
        assert_status(&run(&b, cntr_k8_003130), Status::Open);
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003130),
            Status::NotApplicable,
        );
        let mut b = cp().build();
        b.manifest
            .files
            .retain(|f| f.path != "/etc/kubernetes/admin.conf");
        let v = run(&b, cntr_k8_003130);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("/etc/kubernetes/admin.conf is not in the bundle"));
    }

    #[test]
    fn k8_003130_super_admin_is_checked_with_comment() {
        let b = cp()
            .file_mode("/etc/kubernetes/super-admin.conf", "0600", 1000, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003130);
        assert_status(&v, Status::Open);
        assert!(v.comments.contains("super-admin.conf"));
    }

    #[test]
    fn k8_003270_pass_open_na_missing() {
        assert_status(&run(&cp().build(), cntr_k8_003270), Status::NotAFinding);
        let b = cp()
            .file_mode("/etc/kubernetes/admin.conf", "0666", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003270);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/kubernetes/admin.conf mode 0666"));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003270),
            Status::NotApplicable,
        );
        let mut b = cp().build();
        b.manifest
            .files
            .retain(|f| f.path != "/etc/kubernetes/controller-manager.conf");
        assert_status(&run(&b, cntr_k8_003270), Status::NotReviewed);
    }

    #[test]
    fn k8_003270_rke2_paths() {
        let cred = "/var/lib/rancher/rke2/server/cred";
        let dir = "/var/lib/rancher/rke2/agent/pod-manifests";
        let b = tb()
            .process(1, "rke2-server", &["rke2", "server"])
            .file_mode("/etc/rancher/rke2/rke2.yaml", "0600", 0, 0, "x")
            .file(
                &format!("{dir}/kube-scheduler.yaml"),
                &pod(
                    "kube-scheduler",
                    &[&format!("--kubeconfig={cred}/scheduler.kubeconfig")],
                    &[(cred, cred)],
                ),
            )
            .file(
                &format!("{dir}/kube-controller-manager.yaml"),
                &pod(
                    "kube-controller-manager",
                    &[&format!("--kubeconfig={cred}/controller.kubeconfig")],
                    &[(cred, cred)],
                ),
            )
            .file_mode(&format!("{cred}/scheduler.kubeconfig"), "0644", 0, 0, "x")
            .file_mode(&format!("{cred}/controller.kubeconfig"), "0664", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003270);
        assert_status(&v, Status::Open);
        assert!(v
            .details
            .contains("RKE2 admin kubeconfig (default path): /etc/rancher/rke2/rke2.yaml"));
        assert!(v.details.contains("controller.kubeconfig mode 0664"));
    }

    // --- CNTR-K8-003180: PKI owned by root -----------------------------------

    #[test]
    fn k8_003180_pass_open_na_missing() {
        let v = run(&cp().build(), cntr_k8_003180);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("PKI directories: /etc/kubernetes/pki"));
        assert!(v.details.contains("/etc/kubernetes/pki/etcd/ca.key"));
        let b = cp()
            .dir("/etc/kubernetes/pki/etcd", "0755", 1000, 1000)
            .build();
        let v = run(&b, cntr_k8_003180);
        assert_status(&v, Status::Open);
        assert!(v.details.contains(
            "/etc/kubernetes/pki/etcd mode 0755 owner ?:? (1000:1000): must be owned by root:root"
        ));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003180),
            Status::NotApplicable,
        );
        let mut b = cp().build();
        b.manifest.files.retain(|f| !f.path.starts_with(PKI));
        let v = run(&b, cntr_k8_003180);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("/etc/kubernetes/pki"));
    }

    #[test]
    fn k8_003180_directories_from_apiserver_flags() {
        let tls = "/var/lib/rancher/rke2/server/tls";
        let b = tb()
            .process(1, "rke2-server", &["rke2", "server"])
            .file(
                "/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml",
                &pod(
                    "kube-apiserver",
                    &[
                        &format!("--client-ca-file={tls}/client-ca.crt"),
                        "--etcd-cafile=/srv/pki/etcd-ca.crt",
                    ],
                    &[(tls, tls), ("/srv/pki", "/srv/pki")],
                ),
            )
            .dir(tls, "0700", 0, 0)
            .file(&format!("{tls}/client-ca.crt"), "x")
            .build();
        let v = run(&b, cntr_k8_003180);
        // /srv/pki is named by --etcd-cafile but is not in the bundle.
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("/srv/pki"));
        assert!(v
            .details
            .contains("client-ca.crt mode 0644 owner root:root (0:0): owned by root:root"));
    }

    // --- CNTR-K8-003330: certificates 0644 -----------------------------------

    #[test]
    fn k8_003330_pass_open_na_missing() {
        let v = run(&cp().build(), cntr_k8_003330);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("/etc/kubernetes/pki/etcd/ca.crt"));
        assert!(!v.details.contains("ca.key"));
        let b = cp()
            .file_mode("/etc/kubernetes/pki/apiserver.crt", "0666", 0, 0, "x")
            .build();
        let v = run(&b, cntr_k8_003330);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/kubernetes/pki/apiserver.crt mode 0666 owner root:root (0:0): must be 0644 or more restrictive"));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003330),
            Status::NotApplicable,
        );
        let mut b = cp().build();
        b.manifest.files.retain(|f| !f.path.ends_with(".crt"));
        assert_status(&run(&b, cntr_k8_003330), Status::NotReviewed);
    }

    #[test]
    fn k8_003330_pem_certificates() {
        let b = cp()
            .file_mode(
                "/etc/kubernetes/pki/front.pem",
                "0666",
                0,
                0,
                "-----BEGIN CERTIFICATE-----\n",
            )
            .withheld("/etc/kubernetes/pki/other.pem", "0644", 0, 0)
            .build();
        let v = run(&b, cntr_k8_003330);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("front.pem mode 0666"));
        assert!(v.details.contains(
            "other.pem mode 0644 owner ?:? (0:0): a .pem file whose content was not captured"
        ));
    }

    // --- CNTR-K8-003340: keys 0600 -------------------------------------------

    #[test]
    fn k8_003340_pass_open_na_missing() {
        let v = run(&cp().build(), cntr_k8_003340);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("/etc/kubernetes/pki/apiserver.key mode 0600"));
        let b = cp()
            .withheld("/etc/kubernetes/pki/sa.key", "0640", 0, 0)
            .build();
        let v = run(&b, cntr_k8_003340);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/kubernetes/pki/sa.key mode 0640 owner ?:? (0:0): must be 0600 or more restrictive"));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003340),
            Status::NotApplicable,
        );
        let mut b = cp().build();
        b.manifest.files.retain(|f| !f.path.ends_with(".key"));
        assert_status(&run(&b, cntr_k8_003340), Status::NotReviewed);
    }

    // --- CNTR-K8-003120: etcd data owned by etcd -----------------------------

    #[test]
    fn k8_003120_pass_when_names_are_etcd() {
        let mut b = cp().build();
        set_names(&mut b, "/var/lib/etcd", Some("etcd"), Some("etcd"));
        let v = run(&b, cntr_k8_003120);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("etcd data directories: /var/lib/etcd (manifest /etc/kubernetes/manifests/etcd.yaml --data-dir=/var/lib/etcd"));
        assert!(v.details.contains("/var/lib/etcd/member/snap/db"));
    }

    #[test]
    fn k8_003120_open_when_root() {
        let mut b = cp().build();
        set_names(&mut b, "/var/lib/etcd", Some("root"), Some("root"));
        let v = run(&b, cntr_k8_003120);
        assert_status(&v, Status::Open);
        assert!(v.details.contains(
            "/var/lib/etcd/member mode 0700 owner root:root (0:0): must be owned by etcd:etcd"
        ));
    }

    #[test]
    fn k8_003120_unknown_names_not_reviewed() {
        // The records of cp() carry no owner names.
        let v = run(&cp().build(), cntr_k8_003120);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("owner names are not known"));
    }

    #[test]
    fn k8_003120_na_and_missing() {
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003120),
            Status::NotApplicable,
        );
        // Control plane with external etcd.
        let b = tb()
            .static_pod(
                MANIFESTS,
                "kube-apiserver",
                &["--etcd-servers=https://10.0.0.5:2379"],
            )
            .build();
        assert_status(&run(&b, cntr_k8_003120), Status::NotApplicable);
        // Data directory not in the bundle.
        let mut b = cp().build();
        b.manifest
            .files
            .retain(|f| !f.path.starts_with("/var/lib/etcd"));
        let v = run(&b, cntr_k8_003120);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("etcd data directory /var/lib/etcd"));
        // --data-dir not covered by a hostPath volume: inside the image.
        let b = tb()
            .static_pod(MANIFESTS, "etcd", &["--data-dir=/var/lib/etcd"])
            .build();
        assert_status(&run(&b, cntr_k8_003120), Status::NotReviewed);
    }

    #[test]
    fn k8_003120_rke2_config_file_and_k3s_sqlite() {
        let db = "/var/lib/rancher/rke2/server/db";
        let mut b = tb()
            .process(1, "rke2-server", &["rke2", "server"])
            .file(
                "/var/lib/rancher/rke2/agent/pod-manifests/etcd.yaml",
                &pod(
                    "etcd",
                    &[&format!("--config-file={db}/etcd/config")],
                    &[(db, db)],
                ),
            )
            .file(
                &format!("{db}/etcd/config"),
                &format!("data-dir: {db}/etcd\nname: n1\n"),
            )
            .dir(&format!("{db}/etcd/member"), "0700", 1001, 1001)
            .build();
        set_names(&mut b, db, Some("etcd"), Some("etcd"));
        let v = run(&b, cntr_k8_003120);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains(&format!("data-dir in {db}/etcd/config:1")));
        let k3s = tb()
            .process(1, "k3s-server", &["/usr/local/bin/k3s", "server"])
            .withheld(K3S_STATE_DB, "0600", 0, 0)
            .build();
        assert_status(&run(&k3s, cntr_k8_003120), Status::NotApplicable);
    }

    // --- CNTR-K8-003260: etcd data files 0644 --------------------------------

    #[test]
    fn k8_003260_pass_files_only_directories_informational() {
        let v = run(&cp().build(), cntr_k8_003260);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("/var/lib/etcd/member/snap/db mode 0600"));
        assert!(v
            .details
            .contains("information: directory /var/lib/etcd/member mode 0700"));
    }

    #[test]
    fn k8_003260_open_na_missing() {
        let mut b = cp().build();
        set_mode(&mut b, "/var/lib/etcd/member/snap/db", "0664", 0);
        let v = run(&b, cntr_k8_003260);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/var/lib/etcd/member/snap/db mode 0664 owner ?:? (0:0): must be 0644 or more restrictive"));
        assert_status(
            &run(&kubeadm_worker().build(), cntr_k8_003260),
            Status::NotApplicable,
        );
        // Only directories recorded: nothing to judge.
        let mut b = cp().build();
        b.manifest
            .files
            .retain(|f| f.path != "/var/lib/etcd/member/snap/db");
        assert_status(&run(&b, cntr_k8_003260), Status::NotReviewed);
    }

    #[test]
    fn k8_003260_many_files_are_capped() {
        let mut t = cp();
        for i in 0..60 {
            t = t.withheld(
                &format!("/var/lib/etcd/member/wal/{i:04}.wal"),
                "0600",
                0,
                0,
            );
        }
        let v = run(&t.build(), cntr_k8_003260);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("more entries that meet the requirement"));
    }
}
