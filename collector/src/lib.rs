//! kstig collector library: the evidence bundle format (`manifest`, `bundle`,
//! `sign`) and the node-side collection that fills it.

pub mod bundle;
pub mod capture;
pub mod cluster;
pub mod collect;
pub mod command;
pub mod hostfacts;
pub mod manifest;
pub mod paths;
pub mod procfs;
pub mod redact;
pub mod sign;
pub mod versions;
pub mod yamlscan;
