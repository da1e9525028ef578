//! What the three checklist writers (`ckl`, `cklb`, `xccdf`) share: the
//! caller-pinned generation facts, text cleaning and truncation, deterministic
//! UUIDs, host-field validation, and the pairing of rules with results.
//!
//! The writers apply the same cleaning to every format so a rule's
//! details/comments read the same in the CKL, the CKLB and the XCCDF.

use sha2::{Digest, Sha256};
use std::net::IpAddr;

use crate::model::{BenchmarkInfo, RuleResult, RuleText, Status, Target};
use crate::xmlutil::forbidden_at;

/// Facts about this run that the caller pins (for reproducible output).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    /// kstig version, e.g. `0.1.0`.
    pub tool_version: String,
    /// Generation time, RFC 3339 UTC (`2026-11-27T09:14:03Z`), pinned by the
    /// caller (from `SOURCE_DATE_EPOCH` when set).
    pub time: String,
    /// Checklist marking (`CUI`, `U`, ...); empty for none.
    pub marking: String,
}

/// The three checklist writers of one run. What is the same in every
/// node's checklist (the benchmark's rule text, cleaned and escaped) is
/// prepared once here rather than once per node; each node's verdict text
/// is cleaned once for the three formats.
pub struct Templates<'a> {
    info: &'a BenchmarkInfo,
    rules: &'a [RuleText],
    generated: &'a Generated,
    ckl: crate::ckl::Template,
    cklb: crate::cklb::Template,
    xccdf: crate::xccdf::Template,
}

/// The checklist formats, in the order kstig writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ckl,
    Cklb,
    Xccdf,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Ckl, Format::Cklb, Format::Xccdf];

    /// File name extension (`host.ckl`, `host.cklb`, `host.xccdf.xml`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ckl => "ckl",
            Format::Cklb => "cklb",
            Format::Xccdf => "xccdf.xml",
        }
    }
}

impl<'a> Templates<'a> {
    pub fn new(info: &'a BenchmarkInfo, rules: &'a [RuleText], generated: &'a Generated) -> Self {
        Templates {
            info,
            rules,
            generated,
            ckl: crate::ckl::Template::new(info, rules),
            cklb: crate::cklb::Template::new(info, rules, generated),
            xccdf: crate::xccdf::Template::new(info, rules, generated),
        }
    }

    pub fn rules(&self) -> &'a [RuleText] {
        self.rules
    }

    /// One format of `a`, given its [`entries`]: the same bytes as
    /// [`crate::ckl::write`], [`crate::cklb::write`], [`crate::xccdf::write`].
    pub fn render_one(
        &self,
        format: Format,
        a: &crate::model::Assessment,
        entries: &[Entry],
    ) -> Vec<u8> {
        match format {
            Format::Ckl => {
                crate::ckl::write_with(&self.ckl, self.info, self.rules, a, self.generated, entries)
            }
            Format::Cklb => crate::cklb::write_with(
                &self.cklb,
                self.info,
                self.rules,
                a,
                self.generated,
                entries,
            ),
            Format::Xccdf => {
                crate::xccdf::write_with(&self.xccdf, self.info, a, self.generated, entries)
            }
        }
    }
}

/// STIG Manager truncates detail and comment at 32,767 characters (JavaScript
/// string length, i.e. UTF-16 code units); kstig truncates first, with a note.
pub const MAX_TEXT_UTF16: usize = 32_767;

/// The DISA classification of the STIG content itself (public STIGs).
pub const STIG_CLASSIFICATION: &str = "UNCLASSIFIED";
/// CKL `Class` / CKLB `classification` as STIG Viewer writes it for public STIGs.
pub const STIG_CLASS: &str = "Unclass";

/// Normalizes line ends to LF and replaces characters XML 1.0 cannot carry
/// (C0 controls other than tab/LF, U+FFFE, U+FFFF) with a visible `\u{..}`.
pub fn clean_text(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Runs of bytes that stay as they are are copied at once.
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' {
            out.push_str(&s[start..i]);
            out.push('\n');
            i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            start = i;
        } else if let Some(len) = forbidden_at(b, i) {
            out.push_str(&s[start..i]);
            if let Some(c) = s[i..].chars().next() {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            i += len;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[start..]);
    out
}

/// [`clean_text`], then truncation to [`MAX_TEXT_UTF16`] UTF-16 units with a
/// trailing note that says how much was cut.
pub fn clean_long_text(s: &str) -> String {
    let cleaned = clean_text(s);
    truncate_utf16(&cleaned, MAX_TEXT_UTF16)
}

