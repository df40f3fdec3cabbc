//! The checksum list of an output set: `<文件名>.sha256`, in `sha256sum -c` format, with the
//! nianbao version and a digest of the sources in a comment line.
//!
//! The office publishes the HTML and PDF on the portal, files the PDF with the archive and the
//! DOCX/XLSX with its superior office; the list, written with the outputs in the same
//! all-or-nothing set, lets anyone tell that those copies are one version: `sha256sum -c` on
//! Linux, or [`verify`] (`nianbao check --verify OUT`) anywhere, which also says whether the
//! report's sources still match.
//!
//! ```text
//! # nianbao 0.1.0 sources-sha256 <64 hex digits>
//! # 核对：在本文件所在文件夹运行 sha256sum -c <本文件名>，或 nianbao check --verify <文件夹>
//! <64 hex digits>  某某局2024年政府信息公开工作年度报告.docx
//! …
//! ```

use std::path::{Component, Path, PathBuf};

use nianbao_core::load::Loaded;
use nianbao_core::model::Report;
use sha2::{Digest, Sha256};

/// What follows the report's file name.
pub const SUFFIX: &str = ".sha256";

/// The tag of the machine-readable comment line.
const HEADER: &str = "# nianbao ";
/// Its field before the sources digest.
const SOURCES: &str = " sources-sha256 ";

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The digest of a report's own sources: `report.toml` and its prose files (not last year's
/// report, which only feeds warnings, nor the fonts), each as its path relative to the report
/// folder (with `/`) and its text as read, in path order. The same folder gives the same
/// digest on every system and wherever it is copied to.
pub fn sources_digest(loaded: &Loaded, report: &Report, report_dir: &Path) -> String {
    let mut ids: Vec<_> = report.spans.file.into_iter().collect();
    ids.extend(report.sections.all().iter().filter_map(|(_, p)| p.file));
    let mut files: Vec<(String, &str)> = ids
        .into_iter()
        .map(|id| {
            let f = loaded.sources.get(id);
            (relative_name(&f.path, report_dir), f.text.as_str())
        })
        .collect();
    files.sort();
    files.dedup();
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex(&h.finalize())
}

/// The sources digest of the report in `dir` as it is now (`None` when no `report.toml` can
/// be read there).
pub fn current_sources(dir: &Path) -> Option<String> {
    let loaded = nianbao_core::load::load(dir);
    let report = loaded.report.as_ref()?;
    Some(sources_digest(
        &loaded,
        report,
        &crate::build::report_dir(dir),
    ))
}

/// `path` relative to `dir`, `/`-separated; the file name when it is not inside.
fn relative_name(path: &Path, dir: &Path) -> String {
    let rel = path.strip_prefix(dir).ok().filter(|r| {
        r.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    });
    match rel {
        Some(r) => r
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/"),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// The list for `files` (file name, bytes), in the given order.
pub fn list(files: &[(&str, &[u8])], sources: &str, list_name: &str) -> String {
    let mut s = format!(
        "{HEADER}{}{SOURCES}{sources}\n\
         # 核对：在本文件所在文件夹运行 sha256sum -c \"{list_name}\"，或 nianbao check --verify 该文件夹\n",
        env!("CARGO_PKG_VERSION"),
    );
    for (name, bytes) in files {
        s.push_str(&line(&sha256_hex(bytes), name));
    }
    s
}

/// One `sha256sum` line. A name with a backslash or a line break is escaped the way GNU
/// `sha256sum` does (a leading `\`), so `-c` finds the file.
fn line(digest: &str, name: &str) -> String {
    if name.contains(['\\', '\n', '\r']) {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{digest}  {escaped}\n")
    } else {
        format!("{digest}  {name}\n")
    }
}

/// A parsed checksum list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    /// The nianbao version that wrote it.
    pub version: Option<String>,
    /// The sources digest it records.
    pub sources: Option<String>,
    /// Digest and file name per line.
    pub files: Vec<(String, String)>,
}

/// Parses a list; `None` when a line is neither a comment nor a `sha256sum` line.
pub fn parse(text: &str) -> Option<List> {
    let mut out = List {
        version: None,
        sources: None,
        files: Vec::new(),
    };
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix(HEADER) {
            if let Some((version, sources)) = rest.split_once(SOURCES) {
                out.version = Some(version.to_string());
                out.sources = Some(sources.trim().to_string());
            }
            continue;
        }
        if l.starts_with('#') || l.trim().is_empty() {
            continue;
        }
        let (escaped, l) = match l.strip_prefix('\\') {
            Some(rest) => (true, rest),
            None => (false, l),
        };
        let (digest, name) = l.split_once(' ')?;
        // `  name` (text mode) or ` *name` (binary mode).
        let name = name.strip_prefix([' ', '*'])?;
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let name = if escaped {
            name.replace("\\n", "\n")
                .replace("\\r", "\r")
                .replace("\\\\", "\\")
        } else {
            name.to_string()
        };
        out.files.push((digest.to_ascii_lowercase(), name));
    }
    Some(out)
}

/// Whether the checksum list `list` records exactly `bytes` for the file at `path`, its
/// neighbour: a list that cannot be read or parsed records nothing. What the workbook guard
/// asks before it reads a workbook back to look for the clerk's edits.
pub fn records(list: &Path, path: &Path, bytes: &[u8]) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Ok(text) = nianbao_core::input::read_bytes(list, 1 << 20) else {
        return false;
    };
    let Some(parsed) = std::str::from_utf8(&text).ok().and_then(parse) else {
        return false;
    };
    let digest = sha256_hex(bytes);
    parsed.files.iter().any(|(d, n)| n == name && *d == digest)
}

