//! Redaction of secret values in process arguments and captured text.
//!
//! A secret value is replaced in place by `<kstig-redacted sha256:HEX>`
//! ([`crate::manifest::REDACTION_PREFIX`]), where HEX is the SHA-256 of the
//! value as written (inside its quotes, if quoted). Everything else stays as it
//! was, so line numbers, YAML structure and the order of, say, encryption
//! providers are still evidence.

use crate::manifest::REDACTION_PREFIX;
use crate::yamlscan::{self, LineEvent, Scalar};
use base64::Engine;
use std::borrow::Cow;

/// SHA-256 of `bytes` (ring's: assembly, with SHA-NI where the CPU has it).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    s
}

/// The marker that replaces `value`.
pub fn marker(value: &[u8]) -> String {
    format!("{REDACTION_PREFIX}sha256:{}>", sha256_hex(value))
}

/// A name (flag, YAML key, environment variable) squashed to lowercase
/// letters and digits: `--client-key-data`, `clientKeyData` and
/// `CLIENT_KEY_DATA` all become `clientkeydata`.
///
/// Names are checked for every key, flag and variable of every captured
/// file: up to 64 squashed bytes live on the stack, longer names allocate.
pub(crate) struct Squashed {
    short: [u8; 64],
    len: usize,
    long: Option<String>,
}

impl Squashed {
    pub(crate) fn new(name: &str) -> Squashed {
        let mut s = Squashed {
            short: [0; 64],
            len: 0,
            long: None,
        };
        for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
            let b = b.to_ascii_lowercase();
            if let Some(long) = &mut s.long {
                long.push(char::from(b));
            } else if s.len < s.short.len() {
                s.short[s.len] = b;
                s.len += 1;
            } else {
                let mut long = String::from_utf8_lossy(&s.short).into_owned();
                long.push(char::from(b));
                s.long = Some(long);
            }
        }
        s
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.long {
            Some(long) => long,
            // ASCII letters and digits only.
            None => std::str::from_utf8(&self.short[..self.len]).unwrap_or(""),
        }
    }
}

/// Words that make a name secret.
const SECRET_WORDS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "secret",
    "keydata",
    "privatekey",
    "psk",
    "apikey",
    "accesskey",
];

/// Endings that make a secret-looking name refer to something that is not
/// itself secret (a file holding the secret, a duration, a switch).
const NOT_SECRET_ENDINGS: &[&str] = &[
    "file",
    "path",
    "dir",
    "ttl",
    "expiration",
    "duration",
    "seconds",
    "auth",
    "config",
    "hash",
    "provider",
    "encryption",
    "name",
    "ref",
];

/// Whether values of a flag, key or variable with this name are secret.
pub fn is_secret_name(name: &str) -> bool {
    is_secret_squashed(Squashed::new(name).as_str())
}

fn is_secret_squashed(s: &str) -> bool {
    !s.is_empty()
        && SECRET_WORDS.iter().any(|w| has_word(s, w))
        && !NOT_SECRET_ENDINGS.iter().any(|e| s.ends_with(e))
}

/// `is_secret_name(name) || is_datastore_name(name)`, the name squashed once.
fn is_secret_or_datastore_name(name: &str) -> bool {
    let s = Squashed::new(name);
    let s = s.as_str();
    is_secret_squashed(s) || s.ends_with(DATASTORE_ENDPOINT)
}

/// `hay.contains(word)` for the short squashed names: compares where the
/// first byte matches instead of setting up a substring searcher per word
/// (names are checked hundreds of thousands of times on a large node).
fn has_word(hay: &str, word: &str) -> bool {
    let (hay, word) = (hay.as_bytes(), word.as_bytes());
    let Some((&first, _)) = word.split_first() else {
        return true;
    };
    hay.len() >= word.len()
        && (0..=hay.len() - word.len()).any(|i| hay[i] == first && &hay[i..i + word.len()] == word)
}

const DATASTORE_ENDPOINT: &str = "datastoreendpoint";

/// `--datastore-endpoint`, `K3S_DATASTORE_ENDPOINT`, `datastore-endpoint:`.
fn is_datastore_name(name: &str) -> bool {
    Squashed::new(name).as_str().ends_with(DATASTORE_ENDPOINT)
}

/// What to write instead of `value` (given as written) for a flag/key named
/// `name`, or `None` when it is not a secret.
pub fn replacement(name: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.starts_with(REDACTION_PREFIX) {
        return None;
    }
    if is_datastore_name(name) {
        return datastore_replacement(value);
    }
    if !is_secret_name(name) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if lower == "true" || lower == "false" || v == "null" || v == "~" {
        return None;
    }
    Some(marker(value.as_bytes()))
}

/// Redact only the credentials of a datastore endpoint
/// (`postgres://user:pass@host/db` keeps scheme and host), or all of it when
/// it carries a `password=` parameter.
fn datastore_replacement(value: &str) -> Option<String> {
    if value.to_ascii_lowercase().contains("password=") {
        return Some(marker(value.as_bytes()));
    }
    let at = value.rfind('@')?;
    let start = value.find("://").map(|i| i + 3).unwrap_or(0);
    if start >= at {
        return None;
    }
    let creds = &value[start..at];
    Some(format!(
        "{}{}{}",
        &value[..start],
        marker(creds.as_bytes()),
        &value[at..]
    ))
}

