//! Cluster checks: one function per STIG ID, reading the cluster dump
//! ([`crate::cluster::ClusterObjects`]) and the versions gathered from the
//! node bundles ([`ClusterContext`]).
//!
//! A check passes only when the dump shows the kinds it needs: a dump
//! without pods (and without namespaces or nodes that would show an empty
//! cluster) gives Not_Reviewed, never NotAFinding. MANUAL rules always give
//! Not_Reviewed with the evidence gathered and one closing `Decide: ...` line.
//! Details name objects, containers and fields, never Secret or env values.

use super::Verdict;
use crate::cluster::{object_name, ClusterObjects, Kind, Meta, PodSpec, Workload};
use crate::evidence::Version;
use std::collections::{BTreeMap, BTreeSet};

/// Versions of the cluster's components, filled by the caller from the node bundles.
#[derive(Debug, Clone, Default)]
pub struct ClusterContext {
    /// The Kubernetes version of the cluster when known from the nodes
    /// (used when neither the dump nor an API server gives one).
    pub kube_version: Option<Version>,
    /// `(host, version)` of `kubectl` clients found on nodes.
    pub kubectl_versions: Vec<(String, Version)>,
    /// `(host, version)` of kubelets.
    pub kubelet_versions: Vec<(String, Version)>,
    /// `(host, version)` of kube-apiserver instances.
    pub apiserver_versions: Vec<(String, Version)>,
}

/// A cluster check.
pub type ClusterCheck = fn(&ClusterObjects, &ClusterContext) -> Verdict;

/// Registered cluster checks, keyed by STIG ID.
pub const CLUSTER_CHECKS: &[(&str, ClusterCheck)] = &[
    ("CNTR-K8-000290", cntr_k8_000290),
    ("CNTR-K8-000420", cntr_k8_000420),
    ("CNTR-K8-000960", cntr_k8_000960),
    ("CNTR-K8-001160", cntr_k8_001160),
    ("CNTR-K8-001161", cntr_k8_001161),
    ("CNTR-K8-001163", cntr_k8_001163),
    ("CNTR-K8-001360", cntr_k8_001360),
    ("CNTR-K8-002010", cntr_k8_002010),
    ("CNTR-K8-002700", cntr_k8_002700),
    ("CNTR-K8-002720", cntr_k8_002720),
];

/// The cluster check for a STIG ID.
pub fn cluster_check(stig_id: &str) -> Option<ClusterCheck> {
    CLUSTER_CHECKS
        .iter()
        .find(|(id, _)| *id == stig_id)
        .map(|(_, f)| *f)
}

/// The verdict of every cluster rule when no cluster dump was supplied.
pub fn no_dump_verdict() -> Verdict {
    Verdict::not_reviewed("no cluster dump (collect with kubectl or --cluster-json)")
}

/// The namespaces the STIG calls system namespaces.
pub const SYSTEM_NAMESPACES: [&str; 3] = ["kube-system", "kube-public", "kube-node-lease"];

/// Longest list printed in finding details before "... and N more".
pub const MAX_LINES: usize = 200;

fn capped(lines: &[String], max: usize) -> String {
    let mut out: Vec<String> = lines.iter().take(max).map(|l| format!("  {l}")).collect();
    if lines.len() > max {
        out.push(format!("  ... and {} more", lines.len() - max));
    }
    out.join("\n")
}

fn no_pods() -> Verdict {
    Verdict::not_reviewed(
        "dump has no pods (and no namespaces or nodes that would show an empty cluster): collect pods with kubectl get pods -A -o json",
    )
}

fn pod_name(m: &Meta) -> String {
    object_name("Pod", &m.namespace, &m.name)
}

/// Result of walking pods and workload templates with a scan function.
struct Walk {
    /// `Kind ns/name: finding` lines, pods whose findings all come from
    /// their owner's template left out.
    lines: Vec<String>,
    /// Distinct objects with at least one finding line.
    objects: BTreeSet<String>,
    /// Pods left out because their controller's template shows the same.
    same_as_owner: usize,
}

/// Scan every workload template and every pod. With
/// `dedupe`, a pod (or a ReplicaSet/Job) whose controller is in the dump
/// lists only findings its controller's template does not have, so a
/// Deployment's findings are not repeated for each of its ReplicaSets and pods.
fn walk(c: &ClusterObjects, dedupe: bool, scan: impl Fn(&Meta, &PodSpec) -> Vec<String>) -> Walk {
    let mut w = Walk {
        lines: Vec::new(),
        objects: BTreeSet::new(),
        same_as_owner: 0,
    };
    // Workloads by (kind, namespace, name): dumps hold thousands of pods.
    let index: BTreeMap<(&str, &str, &str), &Workload> = c
        .workloads
        .iter()
        .map(|wl| {
            (
                (
                    wl.kind.name(),
                    wl.metadata.namespace.as_str(),
                    wl.metadata.name.as_str(),
                ),
                wl,
            )
        })
        .collect();
    let owner_of = |meta: &Meta| -> Option<&Workload> {
        let o = meta
            .owner_references
            .iter()
            .find(|o| o.controller.unwrap_or(false))
            .or_else(|| meta.owner_references.first())?;
        index
            .get(&(o.kind.as_str(), meta.namespace.as_str(), o.name.as_str()))
            .copied()
    };
    let add = |who: String, meta: &Meta, tmeta: &Meta, spec: &PodSpec, w: &mut Walk| {
        let mut found = scan(tmeta, spec);
        if found.is_empty() {
            return;
        }
        if dedupe {
            if let Some(owner) = owner_of(meta) {
                let theirs = scan(&owner.template.metadata, &owner.template.spec);
                found.retain(|f| !theirs.contains(f));
                if found.is_empty() {
                    w.same_as_owner += 1;
                    return;
                }
            }
        }
        w.objects.insert(who.clone());
        for f in found {
            w.lines.push(format!("{who}: {f}"));
        }
    };
    for wl in &c.workloads {
        add(
            wl.display(),
            &wl.metadata,
            &wl.template.metadata,
            &wl.template.spec,
            &mut w,
        );
    }
    for p in &c.pods {
        add(
            pod_name(&p.metadata),
            &p.metadata,
            &p.metadata,
            &p.spec,
            &mut w,
        );
    }
    w
}

// ---------------------------------------------------------------- images

/// Split an image reference into a normalised repository and its version
/// (`tag`, `@digest` or `tag@digest`; no tag and no digest means `latest`).
/// Docker Hub spellings are normalised: `docker.io/library/nginx`,
/// `index.docker.io/library/nginx` and `library/nginx` are all `nginx`.
pub fn split_image(image: &str) -> (String, String) {
    let image = image.trim();
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (repo, tag) = match name[slash..].rfind(':') {
        Some(i) => (&name[..slash + i], Some(&name[slash + i + 1..])),
        None => (name, None),
    };
    let mut repo = repo.to_string();
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(rest) = repo.strip_prefix(prefix) {
            repo = rest.to_string();
            break;
        }
    }
    if let Some(rest) = repo.strip_prefix("library/") {
        if !rest.contains('/') {
            repo = rest.to_string();
        }
    }
    let version = match (tag, digest) {
        (Some(t), Some(d)) => format!("{t}@{d}"),
        (Some(t), None) => t.to_string(),
        (None, Some(d)) => format!("@{d}"),
        (None, None) => "latest".to_string(),
    };
    (repo, version)
}

