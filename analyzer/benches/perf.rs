//! kstig performance benchmark (issue 7): the collector on the sample nodes
//! and on a generated large node, the analyzer on 1, 100 and 1,000 bundles
//! made by the real collector, the floor (gunzip + SHA-256 of the same
//! bundles, writing files of the same sizes) and a 20,000-pod cluster dump.
//!
//!   cargo bench -p kstig-analyzer --bench perf [-- --quick] [-- --repeats N]
//!   bash tests/bench.sh                     (the same, documented in the README)
//!
//! Every figure is the median of repeated runs, and the raw figures are
//! printed next to it: the machine may be shared, so single runs are noisy.
//! Wall time and peak RSS are measured per child process (`wait4`'s
//! `ru_maxrss`). Nothing here asserts a time: the figures are for people.

use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Fixed time for the bundles and the outputs (`SOURCE_DATE_EPOCH`).
const EPOCH: u64 = 1_795_180_000;
const NODES: [&str; 4] = ["kubeadm-cp", "kubeadm-worker", "rke2-server", "k3s-server"];
/// Variant trees made from the four samples (8 per sample).
const VARIANTS: usize = 32;
const BUNDLE_COUNTS: [usize; 3] = [1, 100, 1000];
/// Threads that fsync the floor's files (the same as the analyzer's commit).
const FSYNC_THREADS: usize = 8;

