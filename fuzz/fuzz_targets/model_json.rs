//! Arbitrary JSON shaped like a Smithy model: shapes of every type from a
//! small vocabulary of names, members targeting each other and the prelude,
//! the traits the generator reads (with well-formed values most of the time
//! and arbitrary JSON otherwise), mixins, `apply`, resources, and a service on
//! awsJson1_0, awsJson1_1 or restJson1, and waiters (`smithy.waiters#waitable`)
//! whose JMESPath paths are put together from member names and the
//! grammar's pieces. The whole pipeline
//! (`codegen::generate_from_sources`: load, resolve, lower, emit, format) must
//! never panic; model errors are fine. What it emits must hang together:
//! the Rust code parses (`Error::Render` is a generator bug), no two files
//! share a path (a service module must not overwrite the runtime), and
//! `Cargo.toml` is valid TOML (so no feature is defined twice).
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const NS: &str = "fz.test";

/// Shape names: plain, clashing after case conversion, Rust keywords and
/// prelude names, names the generator reserves, one invalid.
const SHAPE_NAMES: &[&str] = &[
    "Thing", "ThingInput", "ThingOutput", "Widget", "Gadget", "Item", "Items", "Token", "thing", "Thing_",
    "String", "Option", "Result", "Self_", "Box", "Vec", "Type", "Error", "Client", "Unknown", "Config", "A",
    "Id", "Status", "NotFound", "Throttled", "Request", "Response", "Types", "Runtime", "Do",
];

/// Member names, including those the paginated, URI and examples
/// vocabularies below refer to.
const MEMBER_NAMES: &[&str] = &[
    "id", "name", "nextToken", "items", "maxResults", "value", "key", "member", "type", "self", "Name", "ID", "i_d",
    "detectorId", "rest", "tags", "message", "Message", "code", "status", "body", "clientToken", "page", "a", "b",
];

const PRELUDE: &[&str] = &[
    "smithy.api#String", "smithy.api#Integer", "smithy.api#Long", "smithy.api#Boolean", "smithy.api#Timestamp",
    "smithy.api#Blob", "smithy.api#Document", "smithy.api#Unit", "smithy.api#PrimitiveInteger",
    "smithy.api#PrimitiveBoolean", "smithy.api#Double", "smithy.api#Float", "smithy.api#BigDecimal",
    "smithy.api#BigInteger", "smithy.api#Byte", "smithy.api#Short", "smithy.api#PrimitiveLong",
];

const SIMPLE_TYPES: &[&str] = &[
    "string", "integer", "long", "boolean", "blob", "timestamp", "float", "double", "bigInteger", "bigDecimal",
    "byte", "short", "document",
];

const PATTERNS: &[&str] = &[
    "^[a-z]+$", "[", "\\w+", "^[\\w-_]*$", "(?<n>a)\\k<n>", "", ".*", "\\p{L}+", "[^\\u0000-\\u007F]", "^\\d{12}$",
    "(a|b)*c", "\\", "[z-a]", "^$", "\\u{1F600}", "(?=a)", "a{2,1}",
];

const DOCS: &[&str] = &[
    "<p>Plain.</p>", "<ul><li>one</li><li>two", "<code>x</code> &amp; &lt;", "<a href=\"https://x\">link</a>",
    "`tick` *star* _u_ [b](c)", "*/ /* \"\"\" r#\"x\"#", "line\nbreak\r\n", "<p><p></b>", "\\", "",
    "<note>n</note><important>i</important>", "# heading\n```\ncode", "\u{0}\u{7f}\u{2028}",
];

const HEADER_NAMES: &[&str] = &["X-Thing", "x-thing", "Content-Type", "X-Meta-", "bad name", "X-Amz-Target", "é"];

const HTML_STRINGS: &[&str] = &["x", "", "a b", "\"", "\\", "é", "$", "{a}", "a.b", "..", "\n"];

/// True one time in `n`, and false once the input is used up (where
/// `Unstructured::ratio` would say true), so exhausted inputs stay plain.
fn rarely(u: &mut Unstructured<'_>, n: u32) -> Result<bool> {
    Ok(!u.ratio(n - 1, n)?)
}

fn pick<'a>(u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
    u.choose(from).copied()
}

fn small_string(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok(pick(u, HTML_STRINGS)?.to_string())
    } else {
        let s: &str = u.arbitrary()?;
        Ok(s.chars().take(24).collect())
    }
}

