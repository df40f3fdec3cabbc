//! `nianbao watch`: build once, then rebuild whenever one of the report's inputs changes.
//!
//! Design (the decisions are pure functions in [`events`], tested with tables of cases):
//! - Watch the *folders* holding the inputs, non-recursively: rename-style saves (VS Code,
//!   JetBrains, vim) replace the file's inode, and a watch on the file would go deaf.
//! - An event counts when it creates, changes, renames or removes an input (or a folder on
//!   the way to one); reads, editor temp files and our own outputs never count.
//! - A file closed after writing (how an in-place save ends, reported by inotify) starts the
//!   build at once. Other events are batched: a build starts after a quiet period (30 ms:
//!   a rename-over save is several renames, the file missing between them) but at most
//!   300 ms after the first pending change, so continuous writes cannot starve rebuilds.
//! - After every build the set of inputs (and so of watched folders) is recomputed: the
//!   report may now name another last-year report or font.
//! - A folder that starts being watched after the build read it could have changed in
//!   between; such inputs are compared with what the build read, and rebuilt if they differ.
//!
//! Plain notify, not notify-debouncer-full: we only need "some input was touched", and our
//! own batching is small enough to test with an injected clock.

pub mod events;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::build::{build, BuildOptions, BuildReport, FontCache};
use events::{classify, normalize, settles, watch_dirs, Batch, Changes, Interest};

/// How long to wait before building.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Build once no event arrived for this long.
    pub quiet: Duration,
    /// …but never later than this after the first pending change.
    pub max_delay: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            // Long enough to cover one rename-style save (its renames arrive within a few
            // ms), short enough that the whole save → PDF loop stays well under 100 ms.
            // In-place saves do not wait for it (see `events::settles`).
            quiet: Duration::from_millis(30),
            max_delay: Duration::from_millis(300),
        }
    }
}

/// What the loop tells its caller (the CLI prints these; the library never prints).
#[derive(Debug)]
pub enum Update<'a> {
    /// A build finished (successfully or not: see the report).
    Built {
        /// The build.
        report: &'a BuildReport,
        /// What triggered it; empty for the first build.
        cause: &'a Changes,
    },
    /// A problem of the watcher itself (a folder that cannot be watched, an OS event queue
    /// error). The loop goes on. Message in Chinese.
    Warning(String),
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Stops a running [`Watch::run`] after the build in progress, if any, has finished — so no
/// output is left half-replaced. Cheap to clone; usable from a signal handler thread.
#[derive(Clone)]
pub struct Stopper(Sender<Msg>);

impl Stopper {
    /// Asks the loop to stop.
    pub fn stop(&self) {
        // The loop may already be gone; then there is nothing to stop.
        let _ = self.0.send(Msg::Stop);
    }
}

