//! Checks reading the kubelet's effective configuration. The V1R11+ pattern:
//! the setting must be in the config file, and the mere presence of the
//! equivalent command-line flag is a finding even with a compliant value.

use super::{fix_comment, Verdict};
use crate::evidence::{Node, Role, APISERVER, CONTROLLER_MANAGER, SCHEDULER};
use crate::flags::feature_gates;
use crate::kubelet::Kubelet;
use crate::model::Status;
use crate::yaml;
use serde_json::Value;

/// Run `f` on the kubelet, or say why there is none.
fn with_kubelet(node: &Node, f: impl FnOnce(&Kubelet) -> Verdict) -> Verdict {
    match &node.kubelet {
        Some(k) => {
            let mut v = f(k);
            v.details = format!("{}\n({})", v.details, k.describe());
            v
        }
        None => match node.role {
            Role::Unknown => Verdict::not_reviewed("No kubelet process, unit or config file is in the bundle."),
            _ => Verdict::not_reviewed(format!(
                "This {} node shows no kubelet process, unit or config file; the kubelet cannot be assessed.",
                node.role.name()
            )),
        },
    }
}

/// Verdict for a kubelet run inside k3s when the setting is not explicit.
fn embedded_unknown(key: &str) -> Verdict {
    Verdict::not_reviewed(format!(
        "{key} is not set by any kubelet-arg or kubelet config file in the evidence; the kubelet runs inside k3s, which passes built-in kubelet flags that the evidence does not show"
    ))
    .comment("Confirm the effective kubelet setting on the node (for example `k3s kubectl get --raw /api/v1/nodes/<node>/proxy/configz` or the k3s journal) before deciding.")
}

/// Config must be read for a "missing from config" judgement to be a finding.
fn config_missing(k: &Kubelet, key: &str) -> Verdict {
    if k.embedded && !k.has_config() {
        embedded_unknown(key)
    } else if k.has_config() {
        Verdict::open(format!("config key {key} is not set in {}", sources(k)))
    } else if k.config_path.is_none() {
        Verdict::open(format!(
            "the kubelet runs without a --config file, so {key} is not set in one"
        ))
    } else {
        Verdict::not_reviewed(format!(
            "the kubelet config file {} could not be read from the bundle",
            k.config_path.as_deref().unwrap_or("?")
        ))
    }
}

