//! The shared `config` and `credentials` files (`~/.aws/config`,
//! `~/.aws/credentials`): where they are, how they read, and how the two
//! merge into one set of profiles, as the AWS CLI (botocore) reads them:
//!
//! - `[default]` and `[profile NAME]` sections in `config` are profiles
//!   (`[profile default]` wins over `[default]`); `[sso-session NAME]` and
//!   `[services NAME]` sections are kept apart; other sections are ignored.
//!   Every section of `credentials` is the profile of its name, and its
//!   properties win over the same profile's in `config`.
//! - `key = value` or `key: value`, keys case-insensitive, values trimmed and
//!   kept whole (a `#` inside a value is part of it, as the AWS CLI reads it).
//! - Lines starting with `#` or `;` are comments; a section header may be
//!   followed by a comment.
//! - An indented line continues the property above it; under a property
//!   whose value is empty, indented `key = value` lines are its
//!   sub-properties (`s3 =` / `  addressing_style = path`).
//! - A property outside any section, a line that is neither, a section
//!   defined twice or a key given twice in one section is an error naming the
//!   file and the line (the AWS CLI refuses such files too).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A property's value: text, or sub-properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Sub(BTreeMap<String, String>),
}

/// The properties of one profile (or `sso-session`, or `services` section),
/// by lower-case key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub properties: BTreeMap<String, Value>,
}

impl Section {
    /// A text property (`None` when absent or a table of sub-properties).
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.properties.get(&key.to_ascii_lowercase())? {
            Value::Text(t) => Some(t),
            Value::Sub(_) => None,
        }
    }

    /// A sub-property (`s3` / `addressing_style`).
    pub fn sub(&self, key: &str, sub: &str) -> Option<&str> {
        match self.properties.get(&key.to_ascii_lowercase())? {
            Value::Sub(m) => m.get(&sub.to_ascii_lowercase()).map(String::as_str),
            Value::Text(_) => None,
        }
    }
}

/// Both files, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    pub profiles: BTreeMap<String, Section>,
    pub sso_sessions: BTreeMap<String, Section>,
    pub services: BTreeMap<String, Section>,
    /// The profiles whose `aws_access_key_id` is in the credentials file
    /// (whose static keys come before a `credential_process`; keys in the
    /// config file come after it, as botocore orders them).
    pub credentials_file_keys: std::collections::BTreeSet<String>,
}

/// Why a file could not be read: which file, which line, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFileError {
    pub path: String,
    /// 1-based; 0 when the file as a whole could not be read.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ProfileFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for ProfileFileError {}

