//! awsQuery and ec2Query: the request (a form body, see [`query`](crate::query)),
//! the response envelope and error responses.
//!
//! - awsQuery: `<OpResponse><OpResult>…members…</OpResult><ResponseMetadata>`;
//!   errors `<ErrorResponse><Error><Type/><Code/><Message/>…</Error><RequestId/></ErrorResponse>`.
//! - ec2Query: `<OpResponse>…members…<requestId/></OpResponse>`; errors
//!   `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.

use super::error::{ErrorHeaders, ErrorMeta, Failure, Modeled, ParseError};
use super::invoke::ServiceSpec;
use super::protocol::Protocol;
use super::query::{QueryStruct, QueryWriter};
use super::request::{PreparedRequest, RawResponse};
use super::xml::{read_document, Element, XmlError, XmlReader, XmlStruct};

/// The request of operation `action` (API version `version`) for `input`.
pub fn request<T: QueryStruct>(service: &ServiceSpec, action: &str, version: &str, input: &T) -> Result<PreparedRequest, Failure> {
    let mut w = QueryWriter::new(action, version, service.protocol == Protocol::Ec2Query);
    input.write_query(&mut w, "");
    let mut request = PreparedRequest::new("POST", "/");
    request.header("content-type", "application/x-www-form-urlencoded");
    request.body = Some(w.finish().into_bytes());
    Ok(request)
}

fn parse_failure(response: &RawResponse, e: XmlError) -> Failure {
    Failure::Parse(Box::new(ParseError::new(response, e.to_string())))
}

/// An operation's output from a successful response: the members inside
/// `<OpResponse><OpResult>` (awsQuery: `result` is `Some("OpResult")`) or
/// inside `<OpResponse>` (ec2Query: `None`). An empty body is an empty output.
pub fn parse_output<T: XmlStruct + Default>(response: &RawResponse, result: Option<&str>) -> Result<T, Failure> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    read_document(&response.body, |r, root| match result {
        None => T::read_xml(r, root),
        Some(wrapper) => {
            let mut out = None;
            while let Some(child) = r.next_child(root)? {
                if out.is_none() && child.is(wrapper) {
                    out = Some(T::read_xml(r, &child)?);
                } else {
                    r.skip(&child)?;
                }
            }
            Ok(out.unwrap_or_default())
        }
    })
    .map_err(|e| parse_failure(response, e))
}

/// What an error response's body says: code, message, request id.
#[derive(Default)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

/// Calls `at_error` with the `<Error>` element of an error body, whichever
/// protocol's envelope it is in (`ErrorResponse/Error`, `Response/Errors/Error`,
/// or a bare `Error`); returns the envelope's request id too.
fn visit_error<'a>(
    r: &mut XmlReader<'a>,
    root: &Element<'a>,
    mut at_error: impl FnMut(&mut XmlReader<'a>, &Element<'a>) -> Result<(), XmlError>,
) -> Result<Option<String>, XmlError> {
    if root.is("Error") {
        at_error(r, root)?;
        return Ok(None);
    }
    let mut request_id = None;
    let mut seen = false;
    while let Some(child) = r.next_child(root)? {
        if child.is("Error") && !seen {
            seen = true;
            at_error(r, &child)?;
        } else if child.is("Errors") && !seen {
            while let Some(e) = r.next_child(&child)? {
                if e.is("Error") && !seen {
                    seen = true;
                    at_error(r, &e)?;
                } else {
                    r.skip(&e)?;
                }
            }
        } else if child.is("RequestId") || child.is("RequestID") || child.is("requestId") {
            request_id = Some(r.text(&child)?.trim().to_string());
        } else {
            r.skip(&child)?;
        }
    }
    Ok(request_id)
}

fn error_body(response: &RawResponse) -> Result<ErrorBody, XmlError> {
    read_document(&response.body, |r, root| {
        let mut out = ErrorBody::default();
        let request_id = visit_error(r, root, |r, el| {
            while let Some(child) = r.next_child(el)? {
                if child.is("Code") {
                    out.code = Some(r.text(&child)?.trim().to_string());
                } else if child.is("Message") || child.is("message") {
                    out.message = Some(r.text(&child)?.into_owned());
                } else {
                    r.skip(&child)?;
                }
            }
            Ok(())
        })?;
        out.request_id = request_id;
        Ok(out)
    })
}

/// The error code of an error response, if its body has one.
pub fn error_code(response: &RawResponse) -> Option<String> {
    error_body(response).ok()?.code.filter(|c| !c.is_empty())
}

/// Everything an error response says about the error. A body that is not
/// an error document (an HTML page, say) gives the code `Unknown` and the
/// start of the body as the message.
pub fn error_meta(response: &RawResponse) -> ErrorMeta {
    let body = error_body(response).unwrap_or_default();
    let code = body.code.filter(|c| !c.is_empty());
    let message = body.message.or_else(|| code.is_none().then(|| ParseError::new(response, "").body_excerpt).filter(|s| !s.is_empty()));
    ErrorMeta {
        status: response.status,
        code: code.unwrap_or_else(|| "Unknown".to_string()),
        message,
        request_id: response.request_id().map(str::to_string).or(body.request_id),
        attempts: response.attempts,
    }
}

/// A modeled error's members, read from the `<Error>` element.
pub fn parse_error<T: XmlStruct + Default + ErrorHeaders>(response: &RawResponse, meta: ErrorMeta) -> Result<Modeled<T>, Failure> {
    let mut error = read_document(&response.body, |r, root| {
        let mut out = None;
        visit_error(r, root, |r, el| {
            out = Some(T::read_xml(r, el)?);
            Ok(())
        })?;
        Ok(out.unwrap_or_default())
    })
    .map_err(|e| parse_failure(response, e))?;
    error.read_headers(response);
    Ok(Modeled { error, meta })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelopes() {
        let query = RawResponse::new(
            400,
            vec![],
            b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>".to_vec(),
        );
        let m = error_meta(&query);
        assert_eq!((m.code.as_str(), m.message.as_deref(), m.request_id.as_deref()), ("InvalidGreeting", Some("Hi"), Some("foo-id")));
        let ec2 = RawResponse::new(
            400,
            vec![],
            b"<Response><Errors><Error><Code>InvalidGreeting</Code><Message>Hi</Message></Error></Errors><RequestID>foo-id</RequestID></Response>".to_vec(),
        );
        let m = error_meta(&ec2);
        assert_eq!((m.code.as_str(), m.message.as_deref(), m.request_id.as_deref()), ("InvalidGreeting", Some("Hi"), Some("foo-id")));
        let html = RawResponse::new(503, vec![], b"<html><body>busy</body></html>".to_vec());
        assert_eq!(error_meta(&html).code, "Unknown");
        let truncated = RawResponse::new(500, vec![], b"<ErrorResponse><Error><Code>Thr".to_vec());
        assert_eq!(error_meta(&truncated).code, "Unknown");
    }
}
