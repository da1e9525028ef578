//! kstig analyzer library.

pub mod model;
