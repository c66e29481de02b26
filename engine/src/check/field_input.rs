//! A field's input modifiers (`map`, `true`/`false`, `decimal`, `format`): each must fit the
//! field's type, and no input text may be read two ways, since the decoder would then pick
//! one in silence.

use super::suggest::not_a_value;
use super::Checker;
use crate::checked::Ty;
use crate::diagnostic::{Code, Diagnostic};
use crate::input_rules::{bool_word, DateFormat, Decimal, FieldInput};
use funnel_grammar::ast::{self, StrLit};
use funnel_grammar::Span;
use funnel_locale::t;
use std::collections::HashMap;

impl Checker<'_> {
    /// The rules for reading `f`'s input, whose type resolved to `ty`; `None` when it has no
    /// input modifiers. Reports every modifier that does not fit.
    pub(super) fn field_input(&mut self, f: &ast::FieldDecl, ty: &Ty) -> Option<Box<FieldInput>> {
        let none = f.missing.is_empty()
            && f.maps.is_empty()
            && f.true_words.is_empty()
            && f.false_words.is_empty()
            && f.decimal.is_none()
            && f.format.is_none();
        if none {
            return None;
        }
        // The modifiers read each item of a list.
        let item = match ty {
            Ty::List(inner) => &**inner,
            other => other,
        };
        let mut input = FieldInput {
            missing: f.missing.iter().map(|m| m.value.clone()).collect(),
            ..FieldInput::default()
        };
        self.value_maps(f, item, &mut input);
        self.bool_words(f, item, &mut input);
        if let Some(d) = &f.decimal {
            input.decimal = self.decimal(f, item, d);
        }
        if let Some(format) = &f.format {
            input.format = self.date_format(f, item, format);
        }
        Some(Box::new(input))
    }

    /// Whether a modifier fits the field's (item) type: when it does not, "`map` reads enum
    /// values, but `amount` is number" is reported. A type already in error fits nothing, in
    /// silence.
    fn fits(
        &mut self,
        f: &ast::FieldDecl,
        ty: &Ty,
        fits: bool,
        (modifier, at): (&str, &Span),
        reads: &str,
    ) -> bool {
        if fits || *ty == Ty::Error {
            return fits;
        }
        let found = self.ty_name(ty);
        self.error(
            Diagnostic::error(
                Code::BadInput,
                t!(
                    "bad_input-reads-but",
                    modifier = modifier,
                    reads = reads,
                    name = f.name.name,
                    found = found
                ),
            )
            .label(
                at,
                t!(
                    "bad_input-field-type-label",
                    modifier = modifier,
                    found = found
                ),
            )
            .help(t!(
                "bad_input-remove-give-type-reads-help",
                modifier = modifier,
                name = f.name.name
            )),
        );
        false
    }

    /// `map VALUE from "..."`: an enum field's values, each text mapped once, and never a text
    /// that is already a value or a `missing` text.
    fn value_maps(&mut self, f: &ast::FieldDecl, ty: &Ty, input: &mut FieldInput) {
        let Some(first) = f.maps.first() else { return };
        let is_enum = matches!(ty, Ty::Enum(_));
        if !self.fits(
            f,
            ty,
            is_enum,
            ("map", &first.span),
            &t!("check-enum-values"),
        ) {
            return;
        }
        let Ty::Enum(e) = *ty else { return };
        let def = self.enums[e].clone();
        let what = format!("`{}`", def.name);
        let mut seen: HashMap<&str, (&StrLit, &ast::Ident)> = HashMap::new();
        for m in &f.maps {
            let Some(value) = def.values.iter().position(|v| *v == m.value.name) else {
                self.error(not_a_value(&m.value, &what, &def.values));
                continue;
            };
            for text in &m.from {
                let problem = match seen.get(text.value.as_str()) {
                    Some((before, to)) => Some(mapped_twice(text, before, to, &m.value)),
                    None => already_read(f, text, &m.value, &def.values, &what),
                };
                match problem {
                    Some(d) => self.error(d),
                    None => {
                        seen.insert(&text.value, (text, &m.value));
                        input.map.push((text.value.clone(), value as u16));
                    }
                }
            }
        }
    }

    /// `true "..."` and `false "..."`: a bool field's words, each meaning one thing, in any
    /// case, and never the opposite of a built-in word (`true "n"`).
    fn bool_words(&mut self, f: &ast::FieldDecl, ty: &Ty, input: &mut FieldInput) {
        let words: Vec<(&StrLit, bool)> = f
            .true_words
            .iter()
            .map(|w| (w, true))
            .chain(f.false_words.iter().map(|w| (w, false)))
            .collect();
        let Some((first, _)) = words.first() else {
            return;
        };
        let modifier = if f.true_words.is_empty() {
            "false"
        } else {
            "true"
        };
        if !self.fits(f, ty, *ty == Ty::Bool, (modifier, &first.span), "bools") {
            return;
        }
        let mut seen: HashMap<String, (&StrLit, bool)> = HashMap::new();
        for (word, meaning) in words {
            let lower = word.value.to_lowercase();
            let builtin = bool_word(&word.value);
            let d = if let Some((before, was)) = seen.get(&lower) {
                let message = if *was == meaning {
                    t!("check-listed-twice", word = format!("{:?}", word.value))
                } else {
                    t!(
                        "check-reads-both-true-false",
                        word = format!("{:?}", word.value)
                    )
                };
                Some(
                    Diagnostic::error(Code::BadInput, message)
                        .label(&word.span, t!("bad_input-listed-again-here-label"))
                        .label(&before.span, t!("bad_input-first-listed-here-label"))
                        .help(t!("bad_input-word-reads-one-bool-help")),
                )
            } else if builtin == Some(!meaning) {
                Some(
                    Diagnostic::error(
                        Code::BadInput,
                        t!(
                            "check-already-reads",
                            word = format!("{:?}", word.value),
                            builtin = !meaning
                        ),
                    )
                    .label(
                        &word.span,
                        t!("bad_input-listed-here-label", meaning = meaning),
                    )
                    .help(t!("bad_input-every-bool-reads-true-help")),
                )
            } else {
                None
            };
            match d {
                Some(d) => self.error(d),
                None => {
                    seen.insert(lower.clone(), (word, meaning));
                    let list = if meaning {
                        &mut input.true_words
                    } else {
                        &mut input.false_words
                    };
                    list.push(lower);
                }
            }
        }
    }

    /// `decimal ","` or `decimal "."` on an `int` or a `number`.
    fn decimal(&mut self, f: &ast::FieldDecl, ty: &Ty, d: &StrLit) -> Option<Decimal> {
        if !self.fits(f, ty, ty.is_numeric(), ("decimal", &d.span), "numbers") {
            return None;
        }
        let decimal = Decimal::from_text(&d.value);
        if decimal.is_none() {
            self.error(
                Diagnostic::error(
                    Code::BadInput,
                    t!(
                        "check-decimal-separator",
                        separator = format!("{:?}", d.value)
                    ),
                )
                .label(&d.span, t!("bad_input-text-label"))
                .help(t!("bad_input-write-decimal-1-234-help")),
            );
        }
        decimal
    }

    /// `format "dd/mm/yyyy"` on a `date` or a `datetime`.
    fn date_format(&mut self, f: &ast::FieldDecl, ty: &Ty, s: &StrLit) -> Option<DateFormat> {
        let dated = matches!(ty, Ty::Date | Ty::DateTime);
        if !self.fits(
            f,
            ty,
            dated,
            ("format", &s.span),
            &t!("check-dates-datetimes"),
        ) {
            return None;
        }
        match DateFormat::compile(&s.value) {
            Ok(format) => Some(format),
            Err(reason) => {
                self.error(
                    Diagnostic::error(
                        Code::BadInput,
                        t!("bad_input-bad-date-format", reason = reason),
                    )
                    .label(&s.span, t!("bad_input-format-label"))
                    .help(t!("bad_input-write-day-month-year-help")),
                );
                None
            }
        }
    }
}

