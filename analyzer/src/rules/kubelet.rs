//! Checks reading kubelet.

use super::Verdict;
use crate::evidence::Node;

/// CNTR-K8-000330
pub fn cntr_k8_000330(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000370
pub fn cntr_k8_000370(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000380
pub fn cntr_k8_000380(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000440
pub fn cntr_k8_000440(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000450
pub fn cntr_k8_000450(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000460
pub fn cntr_k8_000460(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000850
pub fn cntr_k8_000850(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001300
pub fn cntr_k8_001300(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001420
pub fn cntr_k8_001420(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001460
pub fn cntr_k8_001460(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001470
pub fn cntr_k8_001470(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001620
pub fn cntr_k8_001620(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002001
pub fn cntr_k8_002001(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
