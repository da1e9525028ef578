//! The cluster dump: Kubernetes API objects from `kubectl get <kinds> -A -o json`
//! (bundle member `evidence/cluster/objects.json`, or a file given with
//! `--cluster-json`), reduced to the fields the cluster rules read.
//!
//! The input may be a `v1 List` (`{"kind":"List","items":[...]}`), a single
//! object, several concatenated JSON documents (the output of several
//! `kubectl get` calls), and the output of `kubectl version -o json`.
//!
//! Memory: each item is parsed on its own into a `serde_json::Value`, converted
//! into a small typed struct (serde drops every field the rules do not read),
//! and dropped, so a dump of 20,000 pods never exists as one JSON tree.
//! serde_json's recursion limit stays on: deeply nested input is an error.
//!
//! Secrets are never read: a Secret item in a user-supplied file is counted
//! and dropped. ConfigMaps keep their keys only.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Kinds (as `kubectl get` resource names) the cluster rules read. The
/// collector should request these; `kubectl version -o json` is collected
/// separately for the server version.
pub const DUMP_KINDS: &[&str] = &[
    "namespaces",
    "nodes",
    "pods",
    "services",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "horizontalpodautoscalers",
    "configmaps",
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
];

/// The annotation the kubelet puts on the API mirror of a static pod.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// Annotations kept from object metadata (everything else is dropped: the
/// `last-applied-configuration` annotation alone can be as large as the object).
const KEPT_ANNOTATIONS: &[&str] = &[MIRROR_ANNOTATION, "kubernetes.io/config.source"];

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("{origin}: the cluster dump is empty")]
    Empty { origin: String },
    #[error("{origin}: JSON document {document}: {message}")]
    Json {
        origin: String,
        document: usize,
        message: String,
    },
}

/// Kinds the rules know. Everything else is counted in [`ClusterObjects::counts`] only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    ReplicationController,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    HorizontalPodAutoscaler,
    ConfigMap,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    PodSecurityPolicy,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::ReplicationController,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::HorizontalPodAutoscaler,
        Kind::ConfigMap,
        Kind::Role,
        Kind::ClusterRole,
        Kind::RoleBinding,
        Kind::ClusterRoleBinding,
        Kind::PodSecurityPolicy,
    ];

    /// The kinds `kubectl get all` returns (the `all` category).
    pub const ALL_CATEGORY: [Kind; 10] = [
        Kind::Pod,
        Kind::Service,
        Kind::ReplicationController,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::HorizontalPodAutoscaler,
    ];

    /// Kinds with a pod template.
    pub const WORKLOADS: [Kind; 7] = [
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::ReplicaSet,
        Kind::Job,
        Kind::CronJob,
        Kind::ReplicationController,
    ];

    /// The `kind` field value.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::ReplicationController => "ReplicationController",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::ConfigMap => "ConfigMap",
            Kind::Role => "Role",
            Kind::ClusterRole => "ClusterRole",
            Kind::RoleBinding => "RoleBinding",
            Kind::ClusterRoleBinding => "ClusterRoleBinding",
            Kind::PodSecurityPolicy => "PodSecurityPolicy",
        }
    }

    /// The plural resource name (`kubectl get <resource>`).
    pub fn resource(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::Deployment => "deployments",
            Kind::ReplicaSet => "replicasets",
            Kind::StatefulSet => "statefulsets",
            Kind::DaemonSet => "daemonsets",
            Kind::Job => "jobs",
            Kind::CronJob => "cronjobs",
            Kind::HorizontalPodAutoscaler => "horizontalpodautoscalers",
            Kind::ConfigMap => "configmaps",
            Kind::Role => "roles",
            Kind::ClusterRole => "clusterroles",
            Kind::RoleBinding => "rolebindings",
            Kind::ClusterRoleBinding => "clusterrolebindings",
            Kind::PodSecurityPolicy => "podsecuritypolicies",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Kind::Namespace => "ns",
            Kind::Node => "no",
            Kind::Pod => "po",
            Kind::Service => "svc",
            Kind::ReplicationController => "rc",
            Kind::Deployment => "deploy",
            Kind::ReplicaSet => "rs",
            Kind::StatefulSet => "sts",
            Kind::DaemonSet => "ds",
            Kind::Job => "job",
            Kind::CronJob => "cj",
            Kind::HorizontalPodAutoscaler => "hpa",
            Kind::ConfigMap => "cm",
            Kind::Role => "role",
            Kind::ClusterRole => "clusterrole",
            Kind::RoleBinding => "rolebinding",
            Kind::ClusterRoleBinding => "clusterrolebinding",
            Kind::PodSecurityPolicy => "psp",
        }
    }

    pub fn from_name(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == kind)
    }

    /// The kinds a `kubectl get` resource argument names: `pods`, `pod`,
    /// `po`, `deployments.apps`, `all`.
    pub fn from_resource_arg(arg: &str) -> Vec<Kind> {
        let lower = arg.trim().to_ascii_lowercase();
        let base = lower.split('.').next().unwrap_or("");
        if base == "all" {
            return Kind::ALL_CATEGORY.to_vec();
        }
        Kind::ALL
            .into_iter()
            .filter(|k| {
                base == k.resource() || base == k.short() || base == k.name().to_ascii_lowercase()
            })
            .collect()
    }
}

