//! JSON leads, read by the schema as they are parsed (no intermediate JSON tree).

use super::text::{parse_scalar, MAX_DURATION};
use super::{expected, expected_for, finish_record, FieldIndex, LeadError};
use crate::checked::{Checked, FieldDef, RecordId, Ty};
use crate::input_rules::FieldInput;
use crate::value::Value;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

/// One step of a field path.
#[derive(Clone, Copy)]
enum Seg {
    Field(RecordId, usize),
    Index(usize),
}

/// What the seeds share while one lead is decoded.
struct Ctx<'a> {
    p: &'a Checked,
    index: &'a FieldIndex,
    strict: bool,
    /// The steps into the lists and records that enclose the value being read.
    path: RefCell<Vec<Seg>>,
    /// The step being read inside the innermost of them. Setting it for each field costs
    /// less than pushing and popping it; a step is pushed only on entering a nested value.
    here: Cell<Option<Seg>>,
    error: RefCell<Option<LeadError>>,
}

impl Ctx<'_> {
    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in self.path.borrow().iter().chain(self.here.get().as_ref()) {
            match seg {
                Seg::Field(r, f) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(&self.p.records[*r].fields[*f].name);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// Records the first error with its path, and returns a serde error to unwind with.
    fn fail<E: de::Error>(
        &self,
        message: String,
        expected: Option<String>,
        found: Option<String>,
    ) -> E {
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            let path = self.path_string();
            let mut e = LeadError::new(message);
            e.field = (!path.is_empty()).then_some(path);
            e.expected = expected;
            e.found = found;
            *slot = Some(e);
        }
        E::custom("lead does not fit the schema")
    }

    /// Steps into the value being read (a list or a record), which is then read from its
    /// start; gives what [`Ctx::leave`] needs to step out.
    fn enter(&self) -> Option<Seg> {
        let here = self.here.take();
        if let Some(seg) = here {
            self.path.borrow_mut().push(seg);
        }
        here
    }

    fn leave(&self, here: Option<Seg>) {
        if here.is_some() {
            self.path.borrow_mut().pop();
        }
        self.here.set(here);
    }

    fn mismatch<E: de::Error>(&self, ty: &Ty, found: String) -> E {
        self.mismatch_for(ty, None, found)
    }

    /// A mismatch described by the field's input rules, for a text they could have read.
    fn mismatch_for<E: de::Error>(&self, ty: &Ty, input: Option<&FieldInput>, found: String) -> E {
        let exp = expected_for(self.p, ty, input);
        self.fail(
            format!("expected {exp}, found {found}"),
            Some(exp),
            Some(found),
        )
    }
}

/// Decodes one lead from JSON.
pub(crate) fn decode_json<'de, D: Deserializer<'de>>(
    p: &Checked,
    index: &FieldIndex,
    strict: bool,
    de: D,
) -> Result<Box<[Value]>, LeadError> {
    let ctx = Ctx::new(p, index, strict);
    let lead = LeadSeed { ctx: &ctx }.deserialize(de);
    lead.map_err(|e| ctx.into_error(e))
}

/// Decodes one value of a given type from JSON (a CSV cell holding a list or a record), by
/// the input rules of the field it is in, if any.
pub(crate) fn decode_typed<'de, D: Deserializer<'de>>(
    p: &Checked,
    index: &FieldIndex,
    ty: &Ty,
    field: Option<&FieldDef>,
    de: D,
) -> Result<Value, LeadError> {
    let ctx = Ctx::new(p, index, false);
    let value = ValueSeed {
        ctx: &ctx,
        ty,
        field,
    }
    .deserialize(de);
    value.map_err(|e| ctx.into_error(e))
}

impl<'a> Ctx<'a> {
    fn new(p: &'a Checked, index: &'a FieldIndex, strict: bool) -> Self {
        Ctx {
            p,
            index,
            strict,
            path: RefCell::new(Vec::new()),
            here: Cell::new(None),
            error: RefCell::new(None),
        }
    }

