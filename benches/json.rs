//! JSON write/read benchmark: filled in with the json module.
fn main() {}
