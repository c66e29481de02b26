//! Numbers written as people write them elsewhere: thousands separated by `.` (`1.000.000`, as
//! Brazil writes them) and durations with units the language does not have (`1mo`, `4 horas`).
//! The parser stops inside them with a message about what it expected next; these functions
//! say what the whole number is and how Funnel writes it.

use super::names::ascii_spelling;
use super::{Ctx, Rule, SyntaxError, SyntaxKind};
use funnel_locale::t;

/// A number with `.` between groups of three digits, the parser having stopped at or after
/// its second `.` (`1.000` alone is the number 1, and is not an error).
pub(super) fn thousands(ctx: &Ctx<'_>, text: &str, pos: usize) -> Option<SyntaxError> {
    let part = |c: char| c.is_ascii_digit() || c == '.';
    let start = run_start(&text[..pos], part);
    let end = text[pos..]
        .find(|c: char| !part(c))
        .map_or(text.len(), |i| pos + i);
    let written = &text[start..end];
    let groups: Vec<&str> = written.split('.').collect();
    let grouped = groups.len() >= 3
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    if !grouped || text[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    // `1.000.000,50`: a decimal comma right after the digits.
    let decimals: String = text[end..]
        .strip_prefix(',')
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    let (end, fraction) = match decimals.is_empty() {
        true => (end, String::new()),
        false => (end + 1 + decimals.len(), format!(".{decimals}")),
    };
    let written = &text[start..end];
    Some(SyntaxError {
        span: ctx.span_at(start, end),
        message: t!("syntax-number-starts-decimals-does", written = written),
        label: t!("syntax-thousands-separated-by-label"),
        help: Some(t!(
            "syntax-write-may-separate-thousands-help",
            grouped = groups.join("_"),
            fraction = fraction,
            concat = groups.concat()
        )),
        kind: SyntaxKind::Grammar,
    })
}

/// A unit as people write it, and what Funnel has for it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    /// One of the language's units.
    Is(char),
    /// Months and years, which the language does not have: so many days instead.
    Days(i64, &'static str),
}

/// The unit for a word written after a number: the language's own (`h`), the words for them in
/// English and Portuguese (`hours`, `horas`), and months and years. `None` for other words.
fn unit_of(word: &str) -> Option<Unit> {
    let word = ascii_spelling(&word.to_lowercase())?;
    Some(match word.as_str() {
        "w" | "wk" | "wks" | "week" | "weeks" | "semana" | "semanas" => Unit::Is('w'),
        "d" | "day" | "days" | "dia" | "dias" => Unit::Is('d'),
        "h" | "hr" | "hrs" | "hour" | "hours" | "hora" | "horas" => Unit::Is('h'),
        "m" | "min" | "mins" | "minute" | "minutes" | "minuto" | "minutos" => Unit::Is('m'),
        "s" | "sec" | "secs" | "second" | "seconds" | "segundo" | "segundos" => Unit::Is('s'),
        "mo" | "mos" | "month" | "months" | "mes" | "meses" => Unit::Days(30, "month"),
        "y" | "yr" | "yrs" | "year" | "years" | "ano" | "anos" => Unit::Days(365, "year"),
        _ => return None,
    })
}

/// A duration whose unit the language does not have: glued to the number (`1mo`, `30dias`:
/// any letters), or a word for a unit after it (`4 horas`, `3 days`, `4 h`).
pub(super) fn duration_unit(
    ctx: &Ctx<'_>,
    text: &str,
    pos: usize,
    positives: &[Rule],
) -> Option<SyntaxError> {
    let w = glued(text, pos).or_else(|| spaced(text, pos))?;
    let unit = unit_of(w.word);
    // Where only a number may stand (`version 3a`), or after a number (`+10 wen x`), letters
    // that are no unit are a slip of another kind.
    let only_numbers = positives
        .iter()
        .filter(|r| !matches!(r, Rule::COMMENT | Rule::nl))
        .all(|r| matches!(r, Rule::number | Rule::signed_number));
    if unit.is_none() && (w.spaced || only_numbers) {
        return None;
    }
    let (count, word) = (w.count, w.word);
    let (label, fix) = match unit {
        Some(Unit::Is(c)) if w.spaced && word.len() == 1 => (
            t!("syntax-no-space-before-unit"),
            t!("syntax-write-2", count = count, c = c),
        ),
        Some(Unit::Is(c)) => (
            t!("syntax-unit-duration", word = word),
            t!("syntax-write-2", count = count, c = c),
        ),
        Some(Unit::Days(days, name)) => (
            t!("syntax-language-has-no", name = name),
            in_days(count, days, name),
        ),
        None => (
            t!("syntax-unit-duration", word = word),
            t!("syntax-write-unit-language-has"),
        ),
    };
    let business = if unit == Some(Unit::Is('d')) && positives.contains(&Rule::kw_business) {
        t!("syntax-business-days-count-calendar", count = count)
    } else {
        String::new()
    };
    Some(SyntaxError {
        span: ctx.span_at(w.start, w.end),
        message: t!("syntax-duration", written = &text[w.start..w.end]),
        label,
        help: Some(t!(
            "syntax-duration-units-help",
            fix = fix,
            business = business
        )),
        kind: SyntaxKind::Grammar,
    })
}

/// "write `60d`, counting 30 days a month" for `2 meses`.
fn in_days(count: &str, days: i64, name: &str) -> String {
    let n: Option<i64> = count.replace('_', "").parse().ok();
    match n.and_then(|n| n.checked_mul(days)) {
        Some(total) => t!(
            "syntax-write-d-counting-days",
            total = total,
            days = days,
            name = name
        ),
        None => t!("syntax-count-days-d", days = days, name = name),
    }
}

/// A number and the word after it, where a duration was meant.
#[derive(Debug, PartialEq)]
struct Written<'t> {
    /// Block-relative range of the number and the word.
    start: usize,
    end: usize,
    /// The number's digits.
    count: &'t str,
    /// The unit as written.
    word: &'t str,
    /// Whether blanks separate them (`4 horas`, not `4horas`).
    spaced: bool,
}

