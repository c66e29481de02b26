//! `funnel check --format sarif` and `--format github`, the diagnostics for code review: a
//! SARIF 2.1.0 log as GitHub code scanning reads it, and workflow commands that annotate a
//! pull request's lines. Both on a copy of `policies/acme` with a known mistake.

use funnel_tests::{copy_dir, workspace_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn check(dir: &Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["check", "--format", format, "acme"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run funnel")
}

/// A copy of `policies/acme` at `DIR/acme` with `from` replaced by `to` in `file`.
fn acme_with(file: &str, from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("acme");
    copy_dir(&workspace_root().join("policies/acme"), &set);
    let path = set.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` is in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    (dir, path)
}

/// The misspelt field of the README's example: `personas.funnel:6:3`, 11 characters.
fn misspelt_field() -> (tempfile::TempDir, PathBuf) {
    acme_with(
        "personas.funnel",
        "company_size between",
        "compny_size between",
    )
}

#[test]
fn sarif_has_the_required_fields_and_the_mistake_at_its_line_and_column() {
    let (dir, _) = misspelt_field();
    let out = check(dir.path(), "sarif");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("checked 6 files: 1 error, 0 warnings"),
        "{stderr}"
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "funnel");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["id"], "funnel::unknown_field");
    assert_eq!(
        rules[0]["shortDescription"]["text"],
        "A field that the record's schema does not have."
    );

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:?}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "funnel::unknown_field");
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["message"]["text"],
        "no field `compny_size` in the lead schema\nhelp: did you mean `company_size`?"
    );
    let at = &r["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "acme/personas.funnel");
    assert_eq!(at["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let region = &at["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (&6.into(), &3.into(), &6.into(), &14.into()),
        "{region}"
    );
}

#[test]
fn sarif_of_a_clean_set_has_no_results_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace_root().join("policies/acme"),
        &dir.path().join("acme"),
    );
    let out = check(dir.path(), "sarif");
    assert_eq!(out.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

#[test]
fn sarif_lists_a_rule_per_code_and_the_other_place_of_a_duplicate() {
    // A warning and an error of two codes; the duplicate names both definitions.
    let (dir, _) = acme_with(
        "scoring.funnel",
        "+5 when company is present",
        "+0 when company is present",
    );
    let personas = dir.path().join("acme/personas.funnel");
    let text = std::fs::read_to_string(&personas).unwrap();
    std::fs::write(
        &personas,
        format!("{text}\nscore fit {{\n  +1 when true\n}}\n"),
    )
    .unwrap();
    let out = check(dir.path(), "sarif");
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["funnel::duplicate_definition", "funnel::zero_points"]);
    let results = run["results"].as_array().unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], ids[index], "{r}");
    }
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "funnel::zero_points")
        .unwrap();
    assert_eq!(warning["level"], "warning");
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "funnel::duplicate_definition")
        .unwrap();
    assert_eq!(duplicate["level"], "error");
    let related = duplicate["relatedLocations"]
        .as_array()
        .expect("the other place");
    let files: Vec<&str> = [&duplicate["locations"][0], &related[0]]
        .iter()
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        files.contains(&"acme/personas.funnel") && files.contains(&"acme/scoring.funnel"),
        "{files:?}"
    );
}

#[test]
fn github_format_writes_one_workflow_command_per_diagnostic() {
    let (dir, _) = misspelt_field();
    let out = check(dir.path(), "github");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "::error file=acme/personas.funnel,line=6,col=3,endLine=6,endColumn=14,\
         title=funnel%3A%3Aunknown_field::no field `compny_size` in the lead schema\
         %0Ahelp: did you mean `company_size`?\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, "checked 6 files: 1 error, 0 warnings\n");
}

#[test]
fn github_format_marks_warnings_as_warnings() {
    let (dir, _) = acme_with(
        "scoring.funnel",
        "+5 when company is present",
        "+0 when company is present",
    );
    let out = check(dir.path(), "github");
    assert_eq!(out.status.code(), Some(0), "a warning alone passes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with("::warning file=acme/scoring.funnel,line=")
            && lines[0].contains(",title=funnel%3A%3Azero_points::"),
        "{stdout}"
    );
}
