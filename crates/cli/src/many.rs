//! Commands over many reports: `check` of a batch, batch `build`, `rollup`. They print what
//! `nianbao_watch::{batch, rollup}` and `nianbao_core::batch` return.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use nianbao_core::batch::{self as nb, Facts, JsonBatch, JsonReport, Row, Verdict};
use nianbao_core::diag;
use nianbao_core::source::{FileId, SourceMap};
use nianbao_core::{Diagnostic, Severity};
use nianbao_watch::batch::{self, Expanded};
use nianbao_watch::build::{self, BuildOptions};
use nianbao_watch::rollup::{self, RollupOptions};
use nianbao_watch::write::Written;

use crate::{check, color, exit_code, summary, OutputFormat};

/// Prints what expanding the arguments found: arguments that are no report (stderr) and
/// reports named twice (checked once).
pub(crate) fn report_expansion(e: &Expanded) {
    for b in &e.bad {
        eprintln!(
            "“{}”不是报告文件夹（没有 report.toml），其中也没有报告文件夹",
            b.display()
        );
    }
    for (given, first) in &e.duplicates {
        eprintln!(
            "注意：“{}”与“{}”是同一份报告，只处理一次",
            given.display(),
            first.display()
        );
    }
}

/// The heading of one report's group: `── [3/32] 青禾市教育局 2024 年度（reports/r3）`.
fn group_heading(i: usize, n: usize, row: &Row) -> String {
    let what = match (row.verdict, row.year) {
        (Verdict::Unreadable, _) => format!("{}（无法读取）", row.folder),
        (_, Some(y)) => format!("{} {y} 年度（{}）", row.report, row.folder),
        (_, None) => row.folder.clone(),
    };
    format!("── [{}/{n}] {what} ──", i + 1)
}

/// `nianbao check DIR…`: one report as before; several (or a parent folder) as a batch.
pub(crate) fn check_cmd(args: &[PathBuf], format: OutputFormat) -> ExitCode {
    let e = batch::expand(args);
    let single = args.len() == 1 && e.reports.len() == 1 && batch::is_report(&args[0]);
    let csv = matches!(format, OutputFormat::Csv | OutputFormat::CsvFindings);
    if (single && !csv) || (args.len() == 1 && e.reports.is_empty()) {
        // One report, or nothing that looks like one: the single-report output (whose E-FILE
        // says what a report folder needs).
        return check(&args[0], format);
    }
    report_expansion(&e);
    if e.reports.is_empty() {
        return ExitCode::from(2);
    }
    let loaded = batch::check_many(&e.reports, 0);
    let labels: Vec<String> = e.reports.iter().map(|p| p.display().to_string()).collect();
    let facts: Vec<Option<Facts>> = labels
        .iter()
        .zip(&loaded)
        .map(|(f, l)| Facts::of(f, l))
        .collect();
    let cross = nb::cross_check(&facts.iter().map(Option::as_ref).collect::<Vec<_>>());
    let mut all: Vec<Vec<Diagnostic>> = loaded.iter().map(|l| l.diagnostics.clone()).collect();
    let mut rows = Vec::with_capacity(loaded.len());
    for (i, l) in loaded.iter().enumerate() {
        let extra: Vec<&Diagnostic> = cross
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, d)| d)
            .collect();
        rows.push(Row::of(&labels[i], l, &extra));
        all[i].extend(extra.into_iter().cloned());
        diag::sort(&mut all[i]);
    }
    match format {
        OutputFormat::Text => {
            let n = rows.len();
            for (i, row) in rows.iter().enumerate() {
                println!("{}", group_heading(i, n, row));
                if all[i].is_empty() {
                    println!("没有错误和警告\n");
                } else {
                    print!("{}", diag::render(&all[i], &loaded[i].sources, color()));
                    println!("{}\n", summary(row.errors, row.warnings));
                }
            }
            print!("{}", nb::render_table(&rows));
        }
        OutputFormat::Json => {
            let reports = rows
                .iter()
                .zip(&all)
                .zip(&loaded)
                .map(|((row, d), l)| JsonReport {
                    row,
                    diagnostics: diag::to_json(d, &l.sources),
                })
                .collect();
            let json = JsonBatch {
                reports,
                summary: nb::totals_line(&rows),
            };
            match serde_json::to_string_pretty(&json) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("无法输出 JSON：{e}"),
            }
        }
        OutputFormat::Csv => print!("{}", nb::summary_csv(&rows)),
        OutputFormat::CsvFindings => {
            let found: Vec<(&Row, _)> = rows
                .iter()
                .zip(&all)
                .zip(&loaded)
                .map(|((row, d), l)| (row, diag::to_json(d, &l.sources)))
                .collect();
            print!("{}", nb::findings_csv(&found));
        }
    }
    let failed = rows.iter().any(|r| r.errors > 0);
    let code = if !e.bad.is_empty() {
        2
    } else {
        u8::from(failed)
    };
    ExitCode::from(code)
}

