//! The compiled forms and the tree walker agree on every decision, with explanations and
//! without, for the example policy sets on their own leads and on real data.

use crate::batch::{self, BatchOptions, InputFormat};
use crate::checked::TestLead;
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
            TestLead::File(..) | TestLead::Batch(_) | TestLead::BatchFile(..) => None,
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
    let program = policy.compiled().program.clone().unwrap();
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

/// Needs the dataset, so it is ignored unless asked for; `.ci/run` runs it with
/// `--include-ignored`, and without the file it fails.
#[test]
#[ignore = "needs ../shared/data"]
fn compiled_and_walked_agree_on_real_leads() {
    let csv = root().join("../shared/data/x-education-leads/Leads.csv");
    let input = std::fs::read(&csv).unwrap_or_else(|e| {
        panic!(
            "{} cannot be read ({e}): the dataset is needed",
            csv.display()
        )
    });
    let policy = Policy::load(root().join("policies/xeducation")).unwrap();
    let compiled = decisions(&policy, &input, InputFormat::Csv);
    assert_eq!(compiled.len(), 2 * 9240);
    assert_eq!(
        compiled,
        decisions(&policy.walking(), &input, InputFormat::Csv)
    );
}

/// Random well-typed policies (lets, a persona, a score with decay and clamp, a grade, stages
/// with an exclusion, a route) over leads with values at their edges and missing values:
/// compiled and walked agree, the fast JSON writer writes what serde writes, and no lead is an
/// internal error (a panic). The shapes include those an independent model of the language
/// once found wrong: date and duration arithmetic out of range, negative durations on dates,
/// `all` with items after `now` or outside a window, medians of times, 64-bit literals,
/// rounding past 64 bits and on its ties, and scores past the floats' range.
mod generated {
    use super::*;
    use proptest::prelude::*;

    /// A small random source, seeded by proptest (so a failure names its seed), and whether
    /// it is writing the persona (which may not use its own `match`).
    struct Gen(u64, bool);

    impl Gen {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
            options[(self.next() % options.len() as u64) as usize]
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn num(&mut self, depth: u32) -> String {
            if depth == 0 || self.below(3) == 0 {
                return self
                    .pick(&[
                        "n",
                        "x",
                        "0",
                        "3",
                        "9223372036854775807",
                        "0.5",
                        "1e308",
                        "2.675",
                        "len(events)",
                        "count(events where kind == view within 30d)",
                        "match(p)",
                    ])
                    .replace("match(p)", if self.1 { "n" } else { "match(p)" });
            }
            let d = depth - 1;
            match self.below(12) {
                0 => format!("({} + {})", self.num(d), self.num(d)),
                1 => format!("({} - {})", self.num(d), self.num(d)),
                2 => format!("({} * {})", self.num(d), self.num(d)),
                3 => format!("({} / {})", self.num(d), self.num(d)),
                4 => format!("-({})", self.num(d)),
                5 => format!("abs({})", self.num(d)),
                6 => format!(
                    "{}({})",
                    self.pick(&["floor", "ceil", "round"]),
                    self.num(d)
                ),
                7 => format!("round({}, 2)", self.num(d)),
                8 => format!("({} / {})", self.dur(d), self.dur(d)),
                9 => format!(
                    "(if {} then {} else {})",
                    self.test(d),
                    self.num(d),
                    self.num(d)
                ),
                10 => format!("days_between({}, {})", self.date(d), self.date(d)),
                _ => format!(
                    "(median w of events where kind == {})",
                    self.pick(&["view", "call"])
                ),
            }
        }

        fn dur(&mut self, depth: u32) -> String {
            if depth == 0 || self.below(3) == 0 {
                return self
                    .pick(&["dur", "36h", "1s", "1d", "(now - created_at)", "(d - d)"])
                    .to_string();
            }
            let d = depth - 1;
            match self.below(7) {
                0 => format!("({} + {})", self.dur(d), self.dur(d)),
                1 => format!("({} - {})", self.dur(d), self.dur(d)),
                2 => format!("({} * {})", self.dur(d), self.num(d)),
                3 => format!("({} * {})", self.num(d), self.dur(d)),
                4 => format!("({} / {})", self.dur(d), self.num(d)),
                5 => format!("-({})", self.dur(d)),
                _ => "(median (at - created_at) of events)".to_string(),
            }
        }

