//! Per-lead SLA states at and around their boundaries.

use chrono::{DateTime, FixedOffset};
use funnel_engine::decision::SlaState;
use funnel_engine::{Decision, Policy};
use funnel_grammar::SourceFile;

const POLICY: &str = r#"
policy "sla-test" version 1
  timezone "America/Sao_Paulo"

schema lead {
  id: text key
  sql_at: datetime?
  qualified: bool
  touches: list<touch>
}

schema touch {
  channel: enum(call, email, meeting)
  at: datetime
}

stages {
  lead
  sql when qualified
  lost when not qualified and sql_at is present because "gone cold"
}

calendar office {
  timezone "America/Sao_Paulo"
  mon-fri 09:00-12:00, 13:00-18:00
}

sla first_touch "Call every SQL within 4 business hours" {
  owner sales
  applies when stage == sql
  starts at sql_at
  met by first(touches where channel in [call, meeting]).at
  within 4h of office
  warn at 75%
  on breach escalate "sales-manager", recycle to lead
}

sla cadence "Five call attempts within 10 days" {
  owner sales
  applies when stage == sql
  starts at sql_at
  met by nth(5, touches where channel == call).at
  within 10d
}
"#;

fn policy() -> Policy {
    Policy::from_sources(vec![SourceFile::new("sla.funnel", POLICY)])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn lead(sql_at: Option<&str>, qualified: bool, touches: &[(&str, &str)]) -> String {
    let t: Vec<String> = touches
        .iter()
        .map(|(c, a)| format!(r#"{{"channel":"{c}","at":"{a}"}}"#))
        .collect();
    let sql = sql_at.map_or("null".to_string(), |s| format!("\"{s}\""));
    format!(
        r#"{{"id":"x","sql_at":{sql},"qualified":{qualified},"touches":[{}]}}"#,
        t.join(",")
    )
}

fn decide(lead: &str, now: &str) -> Decision {
    policy().evaluate_json(lead.as_bytes(), at(now)).unwrap()
}

fn state(lead: &str, now: &str) -> SlaState {
    decide(lead, now).sla.get("first_touch").unwrap().state
}

// SQL on Tuesday 10:00; 4 business hours end at 15:00 (lunch 12-13 closed).
const SQL: &str = "2026-11-24T10:00:00-03:00";
const DUE: &str = "2026-11-24T15:00:00-03:00";

#[test]
fn due_is_in_business_time_and_reported() {
    let d = decide(&lead(Some(SQL), true, &[]), "2026-11-24T11:00:00-03:00");
    let o = d.sla.get("first_touch").unwrap();
    assert_eq!(o.due.as_deref(), Some(DUE));
    assert_eq!(o.elapsed.as_deref(), Some("1h"));
    assert_eq!(o.remaining.as_deref(), Some("3h"));
    assert_eq!(o.state, SlaState::Pending);
}

#[test]
fn met_exactly_at_due_is_met_and_a_second_later_is_late() {
    let on_time = lead(
        Some(SQL),
        true,
        &[("email", "2026-11-24T10:05:00-03:00"), ("call", DUE)],
    );
    assert_eq!(state(&on_time, "2026-11-25T10:00:00-03:00"), SlaState::Met);
    let late = lead(Some(SQL), true, &[("call", "2026-11-24T15:00:01-03:00")]);
    assert_eq!(state(&late, "2026-11-25T10:00:00-03:00"), SlaState::MetLate);
}

#[test]
fn pending_warning_breached_around_their_boundaries() {
    let l = lead(Some(SQL), true, &[("email", "2026-11-24T10:30:00-03:00")]);
    // 75% of 4h is 3h of business time: 14:00 (after lunch).
    assert_eq!(state(&l, "2026-11-24T13:59:59-03:00"), SlaState::Pending);
    assert_eq!(state(&l, "2026-11-24T14:00:00-03:00"), SlaState::Warning);
    assert_eq!(state(&l, DUE), SlaState::Warning);
    let d = decide(&l, "2026-11-24T15:00:01-03:00");
    let o = d.sla.get("first_touch").unwrap();
    assert_eq!(o.state, SlaState::Breached);
    assert_eq!(o.remaining.as_deref(), Some("0s"));
    assert_eq!(
        o.actions,
        vec![
            "escalate \"sales-manager\"".to_string(),
            "recycle to lead".to_string()
        ]
    );
}

#[test]
fn not_applicable_when_the_condition_fails_or_the_start_is_missing() {
    assert_eq!(
        state(&lead(Some(SQL), false, &[]), DUE),
        SlaState::NotApplicable
    );
    // `qualified` but no SQL time: the clock cannot start.
    assert_eq!(state(&lead(None, true, &[]), DUE), SlaState::NotApplicable);
}

#[test]
fn the_fifth_call_meets_a_cadence_sla() {
    let calls: Vec<(&str, &str)> = vec![
        ("call", "2026-11-24T11:00:00-03:00"),
        ("call", "2026-11-25T11:00:00-03:00"),
        ("email", "2026-11-25T12:00:00-03:00"),
        ("call", "2026-11-26T11:00:00-03:00"),
        ("call", "2026-11-30T11:00:00-03:00"),
    ];
    let four = lead(Some(SQL), true, &calls);
    let d = decide(&four, "2026-12-03T10:00:00-03:00");
    assert_eq!(
        d.sla.get("cadence").unwrap().state,
        SlaState::Pending,
        "four calls: not met yet"
    );
    let d = decide(&four, "2026-12-04T10:00:01-03:00");
    assert_eq!(
        d.sla.get("cadence").unwrap().state,
        SlaState::Breached,
        "past 10 days"
    );
    let mut five = calls.clone();
    five.push(("call", "2026-12-04T10:00:00-03:00"));
    let d = decide(&lead(Some(SQL), true, &five), "2026-12-10T10:00:00-03:00");
    let o = d.sla.get("cadence").unwrap();
    assert_eq!(
        o.state,
        SlaState::Met,
        "the fifth call, exactly at the deadline"
    );
    assert_eq!(o.met_at.as_deref(), Some("2026-12-04T10:00:00-03:00"));
}

#[test]
fn sla_results_can_be_used_in_expressions() {
    let src = format!("{POLICY}\nlet touch_state = sla(first_touch).state\nlet overdue = sla(first_touch).state == breached\n");
    let p = Policy::from_sources(vec![SourceFile::new("sla.funnel", src)])
        .unwrap_or_else(|e| panic!("{e}"));
    let d = p
        .evaluate_json(
            lead(Some(SQL), true, &[]).as_bytes(),
            at("2026-11-25T10:00:00-03:00"),
        )
        .unwrap();
    assert_eq!(d.values.get("touch_state").unwrap(), "breached");
    assert_eq!(d.values.get("overdue").unwrap(), true);
}

#[test]
fn a_meeting_after_now_has_not_happened_yet() {
    // Called on Wednesday, but evaluated on Tuesday at 11:00: still pending, 1h used.
    let l = lead(Some(SQL), true, &[("call", "2026-11-25T10:00:00-03:00")]);
    let d = decide(&l, "2026-11-24T11:00:00-03:00");
    let o = d.sla.get("first_touch").unwrap();
    assert_eq!(o.state, SlaState::Pending);
    assert_eq!(o.met_at, None);
    assert_eq!(o.elapsed.as_deref(), Some("1h"));
}

#[test]
fn due_reads_as_the_local_clock_across_a_dst_change_and_business_time_in_hours() {
    // Sao Paulo left daylight-saving time at midnight on 2018-02-18 (-02:00 -> -03:00).
    // Friday 17:00 + 4 business hours (09-12, 13-18) = Monday 12:00 local, at -03:00.
    let l = lead(Some("2018-02-16T17:00:00-02:00"), true, &[]);
    let d = decide(&l, "2018-02-21T10:00:00-03:00");
    let o = d.sla.get("first_touch").unwrap();
    assert_eq!(o.due.as_deref(), Some("2018-02-19T12:00:00-03:00"));
    assert_eq!(o.state, SlaState::Breached);
    // Elapsed to Wednesday 10:00: 1h Fri + 8h Mon + 8h Tue + 1h Wed = 18 business hours.
    assert_eq!(o.elapsed.as_deref(), Some("18h"));
}

// ---------------------------------------------------------------------------------------------
// Business days

const BUSINESS_DAYS: &str = r#"
policy "business-days" version 1
  timezone "America/Sao_Paulo"

schema lead {
  id: text key
  created_at: datetime
  replied_at: datetime?
}

stages {
  lead
}

calendar office {
  timezone "America/Sao_Paulo"
  mon-fri 09:00-18:00
  holidays brazil
}

sla reply "Support replies within 1 business day" {
  starts at created_at
  met by replied_at
  within 1 business day of office
  warn at 50%
}

sla follow_up "A proposal within 2 business days" {
  starts at created_at
  met by replied_at
  within 2 business days of office
}
"#;

fn business_days(created: &str, replied: Option<&str>, now: &str) -> Decision {
    let p = Policy::from_sources(vec![SourceFile::new("bd.funnel", BUSINESS_DAYS)])
        .unwrap_or_else(|e| panic!("{e}"));
    let replied = replied.map_or("null".to_string(), |r| format!("\"{r}\""));
    let lead = format!(r#"{{"id":"x","created_at":"{created}","replied_at":{replied}}}"#);
    p.evaluate_json(lead.as_bytes(), at(now)).unwrap()
}

#[test]
fn one_business_day_from_friday_afternoon_is_due_monday_afternoon() {
    // Friday 16:00; the allowed time is the open time to Monday 16:00: 2h + 7h.
    let d = business_days(
        "2026-11-27T16:00:00-03:00",
        None,
        "2026-11-30T09:00:00-03:00",
    );
    let o = d.sla.get("reply").unwrap();
    assert_eq!(o.due.as_deref(), Some("2026-11-30T16:00:00-03:00"));
    assert_eq!(o.elapsed.as_deref(), Some("2h"));
    assert_eq!(o.remaining.as_deref(), Some("7h"));
    assert_eq!(o.state, SlaState::Pending);
    // `warn at 50%` is 4h 30m of the 9h: Monday 11:30.
    let d = business_days(
        "2026-11-27T16:00:00-03:00",
        None,
        "2026-11-30T11:30:00-03:00",
    );
    assert_eq!(d.sla.get("reply").unwrap().state, SlaState::Warning);
    let d = business_days(
        "2026-11-27T16:00:00-03:00",
        None,
        "2026-11-30T16:00:01-03:00",
    );
    assert_eq!(d.sla.get("reply").unwrap().state, SlaState::Breached);
    let met = business_days(
        "2026-11-27T16:00:00-03:00",
        Some("2026-11-30T16:00:00-03:00"),
        "2026-12-01T09:00:00-03:00",
    );
    assert_eq!(met.sla.get("reply").unwrap().state, SlaState::Met);
}

#[test]
fn a_saturday_lead_starts_monday_and_is_due_tuesday_at_opening() {
    let d = business_days(
        "2026-11-28T10:00:00-03:00",
        None,
        "2026-11-30T10:00:00-03:00",
    );
    let o = d.sla.get("reply").unwrap();
    assert_eq!(o.due.as_deref(), Some("2026-12-01T09:00:00-03:00"));
    assert_eq!(o.elapsed.as_deref(), Some("1h"));
    assert_eq!(o.remaining.as_deref(), Some("8h"));
}

#[test]
fn carnival_days_are_not_business_days() {
    // Friday 9 February 2018 10:00 + 2 business days: Monday 12 and Tuesday 13 are Carnival.
    let d = business_days(
        "2018-02-09T10:00:00-02:00",
        None,
        "2018-02-09T10:00:00-02:00",
    );
    let o = d.sla.get("follow_up").unwrap();
    assert_eq!(o.due.as_deref(), Some("2018-02-15T10:00:00-02:00"));
    assert_eq!(o.remaining.as_deref(), Some("18h"));
}
