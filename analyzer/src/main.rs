//! `kstig`: verify signed node evidence bundles and assess them against the
//! DISA Kubernetes STIG.

use analyzer::commands::{self, exit, AnalyzeOptions};
use clap::{Parser, Subcommand};
use collector::bundle::Limits;
use std::io::IsTerminal;
use std::path::PathBuf;

const WORKFLOW: &str = "\
Workflow:
  1. kstig keygen --private signing.key --public signing.pub   (once, on the workstation)
  2. on every node: kstig-collect --key signing.key --out /media/usb   (see kstig-collect --help)
  3. kstig verify --trust signing.pub /media/usb
  4. kstig analyze --trust signing.pub --benchmark U_Kubernetes_V2R6_STIG.zip --out results/ /media/usb
     -> results/results.json and one checklist per node plus the cluster roll-up
Exit codes: 0 ok (analyze: no open finding), 1 error, 2 usage, 3 open findings present, 4 bundle(s) refused.";

#[derive(Parser)]
#[command(name = "kstig", version, about = "Kubernetes DISA STIG assessment from signed node evidence bundles", after_help = WORKFLOW)]
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
    /// Generate an Ed25519 signing key pair for kstig-collect.
    Keygen {
        /// Private key to create (PKCS#8 PEM, mode 0600). Never overwritten.
        #[arg(long)]
        private: PathBuf,
        /// Public key to create (SPKI PEM): give it to `--trust`.
        #[arg(long)]
        public: PathBuf,
    },
    /// Verify bundles: structure, signature against trusted keys, every member's hash.
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
    /// Verify and assess bundles; write results.json and checklists into --out.
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
        /// No progress or summary on the terminal.
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
    /// List the rules with their STIG ID, severity and how kstig decides them.
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
            let tty = std::io::stderr().is_terminal() && !opts.quiet;
            let outcome = commands::analyze(&opts, |i, n, p| {
                if tty {
                    let width = 30;
                    let done = (i * width).checked_div(n).unwrap_or(width);
                    eprint!(
                        "\r[{}{}] {i}/{n} {}\x1b[K",
                        "#".repeat(done),
                        " ".repeat(width - done),
                        p.display()
                    );
                    if i == n {
                        eprintln!();
                    }
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
                print!("{}", commands::summary_table(&outcome));
                println!(
                    "wrote {} file(s) to {}",
                    outcome.written.len(),
                    opts.out.display()
                );
            }
            Ok(outcome.exit_code())
        }
    }
}