/// The report.toml of a loaded report on its own, as file 0 (where every cross-report
/// finding points), so a batch build can render those findings after its builds are gone.
fn report_file(sources: &SourceMap) -> Option<SourceMap> {
    let (_, f) = sources.files().next()?;
    let mut m = SourceMap::new();
    let id = m.add(f.path.clone(), f.text.clone());
    (id == FileId(0)).then_some(m)
}

/// Many reports in parallel: a progress line on a terminal; per report its diagnostics
/// (errors only with `quiet`) and a status line, as each finishes; then the findings across
/// reports and the totals.
pub(crate) fn build_batch(
    dirs: &[PathBuf],
    opts: &BuildOptions,
    fonts: Option<PathBuf>,
    quiet: bool,
) -> u8 {
    struct Tally {
        finished: usize,
        built: usize,
        with_errors: usize,
        warnings: usize,
        worst: u8,
        facts: Vec<Option<(Facts, SourceMap)>>,
    }
    let tally = Mutex::new(Tally {
        finished: 0,
        built: 0,
        with_errors: 0,
        warnings: 0,
        worst: 0,
        facts: (0..dirs.len()).map(|_| None).collect(),
    });
    let progress = std::io::stderr().is_terminal();
    let total = dirs.len();
    let start = std::time::Instant::now();
    let done = |i: usize, report: &build::BuildReport| {
        let c = report.counts();
        let code = exit_code(report);
        let shown: Vec<Diagnostic> = report
            .loaded
            .diagnostics
            .iter()
            .filter(|d| !quiet || d.severity == Severity::Error)
            .cloned()
            .collect();
        let text = diag::render(&shown, &report.loaded.sources, color());
        let label = dirs[i].display().to_string();
        let facts = Facts::of(&label, &report.loaded).zip(report_file(&report.loaded.sources));
        let Ok(mut t) = tally.lock() else {
            return;
        };
        t.finished += 1;
        t.warnings += c.warnings;
        t.worst = t.worst.max(code);
        t.facts[i] = facts;
        let status = if report.outputs.is_empty() {
            t.with_errors += usize::from(c.errors > 0);
            "未生成"
        } else if report.write_failed() {
            "部分写入失败"
        } else {
            t.built += 1;
            if report.draft {
                "已生成草稿"
            } else {
                "已生成"
            }
        };
        if progress {
            eprint!("\r\x1b[2K");
        }
        print!("{text}");
        println!(
            "[{}/{total}] {label} {status}：{} 个错误，{} 个警告，{:.0} ms",
            i + 1,
            c.errors,
            c.warnings,
            report.elapsed.as_secs_f64() * 1000.0
        );
        for o in &report.outputs {
            if let Written::Failed(m) = &o.status {
                eprintln!("  失败 {m}");
            }
        }
        if progress {
            eprint!("生成中 {}/{total}", t.finished);
        }
    };
    batch::build_many(dirs, opts, fonts, 0, &done);
    if progress {
        eprint!("\r\x1b[2K");
    }
    let t = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    let facts: Vec<Option<&Facts>> = t.facts.iter().map(|f| f.as_ref().map(|(f, _)| f)).collect();
    let cross = nb::cross_check(&facts);
    if !cross.is_empty() {
        if quiet {
            println!(
                "报告之间的核对：{} 条警告（去掉 --quiet 或运行 nianbao check 查看）",
                cross.len()
            );
        } else {
            println!("── 报告之间的核对 ──");
            for (i, d) in &cross {
                if let Some((_, sources)) = &t.facts[*i] {
                    print!(
                        "{}",
                        diag::render(std::slice::from_ref(d), sources, color())
                    );
                }
            }
        }
    }
    println!(
        "共 {total} 份报告：{} 份已生成，{} 份有错误未生成，警告 {} 条，用时 {:.2} s",
        t.built,
        t.with_errors,
        t.warnings + cross.len(),
        start.elapsed().as_secs_f64()
    );
    t.worst
}

