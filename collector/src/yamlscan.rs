//! A careful line-based scanner for the block-style YAML that Kubernetes
//! writes (static pod manifests, kubeconfigs, component configs).
//!
//! This is NOT a YAML parser and the collector deliberately carries none: it
//! recognises, line by line, `key: value` entries, `- ` sequence items, block
//! scalars (`key: |`), multi-line plain and quoted scalars, comments and
//! document markers, and keeps a stack of the enclosing keys and items. That
//! is enough to find secret values (to redact them in place, keeping the line
//! numbers), container `command`/`args`/`image`, and path-valued keys.
//! Anything it does not understand is reported as [`LineEvent::Other`].

use std::borrow::Cow;

/// A scalar value on an entry line, with byte offsets into the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// Nothing after the colon (a nested mapping or sequence follows, or null).
    Empty,
    /// `|` or `>` (with optional chomping/indent indicators): the value is on
    /// the following, more indented lines.
    Block,
    /// `"..."` or `'...'`. `start..end` is the text inside the quotes; when the
    /// closing quote is not on this line, `closed` is false and the value goes on.
    Quoted {
        quote: char,
        start: usize,
        end: usize,
        closed: bool,
    },
    /// A plain scalar (comment stripped), `start..end`.
    Plain {
        text: &'a str,
        start: usize,
        end: usize,
    },
    /// A flow collection (`[a, b]`, `{a: b}`), `start..end`, comment stripped.
    Flow {
        text: &'a str,
        start: usize,
        end: usize,
    },
}

impl Scalar<'_> {
    /// The scalar's text as written (inside quotes for quoted scalars), if any.
    pub fn raw<'l>(&self, line: &'l str) -> Option<&'l str> {
        match *self {
            Scalar::Quoted { start, end, .. } => line.get(start..end),
            Scalar::Plain { start, end, .. } | Scalar::Flow { start, end, .. } => {
                line.get(start..end)
            }
            Scalar::Empty | Scalar::Block => None,
        }
    }

    /// The scalar's value with quotes removed and simple escapes resolved.
    pub fn value(&self, line: &str) -> Option<String> {
        match *self {
            Scalar::Quoted {
                quote, start, end, ..
            } => line.get(start..end).map(|raw| unquote_inner(raw, quote)),
            Scalar::Plain { text, .. } => Some(text.to_string()),
            _ => None,
        }
    }
}

/// One parsed entry line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Columns of the `-` sequence markers that open on this line, left to right.
    pub dashes: Vec<usize>,
    /// Column where the key (or the item scalar) starts.
    pub col: usize,
    /// The key (unquoted), when the line is `key: value`.
    pub key: Option<Cow<'a, str>>,
    pub value: Scalar<'a>,
}

/// Number of leading spaces.
pub fn indent_of(line: &str) -> usize {
    line.bytes().take_while(|b| *b == b' ').count()
}

/// Whether a line is blank or only a comment.
pub fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// Parse one line. Returns `None` for blank lines, comments, document
/// markers and lines that are not `key: value` or `- item`.
pub fn parse_line(line: &str) -> Option<Entry<'_>> {
    let line_end = line.trim_end_matches(['\r', ' ', '\t']).len();
    let bytes = line.as_bytes();
    let mut pos = indent_of(line);
    if pos >= line_end {
        return None;
    }
    let rest = &line[pos..line_end];
    if rest.starts_with('#') || rest == "---" || rest.starts_with("--- ") || rest == "..." {
        return None;
    }
    let mut dashes = Vec::new();
    // Sequence markers: "- " (possibly nested "- - ") or a lone "-".
    while pos < line_end && bytes[pos] == b'-' && (pos + 1 == line_end || bytes[pos + 1] == b' ') {
        dashes.push(pos);
        pos += 1;
        while pos < line_end && bytes[pos] == b' ' {
            pos += 1;
        }
    }
    if pos >= line_end {
        // "-" alone: an item whose value follows on the next lines.
        return Some(Entry {
            dashes,
            col: pos,
            key: None,
            value: Scalar::Empty,
        });
    }
    let col = pos;
    if bytes[pos] == b'#' {
        return if dashes.is_empty() {
            None
        } else {
            Some(Entry {
                dashes,
                col,
                key: None,
                value: Scalar::Empty,
            })
        };
    }
    // Key?
    if let Some((key, after_colon)) = parse_key(line, pos, line_end) {
        let value = parse_scalar(line, after_colon, line_end);
        return Some(Entry {
            dashes,
            col,
            key: Some(key),
            value,
        });
    }
    if dashes.is_empty() {
        return None;
    }
    let value = parse_scalar(line, pos, line_end);
    Some(Entry {
        dashes,
        col,
        key: None,
        value,
    })
}

