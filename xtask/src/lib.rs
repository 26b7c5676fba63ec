//! Library half of `cargo xtask`, so that its behaviour (determinism, drift detection, the man
//! pages) is tested like any other code. Not part of the SDK.

pub mod codegen;
pub mod man;
