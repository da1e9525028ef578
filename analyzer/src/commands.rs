//! The `kstig` subcommands. Every error names the file it concerns.

use crate::benchmark;
use crate::catalog;
use crate::evidence::Node;
use crate::model::{Assessment, Benchmark, Method, Status, Target};
use crate::results;
use crate::staging::{OutputSet, Spill, Staged};
use collector::bundle::{self, Limits, VerifiedBundle};
use collector::sign::{self, PublicKey};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Exit codes (documented in `docs/cli.md`).
pub mod exit {
    /// Success; for `analyze`: complete, no Open finding.
    pub const OK: i32 = 0;
    /// Bad input or usage (unreadable key, benchmark, output folder...).
    pub const ERROR: i32 = 1;
    /// `analyze`: complete, Open findings present.
    pub const OPEN_FINDINGS: i32 = 3;
    /// `verify` / `analyze`: at least one bundle was refused (evidence rejected).
    pub const REFUSED: i32 = 4;
}

/// A failure with the message to print.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(msg: impl Into<String>) -> CliError {
    CliError(msg.into())
}

/// `kstig keygen`: a new Ed25519 key pair, private key mode 0600, never overwriting.
pub fn keygen(private: &Path, public: &Path) -> Result<String, CliError> {
    for p in [private, public] {
        if p.exists() || p.symlink_metadata().is_ok() {
            return Err(err(format!(
                "{}: already exists; refusing to overwrite a key",
                p.display()
            )));
        }
    }
    let (pem, key) = sign::generate().map_err(|e| err(e.to_string()))?;
    write_new(private, pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(public, key.to_pem().as_bytes(), 0o644) {
        let _ = std::fs::remove_file(private);
        return Err(e);
    }
    Ok(key.fingerprint())
}

/// Create a new file (never replacing one) with the given mode.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), CliError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| err(format!("{}: cannot create: {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| err(format!("{}: cannot write: {e}", path.display())))
}

/// Load trusted public keys from files and directories (`*.pub`, `*.pem` in a directory).
pub fn load_trust(paths: &[PathBuf]) -> Result<Vec<PublicKey>, CliError> {
    let mut keys = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| err(format!("{}: cannot read trusted key: {e}", p.display())))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| err(format!("{}: cannot list: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|e| e.extension().is_some_and(|x| x == "pub" || x == "pem"))
                .collect();
            entries.sort();
            if entries.is_empty() {
                return Err(err(format!(
                    "{}: no *.pub or *.pem public keys in this folder",
                    p.display()
                )));
            }
            for e in entries {
                keys.push(PublicKey::from_pem_file(&e).map_err(|e| err(e.to_string()))?);
            }
        } else {
            keys.push(PublicKey::from_pem_file(p).map_err(|e| err(e.to_string()))?);
        }
    }
    if keys.is_empty() {
        return Err(err("no trusted public key given (--trust KEY_OR_DIR)"));
    }
    Ok(keys)
}

