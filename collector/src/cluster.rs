//! Cluster objects: one `kubectl get <kinds> -A -o json` (or a dump made
//! earlier, `--cluster-json`), stream-filtered item by item: Secrets are
//! dropped (also inside nested Lists), ConfigMap values are replaced by
//! redaction markers (keys kept), and private key material and secret-named
//! env values anywhere are redacted.

use crate::redact;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{Read, Write};

/// The kinds requested from the cluster: exactly what the cluster rules read
/// (the analyzer's `cluster::DUMP_KINDS`; a test keeps them equal). Never `secrets`.
pub const KINDS: &[&str] = &[
    "namespaces",
    "nodes",
    "pods",
    "services",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "horizontalpodautoscalers",
    "configmaps",
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
];

/// Member holding the filtered `v1 List`.
pub const MEMBER: &str = "evidence/cluster/objects.json";

/// kubectl arguments after the binary (and `--kubeconfig X` when given).
pub fn kubectl_args() -> Vec<String> {
    vec![
        "get".to_string(),
        KINDS.join(","),
        "--all-namespaces".to_string(),
        "-o".to_string(),
        "json".to_string(),
        "--request-timeout=60s".to_string(),
    ]
}

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("cluster JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cluster JSON: {0}")]
    Io(#[from] std::io::Error),
}

/// Counts from filtering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub items: u64,
    pub secrets_dropped: u64,
    pub redacted: u64,
}

/// The filtered dump.
#[derive(Debug, Clone)]
pub struct Filtered {
    pub json: Vec<u8>,
    pub stats: Stats,
}

/// Read one or more concatenated JSON documents (Lists or single objects)
/// from `r`, item by item, and write one filtered `v1 List`.
pub fn filter_stream(r: impl Read) -> Result<Filtered, ClusterError> {
    let mut out: Vec<u8> = Vec::new();
    out.extend_from_slice(b"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
    let mut stats = Stats::default();
    let mut first = true;
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(64 * 1024, r));
    loop {
        if de.end().is_ok() {
            break;
        }
        let doc = DocSeed {
            out: &mut out,
            stats: &mut stats,
            first: &mut first,
        };
        let leftover = doc.deserialize(&mut de)?;
        // A document without "items" is a single object.
        if let Some(obj) = leftover {
            if let Some(item) = filter_item(Value::Object(obj), &mut stats, 0) {
                write_item(&mut out, &item, &mut first)?;
            }
        }
    }
    out.extend_from_slice(b"]}\n");
    Ok(Filtered { json: out, stats })
}

fn write_item(out: &mut Vec<u8>, item: &Value, first: &mut bool) -> Result<(), ClusterError> {
    if !*first {
        out.push(b',');
    }
    out.write_all(b"\n")?;
    serde_json::to_writer(&mut *out, item)?;
    *first = false;
    Ok(())
}

/// One top-level document. Returns the object itself when it has no `items`.
struct DocSeed<'a> {
    out: &'a mut Vec<u8>,
    stats: &'a mut Stats,
    first: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Option<Map<String, Value>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Option<Map<String, Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object or List")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut other = Map::new();
        let mut had_items = false;
        let mut is_secret_list = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                had_items = true;
                if is_secret_list {
                    let n = map.next_value::<Vec<IgnoredAny>>()?;
                    self.stats.secrets_dropped += n.len() as u64;
                    continue;
                }
                map.next_value_seed(ItemsSeed {
                    out: &mut *self.out,
                    stats: &mut *self.stats,
                    first: &mut *self.first,
                })?;
            } else {
                let v: Value = map.next_value()?;
                if key == "kind" && v.as_str() == Some("SecretList") {
                    is_secret_list = true;
                }
                other.insert(key, v);
            }
        }
        if had_items {
            Ok(None)
        } else {
            Ok(Some(other))
        }
    }
}

