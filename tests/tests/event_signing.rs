//! The chained SigV4 signatures of input event-stream messages
//! (`smithy_gen_runtime::signing::events`) equal those of `aws-sigv4`, the
//! signer the AWS SDK for Rust ships, for a chain of messages and the empty
//! message that ends a stream, at several times and with a session token.

use std::time::{Duration, SystemTime};

use smithy_gen_runtime::signing::events::EventSigner;
use smithy_gen_runtime::streams::event_stream::{Header, HeaderValue, Message};
use smithy_gen_runtime::Credentials;

fn audio(n: u8) -> Message {
    Message::new(vec![n; 64 * usize::from(n) + 1])
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("AudioEvent".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/octet-stream".into())))
}

#[test]
fn signatures_chain_as_aws_sigv4_chains_them() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("session-token".into()));
    let identity = aws_credential_types::Credentials::new(creds.access_key_id(), creds.secret_access_key(), creds.session_token().map(str::to_string), None, "test").into();
    let seed = "f5a3a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";
    for start in [1_700_000_000u64, 1_234_567_890, 2_000_000_123] {
        let mut ours = EventSigner::new(seed, creds.clone(), "us-west-2", "transcribe");
        let mut last = seed.to_string();
        for n in 0..4u8 {
            // Sub-second times: both sign the whole second.
            let time = SystemTime::UNIX_EPOCH + Duration::from_millis(start * 1000 + u64::from(n) * 1375);
            let params = aws_sigv4::sign::v4::SigningParams::builder()
                .identity(&identity)
                .region("us-west-2")
                .name("transcribe")
                .time(time)
                .settings(())
                .build()
                .unwrap();
            let message = (n < 3).then(|| audio(n));
            let theirs = match &message {
                Some(m) => aws_sigv4::event_stream::sign_message(m, &last, &params),
                None => aws_sigv4::event_stream::sign_empty_message(&last, &params),
            }
            .unwrap()
            .into_parts()
            .0;
            let mine = ours.sign(message.as_ref(), time).unwrap();
            assert_eq!(mine, theirs, "message {n} at {start}");
            let signature = theirs.headers().iter().find(|h| h.name().as_str() == ":chunk-signature").unwrap();
            last = signature.value().as_byte_array().unwrap().iter().map(|b| format!("{b:02x}")).collect();
        }
    }
}
