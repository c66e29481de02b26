//! `funnel fmt`: the policies in the repository are formatted; `--check` catches a mangled
//! file; formatting fixes it; `--diff` shows the change without writing.

use funnel_tests::copy_dir;
use std::path::Path;
use std::process::{Command, Output};

fn funnel(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn check_passes_on_the_repository_and_fails_after_a_file_is_mangled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = funnel(&["fmt", "--check", "policies"], &root);
    assert!(
        out.status.success(),
        "unformatted: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("policies/acme"), &dir.path().join("acme"));
    let file = dir.path().join("acme/funnel.funnel");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("grade fit { A >= 70,", "grade   fit {A>=70 ,"),
    )
    .unwrap();

    let out = funnel(&["fmt", "--check", "acme"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.lines().any(|l| l.ends_with("funnel.funnel")),
        "{listed}"
    );

    let diff = funnel(&["fmt", "--diff", "acme"], dir.path());
    let shown = String::from_utf8_lossy(&diff.stdout);
    assert!(
        shown.contains("-grade   fit {A>=70 ,") && shown.contains("+grade fit { A >= 70,"),
        "{shown}"
    );
    assert_ne!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--diff writes nothing"
    );

    assert!(funnel(&["fmt", "acme"], dir.path()).status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(funnel(&["fmt", "--check", "acme"], dir.path())
        .status
        .success());
}

#[test]
fn a_file_with_a_syntax_error_is_reported_not_formatted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.funnel"),
        "score fit {\n  +10 when\n}\n",
    )
    .unwrap();
    let out = funnel(&["fmt", "bad.funnel"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.funnel:2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.funnel")).unwrap(),
        "score fit {\n  +10 when\n}\n"
    );
}
