//! STIG Viewer 2 checklist (`.ckl`) writer.
//!
//! Structure and element order follow DISA's `U_Checklist_Schema_V2.xsd` and
//! what STIG Viewer 2.17 writes (see `shared/checklists/README.md` §2):
//! `ASSET` in the schema's sequence, one `iSTIG` whose `STIG_INFO` lists the
//! `SI_DATA` in STIG Viewer's order, one `VULN` per rule with its `STIG_DATA`
//! in STIG Viewer's order, then `STATUS`, `FINDING_DETAILS`, `COMMENTS`,
//! `SEVERITY_OVERRIDE`, `SEVERITY_JUSTIFICATION` (always present: STIG
//! Manager crashes without the first two).

use crate::checklist::{
    clean_text, entries, rule_severity, stig_ref, target_comment, target_key, Entry, Generated,
    HostFields, Uuids, STIG_CLASS, STIG_CLASSIFICATION,
};
use crate::model::{Assessment, BenchmarkInfo, RuleText};
use crate::xmlutil::XmlWriter;

/// What every CKL of a run shares: each VULN's rule text (the `STIG_DATA`
/// before and after `STIG_UUID`, which names the asset), escaped once.
pub struct Template {
    vulns: Vec<(String, String)>,
    size: usize,
}

impl Template {
    pub fn new(info: &BenchmarkInfo, rules: &[RuleText]) -> Template {
        let stigref = stig_ref(info);
        let vulns: Vec<(String, String)> = rules
            .iter()
            .map(|r| {
                let mut head = XmlWriter::fragment("\t");
                vuln_head(&mut head, r, &stigref);
                let mut tail = XmlWriter::fragment("\t");
                vuln_tail(&mut tail, r);
                (head.into_string(), tail.into_string())
            })
            .collect();
        let size = vulns.iter().map(|(h, t)| h.len() + t.len() + 512).sum();
        Template { vulns, size }
    }
}

/// Writes one CKL for one asset: the rules given, in that order.
pub fn write(
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    generated: &Generated,
) -> Vec<u8> {
    let entries = entries(rules, &a.results);
    write_with(
        &Template::new(info, rules),
        info,
        rules,
        a,
        generated,
        &entries,
    )
}

/// [`write`] with the run's [`Template`] (made from the same `info` and
/// `rules`) and the entries of `a`.
pub fn write_with(
    template: &Template,
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    generated: &Generated,
    entries: &[Entry],
) -> Vec<u8> {
    let host = HostFields::from_target(&a.target);
    let uuids = Uuids::new(info, &a.target, generated);
    let stig_uuid = uuids.stig();

    let mut w = XmlWriter::with_capacity("\t", template.size + 64 * 1024);
    w.comment(0, &format!("kstig {}", generated.tool_version));
    w.open(0, "CHECKLIST", &[]);

    // ---- ASSET (xs:sequence order) ----
    w.open(1, "ASSET", &[]);
    w.leaf(2, "ROLE", &[], "None");
    w.leaf(2, "ASSET_TYPE", &[], "Computing");
    let marking = clean_text(generated.marking.trim());
    if !marking.is_empty() {
        w.leaf(2, "MARKING", &[], &marking);
    }
    w.leaf(2, "HOST_NAME", &[], &host.host_name);
    w.leaf(2, "HOST_IP", &[], &host.ips.join(" "));
    w.leaf(2, "HOST_MAC", &[], &host.macs.join(" "));
    w.leaf(2, "HOST_FQDN", &[], &host.fqdn);
    w.leaf(2, "TARGET_COMMENT", &[], &target_comment(&a.target));
    w.leaf(2, "TECH_AREA", &[], "");
    w.leaf(2, "TARGET_KEY", &[], &clean_text(&target_key(rules)));
    w.leaf(2, "WEB_OR_DATABASE", &[], "false");
    w.leaf(2, "WEB_DB_SITE", &[], "");
    w.leaf(2, "WEB_DB_INSTANCE", &[], "");
    w.close(1, "ASSET");

    w.open(1, "STIGS", &[]);
    w.open(2, "iSTIG", &[]);

    // ---- STIG_INFO (STIG Viewer's order) ----
    w.open(3, "STIG_INFO", &[]);
    let si: [(&str, String, bool); 11] = [
        // (SID_NAME, value, always write SID_DATA)
        ("version", clean_text(&info.version), true),
        ("classification", STIG_CLASSIFICATION.to_string(), false),
        ("customname", String::new(), false),
        ("stigid", clean_text(&info.id), true),
        ("description", clean_text(&info.description), false),
        ("filename", clean_text(&info.filename), false),
        ("releaseinfo", clean_text(&info.release_info), false),
        ("title", clean_text(&info.title), false),
        ("uuid", stig_uuid.clone(), false),
        ("notice", clean_text(&info.notice), false),
        ("source", clean_text(&info.source), false),
    ];
    for (name, value, always) in &si {
        w.open(4, "SI_DATA", &[]);
        w.leaf(5, "SID_NAME", &[], name);
        if *always || !value.is_empty() {
            w.leaf(5, "SID_DATA", &[], value);
        }
        w.close(4, "SI_DATA");
    }
    w.close(3, "STIG_INFO");

    // ---- VULNs ----
    for (i, e) in entries.iter().enumerate() {
        match template.vulns.get(i) {
            Some((head, tail)) => {
                w.paste(head);
                stig_data(&mut w, "STIG_UUID", &stig_uuid);
                w.paste(tail);
            }
            None => {
                vuln_head(&mut w, e.rule, &stig_ref(info));
                stig_data(&mut w, "STIG_UUID", &stig_uuid);
                vuln_tail(&mut w, e.rule);
            }
        }
        w.leaf(4, "STATUS", &[], e.status.as_ckl());
        w.leaf(4, "FINDING_DETAILS", &[], &e.details);
        w.leaf(4, "COMMENTS", &[], &e.comments);
        w.leaf(4, "SEVERITY_OVERRIDE", &[], e.severity_override);
        w.leaf(4, "SEVERITY_JUSTIFICATION", &[], &e.severity_justification);
        w.close(3, "VULN");
    }

    w.close(2, "iSTIG");
    w.close(1, "STIGS");
    w.close(0, "CHECKLIST");
    w.finish()
}

