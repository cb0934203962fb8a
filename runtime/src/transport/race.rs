//! The first of two futures to finish (the other is dropped): how the
//! runtime puts a deadline on an attempt, a call or a metadata request
//! with the configuration's `Sleep`, on any executor.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

/// Which future finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum First<A, B> {
    Left(A),
    Right(B),
}

/// Poll `left` first, then `right`, until one is ready.
pub async fn first<A, B>(left: impl Future<Output = A>, right: impl Future<Output = B>) -> First<A, B> {
    let mut left = pin!(left);
    let mut right = pin!(right);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(a) = left.as_mut().poll(cx) {
            return Poll::Ready(First::Left(a));
        }
        match right.as_mut().poll(cx) {
            Poll::Ready(b) => Poll::Ready(First::Right(b)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ready_one_wins_and_left_wins_ties() {
        let out = crate::transport::block_on::block_on(first(std::future::pending::<()>(), std::future::ready(2)));
        assert_eq!(out, First::Right(2));
        let out = crate::transport::block_on::block_on(first(std::future::ready(1), std::future::ready(2)));
        assert_eq!(out, First::Left(1));
    }
}
