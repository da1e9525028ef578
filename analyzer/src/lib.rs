//! kstig analyzer library.

pub mod model;
pub mod flags;
pub mod yaml;
