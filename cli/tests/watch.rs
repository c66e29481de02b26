//! `funnel watch`: a reload line after an edit, diagnostics after a broken edit.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const POLICY: &str =
    "policy \"w\" version 1\n\nschema lead {\n  id: text key\n}\n\nstages {\n  lead\n}\n";

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads stderr lines until one contains `needle`, or fails after a generous timeout.
fn wait_for(lines: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(l) => {
                let found = l.contains(needle);
                seen.push(l);
                if found {
                    return seen;
                }
            }
            Err(_) => panic!("`{needle}` not printed; got:\n{}", seen.join("\n")),
        }
    }
}

#[test]
fn watch_reports_reloads_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.funnel");
    std::fs::write(&file, POLICY).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["watch", dir.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _guard = Kill(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    wait_for(&rx, "watching");
    std::fs::write(&file, POLICY.replace("version 1", "version 2")).unwrap();
    let lines = wait_for(&rx, "reloaded w v2");
    assert!(lines.last().unwrap().contains(" ms"), "{lines:?}");
    std::fs::write(
        &file,
        POLICY
            .replace("version 1", "version 3")
            .replace("lead\n}", "lead\n  mql when fitt >= 3\n}"),
    )
    .unwrap();
    let lines = wait_for(&rx, "still serving w v2");
    assert!(
        lines.iter().any(|l| l.contains("funnel::unknown")),
        "{lines:?}"
    );
}

#[test]
fn watch_survives_a_line_past_column_65535() {
    // Rendering this diagnostic panicked inside the watcher thread: nothing was printed and
    // no later edit was loaded.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.funnel"), POLICY).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["watch", dir.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _guard = Kill(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    wait_for(&rx, "watching");
    let wide = format!("let x = {}@\n", " ".repeat(70_000));
    std::fs::write(dir.path().join("x.funnel"), wide).unwrap();
    let lines = wait_for(&rx, "still serving w v1");
    assert!(
        lines.iter().any(|l| l.contains("x.funnel:1:70009]")),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| l.len() < 1_000), "{lines:?}");
    std::fs::remove_file(dir.path().join("x.funnel")).unwrap();
    std::fs::write(
        dir.path().join("p.funnel"),
        POLICY.replace("version 1", "version 2"),
    )
    .unwrap();
    wait_for(&rx, "reloaded w v2");
}
