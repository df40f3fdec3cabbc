//! clap's own words in Chinese: its errors (`error:`, `tip:`, `Usage:`) and the headings and
//! stock lines of `--help`.
//!
//! clap has no translations. Errors are written here from their kind and context (never from
//! clap's English sentence); help text, which clap lays out, is rendered by clap and its few
//! stock English words replaced.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};

/// What to print instead of running: help, a version, or a usage error.
#[derive(Debug)]
pub struct Shown {
    /// The text, in Chinese.
    pub text: String,
    /// Goes to stderr (errors) rather than stdout (help asked for).
    pub error: bool,
    /// Exit status.
    pub code: u8,
}

/// Parses the command line into `T`, or says in Chinese why not.
pub fn parse_from<T, I>(args: I) -> Result<T, Shown>
where
    T: CommandFactory + FromArgMatches,
    I: IntoIterator<Item = OsString>,
{
    let mut cmd = T::command();
    let parsed = cmd
        .try_get_matches_from_mut(args)
        .and_then(|mut m| T::from_arg_matches_mut(&mut m));
    parsed.map_err(|e| show(&e))
}

/// The Chinese text of a clap error (or of the help or version it carries).
fn show(e: &clap::Error) -> Shown {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Shown {
            text: translate(&e.render().to_string()),
            error: false,
            code: 0,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Shown {
            text: translate(&e.render().to_string()),
            error: true,
            code: 2,
        },
        _ => Shown {
            text: error_text(e),
            error: true,
            code: 2,
        },
    }
}

/// clap's stock English in rendered help and usage, and its Chinese.
const WORDS: [(&str, &str); 17] = [
    ("Usage: ", "用法："),
    ("Usage:", "用法："),
    ("Options:", "选项："),
    ("Arguments:", "参数："),
    ("Commands:", "命令："),
    ("[OPTIONS]", "[选项]"),
    ("<COMMAND>", "<命令>"),
    ("[COMMAND]", "[命令]"),
    (
        "Print this message or the help of the given subcommand(s)",
        "显示帮助，或某个命令的帮助",
    ),
    (
        "Print help (see more with '--help')",
        "显示帮助（--help 更详细）",
    ),
    (
        "Print help (see a summary with '-h')",
        "显示帮助（-h 只显示摘要）",
    ),
    ("Print help", "显示帮助"),
    ("Print version", "显示版本号"),
    ("[default: ", "[默认："),
    ("[possible values: ", "[可选："),
    ("[aliases: ", "[也可写："),
    ("Possible values:", "可选："),
];

fn translate(text: &str) -> String {
    WORDS
        .iter()
        .fold(text.to_string(), |t, (en, zh)| t.replace(en, zh))
}

fn value(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        Some(ContextValue::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// `错误：…`, the tips, `用法：…` and where to read more.
fn error_text(e: &clap::Error) -> String {
    let arg = value(e, ContextKind::InvalidArg);
    let given = value(e, ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::InvalidValue if given.is_empty() => format!("{arg} 后面缺少值"),
        ErrorKind::InvalidValue => format!("“{given}”不是 {arg} 可用的值"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!("{arg} 的值“{given}”无效{why}")
        }
        ErrorKind::UnknownArgument => format!("不认识的选项“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的命令“{}”", value(e, ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::NoEquals => format!("{arg} 和它的值之间要写“=”"),
        ErrorKind::TooManyValues => format!("“{given}”是多余的值"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能和 {} 一起使用", value(e, ContextKind::PriorArg))
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8）".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    let mut out = format!("错误：{message}\n");
    let valid = value(e, ContextKind::ValidValue);
    if !valid.is_empty() {
        out.push_str(&format!("  可用的值：{valid}\n"));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let s = value(e, kind);
        if !s.is_empty() {
            out.push_str(&format!("\n  提示：是不是“{s}”？\n"));
        }
    }
    let trailing = matches!(
        e.get(ContextKind::TrailingArg),
        Some(ContextValue::Bool(true))
    );
    if trailing {
        out.push_str(&format!(
            "\n  提示：如果“{arg}”是文件夹名而不是选项，写成“-- {arg}”\n"
        ));
    }
    let usage = value(e, ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    if !usage.is_empty() {
        out.push_str(&format!("\n{}\n", translate(&format!("用法：{usage}"))));
        // `nianbao build [选项] …` → `nianbao build --help`.
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        out.push_str(&format!("\n查看说明：{} --help\n", command.join(" ")));
    } else {
        out.push_str("\n查看说明：nianbao --help\n");
    }
    out
}
