//! `nianbao watch` end to end: the real binary on a copy of examples/demo-county-2024, saved
//! the ways editors save, while another thread opens every output it can see and checks that
//! each one is complete.
//!
//! Only the XLSX exporter exists on this branch; add "docx" and "pdf" to [`FORMATS`] once they
//! do (the validators below already handle them).

#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use calamine::{Data, Reader as _, Xlsx};

/// Formats the test builds (each must be implemented).
const FORMATS: &[&str] = &["docx", "pdf", "xlsx"];
/// Upper bound for one step (a rebuild normally takes tens of milliseconds).
const STEP: Duration = Duration::from_secs(10);
/// The number the test edits: 行政许可 in table 二 of the example.
const LICENSING: &str = "licensing = 9317";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            // A developer's earlier `nianbao build` leaves out/ in the example: not a source.
            if e.file_name() != "out" {
                copy_dir(&e.path(), &to.join(e.file_name()));
            }
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A scratch copy of the 2024 example and its last-year report, side by side.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("nianbao-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["demo-county-2023", "demo-county-2024"] {
            copy_dir(&examples().join(d), &root.join(d));
        }
        Fixture { root }
    }
    fn report(&self) -> PathBuf {
        self.root.join("demo-county-2024/report.toml")
    }
    fn out(&self) -> PathBuf {
        self.root.join("demo-county-2024/out")
    }
    fn original(&self) -> String {
        std::fs::read_to_string(examples().join("demo-county-2024/report.toml")).unwrap()
    }
    fn with_licensing(&self, value: &str) -> String {
        let text = self.original();
        assert!(text.contains(LICENSING));
        text.replacen(LICENSING, &format!("licensing = {value}"), 1)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The running `nianbao watch`, killed when dropped (also when the test panics).
struct Watcher {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Watcher {
    fn start(fx: &Fixture) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .current_dir(&fx.root)
            .args(["watch", "demo-county-2024", "--format", &FORMATS.join(",")])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
        for (pipe, prefix) in [(out, ""), (err, "stderr: ")] {
            let log = log.clone();
            readers.push(thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(format!("{prefix}{line}"));
                }
            }));
        }
        Watcher {
            child,
            log,
            readers,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Status lines printed so far (one per build).
    fn builds(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.iter().filter(|l| l.contains("用时")).cloned().collect()
    }

    fn assert_running(&mut self, step: &str) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("{step}: nianbao watch exited ({status})\n{}", self.log());
        }
    }

    fn wait_until(&mut self, step: &str, mut done: impl FnMut(&Self) -> bool) {
        let start = Instant::now();
        while !done(self) {
            self.assert_running(step);
            assert!(start.elapsed() < STEP, "{step}: timed out\n{}", self.log());
            thread::sleep(Duration::from_millis(5));
        }
        self.assert_running(step);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

/// Checks that `bytes` is a complete file of its format.
fn validate(ext: &str, bytes: &[u8]) -> Result<(), String> {
    match ext {
        "xlsx" => {
            let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
            for name in wb.sheet_names() {
                wb.worksheet_range(&name).map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        "docx" => {
            let mut zip =
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .map_err(|e| e.to_string())?
                .read_to_string(&mut xml)
                .map_err(|e| e.to_string())?;
            Ok(())
        }
        "pdf" => {
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            let eof = tail.windows(5).any(|w| w == b"%%EOF");
            if bytes.starts_with(b"%PDF-") && eof {
                Ok(())
            } else {
                Err("not a complete PDF".into())
            }
        }
        // The checksum list: comments, then `<64 hex>  <name>` lines.
        "sha256" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
            let ok = text.ends_with('\n')
                && !lines.is_empty()
                && lines
                    .iter()
                    .all(|l| l.len() > 66 && l.as_bytes()[..64].iter().all(u8::is_ascii_hexdigit));
            if ok {
                Ok(())
            } else {
                Err("not a complete checksum list".into())
            }
        }
        "html" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            if text.ends_with("</html>\n") || text.ends_with("</div>\n") {
                Ok(())
            } else {
                Err("not a complete HTML file".into())
            }
        }
        other => Err(format!("unexpected output {other}")),
    }
}

/// Opens every output in `out` again and again until stopped; returns how many files it
/// opened and what was wrong with any of them.
fn spawn_validator(out: PathBuf, stop: Arc<AtomicBool>) -> JoinHandle<(usize, Vec<String>)> {
    thread::spawn(move || {
        let (mut opened, mut bad) = (0, Vec::new());
        while !stop.load(Ordering::SeqCst) {
            for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                // `.<name>.<pid>.tmp` are the writer's temp files, not outputs.
                if name.starts_with('.') {
                    continue;
                }
                let ext = name.rsplit('.').next().unwrap_or("").to_string();
                // Replaced by a rename between listing and opening: the next round sees it.
                let Ok(bytes) = std::fs::read(entry.path()) else {
                    continue;
                };
                opened += 1;
                if let Err(e) = validate(&ext, &bytes) {
                    bad.push(format!("{name} ({} bytes): {e}", bytes.len()));
                }
            }
            thread::sleep(Duration::from_millis(2));
        }
        (opened, bad)
    })
}

