//! Paging state shared by every generated paginator (`@paginated`).
//!
//! A paginator sends its operation's input again and again, each time with
//! the token the previous page returned. [`Cursor`] decides what token to
//! send and when to stop:
//!
//! - the first request sends the input's own token (none, or one the caller
//!   set to resume a listing);
//! - after a page whose output token is absent or empty (an empty string, or
//!   an empty map for services whose tokens are maps, such as DynamoDB's
//!   `LastEvaluatedKey`), there are no more pages;
//! - after a page whose output token equals the token just sent, paging ends
//!   too: the service would only return the same page again. That page is
//!   still yielded, without an error; [`Cursor::repeated_token`] tells the
//!   caller it happened;
//! - after an error (validation, transport, timeout, a service error), paging
//!   ends: the error is yielded once and nothing is sent afterwards.

/// A pagination token: a string (almost every service) or a map that the
/// paginator passes back as the service gave it (DynamoDB's
/// `ExclusiveStartKey`/`LastEvaluatedKey`).
pub trait PageToken: Clone + PartialEq {
    /// The token says there are no more pages (an empty string or map).
    fn is_end(&self) -> bool;
}

impl PageToken for String {
    fn is_end(&self) -> bool {
        self.is_empty()
    }
}

impl<K: Clone + PartialEq, V: Clone + PartialEq> PageToken for std::collections::BTreeMap<K, V> {
    fn is_end(&self) -> bool {
        self.is_empty()
    }
}

/// Where a paginator stands between two pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor<T = String> {
    /// The token for the next request.
    token: Option<T>,
    /// No request follows.
    done: bool,
    /// Paging ended because the service returned the token just sent.
    repeated: bool,
    /// Pages received so far (successful responses).
    pages: u64,
}

impl<T> Default for Cursor<T> {
    fn default() -> Self {
        Cursor { token: None, done: false, repeated: false, pages: 0 }
    }
}

impl<T: PageToken> Cursor<T> {
    /// A cursor whose first request sends `start` (the input's own token).
    pub fn new(start: Option<T>) -> Self {
        Cursor { token: start, ..Cursor::default() }
    }

    /// No further request will be sent.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The token to send with the next request.
    pub fn token(&self) -> Option<T> {
        self.token.clone()
    }

    /// Record the output token of the page just received and decide whether
    /// another page follows (see the module docs for the rules).
    pub fn page_received(&mut self, output_token: Option<&T>) {
        self.pages += 1;
        match output_token {
            None => self.done = true,
            Some(t) if t.is_end() => self.done = true,
            Some(t) if self.token.as_ref() == Some(t) => {
                self.done = true;
                self.repeated = true;
            }
            Some(t) => self.token = Some(t.clone()),
        }
    }

    /// Record that a request failed: paging ends.
    pub fn failed(&mut self) {
        self.done = true;
    }

    /// Paging ended because the service returned the same token that was
    /// sent, rather than no token.
    pub fn repeated_token(&self) -> bool {
        self.repeated
    }

    /// Pages received so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }
}

/// What a paginator needs to know of its operation; each paginated operation
/// implements it on a marker type, and [`Paginator`] does the rest.
pub trait Paged {
    /// The service's client.
    type Client: Clone;
    type Input: Clone;
    type Output;
    type Error;
    /// The items of a page (`std::convert::Infallible` when the operation
    /// names none; then only [`PagedItems`] is missing).
    type Item;
    /// The token's type: `String`, or the map a service's token is.
    type Token: PageToken;
    /// The input's token (where the first request starts).
    fn token(input: &Self::Input) -> Option<Self::Token>;
    /// Put `token` into the input for the next request.
    fn set_token(input: &mut Self::Input, token: Option<Self::Token>);
    /// The output token of a page.
    fn next_token(output: &Self::Output) -> Option<&Self::Token>;
    /// Send one page's request through the client's ordinary method.
    fn call(client: &Self::Client, input: Self::Input) -> impl std::future::Future<Output = Result<Self::Output, Self::Error>> + Send + '_;
}

/// A [`Paged`] operation whose pages hold items (`@paginated(items: ...)`).
pub trait PagedItems: Paged {
    /// The items of a page, in order (a map's entries in key order).
    fn items(output: Self::Output) -> Vec<Self::Item>;
}

/// A [`Paged`] operation with a page size (`@paginated(pageSize: ...)`).
pub trait PageSized: Paged {
    /// The page size member's type (`i32` or `i64`).
    type PageSize;
    /// Set the input's page size member.
    fn set_page_size(input: &mut Self::Input, page_size: Self::PageSize);
}

