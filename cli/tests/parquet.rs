//! `funnel eval` and `funnel report` on Parquet and Arrow IPC leads, and `funnel eval
//! --format parquet`: the same decisions (and reports) as from the same leads as JSONL or
//! CSV, for policies/acme here and, on the real files in ../shared/data, for policies/olist
//! and policies/xeducation (`#[ignore = "needs ../shared/data"]`: `.ci/run` runs them).

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use funnel_tests::batches::{self, batch_json, normalized};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_funnel");
const ACME_AT: &str = "2026-11-26T10:00:00-03:00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn funnel(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run funnel");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("funnel finishes")
}

fn ok(out: Output, what: &str) -> Output {
    assert!(out.status.success(), "{what} failed: {}", text(&out.stderr));
    out
}

fn write_parquet(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// policies/acme's leads as one batch, its column types inferred from the JSON (ints,
/// floats, bools, texts, lists of structs), under the fields' own names.
fn acme_batch() -> RecordBatch {
    batches::acme_batch(None)
}

fn acme_jsonl_decisions() -> String {
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            "policies/acme/leads/leads.jsonl",
            "--at",
            ACME_AT,
            "-q",
        ],
        None,
    );
    text(&ok(out, "eval of the JSONL").stdout)
}

#[test]
fn acme_from_parquet_and_arrow_gives_the_jsonl_decisions() {
    let expected = acme_jsonl_decisions();
    assert_eq!(expected.lines().count(), 20);
    let dir = tempfile::tempdir().unwrap();
    let batch = acme_batch();
    // The types the test means to cover are there.
    let schema = batch.schema();
    assert_eq!(
        schema.field_with_name("company_size").unwrap().data_type(),
        &DataType::Int64
    );
    assert!(matches!(
        schema.field_with_name("events").unwrap().data_type(),
        DataType::List(f) if matches!(f.data_type(), DataType::Struct(_))
    ));
    let parquet = dir.path().join("leads.parquet");
    write_parquet(&parquet, &batch);
    let p = parquet.to_str().unwrap();
    for args in [
        vec!["eval", "policies/acme", p, "--at", ACME_AT, "-q"],
        vec!["eval", "policies/acme", p, "--at", ACME_AT, "-q", "-j", "1"],
    ] {
        let out = ok(funnel(&args, None), "eval of the Parquet file");
        assert_eq!(text(&out.stdout), expected, "{args:?}");
    }
    // An Arrow IPC file, by its extension; an IPC stream on stdin, by --input-format.
    let ipc = dir.path().join("leads.arrow");
    let mut w = arrow::ipc::writer::FileWriter::try_new(
        std::fs::File::create(&ipc).unwrap(),
        &batch.schema(),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.finish().unwrap();
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            ipc.to_str().unwrap(),
            "--at",
            ACME_AT,
            "-q",
        ],
        None,
    );
    assert_eq!(text(&ok(out, "eval of the IPC file").stdout), expected);
    let mut stream = Vec::new();
    {
        let mut w =
            arrow::ipc::writer::StreamWriter::try_new(&mut stream, &batch.schema()).unwrap();
        // In two batches: records are numbered across them.
        w.write(&batch.slice(0, 7)).unwrap();
        w.write(&batch.slice(7, batch.num_rows() - 7)).unwrap();
        w.finish().unwrap();
    }
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            "--input-format",
            "arrow",
            "--at",
            ACME_AT,
            "-q",
        ],
        Some(&stream),
    );
    assert_eq!(text(&ok(out, "eval of the IPC stream").stdout), expected);
    // The CSV format reads the same rows.
    let csv = |input: &str, extra: &[&str]| {
        let mut args = vec!["eval", "policies/acme", input, "--at", ACME_AT, "-q"];
        args.extend(extra);
        text(&ok(funnel(&args, None), "eval as CSV").stdout)
    };
    assert_eq!(
        csv(p, &["--format", "csv"]),
        csv("policies/acme/leads/leads.jsonl", &["--format", "csv"])
    );
}

