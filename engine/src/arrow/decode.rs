//! Leads from an Arrow record batch, decoded a column at a time.
//!
//! Columns are matched to lead fields the way CSV headers are (by the field's `from "Column"`
//! name, else its name). Each column is converted whole, by its Arrow type, into the values
//! of its field's type; then each row's values are put in its lead's slots and checked as a
//! JSON or CSV lead's are (required fields, events in time order). A string column is read as
//! CSV cells are, by the field's input rules; a typed column (ints, floats, decimals, bools,
//! dates, timestamps, durations, lists, structs) gives its values directly.

use super::Error;
use crate::checked::{Checked, FieldDef, RecordId, Ty};
use crate::decode::text::{local_instant, MAX_DURATION};
use crate::decode::{cell_mismatch, cell_value, expected, finish_record, key_text};
use crate::decode::{FieldIndex, Lead, LeadError};
use crate::input_rules::YEARS;
use crate::policy::Policy;
use crate::value::Value;
use ::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use ::arrow::datatypes::{
    i256, ArrowPrimitiveType, DataType, Date32Type, Date64Type, Decimal128Type, Decimal256Type,
    Decimal32Type, Decimal64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Fields, Float16Type, Float32Type, Float64Type,
    Int16Type, Int32Type, Int64Type, Int8Type, Schema, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};
use std::sync::Arc;

/// One converted value, or why its row cannot be a lead (boxed: errors are rare, and a
/// column holds a value for every row).
type Cell = Result<Value, Box<LeadError>>;

/// How a batch's columns fill a lead: for each lead field that has a column, the column's
/// position. Made once for a schema and used for every batch that has it.
///
/// ```
/// use arrow::array::{Int64Array, RecordBatch, StringArray};
/// use funnel_engine::{arrow::LeadColumns, Policy};
/// use funnel_grammar::SourceFile;
/// use std::sync::Arc;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   size: int from "Employees"
/// }
/// stages {
///   lead
/// }
/// "#)]).unwrap();
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["a", "b"])) as _),
///     ("Employees", Arc::new(Int64Array::from(vec![Some(80), None])) as _),
/// ])
/// .unwrap();
/// let columns = LeadColumns::new(&policy, batch.schema_ref(), false).unwrap();
/// let leads = columns.decode(&policy, &batch, 1);
/// assert!(leads[0].is_ok());
/// let e = leads[1].as_ref().unwrap_err();
/// assert_eq!(e.to_string(), "record 2 [b]: field `size`: the required field `size` is missing");
/// ```
#[derive(Debug, Clone)]
pub struct LeadColumns {
    /// (column position, lead slot), in slot order: a row's first error is its first
    /// field's, as in JSON written in schema order.
    columns: Vec<(usize, usize)>,
    /// The number of columns the schema had (a batch of another schema is refused).
    width: usize,
}

impl LeadColumns {
    /// Matches a schema's columns to the policy's lead fields. A required field with no
    /// column, or a column whose Arrow type cannot hold its field's type (a boolean column
    /// for an int field), is an error: no row could be read. With `strict`, so is a column
    /// (or a struct field) the schema does not have.
    pub fn new(policy: &Policy, schema: &Schema, strict: bool) -> Result<LeadColumns, Error> {
        let p = policy.checked();
        let index = policy.index();
        let fields = &p.records[p.lead].fields;
        let mut columns: Vec<(usize, usize)> = Vec::new();
        let mut seen = vec![false; fields.len()];
        for (i, column) in schema.fields().iter().enumerate() {
            let name = column.name().as_str();
            let Some(slot) = index.slot(p.lead, name) else {
                if strict {
                    return Err(Error::Columns(format!(
                        "the column `{name}` is not a field of the lead schema"
                    )));
                }
                continue;
            };
            let f = &fields[slot];
            if seen[slot] {
                return Err(Error::Columns(format!(
                    "two columns fill the field `{}`: `{}` and `{name}`",
                    f.name,
                    schema
                        .field(columns.iter().find(|c| c.1 == slot).expect("seen").0)
                        .name()
                )));
            }
            seen[slot] = true;
            check_type(p, index, &f.ty, column.data_type(), strict, &f.name)?;
            columns.push((i, slot));
        }
        for (slot, f) in fields.iter().enumerate() {
            if !seen[slot] && !f.optional {
                let col = f.from.as_deref().unwrap_or(&f.name);
                return Err(Error::Columns(format!(
                    "the batch has no column `{col}` for the required field `{}`",
                    f.name
                )));
            }
        }
        columns.sort_by_key(|c| c.1);
        Ok(LeadColumns {
            columns,
            width: schema.fields().len(),
        })
    }

