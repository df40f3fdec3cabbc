//! E-TOML: syntax errors of `report.toml` told in Chinese.
//!
//! A clerk types `report.toml` with a Chinese input method switched on, so most syntax errors
//! are a full-width comma, quote, colon or bracket. Those are found by scanning the file
//! outside strings and comments (every one is an error there) and named with what to type
//! instead. Any other error is the parser's, with every kind of message it can give
//! translated; no English reaches the clerk.

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceFile, Span};

/// A character a Chinese input method types where TOML needs an ASCII one: its name and what
/// to write instead.
fn ime_char(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '，' => ("中文逗号“，”", "英文逗号“,”"),
        '、' => ("顿号“、”", "英文逗号“,”"),
        '；' => ("中文分号“；”", "英文逗号“,”"),
        '：' => ("中文冒号“：”", "英文等号“=”（键和值之间用“=”）"),
        '＝' => ("全角等号“＝”", "英文等号“=”"),
        '“' | '”' => ("中文引号（“ ”）", "英文双引号（\"）"),
        '‘' | '’' => ("中文单引号（‘ ’）", "英文双引号（\"）"),
        '［' | '【' => ("中文方括号“【”", "英文方括号“[”"),
        '］' | '】' => ("中文方括号“】”", "英文方括号“]”"),
        '｛' => ("全角花括号“｛”", "英文花括号“{”"),
        '｝' => ("全角花括号“｝”", "英文花括号“}”"),
        '（' | '）' => (
            "中文括号（“（”“）”）",
            "英文双引号把文字括起来，说明文字写在“#”之后",
        ),
        '。' => ("中文句号“。”", "英文句点“.”（小数点），行末的句号请删去"),
        '．' => ("全角句点“．”", "英文句点“.”"),
        '＃' => ("全角井号“＃”", "英文井号“#”"),
        '－' => ("全角减号“－”", "英文减号“-”"),
        '＿' => ("全角下划线“＿”", "英文下划线“_”"),
        '\u{3000}' => ("全角空格", "英文空格"),
        '０'..='９' => ("全角数字", "半角数字（0–9）"),
        _ => return None,
    })
}

/// Where the characters of `text` are outside strings and comments: calls `f(offset, char)`
/// for each such character.
fn outside_strings(text: &str, mut f: impl FnMut(usize, char)) {
    #[derive(PartialEq)]
    enum In {
        Code,
        Comment,
        Basic,
        Literal,
        MlBasic,
        MlLiteral,
    }
    let mut state = In::Code;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let rest = &text[at..];
        match state {
            In::Code => match c {
                '#' => state = In::Comment,
                '"' if rest.starts_with("\"\"\"") => {
                    state = In::MlBasic;
                    chars.nth(1);
                }
                '\'' if rest.starts_with("'''") => {
                    state = In::MlLiteral;
                    chars.nth(1);
                }
                '"' => state = In::Basic,
                '\'' => state = In::Literal,
                _ => f(at, c),
            },
            In::Comment => {
                if c == '\n' {
                    state = In::Code;
                }
            }
            // A string left open at the end of the line is the parser's error to report.
            In::Basic => match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => state = In::Code,
                _ => {}
            },
            In::Literal => {
                if c == '\'' || c == '\n' {
                    state = In::Code;
                }
            }
            In::MlBasic => match c {
                '\\' => {
                    chars.next();
                }
                '"' if rest.starts_with("\"\"\"") => {
                    state = In::Code;
                    chars.nth(1);
                }
                _ => {}
            },
            In::MlLiteral => {
                if rest.starts_with("'''") {
                    state = In::Code;
                    chars.nth(1);
                }
            }
        }
    }
}

/// Every full-width character outside strings and comments, one E-TOML each (a pair of
/// Chinese quotes on one line is one finding: the text between them is meant as a string).
pub(crate) fn ime_characters(id: FileId, file: &SourceFile) -> Vec<Diagnostic> {
    let text = &file.text;
    let mut found: Vec<(usize, char)> = Vec::new();
    outside_strings(text, |at, c| {
        if ime_char(c).is_some() {
            found.push((at, c));
        }
    });
    let mut out = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let (at, c) = found[i];
        let lc = file.line_col(at);
        let mut end = at + c.len_utf8();
        // “某某局” typed for "某某局": one finding over the whole quoted text.
        if c == '“' {
            if let Some(&(close, _)) = found[i + 1..]
                .iter()
                .take_while(|(k, _)| !text[at..*k].contains('\n'))
                .find(|(_, d)| *d == '”')
            {
                let inner = &text[at + '“'.len_utf8()..close];
                end = close + '”'.len_utf8();
                out.push(
                    Diagnostic::error(
                        "E-TOML",
                        format!(
                            "第{}行第{}列的文字用了中文引号“{inner}”，请改为英文双引号：\"{inner}\"",
                            lc.line, lc.col
                        ),
                    )
                    .at(Span::new(id, at..end))
                    .hint(IME_HINT),
                );
                i += found[i..]
                    .iter()
                    .position(|(k, _)| *k == close)
                    .unwrap_or(0)
                    + 1;
                continue;
            }
        }
        let Some((name, instead)) = ime_char(c) else {
            i += 1;
            continue;
        };
        let instead = match c {
            '０'..='９' => format!(
                "半角数字“{}”",
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            ),
            _ => instead.to_string(),
        };
        out.push(
            Diagnostic::error(
                "E-TOML",
                format!("第{}行第{}列是{name}，请改为{instead}", lc.line, lc.col),
            )
            .at(Span::new(id, at..end))
            .hint(IME_HINT),
        );
        i += 1;
    }
    out
}