struct ItemsSeed<'a> {
    out: &'a mut Vec<u8>,
    stats: &'a mut Stats,
    first: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            if let Some(item) = filter_item(item, self.stats, 0) {
                write_item(self.out, &item, self.first).map_err(serde::de::Error::custom)?;
            }
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Filter one item: `None` drops it (a Secret).
pub fn filter_item(mut item: Value, stats: &mut Stats, depth: u32) -> Option<Value> {
    let kind = item
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind == "Secret" || kind == "SecretList" {
        stats.secrets_dropped += 1;
        return None;
    }
    if depth > 0 && kind.is_empty() && item.get("type").is_some() && item.get("data").is_some() {
        // Looks like a Secret without its kind (inside a SecretList): drop it.
        stats.secrets_dropped += 1;
        return None;
    }
    stats.items += 1;
    if let Some(obj) = item.as_object_mut() {
        // Nested List.
        if let Some(Value::Array(items)) = obj.remove("items") {
            let kept: Vec<Value> = items
                .into_iter()
                .filter_map(|i| filter_item(i, stats, depth + 1))
                .collect();
            obj.insert("items".to_string(), Value::Array(kept));
        }
        if kind == "ConfigMap" {
            for field in ["data", "binaryData"] {
                if let Some(Value::Object(data)) = obj.get_mut(field) {
                    for v in data.values_mut() {
                        let bytes = match &*v {
                            Value::String(s) => s.as_bytes().to_vec(),
                            other => other.to_string().into_bytes(),
                        };
                        *v = Value::String(redact::marker(&bytes));
                        stats.redacted += 1;
                    }
                }
            }
            if let Some(Value::Object(ann)) = obj
                .get_mut("metadata")
                .and_then(|m| m.get_mut("annotations"))
            {
                if let Some(v) = ann.get_mut("kubectl.kubernetes.io/last-applied-configuration") {
                    let s = v.as_str().unwrap_or("").to_string();
                    *v = Value::String(redact::marker(s.as_bytes()));
                    stats.redacted += 1;
                }
            }
        }
    }
    redact_strings(&mut item, stats, 0);
    Some(item)
}

/// Everywhere: private key material in strings, and `{name: <secret name>, value: X}` env entries.
fn redact_strings(v: &mut Value, stats: &mut Stats, depth: u32) {
    if depth > 128 {
        return;
    }
    match v {
        Value::String(s) if s.contains("PRIVATE KEY") || s.contains("LS0tLS1CRUdJTi") => {
            let r = redact::redact_text(s);
            if redact::leaks_private_key(&r.text) {
                *s = redact::marker(s.as_bytes());
                stats.redacted += 1;
            } else if r.count > 0 {
                *s = r.text;
                stats.redacted += u64::from(r.count);
            }
        }
        Value::Array(items) => {
            for i in items {
                redact_strings(i, stats, depth + 1);
            }
        }
        Value::Object(map) => {
            let env_name = map.get("name").and_then(Value::as_str).map(str::to_string);
            if let (Some(name), Some(Value::String(value))) = (env_name, map.get_mut("value")) {
                if let Some(r) = redact::replacement(&name, value) {
                    *value = r;
                    stats.redacted += 1;
                }
            }
            for (_, child) in map.iter_mut() {
                redact_strings(child, stats, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_secrets_and_redacts_configmaps() {
        let input = r#"{"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"password":"UzNDUjNU"}},
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"CMVALUE\"}}"}},"data":{"k":"CMVALUE"}},
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","env":[{"name":"DB_PASSWORD","value":"ENVPW"},{"name":"MODE","value":"x"}]}]}},
            {"kind":"SecretList","items":[{"type":"Opaque","data":{"a":"SU5ORVI="}}]},
            {"kind":"List","items":[{"kind":"Secret","data":{"a":"TkVTVEVE"}},{"kind":"Namespace","metadata":{"name":"n"}}]}
        ],"metadata":{"resourceVersion":""}}"#;
        let f = filter_stream(input.as_bytes()).unwrap();
        let text = String::from_utf8(f.json.clone()).unwrap();
        for s in [
            "UzNDUjNU",
            "CMVALUE",
            "ENVPW",
            "SU5ORVI=",
            "TkVTVEVE",
            "\"Secret\"",
        ] {
            assert!(!text.contains(s), "{s} in {text}");
        }
        let v: Value = serde_json::from_slice(&f.json).unwrap();
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0]["data"]["k"],
            Value::String(redact::marker(b"CMVALUE"))
        );
        assert_eq!(items[1]["spec"]["containers"][0]["env"][1]["value"], "x");
        assert_eq!(items[2]["items"].as_array().unwrap().len(), 1);
        assert_eq!(f.stats.secrets_dropped, 3);
    }

    #[test]
    fn single_objects_and_concatenated_documents() {
        let input = "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"List\",\"items\":[{\"kind\":\"Namespace\"}]}\n";
        let f = filter_stream(input.as_bytes()).unwrap();
        let v: Value = serde_json::from_slice(&f.json).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        let f = filter_stream("".as_bytes()).unwrap();
        let v: Value = serde_json::from_slice(&f.json).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn bad_json_is_an_error() {
        assert!(filter_stream("{\"items\": [".as_bytes()).is_err());
        assert!(filter_stream("[1,2]".as_bytes()).is_err());
        assert!(filter_stream("nonsense".as_bytes()).is_err());
    }

    #[test]
    fn kinds_never_include_secrets() {
        assert!(!KINDS.iter().any(|k| k.contains("secret")));
        assert_eq!(KINDS.len(), 17);
    }
}