    /// Decodes every row of `batch` (of the schema these columns were made for), numbering
    /// them from `first_record`: each row is its lead or its error, naming the record, the
    /// field, what was expected and what was found.
    ///
    /// # Panics
    ///
    /// If `batch` has fewer columns than the schema these columns were made for.
    pub fn decode(
        &self,
        policy: &Policy,
        batch: &RecordBatch,
        first_record: u64,
    ) -> Vec<Result<Lead, LeadError>> {
        assert!(
            batch.num_columns() >= self.width,
            "a batch of another schema than its LeadColumns'"
        );
        let p = policy.checked();
        let cx = Cx {
            p,
            index: policy.index(),
        };
        let fields = &p.records[p.lead].fields;
        let rows = batch.num_rows();
        let mut leads: Vec<Vec<Value>> = (0..rows)
            .map(|_| {
                let mut v = Vec::with_capacity(fields.len());
                v.resize_with(fields.len(), || Value::Missing);
                v
            })
            .collect();
        let mut errors: Vec<Option<Box<LeadError>>> = vec![None; rows];
        for &(column, slot) in &self.columns {
            let f = &fields[slot];
            let cells = cx.convert(&f.ty, f, true, batch.column(column).as_ref());
            for (row, cell) in cells.into_iter().enumerate() {
                match cell {
                    Ok(v) => leads[row][slot] = v,
                    Err(mut e) => {
                        if errors[row].is_none() {
                            e.field = Some(join(&f.name, e.field.take()));
                            errors[row] = Some(e);
                        }
                    }
                }
            }
        }
        leads
            .into_iter()
            .zip(errors)
            .enumerate()
            .map(|(row, (mut values, error))| {
                let checked = match error {
                    Some(e) => Err(*e),
                    None => {
                        // An absent list is an empty one, as in a CSV cell: Parquet writers
                        // often write an empty list as null.
                        for (slot, f) in fields.iter().enumerate() {
                            if matches!(f.ty, Ty::List(_)) && !values[slot].is_present() {
                                values[slot] = Value::List(Vec::new().into());
                            }
                        }
                        finish_record(p, p.lead, &mut values, String::new)
                    }
                };
                match checked {
                    Ok(()) => Ok(Lead {
                        values: values.into_boxed_slice(),
                    }),
                    Err(mut e) => {
                        e.record = Some(first_record + row as u64);
                        e.lead = key_text(p, &values);
                        Err(e)
                    }
                }
            })
            .collect()
    }
}

/// `name` then a path inside it: `events` and `[2].at` make `events[2].at`.
fn join(name: &str, rest: Option<String>) -> String {
    match rest {
        None => name.to_string(),
        Some(r) if r.starts_with('[') => format!("{name}{r}"),
        Some(r) => format!("{name}.{r}"),
    }
}

/// Whether a column of type `dt` can hold values of type `ty`; `path` names the field for
/// the error.
fn check_type(
    p: &Checked,
    index: &FieldIndex,
    ty: &Ty,
    dt: &DataType,
    strict: bool,
    path: &str,
) -> Result<(), Error> {
    use DataType as D;
    let fits = match (ty, dt) {
        // Text is read as a CSV cell is, for every type; a null column is all missing.
        (_, D::Utf8 | D::LargeUtf8 | D::Utf8View | D::Null) => true,
        (_, D::Dictionary(_, values)) => {
            return check_type(p, index, ty, values, strict, path);
        }
        (Ty::Bool, D::Boolean) => true,
        (Ty::Int | Ty::Number, d) => d.is_integer() || d.is_floating() || is_decimal(d),
        // An id written as a number in a column is still the text of its digits.
        (Ty::Text, d) => d.is_integer(),
        (Ty::Date | Ty::DateTime, D::Date32 | D::Date64 | D::Timestamp(..)) => true,
        (Ty::Duration, d) => d.is_integer() || matches!(d, D::Duration(_)),
        (
            Ty::List(inner),
            D::List(item) | D::LargeList(item) | D::FixedSizeList(item, _) | D::ListView(item),
        ) => {
            return check_type(
                p,
                index,
                inner,
                item.data_type(),
                strict,
                &format!("{path}[]"),
            );
        }
        (Ty::Record(r), D::Struct(children)) => {
            return check_struct(p, index, *r, children, strict, path);
        }
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(Error::Columns(format!(
            "the field `{path}` is {} but its column is {dt}",
            expected(p, ty)
        )))
    }
}

