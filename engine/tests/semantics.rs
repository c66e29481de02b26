//! The meaning of each construct, checked on small policies: rule forms, three-valued logic,
//! decay, time windows, clamp and max, stages and routes.

use chrono::{DateTime, FixedOffset};
use funnel_engine::{Decision, Policy};
use funnel_grammar::SourceFile;

const SCHEMA: &str = r#"
policy "semantics" version 1
  timezone "America/Sao_Paulo"

schema lead {
  id: text key
  n: int?
  x: number?
  s: text?
  b: bool?
  c: bool?
  created_at: datetime?
  d: date?
  dur: duration?
  events: list<event>
}

schema event {
  kind: enum(view, call, demo)
  at: datetime
}
"#;

const NOW: &str = "2026-11-26T12:00:00-03:00";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn policy(body: &str) -> Policy {
    let mut text = format!("{SCHEMA}\n{body}\n");
    if !body.contains("stages {") {
        text.push_str("stages {\n  lead\n}\n");
    }
    match Policy::from_sources(vec![SourceFile::new("semantics.funnel", text)]) {
        Ok(p) => p,
        Err(e) => {
            let rendered: Vec<String> = e.diagnostics.iter().map(|d| d.render(false)).collect();
            panic!("policy does not compile:\n{}", rendered.join("\n"));
        }
    }
}

fn eval(p: &Policy, lead: &str) -> Decision {
    p.evaluate_json(lead.as_bytes(), at(NOW))
        .unwrap_or_else(|e| panic!("lead {lead} failed: {e}"))
}

fn score(p: &Policy, lead: &str, name: &str) -> f64 {
    *eval(p, lead).scores.get(name).unwrap()
}

