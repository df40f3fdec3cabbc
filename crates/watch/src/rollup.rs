//! `nianbao rollup`: the government's aggregate report from its units' report folders.
//!
//! The units are the folders `units.toml` lists (or, without it, every report folder in the
//! units folder). Each is loaded and checked in parallel; a unit is counted unless it has
//! errors (`--include-failing` counts it anyway), is of another year, or repeats an agency
//! already counted. The counted units' leaf cells are summed ([`rollup::sum`]) and written as
//! a normal report folder — a `report.toml` whose generated part holds the sums and names the
//! sources, and (when the folder is new) prose files whose number sentences are placeholders —
//! plus `汇总.xlsx`. All files are written at once, atomically; then the aggregate is loaded
//! and checked from disk like any report.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nianbao_core::batch::{Facts, Timing};
use nianbao_core::load::{self, Loaded};
use nianbao_core::model::{Date, Report};
use nianbao_core::rollup::{
    self, Role, SourceLine, Status, Summary, UnitList, UnitRow, SUMMARY_FILE, UNITS_FILE,
};
use nianbao_core::source::{SourceMap, Span};
use nianbao_core::{Diagnostic, Severity};

use crate::batch::{check_many, identity, is_report, sub_reports};
use crate::write::{write_all, Written};

/// What to roll up, and where to.
#[derive(Clone, Debug, Default)]
pub struct RollupOptions {
    /// The aggregate report's folder (created if needed).
    pub out_dir: PathBuf,
    /// Count units that have errors too (they are listed either way).
    pub include_failing: bool,
    /// 机关全称 of the aggregate, when its `report.toml` is new (else `units.toml`'s).
    pub agency: Option<String>,
    /// The year to sum (else `units.toml`'s, the existing aggregate's, or the units' most
    /// common year).
    pub year: Option<i32>,
    /// Worker threads for loading the units (0 = all cores).
    pub threads: usize,
}

/// One unit of the roll-up.
#[derive(Debug)]
pub struct Unit {
    /// Its folder.
    pub folder: PathBuf,
    /// Its folder as shown (relative to the units folder when inside it).
    pub label: String,
    /// Its role (from `units.toml`, else from its report's kind).
    pub role: Option<Role>,
    /// Its loaded and checked report (None when missing).
    pub loaded: Option<Loaded>,
    /// Counted or not, and why.
    pub status: Status,
}

impl Unit {
    fn report(&self) -> Option<&Report> {
        self.loaded.as_ref().and_then(|l| l.report.as_ref())
    }

    /// The unit's name: its agency, else its folder.
    pub fn name(&self) -> String {
        match self.report() {
            Some(r) if !r.agency.trim().is_empty() => r.agency.trim().to_string(),
            _ => self.label.clone(),
        }
    }
}

/// Everything a roll-up did.
#[derive(Debug)]
pub struct Rollup {
    /// The units folder.
    pub units_dir: PathBuf,
    /// `units.toml`, when there is one (for rendering `diagnostics`).
    pub sources: SourceMap,
    /// Findings located in `units.toml` (or nowhere): its own problems and missing units.
    pub diagnostics: Vec<Diagnostic>,
    /// The units, in `units.toml` order (then unlisted folders), else by folder name.
    pub units: Vec<Unit>,
    /// Findings about unit `i`, located in its own sources.
    pub findings: Vec<(usize, Diagnostic)>,
    /// The year summed.
    pub year: Option<i32>,
    /// The aggregate as written, loaded and checked from disk.
    pub aggregate: Option<Loaded>,
    /// Files written.
    pub written: Vec<(PathBuf, Written)>,
    /// Why nothing was written, if so (in Chinese).
    pub refused: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Rollup {
    /// Units whose numbers are in the sum.
    pub fn counted(&self) -> usize {
        self.units.iter().filter(|u| u.status.counted()).count()
    }

    /// Whether the roll-up is incomplete or wrong somewhere: a finding that is an error, a unit
    /// left out or missing, a unit with errors counted anyway, an aggregate with errors other
    /// than its writing prompts ([`rollup::is_prompt`]), a file not written.
    pub fn has_errors(&self) -> bool {
        let error = |d: &Diagnostic| d.severity == Severity::Error;
        self.diagnostics.iter().any(error)
            || self.findings.iter().any(|(_, d)| error(d))
            || self
                .units
                .iter()
                .any(|u| u.status == Status::IncludedFailing)
            || self.aggregate.as_ref().is_some_and(|a| {
                a.diagnostics
                    .iter()
                    .any(|d| error(d) && !rollup::is_prompt(d))
            })
            || self
                .written
                .iter()
                .any(|(_, w)| matches!(w, Written::Failed(_)))
    }

    /// The 汇总 rows.
    pub fn rows(&self) -> Vec<UnitRow> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let r = u.report();
                let (errors, mut warnings) = u.loaded.as_ref().map_or((0, 0), |l| {
                    let c = nianbao_core::diag::count(&l.diagnostics);
                    (c.errors, c.warnings)
                });
                // The roll-up's warnings about a unit are the unit's; its errors are verdicts on
                // it (left out, …), shown as the status, not counted as the unit's errors.
                warnings += self
                    .findings
                    .iter()
                    .filter(|(j, d)| *j == i && d.severity == Severity::Warning)
                    .count();
                UnitRow {
                    name: u.name(),
                    folder: u.label.clone(),
                    role: u.role,
                    year: r.map(|r| r.year),
                    published: r.and_then(|r| r.published),
                    deadline: r.map(Report::deadline),
                    timing: r.map(Timing::of),
                    errors,
                    warnings,
                    status: u.status.clone(),
                    values: r.map(rollup::leaf_values),
                }
            })
            .collect()
    }
}

