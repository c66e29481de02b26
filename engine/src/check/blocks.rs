//! Personas, scores, grades, stages, routes and metrics.

use super::expr::Env;
use super::suggest::as_percent;
use super::Checker;
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::value::Value;
use funnel_grammar::ast::{self, ExprKind, Item, Literal};
use funnel_grammar::Span;
use funnel_locale::t;

/// A number literal's value, for settings that must be written as constants.
fn const_number(e: &ast::Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Lit(Literal::Number(n)) => Some(n.value),
        ExprKind::Lit(Literal::Percent(p)) => Some(*p),
        ExprKind::Neg(inner) => const_number(inner).map(|v| -v),
        _ => None,
    }
}

/// A duration literal's seconds.
pub(super) fn const_duration(e: &ast::Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Lit(Literal::Duration(s)) => Some(*s),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn check_personas(&mut self) -> Vec<PersonaDef> {
        let personas = self.personas_ast.clone();
        personas
            .iter()
            .enumerate()
            .map(|(i, p)| {
                self.begin_node();
                let conditions = p
                    .conditions
                    .iter()
                    .map(|c| self.condition(c, &Env::lead(), &t!("check-persona-condition")))
                    .collect();
                self.end_node(Node::Persona(i), &p.name.span);
                PersonaDef {
                    name: p.name.name.clone(),
                    label: p.label.as_ref().map(|l| l.value.clone()),
                    conditions,
                    span: p.span.clone(),
                }
            })
            .collect()
    }

    pub(super) fn check_scores(&mut self) -> Vec<ScoreDef> {
        let scores = self.scores_ast.clone();
        scores
            .iter()
            .enumerate()
            .map(|(i, s)| {
                self.begin_node();
                let rules = s.rules.iter().map(|r| self.check_rule(r)).collect();
                let clamp = s.clamp.as_ref().and_then(|c| {
                    if c.lo.value > c.hi.value {
                        self.error(
                            Diagnostic::error(
                                Code::BadClamp,
                                t!(
                                    "bad_clamp-clamp-has-bounds-reversed",
                                    lo = c.lo.value,
                                    hi = c.hi.value
                                ),
                            )
                            .label(&c.span, t!("bad_clamp-low-bound-above-high-label"))
                            .help(t!(
                                "bad_clamp-write-clamp-help",
                                hi = c.hi.value,
                                lo = c.lo.value
                            )),
                        );
                        None
                    } else {
                        Some((c.lo.value, c.hi.value))
                    }
                });
                let decay = s
                    .decay
                    .as_ref()
                    .and_then(|d| self.check_decay(d).map(|def| (def, d.span.clone())));
                self.end_node(Node::Score(i), &s.name.span);
                ScoreDef {
                    name: s.name.name.clone(),
                    label: s.label.as_ref().map(|l| l.value.clone()),
                    rules,
                    clamp,
                    decay,
                    span: s.span.clone(),
                }
            })
            .collect()
    }

    fn check_rule(&mut self, r: &ast::ScoreRule) -> ScoreRuleDef {
        if r.points.value == 0.0 {
            self.error(
                Diagnostic::warning(Code::ZeroPoints, t!("zero_points-rule-worth-0-points"))
                    .label(&r.points.span, t!("zero_points-0-points-label"))
                    .help(t!("zero_points-give-points-5-when-help")),
            );
        }
        let rule = match &r.kind {
            ast::RuleKind::When(c) => {
                RuleDef::When(self.condition(c, &Env::lead(), &t!("check-when-condition")))
            }
            ast::RuleKind::Per(e) => {
                let t = self.expr(e, &Env::lead(), None);
                RuleDef::Per(self.want(t, &Ty::Number, &t!("check-value-after-per")))
            }
        };
        if let Some(m) = &r.max {
            if m.value <= 0.0 {
                self.error(
                    Diagnostic::error(Code::BadNumber, t!("bad_number-rule-max-must-above"))
                        .label(&m.span, t!("bad_number-above-0-label"))
                        .help(t!("bad_number-max-caps-points-one-help")),
                );
            }
        }
        ScoreRuleDef {
            points: r.points.value,
            rule,
            max: r.max.as_ref().map(|m| m.value),
            span: r.span.clone(),
        }
    }

    fn check_decay(&mut self, d: &ast::Decay) -> Option<DecayDef> {
        let since = self.expr(&d.since, &Env::lead(), None);
        let since = self.want(since, &Ty::DateTime, &t!("check-instant-after-since"));
        let positive = |c: &mut Self, e: &ast::Expr, what: &str| -> Option<i64> {
            match const_duration(e) {
                Some(s) if s > 0 => {
                    c.minutes_in_decay(e, s);
                    Some(s)
                }
                _ => {
                    c.error(
                        Diagnostic::error(
                            Code::BadDecay,
                            t!("bad_decay-decay-must-positive-duration", what = what),
                        )
                        .label(&e.span, t!("bad_decay-positive-duration-label"))
                        .help(t!("bad_decay-write-duration-such-30d-help")),
                    );
                    None
                }
            }
        };
        match &d.kind {
            ast::DecayKind::Step { percent, every } => {
                let p = match (&percent.kind, const_number(percent)) {
                    (ExprKind::Lit(Literal::Percent(_)), Some(p)) if p > 0.0 && p <= 1.0 => Some(p),
                    (kind, _) => {
                        let help = match kind {
                            ExprKind::Lit(Literal::Number(n))
                                if n.value > 0.0 && n.value <= 1.0 =>
                            {
                                t!(
                                    "check-write-percent",
                                    percent = as_percent(n.span.text(), n.value)
                                )
                            }
                            _ => t!("bad_decay-write-decay-help"),
                        };
                        self.error(
                            Diagnostic::error(
                                Code::BadDecay,
                                t!("bad_decay-decay-rate-must-percent"),
                            )
                            .label(&percent.span, t!("bad_decay-rate-label"))
                            .help(help),
                        );
                        None
                    }
                };
                let every = positive(self, every, "step");
                Some(DecayDef::Step {
                    percent: p?,
                    every: every?,
                    since,
                })
            }
            ast::DecayKind::HalfLife { half_life } => Some(DecayDef::HalfLife {
                half_life: positive(self, half_life, "half-life")?,
                since,
            }),
        }
    }

    /// `decay 50% every 1m` decays every minute: `m` is minutes, and there are no months.
    fn minutes_in_decay(&mut self, e: &ast::Expr, secs: i64) {
        let text = e.span.text();
        if secs >= 3600 || !text.split_whitespace().any(|p| p.ends_with('m')) {
            return;
        }
        let length = match (secs / 60, secs % 60) {
            (1, 0) => t!("check-one-minute"),
            (m, 0) => t!("check-minutes", minutes = m),
            _ => t!("check-seconds", seconds = secs),
        };
        self.error(
            Diagnostic::warning(
                Code::AmbiguousDuration,
                t!(
                    "ambiguous_duration-durations-m-means-minutes",
                    text = text,
                    length = length
                ),
            )
            .label(&e.span, t!("ambiguous_duration-minutes-months-label"))
            .help(t!("ambiguous_duration-there-are-no-months-help")),
        );
    }

    /// Grades give their score an enum of letters, needed before expressions are checked.
    pub(super) fn declare_grades(&mut self) {
        let grades: Vec<&'a ast::Grade> = self
            .items()
            .filter_map(|i| match i {
                Item::Grade(g) => Some(g),
                _ => None,
            })
            .collect();
        for &g in &grades {
            let Some(&(super::DefKind::Score, score, _)) = self.defs.get(&g.score.name) else {
                if self.broken.defines(&g.score.name) {
                    continue;
                }
                let names: Vec<String> = self
                    .scores_ast
                    .iter()
                    .map(|s| s.name.name.clone())
                    .collect();
                self.error(
                    Diagnostic::error(
                        Code::UnknownScore,
                        t!("unknown_score-cannot-grade-no-score", score = g.score.name),
                    )
                    .label(&g.score.span, t!("unknown_score-unknown-score-label"))
                    .help(super::did_you_mean(
                        &g.score.name,
                        names.iter().map(|s| s.as_str()),
                        &t!("noun-score"),
                    )),
                );
                // `grade intnet` was meant for `intent`: its uses are not reported again.
                if let Some(meant) =
                    super::suggest::closest(&g.score.name, names.iter().map(|s| s.as_str()))
                {
                    self.broken.grades.insert(meant.to_string());
                }
                continue;
            };
            if let Some(def) = self.def_span(&g.score.name) {
                self.refer(&g.score.span, &def);
            }
            if let Some(&other) = self.grade_of.get(&score) {
                let first = &self.grades[other].span;
                let other_span = grades
                    .iter()
                    .find(|x| x.span.same_place(first))
                    .map_or_else(|| first.clone(), |x| x.score.span.clone());
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        t!(
                            "duplicate_definition-score-graded-twice",
                            score = g.score.name
                        ),
                    )
                    .label(
                        &g.score.span,
                        t!("duplicate_definition-graded-again-here-label"),
                    )
                    .label(
                        &other_span,
                        t!("duplicate_definition-first-graded-here-label"),
                    )
                    .help(t!("duplicate_definition-keep-one-grade-block-help")),
                );
                continue;
            }
            let mut letters: Vec<String> = Vec::new();
            let mut bands = Vec::new();
            for b in &g.bands {
                if letters.contains(&b.letter.name) {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            t!(
                                "duplicate_definition-letter-used-twice",
                                letter = b.letter.name
                            ),
                        )
                        .label(
                            &b.letter.span,
                            t!("duplicate_definition-used-again-here-label"),
                        )
                        .help(t!("duplicate_definition-each-band-needs-own-help")),
                    );
                    continue;
                }
                letters.push(b.letter.name.clone());
                bands.push(((letters.len() - 1) as u16, b.strict, b.threshold.value));
            }
            let otherwise = match &g.otherwise {
                Some(o) if !letters.contains(&o.name) => {
                    letters.push(o.name.clone());
                    (letters.len() - 1) as u16
                }
                Some(o) => {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            t!("duplicate_definition-letter-used-twice-2", o = o.name),
                        )
                        .label(
                            &o.span,
                            t!("duplicate_definition-else-repeats-band-letter-label"),
                        )
                        .help(t!("duplicate_definition-else-letter-must-differ-help")),
                    );
                    0
                }
                None => {
                    let suggestion = ["D", "C", "E", "F", "low"]
                        .iter()
                        .find(|l| !letters.iter().any(|x| x == *l))
                        .unwrap_or(&"other");
                    self.error(
                        Diagnostic::error(
                            Code::MissingElse,
                            t!("missing_else-grade-has-no-else", score = g.score.name),
                        )
                        .label(
                            g.bands.last().map_or(&g.span, |b| &b.span),
                            t!("missing_else-score-below-gets-no-label"),
                        )
                        .help(t!(
                            "missing_else-end-grade-else-help",
                            suggestion = suggestion
                        )),
                    );
                    0
                }
            };
            let missing_else = g.otherwise.is_none();
            let letters = self.add_enum(format!("grade of {}", g.score.name), letters, false);
            if missing_else {
                // The letter meant for `else` is unknown: its uses are not reported.
                self.open_enums.insert(letters);
            }
            self.grades.push(GradeDef {
                score,
                letters,
                bands,
                otherwise,
                span: g.span.clone(),
            });
            self.grade_of.insert(score, self.grades.len() - 1);
        }
    }

    /// Thresholds must descend; a band below a higher one's threshold, or outside the clamp,
    /// can never be reached.
    pub(super) fn check_grades(&mut self) {
        let grades: Vec<&'a ast::Grade> = self
            .items()
            .filter_map(|i| match i {
                Item::Grade(g) => Some(g),
                _ => None,
            })
            .collect();
        for (gi, def) in self.grades.clone().iter().enumerate() {
            let Some(g) = grades.iter().find(|g| g.span.same_place(&def.span)) else {
                continue;
            };
            self.graph.insert(
                Node::Grade(gi),
                (
                    [(Node::Score(def.score), g.score.span.clone())].into(),
                    g.score.span.clone(),
                ),
            );
            let clamp = self.scores_ast[def.score]
                .clamp
                .as_ref()
                .map(|c| (c.lo.value, c.hi.value))
                .filter(|(lo, hi)| lo <= hi);
            let mut prev: Option<&ast::GradeBand> = None;
            for b in &g.bands {
                if let Some(p) = prev {
                    let shadowed = b.threshold.value > p.threshold.value
                        || (b.threshold.value == p.threshold.value && (b.strict || !p.strict));
                    if shadowed {
                        let (ps, bs) = (p.span.clone(), b.span.clone());
                        self.error(
                            Diagnostic::warning(
                                Code::ThresholdsOutOfOrder,
                                t!(
                                    "thresholds_out_of_order-grade-can-never-given",
                                    letter = b.letter.name,
                                    letter2 = p.letter.name
                                ),
                            )
                            .label(&bs, t!("thresholds_out_of_order-unreachable-band-label"))
                            .label(&ps, t!("thresholds_out_of_order-band-comes-first-label"))
                            .help(t!("thresholds_out_of_order-list-bands-from-highest-help")),
                        );
                    }
                }
                if let Some((lo, hi)) = clamp {
                    if b.threshold.value > hi || (b.strict && b.threshold.value >= hi) {
                        self.error(
                            Diagnostic::warning(
                                Code::UnreachableGrade,
                                t!(
                                    "unreachable_grade-grade-needs-more-than",
                                    letter = b.letter.name,
                                    score = g.score.name,
                                    lo = lo,
                                    hi = hi
                                ),
                            )
                            .label(&b.threshold.span, t!("unreachable_grade-above-clamp-label"))
                            .help(t!("unreachable_grade-lower-threshold-less-help", hi = hi)),
                        );
                    }
                }
                prev = Some(b);
            }
            if let (Some((lo, _)), Some(last), Some(o)) = (clamp, g.bands.last(), &g.otherwise) {
                if last.threshold.value <= lo && !last.strict {
                    self.error(
                        Diagnostic::warning(
                            Code::UnreachableGrade,
                            t!(
                                "unreachable_grade-grade-can-never-given",
                                o = o.name,
                                score = g.score.name,
                                lo = lo
                            ),
                        )
                        .label(&o.span, t!("unreachable_grade-unreachable-else-label"))
                        .help(t!(
                            "unreachable_grade-raise-lowest-threshold-above-help",
                            lo = lo
                        )),
                    );
                }
            }
        }
    }

    /// A set has at most one block of some kinds (`stages`, `route`): each extra one is an
    /// error pointing at both.
    fn one_block(&mut self, spans: &[&Span], keyword: &str, help: &str) {
        for extra in spans.iter().skip(1) {
            self.error(
                Diagnostic::error(
                    Code::Duplicate,
                    t!("duplicate_definition-policy-set-has-one", keyword = keyword),
                )
                .label(
                    extra,
                    t!("duplicate_definition-second-block-label", keyword = keyword),
                )
                .label(spans[0], t!("duplicate_definition-first-one-here-label"))
                .help(help),
            );
        }
    }

    /// Stage names form an ordered enum, needed before expressions are checked.
    pub(super) fn declare_stages(&mut self, blocks: &[&ast::Stages]) {
        let spans: Vec<&Span> = blocks.iter().map(|b| &b.span).collect();
        self.one_block(&spans, "stages", &t!("check-list-every-stage-first"));
        let mut names: Vec<String> = Vec::new();
        if let Some(b) = blocks.first() {
            for s in &b.stages {
                if let Some(i) = names.iter().position(|n| *n == s.name.name) {
                    let first = b.stages[i].name.span.clone();
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            t!(
                                "duplicate_definition-stage-listed-twice",
                                name = s.name.name
                            ),
                        )
                        .label(
                            &s.name.span,
                            t!("duplicate_definition-listed-again-here-label"),
                        )
                        .label(&first, t!("duplicate_definition-first-listed-here-label"))
                        .help(t!("duplicate_definition-each-stage-appears-once-help")),
                    );
                }
                names.push(s.name.name.clone());
            }
        }
        self.stage_enum = self.add_enum("stage", names, true);
        if blocks.is_empty() || self.broken.stages {
            // No stages are known: the missing or broken block is reported once, not at every
            // stage name.
            self.open_enums.insert(self.stage_enum);
        }
    }

    pub(super) fn check_stages(&mut self, block: Option<&ast::Stages>) -> Vec<StageDef> {
        let Some(block) = block else {
            if self.broken.stages {
                return Vec::new();
            }
            let d = Diagnostic::error(Code::BadStage, t!("bad_stage-policy-set-has-no"))
                .help(t!("bad_stage-list-stages-help"));
            self.error(self.at_header(d, &t!("check-no-stages-any-file")));
            return Vec::new();
        };
        self.begin_node();
        let mut out = Vec::new();
        for (i, s) in block.stages.iter().enumerate() {
            let when = s
                .when
                .as_ref()
                .map(|w| self.condition(w, &Env::lead(), &t!("check-stage-condition")));
            match (i, &s.when) {
                (0, Some(w)) => self.error(
                    Diagnostic::error(
                        Code::BadStage,
                        t!("bad_stage-first-stage-cannot-have", name = s.name.name),
                    )
                    .label(&w.span, t!("bad_stage-every-lead-starts-first-label"))
                    .help(t!("bad_stage-remove-when-list-stage-help")),
                ),
                (i, None) if i > 0 => self.error(
                    Diagnostic::error(
                        Code::BadStage,
                        t!("bad_stage-stage-has-no-when", name = s.name.name),
                    )
                    .label(&s.name.span, t!("bad_stage-only-first-stage-has-label"))
                    .help(t!(
                        "bad_stage-say-when-lead-reaches-help",
                        name = s.name.name
                    )),
                ),
                _ => {}
            }
            if let (Some(b), None) = (&s.because, &s.when) {
                self.error(
                    Diagnostic::error(Code::BadStage, t!("bad_stage-exclusion-needs-condition"))
                        .label(&b.span, t!("bad_stage-reason-without-condition-label"))
                        .help(t!("bad_stage-write-name-when-condition-help")),
                );
            }
            if let Some(w) = &when {
                if let TKind::Const(Value::Bool(false)) = w.kind {
                    self.error(
                        Diagnostic::warning(
                            Code::UnreachableStage,
                            t!("unreachable_stage-no-lead-can-reach", name = s.name.name),
                        )
                        .label(&w.span, t!("unreachable_stage-always-false-label"))
                        .help(t!("unreachable_stage-fix-condition-remove-stage-help")),
                    );
                }
            }
            let at = s.at.as_ref().and_then(|at| self.stage_at(at, true));
            out.push(StageDef {
                name: s.name.name.clone(),
                at,
                when,
                because: s.because.as_ref().map(|b| b.value.clone()),
                span: s.span.clone(),
            });
        }
        // A later (non-exclusion) stage with the same condition always wins over this one.
        for (i, s) in block.stages.iter().enumerate() {
            let (Some(w), None) = (&s.when, &s.because) else {
                continue;
            };
            if let Some(later) = block.stages[i + 1..]
                .iter()
                .find(|l| l.because.is_none() && l.when.as_ref() == Some(w))
            {
                let later_span = later.name.span.clone();
                self.error(
                    Diagnostic::warning(
                        Code::UnreachableStage,
                        t!(
                            "unreachable_stage-no-lead-can-stay",
                            name = s.name.name,
                            name2 = later.name.name
                        ),
                    )
                    .label(
                        &s.name.span,
                        t!("unreachable_stage-unreachable-stage-label"),
                    )
                    .label(
                        &later_span,
                        t!("unreachable_stage-later-stage-always-wins-label"),
                    )
                    .help(t!("unreachable_stage-lead-stage-last-listed-help")),
                );
            }
        }
        self.end_node(Node::Stages, &block.span);
        out
    }

    /// A stage's `at FIELD`: a date or datetime field of the lead. `report` says whether to
    /// report what is wrong (once, when the stages are checked; not again at each
    /// `reached_at`).
    pub(super) fn stage_at(&mut self, at: &ast::Ident, report: bool) -> Option<TExpr> {
        let lead = self.lead?;
        let fields = &self.records[lead].fields;
        let Some(slot) = fields.iter().position(|f| f.name == at.name) else {
            if report {
                let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                self.error(super::suggest::unknown_name(
                    Code::UnknownField,
                    &t!("noun-field"),
                    at,
                    names.iter().map(String::as_str),
                ));
            }
            return None;
        };
        let (ty, def) = (fields[slot].ty.clone(), fields[slot].span.clone());
        self.refer(&at.span, &def);
        if !matches!(ty, Ty::Date | Ty::DateTime) {
            if report {
                let found = self.ty_name(&ty);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-date-datetime", at = at.name, found = found),
                    )
                    .label(
                        &at.span,
                        t!("type_mismatch-instant-stage-was-reached-label"),
                    )
                    .help(t!("type_mismatch-name-date-datetime-field-help")),
                );
            }
            return None;
        }
        Some(TExpr {
            kind: TKind::Field(slot),
            ty,
            span: at.span.clone(),
        })
    }

    pub(super) fn declare_routes(&mut self, blocks: &[&ast::Route]) {
        let spans: Vec<&Span> = blocks.iter().map(|b| &b.span).collect();
        self.one_block(&spans, "route", &t!("check-list-every-branch-one"));
        let mut names: Vec<String> = Vec::new();
        if let Some(b) = blocks.first() {
            for r in &b.branches {
                if !names.contains(&r.name.name) {
                    names.push(r.name.name.clone());
                }
            }
        }
        self.route_enum = self.add_enum("route", names, false);
        if self.broken.route {
            self.open_enums.insert(self.route_enum);
        }
    }

    pub(super) fn check_routes(&mut self, block: Option<&ast::Route>) -> Vec<RouteDef> {
        let Some(block) = block else {
            return Vec::new();
        };
        self.begin_node();
        let mut out = Vec::new();
        let mut otherwise_seen: Option<Span> = None;
        for r in &block.branches {
            if let Some(o) = &otherwise_seen {
                let o = o.clone();
                self.error(
                    Diagnostic::warning(
                        Code::UnreachableRoute,
                        t!(
                            "unreachable_route-branch-comes-after-otherwise",
                            name = r.name.name
                        ),
                    )
                    .label(&r.span, t!("unreachable_route-unreachable-branch-label"))
                    .label(&o, t!("unreachable_route-otherwise-takes-every-lead-label"))
                    .help(t!("unreachable_route-move-otherwise-end-help")),
                );
            }
            let when = r
                .when
                .as_ref()
                .map(|w| self.condition(w, &Env::lead(), &t!("check-route-condition")));
            if r.when.is_none() && otherwise_seen.is_none() {
                otherwise_seen = Some(r.span.clone());
            }
            let value = self.enums[self.route_enum]
                .values
                .iter()
                .position(|v| *v == r.name.name)
                .unwrap_or(0) as u16;
            out.push(RouteDef {
                name: r.name.name.clone(),
                value,
                when,
                span: r.span.clone(),
            });
        }
        if otherwise_seen.is_none() {
            let last = block
                .branches
                .last()
                .map(|b| b.span.clone())
                .unwrap_or_else(|| block.span.clone());
            self.error(
                Diagnostic::error(
                    Code::MissingOtherwise,
                    t!("missing_otherwise-route-has-no-otherwise"),
                )
                .label(&last, t!("missing_otherwise-lead-matching-no-branch-label"))
                .help(t!("missing_otherwise-end-route-catch-all-help")),
            );
        }
        self.end_node(Node::Route, &block.span);
        out
    }

    pub(super) fn check_metrics(&mut self) -> Vec<MetricDef> {
        let metrics = self.metrics_ast.clone();
        metrics
            .iter()
            .map(|m| {
                let value = self.expr(&m.value, &Env::metric(), None);
                let value = self.want(value, &Ty::Number, "a metric");
                let period = self.period(&m.period);
                let unit = match m.unit.as_ref().map(|u| &u.kind) {
                    None | Some(ast::UnitKind::Number) => Unit::Number,
                    Some(ast::UnitKind::Count) => Unit::Count,
                    Some(ast::UnitKind::Percent) => Unit::Percent,
                    Some(ast::UnitKind::Money(code)) => Unit::Money(code.value.clone()),
                    Some(ast::UnitKind::Days) => Unit::Days,
                    Some(ast::UnitKind::Hours) => Unit::Hours,
                };
                let goal = m.goal.as_ref().and_then(|g| self.goal(g, &unit));
                let mut splits = self.splits(&m.splits);
                // A split over a table's rows reads the same dimensions from each row.
                let mut tables = Vec::new();
                value.for_each_aggregate(&mut |a| {
                    if let TKind::Query { query, .. } = &a.kind {
                        if let TKind::Table(t) = query.list.kind {
                            if !tables.contains(&t) {
                                tables.push(t);
                            }
                        }
                    }
                });
                for t in tables {
                    for (split, ast) in splits.iter_mut().zip(&m.splits) {
                        let dims = ast
                            .dims
                            .iter()
                            .zip(&split.dims)
                            .map(|(d, lead_dim)| self.table_dim(t, d, &lead_dim.ty))
                            .collect();
                        split.per_table.push((t, dims));
                    }
                }
                MetricDef {
                    name: m.name.name.clone(),
                    label: m.label.as_ref().map(|l| l.value.clone()),
                    value,
                    period,
                    unit,
                    goal,
                    owner: m.owner.as_ref().map(|o| o.name.clone()),
                    splits,
                    span: m.span.clone(),
                }
            })
            .collect()
    }

    /// A split's dimension read from a row of table `t`: the rows and the leads meet in one
    /// row label, so it must exist in the table and print as the lead's does.
    fn table_dim(&mut self, t: usize, d: &ast::Expr, lead_ty: &Ty) -> TExpr {
        let (name, record) = (self.tables[t].name.clone(), self.tables[t].record);
        if let ExprKind::Name(id) = &d.kind {
            if !self.records[record]
                .fields
                .iter()
                .any(|f| f.name == id.name)
            {
                self.error(
                    Diagnostic::error(
                        Code::BadTable,
                        t!("bad_table-table-has-no-field", name = name, name2 = id.name),
                    )
                    .label(
                        &id.span,
                        t!("bad_table-read-from-each-row-label", name = name),
                    )
                    .help(t!("bad_table-add-field-table-read-help", name = name)),
                );
                return TExpr {
                    kind: TKind::Const(Value::Missing),
                    ty: Ty::Error,
                    span: d.span.clone(),
                };
            }
        }
        let env = Env::metric().with_item(Some(record));
        let t = self.expr(d, &env, None);
        let printable = |ty: &Ty| matches!(ty, Ty::Text | Ty::Enum(_) | Ty::Bool | Ty::Int);
        let meet = matches!(t.ty, Ty::Error)
            || matches!(lead_ty, Ty::Error)
            || (matches!(t.ty, Ty::Text | Ty::Enum(_))
                && matches!(lead_ty, Ty::Text | Ty::Enum(_)))
            || (printable(&t.ty) && t.ty == *lead_ty);
        if !meet {
            let (found, want) = (self.ty_name(&t.ty), self.ty_name(lead_ty));
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    t!(
                        "type_mismatch-split-but-leads",
                        name = name,
                        found = found,
                        want = want
                    ),
                )
                .label(&t.span, t!("type_mismatch-table-label", found = found))
                .help(t!("type_mismatch-row-label-value-printed-help")),
            );
        }
        t
    }

    /// A metric's `at least|at most TARGET`, written in the metric's unit: a percent for
    /// `as percent`, a duration or a number for `as days`/`as hours`, a number otherwise.
    fn goal(&mut self, g: &ast::Goal, unit: &Unit) -> Option<Goal> {
        let ExprKind::Lit(lit) = &g.target.kind else {
            return None;
        };
        let target = match (lit, unit) {
            (Literal::Percent(p), Unit::Percent) => Some(*p),
            (Literal::Number(n), Unit::Percent) => {
                self.error(
                    Diagnostic::error(
                        Code::BadMetric,
                        t!("bad_metric-target-percent-metric-percent"),
                    )
                    .label(&g.target.span, t!("bad_metric-percent-label"))
                    .help(t!(
                        "bad_metric-write-percent-help",
                        percent = as_percent(n.span.text(), n.value)
                    )),
                );
                None
            }
            (Literal::Duration(secs), Unit::Days) => Some(*secs as f64 / 86_400.0),
            (Literal::Duration(secs), Unit::Hours) => Some(*secs as f64 / 3_600.0),
            (Literal::Number(n), _) => Some(n.value),
            (Literal::Percent(_), _) => {
                self.error(
                    Diagnostic::error(
                        Code::BadMetric,
                        t!("bad_metric-percent-target-needs-percent"),
                    )
                    .label(&g.target.span, t!("bad_metric-percent-label-2"))
                    .help(t!("bad_metric-add-percent-metric-value-help")),
                );
                None
            }
            (_, _) => {
                self.error(
                    Diagnostic::error(
                        Code::BadMetric,
                        t!("bad_metric-duration-target-needs-metric"),
                    )
                    .label(&g.target.span, t!("bad_metric-duration-label"))
                    .help(t!("bad_metric-add-days-metric-number-help")),
                );
                None
            }
        };
        target.map(|target| Goal {
            bound: g.bound,
            target,
        })
    }

    /// `split by DIM, ...` lines. A dimension is about one lead and takes few values: text,
    /// an enum, a bool or an int. They are checked outside any definition: a report reads
    /// them after the lead is evaluated.
    pub(super) fn splits(&mut self, splits: &[ast::Split]) -> Vec<SplitDef> {
        let saved = std::mem::take(&mut self.deps);
        let out = splits
            .iter()
            .map(|s| {
                let dims: Vec<TExpr> = s
                    .dims
                    .iter()
                    .map(|d| {
                        let t = self.expr(d, &Env::lead(), None);
                        if !matches!(
                            t.ty,
                            Ty::Text | Ty::Enum(_) | Ty::Bool | Ty::Int | Ty::Error
                        ) {
                            let found = self.ty_name(&t.ty);
                            self.error(
                                Diagnostic::error(
                                    Code::TypeMismatch,
                                    t!("type_mismatch-split-takes-text-enum", found = found),
                                )
                                .label(&t.span, t!("type_mismatch-text-label", found = found))
                                .help(t!("type_mismatch-bucket-first-e-g-help")),
                            );
                        }
                        t
                    })
                    .collect();
                let names = s
                    .dims
                    .iter()
                    .map(|d| {
                        d.span
                            .text()
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                SplitDef {
                    dims,
                    names,
                    per_table: Vec::new(),
                    span: s.span.clone(),
                }
            })
            .collect();
        self.deps = saved;
        out
    }

    /// `per PERIOD by EXPR`: the expression places a lead in a bucket.
    pub(super) fn period(&mut self, p: &ast::Period) -> PeriodDef {
        let by = p.by.as_ref().map(|b| {
            let t = self.expr(b, &Env::lead(), None);
            if !matches!(t.ty, Ty::DateTime | Ty::Date | Ty::Error) {
                let found = self.ty_name(&t.ty);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-by-needs-date-datetime", found = found),
                    )
                    .label(&t.span, t!("type_mismatch-text-label", found = found))
                    .help(t!("type_mismatch-bucket-leads-by-when-help")),
                );
            }
            t
        });
        PeriodDef { unit: p.unit, by }
    }
}
