//! The generated validators on the seed operations: each kind of violation is
//! reported with its member path and constraint, all at once, and valid inputs
//! (including non-ASCII ones) pass.

use std::collections::BTreeMap;

use aws_generated::cloudwatch_logs::types::{
    IntegrationType, OpenSearchResourceConfig, PutDestinationInput, PutDestinationPolicyInput, PutIntegrationInput,
    ResourceConfig,
};
use aws_generated::guardduty::types::{CreatePublishingDestinationInput, DestinationProperties, DestinationType};
use smithy_gen_runtime::types::validate::{LengthUnit, ValidationError, Violation, ViolationKind};

fn violations(r: Result<(), ValidationError>) -> Vec<Violation> {
    match r {
        Ok(()) => Vec::new(),
        Err(e) => e.violations,
    }
}

fn one(r: Result<(), ValidationError>) -> Violation {
    let v = violations(r);
    assert_eq!(v.len(), 1, "expected exactly one violation, got {v:#?}");
    v.into_iter().next().expect("one violation")
}

fn put_destination() -> PutDestinationInput {
    PutDestinationInput::new("dest", "arn:aws:kinesis:us-east-1:123456789012:stream/s", "arn:aws:iam::123456789012:role/r")
}

fn integration(retention_days: i32) -> PutIntegrationInput {
    PutIntegrationInput::new(
        "integration",
        ResourceConfig::OpenSearchResourceConfig(OpenSearchResourceConfig::new(
            "arn:aws:iam::123456789012:role/r",
            vec!["arn:aws:iam::123456789012:user/u".to_string()],
            retention_days,
        )),
        IntegrationType::Opensearch,
    )
}

fn publishing_destination(detector_id: &str) -> CreatePublishingDestinationInput {
    let props = DestinationProperties::builder()
        .destination_arn("arn:aws:s3:::bucket")
        .kms_key_arn("arn:aws:kms:us-east-1:123456789012:key/k")
        .build();
    CreatePublishingDestinationInput::new(detector_id, DestinationType::S3, props)
}

#[test]
fn valid_inputs_pass() {
    assert_eq!(put_destination().validate(), Ok(()));
    assert_eq!(PutDestinationPolicyInput::new("dest", "{}").validate(), Ok(()));
    assert_eq!(integration(30).validate(), Ok(()));
    assert_eq!(integration(1).validate(), Ok(()));
    assert_eq!(publishing_destination(&"d".repeat(300)).validate(), Ok(()));
}

#[test]
fn destination_name_of_513_characters() {
    let mut input = put_destination();
    input.destination_name = Some("a".repeat(513));
    let v = one(input.validate());
    assert_eq!(v.path, "destinationName");
    assert_eq!(v.kind, ViolationKind::Length { min: Some(1), max: Some(512), actual: 513, unit: LengthUnit::Chars });
    assert!(v.to_string().contains("destinationName: value has length 513, must be between 1 and 512"), "{v}");
}

#[test]
fn length_counts_unicode_scalar_values_not_bytes() {
    // 512 characters of 3 bytes each: 1,536 bytes, within the limit.
    let mut input = put_destination();
    input.destination_name = Some("日".repeat(512));
    assert_eq!(input.validate(), Ok(()));
    // Astral-plane characters count once each (not as two UTF-16 units).
    input.destination_name = Some("😀".repeat(512));
    assert_eq!(input.validate(), Ok(()));
    input.destination_name = Some("😀".repeat(513));
    assert_eq!(one(input.validate()).path, "destinationName");
    // Non-ASCII letters satisfy the \p{L} tag patterns.
    input.destination_name = Some("dest".into());
    input.tags = Some(BTreeMap::from([("clé-ñ".to_string(), "値 ü".to_string())]));
    assert_eq!(input.validate(), Ok(()));
}

#[test]
fn pattern_is_applied_and_not_implicitly_anchored() {
    let mut input = put_destination();
    input.destination_name = Some("has:colon".into());
    let v = one(input.validate());
    assert_eq!(v.path, "destinationName");
    assert_eq!(v.kind, ViolationKind::Pattern { pattern: "^[^:*]*$" });
}

#[test]
fn empty_access_policy() {
    let v = one(PutDestinationPolicyInput::new("dest", "").validate());
    assert_eq!(v.path, "accessPolicy");
    assert_eq!(v.kind, ViolationKind::Length { min: Some(1), max: None, actual: 0, unit: LengthUnit::Chars });
}

#[test]
fn tag_key_of_129_characters() {
    let mut input = put_destination();
    let key = "k".repeat(129);
    input.tags = Some(BTreeMap::from([(key.clone(), "v".to_string())]));
    let v = one(input.validate());
    assert_eq!(v.path, format!("tags[\"{key}\"]"));
    assert!(v.on_map_key);
    assert_eq!(v.kind, ViolationKind::Length { min: Some(1), max: Some(128), actual: 129, unit: LengthUnit::Chars });
}

#[test]
fn tag_value_outside_its_pattern() {
    let mut input = put_destination();
    input.tags = Some(BTreeMap::from([("team".to_string(), "a*b".to_string())]));
    let v = one(input.validate());
    assert_eq!(v.path, "tags[\"team\"]");
    assert!(!v.on_map_key);
    assert_eq!(v.kind, ViolationKind::Pattern { pattern: "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$" });
}

