//! Host facts (hostname, FQDN, addresses, machine id, OS release, kernel),
//! read from the node root: a mounted image yields its own facts, never
//! those of the machine the collector runs on.

use crate::manifest::HostFacts;
use crate::paths::NodeFs;
use std::collections::{BTreeMap, BTreeSet};

const SMALL: u64 = 1 << 20;

fn read_text(fs: &NodeFs, path: &str) -> Option<String> {
    fs.read_small(path, SMALL)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}

/// Gather the host facts of the node rooted at `fs`.
pub fn gather(fs: &NodeFs) -> HostFacts {
    let hostname = read_text(fs, "/proc/sys/kernel/hostname")
        .map(|t| first_line(&t))
        .filter(|h| !h.is_empty())
        .or_else(|| read_text(fs, "/etc/hostname").map(|t| first_line(&t)))
        .unwrap_or_default();
    let hosts = read_text(fs, "/etc/hosts").unwrap_or_default();
    let fqdn = fqdn_from_hosts(&hostname, &hosts);
    let mut ips: BTreeSet<String> = BTreeSet::new();
    if let Some(trie) = read_text(fs, "/proc/net/fib_trie") {
        ips.extend(local_ipv4_from_fib_trie(&trie));
    }
    if let Some(v6) = read_text(fs, "/proc/net/if_inet6") {
        ips.extend(ipv6_from_if_inet6(&v6));
    }
    if ips.is_empty() {
        ips.extend(ips_from_hosts(&hostname, &hosts));
    }
    let mac_addresses = macs(fs);
    let machine_id = read_text(fs, "/etc/machine-id")
        .map(|t| first_line(&t))
        .unwrap_or_default();
    let os_release = read_text(fs, "/etc/os-release")
        .or_else(|| read_text(fs, "/usr/lib/os-release"))
        .map(|t| parse_os_release(&t))
        .unwrap_or_default();
    let kernel = read_text(fs, "/proc/sys/kernel/osrelease")
        .map(|t| first_line(&t))
        .unwrap_or_default();
    HostFacts {
        hostname,
        fqdn,
        ip_addresses: ips.into_iter().collect(),
        mac_addresses,
        machine_id,
        os_release,
        kernel,
    }
}

/// The FQDN: the hostname itself when dotted, else a dotted name that starts
/// with `hostname.` on an `/etc/hosts` line naming the host.
pub fn fqdn_from_hosts(hostname: &str, hosts: &str) -> String {
    if hostname.contains('.') {
        return hostname.to_string();
    }
    if hostname.is_empty() {
        return String::new();
    }
    let prefix = format!("{hostname}.");
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or("");
        let names: Vec<&str> = line.split_whitespace().skip(1).collect();
        if !names
            .iter()
            .any(|n| *n == hostname || n.starts_with(&prefix))
        {
            continue;
        }
        if let Some(f) = names
            .iter()
            .find(|n| n.starts_with(&prefix) && n.len() > prefix.len())
        {
            return f.to_string();
        }
    }
    String::new()
}

/// Non-loopback addresses `/etc/hosts` gives the hostname (for trees without `/proc/net`).
fn ips_from_hosts(hostname: &str, hosts: &str) -> Vec<String> {
    if hostname.is_empty() {
        return Vec::new();
    }
    let prefix = format!("{hostname}.");
    let mut out = Vec::new();
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let Some(addr) = fields.next() else { continue };
        if !fields.any(|n| n == hostname || n.starts_with(&prefix)) {
            continue;
        }
        match addr.parse::<std::net::IpAddr>() {
            Ok(ip) if !ip.is_loopback() => out.push(ip.to_string()),
            _ => {}
        }
    }
    out
}

