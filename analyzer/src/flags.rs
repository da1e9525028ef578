//! Command-line flags of Kubernetes components, with provenance.
//!
//! Go's pflag accepts `--name=value` and `--name value` (and one dash as
//! well); boolean flags take a value only with `=`. A repeated flag: the
//! last one wins. Comma lists are split by the rules that need them.

use std::fmt;

/// Where a configuration value came from, for citing it in finding details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A running process's argv (`index` into argv).
    Process { pid: u32, index: usize },
    /// A file (static pod manifest, config file, env file, unit file), 1-based line when known.
    File { path: String, line: Option<usize> },
    /// A distribution config list entry (`kube-apiserver-arg` in RKE2/k3s config.yaml).
    DistroArg {
        path: String,
        key: String,
        line: Option<usize>,
    },
    /// A built-in default of the component.
    Default { what: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Process { pid, index } => write!(f, "pid {pid} argv[{index}]"),
            Source::File {
                path,
                line: Some(l),
            } => write!(f, "{path}:{l}"),
            Source::File { path, line: None } => write!(f, "{path}"),
            Source::DistroArg {
                path,
                key,
                line: Some(l),
            } => write!(f, "{path}:{l} ({key})"),
            Source::DistroArg {
                path,
                key,
                line: None,
            } => write!(f, "{path} ({key})"),
            Source::Default { what } => write!(f, "default ({what})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Name without dashes (`tls-min-version`).
    pub name: String,
    /// `None` for a bare boolean flag (`--profiling`), which means `true`.
    pub value: Option<String>,
    pub source: Source,
}

impl Flag {
    /// The value as pflag reads it: a bare boolean flag is `true`.
    pub fn value_or_true(&self) -> &str {
        self.value.as_deref().unwrap_or("true")
    }

    /// `--name=value (source)` for finding details.
    pub fn cite(&self) -> String {
        match &self.value {
            Some(v) => format!("--{}={} ({})", self.name, v, self.source),
            None => format!("--{} ({})", self.name, self.source),
        }
    }
}

/// Flags known to be boolean in the Kubernetes components and etcd: they never
/// consume the next argument as their value.
const BOOLEAN_FLAGS: &[&str] = &[
    "anonymous-auth",
    "profiling",
    "auto-tls",
    "peer-auto-tls",
    "client-cert-auth",
    "peer-client-cert-auth",
    "use-service-account-credentials",
    "rotate-certificates",
    "rotate-server-certificates",
    "protect-kernel-defaults",
    "allow-privileged",
    "enable-bootstrap-token-auth",
    "insecure-skip-tls-verify",
    "experimental-initial-corrupt-check",
    "fail-swap-on",
    "make-iptables-util-chains",
    "serialize-image-pulls",
    "enable-server",
    "enable-debugging-handlers",
    "enable-aggregator-routing",
    "service-account-lookup",
    "kubelet-certificate-authority-verify",
    "v",
    "logtostderr",
    "alsologtostderr",
    "strict-transport-security",
    "enable-garbage-collector",
    "leader-elect",
    "help",
    "version",
];

/// An ordered list of flags from one source (a process, a manifest container,
/// an env file); later entries win.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagSet {
    pub flags: Vec<Flag>,
}