    /// The error that stopped decoding: the one recorded, else the JSON parser's.
    fn into_error(self, e: impl fmt::Display) -> LeadError {
        self.error.into_inner().unwrap_or_else(|| {
            let mut err = LeadError::new(format!("malformed JSON: {e}"));
            err.found = Some("malformed JSON".into());
            err
        })
    }
}

/// The lead itself: a record of the lead schema, whose values are kept in the list they
/// are read into.
struct LeadSeed<'c, 'a> {
    ctx: &'c Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for LeadSeed<'_, '_> {
    type Value = Box<[Value]>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LeadSeed<'_, '_> {
    type Value = Box<[Value]>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self
            .ctx
            .fail("expected a lead object, found null".into(), None, None))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_record(self.ctx, self.ctx.p.lead, map).map(Vec::into_boxed_slice)
    }
}

struct ValueSeed<'c, 'a> {
    ctx: &'c Ctx<'a>,
    ty: &'c Ty,
    /// The field read, or whose list's item is read: its `missing` texts (for the field's
    /// own value only) and its input rules. (One pointer for both: the seed is moved through
    /// serde's layers for every value of every lead, and a word more cost 0.3%.)
    field: Option<&'c FieldDef>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn show_str(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("text {short:?}...")
    } else {
        format!("text {short:?}")
    }
}

