//! Whether this thread decodes strictly (`lenient::strict`): the lenient decoders then refuse a
//! value of an unexpected shape, and the drift log records nothing. Its own module, which both
//! read, so that neither of them imports the other for it.

use std::cell::Cell;

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Whether the thread decodes strictly.
pub(crate) fn is_strict() -> bool {
    STRICT.with(Cell::get)
}

/// Sets whether the thread decodes strictly; returns what it was.
pub(crate) fn replace(strict: bool) -> bool {
    STRICT.with(|s| s.replace(strict))
}