/// `<VULN>` and the rule's `STIG_DATA` up to `TargetKey`, in STIG Viewer's order.
fn vuln_head(w: &mut XmlWriter, r: &RuleText, stigref: &str) {
    w.open(3, "VULN", &[]);
    let sev = rule_severity(&r.severity);
    let attrs: [(&str, &str); 24] = [
        ("Vuln_Num", &r.vuln_id),
        ("Severity", sev),
        ("Group_Title", &r.group_title),
        ("Rule_ID", &r.rule_id),
        ("Rule_Ver", &r.stig_id),
        ("Rule_Title", &r.title),
        ("Vuln_Discuss", &r.discussion),
        ("IA_Controls", &r.ia_controls),
        ("Check_Content", &r.check_text),
        ("Fix_Text", &r.fix_text),
        ("False_Positives", &r.false_positives),
        ("False_Negatives", &r.false_negatives),
        ("Documentable", &r.documentable),
        ("Mitigations", &r.mitigations),
        ("Potential_Impact", &r.potential_impacts),
        ("Third_Party_Tools", &r.third_party_tools),
        ("Mitigation_Control", &r.mitigation_control),
        ("Responsibility", &r.responsibility),
        ("Security_Override_Guidance", &r.severity_override_guidance),
        ("Check_Content_Ref", &r.check_ref),
        ("Weight", &r.weight),
        ("Class", STIG_CLASS),
        ("STIGRef", stigref),
        ("TargetKey", &r.target_key),
    ];
    for (name, value) in attrs {
        stig_data(w, name, value);
    }
}

/// The rule's `STIG_DATA` after `STIG_UUID`: legacy ids and CCIs.
fn vuln_tail(w: &mut XmlWriter, r: &RuleText) {
    for id in &r.legacy_ids {
        stig_data(w, "LEGACY_ID", id);
    }
    for cci in &r.ccis {
        stig_data(w, "CCI_REF", cci);
    }
}

fn stig_data(w: &mut XmlWriter, attribute: &str, value: &str) {
    w.open(4, "STIG_DATA", &[]);
    w.leaf(5, "VULN_ATTRIBUTE", &[], attribute);
    w.leaf(5, "ATTRIBUTE_DATA", &[], &clean_text(value));
    w.close(4, "STIG_DATA");
}
