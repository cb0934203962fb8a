//! The HTTP bindings of restJson1 and restXml operations, written as tables.
//!
//! A generated `prepare_*` lists its input's URI labels, query parameters and
//! headers in one `http_request!` call, and a generated `parse_*` its output's
//! header-, status- and payload-bound members in one `http_response!` call:
//! one short entry per member, the way `json_struct!` lists a structure's JSON
//! members. Each entry expands to the one call of `rest_json`'s functions
//! that binds it (the same code the generator used to write out in full, so
//! the wire is unchanged); S3's `CopyObject`, with 37 bound members, was 580
//! generated lines and is now about 60.
//!
//! Value kinds, as the entries name them (`$kind`):
//! - `str` (a `String`), `enum` (a generated enum, string or integer),
//!   `display` (booleans and integers, by `ToString`), `f32`, `f64`,
//!   `date_time`, `http_date`, `epoch` (timestamps in that format), `blob`
//!   (base64), `b64` (a `@mediaType` string in a header: base64 of its
//!   UTF-8), `json` (a document, list or map as JSON).
//!
//! Response kinds (`$from`): `str`, `enum Path`, `bool`, `num` (integers),
//! `f32`, `f64`, `ts "format"` (`date-time`, `http-date`, `epoch-seconds`),
//! `blob`, `b64`, `json`, `list <timestamps?> (<item kind>)`. A response
//! header entry is `header("name" from)`, or `header(sensitive "name" from)`
//! for a `@sensitive` member (or target), whose value no error shows; a
//! `list` reads every field line of its name (see `rest_json::header_list`).

use crate::error::Failure;
use crate::request::RawResponse;

/// A document, list or map bound to a header or query parameter, as JSON.
/// Serializing can fail: a structure inside (a list of lists of them) with
/// a `date-time` timestamp whose year the format cannot express, or any
/// `Serialize` that refuses its value (a map whose keys are not strings or
/// numbers). That is an invalid request naming the input's `member` (of
/// `type_name`), never an empty value sent in its place. The error does
/// not quote serde's reason, which can hold the value (a timestamp out of
/// range), and the member may be `@sensitive`.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T, member: &'static str, type_name: &'static str) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|_| {
        use crate::error::{TransportError, TransportErrorKind};
        let why = format!(
            "cannot write {type_name}'s member `{member}` as JSON for its header or query parameter \
             (a timestamp whose year date-time cannot express, or a map key that is not a string or number)"
        );
        Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, why))
    })
}

/// A document, list or map read from a header's JSON text.
pub fn json_from_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A header's base64 text as the UTF-8 string it encodes (a `@mediaType`
/// string member bound to a header).
pub fn base64_text(text: &str) -> Result<String, String> {
    crate::types::blob::decode(text)
        .map_err(|e| e.to_string())
        .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
}

/// A header's base64 text as a blob.
pub fn blob_from_text(text: &str) -> Result<crate::types::blob::Blob, String> {
    crate::types::blob::decode(text).map(crate::types::blob::Blob::new).map_err(|e| e.to_string())
}

/// A query parameter, its name kept in the request's `sensitive_names`
/// when `sensitive`.
pub fn add_query(request: &mut crate::request::PreparedRequest, name: &str, value: String, sensitive: bool) {
    if sensitive {
        request.sensitive_query(name, value);
    } else {
        request.query(name, value);
    }
}

/// A header, its name kept in the request's `sensitive_names` when
/// `sensitive`.
pub fn add_header(request: &mut crate::request::PreparedRequest, name: &str, value: String, sensitive: bool) {
    if sensitive {
        request.sensitive_header(name, value);
    } else {
        request.header(name, value);
    }
}

