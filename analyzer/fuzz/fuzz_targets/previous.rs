#![no_main]
//! See `analyzer::fuzzing::previous`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::previous(data));
