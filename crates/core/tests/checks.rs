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
            "“（三）不予公开 · 8.属于行政查询事项”行缺失",
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
    assert_eq!(
        keys,
        vec!["agnecy", "punishmnet", "enforce_count", "carried_ovr"]
    );
    let hint = &find(&l, "E-KEY")[1].0.hints[0];
    assert_eq!(
        hint,
        "是不是“punishment”？请把键名“punishmnet”改为“punishment”"
    );
    // A misspelt key is read under its intended name: no “missing” error offers to add it
    // as 0, and the tables balance with the clerk's numbers.
    let report = l.report.as_ref().unwrap();
    assert_eq!(report.agency, "某某县交通运输局");
    assert_eq!(report.active.punishment.value, 815);
    assert_eq!(report.applications.rows[1].cells[0].value, 1);
    let missing: Vec<&Diagnostic> = l.diagnostics.iter().filter(|d| d.id != "E-KEY").collect();
    assert_eq!(missing.len(), 1, "{missing:#?}");
    // enforce_count is too far from any key to be a typo: the missing enforcement asks
    // about it before offering 0.
    assert!(missing[0].message.contains("行政强制"));
    assert!(
        missing[0].hints[0].starts_with("如果“enforce_count”就是这一项，请把键名改为“enforcement”")
    );
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

/// A file in no encoding nianbao can read (not UTF-8, UTF-16 or GBK): E-FILE that says so,
/// with how to save it as UTF-8 (not how to create the file), located at its first bad byte;
/// also for a required prose file and for report.toml itself. A GBK file (Notepad's “ANSI”)
/// is read, with a W-ENCODING warning that says the same.
#[test]
fn an_undecodable_file_is_named_with_how_to_save_it_as_utf8() {
    let dir = std::env::temp_dir().join(format!("nianbao-gbk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for n in [
        "report.toml",
        "opening.md",
        "overview.md",
        "problems.md",
        "other.md",
    ] {
        std::fs::copy(broken_dir().join("clean").join(n), dir.join(n)).unwrap();
    }
    // “本机关全年……” in GBK: read, with a warning.
    std::fs::write(
        dir.join("overview.md"),
        b"\xb1\xbe\xbb\xfa\xb9\xd8\xc8\xab\xc4\xea\n",
    )
    .unwrap();
    let l = nianbao_core::load::load(&dir);
    assert!(find(&l, "E-FILE").is_empty(), "{:?}", ids(&l));
    let warned = find(&l, "W-ENCODING");
    assert_eq!(warned.len(), 1, "{:?}", ids(&l));
    assert!(
        warned[0].0.hints[0].contains("另存为"),
        "{:?}",
        warned[0].0.hints
    );
    // Bytes that are no text in any of them: E-FILE, not E-SECTIONS, at the bad byte.
    std::fs::write(dir.join("overview.md"), b"\xb1\xbe\xff\xfe\x80\n").unwrap();
    let l = nianbao_core::load::load(&dir);
    let found = find(&l, "E-FILE");
    assert_eq!(found.len(), 1, "{:?}", ids(&l));
    assert!(find(&l, "E-SECTIONS").is_empty(), "{:?}", ids(&l));
    let span = found[0].0.span.as_ref().unwrap();
    assert!(l.sources.get(span.file).path.ends_with("overview.md"));
    assert!(found[0].0.message.contains("不是 UTF-8 编码"));
    assert!(
        found[0].0.hints[0].contains("另存为"),
        "{:?}",
        found[0].0.hints
    );
    // report.toml itself undecodable.
    let mut toml = std::fs::read(dir.join("report.toml")).unwrap();
    toml.extend_from_slice(b"\n# \xff\xfe\x80\n");
    std::fs::write(dir.join("report.toml"), toml).unwrap();
    let l = nianbao_core::load::load(&dir);
    let found: Vec<_> = l.diagnostics.iter().filter(|d| d.id == "E-FILE").collect();
    assert_eq!(found.len(), 1);
    assert!(found[0].hints[0].contains("另存为"), "{:?}", found[0].hints);
    assert!(
        !found[0].hints[0].contains("nianbao new"),
        "{:?}",
        found[0].hints
    );
    std::fs::remove_dir_all(&dir).unwrap();
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
                "文字中“新收申请”为 15 件，表三“一、本年新收政府信息公开申请数量”总计为 12",
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

/// The tables of `tests/claims/report.toml` (新收 146 = 自然人 121 + 法人 25, 上年结转 3, 办结 142,
/// 结转 7; 复议 4 = 维持 2 + 纠正 1 + 未审结 1; 诉讼 5, 复议后起诉 2; 处罚 25 …) with `text` as
/// section 一: the W-TEXT-* findings as (ID, text pointed at, message, first hint).
fn text_findings(text: &str) -> Vec<(&'static str, String, String, String)> {
    let toml = std::fs::read_to_string(broken_dir().join("../claims/report.toml"))
        .expect("tests/claims/report.toml");
    let text = format!("{text}\n");
    let prose = [
        ("overview.md", text.as_str()),
        ("problems.md", "下一步将加强培训。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    l.diagnostics
        .iter()
        .filter(|d| d.id.starts_with("W-TEXT"))
        .map(|d| {
            let at = l
                .sources
                .slice(d.span.as_ref().expect("located"))
                .to_string();
            (d.id, at, d.message.clone(), d.hints[0].clone())
        })
        .collect()
}

/// Only the pointed-at texts of the findings.
fn flagged(text: &str) -> Vec<String> {
    text_findings(text).into_iter().map(|f| f.1).collect()
}

#[test]
fn text_breakdowns_with_qizhong() {
    assert!(flagged(
        "本年共收到政府信息公开申请146件，其中自然人申请121件、法人或其他组织申请25件。"
    )
    .is_empty());
    // A wrong part is reported at the part, naming its cell and placeholder.
    let f = text_findings(
        "本年共收到政府信息公开申请146件，其中自然人申请120件、法人或其他组织申请26件。",
    );
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].1, "120");
    assert_eq!(
        f[0].2,
        "文字中“新收申请·自然人”为 120 件，表三“一、本年新收政府信息公开申请数量”“自然人”列为 121"
    );
    assert!(f[0].3.contains("{{applications.new.natural}}"));
    assert_eq!(f[1].1, "26");
    assert!(
        f[1].2.contains("“法人或其他组织”五列之和为 25"),
        "{}",
        f[1].2
    );
    assert!(f[1].3.contains("{{applications.new.orgs}}"));
    // A wrong whole is not hidden behind its right parts.
    assert_eq!(
        flagged("全年共收到政府信息公开申请148件，其中自然人申请121件、法人或其他组织申请25件。"),
        vec!["148"]
    );
    // Parts by channel or office are not applicant columns.
    assert!(flagged(
        "全年收到申请146件，其中网上申请98件、信函申请30件，县政府办公室收到申请35件。"
    )
    .is_empty());
    // A later qualifier: 复议后起诉 is a part of 行政诉讼.
    assert!(flagged("行政诉讼5件，其中复议后起诉2件。").is_empty());
    let f = text_findings("行政诉讼5件，其中复议后起诉3件。");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].2,
        "文字中“复议后起诉”为 3 件，表四“行政诉讼·复议后起诉”总计为 2"
    );
    assert!(f[0].3.contains("{{appeals.suit_after_review}}"));
}

