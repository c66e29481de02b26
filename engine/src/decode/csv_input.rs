//! CSV leads: the header row names the fields (by name or by their `from "Column"`).
//!
//! A cell holds one value as text. An empty cell, or one of the field's `missing` values, is
//! missing. A list cell holds a JSON array (`["vip","partner"]`) or items separated by `|`
//! (`vip|partner`); a record or a list of records (such as events) is written as JSON.

use super::text::read_scalar;
use super::{expected_for, finish_record, FieldIndex, LeadError};
use crate::checked::{Checked, FieldDef, Ty};
use crate::input_rules::FieldInput;
use crate::value::Value;

/// One CSV row as the batch reader keeps it: the cells' bytes, one after another, in a
/// chunk's text. `bounds` holds where the row starts, then where each cell ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub(crate) text: &'a [u8],
    pub(crate) bounds: &'a [usize],
}

impl<'a> Row<'a> {
    /// The bytes of cell `i`, when the row has it.
    fn cell(&self, i: usize) -> Option<&'a [u8]> {
        let (start, end) = (*self.bounds.get(i)?, *self.bounds.get(i + 1)?);
        self.text.get(start..end)
    }

    fn cells(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.bounds.windows(2).map(|w| &self.text[w[0]..w[1]])
    }
}

/// Maps a CSV file's columns to lead slots.
#[derive(Debug, Clone)]
pub struct CsvDecoder {
    /// For each column, the lead slot it fills.
    columns: Vec<Option<usize>>,
}

/// When a header cell holds another separator, the file is likely split on it (a pt-BR
/// Excel export read with `,`, a comma file read with `;`): say how to read it.
fn delimiter_hint(headers: &[String]) -> String {
    [(';', "';'"), ('\t', "'\\t'"), (',', "','"), ('|', "'|'")]
        .iter()
        .find(|(c, _)| headers.iter().any(|h| h.contains(*c)))
        .map(|(c, shown)| {
            format!(
                "; the header has `{}` inside a column name: if the file is separated by it, \
                 read it with --delimiter {shown}",
                c.escape_default()
            )
        })
        .unwrap_or_default()
}

impl CsvDecoder {
    /// Reads the header row. Unknown columns are ignored (or an error with `strict`); a
    /// required field with no column is an error, since no row could fill it.
    pub(crate) fn new(
        p: &Checked,
        index: &FieldIndex,
        headers: &[String],
        strict: bool,
    ) -> Result<CsvDecoder, LeadError> {
        let mut columns = Vec::new();
        let mut seen = vec![false; p.records[p.lead].fields.len()];
        for h in headers {
            let name = h.trim_start_matches('\u{feff}').trim();
            let slot = index.slot(p.lead, name);
            if let Some(s) = slot {
                seen[s] = true;
            } else if strict && !name.is_empty() {
                return Err(LeadError::new(format!(
                    "the column `{name}` is not a field of the lead schema"
                )));
            }
            columns.push(slot);
        }
        for (slot, f) in p.records[p.lead].fields.iter().enumerate() {
            if !seen[slot] && !f.optional {
                let col = f.from.as_deref().unwrap_or(&f.name);
                return Err(LeadError::new(format!(
                    "the CSV has no column `{col}` for the required field `{}`{}",
                    f.name,
                    delimiter_hint(headers)
                )));
            }
        }
        Ok(CsvDecoder { columns })
    }

    /// The number of columns the header names: every row must have as many cells.
    pub(crate) fn width(&self) -> usize {
        self.columns.len()
    }

    /// Decodes one row; an error names the lead by its key cell when there is one.
    pub(crate) fn decode(
        &self,
        p: &Checked,
        index: &FieldIndex,
        row: Row<'_>,
    ) -> Result<Vec<Value>, LeadError> {
        self.decode_fields(p, index, row).map_err(|mut e| {
            e.lead = self
                .columns
                .iter()
                .position(|c| c.is_some() && *c == p.key)
                .and_then(|i| row.cell(i))
                .filter(|k| !k.is_empty())
                .map(|k| String::from_utf8_lossy(k).into_owned());
            e
        })
    }

