//! Checks reading etcd.

use crate::evidence::Node;
use super::Verdict;

/// CNTR-K8-000180
pub fn cntr_k8_000180(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000190
pub fn cntr_k8_000190(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001450
pub fn cntr_k8_001450(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001480
pub fn cntr_k8_001480(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001490
pub fn cntr_k8_001490(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001500
pub fn cntr_k8_001500(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001540
pub fn cntr_k8_001540(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001550
pub fn cntr_k8_001550(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