/// Arbitrary JSON, small.
fn any_json(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let top = if depth == 0 { 4 } else { 6 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.int_in_range(-3i64..=300)?),
        3 => {
            let f: f64 = u.arbitrary()?;
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        4 => Value::String(small_string(u)?),
        5 => {
            let n = u.int_in_range(0..=3)?;
            Value::Array((0..n).map(|_| any_json(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=3)?;
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(pick(u, MEMBER_NAMES)?.to_string(), any_json(u, depth - 1)?);
            }
            Value::Object(m)
        }
    })
}

/// A value for a number bound: integers mostly, sometimes floats or odd ones.
fn bound(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::Null,
        1 => json!(u.int_in_range(-2i64..=10)?),
        2 => json!(u.arbitrary::<i64>()?),
        3 => json!(u.arbitrary::<u64>()?),
        4 => serde_json::Number::from_f64(u.arbitrary()?).map_or(json!(1.5), Value::Number),
        _ => json!(u.int_in_range(0u64..=300)?),
    })
}

struct ShapeInfo {
    id: String,
    ty: String,
    /// Has `@mixin`: only other shapes' `mixins` refer to it.
    mixin: bool,
}

struct Ctx {
    /// Every shape defined, in order.
    shapes: Vec<ShapeInfo>,
}

impl Ctx {
    /// A member target: a shape of the model (not a mixin), a prelude shape,
    /// rarely a missing one.
    fn target(&self, u: &mut Unstructured<'_>) -> Result<String> {
        let ours: Vec<&ShapeInfo> = self.shapes.iter().filter(|s| !s.mixin).collect();
        Ok(match u.int_in_range(0..=39)? {
            0..=24 if !ours.is_empty() => u.choose(&ours)?.id.clone(),
            39 => format!("{NS}#Missing"),
            _ => pick(u, PRELUDE)?.to_string(),
        })
    }

    fn target_of(&self, u: &mut Unstructured<'_>, ty: &str) -> Result<Option<String>> {
        let of: Vec<&String> = self.shapes.iter().filter(|s| s.ty == ty && !s.mixin).map(|s| &s.id).collect();
        if of.is_empty() {
            return Ok(None);
        }
        Ok(Some(u.choose(&of)?.to_string()))
    }

    /// A mixin of type `ty` defined before shape `index` (so mixins never
    /// form a cycle).
    fn mixin_before(&self, u: &mut Unstructured<'_>, index: usize, ty: &str) -> Result<Option<String>> {
        let of: Vec<&String> = self.shapes[..index].iter().filter(|s| s.ty == ty && s.mixin).map(|s| &s.id).collect();
        if of.is_empty() {
            return Ok(None);
        }
        Ok(Some(u.choose(&of)?.to_string()))
    }
}

fn uri(u: &mut Unstructured<'_>) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=4)? {
        s.push('/');
        s.push_str(&match u.int_in_range(0..=7)? {
            0..=2 => pick(u, &["things", "a", "b-c", "v1", "", "{", "}", "%2F"])?.to_string(),
            3..=5 => format!("{{{}}}", pick(u, MEMBER_NAMES)?),
            6 => format!("{{{}+}}", pick(u, MEMBER_NAMES)?),
            _ => small_string(u)?,
        });
    }
    if s.is_empty() && u.ratio(7, 8)? {
        s.push('/');
    }
    if u.ratio(1, 6)? {
        s.push_str(pick(u, &["?flag", "?x=y", "?x=y&z", "?", "?a=b&a=c"])?);
    }
    Ok(s)
}

fn paginated(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut m = Map::new();
    for key in ["inputToken", "outputToken", "items", "pageSize"] {
        if u.ratio(2, 3)? {
            let v = match u.int_in_range(0..=5)? {
                0..=2 => json!(pick(u, MEMBER_NAMES)?),
                3 => json!(format!("{}.{}", pick(u, MEMBER_NAMES)?, pick(u, MEMBER_NAMES)?)),
                4 => json!(pick(u, &["", ".", "a..b", "a."])?),
                _ => any_json(u, 1)?,
            };
            m.insert(key.into(), v);
        }
    }
    Ok(Value::Object(m))
}

/// Pieces of JMESPath: member names, operators, literals, functions.
const PATH_PIECES: &[&str] = &[
    ".", "[]", "[*]", "[?", "]", "[0]", "[-1]", "*", "==", "!=", ">=", "<", "&&", "||", "!", "(", ")", ",", "`0`",
    "`true`", "'x'", "`\"s\"`", "length(", "contains(", "@", "|", "input.", "output.", "{", "&", "[1:2]", "`[1]`",
];

