//! The seam between the client and an HTTP stack. The default implementation
//! (feature `default-transport`) is in [`default`]; bring your own by
//! implementing [`Transport`] and [`Sleep`] and setting them on the config.

#[doc(hidden)]
pub mod block_on;
#[cfg(feature = "default-transport")]
#[cfg_attr(docsrs, doc(cfg(feature = "default-transport")))]
pub mod default;
#[doc(hidden)]
pub mod race;
pub mod replay;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::{TimeoutError, TransportError};
use crate::request::RawResponse;

/// A boxed, sendable future, so the traits stay object-safe without macros.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Transport(TransportError),
    Timeout(TimeoutError),
}

/// A request that got no response fails its call as such.
impl From<SendError> for crate::error::Failure {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Transport(t) => crate::error::Failure::Transport(t),
            SendError::Timeout(t) => crate::error::Failure::Timeout(t),
        }
    }
}

/// Sends one signed HTTP request and returns the whole response.
///
/// An implementation must enforce its own connect and read timeouts and
/// must refuse response bodies over `max_body` bytes with
/// [`TransportErrorKind::BodyTooLarge`](crate::error::TransportErrorKind::BodyTooLarge)
/// (the client checks the limit again, but only after the body was read).
/// It must not retry: the client decides about retries.
pub trait Transport: Send + Sync + std::fmt::Debug {
    fn send(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>>;

    /// Send a request whose body streams (`body`, produced while the
    /// response streams back: bidirectional event streams, over HTTP/2 where
    /// the server offers it and the `http2` feature is on). The default refuses: a transport must read
    /// and write at once to do it; the default transport does.
    fn send_duplex(&self, request: http::Request<()>, body: StreamingBody) -> BoxFuture<'_, Result<StreamingResponse, SendError>> {
        let _ = (request, body);
        Box::pin(std::future::ready(Err(SendError::Transport(crate::error::TransportError::new(
            crate::error::TransportErrorKind::Other,
            "this transport cannot send a streaming request body (input event streams); use the default transport",
        )))))
    }

    /// Send a request whose response body is read as it arrives (event
    /// streams): the status and headers once the head came, then the body
    /// chunk by chunk, with no bound on its total size and no read timeout
    /// between chunks (a stream may be quiet for minutes). The default reads
    /// the whole body with [`send`](Self::send) (at most 16 MiB) and hands
    /// it over as one chunk: right for fakes and replays, not for live
    /// streams; the default transport streams.
    fn send_streaming(&self, request: http::Request<bytes::Bytes>) -> BoxFuture<'_, Result<StreamingResponse, SendError>> {
        Box::pin(async move {
            let r = self.send(request, 16 << 20).await?;
            Ok(StreamingResponse { status: r.status, headers: r.headers, body: BodyStream::whole(r.body) })
        })
    }
}

/// Where a streaming request body's chunks come from (an input event
/// stream): `Ready(None)` ends the body; an `Err` aborts the request.
pub trait ProduceChunks: Send {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>>;
}

/// A request body sent as it is produced, of a known length (sent as
/// `Content-Length`) or not (chunked, or HTTP/2 frames).
pub struct StreamingBody {
    pub chunks: Box<dyn ProduceChunks>,
    pub length: Option<u64>,
    /// How to produce the same body again, for a retry (a file can be read
    /// again; a channel cannot).
    reopen: Option<Reopen>,
}

impl StreamingBody {
    /// The same body with its chunks passed through `wrap` (what can
    /// reopen it is kept, unwrapped).
    pub(crate) fn map_chunks(self, wrap: impl FnOnce(Box<dyn ProduceChunks>) -> Box<dyn ProduceChunks>) -> StreamingBody {
        StreamingBody { chunks: wrap(self.chunks), ..self }
    }
}

/// `chunks`, held to `length` when it is known (see [`Exact`]).
pub(crate) fn exactly(chunks: Box<dyn ProduceChunks>, length: Option<u64>) -> Box<dyn ProduceChunks> {
    match length {
        Some(length) => Box::new(Exact { inner: chunks, length, sent: 0, held: None, done: false }),
        None => chunks,
    }
}

/// A body of a stated length that must produce exactly that many bytes. An
/// HTTP/1.1 client stops reading a body once it has sent `Content-Length`
/// bytes, so the chunk that completes the length is held back until the
/// source says it has ended: a source with more to give fails instead of
/// being cut silently.
struct Exact {
    inner: Box<dyn ProduceChunks>,
    length: u64,
    sent: u64,
    /// The chunk that completed the length, until the source ends.
    held: Option<bytes::Bytes>,
    done: bool,
}

