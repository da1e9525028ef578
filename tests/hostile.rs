//! Crafted bad bundles and bad inputs, end to end through the real `kstig`.
//!
//! Every case runs `kstig analyze` on a good sample bundle plus one bad one
//! and asserts: exit code 4 (evidence refused), the exact one-line refusal
//! naming the bad file, the good bundle's checklists written, and no other
//! file anywhere in the test's folder (nothing unpacked, nothing left over).
//! Many bad bundles are signed with the test-only key, so that the refusals
//! made after the signature has verified are exercised too.

mod support;

use collector::sign::{hex, SigningKey};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const GOOD_HOST: &str = "k8s-worker-01";

/// One tar entry as a hostile tool would write it.
#[derive(Clone)]
struct Entry {
    name: Vec<u8>,
    data: Vec<u8>,
    kind: tar::EntryType,
    /// Size written in the header when it differs from `data.len()`.
    declared: Option<u64>,
}

fn entry(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.as_bytes().to_vec(),
        data: data.to_vec(),
        kind: tar::EntryType::Regular,
        declared: None,
    }
}

/// The good sample bundle (kubeadm worker), built once.
fn good() -> &'static (tempfile::TempDir, PathBuf, Vec<Entry>) {
    static GOOD: OnceLock<(tempfile::TempDir, PathBuf, Vec<Entry>)> = OnceLock::new();
    GOOD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = support::sample_bundle("kubeadm-worker", dir.path());
        let bytes = std::fs::read(&path).expect("read good bundle");
        let mut entries = Vec::new();
        let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        for e in ar.entries().expect("entries") {
            let mut e = e.expect("entry");
            let name = e.path_bytes().into_owned();
            let mut data = Vec::new();
            e.read_to_end(&mut data).expect("read member");
            entries.push(Entry {
                name,
                data,
                kind: e.header().entry_type(),
                declared: None,
            });
        }
        (dir, path, entries)
    })
}

fn good_entries() -> Vec<Entry> {
    good().2.clone()
}

fn signing_key() -> SigningKey {
    SigningKey::from_pem_file(&support::signing_key()).expect("test key")
}

fn other_key() -> SigningKey {
    SigningKey::from_pem_file(&support::repo().join("samples/keys/test-only-other.key"))
        .expect("other test key")
}

/// Raw tar bytes: names written byte for byte into the header (no checks),
/// GNU long-name headers for long names.
fn tar_bytes(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        if e.name.len() > 100 {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::GNULongName);
            h.set_size(e.name.len() as u64 + 1);
            h.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
            h.set_cksum();
            out.extend_from_slice(h.as_bytes());
            let mut name = e.name.clone();
            name.push(0);
            pad_to_block(&mut name);
            out.extend_from_slice(&name);
        }
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(e.kind);
        h.set_size(e.declared.unwrap_or(e.data.len() as u64));
        h.set_mode(0o644);
        let n = e.name.len().min(100);
        h.as_old_mut().name[..n].copy_from_slice(&e.name[..n]);
        if e.kind == tar::EntryType::Symlink || e.kind == tar::EntryType::Link {
            h.as_old_mut().linkname[..11].copy_from_slice(b"/etc/shadow");
        }
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        let mut data = e.data.clone();
        pad_to_block(&mut data);
        out.extend_from_slice(&data);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn pad_to_block(v: &mut Vec<u8>) {
    let pad = (512 - v.len() % 512) % 512;
    v.extend(std::iter::repeat_n(0u8, pad));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

fn bundle(entries: &[Entry]) -> Vec<u8> {
    gzip(&tar_bytes(entries))
}

/// Replace the manifest (and its signature, made with `key`).
fn with_manifest(mut entries: Vec<Entry>, manifest: &[u8], key: &SigningKey) -> Vec<Entry> {
    for e in entries.iter_mut() {
        if e.name == b"manifest.json" {
            e.data = manifest.to_vec();
        } else if e.name == b"manifest.sig" {
            e.data = key.sign(manifest).to_vec();
        }
    }
    entries
}

fn manifest_json(entries: &[Entry]) -> serde_json::Value {
    let m = entries
        .iter()
        .find(|e| e.name == b"manifest.json")
        .expect("manifest member");
    serde_json::from_slice(&m.data).expect("manifest json")
}

/// Edit the manifest as JSON and re-sign it with the trusted test key.
fn signed_edit(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<Entry> {
    let entries = good_entries();
    let mut m = manifest_json(&entries);
    edit(&mut m);
    let mut bytes = serde_json::to_vec_pretty(&m).expect("json");
    bytes.push(b'\n');
    with_manifest(entries, &bytes, &signing_key())
}

fn first_member(entries: &[Entry]) -> String {
    let e = entries
        .iter()
        .find(|e| e.name.starts_with(b"evidence/"))
        .expect("an evidence member");
    String::from_utf8(e.name.clone()).expect("utf-8")
}

fn fingerprint() -> String {
    signing_key().fingerprint()
}

/// Every path under `root` (relative), without following symlinks.
fn tree(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(p);
            }
            out.insert(rel);
        }
    }
    out
}

