//! Unit tests of the IDL front end: syntax and name errors with their
//! positions, and documents as the reference writes them.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::to_documents;

fn docs(files: &[(&str, &str)]) -> Result<Vec<Value>, Vec<String>> {
    let idl: Vec<(PathBuf, &str)> = files.iter().map(|(p, t)| (PathBuf::from(p), *t)).collect();
    let (docs, diags) = to_documents(&idl, &[]);
    if diags.is_empty() {
        Ok(docs.into_iter().map(|(_, d)| d).collect())
    } else {
        Err(diags.iter().map(ToString::to_string).collect())
    }
}

fn doc(text: &str) -> Value {
    docs(&[("m.smithy", text)]).unwrap_or_else(|e| panic!("{e:?}")).remove(0)
}

fn error(text: &str) -> String {
    match docs(&[("m.smithy", text)]) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => e.join("\n"),
    }
}

#[test]
fn an_unclosed_structure_names_what_was_expected_and_found_with_line_and_column() {
    let e = error("$version: \"2\"\nnamespace a.b\n\nstructure Foo {\n    a: String\n\noperation Bar {}\n");
    assert!(e.starts_with("m.smithy:7:11: "), "{e}");
    assert!(e.contains("expected `:` after member `operation`, found `Bar`"), "{e}");
    let e = error("$version: \"2\"\nnamespace a.b\nstructure Foo {\n    a: String\n");
    assert!(e.contains("m.smithy:5:1: expected `}` to close structure `Foo`, found the end of the file"), "{e}");
}

#[test]
fn typical_mistakes_are_reported_where_they_are() {
    let cases: &[(&str, &str)] = &[
        ("namespace a.b\nstrucure Foo {}\n", "m.smithy:2:1: unknown shape type `strucure`"),
        ("$version: \"2\"\nnamespace a.b\nstructure Foo { a String }\n", "m.smithy:3:19: expected `:` after member `a`, found `String`"),
        ("$version: \"2\"\nnamespace a.b\nstructure Foo {}\nstring Foo\n", "m.smithy:4:1: shape `a.b#Foo` is defined twice"),
        ("$version: \"2\"\nnamespace a.b\nstructure Foo { a: Nope }\n", "m.smithy:3:20: member target `Nope` names no shape"),
        ("$version: \"2\"\nnamespace a.b\n@nope\nstring Foo\n", "m.smithy:3:2: trait `nope` names no shape"),
        ("{\"smithy\": \"2.0\"}", "m.smithy:1:1: a `.smithy` file holds Smithy IDL, and this one starts like a JSON AST document: name it `.json`"),
        ("namespace a.b\nmetadata x = 1\n", "m.smithy:2:1: `metadata` statements come before the `namespace` statement"),
        ("namespace a.b\nstring S\nuse a.b#S\n", "m.smithy:3:1: `use` statements come right after the `namespace` statement"),
        ("$version: \"3\"\nnamespace a.b\n", "m.smithy:1:11: unsupported Smithy IDL version \"3\""),
        ("$version: \"2\"\nnamespace a.b\nstring Foo string Bar\n", "m.smithy:3:12: expected a line break after string `Foo`, found `string`"),
        ("$version: \"2\"\nnamespace a.b\n@documentation(\"a\" \"b\")\nstring Foo\n", "expected `)` to close trait `documentation`"),
        ("$version: \"2\"\nnamespace a.b\nstring Foo\n@tags([\"x\"] \n", "m.smithy:5:1: expected `)` to close trait `tags`, found the end of the file"),
        ("$version: \"2\"\nnamespace a.b\nstructure Foo { $a }\n", "m.smithy:3:17: member `$a` of `Foo` elides its target"),
        ("$version: \"2\"\nnamespace a.b\nuse a.b#Missing\nstring Foo\n", "m.smithy:3:5: `use a.b#Missing`: namespace `a.b` has no shape named so"),
        ("$version: \"2\"\nnamespace a.b\nstring Foo\nstring Bar\n\"x\"\n", "m.smithy:5:1: expected a shape statement"),
        ("$version: \"2\"\nnamespace a.b\noperation Op { inptu: Foo }\n", "m.smithy:3:16: unknown operation property `inptu`"),
        ("$version: \"2\"\nnamespace a.b\nservice S { version: \"1\", operation: [] }\n", "m.smithy:3:38: unknown property `operation` of service `S`"),
        ("$version: \"2\"\nnamespace a.b\n@range(min: foo)\ninteger I\n", "m.smithy:3:13: `foo` is an unquoted shape id that names no shape"),
        ("$version: \"2\"\nnamespace a.b\nstring S\n@documentation(\"\\q\")\nstring T\n", "m.smithy:4:16: invalid escape `\\q` in a string"),
    ];
    for (text, want) in cases {
        let e = error(text);
        assert!(e.contains(want), "{text:?}:\n  got:  {e}\n  want: {want}");
    }
}

