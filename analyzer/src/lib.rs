//! kstig analyzer library.

pub mod model;
pub mod flags;
pub mod yaml;
pub mod evidence;
pub mod kubelet;
pub mod rules;
