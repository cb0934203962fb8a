//! awsQuery and ec2Query: the request (a form body, see [`query`](crate::protocols::query))
//! and the response envelope (errors: [`xml_errors`](crate::protocols::xml_errors)).
//!
//! - awsQuery: `<OpResponse><OpResult>…members…</OpResult><ResponseMetadata>`.
//! - ec2Query: `<OpResponse>…members…<requestId/></OpResponse>`.

use crate::error::Failure;
use crate::invoke::ServiceSpec;
use crate::protocols::Protocol;
use crate::protocols::query::{QueryStruct, QueryWriter};
use crate::request::{PreparedRequest, RawResponse};
use crate::protocols::xml::{parse_failure, read_document, XmlStruct};

/// The request of operation `action` (API version `version`) for `input`.
pub fn request<T: QueryStruct>(service: &ServiceSpec, action: &str, version: &str, input: &T) -> Result<PreparedRequest, Failure> {
    let mut w = QueryWriter::new(action, version, service.protocol == Protocol::Ec2Query);
    input.write_query(&mut w, "");
    let mut request = PreparedRequest::new("POST", "/");
    request.header("content-type", "application/x-www-form-urlencoded");
    request.set_body(w.finish().into_bytes());
    Ok(request)
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
