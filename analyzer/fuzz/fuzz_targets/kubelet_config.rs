#![no_main]
//! See `analyzer::fuzzing::kubelet_config`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| analyzer::fuzzing::kubelet_config(data));
