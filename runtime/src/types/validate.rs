//! Validation of inputs against the model's constraints. Generated
//! `validate_at` methods call the small non-generic helpers here, so the
//! generated code stays thin. Paths are built on the stack and rendered only
//! when a violation is reported: validating a valid value allocates nothing.

use std::fmt;
use std::sync::OnceLock;

/// Where a value sits inside the input being validated, e.g.
/// `resourceConfig.openSearchResourceConfig.retentionDays` or `tags["aws:x"]`.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// The input itself.
    Root,
    /// A member of a structure or union (its name in the model).
    Field(&'a Path<'a>, &'static str),
    /// An element of a list.
    Index(&'a Path<'a>, usize),
    /// The value stored under a map key.
    Key(&'a Path<'a>, &'a str),
    /// A map key itself.
    MapKey(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    /// The path of member `name` of the value at `self`.
    pub fn field(&'a self, name: &'static str) -> Path<'a> {
        Path::Field(self, name)
    }

    /// The path of element `i` of the list at `self`.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    /// The path of the value under `key` in the map at `self`.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of the key `key` of the map at `self`.
    pub fn map_key(&'a self, key: &'a str) -> Path<'a> {
        Path::MapKey(self, key)
    }

    fn render(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Field(p, name) => {
                p.render(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Index(p, i) => {
                p.render(out);
                out.push_str(&format!("[{i}]"));
            }
            Path::Key(p, k) | Path::MapKey(p, k) => {
                p.render(out);
                out.push_str(&format!("[{k:?}]"));
            }
        }
    }

    fn to_violation(self, kind: ViolationKind) -> Violation {
        let mut path = String::new();
        self.render(&mut path);
        Violation { path, on_map_key: matches!(self, Path::MapKey(..)), kind }
    }
}

/// How a `@length` was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Strings: Unicode scalar values (not bytes, not UTF-16 units).
    Chars,
    /// Lists and maps: entries.
    Items,
    /// Blobs: bytes.
    Bytes,
}

/// What rule a value broke.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A `@required` member is not set.
    Required,
    /// `@length` outside its inclusive bounds.
    Length {
        /// The minimum, if any.
        min: Option<u64>,
        /// The maximum, if any.
        max: Option<u64>,
        /// The value's length.
        actual: usize,
        /// What was counted.
        unit: LengthUnit,
    },
    /// `@pattern` (ECMA-262, not implicitly anchored) did not match.
    Pattern {
        /// The pattern.
        pattern: &'static str,
    },
    /// `@range` outside its inclusive bounds.
    Range {
        /// The minimum, if any, as written in the model.
        min: Option<String>,
        /// The maximum, if any.
        max: Option<String>,
        /// The value.
        actual: String,
    },
    /// `@uniqueItems`: the element at `index` repeats an earlier one.
    UniqueItems {
        /// Index of the first repeated element.
        index: usize,
    },
    /// A value that is not one of the enum's values.
    EnumValue {
        /// The value given.
        value: String,
        /// The values the model allows.
        allowed: &'static [&'static str],
    },
    /// A union value whose member is not one this client knows.
    UnionMember {
        /// The member name.
        member: String,
    },
    /// An `@httpLabel` value is empty: the URI would lose a path segment.
    EmptyLabel,
    /// A `@hostLabel` value is not 1 to 63 letters, digits or `-`.
    HostLabel,
    /// An `@httpLabel` value is `.` or `..` (or has such a segment in a
    /// greedy label): it would change the request's path.
    DotSegmentLabel,
    /// A timestamp whose year its wire format (`date-time`, `http-date`)
    /// cannot express: outside 0000-9999.
    TimestampYear {
        /// The timestamp, in the expanded ISO 8601 form.
        actual: String,
        /// The wire format.
        format: &'static str,
    },
    /// A value bound to an HTTP header (or a header name) holds a character
    /// a header cannot carry: CR, LF or another control character.
    HeaderValue,
    /// The model's pattern could not be compiled by the ECMA-262 engine.
    BadPattern {
        /// The pattern.
        pattern: &'static str,
    },
}