/// Query parameters of a `@httpQueryParams` map, after the members' own
/// (`Some` values only, from the map's iteration): a key the request already
/// has is left out, as the explicit member wins. A `sensitive` map's keys
/// go into the request's `sensitive_names`.
pub fn query_params<'a, V: 'a>(
    request: &mut crate::request::PreparedRequest,
    map: impl IntoIterator<Item = (&'a String, &'a V)>,
    mut values: impl FnMut(&'a V, &mut dyn FnMut(String)),
    sensitive: bool,
) {
    let explicit = request.query.len();
    for (k, v) in map {
        if request.query[..explicit].iter().any(|(n, _)| n == k) {
            continue;
        }
        values(v, &mut |value| add_query(request, k, value, sensitive));
    }
}

/// Headers of a `@httpPrefixHeaders` map: `prefix` then each key, after the
/// members' own headers (which win over an entry of the same name). A name
/// or value HTTP cannot carry is a violation of `member[key]`, or of
/// `member[…]` when the map is `sensitive` (its keys are not shown either);
/// a `sensitive` map's headers go into the request's `sensitive_names`.
pub fn prefix_headers<'a>(
    request: &mut crate::request::PreparedRequest,
    prefix: &str,
    map: impl IntoIterator<Item = (&'a String, &'a String)>,
    member: &'static str,
    type_name: &'static str,
    sensitive: bool,
) -> Result<(), Failure> {
    use super::rest_json::header_text;
    for (k, v) in map {
        let at = || if sensitive { format!("{member}[…]") } else { format!("{member}[{k:?}]") };
        let name = header_text(format!("{prefix}{k}"), at, true, type_name)?;
        let value = header_text(v.clone(), at, false, type_name)?;
        if !request.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(&name)) {
            add_header(request, &name, value, sensitive);
        }
    }
    Ok(())
}

/// The output of an operation whose output has no member on the wire (or no
/// member at all): its default, whatever the successful response holds.
pub fn no_output<T: Default>(_response: &RawResponse) -> Result<T, Failure> {
    Ok(T::default())
}

/// The response's status code, as an `@httpResponseCode` member holds it.
pub fn status(response: &RawResponse) -> Option<i32> {
    Some(i32::from(response.status))
}

/// A bound member's value as header, label or query text (`$kind`: see the
/// module). A timestamp whose year its format cannot express is a violation
/// of `$member` (quoting the timestamp unless `$s`, the member is
/// sensitive), and JSON that cannot be written an invalid request naming
/// it, both returned with `?`.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_text {
    (str, $v:expr, $m:literal, $t:literal, $s:literal) => { ::std::string::String::clone($v) };
    (enum, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::types::enums::EnumText::to_text($v).into_owned() };
    (display, $v:expr, $m:literal, $t:literal, $s:literal) => { ::std::string::ToString::to_string($v) };
    (f32, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::protocols::rest_json::fmt_float32(*$v) };
    (f64, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::protocols::rest_json::fmt_float(*$v) };
    (date_time, $v:expr, $m:literal, $t:literal, $s:literal) => {
        $crate::protocols::rest_json::timestamp_text($v, $crate::types::timestamp::Format::DateTime, $m, $t, $s)?
    };
    (http_date, $v:expr, $m:literal, $t:literal, $s:literal) => {
        $crate::protocols::rest_json::timestamp_text($v, $crate::types::timestamp::Format::HttpDate, $m, $t, $s)?
    };
    (epoch, $v:expr, $m:literal, $t:literal, $s:literal) => { $v.fmt_epoch_seconds() };
    (blob, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::types::blob::encode($v.as_bytes()) };
    (b64, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::types::blob::encode($v.as_bytes()) };
    (json, $v:expr, $m:literal, $t:literal, $s:literal) => { $crate::protocols::http_bindings::json_text($v, $m, $t)? };
}

/// A label's value as `&str`: strings and enums borrowed, the rest as text.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_label_text {
    (str, $v:expr, $m:literal, $t:literal, $s:literal) => { $v.as_str() };
    (enum, $v:expr, $m:literal, $t:literal, $s:literal) => { &$crate::types::enums::EnumText::to_text($v) };
    ($kind:ident, $v:expr, $m:literal, $t:literal, $s:literal) => { &$crate::__http_bindings_text!($kind, $v, $m, $t, $s) };
}

