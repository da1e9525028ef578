//! Writing, reading and verifying evidence bundles.
