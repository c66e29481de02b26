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
use funnel_locale::t;

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
                        t!(
                            "duplicate_definition-two-tests-are-named",
                            test = t.name.value
                        ),
                    )
                    .label(
                        &t.name.span,
                        t!("duplicate_definition-named-again-here-label"),
                    )
                    .label(&first, t!("duplicate_definition-first-test-name-label"))
                    .help(t!("duplicate_definition-give-each-test-own-help")),
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
                        Diagnostic::error(
                            Code::BadTest,
                            t!("bad_test-test-gives-no-lead", test = t.name.value),
                        )
                        .label(&t.name.span, t!("bad_test-no-given-lead-label"))
                        .help(t!("bad_test-add-given-lead-id-help")),
                    );
                    None
                }
            };
            let at = match &t.at {
                Some(a) => {
                    let at = self.expr(a, &Env::lead(), None);
                    Some(self.want(at, &Ty::DateTime, &t!("check-instant-after-at")))
                }
                None => {
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            t!("bad_test-test-has-no-evaluation", test = t.name.value),
                        )
                        .label(&t.name.span, t!("bad_test-no-at-label"))
                        .help(t!("bad_test-add-at-2026-11-help")),
                    );
                    None
                }
            };
            if t.expects.is_empty() {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        t!("bad_test-test-expects-nothing", test = t.name.value),
                    )
                    .label(&t.name.span, t!("bad_test-no-expect-line-label"))
                    .help(t!("bad_test-add-what-must-hold-help")),
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
                .map(|e| self.condition(e, &env, &t!("check-expect-line")))
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
                    &t!("noun-table"),
                    name,
                    names.iter().map(String::as_str),
                ));
                continue;
            };
            if !batch {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        t!("bad_test-rows-go-batch-leads", name = name.name),
                    )
                    .label(&name.span, t!("bad_test-table-rows-label"))
                    .help(t!("bad_test-give-leads-batch-too-help")),
                );
                continue;
            }
            if out.iter().any(|(j, _)| *j == i) {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        t!("bad_test-rows-are-given-twice", name = name.name),
                    )
                    .label(&name.span, t!("bad_test-given-again-here-label"))
                    .help(t!("bad_test-give-each-table-once-help")),
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
                t!(
                    "bad_test-test-file-does-exist",
                    what = what,
                    resolved = resolved.display()
                ),
            )
            .label(&path.span, t!("bad_test-no-such-file-label"))
            .help(t!("bad_test-paths-are-relative-policy-help")),
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
                Diagnostic::error(Code::BadTest, t!("bad_test-test-batch-has-no"))
                    .label(&list.span, t!("bad_test-empty-list-label"))
                    .help(t!("bad_test-write-leads-records-given-help")),
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
                Diagnostic::error(Code::BadTest, t!("bad_test-test-lead-written-record"))
                    .label(&e.span, t!("bad_test-record-label")),
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
                        t!("unknown_field-no-field-2", name = name.name, def = def.name),
                    )
                    .label(&name.span, t!("unknown_field-unknown-field-label"))
                    .help(super::did_you_mean(
                        &name.name,
                        def.fields.iter().map(|f| f.name.as_str()),
                        &t!("noun-field"),
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
                    t!(
                        "check-lacks-required-field",
                        def = def.name,
                        field = names[0]
                    ),
                    t!("check-no-record", field = names[0]),
                )
            } else {
                (
                    t!(
                        "check-lacks-required-fields",
                        def = def.name,
                        fields = names.join(", ")
                    ),
                    t!("check-these-fields-are-record"),
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
                    .help(t!(
                        "bad_test-add-make-field-optional-help",
                        example = example.join(", "),
                        def = def.name
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
                            Diagnostic::error(Code::BadTest, t!("bad_test-test-lead-holds-values"))
                                .label(&e.span, t!("bad_test-literal-value-label")),
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