/// What one listed (or unlisted) file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Its bytes are the listed ones.
    Same,
    /// Its bytes differ: changed or damaged since the build.
    Changed,
    /// Listed, but not in the folder.
    Missing,
    /// In the folder under the report's name but not in the list (left from an earlier
    /// build with other formats, or put there by hand).
    Unlisted,
    /// Could not be read (message in Chinese).
    Unreadable(String),
}

/// The result of checking one list against its folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// The list checked.
    pub list: PathBuf,
    /// What it says.
    pub parsed: List,
    /// Every listed file, then every unlisted one, with its state.
    pub files: Vec<(String, FileState)>,
}

impl Verification {
    /// Whether every listed file is present with its listed bytes and nothing else bears the
    /// report's name.
    pub fn ok(&self) -> bool {
        self.files.iter().all(|(_, s)| *s == FileState::Same)
    }
}

/// Why a folder could not be verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// In Chinese.
    pub message: String,
}

/// The checksum lists in `path` (a folder, or one list file), sorted.
pub fn find_lists(path: &Path) -> Result<Vec<PathBuf>, VerifyError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let rd = std::fs::read_dir(path).map_err(|e| VerifyError {
        message: format!("无法读取文件夹“{}”：{e}", path.display()),
    })?;
    let mut lists: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_list(p))
        .collect();
    lists.sort();
    if lists.is_empty() {
        return Err(VerifyError {
            message: format!(
                "“{}”中没有校验清单（*{SUFFIX}）：先用 nianbao build 生成",
                path.display()
            ),
        });
    }
    Ok(lists)
}

fn is_list(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
    name.is_some_and(|n| n.ends_with(SUFFIX) && !n.starts_with('.')) && p.is_file()
}

/// Checks the files a list names, in the list's folder, and looks for files with the list's
/// report name that it does not name.
pub fn verify(list: &Path) -> Result<Verification, VerifyError> {
    let text = std::fs::read_to_string(list).map_err(|e| VerifyError {
        message: format!("无法读取校验清单“{}”：{e}", list.display()),
    })?;
    let parsed = parse(&text).ok_or_else(|| VerifyError {
        message: format!(
            "“{}”不是校验清单（每行应为 64 位十六进制校验值、两个空格和文件名）",
            list.display()
        ),
    })?;
    let dir = list.parent().unwrap_or(Path::new("."));
    let mut files: Vec<(String, FileState)> = parsed
        .files
        .iter()
        .map(|(digest, name)| {
            let state = match std::fs::read(dir.join(name)) {
                Ok(bytes) if sha256_hex(&bytes) == *digest => FileState::Same,
                Ok(_) => FileState::Changed,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileState::Missing,
                Err(e) => FileState::Unreadable(e.to_string()),
            };
            (name.clone(), state)
        })
        .collect();
    let stem = list
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .and_then(|n| n.strip_suffix(SUFFIX).map(|s| format!("{s}.")))
        .unwrap_or_default();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut unlisted: Vec<String> = rd
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&stem) && !n.ends_with(SUFFIX))
            .filter(|n| !parsed.files.iter().any(|(_, f)| f == n))
            .collect();
        unlisted.sort();
        files.extend(unlisted.into_iter().map(|n| (n, FileState::Unlisted)));
    }
    Ok(Verification {
        list: list.to_path_buf(),
        parsed,
        files,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The workbook guard skips reading back only bytes the checksum list records for that
    /// very file name.
    #[test]
    fn a_list_records_only_the_bytes_of_the_file_it_names() {
        let dir = std::env::temp_dir().join(format!("nianbao-ours-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let xlsx = dir.join("报告.xlsx");
        let sums = dir.join("报告.sha256");
        let ours = b"PK workbook as built".to_vec();
        std::fs::write(&xlsx, &ours).unwrap();
        assert!(!records(&sums, &xlsx, &ours), "no list yet");
        let text = list(
            &[("报告.xlsx", &ours), ("报告.pdf", b"%PDF")],
            "x",
            "报告.sha256",
        );
        std::fs::write(&sums, text).unwrap();
        assert!(records(&sums, &xlsx, &ours));
        // Saved again by Excel: other bytes.
        assert!(!records(&sums, &xlsx, b"PK edited in Excel"));
        // The same bytes under another name are not this file's record.
        assert!(!records(&sums, &dir.join("其他.xlsx"), &ours));
        std::fs::write(&sums, "not a checksum list").unwrap();
        assert!(!records(&sums, &xlsx, &ours));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn list_round_trips_and_escapes_like_sha256sum() {
        let text = list(
            &[("甲.pdf", b"one"), ("a\\b\nc.html", b"two")],
            &"0".repeat(64),
            "甲.sha256",
        );
        assert!(text.starts_with(&format!(
            "# nianbao {} sources-sha256 {}\n#",
            env!("CARGO_PKG_VERSION"),
            "0".repeat(64)
        )));
        assert!(text.contains(&format!("\n\\{}  a\\\\b\\nc.html\n", sha256_hex(b"two"))));
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
        assert_eq!(parsed.sources, Some("0".repeat(64)));
        assert_eq!(
            parsed.files,
            [
                (sha256_hex(b"one"), "甲.pdf".to_string()),
                (sha256_hex(b"two"), "a\\b\nc.html".to_string())
            ]
        );
        assert_eq!(parse("not a list\n"), None);
        assert_eq!(parse(&format!("{}  x\n", "g".repeat(64))), None);
    }

    #[test]
    fn relative_names_use_slashes_and_ignore_outside_folders() {
        let dir = Path::new("reports/某局");
        assert_eq!(
            relative_name(&dir.join("text").join("a.md"), dir),
            "text/a.md"
        );
        assert_eq!(
            relative_name(&dir.join("../上年/report.toml"), dir),
            "report.toml"
        );
    }
}
