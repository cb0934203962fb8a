//! How members travel in the XML and query protocols (awsQuery, ec2Query):
//! element and query names (`@xmlName`, `@ec2QueryName`, ec2Query's
//! capitalized names), attributes, and the layout of lists and maps
//! (`@xmlFlattened`, member/key/value names; ec2Query flattens every list
//! in requests).

use crate::ir::{Protocol, TimestampFormat, XmlCodec, XmlMemberIr};
use crate::model::{Member, Model, Shape, ShapeKind};

/// An `@xmlNamespace` as a start tag's attribute: `xmlns="uri"` or
/// `xmlns:prefix="uri"`.
pub fn namespace_attrs(ns: Option<&(String, Option<String>)>) -> Option<String> {
    let (uri, prefix) = ns?;
    let uri = uri.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    Some(match prefix {
        Some(p) => format!("xmlns:{p}=\"{uri}\""),
        None => format!("xmlns=\"{uri}\""),
    })
}

/// A writer's element spec: the name, then the member's namespace attribute.
fn spec(name: String, m: Option<&Member>) -> String {
    match m.and_then(|m| namespace_attrs(m.traits.xml_namespace.as_ref())) {
        Some(ns) => format!("{name} {ns}"),
        None => name,
    }
}

/// A structure's or union's element name as a document's root.
pub fn root_name(shape: &Shape) -> String {
    shape.traits.xml_name.clone().unwrap_or_else(|| crate::model::shape_id::name_of(&shape.id).to_string())
}

/// The XML and query facts of member `m` under `protocol`; `None` for the
/// JSON protocols.
pub fn member(model: &Model, protocol: Protocol, m: &Member) -> Option<XmlMemberIr> {
    let ec2 = match protocol {
        Protocol::AwsQuery | Protocol::RestXml => false,
        Protocol::Ec2Query => true,
        _ => return None,
    };
    let plain = m.traits.xml_name.clone().unwrap_or_else(|| m.name.clone());
    // Attributes carry no namespace declaration.
    let name = if m.traits.xml_attribute { plain.clone() } else { spec(plain.clone(), Some(m)) };
    let format = m.traits.timestamp_format.map(Into::into);
    let codec = flatten_top(codec(model, &m.target, format, 0), m.traits.xml_flattened);
    let query_name = if ec2 {
        m.traits.ec2_query_name.clone().unwrap_or_else(|| capitalize(&plain))
    } else {
        plain
    };
    let query_codec = if ec2 { flatten_lists(codec.clone()) } else { codec.clone() };
    Some(XmlMemberIr { name, renamed: m.traits.xml_name.is_some(), attribute: m.traits.xml_attribute, codec, query_name, query_codec })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `@xmlFlattened` on the member: its list or map is flattened.
fn flatten_top(codec: XmlCodec, flat: bool) -> XmlCodec {
    match codec {
        XmlCodec::List { member, element, .. } => XmlCodec::List { member, flat, element },
        XmlCodec::Map { key, value, element, .. } => XmlCodec::Map { key, value, flat, element },
        other => other,
    }
}

/// ec2Query requests: every list flattened, at any depth.
fn flatten_lists(codec: XmlCodec) -> XmlCodec {
    match codec {
        XmlCodec::List { member, element, .. } => XmlCodec::List { member, flat: true, element: Box::new(flatten_lists(*element)) },
        XmlCodec::Map { key, value, flat, element } => XmlCodec::Map { key, value, flat, element: Box::new(flatten_lists(*element)) },
        XmlCodec::Sparse(inner) => XmlCodec::Sparse(Box::new(flatten_lists(*inner))),
        other => other,
    }
}

/// How a value of shape `target` is written and read (lists and maps
/// wrapped: flattening belongs to members). `format`: the `@timestampFormat`
/// of the member that holds it.
fn codec(model: &Model, target: &str, format: Option<TimestampFormat>, depth: usize) -> XmlCodec {
    let Some(shape) = model.get(target) else { return XmlCodec::Text };
    if depth > 64 {
        return XmlCodec::Text;
    }
    let element = |m: Option<&Member>| -> XmlCodec {
        match m {
            Some(m) => {
                let c = codec(model, &m.target, m.traits.timestamp_format.map(Into::into), depth + 1);
                if shape.traits.sparse {
                    XmlCodec::Sparse(Box::new(c))
                } else {
                    c
                }
            }
            None => XmlCodec::Text,
        }
    };
    let named = |n: &str| shape.members.iter().find(|m| m.name == n);
    let xml_name = |n: &str| spec(named(n).and_then(|m| m.traits.xml_name.clone()).unwrap_or_else(|| n.to_string()), named(n));
    match shape.kind {
        ShapeKind::Structure | ShapeKind::Union => XmlCodec::Struct,
        ShapeKind::Timestamp => XmlCodec::Timestamp(
            format.or(shape.traits.timestamp_format.map(Into::into)).unwrap_or(TimestampFormat::DateTime),
        ),
        ShapeKind::List => XmlCodec::List { member: xml_name("member"), flat: false, element: Box::new(element(named("member"))) },
        ShapeKind::Map => XmlCodec::Map {
            key: xml_name("key"),
            value: xml_name("value"),
            flat: false,
            element: Box::new(element(named("value"))),
        },
        _ => XmlCodec::Text,
    }
}
