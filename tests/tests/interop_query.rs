//! The awsQuery clients generated from the official STS, IAM and SNS models
//! against a real moto server (one per test on a free 127.0.0.1 port):
//! form-encoded requests, `<OpResponse><OpResult>` outputs, `<ErrorResponse>`
//! errors with their `@awsQueryError` codes, lists, maps and paginators.
//! Skipped with a notice without the interop Python environment, unless
//! `SMITHY_REQUIRE_INTEROP=1` (as in `cargo xtask ci`).

use aws_generated::iam::{self, errors::GetRoleError, types as iam_types};
use aws_generated::sns::{self, types as sns_types};
use aws_generated::sts::{self, types as sts_types};
use integration_tests::interop::{Moto, SKIP_NOTICE};
use smithy_gen_runtime::error::OperationError;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;


#[tokio::test]
async fn sts_get_caller_identity_and_assume_role() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = sts::Client::new(moto.config());
    let me = client.get_caller_identity_with(sts_types::GetCallerIdentityInput::default()).await.expect("GetCallerIdentity");
    assert_eq!(me.account.as_deref(), Some("123456789012"));
    assert!(me.arn.as_deref().is_some_and(|a| a.starts_with("arn:aws:")), "{me:?}");
    assert!(me.user_id.is_some());

    let role_arn = "arn:aws:iam::123456789012:role/reader";
    let mut input = sts_types::AssumeRoleInput::new(role_arn, "session-1");
    input.duration_seconds = Some(900);
    let assumed = client.assume_role_with(input).await.expect("AssumeRole");
    let creds = assumed.credentials.expect("credentials");
    assert!(creds.access_key_id.as_deref().is_some_and(|k| k.starts_with("ASIA")), "temporary key id");
    assert!(creds.secret_access_key.as_deref().is_some_and(|s| !s.is_empty()));
    assert!(creds.session_token.as_deref().is_some_and(|s| !s.is_empty()));
    let expiration = creds.expiration.expect("expiration");
    assert!(expiration > smithy_gen_runtime::Timestamp::now(), "the credentials expire in the future");
    let user = assumed.assumed_role_user.expect("assumed role user");
    assert_eq!(user.arn.as_deref(), Some("arn:aws:sts::123456789012:assumed-role/reader/session-1"));
    // The secret never shows in Debug.
    let shown = format!("{creds:?}");
    assert!(!shown.contains(creds.secret_access_key.as_deref().unwrap_or("?")), "{shown}");

    // Validation runs before sending: a session name of one character breaks @length.
    let err = client.assume_role_with(sts_types::AssumeRoleInput::new(role_arn, "x")).await.expect_err("too short");
    assert_eq!(err.kind(), smithy_gen_runtime::error::ErrorKind::Validation, "{err}");
}

#[tokio::test]
async fn iam_create_get_list_delete_roles_and_the_modeled_missing_role_error() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = iam::Client::new(moto.config());
    let mut create = iam_types::CreateRoleInput::new("app-role", TRUST);
    create.description = Some("a role & <its> description".into());
    create.tags = Some(vec![iam_types::Tag::new("team", "platform")]);
    let created = client.create_role_with(create).await.expect("CreateRole").role.expect("role");
    assert_eq!(created.role_name.as_deref(), Some("app-role"));
    assert_eq!(created.arn.as_deref(), Some("arn:aws:iam::123456789012:role/app-role"));
    assert!(created.create_date.is_some());

    let got = client.get_role_with(iam_types::GetRoleInput::new("app-role")).await.expect("GetRole").role.expect("role");
    assert_eq!(got.role_id, created.role_id);
    assert_eq!(got.description.as_deref(), Some("a role & <its> description"), "escaped text round-trips");
    // IAM returns policy documents URL-encoded (RFC 3986), as its API reference says.
    let policy = got.assume_role_policy_document.expect("the trust policy");
    assert!(policy.contains("sts%3AAssumeRole"), "{policy}");
    let tags = got.tags.expect("tags");
    assert_eq!((tags[0].key.as_deref(), tags[0].value.as_deref()), (Some("team"), Some("platform")));

    // More roles than one page holds, read back through the paginator.
    for i in 0..7 {
        client.create_role_with(iam_types::CreateRoleInput::new(format!("batch-{i}"), TRUST)).await.expect("CreateRole");
    }
    let input = iam_types::ListRolesInput::builder().max_items(3).build();
    let pages = client.list_roles_paginator(input.clone()).collect_pages().await.expect("pages");
    assert!(pages.len() >= 3, "8 roles in pages of 3: {} pages", pages.len());
    let names: Vec<String> = client
        .list_roles_paginator(input)
        .collect_items()
        .await
        .expect("roles")
        .into_iter()
        .filter_map(|r| r.role_name)
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(names.contains(&"app-role".to_string()) && names.contains(&"batch-6".to_string()), "{names:?}");

    client.delete_role_with(iam_types::DeleteRoleInput::new("app-role")).await.expect("DeleteRole");
    let err = client.get_role_with(iam_types::GetRoleInput::new("app-role")).await.expect_err("deleted");
    match &err {
        GetRoleError::NoSuchEntityException(e) => {
            assert_eq!(e.meta.code, "NoSuchEntity");
            assert_eq!(e.meta.status, 404);
            assert!(e.meta.message.as_deref().is_some_and(|m| m.contains("app-role")), "{:?}", e.meta);
        }
        other => panic!("expected the modeled NoSuchEntity error, got {other:?}"),
    }
    assert_eq!(err.code(), Some("NoSuchEntity"));
    assert!(err.message().is_some_and(|m| m.contains("app-role")), "the service's message, through the trait: {:?}", err.message());
    assert!(err.to_string().contains("NoSuchEntity"), "{err}");
}

