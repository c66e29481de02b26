//! Property tests: `parse` never panics, whatever the input.

use funnel_grammar::{parse, SourceFile};
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("fixtures/language_example.funnel");

/// The example cut into tokens (words, numbers, punctuation, spaces and line breaks), so that
/// deleting or repeating some gives inputs that are almost, but not quite, valid.
fn tokens() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c == ' ' {
            1
        } else {
            2 + c as u32
        }
    };
    for c in EXAMPLE.chars() {
        if let Some(last) = current.chars().last() {
            if class(last) != class(c) || class(c) >= 2 {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    out.push(current);
    out
}

/// Every error span lies inside the file, on character boundaries.
fn check(text: &str) {
    let file = SourceFile::new("p.funnel", text);
    let (tree, errors) = parse(&file);
    for e in &errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{e:?}"
        );
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        assert!(!e.message.is_empty());
    }
    for item in &tree.items {
        let s = item.span();
        assert!(s.start <= s.end && s.end <= text.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn text_from_the_language_alphabet_never_panics(
        text in "[a-z0-9 \\n\\t{}()\\[\\]\"\\\\/#=<>+\\-*.,:%?éçã\u{FEFF}_]{0,300}"
    ) {
        check(&text);
    }

    #[test]
    fn token_deletions_and_duplications_never_panic(
        edits in prop::collection::vec((0usize..10_000, 0u8..3), 1..12)
    ) {
        let mut toks = tokens();
        for (at, what) in edits {
            let i = at % toks.len();
            match what {
                0 => { toks.remove(i); }
                1 => { let t = toks[i].clone(); toks.insert(i, t); }
                _ => { let j = (at / 7) % toks.len(); let t = toks[j].clone(); toks.insert(i, t); }
            }
            if toks.is_empty() { toks.push(String::new()); }
        }
        check(&toks.concat());
    }

    #[test]
    fn every_prefix_of_the_example_never_panics(cut in 0usize..EXAMPLE.len()) {
        let mut cut = cut;
        while !EXAMPLE.is_char_boundary(cut) { cut -= 1; }
        check(&EXAMPLE[..cut]);
    }
}

#[test]
fn the_tokenizer_rebuilds_the_example() {
    assert_eq!(tokens().concat(), EXAMPLE);
}