#[test]
fn fifty_one_tags() {
    let mut input = put_destination();
    input.tags = Some((0..51).map(|i| (format!("k{i}"), "v".to_string())).collect());
    let v = one(input.validate());
    assert_eq!(v.path, "tags");
    assert_eq!(v.kind, ViolationKind::Length { min: Some(1), max: Some(50), actual: 51, unit: LengthUnit::Items });
    input.tags = Some((0..50).map(|i| (format!("k{i}"), "v".to_string())).collect());
    assert_eq!(input.validate(), Ok(()));
}

#[test]
fn retention_days_0_and_31() {
    for days in [0, 31] {
        let v = one(integration(days).validate());
        assert_eq!(v.path, "resourceConfig.openSearchResourceConfig.retentionDays");
        assert_eq!(
            v.kind,
            ViolationKind::Range { min: Some("1".into()), max: Some("30".into()), actual: days.to_string() }
        );
    }
}

#[test]
fn missing_target_arn() {
    let mut input = put_destination();
    input.target_arn = None;
    let v = one(input.validate());
    assert_eq!(v.path, "targetArn");
    assert_eq!(v.kind, ViolationKind::Required);
    // The same from JSON, as a CLI or a config file would give it.
    let input: PutDestinationInput =
        serde_json::from_str(r#"{"destinationName":"d","roleArn":"arn:r"}"#).expect("parses");
    assert_eq!(one(input.validate()).path, "targetArn");
}

#[test]
fn unset_union() {
    // Not set at all: the required member is missing.
    let mut input = integration(7);
    input.resource_config = None;
    let v = one(input.validate());
    assert_eq!(v.path, "resourceConfig");
    assert_eq!(v.kind, ViolationKind::Required);
    // Set to an object with no member: rejected when parsed, with a clear message.
    let err = serde_json::from_str::<PutIntegrationInput>(
        r#"{"integrationName":"i","resourceConfig":{},"integrationType":"OPENSEARCH"}"#,
    )
    .expect_err("an empty union must not parse");
    assert!(err.to_string().contains("union ResourceConfig must have exactly one member set, found none"), "{err}");
    // Two members set: rejected too.
    let err = serde_json::from_str::<ResourceConfig>(r#"{"openSearchResourceConfig":{},"other":{}}"#)
        .expect_err("two members must not parse");
    assert!(err.to_string().contains("exactly one member set"), "{err}");
    // A member this client does not know parses (forward compatibility) but is not valid input.
    let mut input = integration(7);
    input.resource_config = Some(serde_json::from_str(r#"{"futureConfig":{"x":1}}"#).expect("parses"));
    let v = one(input.validate());
    assert_eq!(v.path, "resourceConfig");
    assert_eq!(v.kind, ViolationKind::UnionMember { member: "futureConfig".into() });
}

#[test]
fn unknown_integration_type() {
    let mut input = integration(7);
    input.integration_type = Some(IntegrationType::from("ELASTICSEARCH"));
    let v = one(input.validate());
    assert_eq!(v.path, "integrationType");
    assert_eq!(v.kind, ViolationKind::EnumValue { value: "ELASTICSEARCH".into(), allowed: &["OPENSEARCH"] });
}

#[test]
fn detector_id_of_301_characters() {
    let v = one(publishing_destination(&"d".repeat(301)).validate());
    assert_eq!(v.path, "DetectorId");
    assert_eq!(v.kind, ViolationKind::Length { min: Some(1), max: Some(300), actual: 301, unit: LengthUnit::Chars });
}

#[test]
fn every_violation_is_reported_at_once() {
    let input: PutIntegrationInput = serde_json::from_str(
        r#"{"integrationName":"","resourceConfig":{"openSearchResourceConfig":{"retentionDays":0}},"integrationType":"NOPE"}"#,
    )
    .expect("parses");
    let paths: Vec<String> = violations(input.validate()).into_iter().map(|v| v.path).collect();
    assert_eq!(
        paths,
        [
            // Empty: breaks both @length (min 1) and the pattern (`+`).
            "integrationName",
            "integrationName",
            "resourceConfig.openSearchResourceConfig.dataSourceRoleArn",
            "resourceConfig.openSearchResourceConfig.dashboardViewerPrincipals",
            "resourceConfig.openSearchResourceConfig.retentionDays",
            "integrationType",
        ]
    );
    let mut bad = put_destination();
    bad.destination_name = Some("x".repeat(600) + ":");
    bad.role_arn = None;
    bad.tags = Some((0..51).map(|i| (format!("aws:{i}*"), "v".to_string())).collect());
    let v = violations(bad.validate());
    // name: length + pattern; roleArn: required; tags: count + 51 key patterns.
    assert_eq!(v.len(), 2 + 1 + 1 + 51, "{v:#?}");
}

#[test]
fn display_lists_every_violation() {
    let err = PutDestinationPolicyInput::default().validate().expect_err("empty input is invalid");
    assert_eq!(
        err.to_string(),
        "PutDestinationPolicyInput is invalid (2 violations)\n  - destinationName: required member is missing\n  - accessPolicy: required member is missing"
    );
}
