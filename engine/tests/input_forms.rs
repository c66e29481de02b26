//! Leads as CRM exports write them: enum values mapped from the export's texts, `sim`/`não`,
//! numbers with a decimal comma, day-first dates, and CSV separated by `;` (Excel in pt-BR).
//! Each reading is checked through decoding and evaluation, from CSV and from JSON, and each
//! reading that fails is an error naming the record, the field, what was expected and what
//! was found.

use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use serde_json::{json, Value};

const POLICY: &str = r#"
policy "pt-br" version 1
  timezone "America/Sao_Paulo"

schema lead {
  id: text key from "ID"
  sector: enum(servicos, industria, comercio) from "Setor"
    map servicos from "serviços", "Serviços"
    map industria from "indústria", "Indústria"
    map comercio from "comércio"
  opt_in: bool from "Aceita contato"
  vip: bool? from "VIP" true "x", "Ok" false "-"
  amount: number from "Valor" decimal ","
  employees: int? from "Funcionários" decimal ","
  created: date from "Criado em" format "dd/mm/yyyy"
  last_touch: datetime? from "Último contato" format "dd/mm/yyyy hh:mm"
  channels: list<enum(email, whatsapp, telefone)>? from "Canais" map telefone from "ligação"
}

let sector_read = sector
let opt_in_read = opt_in
let vip_read = vip
let amount_read = amount
let employees_read = employees
let created_read = created
let last_touch_read = last_touch
let channels_read = channels

stages {
  lead
  mql when sector == servicos and opt_in and amount >= 1000
}
"#;

fn policy() -> Policy {
    Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", POLICY)]).unwrap()
}

fn options() -> BatchOptions {
    BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-12-30T10:00:00-03:00").unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: 1024,
    }
}

/// Each record's `let` values and stage, or its error as displayed.
fn run(input: &str, format: InputFormat) -> Vec<Result<(Value, String), String>> {
    let mut out = Vec::new();
    batch::run(&policy(), input.as_bytes(), format, &options(), |o| {
        out.push(match o.result {
            Ok(d) => Ok((serde_json::to_value(&d.values).unwrap(), d.stage)),
            Err(e) => Err(e.to_string()),
        });
        Ok(())
    })
    .unwrap();
    out
}

/// What the first lead of the tests reads as.
fn first_lead() -> Value {
    json!({
        "sector_read": "servicos",
        "opt_in_read": true,
        "vip_read": true,
        "amount_read": 1234.56,
        "employees_read": 1200,
        "created_read": "2026-12-25",
        "last_touch_read": "2026-12-26T14:30:00-03:00",
        "channels_read": ["email", "telefone"],
    })
}

const HEADER: &str =
    "ID;Setor;Aceita contato;VIP;Valor;Funcionários;Criado em;Último contato;Canais";

#[test]
fn a_pt_br_export_separated_by_semicolons_with_crlf_reads_as_written() {
    let csv = format!(
        "{HEADER}\r\n\
         L-1;serviços;Sim;ok;1.234,56;1.200;25/12/2026;26/12/2026 14:30;email|ligação\r\n\
         L-2;Indústria;NÃO;-;\"12,5\";;1/2/2026;;\r\n\
         L-3;comercio;não;;-7;3;2026-03-04;2026-03-04T08:00:00Z;whatsapp\r\n"
    );
    let out = run(&csv, InputFormat::Csv);
    assert_eq!(out[0], Ok((first_lead(), "mql".to_string())));
    assert_eq!(
        out[1],
        Ok((
            json!({
                "sector_read": "industria",
                "opt_in_read": false,
                "vip_read": false,
                "amount_read": 12.5,
                "employees_read": null,
                "created_read": "2026-02-01",
                "last_touch_read": null,
                "channels_read": null,
            }),
            "lead".to_string()
        ))
    );
    // A value's own name, and the standard forms of dates, are read as before.
    let (values, _) = out[2].clone().unwrap();
    assert_eq!(values["sector_read"], "comercio");
    assert_eq!(values["amount_read"], -7.0);
    assert_eq!(values["created_read"], "2026-03-04");
    assert_eq!(values["last_touch_read"], "2026-03-04T08:00:00+00:00");
    assert_eq!(out.len(), 3);
}

