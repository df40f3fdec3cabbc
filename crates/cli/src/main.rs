//! The `nianbao` command line: the only place that prints.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use nianbao_core::diag::{self, count};
use nianbao_core::format::Kind;
use nianbao_core::load::Loaded;
use nianbao_export::Format;
use nianbao_watch::batch;
use nianbao_watch::build::{self, BuildOptions, FontCache};
use nianbao_watch::rollup::RollupOptions;
use nianbao_watch::write::Written;

// Printing that never panics. These shadow the standard `print!`, `println!`, `eprint!` and
// `eprintln!` for the whole crate: once the reader of stdout has gone (`nianbao check | head
// -1`) output is dropped instead of panicking with "failed printing to stdout: Broken pipe".
macro_rules! print {
    ($($t:tt)*) => { $crate::out::stdout(format_args!($($t)*)) };
}
macro_rules! println {
    () => { $crate::out::stdout(format_args!("\n")) };
    ($($t:tt)*) => { $crate::out::stdout(format_args!("{}\n", format_args!($($t)*))) };
}
macro_rules! eprint {
    ($($t:tt)*) => { $crate::out::stderr(format_args!($($t)*)) };
}
macro_rules! eprintln {
    () => { $crate::out::stderr(format_args!("\n")) };
    ($($t:tt)*) => { $crate::out::stderr(format_args!("{}\n", format_args!($($t)*))) };
}

mod console;
mod import_cmd;
mod many;
mod out;
mod serve_cmd;
mod start;
mod watch_cmd;
mod zh;

use many::{build_batch, check_cmd, rollup_cmd};

const CHECK_HELP: &str = "给多份报告（或一个上级文件夹）时，逐份列出问题，再列出汇总表（报告、年度、类型、错误、警告、发布期限、结论），并核对报告之间的问题（年度不一致、同一机关两份报告、表格全为 0、与上年相比变化 5 倍以上）。
With several reports (or a parent folder): every report's findings, then a summary table, plus the checks across reports.

退出码 / exit codes:
  0  没有错误（可能有警告） / clean, or warnings only
  1  有报告有错误 / a report has errors
  2  用法或读写错误 / usage or I/O failure";

const ROLLUP_HELP: &str = "单位清单 units.toml（可选，放在单位报告所在的文件夹中）：
  agency = \"某某县人民政府\"   # 汇总报告的机关全称
  year = 2024
  [[unit]]
  dir = \"县教育局\"            # 单位报告的文件夹
  role = \"部门\"               # 本级 / 部门 / 乡镇 / 下级政府
没有 units.toml 时，文件夹中的每个报告都是一个单位。有错误的单位不计入（--include-failing 可计入）。
汇总报告文件夹中的 report.toml 只更新“汇总数据”部分；已有的文字文件不会被覆盖。

退出码 / exit codes:
  0  全部单位计入，汇总报告没有错误 / every unit counted, the aggregate is clean
  1  有单位未计入或未报送，或汇总报告有错误 / a unit left out or missing, or the aggregate has errors
  2  用法或读写错误 / usage or I/O failure";

const EXIT_HELP: &str = "退出码 / exit codes:
  0  没有错误（可能有警告） / clean, or warnings only
  1  报告有错误，或有文件未能写入 / the report has errors, or an output could not be written
  2  用法或读写错误 / usage or I/O failure";

