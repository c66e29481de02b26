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

fn write_policy(dir: &Path, version: u64) {
    std::fs::write(dir.join("a.funnel"), header(version)).unwrap();
    std::fs::write(dir.join("b.funnel"), rules(version * 10)).unwrap();
}

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap()
}

fn options() -> WatchOptions {
    WatchOptions {
        debounce: Duration::from_millis(50),
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
