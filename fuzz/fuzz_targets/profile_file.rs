//! Arbitrary bytes as the shared `config` and `credentials` files
//! (`~/.aws/config`, `~/.aws/credentials`): the whole input as either file,
//! and split at its first NUL byte into both. Reading and merging must end
//! in profiles or an error naming a line of the file, never a panic; every
//! profile's settings can be looked up and every error displays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_gen_runtime::config::profile_file::{ProfileFileError, ProfileSet};

/// The keys the credential chain and the configuration read.
const KEYS: &[&str] = &[
    "region",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "aws_access_key_id",
    "services",
    "S3",
];

fn check(config: &str, credentials: &str) {
    match ProfileSet::parse(config, "config", credentials, "credentials") {
        Ok(set) => {
            for section in set.profiles.values().chain(set.sso_sessions.values()).chain(set.services.values()) {
                for key in KEYS {
                    let _ = section.get(key);
                    let _ = section.sub(key, "endpoint_url");
                }
            }
            let _ = format!("{set:?}");
        }
        Err(ProfileFileError { path, line, message }) => {
            let text = match path.as_str() {
                "config" => config,
                "credentials" => credentials,
                other => panic!("an error names a file that was not read: {other}"),
            };
            assert!(line >= 1 && line <= text.lines().count(), "{path}:{line}: {message} (the file has {} lines)", text.lines().count());
            let _ = ProfileFileError { path, line, message }.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text, "");
    check("", &text);
    if let Some((config, credentials)) = text.split_once('\0') {
        check(config, credentials);
    }
});
