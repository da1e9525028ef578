//! Carry an assessor's manual entries forward from earlier checklists
//! (`--previous FILE_OR_DIR`, or `--previous HOST=FILE` for a checklist that
//! names no host, like STIG Viewer files often do).
//!
//! - A rule kstig cannot decide (Not_Reviewed) takes the earlier status and
//!   the assessor's comment.
//! - An automated verdict is never silently replaced: it stands, and when
//!   the earlier checklist disagrees the comment records the earlier status.
//! - Comments, severity overrides and justifications are kept.

use crate::model::{Assessment, Status};
use crate::previous::{self, PreviousChecklist, PreviousEntry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Earlier checklists, by host name.
#[derive(Debug, Default)]
pub struct Previous {
    by_host: BTreeMap<String, Vec<PreviousChecklist>>,
}

/// One `--previous` argument: `FILE_OR_DIR` or `HOST=FILE_OR_DIR`.
pub fn parse_arg(arg: &str) -> (Option<String>, PathBuf) {
    if let Some((host, path)) = arg.split_once('=') {
        if !host.is_empty() && !host.contains('/') && !Path::new(arg).exists() {
            return (Some(host.to_string()), PathBuf::from(path));
        }
    }
    (None, PathBuf::from(arg))
}

impl Previous {
    /// Load every `.ckl` / `.cklb` named (directories: their `*.ckl`, `*.cklb`).
    /// Only Kubernetes STIGs are kept. A checklist without a host name needs `HOST=FILE`.
    pub fn load(args: &[String]) -> Result<Previous, String> {
        let mut p = Previous::default();
        for arg in args {
            let (host, path) = parse_arg(arg);
            let files: Vec<PathBuf> = if path.is_dir() {
                let mut v: Vec<PathBuf> = std::fs::read_dir(&path)
                    .map_err(|e| format!("{}: cannot list: {e}", path.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x == "ckl" || x == "cklb"))
                    .collect();
                v.sort();
                v
            } else {
                vec![path.clone()]
            };
            for f in files {
                for cl in previous::read(&f).map_err(|e| e.to_string())? {
                    if !cl.is_kubernetes() {
                        continue;
                    }
                    let name = match (&host, cl.host_name.trim()) {
                        (Some(h), _) => h.clone(),
                        (None, "") => {
                            return Err(format!(
                                "{}: this checklist names no host; say which node it belongs to with --previous HOST={}",
                                f.display(),
                                f.display()
                            ))
                        }
                        (None, h) => h.to_string(),
                    };
                    p.by_host.entry(name).or_default().push(cl);
                }
            }
        }
        Ok(p)
    }

    pub fn is_empty(&self) -> bool {
        self.by_host.is_empty()
    }

    /// Hosts with earlier checklists.
    pub fn hosts(&self) -> Vec<&str> {
        self.by_host.keys().map(String::as_str).collect()
    }

    fn entry(
        &self,
        host: &str,
        stig_id: &str,
        vuln_id: &str,
    ) -> Option<(&PreviousChecklist, &PreviousEntry)> {
        for cl in self.by_host.get(host)? {
            let e = cl
                .entries
                .iter()
                .find(|e| !stig_id.is_empty() && e.stig_id.trim() == stig_id)
                .or_else(|| {
                    cl.entries
                        .iter()
                        .find(|e| !vuln_id.is_empty() && e.vuln_id.trim() == vuln_id)
                });
            if let Some(e) = e {
                return Some((cl, e));
            }
        }
        None
    }

    /// Apply earlier entries to an assessment; returns how many rules took something.
    pub fn apply(&self, a: &mut Assessment) -> usize {
        let host = a.target.host_name.clone();
        let mut n = 0;
        for r in &mut a.results {
            let Some((cl, e)) = self.entry(&host, &r.stig_id, &r.vuln_id) else {
                continue;
            };
            let src = cl.source.display().to_string();
            let mut touched = false;
            let earlier_comment = strip_generated(&e.comments, &r.comments);
            match (r.status, e.status) {
                (Status::NotReviewed, Some(prev)) if prev != Status::NotReviewed => {
                    r.status = prev;
                    r.details = format!(
                        "Status {} carried forward from the assessor's entry in {src}.\n{}",
                        prev.as_ckl(),
                        r.details
                    );
                    touched = true;
                }
                (now, Some(prev)) if now != prev && now != Status::NotReviewed => {
                    let note = format!(
                        "The earlier checklist {src} had {}; kstig's automated verdict {} stands.",
                        prev.as_ckl(),
                        now.as_ckl()
                    );
                    r.comments = join(&r.comments, &note);
                    touched = true;
                }
                _ => {}
            }
            if !earlier_comment.is_empty() && !r.comments.contains(&earlier_comment) {
                r.comments = join(&earlier_comment, &r.comments);
                touched = true;
            }
            if !e.severity_override.trim().is_empty() && r.severity_override.is_empty() {
                r.severity_override = e.severity_override.trim().to_ascii_lowercase();
                r.severity_justification = e.severity_justification.clone();
                touched = true;
            }
            if touched {
                n += 1;
            }
        }
        n
    }
}

/// The earlier comment without text kstig generates itself (its own
/// comments from the previous run, and carry-forward notes), so repeated
/// runs do not pile them up.
fn strip_generated(earlier: &str, current_generated: &str) -> String {
    earlier
        .lines()
        .filter(|l| {
            let t = l.trim();
            let generated_note =
                t.starts_with("The earlier checklist ") && t.contains("automated verdict");
            !t.is_empty() && !generated_note && !current_generated.lines().any(|g| g.trim() == t)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}\n{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuleResult, Target};

    fn rr(stig: &str, status: Status, comments: &str) -> RuleResult {
        RuleResult {
            stig_id: stig.into(),
            vuln_id: String::new(),
            rule_id: String::new(),
            severity: "medium".into(),
            status,
            details: "d".into(),
            comments: comments.into(),
            severity_override: String::new(),
            severity_justification: String::new(),
        }
    }

    fn prev(entries: Vec<PreviousEntry>) -> Previous {
        let mut p = Previous::default();
        p.by_host.insert(
            "n1".into(),
            vec![PreviousChecklist {
                host_name: "n1".into(),
                source: PathBuf::from("old.ckl"),
                benchmark_id: "Kubernetes_STIG".into(),
                entries,
            }],
        );
        p
    }

    fn pe(stig: &str, status: Status, comments: &str) -> PreviousEntry {
        PreviousEntry {
            stig_id: stig.into(),
            status: Some(status),
            comments: comments.into(),
            ..Default::default()
        }
    }

    #[test]
    fn manual_entry_carried_automated_verdict_stands() {
        let p = prev(vec![
            pe(
                "CNTR-K8-000920",
                Status::NotAFinding,
                "Ports documented in SSP v3.",
            ),
            pe("CNTR-K8-000150", Status::NotAFinding, "looked fine"),
        ]);
        let mut a = Assessment {
            target: Target {
                host_name: "n1".into(),
                ..Default::default()
            },
            results: vec![
                rr("CNTR-K8-000920", Status::NotReviewed, ""),
                rr("CNTR-K8-000150", Status::Open, "Set --tls-min-version."),
            ],
        };
        assert_eq!(p.apply(&mut a), 2);
        assert_eq!(a.results[0].status, Status::NotAFinding);
        assert_eq!(a.results[0].comments, "Ports documented in SSP v3.");
        assert_eq!(a.results[1].status, Status::Open);
        assert!(a.results[1].comments.contains("had NotAFinding"));
        assert!(a.results[1].comments.contains("looked fine"));
    }

    #[test]
    fn repeated_runs_do_not_pile_up_generated_comments() {
        let p = prev(vec![pe(
            "CNTR-K8-000150",
            Status::Open,
            "Set --tls-min-version.\nThe earlier checklist x had NotAFinding; kstig's automated verdict Open stands.",
        )]);
        let mut a = Assessment {
            target: Target {
                host_name: "n1".into(),
                ..Default::default()
            },
            results: vec![rr("CNTR-K8-000150", Status::Open, "Set --tls-min-version.")],
        };
        p.apply(&mut a);
        assert_eq!(a.results[0].comments, "Set --tls-min-version.");
    }

    #[test]
    fn host_arg() {
        assert_eq!(
            parse_arg("cp=old.ckl"),
            (Some("cp".into()), PathBuf::from("old.ckl"))
        );
        assert_eq!(
            parse_arg("dir/old.ckl"),
            (None, PathBuf::from("dir/old.ckl"))
        );
    }
}
