//! Bad input never panics: thousands of randomly damaged sources go through load, check and
//! document building. Deterministic (a fixed xorshift seed), so a failure reproduces.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use nianbao_core::load::load_str;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: [&str; 24] = [
    "[",
    "]",
    "\"",
    "=",
    ",",
    "-1",
    "1.5",
    "\"/\"",
    "{{",
    "}}",
    "{{applications.new}}",
    "**",
    "\n",
    "\n\n",
    "（一）",
    "1、",
    "## ",
    "    ",
    "中",
    "【待填写",
    "\u{3000}",
    "#",
    "99999999999999999999",
    "'",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (k, c) in piece.chars().enumerate() {
                    chars.insert((at + k).min(chars.len()), c);
                }
            }
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = char::from_u32(0x20 + (rng.next() % 0x9f00) as u32).unwrap_or('x');
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn damaged_sources_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-county-2024");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    let names = [
        "opening.md",
        "overview.md",
        "active.md",
        "applications.md",
        "appeals.md",
        "problems.md",
        "other.md",
    ];
    let prose: Vec<(&str, String)> = names
        .iter()
        .map(|n| (*n, std::fs::read_to_string(dir.join(n)).unwrap()))
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut with_report = 0;
    for _ in 0..1000 {
        let toml = if rng.below(2) == 0 {
            mutate(&mut rng, &toml)
        } else {
            toml.clone()
        };
        let mut files: Vec<(&str, String)> = prose.clone();
        let k = rng.below(files.len());
        files[k].1 = mutate(&mut rng, &files[k].1);
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let mut loaded = load_str(&toml, &refs);
        nianbao_core::finish(&mut loaded);
        // Rendering every diagnostic exercises every span.
        let _ = nianbao_core::diag::render(&loaded.diagnostics, &loaded.sources, false);
        for d in &loaded.diagnostics {
            assert!(!d.message.is_empty() && d.id.contains('-'));
        }
        if let Some(report) = &loaded.report {
            with_report += 1;
            let doc = nianbao_core::document::build(report, true);
            assert_eq!(doc.tables().count(), 3);
        }
    }
    assert!(with_report > 300, "{with_report}");
}