/// One broken constraint, with where it was broken.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The member path from the input, using the model's member names.
    pub path: String,
    /// `true` when the violation is about a map key rather than its value.
    pub on_map_key: bool,
    /// What rule was broken.
    pub kind: ViolationKind,
}

fn bounds(min: &Option<impl fmt::Display>, max: &Option<impl fmt::Display>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "unbounded".to_string(),
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "input" } else { &self.path };
        let subject = if self.on_map_key { "map key" } else { "value" };
        write!(f, "{path}: ")?;
        match &self.kind {
            ViolationKind::Required => write!(f, "required member is missing"),
            ViolationKind::Length { min, max, actual, unit } => {
                let unit = match unit {
                    LengthUnit::Chars => "characters (Unicode scalar values)",
                    LengthUnit::Items => "entries",
                    LengthUnit::Bytes => "bytes",
                };
                write!(f, "{subject} has length {actual}, must be {} {unit} (@length)", bounds(min, max))
            }
            ViolationKind::Pattern { pattern } => write!(f, "{subject} does not match the pattern {pattern:?} (@pattern)"),
            ViolationKind::Range { min, max, actual } => {
                write!(f, "{subject} {actual} is out of range, must be {} (@range)", bounds(min, max))
            }
            ViolationKind::UniqueItems { index } => {
                write!(f, "element {index} repeats an earlier element (@uniqueItems)")
            }
            ViolationKind::EnumValue { value, allowed } => {
                write!(f, "{subject} {value:?} is not one of the enum values {allowed:?}")
            }
            ViolationKind::UnionMember { member } => {
                write!(f, "union member {member:?} is not known to this client; set exactly one known member")
            }
            ViolationKind::EmptyLabel => write!(f, "value is empty, but it fills a URI label (@httpLabel) and must not be"),
            ViolationKind::DotSegmentLabel => {
                write!(f, "value is a `.` or `..` path segment, which would move the request to another path (@httpLabel)")
            }
            ViolationKind::HostLabel => {
                write!(f, "value fills a host label (@hostLabel) and must be 1 to 63 letters, digits or '-'")
            }
            ViolationKind::TimestampYear { actual, format } => {
                write!(f, "timestamp {actual} cannot be sent as {format}: its year is outside 0000-9999")
            }
            ViolationKind::HeaderValue => write!(
                f,
                "{subject} is sent as an HTTP header and holds a character a header cannot carry (CR, LF or another control character; in a header name, anything but letters, digits and !#$%&'*+-.^_`|~)"
            ),
            ViolationKind::BadPattern { pattern } => {
                write!(f, "the model's pattern {pattern:?} cannot be compiled as ECMA-262")
            }
        }
    }
}

/// Every violation found in one input; returned by `validate()`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The name of the validated type.
    pub type_name: &'static str,
    /// All violations, in member order.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "{} is invalid ({n} violation{})", self.type_name, if n == 1 { "" } else { "s" })?;
        for v in &self.violations {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Implemented by every generated type that has constraints to check.
pub trait Validate {
    /// Push every violation in `self`, located at `path`, onto `out`.
    fn validate_at(&self, path: &Path<'_>, out: &mut Vec<Violation>);
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, path: &Path<'_>, out: &mut Vec<Violation>) {
        (**self).validate_at(path, out)
    }
}

/// Validate a whole input: `Ok` or every violation at once.
pub fn validate_root<T: Validate>(value: &T, type_name: &'static str) -> Result<(), ValidationError> {
    let mut violations = Vec::new();
    value.validate_at(&Path::Root, &mut violations);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { type_name, violations })
    }
}

/// A `@required` member: its value, or `None` after reporting it missing.
pub fn required<'v, T>(value: &'v Option<T>, path: &Path<'_>, out: &mut Vec<Violation>) -> Option<&'v T> {
    if value.is_none() {
        out.push(path.to_violation(ViolationKind::Required));
    }
    value.as_ref()
}

/// Check a `@length` (the caller counts `actual` in `unit`).
pub fn length(actual: usize, min: Option<u64>, max: Option<u64>, unit: LengthUnit, path: &Path<'_>, out: &mut Vec<Violation>) {
    let a = actual as u64;
    if min.is_some_and(|m| a < m) || max.is_some_and(|m| a > m) {
        out.push(path.to_violation(ViolationKind::Length { min, max, actual, unit }));
    }
}

