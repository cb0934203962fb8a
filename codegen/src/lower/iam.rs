//! The IAM actions each operation needs: what a least-privilege policy for
//! a crate's operations allows (emitted as each service's `IAM_ACTIONS` and
//! `iam_policy()`).
//!
//! An operation's action is `<prefix>:<name>`: the prefix is the service's
//! IAM namespace (`aws.api#service`'s `arnNamespace`, else its SigV4 signing
//! name, else its endpoint prefix), the name is `aws.iam#iamAction`'s `name`
//! or the operation's. The model's `requiredActions` (in `iamAction` or the
//! older `aws.iam#requiredActions`) follow. Services whose actions are named
//! otherwise and whose models do not say so get their names from the
//! Service Authorization Reference here (S3's `ListObjectsV2` is allowed by
//! `s3:ListBucket`).

use crate::ir::ServiceIr;
use crate::model::{Model, Shape};

pub fn resolve(model: &Model, svc: &Shape, ir: &mut ServiceIr) {
    let aws = svc.traits.aws_service.as_ref();
    let prefix = aws
        .and_then(|a| a.arn_namespace.clone())
        .or_else(|| svc.traits.sigv4_name.clone())
        .or_else(|| aws.and_then(|a| a.endpoint_prefix.clone()))
        .unwrap_or_else(|| crate::model::shape_id::name_of(&svc.id).to_ascii_lowercase());
    let table = known_names(aws.map(|a| a.sdk_id.as_str()));
    for op in &mut ir.operations {
        let Some(shape) = model.get(&op.shape_id) else { continue };
        let traits = &shape.traits;
        let mut actions: Vec<String> = Vec::new();
        match (traits.iam_action.as_ref().and_then(|a| a.name.as_deref()), table.iter().find(|(o, _)| *o == op.name)) {
            (Some(name), _) => actions.push(format!("{prefix}:{name}")),
            (None, Some((_, names))) => actions.extend(names.iter().map(|n| format!("{prefix}:{n}"))),
            (None, None) => actions.push(format!("{prefix}:{}", op.name)),
        }
        let required = traits.iam_action.iter().flat_map(|a| &a.required_actions).chain(&traits.required_actions);
        for action in required {
            if !actions.contains(action) {
                actions.push(action.clone());
            }
        }
        op.iam_actions = actions;
    }
}

/// Operations whose IAM action is not named after them, for services whose
/// models carry no `aws.iam#iamAction` (from the Service Authorization
/// Reference, "Actions defined by Amazon S3").
fn known_names(sdk_id: Option<&str>) -> &'static [(&'static str, &'static [&'static str])] {
    match sdk_id {
        Some("S3") => &[
            ("CompleteMultipartUpload", &["PutObject"]),
            ("CopyObject", &["GetObject", "PutObject"]),
            ("CreateMultipartUpload", &["PutObject"]),
            ("DeleteBucketCors", &["PutBucketCORS"]),
            ("DeleteBucketEncryption", &["PutEncryptionConfiguration"]),
            ("DeleteBucketLifecycle", &["PutLifecycleConfiguration"]),
            ("DeleteBucketReplication", &["PutReplicationConfiguration"]),
            ("DeleteBucketTagging", &["PutBucketTagging"]),
            ("DeleteObjects", &["DeleteObject"]),
            ("DeletePublicAccessBlock", &["PutBucketPublicAccessBlock"]),
            ("GetBucketAccelerateConfiguration", &["GetAccelerateConfiguration"]),
            ("GetBucketCors", &["GetBucketCORS"]),
            ("GetBucketEncryption", &["GetEncryptionConfiguration"]),
            ("GetBucketLifecycleConfiguration", &["GetLifecycleConfiguration"]),
            ("GetBucketNotificationConfiguration", &["GetBucketNotification"]),
            ("GetBucketReplication", &["GetReplicationConfiguration"]),
            ("GetObjectAttributes", &["GetObject", "GetObjectAttributes"]),
            ("GetObjectLockConfiguration", &["GetBucketObjectLockConfiguration"]),
            ("GetPublicAccessBlock", &["GetBucketPublicAccessBlock"]),
            ("HeadBucket", &["ListBucket"]),
            ("HeadObject", &["GetObject"]),
            ("ListBuckets", &["ListAllMyBuckets"]),
            ("ListMultipartUploads", &["ListBucketMultipartUploads"]),
            ("ListObjectVersions", &["ListBucketVersions"]),
            ("ListObjects", &["ListBucket"]),
            ("ListObjectsV2", &["ListBucket"]),
            ("ListParts", &["ListMultipartUploadParts"]),
            ("PutBucketAccelerateConfiguration", &["PutAccelerateConfiguration"]),
            ("PutBucketCors", &["PutBucketCORS"]),
            ("PutBucketEncryption", &["PutEncryptionConfiguration"]),
            ("PutBucketLifecycleConfiguration", &["PutLifecycleConfiguration"]),
            ("PutBucketNotificationConfiguration", &["PutBucketNotification"]),
            ("PutBucketReplication", &["PutReplicationConfiguration"]),
            ("PutObjectLockConfiguration", &["PutBucketObjectLockConfiguration"]),
            ("PutPublicAccessBlock", &["PutBucketPublicAccessBlock"]),
            ("SelectObjectContent", &["GetObject"]),
            ("UploadPart", &["PutObject"]),
            ("UploadPartCopy", &["GetObject", "PutObject"]),
        ],
        _ => &[],
    }
}