#[test]
fn a_delimiter_given_is_used_whatever_the_header_holds() {
    // A tab-separated export, whose header has a `;` (that detection would take).
    let tsv = "ID\tSetor;x\tSetor\tAceita contato\tValor\tCriado em\n\
               L-1\ta\tserviços\tsim\t1.234,56\t25/12/2026\n";
    let out = run(tsv, InputFormat::CsvWith(b'\t'));
    assert_eq!(out.len(), 1);
    let (values, stage) = out[0].clone().unwrap();
    assert_eq!(
        (values["amount_read"].clone(), stage.as_str()),
        (json!(1234.56), "mql")
    );
}

#[test]
fn a_header_with_commas_is_read_with_commas() {
    let csv = "ID,Setor,Aceita contato,Valor,Criado em\n\
               L-1,serviços,sim,\"1.234,56\",25/12/2026\n";
    let out = run(csv, InputFormat::Csv);
    assert_eq!(out[0].as_ref().unwrap().0["amount_read"], 1234.56);
}

#[test]
fn json_texts_are_read_by_the_same_rules() {
    let lead = json!({
        "ID": "L-1", "Setor": "serviços", "Aceita contato": true, "VIP": "OK",
        "Valor": "1.234,56", "Funcionários": "1.200", "Criado em": "25/12/2026",
        "Último contato": "26/12/2026 14:30", "Canais": ["email", "ligação"],
    });
    let out = run(&format!("{lead}\n"), InputFormat::Jsonl);
    assert_eq!(out[0], Ok((first_lead(), "mql".to_string())));
    // JSON numbers stay numbers.
    let lead = json!({
        "ID": "L-2", "Setor": "comércio", "Aceita contato": false, "Valor": 1234.56,
        "Criado em": "2026-12-25",
    });
    let out = run(&format!("{lead}\n"), InputFormat::Jsonl);
    let (values, _) = out[0].clone().unwrap();
    assert_eq!(values["amount_read"], 1234.56);
    assert_eq!(values["sector_read"], "comercio");
}

#[test]
fn a_json_text_is_no_bool_for_a_field_without_words() {
    let lead = json!({"ID": "L-1", "Setor": "serviços", "Aceita contato": "sim",
        "Valor": 1, "Criado em": "25/12/2026"});
    let out = run(&format!("{lead}\n"), InputFormat::Jsonl);
    assert_eq!(
        out[0],
        Err("record 1 [L-1]: field `opt_in`: expected bool, found text \"sim\"".to_string())
    );
}

/// One CSV row of the first lead with one cell changed, and the error it gives.
fn csv_error(column: usize, cell: &str) -> String {
    let mut cells: Vec<String> =
        "L-1;serviços;sim;x;1.234,56;1.200;25/12/2026;26/12/2026 14:30;email"
            .split(';')
            .map(str::to_string)
            .collect();
    cells[column] = cell.to_string();
    let csv = format!("{HEADER}\r\n\r\n{}\r\n", cells.join(";"));
    match run(&csv, InputFormat::Csv).remove(0) {
        Err(e) => e,
        Ok(v) => panic!("{cell} was read: {v:?}"),
    }
}

#[test]
fn each_reading_that_fails_names_record_line_field_expected_and_found() {
    // The row is on line 3: the header, then a blank line, each ended by CRLF.
    let cases = [
        (
            1,
            "servico",
            "field `sector`: expected one of servicos, industria, comercio (or \"serviços\", \"Serviços\", \"indústria\", \"Indústria\", \"comércio\"), found \"servico\"",
        ),
        (2, "talvez", "field `opt_in`: expected bool, found \"talvez\""),
        (
            3,
            "sim!",
            "field `vip`: expected bool (true: \"x\", \"ok\"; false: \"-\"), found \"sim!\"",
        ),
        (
            4,
            "1.5",
            "field `amount`: expected number (written like 1.234,56), found \"1.5\"",
        ),
        (
            5,
            "1.200,5",
            "field `employees`: expected int (written like 1.234), found \"1.200,5\"",
        ),
        (
            6,
            "31/02/2026",
            "field `created`: expected date (dd/mm/yyyy), found \"31/02/2026\"",
        ),
        (
            7,
            "26/12/2026",
            "field `last_touch`: expected datetime (dd/mm/yyyy hh:mm), found \"26/12/2026\"",
        ),
        (
            8,
            "email|fax",
            "field `channels`: expected a list of one of email, whatsapp, telefone (or \"ligação\"), found \"email|fax\"",
        ),
    ];
    for (column, cell, message) in cases {
        assert_eq!(
            csv_error(column, cell),
            format!("record 1 (line 3) [L-1]: {message}"),
            "{cell}"
        );
    }
}

