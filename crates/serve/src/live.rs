//! Live state of the reports open in the browser: one `nianbao_watch::watch::Watch` loop per
//! report (the loop `nianbao watch` runs, building no files), whose every build becomes a new
//! numbered view and preview. Server-sent events tell each page the new number.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nianbao_watch::build::{BuildOptions, FontCache};
use nianbao_watch::watch::{Stopper, Timing, Update, Watch};

use crate::workspace::ReportDir;
use crate::{preview, view};

/// One numbered state of a report.
#[derive(Clone, Default)]
pub struct State {
    /// Increases with every build (0: none yet).
    pub version: u64,
    /// The page's view (JSON text).
    pub view: Arc<String>,
    /// The preview page (HTML).
    pub preview: Arc<String>,
    /// Why the report cannot be watched, if so (message in Chinese).
    pub error: Option<String>,
}

/// A report being watched.
pub struct Live {
    state: Mutex<State>,
    changed: Condvar,
    stopper: Mutex<Option<Stopper>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Live {
    fn publish(&self, update: impl FnOnce(&mut State)) {
        let mut s = lock(&self.state);
        update(&mut s);
        s.version += 1;
        self.changed.notify_all();
    }

    /// The current state.
    pub fn current(&self) -> State {
        lock(&self.state).clone()
    }

    /// Waits until the version is above `seen` (or `timeout` passes); returns the version then.
    pub fn wait_newer(&self, seen: u64, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        let mut s = lock(&self.state);
        while s.version <= seen {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            s = match self.changed.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        s.version
    }
}

/// Every report being watched, by id.
#[derive(Default)]
pub struct Lives {
    map: Mutex<HashMap<String, Arc<Live>>>,
}

impl Lives {
    /// The live state of `dir`, starting its watch loop (and waiting for its first build) the
    /// first time.
    pub fn get(&self, dir: &ReportDir) -> Arc<Live> {
        let live = {
            let mut map = lock(&self.map);
            if let Some(l) = map.get(&dir.id) {
                return l.clone();
            }
            let live = Arc::new(Live {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                stopper: Mutex::new(None),
            });
            map.insert(dir.id.clone(), live.clone());
            live
        };
        let (l, d) = (live.clone(), dir.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("watch {}", dir.id))
            .spawn(move || run(&l, &d));
        if let Err(e) = spawned {
            live.publish(|s| s.error = Some(format!("无法启动文件监视：{e}")));
        }
        live.wait_newer(0, Duration::from_secs(10));
        live
    }

    /// Stops every watch loop.
    pub fn stop_all(&self) {
        for live in lock(&self.map).values() {
            if let Some(s) = lock(&live.stopper).as_ref() {
                s.stop();
            }
        }
    }
}

fn run(live: &Live, dir: &ReportDir) {
    // Check only: the page's 生成文件 writes the outputs.
    let opts = BuildOptions {
        formats: Vec::new(),
        ..BuildOptions::default()
    };
    let mut watch = match Watch::new(&dir.path, opts, Timing::default()) {
        Ok(w) => w,
        Err(e) => {
            live.publish(|s| s.error = Some(e));
            return;
        }
    };
    *lock(&live.stopper) = Some(watch.stopper());
    let mut fonts = FontCache::for_session(None);
    let result = watch.run(&mut fonts, |update| {
        if let Update::Built { report, .. } = update {
            let view = view::view(dir, &report.loaded).to_string();
            let preview = preview::page(&report.loaded);
            live.publish(|s| {
                s.view = Arc::new(view);
                s.preview = Arc::new(preview);
                s.error = None;
            });
        }
    });
    if let Err(e) = result {
        live.publish(|s| s.error = Some(e));
    }
}
