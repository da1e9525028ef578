//! One collection run: processes, files (well-known places, then every path
//! named by a process argument or a captured config), host facts, versions,
//! cluster objects; the result is a manifest and the evidence members, ready
//! for [`crate::bundle::BundleWriter::finish`].

use crate::bundle::{self, BundleError, BundleWriter};
use crate::capture::{self, Hint, Stored};
use crate::cluster;
use crate::command::{self, Env};
use crate::hostfacts;
use crate::manifest::{
    ClusterDump, CollectionError, CollectorInfo, CommandRecord, Content, FileRecord, FileType,
    Manifest, ProcessRecord, Signer, FORMAT,
};
use crate::paths::{self, FlagRule, IdNames, Known, NodeFs, PathError, WalkSpec};
use crate::procfs;
use crate::redact;
use crate::versions;
use crate::yamlscan;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Most file records one run makes (a runaway tree cannot exhaust memory).
pub const MAX_FILES: usize = 20_000;
/// How many links of "file A names file B" are followed from a well-known file or argv.
pub const MAX_REF_DEPTH: u32 = 4;
/// Timeout of one `--version` probe.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(5);
/// Timeout of the kubectl run.
pub const KUBECTL_TIMEOUT: Duration = Duration::from_secs(90);
/// stdout kept from a version probe.
pub const VERSION_STDOUT_CAP: u64 = 64 * 1024;

/// Admin kubeconfigs tried, in order, when the collector runs kubectl itself.
pub const ADMIN_KUBECONFIGS: &[&str] = &[
    "/etc/kubernetes/admin.conf",
    "/etc/rancher/rke2/rke2.yaml",
    "/etc/rancher/k3s/k3s.yaml",
];

/// Where cluster objects come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterSource {
    /// Live without `--root`: kubectl on PATH with a readable admin kubeconfig, if both exist.
    Auto,
    /// `--kubectl PATH`.
    Kubectl(PathBuf),
    /// `--cluster-json FILE`.
    File(PathBuf),
    /// `--no-cluster`, or `--root` without `--kubectl`.
    Skip,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The node root (`/` when live).
    pub root: PathBuf,
    /// No `--root` was given.
    pub live: bool,
    pub cluster: ClusterSource,
    /// Creation time, seconds since the epoch (`SOURCE_DATE_EPOCH` or now).
    pub created: i64,
    /// `SOURCE_DATE_EPOCH` was set: no random bundle id.
    pub reproducible: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("bundle: {0}")]
    Bundle(#[from] BundleError),
    #[error("--cluster-json {path}: {message}")]
    ClusterFile { path: String, message: String },
    #[error("cannot generate a random bundle id")]
    Random,
}

/// The result of a run.
pub struct Collection {
    pub manifest: Manifest,
    pub writer: BundleWriter,
    pub summary: Summary,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub withheld: usize,
    pub redacted: u64,
    pub processes: usize,
    pub commands: usize,
    pub errors: usize,
}

/// A directory walk in progress: its spec, the depth of this level, and
/// its id in the collector's entry budgets (shared by the whole walk, symlink
/// targets included).
#[derive(Debug, Clone, Copy)]
struct WalkState {
    spec: WalkSpec,
    depth: u32,
    id: usize,
}

/// A path waiting to be visited.
#[derive(Debug, Clone)]
struct Visit {
    path: String,
    via: Option<u32>,
    reason: String,
    hint: Hint,
    walk: Option<WalkState>,
    ref_depth: u32,
}

impl Visit {
    fn new(path: &str, reason: &str) -> Visit {
        Visit {
            path: path.to_string(),
            via: None,
            reason: reason.to_string(),
            hint: Hint::Auto,
            walk: None,
            ref_depth: 0,
        }
    }
}

struct Collector<'o> {
    opts: &'o Options,
    fs: NodeFs,
    ids: IdNames,
    writer: BundleWriter,
    files: Vec<FileRecord>,
    errors: Vec<CollectionError>,
    seen: BTreeSet<(Option<u32>, String)>,
    queue: VecDeque<Visit>,
    images: Vec<crate::manifest::ImageRecord>,
    proc_roots: BTreeMap<u32, NodeFs>,
    /// Executables worth a version probe (node paths, live only).
    probe: BTreeSet<String>,
    redacted: u64,
    capped: bool,
    /// Entries each walk may still record.
    walk_budget: Vec<u32>,
}

