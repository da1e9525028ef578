//! report.html in a real headless browser (Debian's `chromium`): the page
//! loads with no console message and no blocked load, the matrix holds the
//! counts of results.json, a filter click changes what is shown, a cell click
//! shows that node's evidence, a hostile host name stays text, and a
//! screenshot is written to `target/tmp/report_browser/report.png`.
//!
//! The page runs its own checks when opened as `report.html#selftest` (the
//! page script counts the matrix cells, clicks the filter buttons, records
//! the results into `<pre id="selftest">`); `chromium --dump-dom` prints the
//! DOM after load and `--enable-logging=stderr` prints every console message
//! (errors, CSP violations) as a `:CONSOLE` line.
//!
//! Without chromium the test prints why and passes, unless
//! `KSTIG_REQUIRE_BROWSER=1` (set by tests/run.sh, which installs chromium).
//! `KSTIG_CHROMIUM=/path` picks another Chromium binary.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A host name that is HTML: it must show as text and never run.
const HOSTILE_HOST: &str = "<img src=x onerror=kstigInjected=1></script>'\"&";

fn find_chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KSTIG_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let cand = dir.join(name);
            if cand.is_file() {
                return Some(cand);
            }
        }
    }
    None
}

fn file_url(path: &Path, fragment: &str) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str(fragment);
    url
}

