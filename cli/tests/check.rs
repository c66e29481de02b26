//! `funnel check` as a user runs it: exit codes, the summary line, `--deny-warnings`,
//! `--format json` and plain output under NO_COLOR.

use funnel_tests::{copy_dir, workspace_root};
use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run funnel")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of policies/acme in a fresh temporary directory, with one text replaced.
struct TempSet(PathBuf);

impl TempSet {
    fn acme_with(name: &str, file: &str, from: &str, to: &str) -> TempSet {
        let dir = std::env::temp_dir().join(format!(
            "funnel-cli-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let src = workspace_root().join("policies/acme");
        copy_dir(&src, &dir);
        let path = dir.join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        assert!(original.contains(from), "`{from}` not in {file}");
        std::fs::write(&path, original.replacen(from, to, 1)).unwrap();
        TempSet(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempSet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn acme_checks_clean() {
    let out = run(&["check", "policies/acme"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let files = std::fs::read_dir(workspace_root().join("policies/acme"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "funnel"))
        .count();
    assert!(
        stderr.contains(&format!("checked {files} files: 0 errors, 0 warnings")),
        "{stderr}"
    );
    assert!(!stderr.contains("funnel::"), "{stderr}");
}

#[test]
fn acme_passes_deny_warnings() {
    let out = run(&["check", "--deny-warnings", "policies/acme"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_broken_copy_exits_1_with_the_code_and_the_place() {
    let set = TempSet::acme_with(
        "broken",
        "personas.funnel",
        "company_size between",
        "compny_size between",
    );
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("funnel::unknown_field"), "{stderr}");
    assert!(stderr.contains("personas.funnel:6:3"), "{stderr}");
    assert!(stderr.contains("did you mean `company_size`?"), "{stderr}");
    assert!(stderr.contains(": 1 error, 0 warnings"), "{stderr}");
}

#[test]
fn a_file_path_checks_its_directory() {
    let out = run(&["check", "policies/acme/scoring.funnel"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn deny_warnings_fails_on_a_warning() {
    let set = TempSet::acme_with(
        "warning",
        "scoring.funnel",
        "+5 when company is present",
        "+0 when company is present",
    );
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning alone passes: {stderr}"
    );
    assert!(stderr.contains("funnel::zero_points"), "{stderr}");
    assert!(stderr.contains(": 0 errors, 1 warning"), "{stderr}");

    let out = run(&["check", "--deny-warnings", set.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn json_output_has_every_field() {
    let set = TempSet::acme_with(
        "json",
        "sla.funnel",
        "within 4h of sao_paulo_office",
        "within 4h of sao_paulo",
    );
    let out = run(&["check", "--format", "json", set.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(doc["errors"], 1, "{doc:#}");
    let diags = doc["diagnostics"].as_array().expect("diagnostics array");
    let d = diags
        .iter()
        .find(|d| d["code"] == "funnel::unknown_calendar")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(d["file"].as_str().unwrap().ends_with("sla.funnel"), "{d:#}");
    assert_eq!(d["line"], 22, "{d:#}");
    assert_eq!(d["column"], 16, "{d:#}");
    assert_eq!(d["severity"], "error", "{d:#}");
    assert_eq!(d["message"], "no calendar named `sao_paulo`", "{d:#}");
    assert_eq!(d["help"], "did you mean `sao_paulo_office`?", "{d:#}");
    for key in ["end_line", "end_column", "labels"] {
        assert!(d.get(key).is_some(), "no {key} in {d:#}");
    }
}

#[test]
fn json_output_on_a_clean_set_is_valid_and_empty() {
    let out = run(&["check", "--format", "json", "policies/acme"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 0);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_missing_path_exits_2() {
    let out = run(&["check", "policies/no-such-set"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-set"), "{stderr}");
}

#[test]
fn a_bad_flag_exits_2() {
    let out = run(&["check", "--no-such-flag", "policies/acme"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = run(&["check", "--format", "yaml", "policies/acme"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn no_color_output_has_no_escape_codes() {
    let set = TempSet::acme_with("nocolor", "funnel.funnel", "C >= 30, else D }", "C >= 30 }");
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("funnel::missing_else"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "escape codes in: {stderr:?}");
}

/// A fresh empty directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "funnel-cli-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, path: &str) -> PathBuf {
        self.0.join(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A policy that compiles, with `extra` appended.
fn small_policy(extra: &str) -> String {
    format!("policy \"p\" version 1\n\nschema lead {{\n  id: text key\n}}\n\nstages {{\n  lead\n}}\n{extra}")
}

#[cfg(unix)]
fn symlink(target: &std::path::Path, link: &std::path::Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn a_mistake_past_column_65535_is_reported_with_its_place() {
    // miette pads with the column as a width, and a width past 65,535 panicked (exit 101).
    let dir = TempDir::new("wide");
    std::fs::write(dir.join("p.funnel"), small_policy("")).unwrap();
    let line = format!("let x = {}@\n", " ".repeat(70_000));
    std::fs::write(dir.join("x.funnel"), line).unwrap();
    let out = run(&["check", dir.0.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("funnel::syntax"), "{stderr}");
    // The header keeps the real place (the `@` after 8 + 70,000 characters)...
    assert!(stderr.contains("x.funnel:1:70009]"), "{stderr}");
    // ...and the snippet shows the line clipped around it.
    let snippet = stderr
        .lines()
        .find(|l| l.contains("1 | ..."))
        .unwrap_or_else(|| panic!("no clipped line in {stderr}"));
    assert!(snippet.trim_end().ends_with('@'), "{snippet}");
    assert!(snippet.len() < 300, "{snippet}");
    assert!(stderr.contains("checked 2 files: 1 error"), "{stderr}");
}

/// The text of rendered diagnostics with their wrapped lines joined, to search for a phrase
/// that may have been wrapped.
fn unwrapped(stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| l.trim().trim_start_matches("| ").trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Content that must never appear in output: a file outside the policy directory.
const SECRET: &str = "SECRET-7f3a: not a policy";

#[cfg(unix)]
#[test]
fn scripts_outside_the_policy_directory_are_not_read() {
    let root = TempDir::new("confine-script");
    std::fs::write(root.join("secret.rhai"), format!("{SECRET}\n")).unwrap();
    let dir = root.join("pol");
    std::fs::create_dir(&dir).unwrap();
    let outside = root.join("secret.rhai");
    let depth = outside.components().count();
    let cases = [
        // Relative, climbing out (the secret is one level up; climbing further lands on `/`).
        "../secret.rhai".to_string(),
        format!(
            "{}{}",
            "../".repeat(depth),
            outside.to_str().unwrap().trim_start_matches('/')
        ),
        // Absolute.
        outside.to_str().unwrap().to_string(),
        "/proc/self/environ".to_string(),
    ];
    for script in cases {
        let used = format!("\nuse script \"{script}\" {{\n  fn f() -> int\n}}\n");
        std::fs::write(dir.join("p.funnel"), small_policy(&used)).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_funnel"))
            .args(["check", dir.to_str().unwrap()])
            .env("NO_COLOR", "1")
            .env("FUNNEL_TEST_SECRET", SECRET)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{script}: {stderr}");
        assert!(stderr.contains("funnel::bad_script"), "{script}: {stderr}");
        assert!(
            unwrapped(&stderr).contains("is outside the policy directory"),
            "{script}: {stderr}"
        );
        assert!(!stderr.contains("SECRET-7f3a"), "{script}: {stderr}");
    }
    // A script inside the directory, through a sub-directory, is read as before.
    std::fs::create_dir(dir.join("scripts")).unwrap();
    std::fs::write(dir.join("scripts/f.rhai"), "fn f() { 1 }\n").unwrap();
    let used = "\nuse script \"scripts/../scripts/f.rhai\" {\n  fn f() -> int\n}\n";
    std::fs::write(dir.join("p.funnel"), small_policy(used)).unwrap();
    let out = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn a_policy_file_linked_to_a_file_outside_is_not_read() {
    let root = TempDir::new("confine-link");
    std::fs::write(root.join("secret.txt"), format!("{SECRET}\n")).unwrap();
    let dir = root.join("pol");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("p.funnel"), small_policy("")).unwrap();
    symlink(&root.join("secret.txt"), &dir.join("leak.funnel"));
    let out = run(&["check", dir.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("leak.funnel"), "{stderr}");
    assert!(
        stderr.contains("is outside the policy directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET-7f3a"), "{stderr}");
    // A link to a file inside the directory is a policy file like any other.
    std::fs::remove_file(dir.join("leak.funnel")).unwrap();
    std::fs::write(dir.join("rest.txt"), "let y = 1\n").unwrap();
    symlink(&dir.join("rest.txt"), &dir.join("rest.funnel"));
    let out = run(&["check", dir.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("checked 2 files"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_named_funnel_are_skipped() {
    let dir = TempDir::new("special");
    std::fs::write(dir.join("p.funnel"), small_policy("")).unwrap();
    // Opening a FIFO blocks until a writer comes; /dev/zero never ends.
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.funnel"))
        .status()
        .unwrap();
    assert!(made.success());
    symlink(std::path::Path::new("/dev/zero"), &dir.join("zero.funnel"));
    let out = run(&["check", dir.0.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("checked 1 file: 0 errors"), "{stderr}");
}

#[test]
fn a_policy_file_past_the_size_limit_is_refused() {
    let dir = TempDir::new("large");
    let mut text_ = small_policy("");
    // Comments: the file would check if it were read.
    let comment = format!("# {}\n", "x".repeat(1000));
    while text_.len() as u64 <= funnel_engine::PolicyDir::MAX_FILE_BYTES {
        text_.push_str(&comment);
    }
    std::fs::write(dir.join("p.funnel"), &text_).unwrap();
    let out = run(&["check", dir.0.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("p.funnel"), "{stderr}");
    assert!(stderr.contains("larger than 8 MiB"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn looping_symlinks_are_searched_once() {
    // Each link leads back to the root: without a record of the directories searched, the
    // paths to walk doubled at each level (a/a/b/a/...) until they were too long.
    let root = TempDir::new("loops");
    symlink(&root.0, &root.join("a"));
    symlink(&root.0, &root.join("b"));
    std::fs::create_dir(root.join("pol")).unwrap();
    std::fs::write(root.join("pol/p.funnel"), small_policy("")).unwrap();
    let out = run(&["check", root.0.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("checked 1 file: 0 errors"), "{stderr}");
    // With no policy anywhere, the search ends and says so.
    std::fs::remove_dir_all(root.join("pol")).unwrap();
    let out = run(&["check", root.0.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no .funnel files"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn fmt_reads_only_files_inside_and_skips_fifos_and_loops() {
    // `funnel fmt` finds its files itself: the same confinement applies.
    let root = TempDir::new("fmt-confine");
    std::fs::write(root.join("secret.txt"), format!("{SECRET}\n")).unwrap();
    let dir = root.join("pol");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("p.funnel"), small_policy("")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.funnel"))
        .status()
        .unwrap();
    assert!(made.success());
    symlink(&dir, &dir.join("again"));
    let out = run(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    symlink(&root.join("secret.txt"), &dir.join("leak.funnel"));
    let out = run(&["fmt", "--check", dir.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        unwrapped(&stderr).contains("is outside the policy directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET-7f3a"), "{stderr}");
}

#[test]
fn no_path_reads_policies_here_or_says_what_it_looked_for() {
    let dir = TempDir::new("no-path");
    let check_here = || {
        Command::new(env!("CARGO_BIN_EXE_funnel"))
            .arg("check")
            .current_dir(&dir.0)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = check_here();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let here = std::fs::canonicalize(&dir.0).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: no path given, and no ./policies directory in {} (what `funnel check` reads \
             without one); give a policy directory or file, e.g. `funnel check policies/acme`, \
             or `-` for stdin\n",
            here.display()
        )
    );

    std::fs::create_dir_all(dir.join("policies/p")).unwrap();
    std::fs::write(dir.join("policies/p/p.funnel"), small_policy("")).unwrap();
    let out = check_here();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "checked 1 file: 0 errors, 0 warnings\n");
}
