//! The watch loop's decisions as pure functions: which paths are editor temp files, which
//! folders to watch for a set of inputs, which file-system events mean "rebuild", and when a
//! batch of events is due. No I/O here (existence is passed in), so each is tested with a
//! table of cases.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::Event;

/// Whether `path` names an editor's temporary, backup or lock file, or a temp file of our own
/// writer. Saving with such an editor touches these files too; they never trigger a build.
pub fn is_temp_file(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    let name: &str = &name;
    let lower = name.to_ascii_lowercase();
    // vim swap files: `.x.swp`, then `.swo`, `.swn`, … when one exists; `.swx`/`.swpx` are
    // probes vim writes while creating them.
    let vim_swap = lower.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (ext == "swpx"
                || (ext.len() == 3
                    && ext.starts_with("sw")
                    && ext.as_bytes()[2].is_ascii_lowercase()))
    });
    // vim checks that it may create files in a folder by writing `4913` (then 5036, 5159, …
    // in steps of 123 while the name is taken) before a rename-and-rewrite save.
    let vim_probe = name.len() >= 4
        && name.bytes().all(|b| b.is_ascii_digit())
        && name
            .parse::<u64>()
            .is_ok_and(|n| n >= 4913 && (n - 4913) % 123 == 0);
    vim_swap
        || vim_probe
        || name.ends_with('~') // vim, emacs, gedit backups: `x~`
        || name.starts_with("~$") // Word/Excel/WPS lock files
        || name.starts_with(".#") // emacs lock links
        || (name.len() >= 2 && name.starts_with('#') && name.ends_with('#')) // emacs autosave
        || name.ends_with("___jb_tmp___") // JetBrains safe write
        || name.ends_with("___jb_old___")
        || name.starts_with(".goutputstream-") // GNOME (gedit) safe write
        || lower.ends_with(".tmp") // ours (`.<name>.<pid>-<n>.tmp`), Office's `~WRL0001.tmp`, …
}

/// Makes `path` absolute against `cwd` and removes `.` and `..` components lexically.
///
/// Paths from the report (`last_year = "../demo-2023"`) and the paths notify reports must be
/// compared in one spelling.
pub fn normalize(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `/..` is `/`: popping the root is a no-op for PathBuf.
                if out.file_name().is_some() {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The folders to watch (non-recursively) for `inputs` (absolute, normalized paths): each
/// input's folder, or — when that folder does not exist yet — its nearest existing ancestor,
/// so that creating the folder is seen too.
///
/// Folders, not files: rename-style saves replace the file, and a watch on the old file would
/// see nothing after the first save.
pub fn watch_dirs(inputs: &[PathBuf], exists: impl Fn(&Path) -> bool) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    for input in inputs {
        let mut dir = input.parent();
        while let Some(d) = dir {
            if exists(d) {
                dirs.insert(d.to_path_buf());
                break;
            }
            dir = d.parent();
        }
    }
    dirs
}

/// Whether an event of this kind can mean that a file's content or presence changed.
///
/// Reads (`Access`, including notify 8's open events, closes after reading and access-time
/// updates) do not count: our own build reads every input, and counting those would rebuild
/// forever. A close after writing counts: it is how an in-place save ends (see [`settles`]).
pub fn kind_counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(AccessKind::Any | AccessKind::Read)
        | EventKind::Access(AccessKind::Open(_) | AccessKind::Close(_) | AccessKind::Other) => {
            false
        }
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_) | EventKind::Any => true,
        // Backend-specific; only meaningful with a rescan flag, handled in `classify`.
        EventKind::Other => false,
    }
}

/// The paths whose changes matter: the report's inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    inputs: BTreeSet<PathBuf>,
}

impl Interest {
    /// Interest in these (absolute, normalized) input paths.
    pub fn new(inputs: impl IntoIterator<Item = PathBuf>) -> Self {
        Interest {
            inputs: inputs.into_iter().collect(),
        }
    }

    /// The inputs.
    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        self.inputs.iter().map(PathBuf::as_path)
    }

    /// Whether a change at `path` can change the build: `path` is an input, or a folder on
    /// the way to one (creating, removing or renaming it makes inputs appear or vanish).
    /// Editor temp files never match. Outputs never match: they are not inputs (and the
    /// output folder is no input's ancestor unless the report lives inside it).
    pub fn matches(&self, path: &Path) -> bool {
        if is_temp_file(path) {
            return false;
        }
        // Inputs sort right after their ancestors, so one range scan finds both cases.
        self.inputs
            .range(path.to_path_buf()..)
            .next()
            .is_some_and(|first| first.starts_with(path))
    }
}

