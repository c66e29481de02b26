//! Top-level blocks and their lines.

use super::expr::{literal_text, ARITH};
use super::{Printer, WIDTH};
use crate::ast::*;
use crate::span::Span;

/// A string literal as written (its value, escaped, for trees not parsed from text).
fn str_text(s: &StrLit) -> String {
    let text = s.span.text();
    if text.starts_with('"') {
        text.to_string()
    } else {
        literal_text(&Literal::Text(s.value.clone()), &Span::synthetic())
    }
}

/// Texts as written, separated by commas.
fn texts(list: &[StrLit]) -> String {
    list.iter().map(str_text).collect::<Vec<_>>().join(", ")
}

/// A number literal as written.
fn num_text(n: &NumLit) -> String {
    literal_text(&Literal::Number(n.clone()), &n.span)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn weekday(day: u8) -> &'static str {
    WEEKDAYS.get(usize::from(day)).copied().unwrap_or("mon")
}

impl Printer<'_> {
    pub(super) fn item(&mut self, item: &Item) {
        match item {
            Item::Policy(x) => self.policy(x),
            Item::Schema(x) => self.schema(x),
            Item::Table(x) => self.table(x),
            Item::Persona(x) => self.persona(x),
            Item::Score(x) => self.score(x),
            Item::Let(x) => self.let_item(x),
            Item::Grade(x) => self.grade(x),
            Item::Stages(x) => self.stages(x),
            Item::Route(x) => self.route(x),
            Item::Calendar(x) => self.calendar(x),
            Item::Sla(x) => self.sla(x),
            Item::Metric(x) => self.metric(x),
            Item::Test(x) => self.test(x),
            Item::UseScript(x) => self.use_script(x),
        }
    }

    /// The offset just after the first `{` at or after `pos`.
    fn brace_after(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        self.text[pos..].find('{').map_or(pos, |i| pos + i + 1)
    }

    /// The offset of the `}` that follows `pos`, past blanks, commas and comments.
    fn close_after(&self, mut pos: usize) -> usize {
        let b = self.text.as_bytes();
        while pos < b.len() {
            match b[pos] {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => pos += 1,
                b'#' => {
                    while pos < b.len() && b[pos] != b'\n' {
                        pos += 1;
                    }
                }
                _ => break,
            }
        }
        pos
    }

    /// The offset of `keyword` starting the source line of `pos` or a line above it.
    fn line_keyword(&self, pos: usize, keyword: &str) -> usize {
        let mut end = pos.min(self.text.len());
        loop {
            let line_start = self.text[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = &self.text[line_start..];
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.starts_with(keyword) {
                return line_start + (line.len() - trimmed.len());
            }
            if line_start == 0 {
                return pos;
            }
            end = line_start - 1;
        }
    }

    /// `NAME "label" {` and the block's lines: the opening line of a block.
    fn block_open(&mut self, span: &Span, head: &str, head_end: usize) {
        self.open(0, span.start);
        self.push(head);
        self.push(" {");
        let brace = self.brace_after(head_end);
        self.finish_opener(brace);
    }

    fn block_close(&mut self, span: &Span, indent: usize) {
        self.open_close(indent, span.end.saturating_sub(1));
        self.push("}");
        self.end_at(span.end);
        self.finish();
    }

    fn named_head(keyword: &str, name: &Ident, label: Option<&StrLit>) -> (String, usize) {
        let mut head = format!("{keyword} {}", name.name);
        let mut end = name.span.end;
        if let Some(label) = label {
            head.push(' ');
            head.push_str(&str_text(label));
            end = label.span.end;
        }
        (head, end)
    }

    fn policy(&mut self, h: &PolicyHeader) {
        self.open(0, h.span.start);
        self.push("policy ");
        self.push(&str_text(&h.name));
        self.push(" version ");
        self.push(&num_text(&h.version));
        self.end_at(h.version.span.end);
        enum Header<'h> {
            Timezone(&'h StrLit),
            Owner(&'h Owner),
            Limits(usize),
        }
        let mut lines: Vec<(usize, Header<'_>)> = Vec::new();
        if let Some(tz) = &h.timezone {
            lines.push((tz.span.start, Header::Timezone(tz)));
        }
        for owner in &h.owners {
            lines.push((owner.span.start, Header::Owner(owner)));
        }
        if let Some(first) = h.script_limits.first() {
            let start = self.line_keyword(first.name.span.start, "script");
            lines.push((start, Header::Limits(start)));
        }
        lines.sort_by_key(|(start, _)| *start);
        for (start, line) in lines {
            self.open(2, start);
            match line {
                Header::Timezone(tz) => {
                    self.push("timezone ");
                    self.push(&str_text(tz));
                    self.end_at(tz.span.end);
                }
                Header::Owner(owner) => {
                    self.push("owner ");
                    self.push(&owner.team.name);
                    self.push(" ");
                    self.push(&str_text(&owner.name));
                    self.end_at(owner.span.end);
                }
                Header::Limits(start) => self.script_limits(&h.script_limits, start),
            }
        }
        self.finish();
    }

    fn script_limits(&mut self, settings: &[Setting], start: usize) {
        let last = settings.last().map_or(start, |s| s.value.span.end);
        let close = self.close_after(last);
        let texts: Vec<String> = settings
            .iter()
            .map(|s| format!("{} {}", s.name.name, num_text(&s.value)))
            .collect();
        let flat = format!("script limits {{ {} }}", texts.join(", "));
        if 2 + flat.chars().count() <= WIDTH && !self.comment_inside(start, close) {
            self.push(&flat);
            self.end_at(close + 1);
            return;
        }
        self.push("script limits {");
        let brace = self.brace_after(start);
        self.finish_opener(brace);
        for (s, text) in settings.iter().zip(&texts) {
            self.open(4, s.name.span.start);
            self.push(text);
            self.end_at(s.value.span.end);
        }
        self.open_close(2, close);
        self.push("}");
        self.end_at(close + 1);
    }

    fn schema(&mut self, s: &Schema) {
        let head = format!("schema {}", s.name.name);
        self.block_open(&s.span, &head, s.name.span.end);
        self.fields(s);
    }

    fn table(&mut self, t: &Table) {
        let (head, _) = Self::named_head("table", &t.schema.name, t.label.as_ref());
        let head = format!("{head} by {}", t.by.name);
        self.block_open(&t.schema.span, &head, t.by.span.end);
        self.fields(&t.schema);
    }

    /// A schema's or a table's fields, and the closing brace.
    fn fields(&mut self, s: &Schema) {
        for f in &s.fields {
            self.open(2, f.span.start);
            self.push(&f.name.name);
            self.push(": ");
            self.type_expr(&f.ty);
            if f.key.is_some() {
                self.push(" key");
            }
            if let Some(from) = &f.from {
                self.push(" from ");
                self.push(&str_text(from));
            }
            if !f.missing.is_empty() {
                self.push(" missing ");
                self.push(&texts(&f.missing));
            }
            if let Some(decimal) = &f.decimal {
                self.push(" decimal ");
                self.push(&str_text(decimal));
            }
            if let Some(format) = &f.format {
                self.push(" format ");
                self.push(&str_text(format));
            }
            self.input_words(f);
            self.end_at(f.span.end);
        }
        self.block_close(&s.span, 0);
    }

    /// A field's `true`, `false` and `map` modifiers: on its line when they fit and hold no
    /// comment, else one a line, indented under the field (a sector's spellings run long).
    fn input_words(&mut self, f: &FieldDecl) {
        // Each with its source range: (text, start, end).
        let mut words: Vec<(String, usize, usize)> = Vec::new();
        let mut listed = |word: &str, list: &[StrLit]| {
            if let (Some(first), Some(last)) = (list.first(), list.last()) {
                let text = format!("{word} {}", texts(list));
                words.push((text, first.span.start, last.span.end));
            }
        };
        listed("true", &f.true_words);
        listed("false", &f.false_words);
        for m in &f.maps {
            let text = format!("map {} from {}", m.value.name, texts(&m.from));
            words.push((text, m.span.start, m.span.end));
        }
        // In the order written, so that the lines' source ranges follow each other and
        // comments between them stay where they were.
        words.sort_by_key(|w| w.1);
        let width: usize = words.iter().map(|(w, ..)| w.chars().count() + 1).sum();
        let one_line =
            self.col() + width <= WIDTH && !self.comment_inside(f.span.start, f.span.end);
        // Where the source of what the field's line prints ends: a comment after it stays
        // after it.
        let mut end = [
            Some(f.ty.span.end),
            f.key.as_ref().map(|k| k.end),
            f.from.as_ref().map(|s| s.span.end),
            f.missing.last().map(|s| s.span.end),
            f.decimal.as_ref().map(|s| s.span.end),
            f.format.as_ref().map(|s| s.span.end),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(f.span.start);
        for (text, start, word_end) in words {
            if one_line {
                self.push(" ");
            } else {
                self.end_at(end);
                self.open_glued(4, start);
            }
            self.push(&text);
            end = word_end;
        }
    }

    fn type_expr(&mut self, t: &TypeExpr) {
        match &t.kind {
            TypeKind::Text => self.push("text"),
            TypeKind::Int => self.push("int"),
            TypeKind::Number => self.push("number"),
            TypeKind::Bool => self.push("bool"),
            TypeKind::Date => self.push("date"),
            TypeKind::DateTime => self.push("datetime"),
            TypeKind::Duration => self.push("duration"),
            TypeKind::List(inner) => {
                self.push("list<");
                self.type_expr(inner);
                self.push(">");
            }
            TypeKind::Enum(values) => self.enum_values(values),
            TypeKind::Named(n) => self.push(&n.name),
        }
        if t.optional {
            self.push("?");
        }
    }

    /// `enum(a, b, c)`, filled up to the width with continuation lines aligned after `(`.
    fn enum_values(&mut self, values: &[Ident]) {
        self.push("enum(");
        let align = self.col();
        for (i, v) in values.iter().enumerate() {
            let last = i + 1 == values.len();
            if i > 0 {
                let piece = v.name.chars().count() + 1;
                if !self.flat && self.col() + 1 + piece > WIDTH {
                    self.end_at(values[i - 1].span.end);
                    self.open_glued(align, v.span.start);
                } else {
                    self.push(" ");
                }
            }
            self.push(&v.name);
            if !last {
                self.push(",");
            }
        }
        self.push(")");
        if let Some(v) = values.last() {
            self.end_at(v.span.end);
        }
    }

    fn persona(&mut self, p: &Persona) {
        let (head, end) = Self::named_head("persona", &p.name, p.label.as_ref());
        self.block_open(&p.span, &head, end);
        for c in &p.conditions {
            self.open(2, c.span.start);
            self.expr(c, 0, true);
            self.end_at(c.span.end);
        }
        self.block_close(&p.span, 0);
    }

    fn score(&mut self, s: &Score) {
        let (head, end) = Self::named_head("score", &s.name, s.label.as_ref());
        self.block_open(&s.span, &head, end);
        enum ScoreLine<'s> {
            Rule(&'s ScoreRule),
            Clamp(&'s Clamp),
            Decay(&'s Decay),
        }
        let mut lines: Vec<(usize, ScoreLine<'_>)> = s
            .rules
            .iter()
            .map(|r| (r.span.start, ScoreLine::Rule(r)))
            .collect();
        if let Some(c) = &s.clamp {
            lines.push((c.span.start, ScoreLine::Clamp(c)));
        }
        if let Some(d) = &s.decay {
            lines.push((d.span.start, ScoreLine::Decay(d)));
        }
        lines.sort_by_key(|(start, _)| *start);
        for (start, line) in lines {
            self.open(2, start);
            match line {
                ScoreLine::Rule(r) => self.score_rule(r),
                ScoreLine::Clamp(c) => {
                    self.push("clamp ");
                    self.push(&num_text(&c.lo));
                    self.push("..");
                    self.push(&num_text(&c.hi));
                    self.end_at(c.span.end);
                }
                ScoreLine::Decay(d) => {
                    self.push("decay ");
                    match &d.kind {
                        DecayKind::Step { percent, every } => {
                            self.expr(percent, ARITH, false);
                            self.push(" every ");
                            self.expr(every, ARITH, false);
                        }
                        DecayKind::HalfLife { half_life } => {
                            self.push("half-life ");
                            self.expr(half_life, ARITH, false);
                        }
                    }
                    self.push(" since ");
                    self.expr(&d.since, 0, true);
                    self.end_at(d.span.end);
                }
            }
        }
        self.block_close(&s.span, 0);
    }

    fn score_rule(&mut self, r: &ScoreRule) {
        self.push(&num_text(&r.points));
        match &r.kind {
            RuleKind::When(e) => {
                self.push(" when ");
                self.expr(e, 0, true);
            }
            RuleKind::Per(e) => {
                self.push(" per ");
                match &e.kind {
                    // `per event where ...`: a count written without `count`.
                    ExprKind::ListOp {
                        op: ListOp::Count,
                        value: None,
                        query,
                    } if query.filter.is_some() || query.within.is_some() => {
                        self.query(query, true)
                    }
                    _ => self.expr(e, 0, true),
                }
            }
        }
        if let Some(max) = &r.max {
            self.push(", max ");
            self.push(&num_text(max));
        }
        self.end_at(r.span.end);
    }

    fn let_item(&mut self, l: &Let) {
        self.open(0, l.span.start);
        self.push("let ");
        self.push(&l.name.name);
        self.push(" = ");
        self.expr(&l.value, 0, true);
        self.end_at(l.span.end);
        self.finish();
    }

    fn grade(&mut self, g: &Grade) {
        let mut entries: Vec<(usize, String)> = g
            .bands
            .iter()
            .map(|b| {
                let cmp = if b.strict { ">" } else { ">=" };
                let text = format!("{} {cmp} {}", b.letter.name, num_text(&b.threshold));
                (b.span.start, text)
            })
            .collect();
        if let Some(o) = &g.otherwise {
            entries.push((o.span.start, format!("else {}", o.name)));
        }
        let head = format!("grade {}", g.score.name);
        let texts: Vec<&str> = entries.iter().map(|(_, t)| t.as_str()).collect();
        let flat = if texts.is_empty() {
            format!("{head} {{}}")
        } else {
            format!("{head} {{ {} }}", texts.join(", "))
        };
        if flat.chars().count() <= WIDTH && !self.comment_inside(g.span.start, g.span.end) {
            self.open(0, g.span.start);
            self.push(&flat);
            self.end_at(g.span.end);
            self.finish();
            return;
        }
        self.block_open(&g.span, &head, g.score.span.end);
        for (start, text) in &entries {
            self.open(2, *start);
            self.push(text);
            self.end_at(start + text.len());
        }
        self.block_close(&g.span, 0);
    }

    fn stages(&mut self, s: &Stages) {
        self.block_open(&s.span, "stages", s.span.start);
        // Stages first, in their order; the `split by` lines after them.
        for stage in &s.stages {
            self.open(2, stage.span.start);
            self.push(&stage.name.name);
            self.end_at(stage.name.span.end);
            if let Some(at) = &stage.at {
                self.push(" at ");
                self.push(&at.name);
                self.end_at(at.span.end);
            }
            if let Some(when) = &stage.when {
                self.push(" when ");
                self.expr(when, 0, true);
                self.end_at(when.span.end);
            }
            if let Some(because) = &stage.because {
                self.open_glued(4, because.span.start);
                self.push("because ");
                self.push(&str_text(because));
                self.end_at(because.span.end);
            }
        }
        for split in &s.splits {
            self.open(2, split.span.start);
            self.split(split);
        }
        self.block_close(&s.span, 0);
    }

    fn route(&mut self, r: &Route) {
        self.block_open(&r.span, "route", r.span.start);
        for b in &r.branches {
            self.open(2, b.span.start);
            self.push(&b.name.name);
            match &b.when {
                Some(when) => {
                    self.push(" when ");
                    self.expr(when, 0, true);
                }
                None => self.push(" otherwise"),
            }
            self.end_at(b.span.end);
        }
        self.block_close(&r.span, 0);
    }

    /// The 0-based source line of an offset.
    fn line_of(&self, pos: usize) -> usize {
        self.text[..pos.min(self.text.len())].matches('\n').count()
    }

    fn calendar(&mut self, c: &Calendar) {
        let head = format!("calendar {}", c.name.name);
        self.block_open(&c.span, &head, c.name.span.end);
        enum CalLine<'c> {
            Timezone(&'c StrLit),
            Hours(&'c OpeningHours),
            Holidays(Vec<&'c Holiday>),
        }
        let mut lines: Vec<(usize, CalLine<'_>)> = Vec::new();
        if let Some(tz) = &c.timezone {
            lines.push((tz.span.start, CalLine::Timezone(tz)));
        }
        for h in &c.hours {
            lines.push((h.span.start, CalLine::Hours(h)));
        }
        let holiday_span = |h: &Holiday| match h {
            Holiday::Date(e) => e.span.clone(),
            Holiday::Set(n) => n.span.clone(),
        };
        // One `holidays` line for each line they were written on.
        let mut group: Vec<&Holiday> = Vec::new();
        for h in &c.holidays {
            let same_line = group.last().is_some_and(|g| {
                self.line_of(holiday_span(g).start) == self.line_of(holiday_span(h).start)
            });
            if !same_line && !group.is_empty() {
                let g = std::mem::take(&mut group);
                lines.push((holiday_span(g[0]).start, CalLine::Holidays(g)));
            }
            group.push(h);
        }
        if !group.is_empty() {
            lines.push((holiday_span(group[0]).start, CalLine::Holidays(group)));
        }
        lines.sort_by_key(|(start, _)| *start);
        for (start, line) in lines {
            self.open(2, start);
            match line {
                CalLine::Timezone(tz) => {
                    self.push("timezone ");
                    self.push(&str_text(tz));
                    self.end_at(tz.span.end);
                }
                CalLine::Hours(h) => {
                    self.push(weekday(h.from_day));
                    if h.to_day != h.from_day {
                        self.push("-");
                        self.push(weekday(h.to_day));
                    }
                    let intervals: Vec<String> = h
                        .intervals
                        .iter()
                        .map(|i| format!("{}-{}", clock(i.start), clock(i.end)))
                        .collect();
                    self.push(" ");
                    self.push(&intervals.join(", "));
                    self.end_at(h.span.end);
                }
                CalLine::Holidays(days) => {
                    self.push("holidays ");
                    for (i, h) in days.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        match h {
                            Holiday::Date(e) => self.expr(e, 0, true),
                            Holiday::Set(n) => self.push(&n.name),
                        }
                        self.end_at(holiday_span(h).end);
                    }
                }
            }
        }
        self.block_close(&c.span, 0);
    }

    fn sla(&mut self, s: &Sla) {
        let (head, end) = Self::named_head("sla", &s.name, s.label.as_ref());
        self.block_open(&s.span, &head, end);
        enum SlaLine<'s> {
            Owner(&'s Ident),
            Expr(&'static str, &'s Expr),
            Within(&'s Deadline, Option<&'s Ident>),
            WarnAt(&'s Expr),
            Breach(Vec<&'s BreachAction>),
            Aggregate(&'s AggregateSla),
            Split(&'s Split),
        }
        let mut lines: Vec<(usize, SlaLine<'_>)> = Vec::new();
        if let Some(owner) = &s.owner {
            lines.push((owner.span.start, SlaLine::Owner(owner)));
        }
        match &s.kind {
            SlaKind::PerLead(p) => {
                let exprs = [
                    ("applies when ", &p.applies),
                    ("starts at ", &p.starts),
                    ("met by ", &p.met_by),
                ];
                for (keyword, e) in exprs {
                    if let Some(e) = e {
                        lines.push((e.span.start, SlaLine::Expr(keyword, e)));
                    }
                }
                if let Some(w) = &p.within {
                    lines.push((w.span().start, SlaLine::Within(w, p.calendar.as_ref())));
                }
                if let Some(w) = &p.warn_at {
                    lines.push((w.span.start, SlaLine::WarnAt(w)));
                }
                let action_start = |a: &BreachAction| match a {
                    BreachAction::Escalate(s) | BreachAction::Notify(s) => s.span.start,
                    BreachAction::RecycleTo(n) => n.span.start,
                };
                // One `on breach` line for each line they were written on.
                let mut group: Vec<&BreachAction> = Vec::new();
                for a in &p.on_breach {
                    let same_line = group.last().is_some_and(|g| {
                        self.line_of(action_start(g)) == self.line_of(action_start(a))
                    });
                    if !same_line && !group.is_empty() {
                        let g = std::mem::take(&mut group);
                        lines.push((action_start(g[0]), SlaLine::Breach(g)));
                    }
                    group.push(a);
                }
                if !group.is_empty() {
                    lines.push((action_start(group[0]), SlaLine::Breach(group)));
                }
            }
            SlaKind::Aggregate(a) => lines.push((a.span.start, SlaLine::Aggregate(a))),
        }
        for split in &s.splits {
            lines.push((split.span.start, SlaLine::Split(split)));
        }
        lines.sort_by_key(|(start, _)| *start);
        for (start, line) in lines {
            self.open(2, start);
            match line {
                SlaLine::Owner(owner) => {
                    self.push("owner ");
                    self.push(&owner.name);
                    self.end_at(owner.span.end);
                }
                SlaLine::Expr(keyword, e) => {
                    self.push(keyword);
                    self.expr(e, 0, true);
                    self.end_at(e.span.end);
                }
                SlaLine::Within(d, calendar) => {
                    self.push("within ");
                    match d {
                        Deadline::Time(e) => self.expr(e, ARITH, calendar.is_none()),
                        Deadline::BusinessDays { days, .. } => {
                            self.push(&num_text(days));
                            let unit = if days.int == Some(1) { "day" } else { "days" };
                            self.push(&format!(" business {unit}"));
                        }
                    }
                    self.end_at(d.span().end);
                    if let Some(cal) = calendar {
                        self.push(" of ");
                        self.push(&cal.name);
                        self.end_at(cal.span.end);
                    }
                }
                SlaLine::WarnAt(p) => {
                    self.push("warn at ");
                    self.expr(p, ARITH, true);
                    self.end_at(p.span.end);
                }
                SlaLine::Breach(actions) => {
                    self.push("on breach ");
                    for (i, a) in actions.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        match a {
                            BreachAction::Escalate(s) => {
                                self.push("escalate ");
                                self.push(&str_text(s));
                                self.end_at(s.span.end);
                            }
                            BreachAction::Notify(s) => {
                                self.push("notify ");
                                self.push(&str_text(s));
                                self.end_at(s.span.end);
                            }
                            BreachAction::RecycleTo(n) => {
                                self.push("recycle to ");
                                self.push(&n.name);
                                self.end_at(n.span.end);
                            }
                        }
                    }
                }
                SlaLine::Aggregate(a) => self.aggregate(a),
                SlaLine::Split(split) => self.split(split),
            }
        }
        self.block_close(&s.span, 0);
    }

    /// `split by DIM, DIM`.
    fn split(&mut self, split: &Split) {
        self.push("split by ");
        for (i, dim) in split.dims.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.expr(dim, 0, true);
        }
        self.end_at(split.span.end);
    }

    fn aggregate(&mut self, a: &AggregateSla) {
        self.push(match a.bound {
            Bound::AtLeast => "at least ",
            Bound::AtMost => "at most ",
        });
        let target = a.target.span.text();
        if target.is_empty() {
            let value = if a.target.percent {
                format!("{}%", a.target.value * 100.0)
            } else {
                format!("{}", a.target.value)
            };
            self.push(&value);
        } else {
            self.push(target);
        }
        match &a.measure {
            AggregateMeasure::Reach { stage } => {
                self.push(" leads reach ");
                self.push(&stage.name);
            }
            AggregateMeasure::Conversion { from, to } => {
                self.push(" of leads reaching ");
                self.push(&from.name);
                self.push(" reach ");
                self.push(&to.name);
            }
            AggregateMeasure::Compliance { sla } => {
                self.push(" of ");
                self.push(&sla.name);
                self.push(" met");
            }
        }
        self.push(" ");
        self.period(&a.period);
        self.end_at(a.span.end);
    }

    /// A metric's `split by`, `as`, `at least|most` and `owner` lines, in written order.
    fn metric_clauses(&mut self, m: &Metric) {
        enum Clause<'m> {
            Split(&'m Split),
            Unit(&'m Unit),
            Goal(&'m Goal),
            Owner(&'m Ident),
        }
        let mut clauses: Vec<(usize, Clause<'_>)> = m
            .splits
            .iter()
            .map(|s| (s.span.start, Clause::Split(s)))
            .collect();
        if let Some(u) = &m.unit {
            clauses.push((u.span.start, Clause::Unit(u)));
        }
        if let Some(g) = &m.goal {
            clauses.push((g.span.start, Clause::Goal(g)));
        }
        if let Some(o) = &m.owner {
            clauses.push((o.span.start, Clause::Owner(o)));
        }
        clauses.sort_by_key(|(start, _)| *start);
        for (start, clause) in clauses {
            self.open_glued(2, start);
            match clause {
                Clause::Split(s) => self.split(s),
                Clause::Unit(u) => {
                    match &u.kind {
                        UnitKind::Number => self.push("as number"),
                        UnitKind::Count => self.push("as count"),
                        UnitKind::Percent => self.push("as percent"),
                        UnitKind::Days => self.push("as days"),
                        UnitKind::Hours => self.push("as hours"),
                        UnitKind::Money(code) => {
                            self.push("as money ");
                            self.push(&str_text(code));
                        }
                    }
                    self.end_at(u.span.end);
                }
                Clause::Goal(g) => {
                    self.push(match g.bound {
                        Bound::AtLeast => "at least ",
                        Bound::AtMost => "at most ",
                    });
                    self.expr(&g.target, 0, true);
                    self.end_at(g.span.end);
                }
                Clause::Owner(o) => {
                    self.push("owner ");
                    self.push(&o.name);
                    self.end_at(o.span.end);
                }
            }
        }
    }

    fn period(&mut self, p: &Period) {
        self.push(match p.unit {
            PeriodUnit::Day => "per day",
            PeriodUnit::Week => "per week",
            PeriodUnit::Month => "per month",
            PeriodUnit::Quarter => "per quarter",
        });
        if let Some(by) = &p.by {
            self.push(" by ");
            self.expr(by, 0, true);
        }
        self.end_at(p.span.end);
    }

    fn metric(&mut self, m: &Metric) {
        self.metric = true;
        let (head, head_end) = Self::named_head("metric", &m.name, m.label.as_ref());
        let width = self.measure(|p| {
            p.expr(&m.value, 0, true);
            p.push(" ");
            p.period(&m.period);
        });
        let clauses =
            !m.splits.is_empty() || m.unit.is_some() || m.goal.is_some() || m.owner.is_some();
        let flat = head.chars().count() + 3 + width <= WIDTH && !clauses;
        if flat && !self.comment_inside(m.span.start, m.span.end) {
            self.open(0, m.span.start);
            self.push(&head);
            self.push(" = ");
            self.expr(&m.value, 0, true);
            self.push(" ");
            self.period(&m.period);
        } else {
            self.open(0, m.span.start);
            self.push(&head);
            self.push(" =");
            self.end_at(head_end);
            self.open_glued(2, m.value.span.start);
            self.expr(&m.value, 0, true);
            self.end_at(m.value.span.end);
            self.open_glued(2, m.period.span.start);
            self.period(&m.period);
            self.metric_clauses(m);
        }
        self.end_at(m.span.end);
        self.finish();
        self.metric = false;
    }

    fn test(&mut self, t: &Test) {
        let head = format!("test {}", str_text(&t.name));
        self.block_open(&t.span, &head, t.name.span.end);
        enum TestLine<'t> {
            Given(&'t Given),
            Table(&'t Ident, &'t Given),
            At(&'t Expr),
            Expect(&'t Expr),
        }
        let mut lines: Vec<(usize, TestLine<'_>)> = Vec::new();
        if let Some(g) = &t.given {
            let start = match g {
                Given::Inline(e) | Given::Leads(e) => e.span.start,
                Given::File(s) | Given::LeadsFile(s) => s.span.start,
            };
            lines.push((start, TestLine::Given(g)));
        }
        for (name, rows) in &t.tables {
            lines.push((name.span.start, TestLine::Table(name, rows)));
        }
        if let Some(at) = &t.at {
            lines.push((at.span.start, TestLine::At(at)));
        }
        for e in &t.expects {
            lines.push((e.span.start, TestLine::Expect(e)));
        }
        lines.sort_by_key(|(start, _)| *start);
        for (start, line) in lines {
            self.open(2, start);
            let e = match line {
                TestLine::Table(name, Given::LeadsFile(s) | Given::File(s)) => {
                    self.push(&format!("given {} from ", name.name));
                    self.push(&str_text(s));
                    self.end_at(s.span.end);
                    continue;
                }
                TestLine::Table(name, Given::Leads(e) | Given::Inline(e)) => {
                    self.push(&format!("given {} ", name.name));
                    e
                }
                TestLine::Given(Given::File(s)) => {
                    self.push("given lead from ");
                    self.push(&str_text(s));
                    self.end_at(s.span.end);
                    continue;
                }
                TestLine::Given(Given::LeadsFile(s)) => {
                    self.push("given leads from ");
                    self.push(&str_text(s));
                    self.end_at(s.span.end);
                    continue;
                }
                TestLine::Given(Given::Inline(e)) => {
                    self.push("given lead ");
                    e
                }
                TestLine::Given(Given::Leads(e)) => {
                    self.push("given leads ");
                    e
                }
                TestLine::At(e) => {
                    self.push("at ");
                    e
                }
                TestLine::Expect(e) => {
                    self.push("expect ");
                    e
                }
            };
            self.expr(e, 0, true);
            self.end_at(e.span.end);
        }
        self.block_close(&t.span, 0);
    }

    fn use_script(&mut self, u: &UseScript) {
        let head = format!("use script {}", str_text(&u.path));
        self.block_open(&u.span, &head, u.path.span.end);
        for f in &u.functions {
            self.open(2, f.span.start);
            self.push("fn ");
            self.push(&f.name.name);
            self.push("(");
            for (i, (name, ty)) in f.params.iter().enumerate() {
                if i > 0 {
                    self.push(", ");
                }
                self.push(&name.name);
                self.push(": ");
                self.type_expr(ty);
            }
            self.push(") -> ");
            self.type_expr(&f.ret);
            self.end_at(f.span.end);
        }
        self.block_close(&u.span, 0);
    }
}
