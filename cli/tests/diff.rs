//! `funnel diff`: two versions of a policy on the same leads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_funnel");
const AT: &str = "2026-11-26T10:00:00-03:00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn funnel(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .expect("run funnel")
}

/// policies/acme with `mql` at `fit >= 30` instead of 40.
fn lower_mql_threshold() -> tempfile::TempDir {
    acme_with(&[(
        "funnel.funnel",
        "mql when fit >= 40 and engagement >= 25",
        "mql when fit >= 30 and engagement >= 25",
    )])
}

/// A copy of policies/acme with each (file, text, replacement) made.
fn acme_with(changes: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("policies/acme")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let mut text = std::fs::read_to_string(&path).unwrap();
            for (file, before, after) in changes {
                if path.file_name().unwrap() == *file {
                    assert!(text.contains(before), "{file}: {before}");
                    text = text.replace(before, after);
                }
            }
            std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
        } else {
            // leads/, scripts/: copied as they are.
            let to = dir.path().join(path.file_name().unwrap());
            std::fs::create_dir_all(&to).unwrap();
            for f in std::fs::read_dir(&path).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// Each lead's decision under one version, from `funnel eval`, by lead.
fn decisions(policy: &str) -> BTreeMap<String, serde_json::Value> {
    let out = funnel(&[
        "eval",
        policy,
        "policies/acme/leads/leads.jsonl",
        "--at",
        AT,
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            (d["lead"].as_str().unwrap().to_string(), d)
        })
        .collect()
}

/// Each lead's stage under one version.
fn stages(policy: &str) -> BTreeMap<String, String> {
    decisions(policy)
        .into_iter()
        .map(|(lead, d)| (lead, d["stage"].as_str().unwrap().to_string()))
        .collect()
}

/// Each lead's `score` under one version.
fn scores(policy: &str, score: &str) -> BTreeMap<String, f64> {
    decisions(policy)
        .into_iter()
        .map(|(lead, d)| (lead, d["scores"][score].as_f64().unwrap()))
        .collect()
}

/// The 10th..90th percentiles by linear interpolation between ranks, computed here.
fn percentiles(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    [0.1, 0.25, 0.5, 0.75, 0.9]
        .iter()
        .map(|q| {
            let at = q * (v.len() - 1) as f64;
            let lo = at.floor() as usize;
            let hi = at.ceil() as usize;
            v[lo] * (1.0 - (at - lo as f64)) + v[hi] * (at - lo as f64)
        })
        .collect()
}

fn diff_json(old: &str, new: &str, extra: &[&str]) -> (serde_json::Value, Output) {
    let mut args = vec![
        "diff",
        old,
        new,
        "policies/acme/leads/leads.jsonl",
        "--at",
        AT,
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = funnel(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (json, out)
}

#[test]
fn a_changed_threshold_gives_the_transitions_of_evaluating_each_version_alone() {
    let new = lower_mql_threshold();
    let new_path = new.path().to_str().unwrap();
    let (before, after) = (stages("policies/acme"), stages(new_path));
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (lead, stage) in &before {
        *expected
            .entry((stage.clone(), after[lead].clone()))
            .or_default() += 1;
    }
    let (d, out) = diff_json("policies/acme", new_path, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: BTreeMap<(String, String), u64> = d["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (
                    t[0].as_str().unwrap().to_string(),
                    t[1].as_str().unwrap().to_string(),
                ),
                t[2].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let moved: u64 = expected
        .iter()
        .filter(|((a, b), _)| a != b)
        .map(|(_, n)| n)
        .sum();
    assert!(moved > 0);
    assert_eq!(d["changed_stage"], moved);
    assert_eq!(d["leads"], before.len() as u64);
    assert_eq!(d["sample"].as_array().unwrap().len() as u64, moved.min(10));
    // Each sampled lead says which rules and conditions made the difference.
    let why: Vec<&str> = d["sample"][0]["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        why.contains(&"stage mql `fit >= 30 and engagement >= 25`: (new) -> true"),
        "{why:?}"
    );
    assert!(
        why.contains(&"stage mql `fit >= 40 and engagement >= 25`: false -> (gone)"),
        "{why:?}"
    );
}

#[test]
fn an_identical_pair_and_the_working_tree_against_head_change_nothing() {
    let (d, out) = diff_json("policies/acme", "policies/acme", &[]);
    assert!(out.status.success());
    assert_eq!(
        (d["changed_stage"].as_u64(), d["changed_route"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(d["figures"].as_array().unwrap().is_empty());
    assert!(d["sample"].as_array().unwrap().is_empty());
    // A git revision as the old version: HEAD's files of the same directory. In a checkout
    // without git history this part says so and stops.
    let (d, out) = diff_json("HEAD", "policies/acme", &[]);
    if !out.status.success() {
        eprintln!(
            "skipped the git part: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    assert_eq!(d["leads"], 20);
    assert!(d["old"].as_str().unwrap().starts_with("acme-inbound v3"));
}

#[test]
fn a_commitment_that_flips_from_held_to_missed_fails_with_the_flag() {
    // SQLs need grade A (not A or B) and half the MQLs becoming SQLs becomes 55%. In mid
    // December, November is over: handoff_quality held at 3 of 5 and is missed at 2 of 4.
    let new = acme_with(&[
        (
            "funnel.funnel",
            "sql when grade(fit) in [A, B]",
            "sql when grade(fit) in [A]",
        ),
        (
            "sla.funnel",
            "at least 50% of leads reaching mql reach sql",
            "at least 55% of leads reaching mql reach sql",
        ),
    ]);
    let new_path = new.path().to_str().unwrap();
    let args = |flag: bool| {
        let mut a = vec![
            "diff",
            "policies/acme",
            new_path,
            "policies/acme/leads/leads.jsonl",
            "--at",
            "2026-12-15T10:00:00-03:00",
            "--format",
            "markdown",
        ];
        if flag {
            a.push("--fail-on-missed");
        }
        a
    };
    let out = funnel(&args(false));
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("**Held before, missed after:**"), "{md}");
    assert!(
        md.contains("handoff_quality: 0.6000 -> 0.5000 (held -> missed)"),
        "{md}"
    );
    assert!(md.contains("| sql | lead | 1 |"), "{md}");
    assert_eq!(funnel(&args(true)).status.code(), Some(1));
}

/// Points for a rule raised: the leads scoring more, less, and the percentiles before and
/// after are those of evaluating each version alone.
#[test]
fn a_changed_rule_shifts_the_score_distribution_as_each_version_alone_scores_it() {
    let new = acme_with(&[(
        "scoring.funnel",
        "+10 when from_core_market",
        "+25 when from_core_market",
    )]);
    let new_path = new.path().to_str().unwrap();
    let (before, after) = (scores("policies/acme", "fit"), scores(new_path, "fit"));
    let up = before.iter().filter(|(l, b)| after[*l] > **b).count() as u64;
    let down = before.iter().filter(|(l, b)| after[*l] < **b).count() as u64;
    assert!(up > 0, "the change raises some leads' fit");
    let (d, out) = diff_json("policies/acme", new_path, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fit = d["scores"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["score"] == "fit")
        .unwrap();
    assert_eq!(fit["up"], up);
    assert_eq!(fit["down"], down);
    assert_eq!(fit["changed"], up + down);
    let q = |key: &str| -> Vec<f64> {
        fit[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
    let expected_before = percentiles(before.values().copied().collect());
    let expected_after = percentiles(after.values().copied().collect());
    assert!(close(&q("quantiles_before"), &expected_before), "{fit}");
    assert!(close(&q("quantiles_after"), &expected_after), "{fit}");
    assert_ne!(expected_before, expected_after, "the distribution moved");
    // The pull-request comment shows the shift.
    let md = funnel(&[
        "diff",
        "policies/acme",
        new_path,
        "policies/acme/leads/leads.jsonl",
        "--at",
        AT,
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| fit | "), "{md}");
    assert!(md.contains(&format!(" | {up} | {down} |")), "{md}");
}

/// The README's Olist example: grade A of `acquisition` from 40 points instead of 45. The
/// leads whose letter changes are those of evaluating each version alone, and the
/// priority SLA (which applies to grade A) now covers more leads.
#[test]
#[ignore = "needs ../shared/data"]
fn olist_with_a_lower_grade_a_changes_the_letters_each_version_alone_gives() {
    let data = root().join("../shared/data/olist-marketing-funnel");
    if !data.is_dir() {
        eprintln!("note: skipped: ../shared/data is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let joined = dir.path().join("joined.csv");
    let out = Command::new(BIN)
        .arg("join")
        .arg(data.join("olist_marketing_qualified_leads_dataset.csv"))
        .arg(data.join("olist_closed_deals_dataset.csv"))
        .args(["--on", "mql_id"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&joined, &out.stdout).unwrap();
    let v2 = dir.path().join("olist-v2");
    std::fs::create_dir(&v2).unwrap();
    for entry in std::fs::read_dir(root().join("policies/olist")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "funnel") {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace(
                "grade acquisition { A >= 45,",
                "grade acquisition { A >= 40,",
            );
            std::fs::write(v2.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    let (joined, v2) = (joined.to_str().unwrap(), v2.to_str().unwrap());
    let at = "2018-12-01T00:00:00-02:00";
    let grades = |policy: &str| -> Vec<String> {
        let out = funnel(&[
            "eval",
            policy,
            joined,
            "--input-format",
            "csv",
            "--at",
            at,
            "-q",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let d: serde_json::Value = serde_json::from_str(l).unwrap();
                d["grades"]["acquisition"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let (before, after) = (grades("policies/olist"), grades(v2));
    let changed = before.iter().zip(&after).filter(|(b, a)| b != a).count();
    let out = funnel(&[
        "diff",
        "policies/olist",
        v2,
        joined,
        "--input-format",
        "csv",
        "--at",
        at,
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["changed_grade"]["acquisition"], changed as u64);
    assert_eq!(changed, 2795, "the README's figure");
    assert_eq!(d["changed_stage"], 0);
    let april = d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["period"] == "2018-04" && f["name"] == "priority_close")
        .expect("the priority SLA's April compliance changed");
    assert_eq!(april["kind"], "sla");
    assert_eq!(
        format!("{:.4}", april["before"].as_f64().unwrap()),
        "0.1885"
    );
    assert_eq!(format!("{:.4}", april["after"].as_f64().unwrap()), "0.1383");
}
