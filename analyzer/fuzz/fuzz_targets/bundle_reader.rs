#![no_main]
//! See `analyzer::fuzzing::bundle_reader`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::bundle_reader(data));
