//! Entry points for fuzzing the parsers that read hostile input. Each takes
//! arbitrary bytes and must return without panicking, whatever the bytes.
//! The cargo-fuzz targets in `analyzer/fuzz/` call these, and so do the
//! proptest equivalents in the test suite (`tests/fuzz_prop.rs`), so that CI
//! exercises the same code without a nightly toolchain.
//!
//! | function | what it drives |
//! |---|---|
//! | [`bundle_reader`] | `collector::bundle::read_verified` / `read_untrusted` on a tar (gzipped here unless it already is) |
//! | [`manifest`] | a signed bundle whose `manifest.json` is the input, then the manifest model through every node rule and the three checklist writers |
//! | [`kubelet_config`] | the kubelet model (flags, `--config` YAML/JSON, drop-ins) and every rule |
//! | [`static_pod`] | the static pod manifest parser and every rule |
//! | [`benchmark`] | the DISA benchmark loader (XCCDF, SCAP data stream, zip) |
//! | [`previous`] | the earlier-checklist reader (CKL XML, CKLB JSON) |
//! | [`cluster_dump`] | the cluster object dump parser and the cluster rules |
//! | [`collector_text`] | the collector's parsers of node files: redaction, the YAML line scanner, static pod containers, argv redaction, `/etc/os-release`, `/etc/hosts`, `/proc` network tables, the kubectl output filter |

use crate::evidence::Node;
use crate::model::Benchmark;
use collector::bundle::{self, Limits, VerifiedBundle};
use collector::manifest::{Content, Manifest};
use collector::sign::{PublicKey, SigningKey};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

const TEST_KEY: &[u8] = include_bytes!("../../samples/keys/test-only-signing.key");

fn key() -> Option<&'static SigningKey> {
    static KEY: OnceLock<Option<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_pem("test-only-signing.key", TEST_KEY).ok())
        .as_ref()
}

fn builtin() -> &'static Benchmark {
    static B: OnceLock<Benchmark> = OnceLock::new();
    B.get_or_init(crate::catalog::builtin_benchmark)
}