/// Pages of an operation: [`next_page`](Self::next_page) sends the input once
/// per page, each time with the previous page's token; for operations with
/// items, [`next_item`](Self::next_item) goes through them across pages.
/// Nothing is sent until it is polled. Paging ends as [`Cursor`] says.
#[must_use = "a paginator sends nothing until `next_page` or `next_item` is awaited"]
pub struct Paginator<P: Paged> {
    client: P::Client,
    /// The input sent with every page, with the token replaced.
    input: P::Input,
    cursor: Cursor<P::Token>,
    /// Items of the last page not yet returned by `next_item`.
    items: std::vec::IntoIter<P::Item>,
}

impl<P: Paged> std::fmt::Debug for Paginator<P>
where
    P::Input: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("input", &self.input)
            .field("pages_received", &self.cursor.pages())
            .field("done", &self.cursor.is_done())
            .finish_non_exhaustive()
    }
}

impl<P: Paged> Paginator<P> {
    /// A paginator that starts from `input` (and its token, if set).
    pub fn new(client: P::Client, input: P::Input) -> Self {
        let cursor = Cursor::new(P::token(&input));
        Paginator { client, input, cursor, items: Vec::new().into_iter() }
    }

    /// The input sent with every page (to set the page size, for example).
    pub fn input_mut(&mut self) -> &mut P::Input {
        &mut self.input
    }

    /// The next page, or `None` when paging has ended (after the last page or
    /// an error, which is returned once).
    pub async fn next_page(&mut self) -> Option<Result<P::Output, P::Error>> {
        if self.cursor.is_done() {
            return None;
        }
        let mut input = self.input.clone();
        P::set_token(&mut input, self.cursor.token());
        match P::call(&self.client, input).await {
            Ok(output) => {
                self.cursor.page_received(P::next_token(&output));
                Some(Ok(output))
            }
            Err(e) => {
                self.cursor.failed();
                Some(Err(e))
            }
        }
    }

    /// Every remaining page, or the first error.
    pub async fn collect_pages(mut self) -> Result<Vec<P::Output>, P::Error> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.push(page?);
        }
        Ok(all)
    }

    /// Paging ended because the service returned the same token that was just
    /// sent (it would have returned the same page forever), rather than no token.
    pub fn stopped_on_repeated_token(&self) -> bool {
        self.cursor.repeated_token()
    }

    /// Pages received so far.
    pub fn pages_received(&self) -> u64 {
        self.cursor.pages()
    }
}

impl<P: PageSized> Paginator<P> {
    /// Asks for at most `page_size` results per page: sets the input's page
    /// size member (the service may return fewer).
    pub fn page_size(mut self, page_size: P::PageSize) -> Self {
        P::set_page_size(self.input_mut(), page_size);
        self
    }
}