fn output_path(out: &Path, ext: &str) -> Option<PathBuf> {
    std::fs::read_dir(out)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('.') && name.ends_with(&format!(".{ext}")) && !name.contains("草稿")
        })
}

/// Where 行政许可's number sits in the workbook: the one cell holding 9317 at the start.
fn find_licensing(xlsx: &Path) -> (String, u32, u32) {
    let mut wb: Xlsx<_> = calamine::open_workbook(xlsx).unwrap();
    let mut found = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            if matches!(v, Data::Float(f) if *f == 9317.0) || matches!(v, Data::Int(9317)) {
                let (r0, c0) = range.start().unwrap();
                found.push((name.clone(), r0 + r as u32, c0 + c as u32));
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn read_number(xlsx: &Path, at: &(String, u32, u32)) -> Option<f64> {
    let bytes = std::fs::read(xlsx).ok()?;
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).ok()?;
    let range = wb.worksheet_range(&at.0).ok()?;
    match range.get_value((at.1, at.2))? {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The ways editors save a file.
#[derive(Clone, Copy, Debug)]
enum Save {
    /// Truncate and write the same file (nano, Notepad, VS Code's default).
    InPlace,
    /// Write a temp file, then rename it over the target (JetBrains safe write; VS Code and
    /// many others do the same with other temp names).
    TempRename,
    /// vim with backupcopy=no: probe file 4913, rename the original to `x~`, write a new file.
    VimRename,
    /// Delete the file, then write it anew, with a pause in between that a build can see.
    DeleteRecreate,
}

fn save(style: Save, path: &Path, text: &str) {
    let with = |suffix: &str| {
        let mut name = path.file_name().unwrap().to_os_string();
        name.push(suffix);
        path.with_file_name(name)
    };
    match style {
        Save::InPlace => std::fs::write(path, text).unwrap(),
        Save::TempRename => {
            let (tmp, old) = (with("___jb_tmp___"), with("___jb_old___"));
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(path, &old).unwrap();
            std::fs::rename(&tmp, path).unwrap();
            std::fs::remove_file(&old).unwrap();
        }
        Save::VimRename => {
            let dir = path.parent().unwrap();
            let swap = dir.join(format!(
                ".{}.swp",
                path.file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&swap, b"swap").unwrap();
            std::fs::write(dir.join("4913"), b"").unwrap();
            std::fs::remove_file(dir.join("4913")).unwrap();
            std::fs::rename(path, with("~")).unwrap();
            std::fs::write(path, text).unwrap();
            std::fs::remove_file(with("~")).unwrap();
            std::fs::remove_file(&swap).unwrap();
        }
        Save::DeleteRecreate => {
            std::fs::remove_file(path).unwrap();
            thread::sleep(Duration::from_millis(100));
            std::fs::write(path, text).unwrap();
        }
    }
}

#[test]
fn rebuilds_on_every_kind_of_save_and_never_exposes_a_partial_output() {
    let fx = Fixture::new("watch");
    let mut w = Watcher::start(&fx);
    let out = fx.out();
    // The status line comes after the last rename: wait for both.
    w.wait_until("first build", |w| {
        FORMATS.iter().all(|ext| output_path(&out, ext).is_some()) && !w.builds().is_empty()
    });
    let xlsx = output_path(&out, "xlsx").unwrap();
    let cell = find_licensing(&xlsx);
    let stop = Arc::new(AtomicBool::new(false));
    let validator = spawn_validator(out.clone(), stop.clone());

    // Editor temp files, unrelated files and the output folder trigger nothing.
    let builds = w.builds().len();
    let dir = fx.root.join("demo-county-2024");
    for name in [
        ".report.toml.swp",
        "report.toml~",
        "4913",
        "#opening.md#",
        "notes.txt",
    ] {
        std::fs::write(dir.join(name), b"x").unwrap();
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    std::fs::write(out.join(".scratch.1.tmp"), b"x").unwrap();
    std::fs::remove_file(out.join(".scratch.1.tmp")).unwrap();
    thread::sleep(Duration::from_millis(300));
    assert_eq!(w.builds().len(), builds, "{}", w.log());

    let mut value = 9317;
    let expect = |w: &mut Watcher, step: &str, value: i32| {
        w.wait_until(step, |_| {
            read_number(&xlsx, &cell) == Some(f64::from(value))
        });
    };
    for style in [
        Save::InPlace,
        Save::TempRename,
        Save::VimRename,
        Save::DeleteRecreate,
    ] {
        value += 1;
        save(style, &fx.report(), &fx.with_licensing(&value.to_string()));
        expect(&mut w, &format!("{style:?}"), value);
    }

    // 50 saves in a row, as fast as the file system takes them: the last one wins.
    for _ in 0..50 {
        value += 1;
        save(
            Save::InPlace,
            &fx.report(),
            &fx.with_licensing(&value.to_string()),
        );
    }
    expect(&mut w, "50 rapid saves", value);

    // An error is reported, the last good output stays, the loop goes on; fixing it rebuilds.
    let builds = w.builds().len();
    save(Save::InPlace, &fx.report(), &fx.with_licensing("\"九千\""));
    w.wait_until("error reported", |w| {
        w.builds()[builds..].iter().any(|l| l.contains("1 个错误"))
    });
    assert!(w.log().contains("E-NUMBER"), "{}", w.log());
    assert_eq!(read_number(&xlsx, &cell), Some(f64::from(value)));
    value += 1;
    save(
        Save::TempRename,
        &fx.report(),
        &fx.with_licensing(&value.to_string()),
    );
    expect(&mut w, "error fixed", value);

    // Last year's report vanishes (a warning: cross-year checks skipped) and comes back: the
    // watcher follows the folder that is no longer there and sees it reappear.
    let (last, moved) = (fx.root.join("demo-county-2023"), fx.root.join("moved-2023"));
    let builds = w.builds().len();
    std::fs::rename(&last, &moved).unwrap();
    w.wait_until("last year gone", |w| {
        w.builds()[builds..]
            .iter()
            .any(|l| l.contains("0 个错误，1 个警告"))
    });
    let builds = w.builds().len();
    std::fs::rename(&moved, &last).unwrap();
    w.wait_until("last year back", |w| {
        w.builds()[builds..]
            .iter()
            .any(|l| l.contains("0 个错误，0 个警告"))
    });

    stop.store(true, Ordering::SeqCst);
    let (opened, bad) = validator.join().unwrap();
    assert!(bad.is_empty(), "incomplete outputs seen: {bad:?}");
    assert!(opened > 0);

    // Ctrl-C: stops after the build in progress, exit 0, no temp file left.
    let pid = w.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = w.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < STEP,
            "did not stop on SIGINT\n{}",
            w.log()
        );
        thread::sleep(Duration::from_millis(10));
    };
    for r in w.readers.drain(..) {
        r.join().unwrap();
    }
    assert!(status.success(), "{status}\n{}", w.log());
    assert!(w.log().ends_with("已停止"), "{}", w.log());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    eprintln!(
        "{} builds; the validator opened {opened} outputs",
        w.builds().len()
    );
}

#[test]
fn waits_for_a_missing_report_to_appear() {
    let fx = Fixture::new("watch-missing");
    let dir = fx.root.join("demo-county-2024");
    let parked = fx.root.join("parked-2024");
    std::fs::rename(&dir, &parked).unwrap();
    let mut w = Watcher::start(&fx);
    w.wait_until("waiting message", |w| w.log().contains("等待它出现"));
    std::fs::rename(&parked, &dir).unwrap();
    let out = fx.out();
    w.wait_until("built once it appeared", |_| {
        FORMATS.iter().all(|ext| output_path(&out, ext).is_some())
    });
}

/// Repro 02: a prose file replaced by a FIFO while watching. The rebuild reports E-FILE at
/// once instead of blocking in read(), and the first Ctrl-C stops the watcher.
#[cfg(unix)]
#[test]
fn a_fifo_never_blocks_the_watcher_and_the_first_ctrl_c_stops_it() {
    let fx = Fixture::new("watch-fifo");
    let mut w = Watcher::start(&fx);
    w.wait_until("first build", |w| w.builds().len() == 1);
    let overview = fx.root.join("demo-county-2024/overview.md");
    std::fs::remove_file(&overview).unwrap();
    let made = Command::new("mkfifo").arg(&overview).status().unwrap();
    assert!(made.success());
    w.wait_until("rebuilt with E-FILE", |w| {
        w.builds().len() >= 2 && w.log().contains("不是普通文件")
    });
    let sent = Command::new("kill")
        .args(["-INT", &w.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = w.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < STEP,
            "still running after Ctrl-C\n{}",
            w.log()
        );
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0), "{}", w.log());
}

/// Repro 10: `nianbao watch | head -1`. Once nobody reads stdout the watcher stops quietly
/// after its next build: no panic.
#[test]
fn a_closed_stdout_stops_the_watcher_quietly() {
    let fx = Fixture::new("watch-pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(&fx.root)
        .args(["watch", "demo-county-2024", "--format", "xlsx"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("监视"), "{first}");
    // The reader is gone; the next status lines cannot be written.
    let start = Instant::now();
    let mut n = 0;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < STEP * 3,
            "still running with stdout closed"
        );
        n += 1;
        std::fs::write(fx.report(), fx.with_licensing(&(9000 + n).to_string())).unwrap();
        thread::sleep(Duration::from_millis(200));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}

/// Save → every output replaced, median over N saves, for an in-place save (built at once on
/// the close after writing) and, as the reference in the same run, a rename-over save (which
/// waits out the 30 ms quiet period, as every save did before). Not a test: run with
/// `cargo test --release -p nianbao --test watch -- --ignored --nocapture save_latency`.
#[test]
#[ignore]
fn save_latency() {
    const N: usize = 30;
    let fx = Fixture::new("watch-bench");
    let mut w = Watcher::start(&fx);
    let out = fx.out();
    // The status line comes after the last rename: wait for both.
    w.wait_until("first build", |w| {
        FORMATS.iter().all(|ext| output_path(&out, ext).is_some()) && !w.builds().is_empty()
    });
    let outputs: Vec<PathBuf> = FORMATS
        .iter()
        .map(|ext| output_path(&out, ext).unwrap())
        .collect();
    let stamp = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut value = 10_000;
    for style in [Save::InPlace, Save::TempRename] {
        let mut times = Vec::new();
        for _ in 0..N {
            thread::sleep(Duration::from_millis(150));
            value += 1;
            let before: Vec<_> = outputs.iter().map(stamp).collect();
            let start = Instant::now();
            save(style, &fx.report(), &fx.with_licensing(&value.to_string()));
            while outputs.iter().zip(&before).any(|(p, b)| stamp(p) == *b) {
                assert!(start.elapsed() < STEP, "{}", w.log());
                thread::sleep(Duration::from_micros(200));
            }
            times.push(start.elapsed());
        }
        w.assert_running("bench");
        times.sort();
        println!(
            "{style:?} save → all outputs ({}) replaced, {N} saves: median {:.1} ms, min {:.1} ms, max {:.1} ms",
            FORMATS.join(","),
            ms(times[N / 2]),
            ms(times[0]),
            ms(times[N - 1]),
        );
    }
    let builds = w.builds();
    println!(
        "last status line: {}",
        builds.last().cloned().unwrap_or_default()
    );
}
