//! nianbao-watch: the build pipeline (load → check → export → atomic write) and the
//! rebuild-on-save loop. Library code never prints; the CLI renders what it returns.

#![forbid(unsafe_code)]

pub mod batch;
pub mod build;
pub mod checksums;
pub mod rollup;
pub mod watch;
pub mod write;

pub use build::{build, BuildOptions, BuildReport, FontCache};
