//! The escaped pseudo-XML that DISA puts in `Rule/description`.
//!
//! After the benchmark's own XML unescaping, a DISA rule description reads
//! `<VulnDiscussion>…</VulnDiscussion><FalsePositives></FalsePositives>…<IAControls></IAControls>`.
//! We parse that text as an XML fragment. It is not guaranteed to be
//! well-formed (a bare `&` or `<` in the discussion breaks it), so when the
//! fragment parser fails we fall back to cutting the text between the known
//! tags, as STIG Manager does.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::model::RuleText;

/// The sub-elements DISA writes, in their usual order.
const TAGS: [&str; 11] = [
    "VulnDiscussion",
    "FalsePositives",
    "FalseNegatives",
    "Documentable",
    "Mitigations",
    "SeverityOverrideGuidance",
    "PotentialImpacts",
    "ThirdPartyTools",
    "MitigationControl",
    "Responsibility",
    "IAControls",
];

/// Deepest nesting we follow inside the fragment before giving up on the
/// XML parse (the fallback then takes over).
const MAX_FRAGMENT_DEPTH: usize = 64;

/// Fills the description sub-fields of `rule` from the unescaped text of
/// `Rule/description`.
pub(crate) fn apply(text: &str, rule: &mut RuleText) {
    let fields = match parse_fragment(text) {
        Some(fields) => fields,
        None => extract_between_tags(text),
    };
    let mut any_known = false;
    for (tag, value) in fields {
        let slot = match tag.as_str() {
            "VulnDiscussion" => &mut rule.discussion,
            "FalsePositives" => &mut rule.false_positives,
            "FalseNegatives" => &mut rule.false_negatives,
            "Documentable" => &mut rule.documentable,
            "Mitigations" => &mut rule.mitigations,
            "SeverityOverrideGuidance" => &mut rule.severity_override_guidance,
            "PotentialImpacts" => &mut rule.potential_impacts,
            "ThirdPartyTools" => &mut rule.third_party_tools,
            "MitigationControl" => &mut rule.mitigation_control,
            "Responsibility" => &mut rule.responsibility,
            "IAControls" => &mut rule.ia_controls,
            _ => continue,
        };
        any_known = true;
        // The first occurrence wins, like the fallback below.
        if slot.is_empty() {
            *slot = value;
        }
    }
    // A plain-text description (no DISA sub-elements at all) is the discussion.
    if !any_known && !text.contains('<') {
        rule.discussion = text.trim().to_string();
    }
}

/// Parses `text` as a sequence of elements. Returns the text content of each
/// top-level element (nested markup contributes its text), or `None` when
/// the fragment is not well-formed.
fn parse_fragment(text: &str) -> Option<Vec<(String, String)>> {
    let mut reader = Reader::from_str(text);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut depth: usize = 0;
    let mut current_tag = String::new();
    let mut value = String::new();
    loop {
        let event = reader.read_event().ok()?;
        match event {
            Event::Start(start) => {
                if depth == 0 {
                    current_tag = String::from_utf8(start.name().as_ref().to_vec()).ok()?;
                    value.clear();
                }
                depth += 1;
                if depth > MAX_FRAGMENT_DEPTH {
                    return None;
                }
            }
            Event::Empty(start) => {
                if depth == 0 {
                    let tag = String::from_utf8(start.name().as_ref().to_vec()).ok()?;
                    fields.push((tag, String::new()));
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    fields.push((std::mem::take(&mut current_tag), std::mem::take(&mut value)));
                }
            }
            Event::Text(content) => {
                if depth > 0 {
                    value.push_str(&content.xml10_content().ok()?);
                }
            }
            Event::CData(content) => {
                if depth > 0 {
                    value.push_str(&content.xml10_content().ok()?);
                }
            }
            Event::GeneralRef(reference) => {
                if depth > 0 {
                    value.push(resolve_reference(&reference)?);
                }
            }
            // A DOCTYPE inside a description is not something DISA writes:
            // treat it as not well-formed and let the fallback cut text.
            Event::DocType(_) => return None,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if depth != 0 {
        return None;
    }
    Some(fields)
}

/// Resolves a character reference or one of the five predefined entities.
/// Any other entity is undefined (there is no DTD), so `None`.
pub(crate) fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten();
    }
    let name: &[u8] = reference;
    match name {
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"amp" => Some('&'),
        b"apos" => Some('\''),
        b"quot" => Some('"'),
        _ => None,
    }
}

