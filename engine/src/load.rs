//! Loading a policy set: its files are read, parsed and checked, and the scripts they name are
//! read here and handed to the checker.

use crate::checked::Checked;
use crate::diagnostic::{Code, Diagnostic};
use crate::script::ScriptRuntime;
use crate::source::{self, PolicyDir};
use funnel_grammar::ast::{self, Item};
use funnel_grammar::SourceFile;
use funnel_locale::t;
use std::sync::Arc;

/// The outcome of checking one policy set.
pub struct CheckReport {
    /// The set's files.
    pub files: Vec<Arc<SourceFile>>,
    /// Errors and warnings, syntax errors included.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked policy and its compiled scripts, when there were no errors.
    pub(crate) checked: Option<(Checked, Option<ScriptRuntime>)>,
    /// Every definition and every use of each, for editors (also when there are errors:
    /// whatever the checker could resolve).
    pub symbols: crate::SymbolIndex,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Whether the set checked without errors (and so would load).
    pub fn is_ok(&self) -> bool {
        self.checked.is_some()
    }
}

/// Parses and checks the files of one policy set.
///
/// ```
/// use funnel_grammar::SourceFile;
///
/// let report = funnel_engine::check_sources(vec![SourceFile::new("p.funnel", "policy \"p\" version 1\n")]);
/// assert!(!report.is_ok());
/// assert_eq!(report.diagnostics[0].code.as_str(), "funnel::no_lead_schema");
/// ```
pub fn check_sources(files: Vec<Arc<SourceFile>>) -> CheckReport {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for f in &files {
        let (tree, errors) = funnel_grammar::parse(f);
        diagnostics.extend(errors.into_iter().map(Diagnostic::from_syntax));
        parsed.push((f.clone(), tree));
    }
    let scripts = read_scripts(&parsed);
    let (checked, found, symbols) = crate::check::check(&parsed, &scripts);
    diagnostics.extend(found);
    let checked = if diagnostics.iter().any(|d| d.is_error()) {
        None
    } else {
        checked
    };
    CheckReport {
        files,
        checked,
        diagnostics,
        symbols,
    }
}

/// Reads, parses and checks the policy set in a directory.
pub fn check_dir(dir: impl AsRef<std::path::Path>) -> Result<CheckReport, Diagnostic> {
    let sets = PolicyDir::discover(&[dir.as_ref().to_path_buf()])?;
    let set = sets.into_iter().next().ok_or_else(|| {
        Diagnostic::error(
            Code::NoPolicyFiles,
            t!("no_policy_files-no-policy-files-found"),
        )
    })?;
    Ok(check_sources(set.read()?))
}

/// The scripts the files name, each read beside (and confined to the directory of) the file
/// that names it.
fn read_scripts(parsed: &[(Arc<SourceFile>, ast::File)]) -> crate::check::ScriptTexts {
    let mut texts = crate::check::ScriptTexts::new();
    for (file, tree) in parsed {
        for item in &tree.items {
            if let Item::UseScript(u) = item {
                let path = source::relative_to(file, &u.path.value);
                texts
                    .entry((file.name.clone(), path.clone()))
                    .or_insert_with(|| source::read_beside(&file.name, &path));
            }
        }
    }
    texts
}
