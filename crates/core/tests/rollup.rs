//! Summing reports: the sum of valid units is a valid report whose every number is the
//! cell-wise sum (a property over many random counties), read back through `report.toml`.

#![allow(clippy::unwrap_used)]

use nianbao_core::document::Num;
use nianbao_core::format::{Kind, T3_ROWS, T4_GROUPS};
use nianbao_core::load::{load_str, Loaded};
use nianbao_core::rollup::{self, SourceLine};
use nianbao_core::sample::{synthetic_unit, Rng};
use nianbao_core::{finish, Report, Severity};

fn load(files: &[(String, String)]) -> Loaded {
    let prose: Vec<(&str, &str)> = files[1..]
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut l = load_str(&files[0].1, &prose);
    finish(&mut l);
    l
}

fn errors(l: &Loaded) -> Vec<String> {
    l.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && !rollup::is_prompt(d))
        .map(|d| format!("{} {}", d.id, d.message))
        .collect()
}

/// The sum written as an aggregate `report.toml` with its starting prose, loaded and checked.
fn written_back(sum: &Report) -> Loaded {
    let region = rollup::tables_region(sum, &[]);
    let text = rollup::new_report_toml(&sum.agency, sum.year, &region);
    let mut files = vec![("report.toml".to_string(), text)];
    files.extend(
        rollup::prose_files()
            .into_iter()
            .map(|(n, t)| (n.to_string(), t)),
    );
    load(&files)
}

#[test]
fn the_sum_of_valid_units_is_valid_and_cell_wise() {
    let mut rng = Rng(16);
    let kinds = [Kind::Department, Kind::Township, Kind::Government];
    for county in 0..40 {
        let n = 1 + (rng.next_u64() % 30) as usize;
        let units: Vec<Report> = (0..n)
            .map(|i| {
                let kind = kinds[(rng.next_u64() % 3) as usize];
                let files = synthetic_unit(rng.next_u64(), &format!("某县第{i}单位"), kind, 2024);
                let l = load(&files);
                assert!(
                    errors(&l).is_empty(),
                    "county {county} unit {i}: {:?}",
                    errors(&l)
                );
                l.report.unwrap()
            })
            .collect();
        let refs: Vec<&Report> = units.iter().collect();
        let sum = rollup::sum("某县人民政府", 2024, &refs).unwrap();

        // Every leaf cell is the sum of that cell; the fee exactly, as a decimal.
        let leaves: Vec<Vec<Num>> = units.iter().map(rollup::leaf_values).collect();
        let total = rollup::leaf_values(&sum);
        assert_eq!(total.len(), rollup::columns().len());
        for (k, t) in total.iter().enumerate() {
            match t {
                Num::Count(c) => {
                    let expected: u64 = leaves
                        .iter()
                        .map(|v| match v[k] {
                            Num::Count(x) => x,
                            _ => panic!("column {k} mixes counts and amounts"),
                        })
                        .sum();
                    assert_eq!(*c, expected, "county {county} column {k}");
                }
                Num::Decimal { value, text } => {
                    // In ten-thousandths (every synthetic fee has at most four decimals).
                    let tenth_mils = |s: &str| -> u64 {
                        let (i, f) = s.split_once('.').unwrap_or((s, ""));
                        i.parse::<u64>().unwrap() * 10_000
                            + format!("{f:0<4}").parse::<u64>().unwrap()
                    };
                    let expected: u64 = units.iter().map(|u| tenth_mils(&u.active.fee.text)).sum();
                    assert_eq!(tenth_mils(text), expected, "county {county} fee {text}");
                    assert!((value - expected as f64 / 1e4).abs() < 1e-6);
                }
            }
        }
        // Totals (computed, never stored) are the sums of the units' totals.
        for row in 0..T3_ROWS.len() {
            for col in 0..7 {
                let expected: u64 = units.iter().map(|u| u.applications.value(row, col)).sum();
                assert_eq!(sum.applications.value(row, col), expected);
            }
        }
        for g in 0..T4_GROUPS.len() {
            let expected: u64 = units.iter().map(|u| u.appeals.groups[g].total()).sum();
            assert_eq!(sum.appeals.groups[g].total(), expected);
        }

        // Written out and loaded back, the aggregate is a valid report with the same numbers:
        // every check passes on the sum (only the writing prompts, E-TODO, remain).
        let back = written_back(&sum);
        assert!(
            errors(&back).is_empty(),
            "county {county}: {:?}",
            errors(&back)
        );
        let ids: Vec<&str> = back.diagnostics.iter().map(|d| d.id).collect();
        assert!(
            ids.iter().all(|id| *id == "E-TODO" || *id == "W-FEE-UNIT"),
            "county {county}: {ids:?}"
        );
        assert_eq!(rollup::leaf_values(back.report.as_ref().unwrap()), total);
    }
}

#[test]
fn the_sources_comment_names_every_unit_and_cannot_break_the_toml() {
    let files = synthetic_unit(7, "某局", Kind::Department, 2024);
    let unit = load(&files).report.unwrap();
    let sum = rollup::sum("某县人民政府", 2024, &[&unit]).unwrap();
    let sources = [SourceLine {
        role: Some(rollup::Role::Department),
        name: "某局\nagency = \"x\"".into(),
        folder: "单位/某局".into(),
        left_out: Some("有 1 个错误\n[active]".into()),
    }];
    let region = rollup::tables_region(&sum, &sources);
    let text = rollup::new_report_toml("某县人民政府", 2024, &region);
    assert!(rollup::is_toml(&text));
    let back = written_back(&sum);
    assert!(errors(&back).is_empty());
    assert!(text.contains("#   部门 某局 agency = \"x\"（单位/某局）：有 1 个错误 [active]"));
}
