//! Rhai script functions: type conversion at the boundary, declarations checked against the
//! script, and a hostile-script suite where each attack is stopped with its own error while the
//! other leads of the batch are evaluated.

use chrono::DateTime;
use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{Code, EvalOptions, Policy};
use std::path::Path;
use std::time::{Duration, Instant};

fn write(dir: &Path, policy: &str, script: &str) {
    std::fs::write(dir.join("p.funnel"), policy).unwrap();
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::write(dir.join("scripts/s.rhai"), script).unwrap();
}

fn policy_with(decls: &str, lets: &str) -> String {
    format!(
        r#"policy "scripts" version 1
  timezone "UTC"
  script limits {{ operations 50_000, call_depth 16, string_size 1_000, array_size 100 }}

schema lead {{
  id: text key
  email: text
  size: int
  revenue: number?
  vip: bool
  kind: enum(a, b)
  seen: date
  at: datetime
  wait: duration
  tags: list<text>
  attack: text
}}

schema company {{
  name: text
  employees: int
}}

use script "scripts/s.rhai" {{
{decls}
}}

{lets}

stages {{
  lead
}}
"#
    )
}

const LEAD: &str = r#"{"id":"L1","email":"ana@ACME.com","size":120,"revenue":2.5,"vip":true,"kind":"b","seen":"2026-11-20","at":"2026-11-26T10:00:00-03:00","wait":5400,"tags":["x","y"],"attack":"none"}"#;

fn at() -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00-03:00").unwrap()
}

#[test]
fn values_convert_at_the_boundary_for_every_declared_type() {
    let dir = tempfile::tempdir().unwrap();
    let decls = "  fn domain(email: text) -> text\n  fn double(n: int) -> int\n  fn half(x: number?) -> number\n  fn flip(b: bool) -> bool\n  fn other(n: int) -> enum(a, b)\n  fn next_day(d: date) -> date\n  fn stamp(t: datetime) -> datetime\n  fn longer(w: duration) -> duration\n  fn count_tags(t: list<text>) -> int\n  fn tags_up(t: list<text>) -> list<text>\n  fn nothing(x: int) -> int\n  fn profile(size: int) -> company\n  fn size_of(c: company) -> int";
    let script = r#"
fn domain(email) { let i = email.index_of("@"); email.sub_string(i + 1).to_lower() }
fn double(n) { n * 2 }
fn half(x) { x / 2.0 }
fn flip(b) { !b }
fn other(n) { if n > 100 { "b" } else { "a" } }
fn next_day(d) { "2026-11-21" }
fn stamp(t) { t }
fn longer(w) { w + 600 }
fn count_tags(t) { t.len() }
fn tags_up(t) { t.map(|x| x.to_upper()) }
fn nothing(x) { () }
fn profile(size) { #{ name: "Acme", employees: size } }
fn size_of(c) { c.employees }
"#;
    let lets = "let d = domain(email)\nlet n = double(size)\nlet h = half(revenue)\nlet f = flip(vip)\nlet o = other(size)\nlet is_b = other(size) == b\nlet nd = next_day(seen)\nlet st = stamp(at)\nlet w = longer(wait)\nlet c = count_tags(tags)\nlet up = tags_up(tags)\nlet none = nothing(size)\nlet combined = double(size) + 1 > 200 and d == \"acme.com\"\nlet prof = profile(size)\nlet round_trip = size_of(profile(size))";
    write(dir.path(), &policy_with(decls, lets), script);
    let p = Policy::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let d = p.evaluate_json(LEAD.as_bytes(), at()).unwrap();
    let v = |k: &str| d.values.get(k).unwrap().clone();
    assert_eq!(v("d"), "acme.com");
    assert_eq!(v("n"), 240);
    assert_eq!(v("h"), 1.25);
    assert_eq!(v("f"), false);
    assert_eq!(v("o"), "b");
    assert_eq!(v("is_b"), true);
    assert_eq!(v("nd"), "2026-11-21");
    assert_eq!(v("st"), "2026-11-26T10:00:00-03:00");
    assert_eq!(v("w"), "1h 40m");
    assert_eq!(v("c"), 2);
    assert_eq!(v("up"), serde_json::json!(["X", "Y"]));
    assert_eq!(v("none"), serde_json::Value::Null, "() is unknown");
    assert_eq!(v("combined"), true);
    assert_eq!(
        v("prof"),
        serde_json::json!({"name": "Acme", "employees": 120})
    );
    assert_eq!(
        v("round_trip"),
        120,
        "a record goes in as a map and comes back"
    );
}

#[test]
fn declarations_are_checked_against_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let decls = "  fn missing_fn(x: int) -> int\n  fn two(a: int) -> int";
    write(
        dir.path(),
        &policy_with(decls, "let a = two(size)\nlet b = missing_fn(size)"),
        "fn two(a, b) { a + b }\n",
    );
    let e = Policy::load(dir.path()).unwrap_err();
    let codes: Vec<(Code, String)> = e
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect();
    assert!(
        codes
            .iter()
            .any(|(c, m)| *c == Code::BadScript && m.contains("no function `missing_fn`")),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|(c, m)| *c == Code::WrongArity
            && m.contains("takes 2 parameters in the script, but is declared with 1")),
        "{codes:?}"
    );
    // The declaration is where the label points.
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.code == Code::WrongArity)
        .unwrap();
    assert_eq!(d.span().unwrap().line_col().0, 26);
}