    fn decode_fields(
        &self,
        p: &Checked,
        index: &FieldIndex,
        row: Row<'_>,
    ) -> Result<Vec<Value>, LeadError> {
        let fields = &p.records[p.lead].fields;
        let mut values = vec![Value::Missing; fields.len()];
        for (cell, column) in row.cells().zip(&self.columns) {
            let Some(slot) = *column else { continue };
            let f = &fields[slot];
            // Checked here, on the worker rather than the reading thread, and only for the
            // cells that are read.
            let cell = std::str::from_utf8(cell).map_err(|e| {
                let mut err = LeadError::new(format!(
                    "the cell is not UTF-8 text (byte {})",
                    e.valid_up_to() + 1
                ));
                err.field = Some(f.name.clone());
                err.expected = Some(expected_for(p, &f.ty, f.input.as_deref()));
                err.found = Some("bytes that are not UTF-8".into());
                err
            })?;
            let missing = |i: &FieldInput| i.missing.iter().any(|m| m == cell);
            if cell.is_empty() || f.input.as_deref().is_some_and(missing) {
                continue;
            }
            values[slot] = cell_value(p, index, &f.ty, f, cell).map_err(|()| {
                let mut e = cell_mismatch(p, &f.ty, f.input.as_deref(), cell);
                e.field = Some(f.name.clone());
                e
            })?;
        }
        // An absent list is an empty one in CSV, where an empty cell cannot say otherwise.
        for (slot, f) in fields.iter().enumerate() {
            if matches!(f.ty, Ty::List(_)) && !values[slot].is_present() && !f.optional {
                values[slot] = Value::List(Vec::new().into());
            }
        }
        finish_record(p, p.lead, &mut values, String::new)?;
        Ok(values)
    }
}

/// A cell that is not a value of type `ty` by the field's input rules: `expected ...,
/// found "..."` (the caller names the field).
pub(crate) fn cell_mismatch(
    p: &Checked,
    ty: &Ty,
    input: Option<&FieldInput>,
    cell: &str,
) -> LeadError {
    let exp = expected_for(p, ty, input);
    let found = show_cell(cell);
    let mut e = LeadError::new(format!("expected {exp}, found {found}"));
    e.expected = Some(exp);
    e.found = Some(found);
    e
}

/// A cell as an error shows it: quoted, and cut after 40 characters (a cell may run to
/// megabytes, and the error is printed and written to `--errors`).
fn show_cell(cell: &str) -> String {
    match cell.char_indices().nth(40) {
        Some((end, _)) => format!("{:?}...", &cell[..end]),
        None => format!("{cell:?}"),
    }
}

/// A cell of type `ty` (field `f`'s, or its list's item type), read by the field's input
/// rules (which read each item of a list).
pub(crate) fn cell_value(
    p: &Checked,
    index: &FieldIndex,
    ty: &Ty,
    f: &FieldDef,
    cell: &str,
) -> Result<Value, ()> {
    match ty {
        Ty::List(inner) => {
            let t = cell.trim();
            if t.starts_with('[') {
                return json_value(p, index, ty, Some(f), t);
            }
            let items: Result<Vec<Value>, ()> = t
                .split('|')
                .map(|s| cell_value(p, index, inner, f, s.trim()))
                .collect();
            Ok(Value::List(items?.into()))
        }
        Ty::Record(_) => json_value(p, index, ty, None, cell.trim()),
        _ => read_scalar(p, ty, f.input.as_deref(), cell),
    }
}

/// A JSON cell, decoded by the same rules as JSON input.
fn json_value(
    p: &Checked,
    index: &FieldIndex,
    ty: &Ty,
    field: Option<&FieldDef>,
    text: &str,
) -> Result<Value, ()> {
    let mut de = serde_json::Deserializer::from_str(text);
    super::json::decode_typed(p, index, ty, field, &mut de).map_err(|_| ())
}