/// The repository path without a registry host (`registry.k8s.io/kube-proxy` → `kube-proxy`).
fn repo_path(repo: &str) -> &str {
    match repo.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            rest
        }
        _ => repo,
    }
}

fn digest_of(image_id: &str) -> Option<&str> {
    let pos = image_id.find("sha256:")?;
    Some(&image_id[pos..])
}

// ---------------------------------------------------------------- CNTR-K8-000290

/// CNTR-K8-000290 (V-242383): no user resources in default, kube-public,
/// kube-node-lease. Only Service `kubernetes` in `default` is allowed among
/// the `all`-category kinds (ConfigMaps, Leases, ServiceAccounts, Endpoints
/// and Secrets are not in that category and are not counted).
pub fn cntr_k8_000290(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    const NS: [&str; 3] = ["default", "kube-public", "kube-node-lease"];
    let mut found: Vec<String> = Vec::new();
    let in_ns = |m: &Meta| NS.contains(&m.namespace.as_str());
    for p in c.pods.iter().filter(|p| in_ns(&p.metadata)) {
        found.push(pod_name(&p.metadata));
    }
    for s in c.services.iter().filter(|s| in_ns(&s.metadata)) {
        if s.metadata.namespace == "default" && s.metadata.name == "kubernetes" {
            continue;
        }
        found.push(object_name(
            "Service",
            &s.metadata.namespace,
            &s.metadata.name,
        ));
    }
    for w in c.workloads.iter().filter(|w| in_ns(&w.metadata)) {
        found.push(w.display());
    }
    for h in c.hpas.iter().filter(|h| in_ns(&h.metadata)) {
        found.push(object_name(
            "HorizontalPodAutoscaler",
            &h.metadata.namespace,
            &h.metadata.name,
        ));
    }
    let checked = format!(
        "checked {} pods, {} services, {} workloads and {} HorizontalPodAutoscalers in the dump",
        c.pods.len(),
        c.services.len(),
        c.workloads.len(),
        c.hpas.len()
    );
    if !found.is_empty() {
        return Verdict::open(format!(
            "{} object(s) of the 'all' category in default, kube-public or kube-node-lease besides Service default/kubernetes ({checked}):\n{}",
            found.len(),
            capped(&found, MAX_LINES)
        ))
        .comment("Move user workloads into their own namespaces and delete them from default, kube-public and kube-node-lease.");
    }
    let mut missing: Vec<&str> = Vec::new();
    if !c.pods_known() {
        missing.push(Kind::Pod.resource());
    }
    if !c.covers(Kind::Service) {
        missing.push(Kind::Service.resource());
    }
    let others: Vec<Kind> = Kind::ALL_CATEGORY
        .into_iter()
        .filter(|k| !matches!(k, Kind::Pod | Kind::Service))
        .collect();
    let uncovered: Vec<&str> = others
        .iter()
        .filter(|k| !c.covers(**k))
        .map(|k| k.resource())
        .collect();
    if uncovered.len() == others.len() {
        missing.push("workload controllers (deployments, replicasets, ...)");
    }
    if !missing.is_empty() {
        return Verdict::not_reviewed(format!(
            "No offending object found, but the dump does not show {}: it cannot prove default, kube-public and kube-node-lease are empty. Collect with kubectl get all -A -o json ({checked}).",
            missing.join(", ")
        ));
    }
    let mut details = format!(
        "No pods, services (other than Service default/kubernetes), replication controllers, deployments, replica sets, stateful sets, daemon sets, jobs, cron jobs or HorizontalPodAutoscalers in default, kube-public or kube-node-lease ({checked}). ConfigMaps, Leases, ServiceAccounts, Endpoints and Secrets are not in the 'all' category and are not counted."
    );
    let mut v = Verdict::pass("");
    if !uncovered.is_empty() {
        details.push_str(&format!(
            "\nThe dump holds no {} anywhere; if they were not collected, objects of those kinds were not checked.",
            uncovered.join(", ")
        ));
        v = v.comment(format!(
            "The dump has no {} objects at all; kstig takes that as none existing. If the dump was taken without them, check with kubectl get {} -n default (and kube-public, kube-node-lease).",
            uncovered.join(", "),
            uncovered.join(",")
        ));
    }
    v.details = details;
    v
}

// ---------------------------------------------------------------- CNTR-K8-000420

fn dashboard_signals(meta: &Meta, spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    if meta.label("k8s-app") == Some("kubernetes-dashboard") {
        out.push("label k8s-app=kubernetes-dashboard".to_string());
    }
    if meta.label("app.kubernetes.io/name") == Some("kubernetes-dashboard") {
        out.push("label app.kubernetes.io/name=kubernetes-dashboard".to_string());
    }
    for (field, ctr) in spec.all_containers() {
        let (repo, _) = split_image(&ctr.image);
        if repo_path(&repo).starts_with("kubernetesui/") {
            out.push(format!("{field} {} image {}", ctr.name, ctr.image));
        }
    }
    out
}

/// CNTR-K8-000420 (V-242395): the Kubernetes dashboard is not deployed.
/// Open on any pod or workload template with label
/// `k8s-app=kubernetes-dashboard` (the STIG's selector), label
/// `app.kubernetes.io/name=kubernetes-dashboard` (the dashboard's current
/// Helm chart) or a `kubernetesui/*` image (dashboard and its metrics scraper).
pub fn cntr_k8_000420(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    let w = walk(c, false, dashboard_signals);
    if !w.lines.is_empty() {
        let literal = w
            .lines
            .iter()
            .any(|l| l.contains("label k8s-app=kubernetes-dashboard"));
        let mut v = Verdict::open(format!(
            "Kubernetes dashboard found in {} object(s):\n{}",
            w.objects.len(),
            capped(&w.lines, MAX_LINES)
        ))
        .comment("Remove the Kubernetes dashboard (delete its namespace or Helm release).");
        if !literal {
            v = v.comment("The STIG's selector (-l k8s-app=kubernetes-dashboard) matches none of these; they carry the current dashboard chart's label app.kubernetes.io/name=kubernetes-dashboard or a kubernetesui image, which is the same dashboard.");
        }
        return v;
    }
    if !c.pods_known() {
        return no_pods();
    }
    Verdict::pass(format!(
        "No pod or workload template with label k8s-app=kubernetes-dashboard or app.kubernetes.io/name=kubernetes-dashboard, or a kubernetesui image ({} pods, {} workloads).",
        c.pods.len(),
        c.workloads.len()
    ))
}

// ---------------------------------------------------------------- CNTR-K8-000960