#[test]
fn json_errors_name_the_field_and_its_written_form() {
    let lead = json!({"ID": "L-9", "Setor": "serviços", "Aceita contato": true,
        "Valor": "1,234.56", "Criado em": "25/12/2026"});
    let out = run(&format!("{lead}\n"), InputFormat::Jsonl);
    assert_eq!(
        out[0],
        Err("record 1 [L-9]: field `amount`: expected number (written like 1.234,56), found text \"1,234.56\"".to_string())
    );
    let lead = json!({"ID": "L-9", "Setor": "serviços", "Aceita contato": true,
        "Valor": 1, "Criado em": "25/12/2026", "Canais": ["fax"]});
    let out = run(&format!("{lead}\n"), InputFormat::Jsonl);
    assert_eq!(
        out[0],
        Err("record 1 [L-9]: field `channels[0]`: expected one of email, whatsapp, telefone (or \"ligação\"), found text \"fax\"".to_string())
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Cells like the ones the rules read, and mangled ones.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[0-9.,+-]{0,12}",
            "[0-9/: .-]{0,20}",
            "(sim|não|NÃO|x|ok|-|serviços|ligação|[a-zç]{0,6})",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any cell of any column decodes or is that record's error naming its field.
        #[test]
        fn any_cell_decodes_or_is_an_error_naming_its_field(column in 1usize..9, text in cell()) {
            let mut cells: Vec<String> =
                "L-1;serviços;sim;x;1.234,56;1.200;25/12/2026;26/12/2026 14:30;email"
                    .split(';')
                    .map(str::to_string)
                    .collect();
            cells[column] = format!("\"{}\"", text.replace('"', "\"\""));
            let csv = format!("{HEADER}\n{}\n", cells.join(";"));
            let policy = policy();
            let mut seen = Vec::new();
            batch::run(&policy, csv.as_bytes(), InputFormat::CsvWith(b';'), &options(), |o| {
                seen.push(o.result.map(|_| ()).map_err(|e| e.field));
                Ok(())
            })
            .unwrap();
            prop_assert_eq!(seen.len(), 1);
            if let Err(field) = &seen[0] {
                prop_assert!(field.is_some(), "{:?}: {:?}", text, seen);
            }
            // The same text as a JSON string.
            let names = HEADER.split(';').collect::<Vec<_>>();
            let mut lead = serde_json::Map::new();
            for (name, cell) in names.iter().zip(&cells) {
                lead.insert(name.to_string(), json!(cell.trim_matches('"')));
            }
            lead.insert(names[column].to_string(), json!(text));
            lead.insert("Canais".into(), json!([text]));
            let _ = policy.decode_json_str(&Value::Object(lead).to_string(), &EvalOptions::default());
        }

        /// Any format, decimal, word or mapped text in a schema is checked without a panic.
        #[test]
        fn any_modifier_text_checks(text in any::<String>()) {
            let quoted = format!("{text:?}");
            let source = POLICY
                .replace("\"dd/mm/yyyy\"", &quoted)
                .replace("decimal \",\"", &format!("decimal {quoted}"))
                .replace("\"Ok\"", &quoted)
                .replace("\"ligação\"", &quoted);
            let report = funnel_engine::check_sources(vec![funnel_grammar::SourceFile::new(
                "p.funnel", source,
            )]);
            for d in &report.diagnostics {
                let _ = d.render(false);
            }
        }
    }
}
