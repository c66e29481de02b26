//! `funnel report --format html`: the report a sales or marketing manager reads at a glance.
//!
//! Every number comes from the same [`Report`] the JSON format prints; each shown figure
//! carries its key and raw value (`data-figure`, `data-value`) so a test can check the page
//! against the JSON.

use super::chart::{self, Bars, Series, Target, BAD, GOOD, LATE, OPEN, PALETTE};
use super::page::{self, esc, figure_cell, key, Stamp};
use super::Locale;
use funnel_engine::report::{
    display_in, Commitment, Compliance, Funnel, MetricValue, PeriodReport, Report, Status, Unit,
};
use std::fmt::Write as _;

/// The whole page for `report`, read from `input`.
pub fn page(report: &Report, input: &str, locale: Locale) -> String {
    let t = locale.texts();
    let stamp = Stamp {
        kind: t.report,
        policy: &report.policy,
        at: &report.at,
        input,
        evaluated: report.evaluated,
        failed: report.failed,
    };
    let page = Page { report, locale };
    let sections: Vec<(&str, &str, String)> = vec![
        ("commitments", t.commitments, page.commitments()),
        ("funnel", t.funnel, page.funnel()),
        ("metrics", t.metrics, page.metrics()),
        ("sla", t.sla, page.sla()),
        ("segments", t.segments, page.segments()),
    ];
    page::page(locale, &stamp, "", &sections)
}

struct Page<'r> {
    report: &'r Report,
    locale: Locale,
}

/// A figure's rows over the periods: the periods (columns) where it appears, and its value
/// in each.
struct Row<'r, T> {
    name: String,
    segment: Option<String>,
    cells: Vec<Option<&'r T>>,
}

impl<'r> Page<'r> {
    fn period_name(&self, p: &PeriodReport) -> String {
        self.locale.period(p.unit, p.start)
    }