/// CNTR-K8-000960 (V-242414): pods outside kube-system, kube-public and
/// kube-node-lease use no privileged host port (1-1023): a `hostPort` in
/// that range, or, under `hostNetwork: true`, a `containerPort` in that
/// range (the container then binds the port on the host itself).
pub fn cntr_k8_000960(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    if !c.pods_known() {
        return no_pods();
    }
    let mut found = Vec::new();
    let mut undeclared = Vec::new();
    let mut user_pods = 0usize;
    for p in &c.pods {
        if SYSTEM_NAMESPACES.contains(&p.metadata.namespace.as_str()) {
            continue;
        }
        user_pods += 1;
        let mut any_port = false;
        for (field, ctr) in p.spec.all_containers() {
            for port in &ctr.ports {
                any_port = true;
                let proto = if port.protocol.is_empty() {
                    "TCP"
                } else {
                    port.protocol.as_str()
                };
                match port.host_port {
                    Some(h) if (1..=1023).contains(&h) => found.push(format!(
                        "{}: {field} {} hostPort {h}/{proto} (containerPort {})",
                        pod_name(&p.metadata),
                        ctr.name,
                        port.container_port
                    )),
                    _ if p.spec.host_network && (1..=1023).contains(&port.container_port) => {
                        found.push(format!(
                            "{}: hostNetwork: true, {field} {} containerPort {}/{proto} binds a privileged port on the host",
                            pod_name(&p.metadata),
                            ctr.name,
                            port.container_port
                        ))
                    }
                    _ => {}
                }
            }
        }
        if p.spec.host_network && !any_port {
            undeclared.push(pod_name(&p.metadata));
        }
    }
    let note = if undeclared.is_empty() {
        String::new()
    } else {
        format!(
            "\nFor the reviewer: {} user pod(s) use hostNetwork without declaring ports (they may listen on any host port):\n{}",
            undeclared.len(),
            capped(&undeclared, MAX_LINES)
        )
    };
    if !found.is_empty() {
        return Verdict::open(format!(
            "{} privileged host port(s) in user pods:\n{}{note}",
            found.len(),
            capped(&found, MAX_LINES)
        ))
        .comment("Use host ports above 1023 (or a Service) for user pods; under hostNetwork, containerPort is a host port.");
    }
    Verdict::pass(format!(
        "No hostPort in 1-1023, and no containerPort in 1-1023 under hostNetwork, in the {user_pods} pod(s) outside kube-system, kube-public and kube-node-lease.{note}"
    ))
}

// ---------------------------------------------------------------- CNTR-K8-001160

fn secret_env(_meta: &Meta, spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    for (field, ctr) in spec.all_containers() {
        for e in &ctr.env {
            if let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|f| f.secret_key_ref.as_ref())
            {
                out.push(format!(
                    "{field} {} env {} from Secret {} key {}",
                    ctr.name, e.name, r.name, r.key
                ));
            }
        }
        for ef in &ctr.env_from {
            if let Some(r) = &ef.secret_ref {
                out.push(format!(
                    "{field} {} envFrom Secret {}{}",
                    ctr.name,
                    r.name,
                    if ef.prefix.is_empty() {
                        String::new()
                    } else {
                        format!(" (prefix {})", ef.prefix)
                    }
                ));
            }
        }
    }
    out
}

/// CNTR-K8-001160 (V-242415): no Secret exposed as an environment variable,
/// in any pod or workload template, in any namespace: `env[].valueFrom.secretKeyRef`,
/// and `envFrom[].secretRef` (which injects every key of the Secret).
pub fn cntr_k8_001160(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    let w = walk(c, true, secret_env);
    if !w.lines.is_empty() {
        let mut text = format!(
            "Secrets exposed as environment variables in {} object(s):\n{}",
            w.objects.len(),
            capped(&w.lines, MAX_LINES)
        );
        if w.same_as_owner > 0 {
            text.push_str(&format!(
                "\n{} more pod(s)/replica set(s) inherit the same references from the templates above.",
                w.same_as_owner
            ));
        }
        return Verdict::open(text)
            .comment("Mount Secrets as files (secret volumes) instead of environment variables.");
    }
    if !c.pods_known() {
        return no_pods();
    }
    Verdict::pass(format!(
        "No env valueFrom.secretKeyRef or envFrom.secretRef in {} pods and {} workload templates.",
        c.pods.len(),
        c.workloads.len()
    ))
}

// ---------------------------------------------------------------- CNTR-K8-001161

const SECRET_WORDS: [&str; 8] = [
    "password",
    "passwd",
    "token",
    "secret",
    "apikey",
    "api_key",
    "private_key",
    "credential",
];

/// Name endings that say the value is a reference, not the secret itself.
const REFERENCE_ENDINGS: [&str; 7] = ["file", "path", "dir", "name", "ref", "ttl", "url"];

fn normalise_name(name: &str) -> String {
    name.trim_start_matches('-')
        .to_ascii_lowercase()
        .replace(['-', '.'], "_")
}

/// True when a name (env var, flag, ConfigMap key) suggests secret content.
pub fn secret_looking_name(name: &str) -> bool {
    let n = normalise_name(name);
    if !SECRET_WORDS.iter().any(|w| n.contains(w)) {
        return false;
    }
    !REFERENCE_ENDINGS.iter().any(|e| n.ends_with(e))
}

/// True when a value cannot itself be a secret: empty, a boolean, an
/// absolute path, an env reference `$(X)`/`${X}`, or a kstig redaction marker.
fn harmless_value(v: &str) -> bool {
    let t = v.trim().trim_matches('"').trim_matches('\'');
    t.is_empty()
        || t.eq_ignore_ascii_case("true")
        || t.eq_ignore_ascii_case("false")
        || t.starts_with('/')
        || t.starts_with("$(")
        || t.starts_with("${")
        || t.starts_with(collector::manifest::REDACTION_PREFIX)
}

/// The PEM label of the first `-----BEGIN X-----` in `s`.
fn pem_label(s: &str) -> Option<String> {
    let pos = s.find("-----BEGIN ")?;
    let rest = &s[pos + "-----BEGIN ".len()..];
    let rest = match rest.find("-----") {
        Some(end) => &rest[..end],
        None => rest,
    };
    // Only the label (`RSA PRIVATE KEY`), never what follows it.
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || *c == ' ')
        .take(40)
        .collect();
    Some(format!("-----BEGIN {}-----", label.trim_end()))
}

