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
        assert!(report.is_ok());
        let (tree, errors) = funnel_grammar::parse(&report.files[0]);
        assert!(errors.is_empty());
        let count: usize = tree
            .items
            .iter()
            .map(|i| match i {
                funnel_grammar::ast::Item::Score(s) => s.rules.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(count, rules);
    }
}

#[test]
fn a_twentieth_of_the_rules_are_regexes() {
    let text = generated_policy(1000);
    assert_eq!(text.matches(" matches /").count(), 50);
}