    /// The periods as a chart's categories.
    fn axis_periods<'p>(&self, periods: impl Iterator<Item = &'p PeriodReport>) -> Vec<String> {
        periods
            .map(|p| self.locale.period_short(p.unit, p.start))
            .collect()
    }

    /// The rows of one kind of figure (commitments, metrics, ...) over every period that has
    /// one, each figure's total first and then its segments, in the report's order.
    fn rows<T>(
        &self,
        of: impl Fn(&'r PeriodReport) -> &'r [T],
        id: impl Fn(&T) -> (&str, Option<&str>),
    ) -> (Vec<&'r PeriodReport>, Vec<Row<'r, T>>) {
        let periods: Vec<&PeriodReport> = self
            .report
            .periods
            .iter()
            .filter(|p| !of(p).is_empty())
            .collect();
        let mut rows: Vec<Row<T>> = Vec::new();
        for (c, p) in periods.iter().enumerate() {
            for item in of(p) {
                let (name, segment) = id(item);
                let at = rows
                    .iter()
                    .position(|r| r.name == name && r.segment.as_deref() == segment);
                let row = match at {
                    Some(i) => &mut rows[i],
                    None => {
                        rows.push(Row {
                            name: name.to_string(),
                            segment: segment.map(str::to_string),
                            cells: vec![None; periods.len()],
                        });
                        rows.last_mut().expect("just pushed")
                    }
                };
                row.cells[c] = Some(item);
            }
        }
        (periods, rows)
    }

    fn header_row(&self, first: &str, periods: &[&PeriodReport]) -> String {
        let mut out = format!("<thead><tr><th>{}</th>", esc(first));
        for p in periods {
            let _ = write!(out, "<th>{}</th>", esc(&self.period_name(p)));
        }
        out + "</tr></thead>\n"
    }

    fn status(&self, s: Status) -> &'static str {
        let t = self.locale.texts();
        match s {
            Status::Held => t.held,
            Status::Missed => t.missed,
            Status::AtRisk => t.at_risk,
            Status::NoData => t.no_data,
        }
    }

    /// A commitment's value and target as people read them.
    fn commitment_text(&self, c: &Commitment) -> (String, String) {
        let unit = if c.percent {
            Unit::Percent
        } else {
            Unit::Count
        };
        let n = self.locale.numbers();
        (
            c.value
                .map(|v| display_in(&unit, v, n))
                .unwrap_or_else(|| "-".into()),
            display_in(&unit, c.target, n),
        )
    }

    fn commitment_cell(&self, c: &Commitment, period: &str) -> String {
        let (value, target) = self.commitment_text(c);
        let key = key(&[
            "commitment",
            &c.name,
            period,
            c.segment.as_deref().unwrap_or(""),
        ]);
        let class = status_class(c.status);
        let note = format!("{} {target} · {}", sign(c.bound), self.status(c.status));
        figure_cell(&key, c.value, &value, class, &note)
    }

    fn metric_cell(&self, m: &MetricValue, period: &str) -> String {
        let key = key(&[
            "metric",
            &m.name,
            period,
            m.segment.as_deref().unwrap_or(""),
        ]);
        let shown = m
            .value
            .map(|v| display_in(&m.unit, v, self.locale.numbers()));
        let text = shown.as_deref().unwrap_or("-");
        match &m.goal {
            Some(g) => {
                let target = display_in(&m.unit, g.target, self.locale.numbers());
                let note = format!("{} {target} · {}", sign(g.bound), self.status(g.status));
                figure_cell(&key, m.value, text, status_class(g.status), &note)
            }
            None => figure_cell(&key, m.value, text, "", ""),
        }
    }

    /// Commitments (aggregate SLAs and metrics with a goal) per period: held, missed, at
    /// risk, with the target beside the value.
    fn commitments(&self) -> String {
        let t = self.locale.texts();
        let (periods, slas) = self.rows(|p| &p.commitments, |c| (&c.name, c.segment.as_deref()));
        let (mperiods, metrics) = self.rows(|p| &p.metrics, |m| (&m.name, m.segment.as_deref()));
        let metrics: Vec<&Row<MetricValue>> = metrics
            .iter()
            .filter(|r| r.segment.is_none())
            .filter(|r| r.cells.iter().flatten().any(|m| m.goal.is_some()))
            .collect();
        if slas.is_empty() && metrics.is_empty() {
            return format!("<p class=\"note\">{}</p>\n", esc(t.no_commitments));
        }
        let mut out = format!("<p class=\"help\">{}</p>\n", esc(t.commitments_help));
        if !slas.is_empty() {
            out += "<div class=\"scroll\"><table class=\"grid\">\n";
            out += &self.header_row(t.commitments, &periods);
            out += "<tbody>\n";
            for row in slas.iter().filter(|r| r.segment.is_none()) {
                let first = row.cells.iter().flatten().next().expect("a row has a cell");
                let label = first.label.as_deref().unwrap_or(&first.promise);
                let owner = first
                    .owner
                    .as_ref()
                    .map(|o| format!(" · {} {o}", t.owner))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<tr><td class=\"label\">{}<small>{}{}</small></td>",
                    esc(&row.name),
                    esc(label),
                    esc(&owner)
                );
                for (c, p) in row.cells.iter().zip(&periods) {
                    match c {
                        Some(c) => out += &self.commitment_cell(c, &p.period),
                        None => out += "<td></td>",
                    }
                }
                out += "</tr>\n";
            }
            out += "</tbody></table></div>\n";
        }
        if !metrics.is_empty() {
            out += "<div class=\"scroll\"><table class=\"grid\">\n";
            out += &self.header_row(t.metrics, &mperiods);
            out += "<tbody>\n";
            for row in metrics {
                let first = row.cells.iter().flatten().next().expect("a row has a cell");
                let _ = write!(
                    out,
                    "<tr><td class=\"label\">{}<small>{}</small></td>",
                    esc(&row.name),
                    esc(first.label.as_deref().unwrap_or(""))
                );
                for (m, p) in row.cells.iter().zip(&mperiods) {
                    match m {
                        Some(m) => out += &self.metric_cell(m, &p.period),
                        None => out += "<td></td>",
                    }
                }
                out += "</tr>\n";
            }
            out += "</tbody></table></div>\n";
        }
        out
    }

    /// The funnel per period as a chart and a table, then over all leads with conversion,
    /// velocity and the excluded leads apart.
    fn funnel(&self) -> String {
        let t = self.locale.texts();
        let r = self.report;
        if r.funnel.is_empty() {
            return String::new();
        }
        let mut out = format!("<p class=\"help\">{}</p>\n", esc(t.funnel_help));
        let periods: Vec<&PeriodReport> =
            r.periods.iter().filter(|p| !p.funnel.is_empty()).collect();
        let stages: Vec<&str> = r.funnel.stages.iter().map(|s| s.stage.as_str()).collect();
        if !periods.is_empty() {
            let categories = self.axis_periods(periods.iter().copied());
            let series: Vec<Series> = stages
                .iter()
                .enumerate()
                .map(|(i, stage)| Series {
                    name: stage.to_string(),
                    values: periods
                        .iter()
                        .map(|p| reached(&p.funnel, stage).map(|n| n as f64))
                        .collect(),
                    color: PALETTE[i % PALETTE.len()],
                })
                .collect();
            let count = |v: f64| self.locale.count(v.round().max(0.0) as u64);
            // The chart and its table side by side where the page is wide enough.
            out += "<div class=\"pair\"><figure>";
            out += &chart::legend(&series, None);
            out += &chart::bars(&categories, &series, Bars::Grouped, None, &count);
            out += "</figure>\n";
            out += "<div class=\"scroll\"><table>\n<thead><tr>";
            let _ = write!(out, "<th>{}</th>", esc(t.period));
            for (i, s) in stages.iter().enumerate() {
                if i == 0 {
                    let _ = write!(out, "<th>{}</th>", esc(s));
                } else {
                    let _ = write!(
                        out,
                        "<th>{}<small>{}</small></th>",
                        esc(s),
                        esc(t.conversion)
                    );
                }
            }
            let exclusions: Vec<&str> =
                r.funnel.excluded.iter().map(|e| e.stage.as_str()).collect();
            for e in &exclusions {
                let _ = write!(out, "<th>{}<small>{}</small></th>", esc(e), esc(t.excluded));
            }
            out += "</tr></thead>\n<tbody>\n";
            for p in &periods {
                let _ = write!(out, "<tr><td>{}</td>", esc(&self.period_name(p)));
                for s in &stages {
                    out += &self.stage_cell(&p.funnel, &p.period, s);
                }
                for e in &exclusions {
                    let n = p
                        .funnel
                        .excluded
                        .iter()
                        .find(|x| x.stage == *e)
                        .map(|x| x.leads);
                    out += &figure_cell(
                        &key(&["excluded", &p.period, e]),
                        n.map(|n| n as f64),
                        &n.map(|n| self.locale.count(n)).unwrap_or_default(),
                        "",
                        "",
                    );
                }
                out += "</tr>\n";
            }
            out += "</tbody></table></div></div>\n";
        }
        let _ = writeln!(out, "<h3>{}</h3>", esc(t.all_periods));
        out += &self.funnel_table(&r.funnel, "all");
        out
    }

    fn stage_cell(&self, f: &Funnel, period: &str, stage: &str) -> String {
        let s = f.stages.iter().find(|s| s.stage == stage);
        let key = key(&["funnel", period, stage]);
        let n = s.map(|s| s.reached);
        let note = s
            .and_then(|s| s.conversion)
            .map(|c| self.locale.percent(c))
            .unwrap_or_default();
        figure_cell(
            &key,
            n.map(|n| n as f64),
            &n.map(|n| self.locale.count(n)).unwrap_or_default(),
            "",
            &note,
        )
    }

    fn funnel_table(&self, f: &Funnel, period: &str) -> String {
        let t = self.locale.texts();
        let mut out = String::from("<table>\n<thead><tr>");
        for h in [t.stage, t.reached, t.now_at, t.conversion, t.velocity] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        let n = self.locale.numbers();
        for s in &f.stages {
            let _ = write!(out, "<tr><td>{}</td>", esc(&s.stage));
            out += &figure_cell(
                &key(&["funnel", period, &s.stage]),
                Some(s.reached as f64),
                &self.locale.count(s.reached),
                "",
                "",
            );
            let _ = write!(out, "<td>{}</td>", self.locale.count(s.at));
            let _ = write!(
                out,
                "<td>{}</td>",
                s.conversion
                    .map(|c| self.locale.percent(c))
                    .unwrap_or_default()
            );
            let velocity = s
                .velocity
                .as_ref()
                .map(|v| {
                    format!(
                        "{}, {} ({} {})",
                        display_in(&Unit::Days, v.median_days, n),
                        display_in(&Unit::Days, v.p90_days, n),
                        self.locale.count(v.leads),
                        t.leads.to_lowercase()
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(out, "<td>{}</td></tr>", esc(&velocity));
        }
        out += "</tbody></table>\n";
        if !f.excluded.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>", esc(t.excluded));
            out += "<table>\n<thead><tr>";
            for h in [t.stage, t.reason, t.leads, t.had_reached] {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
            out += "</tr></thead>\n<tbody>\n";
            for e in &f.excluded {
                let had: Vec<String> = e
                    .reached
                    .iter()
                    .map(|r| format!("{} {}", r.stage, self.locale.count(r.leads)))
                    .collect();
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td>",
                    esc(&e.stage),
                    esc(&e.reason)
                );
                out += &figure_cell(
                    &key(&["excluded", period, &e.stage]),
                    Some(e.leads as f64),
                    &self.locale.count(e.leads),
                    "",
                    "",
                );
                let _ = writeln!(out, "<td>{}</td></tr>", esc(&had.join(", ")));
            }
            out += "</tbody></table>\n";
        }
        out
    }

    /// Each metric's trend over the periods, in its unit, with its target line.
    fn metrics(&self) -> String {
        let t = self.locale.texts();
        let (periods, rows) = self.rows(|p| &p.metrics, |m| (&m.name, m.segment.as_deref()));
        let totals: Vec<&Row<MetricValue>> = rows.iter().filter(|r| r.segment.is_none()).collect();
        if totals.is_empty() {
            return String::new();
        }
        let n = self.locale.numbers();
        let mut out = String::from("<div class=\"charts\">\n");
        for row in totals {
            let first = row.cells.iter().flatten().next().expect("a row has a cell");
            let columns: Vec<(&PeriodReport, &MetricValue)> = periods
                .iter()
                .zip(&row.cells)
                .filter_map(|(p, m)| m.map(|m| (*p, m)))
                .collect();
            let _ = writeln!(
                out,
                "<figure><figcaption>{} <small>{}</small></figcaption>",
                esc(&row.name),
                esc(first.label.as_deref().unwrap_or(""))
            );
            if columns.iter().all(|(_, m)| m.value.is_none()) {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(t.no_value));
            } else {
                let categories = self.axis_periods(columns.iter().map(|(p, _)| *p));
                let series = Series {
                    name: row.name.clone(),
                    values: columns.iter().map(|(_, m)| m.value).collect(),
                    color: PALETTE[0],
                };
                let target = first.goal.as_ref().map(|g| Target {
                    value: g.target,
                    name: format!(
                        "{} {} {}",
                        t.target,
                        sign(g.bound),
                        display_in(&first.unit, g.target, n)
                    ),
                });
                let unit = first.unit.clone();
                let y = move |v: f64| axis(&unit, v, n);
                if target.is_some() {
                    out += &chart::legend(std::slice::from_ref(&series), target.as_ref());
                }
                out += &chart::lines(&categories, &[series], target.as_ref(), &y);
            }
            out += "<div class=\"scroll\"><table class=\"compact\">\n<thead><tr>";
            for (p, _) in &columns {
                let _ = write!(out, "<th>{}</th>", esc(&self.period_name(p)));
            }
            out += "</tr></thead>\n<tbody><tr>";
            for (p, m) in &columns {
                out += &self.metric_cell(m, &p.period);
            }
            out += "</tr></tbody></table></div>\n</figure>\n";
        }
        out += "</div>\n";
        out
    }

    /// Per-lead SLA compliance over the periods (met on time, late, breached, open) and the
    /// time to meet.
    fn sla(&self) -> String {
        let t = self.locale.texts();
        let (periods, rows) = self.rows(|p| &p.sla, |c| (&c.name, c.segment.as_deref()));
        let totals: Vec<&Row<Compliance>> = rows.iter().filter(|r| r.segment.is_none()).collect();
        if totals.is_empty() && self.report.sla.is_empty() {
            return String::new();
        }
        let mut out = format!("<p class=\"help\">{}</p>\n", esc(t.sla_help));
        for row in totals {
            let _ = writeln!(out, "<h3>{}</h3>", esc(&row.name));
            let columns: Vec<(&PeriodReport, &Compliance)> = periods
                .iter()
                .zip(&row.cells)
                .filter_map(|(p, c)| c.map(|c| (*p, c)))
                .collect();
            let categories = self.axis_periods(columns.iter().map(|(p, _)| *p));
            let part = |name: &str, color, f: fn(&Compliance) -> u64| Series {
                name: name.to_string(),
                values: columns.iter().map(|(_, c)| Some(f(c) as f64)).collect(),
                color,
            };
            let series = [
                part(t.met, GOOD, |c| c.met),
                part(t.late, LATE, |c| c.met_late),
                part(t.breached, BAD, |c| c.breached),
                part(t.open, OPEN, |c| c.open),
            ];
            let count = |v: f64| self.locale.count(v.round().max(0.0) as u64);
            out += "<figure>";
            out += &chart::legend(&series, None);
            out += &chart::bars(&categories, &series, Bars::Stacked, None, &count);
            out += "</figure>\n";
            out += &self.compliance_table(
                columns
                    .iter()
                    .map(|(p, c)| (self.period_name(p), p.period.as_str(), *c)),
            );
        }
        if !self.report.sla.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>", esc(t.all_periods));
            out += &self.compliance_table(
                self.report
                    .sla
                    .iter()
                    .filter(|c| c.segment.is_none())
                    .map(|c| (c.name.clone(), "all", c)),
            );
        }
        out
    }

    /// One row per (label, compliance): counts, share on time, times to meet.
    fn compliance_table<'c>(
        &self,
        rows: impl Iterator<Item = (String, &'c str, &'c Compliance)>,
    ) -> String {
        let t = self.locale.texts();
        let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
        for h in [
            t.period,
            t.applicable,
            t.met,
            t.late,
            t.breached,
            t.open,
            t.share_met,
            t.median_time,
            t.p90_time,
        ] {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out += "</tr></thead>\n<tbody>\n";
        for (label, period, c) in rows {
            let _ = write!(out, "<tr><td>{}</td>", esc(&label));
            let figure = |what: &str, n: u64| {
                figure_cell(
                    &key(&["sla", &c.name, period, "", what]),
                    Some(n as f64),
                    &self.locale.count(n),
                    "",
                    "",
                )
            };
            out += &figure("applicable", c.applicable);
            out += &figure("met", c.met);
            out += &figure("met_late", c.met_late);
            out += &figure("breached", c.breached);
            out += &figure("open", c.open);
            out += &figure_cell(
                &key(&["sla", &c.name, period, "", "share_met"]),
                c.share_met,
                &c.share_met
                    .map(|s| self.locale.percent(s))
                    .unwrap_or_default(),
                "",
                "",
            );
            for s in [c.median_seconds_to_meet, c.p90_seconds_to_meet] {
                let text = s
                    .map(|s| c.time_display_in(s, self.locale.numbers()))
                    .unwrap_or_default();
                let _ = write!(out, "<td>{}</td>", esc(&text));
            }
            out += "</tr>\n";
        }
        out += "</tbody></table></div>\n";
        out
    }

    /// Every figure with `split by` segments as a sortable table: a row per segment, a
    /// column per period.
    fn segments(&self) -> String {
        let t = self.locale.texts();
        let mut out = String::new();
        let (periods, rows) = self.rows(|p| &p.commitments, |c| (&c.name, c.segment.as_deref()));
        for group in grouped(&rows) {
            out += &self.segment_table(&group, &periods, |c, p| self.commitment_cell(c, p));
        }
        let (periods, rows) = self.rows(|p| &p.metrics, |m| (&m.name, m.segment.as_deref()));
        for group in grouped(&rows) {
            out += &self.segment_table(&group, &periods, |m, p| self.metric_cell(m, p));
        }
        let (periods, rows) = self.rows(|p| &p.sla, |c| (&c.name, c.segment.as_deref()));
        for group in grouped(&rows) {
            out += &self.segment_table(&group, &periods, |c, p| {
                figure_cell(
                    &key(&[
                        "sla",
                        &c.name,
                        p,
                        c.segment.as_deref().unwrap_or(""),
                        "share_met",
                    ]),
                    c.share_met,
                    &c.share_met
                        .map(|s| self.locale.percent(s))
                        .unwrap_or_default(),
                    "",
                    &format!(
                        "{} {}",
                        self.locale.count(c.applicable),
                        t.applicable.to_lowercase()
                    ),
                )
            });
        }
        if !self.report.funnel_segments.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3>", esc(t.funnel));
            let stages: Vec<&str> = self
                .report
                .funnel
                .stages
                .iter()
                .map(|s| s.stage.as_str())
                .collect();
            out += "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th></th>";
            for s in &stages {
                let _ = write!(out, "<th>{}</th>", esc(s));
            }
            out += "</tr></thead>\n<tbody>\n";
            for seg in &self.report.funnel_segments {
                let _ = write!(out, "<tr><td>{}</td>", esc(&seg.segment));
                for s in &stages {
                    out += &self.stage_cell(&seg.funnel, &format!("all|{}", seg.segment), s);
                }
                out += "</tr>\n";
            }
            out += "</tbody></table></div>\n";
        }
        if out.is_empty() {
            return out;
        }
        format!(
            "<p class=\"help\">{} {}</p>\n{out}",
            esc(t.segments_help),
            esc(t.sort_hint)
        )
    }

    fn segment_table<T>(
        &self,
        rows: &[&Row<T>],
        periods: &[&PeriodReport],
        cell: impl Fn(&T, &str) -> String,
    ) -> String {
        let t = self.locale.texts();
        let name = &rows[0].name;
        let mut out = format!("<h3>{}</h3>\n", esc(name));
        out += "<div class=\"scroll\"><table class=\"sortable\">\n";
        out += &self.header_row("", periods);
        out += "<tbody>\n";
        for row in rows {
            let label = row.segment.as_deref().unwrap_or(t.total);
            let _ = write!(out, "<tr><td>{}</td>", esc(label));
            for (c, p) in row.cells.iter().zip(periods) {
                match c {
                    Some(c) => out += &cell(c, &p.period),
                    None => out += "<td data-value=\"\"></td>",
                }
            }
            out += "</tr>\n";
        }
        out += "</tbody></table></div>\n";
        out
    }
}

