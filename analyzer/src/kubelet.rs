//! The kubelet's effective configuration, as kubelet itself builds it:
//! built-in defaults, then the `--config` file, then the `--config-dir`
//! drop-ins (`*.conf`, sorted), then command-line flags, which win.
//!
//! Several STIG rules make the mere presence of a kubelet flag a finding
//! even when its value is compliant, so "set by flag" and "set by file" stay
//! distinct here: [`Kubelet::flag`] and [`Kubelet::config_value`].

use crate::evidence::{Distro, Node};
use crate::flags::{split_words, Flag, FlagSet, Source};
use crate::yaml;
use serde_json::Value;
use std::collections::BTreeMap;

/// One config source (the `--config` file or a drop-in), parsed.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub path: String,
    pub text: String,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Kubelet {
    /// Pids of running kubelet processes.
    pub pids: Vec<u32>,
    /// The command-line flags the kubelet runs with: the running process's
    /// argv when there is one, else k3s `kubelet-arg`s, else the command line
    /// rebuilt from the systemd unit and its environment files.
    pub flags: FlagSet,
    /// Where `flags` came from, for details.
    pub flags_origin: String,
    /// Flags written in systemd unit files, drop-ins and env files (whether or
    /// not a process runs), for the rules that name them.
    pub unit_flags: FlagSet,
    /// `--config` path in effect (None: kubelet runs without a config file).
    pub config_path: Option<String>,
    /// `--config-dir` in effect.
    pub config_dir: Option<String>,
    /// The config file then the drop-ins, in merge order.
    pub sources: Vec<ConfigSource>,
    /// All sources merged.
    pub config: Value,
    /// Problems: config file named but not captured, unparseable YAML, ...
    pub problems: Vec<String>,
    /// The kubelet runs inside the k3s process, which passes built-in flags
    /// that no file or argv in the evidence shows: an absent setting cannot be judged.
    pub embedded: bool,
}

/// An effective kubelet setting and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Flag(Flag),
    Config { value: Value, source: Source },
    Absent,
}

impl Setting {
    /// The value as text, when set.
    pub fn text(&self) -> Option<String> {
        match self {
            Setting::Flag(f) => Some(f.value_or_true().to_string()),
            Setting::Config { value, .. } => {
                yaml::scalar(value).or_else(|| Some(value.to_string()))
            }
            Setting::Absent => None,
        }
    }

    pub fn cite(&self, flag: &str, key: &str) -> String {
        match self {
            Setting::Flag(f) => format!("flag {}", f.cite()),
            Setting::Config { value, source } => format!(
                "config {key}: {} ({source})",
                yaml::scalar(value).unwrap_or_else(|| value.to_string())
            ),
            Setting::Absent => format!("neither flag --{flag} nor config key {key} is set"),
        }
    }
}

/// Kubelet systemd unit names and the directories that hold them.
const UNIT_DIRS: [&str; 4] = [
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
    "/etc/systemd/system",
    "/run/systemd/system",
];

/// Environment files the kubeadm packages' kubelet units read.
pub const ENV_FILES: [&str; 3] = [
    "/var/lib/kubelet/kubeadm-flags.env",
    "/etc/default/kubelet",
    "/etc/sysconfig/kubelet",
];