/// nianbao（年报）：用纯文本编写政府信息公开工作年度报告，生成 DOCX、PDF（PDF/A-2b）、XLSX 和网页（HTML）。
///
/// Write a 政府信息公开工作年度报告 as plain files; check it against the national format
/// (国办公开办函〔2021〕30号) and publish DOCX, PDF/A-2b, XLSX and the portal's HTML.
#[derive(Parser)]
#[command(name = "nianbao", version, after_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告（勾稽关系、章节、文字与表格是否一致等）；可一次检查多份 / check reports
    #[command(after_help = CHECK_HELP)]
    Check {
        /// 报告文件夹（含 report.toml）；可以给多个，或给一个包含多个报告的上级文件夹
        /// / report folder(s), or a parent folder of reports
        #[arg(default_value = ".", value_name = "文件夹")]
        dirs: Vec<PathBuf>,
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "格式")]
        format: OutputFormat,
        /// 不检查报告，而是按校验清单（*.sha256）核对这个输出文件夹中的文件是否为同一版本，
        /// 并核对报告文件夹的源文件是否与生成时相同
        /// / verify the files in this output folder against its checksum list, and the
        /// report's sources against the digest recorded there
        #[arg(long, value_name = "输出文件夹")]
        verify: Option<PathBuf>,
    },
    /// 新建报告文件夹；--from 从上年度报告开始 / scaffold a new report, or next year's
    #[command(after_help = EXIT_HELP)]
    New {
        /// 要创建的文件夹 / folder to create
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
        /// 机关全称（有 --from 时默认取上年度的） / full agency name
        #[arg(long, required_unless_present = "from", value_name = "机关全称")]
        agency: Option<String>,
        /// 报告年度（有 --from 时默认为上年度加一） / report year
        #[arg(long, required_unless_present = "from", value_name = "年度")]
        year: Option<i32>,
        /// 机关类型：部门（department，默认）、乡镇（township，含街道）或政府（government）；
        /// 有 --from 时取上年度的 / kind of agency
        #[arg(long, value_parser = kind_arg, value_name = "类型")]
        kind: Option<Kind>,
        /// 上年度报告：报告文件夹，或可导入的文件（DOCX、XLSX、HTML、文本），导入到 DIR/上年度/
        /// / last year's report: a report folder, or a file to import (into DIR/上年度/)
        #[arg(long, value_name = "文件夹或文件")]
        from: Option<PathBuf>,
    },
    /// 导入已发布的报告（DOCX、XLSX、HTML 网页、纯文本）为源文件 / import a published report
    #[command(after_help = EXIT_HELP)]
    Import {
        /// 要导入的文件 / file to import
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 输出的报告文件夹（默认：文件旁同名文件夹） / report folder to create
        #[arg(short, long, value_name = "文件夹")]
        out: Option<PathBuf>,
    },
    /// 把在 Excel/WPS 中修改过的工作簿中的数字写回 report.toml / write an edited workbook's numbers back
    #[command(name = "sync-xlsx", after_help = EXIT_HELP)]
    SyncXlsx {
        /// 工作簿（nianbao build 生成的 XLSX） / the workbook
        #[arg(value_name = "工作簿")]
        file: PathBuf,
        /// 报告文件夹（默认：工作簿在 DIR/out/ 中时为 DIR，否则为当前文件夹） / report folder
        #[arg(value_name = "文件夹")]
        dir: Option<PathBuf>,
    },
    /// 生成 DOCX、PDF、XLSX、HTML 和校验清单 / build the outputs and their checksum list
    #[command(after_help = EXIT_HELP)]
    Build {
        /// 报告文件夹；可以给多个，或给一个包含多个报告的上级文件夹（并行生成）
        /// / report folder(s), or a parent folder of reports (built in parallel)
        #[arg(default_value = ".", value_name = "文件夹")]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        /// 批量生成时只列出错误，不列出警告 / batch: list errors only, not warnings
        #[arg(short, long)]
        quiet: bool,
    },
    /// 汇总所属单位的报告，生成本级政府的汇总报告文件夹和 汇总.xlsx / roll up units' reports
    #[command(after_help = ROLLUP_HELP)]
    Rollup {
        /// 单位报告所在的文件夹（每个单位一个子文件夹；可有 units.toml 单位清单）
        /// / folder of the units' report folders (optionally with units.toml)
        #[arg(value_name = "文件夹")]
        units_dir: PathBuf,
        /// 汇总报告的文件夹（不存在则新建） / the aggregate report's folder
        #[arg(short, long, value_name = "文件夹")]
        out: PathBuf,
        /// 有错误的单位也计入汇总（默认不计入） / count units that have errors too
        #[arg(long)]
        include_failing: bool,
        /// 汇总报告的机关全称（首次生成时使用；也可写在 units.toml） / the aggregate's agency
        #[arg(long, value_name = "机关全称")]
        agency: Option<String>,
        /// 汇总年度（默认取各单位报告中最多的年度） / the year to sum
        #[arg(long, value_name = "年度")]
        year: Option<i32>,
    },
    /// 生成后监视报告文件，保存即重新生成 / build, then rebuild on every save
    #[command(after_help = watch_cmd::HELP)]
    Watch {
        /// 报告文件夹 / report folder
        #[arg(default_value = ".", value_name = "文件夹")]
        dir: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 在浏览器中编写、检查、生成报告（本机网页，无需命令行） / write, check and publish in the browser
    #[command(after_help = EXIT_HELP)]
    Serve {
        /// 工作文件夹：其中的报告文件夹都会列出（默认：当前文件夹） / workspace folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// 端口（默认 4817，被占用时另选；0 为任选） / port on 127.0.0.1
        #[arg(long)]
        port: Option<u16>,
        /// 不自动打开浏览器 / do not open the browser
        #[arg(long)]
        no_open: bool,
        /// 字体文件夹（默认按 fonts/README.md 的规则查找） / font folder
        #[arg(long)]
        fonts: Option<PathBuf>,
    },
}

