//! Every Rust identifier the generator emits is made here, by one rule:
//!
//! 1. convert the model name to the Rust case (heck);
//! 2. if the result is empty or starts with a digit, prefix it (`V` for types
//!    and variants, `_` for fields and functions);
//! 3. if it is a Rust keyword, a name of the Rust prelude, or a name the
//!    generator reserves in that scope (like the `Unknown` enum variant),
//!    append `_`.
//!
//! Two model names that end up the same within one scope are an error that
//! names both (see `lower`), never a silent rename.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords of every edition, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Names of the Rust prelude (and `std` types the generated code names) that a
/// model type must not shadow for code that glob-imports the generated module.
const PRELUDE_TYPES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "ToString", "ToOwned",
    "Clone", "Copy", "Send", "Sync", "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "Default",
    "Eq", "PartialEq", "Ord", "PartialOrd", "Iterator", "IntoIterator", "Extend", "From", "Into",
    "TryFrom", "TryInto", "AsRef", "AsMut", "FromIterator", "Debug", "Hash", "Display", "Error",
    "BTreeMap", "HashMap",
];

/// Names the generator gives to enum and union variants of its own.
pub const RESERVED_VARIANTS: &[&str] = &["Unknown"];

/// Modules (and the re-exported runtime crate) the generator puts at the
/// root of the crate beside the services'.
pub const RESERVED_MODULES: &[&str] = &["cli", "unicode_properties", "smithy_gen_runtime"];

/// Cargo features the generator defines beside the services' and
/// operations'.
pub const RESERVED_FEATURES: &[&str] = &["default", "default-transport", "cli", "http2", "request-compression", "content-md5", "checksums"];

/// Field names the generator reserves inside structures (none today; kept so
/// the rule has one place to grow).
pub const RESERVED_FIELDS: &[&str] = &[];

fn finish(mut s: String, digit_prefix: &str, reserved: &[&str], extra_reserved: &[&str]) -> String {
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&s.as_str()) || reserved.contains(&s.as_str()) || extra_reserved.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Keep only characters valid in identifiers (model names are identifiers,
/// enum values used as variant names may not be).
fn clean(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A type name (structure, union, enum): `UpperCamelCase`.
/// Check a package name for the generated crate: what Cargo accepts and the
/// generated code can name (`my-crate` is used in Rust as `my_crate`).
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let why = if name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        Some(format!("{c:?} is not allowed (ASCII letters, digits, `-` and `_` only)"))
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with an ASCII letter".to_string())
    } else if name.len() > 64 {
        Some("it is longer than 64 characters (crates.io's limit)".to_string())
    } else if KEYWORDS.contains(&name.replace('-', "_").as_str()) {
        Some("it is a Rust keyword".to_string())
    } else if ["std", "core", "alloc", "test", "proc_macro"].contains(&name.replace('-', "_").as_str()) {
        Some("it is the name of a standard library crate".to_string())
    } else {
        None
    };
    match why {
        Some(why) => {
            let suggestion: String = name
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
                .collect::<String>()
                .trim_matches('-')
                .to_string();
            let hint = match suggestion.starts_with(|c: char| c.is_ascii_alphabetic()) && suggestion != name {
                true => format!(" (for example `{suggestion}`)"),
                false => String::new(),
            };
            Err(format!("`{name}` is not a valid crate name: {why}{hint}"))
        }
        None => Ok(()),
    }
}

