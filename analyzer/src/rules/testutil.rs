//! Synthetic bundles for rule unit tests: a few files and processes,
//! without running the collector.

use collector::bundle::VerifiedBundle;
use collector::manifest::*;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct TestBundle {
    files: Vec<FileRecord>,
    members: BTreeMap<String, Vec<u8>>,
    processes: Vec<ProcessRecord>,
    commands: Vec<CommandRecord>,
    packages: Vec<PackageRecord>,
    images: Vec<ImageRecord>,
}

pub fn tb() -> TestBundle {
    TestBundle::default()
}

impl TestBundle {
    /// A regular file with captured content, mode and owner.
    pub fn file_mode(mut self, path: &str, mode: &str, uid: u32, gid: u32, content: &str) -> Self {
        let member = collector::bundle::file_member_path(path, None);
        self.members
            .insert(member.clone(), content.as_bytes().to_vec());
        self.files.push(FileRecord {
            path: path.into(),
            via: None,
            file_type: FileType::File,
            mode: mode.into(),
            uid,
            gid,
            user: Some(if uid == 0 {
                "root".into()
            } else {
                format!("u{uid}")
            }),
            group: Some(if gid == 0 {
                "root".into()
            } else {
                format!("g{gid}")
            }),
            size: content.len() as u64,
            mtime: 0,
            sha256: None,
            target: None,
            content: Content::Captured { member },
            reason: "test".into(),
        });
        self
    }

    /// A root-owned 0644 file with content.
    pub fn file(self, path: &str, content: &str) -> Self {
        self.file_mode(path, "0644", 0, 0, content)
    }

    /// A file whose content was withheld (a key, a token).
    pub fn withheld(mut self, path: &str, mode: &str, uid: u32, gid: u32) -> Self {
        self.files.push(FileRecord {
            path: path.into(),
            via: None,
            file_type: FileType::File,
            mode: mode.into(),
            uid,
            gid,
            user: None,
            group: None,
            size: 1,
            mtime: 0,
            sha256: None,
            target: None,
            content: Content::Withheld {
                reason: "private key".into(),
            },
            reason: "test".into(),
        });
        self
    }

    pub fn dir(mut self, path: &str, mode: &str, uid: u32, gid: u32) -> Self {
        self.files.push(FileRecord {
            path: path.into(),
            via: None,
            file_type: FileType::Dir,
            mode: mode.into(),
            uid,
            gid,
            user: None,
            group: None,
            size: 0,
            mtime: 0,
            sha256: None,
            target: None,
            content: Content::Withheld {
                reason: "directory".into(),
            },
            reason: "test".into(),
        });
        self
    }

    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.files.push(FileRecord {
            path: path.into(),
            via: None,
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
        self
    }

    pub fn process(mut self, pid: u32, component: &str, argv: &[&str]) -> Self {
        self.processes.push(ProcessRecord {
            pid,
            ppid: Some(1),
            comm: component.chars().take(15).collect(),
            argv: argv.iter().map(|s| s.to_string()).collect(),
            uid: Some(0),
            component: component.into(),
            redacted: 0,
        });
        self
    }

    /// A static pod manifest for `component` with the given flags.
    pub fn static_pod(self, dir: &str, component: &str, flags: &[&str]) -> Self {
        let mut y = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {component}\n  namespace: kube-system\nspec:\n  containers:\n  - name: {component}\n    image: registry.k8s.io/{component}:v1.30.4\n    command:\n    - {component}\n"
        );
        for f in flags {
            y.push_str(&format!("    - {f}\n"));
        }
        self.file(&format!("{dir}/{component}.yaml"), &y)
    }

    pub fn version_output(mut self, bin: &str, out: &str) -> Self {
        let member = format!("evidence/commands/{}", self.commands.len());
        self.members.insert(member.clone(), out.as_bytes().to_vec());
        self.commands.push(CommandRecord {
            argv: vec![bin.into(), "--version".into()],
            exit_status: Some(0),
            duration_ms: 1,
            stdout_member: Some(member),
            error: None,
        });
        self
    }

    pub fn package(mut self, name: &str, version: &str) -> Self {
        self.packages.push(PackageRecord {
            source: "/var/lib/dpkg/status".into(),
            name: name.into(),
            version: version.into(),
            status: "install ok installed".into(),
        });
        self
    }

    pub fn build(self) -> VerifiedBundle {
        let manifest = Manifest {
            format: FORMAT.into(),
            collector: CollectorInfo {
                name: "test".into(),
                version: "0".into(),
            },
            bundle_id: "0".repeat(32),
            created: "2026-01-01T00:00:00Z".into(),
            root: "/".into(),
            live: false,
            host: HostFacts {
                hostname: "node".into(),
                ..Default::default()
            },
            signer: Signer {
                algorithm: "ed25519".into(),
                fingerprint: "0".repeat(64),
            },
            members: vec![],
            files: self.files,
            processes: self.processes,
            commands: self.commands,
            packages: self.packages,
            images: self.images,
            cluster: None,
            errors: vec![],
        };
        VerifiedBundle {
            manifest,
            manifest_bytes: vec![],
            members: self.members,
            verified_by: Some("0".repeat(64)),
            signature_problem: None,
        }
    }
}

pub const MANIFESTS: &str = "/etc/kubernetes/manifests";

/// A kubeadm worker: kubelet process with a config file.
pub fn worker(config: &str, extra_flags: &[&str]) -> VerifiedBundle {
    let mut argv = vec![
        "/usr/bin/kubelet",
        "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
        "--kubeconfig=/etc/kubernetes/kubelet.conf",
        "--config=/var/lib/kubelet/config.yaml",
    ];
    argv.extend_from_slice(extra_flags);
    tb().file("/var/lib/kubelet/config.yaml", config)
        .process(900, "kubelet", &argv)
        .build()
}

/// Run one check on a synthetic bundle.
pub fn run(
    b: &VerifiedBundle,
    check: fn(&crate::evidence::Node) -> crate::rules::Verdict,
) -> crate::rules::Verdict {
    let node = crate::evidence::Node::new(b);
    check(&node)
}

/// Assert a verdict's status, showing its details and comments on failure.
pub fn assert_status(v: &crate::rules::Verdict, s: crate::model::Status) {
    assert_eq!(
        v.status, s,
        "details:\n{}\ncomments:\n{}",
        v.details, v.comments
    );
}