impl ValueSeed<'_, '_> {
    /// A text of field `f`, which says how its input is written: one of its `missing` texts
    /// (for its own value, not an item of its list), or a value read by its rules (a text
    /// type's, or a bool's or a number's when the rules read those from text).
    #[inline(never)]
    fn read_as_written<E: de::Error>(&self, f: &FieldDef, s: &str) -> Result<Value, E> {
        let Some(rules) = f.input.as_deref() else {
            return Err(self.ctx.mismatch(self.ty, show_str(s)));
        };
        let own = std::ptr::eq(self.ty, &f.ty);
        if own && rules.missing.iter().any(|m| m == s) {
            return Ok(Value::Missing);
        }
        let text = matches!(
            self.ty,
            Ty::Text | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Enum(_)
        );
        if !text && !rules.reads_json_text(self.ty) {
            return Err(self.ctx.mismatch(self.ty, show_str(s)));
        }
        rules
            .read(self.ctx.p, self.ty, s)
            .map_err(|_| self.ctx.mismatch_for(self.ty, Some(rules), show_str(s)))
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&expected(self.ctx.p, self.ty))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.ty {
            Ty::Bool => Ok(Value::Bool(b)),
            ty => Err(self.ctx.mismatch(ty, format!("bool {b}"))),
        }
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        match self.ty {
            Ty::Int => Ok(Value::Int(i)),
            Ty::Number => Ok(Value::Number(i as f64)),
            Ty::Duration if (-MAX_DURATION..=MAX_DURATION).contains(&i) => Ok(Value::Duration(i)),
            ty => Err(self.ctx.mismatch(ty, format!("number {i}"))),
        }
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        match i64::try_from(u) {
            Ok(i) => self.visit_i64(i),
            Err(_) => self.visit_f64(u as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        match self.ty {
            Ty::Number => Ok(Value::Number(x)),
            Ty::Int if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Value::Int(x as i64)),
            // Checked before `as`, which would make 1e300 seconds i64::MAX without a word.
            Ty::Duration if x.fract() == 0.0 && x.abs() <= MAX_DURATION as f64 => {
                Ok(Value::Duration(x as i64))
            }
            ty => Err(self.ctx.mismatch(ty, format!("number {x}"))),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        // A field that says nothing of how its input is written (most, and every field of the
        // benchmark) pays one test for it here.
        if let Some(f) = self.field.filter(|f| f.input.is_some()) {
            return self.read_as_written(f, s);
        }
        match self.ty {
            Ty::Text | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Enum(_) => {
                parse_scalar(self.ctx.p, self.ty, s)
                    .map_err(|_| self.ctx.mismatch(self.ty, show_str(s)))
            }
            ty => Err(self.ctx.mismatch(ty, show_str(s))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Ty::List(inner) = self.ty else {
            return Err(self.ctx.mismatch(self.ty, "a list".into()));
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let outer = self.ctx.enter();
        loop {
            self.ctx.here.set(Some(Seg::Index(items.len())));
            let next = seq.next_element_seed(ValueSeed {
                ctx: self.ctx,
                ty: inner,
                field: self.field,
            });
            let item = match next {
                Ok(Some(v)) => v,
                Ok(None) => break,
                Err(e) => return Err(e),
            };
            if !item.is_present() {
                return Err(self.ctx.mismatch(inner, "null".into()));
            }
            items.push(item);
        }
        self.ctx.leave(outer);
        Ok(Value::List(items.into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let Ty::Record(r) = *self.ty else {
            return Err(self.ctx.mismatch(self.ty, "an object".into()));
        };
        let outer = self.ctx.enter();
        let values = read_record(self.ctx, r, map)?;
        self.ctx.leave(outer);
        Ok(Value::Record(values.into()))
    }
}

/// Reads an object as a record of type `r`: its values in slots, in schema order.
fn read_record<'de, A: MapAccess<'de>>(
    ctx: &Ctx,
    r: RecordId,
    mut map: A,
) -> Result<Vec<Value>, A::Error> {
    let rec = &ctx.p.records[r];
    // Filled with a plain store a slot: `vec![Value::Missing; n]` clones, a match a slot.
    let mut values = Vec::with_capacity(rec.fields.len());
    values.resize_with(rec.fields.len(), || Value::Missing);
    let mut next = 0;
    while let Some(key) = map.next_key_seed(KeySeed {
        ctx,
        record: r,
        next,
    })? {
        match key {
            Key::Slot(slot) => {
                let f = &rec.fields[slot];
                ctx.here.set(Some(Seg::Field(r, slot)));
                let v = map.next_value_seed(ValueSeed {
                    ctx,
                    ty: &f.ty,
                    field: Some(f),
                })?;
                values[slot] = v;
                next = slot + 1;
            }
            Key::Unknown(key) if ctx.strict => {
                ctx.here.set(None);
                let mut path = ctx.path_string();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
                let e = ctx.fail::<A::Error>(
                    format!("`{key}` is not a field of `{}`", rec.name),
                    None,
                    Some(format!("unknown field `{key}`")),
                );
                if let Some(err) = ctx.error.borrow_mut().as_mut() {
                    err.field = Some(path);
                }
                return Err(e);
            }
            Key::Unknown(_) => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    // What is missing is named from the record's own path.
    ctx.here.set(None);
    if let Err(e) = finish_record(ctx.p, r, &mut values, || ctx.path_string()) {
        let mut slot = ctx.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
        return Err(de::Error::custom("lead does not fit the schema"));
    }
    Ok(values)
}

/// An object's key: the slot of a field of the record, or a name the record does not have.
enum Key {
    Slot(usize),
    Unknown(String),
}

/// Reads a key and finds its slot without copying it (only unknown names are kept, for the
/// error `--strict` gives).
struct KeySeed<'c, 'a> {
    ctx: &'c Ctx<'a>,
    record: RecordId,
    /// The slot after the previous key's: the likeliest.
    next: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key;
    // A key is read for every field of every lead. Left to itself, the compiler sometimes
    // keeps this and `visit_str` out of line, which cost `decode_evaluate` 15%.
    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    #[inline(always)]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        let ctx = self.ctx;
        Ok(
            match ctx.index.slot_near(ctx.p, self.record, key, self.next) {
                Some(slot) => Key::Slot(slot),
                None if ctx.strict => Key::Unknown(key.to_string()),
                None => Key::Unknown(String::new()),
            },
        )
    }
}
