//! Decisions for people and for other programs: JSONL, JSON, CSV, an aligned table, and
//! explanations.

use funnel_engine::decision::{Step, Truth};
use funnel_engine::{Decision, Evaluation, Policy};
use std::io::{self, Write};

/// `--format` of `funnel eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON decision a line.
    Jsonl,
    /// One JSON array of decisions.
    Json,
    /// One CSV row a lead: stage, route, scores, grades, personas and SLA states.
    Csv,
    /// An aligned table for reading in a terminal.
    Table,
    /// A Parquet file of the decisions' columns (to --output, or to stdout when it is not a
    /// terminal).
    Parquet,
}

/// One decision rendered for its format, on the worker thread that evaluated it: JSON text
/// (written by [`Evaluation::write_json`]), or the cells of a CSV or table row.
pub enum Rendered<'a> {
    /// A decision's JSON (without a line break).
    Json(&'a [u8]),
    /// A row's cells.
    Row(Vec<String>),
}

impl OutputFormat {
    /// Whether decisions are written as JSON (else as rows of cells).
    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Jsonl | OutputFormat::Json)
    }

    /// One evaluation's cells, for the CSV and table formats.
    pub fn row(self, e: &Evaluation) -> Vec<String> {
        let d = e.to_decision();
        let mut row = vec![d.lead, d.stage, d.route.unwrap_or_default()];
        row.extend(d.scores.iter().map(|(_, s)| show_score(*s)));
        row.extend(d.grades.iter().map(|(_, g)| g.clone()));
        if self == OutputFormat::Csv {
            row.push(d.reason.unwrap_or_default());
            row.extend(d.personas.iter().map(|(_, p)| p.matched.to_string()));
            row.extend(d.sla.iter().map(|(_, s)| s.state.as_str().to_string()));
            // Last, so that the columns written before it keep their places.
            row.push(d.reached);
        }
        row
    }
}

/// The widest a table column gets, in characters; longer names and values are cut. A
/// column as wide as a name of 70,000 characters would also be a padding width past 65,535,
/// which panics in `format!`.
const MAX_TABLE_COLUMN: usize = 64;