impl Kubelet {
    /// Build the kubelet model; `None` when the node shows no kubelet at all.
    pub fn build(node: &Node) -> Option<Kubelet> {
        let procs = node.processes("kubelet");
        let pids: Vec<u32> = procs.iter().map(|p| p.pid).collect();
        let mut problems = Vec::new();
        let (unit_flags, unit_origin) = unit_command_line(node, &mut problems);

        let (flags, flags_origin) = if let Some(p) = procs.first() {
            let pid = p.pid;
            (
                FlagSet::parse(&p.argv, |index| Source::Process { pid, index }),
                format!("running kubelet pid {pid}"),
            )
        } else if node.distro == Distro::K3s {
            let server = node
                .processes("k3s-server")
                .into_iter()
                .chain(node.processes("k3s-agent"))
                .next();
            match server {
                Some(s) => {
                    let (f, probs) = node.distro_arg_flags(s, "kubelet-arg");
                    problems.extend(probs);
                    (
                        f,
                        format!("k3s pid {} kubelet-arg (kubelet runs inside k3s)", s.pid),
                    )
                }
                None => (unit_flags.clone(), unit_origin.clone()),
            }
        } else {
            (unit_flags.clone(), unit_origin.clone())
        };

        let mut config_path = flags.get("config").and_then(|f| f.value.clone());
        let config_dir = flags
            .get("config-dir")
            .and_then(|f| f.value.clone())
            .or_else(|| {
                // k3s >= 1.29 writes its kubelet defaults as a drop-in here.
                (node.distro == Distro::K3s)
                    .then(|| "/var/lib/rancher/k3s/agent/etc/kubelet.conf.d".to_string())
                    .filter(|d| !node.files_in(d).is_empty())
            });
        let nothing_running =
            procs.is_empty() && unit_flags.is_empty() && node.distro != Distro::K3s;
        if config_path.is_none()
            && nothing_running
            && node.file("/var/lib/kubelet/config.yaml").is_some()
        {
            // A mounted image without process evidence: kubeadm's default path.
            config_path = Some("/var/lib/kubelet/config.yaml".into());
            problems.push(
                "no kubelet process or unit command line in the evidence; assumed kubeadm's config file /var/lib/kubelet/config.yaml".into(),
            );
        }
        if procs.is_empty()
            && unit_flags.is_empty()
            && config_path.is_none()
            && node.distro != Distro::K3s
        {
            return None;
        }

        let mut sources = Vec::new();
        if let Some(path) = &config_path {
            match node.content(path) {
                Some(text) => match yaml::parse(text) {
                    Ok(value) => sources.push(ConfigSource {
                        path: path.clone(),
                        text: text.to_string(),
                        value,
                    }),
                    Err(e) => problems.push(format!("{path}: cannot parse kubelet config: {e}")),
                },
                None => problems.push(match node.file(path) {
                    Some(_) => format!("{path}: kubelet config file content was not captured"),
                    None => format!(
                        "{path}: kubelet config file named by --config is not in the bundle"
                    ),
                }),
            }
        }
        if let Some(dir) = &config_dir {
            for rec in node.files_in(dir) {
                if !rec.path.ends_with(".conf") {
                    continue;
                }
                match node.text_of(rec) {
                    Some(text) => match yaml::parse(text) {
                        Ok(value) => sources.push(ConfigSource {
                            path: rec.path.clone(),
                            text: text.to_string(),
                            value,
                        }),
                        Err(e) => problems
                            .push(format!("{}: cannot parse kubelet drop-in: {e}", rec.path)),
                    },
                    None => {
                        problems.push(format!("{}: drop-in content was not captured", rec.path))
                    }
                }
            }
        }
        let mut config = Value::Object(Default::default());
        for s in &sources {
            yaml::merge(&mut config, &s.value);
        }
        let embedded = procs.is_empty() && node.distro == Distro::K3s;
        Some(Kubelet {
            embedded,
            pids,
            flags,
            flags_origin,
            unit_flags,
            config_path,
            config_dir,
            sources,
            config,
            problems,
        })
    }

    /// The effective command-line flag, if given.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.get(name)
    }

    /// A flag given on the command line or in the unit files / env files.
    pub fn flag_anywhere(&self, name: &str) -> Option<&Flag> {
        self.flags.get(name).or_else(|| self.unit_flags.get(name))
    }

    /// A config key's merged value and the source (last file setting it) with line.
    pub fn config_value(&self, path: &[&str]) -> Option<(Value, Source)> {
        for s in self.sources.iter().rev() {
            if let Some(v) = yaml::get(&s.value, path) {
                let key = path.last().copied().unwrap_or_default();
                return Some((
                    v.clone(),
                    Source::File {
                        path: s.path.clone(),
                        line: yaml::key_line(&s.text, key),
                    },
                ));
            }
        }
        None
    }

    /// True when a config file was actually read.
    pub fn has_config(&self) -> bool {
        !self.sources.is_empty()
    }

    /// The effective setting: flag wins over config.
    pub fn setting(&self, flag: &str, path: &[&str]) -> Setting {
        if let Some(f) = self.flag(flag) {
            return Setting::Flag(f.clone());
        }
        match self.config_value(path) {
            Some((value, source)) => Setting::Config { value, source },
            None => Setting::Absent,
        }
    }

    /// One line saying how the configuration was assembled, for details.
    pub fn describe(&self) -> String {
        let mut s = format!("kubelet flags from {}", self.flags_origin);
        match &self.config_path {
            Some(p) => s.push_str(&format!("; --config {p}")),
            None => s.push_str("; no --config file"),
        }
        if let Some(d) = &self.config_dir {
            s.push_str(&format!("; --config-dir {d}"));
        }
        let dropins = self
            .sources
            .iter()
            .skip(usize::from(self.config_path.is_some()))
            .count();
        if dropins > 0 {
            s.push_str(&format!(" ({dropins} drop-in(s))"));
        }
        for p in &self.problems {
            s.push_str(&format!("; NOTE: {p}"));
        }
        s
    }
}