/// At `pos`, digits glued to letters (`1mo`).
fn glued(text: &str, pos: usize) -> Option<Written<'_>> {
    let rest = &text[pos..];
    let digits = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(rest.len());
    let letters = rest[digits..]
        .find(|c: char| !c.is_alphabetic())
        .map_or(rest.len(), |i| digits + i);
    let glued = rest.starts_with(|c: char| c.is_ascii_digit()) && letters > digits;
    glued.then(|| Written {
        start: pos,
        end: pos + letters,
        count: &rest[..digits],
        word: &rest[digits..letters],
        spaced: false,
    })
}

/// At `pos`, a word after a number and blanks (`4 horas`).
fn spaced(text: &str, pos: usize) -> Option<Written<'_>> {
    let before = &text[..pos];
    let number_end = before.trim_end_matches([' ', '\t']).len();
    if number_end == pos {
        return None;
    }
    let number = &before[..number_end];
    let start = run_start(number, |c| c.is_ascii_digit() || c == '_');
    let end = text[pos..]
        .find(|c: char| !c.is_alphabetic())
        .map_or(text.len(), |i| pos + i);
    let is_number = number[start..].starts_with(|c: char| c.is_ascii_digit())
        && !number[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
    (is_number && end > pos).then(|| Written {
        start,
        end,
        count: &number[start..],
        word: &text[pos..end],
        spaced: true,
    })
}

/// Where the run of characters that are `part` ending `text` starts.
fn run_start(text: &str, part: impl Fn(char) -> bool) -> usize {
    text.char_indices()
        .rev()
        .find(|(_, c)| !part(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_units() {
        assert_eq!(unit_of("horas"), Some(Unit::Is('h')));
        assert_eq!(unit_of("Hours"), Some(Unit::Is('h')));
        assert_eq!(unit_of("mês"), Some(Unit::Days(30, "month")));
        assert_eq!(unit_of("mo"), Some(Unit::Days(30, "month")));
        assert_eq!(unit_of("semanas"), Some(Unit::Is('w')));
        assert_eq!(unit_of("minutos"), Some(Unit::Is('m')));
        assert_eq!(unit_of("leads"), None);
    }

    #[test]
    fn glued_and_spaced_units() {
        let w = glued("every 1mo since", 6).unwrap();
        assert_eq!(
            (w.start, w.end, w.count, w.word, w.spaced),
            (6, 9, "1", "mo", false)
        );
        assert_eq!(glued("every 30dias", 6).map(|w| w.word), Some("dias"));
        assert_eq!(glued("x", 0), None);
        assert_eq!(glued("2026-12-25", 0), None);
        let w = spaced("within 4 horas of", 9).unwrap();
        assert_eq!(
            (w.start, w.end, w.count, w.word, w.spaced),
            (7, 14, "4", "horas", true)
        );
        assert_eq!(spaced("x.4 horas", 4), None);
        assert_eq!(spaced("a4 horas", 3), None);
        assert_eq!(spaced("é4 horas", 4).map(|w| w.count), None);
        assert_eq!(spaced("é 4 horas", 5).map(|w| w.count), Some("4"));
        assert_eq!(spaced("+10 wen", 4).map(|w| w.count), Some("10"));
    }

    #[test]
    fn months_and_years_in_days() {
        assert_eq!(
            in_days("2", 30, "month"),
            "write `60d`, counting 30 days a month"
        );
        assert_eq!(
            in_days("99999999999999999999", 365, "year"),
            "count 365 days a year, as in `365d`"
        );
    }
}
