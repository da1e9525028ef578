//! Checks of the node's operating system: sshd on workers, kubectl version.

use super::Verdict;
use crate::evidence::{Node, Role, Version};
use collector::manifest::{FileRecord, FileType, ProcessRecord};

/// systemd units that start the SSH daemon (Debian/Ubuntu `ssh.*`, RHEL/SUSE `sshd.*`).
const SSH_UNITS: [&str; 4] = ["sshd.service", "ssh.service", "ssh.socket", "sshd.socket"];
/// Directories whose `*.wants`/`*.requires` symlinks enable units.
const SYSTEMD_DIRS: [&str; 3] = [
    "/etc/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];
/// Where a unit can be masked (symlink to /dev/null).
const MASK_DIRS: [&str; 2] = ["/etc/systemd/system", "/run/systemd/system"];
/// Where a kubectl binary is installed: packages, manual installs, RKE2; on k3s
/// /usr/local/bin/kubectl is a symlink to the k3s binary.
const KUBECTL_PATHS: [&str; 5] = [
    "/usr/bin/kubectl",
    "/usr/local/bin/kubectl",
    "/bin/kubectl",
    "/opt/bin/kubectl",
    "/var/lib/rancher/rke2/bin/kubectl",
];
/// First kubectl release with the `kubectl cp` fix.
const KUBECTL_MIN: (u32, u32, u32) = (1, 12, 9);

/// Verdict for worker-only rules on other roles.
fn worker_only(node: &Node) -> Option<Verdict> {
    match node.role {
        Role::Worker => None,
        Role::ControlPlane => {
            let v = Verdict::na(format!(
                "Worker-node rule; this node is a control plane ({}).",
                node.distro.name()
            ));
            Some(match node.distro {
                crate::evidence::Distro::K3s | crate::evidence::Distro::Rke2 => v.comment(format!(
                    "{} servers also run user workloads unless they are tainted; if this server is schedulable, assess it as a worker too.",
                    node.distro.name()
                )),
                _ => v,
            })
        }
        Role::Unknown => Some(Verdict::not_reviewed(
            "The bundle shows no Kubernetes component on this node (no manifests, processes or kubelet); the rule cannot be assessed.",
        )),
    }
}

/// sshd processes: recognised by the collector, or named sshd.
fn sshd_processes<'b>(node: &Node<'b>) -> Vec<&'b ProcessRecord> {
    node.manifest
        .processes
        .iter()
        .filter(|p| p.component == "sshd" || p.comm == "sshd")
        .collect()
}

fn describe_process(p: &ProcessRecord) -> String {
    format!(
        "pid {} uid {}: {}",
        p.pid,
        p.uid.map(|u| u.to_string()).unwrap_or_else(|| "?".into()),
        p.argv.join(" ")
    )
}

/// CNTR-K8-000400 (V-242393): worker nodes do not run sshd.
///
/// Decided on the running processes recorded in the bundle (collector
/// component `sshd`, or comm `sshd`). Control-plane nodes: Not_Applicable. A
/// bundle without any process (taken from a mounted image) cannot show what
/// runs: Not_Reviewed. The DISA note "worker nodes cannot be reached: not a
/// finding" does not apply: the collector did reach the node.
pub fn cntr_k8_000400(node: &Node) -> Verdict {
    if let Some(v) = worker_only(node) {
        return v;
    }
    if node.manifest.processes.is_empty() {
        return Verdict::not_reviewed(format!(
            "The bundle holds no running processes (live: {}), so whether sshd runs cannot be seen; check `systemctl status sshd` on the node.",
            node.manifest.live
        ));
    }
    let sshd = sshd_processes(node);
    if sshd.is_empty() {
        return Verdict::pass(format!(
            "No sshd process among the {} processes recorded on this worker node.",
            node.manifest.processes.len()
        ));
    }
    let lines: Vec<String> = sshd
        .iter()
        .map(|p| format!("sshd runs on this worker node: {}", describe_process(p)))
        .collect();
    Verdict::open(lines.join("\n")).comment(
        "Stop and disable sshd on worker nodes (systemctl disable --now sshd / ssh). If the collector was started over SSH, that session's sshd is what was seen: the finding stands.",
    )
}

/// The unit an enablement symlink or alias points to is masked.
fn masked_units(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for dir in MASK_DIRS {
        for unit in SSH_UNITS {
            let path = format!("{dir}/{unit}");
            if let Some(rec) = node.lfile(&path) {
                if rec.file_type == FileType::Symlink && rec.target.as_deref() == Some("/dev/null")
                {
                    out.push(unit.to_string());
                }
            }
        }
    }
    out
}

