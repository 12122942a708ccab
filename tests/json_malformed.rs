//! Malformed JSON inputs: filled in by the json module's test suite.
fn main() {}