/// Small limits: fuzzing is about structure, not size.
fn limits() -> Limits {
    Limits {
        max_compressed: 4 << 20,
        max_decompressed: 16 << 20,
        max_members: 2_000,
        max_member_size: 4 << 20,
        max_manifest_size: 4 << 20,
        max_manifest_depth: 32,
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    if gz.write_all(data).is_err() {
        return Vec::new();
    }
    gz.finish().unwrap_or_default()
}

/// A `.tar` (or `.tar.gz`) as a bundle: read verified and untrusted.
pub fn bundle_reader(data: &[u8]) {
    let gz = if data.starts_with(&[0x1f, 0x8b]) {
        data.to_vec()
    } else {
        gzip(data)
    };
    let trusted: Vec<PublicKey> = key().map(|k| k.public_key()).into_iter().collect();
    if let Ok(b) = bundle::read_verified(&gz, &trusted, &limits()) {
        assess(&b);
    }
    if let Ok(b) = bundle::read_untrusted(&gz, &trusted, &limits()) {
        assess(&b);
    }
}

/// `data` as `manifest.json`: inside a bundle signed with the test-only key
/// (so every check after the signature runs), then parsed directly and, when
/// it is a manifest, assessed with every captured member holding a small YAML.
pub fn manifest(data: &[u8]) {
    if let Some(k) = key() {
        let sig = k.sign(data);
        let tar = raw_tar(&[("manifest.json", data), ("manifest.sig", &sig)]);
        if let Ok(b) = bundle::read_verified(&gzip(&tar), &[k.public_key()], &limits()) {
            assess(&b);
        }
    }
    if !bundle::json_depth_within(data, 32) {
        return;
    }
    let Ok(m) = serde_json::from_slice::<Manifest>(data) else {
        return;
    };
    let mut members = BTreeMap::new();
    for f in &m.files {
        if let Content::Captured { member } | Content::Redacted { member, .. } = &f.content {
            members.insert(member.clone(), b"apiVersion: v1\nkind: Pod\n".to_vec());
        }
    }
    let b = VerifiedBundle {
        manifest: m,
        manifest_bytes: data.to_vec(),
        members,
        verified_by: None,
        signature_problem: None,
    };
    assess(&b);
}

/// `data` split at the first NUL: kubelet arguments (one per line), then the
/// content of its `--config` file.
pub fn kubelet_config(data: &[u8]) {
    let (args, config) = split(data);
    let mut argv = vec![
        "/usr/bin/kubelet".to_string(),
        "--config=/var/lib/kubelet/config.yaml".to_string(),
    ];
    argv.extend(String::from_utf8_lossy(args).lines().map(str::to_string));
    let b = node_bundle(
        &[
            ("/var/lib/kubelet/config.yaml", config),
            (
                "/etc/kubernetes/kubelet.conf",
                b"apiVersion: v1\nkind: Config\n",
            ),
        ],
        &[("kubelet", argv)],
    );
    assess_and(&b, false);
}

/// `data` as `/etc/kubernetes/manifests/kube-apiserver.yaml`, and (after the
/// first NUL) as the etcd manifest.
pub fn static_pod(data: &[u8]) {
    let (first, second) = split(data);
    let b = node_bundle(
        &[
            ("/etc/kubernetes/manifests/kube-apiserver.yaml", first),
            ("/etc/kubernetes/manifests/etcd.yaml", second),
            ("/var/lib/kubelet/config.yaml", first),
        ],
        &[(
            "kubelet",
            vec![
                "kubelet".into(),
                "--config".into(),
                "/var/lib/kubelet/config.yaml".into(),
            ],
        )],
    );
    assess_and(&b, false);
}

/// The benchmark loader; a loaded benchmark is also rendered.
pub fn benchmark(data: &[u8]) {
    if let Ok(b) = crate::benchmark::load_bytes("fuzz-benchmark", data) {
        let node = node_bundle(&[], &[]);
        let n = Node::new(&node);
        let a = crate::results::assess_node(&n, &b, crate::results::target_of(&n));
        write_checklists(&b, &a);
    }
}

/// The earlier-checklist reader, as CKL, as CKLB and sniffed.
pub fn previous(data: &[u8]) {
    for name in ["fuzz.ckl", "fuzz.cklb", "fuzz"] {
        let _ = crate::previous::read_bytes(data, std::path::Path::new(name));
    }
}

/// The cluster dump parser and every cluster rule.
pub fn cluster_dump(data: &[u8]) {
    if let Ok(objects) = crate::cluster::parse(data, "fuzz.json") {
        let ctx = crate::rules::cluster::ClusterContext::default();
        for rule in &builtin().rules {
            if let Some(check) = crate::rules::cluster::cluster_check(&rule.stig_id) {
                let _ = check(&objects, &ctx);
            }
        }
    }
}

/// What the collector parses on a node (a panic there aborts the collection
/// on a sick node); redacted text must also never keep a PEM private key.
pub fn collector_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let r = collector::redact::redact_text(&text);
    let _ = collector::redact::leaks_private_key(&r.text);
    let _ = collector::yamlscan::scan(&text);
    let _ = collector::yamlscan::pod_containers(&text);
    let _ = collector::yamlscan::flow_items(&text);
    let _ = collector::yamlscan::has_kind(&text, "Pod");
    let argv: Vec<String> = text.split('\0').map(str::to_string).collect();
    let _ = collector::redact::redact_argv(&argv, true);
    let _ = collector::redact::redact_argv(&argv, false);
    let _ = collector::hostfacts::parse_os_release(&text);
    let _ = collector::hostfacts::fqdn_from_hosts("node", &text);
    let _ = collector::hostfacts::local_ipv4_from_fib_trie(&text);
    let _ = collector::hostfacts::ipv6_from_if_inet6(&text);
    let _ = collector::cluster::filter_stream(data);
}

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    }
}

/// Assess a bundle with the built-in catalogue and render every checklist.
fn assess(b: &VerifiedBundle) {
    assess_and(b, true);
}

/// Assess a bundle; render the checklists too when `render` (they take four
/// fifths of the time: the config targets leave them to the manifest and
/// bundle targets, whose strings reach the writers just the same).
fn assess_and(b: &VerifiedBundle, render: bool) {
    let node = Node::new(b);
    let _ = node.drift();
    let _ = node.versions();
    let target = crate::results::target_of(&node);
    let a = crate::results::assess_node(&node, builtin(), target);
    if render {
        write_checklists(builtin(), &a);
    }
}