#[test]
fn text_lists_with_fenbie_and_sums() {
    assert!(flagged("予以公开、部分公开的分别为63件、17件。").is_empty());
    let f = text_findings("予以公开、部分公开的分别为17件、63件。");
    let got: Vec<(&str, &str)> = f.iter().map(|x| (x.1.as_str(), x.2.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("17", "文字中“予以公开”为 17 件，表三“（一）予以公开”总计为 63"),
            (
                "63",
                "文字中“部分公开”为 63 件，表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”总计为 17"
            ),
        ]
    );
    // A combined result is the sum of two rows, not 部分公开 alone.
    assert!(flagged("予以公开和部分公开共80件。").is_empty());
    let f = text_findings("予以公开和部分公开共30件。");
    assert_eq!(f.len(), 1);
    assert!(f[0].2.contains("之和为 80"), "{}", f[0].2);
    assert!(f[0]
        .3
        .contains("{{applications.disclosed}}、{{applications.partial}}"));
    // 各: each gets the number.
    assert_eq!(
        flagged("被申请行政复议和提起行政诉讼各1件。"),
        vec!["1", "1"]
    );
}

#[test]
fn text_brackets_and_inclusions() {
    assert!(flagged("被申请行政复议4件（维持2件、纠正1件、尚未审结1件）。").is_empty());
    let f = text_findings("被申请行政复议4件（维持3件、纠正1件）。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1, "3");
    assert_eq!(
        f[0].2,
        "文字中“行政复议·结果维持”为 3 件，表四“行政复议”“结果维持”为 2"
    );
    assert!(f[0].3.contains("{{appeals.review.upheld}}"));
    // 含上年结转: the whole is 新收 + 结转.
    assert!(flagged("共受理申请149件（含上年结转3件）。").is_empty());
    let f = text_findings("共受理申请88件（含上年结转3件）。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1, "88");
    assert!(f[0].2.contains("之和为 149"), "{}", f[0].2);
    assert!(f[0]
        .3
        .contains("{{applications.new}}、{{applications.carried_over}}"));
    // A bracket after a topic is not a breakdown of a table number.
    assert!(flagged("申请主要集中在征地拆迁（58件）、房屋征收（31件）等领域。").is_empty());
}

#[test]
fn text_table_two() {
    let f = text_findings("全年作出行政处罚决定23件。");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].2,
        "文字中“行政处罚决定”为 23 件，表二“行政处罚”本年处理决定数量为 25"
    );
    assert!(f[0].3.contains("{{active.punishment}}"));
    assert!(flagged("全年作出行政许可决定9317件、行政处罚决定25件、行政强制决定41件。").is_empty());
    assert_eq!(flagged("本年实施行政强制措施45件。"), vec!["45"]);
    assert!(flagged("全年制发行政规范性文件9件、废止7件，截至年底现行有效45件。").is_empty());
    assert_eq!(
        flagged("制发行政规范性文件12件，废止5件，现行有效规范性文件86件。"),
        vec!["12", "5", "86"]
    );
    // 现行有效 without 规范性, and 规章.
    assert!(flagged("现行有效文件45件。").is_empty());
    let f = text_findings("现行有效文件47件。");
    assert_eq!(
        f[0].2,
        "文字中“现行有效行政规范性文件”为 47 件，表二“行政规范性文件”现行有效件数为 45"
    );
    assert!(flagged("本年度制发规章1件、废止规章0件，现行有效规章6件。").is_empty());
    assert_eq!(flagged("规章制发2件。"), vec!["2"]);
    // The fee: a rounded amount agrees; 元 are converted.
    assert!(flagged("本年收取行政事业性收费356.27万元。").is_empty());
    assert!(flagged("收取行政事业性收费3562731元。").is_empty());
    let f = text_findings("全年行政事业性收费金额为360万元。");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].2,
        "文字中“行政事业性收费”为 360 万元，表二“行政事业性收费”本年收费金额为 356.2731 万元"
    );
    // 信息处理费 is not the fee of table 二; 行政许可申请 are not decisions.
    assert!(flagged("全年收取信息处理费0元。受理行政许可申请9500件。").is_empty());
}