/// A JMESPath expression: member paths most of the time, then arbitrary
/// sequences of pieces.
fn path(u: &mut Unstructured<'_>) -> Result<String> {
    let mut s = pick(u, MEMBER_NAMES)?.to_string();
    for _ in 0..u.int_in_range(0..=6)? {
        if u.ratio(1, 2)? {
            s.push('.');
            s.push_str(pick(u, MEMBER_NAMES)?);
        } else {
            s.push_str(pick(u, PATH_PIECES)?);
            if u.ratio(1, 2)? {
                s.push_str(pick(u, MEMBER_NAMES)?);
            }
        }
    }
    Ok(s)
}

/// `smithy.waiters#waitable`: one or two waiters, mostly well-formed.
fn waitable(u: &mut Unstructured<'_>) -> Result<Value> {
    if rarely(u, 20)? {
        return any_json(u, 2);
    }
    let mut waiters = Map::new();
    for _ in 0..u.int_in_range(1..=2)? {
        let name = pick(u, &["Ready", "Gone", "ThingExists", "ready", "A", "Ready2", ""])?;
        let mut acceptors = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let state = pick(u, &["success", "failure", "retry", "done"])?;
            let matcher = match u.int_in_range(0..=5)? {
                0 => json!({"success": u.arbitrary::<bool>()?}),
                1 => json!({"errorType": pick(u, SHAPE_NAMES)?}),
                2 => any_json(u, 1)?,
                n => {
                    let kind = if n == 3 { "inputOutput" } else { "output" };
                    let comparator = pick(u, &["stringEquals", "booleanEquals", "allStringEquals", "anyStringEquals", "x"])?;
                    let expected = pick(u, &["true", "false", "x", "", "ACTIVE"])?;
                    json!({ kind: {"path": path(u)?, "expected": expected, "comparator": comparator} })
                }
            };
            acceptors.push(json!({"state": state, "matcher": matcher}));
        }
        let mut w = Map::new();
        w.insert("acceptors".into(), Value::Array(acceptors));
        if u.ratio(1, 2)? {
            w.insert("minDelay".into(), bound(u)?);
        }
        if u.ratio(1, 3)? {
            w.insert("maxDelay".into(), bound(u)?);
        }
        if rarely(u, 8)? {
            w.insert("deprecated".into(), json!(true));
        }
        waiters.insert(name.to_string(), Value::Object(w));
    }
    Ok(Value::Object(waiters))
}

fn examples(u: &mut Unstructured<'_>, ctx: &Ctx) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let mut e = Map::new();
        e.insert("title".into(), json!(small_string(u)?));
        if u.ratio(1, 2)? {
            e.insert("documentation".into(), json!(pick(u, DOCS)?));
        }
        if u.ratio(3, 4)? {
            e.insert("input".into(), any_json(u, 2)?);
        }
        match u.int_in_range(0..=2)? {
            0 => {
                e.insert("output".into(), any_json(u, 2)?);
            }
            1 => {
                let id = ctx.target(u)?;
                e.insert("error".into(), json!({"shapeId": id, "content": any_json(u, 2)?}));
            }
            _ => {}
        }
        if u.ratio(1, 4)? {
            e.insert("allowConstraintErrors".into(), json!(u.arbitrary::<bool>()?));
        }
        list.push(Value::Object(e));
    }
    Ok(Value::Array(list))
}