/// Options shared by `build` and `watch`.
#[derive(Args)]
struct OutputArgs {
    /// 输出文件夹（默认：报告文件夹下的 out/） / output folder
    #[arg(short, long, value_name = "文件夹")]
    out: Option<PathBuf>,
    /// 要生成的格式，逗号分隔（OFD 需点名：--format docx,pdf,ofd,xlsx） / formats, comma
    /// separated (OFD only when named)
    #[arg(
        long,
        value_delimiter = ',',
        default_value = DEFAULT_FORMATS.as_str(),
        value_name = "格式"
    )]
    format: Vec<FormatArg>,
    /// 有错误时也生成，文件标记为草稿 / build despite errors, marked as drafts
    #[arg(long)]
    draft: bool,
    /// 覆盖在 Excel/WPS 中改过数字的工作簿（默认停止并列出这些单元格）
    /// / overwrite a workbook whose numbers were edited (default: stop and name the cells)
    #[arg(long)]
    force: bool,
    /// 字体文件夹（默认按 fonts/README.md 的规则查找） / font folder
    #[arg(long, value_name = "文件夹")]
    fonts: Option<PathBuf>,
}

impl OutputArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            out_dir: self.out.clone(),
            formats: self.format.iter().map(|f| f.0).collect(),
            draft: self.draft,
            force: self.force,
            ..BuildOptions::default()
        }
    }
}

/// A `--format` value: a format of the library, named by its file extension, so the list on
/// the command line is always the library's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FormatArg(Format);

/// The default of `--format`: the default formats, as they are typed (`docx,pdf,xlsx`).
static DEFAULT_FORMATS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let names: Vec<&str> = Format::defaults()
        .into_iter()
        .map(Format::extension)
        .collect();
    names.join(",")
});

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [FormatArg; Format::ALL.len()] = {
            let mut all = [FormatArg(Format::ALL[0]); Format::ALL.len()];
            let mut i = 1;
            while i < all.len() {
                all[i] = FormatArg(Format::ALL[i]);
                i += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.extension()))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// 文字（终端） / text for a terminal
    Text,
    /// JSON（一份报告：诊断列表；多份：每份报告的汇总行和诊断） / JSON
    Json,
    /// CSV 汇总表，每份报告一行（Excel 可直接打开） / CSV summary, one row per report
    Csv,
    /// CSV 问题清单，每条诊断一行 / CSV findings, one row per diagnostic
    CsvFindings,
}

/// `--kind`: the keyword or the Chinese a clerk types (部门, 乡镇, 街道, 政府…), as in
/// `report.toml`.
fn kind_arg(s: &str) -> Result<Kind, String> {
    Kind::from_word(s).ok_or_else(|| {
        "请写 部门（department）、乡镇（township，含街道）或 政府（government）".to_string()
    })
}

fn main() -> ExitCode {
    let _console = console::init();
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if let Some(code) = start::without_command(&args) {
        return code;
    }
    let cli: Cli = match zh::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(shown) => {
            if shown.error {
                eprint!("{}", shown.text);
            } else {
                print!("{}", shown.text);
            }
            return ExitCode::from(shown.code);
        }
    };
    match cli.command {
        Command::Check {
            dirs,
            verify: Some(out),
            ..
        } => match dirs.as_slice() {
            // --verify compares one report's sources with one output folder.
            [dir] => verify(dir, &out),
            _ => {
                eprintln!("错误：--verify 只能核对一个报告文件夹");
                ExitCode::from(2)
            }
        },
        Command::Check { dirs, format, .. } => check_cmd(&dirs, format),
        Command::New {
            dir,
            agency,
            year,
            kind,
            from,
        } => match (from, agency, year) {
            (Some(from), agency, year) => import_cmd::new_from(
                &dir,
                &from,
                &nianbao_import::next_year::Options { agency, year, kind },
            ),
            (None, Some(agency), Some(year)) => {
                new(&dir, &agency, year, kind.unwrap_or(Kind::Department))
            }
            // clap requires --agency and --year without --from.
            (None, _, _) => ExitCode::from(2),
        },
        Command::Import { file, out } => import_cmd::import(&file, out.as_deref()),
        Command::SyncXlsx { file, dir } => import_cmd::sync_xlsx(&file, dir.as_deref()),
        Command::Build {
            dirs,
            output,
            quiet,
        } => build_cmd(&dirs, &output.options(), output.fonts, quiet),
        Command::Rollup {
            units_dir,
            out,
            include_failing,
            agency,
            year,
        } => rollup_cmd(
            &units_dir,
            &RollupOptions {
                out_dir: out,
                include_failing,
                agency,
                year,
                threads: 0,
            },
        ),
        Command::Watch { dir, output } => {
            // The outputs of `watch` are a live preview, made again at every start: they are
            // flushed to the disk right after they replace the old ones, not before (the
            // viewer reloads ~3–5 ms sooner; see `Flush::AfterReplace`).
            let opts = BuildOptions {
                flush: nianbao_watch::write::Flush::AfterReplace,
                ..output.options()
            };
            watch_cmd::run(&dir, opts, output.fonts)
        }
        Command::Serve {
            dir,
            port,
            no_open,
            fonts,
        } => serve_cmd::run(&dir, port, !no_open, fonts),
    }
}

