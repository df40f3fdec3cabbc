//! The files `nianbao new` writes: `templates/` with the agency, year and kind filled in.

use crate::format::Kind;
use crate::model::Date;

const REPORT: &str = include_str!("../../../templates/report.toml");
const FILES: [(&str, &str); 4] = [
    ("opening.md", include_str!("../../../templates/opening.md")),
    (
        "overview.md",
        include_str!("../../../templates/overview.md"),
    ),
    (
        "problems.md",
        include_str!("../../../templates/problems.md"),
    ),
    ("other.md", include_str!("../../../templates/other.md")),
];

/// The files of a new report (name, contents): every number 0, every section a writing prompt.
pub fn scaffold(agency: &str, year: i32, kind: Kind) -> Vec<(&'static str, String)> {
    let (month, day) = kind.deadline();
    let published = Date {
        year: year + 1,
        month,
        day,
    };
    // Escape for a TOML basic string.
    let agency_toml = agency.replace('\\', "\\\\").replace('"', "\\\"");
    let report = REPORT
        .replace("@AGENCY@", &agency_toml)
        .replace("@YEAR@", &year.to_string())
        .replace("@KIND@", kind.keyword())
        .replace("@PUBLISHED@", &published.iso());
    let mut files = vec![(crate::load::REPORT_FILE, report)];
    files.extend(FILES.iter().map(|(n, t)| (*n, (*t).to_string())));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    #[test]
    fn scaffold_checks_with_only_warnings() {
        let files = scaffold("某某县某某局", 2025, Kind::Department);
        let report = files[0].1.clone();
        let prose: Vec<(&str, &str)> = files[1..].iter().map(|(n, t)| (*n, t.as_str())).collect();
        let mut loaded = crate::load::load_str(&report, &prose);
        crate::finish(&mut loaded);
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(loaded.diagnostics.iter().any(|d| d.id == "W-TODO"));
        let r = loaded.report.unwrap();
        assert_eq!(r.agency, "某某县某某局");
        assert_eq!(r.published.unwrap().iso(), "2026-01-31");
    }
}
