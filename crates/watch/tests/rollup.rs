//! `rollup` on real folders: a whole report split into 40 units sums back to itself (also in
//! `汇总.xlsx`, read back with calamine), and a county with the usual problems (a unit missing,
//! one with errors, one of last year, one twice, one unlisted) is rolled up with each of them
//! reported and left out; re-summing keeps what the office wrote.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use nianbao_core::document::Num;
use nianbao_core::format::{Kind, T3_CARRIED_FORWARD, T3_CARRIED_OVER, T3_NEW, T3_RESULTS};
use nianbao_core::model::{Count, Report};
use nianbao_core::rollup::{self, Status, SUMMARY_FILE, UNITS_FILE};
use nianbao_core::sample::{synthetic_county, synthetic_unit, Rng};
use nianbao_core::Severity;
use nianbao_watch::rollup::{rollup, Rollup, RollupOptions};

/// `total` cut into `n` random non-negative parts.
fn parts(rng: &mut Rng, total: u64, n: usize) -> Vec<u64> {
    let mut cuts: Vec<u64> = (1..n).map(|_| rng.next_u64() % (total + 1)).collect();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(n);
    let mut last = 0;
    for c in cuts {
        out.push(c - last);
        last = c;
    }
    out.push(total - last);
    out
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-rollup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, files: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `whole` split into `n` reports that each balance (every column of table 三: 一 + 二 =
/// 三（七）+ 四) and whose cell-wise sum is `whole`.
fn split(whole: &Report, n: usize, rng: &mut Rng) -> Vec<Report> {
    let mut units: Vec<Report> = (0..n)
        .map(|i| Report::empty(&format!("单位{i}"), whole.year, Kind::Department))
        .collect();
    let spread = |units: &mut Vec<Report>,
                  rng: &mut Rng,
                  get: &dyn Fn(&mut Report) -> &mut Count,
                  total: u64| {
        for (u, v) in units.iter_mut().zip(parts(rng, total, n)) {
            get(u).value = v;
        }
    };
    let a = &whole.active;
    for k in 0..3 {
        spread(
            &mut units,
            rng,
            &|u| &mut u.active.rules[k],
            a.rules[k].value,
        );
        spread(
            &mut units,
            rng,
            &|u| &mut u.active.normative[k],
            a.normative[k].value,
        );
    }
    spread(
        &mut units,
        rng,
        &|u| &mut u.active.licensing,
        a.licensing.value,
    );
    spread(
        &mut units,
        rng,
        &|u| &mut u.active.punishment,
        a.punishment.value,
    );
    spread(
        &mut units,
        rng,
        &|u| &mut u.active.enforcement,
        a.enforcement.value,
    );
    // The fee in ten-thousandths of a 万元.
    let (int, frac) = a.fee.text.split_once('.').unwrap_or((&a.fee.text, ""));
    assert!(frac.len() <= 4, "{}", a.fee.text);
    let fee = int.parse::<u64>().unwrap() * 10_000 + format!("{frac:0<4}").parse::<u64>().unwrap();
    for (u, v) in units.iter_mut().zip(parts(rng, fee, n)) {
        u.active.fee.text = format!("{}.{:04}", v / 10_000, v % 10_000);
        u.active.fee.value = u.active.fee.text.parse().unwrap();
    }
    for g in 0..3 {
        for k in 0..4 {
            let total = whole.appeals.groups[g].cells[k].value;
            spread(
                &mut units,
                rng,
                &|u| &mut u.appeals.groups[g].cells[k],
                total,
            );
        }
    }
    for col in 0..6 {
        let t = &whole.applications;
        for row in T3_RESULTS.chain([T3_CARRIED_FORWARD]) {
            spread(
                &mut units,
                rng,
                &|u| &mut u.applications.rows[row].cells[col],
                t.value(row, col),
            );
        }
        // What each unit handled and carried forward came in new or carried over: share out
        // the carried-over total no further than each unit can take, the rest is new.
        let mut over = t.value(T3_CARRIED_OVER, col);
        let start = (rng.next_u64() % n as u64) as usize;
        for k in 0..n {
            let u = &mut units[(start + k) % n];
            let out =
                u.applications.sum(T3_RESULTS, col) + u.applications.value(T3_CARRIED_FORWARD, col);
            let take = over.min(out).min(rng.next_u64() % (out + 1) + out / 2);
            over -= take;
            u.applications.rows[T3_CARRIED_OVER].cells[col].value = take;
            u.applications.rows[T3_NEW].cells[col].value = out - take;
        }
        // Whatever could not be placed goes to units with room (there always is: Σ out ≥ over).
        for u in units.iter_mut() {
            let new = &mut u.applications.rows[T3_NEW].cells[col].value;
            let take = over.min(*new);
            *new -= take;
            u.applications.rows[T3_CARRIED_OVER].cells[col].value += take;
            over -= take;
        }
        assert_eq!(over, 0);
    }
    units
}

/// A unit's folder: the synthetic report's header and prose, with `tables` as its tables.
fn unit_files(seed: u64, agency: &str, tables: &Report) -> Vec<(String, String)> {
    let mut files = synthetic_unit(seed, agency, Kind::Department, tables.year);
    let toml = &files[0].1;
    let header = &toml[..toml.find("[active]").unwrap()];
    files[0].1 = format!("{header}{}", rollup::tables_region(tables, &[]));
    files
}

fn options(out: &Path) -> RollupOptions {
    RollupOptions {
        out_dir: out.to_path_buf(),
        agency: Some("示范市人民政府".into()),
        ..RollupOptions::default()
    }
}

fn ids(r: &Rollup, unit: usize) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|(i, _)| *i == unit)
        .map(|(_, d)| d.id)
        .collect()
}