fn truncate_utf16(s: &str, max: usize) -> String {
    let total: usize = s.chars().map(char::len_utf16).sum();
    if total <= max {
        return s.to_string();
    }
    let note = format!(
        "\n[kstig: truncated, {total} characters in all; the kstig report has the full text]"
    );
    let note_len: usize = note.chars().map(char::len_utf16).sum();
    let budget = max.saturating_sub(note_len);
    let mut out = String::with_capacity(s.len().min(budget * 4) + note.len());
    let mut used = 0usize;
    for c in s.chars() {
        let l = c.len_utf16();
        if used + l > budget {
            break;
        }
        used += l;
        out.push(c);
    }
    out.push_str(&note);
    out
}

/// A deterministic UUID (version-4 shaped) from SHA-256 of the parts, so
/// identical input gives byte-identical checklists.
pub fn derived_uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(b"kstig-checklist-uuid");
    for p in parts {
        h.update([0u8]);
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(32);
    for x in b {
        hex.push(char::from(DIGITS[usize::from(x >> 4)]));
        hex.push(char::from(DIGITS[usize::from(x & 0x0f)]));
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The UUIDs of one checklist: the iSTIG/stig `uuid` (shared by CKL and CKLB),
/// the CKLB checklist `id`, and per-rule CKLB `uuid`s.
pub struct Uuids {
    seed: Vec<String>,
}

impl Uuids {
    pub fn new(info: &BenchmarkInfo, target: &Target, generated: &Generated) -> Self {
        Uuids {
            seed: vec![
                target.host_name.clone(),
                info.id.clone(),
                info.version.clone(),
                info.release.clone(),
                info.release_info.clone(),
                generated.time.clone(),
            ],
        }
    }
    fn make(&self, purpose: &str, extra: &str) -> String {
        let mut parts: Vec<&str> = self.seed.iter().map(String::as_str).collect();
        parts.push(purpose);
        parts.push(extra);
        derived_uuid(&parts)
    }
    pub fn stig(&self) -> String {
        self.make("stig", "")
    }
    pub fn checklist(&self) -> String {
        self.make("checklist", "")
    }
    pub fn rule(&self, rule_id: &str) -> String {
        self.make("rule", rule_id)
    }
}

/// Host fields as every importer accepts them (README §0 item 9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFields {
    pub host_name: String,
    /// Valid IPv4/IPv6 addresses (zone ids dropped), in input order, no duplicates.
    pub ips: Vec<String>,
    /// Valid 48/64-bit MACs (`:` or `-` separated), in input order, no duplicates.
    pub macs: Vec<String>,
    /// A real FQDN (with an alphabetic TLD) or empty.
    pub fqdn: String,
}

impl HostFields {
    pub fn from_target(t: &Target) -> Self {
        let mut ips: Vec<String> = Vec::new();
        for raw in &t.ip_addresses {
            if let Some(ip) = valid_ip(raw) {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
        }
        let mut macs: Vec<String> = Vec::new();
        for raw in &t.mac_addresses {
            let m = raw.trim();
            if is_valid_mac(m) && !macs.iter().any(|x| x.eq_ignore_ascii_case(m)) {
                macs.push(m.to_string());
            }
        }
        let fqdn = t.fqdn.trim().trim_end_matches('.');
        HostFields {
            host_name: clean_text(t.host_name.trim()).replace('\n', " "),
            ips,
            macs,
            fqdn: if is_valid_fqdn(fqdn) {
                fqdn.to_string()
            } else {
                String::new()
            },
        }
    }
}

/// Parses an IP address (dropping an IPv6 zone id); `None` when invalid.
pub fn valid_ip(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = match s.split_once('%') {
        Some((addr, _zone)) => addr,
        None => s,
    };
    // A CIDR suffix (`10.0.0.1/24`) is not part of the address.
    let s = match s.split_once('/') {
        Some((addr, _len)) => addr,
        None => s,
    };
    s.parse::<IpAddr>().ok().map(|ip| ip.to_string())
}

/// `xx:xx:xx:xx:xx:xx` (or `-`), 6 or 8 groups, one separator throughout.
pub fn is_valid_mac(s: &str) -> bool {
    let sep = if s.contains(':') { ':' } else { '-' };
    let groups: Vec<&str> = s.split(sep).collect();
    (groups.len() == 6 || groups.len() == 8)
        && groups
            .iter()
            .all(|g| g.len() == 2 && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// An FQDN as SAF's `validator.isFQDN` accepts it (ASCII subset): at least two
/// labels of `[A-Za-z0-9-]` (1–63, no leading/trailing `-`), an alphabetic TLD
/// of 2+ letters (or `xn--` punycode), at most 253 characters.
pub fn is_valid_fqdn(s: &str) -> bool {
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let tld_lower = tld.to_ascii_lowercase();
    (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        || (tld_lower.starts_with("xn--") && tld.len() > 4)
}

/// The free-text target comment: node role, bundle id, signer, collection
/// time, trust warning, then the caller's comment. Goes to CKL
/// `TARGET_COMMENT`, CKLB `target_data.comments` (STIG Manager's asset
/// description) and an XCCDF remark.
pub fn target_comment(t: &Target) -> String {
    let mut first: Vec<String> = Vec::new();
    match t.role.trim() {
        "" => {}
        "cluster" => first.push("Kubernetes cluster (roll-up of all nodes)".to_string()),
        role => first.push(format!("Kubernetes {role} node")),
    }
    if !t.bundle_id.trim().is_empty() {
        first.push(format!("kstig bundle {}", t.bundle_id.trim()));
    }
    let signer = t.signer_fingerprint.trim();
    match (t.untrusted, signer.is_empty()) {
        (true, true) => first.push("bundle signature NOT verified (--allow-untrusted)".to_string()),
        (true, false) => first.push(format!("signer {signer} NOT verified (--allow-untrusted)")),
        (false, false) => first.push(format!("signer {signer}")),
        (false, true) => {}
    }
    if !t.collected.trim().is_empty() {
        first.push(format!("collected {}", t.collected.trim()));
    }
    let mut out = first.join("; ");
    let comment = t.comment.trim();
    if !comment.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(comment);
    }
    clean_long_text(&out)
}

/// `low`/`medium`/`high` from any common spelling (`CAT II`, `Medium`), or `None`.
pub fn severity(s: &str) -> Option<&'static str> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "low" | "cat iii" | "cat_iii" | "iii" => Some("low"),
        "medium" | "cat ii" | "cat_ii" | "ii" => Some("medium"),
        "high" | "cat i" | "cat_i" | "i" => Some("high"),
        _ => None,
    }
}

/// The severity written for a rule: [`severity`], or `medium` when the
/// benchmark's value is not one of the three. DISA always sets one; the
/// fallback exists because SAF refuses a CKL with any other value, and an
/// XCCDF `unknown` makes SAF/Heimdall show a failed rule as Not Applicable
/// (impact 0), which would hide a finding.
pub fn rule_severity(s: &str) -> &'static str {
    severity(s).unwrap_or("medium")
}

/// `STIGRef` / CKLB `stig_ref`: `"{title} :: Version {version}, {release-info}"`.
pub fn stig_ref(info: &BenchmarkInfo) -> String {
    clean_text(&format!(
        "{} :: Version {}, {}",
        info.title, info.version, info.release_info
    ))
}

/// `Kubernetes Security Technical Implementation Guide` → `Kubernetes`.
pub fn display_name(title: &str) -> String {
    let t = title.trim();
    let short = t
        .strip_suffix("Security Technical Implementation Guide")
        .map(str::trim_end)
        .unwrap_or(t);
    if short.is_empty() {
        t.to_string()
    } else {
        short.to_string()
    }
}

/// The first non-empty `target_key` of the rules (DISA TargetKey, `5376`).
pub fn target_key(rules: &[RuleText]) -> String {
    rules
        .iter()
        .map(|r| r.target_key.trim())
        .find(|k| !k.is_empty())
        .unwrap_or("")
        .to_string()
}

/// One rule as written: its benchmark text and the verdict fields, cleaned,
/// with the defaults every importer wants (a detail always, a comment for
/// every Open).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub rule: &'a RuleText,
    pub status: Status,
    pub details: String,
    pub comments: String,
    /// `''`, `low`, `medium` or `high`.
    pub severity_override: &'static str,
    pub severity_justification: String,
}

