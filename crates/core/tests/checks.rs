//! Every check ID against a failing and a passing source (tests/broken/ at the repository
//! root), asserting the ID, the location and the numbers in the message; plus golden files of
//! the rendered diagnostics (`UPDATE_GOLDEN=1` refreshes them).

use std::path::{Path, PathBuf};

use nianbao_core::diag::{render, Severity};
use nianbao_core::load::{load_str, Loaded};
use nianbao_core::{load_and_check, Diagnostic};

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/broken")
}

fn run(case: &str) -> Loaded {
    load_and_check(&broken_dir().join(case))
}

/// The diagnostics with `id`, with the source text each points at.
fn find<'a>(l: &'a Loaded, id: &str) -> Vec<(&'a Diagnostic, String)> {
    l.diagnostics
        .iter()
        .filter(|d| d.id == id)
        .map(|d| {
            let text = d
                .span
                .as_ref()
                .map(|s| l.sources.slice(s).to_string())
                .unwrap_or_default();
            (d, text)
        })
        .collect()
}

fn line_of(l: &Loaded, d: &Diagnostic) -> usize {
    let s = d.span.as_ref().expect("located");
    l.sources.get(s.file).line_col(s.range.start).line
}

fn ids(l: &Loaded) -> Vec<&'static str> {
    l.diagnostics.iter().map(|d| d.id).collect()
}

#[test]
fn examples_check_as_documented() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for clean in ["demo-county-2023", "demo-county-2024"] {
        let l = load_and_check(&examples.join(clean));
        assert!(l.diagnostics.is_empty(), "{clean}: {:#?}", l.diagnostics);
        assert!(l.report.unwrap().last_year.is_some() == (clean == "demo-county-2024"));
    }
    let l = load_and_check(&examples.join("wuzhong-xinfang-2024"));
    assert!(l
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Warning));
    let punct: Vec<String> = find(&l, "W-PUNCT").into_iter().map(|(_, t)| t).collect();
    assert_eq!(punct, vec!["<", ">", ",", "<", ">"]);
    assert_eq!(find(&l, "W-OVERVIEW-LEN").len(), 1);
}

#[test]
fn clean_report_has_no_findings() {
    let l = run("clean");
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
}

#[test]
fn t3_balance() {
    let l = run("t3-balance");
    let found = find(&l, "E-T3-BALANCE");
    let msgs: Vec<&str> = found.iter().map(|(d, _)| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "表三“总计”列：一+二=14，三（七）+四=13",
            "表三“自然人”列：一+二=10，三（七）+四=9",
        ]
    );
    // 总计 points at the carried_forward row, 自然人 at its first cell.
    assert_eq!(found[0].1, "[1, 1, 0, 0, 0, 1]");
    assert_eq!(found[1].1, "1");
    assert_eq!(line_of(&l, found[1].0), 70);
    assert!(find(&run("clean"), "E-T3-BALANCE").is_empty());
}

#[test]
fn t3_subtotal() {
    let l = run("t3-subtotal");
    let found = find(&l, "E-T3-SUBTOTAL");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0.message,
        "表三“自然人”列：三（七）总计填写为 9，三（一）至（六）各项之和为 8"
    );
    assert_eq!(found[0].1, "9");
}

#[test]
fn t3_rowsum() {
    let l = run("t3-rowsum");
    let found = find(&l, "E-T3-ROWSUM");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0.message,
        "表三“（一）予以公开”行：总计填写为 7，六类申请人之和为 6"
    );
    assert_eq!(found[0].1, "7");
    // A correct stated total passes.
    let ok = run("clean");
    assert!(find(&ok, "E-T3-ROWSUM").is_empty());
}

#[test]
fn t4_sum() {
    let l = run("t4-sum");
    let found = find(&l, "E-T4-SUM");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0.message,
        "表四“行政复议”：总计填写为 3，维持+纠正+其他+尚未审结=2"
    );
    assert_eq!(found[0].1, "3");
}

#[test]
fn numbers() {
    for (case, text, needle) in [
        ("number-negative", "-1", "负数（-1）"),
        ("number-slash", "\"/\"", "为空或“/”"),
        ("number-fraction", "1.5", "不能是小数（1.5）"),
        ("number-short-row", "[0, 0, 0]", "应有 6 个数"),
        (
            "number-missing-row",
            "[applications]",
            "“8.属于行政查询事项”行缺失",
        ),
    ] {
        let l = run(case);
        let found = find(&l, "E-NUMBER");
        assert_eq!(found.len(), 1, "{case}: {:#?}", l.diagnostics);
        assert_eq!(found[0].1, text, "{case}");
        assert!(
            found[0].0.message.contains(needle),
            "{case}: {}",
            found[0].0.message
        );
        assert!(!found[0].0.hints.is_empty());
    }
}