#[test]
fn shapes_members_and_traits_become_the_reference_json_ast() {
    let d = doc(r#"$version: "2.0"
metadata tags = ["a"]
namespace smithy.example

use smithy.api#String

/// A widget.
@sensitive
structure Widget with [Named] {
    /// Its id.
    @required
    id: String

    count: Integer = 0,
    $name
}

@mixin
structure Named { name: String }

enum Color {
    RED
    GREEN = "green"
}

intEnum Level {
    LOW = 1
}

@http(method: "GET", uri: "/w/{id}")
operation GetWidget {
    input := @references([]) {
        @httpLabel
        @required
        id: String
    }
    output: Widget
    errors: [Oops]
}

@error("client") structure Oops {}

apply Widget$id @length(min: 1)
apply other#Missing @documentation("hi")
"#);
    assert_eq!(doc_get(&d, "metadata"), json!({"tags": ["a"]}));
    let s = &d["shapes"];
    assert_eq!(
        s["smithy.example#Widget"],
        json!({
            "type": "structure",
            "mixins": [{"target": "smithy.example#Named"}],
            "members": {
                "id": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#documentation": "Its id.", "smithy.api#length": {"min": 1}}},
                "count": {"target": "smithy.api#Integer", "traits": {"smithy.api#default": 0}},
                "name": {"target": "smithy.api#String"}
            },
            "traits": {"smithy.api#sensitive": {}, "smithy.api#documentation": "A widget."}
        })
    );
    assert_eq!(
        s["smithy.example#Color"]["members"],
        json!({"RED": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "RED"}}, "GREEN": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "green"}}})
    );
    assert_eq!(s["smithy.example#Level"]["members"]["LOW"]["traits"], json!({"smithy.api#enumValue": 1}));
    assert_eq!(
        s["smithy.example#GetWidget"],
        json!({
            "type": "operation",
            "input": {"target": "smithy.example#GetWidgetInput"},
            "output": {"target": "smithy.example#Widget"},
            "errors": [{"target": "smithy.example#Oops"}],
            "traits": {"smithy.api#http": {"method": "GET", "uri": "/w/{id}"}}
        })
    );
    assert_eq!(s["smithy.example#GetWidgetInput"]["traits"], json!({"smithy.api#references": [], "smithy.api#input": {}}));
    assert_eq!(s["other#Missing"], json!({"type": "apply", "traits": {"smithy.api#documentation": "hi"}}));
    // Member order is the file's.
    let names: Vec<&String> = s["smithy.example#Widget"]["members"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["id", "count", "name"]);
}

fn doc_get(d: &Value, k: &str) -> Value {
    d.get(k).cloned().unwrap_or(Value::Null)
}

