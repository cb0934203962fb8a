//! XML bodies, read with quick-xml's pull parser (no document tree is built):
//! the responses of awsQuery and ec2Query (and restXml). Generated
//! structures and unions implement [`XmlStruct`] through one
//! [`xml_struct!`](crate::protocols::xml::xml_struct) or [`xml_union!`](crate::protocols::xml::xml_union)
//! invocation each; scalars read through [`XmlText`].
//!
//! Hostile input ends in an [`XmlError`], never a panic: a document nested
//! deeper than [`MAX_DEPTH`], a `<!DOCTYPE>` (so no entity can be declared,
//! let alone expanded), an unknown entity, mismatched or missing end tags,
//! text that is not UTF-8, and values of the wrong type. The size of a body
//! is bounded before it gets here (the transport's body limit).

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::types::blob::Blob;
use crate::types::enums::EnumText;
use crate::error::{Failure, ParseError};
use crate::request::RawResponse;
use crate::types::timestamp::{Format, Timestamp};

/// How deep elements may nest. AWS responses nest a few dozen levels at
/// most; this bounds the work a hostile document can cause per element.
pub const MAX_DEPTH: usize = 256;

/// Why an XML document could not be read: what, and the byte offset where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    pub offset: u64,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid XML at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for XmlError {}

/// The failure of a response whose XML cannot be read.
pub fn parse_failure(response: &RawResponse, e: XmlError) -> Failure {
    Failure::Parse(Box::new(ParseError::new(response, e.to_string())))
}

/// A start tag the reader stands in: its name and attributes. Its content
/// is read with [`XmlReader::next_child`], [`XmlReader::text`] or
/// [`XmlReader::skip`] (exactly one of them, to its end).
#[derive(Debug)]
pub struct Element<'a> {
    start: BytesStart<'a>,
    /// `<name/>`: no content, no end tag.
    empty: bool,
}

impl<'a> Element<'a> {
    /// The qualified name as written (`prefix:Name` or `Name`).
    pub fn name(&self) -> &str {
        self.start.name().into_inner()
    }

    /// Whether this element is `wire`: its qualified name, or its local name
    /// when `wire` has no prefix. (`wire` may be a writer's spec, the name
    /// followed by a space and namespace attributes, which are not compared.)
    pub fn is(&self, wire: &str) -> bool {
        let wire = wire.split(' ').next().unwrap_or(wire);
        let name = self.name();
        name == wire || (!wire.contains(':') && name.rsplit(':').next() == Some(wire))
    }

    /// The value of the attribute named `wire` (qualified name as written),
    /// unescaped; `None` when absent or malformed.
    pub fn attr(&self, wire: &str) -> Option<Cow<'_, str>> {
        self.start
            .attributes()
            .flatten()
            .find(|a| a.key.into_inner() == wire)
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
    }
}

/// A pull reader over one document.
pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    depth: usize,
}

impl<'a> XmlReader<'a> {
    /// A reader of `body`, which must be UTF-8.
    pub fn new(body: &'a [u8]) -> Result<Self, XmlError> {
        let text = std::str::from_utf8(body).map_err(|e| XmlError { message: format!("not UTF-8: {e}"), offset: e.valid_up_to() as u64 })?;
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        Ok(XmlReader { reader, depth: 0 })
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError { message: message.into(), offset: self.reader.buffer_position() }
    }

