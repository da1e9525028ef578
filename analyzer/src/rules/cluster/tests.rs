use super::*;
use crate::cluster::{parse, ClusterObjects};
use crate::model::Status;
use serde_json::{json, Value};

const VIOLATING: &[u8] = include_bytes!("../../../../samples/cluster/kubeadm-cluster.json");
const CLEAN: &[u8] = include_bytes!("../../../../samples/cluster/kubeadm-cluster-clean.json");

fn ver(s: &str) -> Version {
    Version::find(s, "test").unwrap()
}

fn dump(items: Vec<Value>) -> ClusterObjects {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    parse(list.to_string().as_bytes(), "test").unwrap()
}

fn ns(name: &str) -> Value {
    json!({"kind": "Namespace", "metadata": {"name": name}})
}

fn pod(ns: &str, name: &str, spec: Value) -> Value {
    json!({"kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": spec})
}

fn ctr(name: &str, image: &str) -> Value {
    json!({"name": name, "image": image})
}

fn run(id: &str, c: &ClusterObjects, ctx: &ClusterContext) -> Verdict {
    cluster_check(id).unwrap()(c, ctx)
}

#[test]
fn registry_is_complete_and_unique() {
    let mut ids: Vec<&str> = CLUSTER_CHECKS.iter().map(|(id, _)| *id).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    for id in ids {
        let entry = crate::catalog::find(id).unwrap();
        assert_ne!(entry.method, crate::model::Method::Node, "{id}");
        assert!(
            super::super::node_check(id).is_none(),
            "{id} also a node check"
        );
    }
    assert!(cluster_check("CNTR-K8-000150").is_none());
    // Every AUTO-CLUSTER rule of the catalogue has a check.
    for e in crate::catalog::entries() {
        if e.method == crate::model::Method::Cluster {
            assert!(cluster_check(e.stig_id).is_some(), "{}", e.stig_id);
        }
    }
}

#[test]
fn no_dump() {
    let v = no_dump_verdict();
    assert_eq!(v.status, Status::NotReviewed);
    assert_eq!(
        v.details,
        "no cluster dump (collect with kubectl or --cluster-json)"
    );
}

#[test]
fn sample_verdicts() {
    let bad = parse(VIOLATING, "kubeadm-cluster.json").unwrap();
    let good = parse(CLEAN, "kubeadm-cluster-clean.json").unwrap();
    let ctx = ClusterContext::default();
    use Status::*;
    let expected = [
        ("CNTR-K8-000290", Open, NotAFinding),
        ("CNTR-K8-000420", Open, NotAFinding),
        ("CNTR-K8-000960", Open, NotAFinding),
        ("CNTR-K8-001160", Open, NotAFinding),
        ("CNTR-K8-001161", NotReviewed, NotReviewed),
        ("CNTR-K8-001163", NotReviewed, NotReviewed),
        ("CNTR-K8-001360", NotReviewed, NotReviewed),
        ("CNTR-K8-002010", NotApplicable, NotApplicable),
        ("CNTR-K8-002700", Open, NotAFinding),
        ("CNTR-K8-002720", NotAFinding, NotAFinding),
    ];
    assert_eq!(expected.len(), CLUSTER_CHECKS.len());
    for (id, on_bad, on_good) in expected {
        let vb = run(id, &bad, &ctx);
        assert_eq!(vb.status, on_bad, "{id} violating:\n{}", vb.details);
        let vg = run(id, &good, &ctx);
        assert_eq!(vg.status, on_good, "{id} clean:\n{}", vg.details);
        for v in [&vb, &vg] {
            assert!(!v.details.contains("Spr1ng2026"), "{id} leaks a value");
            if crate::catalog::find(id).unwrap().method == crate::model::Method::Manual {
                let last = v.details.lines().last().unwrap();
                assert!(last.starts_with("Decide: "), "{id}: {last}");
                assert_eq!(v.details.matches("Decide: ").count(), 1);
            }
        }
    }
}

