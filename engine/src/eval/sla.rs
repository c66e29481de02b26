//! Per-lead SLA states: start, due, elapsed and remaining, in business time with a calendar.

use super::{format_duration, format_hours, State};
use crate::calendar::BusinessCalendar;
use crate::checked::*;
use crate::decision::{SlaOutcome, SlaState, Step};
use crate::value::Value;
use chrono::{DateTime, Utc};
use std::sync::Arc;

impl State<'_> {
    pub(super) fn eval_sla(&mut self, i: usize) {
        let def = &self.policy.slas[i];
        let SlaBody::Lead(sla) = &def.body else {
            return;
        };
        let (outcome, elapsed, remaining) = self.sla_outcome(sla);
        if self.out.explain.is_some() {
            let (name, at, state) = (def.name.clone(), def.span.location(), outcome.state);
            self.step(|| Step::Sla {
                sla: name,
                state,
                at,
            });
        }
        let dt = |s: &Option<String>| {
            s.as_ref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map_or(Value::Missing, Value::DateTime)
        };
        let secs = |s: Option<i64>| s.map_or(Value::Missing, Value::Duration);
        self.out.slas[i] = Value::Record(Arc::from(vec![
            Value::Enum(outcome.state as u16),
            dt(&outcome.start),
            dt(&outcome.due),
            dt(&outcome.met_at),
            secs(elapsed),
            secs(remaining),
        ]));
        self.out.sla_outcomes[i] = Some(outcome);
    }

    /// The outcome, with elapsed and remaining seconds when the SLA applies.
    fn sla_outcome(&mut self, sla: &LeadSlaDef) -> (SlaOutcome, Option<i64>, Option<i64>) {
        let na = SlaOutcome {
            state: SlaState::NotApplicable,
            start: None,
            due: None,
            met_at: None,
            elapsed: None,
            remaining: None,
            actions: Vec::new(),
        };
        if let Some(a) = &sla.applies {
            if self.eval(a) != Value::Bool(true) {
                return (na, None, None);
            }
        }
        let Value::DateTime(start) = self.eval(&sla.starts) else {
            return (na, None, None);
        };
        // Evaluation is as of `now`: a meeting time after `now` has not happened yet.
        let met = match self.eval(&sla.met_by) {
            Value::DateTime(m) if m <= self.now => Some(m),
            _ => None,
        };
        let calendar = sla
            .calendar
            .map(|c| BusinessCalendar::new(&self.policy.calendars[c]));
        // Instants are shown at the local offset of the calendar's zone (or the policy's), so
        // a deadline across a daylight-saving change reads as the local clock does.
        let zone = calendar
            .as_ref()
            .map_or(self.policy.header.timezone, |c| c.timezone());
        let start_utc = start.with_timezone(&Utc);
        // The deadline, and the time it allows (open time with a calendar).
        let deadline = match (sla.deadline, &calendar) {
            (Deadline::Time(within), Some(cal)) => cal.add(start_utc, within).map(|d| (d, within)),
            (Deadline::BusinessDays(n), Some(cal)) => cal
                .add_business_days(start_utc, n)
                .and_then(|d| Ok((d, cal.elapsed(start_utc, d)?))),
            // A deadline past the end of the representable time is never reached.
            (Deadline::Time(within), None) => Ok((
                chrono::Duration::try_seconds(within)
                    .and_then(|d| start_utc.checked_add_signed(d))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
                within,
            )),
            // The checker requires a calendar for business days.
            (Deadline::BusinessDays(_), None) => {
                self.error
                    .get_or_insert_with(|| "business days need a calendar".to_string());
                return (na, None, None);
            }
        };
        let (due, within) = match deadline {
            Ok(d) => d,
            Err(e) => {
                self.error.get_or_insert(e.to_string());
                return (na, None, None);
            }
        };
        let now = self.now.with_timezone(&Utc);
        let end = met.map_or(now, |m| m.with_timezone(&Utc));
        let elapsed = match &calendar {
            Some(cal) => match cal.elapsed(start_utc, end) {
                Ok(e) => e,
                Err(e) => {
                    self.error.get_or_insert(e.to_string());
                    return (na, None, None);
                }
            },
            None => (end - start_utc).num_seconds().max(0),
        };
        let remaining = (within - elapsed).max(0);
        let state = match met {
            Some(m) if m.with_timezone(&Utc) <= due => SlaState::Met,
            Some(_) => SlaState::MetLate,
            None if now > due => SlaState::Breached,
            None if sla
                .warn_at
                .is_some_and(|w| elapsed as f64 >= w * within as f64) =>
            {
                SlaState::Warning
            }
            None => SlaState::Pending,
        };
        let actions = if state == SlaState::Breached {
            sla.on_breach
                .iter()
                .map(|a| match a {
                    ActionDef::Escalate(to) => format!("escalate {to:?}"),
                    ActionDef::Notify(to) => format!("notify {to:?}"),
                    ActionDef::RecycleTo(s) => {
                        format!("recycle to {}", self.policy.stages[*s].name)
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let show = |t: DateTime<Utc>| t.with_timezone(&zone).fixed_offset().to_rfc3339();
        // Business time reads in hours: "76h", not "3d 4h" (three business days are not 76h).
        let duration = |s: i64| {
            if calendar.is_some() {
                format_hours(s)
            } else {
                format_duration(s)
            }
        };
        let outcome = SlaOutcome {
            state,
            start: Some(start.to_rfc3339()),
            due: Some(show(due)),
            met_at: met.map(|m| m.to_rfc3339()),
            elapsed: Some(duration(elapsed)),
            remaining: Some(duration(remaining)),
            actions,
        };
        (outcome, Some(elapsed), Some(remaining))
    }
}