#[test]
fn names_resolve_across_the_files_of_a_load() {
    let d = docs(&[
        ("a.smithy", "$version: \"2\"\nnamespace x\nstructure A with [M] { $b, r: R }\n"),
        ("b.smithy", "$version: \"2\"\nnamespace x\n@mixin\nstructure M { b: Blob }\nresource R { identifiers: { id: String }, properties: { p: Integer } }\nstructure ForR for R { $id, $p }\n"),
        ("c.smithy", "$version: \"2\"\nnamespace y\nuse x#A\nstructure C { a: A, s: String, t: smithy.api#Timestamp }\n"),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d[0]["shapes"]["x#A"]["members"]["b"]["target"], "smithy.api#Blob");
    assert_eq!(d[0]["shapes"]["x#A"]["members"]["r"]["target"], "x#R");
    assert_eq!(d[1]["shapes"]["x#ForR"]["members"], json!({"id": {"target": "smithy.api#String"}, "p": {"target": "smithy.api#Integer"}}));
    assert_eq!(d[1]["shapes"]["x#R"]["identifiers"], json!({"id": {"target": "smithy.api#String"}}));
    assert_eq!(d[2]["shapes"]["y#C"]["members"]["a"]["target"], "x#A");
    // A `use` of a namespace the load does not define is a package's.
    assert!(docs(&[("d.smithy", "$version: \"2\"\nnamespace z\nuse aws.protocols#restJson1\n@restJson1\nservice S {}\n")]).is_ok());
}

#[test]
fn node_values_strings_text_blocks_and_numbers() {
    let d = doc("$version: \"2\"\nnamespace a\n@documentation(\"\"\"\n    Hello\n      \\\"x\\\"\n    \"\"\")\n@range(min: 1, max: 2.5)\n@tags([\"\\uD83D\\uDE00\", a#Target])\ninteger I\nstring Target\n");
    let t = &d["shapes"]["a#I"]["traits"];
    assert_eq!(t["smithy.api#documentation"], "Hello\n  \"x\"\n");
    assert_eq!(t["smithy.api#range"], json!({"min": 1, "max": 2.5}));
    assert!(t["smithy.api#range"]["min"].is_u64());
    assert_eq!(t["smithy.api#tags"], json!(["\u{1F600}", "a#Target"]));
}

#[test]
fn documentation_comments_count_before_shapes_and_members_only() {
    let d = doc("$version: \"2\"\nnamespace a\n\n/// Doc of S.\n@since(\"1\")\n/// ignored: after traits\nstructure S {\n    /// m\n    m: String /// ignored: trailing\n}\n/// dangling at the end\n");
    assert_eq!(d["shapes"]["a#S"]["traits"]["smithy.api#documentation"], "Doc of S.");
    assert_eq!(d["shapes"]["a#S"]["members"]["m"]["traits"], json!({"smithy.api#documentation": "m"}));
}

#[test]
fn idl_1_0_sets_and_unboxed_numbers_upgrade_as_the_reference_does() {
    let d = doc("$version: \"1.0\"\nnamespace a\nset S { member: String }\ninteger Count\n@box\ninteger Maybe\nstructure T { c: Count, m: Maybe, p: PrimitiveBoolean, i: Integer }\n");
    let s = &d["shapes"];
    assert_eq!(s["a#S"]["type"], "set");
    assert_eq!(s["a#Count"]["traits"], json!({"smithy.api#default": 0}));
    assert_eq!(s["a#T"]["members"]["c"]["traits"], json!({"smithy.api#default": 0}));
    assert_eq!(s["a#T"]["members"]["p"]["traits"], json!({"smithy.api#default": false}));
    assert!(s["a#T"]["members"]["m"].get("traits").is_none());
    assert!(s["a#T"]["members"]["i"].get("traits").is_none());
    assert!(error("$version: \"2\"\nnamespace a\nset S { member: String }\n").contains("`set` is not a shape type of IDL 2.0"));
}

#[test]
fn hostile_input_never_panics_or_overflows() {
    let deep = format!("$version: \"2\"\nnamespace a\n@tags({}\nstring S\n", "[".repeat(100_000));
    assert!(error(&deep).contains("nest deeper than"));
    let deep_obj = format!("$version: \"2\"\nmetadata x = {}\nnamespace a\n", "{a: ".repeat(100_000));
    let e = error(&deep_obj);
    assert!(e.contains("nest deeper than"), "{e}");
    for text in ["", "$", "namespace", "namespace a\n@", "\"\"\"", "\u{0}\u{ff}", "namespace a\napply", "$version: \"2\"\nnamespace a\noperation O { input := "] {
        let _ = docs(&[("m.smithy", text)]);
    }
    // Every prefix of a real file.
    let text = "$version: \"2\"\nnamespace a\n/// d\n@http(method: \"GET\", uri: \"/\")\noperation O { input := with [M] { $x = \"é\" } errors: [E] }\n@mixin structure M { x: String }\n";
    for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
        let _ = docs(&[("m.smithy", &text[..end])]);
    }
}

