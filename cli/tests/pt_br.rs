//! A Brazilian CRM's export, end to end: `tests/pt_br/leads.csv` is what Excel in pt-BR
//! writes (cells separated by `;`, CRLF line endings, `Sim`/`NÃO`, `serviços`, `1.234,56`,
//! `25/12/2026`), and `tests/pt_br/crm.funnel` says how each column is written. `funnel eval`
//! reads it with no option, and every bad cell is an error naming its record, line, field,
//! what was expected and what was found.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AT: &str = "2026-12-30T10:00:00-03:00";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pt_br")
}

fn funnel(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Each decision's lead, stage and fit score.
fn decisions(out: &Output) -> Vec<(String, String, f64)> {
    text(&out.stdout)
        .lines()
        .map(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            let field = |k: &str| d[k].as_str().unwrap().to_string();
            (
                field("lead"),
                field("stage"),
                d["scores"]["fit"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, f64)> {
    [
        // serviços, 1.234,56 >= 1000, 120 employees, Sim, last contact 26/12/2026 14:30.
        ("BR-1", "sql", 90.0),
        // Indústria, "87.500,00", 1.450 employees, but NÃO.
        ("BR-2", "lead", 90.0),
        // comércio, 350,90, 8 employees, a customer (`x`).
        ("BR-3", "lead", 0.0),
        // agro, 12.000 (twelve thousand), no employee count, Não.
        ("BR-4", "lead", 30.0),
        // Serviços, 1.999,99, 45 employees, SIM.
        ("BR-5", "mql", 70.0),
    ]
    .into_iter()
    .map(|(l, s, f)| (l.to_string(), s.to_string(), f))
    .collect()
}

#[test]
fn the_export_is_read_as_the_crm_wrote_it_with_no_option() {
    let dir = example();
    let csv = std::fs::read(dir.join("leads.csv")).unwrap();
    assert!(
        csv.windows(2).any(|w| w == b"\r\n") && csv.contains(&b';'),
        "leads.csv must stay as Excel writes it: `;` and CRLF"
    );
    let out = funnel(&["eval", ".", "leads.csv", "--at", AT], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(decisions(&out), expected());
    assert_eq!(
        text(&out.stderr).trim(),
        "evaluated 5 leads, 0 failed; lead 3, mql 1, sql 1"
    );
    // The same with the delimiter given.
    let out = funnel(
        &["eval", ".", "leads.csv", "--at", AT, "--delimiter", ";"],
        &dir,
    );
    assert_eq!(decisions(&out), expected());
}

#[test]
fn the_example_checks_formats_and_passes_its_tests() {
    let dir = example();
    let check = funnel(&["check", "."], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let fmt = funnel(&["fmt", "--check", "."], &dir);
    assert_eq!(fmt.status.code(), Some(0), "{}", text(&fmt.stdout));
    let test = funnel(&["test", "."], &dir);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test.stdout));
}

#[test]
fn bad_cells_name_record_line_field_expected_and_found_with_crlf() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = std::fs::read_to_string(example().join("leads.csv")).unwrap();
    // Lines 7 to 10, after the header and five leads; a blank line before the last.
    csv.push_str("BR-6;Padaria;Servicos;Sim;;10,00;3;25/12/2026;\r\n");
    csv.push_str("BR-7;Oficina;comércio;talvez;;10,00;3;25/12/2026;\r\n");
    csv.push_str("BR-8;Mercado;comércio;Sim;;10.5;3;25/12/2026;\r\n\r\n");
    csv.push_str("BR-9;Gráfica;comércio;Sim;;10,00;3;2026-12-32;\r\n");
    std::fs::write(tmp.path().join("leads.csv"), csv).unwrap();
    let policy = example();
    let out = funnel(
        &["eval", policy.to_str().unwrap(), "leads.csv", "--at", AT],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(3), "some records failed");
    let errors: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "error: leads.csv: record 6 (line 7) [BR-6]: field `setor`: expected one of servicos, industria, comercio, agro (or \"serviços\", \"Serviços\", \"indústria\", \"Indústria\", \"comércio\", \"Comércio\"), found \"Servicos\"",
            "error: leads.csv: record 7 (line 8) [BR-7]: field `aceita_contato`: expected bool, found \"talvez\"",
            "error: leads.csv: record 8 (line 9) [BR-8]: field `valor`: expected number (written like 1.234,56), found \"10.5\"",
            "error: leads.csv: record 9 (line 11) [BR-9]: field `criado_em`: expected date (dd/mm/yyyy), found \"2026-12-32\"",
        ]
    );
    assert_eq!(decisions(&out), expected(), "the other leads are evaluated");
}

#[test]
fn a_wrong_delimiter_or_one_for_json_is_a_usage_error() {
    let dir = example();
    let out = funnel(
        &["eval", ".", "leads.csv", "--at", AT, "--delimiter", ","],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the CSV has no column `Código` for the required field `id`"),
        "{}",
        text(&out.stderr)
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("leads.jsonl"), "{}\n").unwrap();
    let policy = dir.to_str().unwrap();
    let out = funnel(
        &[
            "eval",
            policy,
            "leads.jsonl",
            "--at",
            AT,
            "--delimiter",
            ";",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim(),
        "error: --delimiter is for CSV input, and this input is read as JSONL (give --input-format csv)"
    );
    let out = funnel(&["eval", policy, "x.csv", "--delimiter", ";;"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("expected one ASCII character such as ';' or '\\t', found \";;\""),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_tab_delimiter_is_written_as_backslash_t() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(example().join("leads.csv"))
        .unwrap()
        .replace(';', "\t");
    std::fs::write(tmp.path().join("leads.tsv"), csv).unwrap();
    let policy = example();
    let args = ["eval", policy.to_str().unwrap(), "leads.tsv", "--at", AT];
    let out = funnel(
        &[&args[..], &["--input-format", "csv", "--delimiter", "\\t"]].concat(),
        tmp.path(),
    );
    assert_eq!(decisions(&out), expected(), "{}", text(&out.stderr));
}