/// The name in `names` that `wanted` most likely meant: the same name in
/// another case, else one within two edits (for "did you mean").
pub fn suggest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if let Some(n) = names.clone().into_iter().find(|n| n.eq_ignore_ascii_case(wanted)) {
        return Some(n);
    }
    let lower = wanted.to_ascii_lowercase();
    names
        .into_iter()
        .map(|n| (edit_distance(&lower, &n.to_ascii_lowercase()), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance (by characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn type_name(raw: &str) -> String {
    finish(clean(raw).to_upper_camel_case(), "V", PRELUDE_TYPES, &[])
}

/// An enum or union variant: `UpperCamelCase`, never `Unknown`.
pub fn variant_name(raw: &str) -> String {
    finish(clean(raw).to_upper_camel_case(), "V", RESERVED_VARIANTS, &[])
}

/// A structure field: `snake_case`.
pub fn field_name(raw: &str) -> String {
    finish(clean(raw).to_snake_case(), "_", RESERVED_FIELDS, &[])
}

/// A module name: the words of `raw` (split only at non-alphanumeric
/// characters, so `CloudWatch Logs` gives `cloudwatch_logs`, `GuardDuty`
/// gives `guardduty`), lower-cased and joined with `_`; `None` when `raw`
/// has no ASCII letter or digit to make a name of.
pub fn module_name(raw: &str) -> Option<String> {
    let words: Vec<String> =
        raw.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase).collect();
    (!words.is_empty()).then(|| finish(words.join("_"), "_", RESERVED_MODULES, &[]))
}

/// A service's module name: from its `sdkId` as [`module_name`] splits it
/// (`CloudWatch Logs` gives `cloudwatch_logs`, `GuardDuty` gives `guardduty`,
/// as aws-sdk-rust names its crates), else from its shape's name in snake
/// case (`WidgetService` gives `widget_service`); `None` when there is no
/// ASCII letter or digit to make a name of.
pub fn service_module(sdk_id: Option<&str>, shape_name: &str) -> Option<String> {
    match sdk_id {
        Some(id) => module_name(id),
        None => module_name(&clean(shape_name).to_snake_case()),
    }
}

/// A function name: `snake_case`.
pub fn fn_name(raw: &str) -> String {
    finish(clean(raw).to_snake_case(), "_", &[], &[])
}

/// A Cargo feature name: `kebab-case` from an operation name or a module
/// name (`PutDestination` gives `put-destination`, `cloudwatch_logs` gives
/// `cloudwatch-logs`), using only ASCII letters, digits and `-`.
pub fn feature_name(raw: &str) -> String {
    clean(raw)
        .to_kebab_case()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// The name of the validator function for a named list, map or simple shape.
pub fn check_fn_name(shape_name: &str) -> String {
    format!("check_{}", clean(shape_name).to_snake_case())
}

/// Methods a builder or a fluent call has besides its setters.
const BUILDER_METHODS: &[&str] = &["build", "fmt", "clone", "eq", "default", "unchecked", "new", "as_input", "send", "wait"];

/// The client method that takes an operation's whole input
/// (`put_destination_with`), given the method names of every operation of
/// the service (`put_destination` is the fluent call's): `<name>_with`, or
/// `<name>_with_input` when another operation has that name.
pub fn input_fn_name(fn_name: &str, all: &[&str]) -> String {
    let base = fn_name.trim_end_matches('_');
    let with = format!("{base}_with");
    if all.contains(&with.as_str()) {
        format!("{base}_with_input")
    } else {
        with
    }
}

/// Methods every generated structure has besides its accessors.
const STRUCT_METHODS: &[&str] = &["new", "builder", "clone", "eq", "fmt", "default"];

/// The accessor method of each of a structure's fields (given by their
/// Rust names, raw identifiers included): the field's own name, unless a
/// method of the structure has it (`new`, `builder`, a `default_<field>`
/// of another member), then `<name>_value`.
pub fn accessor_names(fields: &[&str]) -> Vec<String> {
    let bare: Vec<&str> = fields.iter().map(|f| f.trim_start_matches("r#")).collect();
    let taken = |name: &str| STRUCT_METHODS.contains(&name) || bare.iter().any(|f| name == format!("default_{f}"));
    fields.iter().zip(&bare).map(|(f, b)| if taken(b) { format!("{b}_value") } else { f.to_string() }).collect()
}

/// The builder methods of each of a structure's fields: the setter (the
/// field's name), the whole-value setter `set_<name>` and the getter
/// `get_<name>`. A name taken by another of the builder's methods (`build`,
/// another field's `set_`/`get_`) gets `_value` after it.
pub fn builder_method_names(fields: &[&str]) -> Vec<(String, String, String)> {
    let bare: Vec<&str> = fields.iter().map(|f| f.trim_start_matches("r#")).collect();
    let derived: std::collections::BTreeSet<String> = bare.iter().flat_map(|b| [format!("set_{b}"), format!("get_{b}")]).collect();
    fields
        .iter()
        .zip(&bare)
        .map(|(f, b)| {
            let setter = if BUILDER_METHODS.contains(b) || derived.contains(*b) { format!("{b}_value") } else { f.to_string() };
            (setter, format!("set_{b}"), format!("get_{b}"))
        })
        .collect()
}

/// The name of the cached regex accessor for the `index`th pattern of a module.
pub fn pattern_fn_name(index: usize) -> String {
    format!("pattern_{index}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_keywords_prelude_and_reserved() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("match"), "match_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("async"), "async_");
        assert_eq!(field_name("destinationName"), "destination_name");
        assert_eq!(field_name("ARNValue"), "arn_value");
        assert_eq!(field_name("DetectorId"), "detector_id");
        assert_eq!(type_name("String"), "String_");
        assert_eq!(type_name("Option"), "Option_");
        assert_eq!(type_name("Result"), "Result_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("PutDestinationRequest"), "PutDestinationRequest");
        assert_eq!(variant_name("UNKNOWN"), "Unknown_");
        assert_eq!(variant_name("SELF"), "Self_");
        assert_eq!(variant_name("INVALID_ENTITY"), "InvalidEntity");
        assert_eq!(variant_name("OPENSEARCH"), "Opensearch");
        assert_eq!(variant_name("1_DAY"), "V1Day");
        assert_eq!(field_name("3d"), "_3d");
        assert_eq!(module_name("CloudWatch Logs").as_deref(), Some("cloudwatch_logs"));
        assert_eq!(module_name("GuardDuty").as_deref(), Some("guardduty"));
        // Found by fuzzing: `_` is not an identifier, and these modules are the crate's own.
        assert_eq!(module_name(""), None);
        assert_eq!(module_name(" é-"), None);
        assert_eq!(module_name("Runtime").as_deref(), Some("runtime"));
        assert_eq!(module_name("Unicode Properties").as_deref(), Some("unicode_properties_"));
        assert_eq!(module_name("CLI").as_deref(), Some("cli_"));
        assert_eq!(module_name("1x").as_deref(), Some("_1x"));
        // A service without an sdkId: its shape's name, in snake case.
        assert_eq!(service_module(None, "WidgetService").as_deref(), Some("widget_service"));
        assert_eq!(service_module(None, "RestJson").as_deref(), Some("rest_json"));
        assert_eq!(service_module(Some("GuardDuty"), "GuardDutyAPIService").as_deref(), Some("guardduty"));
        assert_eq!(service_module(None, "Cli").as_deref(), Some("cli_"));
        // Accessors and builder setters step aside for the methods they would hide.
        assert_eq!(accessor_names(&["new", "name", "default_name", "builder"]), ["new_value", "name", "default_name_value", "builder_value"]);
        let b = builder_method_names(&["build", "x", "set_x", "send", "wait"]);
        assert_eq!(b.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(), ["build_value", "x", "set_x_value", "send_value", "wait_value"]);
        assert_eq!(input_fn_name("get_widget", &["get_widget"]), "get_widget_with");
        assert_eq!(input_fn_name("get_widget", &["get_widget", "get_widget_with"]), "get_widget_with_input");
        assert_eq!(input_fn_name("match_", &["match_"]), "match_with");
    }
}

#[cfg(test)]
mod crate_name_tests {
    use super::*;

    #[test]
    fn crate_names_are_checked_with_a_reason() {
        for ok in ["aws-generated", "my_crate", "a1"] {
            assert_eq!(check_crate_name(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("my.crate", "'.' is not allowed"),
            ("1abc", "must start with an ASCII letter"),
            ("My Crate", "' ' is not allowed"),
            ("", "empty"),
            ("self", "keyword"),
            ("std", "standard library"),
        ] {
            let e = check_crate_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert!(check_crate_name("my.crate").unwrap_err().contains("`my-crate`"));
    }

    #[test]
    fn suggestions_prefer_the_same_name_in_another_case() {
        let names = ["PutDestination", "PutDestinationPolicy", "DescribeDestinations"];
        assert_eq!(suggest("putdestination", names), Some("PutDestination"));
        assert_eq!(suggest("PutDestinaton", names), Some("PutDestination"));
        assert_eq!(suggest("Nothing", names), None);
    }
}