/// Run a collection.
pub fn collect(opts: &Options) -> Result<Collection, CollectError> {
    let fs = NodeFs::new(&opts.root);
    let ids = IdNames::load(&fs);
    let mut c = Collector {
        opts,
        fs,
        ids,
        writer: BundleWriter::new(),
        files: Vec::new(),
        errors: Vec::new(),
        seen: BTreeSet::new(),
        queue: VecDeque::new(),
        images: Vec::new(),
        proc_roots: BTreeMap::new(),
        probe: BTreeSet::new(),
        redacted: 0,
        capped: false,
        walk_budget: Vec::new(),
    };
    let host = hostfacts::gather(&c.fs);
    let processes = c.processes();
    c.well_known();
    c.units();
    c.binaries();
    c.drain();

    let packages = match versions::dpkg_packages(&c.fs) {
        Ok(p) => p,
        Err(PathError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            c.error(versions::DPKG_STATUS, "read", &e.to_string());
            Vec::new()
        }
    };
    let mut commands = if opts.live {
        c.version_probes()
    } else {
        Vec::new()
    };
    let cluster = c.cluster(&mut commands)?;

    let mut files = std::mem::take(&mut c.files);
    files.sort_by(|a, b| a.path.cmp(&b.path).then(a.via.cmp(&b.via)));
    let mut images = std::mem::take(&mut c.images);
    images.sort_by(|a, b| {
        (&a.manifest, &a.container, &a.image).cmp(&(&b.manifest, &b.container, &b.image))
    });
    images.dedup();
    let errors = std::mem::take(&mut c.errors);

    let bundle_id = if opts.reproducible {
        String::new()
    } else {
        random_id()?
    };
    let summary = Summary {
        files: files.len(),
        withheld: files
            .iter()
            .filter(|f| {
                f.file_type == FileType::File && matches!(f.content, Content::Withheld { .. })
            })
            .count(),
        redacted: c.redacted + processes.iter().map(|p| u64::from(p.redacted)).sum::<u64>(),
        processes: processes.len(),
        commands: commands.len(),
        errors: errors.len(),
    };
    let manifest = Manifest {
        format: FORMAT.to_string(),
        collector: CollectorInfo {
            name: "kstig-collect".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        bundle_id,
        created: rfc3339(opts.created),
        root: if opts.live {
            "/".to_string()
        } else {
            opts.root.to_string_lossy().into_owned()
        },
        live: opts.live,
        host,
        signer: Signer {
            algorithm: "ed25519".to_string(),
            fingerprint: String::new(),
        },
        members: Vec::new(),
        files,
        processes,
        commands,
        packages,
        images,
        cluster,
        errors,
    };
    Ok(Collection {
        manifest,
        writer: c.writer,
        summary,
    })
}

fn random_id() -> Result<String, CollectError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CollectError::Random)?;
    Ok(redact::hex(&bytes))
}

/// `2026-11-27T03:56:22Z` for seconds since the epoch.
pub fn rfc3339(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `20261127T035622Z` for seconds since the epoch (file names).
pub fn compact_time(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// UTC calendar date and time (proleptic Gregorian) of a Unix time.
fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, mi, s) = (
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    );
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, h, mi, s)
}

