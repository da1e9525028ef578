//! Small XML writing helpers shared by the CKL and XCCDF writers.
//!
//! Every string written goes through [`escape_text`] or [`escape_attr`], which
//! make any Rust `String` safe for XML 1.0:
//!
//! - `&`, `<`, `>` are escaped in text (escaping `>` also breaks any `]]>`);
//!   attributes additionally escape `"`, `'`, and tab/LF/CR as character
//!   references so attribute-value normalization does not turn them into spaces.
//! - Characters XML 1.0 forbids (U+0000–U+001F except tab/LF/CR, U+FFFE, U+FFFF)
//!   cannot be written even as character references. They are replaced by a
//!   visible `\u{..}` escape (see [`crate::checklist::clean_text`]), so the
//!   evidence stays readable and the file stays well-formed.

use std::fmt::Write as _;

/// True when XML 1.0 allows `c` as a literal character (production `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Pushes `c`, or its visible `\u{..}` escape when XML 1.0 forbids it.
fn push_xml_safe(out: &mut String, c: char) {
    if is_xml_char(c) {
        out.push(c);
    } else {
        push_forbidden(out, c);
    }
}

/// The visible `\u{..}` escape of a character XML 1.0 forbids.
fn push_forbidden(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Length in bytes of a character XML 1.0 forbids starting at `b[i]`, if
/// one does: C0 controls other than tab/LF/CR (one byte), U+FFFE and U+FFFF
/// (`EF BF BE`, `EF BF BF`). Every other character of a `str` is allowed.
#[inline]
pub(crate) fn forbidden_at(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'\t' | b'\n' | b'\r' => None,
        0..=0x1f => Some(1),
        0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => Some(3),
        _ => None,
    }
}

/// Bytes [`escape_into`] must look at: 1 in element content and
/// attributes, 2 in attributes only; everything else is copied as it is.
const SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1; // C0 controls (tab and LF are plain in text, see below)
        i += 1;
    }
    t[b'\t' as usize] = 2;
    t[b'\n' as usize] = 2;
    t[b'"' as usize] = 2;
    t[b'\'' as usize] = 2;
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[0xEF] = 1; // may start U+FFFE or U+FFFF
    t
};

/// Appends `s` escaped for element content (or, with `attr`, for a quoted
/// attribute value) to `out`. Runs of plain bytes are copied at once; this
/// is the inner loop of every checklist writer.
fn escape_into(out: &mut String, s: &str, attr: bool) {
    let b = s.as_bytes();
    let limit = if attr { 2 } else { 1 };
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let class = SPECIAL[b[i] as usize];
        if class == 0 || class > limit {
            i += 1;
            continue;
        }
        let rep = match b[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            // A literal CR would be read back as LF; keep it as written.
            b'\r' => "&#13;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\t' => "&#9;",
            b'\n' => "&#10;",
            _ => match forbidden_at(b, i) {
                Some(len) => {
                    out.push_str(&s[start..i]);
                    if let Some(c) = s[i..].chars().next() {
                        push_forbidden(out, c);
                    }
                    i += len;
                    start = i;
                    continue;
                }
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Escapes `s` for element content.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    escape_into(&mut out, s, false);
    out
}

/// Appends `s` escaped for element content to `out`.
pub fn escape_text_into(out: &mut String, s: &str) {
    escape_into(out, s, false);
}

/// Escapes `s` for a double- or single-quoted attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s, true);
    out
}

/// Appends `s` escaped for a quoted attribute value to `out`.
pub fn escape_attr_into(out: &mut String, s: &str) {
    escape_into(out, s, true);
}

/// Makes `s` usable inside an XML comment: no `--`, no trailing `-`, no
/// forbidden characters.
pub fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '-' && out.ends_with('-') {
            out.push(' ');
        }
        push_xml_safe(&mut out, c);
    }
    if out.ends_with('-') {
        out.push(' ');
    }
    out
}

