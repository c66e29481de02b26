//! `funnel fmt`: rewrite policy files in the one canonical layout.

use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::{color_stderr, plural};
use funnel_engine::{Code, Diagnostic, PolicyDir};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Policy files, or directories searched recursively for `*.funnel` files.
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    /// Write nothing: list the files that are not formatted (one a line, on stdout) and exit 1
    /// when there are any. For CI.
    #[arg(long)]
    check: bool,
    /// Write nothing: print a unified diff of the changes formatting would make.
    #[arg(long)]
    diff: bool,
}

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let files = collect(&args.paths).map_err(Failure::Fmt)?;
    let write = !args.check && !args.diff;
    let (mut changed, mut broken) = (0, 0);
    for path in &files {
        let name = path.display().to_string();
        // Confined like `check`: a `*.funnel` symlink to a file elsewhere is not read, so its
        // content never shows in a syntax error.
        let file = PolicyDir::read_file(path).map_err(|d| Failure::Fmt(d.message))?;
        let formatted = match funnel_grammar::format(&file) {
            Ok(formatted) => formatted,
            Err(errors) => {
                broken += 1;
                for e in errors {
                    let mut d = Diagnostic::error(Code::Syntax, e.message).label(&e.span, e.label);
                    if let Some(help) = e.help {
                        d = d.help(help);
                    }
                    eprint!("{}", d.render(color));
                }
                continue;
            }
        };
        if formatted == file.text {
            continue;
        }
        changed += 1;
        if args.diff {
            print!(
                "{}",
                crate::output::unified_diff(&name, &file.text, &formatted)
            );
        } else if args.check {
            println!("{name}");
        }
        if write {
            std::fs::write(path, &formatted)
                .map_err(|e| Failure::Fmt(format!("{name}: {}", io_error(&e))))?;
        }
    }
    if broken > 0 {
        eprintln!(
            "funnel fmt: {} not formatted: syntax errors",
            plural(broken, "file")
        );
        return Ok(exit::FAILED);
    }
    if write && changed > 0 {
        eprintln!("formatted {changed} of {}", plural(files.len(), "file"));
    }
    if args.check && changed > 0 {
        Ok(exit::FAILED)
    } else {
        Ok(exit::OK)
    }
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
