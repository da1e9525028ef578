//! Checks reading apiserver.

use super::Verdict;
use crate::evidence::Node;

/// CNTR-K8-000170
pub fn cntr_k8_000170(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000270
pub fn cntr_k8_000270(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000350
pub fn cntr_k8_000350(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000360
pub fn cntr_k8_000360(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000470
pub fn cntr_k8_000470(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000610
pub fn cntr_k8_000610(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000700
pub fn cntr_k8_000700(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001162
pub fn cntr_k8_001162(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001400
pub fn cntr_k8_001400(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001410
pub fn cntr_k8_001410(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001440
pub fn cntr_k8_001440(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001510
pub fn cntr_k8_001510(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001520
pub fn cntr_k8_001520(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-001530
pub fn cntr_k8_001530(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002000
pub fn cntr_k8_002000(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002011
pub fn cntr_k8_002011(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002600
pub fn cntr_k8_002600(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002620
pub fn cntr_k8_002620(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002630
pub fn cntr_k8_002630(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-002640
pub fn cntr_k8_002640(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003280
pub fn cntr_k8_003280(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003290
pub fn cntr_k8_003290(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003300
pub fn cntr_k8_003300(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003310
pub fn cntr_k8_003310(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003320
pub fn cntr_k8_003320(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
