//! Arbitrary bytes as a model file: loading must never panic (errors are fine).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let _ = codegen::Model::load_sources(&[(std::path::PathBuf::from("fuzz.json"), text)]);
});