/// A value for trait `id`: well-formed most of the time.
fn trait_value(u: &mut Unstructured<'_>, ctx: &Ctx, id: &str) -> Result<Value> {
    if rarely(u, 40)? {
        return any_json(u, 2);
    }
    Ok(match id {
        "length" => {
            let mut m = Map::new();
            if u.ratio(3, 4)? {
                m.insert("min".into(), bound(u)?);
            }
            if u.ratio(3, 4)? {
                m.insert("max".into(), bound(u)?);
            }
            Value::Object(m)
        }
        "range" => json!({"min": bound(u)?, "max": bound(u)?}),
        "pattern" => json!(if u.ratio(7, 8)? { pick(u, PATTERNS)?.to_string() } else { small_string(u)? }),
        "default" => any_json(u, 1)?,
        "http" => {
            let method = pick(u, &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "", "get", "X Y"])?;
            let mut m = Map::new();
            m.insert("method".into(), json!(method));
            m.insert("uri".into(), json!(uri(u)?));
            if u.ratio(1, 2)? {
                m.insert("code".into(), json!(u.choose(&[200, 201, 204, 206, 99, 600, 0, 1000])?));
            }
            Value::Object(m)
        }
        "httpHeader" => json!(pick(u, HEADER_NAMES)?),
        "httpPrefixHeaders" => json!(pick(u, &["X-Meta-", "", "x-amz-meta-", "Bad Prefix"])?),
        "httpQuery" => json!(pick(u, &["q", "", "a b", "filter", "x=y", "é"])?),
        "jsonName" => json!(if u.ratio(3, 4)? { pick(u, MEMBER_NAMES)?.to_string() } else { small_string(u)? }),
        "enumValue" => {
            if u.arbitrary()? {
                json!(small_string(u)?)
            } else {
                json!(u.int_in_range(-2i64..=5)?)
            }
        }
        "paginated" => paginated(u)?,
        "endpoint" => {
            let p = pick(u, &["{id}.", "data-", "{name}-{id}.", "{missing}.", "{", "a.b.", "{id}"])?;
            json!({"hostPrefix": p})
        }
        "documentation" => json!(pick(u, DOCS)?),
        "error" => json!(pick(u, &["client", "server", "other"])?),
        "httpError" => json!(u.choose(&[400, 404, 429, 500, 503, 200, 99, 600])?),
        "retryable" => {
            if u.arbitrary()? {
                json!({"throttling": true})
            } else {
                json!({})
            }
        }
        "timestampFormat" => json!(pick(u, &["date-time", "http-date", "epoch-seconds", "iso"])?),
        "deprecated" => {
            let mut m = Map::new();
            if u.arbitrary()? {
                m.insert("message".into(), json!(pick(u, DOCS)?));
            }
            if u.arbitrary()? {
                m.insert("since".into(), json!(small_string(u)?));
            }
            Value::Object(m)
        }
        "examples" => examples(u, ctx)?,
        "title" => json!(small_string(u)?),
        _ => json!({}),
    })
}

const MEMBER_TRAITS: &[&str] = &[
    "required", "length", "pattern", "range", "default", "jsonName", "httpLabel", "httpHeader", "httpQuery",
    "httpQueryParams", "httpPrefixHeaders", "httpPayload", "httpResponseCode", "idempotencyToken", "sensitive",
    "documentation", "timestampFormat", "clientOptional", "deprecated", "hostLabel", "enumValue", "uniqueItems",
];

const SHAPE_TRAITS: &[&str] = &[
    "length", "pattern", "range", "documentation", "sensitive", "error", "httpError", "retryable", "deprecated",
    "uniqueItems", "input", "output", "streaming", "timestampFormat", "default", "sparse", "eventStream",
];

const OPERATION_TRAITS: &[&str] = &[
    "http", "paginated", "endpoint", "idempotent", "readonly", "documentation", "deprecated", "examples",
];

fn traits(u: &mut Unstructured<'_>, ctx: &Ctx, vocabulary: &[&str], max: u32) -> Result<Value> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(0..=max)? {
        let id = pick(u, vocabulary)?;
        m.insert(format!("smithy.api#{id}"), trait_value(u, ctx, id)?);
    }
    Ok(Value::Object(m))
}

fn member(u: &mut Unstructured<'_>, ctx: &Ctx, target: Option<String>) -> Result<Value> {
    let target = match target {
        Some(t) => t,
        None => ctx.target(u)?,
    };
    Ok(json!({"target": target, "traits": traits(u, ctx, MEMBER_TRAITS, 3)?}))
}

fn members(u: &mut Unstructured<'_>, ctx: &Ctx, enum_like: bool, min: u32) -> Result<Value> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(min..=5)? {
        let name = pick(u, MEMBER_NAMES)?.to_string();
        let value = if enum_like {
            let mut t = Map::new();
            if u.ratio(3, 4)? {
                t.insert("smithy.api#enumValue".into(), trait_value(u, ctx, "enumValue")?);
            }
            if u.ratio(1, 4)? {
                t.insert("smithy.api#documentation".into(), json!(pick(u, DOCS)?));
            }
            json!({"target": "smithy.api#Unit", "traits": t})
        } else {
            member(u, ctx, None)?
        };
        m.insert(name, value);
    }
    Ok(Value::Object(m))
}