/// Redact secret flag values in a process's argv: `--token=X`, `--token X`,
/// `--etcd-password X`, ... and, for k3s/rke2 (`short_token`), `-t X`.
/// Returns the new argv and the number of values replaced.
pub fn redact_argv(argv: &[String], short_token: bool) -> (Vec<String>, u32) {
    let mut out = Vec::with_capacity(argv.len());
    let mut count = 0u32;
    let mut i = 0;
    while i < argv.len() {
        let arg = &argv[i];
        i += 1;
        let body = arg.trim_start_matches('-');
        let dashes = arg.len() - body.len();
        if dashes == 0 || body.is_empty() {
            out.push(arg.clone());
            continue;
        }
        let flag_name = |name: &str| -> String {
            if short_token && dashes == 1 && name == "t" {
                "token".to_string()
            } else {
                name.to_string()
            }
        };
        if let Some((name, value)) = body.split_once('=') {
            match replacement(&flag_name(name), value) {
                Some(r) => {
                    out.push(format!("{}{}={}", &arg[..dashes], name, r));
                    count += 1;
                }
                None => out.push(arg.clone()),
            }
            continue;
        }
        out.push(arg.clone());
        let name = flag_name(body);
        if !is_secret_or_datastore_name(&name) {
            continue;
        }
        if let Some(next) = argv.get(i) {
            if next.starts_with('-') {
                continue;
            }
            match replacement(&name, next) {
                Some(r) => {
                    out.push(r);
                    count += 1;
                }
                None => out.push(next.clone()),
            }
            i += 1;
        }
    }
    (out, count)
}

/// Result of redacting a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub count: u32,
}

/// Redact secrets in captured text content (YAML, JSON, env files, systemd
/// units, kubeconfigs), line by line, keeping the number of lines.
///
/// Passes, in order: PEM private key blocks; YAML/JSON `key: value` entries
/// with secret keys (including block scalars and multi-line values);
/// `NAME=value` anywhere in a line (env files, `--flag=value`); space
/// separated `--secret-flag value` (also across YAML sequence items);
/// JSON `"key": "value"` pairs anywhere; base64-encoded PEM private keys;
/// kubeadm bootstrap tokens (`abcdef.0123456789abcdef`).
pub fn redact_text(text: &str) -> Redacted {
    // A line stays borrowed from `text` until a pass changes it.
    let mut lines: Vec<Cow<'_, str>> = text.split('\n').map(Cow::Borrowed).collect();
    let mut count = 0u32;
    // Whole-text looks first: a line can hold these only if the text does
    // (and no pass writes them: a marker is `<kstig-redacted sha256:HEX>`).
    let text_has_pem = text.contains(PEM_BEGIN);
    let text_has_b64_pem = text.contains(B64_PEM_BEGIN);
    if text_has_pem {
        count += redact_pem_blocks(&mut lines);
    }
    count += redact_yaml_entries(text, &mut lines);
    // Whether `-t` is k3s/rke2's token flag: looked up in the whole text
    // only when a line holds a `-t`.
    let short_token_cell = std::cell::OnceCell::new();
    let short_token = || {
        *short_token_cell.get_or_init(|| {
            contains_ignore_ascii_case(text, "k3s") || contains_ignore_ascii_case(text, "rke2")
        })
    };
    let mut pending_flag: Option<String> = None;
    let mut b64_key_goes_on = false;
    for line in lines.iter_mut() {
        // The rest of a line-wrapped base64 private key.
        if b64_key_goes_on {
            let t = line.trim();
            if !t.is_empty() && t.bytes().all(is_base64_byte) {
                let indent = yamlscan::indent_of(line);
                line.to_mut().truncate(indent);
                continue;
            }
            b64_key_goes_on = false;
        }
        // Each pass runs only on a line holding the byte it starts from
        // (it would return the line unchanged otherwise): most lines need
        // none. A pass that changes nothing returns the line borrowed.
        if line.contains('=') {
            count += apply(line, redact_assignments);
        }
        if pending_flag.is_some() || line.contains('-') {
            let (l, n, pending) = redact_spaced_flags(line, &short_token, pending_flag.take());
            pending_flag = pending;
            count += n;
            if let Cow::Owned(l) = l {
                *line = Cow::Owned(l);
            }
        }
        if line.contains('"') {
            count += apply(line, redact_json_pairs);
        }
        if line.contains('{') {
            count += apply(line, redact_flow_pairs);
        }
        if text_has_b64_pem && line.contains(B64_PEM_BEGIN) {
            let n = apply(line, redact_base64_keys);
            count += n;
            if n > 0 && line.trim_end().ends_with('>') {
                b64_key_goes_on = true;
            }
        }
        if text_has_pem && line.contains(PEM_BEGIN) {
            count += apply(line, redact_inline_pem);
        }
        if line.len() >= 23 && line.contains('.') {
            count += apply(line, redact_bootstrap_tokens);
        }
    }
    Redacted {
        text: if lines.iter().all(|l| matches!(l, Cow::Borrowed(_))) {
            text.to_string()
        } else {
            lines.join("\n")
        },
        count,
    }
}

/// Run one line pass; the line is replaced only when the pass changed it
/// (a pass returns the line borrowed otherwise). Returns the values replaced.
fn apply(line: &mut Cow<'_, str>, pass: fn(&str) -> (Cow<'_, str>, u32)) -> u32 {
    let (changed, n) = match pass(line) {
        (Cow::Owned(l), n) => (Some(l), n),
        (Cow::Borrowed(_), n) => (None, n),
    };
    if let Some(l) = changed {
        *line = Cow::Owned(l);
    }
    n
}

