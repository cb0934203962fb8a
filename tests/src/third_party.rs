//! The third-party files some tests read (the official AWS models), found
//! through the generator's one search order (`smithy_gen_codegen::third_party`). A test
//! whose files are missing prints one `skipped:` line naming them and the
//! command that fetches them, and passes; with `SMITHY_REQUIRE_THIRD_PARTY=1`
//! (CI) it fails instead.

use std::path::{Path, PathBuf};

use smithy_gen_codegen::third_party::{self, Set};

/// The checkout these tests belong to.
pub fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The official AWS models `files` (`cloudwatch-logs-2014-03-28.json`), or
/// `None` when they are missing and `test` is skipped.
pub fn official_models(test: &str, files: &[&str]) -> Option<Vec<PathBuf>> {
    match third_party::find_files(Set::AwsModels, &checkout(), files) {
        Ok(paths) => Some(paths),
        Err(missing) => {
            missing.skip(test);
            None
        }
    }
}

/// One official AWS model, or `None` when `test` is skipped.
pub fn official_model(test: &str, file: &str) -> Option<PathBuf> {
    official_models(test, &[file]).map(|mut v| v.remove(0))
}

/// The complete official models of the two seed services.
pub const SEED_MODELS: &[&str] = &["cloudwatch-logs-2014-03-28.json", "guardduty-2017-11-28.json"];
