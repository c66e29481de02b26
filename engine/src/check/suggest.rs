//! "Did you mean ...?": the closest name in scope by edit distance.

/// The candidate closest to `name`, when it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// A help line: "did you mean `x`?" or a fallback listing what exists.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    what: &str,
) -> String {
    match closest(name, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let all: Vec<&str> = candidates.into_iter().collect();
            if all.is_empty() {
                format!("no {what} is defined")
            } else if all.len() <= 8 {
                format!("the {what}s are: {}", all.join(", "))
            } else {
                format!("the {what}s include: {}, ...", all[..8].join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo_and_ignores_far_names() {
        let names = ["company_size", "country", "created_at"];
        assert_eq!(closest("compny_size", names), Some("company_size"));
        assert_eq!(closest("cuntry", names), Some("country"));
        assert_eq!(closest("revenue", names), None);
    }
}