pub(crate) fn color() -> bool {
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
        && console::ansi_colors()
}

fn print_diagnostics(loaded: &Loaded, format: OutputFormat) {
    match format {
        OutputFormat::Text => {
            print!(
                "{}",
                diag::render(&loaded.diagnostics, &loaded.sources, color())
            );
        }
        OutputFormat::Json | OutputFormat::Csv | OutputFormat::CsvFindings => {
            let json = diag::to_json(&loaded.diagnostics, &loaded.sources);
            match serde_json::to_string_pretty(&json) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("无法输出 JSON：{e}"),
            }
        }
    }
}

pub(crate) fn summary(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "检查通过：没有错误和警告".to_string(),
        (0, w) => format!("检查通过：0 个错误，{w} 个警告"),
        (e, w) => format!("检查未通过：{e} 个错误，{w} 个警告"),
    }
}

/// One report, as before batches: its diagnostics and one summary line.
pub(crate) fn check(dir: &Path, format: OutputFormat) -> ExitCode {
    let mut loaded = nianbao_core::load_and_check(dir);
    // What a build would refuse, check reports: font files named in [fonts] that are no fonts.
    build::check_fonts(&mut loaded, &mut FontCache::new(None));
    diag::sort(&mut loaded.diagnostics);
    print_diagnostics(&loaded, format);
    let c = count(&loaded.diagnostics);
    if loaded.sources.files().next().is_none() {
        // report.toml itself could not be read: an I/O or usage problem.
        return ExitCode::from(2);
    }
    if matches!(format, OutputFormat::Text) {
        println!("{}", summary(c.errors, c.warnings));
    }
    ExitCode::from(u8::from(c.errors > 0))
}

/// `check --verify OUT`: every checksum list in `out` against its files, and the sources of
/// the report in `dir` (when it is one) against the digest each list records.
fn verify(dir: &Path, out: &Path) -> ExitCode {
    use nianbao_watch::checksums::{self, FileState};
    let lists = match checksums::find_lists(out) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{}", e.message);
            return ExitCode::from(2);
        }
    };
    let sources = checksums::current_sources(dir);
    let mut all_ok = true;
    for list in lists {
        let v = match checksums::verify(&list) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{}", e.message);
                all_ok = false;
                continue;
            }
        };
        let version = v.parsed.version.as_deref().unwrap_or("未知版本");
        println!("校验清单 {}（nianbao {version} 生成）", list.display());
        for (name, state) in &v.files {
            let line = match state {
                FileState::Same => format!("  一致   {name}"),
                FileState::Changed => format!("  不一致 {name}：生成后被修改或损坏，请重新生成"),
                FileState::Missing => format!("  缺失   {name}"),
                FileState::Unlisted => {
                    format!("  未列入 {name}：不是这次生成的文件（可能是旧版本），请删除或重新生成")
                }
                FileState::Unreadable(e) => format!("  无法读取 {name}：{e}"),
            };
            println!("{line}");
        }
        let listed = v.parsed.files.len();
        let same = v
            .files
            .iter()
            .filter(|(_, s)| *s == FileState::Same)
            .count();
        let sources_ok = match (&sources, &v.parsed.sources) {
            (Some(now), Some(then)) if now == then => {
                println!("  源文件与生成时相同（{}）", dir.display());
                true
            }
            (Some(_), Some(_)) => {
                println!(
                    "  源文件在生成后有改动（{}）：这些文件不是最新版本，请重新运行 nianbao build",
                    dir.display()
                );
                false
            }
            (None, _) => {
                println!(
                    "  未核对源文件：“{}”中没有可读取的 report.toml",
                    dir.display()
                );
                true
            }
            (Some(_), None) => {
                println!("  未核对源文件：校验清单中没有源文件摘要");
                true
            }
        };
        let ok = v.ok() && sources_ok;
        all_ok &= ok;
        if ok {
            println!("核对通过：{listed} 个文件与校验清单一致，为同一版本");
        } else {
            println!("核对未通过：{listed} 个文件中 {same} 个一致");
        }
    }
    ExitCode::from(u8::from(!all_ok))
}

