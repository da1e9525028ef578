#![no_main]
//! See `analyzer::fuzzing::benchmark`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::benchmark(data));