impl<P: PagedItems> Paginator<P> {
    /// The next item, fetching pages as needed and skipping empty ones; `None`
    /// once the last page's items are used up. An error is returned once and
    /// ends paging. Pages fetched here are not returned by
    /// [`next_page`](Self::next_page), which fetches the page after them.
    pub async fn next_item(&mut self) -> Option<Result<P::Item, P::Error>> {
        loop {
            if let Some(item) = self.items.next() {
                return Some(Ok(item));
            }
            match self.next_page().await? {
                Ok(output) => self.items = P::items(output).into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every remaining item of every remaining page, or the first error.
    pub async fn collect_items(mut self) -> Result<Vec<P::Item>, P::Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next_item().await {
            all.push(item?);
        }
        Ok(all)
    }
}

/// What a paginator's streams need to send pages from any task: the
/// client, input, token and items move between tasks with the paginator.
pub trait SendPaged: Paged<Client: Send + Sync + 'static, Input: Send + 'static, Output: Send + 'static, Error: Send + 'static, Item: Send + 'static, Token: Send + 'static> + 'static {}

impl<P> SendPaged for P where P: Paged<Client: Send + Sync + 'static, Input: Send + 'static, Output: Send + 'static, Error: Send + 'static, Item: Send + 'static, Token: Send + 'static> + 'static {}

impl<P: SendPaged> Paginator<P> {
    /// The remaining pages as a [`futures_core::Stream`] of
    /// `Result<Output, Error>` (for `StreamExt` combinators, `select!` and
    /// the like): each page, an error once if a call fails, then the end,
    /// by the same rules as [`next_page`](Self::next_page). Nothing is sent
    /// until the stream is polled.
    pub fn into_stream(self) -> PageStream<P, P::Output> {
        PageStream::new(self, |mut p| {
            Box::pin(async move {
                let next = p.next_page().await;
                (p, next)
            })
        })
    }
}

impl<P: SendPaged + PagedItems> Paginator<P> {
    /// The remaining items of every page as a [`futures_core::Stream`] of
    /// `Result<Item, Error>`: each item in order, an error once if a call
    /// fails, then the end, by the same rules as
    /// [`next_item`](Self::next_item).
    pub fn into_item_stream(self) -> PageStream<P, P::Item> {
        PageStream::new(self, |mut p| {
            Box::pin(async move {
                let next = p.next_item().await;
                (p, next)
            })
        })
    }
}

type Step<P, T> = std::pin::Pin<Box<dyn std::future::Future<Output = (Box<Paginator<P>>, Option<Result<T, <P as Paged>::Error>>)> + Send>>;

/// A paginator's pages or items as a [`futures_core::Stream`], from
/// [`Paginator::into_stream`] or [`Paginator::into_item_stream`].
#[must_use = "a stream sends nothing until it is polled"]
pub struct PageStream<P: Paged, T> {
    state: StreamState<P, T>,
    step: fn(Box<Paginator<P>>) -> Step<P, T>,
}

enum StreamState<P: Paged, T> {
    Idle(Box<Paginator<P>>),
    Busy(Step<P, T>),
    Done,
}

impl<P: SendPaged, T> PageStream<P, T> {
    fn new(paginator: Paginator<P>, step: fn(Box<Paginator<P>>) -> Step<P, T>) -> Self {
        PageStream { state: StreamState::Idle(Box::new(paginator)), step }
    }
}

impl<P: Paged, T> std::fmt::Debug for PageStream<P, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            StreamState::Idle(p) => if p.cursor.is_done() && p.items.len() == 0 { "ending" } else { "idle" },
            StreamState::Busy(_) => "waiting for a page",
            StreamState::Done => "done",
        };
        f.debug_struct("PageStream").field("state", &state).finish_non_exhaustive()
    }
}

// Nothing in it is pinned in place: the paginator is boxed and moved into
// and out of a boxed future.
impl<P: Paged, T> Unpin for PageStream<P, T> {}

impl<P: SendPaged, T> futures_core::Stream for PageStream<P, T> {
    type Item = Result<T, P::Error>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, StreamState::Done) {
                StreamState::Done => return Poll::Ready(None),
                StreamState::Idle(paginator) => this.state = StreamState::Busy((this.step)(paginator)),
                StreamState::Busy(mut next) => match next.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = StreamState::Busy(next);
                        return Poll::Pending;
                    }
                    Poll::Ready((paginator, Some(item))) => {
                        this.state = StreamState::Idle(paginator);
                        return Poll::Ready(Some(item));
                    }
                    Poll::Ready((_, None)) => return Poll::Ready(None),
                },
            }
        }
    }
}

