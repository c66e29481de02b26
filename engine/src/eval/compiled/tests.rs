//! The compiled forms and the tree walker agree on every decision, with explanations and
//! without, for the example policy sets on their own leads and on real data.

use crate::batch::{self, BatchOptions, InputFormat};
use crate::ir::TestLead;
use crate::{EvalOptions, Lead, Policy};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn at() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap()
}

const EXPLAIN: EvalOptions = EvalOptions {
    explain: true,
    strict: false,
};

/// The set's test leads written inline.
fn inline_leads(policy: &Policy) -> Vec<Lead> {
    let p = policy.checked();
    p.tests
        .iter()
        .filter_map(|t| match &t.lead {
            TestLead::Inline(e) => crate::testing::inline_lead(p, e).ok(),
            TestLead::File(..) => None,
        })
        .collect()
}

/// Compiled and walked give the same decisions, with explanations and without (scores
/// are summed on a path of their own when nothing is explained).
fn agree_on(policy: &Policy, leads: &[Lead]) -> usize {
    let walking = policy.walking();
    for lead in leads {
        for options in [EXPLAIN, EvalOptions::default()] {
            let compiled = policy.evaluate(lead, at(), &options, None);
            assert_eq!(compiled, walking.evaluate(lead, at(), &options, None));
        }
    }
    leads.len()
}

/// Every lead's decision, explained, then every lead's decision without explanations.
fn decisions(policy: &Policy, input: &[u8], format: InputFormat) -> Vec<String> {
    let mut out = Vec::new();
    for eval in [EXPLAIN, EvalOptions::default()] {
        let options = BatchOptions {
            at: at(),
            eval,
            jobs: 1,
            chunk: 4096,
        };
        batch::run(policy, input, format, &options, |o| {
            out.push(format!("{:?}", o.result));
            Ok(())
        })
        .unwrap();
    }
    out
}

#[test]
fn compiled_and_walked_agree_on_the_example_sets() {
    for set in ["policies/acme", "policies/olist", "policies/xeducation"] {
        let policy = Policy::load(root().join(set)).unwrap();
        assert!(
            agree_on(&policy, &inline_leads(&policy)) > 0,
            "{set} has inline leads"
        );
    }
    let acme = Policy::load(root().join("policies/acme")).unwrap();
    let jsonl = std::fs::read(root().join("policies/acme/leads/leads.jsonl")).unwrap();
    let compiled = decisions(&acme, &jsonl, InputFormat::Jsonl);
    assert_eq!(compiled.len(), 2 * 20);
    assert_eq!(
        compiled,
        decisions(&acme.walking(), &jsonl, InputFormat::Jsonl)
    );
}

/// Every fused form, each with its field present, absent and at its edges.
#[test]
fn compiled_and_walked_agree_on_every_fused_form() {
    let policy = Policy::from_sources(vec![funnel_grammar::SourceFile::new(
        "forms.funnel",
        r#"
policy "forms" version 1
schema lead {
  id: text key
  n: int?
  x: number?
  e: enum(a, b, c)?
  t: text?
  flag: bool?
  tags: list<text>
}
let half = if flag then floor(n / 2) else ceil(x)
let gone = n is missing or t is present
score s {
  +1 when n > 3
  +2 when 3 < n
  +3 when 10 >= x
  +4 when n != 5
  +5 when n between 2 and 8
  +6 when x between n and 9.5
  +7 when e == b
  +8 when e != c
  +9 when e in [a, c]
  +10 when e not in [a]
  +11 when t == "Ana"
  +12 when t in ["x", "Ana"]
  +13 when t not in ["x"]
  +14 when lower(t) contains any ["an", "zz"]
  +15 when t starts with "A"
  +16 when t ends with any ["na", "q"]
  +17 when t matches /^a/i
  +18 when "vip" in tags
  +19 when "vip" not in tags
  +20 when tags contains "vip"
  +21 when not flag or n < -x
  +22 when flag and gone
  +23 when 2 <= half
  +1 per half, max 50
  +1 per n * 2 - x
}
stages {
  lead
  mql when s >= 40
}
"#,
    )])
    .unwrap();
    let options = EvalOptions::default();
    let leads: Vec<Lead> = [
        r#"{"id":"all","n":5,"x":9.5,"e":"b","t":"Ana","flag":true,"tags":["vip"]}"#,
        r#"{"id":"edges","n":2,"x":10,"e":"a","t":"ana","flag":false,"tags":[]}"#,
        r#"{"id":"more","n":8,"x":-3.5,"e":"c","t":"Q","flag":true,"tags":["a","vip"]}"#,
        r#"{"id":"none","tags":[]}"#,
        r#"{"id":"some","n":-9,"t":"JOANA","tags":["VIP"]}"#,
        // Texts searched by their first byte (short ones) and by the searcher (long ones).
        r#"{"id":"aaa","t":"aaa a","tags":[]}"#,
        r#"{"id":"late","t":"xa an","tags":[]}"#,
        r#"{"id":"63","t":"A title that runs on to sixty-three bytes, the last short: Jans","tags":[]}"#,
        r#"{"id":"long","t":"A title that runs on past sixty-four bytes, as a few do: Bananas","tags":[]}"#,
        r#"{"id":"long-no","t":"A title that runs on past sixty-four bytes, as a few do: Boats...","tags":[]}"#,
    ]
    .iter()
    .map(|j| policy.decode_json(j.as_bytes(), &options).unwrap())
    .collect();
    assert_eq!(agree_on(&policy, &leads), 10);
    // The fused forms really are used (not the walker), and they score what the rules say.
    let program = policy.checked().program.clone().unwrap();
    let walked = program.rules[0]
        .iter()
        .filter(|r| matches!(r.code, super::RuleCode::When(super::Test::Walk(_))))
        .count();
    assert_eq!(walked, 0);
    let all = policy.evaluate(&leads[0], at(), &options, None).unwrap();
    // n=5 x=9.5 e=b t=Ana flag tags=[vip]: every `when` rule but 4, 9 (b is not in
    // [a, c]), 19 and 21 holds; half = floor(5 / 2) = 2 and n * 2 - x = 0.5.
    let whens: f64 = (1..=23)
        .filter(|i| ![4, 9, 19, 21].contains(i))
        .sum::<i32>() as f64;
    assert_eq!(all.scores.0[0].1, whens + 2.0 + 0.5);
}

#[test]
fn compiled_and_walked_agree_on_real_leads() {
    let csv = root().join("../shared/data/x-education-leads/Leads.csv");
    let Ok(input) = std::fs::read(&csv) else {
        eprintln!("skipped: {} is absent (CI has it)", csv.display());
        return;
    };
    let policy = Policy::load(root().join("policies/xeducation")).unwrap();
    let compiled = decisions(&policy, &input, InputFormat::Csv);
    assert_eq!(compiled.len(), 2 * 9240);
    assert_eq!(
        compiled,
        decisions(&policy.walking(), &input, InputFormat::Csv)
    );
}