fn refs(u: &mut Unstructured<'_>, ctx: &Ctx, ty: &str, max: u32) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=max)? {
        if let Some(t) = ctx.target_of(u, ty)? {
            list.push(json!({"target": t}));
        }
    }
    Ok(Value::Array(list))
}

fn shape(u: &mut Unstructured<'_>, ctx: &Ctx, index: usize) -> Result<Value> {
    let ty = ctx.shapes[index].ty.as_str();
    let mut s = Map::new();
    s.insert("type".into(), json!(ty));
    match ty {
        "list" | "set" => {
            s.insert("member".into(), member(u, ctx, None)?);
        }
        "map" => {
            let key = if u.ratio(3, 4)? { Some("smithy.api#String".to_string()) } else { None };
            s.insert("key".into(), member(u, ctx, key)?);
            s.insert("value".into(), member(u, ctx, None)?);
        }
        "structure" | "union" => {
            let min = u32::from(ty == "union" && u.ratio(15, 16)?);
            s.insert("members".into(), members(u, ctx, false, min)?);
        }
        "enum" | "intEnum" => {
            let min = u32::from(u.ratio(15, 16)?);
            let mut ms = members(u, ctx, true, min)?;
            if ty == "intEnum" && u.ratio(7, 8)? {
                // intEnum members need distinct integer values.
                for (i, m) in ms.as_object_mut().into_iter().flat_map(|o| o.values_mut()).enumerate() {
                    m["traits"]["smithy.api#enumValue"] = json!(i);
                }
            }
            s.insert("members".into(), ms);
        }
        "operation" => {
            for field in ["input", "output"] {
                if u.ratio(4, 5)? {
                    let t = match ctx.target_of(u, "structure")? {
                        Some(t) if u.ratio(7, 8)? => t,
                        _ => ctx.target(u)?,
                    };
                    s.insert(field.into(), json!({"target": t}));
                }
            }
            s.insert("errors".into(), refs(u, ctx, "structure", 2)?);
            let mut t = traits(u, ctx, OPERATION_TRAITS, 4)?;
            if u.ratio(1, 3)? {
                t["smithy.waiters#waitable"] = waitable(u)?;
            }
            s.insert("traits".into(), t);
            return Ok(Value::Object(s));
        }
        "resource" => {
            if u.arbitrary()? {
                let t = ctx.target(u)?;
                s.insert("identifiers".into(), json!({ pick(u, MEMBER_NAMES)?: {"target": t} }));
            }
            for field in ["create", "read", "update", "delete", "list", "put"] {
                if u.ratio(1, 4)? {
                    if let Some(op) = ctx.target_of(u, "operation")? {
                        s.insert(field.into(), json!({"target": op}));
                    }
                }
            }
            s.insert("operations".into(), refs(u, ctx, "operation", 2)?);
            s.insert("resources".into(), refs(u, ctx, "resource", 1)?);
            return Ok(Value::Object(s));
        }
        _ => {}
    }
    if u.ratio(1, 2)? {
        if let Some(m) = ctx.mixin_before(u, index, ty)? {
            s.insert("mixins".into(), json!([{"target": m}]));
        }
    }
    let mut t = traits(u, ctx, SHAPE_TRAITS, 3)?;
    if ctx.shapes[index].mixin {
        t["smithy.api#mixin"] = json!({});
    }
    s.insert("traits".into(), t);
    Ok(Value::Object(s))
}

fn service(u: &mut Unstructured<'_>, ctx: &Ctx) -> Result<Value> {
    let mut t = Map::new();
    let protocol = pick(u, &["awsJson1_1", "restJson1", "awsJson1_0", "restJson1", "restXml"])?;
    t.insert(format!("aws.protocols#{protocol}"), json!({}));
    if rarely(u, 10)? {
        t.insert("aws.protocols#awsJson1_1".into(), json!({}));
    }
    let sdk_id = pick(u, &["Fuzz", "Fuzz Service", "", "1x", "self", "Runtime", "Types", "Fuzz-Svc", "é"])?;
    t.insert("aws.api#service".into(), json!({"sdkId": sdk_id, "endpointPrefix": "fuzz"}));
    if u.ratio(7, 8)? {
        t.insert("aws.auth#sigv4".into(), json!({"name": "fuzz"}));
    }
    if u.ratio(1, 4)? {
        t.insert("smithy.api#paginated".into(), paginated(u)?);
    }
    if u.ratio(1, 4)? {
        t.insert("smithy.api#documentation".into(), json!(pick(u, DOCS)?));
    }
    if rarely(u, 8)? {
        t.insert("smithy.rules#endpointRuleSet".into(), any_json(u, 2)?);
    }
    let mut s = Map::new();
    s.insert("type".into(), json!("service"));
    s.insert("version".into(), json!("2024-01-01"));
    let mut ops = refs(u, ctx, "operation", 6)?;
    if u.ratio(7, 8)? {
        // Usually every operation, so that most shapes are reachable.
        let all: Vec<Value> =
            ctx.shapes.iter().filter(|s| s.ty == "operation").map(|s| json!({"target": s.id})).collect();
        ops = Value::Array(all);
    }
    s.insert("operations".into(), ops);
    s.insert("resources".into(), refs(u, ctx, "resource", 2)?);
    s.insert("errors".into(), refs(u, ctx, "structure", 1)?);
    if rarely(u, 8)? {
        let from = ctx.target(u)?;
        s.insert("rename".into(), json!({ from: pick(u, SHAPE_NAMES)? }));
    }
    s.insert("traits".into(), Value::Object(t));
    Ok(Value::Object(s))
}