#[test]
fn sample_details_name_the_planted_objects() {
    let bad = parse(VIOLATING, "kubeadm-cluster.json").unwrap();
    let ctx = ClusterContext::default();
    let d = |id| run(id, &bad, &ctx).details;

    let v = d("CNTR-K8-000290");
    assert!(v.contains("Pod default/nginx-test"), "{v}");
    assert!(!v.contains("Service default/kubernetes\n"), "{v}");
    assert!(!v.contains("Lease"), "{v}");

    let v = d("CNTR-K8-000420");
    assert!(v.contains("Deployment kubernetes-dashboard/kubernetes-dashboard: label k8s-app=kubernetes-dashboard"), "{v}");
    assert!(
        v.contains("Pod kubernetes-dashboard/kubernetes-dashboard-6d4f5b7b9c-8bq5r"),
        "{v}"
    );

    let v = d("CNTR-K8-000960");
    assert!(
        v.contains("Pod web/web-edge-5b6c7d8e9-j4t6s: containers edge hostPort 80/TCP"),
        "{v}"
    );
    assert!(!v.contains("kube-system"), "{v}");

    let v = d("CNTR-K8-001160");
    assert!(v.contains("Deployment payments/payments-api: containers api env DB_PASSWORD from Secret payments-db-credentials key password"), "{v}");
    // The ReplicaSets and pods inherit it: not repeated.
    assert!(!v.contains("Pod payments/payments-api-58c7d9f6b4"), "{v}");
    assert!(v.contains("inherit the same references"), "{v}");

    let v = d("CNTR-K8-001161");
    assert!(
        v.contains("ConfigMap payments/payments-config: key db_password"),
        "{v}"
    );
    assert!(
        !v.contains("POSTGRES_PASSWORD_FILE"),
        "a file reference is not a secret: {v}"
    );
    assert!(!v.contains("service-account-private-key-file"), "{v}");

    let v = d("CNTR-K8-001163");
    let user_part = v.split("Granted only to system subjects").next().unwrap();
    assert!(user_part.contains("ClusterRole secret-reader (get,list,watch on secrets) <- ClusterRoleBinding payments-developers-secret-reader cluster-wide: Group payments-developers"), "{v}");
    assert!(user_part.contains("Group kubeadm:cluster-admins"), "{v}");
    assert!(!user_part.contains("system:masters"), "{v}");
    assert!(
        v.contains("volume tls mounts Secret payments-api-tls"),
        "{v}"
    );

    let v = d("CNTR-K8-001360");
    let (other, platform) = v.split_once("Recognised as platform").unwrap();
    assert!(other.contains("Pod kube-system/backup-agent-6c9f7d8b5-x2x9k: not recognised as platform; owner ReplicaSet backup-agent-6c9f7d8b5"), "{v}");
    for p in [
        "etcd-k8s-cp-01: static pod (mirror) of etcd",
        "kube-apiserver-k8s-cp-01: static pod (mirror) of kube-apiserver",
        "kube-proxy-7xk2p: kube-proxy",
        "coredns-7db6d8ff4d-4hx9t: CoreDNS",
        "calico-node-d8r2w: CNI (Calico)",
        "calico-kube-controllers-77d59654f4-tq6lz: CNI (Calico)",
    ] {
        assert!(platform.contains(p), "{p}: {v}");
    }

    let v = d("CNTR-K8-002700");
    assert!(v.contains("registry.example.mil/payments/api: 2 versions: 2.4.0 (payments/payments-api-6f8b5c4d7-zr9vx); 2.4.1 (payments/payments-api-58c7d9f6b4-k7p2n, payments/payments-api-58c7d9f6b4-w4c8d)"), "{v}");

    let v = run("CNTR-K8-002010", &bad, &ctx);
    assert!(v.details.contains("1.30.4"), "{}", v.details);
    let v = run("CNTR-K8-002720", &bad, &ctx);
    assert!(
        v.details.contains("kubelet v1.30.4 (Node status.nodeInfo.kubeletVersion) on 2 host(s): k8s-cp-01, k8s-worker-01"),
        "{}",
        v.details
    );
    assert!(
        v.details.contains("No kubectl client version"),
        "{}",
        v.details
    );
    assert!(v.comments.contains("assessment date"), "{}", v.comments);
}

#[test]
fn clean_sample_notes_uncollected_kinds() {
    let good = parse(CLEAN, "clean").unwrap();
    let v = cntr_k8_000290(&good, &ClusterContext::default());
    assert_eq!(v.status, Status::NotAFinding);
    assert!(
        v.details.contains("no replicationcontrollers anywhere"),
        "{}",
        v.details
    );
    assert!(
        v.comments.contains("replicationcontrollers"),
        "{}",
        v.comments
    );
    let mut good = good;
    good.set_requested_kinds(&["all".to_string()]);
    let v = cntr_k8_000290(&good, &ClusterContext::default());
    assert_eq!(v.status, Status::NotAFinding);
    assert!(v.comments.is_empty(), "{}", v.comments);
}