/// Local host addresses from `/proc/net/fib_trie` (`/32 host LOCAL` leaves),
/// loopback excluded.
pub fn local_ipv4_from_fib_trie(text: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut last_ip: Option<std::net::Ipv4Addr> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("|-- ").or_else(|| t.strip_prefix("+-- ")) {
            last_ip = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            continue;
        }
        if t.starts_with("/32 host LOCAL") {
            if let Some(ip) = last_ip {
                if !ip.is_loopback() {
                    out.insert(ip.to_string());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Global and unique-local IPv6 addresses from `/proc/net/if_inet6`.
pub fn ipv6_from_if_inet6(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(hex) = line.split_whitespace().next() else {
            continue;
        };
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let mut segs = [0u16; 8];
        for (i, seg) in segs.iter_mut().enumerate() {
            *seg = u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).unwrap_or(0);
        }
        let ip = std::net::Ipv6Addr::from(segs);
        let link_local = (segs[0] & 0xffc0) == 0xfe80;
        if ip.is_loopback() || ip.is_unspecified() || link_local {
            continue;
        }
        out.push(ip.to_string());
    }
    out
}

/// MAC addresses of `/sys/class/net/*/address`, loopback and all-zero excluded.
fn macs(fs: &NodeFs) -> Vec<String> {
    let mut out = BTreeSet::new();
    let Ok((names, _)) = fs.list_dir("/sys/class/net") else {
        return Vec::new();
    };
    for name in names {
        if name == "lo" || name.contains('/') {
            continue;
        }
        if let Some(t) = read_text(fs, &format!("/sys/class/net/{name}/address")) {
            let mac = first_line(&t).to_ascii_lowercase();
            let valid = mac.len() == 17 && mac.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
            if valid && mac != "00:00:00:00:00:00" {
                out.insert(mac);
            }
        }
    }
    out.into_iter().collect()
}

/// `KEY=value` / `KEY="value"` lines of os-release.
pub fn parse_os_release(text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        map.insert(k.to_string(), crate::yamlscan::unquote_token(v));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fib_trie() {
        let t = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n     +-- 10.0.0.0/24 2 0 2\n        |-- 10.0.0.0\n           /24 link UNICAST\n        |-- 10.0.0.12\n           /32 host LOCAL\n     |-- 127.0.0.1\n        /32 host LOCAL\nLocal:\n        |-- 10.0.0.12\n           /32 host LOCAL\n";
        assert_eq!(local_ipv4_from_fib_trie(t), vec!["10.0.0.12"]);
    }

    #[test]
    fn if_inet6() {
        let t = "00000000000000000000000000000001 01 80 10 80       lo\nfe800000000000000000000000000001 02 40 20 80 eth0\n20010db8000000000000000000000005 02 40 00 80 eth0\nzz\n";
        assert_eq!(ipv6_from_if_inet6(t), vec!["2001:db8::5"]);
    }

    #[test]
    fn fqdn_and_os_release() {
        let hosts = "127.0.0.1 localhost\n10.0.0.12 cp1.example.mil cp1 # node\n";
        assert_eq!(fqdn_from_hosts("cp1", hosts), "cp1.example.mil");
        assert_eq!(fqdn_from_hosts("other", hosts), "");
        assert_eq!(fqdn_from_hosts("a.b", hosts), "a.b");
        assert_eq!(ips_from_hosts("cp1", hosts), vec!["10.0.0.12"]);
        let os = parse_os_release(
            "ID=ubuntu\nVERSION_ID=\"22.04\"\nPRETTY_NAME='Ubuntu 22.04.4 LTS'\n# c\nbad line\n",
        );
        assert_eq!(os.get("VERSION_ID").map(String::as_str), Some("22.04"));
        assert_eq!(
            os.get("PRETTY_NAME").map(String::as_str),
            Some("Ubuntu 22.04.4 LTS")
        );
        assert_eq!(os.len(), 3);
    }

    #[test]
    fn gathers_from_a_tree_not_the_host() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::create_dir_all(r.join("usr/lib")).unwrap();
        std::fs::create_dir_all(r.join("sys/class/net/eth0")).unwrap();
        std::fs::write(r.join("etc/hostname"), "node-a\n").unwrap();
        std::fs::write(r.join("etc/machine-id"), "0123abcd\n").unwrap();
        std::fs::write(r.join("usr/lib/os-release"), "ID=rhel\n").unwrap();
        std::os::unix::fs::symlink("../usr/lib/os-release", r.join("etc/os-release")).unwrap();
        std::fs::write(r.join("sys/class/net/eth0/address"), "52:54:00:AA:bb:cc\n").unwrap();
        std::fs::write(r.join("etc/hosts"), "10.1.2.3 node-a.example node-a\n").unwrap();
        let h = gather(&NodeFs::new(r));
        assert_eq!(h.hostname, "node-a");
        assert_eq!(h.fqdn, "node-a.example");
        assert_eq!(h.machine_id, "0123abcd");
        assert_eq!(h.os_release.get("ID").map(String::as_str), Some("rhel"));
        assert_eq!(h.mac_addresses, vec!["52:54:00:aa:bb:cc"]);
        assert_eq!(h.ip_addresses, vec!["10.1.2.3"]);
        assert_eq!(h.kernel, "");
    }
}