/// Expand bundle arguments: files as given, directories to their `*.kstig.tar.gz`.
pub fn expand_bundles(args: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(a)
                .map_err(|e| err(format!("{}: cannot list: {e}", a.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".kstig.tar.gz"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(err(format!(
                    "{}: no *.kstig.tar.gz bundles in this folder",
                    a.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    if out.is_empty() {
        return Err(err("no bundle given"));
    }
    Ok(out)
}

/// Read and verify one bundle file.
pub fn read_bundle(
    path: &Path,
    trust: &[PublicKey],
    limits: &Limits,
    allow_untrusted: bool,
) -> Result<VerifiedBundle, String> {
    let bytes = crate::safety::read_capped(
        path,
        limits.max_compressed,
        "bundle (compressed)",
        " (raise with --max-bundle-size)",
    )
    .map_err(|e| e.to_string())?;
    let r = if allow_untrusted {
        bundle::read_untrusted(&bytes, trust, limits)
    } else {
        bundle::read_verified(&bytes, trust, limits)
    };
    r.map_err(|e| crate::safety::one_line(&e.to_string()))
}

/// `kstig verify`: one line per bundle; Ok(true) when all verified.
pub fn verify(trust: &[PathBuf], bundles: &[PathBuf], limits: &Limits) -> Result<bool, CliError> {
    let keys = load_trust(trust)?;
    let paths = expand_bundles(bundles)?;
    let mut all_ok = true;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for p in &paths {
        let line = match read_bundle(p, &keys, limits, false) {
            Ok(b) => format!(
                "OK      {}  host={} created={} signer={} members={}",
                p.display(),
                b.manifest.host.hostname,
                b.manifest.created,
                b.manifest.signer.fingerprint,
                b.members.len()
            ),
            Err(reason) => {
                all_ok = false;
                format!(
                    "FAILED  {}  {reason}",
                    crate::safety::one_line(&p.display().to_string())
                )
            }
        };
        let _ = writeln!(out, "{line}");
    }
    Ok(all_ok)
}

/// Load the benchmark or the built-in catalogue.
pub fn load_benchmark(path: Option<&Path>) -> Result<Benchmark, CliError> {
    match path {
        Some(p) => benchmark::load(p).map_err(|e| err(e.to_string())),
        None => Ok(catalog::builtin_benchmark()),
    }
}

/// `kstig rules`: every rule, how kstig decides it, and a coverage line.
pub fn rules_listing(b: &Benchmark, markdown: bool) -> String {
    let mut s = String::new();
    let (mut node, mut cluster, mut manual, mut unknown, mut changed) = (0, 0, 0, 0, 0);
    if markdown {
        let _ = writeln!(
            s,
            "| STIG ID | Vuln ID | Rule ID | Severity | Decided by | Title |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|");
    }
    for r in &b.rules {
        let method = results::method_of(&r.stig_id);
        let how = match method {
            Some(Method::Node) => {
                node += 1;
                "node"
            }
            Some(Method::Cluster) => {
                cluster += 1;
                "cluster"
            }
            Some(Method::Manual) => {
                manual += 1;
                "manual"
            }
            None => {
                unknown += 1;
                "not implemented"
            }
        };
        let note = results::changed_since(r).then_some(());
        if note.is_some() {
            changed += 1;
        }
        let title: String = r.title.chars().take(90).collect();
        if markdown {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {}{} | {} |",
                r.stig_id,
                r.vuln_id,
                r.rule_id,
                r.severity,
                how,
                if note.is_some() {
                    " (DISA changed the check since V2R6)"
                } else {
                    ""
                },
                title.replace('|', "\\|")
            );
        } else {
            let _ = writeln!(
                s,
                "{:<15} {:<9} {:<7} {:<8} {}{}",
                r.stig_id,
                r.vuln_id,
                r.severity,
                how,
                title,
                if note.is_some() {
                    "  [DISA changed this rule's check since kstig's V2R6 check]"
                } else {
                    ""
                }
            );
        }
    }
    let total = b.rules.len();
    let auto = node + cluster;
    let pct = if total == 0 {
        0.0
    } else {
        100.0 * auto as f64 / total as f64
    };
    let src = if b.info.builtin {
        format!(
            "built-in catalogue {} (rule text needs --benchmark)",
            b.info.label
        )
    } else {
        format!("{} {} ({})", b.info.title, b.info.label, b.info.filename)
    };
    let _ = writeln!(
        s,
        "{}Coverage: {auto}/{total} rules decided automatically ({pct:.0}%): {node} from node evidence, {cluster} from cluster objects; {manual} manual (evidence gathered), {unknown} without a kstig check; {changed} changed by DISA since the V2R6 checks. Source: {src}.",
        if markdown { "\n" } else { "" }
    );
    s
}

/// Options of `kstig analyze`.
pub struct AnalyzeOptions {
    pub trust: Vec<PathBuf>,
    pub benchmark: Option<PathBuf>,
    pub out: PathBuf,
    pub bundles: Vec<PathBuf>,
    pub allow_untrusted: bool,
    pub limits: Limits,
    pub quiet: bool,
    /// `--previous FILE_OR_DIR` / `HOST=FILE` arguments.
    pub previous: Vec<String>,
    /// Checklist marking (`--marking CUI`).
    pub marking: String,
    /// A cluster dump exported separately (`--cluster-json FILE`); else the newest bundle's.
    pub cluster_json: Option<PathBuf>,
    /// Recorded decisions (`--answers FILE`).
    pub answers: Option<PathBuf>,
}

/// What `kstig analyze` keeps of one node once its files are written: the
/// evidence text stays in the files (memory must not grow with the node count).
#[derive(Debug, Clone)]
pub struct NodeSummary {
    /// The bundle file.
    pub path: String,
    pub target: Target,
    pub counts: results::CountsDoc,
}

/// Outcome of `kstig analyze`.
pub struct AnalyzeOutcome {
    /// One per host (the newest bundle of each), in host order.
    pub nodes: Vec<NodeSummary>,
    /// Per bundle path: (drift lines, evidence problems).
    pub notes: std::collections::BTreeMap<String, (Vec<String>, Vec<String>)>,
    pub cluster: Assessment,
    pub refused: Vec<(String, String)>,
    pub written: Vec<PathBuf>,
}

impl AnalyzeOutcome {
    pub fn exit_code(&self) -> i32 {
        if !self.refused.is_empty() {
            exit::REFUSED
        } else if self
            .nodes
            .iter()
            .any(|n| n.counts.open_high + n.counts.open_medium + n.counts.open_low > 0)
            || self
                .cluster
                .results
                .iter()
                .any(|r| r.status == Status::Open)
        {
            exit::OPEN_FINDINGS
        } else {
            exit::OK
        }
    }
}

/// The generation time: `SOURCE_DATE_EPOCH` when set (reproducible output), else now.
pub fn generation_time() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    rfc3339(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// A file name safe for any host name (no path separators or control characters).
pub fn safe_name(host: &str) -> String {
    let s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() || s == "cluster" {
        format!("host-{s}")
    } else {
        s
    }
}

/// Write `bytes` to `dir/name` atomically (temp file in `dir`, fsync, rename).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let target = dir.join(name);
    let mut tmp = tempfile::Builder::new()
        .prefix(".kstig-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            err(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| err(format!("{}: cannot write: {e}", target.display())))?;
    tmp.persist(&target)
        .map_err(|e| err(format!("{}: cannot replace: {}", target.display(), e.error)))?;
    Ok(target)
}

/// `kstig analyze`.
pub fn analyze(
    opts: &AnalyzeOptions,
    progress: impl Fn(usize, usize, &Path) + Sync,
) -> Result<AnalyzeOutcome, CliError> {
    let keys = if opts.allow_untrusted && opts.trust.is_empty() {
        Vec::new()
    } else {
        load_trust(&opts.trust)?
    };
    let bench = load_benchmark(opts.benchmark.as_deref())?;
    if bench.info.builtin && !opts.quiet {
        eprintln!(
            "kstig: warning: no --benchmark given: using the built-in {} catalogue (ids, severities, short titles); checklists will lack DISA's rule text",
            bench.info.label
        );
    }
    let paths = expand_bundles(&opts.bundles)?;
    let previous = crate::carry::Previous::load(&opts.previous).map_err(err)?;
    let answers = match &opts.answers {
        Some(p) => Some(crate::answers::load(p).map_err(|e| err(e.to_string()))?),
        None => None,
    };
    let explicit_dump = match &opts.cluster_json {
        Some(p) => {
            let bytes = crate::safety::read_capped(
                p,
                opts.limits.max_member_size,
                "cluster dump",
                " (raise with --max-member-size)",
            )
            .map_err(|e| err(format!("{}: cannot read cluster dump: {e}", p.display())))?;
            let objects = crate::cluster::parse(&bytes, &p.display().to_string())
                .map_err(|e| err(e.to_string()))?;
            Some(objects)
        }
        None => None,
    };
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        err(format!(
            "{}: cannot create output folder: {e}",
            opts.out.display()
        ))
    })?;

    // Bundles are independent: verify and assess them on every core. Each
    // worker holds one bundle at a time; the verdicts go to the spill file,
    // only a node's facts stay in memory.
    let spill = Spill::new(&opts.out)?;
    type Dump = (String, String, Vec<u8>, Vec<String>);
    // The newest bundle carrying a cluster dump: (created, description, bytes, kinds).
    let newest_dump: std::sync::Mutex<Option<Dump>> = std::sync::Mutex::new(None);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let timer = Timer::new();
    let outcomes: Vec<Result<NodeOutcome, (String, String)>> = paths
        .par_iter()
        .map(|p| {
            guard(p, || {
                let i = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                progress(i, paths.len(), p);
                let b = read_bundle(p, &keys, &opts.limits, opts.allow_untrusted)
                    .map_err(|reason| (p.display().to_string(), reason))?;
                let node = Node::new(&b);
                let mut target = results::target_of(&node);
                if let Some(problem) = &b.signature_problem {
                    target.comment = format!(
                        "UNTRUSTED EVIDENCE (analyzed with --allow-untrusted: {problem}). {}",
                        target.comment
                    );
                }
                let mut ctx = crate::rules::cluster::ClusterContext::default();
                collect_versions(&node, &mut ctx);
                if let Some(d) = &b.manifest.cluster {
                    if let (Some(bytes), Ok(mut slot)) = (b.member(&d.member), newest_dump.lock()) {
                        let newer = slot.as_ref().is_none_or(|(c, ..)| b.manifest.created > *c);
                        if newer {
                            *slot = Some((
                                b.manifest.created.clone(),
                                format!(
                                    "{} (bundle {}, {} {}, collected {})",
                                    p.display(),
                                    b.manifest.bundle_id,
                                    b.manifest.host.hostname,
                                    d.source,
                                    b.manifest.created
                                ),
                                bytes.to_vec(),
                                d.kinds.clone(),
                            ));
                        }
                    }
                }
                let drift = node.drift();
                if !drift.is_empty() {
                    target.comment.push_str(&format!(
                        " DRIFT between running processes and manifests: {}",
                        drift.join("; ")
                    ));
                }
                let a = results::assess_node(&node, &bench, target);
                let results = spill.put(&a.results).map_err(|e| {
                    (
                        p.display().to_string(),
                        format!("cannot keep the results in the output folder: {e}"),
                    )
                })?;
                Ok(NodeOutcome {
                    path: p.display().to_string(),
                    target: a.target,
                    results,
                    drift,
                    problems: node.problems.clone(),
                    ctx,
                })
            })
        })
        .collect();
    timer.lap("verify and assess");
    let mut nodes: Vec<NodeOutcome> = Vec::new();
    let mut notes = std::collections::BTreeMap::new();
    let mut refused = Vec::new();
    let mut ctx = crate::rules::cluster::ClusterContext::default();
    for o in outcomes {
        match o {
            Ok(mut n) => {
                let c = std::mem::take(&mut n.ctx);
                ctx.kubectl_versions.extend(c.kubectl_versions);
                ctx.kubelet_versions.extend(c.kubelet_versions);
                ctx.apiserver_versions.extend(c.apiserver_versions);
                if let Some(v) = c.kube_version {
                    if ctx
                        .kube_version
                        .as_ref()
                        .is_none_or(|cur| v.tuple() < cur.tuple())
                    {
                        ctx.kube_version = Some(v);
                    }
                }
                notes.insert(
                    n.path.clone(),
                    (
                        std::mem::take(&mut n.drift),
                        std::mem::take(&mut n.problems),
                    ),
                );
                nodes.push(n);
            }
            Err(r) => refused.push(r),
        }
    }
    let newest_dump = newest_dump.into_inner().unwrap_or(None);
    progress(paths.len(), paths.len(), Path::new(""));
    // One checklist per host: the newest bundle wins.
    nodes.sort_by(|a, b| {
        a.target
            .host_name
            .cmp(&b.target.host_name)
            .then(b.target.collected.cmp(&a.target.collected))
    });
    let mut kept: Vec<NodeOutcome> = Vec::new();
    for n in nodes {
        if let Some(prev) = kept.last() {
            if prev.target.host_name == n.target.host_name {
                if !opts.quiet {
                    eprintln!(
                        "kstig: {}: older bundle for host {} ({}) superseded by {} ({})",
                        n.path,
                        n.target.host_name,
                        n.target.collected,
                        prev.path,
                        prev.target.collected
                    );
                }
                continue;
            }
        }
        kept.push(n);
    }
    // Cluster-level rules: from --cluster-json, else the newest bundle's dump.
    let (cluster_verdicts, dump_note) =
        evaluate_cluster(&bench, explicit_dump, newest_dump, &ctx, opts.quiet)?;
    if !previous.is_empty() {
        let known: std::collections::BTreeSet<&str> =
            kept.iter().map(|n| n.target.host_name.as_str()).collect();
        for h in previous.hosts() {
            if !known.contains(h) && h != "cluster" && !opts.quiet {
                eprintln!("kstig: warning: earlier checklist for host {h} matches no analyzed bundle; its entries were not carried forward");
            }
        }
    }
    let time = generation_time();
    let today: String = time.chars().take(10).collect();
    timer.lap("cluster rules");

    // Render each node (cluster verdicts, carried-forward entries and answers
    // applied) on every core, a chunk at a time so that results.json is
    // written in order; every file goes to a temporary name first.
    let generator = results::GeneratorDoc {
        name: "kstig".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        time: time.clone(),
    };
    let benchmark_doc = results::benchmark_doc(&bench.info, bench.rules.len());
    let generated = crate::checklist::Generated {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        time: time.clone(),
        marking: opts.marking.clone(),
    };
    let templates = crate::checklist::Templates::new(&bench.info, &bench.rules, &generated);
    let mut names: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut bases: Vec<String> = Vec::with_capacity(kept.len());
    for n in &kept {
        let mut base = safe_name(&n.target.host_name);
        if names.contains(&base) {
            base = format!(
                "{base}-{}",
                n.target.bundle_id.chars().take(8).collect::<String>()
            );
        }
        names.insert(base.clone());
        bases.push(base);
    }
    let mut out = OutputSet::new(&opts.out);
    let io_err = |e: std::io::Error| {
        err(format!(
            "{}: cannot write results.json: {e}",
            opts.out.display()
        ))
    };
    let mut json = results::ResultsWriter::begin(
        OutputSet::stage_writer(&opts.out, "results.json")?,
        &generator,
        &benchmark_doc,
    )
    .map_err(io_err)?;
    let mut node_files: Vec<Staged> = Vec::with_capacity(kept.len() * 3);
    let mut summaries: Vec<NodeSummary> = Vec::with_capacity(kept.len());
    let mut rollup_nodes: Vec<results::RollupNode> = Vec::with_capacity(kept.len());
    // report.html is fed the same node documents as results.json, in order.
    let mut report = crate::report::Report::new(&bench);
    let indices: Vec<usize> = (0..kept.len()).collect();
    for chunk in indices.chunks(RENDER_CHUNK) {
        let rendered: Vec<Result<Rendered, CliError>> = chunk
            .par_iter()
            .map(|&i| {
                let n = &kept[i];
                let results = spill.get(n.results).map_err(|e| {
                    err(format!(
                        "{}: cannot read back the results of {}: {e}",
                        opts.out.display(),
                        n.path
                    ))
                })?;
                let mut a = Assessment {
                    target: n.target.clone(),
                    results,
                };
                apply_cluster_verdicts(&mut a, &cluster_verdicts);
                if !previous.is_empty() {
                    previous.apply(&mut a);
                }
                let hashes = results::evidence_hashes(&a);
                let mut messages = Vec::new();
                if let Some(ans) = &answers {
                    messages = apply_answers(ans, &mut a, &today);
                }
                let entries = crate::checklist::entries(&bench.rules, &a.results);
                let mut files = Vec::with_capacity(3);
                for format in crate::checklist::Format::ALL {
                    let bytes = templates.render_one(format, &a, &entries);
                    let name = format!("{}.{}", bases[i], format.extension());
                    files.push(OutputSet::stage(&opts.out, &name, &bytes)?);
                }
                let (d, pr) = notes.get(&n.path).cloned().unwrap_or_default();
                let mut doc = results::node_doc(&a, &n.path, &d, &pr);
                results::set_evidence_hashes(&mut doc.rules, &hashes);
                Ok(Rendered {
                    doc,
                    files,
                    messages,
                    rollup: results::RollupNode::of(&bench, &a),
                    counts: results::counts(&a.results),
                })
            })
            .collect();
        for (r, &i) in rendered.into_iter().zip(chunk) {
            let r = r?;
            json.node(&r.doc).map_err(io_err)?;
            report.node(&r.doc);
            for f in &r.files {
                out.flush_soon(f);
            }
            node_files.extend(r.files);
            if !opts.quiet {
                for m in r.messages {
                    eprintln!("kstig: {m}");
                }
            }
            rollup_nodes.push(r.rollup);
            // The node is written: keep its facts once, in the summary.
            summaries.push(NodeSummary {
                path: std::mem::take(&mut kept[i].path),
                target: std::mem::take(&mut kept[i].target),
                counts: r.counts,
            });
        }
    }
    timer.lap("render nodes");
    drop(spill);
    drop(kept);

    let cluster_target = Target {
        host_name: "cluster".into(),
        role: "cluster".into(),
        comment: format!(
            "kstig roll-up of {} node(s): {}",
            summaries.len(),
            summaries
                .iter()
                .map(|n| n.target.host_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ..Target::default()
    };
    let mut cluster = results::rollup_nodes(&bench, &rollup_nodes, cluster_target);
    apply_cluster_verdicts(&mut cluster, &cluster_verdicts);
    cluster.target.comment.push_str(&format!(" {dump_note}"));
    previous.apply(&mut cluster);
    let cluster_hashes = results::evidence_hashes(&cluster);
    if let Some(ans) = &answers {
        for m in apply_answers(ans, &mut cluster, &today) {
            if !opts.quiet {
                eprintln!("kstig: {m}");
            }
        }
    }
    let refused_docs: Vec<results::RefusedDoc> = refused
        .iter()
        .map(|(b, r)| results::RefusedDoc {
            bundle: b.clone(),
            reason: r.clone(),
        })
        .collect();
    // The roll-up's rule documents, for results.json and report.html.
    let mut cluster_docs: Vec<results::RuleDoc> =
        cluster.results.iter().map(results::rule_doc).collect();
    results::set_evidence_hashes(&mut cluster_docs, &cluster_hashes);
    let json = json
        .finish(&generator, &benchmark_doc, &cluster_docs, &refused_docs)
        .map_err(io_err)?;
    let json = json.finish()?;
    let report_err = |e: std::io::Error| {
        err(format!(
            "{}: cannot write report.html: {e}",
            opts.out.display()
        ))
    };
    let mut html = OutputSet::stage_writer(&opts.out, "report.html")?;
    report
        .finish(
            &mut html,
            &crate::report::Meta {
                format: results::FORMAT,
                generator: &generator,
                benchmark: &benchmark_doc,
            },
            &cluster_docs,
            &refused_docs,
        )
        .map_err(report_err)?;
    drop(cluster_docs);
    out.push(html.finish()?);
    out.push(json);
    for f in node_files {
        out.push(f);
    }
    // The roll-up's checklists grow with the node count: one at a time.
    let entries = crate::checklist::entries(&bench.rules, &cluster.results);
    for format in crate::checklist::Format::ALL {
        let bytes = templates.render_one(format, &cluster, &entries);
        out.push(OutputSet::stage(
            &opts.out,
            &format!("cluster.{}", format.extension()),
            &bytes,
        )?);
    }
    timer.lap("roll-up");
    let written = out.commit()?;
    timer.lap("flush and rename");
    Ok(AnalyzeOutcome {
        nodes: summaries,
        notes,
        cluster,
        refused,
        written,
    })
}

/// Nodes rendered together; results.json is written in order between chunks.
const RENDER_CHUNK: usize = 32;

/// What one bundle contributes to an analysis.
struct NodeOutcome {
    path: String,
    target: Target,
    /// The node's verdicts, in the spill file.
    results: crate::staging::SpillRef,
    drift: Vec<String>,
    problems: Vec<String>,
    ctx: crate::rules::cluster::ClusterContext,
}

/// Run one bundle's analysis; a panic (a bug in a check) refuses that bundle
/// with a clear reason instead of ending the whole run.
fn guard(
    p: &Path,
    f: impl FnOnce() -> Result<NodeOutcome, (String, String)>,
) -> Result<NodeOutcome, (String, String)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|e| {
        let what = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err((
            p.display().to_string(),
            format!("internal error while analyzing this bundle ({what}); please report it"),
        ))
    })
}

/// One node's outputs.
struct Rendered {
    doc: results::NodeDoc,
    files: Vec<Staged>,
    messages: Vec<String>,
    rollup: results::RollupNode,
    counts: results::CountsDoc,
}

/// Phase times on standard error when `KSTIG_TIMINGS` is set (docs/performance.md).
struct Timer {
    start: Option<std::time::Instant>,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Timer {
    fn new() -> Timer {
        let now = std::time::Instant::now();
        Timer {
            start: std::env::var_os("KSTIG_TIMINGS").map(|_| now),
            last: std::sync::Mutex::new(now),
        }
    }

    fn lap(&self, what: &str) {
        let Some(start) = self.start else { return };
        if let Ok(mut last) = self.last.lock() {
            let now = std::time::Instant::now();
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "kstig: timing: {what}: {:.3} s (total {:.3} s, peak RSS {peak})",
                (now - *last).as_secs_f64(),
                (now - start).as_secs_f64()
            );
            *last = now;
        }
    }
}

/// Version evidence of one node for the cluster rules.
fn collect_versions(node: &Node, ctx: &mut crate::rules::cluster::ClusterContext) {
    let host = node.manifest.host.hostname.clone();
    for (comp, v) in node.versions() {
        match comp.as_str() {
            "kubectl" => ctx.kubectl_versions.push((host.clone(), v)),
            "kubelet" => ctx.kubelet_versions.push((host.clone(), v)),
            "kube-apiserver" => ctx.apiserver_versions.push((host.clone(), v)),
            _ => {}
        }
    }
    if let Some(v) = node.kube_version() {
        let lower = ctx
            .kube_version
            .as_ref()
            .is_none_or(|cur| v.tuple() < cur.tuple());
        if lower {
            ctx.kube_version = Some(v);
        }
    }
}

/// Evaluate every cluster rule of the benchmark; returns the verdicts by STIG
/// ID and one line saying which dump decided them.
fn evaluate_cluster(
    bench: &Benchmark,
    explicit: Option<crate::cluster::ClusterObjects>,
    newest: Option<(String, String, Vec<u8>, Vec<String>)>,
    ctx: &crate::rules::cluster::ClusterContext,
    quiet: bool,
) -> Result<
    (
        std::collections::BTreeMap<String, crate::rules::Verdict>,
        String,
    ),
    CliError,
> {
    let (objects, note) = match (explicit, newest) {
        (Some(o), _) => {
            let note = format!("Cluster rules decided from {}.", o.summary());
            (Some(o), note)
        }
        (None, Some((_, desc, bytes, kinds))) => match crate::cluster::parse(&bytes, &desc) {
            Ok(mut o) => {
                o.set_requested_kinds(&kinds);
                let note = format!("Cluster rules decided from the dump in {}; the newest of the bundles carrying one.", o.summary());
                (Some(o), note)
            }
            Err(e) => {
                if !quiet {
                    eprintln!("kstig: {e}");
                }
                (
                    None,
                    format!("The cluster dump in {desc} could not be read: {e}"),
                )
            }
        },
        (None, None) => (
            None,
            "No cluster dump in any bundle and no --cluster-json: cluster rules are Not_Reviewed."
                .to_string(),
        ),
    };
    let mut out = std::collections::BTreeMap::new();
    for rule in &bench.rules {
        let Some(check) = crate::rules::cluster::cluster_check(&rule.stig_id) else {
            continue;
        };
        let mut v = match &objects {
            Some(o) => check(o, ctx),
            None => crate::rules::cluster::no_dump_verdict(),
        };
        v.details = format!("Cluster-level rule. {note}\n{}", v.details);
        if let Some(n) = results::revision_note(rule) {
            v.details = format!("{n}\n{}", v.details);
        }
        out.insert(rule.stig_id.clone(), v);
    }
    Ok((out, note))
}

/// Put the cluster verdicts into an assessment (a node's or the roll-up).
fn apply_cluster_verdicts(
    a: &mut Assessment,
    verdicts: &std::collections::BTreeMap<String, crate::rules::Verdict>,
) {
    for r in &mut a.results {
        if let Some(v) = verdicts.get(&r.stig_id) {
            r.status = v.status;
            r.details = v.details.clone();
            r.comments = v.comments.clone();
        }
    }
}

/// Apply recorded answers to every rule of an assessment; the messages to show.
fn apply_answers(ans: &crate::answers::Answers, a: &mut Assessment, today: &str) -> Vec<String> {
    let host = a.target.host_name.clone();
    let mut messages = Vec::new();
    for r in &mut a.results {
        let automated = match results::method_of(&r.stig_id) {
            Some(Method::Manual) | None => false,
            Some(_) => r.status != Status::NotReviewed,
        };
        let stig_id = r.stig_id.clone();
        if let Some(msg) = crate::answers::apply(ans, &host, &stig_id, automated, r, today) {
            messages.push(msg);
        }
    }
    messages
}

/// The terminal summary table: one row per node, then the cluster roll-up;
/// open findings by severity, then the other statuses. With `color`, non-zero
/// open counts are red (CAT I bold), not-a-finding green, zeros dim.
pub fn summary_table(outcome: &AnalyzeOutcome, color: bool) -> String {
    // (column width, ANSI style when the value is not zero)
    const COLS: [(usize, &str); 6] = [
        (6, "1;31"),
        (7, "31"),
        (8, "33"),
        (6, "32"),
        (5, ""),
        (5, ""),
    ];
    let paint = |text: String, style: &str, value: usize| -> String {
        if !color {
            return text;
        }
        let style = if value == 0 { "2" } else { style };
        if style.is_empty() {
            text
        } else {
            format!("\x1b[{style}m{text}\x1b[0m")
        }
    };
    let mut s = String::new();
    let head = format!(
        "{:<28} {:<14} {:>6} {:>7} {:>8} {:>6} {:>5} {:>5}",
        "HOST", "ROLE", "CAT I", "CAT II", "CAT III", "NaF", "N/A", "NR"
    );
    let _ = writeln!(s, "{}", paint(head, "1", 1));
    let mut row = |host: &str, role: &str, c: &results::CountsDoc, untrusted: bool| {
        let values = [
            c.open_high,
            c.open_medium,
            c.open_low,
            c.not_a_finding,
            c.not_applicable,
            c.not_reviewed,
        ];
        let mut line = format!(
            "{:<28} {:<14}",
            host.chars().take(28).collect::<String>(),
            role.chars().take(14).collect::<String>()
        );
        for ((width, style), v) in COLS.iter().zip(values) {
            line.push(' ');
            line.push_str(&paint(format!("{v:>width$}"), style, v));
        }
        if untrusted {
            line.push_str("  UNTRUSTED evidence");
        }
        let _ = writeln!(s, "{line}");
    };
    for n in &outcome.nodes {
        row(
            &n.target.host_name,
            &n.target.role,
            &n.counts,
            n.target.untrusted,
        );
    }
    row(
        "cluster (roll-up)",
        "",
        &results::counts(&outcome.cluster.results),
        false,
    );
    let _ = writeln!(s, "CAT I/II/III = open findings by severity; NaF = not a finding; N/A = not applicable; NR = not reviewed");
    for (b, r) in &outcome.refused {
        let _ = writeln!(s, "REFUSED {}: {r}", crate::safety::one_line(b));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn collector_requests_exactly_the_kinds_the_cluster_rules_read() {
        assert_eq!(collector::cluster::KINDS, crate::cluster::DUMP_KINDS);
    }

    #[test]
    fn names() {
        assert_eq!(safe_name("k8s-cp-01"), "k8s-cp-01");
        assert_eq!(safe_name("../../etc/x"), "_.._etc_x");
        assert_eq!(safe_name(""), "host-");
        assert_eq!(safe_name("cluster"), "host-cluster");
    }
}
