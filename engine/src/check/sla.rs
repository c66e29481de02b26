//! Calendars and SLA clauses.

use super::blocks::const_duration;
use super::expr::Env;
use super::suggest::{as_percent, unknown_name};
use super::{did_you_mean, Checker, DefKind};
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::value::Value;
use funnel_grammar::ast::{self, ExprKind, Literal};
use funnel_locale::t;

impl<'a> Checker<'a> {
    pub(super) fn check_calendars(&mut self) -> Vec<CalendarDef> {
        let cals = self.calendars_ast.clone();
        cals.iter().map(|c| self.check_calendar(c)).collect()
    }

    fn check_calendar(&mut self, c: &ast::Calendar) -> CalendarDef {
        let timezone = match &c.timezone {
            Some(tz) => self.timezone(tz).unwrap_or(chrono_tz::UTC),
            None => {
                self.error(
                    Diagnostic::error(
                        Code::BadCalendar,
                        t!("bad_calendar-calendar-has-no-time", name = c.name.name),
                    )
                    .label(
                        &c.name.span,
                        t!("bad_calendar-opening-hours-need-zone-label"),
                    )
                    .help(t!("bad_calendar-add-timezone-america-sao-help")),
                );
                chrono_tz::UTC
            }
        };
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        // With a bad hours line, "never open" would only repeat it.
        let mut bad_hours = false;
        for h in &c.hours {
            if h.from_day > h.to_day {
                bad_hours = true;
                self.error(
                    Diagnostic::error(Code::BadCalendar, t!("bad_calendar-day-range-must-run"))
                        .label(&h.span, t!("bad_calendar-reversed-day-range-label"))
                        .help(t!("bad_calendar-days-run-from-monday-help")),
                );
            }
            for iv in &h.intervals {
                if iv.start > 24 * 60
                    || iv.end > 24 * 60
                    || iv.start == iv.end
                    || iv.start == 24 * 60
                {
                    bad_hours = true;
                    self.error(
                        Diagnostic::error(
                            Code::BadCalendar,
                            t!("bad_calendar-opening-interval-must-open"),
                        )
                        .label(&iv.span, t!("bad_calendar-impossible-interval-label"))
                        .help(t!("bad_calendar-write-intervals-hh-mm-help")),
                    );
                    continue;
                }
                for day in h.from_day..=h.to_day.min(6) {
                    if iv.start < iv.end {
                        week[day as usize].push((iv.start, iv.end));
                    } else {
                        // Crosses midnight: the part after midnight belongs to the next day.
                        week[day as usize].push((iv.start, 24 * 60));
                        if iv.end > 0 {
                            week[(day as usize + 1) % 7].push((0, iv.end));
                        }
                    }
                }
            }
        }
        for day in week.iter_mut() {
            day.sort();
            let mut merged: Vec<(u16, u16)> = Vec::new();
            for &(s, e) in day.iter() {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *day = merged;
        }
        if week.iter().all(|d| d.is_empty()) && !bad_hours {
            self.error(
                Diagnostic::error(
                    Code::BadCalendar,
                    t!("bad_calendar-calendar-never-open", name = c.name.name),
                )
                .label(&c.name.span, t!("bad_calendar-no-opening-hours-label"))
                .help(t!("bad_calendar-add-opening-hours-such-help")),
            );
        }
        let mut holidays = Vec::new();
        let mut holiday_sets = Vec::new();
        for h in &c.holidays {
            match h {
                ast::Holiday::Date(e) => {
                    let t = self.expr(e, &Env::lead(), None);
                    match t.kind {
                        TKind::Const(Value::Date(d)) => holidays.push(d),
                        _ if t.ty == Ty::Error => {}
                        _ => self.error(
                            Diagnostic::error(
                                Code::BadCalendar,
                                t!("bad_calendar-holiday-date-such-2026"),
                            )
                            .label(&e.span, t!("bad_calendar-date-label")),
                        ),
                    }
                }
                ast::Holiday::Set(name) => {
                    if let Some(set) = HolidaySet::from_name(&name.name) {
                        holiday_sets.push(set);
                    } else {
                        self.error(
                            Diagnostic::error(
                                Code::UnknownHolidaySet,
                                t!("unknown_holiday_set-no-built-holiday-set", name = name.name),
                            )
                            .label(
                                &name.span,
                                t!("unknown_holiday_set-unknown-holiday-set-label"),
                            )
                            .help(did_you_mean(
                                &name.name,
                                HolidaySet::ALL.map(HolidaySet::name),
                                &t!("noun-holiday-set"),
                            )),
                        );
                    }
                }
            }
        }
        holidays.sort();
        holidays.dedup();
        CalendarDef {
            name: c.name.name.clone(),
            timezone,
            week,
            holidays,
            holiday_sets,
            span: c.span.clone(),
            open_days: Default::default(),
        }
    }

    fn stage_ref(&mut self, name: &ast::Ident, stages: &[StageDef]) -> Option<usize> {
        match stages.iter().position(|s| s.name == name.name) {
            Some(i) => {
                self.refer_named(&name.span, crate::SymbolKind::Stage, &name.name);
                Some(i)
            }
            None => {
                if !stages.is_empty() {
                    let names = stages.iter().map(|s| s.name.as_str());
                    self.error(unknown_name(Code::UnknownStage, "stage", name, names));
                }
                None
            }
        }
    }

    pub(super) fn check_slas(
        &mut self,
        calendars: &[CalendarDef],
        stages: &[StageDef],
    ) -> Vec<SlaDef> {
        let slas = self.slas_ast.clone();
        let mut out = Vec::new();
        for (i, s) in slas.iter().enumerate() {
            let body = match &s.kind {
                ast::SlaKind::PerLead(p) => {
                    self.begin_node();
                    let body = self.per_lead(s, p, calendars, stages);
                    self.end_node(Node::Sla(i), &s.name.span);
                    body.map(SlaBody::Lead)
                }
                ast::SlaKind::Aggregate(a) => self.aggregate(a, stages),
            };
            let splits = self.splits(&s.splits);
            if let Some(body) = body {
                out.push(SlaDef {
                    name: s.name.name.clone(),
                    label: s.label.as_ref().map(|l| l.value.clone()),
                    owner: s.owner.as_ref().map(|o| o.name.clone()),
                    body,
                    splits,
                    span: s.span.clone(),
                });
            }
        }
        out
    }

    fn per_lead(
        &mut self,
        s: &ast::Sla,
        p: &ast::PerLeadSla,
        calendars: &[CalendarDef],
        stages: &[StageDef],
    ) -> Option<LeadSlaDef> {
        let missing = |c: &mut Self, what: &str, example: &str| {
            c.error(
                Diagnostic::error(
                    Code::BadSla,
                    t!("bad_sla-sla-has-no", name = s.name.name, what = what),
                )
                .label(&s.name.span, t!("bad_sla-no-line-label", what = what))
                .help(t!("bad_sla-add-help", example = example)),
            );
        };
        let applies = p
            .applies
            .as_ref()
            .map(|a| self.condition(a, &Env::lead(), &t!("check-applies-when")));
        let starts = match &p.starts {
            Some(e) => {
                let t = self.expr(e, &Env::lead(), None);
                Some(self.want(t, &Ty::DateTime, &t!("check-starts-at")))
            }
            None => {
                missing(self, "starts at", "starts at sql_at");
                None
            }
        };
        let met_by = match &p.met_by {
            Some(e) => {
                let t = self.expr(e, &Env::lead(), None);
                Some(self.want(t, &Ty::DateTime, &t!("check-met-by")))
            }
            None => {
                missing(self, "met by", "met by first(events where kind == call).at");
                None
            }
        };
        let within = match &p.within {
            Some(ast::Deadline::BusinessDays { days, span }) => match days
                .int
                .and_then(|n| u32::try_from(n).ok())
            {
                Some(n) if n >= 1 => Some(Deadline::BusinessDays(n)),
                _ => {
                    self.error(
                        Diagnostic::error(
                            Code::BadDuration,
                            t!("bad_duration-number-business-days-must"),
                        )
                        .label(&days.span, t!("bad_duration-whole-number-from-1-label"))
                        .help(t!("bad_duration-write-within-1-business-help")),
                    );
                    None
                }
            }
            .inspect(|_| {
                if p.calendar.is_none() {
                    self.error(
                        Diagnostic::error(Code::BadSla, t!("bad_sla-business-days-need-calendar"))
                            .label(span, t!("bad_sla-business-days-which-calendar-label"))
                            .help(t!(
                                "bad_sla-name-calendar-whose-opening-help",
                                text = span.text()
                            )),
                    );
                }
            }),
            Some(ast::Deadline::Time(e)) => match const_duration(e) {
                Some(d) if d > 0 => Some(Deadline::Time(d)),
                _ => {
                    self.error(
                        Diagnostic::error(
                            Code::BadDuration,
                            t!("bad_duration-sla-deadline-must-positive"),
                        )
                        .label(&e.span, t!("bad_duration-positive-duration-label"))
                        .help(t!("bad_duration-write-duration-such-4h-help")),
                    );
                    None
                }
            },
            None => {
                missing(self, "within", "within 4h of office_hours");
                None
            }
        };
        let calendar = match &p.calendar {
            Some(name) => match self.defs.get(&name.name) {
                Some((DefKind::Calendar, i, def)) => {
                    let (i, def) = (*i, def.clone());
                    self.refer(&name.span, &def);
                    self.used_calendars.insert(i);
                    Some(Some(i))
                }
                _ if self.broken.defines(&name.name) => None,
                _ => {
                    let names = calendars.iter().map(|c| c.name.as_str());
                    self.error(unknown_name(
                        Code::UnknownCalendar,
                        &t!("noun-calendar"),
                        name,
                        names,
                    ));
                    if let Some(meant) = super::suggest::closest(
                        &name.name,
                        calendars.iter().map(|c| c.name.as_str()),
                    ) {
                        let meant = meant.to_string();
                        self.suggested(&meant, DefKind::Calendar);
                    }
                    None
                }
            },
            None => Some(None),
        };
        if let (Some(ast::Deadline::Time(e)), Some(Some(cal)), Some(Deadline::Time(secs))) =
            (&p.within, calendar, within)
        {
            self.days_of_open_time(e, &calendars[cal], secs);
        }
        let warn_at = match &p.warn_at {
            Some(e) => match &e.kind {
                ExprKind::Lit(Literal::Percent(v)) if *v > 0.0 && *v < 1.0 => Some(Some(*v)),
                kind => {
                    let help = match kind {
                        ExprKind::Lit(Literal::Number(n)) if n.value > 0.0 && n.value < 1.0 => t!(
                            "check-write-percent",
                            percent = as_percent(n.span.text(), n.value)
                        ),
                        _ => t!("check-write-warn-at-75"),
                    };
                    self.error(
                        Diagnostic::error(Code::BadSla, t!("bad_sla-warn-at-takes-percent"))
                            .label(&e.span, t!("bad_sla-percent-range-label"))
                            .help(help),
                    );
                    None
                }
            },
            None => Some(None),
        };
        let mut on_breach = Vec::new();
        for a in &p.on_breach {
            on_breach.push(match a {
                ast::BreachAction::Escalate(s) => ActionDef::Escalate(s.value.clone()),
                ast::BreachAction::Notify(s) => ActionDef::Notify(s.value.clone()),
                ast::BreachAction::RecycleTo(st) => {
                    ActionDef::RecycleTo(self.stage_ref(st, stages)?)
                }
            });
        }
        Some(LeadSlaDef {
            applies,
            starts: starts?,
            met_by: met_by?,
            deadline: within?,
            calendar: calendar?,
            warn_at: warn_at?,
            on_breach,
        })
    }

    /// `within 90d of CAL` is 2,160 hours of open time, which is rarely what was meant.
    fn days_of_open_time(&mut self, e: &ast::Expr, cal: &CalendarDef, secs: i64) {
        let text = e.span.text();
        let by_day = text
            .split_whitespace()
            .any(|part| part.ends_with('d') || part.ends_with('w'));
        if !by_day {
            return;
        }
        let open_days = cal.week.iter().filter(|d| !d.is_empty()).count();
        let open_minutes: u32 = cal
            .week
            .iter()
            .flatten()
            .map(|&(s, e)| u32::from(e.saturating_sub(s)))
            .sum();
        let name = &cal.name;
        let hours = hours_literal(secs);
        let whole_days = (secs % 86_400 == 0).then_some(secs / 86_400);
        let days = match whole_days {
            Some(1) => t!("check-1-business-day"),
            Some(n) => t!("check-business-days", days = thousands(n)),
            None => t!(
                "check-business-days",
                days = format!("{:.1}", secs as f64 / 86_400.0)
            ),
        };
        let mut d = Diagnostic::warning(
            Code::AmbiguousDuration,
            t!(
                "ambiguous_duration-open-time",
                text = text,
                name = name,
                hours = hours_words(secs),
                days = days
            ),
        );
        if open_days > 0 && open_minutes > 0 {
            let day_hours = f64::from(open_minutes) / 60.0 / open_days as f64;
            let about = (secs as f64 / 3600.0 / day_hours).round() as i64;
            d = d.label(
                &e.span,
                t!(
                    "ambiguous_duration-about-business-days-hours-label",
                    days = thousands(about),
                    day_hours = one_decimal(day_hours)
                ),
            );
        } else {
            d = d.label(&e.span, t!("ambiguous_duration-hours-open-time-label"));
        }
        let help = match whole_days {
            Some(n) => t!(
                "check-write-within-business-open",
                n = n,
                day_word = if n == 1 { "day" } else { "days" },
                name = name,
                hours = hours
            ),
            None => t!("check-write-open-hours-within", hours = hours, name = name),
        };
        self.error(d.help(help));
    }

    fn aggregate(&mut self, a: &ast::AggregateSla, stages: &[StageDef]) -> Option<SlaBody> {
        let measure = match &a.measure {
            ast::AggregateMeasure::Reach { stage } => {
                if a.target.percent {
                    self.error(
                        Diagnostic::error(Code::BadSla, t!("bad_sla-count-leads-takes-number"))
                            .label(&a.target.span, t!("bad_sla-percent-label"))
                            .help(t!("bad_sla-write-at-least-200-help")),
                    );
                }
                AggregateDef::Reach(self.stage_ref(stage, stages)?)
            }
            ast::AggregateMeasure::Conversion { from, to } => {
                let f = self.stage_ref(from, stages);
                let t = self.stage_ref(to, stages);
                if !a.target.percent {
                    self.error(
                        Diagnostic::error(Code::BadSla, t!("bad_sla-conversion-target-percent"))
                            .label(&a.target.span, t!("bad_sla-percent-label-2"))
                            .help(t!(
                                "bad_sla-write-percent-help",
                                percent = as_percent(a.target.span.text(), a.target.value)
                            )),
                    );
                }
                AggregateDef::Conversion(f?, t?)
            }
            ast::AggregateMeasure::Compliance { sla } => {
                if !a.target.percent {
                    self.error(
                        Diagnostic::error(Code::BadSla, t!("bad_sla-compliance-target-percent"))
                            .label(&a.target.span, t!("bad_sla-percent-label-2"))
                            .help(t!(
                                "bad_sla-write-percent-at-least-help",
                                percent = as_percent(a.target.span.text(), a.target.value)
                            )),
                    );
                }
                match self.defs.get(&sla.name) {
                    Some((DefKind::Sla, i, def))
                        if matches!(self.slas_ast[*i].kind, ast::SlaKind::PerLead(_)) =>
                    {
                        let (i, def) = (*i, def.clone());
                        self.refer(&sla.span, &def);
                        AggregateDef::Compliance(i)
                    }
                    _ if self.broken.defines(&sla.name) => return None,
                    _ => {
                        let names: Vec<String> = self
                            .slas_ast
                            .iter()
                            .filter(|s| matches!(s.kind, ast::SlaKind::PerLead(_)))
                            .map(|s| s.name.name.clone())
                            .collect();
                        let names = names.iter().map(|s| s.as_str());
                        self.error(unknown_name(Code::UnknownSla, "per-lead SLA", sla, names));
                        return None;
                    }
                }
            }
        };
        if a.period.by.is_none() && !matches!(measure, AggregateDef::Compliance(_)) {
            self.error(
                Diagnostic::error(Code::BadSla, t!("bad_sla-commitment-needs-by-place"))
                    .label(&a.period.span, t!("bad_sla-no-by-label"))
                    .help(t!("bad_sla-add-date-that-counts-help")),
            );
        }
        let period = self.period(&a.period);
        Some(SlaBody::Aggregate {
            bound: a.bound,
            target: a.target.value,
            percent: a.target.percent,
            measure,
            period,
        })
    }
}

/// A whole number with `,` between thousands: `2,160`.
pub(super) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (group, _) = funnel_locale::language().separators();
    let mut out: Vec<char> = Vec::new();
    for (i, c) in digits.chars().rev().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if n < 0 {
        out.push('-');
    }
    out.iter().rev().collect()
}

/// `9`, `7.3`: one decimal, dropped when it is zero.
fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").map_or(s.clone(), str::to_string);
    let (_, decimal) = funnel_locale::language().separators();
    s.replace('.', &decimal.to_string())
}

/// Seconds as a duration literal in hours: `2160h`, `36h 30m`.
fn hours_literal(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

/// Seconds in words, in hours: `2,160 hours`, `36.5 hours`.
fn hours_words(secs: i64) -> String {
    if secs % 3600 == 0 {
        let h = secs / 3600;
        t!("check-whole-hours", hours = thousands(h), count = h)
    } else {
        t!("check-hours", hours = one_decimal(secs as f64 / 3600.0))
    }
}