#[test]
fn a_bad_value_in_a_parquet_row_is_that_records_error() {
    let dir = tempfile::tempdir().unwrap();
    let batch = acme_batch();
    // Lead 2's `industry` is not one of the enum's values.
    let i = batch.schema().index_of("industry").unwrap();
    let mut industries: Vec<Option<String>> = batch
        .column(i)
        .as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect();
    industries[1] = Some("aerospace".into());
    let mut columns = batch.columns().to_vec();
    columns[i] = Arc::new(StringArray::from(industries)) as ArrayRef;
    let bad = RecordBatch::try_new(batch.schema(), columns).unwrap();
    let parquet = dir.path().join("bad.parquet");
    write_parquet(&parquet, &bad);
    let errors = dir.path().join("errors.jsonl");
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            parquet.to_str().unwrap(),
            "--at",
            ACME_AT,
            "--errors",
            errors.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: {}: record 2 [L-1002]: field `industry`: expected one of saas, fintech, \
             retail, education, health, manufacturing, other, found \"aerospace\"",
            parquet.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("evaluated 19 leads, 1 failed"), "{stderr}");
    assert_eq!(text(&out.stdout).lines().count(), 19);
    let e: Value = serde_json::from_str(&std::fs::read_to_string(&errors).unwrap()).unwrap();
    assert_eq!(e["record"], 2);
    assert_eq!(e["field"], "industry");
    assert_eq!(e["found"], "\"aerospace\"");
    // A required field without a column stops the run, naming both.
    let i = batch.schema().index_of("email").unwrap();
    let mut without = batch.clone();
    without.remove_column(i);
    let parquet = dir.path().join("no-email.parquet");
    write_parquet(&parquet, &without);
    let out = funnel(&["eval", "policies/acme", parquet.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("the batch has no column `email` for the required field `email`"),
        "{}",
        text(&out.stderr)
    );
    // A file that is not Parquet says so.
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            "policies/acme/leads/leads.jsonl",
            "--input-format",
            "parquet",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("policies/acme/leads/leads.jsonl: cannot read it as Parquet"),
        "{}",
        text(&out.stderr)
    );
}

fn read_parquet(bytes: Vec<u8>) -> RecordBatch {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(&bytes).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}

