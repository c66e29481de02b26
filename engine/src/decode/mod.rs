//! Leads from JSON and CSV, decoded straight into slots by the schema.
//!
//! A lead that does not fit is a [`LeadError`] naming the record, the field path, what the
//! schema expects and what was found. Lists of records that have an `at` datetime are put in
//! time order, so `first`, `last` and `nth` mean earliest, latest and N-th in time.

mod csv_input;
mod field_input;
mod json;
pub(crate) mod text;

pub use csv_input::CsvDecoder;
pub(crate) use csv_input::Row;
#[cfg(feature = "arrow")]
pub(crate) use csv_input::{cell_mismatch, cell_value};
pub(crate) use json::decode_json;
pub use text::parse_datetime;

use crate::checked::{Checked, RecordId, Ty};
use crate::input_rules::FieldInput;
use crate::value::Value;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// A lead that does not fit the schema, or input that is not a lead at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadError {
    /// 1-based record number in the input (the line for JSONL, the row for CSV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The line in the input file, when it differs from the record number (CSV with a header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The lead's key, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// The field path, such as `events[2].at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the schema expects there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the input holds there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// The whole message.
    pub message: String,
}

impl LeadError {
    /// An error with a message only.
    pub fn new(message: impl Into<String>) -> LeadError {
        LeadError {
            record: None,
            line: None,
            lead: None,
            field: None,
            expected: None,
            found: None,
            message: message.into(),
        }
    }

    /// Sets the record number.
    pub fn at_record(mut self, record: u64) -> LeadError {
        self.record = Some(record);
        self
    }
}

impl fmt::Display for LeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.record {
            write!(f, "record {r}")?;
            if let Some(l) = self.line {
                write!(f, " (line {l})")?;
            }
            if let Some(lead) = &self.lead {
                write!(f, " [{lead}]")?;
            }
            f.write_str(": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LeadError {}

/// A decoded lead: its fields in slots.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    pub(crate) values: Box<[Value]>,
}

impl Lead {
    /// The key field's value as text, when the schema has a key.
    pub(crate) fn key(&self, p: &Checked) -> Option<String> {
        key_text(p, &self.values)
    }
}

/// The key field's value as text, in a lead's slots, when the schema has a key.
pub(crate) fn key_text(p: &Checked, values: &[Value]) -> Option<String> {
    p.key.and_then(|k| match &values[k] {
        Value::Text(t) => Some(t.to_string()),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    })
}

/// How records are found by name: per record type, input name -> slot.
#[derive(Debug, Clone)]
pub(crate) struct FieldIndex {
    by_name: Vec<HashMap<String, usize>>,
}

impl FieldIndex {
    pub(crate) fn new(p: &Checked) -> FieldIndex {
        FieldIndex {
            by_name: p
                .records
                .iter()
                .map(|r| {
                    let mut m = HashMap::new();
                    for (i, f) in r.fields.iter().enumerate() {
                        m.insert(f.name.clone(), i);
                        if let Some(from) = &f.from {
                            m.insert(from.clone(), i);
                        }
                    }
                    m
                })
                .collect(),
        }
    }

    /// The slot of an input name, by the hash table (kept out of line: see [`Self::slot_near`]).
    #[inline(never)]
    pub(crate) fn slot(&self, record: RecordId, name: &str) -> Option<usize> {
        self.by_name[record].get(name).copied()
    }

    /// The slot of an input name, when `next` is the likeliest. Inputs usually list fields in
    /// one order, so the slot after the previous key's is tried first; any other name (another
    /// order, a `from` name) goes to the hash table, out of line, so that this check, made
    /// for every key of every lead, stays small.
    pub(crate) fn slot_near(
        &self,
        p: &Checked,
        record: RecordId,
        name: &str,
        next: usize,
    ) -> Option<usize> {
        match p.records[record].fields.get(next) {
            Some(f) if f.name == name => Some(next),
            _ => self.slot(record, name),
        }
    }
}

/// Describes a type for error messages (`datetime`, `one of saas, retail, ...`).
pub(crate) fn expected(p: &Checked, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Number => "number".into(),
        Ty::Text => "text".into(),
        Ty::Date => "date (YYYY-MM-DD)".into(),
        Ty::DateTime => "datetime (RFC 3339, e.g. 2026-11-26T10:00:00-03:00)".into(),
        Ty::Duration => "duration (e.g. \"4h 30m\" or seconds)".into(),
        Ty::Enum(e) => format!("one of {}", p.enums[*e].values.join(", ")),
        Ty::Record(r) => format!("a `{}` object", p.records[*r].name),
        Ty::List(t) => format!("a list of {}", expected(p, t)),
        Ty::Regex | Ty::Error => "a value".into(),
    }
}

/// Describes what a field's input text must be, by its input rules when it has some
/// (`date (dd/mm/yyyy)`, `number (written like 1.234,56)`).
pub(crate) fn expected_for(p: &Checked, ty: &Ty, input: Option<&FieldInput>) -> String {
    match (input, ty) {
        (None, _) => expected(p, ty),
        (Some(_), Ty::List(t)) => format!("a list of {}", expected_for(p, t, input)),
        (Some(i), _) => i.describe(p, ty).unwrap_or_else(|| expected(p, ty)),
    }
}

/// Puts lists of records with an `at` datetime in time order (stable, missing times last),
/// and checks required fields, recursively. `path` gives the record's path, made only for an
/// error.
pub(crate) fn finish_record(
    p: &Checked,
    record: RecordId,
    values: &mut [Value],
    path: impl Fn() -> String,
) -> Result<(), LeadError> {
    // The value is looked at first: it is most often present and seldom a list.
    for (f, value) in p.records[record].fields.iter().zip(values.iter_mut()) {
        if !value.is_present() && !f.optional {
            let path = path();
            let field = if path.is_empty() {
                f.name.clone()
            } else {
                format!("{path}.{}", f.name)
            };
            let mut e = LeadError::new(format!("the required field `{}` is missing", f.name));
            e.field = Some(field);
            e.expected = Some(expected(p, &f.ty));
            e.found = Some("nothing".into());
            return Err(e);
        }
        if let (Value::List(items), Ty::List(inner)) = (&*value, &f.ty) {
            if let Ty::Record(r) = **inner {
                if let Some(at) = p.records[r].at_slot {
                    let mut sorted: Vec<Value> = items.to_vec();
                    sorted.sort_by(|a, b| {
                        let t = |v: &Value| match v {
                            Value::Record(fs) => match &fs[at] {
                                Value::DateTime(d) => Some(*d),
                                _ => None,
                            },
                            _ => None,
                        };
                        match (t(a), t(b)) {
                            (Some(x), Some(y)) => x.cmp(&y),
                            (Some(_), None) => std::cmp::Ordering::Less,
                            (None, Some(_)) => std::cmp::Ordering::Greater,
                            (None, None) => std::cmp::Ordering::Equal,
                        }
                    });
                    *value = Value::List(sorted.into());
                }
            }
        }
    }
    Ok(())
}