fn events(list: &[(&str, &str)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(k, t)| format!(r#"{{"kind": "{k}", "at": "{t}"}}"#))
        .collect();
    format!("[{}]", items.join(", "))
}

#[test]
fn when_rules_fire_only_on_true() {
    let p = policy("score s1 {\n  +10 when n >= 5\n  -3 when b\n}");
    assert_eq!(
        score(&p, r#"{"id":"a","n":5,"b":true,"events":[]}"#, "s1"),
        7.0
    );
    assert_eq!(
        score(&p, r#"{"id":"a","n":4,"b":false,"events":[]}"#, "s1"),
        0.0
    );
    // Missing values make the conditions unknown: neither rule fires.
    assert_eq!(score(&p, r#"{"id":"a","events":[]}"#, "s1"), 0.0);
}

#[test]
fn arithmetic_keeps_whole_numbers_and_dividing_by_zero_is_unknown() {
    let p = policy(
        "let sum = n + 1\nlet ratio = n / x\nlet half = n / 2\nlet big = n * 4_000_000_000_000_000_000\nlet mixed = n + x\nlet at_most = n <= 3\nlet above = 2 < n",
    );
    let d = eval(&p, r#"{"id":"a","n":3,"x":0,"events":[]}"#);
    let v = |name: &str| d.values.get(name).unwrap().clone();
    assert_eq!(v("sum"), serde_json::json!(4));
    assert_eq!(v("ratio"), serde_json::Value::Null);
    assert_eq!(v("half"), serde_json::json!(1.5));
    // 3 × 4e18 does not fit a whole number: it becomes a number.
    assert_eq!(v("big"), serde_json::json!(1.2e19));
    assert_eq!(v("mixed"), serde_json::json!(3.0));
    assert_eq!(v("at_most"), serde_json::json!(true));
    assert_eq!(v("above"), serde_json::json!(true));
}

#[test]
fn per_rules_multiply_and_max_caps_one_rule() {
    let p = policy("score s1 {\n  +2 per n, max 10\n  +0.5 per x\n}");
    assert_eq!(
        score(&p, r#"{"id":"a","n":3,"x":3,"events":[]}"#, "s1"),
        7.5
    );
    assert_eq!(score(&p, r#"{"id":"a","n":30,"events":[]}"#, "s1"), 10.0);
    let neg = policy("score s1 {\n  -2 per n, max 10\n}");
    assert_eq!(score(&neg, r#"{"id":"a","n":30,"events":[]}"#, "s1"), -10.0);
}

#[test]
fn clamp_applies_after_max_and_decay() {
    let p = policy("score s1 {\n  +40 per n, max 120\n  clamp 0..100\n}");
    assert_eq!(score(&p, r#"{"id":"a","n":2,"events":[]}"#, "s1"), 80.0);
    assert_eq!(score(&p, r#"{"id":"a","n":5,"events":[]}"#, "s1"), 100.0);
    let p = policy("score s1 {\n  -40 per n\n  clamp 0..100\n}");
    assert_eq!(score(&p, r#"{"id":"a","n":5,"events":[]}"#, "s1"), 0.0);
}

#[test]
fn per_event_counts_items_within_the_window_edges_included() {
    let p = policy("score s1 {\n  +1 per event where kind == view within 1d\n}");
    let lead = |evs: &str| format!(r#"{{"id":"a","events":{evs}}}"#);
    // Exactly one day before now counts; one second more does not; the future does not.
    let evs = events(&[
        ("view", "2026-11-25T12:00:00-03:00"),
        ("view", "2026-11-25T11:59:59-03:00"),
        ("view", "2026-11-26T12:00:00-03:00"),
        ("view", "2026-11-26T12:00:01-03:00"),
        ("call", "2026-11-26T11:00:00-03:00"),
    ]);
    assert_eq!(score(&p, &lead(&evs), "s1"), 2.0);
}

#[test]
fn step_decay_at_before_and_after_each_step() {
    let p = policy("score s1 {\n  +80 when true\n  decay 50% every 10d since created_at\n}");
    let lead = |t: &str| format!(r#"{{"id":"a","created_at":"{t}","events":[]}}"#);
    assert_eq!(score(&p, &lead("2026-11-16T12:00:01-03:00"), "s1"), 80.0); // just before 10d
    assert_eq!(score(&p, &lead("2026-11-16T12:00:00-03:00"), "s1"), 40.0); // exactly 10d
    assert_eq!(score(&p, &lead("2026-11-06T12:00:01-03:00"), "s1"), 40.0); // just before 20d
    assert_eq!(score(&p, &lead("2026-11-06T12:00:00-03:00"), "s1"), 20.0); // exactly 20d
    assert_eq!(score(&p, &lead("2026-11-26T12:00:00-03:00"), "s1"), 80.0); // no time passed
                                                                           // A start in the future does not grow the score; an unknown start leaves it as is.
    assert_eq!(score(&p, &lead("2026-12-26T12:00:00-03:00"), "s1"), 80.0);
    assert_eq!(score(&p, r#"{"id":"a","events":[]}"#, "s1"), 80.0);
}

#[test]
fn half_life_decay_is_continuous() {
    let p = policy("score s1 {\n  +80 when true\n  decay half-life 10d since created_at\n}");
    let lead = |t: &str| format!(r#"{{"id":"a","created_at":"{t}","events":[]}}"#);
    assert_eq!(score(&p, &lead("2026-11-16T12:00:00-03:00"), "s1"), 40.0);
    assert_eq!(score(&p, &lead("2026-11-21T12:00:00-03:00"), "s1"), 56.57); // 80 / sqrt(2)
    assert_eq!(score(&p, &lead("2026-11-06T12:00:00-03:00"), "s1"), 20.0);
}

#[test]
fn decay_happens_before_clamp() {
    let p = policy(
        "score s1 {\n  +300 when true\n  decay 50% every 10d since created_at\n  clamp 0..100\n}",
    );
    let d = r#"{"id":"a","created_at":"2026-11-16T12:00:00-03:00","events":[]}"#;
    // 300 halves to 150, then the clamp gives 100 (clamping first would give 50).
    assert_eq!(score(&p, d, "s1"), 100.0);
}

/// Evaluates `EXPR` as a let for each combination of b and c (true, false, missing).
fn truth_table(expr: &str) -> Vec<serde_json::Value> {
    let p = policy(&format!("let v = {expr}"));
    let vals = ["true", "false", "null"];
    let mut out = Vec::new();
    for b in vals {
        for c in vals {
            let d = eval(&p, &format!(r#"{{"id":"a","b":{b},"c":{c},"events":[]}}"#));
            out.push(d.values.get("v").unwrap().clone());
        }
    }
    out
}

#[test]
fn three_valued_logic_truth_tables() {
    use serde_json::Value::{Bool, Null};
    let (t, f) = (Bool(true), Bool(false));
    // Rows: b = true, false, unknown; columns: c = true, false, unknown.
    assert_eq!(
        truth_table("b and c"),
        vec![
            t.clone(),
            f.clone(),
            Null,
            f.clone(),
            f.clone(),
            f.clone(),
            Null,
            f.clone(),
            Null
        ]
    );
    assert_eq!(
        truth_table("b or c"),
        vec![
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            f.clone(),
            Null,
            t.clone(),
            Null,
            Null
        ]
    );
    assert_eq!(
        truth_table("not b"),
        vec![
            f.clone(),
            f.clone(),
            f.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            Null,
            Null,
            Null
        ]
    );
    assert_eq!(
        truth_table("b is missing"),
        vec![
            f.clone(),
            f.clone(),
            f.clone(),
            f.clone(),
            f.clone(),
            f.clone(),
            t.clone(),
            t.clone(),
            t.clone()
        ]
    );
    assert_eq!(
        truth_table("b == c"),
        vec![
            t.clone(),
            f.clone(),
            Null,
            f.clone(),
            t.clone(),
            Null,
            Null,
            Null,
            Null
        ]
    );
}

#[test]
fn comparisons_with_unknown_are_unknown_and_rules_skip() {
    let p = policy("let v = n > 3\nlet w = n in [1, 2]\nlet z = s contains \"x\"");
    let d = eval(&p, r#"{"id":"a","events":[]}"#);
    assert_eq!(d.values.get("v"), Some(&serde_json::Value::Null));
    assert_eq!(d.values.get("w"), Some(&serde_json::Value::Null));
    assert_eq!(d.values.get("z"), Some(&serde_json::Value::Null));
}

#[test]
fn explanations_list_fired_and_unknown_rules_with_locations() {
    let p = policy("score s1 {\n  +10 when n >= 5\n  +5 when b\n  +1 when s == \"z\"\n}");
    let options = funnel_engine::EvalOptions {
        explain: true,
        strict: false,
    };
    let lead = p
        .decode_json(br#"{"id":"a","n":7,"s":"q","events":[]}"#, &options)
        .unwrap();
    let d = p.evaluate(&lead, at(NOW), &options, None).unwrap();
    let rules: Vec<(String, String, String)> = d
        .explain
        .unwrap()
        .iter()
        .filter_map(|s| match serde_json::to_value(s).unwrap() {
            v if v["kind"] == "rule" => Some((
                v["rule"].as_str().unwrap().to_string(),
                v["result"].as_str().unwrap().to_string(),
                v["at"].as_str().unwrap().to_string(),
            )),
            _ => None,
        })
        .collect();
    // The fired rule and the one skipped on the missing `b`; the false one is not listed.
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].0, "+10 when n >= 5");
    assert_eq!(rules[0].1, "true");
    assert!(rules[0].2.starts_with("semantics.funnel:"));
    assert_eq!(rules[1].0, "+5 when b");
    assert_eq!(rules[1].1, "unknown");
}

#[test]
fn personas_report_match_fraction() {
    let p = policy("persona p \"x\" {\n  n >= 5\n  b\n  s == \"k\"\n  x > 1\n}\nscore s1 {\n  +1 when persona p\n}");
    let d = eval(&p, r#"{"id":"a","n":9,"b":true,"s":"no","events":[]}"#);
    let r = d.personas.get("p").unwrap();
    assert!(!r.matched);
    assert_eq!(r.fraction, 0.5);
    let d = eval(&p, r#"{"id":"a","n":9,"b":true,"s":"k","x":2,"events":[]}"#);
    assert!(d.personas.get("p").unwrap().matched);
}

#[test]
fn a_match_share_is_exact_in_expressions_and_rounded_in_the_decision() {
    let p = policy(
        "persona p {\n  n >= 1\n  n >= 2\n  n >= 3\n}\nscore s1 {\n  +1 when match(p) >= 2 / 3\n  +10 when match(p) >= 0.67\n  +100 per match(p)\n}",
    );
    let d = eval(&p, r#"{"id":"a","n":2,"events":[]}"#);
    assert_eq!(d.personas.get("p").unwrap().fraction, 0.67);
    // 1 + 100 × 2/3 = 67.67 (rounded to cents); 0.666… is not >= 0.67.
    assert_eq!(*d.scores.get("s1").unwrap(), 67.67);
}

#[test]
fn stage_is_the_last_true_and_exclusions_win() {
    let p = policy(
        "stages {\n  lead\n  mql when n >= 1\n  sql when n >= 2\n  lost when b because \"gone\"\n  won when n >= 3\n}",
    );
    let stage = |lead: &str| {
        let d = eval(&p, lead);
        (d.stage, d.reason)
    };
    assert_eq!(stage(r#"{"id":"a","events":[]}"#), ("lead".into(), None));
    assert_eq!(
        stage(r#"{"id":"a","n":2,"events":[]}"#),
        ("sql".into(), None)
    );
    assert_eq!(
        stage(r#"{"id":"a","n":3,"events":[]}"#),
        ("won".into(), None)
    );
    assert_eq!(
        stage(r#"{"id":"a","n":3,"b":true,"events":[]}"#),
        ("lost".into(), Some("gone".into()))
    );
}

#[test]
fn stage_order_comparisons_and_routes() {
    let p = policy(
        "stages {\n  lead\n  mql when n >= 1\n  sql when n >= 2\n}\nroute {\n  hot when stage >= sql\n  warm when stage == mql\n  cold otherwise\n}",
    );
    let route = |lead: &str| eval(&p, lead).route.unwrap();
    assert_eq!(route(r#"{"id":"a","n":5,"events":[]}"#), "hot");
    assert_eq!(route(r#"{"id":"a","n":1,"events":[]}"#), "warm");
    assert_eq!(route(r#"{"id":"a","events":[]}"#), "cold");
}

#[test]
fn first_last_nth_follow_time_order_not_input_order() {
    let p = policy(
        "let first_call = first(events where kind == call).at\nlet third = nth(3, events where kind == call).at\nlet latest = last(events).at\nlet n_calls = count events where kind == call",
    );
    let evs = events(&[
        ("call", "2026-11-20T10:00:00-03:00"),
        ("call", "2026-11-18T10:00:00-03:00"),
        ("view", "2026-11-25T10:00:00-03:00"),
        ("call", "2026-11-19T10:00:00-03:00"),
    ]);
    let d = eval(&p, &format!(r#"{{"id":"a","events":{evs}}}"#));
    assert_eq!(
        d.values.get("first_call").unwrap(),
        "2026-11-18T10:00:00-03:00"
    );
    assert_eq!(d.values.get("third").unwrap(), "2026-11-20T10:00:00-03:00");
    assert_eq!(d.values.get("latest").unwrap(), "2026-11-25T10:00:00-03:00");
    assert_eq!(d.values.get("n_calls").unwrap(), 3);
    let d = eval(&p, r#"{"id":"a","events":[]}"#);
    assert_eq!(
        d.values.get("first_call").unwrap(),
        &serde_json::Value::Null
    );
}

#[test]
fn datetime_arithmetic_and_functions() {
    let p = policy(
        "let age = now - created_at\nlet days = days_between(created_at, now)\nlet later = created_at + 2d 4h\nlet hours = (now - created_at) / 1h",
    );
    let d = eval(
        &p,
        r#"{"id":"a","created_at":"2026-11-24T06:00:00-03:00","events":[]}"#,
    );
    assert_eq!(d.values.get("age").unwrap(), "2d 6h");
    assert_eq!(d.values.get("days").unwrap(), 2);
    assert_eq!(d.values.get("later").unwrap(), "2026-11-26T10:00:00-03:00");
    assert_eq!(d.values.get("hours").unwrap(), 54.0);
}

#[test]
fn a_decision_is_stamped_and_the_digest_ignores_file_order() {
    let a = SourceFile::new(
        "dir1/a.funnel",
        format!("{SCHEMA}\nstages {{\n  lead\n}}\n"),
    );
    let b = SourceFile::new("dir1/b.funnel", "score s1 {\n  +1 when true\n}\n");
    let a2 = SourceFile::new("elsewhere/a.funnel", a.text.clone());
    let b2 = SourceFile::new("elsewhere/b.funnel", b.text.clone());
    let p1 = Policy::from_sources(vec![a, b]).unwrap();
    let p2 = Policy::from_sources(vec![b2, a2]).unwrap();
    assert_eq!(p1.digest(), p2.digest());
    assert!(p1.digest().starts_with("sha256:") && p1.digest().len() == 7 + 64);
    let d = eval(&p1, r#"{"id":"L-9","events":[]}"#);
    assert_eq!(d.lead, "L-9");
    assert_eq!(d.policy.name, "semantics");
    assert_eq!(d.policy.version, 1);
    assert_eq!(d.policy.digest, p1.digest());
}

#[test]
fn exclusions_stand_outside_the_stage_order() {
    let p = policy(
        "stages {\n  lead\n  mql when n >= 1\n  lost when b because \"gone\"\n}\nlet past_mql = stage >= mql\nlet before_mql = stage < mql",
    );
    let d = eval(&p, r#"{"id":"a","n":1,"b":true,"events":[]}"#);
    assert_eq!(d.stage, "lost");
    assert_eq!(d.values.get("past_mql").unwrap(), false);
    assert_eq!(d.values.get("before_mql").unwrap(), false);
    let d = eval(&p, r#"{"id":"a","n":1,"b":false,"events":[]}"#);
    assert_eq!(d.values.get("past_mql").unwrap(), true);
}

#[test]
fn items_after_now_have_not_happened_yet() {
    let p = policy("let demo = any event where kind == demo\nlet latest = last(events).at\nlet seen = count events");
    let evs = events(&[
        ("view", "2026-11-20T10:00:00-03:00"),
        ("demo", "2026-11-27T10:00:00-03:00"),
    ]);
    let d = eval(&p, &format!(r#"{{"id":"a","events":{evs}}}"#));
    assert_eq!(d.values.get("demo").unwrap(), false);
    assert_eq!(d.values.get("latest").unwrap(), "2026-11-20T10:00:00-03:00");
    assert_eq!(d.values.get("seen").unwrap(), 1);
}

/// The lets' values of one lead, by name.
fn values(p: &Policy, lead: &str) -> impl Fn(&str) -> serde_json::Value {
    let d = eval(p, lead);
    move |name: &str| {
        d.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no let {name}"))
    }
}

#[test]
fn date_arithmetic_past_the_calendar_is_unknown_not_a_panic() {
    let p = policy(
        "let later = d + n * 1d\nlet sooner = d - n * 1d\nlet at_later = created_at + n * 1h\nlet longer = dur + n * 1d\nlet times = dur * x",
    );
    let v = values(
        &p,
        r#"{"id":"a","d":"2026-01-10","n":200000000000,"x":1e300,"dur":86400,"created_at":"2026-01-10T00:00:00Z","events":[]}"#,
    );
    for name in ["later", "sooner", "at_later", "times"] {
        assert_eq!(v(name), serde_json::Value::Null, "{name}");
    }
    // 2e11 days is a duration like any other; only a date or time cannot hold it.
    assert_eq!(v("longer"), serde_json::json!("200000000001d"));
    let v = values(
        &p,
        r#"{"id":"a","d":"2026-01-10","n":3,"x":0.5,"dur":3600,"created_at":"2026-01-10T00:00:00Z","events":[]}"#,
    );
    assert_eq!(v("later"), serde_json::json!("2026-01-13"));
    assert_eq!(
        v("at_later"),
        serde_json::json!("2026-01-10T03:00:00+00:00")
    );
    assert_eq!(v("times"), serde_json::json!("30m"));
}

#[test]
fn a_date_moves_by_whole_days_counted_toward_zero() {
    let p = policy(
        "let plus_neg = d + -36h\nlet minus = d - 36h\nlet minus_neg = d - -36h\nlet plus = d + 36h\nlet plus_neg_second = d + -1s\nlet minus_day = d - 1d",
    );
    let v = values(&p, r#"{"id":"a","d":"2026-01-10","events":[]}"#);
    assert_eq!(v("plus_neg"), serde_json::json!("2026-01-09"));
    assert_eq!(v("minus"), serde_json::json!("2026-01-09"));
    assert_eq!(v("minus_neg"), serde_json::json!("2026-01-11"));
    assert_eq!(v("plus"), serde_json::json!("2026-01-11"));
    assert_eq!(v("plus_neg_second"), serde_json::json!("2026-01-10"));
    assert_eq!(v("minus_day"), serde_json::json!("2026-01-09"));
}

#[test]
fn all_looks_only_at_the_items_the_list_form_sees() {
    let p = policy(
        "let all_views = all events where kind == view\nlet all_recent_views = all events where kind == view within 30d\nlet any_click = any event where kind == call",
    );
    // A call after now has not happened: every view so far is all there is.
    let future = events(&[
        ("view", "2026-11-20T10:00:00-03:00"),
        ("call", "2026-12-01T10:00:00-03:00"),
    ]);
    let v = values(&p, &format!(r#"{{"id":"a","events":{future}}}"#));
    assert_eq!(v("all_views"), serde_json::json!(true));
    assert_eq!(v("any_click"), serde_json::json!(false));
    // A call outside the window is not in it.
    let old = events(&[
        ("view", "2026-11-20T10:00:00-03:00"),
        ("call", "2026-08-01T10:00:00-03:00"),
    ]);
    let v = values(&p, &format!(r#"{{"id":"a","events":{old}}}"#));
    assert_eq!(v("all_recent_views"), serde_json::json!(true));
    assert_eq!(v("all_views"), serde_json::json!(false));
}

#[test]
fn the_median_of_an_even_count_is_the_midpoint_whatever_the_type() {
    let p = policy("let mid = median at of events\nlet mid_wait = median (at - created_at) of events\nlet mid_n = median n of events");
    let two = events(&[
        ("view", "2026-01-10T00:00:00-03:00"),
        ("view", "2026-01-20T00:00:00-03:00"),
    ]);
    let v = values(
        &p,
        &format!(r#"{{"id":"a","n":1,"created_at":"2026-01-09T23:59:59-03:00","events":{two}}}"#),
    );
    assert_eq!(v("mid"), serde_json::json!("2026-01-15T00:00:00-03:00"));
    // 1s and 10d 1s: the midpoint is 5d 1s.
    assert_eq!(v("mid_wait"), serde_json::json!("5d 1s"));
    assert_eq!(v("mid_n"), serde_json::json!(1.0));
}

#[test]
fn whole_numbers_stay_exact_up_to_64_bits() {
    let p = policy("let exact = 9007199254740993 - 9007199254740992\nlet top = 9_223_372_036_854_775_807 - n\nlet negated = -(n - 9_223_372_036_854_775_807 - 1)");
    let v = values(&p, r#"{"id":"a","n":0,"events":[]}"#);
    assert_eq!(v("exact"), serde_json::json!(1));
    assert_eq!(v("top"), serde_json::json!(9_223_372_036_854_775_807i64));
    // -(i64::MIN) leaves the 64-bit range: it becomes a number, like an overflowing `+`.
    assert_eq!(v("negated"), serde_json::json!(9.223372036854776e18));
    check_rejects(
        "let big = 9223372036854775808",
        (
            "funnel::bad_number",
            "the whole number `9223372036854775808` does not fit in 64 bits",
        ),
    );
}

#[test]
fn rounding_to_whole_numbers_past_64_bits_is_unknown() {
    let p = policy("let r = round(x)\nlet f = floor(x)\nlet up = ceil(x)\nlet a = abs(n)");
    let v = values(
        &p,
        r#"{"id":"a","x":1e300,"n":-9223372036854775808,"events":[]}"#,
    );
    assert_eq!(v("r"), serde_json::Value::Null);
    assert_eq!(v("f"), serde_json::Value::Null);
    assert_eq!(v("up"), serde_json::Value::Null);
    assert_eq!(v("a"), serde_json::json!(9.223372036854776e18));
    let v = values(&p, r#"{"id":"a","x":-2.5,"n":-3,"events":[]}"#);
    assert_eq!(v("r"), serde_json::json!(-3));
    assert_eq!(v("f"), serde_json::json!(-3));
    assert_eq!(v("up"), serde_json::json!(-2));
    assert_eq!(v("a"), serde_json::json!(3));
}

#[test]
fn durations_round_to_the_nearest_second() {
    let p = policy("let third = 1h * 0.3333\nlet split = 1m / 7\nlet back = -1s * 0.5");
    let v = values(&p, r#"{"id":"a","events":[]}"#);
    // 1,199.88 s and 8.57 s; half a second away from zero.
    assert_eq!(v("third"), serde_json::json!("20m"));
    assert_eq!(v("split"), serde_json::json!("9s"));
    assert_eq!(v("back"), serde_json::json!("-1s"));
}

#[test]
fn scores_round_to_two_decimals_as_written_in_decimal() {
    let p = policy(
        "score s1 {\n  +1 per x\n}\npersona p1 {\n  n > 0\n  n > 1\n  n > 2\n}\nlet m = match(p1)",
    );
    let lead = |x: &str| format!(r#"{{"id":"a","x":{x},"n":2,"events":[]}}"#);
    for (x, want) in [
        ("1.005", 1.01),
        ("1.115", 1.12),
        ("2.675", 2.68),
        ("-1.005", -1.01),
        ("1.0049", 1.0),
        ("0.125", 0.13),
    ] {
        assert_eq!(score(&p, &lead(x), "s1"), want, "x = {x}");
    }
    let d = eval(&p, &lead("0"));
    assert_eq!(d.personas.get("p1").unwrap().fraction, 0.67);
}

#[test]
fn len_of_a_timed_list_agrees_with_count() {
    let p = policy("let l = len(events)\nlet counted = count events");
    let evs = events(&[
        ("view", "2026-11-20T10:00:00-03:00"),
        ("call", "2026-12-01T10:00:00-03:00"),
    ]);
    let v = values(&p, &format!(r#"{{"id":"a","events":{evs}}}"#));
    assert_eq!(v("l"), serde_json::json!(1));
    assert_eq!(v("counted"), serde_json::json!(1));
}

#[test]
fn a_score_past_the_largest_number_is_an_error_for_that_lead() {
    let p = policy("score s1 {\n  +1 per x\n  +1 per x\n}");
    let err = p
        .evaluate_json(br#"{"id":"a","x":1e308,"events":[]}"#, at(NOW))
        .unwrap_err();
    assert!(
        err.to_string().contains("score `s1` cannot be computed"),
        "{err}"
    );
    assert_eq!(
        score(&p, r#"{"id":"a","x":1e307,"events":[]}"#, "s1"),
        2e307
    );
}

#[test]
fn a_window_or_a_yes_or_no_over_leads_is_rejected_in_a_metric() {
    for (body, message) in [
        (
            "metric m = count(leads within 30d) per month by created_at",
            "`leads` takes no `within`",
        ),
        (
            "metric m = if any(leads where n > 1) then 1 else 0 per month by created_at",
            "`any` over `leads` has no value in a metric",
        ),
    ] {
        check_rejects(body, ("funnel::bad_metric", message));
    }
}

/// Checks `body` with the schema and asserts the first diagnostic's code and message.
fn check_rejects(body: &str, (code, message): (&str, &str)) {
    let source = format!("{SCHEMA}\n{body}\nstages {{\n  lead\n}}\n");
    let err = Policy::from_sources(vec![SourceFile::new("m.funnel", source)]).unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!((d.code.as_str(), d.message.as_str()), (code, message));
}

#[test]
fn round_keeps_0_to_12_decimals() {
    check_rejects(
        "let r = round(x, 999999999999)",
        (
            "funnel::bad_number",
            "`round` keeps 0 to 12 decimals, not 999999999999",
        ),
    );
    let p = policy("let r = round(x, n)");
    let v = values(&p, r#"{"id":"a","x":2.675,"n":99,"events":[]}"#);
    assert_eq!(v("r"), serde_json::json!(2.675));
}

// Issue 18: metric targets in the metric's unit, split dimensions, stage instants.

#[test]
fn a_metric_target_is_written_in_the_metrics_unit() {
    let metric = |lines: &str| {
        format!("metric m = count(leads) / count(leads) per month by created_at\n{lines}")
    };
    check_rejects(
        &metric("  as percent\n  at least 60"),
        (
            "funnel::bad_metric",
            "the target of a percent metric is a percent",
        ),
    );
    check_rejects(
        &metric("  at least 60%"),
        (
            "funnel::bad_metric",
            "a percent target needs a percent metric",
        ),
    );
    check_rejects(
        &metric("  as money \"BRL\"\n  at most 45d"),
        (
            "funnel::bad_metric",
            "a duration target needs a metric in days or hours",
        ),
    );
    // In its unit it checks clean.
    policy(&metric("  as days\n  at most 45d\n  owner sales"));
    policy(&metric("  as percent\n  at least 60%"));
}

#[test]
fn a_split_takes_text_an_enum_a_bool_or_an_int() {
    check_rejects(
        "metric m = count(leads) per month by created_at\n  split by x",
        (
            "funnel::type_mismatch",
            "a split takes text, an enum, a bool or an int, but this is number",
        ),
    );
    policy("metric m = count(leads) per month by created_at\n  split by s, b\n  split by n");
}

#[test]
fn a_stage_instant_is_a_date_field_and_reached_at_needs_one() {
    let with_stages = |stages: &str, rest: &str| {
        let source = format!("{SCHEMA}\n{rest}\nstages {{\n{stages}\n}}\n");
        Policy::from_sources(vec![SourceFile::new("m.funnel", source)])
    };
    let err = with_stages("  lead\n  won at x when b", "").unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.message.as_str()),
        (
            "funnel::type_mismatch",
            "`x` is a number, not a date or datetime"
        )
    );
    let err = with_stages("  lead\n  won at createdat when b", "").unwrap_err();
    assert_eq!(err.diagnostics[0].code.as_str(), "funnel::unknown_field");
    let err = with_stages("  lead\n  won when b", "let w = reached_at(won)").unwrap_err();
    assert_eq!(
        err.diagnostics[0].message,
        "the stage `won` names no instant"
    );
    let err = with_stages("  lead\n  won when b", "let w = reached(wno)").unwrap_err();
    assert_eq!(err.diagnostics[0].code.as_str(), "funnel::unknown_stage");
    // A lost lead keeps what it had reached; `reached_at` reads the stage's field.
    let p = with_stages(
        "  lead\n  won at created_at when b\n  lost when c because \"gone\"",
        "let was_won = reached(won)\nlet won_at = reached_at(won)",
    )
    .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
    let d = p
        .evaluate_json(
            br#"{"id":"a","b":true,"c":true,"created_at":"2026-11-01T09:00:00Z","events":[]}"#,
            at,
        )
        .unwrap();
    assert_eq!((d.stage.as_str(), d.reached.as_str()), ("lost", "won"));
    assert_eq!(d.values.get("was_won"), Some(&serde_json::json!(true)));
    assert_eq!(
        d.values.get("won_at"),
        Some(&serde_json::json!("2026-11-01T09:00:00+00:00"))
    );
    let d = p
        .evaluate_json(br#"{"id":"b","b":false,"c":true,"events":[]}"#, at)
        .unwrap();
    assert_eq!((d.stage.as_str(), d.reached.as_str()), ("lost", "lead"));
    assert_eq!(d.values.get("won_at"), Some(&serde_json::Value::Null));
}

#[test]
fn a_table_is_flat_dated_and_aggregated_only_in_metrics() {
    check_rejects(
        "table spend by amount {\n  month: date\n  amount: number\n}",
        (
            "funnel::bad_table",
            "`by amount` needs a date or datetime field, but it is number",
        ),
    );
    check_rejects(
        "table spend by month {\n  month: date\n  tags: list<text>\n}",
        (
            "funnel::bad_table",
            "the table field `tags` holds a list or a record",
        ),
    );
    check_rejects(
        "table spend by month {\n  month: date\n  amount: number\n}\nlet spent = count(spend)",
        (
            "funnel::misplaced_aggregate",
            "the table `spend` can only be used in a metric",
        ),
    );
    check_rejects(
        "table spend by month {\n  month: date\n  amount: number\n}\nmetric m = count(spend within 30d) per month by created_at",
        ("funnel::bad_metric", "a table takes no `within`"),
    );
    policy("table spend by month {\n  month: date\n  amount: number\n}\nlet margin = 40%\nmetric m = sum(amount of spend) * margin per month by created_at");
}

#[test]
fn a_let_cycle_or_an_exploding_let_chain_in_a_metric_is_an_error_not_a_crash() {
    // A cycle is reported by the dependency order; the metric does not expand it forever.
    let source = format!(
        "{SCHEMA}\nlet a = a + 1\nmetric m = count(leads) * a per month by created_at\nstages {{\n  lead\n}}\n"
    );
    let err = Policy::from_sources(vec![SourceFile::new("m.funnel", source)]).unwrap_err();
    assert!(err.diagnostics.iter().any(|d| d.is_error()));
    // Each let doubles the one before: written out, it would be 2^40 nodes.
    let mut lets = String::from("let k0 = 1\n");
    for i in 1..=40 {
        lets.push_str(&format!("let k{i} = k{} + k{}\n", i - 1, i - 1));
    }
    check_rejects(
        &format!("{lets}metric m = count(leads) * k40 per month by created_at"),
        (
            "funnel::misplaced_aggregate",
            "a metric is about many leads, so `k40` needs an aggregate around it",
        ),
    );
}

#[test]
fn an_aggregate_inside_a_tables_aggregate_and_a_split_the_table_cannot_read_are_errors() {
    let table = "table spend by month {\n  month: date\n  amount: number\n  n: number\n}\n";
    check_rejects(
        &format!(
            "{table}metric m = sum(amount of spend where count(leads) > 0) per month by created_at"
        ),
        (
            "funnel::misplaced_aggregate",
            "`leads` cannot be aggregated inside another aggregate",
        ),
    );
    check_rejects(
        &format!("{table}metric m = sum(amount of spend) per month by created_at\n  split by s"),
        (
            "funnel::bad_table",
            "the table `spend` has no field `s` to split by",
        ),
    );
    // The rows' `n` would print as 3.0 where the leads' prints 3: they would never meet.
    check_rejects(
        &format!("{table}metric m = sum(amount of spend) per month by created_at\n  split by n"),
        (
            "funnel::type_mismatch",
            "in `spend` this split is number, but for the leads it is int",
        ),
    );
}
