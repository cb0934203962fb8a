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
        // An unsigned call (`@auth([])`: STS AssumeRoleWithWebIdentity, SSO
        // GetRoleCredentials) is not authorized by the caller's IAM policy,
        // nor is one without SigV4 (a bearer token, an API key: a service
        // that is not AWS's).
        if op.unsigned || !op.auth.contains(&crate::ir::AuthIr::SigV4) {
            op.iam_actions.clear();
            continue;
        }
        let Some(shape) = model.get(&op.shape_id) else { continue };
        let traits = &shape.traits;
        let mut actions: Vec<String> = Vec::new();
        match (traits.iam_action.as_ref().and_then(|a| a.name.as_deref()), table.iter().find(|(o, _)| *o == op.name)) {
            (Some(name), _) => actions.push(format!("{prefix}:{name}")),
            (None, Some((_, names))) => actions.extend(names.iter().map(|n| n.to_string())),
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

/// Operations whose IAM actions are not named after them, for services
/// whose models carry no `aws.iam#iamAction`: the whole action names (S3's
/// include `s3express:` and `s3-object-lambda:` ones), from the Service
/// Authorization Reference ("Actions defined by Amazon S3") and the
/// permissions each operation's documentation in the model names.
fn known_names(sdk_id: Option<&str>) -> &'static [(&'static str, &'static [&'static str])] {
    match sdk_id {
        Some("S3") => &[
            ("CompleteMultipartUpload", &["s3:PutObject"]),
            ("CopyObject", &["s3:GetObject", "s3:PutObject"]),
            ("CreateMultipartUpload", &["s3:PutObject"]),
            ("CreateSession", &["s3express:CreateSession"]),
            ("DeleteBucketAnalyticsConfiguration", &["s3:PutAnalyticsConfiguration"]),
            ("DeleteBucketCors", &["s3:PutBucketCORS"]),
            ("DeleteBucketEncryption", &["s3:PutEncryptionConfiguration"]),
            ("DeleteBucketIntelligentTieringConfiguration", &["s3:PutIntelligentTieringConfiguration"]),
            ("DeleteBucketInventoryConfiguration", &["s3:PutInventoryConfiguration"]),
            ("DeleteBucketLifecycle", &["s3:PutLifecycleConfiguration"]),
            ("DeleteBucketMetricsConfiguration", &["s3:PutMetricsConfiguration"]),
            ("DeleteBucketOwnershipControls", &["s3:PutBucketOwnershipControls"]),
            ("DeleteBucketReplication", &["s3:PutReplicationConfiguration"]),
            ("DeleteBucketTagging", &["s3:PutBucketTagging"]),
            ("DeleteObjects", &["s3:DeleteObject"]),
            ("DeletePublicAccessBlock", &["s3:PutBucketPublicAccessBlock"]),
            ("GetBucketAccelerateConfiguration", &["s3:GetAccelerateConfiguration"]),
            ("GetBucketAnalyticsConfiguration", &["s3:GetAnalyticsConfiguration"]),
            ("GetBucketCors", &["s3:GetBucketCORS"]),
            ("GetBucketEncryption", &["s3:GetEncryptionConfiguration"]),
            ("GetBucketIntelligentTieringConfiguration", &["s3:GetIntelligentTieringConfiguration"]),
            ("GetBucketInventoryConfiguration", &["s3:GetInventoryConfiguration"]),
            ("GetBucketLifecycleConfiguration", &["s3:GetLifecycleConfiguration"]),
            ("GetBucketMetricsConfiguration", &["s3:GetMetricsConfiguration"]),
            ("GetBucketNotificationConfiguration", &["s3:GetBucketNotification"]),
            ("GetBucketReplication", &["s3:GetReplicationConfiguration"]),
            ("GetObjectAttributes", &["s3:GetObject", "s3:GetObjectAttributes"]),
            ("GetObjectLockConfiguration", &["s3:GetBucketObjectLockConfiguration"]),
            ("GetPublicAccessBlock", &["s3:GetBucketPublicAccessBlock"]),
            ("HeadBucket", &["s3:ListBucket"]),
            ("HeadObject", &["s3:GetObject"]),
            ("ListBucketAnalyticsConfigurations", &["s3:GetAnalyticsConfiguration"]),
            ("ListBucketIntelligentTieringConfigurations", &["s3:GetIntelligentTieringConfiguration"]),
            ("ListBucketInventoryConfigurations", &["s3:GetInventoryConfiguration"]),
            ("ListBucketMetricsConfigurations", &["s3:GetMetricsConfiguration"]),
            ("ListBuckets", &["s3:ListAllMyBuckets"]),
            ("ListDirectoryBuckets", &["s3express:ListAllMyDirectoryBuckets"]),
            ("ListMultipartUploads", &["s3:ListBucketMultipartUploads"]),
            ("ListObjectVersions", &["s3:ListBucketVersions"]),
            ("ListObjects", &["s3:ListBucket"]),
            ("ListObjectsV2", &["s3:ListBucket"]),
            ("ListParts", &["s3:ListMultipartUploadParts"]),
            ("PutBucketAccelerateConfiguration", &["s3:PutAccelerateConfiguration"]),
            ("PutBucketAnalyticsConfiguration", &["s3:PutAnalyticsConfiguration"]),
            ("PutBucketCors", &["s3:PutBucketCORS"]),
            ("PutBucketEncryption", &["s3:PutEncryptionConfiguration"]),
            ("PutBucketIntelligentTieringConfiguration", &["s3:PutIntelligentTieringConfiguration"]),
            ("PutBucketInventoryConfiguration", &["s3:PutInventoryConfiguration"]),
            ("PutBucketLifecycleConfiguration", &["s3:PutLifecycleConfiguration"]),
            ("PutBucketMetricsConfiguration", &["s3:PutMetricsConfiguration"]),
            ("PutBucketNotificationConfiguration", &["s3:PutBucketNotification"]),
            ("PutBucketReplication", &["s3:PutReplicationConfiguration"]),
            ("PutObjectLockConfiguration", &["s3:PutBucketObjectLockConfiguration"]),
            ("PutPublicAccessBlock", &["s3:PutBucketPublicAccessBlock"]),
            ("SelectObjectContent", &["s3:GetObject"]),
            ("UploadPart", &["s3:PutObject"]),
            ("UploadPartCopy", &["s3:GetObject", "s3:PutObject"]),
            ("WriteGetObjectResponse", &["s3-object-lambda:WriteGetObjectResponse"]),
        ],
        _ => &[],
    }
}
