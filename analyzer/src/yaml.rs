//! YAML parsing (serde-saphyr, bounded by its default budget against alias
//! bombs and deep nesting) into `serde_json::Value`, plus line lookup for
//! provenance.

use serde_json::Value;

/// Largest YAML document kstig parses (configs are kilobytes).
pub const MAX_YAML_BYTES: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

/// Documents of at most this size are remembered by [`parse`].
const MEMO_MAX_BYTES: usize = 256 << 10;
/// How many recently parsed documents each thread remembers.
const MEMO_ENTRIES: usize = 32;

thread_local! {
    /// Recently parsed documents of this thread, newest first. The rules of
    /// one node parse the same files again and again (the etcd config, the
    /// kube-proxy config, k3s's config.yaml once per component), and the
    /// nodes of one site mostly hold the same files; parsing is a function
    /// of the text alone, so a result is reused (33% of the parsing time of
    /// 100 bundles; docs/performance.md).
    static RECENT: std::cell::RefCell<std::collections::VecDeque<(String, Result<Value, YamlError>)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Parse one YAML document (JSON is YAML too) into a JSON value.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(YamlError(format!(
            "document is {} bytes, over the {} byte limit",
            text.len(),
            MAX_YAML_BYTES
        )));
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    if text.len() > MEMO_MAX_BYTES {
        return parse_text(text);
    }
    let hit = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, v)| v.clone())
    });
    if let Some(v) = hit {
        return v;
    }
    let v = parse_text(text);
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() >= MEMO_ENTRIES {
            r.pop_back();
        }
        r.push_front((text.to_string(), v.clone()));
    });
    v
}

fn parse_text(text: &str) -> Result<Value, YamlError> {
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let msg = e.to_string();
        // Keep the first line: the crate renders long snippets.
        YamlError(msg.lines().next().unwrap_or("invalid YAML").to_string())
    })
}

/// Parse bytes (must be UTF-8).
pub fn parse_bytes(bytes: &[u8]) -> Result<Value, YamlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| YamlError("not UTF-8 text".into()))?;
    parse(text)
}

/// 1-based line of the first line containing `needle` (after `from_line`), for citing evidence.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// 1-based line where mapping key `key` is written (`key:` at the start of a line, after indentation or `- `).
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let t = t.trim_start_matches('"');
            t.strip_prefix(key)
                .map(|rest| {
                    let rest = rest.trim_start_matches('"');
                    rest.starts_with(':')
                })
                .unwrap_or(false)
        })
        .map(|i| i + 1)
}

/// Follow a dotted path of object keys.
pub fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_object()?.get(*k)?;
    }
    Some(cur)
}

/// Render a scalar as text (`true`, `10255`, `Webhook`); `None` for null, arrays, objects.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Merge `over` into `base` the way kubelet merges `--config-dir` drop-ins:
/// objects merge key by key, everything else (lists included) is replaced.
pub fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up() {
        let t = "a:\n  b: 1\n  c: [x, y]\nreadOnlyPort: 0\n";
        let v = parse(t).unwrap();
        assert_eq!(scalar(get(&v, &["a", "b"]).unwrap()).unwrap(), "1");
        assert_eq!(key_line(t, "readOnlyPort"), Some(4));
        assert_eq!(key_line(t, "b"), Some(2));
        assert_eq!(key_line(t, "zz"), None);
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut t = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..12 {
            let p = i - 1;
            t.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        assert!(parse(&t).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for t in ["a: [", "\t- :\n  -", "{{{{", "a: *nope"] {
            let _ = parse(t);
        }
        assert!(parse("key: [unclosed").is_err());
    }

    #[test]
    fn merge_objects_replace_lists() {
        let mut a = parse("x: {y: 1, z: 2}\nl: [1, 2]\n").unwrap();
        merge(&mut a, &parse("x: {z: 3}\nl: [9]\n").unwrap());
        assert_eq!(a, parse("x: {y: 1, z: 3}\nl: [9]\n").unwrap());
    }
}
