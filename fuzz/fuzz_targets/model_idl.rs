//! Arbitrary bytes as Smithy IDL files: loading must never panic, loop or
//! overflow the stack (errors are fine). A 0 byte splits the input into up
//! to three files, so names resolved across files are exercised too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sources: Vec<(std::path::PathBuf, String)> = data
        .splitn(3, |b| *b == 0)
        .enumerate()
        .map(|(i, part)| (std::path::PathBuf::from(format!("fuzz{i}.smithy")), String::from_utf8_lossy(part).into_owned()))
        .collect();
    let _ = codegen::Model::load_sources(&sources);
});
