//! What AWS SDKs add to particular services beyond their models, as the
//! Smithy protocol compliance suites test it: headers every request of the
//! service carries, and per-operation request changes.

use crate::ir::{EndpointParamIr, HttpBinding, RType, RequestCustomization, ServiceIr, TypeIr, UriSegment};
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

/// S3 and S3 Control are signed with the path as sent and with
/// `x-amz-content-sha256` (what their endpoint rules' `disableDoubleEncoding`
/// and `disableNormalizePath` ask, and what AWS SDKs do).
pub fn s3_signing(svc: &Shape) -> bool {
    matches!(svc.traits.aws_service.as_ref().map(|a| a.sdk_id.as_str()), Some("S3" | "S3 Control"))
}

/// S3 operations the model does not mark `@idempotent` that are safe to
/// repeat (see [`resolve`]).
const S3_REPEAT_SAFE: &[&str] = &["PutObject", "UploadPart", "UploadPartCopy", "CopyObject", "CompleteMultipartUpload", "AbortMultipartUpload", "DeleteObject", "DeleteObjects"];

/// Fill `OperationIr::customizations`:
/// - Glacier: an unset or empty `accountId` label is `-` (the caller's own
///   account; the member is then not required), and uploads carry the body's
///   SHA-256 and tree hash;
/// - Machine Learning: `Predict` goes to its `PredictEndpoint` when set;
/// - S3 (with its endpoint rules): the `{Bucket}` label leaves the URI, since
///   the rules put the bucket in the endpoint (`bucket.s3.<region>…` or,
///   path-style, `s3.<region>…/bucket`) from the `Bucket` context parameter;
/// - S3: a `200` with an `<Error>` document is an error, for every operation
///   whose output has no blob or string payload (the user's data);
/// - STS: `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` go unsigned
///   (their token or assertion is the authentication; the model does not
///   say so, botocore's `authtype: none` does).
/// - S3: the operations of `S3_REPEAT_SAFE` are retried after a 5xx or a
///   lost connection (as if `@idempotent`), so a part that fails twice is
///   sent a third time rather than failing the transfer;
/// - S3 with every operation in `ir::TRANSFER_OPERATIONS`: a transfer
///   manager (`ServiceIr::transfer`).
pub fn resolve(svc: &Shape, ir: &mut ServiceIr) {
    let sdk_id = svc.traits.aws_service.as_ref().map(|a| a.sdk_id.as_str());
    ir.transfer = sdk_id == Some("S3") && crate::ir::TRANSFER_OPERATIONS.iter().all(|name| ir.operations.iter().any(|o| o.name == *name && o.event_stream.is_none()));
    let has_rules = ir.endpoint_rules.is_some();
    let payload_outputs: Vec<String> = ir
        .types
        .iter()
        .filter_map(|t| match t {
            TypeIr::Struct(s)
                if s.output_of.is_some()
                    && s.members.iter().any(|m| m.http == HttpBinding::Payload && matches!(m.ty, RType::Blob | RType::String)) =>
            {
                Some(s.name.clone())
            }
            _ => None,
        })
        .collect();
    for op in &mut ir.operations {
        if sdk_id == Some("STS") && matches!(op.name.as_str(), "AssumeRoleWithWebIdentity" | "AssumeRoleWithSAML") {
            op.unsigned = true;
        }
        // Safe to send again after a 5xx or a lost connection, as botocore
        // does for every operation: the same bytes under the same key or
        // part number, or a removal (a repeated Complete finds the upload
        // gone and says so). Not CreateMultipartUpload: a second upload id
        // would stay open, its parts billed.
        if sdk_id == Some("S3") && S3_REPEAT_SAFE.contains(&op.name.as_str()) {
            op.idempotent = true;
        }
        if sdk_id == Some("S3") && !payload_outputs.contains(&op.output) {
            op.customizations.push(RequestCustomization::S3ErrorsInSuccess);
        }
        if sdk_id == Some("S3") && has_rules {
            let bucket_param = op.endpoint_params.iter().any(|p| matches!(p, EndpointParamIr::Member { name, .. } if name == "Bucket"));
            if let Some(http) = op.http.as_mut().filter(|_| bucket_param) {
                if http.path.first() == Some(&UriSegment::Label("Bucket".into())) {
                    http.path.remove(0);
                    op.customizations.push(RequestCustomization::S3BucketInEndpoint);
                }
            }
        }
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
