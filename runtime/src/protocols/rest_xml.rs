//! restXml bodies: the input's unbound members as an XML document (or an
//! `@httpPayload` structure or union as the document), and the output's
//! members read from the response's document. HTTP bindings are shared with
//! restJson1 ([`rest_json`](crate::protocols::rest_json)); errors are read by
//! [`xml_errors`](crate::protocols::xml_errors).

use crate::error::Failure;
use crate::request::RawResponse;
use crate::protocols::xml::{parse_failure, read_document, read_text, XmlStruct, XmlText};
use crate::protocols::xml_write::{document, XmlWrite};

/// `input` as the document `spec` (root element name and namespace), without
/// the members bound elsewhere (`skip`, by XML name).
pub fn xml_body<T: XmlWrite + ?Sized>(input: &T, spec: &str, skip: &[&str]) -> Vec<u8> {
    document(input, spec, skip)
}

/// The output's body members from the response's document (an empty body
/// reads as no members).
pub fn parse_body<T: XmlStruct + Default>(response: &RawResponse) -> Result<T, Failure> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    read_document(&response.body, |r, root| T::read_xml(r, root)).map_err(|e| parse_failure(response, e))
}

/// An `@httpPayload` structure or union: the whole document, or `None` for
/// an empty body.
pub fn parse_payload<T: XmlStruct>(response: &RawResponse) -> Result<Option<T>, Failure> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    read_document(&response.body, |r, root| T::read_xml(r, root)).map(Some).map_err(|e| parse_failure(response, e))
}

/// The text of the root element as the output's one member
/// (`aws.customizations#s3UnwrappedXmlOutput`); `None` for an empty body or
/// an empty element.
pub fn parse_unwrapped<T: XmlText>(response: &RawResponse) -> Result<Option<T>, Failure> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    read_document(&response.body, |r, root| {
        let text: String = read_text(r, root)?;
        if text.is_empty() {
            return Ok(None);
        }
        T::from_xml_text(&text).map(Some).map_err(|e| crate::protocols::xml::XmlError { message: format!("<{}>: {e}", root.name()), offset: 0 })
    })
    .map_err(|e| parse_failure(response, e))
}

/// Whether a successful response's body is an `<Error>` document (S3 answers
/// `200 OK` and then reports a failure in the body).
pub fn is_error_document(response: &RawResponse) -> bool {
    let body = &response.body;
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    if !body[start..].starts_with(b"<") {
        return false;
    }
    let mut r = match crate::protocols::xml::XmlReader::new(body) {
        Ok(r) => r,
        Err(_) => return false,
    };
    r.root().is_ok_and(|root| root.name() == "Error")
}

/// [`output`](crate::error::output) for an operation whose `200` may carry
/// an `<Error>` document (S3): such a response is the operation's error.
pub fn output_or_error_document<T, E: From<Failure>>(
    response: &RawResponse,
    error: fn(&RawResponse) -> E,
    parse: impl FnOnce(&RawResponse) -> Result<T, Failure>,
) -> Result<T, E> {
    if response.is_success() && is_error_document(response) {
        return Err(error(response));
    }
    crate::error::output(response, error, parse)
}
