//! restJson1 pieces the generated serializers and parsers call: URI labels,
//! the JSON body without HTTP-bound members, header and query values.


use crate::error::{Failure, ParseError, ValidationError};
use crate::protocols::structs::JsonFields;
use crate::request::{encode_into, RawResponse};
use crate::types::timestamp::{Format, Timestamp};
use crate::types::validate::{Violation, ViolationKind};

fn violation(type_name: &'static str, member: &'static str, kind: ViolationKind) -> Failure {
    Failure::Validation(ValidationError {
        type_name,
        violations: vec![Violation { path: member.to_string(), on_map_key: false, kind }],
    })
}

/// A label member's value; a missing one is a violation of `@required`
/// (reported even when validation is off: the URI cannot be built).
pub fn required_label<'v, T>(value: &'v Option<T>, member: &'static str, type_name: &'static str) -> Result<&'v T, Failure> {
    value.as_ref().ok_or_else(|| violation(type_name, member, ViolationKind::Required))
}

/// Append a label's value to `path`, percent-encoded: `/` becomes `%2F`
/// except in greedy labels, where each segment is encoded and `/` stays.
/// A value (or, in a greedy label, a segment) that is `.` or `..` is refused:
/// `.` is unreserved, so it would reach the server as a dot segment and move
/// the request to another path.
pub fn label(path: &mut String, value: &str, member: &'static str, type_name: &'static str, greedy: bool) -> Result<(), Failure> {
    if value.is_empty() {
        return Err(violation(type_name, member, ViolationKind::EmptyLabel));
    }
    let dot = |s: &str| s == "." || s == "..";
    if (greedy && value.split('/').any(dot)) || (!greedy && dot(value)) {
        return Err(violation(type_name, member, ViolationKind::DotSegmentLabel));
    }
    encode_into(path, value, !greedy);
    Ok(())
}

/// A greedy label whose `.` and `..` segments are kept: S3 object keys, which
/// S3 reads literally (`../key.txt` is a key; S3 is signed and sent without
/// normalizing the path, so the segments reach it as written).
pub fn label_keeping_dots(path: &mut String, value: &str, member: &'static str, type_name: &'static str) -> Result<(), Failure> {
    if value.is_empty() {
        return Err(violation(type_name, member, ViolationKind::EmptyLabel));
    }
    encode_into(path, value, false);
    Ok(())
}

/// The input as a JSON object without its HTTP-bound members (given by their
/// JSON names); `{}` when no body member is set. Written in one pass.
pub fn json_body<T: JsonFields>(input: &T, bound: &[&str]) -> Result<Vec<u8>, Failure> {
    use serde::ser::{SerializeMap, Serializer};
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::new(&mut out);
    let write = |ser: &mut serde_json::Serializer<&mut Vec<u8>>| {
        let mut map = ser.serialize_map(None)?;
        input.serialize_fields(&mut map, bound)?;
        map.end()
    };
    write(&mut ser).map_err(|e| serialize_failure(&e))?;
    Ok(out)
}

fn serialize_failure(e: &serde_json::Error) -> Failure {
    use crate::error::{TransportError, TransportErrorKind};
    Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot serialize the input: {e}")))
}

/// A timestamp as header, label or query text in `format`. A year the
/// format cannot express (outside 0000-9999 for date-time and http-date) is
/// a violation of the input's `member`, reported even when validation is
/// off, since no valid request can carry it. The violation quotes the
/// timestamp unless the member is `sensitive`.
pub fn timestamp_text(ts: &Timestamp, format: Format, member: &'static str, type_name: &'static str, sensitive: bool) -> Result<String, Failure> {
    let text = match format {
        Format::DateTime => ts.try_fmt_date_time(),
        Format::HttpDate => ts.try_fmt_http_date(),
        Format::EpochSeconds => Ok(ts.fmt_epoch_seconds()),
    };
    text.map_err(|_| {
        let format = if format == Format::HttpDate { "http-date" } else { "date-time" };
        let actual = if sensitive { "(value withheld: sensitive)".to_string() } else { ts.fmt_date_time() };
        violation(type_name, member, ViolationKind::TimestampYear { actual, format })
    })
}