fn expected_outputs() -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    s.insert("out".to_string());
    s.insert("out/results.json".to_string());
    s.insert("out/report.html".to_string());
    for base in [GOOD_HOST, "cluster"] {
        for ext in ["ckl", "cklb", "xccdf.xml"] {
            s.insert(format!("out/{base}.{ext}"));
        }
    }
    s
}

/// Run `kstig analyze` on the good bundle plus the bad bytes (written under
/// `bad_name`), and check everything the module docs promise. `reason` is
/// the exact refusal text, or a prefix when it ends with `*`.
fn refused(bad_name: &str, bad: &[u8], extra: &[&str], reason: &str) {
    let t = tempfile::tempdir().expect("tempdir");
    let inbox = t.path().join("media");
    std::fs::create_dir(&inbox).expect("mkdir");
    let good_copy = inbox.join("good.kstig.tar.gz");
    std::fs::copy(&good().1, &good_copy).expect("copy good bundle");
    let bad_path = inbox.join(bad_name);
    std::fs::write(&bad_path, bad).expect("write bad bundle");
    check_run(
        t.path(),
        &[good_copy, bad_path.clone()],
        &bad_path,
        extra,
        reason,
    );
}

fn check_run(root: &Path, bundles: &[PathBuf], bad: &Path, extra: &[&str], reason: &str) {
    // kstig runs inside the snapshot, so that a relative path it wrote
    // (a member's own name, say) would show up as a new file.
    let cwd = root.join("cwd");
    std::fs::create_dir_all(&cwd).expect("mkdir cwd");
    let before = tree(root);
    let out = root.join("out");
    let o = Command::new(support::kstig())
        .arg("analyze")
        .arg("--trust")
        .arg(support::signing_pub())
        .arg("--out")
        .arg(&out)
        .args(extra)
        .args(bundles)
        .current_dir(&cwd)
        .env("SOURCE_DATE_EPOCH", support::EPOCH)
        .output()
        .expect("run kstig analyze");
    let code = o.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let shown = analyzer::safety::one_line(&bad.display().to_string());
    let prefix = format!("kstig: {shown}: refused: ");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": refused: "))
        .collect();
    assert_eq!(lines.len(), 1, "one refusal line expected:\n{stderr}");
    let line = lines[0];
    match reason.strip_suffix('*') {
        Some(start) => assert!(
            line.starts_with(&format!("{prefix}{start}")),
            "got:      {line}\nexpected: {prefix}{reason}"
        ),
        None => assert_eq!(line, format!("{prefix}{reason}")),
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 4, "exit code\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains(&format!("REFUSED {shown}: ")),
        "summary names the refused bundle:\n{stdout}"
    );
    let after = tree(root);
    let new: BTreeSet<String> = after.difference(&before).cloned().collect();
    assert_eq!(new, expected_outputs(), "files that appeared");
    let results = support::read_json(&out.join("results.json"));
    assert_eq!(results["nodes"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(results["refused"].as_array().map(|a| a.len()), Some(1));
}

fn no_leftover_tmp(dir: &Path) {
    for p in tree(dir) {
        assert!(!p.contains(".kstig-"), "temporary file left: {p}");
    }
}

#[test]
fn member_paths_and_types_before_the_signature() {
    let cases: Vec<(&str, Entry, String)> = vec![
        (
            "absolute",
            entry("/etc/cron.d/evil", b"* * * * * root sh"),
            r#"member "/etc/cron.d/evil" is not allowed: absolute path"#.into(),
        ),
        (
            "dotdot",
            entry("evidence/../../evil", b"x"),
            r#"member "evidence/../../evil" is not allowed: dot or dot-dot component"#.into(),
        ),
        (
            "backslash",
            entry("evidence\\..\\evil", b"x"),
            r#"member "evidence\\..\\evil" is not allowed: backslash in path"#.into(),
        ),
        (
            "newline",
            entry("evidence/a\nb", b"x"),
            r#"member "evidence/a\nb" is not allowed: control character in path"#.into(),
        ),
        (
            "outside",
            entry("etc/passwd", b"x"),
            r#"member "etc/passwd" is not allowed: outside evidence/"#.into(),
        ),
        (
            "symlink",
            Entry {
                kind: tar::EntryType::Symlink,
                ..entry("evidence/files/link", b"")
            },
            r#"member "evidence/files/link" is a symbolic link, only regular files are allowed"#
                .into(),
        ),
        (
            "hardlink",
            Entry {
                kind: tar::EntryType::Link,
                ..entry("evidence/files/hard", b"")
            },
            r#"member "evidence/files/hard" is a hard link, only regular files are allowed"#.into(),
        ),
        (
            "chardev",
            Entry {
                kind: tar::EntryType::Char,
                ..entry("evidence/files/dev/mem", b"")
            },
            r#"member "evidence/files/dev/mem" is a character device, only regular files are allowed"#
                .into(),
        ),
        (
            "blockdev",
            Entry {
                kind: tar::EntryType::Block,
                ..entry("evidence/files/dev/sda", b"")
            },
            r#"member "evidence/files/dev/sda" is a block device, only regular files are allowed"#
                .into(),
        ),
        (
            "fifo",
            Entry {
                kind: tar::EntryType::Fifo,
                ..entry("evidence/files/fifo", b"")
            },
            r#"member "evidence/files/fifo" is a FIFO, only regular files are allowed"#.into(),
        ),
        (
            "directory",
            Entry {
                kind: tar::EntryType::Directory,
                ..entry("evidence/files/dir", b"")
            },
            r#"member "evidence/files/dir" is a directory, only regular files are allowed"#.into(),
        ),
        (
            "pax",
            Entry {
                kind: tar::EntryType::XHeader,
                ..entry("PaxHeader/x", b"30 path=evidence/../../etc/x\n")
            },
            r#"member "PaxHeader/x" is a PAX extended header, only regular files are allowed"#
                .into(),
        ),
        (
            "not-utf8",
            Entry {
                name: b"evidence/\xff\xfe".to_vec(),
                ..entry("", b"x")
            },
            "member \"evidence/\u{fffd}\u{fffd}\" is not allowed: name is not UTF-8".into(),
        ),
        (
            "unlisted",
            entry("evidence/files/etc/extra.yaml", b"a: 1\n"),
            "member evidence/files/etc/extra.yaml is in the archive but not listed in the manifest"
                .into(),
        ),
        (
            "huge-declared-size",
            Entry {
                declared: Some(8 << 30),
                ..entry("evidence/files/big", b"")
            },
            "member evidence/files/big is 8589934592 bytes, over the limit of 1073741824".into(),
        ),
        (
            "long-name",
            entry(&format!("evidence/{}", "a".repeat(5000)), b"x"),
            "member name in a GNU long-name header is 5010 bytes, over the limit of 4096".into(),
        ),
    ];
    for (name, extra, reason) in cases {
        let mut es = good_entries();
        es.push(extra);
        refused(&format!("{name}.kstig.tar.gz"), &bundle(&es), &[], &reason);
    }
    // A member twice.
    let mut es = good_entries();
    let dup = es[2].clone();
    let dup_name = String::from_utf8(dup.name.clone()).expect("utf-8");
    es.push(dup);
    refused(
        "duplicate.kstig.tar.gz",
        &bundle(&es),
        &[],
        &format!("member {dup_name} appears twice in the archive"),
    );
}

#[test]
fn container_and_signature() {
    let es = good_entries();
    let good_bytes = std::fs::read(&good().1).expect("good");
    refused(
        "not-gzip.kstig.tar.gz",
        b"PK\x03\x04 not a bundle",
        &[],
        "not a gzip file",
    );
    let mut trailing = good_bytes.clone();
    trailing.extend_from_slice(&gzip(b"second stream"));
    refused(
        "trailing.kstig.tar.gz",
        &trailing,
        &[],
        "unexpected data after the end of the gzip stream",
    );
    refused(
        "truncated.kstig.tar.gz",
        &good_bytes[..good_bytes.len() / 2],
        &[],
        "corrupt gzip or tar stream: *",
    );
    let mut garbage_tar = tar_bytes(&es);
    garbage_tar.extend_from_slice(b"garbage after the end of the archive");
    refused(
        "after-tar.kstig.tar.gz",
        &gzip(&garbage_tar),
        &[],
        "corrupt gzip or tar stream: data after the end of the tar archive",
    );
    // Unsigned changes to the manifest.
    let mut m = manifest_json(&es);
    m["host"]["hostname"] = "evil".into();
    let bytes = serde_json::to_vec_pretty(&m).expect("json");
    let mut tampered = es.clone();
    for e in tampered.iter_mut() {
        if e.name == b"manifest.json" {
            e.data = bytes.clone();
        }
    }
    refused(
        "tampered-manifest.kstig.tar.gz",
        &bundle(&tampered),
        &[],
        &format!(
            "manifest signature does not verify with any trusted key (the manifest names signer {})",
            fingerprint()
        ),
    );
    // Signed by a key that is not trusted.
    let other = other_key();
    let raw = es
        .iter()
        .find(|e| e.name == b"manifest.json")
        .expect("manifest")
        .data
        .clone();
    refused(
        "other-key.kstig.tar.gz",
        &bundle(&with_manifest(es.clone(), &raw, &other)),
        &[],
        &format!(
            "manifest signature does not verify with any trusted key (the manifest names signer {})",
            fingerprint()
        ),
    );
    // Signature missing, or of the wrong size.
    let no_sig: Vec<Entry> = es
        .iter()
        .filter(|e| e.name != b"manifest.sig")
        .cloned()
        .collect();
    refused(
        "no-sig.kstig.tar.gz",
        &bundle(&no_sig),
        &[],
        "manifest.sig is missing",
    );
    let mut short = es.clone();
    for e in short.iter_mut() {
        if e.name == b"manifest.sig" {
            e.data.truncate(10);
        }
    }
    refused(
        "short-sig.kstig.tar.gz",
        &bundle(&short),
        &[],
        "manifest.sig is 10 bytes, expected a 64-byte Ed25519 signature",
    );
    // A changed member (hash mismatch) with the manifest intact.
    let mut changed = es.clone();
    let target = first_member(&changed);
    let mut listed = String::new();
    let mut actual = String::new();
    for e in changed.iter_mut() {
        if e.name == target.as_bytes() && !e.data.is_empty() {
            e.data[0] ^= 0x20;
            actual = hex(&Sha256::digest(&e.data));
        }
    }
    for m in manifest_json(&es)["members"].as_array().expect("members") {
        if m["path"] == target.as_str() {
            listed = m["sha256"].as_str().expect("sha").to_string();
        }
    }
    assert!(!actual.is_empty(), "first member must not be empty");
    refused(
        "changed-member.kstig.tar.gz",
        &bundle(&changed),
        &[],
        &format!("member {target} SHA-256 mismatch: manifest says {listed}, content is {actual}"),
    );
}

#[test]
fn signed_but_bad_manifests() {
    let es = good_entries();
    let missing = "evidence/files/etc/kubernetes/not-there.yaml";
    let missing_sha = hex(&Sha256::digest(b""));
    let cases: Vec<(&str, Vec<Entry>, String)> = vec![
        (
            "lists-missing",
            signed_edit(|m| {
                m["members"].as_array_mut().expect("members").push(
                    serde_json::json!({"path": missing, "size": 0, "sha256": missing_sha}),
                )
            }),
            format!("member {missing} is listed in the manifest but missing from the archive"),
        ),
        (
            "lists-dotdot",
            signed_edit(|m| {
                m["members"].as_array_mut().expect("members").insert(
                    0,
                    serde_json::json!({"path": "evidence/../../etc/passwd", "size": 0, "sha256": missing_sha}),
                )
            }),
            r#"member "evidence/../../etc/passwd" is not allowed: dot or dot-dot component"#.into(),
        ),
        (
            "lists-absolute",
            signed_edit(|m| {
                m["members"].as_array_mut().expect("members").insert(
                    0,
                    serde_json::json!({"path": "/etc/passwd", "size": 0, "sha256": missing_sha}),
                )
            }),
            r#"member "/etc/passwd" is not allowed: must start with evidence/"#.into(),
        ),
        (
            "lists-twice",
            signed_edit(|m| {
                let members = m["members"].as_array_mut().expect("members");
                let first = members[0].clone();
                members.push(first);
            }),
            format!("manifest lists member {} twice", first_member(&es)),
        ),
        (
            "huge-size",
            signed_edit(|m| {
                m["members"][0]["size"] = serde_json::json!(u64::MAX);
            }),
            format!(
                "member {} has {} bytes, the manifest says {}",
                first_member(&es),
                es.iter()
                    .find(|e| e.name == first_member(&es).as_bytes())
                    .map(|e| e.data.len())
                    .unwrap_or(0),
                u64::MAX
            ),
        ),
        (
            "deep",
            signed_edit(|m| {
                let mut v = serde_json::json!("x");
                for _ in 0..40 {
                    v = serde_json::json!([v]);
                }
                m["host"]["os_release"] = v;
            }),
            "manifest.json nests deeper than 32 levels (raise with --max-manifest-depth, at most 128)"
                .into(),
        ),
        (
            "unknown-field",
            signed_edit(|m| {
                m["evil"] = serde_json::json!(true);
            }),
            "manifest.json is not valid: unknown field `evil`*".into(),
        ),
        (
            "wrong-format",
            signed_edit(|m| {
                m["format"] = serde_json::json!("kstig-bundle/9");
            }),
            r#"manifest format is "kstig-bundle/9", this kstig reads "kstig-bundle/1""#.into(),
        ),
        (
            "signer-mismatch",
            signed_edit(|m| {
                m["signer"]["fingerprint"] = serde_json::json!("00".repeat(32));
            }),
            format!(
                "manifest signer fingerprint {} does not match the verifying key {}",
                "00".repeat(32),
                fingerprint()
            ),
        ),
    ];
    for (name, entries, reason) in cases {
        refused(
            &format!("{name}.kstig.tar.gz"),
            &bundle(&entries),
            &[],
            &reason,
        );
    }
    // Deeper than serde_json's own limit, with the flag raised past it.
    let deep = signed_edit(|m| {
        let mut v = serde_json::json!("x");
        for _ in 0..200 {
            v = serde_json::json!([v]);
        }
        m["host"]["os_release"] = v;
    });
    refused(
        "very-deep.kstig.tar.gz",
        &bundle(&deep),
        &["--max-manifest-depth", "100000"],
        "manifest.json nests deeper than 128 levels (raise with --max-manifest-depth, at most 128)",
    );
}

#[test]
fn limits_with_flags() {
    let es = good_entries();
    let good_size = std::fs::metadata(&good().1).expect("good").len();
    // A decompression bomb: a small compressed member that expands past the cap.
    let mut bomb = es.clone();
    bomb.push(entry("evidence/files/zeros", &vec![0u8; 3 << 20]));
    refused(
        "bomb.kstig.tar.gz",
        &bundle(&bomb),
        &["--max-decompressed-size", "2000000"],
        "decompressed content exceeds the limit of 2000000 bytes",
    );
    // More members than allowed.
    let count = es
        .iter()
        .filter(|e| e.name.starts_with(b"evidence/"))
        .count();
    let limit = count + 5;
    let mut many = es.clone();
    for i in 0..20 {
        many.push(entry(&format!("evidence/files/many/{i}"), b""));
    }
    refused(
        "many.kstig.tar.gz",
        &bundle(&many),
        &["--max-members", &limit.to_string()],
        &format!("more than {limit} members"),
    );
    // A compressed bundle over the cap (random bytes do not compress).
    let mut big = es.clone();
    let mut noise = Vec::with_capacity(200_000);
    let mut x: u32 = 12345;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x >> 24) as u8);
    }
    big.push(entry("evidence/files/noise", &noise));
    let big_bytes = bundle(&big);
    let cap = good_size + 1000;
    refused(
        "big.kstig.tar.gz",
        &big_bytes,
        &["--max-bundle-size", &cap.to_string()],
        &format!(
            "bundle (compressed) is {} bytes, over the limit of {cap} (raise with --max-bundle-size)",
            big_bytes.len()
        ),
    );
    // A manifest over its cap.
    let manifest_len = es
        .iter()
        .find(|e| e.name == b"manifest.json")
        .map(|e| e.data.len())
        .expect("manifest");
    let mut padded = manifest_json(&es);
    padded["host"]["kernel"] = serde_json::json!("k".repeat(manifest_len));
    let padded_bytes = serde_json::to_vec_pretty(&padded).expect("json");
    let big_manifest = with_manifest(es.clone(), &padded_bytes, &signing_key());
    let mcap = manifest_len + 100;
    refused(
        "big-manifest.kstig.tar.gz",
        &bundle(&big_manifest),
        &["--max-manifest-size", &mcap.to_string()],
        &format!(
            "member manifest.json is {} bytes, over the limit of {mcap}",
            padded_bytes.len()
        ),
    );
    // One member over the per-member cap.
    let mut one = es.clone();
    one.push(entry("evidence/files/large", &vec![b'a'; 300_000]));
    refused(
        "large-member.kstig.tar.gz",
        &bundle(&one),
        &["--max-member-size", "200000"],
        "member evidence/files/large is 300000 bytes, over the limit of 200000",
    );
}

