//! [`LivePolicy`]: a policy directory that is watched, recompiled off to the side, and swapped
//! in atomically. A change that does not compile never replaces the policy being served.

use crate::diagnostic::Diagnostic;
use crate::guard::catch;
use crate::policy::{LoadError, Policy};
use arc_swap::ArcSwap;
use funnel_locale::t;
use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// How a watched policy follows its files.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet time after the last event on a policy file before recompiling: a checkout or an
    /// editor's write-and-rename produce bursts of events, and one reload follows each burst.
    pub debounce: Duration,
    /// The longest wait from the first event of a burst to the reload, however the events
    /// keep coming: edits every few milliseconds must not hold the reload back forever.
    pub max_wait: Duration,
    /// How often the files' names, sizes and times are compared as well, to catch an event
    /// the operating system dropped.
    pub poll: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(40),
            max_wait: Duration::from_millis(200),
            poll: Duration::from_secs(1),
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
    /// The absolute paths of the scripts the current policy uses, kept beside it: every file
    /// event is compared with them.
    scripts: Mutex<Vec<PathBuf>>,
    loaded_at: Mutex<SystemTime>,
    last_error: Mutex<Option<ReloadFailure>>,
    subscribers: Mutex<Vec<Sender<ReloadEvent>>>,
    reloads: AtomicU64,
    failures: AtomicU64,
    stop: AtomicBool,
}

/// Locks, even when a thread panicked while holding the lock: every value kept under these
/// locks is whole at all times (each is replaced in one assignment), and the watcher must go
/// on after a panic.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f`; a panic in it becomes a diagnostic saying what was being done.
fn guarded<T>(doing: &str, f: impl FnOnce() -> Result<T, LoadError>) -> Result<T, LoadError> {
    catch(f).unwrap_or_else(|message| Err(panicked(doing, &message).into()))
}

/// A panic's message as an `internal` diagnostic.
fn panicked(doing: &str, message: &str) -> Diagnostic {
    Diagnostic::error(
        crate::Code::Internal,
        t!(
            "common-funnel-failed-while",
            doing = doing,
            message = message
        ),
    )
    .help(t!("common-policy-served-unchanged-next-help"))
}

impl Shared {
    /// The state of a directory whose policy was just loaded.
    fn new(dir: PathBuf, abs: PathBuf, policy: Policy) -> Shared {
        Shared {
            dir,
            abs,
            scripts: Mutex::new(scripts_of(&policy)),
            current: ArcSwap::from_pointee(policy),
            loaded_at: Mutex::new(SystemTime::now()),
            last_error: Mutex::new(None),
            subscribers: Mutex::new(Vec::new()),
            reloads: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        }
    }

    /// Recompiles; swaps the new policy in only when it compiles.
    fn reload(&self) -> ReloadEvent {
        self.reload_with(|| self.read_settled().and_then(Policy::from_sources))
    }

    /// Runs `load` and serves the policy it gives. Whatever goes wrong in it, a panic
    /// included, is a failed reload that keeps the policy served: no edit may stop the
    /// watcher.
    fn reload_with(&self, load: impl FnOnce() -> Result<Policy, LoadError>) -> ReloadEvent {
        let start = Instant::now();
        let event = match guarded(&t!("reload-reading-checking-policy"), load) {
            Ok(p) if p.digest() == self.current.load().digest() => {
                *lock(&self.last_error) = None;
                ReloadEvent::Unchanged
            }
            Ok(p) => {
                *lock(&self.scripts) = scripts_of(&p);
                // The count and the time first: whoever sees the new policy (the store
                // publishes what came before it) also sees the reload that brought it.
                self.reloads.fetch_add(1, Ordering::Relaxed);
                *lock(&self.loaded_at) = SystemTime::now();
                *lock(&self.last_error) = None;
                self.current.store(Arc::new(p.clone()));
                ReloadEvent::Reloaded {
                    policy: p,
                    took: start.elapsed(),
                }
            }
            Err(e) => self.fail(e.diagnostics),
        };
        self.publish(&event);
        event
    }

