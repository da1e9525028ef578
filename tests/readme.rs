//! The summary shown in README.md must be what `bash samples/demo.sh` prints
//! (built-in catalogue): the same four sample nodes, the kubeadm control
//! plane carrying the sample cluster dump.

mod support;

use std::process::Command;

#[test]
fn readme_summary_is_the_demo_output() {
    let work = tempfile::tempdir().expect("tempdir");
    let bundles = work.path().join("bundles");
    for node in support::NODES {
        let root = work.path().join(node);
        support::materialize(node, &root);
        let mut cmd = Command::new(support::collector());
        cmd.arg("--key")
            .arg(support::signing_key())
            .arg("--out")
            .arg(&bundles)
            .arg("--root")
            .arg(&root);
        if node == "kubeadm-cp" {
            cmd.arg("--cluster-json")
                .arg(support::repo().join("samples/cluster/kubeadm-cluster.json"));
        } else {
            cmd.arg("--no-cluster");
        }
        let out = support::run(&mut cmd);
        assert!(
            out.status.success(),
            "{node}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = support::run(
        Command::new(support::kstig())
            .arg("analyze")
            .arg("--trust")
            .arg(support::signing_pub())
            .arg("--out")
            .arg(work.path().join("out"))
            .arg(&bundles)
            .env("NO_COLOR", "1"),
    );
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let table: Vec<&str> = stdout
        .lines()
        .take_while(|l| !l.starts_with("wrote "))
        .collect();

    let readme = std::fs::read_to_string(support::repo().join("README.md")).expect("README.md");
    let start = readme
        .find("```\nHOST ")
        .expect("README.md shows the summary table in a ``` block");
    let block: Vec<&str> = readme[start + 4..]
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .filter(|l| !l.starts_with("wrote "))
        .collect();
    assert_eq!(
        block,
        table,
        "README.md's sample summary is stale; paste the output of `bash samples/demo.sh`:\n{}",
        table.join("\n")
    );
}
