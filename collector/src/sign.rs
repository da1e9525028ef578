//! Ed25519 keys and signatures (ring).
//!
//! Key files are PEM so that standard tools read them too:
//! private keys are PKCS#8 (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey
//! -algorithm ed25519` writes them), public keys are SubjectPublicKeyInfo
//! (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes them).
//! `manifest.sig` holds the raw 64-byte signature, so an auditor can check a
//! bundle with `openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in
//! manifest.json -sigfile manifest.sig`.

use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use std::path::Path;

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("{path}: cannot read key: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not a PEM file (expected -----BEGIN {1}-----)")]
    NotPem(String, &'static str),
    #[error("{0}: bad base64 in PEM body")]
    Base64(String),
    #[error("{0}: not an Ed25519 PKCS#8 private key")]
    BadPrivateKey(String),
    #[error("{0}: not an Ed25519 public key (SubjectPublicKeyInfo)")]
    BadPublicKey(String),
    #[error("cannot generate a key: system random source failed")]
    Random,
}

/// Extract and decode the body of the first PEM block with the given label.
fn pem_decode(origin: &str, text: &[u8], label: &'static str) -> Result<Vec<u8>, SignError> {
    let text = std::str::from_utf8(text).map_err(|_| SignError::NotPem(origin.into(), label))?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| SignError::NotPem(origin.into(), label))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| SignError::NotPem(origin.into(), label))?
        + start;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|_| SignError::Base64(origin.into()))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Lowercase hex SHA-256 of the 32 raw public key bytes.
pub fn fingerprint_of(public: &[u8]) -> String {
    hex(&crate::redact::sha256(public))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    // Not format! per byte: this runs for every member of every bundle.
    crate::redact::hex(bytes)
}

/// A private signing key.
pub struct SigningKey {
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.fingerprint())
    }
}

impl SigningKey {
    /// Parse a PKCS#8 PEM private key (v1 as OpenSSL writes it, or v2 as ring writes it).
    pub fn from_pem(origin: &str, pem: &[u8]) -> Result<SigningKey, SignError> {
        let der = pem_decode(origin, pem, "PRIVATE KEY")?;
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
            .map_err(|_| SignError::BadPrivateKey(origin.into()))?;
        Ok(SigningKey { pair })
    }

    pub fn from_pem_file(path: &Path) -> Result<SigningKey, SignError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SignError::Read {
            path: origin.clone(),
            source,
        })?;
        SigningKey::from_pem(&origin, &bytes)
    }

    pub fn public_key(&self) -> PublicKey {
        let mut raw = [0u8; 32];
        raw.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey { raw }
    }

    pub fn fingerprint(&self) -> String {
        fingerprint_of(self.pair.public_key().as_ref())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(message).as_ref());
        out
    }
}

/// A trusted public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    raw: [u8; 32],
}

impl PublicKey {
    pub fn from_pem(origin: &str, pem: &[u8]) -> Result<PublicKey, SignError> {
        let der = pem_decode(origin, pem, "PUBLIC KEY")?;
        if der.len() != SPKI_PREFIX.len() + 32 || der[..SPKI_PREFIX.len()] != SPKI_PREFIX {
            return Err(SignError::BadPublicKey(origin.into()));
        }
        let mut raw = [0u8; 32];
        raw.copy_from_slice(&der[SPKI_PREFIX.len()..]);
        Ok(PublicKey { raw })
    }

    pub fn from_pem_file(path: &Path) -> Result<PublicKey, SignError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SignError::Read {
            path: origin.clone(),
            source,
        })?;
        PublicKey::from_pem(&origin, &bytes)
    }

    pub fn raw(&self) -> &[u8; 32] {
        &self.raw
    }

    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.raw)
    }

    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.raw);
        pem_encode("PUBLIC KEY", &der)
    }

    /// True when `signature` is this key's Ed25519 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.raw)
            .verify(message, signature)
            .is_ok()
    }
}

/// A new key pair: (PKCS#8 PEM private key, public key).
pub fn generate() -> Result<(String, PublicKey), SignError> {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| SignError::Random)?;
    let pem = pem_encode("PRIVATE KEY", pkcs8.as_ref());
    let key = SigningKey::from_pem("generated key", pem.as_bytes())?;
    Ok((pem, key.public_key()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written by `openssl genpkey -algorithm ed25519` (PKCS#8 v1): TEST ONLY.
    const OPENSSL_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBjgz0fQ0v7W6PMw4+0bg8BmGyBcHr5KMM5oLh4Y+t1R\n-----END PRIVATE KEY-----\n";

    #[test]
    fn generate_sign_verify_roundtrip() {
        let (pem, public) = generate().unwrap();
        let key = SigningKey::from_pem("t", pem.as_bytes()).unwrap();
        assert_eq!(key.public_key(), public);
        let sig = key.sign(b"hello");
        assert!(public.verify(b"hello", &sig));
        assert!(!public.verify(b"hellp", &sig));
        let reparsed = PublicKey::from_pem("t", public.to_pem().as_bytes()).unwrap();
        assert_eq!(reparsed, public);
        assert_eq!(reparsed.fingerprint().len(), 64);
    }

    #[test]
    fn reads_openssl_pkcs8_v1() {
        let key = SigningKey::from_pem("openssl.key", OPENSSL_KEY.as_bytes()).unwrap();
        let sig = key.sign(b"m");
        assert!(key.public_key().verify(b"m", &sig));
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(
            SigningKey::from_pem("x", b"nope"),
            Err(SignError::NotPem(..))
        ));
        assert!(matches!(
            PublicKey::from_pem(
                "x",
                b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n"
            ),
            Err(SignError::Base64(..))
        ));
        assert!(matches!(
            PublicKey::from_pem(
                "x",
                b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            ),
            Err(SignError::BadPublicKey(..))
        ));
    }
}
