//! Writing to stdout and stderr without panicking (the print macros of this crate call these).

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes to stdout. When the reader has gone (a broken pipe) this and every later write is
/// dropped quietly; [`stdout_gone`] then says so.
pub fn stdout(args: std::fmt::Arguments<'_>) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).is_err() {
        // A broken pipe, a full disk behind a redirect, a closed descriptor: nobody can read
        // what follows, and panicking would only add a confusing message.
        STDOUT_GONE.store(true, Ordering::Relaxed);
    }
}

/// Writes to stderr, ignoring failures (there is nowhere left to report them).
pub fn stderr(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Whether stdout has stopped accepting output.
pub fn stdout_gone() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
}
