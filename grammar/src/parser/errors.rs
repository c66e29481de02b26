//! Turning pest's errors into [`SyntaxError`]s in plain words: grammar rules are renamed to
//! phrases, the text found is quoted, and common slips get a `help` line.

use super::lexical::BLOCK_KEYWORDS;
use super::{numbers, Ctx, Rule, SyntaxError, SyntaxKind};
use pest::error::{Error, ErrorVariant, InputLocation};

/// At most this many phrases are listed after "expected".
const MAX_PHRASES: usize = 3;

const EXPRESSION: &str = "an expression";
const OPERATOR: &str = "an operator (`==`, `and`, ...)";
const END_OF_LINE: &str = "the end of the line";

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
            message: format!("`{bad}` is not an escape a text can contain"),
            label: "unknown escape".into(),
            help: Some(
                "the escapes in a text are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{e9}`".into(),
            ),
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
        format!("unexpected {found_words}")
    } else {
        format!("expected {}, found {found_words}", join(&phrases))
    };
    let label = match &found {
        Found::Token(t) => format!("unexpected `{t}`"),
        Found::UnterminatedString => "this text has no closing `\"`".to_string(),
        _ => match phrases.first() {
            Some(p) => format!("expected {p} here"),
            None => "unexpected end".to_string(),
        },
    };
    if found == Found::UnterminatedString {
        message = "this text is missing its closing `\"`".to_string();
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
        message: "this block is nested too deeply to read".into(),
        label: "nested too deeply".into(),
        help: Some("split deep expressions into smaller pieces with `let NAME = ...`".into()),
        kind: SyntaxKind::Grammar,
    }
}

