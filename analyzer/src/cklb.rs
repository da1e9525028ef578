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
    target_comment, target_key, Entry, Generated, HostFields, Uuids, STIG_CLASS,
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
struct CheckContentRef<'a> {
    href: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct GroupTree<'a> {
    id: &'a str,
    title: &'a str,
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
    target_key: &'a str,
    stig_ref: &'a str,
    group_id: &'a str,
    group_id_src: &'a str,
    rule_id: &'a str,
    rule_id_src: &'a str,
    weight: &'a str,
    classification: &'static str,
    severity: &'static str,
    rule_version: &'a str,
    group_title: &'a str,
    rule_title: &'a str,
    fix_text: &'a str,
    false_positives: &'a str,
    false_negatives: &'a str,
    discussion: &'a str,
    check_content: &'a str,
    documentable: &'a str,
    mitigations: &'a str,
    potential_impacts: &'a str,
    third_party_tools: &'a str,
    mitigation_control: &'a str,
    responsibility: &'a str,
    security_override_guidance: &'a str,
    ia_controls: &'a str,
    check_content_ref: CheckContentRef<'a>,
    legacy_ids: &'a [String],
    ccis: &'a [String],
    group_tree: [GroupTree<'a>; 1],
    #[serde(rename = "createdAt")]
    created_at: &'a str,
    #[serde(rename = "updatedAt")]
    updated_at: &'a str,
    status: &'static str,
    overrides: BTreeMap<&'static str, Override>,
    comments: &'a str,
    finding_details: &'a str,
}

/// One rule's benchmark text as CKLB writes it (cleaned).
struct CleanRule {
    target_key: String,
    group_id: String,
    rule_id_src: String,
    weight: String,
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
    href: String,
    check_ref: String,
    legacy_ids: Vec<String>,
    ccis: Vec<String>,
}

impl CleanRule {
    fn new(info: &BenchmarkInfo, r: &RuleText) -> CleanRule {
        let href = if r.check_ref_href.trim().is_empty() {
            &info.filename
        } else {
            &r.check_ref_href
        };
        CleanRule {
            target_key: clean_text(&r.target_key),
            group_id: clean_text(&r.vuln_id),
            rule_id_src: clean_text(&r.rule_id),
            weight: clean_text(&r.weight),
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
            href: clean_text(href),
            check_ref: clean_text(&r.check_ref),
            legacy_ids: r.legacy_ids.iter().map(|s| clean_text(s)).collect(),
            ccis: r.ccis.iter().map(|s| clean_text(s)).collect(),
        }
    }
}

/// What every CKLB of a run shares: each rule's text, cleaned once.
pub struct Template {
    rules: Vec<CleanRule>,
    size: usize,
}

impl Template {
    pub fn new(info: &BenchmarkInfo, rules: &[RuleText]) -> Template {
        let rules: Vec<CleanRule> = rules.iter().map(|r| CleanRule::new(info, r)).collect();
        let size = rules
            .iter()
            .map(|r| {
                r.fix_text.len() + r.discussion.len() + r.check_content.len() + r.rule_title.len()
            })
            .sum::<usize>()
            * 5
            / 4
            + rules.len() * 2048;
        Template { rules, size }
    }
}

/// Writes one CKLB for one asset: the rules given, in that order.
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
    let stigref = stig_ref(info);
    let time = generated_time(generated);

    // Rules beyond the template (never, when made from the same rules) are cleaned here.
    let extra: Vec<CleanRule> = entries
        .iter()
        .skip(template.rules.len())
        .map(|e| CleanRule::new(info, e.rule))
        .collect();
    let mut out_rules = Vec::with_capacity(rules.len());
    for (i, e) in entries.iter().enumerate() {
        let r = e.rule;
        let c = match template.rules.get(i) {
            Some(c) => c,
            None => &extra[i - template.rules.len()],
        };
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
        out_rules.push(Rule {
            uuid: uuids.rule(&r.rule_id),
            stig_uuid: &stig_uuid,
            target_key: &c.target_key,
            stig_ref: &stigref,
            group_id: &c.group_id,
            group_id_src: &c.group_id,
            rule_id: short_rule_id(&c.rule_id_src),
            rule_id_src: &c.rule_id_src,
            weight: &c.weight,
            classification: STIG_CLASS,
            severity: rule_severity(&r.severity),
            rule_version: &c.rule_version,
            group_title: &c.group_title,
            rule_title: &c.rule_title,
            fix_text: &c.fix_text,
            false_positives: &c.false_positives,
            false_negatives: &c.false_negatives,
            discussion: &c.discussion,
            check_content: &c.check_content,
            documentable: &c.documentable,
            mitigations: &c.mitigations,
            potential_impacts: &c.potential_impacts,
            third_party_tools: &c.third_party_tools,
            mitigation_control: &c.mitigation_control,
            responsibility: &c.responsibility,
            security_override_guidance: &c.security_override_guidance,
            ia_controls: &c.ia_controls,
            check_content_ref: CheckContentRef {
                href: &c.href,
                name: &c.check_ref,
            },
            legacy_ids: &c.legacy_ids,
            ccis: &c.ccis,
            group_tree: [GroupTree {
                id: &c.group_id,
                title: &c.group_title,
                description: "<GroupDescription></GroupDescription>",
            }],
            created_at: &time,
            updated_at: &time,
            status: e.status.as_snake(),
            overrides,
            comments: &e.comments,
            finding_details: &e.details,
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
    let mut out = Vec::with_capacity(template.size + 128 * 1024);
    if serde_json::to_writer_pretty(&mut out, &doc).is_err() {
        // Serializing plain structs of strings cannot fail; keep the output
        // well-formed JSON even so.
        out = b"{}".to_vec();
    }
    out.push(b'\n');
    out
}
