//! Compiling a checked policy into what [`crate::Policy`] owns and evaluation runs.
//!
//! The pipeline is text -> tree (`funnel_grammar`) -> [`Checked`] ([`crate::check`]) ->
//! [`CompiledPolicy`] (here) -> decision ([`crate::eval`], [`crate::decision`]). Compiling
//! folds constant subexpressions ([`fold`]), turns every expression into closures
//! ([`crate::eval::compiled`]), keeps the scripts' sandbox, indexes the lead's fields for
//! decoding and stamps the policy with its digest.

mod fold;

use crate::checked::Checked;
use crate::decision::PolicyStamp;
use crate::decode::FieldIndex;
use crate::eval::compiled::Program;
use crate::eval::{Slots, State};
use crate::script::ScriptRuntime;
use crate::value::Value;
use chrono::{DateTime, FixedOffset};
use funnel_grammar::SourceFile;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// A policy ready to evaluate: the checked form with its compiled program, script sandbox,
/// field index and stamp.
#[derive(Clone)]
pub(crate) struct CompiledPolicy {
    pub(crate) checked: Checked,
    /// The expressions as closures; `None` makes every expression walk its tree (the tests
    /// that check the two agree).
    pub(crate) program: Option<Arc<Program>>,
    /// The compiled scripts (when the policy uses any).
    pub(crate) runtime: Option<Arc<ScriptRuntime>>,
    pub(crate) index: FieldIndex,
    pub(crate) stamp: PolicyStamp,
}

/// Compiles a checked policy. `files` are the set's sources, for the digest; `runtime` holds
/// the scripts the checker compiled.
pub(crate) fn compile(
    mut checked: Checked,
    runtime: Option<ScriptRuntime>,
    files: &[Arc<SourceFile>],
) -> CompiledPolicy {
    fold::fold_policy(&mut checked);
    let program = Arc::new(crate::eval::compiled::compile(&checked));
    let stamp = PolicyStamp {
        name: checked.header.name.clone(),
        version: checked.header.version,
        // Scripts are part of the policy's text: an edited script is a new policy.
        digest: digest(
            &files
                .iter()
                .cloned()
                .chain(checked.scripts.iter().map(|s| s.source.clone()))
                .collect::<Vec<_>>(),
        ),
    };
    CompiledPolicy {
        index: FieldIndex::new(&checked),
        checked,
        program: Some(program),
        runtime: runtime.map(Arc::new),
        stamp,
    }
}

impl CompiledPolicy {
    /// A state for evaluating one lead with this policy's compiled code.
    pub(crate) fn state<'a>(
        &'a self,
        lead: &'a [Value],
        now: DateTime<FixedOffset>,
        explain: bool,
        out: &'a mut Slots,
    ) -> State<'a> {
        State::new(&self.checked, lead, now, explain, out)
            .with_code(self.program.as_deref(), self.runtime.as_deref())
    }
}

/// The digest of a set's sources and scripts: file names (without directories) and texts,
/// in name order.
fn digest(files: &[Arc<SourceFile>]) -> String {
    let mut named: Vec<(String, &str)> = files
        .iter()
        .map(|f| {
            let name = Path::new(&f.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.name.clone());
            (name, f.text.as_str())
        })
        .collect();
    named.sort();
    let mut h = Sha256::new();
    for (name, text) in named {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    let bytes = h.finalize();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
