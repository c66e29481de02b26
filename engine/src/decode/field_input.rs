//! Reading a value of a field's type by its input rules ([`FieldInput`]): an enum value by
//! its `map`, a bool by its words, a number by its `decimal`, a date by its `format`, each
//! falling back on the type's own forms where they cannot be mistaken.
//!
//! CRM exports write values for people, not programs: `serviços` for an enum value, `sim` and
//! `não` for booleans, `1.234,56` for a number, `25/12/2026` for a date. A field without input
//! modifiers has no rules (the decoder then never comes here), so they cost nothing to the
//! policies that do not use them.

use super::text::{local_instant, parse_scalar};
use crate::checked::{Checked, Ty};
use crate::input_rules::{Decimal, FieldInput};
use crate::value::Value;

impl FieldInput {
    /// Reads a text of type `ty` (the field's type, or its list's item type) by these rules,
    /// then by the type's own forms.
    pub(crate) fn read(&self, p: &Checked, ty: &Ty, s: &str) -> Result<Value, ()> {
        match ty {
            // A value's own name first: mapped texts are never values (the checker says so).
            Ty::Enum(_) => parse_scalar(p, ty, s).or_else(|()| {
                let mapped = |s: &str| self.map.iter().find(|(t, _)| t == s);
                match mapped(s).or_else(|| mapped(s.trim())) {
                    Some((_, v)) => Ok(Value::Enum(*v)),
                    None => Err(()),
                }
            }),
            Ty::Bool => match self.word(s.trim()) {
                Some(b) => Ok(Value::Bool(b)),
                None => parse_scalar(p, ty, s),
            },
            // `1.234` is a thousand with `decimal ","`: the usual reading never applies.
            Ty::Int | Ty::Number => match self.decimal {
                Some(d) => parse_scalar(p, ty, &d.normalize(s).ok_or(())?),
                None => parse_scalar(p, ty, s),
            },
            Ty::Date | Ty::DateTime => {
                let read = self.format.as_ref().and_then(|f| f.parse(s.trim()));
                match (read, ty) {
                    (Some((date, _)), Ty::Date) => Ok(Value::Date(date)),
                    (Some((date, time)), _) => {
                        local_instant(date.and_time(time), p.header.timezone)
                            .map(Value::DateTime)
                            .ok_or(())
                    }
                    // The standard forms stay readable: `2026-12-25` is no one's day-first date.
                    (None, _) => parse_scalar(p, ty, s),
                }
            }
            _ => parse_scalar(p, ty, s),
        }
    }

    /// Whether a JSON text of type `ty` is read by these rules, as a CSV cell would be: a bool
    /// field with words of its own, a number with a `decimal`. (A JSON text is never a bool or
    /// a number otherwise.)
    pub(crate) fn reads_json_text(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Bool => !self.true_words.is_empty() || !self.false_words.is_empty(),
            Ty::Int | Ty::Number => self.decimal.is_some(),
            _ => false,
        }
    }

    /// The field's own word for a bool, in any case.
    fn word(&self, t: &str) -> Option<bool> {
        if self.true_words.is_empty() && self.false_words.is_empty() {
            return None;
        }
        let lower = t.to_lowercase();
        if self.true_words.contains(&lower) {
            Some(true)
        } else if self.false_words.contains(&lower) {
            Some(false)
        } else {
            None
        }
    }

    /// What a text of type `ty` must look like under these rules, for an error (`None` when
    /// they change nothing for it).
    pub(crate) fn describe(&self, p: &Checked, ty: &Ty) -> Option<String> {
        let quoted = |texts: &mut dyn Iterator<Item = &String>| {
            texts
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match ty {
            Ty::Enum(e) if !self.map.is_empty() => Some(format!(
                "one of {} (or {})",
                p.enums[*e].values.join(", "),
                quoted(&mut self.map.iter().map(|(t, _)| t))
            )),
            Ty::Bool if !self.true_words.is_empty() || !self.false_words.is_empty() => {
                let mut parts = Vec::new();
                if !self.true_words.is_empty() {
                    parts.push(format!("true: {}", quoted(&mut self.true_words.iter())));
                }
                if !self.false_words.is_empty() {
                    parts.push(format!("false: {}", quoted(&mut self.false_words.iter())));
                }
                Some(format!("bool ({})", parts.join("; ")))
            }
            Ty::Int | Ty::Number => {
                let d = self.decimal?;
                let example = match (ty, d) {
                    (Ty::Int, Decimal::Comma) => "1.234",
                    (Ty::Int, Decimal::Point) => "1,234",
                    (_, Decimal::Comma) => "1.234,56",
                    (_, Decimal::Point) => "1,234.56",
                };
                let name = if *ty == Ty::Int { "int" } else { "number" };
                Some(format!("{name} (written like {example})"))
            }
            Ty::Date | Ty::DateTime => {
                let f = self.format.as_ref()?;
                let name = if *ty == Ty::Date { "date" } else { "datetime" };
                Some(format!("{name} ({})", f.pattern))
            }
            _ => None,
        }
    }
}