#[test]
fn empty_dumps_never_pass() {
    // A dump with no pods and nothing cluster-wide.
    let c = dump(vec![
        json!({"kind": "ConfigMap", "metadata": {"name": "x", "namespace": "y"}}),
    ]);
    let ctx = ClusterContext::default();
    for (id, _) in CLUSTER_CHECKS {
        let v = run(id, &c, &ctx);
        assert_ne!(v.status, Status::NotAFinding, "{id}: {}", v.details);
    }
    for id in [
        "CNTR-K8-000420",
        "CNTR-K8-000960",
        "CNTR-K8-001160",
        "CNTR-K8-002700",
    ] {
        assert!(
            run(id, &c, &ctx).details.contains("dump has no pods"),
            "{id}"
        );
    }
    // An empty cluster: namespaces, no pods. Pod rules pass; 000290 needs services.
    let c = dump(vec![ns("default"), ns("kube-system")]);
    for id in [
        "CNTR-K8-000420",
        "CNTR-K8-000960",
        "CNTR-K8-001160",
        "CNTR-K8-002700",
    ] {
        assert_eq!(run(id, &c, &ctx).status, Status::NotAFinding, "{id}");
    }
    let v = cntr_k8_000290(&c, &ctx);
    assert_eq!(v.status, Status::NotReviewed, "{}", v.details);
    assert!(v.details.contains("services"), "{}", v.details);
    // Pods and services only: workload controllers unknown.
    let c = dump(vec![
        ns("default"),
        json!({"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"}}),
        pod("web", "a", json!({"containers": [ctr("a", "a:1")]})),
    ]);
    let v = cntr_k8_000290(&c, &ctx);
    assert_eq!(v.status, Status::NotReviewed, "{}", v.details);
    assert!(v.details.contains("workload controllers"), "{}", v.details);
}

#[test]
fn system_namespaces_objects() {
    let c = dump(vec![
        ns("default"),
        json!({"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"}}),
        json!({"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "kube-public"}}),
        json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "h", "namespace": "kube-node-lease"}}),
        json!({"kind": "CronJob", "metadata": {"name": "cj", "namespace": "default"}, "spec": {}}),
        json!({"kind": "Lease", "metadata": {"name": "n1", "namespace": "kube-node-lease"}}),
        json!({"kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "default"}}),
    ]);
    let v = cntr_k8_000290(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("Service kube-public/kubernetes"));
    assert!(v
        .details
        .contains("HorizontalPodAutoscaler kube-node-lease/h"));
    assert!(v.details.contains("CronJob default/cj"));
    assert!(!v.details.contains("Lease kube-node-lease"));
    assert!(!v.details.contains("ConfigMap"));
}

