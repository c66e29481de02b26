//! The progress bar of `eval` and `report`: on a terminal, a bar over the input file's bytes
//! with its size and the time left; never with `-q`, and never when stderr is not a terminal.
//! A terminal is given by `script` (util-linux), which runs the command on a pseudo-terminal
//! and records what it draws.

use funnel_tests::workspace_root;
use std::path::Path;
use std::process::Command;

/// What `funnel ARGS` draws on a terminal (stdout and stderr both go to it).
fn on_a_terminal(args: &str, dir: &Path) -> String {
    let typescript = dir.join("typescript");
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_funnel"));
    let status = Command::new("script")
        .args(["-qfec", &command])
        .arg(&typescript)
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal")
        .status;
    assert!(status.success(), "funnel {args}: {status}");
    String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned()
}

/// The example leads 200 times over (2 MiB), so that reading takes several frames.
fn big_input(dir: &Path) -> String {
    let leads =
        std::fs::read_to_string(workspace_root().join("policies/acme/leads/leads.jsonl")).unwrap();
    let path = dir.join("leads.jsonl");
    std::fs::write(&path, leads.repeat(200)).unwrap();
    path.display().to_string()
}

#[test]
fn eval_and_report_draw_a_bar_with_the_total_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    let out = dir.path().join("out").display().to_string();
    let at = "--at 2026-11-26T10:00:00-03:00";
    for verb in ["eval", "report"] {
        let drawn = on_a_terminal(
            &format!("{verb} policies/acme {input} {at} --output {out}"),
            dir.path(),
        );
        assert!(drawn.contains("% of 2.13 MiB, "), "{verb}: {drawn:?}");
        assert!(drawn.contains(" left"), "{verb}: {drawn:?}");
        assert!(
            drawn.contains('░') || drawn.contains('█'),
            "{verb}: {drawn:?}"
        );
    }
    // Stdin has no known length: the bytes read, without a total.
    let drawn = on_a_terminal(
        &format!("eval policies/acme {at} --output {out} < {input}"),
        dir.path(),
    );
    assert!(drawn.contains(" read, "), "{drawn:?}");
    assert!(!drawn.contains("% of "), "{drawn:?}");
}

#[test]
fn quiet_draws_nothing_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    let out = dir.path().join("out").display().to_string();
    for verb in ["eval", "report"] {
        let drawn = on_a_terminal(
            &format!(
                "{verb} -q policies/acme {input} --at 2026-11-26T10:00:00-03:00 --output {out}"
            ),
            dir.path(),
        );
        assert!(!drawn.contains("% of "), "{verb}: {drawn:?}");
        assert!(!drawn.contains("evaluated"), "{verb}: {drawn:?}");
    }
}

#[test]
fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args([
            "eval",
            "policies/acme",
            &input,
            "--at",
            "2026-11-26T10:00:00-03:00",
            "--output",
        ])
        .arg(dir.path().join("out"))
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "evaluated 4000 leads, 0 failed; lead 2200, mql 600, sql 200, opportunity 400, disqualified 600\n"
    );
}
