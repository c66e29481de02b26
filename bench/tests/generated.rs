//! The generated 1,000-rule policy is one the checker accepts without a word.

use funnel_bench::generated_policy;
use funnel_engine::check_sources;
use funnel_grammar::SourceFile;

#[test]
fn generated_policy_is_check_clean_with_exactly_the_rules_asked() {
    for rules in [1000, 150, 7] {
        let report = check_sources(vec![SourceFile::new(
            "generated/policy.funnel",
            generated_policy(rules),
        )]);
        let rendered: Vec<String> = report.diagnostics.iter().map(|d| d.render(false)).collect();
        assert!(
            report.diagnostics.is_empty(),
            "{rules} rules: {} errors, {} warnings:\n{}",
            report.errors(),
            report.warnings(),
            rendered.join("\n")
        );
        let checked = report.checked.expect("no errors, so a checked policy");
        let count: usize = checked.scores.iter().map(|s| s.rules.len()).sum();
        assert_eq!(count, rules);
    }
}

#[test]
fn a_twentieth_of_the_rules_are_regexes() {
    let text = generated_policy(1000);
    assert_eq!(text.matches(" matches /").count(), 50);
}
