//! Turning pest's errors into [`SyntaxError`]s in plain words: grammar rules are renamed to
//! phrases, the text found is quoted, and common slips get a `help` line.

use super::lexical::BLOCK_KEYWORDS;
use super::{numbers, Ctx, Rule, SyntaxError, SyntaxKind};
use funnel_locale::t;
use pest::error::{Error, ErrorVariant, InputLocation};

/// At most this many phrases are listed after "expected".
const MAX_PHRASES: usize = 3;

const EXPRESSION: &str = "syntax-phrase-expression";
const OPERATOR: &str = "syntax-phrase-operator";
const END_OF_LINE: &str = "syntax-phrase-end-line";

/// What the parser stopped on.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    /// A token, quoted in the message.
    Token(String),
    /// A string literal with no closing quote on its line.
    UnterminatedString,
    EndOfLine,
    /// The end of the block: the next block, or the end of the file.
    EndOfBlock,
}

pub(super) fn convert(ctx: &Ctx<'_>, text: &str, err: &Error<Rule>) -> SyntaxError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => return too_deep(ctx, text, pos),
    };
    let found = found_at(text, pos);
    let (start, end) = found_range(text, pos, &found);
    let span = ctx.span_at(start, end);
    if is_preamble(text) {
        return stray_text(span, &found, ctx);
    }
    if let Some(bad) = bad_escape(&found) {
        return SyntaxError {
            span,
            message: t!("syntax-escape-text-can-contain", bad = bad),
            label: t!("syntax-unknown-escape-label"),
            help: Some(t!("syntax-escapes-text-are-n")),
            kind: SyntaxKind::Grammar,
        };
    }
    if let Some(slip) = numbers::thousands(ctx, text, pos)
        .or_else(|| numbers::duration_unit(ctx, text, pos, &positives))
    {
        return slip;
    }
    let mut phrases = phrases(&positives);
    if found == Found::EndOfBlock && positives.contains(&Rule::p_rbrace) {
        // At the end of a block, the missing `}` is the likely slip.
        phrases.retain(|p| p != "`}`");
        phrases.insert(0, "`}`".into());
        phrases.truncate(MAX_PHRASES);
    }
    let found_words = describe(&found, ctx, text);
    let mut message = if phrases.is_empty() {
        t!("syntax-unexpected", found_words = found_words)
    } else {
        t!(
            "syntax-expected-found",
            expected = join(&phrases),
            found_words = found_words
        )
    };
    let label = match &found {
        Found::Token(t) => t!("syntax-unexpected-2", t = t),
        Found::UnterminatedString => t!("syntax-text-has-no-closing"),
        _ => match phrases.first() {
            Some(p) => t!("syntax-expected-here", p = p),
            None => t!("syntax-unexpected-end"),
        },
    };
    if found == Found::UnterminatedString {
        message = t!("syntax-text-missing-closing");
    }
    let help = help(ctx, text, &found, &positives);
    SyntaxError {
        span,
        message,
        label,
        help,
        kind: SyntaxKind::Grammar,
    }
}

/// pest gave up because of its stack guard: the block nests too deeply.
fn too_deep(ctx: &Ctx<'_>, text: &str, pos: usize) -> SyntaxError {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    SyntaxError {
        span: ctx.span_at(pos, end),
        message: t!("syntax-block-nested-too-deeply"),
        label: t!("syntax-nested-too-deeply-label"),
        help: Some(t!("syntax-split-deep-expressions-into-help")),
        kind: SyntaxKind::Grammar,
    }
}

/// Text before the first block that is not a comment.
fn stray_text(span: crate::span::Span, found: &Found, ctx: &Ctx<'_>) -> SyntaxError {
    SyntaxError {
        span,
        message: t!(
            "syntax-expected-block-such-score",
            found_words = describe(found, ctx, "")
        ),
        label: t!("syntax-inside-any-block-label"),
        help: Some(t!(
            "syntax-block-starts-one-these-help",
            keywords = BLOCK_KEYWORDS.join(", ")
        )),
        kind: SyntaxKind::Grammar,
    }
}

