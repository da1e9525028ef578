//! The committed coverage table must match `kstig rules --markdown`.

mod support;

#[test]
fn coverage_table_is_current() {
    let out = std::process::Command::new(support::kstig())
        .args(["rules", "--markdown"])
        .output()
        .expect("run kstig rules");
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).expect("utf8");
    let doc = std::fs::read_to_string(support::repo().join("docs/coverage.md"))
        .expect("docs/coverage.md");
    let marker = "<!-- generated below -->\n";
    let committed = doc
        .split_once(marker)
        .map(|(_, b)| b)
        .expect("marker in docs/coverage.md");
    assert_eq!(
        committed, generated,
        "docs/coverage.md is stale: regenerate it with `kstig rules --markdown`"
    );
}