/// The units table for a terminal (单位 | 类别 | 年度 | 错误 | 警告 | 发布期限 | 状态).
pub fn render_units(rows: &[UnitRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|u| {
            let deadline = match (u.deadline, u.timing) {
                (Some(d), Some(t)) => format!("{} {}", d.chinese(), t.chinese()),
                _ => String::new(),
            };
            vec![
                u.name.clone(),
                u.role.map_or("", Role::chinese).to_string(),
                u.year.map(|y| y.to_string()).unwrap_or_default(),
                u.errors.to_string(),
                u.warnings.to_string(),
                deadline,
                u.status.chinese(),
            ]
        })
        .collect();
    nianbao_core::batch::text_table(
        &["单位", "类别", "年度", "错误", "警告", "发布期限", "状态"],
        &cells,
        &[false, false, true, true, true, false, false],
    )
}

/// Reads a UTF-8 text file (a leading BOM dropped), with a Chinese error.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取“{}”：{e}", path.display()))?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "“{}”不是 UTF-8 编码（可能是 GBK），请用 UTF-8 保存",
            path.display()
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "");
    }
    Ok(text)
}

/// `p` resolved as far as it exists: a folder that is not there yet still compares equal to
/// itself spelled another way.
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => resolved(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
        .join(name),
        _ => p.to_path_buf(),
    }
}

/// Rolls up the units in `units_dir` into `opts.out_dir`. Never panics on bad input; every
/// problem is in the returned value.
pub fn rollup(units_dir: &Path, opts: &RollupOptions) -> Rollup {
    let start = Instant::now();
    let mut r = Rollup {
        units_dir: units_dir.to_path_buf(),
        sources: SourceMap::new(),
        diagnostics: Vec::new(),
        units: Vec::new(),
        findings: Vec::new(),
        year: None,
        aggregate: None,
        written: Vec::new(),
        refused: None,
        elapsed: Duration::ZERO,
    };
    run(units_dir, opts, &mut r);
    r.elapsed = start.elapsed();
    r
}

fn refuse(r: &mut Rollup, why: String) {
    r.refused = Some(why);
}

