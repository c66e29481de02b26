//! `funnel eval` and `funnel explain` end to end: formats, bad records, parallel output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICY: &str = r#"
policy "batch-test" version 2
  timezone "America/Sao_Paulo"

schema lead {
  id: text key
  size: int from "Company Size"
  revenue: number? missing "n/a"
  tags: list<text>
  created_at: datetime
  events: list<event>
}

schema event {
  kind: enum(view, call, demo)
  at: datetime
}

score fit {
  +20 when size >= 50
  +10 when revenue >= 1_000_000
  -50 when "competitor" in tags
  clamp 0..100
}

score engagement {
  +5 per event where kind == view within 30d, max 20
  +30 when any event where kind == demo
}

stages {
  lead
  mql when fit >= 20 and engagement >= 10
  sql when fit >= 30 and any event where kind == demo
}

route {
  big when size >= 1000
  small otherwise
}
"#;

const AT: &str = "2026-11-26T12:00:00-03:00";

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("policy");
    std::fs::create_dir(&pdir).unwrap();
    std::fs::write(pdir.join("p.funnel"), POLICY).unwrap();
    (dir, pdir)
}

fn funnel(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Twelve leads as JSONL, and the same leads as CSV.
fn leads() -> (String, String) {
    let mut jsonl = String::new();
    let mut csv = String::from("id,Company Size,revenue,tags,created_at,events\n");
    for i in 0..12 {
        let size = [10, 60, 2000][i % 3];
        let revenue = if i % 4 == 0 {
            "null".to_string()
        } else {
            format!("{}", i * 300_000)
        };
        let tags = if i == 5 {
            r#"["competitor"]"#
        } else {
            r#"["newsletter"]"#
        };
        let kind = ["view", "call", "demo"][i % 3];
        let events = format!(
            r#"[{{"kind":"{kind}","at":"2026-11-2{}T10:00:00-03:00"}},{{"kind":"view","at":"2026-11-01T10:00:00-03:00"}}]"#,
            i % 5
        );
        jsonl.push_str(&format!(
            r#"{{"id":"L{i}","Company Size":{size},"revenue":{revenue},"tags":{tags},"created_at":"2026-11-0{}T09:00:00-03:00","events":{events}}}"#,
            1 + i % 9
        ));
        jsonl.push('\n');
        let csv_revenue = if revenue == "null" {
            "n/a".to_string()
        } else {
            revenue
        };
        let csv_tags = if i == 5 { "competitor" } else { "newsletter" };
        csv.push_str(&format!(
            "L{i},{size},{csv_revenue},{csv_tags},2026-11-0{} 09:00:00,\"{}\"\n",
            1 + i % 9,
            events.replace('"', "\"\"")
        ));
    }
    (jsonl, csv)
}

#[test]
fn jsonl_and_csv_give_the_same_decisions() {
    let (dir, pdir) = setup();
    let (jsonl, csv) = leads();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl).unwrap();
    std::fs::write(dir.path().join("leads.csv"), csv).unwrap();
    let p = pdir.to_str().unwrap();
    let a = funnel(&["eval", p, "leads.jsonl", "--at", AT], dir.path());
    let b = funnel(&["eval", p, "leads.csv", "--at", AT], dir.path());
    assert!(a.status.success(), "{}", text(&a.stderr));
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    let lines: Vec<serde_json::Value> = text(&a.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    // L2: 2000 employees, revenue 600k, a demo on the 22nd and a view 25 days ago:
    // fit 20, engagement 30 + 5 -> MQL, not SQL (fit < 30).
    assert_eq!(lines[2]["lead"], "L2");
    assert_eq!(lines[2]["scores"]["fit"], 20.0);
    assert_eq!(lines[2]["scores"]["engagement"], 35.0);
    assert_eq!(lines[2]["stage"], "mql");
    assert_eq!(lines[2]["route"], "big");
    // L5 is tagged competitor: fit clamps to 0.
    assert_eq!(lines[5]["scores"]["fit"], 0.0);
    assert!(
        text(&a.stderr).contains("evaluated 12 leads, 0 failed"),
        "{}",
        text(&a.stderr)
    );
}

#[test]
fn one_job_and_many_jobs_give_byte_identical_output() {
    let (dir, pdir) = setup();
    let (jsonl, _) = leads();
    // Enough leads for several chunks per worker.
    let big: String = (0..700).map(|_| jsonl.as_str()).collect();
    std::fs::write(dir.path().join("big.jsonl"), big).unwrap();
    let p = pdir.to_str().unwrap();
    for format in ["jsonl", "csv", "table", "json"] {
        let one = funnel(
            &[
                "eval",
                p,
                "big.jsonl",
                "--at",
                AT,
                "--jobs",
                "1",
                "--format",
                format,
                "--explain",
            ],
            dir.path(),
        );
        let many = funnel(
            &[
                "eval",
                p,
                "big.jsonl",
                "--at",
                AT,
                "--jobs",
                "4",
                "--format",
                format,
                "--explain",
            ],
            dir.path(),
        );
        assert!(one.status.success() && many.status.success());
        assert_eq!(one.stdout, many.stdout, "format {format}");
        assert!(one.stdout.len() > 10_000);
    }
}

#[test]
fn bad_records_are_reported_and_the_others_evaluated() {
    let (dir, pdir) = setup();
    let (jsonl, _) = leads();
    let mut lines: Vec<String> = jsonl.lines().map(str::to_string).collect();
    lines[1] = r#"{"id":"W1","Company Size":"big","tags":[],"created_at":"2026-11-01T09:00:00-03:00","events":[]}"#.into();
    lines[3] =
        r#"{"id":"M3","tags":[],"created_at":"2026-11-01T09:00:00-03:00","events":[]}"#.into();
    lines[6] = r#"{"id":"J6", "Company Size": 10,"#.into();
    lines[8] = r#"{"id":"D8","Company Size":10,"tags":[],"created_at":"2026-11-01T09:00:00-03:00","events":[{"kind":"view","at":"yesterday"}]}"#.into();
    lines[9] = r#"{"id":"E9","Company Size":10,"tags":[],"created_at":"2026-11-01T09:00:00-03:00","events":[{"kind":"fax","at":"2026-11-01T09:00:00-03:00"}]}"#.into();
    std::fs::write(dir.path().join("mixed.jsonl"), lines.join("\n") + "\n").unwrap();
    let p = pdir.to_str().unwrap();
    let out = funnel(
        &[
            "eval",
            p,
            "mixed.jsonl",
            "--at",
            AT,
            "--errors",
            "errors.jsonl",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3), "some records failed");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("record 2 [W1]: field `size`: expected int, found text \"big\"")
            || stderr.contains("record 2: field `size`: expected int, found text \"big\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 4") && stderr.contains("the required field `size` is missing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 7") && stderr.contains("malformed JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 9") && stderr.contains("field `events[0].at`: expected datetime"),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 10")
            && stderr.contains(
                "field `events[0].kind`: expected one of view, call, demo, found text \"fax\""
            ),
        "{stderr}"
    );
    assert!(stderr.contains("evaluated 7 leads, 5 failed"), "{stderr}");
    let decided: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = decided
        .iter()
        .map(|d| d["lead"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["L0", "L2", "L4", "L5", "L7", "L10", "L11"]);
    let errors = std::fs::read_to_string(dir.path().join("errors.jsonl")).unwrap();
    let errors: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(errors.len(), 5);
    assert_eq!(errors[0]["record"], 2);
    assert_eq!(errors[0]["field"], "size");
    assert_eq!(errors[0]["expected"], "int");
}

#[test]
fn bad_csv_rows_are_reported_with_their_line() {
    let (dir, pdir) = setup();
    let csv = "id,Company Size,tags,created_at,events\n\
               A,10,,2026-11-01,[]\n\
               B,12\n\
               C,abc,,2026-11-01,[]\n\
               D,60,vip|competitor,2026-11-01 10:00,[]\n\
               E,60,,not a date,[]\n";
    std::fs::write(dir.path().join("rows.csv"), csv).unwrap();
    let p = pdir.to_str().unwrap();
    let out = funnel(&["eval", p, "rows.csv", "--at", AT], dir.path());
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("record 2 (line 3)") && stderr.contains("bad CSV row"),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 3 (line 4)")
            && stderr.contains("field `size`: expected int, found \"abc\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("record 5 (line 6)") && stderr.contains("field `created_at`"),
        "{stderr}"
    );
    let decided: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(decided.len(), 2);
    assert_eq!(decided[1]["lead"], "D");
    assert_eq!(
        decided[1]["scores"]["fit"], 0.0,
        "the `|` list holds `competitor`"
    );
}

#[test]
fn a_csv_without_a_required_column_stops_with_a_clear_error() {
    let (dir, pdir) = setup();
    std::fs::write(
        dir.path().join("nocol.csv"),
        "id,tags,created_at,events\nA,,2026-11-01,[]\n",
    )
    .unwrap();
    let out = funnel(
        &["eval", pdir.to_str().unwrap(), "nocol.csv", "--at", AT],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no column `Company Size` for the required field `size`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_input_and_output_file() {
    let (dir, pdir) = setup();
    let (jsonl, _) = leads();
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args([
            "eval",
            pdir.to_str().unwrap(),
            "--at",
            AT,
            "--output",
            "out.jsonl",
            "--quiet",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(jsonl.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).is_empty(),
        "--quiet prints nothing: {}",
        text(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 12);
}

#[test]
fn explain_shows_rules_with_locations() {
    let (dir, pdir) = setup();
    std::fs::write(
        dir.path().join("lead.json"),
        r#"{"id":"X1","Company Size":80,"tags":[],"created_at":"2026-11-01T09:00:00-03:00","events":[{"kind":"demo","at":"2026-11-25T10:00:00-03:00"}]}"#,
    )
    .unwrap();
    let p = pdir.to_str().unwrap();
    let out = funnel(&["explain", p, "lead.json", "--at", AT], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("fit = 20"), "{s}");
    assert!(s.contains("+20  +20 when size >= 50"), "{s}");
    assert!(
        s.contains("?  +10 when revenue >= 1_000_000  (skipped: a value is missing)"),
        "{s}"
    );
    assert!(s.contains("p.funnel:20"), "{s}");
    assert!(s.contains("stage mql"), "{s}");
    let json = funnel(
        &["explain", p, "lead.json", "--at", AT, "--format", "json"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["stage"], "mql");
    assert!(v["explain"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "rule" && s["result"] == "unknown"));
}

#[test]
fn a_broken_policy_is_not_used() {
    let (dir, pdir) = setup();
    std::fs::write(
        pdir.join("p.funnel"),
        POLICY.replace("+20 when size >= 50", "+20 when sise >= 50"),
    )
    .unwrap();
    let (jsonl, _) = leads();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl).unwrap();
    let out = funnel(
        &["eval", pdir.to_str().unwrap(), "leads.jsonl", "--at", AT],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("did you mean `size`?"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_json_array_cut_at_element_501_gives_the_500_before_it_and_an_error() {
    let (dir, pdir) = setup();
    let (jsonl, _) = leads();
    let leads: Vec<&str> = jsonl.lines().collect();
    // 600 elements, pretty-printed one a line; the file ends inside element 501.
    let elements: Vec<String> = (0..600)
        .map(|i| {
            leads[i % leads.len()].replacen(
                &format!("\"L{}\"", i % leads.len()),
                &format!("\"A{i}\""),
                1,
            )
        })
        .collect();
    let array = format!("[\n{}\n]\n", elements.join(",\n"));
    let cut = &array[..array.find("\"A500\"").unwrap() + 3];
    std::fs::write(dir.path().join("cut.json"), cut).unwrap();
    let p = pdir.to_str().unwrap();
    let out = funnel(
        &[
            "eval",
            p,
            "cut.json",
            "--at",
            AT,
            "--errors",
            "errors.jsonl",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let ids: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["lead"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: Vec<String> = (0..500).map(|i| format!("A{i}")).collect();
    assert_eq!(ids, expected);
    let errors = std::fs::read_to_string(dir.path().join("errors.jsonl")).unwrap();
    let errors: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["record"], 501);
    assert_eq!(errors[0]["line"], 502);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON: EOF while parsing a string"),
        "{}",
        errors[0]
    );
    assert!(
        text(&out.stderr).contains("evaluated 500 leads, 1 failed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn csv_numbers_that_are_not_finite_are_errors_naming_the_field() {
    let (dir, pdir) = setup();
    let csv = "id,Company Size,revenue,tags,created_at,events\n\
               A,60,NaN,,2026-11-01,[]\n\
               B,60,inf,,2026-11-01,[]\n\
               C,60,1e400,,2026-11-01,[]\n\
               D,60,2e6,,2026-11-01,[]\n";
    std::fs::write(dir.path().join("nan.csv"), csv).unwrap();
    let p = pdir.to_str().unwrap();
    let out = funnel(
        &["eval", p, "nan.csv", "--at", AT, "--errors", "errors.jsonl"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    for (record, cell) in [(1, "NaN"), (2, "inf"), (3, "1e400")] {
        let lead = ["A", "B", "C"][record - 1];
        let line = format!(
            "record {record} (line {}) [{lead}]: field `revenue`: expected number, found \"{cell}\"",
            record + 1
        );
        assert!(stderr.contains(&line), "{stderr}");
    }
    let errors = std::fs::read_to_string(dir.path().join("errors.jsonl")).unwrap();
    let fields: Vec<String> = errors
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["field"].to_string())
        .collect();
    assert_eq!(fields, ["\"revenue\""; 3]);
    let decided: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0]["lead"], "D");
}

#[test]
fn csv_output_never_prints_nan_or_inf() {
    // Finite inputs can still overflow a score: 2 × 1e308 is infinite, and infinite less
    // infinite is NaN. Whatever evaluation makes of such a score (a record error, or `null`
    // in JSON), a CSV cell never says `inf` or `NaN`, and says what the JSON says.
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("policy");
    std::fs::create_dir(&pdir).unwrap();
    std::fs::write(
        pdir.join("p.funnel"),
        r#"
policy "overflow" version 1
  timezone "UTC"

schema lead {
  id: text key
  gain: number
  loss: number
}

score fit {
  +2 per gain
  -2 per loss
}

stages {
  lead
}
"#,
    )
    .unwrap();
    let csv = "id,gain,loss\nfinite,10,1\ninfinite,1e308,0\nnan,1e308,1e308\n";
    std::fs::write(dir.path().join("leads.csv"), csv).unwrap();
    let p = pdir.to_str().unwrap();
    let json = funnel(&["eval", p, "leads.csv", "--at", AT], dir.path());
    let rows = funnel(
        &["eval", p, "leads.csv", "--at", AT, "--format", "csv"],
        dir.path(),
    );
    assert_eq!(
        rows.status.code(),
        json.status.code(),
        "{}",
        text(&rows.stderr)
    );
    let rows = text(&rows.stdout);
    let mut lines = rows.lines();
    assert_eq!(lines.next(), Some("lead,stage,route,fit,reason,reached"));
    let decisions: Vec<serde_json::Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.lines().count(), decisions.len() + 1, "{rows}");
    for (row, d) in lines.zip(&decisions) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], d["lead"].as_str().unwrap());
        let fit = cells[3];
        assert!(
            !fit.to_ascii_lowercase().contains("nan") && !fit.contains("inf"),
            "{row}"
        );
        // The cell says what the JSON says.
        match d["scores"]["fit"].as_f64() {
            None => assert_eq!(fit, "", "{row}"),
            Some(x) => assert_eq!(fit.parse::<f64>().unwrap(), x, "{row}"),
        }
    }
    assert_eq!(&rows.lines().nth(1).unwrap()[..12], "finite,lead,");
    assert!(rows.lines().nth(1).unwrap().contains(",18,"), "{rows}");
}

#[test]
fn a_policy_directory_that_cannot_be_read_is_an_io_error_in_every_command() {
    let (dir, _) = setup();
    for args in [
        &["eval", "missing", "leads.jsonl"][..],
        &["report", "missing", "leads.jsonl"],
        &["explain", "missing", "lead.json"],
        &["check", "missing"],
        &["test", "missing"],
        &["serve", "missing", "--addr", "127.0.0.1:0"],
    ] {
        let out = funnel(args, dir.path());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("missing"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_huge_score_is_written_with_an_exponent_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.funnel"),
        "policy \"big\" version 1\nschema lead {\n  id: text key\n  x: number\n}\nscore s {\n  +1 per x\n}\nstages {\n  lead\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("l.jsonl"),
        "{\"id\":\"a\",\"x\":1e308}\n{\"id\":\"b\",\"x\":-2.5}\n",
    )
    .unwrap();
    let out = funnel(
        &[
            "eval",
            ".",
            "l.jsonl",
            "--format",
            "csv",
            "--at",
            "2026-01-01T00:00:00Z",
        ],
        dir.path(),
    );
    assert_eq!(
        text(&out.stdout),
        "lead,stage,route,s,reason,reached\na,lead,,1e308,,lead\nb,lead,,-2.50,,lead\n"
    );
}

/// A reader that stops after the first line (`funnel check --format github ... | head -1`)
/// ends the command quietly: no panic, no error message.
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    // Thousands of errors, one annotation line each: more than a pipe holds.
    let mut text = String::from(POLICY);
    for i in 0..1_000 {
        text.push_str(&format!("let broken_{i} = no_such_field_{i} + 1\n"));
    }
    std::fs::write(dir.path().join("p.funnel"), text).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("::error "), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A CSV read with the wrong separator: the missing column's error says which separator the
/// header holds and how to read the file with it.
#[test]
fn a_csv_read_with_the_wrong_separator_names_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("leads.csv");
    std::fs::write(&csv, "id,email\nL-1,a@b.co\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["eval", "policies/acme"])
        .arg(&csv)
        .args(["--delimiter", ";", "--at", "2026-11-26T10:00:00-03:00"])
        .current_dir(funnel_tests::workspace_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "the header has `,` inside a column name: if the file is separated by it, read it with --delimiter ','"
        ),
        "{stderr}"
    );
}
