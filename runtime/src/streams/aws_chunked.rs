//! `aws-chunked` request bodies with a trailing checksum
//! (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`): how a body
//! sent as it is produced still carries a flexible checksum, computed while
//! it goes out and sent after it. The body is cut into chunks of
//! [`CHUNK_SIZE`] bytes (the last one shorter), each framed as
//! `<hex length>\r\n<bytes>\r\n`, then `0\r\n`, the trailer
//! `x-amz-checksum-<algorithm>:<base64>\r\n` and `\r\n`. With fixed chunks
//! the encoded length is known before the first byte is sent, so the
//! request has a `Content-Length`, as S3 requires (see
//! [`encoded_length`]).

use std::collections::VecDeque;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};

use crate::checksums::Hasher;
use crate::transport::{ProduceChunks, StreamingBody};

/// The size of every chunk but the last.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// The headers an aws-chunked body needs besides `Content-Length` (which
/// the transport sets from the body's length): the decoded length, the
/// trailer's name, the payload hash mode and the content encoding
/// (`aws-chunked`, before any the request already has).
pub fn headers(headers: &mut Vec<(String, String)>, decoded_length: u64, trailer: &str) {
    let encoding = headers.iter().position(|(k, _)| k.eq_ignore_ascii_case("content-encoding"));
    match encoding {
        Some(i) => headers[i].1 = format!("aws-chunked,{}", headers[i].1),
        None => headers.push(("content-encoding".into(), "aws-chunked".into())),
    }
    headers.push(("x-amz-decoded-content-length".into(), decoded_length.to_string()));
    headers.push(("x-amz-trailer".into(), trailer.to_string()));
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("x-amz-content-sha256"));
    headers.push(("x-amz-content-sha256".into(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER".into()));
}

/// `body` (of a known length) as an aws-chunked body whose trailer is the
/// checksum `hasher` computes; `Err` when its length is not known.
pub fn wrap(body: StreamingBody, hasher: Hasher) -> Result<(StreamingBody, u64), StreamingBody> {
    let Some(decoded) = body.length else { return Err(body) };
    let length = encoded_length(decoded, hasher.header().len(), hasher.value_len());
    let chunks = AwsChunked { inner: body.chunks, hasher: Some(hasher), buffer: BytesMut::new(), out: VecDeque::new(), inner_done: false, finished: false };
    Ok((StreamingBody::new(chunks, Some(length)), decoded))
}

/// The encoded length of a body of `decoded` bytes whose trailer header is
/// `header_len` bytes long and its value `value_len`.
pub fn encoded_length(decoded: u64, header_len: usize, value_len: usize) -> u64 {
    let frame = |n: u64| format!("{n:x}").len() as u64 + 2 + n + 2;
    let chunk = CHUNK_SIZE as u64;
    let (full, rest) = (decoded / chunk, decoded % chunk);
    let data = full * frame(chunk) + if rest > 0 { frame(rest) } else { 0 };
    // `0\r\n`, `<header>:<value>\r\n`, `\r\n`.
    data + 3 + (header_len + 1 + value_len + 2) as u64 + 2
}

struct AwsChunked {
    inner: Box<dyn ProduceChunks>,
    hasher: Option<Hasher>,
    /// Bytes of the body not yet framed (less than a chunk).
    buffer: BytesMut,
    /// Framed pieces ready to go.
    out: VecDeque<Bytes>,
    inner_done: bool,
    finished: bool,
}

impl AwsChunked {
    fn frame(&mut self, data: Bytes) {
        self.out.push_back(Bytes::from(format!("{:x}\r\n", data.len())));
        self.out.push_back(data);
        self.out.push_back(Bytes::from_static(b"\r\n"));
    }
}

impl ProduceChunks for AwsChunked {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, String>>> {
        loop {
            if let Some(piece) = self.out.pop_front() {
                return Poll::Ready(Some(Ok(piece)));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            if self.buffer.len() >= CHUNK_SIZE {
                let data = self.buffer.split_to(CHUNK_SIZE).freeze();
                self.frame(data);
                continue;
            }
            if self.inner_done {
                if !self.buffer.is_empty() {
                    let data = self.buffer.split().freeze();
                    self.frame(data);
                }
                let trailer = match self.hasher.take() {
                    Some(h) => {
                        let header = h.header().to_string();
                        format!("0\r\n{header}:{}\r\n\r\n", h.finish())
                    }
                    None => "0\r\n\r\n".to_string(),
                };
                self.out.push_back(Bytes::from(trailer));
                self.finished = true;
                continue;
            }
            match self.inner.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Some(h) = &mut self.hasher {
                        h.update(&chunk);
                    }
                    self.buffer.extend_from_slice(&chunk);
                }
                Poll::Ready(None) => self.inner_done = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything the body produces, with a runtime that is never needed
    /// (the channel is filled and closed first).
    fn drain(mut body: StreamingBody) -> Result<Vec<u8>, String> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut out = Vec::new();
        loop {
            match body.chunks.poll_chunk(&mut cx) {
                Poll::Ready(Some(Ok(b))) => out.extend_from_slice(&b),
                Poll::Ready(Some(Err(e))) => return Err(e),
                Poll::Ready(None) => return Ok(out),
                Poll::Pending => return Err("pending".into()),
            }
        }
    }

    fn body_of(data: &[u8], pieces: usize, length: Option<u64>) -> StreamingBody {
        let (tx, body) = StreamingBody::channel(data.len() / pieces.max(1) + 2 + pieces, length);
        for piece in data.chunks(pieces.max(1)) {
            tx.0.try_send(Bytes::copy_from_slice(piece)).expect("room");
        }
        drop(tx);
        body
    }

    #[test]
    fn small_body_is_one_chunk_then_the_trailer() {
        let (body, decoded) = wrap(body_of(b"Hello world", 3, Some(11)), Hasher::new("CRC32").unwrap()).unwrap();
        assert_eq!(decoded, 11);
        let length = body.length;
        let bytes = drain(body).unwrap();
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), "b\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n");
        assert_eq!(length, Some(bytes.len() as u64));
    }

    #[test]
    fn the_stated_length_is_the_encoded_length_at_every_size() {
        for size in [0usize, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17] {
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            for algorithm in ["CRC32", "CRC64NVME", "SHA256"] {
                let (body, _) = wrap(body_of(&data, 10_007, Some(size as u64)), Hasher::new(algorithm).unwrap()).unwrap();
                let length = body.length;
                let bytes = drain(body).unwrap();
                assert_eq!(length, Some(bytes.len() as u64), "{size} bytes, {algorithm}");
                // Decoded again: the same bytes, in chunks of CHUNK_SIZE.
                let (mut rest, mut decoded) = (&bytes[..], Vec::new());
                loop {
                    let line = rest.iter().position(|&b| b == b'\r').unwrap();
                    let n = usize::from_str_radix(std::str::from_utf8(&rest[..line]).unwrap(), 16).unwrap();
                    rest = &rest[line + 2..];
                    if n == 0 {
                        break;
                    }
                    assert!(n == CHUNK_SIZE || decoded.len() + n == size, "only the last chunk is short");
                    decoded.extend_from_slice(&rest[..n]);
                    rest = &rest[n + 2..];
                }
                assert_eq!(decoded, data);
                let (header, value) = crate::checksums::checksum_header(algorithm, &data).unwrap();
                assert_eq!(rest, format!("{header}:{value}\r\n\r\n").as_bytes());
            }
        }
    }

    #[test]
    fn a_body_of_unknown_length_is_given_back() {
        assert!(wrap(body_of(b"abc", 1, None), Hasher::new("CRC32").unwrap()).is_err());
    }

    #[test]
    fn a_failing_body_fails_the_encoded_one() {
        // Shorter than its stated length: the source's error comes through.
        let (body, _) = wrap(body_of(b"abc", 1, Some(10)), Hasher::new("CRC32").unwrap()).unwrap();
        assert!(drain(body).unwrap_err().contains("stated"));
    }

    #[test]
    fn headers_say_how_to_read_the_body() {
        let mut h = vec![("content-encoding".to_string(), "gzip".to_string()), ("x-amz-content-sha256".to_string(), "UNSIGNED-PAYLOAD".to_string())];
        headers(&mut h, 11, "x-amz-checksum-crc32");
        let get = |k: &str| h.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("content-encoding"), ["aws-chunked,gzip"]);
        assert_eq!(get("x-amz-decoded-content-length"), ["11"]);
        assert_eq!(get("x-amz-trailer"), ["x-amz-checksum-crc32"]);
        assert_eq!(get("x-amz-content-sha256"), ["STREAMING-UNSIGNED-PAYLOAD-TRAILER"]);
    }
}
