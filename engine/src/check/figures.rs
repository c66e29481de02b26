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
use funnel_locale::t;

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
                        t!("bad_test-reads-report-batch-leads", name = f.name),
                    )
                    .label(span, t!("bad_test-only-test-over-batch-label"))
                    .help(t!("bad_test-give-test-batch-given-help")),
                );
                return error;
            }
            TestScope::None => {
                self.error(
                    Diagnostic::error(
                        Code::UnknownFunction,
                        t!("unknown_function-exists-only-expect-lines", name = f.name),
                    )
                    .label(span, t!("unknown_function-function-here-label"))
                    .help(t!("unknown_function-metrics-aggregate-slas-are-help")),
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
                &t!("check-metric-aggregate-sla")
            };
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    t!("type_mismatch-takes-name", name = f.name, what = what),
                )
                .label(&args[0].span, t!("type_mismatch-name-label", what = what)),
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
                        t!("bad_test-metric-has-no-target", name = id.name),
                    )
                    .label(&id.span, t!("bad_test-metric-without-at-least-label"))
                    .help(t!(
                        "bad_test-give-metric-target-at-help",
                        name = id.name,
                        name2 = id.name
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
                let Some(text) = self.quoted(arg, &t!("check-period"), "\"2017-Q3\"") else {
                    return error;
                };
                let Some(unit) = unit else {
                    self.error(
                        Diagnostic::error(Code::BadTest, t!("bad_test-report-has-no-periods"))
                            .label(&arg.span, t!("bad_test-no-such-period-label"))
                            .help(t!("bad_test-expect-funnel-over-all-help", name = id.name)),
                    );
                    return error;
                };
                if crate::period::parse(unit, &text).is_none() {
                    let (noun, example) = unit_example(unit);
                    let whose = if funnel {
                        t!("check-report-funnel")
                    } else {
                        format!("`{}`", id.name)
                    };
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            t!("bad_test-report-writes", text = text, noun = noun),
                        )
                        .label(&arg.span, t!("bad_test-text-label", noun = noun))
                        .help(t!(
                            "bad_test-per-write-period-report-help",
                            whose = whose,
                            noun = noun,
                            example = example
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
                let Some(text) = self.quoted(arg, &t!("check-segment"), "\"sector=retail\"") else {
                    return error;
                };
                if !splits.iter().any(|dims| is_segment_of(&text, dims)) {
                    let help = if splits.is_empty() {
                        t!(
                            "check-has-no-split-by",
                            name = id.name,
                            name2 = f.name,
                            name3 = id.name
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
                        t!("check-rows-are-written", forms = forms.join(" or "))
                    };
                    self.error(
                        Diagnostic::error(
                            Code::BadTest,
                            t!("bad_test-segment", text = text, name = id.name),
                        )
                        .label(&arg.span, t!("bad_test-no-such-row-label"))
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
                t!("bad_test-written-report-labels-double", what = what),
            )
            .label(&arg.span, t!("bad_test-text-label-2"))
            .help(t!("bad_test-write-funnel-report-e-help", example = example)),
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
                    t!("unknown_sla-per-lead-sla-which", name = id.name),
                )
                .label(&id.span, t!("unknown_sla-per-lead-sla-label"))
                .help(t!(
                    "unknown_sla-expect-metric-aggregate-sla-help",
                    name = id.name
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
            &t!("noun-metric-or-aggregate-sla"),
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