/// Rebuild the kubelet command line from systemd: the last `ExecStart=` of
/// `kubelet.service` and its drop-ins, with `$VAR`/`${VAR}` expanded from
/// `Environment=` lines and `EnvironmentFile=` files.
fn unit_command_line(node: &Node, problems: &mut Vec<String>) -> (FlagSet, String) {
    // Unit file: the first of /etc, /run, /usr/lib, /lib that exists (systemd precedence).
    let unit = [
        "/etc/systemd/system",
        "/run/systemd/system",
        "/usr/lib/systemd/system",
        "/lib/systemd/system",
    ]
    .iter()
    .map(|d| format!("{d}/kubelet.service"))
    .find(|p| node.content(p).is_some());
    let mut files: Vec<String> = unit.iter().cloned().collect();
    let mut dropins: BTreeMap<String, String> = BTreeMap::new();
    for d in UNIT_DIRS {
        for rec in node.files_in(&format!("{d}/kubelet.service.d")) {
            if rec.path.ends_with(".conf") {
                let name = rec.path.rsplit('/').next().unwrap_or_default().to_string();
                // Same-named drop-ins in later (higher-priority) dirs replace earlier ones.
                dropins.insert(name, rec.path.clone());
            }
        }
    }
    files.extend(dropins.into_values());
    if files.is_empty() {
        return (FlagSet::default(), "no kubelet systemd unit".into());
    }
    let mut env: BTreeMap<String, (String, Source)> = BTreeMap::new();
    let mut exec: Option<(String, String, usize)> = None;
    let mut env_files: Vec<String> = Vec::new();
    for path in &files {
        let Some(text) = node.content(path) else {
            continue;
        };
        for (i, raw) in join_continuations(text) {
            let line = raw.trim();
            if let Some(v) = line.strip_prefix("Environment=") {
                for w in split_words(v) {
                    if let Some((k, val)) = w.split_once('=') {
                        env.insert(
                            k.to_string(),
                            (
                                val.to_string(),
                                Source::File {
                                    path: path.clone(),
                                    line: Some(i),
                                },
                            ),
                        );
                    }
                }
            } else if let Some(v) = line.strip_prefix("EnvironmentFile=") {
                env_files.push(v.trim().trim_start_matches('-').to_string());
            } else if let Some(v) = line.strip_prefix("ExecStart=") {
                if v.trim().is_empty() {
                    exec = None;
                } else {
                    exec = Some((v.to_string(), path.clone(), i));
                }
            }
        }
    }
    for f in &env_files {
        let Some(text) = node.content(f) else {
            continue;
        };
        for (i, raw) in join_continuations(text) {
            let line = raw.trim();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|x| x.strip_suffix('"'))
                    .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                    .unwrap_or(v);
                env.insert(
                    k.trim().to_string(),
                    (
                        v.to_string(),
                        Source::File {
                            path: f.clone(),
                            line: Some(i),
                        },
                    ),
                );
            }
        }
    }
    let Some((cmd, path, line)) = exec else {
        problems.push("kubelet unit has no ExecStart".into());
        return (
            FlagSet::default(),
            "kubelet systemd unit (no ExecStart)".into(),
        );
    };
    let mut args: Vec<String> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    for w in split_words(&cmd) {
        let name = w
            .trim_start_matches('$')
            .trim_start_matches('{')
            .trim_end_matches('}');
        if w.starts_with('$') {
            if let Some((val, src)) = env.get(name) {
                for part in split_words(val) {
                    args.push(part);
                    sources.push(src.clone());
                }
            }
        } else {
            args.push(w);
            sources.push(Source::File {
                path: path.clone(),
                line: Some(line),
            });
        }
    }
    let flags = FlagSet::parse(&args, |i| {
        sources.get(i).cloned().unwrap_or(Source::File {
            path: path.clone(),
            line: Some(line),
        })
    });
    (
        flags,
        format!("systemd unit {path} ExecStart and its environment"),
    )
}

/// Lines with `\` continuations joined, numbered by their first line (1-based).
fn join_continuations(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, l) in text.lines().enumerate() {
        if cur.is_empty() {
            start = i + 1;
        }
        if let Some(body) = l.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
        } else {
            cur.push_str(l);
            out.push((start, std::mem::take(&mut cur)));
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations() {
        let j = join_continuations("a=1\nExecStart=/x \\\n  --y=2\nz");
        assert_eq!(j.len(), 3);
        assert_eq!(j[1].0, 2);
        assert!(j[1].1.contains("--y=2"));
    }
}