/// The rows of each figure that has segments: its total and its segments, together.
fn grouped<'a, T>(rows: &'a [Row<'a, T>]) -> Vec<Vec<&'a Row<'a, T>>> {
    let mut out: Vec<Vec<&Row<T>>> = Vec::new();
    for row in rows {
        match out.iter_mut().find(|g| g[0].name == row.name) {
            Some(g) => g.push(row),
            None => out.push(vec![row]),
        }
    }
    out.retain(|g| g.iter().any(|r| r.segment.is_some()));
    out
}

/// A target's bound as a sign: `≥ 1,000`, `≤ BRL 80.00`.
fn sign(bound: &str) -> &'static str {
    if bound == "at most" {
        "≤"
    } else {
        "≥"
    }
}

fn reached(f: &Funnel, stage: &str) -> Option<u64> {
    f.stages
        .iter()
        .find(|s| s.stage == stage)
        .map(|s| s.reached)
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Held => "held",
        Status::Missed => "missed",
        Status::AtRisk => "at_risk",
        Status::NoData => "no_data",
    }
}

/// An axis label in the metric's unit, without decimals a whole tick does not need (`12%`,
/// `12.5%`, `R$ 1.500`, `10d`, `0.05`).
fn axis(unit: &Unit, v: f64, n: funnel_engine::report::NumberStyle) -> String {
    let whole = |v: f64| (v - v.round()).abs() < 1e-9;
    match unit {
        Unit::Percent if whole(v * 100.0) => {
            display_in(&Unit::Number, (v * 100.0).round(), n) + "%"
        }
        Unit::Money(code) if whole(v) => {
            format!("{code} {}", display_in(&Unit::Number, v.round(), n))
        }
        _ => display_in(unit, v, n),
    }
}
