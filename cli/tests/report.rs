//! What a user sees from `funnel report` in its machine formats: the acme example's bundled
//! leads (`policies/acme/leads/leads.jsonl`) at a fixed instant, as JSON and as CSV, pinned
//! by snapshots. The policy digest changes whenever any acme file changes, so it is redacted.
//! Review a changed snapshot by checking its counts against the leads and the SLAs and
//! metrics in `policies/acme/*.funnel`.

use funnel_tests::workspace_root;
use std::process::Command;

/// Thursday 26 November 2026, 10:00 in São Paulo: November and week 48 are unfinished.
const AT: &str = "2026-11-26T10:00:00-03:00";

/// `funnel report policies/acme policies/acme/leads/leads.jsonl --at AT --format FORMAT`,
/// run at the workspace root without colour; its stdout, after checking it exits 0 quietly.
fn report(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["report", "policies/acme", "policies/acme/leads/leads.jsonl"])
        .args(["--at", AT, "--format", format])
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run funnel report");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "a clean report prints nothing on stderr");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn report_json_on_acme_leads() {
    let text = report("json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(v["policy"]["name"], "acme-inbound", "{text}");
    assert_eq!(v["at"], AT, "{text}");
    assert_eq!(v["evaluated"], 20, "every line of leads.jsonl is evaluated");
    assert_eq!(v["failed"], 0, "{text}");
    let digest = v["policy"]["digest"].as_str().expect("a digest");
    let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
    assert!(
        hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{digest}"
    );
    // The current, unfinished periods are those holding `AT`: its month and its ISO week.
    let current: Vec<&serde_json::Value> = v["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .filter(|p| p["current"] == true)
        .map(|p| &p["period"])
        .collect();
    assert_eq!(current, ["2026-11", "2026-W48"], "{text}");
    insta::assert_snapshot!("report_json_acme", text.replace(digest, "[digest]"));
}

#[test]
fn report_csv_on_acme_leads() {
    let text = report("csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("period,kind,name,segment,value,target,status")
    );
    for line in lines {
        assert_eq!(line.split(',').count(), 7, "seven columns: {line}");
    }
    insta::assert_snapshot!("report_csv_acme", text);
}
