//! The "Examples:" section at the end of each verb's `--help`: real commands on the shipped
//! policies (`cli/tests/help_examples.rs` runs them from a copy of the repository's
//! `policies/acme`, so they stay true).

use clap::builder::styling::Style;

/// One example: what it does (a comment line), then the command.
type Example = (&'static str, &'static str);

/// The section as clap shows it after the options, headed like clap's own `Usage:`.
pub fn help(examples: &[Example]) -> String {
    let heading = Style::new().bold().underline();
    let mut out = format!("{heading}Examples:{heading:#}\n");
    for (i, (what, command)) in examples.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("  # {what}\n  {command}\n"));
    }
    out
}

pub const CHECK: &[Example] = &[
    (
        "Check the example policy set (exit 1 on errors)",
        "funnel check policies/acme",
    ),
    (
        "Check every set under policies/, failing on warnings too (as CI does)",
        "funnel check --deny-warnings policies",
    ),
    (
        "Annotate a pull request's lines in GitHub Actions",
        "funnel check --format github policies",
    ),
    (
        "Write SARIF for GitHub code scanning",
        "funnel check --format sarif policies > funnel.sarif",
    ),
    (
        "Check text from stdin as a set of one file (here the example set's files joined); the name places it, for messages and the paths it names",
        "cat policies/acme/*.funnel | funnel check - --stdin-filename policies/acme/all.funnel",
    ),
];

pub const EVAL: &[Example] = &[
    (
        "One decision per lead as JSONL, at a fixed instant so the run can be repeated",
        "funnel eval policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00",
    ),
    (
        "A table for reading",
        "funnel eval policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --format table",
    ),
    (
        "Leads from stdin, each decision with its explanation, written to a file",
        "cat policies/acme/leads/leads.jsonl | funnel eval policies/acme --explain --output decisions.jsonl",
    ),
];

pub const EXPLAIN: &[Example] = &[
    (
        "Why one lead got its scores, stage, route and SLA states",
        "funnel explain policies/acme policies/acme/leads/enterprise_demo.json --at 2026-11-26T10:00:00-03:00",
    ),
    (
        "The same as JSON, the lead read from stdin",
        "funnel explain policies/acme - --format json < policies/acme/leads/enterprise_demo.json",
    ),
];

pub const WATCH: &[Example] = &[
    (
        "Check the set again on every save",
        "funnel watch policies/acme",
    ),
    (
        "Run its tests too after each good reload",
        "funnel watch --test policies/acme",
    ),
    (
        "One JSON object a line per check (and test) run, for an editor or a script",
        "funnel watch --test --format json policies/acme",
    ),
];

pub const FMT: &[Example] = &[
    (
        "Rewrite every policy file under policies/ in the canonical layout",
        "funnel fmt policies",
    ),
    (
        "List the files that are not formatted, exit 1 if any (for CI)",
        "funnel fmt --check policies",
    ),
    (
        "Show what would change, as a unified diff",
        "funnel fmt --diff policies/acme",
    ),
    (
        "Format text from stdin to stdout, as an editor does",
        "funnel fmt - < policies/acme/scoring.funnel",
    ),
    (
        "The files that would change, as JSON",
        "funnel fmt --check --format json policies",
    ),
];

pub const TEST: &[Example] = &[
    ("Run the example set's tests", "funnel test policies/acme"),
    (
        "And list what no test exercised",
        "funnel test --coverage policies/acme",
    ),
    (
        "Only the tests whose name contains a text",
        "funnel test --filter enterprise policies/acme",
    ),
    (
        "Results (and the diagnostics of a set that does not compile) as JSON",
        "funnel test --format json policies",
    ),
];

pub const REPORT: &[Example] = &[
    (
        "Commitments, metrics, the funnel and SLA compliance per period",
        "funnel report policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00",
    ),
    (
        "One self-contained HTML page in Portuguese",
        "funnel report policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --format html --locale pt-BR --output report.html",
    ),
    (
        "The whole report as JSON, without the progress bar or notes",
        "funnel report policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --format json -q > report.json",
    ),
];

pub const DIFF: &[Example] = &[
    (
        "Two versions on the same leads (OLD may also be a git revision, e.g. HEAD~1)",
        "funnel diff policies/acme policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00",
    ),
    (
        "As Markdown for a pull request comment, exit 1 when a commitment flips to missed",
        "funnel diff policies/acme policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --format markdown --fail-on-missed",
    ),
];

pub const BACKTEST: &[Example] = &[
    (
        "How well the scores predict an outcome the leads already have",
        "funnel backtest policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --outcome \"sql_at is present\"",
    ),
    (
        "Every figure as JSON",
        "funnel backtest policies/acme policies/acme/leads/leads.jsonl --at 2026-11-26T10:00:00-03:00 --outcome \"sql_at is present\" --format json",
    ),
];

pub const JOIN: &[Example] = &[
    (
        "Every MQL with its closed deal's columns, when it has one (Olist's exports)",
        "funnel join mqls.csv deals.csv --on mql_id --output joined.csv",
    ),
    (
        "Joined and evaluated in one pipe",
        "funnel join mqls.csv deals.csv --on mql_id | funnel eval policies/olist --input-format csv",
    ),
];

pub const SERVE: &[Example] = &[
    (
        "Serve the example set on http://127.0.0.1:8080, reloading on every good edit",
        "funnel serve policies/acme",
    ),
    (
        "On another port, logging every decision for audit",
        "funnel serve policies/acme --addr 127.0.0.1:9090 --decision-log decisions.jsonl",
    ),
];

pub const LSP: &[Example] = &[
    (
        "What an editor runs: the server talks LSP on stdin and stdout (see editors/README.md)",
        "funnel lsp",
    ),
    (
        "The same, as VS Code's client starts it",
        "funnel lsp --stdio",
    ),
];