/// The 汇总 sheet as numbers: every row's leaf cells (blank → None).
fn sheet(path: &Path) -> (Vec<Vec<Data>>, u32) {
    let bytes = std::fs::read(path).unwrap();
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = xlsx.worksheet_range("汇总").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    (rows, range.start().unwrap().0)
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn a_whole_report_split_into_40_units_sums_back_to_itself() {
    let demo = nianbao_core::load_and_check(&root().join("examples/demo-county-2024"));
    let county = demo.report.unwrap();
    // A city the size of 37 such counties: every typed number ×37 (the balance is linear).
    let city = scaled(&county, 37);
    assert_eq!(city.active.licensing.value, 9317 * 37);
    for (name, whole) in [("county", county), ("city", city)] {
        split_and_resum(name, &whole);
    }
}

/// `r` with every typed number, the fee included, multiplied by `k`.
fn scaled(r: &Report, k: u64) -> Report {
    let mut s = r.clone();
    let a = &mut s.active;
    for c in a.rules.iter_mut().chain(a.normative.iter_mut()) {
        c.value *= k;
    }
    for c in [&mut a.licensing, &mut a.punishment, &mut a.enforcement] {
        c.value *= k;
    }
    let fee = rollup::sum_fees(std::iter::repeat_n(&a.fee, k as usize)).unwrap();
    a.fee = fee;
    for row in s.applications.rows.iter_mut() {
        for c in row.cells.iter_mut() {
            c.value *= k;
        }
    }
    for g in s.appeals.groups.iter_mut() {
        for c in g.cells.iter_mut() {
            c.value *= k;
        }
    }
    s
}

fn split_and_resum(name: &str, whole: &Report) {
    let mut rng = Rng(40);
    let parts = split(whole, 40, &mut rng);
    let dir = temp(&format!("split-{name}"));
    let units = dir.join("units");
    for (i, p) in parts.iter().enumerate() {
        write(
            &units.join(format!("u{i:02}")),
            &unit_files(i as u64, &format!("青禾县第{i}单位"), p),
        );
    }
    let out = dir.join("gov");
    let r = rollup(&units, &options(&out));
    assert!(r.refused.is_none(), "{:?}", r.refused);
    assert_eq!(r.counted(), 40, "{:#?}", r.findings);
    let aggregate = r.aggregate.as_ref().unwrap();
    let errors: Vec<_> = aggregate
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && !rollup::is_prompt(d))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!r.has_errors());
    let back = aggregate.report.as_ref().unwrap();
    let expected = rollup::leaf_values(whole);
    assert_eq!(rollup::leaf_values(back), expected);
    assert_eq!(back.agency, "示范市人民政府");
    assert_eq!(back.year, 2024);

    // 汇总.xlsx: 40 unit rows then the totals, each cell read back equal.
    let (rows, start) = sheet(&out.join(SUMMARY_FILE));
    let fixed = nianbao_export::summary::FIXED.len();
    let first = 6 - start as usize;
    let totals = &rows[first + 40];
    assert_eq!(
        totals[0],
        Data::String(nianbao_export::summary::TOTALS_LABEL.into())
    );
    for (k, v) in expected.iter().enumerate() {
        assert!(
            (num(&totals[fixed + k]) - v.as_f64()).abs() < 1e-9,
            "column {k}"
        );
        let by_rows: f64 = (0..40).map(|u| num(&rows[first + u][fixed + k])).sum();
        assert!((by_rows - v.as_f64()).abs() < 1e-6, "column {k}");
    }
    for (u, p) in parts.iter().enumerate() {
        let row = &rows[first + u];
        assert_eq!(row[1], Data::String(format!("青禾县第{u}单位")));
        let values = rollup::leaf_values(p);
        for (k, v) in values.iter().enumerate() {
            assert_eq!(num(&row[fixed + k]), v.as_f64(), "unit {u} column {k}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_county_with_the_usual_problems() {
    let dir = temp("county");
    let units = dir.join("units");
    let (list, county) = synthetic_county(12, 2024);
    std::fs::create_dir_all(&units).unwrap();
    std::fs::write(units.join(UNITS_FILE), &list).unwrap();
    for u in &county {
        write(&units.join(&u.dir), &u.files);
    }
    // [1] missing; [2] an error; [4] last year's report; [5] a copy under another folder
    // (unlisted); a listed folder twice; the aggregate's own folder inside the units folder.
    std::fs::remove_dir_all(units.join(&county[1].dir)).unwrap();
    let toml = units.join(&county[2].dir).join("report.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replacen("licensing = ", "licensing = -", 1)).unwrap();
    let toml4 = units.join(&county[4].dir).join("report.toml");
    let text = std::fs::read_to_string(&toml4).unwrap();
    std::fs::write(&toml4, text.replace("year = 2024", "year = 2023")).unwrap();
    copy(&units.join(&county[5].dir), &units.join("副本"));
    copy(&units.join(&county[5].dir), &units.join("副本2"));
    // [7], a department, listed as a township; [8] under another name; [6] listed twice;
    // 副本2 (a second report of [5]) listed.
    let list = list
        .replace(
            &format!("dir = \"{}\"\nrole = \"部门\"", county[7].dir),
            &format!("dir = \"{}\"\nrole = \"乡镇\"", county[7].dir),
        )
        .replace(
            &format!("dir = \"{}\"\nrole = \"部门\"\n", county[8].dir),
            &format!(
                "dir = \"{}\"\nrole = \"部门\"\nname = \"示范县别的局\"\n",
                county[8].dir
            ),
        );
    std::fs::write(
        units.join(UNITS_FILE),
        format!(
            "{list}\n[[unit]]\ndir = \"{}/\"\n\n[[unit]]\ndir = \"副本2\"\n",
            county[6].dir
        ),
    )
    .unwrap();
    let out = units.join("汇总报告");
    let r = rollup(&units, &options(&out));
    assert!(r.refused.is_none(), "{:?}", r.refused);
    let status = |i: usize| r.units[i].status.clone();
    assert_eq!(status(0), Status::Included);
    assert_eq!(status(1), Status::Missing);
    assert!(matches!(status(2), Status::Excluded(w) if w.contains("错误")));
    assert!(matches!(status(4), Status::Excluded(w) if w.contains("2023")));
    assert_eq!(
        r.units.len(),
        14,
        "the copies are units; the aggregate's own folder is not"
    );
    assert_eq!(r.units[12].label, "副本2");
    assert!(matches!(status(12), Status::Excluded(w) if w.contains("重复")));
    assert_eq!(r.units[13].label, "副本");
    assert_eq!(status(13), Status::Unlisted);
    assert_eq!(ids(&r, 2), ["E-UNIT-EXCLUDED"]);
    assert_eq!(ids(&r, 4), ["E-UNIT-YEAR"]);
    assert_eq!(ids(&r, 7), ["W-UNIT-ROLE"]);
    assert_eq!(ids(&r, 8), ["W-UNIT-NAME"]);
    assert_eq!(ids(&r, 12), ["E-UNIT-TWICE"]);
    assert_eq!(ids(&r, 13), ["W-UNIT-UNLISTED"]);
    assert_eq!(status(7), Status::Included, "a warning only");
    let list_ids: Vec<&str> = r.diagnostics.iter().map(|d| d.id).collect();
    assert_eq!(list_ids, ["E-UNIT-MISSING", "E-UNIT-TWICE"]);
    // Located in units.toml, at the unit's dir.
    let missing = &r.diagnostics[0];
    assert_eq!(
        r.sources.slice(missing.span.as_ref().unwrap()),
        format!("\"{}\"", county[1].dir)
    );
    assert!(r.has_errors());
    assert_eq!(r.counted(), 9);
    let counted: Vec<&Report> = r
        .units
        .iter()
        .filter(|u| u.status.counted())
        .map(|u| u.loaded.as_ref().unwrap().report.as_ref().unwrap())
        .collect();
    let sum = rollup::sum("x", 2024, &counted).unwrap();
    let back = r.aggregate.as_ref().unwrap().report.as_ref().unwrap();
    assert_eq!(rollup::leaf_values(back), rollup::leaf_values(&sum));
    let toml = std::fs::read_to_string(out.join("report.toml")).unwrap();
    assert!(toml.contains("# 汇总自以下 9 个单位的报告："), "{toml}");
    assert!(toml.contains("未报送"), "{toml}");

    // The office writes its prose and its date; then a fixed unit arrives and it re-sums.
    let overview = out.join("overview.md");
    std::fs::write(
        &overview,
        "本级编写的总体情况。全年新收申请{{applications.new}}件。\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(out.join("report.toml")).unwrap();
    std::fs::write(
        out.join("report.toml"),
        text.replace("published = 2025-03-31", "published = 2025-03-18"),
    )
    .unwrap();
    write(&units.join(&county[1].dir), &county[1].files);
    let r2 = rollup(&units, &options(&out));
    assert_eq!(r2.units[1].status, Status::Included);
    assert_eq!(r2.counted(), 10);
    assert_eq!(
        std::fs::read_to_string(&overview).unwrap(),
        "本级编写的总体情况。全年新收申请{{applications.new}}件。\n"
    );
    let back = r2.aggregate.as_ref().unwrap().report.as_ref().unwrap();
    assert_eq!(back.published.unwrap().iso(), "2025-03-18");
    let text = std::fs::read_to_string(out.join("report.toml")).unwrap();
    assert!(text.contains("# 汇总自以下 10 个单位的报告："));
    // The 汇总 sheet marks the unit with errors and the one of last year.
    let (rows, start) = sheet(&out.join(SUMMARY_FILE));
    let first = 6 - start as usize;
    assert_eq!(rows[first + 2][11], Data::String("否".into()));
    assert_eq!(rows[first + 1][11], Data::String("是".into()));
    assert!(matches!(&rows[first + 4][10], Data::String(s) if s.contains("年度为 2023")));

    // A report.toml the office wrote itself is never overwritten.
    let own = dir.join("own");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("report.toml"), "agency = \"某县\"\nyear = 2024\n").unwrap();
    let r3 = rollup(&units, &options(&own));
    assert!(r3
        .refused
        .as_deref()
        .unwrap()
        .contains("不是 nianbao rollup 生成的"));
    assert_eq!(
        std::fs::read_to_string(own.join("report.toml")).unwrap(),
        "agency = \"某县\"\nyear = 2024\n"
    );
    assert!(!own.join(SUMMARY_FILE).exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn include_failing_and_no_unit_list() {
    let dir = temp("failing");
    let (_, county) = synthetic_county(4, 2024);
    for u in &county {
        write(&dir.join("units").join(&u.dir), &u.files);
    }
    let toml = dir.join("units").join(&county[3].dir).join("report.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("licensing = ", "licensing = -")).unwrap();
    let mut opts = options(&dir.join("gov"));
    let r = rollup(&dir.join("units"), &opts);
    assert_eq!(r.counted(), 3);
    // Without units.toml every folder is a unit, its role from its kind.
    assert!(r.units.iter().all(|u| u.role.is_some()));
    opts.include_failing = true;
    let r = rollup(&dir.join("units"), &opts);
    assert_eq!(r.counted(), 4);
    let i = r
        .units
        .iter()
        .position(|u| u.status == Status::IncludedFailing)
        .unwrap();
    assert_eq!(ids(&r, i), ["W-UNIT-INCLUDED"]);
    assert!(r.has_errors(), "the unit's own errors still count");
    let rows = r.rows();
    assert!(rows[i].errors > 0 && rows[i].status.counted());
    let values = rows[i].values.as_ref().unwrap();
    assert!(values.iter().any(|v| matches!(v, Num::Count(0))));

    // A unit whose report.toml cannot be parsed: listed, left out, an error of the roll-up.
    let bad = dir.join("units").join("坏");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("report.toml"), "agency = \"某局\nyear = 2024\n").unwrap();
    opts.include_failing = false;
    let r = rollup(&dir.join("units"), &opts);
    let i = r.units.iter().position(|u| u.label == "坏").unwrap();
    assert_eq!(r.units[i].status, Status::Excluded("报告无法读取".into()));
    assert_eq!(ids(&r, i), ["E-UNIT-EXCLUDED"]);
    assert!(r.rows()[i].values.is_none());
    std::fs::remove_dir_all(&bad).unwrap();

    // No agency anywhere: nothing written.
    opts.agency = None;
    let r = rollup(
        &dir.join("units"),
        &RollupOptions {
            out_dir: dir.join("gov2"),
            ..opts
        },
    );
    assert!(r.refused.as_deref().unwrap().contains("机关全称"));
    assert!(!dir.join("gov2").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