/// Whether this piece of text is the preamble (it does not start with a block keyword).
fn is_preamble(text: &str) -> bool {
    !super::lexical::starts_block(text)
}

fn found_at(text: &str, pos: usize) -> Found {
    let rest = &text[pos..];
    if only_blanks_and_comments(rest) {
        return Found::EndOfBlock;
    }
    let Some(c) = rest.chars().next() else {
        return Found::EndOfBlock;
    };
    if c == '\n' || c == '\r' || c == '#' {
        return Found::EndOfLine;
    }
    if c == '"' && !string_closed(rest) {
        return Found::UnterminatedString;
    }
    Found::Token(token(rest))
}

fn only_blanks_and_comments(rest: &str) -> bool {
    rest.lines().all(|line| {
        let line = line.trim_start();
        line.is_empty() || line.starts_with('#')
    })
}

/// Whether a string starting at the beginning of `rest` ends on its line.
fn string_closed(rest: &str) -> bool {
    let mut escaped = false;
    for c in rest.chars().skip(1) {
        match (escaped, c) {
            (_, '\n' | '\r') => return false,
            (false, '\\') => escaped = true,
            (false, '"') => return true,
            _ => escaped = false,
        }
    }
    false
}

/// The token at the start of `rest`: a word, a number, a string, or an operator.
fn token(rest: &str) -> String {
    const OPERATORS: [&str; 10] = ["==", "!=", "<=", ">=", "=>", "=<", "&&", "||", "->", ".."];
    let first = rest.chars().next().unwrap_or(' ');
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let taken: String = if word(first) {
        rest.chars()
            .take_while(|&c| word(c) || c == '.' && first.is_ascii_digit() || c == '%')
            .collect()
    } else if first == '"' {
        let mut escaped = false;
        let mut out = String::from('"');
        for c in rest.chars().skip(1) {
            out.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => break,
                _ => escaped = false,
            }
        }
        out
    } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
        op.to_string()
    } else {
        first.to_string()
    };
    shorten(&taken)
}

fn shorten(s: &str) -> String {
    const MAX: usize = 30;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(MAX).collect::<String>())
    }
}

/// The block-relative range to underline.
fn found_range(text: &str, pos: usize, found: &Found) -> (usize, usize) {
    match found {
        Found::Token(_) => {
            let rest = &text[pos..];
            // Underline the token as it appears (its length in the text, not once shortened).
            let len = token_len(rest);
            (pos, pos + len)
        }
        Found::UnterminatedString => {
            let end = text[pos..]
                .find(['\n', '\r'])
                .map_or(text.len(), |i| pos + i);
            (pos, end)
        }
        Found::EndOfLine => (pos, pos),
        Found::EndOfBlock => {
            let end = end_of_content(text);
            (end.min(pos), end.min(pos))
        }
    }
}