const IME_HINT: &str =
    "report.toml 中的逗号、引号、等号、方括号都要用英文半角符号：输入时先切换到英文输入状态";

/// The translated E-TOML for the parser's error `message` at `range`.
pub(crate) fn parser_error(
    id: FileId,
    file: &SourceFile,
    message: &str,
    range: Option<std::ops::Range<usize>>,
) -> Diagnostic {
    let text = &file.text;
    let mut range = range.unwrap_or_else(|| unlocated(text, message));
    let (mut what, expected) = match message.split_once(", expected ") {
        Some((w, e)) => (w.trim(), e.trim()),
        None => (message.trim(), ""),
    };
    // `new = [8, 2, 0` with the `]` forgotten: the parser only notices on the next line,
    // which it takes for the next array element. Point at where the `]` belongs.
    if what == "missing comma between array elements" && file.line_col(range.start).col == 1 {
        if let Some(end) = end_of_previous_line(text, range.start) {
            range = end..end;
            what = "unclosed array";
        }
    }
    let lc = file.line_col(range.start);
    let at = format!("第{}行第{}列", lc.line, lc.col);
    let slice = text.get(range.clone()).unwrap_or("").trim();
    let (msg, hint) = describe(what, expected, slice);
    let mut d = Diagnostic::error("E-TOML", format!("report.toml 格式错误：{at}{msg}"))
        .at(Span::new(id, range.clone()));
    if let Some(hint) = hint {
        d = d.hint(hint);
    }
    d = d.hint("检查引号、方括号和逗号是否成对，键和值之间用“=”；文字要用英文双引号括起来");
    if lc.col == 1 && lc.line > 1 {
        d = d.hint("错误可能在上一行：检查上一行末尾是否缺少“]”或引号");
    }
    d
}