fn check_struct(
    p: &Checked,
    index: &FieldIndex,
    r: RecordId,
    children: &Fields,
    strict: bool,
    path: &str,
) -> Result<(), Error> {
    for child in children {
        match index.slot(r, child.name()) {
            Some(slot) => {
                let f = &p.records[r].fields[slot];
                let path = format!("{path}.{}", f.name);
                check_type(p, index, &f.ty, child.data_type(), strict, &path)?;
            }
            None if strict => {
                return Err(Error::Columns(format!(
                    "`{path}.{}` is not a field of `{}`",
                    child.name(),
                    p.records[r].name
                )))
            }
            None => {}
        }
    }
    Ok(())
}

fn is_decimal(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..)
    )
}

/// What the conversions share.
struct Cx<'a> {
    p: &'a Checked,
    index: &'a FieldIndex,
}

/// A value of the wrong kind: `expected ..., found ...`, its field named by the caller.
fn mismatch(p: &Checked, ty: &Ty, found: String) -> Box<LeadError> {
    let exp = expected(p, ty);
    let mut e = LeadError::new(format!("expected {exp}, found {found}"));
    e.expected = Some(exp);
    e.found = Some(found);
    Box::new(e)
}

impl Cx<'_> {
    /// Every value of `array` as a value of type `ty`: field `f`'s own value when `own`, or
    /// an item of its list.
    fn convert(&self, ty: &Ty, f: &FieldDef, own: bool, array: &dyn Array) -> Vec<Cell> {
        use DataType as D;
        let p = self.p;
        let nulls = |array: &dyn Array, each: &mut dyn FnMut(usize) -> Cell| -> Vec<Cell> {
            (0..array.len())
                .map(|i| {
                    if array.is_null(i) {
                        Ok(Value::Missing)
                    } else {
                        each(i)
                    }
                })
                .collect()
        };
        match array.data_type() {
            D::Null => (0..array.len()).map(|_| Ok(Value::Missing)).collect(),
            D::Utf8 => self.strings(ty, f, own, array.as_string::<i32>().iter()),
            D::LargeUtf8 => self.strings(ty, f, own, array.as_string::<i64>().iter()),
            D::Utf8View => self.strings(ty, f, own, array.as_string_view().iter()),
            D::Dictionary(..) => {
                // The dictionary's values are read once, and shared by the rows that use them.
                let dict = array.as_any_dictionary();
                let values = self.convert(ty, f, own, dict.values().as_ref());
                let keys = dict.normalized_keys();
                nulls(array, &mut |i| values[keys[i]].clone())
            }
            D::Boolean => {
                let bools = array.as_boolean();
                nulls(array, &mut |i| match ty {
                    Ty::Bool => Ok(Value::Bool(bools.value(i))),
                    _ => Err(mismatch(p, ty, format!("bool {}", bools.value(i)))),
                })
            }
            D::Int8 => self.ints::<Int8Type>(ty, array),
            D::Int16 => self.ints::<Int16Type>(ty, array),
            D::Int32 => self.ints::<Int32Type>(ty, array),
            D::Int64 => self.ints::<Int64Type>(ty, array),
            D::UInt8 => self.ints::<UInt8Type>(ty, array),
            D::UInt16 => self.ints::<UInt16Type>(ty, array),
            D::UInt32 => self.ints::<UInt32Type>(ty, array),
            D::UInt64 => self.ints::<UInt64Type>(ty, array),
            D::Float16 => {
                let values = array.as_primitive::<Float16Type>().iter();
                self.floats(ty, values.map(|v| v.map(|x| x.to_f64())))
            }
            D::Float32 => {
                let values = array.as_primitive::<Float32Type>().iter();
                self.floats(ty, values.map(|v| v.map(f64::from)))
            }
            D::Float64 => self.floats(ty, array.as_primitive::<Float64Type>().iter()),
            D::Decimal32(_, s) => self.decimals::<Decimal32Type>(ty, *s, array),
            D::Decimal64(_, s) => self.decimals::<Decimal64Type>(ty, *s, array),
            D::Decimal128(_, s) => self.decimals::<Decimal128Type>(ty, *s, array),
            D::Decimal256(_, s) => {
                let scale = *s;
                let d = array.as_primitive::<Decimal256Type>();
                nulls(array, &mut |i| {
                    let v = d.value(i);
                    match v.to_i128() {
                        Some(v) => self.decimal(ty, v, scale),
                        None => Err(mismatch(p, ty, format!("decimal {}", show_i256(v, scale)))),
                    }
                })
            }
            D::Date32 => {
                let days = array.as_primitive::<Date32Type>();
                nulls(
                    array,
                    &mut |i| match Date32Type::to_naive_date_opt(days.value(i)) {
                        Some(d) => self.date(ty, d),
                        None => Err(mismatch(p, ty, format!("date32 {}", days.value(i)))),
                    },
                )
            }
            D::Date64 => {
                let ms = array.as_primitive::<Date64Type>();
                nulls(
                    array,
                    &mut |i| match DateTime::from_timestamp_millis(ms.value(i)) {
                        Some(t) => self.date(ty, t.date_naive()),
                        None => Err(mismatch(p, ty, format!("date64 {}", ms.value(i)))),
                    },
                )
            }
            D::Timestamp(unit, zone) => {
                let values: &[i64] = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values(),
                    TimeUnit::Millisecond => {
                        array.as_primitive::<TimestampMillisecondType>().values()
                    }
                    TimeUnit::Microsecond => {
                        array.as_primitive::<TimestampMicrosecondType>().values()
                    }
                    TimeUnit::Nanosecond => {
                        array.as_primitive::<TimestampNanosecondType>().values()
                    }
                };
                let zone = zone.as_deref().map(Zone::parse);
                nulls(array, &mut |i| {
                    self.timestamp(ty, *unit, values[i], zone.as_ref())
                })
            }
            D::Duration(unit) => {
                let secs = |array: &dyn Array| -> Vec<Option<i64>> {
                    match unit {
                        TimeUnit::Second => seconds::<DurationSecondType>(array, 1),
                        TimeUnit::Millisecond => seconds::<DurationMillisecondType>(array, 1_000),
                        TimeUnit::Microsecond => {
                            seconds::<DurationMicrosecondType>(array, 1_000_000)
                        }
                        TimeUnit::Nanosecond => {
                            seconds::<DurationNanosecondType>(array, 1_000_000_000)
                        }
                    }
                };
                secs(array)
                    .into_iter()
                    .map(|s| match (s, ty) {
                        (None, _) => Ok(Value::Missing),
                        (Some(s), Ty::Duration) if (-MAX_DURATION..=MAX_DURATION).contains(&s) => {
                            Ok(Value::Duration(s))
                        }
                        (Some(s), _) => Err(mismatch(p, ty, format!("a duration of {s} s"))),
                    })
                    .collect()
            }
            D::List(_) => {
                let list = array.as_list::<i32>();
                let offsets: Vec<usize> = list.offsets().iter().map(|o| *o as usize).collect();
                self.lists(ty, f, array, list.values(), &offsets)
            }
            D::LargeList(_) => {
                let list = array.as_list::<i64>();
                let offsets: Vec<usize> = list.offsets().iter().map(|o| *o as usize).collect();
                self.lists(ty, f, array, list.values(), &offsets)
            }
            D::FixedSizeList(_, n) => {
                let list = array.as_fixed_size_list();
                let n = *n as usize;
                let start = list.offset() * n;
                let offsets: Vec<usize> = (0..=list.len()).map(|i| start + i * n).collect();
                self.lists(ty, f, array, list.values(), &offsets)
            }
            D::Struct(_) => self.records(ty, array),
            other => (0..array.len())
                .map(|i| match array.is_null(i) {
                    true => Ok(Value::Missing),
                    false => Err(mismatch(p, ty, format!("a value of type {other}"))),
                })
                .collect(),
        }
    }

    /// Texts, read as CSV cells are: a field's `missing` texts (for its own value), its
    /// input rules, a list as `a|b` or a JSON array, a record as JSON. An empty text is
    /// missing, except for a text field.
    fn strings<'s>(
        &self,
        ty: &Ty,
        f: &FieldDef,
        own: bool,
        texts: impl Iterator<Item = Option<&'s str>>,
    ) -> Vec<Cell> {
        let p = self.p;
        let missing = |s: &str| {
            (s.is_empty() && *ty != Ty::Text)
                || (own
                    && f.input
                        .as_deref()
                        .is_some_and(|i| i.missing.iter().any(|m| m == s)))
        };
        texts
            .map(|s| match s {
                None => Ok(Value::Missing),
                Some(s) if missing(s) => Ok(Value::Missing),
                // Text as it is, without the call (the commonest column of all).
                Some(s) if *ty == Ty::Text && f.input.is_none() => Ok(Value::Text(s.into())),
                Some(s) => cell_value(p, self.index, ty, f, s)
                    .map_err(|()| Box::new(cell_mismatch(p, ty, f.input.as_deref(), s))),
            })
            .collect()
    }

    fn ints<T: ArrowPrimitiveType>(&self, ty: &Ty, array: &dyn Array) -> Vec<Cell>
    where
        T::Native: TryInto<i64> + std::fmt::Display + Copy,
    {
        let p = self.p;
        array
            .as_primitive::<T>()
            .iter()
            .map(|v| {
                let Some(v) = v else {
                    return Ok(Value::Missing);
                };
                let found = || format!("number {v}");
                // Only a u64 past i64::MAX does not fit.
                let Ok(i) = v.try_into() else {
                    return match ty {
                        Ty::Number => Ok(Value::Number(v.to_string().parse().unwrap_or(0.0))),
                        _ => Err(mismatch(p, ty, found())),
                    };
                };
                match ty {
                    Ty::Int => Ok(Value::Int(i)),
                    Ty::Number => Ok(Value::Number(i as f64)),
                    Ty::Text => Ok(Value::Text(i.to_string().into())),
                    Ty::Duration if (-MAX_DURATION..=MAX_DURATION).contains(&i) => {
                        Ok(Value::Duration(i))
                    }
                    _ => Err(mismatch(p, ty, found())),
                }
            })
            .collect()
    }

    fn floats(&self, ty: &Ty, values: impl Iterator<Item = Option<f64>>) -> Vec<Cell> {
        values
            .map(|v| match v {
                None => Ok(Value::Missing),
                Some(x) => self.float(ty, x),
            })
            .collect()
    }

    /// A float as a value of type `ty`: as JSON numbers are read.
    fn float(&self, ty: &Ty, x: f64) -> Cell {
        match ty {
            Ty::Number if x.is_finite() => Ok(Value::Number(x)),
            Ty::Int if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Value::Int(x as i64)),
            Ty::Duration if x.fract() == 0.0 && x.abs() <= MAX_DURATION as f64 => {
                Ok(Value::Duration(x as i64))
            }
            _ => Err(mismatch(self.p, ty, format!("number {x}"))),
        }
    }

    fn decimals<T: ArrowPrimitiveType>(&self, ty: &Ty, scale: i8, array: &dyn Array) -> Vec<Cell>
    where
        T::Native: Into<i128>,
    {
        array
            .as_primitive::<T>()
            .iter()
            .map(|v| match v {
                None => Ok(Value::Missing),
                Some(v) => self.decimal(ty, v.into(), scale),
            })
            .collect()
    }

    /// A decimal `v * 10^-scale`: exactly an int when it is whole, else a number.
    fn decimal(&self, ty: &Ty, v: i128, scale: i8) -> Cell {
        let found = || mismatch(self.p, ty, format!("decimal {}", show_decimal(v, scale)));
        let whole = if scale >= 0 {
            let unit = 10i128.checked_pow(scale as u32);
            unit.and_then(|u| (v % u == 0).then(|| v / u))
        } else {
            10i128
                .checked_pow(scale.unsigned_abs() as u32)
                .and_then(|u| v.checked_mul(u))
        };
        match ty {
            Ty::Int => whole
                .and_then(|w| i64::try_from(w).ok())
                .map(Value::Int)
                .ok_or_else(found),
            Ty::Number => {
                let x = v as f64 / 10f64.powi(scale as i32);
                if x.is_finite() {
                    Ok(Value::Number(x))
                } else {
                    Err(found())
                }
            }
            _ => Err(found()),
        }
    }

    /// A calendar date: a date, or its midnight in the policy's time zone (as a date alone
    /// is read in JSON and CSV).
    fn date(&self, ty: &Ty, d: NaiveDate) -> Cell {
        let bad = || mismatch(self.p, ty, format!("date {d}"));
        if !YEARS.contains(&d.year()) {
            return Err(bad());
        }
        match ty {
            Ty::Date => Ok(Value::Date(d)),
            Ty::DateTime => d
                .and_hms_opt(0, 0, 0)
                .and_then(|t| local_instant(t, self.p.header.timezone))
                .map(Value::DateTime)
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }

    /// A timestamp: an instant when its type has a time zone (shown at that zone's offset),
    /// else a local time in the policy's time zone.
    fn timestamp(&self, ty: &Ty, unit: TimeUnit, v: i64, zone: Option<&Zone>) -> Cell {
        let (secs, nanos) = match unit {
            TimeUnit::Second => (v, 0),
            TimeUnit::Millisecond => (v.div_euclid(1_000), v.rem_euclid(1_000) * 1_000_000),
            TimeUnit::Microsecond => (v.div_euclid(1_000_000), v.rem_euclid(1_000_000) * 1_000),
            TimeUnit::Nanosecond => (v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000)),
        };
        let bad = |what: String| mismatch(self.p, ty, what);
        let Some(utc) = DateTime::from_timestamp(secs, nanos as u32) else {
            return Err(bad(format!("timestamp {v} ({unit:?})")));
        };
        let instant = match zone {
            None => local_instant(utc.naive_utc(), self.p.header.timezone),
            Some(Zone::Unknown(name)) => {
                return Err(bad(format!(
                    "a timestamp in the unknown time zone {name:?}"
                )))
            }
            Some(zone) => Some(zone.at(utc)).filter(|t| YEARS.contains(&t.year())),
        };
        let Some(instant) = instant else {
            return Err(bad(format!("timestamp {}", utc.naive_utc())));
        };
        match ty {
            Ty::DateTime => Ok(Value::DateTime(instant)),
            Ty::Date => Ok(Value::Date(match zone {
                None => utc.date_naive(),
                Some(_) => instant.date_naive(),
            })),
            _ => Err(bad(format!("timestamp {instant}"))),
        }
    }

    /// Lists: the items of every row converted at once, then each row's taken from them
    /// (`offsets[i]..offsets[i + 1]` in `items`). A null item is an error, as in JSON.
    fn lists(
        &self,
        ty: &Ty,
        f: &FieldDef,
        array: &dyn Array,
        items: &ArrayRef,
        offsets: &[usize],
    ) -> Vec<Cell> {
        let Ty::List(inner) = ty else {
            return (0..array.len())
                .map(|i| match array.is_null(i) {
                    true => Ok(Value::Missing),
                    false => Err(mismatch(self.p, ty, "a list".into())),
                })
                .collect();
        };
        // Only the items the rows use: a slice of a batch keeps all its parent's items.
        let (start, end) = (offsets[0], offsets[offsets.len() - 1]);
        let mut converted = self.convert(inner, f, false, items.slice(start, end - start).as_ref());
        (0..array.len())
            .map(|row| {
                if array.is_null(row) {
                    return Ok(Value::Missing);
                }
                let range = offsets[row] - start..offsets[row + 1] - start;
                let mut values = Vec::with_capacity(range.len());
                for (n, cell) in converted[range].iter_mut().enumerate() {
                    let at = |mut e: Box<LeadError>| {
                        e.field = Some(join(&format!("[{n}]"), e.field.take()));
                        e
                    };
                    match std::mem::replace(cell, Ok(Value::Missing)) {
                        Ok(Value::Missing) => {
                            return Err(at(mismatch(self.p, inner, "null".into())))
                        }
                        Ok(v) => values.push(v),
                        Err(e) => return Err(at(e)),
                    }
                }
                Ok(Value::List(values.into()))
            })
            .collect()
    }

    /// Records from a struct column: each field's child column converted at once, then each
    /// row's record checked as a JSON object's is.
    fn records(&self, ty: &Ty, array: &dyn Array) -> Vec<Cell> {
        let p = self.p;
        let Ty::Record(r) = *ty else {
            return (0..array.len())
                .map(|i| match array.is_null(i) {
                    true => Ok(Value::Missing),
                    false => Err(mismatch(p, ty, "an object".into())),
                })
                .collect();
        };
        let structs = array.as_struct();
        let fields = &p.records[r].fields;
        let mut children: Vec<(usize, Vec<Cell>)> = Vec::new();
        for (child, column) in structs.fields().iter().zip(structs.columns()) {
            if let Some(slot) = self.index.slot(r, child.name()) {
                let f = &fields[slot];
                children.push((slot, self.convert(&f.ty, f, true, column.as_ref())));
            }
        }
        children.sort_by_key(|c| c.0);
        (0..array.len())
            .map(|row| {
                if array.is_null(row) {
                    return Ok(Value::Missing);
                }
                let mut values = Vec::with_capacity(fields.len());
                values.resize_with(fields.len(), || Value::Missing);
                for (slot, cells) in children.iter_mut() {
                    match std::mem::replace(&mut cells[row], Ok(Value::Missing)) {
                        Ok(v) => values[*slot] = v,
                        Err(mut e) => {
                            e.field = Some(join(&fields[*slot].name, e.field.take()));
                            return Err(e);
                        }
                    }
                }
                finish_record(p, r, &mut values, String::new).map_err(Box::new)?;
                Ok(Value::Record(Arc::from(values)))
            })
            .collect()
    }
}

