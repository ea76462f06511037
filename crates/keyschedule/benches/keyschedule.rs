//! Key schedule benches (filled in below once the providers build).
fn main() {}
