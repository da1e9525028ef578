//! kstig analyzer library.

pub mod benchmark;
pub mod model;