#[test]
fn sections() {
    let l = run("sections-missing");
    let found = find(&l, "E-SECTIONS");
    assert_eq!(found.len(), 1);
    assert!(found[0].0.message.contains("五、存在的主要问题及改进情况"));
    let l = run("sections-heading");
    let found = find(&l, "E-SECTIONS");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.trim(), "# 一、总体情况");
    let l = run("sections-empty");
    assert_eq!(find(&l, "E-SECTIONS").len(), 1);
    assert!(find(&run("clean"), "E-SECTIONS").is_empty());
}

#[test]
fn fee() {
    let l = run("fee-missing");
    let found = find(&l, "E-FEE");
    assert_eq!(found.len(), 1);
    let s = found[0].0.span.as_ref().unwrap();
    assert!(l.sources.path(s.file).ends_with("other.md"));
}

#[test]
fn old_format() {
    let l = run("old-format");
    let texts: Vec<String> = find(&l, "E-OLD-FORMAT")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(texts, vec!["本年新制作数量", "对外公开总数量"]);
}

#[test]
fn loader_errors() {
    let l = run("toml-syntax");
    assert_eq!(ids(&l), vec!["E-TOML"]);
    let l = run("unknown-key");
    let keys: Vec<String> = find(&l, "E-KEY").into_iter().map(|(_, t)| t).collect();
    assert_eq!(keys, vec!["agnecy", "carried_ovr"]);
    assert!(find(&l, "E-KEY")[0].0.hints[0].contains("agency"));
    let l = run("wrong-type");
    let found = find(&l, "E-TYPE");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].1, "\"2024年\"");
    assert!(found[1].0.hints.iter().any(|h| h.contains("department")));
    let l = run("path-escape");
    assert_eq!(find(&l, "E-PATH")[0].1, "\"../../etc/passwd\"");
    let l = run("missing-file");
    let found = find(&l, "E-SECTIONS");
    assert_eq!(found[0].1, "\"problem.md\"");
    let l = run("bad-date");
    assert_eq!(find(&l, "E-TOML")[0].1, "2025-02-30");
    let l = run("placeholder");
    let found = find(&l, "E-PLACEHOLDER");
    assert_eq!(found[0].1, "{{applications.nwe}}");
    assert!(found[0].0.hints[0].contains("{{applications.new}}"));
    assert_eq!(found[1].1, "{{appeals.reveiw}}");
}

/// E-MISSING, E-DATE and E-FILE, each at the key or file it is about.
#[test]
fn missing_keys_bad_dates_and_missing_files() {
    let clean = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let prose: Vec<(&str, String)> = ["opening.md", "overview.md", "problems.md", "other.md"]
        .iter()
        .map(|n| {
            (
                *n,
                std::fs::read_to_string(broken_dir().join("clean").join(n)).unwrap(),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = prose.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let load = |toml: &str| {
        let mut l = load_str(toml, &files);
        nianbao_core::finish(&mut l);
        l
    };
    // No agency: E-MISSING at the start of the file.
    let agency = clean.lines().find(|l| l.starts_with("agency")).unwrap();
    let l = load(&clean.replace(agency, ""));
    let found = find(&l, "E-MISSING");
    assert_eq!(found.len(), 1, "{:?}", ids(&l));
    assert!(found[0].0.message.contains("agency"));
    // A date written as text that is no date: E-DATE at the value.
    let published = clean.lines().find(|l| l.starts_with("published")).unwrap();
    let l = load(&clean.replace(published, "published = \"2025年2月30日\""));
    assert_eq!(find(&l, "E-DATE")[0].1, "\"2025年2月30日\"");
    // An optional prose file that is not there: E-FILE at the file name.
    let l = load(&clean.replace("[prose]\n", "[prose]\nactive = \"active.md\"\n"));
    assert_eq!(find(&l, "E-FILE")[0].1, "\"active.md\"");
}

#[test]
fn text_against_tables() {
    let l = run("text-table");
    let found = find(&l, "W-TEXT-TABLE");
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|(d, t)| (d.message.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "文字中“新收申请”为 15 件，表三“一、本年新收”总计为 12",
                "15"
            ),
            ("文字中“行政复议”为 3 件，表四“行政复议”总计为 2", "3"),
        ]
    );
    // 办结10件 and 结转下年度继续办理3件 agree with the table and pass; placeholders never fire.
    assert!(find(&run("clean"), "W-TEXT-TABLE").is_empty());
    // 办结 and 结转 of something other than applications (a 信访局's petitions) are not
    // compared with table 三.
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let prose = [
        (
            "opening.md",
            "全年办结信访事项1234件，结转下年度办理信访事项56件。\n",
        ),
        (
            "overview.md",
            "全年新收政府信息公开申请12件，办结99件。通过多种渠道收到申请250件，予以公开7件。\n",
        ),
        ("problems.md", "一是更新不够及时。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    let texts: Vec<String> = find(&l, "W-TEXT-TABLE")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    // “多种渠道” is not “250多件”: the number is still compared; 予以公开 7 ≠ 6.
    assert_eq!(texts, vec!["99", "250", "7"]);

    let l = run("text-zero");
    let found = find(&l, "W-TEXT-ZERO");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "本年度未收到政府信息公开申请");
    assert!(found[0].0.message.contains("为 12"));
}

#[test]
fn overview_length_deadline_todo() {
    let l = run("overview-len");
    let found = find(&l, "W-OVERVIEW-LEN");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].0.message.contains("共 1140 字"),
        "{}",
        found[0].0.message
    );
    let l = run("deadline");
    let found = find(&l, "W-DEADLINE");
    assert_eq!(found[0].1, "2025-02-15");
    assert!(found[0].0.message.contains("2025年1月31日"));
    let l = run("todo");
    assert_eq!(find(&l, "W-TODO")[0].1, "【待填写：存在的主要问题】");
}