/// A header's value (or, with `on_name`, a prefixed header's name) as is,
/// when HTTP can carry it: a CR, LF or other control character (tab aside)
/// in a value, or anything but a token character in a name, would end the
/// header early or smuggle another one, so it is a violation of the member
/// at `path`, reported even when validation is off.
pub fn header_text(value: String, path: impl FnOnce() -> String, on_name: bool, type_name: &'static str) -> Result<String, Failure> {
    let fits = if on_name {
        // A header name is an RFC 9110 token.
        !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    } else {
        value.bytes().all(|b| (b >= 0x20 && b != 0x7f) || b == b'\t')
    };
    if fits {
        return Ok(value);
    }
    Err(Failure::Validation(ValidationError {
        type_name,
        violations: vec![Violation { path: path(), on_map_key: on_name, kind: ViolationKind::HeaderValue }],
    }))
}

/// A float as Smithy writes it in headers and query strings.
pub fn fmt_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        v.to_string()
    }
}

/// A `float` (f32) as Smithy writes it: its own shortest decimal form
/// (`1.1`, not the `1.100000023841858` of the f64 it widens to).
pub fn fmt_float32(v: f32) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        fmt_float(f64::from(v))
    }
}

/// A list in one header: values joined by `, `; a value holding a comma or a
/// double quote is quoted, with `"` and `\` escaped. Timestamps in http-date
/// form are never quoted, as the specification requires.
pub fn join_header_list(values: &[String], timestamps: bool) -> String {
    let quoted = values.iter().map(|v| {
        if !timestamps && (v.contains(',') || v.contains('"') || v.trim() != v) {
            format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            v.clone()
        }
    });
    quoted.collect::<Vec<_>>().join(", ")
}

/// Split a list header into its values (the reverse of [`join_header_list`]).
/// Empty items are dropped (RFC 9110, section 5.6.1: `a, , b` and `a,` are
/// lists of two and one); a quoted empty string (`""`) is an item.
pub fn split_header_list(value: &str, timestamps: bool) -> Vec<String> {
    if timestamps {
        // "Mon, 16 Dec 2019 23:48:18 GMT, Tue, ..." : every second comma
        // ends a value; empty items are dropped before pairing.
        let parts: Vec<&str> = value.split(',').filter(|p| !p.trim().is_empty()).collect();
        return parts.chunks(2).map(|c| c.join(",").trim().to_string()).collect();
    }
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut item = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => item.extend(chars.next()),
                    '"' => break,
                    c => item.push(c),
                }
            }
            while chars.peek().is_some_and(|c| *c != ',') {
                chars.next();
            }
        } else {
            while let Some(c) = chars.peek().copied().filter(|c| *c != ',') {
                item.push(c);
                chars.next();
            }
            item = item.trim().to_string();
        }
        if quoted || !item.is_empty() {
            out.push(item);
        }
        if chars.next().is_none() {
            break;
        }
    }
    out
}

/// A member bound to a response header, as [`header`] and [`header_list`]
/// read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderMember {
    /// The header's name.
    pub name: &'static str,
    /// The member's field name, which errors name.
    pub member: &'static str,
    /// The member or its target is `@sensitive`: errors never show the value.
    pub sensitive: bool,
}

/// How many characters of a header's value (and of the reason it does not
/// parse) an error quotes: a hostile response cannot make a huge error.
const MAX_QUOTED: usize = 64;

