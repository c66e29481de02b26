//! `funnel diff`: what a change to a policy does to the same leads at the same instant.
//!
//! Both versions evaluate every lead; the diff counts the leads whose stage, route, grades
//! or personas change (with the stage-to-stage transitions), how each score's distribution
//! shifts, and each commitment and metric per period before and after, flagging a
//! commitment that goes from held to missed.

use crate::args::Leads;
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::parse_at;
use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::decision::{Step, Truth};
use funnel_engine::report::{self, Report, ReportRange, Status};
use funnel_engine::{EvalOptions, Policy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For reading.
    Table,
    /// One JSON document.
    Json,
    /// Markdown, sized for a pull-request comment.
    Markdown,
}

#[derive(clap::Args)]
pub struct Args {
    /// The old version: a policy directory, or a git revision (`HEAD~1`, `main`) of NEW.
    old: String,
    /// The new version: a policy directory.
    new: PathBuf,
    #[command(flatten)]
    leads: Leads,
    #[command(flatten)]
    tables: crate::report::Tables,
    /// The evaluation instant (RFC 3339); now when absent.
    #[arg(long)]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: DiffFormat,
    /// Changed leads to show.
    #[arg(long, default_value_t = 10)]
    sample: usize,
    /// Exit with 1 when a commitment or metric target held before and is missed after.
    #[arg(long)]
    fail_on_missed: bool,
}

/// One lead as the diff compares it.
#[derive(Debug, Clone, Default, Serialize)]
struct Lead {
    lead: String,
    stage: String,
    route: Option<String>,
    grades: Vec<Option<String>>,
    personas: Vec<bool>,
    scores: Vec<f64>,
}

/// A score's distribution before and after.
#[derive(Debug, Serialize)]
struct ScoreShift {
    score: String,
    mean_before: f64,
    mean_after: f64,
    median_before: f64,
    median_after: f64,
    /// The 10th, 25th, 50th, 75th and 90th percentiles before (interpolated between ranks).
    quantiles_before: [f64; 5],
    /// The same after.
    quantiles_after: [f64; 5],
    /// Leads whose score changed.
    changed: u64,
    /// Of them, those scoring more after.
    up: u64,
    /// Those scoring less after.
    down: u64,
}

/// The percentiles a score's distribution is shown by.
const QUANTILES: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// A figure (commitment or metric) of a period that changed.
#[derive(Debug, Serialize)]
struct FigureChange {
    period: String,
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<String>,
    before: Option<f64>,
    after: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_before: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_after: Option<&'static str>,
    /// Held before, missed after.
    flipped_to_missed: bool,
}

/// A changed lead, before and after, and the rules and conditions that made the difference.
#[derive(Debug, Serialize)]
struct Changed {
    #[serde(skip)]
    record: u64,
    before: Lead,
    after: Lead,
    /// What changed: `stage mql -> sql`, `grade(fit) B -> A (score 42)`, `persona x: no -> yes`.
    what: Vec<String>,
    why: Vec<String>,
}

/// The diff.
#[derive(Debug, Serialize)]
struct Diff {
    old: String,
    new: String,
    at: String,
    leads: u64,
    failed: u64,
    changed_stage: u64,
    changed_route: u64,
    /// Per graded score: leads whose letter changed.
    changed_grade: BTreeMap<String, u64>,
    /// Per persona: leads whose match changed.
    changed_persona: BTreeMap<String, u64>,
    /// (from, to, leads) for every pair of stages with leads, the unchanged included.
    transitions: Vec<(String, String, u64)>,
    scores: Vec<ScoreShift>,
    figures: Vec<FigureChange>,
    sample: Vec<Changed>,
}

