#![no_main]
//! See `analyzer::fuzzing::collector_text`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::collector_text(data));
