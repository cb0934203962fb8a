//! Request bodies of awsQuery and ec2Query: `application/x-www-form-urlencoded`
//! pairs, `Action=<Op>&Version=<api version>` first, then the input's members
//! with dotted keys (`Nested.Member`, `List.member.1`, `Map.entry.1.key`).
//! Generated input structures implement [`QueryStruct`] through one
//! [`query_struct!`](crate::protocols::query::query_struct) invocation each; the key of
//! each member, and the layout of each list and map, are settled by the
//! generator for the service's protocol (ec2Query: capitalized names, every
//! list flattened).

use crate::request::encode_into;

/// The body being written.
pub struct QueryWriter {
    out: String,
    /// ec2Query: an empty list is left out (awsQuery sends `List=`).
    ec2: bool,
}

impl QueryWriter {
    /// A body starting `Action=<action>&Version=<version>`.
    pub fn new(action: &str, version: &str, ec2: bool) -> Self {
        let mut w = QueryWriter { out: String::new(), ec2 };
        w.pair("Action", action);
        w.pair("Version", version);
        w
    }

    /// Add `key=value`, both percent-encoded (everything but RFC 3986's
    /// unreserved characters, as AWS SDKs do).
    pub fn pair(&mut self, key: &str, value: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode_into(&mut self.out, key, true);
        self.out.push('=');
        encode_into(&mut self.out, value, true);
    }

    /// The key of a member named `name` under `prefix`.
    pub fn key(prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    }

