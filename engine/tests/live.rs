//! Hot reload: edits are served within a bounded time, broken edits never are, and readers
//! never see a torn policy.

use chrono::{DateTime, FixedOffset};
use funnel_engine::{LivePolicy, ReloadEvent, WatchOptions};
use std::path::Path;
use std::time::{Duration, Instant};

/// Generous: reloads take milliseconds, but CI machines can be slow.
const TIMEOUT: Duration = Duration::from_secs(20);

fn header(version: u64) -> String {
    format!("policy \"live\" version {version}\n\nschema lead {{\n  id: text key\n}}\n")
}

fn rules(points: u64) -> String {
    format!(
        "score fit {{\n  +{points} when true\n}}\n\nstages {{\n  lead\n  mql when fit >= 50\n}}\n"
    )
}

/// Writes the rules before the header: once a version's header is served, its rules are
/// too (a reload between the two writes serves the old header).
fn write_policy(dir: &Path, version: u64) {
    std::fs::write(dir.join("b.funnel"), rules(version * 10)).unwrap();
    std::fs::write(dir.join("a.funnel"), header(version)).unwrap();
}

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap()
}

fn options() -> WatchOptions {
    WatchOptions {
        debounce: Duration::from_millis(50),
        max_wait: Duration::from_millis(150),
        ..WatchOptions::default()
    }
}

/// Options under which only file events lead to reloads: the once-a-second look at the
/// files, a safety net, would otherwise hide a lost watch.
fn events_only() -> WatchOptions {
    WatchOptions {
        poll: Duration::from_secs(3600),
        ..options()
    }
}

/// Polls until the last reload failed, and returns its rendered diagnostics.
fn wait_for_error(live: &LivePolicy) -> String {
    let start = Instant::now();
    loop {
        if let Some(e) = live.last_error() {
            return e.rendered;
        }
        assert!(start.elapsed() < TIMEOUT, "the failure was not reported");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls until the served policy has `version`.
fn wait_for_version(live: &LivePolicy, version: u64) {
    let start = Instant::now();
    while live.current().version() != version {
        assert!(
            start.elapsed() < TIMEOUT,
            "version {version} not served after {TIMEOUT:?}; serving {}",
            live.current().version()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn fit(live: &LivePolicy) -> f64 {
    *live
        .current()
        .evaluate_json(br#"{"id":"x"}"#, at())
        .unwrap()
        .scores
        .get("fit")
        .unwrap()
}

#[test]
fn an_edit_is_served_and_a_broken_edit_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), 1);
    let live = LivePolicy::watch(dir.path(), options()).unwrap();
    let events = live.subscribe();
    assert_eq!(fit(&live), 10.0);

    write_policy(dir.path(), 2);
    wait_for_version(&live, 2);
    assert_eq!(fit(&live), 20.0);

    // A broken edit: the old policy keeps serving and the diagnostics are exposed.
    std::fs::write(dir.path().join("b.funnel"), "score fit {\n  +30 when\n}\n").unwrap();
    let start = Instant::now();
    while live.last_error().is_none() {
        assert!(start.elapsed() < TIMEOUT, "the failure was not reported");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(live.current().version(), 2);
    assert_eq!(fit(&live), 20.0);
    let failure = live.last_error().unwrap();
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.code == "funnel::syntax"),
        "{:?}",
        failure.diagnostics
    );
    assert!(failure.rendered.contains("b.funnel"));
    let saw_failure = events
        .try_iter()
        .any(|e| matches!(e, ReloadEvent::Failed { .. }));
    assert!(saw_failure, "the failure is also an event");

    // Fixing it resumes reloads and clears the error.
    write_policy(dir.path(), 3);
    wait_for_version(&live, 3);
    assert!(live.last_error().is_none());
    assert_eq!(fit(&live), 30.0);
}

#[test]
fn rename_over_delete_and_create_and_many_files_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), 1);
    let live = LivePolicy::watch(dir.path(), options()).unwrap();

    // Editors write a temporary file and rename it over the original.
    let tmp = dir.path().join(".b.funnel.swp");
    std::fs::write(&tmp, rules(20)).unwrap();
    std::fs::write(dir.path().join("a.funnel.tmp"), header(2)).unwrap();
    std::fs::rename(&tmp, dir.path().join("b.funnel")).unwrap();
    std::fs::rename(dir.path().join("a.funnel.tmp"), dir.path().join("a.funnel")).unwrap();
    wait_for_version(&live, 2);
    assert_eq!(fit(&live), 20.0);

    // Delete and create.
    std::fs::remove_file(dir.path().join("a.funnel")).unwrap();
    std::fs::remove_file(dir.path().join("b.funnel")).unwrap();
    write_policy(dir.path(), 3);
    wait_for_version(&live, 3);

    // A checkout: many files change at once, split differently.
    std::fs::remove_file(dir.path().join("b.funnel")).unwrap();
    std::fs::write(
        dir.path().join("stages.funnel"),
        "stages {\n  lead\n  mql when fit >= 50\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("score.funnel"),
        "score fit {\n  +40 when true\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.funnel"), header(4)).unwrap();
    wait_for_version(&live, 4);
    assert_eq!(fit(&live), 40.0);
}

