//! [`LivePolicy`]: a policy directory that is watched, recompiled off to the side, and swapped
//! in atomically. A change that does not compile never replaces the policy being served.

use crate::diagnostic::Diagnostic;
use crate::policy::{LoadError, Policy};
use arc_swap::ArcSwap;
use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How a watched policy follows its files.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet time after the last file event before recompiling: a checkout or an editor's
    /// write-and-rename produce bursts of events, and one reload follows each burst.
    pub debounce: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(150),
        }
    }
}

/// What happened when the files changed.
#[derive(Debug, Clone)]
pub enum ReloadEvent {
    /// A new policy is being served.
    Reloaded {
        /// The policy now served.
        policy: Policy,
        /// How long reading, checking and compiling took.
        took: Duration,
    },
    /// The files changed but their text is the same as what is served (same digest).
    Unchanged,
    /// The new text does not compile; the previous policy is still served.
    Failed {
        /// Every error and warning.
        diagnostics: Vec<Diagnostic>,
    },
}

/// The last failed reload.
#[derive(Debug, Clone, Serialize)]
pub struct ReloadFailure {
    /// When it failed.
    #[serde(with = "system_time")]
    pub at: SystemTime,
    /// The diagnostics, as JSON.
    pub diagnostics: Vec<crate::diagnostic::JsonDiagnostic>,
    /// The diagnostics rendered for a person (plain text).
    pub rendered: String,
}

mod system_time {
    use serde::Serializer;
    use std::time::SystemTime;

    pub fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        let dt: chrono::DateTime<chrono::Utc> = (*t).into();
        s.serialize_str(&dt.to_rfc3339())
    }
}

struct Shared {
    /// The directory as given (for loading and messages).
    dir: PathBuf,
    /// The same, absolute: what the watcher reports events with.
    abs: PathBuf,
    current: ArcSwap<Policy>,
    loaded_at: Mutex<SystemTime>,
    last_error: Mutex<Option<ReloadFailure>>,
    subscribers: Mutex<Vec<Sender<ReloadEvent>>>,
    reloads: AtomicU64,
    failures: AtomicU64,
    stop: AtomicBool,
}

impl Shared {
    /// Recompiles; swaps the new policy in only when it compiles.
    fn reload(&self) -> ReloadEvent {
        let start = Instant::now();
        let event = match self.read_settled().and_then(Policy::from_sources) {
            Ok(p) if p.digest() == self.current.load().digest() => {
                *self.last_error.lock().expect("lock") = None;
                ReloadEvent::Unchanged
            }
            Ok(p) => {
                self.current.store(Arc::new(p.clone()));
                *self.loaded_at.lock().expect("lock") = SystemTime::now();
                *self.last_error.lock().expect("lock") = None;
                self.reloads.fetch_add(1, Ordering::Relaxed);
                ReloadEvent::Reloaded {
                    policy: p,
                    took: start.elapsed(),
                }
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                let rendered = e
                    .diagnostics
                    .iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
                    .join("\n");
                *self.last_error.lock().expect("lock") = Some(ReloadFailure {
                    at: SystemTime::now(),
                    diagnostics: e.diagnostics.iter().map(|d| d.to_json()).collect(),
                    rendered,
                });
                ReloadEvent::Failed {
                    diagnostics: e.diagnostics,
                }
            }
        };
        self.subscribers
            .lock()
            .expect("lock")
            .retain(|s| s.send(event.clone()).is_ok());
        event
    }

    /// Reads the set's files until two reads a moment apart agree, so a file still being
    /// written in place (truncated, then filled) is never compiled half-written.
    fn read_settled(&self) -> Result<Vec<Arc<funnel_grammar::SourceFile>>, LoadError> {
        let read = || -> Result<Vec<Arc<funnel_grammar::SourceFile>>, LoadError> {
            let sets = crate::PolicyDir::discover(std::slice::from_ref(&self.dir))?;
            let set = sets.into_iter().next().ok_or_else(|| {
                LoadError::from(Diagnostic::error(
                    crate::Code::NoPolicyFiles,
                    "no policy files",
                ))
            })?;
            Ok(set.read()?)
        };
        let mut last = read();
        for _ in 0..50 {
            std::thread::sleep(Duration::from_millis(20));
            let again = read();
            let same = match (&last, &again) {
                (Ok(a), Ok(b)) => {
                    a.len() == b.len()
                        && a.iter()
                            .zip(b)
                            .all(|(x, y)| x.name == y.name && x.text == y.text)
                }
                _ => false,
            };
            if same {
                return again;
            }
            last = again;
        }
        last
    }

