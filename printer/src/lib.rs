//! The Doc IR: a dialect-free description of Python-style source, and its renderer to text.
//!
//! Nothing in this crate knows about TIR; dialect crates build `Doc` trees and call the renderer.