        fn date(&mut self, depth: u32) -> String {
            if depth == 0 || self.below(2) == 0 {
                return self.pick(&["d", "2026-01-10"]).to_string();
            }
            let op = self.pick(&["+", "-"]);
            format!("({} {op} {})", self.date(depth - 1), self.dur(depth - 1))
        }

        fn time(&mut self, depth: u32) -> String {
            if depth == 0 || self.below(2) == 0 {
                return self
                    .pick(&[
                        "created_at",
                        "now",
                        "last(events).at",
                        "(median at of events)",
                        "(max at of events)",
                    ])
                    .to_string();
            }
            let op = self.pick(&["+", "-"]);
            format!("({} {op} {})", self.time(depth - 1), self.dur(depth - 1))
        }

        fn test(&mut self, depth: u32) -> String {
            let d = depth.saturating_sub(1);
            let cmp = self.pick(&["<", "<=", "==", "!=", ">=", ">"]);
            match self.below(if depth == 0 { 6 } else { 9 }) {
                0 => format!("{} {cmp} {}", self.num(d), self.num(d)),
                1 => format!("{} {cmp} {}", self.dur(d), self.dur(d)),
                2 => format!("{} {cmp} {}", self.date(d), self.date(d)),
                3 => format!("{} {cmp} {}", self.time(d), self.time(d)),
                4 => format!(
                    "({} events where kind == {} within {})",
                    self.pick(&["all", "any"]),
                    self.pick(&["view", "call"]),
                    self.pick(&["30d", "1d", "1s"])
                ),
                5 => format!("{} is missing", self.num(d)),
                6 => format!("({} and {})", self.test(d), self.test(d)),
                7 => format!("({} or {})", self.test(d), self.test(d)),
                _ => format!("not ({})", self.test(d)),
            }
        }

        /// A policy whose lets, score rules, persona and stages are random expressions.
        fn policy(&mut self) -> String {
            let mut text = String::from(
                r#"policy "generated" version 1
schema lead {
  id: text key
  n: int?
  x: number?
  flag: bool?
  d: date
  dur: duration?
  created_at: datetime
  events: list<event>
}
schema event {
  kind: enum(view, call)
  at: datetime
  w: int?
}
"#,
            );
            self.1 = true;
            text += &format!("persona p {{\n  {}\n  {}\n}}\n", self.test(1), self.test(1));
            self.1 = false;
            text += &format!("let a_num = {}\n", self.num(3));
            text += &format!("let a_dur = {}\n", self.dur(3));
            text += &format!("let a_date = {}\n", self.date(3));
            text += &format!("let a_time = {}\n", self.time(3));
            text += &format!("let a_test = {}\n", self.test(3));
            text += &format!(
                "score s {{\n  +1 per {}\n  +5 when {}\n  -2 per {}, max 50\n  +0.005 per {}\n",
                self.num(2),
                self.test(2),
                self.num(1),
                self.num(1)
            );
            // Decay steps and their edges, and clamps either side of the rules' sum.
            text += self.pick(&[
                "",
                "  decay 50% every 30d since last(events).at\n",
                "  decay half-life 1d since created_at\n",
                "  decay 100% every 1s since (max at of events)\n",
            ]);
            text += self.pick(&["}\n", "  clamp 0..100\n}\n", "  clamp -1e300..1e300\n}\n"]);
            // Thresholds on the rounding's ties and either side of zero.
            text += "grade s { A >= 10.005, B > 0, C >= -0.005, else D }\n";
            text += &format!(
                "stages {{\n  lead\n  mql when {}\n  sql when grade(s) in [A, B] and {}\n  out when {}\n    because \"generated\"\n}}\n",
                self.test(2),
                self.test(1),
                self.test(1)
            );
            text += &format!(
                "route {{\n  hot when stage >= sql or {}\n  warm when {}\n  cold otherwise\n}}\n",
                self.test(1),
                self.test(1)
            );
            text
        }
    }