/// A text mapped a second time (`before` is the first, to the value `to`).
fn mapped_twice(text: &StrLit, before: &StrLit, to: &ast::Ident, now: &ast::Ident) -> Diagnostic {
    let message = if to.name == now.name {
        t!("check-mapped-twice", text = format!("{:?}", text.value))
    } else {
        t!(
            "check-mapped-both",
            text = format!("{:?}", text.value),
            to = to.name,
            now = now.name
        )
    };
    Diagnostic::error(Code::BadInput, message)
        .label(&text.span, t!("bad_input-mapped-again-here-label"))
        .label(&before.span, t!("bad_input-first-mapped-here-label"))
        .help(t!("bad_input-input-text-reads-one-help"))
}

/// A mapped text that already reads as something else: one of the enum's own values (`what`
/// names the enum), or one of the field's `missing` texts.
fn already_read(
    f: &ast::FieldDecl,
    text: &StrLit,
    to: &ast::Ident,
    values: &[String],
    what: &str,
) -> Option<Diagnostic> {
    if values.contains(&text.value) {
        return Some(
            Diagnostic::error(
                Code::BadInput,
                t!("bad_input-already-value", text = text.value, what = what),
            )
            .label(
                &text.span,
                t!("bad_input-reads-itself-label", text = text.value),
            )
            .help(t!("bad_input-remove-value-own-name-help")),
        );
    }
    let missing = f.missing.iter().find(|m| m.value == text.value)?;
    Some(
        Diagnostic::error(
            Code::BadInput,
            t!(
                "check-missing-text-mapped",
                text = format!("{:?}", text.value),
                to = to.name
            ),
        )
        .label(&text.span, t!("bad_input-mapped-here-label"))
        .label(&missing.span, t!("bad_input-missing-here-label"))
        .help(t!("bad_input-missing-text-reads-missing-help")),
    )
}
