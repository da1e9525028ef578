//! Writing, reading and verifying evidence bundles (format `kstig-bundle/1`).
//!
//! A bundle is one gzip-compressed tar with, in this order, `manifest.json`,
//! `manifest.sig` (raw 64-byte Ed25519 signature over the exact bytes of
//! `manifest.json`) and the evidence members (`evidence/...`, sorted). The
//! manifest lists every evidence member with its size and SHA-256, so the
//! signature covers every byte of the bundle that means anything.
//!
//! The reader treats a bundle as hostile: sizes and counts are capped before
//! anything is allocated, only regular members with clean relative names are
//! accepted, the signature is checked over the raw manifest bytes before the
//! manifest is parsed, and members are hashed before anyone may parse them.

use crate::manifest::{Manifest, Member, Signer, FORMAT};
use crate::sign::{hex, PublicKey, SigningKey};
use std::collections::BTreeMap;
use std::io::Read;

pub const MANIFEST_NAME: &str = "manifest.json";
pub const SIGNATURE_NAME: &str = "manifest.sig";
pub const EVIDENCE_PREFIX: &str = "evidence/";

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("invalid member path {0:?}: {1}")]
    BadMemberPath(String, &'static str),
    #[error("member {0} added twice")]
    DuplicateMember(String),
    #[error("cannot serialize manifest: {0}")]
    Serialize(String),
    #[error("cannot write archive: {0}")]
    Write(std::io::Error),
    #[error("bundle is {size} bytes compressed, over the limit of {limit} (raise with --max-bundle-size)")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a gzip file")]
    NotGzip,
    #[error("corrupt gzip or tar stream: {0}")]
    Corrupt(String),
    #[error("unexpected data after the end of the gzip stream")]
    TrailingData,
    #[error("decompressed content exceeds the limit of {0} bytes")]
    DecompressedTooLarge(u64),
    #[error("more than {0} members")]
    TooManyMembers(usize),
    #[error("member {path} is {size} bytes, over the limit of {limit}")]
    MemberTooLarge { path: String, size: u64, limit: u64 },
    #[error("member {path:?} is a {kind}, only regular files are allowed")]
    BadMemberType { path: String, kind: String },
    #[error("member {path:?} is not allowed: {why}")]
    UnsafeMemberPath { path: String, why: &'static str },
    #[error("member {0} appears twice in the archive")]
    DuplicateArchiveMember(String),
    #[error("manifest.json is missing")]
    MissingManifest,
    #[error("manifest.sig is missing")]
    MissingSignature,
    #[error("manifest.sig is {0} bytes, expected a 64-byte Ed25519 signature")]
    BadSignatureSize(usize),
    #[error("manifest signature does not verify with any trusted key (the manifest names signer {signer})")]
    UntrustedSignature { signer: String },
    #[error("manifest.json is not valid: {0}")]
    BadManifest(String),
    #[error("manifest format is {0:?}, this kstig reads {FORMAT:?}")]
    UnsupportedFormat(String),
    #[error("manifest signer fingerprint {named} does not match the verifying key {actual}")]
    SignerMismatch { named: String, actual: String },
    #[error("member {0} is in the archive but not listed in the manifest")]
    UnlistedMember(String),
    #[error("member {0} is listed in the manifest but missing from the archive")]
    MissingMember(String),
    #[error("member {path} has {actual} bytes, the manifest says {listed}")]
    SizeMismatch {
        path: String,
        listed: u64,
        actual: u64,
    },
    #[error("member {path} SHA-256 mismatch: manifest says {listed}, content is {actual}")]
    HashMismatch {
        path: String,
        listed: String,
        actual: String,
    },
    #[error("manifest lists member {0} twice")]
    DuplicateListing(String),
    #[error("manifest.json nests deeper than {0} levels (raise with --max-manifest-depth, at most {MAX_JSON_DEPTH})")]
    ManifestTooDeep(usize),
    #[error(
        "member name in a GNU long-name header is {size} bytes, over the limit of {MAX_NAME_BYTES}"
    )]
    NameTooLong { size: u64 },
}

