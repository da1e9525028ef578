use std::io::{Cursor, Write};
use std::path::PathBuf;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::*;
use crate::model::RuleText;

/// `shared/stig` next to the workspace (`<workspace>/../shared/stig`), or in
/// the nearest ancestor that has one (a git worktree lives deeper).
fn stig_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let primary = manifest.join("../../shared/stig");
    if primary.is_dir() {
        return Some(primary);
    }
    let found = manifest
        .ancestors()
        .map(|dir| dir.join("shared/stig"))
        .find(|dir| dir.is_dir());
    if found.is_none() {
        eprintln!(
            "shared/stig not found near {}: skipping",
            manifest.display()
        );
    }
    found
}

fn load_shared(name: &str) -> Option<Benchmark> {
    let path = stig_dir()?.join(name);
    if !path.is_file() {
        eprintln!("{} missing: skipping", path.display());
        return None;
    }
    match load(&path) {
        Ok(b) => Some(b),
        Err(e) => panic!("{name} must load: {e}"),
    }
}

fn rule<'a>(b: &'a Benchmark, stig_id: &str) -> &'a RuleText {
    b.rules
        .iter()
        .find(|r| r.stig_id == stig_id)
        .unwrap_or_else(|| panic!("{stig_id} missing"))
}

/// Checks shared by every DISA file: ids present, no CR left, severities.
fn check_common(b: &Benchmark) {
    assert_eq!(b.info.id, "Kubernetes_STIG");
    assert_eq!(b.info.notice, "terms-of-use");
    assert_eq!(b.info.source, "STIG.DOD.MIL");
    assert!(b
        .info
        .description
        .starts_with("This Security Technical Implementation Guide"));
    assert!(!b.info.builtin);
    for r in &b.rules {
        assert!(r.vuln_id.starts_with("V-"), "{:?}", r.vuln_id);
        assert!(r.rule_id.starts_with("SV-") && r.rule_id.ends_with("_rule"));
        assert!(r.stig_id.starts_with("CNTR-K8-"));
        assert!(["low", "medium", "high"].contains(&r.severity.as_str()));
        assert_eq!(r.weight, "10.0");
        assert!(r.group_title.starts_with("SRG-"), "{}", r.group_title);
        assert!(!r.title.is_empty() && !r.discussion.is_empty() && !r.fix_text.is_empty());
        assert_eq!(r.documentable, "false");
        assert!(!r.ccis.is_empty() && r.ccis.iter().all(|c| c.starts_with("CCI-")));
        assert!(r.legacy_ids.is_empty());
        assert_eq!(r.target_key, "5376");
        for text in [&r.title, &r.discussion, &r.check_text, &r.fix_text] {
            assert!(!text.contains('\r'), "CR left in {}", r.stig_id);
        }
    }
}

fn check_cntr_k8_000150_texts(r: &RuleText) {
    assert_eq!(r.vuln_id, "V-242376");
    assert_eq!(r.severity, "medium");
    assert_eq!(r.group_title, "SRG-APP-000014-CTR-000035");
    assert!(r
        .title
        .starts_with("The Kubernetes Controller Manager must use TLS 1.2, at a minimum"));
    assert!(r.discussion.starts_with(
        "The Kubernetes Controller Manager will prohibit the use of SSL and unauthorized versions of TLS protocols"
    ));
    assert!(r
        .discussion
        .ends_with("the setting \"tls-min-version\" must be set."));
    assert!(r.fix_text.starts_with(
        "Edit the Kubernetes Controller Manager manifest file in the /etc/kubernetes/manifests directory"
    ));
    assert_eq!(r.ccis, vec!["CCI-000068".to_string()]);
    assert_eq!(r.false_positives, "");
    assert_eq!(r.ia_controls, "");
}

const CHECK_150_START: &str =
    "Change to the /etc/kubernetes/manifests/ directory on the Kubernetes Control Plane. Run the command:\n\ngrep -i tls-min-version * \n\nIf the setting";

