//! Writes a synthetic county for roll-up tests and benchmarks:
//!
//! ```text
//! cargo run --release -p nianbao-watch --example gen-county -- N DIR [YEAR]
//! ```
//!
//! `DIR/units.toml` lists N unit folders `DIR/<name>/` (the government's office, departments,
//! townships; [`nianbao_core::sample::synthetic_county`]), every report of YEAR (default 2024)
//! and valid. Then `nianbao check DIR` and `nianbao rollup DIR -o GOV`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen-county N DIR [YEAR]");
        return ExitCode::from(2);
    };
    let year: i32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2024);
    let dir = PathBuf::from(dir);
    let (list, units) = nianbao_core::sample::synthetic_county(n, year);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(nianbao_core::rollup::UNITS_FILE), &list)?;
        for u in &units {
            let folder = dir.join(&u.dir);
            std::fs::create_dir_all(&folder)?;
            for (name, text) in &u.files {
                std::fs::write(folder.join(name), text)?;
            }
        }
        Ok(())
    };
    if let Err(e) = write() {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {n} units and units.toml to {}", dir.display());
    ExitCode::SUCCESS
}