/// Longest member name accepted (GNU long-name headers are read into memory).
pub const MAX_NAME_BYTES: u64 = 4096;
/// serde_json's own recursion limit: no manifest deeper than this is ever parsed.
pub const MAX_JSON_DEPTH: usize = 128;

/// Caps applied while reading a bundle. Defaults are documented in
/// `docs/bundle-format.md`; the analyzer exposes flags to raise them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_compressed: u64,
    pub max_decompressed: u64,
    pub max_members: usize,
    pub max_member_size: u64,
    pub max_manifest_size: u64,
    /// Deepest nesting of arrays and objects in `manifest.json` (the
    /// collector writes 4; serde_json refuses anything past 128 regardless).
    pub max_manifest_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_compressed: 512 << 20,
            max_decompressed: 2 << 30,
            max_members: 100_000,
            max_member_size: 1 << 30,
            max_manifest_size: 64 << 20,
            max_manifest_depth: 32,
        }
    }
}

/// Check that a member name is a clean relative path under `evidence/`.
pub fn check_member_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with(EVIDENCE_PREFIX) {
        return Err("must start with evidence/");
    }
    safe_relative_path(path)
}

fn safe_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    if path.contains('\\') {
        return Err("backslash in path");
    }
    if path.chars().any(|c| c.is_control()) {
        return Err("control character in path");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("empty path component"),
            "." | ".." => return Err("dot or dot-dot component"),
            _ => {}
        }
    }
    Ok(())
}

/// Member path for a file's captured content: `evidence/files/<path>` or,
/// when read through a process root, `evidence/proc-root/<pid>/<path>`.
/// Components that would be unsafe in an archive (`.`, `..`, empty) are dropped
/// and control characters replaced, so the result always passes
/// [`check_member_path`].
pub fn file_member_path(path: &str, via_pid: Option<u32>) -> String {
    let mut out = match via_pid {
        Some(pid) => format!("evidence/proc-root/{pid}"),
        None => "evidence/files".to_string(),
    };
    let mut any = false;
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push('/');
        if part == ".." {
            out.push_str("_dotdot_");
        } else {
            out.extend(
                part.chars()
                    .map(|c| if c.is_control() || c == '\\' { '_' } else { c }),
            );
        }
        any = true;
    }
    if !any {
        out.push_str("/_root_");
    }
    out
}

/// Collects evidence members, then writes the signed bundle.
#[derive(Debug, Default)]
pub struct BundleWriter {
    members: BTreeMap<String, Vec<u8>>,
}

impl BundleWriter {
    pub fn new() -> Self {
        BundleWriter::default()
    }

    pub fn add(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), BundleError> {
        check_member_path(path).map_err(|why| BundleError::BadMemberPath(path.into(), why))?;
        // One walk down the tree (paths share long prefixes: each comparison
        // is a byte-by-byte memcmp in the static build).
        match self.members.entry(path.to_string()) {
            std::collections::btree_map::Entry::Occupied(_) => {
                Err(BundleError::DuplicateMember(path.into()))
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(bytes);
                Ok(())
            }
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.members.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Fill `manifest.members` and `manifest.signer`, derive `bundle_id` from
    /// the content when it is empty, sign, and return the `.tar.gz` bytes.
    /// Deterministic: members sorted, every tar header fixed but `mtime`,
    /// gzip header time 0.
    pub fn finish(
        self,
        mut manifest: Manifest,
        key: &SigningKey,
        mtime: u64,
    ) -> Result<Vec<u8>, BundleError> {
        manifest.members = self
            .members
            .iter()
            .map(|(path, bytes)| Member {
                path: path.clone(),
                size: bytes.len() as u64,
                sha256: crate::redact::sha256_hex(bytes),
            })
            .collect();
        manifest.signer = Signer {
            algorithm: "ed25519".into(),
            fingerprint: key.fingerprint(),
        };
        if manifest.bundle_id.is_empty() {
            let probe =
                serde_json::to_vec(&manifest).map_err(|e| BundleError::Serialize(e.to_string()))?;
            manifest.bundle_id = hex(&crate::redact::sha256(&probe)[..16]);
        }
        let mut manifest_bytes = pretty_json(&manifest)?;
        manifest_bytes.push(b'\n');
        let signature = key.sign(&manifest_bytes);

        let gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        tar.mode(tar::HeaderMode::Deterministic);
        append(&mut tar, MANIFEST_NAME, &manifest_bytes, mtime)?;
        append(&mut tar, SIGNATURE_NAME, &signature, mtime)?;
        for (path, bytes) in &self.members {
            append(&mut tar, path, bytes, mtime)?;
        }
        let gz = tar.into_inner().map_err(BundleError::Write)?;
        gz.finish().map_err(BundleError::Write)
    }
}

/// `serde_json::to_vec_pretty`, byte for byte, with each line break and its
/// indentation written in one piece: a large node's manifest has tens of
/// thousands of lines, and in the static musl build every write of a few
/// bytes is a call into a slow `memcpy`.
pub fn pretty_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::default());
    value
        .serialize(&mut ser)
        .map_err(|e| BundleError::Serialize(e.to_string()))?;
    Ok(out)
}

