//! Rules a person decides (PPSM CAL ports): always Not_Reviewed, with the
//! evidence the reviewer needs gathered in the details.

use super::{component_absent, Verdict};
use crate::evidence::{Distro, Node, StaticPod, APISERVER, CONTROLLER_MANAGER, ETCD, SCHEDULER};
use crate::yaml;
use serde_json::Value;

/// A port setting a component has when the flag is not given.
struct PortDefault {
    flag: &'static str,
    value: &'static str,
    meaning: &'static str,
}

/// Everything a reviewer needs about one component's ports and protocols.
struct Ppsm {
    component: &'static str,
    /// Flags that open, bind or name ports and endpoints.
    flags: &'static [&'static str],
    defaults: &'static [PortDefault],
    decide: &'static str,
}

const DECIDE_TAIL: &str = "listed in the system's PPS documentation and compliant with the current DoD PPSM CAL (https://cyber.mil/ppsm/cal/)? Any undocumented or non-compliant port, protocol or service is Open; otherwise NotAFinding.";

/// Ports of one container of a static pod: `ports` and probe endpoints.
fn container_ports(c: &Value) -> Vec<String> {
    let name = c
        .get("name")
        .and_then(yaml::scalar)
        .unwrap_or_else(|| "?".into());
    let mut out = Vec::new();
    if let Some(ports) = c.get("ports").and_then(|p| p.as_array()) {
        for p in ports {
            let mut parts = Vec::new();
            for key in ["name", "containerPort", "hostPort", "hostIP", "protocol"] {
                if let Some(v) = p.get(key).and_then(yaml::scalar) {
                    parts.push(format!("{key} {v}"));
                }
            }
            if p.get("protocol").is_none() {
                parts.push("protocol TCP (default)".into());
            }
            out.push(format!("container {name} port: {}", parts.join(", ")));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(pr) = c.get(probe) else { continue };
        if let Some(h) = pr.get("httpGet") {
            let field = |k: &str| h.get(k).and_then(yaml::scalar);
            out.push(format!(
                "container {name} {probe}: httpGet {}://{}:{}{}",
                field("scheme")
                    .unwrap_or_else(|| "HTTP".into())
                    .to_ascii_lowercase(),
                field("host").unwrap_or_else(|| "<pod IP>".into()),
                field("port").unwrap_or_else(|| "?".into()),
                field("path").unwrap_or_default()
            ));
        }
        if let Some(t) = pr.get("tcpSocket") {
            out.push(format!(
                "container {name} {probe}: tcpSocket port {}",
                t.get("port")
                    .and_then(yaml::scalar)
                    .unwrap_or_else(|| "?".into())
            ));
        }
        if let Some(g) = pr.get("grpc") {
            out.push(format!(
                "container {name} {probe}: grpc port {}",
                g.get("port")
                    .and_then(yaml::scalar)
                    .unwrap_or_else(|| "?".into())
            ));
        }
    }
    out
}

/// Ports declared in a static pod manifest.
fn pod_ports(sp: &StaticPod) -> Vec<String> {
    let mut out = Vec::new();
    if yaml::get(&sp.pod, &["spec", "hostNetwork"]).and_then(|v| v.as_bool()) == Some(true) {
        out.push(format!(
            "manifest {}: hostNetwork: true (the component's ports are the node's ports)",
            sp.path
        ));
    }
    if let Some(cs) = yaml::get(&sp.pod, &["spec", "containers"]).and_then(|c| c.as_array()) {
        for c in cs {
            for line in container_ports(c) {
                out.push(format!("manifest {}: {line}", sp.path));
            }
        }
    }
    out
}

/// Distribution-specific ports a reviewer should know about.
fn distro_note(node: &Node, component: &str) -> Option<String> {
    match (node.distro, component) {
        (Distro::K3s, APISERVER) => Some(
            "k3s: the k3s supervisor listens on 6443 and proxies to kube-apiserver on 127.0.0.1:6444 (distribution default)".into(),
        ),
        (Distro::Rke2, APISERVER) => Some(
            "RKE2: the rke2 supervisor also listens on 9345 for node registration (distribution default)".into(),
        ),
        _ => None,
    }
}

fn ppsm(node: &Node, spec: &Ppsm) -> Verdict {
    let views = node.views(spec.component);
    if views.is_empty() {
        return component_absent(node, spec.component);
    }
    let mut lines = Vec::new();
    for view in &views {
        for flag in spec.flags {
            if let Some(f) = view.flags.get(flag) {
                lines.push(format!("{}: {}", view.label, f.cite()));
            }
        }
    }
    for d in spec.defaults {
        if !views.iter().any(|v| v.flags.has(d.flag)) {
            lines.push(format!(
                "{}: {} (default: no --{} in any source)",
                d.meaning, d.value, d.flag
            ));
        }
    }
    if let Some(sp) = node.static_pod(spec.component) {
        lines.extend(pod_ports(sp));
    }
    if let Some(note) = distro_note(node, spec.component) {
        lines.push(note);
    }
    lines.push(format!("Decide: {} {DECIDE_TAIL}", spec.decide));
    Verdict::not_reviewed(lines.join("\n")).comment(
        "A person decides this rule against the system's PPS documentation and the PPSM CAL; the ports above are what the node's evidence shows. Also review `kubectl get services -A` for this component.",
    )
}

/// CNTR-K8-000920 (V-242410): the API server's ports, protocols and services
/// conform to the PPSM CAL.
///
/// Manual: always Not_Reviewed on a node running kube-apiserver. Details:
/// --secure-port, --port/--insecure-port, --bind-address,
/// --advertise-address, --etcd-servers (outbound), probe and container
/// ports of the static pod, default 6443 when --secure-port is not set.
pub fn cntr_k8_000920(node: &Node) -> Verdict {
    ppsm(
        node,
        &Ppsm {
            component: APISERVER,
            flags: &[
                "secure-port",
                "port",
                "insecure-port",
                "bind-address",
                "insecure-bind-address",
                "advertise-address",
                "etcd-servers",
            ],
            defaults: &[PortDefault {
                flag: "secure-port",
                value: "6443/TCP HTTPS",
                meaning: "kube-apiserver secure port",
            }],
            decide:
                "are the kube-apiserver's listening port(s) and the etcd client connections above",
        },
    )
}

/// CNTR-K8-000930 (V-242411): the scheduler's ports, protocols and services
/// conform to the PPSM CAL.
///
/// Manual: always Not_Reviewed on a node running kube-scheduler. Details:
/// --secure-port, --port, --bind-address, probe and container ports,
/// default 10259 when --secure-port is not set.
pub fn cntr_k8_000930(node: &Node) -> Verdict {
    ppsm(
        node,
        &Ppsm {
            component: SCHEDULER,
            flags: &[
                "secure-port",
                "port",
                "insecure-port",
                "bind-address",
                "address",
            ],
            defaults: &[PortDefault {
                flag: "secure-port",
                value: "10259/TCP HTTPS",
                meaning: "kube-scheduler secure port",
            }],
            decide: "are the kube-scheduler's port(s) and bind address above",
        },
    )
}

/// CNTR-K8-000940 (V-242412): the controller manager's ports, protocols and
/// services conform to the PPSM CAL.
///
/// Manual: always Not_Reviewed on a node running kube-controller-manager.
/// Details: --secure-port, --port, --bind-address, probe and container
/// ports, default 10257 when --secure-port is not set.
pub fn cntr_k8_000940(node: &Node) -> Verdict {
    ppsm(
        node,
        &Ppsm {
            component: CONTROLLER_MANAGER,
            flags: &[
                "secure-port",
                "port",
                "insecure-port",
                "bind-address",
                "address",
            ],
            defaults: &[PortDefault {
                flag: "secure-port",
                value: "10257/TCP HTTPS",
                meaning: "kube-controller-manager secure port",
            }],
            decide: "are the kube-controller-manager's port(s) and bind address above",
        },
    )
}

/// CNTR-K8-000950 (V-242413): etcd's ports, protocols and services conform
/// to the PPSM CAL.
///
/// Manual: always Not_Reviewed on a node running etcd; Not_Applicable on a
/// worker or when etcd is external. Details: --listen-client-urls,
/// --listen-peer-urls, --listen-metrics-urls, --advertise-client-urls,
/// --initial-advertise-peer-urls, probe and container ports, defaults 2379
/// (client) and 2380 (peer) when not set.
pub fn cntr_k8_000950(node: &Node) -> Verdict {
    ppsm(
        node,
        &Ppsm {
            component: ETCD,
            flags: &[
                "listen-client-urls",
                "listen-peer-urls",
                "listen-metrics-urls",
                "advertise-client-urls",
                "initial-advertise-peer-urls",
            ],
            defaults: &[
                PortDefault {
                    flag: "listen-client-urls",
                    value: "http://localhost:2379",
                    meaning: "etcd client URLs",
                },
                PortDefault {
                    flag: "listen-peer-urls",
                    value: "http://localhost:2380",
                    meaning: "etcd peer URLs",
                },
            ],
            decide: "are etcd's client, peer and metrics URLs above (ports and http/https)",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testutil::{assert_status, run, tb, worker, MANIFESTS};

    /// A kubeadm-like etcd manifest with ports and probes.
    const ETCD_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: etcd
spec:
  hostNetwork: true
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.15-0
    command:
    - etcd
    - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379
    - --listen-peer-urls=https://10.0.0.1:2380
    - --listen-metrics-urls=http://127.0.0.1:2381
    ports:
    - containerPort: 2379
      hostPort: 2379
      name: client
    livenessProbe:
      httpGet:
        host: 127.0.0.1
        path: /livez
        port: 2381
        scheme: HTTP
    startupProbe:
      tcpSocket:
        port: 2381
";

    #[test]
    fn k8_000920_lists_flags_defaults_and_decision() {
        let b = tb()
            .static_pod(
                MANIFESTS,
                "kube-apiserver",
                &[
                    "--advertise-address=10.0.0.1",
                    "--etcd-servers=https://127.0.0.1:2379",
                ],
            )
            .process(
                10,
                "kube-apiserver",
                &["kube-apiserver", "--secure-port=6443"],
            )
            .build();
        let v = run(&b, cntr_k8_000920);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("--etcd-servers=https://127.0.0.1:2379"));
        assert!(v
            .details
            .contains("running kube-apiserver pid 10: --secure-port=6443 (pid 10 argv[1])"));
        // Set in one source: no default line.
        assert!(!v.details.contains("(default: no --secure-port"));
        assert!(v.details.contains("\nDecide: "));
        assert!(!v.comments.is_empty());
    }

    #[test]
    fn k8_000920_default_port_and_na_on_worker() {
        let b = tb().static_pod(MANIFESTS, "kube-apiserver", &[]).build();
        let v = run(&b, cntr_k8_000920);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains(
            "kube-apiserver secure port: 6443/TCP HTTPS (default: no --secure-port in any source)"
        ));
        let w = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&w, cntr_k8_000920), Status::NotApplicable);
    }

    #[test]
    fn k8_000930_scheduler() {
        let b = tb()
            .static_pod(MANIFESTS, "kube-scheduler", &["--bind-address=127.0.0.1"])
            .build();
        let v = run(&b, cntr_k8_000930);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("--bind-address=127.0.0.1"));
        assert!(v.details.contains("10259/TCP HTTPS (default"));
        let w = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&w, cntr_k8_000930), Status::NotApplicable);
    }

    #[test]
    fn k8_000940_controller_manager() {
        let b = tb()
            .static_pod(
                MANIFESTS,
                "kube-controller-manager",
                &["--secure-port=10257"],
            )
            .build();
        let v = run(&b, cntr_k8_000940);
        assert_status(&v, Status::NotReviewed);
        assert!(v.details.contains("--secure-port=10257"));
        assert!(!v.details.contains("(default"));
        let w = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&w, cntr_k8_000940), Status::NotApplicable);
    }

    #[test]
    fn k8_000950_etcd_urls_ports_and_probes() {
        let b = tb()
            .file(&format!("{MANIFESTS}/etcd.yaml"), ETCD_POD)
            .build();
        let v = run(&b, cntr_k8_000950);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("--listen-peer-urls=https://10.0.0.1:2380"));
        assert!(v.details.contains("container etcd port: name client, containerPort 2379, hostPort 2379, protocol TCP (default)"));
        assert!(v
            .details
            .contains("container etcd livenessProbe: httpGet http://127.0.0.1:2381/livez"));
        assert!(v
            .details
            .contains("container etcd startupProbe: tcpSocket port 2381"));
        assert!(v.details.contains("hostNetwork: true"));
        assert!(!v.details.contains("(default: no --listen-client-urls"));
    }

    #[test]
    fn k8_000950_na_for_worker_and_external_etcd() {
        let w = worker("kind: KubeletConfiguration\n", &[]);
        assert_status(&run(&w, cntr_k8_000950), Status::NotApplicable);
        let b = tb().static_pod(MANIFESTS, "kube-apiserver", &[]).build();
        let v = run(&b, cntr_k8_000950);
        assert_status(&v, Status::NotApplicable);
        assert!(v.details.contains("external"));
    }

    #[test]
    fn k8_000950_defaults_when_unset() {
        let b = tb().static_pod(MANIFESTS, "etcd", &["--name=n1"]).build();
        let v = run(&b, cntr_k8_000950);
        assert_status(&v, Status::NotReviewed);
        assert!(v
            .details
            .contains("etcd client URLs: http://localhost:2379 (default"));
        assert!(v
            .details
            .contains("etcd peer URLs: http://localhost:2380 (default"));
    }

    #[test]
    fn missing_evidence_is_not_reviewed() {
        // Nothing Kubernetes in the bundle.
        assert_status(&run(&tb().build(), cntr_k8_000920), Status::NotReviewed);
        // A control plane without a scheduler manifest or process.
        let b = tb().static_pod(MANIFESTS, "kube-apiserver", &[]).build();
        assert_status(&run(&b, cntr_k8_000930), Status::NotReviewed);
    }
}
