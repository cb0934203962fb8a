//! XML request bodies (restXml): a writer, and [`XmlWrite`], implemented
//! for each generated structure and union of a restXml service's inputs by
//! one [`xml_write_struct!`](crate::protocols::xml_write::xml_write_struct) or
//! [`xml_write_union!`](crate::protocols::xml_write::xml_write_union) invocation.
//!
//! An element is named by its *spec*: the name, optionally followed by a
//! space and namespace attributes the generator rendered
//! (`KVP xmlns="https://example.com"`), which go into its start tag.

use quick_xml::escape::escape;

/// The document being written.
#[derive(Default)]
pub struct XmlWriter {
    out: String,
}

/// The element name of a spec (what its end tag repeats).
fn name_of(spec: &str) -> &str {
    spec.split(' ').next().unwrap_or(spec)
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter::default()
    }

    /// `<spec`: attributes may follow, then [`XmlWriter::close_open`].
    pub fn open(&mut self, spec: &str) {
        self.out.push('<');
        self.out.push_str(spec);
    }

    /// Attributes rendered by the generator (already escaped): `xmlns="…"`.
    pub fn raw_attrs(&mut self, attrs: &str) {
        if !attrs.is_empty() {
            self.out.push(' ');
            self.out.push_str(attrs);
        }
    }

    /// ` name="value"`, the value escaped.
    pub fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.out.push_str(&escape(value));
        self.out.push('"');
    }

    pub fn close_open(&mut self) {
        self.out.push('>');
    }

    /// `</name>` for the element `spec` opened.
    pub fn close(&mut self, spec: &str) {
        self.out.push_str("</");
        self.out.push_str(name_of(spec));
        self.out.push('>');
    }

    /// Character data, escaped (quick-xml writes carriage returns as
    /// references too, so a parser's end-of-line normalization keeps them).
    pub fn text(&mut self, text: &str) {
        self.out.push_str(&escape(text));
    }

    /// `<spec>text</name>`.
    pub fn leaf(&mut self, spec: &str, text: &str) {
        self.open(spec);
        self.close_open();
        self.text(text);
        self.close(spec);
    }

    pub fn finish(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// A structure or union written as the element `spec`.
pub trait XmlWrite {
    /// Its attributes: its `@xmlAttribute` members. (A shape's own
    /// `@xmlNamespace` is declared only where it is a document's root: the
    /// caller puts it in the root's spec.)
    fn write_attrs(&self, w: &mut XmlWriter);
    /// Its child elements, leaving out the members whose XML names are in
    /// `skip` (bound to the URI, query or headers).
    fn write_children(&self, w: &mut XmlWriter, skip: &[&str]);

    fn write_xml(&self, w: &mut XmlWriter, spec: &str) {
        w.open(spec);
        self.write_attrs(w);
        w.close_open();
        self.write_children(w, &[]);
        w.close(spec);
    }
}

impl<T: XmlWrite> XmlWrite for Box<T> {
    fn write_attrs(&self, w: &mut XmlWriter) {
        (**self).write_attrs(w)
    }
    fn write_children(&self, w: &mut XmlWriter, skip: &[&str]) {
        (**self).write_children(w, skip)
    }
}

/// A whole document: `value` as the root element `spec`, without the
/// members named in `skip`.
pub fn document<T: XmlWrite + ?Sized>(value: &T, spec: &str, skip: &[&str]) -> Vec<u8> {
    let mut w = XmlWriter::new();
    w.open(spec);
    value.write_attrs(&mut w);
    w.close_open();
    value.write_children(&mut w, skip);
    w.close(spec);
    w.finish()
}

/// `XmlWrite` for a structure, given each member's field, element spec,
/// `elem` or `attr`, and codec (as in [`xml_struct!`](crate::protocols::xml::xml_struct)).
/// Unset members are left out.
#[doc(hidden)]
#[macro_export]
macro_rules! __xml_write_xml_write_struct {
    ($name:ident { $($f:ident : $wire:literal $kind:ident => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::xml_write::XmlWrite for $name {
            #[allow(unused_variables)]
            fn write_attrs(&self, w: &mut $crate::protocols::xml_write::XmlWriter) {
                $($crate::__xml_write_xml_write_struct!(@attr $kind, w, self, $f, $wire, $codec);)*
            }
            #[allow(unused_variables)]
            fn write_children(&self, w: &mut $crate::protocols::xml_write::XmlWriter, skip: &[&str]) {
                $($crate::__xml_write_xml_write_struct!(@elem $kind, w, self, skip, $f, $wire, $codec);)*
            }
        }
    };
    (@attr elem, $w:ident, $s:ident, $f:ident, $wire:literal, $codec:tt) => {};
    (@attr attr, $w:ident, $s:ident, $f:ident, $wire:literal, [ts $fmt:ident]) => {
        if let ::std::option::Option::Some(v) = &$s.$f {
            $w.attr($wire, &$crate::protocols::xml::timestamp_text(v, $crate::types::timestamp::Format::$fmt));
        }
    };
    (@attr attr, $w:ident, $s:ident, $f:ident, $wire:literal, $codec:tt) => {
        if let ::std::option::Option::Some(v) = &$s.$f {
            $w.attr($wire, &$crate::protocols::xml::XmlText::to_xml_text(v));
        }
    };
    (@elem attr, $w:ident, $s:ident, $skip:ident, $f:ident, $wire:literal, $codec:tt) => {};
    (@elem elem, $w:ident, $s:ident, $skip:ident, $f:ident, $wire:literal, $codec:tt) => {
        if let ::std::option::Option::Some(v) = &$s.$f {
            if !$skip.iter().any(|s| *s == $wire) {
                $crate::__xml_write_xml_write_struct!(@member $w, $wire, v, $codec);
            }
        }
    };
    // A flattened list or map repeats the member's element; otherwise the
    // member's element wraps the value.
    (@member $w:ident, $wire:literal, $v:ident, [list $m:literal flat $c:tt]) => {
        for v in $v.iter() {
            $crate::__xml_write_xml_write_struct!(@value $w, $wire, v, $c);
        }
    };
    (@member $w:ident, $wire:literal, $v:ident, [map $k:literal $vn:literal flat $c:tt]) => {
        for (k, v) in $v.iter() {
            $w.open($wire);
            $w.close_open();
            $w.leaf($k, &$crate::protocols::xml::XmlText::to_xml_text(k));
            $crate::__xml_write_xml_write_struct!(@value $w, $vn, v, $c);
            $w.close($wire);
        }
    };
    (@member $w:ident, $wire:literal, $v:ident, $c:tt) => {
        $crate::__xml_write_xml_write_struct!(@value $w, $wire, $v, $c);
    };
    (@value $w:ident, $spec:expr, $v:ident, text) => {
        $w.leaf($spec, &$crate::protocols::xml::XmlText::to_xml_text($v))
    };
    (@value $w:ident, $spec:expr, $v:ident, strukt) => {
        $crate::protocols::xml_write::XmlWrite::write_xml($v, $w, $spec)
    };
    (@value $w:ident, $spec:expr, $v:ident, [ts $fmt:ident]) => {
        $w.leaf($spec, &$crate::protocols::xml::timestamp_text($v, $crate::types::timestamp::Format::$fmt))
    };
    (@value $w:ident, $spec:expr, $v:ident, [sparse $c:tt]) => {
        if let ::std::option::Option::Some(v) = $v {
            $crate::__xml_write_xml_write_struct!(@value $w, $spec, v, $c);
        }
    };
    (@value $w:ident, $spec:expr, $v:ident, [list $m:literal $(flat)? $c:tt]) => {{
        $w.open($spec);
        $w.close_open();
        for v in $v.iter() {
            $crate::__xml_write_xml_write_struct!(@value $w, $m, v, $c);
        }
        $w.close($spec);
    }};
    (@value $w:ident, $spec:expr, $v:ident, [map $k:literal $vn:literal $(flat)? $c:tt]) => {{
        $w.open($spec);
        $w.close_open();
        for (k, v) in $v.iter() {
            $w.open("entry");
            $w.close_open();
            $w.leaf($k, &$crate::protocols::xml::XmlText::to_xml_text(k));
            $crate::__xml_write_xml_write_struct!(@value $w, $vn, v, $c);
            $w.close("entry");
        }
        $w.close($spec);
    }};
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __xml_write_xml_write_struct as xml_write_struct;

/// `XmlWrite` for a union: the element holds the set member's element
/// (`unit` for a `smithy.api#Unit` member: an empty element).
#[doc(hidden)]
#[macro_export]
macro_rules! __xml_write_xml_write_union {
    ($name:ident { $($v:ident : $wire:literal => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::xml_write::XmlWrite for $name {
            fn write_attrs(&self, w: &mut $crate::protocols::xml_write::XmlWriter) {
                let _ = w;
            }
            #[allow(unused_variables)]
            fn write_children(&self, w: &mut $crate::protocols::xml_write::XmlWriter, skip: &[&str]) {
                match self {
                    $($crate::__query_query_union!(@pat $name, $v, v, $codec) => {
                        $crate::__xml_write_xml_write_union!(@write w, $wire, v, $codec);
                    })*
                    // Cannot be sent: validation refuses it first.
                    $name::Unknown(_) => {}
                }
            }
        }
    };
    (@write $w:ident, $wire:literal, $x:ident, unit) => {{
        $w.open($wire);
        $w.close_open();
        $w.close($wire);
    }};
    (@write $w:ident, $wire:literal, $x:ident, $codec:tt) => {
        $crate::__xml_write_xml_write_struct!(@member $w, $wire, $x, $codec)
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __xml_write_xml_write_union as xml_write_union;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Inner {
        hi: Option<String>,
        a: Option<String>,
    }
    crate::protocols::xml_write::xml_write_struct!(Inner { hi: "hi" elem => text, a: "xsi:a" attr => text });

    #[derive(Default)]
    struct Outer {
        s: Option<String>,
        list: Option<Vec<String>>,
        flat: Option<Vec<i32>>,
        map: Option<BTreeMap<String, Inner>>,
        flat_map: Option<BTreeMap<String, String>>,
        nested: Option<Box<Inner>>,
        bound: Option<String>,
    }
    crate::protocols::xml_write::xml_write_struct!(Outer {
        s: "S" elem => text,
        list: "List" elem => [list "member xmlns=\"https://m.example.com\"" text],
        flat: "Flat" elem => [list "member" flat text],
        map: "Map" elem => [map "key" "value" strukt],
        flat_map: "KVP xmlns=\"https://kvp.example.com\"" elem => [map "k" "v" flat text],
        nested: "Nested xmlns:xsi=\"https://example.com\"" elem => strukt,
        bound: "Bound" elem => text,
    });

    #[test]
    fn writes_every_shape() {
        let value = Outer {
            s: Some("a <b> & \"c\"\r".into()),
            list: Some(vec!["x".into()]),
            flat: Some(vec![1, 2]),
            map: Some(BTreeMap::from([("k".to_string(), Inner { hi: Some("v".into()), a: None })])),
            flat_map: Some(BTreeMap::from([("a".to_string(), "1".to_string())])),
            nested: Some(Box::new(Inner { hi: None, a: Some("attr".into()) })),
            bound: Some("in a header".into()),
        };
        let xml = String::from_utf8(document(&value, "Outer xmlns=\"https://example.com/\"", &["Bound"])).unwrap();
        assert_eq!(
            xml,
            "<Outer xmlns=\"https://example.com/\"><S>a &lt;b&gt; &amp; &quot;c&quot;&#13;</S>\
             <List><member xmlns=\"https://m.example.com\">x</member></List><Flat>1</Flat><Flat>2</Flat>\
             <Map><entry><key>k</key><value><hi>v</hi></value></entry></Map>\
             <KVP xmlns=\"https://kvp.example.com\"><k>a</k><v>1</v></KVP>\
             <Nested xmlns:xsi=\"https://example.com\" xsi:a=\"attr\"></Nested></Outer>"
        );
    }
}
