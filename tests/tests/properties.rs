//! Property tests of the generated crate, with strategies derived from the
//! models themselves (see `model_strategies`). For every operation input:
//!
//! 1. a value satisfying every constraint of the model parses and passes
//!    `validate()`;
//! 2. it survives a round trip: typed value ⇄ JSON loses nothing, the model's
//!    member names are accepted as aliases of the wire names, and the real
//!    protocol serializer (`prepare_*`) sends the same members (awsJson: the
//!    body; restJson1: the body plus the URI labels, query parameters and
//!    headers);
//! 3. breaking exactly one constraint of one member gives exactly one
//!    violation, at that member's path, of that constraint's kind.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use smithy_gen_runtime::request::PreparedRequest;
use smithy_gen_runtime::types::validate::{self as rt, ValidationError, ViolationKind};
use smithy_gen_codegen::ir::{CrateIr, HttpBinding, LengthUnit, OperationIr, Protocol, ServiceIr, StructIr, TypeIr, UriSegment};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use model_strategies::{Broken, Expected, Node};

/// Strategies producing JSON values of operation inputs, derived from the IR
/// the generator builds from the models (`smithy_gen_codegen::lower::lower_crate`).
///
/// # Design
///
/// The IR of an input type is first turned into a [`Node`] tree: one node per
/// value position, carrying everything `validate()` checks there. Each
/// member's `checks` are flattened (`Call` into the service's check
/// functions, `Each` into the list element, `Entries` into map keys and
/// values, `Nested` into the named structure, union or enum), so the tree
/// holds the constraints exactly as the generated validators receive them;
/// names (`name` for violation paths, `json_name` for the wire) come from the
/// IR too. Nothing here is written per type: a new operation or constraint in
/// the models changes the strategies by itself.
///
/// A node gives two kinds of strategies:
///
/// - [`Node::valid`]: JSON values satisfying every constraint. Strings are
///   drawn from a set of candidate characters (all of ASCII, including the
///   JSON escapes `"`, `\`, newline and NUL; non-ASCII BMP characters such as
///   'é' and '中'; astral-plane ones such as '😀' and '𝒜'; and a sample
///   across all of Unicode), with lengths counted in Unicode scalar values
///   and biased to the bounds. A `@pattern` of the form the models use,
///   `^(?!literal)?(?[class][*+])?$`, is handled by keeping the candidates
///   the class accepts (tested one by one with `regress`, the reference the
///   generated crate's own engine is checked against in `patterns.rs`); every generated string is then checked against
///   the whole pattern with `regress` (`prop_filter`, which also rejects the
///   forbidden prefix). A pattern of any other form makes the strategy panic
///   with a message saying so, rather than generate something untested.
/// - [`Node::breaks`]: one strategy per way of breaking exactly one
///   constraint somewhere in the value (a string too long or too short, a
///   character outside the pattern's class or the forbidden prefix, a number
///   out of range, an unknown enum value or union member, a missing required
///   member, too many or too few list or map entries, a repeated element of a
///   `@uniqueItems` list), each giving the broken value with the
///   [`Expected`] violation: path (model member names, list indexes, map
///   keys) and kind. Everything else in the value stays valid, and a break
///   that would also break a second constraint (an empty string under a `+`
///   pattern) is not offered. Choosing uniformly among the breaks of the
///   root exercises every constrained member across cases.
pub mod model_strategies {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::sync::Arc;

    use smithy_gen_codegen::ir::{Check, LengthUnit, RType, ServiceIr, TypeIr};
    use proptest::prelude::*;
    use proptest::sample::Index;
    use proptest::strategy::Union;
    use serde_json::{Map, Value};

