//! Names written with letters outside ASCII (`funcionários`, `intenção`). Names are ASCII, but
//! people who write Portuguese or Spanish type accents without thinking: the grammar accepts
//! such a name so that the parser can say what is wrong and read it as its ASCII spelling.
//! Every use then agrees with the definition, so the mistake is reported once per spelling and
//! file, not again as an unknown name at every use.

use super::{Ctx, FunnelParser, Rule, SyntaxError, SyntaxKind};
use crate::span::Span;
use funnel_locale::t;
use pest::Parser;
use std::collections::HashMap;

/// At most this many other lines are listed in the help.
const MAX_LINES: usize = 5;

impl Ctx<'_> {
    /// The name the rest of the tree sees for a name as written: itself when it is ASCII, else
    /// its ASCII spelling (when it has one), with an error.
    pub(super) fn name_of(&self, written: &str, span: &Span) -> String {
        if written.is_ascii() {
            return written.to_string();
        }
        let ascii = ascii_spelling(written).filter(|a| is_name(a));
        let first = written.chars().find(|c| !c.is_ascii()).unwrap_or('?');
        let help = match &ascii {
            Some(a) if self.declares_field(span) => {
                t!("syntax-write-if-input-calls", a = a, written = written)
            }
            Some(a) if self.declares_enum_value(span) => {
                t!("syntax-write-if-input-writes", a = a, written = written)
            }
            Some(a) => t!("syntax-write", a = a),
            None => t!("syntax-rename-ascii-letters-digits"),
        };
        self.errors.borrow_mut().push(SyntaxError {
            span: span.clone(),
            message: t!("syntax-valid-name-names-are", written = written),
            label: t!("syntax-ascii-letter-label", first = first),
            help: Some(help),
            kind: SyntaxKind::NonAsciiName,
        });
        ascii.unwrap_or_else(|| written.to_string())
    }

    /// Whether a name is a field declared, without `from`, in a `schema` or `table` block
    /// (`funcionários: int`): the input's own spelling can be kept with `from`.
    fn declares_field(&self, span: &Span) -> bool {
        let text = &self.file.text;
        let block = text.get(self.base..).unwrap_or("");
        let after = text.get(span.end..).unwrap_or("");
        let line = after.split('\n').next().unwrap_or("");
        (block.starts_with("schema") || block.starts_with("table"))
            && line.trim_start_matches([' ', '\t']).starts_with(':')
            && !line.contains(" from ")
    }
}

impl Ctx<'_> {
    /// Whether a name is a value of an `enum(...)` type in a `schema` or `table` block: the
    /// input's own spelling can be read with `map`.
    fn declares_enum_value(&self, span: &Span) -> bool {
        let text = &self.file.text;
        let block = text.get(self.base..span.start).unwrap_or("");
        let open = block.rfind("enum(");
        (block.starts_with("schema") || block.starts_with("table"))
            && open.is_some_and(|at| !block[at..].contains(')'))
    }
}

/// Keeps one error per non-ASCII spelling of a file, the first, and says in its help on which
/// other lines the spelling appears (to fix them all at once).
pub(super) fn first_of_each_spelling(errors: &mut Vec<SyntaxError>) {
    let mut others: HashMap<String, Vec<usize>> = HashMap::new();
    let mut kept = Vec::with_capacity(errors.len());
    for e in errors.drain(..) {
        if e.kind != SyntaxKind::NonAsciiName {
            kept.push(e);
            continue;
        }
        match others.get_mut(e.span.text()) {
            Some(lines) => lines.push(e.span.line_col().0),
            None => {
                others.insert(e.span.text().to_string(), Vec::new());
                kept.push(e);
            }
        }
    }
    for e in &mut kept {
        let lines = others
            .get(e.span.text())
            .filter(|_| e.kind == SyntaxKind::NonAsciiName);
        if let (Some(lines), Some(help)) = (lines, &mut e.help) {
            help.push_str(&also_on(lines));
        }
    }
    *errors = kept;
}

/// " here and on lines 9 and 12", or "" when the spelling appears once.
fn also_on(lines: &[usize]) -> String {
    let mut lines = lines.to_vec();
    lines.dedup();
    let shown: Vec<String> = lines.iter().take(MAX_LINES).map(usize::to_string).collect();
    let more = lines.len().saturating_sub(MAX_LINES);
    match (shown.as_slice(), more) {
        ([], _) => String::new(),
        ([one], _) => t!("non_ascii_name-also-on-line", line = one),
        ([init @ .., last], 0) => {
            t!(
                "non_ascii_name-also-on-lines",
                lines = init.join(", "),
                last = last
            )
        }
        (all, more) => t!(
            "non_ascii_name-also-on-more-lines",
            lines = all.join(", "),
            more = more
        ),
    }
}

/// The ASCII spelling of a name: accents dropped (`funcionários` → `funcionarios`), combining
/// accents too (as some keyboards type them). `None` when a letter has no ASCII form.
pub(crate) fn ascii_spelling(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if !is_accent(c) {
            out.push(plain_letter(c)?);
        }
    }
    Some(out)
}

/// Whether a character is a combining accent (`a` followed by U+0301 is `á`).
pub(super) fn is_accent(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// Whether a text is a whole name to the grammar (an ASCII spelling may be a reserved word:
/// `ór` is `or`).
fn is_name(text: &str) -> bool {
    FunnelParser::parse(Rule::name, text).is_ok_and(|p| p.as_str() == text)
}

/// The ASCII letter of a Latin letter with an accent, as Portuguese and Spanish write them.
fn plain_letter(c: char) -> Option<char> {
    Some(match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'Á' | 'À' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_dropped() {
        assert_eq!(
            ascii_spelling("funcionários").as_deref(),
            Some("funcionarios")
        );
        assert_eq!(
            ascii_spelling("ÁÇÃÉÊÍÓÔÕÚÜÑ_àèìòù_âêîôû").as_deref(),
            Some("ACAEEIOOOUUN_aeiou_aeiou")
        );
        assert_eq!(
            ascii_spelling("intenc\u{327}a\u{303}o").as_deref(),
            Some("intencao")
        );
        assert_eq!(ascii_spelling("客户"), None);
    }

    #[test]
    fn a_spelling_that_is_a_reserved_word_is_no_name() {
        assert!(is_name("intencao"));
        assert!(!is_name("or"));
        assert!(!is_name("a b"));
    }

    #[test]
    fn other_lines_are_listed() {
        assert_eq!(also_on(&[]), "");
        assert_eq!(also_on(&[9]), " here and on line 9");
        assert_eq!(also_on(&[9, 9, 12]), " here and on lines 9 and 12");
        assert_eq!(
            also_on(&[1, 2, 3, 4, 5, 6, 7]),
            " here and on lines 1, 2, 3, 4, 5 and 2 more"
        );
    }
}
