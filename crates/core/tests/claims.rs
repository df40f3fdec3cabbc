//! The prose-claims grammar (`nianbao_core::claims`) against the labelled corpus of report
//! sentences in `tests/claims/corpus.txt`: precision and recall of the claims read, and of the
//! W-TEXT-TABLE / W-TEXT-ZERO warnings the whole check gives on each sentence against the tables
//! of `tests/claims/report.toml`. The figures must match the ones `docs/format.md` states.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nianbao_core::claims;
use nianbao_core::load::{load_str, Loaded};

/// Precision and recall targets (issue 13): almost no false warning, most wrong numbers caught.
const PRECISION: f64 = 0.98;
const RECALL: f64 = 0.90;
const YEAR: i32 = 2024;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/claims")
}

struct Expected {
    /// The number as written, or `none` for a statement of absence.
    number: String,
    /// Placeholder names joined by `+`.
    cells: String,
    /// Labelled as disagreeing with the tables.
    disagrees: bool,
}

struct Entry {
    line: usize,
    text: String,
    claims: Vec<Expected>,
}

fn corpus() -> Vec<Entry> {
    let text = std::fs::read_to_string(dir().join("corpus.txt")).expect("tests/claims/corpus.txt");
    let mut out: Vec<Entry> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(t) = line.strip_prefix("> ") {
            out.push(Entry {
                line: n + 1,
                text: t.to_string(),
                claims: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("  ").or(line.strip_prefix("! ")) {
            let (number, cells) = rest.split_once(' ').expect("number and cells");
            out.last_mut()
                .expect("claim after a sentence")
                .claims
                .push(Expected {
                    number: number.to_string(),
                    cells: cells.trim().to_string(),
                    disagrees: line.starts_with('!'),
                });
        } else {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "corpus.txt:{}: {line}",
                n + 1
            );
        }
    }
    out
}

/// What the grammar reads: (number as written or `none`, placeholders).
fn predicted(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let found = claims::read(text, YEAR);
    let mut v: Vec<(String, String)> = found
        .counts
        .iter()
        .map(|c| {
            let cells: Vec<String> = c.cells.iter().map(|x| x.placeholder()).collect();
            (
                chars[c.number.clone()].iter().collect::<String>(),
                cells.join("+"),
            )
        })
        .collect();
    v.extend(
        found
            .absences
            .iter()
            .map(|a| ("none".to_string(), a.cell.placeholder())),
    );
    v
}

/// Size of the multiset intersection.
fn overlap<T: std::hash::Hash + Eq + Clone>(a: &[T], b: &[T]) -> usize {
    let mut left: HashMap<T, usize> = HashMap::new();
    for x in a {
        *left.entry(x.clone()).or_default() += 1;
    }
    b.iter()
        .filter(|x| match left.get_mut(*x) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

fn check_sentence(toml: &str, text: &str) -> Loaded {
    let prose = [
        ("overview.md", text),
        ("problems.md", "下一步将加强培训。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(toml, &prose);
    nianbao_core::finish(&mut l);
    l
}

#[derive(Default)]
struct Tally {
    expected: usize,
    predicted: usize,
    hit: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.hit as f64 / self.predicted as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.hit as f64 / self.expected as f64
        }
    }
}

#[test]
fn corpus_precision_and_recall() {
    let toml = std::fs::read_to_string(dir().join("report.toml")).unwrap();
    let entries = corpus();
    let base = check_sentence(&toml, "总体情况。\n");
    assert!(base.diagnostics.is_empty(), "{:#?}", base.diagnostics);
    let report = base.report.unwrap();
    let values: HashMap<String, String> = nianbao_core::prose::placeholders(&report)
        .into_iter()
        .collect();

    let (mut claims, mut warnings) = (Tally::default(), Tally::default());
    let mut misread = Vec::new();
    for e in &entries {
        // The corpus is consistent with its tables: "!" exactly where the number differs.
        for x in &e.claims {
            if x.cells == "active.fee" {
                continue; // amounts: rounding, checked by the fee tests
            }
            let table: u64 = x
                .cells
                .split('+')
                .map(|c| values[c].parse::<u64>().unwrap())
                .sum();
            let said: u64 = if x.number == "none" {
                0
            } else {
                x.number.replace(',', "").parse().unwrap()
            };
            assert_eq!(
                x.disagrees,
                table != said,
                "corpus.txt:{}: {} {} (table {table})",
                e.line,
                x.number,
                x.cells
            );
        }
        let want: Vec<(String, String)> = e
            .claims
            .iter()
            .map(|x| (x.number.clone(), x.cells.clone()))
            .collect();
        let got = predicted(&e.text);
        let hit = overlap(&want, &got);
        claims.expected += want.len();
        claims.predicted += got.len();
        claims.hit += hit;
        if hit != want.len() || hit != got.len() {
            misread.push(format!(
                "corpus.txt:{} {}\n  expected {want:?}\n  read     {got:?}",
                e.line, e.text
            ));
        }

        // Warnings of the whole check on the sentence.
        let want: Vec<(String, &str)> = e
            .claims
            .iter()
            .filter(|x| x.disagrees)
            .map(|x| {
                let id = if x.number == "none" {
                    "W-TEXT-ZERO"
                } else {
                    "W-TEXT-TABLE"
                };
                (x.number.clone(), id)
            })
            .collect();
        let l = check_sentence(&toml, &format!("{}\n", e.text));
        let got: Vec<(String, &str)> = l
            .diagnostics
            .iter()
            .filter(|d| d.id == "W-TEXT-TABLE" || d.id == "W-TEXT-ZERO")
            .map(|d| {
                let text = d
                    .span
                    .as_ref()
                    .map(|s| l.sources.slice(s).to_string())
                    .unwrap_or_default();
                let key = if d.id == "W-TEXT-ZERO" {
                    "none".to_string()
                } else {
                    text
                };
                (key, d.id)
            })
            .collect();
        // W-TEXT-ZERO is given once per statement; expected once per subject.
        let zero_expected = want.iter().filter(|w| w.1 == "W-TEXT-ZERO").count();
        let zero_got = got.iter().filter(|w| w.1 == "W-TEXT-ZERO").count();
        let hit = overlap(&want, &got);
        warnings.expected += want.len();
        warnings.predicted += got.len();
        warnings.hit += hit;
        if hit != want.len() || hit != got.len() {
            misread.push(format!(
                "corpus.txt:{} {} (warnings)\n  expected {want:?}\n  given    {got:?} ({zero_expected}/{zero_got} W-TEXT-ZERO)",
                e.line, e.text
            ));
        }
        for d in &l.diagnostics {
            if d.id != "W-TEXT-TABLE" && d.id != "W-TEXT-ZERO" {
                panic!("corpus.txt:{}: unexpected {d:?}", e.line);
            }
        }
    }
    let figures = format!(
        "{} 句，{} 处数字或陈述，其中 {} 处与表格不符；读出的主张 precision {:.3}、recall {:.3}；警告 precision {:.3}、recall {:.3}",
        entries.len(),
        claims.expected,
        warnings.expected,
        claims.precision(),
        claims.recall(),
        warnings.precision(),
        warnings.recall()
    );
    println!("{figures}\n{}", misread.join("\n"));
    assert!(entries.len() >= 250, "{} sentences", entries.len());
    for (what, t) in [("claims", &claims), ("warnings", &warnings)] {
        assert!(
            t.precision() >= PRECISION && t.recall() >= RECALL,
            "{what}: {figures}\n{}",
            misread.join("\n")
        );
    }
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/format.md"))
            .unwrap();
    assert!(
        docs.contains(&figures),
        "docs/format.md should state the corpus figures:\n{figures}"
    );
}
