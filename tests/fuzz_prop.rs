//! The fuzz targets' proptest equivalents, run by CI without a nightly
//! toolchain: each `analyzer::fuzzing` entry point gets random bytes and
//! mutations (byte flips, insertions of troublesome tokens, deletions,
//! duplications, truncations) of seeds taken from the samples. Any panic
//! fails the test; `cargo fuzz` (analyzer/fuzz, docs/fuzzing.md) runs the
//! same entry points for longer.

mod support;

use collector::bundle::BundleWriter;
use collector::manifest::{CollectorInfo, HostFacts, Manifest, Signer, FORMAT};
use collector::sign::SigningKey;
use proptest::prelude::*;
use std::io::{Read, Write};
use std::sync::OnceLock;

/// Tokens that tend to break parsers.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"\\",
    b":",
    b": ",
    b",",
    b"\n",
    b"\n  ",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!binary ",
    b"|\n",
    b">-\n",
    b"#",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xe2\x82\xac",
    b"\xc3\xb1",
    b"<!DOCTYPE x [<!ENTITY e \"e\">]>",
    b"&e;",
    b"&#x110000;",
    b"&#0;",
    b"<![CDATA[",
    b"]]>",
    b"<",
    b"/>",
    b"</",
    b"..",
    b"../",
    b"/",
    b"-----BEGIN PRIVATE KEY-----",
    b"--",
    b"=",
    b"1e999",
    b"-0",
    b"18446744073709551616",
    b"null",
    b"true",
    b"~",
];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// Apply `n` mutations chosen by `seed` to `data`.
fn mutate(data: &[u8], seed: u64, n: u8) -> Vec<u8> {
    let mut v = data.to_vec();
    let mut x = seed | 1;
    let mut next = |m: usize| -> usize {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if m == 0 {
            0
        } else {
            (x % m as u64) as usize
        }
    };
    for _ in 0..n {
        let len = v.len();
        match next(6) {
            0 if len > 0 => {
                let i = next(len);
                v[i] ^= 1 << next(8);
            }
            1 => {
                let t = TOKENS[next(TOKENS.len())];
                let i = next(len + 1);
                v.splice(i..i, t.iter().copied());
            }
            2 if len > 0 => {
                let i = next(len);
                let j = (i + 1 + next(64)).min(len);
                v.drain(i..j);
            }
            3 if len > 0 => {
                let i = next(len);
                let j = (i + 1 + next(256)).min(len);
                let chunk: Vec<u8> = v[i..j].to_vec();
                let at = next(len + 1);
                v.splice(at..at, chunk);
            }
            4 => v.truncate(next(len + 1)),
            _ => {
                let i = next(len + 1);
                let b = next(256) as u8;
                v.insert(i, b);
            }
        }
    }
    v
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(support::repo().join(rel)).unwrap_or_default()
}