#[test]
fn loads_v1r11_manual_xccdf() {
    let Some(b) = load_shared("U_Kubernetes_STIG_V1R11_Manual-xccdf.xml") else {
        return;
    };
    assert_eq!(b.rules.len(), 91);
    check_common(&b);
    assert_eq!(
        b.info.title,
        "Kubernetes Security Technical Implementation Guide"
    );
    assert_eq!(b.info.version, "1");
    assert_eq!(
        b.info.release_info,
        "Release: 11 Benchmark Date: 25 Oct 2023"
    );
    assert_eq!(b.info.release, "11");
    assert_eq!(b.info.date, "25 Oct 2023");
    assert_eq!(b.info.label, "V1R11");
    assert_eq!(b.info.status_date, "2023-08-29");
    assert_eq!(b.info.filename, "U_Kubernetes_STIG_V1R11_Manual-xccdf.xml");
    let r = rule(&b, "CNTR-K8-000150");
    assert_eq!(r.rule_id, "SV-242376r879519_rule");
    check_cntr_k8_000150_texts(r);
    assert!(
        r.check_text.starts_with(CHECK_150_START),
        "{:?}",
        r.check_text
    );
    assert_eq!(r.check_ref, "M");
    // The first rule is in benchmark order; every manual rule has check text.
    assert_eq!(b.rules[0].stig_id, "CNTR-K8-000150");
    assert!(b
        .rules
        .iter()
        .all(|r| !r.check_text.is_empty() && r.check_ref == "M"));
    // Several CCIs on one rule, in document order.
    assert_eq!(
        rule(&b, "CNTR-K8-000900").ccis,
        ["CCI-001499", "CCI-000366"]
    );
    assert_eq!(rule(&b, "CNTR-K8-000700").ccis.len(), 13);
    // The V1R11 file has CRLF inside some fix texts: normalised to LF.
    assert_eq!(rule(&b, "CNTR-K8-000220").rule_id, "SV-242381r927239_rule");
    let crlf = b
        .rules
        .iter()
        .find(|r| r.fix_text.starts_with("On the Control Plane, run the command:\nps -ef | grep kubelet\n\nRemove the \"--client-ca-file\" option."));
    assert!(crlf.is_some());
    let severities = |s: &str| b.rules.iter().filter(|r| r.severity == s).count();
    assert_eq!((severities("high"), severities("medium")), (18, 73));
}

#[test]
fn loads_v1r9_manual_xccdf() {
    let Some(b) = load_shared("U_Kubernetes_STIG_V1R9_Manual-xccdf.xml") else {
        return;
    };
    assert_eq!(b.rules.len(), 95);
    check_common(&b);
    assert_eq!(
        b.info.release_info,
        "Release: 9 Benchmark Date: 27 Apr 2023"
    );
    assert_eq!(b.info.release, "9");
    assert_eq!(b.info.date, "27 Apr 2023");
    assert_eq!(b.info.label, "V1R9");
    assert_eq!(b.info.status_date, "2023-02-27");
    let r = rule(&b, "CNTR-K8-000150");
    assert_eq!(r.rule_id, "SV-242376r879519_rule");
    check_cntr_k8_000150_texts(r);
    assert!(r.check_text.starts_with(CHECK_150_START));
    assert_eq!(r.check_ref, "M");
    // Rule revisions differ between releases for the same STIG ID.
    assert_eq!(rule(&b, "CNTR-K8-000220").rule_id, "SV-242381r879522_rule");
}