fn run(units_dir: &Path, opts: &RollupOptions, r: &mut Rollup) {
    if !units_dir.is_dir() {
        return refuse(
            r,
            format!("找不到单位报告所在的文件夹“{}”", units_dir.display()),
        );
    }
    let out_key = resolved(&opts.out_dir);
    let label = |p: &Path| p.strip_prefix(units_dir).unwrap_or(p).display().to_string();

    // The unit list.
    let list_path = units_dir.join(UNITS_FILE);
    let mut list: Option<UnitList> = None;
    if list_path.is_file() {
        let text = match read_text(&list_path) {
            Ok(t) => t,
            Err(e) => return refuse(r, e),
        };
        let id = r.sources.add(list_path.clone(), text);
        let (parsed, diags) = rollup::parse_units(id, &r.sources);
        r.diagnostics.extend(diags);
        match parsed {
            Some(l) => list = Some(l),
            None => return refuse(r, "units.toml 有格式错误，未汇总".into()),
        }
    }
    let scanned: Vec<PathBuf> = sub_reports(units_dir)
        .into_iter()
        .filter(|p| identity(p) != out_key)
        .collect();

    // The units: listed ones (missing ones kept, to be shown), then unlisted report folders.
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    if let Some(list) = &list {
        for entry in &list.units {
            let folder = units_dir.join(&entry.dir);
            let key = identity(&folder);
            if key == out_key {
                r.diagnostics.push(
                    Diagnostic::error(
                        "E-UNIT-TWICE",
                        format!("units.toml 列出的“{}”是汇总报告自己的文件夹", entry.dir),
                    )
                    .at(entry.span.clone())
                    .hint("删去这一段 [[unit]]，或用 -o 换一个汇总报告的文件夹"),
                );
                continue;
            }
            if let Some(&first) = seen.get(&key) {
                r.diagnostics.push(
                    Diagnostic::error(
                        "E-UNIT-TWICE",
                        format!(
                            "units.toml 再次列出了“{}”（与“{}”是同一个文件夹），只计一次",
                            entry.dir, r.units[first].label
                        ),
                    )
                    .at(entry.span.clone())
                    .hint("删去重复的 [[unit]]"),
                );
                continue;
            }
            seen.insert(key, r.units.len());
            let present = is_report(&folder);
            if !present {
                let name = entry.name.clone().unwrap_or_else(|| entry.dir.clone());
                r.diagnostics.push(
                    Diagnostic::error(
                        "E-UNIT-MISSING",
                        format!(
                            "单位“{name}”未报送：“{}”中没有 report.toml",
                            folder.display()
                        ),
                    )
                    .at(entry.span.clone())
                    .hint("催报该单位，把它的报告文件夹放到这里；或检查 dir 是否写错"),
                );
            }
            r.units.push(Unit {
                label: entry.dir.clone(),
                folder,
                role: entry.role,
                loaded: None,
                status: if present {
                    Status::Included
                } else {
                    Status::Missing
                },
            });
        }
        for folder in scanned {
            if !seen.contains_key(&identity(&folder)) {
                r.units.push(Unit {
                    label: label(&folder),
                    folder,
                    role: None,
                    loaded: None,
                    status: Status::Unlisted,
                });
            }
        }
    } else {
        for folder in scanned {
            r.units.push(Unit {
                label: label(&folder),
                folder,
                role: None,
                loaded: None,
                status: Status::Included,
            });
        }
    }
    if r.units.is_empty() {
        return refuse(
            r,
            format!(
                "“{}”中没有单位报告（含 report.toml 的子文件夹），也没有 units.toml",
                units_dir.display()
            ),
        );
    }

    // Load and check every unit that is there, in parallel.
    let present: Vec<usize> = (0..r.units.len())
        .filter(|&i| r.units[i].status != Status::Missing)
        .collect();
    let folders: Vec<PathBuf> = present.iter().map(|&i| r.units[i].folder.clone()).collect();
    for (i, loaded) in present.iter().zip(check_many(&folders, opts.threads)) {
        r.units[*i].loaded = Some(loaded);
    }

    // The existing aggregate, if any: its year and header are the office's.
    let report_path = opts.out_dir.join(load::REPORT_FILE);
    let existing_text = if report_path.is_file() {
        match read_text(&report_path) {
            Ok(t) => Some(t),
            Err(e) => return refuse(r, e),
        }
    } else {
        None
    };
    let existing = existing_text
        .as_ref()
        .and_then(|_| load::load(&opts.out_dir).report);
    if existing_text.is_some() && existing.is_none() {
        return refuse(
            r,
            format!(
                "“{}”无法读取（格式错误），未汇总；请先用 nianbao check 检查它",
                report_path.display()
            ),
        );
    }

    let year = opts
        .year
        .or(list.as_ref().and_then(|l| l.year))
        .or(existing.as_ref().map(|e| e.year))
        .or_else(|| most_common_year(&r.units));
    let Some(year) = year else {
        return refuse(r, "没有一个单位的报告可以读取，无法确定汇总年度".into());
    };
    r.year = Some(year);
    if let Some(e) = &existing {
        if e.year != year {
            return refuse(
                r,
                format!(
                    "“{}”是 {} 年度的汇总报告，本次汇总 {year} 年度；请用 -o 换一个文件夹",
                    report_path.display(),
                    e.year
                ),
            );
        }
    }

    judge(r, opts, list.as_ref(), year);

    let agency = match existing.as_ref().map(|e| e.agency.clone()).or_else(|| {
        opts.agency
            .clone()
            .or_else(|| list.as_ref().and_then(|l| l.agency.clone()))
    }) {
        Some(a) if !a.trim().is_empty() => a.trim().to_string(),
        _ => {
            return refuse(
                r,
                "汇总报告的机关全称未知：请在 units.toml 中写 agency = \"某某县人民政府\"，或加 --agency 某某县人民政府".into(),
            )
        }
    };

    // Sum, and write the aggregate's sources.
    let counted: Vec<&Report> = r
        .units
        .iter()
        .filter(|u| u.status.counted())
        .filter_map(Unit::report)
        .collect();
    let sum = match rollup::sum(&agency, year, &counted) {
        Ok(s) => s,
        Err(e) => return refuse(r, format!("无法汇总：{e}")),
    };
    let sources: Vec<SourceLine> = r
        .units
        .iter()
        .map(|u| SourceLine {
            role: u.role,
            name: u.name(),
            folder: u.label.clone(),
            left_out: (!u.status.counted()).then(|| u.status.chinese()),
        })
        .collect();
    let region = rollup::tables_region(&sum, &sources);
    let report_toml = match &existing_text {
        Some(text) => match rollup::splice(text, &region) {
            Some(t) => t,
            None => {
                return refuse(
                    r,
                    format!(
                        "“{}”不是 nianbao rollup 生成的（没有“汇总数据”部分），为免覆盖已写的内容，未写入；请用 -o 换一个文件夹，或删去该文件后重新汇总",
                        report_path.display()
                    ),
                )
            }
        },
        None => rollup::new_report_toml(&agency, year, &region),
    };
    if !rollup::is_toml(&report_toml) {
        return refuse(
            r,
            format!(
                "更新后的“{}”不是有效的 TOML（汇总数据部分以外的内容有误），未写入",
                report_path.display()
            ),
        );
    }
    let published = existing.as_ref().and_then(|e| e.published);
    let summary = Summary {
        title: format!(
            "{agency}{year}年{}汇总表",
            nianbao_core::format::TITLE_SUFFIX
        ),
        agency: agency.clone(),
        year,
        date: published.unwrap_or_else(|| {
            let (month, day) = nianbao_core::format::Kind::Government.deadline();
            Date {
                year: year + 1,
                month,
                day,
            }
        }),
        columns: rollup::columns(),
        units: r.rows(),
        totals: rollup::leaf_values(&sum),
    };
    let xlsx = match nianbao_export::summary::export(&summary) {
        Ok(b) => b,
        Err(e) => return refuse(r, format!("生成 {SUMMARY_FILE} 失败：{}", e.message)),
    };

    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![(report_path, report_toml.into_bytes())];
    if existing_text.is_none() {
        // A new aggregate: its starting prose. A file already there is the office's.
        for (name, text) in rollup::prose_files() {
            let path = opts.out_dir.join(name);
            if !path.exists() {
                files.push((path, text.into_bytes()));
            }
        }
    }
    files.push((opts.out_dir.join(SUMMARY_FILE), xlsx));
    if let Err(e) = std::fs::create_dir_all(&opts.out_dir) {
        return refuse(
            r,
            format!("无法创建文件夹“{}”：{e}", opts.out_dir.display()),
        );
    }
    // All or nothing: write_all skips a file open in Excel/WPS and writes the rest, which
    // here would leave report.toml and 汇总.xlsx disagreeing.
    if let Some((path, lock)) = files
        .iter()
        .find_map(|(p, _)| crate::write::office_lock(p).map(|l| (p, l)))
    {
        return refuse(
            r,
            format!(
                "“{}”正被 Word/Excel/WPS 打开（存在锁文件“{}”），请关闭后重新汇总；未写入任何文件",
                path.display(),
                lock.display()
            ),
        );
    }
    let refs: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    let statuses = write_all(&refs);
    r.written = files.into_iter().map(|(p, _)| p).zip(statuses).collect();
    r.aggregate = Some(nianbao_core::load_and_check(&opts.out_dir));
}

