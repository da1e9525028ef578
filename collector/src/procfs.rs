//! Processes from the node's `/proc`: argv (`cmdline`), `comm`, `status`,
//! and recognition of the Kubernetes components, container runtimes,
//! k3s/rke2 and sshd. Only recognised processes are kept.

use crate::paths::{self, NodeFs};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// argv is read up to this many bytes.
const CMDLINE_CAP: u64 = 256 * 1024;

/// A recognised process, argv NOT yet redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub ppid: Option<u32>,
    pub uid: Option<u32>,
    pub comm: String,
    pub argv: Vec<String>,
    pub component: &'static str,
}

impl Proc {
    /// k3s and rke2 take `-t` for the token.
    pub fn is_k3s_or_rke2(&self) -> bool {
        self.component.starts_with("k3s") || self.component.starts_with("rke2")
    }
}

/// First word of an argv[0] that may be a rewritten title (`sshd: root@pts/0`),
/// without its directory.
fn program_name(arg0: &str) -> &str {
    let first = arg0.split_whitespace().next().unwrap_or("");
    let first = first.trim_end_matches(':');
    paths::basename(first)
}

/// The component a process is, from its argv and comm.
pub fn recognise(argv: &[String], comm: &str) -> Option<&'static str> {
    let arg1 = argv.get(1).map(String::as_str).unwrap_or("");
    if let Some(arg0) = argv.first() {
        if let Some(c) = by_name(program_name(arg0), arg1) {
            return Some(c);
        }
    }
    // comm is the executable's name, at most 15 bytes.
    match comm {
        "kube-controller" => Some("kube-controller-manager"),
        "k3s-server" => Some("k3s-server"),
        "k3s-agent" => Some("k3s-agent"),
        "rke2-server" => Some("rke2-server"),
        "rke2-agent" => Some("rke2-agent"),
        other => by_name(other, arg1),
    }
}

fn by_name(name: &str, arg1: &str) -> Option<&'static str> {
    Some(match name {
        "kube-apiserver" => "kube-apiserver",
        "kube-controller-manager" => "kube-controller-manager",
        "kube-scheduler" => "kube-scheduler",
        "etcd" => "etcd",
        "kubelet" => "kubelet",
        "kube-proxy" => "kube-proxy",
        "containerd" => "containerd",
        "crio" => "cri-o",
        "dockerd" => "dockerd",
        "sshd" => "sshd",
        "k3s-server" => "k3s-server",
        "k3s-agent" => "k3s-agent",
        "rke2-server" => "rke2-server",
        "rke2-agent" => "rke2-agent",
        "k3s" => match arg1 {
            "server" => "k3s-server",
            "agent" => "k3s-agent",
            _ => return None,
        },
        "rke2" => match arg1 {
            "server" => "rke2-server",
            "agent" => "rke2-agent",
            _ => return None,
        },
        "hyperkube" => return by_name(arg1, "").filter(|c| c.starts_with("kube")),
        _ => return None,
    })
}

/// Split a NUL-separated cmdline (a trailing NUL ends the last argument).
pub fn split_cmdline(bytes: &[u8]) -> Vec<String> {
    let mut parts: Vec<String> = bytes
        .split(|b| *b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    // A process that rewrote its title may use spaces and no NULs; keep as is.
    parts
}

/// `PPid:` and the real `Uid:` from a status file.
pub fn parse_status(text: &str) -> (Option<u32>, Option<u32>) {
    let mut ppid = None;
    let mut uid = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("PPid:") {
            ppid = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("Uid:") {
            uid = v.split_whitespace().next().and_then(|u| u.parse().ok());
        }
    }
    (ppid, uid)
}

/// Scan `/proc` of the node; returns the recognised processes sorted by pid
/// and the number of process directories that could not be read.
pub fn scan(fs: &NodeFs) -> (Vec<Proc>, usize) {
    let mut procs = Vec::new();
    let mut unreadable = 0;
    let Ok((names, _)) = fs.list_dir("/proc") else {
        return (procs, 0);
    };
    let mut pids: Vec<u32> = names.iter().filter_map(|n| n.parse().ok()).collect();
    pids.sort_unstable();
    for pid in pids {
        let cmdline = match fs.read_small(&format!("/proc/{pid}/cmdline"), CMDLINE_CAP) {
            Ok(b) => b,
            Err(_) => {
                // Processes come and go on a live node.
                unreadable += 1;
                continue;
            }
        };
        let argv = split_cmdline(&cmdline);
        if argv.is_empty() {
            // Kernel threads and zombies have no argv.
            continue;
        }
        let comm = fs
            .read_small(&format!("/proc/{pid}/comm"), 256)
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .trim_end_matches('\n')
                    .to_string()
            })
            .unwrap_or_default();
        let Some(component) = recognise(&argv, &comm) else {
            continue;
        };
        let (ppid, uid) = match fs.read_small(&format!("/proc/{pid}/status"), 64 * 1024) {
            Ok(b) => parse_status(&String::from_utf8_lossy(&b)),
            Err(_) => (None, None),
        };
        procs.push(Proc {
            pid,
            ppid,
            uid,
            comm,
            argv,
            component,
        });
    }
    (procs, unreadable)
}

