//! The generated crate's ECMA-262 engine (`runtime/pattern.rs`) against
//! `regress`, the reference: every `@pattern` of the official models and a
//! set of patterns exercising each feature the engine supports, on random
//! strings drawn mostly from the characters each pattern mentions.

use smithy_gen_runtime::types::pattern::Regex;
use proptest::prelude::*;

/// Every `smithy.api#pattern` value in the official seed models (`None`
/// when they are missing and the test is skipped).
fn official_patterns() -> Option<Vec<String>> {
    use integration_tests::third_party::{official_models, SEED_MODELS};
    let paths = official_models("official patterns against regress", SEED_MODELS)?;
    let mut out = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let model: serde_json::Value = serde_json::from_str(&text).unwrap();
        collect(&model, &mut out);
    }
    out.sort();
    out.dedup();
    assert!(out.len() > 10, "found only {} patterns in {paths:?}", out.len());
    Some(out)
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("smithy.api#pattern", serde_json::Value::String(p)) => out.push(p.clone()),
                    _ => collect(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Patterns for the engine's features, beyond what the models use.
const FEATURES: &[&str] = &[
    "a|b|",
    "^(?:ab|a)c$",
    "x*?y",
    "^(a+)+$",
    "(?=ab)a",
    "^(?!aws:).*$",
    "\\bfoo\\b",
    "\\Bo\\B",
    "^a{2}$",
    "^a{2,}$",
    "^a{1,3}?b$",
    "^(a|ab)(c|bcd)(d*)$",
    "^(a*)*$",
    "^(?:a?)*b",
    "[^\\s]+",
    "^\\D\\W$",
    "^[\\b]$",
    "^\\cJ$",
    "^\\x41\\u0042\\u{1F600}$",
    "^\\uD83D\\uDE00$",
    "^.$",
    "^[]$",
    "^[^]$",
    "^[a-c-e]+$",
    "^[\\d-z]+$",
    "^\\p{Lu}\\P{L}$",
    "^\\p{Script=Greek}+$",
    "^[\\p{N}\\p{Z}]*$",
    "(?<name>a)b",
    "(?<=a)b",
    "(?<!a)b",
    "^[0-9A-Za-z\\.\\-_]*(?<!\\.)$",
    "(?<=^|,)x(?=,|$)",
    "(?<![a-c]{2})d",
    "(?<=a+)b",
    "^[\\uD800-\\uDFFF]$",
    "^[\\u0000-\\uFFFF]+$",
    "^a{,2}$",
    "^\\-\\/\\.\\*$",
];

fn reference(source: &str) -> Option<(regress::Regex, bool)> {
    match regress::Regex::with_flags(source, "u") {
        Ok(r) => Some((r, true)),
        Err(_) => regress::Regex::with_flags(source, "").ok().map(|r| (r, false)),
    }
}

/// Strings made mostly of the characters the pattern mentions.
fn strings(source: &str, unicode: bool) -> impl Strategy<Value = String> {
    let mut pool: Vec<char> = source.chars().filter(|c| !"\\[](){}^$|?*+".contains(*c)).collect();
    pool.extend("aAbBcdxyz09_-:/ .\n\té中Ωβ".chars());
    if unicode {
        pool.extend(['😀', '𝒜', '\u{2028}', '\u{3000}']);
    }
    pool.sort_unstable();
    pool.dedup();
    let ch = prop_oneof![
        8 => proptest::sample::select(pool),
        1 => any::<char>().prop_filter("BMP unless unicode, same Unicode version", move |c| {
            (unicode || (*c as u32) < 0x10000) && same_unicode_version(*c)
        }),
    ];
    proptest::collection::vec(ch, 0..14).prop_map(|v| v.into_iter().collect())
}

/// Whether `regress` and the generator's tables (`regex-syntax`) agree that
/// `c` is assigned: characters new in a later Unicode version than the
/// tables' differ in `\p{…}` by version, not by a bug.
fn same_unicode_version(c: char) -> bool {
    static CN: std::sync::OnceLock<(Vec<(char, char)>, regress::Regex)> = std::sync::OnceLock::new();
    let (ours, reference) = CN.get_or_init(|| {
        (smithy_gen_codegen::patterns::property("Cn").expect("Cn"), regress::Regex::with_flags("^\\p{Cn}$", "u").expect("Cn"))
    });
    ours.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) == reference.find(&c.to_string()).is_some()
}