/// Parse a mapping key starting at `pos`. Returns the unquoted key and the
/// byte offset just after the `:`.
fn parse_key(line: &str, pos: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = line.as_bytes();
    let first = bytes[pos];
    if first == b'"' || first == b'\'' {
        let close = find_closing_quote(line, pos + 1, end, first as char)?;
        let mut after = close + 1;
        while after < end && bytes[after] == b' ' {
            after += 1;
        }
        if after < end && bytes[after] == b':' && (after + 1 == end || bytes[after + 1] == b' ') {
            let inner = line.get(pos + 1..close)?;
            return Some((Cow::Owned(unquote_inner(inner, first as char)), after + 1));
        }
        return None;
    }
    if matches!(
        first,
        b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'?'
    ) {
        return None;
    }
    // Plain key: up to the first ": " or a ':' ending the line; stop at " #".
    let mut i = pos;
    while i < end {
        match bytes[i] {
            b':' if i + 1 == end || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t' => {
                let key = line.get(pos..i)?.trim_end();
                if key.is_empty() {
                    return None;
                }
                return Some((Cow::Borrowed(key), i + 1));
            }
            b'#' if i > pos && bytes[i - 1] == b' ' => return None,
            _ => i += 1,
        }
    }
    None
}

/// Parse the scalar that starts at or after `from` (skipping spaces).
fn parse_scalar(line: &str, from: usize, end: usize) -> Scalar<'_> {
    let bytes = line.as_bytes();
    let mut pos = from;
    while pos < end && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
        pos += 1;
    }
    if pos >= end || bytes[pos] == b'#' {
        return Scalar::Empty;
    }
    let first = bytes[pos];
    if first == b'|' || first == b'>' {
        // "|", "|-", ">+", "|2-" optionally followed by a comment.
        let ind = line[pos + 1..end]
            .trim_start_matches(['-', '+', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        let ind = ind.trim_start();
        if ind.is_empty() || ind.starts_with('#') {
            return Scalar::Block;
        }
    }
    if first == b'"' || first == b'\'' {
        let quote = first as char;
        return match find_closing_quote(line, pos + 1, end, quote) {
            Some(close) => Scalar::Quoted {
                quote,
                start: pos + 1,
                end: close,
                closed: true,
            },
            None => Scalar::Quoted {
                quote,
                start: pos + 1,
                end,
                closed: false,
            },
        };
    }
    let stop = comment_start(line, pos, end);
    let text_end = line[pos..stop].trim_end().len() + pos;
    let text = &line[pos..text_end];
    if first == b'[' || first == b'{' {
        return Scalar::Flow {
            text,
            start: pos,
            end: text_end,
        };
    }
    Scalar::Plain {
        text,
        start: pos,
        end: text_end,
    }
}

/// Start of a ` #` comment in a plain scalar, else `end`.
fn comment_start(line: &str, from: usize, end: usize) -> usize {
    let bytes = line.as_bytes();
    let mut i = from;
    while i < end {
        if bytes[i] == b'#' && i > from && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return i;
        }
        i += 1;
    }
    end
}