impl Collector<'_> {
    fn start_walk(&mut self, spec: WalkSpec) -> WalkState {
        self.walk_budget.push(spec.max_entries);
        WalkState {
            spec,
            depth: 0,
            id: self.walk_budget.len() - 1,
        }
    }

    fn error(&mut self, path: &str, op: &str, message: &str) {
        self.errors.push(CollectionError {
            path: path.to_string(),
            op: op.to_string(),
            message: message.to_string(),
        });
    }

    /// Recognised processes; their argv paths are queued.
    fn processes(&mut self) -> Vec<ProcessRecord> {
        let (procs, _) = procfs::scan(&self.fs);
        let mut out = Vec::new();
        for p in procs {
            let (argv, redacted) = redact::redact_argv(&p.argv, p.is_k3s_or_rke2());
            let proc_root = procfs::process_root(&self.fs, self.opts.live, p.pid);
            let containerised = proc_root.is_some();
            if let Some(base) = proc_root {
                self.proc_roots.insert(p.pid, NodeFs::process_view(base));
            }
            if p.component != "sshd" {
                if let Some(exe) = argv.first().and_then(|a| paths::normalize(a)) {
                    let mut v = Visit::new(&exe, &format!("argv {} executable", p.component));
                    v.hint = Hint::Binary;
                    v.via = if containerised { Some(p.pid) } else { None };
                    self.queue.push_back(v);
                    if self.opts.live
                        && !containerised
                        && paths::BINARY_NAMES.contains(&paths::basename(&exe))
                    {
                        self.probe.insert(exe);
                    }
                }
            }
            for r in paths::argv_paths(&argv) {
                let reason = format!("argv {} {}", p.component, flag_shown(&r.name));
                self.queue_ref(&r.path, &r.name, &reason, None, 0);
                if containerised {
                    self.queue_ref(&r.path, &r.name, &reason, Some(p.pid), 0);
                }
            }
            out.push(ProcessRecord {
                pid: p.pid,
                ppid: p.ppid,
                comm: p.comm,
                argv,
                uid: p.uid,
                component: p.component.to_string(),
                redacted,
            });
        }
        out
    }

    /// Queue a path named by flag or key `name`.
    fn queue_ref(
        &mut self,
        path: &str,
        name: &str,
        reason: &str,
        via: Option<u32>,
        ref_depth: u32,
    ) {
        let mut v = Visit {
            path: path.to_string(),
            via,
            reason: reason.to_string(),
            hint: Hint::Auto,
            walk: None,
            ref_depth,
        };
        match paths::flag_rule(name) {
            FlagRule::Config => v.hint = Hint::Config,
            FlagRule::CertOrKey => v.hint = Hint::CertOrKey,
            FlagRule::Secret => v.hint = Hint::Withhold(capture::REASON_TOKEN),
            FlagRule::WalkConfig => v.walk = Some(self.start_walk(paths::WALK_CONFIG_DIR)),
            FlagRule::WalkPki => v.walk = Some(self.start_walk(paths::WALK_PKI)),
            FlagRule::DataDir => {
                // RKE2/k3s data dirs hold server/ and agent/; anything else is etcd's.
                let rancher = ["server", "agent"].iter().any(|sub| {
                    let fs = self.fs_for(via);
                    fs.lstat(&format!("{path}/{sub}"))
                        .is_ok_and(|(_, m)| m.is_dir())
                });
                if rancher {
                    v.hint = Hint::MetadataOnly("data directory");
                    for sub in ["server", "agent"] {
                        let mut s = v.clone();
                        s.path = format!("{path}/{sub}");
                        s.hint = Hint::Auto;
                        s.walk = Some(self.start_walk(paths::WALK_RANCHER_DATA));
                        self.queue.push_back(s);
                    }
                } else {
                    v.walk = Some(self.start_walk(paths::WALK_ETCD_DATA));
                }
            }
            FlagRule::Log => {
                v.hint = Hint::MetadataOnly("log");
                let mut dir = v.clone();
                dir.path = paths::parent(path);
                self.queue.push_back(dir);
            }
            FlagRule::Metadata => v.hint = Hint::MetadataOnly("data directory"),
            FlagRule::Auto => {}
        }
        self.queue.push_back(v);
    }

    fn fs_for(&self, via: Option<u32>) -> &NodeFs {
        match via.and_then(|pid| self.proc_roots.get(&pid)) {
            Some(fs) => fs,
            None => &self.fs,
        }
    }

    fn well_known(&mut self) {
        for (path, reason, what) in paths::WELL_KNOWN {
            let mut v = Visit::new(path, reason);
            match what {
                Known::Single => {}
                Known::Walk(spec) => v.walk = Some(self.start_walk(*spec)),
                Known::Metadata(why) => v.hint = Hint::MetadataOnly(why),
            }
            self.queue.push_back(v);
        }
    }

    /// Units, drop-ins and env files in the unit directories, and the
    /// enablement links under `/etc/systemd/system/*.wants/`.
    fn units(&mut self) {
        for dir in paths::UNIT_DIRS {
            let Ok((names, _)) = self.fs.list_dir(dir) else {
                continue;
            };
            for name in &names {
                let path = format!("{dir}/{name}");
                if paths::is_interesting_unit(name) {
                    let mut v = Visit::new(&path, "systemd unit");
                    if name.ends_with(".d") {
                        v.walk = Some(self.start_walk(paths::WALK_CONFIG_DIR));
                    }
                    self.queue.push_back(v);
                }
                if *dir == "/etc/systemd/system"
                    && (name.ends_with(".wants") || name.ends_with(".requires"))
                {
                    let Ok((links, _)) = self.fs.list_dir(&path) else {
                        continue;
                    };
                    for link in links.iter().filter(|l| paths::is_interesting_unit(l)) {
                        self.queue
                            .push_back(Visit::new(&format!("{path}/{link}"), "systemd enablement"));
                    }
                }
            }
        }
    }

    fn binaries(&mut self) {
        let mut dirs: BTreeSet<String> = BTreeSet::new();
        for dir in paths::BINARY_DIRS {
            if let Ok(resolved) = self.fs.resolve(dir) {
                if self.fs.lstat(&resolved).is_ok_and(|(_, m)| m.is_dir())
                    && dirs.insert(resolved.clone())
                {
                    for name in paths::BINARY_NAMES {
                        let mut v = Visit::new(&format!("{resolved}/{name}"), "kubernetes binary");
                        v.hint = Hint::Binary;
                        self.queue.push_back(v);
                    }
                }
            }
        }
    }

    fn drain(&mut self) {
        while let Some(v) = self.queue.pop_front() {
            self.visit(v);
        }
    }

    fn visit(&mut self, v: Visit) {
        if self.files.len() >= MAX_FILES {
            if !self.capped {
                self.capped = true;
                self.error(
                    &v.path,
                    "cap",
                    &format!("more than {MAX_FILES} paths; the rest were skipped"),
                );
            }
            return;
        }
        if !self.seen.insert((v.via, v.path.clone())) {
            return;
        }
        let fs = self.fs_for(v.via).clone();
        let (resolved, meta) = match fs.lstat(&v.path) {
            Ok(r) => r,
            Err(PathError::Loop) => {
                self.error(&v.path, "symlink-loop", "too many levels of symbolic links");
                return;
            }
            // Absent paths are not errors: the manifest simply has no record
            // (a flag naming a missing file is itself evidence for the analyzer).
            Err(PathError::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return;
            }
            Err(e) => {
                self.error(&v.path, "stat", &e.to_string());
                return;
            }
        };
        let host = fs.host_path(&resolved);
        let file_type = capture::file_type(&meta);
        let mut record = FileRecord {
            path: v.path.clone(),
            via: v.via.map(|pid| format!("/proc/{pid}/root")),
            file_type,
            mode: capture::mode_string(&meta),
            uid: meta.uid(),
            gid: meta.gid(),
            user: self.ids.user(meta.uid()),
            group: self.ids.group(meta.gid()),
            size: meta.len(),
            mtime: meta.mtime(),
            sha256: None,
            target: None,
            content: Content::Withheld {
                reason: "not a regular file".to_string(),
            },
            reason: v.reason.clone(),
        };
        match file_type {
            FileType::Symlink => {
                record.content = Content::Withheld {
                    reason: "symlink".to_string(),
                };
                self.symlink(&fs, &v, &resolved, &host, &mut record);
                self.files.push(record);
            }
            FileType::Dir => {
                record.content = Content::Withheld {
                    reason: "directory".to_string(),
                };
                self.files.push(record);
                if let Some(state) = v.walk {
                    self.walk(&fs, &v, &resolved, state);
                }
            }
            FileType::File => {
                let outcome = capture::examine_regular(&host, &meta, &v.path, v.hint);
                record.sha256 = outcome.sha256;
                if let Some((op, msg)) = outcome.error {
                    self.error(&v.path, &op, &msg);
                }
                match outcome.stored {
                    Stored::Withheld(reason) => record.content = Content::Withheld { reason },
                    Stored::Text { text, redactions } => {
                        let member = bundle::file_member_path(&v.path, v.via);
                        self.references(&v, &text);
                        match self.writer.add(&member, text.into_bytes()) {
                            Ok(()) => {
                                self.redacted += u64::from(redactions);
                                record.content = if redactions > 0 {
                                    Content::Redacted {
                                        member,
                                        count: redactions,
                                    }
                                } else {
                                    Content::Captured { member }
                                };
                            }
                            Err(e) => {
                                self.error(&v.path, "bundle", &e.to_string());
                                record.content = Content::Withheld {
                                    reason: "not stored".to_string(),
                                };
                            }
                        }
                    }
                }
                if v.hint == Hint::Binary
                    && self.opts.live
                    && v.via.is_none()
                    && meta.mode() & 0o111 != 0
                {
                    self.probe.insert(v.path.clone());
                }
                self.files.push(record);
            }
            _ => {
                // A FIFO, socket or device where a flag names a config,
                // certificate or key file: never opened (it could block or
                // never end), and the evidence it should have been is missing.
                if matches!(v.hint, Hint::Config | Hint::CertOrKey) {
                    self.error(
                        &v.path,
                        "not-regular",
                        &format!(
                            "a {} where a file is expected; not opened",
                            file_type_name(file_type)
                        ),
                    );
                }
                self.files.push(record)
            }
        }
    }

    /// Record a symlink's target and follow it inside the root.
    fn symlink(
        &mut self,
        fs: &NodeFs,
        v: &Visit,
        resolved: &str,
        host: &Path,
        record: &mut FileRecord,
    ) {
        let target = match std::fs::read_link(host) {
            Ok(t) => t.to_string_lossy().into_owned(),
            Err(e) => {
                self.error(&v.path, "readlink", &e.to_string());
                return;
            }
        };
        record.target = Some(target.clone());
        let Some(next) = paths::join(&paths::parent(resolved), &target) else {
            return;
        };
        // Loops (a -> b -> a, a -> a) show up when resolving the whole chain.
        if let Err(PathError::Loop) = fs.resolve(resolved) {
            self.error(
                &v.path,
                "symlink-loop",
                &format!("symlink loop through {target}"),
            );
            return;
        }
        let mut follow = v.clone();
        follow.hint = link_hint(&v.path, v.hint);
        follow.path = next;
        follow.reason = format!("{} (symlink target of {})", v.reason, v.path);
        self.queue.push_front(follow);
    }

    fn walk(&mut self, fs: &NodeFs, v: &Visit, resolved: &str, state: WalkState) {
        if state.depth >= state.spec.depth {
            return;
        }
        let (names, bad) = match fs.list_dir(resolved) {
            Ok(r) => r,
            Err(e) => {
                self.error(&v.path, "readdir", &e.to_string());
                return;
            }
        };
        if bad > 0 {
            self.error(
                &v.path,
                "readdir",
                &format!("{bad} entries with non-UTF-8 names skipped"),
            );
        }
        let budget = self.walk_budget.get(state.id).copied().unwrap_or(0) as usize;
        if names.len() > budget {
            self.error(
                &v.path,
                "cap",
                &format!(
                    "walk limit of {} entries reached: {} of {} entries here recorded",
                    state.spec.max_entries,
                    budget,
                    names.len()
                ),
            );
        }
        let taken = names.len().min(budget);
        if let Some(b) = self.walk_budget.get_mut(state.id) {
            *b -= taken as u32;
        }
        for name in names.into_iter().take(taken) {
            let mut child = v.clone();
            child.path = if v.path == "/" {
                format!("/{name}")
            } else {
                format!("{}/{name}", v.path)
            };
            child.hint = match state.spec.metadata_only {
                Some(why) => Hint::MetadataOnly(why),
                None => match v.hint {
                    Hint::MetadataOnly(_) | Hint::Binary => Hint::Auto,
                    other => other,
                },
            };
            child.walk = if state.spec.skip.contains(&name.as_str()) {
                None
            } else {
                Some(WalkState {
                    depth: state.depth + 1,
                    ..state
                })
            };
            self.queue.push_back(child);
        }
    }

    /// Queue the paths named inside a captured file, and note static pod images.
    fn references(&mut self, v: &Visit, text: &str) {
        if yamlscan::has_kind(text, "Pod") {
            self.images.extend(versions::images(&v.path, text));
        }
        if v.ref_depth >= MAX_REF_DEPTH {
            return;
        }
        let dir = paths::parent(&v.path);
        for r in paths::text_paths(text, &dir) {
            let reason = if r.name.is_empty() {
                format!("named in {}", v.path)
            } else {
                format!("named in {} ({})", v.path, r.name)
            };
            self.queue_ref(&r.path, &r.name, &reason, v.via, v.ref_depth + 1);
        }
    }

    /// `--version` (kubectl: `version --client -o json`) of the binaries found; in parallel.
    fn version_probes(&mut self) -> Vec<CommandRecord> {
        let binaries: Vec<String> = std::mem::take(&mut self.probe).into_iter().collect();
        let mut running = Vec::new();
        for bin in binaries {
            let mut argv = vec![bin.clone()];
            argv.extend(versions::version_args(&bin));
            let r = command::spawn(&argv, Env::Clean, VERSION_TIMEOUT, |out| {
                command::read_capped(out, VERSION_STDOUT_CAP)
            });
            running.push((bin, argv, r));
        }
        let mut records = Vec::new();
        for (bin, argv, r) in running {
            let record = match r {
                Err(e) => CommandRecord {
                    argv,
                    exit_status: None,
                    duration_ms: 0,
                    stdout_member: None,
                    error: Some(format!("did not start: {e}")),
                },
                Ok(running) => {
                    let done = running.wait();
                    let mut stdout_member = None;
                    if let Some(out) = done.output.filter(|o| !o.is_empty()) {
                        let text = String::from_utf8_lossy(&out);
                        let red = redact::redact_text(&text);
                        let member = versions::stdout_member(&bin);
                        if self.writer.add(&member, red.text.into_bytes()).is_ok() {
                            stdout_member = Some(member);
                        }
                    }
                    CommandRecord {
                        argv,
                        exit_status: done.exit_status,
                        duration_ms: done.duration_ms,
                        stdout_member,
                        error: done.error,
                    }
                }
            };
            records.push(record);
        }
        records
    }

    fn cluster(
        &mut self,
        commands: &mut Vec<CommandRecord>,
    ) -> Result<Option<ClusterDump>, CollectError> {
        match self.opts.cluster.clone() {
            ClusterSource::Skip => Ok(None),
            ClusterSource::File(path) => {
                let shown = path.to_string_lossy().into_owned();
                let file = std::fs::File::open(&path).map_err(|e| CollectError::ClusterFile {
                    path: shown.clone(),
                    message: e.to_string(),
                })?;
                let filtered =
                    cluster::filter_stream(file).map_err(|e| CollectError::ClusterFile {
                        path: shown.clone(),
                        message: e.to_string(),
                    })?;
                self.redacted += filtered.stats.redacted;
                self.writer.add(cluster::MEMBER, filtered.json)?;
                Ok(Some(ClusterDump {
                    source: "file".to_string(),
                    member: cluster::MEMBER.to_string(),
                    kinds: Vec::new(),
                }))
            }
            ClusterSource::Kubectl(kubectl) => {
                let kubeconfig = self.admin_kubeconfig();
                Ok(self.run_kubectl(&kubectl, kubeconfig.as_deref(), commands))
            }
            ClusterSource::Auto => {
                if !self.opts.live {
                    return Ok(None);
                }
                let (Some(kubectl), Some(kubeconfig)) =
                    (find_on_path("kubectl"), self.admin_kubeconfig())
                else {
                    return Ok(None);
                };
                Ok(self.run_kubectl(&kubectl, Some(&kubeconfig), commands))
            }
        }
    }

    /// The first readable admin kubeconfig of the node (a host path).
    fn admin_kubeconfig(&self) -> Option<PathBuf> {
        for candidate in ADMIN_KUBECONFIGS {
            let Ok(resolved) = self.fs.resolve(candidate) else {
                continue;
            };
            let host = self.fs.host_path(&resolved);
            if std::fs::File::open(&host).is_ok() {
                return Some(host);
            }
        }
        None
    }

    fn run_kubectl(
        &mut self,
        kubectl: &Path,
        kubeconfig: Option<&Path>,
        commands: &mut Vec<CommandRecord>,
    ) -> Option<ClusterDump> {
        let mut argv = vec![kubectl.to_string_lossy().into_owned()];
        if let Some(kc) = kubeconfig {
            argv.push("--kubeconfig".to_string());
            argv.push(kc.to_string_lossy().into_owned());
        }
        argv.extend(cluster::kubectl_args());
        let shown = argv[0].clone();
        let running =
            match command::spawn(&argv, Env::Inherit, KUBECTL_TIMEOUT, cluster::filter_stream) {
                Ok(r) => r,
                Err(e) => {
                    self.error(&shown, "kubectl", &format!("did not start: {e}"));
                    commands.push(CommandRecord {
                        argv,
                        exit_status: None,
                        duration_ms: 0,
                        stdout_member: None,
                        error: Some(format!("did not start: {e}")),
                    });
                    return None;
                }
            };
        let done = running.wait();
        let mut error = done.error.clone();
        let mut dump = None;
        match done.output {
            Some(Ok(filtered)) if done.exit_status == Some(0) || filtered.stats.items > 0 => {
                self.redacted += filtered.stats.redacted;
                match self.writer.add(cluster::MEMBER, filtered.json) {
                    Ok(()) => {
                        dump = Some(ClusterDump {
                            source: "kubectl".to_string(),
                            member: cluster::MEMBER.to_string(),
                            kinds: cluster::KINDS.iter().map(|k| k.to_string()).collect(),
                        })
                    }
                    Err(e) => error = Some(e.to_string()),
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                if error.is_none() {
                    error = Some(e.to_string());
                }
            }
            None => {
                if error.is_none() {
                    error = Some("no output".to_string());
                }
            }
        }
        if let Some(e) = &error {
            self.error(&shown, "kubectl", e);
        }
        commands.push(CommandRecord {
            argv,
            exit_status: done.exit_status,
            duration_ms: done.duration_ms,
            stdout_member: None,
            error,
        });
        dump
    }
}