/// Fallback for text that is not well-formed XML: for each known tag, the
/// text between its first `<Tag>` and the following `</Tag>` (or empty for
/// `<Tag/>`), with the predefined entities unescaped.
fn extract_between_tags(text: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for tag in TAGS {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let Some(start) = text.find(&open) {
            let body_start = start + open.len();
            let rest = &text[body_start..];
            // An unclosed tag runs to the next known tag or the end.
            let end = rest
                .find(&close)
                .or_else(|| next_known_tag(rest))
                .unwrap_or(rest.len());
            fields.push((tag.to_string(), unescape_lenient(&rest[..end])));
        } else if text.contains(&format!("<{tag}/>")) || text.contains(&format!("<{tag} />")) {
            fields.push((tag.to_string(), String::new()));
        }
    }
    fields
}

/// Offset of the first `<Tag>` or `<Tag/>` of a known tag in `text`.
fn next_known_tag(text: &str) -> Option<usize> {
    TAGS.iter()
        .filter_map(|tag| {
            let open = text.find(&format!("<{tag}>"));
            let empty = text.find(&format!("<{tag}/>"));
            match (open, empty) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        })
        .min()
}

/// Replaces `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and numeric character
/// references; anything else (a bare `&`) is kept as written.
fn unescape_lenient(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let decoded = tail
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| decode_entity(&tail[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number
                .strip_prefix('x')
                .or_else(|| number.strip_prefix('X'))
            {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISA: &str = "<VulnDiscussion>Line one.\n\nUse 1 &lt; 2 &amp; more.</VulnDiscussion>\
        <FalsePositives></FalsePositives><FalseNegatives></FalseNegatives>\
        <Documentable>false</Documentable><Mitigations>Mit</Mitigations>\
        <SeverityOverrideGuidance>SOG</SeverityOverrideGuidance><PotentialImpacts>PI</PotentialImpacts>\
        <ThirdPartyTools>TPT</ThirdPartyTools><MitigationControl>MC</MitigationControl>\
        <Responsibility>System Administrator</Responsibility><IAControls>ECSC-1</IAControls>";

    #[test]
    fn well_formed_fragment() {
        let mut rule = RuleText::default();
        apply(DISA, &mut rule);
        assert_eq!(rule.discussion, "Line one.\n\nUse 1 < 2 & more.");
        assert_eq!(rule.false_positives, "");
        assert_eq!(rule.documentable, "false");
        assert_eq!(rule.mitigations, "Mit");
        assert_eq!(rule.severity_override_guidance, "SOG");
        assert_eq!(rule.potential_impacts, "PI");
        assert_eq!(rule.third_party_tools, "TPT");
        assert_eq!(rule.mitigation_control, "MC");
        assert_eq!(rule.responsibility, "System Administrator");
        assert_eq!(rule.ia_controls, "ECSC-1");
    }

    #[test]
    fn not_well_formed_falls_back_to_cutting_between_tags() {
        // A bare `&` and `<` after one level of unescaping: not XML.
        let text = "<VulnDiscussion>A & B when x < 3 &amp; y</VulnDiscussion>\
            <FalsePositives/><Documentable>false</Documentable><Mitigations>open";
        assert!(parse_fragment(text).is_none());
        let mut rule = RuleText::default();
        apply(text, &mut rule);
        assert_eq!(rule.discussion, "A & B when x < 3 & y");
        assert_eq!(rule.false_positives, "");
        assert_eq!(rule.documentable, "false");
        assert_eq!(rule.mitigations, "open");
    }

    #[test]
    fn plain_text_description_is_the_discussion() {
        let mut rule = RuleText::default();
        apply("  Just words.  ", &mut rule);
        assert_eq!(rule.discussion, "Just words.");
    }

    #[test]
    fn doctype_in_fragment_is_not_expanded() {
        let text = "<!DOCTYPE x [<!ENTITY a \"boom\">]><VulnDiscussion>&a;</VulnDiscussion>";
        let mut rule = RuleText::default();
        apply(text, &mut rule);
        assert_eq!(rule.discussion, "&a;");
    }

    #[test]
    fn unescape_lenient_keeps_unknown() {
        assert_eq!(
            unescape_lenient("&lt;&#65;&#x42;&bogus; & &"),
            "<AB&bogus; & &"
        );
        assert_eq!(unescape_lenient("&#0;"), "&#0;");
    }
}
