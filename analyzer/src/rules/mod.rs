//! One check per STIG ID.
//!
//! Every node check is a function named after its STIG ID
//! (`CNTR-K8-000150` → `cntr_k8_000150`) in the module of the component it
//! reads, registered in [`NODE_CHECKS`]. A check returns a [`Verdict`]:
//! NotAFinding only when the evidence proves compliance, Open with the
//! evidence, Not_Applicable with the reason, Not_Reviewed when evidence is
//! missing.

use crate::evidence::{Node, Role, ViewKind};
use crate::flags::Flag;
use crate::model::Status;

pub mod apiserver;
pub mod cluster;
pub mod controller_manager;
pub mod etcd;
pub mod files;
pub mod kubelet;
pub mod manual;
pub mod node_os;
pub mod scheduler;

/// The outcome of one check on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub details: String,
    pub comments: String,
}

impl Verdict {
    pub fn new(status: Status, details: impl Into<String>) -> Verdict {
        Verdict {
            status,
            details: details.into(),
            comments: String::new(),
        }
    }
    pub fn open(details: impl Into<String>) -> Verdict {
        Verdict::new(Status::Open, details)
    }
    pub fn pass(details: impl Into<String>) -> Verdict {
        Verdict::new(Status::NotAFinding, details)
    }
    pub fn na(details: impl Into<String>) -> Verdict {
        Verdict::new(Status::NotApplicable, details)
    }
    pub fn not_reviewed(details: impl Into<String>) -> Verdict {
        Verdict::new(Status::NotReviewed, details)
    }
    pub fn comment(mut self, c: impl Into<String>) -> Verdict {
        let c = c.into();
        if !c.is_empty() {
            if !self.comments.is_empty() {
                self.comments.push('\n');
            }
            self.comments.push_str(&c);
        }
        self
    }
}

/// Severity order for combining verdicts: Open is worst, then Not_Reviewed,
/// then NotAFinding, then Not_Applicable.
pub fn rank(s: Status) -> u8 {
    match s {
        Status::Open => 3,
        Status::NotReviewed => 2,
        Status::NotAFinding => 1,
        Status::NotApplicable => 0,
    }
}

/// Combine several partial verdicts into one: the worst status wins and all
/// details are kept, one per line.
pub fn combine(parts: Vec<Verdict>) -> Verdict {
    let mut status = Status::NotApplicable;
    let mut details = Vec::new();
    let mut comments = Vec::new();
    for p in &parts {
        if rank(p.status) > rank(status) {
            status = p.status;
        }
        if !p.details.is_empty() {
            details.push(p.details.clone());
        }
        if !p.comments.is_empty() && !comments.contains(&p.comments) {
            comments.push(p.comments.clone());
        }
    }
    if parts.is_empty() {
        status = Status::NotReviewed;
        details.push("no evidence was evaluated".into());
    }
    Verdict {
        status,
        details: details.join("\n"),
        comments: comments.join("\n"),
    }
}

/// The verdict when a control-plane component is absent from the node.
pub fn component_absent(node: &Node, component: &str) -> Verdict {
    match node.role {
        Role::Worker => Verdict::na(format!(
            "{component} does not run on this node: it is a worker ({} node; no {component} manifest or process found).",
            node.distro.name()
        )),
        Role::ControlPlane if component == crate::evidence::ETCD => Verdict::na(
            "No etcd static pod manifest or process on this control-plane node: etcd is external to it; assess etcd on its own hosts.",
        ),
        Role::ControlPlane => Verdict::not_reviewed(format!(
            "This is a control-plane node but neither a {component} static pod manifest nor a running {component} process is in the bundle."
        )),
        Role::Unknown => Verdict::not_reviewed(format!(
            "The bundle shows no Kubernetes component on this node (no manifests, processes or kubelet); {component} cannot be assessed."
        )),
    }
}