    fn event(&mut self) -> Result<Event<'a>, XmlError> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.error("a DOCTYPE is not allowed")),
            Ok(e) => Ok(e),
            Err(e) => Err(XmlError { message: e.to_string(), offset: self.reader.error_position() }),
        }
    }

    fn enter(&mut self, start: BytesStart<'a>, empty: bool) -> Result<Element<'a>, XmlError> {
        if !empty {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.error(format!("elements nest deeper than {MAX_DEPTH}")));
            }
        }
        Ok(Element { start, empty })
    }

    /// The document's root element (after any declaration, comments and
    /// processing instructions).
    pub fn root(&mut self) -> Result<Element<'a>, XmlError> {
        loop {
            match self.event()? {
                Event::Start(s) => return self.enter(s, false),
                Event::Empty(s) => return self.enter(s, true),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim_ascii().is_empty() => {}
                Event::Eof => return Err(self.error("the document has no element")),
                _ => return Err(self.error("text before the root element")),
            }
        }
    }

    /// The next child element of `parent`, or `None` at its end. The
    /// previous child must have been read to its end. Text between children
    /// is ignored.
    pub fn next_child(&mut self, parent: &Element<'a>) -> Result<Option<Element<'a>>, XmlError> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            match self.event()? {
                Event::Start(s) => return self.enter(s, false).map(Some),
                Event::Empty(s) => return self.enter(s, true).map(Some),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(None);
                }
                Event::Eof => return Err(self.error(format!("the document ends inside <{}>", parent.name()))),
                _ => {}
            }
        }
    }

    /// The text content of `el` (character data, CDATA sections and
    /// references, with elements inside it skipped), to its end.
    pub fn text(&mut self, el: &Element<'a>) -> Result<Cow<'a, str>, XmlError> {
        if el.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.event()? {
                Event::Text(t) => append(&mut out, t.xml10_content()),
                Event::CData(c) => append(&mut out, c.xml_content(quick_xml::XmlVersion::Implicit1_0)),
                Event::GeneralRef(r) => {
                    let c = resolve_reference(&r).map_err(|e| self.error(e))?;
                    out.to_mut().push(c);
                }
                Event::Start(s) => {
                    let child = self.enter(s, false)?;
                    self.skip(&child)?;
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(out);
                }
                Event::Eof => return Err(self.error(format!("the document ends inside <{}>", el.name()))),
                _ => {}
            }
        }
    }

    /// Skip the rest of `el`, to its end.
    pub fn skip(&mut self, el: &Element<'a>) -> Result<(), XmlError> {
        if el.empty {
            return Ok(());
        }
        let target = self.depth.saturating_sub(1);
        loop {
            match self.event()? {
                Event::Start(s) => {
                    self.enter(s, false)?;
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == target {
                        return Ok(());
                    }
                }
                Event::Eof => return Err(self.error(format!("the document ends inside <{}>", el.name()))),
                _ => {}
            }
        }
    }

    /// Read to the end of the document: only comments, processing
    /// instructions and whitespace may follow the root element.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim_ascii().is_empty() => {}
                _ => return Err(self.error("content after the root element")),
            }
        }
    }
}

/// The character a reference stands for: a character reference, or one of
/// XML's five predefined entities (no others exist: DTDs are refused).
pub fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    match r.resolve_char_ref().map_err(|e| e.to_string())? {
        Some(c) => Ok(c),
        None => match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(format!("unknown entity &{other};")),
        },
    }
}

fn append<'a>(out: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if out.is_empty() {
        *out = more;
    } else {
        out.to_mut().push_str(&more);
    }
}

/// A value written as text: strings, numbers, booleans, blobs (base64) and
/// enums (their wire value). Shared by XML and the query protocols.
pub trait XmlText: Sized {
    fn to_xml_text(&self) -> Cow<'_, str>;
    /// The value of `text`, or why it is not one.
    fn from_xml_text(text: &str) -> Result<Self, String>;
}

impl<T: EnumText> XmlText for T {
    fn to_xml_text(&self) -> Cow<'_, str> {
        self.to_text()
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        T::from_text(text)
    }
}

impl XmlText for String {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

impl XmlText for bool {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        match text.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("expected true or false, found {other:?}")),
        }
    }
}

macro_rules! integer_text {
    ($($t:ty),*) => {$(
        impl XmlText for $t {
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|_| format!(concat!("expected an integer (", stringify!($t), "), found {:?}"), text))
            }
        }
    )*};
}
integer_text!(i8, i16, i32, i64, i128);

macro_rules! float_text {
    ($($t:ty),*) => {$(
        impl XmlText for $t {
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Owned(if self.is_nan() {
                    "NaN".to_string()
                } else if self.is_infinite() {
                    if *self > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
                } else {
                    self.to_string()
                })
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                match text.trim() {
                    "NaN" => Ok(<$t>::NAN),
                    "Infinity" => Ok(<$t>::INFINITY),
                    "-Infinity" => Ok(<$t>::NEG_INFINITY),
                    t => t.parse().ok().filter(|v: &$t| v.is_finite()).ok_or_else(|| format!("expected a number, found {text:?}")),
                }
            }
        }
    )*};
}
float_text!(f32, f64);

impl XmlText for Blob {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(crate::types::blob::encode(self.as_ref()))
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        // Services may wrap long base64 text.
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        crate::types::blob::decode(&compact).map(Blob::new).map_err(|e| format!("invalid base64: {e}"))
    }
}

