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

/// Which output of `funnel watch` a test reads.
enum Stream {
    Stdout,
    Stderr,
}

/// Starts `funnel watch ARGS`: the process (killed when dropped) and the lines of `stream`.
fn watch(args: &[&str], stream: Stream) -> (Kill, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .arg("watch")
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output: Box<dyn std::io::Read + Send> = match stream {
        Stream::Stdout => Box::new(child.stdout.take().unwrap()),
        Stream::Stderr => Box::new(child.stderr.take().unwrap()),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Kill(child), rx)
}

/// Reads lines until one contains `needle`, or fails after a generous timeout.
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
    let (_guard, rx) = watch(&[dir.path().to_str().unwrap()], Stream::Stderr);
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
    let (_guard, rx) = watch(&[dir.path().to_str().unwrap()], Stream::Stderr);
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

#[test]
fn json_writes_one_object_a_line_per_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.funnel");
    let tested = format!(
        "{POLICY}\ntest \"a lead\" {{\n  given lead {{ id: \"t\" }}\n  at 2026-11-26T10:00:00Z\n  expect stage == lead\n}}\n"
    );
    std::fs::write(&file, &tested).unwrap();
    let path = dir.path().to_str().unwrap();
    let (_guard, rx) = watch(&["--test", "--format", "json", path], Stream::Stdout);
    let parse = |line: &str| -> serde_json::Value {
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };

    let first = parse(wait_for(&rx, "\"event\":\"loaded\"").last().unwrap());
    assert_eq!(first["policy"]["name"], "w");
    assert_eq!(first["policy"]["version"], 1);
    assert_eq!(first["policy_dir"], path);
    assert_eq!(
        (&first["errors"], &first["warnings"]),
        (&0.into(), &0.into())
    );
    assert_eq!(first["tests"]["passed"], 1);
    assert_eq!(first["tests"]["results"][0]["name"], "a lead");

    std::fs::write(
        &file,
        tested.replacen("lead\n}", "lead\n  mql when fitt >= 3\n}", 1),
    )
    .unwrap();
    let failed = parse(wait_for(&rx, "\"event\":\"failed\"").last().unwrap());
    assert_eq!(failed["errors"], 1, "{failed}");
    let d = &failed["diagnostics"][0];
    assert!(
        d["code"].as_str().unwrap().starts_with("funnel::unknown"),
        "{d}"
    );
    assert_eq!((&d["line"], &d["column"]), (&9.into(), &12.into()), "{d}");
    assert_eq!(failed["policy"]["version"], 1, "still serving v1");

    std::fs::write(&file, tested.replace("version 1", "version 2")).unwrap();
    let reloaded = parse(wait_for(&rx, "\"event\":\"reloaded\"").last().unwrap());
    assert_eq!(reloaded["policy"]["version"], 2);
    assert!(reloaded["took_ms"].is_u64(), "{reloaded}");
    assert_eq!(reloaded["tests"]["failed"], 0);
}