fn write_checklists(bench: &Benchmark, a: &crate::model::Assessment) {
    let generated = crate::checklist::Generated {
        tool_version: "fuzz".into(),
        time: "2026-01-01T00:00:00Z".into(),
        marking: String::new(),
    };
    let _ = crate::ckl::write(&bench.info, &bench.rules, a, &generated);
    let _ = crate::cklb::write(&bench.info, &bench.rules, a, &generated);
    let _ = crate::xccdf::write(&bench.info, &bench.rules, a, &generated);
}

/// A verified-looking bundle of a kubeadm node holding `files` (captured
/// text; invalid UTF-8 is stored as is) and `processes` (component, argv).
fn node_bundle(files: &[(&str, &[u8])], processes: &[(&str, Vec<String>)]) -> VerifiedBundle {
    let mut members = BTreeMap::new();
    let mut records = Vec::new();
    for (path, bytes) in files {
        let member = bundle::file_member_path(path, None);
        members.insert(member.clone(), bytes.to_vec());
        records.push(serde_json::json!({
            "path": path, "via": null, "type": "file", "mode": "0600", "uid": 0, "gid": 0,
            "user": "root", "group": "root", "size": bytes.len(), "mtime": 0,
            "sha256": null, "target": null,
            "content": {"state": "captured", "member": member}, "reason": "fuzz"
        }));
    }
    let procs: Vec<serde_json::Value> = processes
        .iter()
        .enumerate()
        .map(|(i, (component, argv))| {
            serde_json::json!({
                "pid": 100 + i, "ppid": 1, "comm": component, "argv": argv, "uid": 0,
                "component": component, "redacted": 0
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "format": collector::manifest::FORMAT,
        "collector": {"name": "kstig-collect", "version": "fuzz"},
        "bundle_id": "00000000000000000000000000000000",
        "created": "2026-01-01T00:00:00Z",
        "root": "/", "live": false,
        "host": {"hostname": "fuzz-node", "fqdn": "", "ip_addresses": [], "mac_addresses": [],
                 "machine_id": "", "os_release": {}, "kernel": ""},
        "signer": {"algorithm": "ed25519", "fingerprint": ""},
        "members": [], "files": records, "processes": procs, "commands": [],
        "packages": [], "images": [], "cluster": null, "errors": []
    });
    let manifest = serde_json::from_value::<Manifest>(manifest).unwrap_or_else(|_| empty());
    VerifiedBundle {
        manifest,
        manifest_bytes: Vec::new(),
        members,
        verified_by: None,
        signature_problem: None,
    }
}

/// The smallest manifest, should the skeleton above ever stop parsing.
fn empty() -> Manifest {
    Manifest {
        format: collector::manifest::FORMAT.into(),
        collector: collector::manifest::CollectorInfo {
            name: "kstig-collect".into(),
            version: "fuzz".into(),
        },
        bundle_id: String::new(),
        created: String::new(),
        root: "/".into(),
        live: false,
        host: Default::default(),
        signer: collector::manifest::Signer {
            algorithm: String::new(),
            fingerprint: String::new(),
        },
        members: vec![],
        files: vec![],
        processes: vec![],
        commands: vec![],
        packages: vec![],
        images: vec![],
        cluster: None,
        errors: vec![],
    }
}

/// An uncompressed tar of regular members with the given names (written raw,
/// as a hostile tool would).
pub fn raw_tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        let raw = &mut h.as_old_mut().name;
        let n = name.len().min(raw.len());
        raw[..n].copy_from_slice(&name.as_bytes()[..n]);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_parses_and_every_entry_point_runs() {
        let b = node_bundle(&[("/etc/kubernetes/manifests/x.yaml", b"a: 1")], &[]);
        assert_eq!(b.manifest.files.len(), 1);
        assert!(key().is_some());
        for f in [
            bundle_reader,
            manifest,
            kubelet_config,
            static_pod,
            benchmark,
            previous,
            cluster_dump,
            collector_text,
        ] {
            f(b"");
            f(b"{}");
            f(b"\0\xff<x/>");
        }
    }
}