    /// Leads with values at their edges: the 64-bit ends, floats near their largest, the
    /// calendar's ends, the longest durations an input may hold, events after `now` and long
    /// before.
    fn lead() -> impl Strategy<Value = String> {
        let n = prop::sample::select(vec![
            "0",
            "3",
            "-9223372036854775808",
            "9223372036854775807",
            "200000000000",
            "null",
        ]);
        let x = prop::sample::select(vec!["0.5", "1e300", "-1e308", "2.675", "0", "null"]);
        let d = prop::sample::select(vec!["2026-01-10", "9999-12-31", "0001-01-01"]);
        let dur = prop::sample::select(vec![
            "86400",
            "-129600",
            "9223372036854775",
            "-9223372036854775",
            "null",
        ]);
        let created = prop::sample::select(vec![
            "2026-01-10T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
        ]);
        let event = (
            prop::sample::select(vec!["view", "call"]),
            prop::sample::select(vec![
                "2026-01-20T00:00:00Z",
                "2026-03-01T00:00:00Z",
                "2025-11-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
            ]),
            prop::sample::select(vec!["1", "-9223372036854775808", "null"]),
        )
            .prop_map(|(k, at, w)| format!(r#"{{"kind":"{k}","at":"{at}","w":{w}}}"#));
        (
            n,
            x,
            prop::sample::select(vec!["true", "false", "null"]),
            d,
            dur,
            created,
            prop::collection::vec(event, 0..4),
        )
            .prop_map(|(n, x, flag, d, dur, created, events)| {
                format!(
                    r#"{{"id":"g","n":{n},"x":{x},"flag":{flag},"d":"{d}","dur":{dur},"created_at":"{created}","events":[{}]}}"#,
                    events.join(",")
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn compiled_and_walked_agree_at_the_edges(
            seed in any::<u64>(),
            leads in prop::collection::vec(lead(), 1..8),
            now in prop::sample::select(vec![
                "2026-02-01T00:00:00Z",
                "0001-01-02T00:00:00Z",
                "9999-12-31T23:59:59Z",
            ]),
        ) {
            let text = Gen(seed | 1, false).policy();
            let policy = match Policy::from_sources(vec![funnel_grammar::SourceFile::new("g.funnel", text.clone())]) {
                Ok(p) => p,
                Err(e) => {
                    let shown: Vec<String> = e.diagnostics.iter().map(|d| d.render(false)).collect();
                    panic!("the generator wrote a policy that does not check:\n{text}\n{}", shown.join("\n"));
                }
            };
            let walking = policy.walking();
            let at = chrono::DateTime::parse_from_rfc3339(now).unwrap();
            let options = EvalOptions::default();
            for json in &leads {
                // A value the input cannot hold is that record's error, which is fine here.
                let Ok(lead) = policy.decode_json(json.as_bytes(), &options) else {
                    continue;
                };
                for options in [EXPLAIN, EvalOptions::default()] {
                    let compiled = policy.evaluate(&lead, at, &options, None);
                    if let Err(e) = &compiled {
                        prop_assert!(!e.message.starts_with("internal error"), "{e}\n{text}\n{json}");
                    }
                    prop_assert_eq!(&compiled, &walking.evaluate(&lead, at, &options, None), "{}\n{}", text, json);
                    // The fast JSON writer writes what serde writes for the decision.
                    let mut evaluator = policy.evaluator(options);
                    if let Ok(e) = evaluator.evaluate(&lead, at, None) {
                        let mut fast = Vec::new();
                        e.write_json(&mut fast);
                        let serde = serde_json::to_vec(&e.to_decision()).unwrap();
                        prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(serde).unwrap());
                    }
                }
            }
        }
    }
}