fn token_len(rest: &str) -> usize {
    let full = token(rest);
    let full = full.strip_suffix("...").unwrap_or(&full);
    if rest.starts_with(full) {
        full.len()
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

/// Where the last line with content (not blank, not only a comment) ends.
fn end_of_content(text: &str) -> usize {
    let mut end = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.trim().is_empty() && !trimmed.starts_with('#') {
            let content = strip_comment(line).trim_end();
            end = at + content.len();
        }
        at += line.len();
    }
    end
}

/// A line without its trailing comment (outside strings).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, _, _) => escaped = false,
            (false, _, '"') => in_string = true,
            (false, _, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}

fn describe(found: &Found, ctx: &Ctx<'_>, text: &str) -> String {
    match found {
        Found::Token(t) => format!("`{t}`"),
        Found::UnterminatedString => t!("syntax-text-without-closing-quote"),
        Found::EndOfLine => t!("syntax-end-line"),
        Found::EndOfBlock => {
            let next = ctx.base + text.len();
            if next >= ctx.file.text.len() {
                t!("syntax-end-file")
            } else {
                let (line, _) = ctx.file.line_col(next);
                t!("syntax-next-block-line", line = line)
            }
        }
    }
}

/// The phrases for what would have been accepted, most useful first, without repeats.
fn phrases(positives: &[Rule]) -> Vec<String> {
    let mut ranked: Vec<(u8, String)> = positives.iter().filter_map(|r| phrase(*r)).collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    // Where an expression may start, a line break is a continuation, not worth listing.
    if ranked.iter().any(|(_, p)| p == EXPRESSION) {
        ranked.retain(|(_, p)| p != END_OF_LINE);
    }
    let mut out: Vec<String> = Vec::new();
    for (_, p) in ranked {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.truncate(MAX_PHRASES);
    // Ranked and deduplicated by key; worded last, in the language of the moment.
    out.into_iter()
        .map(|p| match p.starts_with("syntax-phrase-") {
            true => funnel_locale::text(&p, &[]),
            false => p,
        })
        .collect()
}

fn join(phrases: &[String]) -> String {
    match phrases {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => t!("syntax-list-or", init = init.join(", "), last = last),
    }
}

/// A rule's phrase and rank (lower ranks are listed first).
fn phrase(rule: Rule) -> Option<(u8, String)> {
    use Rule::*;
    let (rank, text) = match rule {
        // What a block's lines look like.
        header_line => (1, "syntax-phrase-header-line"),
        field_decl => (1, "syntax-phrase-field"),
        condition => (1, "syntax-phrase-condition"),
        score_line | score_rule => (1, "syntax-phrase-score-rule"),
        clamp => (1, "`clamp LOW..HIGH`"),
        decay => (1, "`decay ...`"),
        grade_band => (1, "syntax-phrase-band"),
        grade_else => (1, "`else LETTER`"),
        grade_cmp => (0, "syntax-phrase-token"),
        stage_line => (1, "syntax-phrase-stage"),
        route_line => (1, "syntax-phrase-route"),
        calendar_line => (1, "syntax-phrase-calendar-line"),
        sla_line => (1, "syntax-phrase-sla-line"),
        test_line => (1, "syntax-phrase-test-line"),
        script_fn => (1, "syntax-phrase-function"),
        setting => (1, "syntax-phrase-setting"),
        param => (1, "syntax-phrase-parameter"),
        breach_action => (1, "syntax-phrase-action"),
        // Parts of lines.
        points => (1, "syntax-phrase-points-with-sign"),
        type_expr | list_type | enum_type | prim_type | named_type => (1, "syntax-phrase-type"),
        from_mod | missing_mod | map_mod | true_mod | false_mod | decimal_mod | format_mod => {
            (3, "syntax-phrase-modifier")
        }
        optional_mark => (4, "`?`"),
        decay_step | decay_half => (1, "syntax-phrase-token-2"),
        hours_line | day_range | weekday => (1, "syntax-phrase-weekday"),
        interval => (1, "syntax-phrase-opening-hours"),
        clock => (1, "syntax-phrase-time"),
        bound => (1, "syntax-phrase-token-3"),
        target => (1, "syntax-phrase-number-percent"),
        agg_reach | agg_conversion | agg_compliance => (1, "syntax-phrase-token-4"),
        period | period_by => (1, "syntax-phrase-token-5"),
        period_unit => (1, "syntax-phrase-period"),
        list_query | list_source | per_query => (1, "syntax-phrase-list"),
        where_clause => (2, "`where`"),
        within_clause => (2, "`within`"),
        business_days => (1, "syntax-phrase-number-business-days"),
        record_lit => (1, "syntax-phrase-record"),
        name => (1, "syntax-phrase-name"),
        string | leads_file => (1, "syntax-phrase-text-in-double-quotes"),
        number | signed_number => (1, "syntax-phrase-number"),
        percent => (1, "syntax-phrase-percent"),
        duration => (1, "syntax-phrase-duration"),
        date | datetime => (1, "syntax-phrase-date"),
        // Expressions.
        expr | arith | paren | list_lit | if_expr | pick | agg_paren | list_form | agg_form
        | persona_ref | call | regex | lit_true | lit_false | lit_now | lit_stage | lit_route
        | op_not | op_neg => (2, EXPRESSION),
        op_or | op_and | op_eq | op_ne | op_le | op_lt | op_ge | op_gt | op_in | op_not_in
        | op_contains | op_starts | op_ends | op_matches | op_add | op_sub | op_mul | op_div
        | op_field | op_is_missing | op_is_present | op_between | kw_not | kw_in | kw_starts
        | kw_ends | kw_contains | kw_matches | kw_is | kw_between | kw_and | kw_or => (4, OPERATOR),
        nl => (3, END_OF_LINE),
        key_mod => (0, "`key`"),
        EOI => (6, "syntax-phrase-new-block-at-start"),
        p_rbrace => (5, "`}`"),
        p_rparen => (0, "`)`"),
        p_rbrack => (0, "`]`"),
        p_lbrace => (0, "`{`"),
        // `(` is mostly listed because a name could have been a call: rarely the point.
        p_lparen => (5, "`(`"),
        p_lbrack => (0, "`[`"),
        p_colon => (0, "`:`"),
        p_comma => (5, "`,`"),
        p_assign => (0, "`=`"),
        p_range => (0, "`..`"),
        p_arrow => (0, "`->`"),
        p_langle => (0, "`<`"),
        p_rangle => (0, "`>`"),
        other => return keyword_phrase(other),
    };
    Some((rank, text.to_string()))
}

/// `kw_half_life` is "`half-life`".
fn keyword_phrase(rule: Rule) -> Option<(u8, String)> {
    let name = format!("{rule:?}");
    let word = name.strip_prefix("kw_")?.replace('_', "-");
    Some((0, format!("`{word}`")))
}

/// A `help` line for the common slips.
fn help(ctx: &Ctx<'_>, text: &str, found: &Found, positives: &[Rule]) -> Option<String> {
    let has = |r: Rule| positives.contains(&r);
    let token = match found {
        Found::Token(t) => t.as_str(),
        Found::UnterminatedString => return Some(t!("syntax-text-ends-line-where")),
        Found::EndOfBlock if has(Rule::p_rbrace) => {
            let (line, _) = ctx.file.line_col(ctx.base);
            let first = text.lines().next().unwrap_or("").trim();
            let first = shorten(first.trim_end_matches('{').trim_end());
            return Some(t!(
                "syntax-add-that-closes-line",
                first = first,
                line = line
            ));
        }
        _ => "",
    };
    let compare = || has(Rule::op_eq) || has(Rule::grade_cmp);
    let text_help = match token {
        "=" if compare() || !has(Rule::p_assign) => &t!("syntax-use-compare"),
        "=>" | "=<" => &t!("syntax-write-ge-or-le"),
        "&&" => &t!("syntax-write-require-both"),
        "||" => &t!("syntax-write-accept-either"),
        "!" => &t!("syntax-write-negate-compare"),
        "'" => &t!("syntax-write-text-double-quotes"),
        _ => "",
    };
    if !text_help.is_empty() {
        return Some(text_help.into());
    }
    if (has(Rule::score_line) || has(Rule::score_rule))
        && token.starts_with(|c: char| c.is_ascii_digit())
    {
        let number: String = token
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '_' || *c == '.')
            .collect();
        return Some(t!("syntax-write-points-sign", number = number));
    }
    if has(Rule::kw_when) && has(Rule::kw_per) {
        return Some(t!("syntax-score-rule-reads-10"));
    }
    if has(Rule::kw_when) && has(Rule::kw_otherwise) {
        return Some(t!("syntax-route-reads-name-when"));
    }
    if has(Rule::kw_when) && has(Rule::kw_because) {
        return Some(t!("syntax-stage-reads-name-when"));
    }
    if token == "{" && has(Rule::string) {
        return Some(t!("syntax-label-optional-but-must"));
    }
    None
}

/// The first unknown escape (`\q`) of a string the parser stopped on.
fn bad_escape(found: &Found) -> Option<String> {
    let Found::Token(t) = found else { return None };
    let inner = t.strip_prefix('"')?;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('"' | '\\' | 'n' | 't' | 'r' | 'u') => {}
                Some(other) => return Some(format!("\\{other}")),
                None => return None,
            }
        }
    }
    None
}
