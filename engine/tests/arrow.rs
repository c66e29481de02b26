//! Leads from Arrow record batches and decisions as record batches (`funnel_engine::arrow`):
//! every Arrow type a column may have, the input rules on string columns, a bad value in a
//! middle row, columns that do not fit, and the same decisions as from JSON for
//! policies/acme.

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, DictionaryArray,
    DurationSecondArray, Float32Array, Int16Array, Int32Array, Int64Array, Int8Array,
    LargeStringArray, ListArray, RecordBatch, StringArray, StringViewArray, StructArray,
    TimestampMillisecondArray, TimestampSecondArray, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Fields, Int32Type, Schema, TimeUnit};
use funnel_engine::arrow::{self as farrow, LeadColumns};
use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use funnel_tests::batches::{self, batch_json, normalized};
use serde_json::{json, Value};
use std::sync::Arc;

fn policy(src: &str) -> Policy {
    Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", src)]).unwrap()
}

fn options(jobs: usize, chunk: usize) -> BatchOptions {
    BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap(),
        eval: EvalOptions::default(),
        jobs,
        chunk,
    }
}

/// Each row's `let` values (as a decision's JSON holds them), or its error as displayed.
fn values(p: &Policy, batch: &RecordBatch) -> Vec<Result<Value, String>> {
    let columns = LeadColumns::new(p, batch.schema_ref(), false).unwrap();
    let at = options(1, 1).at;
    let mut evaluator = p.evaluator(EvalOptions::default());
    columns
        .decode(p, batch, 1)
        .into_iter()
        .map(|lead| {
            let lead = lead.map_err(|e| e.to_string())?;
            let d = evaluator.evaluate(&lead, at, None).unwrap().to_decision();
            Ok(serde_json::to_value(&d.values).unwrap())
        })
        .collect()
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

const TYPES: &str = r#"
policy "types" version 1
  timezone "America/Sao_Paulo"
schema lead {
  id: text key
  small: int
  big: int?
  ratio: number
  price: number?
  whole: int?
  flag: bool
  day: date?
  seen: datetime?
  local: datetime?
  wait: duration?
  secs: duration?
  size: enum(small, large)
  code: text?
  tags: list<text>
  events: list<event>
  campaign: campaign?
}
schema event {
  kind: text
  at: datetime
}
schema campaign {
  name: text
  medium: text?
}
let small_v = small
let big_v = big
let ratio_v = ratio
let price_v = price
let whole_v = whole
let flag_v = flag
let day_v = day
let seen_v = seen
let local_v = local
let wait_v = wait
let secs_v = secs
let size_v = size
let code_v = code
let tags_v = tags
let first_kind = first(events).kind
let last_kind = last(events).kind
let campaign_name = campaign.name
stages {
  lead
}
"#;

/// The events column: a list of structs, the second row's out of time order.
fn events() -> ArrayRef {
    let fields = Fields::from(vec![
        Field::new("kind", DataType::Utf8, false),
        Field::new(
            "at",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            false,
        ),
    ]);
    let items = StructArray::new(
        fields.clone(),
        vec![
            Arc::new(StringArray::from(vec!["demo", "visit", "call"])),
            Arc::new(
                TimestampSecondArray::from(vec![1_790_000_000, 1_790_000_500, 1_780_000_000])
                    .with_timezone("UTC"),
            ),
        ],
        None,
    );
    let item = Arc::new(Field::new("item", DataType::Struct(fields), true));
    Arc::new(ListArray::new(
        item,
        arrow::buffer::OffsetBuffer::from_lengths([1, 2]),
        Arc::new(items),
        None,
    ))
}

fn typed_batch() -> RecordBatch {
    let campaign = StructArray::new(
        Fields::from(vec![
            Field::new("name", DataType::Utf8, false),
            Field::new("medium", DataType::Utf8, true),
        ]),
        vec![
            Arc::new(StringArray::from(vec!["spring", "fall"])),
            Arc::new(StringArray::from(vec![Some("email"), None])),
        ],
        Some(vec![true, false].into()),
    );
    let sizes: DictionaryArray<Int32Type> = vec!["large", "small"].into_iter().collect();
    batch(vec![
        ("id", Arc::new(LargeStringArray::from(vec!["a", "b"]))),
        ("small", Arc::new(Int8Array::from(vec![-5, 7]))),
        (
            "big",
            Arc::new(UInt64Array::from(vec![Some(9_000_000_000), None])),
        ),
        ("ratio", Arc::new(Float32Array::from(vec![0.5, 2.0]))),
        (
            "price",
            Arc::new(
                Decimal128Array::from(vec![Some(123_456), None])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
        ),
        (
            "whole",
            Arc::new(
                Decimal128Array::from(vec![Some(4_200), Some(-100)])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
        ),
        ("flag", Arc::new(BooleanArray::from(vec![true, false]))),
        ("day", Arc::new(Date32Array::from(vec![Some(20_000), None]))),
        (
            "seen",
            Arc::new(
                TimestampMillisecondArray::from(vec![Some(1_790_000_000_250), None])
                    .with_timezone("America/New_York"),
            ),
        ),
        (
            "local",
            // No time zone: a local time in the policy's (São Paulo, -03:00).
            Arc::new(TimestampSecondArray::from(vec![Some(1_790_000_000), None])),
        ),
        (
            "wait",
            Arc::new(DurationSecondArray::from(vec![Some(5_400), None])),
        ),
        ("secs", Arc::new(Int32Array::from(vec![Some(90), None]))),
        ("size", Arc::new(sizes)),
        ("code", Arc::new(Int16Array::from(vec![Some(7), None]))),
        (
            "tags",
            Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
                Some(vec![Some(1), Some(2)]),
                None,
            ])) as ArrayRef,
        ),
        ("events", events()),
        ("campaign", Arc::new(campaign)),
    ])
}