/// The hint a symlink passes to its target: what the link's own name and
/// hint would make of a file (a link named `ca.key` or `token` keeps its
/// target withheld, a link named `admin.conf` makes its target configuration).
fn link_hint(link: &str, hint: Hint) -> Hint {
    match capture::decide(link, hint) {
        capture::Decision::MetadataOnly(r) => Hint::MetadataOnly(r),
        capture::Decision::HashOnly(r) if r == capture::REASON_BINARY => Hint::Binary,
        capture::Decision::HashOnly(r) if r == capture::REASON_NOT_CONFIG => hint,
        capture::Decision::HashOnly(r) => Hint::Withhold(r),
        capture::Decision::Capture { cert_only: true } => Hint::CertOrKey,
        capture::Decision::Capture { cert_only: false } => Hint::Config,
    }
}

/// A flag name as written on a command line: `-c`, `--config`.
fn flag_shown(name: &str) -> String {
    if name.chars().count() == 1 {
        format!("-{name}")
    } else {
        format!("--{name}")
    }
}

/// An executable named `name` in `$PATH` (of the collecting machine: live only).
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if let Ok(meta) = std::fs::metadata(&candidate) {
            if meta.is_file() && meta.mode() & 0o111 != 0 {
                return Some(candidate);
            }
        }
    }
    None
}

/// A file type as words, for error messages.
fn file_type_name(t: FileType) -> &'static str {
    match t {
        FileType::File => "regular file",
        FileType::Dir => "directory",
        FileType::Symlink => "symbolic link",
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::Char => "character device",
        FileType::Block => "block device",
        FileType::Unknown => "special file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_751_782), "2026-11-27T03:56:22Z");
        assert_eq!(compact_time(1_795_751_782), "20261127T035622Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