impl ProduceChunks for Exact {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
        use std::task::Poll;
        if self.done {
            return Poll::Ready(None);
        }
        loop {
            match self.inner.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => {}
                Poll::Ready(Some(Ok(chunk))) => {
                    self.sent = self.sent.saturating_add(chunk.len() as u64);
                    if self.sent > self.length {
                        self.done = true;
                        self.held = None;
                        return Poll::Ready(Some(Err(format!(
                            "the body is longer than its stated length of {} bytes (it produced at least {})",
                            self.length, self.sent
                        ))));
                    }
                    if self.sent < self.length {
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    // The last stated byte: handed over once the source ends.
                    self.held = Some(chunk);
                }
                Poll::Ready(None) => {
                    self.done = true;
                    if self.sent < self.length {
                        return Poll::Ready(Some(Err(format!("the body ended after {} of its stated {} bytes", self.sent, self.length))));
                    }
                    return Poll::Ready(self.held.take().map(Ok));
                }
            }
        }
    }
}

/// A request extension (`http::Request::extensions`) marking an exchange
/// that carries secrets: a credential provider's request (instance
/// metadata, a container endpoint, STS, SSO) or an operation whose request
/// or response body may hold `@sensitive` members. Errors never show such
/// a body, and a transport that records or logs exchanges must not keep
/// its bodies ([`RecordingTransport`](crate::transport::replay::RecordingTransport)
/// writes a redaction marker instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sensitive;

/// Mark `request` as [`Sensitive`].
pub fn mark_sensitive<B>(request: &mut http::Request<B>) {
    request.extensions_mut().insert(Sensitive);
}

/// Whether `request` is marked [`Sensitive`].
pub fn is_sensitive<B>(request: &http::Request<B>) -> bool {
    request.extensions().get::<Sensitive>().is_some()
}

/// A request extension naming the header or query parameter that carries
/// an API key (`smithy.api#httpApiKeyAuth`, whose name the model chooses):
/// a transport that records or logs requests must leave it out, as it
/// leaves out `Authorization` ([`RecordingTransport`](crate::transport::replay::RecordingTransport) does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthSecret {
    /// A header, by its lower-case name.
    Header(String),
    /// A query parameter, by name.
    Query(String),
}

/// Produces a body again from its start (see [`StreamingBody::reopenable`]).
pub type Reopen = std::sync::Arc<dyn Fn() -> BoxFuture<'static, Result<StreamingBody, String>> + Send + Sync>;

impl std::fmt::Debug for StreamingBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingBody").field("length", &self.length).field("reopenable", &self.reopen.is_some()).finish_non_exhaustive()
    }
}

impl StreamingBody {
    /// A body of `chunks`. With `length`, the chunks must add up to exactly
    /// that many bytes: one more (even in a chunk after the last stated
    /// byte) or one fewer fails the request, so a body longer than it says
    /// is never cut at its `Content-Length` and sent as if whole.
    pub fn new(chunks: impl ProduceChunks + 'static, length: Option<u64>) -> StreamingBody {
        StreamingBody { chunks: exactly(Box::new(chunks), length), length, reopen: None }
    }

    /// This body, which `reopen` can produce again from its start, so a
    /// call that fails in a way worth retrying is retried with a fresh copy
    /// (each copy must be the same bytes; a copy of a different length is
    /// refused).
    pub fn reopenable(mut self, reopen: Reopen) -> StreamingBody {
        self.reopen = Some(reopen);
        self
    }

    /// How to produce this body again, if it can be.
    pub fn reopener(&self) -> Option<Reopen> {
        self.reopen.clone()
    }

    /// A body fed through a channel: send its chunks with the sender, drop
    /// the sender at the end. With `length`, the chunks must add up to it.
    pub fn channel(capacity: usize, length: Option<u64>) -> (BodySender, StreamingBody) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
        (BodySender(tx), StreamingBody::new(Receiving { rx, sent: 0, length }, length))
    }
}

impl StreamingBody {
    /// A body read from `reader` as it is sent, in chunks of up to 64 KiB.
    /// With `length`, the reader must give exactly that many bytes (S3
    /// needs the length of an upload); a read error aborts the request.
    pub fn from_reader<R: tokio::io::AsyncRead + Send + Unpin + 'static>(reader: R, length: Option<u64>) -> StreamingBody {
        StreamingBody::new(Reading { reader, buffer: bytes::BytesMut::new(), sent: 0, length }, length)
    }

    /// The file at `path`, read as it is sent; its length is the file's
    /// (from its metadata, when it is opened). Reopenable: a retry reads
    /// the file again from its start.
    #[cfg(feature = "default-transport")]
    pub async fn from_file(path: impl AsRef<std::path::Path>) -> std::io::Result<StreamingBody> {
        let path = path.as_ref().to_path_buf();
        let (file, length) = open_file(&path).await?;
        let reopen: Reopen = std::sync::Arc::new(move || {
            let path = path.clone();
            Box::pin(async move {
                let (file, now) = open_file(&path).await.map_err(|e| format!("cannot read {} again: {e}", path.display()))?;
                if now != length {
                    return Err(format!("{} changed length ({length} bytes, now {now}) while it was being sent", path.display()));
                }
                Ok(StreamingBody::from_reader(file, Some(length)))
            })
        });
        Ok(StreamingBody::from_reader(file, Some(length)).reopenable(reopen))
    }
}