/// Pairs each rule with its result by STIG id (same index first, then a
/// search). A rule without a result is written as Not Reviewed with a detail
/// that says so.
pub fn entries<'a>(rules: &'a [RuleText], results: &[RuleResult]) -> Vec<Entry<'a>> {
    let mut out = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let found = match results.get(i) {
            Some(r) if r.stig_id == rule.stig_id => Some(r),
            _ => results.iter().find(|r| r.stig_id == rule.stig_id),
        };
        let entry = match found {
            Some(r) => {
                let mut details = clean_long_text(&r.details);
                if details.trim().is_empty() {
                    details = "kstig recorded no details for this rule.".to_string();
                }
                let mut comments = clean_long_text(&r.comments);
                if r.status == Status::Open && comments.trim().is_empty() {
                    comments =
                        "Open: kstig found this rule not met; see the finding details.".to_string();
                }
                Entry {
                    rule,
                    status: r.status,
                    details,
                    comments,
                    severity_override: severity(&r.severity_override).unwrap_or(""),
                    severity_justification: clean_long_text(&r.severity_justification),
                }
            }
            None => Entry {
                rule,
                status: Status::NotReviewed,
                details: "kstig produced no result for this rule; it needs a manual review."
                    .to_string(),
                comments: String::new(),
                severity_override: "",
                severity_justification: String::new(),
            },
        };
        out.push(entry);
    }
    out
}

