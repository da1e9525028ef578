//! Checks reading kube-controller-manager's flags (static pod manifest and
//! running process; k3s arguments).

use super::{require_nonempty, require_value, Verdict};
use crate::evidence::{Node, CONTROLLER_MANAGER};

/// CNTR-K8-000150 (V-242376): `--tls-min-version` set to VersionTLS12 or VersionTLS13.
/// Absence is a finding although Go's floor is TLS 1.2: the check wants it explicit.
pub fn cntr_k8_000150(node: &Node) -> Verdict {
    require_value(
        node,
        CONTROLLER_MANAGER,
        "tls-min-version",
        &["VersionTLS12", "VersionTLS13"],
        "Set --tls-min-version=VersionTLS12 (or VersionTLS13) in the kube-controller-manager manifest.",
    )
}

/// CNTR-K8-000220 (V-242381): `--use-service-account-credentials=true`.
pub fn cntr_k8_000220(node: &Node) -> Verdict {
    require_value(
        node,
        CONTROLLER_MANAGER,
        "use-service-account-credentials",
        &["true"],
        "Set --use-service-account-credentials=true in the kube-controller-manager manifest.",
    )
}

/// CNTR-K8-000310 (V-242385): `--bind-address=127.0.0.1` exactly.
pub fn cntr_k8_000310(node: &Node) -> Verdict {
    require_value(
        node,
        CONTROLLER_MANAGER,
        "bind-address",
        &["127.0.0.1"],
        "Set --bind-address=127.0.0.1 in the kube-controller-manager manifest.",
    )
}

/// CNTR-K8-000910 (V-242409): `--profiling=false` (the upstream default is true).
pub fn cntr_k8_000910(node: &Node) -> Verdict {
    require_value(
        node,
        CONTROLLER_MANAGER,
        "profiling",
        &["false"],
        "Set --profiling=false in the kube-controller-manager manifest.",
    )
}

/// CNTR-K8-001430 (V-242421): `--root-ca-file` set.
pub fn cntr_k8_001430(node: &Node) -> Verdict {
    require_nonempty(
        node,
        CONTROLLER_MANAGER,
        "root-ca-file",
        "Set --root-ca-file to the cluster CA certificate in the kube-controller-manager manifest.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testutil::*;

    fn cp(flags: &[&str]) -> collector::bundle::VerifiedBundle {
        tb().static_pod(MANIFESTS, CONTROLLER_MANAGER, flags)
            .build()
    }

    #[test]
    fn tls_min_version() {
        let b = cp(&["--tls-min-version=VersionTLS12"]);
        assert_eq!(cntr_k8_000150(&Node::new(&b)).status, Status::NotAFinding);
        let b = cp(&["--tls-min-version=VersionTLS11"]);
        assert_eq!(cntr_k8_000150(&Node::new(&b)).status, Status::Open);
        let b = cp(&[]);
        let v = cntr_k8_000150(&Node::new(&b));
        assert_eq!(v.status, Status::Open);
        assert!(v.details.contains("not set"), "{}", v.details);
        assert!(!v.comments.is_empty());
    }

    #[test]
    fn worker_is_not_applicable() {
        let b = worker("kind: KubeletConfiguration\n", &[]);
        for f in [
            cntr_k8_000150,
            cntr_k8_000220,
            cntr_k8_000310,
            cntr_k8_000910,
            cntr_k8_001430,
        ] {
            assert_eq!(f(&Node::new(&b)).status, Status::NotApplicable);
        }
    }

    #[test]
    fn drift_between_manifest_and_process_is_judged_on_the_worse() {
        let b = tb()
            .static_pod(MANIFESTS, CONTROLLER_MANAGER, &["--profiling=false"])
            .process(
                10,
                CONTROLLER_MANAGER,
                &["kube-controller-manager", "--profiling=true"],
            )
            .build();
        let v = cntr_k8_000910(&Node::new(&b));
        assert_eq!(v.status, Status::Open);
        assert!(v.details.contains("DRIFT"), "{}", v.details);
        let b = tb()
            .static_pod(MANIFESTS, CONTROLLER_MANAGER, &["--profiling=false"])
            .process(
                10,
                CONTROLLER_MANAGER,
                &["kube-controller-manager", "--profiling=false"],
            )
            .build();
        assert_eq!(cntr_k8_000910(&Node::new(&b)).status, Status::NotAFinding);
    }

    #[test]
    fn other_flags() {
        let b = cp(&[
            "--use-service-account-credentials=true",
            "--bind-address=127.0.0.1",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
        ]);
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000220(&n).status, Status::NotAFinding);
        assert_eq!(cntr_k8_000310(&n).status, Status::NotAFinding);
        assert_eq!(cntr_k8_001430(&n).status, Status::NotAFinding);
        let b = cp(&[
            "--use-service-account-credentials=false",
            "--bind-address=0.0.0.0",
            "--root-ca-file=",
        ]);
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000220(&n).status, Status::Open);
        assert_eq!(cntr_k8_000310(&n).status, Status::Open);
        assert_eq!(cntr_k8_001430(&n).status, Status::Open);
    }
}