fn model(u: &mut Unstructured<'_>) -> Result<Value> {
    // Names and types first, so members can target any shape.
    let mut ctx = Ctx { shapes: Vec::new() };
    let n = u.int_in_range(1..=14)?;
    for i in 0..n {
        let name = pick(u, SHAPE_NAMES)?;
        let ty = match u.int_in_range(0..=11)? {
            0 | 1 => pick(u, SIMPLE_TYPES)?,
            2 => pick(u, &["list", "set"])?,
            3 => "map",
            4..=6 => "structure",
            7 => "union",
            8 => pick(u, &["enum", "intEnum"])?,
            9 | 10 => "operation",
            _ => "resource",
        };
        let mut id = if u.ratio(1, 2)? { format!("{NS}#{name}") } else { format!("{NS}#{name}{i}") };
        if ctx.shapes.iter().any(|s| s.id == id) {
            id = format!("{NS}#{name}{i}");
        }
        let mixin = matches!(ty, "structure" | "string" | "list") && rarely(u, 6)?;
        ctx.shapes.push(ShapeInfo { id, ty: ty.to_string(), mixin });
    }
    let mut shapes = Map::new();
    for index in 0..ctx.shapes.len() {
        shapes.insert(ctx.shapes[index].id.clone(), shape(u, &ctx, index)?);
    }
    if rarely(u, 64)? {
        // Not a shape id.
        shapes.insert(format!("{NS}#9Lives"), json!({"type": "string"}));
    }
    shapes.insert(format!("{NS}#Service"), service(u, &ctx)?);
    if rarely(u, 6)? {
        let target = ctx.target(u)?;
        let target = if u.arbitrary()? { format!("{target}${}", pick(u, MEMBER_NAMES)?) } else { target };
        shapes.insert(target, json!({"type": "apply", "traits": traits(u, &ctx, MEMBER_TRAITS, 2)?}));
    }
    Ok(json!({"smithy": "2.0", "shapes": shapes}))
}

/// `SMITHY_FUZZ_VERBOSE=1`: print each outcome, to see how deep inputs get
/// (run the binary on the corpus with `-runs=0`).
fn verbose() -> bool {
    static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("SMITHY_FUZZ_VERBOSE").is_some_and(|v| !v.is_empty()))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(model) = model(&mut u) else { return };
    let text = serde_json::to_string_pretty(&model).expect("a JSON value serializes");
    let files = match codegen::generate_from_sources(&[("fuzz.json".into(), text.clone())], "fuzz-crate") {
        Ok(files) => files,
        Err(codegen::Error::Model(d)) => {
            if verbose() {
                for line in d.to_string().lines().skip(1) {
                    eprintln!("model error: {line}");
                }
            }
            return;
        }
        Err(codegen::Error::Render(e)) => panic!("the generator emitted code that does not parse: {e}\nmodel:\n{text}"),
    };
    if verbose() {
        eprintln!("generated {} files", files.len());
    }
    let mut paths = std::collections::BTreeSet::new();
    for f in &files {
        assert!(paths.insert(&f.path), "two generated files are {}\nmodel:\n{text}", f.path);
        if f.path == "Cargo.toml" {
            if let Err(e) = toml::from_str::<toml::Table>(&f.contents) {
                panic!("the generated Cargo.toml is not valid TOML: {e}\nmodel:\n{text}");
            }
        }
    }
});
