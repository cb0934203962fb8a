//! Paging state shared by every generated paginator (`@paginated`).
//!
//! A paginator sends its operation's input again and again, each time with
//! the token the previous page returned. [`Cursor`] decides what token to
//! send and when to stop:
//!
//! - the first request sends the input's own token (none, or one the caller
//!   set to resume a listing);
//! - after a page whose output token is absent or empty, there are no more
//!   pages;
//! - after a page whose output token equals the token just sent, paging ends
//!   too: the service would only return the same page again. That page is
//!   still yielded, without an error; [`Cursor::repeated_token`] tells the
//!   caller it happened;
//! - after an error (validation, transport, timeout, a service error), paging
//!   ends: the error is yielded once and nothing is sent afterwards.

/// Where a paginator stands between two pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The token for the next request.
    token: Option<String>,
    /// No request follows.
    done: bool,
    /// Paging ended because the service returned the token just sent.
    repeated: bool,
    /// Pages received so far (successful responses).
    pages: u64,
}

impl Cursor {
    /// A cursor whose first request sends `start` (the input's own token).
    pub fn new(start: Option<String>) -> Cursor {
        Cursor { token: start, ..Cursor::default() }
    }

    /// No further request will be sent.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The token to send with the next request.
    pub fn token(&self) -> Option<String> {
        self.token.clone()
    }

    /// Record the output token of the page just received and decide whether
    /// another page follows (see the module docs for the rules).
    pub fn page_received(&mut self, output_token: Option<&str>) {
        self.pages += 1;
        match output_token {
            None | Some("") => self.done = true,
            Some(t) if self.token.as_deref() == Some(t) => {
                self.done = true;
                self.repeated = true;
            }
            Some(t) => self.token = Some(t.to_string()),
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

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn follows_tokens_until_absent_or_empty() {
        let mut c = Cursor::new(None);
        assert_eq!(c.token(), None);
        c.page_received(Some("a"));
        assert_eq!((c.token().as_deref(), c.is_done()), (Some("a"), false));
        c.page_received(Some(""));
        assert!(c.is_done() && !c.repeated_token());
        let mut c = Cursor::new(Some("start".into()));
        assert_eq!(c.token().as_deref(), Some("start"));
        c.page_received(None);
        assert!(c.is_done());
        assert_eq!(c.pages(), 1);
    }

    #[test]
    fn stops_on_a_repeated_token_or_an_error() {
        let mut c = Cursor::new(None);
        c.page_received(Some("a"));
        c.page_received(Some("a"));
        assert!(c.is_done() && c.repeated_token());
        let mut c = Cursor::new(None);
        c.failed();
        assert!(c.is_done() && !c.repeated_token());
    }
}
