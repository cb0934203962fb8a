//! `@examples` on operations: carried into the IR for the client's
//! documentation, and, for examples without an error, turned into a test
//! that the example input parses and validates.
//!
//! Examples are Smithy node values, which differ from what the generated
//! serde code reads in two places: a blob is its text (the types read
//! base64), and a timestamp may be a date-time string where the types read
//! epoch seconds. The test input is converted accordingly, walking the
//! value alongside the IR types.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::docs;
use crate::ir::{ExampleErrorIr, ExampleIr, ExampleTestIr, RType, ServiceIr, TypeIr};
use crate::ir::TimestampFormat;
use crate::model::{Example, Model};

/// Fill `OperationIr::examples` from each operation's `@examples`.
pub fn resolve(model: &Model, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let mut all = Vec::new();
    for op in &ir.operations {
        let Some(shape) = model.get(&op.shape_id) else {
            all.push(Vec::new());
            continue;
        };
        let mut examples = Vec::new();
        for (i, ex) in shape.traits.examples.iter().enumerate() {
            let error = match &ex.error {
                None => None,
                Some(e) => {
                    let name = ir.types.iter().find_map(|t| match t {
                        TypeIr::Struct(s) if s.shape_id == e.shape_id && s.error.is_some() && op.errors.contains(&s.name) => {
                            Some(s.name.clone())
                        }
                        _ => None,
                    });
                    let Some(name) = name else {
                        diags.push(Diagnostic::shape(
                            shape.file.clone(),
                            &shape.id,
                            format!(
                                "trait `smithy.api#examples`: example {i} (\"{}\"): `error.shapeId` `{}` is not an error of the operation (its `errors` or the service's); add it to the operation's `errors` or fix the example",
                                ex.title, e.shape_id
                            ),
                        ));
                        continue;
                    };
                    Some(ExampleErrorIr { name, content: pretty(&e.content) })
                }
            };
            examples.push(ExampleIr {
                title: ex.title.clone(),
                docs: ex.documentation.as_deref().map(docs::html_to_markdown).filter(|d| !d.trim().is_empty()),
                input: ex.input.as_ref().map(pretty),
                output: ex.output.as_ref().map(pretty),
                error,
                test: test(ir, &op.input, &op.output, ex),
            });
        }
        all.push(examples);
    }
    for (op, examples) in ir.operations.iter_mut().zip(all) {
        op.examples = examples;
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// The test of an example with an input and no error.
fn test(ir: &ServiceIr, input_type: &str, output_type: &str, ex: &Example) -> Option<ExampleTestIr> {
    if ex.error.is_some() {
        return None;
    }
    let input = ex.input.as_ref()?;
    let serde_form = |v: &Value, ty: &str| to_serde(ir, &RType::Named(ty.to_string()), None, v, 0).to_string();
    Some(ExampleTestIr {
        input: serde_form(input, input_type),
        output: ex.output.as_ref().map(|o| serde_form(o, output_type)),
        validate: !ex.allow_constraint_errors,
    })
}

/// How deep a node value is followed; deeper parts are left as written.
const MAX_DEPTH: usize = 64;

/// `v`, a node value of type `ty`, in the form the generated serde code reads.
/// Anything that does not fit the type is left as written, for the test to report.
pub(super) fn to_serde(ir: &ServiceIr, ty: &RType, format: Option<TimestampFormat>, v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return v.clone();
    }
    match (ty, v) {
        (RType::Blob, Value::String(s)) => Value::String(base64(s.as_bytes())),
        (RType::Timestamp, Value::String(s)) if matches!(format, None | Some(TimestampFormat::EpochSeconds)) => {
            epoch_seconds(s).unwrap_or_else(|| v.clone())
        }
        // A timestamp given as epoch seconds, read by a member whose format is
        // a date-time or HTTP date string.
        (RType::Timestamp, Value::Number(n)) if matches!(format, Some(TimestampFormat::DateTime | TimestampFormat::HttpDate)) => {
            let ts = n.as_f64().and_then(smithy_gen_runtime::types::timestamp::Timestamp::from_epoch_seconds_f64);
            let text = ts.and_then(|t| match format {
                Some(TimestampFormat::HttpDate) => t.try_fmt_http_date().ok(),
                _ => t.try_fmt_date_time().ok(),
            });
            text.map_or_else(|| v.clone(), Value::String)
        }
        (RType::Sparse(inner), v) if !v.is_null() => to_serde(ir, inner, format, v, depth + 1),
        (RType::List(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| to_serde(ir, inner, None, i, depth + 1)).collect())
        }
        (RType::Map(_, value), Value::Object(entries)) => Value::Object(
            entries.iter().map(|(k, e)| (k.clone(), to_serde(ir, value, None, e, depth + 1))).collect(),
        ),
        (RType::Named(name), Value::Object(entries)) => {
            let Some(t) = ir.types.iter().find(|t| t.name() == name) else { return v.clone() };
            let mut out = Map::new();
            for (k, e) in entries {
                let converted = match t {
                    TypeIr::Struct(s) => s
                        .members
                        .iter()
                        .find(|m| &m.name == k || &m.json_name == k)
                        .map(|m| to_serde(ir, &m.ty, m.timestamp_format, e, depth + 1)),
                    TypeIr::Union(u) => u
                        .variants
                        .iter()
                        .find(|m| &m.name == k || &m.json_name == k)
                        .and_then(|m| m.ty.as_ref())
                        .map(|t| to_serde(ir, t, None, e, depth + 1)),
                    TypeIr::Enum(_) => None,
                };
                out.insert(k.clone(), converted.unwrap_or_else(|| e.clone()));
            }
            Value::Object(out)
        }
        _ => v.clone(),
    }
}

/// Standard, padded base64 (RFC 4648 section 4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An RFC 3339 date-time (`2024-01-02T03:04:05.5Z`, `...+01:00`) as epoch
/// seconds: an integer, or a float when there is a fraction.
fn epoch_seconds(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut fraction = None;
    if let Some(f) = rest.strip_prefix('.') {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = Some(format!("0.{}", &f[..digits]).parse::<f64>().ok()?);
        rest = &f[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let o = rest.get(1..)?;
            if o.len() != 5 || o.as_bytes()[2] != b':' {
                return None;
            }
            let (h, m) = (o[..2].parse::<i64>().ok()?, o[3..].parse::<i64>().ok()?);
            sign * (h * 3600 + m * 60)
        }
    };
    // Days from 1970-01-01 in the proleptic Gregorian calendar.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(match fraction {
        None => Value::from(secs),
        Some(f) => Value::from(secs as f64 + f),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn date_times_become_epoch_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(Value::from(0)));
        assert_eq!(epoch_seconds("2024-02-29T12:30:15Z"), Some(Value::from(1_709_209_815)));
        assert_eq!(epoch_seconds("2024-02-29T13:30:15+01:00"), Some(Value::from(1_709_209_815)));
        assert_eq!(epoch_seconds("1969-12-31T23:59:59.5Z"), Some(Value::from(-0.5)));
        assert_eq!(epoch_seconds("2024-02-29"), None);
        assert_eq!(epoch_seconds("2024-13-01T00:00:00Z"), None);
        assert_eq!(epoch_seconds("2024-01-01T00:00:00"), None);
    }
}