/// The host path of a process's root when it differs from the node root
/// (a containerised component), else `None`.
///
/// Live, `/proc/<pid>/root` is the kernel's link into the process's mount
/// namespace. In a `--root` tree it counts only when `proc/<pid>/root` is a
/// real directory reached without any symlink (a link there, or in `proc` or
/// `proc/<pid>`, would be followed on the collecting machine).
pub fn process_root(fs: &NodeFs, live: bool, pid: u32) -> Option<PathBuf> {
    let node_path = format!("/proc/{pid}/root");
    let base = fs.host_path(&node_path);
    if !live {
        let (resolved, meta) = fs.lstat(&node_path).ok()?;
        if resolved != node_path || !meta.file_type().is_dir() {
            return None;
        }
    }
    let proc_root = std::fs::metadata(&base).ok()?;
    let node_root = std::fs::metadata(fs.base()).ok()?;
    if proc_root.dev() == node_root.dev() && proc_root.ino() == node_root.ino() {
        return None;
    }
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_components() {
        assert_eq!(
            recognise(
                &v(&["/usr/local/bin/kube-apiserver", "--x"]),
                "kube-apiserver"
            ),
            Some("kube-apiserver")
        );
        assert_eq!(
            recognise(&v(&["kube-controller-manager"]), "kube-controller"),
            Some("kube-controller-manager")
        );
        assert_eq!(
            recognise(&v(&["/usr/local/bin/k3s", "server"]), "k3s-server"),
            Some("k3s-server")
        );
        assert_eq!(
            recognise(&v(&["/usr/local/bin/k3s", "kubectl"]), "k3s"),
            None
        );
        assert_eq!(
            recognise(&v(&["/usr/local/bin/k3s", "agent"]), "k3s-agent"),
            Some("k3s-agent")
        );
        assert_eq!(
            recognise(&v(&["whatever"]), "k3s-server"),
            Some("k3s-server")
        );
        assert_eq!(
            recognise(&v(&["/usr/local/bin/rke2", "server"]), "rke2"),
            Some("rke2-server")
        );
        assert_eq!(
            recognise(&v(&["/usr/local/bin/rke2", "agent"]), "rke2"),
            Some("rke2-agent")
        );
        assert_eq!(
            recognise(&v(&["sshd: /usr/sbin/sshd -D [listener]"]), "sshd"),
            Some("sshd")
        );
        assert_eq!(recognise(&v(&["sshd: root@pts/0"]), "sshd"), Some("sshd"));
        assert_eq!(
            recognise(
                &v(&["/usr/bin/containerd-shim-runc-v2", "-namespace"]),
                "containerd-shim"
            ),
            None
        );
        assert_eq!(recognise(&v(&["/usr/bin/crio"]), "crio"), Some("cri-o"));
        assert_eq!(
            recognise(&v(&["/hyperkube", "kube-proxy"]), "hyperkube"),
            Some("kube-proxy")
        );
        assert_eq!(recognise(&v(&["/bin/bash"]), "bash"), None);
        assert_eq!(
            recognise(&v(&["etcd", "--data-dir=/var/lib/etcd"]), "etcd"),
            Some("etcd")
        );
    }

    #[test]
    fn splits_and_parses() {
        assert_eq!(
            split_cmdline(b"a\0--b=c\0\0d\0"),
            v(&["a", "--b=c", "", "d"])
        );
        assert_eq!(split_cmdline(b""), Vec::<String>::new());
        assert_eq!(
            split_cmdline(b"title with spaces"),
            v(&["title with spaces"])
        );
        let (p, u) = parse_status("Name:\tx\nPPid:\t17\nUid:\t1000\t0\t0\t0\n");
        assert_eq!((p, u), (Some(17), Some(1000)));
        assert_eq!(parse_status("garbage"), (None, None));
    }

    #[test]
    fn scans_a_tree() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("proc/42");
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(
            p.join("cmdline"),
            b"/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0",
        )
        .unwrap();
        std::fs::write(p.join("comm"), b"kubelet\n").unwrap();
        std::fs::write(p.join("status"), b"PPid:\t1\nUid:\t0\t0\t0\t0\n").unwrap();
        let q = dir.path().join("proc/43");
        std::fs::create_dir_all(&q).unwrap();
        std::fs::write(q.join("cmdline"), b"/bin/bash\0").unwrap();
        std::fs::create_dir_all(dir.path().join("proc/self")).unwrap();
        let (procs, _) = scan(&NodeFs::new(dir.path()));
        assert_eq!(procs.len(), 1);
        assert_eq!(procs[0].pid, 42);
        assert_eq!(procs[0].component, "kubelet");
        assert_eq!(procs[0].ppid, Some(1));
        assert_eq!(procs[0].uid, Some(0));
        let fs = NodeFs::new(dir.path());
        assert!(process_root(&fs, false, 42).is_none());
        std::fs::create_dir_all(p.join("root/etc")).unwrap();
        assert!(process_root(&fs, false, 42).is_some());
        // proc/<pid> as a link to / must not make the host's /root a process root.
        std::os::unix::fs::symlink("/", dir.path().join("proc/44")).unwrap();
        assert!(process_root(&fs, false, 44).is_none());
        std::os::unix::fs::symlink("/etc", p.join("root2")).unwrap();
        std::fs::create_dir_all(dir.path().join("proc/45")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("proc/45/root")).unwrap();
        assert!(process_root(&fs, false, 45).is_none());
    }
}