/// The message and a specific hint for one parser error kind. `slice` is the source text the
/// parser points at.
fn describe(what: &str, expected: &str, slice: &str) -> (String, Option<String>) {
    let s = |m: &str| m.to_string();
    let expected_zh = match expected {
        "`]`" => "“]”",
        "`]]`" => "“]]”",
        "`}`" => "“}”",
        "`=`" => "“=”",
        "`\"`" => "英文双引号“\"”",
        "`'`" => "英文单引号“'”",
        "`,`" => "英文逗号“,”",
        "digits" => "数字",
        _ => "",
    };
    let need = |m: &str| {
        if expected_zh.is_empty() {
            m.to_string()
        } else {
            format!("{m}，这里应有{expected_zh}")
        }
    };
    match what {
        "string values must be quoted" if slice.is_empty() => (
            s("“=”后面缺少值"),
            Some(s(
                "写上值：数字直接写（如 0），文字加英文双引号（如 \"某某局\"）",
            )),
        ),
        "string values must be quoted" => (
            format!("“{slice}”不是数字，文字要用英文双引号括起来"),
            Some(format!(
                "文字写成 \"{slice}\"；如果是数字，只写阿拉伯数字（如 12），不要带单位或符号"
            )),
        ),
        "extra comma in array" => (
            s("数组中有空白（两个逗号之间或开头没有数）"),
            Some(s(
                "空白请写 0，例如 [0, 0, 0, 0, 0, 0]；从表格复制来的空白单元格也要写 0",
            )),
        ),
        "missing comma between array elements" => (s("数组中两个数之间缺少英文逗号“,”"), None),
        "unexpected `=` in array" => (s("数组中不能有“=”"), None),
        "unclosed array" => (s("数组缺少右方括号“]”"), None),
        "missing array opening" => (s("数组缺少左方括号“[”"), None),
        "unclosed table" => (
            need("表头缺少右方括号“]”"),
            Some(s("表头写成 [名称]，例如 [active]")),
        ),
        "unclosed array table" => (need("表头缺少“]]”"), None),
        "missing table open" => (s("表头缺少左方括号“[”"), None),
        "unclosed inline table" => (need("花括号“{”没有闭合"), None),
        "missing inline table opening" => (s("缺少左花括号“{”"), None),
        "key with no value" => (
            need("键后面缺少“=”和值"),
            Some(s("每行写成 键 = 值，例如 licensing = 0")),
        ),
        "missing value" | "missing value for key" => (s("“=”后面缺少值"), None),
        "extra `=`" => (s("多了一个“=”"), None),
        "invalid unquoted key" => (
            s("键名中有不允许的字符"),
            Some(s(
                "键名只能用英文字母、数字、“_”和“-”，照模板写（如 carried_over）",
            )),
        ),
        "unquoted keys cannot be empty" => (s("缺少键名"), Some(s("每行写成 键 = 值"))),
        "invalid key" | "invalid key-value pair" => (s("键名无效"), None),
        "invalid table" => (s("表头无效"), Some(s("表头写成 [名称]，例如 [active]"))),
        "duplicate key" => (
            format!("键“{slice}”重复出现"),
            Some(s("同一个键在同一部分只能写一次：删去多余的一行")),
        ),
        "unexpected key or value" => (
            s("一行中只能写一个 键 = 值"),
            Some(s("把多出的内容移到下一行；说明文字写在“#”之后")),
        ),
        "invalid basic string" | "invalid literal string" => (
            need("文字的引号没有闭合，或含有不能直接写的字符"),
            Some(s("文字写在一对英文双引号之间，且在同一行内")),
        ),
        "invalid multi-line basic string" | "invalid multi-line literal string" => {
            (need("多行文字的三引号没有闭合"), None)
        }
        "missing escaped value" | "too few unicode value digits" => (
            s("反斜杠“\\”后面的写法无效"),
            Some(s("文字中的反斜杠写成“\\\\”，或改用“/”")),
        ),
        "invalid comment character" => (s("注释中有不可见的控制字符"), None),
        "missing comment start" => (s("注释缺少“#”"), None),
        "carriage return must be followed by newline" => (s("换行符无效"), None),
        "recursion limit" | "cannot recurse further; max recursion depth met" => (
            s("嵌套层数过多（表头或键名中的“.”、或方括号过多）"),
            Some(s("照模板写表头，例如 [applications]")),
        ),
        "invalid date" | "invalid date-time" | "invalid time" => (
            format!("日期“{slice}”无效"),
            Some(s(
                "日期写成 2025-01-20（月和日都写两位，不加引号），并且是日历上存在的日子",
            )),
        ),
        "unexpected leading zero" => (
            format!("数字“{slice}”不能以 0 开头"),
            Some(s("去掉开头的 0，例如把 012 写成 12")),
        ),
        "`_` may only go between digits" => (s("“_”只能写在两个数字之间"), None),
        "invalid fraction" | "invalid mantissa" | "invalid exponent" | "invalid float" => (
            format!("小数“{slice}”写法无效"),
            Some(s("例如 2.5 或 0.25")),
        ),
        "unexpected sign" | "redundant numeric sign" | "integers with a radix cannot be signed" => {
            (s("数字前的正负号无效"), None)
        }
        "invalid integer number"
        | "invalid hexadecimal number"
        | "invalid octal number"
        | "invalid binary number"
        | "radix must be lowercase"
        | "redundant integer number prefix" => (
            format!("数字“{slice}”写法无效"),
            Some(s("只写阿拉伯数字，例如 12")),
        ),
        "invalid boolean" => (format!("“{slice}”不是数字，文字要用英文双引号括起来"), None),
        "could not allocate for string" => (s("文件过大，无法读取"), None),
        _ if what.starts_with("invalid") => (s("此处写法无效"), None),
        _ => (s("此处格式不正确"), None),
    }
}

/// Where the code of the last non-blank, non-comment line before `offset` ends.
fn end_of_previous_line(text: &str, offset: usize) -> Option<usize> {
    let mut end = offset.min(text.len());
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..end].trim_end_matches('\n');
        let code = line.split('#').next().unwrap_or("").trim_end();
        if !code.is_empty() {
            return Some(start + code.len());
        }
        end = start;
    }
    None
}