struct Seeds {
    tar: Vec<u8>,
    manifest: Vec<u8>,
    kubelet: Vec<Vec<u8>>,
    pods: Vec<Vec<u8>>,
    benchmark: Vec<Vec<u8>>,
    previous: Vec<Vec<u8>>,
    cluster: Vec<u8>,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let kubelet = vec![
            read("samples/nodes/kubeadm-cp/var/lib/kubelet/config.yaml"),
            read("samples/nodes/rke2-server/etc/rancher/rke2/kubelet-config.yaml"),
        ];
        let pods = vec![
            read("samples/nodes/kubeadm-cp/etc/kubernetes/manifests/kube-apiserver.yaml"),
            read("samples/nodes/kubeadm-cp/etc/kubernetes/manifests/etcd.yaml"),
            read("samples/nodes/rke2-server/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml"),
        ];
        // A small bundle made here, signed with the test-only key.
        let key = SigningKey::from_pem_file(&support::signing_key()).expect("test key");
        let mut w = BundleWriter::new();
        for (path, bytes) in [
            ("/var/lib/kubelet/config.yaml", &kubelet[0]),
            ("/etc/kubernetes/manifests/kube-apiserver.yaml", &pods[0]),
        ] {
            w.add(&collector::bundle::file_member_path(path, None), bytes.clone())
                .expect("add");
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            collector: CollectorInfo {
                name: "kstig-collect".into(),
                version: "prop".into(),
            },
            bundle_id: String::new(),
            created: "2026-01-01T00:00:00Z".into(),
            root: "/".into(),
            live: false,
            host: HostFacts {
                hostname: "prop-node".into(),
                ..Default::default()
            },
            signer: Signer {
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
        };
        let gz = w.finish(manifest, &key, 0).expect("bundle");
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut tar)
            .expect("gunzip");
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut manifest_bytes = Vec::new();
        for e in archive.entries().expect("entries") {
            let mut e = e.expect("entry");
            if e.path_bytes().as_ref() == b"manifest.json" {
                e.read_to_end(&mut manifest_bytes).expect("read");
            }
        }
        // A manifest of a real sample node gives the rules more to chew on.
        let node_manifest = {
            let dir = tempfile::tempdir().expect("tempdir");
            let b = support::sample_bundle("kubeadm-worker", dir.path());
            let bytes = std::fs::read(b).expect("bundle");
            let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
            let mut m = Vec::new();
            for e in ar.entries().expect("entries") {
                let mut e = e.expect("entry");
                if e.path_bytes().as_ref() == b"manifest.json" {
                    e.read_to_end(&mut m).expect("read");
                }
            }
            m
        };
        let xccdf = br#"<?xml version="1.0" encoding="utf-8"?><Benchmark xmlns:dc="http://purl.org/dc/elements/1.1/" id="Kubernetes_STIG" xmlns="http://checklists.nist.gov/xccdf/1.1"><status date="2024-01-02">accepted</status><title>Kubernetes Security Technical Implementation Guide</title><plain-text id="release-info">Release: 3 Benchmark Date: 01 Jan 2024</plain-text><version>9</version><Group id="V-242376"><title>SRG-X</title><Rule id="SV-242376r960759_rule" weight="10.0" severity="medium"><version>CNTR-K8-000150</version><title>T</title><description>&lt;VulnDiscussion&gt;D&lt;/VulnDiscussion&gt;</description><ident system="http://cyber.mil/cci">CCI-000068</ident><fixtext fixref="F">F</fixtext><check system="C"><check-content>C</check-content></check></Rule></Group></Benchmark>"#.to_vec();
        let mut zipped = Vec::new();
        {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
            z.start_file(
                "U_Kubernetes_STIG/U_Kubernetes_STIG_V9R3_Manual-xccdf.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .expect("zip entry");
            z.write_all(&xccdf).expect("zip write");
            z.finish().expect("zip finish");
        }
        // Earlier checklists: kstig's own, written from the benchmark above.
        let bench = analyzer::benchmark::load_bytes("seed.xml", &xccdf).expect("seed benchmark");
        let b = collector::bundle::read_verified(&gz, &[key.public_key()], &Default::default())
            .expect("seed bundle");
        let node = analyzer::evidence::Node::new(&b);
        let a = analyzer::results::assess_node(&node, &bench, analyzer::results::target_of(&node));
        let generated = analyzer::checklist::Generated {
            tool_version: "prop".into(),
            time: "2026-01-01T00:00:00Z".into(),
            marking: String::new(),
        };
        let previous = vec![
            analyzer::ckl::write(&bench.info, &bench.rules, &a, &generated),
            analyzer::cklb::write(&bench.info, &bench.rules, &a, &generated),
        ];
        Seeds {
            tar,
            manifest: if node_manifest.is_empty() {
                manifest_bytes
            } else {
                node_manifest
            },
            kubelet,
            pods,
            benchmark: vec![xccdf, zipped],
            previous,
            cluster: read("samples/cluster/kubeadm-cluster.json"),
        }
    })
}