    /// What an empty list is: `key=` under awsQuery, nothing under ec2Query.
    pub fn empty_list(&mut self, key: &str) {
        if !self.ec2 {
            self.pair(key, "");
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A structure or union written as query pairs under a key prefix (empty
/// for the input itself).
pub trait QueryStruct {
    fn write_query(&self, w: &mut QueryWriter, prefix: &str);
}

impl<T: QueryStruct> QueryStruct for Box<T> {
    fn write_query(&self, w: &mut QueryWriter, prefix: &str) {
        (**self).write_query(w, prefix)
    }
}

/// `QueryStruct` for a structure, given each member's field, query key and
/// how its value is written (the codecs of
/// [`xml_struct!`](crate::protocols::xml::xml_struct): `text`, `strukt`, `[ts Format]`,
/// `[list "member" codec]`, `[list "member" flat codec]`,
/// `[map "key" "value" codec]`, `[map "key" "value" flat codec]`,
/// `[sparse codec]`). Unset members are left out.
#[doc(hidden)]
#[macro_export]
macro_rules! __query_query_struct {
    ($name:ident { $($f:ident : $wire:literal => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::query::QueryStruct for $name {
            #[allow(unused_variables)]
            fn write_query(&self, w: &mut $crate::protocols::query::QueryWriter, prefix: &str) {
                $(if let ::std::option::Option::Some(v) = &self.$f {
                    let key = $crate::protocols::query::QueryWriter::key(prefix, $wire);
                    $crate::__query_query_struct!(@write w, key, v, $codec);
                })*
            }
        }
    };
    (@write $w:ident, $key:ident, $v:ident, text) => {
        $w.pair(&$key, &$crate::protocols::xml::XmlText::to_xml_text($v))
    };
    (@write $w:ident, $key:ident, $v:ident, strukt) => {
        $crate::protocols::query::QueryStruct::write_query($v, $w, &$key)
    };
    (@write $w:ident, $key:ident, $v:ident, [ts $fmt:ident]) => {
        $w.pair(&$key, &$crate::protocols::xml::timestamp_text($v, $crate::types::timestamp::Format::$fmt))
    };
    (@write $w:ident, $key:ident, $v:ident, [sparse $c:tt]) => {
        if let ::std::option::Option::Some(v) = $v {
            $crate::__query_query_struct!(@write $w, $key, v, $c);
        }
    };
    (@write $w:ident, $key:ident, $v:ident, [list $m:literal flat $c:tt]) => {
        if $v.is_empty() {
            $w.empty_list(&$key);
        }
        for (i, v) in $v.iter().enumerate() {
            let key = ::std::format!("{}.{}", $key, i + 1);
            $crate::__query_query_struct!(@write $w, key, v, $c);
        }
    };
    (@write $w:ident, $key:ident, $v:ident, [list $m:literal $c:tt]) => {
        if $v.is_empty() {
            $w.empty_list(&$key);
        }
        for (i, v) in $v.iter().enumerate() {
            let key = ::std::format!("{}.{}.{}", $key, $m, i + 1);
            $crate::__query_query_struct!(@write $w, key, v, $c);
        }
    };
    (@write $w:ident, $key:ident, $v:ident, [map $k:literal $vn:literal flat $c:tt]) => {
        for (i, (k, v)) in $v.iter().enumerate() {
            let entry = ::std::format!("{}.{}", $key, i + 1);
            $crate::__query_query_struct!(@entry $w, entry, k, v, $k, $vn, $c);
        }
    };
    (@write $w:ident, $key:ident, $v:ident, [map $k:literal $vn:literal $c:tt]) => {
        for (i, (k, v)) in $v.iter().enumerate() {
            let entry = ::std::format!("{}.entry.{}", $key, i + 1);
            $crate::__query_query_struct!(@entry $w, entry, k, v, $k, $vn, $c);
        }
    };
    (@entry $w:ident, $entry:ident, $kv:ident, $vv:ident, $k:literal, $vn:literal, $c:tt) => {
        $w.pair(&::std::format!("{}.{}", $entry, $k), &$crate::protocols::xml::XmlText::to_xml_text($kv));
        let key = ::std::format!("{}.{}", $entry, $vn);
        $crate::__query_query_struct!(@write $w, key, $vv, $c);
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __query_query_struct as query_struct;

/// `QueryStruct` for a union: the set member is written like a structure's.
#[doc(hidden)]
#[macro_export]
macro_rules! __query_query_union {
    ($name:ident { $($v:ident : $wire:literal => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::query::QueryStruct for $name {
            #[allow(unused_variables)]
            fn write_query(&self, w: &mut $crate::protocols::query::QueryWriter, prefix: &str) {
                match self {
                    $($crate::__query_query_union!(@pat $name, $v, v, $codec) => {
                        let key = $crate::protocols::query::QueryWriter::key(prefix, $wire);
                        $crate::__query_query_union!(@write w, key, v, $codec);
                    })*
                    // Cannot be sent: validation refuses it first.
                    $name::Unknown(_) => {}
                }
            }
        }
    };
    (@pat $name:ident, $v:ident, $x:ident, unit) => { $name::$v };
    (@pat $name:ident, $v:ident, $x:ident, $codec:tt) => { $name::$v($x) };
    (@write $w:ident, $key:ident, $x:ident, unit) => { $w.pair(&$key, "") };
    (@write $w:ident, $key:ident, $x:ident, $codec:tt) => { $crate::__query_query_struct!(@write $w, $key, $x, $codec) };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __query_query_union as query_union;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Inner {
        hi: Option<String>,
    }
    crate::protocols::query::query_struct!(Inner { hi: "hi" => text });

    #[derive(Default)]
    struct Input {
        list: Option<Vec<String>>,
        complex: Option<Vec<Inner>>,
        flat: Option<Vec<String>>,
        map: Option<BTreeMap<String, Vec<String>>>,
        flat_map: Option<BTreeMap<String, String>>,
        t: Option<crate::types::timestamp::Timestamp>,
        b: Option<crate::types::blob::Blob>,
        f: Option<f32>,
    }
    crate::protocols::query::query_struct!(Input {
        list: "ListArg" => [list "member" text],
        complex: "ComplexListArg" => [list "member" strukt],
        flat: "Hi" => [list "member" flat text],
        map: "MapOfLists" => [map "key" "value" [list "member" text]],
        flat_map: "Flat" => [map "K" "V" flat text],
        t: "normalFormat" => [ts DateTime],
        b: "Qux" => text,
        f: "Boo" => text,
    });

    fn body(input: &Input, ec2: bool) -> String {
        let mut w = QueryWriter::new("Op", "2020-01-08", ec2);
        input.write_query(&mut w, "");
        w.finish()
    }

    #[test]
    fn writes_the_layouts_of_the_protocol_tests() {
        let input = Input {
            list: Some(vec!["foo".into(), "bar baz".into()]),
            complex: Some(vec![Inner { hi: Some("hello".into()) }]),
            flat: Some(vec!["A".into()]),
            map: Some(BTreeMap::from([("bar".to_string(), vec!["C".to_string()])])),
            flat_map: Some(BTreeMap::from([("k".to_string(), "v".to_string())])),
            t: crate::types::timestamp::Timestamp::from_epoch_seconds_f64(1422172800.0),
            b: Some(crate::types::blob::Blob::new(b"value".to_vec())),
            f: Some(f32::NAN),
        };
        assert_eq!(
            body(&input, false),
            "Action=Op&Version=2020-01-08&ListArg.member.1=foo&ListArg.member.2=bar%20baz&ComplexListArg.member.1.hi=hello\
             &Hi.1=A&MapOfLists.entry.1.key=bar&MapOfLists.entry.1.value.member.1=C&Flat.1.K=k&Flat.1.V=v\
             &normalFormat=2015-01-25T08%3A00%3A00Z&Qux=dmFsdWU%3D&Boo=NaN"
        );
        let empty = Input { list: Some(vec![]), ..Input::default() };
        assert_eq!(body(&empty, false), "Action=Op&Version=2020-01-08&ListArg=");
        assert_eq!(body(&empty, true), "Action=Op&Version=2020-01-08");
    }
}
