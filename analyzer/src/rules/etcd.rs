//! Checks reading etcd's flags. Each matches the exact etcd flag: DISA's
//! `grep key-file *` would also hit `--peer-key-file` and API server flags.

use super::{fix_comment, flag_rule, require_nonempty, Verdict};
use crate::evidence::{Node, ETCD};

/// `--flag` must be present and false. etcd also reads `--config-file` and
/// `ETCD_*` environment variables; those are named in the details when seen.
fn explicit_false(node: &Node, flag: &str, fix: &str) -> Verdict {
    let v = flag_rule(node, ETCD, flag, |f| match f {
        None => (
            false,
            "missing (the check requires it explicitly false)".into(),
        ),
        Some(f) if f.value_or_true().eq_ignore_ascii_case("false") => (true, "false".into()),
        Some(f) => (false, format!("value {:?}", f.value_or_true())),
    });
    fix_comment(with_env_note(node, v, flag), fix)
}

fn explicit_true(node: &Node, flag: &str, fix: &str) -> Verdict {
    let v = flag_rule(node, ETCD, flag, |f| match f {
        None => (false, "missing".into()),
        Some(f) if f.value_or_true().eq_ignore_ascii_case("true") => (true, "true".into()),
        Some(f) => (false, format!("value {:?}", f.value_or_true())),
    });
    fix_comment(with_env_note(node, v, flag), fix)
}

/// Mention an `ETCD_<FLAG>` env var or `--config-file` in the static pod, which etcd also honours.
fn with_env_note(node: &Node, v: Verdict, flag: &str) -> Verdict {
    let Some(sp) = node.static_pod(ETCD) else {
        return v;
    };
    let env_name = format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"));
    let mut v = v;
    if sp.text.contains(&env_name) {
        v = v.comment(format!("{} sets environment variable {env_name}; etcd honours it when the flag is absent. Review it.", sp.path));
    }
    if sp.flags.has("config-file") {
        v = v.comment("etcd is started with --config-file; settings in that file are not evaluated here. Review it.");
    }
    v
}

/// CNTR-K8-000180 (V-242379): `--auto-tls=false`.
pub fn cntr_k8_000180(node: &Node) -> Verdict {
    explicit_false(
        node,
        "auto-tls",
        "Set --auto-tls=false in the etcd manifest.",
    )
}

/// CNTR-K8-000190 (V-242380): `--peer-auto-tls=false`.
pub fn cntr_k8_000190(node: &Node) -> Verdict {
    explicit_false(
        node,
        "peer-auto-tls",
        "Set --peer-auto-tls=false in the etcd manifest.",
    )
}

/// CNTR-K8-001450 (V-242423): `--client-cert-auth=true`.
pub fn cntr_k8_001450(node: &Node) -> Verdict {
    explicit_true(
        node,
        "client-cert-auth",
        "Set --client-cert-auth=true in the etcd manifest.",
    )
}

/// CNTR-K8-001480 (V-242426): `--peer-client-cert-auth=true`.
pub fn cntr_k8_001480(node: &Node) -> Verdict {
    explicit_true(
        node,
        "peer-client-cert-auth",
        "Set --peer-client-cert-auth=true in the etcd manifest.",
    )
}

/// CNTR-K8-001490 (V-242427): `--key-file` set.
pub fn cntr_k8_001490(node: &Node) -> Verdict {
    require_nonempty(
        node,
        ETCD,
        "key-file",
        "Set --key-file to the etcd server key in the etcd manifest.",
    )
}

/// CNTR-K8-001500 (V-242428): `--cert-file` set.
pub fn cntr_k8_001500(node: &Node) -> Verdict {
    require_nonempty(
        node,
        ETCD,
        "cert-file",
        "Set --cert-file to the etcd server certificate in the etcd manifest.",
    )
}

/// CNTR-K8-001540 (V-242432): `--peer-cert-file` set.
pub fn cntr_k8_001540(node: &Node) -> Verdict {
    require_nonempty(
        node,
        ETCD,
        "peer-cert-file",
        "Set --peer-cert-file in the etcd manifest.",
    )
}

/// CNTR-K8-001550 (V-242433): `--peer-key-file` set.
pub fn cntr_k8_001550(node: &Node) -> Verdict {
    require_nonempty(
        node,
        ETCD,
        "peer-key-file",
        "Set --peer-key-file in the etcd manifest.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testutil::*;

    #[test]
    fn etcd_flags() {
        let good = tb()
            .static_pod(
                MANIFESTS,
                ETCD,
                &[
                    "--auto-tls=false",
                    "--peer-auto-tls=false",
                    "--client-cert-auth=true",
                    "--peer-client-cert-auth=true",
                    "--key-file=/etc/kubernetes/pki/etcd/server.key",
                    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                    "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
                    "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
                ],
            )
            .build();
        let n = Node::new(&good);
        for f in [
            cntr_k8_000180,
            cntr_k8_000190,
            cntr_k8_001450,
            cntr_k8_001480,
            cntr_k8_001490,
            cntr_k8_001500,
            cntr_k8_001540,
            cntr_k8_001550,
        ] {
            assert_eq!(f(&n).status, Status::NotAFinding, "{:?}", f(&n));
        }
        // Only peer files: --key-file/--cert-file must not match --peer-key-file.
        let bad = tb()
            .static_pod(
                MANIFESTS,
                ETCD,
                &[
                    "--auto-tls=true",
                    "--peer-key-file=/p.key",
                    "--peer-cert-file=/p.crt",
                    "--client-cert-auth=false",
                ],
            )
            .build();
        let n = Node::new(&bad);
        for f in [
            cntr_k8_000180,
            cntr_k8_000190,
            cntr_k8_001450,
            cntr_k8_001480,
            cntr_k8_001490,
            cntr_k8_001500,
        ] {
            assert_eq!(f(&n).status, Status::Open, "{:?}", f(&n));
        }
    }

    #[test]
    fn external_etcd_is_not_applicable_on_control_plane_and_worker() {
        let b = tb()
            .static_pod(MANIFESTS, "kube-apiserver", &["--secure-port=6443"])
            .build();
        let v = cntr_k8_000180(&Node::new(&b));
        assert_eq!(v.status, Status::NotApplicable);
        assert!(v.details.contains("external"));
        let b = worker("{}", &[]);
        assert_eq!(cntr_k8_001490(&Node::new(&b)).status, Status::NotApplicable);
    }

    #[test]
    fn env_override_is_mentioned() {
        let b = tb()
            .file(
                "/etc/kubernetes/manifests/etcd.yaml",
                "spec:\n  containers:\n  - name: etcd\n    command: [etcd, --auto-tls=false]\n    env:\n    - {name: ETCD_AUTO_TLS, value: 'true'}\n",
            )
            .build();
        let v = cntr_k8_000180(&Node::new(&b));
        assert!(v.comments.contains("ETCD_AUTO_TLS"), "{v:?}");
    }
}
