//! Writes N synthetic report folders for benchmarks and batch-build tests:
//!
//! ```text
//! cargo run --release -p nianbao-watch --example gen-reports -- N DIR [FIRST_SEED]
//! ```
//!
//! Folder `DIR/r00000` holds the report of seed `FIRST_SEED` (default 0), `r00001` the next
//! seed, and so on ([`nianbao_core::sample::synthetic_source`]). Then
//! `nianbao build DIR -o OUT` builds them all in parallel.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen-reports N DIR [FIRST_SEED]");
        return ExitCode::from(2);
    };
    let first: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let dir = PathBuf::from(dir);
    for i in 0..n {
        let folder = dir.join(format!("r{i:05}"));
        if let Err(e) = write(&folder, first + i) {
            eprintln!("{}: {e}", folder.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {n} reports to {}", dir.display());
    ExitCode::SUCCESS
}

fn write(folder: &std::path::Path, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    for (name, text) in nianbao_core::sample::synthetic_source(seed) {
        std::fs::write(folder.join(name), text)?;
    }
    Ok(())
}