struct Opts {
    quick: bool,
    repeats: Option<usize>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --all-targets` runs bench targets without `--bench`: do nothing then.
    if !args.iter().any(|a| a == "--bench") {
        println!(
            "perf: run with `cargo bench -p kstig-analyzer --bench perf` or `bash tests/bench.sh`"
        );
        return;
    }
    let mut opts = Opts {
        quick: false,
        repeats: None,
    };
    if let Some(i) = args.iter().position(|a| a == "--measure-child") {
        if let Err(e) = measure_child(&args[i + 1..]) {
            eprintln!("perf: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => opts.quick = true,
            "--repeats" => opts.repeats = it.next().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    if let Err(e) = run(&opts) {
        eprintln!("perf: {e}");
        std::process::exit(1);
    }
}

type Res<T> = Result<T, String>;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// The shared folder with DISA's benchmarks: `KSTIG_SHARED`, else a `shared`
/// folder beside the checkout or one of its parents (as the tests look for it).
fn shared() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KSTIG_SHARED") {
        return Some(PathBuf::from(p));
    }
    let mut dir = repo();
    loop {
        for cand in [dir.join("shared"), dir.join("../shared")] {
            if cand.join("stig").is_dir() {
                return Some(cand);
            }
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// One measured child process.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    /// User + system CPU time (both cores count).
    cpu: Duration,
    /// Peak resident set size in KiB.
    rss_kib: u64,
}

/// Run a command to completion; its wall time and its own peak RSS.
///
/// The command is started by a fresh copy of this program (`--measure-child`):
/// Linux charges a child, at `exec`, the peak RSS of the process that spawned
/// it, so a large benchmark process would inflate every reading. The helper
/// is small; it times the child and reads `ru_maxrss` with `wait4`.
fn measure(cmd: &mut Command, ok_codes: &[i32]) -> Res<Sample> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut helper = Command::new(exe);
    helper
        .arg("--bench")
        .arg("--measure-child")
        .arg(cmd.get_program());
    helper.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => helper.env(k, v),
            None => helper.env_remove(k),
        };
    }
    let out = helper
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("spawn helper for {cmd:?}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<u64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [wall_ns, cpu_ns, rss_kib, code] = f[..] else {
        return Err(format!("{cmd:?}: helper said {text:?}"));
    };
    if !ok_codes.contains(&(code as i32)) {
        return Err(format!("{cmd:?} exited with {code}"));
    }
    Ok(Sample {
        wall: Duration::from_nanos(wall_ns),
        cpu: Duration::from_nanos(cpu_ns),
        rss_kib,
    })
}

/// Helper mode: run argv, print `wall_ns cpu_ns max_rss_kib exit_code` (exit code
/// 255 when killed by a signal).
fn measure_child(argv: &[String]) -> Res<()> {
    let (program, args) = argv
        .split_first()
        .ok_or("--measure-child needs a command")?;
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("spawn {program}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter; wait4 reaps our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    drop(child);
    if r != pid {
        return Err(format!(
            "wait4 {program}: {}",
            std::io::Error::last_os_error()
        ));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        255
    };
    let tv = |t: libc::timeval| t.tv_sec as u128 * 1_000_000_000 + t.tv_usec as u128 * 1000;
    let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    println!("{} {cpu} {} {code}", wall.as_nanos(), usage.ru_maxrss);
    Ok(())
}

/// This process's own peak RSS in KiB (`VmHWM`).
fn own_peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Run a command, insisting on success; its stdout.
fn run_ok(cmd: &mut Command) -> Res<String> {
    let out = cmd.output().map_err(|e| format!("run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

/// `median (raw: a b c)` with one decimal.
fn show(values: &[f64]) -> String {
    let raw: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
    format!("{:.1} (raw {})", median(values.to_vec()), raw.join(" "))
}

fn sync_all_filesystems() {
    // SAFETY: sync() has no preconditions.
    unsafe { libc::sync() };
}

fn remove_dir(p: &Path) {
    if p.exists() {
        let _ = Command::new("chmod").arg("-R").arg("u+rwX").arg(p).status();
        let _ = std::fs::remove_dir_all(p);
    }
}

fn run(opts: &Opts) -> Res<()> {
    let repo = repo();
    let work = repo.join("target/bench");
    remove_dir(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let kstig = PathBuf::from(env!("CARGO_BIN_EXE_kstig"));
    let key = repo.join("samples/keys/test-only-signing.key");
    let trust = repo.join("samples/keys/test-only-signing.pub");

    header(&repo);
    let collector = build_collector(&repo)?;
    let bench_xccdf = shared()
        .map(|s| s.join("stig/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml"))
        .filter(|p| p.is_file());
    match &bench_xccdf {
        Some(p) => println!("rule text: --benchmark {}", p.display()),
        None => println!(
            "rule text: NOTE: shared/stig/U_Kubernetes_STIG_V1R11_Manual-xccdf.xml not found (set KSTIG_SHARED); \
             using the built-in catalogue, whose checklists carry no DISA rule text: outputs are much smaller \
             and the figures are NOT comparable with docs/performance.md"
        ),
    }
    let t = measure(&mut Command::new("true"), &[0])?;
    println!(
        "peak RSS: ru_maxrss of each command through a small helper; `true` reads {:.1} MiB (the smallest reading possible)",
        mib(t.rss_kib as f64)
    );
    let reps = |full: usize, quick: usize| {
        opts.repeats
            .unwrap_or(if opts.quick { quick } else { full })
    };

    // ---- node trees ----
    let roots = work.join("roots");
    for node in NODES {
        run_ok(
            Command::new("sh")
                .arg(repo.join("samples/materialize.sh"))
                .arg(repo.join("samples/nodes").join(node))
                .arg(roots.join(node))
                .stderr(Stdio::null()),
        )?;
    }
    let large = roots.join("large-node");
    let (large_files, large_procs) = make_large_node(&roots.join("kubeadm-cp"), &large)?;

    // ---- collector ----
    println!();
    println!("== collector (static binary, as deployed on nodes)");
    let size = std::fs::metadata(&collector)
        .map_err(|e| format!("{}: {e}", collector.display()))?
        .len();
    println!(
        "binary: {} stripped, {} bytes ({:.2} MiB)",
        collector.display(),
        size,
        size as f64 / 1048576.0
    );
    let n_collect = reps(21, 5);
    let cout = work.join("collect-out");
    let mut large_bundle = PathBuf::new();
    let mut large_collect = (0.0, 0.0, 0.0);
    for node in NODES.iter().copied().chain(["large-node"]) {
        let root = roots.join(node);
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..n_collect {
            remove_dir(&cout);
            // Nothing left for the kernel to write back from making the trees.
            sync_all_filesystems();
            let s = measure(
                Command::new(&collector)
                    .arg("--key")
                    .arg(&key)
                    .arg("--out")
                    .arg(&cout)
                    .arg("--root")
                    .arg(&root)
                    .arg("--no-cluster")
                    // As deployed: a random bundle id, the current time.
                    .env_remove("SOURCE_DATE_EPOCH"),
                &[0, 1],
            )?;
            walls.push(ms(s.wall));
            cpus.push(ms(s.cpu));
            rss.push(mib(s.rss_kib as f64));
        }
        let bundle = only_bundle(&cout)?;
        let bsize = std::fs::metadata(&bundle).map(|m| m.len()).unwrap_or(0);
        let what = if node == "large-node" {
            format!(
                "large node ({large_files} files under Kubernetes paths, {large_procs} processes)"
            )
        } else {
            node.to_string()
        };
        println!("{what}:");
        println!("  wall ms  {}", show(&walls));
        println!("  cpu ms   {}", show(&cpus));
        println!("  peak MiB {}", show(&rss));
        println!(
            "  bundle {bsize} bytes, {} members",
            bundle_members(&bundle).unwrap_or(0)
        );
        if node == "large-node" {
            large_collect = (median(walls), median(rss), median(cpus));
            large_bundle = work.join("large-node.kstig.tar.gz");
            std::fs::rename(&bundle, &large_bundle).map_err(|e| e.to_string())?;
        }
    }

    // ---- bundles from varied node trees ----
    println!();
    let started = Instant::now();
    let variants = make_variants(&roots, &work.join("variants"))?;
    let all = work.join("bundles/all");
    generate_bundles(
        &collector,
        &key,
        &repo.join("samples/cluster/kubeadm-cluster.json"),
        &variants,
        &all,
        1000,
    )?;
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(&all)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    bundles.sort();
    let total_bytes: u64 = bundles
        .iter()
        .map(|b| std::fs::metadata(b).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "generated {} bundles from {} variant trees with the real collector in {:.1} s ({:.1} MiB, mean {:.1} KiB)",
        bundles.len(),
        variants.len(),
        started.elapsed().as_secs_f64(),
        total_bytes as f64 / 1048576.0,
        total_bytes as f64 / 1024.0 / bundles.len().max(1) as f64
    );

    // ---- analyzer and floor ----
    println!();
    println!(
        "== analyzer: verify + analyze + write results.json, report.html, CKL, CKLB, XCCDF (medians; raw figures in brackets)"
    );
    // (bundles, median wall, median peak RSS, median floor, median ratio)
    let mut rows: Vec<(usize, f64, f64, f64, f64)> = Vec::new();
    for n in BUNDLE_COUNTS {
        let set = work.join(format!("bundles/b{n}"));
        std::fs::create_dir_all(&set).map_err(|e| e.to_string())?;
        // bundle 0 is a kubeadm control plane carrying the cluster dump.
        for b in bundles.iter().take(n) {
            let name = b.file_name().unwrap_or_default();
            std::fs::hard_link(b, set.join(name)).map_err(|e| e.to_string())?;
        }
        let repeats = match n {
            1 => reps(11, 3),
            100 => reps(7, 3),
            _ => reps(5, 1),
        };
        // Analyzer and floor runs alternate, so that a change in the load of
        // a shared machine hits both alike.
        let out = work.join("out");
        let set_files: Vec<PathBuf> = bundles.iter().take(n).cloned().collect();
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        let mut rss = Vec::new();
        let mut outputs: Vec<u64> = Vec::new();
        let mut fl_dec = Vec::new();
        let mut fl_wr = Vec::new();
        let mut fl_tot = Vec::new();
        let mut raw_bytes = 0;
        for _ in 0..repeats {
            remove_dir(&out);
            sync_all_filesystems();
            let mut cmd = Command::new(&kstig);
            cmd.arg("analyze")
                .arg("--quiet")
                .arg("--trust")
                .arg(&trust)
                .arg("--out")
                .arg(&out)
                .env("SOURCE_DATE_EPOCH", EPOCH.to_string());
            if let Some(b) = &bench_xccdf {
                cmd.arg("--benchmark").arg(b);
            }
            cmd.arg(&set);
            let s = measure(&mut cmd, &[0, 3])?;
            walls.push(s.wall.as_secs_f64());
            cpus.push(s.cpu.as_secs_f64());
            rss.push(mib(s.rss_kib as f64));
            if outputs.is_empty() {
                outputs = output_sizes(&out)?;
            }
            remove_dir(&out);

            // The floor: the same bundle bytes gunzipped and hashed on every
            // core, then files of the same sizes written as durably as the
            // analyzer writes them.
            let fdir = work.join("floor");
            remove_dir(&fdir);
            std::fs::create_dir_all(&fdir).map_err(|e| e.to_string())?;
            sync_all_filesystems();
            let t0 = Instant::now();
            raw_bytes = floor_decode(&set_files)?;
            let t1 = Instant::now();
            floor_write(&fdir, &outputs)?;
            let t2 = Instant::now();
            fl_dec.push((t1 - t0).as_secs_f64());
            fl_wr.push((t2 - t1).as_secs_f64());
            fl_tot.push((t2 - t0).as_secs_f64());
            remove_dir(&fdir);
        }
        let out_bytes: u64 = outputs.iter().sum();
        // Where the time and memory go: one more run with the phase timings.
        let mut phases = Vec::new();
        if n == *BUNDLE_COUNTS.last().unwrap_or(&n) {
            remove_dir(&out);
            sync_all_filesystems();
            let mut cmd = Command::new(&kstig);
            cmd.arg("analyze")
                .arg("--quiet")
                .arg("--trust")
                .arg(&trust)
                .arg("--out")
                .arg(&out)
                .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
                .env("KSTIG_TIMINGS", "1");
            if let Some(b) = &bench_xccdf {
                cmd.arg("--benchmark").arg(b);
            }
            let o = cmd.arg(&set).output().map_err(|e| e.to_string())?;
            phases = String::from_utf8_lossy(&o.stderr)
                .lines()
                .filter_map(|l| l.strip_prefix("kstig: timing: "))
                .map(String::from)
                .collect();
            remove_dir(&out);
        }
        let wall = median(walls.clone());
        let floor = median(fl_tot.clone());
        let per_s = n as f64 / wall;
        println!(
            "{n} bundle(s) -> {} files, {:.1} MiB written:",
            outputs.len(),
            out_bytes as f64 / 1048576.0
        );
        println!("  analyzer wall s  {}", show3(&walls));
        println!(
            "  analyzer cpu s   {} (user + system, both cores)",
            show3(&cpus)
        );
        println!("  analyzer peak MiB {}", show(&rss));
        println!("  bundles per second {per_s:.0}");
        println!(
            "  floor s {} = gunzip+SHA-256 of {:.1} MiB {} + write {} files {}",
            show3(&fl_tot),
            raw_bytes as f64 / 1048576.0,
            show3(&fl_dec),
            outputs.len(),
            show3(&fl_wr)
        );
        let pairs: Vec<f64> = walls
            .iter()
            .zip(&fl_tot)
            .map(|(w, f)| w / f.max(1e-9))
            .collect();
        let ratio = median(pairs.clone());
        println!(
            "  ratio analyzer / floor = {ratio:.2} (median of the run pairs; raw {})",
            pairs
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        for p in &phases {
            println!("  phase (one more run, KSTIG_TIMINGS=1): {p}");
        }
        rows.push((n, wall, median(rss), floor, ratio));
    }
    if let (Some(a), Some(b)) = (
        rows.iter().find(|r| r.0 == 100),
        rows.iter().find(|r| r.0 == 1000),
    ) {
        let per = (b.2 - a.2) * 1024.0 / (b.0 - a.0) as f64;
        println!(
            "RSS growth: 1 -> 100 -> 1000 bundles: {:.1} -> {:.1} -> {:.1} MiB; {per:.1} KiB per extra bundle between 100 and 1000",
            rows[0].2, a.2, b.2
        );
    }

    // ---- one large node's bundle ----
    println!();
    println!("== analyzer on the large node's bundle (files per node)");
    let one_large = work.join("bundles/large");
    std::fs::create_dir_all(&one_large).map_err(|e| e.to_string())?;
    std::fs::rename(&large_bundle, one_large.join("large-node.kstig.tar.gz"))
        .map_err(|e| e.to_string())?;
    let (lw, lr) = analyze_runs(
        &kstig,
        &trust,
        bench_xccdf.as_deref(),
        &one_large,
        None,
        &work,
        reps(7, 3),
    )?;
    println!("  wall s  {}", show3(&lw));
    println!("  peak MiB {}", show(&lr));

    // ---- cluster dumps ----
    println!();
    println!("== cluster dump analysis (one control-plane bundle + --cluster-json)");
    let one = work.join("bundles/b1");
    let mut dump_rows = Vec::new();
    for pods in [5_000usize, 20_000] {
        let dump = work.join(format!("cluster-{pods}.json"));
        std::fs::write(&dump, analyzer::cluster::generate_large(pods))
            .map_err(|e| e.to_string())?;
        let dsize = std::fs::metadata(&dump).map(|m| m.len()).unwrap_or(0);
        let (w, r) = analyze_runs(
            &kstig,
            &trust,
            bench_xccdf.as_deref(),
            &one,
            Some(&dump),
            &work,
            reps(7, 3),
        )?;
        println!("{pods} pods ({:.1} MiB JSON):", dsize as f64 / 1048576.0);
        println!("  wall s  {}", show3(&w));
        println!("  peak MiB {}", show(&r));
        dump_rows.push((pods, median(w), median(r)));
    }
    let base = rows.first().map(|r| (r.1, r.2)).unwrap_or((0.0, 0.0));
    if let Some((_, w, r)) = dump_rows.iter().find(|d| d.0 == 20_000) {
        println!(
            "20,000-pod dump: +{:.2} s and +{:.1} MiB over the same bundle without it",
            w - base.0,
            r - base.1
        );
    }

    // ---- targets ----
    println!();
    println!("== targets (this machine: {} cores)", cores());
    let thousand = rows.iter().find(|r| r.0 == 1000).copied();
    if let Some((_, wall, rss, _, ratio)) = thousand {
        target("1,000 bundles into all formats", wall, 5.0, "s");
        target("analyzer / floor (1,000 bundles)", ratio, 3.0, "x");
        target("analyzer peak RSS (1,000 bundles)", rss, 200.0, "MiB");
        if let Some(h) = rows.iter().find(|r| r.0 == 100) {
            let per = (rss - h.2) * 1024.0 / 900.0;
            println!(
                "  {:<42} {:>9.1} KiB per extra bundle, 100 -> 1,000 ({}: the roll-up lists every node under every rule; a bundle's ~1.5 MiB of outputs is not kept)",
                "RSS flat in the bundle count",
                per,
                if per < 40.0 { "met" } else { "MISSED" }
            );
        }
    }
    target(
        "collector wall on the large node",
        large_collect.0,
        100.0,
        "ms",
    );
    target(
        "collector peak RSS on the large node",
        large_collect.1,
        16.0,
        "MiB",
    );
    println!(
        "work files in {} (removed on the next run); this benchmark process peaked at {:.1} MiB",
        work.display(),
        mib(own_peak_kib() as f64)
    );
    Ok(())
}

fn show3(values: &[f64]) -> String {
    let raw: Vec<String> = values.iter().map(|v| format!("{v:.3}")).collect();
    format!("{:.3} (raw {})", median(values.to_vec()), raw.join(" "))
}

fn target(what: &str, value: f64, limit: f64, unit: &str) {
    println!(
        "  {what:<42} {value:>9.2} {unit} (target < {limit} {unit}): {}",
        if value < limit { "met" } else { "MISSED" }
    );
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

fn header(repo: &Path) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|k| k.parse::<u64>().ok())
        .unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("== kstig benchmark (issue 7)");
    println!(
        "machine: {} cores ({cpu}), {:.1} GiB RAM; load average {}; commit {head}",
        cores(),
        mem as f64 / 1048576.0,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// Build the static collector (tests/build-static.sh); its path.
fn build_collector(repo: &Path) -> Res<PathBuf> {
    let out = Command::new("bash")
        .arg(repo.join("tests/build-static.sh"))
        .current_dir(repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("tests/build-static.sh: {e}"))?;
    if !out.status.success() {
        return Err("tests/build-static.sh failed".into());
    }
    for target in ["x86_64-unknown-linux-musl", "x86_64-unknown-linux-gnu"] {
        let p = repo
            .join("target")
            .join(target)
            .join("collector/kstig-collect");
        if p.is_file() && String::from_utf8_lossy(&out.stdout).contains(target) {
            return Ok(p);
        }
    }
    Err("tests/build-static.sh built no collector".into())
}

fn only_bundle(dir: &Path) -> Res<PathBuf> {
    std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".kstig.tar.gz"))
        .ok_or_else(|| format!("{}: no bundle", dir.display()))
}

fn bundle_members(path: &Path) -> Option<usize> {
    let bytes = std::fs::read(path).ok()?;
    let mut gz = flate2::read::GzDecoder::new(&bytes[..]);
    let mut tar = Vec::new();
    gz.read_to_end(&mut tar).ok()?;
    // Count ustar headers: 512-byte blocks whose magic says "ustar".
    let mut n: usize = 0;
    let mut off = 0;
    while off + 512 <= tar.len() {
        let h = &tar[off..off + 512];
        if &h[257..262] != b"ustar" {
            break;
        }
        let size_field = String::from_utf8_lossy(&h[124..136]);
        let size = u64::from_str_radix(size_field.trim_matches(|c: char| c == '\0' || c == ' '), 8)
            .ok()?;
        n += 1;
        off += 512 + (size as usize).div_ceil(512) * 512;
    }
    Some(n.saturating_sub(2))
}

/// Sizes of the files an analysis wrote.
fn output_sizes(out: &Path) -> Res<Vec<u64>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .flatten()
    {
        let m = e.metadata().map_err(|e| e.to_string())?;
        if m.is_file() {
            v.push(m.len());
        }
    }
    Ok(v)
}

/// Median runs of `kstig analyze` on one folder (optionally with a cluster dump).
fn analyze_runs(
    kstig: &Path,
    trust: &Path,
    bench: Option<&Path>,
    set: &Path,
    dump: Option<&Path>,
    work: &Path,
    repeats: usize,
) -> Res<(Vec<f64>, Vec<f64>)> {
    let out = work.join("out");
    let mut walls = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..repeats {
        remove_dir(&out);
        sync_all_filesystems();
        let mut cmd = Command::new(kstig);
        cmd.arg("analyze")
            .arg("--quiet")
            .arg("--trust")
            .arg(trust)
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string());
        if let Some(b) = bench {
            cmd.arg("--benchmark").arg(b);
        }
        if let Some(d) = dump {
            cmd.arg("--cluster-json").arg(d);
        }
        cmd.arg(set);
        let s = measure(&mut cmd, &[0, 3])?;
        walls.push(s.wall.as_secs_f64());
        rss.push(mib(s.rss_kib as f64));
    }
    remove_dir(&out);
    Ok((walls, rss))
}

/// gunzip every bundle and SHA-256 the decompressed bytes, on every core;
/// returns the decompressed byte count.
fn floor_decode(files: &[PathBuf]) -> Res<u64> {
    use rayon::prelude::*;
    let sizes: Vec<Res<u64>> = files
        .par_iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| e.to_string())?;
            let mut gz = flate2::bufread::GzDecoder::new(&bytes[..]);
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                let n = gz.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
                total += n as u64;
            }
            std::hint::black_box(h.finalize());
            Ok(total)
        })
        .collect();
    sizes.into_iter().sum()
}

/// Write files of the given sizes as the analyzer commits its outputs: each
/// to a temporary file, queued at once to flushing threads, all flushed,
/// then renamed, then the folder flushed.
fn floor_write(dir: &Path, sizes: &[u64]) -> Res<()> {
    let buf: Vec<u8> = (0..1 << 20).map(|i| b"kstig floor\n"[i % 12]).collect();
    let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
    let rx = std::sync::Mutex::new(rx);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let temps: Res<Vec<PathBuf>> = std::thread::scope(|s| {
        for _ in 0..FSYNC_THREADS {
            s.spawn(|| loop {
                let next = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok(p) = next else { return };
                let ok = std::fs::File::open(&p).and_then(|f| f.sync_all()).is_ok();
                if !ok {
                    failed.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        let mut temps = Vec::with_capacity(sizes.len());
        for (i, size) in sizes.iter().enumerate() {
            let tmp = dir.join(format!(".floor-{i}.tmp"));
            let mut f = std::fs::File::create(&tmp).map_err(|e| e.to_string())?;
            let mut left = *size as usize;
            while left > 0 {
                let n = left.min(buf.len());
                f.write_all(&buf[..n]).map_err(|e| e.to_string())?;
                left -= n;
            }
            let _ = tx.send(tmp.clone());
            temps.push(tmp);
        }
        drop(tx);
        Ok(temps)
    });
    let temps = temps?;
    if failed.into_inner() {
        return Err("floor: fsync failed".into());
    }
    for (i, t) in temps.iter().enumerate() {
        std::fs::rename(t, dir.join(format!("floor-{i}"))).map_err(|e| e.to_string())?;
    }
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| e.to_string())
}

fn copy_tree(from: &Path, to: &Path) -> Res<()> {
    remove_dir(to);
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    run_ok(Command::new("cp").arg("-a").arg(from).arg(to)).map(|_| ())
}

/// Write a file even when its mode forbids the owner to write (not root).
fn force_write(path: &Path, bytes: &[u8]) -> Res<()> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::write(path, bytes).is_ok() {
        return Ok(());
    }
    let mode = std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .permissions()
        .mode();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode | 0o200))
        .map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())
}

fn regular_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            regular_files(&e.path(), out);
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    let mut changed = false;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
            changed = true;
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// 32 variant trees: each sample 8 times, with every combination of three
/// changes a site would show between nodes (an audit-log flag value, the
/// profiling flag, manifest and kubelet config modes). Returns (sample, tree).
fn make_variants(roots: &Path, dir: &Path) -> Res<Vec<(String, PathBuf)>> {
    use std::os::unix::fs::PermissionsExt;
    let edits: [(&[u8], &[u8]); 2] = [
        (b"audit-log-maxage=30", b"audit-log-maxage=7"),
        (b"profiling=false", b"profiling=true"),
    ];
    let mut out = Vec::new();
    for v in 0..VARIANTS {
        let node = NODES[v % NODES.len()];
        let bits = v / NODES.len();
        let tree = dir.join(format!("{v:02}-{node}"));
        copy_tree(&roots.join(node), &tree)?;
        let mut files = Vec::new();
        regular_files(&tree, &mut files);
        for f in &files {
            let rel = f
                .strip_prefix(&tree)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned();
            for (i, (from, to)) in edits.iter().enumerate() {
                if bits & (1 << i) == 0 {
                    continue;
                }
                let Ok(bytes) = std::fs::read(f) else {
                    continue;
                };
                if let Some(new) = replace_bytes(&bytes, from, to) {
                    force_write(f, &new)?;
                }
            }
            let manifest = rel.contains("manifests/") || rel.contains("pod-manifests/");
            if bits & 4 != 0 && (manifest || rel == "var/lib/kubelet/config.yaml") {
                std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644))
                    .map_err(|e| e.to_string())?;
            }
        }
        out.push((node.to_string(), tree));
    }
    Ok(out)
}

/// A sample node's own address (samples/nodes/README.md).
fn node_ip(node: &str) -> &'static str {
    match node {
        "kubeadm-cp" => "10.10.20.11",
        "kubeadm-worker" => "10.10.20.21",
        "rke2-server" => "10.20.30.11",
        _ => "10.30.40.11",
    }
}

/// `count` bundles, bundle i from variant tree i % variants with its own host
/// name, address and collection time; two collector processes at a time (one per core),
/// each owning half of the trees.
fn generate_bundles(
    collector: &Path,
    key: &Path,
    dump: &Path,
    variants: &[(String, PathBuf)],
    out: &Path,
    count: usize,
) -> Res<()> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let workers = 2usize;
    let results: Vec<Res<()>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || -> Res<()> {
                    // The files of each tree that hold the node's address, as materialized.
                    let mut with_ip: Vec<Vec<(PathBuf, Vec<u8>)>> =
                        vec![Vec::new(); variants.len()];
                    for (v, (node, tree)) in variants.iter().enumerate() {
                        if v % workers != w {
                            continue;
                        }
                        let mut files = Vec::new();
                        regular_files(tree, &mut files);
                        for f in files {
                            let Ok(bytes) = std::fs::read(&f) else {
                                continue;
                            };
                            let ip = node_ip(node).as_bytes();
                            if bytes.windows(ip.len()).any(|x| x == ip) {
                                with_ip[v].push((f, bytes));
                            }
                        }
                    }
                    for i in (0..count).filter(|i| (i % variants.len()) % workers == w) {
                        let v = i % variants.len();
                        let (node, tree) = &variants[v];
                        let host = format!("n{i:04}-{node}");
                        std::fs::write(tree.join("etc/hostname"), format!("{host}\n"))
                            .map_err(|e| e.to_string())?;
                        std::fs::write(tree.join("proc/sys/kernel/hostname"), format!("{host}\n"))
                            .map_err(|e| e.to_string())?;
                        // Each node its own address (manifests, kubeconfigs, argv, /etc/hosts).
                        let ip =
                            format!("10.{}.{}.{}", 100 + i / 62_500, i / 250 % 250, 1 + i % 250);
                        for (f, original) in &with_ip[v] {
                            let new =
                                replace_bytes(original, node_ip(node).as_bytes(), ip.as_bytes())
                                    .unwrap_or_else(|| original.clone());
                            force_write(f, &new)?;
                        }
                        let mut cmd = Command::new(collector);
                        cmd.arg("--key")
                            .arg(key)
                            .arg("--out")
                            .arg(out)
                            .arg("--root")
                            .arg(tree)
                            .env("SOURCE_DATE_EPOCH", (EPOCH - 86_400 + i as u64).to_string());
                        // Control planes carry the cluster dump, as in samples/demo.sh.
                        if node == "kubeadm-cp" {
                            cmd.arg("--cluster-json").arg(dump);
                        } else {
                            cmd.arg("--no-cluster");
                        }
                        measure(&mut cmd, &[0, 1])?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("worker panicked".into())))
            .collect()
    });
    results.into_iter().collect()
}

/// The large node: the kubeadm control plane plus 5,000 files under the
/// Kubernetes paths and 2,000 more processes. Returns (files, processes).
fn make_large_node(base: &Path, dest: &Path) -> Res<(usize, usize)> {
    copy_tree(base, dest)?;
    let w = |rel: String, text: String| -> Res<()> {
        let p = dest.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
        }
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
    };
    let mut files = 0;
    // Walked and captured: addon manifests under /etc/kubernetes (walk cap 2,000 entries).
    for t in 0..20 {
        for a in 0..95 {
            w(
                format!("etc/kubernetes/addons/team-{t:02}/app-{a:03}.yaml"),
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{a}\n  namespace: team-{t}\n  labels:\n    app: app-{a}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-{a}\n  template:\n    metadata:\n      labels:\n        app: app-{a}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.mil/team-{t}/app-{a}:1.{a}.0\n        args: [\"--listen=:8080\", \"--log-level=info\"]\n        resources:\n          limits: {{cpu: 500m, memory: 256Mi}}\n        securityContext:\n          runAsNonRoot: true\n          allowPrivilegeEscalation: false\n"
                ),
            )?;
            files += 1;
        }
    }
    // Walked and captured as certificates: rotated kubelet serving certificates.
    for i in 0..450 {
        let body: String = (0..18)
            .map(|l| {
                format!(
                    "{}\n",
                    "MIIDkjCCAnqgAwIBAgIUK"
                        .repeat(3)
                        .chars()
                        .take(64)
                        .collect::<String>()
                        + &format!("{i:04}{l:02}")
                )
            })
            .collect();
        w(
            format!(
                "var/lib/kubelet/pki/kubelet-server-2026-{:02}-{:02}-{i:03}.crt",
                1 + i % 12,
                1 + i % 28
            ),
            format!("-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n"),
        )?;
        files += 1;
    }
    // Walked, metadata only: etcd snapshots.
    for i in 0..150 {
        w(
            format!(
                "var/lib/etcd/member/snap/{:016x}-{:016x}.snap",
                2 + i / 10,
                100_000 * (i + 1)
            ),
            "x".repeat(512),
        )?;
        files += 1;
    }
    // Under /var/lib/kubelet, not walked (pod volumes): must cost nothing.
    for i in 0..2500 {
        w(
            format!(
                "var/lib/kubelet/pods/{:08x}-0000-4000-8000-{:012x}/volumes/kubernetes.io~configmap/config/app-{}.conf",
                i / 5,
                i / 5,
                i % 5
            ),
            format!("key-{i}=value\n"),
        )?;
        files += 1;
    }
    // 2,000 processes: kernel threads, pause containers, shims and workloads.
    let status =
        std::fs::read_to_string(base.join("proc/1043/status")).map_err(|e| e.to_string())?;
    let procs = 2000;
    for i in 0..procs {
        let pid = 30_000 + i;
        let (comm, argv): (String, Vec<String>) = match i % 5 {
            0 | 1 => (format!("kworker/{}:{}", i % 2, i % 7), vec![]),
            2 => ("pause".into(), vec!["/pause".into()]),
            3 => (
                "containerd-shim".into(),
                vec![
                    "/usr/bin/containerd-shim-runc-v2".into(),
                    "-namespace".into(),
                    "k8s.io".into(),
                    "-id".into(),
                    format!("{:064x}", pid),
                    "-address".into(),
                    "/run/containerd/containerd.sock".into(),
                ],
            ),
            _ => (
                "python3".into(),
                vec![
                    "/usr/bin/python3".into(),
                    "/app/server.py".into(),
                    format!("--port={}", 8000 + i % 100),
                ],
            ),
        };
        let mut cmdline = Vec::new();
        for a in &argv {
            cmdline.extend_from_slice(a.as_bytes());
            cmdline.push(0);
        }
        let dir = dest.join(format!("proc/{pid}"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("cmdline"), cmdline).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("comm"), format!("{comm}\n")).map_err(|e| e.to_string())?;
        let st = status
            .replace("Name:\tkubelet", &format!("Name:\t{comm}"))
            .replace("Pid:\t1043", &format!("Pid:\t{pid}"))
            .replace(
                "PPid:\t1",
                &format!("PPid:\t{}", if i % 5 < 2 { 2 } else { 812 }),
            );
        std::fs::write(dir.join("status"), st).map_err(|e| e.to_string())?;
    }
    Ok((files, procs as usize))
}