fn is_link_to_null(rec: &FileRecord) -> bool {
    rec.target.as_deref() == Some("/dev/null")
}

/// CNTR-K8-000410 (V-242394): worker nodes do not have sshd enabled at boot.
///
/// Decided from systemd's files, without `systemctl`: a symlink named
/// sshd.service, ssh.service, ssh.socket or sshd.socket in a `*.wants` or
/// `*.requires` directory under /etc/systemd/system (or the vendor unit
/// directories), or an alias symlink such as Debian's
/// /etc/systemd/system/sshd.service -> ssh.service, means enabled (Open). A
/// unit masked to /dev/null is not enabled. No ssh unit anywhere: not
/// installed (NotAFinding), but only when the bundle shows the collector
/// listed the systemd directories; otherwise Not_Reviewed.
pub fn cntr_k8_000410(node: &Node) -> Verdict {
    if let Some(v) = worker_only(node) {
        return v;
    }
    let masked = masked_units(node);
    let mut enabled = Vec::new();
    let mut masked_links = Vec::new();
    for dir in SYSTEMD_DIRS {
        for rec in node.files_under(dir) {
            if rec.file_type != FileType::Symlink {
                continue;
            }
            let Some((parent, name)) = rec.path.rsplit_once('/') else {
                continue;
            };
            if !SSH_UNITS.contains(&name) || is_link_to_null(rec) {
                continue;
            }
            let in_wants = parent.ends_with(".wants") || parent.ends_with(".requires");
            // An alias: /etc/systemd/system/sshd.service -> .../ssh.service.
            let target_name = rec
                .target
                .as_deref()
                .and_then(|t| t.rsplit('/').next())
                .unwrap_or("");
            let alias = parent == "/etc/systemd/system"
                && target_name != name
                && SSH_UNITS.contains(&target_name);
            if !(in_wants || alias) {
                continue;
            }
            let unit = if alias { target_name } else { name };
            let line = format!(
                "{} -> {}{}",
                rec.path,
                rec.target.as_deref().unwrap_or("?"),
                if alias {
                    " (alias created by `systemctl enable`)"
                } else {
                    ""
                }
            );
            if masked.iter().any(|m| m == unit) {
                masked_links.push(format!("{line}: ignored, {unit} is masked"));
            } else {
                enabled.push(line);
            }
        }
    }
    if !enabled.is_empty() {
        let mut lines: Vec<String> = enabled
            .iter()
            .map(|l| format!("sshd is enabled at boot on this worker node: {l}"))
            .collect();
        lines.extend(masked_links);
        return Verdict::open(lines.join("\n")).comment(
            "Disable sshd on worker nodes (systemctl disable sshd.service / ssh.service ssh.socket); disable before stopping when working over SSH.",
        );
    }
    let etc_listed = !node.files_under("/etc/systemd/system").is_empty();
    let vendor_listed = SYSTEMD_DIRS[1..]
        .iter()
        .any(|d| !node.files_under(d).is_empty());
    if !masked.is_empty() {
        let mut lines = vec![format!(
            "sshd is masked (-> /dev/null): {}; it cannot be enabled",
            masked.join(", ")
        )];
        lines.extend(masked_links);
        return Verdict::pass(lines.join("\n"));
    }
    let mut installed = Vec::new();
    for dir in SYSTEMD_DIRS.iter().chain(MASK_DIRS[1..].iter()) {
        for unit in SSH_UNITS {
            let path = format!("{dir}/{unit}");
            if node.lfile(&path).is_some() {
                installed.push(path);
            }
        }
    }
    if !etc_listed {
        return Verdict::not_reviewed(
            "The bundle lists nothing under /etc/systemd/system, so sshd's enablement cannot be seen; check `systemctl is-enabled sshd.service` on the node.",
        );
    }
    if !installed.is_empty() {
        return Verdict::pass(format!(
            "sshd is installed ({}) but not enabled: no ssh enablement symlink in any *.wants/*.requires directory under {}.",
            installed.join(", "),
            SYSTEMD_DIRS.join(", ")
        ));
    }
    if !sshd_processes(node).is_empty() {
        return Verdict::not_reviewed(
            "An sshd process runs but no ssh systemd unit is in the bundle, so how it is started cannot be seen; check `systemctl is-enabled sshd.service` on the node.",
        );
    }
    if !vendor_listed {
        return Verdict::not_reviewed(
            "No ssh unit is in the bundle, but the bundle lists nothing under /usr/lib/systemd/system or /lib/systemd/system, so an installed sshd unit could have been missed.",
        );
    }
    Verdict::pass(format!(
        "sshd is not installed: no {} unit under {}, {}.",
        SSH_UNITS.join(" / "),
        SYSTEMD_DIRS.join(", "),
        MASK_DIRS[1]
    ))
}

