//! kstig analyzer library: bundle evidence → effective configuration →
//! one check per STIG ID → results → checklist writers.

pub mod answers;
pub mod benchmark;
pub mod carry;
pub mod catalog;
pub mod checklist;
pub mod ckl;
pub mod cklb;
pub mod cluster;
pub mod commands;
pub mod diff;
pub mod evidence;
pub mod flags;
#[doc(hidden)]
pub mod fuzzing;
pub mod kubelet;
pub mod model;
pub mod previous;
pub mod report;
pub mod results;
pub mod rules;
pub mod safety;
pub mod staging;
pub mod xccdf;
pub mod xmlutil;
pub mod yaml;
