//! The figures a test over a batch expects of its report: `metric(NAME, "PERIOD"[,
//! "SEGMENT"])`, `status(..)` and `funnel(STAGE[, "PERIOD"])`, checked against what the
//! report will hold (the name, the period's form for the figure's unit, the segment's
//! dimensions).

use super::expr::{Env, FigureShape, TestScope};
use super::suggest::unknown_name;
use super::{Checker, DefKind};
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::value::Value;
use funnel_grammar::ast::{self, ExprKind, Literal, PeriodUnit};
use funnel_grammar::Span;

impl Checker<'_> {
    /// `metric(..)`, `status(..)` or `funnel(..)`.
    pub(super) fn figure(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Expr],
        env: &Env,
        span: &Span,
    ) -> TExpr {
        let error = TExpr {
            kind: TKind::Const(Value::Missing),
            ty: Ty::Error,
            span: span.clone(),
        };
        let shape = match &env.test {
            TestScope::Batch(shape) => shape.clone(),
            TestScope::OneLead => {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        format!(
                            "`{}(..)` reads the report of a batch of leads, and this test has one lead",
                            f.name
                        ),
                    )
                    .label(span, "only in a test over a batch")
                    .help("give the test a batch (`given leads [{ ... }, { ... }]` or `given leads from \"leads.jsonl\"`), or expect the lead's own values (`stage == sql`)"),
                );
                return error;
            }
            TestScope::None => {
                self.error(
                    Diagnostic::error(
                        Code::UnknownFunction,
                        format!(
                            "`{}(..)` exists only in the `expect` lines of a test over a batch",
                            f.name
                        ),
                    )
                    .label(span, "not a function here")
                    .help("metrics and aggregate SLAs are figures over a period's leads: `funnel report` computes them, and a test with `given leads` can expect them"),
                );
                return error;
            }
        };
        let funnel = f.name == "funnel";
        let (min, max) = if funnel { (1, 3) } else { (2, 3) };
        if !self.arity(f, args, min, max, span) {
            return error;
        }
        let ExprKind::Name(id) = &args[0].kind else {
            let what = if funnel {
                "stage"
            } else {
                "metric or aggregate SLA"
            };
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!("`{}` takes the name of a {what}", f.name),
                )
                .label(&args[0].span, format!("not a {what} name")),
            );
            return error;
        };
        let (of, unit, splits, ty) = if funnel {
            let Some(s) = self.stage_named(id) else {
                return error;
            };
            (
                FigureOf::Stage(s),
                shape.main,
                &shape.funnel_splits[..],
                Ty::Int,
            )
        } else {
            let Some(fig) = shape.figures.get(&id.name) else {
                self.unknown_figure(id, &shape.figures, &shape.per_lead_slas);
                return error;
            };
            if let Some(def) = self.def_span(&id.name) {
                self.refer(&id.span, &def);
            }
            let status = f.name == "status";
            if status && !fig.target {
                self.error(
                    Diagnostic::error(
                        Code::BadTest,
                        format!("the metric `{}` has no target, so no status", id.name),
                    )
                    .label(&id.span, "a metric without `at least` or `at most`")
                    .help(format!(
                        "give `metric {}` a target (`at least T` or `at most T`), or expect its value: `metric({}, \"PERIOD\") >= ...`",
                        id.name, id.name
                    )),
                );
                return error;
            }
            let of = if fig.sla {
                FigureOf::Sla(id.name.clone())
            } else {
                FigureOf::Metric(id.name.clone())
            };
            let ty = if status {
                Ty::Enum(self.status_enum)
            } else {
                Ty::Number
            };
            (of, Some(fig.unit), &fig.splits[..], ty)
        };
        let period = match args.get(1) {
            None => None,
            Some(arg) => {
                let Some(text) = self.quoted(arg, "the period", "\"2017-Q3\"") else {
                    return error;
                };
                let Some(unit) = unit else {
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            "the report has no periods: no aggregate SLA or metric puts leads in one",
                        )
                        .label(&arg.span, "no such period")
                        .help(format!("expect the funnel over all the leads: `funnel({})`", id.name)),
                    );
                    return error;
                };
                if crate::period::parse(unit, &text).is_none() {
                    let (noun, example) = unit_example(unit);
                    let whose = if funnel {
                        "the report's funnel".to_string()
                    } else {
                        format!("`{}`", id.name)
                    };
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            format!("`{text}` is not a {noun} as the report writes it"),
                        )
                        .label(&arg.span, format!("not a {noun}"))
                        .help(format!(
                            "{whose} is per {noun}: write the period as the report labels it, e.g. `\"{example}\"`"
                        )),
                    );
                    return error;
                }
                Some(text)
            }
        };
        let segment = match args.get(2) {
            None => None,
            Some(arg) => {
                let Some(text) = self.quoted(arg, "the segment", "\"sector=retail\"") else {
                    return error;
                };
                if !splits.iter().any(|dims| is_segment_of(&text, dims)) {
                    let help = if splits.is_empty() {
                        format!(
                            "`{}` has no `split by`: expect its total, `{}({}, \"PERIOD\")`",
                            id.name, f.name, id.name
                        )
                    } else {
                        let forms: Vec<String> = splits
                            .iter()
                            .map(|dims| {
                                let row: Vec<String> =
                                    dims.iter().map(|d| format!("{d}=...")).collect();
                                format!("`\"{}\"`", row.join(", "))
                            })
                            .collect();
                        format!("its rows are written {}", forms.join(" or "))
                    };
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            format!("`{text}` is not a segment of `{}`", id.name),
                        )
                        .label(&arg.span, "no such row")
                        .help(help),
                    );
                    return error;
                }
                Some(text)
            }
        };
        TExpr {
            kind: TKind::Figure(Box::new(Figure {
                of,
                status: f.name == "status",
                period,
                segment,
            })),
            ty,
            span: span.clone(),
        }
    }

    /// A text literal argument (a period or a segment, as the report labels them).
    fn quoted(&mut self, arg: &ast::Expr, what: &str, example: &str) -> Option<String> {
        if let ExprKind::Lit(Literal::Text(t)) = &arg.kind {
            return Some(t.clone());
        }
        self.error(
            Diagnostic::error(
                Code::BadTest,
                format!("{what} is written as the report labels it, in double quotes"),
            )
            .label(&arg.span, "not a text")
            .help(format!("write it as in `funnel report`, e.g. `{example}`")),
        );
        None
    }

    fn unknown_figure(
        &mut self,
        id: &ast::Ident,
        figures: &std::collections::HashMap<String, FigureShape>,
        per_lead: &[String],
    ) {
        if per_lead.contains(&id.name) {
            self.error(
                Diagnostic::error(
                    Code::UnknownSla,
                    format!(
                        "`{}` is a per-lead SLA, which has no figure per period",
                        id.name
                    ),
                )
                .label(&id.span, "per-lead SLA")
                .help(format!(
                    "expect a metric or an aggregate SLA; a per-lead SLA is tested on one lead: `sla({}).state == met`",
                    id.name
                )),
            );
            return;
        }
        // A metric or SLA whose own check failed: its error is reported already.
        if self.broken.defines(&id.name)
            || matches!(
                self.defs.get(&id.name),
                Some((DefKind::Sla | DefKind::Metric, ..))
            )
        {
            return;
        }
        let mut names: Vec<&str> = figures.keys().map(String::as_str).collect();
        names.sort_unstable();
        self.error(unknown_name(
            Code::UnknownName,
            "metric or aggregate SLA",
            id,
            names,
        ));
    }
}

/// A unit's noun and a period label of it.
fn unit_example(unit: PeriodUnit) -> (&'static str, &'static str) {
    match unit {
        PeriodUnit::Day => ("day", "2018-04-30"),
        PeriodUnit::Week => ("week", "2018-W05"),
        PeriodUnit::Month => ("month", "2018-04"),
        PeriodUnit::Quarter => ("quarter", "2017-Q3"),
    }
}

/// Whether `text` is a row label of a `split by` line with these dimensions:
/// `sector=retail`, `sector=retail, grade(fit)=A`.
fn is_segment_of(text: &str, dims: &[String]) -> bool {
    let mut rest = text;
    for (i, dim) in dims.iter().enumerate() {
        let head = if i == 0 {
            format!("{dim}=")
        } else {
            format!(", {dim}=")
        };
        let Some(after) = rest.strip_prefix(head.as_str()) else {
            return false;
        };
        rest = match dims.get(i + 1) {
            // The value runs to the next dimension's name.
            Some(next) => match after.find(&format!(", {next}=")) {
                Some(end) => &after[end..],
                None => return false,
            },
            None => "",
        };
    }
    true
}
