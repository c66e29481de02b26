//! Top-level blocks: one function per grammar rule, each returning its syntax node.

use super::{kids, words, Ctx, Rule, P};
use crate::ast::*;
use crate::span::Span;
use funnel_locale::t;

impl Ctx<'_> {
    /// One top-level block.
    pub(super) fn item(&self, pair: P<'_>) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::policy => Item::Policy(self.policy(pair)),
            Rule::schema => Item::Schema(self.schema(pair)),
            Rule::table => Item::Table(self.table(pair)),
            Rule::persona => Item::Persona(self.persona(pair)),
            Rule::score => Item::Score(self.score(pair)),
            Rule::let_item => Item::Let(self.let_item(pair)),
            Rule::grade => Item::Grade(self.grade(pair)),
            Rule::stages => Item::Stages(self.stages(pair)),
            Rule::route => Item::Route(self.route(pair)),
            Rule::calendar => Item::Calendar(self.calendar(pair)),
            Rule::sla => Item::Sla(self.sla(pair)),
            Rule::metric => Item::Metric(self.metric(pair)),
            Rule::test => Item::Test(self.test(pair)),
            Rule::use_script => Item::UseScript(self.use_script(pair)),
            _ => return None,
        })
    }

    /// Reports a line that repeats one allowed once (`clamp`, `timezone`, `given` ...).
    fn duplicate(&self, span: Span, what: &str) {
        self.error(
            span,
            t!("syntax-given-twice-block", what = what),
            &t!("syntax-given-again-here-label"),
            Some(t!("syntax-keep-only-one-help")),
        );
    }

    /// Sets a once-only part, reporting a repeat.
    fn once<T>(&self, slot: &mut Option<T>, value: T, span: Span, what: &str) {
        if slot.is_some() {
            self.duplicate(span, what);
        }
        *slot = Some(value);
    }

    fn policy(&self, pair: P<'_>) -> PolicyHeader {
        let span = self.span(&pair);
        let mut name = None;
        let mut version = None;
        let mut timezone = None;
        let mut owners = Vec::new();
        let mut script_limits = Vec::new();
        for part in kids(pair) {
            let line = part.clone();
            match part.as_rule() {
                Rule::string => name = Some(self.string(&part)),
                Rule::number => version = Some(self.number(&part)),
                Rule::header_line => match kids(part).next() {
                    Some(p) if p.as_rule() == Rule::timezone_line => {
                        let tz = self.timezone(p);
                        self.once(&mut timezone, tz, self.span(&line), "`timezone`");
                    }
                    Some(p) if p.as_rule() == Rule::owner_line => owners.push(self.owner(p)),
                    Some(p) => {
                        if !script_limits.is_empty() {
                            self.duplicate(self.span(&line), &t!("syntax-script-limits"));
                        }
                        script_limits = kids(p).map(|s| self.setting(s)).collect();
                    }
                    None => {}
                },
                _ => {}
            }
        }
        PolicyHeader {
            name: name.unwrap_or_else(|| empty_str(&span)),
            version: version.unwrap_or_else(|| zero(&span)),
            timezone,
            owners,
            script_limits,
            span,
        }
    }

    fn timezone(&self, pair: P<'_>) -> StrLit {
        let span = self.span(&pair);
        kids(pair)
            .next()
            .map(|s| self.string(&s))
            .unwrap_or_else(|| empty_str(&span))
    }

    fn owner(&self, pair: P<'_>) -> Owner {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let team = parts
            .next()
            .map(|t| self.ident(&t))
            .unwrap_or_else(|| empty_ident(&span));
        let name = parts
            .next()
            .map(|n| self.string(&n))
            .unwrap_or_else(|| empty_str(&span));
        Owner { team, name, span }
    }

    fn setting(&self, pair: P<'_>) -> Setting {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let name = parts
            .next()
            .map(|t| self.ident(&t))
            .unwrap_or_else(|| empty_ident(&span));
        let value = parts
            .next()
            .map(|n| self.number(&n))
            .unwrap_or_else(|| zero(&span));
        Setting { name, value }
    }

    fn schema(&self, pair: P<'_>) -> Schema {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let name = parts
            .next()
            .map(|t| self.ident(&t))
            .unwrap_or_else(|| empty_ident(&span));
        let fields = parts.map(|f| self.field_decl(f)).collect();
        Schema { name, fields, span }
    }

    /// `table NAME "label" by FIELD { fields }`.
    fn table(&self, pair: P<'_>) -> Table {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut label = None;
        let mut fields = Vec::new();
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => names.push(self.ident(&part)),
                Rule::string => label = Some(self.string(&part)),
                _ => fields.push(self.field_decl(part)),
            }
        }
        let mut names = names.into_iter();
        let name = names.next().unwrap_or_else(|| empty_ident(&span));
        let by = names.next().unwrap_or_else(|| empty_ident(&span));
        Table {
            schema: Schema { name, fields, span },
            label,
            by,
        }
    }

    /// `name: type` and its modifiers in any order: `key`, `from "Column"`, `missing "x", ""`,
    /// `map VALUE from "a", "b"` (any number), `true "..."`, `false "..."`, `decimal ","` and
    /// `format "dd/mm/yyyy"`.
    fn field_decl(&self, pair: P<'_>) -> FieldDecl {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let name = parts
            .next()
            .map(|t| self.ident(&t))
            .unwrap_or_else(|| empty_ident(&span));
        let ty = parts
            .next()
            .map(|t| self.type_expr(t))
            .unwrap_or_else(|| text_type(&span));
        let mut key = None;
        let mut from = None;
        let mut missing = None;
        let mut maps = Vec::new();
        let mut true_words = None;
        let mut false_words = None;
        let mut decimal = None;
        let mut format = None;
        for part in parts {
            let at = self.span(&part);
            let rule = part.as_rule();
            // The texts a modifier lists (a `map`'s come after its value's name).
            let strings = |part: P<'_>| -> Vec<StrLit> {
                kids(part)
                    .filter(|s| s.as_rule() == Rule::string)
                    .map(|s| self.string(&s))
                    .collect()
            };
            match rule {
                Rule::key_mod => self.once(&mut key, at.clone(), at, "`key`"),
                Rule::map_mod => {
                    let value = kids(part.clone())
                        .find(|p| p.as_rule() == Rule::name)
                        .map(|n| self.ident(&n))
                        .unwrap_or_else(|| empty_ident(&at));
                    maps.push(ValueMap {
                        value,
                        from: strings(part),
                        span: at,
                    });
                }
                Rule::true_mod => self.once(&mut true_words, strings(part), at, "`true`"),
                Rule::false_mod => self.once(&mut false_words, strings(part), at, "`false`"),
                Rule::missing_mod => self.once(&mut missing, strings(part), at, "`missing`"),
                Rule::from_mod | Rule::decimal_mod | Rule::format_mod => {
                    let (slot, what) = match rule {
                        Rule::from_mod => (&mut from, "`from`"),
                        Rule::decimal_mod => (&mut decimal, "`decimal`"),
                        _ => (&mut format, "`format`"),
                    };
                    if let Some(text) = strings(part).pop() {
                        self.once(slot, text, at, what);
                    }
                }
                _ => {}
            }
        }
        FieldDecl {
            name,
            ty,
            key,
            from,
            missing: missing.unwrap_or_default(),
            maps,
            true_words: true_words.unwrap_or_default(),
            false_words: false_words.unwrap_or_default(),
            decimal,
            format,
            span,
        }
    }

    pub(super) fn type_expr(&self, pair: P<'_>) -> TypeExpr {
        let span = self.span(&pair);
        let mut optional = false;
        let mut kind = TypeKind::Text;
        for part in kids(pair) {
            match part.as_rule() {
                Rule::optional_mark => optional = true,
                Rule::list_type => {
                    let inner = kids(part).next().map(|t| self.type_expr(t));
                    kind = TypeKind::List(Box::new(inner.unwrap_or_else(|| text_type(&span))));
                }
                Rule::enum_type => {
                    kind = TypeKind::Enum(kids(part).map(|v| self.ident(&v)).collect())
                }
                Rule::named_type => {
                    let name = kids(part).next().map(|n| self.ident(&n));
                    kind = TypeKind::Named(name.unwrap_or_else(|| empty_ident(&span)));
                }
                _ => kind = prim_type(part.as_str()),
            }
        }
        TypeExpr {
            kind,
            optional,
            span,
        }
    }

    fn persona(&self, pair: P<'_>) -> Persona {
        let span = self.span(&pair);
        let mut name = None;
        let mut label = None;
        let mut conditions = Vec::new();
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => name = Some(self.ident(&part)),
                Rule::string => label = Some(self.string(&part)),
                _ => conditions.push(self.expr(part)),
            }
        }
        Persona {
            name: name.unwrap_or_else(|| empty_ident(&span)),
            label,
            conditions,
            span,
        }
    }

    fn score(&self, pair: P<'_>) -> Score {
        let span = self.span(&pair);
        let mut score = Score {
            name: empty_ident(&span),
            label: None,
            rules: Vec::new(),
            clamp: None,
            decay: None,
            span: span.clone(),
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => score.name = self.ident(&part),
                Rule::string => score.label = Some(self.string(&part)),
                _ => self.score_line(part, &mut score),
            }
        }
        score
    }

    fn score_line(&self, pair: P<'_>, score: &mut Score) {
        let Some(line) = kids(pair).next() else {
            return;
        };
        let span = self.span(&line);
        match line.as_rule() {
            Rule::score_rule => score.rules.push(self.score_rule(line)),
            Rule::clamp => {
                let clamp = self.clamp(line);
                self.once(&mut score.clamp, clamp, span, "`clamp`");
            }
            _ => {
                let decay = self.decay(line);
                self.once(&mut score.decay, decay, span, "`decay`");
            }
        }
    }

    /// `+N when COND`, `+N per EXPR`, `+N per LIST where COND within D`, then `, max M`.
    fn score_rule(&self, pair: P<'_>) -> ScoreRule {
        let span = self.span(&pair);
        let mut points = zero(&span);
        let mut per = false;
        let mut kind = None;
        let mut max = None;
        for part in words(pair) {
            match part.as_rule() {
                Rule::points => points = self.number(&part),
                Rule::kw_per => per = true,
                Rule::expr if per => kind = Some(RuleKind::Per(self.expr(part))),
                Rule::expr => kind = Some(RuleKind::When(self.expr(part))),
                Rule::per_query => kind = Some(RuleKind::Per(self.per_query(part))),
                Rule::signed_number => max = Some(self.number(&part)),
                _ => {}
            }
        }
        let kind = kind.unwrap_or_else(|| RuleKind::When(false_at(&span)));
        ScoreRule {
            points,
            kind,
            max,
            span,
        }
    }

    /// `per event where COND within D` is a count of the matching items.
    fn per_query(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let query = self.list_query(pair);
        Expr {
            kind: ExprKind::ListOp {
                op: ListOp::Count,
                value: None,
                query,
            },
            span,
        }
    }

    fn clamp(&self, pair: P<'_>) -> Clamp {
        let span = self.span(&pair);
        let mut bounds = kids(pair).map(|n| self.number(&n));
        let lo = bounds.next().unwrap_or_else(|| zero(&span));
        let hi = bounds.next().unwrap_or_else(|| zero(&span));
        Clamp { lo, hi, span }
    }

    fn decay(&self, pair: P<'_>) -> Decay {
        let span = self.span(&pair);
        let mut kind = DecayKind::HalfLife {
            half_life: false_at(&span),
        };
        let mut since = false_at(&span);
        for part in kids(pair) {
            match part.as_rule() {
                Rule::decay_step => {
                    let mut parts = kids(part).map(|e| self.expr(e));
                    let percent = parts.next().unwrap_or_else(|| false_at(&span));
                    let every = parts.next().unwrap_or_else(|| false_at(&span));
                    kind = DecayKind::Step { percent, every };
                }
                Rule::decay_half => {
                    let half_life = kids(part).next().map(|e| self.expr(e));
                    kind = DecayKind::HalfLife {
                        half_life: half_life.unwrap_or_else(|| false_at(&span)),
                    };
                }
                _ => since = self.expr(part),
            }
        }
        Decay { kind, since, span }
    }

    fn let_item(&self, pair: P<'_>) -> Let {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let name = parts
            .next()
            .map(|t| self.ident(&t))
            .unwrap_or_else(|| empty_ident(&span));
        let value = parts
            .next()
            .map(|e| self.expr(e))
            .unwrap_or_else(|| false_at(&span));
        Let { name, value, span }
    }

    /// Bands then `else`; an `else` before a band, or twice, is reported here.
    fn grade(&self, pair: P<'_>) -> Grade {
        let span = self.span(&pair);
        let mut grade = Grade {
            score: empty_ident(&span),
            bands: Vec::new(),
            otherwise: None,
            span: span.clone(),
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => grade.score = self.ident(&part),
                Rule::grade_band => {
                    if let Some(otherwise) = &grade.otherwise {
                        self.error(
                            otherwise.span.clone(),
                            t!("syntax-else-letter-must-come"),
                            &t!("syntax-else-before-band-label"),
                            Some(t!("syntax-move-else-end-grade-help")),
                        );
                    }
                    grade.bands.push(self.grade_band(part));
                }
                _ => {
                    let at = self.span(&part);
                    if let Some(letter) = kids(part).next().map(|l| self.ident(&l)) {
                        self.once(&mut grade.otherwise, letter, at, "`else`");
                    }
                }
            }
        }
        grade
    }

    fn grade_band(&self, pair: P<'_>) -> GradeBand {
        let span = self.span(&pair);
        let mut band = GradeBand {
            letter: empty_ident(&span),
            strict: false,
            threshold: zero(&span),
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => band.letter = self.ident(&part),
                Rule::grade_cmp => band.strict = part.as_str() == ">",
                _ => band.threshold = self.number(&part),
            }
        }
        band
    }

    fn stages(&self, pair: P<'_>) -> Stages {
        let span = self.span(&pair);
        let mut stages = Vec::new();
        let mut splits = Vec::new();
        for line in kids(pair) {
            match line.as_rule() {
                Rule::split => splits.push(self.split(line)),
                _ => stages.push(self.stage_line(line)),
            }
        }
        Stages {
            stages,
            splits,
            span,
        }
    }

    fn stage_line(&self, pair: P<'_>) -> StageDecl {
        let span = self.span(&pair);
        let mut stage = StageDecl {
            name: empty_ident(&span),
            at: None,
            when: None,
            because: None,
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => stage.name = self.ident(&part),
                Rule::stage_at => stage.at = kids(part).next().map(|n| self.ident(&n)),
                Rule::string => stage.because = Some(self.string(&part)),
                _ => stage.when = Some(self.expr(part)),
            }
        }
        stage
    }

    fn route(&self, pair: P<'_>) -> Route {
        let span = self.span(&pair);
        Route {
            branches: kids(pair).map(|b| self.route_line(b)).collect(),
            span,
        }
    }

    fn route_line(&self, pair: P<'_>) -> RouteBranch {
        let span = self.span(&pair);
        let mut branch = RouteBranch {
            name: empty_ident(&span),
            when: None,
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => branch.name = self.ident(&part),
                _ => branch.when = Some(self.expr(part)),
            }
        }
        branch
    }

    fn calendar(&self, pair: P<'_>) -> Calendar {
        let span = self.span(&pair);
        let mut cal = Calendar {
            name: empty_ident(&span),
            timezone: None,
            hours: Vec::new(),
            holidays: Vec::new(),
            span,
        };
        for part in kids(pair) {
            if part.as_rule() == Rule::name {
                cal.name = self.ident(&part);
                continue;
            }
            let Some(line) = kids(part).next() else {
                continue;
            };
            match line.as_rule() {
                Rule::timezone_line => {
                    let at = self.span(&line);
                    let tz = self.timezone(line);
                    self.once(&mut cal.timezone, tz, at, "`timezone`");
                }
                Rule::hours_line => cal.hours.push(self.hours_line(line)),
                _ => cal.holidays.extend(kids(line).map(|h| self.holiday(h))),
            }
        }
        cal
    }

    /// `mon-fri 09:00-12:00, 13:00-18:00`.
    fn hours_line(&self, pair: P<'_>) -> OpeningHours {
        let span = self.span(&pair);
        let mut hours = OpeningHours {
            from_day: 0,
            to_day: 0,
            intervals: Vec::new(),
            span,
        };
        for part in kids(pair) {
            if part.as_rule() == Rule::day_range {
                let days: Vec<u8> = kids(part).map(|d| weekday(d.as_str())).collect();
                hours.from_day = days.first().copied().unwrap_or(0);
                hours.to_day = days.last().copied().unwrap_or(hours.from_day);
            } else {
                hours.intervals.push(self.interval(part));
            }
        }
        hours
    }

    fn interval(&self, pair: P<'_>) -> TimeInterval {
        let span = self.span(&pair);
        let mut clocks = kids(pair).map(|c| self.clock(&c));
        let start = clocks.next().unwrap_or(0);
        let end = clocks.next().unwrap_or(0);
        TimeInterval { start, end, span }
    }

    /// `09:00` in minutes after midnight; `24:00` is the end of the day.
    fn clock(&self, pair: &P<'_>) -> u16 {
        let text = pair.as_str();
        let (h, m) = text.split_once(':').unwrap_or((text, "0"));
        let (h, m) = (
            h.parse::<u16>().unwrap_or(99),
            m.parse::<u16>().unwrap_or(99),
        );
        if m > 59 || h > 24 || (h == 24 && m > 0) {
            self.error(
                self.span(pair),
                t!("syntax-time-day", text = text),
                &t!("syntax-time-label"),
                Some(t!("syntax-write-hours-from-00-help")),
            );
            return 0;
        }
        h * 60 + m
    }

    fn holiday(&self, pair: P<'_>) -> Holiday {
        if pair.as_rule() == Rule::name {
            Holiday::Set(self.ident(&pair))
        } else {
            Holiday::Date(self.operand_literal(pair))
        }
    }

    /// A literal standing alone (a holiday date), as an expression.
    fn operand_literal(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let (y, m, d) = self.date_parts(&pair);
        Expr {
            kind: ExprKind::Lit(Literal::Date(y, m, d)),
            span,
        }
    }

    fn sla(&self, pair: P<'_>) -> Sla {
        let span = self.span(&pair);
        let mut name = None;
        let mut label = None;
        let mut owner = None;
        let mut per_lead = PerLeadSla {
            applies: None,
            starts: None,
            met_by: None,
            within: None,
            calendar: None,
            warn_at: None,
            on_breach: Vec::new(),
        };
        let mut per_lead_line: Option<Span> = None;
        let mut splits = Vec::new();
        let mut aggregate: Option<AggregateSla> = None;
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => name = Some(self.ident(&part)),
                Rule::string => label = Some(self.string(&part)),
                _ => {
                    let Some(line) = kids(part).next() else {
                        continue;
                    };
                    let at = self.span(&line);
                    match line.as_rule() {
                        Rule::sla_owner => {
                            let team = kids(line).next().map(|t| self.ident(&t));
                            if let Some(team) = team {
                                self.once(&mut owner, team, at, "`owner`");
                            }
                        }
                        Rule::split => splits.push(self.split(line)),
                        Rule::aggregate => {
                            let agg = self.aggregate(line);
                            self.once(&mut aggregate, agg, at, &t!("syntax-commitment-at-least"));
                        }
                        _ => {
                            per_lead_line.get_or_insert(at.clone());
                            self.per_lead_line(line, &mut per_lead, at);
                        }
                    }
                }
            }
        }
        let kind = match aggregate {
            Some(agg) => {
                if let Some(line) = per_lead_line {
                    self.error(
                        line,
                        t!("syntax-sla-either-deadline-per"),
                        &t!("syntax-per-lead-line-aggregate-label"),
                        Some(t!("syntax-move-per-lead-lines-help")),
                    );
                }
                SlaKind::Aggregate(agg)
            }
            None => SlaKind::PerLead(per_lead),
        };
        Sla {
            name: name.unwrap_or_else(|| empty_ident(&span)),
            label,
            owner,
            kind,
            splits,
            span,
        }
    }

    /// `applies when`, `starts at`, `met by`, `within D [of CAL]`, `warn at`, `on breach`.
    fn per_lead_line(&self, pair: P<'_>, sla: &mut PerLeadSla, at: Span) {
        let rule = pair.as_rule();
        let mut parts = kids(pair);
        let first_expr = |p: Option<P<'_>>| p.map(|e| self.expr(e));
        match rule {
            Rule::sla_applies => {
                if let Some(e) = first_expr(parts.next()) {
                    self.once(&mut sla.applies, e, at, &t!("syntax-applies-when"));
                }
            }
            Rule::sla_starts => {
                if let Some(e) = first_expr(parts.next()) {
                    self.once(&mut sla.starts, e, at, &t!("syntax-starts-at"));
                }
            }
            Rule::sla_met => {
                if let Some(e) = first_expr(parts.next()) {
                    self.once(&mut sla.met_by, e, at, &t!("syntax-met-by"));
                }
            }
            Rule::sla_within => {
                let deadline = parts.next().map(|d| match d.as_rule() {
                    Rule::business_days => {
                        let span = self.span(&d);
                        let days = kids(d)
                            .next()
                            .map_or_else(|| zero(&span), |n| self.number(&n));
                        Deadline::BusinessDays { days, span }
                    }
                    _ => Deadline::Time(self.expr(d)),
                });
                if let Some(d) = deadline {
                    self.once(&mut sla.within, d, at, "`within`");
                }
                sla.calendar = parts.next().map(|c| self.ident(&c));
            }
            Rule::sla_warn => {
                if let Some(e) = first_expr(parts.next()) {
                    self.once(&mut sla.warn_at, e, at, &t!("syntax-warn-at"));
                }
            }
            _ => sla.on_breach.extend(parts.map(|a| self.breach_action(a))),
        }
    }

    fn breach_action(&self, pair: P<'_>) -> BreachAction {
        let span = self.span(&pair);
        let mut verb = Rule::kw_escalate;
        for part in words(pair) {
            match part.as_rule() {
                Rule::kw_escalate | Rule::kw_notify | Rule::kw_recycle => verb = part.as_rule(),
                Rule::string if verb == Rule::kw_notify => {
                    return BreachAction::Notify(self.string(&part))
                }
                Rule::string => return BreachAction::Escalate(self.string(&part)),
                Rule::name => return BreachAction::RecycleTo(self.ident(&part)),
                _ => {}
            }
        }
        BreachAction::Escalate(empty_str(&span))
    }

    /// `at least N leads reach STAGE per ...`, `at least P% of leads reaching A reach B per ...`,
    /// `at least P% of SLA met per ...`.
    fn aggregate(&self, pair: P<'_>) -> AggregateSla {
        let span = self.span(&pair);
        let mut agg = AggregateSla {
            bound: Bound::AtLeast,
            target: NumLitOrPercent {
                value: 0.0,
                percent: false,
                span: span.clone(),
            },
            measure: AggregateMeasure::Reach {
                stage: empty_ident(&span),
            },
            period: Period {
                unit: PeriodUnit::Month,
                by: None,
                span: span.clone(),
            },
            span: span.clone(),
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::bound if part.as_str() == "most" => agg.bound = Bound::AtMost,
                Rule::bound => agg.bound = Bound::AtLeast,
                Rule::target => agg.target = self.target(part),
                Rule::period | Rule::period_by => agg.period = self.period(part),
                rule => {
                    let mut names = kids(part).map(|n| self.ident(&n));
                    let mut next = || names.next().unwrap_or_else(|| empty_ident(&span));
                    agg.measure = match rule {
                        Rule::agg_reach => AggregateMeasure::Reach { stage: next() },
                        Rule::agg_conversion => AggregateMeasure::Conversion {
                            from: next(),
                            to: next(),
                        },
                        _ => AggregateMeasure::Compliance { sla: next() },
                    };
                }
            }
        }
        agg
    }

    fn target(&self, pair: P<'_>) -> NumLitOrPercent {
        let span = self.span(&pair);
        match kids(pair).next() {
            Some(p) if p.as_rule() == Rule::percent => {
                let n = self.percent_value(&p);
                NumLitOrPercent {
                    value: n,
                    percent: true,
                    span,
                }
            }
            Some(p) => NumLitOrPercent {
                value: self.number(&p).value,
                percent: false,
                span,
            },
            None => NumLitOrPercent {
                value: 0.0,
                percent: false,
                span,
            },
        }
    }

    /// `per month [by EXPR]`.
    fn period(&self, pair: P<'_>) -> Period {
        let span = self.span(&pair);
        let mut period = Period {
            unit: PeriodUnit::Month,
            by: None,
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::period_unit => {
                    period.unit = match part.as_str() {
                        "day" => PeriodUnit::Day,
                        "week" => PeriodUnit::Week,
                        "quarter" => PeriodUnit::Quarter,
                        _ => PeriodUnit::Month,
                    }
                }
                _ => period.by = Some(self.expr(part)),
            }
        }
        period
    }

    fn metric(&self, pair: P<'_>) -> Metric {
        let span = self.span(&pair);
        let mut metric = Metric {
            name: empty_ident(&span),
            label: None,
            value: false_at(&span),
            period: Period {
                unit: PeriodUnit::Month,
                by: None,
                span: span.clone(),
            },
            splits: Vec::new(),
            unit: None,
            goal: None,
            owner: None,
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => metric.name = self.ident(&part),
                Rule::string => metric.label = Some(self.string(&part)),
                Rule::period_by => metric.period = self.period(part),
                Rule::metric_line => {
                    let Some(line) = kids(part).next() else {
                        continue;
                    };
                    let at = self.span(&line);
                    match line.as_rule() {
                        Rule::split => metric.splits.push(self.split(line)),
                        Rule::metric_unit => {
                            let unit = self.unit(line);
                            self.once(&mut metric.unit, unit, at, "`as`");
                        }
                        Rule::metric_goal => {
                            let goal = self.goal(line);
                            self.once(&mut metric.goal, goal, at, &t!("syntax-target-at-least"));
                        }
                        _ => {
                            if let Some(team) = kids(line).next().map(|t| self.ident(&t)) {
                                self.once(&mut metric.owner, team, at, "`owner`");
                            }
                        }
                    }
                }
                _ => metric.value = self.expr(part),
            }
        }
        metric
    }

    /// `split by DIM, DIM`.
    fn split(&self, pair: P<'_>) -> Split {
        let span = self.span(&pair);
        Split {
            dims: kids(pair).map(|d| self.expr(d)).collect(),
            span,
        }
    }

    /// `as percent`, `as money "BRL"`.
    fn unit(&self, pair: P<'_>) -> Unit {
        let span = self.span(&pair);
        let kind = match kids(pair).next() {
            Some(p) if p.as_rule() == Rule::string => UnitKind::Money(self.string(&p)),
            Some(p) => match p.as_str() {
                "percent" => UnitKind::Percent,
                "count" => UnitKind::Count,
                "days" => UnitKind::Days,
                "hours" => UnitKind::Hours,
                _ => UnitKind::Number,
            },
            None => UnitKind::Number,
        };
        Unit { kind, span }
    }

    /// `at least 60%`, `at most 80`, `at most 45d`.
    fn goal(&self, pair: P<'_>) -> Goal {
        let span = self.span(&pair);
        let mut goal = Goal {
            bound: Bound::AtLeast,
            target: false_at(&span),
            span,
        };
        for part in kids(pair) {
            match part.as_rule() {
                Rule::bound if part.as_str() == "most" => goal.bound = Bound::AtMost,
                Rule::bound => goal.bound = Bound::AtLeast,
                _ => {
                    let Some(value) = kids(part).next() else {
                        continue;
                    };
                    let literal = match value.as_rule() {
                        Rule::signed_number => Literal::Number(self.number(&value)),
                        _ => self.literal(&value),
                    };
                    goal.target = Expr {
                        kind: ExprKind::Lit(literal),
                        span: self.span(&value),
                    };
                }
            }
        }
        goal
    }

    fn test(&self, pair: P<'_>) -> Test {
        let span = self.span(&pair);
        let mut test = Test {
            name: empty_str(&span),
            given: None,
            tables: Vec::new(),
            at: None,
            expects: Vec::new(),
            span,
        };
        for part in kids(pair) {
            if part.as_rule() == Rule::string {
                test.name = self.string(&part);
                continue;
            }
            let Some(line) = kids(part).next() else {
                continue;
            };
            let at = self.span(&line);
            match line.as_rule() {
                Rule::given => match kids(line.clone()).next() {
                    Some(t) if t.as_rule() == Rule::given_table => {
                        let mut parts = kids(t);
                        let name = parts.next().map(|n| self.ident(&n));
                        let rows = match parts.next() {
                            Some(p) if p.as_rule() == Rule::leads_file => match kids(p).next() {
                                Some(s) => Given::LeadsFile(self.string(&s)),
                                None => Given::LeadsFile(empty_str(&at)),
                            },
                            Some(p) => Given::Leads(self.operand(p)),
                            None => Given::Leads(false_at(&at)),
                        };
                        if let Some(name) = name {
                            test.tables.push((name, rows));
                        }
                    }
                    _ => {
                        let given = self.given(line);
                        self.once(&mut test.given, given, at, "`given`");
                    }
                },
                Rule::test_at => {
                    if let Some(e) = kids(line).next().map(|e| self.expr(e)) {
                        self.once(&mut test.at, e, at, "`at`");
                    }
                }
                _ => test.expects.extend(kids(line).map(|e| self.expr(e))),
            }
        }
        test
    }

    /// `given lead { ... }` or `given lead from "file.json"`; `given leads [ ... ]` or
    /// `given leads from "leads.jsonl"`.
    fn given(&self, pair: P<'_>) -> Given {
        let span = self.span(&pair);
        match kids(pair).next() {
            Some(p) if p.as_rule() == Rule::string => Given::File(self.string(&p)),
            Some(p) if p.as_rule() == Rule::leads_file => match kids(p).next() {
                Some(s) => Given::LeadsFile(self.string(&s)),
                None => Given::LeadsFile(empty_str(&span)),
            },
            Some(p) if p.as_rule() == Rule::list_lit => Given::Leads(self.operand(p)),
            Some(p) => Given::Inline(self.operand(p)),
            None => Given::File(empty_str(&span)),
        }
    }

    fn use_script(&self, pair: P<'_>) -> UseScript {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let path = parts
            .next()
            .map(|s| self.string(&s))
            .unwrap_or_else(|| empty_str(&span));
        let functions = parts.map(|f| self.script_fn(f)).collect();
        UseScript {
            path,
            functions,
            span,
        }
    }

    /// `fn name(a: text, b: int) -> int`.
    fn script_fn(&self, pair: P<'_>) -> ScriptFn {
        let span = self.span(&pair);
        let mut name = empty_ident(&span);
        let mut params = Vec::new();
        let mut ret = text_type(&span);
        for part in kids(pair) {
            match part.as_rule() {
                Rule::name => name = self.ident(&part),
                Rule::param => {
                    let at = self.span(&part);
                    let mut p = kids(part);
                    let n = p
                        .next()
                        .map(|n| self.ident(&n))
                        .unwrap_or_else(|| empty_ident(&at));
                    let t = p
                        .next()
                        .map(|t| self.type_expr(t))
                        .unwrap_or_else(|| text_type(&at));
                    params.push((n, t));
                }
                _ => ret = self.type_expr(part),
            }
        }
        ScriptFn {
            name,
            params,
            ret,
            span,
        }
    }
}

