//! The command lines that the CLI benchmarks, the memory benchmark and the tests run.

use crate::{workspace_root, AT, POLICY_DIR};
use std::path::Path;
use std::process::Command;

/// `funnel eval bench/lead-scoring-v1 FILE --at AT [--jobs J]`, run at the workspace root.
/// Without `jobs`, funnel uses every core.
pub fn funnel_eval(funnel: &Path, file: &Path, jobs: Option<usize>) -> Command {
    let mut cmd = Command::new(funnel);
    cmd.current_dir(workspace_root())
        .args(["eval", POLICY_DIR])
        .arg(file)
        .args(["--at", AT]);
    if let Some(j) = jobs {
        cmd.arg("--jobs").arg(j.to_string());
    }
    cmd
}

/// `handwritten-eval FILE --digest DIGEST --at AT`, given the binary's path (cargo tells
/// benchmarks and tests: `env!("CARGO_BIN_EXE_handwritten-eval")`).
pub fn handwritten_eval(bin: &Path, file: &Path, digest: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg(file).args(["--digest", digest, "--at", AT]);
    cmd
}