/// `kind namespace/name` (or `kind name` for cluster-scoped objects).
pub fn object_name(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {namespace}/{name}")
    }
}

// ---------------------------------------------------------------- objects

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    /// Only the annotations in `KEPT_ANNOTATIONS`.
    #[serde(deserialize_with = "kept_annotations")]
    pub annotations: BTreeMap<String, String>,
    pub owner_references: Vec<OwnerRef>,
}

impl Meta {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(|s| s.as_str())
    }
    /// True for the API mirror of a kubelet static pod.
    pub fn is_mirror(&self) -> bool {
        self.annotations.contains_key(MIRROR_ANNOTATION)
    }
}

fn kept_annotations<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let all = Option::<BTreeMap<String, String>>::deserialize(d)?.unwrap_or_default();
    Ok(all
        .into_iter()
        .filter(|(k, _)| KEPT_ANNOTATIONS.contains(&k.as_str()))
        .collect())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerPort {
    pub name: String,
    pub container_port: i64,
    pub host_port: Option<i64>,
    pub protocol: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct KeyRef {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NameRef {
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EnvVarSource {
    pub secret_key_ref: Option<KeyRef>,
    pub config_map_key_ref: Option<KeyRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    /// Literal value. Rules look at its shape (PEM header) but never print it.
    pub value: Option<String>,
    pub value_from: Option<EnvVarSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EnvFromSource {
    pub prefix: String,
    pub secret_ref: Option<NameRef>,
    pub config_map_ref: Option<NameRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    pub env_from: Vec<EnvFromSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretVolumeSource {
    pub secret_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ProjectedSource {
    pub secret: Option<NameRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ProjectedVolumeSource {
    pub sources: Vec<ProjectedSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Volume {
    pub name: String,
    pub secret: Option<SecretVolumeSource>,
    pub projected: Option<ProjectedVolumeSource>,
}

impl Volume {
    /// Names of the Secrets this volume mounts (secret volume or projected secret sources).
    pub fn secret_names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        if let Some(s) = &self.secret {
            out.push(s.secret_name.as_str());
        }
        if let Some(p) = &self.projected {
            for src in &p.sources {
                if let Some(s) = &src.secret {
                    out.push(s.name.as_str());
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    pub node_name: String,
    pub host_network: bool,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub ephemeral_containers: Vec<Container>,
    pub volumes: Vec<Volume>,
}

impl PodSpec {
    /// Every container with the field it is listed under
    /// (`containers`, `initContainers`, `ephemeralContainers`).
    pub fn all_containers(&self) -> impl Iterator<Item = (&'static str, &Container)> {
        self.containers
            .iter()
            .map(|c| ("containers", c))
            .chain(self.init_containers.iter().map(|c| ("initContainers", c)))
            .chain(
                self.ephemeral_containers
                    .iter()
                    .map(|c| ("ephemeralContainers", c)),
            )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    pub name: String,
    pub image: String,
    #[serde(rename = "imageID")]
    pub image_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus {
    pub phase: String,
    pub container_statuses: Vec<ContainerStatus>,
    pub init_container_statuses: Vec<ContainerStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Pod {
    pub metadata: Meta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodTemplate {
    pub metadata: Meta,
    pub spec: PodSpec,
}

/// A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or
/// ReplicationController with its pod template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: Kind,
    pub metadata: Meta,
    /// The pod template (`spec.template`; for a CronJob `spec.jobTemplate.spec.template`).
    pub template: PodTemplate,
}

impl Workload {
    pub fn display(&self) -> String {
        object_name(
            self.kind.name(),
            &self.metadata.namespace,
            &self.metadata.name,
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePort {
    pub name: String,
    pub port: i64,
    pub node_port: Option<i64>,
    pub protocol: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(rename = "type")]
    pub type_: String,
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Service {
    pub metadata: Meta,
    pub spec: ServiceSpec,
}

/// An object of which only the name matters (HorizontalPodAutoscaler, Namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Named {
    pub metadata: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigMap {
    pub metadata: Meta,
    /// Keys of `data` and `binaryData` (values are redacted by the collector and never kept).
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PolicyRule {
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs")]
    pub non_resource_urls: Vec<String>,
}

/// A Role (namespaced) or ClusterRole (`cluster` true, empty namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Role {
    pub cluster: bool,
    pub metadata: Meta,
    pub rules: Vec<PolicyRule>,
}

impl Role {
    pub fn display(&self) -> String {
        let kind = if self.cluster { "ClusterRole" } else { "Role" };
        object_name(kind, &self.metadata.namespace, &self.metadata.name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleRef {
    pub api_group: String,
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subject {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl Subject {
    pub fn display(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// A RoleBinding (namespaced) or ClusterRoleBinding (`cluster` true).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    pub cluster: bool,
    pub metadata: Meta,
    pub role_ref: RoleRef,
    pub subjects: Vec<Subject>,
}

impl Binding {
    pub fn display(&self) -> String {
        let kind = if self.cluster {
            "ClusterRoleBinding"
        } else {
            "RoleBinding"
        };
        object_name(kind, &self.metadata.namespace, &self.metadata.name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct IdRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RuleWithRanges {
    pub rule: String,
    pub ranges: Vec<IdRange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PspSpec {
    pub run_as_user: Option<RuleWithRanges>,
    pub supplemental_groups: Option<RuleWithRanges>,
    pub fs_group: Option<RuleWithRanges>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodSecurityPolicy {
    pub metadata: Meta,
    pub spec: PspSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeInfo {
    pub kubelet_version: String,
    pub kube_proxy_version: String,
    pub container_runtime_version: String,
    pub os_image: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeStatus {
    pub node_info: NodeInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NodeObject {
    pub metadata: Meta,
    pub status: NodeStatus,
}

/// `kubectl version -o json` `serverVersion` / `clientVersion`, or `GET /version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VersionInfo {
    pub major: String,
    pub minor: String,
    pub git_version: String,
}

impl VersionInfo {
    /// As an evidence version (`gitVersion` first, else `major.minor`).
    pub fn version(&self, source: &str) -> Option<crate::evidence::Version> {
        if let Some(v) = crate::evidence::Version::find(&self.git_version, source) {
            return Some(v);
        }
        let digits = |s: &str| -> Option<u32> {
            let d: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            d.parse().ok()
        };
        let major = digits(&self.major)?;
        let minor = digits(&self.minor)?;
        Some(crate::evidence::Version {
            major,
            minor,
            patch: 0,
            text: format!("{major}.{minor}"),
            source: source.to_string(),
        })
    }
}

// ---------------------------------------------------------------- the dump

/// Every object of a cluster dump that the cluster rules read.
#[derive(Debug, Clone, Default)]
pub struct ClusterObjects {
    /// Where the dump came from (bundle member or file name), for details.
    pub origin: String,
    /// Number of JSON documents read.
    pub documents: usize,
    pub namespaces: Vec<Named>,
    pub nodes: Vec<NodeObject>,
    pub pods: Vec<Pod>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub hpas: Vec<Named>,
    pub config_maps: Vec<ConfigMap>,
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub psps: Vec<PodSecurityPolicy>,
    pub server_version: Option<VersionInfo>,
    pub client_version: Option<VersionInfo>,
    /// Items per `kind` (every kind, known or not).
    pub counts: BTreeMap<String, usize>,
    /// Kinds the dump was requested with (from the bundle's `ClusterDump::kinds`),
    /// so an empty result can be told apart from a kind that was not collected.
    pub requested: Vec<Kind>,
}

impl ClusterObjects {
    /// Record the resource names the dump was taken with (`kubectl get <kinds>`).
    pub fn set_requested_kinds(&mut self, kinds: &[String]) {
        let mut req: Vec<Kind> = kinds
            .iter()
            .flat_map(|k| Kind::from_resource_arg(k))
            .collect();
        req.sort();
        req.dedup();
        self.requested = req;
    }

    /// Number of items of a kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts.get(kind.name()).copied().unwrap_or(0)
    }

    /// True when the dump shows this kind: items of it are present, or it
    /// was requested (so none means none exist).
    pub fn covers(&self, kind: Kind) -> bool {
        self.count(kind) > 0 || self.requested.contains(&kind)
    }

    /// True when the dump holds cluster-wide objects (namespaces or nodes),
    /// i.e. it is a dump of the whole cluster rather than of a few objects.
    pub fn is_cluster_wide(&self) -> bool {
        self.count(Kind::Namespace) > 0 || self.count(Kind::Node) > 0
    }

    /// True when the pods of the cluster are known: pods are present, or
    /// they were requested, or the dump is cluster-wide (namespaces/nodes)
    /// and simply has none.
    pub fn pods_known(&self) -> bool {
        self.covers(Kind::Pod) || self.is_cluster_wide()
    }

    /// Pod template of the workload that controls a pod, when that workload
    /// is in the dump (through a ReplicaSet to its Deployment, Job to its CronJob).
    pub fn owner_of(&self, meta: &Meta) -> Option<&Workload> {
        let owner = meta
            .owner_references
            .iter()
            .find(|o| o.controller.unwrap_or(false))
            .or_else(|| meta.owner_references.first())?;
        let kind = Kind::from_name(&owner.kind)?;
        self.workloads.iter().find(|w| {
            w.kind == kind
                && w.metadata.name == owner.name
                && w.metadata.namespace == meta.namespace
        })
    }

    /// One line per kind: `12 Pod, 3 Deployment, ...`, plus the server version.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        if parts.is_empty() {
            parts.push("no objects".into());
        }
        let mut s = format!(
            "{}: {} document(s): {}",
            self.origin,
            self.documents,
            parts.join(", ")
        );
        if let Some(v) = &self.server_version {
            s.push_str(&format!("; server version {}", v.git_version));
        }
        s
    }

    fn bump(&mut self, kind: &str) {
        *self.counts.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// Add one item. `hint` is the kind implied by the enclosing list
    /// (`PodList` → `Pod`) for items that do not carry `kind` themselves.
    fn add_item(&mut self, v: Value, hint: Option<&str>) -> Result<(), String> {
        let kind = match v.get("kind") {
            Some(Value::String(k)) => k.clone(),
            Some(_) => return Err("\"kind\" is not a string".into()),
            None => match hint {
                Some(h) => h.to_string(),
                None => return Err("object has no \"kind\"".into()),
            },
        };
        let ident = identity(&v);
        let conv_named = |e: serde_json::Error| format!("{kind} {ident}: {e}");
        match kind.as_str() {
            "Namespace" => self
                .namespaces
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "Node" => self
                .nodes
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "Pod" => self
                .pods
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "Service" => self
                .services
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "HorizontalPodAutoscaler" => self
                .hpas
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "PodSecurityPolicy" => self
                .psps
                .push(serde_json::from_value(v).map_err(conv_named)?),
            "ConfigMap" => {
                let raw: RawConfigMap = serde_json::from_value(v).map_err(conv_named)?;
                let mut keys: Vec<String> = raw.data.into_keys().collect();
                keys.extend(raw.binary_data.into_keys());
                self.config_maps.push(ConfigMap {
                    metadata: raw.metadata,
                    keys,
                });
            }
            "Role" | "ClusterRole" => {
                let raw: RawRole = serde_json::from_value(v).map_err(conv_named)?;
                self.roles.push(Role {
                    cluster: kind == "ClusterRole",
                    metadata: raw.metadata,
                    rules: raw.rules.unwrap_or_default(),
                });
            }
            "RoleBinding" | "ClusterRoleBinding" => {
                let raw: RawBinding = serde_json::from_value(v).map_err(conv_named)?;
                self.bindings.push(Binding {
                    cluster: kind == "ClusterRoleBinding",
                    metadata: raw.metadata,
                    role_ref: raw.role_ref,
                    subjects: raw.subjects.unwrap_or_default(),
                });
            }
            "CronJob" => {
                let raw: RawCronJob = serde_json::from_value(v).map_err(conv_named)?;
                let template = raw.spec.job_template.spec.template.unwrap_or_default();
                self.workloads.push(Workload {
                    kind: Kind::CronJob,
                    metadata: raw.metadata,
                    template,
                });
            }
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "ReplicationController" => {
                let raw: RawWorkload = serde_json::from_value(v).map_err(conv_named)?;
                let k = Kind::from_name(&kind).unwrap_or(Kind::Deployment);
                self.workloads.push(Workload {
                    kind: k,
                    metadata: raw.metadata,
                    template: raw.spec.template.unwrap_or_default(),
                });
            }
            k if k == "List" || k.ends_with("List") => {
                // A list nested in a list (depth is bounded by the JSON parser).
                let inner_hint = k.strip_suffix("List").filter(|h| !h.is_empty());
                let items = match v {
                    Value::Object(mut m) => m.remove("items"),
                    _ => None,
                };
                if let Some(Value::Array(items)) = items {
                    for (i, item) in items.into_iter().enumerate() {
                        self.add_item(item, inner_hint)
                            .map_err(|e| format!("{k}.items[{i}]: {e}"))?;
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        self.bump(&kind);
        Ok(())
    }

    /// A document without `items`: an object, or `kubectl version -o json`.
    fn add_single(&mut self, m: Map<String, Value>) -> Result<(), String> {
        if m.contains_key("serverVersion") || m.contains_key("clientVersion") {
            if let Some(s) = m.get("serverVersion") {
                self.server_version = Some(
                    serde_json::from_value(s.clone()).map_err(|e| format!("serverVersion: {e}"))?,
                );
            }
            if let Some(c) = m.get("clientVersion") {
                self.client_version = Some(
                    serde_json::from_value(c.clone()).map_err(|e| format!("clientVersion: {e}"))?,
                );
            }
            return Ok(());
        }
        if !m.contains_key("kind") && m.contains_key("gitVersion") {
            self.server_version = Some(
                serde_json::from_value(Value::Object(m)).map_err(|e| format!("version: {e}"))?,
            );
            return Ok(());
        }
        self.add_item(Value::Object(m), None)
    }
}

/// `ns/name` of a raw item, for error messages.
fn identity(v: &Value) -> String {
    let s = |p: &[&str]| -> String {
        crate::yaml::get(v, p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(120)
            .collect()
    };
    let (ns, name) = (s(&["metadata", "namespace"]), s(&["metadata", "name"]));
    if ns.is_empty() {
        name
    } else {
        format!("{ns}/{name}")
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawConfigMap {
    metadata: Meta,
    data: BTreeMap<String, Value>,
    binary_data: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRole {
    metadata: Meta,
    rules: Option<Vec<PolicyRule>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawBinding {
    metadata: Meta,
    role_ref: RoleRef,
    subjects: Option<Vec<Subject>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawWorkloadSpec {
    template: Option<PodTemplate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawWorkload {
    metadata: Meta,
    spec: RawWorkloadSpec,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawJobTemplate {
    spec: RawWorkloadSpec,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawCronJobSpec {
    job_template: RawJobTemplate,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCronJob {
    metadata: Meta,
    spec: RawCronJobSpec,
}

// ---------------------------------------------------------------- parsing

/// Parse a cluster dump. `origin` names it in errors and details.
pub fn parse(bytes: &[u8], origin: &str) -> Result<ClusterObjects, ClusterError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = ClusterObjects {
        origin: origin.to_string(),
        ..ClusterObjects::default()
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    loop {
        // `end` only looks past whitespace: Ok at the end of input, else a
        // further document follows.
        if de.end().is_ok() {
            break;
        }
        let document = out.documents + 1;
        let seed = DocSeed { out: &mut out };
        seed.deserialize(&mut de).map_err(|e| ClusterError::Json {
            origin: origin.to_string(),
            document,
            message: e.to_string(),
        })?;
        out.documents = document;
    }
    if out.documents == 0 {
        return Err(ClusterError::Empty {
            origin: origin.to_string(),
        });
    }
    Ok(out)
}

/// One top-level JSON document, streamed: `items` are converted one at a time.
struct DocSeed<'a> {
    out: &'a mut ClusterObjects,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object, a List of objects, or `kubectl version -o json` output")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut pending: Vec<(usize, Value)> = Vec::new();
        let mut had_items = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                if had_items {
                    return Err(de::Error::custom("duplicate \"items\""));
                }
                had_items = true;
                map.next_value_seed(ItemsSeed {
                    out: &mut *self.out,
                    pending: &mut pending,
                })?;
            } else {
                let v: Value = map.next_value()?;
                rest.insert(key, v);
            }
        }
        if !had_items {
            return self.out.add_single(rest).map_err(de::Error::custom);
        }
        // Items without `kind` (raw API lists): the list kind names them.
        let hint = rest
            .get("kind")
            .and_then(Value::as_str)
            .and_then(|k| k.strip_suffix("List"))
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        for (i, v) in pending {
            self.out
                .add_item(v, hint.as_deref())
                .map_err(|e| de::Error::custom(format!("items[{i}]: {e}")))?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let mut pending = Vec::new();
        ItemsSeed {
            out: &mut *self.out,
            pending: &mut pending,
        }
        .visit_seq(seq)?;
        if let Some((i, _)) = pending.first() {
            return Err(de::Error::custom(format!("[{i}]: object has no \"kind\"")));
        }
        Ok(())
    }
}

struct ItemsSeed<'a> {
    out: &'a mut ClusterObjects,
    pending: &'a mut Vec<(usize, Value)>,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of Kubernetes objects")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `"items": null` is an empty list.
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while let Some(v) = seq.next_element::<Value>()? {
            if v.get("kind").and_then(Value::as_str).is_some() {
                self.out
                    .add_item(v, None)
                    .map_err(|e| de::Error::custom(format!("items[{i}]: {e}")))?;
            } else if v.is_object() {
                self.pending.push((i, v));
            } else {
                return Err(de::Error::custom(format!("items[{i}]: not an object")));
            }
            i += 1;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- benchmarks

/// A realistic dump of `pods` pods (plus their namespaces, nodes,
/// Deployments and ReplicaSets), for benchmarks and the size test.
#[doc(hidden)]
pub fn generate_large(pods: usize) -> Vec<u8> {
    use serde_json::json;
    let namespaces = 1 + pods / 200;
    let nodes = 3 + pods / 110;
    let per_deploy = 10usize;
    let mut items: Vec<Value> = Vec::new();
    for n in 0..namespaces {
        items.push(json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": format!("team-{n}"), "labels": {
                "kubernetes.io/metadata.name": format!("team-{n}"),
                "pod-security.kubernetes.io/enforce": "restricted"}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}
        }));
    }
    for n in 0..nodes {
        items.push(json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("k8s-worker-{n:03}"), "labels": {
                "kubernetes.io/hostname": format!("k8s-worker-{n:03}"), "kubernetes.io/os": "linux"}},
            "status": {"nodeInfo": {"kubeletVersion": "v1.30.4", "kubeProxyVersion": "v1.30.4",
                "containerRuntimeVersion": "containerd://1.7.20", "osImage": "Ubuntu 22.04.4 LTS"}}
        }));
    }
    let deployments = pods.div_ceil(per_deploy);
    for d in 0..deployments {
        let ns = format!("team-{}", d % namespaces);
        let app = format!("svc-{d}");
        let template = json!({
            "metadata": {"labels": {"app": app, "pod-template-hash": "5d9c7b6f8"}},
            "spec": {"containers": [{
                "name": "app", "image": format!("registry.example.mil/apps/{app}:1.{}.0", d % 7),
                "args": ["--listen=:8080", "--log-level=info"],
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                "env": [{"name": "LOG_FORMAT", "value": "json"},
                        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                "securityContext": {"allowPrivilegeEscalation": false, "runAsNonRoot": true,
                    "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true}
            }],
            "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}}]}}]}
        });
        items.push(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app, "namespace": ns, "labels": {"app": app}},
            "spec": {"replicas": per_deploy, "selector": {"matchLabels": {"app": app}}, "template": template},
            "status": {"replicas": per_deploy, "readyReplicas": per_deploy}
        }));
        items.push(json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{app}-5d9c7b6f8"), "namespace": ns, "labels": {"app": app},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app,
                    "uid": "00000000-0000-0000-0000-000000000000", "controller": true}]},
            "spec": {"replicas": per_deploy, "template": template}
        }));
    }
    for p in 0..pods {
        let d = p / per_deploy;
        let ns = format!("team-{}", d % namespaces);
        let app = format!("svc-{d}");
        let image = format!("registry.example.mil/apps/{app}:1.{}.0", d % 7);
        items.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {
                "name": format!("{app}-5d9c7b6f8-{p:05x}"), "namespace": ns,
                "labels": {"app": app, "pod-template-hash": "5d9c7b6f8"},
                "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "name": format!("{app}-5d9c7b6f8"), "uid": "00000000-0000-0000-0000-000000000001",
                    "controller": true, "blockOwnerDeletion": true}],
                "uid": format!("00000000-0000-0000-0000-{p:012}"), "resourceVersion": "123456",
                "creationTimestamp": "2026-01-01T00:00:00Z"
            },
            "spec": {
                "nodeName": format!("k8s-worker-{:03}", p % nodes), "serviceAccountName": "default",
                "containers": [{
                    "name": "app", "image": image,
                    "args": ["--listen=:8080", "--log-level=info"],
                    "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                    "env": [{"name": "LOG_FORMAT", "value": "json"},
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
                    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                    "securityContext": {"allowPrivilegeEscalation": false, "runAsNonRoot": true,
                        "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true},
                    "terminationMessagePath": "/dev/termination-log", "imagePullPolicy": "IfNotPresent",
                    "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]
                }],
                "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}],
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
            },
            "status": {
                "phase": "Running", "podIP": format!("10.244.{}.{}", (p / 250) % 256, p % 250 + 2),
                "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": image,
                    "imageID": format!("registry.example.mil/apps/{app}@sha256:{:064x}", d % 7),
                    "containerID": format!("containerd://{p:064x}")}]
            }
        }));
    }
    let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items});
    serde_json::to_vec(&list).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n",
        "labels":{"app":"x"},"annotations":{"kubernetes.io/config.mirror":"abc","big":"zzz"},
        "ownerReferences":[{"kind":"ReplicaSet","name":"rs","controller":true}]},
        "spec":{"hostNetwork":true,"containers":[{"name":"c","image":"nginx:1.25",
        "ports":[{"containerPort":80,"hostPort":80,"protocol":"TCP"}],
        "env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}},{"name":"B","value":"v"}],
        "envFrom":[{"secretRef":{"name":"s2"}}]}],
        "initContainers":[{"name":"i","image":"busybox"}],
        "volumes":[{"name":"v","secret":{"secretName":"s3"}},
          {"name":"w","projected":{"sources":[{"secret":{"name":"s4"}},{"serviceAccountToken":{"path":"t"}}]}}]},
        "status":{"containerStatuses":[{"name":"c","image":"docker.io/library/nginx:1.25","imageID":"docker.io/library/nginx@sha256:aa"}]}}"#;

    #[test]
    fn single_pod_fields() {
        let c = parse(POD.as_bytes(), "t").unwrap();
        assert_eq!(c.pods.len(), 1);
        let p = &c.pods[0];
        assert_eq!(p.metadata.namespace, "n");
        assert!(p.metadata.is_mirror());
        assert_eq!(
            p.metadata.annotations.len(),
            1,
            "unneeded annotations dropped"
        );
        assert!(p.spec.host_network);
        let ctr = &p.spec.containers[0];
        assert_eq!(ctr.ports[0].host_port, Some(80));
        assert_eq!(
            ctr.env[0]
                .value_from
                .as_ref()
                .unwrap()
                .secret_key_ref
                .as_ref()
                .unwrap()
                .key,
            "k"
        );
        assert_eq!(ctr.env_from[0].secret_ref.as_ref().unwrap().name, "s2");
        let secrets: Vec<&str> = p
            .spec
            .volumes
            .iter()
            .flat_map(|v| v.secret_names())
            .collect();
        assert_eq!(secrets, vec!["s3", "s4"]);
        assert_eq!(p.spec.all_containers().count(), 2);
        assert_eq!(
            p.status.container_statuses[0].image_id,
            "docker.io/library/nginx@sha256:aa"
        );
        assert_eq!(c.count(Kind::Pod), 1);
    }

    #[test]
    fn list_concatenated_and_version() {
        let text = format!(
            r#"{{"apiVersion":"v1","items":[{POD},
              {{"kind":"Deployment","metadata":{{"name":"d","namespace":"n"}},"spec":{{"template":{{"spec":{{"containers":[{{"name":"a","image":"a:1"}}]}}}}}}}},
              {{"kind":"CronJob","metadata":{{"name":"cj","namespace":"n"}},"spec":{{"jobTemplate":{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"b","image":"b:1"}}]}}}}}}}}}}}},
              {{"kind":"ConfigMap","metadata":{{"name":"cm","namespace":"n"}},"data":{{"db_password":"<kstig-redacted len=3 sha256:00>"}},"binaryData":{{"blob":"x"}}}},
              {{"kind":"ClusterRole","metadata":{{"name":"r"}},"rules":[{{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}}]}},
              {{"kind":"ClusterRoleBinding","metadata":{{"name":"b"}},"roleRef":{{"kind":"ClusterRole","name":"r"}},"subjects":[{{"kind":"Group","name":"devs"}}]}},
              {{"kind":"Lease","metadata":{{"name":"l","namespace":"kube-node-lease"}}}}
            ],"kind":"List","metadata":{{"resourceVersion":""}}}}
            {{"kind":"Namespace","metadata":{{"name":"n"}}}}
            {{"clientVersion":{{"major":"1","minor":"30","gitVersion":"v1.30.2"}},"serverVersion":{{"major":"1","minor":"30+","gitVersion":"v1.30.4-eks-1"}}}}"#
        );
        let c = parse(text.as_bytes(), "t").unwrap();
        assert_eq!(c.documents, 3);
        assert_eq!(c.pods.len(), 1);
        assert_eq!(c.workloads.len(), 2);
        assert_eq!(c.workloads[1].kind, Kind::CronJob);
        assert_eq!(c.workloads[1].template.spec.containers[0].image, "b:1");
        assert_eq!(c.config_maps[0].keys, vec!["db_password", "blob"]);
        assert!(c.roles[0].cluster);
        assert_eq!(c.bindings[0].subjects[0].name, "devs");
        assert_eq!(c.counts.get("Lease"), Some(&1));
        assert_eq!(c.namespaces.len(), 1);
        let sv = c.server_version.as_ref().unwrap().version("s").unwrap();
        assert_eq!(sv.tuple(), (1, 30, 4));
        assert_eq!(
            c.client_version
                .as_ref()
                .unwrap()
                .version("c")
                .unwrap()
                .tuple(),
            (1, 30, 2)
        );
        let s = c.summary();
        assert!(s.contains("1 Pod") && s.contains("v1.30.4"), "{s}");
    }

    #[test]
    fn raw_api_list_items_without_kind() {
        let text = r#"{"items":[{"metadata":{"name":"a","namespace":"x"}}],"kind":"PodList","apiVersion":"v1"}"#;
        let c = parse(text.as_bytes(), "t").unwrap();
        assert_eq!(c.pods.len(), 1);
        let text = r#"{"items":[{"metadata":{"name":"a"}}],"kind":"List"}"#;
        let e = parse(text.as_bytes(), "t").unwrap_err().to_string();
        assert!(e.contains("items[0]") && e.contains("no \"kind\""), "{e}");
    }

    #[test]
    fn bare_version_object() {
        let c = parse(
            br#"{"major":"1","minor":"24","gitVersion":"v1.24.17"}"#,
            "t",
        )
        .unwrap();
        assert_eq!(c.server_version.unwrap().version("x").unwrap().minor, 24);
    }

    #[test]
    fn errors_not_panics() {
        assert!(matches!(parse(b"", "t"), Err(ClusterError::Empty { .. })));
        assert!(matches!(
            parse(b"  \n ", "t"),
            Err(ClusterError::Empty { .. })
        ));
        let e = parse(b"{\"kind\":\"Pod\"", "dump.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("dump.json: JSON document 1:"), "{e}");
        let e = parse(b"{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"ports\":[{\"hostPort\":\"80\"}]}]}}]}", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("items[0]") && e.contains("invalid type"), "{e}");
        for bad in [
            &b"42"[..],
            b"\"x\"",
            b"[1,2]",
            b"{}",
            b"{\"items\":7}",
            b"{\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"a\":1}}}",
            b"{\"a\":1} garbage",
            b"\xff\xfe",
        ] {
            assert!(
                parse(bad, "t").is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let mut s = String::from("{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"spec\":");
        s.push_str(&"[".repeat(100_000));
        let e = parse(s.as_bytes(), "t").unwrap_err().to_string();
        assert!(e.contains("recursion limit"), "{e}");
        let s = "{\"a\":".repeat(50_000);
        assert!(parse(s.as_bytes(), "t").is_err());
    }

    #[test]
    fn requested_kinds() {
        let mut c = ClusterObjects::default();
        assert!(!c.covers(Kind::CronJob));
        c.set_requested_kinds(&[
            "all".into(),
            "cm".into(),
            "clusterroles.rbac.authorization.k8s.io".into(),
        ]);
        assert!(c.covers(Kind::CronJob));
        assert!(c.covers(Kind::ConfigMap));
        assert!(c.covers(Kind::ClusterRole));
        assert!(!c.covers(Kind::Role));
    }

    #[test]
    fn large_dump_parses() {
        let bytes = generate_large(20_000);
        let c = parse(&bytes, "large").unwrap();
        assert_eq!(c.pods.len(), 20_000);
        assert_eq!(c.count(Kind::Pod), 20_000);
        assert_eq!(c.workloads.len(), 4_000);
    }
}
