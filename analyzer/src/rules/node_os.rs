//! Checks reading node_os.

use super::Verdict;
use crate::evidence::Node;

/// CNTR-K8-000400
pub fn cntr_k8_000400(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000410
pub fn cntr_k8_000410(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000430
pub fn cntr_k8_000430(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
