//! Schemas (record types, enums, keys) and script declarations.

use super::{suggest::did_you_mean, Checker, DefKind};
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::script::ScriptRuntime;
use funnel_grammar::ast::{self, Item, TypeKind};
use funnel_grammar::{SourceFile, Span};
use funnel_locale::t;

impl<'a> Checker<'a> {
    /// Declares every schema first (so records may refer to each other), then their fields.
    pub(super) fn collect_schemas(&mut self) {
        // A table's rows are records like a schema's.
        let schemas: Vec<&'a ast::Schema> = self
            .items()
            .filter_map(|i| match i {
                Item::Schema(s) => Some(s),
                Item::Table(t) => Some(&t.schema),
                _ => None,
            })
            .collect();
        let mut ids = Vec::new();
        for s in &schemas {
            if let Some(&other) = self.record_names.get(&s.name.name) {
                let other_span = self.records[other].span.clone();
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        t!(
                            "duplicate_definition-schema-defined-twice",
                            name = s.name.name
                        ),
                    )
                    .label(
                        &s.name.span,
                        t!("duplicate_definition-defined-again-here-label"),
                    )
                    .label(
                        &other_span,
                        t!("duplicate_definition-first-defined-here-label"),
                    )
                    .help(t!("duplicate_definition-merge-two-into-one-help")),
                );
                ids.push(None);
                continue;
            }
            self.records.push(RecordDef {
                name: s.name.name.clone(),
                fields: Vec::new(),
                at_slot: None,
                span: s.name.span.clone(),
            });
            let id = self.records.len() - 1;
            self.record_names.insert(s.name.name.clone(), id);
            ids.push(Some(id));
        }
        for (s, id) in schemas.iter().zip(ids) {
            let Some(id) = id else { continue };
            let mut fields: Vec<FieldDef> = Vec::new();
            for f in &s.fields {
                if let Some(prev) = fields.iter().find(|p| p.name == f.name.name) {
                    let prev_span = prev.span.clone();
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            t!(
                                "duplicate_definition-field-declared-twice",
                                name = f.name.name,
                                name2 = s.name.name
                            ),
                        )
                        .label(
                            &f.name.span,
                            t!("duplicate_definition-declared-again-here-label"),
                        )
                        .label(
                            &prev_span,
                            t!("duplicate_definition-first-declared-here-label"),
                        )
                        .help(t!("duplicate_definition-remove-one-two-lines-help")),
                    );
                    continue;
                }
                let ty = self.resolve_type(&f.ty, &f.name.name);
                if f.key.is_some() && !matches!(ty, Ty::Text | Ty::Int | Ty::Error) {
                    self.error(
                        Diagnostic::error(
                            Code::BadKey,
                            t!("bad_key-key-field-must-text", name = f.name.name),
                        )
                        .label(&f.ty.span, t!("bad_key-key-must-text-int-label"))
                        .help(t!("bad_key-mark-identifier-such-id-help")),
                    );
                }
                if f.key.is_some() && f.ty.optional {
                    self.error(
                        Diagnostic::error(
                            Code::BadKey,
                            t!("bad_key-key-field-cannot-optional", name = f.name.name),
                        )
                        .label(&f.ty.span, t!("bad_key-every-lead-needs-key-label"))
                        .help(t!("bad_key-remove-help")),
                    );
                }
                let input = self.field_input(f, &ty);
                fields.push(FieldDef {
                    name: f.name.name.clone(),
                    ty,
                    optional: f.ty.optional,
                    key: f.key.is_some(),
                    from: f.from.as_ref().map(|s| s.value.clone()),
                    input,
                    span: f.name.span.clone(),
                });
            }
            let keys: Vec<Span> = s.fields.iter().filter_map(|f| f.key.clone()).collect();
            if keys.len() > 1 {
                self.error(
                    Diagnostic::error(
                        Code::BadKey,
                        t!("bad_key-has-more-than-one", name = s.name.name),
                    )
                    .label(&keys[1], t!("bad_key-second-key-label"))
                    .label(&keys[0], t!("bad_key-first-key-label"))
                    .help(t!("bad_key-lead-has-one-identity-help")),
                );
            }
            let at_slot = fields
                .iter()
                .position(|f| f.name == "at" && f.ty == Ty::DateTime);
            self.records[id].fields = fields;
            self.records[id].at_slot = at_slot;
        }
        self.lead = self.record_names.get("lead").copied();
        if self.lead.is_none() && !self.broken.lead_schema() {
            let mut d = Diagnostic::error(
                Code::NoLeadSchema,
                t!("no_lead_schema-no-schema-lead-describes"),
            )
            .help(t!("no_lead_schema-add-schema-lead-id-help"));
            if let Some(s) = schemas.first() {
                d = d.label(
                    &s.name.span,
                    t!("no_lead_schema-schemas-are-here-but-label"),
                );
            } else if let Some((file, _)) = self.files.first() {
                d = d.label(
                    &Span::new(file.clone(), 0, 0),
                    t!("no_lead_schema-no-schema-any-file-label"),
                );
            }
            self.error(d);
        }
    }

    /// Resolves a written type; enums become new enum types named after `owner`.
    pub(super) fn resolve_type(&mut self, t: &ast::TypeExpr, owner: &str) -> Ty {
        match &t.kind {
            TypeKind::Text => Ty::Text,
            TypeKind::Int => Ty::Int,
            TypeKind::Number => Ty::Number,
            TypeKind::Bool => Ty::Bool,
            TypeKind::Date => Ty::Date,
            TypeKind::DateTime => Ty::DateTime,
            TypeKind::Duration => Ty::Duration,
            TypeKind::List(inner) => Ty::List(Box::new(self.resolve_type(inner, owner))),
            TypeKind::Enum(values) => {
                let mut names: Vec<String> = Vec::new();
                for v in values {
                    if names.contains(&v.name) {
                        self.error(
                            Diagnostic::error(
                                Code::Duplicate,
                                t!("duplicate_definition-enum-value-listed-twice", v = v.name),
                            )
                            .label(&v.span, t!("duplicate_definition-listed-again-here-label"))
                            .help(t!("duplicate_definition-remove-repeated-value-help")),
                        );
                    } else {
                        names.push(v.name.clone());
                    }
                }
                Ty::Enum(self.add_enum(owner, names, false))
            }
            TypeKind::Named(name) => match self.record_names.get(&name.name) {
                Some(&id) => {
                    let def = self.records[id].span.clone();
                    self.refer(&name.span, &def);
                    Ty::Record(id)
                }
                None if self.broken.schemas.contains(&name.name) => Ty::Error,
                None => {
                    const BUILTIN: &[&str] = &[
                        "text", "int", "number", "bool", "date", "datetime", "duration",
                    ];
                    let candidates: Vec<String> = BUILTIN
                        .iter()
                        .map(|s| s.to_string())
                        .chain(self.record_names.keys().cloned())
                        .collect();
                    self.error(
                        Diagnostic::error(
                            Code::UnknownType,
                            t!("unknown_type-unknown-type", name = name.name),
                        )
                        .label(&name.span, t!("unknown_type-built-type-schema-label"))
                        .help(did_you_mean(
                            &name.name,
                            candidates.iter().map(|s| s.as_str()),
                            &t!("noun-type"),
                        )),
                    );
                    Ty::Error
                }
            },
        }
    }

    /// `table` blocks: the `by` field is a date or datetime, the fields are flat, and the name
    /// is not a definition's.
    pub(super) fn check_tables(&mut self) {
        let tables: Vec<&'a ast::Table> = self
            .items()
            .filter_map(|i| match i {
                Item::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        for t in tables {
            let name = &t.schema.name;
            if name.name == "lead" || name.name == "leads" {
                self.error(
                    Diagnostic::error(
                        Code::BadTable,
                        t!("bad_table-table-cannot-named", name = name.name),
                    )
                    .label(&name.span, t!("bad_table-leads-name-label"))
                    .help(t!("bad_table-name-rows-table-spend-help")),
                );
                continue;
            }
            let Some(&record) = self.record_names.get(&name.name) else {
                continue; // defined twice: reported with the schemas
            };
            if self.records[record].span != name.span {
                continue;
            }
            let fields = self.records[record].fields.clone();
            for f in &fields {
                if matches!(f.ty, Ty::List(_) | Ty::Record(_)) {
                    let span = f.span.clone();
                    self.error(
                        Diagnostic::error(
                            Code::BadTable,
                            t!("bad_table-table-field-holds-list", name = f.name),
                        )
                        .label(&span, t!("bad_table-flat-value-label"))
                        .help(t!("bad_table-table-row-flat-like-help")),
                    );
                }
            }
            let by = match fields.iter().position(|f| f.name == t.by.name) {
                Some(slot) if matches!(fields[slot].ty, Ty::Date | Ty::DateTime) => slot,
                Some(slot) => {
                    let found = self.ty_name(&fields[slot].ty.clone());
                    self.error(
                        Diagnostic::error(
                            Code::BadTable,
                            t!(
                                "bad_table-by-needs-date-datetime",
                                by = t.by.name,
                                found = found
                            ),
                        )
                        .label(&t.by.span, t!("bad_table-places-each-row-period-label"))
                        .help(t!("bad_table-name-row-date-e-help")),
                    );
                    continue;
                }
                None => {
                    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                    self.error(super::suggest::unknown_name(
                        Code::UnknownField,
                        &t!("noun-field"),
                        &t.by,
                        names.iter().map(String::as_str),
                    ));
                    continue;
                }
            };
            self.tables.push(TableDef {
                name: name.name.clone(),
                label: t.label.as_ref().map(|l| l.value.clone()),
                record,
                by,
                span: t.schema.span.clone(),
            });
        }
    }

    /// `use script` blocks: the file must exist; declared functions become global names.
    pub(super) fn collect_scripts(&mut self, limits: crate::script::ScriptLimits) {
        let uses: Vec<(&'a ast::UseScript, &'a std::sync::Arc<SourceFile>)> = self
            .files
            .iter()
            .flat_map(|(file, f)| {
                f.items.iter().filter_map(move |i| match i {
                    Item::UseScript(u) => Some((u, file)),
                    _ => None,
                })
            })
            .collect();
        for (u, file) in uses {
            let path = crate::source::relative_to(file, &u.path.value);
            let read = self
                .script_texts
                .get(&(file.name.clone(), path.clone()))
                .cloned();
            let text = match read.unwrap_or_else(|| Err(t!("check-was-read"))) {
                Ok(t) => t,
                Err(reason) => {
                    self.error(
                        Diagnostic::error(
                            Code::BadScript,
                            t!(
                                "bad_script-cannot-read-script",
                                path = path.display(),
                                reason = reason
                            ),
                        )
                        .label(&u.path.span, t!("bad_script-script-label"))
                        .help(t!("bad_script-paths-are-relative-policy-help")),
                    );
                    continue;
                }
            };
            let source = SourceFile::new(path.display().to_string(), text);
            let runtime = self
                .runtime
                .get_or_insert_with(|| ScriptRuntime::new(limits));
            let compiled = match runtime.compile(&source.text) {
                Ok(i) => Some(runtime.functions(i)),
                Err(e) => {
                    let offset = byte_offset(&source.text, e.line, e.column);
                    let end = (offset + 1).min(source.text.len());
                    let span = funnel_grammar::Span::new(source.clone(), offset, end);
                    self.error(
                        Diagnostic::error(
                            Code::BadScript,
                            t!("bad_script-script-does-compile", message = e.message),
                        )
                        .label(&span, t!("bad_script-here-label"))
                        .label(&u.path.span, t!("bad_script-script-used-here-label"))
                        .help(t!("bad_script-fix-rhai-syntax-funnel-help")),
                    );
                    None
                }
            };
            self.scripts.push(ScriptDef {
                path: path.clone(),
                source,
                span: u.span.clone(),
            });
            let script = self.scripts.len() - 1;
            if let Some(functions) = &compiled {
                for f in &u.functions {
                    let declared = f.params.len();
                    match functions.iter().find(|(n, _)| *n == f.name.name) {
                        None => self.error(
                            Diagnostic::error(
                                Code::BadScript,
                                t!(
                                    "bad_script-has-no-function",
                                    script = u.path.value,
                                    name = f.name.name
                                ),
                            )
                            .label(&f.span, t!("bad_script-declared-here-label"))
                            .help(t!(
                                "bad_script-define-fn-script-remove-help",
                                name = f.name.name
                            )),
                        ),
                        Some((_, n)) if *n != declared => self.error(
                            Diagnostic::error(
                                Code::WrongArity,
                                t!(
                                    "wrong_arity-takes-parameters-script-but",
                                    name = f.name.name,
                                    n = n,
                                    declared = declared
                                ),
                            )
                            .label(&f.span, t!("wrong_arity-declared-here-label"))
                            .help(t!("wrong_arity-make-declaration-match-script-help")),
                        ),
                        Some(_) => {}
                    }
                }
            }
            for f in &u.functions {
                let params = f
                    .params
                    .iter()
                    .map(|(n, t)| self.resolve_type(t, &n.name))
                    .collect();
                let ret = self.resolve_type(&f.ret, &f.name.name);
                self.define(&f.name, DefKind::ScriptFn, self.script_fns.len());
                self.script_fns.push(ScriptFnDef {
                    name: f.name.name.clone(),
                    params,
                    ret,
                    script,
                    span: f.span.clone(),
                });
            }
        }
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
}