impl FlagSet {
    /// Parse argument strings; `source_of(i)` gives the provenance of argument `i`.
    pub fn parse<S: AsRef<str>>(args: &[S], source_of: impl Fn(usize) -> Source) -> FlagSet {
        let mut flags = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_ref();
            let body = if let Some(b) = arg.strip_prefix("--") {
                b
            } else if let Some(b) = arg.strip_prefix('-') {
                if b.is_empty() || b.starts_with(|c: char| c.is_ascii_digit()) {
                    i += 1;
                    continue;
                }
                b
            } else {
                i += 1;
                continue;
            };
            if body.is_empty() {
                // "--" ends flag parsing.
                break;
            }
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => {
                    let takes_next = !BOOLEAN_FLAGS.contains(&body)
                        && i + 1 < args.len()
                        && !args[i + 1].as_ref().starts_with('-');
                    if takes_next {
                        let v = args[i + 1].as_ref().to_string();
                        flags.push(Flag {
                            name: body.to_string(),
                            value: Some(v),
                            source: source_of(i),
                        });
                        i += 2;
                        continue;
                    }
                    (body.to_string(), None)
                }
            };
            flags.push(Flag {
                name,
                value,
                source: source_of(i),
            });
            i += 1;
        }
        FlagSet { flags }
    }

    /// The effective (last) occurrence of a flag.
    pub fn get(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// Every occurrence, in order.
    pub fn all(&self, name: &str) -> Vec<&Flag> {
        self.flags.iter().filter(|f| f.name == name).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn extend(&mut self, other: FlagSet) {
        self.flags.extend(other.flags);
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }
}

/// Split a comma list (`Node,RBAC`), trimming blanks.
pub fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parse `--feature-gates` (`A=true,B=false`) into (gate, value) pairs, last wins.
pub fn feature_gates(value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for item in list(value) {
        let (k, v) = match item.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_ascii_lowercase()),
            None => (item.clone(), "true".to_string()),
        };
        out.retain(|(kk, _)| *kk != k);
        out.push((k, v));
    }
    out
}

/// Split a shell-ish command line (systemd `ExecStart`, env file values) into
/// words, honouring single and double quotes and backslash escapes.
pub fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'') | (None, '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    if n != '\n' {
                        cur.push(n);
                        in_word = true;
                    }
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Parse a Go duration (`5m`, `5m0s`, `300s`, `4h0m0s`, `1.5h`) into seconds.
pub fn go_duration_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    if s == "0" {
        return Some(0.0);
    }
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_end..];
    }
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> FlagSet {
        FlagSet::parse(args, |i| Source::Process { pid: 1, index: i })
    }

    #[test]
    fn forms_and_last_wins() {
        let f = p(&[
            "kube-apiserver",
            "--a=1",
            "--b",
            "2",
            "--profiling",
            "--c",
            "--a=3",
            "-v=2",
        ]);
        assert_eq!(f.get("a").unwrap().value.as_deref(), Some("3"));
        assert_eq!(f.get("b").unwrap().value.as_deref(), Some("2"));
        assert_eq!(f.get("profiling").unwrap().value_or_true(), "true");
        assert_eq!(f.get("c").unwrap().value, None);
        assert_eq!(f.all("a").len(), 2);
        assert_eq!(f.get("v").unwrap().value.as_deref(), Some("2"));
        assert_eq!(
            f.get("a").unwrap().source,
            Source::Process { pid: 1, index: 6 }
        );
    }

    #[test]
    fn boolean_does_not_eat_next() {
        let f = p(&["x", "--anonymous-auth", "false"]);
        assert_eq!(f.get("anonymous-auth").unwrap().value_or_true(), "true");
    }

    #[test]
    fn gates_and_lists() {
        assert_eq!(list(" Node, RBAC,,"), vec!["Node", "RBAC"]);
        let g = feature_gates("AllAlpha=true,PodSecurity=TRUE,AllAlpha=false");
        assert_eq!(
            g,
            vec![
                ("PodSecurity".to_string(), "true".to_string()),
                ("AllAlpha".to_string(), "false".to_string())
            ]
        );
    }

    #[test]
    fn words() {
        assert_eq!(
            split_words(r#"/usr/bin/kubelet $KUBELET_ARGS --x="a b" 'c d' e\ f"#),
            vec!["/usr/bin/kubelet", "$KUBELET_ARGS", "--x=a b", "c d", "e f"]
        );
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration_secs("5m"), Some(300.0));
        assert_eq!(go_duration_secs("4h0m0s"), Some(14400.0));
        assert_eq!(go_duration_secs("300s"), Some(300.0));
        assert_eq!(go_duration_secs("0"), Some(0.0));
        assert_eq!(go_duration_secs("0s"), Some(0.0));
        assert_eq!(go_duration_secs("1.5h"), Some(5400.0));
        assert_eq!(go_duration_secs("5"), None);
        assert_eq!(go_duration_secs("abc"), None);
        assert_eq!(go_duration_secs(""), None);
    }
}