/// Where the two files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFiles {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl ProfileFiles {
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/config` and `~/.aws/credentials` (`~` is `HOME`, or
    /// `USERPROFILE` on Windows). `None` when a default is needed and there
    /// is no home directory.
    pub fn from_env() -> Option<ProfileFiles> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = var("HOME").or_else(|| var("USERPROFILE"));
        let pick = |name: &str, default: &str| var(name).map(|p| expand_home(&p, home.as_deref())).or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)));
        Some(ProfileFiles { config: pick("AWS_CONFIG_FILE", "config")?, credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials")? })
    }
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// The profile `AWS_PROFILE` names, else `default`.
pub fn selected_profile() -> String {
    std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "default".to_string())
}

impl ProfileSet {
    /// Read and merge the files; a file that does not exist counts as empty.
    pub fn load(files: &ProfileFiles) -> Result<ProfileSet, ProfileFileError> {
        let read = |path: &Path| -> Result<String, ProfileFileError> {
            match std::fs::read(path) {
                Ok(bytes) => String::from_utf8(bytes).map_err(|e| ProfileFileError {
                    path: path.display().to_string(),
                    line: 0,
                    message: format!("not UTF-8 text: {e}"),
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
                Err(e) => Err(ProfileFileError { path: path.display().to_string(), line: 0, message: e.to_string() }),
            }
        };
        let config = read(&files.config)?;
        let credentials = read(&files.credentials)?;
        ProfileSet::parse(&config, &files.config.display().to_string(), &credentials, &files.credentials.display().to_string())
    }

    /// Merge the texts of a `config` and a `credentials` file (named in errors).
    pub fn parse(config: &str, config_name: &str, credentials: &str, credentials_name: &str) -> Result<ProfileSet, ProfileFileError> {
        let mut set = ProfileSet::default();
        let mut default_section = None;
        for (name, section) in parse_file(config, config_name)? {
            let mut words = name.split_whitespace();
            let (kind, rest) = (words.next().unwrap_or_default(), words.collect::<Vec<_>>());
            match (kind, rest.as_slice()) {
                ("default", []) => default_section = Some(section),
                ("profile", [n]) => {
                    set.profiles.insert(n.to_string(), section);
                }
                ("sso-session", [n]) => {
                    set.sso_sessions.insert(n.to_string(), section);
                }
                ("services", [n]) => {
                    set.services.insert(n.to_string(), section);
                }
                // Other sections of the config file are not profiles.
                _ => {}
            }
        }
        if let Some(d) = default_section {
            // `[profile default]` wins over `[default]`.
            set.profiles.entry("default".to_string()).or_insert(d);
        }
        for (name, section) in parse_file(credentials, credentials_name)? {
            if section.get("aws_access_key_id").is_some() {
                set.credentials_file_keys.insert(name.clone());
            }
            let profile = set.profiles.entry(name).or_default();
            profile.properties.extend(section.properties);
        }
        Ok(set)
    }
}

/// One file's sections in file order (the names as written, trimmed).
fn parse_file(text: &str, path: &str) -> Result<Vec<(String, Section)>, ProfileFileError> {
    let err = |line: usize, message: String| ProfileFileError { path: path.to_string(), line, message };
    let mut sections: Vec<(String, Section)> = Vec::new();
    // The names seen, words joined by one space (`[profile  a]` is
    // `[profile a]`): a set, so a file of many sections reads in linear time.
    let mut seen: HashSet<String> = HashSet::new();
    // The property lines may continue: its key, indentation and whether it
    // holds sub-properties.
    let mut open: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let (Some((key, level)), Some((_, section))) = (&open, sections.last_mut()) {
            if indent > *level {
                let value = section.properties.get_mut(key).ok_or_else(|| err(n, "a continuation without its property".into()))?;
                match value {
                    // A value continued on the next line.
                    Value::Text(t) if !t.is_empty() => {
                        t.push('\n');
                        t.push_str(trimmed);
                    }
                    // Under an empty value: sub-properties.
                    _ => sub_property(value, trimmed, n, &err)?,
                }
                continue;
            }
        }
        if trimmed.starts_with('[') {
            let close = trimmed.rfind(']').ok_or_else(|| err(n, format!("the section header {trimmed:?} has no closing `]`")))?;
            let name = trimmed[1..close].trim();
            if name.is_empty() {
                return Err(err(n, "a section header without a name".into()));
            }
            if !seen.insert(name.split_whitespace().collect::<Vec<_>>().join(" ")) {
                return Err(err(n, format!("the section [{name}] is defined twice in this file")));
            }
            sections.push((name.to_string(), Section::default()));
            open = None;
            continue;
        }
        let Some((_, section)) = sections.last_mut() else {
            return Err(err(n, format!("{trimmed:?} comes before any [section]")));
        };
        let split = trimmed.find(['=', ':']).ok_or_else(|| err(n, format!("expected `key = value`, found {trimmed:?}")))?;
        let key = trimmed[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(err(n, format!("a property without a name: {trimmed:?}")));
        }
        if section.properties.contains_key(&key) {
            return Err(err(n, format!("the key `{key}` is given twice in this section")));
        }
        section.properties.insert(key.clone(), Value::Text(trimmed[split + 1..].trim().to_string()));
        open = Some((key, indent));
    }
    Ok(sections)
}

/// A line under a property with an empty value (or already holding
/// sub-properties): one `key = value` sub-property.
fn sub_property(
    value: &mut Value,
    line: &str,
    n: usize,
    err: &dyn Fn(usize, String) -> ProfileFileError,
) -> Result<(), ProfileFileError> {
    let (k, v) = line.split_once('=').ok_or_else(|| err(n, format!("expected a sub-property `key = value`, found {line:?}")))?;
    let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
    if k.is_empty() {
        return Err(err(n, format!("a sub-property without a name: {line:?}")));
    }
    if let Value::Text(_) = value {
        *value = Value::Sub(BTreeMap::new());
    }
    if let Value::Sub(m) = value {
        m.insert(k, v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config: &str, credentials: &str) -> Result<ProfileSet, ProfileFileError> {
        ProfileSet::parse(config, "config", credentials, "credentials")
    }

    #[test]
    fn reads_profiles_as_the_aws_cli_does() {
        let config = "# comment\n; another\n[default]\nregion = us-west-2 # kept\noutput=json;x\n[profile dev]   # trailing comment\n\
                      Region: eu-west-1\ns3 =\n  max_concurrent_requests = 10\n   addressing_style = path\nrole_arn = arn:aws:iam::1:role/r\n  continued\n\
                      [foo]\nregion = ignored\n[profile  spaced ]\nregion = ap-south-1\n[sso-session my]\nsso_region = us-east-1\n\
                      [services svc]\ns3 =\n  endpoint_url = http://localhost:9000\n";
        let credentials = "[default]\naws_access_key_id = AKID1\naws_secret_access_key = secret1\n[dev]\r\naws_access_key_id=AKID2\r\n";
        let set = parse(config, credentials).unwrap();
        let d = &set.profiles["default"];
        assert_eq!((d.get("region"), d.get("output"), d.get("aws_access_key_id")), (Some("us-west-2 # kept"), Some("json;x"), Some("AKID1")));
        let dev = &set.profiles["dev"];
        assert_eq!(dev.get("region"), Some("eu-west-1"));
        assert_eq!(dev.sub("s3", "addressing_style"), Some("path"));
        assert_eq!(dev.get("role_arn"), Some("arn:aws:iam::1:role/r\ncontinued"));
        assert_eq!(dev.get("aws_access_key_id"), Some("AKID2"));
        assert_eq!(set.profiles["spaced"].get("region"), Some("ap-south-1"));
        assert!(!set.profiles.contains_key("foo"));
        assert_eq!(set.sso_sessions["my"].get("sso_region"), Some("us-east-1"));
        assert_eq!(set.services["svc"].sub("s3", "endpoint_url"), Some("http://localhost:9000"));
    }

    #[test]
    fn profile_default_wins_over_default() {
        let set = parse("[profile default]\nregion = a\n[default]\nregion = b\n", "").unwrap();
        assert_eq!(set.profiles["default"].get("region"), Some("a"));
    }

    #[test]
    fn malformed_files_name_the_line() {
        let cases = [
            ("region = x\n", "config:1: \"region = x\" comes before any [section]"),
            ("[default\nregion = x\n", "config:1: the section header \"[default\" has no closing `]`"),
            ("[default]\nregion = x\nregion = y\n", "config:3: the key `region` is given twice in this section"),
            ("[default]\n[default]\n", "config:2: the section [default] is defined twice in this file"),
            ("[profile  a]\nx = 1\n[ profile a ]\n", "config:3: the section [profile a] is defined twice in this file"),
            ("[default]\njust text\n", "config:2: expected `key = value`, found \"just text\""),
            ("[default]\ns3 =\n  no equals\n", "config:3: expected a sub-property `key = value`, found \"no equals\""),
            ("[]\n", "config:1: a section header without a name"),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text, "").unwrap_err().to_string(), want, "{text:?}");
        }
        assert_eq!(parse("", "[a]\nx = 1\nX = 2\n").unwrap_err().to_string(), "credentials:3: the key `x` is given twice in this section");
    }

    /// Files of many sections, as SSO tooling writes them for every account
    /// and role, read in linear time. The size is the test: 50,000 sections
    /// (2 MB) read in a fraction of a second in a debug build, while the
    /// quadratic duplicate check this replaced (each header compared with
    /// every one before it) took 5 minutes for 20,000 and would take over
    /// half an hour here, hanging the suite.
    #[test]
    fn many_sections_read_in_linear_time() {
        const N: usize = 50_000;
        let mut config = String::with_capacity(N * 40);
        let mut credentials = String::new();
        for i in 0..N {
            config.push_str(&format!("[profile a{i:06}-dev]\nsso_role_name = dev\n"));
            if i % 5 == 0 {
                credentials.push_str(&format!("[k{i:06}]\naws_access_key_id = A\n"));
            }
        }
        let set = parse(&config, &credentials).unwrap();
        assert_eq!(set.profiles.len(), N + N / 5);
        assert_eq!(set.credentials_file_keys.len(), N / 5);
        assert_eq!(set.profiles["a049999-dev"].get("sso_role_name"), Some("dev"));
    }
}