/// At most `max` characters of `text`, with `…` when cut.
fn capped(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The parse error of `h`'s header whose `text` does not parse (`why`): it
/// names the header and the member, and quotes the text (capped) unless the
/// member is sensitive.
fn header_failure(response: &RawResponse, h: HeaderMember, text: &str, why: &str) -> Failure {
    let member = h.member.trim_start_matches("r#");
    let detail = if h.sensitive {
        "value withheld: sensitive".to_string()
    } else {
        format!("{:?}: {}", capped(text, MAX_QUOTED), capped(why, 2 * MAX_QUOTED))
    };
    Failure::Parse(Box::new(ParseError::new(response, format!("header `{}` (member `{member}`): {detail}", h.name))))
}

/// A single-value header-bound member parsed with `parse`, or `None` when
/// absent. A value that does not parse is a parse error naming the header
/// and the member; it quotes the value (its first 64 characters) unless the
/// member is sensitive.
///
/// HTTP does not let a server send a single value on several field lines.
/// Empty lines are ignored (RFC 9110, section 5.6.1: empty list elements
/// are); the other lines, trimmed, that agree are read as the one value;
/// lines that disagree are combined with `, ` as HTTP combines them, as
/// botocore reads them, so a string member gets every line's text (`a, b`)
/// and a number, boolean, timestamp or blob fails to parse (`"1, 2": not a
/// valid number`) rather than take one line and drop what the others say.
/// A header whose every line is empty is read as the empty text.
pub fn header<T>(
    response: &RawResponse,
    h: HeaderMember,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, Failure> {
    if response.header(h.name).is_none() {
        return Ok(None);
    }
    let lines: Vec<&str> = response.header_values(h.name).map(str::trim).filter(|v| !v.is_empty()).collect();
    let text = match lines.split_first() {
        None => std::borrow::Cow::Borrowed(""),
        Some((first, rest)) if rest.iter().all(|v| v == first) => std::borrow::Cow::Borrowed(*first),
        Some(_) => std::borrow::Cow::Owned(lines.join(", ")),
    };
    parse(&text).map(Some).map_err(|why| header_failure(response, h, &text, &why))
}

/// A list member bound to a header, its items parsed with `item`, or `None`
/// when absent. Every field line of the name is read, in order, each split
/// on its own ([`split_header_list`]; `timestamps`: http-dates, whose own
/// commas are not separators) and the items concatenated: `X-Foo: a` and
/// `X-Foo: "b,c", d` read as `[a, b,c, d]`. Splitting each line alone
/// keeps a quote or a trailing `\` on one line from running into the next,
/// and a malformed date from shifting the pairing of later lines' commas.
/// Empty lines and empty unquoted items are ignored (RFC 9110, section
/// 5.6.1), so a header whose every line is empty is an empty list. An item that does not parse is a
/// parse error naming the header and the member, quoting the item (its
/// first 64 characters) unless the member is sensitive.
pub fn header_list<T>(
    response: &RawResponse,
    h: HeaderMember,
    timestamps: bool,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<Vec<T>>, Failure> {
    if response.header(h.name).is_none() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for line in response.header_values(h.name).filter(|v| !v.trim().is_empty()) {
        for text in split_header_list(line, timestamps) {
            out.push(item(&text).map_err(|why| header_failure(response, h, &text, &why))?);
        }
    }
    Ok(Some(out))
}

/// A header's text as a number (the header's error quotes the value).
pub fn parse_number<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.parse().map_err(|_| "not a valid number".to_string())
}

pub fn parse_float(v: &str) -> Result<f64, String> {
    match v {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => parse_number(v),
    }
}

/// A string header's value, as it is (every generated string header reads
/// through this one function).
pub fn parse_string(v: &str) -> Result<String, String> {
    Ok(v.to_string())
}

pub fn parse_bool(v: &str) -> Result<bool, String> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("not true or false".to_string()),
    }
}

pub fn parse_timestamp(v: &str, format: &str) -> Result<Timestamp, String> {
    let parsed = match format {
        "date-time" => Timestamp::parse_date_time(v),
        "epoch-seconds" => Timestamp::parse_epoch_seconds(v),
        _ => Timestamp::parse_http_date(v),
    };
    parsed.map_err(|e| e.to_string())
}