/// Check a string's `@length` in Unicode scalar values.
pub fn length_str(v: &str, min: Option<u64>, max: Option<u64>, path: &Path<'_>, out: &mut Vec<Violation>) {
    length(v.chars().count(), min, max, LengthUnit::Chars, path, out);
}

/// Unicode property tables for `\p{…}`: each name as written in a pattern,
/// then its ranges as pairs of characters (first, last, first, last, ...).
/// A generated crate writes the tables its model's patterns use.
pub type PropertyTables = &'static [(&'static str, &'static str)];

/// A compiled `@pattern`, compiled once on first use.
pub struct Pattern {
    source: &'static str,
    properties: PropertyTables,
    compiled: OnceLock<Option<crate::types::pattern::Regex>>,
}

impl Pattern {
    /// A pattern to compile lazily, with the property tables its `\p{…}`
    /// escapes need (the generator has checked that it compiles with them).
    pub const fn new(source: &'static str, properties: PropertyTables) -> Self {
        Pattern { source, properties, compiled: OnceLock::new() }
    }

    /// Check that `v` contains a match (patterns are not implicitly
    /// anchored). A value is reported only when the engine says it does not
    /// match: one it cannot decide within its step budget (a pathological
    /// pattern with an empty-matching loop) passes, so a valid value is never
    /// rejected; the service checks it again.
    pub fn check(&self, v: &str, path: &Path<'_>, out: &mut Vec<Violation>) {
        let tables = self.properties;
        let compiled = self.compiled.get_or_init(|| crate::types::pattern::Regex::new(self.source, &|name| property(tables, name)).ok());
        match compiled {
            Some(re) => {
                if re.is_match(v) == Some(false) {
                    out.push(path.to_violation(ViolationKind::Pattern { pattern: self.source }));
                }
            }
            None => out.push(path.to_violation(ViolationKind::BadPattern { pattern: self.source })),
        }
    }
}

/// A `\p{…}` property from a crate's tables.
fn property(tables: PropertyTables, name: &str) -> Option<Vec<(char, char)>> {
    let (_, ranges) = tables.iter().find(|(n, _)| *n == name)?;
    let chars: Vec<char> = ranges.chars().collect();
    Some(chars.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect())
}

/// Check an integer `@range`.
pub fn range_int(v: i128, min: Option<i128>, max: Option<i128>, path: &Path<'_>, out: &mut Vec<Violation>) {
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        out.push(path.to_violation(ViolationKind::Range {
            min: min.map(|m| m.to_string()),
            max: max.map(|m| m.to_string()),
            actual: v.to_string(),
        }));
    }
}

/// Check a floating-point `@range`. NaN is outside every range.
pub fn range_float(v: f64, min: Option<f64>, max: Option<f64>, path: &Path<'_>, out: &mut Vec<Violation>) {
    let below = min.is_some_and(|m| v.is_nan() || v < m);
    let above = max.is_some_and(|m| v.is_nan() || v > m);
    if below || above {
        out.push(path.to_violation(ViolationKind::Range {
            min: min.map(|m| m.to_string()),
            max: max.map(|m| m.to_string()),
            actual: v.to_string(),
        }));
    }
}

/// Check `@uniqueItems`.
pub fn unique_items<T: PartialEq>(items: &[T], path: &Path<'_>, out: &mut Vec<Violation>) {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            out.push(path.to_violation(ViolationKind::UniqueItems { index: i }));
            return;
        }
    }
}

/// Report an enum value the model does not define.
pub fn enum_value(value: &str, allowed: &'static [&'static str], path: &Path<'_>, out: &mut Vec<Violation>) {
    out.push(path.to_violation(ViolationKind::EnumValue { value: value.to_string(), allowed }));
}

/// Report a union member this client does not know.
pub fn union_member(member: &str, path: &Path<'_>, out: &mut Vec<Violation>) {
    out.push(path.to_violation(ViolationKind::UnionMember { member: member.to_string() }));
}