    /// One step of a violation path.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Step {
        /// A structure or union member, by its model name.
        Field(String),
        /// A list element.
        Index(usize),
        /// The value under a map key.
        Key(String),
        /// A map key itself.
        MapKey(String),
    }

    /// What `validate()` reports, in owned form (comparable with what a
    /// runtime `ViolationKind` says).
    #[derive(Debug, Clone, PartialEq)]
    pub enum Broken {
        Required,
        Length {
            min: Option<u64>,
            max: Option<u64>,
            actual: usize,
            unit: LengthUnit,
        },
        Pattern(String),
        Range {
            min: Option<String>,
            max: Option<String>,
            actual: String,
        },
        UniqueItems {
            index: usize,
        },
        EnumValue {
            value: String,
            allowed: Vec<String>,
        },
        UnionMember(String),
        /// A kind the strategies never produce (for reporting).
        Other(String),
    }

    /// The one violation a broken value must give.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Expected {
        pub path: Vec<Step>,
        pub kind: Broken,
    }

    impl Expected {
        fn at(kind: Broken) -> Self {
            Expected { path: Vec::new(), kind }
        }

        fn under(mut self, step: Step) -> Self {
            self.path.insert(0, step);
            self
        }

        /// The path as the runtime renders it (`a.b[0]["k"]`).
        pub fn rendered_path(&self) -> String {
            let mut out = String::new();
            for step in &self.path {
                match step {
                    Step::Field(name) => {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(name);
                    }
                    Step::Index(i) => {
                        let _ = write!(out, "[{i}]");
                    }
                    Step::Key(k) | Step::MapKey(k) => {
                        let _ = write!(out, "[{k:?}]");
                    }
                }
            }
            out
        }

        pub fn on_map_key(&self) -> bool {
            matches!(self.path.last(), Some(Step::MapKey(_)))
        }
    }

    /// A value position of an input, with its constraints.
    #[derive(Debug, Clone)]
    pub enum Node {
        Struct {
            members: Vec<Member>,
        },
        Union {
            variants: Vec<Member>,
        },
        Enum(EnumSpec),
        Str(StrSpec),
        Bool,
        Int(IntSpec),
        List {
            item: Box<Node>,
            lengths: Vec<Bounds>,
            unique: bool,
        },
        Map {
            key: Box<Node>,
            value: Box<Node>,
            lengths: Vec<Bounds>,
        },
        /// A union member targeting `smithy.api#Unit`.
        Unit,
        /// A structure already being expanded (a cycle): left unset.
        Recursive,
    }

    /// A structure or union member.
    #[derive(Debug, Clone)]
    pub struct Member {
        /// The model name (violation paths).
        pub name: String,
        /// The wire name (JSON documents).
        pub json_name: String,
        /// `@required` without a default: `validate()` reports it missing.
        pub required: bool,
        pub node: Node,
    }

    /// Inclusive `@length` bounds.
    pub type Bounds = (Option<u64>, Option<u64>);

    #[derive(Debug, Clone)]
    pub struct EnumSpec {
        values: Vec<String>,
        int: bool,
        /// The enum's own `@length` and the member's.
        lengths: Vec<Bounds>,
    }

    #[derive(Debug, Clone)]
    pub struct IntSpec {
        /// The Rust type's bounds.
        type_min: i128,
        type_max: i128,
        min: Option<i128>,
        max: Option<i128>,
    }

    #[derive(Debug, Clone)]
    pub struct StrSpec {
        lengths: Vec<Bounds>,
        pattern: Option<Arc<PatternSpec>>,
        /// Sent in an HTTP header: visible ASCII only (what a header value
        /// can carry as text; the client refuses control characters).
        header: bool,
    }

    /// A `@pattern` of the form `^(?!prefix)?(?[class][*+])?$`.
    #[derive(Debug)]
    struct PatternSpec {
        source: String,
        regex: regress::Regex,
        /// The candidate characters the class accepts, and those it rejects.
        allowed: Alphabet,
        rejected: Vec<char>,
        /// `+`: at least one character.
        plus: bool,
        /// `(?!prefix)`: the string must not start with it.
        not_prefix: Option<String>,
    }

    /// Characters to build strings from, split so that each kind is drawn
    /// often whatever the size of the others.
    #[derive(Debug, Clone, Default)]
    struct Alphabet {
        ascii: Vec<char>,
        bmp: Vec<char>,
        astral: Vec<char>,
    }

    /// Characters worth having in every string strategy: JSON escapes,
    /// controls, non-ASCII letters and digits of several scripts, separators,
    /// astral letters and symbols, the last scalar value.
    const SPECIAL: &str = "\"\\\n\r\t\u{0}\u{1f}\u{7f}\u{a0}éñüßЖ中日値٣\u{2028}\u{3000}\u{fffd}\u{ffff}😀𝒜𐐷\u{10ffff}";

    fn candidates() -> Vec<char> {
        let mut out: Vec<char> = (0u32..0x80).filter_map(char::from_u32).collect();
        out.extend(SPECIAL.chars());
        out.extend((0x80u32..=0x10ffff).step_by(1999).filter_map(char::from_u32));
        out.sort_unstable();
        out.dedup();
        // Leave out code points the reference (`regress`) knows as assigned
        // but the generated crate's property tables (the Unicode version of
        // the generator's `regex-syntax`) do not yet: their `\p{…}` differ
        // by Unicode version, not by a bug.
        let unassigned = smithy_gen_codegen::patterns::property("Cn").expect("Cn");
        let reference = regress::Regex::with_flags("^\\p{Cn}$", "u").expect("Cn");
        let mut buf = [0u8; 4];
        out.retain(|c| {
            let ours = unassigned.iter().any(|(lo, hi)| (lo..=hi).contains(&c));
            ours == reference.find(c.encode_utf8(&mut buf)).is_some()
        });
        out
    }

    impl Alphabet {
        fn of(chars: impl IntoIterator<Item = char>) -> Self {
            let mut a = Alphabet::default();
            for c in chars {
                match c as u32 {
                    0..=0x7f => a.ascii.push(c),
                    0x80..=0xffff => a.bmp.push(c),
                    _ => a.astral.push(c),
                }
            }
            a
        }

        fn is_empty(&self) -> bool {
            self.ascii.is_empty() && self.bmp.is_empty() && self.astral.is_empty()
        }

        fn contains(&self, c: char) -> bool {
            self.ascii.contains(&c) || self.bmp.contains(&c) || self.astral.contains(&c)
        }

        fn strategy(&self) -> BoxedStrategy<char> {
            let groups = [(6, &self.ascii), (2, &self.bmp), (2, &self.astral)];
            let options: Vec<(u32, BoxedStrategy<char>)> = groups
                .into_iter()
                .filter(|(_, g)| !g.is_empty())
                .map(|(w, g)| (w, proptest::sample::select(g.clone()).boxed()))
                .collect();
            Union::new_weighted(options).boxed()
        }
    }

    /// Compile as the generator's pattern check does: ECMA-262 with `u`, else (Annex B
    /// patterns) without. Returns the regex and the flags used.
    fn compile(source: &str) -> (regress::Regex, &'static str) {
        match regress::Regex::with_flags(source, "u") {
            Ok(re) => (re, "u"),
            Err(_) => match regress::Regex::with_flags(source, "") {
                Ok(re) => (re, ""),
                Err(e) => panic!("the model's pattern {source:?} does not compile: {e}"),
            },
        }
    }

    impl PatternSpec {
        fn parse(source: &str) -> PatternSpec {
            let unsupported = || -> ! {
                panic!(
                    "model_strategies cannot generate strings for the pattern {source:?}: only \
                     `^(?!prefix)?(?[class][*+])?$` is supported; extend PatternSpec::parse"
                )
            };
            let (regex, flags) = compile(source);
            let Some(body) = source.strip_prefix('^').and_then(|s| s.strip_suffix('$')) else { unsupported() };
            let (not_prefix, body) = match body.strip_prefix("(?!") {
                Some(rest) => {
                    let Some(end) = rest.find(')') else { unsupported() };
                    let literal = &rest[..end];
                    if !literal.chars().all(|c| c.is_alphanumeric() || c == ':' || c == '-' || c == '_') {
                        unsupported()
                    }
                    (Some(literal.to_string()), &rest[end + 1..])
                }
                None => (None, body),
            };
            let body = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
            let (class, plus) = match (body.strip_suffix('+'), body.strip_suffix('*')) {
                (Some(c), _) => (c, true),
                (_, Some(c)) => (c, false),
                _ => unsupported(),
            };
            let inner = class.strip_prefix('[').and_then(|c| c.strip_suffix(']')).unwrap_or_else(|| unsupported());
            // One class: no unescaped bracket inside.
            let mut escaped = false;
            for c in inner.chars() {
                if !escaped && (c == '[' || c == ']') {
                    unsupported()
                }
                escaped = !escaped && c == '\\';
            }
            let one = regress::Regex::with_flags(&format!("^{class}$"), flags).unwrap_or_else(|_| unsupported());
            let mut buf = [0u8; 4];
            let (allowed, rejected): (Vec<char>, Vec<char>) =
                candidates().into_iter().partition(|c| one.find(c.encode_utf8(&mut buf)).is_some());
            let allowed = Alphabet::of(allowed);
            if allowed.is_empty() {
                unsupported()
            }
            PatternSpec { source: source.to_string(), regex, allowed, rejected, plus, not_prefix }
        }

        fn matches(&self, s: &str) -> bool {
            self.regex.find(s).is_some()
        }
    }

    /// The tightest bounds satisfying every `@length`.
    fn intersect(lengths: &[Bounds]) -> (u64, Option<u64>) {
        let lo = lengths.iter().filter_map(|l| l.0).max().unwrap_or(0);
        let hi = lengths.iter().filter_map(|l| l.1).min();
        (lo, hi)
    }

    /// A length in `lo..=hi`, often at a bound.
    fn length_in(lo: usize, hi: usize) -> BoxedStrategy<usize> {
        assert!(lo <= hi, "empty length range {lo}..={hi}");
        if lo == hi {
            return Just(lo).boxed();
        }
        prop_oneof![2 => Just(lo), 2 => Just(hi), 4 => lo..=hi.min(lo + 8), 2 => lo..=hi].boxed()
    }

    /// A list or map size in `lo..=hi`: mostly small (entries are costly to
    /// make), sometimes at a bound.
    fn size_in(lo: usize, hi: usize) -> BoxedStrategy<usize> {
        assert!(lo <= hi, "empty size range {lo}..={hi}");
        if lo == hi {
            return Just(lo).boxed();
        }
        prop_oneof![2 => Just(lo), 1 => Just(hi), 6 => lo..=hi.min(lo + 4), 1 => lo..=hi].boxed()
    }

    /// How many entries of an unbounded list, map or string to make at most.
    const UNBOUNDED_EXTRA: u64 = 24;

    impl StrSpec {
        fn alphabet(&self) -> Alphabet {
            match &self.pattern {
                Some(p) => p.allowed.clone(),
                None if self.header => Alphabet::of((0x21u8..=0x7e).map(char::from)),
                None => Alphabet::of(candidates()),
            }
        }

        /// Bounds of a valid string's length.
        fn valid_bounds(&self) -> (usize, usize) {
            let (mut lo, hi) = intersect(&self.lengths);
            if self.pattern.as_ref().is_some_and(|p| p.plus) {
                lo = lo.max(1);
            }
            let hi = hi.unwrap_or(lo + UNBOUNDED_EXTRA);
            (lo as usize, hi as usize)
        }

        /// Strings of the pattern's alphabet with a length in `lo..=hi` that
        /// match the whole pattern.
        fn strings(&self, lo: usize, hi: usize) -> BoxedStrategy<String> {
            let chars = self.alphabet().strategy();
            let s = length_in(lo, hi)
                .prop_flat_map(move |n| proptest::collection::vec(chars.clone(), n))
                .prop_map(|v| v.into_iter().collect::<String>());
            match &self.pattern {
                Some(p) => {
                    let p = p.clone();
                    s.prop_filter("matches the pattern", move |s| p.matches(s)).boxed()
                }
                None => s.boxed(),
            }
        }

        fn valid(&self) -> BoxedStrategy<String> {
            let (lo, hi) = self.valid_bounds();
            self.strings(lo, hi)
        }

        fn breaks(&self) -> Vec<BoxedStrategy<(String, Expected)>> {
            let mut out = Vec::new();
            let (lo, hi) = self.valid_bounds();
            if let [(min, max)] = self.lengths[..] {
                let length = move |s: String| {
                    let actual = s.chars().count();
                    (s, Expected::at(Broken::Length { min, max, actual, unit: LengthUnit::Chars }))
                };
                if let Some(max) = max {
                    out.push(self.strings(max as usize + 1, max as usize + 3).prop_map(length).boxed());
                }
                let floor = usize::from(self.pattern.as_ref().is_some_and(|p| p.plus));
                if let Some(min) = min.filter(|&m| m as usize > floor) {
                    out.push(self.strings(floor, min as usize - 1).prop_map(length).boxed());
                }
            }
            if let Some(p) = &self.pattern {
                let q = p.clone();
                let broken = move |s: String| {
                    assert!(!q.matches(&s), "{s:?} should not match {:?}", q.source);
                    (s, Expected::at(Broken::Pattern(q.source.clone())))
                };
                if !p.rejected.is_empty() && hi >= 1 {
                    // One character outside the class, the length unchanged.
                    let bad = proptest::sample::select(p.rejected.clone());
                    out.push(
                        (self.strings(lo.max(1), hi), any::<Index>(), bad)
                            .prop_map(|(s, i, c)| {
                                let mut chars: Vec<char> = s.chars().collect();
                                let i = i.index(chars.len());
                                chars[i] = c;
                                chars.into_iter().collect::<String>()
                            })
                            .prop_map(broken.clone())
                            .boxed(),
                    );
                }
                if let Some(prefix) = p.not_prefix.clone() {
                    let n = prefix.chars().count();
                    if n <= hi && prefix.chars().all(|c| p.allowed.contains(c)) {
                        // The forbidden prefix, the length unchanged.
                        out.push(
                            self.strings(lo.max(n), hi)
                                .prop_map(move |s| prefix.clone() + &s.chars().skip(n).collect::<String>())
                                .prop_map(broken)
                                .boxed(),
                        );
                    }
                }
            }
            out
        }
    }

    impl IntSpec {
        fn lo(&self) -> i128 {
            self.min.unwrap_or(self.type_min).max(self.type_min)
        }

        fn hi(&self) -> i128 {
            self.max.unwrap_or(self.type_max).min(self.type_max)
        }

        fn valid(&self) -> BoxedStrategy<i128> {
            let (lo, hi) = (self.lo(), self.hi());
            prop_oneof![Just(lo), Just(hi), lo..=hi].boxed()
        }

        fn breaks(&self) -> Vec<BoxedStrategy<(i128, Expected)>> {
            let (min, max) = (self.min, self.max);
            let broken = move |actual: i128| {
                let kind = Broken::Range {
                    min: min.map(|m| m.to_string()),
                    max: max.map(|m| m.to_string()),
                    actual: actual.to_string(),
                };
                (actual, Expected::at(kind))
            };
            let mut out = Vec::new();
            if let Some(m) = min.filter(|&m| m > self.type_min) {
                out.push(prop_oneof![Just(m - 1), self.type_min..=m - 1].prop_map(broken).boxed());
            }
            if let Some(m) = max.filter(|&m| m < self.type_max) {
                out.push(prop_oneof![Just(m + 1), m + 1..=self.type_max].prop_map(broken).boxed());
            }
            out
        }
    }

    fn int_json(v: i128) -> Value {
        Value::from(i64::try_from(v).expect("integers of the supported types fit in i64"))
    }

    impl EnumSpec {
        fn value_json(&self, v: &str) -> Value {
            if self.int {
                Value::from(v.parse::<i64>().expect("intEnum values are integers"))
            } else {
                Value::String(v.to_string())
            }
        }
    }

    fn key_string(v: Value) -> String {
        match v {
            Value::String(s) => s,
            other => panic!("map keys must be strings, got {other}"),
        }
    }

    /// `n` values of `strategy` whose `key`s differ: drawn with a surplus,
    /// later repeats dropped (filtering whole collections instead would
    /// reject nearly all of them when short keys are likely).
    fn distinct_n<T: Clone + std::fmt::Debug + 'static, K: Ord>(
        strategy: BoxedStrategy<T>,
        n: usize,
        key: impl Fn(&T) -> K + Clone + 'static,
    ) -> BoxedStrategy<Vec<T>> {
        proptest::collection::vec(strategy, n + n / 2 + 4)
            .prop_map(move |all| {
                let mut seen = std::collections::BTreeSet::new();
                all.into_iter().filter(|x| seen.insert(key(x))).take(n).collect::<Vec<T>>()
            })
            .prop_filter("enough distinct values", move |v| v.len() == n)
            .boxed()
    }

    /// Lists of `item` values with a length in `lo..=hi`, distinct if `unique`.
    fn items(item: &Node, lo: usize, hi: usize, unique: bool) -> BoxedStrategy<Vec<Value>> {
        let item = item.valid();
        size_in(lo, hi)
            .prop_flat_map(move |n| {
                if unique {
                    distinct_n(item.clone(), n, |v: &Value| v.to_string())
                } else {
                    proptest::collection::vec(item.clone(), n).boxed()
                }
            })
            .boxed()
    }

    /// Maps of valid entries with a size in `lo..=hi` (distinct keys).
    fn entries(key: &Node, value: &Node, lo: usize, hi: usize) -> BoxedStrategy<Vec<(String, Value)>> {
        let entry = (key.valid().prop_map(key_string), value.valid()).boxed();
        size_in(lo, hi).prop_flat_map(move |n| distinct_n(entry.clone(), n, |e: &(String, Value)| e.0.clone())).boxed()
    }

    fn object(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
        Value::Object(entries.into_iter().collect::<Map<String, Value>>())
    }

    /// Bounds of a valid list or map size.
    fn size_bounds(lengths: &[Bounds]) -> (usize, usize) {
        let (lo, hi) = intersect(lengths);
        (lo as usize, hi.unwrap_or(lo + 4) as usize)
    }

    /// Breaks of a list's or map's own `@length` (too many, too few entries),
    /// given a generator of valid entries for a size range.
    fn size_breaks<T: std::fmt::Debug + 'static>(
        lengths: &[Bounds],
        make: impl Fn(usize, usize) -> BoxedStrategy<Vec<T>>,
        to_json: impl Fn(Vec<T>) -> Value + Clone + 'static,
    ) -> Vec<BoxedStrategy<(Value, Expected)>> {
        let mut out = Vec::new();
        if let [(min, max)] = lengths[..] {
            let broken = move |v: Vec<T>| {
                let actual = v.len();
                (to_json(v), Expected::at(Broken::Length { min, max, actual, unit: LengthUnit::Items }))
            };
            if let Some(max) = max {
                out.push(make(max as usize + 1, max as usize + 2).prop_map(broken.clone()).boxed());
            }
            if let Some(min) = min.filter(|&m| m > 0) {
                out.push(make(0, min as usize - 1).prop_map(broken).boxed());
            }
        }
        out
    }

    /// The members of a structure as strategies of optional entries.
    fn fields(members: &[Member]) -> Vec<BoxedStrategy<Option<(String, Value)>>> {
        members
            .iter()
            .map(|m| {
                let json = m.json_name.clone();
                match (&m.node, m.required) {
                    (Node::Recursive, _) => Just(None).boxed(),
                    (node, true) => node.valid().prop_map(move |v| Some((json.clone(), v))).boxed(),
                    (node, false) => proptest::option::of(node.valid().prop_map(move |v| (json.clone(), v))).boxed(),
                }
            })
            .collect()
    }

    impl Node {
        /// JSON values satisfying every constraint.
        pub fn valid(&self) -> BoxedStrategy<Value> {
            match self {
                Node::Struct { members } => fields(members).prop_map(|f| object(f.into_iter().flatten())).boxed(),
                Node::Union { variants } => Union::new(variants.iter().map(|v| {
                    let json = v.json_name.clone();
                    v.node.valid().prop_map(move |x| object([(json.clone(), x)])).boxed()
                }))
                .boxed(),
                Node::Enum(e) => {
                    let values: Vec<Value> = e.values.iter().map(|v| e.value_json(v)).collect();
                    proptest::sample::select(values).boxed()
                }
                Node::Str(s) => s.valid().prop_map(Value::String).boxed(),
                Node::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
                Node::Int(i) => i.valid().prop_map(int_json).boxed(),
                Node::List { item, lengths, unique } => {
                    let (lo, hi) = size_bounds(lengths);
                    items(item, lo, hi, *unique).prop_map(Value::Array).boxed()
                }
                Node::Map { key, value, lengths } => {
                    let (lo, hi) = size_bounds(lengths);
                    entries(key, value, lo, hi).prop_map(object).boxed()
                }
                Node::Unit => Just(Value::Object(Map::new())).boxed(),
                Node::Recursive => unreachable!("recursive members are left unset"),
            }
        }

        /// One strategy per way of breaking exactly one constraint in the
        /// value, each with the violation `validate()` must report.
        pub fn breaks(&self) -> Vec<BoxedStrategy<(Value, Expected)>> {
            match self {
                Node::Struct { members } => {
                    let mut out = Vec::new();
                    for (i, m) in members.iter().enumerate() {
                        let step = Step::Field(m.name.clone());
                        if m.required {
                            let step = step.clone();
                            out.push(
                                fields(members)
                                    .prop_map(move |mut f| {
                                        f[i] = None;
                                        (
                                            object(f.into_iter().flatten()),
                                            Expected::at(Broken::Required).under(step.clone()),
                                        )
                                    })
                                    .boxed(),
                            );
                        }
                        for b in m.node.breaks() {
                            let (json, step) = (m.json_name.clone(), step.clone());
                            out.push(
                                (fields(members), b)
                                    .prop_map(move |(mut f, (v, e))| {
                                        f[i] = Some((json.clone(), v));
                                        (object(f.into_iter().flatten()), e.under(step.clone()))
                                    })
                                    .boxed(),
                            );
                        }
                    }
                    out
                }
                Node::Union { variants } => {
                    let known: Vec<&str> =
                        variants.iter().flat_map(|v| [v.name.as_str(), v.json_name.as_str()]).collect();
                    let unknown = ["futureMember", "futureMember2"]
                        .into_iter()
                        .find(|n| !known.contains(n))
                        .expect("a member name the union does not have");
                    let mut out = vec![Just((
                        object([(unknown.to_string(), Value::Object(Map::new()))]),
                        Expected::at(Broken::UnionMember(unknown.to_string())),
                    ))
                    .boxed()];
                    for v in variants {
                        for b in v.node.breaks() {
                            let (json, step) = (v.json_name.clone(), Step::Field(v.name.clone()));
                            out.push(
                                b.prop_map(move |(x, e)| (object([(json.clone(), x)]), e.under(step.clone()))).boxed(),
                            );
                        }
                    }
                    out
                }
                Node::Enum(e) if !e.int => {
                    let (lo, hi) = intersect(&e.lengths);
                    let (lo, hi) = (lo as usize, hi.map_or(usize::MAX, |h| h as usize));
                    let (values, known) = (e.values.clone(), e.values.clone());
                    let letters: Vec<char> = ('A'..='Z').chain('a'..='z').chain('0'..='9').chain(['_', '-']).collect();
                    let random = length_in(lo, hi.min(lo + 16))
                        .prop_flat_map(move |n| proptest::collection::vec(proptest::sample::select(letters.clone()), n))
                        .prop_map(|v| v.into_iter().collect::<String>());
                    // Near misses: a known value in lower case, or with a space.
                    let near = (proptest::sample::select(values.clone()), 0..3).prop_map(|(v, how)| match how {
                        0 => v.to_lowercase(),
                        1 => format!(" {v}"),
                        _ => format!("{v} "),
                    });
                    let unknown = prop_oneof![random, near]
                        .prop_filter("unknown, within the enum's @length", move |s| {
                            !known.contains(s) && (lo..=hi).contains(&s.chars().count())
                        });
                    vec![unknown
                        .prop_map(move |s| {
                            let kind = Broken::EnumValue { value: s.clone(), allowed: values.clone() };
                            (Value::String(s), Expected::at(kind))
                        })
                        .boxed()]
                }
                // intEnum: none of these models has one in an input; add
                // unknown integers when one does.
                Node::Enum(_) => Vec::new(),
                Node::Str(s) => {
                    s.breaks().into_iter().map(|b| b.prop_map(|(s, e)| (Value::String(s), e)).boxed()).collect()
                }
                Node::Int(i) => i.breaks().into_iter().map(|b| b.prop_map(|(v, e)| (int_json(v), e)).boxed()).collect(),
                Node::List { item, lengths, unique } => {
                    let (lo, hi) = size_bounds(lengths);
                    let unique = *unique;
                    let node = (**item).clone();
                    let mut out = size_breaks(lengths, move |a, b| items(&node, a, b, unique), Value::Array);
                    if unique && hi >= 2 {
                        // Repeat an element: appended, or over the last one when full.
                        out.push(
                            (items(item, lo.max(1), hi, true), any::<Index>())
                                .prop_map(move |(mut v, i)| {
                                    let copy = v[i.index(v.len())].clone();
                                    if v.len() < hi {
                                        v.push(copy);
                                    } else if v.len() >= 2 {
                                        let last = v.len() - 1;
                                        v[last] = v[0].clone();
                                    }
                                    let index = (0..v.len()).find(|&j| v[..j].contains(&v[j])).expect("a repeat");
                                    (Value::Array(v), Expected::at(Broken::UniqueItems { index }))
                                })
                                .boxed(),
                        );
                    }
                    for b in item.breaks().into_iter().filter(|_| hi >= 1) {
                        // One broken element among valid ones, the size valid.
                        out.push(
                            (items(item, lo.max(1) - 1, hi - 1, unique), any::<Index>(), b)
                                .prop_map(|(mut v, i, (x, e))| {
                                    let i = i.index(v.len() + 1);
                                    v.insert(i, x);
                                    (Value::Array(v), e.under(Step::Index(i)))
                                })
                                .boxed(),
                        );
                    }
                    out
                }
                Node::Map { key, value, lengths } => {
                    let (lo, hi) = size_bounds(lengths);
                    let (k, v) = ((**key).clone(), (**value).clone());
                    let mut out = size_breaks(lengths, move |a, b| entries(&k, &v, a, b), object);
                    for b in key.breaks().into_iter().filter(|_| hi >= 1) {
                        // One broken key (so unlike every valid key) among valid entries.
                        out.push(
                            (entries(key, value, lo.max(1) - 1, hi - 1), b, value.valid())
                                .prop_map(|(mut m, (k, e), v)| {
                                    let k = key_string(k);
                                    m.push((k.clone(), v));
                                    (object(m), e.under(Step::MapKey(k)))
                                })
                                .boxed(),
                        );
                    }
                    for b in value.breaks().into_iter().filter(|_| hi >= 1) {
                        out.push(
                            (entries(key, value, lo.max(1), hi), any::<Index>(), b)
                                .prop_map(|(mut m, i, (x, e))| {
                                    let i = i.index(m.len());
                                    m[i].1 = x;
                                    let k = m[i].0.clone();
                                    (object(m), e.under(Step::Key(k)))
                                })
                                .boxed(),
                        );
                    }
                    out
                }
                Node::Bool | Node::Unit | Node::Recursive => Vec::new(),
            }
        }

        /// `value` with every unset structure or union member given as an
        /// explicit `null` (which the generated serde reads as unset).
        pub fn with_nulls(&self, value: &Value) -> Value {
            match (self, value) {
                (Node::Struct { members } | Node::Union { variants: members }, Value::Object(map)) => {
                    object(members.iter().map(|m| match map.get(&m.json_name) {
                        Some(v) => (m.json_name.clone(), m.node.with_nulls(v)),
                        None => (m.json_name.clone(), Value::Null),
                    }))
                }
                (Node::List { item, .. }, Value::Array(items)) => {
                    Value::Array(items.iter().map(|v| item.with_nulls(v)).collect())
                }
                (Node::Map { value: node, .. }, Value::Object(map)) => {
                    object(map.iter().map(|(k, v)| (k.clone(), node.with_nulls(v))))
                }
                _ => value.clone(),
            }
        }

        /// `value` with every structure and union member under its model name
        /// instead of its wire name (the generated serde accepts both).
        pub fn with_model_names(&self, value: &Value) -> Value {
            match (self, value) {
                (Node::Struct { members } | Node::Union { variants: members }, Value::Object(map)) => {
                    object(map.iter().map(|(k, v)| match members.iter().find(|m| &m.json_name == k) {
                        Some(m) => (m.name.clone(), m.node.with_model_names(v)),
                        None => (k.clone(), v.clone()),
                    }))
                }
                (Node::List { item, .. }, Value::Array(items)) => {
                    Value::Array(items.iter().map(|v| item.with_model_names(v)).collect())
                }
                (Node::Map { value: node, .. }, Value::Object(map)) => {
                    object(map.iter().map(|(k, v)| (k.clone(), node.with_model_names(v))))
                }
                _ => value.clone(),
            }
        }
    }

    /// Every check on one value, with `Call`s inlined.
    #[derive(Default)]
    struct Flat {
        lengths: Vec<(Option<u64>, Option<u64>, LengthUnit)>,
        pattern: Option<usize>,
        range: Option<(Option<i128>, Option<i128>)>,
        unique: bool,
        each: Vec<Check>,
        key: Vec<Check>,
        value: Vec<Check>,
    }

    impl Flat {
        fn new(svc: &ServiceIr, checks: &[Check]) -> Flat {
            let mut flat = Flat::default();
            flat.add(svc, checks);
            flat
        }

        fn add(&mut self, svc: &ServiceIr, checks: &[Check]) {
            for c in checks {
                match c {
                    Check::Length { min, max, unit } => self.lengths.push((*min, *max, *unit)),
                    Check::Pattern(i) => assert!(self.pattern.replace(*i).is_none(), "two patterns on one value"),
                    Check::Range { min, max, float } => {
                        assert!(!float, "model_strategies: float ranges are not supported yet");
                        let int = |b: &Option<smithy_gen_codegen::ir::Bound>| {
                            b.map(|b| b.int.expect("integer bounds on an integer range"))
                        };
                        self.range = Some((int(min), int(max)));
                    }
                    Check::UniqueItems => self.unique = true,
                    // The named type's own checks come with its node.
                    Check::Nested => {}
                    Check::Call(name) => {
                        let f =
                            svc.check_fns.iter().find(|f| &f.name == name).expect("a check function of the service");
                        self.add(svc, &f.checks);
                    }
                    Check::Each(c) => self.each.extend(c.iter().cloned()),
                    Check::Entries { key, value } => {
                        self.key.extend(key.iter().cloned());
                        self.value.extend(value.iter().cloned());
                    }
                }
            }
        }

        fn lengths(&self, unit: LengthUnit) -> Vec<Bounds> {
            self.lengths
                .iter()
                .map(|&(min, max, u)| {
                    assert_eq!(u, unit, "a @length counted in the wrong unit");
                    (min, max)
                })
                .collect()
        }
    }

    /// The node of a value of type `ty` checked by `checks`, in `svc`.
    pub fn lower(svc: &ServiceIr, ty: &RType, checks: &[Check], stack: &mut Vec<String>) -> Node {
        let flat = Flat::new(svc, checks);
        let int = |type_min: i128, type_max: i128| {
            let (min, max) = flat.range.unwrap_or((None, None));
            Node::Int(IntSpec { type_min, type_max, min, max })
        };
        match ty {
            RType::String => Node::Str(StrSpec {
                lengths: flat.lengths(LengthUnit::Chars),
                pattern: flat.pattern.map(|i| Arc::new(PatternSpec::parse(&svc.patterns[i]))),
                header: false,
            }),
            RType::Bool => Node::Bool,
            RType::Byte => int(i8::MIN.into(), i8::MAX.into()),
            RType::Short => int(i16::MIN.into(), i16::MAX.into()),
            RType::Int => int(i32::MIN.into(), i32::MAX.into()),
            RType::Long => int(i64::MIN.into(), i64::MAX.into()),
            RType::List(item) => Node::List {
                item: Box::new(lower(svc, item, &flat.each, stack)),
                lengths: flat.lengths(LengthUnit::Items),
                unique: flat.unique,
            },
            RType::Map(k, v) => Node::Map {
                key: Box::new(lower(svc, k, &flat.key, stack)),
                value: Box::new(lower(svc, v, &flat.value, stack)),
                lengths: flat.lengths(LengthUnit::Items),
            },
            RType::Named(name) => {
                let t = svc.types.iter().find(|t| t.name() == name).expect("a type of the service");
                if stack.contains(name) {
                    return Node::Recursive;
                }
                stack.push(name.clone());
                let node = match t {
                    TypeIr::Struct(s) => Node::Struct {
                        members: s
                            .members
                            .iter()
                            .map(|m| Member {
                                name: m.name.clone(),
                                json_name: m.json_name.clone(),
                                required: m.required,
                                node: match lower(svc, &m.ty, &m.checks, stack) {
                                    Node::Str(spec) if matches!(m.http, smithy_gen_codegen::ir::HttpBinding::Header(_)) => {
                                        Node::Str(StrSpec { header: true, ..spec })
                                    }
                                    node => node,
                                },
                            })
                            .collect(),
                    },
                    TypeIr::Union(u) => Node::Union {
                        variants: u
                            .variants
                            .iter()
                            .map(|v| Member {
                                name: v.name.clone(),
                                json_name: v.json_name.clone(),
                                required: false,
                                node: match &v.ty {
                                    Some(ty) => lower(svc, ty, &v.checks, stack),
                                    None => Node::Unit,
                                },
                            })
                            .collect(),
                    },
                    TypeIr::Enum(e) => {
                        let mut lengths = Flat::new(svc, &e.checks).lengths(LengthUnit::Chars);
                        lengths.extend(flat.lengths(LengthUnit::Chars));
                        Node::Enum(EnumSpec {
                            values: e.variants.iter().map(|v| v.value.clone()).collect(),
                            int: e.int,
                            lengths,
                        })
                    }
                };
                stack.pop();
                node
            }
            other => panic!("model_strategies: members of type {other:?} are not supported yet; add a generator"),
        }
    }

    /// The node of every operation input, by (service module, input type).
    pub fn inputs(services: &[ServiceIr]) -> BTreeMap<(String, String), Node> {
        let mut out = BTreeMap::new();
        for svc in services {
            // Operations that send event streams have no properties here
            // (see `every_operation_has_properties`).
            for op in svc.operations.iter().filter(|o| o.input_stream.is_none()) {
                let node = lower(svc, &RType::Named(op.input.clone()), &[], &mut Vec::new());
                out.insert((svc.module.clone(), op.input.clone()), node);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The model, loaded once per test binary: the services of the generated
// crate on the JSON protocols (the seed services), whose inputs these
// properties generate as JSON. The XML-protocol services of the crate are
// covered by the compliance suites, moto (interop_query, interop_s3) and
// tests/tests/s3_client.rs.

fn ir() -> &'static CrateIr {
    static IR: OnceLock<CrateIr> = OnceLock::new();
    IR.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let path = root.join("models/codegen.toml");
        if let Some(missing) = smithy_gen_codegen::config::missing_third_party(&path) {
            // A bare clone: every test of this binary needs the models, so
            // the binary ends here, having said why (CI, which sets
            // SMITHY_REQUIRE_THIRD_PARTY=1, fails in `skip` instead).
            missing.skip("the property tests of the generated crate");
            std::process::exit(0);
        }
        let config = smithy_gen_codegen::config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let model = smithy_gen_codegen::Model::load_files(&config.options.models).unwrap_or_else(|e| panic!("{e}"));
        let mut ir = smithy_gen_codegen::lower::lower_crate(&model, "x", &config.options.selection).unwrap_or_else(|e| panic!("{e}"));
        ir.services.retain(|s| !s.protocol.is_xml());
        ir
    })
}