/// A location for an error the parser gives without one (the recursion limit): the first
/// line whose key path or nesting is that deep, else the start of the file.
fn unlocated(text: &str, message: &str) -> std::ops::Range<usize> {
    if message.contains("recurs") {
        let mut depth = 0usize;
        let mut line_start = 0;
        let mut dots = 0usize;
        let mut hit = None;
        outside_strings(text, |at, c| {
            if hit.is_some() {
                return;
            }
            match c {
                '\n' => {
                    line_start = at + 1;
                    dots = 0;
                }
                '.' => dots += 1,
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if dots >= 64 || depth >= 64 {
                hit = Some(line_start);
            }
        });
        if let Some(start) = hit {
            let len = text[start..].find('\n').unwrap_or(text.len() - start);
            return start..start + len.min(200);
        }
    }
    0..0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ime(text: &str) -> Vec<(String, String)> {
        let file = SourceFile::new("report.toml".into(), text.into());
        ime_characters(FileId(0), &file)
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap().range;
                (d.message, text[span].to_string())
            })
            .collect()
    }

    #[test]
    fn chinese_punctuation_is_named_with_what_to_type() {
        let text = "# 注释里的，不算\nagency = “某某县交通运输局”\nyear ＝ 2024\nkind = \"乡镇，街道\"\nrules = [0，0，１]\n";
        let found = ime(text);
        let msgs: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "第2行第10列的文字用了中文引号“某某县交通运输局”，请改为英文双引号：\"某某县交通运输局\"",
                "第3行第6列是全角等号“＝”，请改为英文等号“=”",
                "第5行第11列是中文逗号“，”，请改为英文逗号“,”",
                "第5行第13列是中文逗号“，”，请改为英文逗号“,”",
                "第5行第14列是全角数字，请改为半角数字“1”",
            ]
        );
        assert_eq!(found[0].1, "“某某县交通运输局”");
        assert_eq!(found[2].1, "，");
        // Strings (single, double, multi-line) and comments are left alone.
        assert!(ime("a = '，'\nb = \"\"\"\n，\n\"\"\"\nc = \"\\\"，\" # ，\n").is_empty());
    }

    #[test]
    fn every_parser_message_is_chinese() {
        let cases = [
            "a = [1, , 2]",
            "a = [1, 2",
            "[a\nb=1",
            "a = 2025-02-30",
            "a = 01",
            "a = 1.",
            "a = \"x",
            "a = 某局",
            "a =",
            "a",
            "= 1",
            "a = 1 b = 2",
            "a = 1\na = 2",
            "a = {b = 1",
            "a = tru",
            "a = \"\\q\"",
            "a = 0X1",
            "a = 1 # x\u{1}",
            "[[a]\n",
        ];
        for case in cases {
            let (_, errors) = toml::de::DeTable::parse_recoverable(case);
            let e = errors.first().expect(case);
            let file = SourceFile::new("report.toml".into(), case.into());
            let d = parser_error(FileId(0), &file, e.message(), e.span());
            let all = format!("{}{}", d.message, d.hints.join(""));
            // No word of the parser's English message reaches the clerk.
            for word in e.message().split(|c: char| !c.is_ascii_alphabetic()) {
                assert!(word.len() < 3 || !all.contains(word), "{case}: {all}");
            }
            assert!(
                !d.message.contains("此处格式不正确"),
                "{case}: {}",
                d.message
            );
        }
        let file = SourceFile::new("report.toml".into(), "a = [1, , 2]".into());
        let d = parser_error(
            FileId(0),
            &file,
            "extra comma in array, expected value",
            Some(8..9),
        );
        assert_eq!(
            d.message,
            "report.toml 格式错误：第1行第9列数组中有空白（两个逗号之间或开头没有数）"
        );
        assert!(d.hints[0].contains("空白请写 0"));
    }

    #[test]
    fn a_forgotten_bracket_is_shown_where_it_belongs() {
        let text = "[a]\nnew = [8, 2, 0  # 新收\n# 注释\n\nold = [1, 0, 0]\n";
        let (_, errors) = toml::de::DeTable::parse_recoverable(text);
        let e = errors.first().unwrap();
        let file = SourceFile::new("report.toml".into(), text.into());
        let d = parser_error(FileId(0), &file, e.message(), e.span());
        assert_eq!(
            d.message,
            "report.toml 格式错误：第2行第15列数组缺少右方括号“]”"
        );
        assert_eq!(&text[..d.span.unwrap().range.start], "[a]\nnew = [8, 2, 0");
    }

    #[test]
    fn a_deep_key_path_is_located() {
        let text = format!("a = 1\n[{}]\nx = 1\n", vec!["k"; 100].join("."));
        let file = SourceFile::new("report.toml".into(), text.clone());
        let d = parser_error(FileId(0), &file, "recursion limit", None);
        assert_eq!(file.line_col(d.span.unwrap().range.start).line, 2);
        assert!(d.message.contains("嵌套层数过多"));
    }
}