/// `Validate` for a structure (`super::types::$name`), given each checked
/// member's field, its name in violation paths, `required` or `optional`,
/// and the function checking its value (if any): the shape's check function
/// or `rt::Validate::validate_at`.
#[doc(hidden)]
#[macro_export]
macro_rules! __validate_validate_struct {
    ($name:ident { $($f:ident : $wire:literal $req:ident $($check:path)?),* $(,)? }) => {
        impl $crate::types::validate::Validate for super::types::$name {
            #[inline]
            fn validate_at(&self, path: &$crate::types::validate::Path<'_>, out: &mut Vec<$crate::types::validate::Violation>) {
                let _ = (&path, &out);
                $($crate::__validate_validate_struct!(@member self, path, out, $f, $wire, $req $(, $check)?);)*
            }
        }
    };
    (@member $s:tt, $path:ident, $out:ident, $f:ident, $wire:literal, required) => {
        $crate::types::validate::required(&$s.$f, &$path.field($wire), $out);
    };
    (@member $s:tt, $path:ident, $out:ident, $f:ident, $wire:literal, required, $check:path) => {
        let p = $path.field($wire);
        if let Some(v) = $crate::types::validate::required(&$s.$f, &p, $out) {
            $check(v, &p, $out);
        }
    };
    (@member $s:tt, $path:ident, $out:ident, $f:ident, $wire:literal, optional, $check:path) => {
        if let Some(v) = &$s.$f {
            $check(v, &$path.field($wire), $out);
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __validate_validate_struct as validate_struct;

/// `Validate` for a string enum (`super::types::$name`): a value the model
/// does not define is a violation.
#[doc(hidden)]
#[macro_export]
macro_rules! __validate_validate_enum {
    ($name:ident) => {
        impl $crate::types::validate::Validate for super::types::$name {
            #[inline]
            fn validate_at(&self, path: &$crate::types::validate::Path<'_>, out: &mut Vec<$crate::types::validate::Violation>) {
                if let super::types::$name::Unknown(v) = self {
                    $crate::types::validate::enum_value(v, super::types::$name::VALUES, path, out);
                }
            }
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __validate_validate_enum as validate_enum;

/// `validate()` for an operation input (`super::types::$name`): every
/// constraint of the model checked, every violation reported at once.
#[doc(hidden)]
#[macro_export]
macro_rules! __validate_input_validate {
    ($name:ident, $label:literal) => {
        impl super::types::$name {
            /// Check every constraint of the model; report all violations at once.
            #[inline]
            pub fn validate(&self) -> ::std::result::Result<(), $crate::types::validate::ValidationError> {
                $crate::types::validate::validate_root(self, $label)
            }
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __validate_input_validate as input_validate;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_with_model_names() {
        let root = Path::Root;
        let a = root.field("resourceConfig");
        let b = a.field("openSearchResourceConfig");
        let c = b.field("retentionDays");
        let mut out = Vec::new();
        range_int(0, Some(1), Some(30), &c, &mut out);
        assert_eq!(out[0].path, "resourceConfig.openSearchResourceConfig.retentionDays");
        let t = root.field("tags");
        let k = t.map_key("aws:x");
        length_str("aws:x", Some(1), Some(2), &k, &mut out);
        assert_eq!(out[1].path, "tags[\"aws:x\"]");
        assert!(out[1].on_map_key);
    }

    #[test]
    fn length_counts_scalar_values() {
        let mut out = Vec::new();
        // 3 characters, 9 bytes.
        length_str("日本語", Some(1), Some(3), &Path::Root, &mut out);
        assert!(out.is_empty());
        length_str("😀😀😀😀", Some(1), Some(3), &Path::Root, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn patterns_are_not_anchored_and_bad_ones_are_reported() {
        static P: Pattern = Pattern::new("[0-9]", &[]);
        let mut out = Vec::new();
        P.check("abc1def", &Path::Root, &mut out);
        assert!(out.is_empty());
        static BAD: Pattern = Pattern::new("[a-", &[]);
        BAD.check("x", &Path::Root, &mut out);
        assert!(matches!(out[0].kind, ViolationKind::BadPattern { .. }));
    }
}
