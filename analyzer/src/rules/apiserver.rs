//! Checks reading kube-apiserver's flags and the files they name (audit
//! policy, admission configuration, encryption configuration).

use super::{
    combine, component_absent, fix_comment, flag_rule, forbid_flag, require_at_least,
    require_nonempty, require_value, Verdict,
};
use crate::evidence::{Node, ViewKind, APISERVER};
use crate::flags::{feature_gates, go_duration_secs, list};
use crate::model::Status;
use crate::yaml;
use collector::manifest::FileRecord;
use serde_json::Value;

/// CNTR-K8-000170 (V-242378): `--tls-min-version` VersionTLS12 or VersionTLS13.
pub fn cntr_k8_000170(node: &Node) -> Verdict {
    require_value(
        node,
        APISERVER,
        "tls-min-version",
        &["VersionTLS12", "VersionTLS13"],
        "Set --tls-min-version=VersionTLS12 (or VersionTLS13) in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-000270 (V-242382): `--authorization-mode` present and never AlwaysAllow.
/// V2R6's check fails only a missing flag or AlwaysAllow; the title asks for
/// Node,RBAC, so a mode list without Node or RBAC gets a comment.
pub fn cntr_k8_000270(node: &Node) -> Verdict {
    let structured = node
        .views(APISERVER)
        .iter()
        .any(|v| v.flags.has("authorization-config") && !v.flags.has("authorization-mode"));
    if structured {
        return Verdict::not_reviewed(
            "kube-apiserver uses --authorization-config (structured authorization) instead of --authorization-mode; the STIG check names only the flag.",
        )
        .comment("Review the AuthorizationConfiguration file: it must not authorize everything (no AlwaysAllow) and should chain Node and RBAC.");
    }
    let mut v = flag_rule(node, APISERVER, "authorization-mode", |f| match f {
        None => (false, "missing".into()),
        Some(f) => {
            let modes = list(f.value_or_true());
            if modes.iter().any(|m| m == "AlwaysAllow") {
                (false, "includes AlwaysAllow".into())
            } else if modes.is_empty() {
                (false, "empty".into())
            } else {
                (true, format!("modes {}", modes.join(",")))
            }
        }
    });
    for view in node.views(APISERVER) {
        if let Some(f) = view.flags.get("authorization-mode") {
            let modes = list(f.value_or_true());
            if !(modes.iter().any(|m| m == "Node") && modes.iter().any(|m| m == "RBAC")) {
                v = v.comment(format!(
                    "{}: the modes do not include both Node and RBAC, which the rule title and fix text ask for.",
                    view.label
                ));
            }
        }
    }
    fix_comment(
        v,
        "Set --authorization-mode=Node,RBAC in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-000350 (V-242389): `--secure-port` present and not 0.
pub fn cntr_k8_000350(node: &Node) -> Verdict {
    let v = flag_rule(node, APISERVER, "secure-port", |f| match f {
        None => (false, "missing (the check requires it explicitly)".into()),
        Some(f) => match f.value_or_true().trim().parse::<u32>() {
            Ok(0) => (false, "0 disables the secure port".into()),
            Ok(p) => (true, format!("port {p}")),
            Err(_) => (
                false,
                format!("{:?} is not a port number", f.value_or_true()),
            ),
        },
    });
    fix_comment(
        v,
        "Set --secure-port to a port greater than 0 (6443) in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-000360 (V-242390): anonymous authentication disabled.
/// The literal check fails only `--anonymous-auth=true`; the upstream default
/// is true, so an absent flag leaves anonymous auth ON: kstig reports it Open
/// unless an `--authentication-config` file disables anonymous access.
pub fn cntr_k8_000360(node: &Node) -> Verdict {
    let views = node.views(APISERVER);
    if views.is_empty() {
        return component_absent(node, APISERVER);
    }
    let mut parts = Vec::new();
    for view in &views {
        match view.flags.get("anonymous-auth") {
            Some(f) if f.value_or_true().eq_ignore_ascii_case("false") => {
                parts.push(Verdict::pass(format!(
                    "{}: {}: anonymous auth disabled",
                    view.label,
                    f.cite()
                )))
            }
            Some(f) => parts.push(Verdict::open(format!(
                "{}: {}: anonymous auth enabled",
                view.label,
                f.cite()
            ))),
            None => {
                let authn = view
                    .flags
                    .get("authentication-config")
                    .and_then(|f| f.value.clone());
                let from_file = authn.as_deref().and_then(|p| {
                    let (rec, host) = apiserver_file(node, p)?;
                    let v = yaml::parse(node.text_of(rec)?).ok()?;
                    let enabled =
                        yaml::get(&v, &["anonymous", "enabled"]).and_then(|e| e.as_bool());
                    Some((host, enabled))
                });
                match from_file {
                    Some((host, Some(false))) => parts.push(Verdict::pass(format!(
                        "{}: --anonymous-auth not set; AuthenticationConfiguration {host} sets anonymous.enabled: false",
                        view.label
                    ))),
                    _ if view.kind == ViewKind::DistroArgs => parts.push(
                        Verdict::not_reviewed(format!("{}: --anonymous-auth not set explicitly", view.label)).comment(format!(
                            "{} sets built-in API server defaults the evidence does not show; confirm anonymous auth is disabled.",
                            node.distro.name()
                        )),
                    ),
                    _ => parts.push(
                        Verdict::open(format!(
                            "{}: --anonymous-auth not set: the API server default is true, so anonymous requests are accepted",
                            view.label
                        ))
                        .comment("The literal check fails only an explicit --anonymous-auth=true, but the upstream default is true; kstig reports the effective state. Set --anonymous-auth=false."),
                    ),
                }
            }
        }
    }
    fix_comment(
        combine(parts),
        "Set --anonymous-auth=false in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-000470 (V-242400): `--feature-gates` must not contain AllAlpha=true.
/// The check greps every manifest; every static pod's gates are read.
pub fn cntr_k8_000470(node: &Node) -> Verdict {
    let views = node.views(APISERVER);
    if views.is_empty() {
        return component_absent(node, APISERVER);
    }
    let mut parts = Vec::new();
    let mut check = |label: String, gates: Option<&crate::flags::Flag>| match gates {
        None => parts.push(Verdict::pass(format!(
            "{label}: --feature-gates not set (AllAlpha off)"
        ))),
        Some(f) => {
            let on = feature_gates(f.value_or_true())
                .into_iter()
                .any(|(k, v)| k == "AllAlpha" && v == "true");
            if on {
                parts.push(Verdict::open(format!(
                    "{label}: {}: AllAlpha=true enables every alpha API",
                    f.cite()
                )))
            } else {
                parts.push(Verdict::pass(format!(
                    "{label}: {}: AllAlpha not enabled",
                    f.cite()
                )))
            }
        }
    };
    for view in &views {
        check(view.label.clone(), view.flags.get("feature-gates"));
    }
    for sp in &node.static_pods {
        if sp.component != Some(APISERVER) {
            check(
                format!("manifest {}", sp.path),
                sp.flags.get("feature-gates"),
            );
        }
    }
    let mut v = fix_comment(combine(parts), "Remove AllAlpha=true from --feature-gates.");
    for view in &views {
        if let Some(f) = view.flags.get("runtime-config") {
            if f.value_or_true().contains("api/alpha=true")
                || f.value_or_true().contains("api/all=true")
            {
                v = v.comment(format!("{}: {} enables alpha APIs through --runtime-config (not covered by the literal check).", view.label, f.cite()));
            }
        }
    }
    v
}

/// CNTR-K8-000610 (V-242402): `--audit-log-path` set.
pub fn cntr_k8_000610(node: &Node) -> Verdict {
    require_nonempty(
        node,
        APISERVER,
        "audit-log-path",
        "Set --audit-log-path in the kube-apiserver manifest.",
    )
}

/// Find a file named by an API server flag: through the static pod's hostPath
/// mounts, as given, or through a running process's root.
fn apiserver_file<'b>(node: &Node<'b>, path: &str) -> Option<(&'b FileRecord, String)> {
    if let Some(sp) = node.static_pod(APISERVER) {
        let host = sp.host_path(path);
        if let Some(r) = node.file(&host) {
            return Some((r, host));
        }
    }
    if let Some(r) = node.file(path) {
        return Some((r, path.to_string()));
    }
    for p in node.processes(APISERVER) {
        if let Some(r) = node.file_via(p.pid, path) {
            return Some((r, format!("/proc/{}/root{}", p.pid, path)));
        }
    }
    None
}

/// Evaluate a YAML file named by a flag on every view.
fn file_rule(
    node: &Node,
    flag: &str,
    fix: &str,
    judge: impl Fn(&str, &str, &Value) -> Verdict,
) -> Verdict {
    let views = node.views(APISERVER);
    if views.is_empty() {
        return component_absent(node, APISERVER);
    }
    let mut parts = Vec::new();
    for view in &views {
        let Some(f) = view.flags.get(flag) else {
            parts.push(Verdict::open(format!("{}: --{flag} not set", view.label)));
            continue;
        };
        let path = f.value_or_true();
        let Some((rec, host)) = apiserver_file(node, path) else {
            parts.push(Verdict::not_reviewed(format!(
                "{}: {}: the file is not in the bundle",
                view.label,
                f.cite()
            )));
            continue;
        };
        let Some(text) = node.text_of(rec) else {
            parts.push(Verdict::not_reviewed(format!(
                "{}: {}: {host} content was not captured",
                view.label,
                f.cite()
            )));
            continue;
        };
        match yaml::parse(text) {
            Ok(value) => {
                let mut v = judge(&host, text, &value);
                v.details = format!("{}: {}: {}", view.label, f.cite(), v.details);
                parts.push(v);
            }
            Err(e) => parts.push(Verdict::open(format!(
                "{}: {}: {host} is not valid YAML: {e}",
                view.label,
                f.cite()
            ))),
        }
    }
    fix_comment(combine(parts), fix)
}

fn check_policy_header<'a>(host: &str, v: &'a Value) -> Result<&'a Vec<Value>, String> {
    let api = v.get("apiVersion").and_then(|a| a.as_str()).unwrap_or("");
    let kind = v.get("kind").and_then(|a| a.as_str()).unwrap_or("");
    if kind != "Policy" || !api.starts_with("audit.k8s.io/") {
        return Err(format!(
            "{host} is not an audit Policy (apiVersion {api:?}, kind {kind:?})"
        ));
    }
    match v.get("rules").and_then(|r| r.as_array()) {
        Some(r) if !r.is_empty() => Ok(r),
        _ => Err(format!("{host} has no rules")),
    }
}

/// CNTR-K8-000700 (V-242403): the audit policy logs every request at
/// RequestResponse. kstig passes only a policy whose first rule is an
/// unrestricted `level: RequestResponse` (rules match first-wins, so any
/// earlier or narrower rule logs some requests at a lower level).
pub fn cntr_k8_000700(node: &Node) -> Verdict {
    file_rule(
        node,
        "audit-policy-file",
        "Make the first rule of the audit policy `- level: RequestResponse` with no selectors.",
        |host, text, v| {
            let rules = match check_policy_header(host, v) {
                Ok(r) => r,
                Err(e) => return Verdict::open(e),
            };
            let first = &rules[0];
            let level = first.get("level").and_then(|l| l.as_str()).unwrap_or("");
            let selectors: Vec<&str> = [
                "users",
                "userGroups",
                "verbs",
                "resources",
                "namespaces",
                "nonResourceURLs",
            ]
            .into_iter()
            .filter(|k| first.get(*k).is_some())
            .collect();
            let line = yaml::key_line(text, "rules")
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            if level == "RequestResponse" && selectors.is_empty() {
                let mut v = Verdict::pass(format!(
                    "{host}{line}: first rule is a catch-all level RequestResponse"
                ));
                if first.get("omitStages").is_some() {
                    v = v.comment(
                        "The catch-all rule has omitStages; review which stages are not logged.",
                    );
                }
                v
            } else {
                Verdict::open(format!(
                    "{host}{line}: first rule is level {level:?}{}; not every request is logged at RequestResponse",
                    if selectors.is_empty() { String::new() } else { format!(" restricted by {}", selectors.join(", ")) }
                ))
            }
        },
    )
}

/// CNTR-K8-001162 (V-274882): secrets encrypted at rest: an
/// EncryptionConfiguration whose entry covering `secrets` does not start with
/// the `identity` provider. Key material never reaches the bundle; only the
/// structure (resources and provider order) is read.
pub fn cntr_k8_001162(node: &Node) -> Verdict {
    file_rule(
        node,
        "encryption-provider-config",
        "Set --encryption-provider-config to an EncryptionConfiguration whose secrets entry starts with an encrypting provider (aescbc, aesgcm, secretbox or kms).",
        |host, _text, v| {
            let kind = v.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            if kind != "EncryptionConfiguration" {
                return Verdict::open(format!("{host} is not an EncryptionConfiguration (kind {kind:?})"));
            }
            let Some(resources) = v.get("resources").and_then(|r| r.as_array()) else {
                return Verdict::open(format!("{host} lists no resources"));
            };
            for entry in resources {
                let names: Vec<String> = entry
                    .get("resources")
                    .and_then(|r| r.as_array())
                    .map(|a| a.iter().filter_map(yaml::scalar).collect())
                    .unwrap_or_default();
                let covers = names.iter().any(|n| n == "secrets" || n == "*.*" || n == "*." );
                if !covers {
                    continue;
                }
                let providers: Vec<String> = entry
                    .get("providers")
                    .and_then(|p| p.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| p.as_object().and_then(|o| o.keys().next().cloned()))
                            .collect()
                    })
                    .unwrap_or_default();
                return match providers.first().map(String::as_str) {
                    None => Verdict::open(format!("{host}: the entry for {} has no providers", names.join(","))),
                    Some("identity") => Verdict::open(format!(
                        "{host}: the entry for {} starts with provider identity (providers: {}): secrets are written unencrypted",
                        names.join(","),
                        providers.join(", ")
                    )),
                    Some(first) => Verdict::pass(format!(
                        "{host}: the entry for {} starts with provider {first} (providers: {})",
                        names.join(","),
                        providers.join(", ")
                    ))
                    .comment("Secrets written before encryption was enabled stay unencrypted until rewritten (kubectl get secrets -A -o json | kubectl replace -f -)."),
                };
            }
            Verdict::open(format!("{host}: no resources entry covers secrets"))
        },
    )
}

/// CNTR-K8-001400 (V-242418): `--tls-cipher-suites` includes the four approved suites.
pub fn cntr_k8_001400(node: &Node) -> Verdict {
    const REQUIRED: [&str; 4] = [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    ];
    let mut v = flag_rule(node, APISERVER, "tls-cipher-suites", |f| match f {
        None => (false, "missing".into()),
        Some(f) => {
            let have = list(f.value_or_true());
            let missing: Vec<&str> = REQUIRED
                .iter()
                .copied()
                .filter(|r| !have.iter().any(|h| h == r))
                .collect();
            if have.is_empty() {
                (false, "empty".into())
            } else if missing.is_empty() {
                (true, "includes all four required suites".into())
            } else {
                (false, format!("missing {}", missing.join(", ")))
            }
        }
    });
    for view in node.views(APISERVER) {
        if let Some(f) = view.flags.get("tls-cipher-suites") {
            let extra: Vec<String> = list(f.value_or_true())
                .into_iter()
                .filter(|h| !REQUIRED.contains(&h.as_str()))
                .collect();
            if !extra.is_empty() {
                v = v.comment(format!(
                    "{}: additional suites beyond the four the fix text sets: {}",
                    view.label,
                    extra.join(", ")
                ));
            }
        }
    }
    fix_comment(
        v,
        &format!("Set --tls-cipher-suites={}.", REQUIRED.join(",")),
    )
}

/// CNTR-K8-001410 (V-242419): `--client-ca-file` set.
pub fn cntr_k8_001410(node: &Node) -> Verdict {
    require_nonempty(
        node,
        APISERVER,
        "client-ca-file",
        "Set --client-ca-file to the cluster CA in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-001440 (V-242422): `--tls-cert-file` and `--tls-private-key-file` set.
pub fn cntr_k8_001440(node: &Node) -> Verdict {
    let fix = "Set --tls-cert-file and --tls-private-key-file in the kube-apiserver manifest.";
    combine(vec![
        require_nonempty(node, APISERVER, "tls-cert-file", fix),
        require_nonempty(node, APISERVER, "tls-private-key-file", fix),
    ])
}

/// CNTR-K8-001510 (V-242429): `--etcd-cafile` set.
pub fn cntr_k8_001510(node: &Node) -> Verdict {
    require_nonempty(
        node,
        APISERVER,
        "etcd-cafile",
        "Set --etcd-cafile in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-001520 (V-242430): `--etcd-certfile` set.
pub fn cntr_k8_001520(node: &Node) -> Verdict {
    require_nonempty(
        node,
        APISERVER,
        "etcd-certfile",
        "Set --etcd-certfile in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-001530 (V-242431): `--etcd-keyfile` set.
pub fn cntr_k8_001530(node: &Node) -> Verdict {
    require_nonempty(
        node,
        APISERVER,
        "etcd-keyfile",
        "Set --etcd-keyfile in the kube-apiserver manifest.",
    )
}

/// CNTR-K8-002000 (V-242436): `--enable-admission-plugins` includes
/// ValidatingAdmissionWebhook. DISA labels the check "pre-1.25"; it is
/// evaluated literally, with the effective state in a comment (the plugin is
/// on by default unless disabled).
pub fn cntr_k8_002000(node: &Node) -> Verdict {
    let mut v = flag_rule(node, APISERVER, "enable-admission-plugins", |f| match f {
        None => (false, "missing".into()),
        Some(f) => {
            if list(f.value_or_true())
                .iter()
                .any(|p| p == "ValidatingAdmissionWebhook")
            {
                (true, "includes ValidatingAdmissionWebhook".into())
            } else {
                (false, "does not include ValidatingAdmissionWebhook".into())
            }
        }
    });
    if v.status == Status::Open {
        let disabled = node.views(APISERVER).iter().any(|view| {
            view.flags
                .get("disable-admission-plugins")
                .is_some_and(|f| {
                    list(f.value_or_true())
                        .iter()
                        .any(|p| p == "ValidatingAdmissionWebhook")
                })
        });
        v = v.comment(if disabled {
            "ValidatingAdmissionWebhook is explicitly disabled by --disable-admission-plugins."
        } else {
            "ValidatingAdmissionWebhook is enabled by default on current API servers unless disabled; the STIG check requires it to be listed explicitly."
        });
    }
    fix_comment(
        v,
        "Add ValidatingAdmissionWebhook to --enable-admission-plugins.",
    )
}

/// CNTR-K8-002011 (V-254800): `--admission-control-config-file` names an
/// AdmissionConfiguration with a PodSecurity plugin configuration that
/// enforces least privilege: kstig passes `defaults.enforce` baseline or
/// restricted and lists exemptions for the reviewer.
pub fn cntr_k8_002011(node: &Node) -> Verdict {
    let views = node.views(APISERVER);
    if views.is_empty() {
        return component_absent(node, APISERVER);
    }
    let mut parts = Vec::new();
    for view in &views {
        let Some(f) = view.flags.get("admission-control-config-file") else {
            parts.push(Verdict::open(format!(
                "{}: --admission-control-config-file not set",
                view.label
            )));
            continue;
        };
        let path = f.value_or_true();
        let loaded = apiserver_file(node, path).and_then(|(rec, host)| {
            let text = node.text_of(rec)?;
            Some((host, text, yaml::parse(text)))
        });
        let Some((host, text, parsed)) = loaded else {
            parts.push(Verdict::not_reviewed(format!(
                "{}: {}: file not in the bundle or not captured",
                view.label,
                f.cite()
            )));
            continue;
        };
        let value = match parsed {
            Ok(v) => v,
            Err(e) => {
                parts.push(Verdict::open(format!(
                    "{}: {host} is not valid YAML: {e}",
                    view.label
                )));
                continue;
            }
        };
        let plugin = value
            .get("plugins")
            .and_then(|p| p.as_array())
            .and_then(|a| {
                a.iter()
                    .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("PodSecurity"))
            });
        let Some(plugin) = plugin else {
            parts.push(Verdict::open(format!(
                "{}: {host} has no PodSecurity plugin configuration",
                view.label
            )));
            continue;
        };
        let line = yaml::line_of(text, "PodSecurity")
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        let config = match (
            plugin.get("configuration"),
            plugin.get("path").and_then(|p| p.as_str()),
        ) {
            (Some(c), _) => Some((format!("{host}{line}"), c.clone())),
            (None, Some(p)) => {
                let resolved = if p.starts_with('/') {
                    p.to_string()
                } else {
                    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                    format!("{dir}/{p}")
                };
                apiserver_file(node, &resolved)
                    .and_then(|(rec, h)| Some((h, yaml::parse(node.text_of(rec)?).ok()?)))
            }
            (None, None) => None,
        };
        let Some((where_, cfg)) = config else {
            parts.push(Verdict::not_reviewed(format!(
                "{}: {host}{line}: the PodSecurity configuration it references is not in the bundle",
                view.label
            )));
            continue;
        };
        let enforce = yaml::get(&cfg, &["defaults", "enforce"])
            .and_then(|e| e.as_str())
            .unwrap_or("");
        let ex = |k: &str| -> Vec<String> {
            yaml::get(&cfg, &["exemptions", k])
                .and_then(|a| a.as_array())
                .map(|a| a.iter().filter_map(yaml::scalar).collect())
                .unwrap_or_default()
        };
        let exemptions: Vec<String> = ["namespaces", "usernames", "runtimeClasses"]
            .into_iter()
            .filter_map(|k| {
                let e = ex(k);
                (!e.is_empty()).then(|| format!("{k}: {}", e.join(", ")))
            })
            .collect();
        let mut v = match enforce {
            "baseline" | "restricted" => Verdict::pass(format!("{}: {where_}: PodSecurity defaults.enforce = {enforce}", view.label)),
            "" => Verdict::open(format!("{}: {where_}: PodSecurity configuration sets no defaults.enforce (defaults to privileged)", view.label)),
            other => Verdict::open(format!("{}: {where_}: PodSecurity defaults.enforce = {other}: not least privilege", view.label)),
        };
        if !exemptions.is_empty() {
            v = v.comment(format!(
                "PodSecurity exemptions to review: {}",
                exemptions.join("; ")
            ));
        }
        parts.push(v);
    }
    fix_comment(
        combine(parts),
        "Point --admission-control-config-file at an AdmissionConfiguration whose PodSecurity defaults enforce baseline or restricted.",
    )
}

/// CNTR-K8-002600 (V-242438): `--request-timeout` set and not 0.
pub fn cntr_k8_002600(node: &Node) -> Verdict {
    let v = flag_rule(node, APISERVER, "request-timeout", |f| match f {
        None => (
            false,
            "missing (the check requires it; upstream default 60s)".into(),
        ),
        Some(f) => match go_duration_secs(f.value_or_true()) {
            Some(s) if s > 0.0 => (true, format!("{s} seconds")),
            Some(_) => (false, "0 disables the timeout".into()),
            None => (false, format!("{:?} is not a duration", f.value_or_true())),
        },
    });
    fix_comment(v, "Set --request-timeout to a non-zero duration (for example 60s) in the kube-apiserver manifest.")
}

/// CNTR-K8-002620 (V-245542): no `--basic-auth-file`.
pub fn cntr_k8_002620(node: &Node) -> Verdict {
    forbid_flag(
        node,
        APISERVER,
        "basic-auth-file",
        "Remove --basic-auth-file from the kube-apiserver manifest.",
    )
}

/// CNTR-K8-002630 (V-245543): no `--token-auth-file`.
pub fn cntr_k8_002630(node: &Node) -> Verdict {
    forbid_flag(
        node,
        APISERVER,
        "token-auth-file",
        "Remove --token-auth-file from the kube-apiserver manifest.",
    )
}

/// CNTR-K8-002640 (V-245544): `--kubelet-client-certificate` and `--kubelet-client-key` set.
pub fn cntr_k8_002640(node: &Node) -> Verdict {
    let fix =
        "Set --kubelet-client-certificate and --kubelet-client-key in the kube-apiserver manifest.";
    combine(vec![
        require_nonempty(node, APISERVER, "kubelet-client-certificate", fix),
        require_nonempty(node, APISERVER, "kubelet-client-key", fix),
    ])
}

/// CNTR-K8-003280 (V-242461): `--audit-policy-file` names a valid audit
/// Policy (parses, apiVersion audit.k8s.io/*, kind Policy, at least one rule).
pub fn cntr_k8_003280(node: &Node) -> Verdict {
    file_rule(
        node,
        "audit-policy-file",
        "Set --audit-policy-file to a valid audit.k8s.io/v1 Policy.",
        |host, _t, v| match check_policy_header(host, v) {
            Ok(rules) => {
                Verdict::pass(format!("{host}: audit Policy with {} rule(s)", rules.len()))
            }
            Err(e) => Verdict::open(e),
        },
    )
}

/// CNTR-K8-003290 (V-242462): `--audit-log-maxsize` >= 100.
pub fn cntr_k8_003290(node: &Node) -> Verdict {
    require_at_least(
        node,
        APISERVER,
        "audit-log-maxsize",
        100,
        "Set --audit-log-maxsize=100 (or more).",
    )
}

/// CNTR-K8-003300 (V-242463): `--audit-log-maxbackup` >= 10.
pub fn cntr_k8_003300(node: &Node) -> Verdict {
    require_at_least(
        node,
        APISERVER,
        "audit-log-maxbackup",
        10,
        "Set --audit-log-maxbackup=10 (or more).",
    )
}

/// CNTR-K8-003310 (V-242464): `--audit-log-maxage` >= 30.
pub fn cntr_k8_003310(node: &Node) -> Verdict {
    require_at_least(
        node,
        APISERVER,
        "audit-log-maxage",
        30,
        "Set --audit-log-maxage=30 (or more).",
    )
}

/// CNTR-K8-003320 (V-242465): `--audit-log-path` set to a valid path:
/// absolute. `-` (standard output) is for the reviewer.
pub fn cntr_k8_003320(node: &Node) -> Verdict {
    let mut v = flag_rule(node, APISERVER, "audit-log-path", |f| {
        match f.map(|f| f.value_or_true()) {
            None => (false, "missing".into()),
            Some("-") => (true, "\"-\" writes the audit log to standard output".into()),
            Some(p) if p.starts_with('/') => (true, "absolute path".into()),
            Some(p) => (false, format!("{p:?} is not an absolute path")),
        }
    });
    let stdout = node.views(APISERVER).iter().any(|view| {
        view.flags
            .get("audit-log-path")
            .is_some_and(|f| f.value_or_true() == "-")
    });
    if stdout && v.status == Status::NotAFinding {
        v.status = Status::NotReviewed;
        v = v.comment("The audit log goes to standard output: confirm the container log is collected and retained.");
    }
    if let (Some(sp), Status::NotAFinding) = (node.static_pod(APISERVER), v.status) {
        if let Some(p) = sp.flags.get("audit-log-path").and_then(|f| f.value.clone()) {
            let host = sp.host_path(&p);
            if host == p && !sp.mounts.iter().any(|(_, m)| p.starts_with(m.as_str())) {
                v = v.comment(format!("{p} is not on a hostPath volume of the kube-apiserver pod: the log is lost when the container restarts."));
            }
        }
    }
    fix_comment(
        v,
        "Set --audit-log-path to an absolute path on a hostPath volume.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::*;

    fn api(flags: &[&str]) -> collector::bundle::VerifiedBundle {
        tb().static_pod(MANIFESTS, APISERVER, flags).build()
    }

    fn st(f: fn(&Node) -> Verdict, flags: &[&str]) -> Status {
        let b = api(flags);
        f(&Node::new(&b)).status
    }

    #[test]
    fn simple_flags() {
        assert_eq!(
            st(cntr_k8_000170, &["--tls-min-version=VersionTLS12"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_000170, &[]), Status::Open);
        assert_eq!(
            st(cntr_k8_000270, &["--authorization-mode=Node,RBAC"]),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_000270, &["--authorization-mode=AlwaysAllow"]),
            Status::Open
        );
        assert_eq!(st(cntr_k8_000270, &[]), Status::Open);
        assert_eq!(
            st(
                cntr_k8_000270,
                &["--authorization-config=/etc/k/authz.yaml"]
            ),
            Status::NotReviewed
        );
        assert_eq!(
            st(cntr_k8_000350, &["--secure-port=6443"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_000350, &["--secure-port=0"]), Status::Open);
        assert_eq!(st(cntr_k8_000350, &[]), Status::Open);
        assert_eq!(
            st(cntr_k8_000360, &["--anonymous-auth=false"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_000360, &["--anonymous-auth=true"]), Status::Open);
        assert_eq!(st(cntr_k8_000360, &[]), Status::Open);
        assert_eq!(st(cntr_k8_000470, &[]), Status::NotAFinding);
        assert_eq!(
            st(cntr_k8_000470, &["--feature-gates=AllAlpha=true"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_000470, &["--feature-gates=AllAlpha=false"]),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_000610, &["--audit-log-path=/var/log/audit.log"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_000610, &[]), Status::Open);
        assert_eq!(
            st(
                cntr_k8_001410,
                &["--client-ca-file=/etc/kubernetes/pki/ca.crt"]
            ),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_001440, &["--tls-cert-file=/a.crt"]),
            Status::Open
        );
        assert_eq!(
            st(
                cntr_k8_001440,
                &["--tls-cert-file=/a.crt", "--tls-private-key-file=/a.key"]
            ),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_001510, &["--etcd-cafile=/ca"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_001520, &[]), Status::Open);
        assert_eq!(
            st(cntr_k8_001530, &["--etcd-keyfile=/k"]),
            Status::NotAFinding
        );
        assert_eq!(
            st(
                cntr_k8_002000,
                &["--enable-admission-plugins=NodeRestriction,ValidatingAdmissionWebhook"]
            ),
            Status::NotAFinding
        );
        assert_eq!(
            st(
                cntr_k8_002000,
                &["--enable-admission-plugins=NodeRestriction"]
            ),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_002600, &["--request-timeout=60s"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_002600, &["--request-timeout=0s"]), Status::Open);
        assert_eq!(st(cntr_k8_002600, &[]), Status::Open);
        assert_eq!(st(cntr_k8_002620, &[]), Status::NotAFinding);
        assert_eq!(st(cntr_k8_002620, &["--basic-auth-file=/x"]), Status::Open);
        assert_eq!(st(cntr_k8_002630, &["--token-auth-file=/x"]), Status::Open);
        assert_eq!(
            st(
                cntr_k8_002640,
                &["--kubelet-client-certificate=/c", "--kubelet-client-key=/k"]
            ),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_002640, &["--kubelet-client-certificate=/c"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_003290, &["--audit-log-maxsize=100"]),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_003290, &["--audit-log-maxsize=99"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_003300, &["--audit-log-maxbackup=10"]),
            Status::NotAFinding
        );
        assert_eq!(st(cntr_k8_003310, &["--audit-log-maxage=29"]), Status::Open);
        assert_eq!(
            st(cntr_k8_003310, &["--audit-log-maxage=abc"]),
            Status::Open
        );
        assert_eq!(
            st(cntr_k8_003320, &["--audit-log-path=/var/log/k/audit.log"]),
            Status::NotAFinding
        );
        assert_eq!(
            st(cntr_k8_003320, &["--audit-log-path=-"]),
            Status::NotReviewed
        );
        assert_eq!(
            st(cntr_k8_003320, &["--audit-log-path=audit.log"]),
            Status::Open
        );
    }

    #[test]
    fn ciphers() {
        let all = "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
        assert_eq!(st(cntr_k8_001400, &[all]), Status::NotAFinding);
        assert_eq!(
            st(
                cntr_k8_001400,
                &["--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
            ),
            Status::Open
        );
        assert_eq!(st(cntr_k8_001400, &[]), Status::Open);
    }

    #[test]
    fn worker_not_applicable() {
        let b = worker("{}", &[]);
        let n = Node::new(&b);
        for f in [
            cntr_k8_000170,
            cntr_k8_000360,
            cntr_k8_000700,
            cntr_k8_001162,
            cntr_k8_002011,
        ] {
            assert_eq!(f(&n).status, Status::NotApplicable);
        }
    }

    const POLICY_OK: &str =
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n";
    const POLICY_NARROW: &str = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: ''\n    resources: [secrets]\n- level: RequestResponse\n";

    fn with_file(flag: &str, path: &str, content: &str) -> collector::bundle::VerifiedBundle {
        tb().static_pod(MANIFESTS, APISERVER, &[&format!("--{flag}={path}")])
            .file(path, content)
            .build()
    }

    #[test]
    fn audit_policy() {
        let b = with_file(
            "audit-policy-file",
            "/etc/kubernetes/audit-policy.yaml",
            POLICY_OK,
        );
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000700(&n).status, Status::NotAFinding);
        assert_eq!(cntr_k8_003280(&n).status, Status::NotAFinding);
        let b = with_file(
            "audit-policy-file",
            "/etc/kubernetes/audit-policy.yaml",
            POLICY_NARROW,
        );
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000700(&n).status, Status::Open);
        assert_eq!(cntr_k8_003280(&n).status, Status::NotAFinding);
        let b = with_file(
            "audit-policy-file",
            "/etc/kubernetes/audit-policy.yaml",
            "kind: Other\n",
        );
        assert_eq!(cntr_k8_003280(&Node::new(&b)).status, Status::Open);
        // Named but not in the bundle: cannot decide.
        let b = api(&["--audit-policy-file=/nowhere.yaml"]);
        assert_eq!(cntr_k8_000700(&Node::new(&b)).status, Status::NotReviewed);
        let b = api(&[]);
        assert_eq!(cntr_k8_003280(&Node::new(&b)).status, Status::Open);
    }

    #[test]
    fn policy_found_through_host_path_mount() {
        let manifest = "spec:\n  volumes:\n  - name: audit\n    hostPath: {path: /etc/kubernetes/audit}\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver, --audit-policy-file=/etc/audit/policy.yaml]\n    volumeMounts:\n    - {name: audit, mountPath: /etc/audit}\n";
        let b = tb()
            .file("/etc/kubernetes/manifests/kube-apiserver.yaml", manifest)
            .file("/etc/kubernetes/audit/policy.yaml", POLICY_OK)
            .build();
        let v = cntr_k8_000700(&Node::new(&b));
        assert_eq!(v.status, Status::NotAFinding, "{v:?}");
        assert!(v.details.contains("/etc/kubernetes/audit/policy.yaml"));
    }

    #[test]
    fn encryption() {
        let good = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: key1\n        secret: <kstig-redacted sha256:00>\n  - identity: {}\n";
        let b = with_file(
            "encryption-provider-config",
            "/etc/kubernetes/enc.yaml",
            good,
        );
        assert_eq!(cntr_k8_001162(&Node::new(&b)).status, Status::NotAFinding);
        let bad = "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n  - aescbc: {keys: []}\n";
        let b = with_file(
            "encryption-provider-config",
            "/etc/kubernetes/enc.yaml",
            bad,
        );
        assert_eq!(cntr_k8_001162(&Node::new(&b)).status, Status::Open);
        let other = "kind: EncryptionConfiguration\nresources:\n- resources: [configmaps]\n  providers:\n  - aescbc: {keys: []}\n";
        let b = with_file(
            "encryption-provider-config",
            "/etc/kubernetes/enc.yaml",
            other,
        );
        assert_eq!(cntr_k8_001162(&Node::new(&b)).status, Status::Open);
        assert_eq!(st(cntr_k8_001162, &[]), Status::Open);
    }

    #[test]
    fn pod_security_admission() {
        let inline = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: restricted\n    exemptions:\n      namespaces: [kube-system]\n";
        let b = with_file(
            "admission-control-config-file",
            "/etc/kubernetes/admission.yaml",
            inline,
        );
        let v = cntr_k8_002011(&Node::new(&b));
        assert_eq!(v.status, Status::NotAFinding, "{v:?}");
        assert!(v.comments.contains("kube-system"));
        let privileged = inline.replace("restricted", "privileged");
        let b = with_file(
            "admission-control-config-file",
            "/etc/kubernetes/admission.yaml",
            &privileged,
        );
        assert_eq!(cntr_k8_002011(&Node::new(&b)).status, Status::Open);
        let by_path =
            "kind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: pss.yaml\n";
        let b = tb()
            .static_pod(
                MANIFESTS,
                APISERVER,
                &["--admission-control-config-file=/etc/kubernetes/admission.yaml"],
            )
            .file("/etc/kubernetes/admission.yaml", by_path)
            .file(
                "/etc/kubernetes/pss.yaml",
                "defaults:\n  enforce: baseline\n",
            )
            .build();
        assert_eq!(cntr_k8_002011(&Node::new(&b)).status, Status::NotAFinding);
        let none =
            "kind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  path: x.yaml\n";
        let b = with_file(
            "admission-control-config-file",
            "/etc/kubernetes/admission.yaml",
            none,
        );
        assert_eq!(cntr_k8_002011(&Node::new(&b)).status, Status::Open);
        assert_eq!(st(cntr_k8_002011, &[]), Status::Open);
    }

    #[test]
    fn k3s_absent_flag_is_not_reviewed_not_passed() {
        let b = tb()
            .file(
                "/etc/rancher/k3s/config.yaml",
                "kube-apiserver-arg:\n- tls-min-version=VersionTLS12\n",
            )
            .process(50, "k3s-server", &["/usr/local/bin/k3s", "server"])
            .build();
        let n = Node::new(&b);
        assert_eq!(cntr_k8_000170(&n).status, Status::NotAFinding);
        assert_eq!(cntr_k8_000350(&n).status, Status::NotReviewed);
        let b = tb()
            .process(
                50,
                "k3s-server",
                &[
                    "/usr/local/bin/k3s",
                    "server",
                    "--kube-apiserver-arg=tls-min-version=VersionTLS10",
                ],
            )
            .build();
        assert_eq!(cntr_k8_000170(&Node::new(&b)).status, Status::Open);
    }
}