/// Text before the first block that is not a comment.
fn stray_text(span: crate::span::Span, found: &Found, ctx: &Ctx<'_>) -> SyntaxError {
    SyntaxError {
        span,
        message: format!(
            "expected a block such as `score NAME {{ ... }}` or `stages {{ ... }}`, found {}",
            describe(found, ctx, "")
        ),
        label: "not inside any block".into(),
        help: Some(format!(
            "a block starts with one of these words in the first column: {}",
            BLOCK_KEYWORDS.join(", ")
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
        Found::UnterminatedString => "a text without its closing `\"`".into(),
        Found::EndOfLine => "the end of the line".into(),
        Found::EndOfBlock => {
            let next = ctx.base + text.len();
            if next >= ctx.file.text.len() {
                "the end of the file".into()
            } else {
                let (line, _) = ctx.file.line_col(next);
                format!("the next block (line {line})")
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
    out
}

fn join(phrases: &[String]) -> String {
    match phrases {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A rule's phrase and rank (lower ranks are listed first).
fn phrase(rule: Rule) -> Option<(u8, String)> {
    use Rule::*;
    let (rank, text) = match rule {
        // What a block's lines look like.
        header_line => (
            1,
            "a header line (`timezone \"...\"`, `owner TEAM \"Name\"`)",
        ),
        field_decl => (1, "a field such as `email: text`"),
        condition => (1, "a condition"),
        score_line | score_rule => (1, "a score rule such as `+10 when ...`"),
        clamp => (1, "`clamp LOW..HIGH`"),
        decay => (1, "`decay ...`"),
        grade_band => (1, "a band such as `A >= 70`"),
        grade_else => (1, "`else LETTER`"),
        grade_cmp => (0, "`>=` or `>`"),
        stage_line => (1, "a stage such as `mql when fit >= 40`"),
        route_line => (1, "a route such as `sales when fit >= 50`"),
        calendar_line => (1, "a calendar line such as `mon-fri 09:00-18:00`"),
        sla_line => (1, "an SLA line such as `within 4h` or `starts at ...`"),
        test_line => (
            1,
            "a test line (`given lead ...`, `given leads ...`, `at ...` or `expect ...`)",
        ),
        script_fn => (1, "a function such as `fn tier(email: text) -> int`"),
        setting => (1, "a setting such as `operations 100_000`"),
        param => (1, "a parameter such as `email: text`"),
        breach_action => (
            1,
            "an action (`escalate \"...\"`, `notify \"...\"` or `recycle to STAGE`)",
        ),
        // Parts of lines.
        points => (1, "points with a sign, such as `+10`"),
        type_expr | list_type | enum_type | prim_type | named_type => {
            (1, "a type such as `text` or `list<event>`")
        }
        from_mod | missing_mod | map_mod | true_mod | false_mod | decimal_mod | format_mod => (
            3,
            "a modifier (`key`, `from \"Column\"`, `missing \"...\"`, `map VALUE from \"...\"`, ...)",
        ),
        optional_mark => (4, "`?`"),
        decay_step | decay_half => (1, "`P% every D` or `half-life D`"),
        hours_line | day_range | weekday => (1, "a weekday (`mon` to `sun`)"),
        interval => (1, "opening hours such as `09:00-12:00`"),
        clock => (1, "a time such as `09:00`"),
        bound => (1, "`least` or `most`"),
        target => (1, "a number or a percent such as `50%`"),
        agg_reach | agg_conversion | agg_compliance => (
            1,
            "`leads reach STAGE`, `of leads reaching STAGE reach STAGE` or `of SLA met`",
        ),
        period | period_by => (1, "`per PERIOD by ...`, such as `per month by created_at`"),
        period_unit => (1, "a period (`day`, `week`, `month` or `quarter`)"),
        list_query | list_source | per_query => (1, "a list such as `events`"),
        where_clause => (2, "`where`"),
        within_clause => (2, "`within`"),
        business_days => (1, "a number of business days such as `3 business days`"),
        record_lit => (1, "a record such as `{ id: \"t1\" }`"),
        name => (1, "a name"),
        string | leads_file => (1, "a text in double quotes"),
        number | signed_number => (1, "a number"),
        percent => (1, "a percent such as `75%`"),
        duration => (1, "a duration such as `30d`"),
        date | datetime => (1, "a date such as `2026-12-25`"),
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
        EOI => (6, "a new block at the start of a line"),
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
        Found::UnterminatedString => {
            return Some("a text ends on the line where it starts: close it with `\"`".into())
        }
        Found::EndOfBlock if has(Rule::p_rbrace) => {
            let (line, _) = ctx.file.line_col(ctx.base);
            let first = text.lines().next().unwrap_or("").trim();
            let first = shorten(first.trim_end_matches('{').trim_end());
            return Some(format!(
                "add the `}}` that closes `{first}` (line {line}); a block ends before the next line that starts with a keyword"
            ));
        }
        _ => "",
    };
    let compare = || has(Rule::op_eq) || has(Rule::grade_cmp);
    let text_help = match token {
        "=" if compare() || !has(Rule::p_assign) => "use `==` to compare",
        "=>" | "=<" => "write `>=` or `<=`",
        "&&" => "write `and` to require both",
        "||" => "write `or` to accept either",
        "!" => "write `not` to negate, or `!=` to compare",
        "'" => "write text in double quotes: `\"...\"`",
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
        return Some(format!(
            "write the points with a sign: `+{number}` or `-{number}`"
        ));
    }
    if has(Rule::kw_when) && has(Rule::kw_per) {
        return Some(
            "a score rule reads `+10 when CONDITION` or `+2 per event where CONDITION`".into(),
        );
    }
    if has(Rule::kw_when) && has(Rule::kw_otherwise) {
        return Some(
            "a route reads `NAME when CONDITION`, and the last one `NAME otherwise`".into(),
        );
    }
    if has(Rule::kw_when) && has(Rule::kw_because) {
        return Some(
            "a stage reads `NAME when CONDITION` (the first stage has no condition)".into(),
        );
    }
    if token == "{" && has(Rule::string) {
        return Some("the label is optional, but it must be a text in double quotes".into());
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