pub fn run(args: Args) -> Outcome {
    let new = Policy::load(&args.new).map_err(|e| Failure::load(&args.new, e))?;
    let (old_dir, _keep) = old_version(&args.old, &args.new)?;
    let old = Policy::load(&old_dir).map_err(|e| Failure::load(&old_dir, e))?;
    let at = parse_at(args.at.as_deref(), &new).map_err(Failure::Usage)?;
    // Read once: both versions evaluate the same bytes.
    let (mut input, format, source) = args.leads.open()?;
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Usage(format!("{source}: {}", crate::output::io_reason(&e))))?;
    let options = args.leads.batch_options(at);
    let (before, failed_before) = leads(&old, &bytes, format, &options, &source)?;
    let (after, failed_after) = leads(&new, &bytes, format, &options, &source)?;
    let tables = args.tables.read(&new)?;
    let report_of = |policy: &Policy| {
        report::run_with_tables(
            policy,
            bytes.as_slice(),
            format,
            crate::report::table_inputs(&tables),
            &options,
            &ReportRange::default(),
            |_| {},
        )
        .map_err(|e| Failure::Usage(format!("{source}: {e}")))
    };
    let (report_before, report_after) = (report_of(&old)?, report_of(&new)?);
    let mut diff = compare(
        &old,
        &new,
        &args,
        at.to_rfc3339(),
        &before,
        &after,
        failed_before.max(failed_after),
        &report_before,
        &report_after,
    );
    // The sampled leads again, explained, under both versions.
    let records: Vec<u64> = diff.sample.iter().map(|c| c.record).collect();
    if !records.is_empty() {
        let steps_before = explained(&old, &bytes, format, &options, &records, &source)?;
        let steps_after = explained(&new, &bytes, format, &options, &records, &source)?;
        for c in &mut diff.sample {
            let none = Vec::new();
            c.why = why(
                steps_before.get(&c.record).unwrap_or(&none),
                steps_after.get(&c.record).unwrap_or(&none),
            );
        }
    }
    match args.format {
        DiffFormat::Table => print!("{}", table(&diff)),
        DiffFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diff).expect("diffs serialize")
        ),
        DiffFormat::Markdown => print!("{}", markdown(&diff)),
    }
    let flipped = diff.figures.iter().any(|f| f.flipped_to_missed);
    Ok(if args.fail_on_missed && flipped {
        exit::FAILED
    } else if diff.failed > 0 {
        exit::RECORDS_FAILED
    } else {
        exit::OK
    })
}

