//! kstig analyzer library.

pub mod evidence;
pub mod flags;
pub mod kubelet;
pub mod model;
pub mod rules;
pub mod yaml;