#[test]
fn a_replaced_directory_is_followed() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("policy");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, 1);
    let live = LivePolicy::watch(&dir, options()).unwrap();
    // Build the new version beside it, then swap directories.
    let next = root.path().join("policy.next");
    std::fs::create_dir(&next).unwrap();
    write_policy(&next, 2);
    std::fs::rename(&dir, root.path().join("policy.old")).unwrap();
    std::fs::rename(&next, &dir).unwrap();
    wait_for_version(&live, 2);
    // And it keeps following the new directory.
    write_policy(&dir, 3);
    wait_for_version(&live, 3);
}

#[test]
fn readers_never_see_a_torn_policy() {
    let dir = tempfile::tempdir().unwrap();
    // One file, replaced atomically: every state on disk is one complete version.
    let write = |v: u64| {
        let tmp = dir.path().join("p.funnel.tmp");
        std::fs::write(&tmp, format!("{}{}", header(v), rules(v * 10))).unwrap();
        std::fs::rename(&tmp, dir.path().join("p.funnel")).unwrap();
    };
    write(1);
    let live = std::sync::Arc::new(LivePolicy::watch(dir.path(), options()).unwrap());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (live, stop) = (live.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut seen = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let d = live
                        .current()
                        .evaluate_json(br#"{"id":"x"}"#, at())
                        .expect("no evaluation fails");
                    // Version and points change together: a decision from a mix of two
                    // versions would break this.
                    assert_eq!(
                        *d.scores.get("fit").unwrap(),
                        d.policy.version as f64 * 10.0
                    );
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    for v in 2..=15 {
        write(v);
        wait_for_version(&live, v);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    let (reloads, _) = live.reload_counts();
    assert!(reloads >= 14);
}

#[test]
fn an_edited_script_is_a_new_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "policy \"live\" version 1\n\nschema lead {\n  id: text key\n}\n\nuse script \"scripts/p.rhai\" {\n  fn points() -> int\n}\n\nscore fit {\n  +1 per points()\n}\n\nstages {\n  lead\n}\n";
    std::fs::write(dir.path().join("p.funnel"), policy).unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    std::fs::write(dir.path().join("scripts/p.rhai"), "fn points() { 10 }\n").unwrap();
    let live = LivePolicy::watch(dir.path(), options()).unwrap();
    assert_eq!(fit(&live), 10.0);
    let before = live.current().digest().to_string();
    std::fs::write(dir.path().join("scripts/p.rhai"), "fn points() { 20 }\n").unwrap();
    let start = Instant::now();
    while fit(&live) != 20.0 {
        assert!(start.elapsed() < TIMEOUT, "the script edit was not served");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ne!(live.current().digest(), before);
    // A script that stops compiling keeps the last good policy.
    std::fs::write(dir.path().join("scripts/p.rhai"), "fn points( { 30 }\n").unwrap();
    let start = Instant::now();
    while live.last_error().is_none() {
        assert!(
            start.elapsed() < TIMEOUT,
            "the script error was not reported"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fit(&live), 20.0);
    assert!(live.last_error().unwrap().rendered.contains("p.rhai"));
}

#[test]
fn edits_that_never_pause_are_still_served() {
    // Edits every 10-30 ms, shorter than the debounce: a reload must come within the
    // maximum wait, not only once the edits stop.
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), 1);
    let live = LivePolicy::watch(dir.path(), events_only()).unwrap();
    let start = Instant::now();
    let mut version = 1;
    while live.current().version() == 1 {
        assert!(
            start.elapsed() < TIMEOUT,
            "no reload while edits kept coming ({} edits)",
            version - 1
        );
        version += 1;
        write_policy(dir.path(), version);
        std::thread::sleep(Duration::from_millis(10 + 10 * (version % 3)));
    }
    // A few more, then the last one is what is served.
    for _ in 0..10 {
        version += 1;
        write_policy(dir.path(), version);
        std::thread::sleep(Duration::from_millis(15));
    }
    wait_for_version(&live, version);
    assert_eq!(fit(&live), version as f64 * 10.0);

    // A broken edit among quick ones: the last good version stays, the error is reported.
    std::fs::write(dir.path().join("b.funnel"), "score fit {\n  +30 when\n}\n").unwrap();
    let rendered = wait_for_error(&live);
    assert!(rendered.contains("funnel::syntax"), "{rendered}");
    assert_eq!(live.current().version(), version);
    assert_eq!(fit(&live), version as f64 * 10.0);
    write_policy(dir.path(), version + 1);
    wait_for_version(&live, version + 1);
    assert!(live.last_error().is_none());
}

#[test]
fn a_busy_file_beside_the_policy_does_not_hold_reloads_back() {
    // A decision log written all the time, in the policy's parent and in the policy's own
    // directory: its events are not the policy's and must not delay a reload.
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("pol");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, 1);
    let live = LivePolicy::watch(&dir, events_only()).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, root, dir) = (stop.clone(), root.path().to_path_buf(), dir.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            let open = |p: std::path::PathBuf| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .unwrap()
            };
            let mut beside = open(root.join("decisions.jsonl"));
            let mut inside = open(dir.join("decisions.jsonl"));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                beside.write_all(b"{\"lead\":\"x\"}\n").unwrap();
                inside.write_all(b"{\"lead\":\"x\"}\n").unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    for v in 2..=4 {
        write_policy(&dir, v);
        wait_for_version(&live, v);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(fit(&live), 40.0);
}

#[test]
fn a_directory_deleted_and_created_again_is_watched_anew() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("pol");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, 1);
    let live = LivePolicy::watch(&dir, events_only()).unwrap();
    for round in 0..3u64 {
        // The new directory often gets the old one's inode back.
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::create_dir(&dir).unwrap();
        let v = 2 + 2 * round;
        write_policy(&dir, v);
        wait_for_version(&live, v);
        // Later edits in the new directory are seen through its own watch.
        write_policy(&dir, v + 1);
        wait_for_version(&live, v + 1);
    }
}