/// serde_json's `PrettyFormatter` with its default two-space indent.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// `,` then a line break then 32 levels of indentation.
const BREAK: [u8; 66] = {
    let mut b = [b' '; 66];
    b[0] = b',';
    b[1] = b'\n';
    b
};

impl Pretty {
    /// `,` (when `comma`), a line break, and the indentation.
    fn line_break<W: ?Sized + std::io::Write>(
        &self,
        w: &mut W,
        comma: bool,
    ) -> std::io::Result<()> {
        let from = if comma { 0 } else { 1 };
        let spaces = self.depth * 2;
        if 2 + spaces <= BREAK.len() {
            return w.write_all(&BREAK[from..2 + spaces]);
        }
        w.write_all(&BREAK[from..2])?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line_break(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line_break(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn append<W: std::io::Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    bytes: &[u8],
    mtime: u64,
) -> Result<(), BundleError> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    tar.append_data(&mut header, path, bytes)
        .map_err(BundleError::Write)
}

/// A bundle whose structure, hashes and (unless read untrusted) signature were checked.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub manifest: Manifest,
    /// The exact signed bytes of `manifest.json`.
    pub manifest_bytes: Vec<u8>,
    /// Evidence members by path; every one's size and SHA-256 matched the manifest.
    pub members: BTreeMap<String, Vec<u8>>,
    /// Fingerprint of the trusted key that verified the signature; `None` when
    /// the bundle was read with [`read_untrusted`] and no trusted key verified it.
    pub verified_by: Option<String>,
    /// Why the signature was not accepted, for bundles read untrusted.
    pub signature_problem: Option<String>,
}

impl VerifiedBundle {
    pub fn member(&self, path: &str) -> Option<&[u8]> {
        self.members.get(path).map(|v| v.as_slice())
    }
}

/// Read a bundle and verify it against the trusted keys. Any failure is an error.
pub fn read_verified(
    bytes: &[u8],
    trusted: &[PublicKey],
    limits: &Limits,
) -> Result<VerifiedBundle, BundleError> {
    let raw = unpack(bytes, limits)?;
    let verified_by = check_signature(&raw, trusted)?;
    let mut bundle = check_manifest(raw, limits)?;
    if bundle.manifest.signer.fingerprint != verified_by {
        return Err(BundleError::SignerMismatch {
            named: bundle.manifest.signer.fingerprint.clone(),
            actual: verified_by,
        });
    }
    bundle.verified_by = Some(verified_by);
    Ok(bundle)
}

/// Read a bundle checking structure and hashes, but accept it when no trusted
/// key verifies the signature (`--allow-untrusted`); `signature_problem` says why.
pub fn read_untrusted(
    bytes: &[u8],
    trusted: &[PublicKey],
    limits: &Limits,
) -> Result<VerifiedBundle, BundleError> {
    let raw = unpack(bytes, limits)?;
    let sig = check_signature(&raw, trusted);
    let mut bundle = check_manifest(raw, limits)?;
    match sig {
        Ok(fp) if fp == bundle.manifest.signer.fingerprint => bundle.verified_by = Some(fp),
        Ok(fp) => {
            bundle.signature_problem = Some(
                BundleError::SignerMismatch {
                    named: bundle.manifest.signer.fingerprint.clone(),
                    actual: fp,
                }
                .to_string(),
            )
        }
        Err(e) => bundle.signature_problem = Some(e.to_string()),
    }
    Ok(bundle)
}

struct RawBundle {
    manifest: Vec<u8>,
    signature: Vec<u8>,
    members: BTreeMap<String, Vec<u8>>,
}

fn unpack(bytes: &[u8], limits: &Limits) -> Result<RawBundle, BundleError> {
    if bytes.len() as u64 > limits.max_compressed {
        return Err(BundleError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_compressed,
        });
    }
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Err(BundleError::NotGzip);
    }
    let mut gz = flate2::bufread::GzDecoder::new(bytes);
    let mut manifest = None;
    let mut signature = None;
    let mut members = BTreeMap::new();
    let mut total: u64 = 0;
    let mut count: usize = 0;
    {
        let limited = (&mut gz).take(limits.max_decompressed.saturating_add(1));
        let mut archive = tar::Archive::new(limited);
        // Raw entries: GNU long names are read here, under a cap, instead of
        // by the tar crate (which would read one of any size into memory);
        // PAX headers are refused (the collector never writes them).
        let entries = archive
            .entries()
            .map_err(|e| BundleError::Corrupt(e.to_string()))?
            .raw(true);
        let mut long_name: Option<Vec<u8>> = None;
        for entry in entries {
            let mut entry = entry.map_err(corrupt)?;
            let kind = entry.header().entry_type();
            if kind.is_gnu_longname() {
                if long_name.is_some() {
                    return Err(BundleError::Corrupt(
                        "two long-name headers for one member".into(),
                    ));
                }
                let size = entry.size();
                if size > MAX_NAME_BYTES {
                    return Err(BundleError::NameTooLong { size });
                }
                total = total.saturating_add(size);
                let mut name = Vec::with_capacity(size as usize);
                (&mut entry)
                    .take(size)
                    .read_to_end(&mut name)
                    .map_err(corrupt)?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                long_name = Some(name);
                continue;
            }
            count += 1;
            if count > limits.max_members + 2 {
                return Err(BundleError::TooManyMembers(limits.max_members));
            }
            let path_bytes = match long_name.take() {
                Some(name) => name,
                None => entry.path_bytes().into_owned(),
            };
            let path =
                String::from_utf8(path_bytes).map_err(|e| BundleError::UnsafeMemberPath {
                    path: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    why: "name is not UTF-8",
                })?;
            let kind = entry.header().entry_type();
            if kind != tar::EntryType::Regular && kind != tar::EntryType::Continuous {
                return Err(BundleError::BadMemberType {
                    path,
                    kind: entry_kind_name(kind).into(),
                });
            }
            safe_relative_path(&path).map_err(|why| BundleError::UnsafeMemberPath {
                path: path.clone(),
                why,
            })?;
            let size = entry.size();
            let cap = if path == MANIFEST_NAME {
                limits.max_manifest_size
            } else {
                limits.max_member_size
            };
            if size > cap {
                return Err(BundleError::MemberTooLarge {
                    path,
                    size,
                    limit: cap,
                });
            }
            total = total.saturating_add(size);
            if total > limits.max_decompressed {
                return Err(BundleError::DecompressedTooLarge(limits.max_decompressed));
            }
            let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
            (&mut entry)
                .take(size)
                .read_to_end(&mut data)
                .map_err(corrupt)?;
            if data.len() as u64 != size {
                return Err(BundleError::Corrupt(format!("member {path} is truncated")));
            }
            let slot = match path.as_str() {
                MANIFEST_NAME => &mut manifest,
                SIGNATURE_NAME => &mut signature,
                _ => {
                    if !path.starts_with(EVIDENCE_PREFIX) {
                        return Err(BundleError::UnsafeMemberPath {
                            path,
                            why: "outside evidence/",
                        });
                    }
                    if members.contains_key(&path) {
                        return Err(BundleError::DuplicateArchiveMember(path));
                    }
                    members.insert(path, data);
                    continue;
                }
            };
            if slot.is_some() {
                return Err(BundleError::DuplicateArchiveMember(path));
            }
            *slot = Some(data);
        }
        if long_name.is_some() {
            return Err(BundleError::Corrupt(
                "a long-name header with no member after it".into(),
            ));
        }
    }
    // Drain the rest of the gzip stream (tar padding) and insist nothing follows it.
    let mut rest = Vec::new();
    (&mut gz)
        .take(1 << 20)
        .read_to_end(&mut rest)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    if rest.iter().any(|b| *b != 0) {
        return Err(BundleError::Corrupt(
            "data after the end of the tar archive".into(),
        ));
    }
    if !gz.get_ref().is_empty() {
        return Err(BundleError::TrailingData);
    }
    Ok(RawBundle {
        manifest: manifest.ok_or(BundleError::MissingManifest)?,
        signature: signature.ok_or(BundleError::MissingSignature)?,
        members,
    })
}