/// Evaluate a flag of a component on every view (static pod manifest, each
/// running process, k3s arguments) and judge on the worst, reporting drift.
/// `judge` gets the effective flag of one view and returns (compliant?, text).
pub fn flag_rule(
    node: &Node,
    component: &str,
    flag: &str,
    judge: impl Fn(Option<&Flag>) -> (bool, String),
) -> Verdict {
    let views = node.views(component);
    if views.is_empty() {
        return component_absent(node, component);
    }
    let mut parts = Vec::new();
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    for view in &views {
        let f = view.flags.get(flag);
        let (ok, text) = judge(f);
        let shown = match f {
            Some(f) => f.cite(),
            None => format!("--{flag} not set"),
        };
        seen.push((view.label.clone(), f.map(|f| f.value_or_true().to_string())));
        let line = format!("{}: {shown}: {text}", view.label);
        let v = if ok {
            Verdict::pass(line)
        } else if f.is_none() && view.kind == ViewKind::DistroArgs {
            Verdict::not_reviewed(line).comment(format!(
                "{} sets built-in defaults for {component} flags that the evidence does not show; confirm --{flag} on the node (for example from the kube-apiserver log or `ps`) before deciding.",
                node.distro.name()
            ))
        } else {
            Verdict::open(line)
        };
        parts.push(v);
    }
    let mut v = combine(parts);
    let distinct: std::collections::BTreeSet<&Option<String>> =
        seen.iter().map(|(_, val)| val).collect();
    if distinct.len() > 1 {
        v.details.push_str(&format!(
            "\nDRIFT: the sources disagree on --{flag} ({}); judged on the worse.",
            seen.iter()
                .map(|(l, val)| format!("{l}: {}", val.as_deref().unwrap_or("unset")))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        v = v.comment("The running process and the manifest on disk disagree: a manifest edit was not applied, or the process was started differently. Both are shown.");
    }
    v
}

/// Flag must be present with a value in `allowed` (case-sensitive as Kubernetes parses it).
pub fn require_value(
    node: &Node,
    component: &str,
    flag: &str,
    allowed: &[&str],
    fix: &str,
) -> Verdict {
    let v = flag_rule(node, component, flag, |f| match f {
        None => (false, "missing".into()),
        Some(f) => {
            let val = f.value_or_true();
            if allowed.contains(&val) {
                (true, "compliant".into())
            } else {
                (
                    false,
                    format!("value {val:?} is not one of {}", allowed.join(", ")),
                )
            }
        }
    });
    fix_comment(v, fix)
}

/// Flag must be present with a non-empty value.
pub fn require_nonempty(node: &Node, component: &str, flag: &str, fix: &str) -> Verdict {
    let v = flag_rule(node, component, flag, |f| match f {
        None => (false, "missing".into()),
        Some(f) if f.value.as_deref().is_none_or(|v| v.trim().is_empty()) => {
            (false, "set without a value".into())
        }
        Some(_) => (true, "set".into()),
    });
    fix_comment(v, fix)
}

/// Flag must be absent.
pub fn forbid_flag(node: &Node, component: &str, flag: &str, fix: &str) -> Verdict {
    let v = flag_rule(node, component, flag, |f| match f {
        None => (true, "not set, as required".into()),
        Some(_) => (false, "present; the STIG forbids it".into()),
    });
    fix_comment(v, fix)
}

/// Numeric flag must be present and at least `min`.
pub fn require_at_least(node: &Node, component: &str, flag: &str, min: i64, fix: &str) -> Verdict {
    let v = flag_rule(node, component, flag, |f| match f {
        None => (false, "missing".into()),
        Some(f) => match f.value_or_true().trim().parse::<i64>() {
            Ok(n) if n >= min => (true, format!("{n} >= {min}")),
            Ok(n) => (false, format!("{n} is below the required {min}")),
            Err(_) => (
                false,
                format!("value {:?} is not a number", f.value_or_true()),
            ),
        },
    });
    fix_comment(v, fix)
}

/// Add the remediation hint as a comment on Open verdicts.
pub fn fix_comment(v: Verdict, fix: &str) -> Verdict {
    if v.status == Status::Open && !fix.is_empty() {
        v.comment(fix)
    } else {
        v
    }
}

/// A node check: reads only the node model.
pub type NodeCheck = fn(&Node) -> Verdict;

/// Registered node checks, keyed by STIG ID.
pub const NODE_CHECKS: &[(&str, NodeCheck)] = &[
    ("CNTR-K8-000150", controller_manager::cntr_k8_000150),
    ("CNTR-K8-000160", scheduler::cntr_k8_000160),
    ("CNTR-K8-000170", apiserver::cntr_k8_000170),
    ("CNTR-K8-000180", etcd::cntr_k8_000180),
    ("CNTR-K8-000190", etcd::cntr_k8_000190),
    ("CNTR-K8-000220", controller_manager::cntr_k8_000220),
    ("CNTR-K8-000270", apiserver::cntr_k8_000270),
    ("CNTR-K8-000300", scheduler::cntr_k8_000300),
    ("CNTR-K8-000310", controller_manager::cntr_k8_000310),
    ("CNTR-K8-000330", kubelet::cntr_k8_000330),
    ("CNTR-K8-000350", apiserver::cntr_k8_000350),
    ("CNTR-K8-000360", apiserver::cntr_k8_000360),
    ("CNTR-K8-000370", kubelet::cntr_k8_000370),
    ("CNTR-K8-000380", kubelet::cntr_k8_000380),
    ("CNTR-K8-000400", node_os::cntr_k8_000400),
    ("CNTR-K8-000410", node_os::cntr_k8_000410),
    ("CNTR-K8-000430", node_os::cntr_k8_000430),
    ("CNTR-K8-000440", kubelet::cntr_k8_000440),
    ("CNTR-K8-000450", kubelet::cntr_k8_000450),
    ("CNTR-K8-000460", kubelet::cntr_k8_000460),
    ("CNTR-K8-000470", apiserver::cntr_k8_000470),
    ("CNTR-K8-000610", apiserver::cntr_k8_000610),
    ("CNTR-K8-000700", apiserver::cntr_k8_000700),
    ("CNTR-K8-000850", kubelet::cntr_k8_000850),
    ("CNTR-K8-000860", files::cntr_k8_000860),
    ("CNTR-K8-000880", files::cntr_k8_000880),
    ("CNTR-K8-000890", files::cntr_k8_000890),
    ("CNTR-K8-000900", files::cntr_k8_000900),
    ("CNTR-K8-000910", controller_manager::cntr_k8_000910),
    ("CNTR-K8-000920", manual::cntr_k8_000920),
    ("CNTR-K8-000930", manual::cntr_k8_000930),
    ("CNTR-K8-000940", manual::cntr_k8_000940),
    ("CNTR-K8-000950", manual::cntr_k8_000950),
    ("CNTR-K8-001300", kubelet::cntr_k8_001300),
    ("CNTR-K8-001162", apiserver::cntr_k8_001162),
    ("CNTR-K8-001400", apiserver::cntr_k8_001400),
    ("CNTR-K8-001410", apiserver::cntr_k8_001410),
    ("CNTR-K8-001420", kubelet::cntr_k8_001420),
    ("CNTR-K8-001430", controller_manager::cntr_k8_001430),
    ("CNTR-K8-001440", apiserver::cntr_k8_001440),
    ("CNTR-K8-001450", etcd::cntr_k8_001450),
    ("CNTR-K8-001460", kubelet::cntr_k8_001460),
    ("CNTR-K8-001470", kubelet::cntr_k8_001470),
    ("CNTR-K8-001480", etcd::cntr_k8_001480),
    ("CNTR-K8-001490", etcd::cntr_k8_001490),
    ("CNTR-K8-001500", etcd::cntr_k8_001500),
    ("CNTR-K8-001510", apiserver::cntr_k8_001510),
    ("CNTR-K8-001520", apiserver::cntr_k8_001520),
    ("CNTR-K8-001530", apiserver::cntr_k8_001530),
    ("CNTR-K8-001540", etcd::cntr_k8_001540),
    ("CNTR-K8-001550", etcd::cntr_k8_001550),
    ("CNTR-K8-001620", kubelet::cntr_k8_001620),
    ("CNTR-K8-002000", apiserver::cntr_k8_002000),
    ("CNTR-K8-002001", kubelet::cntr_k8_002001),
    ("CNTR-K8-002011", apiserver::cntr_k8_002011),
    ("CNTR-K8-002600", apiserver::cntr_k8_002600),
    ("CNTR-K8-002620", apiserver::cntr_k8_002620),
    ("CNTR-K8-002630", apiserver::cntr_k8_002630),
    ("CNTR-K8-002640", apiserver::cntr_k8_002640),
    ("CNTR-K8-003110", files::cntr_k8_003110),
    ("CNTR-K8-003120", files::cntr_k8_003120),
    ("CNTR-K8-003130", files::cntr_k8_003130),
    ("CNTR-K8-003140", files::cntr_k8_003140),
    ("CNTR-K8-003150", files::cntr_k8_003150),
    ("CNTR-K8-003160", files::cntr_k8_003160),
    ("CNTR-K8-003170", files::cntr_k8_003170),
    ("CNTR-K8-003180", files::cntr_k8_003180),
    ("CNTR-K8-003190", files::cntr_k8_003190),
    ("CNTR-K8-003200", files::cntr_k8_003200),
    ("CNTR-K8-003210", files::cntr_k8_003210),
    ("CNTR-K8-003220", files::cntr_k8_003220),
    ("CNTR-K8-003230", files::cntr_k8_003230),
    ("CNTR-K8-003240", files::cntr_k8_003240),
    ("CNTR-K8-003260", files::cntr_k8_003260),
    ("CNTR-K8-003270", files::cntr_k8_003270),
    ("CNTR-K8-003280", apiserver::cntr_k8_003280),
    ("CNTR-K8-003290", apiserver::cntr_k8_003290),
    ("CNTR-K8-003300", apiserver::cntr_k8_003300),
    ("CNTR-K8-003310", apiserver::cntr_k8_003310),
    ("CNTR-K8-003320", apiserver::cntr_k8_003320),
    ("CNTR-K8-003330", files::cntr_k8_003330),
    ("CNTR-K8-003340", files::cntr_k8_003340),
];

/// The node check for a STIG ID.
pub fn node_check(stig_id: &str) -> Option<NodeCheck> {
    NODE_CHECKS
        .iter()
        .find(|(id, _)| *id == stig_id)
        .map(|(_, f)| *f)
}

/// Not_Applicable on a node that is not a control plane, for control-plane-only rules.
pub fn control_plane_only(node: &Node) -> Option<Verdict> {
    match node.role {
        Role::ControlPlane => None,
        Role::Worker => Some(Verdict::na(format!(
            "Control-plane rule; this node is a worker ({}).",
            node.distro.name()
        ))),
        Role::Unknown => Some(Verdict::not_reviewed(
            "The bundle shows no Kubernetes component on this node; the rule cannot be assessed.",
        )),
    }
}

#[cfg(test)]
pub mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_unique_and_named_after_stig_id() {
        let mut ids: Vec<&str> = NODE_CHECKS.iter().map(|(id, _)| *id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(ids.iter().all(|id| id.starts_with("CNTR-K8-")));
    }

    #[test]
    fn combine_worst_wins() {
        let v = combine(vec![
            Verdict::pass("a"),
            Verdict::open("b"),
            Verdict::not_reviewed("c"),
        ]);
        assert_eq!(v.status, Status::Open);
        assert_eq!(v.details, "a\nb\nc");
        assert_eq!(combine(vec![]).status, Status::NotReviewed);
        assert_eq!(
            combine(vec![Verdict::na("x")]).status,
            Status::NotApplicable
        );
    }
}
