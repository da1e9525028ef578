//! Checks reading controller_manager.

use crate::evidence::Node;
use super::Verdict;

/// CNTR-K8-000150
pub fn cntr_k8_000150(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000220
pub fn cntr_k8_000220(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000310
pub fn cntr_k8_000310(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000910
pub fn cntr_k8_000910(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001430
pub fn cntr_k8_001430(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