/// The request of a restJson1 or restXml operation, from its input's bound
/// members: `http_request!(request = "METHOD", input: "InputType", [path
/// entries] [other entries]);` declares `request`, a `PreparedRequest`,
/// and returns a violation with `?` (a missing or empty label, a header value
/// HTTP cannot carry). Path entries, in order:
/// - `text("text")`: literal text;
/// - `label(field "Member" kind)`, `greedy(...)`: a required label
///   (percent-encoded; a greedy one keeps its `/`);
/// - `keep_dots(field "Member" kind)`: an S3 object key (greedy, `.` and `..`
///   segments kept);
/// - `or(field "Member" "default" greedy)`: a label a customisation fills
///   in when unset or empty.
///
/// Other entries, in the order they are added:
/// - `constant("name" "value")`, `flag("name")`: the URI's own query;
/// - `query("name" field "Member" kind)`, `query_list(...)`: a query
///   parameter (a list: one per item);
/// - `params(field)`, `params_list(field)`: a `@httpQueryParams` map of
///   strings or of lists of strings;
/// - `header("name" field "Member" kind)`: a header;
/// - `header_list("name" field "Member" kind timestamps)`: a list header,
///   its items joined (`timestamps`: HTTP dates, which hold commas, are not
///   quoted);
/// - `prefix("prefix" field "Member")`: a `@httpPrefixHeaders` map.
///
/// An entry of a `@sensitive` member (or target) starts with `sensitive`
/// (`label(sensitive field "Member" kind)`, `header(sensitive "name" ...)`,
/// `params(sensitive field)`): the names of its headers and query
/// parameters go into the request's `sensitive_names`, so its `Debug`,
/// recordings and presigned requests' `Debug` hide their values, and no
/// violation shows its value or map keys.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_request {
    ($request:ident = $method:literal, $input:ident : $t:literal, [$($pk:ident($($p:tt)*)),*] [$($k:ident($($e:tt)*)),*]) => {
        #[allow(unused_mut)]
        let mut path = ::std::string::String::new();
        $($crate::__http_bindings_request!(@path_entry path $input $t $pk $($p)*);)*
        #[allow(unused_mut)]
        let mut $request = $crate::request::PreparedRequest::new($method, path);
        $($crate::__http_bindings_request!(@entry $request $input $t $k $($e)*);)*
    };
    // `sensitive` followed by more tokens is the marker (a field named
    // `sensitive` is never followed by a field name).
    (@path_entry $path:ident $i:ident $t:literal $k:ident sensitive $f:ident $($p:tt)+) => {
        $crate::__http_bindings_request!(@path $path $i $t true $k $f $($p)*)
    };
    (@path_entry $path:ident $i:ident $t:literal $k:ident $($p:tt)*) => {
        $crate::__http_bindings_request!(@path $path $i $t false $k $($p)*)
    };
    (@entry $r:ident $i:ident $t:literal $k:ident sensitive $next:tt $($e:tt)*) => {
        $crate::__http_bindings_request!(@bind $r $i $t true $k $next $($e)*)
    };
    (@entry $r:ident $i:ident $t:literal $k:ident $($e:tt)*) => {
        $crate::__http_bindings_request!(@bind $r $i $t false $k $($e)*)
    };
    (@path $path:ident $i:ident $t:literal $s:literal text $lit:literal) => { $path.push_str($lit) };
    (@path $path:ident $i:ident $t:literal $s:literal label $f:ident $m:literal $kind:ident) => {
        let v = $crate::protocols::rest_json::required_label(&$i.$f, $m, $t)?;
        $crate::protocols::rest_json::label(&mut $path, $crate::__http_bindings_label_text!($kind, v, $m, $t, $s), $m, $t, false)?
    };
    (@path $path:ident $i:ident $t:literal $s:literal greedy $f:ident $m:literal $kind:ident) => {
        let v = $crate::protocols::rest_json::required_label(&$i.$f, $m, $t)?;
        $crate::protocols::rest_json::label(&mut $path, $crate::__http_bindings_label_text!($kind, v, $m, $t, $s), $m, $t, true)?
    };
    (@path $path:ident $i:ident $t:literal $s:literal keep_dots $f:ident $m:literal $kind:ident) => {
        let v = $crate::protocols::rest_json::required_label(&$i.$f, $m, $t)?;
        $crate::protocols::rest_json::label_keeping_dots(&mut $path, $crate::__http_bindings_label_text!($kind, v, $m, $t, $s), $m, $t)?
    };
    (@path $path:ident $i:ident $t:literal $s:literal or $f:ident $m:literal $d:literal $greedy:literal) => {
        let v = $i.$f.as_deref().filter(|v| !v.is_empty()).unwrap_or($d);
        $crate::protocols::rest_json::label(&mut $path, v, $m, $t, $greedy)?
    };
    (@bind $r:ident $i:ident $t:literal $s:literal constant $k:literal $v:literal) => { $r.query($k, $v) };
    (@bind $r:ident $i:ident $t:literal $s:literal flag $k:literal) => { $r.query_flag($k) };
    (@bind $r:ident $i:ident $t:literal $s:literal query $k:literal $f:ident $m:literal $kind:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            $crate::protocols::http_bindings::add_query(&mut $r, $k, $crate::__http_bindings_text!($kind, v, $m, $t, $s), $s);
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal query_list $k:literal $f:ident $m:literal $kind:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            for item in v {
                $crate::protocols::http_bindings::add_query(&mut $r, $k, $crate::__http_bindings_text!($kind, item, $m, $t, $s), $s);
            }
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal params $f:ident) => {
        if let ::std::option::Option::Some(map) = &$i.$f {
            $crate::protocols::http_bindings::query_params(&mut $r, map, |v, push| push(::std::string::String::clone(v)), $s);
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal params_list $f:ident) => {
        if let ::std::option::Option::Some(map) = &$i.$f {
            $crate::protocols::http_bindings::query_params(&mut $r, map, |v, push| {
                for item in v {
                    push(::std::string::String::clone(item));
                }
            }, $s);
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal header $name:literal $f:ident $m:literal $kind:ident) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            let text = $crate::__http_bindings_text!($kind, v, $m, $t, $s);
            $crate::protocols::http_bindings::add_header(&mut $r, $name, $crate::protocols::rest_json::header_text(text, || ::std::string::String::from($m), false, $t)?, $s);
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal header_list $name:literal $f:ident $m:literal $kind:ident $ts:literal) => {
        if let ::std::option::Option::Some(v) = &$i.$f {
            let mut items = ::std::vec::Vec::with_capacity(v.len());
            for item in v {
                items.push($crate::__http_bindings_text!($kind, item, $m, $t, $s));
            }
            let text = $crate::protocols::rest_json::join_header_list(&items, $ts);
            $crate::protocols::http_bindings::add_header(&mut $r, $name, $crate::protocols::rest_json::header_text(text, || ::std::string::String::from($m), false, $t)?, $s);
        }
    };
    (@bind $r:ident $i:ident $t:literal $s:literal prefix $p:literal $f:ident $m:literal) => {
        if let ::std::option::Option::Some(map) = &$i.$f {
            $crate::protocols::http_bindings::prefix_headers(&mut $r, $p, map, $m, $t, $s)?;
        }
    };
}
pub use __http_bindings_request as http_request;