fn pick(v: &[Vec<u8>], i: usize) -> &[u8] {
    v.get(i % v.len().max(1)).map(Vec::as_slice).unwrap_or(&[])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        analyzer::fuzzing::bundle_reader(&data);
        analyzer::fuzzing::manifest(&data);
        analyzer::fuzzing::kubelet_config(&data);
        analyzer::fuzzing::static_pod(&data);
        analyzer::fuzzing::benchmark(&data);
        analyzer::fuzzing::previous(&data);
        analyzer::fuzzing::cluster_dump(&data);
        analyzer::fuzzing::collector_text(&data);
    }

    #[test]
    fn mutated_node_files_never_panic_the_collector(seed in any::<u64>(), n in 1u8..8, i in 0usize..6) {
        let files = [
            "samples/nodes/kubeadm-cp/etc/kubernetes/admin.conf",
            "samples/nodes/kubeadm-cp/etc/kubernetes/encryption-config.yaml",
            "samples/nodes/kubeadm-cp/root/kubeadm-config.yaml",
            "samples/nodes/rke2-server/etc/rancher/rke2/config.yaml",
            "samples/nodes/rke2-server/etc/rancher/rke2/registries.yaml",
            "samples/nodes/kubeadm-cp/etc/kubernetes/manifests/kube-apiserver.yaml",
        ];
        analyzer::fuzzing::collector_text(&mutate(&read(files[i % files.len()]), seed, n));
    }

    #[test]
    fn mutated_bundles_never_panic(seed in any::<u64>(), n in 1u8..8) {
        analyzer::fuzzing::bundle_reader(&mutate(&seeds().tar, seed, n));
    }

    #[test]
    fn mutated_manifests_never_panic(seed in any::<u64>(), n in 1u8..8) {
        analyzer::fuzzing::manifest(&mutate(&seeds().manifest, seed, n));
    }

    #[test]
    fn mutated_kubelet_configs_never_panic(seed in any::<u64>(), n in 1u8..8, i in 0usize..4) {
        let mut data = b"--read-only-port=0\n--config-dir=/etc/kubernetes/kubelet.conf.d\n\0".to_vec();
        data.extend_from_slice(pick(&seeds().kubelet, i));
        analyzer::fuzzing::kubelet_config(&mutate(&data, seed, n));
    }

    #[test]
    fn mutated_static_pods_never_panic(seed in any::<u64>(), n in 1u8..8, i in 0usize..4) {
        analyzer::fuzzing::static_pod(&mutate(pick(&seeds().pods, i), seed, n));
    }

    #[test]
    fn mutated_benchmarks_never_panic(seed in any::<u64>(), n in 1u8..8, i in 0usize..2) {
        analyzer::fuzzing::benchmark(&mutate(pick(&seeds().benchmark, i), seed, n));
    }

    #[test]
    fn mutated_checklists_never_panic(seed in any::<u64>(), n in 1u8..8, i in 0usize..2) {
        analyzer::fuzzing::previous(&mutate(pick(&seeds().previous, i), seed, n));
    }

    #[test]
    fn mutated_cluster_dumps_never_panic(seed in any::<u64>(), n in 1u8..8) {
        analyzer::fuzzing::cluster_dump(&mutate(&seeds().cluster, seed, n));
    }
}

#[test]
fn regressions_from_fuzzing_stay_fixed() {
    // Inputs that crashed a fuzz target once (see docs/fuzzing.md); each
    // must now return without a panic.
    let dir = support::repo().join("analyzer/fuzz/regressions");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let data = std::fs::read(e.path()).expect("read regression input");
        let target = name.split("--").next().unwrap_or("");
        match target {
            "bundle_reader" => analyzer::fuzzing::bundle_reader(&data),
            "manifest" => analyzer::fuzzing::manifest(&data),
            "kubelet_config" => analyzer::fuzzing::kubelet_config(&data),
            "static_pod" => analyzer::fuzzing::static_pod(&data),
            "benchmark" => analyzer::fuzzing::benchmark(&data),
            "previous" => analyzer::fuzzing::previous(&data),
            "cluster_dump" => analyzer::fuzzing::cluster_dump(&data),
            "collector_text" => analyzer::fuzzing::collector_text(&data),
            _ => panic!("{name}: name it <target>--<anything>"),
        }
    }
}
