//! Library half of `cargo xtask`, so that its behaviour (determinism, drift detection, spec
//! diffs, release steps, the man pages, the mutation check) is tested like any other code.
//! Not part of the SDK.

pub mod codegen;
pub mod drift;
pub mod man;
pub mod msrv;
pub mod mutants;
pub mod release;
pub mod spec;
pub mod spec_diff;