/// Writes rendered decisions one at a time in a format.
pub struct DecisionWriter<W: Write> {
    out: W,
    format: OutputFormat,
    columns: Vec<String>,
    widths: Vec<usize>,
    count: u64,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A score as decisions show it: whole numbers without decimals, others with two.
pub fn show_score(x: f64) -> String {
    // A score that overflowed (or became NaN) is `null` in JSON: an empty cell here, never
    // `inf` or `NaN`, which CSV readers take for text or for numbers JSON cannot hold.
    if !x.is_finite() {
        return String::new();
    }
    if x.abs() >= 1e15 {
        // Past the digits a float holds exactly, its full decimal expansion is noise.
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

impl<W: Write> DecisionWriter<W> {
    /// A writer for `policy`'s decisions.
    pub fn new(out: W, format: OutputFormat, policy: &Policy) -> Self {
        let names = policy.names();
        let mut columns = vec!["lead".to_string(), "stage".into(), "route".into()];
        columns.extend(names.scores.iter().cloned());
        columns.extend(
            names
                .grades
                .iter()
                .map(|(score, _)| format!("grade({score})")),
        );
        if format == OutputFormat::Csv {
            columns.push("reason".into());
            columns.extend(names.personas.iter().map(|x| format!("persona {x}")));
            columns.extend(names.lead_slas.iter().map(|s| format!("sla({s})")));
            columns.push("reached".into());
        }
        // Table columns fit their header and the longest name they can hold.
        let longest = |names: &[String]| names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let letters = names
            .grades
            .iter()
            .map(|(_, letters)| longest(letters))
            .max()
            .unwrap_or(1);
        let widths = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let content = match i {
                    0 => 14,
                    1 => longest(&names.stages),
                    2 => longest(&names.routes),
                    i if i < 3 + names.scores.len() => 6,
                    _ => letters,
                };
                c.chars().count().max(content).min(MAX_TABLE_COLUMN)
            })
            .collect();
        DecisionWriter {
            out,
            format,
            columns,
            widths,
            count: 0,
        }
    }

    fn table_line(&mut self, cells: &[String]) -> io::Result<()> {
        let line: Vec<String> = cells
            .iter()
            .zip(&self.widths)
            .map(|(c, w)| format!("{:<w$}", c.chars().take(*w).collect::<String>(), w = *w))
            .collect();
        writeln!(self.out, "{}", line.join("  ").trim_end())
    }

    /// Writes one rendered decision.
    pub fn write(&mut self, r: &Rendered<'_>) -> io::Result<()> {
        let first = self.count == 0;
        self.count += 1;
        match (self.format, r) {
            (OutputFormat::Jsonl, Rendered::Json(json)) => {
                self.out.write_all(json)?;
                self.out.write_all(b"\n")
            }
            (OutputFormat::Json, Rendered::Json(json)) => {
                self.out.write_all(if first { b"[\n" } else { b",\n" })?;
                self.out.write_all(json)
            }
            (OutputFormat::Csv, Rendered::Row(row)) => {
                if first {
                    let header: Vec<String> = self.columns.iter().map(|c| csv_field(c)).collect();
                    writeln!(self.out, "{}", header.join(","))?;
                }
                let row: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
                writeln!(self.out, "{}", row.join(","))
            }
            (OutputFormat::Table, Rendered::Row(row)) => {
                if first {
                    let header = self.columns.clone();
                    self.table_line(&header)?;
                }
                self.table_line(row)
            }
            _ => unreachable!("a decision rendered for another format"),
        }
    }

    /// Closes the output (the JSON array's bracket) and flushes it.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

fn mark(t: Truth) -> &'static str {
    match t {
        Truth::True => "✓",
        Truth::False => "✗",
        Truth::Unknown => "?",
    }
}

/// `file:line` of a `file:line:column` location.
fn short(at: &str) -> &str {
    at.rsplit_once(':').map_or(at, |(a, _)| a)
}

/// Renders a decision's explanation for a person.
pub fn explain_text(d: &Decision) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let digest: String = d.policy.digest.chars().take(15).collect();
    line(format!(
        "lead {}  ({} v{}, {}...) at {}",
        d.lead, d.policy.name, d.policy.version, digest, d.at
    ));
    let steps = d.explain.as_deref().unwrap_or(&[]);
    let row = |left: String, at: &str| format!("    {left:<58} {}", short(at));