/// Run headless chromium with `args`; returns (stdout, stderr). Killed after 120 s.
fn chromium(bin: &Path, profile: &Path, args: &[String]) -> (String, String) {
    let out_file = profile.with_extension("stdout");
    let err_file = profile.with_extension("stderr");
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).expect("stdout file"))
        .stderr(std::fs::File::create(&err_file).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("{}: cannot start: {e}", bin.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(status) => {
                let stdout = std::fs::read_to_string(&out_file).unwrap_or_default();
                let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
                assert!(
                    status.success(),
                    "chromium {args:?} failed ({status}):\n{stderr}"
                );
                return (stdout, stderr);
            }
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium {args:?} did not finish within 120 s");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Console messages of the page (Chromium logs them as `...:CONSOLE:N] "msg", source: ...`).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("selftest field {key} missing in {v}"))
}

#[test]
fn report_works_in_a_headless_browser() {
    let Some(bin) = find_chromium() else {
        let why = "no chromium on PATH (apt-get install chromium; tests/run.sh does)";
        if std::env::var("KSTIG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("report_browser: KSTIG_REQUIRE_BROWSER=1 but {why}");
        }
        eprintln!("report_browser: SKIPPED: {why}");
        return;
    };

    // The four sample nodes plus a worker whose host name is HTML.
    let (_keep, samples) = support::all_sample_bundles();
    let work = tempfile::tempdir().expect("tempdir");
    let root = work.path().join("hostile-root");
    support::materialize("kubeadm-worker", &root);
    std::fs::write(
        root.join("proc/sys/kernel/hostname"),
        format!("{HOSTILE_HOST}\n"),
    )
    .expect("write hostname");
    let hostile = support::collect(&root, &work.path().join("hostile-bundle"));
    let mut bundles = samples.clone();
    bundles.push(hostile);

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let out = dir.join("out");
    let (code, stdout, stderr) = support::analyze(&bundles, &out, &[]);
    assert_eq!(
        code, 3,
        "analyze: open findings expected\n{stdout}\n{stderr}"
    );
    let report = out.join("report.html");
    let results = support::read_json(&out.join("results.json"));
    let nodes = results["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 5);
    assert!(nodes.iter().any(|n| n["host"] == HOSTILE_HOST));
    let cluster = results["cluster"]["rules"].as_array().expect("cluster");
    let rules = cluster.len();

    // Expected counts, from results.json.
    let mut rows: Vec<&Vec<Value>> = nodes
        .iter()
        .map(|n| n["rules"].as_array().expect("rules"))
        .collect();
    rows.push(cluster);
    let count = |pred: &dyn Fn(&Value) -> bool| -> u64 {
        rows.iter()
            .flat_map(|r| r.iter())
            .filter(|r| pred(r))
            .count() as u64
    };
    let open_sev =
        |sev: &'static str| move |r: &Value| r["status"] == "open" && r["severity"] == sev;
    let status = |st: &'static str| move |r: &Value| r["status"] == st;
    let high_rules = cluster.iter().filter(|r| r["severity"] == "high").count() as u64;
    let open_rules = (0..rules)
        .filter(|i| rows.iter().any(|r| r[*i]["status"] == "open"))
        .count() as u64;
    let open_rows = rows
        .iter()
        .filter(|r| r.iter().any(|x| x["status"] == "open"))
        .count() as u64;

    let (dom, log) = chromium(
        &bin,
        &dir.join("profile-selftest"),
        &[
            "--virtual-time-budget=10000".to_string(),
            "--dump-dom".to_string(),
            file_url(&report, "#selftest"),
        ],
    );
    let console = console_lines(&log);
    assert!(
        console.is_empty(),
        "the page logged to the console:\n{}",
        console.join("\n")
    );
    let block = dom
        .split("<pre id=\"selftest\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no selftest output in the DOM:\n{dom}"));
    let json = block
        .trim()
        .strip_prefix("SELFTEST ")
        .and_then(|b| b.strip_suffix(" END"))
        .unwrap_or_else(|| panic!("selftest output malformed: {block}"))
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let st: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    eprintln!("selftest: {st}");

    assert_eq!(st["problems"], serde_json::json!([]), "page problems");
    // The matrix: one row per node plus the roll-up, one column per rule.
    assert_eq!(num(&st, "rows"), rows.len() as u64);
    assert_eq!(num(&st, "cols"), rules as u64);
    assert_eq!(num(&st, "cells"), (rows.len() * rules) as u64);
    let c = &st["counts"];
    assert_eq!(num(c, "oh"), count(&open_sev("high")), "open CAT I cells");
    assert_eq!(
        num(c, "om"),
        count(&open_sev("medium")),
        "open CAT II cells"
    );
    assert_eq!(num(c, "ol"), count(&open_sev("low")), "open CAT III cells");
    assert_eq!(num(c, "f"), count(&status("not_a_finding")));
    assert_eq!(num(c, "a"), count(&status("not_applicable")));
    assert_eq!(num(c, "r"), count(&status("not_reviewed")));
    assert!(
        num(c, "oh") > 0 && num(c, "om") > 0,
        "samples have open findings"
    );

    // Filters: everything shown at first; CAT I off hides the high rules;
    // "open findings only" leaves the open cells; "everything" restores.
    let initial = &st["initial"];
    assert_eq!(num(initial, "cols"), rules as u64);
    assert_eq!(num(initial, "cells"), (rows.len() * rules) as u64);
    let off = &st["after_cat1_off"];
    assert_eq!(num(off, "cols"), rules as u64 - high_rules);
    assert_eq!(
        num(off, "cells"),
        (rows.len() as u64) * (rules as u64 - high_rules)
    );
    let open = &st["after_open_only"];
    assert_eq!(num(open, "cols"), open_rules);
    assert_eq!(num(open, "rows"), open_rows);
    assert_eq!(num(open, "cells"), num(c, "o"));
    assert_eq!(st["after_all"], st["initial"]);

    // A cell click opens its rule and highlights that node's evidence.
    let first = cluster[0]["stig_id"].as_str().expect("stig id");
    assert_eq!(st["opened_rule"], format!("r-{first}"));
    assert!(num(&st, "evidence_groups") >= 1);
    assert_eq!(num(&st, "highlighted"), 1);

    // The hostile host name is text: no element, no script ran.
    assert_eq!(num(&st, "images"), 0);
    assert_eq!(num(&st, "scripts"), 2);
    assert_eq!(st["injected"], false);
    assert!(dom.contains("&lt;img src=x onerror=kstigInjected=1&gt;"));

    // Screenshot of the page as an assessor first sees it.
    let png = dir.join("report.png");
    let (_, log) = chromium(
        &bin,
        &dir.join("profile-shot"),
        &[
            "--window-size=1400,1100".to_string(),
            format!("--screenshot={}", png.display()),
            file_url(&report, ""),
        ],
    );
    let console = console_lines(&log);
    assert!(console.is_empty(), "console:\n{}", console.join("\n"));
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(bytes.len() > 20_000, "screenshot suspiciously small");
    eprintln!("screenshot: {}", png.display());
}