/// A function from header text to a value (`$from`: see the module).
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_from_text {
    (str) => { $crate::protocols::rest_json::parse_string };
    (enum $ty:path) => { <$ty as $crate::types::enums::EnumText>::from_text };
    (bool) => { $crate::protocols::rest_json::parse_bool };
    (num) => { $crate::protocols::rest_json::parse_number };
    (f32) => { |v: &str| $crate::protocols::rest_json::parse_float(v).map(|f| f as f32) };
    (f64) => { $crate::protocols::rest_json::parse_float };
    (ts $format:literal) => { |v: &str| $crate::protocols::rest_json::parse_timestamp(v, $format) };
    (blob) => { $crate::protocols::http_bindings::blob_from_text };
    (b64) => { $crate::protocols::http_bindings::base64_text };
    (json) => { $crate::protocols::http_bindings::json_from_text };
}

/// The member `$f` bound to a header, read from `$response` (entry
/// arguments `[sensitive] "name" from`): `Result<Option<T>, Failure>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_header {
    (@read $response:ident $f:ident $s:literal $name:literal list $ts:literal ($($item:tt)*)) => {
        $crate::protocols::rest_json::header_list(
            $response,
            $crate::protocols::rest_json::HeaderMember { name: $name, member: ::core::stringify!($f), sensitive: $s },
            $ts,
            $crate::__http_bindings_from_text!($($item)*),
        )
    };
    (@read $response:ident $f:ident $s:literal $name:literal $($from:tt)*) => {
        $crate::protocols::rest_json::header(
            $response,
            $crate::protocols::rest_json::HeaderMember { name: $name, member: ::core::stringify!($f), sensitive: $s },
            $crate::__http_bindings_from_text!($($from)*),
        )
    };
    ($response:ident $f:ident sensitive $name:literal $($from:tt)*) => {
        $crate::__http_bindings_header!(@read $response $f true $name $($from)*)
    };
    ($response:ident $f:ident $name:literal $($from:tt)*) => {
        $crate::__http_bindings_header!(@read $response $f false $name $($from)*)
    };
}

