//! `--color auto|always|never`, a global option: `always` colours diagnostics even through a
//! pipe and with NO_COLOR (an explicit flag wins), `never` never does, `auto` only on a
//! terminal; clap's own help follows it too.

use std::process::{Command, Output};

/// A mistake that `funnel check` reports with a snippet.
const BROKEN: &str = "policy \"w\" version 1\n\nschema lead {\n  id: text key\n}\n\nstages {\n  lead\n  mql when fitt >= 3\n}\n";

fn funnel(args: &[&str], no_color: bool) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.funnel"), BROKEN).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_funnel"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    cmd.output().expect("run funnel")
}

fn coloured(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

#[test]
fn always_colours_diagnostics_through_a_pipe_even_with_no_color() {
    for no_color in [false, true] {
        let out = funnel(&["--color", "always", "check", "."], no_color);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            coloured(&out.stderr),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // After the verb too: the option is global.
    let out = funnel(&["check", ".", "--color=always"], false);
    assert!(coloured(&out.stderr));
}

#[test]
fn auto_and_never_do_not_colour_a_pipe() {
    for args in [
        &["check", "."][..],
        &["--color", "never", "check", "."],
        &["--color", "auto", "check", "."],
    ] {
        let out = funnel(args, false);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("funnel::unknown"), "{args:?}: {stderr}");
        assert!(!coloured(&out.stderr), "{args:?}: {stderr:?}");
    }
}

#[test]
fn help_follows_color_too() {
    let out = funnel(&["--color", "always", "check", "--help"], false);
    assert!(
        coloured(&out.stdout),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = funnel(&["--color", "never", "check", "--help"], false);
    assert!(!coloured(&out.stdout));
}

#[test]
fn a_bad_choice_is_a_usage_error() {
    let out = funnel(&["--color", "sometimes", "check", "."], false);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sometimes") && stderr.contains("always"),
        "{stderr}"
    );
}
