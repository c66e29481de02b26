//! Test blocks: each test's lead, written as a record literal or read from a JSON file (or
//! its batch of leads, inline or from a JSONL, CSV or JSON file), its instant and its
//! expectations.

use super::expr::{Env, FigureShape, ReportShape};
use super::Checker;
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::value::Value;
use funnel_grammar::ast::{self, ExprKind, Item};
use funnel_grammar::Span;

impl<'a> Checker<'a> {
    pub(super) fn check_tests(
        &mut self,
        slas: &[SlaDef],
        metrics: &[MetricDef],
        funnel_splits: &[SplitDef],
    ) -> Vec<TestDef> {
        let mut shape = report_shape(slas, metrics);
        shape.funnel_splits = funnel_splits.iter().map(|s| s.names.clone()).collect();
        let shape = std::sync::Arc::new(shape);
        let tests: Vec<(
            &'a ast::Test,
            &'a std::sync::Arc<funnel_grammar::SourceFile>,
        )> = self
            .files
            .iter()
            .flat_map(|(file, f)| {
                f.items.iter().filter_map(move |i| match i {
                    Item::Test(t) => Some((t, file)),
                    _ => None,
                })
            })
            .collect();
        let mut seen: std::collections::HashMap<String, Span> = Default::default();
        let mut out = Vec::new();
        for (t, file) in tests {
            if let Some(first) = seen.get(&t.name.value) {
                let first = first.clone();
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("two tests are named \"{}\"", t.name.value),
                    )
                    .label(&t.name.span, "named again here")
                    .label(&first, "first test with this name")
                    .help("give each test its own name, so a failure says which one"),
                );
            }
            seen.insert(t.name.value.clone(), t.name.span.clone());
            let lead = match &t.given {
                Some(ast::Given::Inline(e)) => self.lead.and_then(|l| {
                    self.record_value(e, l).map(|v| {
                        TestLead::Inline(TExpr {
                            kind: TKind::Const(v),
                            ty: Ty::Record(l),
                            span: e.span.clone(),
                        })
                    })
                }),
                Some(ast::Given::File(path)) => self
                    .test_file(file, path, "lead")
                    .map(|p| TestLead::File(p, path.span.clone())),
                Some(ast::Given::LeadsFile(path)) => self
                    .test_file(file, path, "leads")
                    .map(|p| TestLead::BatchFile(p, path.span.clone())),
                Some(ast::Given::Leads(list)) => self.lead.and_then(|l| self.batch_rows(list, l)),
                None => {
                    self.error(
                        Diagnostic::error(Code::BadTest, format!("the test \"{}\" gives no lead", t.name.value))
                            .label(&t.name.span, "no `given lead`")
                            .help("add `given lead { id: \"t1\", ... }` or `given lead from \"lead.json\"`, or a batch: `given leads from \"leads.jsonl\"`"),
                    );
                    None
                }
            };
            let at = match &t.at {
                Some(a) => {
                    let at = self.expr(a, &Env::lead(), None);
                    Some(self.want(at, &Ty::DateTime, "the instant after `at`"))
                }
                None => {
                    self.error(
                        Diagnostic::error(Code::BadTest, format!("the test \"{}\" has no evaluation instant", t.name.value))
                            .label(&t.name.span, "no `at`")
                            .help("add `at 2026-11-26T10:00:00-03:00` so the test gives the same result every day"),
                    );
                    None
                }
            };
            if t.expects.is_empty() {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        format!("the test \"{}\" expects nothing", t.name.value),
                    )
                    .label(&t.name.span, "no `expect` line")
                    .help("add what must hold, e.g. `expect stage == mql`"),
                );
            }
            let batch = t.given.as_ref().is_some_and(|g| g.is_batch());
            let tables = self.test_tables(file, t, batch);
            let saved = std::mem::take(&mut self.deps);
            let env = match &t.given {
                Some(g) if g.is_batch() => Env::batch_test(shape.clone()),
                _ => Env::one_lead_test(),
            };
            let expects = t
                .expects
                .iter()
                .map(|e| self.condition(e, &env, "an `expect` line"))
                .collect();
            self.deps = saved;
            if let (Some(lead), Some(at)) = (lead, at) {
                out.push(TestDef {
                    name: t.name.value.clone(),
                    lead,
                    tables,
                    at,
                    expects,
                    span: t.span.clone(),
                });
            }
        }
        out
    }

    /// A batch test's `given TABLE [..]` / `given TABLE from "file"` lines.
    fn test_tables(
        &mut self,
        file: &funnel_grammar::SourceFile,
        t: &ast::Test,
        batch: bool,
    ) -> Vec<(usize, TestLead)> {
        let mut out = Vec::new();
        for (name, rows) in &t.tables {
            let Some(i) = self.tables.iter().position(|d| d.name == name.name) else {
                let names: Vec<String> = self.tables.iter().map(|d| d.name.clone()).collect();
                self.error(super::suggest::unknown_name(
                    Code::UnknownName,
                    "table",
                    name,
                    names.iter().map(String::as_str),
                ));
                continue;
            };
            if !batch {
                self.error(
                    Diagnostic::error(Code::BadTest, format!("the rows of `{}` go with a batch of leads", name.name))
                        .label(&name.span, "a table's rows")
                        .help("give the leads as a batch too: `given leads [ ... ]` or `given leads from \"leads.jsonl\"`"),
                );
                continue;
            }
            if out.iter().any(|(j, _)| *j == i) {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        format!("the rows of `{}` are given twice", name.name),
                    )
                    .label(&name.span, "given again here")
                    .help("give each table once (its rows would count twice)"),
                );
                continue;
            }
            let record = self.tables[i].record;
            let rows = match rows {
                ast::Given::LeadsFile(path) | ast::Given::File(path) => self
                    .test_file(file, path, "rows")
                    .map(|p| TestLead::BatchFile(p, path.span.clone())),
                ast::Given::Leads(list) | ast::Given::Inline(list) => self.batch_rows(list, record),
            };
            if let Some(rows) = rows {
                out.push((i, rows));
            }
        }
        out
    }

    /// A test's lead or leads file, resolved against the policy file (it must exist).
    fn test_file(
        &mut self,
        file: &funnel_grammar::SourceFile,
        path: &ast::StrLit,
        what: &str,
    ) -> Option<std::path::PathBuf> {
        let resolved = crate::source::relative_to(file, &path.value);
        if resolved.is_file() {
            return Some(resolved);
        }
        self.error(
            Diagnostic::error(
                Code::BadTest,
                format!(
                    "the test {what} file `{}` does not exist",
                    resolved.display()
                ),
            )
            .label(&path.span, "no such file")
            .help("paths are relative to the policy file"),
        );
        None
    }

    /// `given leads [{ ... }, ...]`: each record checked against the lead schema.
    fn batch_rows(&mut self, list: &ast::Expr, lead: RecordId) -> Option<TestLead> {
        let ExprKind::List(items) = &list.kind else {
            return None;
        };
        if items.is_empty() {
            self.error(
                Diagnostic::error(Code::BadTest, "the test's batch has no lead")
                    .label(&list.span, "an empty list")
                    .help("write the leads as records: `given leads [{ id: \"a\", ... }, { id: \"b\", ... }]`"),
            );
            return None;
        }
        let mut rows = Vec::new();
        let mut ok = true;
        for item in items {
            match self.record_value(item, lead) {
                Some(v) => rows.push(TExpr {
                    kind: TKind::Const(v),
                    ty: Ty::Record(lead),
                    span: item.span.clone(),
                }),
                None => ok = false,
            }
        }
        ok.then_some(TestLead::Batch(rows))
    }

    /// Turns a record literal into a value of the given record type, field by field.
    fn record_value(&mut self, e: &ast::Expr, record: RecordId) -> Option<Value> {
        let ExprKind::Record(fields) = &e.kind else {
            self.error(
                Diagnostic::error(
                    Code::BadTest,
                    "a test's lead is written as a record: `{ id: \"t1\", ... }`",
                )
                .label(&e.span, "not a record"),
            );
            return None;
        };
        let def = self.records[record].clone();
        let mut values = vec![Value::Missing; def.fields.len()];
        let mut ok = true;
        for (name, value) in fields {
            let Some(slot) = def.fields.iter().position(|f| f.name == name.name) else {
                self.error(
                    Diagnostic::error(
                        Code::UnknownField,
                        format!("no field `{}` in `{}`", name.name, def.name),
                    )
                    .label(&name.span, "unknown field")
                    .help(super::did_you_mean(
                        &name.name,
                        def.fields.iter().map(|f| f.name.as_str()),
                        "field",
                    )),
                );
                ok = false;
                continue;
            };
            self.refer(&name.span, &def.fields[slot].span);
            match self.literal_value(value, &def.fields[slot].ty, &format!("`{}`", name.name)) {
                Some(v) => values[slot] = v,
                None => ok = false,
            }
        }
        let missing: Vec<&FieldDef> = def
            .fields
            .iter()
            .enumerate()
            .filter(|(slot, f)| {
                !f.optional
                    && values[*slot] == Value::Missing
                    && !fields.iter().any(|(n, _)| n.name == f.name)
            })
            .map(|(_, f)| f)
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|f| format!("`{}`", f.name)).collect();
            let example: Vec<String> = missing
                .iter()
                .map(|f| format!("{}: {}", f.name, self.example_value(&f.ty)))
                .collect();
            let (message, label) = if missing.len() == 1 {
                (
                    format!("this {} lacks the required field {}", def.name, names[0]),
                    format!("no {} in this record", names[0]),
                )
            } else {
                (
                    format!(
                        "this {} lacks the required fields {}",
                        def.name,
                        names.join(", ")
                    ),
                    "these fields are not in this record".to_string(),
                )
            };
            // The opening brace: a label over the whole record would repeat it all.
            let open = Span::new(
                e.span.file.clone(),
                e.span.start,
                (e.span.start + 1).min(e.span.end),
            );
            self.error(
                Diagnostic::error(Code::BadTest, message)
                    .label(&open, label)
                    .help(format!(
                        "add `{}`, or make the field optional with `?` in `schema {}`",
                        example.join(", "),
                        def.name
                    )),
            );
            ok = false;
        }
        ok.then(|| Value::Record(values.into()))
    }

    /// A value of a type as it would be written in a test lead, for help lines.
    fn example_value(&self, ty: &Ty) -> String {
        match ty {
            Ty::Text => "\"...\"".into(),
            Ty::Int | Ty::Number => "0".into(),
            Ty::Bool => "false".into(),
            Ty::Date => "2026-01-01".into(),
            Ty::DateTime => "2026-01-01T09:00:00-03:00".into(),
            Ty::Duration => "1h".into(),
            Ty::Enum(e) => self.enums[*e].values.first().cloned().unwrap_or_default(),
            Ty::List(_) => "[]".into(),
            Ty::Record(_) => "{ ... }".into(),
            Ty::Regex | Ty::Error => "...".into(),
        }
    }

    /// A literal value of a given type (test leads hold only literals).
    fn literal_value(&mut self, e: &ast::Expr, ty: &Ty, what: &str) -> Option<Value> {
        match (ty, &e.kind) {
            (Ty::Record(r), _) => self.record_value(e, *r),
            (Ty::List(inner), ExprKind::List(items)) => {
                let values: Option<Vec<Value>> = items
                    .iter()
                    .map(|i| self.literal_value(i, inner, what))
                    .collect();
                values.map(|v| Value::List(v.into()))
            }
            _ => {
                let t = self.expr(e, &Env::lead(), Some(ty));
                let t = self.want(t, ty, what);
                match (t.kind, ty) {
                    (TKind::Const(Value::Int(i)), Ty::Number) => Some(Value::Number(i as f64)),
                    (TKind::Const(v), _) if t.ty != Ty::Error => Some(v),
                    (_, _) if t.ty == Ty::Error => None,
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::BadTest,
                                "a test lead holds values, not computations",
                            )
                            .label(&e.span, "not a literal value"),
                        );
                        None
                    }
                }
            }
        }
    }
}

/// What the report of a test's batch holds: its metrics and aggregate SLAs, their periods and
/// segments, and the funnel's period (as `report::Plan` chooses it).
fn report_shape(slas: &[SlaDef], metrics: &[MetricDef]) -> ReportShape {
    let splits = |s: &[SplitDef]| s.iter().map(|s| s.names.clone()).collect();
    let mut shape = ReportShape::default();
    for s in slas {
        match &s.body {
            SlaBody::Aggregate { period, .. } => {
                shape.figures.entry(s.name.clone()).or_insert(FigureShape {
                    sla: true,
                    unit: period.unit,
                    target: true,
                    splits: splits(&s.splits),
                });
                if shape.main.is_none() && period.by.is_some() {
                    shape.main = Some(period.unit);
                }
            }
            SlaBody::Lead(_) => shape.per_lead_slas.push(s.name.clone()),
        }
    }
    for m in metrics {
        shape.figures.entry(m.name.clone()).or_insert(FigureShape {
            sla: false,
            unit: m.period.unit,
            target: m.goal.is_some(),
            splits: splits(&m.splits),
        });
    }
    shape.main = shape.main.or(metrics.first().map(|m| m.period.unit));
    shape
}
