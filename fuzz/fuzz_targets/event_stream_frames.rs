//! Arbitrary bytes as an event-stream response body, split into chunks of a
//! size the first byte chooses, read by the runtime's `MessageReader` and
//! each message given to CloudWatch Logs `StartLiveTail`'s event parser
//! (JSON payloads) and S3 `SelectObjectContent`'s (XML documents and raw
//! bytes): corrupt CRCs, truncated messages, absurd lengths, hostile
//! headers and payloads must end in an error, never a panic, and every
//! error displays.
#![no_main]

use aws_generated::cloudwatch_logs::aws_json::event_start_live_tail;
use aws_generated::s3::rest_xml::event_select_object_content;
use libfuzzer_sys::fuzz_target;
use smithy_fuzz::block_on;
use smithy_gen_runtime::streams::event_stream::MessageReader;
use smithy_gen_runtime::transport::BodyStream;
use smithy_gen_runtime::Bytes;

fuzz_target!(|data: &[u8]| {
    let Some((step, body)) = data.split_first() else { return };
    let size = usize::from(*step % 64) + 1;
    let chunks = body.chunks(size).map(Bytes::copy_from_slice).collect();
    let mut reader = MessageReader::new(BodyStream::chunks(chunks));
    for _ in 0..1024 {
        match block_on(reader.next_message()) {
            Ok(Some(message)) => {
                match event_start_live_tail(&message) {
                    Ok(event) => {
                        let _ = format!("{event:?}");
                    }
                    Err(e) => {
                        let _ = e.to_string();
                    }
                }
                match event_select_object_content(&message) {
                    Ok(event) => {
                        let _ = format!("{event:?}");
                    }
                    Err(e) => {
                        let _ = e.to_string();
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
});
