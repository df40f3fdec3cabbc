//! The files `nianbao new` writes: `templates/` with the agency, year and kind filled in, and
//! the `[prose]` table written from [`PROSE_PARTS`].

use crate::format::{Kind, Part, PROSE_PARTS};
use crate::model::{Date, REPORT_YEARS};
use toml_writer::{ToTomlValue as _, TomlStringBuilder};

const REPORT: &str = include_str!("../../../templates/report.toml");

/// The template text of `part`; `None` for the optional leads, which a new report leaves out
/// (their `[prose]` lines are written commented out).
fn text(part: Part) -> Option<&'static str> {
    match part {
        Part::Opening => Some(include_str!("../../../templates/opening.md")),
        Part::Overview => Some(include_str!("../../../templates/overview.md")),
        Part::ActiveLead | Part::ApplicationsLead | Part::AppealsLead => None,
        Part::Problems => Some(include_str!("../../../templates/problems.md")),
        Part::Other => Some(include_str!("../../../templates/other.md")),
    }
}

/// The `[prose]` entries of a new report, one a line with what the part holds as a comment.
fn prose_table() -> String {
    let mut out = String::new();
    for p in &PROSE_PARTS {
        let comment = if text(p.part).is_some() { "" } else { "# " };
        let entry = format!("{comment}{} = \"{}\"", p.key, p.file);
        // The comments line up in one column; a longer entry keeps two spaces before its own.
        let pad = 29usize.saturating_sub(entry.chars().count()).max(2);
        out.push_str(&format!("{entry}{}# {}\n", " ".repeat(pad), p.about));
    }
    out.pop();
    out
}

/// The files of a new report (name, contents): every number 0, every section a writing prompt.
///
/// Refuses (with a Chinese message) an empty agency name, one with control characters (a
/// line break would end the title line), and a year outside [`REPORT_YEARS`].
pub fn scaffold(
    agency: &str,
    year: i32,
    kind: Kind,
) -> Result<Vec<(&'static str, String)>, String> {
    let agency = agency.trim();
    if agency.is_empty() {
        return Err("机关全称（--agency）不能为空".into());
    }
    if let Some(c) = agency.chars().find(|&c| crate::diag::is_hidden_control(c)) {
        return Err(format!(
            "机关全称（--agency）中有看不见的控制字符（U+{:04X}），机关全称只能是一行文字",
            u32::from(c)
        ));
    }
    if !REPORT_YEARS.contains(&year) {
        return Err(format!(
            "报告年度（--year）“{year}”不合理：应在 {} 到 {} 之间，例如 --year 2025",
            REPORT_YEARS.start(),
            REPORT_YEARS.end()
        ));
    }
    let (month, day) = kind.deadline();
    let published = Date {
        year: year + 1,
        month,
        day,
    };
    let agency_toml = TomlStringBuilder::new(agency).as_basic().to_toml_value();
    let report = REPORT
        .replace("\"@AGENCY@\"", &agency_toml)
        .replace("@YEAR@", &year.to_string())
        .replace("@KIND@", kind.keyword())
        .replace("@PUBLISHED@", &published.iso())
        .replace("@PROSE@", &prose_table());
    let mut files = vec![(crate::load::REPORT_FILE, report)];
    for p in &PROSE_PARTS {
        if let Some(t) = text(p.part) {
            files.push((p.file, t.to_string()));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    #[test]
    fn scaffold_checks_with_only_its_prompts_as_errors() {
        let files = scaffold("某某县某某局", 2025, Kind::Department).unwrap();
        let report = files[0].1.clone();
        let prose: Vec<(&str, &str)> = files[1..].iter().map(|(n, t)| (*n, t.as_str())).collect();
        let mut loaded = crate::load::load_str(&report, &prose);
        crate::finish(&mut loaded);
        // Every finding is an unfilled prompt (an error: a final build refuses, a draft is
        // built), one per 【待填写】 of the templates.
        let ids: Vec<_> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.id))
            .collect();
        let prompts = files
            .iter()
            .map(|(_, t)| t.matches("【待填写").count())
            .sum();
        assert_eq!(ids, vec![(Severity::Error, "E-TODO"); prompts]);
        assert_eq!(prompts, 9);
        let r = loaded.report.unwrap();
        assert_eq!(r.agency, "某某县某某局");
        assert_eq!(r.published.unwrap().iso(), "2026-01-31");
        // Every part with a template file is named in [prose] and was read.
        for p in &PROSE_PARTS {
            assert_eq!(
                r.sections.get(p.part).is_some(),
                text(p.part).is_some(),
                "{}",
                p.key
            );
        }
    }

    #[test]
    fn scaffold_writes_the_agency_as_toml_and_refuses_bad_input() {
        // Quotes and backslashes survive as written.
        let files = scaffold("某某局\"办公室\\一科", 2025, Kind::Department).unwrap();
        let loaded = crate::load::load_str(&files[0].1, &[]);
        assert_eq!(loaded.report.unwrap().agency, "某某局\"办公室\\一科");
        // Repro 16: a line break in --agency, a five-digit year.
        assert!(scaffold("某某局\n交通科", 2025, Kind::Department)
            .unwrap_err()
            .contains("U+000A"));
        assert!(scaffold("某某局", 99999, Kind::Department)
            .unwrap_err()
            .contains("99999"));
        assert!(scaffold("  ", 2025, Kind::Department).is_err());
    }

    #[test]
    fn prose_table_lines_up_its_comments() {
        let t = prose_table();
        assert!(
            t.starts_with("opening = \"opening.md\"       # 开头段落"),
            "{t}"
        );
        assert!(
            t.contains("\n# applications = \"applications.md\"  # 三、"),
            "{t}"
        );
        assert_eq!(t.lines().count(), PROSE_PARTS.len());
    }
}
