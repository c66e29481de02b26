//! Parsing and checking never panic: on arbitrary text, and on random mutations (deleted,
//! duplicated and swapped tokens) of every file of every policy set under `policies/`.

use funnel_engine::check_sources;
use funnel_grammar::SourceFile;
use funnel_tests::{policy_sets, PolicySet};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Every policy set under `policies/`, loaded once.
fn sets() -> &'static [PolicySet] {
    static SETS: OnceLock<Vec<PolicySet>> = OnceLock::new();
    SETS.get_or_init(|| {
        let root = funnel_tests::workspace_root();
        policy_sets()
            .iter()
            .map(|dir| {
                let rel = dir
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                PolicySet::load(&rel)
            })
            .collect()
    })
}

/// Checks a set with one file's text replaced; the point is that it returns.
fn check_with(set: &PolicySet, file: usize, text: String) {
    let mut sources = set.sources();
    let name = sources[file].name.clone();
    sources[file] = SourceFile::new(name, text);
    let report = check_sources(sources);
    // Rendering must not panic either (spans must lie inside their files).
    for d in &report.diagnostics {
        let _ = d.render(false);
        let _ = d.to_json();
    }
}

/// A whitespace-separated token and the whitespace after it.
fn tokens(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut word = String::new();
    let mut space = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            space.push(c);
        } else {
            if !space.is_empty() {
                out.push((std::mem::take(&mut word), std::mem::take(&mut space)));
            }
            word.push(c);
        }
    }
    out.push((word, space));
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut toks = tokens(text);
    for m in mutations {
        let n = toks.len();
        if n == 0 {
            break;
        }
        match *m {
            Mutation::Delete(i) => {
                toks.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let t = toks[i % n].clone();
                toks.insert(i % n, (t.0, " ".into()));
            }
            Mutation::Swap(i, j) => {
                let (a, b) = (i % n, j % n);
                let wa = std::mem::take(&mut toks[a].0);
                let wb = std::mem::replace(&mut toks[b].0, wa);
                toks[a].0 = wb;
            }
        }
    }
    toks.into_iter().map(|(w, s)| w + s.as_str()).collect()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// Text made of the language's own pieces, so that it gets past the first token.
fn policy_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("policy \"p\" version 1\n".to_string()),
        Just("schema lead {\n  id: text key\n  n: int?\n  tags: list<text>\n}\n".to_string()),
        Just("score s {\n".to_string()),
        Just("  +10 when n >= 3\n".to_string()),
        Just("  +2 per event where kind == call within 30d, max 10\n".to_string()),
        Just("  decay 50% every 30d since now\n".to_string()),
        Just("  clamp 0..100\n".to_string()),
        Just("stages {\n  lead\n  mql when s >= 10\n".to_string()),
        Just("grade s { A >= 10, else B }\n".to_string()),
        Just("let x = if n > 1 then \"a\" else \"b\"\n".to_string()),
        Just("route {\n  a otherwise\n".to_string()),
        Just("calendar c {\n  timezone \"UTC\"\n  mon-fri 09:00-18:00\n".to_string()),
        Just("sla t {\n  starts at now\n  met by now\n  within 4h of c\n".to_string()),
        Just("metric m = count(leads where s > 1) / count(leads) per month by now\n".to_string()),
        Just("test \"t\" {\n  given lead { id: \"1\", tags: [] }\n  at 2026-01-01T00:00:00Z\n  expect s == 0\n".to_string()),
        Just("}\n".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("/(/i ".to_string()),
        Just("2026-02-30 ".to_string()),
        Just("\"unterminated".to_string()),
        "[a-z_]{1,8}".prop_map(|s| s + " "),
        "[ -~]{0,12}",
        Just("ç€😀 ".to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_does_not_panic(text in any::<String>()) {
        let _ = check_sources(vec![SourceFile::new("x.funnel", text)]);
    }

    #[test]
    fn policy_like_text_does_not_panic(text in policy_like_text()) {
        for d in check_sources(vec![SourceFile::new("x.funnel", text)]).diagnostics {
            let _ = d.render(false);
        }
    }

    #[test]
    fn arbitrary_text_beside_acme_does_not_panic(text in policy_like_text()) {
        let set = &sets()[0];
        let mut sources = set.sources();
        sources.push(SourceFile::new("policies/acme/extra.funnel", text));
        let _ = check_sources(sources);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_policies_do_not_panic(
        set in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let set = set.get(sets());
        let file = file.index(set.files.len());
        let text = mutate(&set.files[file].1, &mutations);
        check_with(set, file, text);
    }
}

#[test]
fn every_single_token_deletion_of_acme_scoring_does_not_panic() {
    // Exhaustive over one file: each token removed in turn.
    let set = PolicySet::acme();
    let file = set
        .files
        .iter()
        .position(|(n, _)| n.ends_with("scoring.funnel"))
        .unwrap();
    let n = tokens(&set.files[file].1).len();
    for i in 0..n {
        check_with(
            &set,
            file,
            mutate(&set.files[file].1, &[Mutation::Delete(i)]),
        );
    }
}

#[test]
fn sets_are_found() {
    assert!(sets()
        .iter()
        .any(|s| s.files.iter().any(|(n, _)| n.starts_with("policies/acme/"))));
}

/// A set made of a header, `body` and a one-stage funnel.
fn check_body(body: &str) -> Vec<funnel_engine::Diagnostic> {
    let text = format!(
        "policy \"deep\" version 1\nschema lead {{\n  id: text key\n  t: text\n}}\nstages {{\n  lead\n}}\n{body}"
    );
    check_sources(vec![SourceFile::new("deep.funnel", text)]).diagnostics
}

/// Lets are checked in an order found with a list of work, not by recursion: a chain or a
/// cycle of thousands of lets neither overflows the stack nor floods the screen.
#[test]
fn a_cycle_of_thousands_of_lets_is_one_short_diagnostic() {
    let n = 3000;
    let body: String = (0..n)
        .map(|i| format!("let a{i} = a{} + 1\n", (i + 1) % n))
        .collect();
    let diagnostics = check_body(&body);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.code.as_str(), "funnel::cycle");
    assert!(
        d.message
            .ends_with("a7 -> ... (3000 definitions in all) -> a0"),
        "{}",
        d.message
    );
    // The definition and the first steps are labelled, not all 3000.
    assert_eq!(d.labels.len(), 9);
}

#[test]
fn a_chain_of_thousands_of_lets_checks_in_either_order() {
    let n = 20_000;
    let forward: String = (0..n)
        .map(|i| format!("let a{i} = a{} + 1\n", i + 1))
        .chain([format!("let a{n} = 1\n")])
        .collect();
    assert!(check_body(&forward).is_empty());
    let backward: String = (0..n)
        .rev()
        .map(|i| format!("let a{i} = a{} + 1\n", i + 1))
        .chain([format!("let a{n} = t\n")])
        .collect();
    // The type error at the end of the chain is found once, where it is.
    let diagnostics = check_body(&backward);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code.as_str(), "funnel::type_mismatch");
}