#[cfg(feature = "default-transport")]
async fn open_file(path: &std::path::Path) -> std::io::Result<(tokio::fs::File, u64)> {
    let file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    Ok((file, length))
}

/// How much a reader is asked for at a time.
const READ_CHUNK: usize = 64 * 1024;

struct Reading<R> {
    reader: R,
    buffer: bytes::BytesMut,
    sent: u64,
    length: Option<u64>,
}

impl<R: tokio::io::AsyncRead + Send + Unpin> ProduceChunks for Reading<R> {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
        use std::task::Poll;
        // No more than the stated length is asked for (and one byte more,
        // to notice a reader that runs past it).
        let want = match self.length {
            Some(n) => usize::try_from(n.saturating_sub(self.sent)).unwrap_or(READ_CHUNK).clamp(1, READ_CHUNK),
            None => READ_CHUNK,
        };
        self.buffer.resize(want, 0);
        let mut read = tokio::io::ReadBuf::new(&mut self.buffer[..]);
        match std::pin::Pin::new(&mut self.reader).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(format!("reading the body failed: {e}")))),
            Poll::Ready(Ok(())) => {
                let n = read.filled().len();
                if n == 0 {
                    return match self.length {
                        Some(len) if self.sent != len => Poll::Ready(Some(Err(format!("the body ended after {} of its stated {len} bytes", self.sent)))),
                        _ => Poll::Ready(None),
                    };
                }
                self.sent += n as u64;
                if let Some(len) = self.length.filter(|&len| self.sent > len) {
                    return Poll::Ready(Some(Err(format!("the body is longer than its stated length of {len} bytes"))));
                }
                Poll::Ready(Some(Ok(self.buffer.split_to(n).freeze())))
            }
        }
    }
}

/// The sending side of [`StreamingBody::channel`].
#[derive(Debug, Clone)]
pub struct BodySender(pub(crate) tokio::sync::mpsc::Sender<bytes::Bytes>);

impl BodySender {
    /// Queue `chunk`; `Err` gives it back when the request has ended.
    pub async fn send(&self, chunk: impl Into<bytes::Bytes>) -> Result<(), bytes::Bytes> {
        self.0.send(chunk.into()).await.map_err(|e| e.0)
    }
}

struct Receiving {
    rx: tokio::sync::mpsc::Receiver<bytes::Bytes>,
    sent: u64,
    length: Option<u64>,
}

impl ProduceChunks for Receiving {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
        use std::task::Poll;
        match self.rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(chunk)) => {
                self.sent += chunk.len() as u64;
                match self.length {
                    Some(n) if self.sent > n => Poll::Ready(Some(Err(format!("the body is longer than its stated length of {n} bytes")))),
                    _ => Poll::Ready(Some(Ok(chunk))),
                }
            }
            Poll::Ready(None) => match self.length {
                Some(n) if self.sent != n => Poll::Ready(Some(Err(format!("the body ended after {} of its stated {n} bytes", self.sent)))),
                _ => Poll::Ready(None),
            },
        }
    }
}

/// What a streaming call got (`Handle::send_streaming`, `send_duplex`).
#[derive(Debug)]
pub enum Streamed {
    /// A success: its body is the stream.
    Stream(StreamingResponse),
    /// An error response, read whole.
    Error(RawResponse),
}

/// A response whose body is still arriving.
#[derive(Debug)]
pub struct StreamingResponse {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: BodyStream,
}