fn node(service: &str, input: &str) -> &'static Node {
    static NODES: OnceLock<std::collections::BTreeMap<(String, String), Node>> = OnceLock::new();
    NODES
        .get_or_init(|| model_strategies::inputs(&ir().services))
        .get(&(service.to_string(), input.to_string()))
        .unwrap_or_else(|| panic!("no operation of {service} has the input {input}"))
}

fn service(module: &str) -> &'static ServiceIr {
    ir().services.iter().find(|s| s.module == module).expect("the service")
}

fn operation(module: &str, input: &str) -> (&'static ServiceIr, &'static OperationIr, &'static StructIr) {
    let svc = service(module);
    let op = svc.operations.iter().find(|o| o.input == input).expect("the operation");
    let st = svc
        .types
        .iter()
        .find_map(|t| match t {
            TypeIr::Struct(s) if s.name == input => Some(s),
            _ => None,
        })
        .expect("the input structure");
    (svc, op, st)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// The generated input types, by name.

trait Input: Serialize + DeserializeOwned + PartialEq + Clone + std::fmt::Debug {
    const SERVICE: &'static str;
    const NAME: &'static str;
    fn check(&self) -> Result<(), ValidationError>;
    fn prepare(self) -> Result<PreparedRequest, String>;
}

fn valid<T: Input>() -> BoxedStrategy<Value> {
    node(T::SERVICE, T::NAME).valid()
}

fn broken<T: Input>() -> BoxedStrategy<(Value, Expected)> {
    let breaks = node(T::SERVICE, T::NAME).breaks();
    assert!(!breaks.is_empty(), "{} has no constraint to break", T::NAME);
    proptest::strategy::Union::new(breaks).boxed()
}

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

fn parse<T: Input>(v: &Value) -> Result<T, TestCaseError> {
    serde_json::from_value(v.clone()).map_err(|e| fail(format!("{} does not parse {v}: {e}", T::NAME)))
}

/// Property 1: a value satisfying the model parses and validates.
fn check_valid<T: Input>(v: Value) -> Result<(), TestCaseError> {
    let input: T = parse(&v)?;
    prop_assert_eq!(input.check(), Ok(()), "valid by the model: {}", v);
    Ok(())
}

/// Property 2: JSON and protocol round trips.
fn check_round_trip<T: Input>(v: Value) -> Result<(), TestCaseError> {
    let typed: T = parse(&v)?;
    let json = serde_json::to_value(&typed).map_err(fail)?;
    prop_assert_eq!(&json, &v, "serializing the parsed value changed it");
    prop_assert_eq!(&parse::<T>(&json)?, &typed);
    // The model's member names are accepted as aliases of the wire names.
    let aliased = node(T::SERVICE, T::NAME).with_model_names(&v);
    prop_assert_eq!(&parse::<T>(&aliased)?, &typed, "with model member names: {}", aliased);
    // Unset members may be given as `null`.
    let nulls = node(T::SERVICE, T::NAME).with_nulls(&v);
    prop_assert_eq!(&parse::<T>(&nulls)?, &typed, "with explicit nulls: {}", nulls);
    // The protocol serializer sends every member, and nothing else.
    let (svc, op, st) = operation(T::SERVICE, T::NAME);
    let dot_label = st.members.iter().any(|m| {
        matches!(m.http, HttpBinding::Label { .. })
            && matches!(v.get(&m.json_name), Some(Value::String(s)) if s == "." || s == "..")
    });
    let request = typed.clone().prepare();
    if dot_label {
        // A label of `.` or `..` would move the request to another path.
        prop_assert!(request.is_err(), "a dot-segment label was sent: {:?}", request);
        return Ok(());
    }
    let request = request.map_err(|e| fail(format!("prepare failed on a valid input: {e}")))?;
    let mut sent = sent_members(svc, op, st, &request).map_err(fail)?;
    for m in st.members.iter().filter(|m| m.idempotency_token && v.get(&m.json_name).is_none()) {
        // Filled in by prepare when unset.
        let token = sent.as_object_mut().and_then(|o| o.remove(&m.json_name));
        prop_assert!(matches!(&token, Some(Value::String(t)) if !t.is_empty()), "no idempotency token: {:?}", token);
    }
    prop_assert_eq!(&sent, &v, "the request does not carry exactly the input: {:?}", request);
    prop_assert_eq!(&parse::<T>(&sent)?, &typed);
    Ok(())
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("truncated %-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|e| e.to_string())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The input members a prepared request carries, as the input's JSON: the
/// body, plus (restJson1) the URI labels.
fn sent_members(svc: &ServiceIr, op: &OperationIr, st: &StructIr, request: &PreparedRequest) -> Result<Value, String> {
    let mut json: Value = match request.body.as_deref() {
        Some(body) => serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?,
        // restJson1 without body members (a GET).
        None if svc.protocol == Protocol::RestJson1 && st.members.iter().all(|m| m.http != HttpBinding::Body) => Value::Object(Default::default()),
        None => return Err("no body".into()),
    };
    let object = json.as_object_mut().ok_or("the body is not an object")?;
    match svc.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let target = request.headers.iter().find(|(k, _)| k == "x-amz-target").map(|(_, v)| v.as_str());
            if request.path != "/" || target != Some(&format!("{}.{}", svc.target_prefix, op.name)) {
                return Err(format!("not an awsJson request for {}: {request:?}", op.name));
            }
        }
        Protocol::RestJson1 => {
            let http = op.http.as_ref().ok_or("no @http")?;
            if request.method != http.method {
                return Err(format!("the method differs from {http:?}"));
            }
            // Query and header members, by their names on the wire.
            for (name, value) in &request.query {
                let m = st.members.iter().find(|m| m.http == HttpBinding::Query(name.clone())).ok_or_else(|| format!("query parameter {name} is no member's"))?;
                object.insert(m.json_name.clone(), Value::String(value.clone().unwrap_or_default()));
            }
            for m in &st.members {
                if let HttpBinding::Header(name) = &m.http {
                    if let Some((_, v)) = request.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                        object.insert(m.json_name.clone(), Value::String(v.clone()));
                    }
                }
            }
            let segments: Vec<&str> = request.path.strip_prefix('/').ok_or("path without /")?.split('/').collect();
            if segments.len() != http.path.len() {
                return Err(format!("{} does not fit {}", request.path, http.uri));
            }
            for (segment, template) in segments.iter().zip(&http.path) {
                match template {
                    UriSegment::Literal(l) if l == segment => {}
                    UriSegment::Label(name) => {
                        let m = st.members.iter().find(|m| &m.name == name).ok_or("unknown label")?;
                        if object.contains_key(&m.json_name) {
                            return Err(format!("the label {name} is in the body too"));
                        }
                        object.insert(m.json_name.clone(), Value::String(percent_decode(segment)?));
                    }
                    other => return Err(format!("{} does not fit {other:?} of {}", request.path, http.uri)),
                }
            }
            for m in &st.members {
                if !matches!(m.http, HttpBinding::Body | HttpBinding::Label { greedy: false } | HttpBinding::Query(_) | HttpBinding::Header(_)) {
                    return Err(format!(
                        "{}: binding {:?} is not reconstructed yet; extend sent_members",
                        m.name, m.http
                    ));
                }
            }
        }
        // The properties generate JSON-protocol services only.
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml | Protocol::RpcV2Cbor => return Err(format!("{:?} is not a JSON protocol", svc.protocol)),
    }
    Ok(json)
}