/// `nianbao rollup UNITS_DIR -o GOV_DIR`.
pub(crate) fn rollup_cmd(units_dir: &Path, opts: &RollupOptions) -> ExitCode {
    let r = rollup::rollup(units_dir, opts);
    let c = color();
    if !r.diagnostics.is_empty() {
        println!(
            "── {} ──",
            units_dir.join(nianbao_core::rollup::UNITS_FILE).display()
        );
        print!("{}", diag::render(&r.diagnostics, &r.sources, c));
    }
    let n = r.units.len();
    for (i, u) in r.units.iter().enumerate() {
        let Some(loaded) = &u.loaded else { continue };
        // A unit's own errors (why it is left out) and the roll-up's findings about it; its
        // warnings are `nianbao check`'s business.
        let mut shown: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        shown.extend(
            r.findings
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, d)| d.clone()),
        );
        if shown.is_empty() {
            continue;
        }
        diag::sort(&mut shown);
        println!("── [{}/{n}] {}（{}）──", i + 1, u.name(), u.label);
        print!("{}", diag::render(&shown, &loaded.sources, c));
    }
    if let Some(why) = &r.refused {
        if !r.units.is_empty() && r.year.is_some() {
            print!("{}", rollup::render_units(&r.rows()));
        }
        eprintln!("未汇总：{why}");
        return ExitCode::from(2);
    }
    print!("{}", rollup::render_units(&r.rows()));
    let left_out = r.units.iter().filter(|u| !u.status.counted()).count();
    if let Some(a) = &r.aggregate {
        // Errors in full; the writing prompts (E-TODO) and the warnings only counted here
        // (`nianbao check` lists them).
        let errors: Vec<Diagnostic> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && !nianbao_core::rollup::is_prompt(d))
            .cloned()
            .collect();
        if !errors.is_empty() {
            println!("── 汇总报告 {} ──", opts.out_dir.display());
            print!("{}", diag::render(&errors, &a.sources, c));
        }
        let prompts = a
            .diagnostics
            .iter()
            .filter(|d| nianbao_core::rollup::is_prompt(d))
            .count();
        if prompts > 0 {
            println!(
                "汇总报告待填写：{prompts} 处【待填写】由本机关编写（运行 nianbao check {} 查看）",
                opts.out_dir.display()
            );
        }
        let mut by_id: std::collections::BTreeMap<&str, usize> = Default::default();
        for d in a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            *by_id.entry(d.id).or_default() += 1;
        }
        if !by_id.is_empty() {
            let list: Vec<String> = by_id.iter().map(|(id, n)| format!("{id} {n} 条")).collect();
            println!(
                "汇总报告的警告：{}（运行 nianbao check {} 查看）",
                list.join("，"),
                opts.out_dir.display()
            );
        }
    }
    for (path, w) in &r.written {
        match w {
            Written::Written => println!("  已生成 {}", path.display()),
            Written::Unchanged => println!("  未变化 {}", path.display()),
            Written::Failed(m) => eprintln!("  失败 {m}"),
        }
    }
    let year = r.year.map(|y| format!(" {y} 年度")).unwrap_or_default();
    println!(
        "汇总{year}：{n} 个单位，{} 个计入，{left_out} 个未计入，用时 {:.0} ms",
        r.counted(),
        r.elapsed.as_secs_f64() * 1000.0
    );
    if let Some(a) = &r.aggregate {
        let ac = diag::count(&a.diagnostics);
        let prompts = a
            .diagnostics
            .iter()
            .filter(|d| nianbao_core::rollup::is_prompt(d))
            .count();
        let next = if prompts > 0 {
            format!(
                "编写 {prompts} 处【待填写】后运行 nianbao build {}",
                opts.out_dir.display()
            )
        } else {
            format!("运行 nianbao build {}", opts.out_dir.display())
        };
        println!(
            "汇总报告 {}：{}。{next}",
            opts.out_dir.display(),
            summary(ac.errors - prompts, ac.warnings),
        );
    }
    ExitCode::from(u8::from(r.has_errors()))
}