#[test]
fn text_handled_and_carried_without_shenqing() {
    assert_eq!(
        flagged("全年办结131件，结转下年度继续办理7件。"),
        vec!["131"]
    );
    // …but not in a sentence about something else.
    assert!(
        flagged("全年共受理信访事项1234件，办结1200件，结转下年度办理信访事项56件。").is_empty()
    );
    // Carry-over in other words, and the common typo 上年转结.
    assert_eq!(flagged("结转至下一年度3件。"), vec!["3"]);
    assert_eq!(flagged("转下一年度办理答复的2件。"), vec!["2"]);
    assert_eq!(flagged("上年转结5件。"), vec!["5"]);
    assert!(flagged("上年转结3件，结转下年度7件。").is_empty());
    // Number before noun.
    let f = text_findings("有1件申请转入下年度办理。");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].2,
        "文字中“结转下年度”为 1 件，表三“四、结转下年度继续办理”总计为 7"
    );
}

#[test]
fn text_spaces_units_and_verbs() {
    // Text copied from a PDF: a space between number and unit.
    assert_eq!(flagged("共收到政府信息公开申请 35 件。"), vec!["35"]);
    assert_eq!(flagged("收到申请12条。"), vec!["12"]);
    assert_eq!(flagged("行政诉讼2起。"), vec!["2"]);
    assert_eq!(flagged("全年办理政府信息公开申请57件。"), vec!["57"]);
    assert_eq!(
        flagged("接收通过网络、信函提交的申请共计40件。"),
        vec!["40"]
    );
    assert!(flagged("全年办理政府信息公开申请146件。").is_empty());
}

