//! `kstig`: verify signed node evidence bundles and assess them against the
//! DISA Kubernetes STIG.

use analyzer::commands::{self, exit, AnalyzeOptions};
use analyzer::diff;
use clap::{Parser, Subcommand};
use collector::bundle::Limits;
use std::io::IsTerminal;
use std::path::PathBuf;

const ABOUT: &str = "Kubernetes DISA STIG assessment from signed node evidence bundles";

const WORKFLOW: &str = "\
Workflow (node side: kstig-collect, one static binary; see kstig-collect --help):
  1. kstig keygen --private signing.key --public signing.pub      once, on the workstation
  2. kstig-collect --key signing.key --out /media/usb               on every node, as root
  3. kstig verify --trust signing.pub /media/usb                    back at the workstation
  4. kstig analyze --trust signing.pub --benchmark U_Kubernetes_V2R6_STIG.zip --out results /media/usb
       -> results/report.html, results.json, one .ckl/.cklb/.xccdf.xml per node, cluster.*
  5. kstig diff last-quarter/ results/                              what became Open, what was fixed

Exit codes: 0 ok; 1 error (the message names the file); 2 usage;
  3 analysis complete, open findings present (diff: something became Open);
  4 bundle(s) refused (verify / analyze).
Guides: docs/assessor-guide.md, docs/auditor-guide.md, docs/cli.md";