fn observed(kind: &ViolationKind) -> Broken {
    match kind {
        ViolationKind::Required => Broken::Required,
        ViolationKind::Length { min, max, actual, unit } => Broken::Length {
            min: *min,
            max: *max,
            actual: *actual,
            unit: match unit {
                rt::LengthUnit::Chars => LengthUnit::Chars,
                rt::LengthUnit::Items => LengthUnit::Items,
                rt::LengthUnit::Bytes => LengthUnit::Bytes,
            },
        },
        ViolationKind::Pattern { pattern } => Broken::Pattern(pattern.to_string()),
        ViolationKind::Range { min, max, actual } => {
            Broken::Range { min: min.clone(), max: max.clone(), actual: actual.clone() }
        }
        ViolationKind::UniqueItems { index } => Broken::UniqueItems { index: *index },
        ViolationKind::EnumValue { value, allowed } => {
            Broken::EnumValue { value: value.clone(), allowed: allowed.iter().map(|a| a.to_string()).collect() }
        }
        ViolationKind::UnionMember { member } => Broken::UnionMember(member.clone()),
        other => Broken::Other(format!("{other:?}")),
    }
}

/// Property 3: one broken constraint, one violation, at its member.
fn check_broken<T: Input>(v: Value, expected: Expected) -> Result<(), TestCaseError> {
    // A union member the model does not have is refused when the input is
    // read (inputs are read strictly), naming the member; `validate()` still
    // reports one that Rust code put there as `Unknown`.
    if let Broken::UnionMember(name) = &expected.kind {
        let err = serde_json::from_value::<T>(v.clone()).err().map(|e| e.to_string()).unwrap_or_default();
        prop_assert!(err.contains(&format!("unknown field `{name}`")), "reading {} must refuse {}: {:?}", v, name, err);
        return Ok(());
    }
    let input: T = parse(&v)?;
    let violations = match input.check() {
        Ok(()) => return Err(fail(format!("validate() accepted {v}, which breaks {expected:?}"))),
        Err(e) => e.violations,
    };
    prop_assert_eq!(violations.len(), 1, "expected only {:?} in {}, got {:#?}", expected, v, violations);
    let got = &violations[0];
    prop_assert_eq!(&got.path, &expected.rendered_path());
    prop_assert_eq!(got.on_map_key, expected.on_map_key(), "on_map_key of {}", got.path);
    prop_assert_eq!(observed(&got.kind), expected.kind);
    // The client refuses to send it, naming the violation.
    let sent = input.prepare();
    prop_assert!(matches!(&sent, Err(e) if e.contains(&got.to_string())), "sent despite {}: {:?}", got, sent);
    Ok(())
}

