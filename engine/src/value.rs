//! Runtime values: what fields, constants and expressions evaluate to.

use chrono::{DateTime, FixedOffset, NaiveDate};
use std::sync::Arc;

/// One value. `Missing` is the *unknown* of the three-valued logic: an absent optional field,
/// or anything computed from one.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value (unknown).
    Missing,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A 64-bit float.
    Number(f64),
    /// Text.
    Text(Arc<str>),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant with the offset it was written with.
    DateTime(DateTime<FixedOffset>),
    /// A length of time in seconds.
    Duration(i64),
    /// An enum value, by its index in the enum's list of values.
    Enum(u16),
    /// A list.
    List(Arc<[Value]>),
    /// A record's fields in schema order.
    Record(Arc<[Value]>),
}

impl Value {
    /// The value as a float, for numbers and whole numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// True unless the value is [`Value::Missing`].
    pub fn is_present(&self) -> bool {
        !matches!(self, Value::Missing)
    }
}