    /// Records a failed reload (shown by [`LivePolicy::last_error`]) and returns its event.
    fn fail(&self, diagnostics: Vec<Diagnostic>) -> ReloadEvent {
        self.failures.fetch_add(1, Ordering::Relaxed);
        // Rendering is guarded too: a diagnostic that cannot be drawn must still be reported.
        let shown = catch(|| {
            let json = diagnostics.iter().map(|d| d.to_json()).collect();
            let rendered = diagnostics
                .iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
                .join("\n");
            (json, rendered)
        });
        let (diagnostics_json, rendered) = shown.unwrap_or_else(|_| {
            let json = diagnostics
                .iter()
                .map(|d| crate::diagnostic::JsonDiagnostic {
                    file: None,
                    line: None,
                    column: None,
                    end_line: None,
                    end_column: None,
                    severity: d.severity,
                    code: d.code.as_str(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                    labels: Vec::new(),
                })
                .collect();
            let rendered = diagnostics
                .iter()
                .map(|d| format!("{}: {}\n", d.code, d.message))
                .collect();
            (json, rendered)
        });
        *lock(&self.last_error) = Some(ReloadFailure {
            at: SystemTime::now(),
            diagnostics: diagnostics_json,
            rendered,
        });
        ReloadEvent::Failed { diagnostics }
    }

    fn publish(&self, event: &ReloadEvent) {
        lock(&self.subscribers).retain(|s| s.send(event.clone()).is_ok());
    }

    /// Reads the set's files until two reads a moment apart agree, so a file still being
    /// written in place (truncated, then filled) is never compiled half-written.
    fn read_settled(&self) -> Result<Vec<Arc<funnel_grammar::SourceFile>>, LoadError> {
        let read = || -> Result<Vec<Arc<funnel_grammar::SourceFile>>, LoadError> {
            let sets = crate::PolicyDir::discover(std::slice::from_ref(&self.dir))?;
            let set = sets.into_iter().next().ok_or_else(|| {
                LoadError::from(Diagnostic::error(
                    crate::Code::NoPolicyFiles,
                    t!("common-no-policy-files"),
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

    /// The paths to watch: the policy directory (its scripts are inside it: see
    /// [`crate::source::read_confined`]) and its parent, to see the directory replaced.
    fn watch_paths(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut paths = vec![(self.abs.clone(), RecursiveMode::Recursive)];
        if let Some(parent) = self.abs.parent() {
            paths.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
        }
        paths
    }

    /// What an event means for the policy.
    fn relevance(&self, event: &notify::Event) -> Relevance {
        relevance(&self.abs, &lock(&self.scripts), event)
    }
}

/// The absolute paths of the scripts a policy uses.
fn scripts_of(p: &Policy) -> Vec<PathBuf> {
    p.checked()
        .scripts
        .iter()
        .map(|s| std::path::absolute(&s.path).unwrap_or_else(|_| s.path.clone()))
        .collect()
}

/// What a file event means for a watched policy, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Relevance {
    /// Nothing: another file changed (a decision log beside the policy, an editor's swap
    /// file). Such events must not even delay a reload, or steady writes starve it.
    None,
    /// A policy file or a script changed.
    Files,
    /// The directory itself was removed, created, renamed or replaced: its watch is stale.
    Directory,
}

/// Which files are the policy's: the `*.funnel` files directly in its directory (the set;
/// sub-directories are not part of it), the scripts it uses, and any `*.rhai` file under
/// the directory (a script that an edit is about to name).
fn relevance(abs: &Path, scripts: &[PathBuf], event: &notify::Event) -> Relevance {
    if event.need_rescan() {
        return Relevance::Directory;
    }
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return Relevance::None;
    }
    let has_extension = |p: &Path, ext: &str| p.extension().is_some_and(|e| e == ext);
    event
        .paths
        .iter()
        .map(|p| {
            if abs.starts_with(p) {
                Relevance::Directory
            } else if (p.parent() == Some(abs) && has_extension(p, crate::source::EXTENSION))
                || (p.starts_with(abs) && has_extension(p, "rhai"))
                || scripts.iter().any(|s| s == p)
            {
                Relevance::Files
            } else {
                Relevance::None
            }
        })
        .max()
        .unwrap_or(Relevance::None)
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

/// The watcher thread's stack: as large as a main thread's usually is (8 MiB), so that a
/// policy `funnel check` accepts on the main thread never exhausts the watcher's stack
/// (a spawned thread gets 2 MiB by default).
const WATCHER_STACK: usize = 8 * 1024 * 1024;

impl LivePolicy {
    /// Loads the policy (which must compile) and starts watching its directory.
    pub fn watch(dir: impl AsRef<Path>, options: WatchOptions) -> Result<LivePolicy, LoadError> {
        let dir = dir.as_ref().to_path_buf();
        let policy = guarded(&t!("reload-loading-policy"), || Policy::load(&dir))?;
        let abs = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        let shared = Arc::new(Shared::new(dir, abs, policy));
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let watcher =
            notify::recommended_watcher(tx.clone()).map_err(|e| watch_error(&shared.dir, e))?;
        let mut follower = Follower {
            seen: identity(&shared),
            last_files: fingerprint(&shared),
            last_look: Instant::now(),
            shared: shared.clone(),
            watcher,
            watched: Vec::new(),
            tx,
            rx,
            options,
            resync: false,
        };
        follower.rewatch();
        let thread = std::thread::Builder::new()
            .name("funnel-watch".into())
            .stack_size(WATCHER_STACK)
            .spawn(move || follower.supervise())
            .map_err(|e| {
                LoadError::from(Diagnostic::error(
                    crate::Code::Io,
                    t!("common-cannot-start-watcher", e = e),
                ))
            })?;
        Ok(LivePolicy {
            shared,
            thread: Some(thread),
        })
    }

    /// Like [`LivePolicy::watch`], but waits for the files to compile: each failed attempt is
    /// passed to `on_error`, and the next change to a policy file tries again (for
    /// `funnel watch`, which may start on a broken policy).
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
        let stopped = || watch_error(&dir, notify::Error::generic(&t!("reload-watcher-stopped")));
        loop {
            match LivePolicy::watch(&dir, options.clone()) {
                Ok(live) => return Ok(live),
                Err(e) => on_error(&e),
            }
            // Wait for a change to a policy file, then for the burst to settle.
            loop {
                match rx.recv().map_err(|_| stopped())? {
                    Ok(e) if relevance(&abs, &[], &e) > Relevance::None => break,
                    _ => {}
                }
            }
            settle(&rx, &options, |e| relevance(&abs, &[], e)).ok_or_else(stopped)?;
        }
    }

    /// The policy being served: always one that compiled.
    pub fn current(&self) -> Arc<Policy> {
        self.shared.current.load_full()
    }

    /// When the current policy was loaded.
    pub fn loaded_at(&self) -> SystemTime {
        *lock(&self.shared.loaded_at)
    }

    /// The last reload's failure, until a later reload succeeds.
    pub fn last_error(&self) -> Option<ReloadFailure> {
        lock(&self.shared.last_error).clone()
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
        lock(&self.shared.subscribers).push(tx);
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
        t!("common-cannot-watch", dir = dir.display(), e = e),
    )
    .into()
}

/// After the first relevant event of a burst: waits until relevant events stop for the
/// debounce time, or the maximum wait has passed since the burst began. Returns the most
/// that the burst's events meant, or `None` when the watcher is gone.
fn settle(
    rx: &Receiver<notify::Result<notify::Event>>,
    options: &WatchOptions,
    relevance: impl Fn(&notify::Event) -> Relevance,
) -> Option<Relevance> {
    let began = Instant::now();
    let mut last = began;
    let mut most = Relevance::Files;
    loop {
        let quiet_left = options.debounce.saturating_sub(last.elapsed());
        let max_left = options.max_wait.saturating_sub(began.elapsed());
        let wait = quiet_left.min(max_left);
        if wait.is_zero() {
            return Some(most);
        }
        match rx.recv_timeout(wait) {
            Ok(Ok(e)) => {
                let r = relevance(&e);
                // Only the policy's own files hold the reload back.
                if r > Relevance::None {
                    last = Instant::now();
                    most = most.max(r);
                }
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// The watcher thread's state.
struct Follower {
    shared: Arc<Shared>,
    watcher: notify::RecommendedWatcher,
    watched: Vec<PathBuf>,
    /// Kept to start fresh watchers on the same channel.
    tx: Sender<notify::Result<notify::Event>>,
    rx: Receiver<notify::Result<notify::Event>>,
    options: WatchOptions,
    /// Which directory the watches were set on.
    seen: Option<(u64, u64)>,
    last_files: Vec<(PathBuf, u64, Option<SystemTime>)>,
    last_look: Instant,
    /// Set after a panic: events may have been lost, so watch anew and reload.
    resync: bool,
}

impl Follower {
    /// Follows the files until the policy is dropped. A panic anywhere in following becomes a
    /// reload failure, and following starts again.
    fn supervise(mut self) {
        loop {
            match catch(|| self.run()) {
                Ok(()) => return,
                Err(message) => {
                    let event = self.shared.fail(vec![panicked(
                        &t!("reload-following-policy-files"),
                        &message,
                    )]);
                    self.shared.publish(&event);
                    self.resync = true;
                    // A panic that comes back at once must not spin a core.
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }

    /// Waits for a burst of events on the policy's files to settle, then reloads once.
    fn run(&mut self) {
        let tick = Duration::from_millis(50);
        loop {
            if self.shared.stop.load(Ordering::Relaxed) {
                return;
            }
            if std::mem::take(&mut self.resync) {
                self.reload(Relevance::Directory);
            }
            // Looked at on every turn, not only when no event came: a file written all the
            // time beside the policy (a decision log) never leaves the channel quiet.
            self.look();
            let first = match self.rx.recv_timeout(tick) {
                Ok(Ok(e)) => e,
                Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let first = self.shared.relevance(&first);
            if first == Relevance::None {
                continue;
            }
            let shared = self.shared.clone();
            let Some(most) = settle(&self.rx, &self.options, |e| shared.relevance(e)) else {
                return;
            };
            self.reload(first.max(most));
        }
    }

    /// Reloads; when the directory was touched or replaced, watches it anew and reloads
    /// again (changing watches opens a moment when events are lost, so it happens only when
    /// needed, and the second reload picks up anything written meanwhile).
    fn reload(&mut self, what: Relevance) {
        self.shared.reload();
        let now = identity(&self.shared);
        // A directory deleted and created again may get the same inode: the event says so
        // even when the identity does not.
        if what == Relevance::Directory || now != self.seen {
            self.renew();
            self.seen = now;
            self.shared.reload();
        }
        self.last_files = fingerprint(&self.shared);
    }

    /// Once per `poll`: a directory that changed under the watches, or files whose names,
    /// sizes or times changed without an event, are reloaded.
    fn look(&mut self) {
        if self.last_look.elapsed() < self.options.poll {
            return;
        }
        self.last_look = Instant::now();
        if identity(&self.shared) != self.seen {
            self.reload(Relevance::Directory);
        } else if fingerprint(&self.shared) != self.last_files {
            self.reload(Relevance::Files);
        }
    }

    /// Points the watcher at the policy's paths (the directory may have been replaced).
    fn rewatch(&mut self) {
        for p in self.watched.drain(..) {
            let _ = self.watcher.unwatch(&p);
        }
        for (p, mode) in self.shared.watch_paths() {
            if self.watcher.watch(&p, mode).is_ok() {
                self.watched.push(p);
            }
        }
    }

    /// Starts a fresh watcher on the current paths: a watcher that saw its directory replaced
    /// may keep watching the old one.
    fn renew(&mut self) {
        if let Ok(fresh) = notify::recommended_watcher(self.tx.clone()) {
            self.watcher = fresh;
            self.watched.clear();
        }
        self.rewatch();
    }
}

/// Names, sizes and modification times of the policy's files and scripts.
fn fingerprint(shared: &Shared) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&shared.abs)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == crate::source::EXTENSION))
                .collect()
        })
        .unwrap_or_default();
    paths.extend(lock(&shared.scripts).iter().cloned());
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

/// Which directory (device and inode) the policy path names now.
fn identity(shared: &Shared) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(&shared.abs)
            .ok()
            .map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = shared;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(version: u64) -> Policy {
        let text = format!(
            "policy \"p\" version {version}\n\nschema lead {{\n  id: text key\n}}\n\nstages {{\n  lead\n}}\n"
        );
        Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", text)])
            .expect("the policy compiles")
    }

    fn shared() -> Shared {
        Shared::new(PathBuf::from("p"), PathBuf::from("/p"), policy(1))
    }

    #[test]
    fn a_panic_while_reloading_is_a_failed_reload_and_the_next_one_works() {
        let shared = shared();
        let (tx, events) = mpsc::channel();
        lock(&shared.subscribers).push(tx);
        let event = shared.reload_with(|| panic!("the checker fell over"));
        let ReloadEvent::Failed { diagnostics } = event else {
            panic!("not a failure: {event:?}");
        };
        assert_eq!(diagnostics[0].code, crate::Code::Internal);
        assert!(
            diagnostics[0].message.contains("the checker fell over"),
            "{}",
            diagnostics[0].message
        );
        let failure = lock(&shared.last_error)
            .clone()
            .expect("the failure is kept");
        assert!(
            failure.rendered.contains("funnel::internal"),
            "{}",
            failure.rendered
        );
        assert!(matches!(events.try_recv(), Ok(ReloadEvent::Failed { .. })));
        assert_eq!(shared.current.load().version(), 1);
        assert_eq!(shared.failures.load(Ordering::Relaxed), 1);

        let event = shared.reload_with(|| Ok(policy(2)));
        assert!(matches!(event, ReloadEvent::Reloaded { .. }), "{event:?}");
        assert_eq!(shared.current.load().version(), 2);
        assert!(lock(&shared.last_error).is_none());
    }

    #[test]
    fn only_the_policys_own_files_matter() {
        let abs = Path::new("/srv/pol");
        let scripts = vec![PathBuf::from("/srv/pol/lib/x.js")];
        let event = |path: &str| {
            notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any))
                .add_path(PathBuf::from(path))
        };
        let of = |path: &str| relevance(abs, &scripts, &event(path));
        assert_eq!(of("/srv/pol/a.funnel"), Relevance::Files);
        assert_eq!(of("/srv/pol/scripts/t.rhai"), Relevance::Files);
        assert_eq!(of("/srv/pol/lib/x.js"), Relevance::Files);
        assert_eq!(of("/srv/pol"), Relevance::Directory);
        assert_eq!(of("/srv"), Relevance::Directory);
        for other in [
            "/srv/decisions.jsonl",
            "/srv/pol/decisions.jsonl",
            "/srv/pol/.a.funnel.swp",
            "/srv/pol/sub/b.funnel",
            "/srv/pol2/a.funnel",
        ] {
            assert_eq!(of(other), Relevance::None, "{other}");
        }
        let read = notify::Event::new(notify::EventKind::Access(notify::event::AccessKind::Any))
            .add_path(PathBuf::from("/srv/pol/a.funnel"));
        assert_eq!(relevance(abs, &scripts, &read), Relevance::None);
    }
}