/// The old version's directory: OLD itself, or NEW's files as of the git revision OLD,
/// written to a temporary directory (kept alive by the second value).
fn old_version(old: &str, new: &Path) -> Result<(PathBuf, Option<tempfile::TempDir>), Failure> {
    if Path::new(old).exists() {
        return Ok((PathBuf::from(old), None));
    }
    let git = |args: &[&str], dir: &Path| -> Result<Vec<u8>, Failure> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .map_err(|e| Failure::Usage(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(Failure::Usage(format!(
                "`{old}` is neither a directory nor a git revision: git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(out.stdout)
    };
    let dir = if new.is_dir() {
        new
    } else {
        new.parent().unwrap_or(Path::new("."))
    };
    let files = git(&["ls-tree", "-r", "--name-only", old, "--", "."], dir)?;
    let tmp =
        tempfile::tempdir().map_err(|e| Failure::Usage(format!("temporary directory: {e}")))?;
    let mut written = 0;
    for name in String::from_utf8_lossy(&files).lines() {
        let text = git(&["show", &format!("{old}:./{name}")], dir)?;
        let path = tmp.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::Usage(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        written += 1;
    }
    if written == 0 {
        return Err(Failure::Usage(format!(
            "{} has no files at revision `{old}`",
            dir.display()
        )));
    }
    Ok((tmp.path().to_path_buf(), Some(tmp)))
}

/// Every lead's outcome under `policy`, by record number (a failed record is `None`).
fn leads(
    policy: &Policy,
    bytes: &[u8],
    format: InputFormat,
    options: &BatchOptions,
    source: &str,
) -> Result<(BTreeMap<u64, Lead>, u64), Failure> {
    let names = policy.names();
    let mut out = BTreeMap::new();
    let summary = batch::evaluate_each(
        policy,
        bytes,
        format,
        options,
        |e| {
            let d = e.to_decision();
            Lead {
                lead: d.lead.clone(),
                stage: d.stage.clone(),
                route: d.route.clone(),
                grades: names
                    .grades
                    .iter()
                    .map(|(s, _)| d.grades.get(s).cloned())
                    .collect(),
                personas: names
                    .personas
                    .iter()
                    .map(|p| d.personas.get(p).is_some_and(|r| r.matched))
                    .collect(),
                scores: names
                    .scores
                    .iter()
                    .map(|s| d.scores.get(s).copied().unwrap_or(0.0))
                    .collect(),
            }
        },
        |record, result| {
            if let Ok(lead) = result {
                out.insert(record, lead);
            }
            Ok(())
        },
    )
    .map_err(|e| Failure::Usage(format!("{source}: {e}")))?;
    Ok((out, summary.failed))
}

/// The explanations of the leads at `records` under `policy`.
fn explained(
    policy: &Policy,
    bytes: &[u8],
    format: InputFormat,
    options: &BatchOptions,
    records: &[u64],
    source: &str,
) -> Result<BTreeMap<u64, Vec<Step>>, Failure> {
    let options = BatchOptions {
        eval: EvalOptions {
            explain: true,
            ..options.eval
        },
        ..*options
    };
    let mut out = BTreeMap::new();
    batch::evaluate_each(
        policy,
        bytes,
        format,
        &options,
        |e| e.to_decision().explain.unwrap_or_default(),
        |record, result| {
            if let (true, Ok(steps)) = (records.contains(&record), result) {
                out.insert(record, steps);
            }
            Ok(())
        },
    )
    .map_err(|e| Failure::Usage(format!("{source}: {e}")))?;
    Ok(out)
}

/// What differs between a lead's two explanations: score rules that fire in one version
/// only (or for other points), and persona, stage and route conditions whose result changed.
/// A rule or condition rewritten shows as one gone and one new.
fn why(before: &[Step], after: &[Step]) -> Vec<String> {
    let truth = |t: &Truth| match t {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    };
    // (what, the text as written) -> its outcome.
    let outcomes = |steps: &[Step]| -> BTreeMap<(String, String), String> {
        let mut out = BTreeMap::new();
        for s in steps {
            let (key, value) = match s {
                Step::Rule {
                    score,
                    rule,
                    points,
                    result,
                    ..
                } => (
                    (format!("score {score}"), rule.clone()),
                    match result {
                        Truth::True => format!("fires ({points:+})"),
                        _ => "skipped (unknown)".to_string(),
                    },
                ),
                Step::Persona {
                    persona,
                    condition,
                    result,
                    ..
                } => (
                    (format!("persona {persona}"), condition.clone()),
                    truth(result).into(),
                ),
                Step::Stage {
                    stage,
                    condition,
                    result,
                    ..
                } => (
                    (format!("stage {stage}"), condition.clone()),
                    truth(result).into(),
                ),
                Step::Route {
                    route,
                    condition,
                    result,
                    ..
                } => (
                    (format!("route {route}"), condition.clone()),
                    truth(result).into(),
                ),
                _ => continue,
            };
            out.insert(key, value);
        }
        out
    };
    let (b, a) = (outcomes(before), outcomes(after));
    let mut keys: Vec<&(String, String)> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (what, text) = key;
            match (b.get(key), a.get(key)) {
                (Some(x), Some(y)) if x == y => None,
                (Some(x), Some(y)) => Some(format!("{what} `{text}`: {x} -> {y}")),
                // A score rule is listed when it fires: absent is "does not fire".
                (Some(x), None) if what.starts_with("score") => {
                    Some(format!("{what} `{text}`: {x} -> does not fire"))
                }
                (None, Some(y)) if what.starts_with("score") => {
                    Some(format!("{what} `{text}`: does not fire -> {y}"))
                }
                (Some(x), None) => Some(format!("{what} `{text}`: {x} -> (gone)")),
                (None, Some(y)) => Some(format!("{what} `{text}`: (new) -> {y}")),
                (None, None) => None,
            }
        })
        .collect()
}

/// `QUANTILES` of `v`, interpolating linearly between ranks (so the 50th is the median);
/// zeros without values.
fn quantiles(mut v: Vec<f64>) -> [f64; 5] {
    if v.is_empty() {
        return [0.0; 5];
    }
    v.sort_by(|a, b| a.total_cmp(b));
    QUANTILES.map(|q| {
        let at = q * (v.len() - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
    })
}

#[allow(clippy::too_many_arguments)]
fn compare(
    old: &Policy,
    new: &Policy,
    args: &Args,
    at: String,
    before: &BTreeMap<u64, Lead>,
    after: &BTreeMap<u64, Lead>,
    failed: u64,
    report_before: &Report,
    report_after: &Report,
) -> Diff {
    let (old_names, new_names) = (old.names(), new.names());
    let mut transitions: BTreeMap<(String, String), u64> = BTreeMap::new();
    let (mut changed_stage, mut changed_route) = (0, 0);
    let mut changed_grade: BTreeMap<String, u64> = BTreeMap::new();
    let mut changed_persona: BTreeMap<String, u64> = BTreeMap::new();
    let mut sample = Vec::new();
    let mut pairs = 0;
    for (record, b) in before {
        let Some(a) = after.get(record) else { continue };
        pairs += 1;
        *transitions
            .entry((b.stage.clone(), a.stage.clone()))
            .or_default() += 1;
        let mut what = Vec::new();
        if b.stage != a.stage {
            changed_stage += 1;
            what.push(format!("stage {} -> {}", b.stage, a.stage));
        }
        if b.route != a.route {
            changed_route += 1;
            let route = |r: &Option<String>| r.clone().unwrap_or_else(|| "-".into());
            what.push(format!("route {} -> {}", route(&b.route), route(&a.route)));
        }
        // Grades and personas are compared by name: either version may add or drop one.
        for (g, (score, _)) in new_names.grades.iter().enumerate() {
            let old_letter = old_names
                .grades
                .iter()
                .position(|(s, _)| s == score)
                .and_then(|i| b.grades[i].clone());
            if old_letter != a.grades[g] {
                *changed_grade.entry(score.clone()).or_default() += 1;
                let letter = |l: &Option<String>| l.clone().unwrap_or_else(|| "-".into());
                let points = new_names
                    .scores
                    .iter()
                    .position(|s| s == score)
                    .map(|i| format!(" (score {})", trimmed(a.scores[i])))
                    .unwrap_or_default();
                what.push(format!(
                    "grade({score}) {} -> {}{points}",
                    letter(&old_letter),
                    letter(&a.grades[g])
                ));
            }
        }
        for (i, persona) in new_names.personas.iter().enumerate() {
            let was = old_names
                .personas
                .iter()
                .position(|p| p == persona)
                .is_some_and(|j| b.personas[j]);
            if was != a.personas[i] {
                *changed_persona.entry(persona.clone()).or_default() += 1;
                let yes = |m: bool| if m { "matches" } else { "does not match" };
                what.push(format!(
                    "persona {persona}: {} -> {}",
                    yes(was),
                    yes(a.personas[i])
                ));
            }
        }
        if !what.is_empty() && sample.len() < args.sample {
            sample.push(Changed {
                record: *record,
                before: b.clone(),
                after: a.clone(),
                what,
                why: Vec::new(),
            });
        }
    }
    let scores = new_names
        .scores
        .iter()
        .enumerate()
        .map(|(i, score)| {
            let old_i = old_names.scores.iter().position(|s| s == score);
            let olds: Vec<f64> = before
                .values()
                .map(|l| old_i.map_or(0.0, |j| l.scores[j]))
                .collect();
            let news: Vec<f64> = after.values().map(|l| l.scores[i]).collect();
            let (mut up, mut down) = (0, 0);
            for (r, l) in before.iter() {
                let old = old_i.map_or(0.0, |j| l.scores[j]);
                match after.get(r).map(|a| a.scores[i]) {
                    Some(new) if new > old => up += 1,
                    Some(new) if new < old => down += 1,
                    _ => {}
                }
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            let (mean_before, mean_after) = (mean(&olds), mean(&news));
            let (quantiles_before, quantiles_after) = (quantiles(olds), quantiles(news));
            ScoreShift {
                score: score.clone(),
                mean_before,
                mean_after,
                median_before: quantiles_before[2],
                median_after: quantiles_after[2],
                quantiles_before,
                quantiles_after,
                changed: up + down,
                up,
                down,
            }
        })
        .collect();
    Diff {
        old: format!(
            "{} v{} ({})",
            old.name(),
            old.version(),
            short(old.digest())
        ),
        new: format!(
            "{} v{} ({})",
            new.name(),
            new.version(),
            short(new.digest())
        ),
        at,
        leads: pairs,
        failed,
        changed_stage,
        changed_route,
        changed_grade,
        changed_persona,
        transitions: transitions
            .into_iter()
            .map(|((from, to), n)| (from, to, n))
            .collect(),
        scores,
        figures: figures(report_before, report_after),
        sample,
    }
}

fn short(digest: &str) -> String {
    digest.chars().take(15).collect()
}

fn status_word(s: Status) -> &'static str {
    s.as_str()
}

/// The commitments and metrics whose value or status differs, period by period.
fn figures(before: &Report, after: &Report) -> Vec<FigureChange> {
    type Key = (String, &'static str, String, Option<String>);
    type Figure = (Option<f64>, Option<Status>);
    let collect = |r: &Report| -> BTreeMap<Key, Figure> {
        let mut out = BTreeMap::new();
        for p in &r.periods {
            for c in &p.commitments {
                out.insert(
                    (
                        p.period.clone(),
                        "commitment",
                        c.name.clone(),
                        c.segment.clone(),
                    ),
                    (c.value, Some(c.status)),
                );
            }
            for m in &p.metrics {
                out.insert(
                    (
                        p.period.clone(),
                        "metric",
                        m.name.clone(),
                        m.segment.clone(),
                    ),
                    (m.value, m.goal.as_ref().map(|g| g.status)),
                );
            }
            // A per-lead SLA by its share met on time (a change in whom it applies to
            // shows here).
            for c in &p.sla {
                out.insert(
                    (p.period.clone(), "sla", c.name.clone(), c.segment.clone()),
                    (c.share_met, None),
                );
            }
        }
        out
    };
    let (b, a) = (collect(before), collect(after));
    let mut keys: Vec<&Key> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (vb, sb) = b.get(key).cloned().unwrap_or((None, None));
            let (va, sa) = a.get(key).cloned().unwrap_or((None, None));
            if vb == va && sb == sa {
                return None;
            }
            Some(FigureChange {
                period: key.0.clone(),
                kind: key.1,
                name: key.2.clone(),
                segment: key.3.clone(),
                before: vb,
                after: va,
                status_before: sb.map(status_word),
                status_after: sa.map(status_word),
                flipped_to_missed: sb == Some(Status::Held) && sa == Some(Status::Missed),
            })
        })
        .collect()
}

fn num(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Some(x) => format!("{x:.4}"),
    }
}

fn figure_line(f: &FigureChange) -> String {
    let name = match &f.segment {
        Some(s) => format!("{} [{s}]", f.name),
        None => f.name.clone(),
    };
    let status = match (f.status_before, f.status_after) {
        (Some(b), Some(a)) if b != a => format!(" ({b} -> {a})"),
        _ => String::new(),
    };
    let flag = if f.flipped_to_missed {
        "  HELD -> MISSED"
    } else {
        ""
    };
    // An SLA's figure is its share met on time.
    let shown = |v: Option<f64>| match v {
        Some(x) if f.kind == "sla" => format!("{:.2}%", x * 100.0),
        v => num(v),
    };
    format!(
        "{} {} {name}: {} -> {}{status}{flag}",
        f.period,
        f.kind,
        shown(f.before),
        shown(f.after)
    )
}

/// The diff for reading.
fn table(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} -> {} at {}: {} leads", d.old, d.new, d.at, d.leads);
    let _ = writeln!(
        out,
        "  stage changed for {} leads, route for {}",
        d.changed_stage, d.changed_route
    );
    for (g, n) in &d.changed_grade {
        let _ = writeln!(out, "  grade({g}) changed for {n} leads");
    }
    for (p, n) in &d.changed_persona {
        let _ = writeln!(out, "  persona {p} changed for {n} leads");
    }
    let _ = writeln!(out, "\ntransitions (before -> after: leads)");
    for (from, to, n) in &d.transitions {
        let mark = if from != to { "*" } else { " " };
        let _ = writeln!(out, "  {mark} {from} -> {to}: {n}");
    }
    let _ = writeln!(
        out,
        "\nscores (before -> after: mean; 10th, 25th, 50th, 75th, 90th percentiles)"
    );
    for s in &d.scores {
        let _ = writeln!(
            out,
            "  {}: mean {:.2} -> {:.2}; {} -> {}; {} leads up, {} down",
            s.score,
            s.mean_before,
            s.mean_after,
            percentiles(&s.quantiles_before),
            percentiles(&s.quantiles_after),
            s.up,
            s.down
        );
    }
    if !d.figures.is_empty() {
        let _ = writeln!(
            out,
            "\ncommitments, metrics and SLA compliance that changed"
        );
        for f in &d.figures {
            let _ = writeln!(out, "  {}", figure_line(f));
        }
    }
    if !d.sample.is_empty() {
        let _ = writeln!(out, "\nchanged leads (a sample)");
        for c in &d.sample {
            let _ = writeln!(out, "  {}: {}", c.after.lead, c.what.join(", "));
            for w in &c.why {
                let _ = writeln!(out, "      {w}");
            }
        }
    }
    out
}

/// Percentiles as `10/22.5/30/45/60`.
fn percentiles(q: &[f64; 5]) -> String {
    let shown: Vec<String> = q.iter().map(|v| trimmed(*v)).collect();
    shown.join("/")
}

/// A number with at most two decimals and no trailing zeros: `22.5`, `30`.
fn trimmed(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The diff as Markdown for a pull-request comment.
fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### funnel diff: {} → {}\n", d.old, d.new);
    let _ = writeln!(
        out,
        "{} leads at `{}`: **{}** change stage, **{}** change route.\n",
        d.leads, d.at, d.changed_stage, d.changed_route
    );
    let moved: Vec<&(String, String, u64)> =
        d.transitions.iter().filter(|(f, t, _)| f != t).collect();
    if !moved.is_empty() {
        let _ = writeln!(out, "| before | after | leads |\n|---|---|---:|");
        for (from, to, n) in moved {
            let _ = writeln!(out, "| {from} | {to} | {n} |");
        }
        out.push('\n');
    }
    let shifted: Vec<&ScoreShift> = d.scores.iter().filter(|s| s.changed > 0).collect();
    if !shifted.is_empty() {
        let _ = writeln!(
            out,
            "| score | mean | median | p10 / p90 | leads up | leads down |\n|---|---|---|---|---:|---:|"
        );
        for s in shifted {
            let (b, a) = (&s.quantiles_before, &s.quantiles_after);
            let _ = writeln!(
                out,
                "| {} | {} → {} | {} → {} | {} / {} → {} / {} | {} | {} |",
                s.score,
                trimmed(s.mean_before),
                trimmed(s.mean_after),
                trimmed(b[2]),
                trimmed(a[2]),
                trimmed(b[0]),
                trimmed(b[4]),
                trimmed(a[0]),
                trimmed(a[4]),
                s.up,
                s.down
            );
        }
        out.push('\n');
    }
    let flipped: Vec<&FigureChange> = d.figures.iter().filter(|f| f.flipped_to_missed).collect();
    if !flipped.is_empty() {
        let _ = writeln!(out, "**Held before, missed after:**\n");
        for f in flipped {
            let _ = writeln!(out, "- {}", figure_line(f));
        }
        out.push('\n');
    }
    if !d.figures.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} commitments, metrics and SLA figures changed</summary>\n",
            d.figures.len()
        );
        for f in &d.figures {
            let _ = writeln!(out, "- {}", figure_line(f));
        }
        let _ = writeln!(out, "\n</details>");
    }
    if !d.sample.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} changed leads, a sample, and why</summary>\n",
            d.sample.len()
        );
        for c in &d.sample {
            let _ = writeln!(out, "- `{}`: {}", c.after.lead, c.what.join(", "));
            for w in &c.why {
                let _ = writeln!(out, "  - {w}");
            }
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}