fn sources(k: &Kubelet) -> String {
    k.sources
        .iter()
        .map(|s| s.path.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn cite_config(k: &Kubelet, path: &[&str]) -> Option<(Value, String)> {
    k.config_value(path).map(|(v, src)| {
        let shown = yaml::scalar(&v).unwrap_or_else(|| v.to_string());
        (v, format!("config {}: {shown} ({src})", path.join(".")))
    })
}

/// The common pattern: flag present → Open; else judge the config value.
fn flag_forbidden_config_required(
    node: &Node,
    flag: &str,
    path: &[&str],
    fix: &str,
    judge: impl Fn(&Value) -> Result<String, String>,
) -> Verdict {
    let v = with_kubelet(node, |k| {
        if let Some(f) = k.flag_anywhere(flag) {
            return Verdict::open(format!(
                "kubelet flag {} is set: the STIG makes the flag a finding whatever its value (it overrides the config file)",
                f.cite()
            ));
        }
        match cite_config(k, path) {
            None => config_missing(k, &path.join(".")),
            Some((value, cite)) => match judge(&value) {
                Ok(why) => Verdict::pass(format!("{cite}: {why}; no --{flag} flag")),
                Err(why) => Verdict::open(format!("{cite}: {why}")),
            },
        }
    });
    fix_comment(v, fix)
}

fn as_text(v: &Value) -> String {
    yaml::scalar(v).unwrap_or_else(|| v.to_string())
}

/// CNTR-K8-000330 (V-242387): read-only port disabled. `--read-only-port` flag
/// (any value) → finding; config `readOnlyPort` present and not 0 → finding;
/// absent from both → not a finding when a config file is in use (its default
/// is 0). Without a config file the flag default 10255 applies → Open.
pub fn cntr_k8_000330(node: &Node) -> Verdict {
    let v = with_kubelet(node, |k| {
        if let Some(f) = k.flag_anywhere("read-only-port") {
            return Verdict::open(format!(
                "kubelet flag {} is set: the STIG forbids the flag",
                f.cite()
            ));
        }
        match cite_config(k, &["readOnlyPort"]) {
            Some((v, cite)) if as_text(&v) == "0" => Verdict::pass(format!("{cite}: read-only port disabled")),
            Some((_, cite)) => Verdict::open(format!("{cite}: read-only port enabled")),
            None if k.has_config() => Verdict::pass(format!(
                "readOnlyPort not set in {} (KubeletConfiguration default 0: disabled); no --read-only-port flag",
                sources(k)
            )),
            None if k.embedded => embedded_unknown("readOnlyPort"),
            None if k.config_path.is_none() => Verdict::open(
                "the kubelet runs without a --config file: the command-line default --read-only-port=10255 applies",
            ),
            None => config_missing(k, "readOnlyPort"),
        }
    });
    fix_comment(v, "Remove --read-only-port from the kubelet command line and set readOnlyPort: 0 in the kubelet config file.")
}

/// CNTR-K8-000370 (V-242391): `authentication.anonymous.enabled: false` in
/// config, no `--anonymous-auth` flag.
pub fn cntr_k8_000370(node: &Node) -> Verdict {
    flag_forbidden_config_required(
        node,
        "anonymous-auth",
        &["authentication", "anonymous", "enabled"],
        "Remove --anonymous-auth from the kubelet command line and set authentication.anonymous.enabled: false in the config file.",
        |v| match v.as_bool() {
            Some(false) => Ok("anonymous auth disabled".into()),
            _ => Err("anonymous auth is not disabled".into()),
        },
    )
}

/// CNTR-K8-000380 (V-242392): kubelet authorization mode Webhook. V2R6's
/// literal check requires the `--authorization-mode=Webhook` flag; V1R11
/// required the config key and forbade the flag. kstig judges the effective
/// value (flag, else config) and says when the flag is absent.
pub fn cntr_k8_000380(node: &Node) -> Verdict {
    let v = with_kubelet(node, |k| {
        let setting = k.setting("authorization-mode", &["authorization", "mode"]);
        let cite = setting.cite("authorization-mode", "authorization.mode");
        match setting.text().as_deref() {
            Some("Webhook") => {
                let mut v = Verdict::pass(format!("{cite}: effective mode Webhook"));
                if k.flag("authorization-mode").is_none() {
                    v = v.comment("Set in the config file, not by the --authorization-mode flag that V2R6's check text names; the effective mode is Webhook.");
                }
                v
            }
            Some(other) => Verdict::open(format!("{cite}: effective mode {other}, not Webhook")),
            None if k.has_config() => Verdict::open(format!(
                "{cite}: with a config file the default is Webhook, but neither the flag nor the key is set as the check requires"
            )),
            None if k.embedded => embedded_unknown("authorization.mode"),
            None if k.config_path.is_none() => Verdict::open(format!("{cite}: without a config file the default is AlwaysAllow")),
            None => config_missing(k, "authorization.mode"),
        }
    });
    fix_comment(
        v,
        "Set authorization.mode: Webhook (V2R6 text: --authorization-mode=Webhook).",
    )
}

/// CNTR-K8-000440 (V-242397): worker kubelets must not enable static pods:
/// `staticPodPath` in config or `--pod-manifest-path` (process or systemd
/// unit) → finding on a worker. Control-plane nodes need static pods.
pub fn cntr_k8_000440(node: &Node) -> Verdict {
    if node.role == Role::ControlPlane {
        return Verdict::na(format!(
            "Worker-node rule; this is a control-plane node ({}), whose components run as static pods.",
            node.distro.name()
        ));
    }
    let v = with_kubelet(node, |k| {
        let mut parts = Vec::new();
        if let Some(f) = k.flags.get("pod-manifest-path") {
            parts.push(Verdict::open(format!(
                "kubelet flag {} enables static pods",
                f.cite()
            )));
        }
        if let Some(f) = k.unit_flags.get("pod-manifest-path") {
            parts.push(Verdict::open(format!("systemd unit sets {}", f.cite())));
        }
        match cite_config(k, &["staticPodPath"]) {
            Some((v, cite)) if !as_text(&v).trim().is_empty() => parts.push(Verdict::open(
                format!("{cite}: static pods enabled on a worker"),
            )),
            Some((_, cite)) => parts.push(Verdict::pass(format!("{cite}: empty"))),
            None if k.has_config() || k.config_path.is_none() => parts.push(Verdict::pass(
                "staticPodPath not set in the config".to_string(),
            )),
            None => parts.push(config_missing(k, "staticPodPath")),
        }
        super::combine(parts)
    });
    fix_comment(v, "Remove staticPodPath from the worker's kubelet config and --pod-manifest-path from its command line (stock kubeadm writes staticPodPath on every node).")
}

/// The kubelet `--feature-gates` flag: V-242398/V-242399/V-254801 make any
/// such flag a finding.
fn feature_gate_flag(k: &Kubelet) -> Option<Verdict> {
    k.flag_anywhere("feature-gates").map(|f| {
        Verdict::open(format!(
            "kubelet flag {} is set: the STIG makes any kubelet --feature-gates flag a finding",
            f.cite()
        ))
    })
}

/// CNTR-K8-000450 (V-242398): DynamicAuditing not enabled: any manifest
/// `--feature-gates` with DynamicAuditing=true, any kubelet `--feature-gates`
/// flag, or config `featureGates.DynamicAuditing: true` → finding.
pub fn cntr_k8_000450(node: &Node) -> Verdict {
    let mut parts = Vec::new();
    for sp in &node.static_pods {
        if let Some(f) = sp.flags.get("feature-gates") {
            let on = feature_gates(f.value_or_true())
                .into_iter()
                .any(|(g, v)| g == "DynamicAuditing" && v == "true");
            parts.push(if on {
                Verdict::open(format!(
                    "manifest {}: {} enables DynamicAuditing",
                    sp.path,
                    f.cite()
                ))
            } else {
                Verdict::pass(format!(
                    "manifest {}: {} does not enable DynamicAuditing",
                    sp.path,
                    f.cite()
                ))
            });
        }
    }
    match &node.kubelet {
        Some(k) => {
            if let Some(v) = feature_gate_flag(k) {
                parts.push(v);
            }
            match cite_config(k, &["featureGates", "DynamicAuditing"]) {
                Some((v, cite)) if v.as_bool() == Some(true) => {
                    parts.push(Verdict::open(format!("{cite}: enabled")))
                }
                Some((_, cite)) => parts.push(Verdict::pass(format!("{cite}: not enabled"))),
                None if k.has_config() || k.config_path.is_none() => parts.push(Verdict::pass(
                    "kubelet config does not enable DynamicAuditing".to_string(),
                )),
                None => parts.push(config_missing(k, "featureGates")),
            }
        }
        None if node.static_pods.is_empty() => {
            return Verdict::not_reviewed(
                "Neither static pod manifests nor a kubelet are in the bundle.",
            )
        }
        None => {}
    }
    if parts.is_empty() {
        parts.push(Verdict::pass("no --feature-gates in any manifest"));
    }
    fix_comment(super::combine(parts), "Remove DynamicAuditing=true from every --feature-gates and featureGates, and remove the kubelet --feature-gates flag.")
}

/// CNTR-K8-000460 (V-242399): DynamicKubeletConfig disabled, Kubernetes
/// <= 1.25 only (the gate was removed in 1.26). Not_Applicable from 1.26 on,
/// with the version found; Not_Reviewed when no version is known.
pub fn cntr_k8_000460(node: &Node) -> Verdict {
    let Some(ver) = node.kube_version() else {
        return Verdict::not_reviewed("No Kubernetes version evidence (binary --version, package or image tag): the rule applies only up to 1.25.");
    };
    if (ver.major, ver.minor) >= (1, 26) {
        return Verdict::na(format!(
            "Kubernetes {} ({}): the DynamicKubeletConfig gate was removed in 1.26; the rule applies only up to 1.25.",
            ver.text, ver.source
        ));
    }
    let mut parts = Vec::new();
    for sp in &node.static_pods {
        let off = sp.flags.get("feature-gates").is_some_and(|f| {
            feature_gates(f.value_or_true())
                .into_iter()
                .any(|(g, v)| g == "DynamicKubeletConfig" && v == "false")
        });
        parts.push(if off {
            Verdict::pass(format!(
                "manifest {}: --feature-gates has DynamicKubeletConfig=false",
                sp.path
            ))
        } else {
            Verdict::open(format!(
                "manifest {}: --feature-gates does not set DynamicKubeletConfig=false",
                sp.path
            ))
        });
    }
    if let Some(k) = &node.kubelet {
        if let Some(v) = feature_gate_flag(k) {
            parts.push(v);
        }
        match cite_config(k, &["featureGates", "DynamicKubeletConfig"]) {
            Some((v, cite)) if v.as_bool() == Some(false) => {
                parts.push(Verdict::pass(format!("{cite}: disabled")))
            }
            Some((_, cite)) => parts.push(Verdict::open(format!("{cite}: not disabled"))),
            None => parts.push(config_missing(k, "featureGates.DynamicKubeletConfig")),
        }
    }
    let mut v = super::combine(parts);
    v.details = format!("Kubernetes {} ({}).\n{}", ver.text, ver.source, v.details);
    fix_comment(
        v,
        "Set DynamicKubeletConfig=false in every --feature-gates and in the kubelet featureGates.",
    )
}

/// CNTR-K8-000850 (V-242404): no `--hostname-override` on the kubelet
/// (command line, unit files, kubeadm-flags.env, KUBELET_EXTRA_ARGS).
pub fn cntr_k8_000850(node: &Node) -> Verdict {
    let v = with_kubelet(node, |k| {
        match k.flag_anywhere("hostname-override") {
        Some(f) => Verdict::open(format!("kubelet flag {} is set", f.cite())),
        None => Verdict::pass("no --hostname-override on the kubelet command line or in its unit and environment files"),
    }
    });
    fix_comment(
        v,
        "Remove --hostname-override from the kubelet command line and environment files.",
    )
}

/// CNTR-K8-001300 (V-245541): `streamingConnectionIdleTimeout` >= 5m in
/// config, no flag. 0 disables the timeout → finding.
pub fn cntr_k8_001300(node: &Node) -> Verdict {
    flag_forbidden_config_required(
        node,
        "streaming-connection-idle-timeout",
        &["streamingConnectionIdleTimeout"],
        "Remove --streaming-connection-idle-timeout and set streamingConnectionIdleTimeout: 5m (or more) in the kubelet config.",
        |v| match crate::flags::go_duration_secs(&as_text(v)) {
            Some(s) if s >= 300.0 => Ok(format!("{s} seconds >= 5m")),
            Some(s) => Err(format!("{s} seconds is below 5m")),
            None => Err(format!("{:?} is not a duration", as_text(v))),
        },
    )
}

/// CNTR-K8-001420 (V-242420): `authentication.x509.clientCAFile` set in
/// config, no `--client-ca-file` flag. Evaluated on every node (the text says
/// "on the Control Plane" but it is a kubelet setting).
pub fn cntr_k8_001420(node: &Node) -> Verdict {
    nonempty_config(
        node,
        "client-ca-file",
        &["authentication", "x509", "clientCAFile"],
        "Remove --client-ca-file and set authentication.x509.clientCAFile in the kubelet config.",
    )
}

fn nonempty_config(node: &Node, flag: &str, path: &[&str], fix: &str) -> Verdict {
    flag_forbidden_config_required(node, flag, path, fix, |v| {
        if as_text(v).trim().is_empty() {
            Err("empty".into())
        } else {
            Ok("set".into())
        }
    })
}

/// CNTR-K8-001460 (V-242424): `tlsPrivateKeyFile` set in config, no
/// `--tls-private-key-file` flag. Stock kubeadm (self-signed serving cert or
/// rotation) is a literal finding.
pub fn cntr_k8_001460(node: &Node) -> Verdict {
    let v = nonempty_config(
        node,
        "tls-private-key-file",
        &["tlsPrivateKeyFile"],
        "Remove --tls-private-key-file and set tlsPrivateKeyFile in the kubelet config.",
    );
    serving_cert_note(node, v)
}

/// CNTR-K8-001470 (V-242425): `tlsCertFile` set in config, no `--tls-cert-file` flag.
pub fn cntr_k8_001470(node: &Node) -> Verdict {
    let v = nonempty_config(
        node,
        "tls-cert-file",
        &["tlsCertFile"],
        "Remove --tls-cert-file and set tlsCertFile in the kubelet config.",
    );
    serving_cert_note(node, v)
}

fn serving_cert_note(node: &Node, v: Verdict) -> Verdict {
    let rotating = node
        .kubelet
        .as_ref()
        .and_then(|k| k.config_value(&["serverTLSBootstrap"]))
        .is_some_and(|(v, _)| v.as_bool() == Some(true));
    if v.status == Status::Open && rotating {
        v.comment("serverTLSBootstrap: true (serving certificates from the cluster CA, rotated): the STIG still asks for the file keys explicitly.")
    } else {
        v
    }
}

/// CNTR-K8-001620 (V-242434): `protectKernelDefaults: true` in config, no flag.
pub fn cntr_k8_001620(node: &Node) -> Verdict {
    flag_forbidden_config_required(
        node,
        "protect-kernel-defaults",
        &["protectKernelDefaults"],
        "Remove --protect-kernel-defaults and set protectKernelDefaults: true in the kubelet config.",
        |v| match v.as_bool() {
            Some(true) => Ok("true".into()),
            _ => Err("not true".into()),
        },
    )
}

/// CNTR-K8-002001 (V-254801): PodSecurity feature gate enabled on the
/// control-plane static pods and kubelets. The gate went GA in 1.25 and was
/// removed in 1.28 (setting it then stops the components), so from 1.28 on
/// the rule is Not_Applicable with the version; without version evidence it
/// is Not_Reviewed.
pub fn cntr_k8_002001(node: &Node) -> Verdict {
    let Some(ver) = node.kube_version() else {
        return Verdict::not_reviewed(
            "No Kubernetes version evidence: the PodSecurity gate exists only up to 1.27.",
        );
    };
    if (ver.major, ver.minor) >= (1, 28) {
        return Verdict::na(format!(
            "Kubernetes {} ({}): the PodSecurity feature gate was removed in 1.28 (Pod Security Admission is always on); setting it would stop the components from starting.",
            ver.text, ver.source
        ));
    }
    let mut parts = Vec::new();
    for c in [APISERVER, CONTROLLER_MANAGER, SCHEDULER] {
        if let Some(sp) = node.static_pod(c) {
            let on = sp.flags.get("feature-gates").is_some_and(|f| {
                feature_gates(f.value_or_true())
                    .into_iter()
                    .any(|(g, v)| g == "PodSecurity" && v == "true")
            });
            parts.push(if on {
                Verdict::pass(format!("manifest {}: PodSecurity=true", sp.path))
            } else {
                Verdict::open(format!(
                    "manifest {}: --feature-gates does not set PodSecurity=true",
                    sp.path
                ))
            });
        }
    }
    if let Some(k) = &node.kubelet {
        if let Some(v) = feature_gate_flag(k) {
            parts.push(v);
        }
        match cite_config(k, &["featureGates", "PodSecurity"]) {
            Some((v, cite)) if v.as_bool() == Some(true) => {
                parts.push(Verdict::pass(format!("{cite}: enabled")))
            }
            Some((_, cite)) => parts.push(Verdict::open(format!("{cite}: not enabled"))),
            None => parts.push(config_missing(k, "featureGates.PodSecurity")),
        }
    }
    let mut v = super::combine(parts);
    v.details = format!("Kubernetes {} ({}).\n{}", ver.text, ver.source, v.details);
    fix_comment(v, "Set PodSecurity=true in --feature-gates of the control-plane manifests and featureGates of the kubelet config.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::*;

    const HARDENED: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\nstreamingConnectionIdleTimeout: 5m\nprotectKernelDefaults: true\ntlsCertFile: /var/lib/kubelet/pki/kubelet.crt\ntlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key\n";

    fn st(f: fn(&Node) -> Verdict, config: &str, flags: &[&str]) -> Status {
        let b = worker(config, flags);
        f(&Node::new(&b)).status
    }

    #[test]
    fn hardened_worker_passes() {
        for f in [
            cntr_k8_000330,
            cntr_k8_000370,
            cntr_k8_000380,
            cntr_k8_000440,
            cntr_k8_000450,
            cntr_k8_000850,
            cntr_k8_001300,
            cntr_k8_001420,
            cntr_k8_001460,
            cntr_k8_001470,
            cntr_k8_001620,
        ] {
            let b = worker(HARDENED, &[]);
            let v = f(&Node::new(&b));
            assert_eq!(v.status, Status::NotAFinding, "{v:?}");
        }
    }

    #[test]
    fn flag_presence_is_a_finding_even_when_compliant() {
        assert_eq!(
            st(cntr_k8_000330, HARDENED, &["--read-only-port=0"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_000370, HARDENED, &["--anonymous-auth=false"]),
            Status::Open
        );
        assert_eq!(
            st(
                cntr_k8_001300,
                HARDENED,
                &["--streaming-connection-idle-timeout=5m"]
            ),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_001420, HARDENED, &["--client-ca-file=/ca"]),
            Status::Open
        );
        assert_eq!(
            st(
                cntr_k8_001620,
                HARDENED,
                &["--protect-kernel-defaults=true"]
            ),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_000450, HARDENED, &["--feature-gates=Foo=true"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_000850, HARDENED, &["--hostname-override=x"]),
            Status::Open
        );
    }

    #[test]
    fn config_values() {
        let c = HARDENED.replace("readOnlyPort: 0", "readOnlyPort: 10255");
        assert_eq!(st(cntr_k8_000330, &c, &[]), Status::Open);
        let c = HARDENED.replace("readOnlyPort: 0\n", "");
        assert_eq!(st(cntr_k8_000330, &c, &[]), Status::NotAFinding);
        let c = HARDENED.replace("enabled: false", "enabled: true");
        assert_eq!(st(cntr_k8_000370, &c, &[]), Status::Open);
        let c = HARDENED.replace("mode: Webhook", "mode: AlwaysAllow");
        assert_eq!(st(cntr_k8_000380, &c, &[]), Status::Open);
        assert_eq!(
            st(
                cntr_k8_000380,
                HARDENED,
                &["--authorization-mode=AlwaysAllow"]
            ),
            Status::Open
        );
        let c = HARDENED.replace("5m", "4m");
        assert_eq!(st(cntr_k8_001300, &c, &[]), Status::Open);
        let c = HARDENED.replace("5m", "0");
        assert_eq!(st(cntr_k8_001300, &c, &[]), Status::Open);
        let c = HARDENED.replace("protectKernelDefaults: true\n", "");
        assert_eq!(st(cntr_k8_001620, &c, &[]), Status::Open);
        let c = format!("{HARDENED}staticPodPath: /etc/kubernetes/manifests\n");
        assert_eq!(st(cntr_k8_000440, &c, &[]), Status::Open);
        assert_eq!(
            st(cntr_k8_000440, HARDENED, &["--pod-manifest-path=/x"]),
            Status::Open
        );
        let c = format!("{HARDENED}featureGates:\n  DynamicAuditing: true\n");
        assert_eq!(st(cntr_k8_000450, &c, &[]), Status::Open);
    }

    #[test]
    fn drop_in_overrides_config_file() {
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", HARDENED)
            .file(
                "/etc/kubernetes/kubelet.conf.d/10-override.conf",
                "readOnlyPort: 10255\n",
            )
            .process(
                900,
                "kubelet",
                &[
                    "kubelet",
                    "--config=/var/lib/kubelet/config.yaml",
                    "--config-dir=/etc/kubernetes/kubelet.conf.d",
                ],
            )
            .build();
        let v = cntr_k8_000330(&Node::new(&b));
        assert_eq!(v.status, Status::Open);
        assert!(v.details.contains("10-override.conf"), "{}", v.details);
    }

    #[test]
    fn unit_rebuilt_when_not_running() {
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", HARDENED)
            .file("/usr/lib/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet\n")
            .file(
                "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
                "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\nEnvironmentFile=-/etc/sysconfig/kubelet\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_EXTRA_ARGS\n",
            )
            .file("/etc/sysconfig/kubelet", "KUBELET_EXTRA_ARGS=\"--read-only-port=0 --hostname-override=w1\"\n")
            .build();
        let n = Node::new(&b);
        let v = cntr_k8_000330(&n);
        assert_eq!(v.status, Status::Open);
        assert!(
            v.details.contains("/etc/sysconfig/kubelet"),
            "{}",
            v.details
        );
        assert_eq!(cntr_k8_000850(&n).status, Status::Open);
        assert_eq!(cntr_k8_000370(&n).status, Status::NotAFinding);
    }

    #[test]
    fn missing_config_file_is_not_reviewed_not_passed() {
        let b = tb()
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000370(&n).status, Status::NotReviewed);
        assert_eq!(cntr_k8_000330(&n).status, Status::NotReviewed);
    }

    #[test]
    fn no_config_file_uses_flag_defaults() {
        let b = tb()
            .process(900, "kubelet", &["kubelet", "--kubeconfig=/k"])
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000330(&n).status, Status::Open);
        assert_eq!(cntr_k8_000380(&n).status, Status::Open);
    }

    #[test]
    fn static_pods_allowed_on_control_plane() {
        let b = tb()
            .static_pod(MANIFESTS, "kube-apiserver", &[])
            .file(
                "/var/lib/kubelet/config.yaml",
                &format!("{HARDENED}staticPodPath: /etc/kubernetes/manifests\n"),
            )
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .build();
        assert_eq!(cntr_k8_000440(&Node::new(&b)).status, Status::NotApplicable);
    }

    #[test]
    fn version_bound_rules() {
        let b = tb()
            .file("/var/lib/kubelet/config.yaml", HARDENED)
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .version_output("/usr/bin/kubelet", "Kubernetes v1.30.4\n")
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000460(&n).status, Status::NotApplicable);
        assert_eq!(cntr_k8_002001(&n).status, Status::NotApplicable);
        let b = tb()
            .file(
                "/var/lib/kubelet/config.yaml",
                &format!("{HARDENED}featureGates:\n  PodSecurity: true\n"),
            )
            .process(
                900,
                "kubelet",
                &["kubelet", "--config=/var/lib/kubelet/config.yaml"],
            )
            .package("kubelet", "1.25.3-00")
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000460(&n).status, Status::Open);
        assert_eq!(cntr_k8_002001(&n).status, Status::NotAFinding);
        let b = worker(HARDENED, &[]);
        assert_eq!(cntr_k8_000460(&Node::new(&b)).status, Status::NotReviewed);
    }

    #[test]
    fn k3s_embedded_kubelet_absent_settings_are_not_reviewed() {
        let b = tb()
            .file(
                "/etc/rancher/k3s/config.yaml",
                "kubelet-arg:\n- feature-gates=Foo=true\n",
            )
            .process(50, "k3s-server", &["/usr/local/bin/k3s", "server"])
            .build();
        let n = Node::new(&b);
        for f in [
            cntr_k8_000330,
            cntr_k8_000370,
            cntr_k8_000380,
            cntr_k8_001420,
            cntr_k8_001620,
        ] {
            assert_eq!(f(&n).status, Status::NotReviewed, "{:?}", f(&n));
        }
        // Explicit kubelet-arg flags are judged.
        assert_eq!(cntr_k8_000450(&n).status, Status::Open);
    }

    #[test]
    fn no_kubelet_is_not_reviewed() {
        let b = tb().build();
        assert_eq!(cntr_k8_000370(&Node::new(&b)).status, Status::NotReviewed);
    }
}