/// A valid `xsd:dateTime` (`YYYY-MM-DDTHH:MM:SS[.f][Z|±HH:MM]`) or `None`.
pub fn xsd_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (mo, d, h, mi, se) = (num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut frac = "";
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        frac = &rest[..n + 1];
        rest = &r[n..];
    }
    let zone = match rest {
        "" => "",
        "Z" | "z" => "Z",
        z if z.len() == 6
            && (z.starts_with('+') || z.starts_with('-'))
            && z.as_bytes()[3] == b':'
            && z.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
            && z.as_bytes()[4..6].iter().all(u8::is_ascii_digit) =>
        {
            z
        }
        _ => return None,
    };
    Some(format!("{}T{}{}{}", &s[..10], &s[11..19], frac, zone))
}

/// The generation time as `xsd:dateTime`; the Unix epoch when the caller's
/// value is not one (the output must stay schema-valid).
pub fn generated_time(g: &Generated) -> String {
    xsd_datetime(&g.time).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// `Rule/@weight` as an `xsd:decimal`, `10.0` when absent, malformed or
/// absurdly long (so score sums stay finite).
pub fn weight(w: &str) -> String {
    let t = w.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let ok = t.len() <= 16
        && !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && match frac {
            None => true,
            Some(f) => !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()),
        };
    if ok {
        t.to_string()
    } else {
        "10.0".to_string()
    }
}

/// `SV-242376r879519_rule` → `SV-242376r879519` (CKLB `rule_id`).
pub fn short_rule_id(rule_id: &str) -> &str {
    rule_id.strip_suffix("_rule").unwrap_or(rule_id)
}