macro_rules! operations {
    ($($test:ident: $module:ident::$input:ident => $protocol:ident::$prepare:ident;)*) => {
        $(
            impl Input for aws_generated::$module::types::$input {
                const SERVICE: &'static str = stringify!($module);
                const NAME: &'static str = stringify!($input);
                fn check(&self) -> Result<(), ValidationError> {
                    self.validate()
                }
                fn prepare(self) -> Result<PreparedRequest, String> {
                    aws_generated::$module::$protocol::$prepare(self, true).map_err(|e| e.to_string())
                }
            }

            mod $test {
                use super::*;
                type T = aws_generated::$module::types::$input;

                proptest! {
                    #![proptest_config(config())]

                    #[test]
                    fn valid_values_parse_and_validate(v in valid::<T>()) {
                        check_valid::<T>(v)?;
                    }

                    #[test]
                    fn round_trips(v in valid::<T>()) {
                        check_round_trip::<T>(v)?;
                    }

                    #[test]
                    fn one_broken_constraint_is_one_violation((v, expected) in broken::<T>()) {
                        check_broken::<T>(v, expected)?;
                    }
                }
            }
        )*

        /// (service module, input type) of every operation with properties.
        const OPERATIONS: &[(&str, &str)] = &[$((stringify!($module), stringify!($input))),*];
    };
}