/// Headers starting with `prefix` (case-insensitive), keyed by the rest of
/// their name: an empty map when there are none.
pub fn prefix_headers(response: &RawResponse, prefix: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let map: std::collections::BTreeMap<String, String> = response
        .headers
        .iter()
        // `get`: a header name from a user's transport need not be ASCII, and
        // the prefix's length may fall inside one of its characters.
        .filter_map(|(k, v)| {
            let head = k.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix).then(|| (k[prefix.len()..].to_string(), v.clone()))
        })
        .collect();
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_encode_slashes_unless_greedy() {
        let mut p = String::from("/x/");
        label(&mut p, "a/b c", "M", "T", false).unwrap();
        assert_eq!(p, "/x/a%2Fb%20c");
        let mut g = String::from("/x/");
        label(&mut g, "a/b c", "M", "T", true).unwrap();
        assert_eq!(g, "/x/a/b%20c");
        assert!(matches!(label(&mut g, "", "M", "T", false), Err(Failure::Validation(_))));
    }

    #[test]
    fn header_lists_round_trip() {
        let values = vec!["a".to_string(), "b,c".to_string(), "say \"hi\"".to_string()];
        let joined = join_header_list(&values, false);
        assert_eq!(joined, r#"a, "b,c", "say \"hi\"""#);
        assert_eq!(split_header_list(&joined, false), values);
        let dates = "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT";
        assert_eq!(split_header_list(dates, true), vec!["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]);
    }

    #[test]
    fn empty_unquoted_list_items_are_dropped_quoted_ones_kept() {
        assert_eq!(split_header_list("a,", false), vec!["a"]);
        assert_eq!(split_header_list(" , a, ,b ,", false), vec!["a", "b"]);
        assert_eq!(split_header_list("a, \"\", b", false), vec!["a", "", "b"]);
        assert_eq!(split_header_list("", false), Vec::<String>::new());
        let dates = ", Mon, 16 Dec 2019 23:48:18 GMT, , Tue, 17 Dec 2019 23:48:18 GMT,";
        assert_eq!(split_header_list(dates, true), vec!["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]);
    }

    #[derive(Default)]
    struct In {
        detector_id: Option<String>,
        destination_type: Option<String>,
        tags: Option<std::collections::BTreeMap<String, String>>,
    }
    crate::protocols::structs::json_struct!(In { detector_id: "DetectorId", destination_type: "destinationType", tags: "tags" });

    #[test]
    fn timestamps_outside_the_formats_years_are_violations_of_their_member() {
        let late = Timestamp::parse_epoch_seconds("253402300800").expect("year 10000");
        let early = Timestamp::parse_epoch_seconds("-62167219201").expect("year -1");
        for ts in [late, early] {
            for format in [Format::DateTime, Format::HttpDate] {
                let Err(Failure::Validation(e)) = timestamp_text(&ts, format, "asOf", "GetInput", false) else { panic!("{ts:?} {format:?}") };
                assert_eq!((e.type_name, e.violations[0].path.as_str()), ("GetInput", "asOf"));
                assert!(e.to_string().contains("its year is outside 0000-9999"), "{e}");
            }
            // A sensitive member's violation names it, not its value.
            let Err(Failure::Validation(e)) = timestamp_text(&ts, Format::DateTime, "pinDate", "GetInput", true) else { panic!("{ts:?}") };
            assert_eq!(e.violations[0].path, "pinDate");
            assert!(!e.to_string().contains(&ts.fmt_date_time()), "{e}");
            // Epoch seconds can say any year.
            assert!(timestamp_text(&ts, Format::EpochSeconds, "asOf", "GetInput", false).is_ok());
        }
        let last = Timestamp::parse_epoch_seconds("253402300799").expect("year 9999");
        assert_eq!(timestamp_text(&last, Format::DateTime, "asOf", "GetInput", false).ok().as_deref(), Some("9999-12-31T23:59:59Z"));
        // In a JSON body the serializer refuses it too.
        let err = serde_json::to_string(&crate::types::timestamp::Formatted(&Some(late), Format::DateTime)).unwrap_err();
        assert!(err.to_string().contains("outside 0000-9999"), "{err}");
    }

    #[test]
    fn header_values_http_cannot_carry_are_violations() {
        assert_eq!(header_text("a\tb é".into(), || "h".into(), false, "In").ok().as_deref(), Some("a\tb é"));
        for bad in ["a\r\nx-evil: 1", "a\nb", "\u{0}", "\u{7f}"] {
            let Err(Failure::Validation(e)) = header_text(bad.into(), || "metadata[\"k\"]".into(), false, "In") else { panic!("{bad:?}") };
            assert_eq!(e.violations[0].path, "metadata[\"k\"]");
            assert!(e.to_string().contains("CR, LF"), "{e}");
        }
        assert!(header_text(String::new(), || "m".into(), true, "In").is_err(), "an empty header name");
        assert!(header_text("X-Meta-a b".into(), || "m".into(), true, "In").is_err(), "a space in a header name");
        assert!(header_text("X-Meta-a_b.c".into(), || "m".into(), true, "In").is_ok());
    }

    fn response(headers: &[(&str, &str)]) -> RawResponse {
        RawResponse::new(200, headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), &b""[..])
    }

    /// The `Display` of the parse error `result` holds.
    fn parse_error<T: std::fmt::Debug>(result: Result<T, Failure>) -> String {
        match result {
            Err(Failure::Parse(e)) => e.to_string(),
            other => panic!("not a parse error: {other:?}"),
        }
    }

    fn member(name: &'static str, member: &'static str, sensitive: bool) -> HeaderMember {
        HeaderMember { name, member, sensitive }
    }

    #[test]
    fn a_sensitive_headers_bad_value_is_named_but_not_shown() {
        let r = response(&[("x-pin", "12ab-secret-canary")]);
        let text = parse_error(header(&r, member("x-pin", "pin_code", true), parse_number::<i64>));
        assert!(text.contains("header `x-pin` (member `pin_code`): value withheld: sensitive"), "{text}");
        assert!(!text.contains("secret-canary") && !text.contains("12ab"), "{text}");
        // A raw identifier's field is named without its `r#`.
        let r = response(&[("x-type", "nope")]);
        let e = parse_error(header(&r, member("x-type", "r#type", true), parse_bool));
        assert!(e.contains("(member `type`)"), "{e}");
    }

    #[test]
    fn a_plain_headers_bad_value_is_quoted_up_to_64_characters() {
        let r = response(&[("x-count", "abc")]);
        let e = parse_error(header(&r, member("x-count", "count", false), parse_number::<i32>));
        assert!(e.contains(r#"header `x-count` (member `count`): "abc": not a valid number"#), "{e}");
        let long = "9".repeat(63) + "x" + &"y".repeat(1000);
        let r = response(&[("x-count", &long)]);
        let text = parse_error(header(&r, member("x-count", "count", false), parse_number::<i32>));
        assert!(text.contains(&format!("\"{}x…\"", "9".repeat(63))), "{text}");
        assert!(!text.contains("xy"), "nothing past 64 characters: {text}");
        // A reason that echoes the value (timestamps do) is capped too.
        let r = response(&[("x-at", &"z".repeat(1000))]);
        let e = parse_error(header(&r, member("x-at", "at", false), |v| parse_timestamp(v, "http-date")));
        assert!(e.len() < 600, "{e}");
    }

    #[test]
    fn a_list_header_reads_every_field_line() {
        let tags = member("x-tags", "tags", false);
        let r = response(&[("x-tags", "a"), ("x-other", "q"), ("X-Tags", "\"b,c\", d")]);
        assert_eq!(header_list(&r, tags, false, parse_string).expect("parses"), Some(vec!["a".to_string(), "b,c".to_string(), "d".to_string()]));
        let dates = member("x-dates", "dates", false);
        let date = |v: &str| parse_timestamp(v, "http-date");
        let r = response(&[("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT"), ("x-dates", "Tue, 17 Dec 2019 23:48:18 GMT")]);
        assert_eq!(header_list(&r, dates, true, date).expect("parses").map(|d| d.len()), Some(2));
        assert_eq!(header_list(&response(&[]), tags, false, parse_string).expect("absent"), None);
    }

    #[test]
    fn a_list_headers_empty_lines_are_ignored() {
        let dates = member("x-dates", "dates", false);
        let date = |v: &str| parse_timestamp(v, "http-date");
        let r = response(&[("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT"), ("x-dates", "")]);
        assert_eq!(header_list(&r, dates, true, date).expect("an empty line is no item").map(|d| d.len()), Some(1));
        let r = response(&[("x-tags", "a"), ("x-tags", "  ")]);
        assert_eq!(header_list(&r, member("x-tags", "tags", false), false, parse_string).expect("parses"), Some(vec!["a".to_string()]));
        let r = response(&[("x-nums", ""), ("x-nums", "7"), ("x-nums", "")]);
        assert_eq!(header_list(&r, member("x-nums", "nums", false), false, parse_number::<i32>).expect("parses"), Some(vec![7]));
        // Only empty lines: an empty list, not an empty item.
        let r = response(&[("x-tags", "")]);
        assert_eq!(header_list(&r, member("x-tags", "tags", false), false, parse_string).expect("parses"), Some(vec![]));
    }

    #[test]
    fn a_list_headers_lines_are_split_each_on_its_own() {
        let tags = member("x-tags", "tags", false);
        // An unclosed quote or a trailing backslash stays on its line.
        let r = response(&[("x-tags", "\"a, b"), ("x-tags", "c")]);
        assert_eq!(header_list(&r, tags, false, parse_string).expect("parses"), Some(vec!["a, b".to_string(), "c".to_string()]));
        let r = response(&[("x-tags", "\"a\\"), ("x-tags", "c, d")]);
        assert_eq!(header_list(&r, tags, false, parse_string).expect("parses"), Some(vec!["a".to_string(), "c".to_string(), "d".to_string()]));
        // A malformed date does not shift the comma pairing of later lines:
        // the error quotes the bad item alone.
        let dates = member("x-dates", "dates", false);
        let date = |v: &str| parse_timestamp(v, "http-date");
        let r = response(&[("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT"), ("x-dates", "soon"), ("x-dates", "Tue, 17 Dec 2019 23:48:18 GMT")]);
        let e = parse_error(header_list(&r, dates, true, date));
        assert!(e.contains("header `x-dates` (member `dates`): \"soon\""), "{e}");
        let r = response(&[("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"), ("x-dates", "Wed, 18 Dec 2019 23:48:18 GMT")]);
        assert_eq!(header_list(&r, dates, true, date).expect("parses").map(|d| d.len()), Some(3));
        // A sensitive list's bad item is not shown.
        let r = response(&[("x-pins", "1, 2x-canary")]);
        let e = parse_error(header_list(&r, member("x-pins", "pins", true), false, parse_number::<i32>));
        assert!(e.contains("header `x-pins` (member `pins`): value withheld: sensitive") && !e.contains("canary"), "{e}");
    }

    #[test]
    fn a_single_value_header_repeated_reads_as_botocore_reads_it() {
        let count = member("x-count", "count", false);
        let r = response(&[("x-count", "7"), ("X-Count", " 7 ")]);
        assert_eq!(header(&r, count, parse_number::<i32>).expect("agreeing lines"), Some(7));
        // Disagreeing lines are combined: a number fails on the whole text.
        let r = response(&[("x-count", "7"), ("x-count", "8")]);
        let e = parse_error(header(&r, count, parse_number::<i32>));
        assert!(e.contains("header `x-count` (member `count`): \"7, 8\": not a valid number"), "{e}");
        // A string keeps every line's text, not only the first.
        let r = response(&[("x-name", "a"), ("x-name", "b")]);
        assert_eq!(header(&r, member("x-name", "name", false), parse_string).expect("a string"), Some("a, b".to_string()));
    }

    #[test]
    fn a_single_value_headers_empty_lines_are_ignored() {
        let count = member("x-count", "count", false);
        let r = response(&[("x-count", "7"), ("x-count", "")]);
        assert_eq!(header(&r, count, parse_number::<i32>).expect("an empty line agrees"), Some(7));
        let r = response(&[("x-count", " "), ("x-count", "7"), ("x-count", "7")]);
        assert_eq!(header(&r, count, parse_number::<i32>).expect("parses"), Some(7));
        let r = response(&[("x-at", "Mon, 16 Dec 2019 23:48:18 GMT"), ("x-at", "")]);
        assert!(header(&r, member("x-at", "at", false), |v| parse_timestamp(v, "http-date")).expect("parses").is_some());
        let r = response(&[("x-name", "a"), ("x-name", ""), ("x-name", "b")]);
        assert_eq!(header(&r, member("x-name", "name", false), parse_string).expect("a string"), Some("a, b".to_string()));
        // Only empty lines: the empty text.
        let r = response(&[("x-name", ""), ("x-name", "")]);
        assert_eq!(header(&r, member("x-name", "name", false), parse_string).expect("a string"), Some(String::new()));
    }

    #[test]
    fn body_drops_bound_members() {
        let input = In { detector_id: Some("d".into()), destination_type: Some("S3".into()), tags: None };
        assert_eq!(json_body(&input, &["DetectorId"]).unwrap(), br#"{"destinationType":"S3"}"#);
        assert_eq!(json_body(&In::default(), &["DetectorId"]).unwrap(), b"{}");
        // Only the top level: a nested map's key of the same name stays.
        let tags = Some([("DetectorId".to_string(), "x".to_string())].into());
        let input = In { detector_id: Some("d".into()), destination_type: None, tags };
        assert_eq!(json_body(&input, &["DetectorId"]).unwrap(), br#"{"tags":{"DetectorId":"x"}}"#);
    }
}