#[test]
fn text_rows_under_other_names_carry_their_group() {
    let f = text_findings("因信息不存在无法提供5件。");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].2,
        "文字中“本机关不掌握相关政府信息”为 5 件，表三“（四）无法提供 · 1.本机关不掌握相关政府信息”总计为 25"
    );
    assert!(f[0].3.contains("{{applications.not_held}}"));
    assert!(flagged("其他处理5件，其中申请人无正当理由逾期不补正3件、逾期未按收费通知要求缴纳费用1件、其他1件。").is_empty());
    let f = text_findings("其他处理的7件均为申请人逾期不补正。");
    assert_eq!(
        f[0].2,
        "文字中“其他处理”为 7 件，表三“（六）其他处理”各项之和为 5"
    );
}

#[test]
fn text_numbers_about_something_else() {
    for s in [
        "县政府作为复议机关全年办理各类行政复议案件612件。",
        "县政府作为复议机关全年办理各类行政复议案件612件，其中涉及政府信息公开的35件。",
        "收到人大代表建议41件、政协提案53件。",
        "办结群众诉求2.3万件。",
        "在15个工作日内答复。",
        "12345热线全年受理群众诉求3560件，办结3500件。",
        "全年主动公开政府信息360条，其中政策文件120条。",
        "本年度新收政府信息公开申请146件，较上年增加12件。",
        "上年度共收到政府信息公开申请134件。",
        "全年收到政府信息公开申请约150件。",
        "县自然资源局收到申请60件，县住建局收到申请30件。",
    ] {
        assert!(flagged(s).is_empty(), "{s}: {:?}", text_findings(s));
    }
}

#[test]
fn text_statements_of_absence() {
    // About 行政诉讼, not about 申请: table 三 is not zero, but that is not what it says.
    let f = text_findings("全年未收到因政府信息公开申请引起的行政诉讼。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "W-TEXT-ZERO");
    assert_eq!(
        f[0].2,
        "文字说没有行政诉讼，但表四“行政诉讼”（未经复议直接起诉与复议后起诉）总计之和为 5"
    );
    assert!(f[0].3.contains("{{appeals.suit}}"));
    // With no lawsuits in the tables it is simply true.
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let prose = [
        ("opening.md", "本报告依据《条例》编制。\n"),
        (
            "overview.md",
            "全年未收到因政府信息公开申请引起的行政诉讼。\n",
        ),
        ("problems.md", "一是更新不够及时。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let f = text_findings("全年未收到政府信息公开申请，未发生行政复议和行政诉讼。");
    let got: Vec<&str> = f.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got[0].starts_with("文字说未收到申请，但表三“一、本年新收政府信息公开申请数量”总计为 146")
    );
}

#[test]
fn text_placeholders_are_never_a_mismatch() {
    // Generated numbers are never reported, even under another subject's words…
    assert!(flagged(
        "全年新收政府信息公开申请{{applications.total}}件，办结{{applications.new}}件。"
    )
    .is_empty());
    // …but they still give the sentence its structure: a typed part is compared.
    assert_eq!(
        flagged("全年新收政府信息公开申请{{applications.new}}件，其中自然人申请120件。"),
        vec!["120"]
    );
    assert!(flagged(
        "予以公开、部分公开的分别为{{applications.disclosed}}件、{{applications.partial}}件。"
    )
    .is_empty());
}

#[test]
fn repeated_ordinals() {
    let l = run("enum");
    let found: Vec<(String, String)> = find(&l, "W-ENUM")
        .into_iter()
        .map(|(d, t)| (t, d.message.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "（二）".to_string(),
                "序号“（二）”重复：前一项也是“（二）”".to_string()
            ),
            (
                "三是".to_string(),
                "序号“三是”重复：前一项也是“三是”".to_string()
            ),
        ]
    );
    // New series, words that end in 一 (统一是), subsections that restart, numbers like 1.5.
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let prose = [
        ("opening.md", "本报告依据《条例》编制。\n"),
        (
            "overview.md",
            "## （一）主动公开\n\n一是加强公开。二是强化解读。\n\n### 1.重点领域\n\n### 2.政策解读\n\n## （二）依申请公开\n\n### 1.规范办理\n\n一是完善流程。标准统一是关键。\n\n1.5万人次参加培训。\n",
        ),
        ("problems.md", "存在的问题：一是更新不及时，二是解读单一。下一步：一是建立制度，二是加强培训。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    // Going back and skipping are reported too.
    let prose = [
        ("opening.md", "本报告依据《条例》编制。\n"),
        (
            "overview.md",
            "一是加强公开。三是强化解读。二是规范办理。\n",
        ),
        ("problems.md", "一是更新不够及时。\n"),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec!["序号“三是”之前缺少“二是”", "序号“二是”排在“三是”之后"]
    );
}

#[test]
fn stock_explained_in_the_prose_is_a_note() {
    let l = run("stock-explained");
    assert_eq!(ids(&l), vec!["W-STOCK"]);
    let d = &l.diagnostics[0];
    assert_eq!(d.severity, Severity::Note);
    assert!(
        d.message.ends_with("应为 17；文字中已说明原因"),
        "{}",
        d.message
    );
    assert!(d.hints[0].contains("开展行政规范性文件集中清理"));
    assert_eq!(nianbao_core::diag::count(&l.diagnostics).warnings, 0);
    // Without the explanation it is a warning whose hint says how to explain it.
    let l = run("cross-year");
    let (d, _) = &find(&l, "W-STOCK")[0];
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.hints[0].contains("在文字中写明原因"));
}

#[test]
fn stated_subtotal_explains_the_imbalance() {
    // Before: E-T3-SUBTOTAL plus E-T3-BALANCE for 自然人 and for 总计; now one finding.
    let l = run("t3-subtotal-fold");
    assert_eq!(ids(&l), vec!["E-T3-SUBTOTAL"]);
    let d = &l.diagnostics[0];
    assert!(
        d.hints[1].contains("一+二=三（七）+四 成立（9 = 8 + 1）"),
        "{:?}",
        d.hints
    );
    assert!(d.hints[2].starts_with("“总计”列同理"), "{:?}", d.hints);
    // An imbalance the subtotal does not explain is still reported.
    assert_eq!(find(&run("t3-balance"), "E-T3-BALANCE").len(), 2);
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
    let todo = find(&l, "E-TODO");
    assert_eq!(todo[0].1, "【待填写：存在的主要问题】");
    assert_eq!(todo[0].0.severity, Severity::Error);
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

/// Issue 14: what a clerk pastes and types.
#[test]
fn pasted_section_headings_are_reported() {
    let l = run("sections-pasted");
    let found = find(&l, "E-SECTIONS");
    let texts: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "六、其它需要报告的事项"
        ]
    );
    assert!(found[0]
        .0
        .message
        .contains("（即“四、政府信息公开行政复议、行政诉讼情况”）"));
    assert!(found[0].0.hints[0].contains("请删除这一行"));
}

#[test]
fn unclosed_comment_is_located_at_its_start() {
    let l = run("unclosed-comment");
    let found = find(&l, "E-COMMENT");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "<!--");
    assert_eq!(line_of(&l, found[0].0), 5);
}