#[test]
fn loads_v2r1_scap_data_stream() {
    let Some(b) = load_shared("U_Kubernetes_V2R1_STIG_SCAP_1-3_Benchmark.xml") else {
        return;
    };
    assert_eq!(b.rules.len(), 63);
    check_common(&b);
    assert_eq!(b.info.title, "Kubernetes STIG SCAP Benchmark");
    // `002.001` and `Release: 2.1` in the file.
    assert_eq!(b.info.version, "2");
    assert_eq!(b.info.release, "1");
    assert_eq!(
        b.info.release_info,
        "Release: 1 Benchmark Date: 24 Jul 2024"
    );
    assert_eq!(b.info.date, "24 Jul 2024");
    assert_eq!(b.info.label, "V2R1");
    assert_eq!(b.info.status_date, "2024-06-10");
    let r = rule(&b, "CNTR-K8-000150");
    assert_eq!(r.rule_id, "SV-242376r960759_rule");
    check_cntr_k8_000150_texts(r);
    assert_eq!(r.check_text, "");
    assert_eq!(r.check_ref, "oval:mil.disa.stig.kubernetes:def:242376");
    assert!(b.rules.iter().all(|r| r.check_text.is_empty()
        && r.check_ref
            .starts_with("oval:mil.disa.stig.kubernetes:def:")));
    let severities = |s: &str| b.rules.iter().filter(|r| r.severity == s).count();
    assert_eq!((severities("high"), severities("medium")), (9, 54));
}

#[test]
fn loads_disa_stig_zip() {
    let Some(b) = load_shared("U_Kubernetes_V1R11_STIG.zip") else {
        return;
    };
    assert_eq!(b.rules.len(), 91);
    check_common(&b);
    assert_eq!(b.info.label, "V1R11");
    assert_eq!(b.info.filename, "U_Kubernetes_STIG_V1R11_Manual-xccdf.xml");
    let Some(xml) = load_shared("U_Kubernetes_STIG_V1R11_Manual-xccdf.xml") else {
        return;
    };
    assert_eq!(b, xml, "the zip holds the same XCCDF");
}

#[test]
fn every_shared_file_loads() {
    let Some(dir) = stig_dir() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut loaded = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".xml") || name.ends_with(".zip") {
            match load(&path) {
                Ok(b) => assert!(!b.rules.is_empty()),
                Err(e) => panic!("{name}: {e}"),
            }
            loaded += 1;
        }
    }
    assert!(loaded >= 4, "expected the 4 DISA files, loaded {loaded}");
}

// ---------------------------------------------------------------- synthetic

fn xccdf(rules: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><Benchmark xmlns:dc="http://purl.org/dc/elements/1.1/" id="Kubernetes_STIG" xmlns="http://checklists.nist.gov/xccdf/1.1"><status date="2024-01-02">accepted</status><title>Kubernetes Security Technical Implementation Guide</title><description>Desc</description><notice id="terms-of-use"/><reference href="https://cyber.mil"><dc:publisher>DISA</dc:publisher><dc:source>STIG.DOD.MIL</dc:source></reference><plain-text id="release-info">Release: 3 Benchmark Date: 01 Jan 2024</plain-text><plain-text id="generator">x</plain-text><version>9</version>{rules}</Benchmark>"#
    )
}

fn group(vuln: &str, rule_id: &str, stig_id: &str) -> String {
    format!(
        r#"<Group id="{vuln}"><title>SRG-X</title><Rule id="{rule_id}" weight="10.0" severity="MEDIUM"><version>{stig_id}</version><title>T</title><description>&lt;VulnDiscussion&gt;D&lt;/VulnDiscussion&gt;</description><reference><dc:identifier>5376</dc:identifier></reference><ident system="http://cyber.mil/cci">CCI-000001</ident><ident system="http://cyber.mil/legacy">V-1</ident><fixtext fixref="F">F</fixtext><check system="C"><check-content-ref href="x" name="M"/><check-content>C</check-content></check></Rule></Group>"#
    )
}

