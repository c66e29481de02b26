//! An evaluation read in place says what its decision says, and serializes to the same JSON,
//! for every lead of the example set, with and without explanations; a reused evaluator
//! carries nothing from one lead to the next; a lead missing a nested field is told where.

use funnel_engine::{EvalOptions, Lead, Policy};
use std::path::Path;

fn acme() -> (Policy, Vec<Lead>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let policy = Policy::load(root.join("policies/acme")).expect("acme loads");
    let options = EvalOptions::default();
    let mut leads = Vec::new();
    let jsonl = std::fs::read_to_string(root.join("policies/acme/leads/leads.jsonl")).unwrap();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        leads.push(policy.decode_json(line.as_bytes(), &options).unwrap());
    }
    for file in ["enterprise_demo.json", "five_calls_in_a_week.json"] {
        let bytes = std::fs::read(root.join("policies/acme/leads").join(file)).unwrap();
        leads.push(policy.decode_json(&bytes, &options).unwrap());
    }
    (policy, leads)
}

fn at() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap()
}

#[test]
fn an_evaluation_writes_the_json_of_its_decision() {
    let (policy, leads) = acme();
    for explain in [false, true] {
        let mut evaluator = policy.evaluator(EvalOptions {
            explain,
            strict: false,
        });
        for (i, lead) in leads.iter().enumerate() {
            let e = evaluator.evaluate(lead, at(), Some(i as u64 + 1)).unwrap();
            let mut direct = Vec::new();
            e.write_json(&mut direct);
            let direct = String::from_utf8(direct).unwrap();
            let decision = e.to_decision();
            assert_eq!(direct, serde_json::to_string(&decision).unwrap());
            assert_eq!(e.stage(), decision.stage);
            assert_eq!(e.route(), decision.route.as_deref());
            assert_eq!(e.reason(), decision.reason.as_deref());
            for (name, score) in decision.scores.iter() {
                assert_eq!(e.score(name), Some(*score));
            }
            for (score, letter) in decision.grades.iter() {
                assert_eq!(e.grade(score), Some(letter.as_str()));
            }
            for (name, persona) in decision.personas.iter() {
                assert_eq!(e.persona(name).as_ref(), Some(persona));
            }
        }
    }
}

#[test]
fn the_example_leads_cover_what_decisions_show() {
    // So the test above compares every part of a decision, not just empty maps.
    let (policy, leads) = acme();
    let decisions: Vec<_> = leads
        .iter()
        .map(|l| {
            policy
                .evaluate(l, at(), &EvalOptions::default(), None)
                .unwrap()
        })
        .collect();
    assert!(decisions.iter().any(|d| d.reason.is_some()));
    assert!(decisions.iter().any(|d| !d.sla.0.is_empty()));
    assert!(decisions.iter().any(|d| !d.values.0.is_empty()));
    assert!(decisions
        .iter()
        .any(|d| d.personas.iter().any(|(_, p)| p.matched)));
}

#[test]
fn a_reused_evaluator_gives_what_a_fresh_one_gives() {
    let (policy, leads) = acme();
    let options = EvalOptions {
        explain: true,
        strict: false,
    };
    let mut reused = policy.evaluator(options);
    // Twice over, in two orders, so each lead follows a different one.
    for lead in leads.iter().chain(leads.iter().rev()) {
        let again = reused.evaluate(lead, at(), None).unwrap().to_decision();
        let fresh = policy.evaluate(lead, at(), &options, None).unwrap();
        assert_eq!(again, fresh);
    }
}

#[test]
fn a_missing_required_field_is_named_by_its_whole_path() {
    let (policy, _) = acme();
    let options = EvalOptions::default();
    let missing_at = r#"{"id": "L-1", "email": "a@b.com", "company_size": 3, "industry": "retail",
        "role": "Owner", "country": "BR", "source": "organic", "newsletter_opt_in": false,
        "created_at": "2026-11-02T10:14:00-03:00", "tags": [], "touches": [],
        "events": [{"kind": "page_view", "at": "2026-11-02T10:15:00-03:00"}, {"kind": "webinar"}]}"#;
    let e = policy
        .decode_json(missing_at.as_bytes(), &options)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("events[1].at"));
    assert_eq!(e.message, "the required field `at` is missing");
    let missing_email = missing_at.replace(r#""email": "a@b.com", "#, "").replace(
        r#"{"kind": "webinar"}"#,
        r#"{"kind": "webinar", "at": "2026-11-03"}"#,
    );
    let e = policy
        .decode_json(missing_email.as_bytes(), &options)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("email"));
}

#[test]
fn strict_decoding_names_an_unknown_field_by_its_whole_path() {
    let (policy, _) = acme();
    let strict = EvalOptions {
        explain: false,
        strict: true,
    };
    let lead = r#"{"id": "L-1", "email": "a@b.com", "company_size": 3, "industry": "retail",
        "role": "Owner", "country": "BR", "source": "organic", "newsletter_opt_in": false,
        "created_at": "2026-11-02T10:14:00-03:00", "tags": [], "touches": [],
        "events": [{"kind": "page_view", "at": "2026-11-02T10:15:00-03:00"},
                   {"kind": "webinar", "at": "2026-11-03T09:00:00-03:00", "note": "x"}]}"#;
    assert!(policy
        .decode_json(lead.as_bytes(), &EvalOptions::default())
        .is_ok());
    let e = policy.decode_json(lead.as_bytes(), &strict).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("events[1].note"));
    assert_eq!(e.message, "`note` is not a field of `event`");
    // After a field of the lead itself, the name stands alone.
    let top = lead.replace(r#""role": "Owner","#, r#""role": "Owner", "fax": 1,"#);
    let e = policy.decode_json(top.as_bytes(), &strict).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("fax"));
}
