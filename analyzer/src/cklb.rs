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

/// A rule as CKLB writes it: what names the asset, the rule's benchmark text
/// (the same in every checklist of a run), the verdict.
#[derive(Serialize)]
struct Rule<'a> {
    #[serde(flatten)]
    head: RuleHead<'a>,
    #[serde(flatten)]
    text: RuleBody<'a>,
    #[serde(flatten)]
    verdict: RuleVerdict<'a>,
}

#[derive(Serialize)]
struct RuleHead<'a> {
    uuid: String,
    stig_uuid: &'a str,
}

#[derive(Serialize)]
struct RuleBody<'a> {
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
}

#[derive(Serialize)]
struct RuleVerdict<'a> {
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

impl CleanRule {
    fn body<'a>(&'a self, r: &RuleText, stigref: &'a str, time: &'a str) -> RuleBody<'a> {
        RuleBody {
            target_key: &self.target_key,
            stig_ref: stigref,
            group_id: &self.group_id,
            group_id_src: &self.group_id,
            rule_id: short_rule_id(&self.rule_id_src),
            rule_id_src: &self.rule_id_src,
            weight: &self.weight,
            classification: STIG_CLASS,
            severity: rule_severity(&r.severity),
            rule_version: &self.rule_version,
            group_title: &self.group_title,
            rule_title: &self.rule_title,
            fix_text: &self.fix_text,
            false_positives: &self.false_positives,
            false_negatives: &self.false_negatives,
            discussion: &self.discussion,
            check_content: &self.check_content,
            documentable: &self.documentable,
            mitigations: &self.mitigations,
            potential_impacts: &self.potential_impacts,
            third_party_tools: &self.third_party_tools,
            mitigation_control: &self.mitigation_control,
            responsibility: &self.responsibility,
            security_override_guidance: &self.security_override_guidance,
            ia_controls: &self.ia_controls,
            check_content_ref: CheckContentRef {
                href: &self.href,
                name: &self.check_ref,
            },
            legacy_ids: &self.legacy_ids,
            ccis: &self.ccis,
            group_tree: [GroupTree {
                id: &self.group_id,
                title: &self.group_title,
                description: "<GroupDescription></GroupDescription>",
            }],
            created_at: time,
            updated_at: time,
        }
    }
}

/// Pretty JSON of a struct of at least one field without its braces: its
/// field lines, each moved `extra` spaces right (JSON strings hold no raw
/// newline), as they appear when the struct is nested that much deeper.
fn fields_pretty<T: Serialize>(value: &T, extra: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{\n}".into());
    let inner = text
        .strip_prefix("{\n")
        .and_then(|t| t.strip_suffix("\n}"))
        .unwrap_or("");
    let pad = " ".repeat(extra);
    let mut out = String::with_capacity(inner.len() + inner.len() / 16 + extra);
    out.push_str(&pad);
    for c in inner.chars() {
        out.push(c);
        if c == '\n' {
            out.push_str(&pad);
        }
    }
    out
}

/// Fields of a rule object are this deep in a CKLB (`stigs[].rules[]`).
const RULE_FIELD_SHIFT: usize = 8;

/// What every CKLB of a run shares: each rule's text, cleaned and written
/// as JSON once.
pub struct Template {
    rules: Vec<String>,
}

impl Template {
    pub fn new(info: &BenchmarkInfo, rules: &[RuleText], generated: &Generated) -> Template {
        let stigref = stig_ref(info);
        let time = generated_time(generated);
        let rules = rules
            .iter()
            .map(|r| {
                fields_pretty(
                    &CleanRule::new(info, r).body(r, &stigref, &time),
                    RULE_FIELD_SHIFT,
                )
            })
            .collect();
        Template { rules }
    }
}