fn corrupt(e: std::io::Error) -> BundleError {
    BundleError::Corrupt(e.to_string())
}

fn entry_kind_name(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Directory => "directory",
        tar::EntryType::Symlink => "symbolic link",
        tar::EntryType::Link => "hard link",
        tar::EntryType::Char => "character device",
        tar::EntryType::Block => "block device",
        tar::EntryType::Fifo => "FIFO",
        tar::EntryType::XHeader | tar::EntryType::XGlobalHeader => "PAX extended header",
        tar::EntryType::GNULongLink => "GNU long link",
        tar::EntryType::GNUSparse => "GNU sparse file",
        _ => "special entry",
    }
}

/// Verify the raw manifest bytes; returns the fingerprint of the key that did.
fn check_signature(raw: &RawBundle, trusted: &[PublicKey]) -> Result<String, BundleError> {
    if raw.signature.len() != 64 {
        return Err(BundleError::BadSignatureSize(raw.signature.len()));
    }
    for key in trusted {
        if key.verify(&raw.manifest, &raw.signature) {
            return Ok(key.fingerprint());
        }
    }
    // Name the signer the manifest claims, without parsing unverified JSON.
    let signer = claimed_signer(&raw.manifest).unwrap_or_else(|| "unknown".into());
    Err(BundleError::UntrustedSignature { signer })
}

