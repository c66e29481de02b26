//! Blocks that did not parse. The parser drops a block with a syntax error, so its names would
//! look undefined everywhere they are used; the checker finds the block's header in the text and
//! treats its names as defined but unknown, so one syntax error is reported once, not again at
//! every use of what the block defines.

use super::DefKind;
use funnel_grammar::ast;
use funnel_grammar::{BlockHead, SourceFile};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

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
    /// Some block did not parse, of any kind.
    pub any: bool,
}

impl Broken {
    /// Finds, in each file, the heads of blocks (as the parser cuts files) where no parsed
    /// item starts.
    pub(crate) fn find(files: &[(Arc<SourceFile>, ast::File)]) -> Broken {
        let mut b = Broken::default();
        for (file, tree) in files {
            let starts: HashSet<usize> = tree.items.iter().map(|i| i.span().start).collect();
            for head in funnel_grammar::block_heads(&file.text) {
                if !starts.contains(&head.start) {
                    b.add(head);
                }
            }
        }
        b
    }

    /// Notes what a block that did not parse would have defined.
    fn add(&mut self, head: BlockHead) {
        self.any = true;
        let name = head.name;
        let mut named = |kind: DefKind| {
            if !name.is_empty() {
                self.defs.entry(name.clone()).or_insert(kind);
            }
        };
        match head.keyword {
            "persona" => named(DefKind::Persona),
            "score" => named(DefKind::Score),
            "let" => named(DefKind::Let),
            "calendar" => named(DefKind::Calendar),
            "sla" => named(DefKind::Sla),
            "metric" => named(DefKind::Metric),
            "policy" => self.header = true,
            "schema" if !name.is_empty() => {
                self.schemas.insert(name);
            }
            "grade" if !name.is_empty() => {
                self.grades.insert(name);
            }
            "stages" => self.stages = true,
            "route" => self.route = true,
            _ => {}
        }
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
            "\u{FEFF}score fit {\n  10 when x\n}\nlet y = 1\nstages {\n  lead\n",
        );
        let tree = ast::File {
            items: Vec::new(),
            comments: Vec::new(),
        };
        let b = Broken::find(&[(file, tree)]);
        assert_eq!(b.defs.get("fit"), Some(&DefKind::Score));
        assert_eq!(b.defs.get("y"), Some(&DefKind::Let));
        assert!(b.stages && b.any);
        assert!(!b.route);
    }
}
