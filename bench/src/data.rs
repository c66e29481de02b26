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

/// The leads of [`leads_file`]`(n)` as one record batch, its column types inferred from the
/// JSON (texts, ints, floats, bools, a list of texts): what a warehouse export of the same
/// table holds. `None`, with a notice, without the workload.
///
/// # Panics
/// When the file cannot be read or is not the workload's JSON lines.
pub fn leads_batch(n: usize) -> Option<arrow::array::RecordBatch> {
    let path = leads_file(n)?;
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let (schema, _) = arrow::json::reader::infer_json_schema(&text[..], Some(1000))
        .expect("the workload's leads are JSON objects");
    let reader = arrow::json::ReaderBuilder::new(std::sync::Arc::new(schema))
        .with_batch_size(n.max(1))
        .build(&text[..])
        .expect("a JSON reader");
    let batches: Vec<_> = reader.map(|b| b.expect("a lead")).collect();
    Some(arrow::compute::concat_batches(&batches[0].schema(), &batches).expect("one schema"))
}

/// [`leads_batch`]`(n)` as a Parquet file, `target/bench-data/leads-{n}.parquet`, made once.
///
/// # Panics
/// When the file cannot be written.
pub fn leads_parquet(n: usize) -> Option<PathBuf> {
    let path = target_dir()
        .join("bench-data")
        .join(format!("leads-{n}.parquet"));
    if path.is_file() {
        return Some(path);
    }
    let batch = leads_batch(n)?;
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let file =
        std::fs::File::create(&tmp).unwrap_or_else(|e| panic!("create {}: {e}", tmp.display()));
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).expect("a Parquet writer");
    writer.write(&batch).expect("write the leads");
    writer.close().expect("close the Parquet file");
    std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
    Some(path)
}
