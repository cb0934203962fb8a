//! The dependency floor (see Cargo.toml): nothing to run. Cargo compiles
//! every dependency whether the program uses it or not.
fn main() {}
