#![no_main]
//! See `analyzer::fuzzing::static_pod`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::static_pod(data));
