//! Arbitrary responses (status, headers, body) to XML-protocol operations
//! (STS AssumeRole and IAM ListRoles on awsQuery; S3 ListObjectsV2,
//! GetBucketLocation's unwrapped document, CopyObject's 200-with-error, and
//! GetObject's blob payload on restXml), through the public client and a
//! fake transport: hostile or truncated XML must end in an error, never a
//! panic; a non-2xx response is never `Ok`; every error displays. Input
//! format: see `smithy_fuzz::FuzzResponse`.
#![no_main]

use std::sync::{Arc, OnceLock};

use aws_generated::iam::{self, types::ListRolesInput};
use aws_generated::s3::{self, types as s3t};
use aws_generated::sts::{self, types::AssumeRoleInput};
use libfuzzer_sys::fuzz_target;
use smithy_fuzz::{block_on, FuzzResponse};
use smithy_gen_runtime::request::RawResponse;

smithy_fuzz::fakes!(smithy_gen_runtime);
use fakes::FakeTransport;

/// How many operations the first byte chooses from.
const OPERATIONS: u8 = 6;

struct Clients {
    transport: Arc<FakeTransport>,
    sts: sts::Client,
    iam: iam::Client,
    s3: s3::Client,
}

fn clients() -> &'static Clients {
    static CLIENTS: OnceLock<Clients> = OnceLock::new();
    CLIENTS.get_or_init(|| {
        let transport = Arc::new(FakeTransport::default());
        let config = fakes::config(transport.clone(), true);
        Clients { sts: sts::Client::new(config.clone()), iam: iam::Client::new(config.clone()), s3: s3::Client::new(config), transport }
    })
}

fn call(c: &Clients, op: u8) -> Result<(), String> {
    fn done<T, E: std::fmt::Display + std::fmt::Debug>(r: Result<T, E>) -> Result<(), String> {
        r.map(|_| ()).map_err(|e| format!("{e} {e:?}"))
    }
    match op % OPERATIONS {
        0 => done(block_on(c.sts.assume_role_with(AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "session")))),
        1 => done(block_on(c.iam.list_roles_with(ListRolesInput::default()))),
        2 => done(block_on(c.s3.list_objects_v2_with(s3t::ListObjectsV2Input::new("bucket")))),
        3 => done(block_on(c.s3.get_bucket_location_with(s3t::GetBucketLocationInput::new("bucket")))),
        4 => done(block_on(c.s3.copy_object_with(s3t::CopyObjectInput::new("bucket", "src/key", "key")))),
        _ => done(block_on(c.s3.get_object_with(s3t::GetObjectInput::new("bucket", "key")))),
    }
}

fuzz_target!(|data: &[u8]| {
    let r = FuzzResponse::parse(data);
    let c = clients();
    *c.transport.answer.lock().unwrap() = Some(RawResponse::new(r.status, r.headers, r.body));
    let result = call(c, r.operation);
    assert!(
        c.transport.answer.lock().unwrap().is_none(),
        "the input of operation {} was rejected before sending: {result:?}",
        r.operation % OPERATIONS
    );
    if !(200..300).contains(&r.status) {
        assert!(result.is_err(), "status {} parsed as a success", r.status);
    }
});