/// Judge a list of kubectl version evidence (lowest wins).
fn judge_kubectl(found: &[Version], what: &str) -> Verdict {
    let lines: Vec<String> = found
        .iter()
        .map(|v| format!("{what} {} ({})", v.text, v.source))
        .collect();
    let min = found.iter().min_by_key(|v| v.tuple());
    match min {
        Some(v) if v.tuple() >= KUBECTL_MIN => Verdict::pass(format!(
            "{}\nlowest {} is 1.12.9 or newer, as required",
            lines.join("\n"),
            v.text
        )),
        Some(v) => Verdict::open(format!(
            "{}\n{} is older than 1.12.9 (kubectl cp flaw)",
            lines.join("\n"),
            v.text
        ))
        .comment("Upgrade kubectl on this node to a supported release."),
        None => Verdict::not_reviewed(format!("no {what} version evidence")),
    }
}

/// CNTR-K8-000430 (V-242396): kubectl on the node is 1.12.9 or newer.
///
/// Version evidence: `kubectl version --client` output or the kubectl
/// package (`node.versions()` entries named kubectl); the lowest found is
/// judged. k3s's kubectl (a symlink to the k3s binary) has k3s's version;
/// RKE2's /var/lib/rancher/rke2/bin/kubectl ships with, and has the version
/// of, the RKE2 release. A binary without version evidence is Not_Reviewed;
/// no kubectl on the node is Not_Applicable with a comment.
pub fn cntr_k8_000430(node: &Node) -> Verdict {
    if node.role == Role::Unknown {
        return Verdict::not_reviewed(
            "The bundle shows no Kubernetes component on this node (no manifests, processes or kubelet); the rule cannot be assessed.",
        );
    }
    let versions = node.versions();
    let named = |name: &str| -> Vec<Version> {
        versions
            .iter()
            .filter(|(c, _)| c == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let kubectl = named("kubectl");
    if !kubectl.is_empty() {
        return judge_kubectl(&kubectl, "kubectl");
    }
    // kubectl was run by the collector but printed no version.
    let unparsed: Vec<String> = node
        .manifest
        .commands
        .iter()
        .filter(|c| {
            c.argv
                .first()
                .is_some_and(|a| a.rsplit('/').next() == Some("kubectl"))
                && c.stdout_member.is_some()
        })
        .map(|c| format!("`{}`", c.argv.join(" ")))
        .collect();
    let mut binaries = Vec::new();
    let mut k3s_link = None;
    for path in KUBECTL_PATHS {
        let Some(rec) = node.lfile(path) else {
            continue;
        };
        let target = rec.target.as_deref().unwrap_or("");
        if rec.file_type == FileType::Symlink && target.rsplit('/').next() == Some("k3s") {
            k3s_link = Some(format!("{path} -> {target}"));
        } else {
            binaries.push(path);
        }
    }
    if let Some(link) = k3s_link {
        let k3s = named("k3s");
        if k3s.is_empty() {
            return Verdict::not_reviewed(format!(
                "kubectl is {link} (the k3s binary), but the bundle holds no k3s version evidence."
            ));
        }
        let v = judge_kubectl(&k3s, "k3s");
        return Verdict {
            details: format!("kubectl is {link}: it has the k3s version\n{}", v.details),
            ..v
        };
    }
    if binaries.contains(&"/var/lib/rancher/rke2/bin/kubectl") && binaries.len() == 1 {
        let rke2 = named("rke2");
        if rke2.is_empty() {
            return Verdict::not_reviewed(
                "kubectl is /var/lib/rancher/rke2/bin/kubectl, but the bundle holds no RKE2 version evidence.",
            );
        }
        let v = judge_kubectl(&rke2, "rke2");
        return Verdict {
            details: format!(
                "kubectl is /var/lib/rancher/rke2/bin/kubectl, shipped with the RKE2 release: it has that release's Kubernetes version\n{}",
                v.details
            ),
            ..v
        };
    }
    if !binaries.is_empty() || !unparsed.is_empty() {
        let mut what = binaries.join(", ");
        if !unparsed.is_empty() {
            if !what.is_empty() {
                what.push_str("; ");
            }
            what.push_str(&format!(
                "ran {} without a readable version",
                unparsed.join(", ")
            ));
        }
        return Verdict::not_reviewed(format!(
            "kubectl is on this node ({what}) but the bundle holds no kubectl version evidence; run `kubectl version --client` on the node."
        ));
    }
    Verdict::na(format!(
        "No kubectl on this node: no kubectl binary at {} and no kubectl package or version output in the bundle.",
        KUBECTL_PATHS.join(", ")
    ))
    .comment("The check runs `kubectl version --client` on every node; with no kubectl installed there is no client to check. Confirm no other kubectl is on the PATH.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testutil::{assert_status, run, tb, worker, TestBundle, MANIFESTS};
    use collector::bundle::VerifiedBundle;

    const CONFIG: &str = "kind: KubeletConfiguration\n";
    const ETC: &str = "/etc/systemd/system";

    fn control_plane() -> VerifiedBundle {
        tb().static_pod(MANIFESTS, "kube-apiserver", &["--secure-port=6443"])
            .process(22, "sshd", &["/usr/sbin/sshd", "-D"])
            .symlink(
                &format!("{ETC}/multi-user.target.wants/sshd.service"),
                "/usr/lib/systemd/system/sshd.service",
            )
            .build()
    }

    /// A kubeadm worker whose systemd directories were listed by the collector.
    fn systemd_worker() -> TestBundle {
        tb().file("/var/lib/kubelet/config.yaml", CONFIG)
            .process(
                900,
                "kubelet",
                &["/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .file("/usr/lib/systemd/system/kubelet.service", "[Service]\n")
            .symlink(
                &format!("{ETC}/multi-user.target.wants/kubelet.service"),
                "/usr/lib/systemd/system/kubelet.service",
            )
    }

    // --- CNTR-K8-000400 ------------------------------------------------------

    #[test]
    fn k8_000400_pass_without_sshd() {
        let v = run(&worker(CONFIG, &[]), cntr_k8_000400);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("No sshd process among the 1 processes"));
    }

    #[test]
    fn k8_000400_open_with_sshd() {
        let b = systemd_worker()
            .process(22, "sshd", &["/usr/sbin/sshd", "-D"])
            .build();
        let v = run(&b, cntr_k8_000400);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("pid 22 uid 0: /usr/sbin/sshd -D"));
        // Recognised by comm even when the collector did not classify it.
        let mut b = systemd_worker()
            .process(23, "other", &["sshd: /usr/sbin/sshd -D [listener]"])
            .build();
        for p in &mut b.manifest.processes {
            if p.pid == 23 {
                p.comm = "sshd".into();
            }
        }
        assert_status(&run(&b, cntr_k8_000400), Status::Open);
    }

    #[test]
    fn k8_000400_na_on_control_plane() {
        assert_status(
            &run(&control_plane(), cntr_k8_000400),
            Status::NotApplicable,
        );
    }

    #[test]
    fn k8_000400_not_reviewed_without_processes() {
        // A worker known from its kubelet config only: a mounted image.
        let b = tb().file("/var/lib/kubelet/config.yaml", CONFIG).build();
        let v = run(&b, cntr_k8_000400);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("no running processes"));
        assert_status(&run(&tb().build(), cntr_k8_000400), Status::NotReviewed);
    }

    // --- CNTR-K8-000410 ------------------------------------------------------

    #[test]
    fn k8_000410_open_when_enabled() {
        let b = systemd_worker()
            .file("/lib/systemd/system/ssh.service", "[Service]\n")
            .symlink(
                &format!("{ETC}/multi-user.target.wants/ssh.service"),
                "/lib/systemd/system/ssh.service",
            )
            .build();
        let v = run(&b, cntr_k8_000410);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("/etc/systemd/system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service"));
    }

    #[test]
    fn k8_000410_open_on_alias_or_socket() {
        let b = systemd_worker()
            .file("/lib/systemd/system/ssh.service", "[Service]\n")
            .symlink(
                &format!("{ETC}/sshd.service"),
                "/lib/systemd/system/ssh.service",
            )
            .build();
        let v = run(&b, cntr_k8_000410);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("alias"));
        let b = systemd_worker()
            .file("/lib/systemd/system/ssh.socket", "[Socket]\n")
            .symlink(
                &format!("{ETC}/sockets.target.wants/ssh.socket"),
                "/lib/systemd/system/ssh.socket",
            )
            .build();
        assert_status(&run(&b, cntr_k8_000410), Status::Open);
    }

    #[test]
    fn k8_000410_pass_masked_installed_or_absent() {
        let b = systemd_worker()
            .file("/usr/lib/systemd/system/sshd.service", "[Service]\n")
            .symlink(&format!("{ETC}/sshd.service"), "/dev/null")
            .symlink(
                &format!("{ETC}/multi-user.target.wants/sshd.service"),
                "/usr/lib/systemd/system/sshd.service",
            )
            .build();
        let v = run(&b, cntr_k8_000410);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("masked"));
        let b = systemd_worker()
            .file("/usr/lib/systemd/system/sshd.service", "[Service]\n")
            .build();
        let v = run(&b, cntr_k8_000410);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("installed (/usr/lib/systemd/system/sshd.service) but not enabled"));
        let v = run(&systemd_worker().build(), cntr_k8_000410);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("sshd is not installed"));
    }

    #[test]
    fn k8_000410_na_on_control_plane() {
        assert_status(
            &run(&control_plane(), cntr_k8_000410),
            Status::NotApplicable,
        );
    }

    #[test]
    fn k8_000410_not_reviewed_without_systemd_evidence() {
        // Nothing listed under /etc/systemd/system.
        assert_status(
            &run(&worker(CONFIG, &[]), cntr_k8_000410),
            Status::NotReviewed,
        );
        // /etc listed, vendor unit directories not: an installed unit could be missed.
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", CONFIG)
            .process(900, "kubelet", &["kubelet"])
            .symlink(
                &format!("{ETC}/multi-user.target.wants/kubelet.service"),
                "/usr/bin/true",
            )
            .build();
        let v = run(&b, cntr_k8_000410);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("could have been missed"));
        // sshd runs but no unit explains it.
        let b = systemd_worker()
            .process(22, "sshd", &["/usr/sbin/sshd"])
            .build();
        assert_status(&run(&b, cntr_k8_000410), Status::NotReviewed);
        assert_status(&run(&tb().build(), cntr_k8_000410), Status::NotReviewed);
    }

    // --- CNTR-K8-000430 ------------------------------------------------------

    #[test]
    fn k8_000430_pass_from_version_output_or_package() {
        let b = systemd_worker()
            .version_output(
                "kubectl",
                "Client Version: v1.30.4\nKustomize Version: v5.0.4\n",
            )
            .build();
        let v = run(&b, cntr_k8_000430);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("kubectl 1.30.4 (`kubectl --version` output)"));
        let b = systemd_worker().package("kubectl", "1.29.2-1.1").build();
        assert_status(&run(&b, cntr_k8_000430), Status::NotAFinding);
    }

    #[test]
    fn k8_000430_open_when_old() {
        let b = systemd_worker()
            .package("kubectl", "1.29.2-1.1")
            .version_output("kubectl", "Client Version: v1.12.8\n")
            .build();
        let v = run(&b, cntr_k8_000430);
        assert_status(&v, Status::Open);
        assert!(v.details.contains("1.12.8 is older than 1.12.9"));
    }

    #[test]
    fn k8_000430_na_without_kubectl() {
        let v = run(&systemd_worker().build(), cntr_k8_000430);
        assert_status(&v, Status::NotApplicable);
        assert!(!v.comments.is_empty());
    }

    #[test]
    fn k8_000430_not_reviewed_without_version() {
        let b = systemd_worker()
            .file("/usr/local/bin/kubectl", "ELF")
            .build();
        let v = run(&b, cntr_k8_000430);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("/usr/local/bin/kubectl"));
        let b = systemd_worker()
            .version_output("kubectl", "error: exec format error\n")
            .build();
        assert_status(&run(&b, cntr_k8_000430), Status::NotReviewed);
        assert_status(&run(&tb().build(), cntr_k8_000430), Status::NotReviewed);
    }

    #[test]
    fn k8_000430_k3s_and_rke2_bundled_kubectl() {
        let k3s = tb()
            .process(1, "k3s-agent", &["/usr/local/bin/k3s", "agent"])
            .symlink("/usr/local/bin/kubectl", "k3s");
        let v = run(&k3s.build(), cntr_k8_000430);
        assert_status(&v, Status::NotReviewed);
        let b = tb()
            .process(1, "k3s-agent", &["/usr/local/bin/k3s", "agent"])
            .symlink("/usr/local/bin/kubectl", "k3s")
            .version_output("k3s", "k3s version v1.30.4+k3s1 (98262b5d)\n")
            .build();
        let v = run(&b, cntr_k8_000430);
        assert_status(&v, Status::NotAFinding);
        assert!(v
            .details
            .contains("kubectl is /usr/local/bin/kubectl -> k3s"));
        let b = tb()
            .process(1, "rke2-agent", &["rke2", "agent"])
            .process(900, "kubelet", &["kubelet"])
            .file("/var/lib/rancher/rke2/bin/kubectl", "ELF")
            .package("rke2-common", "1.30.4~rke2r1-0")
            .build();
        let v = run(&b, cntr_k8_000430);
        assert_status(&v, Status::NotAFinding);
        assert!(v.details.contains("shipped with the RKE2 release"));
    }
}