/// An output's members bound outside the body, set on `output` from
/// `response`: `http_response!(response, output { field: how, ... });`, where
/// `how` is `header("name" from)` or `header(sensitive "name" from)` (a
/// header that does not parse is an error naming the header and `field`,
/// returned with `?`), `prefix("prefix")` (`@httpPrefixHeaders`), `status`
/// (`@httpResponseCode`) or `value(expression)` (the payload, read by the
/// generated expression).
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_response {
    ($response:ident, $output:ident { $($f:ident : $how:ident $(($($a:tt)*))?),* $(,)? }) => {
        $($output.$f = $crate::__http_bindings_response!(@value $response $f $how $($($a)*)?);)*
    };
    (@value $response:ident $f:ident header $($a:tt)*) => { $crate::__http_bindings_header!($response $f $($a)*)? };
    (@value $response:ident $f:ident prefix $p:literal) => { $crate::protocols::rest_json::prefix_headers($response, $p) };
    (@value $response:ident $f:ident status) => { $crate::protocols::http_bindings::status($response) };
    (@value $response:ident $f:ident value $e:expr) => { $e };
}
pub use __http_bindings_response as http_response;

/// An error structure's members bound outside the body, set on `target`
/// (`self`) from `response`: `error_headers!(response, self { field: how,
/// ... });` with `how` as in `http_response!` but no `value`. A header that
/// does not parse leaves its member unset: the error itself is what matters.
#[doc(hidden)]
#[macro_export]
macro_rules! __http_bindings_error_headers {
    ($response:ident, $target:ident { $($f:ident : $how:ident $(($($a:tt)*))?),* $(,)? }) => {
        $(if let ::std::option::Option::Some(v) = $crate::__http_bindings_error_headers!(@value $response $f $how $($($a)*)?) {
            $target.$f = ::std::option::Option::Some(v);
        })*
    };
    (@value $response:ident $f:ident header $($a:tt)*) => { $crate::__http_bindings_header!($response $f $($a)*).ok().flatten() };
    (@value $response:ident $f:ident prefix $p:literal) => { $crate::protocols::rest_json::prefix_headers($response, $p) };
    (@value $response:ident $f:ident status) => { $crate::protocols::http_bindings::status($response) };
}
pub use __http_bindings_error_headers as error_headers;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::types::timestamp::Timestamp;

    #[derive(Debug, Default)]
    struct Out {
        count: Option<i32>,
        pin: Option<i64>,
        tags: Option<Vec<String>>,
        dates: Option<Vec<Timestamp>>,
    }

    fn read(headers: &[(&str, &str)]) -> Result<Out, Failure> {
        let response = &RawResponse::new(200, headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), &b""[..]);
        let mut output = Out::default();
        http_response!(response, output {
            count: header("x-count" num),
            pin: header(sensitive "x-pin" num),
            tags: header("x-tags" list false (str)),
            dates: header("x-dates" list true (ts "http-date")),
        });
        Ok(output)
    }

    #[test]
    fn response_headers_name_their_member_and_hide_sensitive_values() {
        let message = |headers| match read(headers) {
            Err(Failure::Parse(e)) => e.to_string(),
            other => panic!("not a parse error: {other:?}"),
        };
        let e = message(&[("x-pin", "4321-canary")]);
        assert!(e.contains("header `x-pin` (member `pin`): value withheld: sensitive"), "{e}");
        assert!(!e.contains("canary"), "{e}");
        let e = message(&[("x-count", "many")]);
        assert!(e.contains(r#"header `x-count` (member `count`): "many": not a valid number"#), "{e}");
        let out = read(&[("x-tags", "a"), ("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT"), ("x-tags", "b"), ("x-dates", "Tue, 17 Dec 2019 23:48:18 GMT")]).expect("parses");
        assert_eq!(out.tags, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(out.dates.map(|d| d.len()), Some(2));
        // An error structure's header that does not parse stays unset.
        let response = &RawResponse::new(400, vec![("x-pin".into(), "x".into()), ("x-count".into(), "3".into())], &b""[..]);
        let mut target = Out::default();
        error_headers!(response, target { count: header("x-count" num), pin: header(sensitive "x-pin" num) });
        assert_eq!((target.count, target.pin), (Some(3), None));
    }

    #[derive(Default)]
    struct In {
        filter: Option<BTreeMap<Vec<u8>, i32>>,
    }

    fn prepare(input: &In) -> Result<crate::request::PreparedRequest, Failure> {
        http_request!(request = "GET", input: "ListInput", [text("/")] [query("filter" filter "Filter" json)]);
        Ok(request)
    }

    #[derive(Default)]
    struct Secrets {
        pin: Option<String>,
        token: Option<String>,
        plain: Option<String>,
        at: Option<Timestamp>,
        meta: Option<BTreeMap<String, String>>,
        extra: Option<BTreeMap<String, String>>,
        pins: Option<Vec<String>>,
        lists: Option<BTreeMap<String, Vec<String>>>,
        key: Option<String>,
    }

    fn prepare_secrets(input: &Secrets) -> Result<crate::request::PreparedRequest, Failure> {
        http_request!(request = "GET", input: "PinInput", [text("/"), or(sensitive key "Key" "k" true)] [
            query(sensitive "token" token "Token" str),
            query_list(sensitive "pins" pins "Pins" str),
            params_list(sensitive lists),
            header_list(sensitive "x-pins" pins "Pins" str false),
            query("plain" plain "Plain" str),
            params(sensitive extra),
            header(sensitive "x-pin" pin "Pin" str),
            header(sensitive "x-at" at "At" date_time),
            prefix(sensitive "x-meta-" meta "Meta")
        ]);
        Ok(request)
    }

    #[test]
    fn sensitive_entries_name_their_headers_and_parameters() {
        let input = Secrets {
            pin: Some("PINCANARY".into()),
            token: Some("TOKENCANARY".into()),
            plain: Some("shown".into()),
            meta: Some([("k".to_string(), "METACANARY".to_string())].into()),
            extra: Some([("e".to_string(), "EXTRACANARY".to_string())].into()),
            pins: Some(vec!["LISTCANARY".into()]),
            lists: Some([("l".to_string(), vec!["LCANARY".to_string()])].into()),
            ..Secrets::default()
        };
        let request = prepare_secrets(&input).expect("a request");
        // The request carries every value; only its Debug hides them.
        assert!(request.headers.contains(&("x-pin".to_string(), "PINCANARY".to_string())));
        assert!(request.path_and_query().contains("token=TOKENCANARY"));
        let names = &request.sensitive_names;
        assert!(names.header("X-Pin") && names.header("x-meta-k") && names.query("token") && names.query("e"));
        assert!(names.query("pins") && names.query("l") && names.header("x-pins"));
        assert!(!names.query("plain") && !names.header("x-at"), "unset or plain members are not named");
        let shown = format!("{request:?}");
        assert!(!shown.contains("CANARY") && shown.contains("shown"), "{shown}");
        // A sensitive timestamp out of range and a sensitive prefix map's bad
        // key: violations name the member, not the value or the key.
        let late = Timestamp::parse_epoch_seconds("253402300800").expect("year 10000");
        let Err(Failure::Validation(e)) = prepare_secrets(&Secrets { at: Some(late), ..Secrets::default() }) else { panic!("sent") };
        assert!(e.to_string().contains("At") && !e.to_string().contains(&late.fmt_date_time()), "{e}");
        let meta = Some([("bad key SECRETKEY".to_string(), "v".to_string())].into());
        let Err(Failure::Validation(e)) = prepare_secrets(&Secrets { meta, ..Secrets::default() }) else { panic!("sent") };
        assert_eq!(e.violations[0].path, "Meta[…]");
        assert!(!e.to_string().contains("SECRETKEY"), "{e}");
    }

    #[derive(Default)]
    struct Dated {
        at: Option<Timestamp>,
        sensitive: Option<String>,
    }

    fn prepare_dated(input: &Dated) -> Result<crate::request::PreparedRequest, Failure> {
        http_request!(request = "GET", input: "DatedInput", [text("/"), label(sensitive at "At" date_time), text("/"), label(sensitive "Plain" str)] []);
        Ok(request)
    }

    #[test]
    fn a_sensitive_labels_timestamp_is_not_quoted() {
        let late = Timestamp::parse_epoch_seconds("253402300800").expect("year 10000");
        let Err(Failure::Validation(e)) = prepare_dated(&Dated { at: Some(late), sensitive: Some("s".into()) }) else { panic!("sent") };
        assert!(e.to_string().contains("At") && !e.to_string().contains(&late.fmt_date_time()), "{e}");
        // A field named `sensitive` is a field, not the marker.
        let first = Timestamp::parse_epoch_seconds("0").expect("1970");
        let request = prepare_dated(&Dated { at: Some(first), sensitive: Some("s".into()) }).expect("a request");
        assert_eq!(request.path, "/1970-01-01T00%3A00%3A00Z/s");
    }

    #[test]
    fn json_that_cannot_be_written_fails_the_request() {
        // serde_json refuses map keys that are not strings or numbers.
        let input = In { filter: Some([(vec![1u8], 1)].into()) };
        let Err(Failure::Transport(e)) = prepare(&input) else { panic!("an empty value was sent") };
        assert!(e.to_string().contains("ListInput's member `Filter` as JSON"), "{e}");
        assert!(!e.to_string().contains("key must be"), "serde's text, which can hold the value, is left out: {e}");
        assert!(json_text(&BTreeMap::from([(vec![1u8], 1)]), "Filter", "ListInput").is_err());
        assert_eq!(json_text(&BTreeMap::from([("k", 1)]), "Filter", "ListInput").ok().as_deref(), Some(r#"{"k":1}"#));
        assert_eq!(prepare(&In::default()).expect("unset").query, []);
        // A timestamp serde cannot write: its text (which quotes the value)
        // is not in the error.
        let late = Timestamp::parse_epoch_seconds("253402300800").expect("year 10000");
        let shown = crate::types::timestamp::Formatted(&Some(late), crate::types::timestamp::Format::DateTime);
        let Err(Failure::Transport(e)) = json_text(&shown, "At", "ListInput") else { panic!("written") };
        assert!(e.to_string().contains("member `At`") && !e.to_string().contains("10000"), "{e}");
    }
}