/// Index of the closing quote, honouring `\"` in double quotes and `''` in single quotes.
pub fn find_closing_quote(line: &str, from: usize, end: usize, quote: char) -> Option<usize> {
    let bytes = line.as_bytes();
    let q = quote as u8;
    let mut i = from;
    while i < end {
        let b = bytes[i];
        if q == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == q {
            if q == b'\'' && i + 1 < end && bytes[i + 1] == b'\'' {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Resolve the simple escapes of a quoted scalar's inside.
pub fn unquote_inner(raw: &str, quote: char) -> String {
    if quote == '\'' {
        return raw.replace("''", "'");
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Remove one level of matching quotes from a token (`"a"`, `'a'`).
pub fn unquote_token(token: &str) -> String {
    let t = token.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return unquote_inner(&t[1..t.len() - 1], q);
        }
    }
    t.to_string()
}

/// Items of a simple flow sequence of scalars: `["a", "--b=c", d]`.
/// Nested collections are returned as their raw text.
pub fn flow_items(text: &str) -> Vec<String> {
    let t = text.trim();
    let inner = match t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        Some(inner) => inner,
        None => return Vec::new(),
    };
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut escaped = false;
    for c in inner.chars() {
        if let Some(q) = quote {
            current.push(c);
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                current.push(c);
            }
            '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' if depth == 0 => {
                let item = unquote_token(&current);
                if !item.is_empty() {
                    items.push(item);
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    let item = unquote_token(&current);
    if !item.is_empty() {
        items.push(item);
    }
    items
}

/// One element of the path from the document root to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame<'a> {
    Key {
        col: usize,
        name: Cow<'a, str>,
    },
    /// A sequence item; `id` is unique within the scan.
    Item {
        col: usize,
        id: u64,
    },
}

impl Frame<'_> {
    fn col(&self) -> usize {
        match self {
            Frame::Key { col, .. } | Frame::Item { col, .. } => *col,
        }
    }
}

/// What a line is, in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent<'a> {
    /// An entry line; `path` is the stack after applying the line (so the last
    /// frame is this line's key or item).
    Entry {
        entry: Entry<'a>,
        path: Vec<Frame<'a>>,
    },
    /// A line that continues the (block, multi-line plain or quoted) value of
    /// the entry on line `owner`.
    Continuation { owner: usize },
    /// Blank, comment, document marker or not understood.
    Other,
}

/// Scan all lines of `text` (split on `\n`), giving one event per line.
pub fn scan(text: &str) -> Vec<LineEvent<'_>> {
    scan_inner(text, true)
}

/// As [`scan`], but every entry's `path` is left empty: for callers that
/// need only the entries and continuations (a path per line is a copy of
/// the whole stack).
pub fn scan_entries(text: &str) -> Vec<LineEvent<'_>> {
    scan_inner(text, false)
}

fn scan_inner(text: &str, paths: bool) -> Vec<LineEvent<'_>> {
    let mut events = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut next_id = 0u64;
    // Continuation state: (owner line, column that content must exceed, open quote).
    let mut cont: Option<(usize, usize, Option<char>)> = None;
    for (idx, line) in text.split('\n').enumerate() {
        if let Some((owner, min_col, quote)) = cont {
            if let Some(q) = quote {
                // Inside a multi-line quoted scalar: until the closing quote.
                let end = line.len();
                if find_closing_quote(line, 0, end, q).is_some() {
                    cont = None;
                }
                events.push(LineEvent::Continuation { owner });
                continue;
            }
            let blank = line.trim().is_empty();
            if blank || indent_of(line) > min_col {
                events.push(LineEvent::Continuation { owner });
                continue;
            }
            cont = None;
        }
        let trimmed = line.trim_end_matches('\r');
        if trimmed == "---" || trimmed.starts_with("--- ") {
            stack.clear();
            events.push(LineEvent::Other);
            continue;
        }
        let entry = match parse_line(line) {
            Some(e) => e,
            None => {
                events.push(LineEvent::Other);
                continue;
            }
        };
        for &d in &entry.dashes {
            while let Some(top) = stack.last() {
                let pop = top.col() > d || matches!(top, Frame::Item { col, .. } if *col == d);
                if !pop {
                    break;
                }
                stack.pop();
            }
            next_id += 1;
            stack.push(Frame::Item {
                col: d,
                id: next_id,
            });
        }
        if let Some(key) = &entry.key {
            while let Some(top) = stack.last() {
                if top.col() >= entry.col {
                    stack.pop();
                } else {
                    break;
                }
            }
            stack.push(Frame::Key {
                col: entry.col,
                name: key.clone(),
            });
        }
        // Does the value go on over the next lines?
        let owner_col = match entry.key {
            Some(_) => entry.col,
            None => entry.dashes.last().copied().unwrap_or(entry.col),
        };
        match entry.value {
            Scalar::Block => cont = Some((idx, owner_col, None)),
            Scalar::Quoted {
                closed: false,
                quote,
                ..
            } => cont = Some((idx, owner_col, Some(quote))),
            Scalar::Plain { .. } | Scalar::Flow { .. } => cont = Some((idx, owner_col, None)),
            _ => {}
        }
        events.push(LineEvent::Entry {
            entry,
            path: if paths { stack.clone() } else { Vec::new() },
        });
    }
    events
}