/// What an event or a batch of events asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Inputs (or folders of inputs) that changed.
    pub paths: BTreeSet<PathBuf>,
    /// The watcher may have missed events (queue overflow, watcher error, a folder that was
    /// re-watched): rebuild and reload everything.
    pub rescan: bool,
}

impl Changes {
    /// Whether nothing asks for a build.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: Changes) {
        self.paths.extend(other.paths);
        self.rescan |= other.rescan;
    }
}

/// What one notify event asks for (empty: ignore it).
pub fn classify(event: &Event, interest: &Interest) -> Changes {
    let rescan = event.need_rescan();
    if !rescan && !kind_counts(&event.kind) {
        return Changes::default();
    }
    Changes {
        paths: event
            .paths
            .iter()
            .filter(|p| interest.matches(p))
            .cloned()
            .collect(),
        rescan,
    }
}

/// Whether the event closes an input that was open for writing: the writer is done with it,
/// so its content is complete and a build can start at once, without a quiet period.
///
/// An in-place save (nano, Notepad, VS Code, `std::fs::write`, vim with `backupcopy=yes`, and
/// vim's rename-then-write save, whose last step writes the file anew) ends with exactly this
/// event. Renames and removals have no such end marker (a rename-over save is two renames,
/// and the file is missing between them), so they keep the quiet period. Only Linux (inotify)
/// reports closes; on Windows and macOS every change waits out the quiet period.
pub fn settles(event: &Event, interest: &Interest) -> bool {
    matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
    ) && event.paths.iter().any(|p| interest.matches(p))
}

/// Collects changes until the file system has been quiet for `quiet`, but never holds a change
/// longer than `max_delay` (an editor or a sync tool writing continuously must not starve
/// rebuilds). A batch that [`Batch::settle`]d is due at once. The clock is passed in.
#[derive(Debug)]
pub struct Batch {
    quiet: Duration,
    max_delay: Duration,
    first: Option<Instant>,
    last: Option<Instant>,
    settled: Option<Instant>,
    changes: Changes,
}

impl Batch {
    /// An empty batch.
    pub fn new(quiet: Duration, max_delay: Duration) -> Self {
        Batch {
            quiet,
            max_delay,
            first: None,
            last: None,
            settled: None,
            changes: Changes::default(),
        }
    }

    /// Records `changes` seen at `now` (empty changes are ignored: they must not delay a build).
    pub fn add(&mut self, now: Instant, changes: Changes) {
        if changes.is_empty() {
            return;
        }
        self.first.get_or_insert(now);
        self.last = Some(now);
        self.changes.merge(changes);
    }

    /// Makes a pending batch due at `now`: an input was closed after writing ([`settles`]).
    /// Nothing pending: nothing to do (the change that closed it was recorded with
    /// [`Batch::add`] first).
    pub fn settle(&mut self, now: Instant) {
        if self.first.is_some() {
            self.settled.get_or_insert(now);
        }
    }

