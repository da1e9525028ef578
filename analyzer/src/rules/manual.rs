//! Checks reading manual.

use super::Verdict;
use crate::evidence::Node;

/// CNTR-K8-000920
pub fn cntr_k8_000920(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000930
pub fn cntr_k8_000930(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000940
pub fn cntr_k8_000940(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000950
pub fn cntr_k8_000950(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
