//! Checks reading scheduler.

use crate::evidence::Node;
use super::Verdict;

/// CNTR-K8-000160
pub fn cntr_k8_000160(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000300
pub fn cntr_k8_000300(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
