//! The `nianbao` command line: the only place that prints.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use nianbao_core::diag::{self, count};
use nianbao_core::format::Kind;
use nianbao_core::load::Loaded;
use nianbao_export::Format;
use nianbao_watch::batch;
use nianbao_watch::build::{self, BuildOptions, FontCache};
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
mod out;
mod start;
mod watch_cmd;
mod zh;

const EXIT_HELP: &str = "退出码 / exit codes:
  0  没有错误（可能有警告） / clean, or warnings only
  1  报告有错误，或有文件未能写入 / the report has errors, or an output could not be written
  2  用法或读写错误 / usage or I/O failure";

/// nianbao（年报）：用纯文本编写政府信息公开工作年度报告，生成 DOCX、PDF 和 XLSX。
///
/// Write a 政府信息公开工作年度报告 as plain files; check it against the national format
/// (国办公开办函〔2021〕30号) and publish DOCX, PDF and XLSX.
#[derive(Parser)]
#[command(name = "nianbao", version, after_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告（勾稽关系、章节、文字与表格是否一致等） / check a report
    #[command(after_help = EXIT_HELP)]
    Check {
        /// 报告文件夹（含 report.toml） / report folder
        #[arg(default_value = ".", value_name = "文件夹")]
        dir: PathBuf,
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "格式")]
        format: OutputFormat,
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
    /// 生成 DOCX、PDF、XLSX / build the outputs
    #[command(after_help = EXIT_HELP)]
    Build {
        /// 报告文件夹；可以给多个，或给一个包含多个报告的上级文件夹（并行生成）
        /// / report folder(s), or a parent folder of reports (built in parallel)
        #[arg(default_value = ".", value_name = "文件夹")]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
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
}

/// Options shared by `build` and `watch`.
#[derive(Args)]
struct OutputArgs {
    /// 输出文件夹（默认：报告文件夹下的 out/） / output folder
    #[arg(short, long, value_name = "文件夹")]
    out: Option<PathBuf>,
    /// 要生成的格式，逗号分隔 / formats, comma separated
    #[arg(
        long,
        value_delimiter = ',',
        default_value = ALL_FORMATS.as_str(),
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
        }
    }
}

/// A `--format` value: a format of the library, named by its file extension, so the list on
/// the command line is always the library's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FormatArg(Format);

/// The default of `--format`: every format, as it is typed (`docx,pdf,xlsx`).
static ALL_FORMATS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| Format::ALL.map(Format::extension).join(","));

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

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
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
        Command::Check { dir, format } => check(&dir, format),
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
        Command::Build { dirs, output } => build_cmd(&dirs, &output.options(), output.fonts),
        Command::Watch { dir, output } => watch_cmd::run(&dir, output.options(), output.fonts),
    }
}

fn color() -> bool {
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
        OutputFormat::Json => {
            let json = diag::to_json(&loaded.diagnostics, &loaded.sources);
            match serde_json::to_string_pretty(&json) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("无法输出 JSON：{e}"),
            }
        }
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "检查通过：没有错误和警告".to_string(),
        (0, w) => format!("检查通过：0 个错误，{w} 个警告"),
        (e, w) => format!("检查未通过：{e} 个错误，{w} 个警告"),
    }
}

fn check(dir: &Path, format: OutputFormat) -> ExitCode {
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

fn build_cmd(args: &[PathBuf], opts: &BuildOptions, fonts: Option<PathBuf>) -> ExitCode {
    let (dirs, bad) = batch::expand(args);
    for b in &bad {
        eprintln!(
            "“{}”不是报告文件夹（没有 report.toml），其中也没有报告文件夹",
            b.display()
        );
    }
    if dirs.is_empty() {
        return ExitCode::from(2);
    }
    let code = if dirs.len() == 1 && bad.is_empty() {
        build_one(&dirs[0], opts, fonts)
    } else {
        build_batch(&dirs, opts, fonts)
    };
    ExitCode::from(if bad.is_empty() { code } else { code.max(2) })
}

/// Exit code of one build: 2 when report.toml could not be read, 1 on errors or write failures.
fn exit_code(report: &build::BuildReport) -> u8 {
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

/// Many reports in parallel: a progress line on a terminal, one summary line per report (plus
/// its errors), totals at the end.
fn build_batch(dirs: &[PathBuf], opts: &BuildOptions, fonts: Option<PathBuf>) -> u8 {
    struct Tally {
        finished: usize,
        built: usize,
        with_errors: usize,
        warnings: usize,
        worst: u8,
    }
    let tally = Mutex::new(Tally {
        finished: 0,
        built: 0,
        with_errors: 0,
        warnings: 0,
        worst: 0,
    });
    let progress = std::io::stderr().is_terminal();
    let total = dirs.len();
    let start = std::time::Instant::now();
    let done = |i: usize, report: &build::BuildReport| {
        let c = report.counts();
        let code = exit_code(report);
        let errors_text = if c.errors > 0 {
            let errors: Vec<_> = report
                .loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == nianbao_core::Severity::Error)
                .cloned()
                .collect();
            diag::render(&errors, &report.loaded.sources, color())
        } else {
            String::new()
        };
        let Ok(mut t) = tally.lock() else {
            return;
        };
        t.finished += 1;
        t.warnings += c.warnings;
        t.worst = t.worst.max(code);
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
        print!("{errors_text}");
        println!(
            "[{}/{total}] {} {status}：{} 个错误，{} 个警告，{:.0} ms",
            i + 1,
            dirs[i].display(),
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
    println!(
        "共 {total} 份报告：{} 份已生成，{} 份有错误未生成，警告 {} 条，用时 {:.2} s",
        t.built,
        t.with_errors,
        t.warnings,
        start.elapsed().as_secs_f64()
    );
    t.worst
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `--format` takes exactly the library's formats, by extension, and defaults to all.
    #[test]
    fn format_values_are_the_library_formats() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Build { output, .. } => output.options().formats,
            _ => unreachable!("a build command"),
        };
        assert_eq!(parse(&["nianbao", "build", "r"]), Format::ALL.to_vec());
        for f in Format::ALL {
            assert_eq!(
                parse(&["nianbao", "build", "r", "--format", f.extension()]),
                [f]
            );
        }
        assert!(Cli::try_parse_from(["nianbao", "build", "r", "--format", "html"]).is_err());
    }
}