impl StreamingResponse {
    /// The whole response, its body read to the end (at most `max_body` bytes).
    pub async fn read_whole(mut self, max_body: usize) -> Result<RawResponse, SendError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.body.next_chunk().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > max_body {
                return Err(SendError::Transport(TransportError::new(
                    crate::error::TransportErrorKind::BodyTooLarge,
                    format!("the response body exceeds the limit of {max_body} bytes"),
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse::new(self.status, self.headers, body))
    }
}

/// Where a streaming body's chunks come from.
pub trait ReadChunks: Send + std::fmt::Debug {
    /// The next chunk; `None` at the body's end; `Err` when the connection
    /// failed before the end.
    fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>>;
}

/// A response body read chunk by chunk.
#[derive(Debug)]
pub struct BodyStream(Box<dyn ReadChunks>);

impl BodyStream {
    pub fn new(chunks: impl ReadChunks + 'static) -> BodyStream {
        BodyStream(Box::new(chunks))
    }

    /// A body that is already whole: one chunk (none if empty).
    pub fn whole(body: bytes::Bytes) -> BodyStream {
        BodyStream::chunks(if body.is_empty() { Vec::new() } else { vec![body] })
    }

    /// These chunks, in order, then the end (for tests and fakes: a body
    /// split at chosen offsets).
    pub fn chunks(chunks: Vec<bytes::Bytes>) -> BodyStream {
        #[derive(Debug)]
        struct Queue(std::collections::VecDeque<bytes::Bytes>);
        impl ReadChunks for Queue {
            fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
                Box::pin(std::future::ready(self.0.pop_front().map(Ok)))
            }
        }
        BodyStream::new(Queue(chunks.into()))
    }

    /// The next chunk (see [`ReadChunks::next_chunk`]).
    pub async fn next_chunk(&mut self) -> Option<Result<bytes::Bytes, SendError>> {
        self.0.next_chunk().await
    }
}

/// Waits between retries, on whatever runtime the transport uses.
pub trait Sleep: Send + Sync + std::fmt::Debug {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chunk of `body`, or the first error.
    fn drain(mut body: StreamingBody) -> Result<Vec<u8>, String> {
        crate::transport::block_on::block_on(async move {
            let mut out = Vec::new();
            while let Some(piece) = std::future::poll_fn(|cx| body.chunks.poll_chunk(cx)).await {
                out.extend_from_slice(&piece?);
            }
            Ok(out)
        })
    }

    #[test]
    fn a_reader_gives_its_bytes_in_chunks() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let body = StreamingBody::from_reader(std::io::Cursor::new(data.clone()), Some(data.len() as u64));
        assert_eq!(body.length, Some(200_000));
        assert_eq!(drain(body).unwrap(), data);
        let body = StreamingBody::from_reader(std::io::Cursor::new(data.clone()), None);
        assert_eq!(drain(body).unwrap(), data);
    }

    /// A source that gives these chunks, then ends.
    struct Given(std::collections::VecDeque<&'static [u8]>);

    impl ProduceChunks for Given {
        fn poll_chunk(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
            std::task::Poll::Ready(self.0.pop_front().map(|c| Ok(bytes::Bytes::from_static(c))))
        }
    }

    fn given(chunks: &[&'static [u8]], length: Option<u64>) -> StreamingBody {
        StreamingBody::new(Given(chunks.iter().copied().collect()), length)
    }

    #[test]
    fn a_body_must_give_exactly_its_stated_length() {
        assert_eq!(drain(given(&[b"hel", b"", b"lo"], Some(5))).unwrap(), b"hello");
        assert_eq!(drain(given(&[], Some(0))).unwrap(), b"");
        assert_eq!(drain(given(&[b"hello", b"world"], None)).unwrap(), b"helloworld");
        // More after the last stated byte: the last chunk is never handed
        // over, so a transport stopping at `Content-Length` cannot send a cut body.
        let mut long = given(&[b"hello", b"world"], Some(5));
        let first = std::future::poll_fn(|cx| long.chunks.poll_chunk(cx));
        let first = crate::transport::block_on::block_on(first);
        assert!(first.as_ref().is_some_and(Result::is_err), "{first:?}");
        assert!(drain(given(&[b"hello", b"world"], Some(5))).unwrap_err().contains("longer than its stated length of 5 bytes"));
        assert!(drain(given(&[b"hello!"], Some(5))).unwrap_err().contains("longer than its stated length of 5 bytes"));
        assert!(drain(given(&[b"x"], Some(0))).unwrap_err().contains("longer than its stated length of 0 bytes"));
        assert!(drain(given(&[b"hell"], Some(5))).unwrap_err().contains("ended after 4 of its stated 5 bytes"));
    }

    #[test]
    fn a_reader_that_disagrees_with_its_length_fails() {
        let short = StreamingBody::from_reader(std::io::Cursor::new(vec![1u8; 10]), Some(11));
        assert!(drain(short).unwrap_err().contains("ended after 10 of its stated 11 bytes"));
        let long = StreamingBody::from_reader(std::io::Cursor::new(vec![1u8; 12]), Some(11));
        assert!(drain(long).unwrap_err().contains("longer than its stated length of 11"));
    }
}