    let values: Vec<&Step> = steps
        .iter()
        .filter(|s| matches!(s, Step::Value { .. }))
        .collect();
    if !values.is_empty() {
        line(String::new());
        line("values".into());
        for s in values {
            if let Step::Value { name, value, at } = s {
                line(row(format!("{name} = {value}"), at));
            }
        }
    }
    if !d.personas.0.is_empty() {
        line(String::new());
        line("personas".into());
        for (name, p) in d.personas.iter() {
            let verdict = if p.matched { "matched" } else { "not matched" };
            line(format!(
                "  {name}: {verdict} (match {:.0}%)",
                p.fraction * 100.0
            ));
            for s in steps {
                if let Step::Persona {
                    persona,
                    condition,
                    result,
                    at,
                } = s
                {
                    if persona == name {
                        line(row(format!("{} {condition}", mark(*result)), at));
                    }
                }
            }
        }
    }
    if !d.scores.0.is_empty() {
        line(String::new());
        line("scores".into());
        for (name, value) in d.scores.iter() {
            let grade = d
                .grades
                .get(name)
                .map(|g| format!("  grade {g}"))
                .unwrap_or_default();
            line(format!("  {name} = {}{grade}", show_score(*value)));
            for s in steps {
                match s {
                    Step::Rule {
                        score,
                        rule,
                        points,
                        result,
                        capped,
                        at,
                    } if score == name => {
                        let pts = match result {
                            Truth::Unknown => "?".to_string(),
                            _ if *points >= 0.0 => format!("+{}", show_score(*points)),
                            _ => show_score(*points),
                        };
                        let pts = format!("{pts:>6}");
                        let note = match (result, capped) {
                            (Truth::Unknown, _) => "  (skipped: a value is missing)",
                            (_, true) => "  (capped by max)",
                            _ => "",
                        };
                        line(row(format!("{pts}  {rule}{note}"), at));
                    }
                    Step::Decay {
                        score,
                        factor,
                        before,
                        after,
                        at,
                    } if score == name => {
                        line(row(
                            format!(
                                "decay x{factor:.3}: {} -> {}",
                                show_score(*before),
                                show_score(*after)
                            ),
                            at,
                        ));
                    }
                    Step::Clamp {
                        score,
                        before,
                        after,
                        at,
                    } if score == name => {
                        line(row(
                            format!("clamp: {} -> {}", show_score(*before), show_score(*after)),
                            at,
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    line(String::new());
    let reason = d
        .reason
        .as_ref()
        .map(|r| format!("  (because \"{r}\")"))
        .unwrap_or_default();
    let reached = if d.reached != d.stage {
        format!(", having reached {}", d.reached)
    } else {
        String::new()
    };
    line(format!("stage {}{reason}{reached}", d.stage));
    for s in steps {
        if let Step::Stage {
            stage,
            condition,
            result,
            at,
        } = s
        {
            line(row(
                format!("{} {stage} when {condition}", mark(*result)),
                at,
            ));
        }
    }
    if let Some(route) = &d.route {
        line(String::new());
        line(format!("route {route}"));
        for s in steps {
            if let Step::Route {
                route,
                condition,
                result,
                at,
            } = s
            {
                line(row(
                    format!(
                        "{} {route} {}",
                        mark(*result),
                        if condition == "otherwise" {
                            "otherwise".to_string()
                        } else {
                            format!("when {condition}")
                        }
                    ),
                    at,
                ));
            }
        }
    }
    if !d.sla.0.is_empty() {
        line(String::new());
        line("sla".into());
        for (name, o) in d.sla.iter() {
            let mut parts = vec![o.state.as_str().to_string()];
            if let Some(due) = &o.due {
                parts.push(format!("due {due}"));
            }
            if let Some(e) = &o.elapsed {
                parts.push(format!("elapsed {e}"));
            }
            if let Some(r) = &o.remaining {
                parts.push(format!("remaining {r}"));
            }
            if !o.actions.is_empty() {
                parts.push(format!("actions: {}", o.actions.join(", ")));
            }
            let at = steps
                .iter()
                .find_map(|s| match s {
                    Step::Sla { sla, at, .. } if sla == name => Some(at.as_str()),
                    _ => None,
                })
                .unwrap_or("");
            line(format!(
                "  {:<60} {}",
                format!("{name}: {}", parts.join(", ")),
                short(at)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_column_for_a_very_long_name_is_cut() {
        let name = format!("s{}", "a".repeat(70_000));
        let text = format!(
            "policy \"p\" version 1\n\nschema lead {{\n  id: text key\n}}\n\nscore {name} {{\n  +1 when true\n}}\n\nstages {{\n  lead\n}}\n"
        );
        let policy = Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", text)])
            .expect("the policy compiles");
        let mut out = Vec::new();
        let mut writer = DecisionWriter::new(&mut out, OutputFormat::Table, &policy);
        let row = vec![
            "L-1".to_string(),
            "lead".to_string(),
            String::new(),
            "1".to_string(),
        ];
        writer.write(&Rendered::Row(row)).unwrap();
        writer.finish().unwrap();
        let table = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "{table}");
        assert!(lines[0].starts_with("lead"), "{}", &lines[0][..80]);
        assert!(lines[0].contains(&format!("s{}", "a".repeat(MAX_TABLE_COLUMN - 1))));
        assert!(lines[0].len() < 200, "{}", lines[0].len());
        assert!(lines[1].starts_with("L-1"), "{}", lines[1]);
        assert!(lines[1].ends_with('1'), "{}", lines[1]);
    }
}

#[cfg(test)]
mod score_cells {
    use super::show_score;

    #[test]
    fn a_score_that_is_not_finite_is_an_empty_cell() {
        assert_eq!(show_score(f64::NAN), "");
        assert_eq!(show_score(f64::INFINITY), "");
        assert_eq!(show_score(f64::NEG_INFINITY), "");
        assert_eq!(show_score(12.0), "12");
        assert_eq!(show_score(-0.5), "-0.50");
    }
}