#[test]
fn every_arrow_type_decodes_to_its_field() {
    let p = policy(TYPES);
    // `tags` is a list of ints here: the text of its digits, as an int column fills text.
    let rows = values(&p, &typed_batch());
    assert_eq!(
        rows[0],
        Ok(json!({
            "small_v": -5, "big_v": 9_000_000_000i64, "ratio_v": 0.5, "price_v": 1234.56,
            "whole_v": 42, "flag_v": true, "day_v": "2024-10-04",
            "seen_v": "2026-09-21T10:13:20.250-04:00",
            "local_v": "2026-09-21T14:13:20-03:00",
            "wait_v": "1h 30m", "secs_v": "1m 30s", "size_v": "large", "code_v": "7",
            "tags_v": ["1", "2"], "first_kind": "demo", "last_kind": "demo",
            "campaign_name": "spring"
        }))
    );
    // Nulls are missing (an absent list is empty); the events are put in time order.
    assert_eq!(
        rows[1],
        Ok(json!({
            "small_v": 7, "big_v": null, "ratio_v": 2.0, "price_v": null, "whole_v": -1,
            "flag_v": false, "day_v": null, "seen_v": null, "local_v": null,
            "wait_v": null, "secs_v": null, "size_v": "small", "code_v": null,
            "tags_v": [], "first_kind": "call", "last_kind": "visit",
            "campaign_name": null
        }))
    );
}

