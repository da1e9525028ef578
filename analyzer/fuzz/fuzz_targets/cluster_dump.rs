#![no_main]
//! See `analyzer::fuzzing::cluster_dump`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::cluster_dump(data));