#[test]
fn decisions_written_as_parquet_read_back_as_the_json_decisions() {
    let expected: Vec<Value> = acme_jsonl_decisions()
        .lines()
        .map(|l| normalized(serde_json::from_str(l).unwrap(), &[]))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("decisions.parquet");
    let o = out_file.to_str().unwrap();
    ok(
        funnel(
            &[
                "eval",
                "policies/acme",
                "policies/acme/leads/leads.jsonl",
                "--at",
                ACME_AT,
                "-q",
                "--format",
                "parquet",
                "-o",
                o,
            ],
            None,
        ),
        "eval --format parquet",
    );
    let decisions = read_parquet(std::fs::read(&out_file).unwrap());
    assert_eq!(
        decisions.column_by_name("at").unwrap().data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    let got: Vec<Value> = batch_json(&decisions)
        .into_iter()
        .map(|d| normalized(d, &[]))
        .collect();
    assert_eq!(got, expected);
    // From Parquet leads to Parquet decisions, through a pipe: the same rows.
    let leads = dir.path().join("leads.parquet");
    write_parquet(&leads, &acme_batch());
    let out = ok(
        funnel(
            &[
                "eval",
                "policies/acme",
                leads.to_str().unwrap(),
                "--at",
                ACME_AT,
                "-q",
                "--format",
                "parquet",
            ],
            None,
        ),
        "eval of Parquet to Parquet",
    );
    let piped = read_parquet(out.stdout);
    assert_eq!(piped.schema(), decisions.schema());
    let got: Vec<Value> = batch_json(&piped)
        .into_iter()
        .map(|d| normalized(d, &[]))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn a_report_over_parquet_leads_equals_the_report_over_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let leads = dir.path().join("leads.parquet");
    write_parquet(&leads, &acme_batch());
    let report = |input: &str| {
        let out = funnel(
            &[
                "report",
                "policies/acme",
                input,
                "--at",
                ACME_AT,
                "--format",
                "json",
                "-q",
            ],
            None,
        );
        text(&ok(out, "report").stdout)
    };
    let from_jsonl = report("policies/acme/leads/leads.jsonl");
    assert!(from_jsonl.contains("\"evaluated\": 20"), "{from_jsonl}");
    assert_eq!(report(leads.to_str().unwrap()), from_jsonl);
}

/// The datasets; a test that asks for them fails when they are absent.
fn data() -> PathBuf {
    let dir = root().join("../shared/data");
    assert!(
        dir.is_dir(),
        "{} is absent: these tests need the datasets",
        dir.display()
    );
    dir
}

/// A CSV file as a Parquet file of text columns (an empty cell is null), as a warehouse
/// export of the same table would be.
fn csv_to_parquet(csv: &[u8], to: &Path) {
    let mut reader = csv::Reader::from_reader(csv);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
    for row in reader.records() {
        let row = row.unwrap();
        for (i, column) in columns.iter_mut().enumerate() {
            let cell = row.get(i).unwrap_or("");
            column.push((!cell.is_empty()).then(|| cell.to_string()));
        }
    }
    let fields: Vec<Field> = headers
        .iter()
        .map(|h| Field::new(h, DataType::Utf8, true))
        .collect();
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|c| Arc::new(StringArray::from(c)) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap();
    write_parquet(to, &batch);
}

/// `funnel eval POLICY` on a CSV file and on the same rows as Parquet: byte for byte the
/// same decisions and summary.
fn same_decisions_as_csv(policy: &str, csv: &Path, at: &str, leads: usize) {
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("leads.parquet");
    csv_to_parquet(&std::fs::read(csv).unwrap(), &parquet);
    let eval = |input: &Path, extra: &[&str]| {
        let mut args = vec!["eval", policy, input.to_str().unwrap(), "--at", at];
        args.extend(extra);
        ok(funnel(&args, None), "eval")
    };
    let from_csv = eval(csv, &["--input-format", "csv"]);
    let from_parquet = eval(&parquet, &[]);
    assert_eq!(text(&from_csv.stdout).lines().count(), leads);
    assert!(
        text(&from_parquet.stdout) == text(&from_csv.stdout),
        "decisions differ"
    );
    assert_eq!(text(&from_parquet.stderr), text(&from_csv.stderr));
}

#[test]
#[ignore = "needs ../shared/data"]
fn olist_from_parquet_gives_the_csv_decisions() {
    let d = data().join("olist-marketing-funnel");
    let joined = ok(
        Command::new(BIN)
            .arg("join")
            .arg(d.join("olist_marketing_qualified_leads_dataset.csv"))
            .arg(d.join("olist_closed_deals_dataset.csv"))
            .args(["--on", "mql_id"])
            .output()
            .unwrap(),
        "funnel join",
    );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("joined.csv");
    std::fs::write(&csv, &joined.stdout).unwrap();
    same_decisions_as_csv("policies/olist", &csv, "2018-12-01T00:00:00-02:00", 8000);
}

#[test]
#[ignore = "needs ../shared/data"]
fn xeducation_from_parquet_gives_the_csv_decisions() {
    let csv = data().join("x-education-leads/Leads.csv");
    same_decisions_as_csv(
        "policies/xeducation",
        &csv,
        "2026-01-05T10:00:00+05:30",
        9240,
    );
}

/// policies/acme/leads/leads.parquet, which the README's example reads, holds the leads of
/// leads.jsonl. (`FUNNEL_WRITE_PARQUET=1` writes it again from them, after they change.)
#[test]
fn the_readmes_acme_parquet_file_holds_the_jsonl_leads() {
    let committed = root().join("policies/acme/leads/leads.parquet");
    if std::env::var_os("FUNNEL_WRITE_PARQUET").is_some() {
        write_parquet(&committed, &acme_batch());
    }
    let out = funnel(
        &[
            "eval",
            "policies/acme",
            "policies/acme/leads/leads.parquet",
            "--at",
            ACME_AT,
            "-q",
        ],
        None,
    );
    assert_eq!(
        text(&ok(out, "eval of leads.parquet").stdout),
        acme_jsonl_decisions()
    );
}

#[test]
fn commands_that_read_text_only_refuse_parquet_leads() {
    let out = funnel(
        &[
            "backtest",
            "policies/acme",
            "policies/acme/leads/leads.parquet",
            "--outcome",
            "stage == sql",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "policies/acme/leads/leads.parquet: Parquet and Arrow leads are read by `funnel eval` \
             and `funnel report`; this command reads JSONL, CSV or JSON"
        ),
        "{}",
        text(&out.stderr)
    );
}
