//! `funnel report`: commitments, metrics, the funnel and SLA compliance, per period.

use crate::args::{Leads, PolicyAt};
use crate::columnar;
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::progress::Progress;
use funnel_engine::batch;
use funnel_engine::report::{self, Funnel, Report, ReportRange};
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Sections per period, for reading.
    Table,
    /// The whole report as one JSON document.
    Json,
    /// One row per period and figure.
    Csv,
    /// One self-contained page with charts, for people (write it with `--output`).
    Html,
}

#[derive(clap::Args)]
pub struct Args {
    // The periods containing `--at` are the current ones.
    #[command(flatten)]
    policy: PolicyAt,
    #[command(flatten)]
    leads: Leads,
    /// First period to show (the one containing this date, YYYY-MM-DD).
    #[arg(long)]
    from: Option<chrono::NaiveDate>,
    /// Last period to show (the one containing this date, YYYY-MM-DD).
    #[arg(long)]
    to: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    #[command(flatten)]
    tables: Tables,
    #[command(flatten)]
    written: crate::output::Written,
    /// Do not print the progress bar or notes (errors in records are still printed).
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// The rows of the tables a policy declares (spend), for the verbs that report.
#[derive(clap::Args)]
pub struct Tables {
    /// The rows of a table the policy declares (e.g. `spend=spend.csv`): a JSONL, CSV or JSON
    /// file, by its extension. Repeat for each table.
    #[arg(long = "table", value_name = "NAME=FILE")]
    specs: Vec<String>,
}

/// One `--table NAME=FILE`, read.
pub struct TableFile {
    name: String,
    rows: std::sync::Arc<[u8]>,
    format: batch::InputFormat,
}

impl Tables {
    /// Reads each `--table NAME=FILE`, and notes each table of `policy` given none (its
    /// metrics have no value).
    pub fn read(&self, policy: &funnel_engine::Policy) -> Result<Vec<TableFile>, Failure> {
        self.read_noting(policy, true)
    }