    /// The paths to watch: the policy directory, its parent (to see the directory replaced)
    /// and the directories of the scripts the policy uses.
    fn watch_paths(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut paths = vec![(self.abs.clone(), RecursiveMode::Recursive)];
        if let Some(parent) = self.abs.parent() {
            paths.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
        }
        for s in self.scripts() {
            if let Some(d) = s.parent() {
                if !d.starts_with(&self.abs) {
                    paths.push((d.to_path_buf(), RecursiveMode::NonRecursive));
                }
            }
        }
        paths
    }

    /// The absolute paths of the scripts the current policy uses.
    fn scripts(&self) -> Vec<PathBuf> {
        self.current
            .load()
            .checked()
            .scripts
            .iter()
            .map(|s| std::path::absolute(&s.path).unwrap_or_else(|_| s.path.clone()))
            .collect()
    }
}

/// A policy directory that reloads itself when its files change.
///
/// ```no_run
/// let live = funnel_engine::LivePolicy::watch("policies/acme", Default::default()).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap();
/// let decision = live.current().evaluate_json(br#"{"id": "L-1"}"#, at);
/// ```
pub struct LivePolicy {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LivePolicy {
    /// Loads the policy (which must compile) and starts watching its directory.
    pub fn watch(dir: impl AsRef<Path>, options: WatchOptions) -> Result<LivePolicy, LoadError> {
        let dir = dir.as_ref().to_path_buf();
        let policy = Policy::load(&dir)?;
        let abs = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        let shared = Arc::new(Shared {
            dir,
            abs,
            current: ArcSwap::from_pointee(policy),
            loaded_at: Mutex::new(SystemTime::now()),
            last_error: Mutex::new(None),
            subscribers: Mutex::new(Vec::new()),
            reloads: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let tx_keep = tx.clone();
        let mut watcher =
            notify::recommended_watcher(tx).map_err(|e| watch_error(&shared.dir, e))?;
        let mut watched = Vec::new();
        rewatch(&mut watcher, &mut watched, shared.watch_paths());
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("funnel-watch".into())
            .spawn(move || follow(thread_shared, watcher, watched, tx_keep, rx, options))
            .map_err(|e| {
                LoadError::from(Diagnostic::error(
                    crate::Code::Io,
                    format!("cannot start the watcher: {e}"),
                ))
            })?;
        Ok(LivePolicy {
            shared,
            thread: Some(thread),
        })
    }

    /// Like [`LivePolicy::watch`], but waits for the files to compile: each failed attempt is
    /// passed to `on_error`, and the next file change tries again (for `funnel watch`, which
    /// may start on a broken policy).
    pub fn watch_until_valid(
        dir: impl AsRef<Path>,
        options: WatchOptions,
        mut on_error: impl FnMut(&LoadError),
    ) -> Result<LivePolicy, LoadError> {
        let dir = dir.as_ref().to_path_buf();
        let abs = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(&dir, e))?;
        watcher
            .watch(&abs, RecursiveMode::Recursive)
            .map_err(|e| watch_error(&dir, e))?;
        loop {
            match LivePolicy::watch(&dir, options.clone()) {
                Ok(live) => return Ok(live),
                Err(e) => on_error(&e),
            }
            // Wait for a change, then for the burst to settle.
            let _event = rx
                .recv()
                .map_err(|_| watch_error(&dir, notify::Error::generic("the watcher stopped")))?;
            while rx.recv_timeout(options.debounce).is_ok() {}
        }
    }

    /// The policy being served: always one that compiled.
    pub fn current(&self) -> Arc<Policy> {
        self.shared.current.load_full()
    }

    /// When the current policy was loaded.
    pub fn loaded_at(&self) -> SystemTime {
        *self.shared.loaded_at.lock().expect("lock")
    }

    /// The last reload's failure, until a later reload succeeds.
    pub fn last_error(&self) -> Option<ReloadFailure> {
        self.shared.last_error.lock().expect("lock").clone()
    }

    /// Successful reloads and failed ones since the start.
    pub fn reload_counts(&self) -> (u64, u64) {
        (
            self.shared.reloads.load(Ordering::Relaxed),
            self.shared.failures.load(Ordering::Relaxed),
        )
    }

    /// A stream of reload events from now on.
    pub fn subscribe(&self) -> Receiver<ReloadEvent> {
        let (tx, rx) = mpsc::channel();
        self.shared.subscribers.lock().expect("lock").push(tx);
        rx
    }

    /// Recompiles now, without waiting for a file event.
    pub fn reload(&self) -> ReloadEvent {
        self.shared.reload()
    }

    /// The watched directory.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }
}

impl Drop for LivePolicy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn watch_error(dir: &Path, e: notify::Error) -> LoadError {
    Diagnostic::error(
        crate::Code::Io,
        format!("cannot watch {}: {e}", dir.display()),
    )
    .into()
}

/// Points the watcher at `paths` (the directory may have been replaced since last time).
fn rewatch(
    watcher: &mut notify::RecommendedWatcher,
    watched: &mut Vec<PathBuf>,
    paths: Vec<(PathBuf, RecursiveMode)>,
) {
    for p in watched.drain(..) {
        let _ = watcher.unwatch(&p);
    }
    for (p, mode) in paths {
        if watcher.watch(&p, mode).is_ok() {
            watched.push(p);
        }
    }
}

/// Whether an event can change the policy: anything under the directory, the directory
/// itself (replaced or renamed), or a script.
fn relevant(shared: &Shared, event: &notify::Event) -> bool {
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return false;
    }
    let scripts = shared.scripts();
    event
        .paths
        .iter()
        .any(|p| p.starts_with(&shared.abs) || scripts.iter().any(|s| s == p))
}

/// The watcher thread: waits for a burst of events to settle, then reloads once.
fn follow(
    shared: Arc<Shared>,
    mut watcher: notify::RecommendedWatcher,
    mut watched: Vec<PathBuf>,
    tx: Sender<notify::Result<notify::Event>>,
    rx: Receiver<notify::Result<notify::Event>>,
    options: WatchOptions,
) {
    let tick = Duration::from_millis(50);
    let mut seen = identity(&shared);
    let mut last_look = Instant::now();
    let mut last_files = fingerprint(&shared);
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let first = match rx.recv_timeout(tick) {
            Ok(Ok(e)) => e,
            Ok(Err(_)) => continue,
            Err(RecvTimeoutError::Timeout) => {
                // Events about a replaced directory can race with its replacement; a cheap
                // look once a second catches a directory that changed under the watches.
                // The same look compares the files' sizes and times, so an event the
                // watcher lost is caught too.
                if last_look.elapsed() >= Duration::from_secs(1) {
                    last_look = Instant::now();
                    let now = identity(&shared);
                    let files = fingerprint(&shared);
                    if now != seen {
                        renew(&shared, &mut watcher, &mut watched, &tx);
                        seen = now;
                        shared.reload();
                    } else if files != last_files {
                        shared.reload();
                    }
                    last_files = fingerprint(&shared);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if !relevant(&shared, &first) {
            continue;
        }
        // Settle: keep draining until no event arrives for the debounce time.
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < options.debounce {
            match rx.recv_timeout(
                options
                    .debounce
                    .saturating_sub(quiet_since.elapsed())
                    .max(Duration::from_millis(1)),
            ) {
                Ok(_) => quiet_since = Instant::now(),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        shared.reload();
        // The directory may have been replaced, or the scripts changed: watch anew. Changing
        // watches opens a moment when events are lost, so this happens only when needed, and
        // a reload after it picks up anything written meanwhile.
        let now = identity(&shared);
        if now != seen {
            renew(&shared, &mut watcher, &mut watched, &tx);
            seen = now;
            shared.reload();
        }
        last_files = fingerprint(&shared);
    }
}

/// Names, sizes and modification times of the policy's files and scripts.
fn fingerprint(shared: &Shared) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&shared.abs)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.extend(shared.scripts());
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let len = m.as_ref().map_or(0, |m| m.len());
            let modified = m.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

/// Starts a fresh watcher on the current paths: a watcher that saw its directory replaced
/// may keep watching the old one.
fn renew(
    shared: &Shared,
    watcher: &mut notify::RecommendedWatcher,
    watched: &mut Vec<PathBuf>,
    tx: &Sender<notify::Result<notify::Event>>,
) {
    if let Ok(fresh) = notify::recommended_watcher(tx.clone()) {
        *watcher = fresh;
        watched.clear();
    }
    rewatch(watcher, watched, shared.watch_paths());
}

/// What the watches depend on: the paths, and which directory (by inode) the policy path
/// names now.
fn identity(shared: &Shared) -> (Vec<PathBuf>, Option<u64>) {
    let paths = shared.watch_paths().into_iter().map(|(p, _)| p).collect();
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(&shared.abs).ok().map(|m| m.ino())
    };
    #[cfg(not(unix))]
    let inode = None;
    (paths, inode)
}