/// Whole seconds of each duration (a fraction of a second is dropped: durations in
/// policies are counted in seconds).
fn seconds<T: ArrowPrimitiveType<Native = i64>>(
    array: &dyn Array,
    per_second: i64,
) -> Vec<Option<i64>> {
    array
        .as_primitive::<T>()
        .iter()
        .map(|v| v.map(|v| v / per_second))
        .collect()
}

fn show_decimal(v: i128, scale: i8) -> String {
    if scale <= 0 {
        return format!("{v}{}", "0".repeat(scale.unsigned_abs() as usize));
    }
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let digits = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = digits.split_at(digits.len() - scale);
    format!("{}{int}.{frac}", if v < 0 { "-" } else { "" })
}

fn show_i256(v: i256, scale: i8) -> String {
    format!("{v} (scale {scale})")
}

/// A timestamp column's time zone: `UTC`, an offset (`+03:00`) or a zone name.
enum Zone {
    Fixed(FixedOffset),
    Named(chrono_tz::Tz),
    Unknown(String),
}

impl Zone {
    fn parse(name: &str) -> Zone {
        if let Ok(tz) = name.parse::<chrono_tz::Tz>() {
            return Zone::Named(tz);
        }
        let t = name.trim();
        if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
            return Zone::Fixed(Utc.fix());
        }
        match t.parse::<FixedOffset>() {
            Ok(o) => Zone::Fixed(o),
            Err(_) => Zone::Unknown(name.to_string()),
        }
    }

    fn at(&self, utc: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            Zone::Fixed(o) => utc.with_timezone(o),
            Zone::Named(tz) => utc.with_timezone(tz).fixed_offset(),
            Zone::Unknown(_) => utc.fixed_offset(),
        }
    }
}