/// The rebuild-on-save loop for one report.
pub struct Watch {
    dir: PathBuf,
    report_file: PathBuf,
    opts: BuildOptions,
    timing: Timing,
    cwd: PathBuf,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    /// Sets up the OS file watcher for the report in `dir` (a folder or its `report.toml`).
    /// Nothing is built or watched until [`Watch::run`].
    pub fn new(dir: &Path, opts: BuildOptions, timing: Timing) -> Result<Self, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("无法取得当前文件夹：{e}"))?;
        let (tx, rx) = channel();
        let fs_tx = tx.clone();
        let watcher = notify::recommended_watcher(move |e| {
            let _ = fs_tx.send(Msg::Fs(e));
        })
        .map_err(|e| format!("无法启动文件监视：{e}"))?;
        // Decided once, like the loader does on every build (a folder, or its report.toml).
        let report_file = if dir.is_file() {
            dir.to_path_buf()
        } else {
            dir.join(nianbao_core::load::REPORT_FILE)
        };
        Ok(Watch {
            dir: dir.to_path_buf(),
            report_file,
            opts,
            timing,
            cwd,
            tx,
            rx,
            watcher,
            watched: BTreeSet::new(),
        })
    }

    /// A handle that stops [`Watch::run`].
    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    /// The folders watched now.
    pub fn watched(&self) -> impl Iterator<Item = &Path> {
        self.watched.iter().map(PathBuf::as_path)
    }

    /// Builds, then rebuilds on every relevant change until stopped. Report errors never end
    /// the loop (they are in the [`BuildReport`]s passed to `on`). `fonts` is reused across
    /// builds and invalidated when a font file named by the report changes.
    pub fn run(
        &mut self,
        fonts: &mut FontCache,
        mut on: impl FnMut(Update<'_>),
    ) -> Result<(), String> {
        let mut batch = Batch::new(self.timing.quiet, self.timing.max_delay);
        let mut cause = Changes::default();
        let mut font_inputs: BTreeSet<PathBuf> = BTreeSet::new();
        // Watched folders whose watch may be dead (the folder itself was removed, renamed or
        // recreated): re-add them after the next build.
        let mut rewatch: BTreeSet<PathBuf> = BTreeSet::new();
        loop {
            if cause.rescan || cause.paths.iter().any(|p| font_inputs.contains(p)) {
                fonts.invalidate();
            }
            let report = build(&self.dir, &self.opts, fonts);
            font_inputs = report
                .loaded
                .fonts
                .iter()
                .map(|(_, p)| self.resolve(p))
                .collect();
            // Each input as read (for comparing) and resolved (as notify spells it). The
            // loader lists report.toml even when it is missing; add it anyway so the loop can
            // never end up watching nothing.
            let inputs: Vec<(PathBuf, PathBuf)> = report
                .loaded
                .inputs
                .iter()
                .chain(
                    (!report.loaded.inputs.contains(&self.report_file))
                        .then_some(&self.report_file),
                )
                .map(|p| (self.resolve(p), p.clone()))
                .collect();
            let interest = Interest::new(inputs.iter().map(|(r, _)| r.clone()));
            let stale = self.sync_watches(&report, &inputs, std::mem::take(&mut rewatch), &mut on);
            // Report only once the watches match the new inputs: whoever reacts to the status
            // line (a person, a test) cannot change a file in a window nobody watches.
            on(Update::Built {
                report: &report,
                cause: &cause,
            });
            if stale {
                batch.add(
                    Instant::now(),
                    Changes {
                        paths: BTreeSet::new(),
                        rescan: true,
                    },
                );
            }
            drop(report);

            // Wait for the next batch to become due.
            loop {
                let now = Instant::now();
                let msg = if batch.due(now) {
                    // Due: first take in what is already queued (saves made during the last
                    // build are one build, not one each; a Stop is not kept waiting behind
                    // them), then build.
                    match self.rx.try_recv() {
                        Ok(msg) => Ok(msg),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => Err(RecvTimeoutError::Disconnected),
                    }
                } else {
                    match batch.deadline() {
                        None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        Some(d) => self.rx.recv_timeout(d.saturating_duration_since(now)),
                    }
                };
                match msg {
                    Ok(Msg::Stop) => return Ok(()),
                    Ok(Msg::Fs(Ok(event))) => {
                        let changes = classify(&event, &interest);
                        if !changes.is_empty() {
                            rewatch.extend(
                                event
                                    .paths
                                    .iter()
                                    .filter(|p| self.watched.contains(*p))
                                    .cloned(),
                            );
                        }
                        let now = Instant::now();
                        batch.add(now, changes);
                        if settles(&event, &interest) {
                            batch.settle(now);
                        }
                    }
                    Ok(Msg::Fs(Err(e))) => {
                        on(Update::Warning(format!("文件监视出错：{e}；将重新生成")));
                        batch.add(
                            Instant::now(),
                            Changes {
                                paths: BTreeSet::new(),
                                rescan: true,
                            },
                        );
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    // We hold a sender ourselves, so this cannot happen; end rather than spin.
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err("文件监视意外中断".into());
                    }
                }
            }
            cause = batch.take();
        }
    }

    /// An absolute, normalized path, with the part that exists resolved through symlinks —
    /// the spelling notify uses for events under a folder we watch by that spelling.
    fn resolve(&self, path: &Path) -> PathBuf {
        let path = normalize(path, &self.cwd);
        let mut existing = path.as_path();
        let mut rest = Vec::new();
        loop {
            if let Ok(canonical) = existing.canonicalize() {
                let mut out = canonical;
                out.extend(rest.iter().rev());
                return out;
            }
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => return path,
            }
        }
    }

    /// Watches the folders of the report's current inputs (dropping ones no longer needed,
    /// re-adding `rewatch`). Returns whether an input in a newly watched folder differs from
    /// what the build read (it changed before the watch was in place).
    fn sync_watches(
        &mut self,
        report: &BuildReport,
        inputs: &[(PathBuf, PathBuf)],
        rewatch: BTreeSet<PathBuf>,
        on: &mut impl FnMut(Update<'_>),
    ) -> bool {
        let resolved: Vec<PathBuf> = inputs.iter().map(|(r, _)| r.clone()).collect();
        let wanted = watch_dirs(&resolved, Path::is_dir);
        for dir in self
            .watched
            .difference(&wanted)
            .cloned()
            .collect::<Vec<_>>()
        {
            // Fails when the folder is gone (its watch went with it): nothing to undo.
            let _ = self.watcher.unwatch(&dir);
            self.watched.remove(&dir);
        }
        let mut added = BTreeSet::new();
        let mut stale = false;
        for dir in &wanted {
            let again = rewatch.contains(dir);
            if self.watched.contains(dir) && !again {
                continue;
            }
            if again {
                let _ = self.watcher.unwatch(dir);
            }
            match self.watcher.watch(dir, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.watched.insert(dir.clone());
                    added.insert(dir.clone());
                }
                Err(e) => {
                    self.watched.remove(dir);
                    if matches!(e.kind, notify::ErrorKind::PathNotFound) {
                        // Removed since we looked: rebuild, which looks again.
                        stale = true;
                    } else {
                        on(Update::Warning(format!(
                            "无法监视文件夹“{}”：{e}",
                            dir.display()
                        )));
                    }
                }
            }
        }
        if added.is_empty() {
            return stale;
        }
        let read: BTreeMap<&Path, &str> = report
            .loaded
            .sources
            .files()
            .map(|(_, f)| (f.path.as_path(), f.text.as_str()))
            .collect();
        let fonts: BTreeSet<&PathBuf> = report.loaded.fonts.iter().map(|(_, p)| p).collect();
        for (resolved, raw) in inputs {
            let in_added = resolved
                .parent()
                .is_some_and(|p| added.iter().any(|a| p.starts_with(a)));
            // Fonts are binary and not kept by the loader; a font replaced in the few
            // microseconds before its folder is watched is not worth a second build.
            if !in_added || fonts.contains(raw) {
                continue;
            }
            let now = read_text(raw);
            if now.as_deref() != read.get(raw.as_path()).copied() {
                stale = true;
            }
        }
        stale
    }
}

/// A file's text as the loader would see it (`None`: missing, unreadable, not a regular file
/// or not text). Through the loader's own read path: a FIFO never blocks the watcher.
fn read_text(path: &Path) -> Option<String> {
    nianbao_core::input::read_text(path, None)
        .ok()
        .map(|d| nianbao_core::source::normalise_line_endings(d.text))
}