/// The `signer.fingerprint` an unverified manifest claims, found by a bounded
/// text scan (first `"fingerprint"` after `"signer"`, hex digits only, at most
/// 64): an unverified manifest is never parsed.
fn claimed_signer(manifest: &[u8]) -> Option<String> {
    let signer = find(manifest, b"\"signer\"")?;
    let rest = &manifest[signer..];
    let key = find(rest, b"\"fingerprint\"")?;
    let mut rest = &rest[key + b"\"fingerprint\"".len()..];
    while let Some((first, tail)) = rest.split_first() {
        if first.is_ascii_whitespace() || *first == b':' {
            rest = tail;
        } else {
            break;
        }
    }
    let rest = rest.strip_prefix(b"\"")?;
    let hex: String = rest
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_hexdigit())
        .map(|b| char::from(*b))
        .collect();
    if hex.is_empty() {
        None
    } else {
        Some(hex)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// True when no array or object in `json` nests deeper than `max` (strings
/// and escapes are skipped). A linear scan, run before any JSON parser sees
/// the bytes, so that depth is bounded by a documented, adjustable limit.
pub fn json_depth_within(json: &[u8], max: usize) -> bool {
    let mut depth: usize = 0;
    let mut in_string = false;
    let mut escaped = false;
    for b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if *b == b'\\' {
                escaped = true;
            } else if *b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

fn check_manifest(raw: RawBundle, limits: &Limits) -> Result<VerifiedBundle, BundleError> {
    let depth = limits.max_manifest_depth.min(MAX_JSON_DEPTH);
    if !json_depth_within(&raw.manifest, depth) {
        return Err(BundleError::ManifestTooDeep(depth));
    }
    let manifest: Manifest = serde_json::from_slice(&raw.manifest)
        .map_err(|e| BundleError::BadManifest(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(BundleError::UnsupportedFormat(
            manifest.format.chars().take(64).collect(),
        ));
    }
    if manifest.members.len() > limits.max_members {
        return Err(BundleError::TooManyMembers(limits.max_members));
    }
    let mut listed = BTreeMap::new();
    for m in &manifest.members {
        check_member_path(&m.path).map_err(|why| BundleError::UnsafeMemberPath {
            path: m.path.clone(),
            why,
        })?;
        if listed.insert(m.path.as_str(), m).is_some() {
            return Err(BundleError::DuplicateListing(m.path.clone()));
        }
    }
    for path in raw.members.keys() {
        if !listed.contains_key(path.as_str()) {
            return Err(BundleError::UnlistedMember(path.clone()));
        }
    }
    for (path, m) in &listed {
        let data = raw
            .members
            .get(*path)
            .ok_or_else(|| BundleError::MissingMember(path.to_string()))?;
        if data.len() as u64 != m.size {
            return Err(BundleError::SizeMismatch {
                path: path.to_string(),
                listed: m.size,
                actual: data.len() as u64,
            });
        }
        let actual = crate::redact::sha256_hex(data);
        if actual != m.sha256 {
            return Err(BundleError::HashMismatch {
                path: path.to_string(),
                listed: m.sha256.clone(),
                actual,
            });
        }
    }
    Ok(VerifiedBundle {
        manifest,
        manifest_bytes: raw.manifest,
        members: raw.members,
        verified_by: None,
        signature_problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_path_is_added_once() {
        let mut w = BundleWriter::new();
        w.add("evidence/files/etc/a.yaml", b"a".to_vec()).unwrap();
        assert!(matches!(
            w.add("evidence/files/etc/a.yaml", b"b".to_vec()),
            Err(BundleError::DuplicateMember(p)) if p == "evidence/files/etc/a.yaml"
        ));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn pretty_json_is_serde_json_pretty() {
        // Deeper than the 32 levels written in one piece.
        let deep = (0..40).fold(
            serde_json::json!("leaf"),
            |v, i| serde_json::json!({ format!("k{i}"): [v, i, {}, []] }),
        );
        for value in [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"a": [1, {"b": []}, {"c": {}}], "d": "x\n\"y\"", "e": {"f": [[], [[]]]}}),
            deep,
        ] {
            assert_eq!(
                pretty_json(&value).unwrap(),
                serde_json::to_vec_pretty(&value).unwrap(),
                "{value}"
            );
        }
    }
    use crate::manifest::*;

    fn key(seed: u8) -> SigningKey {
        // PKCS#8 v1 wrapper around a fixed 32-byte seed: deterministic test keys.
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&[seed; 32]);
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &der)
        );
        SigningKey::from_pem("test", pem.as_bytes()).unwrap()
    }

    pub(crate) fn empty_manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            collector: CollectorInfo {
                name: "kstig-collect".into(),
                version: "test".into(),
            },
            bundle_id: String::new(),
            created: "2026-01-01T00:00:00Z".into(),
            root: "/".into(),
            live: false,
            host: HostFacts {
                hostname: "node-1".into(),
                ..Default::default()
            },
            signer: Signer {
                algorithm: String::new(),
                fingerprint: String::new(),
            },
            members: vec![],
            files: vec![],
            processes: vec![],
            commands: vec![],
            packages: vec![],
            images: vec![],
            cluster: None,
            errors: vec![],
        }
    }

    fn sample(k: &SigningKey) -> Vec<u8> {
        let mut w = BundleWriter::new();
        w.add("evidence/files/etc/a.yaml", b"a: 1\n".to_vec())
            .unwrap();
        w.add("evidence/files/etc/b.conf", vec![0u8; 1000]).unwrap();
        w.finish(empty_manifest(), k, 1_700_000_000).unwrap()
    }

    /// Rebuild a tar.gz from (name, bytes, type) entries, for tampering tests.
    fn build_raw(entries: &[(&str, Vec<u8>, tar::EntryType)]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (name, data, kind) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            // set_path refuses "..": write the raw name bytes like a hostile tool would.
            let raw = &mut h.as_old_mut().name;
            raw[..name.len()].copy_from_slice(name.as_bytes());
            h.set_cksum();
            tar.append(&h, data.as_slice()).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    fn entries_of(bundle: &[u8]) -> Vec<(String, Vec<u8>, tar::EntryType)> {
        let gz = flate2::read::GzDecoder::new(bundle);
        let mut ar = tar::Archive::new(gz);
        ar.entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
                let mut d = Vec::new();
                e.read_to_end(&mut d).unwrap();
                (name, d, e.header().entry_type())
            })
            .collect()
    }

    fn rebuild(v: Vec<(String, Vec<u8>, tar::EntryType)>) -> Vec<u8> {
        let refs: Vec<(&str, Vec<u8>, tar::EntryType)> = v
            .iter()
            .map(|(n, d, t)| (n.as_str(), d.clone(), *t))
            .collect();
        build_raw(&refs)
    }

    #[test]
    fn roundtrip_verifies() {
        let k = key(1);
        let b = sample(&k);
        let v = read_verified(&b, &[k.public_key()], &Limits::default()).unwrap();
        assert_eq!(v.members.len(), 2);
        assert_eq!(v.manifest.members.len(), 2);
        assert_eq!(v.manifest.bundle_id.len(), 32);
        assert_eq!(v.verified_by.as_deref(), Some(k.fingerprint().as_str()));
        assert_eq!(v.member("evidence/files/etc/a.yaml"), Some(&b"a: 1\n"[..]));
    }

    #[test]
    fn deterministic() {
        let k = key(1);
        assert_eq!(sample(&k), sample(&k));
    }

    #[test]
    fn wrong_key_refused_but_readable_untrusted() {
        let b = sample(&key(1));
        let other = key(2).public_key();
        let e = read_verified(&b, std::slice::from_ref(&other), &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::UntrustedSignature { .. }), "{e}");
        let u = read_untrusted(&b, &[other], &Limits::default()).unwrap();
        assert!(u.verified_by.is_none());
        assert!(u.signature_problem.is_some());
    }

    #[test]
    fn tampered_member_refused() {
        let k = key(1);
        let mut es = entries_of(&sample(&k));
        es[2].1[0] ^= 1;
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::HashMismatch { .. }), "{e}");
    }

    #[test]
    fn tampered_manifest_refused() {
        let k = key(1);
        let mut es = entries_of(&sample(&k));
        let pos = es[0].1.iter().position(|b| *b == b'n').unwrap();
        es[0].1[pos] = b'N';
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::UntrustedSignature { .. }), "{e}");
    }

    #[test]
    fn added_and_removed_members_refused() {
        let k = key(1);
        let mut es = entries_of(&sample(&k));
        es.push((
            "evidence/extra".into(),
            b"x".to_vec(),
            tar::EntryType::Regular,
        ));
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::UnlistedMember(_)), "{e}");
        let mut es = entries_of(&sample(&k));
        es.pop();
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::MissingMember(_)), "{e}");
    }

    #[test]
    fn hostile_members_refused() {
        let k = key(1);
        for (name, kind, want) in [
            ("../evil", tar::EntryType::Regular, "dot"),
            ("/etc/passwd", tar::EntryType::Regular, "absolute"),
            ("evidence/link", tar::EntryType::Symlink, "symbolic link"),
            ("evidence/dev", tar::EntryType::Char, "character device"),
            ("other/x", tar::EntryType::Regular, "outside evidence"),
        ] {
            let mut es = entries_of(&sample(&k));
            es.push((name.into(), vec![], kind));
            let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default())
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{name}: {e}");
        }
        let mut es = entries_of(&sample(&k));
        let dup = es[2].clone();
        es.push(dup);
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::DuplicateArchiveMember(_)), "{e}");
    }

    #[test]
    fn limits_and_garbage() {
        let k = key(1);
        let b = sample(&k);
        let small = Limits {
            max_member_size: 10,
            ..Limits::default()
        };
        assert!(matches!(
            read_verified(&b, &[k.public_key()], &small),
            Err(BundleError::MemberTooLarge { .. })
        ));
        let tiny = Limits {
            max_compressed: 10,
            ..Limits::default()
        };
        assert!(matches!(
            read_verified(&b, &[k.public_key()], &tiny),
            Err(BundleError::TooLarge { .. })
        ));
        assert!(matches!(
            read_verified(b"hello", &[k.public_key()], &Limits::default()),
            Err(BundleError::NotGzip)
        ));
        let mut trailing = b.clone();
        trailing.extend_from_slice(b"junk");
        assert!(read_verified(&trailing, &[k.public_key()], &Limits::default()).is_err());
        for cut in [10, b.len() / 2, b.len() - 3] {
            assert!(read_verified(&b[..cut], &[k.public_key()], &Limits::default()).is_err());
        }
    }

    #[test]
    fn long_names_pax_and_depth() {
        let k = key(1);
        // A long (but capped) name written by the tar crate round-trips.
        let mut w = BundleWriter::new();
        let long = format!("evidence/files/{}", "d/".repeat(200) + "f.yaml");
        w.add(&long, b"x: 1\n".to_vec()).unwrap();
        let b = w.finish(empty_manifest(), &k, 0).unwrap();
        let v = read_verified(&b, &[k.public_key()], &Limits::default()).unwrap();
        assert!(v.member(&long).is_some());
        // A GNU long-name header over the cap is refused before it is read.
        let mut es = entries_of(&sample(&k));
        es.insert(
            2,
            (
                "././@LongLink".into(),
                vec![b'a'; 5000],
                tar::EntryType::GNULongName,
            ),
        );
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(matches!(e, BundleError::NameTooLong { size: 5000 }), "{e}");
        // PAX headers are refused.
        let mut es = entries_of(&sample(&k));
        es.insert(2, ("pax".into(), b"".to_vec(), tar::EntryType::XHeader));
        let e = read_verified(&rebuild(es), &[k.public_key()], &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("PAX extended header"), "{e}");
        // Depth scan: strings and escapes do not count.
        assert!(json_depth_within(br#"{"a":[{"b":"[[[[\"[["}]}"#, 3));
        assert!(!json_depth_within(br#"{"a":[{"b":[1]}]}"#, 3));
        let deep = Limits {
            max_manifest_depth: 2,
            ..Limits::default()
        };
        let e = read_verified(&sample(&k), &[k.public_key()], &deep).unwrap_err();
        assert!(matches!(e, BundleError::ManifestTooDeep(2)), "{e}");
    }

    #[test]
    fn claimed_signer_is_scanned_not_parsed() {
        assert_eq!(
            claimed_signer(b"{\"signer\": {\"algorithm\": \"x\", \"fingerprint\" : \"abc1\"}}")
                .as_deref(),
            Some("abc1")
        );
        assert_eq!(claimed_signer(b"{\"fingerprint\": \"abc\"}"), None);
        assert_eq!(
            claimed_signer(b"{\"signer\": {\"fingerprint\": \"\xff\"}}"),
            None
        );
        let e = read_verified(&sample(&key(1)), &[key(2).public_key()], &Limits::default())
            .unwrap_err();
        assert!(e.to_string().contains(&key(1).fingerprint()), "{e}");
    }

    #[test]
    fn member_paths() {
        assert_eq!(
            file_member_path("/etc/kubernetes/admin.conf", None),
            "evidence/files/etc/kubernetes/admin.conf"
        );
        assert_eq!(
            file_member_path("/var/../x//y", Some(7)),
            "evidence/proc-root/7/var/_dotdot_/x/y"
        );
        assert!(check_member_path(&file_member_path("/", None)).is_ok());
        assert!(check_member_path(&file_member_path("a\u{1}b", None)).is_ok());
    }
}
