//! Checks reading files.

use super::Verdict;
use crate::evidence::Node;

/// CNTR-K8-000860
pub fn cntr_k8_000860(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000880
pub fn cntr_k8_000880(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000890
pub fn cntr_k8_000890(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-000900
pub fn cntr_k8_000900(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003110
pub fn cntr_k8_003110(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003120
pub fn cntr_k8_003120(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003130
pub fn cntr_k8_003130(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003140
pub fn cntr_k8_003140(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003150
pub fn cntr_k8_003150(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003160
pub fn cntr_k8_003160(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003170
pub fn cntr_k8_003170(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003180
pub fn cntr_k8_003180(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003190
pub fn cntr_k8_003190(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003200
pub fn cntr_k8_003200(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003210
pub fn cntr_k8_003210(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003220
pub fn cntr_k8_003220(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003230
pub fn cntr_k8_003230(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003240
pub fn cntr_k8_003240(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003260
pub fn cntr_k8_003260(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003270
pub fn cntr_k8_003270(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003330
pub fn cntr_k8_003330(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}

/// CNTR-K8-003340
pub fn cntr_k8_003340(_node: &Node) -> Verdict {
    Verdict::not_reviewed("TODO")
}
