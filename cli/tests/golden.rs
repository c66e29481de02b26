//! Golden decisions: what the acme policy decides for a handful of real-looking leads from
//! `policies/acme/leads/leads.jsonl`, one per stage, at a fixed instant, with the explanation.
//!
//! The JSON snapshots pin the engine's decision (scores, grades, personas, stage, route, SLA
//! states and every explained step); the human snapshots pin what `funnel explain` prints.
//! The policy digest changes whenever any acme file changes, so it is redacted. Review a
//! changed snapshot by checking its numbers against the rules in `policies/acme/*.funnel`.

use funnel_engine::{EvalOptions, Policy};
use funnel_tests::{enter_workspace, workspace_root};
use std::process::Command;
use std::sync::OnceLock;

/// Thursday 26 November 2026, 10:00 in São Paulo (Thanksgiving: New York is closed).
const AT: &str = "2026-11-26T10:00:00-03:00";
const LEADS: &str = "policies/acme/leads/leads.jsonl";

/// The acme policy, loaded from the workspace root so explanation paths read
/// `policies/acme/scoring.funnel:10:3` wherever the workspace is.
fn acme() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        enter_workspace();
        Policy::load("policies/acme").unwrap_or_else(|e| panic!("acme does not load: {e:?}"))
    })
}

/// The line of `leads.jsonl` whose `id` is `id`.
fn lead_line(id: &str) -> String {
    let text = std::fs::read_to_string(workspace_root().join(LEADS)).expect("read leads.jsonl");
    text.lines()
        .find(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .is_some_and(|v| v["id"] == id)
        })
        .unwrap_or_else(|| panic!("no lead {id} in {LEADS}"))
        .to_string()
}

/// Replaces the policy digest (full, or shortened as the human form shows it) by `[digest]`.
fn redact_digest(text: &str) -> String {
    let digest = acme().digest();
    let mut out = text.replace(digest, "[digest]");
    // The human form shows `sha256:` and the first hex digits, then `...`.
    while let Some(i) = out.find("sha256:") {
        let rest = &out[i + "sha256:".len()..];
        let hex = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                .len();
        let dots = if rest[hex..].starts_with("...") { 3 } else { 0 };
        out.replace_range(i..i + "sha256:".len() + hex + dots, "[digest]");
    }
    out
}

/// The decision for one lead of `leads.jsonl` at `AT`, with its explanation, as pretty JSON.
fn decision_json(id: &str) -> String {
    let policy = acme();
    let options = EvalOptions {
        explain: true,
        ..EvalOptions::default()
    };
    let at = chrono::DateTime::parse_from_rfc3339(AT).unwrap();
    let lead = policy
        .decode_json(lead_line(id).as_bytes(), &options)
        .unwrap_or_else(|e| panic!("{id} does not decode: {e}"));
    let decision = policy
        .evaluate(&lead, at, &options, None)
        .unwrap_or_else(|e| panic!("{id} does not evaluate: {e}"));
    assert_eq!(decision.lead, id);
    assert_eq!(decision.policy.digest, policy.digest());
    // Serialized straight from the decision, so fields keep the order the engine gives them.
    let json = serde_json::to_string_pretty(&decision).expect("decisions serialize");
    let digest = format!("\"digest\": \"{}\"", policy.digest());
    assert!(json.contains(&digest), "{json}");
    json.replace(&digest, "\"digest\": \"[digest]\"")
}

macro_rules! golden_decision {
    ($name:ident, $id:literal, $stage:literal) => {
        #[test]
        fn $name() {
            let json = decision_json($id);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["stage"], $stage, "{json}");
            insta::assert_snapshot!(stringify!($name), json);
        }
    };
}

// A retail owner on gmail with one page view three weeks ago.
golden_decision!(lead_gmail_shop_owner, "L-1001", "lead");
// A VP of marketing at a fintech: MQL whose follow-up was breached (two calls of five).
golden_decision!(mql_follow_up_breached, "L-1005", "mql");
// A marketing director with a demo request, waiting for sales' first touch.
golden_decision!(sql_waiting_for_first_touch, "L-1003", "sql");
// An enterprise bank that met sales: an opportunity routed to the enterprise team.
golden_decision!(opportunity_enterprise_bank, "L-1002", "opportunity");
// A competitor looking at pricing: its fit is clamped to 0 and it is excluded.
golden_decision!(disqualified_competitor, "L-1006", "disqualified");
// An intern ("Estagiário") on gmail: excluded by the Portuguese title.
golden_decision!(disqualified_intern, "L-1014", "disqualified");

/// What `funnel explain policies/acme - --at AT` prints for one lead of `leads.jsonl`, run
/// at the workspace root without colour.
fn explain_human(id: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(["explain", "policies/acme", "-", "--at", AT])
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run funnel explain");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lead_line(id).as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("funnel explain finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    redact_digest(&String::from_utf8(out.stdout).expect("UTF-8 output"))
}

#[test]
fn explain_human_mql_follow_up_breached() {
    let text = explain_human("L-1005");
    assert!(
        text.starts_with("lead L-1005  (acme-inbound v3, [digest])"),
        "{text}"
    );
    insta::assert_snapshot!("explain_human_mql_follow_up_breached", text);
}

#[test]
fn explain_human_disqualified_competitor() {
    let text = explain_human("L-1006");
    assert!(text.contains("stage disqualified"), "{text}");
    insta::assert_snapshot!("explain_human_disqualified_competitor", text);
}