#[test]
fn chinese_punctuation_in_report_toml() {
    let l = run("toml-chinese-punct");
    let got: Vec<(String, String)> = find(&l, "E-TOML")
        .into_iter()
        .map(|(d, t)| (d.message.clone(), t))
        .collect();
    assert_eq!(got.len(), 4, "{got:#?}");
    assert_eq!(got[0].1, "“某某县交通运输局”");
    assert_eq!(got[1].0, "第29行第11列是中文逗号“，”，请改为英文逗号“,”");
    assert_eq!(got[3].0, "第31行第11列是全角等号“＝”，请改为英文等号“=”");
    // No English anywhere in what the clerk reads.
    for d in &l.diagnostics {
        let all = format!("{}{}", d.message, d.hints.join(""));
        assert!(!all.contains("expected"), "{all}");
    }
    let l = run("toml-empty-cell");
    let found = find(&l, "E-TOML");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, ",");
    assert!(found[0].0.hints[0].starts_with("空白请写 0"));
}

#[test]
fn slashes_from_a_word_table_are_one_message_per_row() {
    let l = run("number-word-table");
    let found = find(&l, "E-NUMBER");
    let msgs: Vec<&str> = found.iter().map(|(d, _)| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "表三“（三）不予公开 · 1.属于国家秘密”行有 3 个单元格写成了“/”、“—”或空白（自然人、科研机构、其他）",
            "表三“（三）不予公开 · 3.危及“三安全一稳定””行有 6 个单元格写成了“/”",
        ]
    );
    assert!(found[0].0.hints[0].contains("secret = [0, 0, 0, 0, 0, 0]"));
    // The cells read as 0, so nothing else cascades.
    assert_eq!(l.diagnostics.len(), 2);
}

