//! kstig analyzer library.

pub mod checklist;
pub mod ckl;
pub mod cklb;
pub mod model;
pub mod previous;
pub mod xccdf;
pub mod xmlutil;
