//! Checks reading etcd's flags. Each matches the exact etcd flag: DISA's
//! `grep key-file *` would also hit `--peer-key-file` and API server flags.

use super::{fix_comment, flag_rule, Verdict};
use crate::evidence::{Node, ETCD};
use crate::yaml;

/// Where a flag lives in etcd's `--config-file` YAML (etcd ignores command-line
/// flags and `ETCD_*` variables when it is started with a config file).
fn config_key(flag: &str) -> Vec<&'static str> {
    match flag {
        "auto-tls" => vec!["client-transport-security", "auto-tls"],
        "client-cert-auth" => vec!["client-transport-security", "client-cert-auth"],
        "cert-file" => vec!["client-transport-security", "cert-file"],
        "key-file" => vec!["client-transport-security", "key-file"],
        "peer-auto-tls" => vec!["peer-transport-security", "auto-tls"],
        "peer-client-cert-auth" => vec!["peer-transport-security", "client-cert-auth"],
        "peer-cert-file" => vec!["peer-transport-security", "cert-file"],
        "peer-key-file" => vec!["peer-transport-security", "key-file"],
        _ => vec![],
    }
}

/// Judge an etcd setting: from the `--config-file` when etcd uses one, else
/// from the flag on every view. `judge` gets the value (None when unset).
fn etcd_setting(
    node: &Node,
    flag: &str,
    fix: &str,
    judge: impl Fn(Option<&str>) -> (bool, String),
) -> Verdict {
    let views = node.views(ETCD);
    let config_file = views.iter().find_map(|v| {
        v.flags
            .get("config-file")
            .and_then(|f| f.value.clone())
            .map(|p| (v.label.clone(), p))
    });
    let v = match config_file {
        Some((label, path)) => {
            let host = node
                .static_pod(ETCD)
                .map(|sp| sp.host_path(&path))
                .unwrap_or_else(|| path.clone());
            let key = config_key(flag);
            match node.content(&host).map(|t| (t, yaml::parse(t))) {
                None => Verdict::not_reviewed(format!(
                    "{label}: etcd runs with --config-file={path} (which replaces its flags); {host} is not captured in the bundle"
                )),
                Some((_, Err(e))) => Verdict::open(format!("{label}: etcd config file {host} is not valid YAML: {e}")),
                Some((text, Ok(value))) => {
                    let found = yaml::get(&value, &key).and_then(yaml::scalar);
                    let line = key.last().and_then(|k| yaml::key_line(text, k)).map(|l| format!(":{l}")).unwrap_or_default();
                    let (ok, why) = judge(found.as_deref());
                    let shown = match &found {
                        Some(v) => format!("{} = {v} ({host}{line})", key.join(".")),
                        None => format!("{} not set in {host}", key.join(".")),
                    };
                    let text = format!("{label}: etcd runs with --config-file={path}, which replaces its flags: {shown}: {why}");
                    if ok {
                        Verdict::pass(text)
                    } else {
                        Verdict::open(text)
                    }
                }
            }
        }
        None => with_env_note(
            node,
            flag_rule(node, ETCD, flag, |f| judge(f.map(|f| f.value_or_true()))),
            flag,
        ),
    };
    fix_comment(v, fix)
}

fn explicit_false(node: &Node, flag: &str, fix: &str) -> Verdict {
    etcd_setting(node, flag, fix, |v| match v {
        None => (
            false,
            "missing (the check requires it explicitly false)".into(),
        ),
        Some(v) if v.eq_ignore_ascii_case("false") => (true, "false".into()),
        Some(v) => (false, format!("value {v:?}")),
    })
}

fn explicit_true(node: &Node, flag: &str, fix: &str) -> Verdict {
    etcd_setting(node, flag, fix, |v| match v {
        None => (false, "missing".into()),
        Some(v) if v.eq_ignore_ascii_case("true") => (true, "true".into()),
        Some(v) => (false, format!("value {v:?}")),
    })
}

fn nonempty(node: &Node, flag: &str, fix: &str) -> Verdict {
    etcd_setting(node, flag, fix, |v| match v {
        None => (false, "missing".into()),
        Some(v) if v.trim().is_empty() => (false, "empty".into()),
        Some(_) => (true, "set".into()),
    })
}

/// Mention an `ETCD_<FLAG>` environment variable in the static pod, which etcd honours when the flag is absent.
fn with_env_note(node: &Node, v: Verdict, flag: &str) -> Verdict {
    let Some(sp) = node.static_pod(ETCD) else {
        return v;
    };
    let env_name = format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"));
    if sp.text.contains(&env_name) {
        v.comment(format!(
            "{} sets environment variable {env_name}; etcd honours it when the flag is absent. Review it.",
            sp.path
        ))
    } else {
        v
    }
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
    nonempty(
        node,
        "key-file",
        "Set --key-file to the etcd server key in the etcd manifest.",
    )
}

/// CNTR-K8-001500 (V-242428): `--cert-file` set.
pub fn cntr_k8_001500(node: &Node) -> Verdict {
    nonempty(
        node,
        "cert-file",
        "Set --cert-file to the etcd server certificate in the etcd manifest.",
    )
}

/// CNTR-K8-001540 (V-242432): `--peer-cert-file` set.
pub fn cntr_k8_001540(node: &Node) -> Verdict {
    nonempty(
        node,
        "peer-cert-file",
        "Set --peer-cert-file in the etcd manifest.",
    )
}

/// CNTR-K8-001550 (V-242433): `--peer-key-file` set.
pub fn cntr_k8_001550(node: &Node) -> Verdict {
    nonempty(
        node,
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

    #[test]
    fn config_file_replaces_flags() {
        let conf = "client-transport-security:\n  cert-file: /tls/server.crt\n  key-file: /tls/server.key\n  client-cert-auth: true\npeer-transport-security:\n  cert-file: /tls/peer.crt\n  key-file: /tls/peer.key\n  client-cert-auth: true\n";
        let b = tb()
            .static_pod(
                MANIFESTS,
                ETCD,
                &["--config-file=/var/lib/etcd/config", "--auto-tls=false"],
            )
            .file("/var/lib/etcd/config", conf)
            .build();
        let n = Node::new(&b);
        for f in [
            cntr_k8_001450,
            cntr_k8_001480,
            cntr_k8_001490,
            cntr_k8_001500,
            cntr_k8_001540,
            cntr_k8_001550,
        ] {
            let v = f(&n);
            assert_eq!(v.status, Status::NotAFinding, "{v:?}");
            assert!(v.details.contains("/var/lib/etcd/config:"), "{}", v.details);
        }
        // The flag is ignored when a config file is used: auto-tls is not set in the file.
        assert_eq!(cntr_k8_000180(&n).status, Status::Open);
        let b = tb()
            .static_pod(MANIFESTS, ETCD, &["--config-file=/var/lib/etcd/config"])
            .build();
        assert_eq!(cntr_k8_001450(&Node::new(&b)).status, Status::NotReviewed);
    }
}