/// The most common year among the units' reports (a tie goes to the later year).
fn most_common_year(units: &[Unit]) -> Option<i32> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for u in units {
        if let Some(rep) = u.report() {
            *years.entry(rep.year).or_default() += 1;
        }
    }
    years
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map(|(y, _)| y)
}

/// Decides every present unit's role and status, with the findings that explain them.
fn judge(r: &mut Rollup, opts: &RollupOptions, list: Option<&UnitList>, year: i32) {
    let mut counted: HashMap<(String, i32), usize> = HashMap::new();
    let entries: Vec<Option<&rollup::Listed>> = r
        .units
        .iter()
        .map(|u| list.and_then(|l| l.units.iter().find(|e| e.dir == u.label)))
        .collect();
    for (i, entry) in entries.into_iter().enumerate() {
        if r.units[i].status == Status::Missing {
            continue;
        }
        let mut found: Vec<Diagnostic> = Vec::new();
        let unit = &r.units[i];
        let Some(loaded) = &unit.loaded else { continue };
        let Some(rep) = &loaded.report else {
            let at = loaded
                .sources
                .files()
                .next()
                .map(|(id, _)| Span::file_start(id));
            r.findings.push((
                i,
                Diagnostic::error("E-UNIT-EXCLUDED", "本报告无法读取，未计入汇总")
                    .at(at)
                    .hint("请该单位按上面的错误改正 report.toml 后重新汇总"),
            ));
            r.units[i].status = Status::Excluded("报告无法读取".into());
            continue;
        };
        let agency_at = rep.spans.agency.clone();
        let mut role = unit.role;
        match role {
            Some(role) if !role.fits(rep.kind) => found.push(
                Diagnostic::warning(
                    "W-UNIT-ROLE",
                    format!(
                        "units.toml 把“{}”列为“{}”，但它的报告类型是“{}”",
                        rep.agency,
                        role.chinese(),
                        rep.kind.chinese()
                    ),
                )
                .at(rep.spans.kind.clone().or(agency_at.clone()))
                .hint("核对 units.toml 中的 role，或本报告的 kind"),
            ),
            Some(_) => {}
            None => role = Some(Role::of_kind(rep.kind)),
        }
        if let Some(name) = entry.and_then(|e| e.name.as_deref()) {
            if name != rep.agency.trim() {
                found.push(
                    Diagnostic::warning(
                        "W-UNIT-NAME",
                        format!(
                            "units.toml 中这个单位名为“{name}”，报告中的机关全称是“{}”",
                            rep.agency
                        ),
                    )
                    .at(agency_at.clone())
                    .hint("核对是否放错了文件夹，或统一两处的名称"),
                );
            }
        }
        if let Some(facts) = Facts::of(&unit.label, loaded) {
            found.extend(facts.findings().iter().cloned());
        }
        let errors = nianbao_core::diag::count(&loaded.diagnostics).errors;
        let key = (rep.agency.trim().to_string(), rep.year);
        let status = if unit.status == Status::Unlisted {
            found.push(
                Diagnostic::warning(
                    "W-UNIT-UNLISTED",
                    format!(
                        "“{}”在汇总文件夹中，但 units.toml 没有列出它，未计入汇总",
                        unit.label
                    ),
                )
                .at(agency_at.clone())
                .hint(format!(
                    "要计入，就在 units.toml 中加一段 [[unit]] dir = \"{}\"；否则把它移出汇总文件夹",
                    unit.label
                )),
            );
            Status::Unlisted
        } else if rep.year != year {
            found.push(
                Diagnostic::error(
                    "E-UNIT-YEAR",
                    format!(
                        "本报告为 {} 年度，汇总的是 {year} 年度，未计入汇总",
                        rep.year
                    ),
                )
                .at(rep.spans.year.clone().or(agency_at.clone()))
                .hint("换成该单位本年度的报告，或改正 year"),
            );
            Status::Excluded(format!("年度为 {}", rep.year))
        } else if errors > 0 && !opts.include_failing {
            found.push(
                Diagnostic::error(
                    "E-UNIT-EXCLUDED",
                    format!("本报告有 {errors} 个错误，未计入汇总"),
                )
                .at(agency_at.clone())
                .hint("请该单位改正后重新汇总；或加 --include-failing 先按现有数字计入"),
            );
            Status::Excluded(format!("有 {errors} 个错误"))
        } else if let Some(&first) = counted.get(&key) {
            let other = r.units[first].label.clone();
            found.push(
                Diagnostic::error(
                    "E-UNIT-TWICE",
                    format!(
                        "“{}”{} 年度的报告已由“{other}”计入，本报告未再计入",
                        key.0, key.1
                    ),
                )
                .at(agency_at.clone())
                .hint("删去重复的报告文件夹，或改正写错的机关全称"),
            );
            Status::Excluded(format!("与“{other}”重复"))
        } else {
            counted.insert(key, i);
            if errors > 0 {
                found.push(
                    Diagnostic::warning(
                        "W-UNIT-INCLUDED",
                        format!("本报告有 {errors} 个错误，按 --include-failing 仍计入汇总"),
                    )
                    .at(agency_at.clone())
                    .hint("汇总报告发布前，请该单位改正并重新汇总"),
                );
                Status::IncludedFailing
            } else {
                Status::Included
            }
        };
        r.units[i].role = role;
        r.units[i].status = status;
        r.findings.extend(found.into_iter().map(|d| (i, d)));
    }
}