fn new(dir: &Path, agency: &str, year: i32, kind: Kind) -> ExitCode {
    // Validated before anything is created: a refused name leaves no empty folder behind.
    let files = match nianbao_core::template::scaffold(agency, year, kind) {
        Ok(files) => files,
        Err(why) => {
            eprintln!("{why}");
            return ExitCode::from(2);
        }
    };
    if dir.join(nianbao_core::load::REPORT_FILE).exists() {
        eprintln!("“{}”中已有 report.toml，未覆盖", dir.display());
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("无法创建文件夹“{}”：{e}", dir.display());
        return ExitCode::from(2);
    }
    for (name, text) in files {
        let path = dir.join(name);
        if path.exists() {
            println!("  保留已有文件 {}", path.display());
            continue;
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("无法写入“{}”：{e}", path.display());
            return ExitCode::from(2);
        }
        println!("  新建 {}", path.display());
    }
    println!(
        "已新建报告：{}。按【待填写】提示编写文字、填写 report.toml 中的数字，然后运行：\n  nianbao check {}\n  nianbao build {}\n提示写完之前，nianbao build {} --draft 可生成标有“草稿”的文件。",
        dir.display(),
        dir.display(),
        dir.display(),
        dir.display()
    );
    ExitCode::SUCCESS
}

fn build_cmd(
    args: &[PathBuf],
    opts: &BuildOptions,
    fonts: Option<PathBuf>,
    quiet: bool,
) -> ExitCode {
    let e = batch::expand(args);
    many::report_expansion(&e);
    if e.reports.is_empty() {
        return ExitCode::from(2);
    }
    let code = if e.reports.len() == 1 && e.bad.is_empty() {
        build_one(&e.reports[0], opts, fonts)
    } else {
        build_batch(&e.reports, opts, fonts, quiet)
    };
    ExitCode::from(if e.bad.is_empty() { code } else { code.max(2) })
}

/// Exit code of one build: 2 when report.toml could not be read, 1 on errors or write failures.
pub(crate) fn exit_code(report: &build::BuildReport) -> u8 {
    if report.loaded.sources.files().next().is_none() {
        2
    } else {
        let c = report.counts();
        u8::from(c.errors > 0 || report.refused.is_some() || report.write_failed())
    }
}

fn build_one(dir: &Path, opts: &BuildOptions, fonts: Option<PathBuf>) -> u8 {
    let mut cache = FontCache::new(fonts);
    let report = build::build(dir, opts, &mut cache);
    print_diagnostics(&report.loaded, OutputFormat::Text);
    let c = report.counts();
    for o in &report.outputs {
        match &o.status {
            Written::Written => println!(
                "  已生成 {}（{} KB）",
                o.path.display(),
                o.size.div_ceil(1024)
            ),
            Written::Unchanged => println!("  未变化 {}", o.path.display()),
            Written::Failed(m) => eprintln!("  失败 {m}"),
        }
    }
    if let Some(why) = &report.refused {
        eprintln!("{}：{why}", dir.display());
    }
    let kind = if report.draft { "（草稿）" } else { "" };
    let mut result = summary(c.errors, c.warnings);
    if report.refused.is_some() && c.errors == 0 {
        // E.g. no fonts: the report is fine, but “检查通过” alone would read as done.
        result.push_str("，但未生成文件");
    }
    println!(
        "{}{kind}：{result}，用时 {:.1} ms",
        dir.display(),
        report.elapsed.as_secs_f64() * 1000.0
    );
    exit_code(&report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `--format` takes exactly the library's formats, by extension, and defaults to the
    /// library's default set (every format but the OFD).
    #[test]
    fn format_values_are_the_library_formats() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Build { output, .. } => output.options().formats,
            _ => unreachable!("a build command"),
        };
        assert_eq!(parse(&["nianbao", "build", "r"]), Format::defaults());
        assert!(!Format::defaults().contains(&Format::Ofd));
        for f in Format::ALL {
            assert_eq!(
                parse(&["nianbao", "build", "r", "--format", f.extension()]),
                [f]
            );
        }
        assert!(Cli::try_parse_from(["nianbao", "build", "r", "--format", "rtf"]).is_err());
    }
}