#[test]
fn diamonds_of_mixins_take_bounded_time() {
    // Each mixin uses the two before it: 2^40 paths unless each mixin is
    // resolved once.
    let mut text = String::from("$version: \"2\"\nnamespace a\n@mixin\nstructure M0 { x: String }\n@mixin\nstructure M1 { x: String }\n");
    for i in 2..40 {
        text.push_str(&format!("@mixin\nstructure M{i} with [M{} M{}] {{ $x }}\n", i - 1, i - 2));
    }
    text.push_str("structure Top with [M39 M38] { $x, y: Integer }\n");
    let started = std::time::Instant::now();
    let d = doc(&text);
    assert_eq!(d["shapes"]["a#Top"]["members"]["x"]["target"], "smithy.api#String");
    // A name no mixin has: every path would be searched.
    let e = error(&text.replace("{ $x, y: Integer }", "{ $x, $nowhere }"));
    assert!(e.contains("member `$nowhere` of `Top` elides its target"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn a_shape_with_a_syntax_error_is_reported_once_not_at_every_use() {
    let e = docs(&[
        ("a.smithy", "$version: \"2\"\nnamespace a\nservice S { operations: [Op] }\noperation Op {\n    input: In\n    oops\n}\nstructure In {}\n"),
        ("b.smithy", "$version: \"2\"\nnamespace b\nuse a#Op\nstructure C { r: a#In }\n"),
    ])
    .unwrap_err();
    assert_eq!(e, ["a.smithy:6:5: unknown operation property `oops` in `Op`: expected `input`, `output` or `errors`"]);
}

#[test]
fn idl_files_resolve_names_and_elided_targets_from_json_ast_files_of_the_load() {
    let json = json!({
        "smithy": "2.0",
        "shapes": {
            "x#M": {"type": "structure", "members": {"id": {"target": "smithy.api#Long"}}, "traits": {"smithy.api#mixin": {}}},
            "x#Tags": {"type": "list", "member": {"target": "smithy.api#String"}}
        }
    });
    let idl = [(PathBuf::from("a.smithy"), "$version: \"2\"\nnamespace x\nstructure S with [M] { $id, tags: Tags }\n")];
    let (docs, diags) = to_documents(&idl, &[(PathBuf::from("j.json"), json)]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs[0].1["shapes"]["x#S"]["members"], json!({"id": {"target": "smithy.api#Long"}, "tags": {"target": "x#Tags"}}));
}

// Hostile files that used to take quadratic or unbounded time. These tests
// assert results, not durations: each input is sized so that the old code
// (a `contains`/`any` scan per element, a step budget per mixin look-up)
// ran for one to several minutes in a debug build, which `cargo test`
// flags as running for over 60 seconds and CI's job timeout stops, while
// now each loads in well under a second.

fn header() -> String {
    "$version: \"2\"\nnamespace a\n".to_string()
}

#[test]
fn forty_thousand_errors_bindings_members_and_keys_load_in_linear_time() {
    let n = 40_000;
    let mut text = header();
    let errors: Vec<String> = (0..n).map(|i| format!("E{i}")).collect();
    text.push_str(&format!("operation O {{ errors: [{}] }}\n", errors.join(" ")));
    text.push_str(&format!("service Svc {{ version: \"1\", errors: [{}] }}\n", errors.join(" ")));
    for e in &errors {
        text.push_str(&format!("@error(\"client\")\nstructure {e} {{}}\n"));
    }
    let members: Vec<String> = (0..n).map(|i| format!("m{i}: String")).collect();
    text.push_str(&format!("structure Big {{\n{}\n}}\n", members.join("\n")));
    let d = doc(&text);
    assert_eq!(d["shapes"]["a#O"]["errors"].as_array().map(Vec::len), Some(n));
    assert_eq!(d["shapes"]["a#Svc"]["errors"].as_array().map(Vec::len), Some(n));
    assert_eq!(d["shapes"]["a#Big"]["members"].as_object().map(|m| m.len()), Some(n));
    // A duplicate at the end is still found.
    let e = error(&text.replace("structure Big {\n", "structure Big {\nm39999: Integer\n"));
    assert!(e.contains("member `m39999` is defined twice in `Big`"), "{e}");

    let keys: Vec<String> = (0..n).map(|i| format!("k{i}: {i}")).collect();
    let meta = format!("$version: \"2\"\nmetadata x = {{{}}}\nnamespace a\n@tags([\"t\"])\nstring S\n", keys.join(", "));
    let d = doc(&meta);
    assert_eq!(d["metadata"]["x"].as_object().map(|m| m.len()), Some(n));
    let e = error(&meta.replace("k0: 0,", "k39999: 0,"));
    assert!(e.contains("duplicate key `k39999` in an object"), "{e}");
    let traits = format!("{}@range({})\ninteger I\n", header(), keys.join(", "));
    let d = docs(&[("m.smithy", &traits)]).map_err(|e| e.len()).expect("a trait value of 40k keys loads");
    assert_eq!(d[0]["shapes"]["a#I"]["traits"]["smithy.api#range"].as_object().map(|m| m.len()), Some(n));
    let e = error(&format!("{}@range({}, k0: 1)\ninteger I\n", header(), keys.join(", ")));
    assert!(e.contains("duplicate key `k0` in the trait's value"), "{e}");
}

#[test]
fn mixin_diamonds_under_thousands_of_shapes_resolve_each_mixin_once() {
    // A two-way diamond 40 levels deep (2^40 paths) under 3000 shapes that
    // elide a member only the second mixin `Z` has: every look-up used to
    // search the whole diamond (until a step budget ran out, then report a
    // false "no member `y`").
    let mut text = header();
    text.push_str("@mixin\nstructure A0 { x: String }\n@mixin\nstructure B0 { x: String }\n@mixin\nstructure Z { y: Integer }\n");
    for i in 1..40 {
        let p = i - 1;
        text.push_str(&format!("@mixin\nstructure A{i} with [A{p} B{p}] {{ $x }}\n@mixin\nstructure B{i} with [B{p} A{p}] {{}}\n"));
    }
    for n in 0..3000 {
        text.push_str(&format!("structure T{n} with [A39 Z] {{ $y }}\n"));
    }
    let d = doc(&text);
    assert_eq!(d["shapes"]["a#T0"]["members"]["y"]["target"], "smithy.api#Integer");
    assert_eq!(d["shapes"]["a#T2999"]["members"]["y"]["target"], "smithy.api#Integer");
    assert_eq!(d["shapes"]["a#A39"]["members"]["x"]["target"], "smithy.api#String");
}

#[test]
fn a_chain_of_three_thousand_mixins_resolves_without_a_depth_limit() {
    let mut text = header();
    text.push_str("@mixin\nstructure M0 { y: Long }\n");
    for i in 1..3000 {
        text.push_str(&format!("@mixin\nstructure M{i} with [M{}] {{ $y }}\n", i - 1));
    }
    text.push_str("structure Top with [M2999] { $y }\n");
    let d = doc(&text);
    assert_eq!(d["shapes"]["a#Top"]["members"]["y"]["target"], "smithy.api#Long");
    assert_eq!(d["shapes"]["a#M2999"]["members"]["y"]["target"], "smithy.api#Long");
}

#[test]
fn a_mixin_cycle_is_reported_once_as_a_cycle_not_as_a_missing_member() {
    let text = "$version: \"2\"\nnamespace a\n@mixin\nstructure A with [B] { $y }\n@mixin\nstructure B with [A] {}\nstructure C with [A] { $y }\n";
    if let Err(e) = docs(&[("m.smithy", text)]) {
        assert!(!e.iter().any(|d| d.contains("elides its target")), "{e:?}");
    }
    let problems: Vec<String> = match crate::model::Model::load_sources(&[(PathBuf::from("m.smithy"), text.to_string())]) {
        Ok(m) => m.problems.iter().map(ToString::to_string).collect(),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    };
    let cycles: Vec<&String> = problems.iter().filter(|p| p.contains("mixin cycle")).collect();
    assert_eq!(cycles.len(), 1, "{problems:?}");
    assert!(cycles[0].contains("mixin cycle: a#A → a#B → a#A"), "{problems:?}");
}

#[test]
fn an_elided_member_is_found_in_mixins_when_for_names_no_resource() {
    let text = format!("{}string NotR\n@mixin\nstructure M {{ y: String }}\nstructure S for NotR with [M] {{ $y }}\n", header());
    let e = docs(&[("m.smithy", &text)]).expect_err("`for NotR` is refused");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("`for` names a resource, and `NotR` is a string"), "{e:?}");
}

#[test]
fn a_shape_defined_twice_in_one_file_is_reported_once() {
    let e = docs(&[("m.smithy", &format!("{}structure Foo {{}}\nstring Foo\n", header()))]).expect_err("refused");
    assert_eq!(e, vec!["m.smithy:4:1: shape `a#Foo` is defined twice (first at m.smithy:3:1)".to_string()]);
}

#[test]
fn values_nesting_is_counted_per_statement_even_after_errors() {
    let mut text = header();
    for n in 0..70 {
        text.push_str(&format!("@tags([)])\nstructure S{n} {{}}\n"));
    }
    text.push_str("@tags([\"ok\"])\nstructure Good {}\n");
    let e = docs(&[("m.smithy", &text)]).expect_err("the broken shapes are refused");
    assert_eq!(e.len(), 70, "{e:?}");
    assert!(!e.iter().any(|d| d.contains("nest deeper")), "{e:?}");
}

#[test]
fn numbers_a_trait_value_cannot_hold_are_refused_not_rounded() {
    let e = error(&format!("{}@default(123456789012345678901234567890)\nbigInteger B\n", header()));
    assert!(e.contains("m.smithy:3:10: integer `123456789012345678901234567890` is beyond 64 bits"), "{e}");
    let e = error(&format!("{}@default(1e400)\nbigDecimal B\n", header()));
    assert!(e.contains("m.smithy:3:10: number `1e400` is beyond the range of a 64-bit float"), "{e}");
    let e = error(&format!("{}@default(1e-400)\nbigDecimal B\n", header()));
    assert!(e.contains("number `1e-400` is too small"), "{e}");
    // The largest 64-bit values and zero stay numbers.
    let d = doc(&format!("{}@default(18446744073709551615)\nbigInteger B\n@default(-9223372036854775808)\nlong L\n@default(0.0e-400)\ndouble D\n", header()));
    assert_eq!(d["shapes"]["a#B"]["traits"]["smithy.api#default"], json!(18_446_744_073_709_551_615_u64));
    assert_eq!(d["shapes"]["a#L"]["traits"]["smithy.api#default"], json!(i64::MIN));
}

#[test]
fn error_messages_quote_input_short_and_escaped() {
    let long = "x".repeat(200_000);
    let e = error(&format!("{}string S \"{long}\"\n", header()));
    assert!(e.len() < 400, "{} bytes", e.len());
    assert!(e.contains(&format!("string \"{}…\"", "x".repeat(60))), "{e}");
    let e = error(&format!("{}string S \"\\u001b[31mred\"\n", header()));
    assert!(!e.contains('\u{1b}'), "{e:?}");
    assert!(e.contains("\\u{1b}[31mred"), "{e}");
    let e = error(&format!("{}{long} S\n", header()));
    assert!(e.len() < 400 && e.contains("unknown shape type `xxx"), "{}", e.len());
    let e = error(&format!("{}@range(min: {long})\ninteger I\n", header()));
    assert!(e.len() < 400, "{}", e.len());
    // Keys of objects and metadata are strings too.
    let e = error(&format!("{}@range(\"\\u001b[2J{long}\": 1, \"\\u001b[2J{long}\": 2)\ninteger I\n", header()));
    assert!(e.len() < 400 && e.contains("duplicate key `\\u{1b}[2J"), "{e:?}");
    let e = error(&format!("$version: \"2\"\nmetadata \"\\u0007{long}\" 1\nnamespace a\n"));
    assert!(e.len() < 400 && !e.contains('\u{7}'), "{e:?}");
}

#[test]
fn forty_thousand_inherited_errors_and_members_load_through_the_whole_model() {
    // The model's flattening joins a mixin's errors with the operation's:
    // a scan per error was quadratic (40k × 40k comparisons).
    let n = 40_000;
    let mut text = header();
    let list = |p: &str| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>().join(" ");
    text.push_str(&format!("@mixin\noperation M {{ errors: [{}] }}\noperation O with [M] {{ errors: [{}] }}\n", list("E"), list("F")));
    for i in 0..n {
        text.push_str(&format!("@error(\"client\")\nstructure E{i} {{}}\n@error(\"server\")\nstructure F{i} {{}}\n"));
    }
    let members: Vec<String> = (0..n).map(|i| format!("m{i}: String")).collect();
    text.push_str(&format!("@mixin\nstructure Big {{\n{}\n}}\nstructure Uses with [Big] {{}}\n", members.join("\n")));
    let model = crate::model::Model::load_sources(&[(PathBuf::from("m.smithy"), text)]).map_err(|d| d.to_string().len()).expect("loads");
    let errors = match &model.shapes["a#O"].kind {
        crate::model::ShapeKind::Operation(op) => op.errors.len(),
        _ => 0,
    };
    assert_eq!(errors, 2 * n);
    assert_eq!(model.shapes["a#Uses"].members.len(), n);
}

#[test]
fn a_chain_of_three_thousand_mixins_flattens_without_deep_recursion() {
    // The model's flattening recursed once per mixin level: this chain
    // overflowed the stack (an abort, not an error).
    let mut text = header();
    text.push_str("@mixin\nstructure M0 { y: Long }\n");
    for i in 1..3000 {
        text.push_str(&format!("@mixin\nstructure M{i} with [M{}] {{ $y }}\n", i - 1));
    }
    text.push_str("structure Top with [M2999] { $y }\n");
    let model = crate::model::Model::load_sources(&[(PathBuf::from("m.smithy"), text)]).map_err(|d| d.to_string()).expect("loads");
    assert_eq!(model.shapes["a#Top"].members.len(), 1);
}

#[test]
fn idl_1_0_member_defaults_look_at_resolved_trait_ids() {
    // `box` here is the model's own trait, not `smithy.api#box`: `MyInt` is
    // not boxed, so a 1.0 member targeting it has the zero default.
    let d = doc("namespace a\n@trait\nstructure box {}\n@box\ninteger MyInt\n@smithy.api#box\ninteger Boxed\nstructure S { m: MyInt, b: Boxed }\n");
    assert_eq!(d["shapes"]["a#MyInt"]["traits"]["a#box"], json!({}));
    assert_eq!(d["shapes"]["a#S"]["members"]["m"]["traits"]["smithy.api#default"], json!(0));
    assert!(d["shapes"]["a#S"]["members"]["b"].get("traits").is_none(), "{d}");
}

#[test]
fn annotation_traits_are_lists_where_the_trait_is_known_to_be_one() {
    let d = doc(&format!("{}use aws.iam#conditionKeys\n@tags\n@conditionKeys\n@aws.api#unsignedPayload\n@a.b#unknown\nstring S\n", header()));
    let t = &d["shapes"]["a#S"]["traits"];
    assert_eq!(t["smithy.api#tags"], json!([]));
    assert_eq!(t["aws.iam#conditionKeys"], json!([]));
    assert_eq!(t["aws.api#unsignedPayload"], json!({}));
    assert_eq!(t["a.b#unknown"], json!({}));
}

#[test]
fn a_utf8_byte_order_mark_at_the_start_is_skipped() {
    let d = doc("\u{feff}$version: \"2\"\nnamespace a\nstring S\n");
    assert_eq!(d["shapes"]["a#S"]["type"], "string");
    // Elsewhere it is no whitespace.
    assert!(error("$version: \"2\"\nnamespace a\n\u{feff}string S\n").contains("m.smithy:3:1"));
}