/// A timestamp as text in `format`.
pub fn timestamp_text(t: &Timestamp, format: Format) -> String {
    match format {
        Format::DateTime => t.fmt_date_time(),
        Format::HttpDate => t.fmt_http_date(),
        Format::EpochSeconds => t.fmt_epoch_seconds(),
    }
}

/// A timestamp from text in `format`.
pub fn parse_timestamp(text: &str, format: Format) -> Result<Timestamp, String> {
    let text = text.trim();
    match format {
        Format::DateTime => Timestamp::parse_date_time(text),
        Format::HttpDate => Timestamp::parse_http_date(text),
        Format::EpochSeconds => Timestamp::parse_epoch_seconds(text),
    }
    .map_err(|e| e.to_string())
}

/// A structure or union read from the element that holds it. Implemented
/// by [`xml_struct!`](crate::protocols::xml::xml_struct) and
/// [`xml_union!`](crate::protocols::xml::xml_union).
pub trait XmlStruct: Sized {
    fn read_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError>;
}

impl<T: XmlStruct> XmlStruct for Box<T> {
    fn read_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        T::read_xml(r, el).map(Box::new)
    }
}

/// The text of `el` as a `T`.
pub fn read_text<'a, T: XmlText>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<T, XmlError> {
    let text = r.text(el)?;
    T::from_xml_text(&text).map_err(|e| r.error(format!("<{}>: {e}", el.name())))
}

/// The text of `el` as a timestamp in `format`.
pub fn read_timestamp<'a>(r: &mut XmlReader<'a>, el: &Element<'a>, format: Format) -> Result<Timestamp, XmlError> {
    let text = r.text(el)?;
    parse_timestamp(&text, format).map_err(|e| r.error(format!("<{}>: {e}", el.name())))
}

/// An attribute's value as a `T`; `Ok(None)` when absent.
pub fn attr_text<T: XmlText>(r: &XmlReader<'_>, el: &Element<'_>, wire: &str) -> Result<Option<T>, XmlError> {
    match el.attr(wire) {
        None => Ok(None),
        Some(v) => T::from_xml_text(&v).map(Some).map_err(|e| r.error(format!("attribute {wire} of <{}>: {e}", el.name()))),
    }
}

/// An attribute's value as a timestamp; `Ok(None)` when absent.
pub fn attr_timestamp(r: &XmlReader<'_>, el: &Element<'_>, wire: &str, format: Format) -> Result<Option<Timestamp>, XmlError> {
    match el.attr(wire) {
        None => Ok(None),
        Some(v) => parse_timestamp(&v, format).map(Some).map_err(|e| r.error(format!("attribute {wire} of <{}>: {e}", el.name()))),
    }
}

/// A wrapped list: each child named `member` is an element (others are
/// skipped).
pub fn read_list<'a, T>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    member: &str,
    mut read: impl FnMut(&mut XmlReader<'a>, &Element<'a>) -> Result<T, XmlError>,
) -> Result<Vec<T>, XmlError> {
    let mut out = Vec::new();
    while let Some(child) = r.next_child(el)? {
        if child.is(member) {
            out.push(read(r, &child)?);
        } else {
            r.skip(&child)?;
        }
    }
    Ok(out)
}

/// One map entry from the element holding a `key` child and a `value` child.
pub fn read_entry<'a, K: XmlText, V>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    key: &str,
    value: &str,
    read: &mut impl FnMut(&mut XmlReader<'a>, &Element<'a>) -> Result<V, XmlError>,
) -> Result<(K, Option<V>), XmlError> {
    let (mut k, mut v) = (None, None);
    while let Some(child) = r.next_child(el)? {
        if child.is(key) {
            k = Some(read_text::<K>(r, &child)?);
        } else if child.is(value) {
            v = Some(read(r, &child)?);
        } else {
            r.skip(&child)?;
        }
    }
    match k {
        Some(k) => Ok((k, v)),
        None => Err(r.error(format!("<{}>: a map entry without <{key}>", el.name()))),
    }
}

/// A wrapped map: each `<entry>` child holds a key and a value. An entry
/// without a value is left out.
pub fn read_map<'a, K: XmlText + Ord, V>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    key: &str,
    value: &str,
    mut read: impl FnMut(&mut XmlReader<'a>, &Element<'a>) -> Result<V, XmlError>,
) -> Result<std::collections::BTreeMap<K, V>, XmlError> {
    let mut out = std::collections::BTreeMap::new();
    while let Some(child) = r.next_child(el)? {
        if child.is("entry") {
            if let (k, Some(v)) = read_entry(r, &child, key, value, &mut read)? {
                out.insert(k, v);
            }
        } else {
            r.skip(&child)?;
        }
    }
    Ok(out)
}