/// The `description` pseudo-XML DISA puts in a 1.1 Rule, rebuilt from the fields.
pub fn rule_description(r: &RuleText) -> String {
    use crate::xmlutil::escape_text as e;
    let parts: [(&str, &str); 11] = [
        ("VulnDiscussion", &r.discussion),
        ("FalsePositives", &r.false_positives),
        ("FalseNegatives", &r.false_negatives),
        ("Documentable", &r.documentable),
        ("Mitigations", &r.mitigations),
        ("SeverityOverrideGuidance", &r.severity_override_guidance),
        ("PotentialImpacts", &r.potential_impacts),
        ("ThirdPartyTools", &r.third_party_tools),
        ("MitigationControl", &r.mitigation_control),
        ("Responsibility", &r.responsibility),
        ("IAControls", &r.ia_controls),
    ];
    let mut out = String::new();
    for (tag, value) in parts {
        out.push('<');
        out.push_str(tag);
        out.push('>');
        out.push_str(&e(&clean_text(value)));
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_clean_text_matches_the_definition() {
        fn reference(s: &str) -> String {
            let mut out = String::new();
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\r' {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    out.push('\n');
                } else if crate::xmlutil::is_xml_char(c) {
                    out.push(c);
                } else {
                    out.push_str(&format!("\\u{{{:x}}}", c as u32));
                }
            }
            out
        }
        let alphabet: Vec<char> = "a\r\n\t\u{0}\u{1f}\u{FFFE}\u{FFFF}\u{FFFD}\u{EFFF}é😀"
            .chars()
            .collect();
        for a in &alphabet {
            for b in &alphabet {
                for c in &alphabet {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(clean_text(&s), reference(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn clean_text_replaces_controls_and_crlf() {
        assert_eq!(
            clean_text("a\r\nb\rc\u{1}\u{7f}\t"),
            "a\nb\nc\\u{1}\u{7f}\t"
        );
        assert_eq!(clean_text("\u{0}\u{FFFF}"), "\\u{0}\\u{ffff}");
    }

    #[test]
    fn long_text_is_truncated_with_note() {
        let s = "é".repeat(40_000);
        let t = clean_long_text(&s);
        let n: usize = t.chars().map(char::len_utf16).sum();
        assert!(n <= MAX_TEXT_UTF16);
        assert!(t.contains("truncated, 40000 characters"));
        // astral characters count twice in UTF-16
        let s = "😀".repeat(20_000);
        let t = clean_long_text(&s);
        let n: usize = t.chars().map(char::len_utf16).sum();
        assert!(n <= MAX_TEXT_UTF16);
        let short = "x".repeat(MAX_TEXT_UTF16);
        assert_eq!(clean_long_text(&short), short);
    }

    #[test]
    fn uuid_is_v4_shaped_and_stable() {
        let a = derived_uuid(&["a", "b"]);
        assert_eq!(a, derived_uuid(&["a", "b"]));
        assert_ne!(a, derived_uuid(&["ab", ""]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn host_fields_are_validated() {
        let t = Target {
            host_name: " k8s-cp-01 ".into(),
            fqdn: "k8s-cp-01".into(),
            ip_addresses: vec![
                "10.0.0.11".into(),
                "fe80::1%eth0".into(),
                "bogus".into(),
                "10.0.0.11".into(),
                "10.0.0.12/24".into(),
            ],
            mac_addresses: vec![
                "52:54:00:12:34:56".into(),
                "zz:54:00:12:34:56".into(),
                "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00".into(),
            ],
            ..Default::default()
        };
        let h = HostFields::from_target(&t);
        assert_eq!(h.host_name, "k8s-cp-01");
        assert_eq!(h.ips, vec!["10.0.0.11", "fe80::1", "10.0.0.12"]);
        assert_eq!(h.macs, vec!["52:54:00:12:34:56"]);
        assert_eq!(h.fqdn, "");
        assert!(is_valid_fqdn("k8s-cp-01.cluster.local"));
        assert!(!is_valid_fqdn("node.10"));
        assert!(!is_valid_fqdn("-a.example"));
    }

    #[test]
    fn datetime_and_weight() {
        assert_eq!(
            xsd_datetime("2026-11-27T09:14:03Z").as_deref(),
            Some("2026-11-27T09:14:03Z")
        );
        assert_eq!(
            xsd_datetime("2026-11-27t09:14:03.5+01:00").as_deref(),
            Some("2026-11-27T09:14:03.5+01:00")
        );
        assert_eq!(xsd_datetime("2026-11-27 09:14:03Z"), None);
        assert_eq!(xsd_datetime("2026-13-27T09:14:03Z"), None);
        assert_eq!(xsd_datetime("garbage"), None);
        assert_eq!(weight("10.0"), "10.0");
        assert_eq!(weight("1e5"), "10.0");
        assert_eq!(weight(""), "10.0");
        assert_eq!(weight(&"9".repeat(400)), "10.0");
    }

    #[test]
    fn target_comment_carries_provenance() {
        let mut t = Target {
            role: "worker".into(),
            bundle_id: "sha256:ab".into(),
            signer_fingerprint: "SHA256:xy".into(),
            collected: "2026-11-27T09:14:02Z".into(),
            comment: "rack 4".into(),
            ..Default::default()
        };
        assert_eq!(
            target_comment(&t),
            "Kubernetes worker node; kstig bundle sha256:ab; signer SHA256:xy; \
             collected 2026-11-27T09:14:02Z\nrack 4"
        );
        t.untrusted = true;
        t.role = "cluster".into();
        let c = target_comment(&t);
        assert!(c.starts_with("Kubernetes cluster (roll-up of all nodes)"));
        assert!(c.contains("signer SHA256:xy NOT verified"));
        assert_eq!(target_comment(&Target::default()), "");
    }

    #[test]
    fn severity_spellings() {
        assert_eq!(severity("CAT II"), Some("medium"));
        assert_eq!(severity(" High "), Some("high"));
        assert_eq!(severity("severe"), None);
    }
}