#[test]
fn a_line_past_column_65535_is_a_reload_error_and_the_next_edit_is_served() {
    // Rendering this diagnostic panicked inside the watcher thread, which died silently:
    // no error was shown and no later edit was ever loaded.
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), 1);
    let live = LivePolicy::watch(dir.path(), options()).unwrap();
    let wide = format!("let x = {}@\n", " ".repeat(70_000));
    std::fs::write(dir.path().join("c.funnel"), wide).unwrap();
    let rendered = wait_for_error(&live);
    assert!(rendered.contains("funnel::syntax"), "{rendered}");
    assert!(rendered.contains("c.funnel:1:70009]"), "{rendered}");
    assert!(rendered.len() < 2_000, "{rendered}");
    let failure = live.last_error().unwrap();
    assert_eq!(failure.diagnostics[0].column, Some(70_009));
    assert_eq!(live.current().version(), 1);
    std::fs::remove_file(dir.path().join("c.funnel")).unwrap();
    write_policy(dir.path(), 2);
    wait_for_version(&live, 2);
    assert!(live.last_error().is_none());
}

#[test]
fn readers_keep_answering_through_broken_and_wide_edits() {
    // Edits, good and broken, while readers evaluate without pause: every answer comes from
    // a whole good version, each broken edit is reported, and the next good one is served.
    let dir = tempfile::tempdir().unwrap();
    // One file, replaced atomically: every state on disk is one complete version.
    let write_policy = |dir: &Path, v: u64| {
        let tmp = dir.join("p.funnel.tmp");
        std::fs::write(&tmp, format!("{}{}", header(v), rules(v * 10))).unwrap();
        std::fs::rename(&tmp, dir.join("p.funnel")).unwrap();
    };
    write_policy(dir.path(), 1);
    let live = std::sync::Arc::new(LivePolicy::watch(dir.path(), options()).unwrap());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (live, stop) = (live.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut answered = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let d = live
                        .current()
                        .evaluate_json(br#"{"id":"x"}"#, at())
                        .expect("every lead is answered");
                    assert_eq!(
                        *d.scores.get("fit").unwrap(),
                        d.policy.version as f64 * 10.0
                    );
                    answered += 1;
                }
                answered
            })
        })
        .collect();
    let broken = [
        format!("let x = {}@\n", " ".repeat(70_000)),
        "score fit {\n  +1 when\n}\n".to_string(),
        "let y = nope + 1\n".to_string(),
    ];
    for (i, text) in broken.iter().enumerate() {
        let good = 2 + i as u64;
        write_policy(dir.path(), good);
        wait_for_version(&live, good);
        assert!(live.last_error().is_none());
        std::fs::write(dir.path().join("broken.funnel"), text).unwrap();
        let rendered = wait_for_error(&live);
        assert!(rendered.contains("broken.funnel"), "{rendered}");
        assert_eq!(live.current().version(), good);
        std::fs::remove_file(dir.path().join("broken.funnel")).unwrap();
    }
    write_policy(dir.path(), 9);
    wait_for_version(&live, 9);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    let (_, failures) = live.reload_counts();
    assert!(failures >= 3, "{failures}");
}