/// Whether the path ends with `... Key(name) Item`, i.e. the line is an
/// item of the sequence under key `name`.
pub fn is_item_of(path: &[Frame<'_>], name: &str) -> bool {
    matches!(path, [.., Frame::Key { name: k, .. }, Frame::Item { .. }] if k == name)
}

/// A container of a pod manifest, as far as the scanner can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodContainer {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
}

/// Containers (and init containers) of a Pod manifest, in file order.
pub fn pod_containers(text: &str) -> Vec<PodContainer> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut containers: Vec<(u64, PodContainer)> = Vec::new();
    for (idx, event) in scan(text).iter().enumerate() {
        let LineEvent::Entry { entry, path } = event else {
            continue;
        };
        let line = lines.get(idx).copied().unwrap_or("");
        // Locate the container item: Key(containers|initContainers) then Item.
        let pos = path.iter().position(|f| {
            matches!(f, Frame::Key { name, .. } if name == "containers" || name == "initContainers")
        });
        let Some(pos) = pos else { continue };
        let Some(Frame::Item { id, .. }) = path.get(pos + 1) else {
            continue;
        };
        let id = *id;
        if !containers.iter().any(|(cid, _)| *cid == id) {
            containers.push((id, PodContainer::default()));
        }
        let Some((_, container)) = containers.iter_mut().find(|(cid, _)| *cid == id) else {
            continue;
        };
        let rest = &path[pos + 2..];
        match rest {
            [Frame::Key { name, .. }] => {
                let value = entry.value.value(line);
                match (name.as_ref(), &entry.value) {
                    ("name", _) => container.name = value.unwrap_or_default(),
                    ("image", _) => container.image = value.unwrap_or_default(),
                    ("command", Scalar::Flow { text, .. }) => container.command = flow_items(text),
                    ("args", Scalar::Flow { text, .. }) => container.args = flow_items(text),
                    _ => {}
                }
            }
            [Frame::Key { name, .. }, Frame::Item { .. }] if entry.key.is_none() => {
                if let Some(v) = entry.value.value(line) {
                    match name.as_ref() {
                        "command" => container.command.push(v),
                        "args" => container.args.push(v),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    containers.into_iter().map(|(_, c)| c).collect()
}

/// Whether the text has a top-level `kind: <kind>` line.
pub fn has_kind(text: &str, kind: &str) -> bool {
    // Only a line holding "kind" can say it: look at those lines alone.
    let mut searched_to = 0;
    for (at, _) in text.match_indices("kind") {
        if at < searched_to {
            continue;
        }
        let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
        searched_to = end;
        if line_has_kind(&text[start..end], kind) {
            return true;
        }
    }
    false
}

fn line_has_kind(line: &str, kind: &str) -> bool {
    let t = line.trim_end_matches(['\r', ' ']);
    if let Some(rest) = t.strip_prefix("kind:") {
        return unquote_token(rest) == kind;
    }
    if let Some(rest) = t.trim_start().strip_prefix("\"kind\"") {
        let rest = rest.trim_start().trim_start_matches(':').trim();
        let rest = rest.trim_end_matches(',');
        return unquote_token(rest) == kind;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_values() {
        let e = parse_line("  token: abc # note").unwrap();
        assert_eq!(e.key.as_deref(), Some("token"));
        assert_eq!(e.col, 2);
        assert_eq!(e.value.raw("  token: abc # note"), Some("abc"));

        let l = "- name: \"x:y\"";
        let e = parse_line(l).unwrap();
        assert_eq!(e.dashes, vec![0]);
        assert_eq!(e.key.as_deref(), Some("name"));
        assert_eq!(e.value.value(l).as_deref(), Some("x:y"));

        let l = "    \"client-key-data\": \"QUJD\",";
        let e = parse_line(l).unwrap();
        assert_eq!(e.key.as_deref(), Some("client-key-data"));
        assert_eq!(e.value.raw(l), Some("QUJD"));

        assert!(parse_line("# comment").is_none());
        assert!(parse_line("   ").is_none());
        assert!(parse_line("plain text line").is_none());
        let l = "server: https://10.0.0.1:6443";
        assert_eq!(
            parse_line(l).unwrap().value.raw(l),
            Some("https://10.0.0.1:6443")
        );
        assert_eq!(parse_line("key: |-").unwrap().value, Scalar::Block);
        assert_eq!(parse_line("key: >2 # c").unwrap().value, Scalar::Block);
        let l = "- --token=abc";
        let e = parse_line(l).unwrap();
        assert!(e.key.is_none());
        assert_eq!(e.value.raw(l), Some("--token=abc"));
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        for l in [
            "\"",
            "'",
            "- \"",
            "-",
            "- -",
            ":",
            "::",
            "\"a\":",
            "é: ü",
            "- é",
            "a: \"\\",
            "a: '''",
            "\u{feff}x: y",
            "- - - x",
            "a: [",
            "|",
            "a: |\u{e9}",
        ] {
            let _ = parse_line(l);
            let _ = scan(l);
            let _ = pod_containers(l);
        }
    }

    #[test]
    fn has_kind_looks_at_every_line_with_kind() {
        let every_line = |text: &str, kind: &str| text.split('\n').any(|l| line_has_kind(l, kind));
        for text in [
            "",
            "kind: Pod",
            "apiVersion: v1\nkind: Pod\n",
            "kind: Deployment\nspec:\n  kind: Pod\n",
            "metadata:\n  name: kindly\nkind: 'Pod'\r\n",
            "{\n  \"kind\": \"Pod\",\n}",
            "x: kind kind kind\nkind: \"Pod\"",
            "kindkind: Pod\nkind:Pod",
            "# kind: Pod\nkind:   Pod   ",
            "é kind: Pod\nkind: Pod",
        ] {
            for kind in ["Pod", "Deployment"] {
                assert_eq!(
                    has_kind(text, kind),
                    every_line(text, kind),
                    "{text:?} {kind}"
                );
            }
        }
        assert!(has_kind("a: b\nkind: Pod\n", "Pod"));
        assert!(!has_kind("a: b\n  kind: Pod\n", "Pod"));
    }

    #[test]
    fn scan_entries_is_scan_without_paths() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    \"args\": |\n      x\n    env:\n    - name: 'K'\n      value: \"multi\n        line\"\n---\n- - x\n";
        let strip = |events: Vec<LineEvent<'_>>| -> Vec<String> {
            events
                .into_iter()
                .map(|e| match e {
                    LineEvent::Entry { entry, .. } => format!("{entry:?}"),
                    other => format!("{other:?}"),
                })
                .collect()
        };
        let full = scan(text);
        assert!(full
            .iter()
            .any(|e| matches!(e, LineEvent::Entry { path, .. } if path.len() > 2)));
        assert_eq!(strip(scan_entries(text)), strip(full));
    }

    #[test]
    fn scans_block_and_plain_continuations() {
        let text = "a:\n  token: |\n    line1\n\n    line2\n  next: x\nb: plain\n  more\nc: \"open\n  close\"\nd: 1";
        let ev = scan(text);
        assert!(matches!(ev[2], LineEvent::Continuation { owner: 1 }));
        assert!(matches!(ev[3], LineEvent::Continuation { owner: 1 }));
        assert!(matches!(ev[4], LineEvent::Continuation { owner: 1 }));
        assert!(matches!(ev[5], LineEvent::Entry { .. }));
        assert!(matches!(ev[7], LineEvent::Continuation { owner: 6 }));
        assert!(matches!(ev[9], LineEvent::Continuation { owner: 8 }));
        match &ev[10] {
            LineEvent::Entry { path, .. } => assert_eq!(path.len(), 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn extracts_pod_containers() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - \"--secure-port=6443\"\n    image: registry.k8s.io/kube-apiserver:v1.30.2\n    name: kube-apiserver\n    volumeMounts:\n    - mountPath: /etc/kubernetes/pki\n      name: k8s-certs\n  - name: side\n    image: busybox:1\n    command: [\"sh\", \"-c\"]\n    args: [\"--x=/y\"]\n  volumes:\n  - hostPath:\n      path: /etc/kubernetes/pki\n    name: k8s-certs\n";
        let c = pod_containers(text);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "kube-apiserver");
        assert_eq!(c[0].image, "registry.k8s.io/kube-apiserver:v1.30.2");
        assert_eq!(
            c[0].command,
            vec![
                "kube-apiserver",
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
                "--secure-port=6443"
            ]
        );
        assert_eq!(c[1].name, "side");
        assert_eq!(c[1].command, vec!["sh", "-c"]);
        assert_eq!(c[1].args, vec!["--x=/y"]);
        assert!(has_kind(text, "Pod"));
        assert!(!has_kind(text, "Config"));
    }

    #[test]
    fn flow_items_split() {
        assert_eq!(flow_items("[a, \"b,c\", 'd''e']"), vec!["a", "b,c", "d'e"]);
        assert!(flow_items("not a list").is_empty());
    }
}