operations! {
    describe_destinations: cloudwatch_logs::DescribeDestinationsInput => aws_json::prepare_describe_destinations;
    put_destination: cloudwatch_logs::PutDestinationInput => aws_json::prepare_put_destination;
    put_destination_policy: cloudwatch_logs::PutDestinationPolicyInput => aws_json::prepare_put_destination_policy;
    put_integration: cloudwatch_logs::PutIntegrationInput => aws_json::prepare_put_integration;
    start_live_tail: cloudwatch_logs::StartLiveTailInput => aws_json::prepare_start_live_tail;
    create_detector: guardduty::CreateDetectorInput => rest_json::prepare_create_detector;
    create_publishing_destination: guardduty::CreatePublishingDestinationInput => rest_json::prepare_create_publishing_destination;
    get_role_credentials: sso::GetRoleCredentialsInput => rest_json::prepare_get_role_credentials;
    create_token: sso_oidc::CreateTokenInput => rest_json::prepare_create_token;
}

/// A new operation in `models/codegen.toml` must get its properties here.
#[test]
fn every_operation_has_properties() {
    // Operations that send an event stream are left out: their input's
    // payload is the stream, sent as events (tests/tests/event_stream_duplex.rs).
    let modeled: BTreeSet<(String, String)> = ir()
        .services
        .iter()
        .flat_map(|s| s.client_operations().filter(|o| o.input_stream.is_none()).map(|o| (s.module.clone(), o.input.clone())))
        .collect();
    let tested: BTreeSet<(String, String)> = OPERATIONS.iter().map(|(s, i)| (s.to_string(), i.to_string())).collect();
    assert_eq!(modeled, tested, "add the missing operations to `operations!`");
}

/// The strategies reach every kind of constraint these models have.
#[test]
fn breaks_cover_every_constraint_kind() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut kinds = BTreeSet::new();
    for (svc, input) in OPERATIONS {
        for b in node(svc, input).breaks() {
            let (_, e) = b.new_tree(&mut runner).expect("a value").current();
            let kind = format!("{:?}", e.kind);
            kinds.insert(kind.split([' ', '(', '{']).next().unwrap_or_default().to_string());
        }
    }
    let want = ["Required", "Length", "Pattern", "Range", "EnumValue", "UnionMember"];
    for k in want {
        assert!(kinds.contains(k), "no break of kind {k}: {kinds:?}");
    }
}