/// `text.to_ascii_lowercase().contains(needle)` for a lowercase `needle`,
/// without copying the text.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    text.as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

fn is_private_begin(line: &str) -> bool {
    match line.find("-----BEGIN ") {
        Some(i) => line[i..].contains("PRIVATE KEY-----"),
        None => false,
    }
}

/// Whether the text contains a PEM private key header at all.
pub fn has_private_key_pem(text: &str) -> bool {
    text.contains(PEM_BEGIN) && text.split('\n').any(is_private_begin)
}

/// What every PEM header line holds.
const PEM_BEGIN: &str = "-----BEGIN ";

/// Multi-line PEM private key blocks: the body lines are replaced (first by
/// a marker of the whole body, the rest by empty lines).
fn redact_pem_blocks(lines: &mut [Cow<'_, str>]) -> u32 {
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_private_begin(&lines[i]) || lines[i].contains("-----END ") {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len() && !lines[j].contains("-----END ") {
            j += 1;
        }
        let body_end = j.min(lines.len());
        if body_end > i + 1 {
            let body: Vec<&str> = lines[i + 1..body_end].iter().map(|l| l.trim()).collect();
            let m = marker(body.join("\n").as_bytes());
            for (k, line) in lines[i + 1..body_end].iter_mut().enumerate() {
                let indent = yamlscan::indent_of(line);
                let prefix = " ".repeat(indent);
                *line = Cow::Owned(if k == 0 {
                    format!("{prefix}{m}")
                } else {
                    String::new()
                });
            }
            count += 1;
        }
        i = body_end + 1;
    }
    count
}

/// YAML (and line-per-pair JSON) entries whose key is secret.
fn redact_yaml_entries(text: &str, lines: &mut [Cow<'_, str>]) -> u32 {
    let events = yamlscan::scan_entries(text);
    let mut count = 0;
    let originals: Vec<&str> = text.split('\n').collect();
    for (idx, event) in events.iter().enumerate() {
        let LineEvent::Entry { entry, .. } = event else {
            continue;
        };
        let Some(key) = &entry.key else { continue };
        // `replacement` is None for any other name: skip building the value.
        if !is_secret_or_datastore_name(key) {
            continue;
        }
        let original = originals.get(idx).copied().unwrap_or("");
        // A secret key whose continuation lines are part of its value.
        let continues = (idx + 1..events.len())
            .take_while(|k| matches!(events[*k], LineEvent::Continuation { owner } if owner == idx))
            .count();
        let cont_text: Vec<&str> = originals
            .iter()
            .skip(idx + 1)
            .take(continues)
            .map(|l| l.trim())
            .collect();
        match entry.value {
            Scalar::Block => {
                if continues == 0 {
                    continue;
                }
                let value = cont_text.join("\n");
                if let Some(r) = replacement(key, value.trim_end()) {
                    put_on_first_continuation(lines, idx, continues, &r);
                    count += 1;
                }
            }
            Scalar::Quoted {
                start, end, closed, ..
            } => {
                let Some(first) = original.get(start..end) else {
                    continue;
                };
                let value = if closed || continues == 0 {
                    first.to_string()
                } else {
                    let mut v = first.to_string();
                    for c in &cont_text {
                        v.push('\n');
                        v.push_str(c);
                    }
                    v
                };
                if let Some(r) = replacement(key, &value) {
                    if closed {
                        lines[idx] = Cow::Owned(splice(original, start, end, &r));
                    } else {
                        // Keep the opening quote, close it ourselves, blank the rest.
                        let quote = original.get(start - 1..start).unwrap_or("\"");
                        lines[idx] = Cow::Owned(format!("{}{}{}", &original[..start], r, quote));
                        blank_continuations(lines, idx, continues);
                    }
                    count += 1;
                }
            }
            Scalar::Plain { start, end, .. } => {
                let Some(first) = original.get(start..end) else {
                    continue;
                };
                let mut value = first.to_string();
                for c in cont_text.iter().filter(|c| !c.is_empty()) {
                    value.push(' ');
                    value.push_str(c);
                }
                if let Some(r) = replacement(key, &value) {
                    lines[idx] = Cow::Owned(splice(original, start, end, &r));
                    blank_continuations(lines, idx, continues);
                    count += 1;
                }
            }
            // Flow collections keep their structure; JSON pairs inside are
            // handled by the JSON pass.
            Scalar::Empty | Scalar::Flow { .. } => {}
        }
    }
    count
}

fn splice(line: &str, start: usize, end: usize, with: &str) -> String {
    let mut s = String::with_capacity(line.len() + with.len());
    s.push_str(line.get(..start).unwrap_or(""));
    s.push_str(with);
    s.push_str(line.get(end..).unwrap_or(""));
    s
}

fn put_on_first_continuation(lines: &mut [Cow<'_, str>], owner: usize, continues: usize, r: &str) {
    let mut placed = false;
    for k in owner + 1..=owner + continues {
        let Some(line) = lines.get_mut(k) else { break };
        if !placed && !line.trim().is_empty() {
            let indent = yamlscan::indent_of(line);
            *line = Cow::Owned(format!("{}{}", " ".repeat(indent), r));
            placed = true;
        } else {
            // Owned: an emptied line is a changed line.
            *line = Cow::Owned(String::new());
        }
    }
}

fn blank_continuations(lines: &mut [Cow<'_, str>], owner: usize, continues: usize) {
    for k in owner + 1..=owner + continues {
        if let Some(line) = lines.get_mut(k) {
            *line = Cow::Owned(String::new());
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

fn is_value_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b',' | b';' | b'&' | b'\\' | b')' | b']' | b'}'
        )
}

/// `NAME=value` anywhere in a line: env files (`K3S_TOKEN=...`), flags
/// (`--token=...`), URL query parameters (`?password=...`).
fn redact_assignments(line: &str) -> (Cow<'_, str>, u32) {
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut count = 0;
    let mut copied = 0; // bytes of `line` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            i += 1;
            continue;
        }
        let mut s = i;
        while s > 0 && is_name_byte(bytes[s - 1]) {
            s -= 1;
        }
        let name = &line[s..i];
        let vstart = i + 1;
        if name.is_empty() || vstart >= bytes.len() {
            i += 1;
            continue;
        }
        // Quoted value?
        let (inner_start, inner_end, next) = match bytes[vstart] {
            q @ (b'"' | b'\'') => {
                match yamlscan::find_closing_quote(line, vstart + 1, bytes.len(), q as char) {
                    Some(close) => (vstart + 1, close, close + 1),
                    None => (vstart + 1, bytes.len(), bytes.len()),
                }
            }
            _ => {
                let mut e = vstart;
                while e < bytes.len() && !is_value_stop(bytes[e]) {
                    e += 1;
                }
                (vstart, e, e)
            }
        };
        let value = &line[inner_start..inner_end];
        if inner_start < copied {
            i += 1;
            continue;
        }
        match replacement(name, value) {
            Some(r) => {
                out.push_str(&line[copied..inner_start]);
                out.push_str(&r);
                copied = inner_end;
                count += 1;
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

/// Token spans of a line split on whitespace: (start, end).
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let s = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if s < i {
            spans.push((s, i));
        }
    }
    spans
}

/// Strip quotes/commas/brackets around a token: `"--token",` -> `--token`.
fn token_core(tok: &str) -> (usize, usize) {
    let b = tok.as_bytes();
    let mut s = 0;
    let mut e = b.len();
    while s < e && matches!(b[s], b'"' | b'\'' | b'[' | b'(') {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b'"' | b'\'' | b',' | b']' | b')' | b'\\' | b';') {
        e -= 1;
    }
    (s, e)
}

/// Space-separated secret flags: `--token abc`, `-t abc` (k3s/rke2), and
/// across lines in a YAML sequence (`- --token` then `- abc`).
/// `pending` says the previous line ended with such a flag.
fn redact_spaced_flags<'a>(
    line: &'a str,
    short_token: &dyn Fn() -> bool,
    pending: Option<String>,
) -> (Cow<'a, str>, u32, Option<String>) {
    let spans = token_spans(line);
    let mut replace: Vec<(usize, usize, String)> = Vec::new();
    let is_item = line.trim_start().starts_with("- ");
    let mut want_value = pending.is_some() && is_item;
    let mut want_name = pending.unwrap_or_default();
    for (idx, &(s, e)) in spans.iter().enumerate() {
        let tok = &line[s..e];
        if idx == 0 && tok == "-" {
            // YAML sequence marker: the item follows.
            continue;
        }
        let (cs, ce) = token_core(tok);
        let core = &tok[cs..ce];
        if want_value {
            want_value = false;
            if !core.starts_with('-') && !core.is_empty() {
                if let Some(r) = replacement(&want_name, core) {
                    replace.push((s + cs, s + ce, r));
                }
                continue;
            }
        }
        if core.contains('=') || !core.starts_with('-') {
            continue;
        }
        let body = core.trim_start_matches('-');
        let dashes = core.len() - body.len();
        let name = if dashes == 1 && body == "t" && short_token() {
            "token"
        } else if dashes >= 2 {
            body
        } else {
            continue;
        };
        if is_secret_or_datastore_name(name) {
            want_value = true;
            want_name = name.to_string();
        }
    }
    // A flag at the end of a YAML item line takes its value from the next item.
    let pending_next = if want_value && is_item {
        Some(want_name)
    } else {
        None
    };
    if replace.is_empty() {
        return (Cow::Borrowed(line), 0, pending_next);
    }
    let mut out = String::new();
    let mut copied = 0;
    let n = replace.len() as u32;
    for (s, e, r) in replace {
        out.push_str(&line[copied..s]);
        out.push_str(&r);
        copied = e;
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), n, pending_next)
}

/// YAML flow-mapping pairs with plain or single-quoted keys and values
/// (`user: {client-key-data: X, token: Y}`): a key right after `{` or `,`,
/// then `:` and a space, then a value up to the next `,`, `}` or `]` (or
/// the closing quote). Delimiters are ASCII, so every slice is on a char
/// boundary.
fn redact_flow_pairs(line: &str) -> (Cow<'_, str>, u32) {
    if !line.contains('{') {
        return (Cow::Borrowed(line), 0);
    }
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' && bytes[i] != b',' {
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while k < bytes.len() && bytes[k] == b' ' {
            k += 1;
        }
        // The key: quoted, or a run of name bytes.
        let (key, after_key) = match bytes.get(k) {
            Some(q @ (b'"' | b'\'')) => {
                let quote = char::from(*q);
                match yamlscan::find_closing_quote(line, k + 1, bytes.len(), quote) {
                    Some(close) => (
                        yamlscan::unquote_inner(&line[k + 1..close], quote),
                        close + 1,
                    ),
                    None => break,
                }
            }
            _ => {
                let mut e = k;
                while e < bytes.len() && is_name_byte(bytes[e]) {
                    e += 1;
                }
                (line[k..e].to_string(), e)
            }
        };
        if key.is_empty() || bytes.get(after_key) != Some(&b':') {
            i = after_key.max(i + 1);
            continue;
        }
        let mut v = after_key + 1;
        if bytes.get(v) != Some(&b' ') {
            i = v;
            continue;
        }
        while v < bytes.len() && bytes[v] == b' ' {
            v += 1;
        }
        // The value: quoted (the quotes are kept), or plain up to a delimiter.
        let (vstart, vend, next) = match bytes.get(v) {
            Some(q @ (b'"' | b'\'')) => {
                match yamlscan::find_closing_quote(line, v + 1, bytes.len(), char::from(*q)) {
                    Some(close) => (v + 1, close, close + 1),
                    None => (v + 1, bytes.len(), bytes.len()),
                }
            }
            _ => {
                let mut e = v;
                while e < bytes.len() && !matches!(bytes[e], b',' | b'}' | b']') {
                    e += 1;
                }
                let mut end = e;
                while end > v && bytes[end - 1] == b' ' {
                    end -= 1;
                }
                (v, end, e)
            }
        };
        if vstart < vend {
            if let Some(r) = replacement(&key, &line[vstart..vend]) {
                out.push_str(&line[copied..vstart]);
                out.push_str(&r);
                copied = vend;
                count += 1;
            }
        }
        i = next.max(i + 1);
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

/// JSON `"key": "value"` pairs anywhere in a line (minified JSON kubeconfigs).
fn redact_json_pairs(line: &str) -> (Cow<'_, str>, u32) {
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let Some(kclose) = yamlscan::find_closing_quote(line, i + 1, bytes.len(), '"') else {
            break;
        };
        let key = &line[i + 1..kclose];
        let mut j = kclose + 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b':' {
            i = kclose + 1;
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b'"' {
            i = j;
            continue;
        }
        let Some(vclose) = yamlscan::find_closing_quote(line, j + 1, bytes.len(), '"') else {
            break;
        };
        let value = &line[j + 1..vclose];
        if let Some(r) = replacement(&yamlscan::unquote_inner(key, '"'), value) {
            out.push_str(&line[copied..j + 1]);
            out.push_str(&r);
            copied = vclose;
            count += 1;
        }
        i = vclose + 1;
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// base64("-----BEGIN") starts with this.
const B64_PEM_BEGIN: &str = "LS0tLS1CRUdJTi";

/// Base64-encoded PEM private keys under any name (`client-key-data`,
/// `tls.key` in a ConfigMap, ...).
fn redact_base64_keys(line: &str) -> (Cow<'_, str>, u32) {
    if !line.contains(B64_PEM_BEGIN) {
        return (Cow::Borrowed(line), 0);
    }
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    let mut from = 0;
    while let Some(off) = line[from..].find(B64_PEM_BEGIN) {
        let s = from + off;
        let mut e = s;
        while e < bytes.len() && is_base64_byte(bytes[e]) {
            e += 1;
        }
        let run = &line[s..e];
        if decodes_to_private_key(run) {
            out.push_str(&line[copied..s]);
            out.push_str(&marker(run.as_bytes()));
            copied = e;
            count += 1;
        }
        from = e.max(s + 1);
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

fn decodes_to_private_key(run: &str) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    let trimmed = run.trim_end_matches('=');
    let decoded = match engine.decode(run) {
        Ok(d) => d,
        Err(_) => {
            // Tolerate a truncated or unpadded run: decode the longest multiple of 4.
            let usable = trimmed.len() / 4 * 4;
            match engine.decode(&trimmed[..usable]) {
                Ok(d) => d,
                Err(_) => return true, // looks like a PEM header in base64: be safe
            }
        }
    };
    let text = String::from_utf8_lossy(&decoded);
    text.contains("PRIVATE KEY")
}

/// PEM private keys on one line (JSON strings with `\n` escapes).
fn redact_inline_pem(line: &str) -> (Cow<'_, str>, u32) {
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    let mut from = 0;
    while let Some(off) = line[from..].find("-----BEGIN ") {
        let b = from + off;
        let Some(hdr_rel) = line[b..].find("PRIVATE KEY-----") else {
            break;
        };
        let body_start = b + hdr_rel + "PRIVATE KEY-----".len();
        let Some(end_rel) = line[body_start..].find("-----END ") else {
            break;
        };
        let body_end = body_start + end_rel;
        let body = &line[body_start..body_end];
        let t = body.trim();
        if !t.is_empty() && !t.starts_with(REDACTION_PREFIX) {
            out.push_str(&line[copied..body_start]);
            out.push_str(&marker(body.as_bytes()));
            copied = body_end;
            count += 1;
        }
        from = body_end;
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

/// kubeadm bootstrap tokens: `[a-z0-9]{6}.[a-z0-9]{16}` as a whole word.
fn redact_bootstrap_tokens(line: &str) -> (Cow<'_, str>, u32) {
    let bytes = line.as_bytes();
    if bytes.len() < 23 {
        return (Cow::Borrowed(line), 0);
    }
    let tok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    let mut i = 0;
    while i + 23 <= bytes.len() {
        let boundary_before = i == 0 || !(is_name_byte(bytes[i - 1]) || bytes[i - 1] == b'.');
        let fits = boundary_before
            && bytes[i..i + 6].iter().all(|b| tok(*b))
            && bytes[i + 6] == b'.'
            && bytes[i + 7..i + 23].iter().all(|b| tok(*b))
            && (i + 23 == bytes.len() || !(is_name_byte(bytes[i + 23]) || bytes[i + 23] == b'.'));
        if fits {
            out.push_str(&line[copied..i]);
            out.push_str(&marker(&bytes[i..i + 23]));
            copied = i + 23;
            count += 1;
            i += 23;
        } else {
            i += 1;
        }
    }
    if count == 0 {
        return (Cow::Borrowed(line), 0);
    }
    out.push_str(&line[copied..]);
    (Cow::Owned(out), count)
}

/// Final check on text about to be stored: does any private key material
/// survive? (A PEM private key body that is not a marker, or a base64 PEM
/// private key.) When true, the caller must withhold the content.
pub fn leaks_private_key(text: &str) -> bool {
    let mut from = 0;
    while let Some(off) = text[from..].find("-----BEGIN ") {
        let b = from + off;
        let after = &text[b..];
        let line_end = after.find('\n').unwrap_or(after.len());
        if let Some(h) = after[..line_end].find("PRIVATE KEY-----") {
            let body_start = h + "PRIVATE KEY-----".len();
            let body_end = after[body_start..]
                .find("-----END ")
                .map(|e| body_start + e)
                .unwrap_or(after.len());
            let body = &after[body_start..body_end];
            let mut leftover = body.to_string();
            while let Some(p) = leftover.find(REDACTION_PREFIX) {
                let end = leftover[p..]
                    .find('>')
                    .map(|e| p + e + 1)
                    .unwrap_or(leftover.len());
                leftover.replace_range(p..end, "");
            }
            let leftover = leftover.replace("\\n", "").replace("\\r", "");
            let material = leftover
                .bytes()
                .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
                .count();
            if material > 16 {
                return true;
            }
        }
        from = b + 1;
    }
    let mut from = 0;
    while let Some(off) = text[from..].find(B64_PEM_BEGIN) {
        let s = from + off;
        let bytes = text.as_bytes();
        let mut e = s;
        while e < bytes.len() && is_base64_byte(bytes[e]) {
            e += 1;
        }
        if decodes_to_private_key(&text[s..e]) {
            return true;
        }
        from = e.max(s + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn has_word_is_contains() {
        for hay in [
            "",
            "t",
            "token",
            "xtokenx",
            "tokentoken",
            "ttoke",
            "apikeyz",
            "pskpsk",
        ] {
            for word in SECRET_WORDS.iter().chain(["", "t", "kk"].iter()) {
                assert_eq!(has_word(hay, word), hay.contains(word), "{hay} {word}");
            }
        }
    }

    #[test]
    fn squashed_names_short_and_long() {
        let plain = |n: &str| -> String {
            n.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        for name in [
            "",
            "--client-key-data",
            "CLIENT_KEY_DATA",
            "clientKeyData",
            "é-ü_Token",
            &"Ab-".repeat(40),
            &"x".repeat(64),
            &"y".repeat(65),
        ] {
            assert_eq!(Squashed::new(name).as_str(), plain(name), "{name}");
        }
        // A secret word past the 64th byte still counts.
        assert!(is_secret_name(&format!("{}-password", "a".repeat(70))));
    }

    #[test]
    fn flow_mapping_pairs() {
        let r = redact_text("  user: {client-key-data: QUJD, token: s3cr3tTOKEN, password: 'p@ss, word', name: x}\n");
        assert!(!r.text.contains("s3cr3tTOKEN"), "{}", r.text);
        assert!(!r.text.contains("p@ss"), "{}", r.text);
        assert!(r.text.contains("name: x}"), "{}", r.text);
        assert_eq!(r.count, 3, "{}", r.text);
        let r = redact_text("a: {token: [x], ñ: {password: ü}}\n");
        assert!(!r.text.contains(": ü"), "{}", r.text);
        for odd in [
            "{",
            "{,",
            "{ token:",
            "{'token': 'x",
            "{token: \"",
            ",,{:: ,}",
        ] {
            let _ = redact_text(odd);
        }
    }

    /// redact_text as it was before the per-pass guards: every pass on every line.
    fn redact_text_unguarded(text: &str) -> Redacted {
        let mut lines: Vec<Cow<'_, str>> = text.split('\n').map(Cow::Borrowed).collect();
        let mut count = 0u32;
        count += redact_pem_blocks(&mut lines);
        count += redact_yaml_entries(text, &mut lines);
        let short_token = {
            let lower = text.to_ascii_lowercase();
            lower.contains("k3s") || lower.contains("rke2")
        };
        let mut pending_flag: Option<String> = None;
        let mut b64_key_goes_on = false;
        for line in lines.iter_mut() {
            if b64_key_goes_on {
                let t = line.trim();
                if !t.is_empty() && t.bytes().all(is_base64_byte) {
                    let indent = yamlscan::indent_of(line);
                    line.to_mut().truncate(indent);
                    continue;
                }
                b64_key_goes_on = false;
            }
            let (l, n) = redact_assignments(line);
            count += n;
            let (l, n, pending) = redact_spaced_flags(&l, &|| short_token, pending_flag.take());
            pending_flag = pending;
            count += n;
            let (l, n) = redact_json_pairs(&l);
            count += n;
            let (l, n) = redact_flow_pairs(&l);
            count += n;
            let (l, n) = redact_base64_keys(&l);
            count += n;
            if n > 0 && l.trim_end().ends_with('>') {
                b64_key_goes_on = true;
            }
            let (l, n) = redact_inline_pem(&l);
            count += n;
            let (l, n) = redact_bootstrap_tokens(&l);
            count += n;
            *line = Cow::Owned(l.into_owned());
        }
        Redacted {
            text: lines.join("\n"),
            count,
        }
    }

    fn sample_texts(dir: &std::path::Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                sample_texts(&p, out);
            } else if ft.is_file() {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    out.push(t);
                }
            }
        }
    }

    #[test]
    fn guarded_passes_change_nothing() {
        let mut texts = Vec::new();
        sample_texts(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples"),
            &mut texts,
        );
        assert!(texts.len() > 100, "sample files found: {}", texts.len());
        // Every line of the samples, also mixed with its neighbours' pieces.
        let mut mixes = Vec::new();
        for t in &texts {
            let lines: Vec<&str> = t.lines().collect();
            for w in lines.windows(2) {
                mixes.push(format!("{}{}", w[0], w[1]));
                mixes.push(format!("- {}\n- {}", w[0].trim(), w[1].trim()));
            }
        }
        texts.extend(mixes);
        texts.extend(
            [
                "k3s server -t abcdef\n- --token\n- abc\n",
                "K3S args: [\"-t\", \"xyz\"]",
                "--token\nvalue",
                "x: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==\n  more\n",
                "join abcdef.0123456789abcdef now",
                "{\"password\": \"p\", \"a\": \"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\"}",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(redact_text(t), redact_text_unguarded(t), "{t:?}");
        }
    }

    fn argv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn secret_names() {
        for n in [
            "--token",
            "token",
            "client-key-data",
            "clientKeyData",
            "K3S_TOKEN",
            "agent-token",
            "--etcd-password",
            "secret",
            "refresh-token",
            "--bootstrap-token",
            "etcd-s3-secret-key",
            "etcd-s3-access-key",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "--token-auth-file",
            "--enable-bootstrap-token-auth",
            "tokenFile",
            "--service-account-max-token-expiration",
            "client-key",
            "client-certificate-data",
            "--tls-private-key-file",
            "--encryption-provider-config",
            "--kubeconfig",
            "name",
            "secrets-encryption",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn argv_redaction() {
        let (out, n) = redact_argv(
            &argv(&[
                "kube-apiserver",
                "--secure-port=6443",
                "--token=SECRET",
                "--etcd-password",
                "P4ss",
                "--enable-bootstrap-token-auth=true",
                "--token-auth-file=/etc/tokens.csv",
                "--bootstrap-token",
                "--next",
            ]),
            false,
        );
        assert_eq!(n, 2);
        assert_eq!(out[1], "--secure-port=6443");
        assert_eq!(out[2], format!("--token={}", marker(b"SECRET")));
        assert_eq!(out[3], "--etcd-password");
        assert_eq!(out[4], marker(b"P4ss"));
        assert_eq!(out[5], "--enable-bootstrap-token-auth=true");
        assert_eq!(out[6], "--token-auth-file=/etc/tokens.csv");
        assert_eq!(out[7], "--bootstrap-token");
        assert_eq!(out[8], "--next");
        assert_eq!(out.len(), 9);
    }

    #[test]
    fn argv_k3s_short_and_datastore() {
        let (out, n) = redact_argv(
            &argv(&[
                "/usr/local/bin/k3s",
                "server",
                "-t",
                "K10abc::server:xyz",
                "--datastore-endpoint=postgres://user:pw@db:5432/k3s",
                "--agent-token",
                "at",
            ]),
            true,
        );
        assert_eq!(n, 3);
        assert_eq!(out[3], marker(b"K10abc::server:xyz"));
        assert_eq!(
            out[4],
            format!(
                "--datastore-endpoint=postgres://{}@db:5432/k3s",
                marker(b"user:pw")
            )
        );
        assert_eq!(out[6], marker(b"at"));
        let (out, n) = redact_argv(&argv(&["kubelet", "-t", "x"]), false);
        assert_eq!(n, 0);
        assert_eq!(out[2], "x");
        let (_, n) = redact_argv(
            &argv(&["etcd", "--datastore-endpoint=https://10.0.0.1:2379"]),
            true,
        );
        assert_eq!(n, 0);
    }

    #[test]
    fn kubeconfig_yaml() {
        let text = "apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZREFUQQ==\n    token: \"abc.def\"\n    client-key: /etc/kubernetes/pki/admin.key\n";
        let r = redact_text(text);
        assert_eq!(r.count, 2);
        assert!(!r.text.contains("S0VZREFUQQ"));
        assert!(!r.text.contains("abc.def"));
        assert!(r.text.contains("Q0VSVA=="));
        assert!(r.text.contains("client-key: /etc/kubernetes/pki/admin.key"));
        assert!(r
            .text
            .contains(&format!("client-key-data: {}", marker(b"S0VZREFUQQ=="))));
        assert!(r
            .text
            .contains(&format!("token: \"{}\"", marker(b"abc.def"))));
        assert_eq!(r.text.lines().count(), text.lines().count());
    }

    #[test]
    fn json_kubeconfig_minified_and_pretty() {
        let text = r#"{"users":[{"name":"a","user":{"client-key-data":"S0VZ","token":"tok"}}]}"#;
        let r = redact_text(text);
        assert_eq!(r.count, 2, "{}", r.text);
        assert!(!r.text.contains("S0VZ"));
        assert!(!r.text.contains("\"tok\""));
        let pretty = "{\n  \"users\": [\n    {\n      \"user\": {\n        \"client-key-data\": \"S0VZ\",\n        \"password\": \"pw\"\n      }\n    }\n  ]\n}\n";
        let r = redact_text(pretty);
        assert_eq!(r.count, 2, "{}", r.text);
        assert!(!r.text.contains("S0VZ") && !r.text.contains("\"pw\""));
        assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_ok());
    }

    #[test]
    fn block_scalars_and_multiline() {
        let text = "token: |\n  line-one\n  line-two\nother: 1\npassword: >-\n  folded\n\nsecret: plain\n  continued\nname: x\n";
        let r = redact_text(text);
        assert_eq!(r.count, 3, "{}", r.text);
        for s in ["line-one", "line-two", "folded", "plain", "continued"] {
            assert!(!r.text.contains(s), "{s} in {}", r.text);
        }
        assert_eq!(r.text.split('\n').count(), text.split('\n').count());
        assert!(r.text.contains("other: 1") && r.text.contains("name: x"));
    }

    #[test]
    fn encryption_config_keeps_structure() {
        let text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - secrets\n    providers:\n      - aescbc:\n          keys:\n            - name: key1\n              secret: c2VjcmV0IGlzIHNlY3VyZQ==\n      - identity: {}\n";
        let r = redact_text(text);
        assert_eq!(r.count, 1);
        assert!(!r.text.contains("c2VjcmV0IGlzIHNlY3VyZQ=="));
        assert!(
            r.text.contains("- aescbc:")
                && r.text.contains("- identity: {}")
                && r.text.contains("- secrets")
        );
    }

    #[test]
    fn env_files_units_and_manifests() {
        let text = "K3S_TOKEN=abc123\nK3S_DATASTORE_ENDPOINT='mysql://root:pw@tcp(db:3306)/k3s'\nKUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --token=tt1\"\nExecStart=/usr/local/bin/k3s server --token tt2 \\\n    --agent-token=tt3\n  - --token\n  - tt4\n  - \"--bootstrap-token=tt5\"\n";
        let r = redact_text(text);
        for s in ["abc123", "root:pw", "tt1", "tt2", "tt3", "tt4", "tt5"] {
            assert!(!r.text.contains(s), "{s} in {}", r.text);
        }
        assert_eq!(r.count, 7, "{}", r.text);
        assert!(r.text.contains("unix:///run/containerd/containerd.sock"));
        assert!(r.text.contains("@tcp(db:3306)/k3s"));
    }

    #[test]
    fn pem_private_keys() {
        let text = "a: 1\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabcdefghijkl\n-----END RSA PRIVATE KEY-----\nb: 2\n";
        let r = redact_text(text);
        assert_eq!(r.count, 1);
        assert!(!r.text.contains("MIIEpAIBAAKCAQEA"));
        assert!(!leaks_private_key(&r.text));
        assert!(leaks_private_key(text));
        assert_eq!(r.text.split('\n').count(), text.split('\n').count());
        let inline = r#"{"key": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n-----END EC PRIVATE KEY-----\n"}"#;
        let r = redact_text(inline);
        assert!(!r.text.contains("MHcCAQEEII"), "{}", r.text);
        assert!(!leaks_private_key(&r.text));
    }

    #[test]
    fn base64_pem_key_under_any_name() {
        let engine = base64::engine::general_purpose::STANDARD;
        let key = engine
            .encode("-----BEGIN PRIVATE KEY-----\nMIIBVAIBADANBg\n-----END PRIVATE KEY-----\n");
        let cert = engine.encode("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        let text = format!("data:\n  tls.key: {key}\n  tls.crt: {cert}\n");
        assert!(leaks_private_key(&text));
        let r = redact_text(&text);
        assert!(!r.text.contains(&key));
        assert!(r.text.contains(&cert));
        assert!(!leaks_private_key(&r.text));
    }

    #[test]
    fn line_wrapped_base64_key() {
        let engine = base64::engine::general_purpose::STANDARD;
        let key = engine.encode(format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            "A".repeat(200)
        ));
        let wrapped: Vec<&str> = key
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let text = format!("tls.key: |\n  {}\nnext: 1\n", wrapped.join("\n  "));
        let r = redact_text(&text);
        for chunk in &wrapped {
            assert!(!r.text.contains(chunk), "{chunk} in {}", r.text);
        }
        assert!(r.text.contains("next: 1"));
        assert_eq!(r.text.split('\n').count(), text.split('\n').count());
    }

    #[test]
    fn bootstrap_tokens() {
        let r = redact_text("kubeadm join 10.0.0.1:6443 abcdef.0123456789abcdef x\nimage: registry.k8s.io/pause:3.9\n");
        assert_eq!(r.count, 1);
        assert!(!r.text.contains("abcdef.0123456789abcdef"));
    }

    #[test]
    fn plain_config_is_untouched() {
        let text = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nstaticPodPath: /etc/kubernetes/manifests\nrotateCertificates: true\nserverTLSBootstrap: true\n";
        let r = redact_text(text);
        assert_eq!(r.count, 0);
        assert_eq!(r.text, text);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for t in [
            "=",
            "==",
            "a=",
            "\"",
            "\"a\":",
            "\"a\": \"",
            "token: \"",
            "token: |",
            "-----BEGIN PRIVATE KEY-----",
            "LS0tLS1CRUdJTi",
            "- --token",
            "--token",
            "é=ü",
            "token=\"é",
            "a: 'b''",
            "\u{0}=\u{0}",
        ] {
            let _ = redact_text(t);
            let _ = leaks_private_key(t);
        }
    }
}