#[test]
fn kind_in_chinese_and_line_endings() {
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let prose: Vec<(String, String)> = ["opening.md", "overview.md", "problems.md", "other.md"]
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(broken_dir().join("clean").join(n)).unwrap();
            (n.to_string(), text)
        })
        .collect();
    let clean = {
        let files: Vec<(&str, &str)> = prose
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let mut l = load_str(&toml, &files);
        nianbao_core::finish(&mut l);
        l
    };
    // 乡镇 for township; CRLF in report.toml; CR-only (an old editor) in the prose, each file
    // starting with a prompt comment as the templates do.
    let toml2 = toml
        .replace("kind = \"department\"", "kind = \"乡镇\"")
        .replace('\n', "\r\n");
    let prose2: Vec<(String, String)> = prose
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                format!("<!-- 写作提示 -->\n\n{t}").replace('\n', "\r"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = prose2
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut l = load_str(&toml2, &files);
    nianbao_core::finish(&mut l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let (a, b) = (l.report.unwrap(), clean.report.unwrap());
    assert_eq!(a.kind, nianbao_core::format::Kind::Township);
    assert_eq!(
        a.sections.opening.as_ref().unwrap().text(),
        b.sections.opening.as_ref().unwrap().text()
    );
    assert_eq!(a.sections.overview.text(), b.sections.overview.text());
    assert_eq!(a.deadline(), b.deadline());
}

/// Word copies one paragraph a line: each line stays a paragraph, a heading among them
/// stays a heading, and nothing is reported.
#[test]
fn text_pasted_from_word_keeps_its_paragraphs() {
    let toml = std::fs::read_to_string(broken_dir().join("clean/report.toml")).unwrap();
    let overview = "2024年，县交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》。\n（一）主动公开\n全年主动公开政府信息360条，其中政策文件12件。\n（二）依申请公开\n全年新收政府信息公开申请{{applications.new}}件，办结{{applications.total}}件。\n1.规范办理流程\n严格执行登记、审核、答复制度。\n";
    let prose = [
        (
            "opening.md",
            "本报告根据《中华人民共和国政府信息公开条例》编制。\n",
        ),
        ("overview.md", overview),
        (
            "problems.md",
            "一是公开内容更新不够及时。\n二是解读形式较为单一。\n",
        ),
        ("other.md", "本年度未收取信息处理费。\n"),
    ];
    let mut l = load_str(&toml, &prose);
    nianbao_core::finish(&mut l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let r = l.report.unwrap();
    let blocks = &r.sections.overview.blocks;
    let kinds: Vec<(bool, String)> = blocks
        .iter()
        .map(|b| {
            (
                matches!(b, nianbao_core::model::Block::Heading { .. }),
                b.text(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                false,
                "2024年，县交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》。".into()
            ),
            (true, "（一）主动公开".into()),
            (
                false,
                "全年主动公开政府信息360条，其中政策文件12件。".into()
            ),
            (true, "（二）依申请公开".into()),
            (false, "全年新收政府信息公开申请12件，办结10件。".into()),
            (true, "1.规范办理流程".into()),
            (false, "严格执行登记、审核、答复制度。".into()),
        ]
    );
    assert_eq!(r.sections.problems.blocks.len(), 2);
}

#[test]
fn agency_and_imprint_lengths() {
    let l = run("agency-too-long");
    let found = find(&l, "E-TYPE");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0.message,
        "机关全称（agency）有 66 个字，超过了 50 个字"
    );
    let l = run("imprint-printer-too-long");
    let found = find(&l, "E-TYPE");
    assert_eq!(found.len(), 1);
    assert!(found[0].0.message.contains("排不进版记的一行"));
    assert_eq!(
        found[0].1,
        "\"某某县交通运输局办公室综合科档案管理室文印室\""
    );
}

#[test]
fn markup_that_cannot_be_typeset_is_a_located_warning() {
    let l = run("markup");
    let texts: Vec<String> = find(&l, "W-MARKUP").into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, ["| 项目 | 数量 |", "<div>"]);
    let problems = l.report.unwrap().sections.problems.text();
    // Nothing is lost: the table's cells, the HTML block's text, and the full-width
    // placeholder's number are all printed.
    assert!(problems.contains("申请\u{3000}5"), "{problems}");
    assert!(problems.contains("块级HTML里的文字"), "{problems}");
    assert!(problems.contains("全角占位符12件。"), "{problems}");
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
