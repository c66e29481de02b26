//! `funnel fmt`: rewrite policy files in the one canonical layout.

use crate::args::{is_stdin, paths_or_default, StdinFile};
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::{color_stderr, plural, write_to, ReportFormat};
use funnel_engine::{Diagnostic, PolicyDir};
use funnel_grammar::SourceFile;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files, or directories searched recursively for `*.funnel` files; `-` formats
    /// the text on stdin and writes it to stdout. Default: ./policies.
    paths: Vec<PathBuf>,
    /// Write nothing: list the files that are not formatted (one a line, on stdout) and exit 1
    /// when there are any. For CI.
    #[arg(long)]
    check: bool,
    /// Write nothing: print a unified diff of the changes formatting would make.
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    stdin: StdinFile,
    /// Output format: `json` gives the files that change (with `--diff`, their diffs) and
    /// the syntax errors as one JSON document on stdout.
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
}

/// What `funnel fmt` went through, for its JSON document.
#[derive(Default)]
struct Summary {
    files: usize,
    /// The files that change (or would): counted in every format, listed for JSON.
    changed: usize,
    listed: Vec<serde_json::Value>,
    broken: usize,
    diagnostics: Vec<funnel_engine::diagnostic::JsonDiagnostic>,
}

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let json = args.format == ReportFormat::Json;
    let write = !args.check && !args.diff;
    let paths = paths_or_default(&args.paths, "fmt")?;
    args.stdin.check_used(&paths)?;
    let from_stdin = paths.iter().any(|p| is_stdin(p));
    if from_stdin && paths.len() > 1 {
        return Err(Failure::Fmt(
            "`-` formats the text on stdin alone: give no other path with it".into(),
        ));
    }
    if from_stdin && write && json {
        return Err(Failure::Fmt(
            "`funnel fmt -` writes the formatted text itself; --format json goes with --check \
             or --diff"
                .into(),
        ));
    }
    let files = if from_stdin {
        vec![None]
    } else {
        collect(&paths)
            .map_err(Failure::Fmt)?
            .into_iter()
            .map(Some)
            .collect()
    };
    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    for path in &files {
        let file = read(path.as_ref(), &args.stdin)?;
        let name = file.name.clone();
        let formatted = match funnel_grammar::format(&file) {
            Ok(formatted) => formatted,
            Err(errors) => {
                summary.broken += 1;
                for e in errors {
                    let d = Diagnostic::from_syntax(e);
                    if json {
                        summary.diagnostics.push(d.to_json());
                    } else {
                        eprint!("{}", d.render(color));
                    }
                }
                continue;
            }
        };
        // An editor replaces its text with what comes back, changed or not.
        if path.is_none() && write {
            write_to(None, &formatted)?;
            continue;
        }
        if formatted == file.text {
            continue;
        }
        summary.changed += 1;
        let diff = args
            .diff
            .then(|| crate::output::unified_diff(&name, &file.text, &formatted));
        match (&diff, json) {
            (_, true) => summary
                .listed
                .push(serde_json::json!({ "file": name, "diff": diff })),
            (Some(diff), false) => print!("{diff}"),
            (None, false) if args.check => println!("{name}"),
            (None, false) => {}
        }
        if let (Some(path), true) = (path, write) {
            std::fs::write(path, &formatted)
                .map_err(|e| Failure::Fmt(format!("{name}: {}", io_error(&e))))?;
        }
    }
    let changed = summary.changed;
    if json {
        print_json(&summary, &args);
    } else if summary.broken > 0 {
        eprintln!(
            "funnel fmt: {} not formatted: syntax errors",
            plural(summary.broken, "file")
        );
    } else if write && changed > 0 {
        eprintln!("formatted {changed} of {}", plural(files.len(), "file"));
    }
    if summary.broken > 0 || (args.check && changed > 0) {
        Ok(exit::FAILED)
    } else {
        Ok(exit::OK)
    }
}

/// A file to format, or stdin's text for `None`; confined like `check`: a `*.funnel` symlink
/// to a file elsewhere is not read, so its content never shows in a syntax error.
fn read(path: Option<&PathBuf>, stdin: &StdinFile) -> Result<Arc<SourceFile>, Failure> {
    let read = match path {
        Some(path) => PolicyDir::read_file(path),
        None => stdin.read(),
    };
    read.map_err(|d| Failure::Fmt(d.message))
}

/// The JSON document: the files gone through, those that change (were rewritten, without
/// `--check` or `--diff`), and the syntax errors of those that could not be formatted.
fn print_json(summary: &Summary, args: &Args) {
    let mode = match (args.check, args.diff) {
        (_, true) => "diff",
        (true, false) => "check",
        (false, false) => "write",
    };
    let doc = serde_json::json!({
        "mode": mode,
        "files": summary.files,
        "changed": summary.listed,
        "syntax_errors": summary.broken,
        "diagnostics": summary.diagnostics,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
    );
}

/// The files to format: files as given, directories searched recursively for `*.funnel`
/// (sorted, so the output is stable).
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("{}: {}", path.display(), io_error(&e)))?;
        if meta.is_dir() {
            let found = PolicyDir::files_under(path).map_err(|d| d.message)?;
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files.dedup();
    Ok(files)
}

/// "no such file or directory", without Rust's "(os error 2)".
fn io_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}