fn agree(source: &str, cases: u32) {
    let (reference, unicode) = reference(source).unwrap_or_else(|| panic!("{source:?} is not valid ECMA-262"));
    let ours = Regex::new(source, &smithy_gen_codegen::patterns::property).unwrap_or_else(|e| panic!("{source:?}: {e}"));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() });
    runner
        .run(&strings(source, unicode), |text| {
            let want = reference.find(&text).is_some();
            prop_assert_eq!(ours.is_match(&text), Some(want), "pattern {:?} on {:?}", source, text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_official_pattern_agrees_with_regress() {
    let Some(patterns) = official_patterns() else { return };
    for p in patterns {
        agree(&p, 300);
    }
}

#[test]
fn each_feature_agrees_with_regress() {
    for p in FEATURES {
        agree(p, 300);
    }
}

#[test]
fn patterns_that_backtrack_catastrophically_elsewhere_are_answered_in_linear_time() {
    let started = std::time::Instant::now();
    for (pattern, text, want) in [
        ("^(a|aa)+$", format!("{}b", "a".repeat(60)), false),
        ("^(a+)+$", format!("{}b", "a".repeat(5_000)), false),
        // A valid value a step budget once rejected: 733 digits, then `x1`.
        ("\\d+$", format!("{}x1", "7".repeat(733)), true),
        ("^([a-z0-9]+\\.)*[a-z0-9]+$", format!("{}!", "ab.".repeat(10_000)), false),
    ] {
        let re = Regex::new(pattern, &|_| None).unwrap();
        assert_eq!(re.is_match(&text), Some(want), "{pattern}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    // A long input a simple pattern handles in linear time is answered.
    let re = Regex::new("^[^:*]*$", &|_| None).unwrap();
    assert_eq!(re.is_match(&"x".repeat(1_000_000)), Some(true));
    assert_eq!(re.is_match(&format!("{}:", "x".repeat(1_000_000))), Some(false));
}

/// The Java constructs AWS models use, with the meaning `java.util.regex.Pattern`
/// documents (US-ASCII POSIX classes, inline flags, input boundaries, octal
/// and `\x{...}` escapes, possessive exact counts), each with values Java
/// accepts and rejects.
#[test]
fn java_constructs_mean_what_java_says() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("^\\p{Print}+$", &["a b~", " "], &["tab\there", "é", ""]),
        ("^\\p{Graph}+$", &["a!~"], &["a b"]),
        ("^\\p{Alnum}{2}$", &["a1", "Z9"], &["a_", "é1"]),
        ("^\\p{Alpha}+$", &["abcXYZ"], &["ab1"]),
        ("^\\p{XDigit}{8}-\\p{XDigit}{4}$", &["0123abCD-ef01"], &["0123abCG-ef01"]),
        ("^\\p{Punct}$", &["!", "`", "~", "["], &["a", " "]),
        ("^\\p{Blank}\\p{Cntrl}$", &["\t\u{7f}", " \u{1}"], &["\n\u{1}"]),
        ("^\\p{Lower}\\p{Upper}\\p{Digit}\\p{Space}$", &["aZ0\n"], &["Az0 "]),
        ("^\\p{all}{3}$", &["a\nb"], &["ab"]),
        ("^\\p{LD}+$", &["aé9٣"], &["a-b"]),
        ("^(?s).+$", &["a\nb"], &[""]),
        ("^.+$", &["ab"], &["a\nb"]),
        ("^(?i)abc$", &["AbC", "abc"], &["abd"]),
        ("^(?i)[a-c]+$", &["ABCabc"], &["abd"]),
        ("^(?i)[^a]$", &["b"], &["a", "A"]),
        ("^(?i:a)b$", &["Ab"], &["AB"]),
        ("^a(?i)b(?-i)c$", &["aBc"], &["aBC", "Abc"]),
        ("\\Aab\\z", &["ab"], &["ab\n", "xab"]),
        ("\\Aab\\Z", &["ab", "ab\n", "ab\r\n"], &["ab\n\n", "abc"]),
        ("^\\0101\\x{42}$", &["AB"], &["ab"]),
        ("^[0-9A-Z]{2}+$", &["A9"], &["A", "A9B"]),
    ];
    for (pattern, matches, rejects) in cases {
        let re = Regex::new(pattern, &smithy_gen_codegen::patterns::property).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        for text in *matches {
            assert_eq!(re.is_match(text), Some(true), "{pattern} must match {text:?}");
        }
        for text in *rejects {
            assert_eq!(re.is_match(text), Some(false), "{pattern} must not match {text:?}");
        }
    }
    // What Java means but this engine cannot check exactly is an error (the
    // generator then leaves the pattern unchecked, with a warning).
    for (pattern, why) in [("(?m)^a$", "(?m)"), ("a?+", "nothing to repeat"), ("(a)\\1", "backreferences")] {
        let e = Regex::new(pattern, &smithy_gen_codegen::patterns::property).unwrap_err();
        assert!(e.contains(why), "{pattern}: {e}");
    }
}

#[test]
fn lone_surrogate_escapes_compile_and_match_nothing() {
    // ECMA-262 `u` mode allows them; no Rust string holds one. (`regress`
    // answers `false` for `^\uD800?x$` on "x", where JavaScript says true.)
    for (pattern, text, want) in [
        ("^[\\uD800-\\uDFFF]$", "\u{D7FF}", false),
        ("^\\uD800?x$", "x", true),
        ("^\\u{DC00}|y", "y", true),
        ("^[\\uD7FF-\\uE000]+$", "\u{D7FF}\u{E000}", true),
    ] {
        let re = Regex::new(pattern, &|_| None).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(re.is_match(text), Some(want), "{pattern} on {text:?}");
    }
}

#[test]
fn an_undecidable_value_is_never_a_violation() {
    use smithy_gen_runtime::types::validate::{Path, Pattern};
    // An empty-matching loop keeps the step budget; running out of it is
    // "unknown", which the validator lets through.
    let re = Regex::new("^(a*)*$", &|_| None).unwrap();
    let text = format!("{}b", "a".repeat(40));
    assert_eq!(re.is_match(&text), None);
    static P: Pattern = Pattern::new("^(a*)*$", &[]);
    let mut out = Vec::new();
    P.check(&text, &Path::Root, &mut out);
    assert!(out.is_empty(), "{out:?}");
    // A value it can decide is still reported.
    static Q: Pattern = Pattern::new("^(a*)*$", &[]);
    Q.check("b", &Path::Root, &mut out);
    assert_eq!(out.len(), 1);
}

#[test]
fn unsupported_syntax_is_an_error_not_a_wrong_answer() {
    let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    let huge = "a{4294967296}".to_string();
    for (p, why) in [
        ("(a)\\1", "backreferences"),
        ("\\k<n>", "backreferences"),
        ("a**", "nothing to repeat"),
        (deep.as_str(), "nested more than"),
        (huge.as_str(), "too large"),
    ] {
        let shown = &p[..p.len().min(40)];
        match Regex::new(p, &|_| None) {
            Ok(_) => panic!("{shown}: compiled, expected an error about {why}"),
            Err(err) => assert!(err.contains(why), "{shown}: {err}"),
        }
    }
}