#[derive(Parser)]
#[command(name = "kstig", version, about = ABOUT, after_help = WORKFLOW)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct LimitArgs {
    /// Largest compressed bundle accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_compressed)]
    max_bundle_size: u64,
    /// Largest total decompressed size of a bundle, in bytes.
    #[arg(long, default_value_t = Limits::default().max_decompressed)]
    max_decompressed_size: u64,
    /// Most members in a bundle.
    #[arg(long, default_value_t = Limits::default().max_members)]
    max_members: usize,
    /// Largest single member, in bytes.
    #[arg(long, default_value_t = Limits::default().max_member_size)]
    max_member_size: u64,
    /// Largest manifest.json, in bytes.
    #[arg(long, default_value_t = Limits::default().max_manifest_size)]
    max_manifest_size: u64,
    /// Deepest nesting of arrays and objects in manifest.json (at most 128).
    #[arg(long, default_value_t = Limits::default().max_manifest_depth)]
    max_manifest_depth: usize,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_compressed: self.max_bundle_size,
            max_decompressed: self.max_decompressed_size,
            max_members: self.max_members,
            max_member_size: self.max_member_size,
            max_manifest_size: self.max_manifest_size,
            max_manifest_depth: self.max_manifest_depth,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Make the signing key pair (once; kstig-collect signs bundles with the private key).
    Keygen {
        /// Private key to create (PKCS#8 PEM, mode 0600). Never overwritten.
        #[arg(long)]
        private: PathBuf,
        /// Public key to create (SPKI PEM): give it to `--trust`.
        #[arg(long)]
        public: PathBuf,
    },
    /// Check bundles brought back from the nodes: signature against trusted keys, every member's hash.
    Verify {
        /// Trusted public key file, or a folder of *.pub keys (repeatable).
        #[arg(long, required = true)]
        trust: Vec<PathBuf>,
        /// Bundle files or folders holding *.kstig.tar.gz.
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Verify and assess bundles: report.html, results.json and checklists per node into --out.
    Analyze {
        /// Trusted public key file, or a folder of *.pub keys (repeatable).
        #[arg(long)]
        trust: Vec<PathBuf>,
        /// DISA benchmark: the STIG zip, a library zip holding it, the manual XCCDF or the SCAP data stream.
        #[arg(long)]
        benchmark: Option<PathBuf>,
        /// Output folder (created when missing; only kstig's own files in it are replaced).
        #[arg(long)]
        out: PathBuf,
        /// Analyze bundles whose signature does not verify; their results are marked untrusted.
        #[arg(long)]
        allow_untrusted: bool,
        /// No progress bar, summary or warnings (errors and refused bundles still go to stderr).
        #[arg(long)]
        quiet: bool,
        /// Print results.json to standard output instead of the summary.
        #[arg(long)]
        json: bool,
        /// Earlier .ckl/.cklb checklists (or folders) whose manual entries are carried
        /// forward; HOST=FILE for a checklist that names no host (repeatable).
        #[arg(long, value_name = "FILE_OR_DIR|HOST=FILE")]
        previous: Vec<String>,
        /// Classification marking written into the checklists (for example CUI).
        #[arg(long, default_value = "")]
        marking: String,
        /// Cluster dump exported by hand (`kubectl get ... -A -o json`); default: the newest bundle's.
        #[arg(long)]
        cluster_json: Option<PathBuf>,
        /// Recorded decisions for rules a person decides (YAML, schemas/answers.schema.json).
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Bundle files or folders holding *.kstig.tar.gz.
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Compare two analyses: rules that became Open or were fixed, per node.
    Diff {
        /// The earlier analysis: its --out folder or its results.json.
        old: PathBuf,
        /// The later analysis: its --out folder or its results.json.
        new: PathBuf,
        /// Print the comparison as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the STIG rules with their severity and how kstig decides each.
    Rules {
        /// DISA benchmark to list (default: the built-in V2R6 catalogue).
        #[arg(long)]
        benchmark: Option<PathBuf>,
        /// Markdown table (docs/coverage.md).
        #[arg(long)]
        markdown: bool,
    },
}

fn main() {
    // A file size limit (ulimit -f) must fail the write, not kill the run
    // before its temporary files are removed.
    // SAFETY: setting a signal to SIG_IGN has no handler to race with.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kstig: {e}");
            exit::ERROR
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32, commands::CliError> {
    match cli.command {
        Command::Keygen { private, public } => {
            let fp = commands::keygen(&private, &public)?;
            println!(
                "created {} (private, keep it on the collection media only) and {}",
                private.display(),
                public.display()
            );
            println!("fingerprint sha256:{fp}");
            Ok(exit::OK)
        }
        Command::Verify {
            trust,
            bundles,
            limits,
        } => {
            let ok = commands::verify(&trust, &bundles, &limits.limits())?;
            Ok(if ok { exit::OK } else { exit::REFUSED })
        }
        Command::Diff { old, new, json } => {
            let (old_path, old_doc) = diff::load(&old)?;
            let (new_path, new_doc) = diff::load(&new)?;
            let d = diff::compare(&old_path, &old_doc, &new_path, &new_doc);
            if json {
                let text = serde_json::to_string_pretty(&d)
                    .map_err(|e| commands::CliError(format!("cannot render the diff: {e}")))?;
                println!("{text}");
            } else {
                print!(
                    "{}",
                    diff::render(&d, use_color(std::io::stdout().is_terminal()))
                );
            }
            Ok(d.exit_code())
        }
        Command::Rules {
            benchmark,
            markdown,
        } => {
            let b = commands::load_benchmark(benchmark.as_deref())?;
            print!("{}", commands::rules_listing(&b, markdown));
            Ok(exit::OK)
        }
        Command::Analyze {
            trust,
            benchmark,
            out,
            allow_untrusted,
            quiet,
            json,
            previous,
            marking,
            cluster_json,
            answers,
            bundles,
            limits,
        } => {
            if trust.is_empty() && !allow_untrusted {
                return Err(commands::CliError(
                    "--trust KEY_OR_DIR is required (or --allow-untrusted)".into(),
                ));
            }
            let opts = AnalyzeOptions {
                trust,
                benchmark,
                out,
                bundles,
                allow_untrusted,
                limits: limits.limits(),
                quiet: quiet || json,
                previous,
                marking,
                cluster_json,
                answers,
            };
            let bar = std::io::stderr().is_terminal() && !opts.quiet;
            let outcome = commands::analyze(&opts, |i, n, p| {
                if bar {
                    progress_bar(i, n, p);
                }
            })?;
            for (b, r) in &outcome.refused {
                eprintln!("kstig: {}: refused: {r}", analyzer::safety::one_line(b));
            }
            if json {
                let path = opts.out.join("results.json");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| commands::CliError(format!("{}: {e}", path.display())))?;
                print!("{text}");
            } else if !opts.quiet {
                let color = use_color(std::io::stdout().is_terminal());
                print!("{}", commands::summary_table(&outcome, color));
                println!(
                    "wrote {} file(s) to {}; open {} in a browser",
                    outcome.written.len(),
                    opts.out.display(),
                    opts.out.join("report.html").display()
                );
            }
            Ok(outcome.exit_code())
        }
    }
}

/// Colour on a terminal unless `NO_COLOR` is set (https://no-color.org) or
/// the terminal is dumb.
fn use_color(is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    is_terminal && !no_color && !dumb
}

/// One line on stderr, redrawn in place: `[#####     ] 3/40 k8s-cp-01_....kstig.tar.gz`.
fn progress_bar(i: usize, n: usize, path: &std::path::Path) {
    let width = 30;
    let done = (i * width).checked_div(n).unwrap_or(width);
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = name.chars().take(50).collect();
    eprint!(
        "\r[{}{}] {i}/{n} {name}\x1b[K",
        "#".repeat(done),
        " ".repeat(width - done),
    );
    if i == n {
        eprintln!();
    }
}