    /// Reads each `--table NAME=FILE`; notes each table of `policy` given none when `notes`.
    pub fn read_noting(
        &self,
        policy: &funnel_engine::Policy,
        notes: bool,
    ) -> Result<Vec<TableFile>, Failure> {
        let files = self
            .specs
            .iter()
            .map(|spec| {
                let Some((name, path)) = spec.split_once('=') else {
                    return Err(Failure::Usage(format!(
                        "--table {spec}: write NAME=FILE, e.g. `--table spend=spend.csv`"
                    )));
                };
                let path = std::path::Path::new(path);
                let rows = std::fs::read(path).map_err(|e| {
                    Failure::Usage(format!(
                        "--table {name}: {}: {}",
                        path.display(),
                        crate::output::io_reason(&e)
                    ))
                })?;
                Ok(TableFile {
                    name: name.to_string(),
                    rows: rows.into(),
                    format: batch::InputFormat::from_path(path),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for name in policy.names().tables {
            if notes && !files.iter().any(|t| t.name == name) {
                eprintln!(
                    "note: no `--table {name}=FILE` given: the metrics over `{name}` have no value"
                );
            }
        }
        Ok(files)
    }
}

/// The tables as a report reads them (once per report: `funnel diff` makes two).
pub fn table_inputs(files: &[TableFile]) -> Vec<report::TableInput> {
    files
        .iter()
        .map(|t| report::TableInput {
            name: t.name.clone(),
            input: Box::new(std::io::Cursor::new(t.rows.clone())),
            format: t.format,
        })
        .collect()
}

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let columnar = args.leads.columnar()?;
    let (input, source) = match columnar {
        Some(kind) => {
            let source = args.leads.name();
            (
                Err(columnar::open(args.leads.path(), kind, &source)?),
                source,
            )
        }
        None => {
            let (input, format, source) = args.leads.open()?;
            (Ok((input, format)), source)
        }
    };
    let options = args.leads.batch_options(at);
    let range = ReportRange {
        from: args.from,
        to: args.to,
    };
    let tables = table_inputs(&args.tables.read_noting(&policy, !args.quiet)?);
    let progress = match &input {
        Ok(_) => Progress::for_input(&args.leads, args.quiet),
        Err(batches) => Progress::for_leads(batches.rows, args.quiet),
    };
    let on_error = |e: &funnel_engine::LeadError| {
        // A table's bad row names its table; a lead's, the leads' input.
        if e.message.starts_with("table `") {
            progress.println(&format!("error: {e}"))
        } else {
            progress.println(&format!("error: {source}: {e}"))
        }
    };
    let result = match input {
        Ok((input, format)) => {
            let input = progress.wrap(input);
            report::run_with_tables(&policy, input, format, tables, &options, &range, on_error)
        }
        Err(batches) => {
            // Counted a batch at a time, as each is read.
            let mut read = 0u64;
            let batches = batches.batches.inspect(|b| {
                if let Ok(b) = b {
                    read += b.num_rows() as u64;
                    progress.leads(read);
                }
            });
            funnel_engine::arrow::report(&policy, batches, tables, &options, &range, on_error)
        }
    };
    progress.finish();
    let report = result.map_err(|e| match e {
        // A table's error names the table, not the leads' input.
        batch::BatchError::Table { .. } => Failure::Usage(e.to_string()),
        e => Failure::Usage(format!("{source}: {e}")),
    })?;
    let text = match args.format {
        ReportFormat::Table => table(&report),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&report).expect("reports serialize") + "\n"
        }
        ReportFormat::Csv => csv(&report),
        ReportFormat::Html => crate::html::report::page(&report, &source, args.written.locale),
    };
    args.written.write(&text)?;
    if report.failed > 0 {
        Ok(exit::RECORDS_FAILED)
    } else {
        Ok(exit::OK)
    }
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// The funnel's lines (see [`funnel_lines`]), then each segment's under it.
fn funnels(out: &mut String, f: &Funnel, segments: &[report::SegmentFunnel]) {
    funnel_lines(out, f, "funnel");
    for s in segments {
        funnel_lines(out, &s.funnel, &format!("funnel [{}]", s.segment));
    }
}

/// The funnel's lines: the stages in order (leads that reached each), then the excluded
/// leads by exclusion with the stages they had reached, then the stage velocity.
fn funnel_lines(out: &mut String, f: &Funnel, title: &str) {
    let chain = f
        .stages
        .iter()
        .map(|s| match s.conversion {
            Some(c) => format!("{} {} ({})", s.stage, s.reached, pct(c)),
            None => format!("{} {}", s.stage, s.reached),
        })
        .collect::<Vec<_>>()
        .join(" -> ");
    let _ = writeln!(out, "  {title}: {chain}");
    if !f.excluded.is_empty() {
        let excluded = f
            .excluded
            .iter()
            .map(|e| {
                let reached = e
                    .reached
                    .iter()
                    .map(|r| format!("{} {}", r.stage, r.leads))
                    .collect::<Vec<_>>()
                    .join(", ");
                if reached.is_empty() {
                    format!("{} {} \"{}\"", e.stage, e.leads, e.reason)
                } else {
                    format!(
                        "{} {} \"{}\" (had reached: {reached})",
                        e.stage, e.leads, e.reason
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(out, "  excluded: {excluded}");
    }
    let mut prev: Option<&str> = None;
    let mut velocity = Vec::new();
    for s in &f.stages {
        if let (Some(from), Some(v)) = (prev, &s.velocity) {
            velocity.push(format!(
                "{from} -> {} median {}d, p90 {}d ({} leads)",
                s.stage, v.median_days, v.p90_days, v.leads
            ));
        }
        prev = Some(&s.stage);
    }
    if !velocity.is_empty() {
        let _ = writeln!(out, "  velocity: {}", velocity.join("; "));
    }
}

/// The width of a figure's first column: its name, or its segment indented under it.
fn first_column(name: &str, segment: &Option<String>) -> usize {
    segment
        .as_ref()
        .map_or(name.len(), |s| s.chars().count() + 2)
}

fn compliance_line(c: &funnel_engine::report::Compliance) -> String {
    let name = match &c.segment {
        Some(s) => format!("{} [{s}]", c.name),
        None => c.name.clone(),
    };
    let mut s = format!(
        "{}: {} applicable, {} met on time{}, {} late, {} breached, {} open",
        name,
        c.applicable,
        c.met,
        c.share_met
            .map(|x| format!(" ({})", pct(x)))
            .unwrap_or_default(),
        c.met_late,
        c.breached,
        c.open
    );
    if let (Some(m), Some(p)) = (&c.median_time_to_meet, &c.p90_time_to_meet) {
        let _ = write!(s, "; time to meet: median {m}, p90 {p}");
    }
    s
}

/// The report for reading.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let digest: String = r.policy.digest.chars().take(15).collect();
    let _ = writeln!(
        out,
        "{} v{} ({}...) at {}: {} leads evaluated, {} failed",
        r.policy.name, r.policy.version, digest, r.at, r.evaluated, r.failed
    );
    // Columns fit the longest name and description in the report.
    let names = r.periods.iter().flat_map(|p| {
        p.commitments
            .iter()
            .map(|c| (first_column(&c.name, &c.segment), c.promise.len()))
            .chain(p.metrics.iter().map(|m| {
                (
                    first_column(&m.name, &m.segment),
                    m.label.as_deref().unwrap_or("metric").len(),
                )
            }))
    });
    let (w, d) = names.fold((8, 8), |(w, d), (a, b)| (w.max(a), d.max(b)));
    for p in &r.periods {
        let _ = writeln!(
            out,
            "\n{}{}",
            p.period,
            if p.current { " (current)" } else { "" }
        );
        for c in &p.commitments {
            let value = match (c.value, c.percent) {
                (Some(v), true) => format!("{} ({} of {})", pct(v), c.count, c.base.unwrap_or(0)),
                (Some(v), false) => num(v),
                (None, _) => "-".into(),
            };
            // A segment row sits under its total, indented, without the promise again.
            let (name, promise) = match &c.segment {
                Some(s) => (format!("  {s}"), ""),
                None => (c.name.clone(), c.promise.as_str()),
            };
            let _ = writeln!(
                out,
                "  {:<w$} {:<d$} {:<22} {}",
                name,
                promise,
                value,
                c.status.as_str()
            );
        }
        for m in &p.metrics {
            let v = m.display.clone().unwrap_or_else(|| "-".to_string());
            let (name, label) = match &m.segment {
                Some(s) => (format!("  {s}"), ""),
                None => (m.name.clone(), m.label.as_deref().unwrap_or("metric")),
            };
            let line = match &m.goal {
                Some(g) => format!(
                    "  {:<w$} {:<d$} {:<22} {} {} {}",
                    name,
                    label,
                    v,
                    g.bound,
                    g.display,
                    g.status.as_str()
                ),
                None => format!("  {:<w$} {:<d$} {}", name, label, v),
            };
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if !p.funnel.is_empty() {
            funnels(&mut out, &p.funnel, &p.funnel_segments);
        }
        for c in &p.sla {
            let _ = writeln!(out, "  sla {}", compliance_line(c));
        }
    }
    let _ = writeln!(out, "\nall periods");
    funnels(&mut out, &r.funnel, &r.funnel_segments);
    for c in &r.sla {
        let _ = writeln!(out, "  sla {}", compliance_line(c));
    }
    out
}

/// One CSV row per period and figure.
fn csv(r: &Report) -> String {
    let mut out = String::from("period,kind,name,segment,value,target,status\n");
    let seg = |s: &Option<String>| s.as_deref().map(csv_cell).unwrap_or_default();
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for p in &r.periods {
        for c in &p.commitments {
            let _ = writeln!(
                out,
                "{},commitment,{},{},{},{},{}",
                p.period,
                c.name,
                seg(&c.segment),
                opt(c.value),
                c.target,
                c.status.as_str()
            );
        }
        for m in &p.metrics {
            let (target, status) = match &m.goal {
                Some(g) => (g.target.to_string(), g.status.as_str()),
                None => (String::new(), ""),
            };
            let _ = writeln!(
                out,
                "{},metric,{},{},{},{},{}",
                p.period,
                m.name,
                seg(&m.segment),
                opt(m.value),
                target,
                status
            );
        }
        funnel_csv(&mut out, &p.period, "", &p.funnel);
        for f in &p.funnel_segments {
            funnel_csv(&mut out, &p.period, &csv_cell(&f.segment), &f.funnel);
        }
        for c in &p.sla {
            let _ = writeln!(
                out,
                "{},sla_met_share,{},{},{},,",
                p.period,
                c.name,
                seg(&c.segment),
                opt(c.share_met)
            );
        }
    }
    out
}

/// A funnel's CSV rows: each stage's leads reached and velocity, each exclusion's leads.
fn funnel_csv(out: &mut String, period: &str, segment: &str, f: &Funnel) {
    for s in &f.stages {
        let _ = writeln!(out, "{period},stage,{},{segment},{},,", s.stage, s.reached);
        if let Some(v) = &s.velocity {
            let (median, p90) = (v.median_days, v.p90_days);
            let _ = writeln!(
                out,
                "{period},velocity_median_days,{},{segment},{median},,",
                s.stage
            );
            let _ = writeln!(
                out,
                "{period},velocity_p90_days,{},{segment},{p90},,",
                s.stage
            );
        }
    }
    for e in &f.excluded {
        let _ = writeln!(out, "{period},excluded,{},{segment},{},,", e.stage, e.leads);
    }
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break (a segment such as
/// `sector=retail, grade(fit)=A`).
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
