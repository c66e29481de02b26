//! "Did you mean ...?": the closest name in scope by edit distance.

use crate::diagnostic::{Code, Diagnostic};
use funnel_grammar::ast::Ident;
use funnel_locale::t;

/// The candidate closest to `name`, when it is close enough to be a plausible typo, or else
/// the shortest candidate that `name` shortens or lengthens (`sao_paulo` for
/// `sao_paulo_office`, `integer` for `int`).
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Short names get one edit: `BR` is not a typo of `id`.
    let len = name.chars().count();
    let limit = if len <= 3 { 1 } else { (len / 3).max(2) };
    let lower = name.to_lowercase();
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != name).collect();
    let by_distance = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c);
    by_distance.or_else(|| {
        if len < 3 {
            return None;
        }
        candidates
            .iter()
            .filter(|c| {
                let c = c.to_lowercase();
                c.len() >= 3 && (c.starts_with(&lower) || lower.starts_with(&c))
            })
            .min_by_key(|c| c.len().abs_diff(name.len()))
            .copied()
    })
}

/// "no KIND named `NAME`", labelled at the name, with the closest candidate (or the list of
/// what exists) as its help: the one shape of every unknown-name error.
pub(crate) fn unknown_name<'a>(
    code: Code,
    kind: &str,
    name: &Ident,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Diagnostic {
    Diagnostic::error(code, t!("common-no-named", kind = kind, name = name.name))
        .label(&name.span, t!("common-unknown-label", kind = kind))
        .help(did_you_mean(&name.name, candidates, kind))
}

/// "`NAME` is not a value of WHAT", labelled at the name with the values, and the closest one
/// as its help: the one shape of every unknown-enum-value error.
pub(crate) fn not_a_value(id: &Ident, what: &str, values: &[String]) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownEnumValue,
        t!("unknown_enum_value-value", name = id.name, what = what),
    )
    .label(
        &id.span,
        if values.is_empty() {
            t!("unknown_enum_value-no-values-label", what = what)
        } else {
            t!(
                "unknown_enum_value-not-one-of-label",
                values = values.join(", ")
            )
        },
    )
    .help(did_you_mean(
        &id.name,
        values.iter().map(String::as_str),
        &t!("noun-value"),
    ))
}

/// A help line: "did you mean `x`?" or a fallback listing what exists.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    what: &str,
) -> String {
    match closest(name, candidates.clone()) {
        Some(best) => t!("common-did-you-mean-help", name = best),
        None => {
            let all: Vec<&str> = candidates.into_iter().collect();
            if all.is_empty() {
                t!("common-none-defined-help", what = what)
            } else if all.len() <= 8 {
                t!(
                    "common-the-names-are-help",
                    what = what,
                    names = all.join(", ")
                )
            } else {
                t!(
                    "common-the-names-include-help",
                    what = what,
                    names = all[..8].join(", ")
                )
            }
        }
    }
}

/// The percent to write where a number was written for one: a share written as a fraction
/// (`0.4`) is `40%`, a number above 1 (`50`) was meant as a percent, `50%`; `1` may be either.
pub(crate) fn as_percent(written: &str, value: f64) -> String {
    if value > 0.0 && value < 1.0 {
        let percent = format!("{:.4}", value * 100.0);
        let percent = percent.trim_end_matches('0').trim_end_matches('.');
        format!("`{percent}%`")
    } else if value == 1.0 {
        t!("common-percent-or-as-written", written = written)
    } else {
        format!("`{written}%`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fraction_is_a_share_and_a_larger_number_a_percent() {
        assert_eq!(as_percent("0.4", 0.4), "`40%`");
        assert_eq!(as_percent("0.125", 0.125), "`12.5%`");
        assert_eq!(as_percent(".07", 0.07), "`7%`");
        assert_eq!(as_percent("50", 50.0), "`50%`");
        assert_eq!(as_percent("1", 1.0), "`100%` (or `1%`)");
    }

    #[test]
    fn finds_a_typo_and_ignores_far_names() {
        let names = ["company_size", "country", "created_at"];
        assert_eq!(closest("compny_size", names), Some("company_size"));
        assert_eq!(closest("cuntry", names), Some("country"));
        assert_eq!(closest("revenue", names), None);
        assert_eq!(closest("BR", ["id", "country"]), None);
        assert_eq!(
            closest("sao_paulo", ["sao_paulo_office", "new_york_office"]),
            Some("sao_paulo_office")
        );
        assert_eq!(closest("integer", ["int", "number", "text"]), Some("int"));
    }
}
