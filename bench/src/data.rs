//! Where the workload lives: the shared generator and reference (`../shared/bench`), and the
//! lead files generated from them once and kept under `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate lives in the workspace")
        .to_path_buf()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, else `<workspace root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// `<workspace root>/../shared/bench`, when it exists: the workload's generator
/// (`gen_leads.py`), reference implementation (`reference.py`) and description.
pub fn shared_bench_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("..").join("shared").join("bench");
    dir.join("gen_leads.py").is_file().then_some(dir)
}

/// A file of `n` generated leads (JSONL, seed 42), made once with `python3 gen_leads.py n`
/// into `target/bench-data/leads-{n}.jsonl` and reused afterwards. `None`, with a notice on
/// stderr, when `../shared/bench` is not there.
///
/// # Panics
/// When python3 cannot run the generator or the file cannot be written.
pub fn leads_file(n: usize) -> Option<PathBuf> {
    let Some(shared) = shared_bench_dir() else {
        eprintln!(
            "notice: {} is absent, so there are no generated leads; skipping",
            workspace_root().join("../shared/bench").display()
        );
        return None;
    };
    let dir = target_dir().join("bench-data");
    let path = dir.join(format!("leads-{n}.jsonl"));
    if path.is_file() {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    // Written under a name of its own, then renamed: a concurrent caller (tests run in
    // parallel) or an interrupted run never leaves a half-written file under the final name.
    let tmp = dir.join(format!(
        ".leads-{n}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let out =
        std::fs::File::create(&tmp).unwrap_or_else(|e| panic!("create {}: {e}", tmp.display()));
    let status = Command::new("python3")
        .arg(shared.join("gen_leads.py"))
        .arg(n.to_string())
        .stdout(out)
        .status()
        .expect("run python3 gen_leads.py");
    assert!(status.success(), "gen_leads.py {n} failed: {status}");
    std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
    Some(path)
}

/// The non-empty lines of a JSONL file.
///
/// # Panics
/// When the file cannot be read.
pub fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// One line of `reference.py`'s output: id, fit, engagement, stage, grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The lead's id.
    pub id: String,
    /// The fit score.
    pub fit: i64,
    /// Engagement after the inactivity discount.
    pub engagement: i64,
    /// `lead`, `mql` or `sql`.
    pub stage: String,
    /// `A` to `D`.
    pub grade: String,
}

/// What `python3 reference.py < leads` says about every lead of a file, in order. `None`
/// when `../shared/bench` is absent.
///
/// # Panics
/// When the reference does not run or prints something unexpected.
pub fn reference_outputs(leads: &Path) -> Option<Vec<Expected>> {
    let shared = shared_bench_dir()?;
    let input = std::fs::File::open(leads).expect("open the leads");
    let out = Command::new("python3")
        .arg(shared.join("reference.py"))
        .stdin(input)
        .stderr(Stdio::inherit())
        .output()
        .expect("run python3 reference.py");
    assert!(out.status.success(), "reference.py failed: {}", out.status);
    let text = String::from_utf8(out.stdout).expect("reference output is UTF-8");
    Some(
        text.lines()
            .map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                assert_eq!(f.len(), 5, "unexpected reference line {line:?}");
                Expected {
                    id: f[0].to_string(),
                    fit: f[1].parse().expect("fit"),
                    engagement: f[2].parse().expect("engagement"),
                    stage: f[3].to_string(),
                    grade: f[4].to_string(),
                }
            })
            .collect(),
    )
}