#[test]
fn fifo_and_hostile_file_names_in_the_bundle_folder() {
    // A FIFO where a bundle should be: refused at once, never read (a
    // blocking open would hang this test).
    let t = tempfile::tempdir().expect("tempdir");
    let inbox = t.path().join("media");
    std::fs::create_dir(&inbox).expect("mkdir");
    std::fs::copy(&good().1, inbox.join("a-good.kstig.tar.gz")).expect("copy");
    let fifo = inbox.join("b-fifo.kstig.tar.gz");
    let st = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(st.success());
    check_run(
        t.path(),
        std::slice::from_ref(&inbox),
        &fifo,
        &[],
        "not a regular file",
    );
    // A file name with a newline and an escape sequence stays on one line.
    let t = tempfile::tempdir().expect("tempdir");
    let inbox = t.path().join("media");
    std::fs::create_dir(&inbox).expect("mkdir");
    std::fs::copy(&good().1, inbox.join("a-good.kstig.tar.gz")).expect("copy");
    let odd = inbox.join("b\nkstig: x: ok\x1b[2J.kstig.tar.gz");
    std::fs::write(&odd, b"junk").expect("write");
    check_run(
        t.path(),
        std::slice::from_ref(&inbox),
        &odd,
        &[],
        "not a gzip file",
    );
    let (_, _, stderr) =
        support::analyze(std::slice::from_ref(&inbox), &t.path().join("out2"), &[]);
    assert!(stderr.contains("b\\u{a}kstig: x: ok\\u{1b}[2J.kstig.tar.gz: refused: not a gzip file"));
}

