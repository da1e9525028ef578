//! kstig analyzer library.

pub mod benchmark;
pub mod catalog;
pub mod model;
