//! Checks reading kube-scheduler's flags.

use super::{require_value, Verdict};
use crate::evidence::{Node, SCHEDULER};

/// CNTR-K8-000160 (V-242377): `--tls-min-version` set to VersionTLS12 or VersionTLS13.
pub fn cntr_k8_000160(node: &Node) -> Verdict {
    require_value(
        node,
        SCHEDULER,
        "tls-min-version",
        &["VersionTLS12", "VersionTLS13"],
        "Set --tls-min-version=VersionTLS12 (or VersionTLS13) in the kube-scheduler manifest.",
    )
}

/// CNTR-K8-000300 (V-242384): `--bind-address=127.0.0.1` exactly (upstream default 0.0.0.0).
pub fn cntr_k8_000300(node: &Node) -> Verdict {
    require_value(
        node,
        SCHEDULER,
        "bind-address",
        &["127.0.0.1"],
        "Set --bind-address=127.0.0.1 in the kube-scheduler manifest.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testutil::*;

    #[test]
    fn scheduler_flags() {
        let b = tb()
            .static_pod(
                MANIFESTS,
                SCHEDULER,
                &["--tls-min-version=VersionTLS13", "--bind-address=127.0.0.1"],
            )
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000160(&n).status, Status::NotAFinding);
        assert_eq!(cntr_k8_000300(&n).status, Status::NotAFinding);
        let b = tb()
            .static_pod(MANIFESTS, SCHEDULER, &["--bind-address", "0.0.0.0"])
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000160(&n).status, Status::Open);
        assert_eq!(cntr_k8_000300(&n).status, Status::Open);
        let b = worker("{}", &[]);
        assert_eq!(cntr_k8_000300(&Node::new(&b)).status, Status::NotApplicable);
    }

    #[test]
    fn nothing_known_is_not_reviewed() {
        let b = tb().build();
        assert_eq!(cntr_k8_000300(&Node::new(&b)).status, Status::NotReviewed);
    }
}