/// A run whose output folder fails mid-write leaves no partial set and no
/// temporary file, and the earlier results stay as they were.
#[test]
fn failed_output_writes_leave_nothing_partial() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = t.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("results.json"), b"earlier results\n").expect("write");
    // File size limit: the first large output fails with EFBIG (SIGXFSZ is ignored).
    let cmd = format!(
        "ulimit -f 8; exec '{}' analyze --quiet --trust '{}' --out '{}' '{}'",
        support::kstig().display(),
        support::signing_pub().display(),
        out.display(),
        good().1.display()
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .env("SOURCE_DATE_EPOCH", support::EPOCH)
        .output()
        .expect("run kstig");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(
        tree(&out),
        ["results.json".to_string()].into_iter().collect()
    );
    assert_eq!(
        std::fs::read(out.join("results.json")).expect("read"),
        b"earlier results\n"
    );
    no_leftover_tmp(t.path());

    // A read-only output folder (a read-only bind mount in a private mount
    // namespace when running as root, where mode bits do not stop writes).
    let ro = t.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    let kstig_cmd = format!(
        "exec '{}' analyze --quiet --trust '{}' --out '{}' '{}'",
        support::kstig().display(),
        support::signing_pub().display(),
        ro.display(),
        good().1.display()
    );
    let o = if is_root() {
        let probe = Command::new("unshare")
            .args(["-m", "sh", "-c"])
            .arg(format!(
                "mount --bind '{0}' '{0}' && mount -o remount,bind,ro '{0}'",
                ro.display()
            ))
            .output();
        if !probe.map(|p| p.status.success()).unwrap_or(false) {
            println!("skipped the read-only folder case: no private mount namespace here");
            return;
        }
        Command::new("unshare")
            .args(["-m", "sh", "-c"])
            .arg(format!(
                "mount --bind '{0}' '{0}' && mount -o remount,bind,ro '{0}' && {kstig_cmd}",
                ro.display()
            ))
            .output()
            .expect("run kstig")
    } else {
        let mut perm = std::fs::metadata(&ro).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
        std::fs::set_permissions(&ro, perm).expect("chmod");
        Command::new("sh")
            .arg("-c")
            .arg(&kstig_cmd)
            .output()
            .expect("run kstig")
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create a temporary file"),
        "{stderr}"
    );
    assert!(tree(&ro).is_empty(), "{:?}", tree(&ro));
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// Run `kstig analyze` on the good bundle with extra arguments, with a
/// deadline (a FIFO must never make it wait); returns (code, stderr).
fn analyze_with_deadline(out: &Path, extra: &[&std::ffi::OsStr]) -> (i32, String) {
    let mut child = Command::new(support::kstig())
        .arg("analyze")
        .arg("--quiet")
        .arg("--trust")
        .arg(support::signing_pub())
        .arg("--out")
        .arg(out)
        .args(extra)
        .arg(&good().1)
        .env("SOURCE_DATE_EPOCH", support::EPOCH)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn kstig");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("kstig analyze {extra:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().expect("output");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Bad operator inputs beside the bundles (a benchmark, an earlier
/// checklist, an answers file, a cluster dump): FIFOs, DTDs and entity
/// declarations, zip traversal, alias bombs and deep nesting fail the run
/// with one clear error (exit 1), no panic, no hang, and nothing written.
#[test]
fn bad_operator_inputs_fail_cleanly() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let fifo = d.join("fifo.xml");
    let st = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(st.success());
    let w = |name: &str, body: &[u8]| -> PathBuf {
        let p = d.join(name);
        std::fs::write(&p, body).expect("write");
        p
    };
    let dtd_bench = w(
        "dtd.xml",
        br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1">&lol2;</Benchmark>"#,
    );
    let xxe_ckl = w(
        "xxe.ckl",
        br#"<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/shadow">]><CHECKLIST>&x;</CHECKLIST>"#,
    );
    let traversal_zip = {
        let p = d.join("traversal.zip");
        let f = std::fs::File::create(&p).expect("create zip");
        let mut z = zip::ZipWriter::new(f);
        z.start_file(
            "../../../../tmp/kstig-evil.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("zip entry");
        z.write_all(b"<Benchmark/>").expect("zip write");
        z.finish().expect("zip finish");
        p
    };
    let mut bomb = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let bomb_answers = w("answers.yaml", bomb.as_bytes());
    let deep_dump = w(
        "deep.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    let cases: Vec<(&str, &Path, &str)> = vec![
        ("--benchmark", &fifo, "not a regular file"),
        ("--previous", &fifo, "not a regular file"),
        ("--answers", &fifo, "not a regular file"),
        ("--cluster-json", &fifo, "not a regular file"),
        (
            "--benchmark",
            &dtd_bench,
            "refusing a DOCTYPE/DTD declaration",
        ),
        (
            "--previous",
            &xxe_ckl,
            "DTDs and entity declarations are refused",
        ),
        (
            "--benchmark",
            &traversal_zip,
            "../../../../tmp/kstig-evil.xml",
        ),
        ("--answers", &bomb_answers, "answers.yaml"),
        ("--cluster-json", &deep_dump, "deep.json"),
    ];
    for (i, (flag, path, want)) in cases.into_iter().enumerate() {
        let out = d.join(format!("out{i}"));
        let before = tree(d);
        let (code, stderr) = analyze_with_deadline(&out, &[flag.as_ref(), path.as_os_str()]);
        assert_eq!(code, 1, "{flag} {}: {stderr}", path.display());
        assert!(!stderr.contains("panicked"), "{stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("kstig: "))
            .collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(
            errors[0].contains(want) && errors[0].contains(&*path.to_string_lossy()),
            "{flag}: {}",
            errors[0]
        );
        let after = tree(d);
        let new: Vec<&String> = after.difference(&before).collect();
        assert!(
            new.iter().all(|p| p.as_str() == format!("out{i}")),
            "{flag}: wrote {new:?}"
        );
    }
    assert!(!Path::new("/tmp/kstig-evil.xml").exists());
}
