//! What AWS SDKs add to particular services beyond their models, as the
//! Smithy protocol compliance suites test it: headers every request of the
//! service carries, and per-operation request changes.

use crate::ir::{HttpBinding, RequestCustomization, ServiceIr, TypeIr};
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

/// Fill `OperationIr::customizations`:
/// - Glacier: an unset or empty `accountId` label is `-` (the caller's own
///   account; the member is then not required), and uploads carry the body's
///   SHA-256 and tree hash;
/// - Machine Learning: `Predict` goes to its `PredictEndpoint` when set.
pub fn resolve(svc: &Shape, ir: &mut ServiceIr) {
    let sdk_id = svc.traits.aws_service.as_ref().map(|a| a.sdk_id.as_str());
    for op in &mut ir.operations {
        let Some(TypeIr::Struct(input)) = ir.types.iter_mut().find(|t| t.name() == op.input) else { continue };
        match sdk_id {
            Some("Glacier") => {
                if let Some(m) = input.members.iter_mut().find(|m| m.name == "accountId" && matches!(m.http, HttpBinding::Label { .. })) {
                    m.required = false;
                    op.customizations.push(RequestCustomization::LabelDefault { field: m.rust_name.clone(), value: "-".into() });
                }
                if matches!(op.name.as_str(), "UploadArchive" | "UploadMultipartPart") {
                    op.customizations.push(RequestCustomization::GlacierChecksums);
                }
            }
            Some("Machine Learning") if op.name == "Predict" => {
                if let Some(m) = input.members.iter().find(|m| m.name == "PredictEndpoint") {
                    op.customizations.push(RequestCustomization::EndpointFromMember { field: m.rust_name.clone() });
                }
            }
            _ => {}
        }
    }
}