    /// When the batch is due, if anything is pending.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        let timed = (last + self.quiet).min(first + self.max_delay);
        Some(self.settled.map_or(timed, |s| s.min(timed)))
    }

    /// Whether the batch should be built at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|d| now >= d)
    }

    /// Takes the pending changes and starts a new batch.
    pub fn take(&mut self) -> Changes {
        self.first = None;
        self.last = None;
        self.settled = None;
        std::mem::take(&mut self.changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::Flag;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn temp_file_patterns() {
        let cases = [
            // (name, is temp)
            ("report.toml", false),
            ("opening.md", false),
            ("fonts.otf", false),
            ("out", false),
            ("青禾县人民政府2024年政府信息公开工作年度报告.xlsx", false),
            ("2024.md", false),
            ("4912", false),
            ("5000", false),
            (".report.toml.swp", true),
            (".report.toml.swx", true),
            (".report.toml.swo", true),
            (".report.toml.swpx", true),
            ("%home%u%r%report.toml.swp", true),
            ("report.toml~", true),
            ("4913", true),
            ("5036", true),
            ("5159", true),
            ("~$报告.docx", true),
            ("~$opening.md", true),
            (".#report.toml", true),
            ("#report.toml#", true),
            ("#", false),
            ("##", true),
            ("report.toml___jb_tmp___", true),
            ("report.toml___jb_old___", true),
            (".goutputstream-AB12CD", true),
            (".报告.xlsx.12345.tmp", true),
            ("~WRL0001.TMP", true),
            (".report.toml", false),
            (".swp", false),
        ];
        for (name, temp) in cases {
            let p = Path::new("/r").join(name);
            assert_eq!(is_temp_file(&p), temp, "{name}");
        }
        assert!(!is_temp_file(Path::new("/")));
    }

    #[test]
    fn normalizes_lexically() {
        let cwd = Path::new("/home/u/work");
        let cases = [
            ("report.toml", "/home/u/work/report.toml"),
            ("./demo/./report.toml", "/home/u/work/demo/report.toml"),
            (
                "demo/../demo-2023/report.toml",
                "/home/u/work/demo-2023/report.toml",
            ),
            ("../../../../x", "/x"),
            ("/abs/./a/../b", "/abs/b"),
            (".", "/home/u/work"),
        ];
        for (input, want) in cases {
            assert_eq!(
                normalize(Path::new(input), cwd),
                PathBuf::from(want),
                "{input}"
            );
        }
    }

    #[test]
    fn watches_folders_of_inputs_or_nearest_existing_ancestor() {
        let existing = ["/", "/w", "/w/demo-2024", "/w/demo-2024/fonts", "/w/other"];
        let exists = |p: &Path| existing.iter().any(|e| Path::new(e) == p);
        let cases: &[(&[&str], &[&str])] = &[
            // (inputs, watched folders)
            (&[], &[]),
            (
                &["/w/demo-2024/report.toml", "/w/demo-2024/opening.md"],
                &["/w/demo-2024"],
            ),
            // A missing file in an existing folder: watch the folder (it may appear).
            (&["/w/demo-2024/missing.md"], &["/w/demo-2024"]),
            // Last year's folder does not exist yet: watch where it would be created.
            (
                &["/w/demo-2024/report.toml", "/w/demo-2023/report.toml"],
                &["/w", "/w/demo-2024"],
            ),
            (&["/w/a/b/c/report.toml"], &["/w"]),
            // Fonts in a subfolder.
            (
                &["/w/demo-2024/report.toml", "/w/demo-2024/fonts/fang.otf"],
                &["/w/demo-2024", "/w/demo-2024/fonts"],
            ),
            // The report folder itself is missing.
            (&["/gone/report.toml"], &["/"]),
        ];
        for (inputs, want) in cases {
            let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
            let got = watch_dirs(&inputs, exists);
            let want: BTreeSet<PathBuf> = want.iter().map(PathBuf::from).collect();
            assert_eq!(got, want, "{inputs:?}");
        }
    }

    fn interest() -> Interest {
        Interest::new(
            [
                "/w/demo-2024/report.toml",
                "/w/demo-2024/opening.md",
                "/w/demo-2023/report.toml",
                "/w/demo-2024/fonts/fang.otf",
            ]
            .map(PathBuf::from),
        )
    }

    #[test]
    fn matches_inputs_and_their_folders_only() {
        let i = interest();
        let cases = [
            ("/w/demo-2024/report.toml", true),
            ("/w/demo-2024/opening.md", true),
            ("/w/demo-2023/report.toml", true),
            ("/w/demo-2024/fonts/fang.otf", true),
            // Folders on the way to an input (created, removed, renamed).
            ("/w/demo-2023", true),
            ("/w/demo-2024/fonts", true),
            ("/w", true),
            // Not inputs.
            ("/w/demo-2024/overview.md", false),
            ("/w/demo-2024/report.toml.bak", false),
            ("/w/demo-2024/report", false),
            ("/w/demo-202", false),
            ("/w/demo-2024/out", false),
            (
                "/w/demo-2024/out/青禾县人民政府2024年政府信息公开工作年度报告.xlsx",
                false,
            ),
            ("/w/demo-2024/out/.青禾县.xlsx.77.tmp", false),
            // Editor files next to inputs.
            ("/w/demo-2024/.report.toml.swp", false),
            ("/w/demo-2024/report.toml~", false),
            ("/w/demo-2024/4913", false),
            ("/w/demo-2024/report.toml___jb_tmp___", false),
            ("/w/demo-2024/#opening.md#", false),
        ];
        for (path, want) in cases {
            assert_eq!(i.matches(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn kinds_that_count() {
        let cases = [
            (EventKind::Access(AccessKind::Open(AccessMode::Any)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                false,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                true,
            ),
            (EventKind::Access(AccessKind::Read), false),
            (EventKind::Access(AccessKind::Any), false),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                false,
            ),
            (EventKind::Other, false),
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Create(CreateKind::Folder), true),
            (EventKind::Remove(RemoveKind::File), true),
            (EventKind::Remove(RemoveKind::Folder), true),
            (EventKind::Modify(ModifyKind::Data(DataChange::Any)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::From)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::To)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                true,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
                true,
            ),
            (EventKind::Modify(ModifyKind::Any), true),
            (EventKind::Any, true),
        ];
        for (kind, want) in cases {
            assert_eq!(kind_counts(&kind), want, "{kind:?}");
        }
    }

    /// Event kinds × paths, as the inotify backend reports each way of saving.
    #[test]
    fn classifies_events_of_every_save_style() {
        let i = interest();
        let r = "/w/demo-2024/report.toml";
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let create = EventKind::Create(CreateKind::File);
        let remove = EventKind::Remove(RemoveKind::File);
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let close_w = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let cases: Vec<(EventKind, Vec<&str>, Vec<&str>)> = vec![
            // (kind, event paths, paths that count)
            // In-place write.
            (open, vec![r], vec![]),
            (data, vec![r], vec![r]),
            (close_w, vec![r], vec![r]),
            // Write to temp + rename over (VS Code, JetBrains).
            (create, vec!["/w/demo-2024/report.toml___jb_tmp___"], vec![]),
            (data, vec!["/w/demo-2024/report.toml___jb_tmp___"], vec![]),
            (from, vec![r], vec![r]),
            (to, vec!["/w/demo-2024/report.toml___jb_old___"], vec![]),
            (from, vec!["/w/demo-2024/report.toml___jb_tmp___"], vec![]),
            (to, vec![r], vec![r]),
            (
                both,
                vec!["/w/demo-2024/report.toml___jb_tmp___", r],
                vec![r],
            ),
            (remove, vec!["/w/demo-2024/report.toml___jb_old___"], vec![]),
            // vim with backupcopy=no: probe file, rename to backup, write anew.
            (create, vec!["/w/demo-2024/4913"], vec![]),
            (remove, vec!["/w/demo-2024/4913"], vec![]),
            (both, vec![r, "/w/demo-2024/report.toml~"], vec![r]),
            (create, vec![r], vec![r]),
            (remove, vec!["/w/demo-2024/report.toml~"], vec![]),
            (data, vec!["/w/demo-2024/.report.toml.swp"], vec![]),
            // Delete + recreate.
            (remove, vec![r], vec![r]),
            (create, vec![r], vec![r]),
            // Last year's folder appears.
            (
                EventKind::Create(CreateKind::Folder),
                vec!["/w/demo-2023"],
                vec!["/w/demo-2023"],
            ),
            // Our own outputs.
            (create, vec!["/w/demo-2024/out/.报告.xlsx.42.tmp"], vec![]),
            (
                both,
                vec![
                    "/w/demo-2024/out/.报告.xlsx.42.tmp",
                    "/w/demo-2024/out/报告.xlsx",
                ],
                vec![],
            ),
        ];
        for (kind, paths, want) in cases {
            let mut e = Event::new(kind);
            for p in &paths {
                e = e.add_path(PathBuf::from(p));
            }
            let got = classify(&e, &i);
            let want: BTreeSet<PathBuf> = want.iter().map(PathBuf::from).collect();
            assert_eq!(got.paths, want, "{kind:?} {paths:?}");
            assert!(!got.rescan);
        }
        // A queue overflow asks for a rebuild whatever its kind and paths.
        let overflow = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        let got = classify(&overflow, &i);
        assert!(got.rescan && !got.is_empty());
    }

    #[test]
    fn batches_with_quiet_period_and_max_delay() {
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        let at = |n: u64| t0 + ms(n);
        let change = |p: &str| Changes {
            paths: [PathBuf::from(p)].into(),
            rescan: false,
        };
        // (event times, time checked, due?)
        let cases: &[(&[u64], u64, bool)] = &[
            (&[], 1000, false),
            (&[0], 29, false),
            (&[0], 30, true),
            (&[0, 20], 45, false),
            (&[0, 20], 50, true),
            // A storm every 10 ms: the quiet period never passes, the cap fires at 300 ms.
            (
                &[0, 10, 20, 30, 40, 50, 100, 150, 200, 250, 290],
                299,
                false,
            ),
            (&[0, 10, 20, 30, 40, 50, 100, 150, 200, 250, 290], 300, true),
            (&[0, 290, 295], 300, true),
        ];
        for (events, now, want) in cases {
            let mut b = Batch::new(ms(30), ms(300));
            for &t in *events {
                b.add(at(t), change("/w/r.toml"));
            }
            assert_eq!(b.due(at(*now)), *want, "{events:?} at {now}");
        }

        // Empty changes neither start nor extend a batch.
        let mut b = Batch::new(ms(30), ms(300));
        b.add(at(0), Changes::default());
        assert_eq!(b.deadline(), None);
        b.add(at(0), change("/w/a"));
        b.add(at(20), Changes::default());
        assert_eq!(b.deadline(), Some(at(30)));
        b.add(at(10), change("/w/b"));
        assert_eq!(b.deadline(), Some(at(40)));
        let taken = b.take();
        assert_eq!(taken.paths.len(), 2);
        assert_eq!(b.deadline(), None);
        assert!(!b.due(at(10_000)));
        // The next batch starts its own clock.
        b.add(at(500), change("/w/a"));
        assert_eq!(b.deadline(), Some(at(530)));
    }

    /// Each save style's events as inotify reports them, fed to a batch at 1 ms steps: when
    /// is the batch due? A close after writing an input ends the wait; renames and removals
    /// wait out the quiet period (30 ms after the last event that counts).
    #[test]
    fn close_after_write_builds_at_once_renames_wait_for_quiet() {
        let i = interest();
        let r = "/w/demo-2024/report.toml";
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let create = EventKind::Create(CreateKind::File);
        let remove = EventKind::Remove(RemoveKind::File);
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let close_w = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let close_r = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let tmp = "/w/demo-2024/report.toml___jb_tmp___";
        let old = "/w/demo-2024/report.toml___jb_old___";
        let backup = "/w/demo-2024/report.toml~";
        type Events<'a> = Vec<(EventKind, Vec<&'a str>)>;
        // (save, events, due this many ms after the first event; None: nothing to build)
        let cases: Vec<(&str, Events, Option<u64>)> = vec![
            (
                "in place",
                vec![(open, vec![r]), (data, vec![r]), (close_w, vec![r])],
                Some(2),
            ),
            (
                "in place, two writes",
                vec![(data, vec![r]), (data, vec![r]), (close_w, vec![r])],
                Some(2),
            ),
            (
                "rename over (JetBrains)",
                vec![
                    (create, vec![tmp]),
                    (data, vec![tmp]),
                    (close_w, vec![tmp]),
                    (from, vec![r]),
                    (to, vec![old]),
                    (both, vec![tmp, r]),
                    (remove, vec![old]),
                ],
                Some(5 + 30),
            ),
            (
                "vim rename, then write anew",
                vec![
                    (create, vec!["/w/demo-2024/4913"]),
                    (remove, vec!["/w/demo-2024/4913"]),
                    (both, vec![r, backup]),
                    (create, vec![r]),
                    (data, vec![r]),
                    (close_w, vec![r]),
                    (remove, vec![backup]),
                ],
                Some(5),
            ),
            ("delete", vec![(remove, vec![r])], Some(30)),
            // Our own build reads the inputs; an editor writes its swap file.
            (
                "reads and temp files",
                vec![
                    (open, vec![r]),
                    (close_r, vec![r]),
                    (data, vec!["/w/demo-2024/.report.toml.swp"]),
                    (close_w, vec!["/w/demo-2024/.report.toml.swp"]),
                ],
                None,
            ),
        ];
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        for (save, events, want) in cases {
            let mut b = Batch::new(ms(30), ms(300));
            for (n, (kind, paths)) in events.into_iter().enumerate() {
                let mut e = Event::new(kind);
                for p in paths {
                    e = e.add_path(PathBuf::from(p));
                }
                let now = t0 + ms(n as u64);
                b.add(now, classify(&e, &i));
                if settles(&e, &i) {
                    b.settle(now);
                }
            }
            assert_eq!(b.deadline(), want.map(|w| t0 + ms(w)), "{save}");
        }

        // Settling an empty batch does nothing; a settled batch's next one waits again.
        let mut b = Batch::new(ms(30), ms(300));
        b.settle(t0);
        assert_eq!(b.deadline(), None);
        let change = Changes {
            paths: [PathBuf::from(r)].into(),
            rescan: false,
        };
        b.add(t0, change.clone());
        b.settle(t0 + ms(1));
        b.add(t0 + ms(2), change.clone());
        assert!(b.due(t0 + ms(1)));
        b.take();
        b.add(t0 + ms(10), change);
        assert_eq!(b.deadline(), Some(t0 + ms(40)));
    }
}
