//! Error responses of the XML protocols: the code, message and request id,
//! and a modeled error's members, from whichever envelope holds them:
//!
//! - awsQuery, restXml: `<ErrorResponse><Error><Type/><Code/><Message/>…</Error><RequestId/></ErrorResponse>`;
//! - ec2Query: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`;
//! - restXml with `noErrorWrapping` (S3): `<Error><Code/><Message/>…<RequestId/></Error>`.

use crate::error::{ErrorHeaders, ErrorMeta, Failure, Modeled, ParseError};
use crate::request::RawResponse;
use crate::protocols::xml::{parse_failure, read_document, Element, XmlError, XmlReader, XmlStruct};

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
                } else if child.is("RequestId") {
                    out.request_id = Some(r.text(&child)?.trim().to_string());
                } else {
                    r.skip(&child)?;
                }
            }
            Ok(())
        })?;
        if request_id.is_some() {
            out.request_id = request_id;
        }
        Ok(out)
    })
}

/// The error code of an error response, if its body (or, without a body,
/// its status) gives one.
pub fn error_code(response: &RawResponse) -> Option<String> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return status_code(response.status).map(str::to_string);
    }
    error_body(response).ok()?.code.filter(|c| !c.is_empty())
}

/// The code of an error response without a body (an answer to `HEAD`, which
/// cannot have one): the status's, as AWS SDKs name it (S3's `NotFound`).
fn status_code(status: u16) -> Option<&'static str> {
    Some(match status {
        304 => "NotModified",
        400 => "BadRequest",
        403 => "Forbidden",
        404 => "NotFound",
        412 => "PreconditionFailed",
        _ => return None,
    })
}

/// Everything an error response says about the error. A response without a
/// body is named by its status (`404`: `NotFound`); a body that is not an
/// error document (an HTML page, say) gives the code `Unknown` and the start
/// of the body as the message.
pub fn error_meta(response: &RawResponse) -> ErrorMeta {
    let body = error_body(response).unwrap_or_default();
    let code = body.code.filter(|c| !c.is_empty()).or_else(|| {
        response.body.iter().all(u8::is_ascii_whitespace).then(|| status_code(response.status)).flatten().map(str::to_string)
    });
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
    if response.body.iter().all(u8::is_ascii_whitespace) {
        let mut error = T::default();
        error.read_headers(response);
        return Ok(Modeled { error, meta });
    }
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
        let s3 = RawResponse::new(
            404,
            vec![],
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message><Key>k</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>".to_vec(),
        );
        let m = error_meta(&s3);
        assert_eq!((m.code.as_str(), m.request_id.as_deref()), ("NoSuchKey", Some("4442587FB7D0A2F9")));
        let head = RawResponse::new(404, vec![], Vec::new());
        assert_eq!((error_meta(&head).code.as_str(), error_code(&head).as_deref()), ("NotFound", Some("NotFound")));
        assert_eq!(error_meta(&RawResponse::new(500, vec![], Vec::new())).code, "Unknown");
        let truncated = RawResponse::new(500, vec![], b"<ErrorResponse><Error><Code>Thr".to_vec());
        assert_eq!(error_meta(&truncated).code, "Unknown");
    }
}
