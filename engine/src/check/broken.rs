//! Blocks that did not parse. The parser drops a block with a syntax error, so its names would
//! look undefined everywhere they are used; the checker finds the block's header in the text and
//! treats its names as defined but unknown, so one syntax error is reported once, not again at
//! every use of what the block defines.

use super::DefKind;
use funnel_grammar::ast;
use funnel_grammar::SourceFile;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The keywords that start a top-level block in column 1 (as the parser cuts files).
const BLOCK_KEYWORDS: &[&str] = &[
    "policy", "schema", "persona", "score", "let", "grade", "stages", "route", "calendar", "sla",
    "metric", "test", "use",
];

/// What the blocks that failed to parse would have defined.
#[derive(Debug, Default)]
pub(crate) struct Broken {
    /// A `policy` header that did not parse.
    pub header: bool,
    /// Schemas that did not parse, by name.
    pub schemas: HashSet<String>,
    /// Lets, personas, scores, calendars, SLAs and metrics that did not parse.
    pub defs: HashMap<String, DefKind>,
    /// Scores whose `grade` block did not parse.
    pub grades: HashSet<String>,
    /// The `stages` block did not parse.
    pub stages: bool,
    /// The `route` block did not parse.
    pub route: bool,
}

impl Broken {
    /// Finds, in each file, block headers in column 1 where no parsed item starts.
    pub(crate) fn find(files: &[(Arc<SourceFile>, ast::File)]) -> Broken {
        let mut b = Broken::default();
        for (file, tree) in files {
            let starts: HashSet<usize> = tree.items.iter().map(|i| i.span().start).collect();
            let text = file.text.as_str();
            let line_starts =
                std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
            for at in line_starts {
                if starts.contains(&at) {
                    continue;
                }
                let line = &text[at..];
                let Some(kw) = BLOCK_KEYWORDS.iter().find(|kw| {
                    line.strip_prefix(**kw).is_some_and(|rest| {
                        !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    })
                }) else {
                    continue;
                };
                let rest = line[kw.len()..].trim_start_matches([' ', '\t']);
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let named = |kind: DefKind, b: &mut Broken| {
                    if !name.is_empty() {
                        b.defs.entry(name.clone()).or_insert(kind);
                    }
                };
                match *kw {
                    "policy" => b.header = true,
                    "schema" if !name.is_empty() => {
                        b.schemas.insert(name.clone());
                    }
                    "persona" => named(DefKind::Persona, &mut b),
                    "score" => named(DefKind::Score, &mut b),
                    "let" => named(DefKind::Let, &mut b),
                    "calendar" => named(DefKind::Calendar, &mut b),
                    "sla" => named(DefKind::Sla, &mut b),
                    "metric" => named(DefKind::Metric, &mut b),
                    "grade" if !name.is_empty() => {
                        b.grades.insert(name.clone());
                    }
                    "stages" => b.stages = true,
                    "route" => b.route = true,
                    _ => {}
                }
            }
        }
        b
    }

    /// True when a name may be defined by a block that did not parse.
    pub(crate) fn defines(&self, name: &str) -> bool {
        self.defs.contains_key(name)
    }

    /// True when the lead schema did not parse, so no field name can be judged unknown.
    pub(crate) fn lead_schema(&self) -> bool {
        self.schemas.contains("lead")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_names_of_blocks_that_did_not_parse() {
        let file = SourceFile::new(
            "a.funnel",
            "score fit {\n  10 when x\n}\nlet y = 1\nstages {\n  lead\n",
        );
        let tree = ast::File {
            items: Vec::new(),
            comments: Vec::new(),
        };
        let b = Broken::find(&[(file, tree)]);
        assert_eq!(b.defs.get("fit"), Some(&DefKind::Score));
        assert_eq!(b.defs.get("y"), Some(&DefKind::Let));
        assert!(b.stages);
        assert!(!b.route);
    }
}