/// What a CKLB says about the asset, before its rules.
fn document<'a>(
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    uuids: &Uuids,
    stig_uuid: &str,
    out_rules: Vec<Rule<'a>>,
) -> Cklb<'a> {
    let host = HostFields::from_target(&a.target);
    let size = if info.rule_count > 0 {
        info.rule_count.max(rules.len())
    } else {
        rules.len()
    };
    Cklb {
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
            uuid: stig_uuid.to_string(),
            reference_identifier: clean_text(&target_key(rules)),
            size,
            rules: out_rules,
        }],
        cklb_version: "1.0",
    }
}

fn verdict<'a>(e: &'a Entry) -> RuleVerdict<'a> {
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
    RuleVerdict {
        status: e.status.as_snake(),
        overrides,
        comments: &e.comments,
        finding_details: &e.details,
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
    let uuids = Uuids::new(info, &a.target, generated);
    let stig_uuid = uuids.stig();
    let stigref = stig_ref(info);
    let time = generated_time(generated);
    let clean: Vec<CleanRule> = entries
        .iter()
        .map(|e| CleanRule::new(info, e.rule))
        .collect();
    let out_rules = entries
        .iter()
        .zip(&clean)
        .map(|(e, c)| Rule {
            head: RuleHead {
                uuid: uuids.rule(&e.rule.rule_id),
                stig_uuid: &stig_uuid,
            },
            text: c.body(e.rule, &stigref, &time),
            verdict: verdict(e),
        })
        .collect();
    let doc = document(info, rules, a, &uuids, &stig_uuid, out_rules);
    let mut out = match serde_json::to_vec_pretty(&doc) {
        Ok(v) => v,
        // Serializing plain structs of strings cannot fail; keep the output
        // well-formed JSON even so.
        Err(_) => b"{}".to_vec(),
    };
    out.push(b'\n');
    out
}

/// The same bytes as [`write`], with the run's [`Template`] (made from the
/// same `info`, `rules` and `generated`) and the entries of `a`: the
/// document is written without its rules, then each rule's JSON is pasted
/// between its asset-specific and verdict fields.
pub fn write_with(
    template: &Template,
    info: &BenchmarkInfo,
    rules: &[RuleText],
    a: &Assessment,
    generated: &Generated,
    entries: &[Entry],
) -> Vec<u8> {
    let uuids = Uuids::new(info, &a.target, generated);
    let stig_uuid = uuids.stig();
    let doc = document(info, rules, a, &uuids, &stig_uuid, Vec::new());
    let Ok(text) = serde_json::to_string_pretty(&doc) else {
        return b"{}\n".to_vec();
    };
    const EMPTY: &str = "\"rules\": []";
    // A string value cannot hold an unescaped quote: this is the array.
    let Some(at) = text.find(EMPTY) else {
        return write(info, rules, a, generated);
    };
    let open = at + EMPTY.len() - 1;
    let body_len: usize = template.rules.iter().map(String::len).sum();
    let mut out = String::with_capacity(text.len() + body_len + entries.len() * 1024 + 64 * 1024);
    out.push_str(&text[..open]);
    let stigref = stig_ref(info);
    let time = generated_time(generated);
    let pad = " ".repeat(RULE_FIELD_SHIFT);
    for (i, e) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&pad);
        out.push_str("{\n");
        let head = RuleHead {
            uuid: uuids.rule(&e.rule.rule_id),
            stig_uuid: &stig_uuid,
        };
        out.push_str(&fields_pretty(&head, RULE_FIELD_SHIFT));
        out.push_str(",\n");
        match template.rules.get(i) {
            Some(body) => out.push_str(body),
            // Rules beyond the template (never, when made from the same rules).
            None => out.push_str(&fields_pretty(
                &CleanRule::new(info, e.rule).body(e.rule, &stigref, &time),
                RULE_FIELD_SHIFT,
            )),
        }
        out.push_str(",\n");
        out.push_str(&fields_pretty(&verdict(e), RULE_FIELD_SHIFT));
        out.push('\n');
        out.push_str(&pad);
        out.push('}');
    }
    if !entries.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(RULE_FIELD_SHIFT - 2));
    }
    out.push_str(&text[open..]);
    out.push('\n');
    out.into_bytes()
}
