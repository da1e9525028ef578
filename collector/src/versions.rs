//! Versions: `--version` of the Kubernetes binaries found (live nodes only,
//! never under `--root`), Kubernetes packages from the dpkg database, and
//! the image tags of static pod manifests (so a mounted image still yields
//! versions).

use crate::manifest::{ImageRecord, PackageRecord};
use crate::paths::{self, NodeFs};
use crate::yamlscan;
use std::io::{BufRead, BufReader};

/// The dpkg status database.
pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";

/// Whether a Debian package name is one the collector records.
pub fn is_kubernetes_package(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "kubelet",
        "kubeadm",
        "kubectl",
        "kubernetes-cni",
        "cri-tools",
        "containerd",
        "containerd.io",
        "k3s",
        "runc",
        "cri-o",
        "etcd",
        "etcd-server",
        "etcd-client",
    ];
    EXACT.contains(&name) || name.starts_with("rke2") || name.starts_with("k3s-")
}

/// Kubernetes packages of a dpkg status file (streamed line by line).
pub fn dpkg_packages(fs: &NodeFs) -> Result<Vec<PackageRecord>, crate::paths::PathError> {
    let file = fs.open(DPKG_STATUS)?;
    let mut out = Vec::new();
    let mut name = String::new();
    let mut version = String::new();
    let mut status = String::new();
    let mut flush = |name: &mut String, version: &mut String, status: &mut String| {
        if !name.is_empty() && is_kubernetes_package(name) {
            out.push(PackageRecord {
                source: DPKG_STATUS.to_string(),
                name: name.clone(),
                version: version.clone(),
                status: status.clone(),
            });
        }
        name.clear();
        version.clear();
        status.clear();
    };
    let reader = BufReader::new(file);
    for line in reader.split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            flush(&mut name, &mut version, &mut status);
            continue;
        }
        if let Some(v) = line.strip_prefix("Package:") {
            name = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("Status:") {
            status = v.trim().to_string();
        }
    }
    flush(&mut name, &mut version, &mut status);
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.version.cmp(&b.version)));
    Ok(out)
}

/// Images of a static pod manifest.
pub fn images(manifest_path: &str, text: &str) -> Vec<ImageRecord> {
    if !yamlscan::has_kind(text, "Pod") {
        return Vec::new();
    }
    yamlscan::pod_containers(text)
        .into_iter()
        .filter(|c| !c.image.is_empty())
        .map(|c| ImageRecord {
            manifest: manifest_path.to_string(),
            container: c.name,
            image: c.image,
        })
        .collect()
}

/// The version command for a binary (argv, after the binary path).
pub fn version_args(binary: &str) -> Vec<String> {
    let args: &[&str] = match paths::basename(binary) {
        "kubectl" => &["version", "--client", "-o", "json"],
        "kubeadm" => &["version", "-o", "json"],
        "crictl" | "etcdctl" => &["--version"],
        _ => &["--version"],
    };
    args.iter().map(|s| s.to_string()).collect()
}

/// Member holding a command's stdout: `evidence/commands/<path with _>.<ext>`.
pub fn stdout_member(binary: &str) -> String {
    let name: String = binary
        .trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ext = match paths::basename(binary) {
        "kubectl" | "kubeadm" => "json",
        _ => "txt",
    };
    format!("evidence/commands/{name}.version.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dpkg_status() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("var/lib/dpkg")).unwrap();
        std::fs::write(
            dir.path().join("var/lib/dpkg/status"),
            "Package: bash\nStatus: install ok installed\nVersion: 5.2\n\nPackage: kubelet\nStatus: install ok installed\nPriority: optional\nVersion: 1.30.2-1.1\nDescription: x\n continued: y\n\nPackage: kubectl\nStatus: deinstall ok config-files\nVersion: 1.29.0-1.1\nPackage: rke2-common\nVersion: 1.0",
        )
        .unwrap();
        let pkgs = dpkg_packages(&NodeFs::new(dir.path())).unwrap();
        let names: Vec<&str> = pkgs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["kubelet", "rke2-common"]);
        assert_eq!(pkgs[0].version, "1.30.2-1.1");
        assert_eq!(pkgs[0].status, "install ok installed");
        assert!(dpkg_packages(&NodeFs::new("/nonexistent-root")).is_err());
    }

    #[test]
    fn images_of_static_pods() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: registry.k8s.io/etcd:3.5.12-0\n    name: etcd\n";
        let imgs = images("/etc/kubernetes/manifests/etcd.yaml", text);
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].container, "etcd");
        assert_eq!(imgs[0].image, "registry.k8s.io/etcd:3.5.12-0");
        assert!(images("/x", "kind: Deployment\n").is_empty());
    }

    #[test]
    fn members_and_args() {
        assert_eq!(
            stdout_member("/usr/local/bin/kubectl"),
            "evidence/commands/usr_local_bin_kubectl.version.json"
        );
        assert_eq!(
            stdout_member("/usr/bin/kubelet"),
            "evidence/commands/usr_bin_kubelet.version.txt"
        );
        assert_eq!(
            version_args("/usr/bin/kubectl"),
            vec!["version", "--client", "-o", "json"]
        );
    }
}
