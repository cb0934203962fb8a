//! What AWS SDKs add to particular services beyond their models, as the
//! Smithy protocol compliance suites test it: headers every request of the
//! service carries.

use crate::model::Shape;

/// Headers every request of `svc` carries (lower-case names):
/// - `x-amzn-query-mode: true` on `@awsQueryCompatible` services (SQS), so
///   the service answers errors with their awsQuery codes;
/// - `accept: application/json` on API Gateway, which otherwise may answer
///   in another format;
/// - `x-amz-glacier-version: <API version>` on Glacier, which requires it.
pub fn default_headers(svc: &Shape, version: Option<&str>) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if svc.traits.aws_query_compatible {
        headers.push(("x-amzn-query-mode".to_string(), "true".to_string()));
    }
    match svc.traits.aws_service.as_ref().map(|a| a.sdk_id.as_str()) {
        Some("API Gateway") => headers.push(("accept".to_string(), "application/json".to_string())),
        Some("Glacier") => {
            if let Some(v) = version {
                headers.push(("x-amz-glacier-version".to_string(), v.to_string()));
            }
        }
        _ => {}
    }
    headers
}