/// One entry of a flattened map (the element named like the member holds a
/// key and a value) into `map`; an entry without a value is left out.
pub fn read_flat_entry<'a, K: XmlText + Ord, V>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    key: &str,
    value: &str,
    map: &mut std::collections::BTreeMap<K, V>,
    mut read: impl FnMut(&mut XmlReader<'a>, &Element<'a>) -> Result<V, XmlError>,
) -> Result<(), XmlError> {
    if let (k, Some(v)) = read_entry(r, el, key, value, &mut read)? {
        map.insert(k, v);
    }
    Ok(())
}

/// Read a whole document: `read` gets its root element.
pub fn read_document<T>(
    body: &[u8],
    read: impl for<'a> FnOnce(&mut XmlReader<'a>, &Element<'a>) -> Result<T, XmlError>,
) -> Result<T, XmlError> {
    let mut r = XmlReader::new(body)?;
    let root = r.root()?;
    let out = read(&mut r, &root)?;
    r.finish()?;
    Ok(out)
}

/// `XmlStruct` for a structure, given each member's field, XML name, where
/// it is (`elem`: a child element, `attr`: an attribute), optionally
/// `default Type::f` (filled in when the document leaves it out), and how
/// its value reads:
/// - `text`: text ([`XmlText`]); `strukt`: a structure or union;
/// - `[ts Format]`: a timestamp;
/// - `[list "member" codec]` / `[list "member" flat codec]`: a list wrapped in
///   the member's element (elements named `"member"`), or flattened (each
///   element of the list is an element named like the member);
/// - `[map "key" "value" codec]` / `[map "key" "value" flat codec]`;
/// - `[sparse codec]`: an element of a `@sparse` list or map.
///
/// Members this client does not know are skipped.
#[doc(hidden)]
#[macro_export]
macro_rules! __xml_xml_struct {
    ($name:ident { $($f:ident : $wire:literal $kind:ident $(default $dflt:path)? => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::xml::XmlStruct for $name {
            #[allow(unused_variables, unused_mut)]
            fn read_xml<'a>(r: &mut $crate::protocols::xml::XmlReader<'a>, el: &$crate::protocols::xml::Element<'a>) -> ::std::result::Result<Self, $crate::protocols::xml::XmlError> {
                let mut out = $name::default();
                $($crate::__xml_xml_struct!(@attr $kind, r, el, out, $f, $wire, $codec);)*
                while let ::std::option::Option::Some(child) = r.next_child(el)? {
                    $($crate::__xml_xml_struct!(@elem $kind, r, child, out, $f, $wire, $codec);)*
                    r.skip(&child)?;
                }
                $($(if out.$f.is_none() {
                    out.$f = $dflt();
                })?)*
                ::std::result::Result::Ok(out)
            }
        }
    };
    (@attr elem, $r:ident, $el:ident, $out:ident, $f:ident, $wire:literal, $codec:tt) => {};
    (@attr attr, $r:ident, $el:ident, $out:ident, $f:ident, $wire:literal, [ts $fmt:ident]) => {
        $out.$f = $crate::protocols::xml::attr_timestamp($r, $el, $wire, $crate::types::timestamp::Format::$fmt)?;
    };
    (@attr attr, $r:ident, $el:ident, $out:ident, $f:ident, $wire:literal, $codec:tt) => {
        $out.$f = $crate::protocols::xml::attr_text($r, $el, $wire)?;
    };
    (@elem attr, $r:ident, $child:ident, $out:ident, $f:ident, $wire:literal, $codec:tt) => {};
    (@elem elem, $r:ident, $child:ident, $out:ident, $f:ident, $wire:literal, [list $m:literal flat $c:tt]) => {
        if $child.is($wire) {
            $out.$f.get_or_insert_with(::std::vec::Vec::new).push($crate::__xml_xml_struct!(@read $r, $child, $c)?);
            continue;
        }
    };
    (@elem elem, $r:ident, $child:ident, $out:ident, $f:ident, $wire:literal, [map $k:literal $v:literal flat $c:tt]) => {
        if $child.is($wire) {
            $crate::protocols::xml::read_flat_entry($r, &$child, $k, $v, $out.$f.get_or_insert_with(::std::collections::BTreeMap::new), |r, el| $crate::__xml_xml_struct!(@read r, el, $c))?;
            continue;
        }
    };
    (@elem elem, $r:ident, $child:ident, $out:ident, $f:ident, $wire:literal, $c:tt) => {
        if $child.is($wire) {
            $out.$f = ::std::option::Option::Some($crate::__xml_xml_struct!(@read $r, $child, $c)?);
            continue;
        }
    };
    (@read $r:ident, $el:ident, text) => {
        $crate::protocols::xml::read_text($r, &$el)
    };
    (@read $r:ident, $el:ident, strukt) => {
        $crate::protocols::xml::XmlStruct::read_xml($r, &$el)
    };
    (@read $r:ident, $el:ident, [ts $fmt:ident]) => {
        $crate::protocols::xml::read_timestamp($r, &$el, $crate::types::timestamp::Format::$fmt)
    };
    (@read $r:ident, $el:ident, [sparse $c:tt]) => {
        $crate::__xml_xml_struct!(@read $r, $el, $c).map(::std::option::Option::Some)
    };
    // A flattened list or map inside a list or map is read as wrapped: the
    // protocols define flattening for members only.
    (@read $r:ident, $el:ident, [list $m:literal flat $c:tt]) => {
        $crate::__xml_xml_struct!(@read $r, $el, [list $m $c])
    };
    (@read $r:ident, $el:ident, [list $m:literal $c:tt]) => {
        $crate::protocols::xml::read_list($r, &$el, $m, |r, el| $crate::__xml_xml_struct!(@read r, el, $c))
    };
    (@read $r:ident, $el:ident, [map $k:literal $v:literal flat $c:tt]) => {
        $crate::__xml_xml_struct!(@read $r, $el, [map $k $v $c])
    };
    (@read $r:ident, $el:ident, [map $k:literal $v:literal $c:tt]) => {
        $crate::protocols::xml::read_map($r, &$el, $k, $v, |r, el| $crate::__xml_xml_struct!(@read r, el, $c))
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __xml_xml_struct as xml_struct;

/// `XmlStruct` for a union: the first child element naming a variant is the
/// value (`unit` for a `smithy.api#Unit` member, else a codec as in
/// [`xml_struct!`](crate::protocols::xml::xml_struct)); a child this client does not
/// know becomes `Unknown`.
#[doc(hidden)]
#[macro_export]
macro_rules! __xml_xml_union {
    ($name:ident { $($v:ident : $wire:literal => $codec:tt),* $(,)? }) => {
        impl $crate::protocols::xml::XmlStruct for $name {
            #[allow(unused_variables)]
            fn read_xml<'a>(r: &mut $crate::protocols::xml::XmlReader<'a>, el: &$crate::protocols::xml::Element<'a>) -> ::std::result::Result<Self, $crate::protocols::xml::XmlError> {
                let mut out: ::std::option::Option<$name> = ::std::option::Option::None;
                while let ::std::option::Option::Some(child) = r.next_child(el)? {
                    if out.is_some() {
                        r.skip(&child)?;
                        continue;
                    }
                    $(if child.is($wire) {
                        out = ::std::option::Option::Some($crate::__xml_xml_union!(@variant r, child, $name, $v, $codec));
                        continue;
                    })*
                    out = ::std::option::Option::Some($name::Unknown(child.name().to_string()));
                    r.skip(&child)?;
                }
                out.ok_or_else(|| $crate::protocols::xml::XmlError {
                    message: ::std::format!(concat!("<{}>: the union ", stringify!($name), " has no member"), el.name()),
                    offset: 0,
                })
            }
        }
    };
    (@variant $r:ident, $child:ident, $name:ident, $v:ident, unit) => {{
        $r.skip(&$child)?;
        $name::$v
    }};
    (@variant $r:ident, $child:ident, $name:ident, $v:ident, $codec:tt) => {
        $name::$v($crate::__xml_xml_struct!(@read $r, $child, $codec)?)
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __xml_xml_union as xml_union;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        hi: Option<String>,
    }
    crate::protocols::xml::xml_struct!(Inner { hi: "hi" elem => text });

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        s: Option<String>,
        n: Option<i32>,
        b: Option<bool>,
        f: Option<f64>,
        t: Option<Timestamp>,
        list: Option<Vec<String>>,
        flat: Option<Vec<i32>>,
        map: Option<std::collections::BTreeMap<String, Inner>>,
        flat_map: Option<std::collections::BTreeMap<String, String>>,
        nested: Option<Box<Inner>>,
        lists: Option<Vec<Vec<String>>>,
        a: Option<String>,
    }
    crate::protocols::xml::xml_struct!(Outer {
        s: "S" elem => text,
        n: "N" elem => text,
        b: "B" elem => text,
        f: "F" elem => text,
        t: "T" elem => [ts DateTime],
        list: "List" elem => [list "member" text],
        flat: "Flat" elem => [list "member" flat text],
        map: "Map" elem => [map "key" "value" strukt],
        flat_map: "FlatMap" elem => [map "k" "v" flat text],
        nested: "Nested" elem => strukt,
        lists: "Lists" elem => [list "member" [list "member" text]],
        a: "ns:a" attr => text,
    });

    fn read<T: XmlStruct>(xml: &str) -> Result<T, XmlError> {
        read_document(xml.as_bytes(), |r, el| T::read_xml(r, el))
    }

    #[test]
    fn reads_every_shape() {
        let xml = r#"<?xml version="1.0"?>
            <Outer ns:a="attr &amp; value">
              <!-- comment -->
              <S>a &lt;b&gt; &#x41;<![CDATA[<c>]]></S><N> 42 </N><B>true</B><F>-Infinity</F>
              <T>2015-01-25T08:00:00Z</T>
              <List><member>x</member><member/><other>skip</other></List>
              <Flat>1</Flat><Unknown><deep><deeper/></deep></Unknown><Flat>2</Flat>
              <Map><entry><key>k</key><value><hi>v</hi></value></entry></Map>
              <FlatMap><k>a</k><v>1</v></FlatMap><FlatMap><k>b</k><v>2</v></FlatMap>
              <Nested><hi>n</hi></Nested>
              <Lists><member><member>p</member></member><member/></Lists>
            </Outer>"#;
        let o: Outer = read(xml).unwrap();
        assert_eq!(o.s.as_deref(), Some("a <b> A<c>"));
        assert_eq!(o.n, Some(42));
        assert_eq!(o.b, Some(true));
        assert_eq!(o.f, Some(f64::NEG_INFINITY));
        assert_eq!(o.t.unwrap().fmt_date_time(), "2015-01-25T08:00:00Z");
        assert_eq!(o.list.unwrap(), vec!["x".to_string(), String::new()]);
        assert_eq!(o.flat.unwrap(), vec![1, 2]);
        assert_eq!(o.map.unwrap()["k"].hi.as_deref(), Some("v"));
        assert_eq!(o.flat_map.unwrap().into_iter().collect::<Vec<_>>(), vec![("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert_eq!(o.nested.unwrap().hi.as_deref(), Some("n"));
        assert_eq!(o.lists.unwrap(), vec![vec!["p".to_string()], vec![]]);
        assert_eq!(o.a.as_deref(), Some("attr & value"));
    }

    #[test]
    fn hostile_documents_are_errors() {
        let deep = format!("{}{}", "<Outer>".repeat(MAX_DEPTH + 2), "</Outer>".repeat(MAX_DEPTH + 2));
        let cases = [
            "",
            "text",
            "<Outer>",
            "<Outer><S>x</Outer>",
            "<Outer><S>x</T></Outer>",
            "<!DOCTYPE d [<!ENTITY e \"x\">]><Outer><S>&e;</S></Outer>",
            "<Outer><S>&e;</S></Outer>",
            "<Outer><N>twelve</N></Outer>",
            "<Outer><N>99999999999</N></Outer>",
            "<Outer><B>yes</B></Outer>",
            "<Outer><T>yesterday</T></Outer>",
            "<Outer/><Outer/>",
            "<Outer><Map><entry><value/></entry></Map></Outer>",
            &deep,
        ];
        for xml in cases {
            assert!(read::<Outer>(xml).is_err(), "{xml:?}");
        }
        assert!(XmlReader::new(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn text_values() {
        assert_eq!(f64::NAN.to_xml_text(), "NaN");
        assert_eq!(10.8f32.to_xml_text(), "10.8");
        assert_eq!(f32::INFINITY.to_xml_text(), "Infinity");
        assert!(f64::from_xml_text("NaN").unwrap().is_nan());
        assert_eq!(Blob::from_xml_text("dmFs\ndWU=").unwrap().as_ref(), b"value");
        assert_eq!(Blob::new(b"value".to_vec()).to_xml_text(), "dmFsdWU=");
        assert!(i8::from_xml_text("128").is_err());
    }
}