#[test]
fn punctuation_and_labels() {
    let l = run("punct");
    let texts: Vec<String> = find(&l, "W-PUNCT").into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, vec![",", "(", ")"]);
    let l = run("label");
    let texts: Vec<String> = find(&l, "W-LABEL").into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, vec!["1、", "本年制件数量", "现行有效件数量"]);
    // URLs, e-mail, times and thousands separators are not typos.
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let mut prose = vec![
        (
            "opening.md",
            "网址：http://www.example.gov.cn/a?b=1，邮箱a@b.cn，金额1,234元，时间9:30。\n",
        ),
        ("overview.md", "全年新收申请{{applications.new}}件。\n"),
        ("problems.md", "一是更新不够及时。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    assert!(find(&l, "W-PUNCT").is_empty(), "{:#?}", l.diagnostics);
    prose[0].1 = "(一)主动公开\n";
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    assert_eq!(ids(&l), vec!["W-LABEL"]);
}

#[test]
fn cross_year() {
    let l = run("cross-year");
    let carry = find(&l, "W-CARRY");
    assert_eq!(carry.len(), 1);
    assert_eq!(
        carry[0].0.message,
        "表三“自然人”列：本年“二、上年结转”为 1，上年报告“四、结转下年度继续办理”为 2"
    );
    assert_eq!(carry[0].1, "1");
    let stock = find(&l, "W-STOCK");
    assert_eq!(stock.len(), 1);
    assert!(stock[0].0.message.contains("现行有效件数为 20"));
    assert!(stock[0].0.message.contains("应为 17"));
    assert_eq!(stock[0].1, "20");
    let fee = find(&l, "W-FEE-UNIT");
    assert_eq!(fee[0].1, "2.5");
    assert!(fee[0].0.message.contains("0.0025"));
    let repeat = find(&l, "W-REPEAT");
    assert_eq!(repeat.len(), 2);
    assert!(repeat.iter().any(|(d, _)| d.message.contains("100%")));
    assert!(l
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Warning));

    let l = run("last-year-missing");
    assert_eq!(ids(&l), vec!["W-LAST-YEAR"]);
    // Without last year the cross-year checks do not run at all.
    let l = run("clean");
    assert!(find(&l, "W-CARRY").is_empty() && find(&l, "W-STOCK").is_empty());
}

/// Rendered diagnostics of every broken source, pinned by `tests/broken/<case>/expected.txt`.
#[test]
fn golden_diagnostics() {
    let root = broken_dir();
    let prefix = format!("{}/", root.display());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15);
    let mut failures = Vec::new();
    for case in cases {
        let l = load_and_check(&case);
        let text = render(&l.diagnostics, &l.sources, false).replace(&prefix, "");
        let golden = case.join("expected.txt");
        if update {
            std::fs::write(&golden, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != text {
            failures.push(format!("{}:\n{text}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatch (UPDATE_GOLDEN=1 to refresh):\n{}",
        failures.join("\n")
    );
}