fn one_rule_xml() -> String {
    xccdf(&group("V-1", "SV-1r2_rule", "CNTR-K8-000001"))
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in files {
        writer.start_file(*name, options).expect("start_file");
        writer.write_all(data).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn synthetic_benchmark_fields() {
    let b = load_bytes("dir/x-xccdf.xml", one_rule_xml().as_bytes()).expect("loads");
    assert_eq!(b.info.filename, "x-xccdf.xml");
    assert_eq!(b.info.label, "V9R3");
    assert_eq!(b.info.status_date, "2024-01-02");
    let r = &b.rules[0];
    assert_eq!(r.severity, "medium");
    assert_eq!(r.legacy_ids, ["V-1"]);
    assert_eq!(r.ccis, ["CCI-000001"]);
    assert_eq!(r.check_text, "C");
    assert_eq!(r.discussion, "D");
}

#[test]
fn nested_library_zip_picks_the_kubernetes_stig() {
    let xml = one_rule_xml();
    let kube = zip_of(&[
        (
            "U_Kubernetes_V9R3_Manual_STIG/U_Kubernetes_STIG_V9R3_Manual-xccdf.xml",
            xml.as_bytes(),
        ),
        ("U_Kubernetes_V9R3_Manual_STIG/STIG_unclass.xsl", b"<xsl/>"),
    ]);
    let other = zip_of(&[(
        "U_Other_V1R1_Manual_STIG/U_Other_STIG_V1R1_Manual-xccdf.xml",
        b"junk",
    )]);
    let scap = zip_of(&[("U_Kubernetes_V9R3_STIG_SCAP_1-3_Benchmark.xml", b"not read")]);
    let library = zip_of(&[
        ("U_Other_V1R1_STIG.zip", &other),
        ("U_Kubernetes_V9R3_STIG.zip", &kube),
        ("U_Kubernetes_V9R3_STIG_SCAP_1-3_Benchmark.zip", &scap),
        ("README.pdf", b"%PDF"),
    ]);
    let b = load_bytes("U_SRG-STIG_Library.zip", &library).expect("library loads");
    assert_eq!(b.rules.len(), 1);
    assert_eq!(b.info.filename, "U_Kubernetes_STIG_V9R3_Manual-xccdf.xml");

    // Two manual Kubernetes benchmarks: refuse and list both.
    let kube2 = zip_of(&[("U_Kubernetes_STIG_V9R4_Manual-xccdf.xml", xml.as_bytes())]);
    let library = zip_of(&[
        ("U_Kubernetes_V9R3_STIG.zip", &kube),
        ("U_Kubernetes_V9R4_STIG.zip", &kube2),
    ]);
    let err = load_bytes("lib.zip", &library).expect_err("ambiguous");
    let msg = err.to_string();
    assert!(
        matches!(err, BenchmarkError::SeveralBenchmarksInZip { .. }),
        "{msg}"
    );
    assert!(
        msg.contains(
            "lib.zip!/U_Kubernetes_V9R4_STIG.zip!/U_Kubernetes_STIG_V9R4_Manual-xccdf.xml"
        ),
        "{msg}"
    );

    // No Kubernetes STIG at all.
    let library = zip_of(&[("U_Other_V1R1_STIG.zip", &other), ("U_Another.zip", &other)]);
    let err = load_bytes("lib.zip", &library).expect_err("none");
    assert!(
        matches!(err, BenchmarkError::NoBenchmarkInZip { .. }),
        "{err}"
    );
    assert!(err
        .to_string()
        .contains("no Kubernetes STIG benchmark in zip"));

    // Zips nested two levels are not opened.
    let deeper = zip_of(&[("U_Kubernetes_V9R3_STIG.zip", &library)]);
    let err = load_bytes("deep.zip", &deeper).expect_err("two levels");
    assert!(
        matches!(err, BenchmarkError::NoBenchmarkInZip { .. }),
        "{err}"
    );
}

#[test]
fn zip_errors_name_the_entry() {
    let bad = zip_of(&[("U_Kubernetes_STIG_V9R3_Manual-xccdf.xml", b"<nope/>")]);
    let err = load_bytes("k.zip", &bad).expect_err("not a benchmark");
    assert!(matches!(err, BenchmarkError::NotBenchmark { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with("k.zip!/U_Kubernetes_STIG_V9R3_Manual-xccdf.xml: not an XCCDF benchmark"));
}

#[test]
fn refuses_traversal_entries() {
    let xml = one_rule_xml();
    for evil in [
        "../U_Kubernetes-xccdf.xml",
        "/abs/U_Kubernetes-xccdf.xml",
        "a/../../x.txt",
    ] {
        let z = zip_of(&[("U_Kubernetes-xccdf.xml", xml.as_bytes()), (evil, b"x")]);
        let err = load_bytes("evil.zip", &z).expect_err("unsafe path");
        assert!(
            matches!(err, BenchmarkError::UnsafeZipEntry { .. }),
            "{evil}: {err}"
        );
    }
    // Also inside a nested zip.
    let inner = zip_of(&[("../U_Kubernetes-xccdf.xml", xml.as_bytes())]);
    let outer = zip_of(&[("U_Kubernetes_V1R1_STIG.zip", &inner)]);
    let err = load_bytes("lib.zip", &outer).expect_err("unsafe nested path");
    assert!(
        err.to_string()
            .starts_with("lib.zip!/U_Kubernetes_V1R1_STIG.zip: refusing zip entry"),
        "{err}"
    );
}

#[test]
fn caps_decompressed_sizes() {
    // 2 MiB of zeros compresses to a few KiB: a small zip bomb.
    let mut big = one_rule_xml().into_bytes();
    big.extend(vec![b' '; 2 * 1024 * 1024]);
    let z = zip_of(&[("U_Kubernetes-xccdf.xml", &big)]);
    assert!(z.len() < 64 * 1024);
    assert!(load_bytes("ok.zip", &z).is_ok());
    let limits = Limits {
        max_xml: 1024 * 1024,
        ..Limits::default()
    };
    let err = load_bytes_with("bomb.zip", &z, &limits).expect_err("too big");
    assert!(matches!(err, BenchmarkError::TooLarge { .. }), "{err}");
    let limits = Limits {
        max_total_decompressed: 1024 * 1024,
        ..Limits::default()
    };
    let err = load_bytes_with("bomb.zip", &z, &limits).expect_err("budget");
    assert!(err.to_string().contains("total decompressed size"), "{err}");
    let limits = Limits {
        max_xml: 100,
        ..Limits::default()
    };
    let err = load_bytes_with("x.xml", one_rule_xml().as_bytes(), &limits).expect_err("xml cap");
    assert!(matches!(err, BenchmarkError::TooLarge { .. }), "{err}");
}

#[test]
fn caps_actual_size_when_declared_size_lies() {
    // Patch the declared uncompressed size (central directory and local
    // header) of a stored entry down to 10 bytes: the reader must still stop.
    let payload = vec![b'a'; 4096];
    let mut z = {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        writer
            .start_file("U_Kubernetes-xccdf.xml", options)
            .expect("start");
        writer.write_all(&payload).expect("write");
        writer.finish().expect("finish").into_inner()
    };
    let size = (payload.len() as u32).to_le_bytes();
    let mut patched = 0;
    for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let offset_of_size = if sig == b"PK\x03\x04" { 22 } else { 24 };
        let mut i = 0;
        while i + 4 <= z.len() {
            if &z[i..i + 4] == sig && z[i + offset_of_size..i + offset_of_size + 4] == size {
                z[i + offset_of_size..i + offset_of_size + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
            i += 1;
        }
    }
    assert_eq!(patched, 2);
    let limits = Limits {
        max_xml: 1000,
        ..Limits::default()
    };
    // Either the zip reader notices the mismatch or our cap does: never a
    // 4 KiB read under a 1000-byte cap, never a panic.
    assert!(load_bytes_with("lie.zip", &z, &limits).is_err());
}

#[test]
fn refuses_dtd_and_entities() {
    let billion_laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1">&lol2;</Benchmark>"#;
    let err = load_bytes("bomb.xml", billion_laughs.as_bytes()).expect_err("dtd");
    assert!(matches!(err, BenchmarkError::Dtd { .. }), "{err}");
    assert!(err.to_string().contains("DOCTYPE"));

    let xxe = r#"<?xml version="1.0"?><!DOCTYPE b SYSTEM "file:///etc/passwd"><Benchmark/>"#;
    let err = load_bytes("xxe.xml", xxe.as_bytes()).expect_err("dtd");
    assert!(matches!(err, BenchmarkError::Dtd { .. }), "{err}");

    // An undefined entity without a DTD is an XML error, not an expansion.
    let xml = one_rule_xml().replace("<title>T</title>", "<title>&xxe;</title>");
    let err = load_bytes("ent.xml", xml.as_bytes()).expect_err("entity");
    assert!(matches!(err, BenchmarkError::Xml { .. }), "{err}");
}

#[test]
fn refuses_garbage_truncated_and_wrong_xml() {
    let err = load_bytes("g.bin", b"\x00\x01garbage").expect_err("garbage");
    assert!(matches!(err, BenchmarkError::Unrecognized { .. }), "{err}");
    let err = load_bytes("e.xml", b"").expect_err("empty");
    assert!(matches!(err, BenchmarkError::Unrecognized { .. }), "{err}");
    let err = load_bytes("u16.xml", b"\xFF\xFE<\x00").expect_err("utf16");
    assert!(matches!(err, BenchmarkError::Encoding { .. }), "{err}");

    let xml = one_rule_xml();
    for cut in [10, xml.len() / 2, xml.len() - 5] {
        let err = load_bytes("t.xml", &xml.as_bytes()[..cut]).expect_err("truncated");
        assert!(
            matches!(err, BenchmarkError::Xml { .. }),
            "cut {cut}: {err}"
        );
        assert!(err.to_string().starts_with("t.xml: "));
    }

    let err = load_bytes(
        "ckl.xml",
        b"<?xml version='1.0'?><CHECKLIST><ASSET/></CHECKLIST>",
    )
    .expect_err("not a benchmark");
    assert!(matches!(err, BenchmarkError::NotBenchmark { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "ckl.xml: not an XCCDF benchmark (no XCCDF Benchmark element; root element is <CHECKLIST>)"
    );
    // A Benchmark in another namespace is not XCCDF.
    let err = load_bytes("o.xml", b"<Benchmark xmlns='urn:x'><Rule/></Benchmark>").expect_err("ns");
    assert!(matches!(err, BenchmarkError::NotBenchmark { .. }), "{err}");

    let err = load_bytes("z.zip", b"PK\x03\x04truncated zip").expect_err("bad zip");
    assert!(matches!(err, BenchmarkError::Zip { .. }), "{err}");
    let z = zip_of(&[("U_Kubernetes-xccdf.xml", xml.as_bytes())]);
    let err = load_bytes("z.zip", &z[..z.len() / 2]).expect_err("cut zip");
    assert!(matches!(err, BenchmarkError::Zip { .. }), "{err}");

    let deep = format!("{}{}", "<a>".repeat(1000), "</a>".repeat(1000));
    let err = load_bytes("deep.xml", deep.as_bytes()).expect_err("deep");
    assert!(err.to_string().contains("nested deeper"), "{err}");

    let err = load_bytes(
        "latin.xml",
        b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>",
    )
    .expect_err("encoding");
    assert!(matches!(err, BenchmarkError::Encoding { .. }), "{err}");
}

#[test]
fn refuses_benchmarks_that_cannot_be_keyed() {
    let err = load_bytes("n.xml", xccdf("").as_bytes()).expect_err("no rules");
    assert_eq!(err.to_string(), "n.xml: benchmark has no rules");

    let two = format!(
        "{}{}",
        group("V-1", "SV-1r1_rule", "CNTR-K8-000001"),
        group("V-2", "SV-2r1_rule", "CNTR-K8-000001")
    );
    let err = load_bytes("d.xml", xccdf(&two).as_bytes()).expect_err("dup");
    assert_eq!(
        err.to_string(),
        "d.xml: duplicate STIG ID CNTR-K8-000001 (rules SV-1r1_rule and SV-2r1_rule)"
    );

    let two = format!(
        "{}{}",
        group("V-1", "SV-1r1_rule", "CNTR-K8-000001"),
        group("V-1", "SV-2r1_rule", "CNTR-K8-000002")
    );
    let err = load_bytes("d.xml", xccdf(&two).as_bytes()).expect_err("dup vuln");
    assert!(
        matches!(err, BenchmarkError::DuplicateVulnId { .. }),
        "{err}"
    );

    let no_version = group("V-1", "SV-1r1_rule", "");
    let err = load_bytes("v.xml", xccdf(&no_version).as_bytes()).expect_err("no stig id");
    assert_eq!(
        err.to_string(),
        "v.xml: rule SV-1r1_rule has no STIG ID (Rule/version)"
    );

    let two_benchmarks = format!(
        "<r>{}{}</r>",
        one_rule_xml().replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>", ""),
        one_rule_xml().replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>", "")
    );
    let err = load_bytes("2.xml", two_benchmarks.as_bytes()).expect_err("two");
    assert!(
        matches!(err, BenchmarkError::SeveralBenchmarksInFile { .. }),
        "{err}"
    );
}

#[test]
fn xccdf12_ids_and_release_normalisation() {
    let xml = r#"<ds xmlns="urn:ds"><component><xccdf:Benchmark xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_mil.disa.stig_benchmark_Kubernetes_STIG"><xccdf:plain-text id="release-info">Release: 2.6 Benchmark Date: 01 Apr 2026</xccdf:plain-text><xccdf:version>002.006</xccdf:version><xccdf:Group id="xccdf_mil.disa.stig_group_V-242376"><xccdf:title>SRG</xccdf:title><xccdf:Rule id="xccdf_mil.disa.stig_rule_SV-242376r960759_rule" severity="high"><xccdf:version>CNTR-K8-000150</xccdf:version><xccdf:check system="oval"><xccdf:check-content-ref name="oval:x:def:1"/></xccdf:check></xccdf:Rule></xccdf:Group></xccdf:Benchmark></component></ds>"#;
    let b = load_bytes("s.xml", xml.as_bytes()).expect("loads");
    assert_eq!(b.info.id, "Kubernetes_STIG");
    assert_eq!(b.info.version, "2");
    assert_eq!(
        b.info.release_info,
        "Release: 6 Benchmark Date: 01 Apr 2026"
    );
    assert_eq!(b.info.label, "V2R6");
    let r = &b.rules[0];
    assert_eq!(
        (r.vuln_id.as_str(), r.rule_id.as_str()),
        ("V-242376", "SV-242376r960759_rule")
    );
    assert_eq!((r.severity.as_str(), r.weight.as_str()), ("high", "10.0"));
    assert_eq!(r.check_ref, "oval:x:def:1");
}

#[test]
fn normalize_release_cases() {
    let info = |version: &str, release_info: &str| {
        let mut i = BenchmarkInfo {
            version: version.to_string(),
            release_info: release_info.to_string(),
            ..BenchmarkInfo::default()
        };
        normalize_release(&mut i);
        (i.version, i.release, i.date, i.label, i.release_info)
    };
    assert_eq!(
        info("1", "Release: 11 Benchmark Date: 25 Oct 2023"),
        (
            "1".into(),
            "11".into(),
            "25 Oct 2023".into(),
            "V1R11".into(),
            "Release: 11 Benchmark Date: 25 Oct 2023".into()
        )
    );
    assert_eq!(info("", "").3, "");
    assert_eq!(info("x", "Release: y").3, "");
    assert_eq!(info("002.001", "").3, "V2R1");
}

#[test]
fn description_that_is_not_xml_falls_back_in_a_full_load() {
    let xml = one_rule_xml().replace(
        "&lt;VulnDiscussion&gt;D&lt;/VulnDiscussion&gt;",
        "&lt;VulnDiscussion&gt;A &amp; B &lt; C&lt;/VulnDiscussion&gt;&lt;Documentable&gt;false&lt;/Documentable&gt;",
    );
    let b = load_bytes("f.xml", xml.as_bytes()).expect("loads");
    assert_eq!(b.rules[0].discussion, "A & B < C");
    assert_eq!(b.rules[0].documentable, "false");
}

/// Truncations and byte flips of valid inputs: errors or successes, never a panic.
#[test]
fn mutated_inputs_never_panic() {
    let xml = one_rule_xml().into_bytes();
    let inner = zip_of(&[("U_Kubernetes_STIG_V9R3_Manual-xccdf.xml", &xml)]);
    let library = zip_of(&[("U_Kubernetes_V9R3_STIG.zip", &inner)]);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for input in [&xml, &inner, &library] {
        for _ in 0..300 {
            let mut data = input.clone();
            match next() % 3 {
                0 => data.truncate(next() % data.len()),
                1 => {
                    let i = next() % data.len();
                    data[i] = (next() % 256) as u8;
                }
                _ => {
                    let i = next() % data.len();
                    data.insert(i, b"<&>\"'\0\xFF"[next() % 7]);
                }
            }
            let _ = load_bytes("m", &data);
        }
    }
}

/// The loader and the team's V2R6 table agree on every earlier Rule ID,
/// keyed by STIG ID (CNTR-K8-000320 and -000340 are gone in V2R6).
#[test]
fn rule_ids_agree_with_the_v2r6_table() {
    let Some(dir) = stig_dir() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(dir.join("kubernetes-stig-v2r6-rules.json")) else {
        eprintln!("kubernetes-stig-v2r6-rules.json missing: skipping");
        return;
    };
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let rows = json.as_array().expect("array");
    let row_for = |stig_id: &str| {
        rows.iter()
            .find(|r| r.get("stig_id").and_then(|v| v.as_str()) == Some(stig_id))
    };
    for (file, key) in [
        ("U_Kubernetes_STIG_V1R9_Manual-xccdf.xml", "v1r9_rule_id"),
        ("U_Kubernetes_STIG_V1R11_Manual-xccdf.xml", "v1r11_rule_id"),
        (
            "U_Kubernetes_V2R1_STIG_SCAP_1-3_Benchmark.xml",
            "v2r1_rule_id",
        ),
    ] {
        let Some(b) = load_shared(file) else {
            continue;
        };
        let mut gone = Vec::new();
        for r in &b.rules {
            match row_for(&r.stig_id) {
                Some(row) => {
                    assert_eq!(
                        row.get(key).and_then(|v| v.as_str()),
                        Some(r.rule_id.as_str()),
                        "{file} {}",
                        r.stig_id
                    );
                    assert_eq!(
                        row.get("vuln_id").and_then(|v| v.as_str()),
                        Some(r.vuln_id.as_str())
                    );
                }
                None => gone.push(r.stig_id.as_str()),
            }
        }
        let expected_gone: &[&str] = if key == "v1r9_rule_id" {
            &[
                "CNTR-K8-000320",
                "CNTR-K8-000340",
                "CNTR-K8-000600",
                "CNTR-K8-001990",
                "CNTR-K8-003250",
                "CNTR-K8-003350",
            ]
        } else {
            &["CNTR-K8-000320", "CNTR-K8-000340"]
        };
        assert_eq!(gone, expected_gone, "{file}");
    }
}