#[test]
fn a_script_syntax_error_points_into_the_script() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &policy_with("  fn f(x: int) -> int", "let a = f(size)"),
        "fn f(x) {\n  let y = x +;\n  y\n}\n",
    );
    let e = Policy::load(dir.path()).unwrap_err();
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadScript)
        .expect("a script diagnostic");
    let span = d.span().unwrap();
    assert!(span.file.name.ends_with("s.rhai"), "{}", span.file.name);
    assert_eq!(span.line_col().0, 2);
    let json = d.to_json();
    assert!(json.file.unwrap().ends_with("s.rhai"));
    assert_eq!(json.line, Some(2));
    assert!(d.render(false).contains("let y = x +;"));
}

#[test]
fn eval_is_not_available() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &policy_with("  fn f(x: text) -> int", "let a = f(attack)"),
        "fn f(x) { eval(x) }\n",
    );
    let e = Policy::load(dir.path()).unwrap_err();
    assert!(
        e.diagnostics.iter().any(|d| d.code == Code::BadScript),
        "{e}"
    );
}

#[test]
fn hostile_scripts_are_stopped_each_with_its_own_error() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
fn guard(attack) {
    switch attack {
        "loop" => { let i = 0; loop { i += 1; } }
        "recursion" => deep(0),
        "string" => { let s = "xxxxxxxxxx"; loop { s += s; } }
        "array" => { let a = []; loop { a.push(1); } }
        "import" => { import "os" as os; os::run("ls") }
        "file" => open_file("/etc/passwd"),
        "type" => "not a number",
        _ => 1
    }
}
fn deep(n) { deep(n + 1) }
"#;
    write(
        dir.path(),
        &policy_with("  fn guard(attack: text) -> int", "let g = guard(attack)"),
        script,
    );
    let p = Policy::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let attacks = [
        "none",
        "loop",
        "recursion",
        "string",
        "none",
        "array",
        "import",
        "file",
        "type",
        "none",
    ];
    let input: String = attacks
        .iter()
        .enumerate()
        .map(|(i, a)| {
            LEAD.replace("\"L1\"", &format!("\"L{i}\""))
                .replace("\"none\"", &format!("\"{a}\""))
                + "\n"
        })
        .collect();
    let options = BatchOptions {
        at: at(),
        eval: EvalOptions::default(),
        jobs: 2,
        chunk: 4,
    };
    let start = Instant::now();
    let mut outcomes = Vec::new();
    let summary = batch::run(&p, input.as_bytes(), InputFormat::Jsonl, &options, |o| {
        outcomes.push(o.result.map(|d| d.lead).map_err(|e| e.message));
        Ok(())
    })
    .unwrap();
    assert!(start.elapsed() < Duration::from_secs(60), "bounded time");
    assert_eq!((summary.evaluated, summary.failed), (3, 7), "{outcomes:?}");
    let err = |i: usize| outcomes[i].clone().unwrap_err();
    assert_eq!(outcomes[0], Ok("L0".to_string()));
    assert!(
        err(1).contains("`guard` failed: exceeded the limit of 50000 operations"),
        "{}",
        err(1)
    );
    assert!(
        err(2).contains("exceeded the call depth limit of 16"),
        "{}",
        err(2)
    );
    assert!(
        err(3).contains("exceeded the size limit") && err(3).contains("1000 characters"),
        "{}",
        err(3)
    );
    assert_eq!(outcomes[4], Ok("L4".to_string()));
    assert!(
        err(5).contains("exceeded the size limit") && err(5).contains("100 items"),
        "{}",
        err(5)
    );
    assert!(err(6).contains("cannot import modules"), "{}", err(6));
    assert!(
        err(7).contains("does not exist in the sandbox"),
        "{}",
        err(7)
    );
    assert!(
        err(8).contains("returned string") && err(8).contains("declared to return int"),
        "{}",
        err(8)
    );
    assert_eq!(outcomes[9], Ok("L9".to_string()));
}

/// Runs one lead per attack through `guard` as a batch; each outcome is the lead's id or its
/// error message.
fn run_attacks(p: &Policy, attacks: &[&str]) -> Vec<Result<String, String>> {
    let input: String = attacks
        .iter()
        .enumerate()
        .map(|(i, a)| {
            LEAD.replace("\"L1\"", &format!("\"L{i}\""))
                .replace("\"none\"", &format!("\"{a}\""))
                + "\n"
        })
        .collect();
    let options = BatchOptions {
        at: at(),
        eval: EvalOptions::default(),
        jobs: 2,
        chunk: 2,
    };
    let mut outcomes = Vec::new();
    batch::run(p, input.as_bytes(), InputFormat::Jsonl, &options, |o| {
        outcomes.push(o.result.map(|d| d.lead).map_err(|e| e.message));
        Ok(())
    })
    .unwrap();
    outcomes
}

