//! `@pattern`s against the ECMA-262 engine of the runtime crate
//! (`smithy_gen_runtime::types::pattern`, the one generated validators run): the
//! check that every pattern of a model works there, and the Unicode property
//! tables its `\p{…}` need.

use std::cell::RefCell;
use std::collections::BTreeMap;

use regex_syntax::hir::{Class, HirKind};

use smithy_gen_runtime::types::pattern as engine;

/// The ranges of a property in `\p{…}`: first the names Java gives its
/// POSIX classes and the like (AWS models are written for Java's regular
/// expressions, where `\p{Print}` means printable US-ASCII), then a Unicode
/// property as ECMA-262 names it (`L`, `Letter`, `gc=Lu`, `Script=Greek`,
/// `White_Space`, ...).
pub fn property(name: &str) -> Option<Vec<(char, char)>> {
    if let Some(ranges) = java_property(name) {
        return Some(ranges);
    }
    unicode_property(name)
}

/// Java's `\p{…}` classes that ECMA-262 does not have, by Java's
/// documentation of `java.util.regex.Pattern` (US-ASCII only, its default):
/// the POSIX classes, `all`, and `LD` (a letter or a decimal digit, as
/// `Character.isLetterOrDigit`).
fn java_property(name: &str) -> Option<Vec<(char, char)>> {
    const PUNCT: &[(char, char)] = &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')];
    let r = |pairs: &[(char, char)]| pairs.to_vec();
    Some(match name {
        "Lower" => r(&[('a', 'z')]),
        "Upper" => r(&[('A', 'Z')]),
        "ASCII" => r(&[('\0', '\u{7f}')]),
        "Alpha" => r(&[('A', 'Z'), ('a', 'z')]),
        "Digit" => r(&[('0', '9')]),
        "Alnum" => r(&[('0', '9'), ('A', 'Z'), ('a', 'z')]),
        "Punct" => r(PUNCT),
        "Graph" => r(&[('!', '~')]),
        "Print" => r(&[(' ', '~')]),
        "Blank" => r(&[('\t', '\t'), (' ', ' ')]),
        "Cntrl" => r(&[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')]),
        "XDigit" => r(&[('0', '9'), ('A', 'F'), ('a', 'f')]),
        "Space" => r(&[('\t', '\r'), (' ', ' ')]),
        "all" => r(&[('\0', char::MAX)]),
        "LD" => {
            let mut ranges = unicode_property("L")?;
            ranges.extend(unicode_property("Nd")?);
            ranges.sort_unstable();
            ranges
        }
        _ => return None,
    })
}

/// A Unicode property as ECMA-262 names it.
fn unicode_property(name: &str) -> Option<Vec<(char, char)>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(&format!("\\p{{{name}}}")).ok()?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => Some(class.ranges().iter().map(|r| (r.start(), r.end())).collect()),
        _ => None,
    }
}

/// Whether the generated validators can check `pattern`: the runtime's
/// engine compiles it, as ECMA-262 with the Java constructs AWS models use
/// and whose meaning Java defines (`\p{Print}` and the other POSIX classes,
/// `(?s)`/`(?i)`, `\A`, `\z`, `\Z`, octal escapes). The error says why not;
/// such a pattern is left unchecked, with a warning.
pub fn checkable(pattern: &str) -> Result<(), String> {
    check(pattern)
}

/// Compile `pattern` as the generated crate will; the error says why not.
pub fn check(pattern: &str) -> Result<(), String> {
    engine::Regex::new(pattern, &property).map(|_| ())
}

/// The property tables the patterns use: name, then the ranges as pairs of
/// characters (first, last, first, last, ...), as `runtime/validate.rs`
/// reads them.
pub fn property_tables<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let used = RefCell::new(BTreeMap::new());
    let record = |name: &str| {
        let ranges = property(name)?;
        used.borrow_mut().insert(name.to_string(), ranges.clone());
        Some(ranges)
    };
    for p in patterns {
        let _ = engine::Regex::new(p, &record);
    }
    used.into_inner()
        .into_iter()
        .map(|(name, ranges)| (name, ranges.iter().flat_map(|(a, b)| [*a, *b]).collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_patterns_compile_and_unsupported_features_say_so() {
        // Lambda's lookbehind and a lone-surrogate class compile too.
        for p in [
            "^(?!aws:)[a-zA-Z+-=._:/]+$",
            "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
            "^[\\w-_]*$",
            "^\\S{36,128}$",
            "^[0-9A-Za-z\\.\\-_]*(?<!\\.)$",
            "^[\\uD800-\\uDFFF]$",
        ] {
            check(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
        assert!(check("(a)\\1").unwrap_err().contains("backreferences are not supported"));
        assert!(check("\\p{NoSuchProperty}").unwrap_err().contains("unknown Unicode property"));
    }

    #[test]
    fn tables_hold_only_the_properties_used() {
        let tables = property_tables(["^[\\p{L}\\p{Z}]+$", "^\\p{L}$", "^[a-z]+$"]);
        let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["L", "Z"]);
        let z: Vec<char> = tables[1].1.chars().collect();
        assert_eq!(&z[..2], [' ', ' ']);
        assert!(z.len().is_multiple_of(2) && z.contains(&'\u{3000}'));
    }
}