#[test]
fn string_columns_of_every_kind_read_as_csv_cells() {
    let p = policy(TYPES);
    let texts = |v: Vec<&str>| -> ArrayRef { Arc::new(StringViewArray::from(v)) };
    let rows = values(
        &p,
        &batch(vec![
            ("id", texts(vec!["a"])),
            ("small", texts(vec![" 12 "])),
            ("ratio", Arc::new(LargeStringArray::from(vec!["1.5"]))),
            ("flag", texts(vec!["yes"])),
            ("day", texts(vec!["2026-11-02"])),
            ("seen", texts(vec!["2026-11-02 10:00"])),
            ("wait", texts(vec!["2h 30m"])),
            ("size", texts(vec!["small"])),
            ("tags", texts(vec!["vip|partner"])),
            (
                "events",
                texts(vec![r#"[{"kind": "demo", "at": "2026-11-02T10:00:00Z"}]"#]),
            ),
            ("campaign", texts(vec![r#"{"name": "x"}"#])),
        ]),
    );
    let v = rows[0].as_ref().unwrap();
    assert_eq!(v["small_v"], 12);
    assert_eq!(v["ratio_v"], 1.5);
    assert_eq!(v["flag_v"], true);
    assert_eq!(v["day_v"], "2026-11-02");
    assert_eq!(v["seen_v"], "2026-11-02T10:00:00-03:00");
    assert_eq!(v["wait_v"], "2h 30m");
    assert_eq!(v["tags_v"], json!(["vip", "partner"]));
    assert_eq!(v["first_kind"], "demo");
    assert_eq!(v["campaign_name"], "x");
}

const RULES: &str = r#"
policy "pt-br" version 1
  timezone "America/Sao_Paulo"
schema lead {
  id: text key from "ID"
  sector: enum(servicos, industria) from "Setor"
    map servicos from "serviços"
    map industria from "indústria"
  vip: bool? from "VIP" true "x", "Ok" false "-"
  amount: number from "Valor" decimal ","
  created: date from "Criado em" format "dd/mm/yyyy"
  company: text? from "Empresa" missing "n/a"
}
let sector_read = sector
let vip_read = vip
let amount_read = amount
let created_read = created
let company_read = company
stages {
  lead
}
"#;

#[test]
fn input_rules_apply_to_string_columns() {
    let p = policy(RULES);
    let texts = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    // A dictionary column: its texts are read once.
    let sectors: DictionaryArray<Int32Type> = vec!["serviços", "indústria", "serviços"]
        .into_iter()
        .collect();
    let rows = values(
        &p,
        &batch(vec![
            ("ID", texts(vec!["1", "2", "3"])),
            ("Setor", Arc::new(sectors)),
            ("VIP", texts(vec!["x", "-", "Ok"])),
            ("Valor", texts(vec!["1.234,56", "10", "0,5"])),
            (
                "Criado em",
                texts(vec!["25/12/2026", "01/02/2026", "31/01/2026"]),
            ),
            ("Empresa", texts(vec!["n/a", "Acme", ""])),
        ]),
    );
    assert_eq!(
        rows[0],
        Ok(
            json!({"sector_read": "servicos", "vip_read": true, "amount_read": 1234.56,
                  "created_read": "2026-12-25", "company_read": null})
        )
    );
    assert_eq!(
        rows[1],
        Ok(
            json!({"sector_read": "industria", "vip_read": false, "amount_read": 10.0,
                  "created_read": "2026-02-01", "company_read": "Acme"})
        )
    );
    // An empty text in a text field is the empty text (it is a value there).
    assert_eq!(rows[2].as_ref().unwrap()["company_read"], "");
}

#[test]
fn a_bad_value_in_a_middle_row_is_that_rows_error() {
    let p = policy(RULES);
    let texts = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let leads = batch(vec![
        ("ID", texts(vec!["1", "2", "3"])),
        ("Setor", texts(vec!["serviços", "varejo", "indústria"])),
        ("VIP", texts(vec!["x", "-", "talvez"])),
        ("Valor", texts(vec!["1", "2", "3"])),
        (
            "Criado em",
            texts(vec!["25/12/2026", "01/02/2026", "2026-02-30"]),
        ),
    ]);
    let out = farrow::evaluate(&p, &leads, &options(1, 1024)).unwrap();
    assert_eq!(out.decisions.num_rows(), 1);
    assert_eq!(
        out.decisions
            .column_by_name("lead")
            .unwrap()
            .as_string::<i32>()
            .value(0),
        "1"
    );
    assert_eq!((out.summary.evaluated, out.summary.failed), (1, 2));
    let errors = &out.errors;
    let column = |name: &str| errors.column_by_name(name).unwrap().clone();
    let text = |name: &str, row: usize| {
        let c = column(name);
        let c = c.as_string::<i32>();
        (!c.is_null(row)).then(|| c.value(row).to_string())
    };
    let records = column("record");
    let records = records.as_primitive::<arrow::datatypes::UInt64Type>();
    assert_eq!(records.values().to_vec(), [2, 3]);
    assert_eq!(text("lead", 0).as_deref(), Some("2"));
    assert_eq!(text("field", 0).as_deref(), Some("sector"));
    assert_eq!(
        text("expected", 0).as_deref(),
        Some("one of servicos, industria (or \"serviços\", \"indústria\")")
    );
    assert_eq!(text("found", 0).as_deref(), Some("\"varejo\""));
    // The first bad field of the row is named, in schema order.
    assert_eq!(text("field", 1).as_deref(), Some("vip"));
    assert_eq!(text("found", 1).as_deref(), Some("\"talvez\""));
}

#[test]
fn a_bad_value_inside_a_list_of_records_names_its_path() {
    let p = policy(TYPES);
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(StringArray::from(vec!["a", "b", "c"]))),
        ("small", Arc::new(Int64Array::from(vec![1, 2, 3]))),
        (
            "ratio",
            Arc::new(Float32Array::from(vec![1.0, 2.0, f32::NAN])),
        ),
        ("flag", Arc::new(BooleanArray::from(vec![true, true, true]))),
        (
            "size",
            Arc::new(StringArray::from(vec!["small", "small", "small"])),
        ),
        (
            "tags",
            Arc::new(StringArray::from(vec![None::<&str>, None, None])),
        ),
    ];
    let fields = Fields::from(vec![
        Field::new("kind", DataType::Utf8, true),
        Field::new("at", DataType::Utf8, true),
    ]);
    let items = StructArray::new(
        fields.clone(),
        vec![
            Arc::new(StringArray::from(vec!["demo", "visit", "call", "x"])),
            Arc::new(StringArray::from(vec![
                Some("2026-11-02T10:00:00Z"),
                Some("2026-11-02T11:00:00Z"),
                Some("soon"),
                None,
            ])),
        ],
        None,
    );
    let item = Arc::new(Field::new("item", DataType::Struct(fields), true));
    let events = ListArray::new(
        item,
        arrow::buffer::OffsetBuffer::from_lengths([1, 2, 1]),
        Arc::new(items),
        None,
    );
    columns.push(("events", Arc::new(events)));
    let rows = values(&p, &batch(columns));
    assert!(rows[0].is_ok(), "{:?}", rows[0]);
    assert_eq!(
        rows[1],
        Err(
            "record 2 [b]: field `events[1].at`: expected datetime (RFC 3339, e.g. \
             2026-11-26T10:00:00-03:00), found \"soon\""
                .into()
        )
    );
    // A NaN number, and the required `at` of an event missing: the first bad field's.
    assert_eq!(
        rows[2],
        Err("record 3 [c]: field `ratio`: expected number, found number NaN".into())
    );
}

#[test]
fn columns_that_cannot_fill_the_schema_stop_the_batch() {
    let p = policy(RULES);
    let texts = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let err = |b: RecordBatch, strict: bool| {
        LeadColumns::new(&p, b.schema_ref(), strict)
            .unwrap_err()
            .to_string()
    };
    let base = || {
        vec![
            ("ID", texts(vec!["1"])),
            ("Setor", texts(vec!["serviços"])),
            ("Valor", texts(vec!["1"])),
            ("Criado em", texts(vec!["25/12/2026"])),
        ]
    };
    let mut no_amount = base();
    no_amount.remove(2);
    assert_eq!(
        err(batch(no_amount), false),
        "the batch has no column `Valor` for the required field `amount`"
    );
    let mut bool_amount = base();
    bool_amount[2] = ("Valor", Arc::new(BooleanArray::from(vec![true])));
    assert_eq!(
        err(batch(bool_amount), false),
        "the field `amount` is number but its column is Boolean"
    );
    let mut extra = base();
    extra.push(("Notes", texts(vec!["hi"])));
    assert!(LeadColumns::new(&p, batch(extra.clone()).schema_ref(), false).is_ok());
    assert_eq!(
        err(batch(extra), true),
        "the column `Notes` is not a field of the lead schema"
    );
    // By its name and by its `from` name at once: which one counts would be a guess.
    let mut twice = base();
    twice.push(("amount", texts(vec!["2"])));
    assert_eq!(
        err(batch(twice), false),
        "two columns fill the field `amount`: `Valor` and `amount`"
    );
}

/// policies/acme's leads as an Arrow batch, typed as a warehouse would type them: ints,
/// floats, bools, timestamps with a zone, a date, a dictionary, lists of structs.
fn acme_batch() -> RecordBatch {
    let ts = || DataType::Timestamp(TimeUnit::Microsecond, Some("-03:00".into()));
    let utf8 = |n: &str| Field::new(n, DataType::Utf8, true);
    let list = |fields: Vec<Field>| {
        DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(fields.into()),
            true,
        )))
    };
    let schema = Schema::new(vec![
        utf8("id"),
        utf8("email"),
        utf8("first_name"),
        utf8("company"),
        Field::new("company_size", DataType::Int64, true),
        Field::new("annual_revenue", DataType::Float64, true),
        utf8("industry"),
        utf8("role"),
        utf8("seniority"),
        utf8("country"),
        utf8("source"),
        Field::new("newsletter_opt_in", DataType::Boolean, true),
        Field::new("trial_started_on", DataType::Date32, true),
        Field::new("created_at", ts(), true),
        Field::new("mql_at", ts(), true),
        Field::new("sql_at", ts(), true),
        Field::new("web_visits", DataType::Int64, true),
        utf8("avg_session"),
        Field::new("deal_value", DataType::Float64, true),
        Field::new("acquisition_cost", DataType::Float64, true),
        Field::new(
            "campaign",
            DataType::Struct(vec![utf8("name"), utf8("medium")].into()),
            true,
        ),
        Field::new(
            "tags",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
        Field::new(
            "events",
            list(vec![
                utf8("kind"),
                Field::new("at", ts(), true),
                utf8("page"),
            ]),
            true,
        ),
        Field::new(
            "touches",
            list(vec![
                utf8("channel"),
                Field::new("at", ts(), true),
                utf8("rep"),
                Field::new("connected", DataType::Boolean, true),
            ]),
            true,
        ),
    ]);
    let b = batches::acme_batch(Some(schema));
    // A dictionary column (the JSON reader makes none).
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let mut columns = b.columns().to_vec();
    let i = b.schema().index_of("seniority").unwrap();
    columns[i] = arrow::compute::cast(&columns[i], &dictionary).unwrap();
    let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| (**f).clone()).collect();
    fields[i] = Field::new("seniority", dictionary, true);
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

fn acme() -> Policy {
    Policy::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/acme")).unwrap()
}

/// The decisions of policies/acme's leads.jsonl by the JSON path.
fn acme_json_decisions(p: &Policy, options: &BatchOptions) -> Vec<Value> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/acme");
    let input = std::fs::read(format!("{root}/leads/leads.jsonl")).unwrap();
    let mut out = Vec::new();
    batch::run(p, &input[..], InputFormat::Jsonl, options, |o| {
        out.push(serde_json::to_value(o.result.unwrap()).unwrap());
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn acme_decisions_from_arrow_equal_those_from_json() {
    let p = acme();
    let leads = acme_batch();
    let text_lets: Vec<String> = {
        let schema = farrow::decisions_schema(&p, false);
        match schema.field_with_name("values").unwrap().data_type() {
            DataType::Struct(fs) => fs
                .iter()
                .filter(|f| *f.data_type() == DataType::Utf8)
                .map(|f| f.name().clone())
                .collect(),
            _ => unreachable!(),
        }
    };
    let text_lets: Vec<&str> = text_lets.iter().map(String::as_str).collect();
    let expected: Vec<Value> = acme_json_decisions(&p, &options(1, 1024))
        .into_iter()
        .map(|d| normalized(d, &text_lets))
        .collect();
    assert!(expected.len() >= 10, "acme has {} leads", expected.len());
    // One worker, then several on small pieces: the same decisions, in input order.
    for (jobs, chunk) in [(1, 1024), (3, 4)] {
        let out = farrow::evaluate(&p, &leads, &options(jobs, chunk)).unwrap();
        assert_eq!(out.errors.num_rows(), 0);
        assert_eq!(out.decisions.schema(), farrow::decisions_schema(&p, false));
        let got: Vec<Value> = batch_json(&out.decisions)
            .into_iter()
            .map(|d| normalized(d, &text_lets))
            .collect();
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "jobs {jobs}, chunk {chunk}");
        }
        let stages: u64 = out.summary.stages.iter().map(|(_, n)| n).sum();
        assert_eq!(stages, expected.len() as u64);
    }
}

#[test]
fn sla_due_times_are_utc_timestamps() {
    let p = acme();
    let out = farrow::evaluate(&p, &acme_batch(), &options(1, 1024)).unwrap();
    let expected = acme_json_decisions(&p, &options(1, 1024));
    let sla = out.decisions.column_by_name("sla").unwrap().as_struct();
    let (name, first) = (sla.fields()[0].name(), sla.column(0).as_struct());
    let due = first.column_by_name("due").unwrap();
    assert_eq!(
        due.data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    let due = due.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
    let mut checked = 0;
    for (row, d) in expected.iter().enumerate() {
        match d["sla"][name]["due"].as_str() {
            Some(text) => {
                let t = chrono::DateTime::parse_from_rfc3339(text).unwrap();
                assert_eq!(due.value(row), t.timestamp_micros());
                checked += 1;
            }
            None => assert!(due.is_null(row)),
        }
    }
    assert!(checked > 0, "no acme lead has a due time for `{name}`");
}

#[test]
fn records_are_numbered_across_the_batches_of_a_stream() {
    let p = policy(RULES);
    let texts = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let make = |amounts: Vec<&str>| {
        batch(vec![
            ("ID", texts(vec!["1", "2"])),
            ("Setor", texts(vec!["serviços", "serviços"])),
            ("Valor", texts(amounts)),
            ("Criado em", texts(vec!["25/12/2026", "25/12/2026"])),
        ])
    };
    let mut evaluator = farrow::BatchEvaluator::new(&p, options(2, 1));
    let first = evaluator.evaluate(&make(vec!["1", "x"])).unwrap();
    let second = evaluator.evaluate(&make(vec!["y", "2"])).unwrap();
    let record = |b: &RecordBatch| {
        b.column_by_name("record")
            .unwrap()
            .as_primitive::<arrow::datatypes::UInt64Type>()
            .value(0)
    };
    assert_eq!((record(&first.errors), record(&second.errors)), (2, 3));
    let s = evaluator.summary();
    assert_eq!((s.evaluated, s.failed), (2, 2));
    // An empty batch gives empty batches of the same schemas.
    let empty = evaluator
        .evaluate(&make(vec!["1", "2"]).slice(0, 0))
        .unwrap();
    assert_eq!(empty.decisions.schema(), evaluator.decisions_schema());
    assert_eq!(empty.errors.schema(), farrow::errors_schema());
}

#[test]
fn each_evaluation_of_a_batch_is_rendered_in_input_order() {
    let p = acme();
    let expected = acme_json_decisions(&p, &options(1, 1024));
    let leads = acme_batch();
    // JSON written by the workers onto their pieces' buffers: the bytes the JSON path writes.
    let mut evaluator = farrow::BatchEvaluator::new(&p, options(2, 3));
    let mut lines = Vec::new();
    let summary = evaluator
        .write_each(
            &leads,
            |e, buf| e.write_json(buf),
            |_, json| {
                lines.push(serde_json::from_slice::<Value>(json.unwrap()).unwrap());
                Ok(())
            },
        )
        .unwrap();
    // The same instants: a timestamp column has one zone, where JSON keeps each text's offset.
    let utc = |d: &[Value]| {
        d.iter()
            .map(|d| normalized(d.clone(), &[]))
            .collect::<Vec<_>>()
    };
    assert_eq!(utc(&lines), utc(&expected));
    assert_eq!(summary.evaluated, expected.len() as u64);
    // Owned decisions, numbered after the first batch's records, into a builder.
    let mut builder = farrow::DecisionBuilder::new(&p, false);
    let mut records = Vec::new();
    evaluator
        .evaluate_each(
            &leads,
            |e| e.to_decision(),
            |record, d| {
                records.push(record);
                builder.push_decision(&d.unwrap());
                Ok(())
            },
        )
        .unwrap();
    let n = expected.len() as u64;
    assert_eq!(records, (n + 1..=2 * n).collect::<Vec<_>>());
    let direct = farrow::evaluate(&p, &leads, &options(1, 1024)).unwrap();
    assert_eq!(builder.finish(&p, options(1, 1).at), direct.decisions);
    assert_eq!(evaluator.summary().evaluated, 2 * n);
}

#[test]
fn a_report_over_batches_equals_the_report_over_json() {
    use funnel_engine::report::{self, ReportRange};
    let p = acme();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/acme");
    let input = std::fs::read(format!("{root}/leads/leads.jsonl")).unwrap();
    let range = ReportRange {
        from: None,
        to: None,
    };
    let o = options(1, 1024);
    let from_json = report::run(&p, &input[..], InputFormat::Jsonl, &o, &range, |e| {
        panic!("{e}")
    })
    .unwrap();
    let leads = acme_batch();
    // In two batches, evaluated in pieces of 5 on two workers.
    let half = leads.num_rows() / 2;
    let batches = vec![
        Ok(leads.slice(0, half)),
        Ok(leads.slice(half, leads.num_rows() - half)),
    ];
    let from_arrow = farrow::report(&p, batches, Vec::new(), &options(2, 5), &range, |e| {
        panic!("{e}")
    })
    .unwrap();
    assert_eq!(
        serde_json::to_value(&from_arrow).unwrap(),
        serde_json::to_value(&from_json).unwrap()
    );
    assert!(from_arrow.evaluated > 0);
    // A batch whose columns do not fit stops the report, naming the field.
    let bad = batch(vec![(
        "id",
        Arc::new(StringArray::from(vec!["x"])) as ArrayRef,
    )]);
    let err = farrow::report(&p, vec![Ok(bad)], Vec::new(), &o, &range, |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the batch has no column `email` for the required field `email`"
    );
}