#[test]
fn nothing_in_the_sandbox_waits_and_a_huge_sleep_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    // Every way of reaching `sleep`: direct with a float or an int, through a function
    // pointer, `call`, a method call, and from a function the called one calls.
    let script = r#"
fn guard(attack) {
    switch attack {
        "two" => { sleep(2); 1 }
        "huge" => { sleep(1.0e20); 1 }
        "max" => { sleep(9223372036854775807); 1 }
        "pointer" => { Fn("sleep").call(1.0e20); 1 }
        "call" => { call(Fn("sleep"), 5); 1 }
        "method" => { 2.5.sleep(); 1 }
        "nested" => helper(),
        _ => 1
    }
}
fn helper() { sleep(1.0e20); 1 }
"#;
    write(
        dir.path(),
        &policy_with("  fn guard(attack: text) -> int", "let g = guard(attack)"),
        script,
    );
    let p = Policy::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let attacks = [
        "none", "two", "huge", "max", "pointer", "none", "call", "method", "nested",
    ];
    let outcomes = run_attacks(&p, &attacks);
    for (i, (attack, outcome)) in attacks.iter().zip(&outcomes).enumerate() {
        match *attack {
            "none" => assert_eq!(outcome, &Ok(format!("L{i}"))),
            "nested" => assert_eq!(
                outcome,
                &Err("script function `guard` failed in `helper`: called `sleep`, which does not exist in the sandbox".to_string())
            ),
            _ => assert_eq!(
                outcome,
                &Err(
                    "script function `guard` failed: called `sleep`, which does not exist in the sandbox"
                        .to_string()
                ),
                "{attack}"
            ),
        }
    }
}

#[test]
fn a_call_that_runs_past_the_time_limit_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    // Operations high enough that only the clock can stop the loops.
    let policy = policy_with("  fn guard(attack: text) -> int", "let g = guard(attack)").replace(
        "script limits { operations 50_000,",
        "script limits { time_ms 1, operations 1_000_000_000_000,",
    );
    let script = r#"
fn guard(attack) {
    switch attack {
        "loop" => { let i = 0; loop { i += 1; } }
        "caught" => { try { let i = 0; loop { i += 1; } } catch (e) { 7 } }
        "deeper" => spin(),
        _ => 1
    }
}
fn spin() { let i = 0; while true { i += 1; } }
"#;
    write(dir.path(), &policy, script);
    let p = Policy::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let outcomes = run_attacks(&p, &["loop", "none", "caught", "deeper", "none"]);
    let limit = "exceeded the time limit of 1 ms";
    assert_eq!(
        outcomes,
        vec![
            Err(format!("script function `guard` failed: {limit}")),
            Ok("L1".to_string()),
            Err(format!("script function `guard` failed: {limit}")),
            Err(format!("script function `guard` failed: {limit}")),
            Ok("L4".to_string()),
        ]
    );
}

#[test]
fn the_time_limit_is_a_checked_script_limit() {
    let dir = tempfile::tempdir().unwrap();
    for (limits, message) in [
        (
            "time_ms 0",
            "a script limit must be a positive whole number",
        ),
        (
            "time_ms 2.5",
            "a script limit must be a positive whole number",
        ),
        ("tme_ms 10", "unknown script limit `tme_ms`"),
    ] {
        let policy = policy_with("  fn f(x: int) -> int", "let a = f(size)").replace(
            "script limits { operations 50_000,",
            &format!("script limits {{ {limits}, operations 50_000,"),
        );
        write(dir.path(), &policy, "fn f(x) { x }\n");
        let e = Policy::load(dir.path()).unwrap_err();
        let d = e
            .diagnostics
            .iter()
            .find(|d| d.message == message)
            .unwrap_or_else(|| panic!("{limits}: {e}"));
        assert_eq!(d.span().unwrap().line_col().0, 3, "{limits}");
        if limits.starts_with("tme") {
            assert!(d.render(false).contains("time_ms"), "{}", d.render(false));
        }
    }
}

#[test]
fn a_panic_in_the_script_engine_is_that_leads_error() {
    let dir = tempfile::tempdir().unwrap();
    // Rhai's `pad` multiplies the new length by the item's size before checking the size
    // limit: with overflow checks on (debug builds) that panics, else the limit stops it.
    let script = r#"
fn guard(attack) {
    if attack == "pad" { let a = []; a.pad(9223372036854775807, [1, 2, 3]); }
    1
}
"#;
    write(
        dir.path(),
        &policy_with("  fn guard(attack: text) -> int", "let g = guard(attack)"),
        script,
    );
    let p = Policy::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let outcomes = run_attacks(&p, &["none", "pad", "none"]);
    assert_eq!(outcomes[0], Ok("L0".to_string()));
    assert_eq!(outcomes[2], Ok("L2".to_string()));
    let err = outcomes[1].clone().unwrap_err();
    let expected = if cfg!(debug_assertions) {
        "script function `guard` failed: the script engine panicked (attempt to multiply with overflow)"
    } else {
        "script function `guard` failed: exceeded the size limit"
    };
    assert!(err.starts_with(expected), "{err}");
}
