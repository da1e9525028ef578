#![no_main]
//! See `analyzer::fuzzing::manifest`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::manifest(data));