#[tokio::test]
async fn sns_topics_publish_and_attributes() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = sns::Client::new(moto.config());
    let mut create = sns_types::CreateTopicInput::new("orders");
    create.attributes = Some([("DisplayName".to_string(), "Orders & more".to_string())].into());
    let arn = client.create_topic_with(create).await.expect("CreateTopic").topic_arn.expect("topic arn");
    assert_eq!(arn, "arn:aws:sns:us-east-1:123456789012:orders");
    client.create_topic_with(sns_types::CreateTopicInput::new("invoices")).await.expect("CreateTopic");

    let mut publish = sns_types::PublishInput::new("hello, world: ünïcödé & <xml>");
    publish.topic_arn = Some(arn.clone());
    publish.subject = Some("greeting".into());
    let published = client.publish_with(publish).await.expect("Publish");
    assert!(published.message_id.as_deref().is_some_and(|id| !id.is_empty()));

    let attrs = client
        .get_topic_attributes_with(sns_types::GetTopicAttributesInput::new(arn.clone()))
        .await
        .expect("GetTopicAttributes")
        .attributes
        .expect("attributes");
    assert_eq!(attrs.get("TopicArn"), Some(&arn));
    assert_eq!(attrs.get("DisplayName").map(String::as_str), Some("Orders & more"));

    let topics = client.list_topics_with(sns_types::ListTopicsInput::default()).await.expect("ListTopics").topics.expect("topics");
    let mut arns: Vec<String> = topics.into_iter().filter_map(|t| t.topic_arn).collect();
    arns.sort();
    assert_eq!(arns, vec!["arn:aws:sns:us-east-1:123456789012:invoices".to_string(), arn.clone()]);

    client.delete_topic_with(sns_types::DeleteTopicInput::new(arn.clone())).await.expect("DeleteTopic");
    let err = client.get_topic_attributes_with(sns_types::GetTopicAttributesInput::new(arn)).await.expect_err("deleted topic");
    assert_eq!(err.code(), Some("NotFound"), "{err}");
}

/// `smithy-call iam ListRoles --all-pages` sends every page and prints every
/// role as one array (`aws iam list-roles` does the same); `--all-pages` on
/// an operation without a paginator is a usage error.
#[tokio::test]
async fn smithy_call_all_pages_prints_every_item() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = iam::Client::new(moto.config());
    for i in 0..5 {
        client.create_role().role_name(format!("paged-{i}")).assume_role_policy_document(TRUST).send().await.expect("CreateRole");
    }
    let bin = integration_tests::smithy_call_binary();
    let call = |args: &[&str]| {
        std::process::Command::new(&bin)
            .args(args)
            .args(["--endpoint", &moto.endpoint, "--region", "us-east-1"])
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env_remove("AWS_SESSION_TOKEN")
            .output()
            .expect("run smithy-call")
    };
    let out = call(&["iam", "ListRoles", "--input", r#"{"MaxItems":2}"#, "--all-pages"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    let roles: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON array of roles");
    let mut names: Vec<&str> = roles.iter().filter_map(|r| r["RoleName"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"], "every role of three pages");
    // Without the flag: the first page only, as the operation returns it.
    let out = call(&["iam", "ListRoles", "--input", r#"{"MaxItems":2}"#]);
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(page["Roles"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["IsTruncated"], true);
    let out = call(&["iam", "GetRole", "--input", r#"{"RoleName":"paged-0"}"#, "--all-pages"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--all-pages is for paginated operations; GetRole is not paginated"));
}
