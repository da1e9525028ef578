//! kstig collector library: the evidence bundle format (`manifest`, `bundle`,
//! `sign`) and the node-side collection that fills it.

pub mod bundle;
pub mod manifest;
pub mod redact;
pub mod sign;
pub mod yamlscan;