fn prim_type(word: &str) -> TypeKind {
    match word {
        "int" => TypeKind::Int,
        "number" => TypeKind::Number,
        "bool" => TypeKind::Bool,
        "date" => TypeKind::Date,
        "datetime" => TypeKind::DateTime,
        "duration" => TypeKind::Duration,
        _ => TypeKind::Text,
    }
}

/// 0 = Monday.
fn weekday(word: &str) -> u8 {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|d| *d == word)
        .unwrap_or(0) as u8
}

// Stand-ins for parts the grammar guarantees (never reached on input that parsed; they keep
// the builder total instead of panicking).

fn empty_ident(span: &Span) -> Ident {
    Ident {
        name: String::new(),
        span: span.clone(),
    }
}

fn empty_str(span: &Span) -> StrLit {
    StrLit {
        value: String::new(),
        span: span.clone(),
    }
}

fn zero(span: &Span) -> NumLit {
    NumLit {
        value: 0.0,
        integer: true,
        int: Some(0),
        span: span.clone(),
    }
}

fn text_type(span: &Span) -> TypeExpr {
    TypeExpr {
        kind: TypeKind::Text,
        optional: false,
        span: span.clone(),
    }
}

fn false_at(span: &Span) -> Expr {
    Expr {
        kind: ExprKind::Lit(Literal::Bool(false)),
        span: span.clone(),
    }
}
