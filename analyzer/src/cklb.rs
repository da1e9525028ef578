//! STIG Viewer 3 checklist (`.cklb`) writer.
//!
//! Valid against DISA's CKLB 1.0 JSON schema (`SV3_CKLB_1_0_JSON_SCHEMA.json`):
//! strings, never `null`; no property outside the schema except
//! `stigs[].version`, which STIG Manager needs to derive the revision
//! (`V1R11`; without it the import reads `V0R11`). Same content as the CKL
//! (same cleaning, same stig UUID). Keys are written in struct order, so the
//! output is deterministic.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checklist::{
    clean_text, display_name, entries, generated_time, rule_severity, short_rule_id, stig_ref,
    target_comment, target_key, Generated, HostFields, Uuids, STIG_CLASS,
};
use crate::model::{Assessment, BenchmarkInfo, RuleText};

#[derive(Serialize)]
struct Cklb<'a> {
    title: String,
    id: String,
    active: bool,
    mode: u32,
    has_path: bool,
    target_data: TargetData,
    stigs: Vec<Stig<'a>>,
    cklb_version: &'static str,
}

#[derive(Serialize)]
struct TargetData {
    target_type: &'static str,
    host_name: String,
    ip_address: String,
    mac_address: String,
    fqdn: String,
    comments: String,
    role: &'static str,
    is_web_database: bool,
    technology_area: &'static str,
    web_db_site: &'static str,
    web_db_instance: &'static str,
}

#[derive(Serialize)]
struct Stig<'a> {
    stig_name: String,
    display_name: String,
    stig_id: String,
    /// Not in the CKLB 1.0 schema; see the module comment.
    version: String,
    release_info: String,
    uuid: String,
    reference_identifier: String,
    size: usize,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct CheckContentRef {
    href: String,
    name: String,
}

#[derive(Serialize)]
struct GroupTree {
    id: String,
    title: String,
    description: &'static str,
}

#[derive(Serialize)]
struct Override {
    severity: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct Rule<'a> {
    uuid: String,
    stig_uuid: &'a str,
    target_key: String,
    stig_ref: &'a str,
    group_id: String,
    group_id_src: String,
    rule_id: String,
    rule_id_src: String,
    weight: String,
    classification: &'static str,
    severity: &'static str,
    rule_version: String,
    group_title: String,
    rule_title: String,
    fix_text: String,
    false_positives: String,
    false_negatives: String,
    discussion: String,
    check_content: String,
    documentable: String,
    mitigations: String,
    potential_impacts: String,
    third_party_tools: String,
    mitigation_control: String,
    responsibility: String,
    security_override_guidance: String,
    ia_controls: String,
    check_content_ref: CheckContentRef,
    legacy_ids: Vec<String>,
    ccis: Vec<String>,
    group_tree: Vec<GroupTree>,
    #[serde(rename = "createdAt")]
    created_at: &'a str,
    #[serde(rename = "updatedAt")]
    updated_at: &'a str,
    status: &'static str,
    overrides: BTreeMap<&'static str, Override>,
    comments: String,
    finding_details: String,
}

/// Writes one CKLB for one asset: the rules given, in that order.
pub fn write(
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    generated: &Generated,
) -> Vec<u8> {
    let host = HostFields::from_target(&a.target);
    let uuids = Uuids::new(info, &a.target, generated);
    let stig_uuid = uuids.stig();
    let stigref = stig_ref(info);
    let time = generated_time(generated);

    let mut out_rules = Vec::with_capacity(rules.len());
    for e in entries(rules, &a.results) {
        let r = e.rule;
        let mut overrides = BTreeMap::new();
        if !e.severity_override.is_empty() {
            overrides.insert(
                "severity",
                Override {
                    severity: e.severity_override,
                    reason: e.severity_justification.clone(),
                },
            );
        }
        let href = if r.check_ref_href.trim().is_empty() {
            &info.filename
        } else {
            &r.check_ref_href
        };
        let rule_id_src = clean_text(&r.rule_id);
        out_rules.push(Rule {
            uuid: uuids.rule(&r.rule_id),
            stig_uuid: &stig_uuid,
            target_key: clean_text(&r.target_key),
            stig_ref: &stigref,
            group_id: clean_text(&r.vuln_id),
            group_id_src: clean_text(&r.vuln_id),
            rule_id: short_rule_id(&rule_id_src).to_string(),
            rule_id_src: rule_id_src.clone(),
            weight: clean_text(&r.weight),
            classification: STIG_CLASS,
            severity: rule_severity(&r.severity),
            rule_version: clean_text(&r.stig_id),
            group_title: clean_text(&r.group_title),
            rule_title: clean_text(&r.title),
            fix_text: clean_text(&r.fix_text),
            false_positives: clean_text(&r.false_positives),
            false_negatives: clean_text(&r.false_negatives),
            discussion: clean_text(&r.discussion),
            check_content: clean_text(&r.check_text),
            documentable: clean_text(&r.documentable),
            mitigations: clean_text(&r.mitigations),
            potential_impacts: clean_text(&r.potential_impacts),
            third_party_tools: clean_text(&r.third_party_tools),
            mitigation_control: clean_text(&r.mitigation_control),
            responsibility: clean_text(&r.responsibility),
            security_override_guidance: clean_text(&r.severity_override_guidance),
            ia_controls: clean_text(&r.ia_controls),
            check_content_ref: CheckContentRef {
                href: clean_text(href),
                name: clean_text(&r.check_ref),
            },
            legacy_ids: r.legacy_ids.iter().map(|s| clean_text(s)).collect(),
            ccis: r.ccis.iter().map(|s| clean_text(s)).collect(),
            group_tree: vec![GroupTree {
                id: clean_text(&r.vuln_id),
                title: clean_text(&r.group_title),
                description: "<GroupDescription></GroupDescription>",
            }],
            created_at: &time,
            updated_at: &time,
            status: e.status.as_snake(),
            overrides,
            comments: e.comments,
            finding_details: e.details,
        });
    }

    let size = if info.rule_count > 0 {
        info.rule_count.max(rules.len())
    } else {
        rules.len()
    };
    let doc = Cklb {
        title: clean_text(
            &[host.host_name.as_str(), info.id.trim(), info.label.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<&str>>()
                .join("_"),
        ),
        id: uuids.checklist(),
        active: false,
        mode: 1,
        has_path: true,
        target_data: TargetData {
            target_type: "Computing",
            host_name: host.host_name.clone(),
            ip_address: host.ips.join(" "),
            mac_address: host.macs.join(" "),
            fqdn: host.fqdn.clone(),
            comments: target_comment(&a.target),
            role: "None",
            is_web_database: false,
            technology_area: "",
            web_db_site: "",
            web_db_instance: "",
        },
        stigs: vec![Stig {
            stig_name: clean_text(&info.title),
            display_name: clean_text(&display_name(&info.title)),
            stig_id: clean_text(&info.id),
            version: clean_text(&info.version),
            release_info: clean_text(&info.release_info),
            uuid: stig_uuid.clone(),
            reference_identifier: clean_text(&target_key(rules)),
            size,
            rules: out_rules,
        }],
        cklb_version: "1.0",
    };
    let mut out = match serde_json::to_vec_pretty(&doc) {
        Ok(v) => v,
        // Serializing plain structs of strings cannot fail; keep the output
        // well-formed JSON even so.
        Err(_) => b"{}".to_vec(),
    };
    out.push(b'\n');
    out
}