#[test]
fn dashboard_variants() {
    let ctx = ClusterContext::default();
    let c = dump(vec![
        json!({"kind": "Pod", "metadata": {"name": "d", "namespace": "ui",
        "labels": {"app.kubernetes.io/name": "kubernetes-dashboard"}},
        "spec": {"containers": [ctr("web", "docker.io/kubernetesui/dashboard-web:1.4.0")]}}),
    ]);
    let v = cntr_k8_000420(&c, &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(v
        .details
        .contains("app.kubernetes.io/name=kubernetes-dashboard"));
    assert!(v.details.contains("kubernetesui"));
    assert!(v.comments.contains("selector"), "{}", v.comments);
    // Image only.
    let c = dump(vec![pod(
        "x",
        "p",
        json!({"containers": [ctr("s", "kubernetesui/metrics-scraper:v1.0.8")]}),
    )]);
    assert_eq!(cntr_k8_000420(&c, &ctx).status, Status::Open);
    // Something else named dashboard is not the Kubernetes dashboard.
    let c = dump(vec![pod(
        "x",
        "grafana-dashboard",
        json!({"containers": [ctr("g", "grafana/grafana:11.1.0")]}),
    )]);
    assert_eq!(cntr_k8_000420(&c, &ctx).status, Status::NotAFinding);
}

#[test]
fn host_ports() {
    let ctx = ClusterContext::default();
    let c = dump(vec![
        pod(
            "kube-system",
            "sys",
            json!({"containers": [{"name": "a", "image": "a:1", "ports": [{"containerPort": 53, "hostPort": 53}]}]}),
        ),
        pod(
            "app",
            "hn",
            json!({"hostNetwork": true, "containers": [{"name": "a", "image": "a:1", "ports": [{"containerPort": 443}]}]}),
        ),
        pod(
            "app",
            "hn-high",
            json!({"hostNetwork": true, "containers": [{"name": "a", "image": "a:1", "ports": [{"containerPort": 8443}]}]}),
        ),
        pod(
            "app",
            "hn-none",
            json!({"hostNetwork": true, "containers": [ctr("a", "a:1")]}),
        ),
        pod(
            "app",
            "init",
            json!({"initContainers": [{"name": "i", "image": "a:1", "ports": [{"containerPort": 8080, "hostPort": 1023, "protocol": "UDP"}]}], "containers": [ctr("a", "a:1")]}),
        ),
        pod(
            "app",
            "ok",
            json!({"containers": [{"name": "a", "image": "a:1", "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 0}]}]}),
        ),
    ]);
    let v = cntr_k8_000960(&c, &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(
        v.details
            .contains("Pod app/hn: hostNetwork: true, containers a containerPort 443/TCP"),
        "{}",
        v.details
    );
    assert!(
        v.details
            .contains("Pod app/init: initContainers i hostPort 1023/UDP"),
        "{}",
        v.details
    );
    assert!(!v.details.contains("hn-high:"), "{}", v.details);
    assert!(!v.details.contains("app/ok"), "{}", v.details);
    assert!(!v.details.contains("kube-system"), "{}", v.details);
    assert!(
        v.details.contains("any host port):\n  Pod app/hn-none"),
        "{}",
        v.details
    );
}

#[test]
fn secret_env_and_envfrom() {
    let ctx = ClusterContext::default();
    let c = dump(vec![pod(
        "kube-system",
        "sys",
        json!({"containers": [{"name": "a", "image": "a:1",
            "envFrom": [{"secretRef": {"name": "creds"}, "prefix": "X_"}, {"configMapRef": {"name": "cm"}}]}]}),
    )]);
    let v = cntr_k8_001160(&c, &ctx);
    assert_eq!(v.status, Status::Open, "system namespaces are not excluded");
    assert!(
        v.details
            .contains("Pod kube-system/sys: containers a envFrom Secret creds (prefix X_)"),
        "{}",
        v.details
    );
    // A workload template with no pods at all (scaled to zero).
    let c = dump(vec![
        ns("default"),
        json!({"kind": "StatefulSet", "metadata": {"name": "s", "namespace": "n"}, "spec": {"replicas": 0, "template": {"spec": {"containers": [
            {"name": "c", "image": "a:1", "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]}}}}),
    ]);
    let v = cntr_k8_001160(&c, &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(v
        .details
        .contains("StatefulSet n/s: containers c env T from Secret s key k"));
    // A pod that differs from its owner's template is still listed.
    let c = dump(vec![
        json!({"kind": "ReplicaSet", "metadata": {"name": "rs", "namespace": "n"}, "spec": {"template": {"spec": {"containers": [
            {"name": "c", "image": "a:1", "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "a"}}}]}]}}}}),
        json!({"kind": "Pod", "metadata": {"name": "rs-1", "namespace": "n", "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "controller": true}]},
            "spec": {"containers": [{"name": "c", "image": "a:1", "env": [
                {"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "a"}}},
                {"name": "B", "valueFrom": {"secretKeyRef": {"name": "injected", "key": "b"}}}]}]}}),
    ]);
    let v = cntr_k8_001160(&c, &ctx);
    assert!(
        v.details.contains("ReplicaSet n/rs: containers c env A"),
        "{}",
        v.details
    );
    assert!(
        v.details
            .contains("Pod n/rs-1: containers c env B from Secret injected"),
        "{}",
        v.details
    );
    assert!(
        !v.details.contains("Pod n/rs-1: containers c env A"),
        "{}",
        v.details
    );
}

#[test]
fn long_lists_are_capped() {
    let mut items = vec![ns("default")];
    for i in 0..300 {
        items.push(pod(
            "default",
            &format!("p{i}"),
            json!({"containers": [ctr("a", "a:1")]}),
        ));
    }
    let c = dump(items);
    let v = cntr_k8_000290(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("300 object(s)"));
    assert!(v.details.ends_with("... and 100 more"), "{}", v.details);
    assert_eq!(v.details.lines().count(), 1 + MAX_LINES + 1);
}

#[test]
fn sensitive_data_scan() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----";
    let c = dump(vec![
        pod(
            "app",
            "p",
            json!({"containers": [{"name": "c", "image": "a:1",
            "env": [
                {"name": "API_KEY", "value": "hunter2-very-secret"},
                {"name": "TLS_KEY", "value": pem},
                {"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
                {"name": "SECRET_NAME", "value": "db-creds"},
                {"name": "ENABLE_TOKEN_AUTH", "value": "true"},
                {"name": "TOKEN", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "token"}}},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p"}}}
            ],
            "command": ["sh", "-c", "PGPASSWORD=hunter3 psql -h db"],
            "args": ["--db-password=hunter4", "--token", "hunter5", "--token-file=/x", "--use-service-account-credentials=true", "--password", "$(DB_PASSWORD)"]}]}),
        ),
        json!({"kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "app"},
            "data": {"token": "<kstig-redacted len=3 sha256:00>", "tls.key": "x", "log_level": "x", "secret_ref_name": "x"}}),
    ]);
    let v = cntr_k8_001161(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::NotReviewed);
    let d = &v.details;
    for want in [
        "Pod app/p: containers c env API_KEY: literal value (secret-looking name)",
        "Pod app/p: containers c env TLS_KEY: literal value holds a PEM block (-----BEGIN RSA PRIVATE KEY-----)",
        "Pod app/p: containers c env TOKEN: from ConfigMap cm key token",
        "Pod app/p: containers c command[2]: PGPASSWORD= with a literal value",
        "Pod app/p: containers c args[0]: --db-password= with a literal value",
        "Pod app/p: containers c args[1]: --token followed by a literal value",
        "ConfigMap app/cm: key token (secret-looking name)",
        "ConfigMap app/cm: key tls.key (key-material file name)",
    ] {
        assert!(d.contains(want), "missing {want:?} in:\n{d}");
    }
    for not in [
        "DB_PASSWORD_FILE",
        "SECRET_NAME",
        "ENABLE_TOKEN_AUTH",
        "token-file",
        "use-service-account",
        "args[5]",
        "log_level",
        "secret_ref_name",
        "env DB_PASSWORD",
    ] {
        assert!(!d.contains(not), "unexpected {not:?} in:\n{d}");
    }
    for value in ["hunter", "MIIEow"] {
        assert!(!d.contains(value), "value leaked: {d}");
    }
}

#[test]
fn rbac_grants() {
    let c = dump(vec![
        json!({"kind": "Role", "metadata": {"name": "r", "namespace": "n"}, "rules": [
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["one"]}]}),
        json!({"kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "n"}, "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "n"}]}),
        json!({"kind": "RoleBinding", "metadata": {"name": "rb-other-ns", "namespace": "m"}, "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "name": "eve"}]}),
        json!({"kind": "ClusterRole", "metadata": {"name": "star"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]}]}),
        json!({"kind": "ClusterRole", "metadata": {"name": "writer"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]}),
        json!({"kind": "ClusterRole", "metadata": {"name": "apps"}, "rules": [{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]}),
        json!({"kind": "RoleBinding", "metadata": {"name": "star-in-x", "namespace": "x"}, "roleRef": {"kind": "ClusterRole", "name": "star"},
            "subjects": [{"kind": "Group", "name": "ops"}]}),
    ]);
    let v = cntr_k8_001163(&c, &ClusterContext::default());
    let d = &v.details;
    assert!(d.contains("Role n/r (get on secrets (only one)) <- RoleBinding n/rb in namespace n: ServiceAccount n/app"), "{d}");
    assert!(
        !d.contains("rb-other-ns"),
        "a RoleBinding in another namespace cannot use the Role: {d}"
    );
    assert!(
        d.contains(
            "ClusterRole star (list on *) <- RoleBinding x/star-in-x in namespace x: Group ops"
        ),
        "{d}"
    );
    assert!(
        !d.contains("writer") && !d.contains("ClusterRole apps"),
        "{d}"
    );
    assert!(d.contains("The dump has no pods or workloads"), "{d}");
    let c = dump(vec![ns("a")]);
    let v = cntr_k8_001163(&c, &ClusterContext::default());
    assert!(
        v.details.contains("RBAC was not collected"),
        "{}",
        v.details
    );
}

#[test]
fn platform_classification() {
    let c = dump(vec![
        pod(
            "kube-system",
            "coredns-abc-1",
            json!({"containers": [ctr("c", "registry.example/evil/miner:1")]}),
        ),
        json!({"kind": "Pod", "metadata": {"name": "weird-node1", "namespace": "kube-system",
            "annotations": {"kubernetes.io/config.mirror": "x"}}, "spec": {"containers": [ctr("c", "busybox")]}}),
        json!({"kind": "Pod", "metadata": {"name": "helm-install-traefik-x", "namespace": "kube-system",
            "ownerReferences": [{"kind": "Job", "name": "helm-install-traefik"}]},
            "spec": {"containers": [ctr("helm", "rancher/klipper-helm:v0.8.4-build20240523")]}}),
        json!({"kind": "Pod", "metadata": {"name": "svclb-traefik-1", "namespace": "kube-system", "labels": {"app": "svclb-traefik"}},
            "spec": {"containers": [ctr("lb", "rancher/klipper-lb:v0.4.9")]}}),
        pod(
            "kube-public",
            "thing",
            json!({"containers": [ctr("c", "a:1")]}),
        ),
        pod("app", "user", json!({"containers": [ctr("c", "a:1")]})),
    ]);
    let v = cntr_k8_001360(&c, &ClusterContext::default());
    let (other, platform) = v.details.split_once("Recognised as platform").unwrap();
    assert!(other.contains("coredns-abc-1: named like CoreDNS but runs unexpected image(s) registry.example/evil/miner:1"), "{}", v.details);
    assert!(
        other.contains("weird-node1: static pod (mirror) of an unrecognised component"),
        "{}",
        v.details
    );
    assert!(other.contains("Pod kube-public/thing"), "{}", v.details);
    assert!(!v.details.contains("app/user"));
    assert!(
        platform.contains("helm-install-traefik-x: k3s/RKE2 helm-controller job"),
        "{}",
        v.details
    );
    assert!(
        platform.contains("svclb-traefik-1: k3s service load balancer"),
        "{}",
        v.details
    );
}

#[test]
fn image_normalisation() {
    for (img, repo, version) in [
        ("nginx", "nginx", "latest"),
        ("nginx:1.25", "nginx", "1.25"),
        ("docker.io/library/nginx:1.25", "nginx", "1.25"),
        ("index.docker.io/library/nginx:1.25", "nginx", "1.25"),
        ("library/nginx:1.25", "nginx", "1.25"),
        ("docker.io/calico/node:v3.28.1", "calico/node", "v3.28.1"),
        ("registry:5000/app", "registry:5000/app", "latest"),
        ("registry:5000/app:2", "registry:5000/app", "2"),
        ("nginx@sha256:abc", "nginx", "@sha256:abc"),
        ("nginx:1.25@sha256:abc", "nginx", "1.25@sha256:abc"),
    ] {
        assert_eq!(
            split_image(img),
            (repo.to_string(), version.to_string()),
            "{img}"
        );
    }
    let c = dump(vec![
        pod("a", "p1", json!({"containers": [ctr("c", "nginx:1.25")]})),
        pod(
            "b",
            "p2",
            json!({"initContainers": [ctr("i", "docker.io/library/nginx:1.25")], "containers": [ctr("c", "busybox:1.36")]}),
        ),
        pod("b", "p3", json!({"containers": [ctr("c", "busybox")]})),
    ]);
    let v = cntr_k8_002700(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::Open);
    assert!(
        v.details
            .contains("busybox: 2 versions: 1.36 (b/p2); latest (b/p3)"),
        "{}",
        v.details
    );
    assert!(!v.details.contains("nginx:"), "{}", v.details);
}

#[test]
fn moving_tag_is_reported_not_decided() {
    let p = |name: &str, digest: &str| {
        json!({"kind": "Pod", "metadata": {"name": name, "namespace": "a"},
            "spec": {"containers": [ctr("c", "app:latest")]},
            "status": {"containerStatuses": [{"name": "c", "image": "docker.io/library/app:latest",
                "imageID": format!("docker.io/library/app@sha256:{digest}")}]}})
    };
    let c = dump(vec![p("p1", "aaaa"), p("p2", "bbbb")]);
    let v = cntr_k8_002700(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::NotAFinding);
    assert!(
        v.details.contains("app:latest resolves to 2 digests"),
        "{}",
        v.details
    );
    assert!(!v.comments.is_empty());
}

fn psp(name: &str, spec: Value) -> Value {
    json!({"kind": "PodSecurityPolicy", "metadata": {"name": name}, "spec": spec})
}

#[test]
fn pod_security_policy() {
    let old = ClusterContext {
        apiserver_versions: vec![("cp1".into(), ver("v1.24.17"))],
        ..ClusterContext::default()
    };
    let good = json!({"runAsUser": {"rule": "MustRunAsNonRoot"},
        "supplementalGroups": {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]},
        "fsGroup": {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]}});
    let c = dump(vec![psp("restricted", good.clone())]);
    let v = cntr_k8_002010(&c, &old);
    assert_eq!(v.status, Status::NotAFinding, "{}", v.details);
    let c = dump(vec![
        psp("restricted", good),
        psp(
            "loose",
            json!({"runAsUser": {"rule": "RunAsAny"}, "supplementalGroups": {"rule": "RunAsAny"},
            "fsGroup": {"rule": "MustRunAs", "ranges": [{"min": 0, "max": 10}, {"max": 5}]}}),
        ),
        psp("empty", json!({})),
    ]);
    let v = cntr_k8_002010(&c, &old);
    assert_eq!(v.status, Status::Open);
    let d = &v.details;
    assert!(d.contains("PodSecurityPolicy loose: runAsUser.rule is \"RunAsAny\", not MustRunAsNonRoot; supplementalGroups has no ranges (min missing); fsGroup.ranges[0].min is 0; fsGroup.ranges[1].min missing"), "{d}");
    assert!(d.contains("PodSecurityPolicy empty: runAsUser missing; supplementalGroups missing; fsGroup missing"), "{d}");
    // No PSP objects: Open only when they were collected.
    let mut c = dump(vec![ns("default")]);
    assert_eq!(cntr_k8_002010(&c, &old).status, Status::NotReviewed);
    c.set_requested_kinds(&["podsecuritypolicies".into()]);
    assert_eq!(cntr_k8_002010(&c, &old).status, Status::Open);
    // Version from the cluster's /version, 1.25 and later: not applicable.
    let c = parse(
        br#"{"serverVersion":{"major":"1","minor":"25","gitVersion":"v1.25.0"}}"#,
        "v",
    )
    .unwrap();
    let v = cntr_k8_002010(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::NotApplicable);
    assert!(
        v.details.contains("v1.25.0") && v.details.contains("V-254800"),
        "{}",
        v.details
    );
    // Only kube_version known.
    let ctx = ClusterContext {
        kube_version: Some(ver("1.29.3")),
        ..ClusterContext::default()
    };
    assert_eq!(
        cntr_k8_002010(&dump(vec![ns("a")]), &ctx).status,
        Status::NotApplicable
    );
    // Nothing known.
    let v = cntr_k8_002010(&dump(vec![ns("a")]), &ClusterContext::default());
    assert_eq!(v.status, Status::NotReviewed);
    assert!(v.details.contains("version unknown"));
}

fn node(name: &str, kubelet: &str, proxy: &str) -> Value {
    json!({"kind": "Node", "metadata": {"name": name}, "status": {"nodeInfo": {"kubeletVersion": kubelet, "kubeProxyVersion": proxy}}})
}

#[test]
fn version_skew() {
    let api = |v: &str| ClusterContext {
        apiserver_versions: vec![("cp1".into(), ver(v))],
        kubectl_versions: vec![("cp1".into(), ver(v))],
        ..ClusterContext::default()
    };
    let c = dump(vec![
        node("w1", "v1.27.16", "v1.27.16"),
        node("w2", "v1.30.4", ""),
    ]);
    let v = cntr_k8_002720(&c, &api("v1.30.4"));
    assert_eq!(v.status, Status::NotAFinding, "{}", v.details);
    assert!(v.comments.contains("assessment date"));
    // Four minors older.
    let c = dump(vec![node("w1", "v1.26.15", "")]);
    let v = cntr_k8_002720(&c, &api("v1.30.4"));
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("kubelet w1: v1.26.15 (Node status.nodeInfo.kubeletVersion) is 4 minor versions older than kube-apiserver v1.30.4 (at most 3 allowed)"), "{}", v.details);
    // A pre-1.25 kubelet may be only two minors older.
    let c = dump(vec![node("w1", "v1.24.17", "")]);
    let v = cntr_k8_002720(&c, &api("v1.27.3"));
    assert_eq!(v.status, Status::Open, "{}", v.details);
    assert!(v.details.contains("at most 2 allowed"));
    // Newer kubelet.
    let c = dump(vec![node("w1", "v1.31.0", "")]);
    let v = cntr_k8_002720(&c, &api("v1.30.4"));
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("is newer than kube-apiserver"));
    // kubectl two minors away.
    let mut ctx = api("v1.30.4");
    ctx.kubectl_versions = vec![("cp1".into(), ver("v1.28.9"))];
    let c = dump(vec![node("w1", "v1.30.4", "")]);
    let v = cntr_k8_002720(&c, &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("kubectl cp1: v1.28.9 (test) is more than one minor version from kube-apiserver v1.30.4"), "{}", v.details);
    // Many control planes on the same version: each version is named once
    // (the text would otherwise grow with the node count in every checklist).
    for i in 2..200 {
        ctx.apiserver_versions.push((
            format!("cp{i}"),
            ver(if i % 2 == 0 { "v1.30.4" } else { "v1.30.10" }),
        ));
    }
    let v = cntr_k8_002720(&c, &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(
        v.details
            .contains("is more than one minor version from kube-apiserver v1.30.4, v1.30.10\n"),
        "{}",
        v.details
    );
    // HA API servers two minors apart.
    let mut ctx = api("v1.30.4");
    ctx.apiserver_versions.push(("cp2".into(), ver("v1.28.1")));
    ctx.kubectl_versions.clear();
    let v = cntr_k8_002720(&dump(vec![node("w1", "v1.28.1", "")]), &ctx);
    assert_eq!(v.status, Status::Open);
    assert!(
        v.details.contains("span v1.28.1 to v1.30.4"),
        "{}",
        v.details
    );
    // kube-proxy newer than the API server.
    let v = cntr_k8_002720(
        &dump(vec![node("w1", "v1.30.4", "v1.31.1")]),
        &api("v1.30.4"),
    );
    assert_eq!(v.status, Status::Open);
    assert!(v.details.contains("kube-proxy w1"), "{}", v.details);
    // No API server version: not reviewed, known versions listed.
    let ctx = ClusterContext {
        kubelet_versions: vec![("w9".into(), ver("v1.30.1"))],
        ..ClusterContext::default()
    };
    let v = cntr_k8_002720(&dump(vec![ns("a")]), &ctx);
    assert_eq!(v.status, Status::NotReviewed);
    assert!(v.details.contains("kubelet w9: v1.30.1"), "{}", v.details);
    // API server only.
    let ctx = ClusterContext {
        apiserver_versions: vec![("cp1".into(), ver("v1.30.4"))],
        ..ClusterContext::default()
    };
    assert_eq!(
        cntr_k8_002720(&dump(vec![ns("a")]), &ctx).status,
        Status::NotReviewed
    );
    // The dump's own kubectl version document counts.
    let text = br#"{"clientVersion":{"major":"1","minor":"27","gitVersion":"v1.27.1"},"serverVersion":{"major":"1","minor":"30","gitVersion":"v1.30.4"}}"#;
    let c = parse(text, "version.json").unwrap();
    let v = cntr_k8_002720(&c, &ClusterContext::default());
    assert_eq!(v.status, Status::Open, "{}", v.details);
}

#[test]
fn large_dump_all_checks() {
    let c = parse(&crate::cluster::generate_large(20_000), "large").unwrap();
    let ctx = ClusterContext {
        apiserver_versions: vec![("cp1".into(), ver("v1.30.4"))],
        kubectl_versions: vec![("cp1".into(), ver("v1.30.2"))],
        ..ClusterContext::default()
    };
    for (id, want) in [
        // The generated dump has no Services: 000290 cannot pass.
        ("CNTR-K8-000290", Status::NotReviewed),
        ("CNTR-K8-000420", Status::NotAFinding),
        ("CNTR-K8-000960", Status::NotAFinding),
        ("CNTR-K8-001160", Status::NotAFinding),
        ("CNTR-K8-002010", Status::NotApplicable),
        ("CNTR-K8-002700", Status::NotAFinding),
        ("CNTR-K8-002720", Status::NotAFinding),
    ] {
        let v = run(id, &c, &ctx);
        assert_eq!(v.status, want, "{id}: {}", v.details);
    }
    let v = run("CNTR-K8-002720", &c, &ctx);
    assert!(
        v.details
            .contains("(Node status.nodeInfo.kubeletVersion) on 184 host(s): k8s-worker-000, "),
        "{}",
        v.details
    );
    assert!(v.details.lines().count() < 10, "grouped: {}", v.details);
}

#[test]
fn pem_labels_are_safe() {
    assert_eq!(
        pem_label("x -----BEGIN EC PRIVATE KEY-----\nabc").as_deref(),
        Some("-----BEGIN EC PRIVATE KEY-----")
    );
    // Unterminated, multibyte, and secret-looking text after the marker.
    for s in [
        "-----BEGIN ",
        "-----BEGIN ééééééééééééééééééééééééééé",
        "-----BEGIN KEYhunter2",
    ] {
        let l = pem_label(s).unwrap();
        assert!(!l.contains("hunter") && !l.contains('é'), "{l}");
    }
    assert_eq!(pem_label("no pem here"), None);
}

#[test]
fn mangled_dumps_never_panic() {
    let ctx = ClusterContext {
        apiserver_versions: vec![("cp".into(), ver("v1.24.0"))],
        ..ClusterContext::default()
    };
    let mut parsed = 0;
    for i in (0..VIOLATING.len()).step_by(4099) {
        // Truncated, and with one byte replaced.
        let _ = parse(&VIOLATING[..i], "t");
        for b in [b'"', b'{', b']', b'0', 0xff] {
            let mut m = VIOLATING.to_vec();
            m[i] = b;
            if let Ok(c) = parse(&m, "t") {
                parsed += 1;
                for (_, f) in CLUSTER_CHECKS {
                    let _ = f(&c, &ctx);
                }
            }
        }
    }
    assert!(parsed > 0);
}