/// Replaces every character that is not allowed in an XML `NCName`
/// (ids such as `xccdf_mil.disa.stig_rule_SV-242376r879519_rule`) with `_`,
/// and prefixes `_` when the first character cannot start a name.
/// Real DISA ids pass unchanged.
pub fn ncname(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for (i, c) in s.chars().enumerate() {
        let ok = c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        let start_ok = c.is_ascii_alphabetic() || c == '_';
        if i == 0 && !start_ok {
            out.push('_');
        }
        out.push(if ok { c } else { '_' });
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Makes `s` a valid `xsd:anyURI` (RFC 3986 reference) by percent-encoding
/// what a URI cannot hold literally: spaces, controls, non-ASCII, `"<>[]{}|\\^`
/// and a second `#`, a `%` not followed by two hex digits, and `:` unless the
/// string starts with a scheme. Plain DISA values (`C-45651r863731_chk`,
/// `U_Kubernetes_V1R11_STIG.zip.xml`, `http://cyber.mil/cci`) pass unchanged.
pub fn uri_safe(s: &str) -> String {
    let s = s.trim();
    let scheme_len = {
        let b = s.as_bytes();
        match b.first() {
            Some(c) if c.is_ascii_alphabetic() => b
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
                .filter(|&i| b[i] == b':')
                .map(|i| i + 1)
                .unwrap_or(0),
            _ => 0,
        }
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..scheme_len]);
    let rest = &s[scheme_len..];
    let bytes = rest.as_bytes();
    let mut seen_hash = false;
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
            b'-' | b'.' | b'_' | b'~' | b'/' | b'?' | b'@' | b'!' | b'$' | b'&' | b'\'' => true,
            b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => true,
            b':' => scheme_len > 0,
            b'#' => {
                let first = !seen_hash;
                seen_hash = true;
                first
            }
            b'%' => {
                bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            }
            _ => false,
        };
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A minimal pretty-printing XML writer: the caller opens and closes
/// elements in order; every value is escaped here.
pub struct XmlWriter {
    buf: String,
    indent: &'static str,
}

impl XmlWriter {
    /// Starts a document with the XML declaration (UTF-8, no BOM).
    pub fn new(indent: &'static str) -> Self {
        Self::with_capacity(indent, 64 * 1024)
    }

    /// [`XmlWriter::new`] with room for `capacity` bytes.
    pub fn with_capacity(indent: &'static str, capacity: usize) -> Self {
        let mut buf = String::with_capacity(capacity);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        XmlWriter { buf, indent }
    }

    /// A piece of a document (no declaration), to be pasted into documents
    /// with [`XmlWriter::paste`]: what every checklist of a run shares is
    /// written once.
    pub fn fragment(indent: &'static str) -> Self {
        XmlWriter {
            buf: String::new(),
            indent,
        }
    }

    /// The text of a fragment.
    pub fn into_string(self) -> String {
        self.buf
    }

    /// Appends a fragment's text as it is.
    pub fn paste(&mut self, fragment: &str) {
        self.buf.push_str(fragment);
    }

    fn pad(&mut self, depth: usize) {
        for _ in 0..depth {
            self.buf.push_str(self.indent);
        }
    }

    fn push_attrs(&mut self, attrs: &[(&str, &str)]) {
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            escape_attr_into(&mut self.buf, value);
            self.buf.push('"');
        }
    }

    /// `<!--text-->` on its own line.
    pub fn comment(&mut self, depth: usize, text: &str) {
        self.pad(depth);
        self.buf.push_str("<!--");
        self.buf.push_str(&comment_text(text));
        self.buf.push_str("-->\n");
    }

    /// `<name attrs>` followed by a newline.
    pub fn open(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        self.pad(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.push_attrs(attrs);
        self.buf.push_str(">\n");
    }

    /// `</name>` followed by a newline.
    pub fn close(&mut self, depth: usize, name: &str) {
        self.pad(depth);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// `<name attrs>text</name>` (always an open/close pair, as STIG Viewer writes).
    pub fn leaf(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.pad(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.push_attrs(attrs);
        self.buf.push('>');
        escape_text_into(&mut self.buf, text);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// [`XmlWriter::leaf`] with text the caller already passed through
    /// [`escape_text`] (to escape a long text written twice only once).
    pub fn leaf_escaped(
        &mut self,
        depth: usize,
        name: &str,
        attrs: &[(&str, &str)],
        escaped: &str,
    ) {
        self.pad(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.push_attrs(attrs);
        self.buf.push('>');
        self.buf.push_str(escaped);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        self.pad(depth);
        self.buf.push('<');
        self.buf.push_str(name);
        self.push_attrs(attrs);
        self.buf.push_str("/>\n");
    }

    /// One line of already-escaped markup (for mixed-namespace snippets whose
    /// values the caller passed through [`escape_text`]).
    pub fn raw(&mut self, depth: usize, escaped_xml: &str) {
        self.pad(depth);
        self.buf.push_str(escaped_xml);
        self.buf.push('\n');
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_and_forbidden_chars() {
        assert_eq!(
            escape_text("a<b & c]]>d\u{1}e\u{FFFE}\tf\ng\rh"),
            "a&lt;b &amp; c]]&gt;d\\u{1}e\\u{fffe}\tf\ng&#13;h"
        );
    }

    #[test]
    fn attr_escapes_quotes_and_whitespace() {
        assert_eq!(
            escape_attr("\"x' <&>\t\n\r\u{0}"),
            "&quot;x&apos; &lt;&amp;&gt;&#9;&#10;&#13;\\u{0}"
        );
    }

    /// The char-by-char definition the fast escaping must match.
    fn reference(s: &str, attr: bool) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\r' => out.push_str("&#13;"),
                '"' if attr => out.push_str("&quot;"),
                '\'' if attr => out.push_str("&apos;"),
                '\t' if attr => out.push_str("&#9;"),
                '\n' if attr => out.push_str("&#10;"),
                _ => push_xml_safe(&mut out, c),
            }
        }
        out
    }

    #[test]
    fn fast_escaping_matches_the_definition() {
        let alphabet: Vec<char> =
            "a<&>\"'\t\n\r\u{0}\u{1f}\u{7f}\u{FFFE}\u{FFFF}\u{FFFD}\u{EFFF}é€😀 ]"
                .chars()
                .collect();
        // Every string of up to three characters from the alphabet, plus long mixes.
        let mut cases: Vec<String> = vec![String::new()];
        for a in &alphabet {
            cases.push(a.to_string());
            for b in &alphabet {
                cases.push(format!("{a}{b}"));
                for c in &alphabet {
                    cases.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut x: u32 = 1;
        for _ in 0..200 {
            let mut s = String::new();
            for _ in 0..50 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                s.push(alphabet[(x >> 16) as usize % alphabet.len()]);
            }
            cases.push(s);
        }
        for s in &cases {
            assert_eq!(escape_text(s), reference(s, false), "{s:?}");
            assert_eq!(escape_attr(s), reference(s, true), "{s:?}");
        }
    }

    #[test]
    fn comment_never_contains_double_dash() {
        let c = comment_text("a--b-");
        assert!(!c.contains("--"));
        assert!(!c.ends_with('-'));
    }

    #[test]
    fn uri_safe_keeps_disa_values_and_encodes_the_rest() {
        for ok in [
            "C-45651r863731_chk",
            "U_Kubernetes_V1R11_STIG.zip.xml",
            "http://cyber.mil/cci",
            "urn:kstig:check:manual",
            "kstig:0.1.0",
            "a%20b#frag",
        ] {
            assert_eq!(uri_safe(ok), ok);
        }
        assert_eq!(
            uri_safe("a b]:c#d#e%zz é"),
            "a%20b%5D%3Ac#d%23e%25zz%20%C3%A9"
        );
        assert_eq!(uri_safe("1a:b"), "1a%3Ab");
    }

    #[test]
    fn ncname_keeps_disa_ids() {
        assert_eq!(
            ncname("xccdf_mil.disa.stig_rule_SV-242376r879519_rule"),
            "xccdf_mil.disa.stig_rule_SV-242376r879519_rule"
        );
        assert_eq!(ncname("1a b"), "_1a_b");
        assert_eq!(ncname(""), "_");
    }
}