impl<P: SendPaged, T> futures_core::FusedStream for PageStream<P, T> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, StreamState::Done)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::Cursor;

    fn s(v: &str) -> String {
        v.to_string()
    }

    #[test]
    fn follows_tokens_until_absent_or_empty() {
        let mut c = Cursor::<String>::new(None);
        assert_eq!(c.token(), None);
        c.page_received(Some(&s("a")));
        assert_eq!((c.token().as_deref(), c.is_done()), (Some("a"), false));
        c.page_received(Some(&s("")));
        assert!(c.is_done() && !c.repeated_token());
        let mut c = Cursor::new(Some(s("start")));
        assert_eq!(c.token().as_deref(), Some("start"));
        c.page_received(None);
        assert!(c.is_done());
        assert_eq!(c.pages(), 1);
    }

    #[test]
    fn stops_on_a_repeated_token_or_an_error() {
        let mut c = Cursor::new(None);
        c.page_received(Some(&s("a")));
        c.page_received(Some(&s("a")));
        assert!(c.is_done() && c.repeated_token());
        let mut c = Cursor::<String>::new(None);
        c.failed();
        assert!(c.is_done() && !c.repeated_token());
    }

    #[test]
    fn passes_map_tokens_back_as_given() {
        let key = |pk: &str, sk: i64| BTreeMap::from([(s("pk"), s(pk)), (s("sk"), sk.to_string())]);
        let mut c = Cursor::new(None);
        c.page_received(Some(&key("user#1", 7)));
        assert_eq!(c.token(), Some(key("user#1", 7)), "the whole map, as the service returned it");
        c.page_received(Some(&key("user#2", 3)));
        assert_eq!((c.token(), c.is_done()), (Some(key("user#2", 3)), false));
        c.page_received(Some(&BTreeMap::new()));
        assert!(c.is_done() && !c.repeated_token(), "an empty map ends paging");
        let mut c = Cursor::new(Some(key("a", 1)));
        c.page_received(Some(&key("a", 1)));
        assert!(c.is_done() && c.repeated_token());
    }

    /// A DynamoDB-like scan: the token is the last key read, a map.
    enum Scan {}

    type Key = BTreeMap<String, String>;

    #[derive(Clone, Default)]
    struct Input {
        start: Option<Key>,
    }

    struct Output {
        items: Vec<u32>,
        last: Option<Key>,
    }

    /// The pages the fake service holds, and the start keys it was sent.
    #[derive(Clone, Default)]
    struct Table {
        sent: std::sync::Arc<std::sync::Mutex<Vec<Option<Key>>>>,
    }

    fn key(n: u32) -> Key {
        BTreeMap::from([(s("pk"), format!("thing#{n}")), (s("sk"), n.to_string())])
    }

    impl super::Paged for Scan {
        type Client = Table;
        type Input = Input;
        type Output = Output;
        type Error = String;
        type Item = u32;
        type Token = Key;
        fn token(input: &Input) -> Option<Key> {
            input.start.clone()
        }
        fn set_token(input: &mut Input, token: Option<Key>) {
            input.start = token;
        }
        fn next_token(output: &Output) -> Option<&Key> {
            output.last.as_ref()
        }
        fn call(table: &Table, input: Input) -> impl std::future::Future<Output = Result<Output, String>> + Send + '_ {
            table.sent.lock().expect("not poisoned").push(input.start.clone());
            // Two items a page out of 1..=5; the last page returns an empty key.
            let after = input.start.as_ref().map_or(0, |k| k["sk"].parse::<u32>().expect("a number"));
            let items: Vec<u32> = (after + 1..=5).take(2).collect();
            let last = Some(if items.last() == Some(&5) { Key::new() } else { key(*items.last().expect("items")) });
            std::future::ready(Ok(Output { items, last }))
        }
    }

    impl super::PagedItems for Scan {
        fn items(output: Output) -> Vec<u32> {
            output.items
        }
    }

    /// Polls a future that never waits (the fake service answers at once).
    fn now<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the fake service never waits"),
        }
    }

    #[test]
    fn a_paginator_sends_each_map_token_back_whole() {
        let table = Table::default();
        let items = now(super::Paginator::<Scan>::new(table.clone(), Input::default()).collect_items());
        assert_eq!(items, Ok(vec![1, 2, 3, 4, 5]));
        let sent = table.sent.lock().expect("not poisoned").clone();
        assert_eq!(sent, vec![None, Some(key(2)), Some(key(4))], "the whole last key, as the service returned it");
        // Resuming from a key the caller holds.
        let table = Table::default();
        let items = now(super::Paginator::<Scan>::new(table.clone(), Input { start: Some(key(3)) }).collect_items());
        assert_eq!(items, Ok(vec![4, 5]));
    }

    /// Every item a stream yields, polled to its end (the fake never waits).
    fn drain<S: futures_core::Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut all = Vec::new();
        loop {
            match std::pin::Pin::new(&mut stream).poll_next(&mut cx) {
                std::task::Poll::Ready(Some(item)) => all.push(item),
                std::task::Poll::Ready(None) => return all,
                std::task::Poll::Pending => panic!("the fake service never waits"),
            }
        }
    }

    #[test]
    fn streams_of_pages_and_items_follow_the_paginator() {
        use futures_core::stream::FusedStream;
        let table = Table::default();
        let pages = drain(super::Paginator::<Scan>::new(table.clone(), Input::default()).into_stream());
        let sizes: Vec<Vec<u32>> = pages.into_iter().map(|p| p.expect("a page").items).collect();
        assert_eq!(sizes, vec![vec![1, 2], vec![3, 4], vec![5]]);
        assert_eq!(table.sent.lock().expect("not poisoned").len(), 3, "one call per page, none after the last");
        let table = Table::default();
        let mut items = super::Paginator::<Scan>::new(table.clone(), Input { start: Some(key(1)) }).into_item_stream();
        assert!(!items.is_terminated());
        assert!(table.sent.lock().expect("not poisoned").is_empty(), "nothing is sent before the stream is polled");
        let got: Vec<u32> = drain(&mut items).into_iter().map(|i| i.expect("an item")).collect();
        assert_eq!(got, vec![2, 3, 4, 5]);
        assert!(items.is_terminated());
        assert!(drain(&mut items).is_empty(), "an ended stream stays ended");
    }
}
