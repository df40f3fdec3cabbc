//! Next year's scaffold from last year's report (`nianbao new DIR --from LAST_YEAR`).
//!
//! The new report starts as `nianbao new` would write it, with what follows from last year:
//! `last_year` set (so W-CARRY, W-STOCK and W-REPEAT run), `carried_over` = last year's
//! `carried_forward` (and, until the year's numbers are in, `carried_forward` the same, so the
//! table balances), each 现行有效件数 = last year's (the base this year's 制发/废止 change),
//! and last year's text of each section kept in a comment for reference.

use nianbao_core::format::{Kind, T3_CARRIED_FORWARD};
use nianbao_core::model::Prose;
use nianbao_core::{template, Report};
use toml_edit::{DocumentMut, Value as TomlValue};

use crate::ImportError;

/// Choices for the new report; `None` takes last year's agency and kind, and its year + 1.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Agency (default: last year's).
    pub agency: Option<String>,
    /// Year (default: last year's + 1).
    pub year: Option<i32>,
    /// Kind (default: last year's).
    pub kind: Option<Kind>,
}

/// The files of the new report. `last_year_path` is what `last_year` says (relative to the
/// new folder).
pub fn scaffold(
    last: &Report,
    last_year_path: &str,
    opts: &Options,
) -> Result<Vec<(String, String)>, ImportError> {
    let agency = opts.agency.clone().unwrap_or_else(|| last.agency.clone());
    let year = opts.year.unwrap_or(last.year + 1);
    let kind = opts.kind.unwrap_or(last.kind);
    let mut out = Vec::new();
    for (name, text) in template::scaffold(&agency, year, kind).map_err(ImportError::new)? {
        let text = if name == nianbao_core::load::REPORT_FILE {
            report_toml(&text, last, last_year_path)?
        } else {
            let prose = nianbao_core::format::PROSE_PARTS
                .iter()
                .find(|p| p.file == name)
                .and_then(|p| last.sections.get(p.part));
            match prose {
                Some(p) if !p.is_empty() => with_reference(&text, p, last.year),
                _ => text,
            }
        };
        out.push((name.to_string(), text));
    }
    Ok(out)
}

fn report_toml(template: &str, last: &Report, path: &str) -> Result<String, ImportError> {
    let escaped = path.replace('\\', "/").replace('"', "\\\"");
    let line = format!(
        "last_year = \"{escaped}\"   # 上年度（{}年）报告：核对上年结转、现行有效件数、文字重复率",
        last.year
    );
    let text: String = template
        .lines()
        .map(|l| {
            if l.starts_with("# last_year = ") {
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| ImportError::new(format!("模板格式错误：{e}")))?;
    let carried = &last.applications.rows[T3_CARRIED_FORWARD].cells;
    let values: Vec<u64> = carried.iter().map(|c| c.value).collect();
    set_array(
        &mut doc,
        "applications",
        "carried_over",
        &values,
        &format!("（已按{}年“结转下年度继续办理”填入）", last.year),
    );
    // With carried_over filled and nothing else yet, 一+二 = 三（七）+四 holds only if the
    // same applications are carried forward again: start there, and say so.
    set_array(
        &mut doc,
        "applications",
        "carried_forward",
        &values,
        "（暂与上年结转相同，使勾稽关系成立；填写本年数字后改为实际结转数）",
    );
    for (key, cells) in [
        ("rules", &last.active.rules),
        ("normative", &last.active.normative),
    ] {
        let values = [0, 0, cells[2].value];
        set_array(
            &mut doc,
            "active",
            key,
            &values,
            &format!(
                "（现行有效件数按{}年的 {} 件填入，本年制发、废止后相应增减）",
                last.year, cells[2].value
            ),
        );
    }
    Ok(doc.to_string())
}

/// Sets the numbers of an array, keeping each element's spacing and the line's comment (to
/// which `note` is added).
fn set_array(doc: &mut DocumentMut, table: &str, key: &str, values: &[u64], note: &str) {
    let Some(value) = doc
        .get_mut(table)
        .and_then(|t| t.get_mut(key))
        .and_then(|i| i.as_value_mut())
    else {
        return;
    };
    if let Some(arr) = value.as_array_mut() {
        for (i, v) in values.iter().enumerate() {
            if let Some(slot) = arr.get_mut(i) {
                let decor = slot.decor().clone();
                *slot = TomlValue::from(i64::try_from(*v).unwrap_or(i64::MAX));
                *slot.decor_mut() = decor;
            }
        }
    }
    let suffix = value
        .decor()
        .suffix()
        .and_then(|s| s.as_str())
        .unwrap_or("")
        .to_string();
    if suffix.contains('#') {
        value.decor_mut().set_suffix(format!("{suffix}{note}"));
    } else {
        value.decor_mut().set_suffix(format!("  # {note}"));
    }
}

/// The template's prompt, then last year's text of the section in an HTML comment (which
/// the loader drops).
fn with_reference(prompt: &str, last: &Prose, year: i32) -> String {
    let text = last.text().replace("-->", "-- >").replace("<!--", "< !--");
    let text = text.trim_end();
    format!(
        "{}\n\n<!--\n{year}年报告的这一部分（仅供参考；注释中的文字不会进入报告，写完后可删去）：\n\n{}\n-->\n",
        prompt.trim_end(),
        text.lines().collect::<Vec<_>>().join("\n\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_core::Severity;

    #[test]
    fn next_year_carries_over_and_checks_clean() {
        let last = nianbao_core::sample::sample_report();
        let files = scaffold(&last, "../last", &Options::default()).unwrap_or_default();
        let toml = &files[0].1;
        assert!(toml.contains("last_year = \"../last\""), "{toml}");
        let prose: Vec<(&str, &str)> = files[1..]
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let mut loaded = nianbao_core::load::load_str(toml, &prose);
        nianbao_core::finish(&mut loaded);
        // The only errors are the template's unfilled prompts (E-TODO): a scaffold is a
        // draft until they are written.
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.id != "E-TODO")
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(loaded.diagnostics.iter().any(|d| d.id == "E-TODO"));
        let r = loaded
            .report
            .unwrap_or_else(|| Report::empty("", 0, Kind::Department));
        assert_eq!(r.year, last.year + 1);
        assert_eq!(r.agency, last.agency);
        let carried: Vec<u64> = r.applications.rows[1]
            .cells
            .iter()
            .map(|c| c.value)
            .collect();
        let forward: Vec<u64> = last.applications.rows[T3_CARRIED_FORWARD]
            .cells
            .iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(carried, forward);
        assert_eq!(r.active.normative[2].value, last.active.normative[2].value);
        // Comments of the template survive; last year's text is only a comment.
        assert!(toml.contains("# 二、上年结转政府信息公开申请数量"));
        let overview = &files
            .iter()
            .find(|f| f.0 == "overview.md")
            .unwrap_or(&files[0])
            .1;
        assert!(overview.contains("<!--"));
        assert!(!r
            .sections
            .overview
            .text()
            .contains(&last.sections.overview.text()));
    }
}
