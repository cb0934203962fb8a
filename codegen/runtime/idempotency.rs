//! `@idempotencyToken` values: a random UUID v4, made once per call so
//! every retry carries the same token.

pub fn token() -> String {
    uuid::Uuid::new_v4().to_string()
}
