//! Ed25519 keys and signatures.