/// `NAME=value` assignments with a secret-looking NAME and a non-trivial
/// value inside one argument (`--db-password=x`, `PASSWORD=x ./run`).
fn secret_assignments(arg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = arg.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            let name = &arg[start..i];
            let rest = &arg[i + 1..];
            let value = rest.split_whitespace().next().unwrap_or("");
            if secret_looking_name(name) && !harmless_value(value) {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn sensitive_fields(_meta: &Meta, spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    for (field, ctr) in spec.all_containers() {
        for e in &ctr.env {
            if let Some(value) = &e.value {
                if let Some(label) = pem_label(value) {
                    out.push(format!(
                        "{field} {} env {}: literal value holds a PEM block ({label})",
                        ctr.name, e.name
                    ));
                } else if secret_looking_name(&e.name) && !harmless_value(value) {
                    out.push(format!(
                        "{field} {} env {}: literal value (secret-looking name)",
                        ctr.name, e.name
                    ));
                }
            }
            if let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|f| f.config_map_key_ref.as_ref())
            {
                if secret_looking_name(&e.name) || secret_looking_name(&r.key) {
                    out.push(format!(
                        "{field} {} env {}: from ConfigMap {} key {} (secret-looking name, kept in a ConfigMap)",
                        ctr.name, e.name, r.name, r.key
                    ));
                }
            }
        }
        for (list_name, list) in [("command", &ctr.command), ("args", &ctr.args)] {
            for (i, arg) in list.iter().enumerate() {
                if let Some(label) = pem_label(arg) {
                    out.push(format!(
                        "{field} {} {list_name}[{i}]: holds a PEM block ({label})",
                        ctr.name
                    ));
                    continue;
                }
                for name in secret_assignments(arg) {
                    out.push(format!(
                        "{field} {} {list_name}[{i}]: {name}= with a literal value",
                        ctr.name
                    ));
                }
                // `--password value` as two arguments.
                if arg.starts_with('-') && !arg.contains('=') && secret_looking_name(arg) {
                    if let Some(next) = list.get(i + 1) {
                        if !next.starts_with('-') && !harmless_value(next) {
                            out.push(format!(
                                "{field} {} {list_name}[{i}]: {arg} followed by a literal value",
                                ctr.name
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// ConfigMap keys that suggest secret content: secret-looking names, and
/// key-material file names (`*.key`, `*.pem`, `id_rsa*`).
fn sensitive_config_keys(c: &ClusterObjects) -> Vec<String> {
    let mut out = Vec::new();
    for cm in &c.config_maps {
        for k in &cm.keys {
            let lower = k.to_ascii_lowercase();
            let material =
                lower.ends_with(".key") || lower.ends_with(".pem") || lower.starts_with("id_rsa");
            if secret_looking_name(k) || material {
                out.push(format!(
                    "{}: key {k}{}",
                    object_name("ConfigMap", &cm.metadata.namespace, &cm.metadata.name),
                    if material {
                        " (key-material file name)"
                    } else {
                        " (secret-looking name)"
                    }
                ));
            }
        }
    }
    out
}

/// CNTR-K8-001161 (V-274883), MANUAL: sensitive data only in Secrets or an
/// external secret store. Lists env vars, command/args and ConfigMap keys
/// with secret-looking names or PEM blocks, by location only.
pub fn cntr_k8_001161(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    let decide = "Decide: is any of the data at these locations sensitive (passwords, tokens, keys)? Sensitive data in workload specs or ConfigMaps instead of Secrets or an external secret store is a finding.";
    if !c.pods_known() && c.workloads.is_empty() && !c.covers(Kind::ConfigMap) {
        return Verdict::not_reviewed(format!(
            "dump has no pods, workloads or ConfigMaps to scan.\n{decide}"
        ));
    }
    let w = walk(c, true, sensitive_fields);
    let keys = sensitive_config_keys(c);
    let mut text = format!(
        "Scanned {} pods, {} workload templates and {} ConfigMaps for secret-looking names (password, passwd, token, secret, apikey, api_key, private_key, credential) and PEM blocks; values are never shown.",
        c.pods.len(),
        c.workloads.len(),
        c.config_maps.len()
    );
    if w.lines.is_empty() {
        text.push_str("\nWorkload env and command/args: nothing found.");
    } else {
        text.push_str(&format!(
            "\nWorkload env and command/args ({} object(s)):\n{}",
            w.objects.len(),
            capped(&w.lines, MAX_LINES)
        ));
    }
    if keys.is_empty() {
        text.push_str("\nConfigMap keys: nothing found.");
    } else {
        text.push_str(&format!(
            "\nConfigMap keys ({}):\n{}",
            keys.len(),
            capped(&keys, MAX_LINES)
        ));
    }
    if !c.covers(Kind::ConfigMap) {
        text.push_str("\nThe dump holds no ConfigMaps: they were not scanned.");
    }
    text.push_str("\nConfigMap values are redacted in the bundle, so they are not searched for PEM blocks or high-entropy strings.");
    text.push('\n');
    text.push_str(decide);
    Verdict::not_reviewed(text)
}

// ---------------------------------------------------------------- CNTR-K8-001163

fn reads_secrets(rule: &crate::cluster::PolicyRule) -> Option<String> {
    let group = rule.api_groups.iter().any(|g| g.is_empty() || g == "*");
    let resource = rule
        .resources
        .iter()
        .any(|r| r == "secrets" || r == "*" || r.starts_with("secrets/"));
    let verbs: Vec<&str> = rule
        .verbs
        .iter()
        .map(|v| v.as_str())
        .filter(|v| matches!(*v, "get" | "list" | "watch" | "*"))
        .collect();
    if !group || !resource || verbs.is_empty() {
        return None;
    }
    let mut s = format!(
        "{} on {}",
        verbs.join(","),
        rule.resources
            .iter()
            .filter(|r| *r == "secrets" || *r == "*" || r.starts_with("secrets/"))
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    );
    if !rule.resource_names.is_empty() {
        s.push_str(&format!(" (only {})", rule.resource_names.join(", ")));
    }
    Some(s)
}

fn system_subject(s: &crate::cluster::Subject) -> bool {
    s.name.starts_with("system:")
        || (s.kind == "ServiceAccount" && SYSTEM_NAMESPACES.contains(&s.namespace.as_str()))
}

fn attached_secrets(meta: &Meta, spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    for v in &spec.volumes {
        for s in v.secret_names() {
            out.push(format!("volume {} mounts Secret {s}", v.name));
        }
    }
    out.extend(secret_env(meta, spec));
    out
}

/// CNTR-K8-001163 (V-274884), MANUAL: Secret access limited to
/// need-to-know. Lists Roles/ClusterRoles granting get/list/watch/* on
/// secrets (or on every resource), the bindings and subjects that hold
/// them, and workloads that mount or inject Secrets.
pub fn cntr_k8_001163(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    let decide = "Decide: is each account with read access to Secrets, and each workload with Secrets attached, backed by a documented organizational requirement? Any without one is a finding.";
    let mut text = String::new();
    if !c.covers(Kind::ClusterRole) && !c.covers(Kind::Role) {
        text.push_str("The dump holds no Roles or ClusterRoles: RBAC was not collected (kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json).");
    } else {
        let mut user_grants = Vec::new();
        let mut system_grants = Vec::new();
        let mut unbound = Vec::new();
        for role in &c.roles {
            let grants: Vec<String> = role.rules.iter().filter_map(reads_secrets).collect();
            if grants.is_empty() {
                continue;
            }
            let role_kind = if role.cluster { "ClusterRole" } else { "Role" };
            let bindings: Vec<&crate::cluster::Binding> = c
                .bindings
                .iter()
                .filter(|b| {
                    b.role_ref.kind == role_kind
                        && b.role_ref.name == role.metadata.name
                        && (role.cluster || b.metadata.namespace == role.metadata.namespace)
                })
                .collect();
            if bindings.is_empty() {
                unbound.push(format!("{} ({})", role.display(), grants.join("; ")));
                continue;
            }
            for b in bindings {
                let scope = if b.cluster {
                    "cluster-wide".to_string()
                } else {
                    format!("in namespace {}", b.metadata.namespace)
                };
                let subjects: Vec<String> = b.subjects.iter().map(|s| s.display()).collect();
                let line = format!(
                    "{} ({}) <- {} {scope}: {}",
                    role.display(),
                    grants.join("; "),
                    b.display(),
                    if subjects.is_empty() {
                        "no subjects".to_string()
                    } else {
                        subjects.join(", ")
                    }
                );
                if !b.subjects.is_empty() && b.subjects.iter().all(system_subject) {
                    system_grants.push(line);
                } else {
                    user_grants.push(line);
                }
            }
        }
        text.push_str(&format!(
            "Read access to Secrets (get/list/watch/* on secrets or *) granted to non-system subjects ({}):\n{}",
            user_grants.len(),
            if user_grants.is_empty() {
                "  none".to_string()
            } else {
                capped(&user_grants, MAX_LINES)
            }
        ));
        text.push_str(&format!(
            "\nGranted only to system subjects (system:* users/groups, service accounts in system namespaces) ({}):\n{}",
            system_grants.len(),
            if system_grants.is_empty() {
                "  none".to_string()
            } else {
                capped(&system_grants, MAX_LINES)
            }
        ));
        if !unbound.is_empty() {
            text.push_str(&format!(
                "\nRoles granting Secret reads that no binding in the dump uses ({}):\n{}",
                unbound.len(),
                capped(&unbound, MAX_LINES)
            ));
        }
        if !c.covers(Kind::RoleBinding) && !c.covers(Kind::ClusterRoleBinding) {
            text.push_str("\nThe dump holds no RoleBindings or ClusterRoleBindings: who holds these roles is not shown.");
        }
    }
    if c.pods_known() || !c.workloads.is_empty() {
        let w = walk(c, true, attached_secrets);
        text.push_str(&format!(
            "\nWorkloads with Secrets attached (secret volumes, projected secrets, env secretKeyRef, envFrom secretRef) ({} object(s)):\n{}",
            w.objects.len(),
            if w.lines.is_empty() {
                "  none".to_string()
            } else {
                capped(&w.lines, MAX_LINES)
            }
        ));
    } else {
        text.push_str("\nThe dump has no pods or workloads: Secret attachments not shown.");
    }
    text.push('\n');
    text.push_str(decide);
    Verdict::not_reviewed(text)
}

// ---------------------------------------------------------------- CNTR-K8-001360

struct Platform {
    label: &'static str,
    /// Pod identities (name, k8s-app / app.kubernetes.io/name / app label,
    /// owner name) that start with one of these (whole word).
    names: &'static [&'static str],
    /// Every container image's repository path must contain one of these.
    images: &'static [&'static str],
}

const PLATFORM: &[Platform] = &[
    Platform {
        label: "kube-proxy",
        names: &["kube-proxy"],
        images: &["kube-proxy", "hardened-kubernetes"],
    },
    Platform {
        label: "CoreDNS",
        names: &["coredns", "kube-dns", "rke2-coredns"],
        images: &[
            "coredns",
            "cluster-proportional-autoscaler",
            "hardened-cluster-autoscaler",
        ],
    },
    Platform {
        label: "CNI (Calico)",
        names: &["calico-node", "calico-kube-controllers", "calico-typha"],
        images: &["calico"],
    },
    Platform {
        label: "CNI (Canal)",
        names: &["canal", "rke2-canal"],
        images: &["calico", "flannel"],
    },
    Platform {
        label: "CNI (Cilium)",
        names: &[
            "cilium",
            "cilium-operator",
            "cilium-envoy",
            "hubble-relay",
            "hubble-ui",
        ],
        images: &["cilium"],
    },
    Platform {
        label: "CNI (Flannel)",
        names: &["kube-flannel", "flannel"],
        images: &["flannel"],
    },
    Platform {
        label: "CNI (Weave Net)",
        names: &["weave-net"],
        images: &["weave"],
    },
    Platform {
        label: "metrics-server",
        names: &["metrics-server", "rke2-metrics-server"],
        images: &["metrics-server"],
    },
    Platform {
        label: "k3s/RKE2 helm-controller job",
        names: &["helm-install"],
        images: &["klipper-helm"],
    },
    Platform {
        label: "k3s local-path-provisioner",
        names: &["local-path-provisioner"],
        images: &["local-path-provisioner"],
    },
    Platform {
        label: "k3s Traefik",
        names: &["traefik"],
        images: &["traefik"],
    },
    Platform {
        label: "k3s service load balancer (svclb)",
        names: &["svclb"],
        images: &["klipper-lb"],
    },
    Platform {
        label: "RKE2 ingress-nginx",
        names: &["rke2-ingress-nginx"],
        images: &["ingress-nginx", "nginx-ingress-controller"],
    },
];

/// Static pods the kubelet mirrors into the API, by pod-name prefix.
const STATIC_COMPONENTS: [&str; 7] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
    "kube-proxy",
    "cloud-controller-manager",
    "kube-vip",
];

fn word_prefix(s: &str, prefix: &str) -> bool {
    s == prefix
        || s.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('-'))
}

fn pod_images(spec: &PodSpec) -> Vec<String> {
    let mut imgs: Vec<String> = spec
        .all_containers()
        .map(|(_, c)| c.image.clone())
        .collect();
    imgs.sort();
    imgs.dedup();
    imgs
}

fn classify(pod: &crate::cluster::Pod) -> Result<String, String> {
    let m = &pod.metadata;
    let images = pod_images(&pod.spec);
    if m.is_mirror() {
        return match STATIC_COMPONENTS
            .iter()
            .find(|c| word_prefix(&m.name, c))
        {
            Some(comp) => Ok(format!("static pod (mirror) of {comp}")),
            None => Err("static pod (mirror) of an unrecognised component, from a node's manifest directory".into()),
        };
    }
    let mut ids: Vec<&str> = vec![m.name.as_str()];
    for key in ["k8s-app", "app.kubernetes.io/name", "app"] {
        if let Some(v) = m.label(key) {
            ids.push(v);
        }
    }
    for o in &m.owner_references {
        ids.push(o.name.as_str());
    }
    for p in PLATFORM {
        let named = ids
            .iter()
            .any(|id| p.names.iter().any(|n| word_prefix(id, n)));
        if !named {
            continue;
        }
        let odd: Vec<&String> = images
            .iter()
            .filter(|img| {
                let (repo, _) = split_image(img);
                let path = repo_path(&repo).to_string();
                !p.images.iter().any(|t| path.contains(t))
            })
            .collect();
        if odd.is_empty() && !images.is_empty() {
            return Ok(p.label.to_string());
        }
        return Err(format!(
            "named like {} but runs unexpected image(s) {}",
            p.label,
            odd.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Err("not recognised as platform".into())
}

/// CNTR-K8-001360 (V-242417), MANUAL: no user pods in kube-system,
/// kube-public, kube-node-lease. Pods there are pre-classified (static
/// mirror pods, kube-proxy, CoreDNS, CNI, metrics-server, k3s/RKE2 add-ons);
/// the rest are listed as not recognised.
pub fn cntr_k8_001360(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    let decide = "Decide: is every pod listed as not recognised part of the Kubernetes platform (control plane, networking, DNS, cluster add-ons)? Any user pod in kube-system, kube-public or kube-node-lease is a finding.";
    if !c.pods_known() {
        return Verdict::not_reviewed(format!(
            "dump has no pods (and no namespaces or nodes that would show an empty cluster).\n{decide}"
        ));
    }
    let mut platform = Vec::new();
    let mut other = Vec::new();
    for p in &c.pods {
        if !SYSTEM_NAMESPACES.contains(&p.metadata.namespace.as_str()) {
            continue;
        }
        let owner = p
            .metadata
            .owner_references
            .first()
            .map(|o| format!("; owner {} {}", o.kind, o.name))
            .unwrap_or_default();
        let images = pod_images(&p.spec).join(", ");
        match classify(p) {
            Ok(label) => platform.push(format!(
                "{}: {label}; image {images}",
                pod_name(&p.metadata)
            )),
            Err(why) => other.push(format!(
                "{}: {why}{owner}; image {images}",
                pod_name(&p.metadata)
            )),
        }
    }
    let mut text = format!(
        "{} pod(s) in kube-system, kube-public and kube-node-lease: {} recognised as platform, {} not recognised.",
        platform.len() + other.len(),
        platform.len(),
        other.len()
    );
    if !other.is_empty() {
        text.push_str(&format!(
            "\nNot recognised as platform:\n{}",
            capped(&other, MAX_LINES)
        ));
    }
    if !platform.is_empty() {
        text.push_str(&format!(
            "\nRecognised as platform (by name or label, and image):\n{}",
            capped(&platform, MAX_LINES)
        ));
    }
    text.push('\n');
    text.push_str(decide);
    Verdict::not_reviewed(text)
}

// ---------------------------------------------------------------- versions

fn lowest(vs: &[(String, Version)]) -> Option<&(String, Version)> {
    vs.iter().min_by_key(|(_, v)| v.tuple())
}

fn show(host: &str, v: &Version) -> String {
    if host.is_empty() {
        format!("v{} ({})", v.text, v.source)
    } else {
        format!("{host}: v{} ({})", v.text, v.source)
    }
}

/// API server versions: the dump's `/version` and each node's kube-apiserver.
fn apiserver_versions(c: &ClusterObjects, ctx: &ClusterContext) -> Vec<(String, Version)> {
    let mut out = Vec::new();
    if let Some(sv) = &c.server_version {
        if let Some(v) = sv.version(&format!("serverVersion in {}", c.origin)) {
            out.push(("cluster".to_string(), v));
        }
    }
    out.extend(ctx.apiserver_versions.iter().cloned());
    // The image tag of the kube-apiserver mirror pod (the static pod the
    // kubelet runs from its manifest) is the version that runs.
    for p in &c.pods {
        let m = &p.metadata;
        if !(m.is_mirror()
            && m.namespace == "kube-system"
            && word_prefix(&m.name, "kube-apiserver"))
        {
            continue;
        }
        let ctr = p
            .spec
            .containers
            .iter()
            .find(|c| c.name == "kube-apiserver")
            .or_else(|| p.spec.containers.first());
        if let Some(ctr) = ctr {
            let (_, tag) = split_image(&ctr.image);
            let source = format!("image {} of mirror Pod kube-system/{}", ctr.image, m.name);
            if let Some(v) = Version::find(&tag, &source) {
                let host = if p.spec.node_name.is_empty() {
                    m.name.clone()
                } else {
                    p.spec.node_name.clone()
                };
                out.push((host, v));
            }
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|(h, v)| seen.insert((h.clone(), v.tuple())));
    out
}

// ---------------------------------------------------------------- CNTR-K8-002010

/// `v1.30.4 (kube-apiserver on k8s-cp-01: image ...)`.
fn kube_version_text(host: &str, v: &Version) -> String {
    if host.is_empty() {
        format!("v{} ({})", v.text, v.source)
    } else {
        format!("v{} (kube-apiserver on {host}: {})", v.text, v.source)
    }
}

fn psp_problems(psp: &crate::cluster::PodSecurityPolicy) -> Vec<String> {
    let mut out = Vec::new();
    match &psp.spec.run_as_user {
        None => out.push("runAsUser missing".to_string()),
        Some(r) if r.rule != "MustRunAsNonRoot" => out.push(format!(
            "runAsUser.rule is {:?}, not MustRunAsNonRoot",
            r.rule
        )),
        Some(_) => {}
    }
    for (name, section) in [
        ("supplementalGroups", &psp.spec.supplemental_groups),
        ("fsGroup", &psp.spec.fs_group),
    ] {
        match section {
            None => out.push(format!("{name} missing")),
            Some(s) if s.ranges.is_empty() => {
                out.push(format!("{name} has no ranges (min missing)"))
            }
            Some(s) => {
                for (i, r) in s.ranges.iter().enumerate() {
                    match r.min {
                        None => out.push(format!("{name}.ranges[{i}].min missing")),
                        Some(0) => out.push(format!("{name}.ranges[{i}].min is 0")),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    out
}

/// CNTR-K8-002010 (V-242437): PodSecurityPolicy (pre-1.25 check only).
/// Kubernetes >= 1.25 → Not_Applicable (the API was removed; V-254800
/// covers pod security). Below 1.25: no PSP, or a PSP without runAsUser /
/// supplementalGroups / fsGroup, runAsUser.rule other than MustRunAsNonRoot,
/// or a group range with min 0 or missing → Open.
pub fn cntr_k8_002010(c: &ClusterObjects, ctx: &ClusterContext) -> Verdict {
    let api = apiserver_versions(c, ctx);
    let version = match lowest(&api) {
        Some((h, v)) => (h.clone(), v.clone()),
        None => match &ctx.kube_version {
            Some(v) => (String::new(), v.clone()),
            None => {
                return Verdict::not_reviewed(
                    "Kubernetes version unknown (no serverVersion in the cluster dump, no kube-apiserver version from the nodes): cannot tell whether the PodSecurityPolicy check applies.",
                )
            }
        },
    };
    let (host, v) = &version;
    if (v.major, v.minor) >= (1, 25) {
        return Verdict::na(format!(
            "Kubernetes {}: the PodSecurityPolicy API was removed in 1.25 and the STIG gives only a pre-1.25 check. Pod security is assessed by CNTR-K8-002011 (V-254800, Pod Security Admission).",
            kube_version_text(host, v)
        ));
    }
    if c.psps.is_empty() && !c.covers(Kind::PodSecurityPolicy) {
        return Verdict::not_reviewed(format!(
            "Kubernetes {} (< 1.25, PodSecurityPolicy applies), but the dump holds no PodSecurityPolicy objects and does not show they were collected: kubectl get podsecuritypolicies -o json.",
            kube_version_text(host, v)
        ));
    }
    if c.psps.is_empty() {
        return Verdict::open(format!(
            "Kubernetes {} (< 1.25): no PodSecurityPolicy is configured.",
            kube_version_text(host, v)
        ))
        .comment("Create PodSecurityPolicies with runAsUser MustRunAsNonRoot and supplementalGroups/fsGroup ranges with min >= 1, or migrate to Pod Security Admission.");
    }
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for psp in &c.psps {
        let name = object_name("PodSecurityPolicy", "", &psp.metadata.name);
        let problems = psp_problems(psp);
        if problems.is_empty() {
            good.push(format!("{name}: compliant"));
        } else {
            bad.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    if !bad.is_empty() {
        let mut all = bad;
        all.extend(good);
        return Verdict::open(format!(
            "Kubernetes {} (< 1.25):\n{}",
            kube_version_text(host, v),
            capped(&all, MAX_LINES)
        ))
        .comment("Every PodSecurityPolicy needs runAsUser.rule MustRunAsNonRoot and supplementalGroups/fsGroup ranges with min >= 1.");
    }
    Verdict::pass(format!(
        "Kubernetes {} (< 1.25):\n{}",
        kube_version_text(host, v),
        capped(&good, MAX_LINES)
    ))
}

// ---------------------------------------------------------------- CNTR-K8-002700

/// CNTR-K8-002700 (V-242442): no image runs in more than one version. Groups
/// the images of every pod's containers and init containers by normalised
/// repository; a repository with more than one tag/digest is Open. A tag that
/// resolves to different digests on different pods is reported for the
/// reviewer (runtimes spell image IDs differently, so it does not decide).
pub fn cntr_k8_002700(c: &ClusterObjects, _ctx: &ClusterContext) -> Verdict {
    if !c.pods_known() {
        return no_pods();
    }
    // repo -> version -> pods
    let mut by_repo: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    // repo:version -> digest -> pods
    let mut digests: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for p in &c.pods {
        let who = p.metadata.namespace.clone() + "/" + &p.metadata.name;
        let spec_images: Vec<(&str, &str)> = p
            .spec
            .containers
            .iter()
            .chain(p.spec.init_containers.iter())
            .map(|ctr| (ctr.name.as_str(), ctr.image.as_str()))
            .collect();
        for (_, image) in &spec_images {
            if image.trim().is_empty() {
                continue;
            }
            let (repo, version) = split_image(image);
            by_repo
                .entry(repo)
                .or_default()
                .entry(version)
                .or_default()
                .insert(who.clone());
        }
        for st in p
            .status
            .container_statuses
            .iter()
            .chain(p.status.init_container_statuses.iter())
        {
            let Some(d) = digest_of(&st.image_id) else {
                continue;
            };
            let Some((_, image)) = spec_images.iter().find(|(n, _)| *n == st.name) else {
                continue;
            };
            let (repo, version) = split_image(image);
            if version.contains('@') {
                continue;
            }
            digests
                .entry(format!("{repo}:{version}"))
                .or_default()
                .entry(d.to_string())
                .or_default()
                .insert(who.clone());
        }
    }
    let pods_list = |pods: &BTreeSet<String>| -> String {
        let shown: Vec<&str> = pods.iter().take(5).map(|s| s.as_str()).collect();
        let more = pods.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut multi = Vec::new();
    for (repo, versions) in &by_repo {
        if versions.len() > 1 {
            let parts: Vec<String> = versions
                .iter()
                .map(|(v, pods)| format!("{v} ({})", pods_list(pods)))
                .collect();
            multi.push(format!(
                "{repo}: {} versions: {}",
                versions.len(),
                parts.join("; ")
            ));
        }
    }
    let mut drift = Vec::new();
    for (image, ds) in &digests {
        if ds.len() > 1 {
            let parts: Vec<String> = ds
                .iter()
                .map(|(d, pods)| {
                    let short: String = d.chars().take(19).collect();
                    format!("{short}... ({})", pods_list(pods))
                })
                .collect();
            drift.push(format!(
                "{image} resolves to {} digests: {}",
                ds.len(),
                parts.join("; ")
            ));
        }
    }
    let note = if drift.is_empty() {
        String::new()
    } else {
        format!(
            "\nFor the reviewer: the same tag runs as different image digests (a moving tag pulled at different times):\n{}",
            capped(&drift, MAX_LINES)
        )
    };
    if !multi.is_empty() {
        return Verdict::open(format!(
            "{} image repositories run with more than one version:\n{}{note}",
            multi.len(),
            capped(&multi, MAX_LINES)
        ))
        .comment("Update or remove the pods running the older versions. During a rolling update two versions run briefly; re-run after it completes. Registry aliases (mirrors) of the same image are not merged.");
    }
    let mut v = Verdict::pass(format!(
        "{} image repositories across {} pods, each with one version.{note}",
        by_repo.len(),
        c.pods.len()
    ));
    if !drift.is_empty() {
        v = v.comment("Same tags resolve to different digests on some pods: check that no older build of the image is still running.");
    }
    v
}

// ---------------------------------------------------------------- CNTR-K8-002720

fn skew(a: &Version, b: &Version) -> Option<i64> {
    if a.major != b.major {
        return None;
    }
    Some(i64::from(a.minor) - i64::from(b.minor))
}

/// Versions found within policy, grouped by component, version and source
/// (`kubelet v1.30.4 (Node status.nodeInfo.kubeletVersion)`) with their hosts,
/// so a cluster of hundreds of nodes gives a few lines.
#[derive(Default)]
struct Within(BTreeMap<String, Vec<String>>);

impl Within {
    fn add(&mut self, what: &str, host: &str, v: &Version) {
        self.0
            .entry(format!("{what} v{} ({})", v.text, v.source))
            .or_default()
            .push(host.to_string());
    }

    fn lines(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(label, hosts)| {
                let hosts: Vec<&str> = hosts
                    .iter()
                    .map(String::as_str)
                    .filter(|h| !h.is_empty())
                    .collect();
                if hosts.is_empty() {
                    return label.clone();
                }
                let shown = hosts
                    .iter()
                    .take(10)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = hosts.len().saturating_sub(10);
                format!(
                    "{label} on {} host(s): {shown}{}",
                    hosts.len(),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            })
            .collect()
    }
}

/// Check a node component (kubelet, kube-proxy) against the API servers:
/// not newer than the oldest, at most 3 minors (2 for < 1.25) older than the newest.
fn node_component_skew(
    what: &str,
    host: &str,
    v: &Version,
    oldest: &Version,
    newest: &Version,
    open: &mut Vec<String>,
    ok: &mut Within,
) {
    let allowed = if v.minor >= 25 { 3 } else { 2 };
    let shown = format!("{what} {}", show(host, v));
    match (skew(v, oldest), skew(newest, v)) {
        (Some(newer), _) if newer > 0 => open.push(format!(
            "{shown} is newer than kube-apiserver v{} ({newer} minor)",
            oldest.text
        )),
        (_, Some(older)) if older > allowed => open.push(format!(
            "{shown} is {older} minor versions older than kube-apiserver v{} (at most {allowed} allowed)",
            newest.text
        )),
        (Some(_), Some(_)) => ok.add(what, host, v),
        _ => open.push(format!(
            "{shown}: different major version from kube-apiserver v{}",
            newest.text
        )),
    }
}

/// CNTR-K8-002720 (V-242443): component versions follow the upstream skew
/// policy: kube-apiserver instances within one minor of each other; kubelet
/// and kube-proxy not newer than the oldest kube-apiserver and at most three
/// minors older than the newest (two when the kubelet is older than 1.25);
/// kubectl within one minor of every kube-apiserver.
pub fn cntr_k8_002720(c: &ClusterObjects, ctx: &ClusterContext) -> Verdict {
    let support = "Whether this Kubernetes release is still supported and patched (upstream support ends about 14 months after a minor release; IAVM notices) depends on the assessment date: check the release against https://kubernetes.io/releases/ and the organization's patch policy.";
    let api = apiserver_versions(c, ctx);
    let mut kubelets: Vec<(String, Version)> = Vec::new();
    let mut proxies: Vec<(String, Version)> = Vec::new();
    for n in &c.nodes {
        let name = &n.metadata.name;
        let info = &n.status.node_info;
        if let Some(v) = Version::find(&info.kubelet_version, "Node status.nodeInfo.kubeletVersion")
        {
            kubelets.push((name.clone(), v));
        }
        if let Some(v) = Version::find(
            &info.kube_proxy_version,
            "Node status.nodeInfo.kubeProxyVersion",
        ) {
            // 1.31+ deprecates the field; some report v0.0.0.
            if v.major > 0 {
                proxies.push((name.clone(), v));
            }
        }
    }
    for (h, v) in &ctx.kubelet_versions {
        if !kubelets
            .iter()
            .any(|(kh, kv)| kh == h && kv.tuple() == v.tuple())
        {
            kubelets.push((h.clone(), v.clone()));
        }
    }
    let mut kubectls: Vec<(String, Version)> = ctx.kubectl_versions.clone();
    if let Some(cv) = &c.client_version {
        if let Some(v) = cv.version(&format!("clientVersion in {}", c.origin)) {
            kubectls.push(("dump".to_string(), v));
        }
    }
    let (Some(oldest), Some(newest)) = (
        api.iter().min_by_key(|(_, v)| v.tuple()),
        api.iter().max_by_key(|(_, v)| v.tuple()),
    ) else {
        let mut known: Vec<String> = kubelets
            .iter()
            .map(|(h, v)| format!("kubelet {}", show(h, v)))
            .collect();
        known.extend(
            kubectls
                .iter()
                .map(|(h, v)| format!("kubectl {}", show(h, v))),
        );
        return Verdict::not_reviewed(format!(
            "No kube-apiserver version (no serverVersion in the cluster dump, no kube-apiserver version from the nodes): skew cannot be judged.{}",
            if known.is_empty() {
                String::new()
            } else {
                format!("\nKnown versions:\n{}", capped(&known, MAX_LINES))
            }
        ))
        .comment(support);
    };
    let (oldest, newest) = (&oldest.1, &newest.1);
    let mut open = Vec::new();
    let mut ok = Within::default();
    for (h, v) in &api {
        ok.add("kube-apiserver", h, v);
    }
    if skew(newest, oldest).is_none_or(|d| d > 1) {
        open.push(format!(
            "kube-apiserver instances span v{} to v{}: more than one minor version",
            oldest.text, newest.text
        ));
    }
    if kubelets.is_empty() && kubectls.is_empty() {
        return Verdict::not_reviewed(format!(
            "Only the kube-apiserver version is known; no kubelet (nodes in the dump or node bundles) or kubectl version to compare:\n{}",
            capped(&ok.lines(), MAX_LINES)
        ))
        .comment(support);
    }
    for (h, v) in &kubelets {
        node_component_skew("kubelet", h, v, oldest, newest, &mut open, &mut ok);
    }
    for (h, v) in &proxies {
        node_component_skew("kube-proxy", h, v, oldest, newest, &mut open, &mut ok);
        if let Some((_, kv)) = kubelets.iter().find(|(kh, _)| kh == h) {
            if skew(v, kv).is_none_or(|d| d.abs() > 3) {
                open.push(format!(
                    "kube-proxy {} is more than three minor versions from the kubelet v{} on the same node",
                    show(h, v),
                    kv.text
                ));
            }
        }
    }
    for (h, v) in &kubectls {
        // Each version once: with a kube-apiserver per control plane, the
        // list would otherwise grow with the node count, in every checklist.
        let mut far: Vec<&str> = Vec::new();
        for (_, a) in &api {
            if skew(v, a).is_none_or(|d| d.abs() > 1) && !far.contains(&a.text.as_str()) {
                far.push(a.text.as_str());
            }
        }
        if far.is_empty() {
            ok.add("kubectl", h, v);
        } else {
            open.push(format!(
                "kubectl {} is more than one minor version from kube-apiserver v{}",
                show(h, v),
                far.join(", v")
            ));
        }
    }
    let mut notes = Vec::new();
    if kubectls.is_empty() {
        notes.push("No kubectl client version in the evidence (node bundles or the dump): kubectl skew not checked; any kubectl used must be within one minor of the API server.".to_string());
    }
    if kubelets.is_empty() {
        notes.push("No kubelet version in the evidence: kubelet skew not checked.".to_string());
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("\n{}", notes.join("\n"))
    };
    if !open.is_empty() {
        return Verdict::open(format!(
            "Version skew outside the upstream policy:\n{}\nWithin policy:\n{}{notes}",
            capped(&open, MAX_LINES),
            capped(&ok.lines(), MAX_LINES)
        ))
        .comment("Upgrade the lagging components (or downgrade kubectl) to within the version skew policy: https://kubernetes.io/releases/version-skew-policy/")
        .comment(support);
    }
    let mut v = Verdict::pass(format!(
        "All component versions within the upstream skew policy:\n{}{notes}",
        capped(&ok.lines(), MAX_LINES)
    ));
    v = v.comment(support);
    v
}

#[cfg(test)]
mod tests;
