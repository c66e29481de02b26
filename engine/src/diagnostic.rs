//! The one error type of every stage: loading, parsing, checking, decoding and evaluating.
//!
//! A [`Diagnostic`] is a stable [`Code`], a message, labelled spans into the sources and a help
//! line that says what to do. It renders with miette (graphical on a terminal, plain otherwise)
//! and serializes to JSON for CI.

use funnel_grammar::{SourceFile, Span, SyntaxError, SyntaxKind};
use funnel_locale::t;
use miette::{LabeledSpan, MietteSpanContents, SourceCode, SpanContents};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

macro_rules! codes {
    ($($variant:ident => $name:literal : $doc:literal,)*) => {
        /// Stable diagnostic codes. CI logs and docs refer to them, so they never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `funnel::unknown_field`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!("funnel::", $name),)*
                }
            }

            /// The code's name without its `funnel::` prefix: `unknown_field`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What the code means, in one line, in the current language (the catalogue's
            /// `code-NAME` entry; the English one is also this variant's documentation).
            pub fn description(self) -> String {
                funnel_locale::text(&format!("code-{}", self.name()), &[])
            }
        }
    };
}

codes! {
    Io => "io": "A file or directory could not be read.",
    NoPolicyFiles => "no_policy_files": "A policy directory holds no `.funnel` file.",
    Syntax => "syntax": "The text does not follow the language's grammar.",
    IndentedBlock => "indented_block": "A top-level block whose keyword is not in column 1 (a warning: the block is read, and `funnel fmt` moves it).",
    NonAsciiName => "non_ascii_name": "A name with a letter outside ASCII, such as `funcionários`: names are ASCII letters, digits and `_`.",
    NoHeader => "no_policy_header": "A policy set has no `policy` header.",
    DuplicateHeader => "duplicate_policy_header": "A policy set has more than one `policy` header.",
    Duplicate => "duplicate_definition": "Two definitions share one name.",
    UnknownName => "unknown_name": "A name that is not a field, let, score or other definition.",
    UnknownField => "unknown_field": "A field that the record's schema does not have.",
    UnknownEnumValue => "unknown_enum_value": "A value that is not one of the enum's values.",
    UnknownType => "unknown_type": "A type name that is neither built in nor a schema.",
    UnknownPersona => "unknown_persona": "A persona that is not defined.",
    UnknownScore => "unknown_score": "A score that is not defined.",
    UnknownStage => "unknown_stage": "A stage that is not listed in `stages`.",
    UnknownCalendar => "unknown_calendar": "A calendar that is not defined.",
    UnknownSla => "unknown_sla": "An SLA that is not defined.",
    UnknownFunction => "unknown_function": "A function that is neither built in nor declared by a script.",
    UnknownTimezone => "unknown_timezone": "A time zone that is not an IANA name.",
    UnknownHolidaySet => "unknown_holiday_set": "A built-in holiday set that does not exist.",
    TypeMismatch => "type_mismatch": "An expression of one type where another is needed.",
    WrongArity => "wrong_arity": "A function called with the wrong number of arguments.",
    BadRegex => "bad_regex": "A regular expression that does not compile.",
    BadDate => "bad_date": "A date or datetime that does not exist.",
    BadDuration => "bad_duration": "A duration that is zero or negative where a positive one is needed.",
    BadNumber => "bad_number": "A number out of its allowed range.",
    Cycle => "cycle": "A definition that depends on itself.",
    NoLeadSchema => "no_lead_schema": "No `schema lead` describes the leads.",
    BadKey => "bad_key": "A `key` field that cannot identify a lead.",
    MissingElse => "missing_else": "A grade without an `else` letter.",
    MissingOtherwise => "missing_otherwise": "A route without a final `otherwise` branch.",
    BadStage => "bad_stage": "A stage line that breaks the rules of `stages`.",
    BadSla => "bad_sla": "An SLA clause that is incomplete or inconsistent.",
    BadCalendar => "bad_calendar": "A calendar with impossible hours or never open.",
    BadClamp => "bad_clamp": "A `clamp` whose bounds are reversed.",
    BadDecay => "bad_decay": "A `decay` with an impossible rate or period.",
    BadTest => "bad_test": "A `test` block that is incomplete or whose lead does not fit the schema.",
    BadScript => "bad_script": "A script that cannot be loaded or does not provide what it declares.",
    BadMetric => "bad_metric": "A metric written in a way that has no meaning, such as a window on `leads`.",
    BadInput => "bad_input": "A field's input modifier (`map`, `true`/`false`, `decimal`, `format`) that does not fit its type, or that reads one input text two ways.",
    BadTable => "bad_table": "A `table` whose rows cannot be placed in periods or hold nested values.",
    MisplacedAggregate => "misplaced_aggregate": "An aggregate over `leads` outside a metric, or a lead field outside an aggregate in a metric.",
    UnreachableGrade => "unreachable_grade": "A grade band no score can reach.",
    ThresholdsOutOfOrder => "thresholds_out_of_order": "Grade thresholds that are not in descending order.",
    UnreachableStage => "unreachable_stage": "A stage no lead can reach.",
    UnreachableRoute => "unreachable_route": "A route branch no lead can reach.",
    UnusedPersona => "unused_persona": "A persona that no score, stage, route or SLA uses.",
    UnusedCalendar => "unused_calendar": "A calendar that no SLA uses.",
    ZeroPoints => "zero_points": "A score rule worth 0 points.",
    AlwaysPresent => "always_present": "A presence test on a required field, which always has a value.",
    AmbiguousDuration => "ambiguous_duration": "A duration that likely does not mean what it says: days of open time on a calendar, or minutes in a decay.",
    LeadFieldInWhere => "lead_field_in_where": "A condition about the lead inside a list's `where` filter, joined by `and`/`or`.",
    BadLead => "bad_lead": "A lead that does not fit the schema.",
    Evaluation => "evaluation": "An error while evaluating a lead.",
    Internal => "internal": "A failure inside Funnel itself (a bug): the message says where; please report it with the files that caused it.",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy cannot be used.
    Error,
    /// Legal, but almost surely not what was meant.
    Warning,
}

/// A labelled place in the sources.
#[derive(Debug, Clone)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What the place has to do with the problem.
    pub message: String,
}

/// One problem found in the policy or in its input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Labelled places, the main one first.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Labels in other files than the main one, rendered as their own snippets.
    related: Vec<Diagnostic>,
    /// The main label's file, for miette.
    source: Option<FileSource>,
    /// A snippet of another file attached to a diagnostic (rendered without code or severity).
    note: bool,
}

impl Diagnostic {
    /// An error with a code and message.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
            source: None,
            note: false,
        }
    }

    /// A warning with a code and message.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// The diagnostic of a parser's error or warning, under its kind's code.
    pub fn from_syntax(e: SyntaxError) -> Diagnostic {
        let code = match e.kind {
            SyntaxKind::Grammar => Code::Syntax,
            SyntaxKind::NonAsciiName => Code::NonAsciiName,
            SyntaxKind::IndentedBlock => Code::IndentedBlock,
        };
        let d = if e.kind.is_warning() {
            Diagnostic::warning(code, e.message)
        } else {
            Diagnostic::error(code, e.message)
        }
        .label(&e.span, e.label);
        match e.help {
            Some(h) => d.help(h),
            None => d,
        }
    }

    /// Adds a labelled span. The first label is the main one; a label in another file than the
    /// main one is shown as a snippet of its own below.
    pub fn label(mut self, span: &Span, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        match self.labels.first() {
            Some(main) if !Arc::ptr_eq(&main.span.file, &span.file) => {
                let mut note =
                    Diagnostic::error(self.code, t!("common-see-also", file = span.file.name));
                note.severity = self.severity;
                note.note = true;
                note.source = Some(FileSource::new(span.file.clone()));
                note.labels.push(Label {
                    span: span.clone(),
                    message,
                });
                self.related.push(note);
            }
            _ => {
                if self.source.is_none() {
                    self.source = Some(FileSource::new(span.file.clone()));
                }
                self.labels.push(Label {
                    span: span.clone(),
                    message,
                })
            }
        }
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors (not warnings).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The main span, when the problem has a place in the sources.
    pub fn span(&self) -> Option<&Span> {
        self.labels.first().map(|l| &l.span)
    }

    /// Every labelled place, the main one first, those in other files included (an editor
    /// shows them as related locations: both places of a duplicate).
    pub fn places(&self) -> impl Iterator<Item = &Label> {
        self.labels
            .iter()
            .chain(self.related.iter().flat_map(|r| r.labels.iter()))
    }

    /// Renders for a person: with colour and Unicode when `color` is set, plain ASCII otherwise.
    ///
    /// Source lines longer than [`MAX_SHOWN_LINE`] characters are clipped around the labels
    /// first: miette pads with the column as a width, and a width past 65,535 panics. Should
    /// miette fail or panic all the same, the diagnostic is still given, without a snippet.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::none()
        };
        let handler = miette::GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100);
        let clipped = self.clipped();
        let shown = clipped.as_ref().unwrap_or(self);
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut out = String::new();
            handler.render_report(&mut out, shown).map(|()| out)
        }));
        match rendered {
            Ok(Ok(out)) => out,
            _ => self.render_plain(),
        }
    }

    /// The diagnostic in a few plain lines, without a snippet of the source.
    fn render_plain(&self) -> String {
        let mut out = format!("{}: {}\n", self.code, self.message);
        for l in self
            .labels
            .iter()
            .chain(self.related.iter().flat_map(|r| &r.labels))
        {
            out.push_str(&format!("  at {}: {}\n", l.span.location(), l.message));
        }
        if let Some(h) = &self.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        out
    }

    /// A copy whose labelled files have their long lines clipped around the labels, or `None`
    /// when no line needs it (the usual case: the diagnostic renders as it is).
    fn clipped(&self) -> Option<Diagnostic> {
        let source = self.source.as_ref()?;
        let mut copy = self.clone();
        let mut changed = false;
        if let Some(clip) = Clip::of(&source.file, self.labels.iter().map(|l| &l.span)) {
            changed = true;
            for l in &mut copy.labels {
                l.span = clip.span(&l.span);
            }
            copy.source = Some(FileSource {
                file: clip.file.clone(),
                anchors: clip.anchors.clone(),
                original: Some(clip.original.clone()),
            });
        }
        for r in &mut copy.related {
            if let Some(c) = r.clipped() {
                changed = true;
                *r = c;
            }
        }
        changed.then_some(copy)
    }

    /// The machine-readable form used by `--format json`.
    pub fn to_json(&self) -> JsonDiagnostic {
        let place = self.span().map(|s| {
            let (line, column) = s.line_col();
            let (end_line, end_column) = s.file.line_col(s.end);
            (s.file.name.clone(), line, column, end_line, end_column)
        });
        JsonDiagnostic {
            file: place.as_ref().map(|p| p.0.clone()),
            line: place.as_ref().map(|p| p.1),
            column: place.as_ref().map(|p| p.2),
            end_line: place.as_ref().map(|p| p.3),
            end_column: place.as_ref().map(|p| p.4),
            severity: self.severity,
            code: self.code.as_str(),
            message: self.message.clone(),
            help: self.help.clone(),
            labels: self
                .places()
                .map(|l| {
                    let (line, column) = l.span.line_col();
                    JsonLabel {
                        file: l.span.file.name.clone(),
                        line,
                        column,
                        message: l.message.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// A diagnostic as JSON: where, how serious, which code, what and what to do.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    /// The file of the main label.
    pub file: Option<String>,
    /// 1-based line of the main label's start.
    pub line: Option<usize>,
    /// 1-based column of the main label's start.
    pub column: Option<usize>,
    /// 1-based line of the main label's end.
    pub end_line: Option<usize>,
    /// 1-based column of the main label's end.
    pub end_column: Option<usize>,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// Every labelled place.
    pub labels: Vec<JsonLabel>,
}

/// One labelled place in [`JsonDiagnostic`].
#[derive(Debug, Clone, Serialize)]
pub struct JsonLabel {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The label's text.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Lines longer than this (in characters) are clipped to `SHOWN_WINDOW` characters around
/// the labels when rendered.
pub const MAX_SHOWN_LINE: usize = 240;
/// How many characters of a clipped line are shown.
const SHOWN_WINDOW: usize = 160;
/// How many of them come before the first labelled place on the line.
const SHOWN_BEFORE: usize = 60;
/// What stands for the clipped text.
const ELLIPSIS: &str = "...";

/// A file with its long lines clipped, and where the labels' offsets land in it.
struct Clip {
    original: Arc<SourceFile>,
    file: Arc<SourceFile>,
    /// Old offset to new offset, for every labelled offset.
    moved: std::collections::HashMap<usize, usize>,
    /// New offset to old offset, for the header's line and column.
    anchors: Arc<Vec<(usize, usize)>>,
}

impl Clip {
    /// Clips `file`'s long lines around the given spans' ends; `None` when no line is long.
    fn of<'s>(file: &Arc<SourceFile>, spans: impl Iterator<Item = &'s Span>) -> Option<Clip> {
        let text = &file.text;
        let long =
            |line: &str| line.len() > MAX_SHOWN_LINE && line.chars().nth(MAX_SHOWN_LINE).is_some();
        if !text.split('\n').any(long) {
            return None;
        }
        let mut points: Vec<usize> = spans
            .filter(|s| Arc::ptr_eq(&s.file, file))
            .flat_map(|s| [s.start, s.end])
            .map(|p| p.min(text.len()))
            .collect();
        points.sort_unstable();
        points.dedup();
        let mut out = String::with_capacity(text.len().min(1 << 16));
        let mut moved = std::collections::HashMap::new();
        let mut at = 0;
        for piece in text.split_inclusive('\n') {
            let start = at;
            at += piece.len();
            let body = piece.trim_end_matches(['\n', '\r']);
            let end = start + body.len();
            let here: Vec<usize> = points
                .iter()
                .copied()
                .filter(|p| (start..=end).contains(p) || (end < *p && *p < at))
                .collect();
            if !long(body) {
                for p in here {
                    moved.insert(p, out.len() + (p - start));
                }
                out.push_str(piece);
                continue;
            }
            // The window, in characters: from a little before the first labelled place.
            let first = here
                .iter()
                .find(|p| **p <= end)
                .map_or(0, |p| body[..*p - start].chars().count());
            let from_char = first.saturating_sub(SHOWN_BEFORE);
            let byte_at = |c: usize| body.char_indices().nth(c).map_or(body.len(), |(i, _)| i);
            let from = byte_at(from_char);
            let to = byte_at(from_char + SHOWN_WINDOW);
            if from > 0 {
                out.push_str(ELLIPSIS);
            }
            let window_start = out.len();
            out.push_str(&body[from..to]);
            let window_end = out.len();
            if to < body.len() {
                out.push_str(ELLIPSIS);
            }
            let body_end = out.len();
            out.push_str(&piece[body.len()..]);
            for p in here {
                let rel = p - start;
                let new = if rel < from {
                    window_start
                } else if rel <= to {
                    window_start + (rel - from)
                } else if p <= end {
                    window_end
                } else {
                    body_end + (p - end)
                };
                moved.insert(p, new);
            }
        }
        // The end of a text that ends with a line break is on no line.
        for p in points {
            moved.entry(p).or_insert(out.len());
        }
        let anchors = moved.iter().map(|(old, new)| (*new, *old)).collect();
        Some(Clip {
            original: file.clone(),
            file: SourceFile::new(file.name.clone(), out),
            moved,
            anchors: Arc::new(anchors),
        })
    }

    /// The span moved into the clipped file.
    fn span(&self, span: &Span) -> Span {
        let at = |p: usize| {
            self.moved
                .get(&p.min(span.file.text.len()))
                .copied()
                .unwrap_or(0)
        };
        if !Arc::ptr_eq(&span.file, &self.original) {
            return span.clone();
        }
        Span::new(
            self.file.clone(),
            at(span.start),
            at(span.end).max(at(span.start)),
        )
    }
}

/// Lets miette read snippets straight out of a shared [`SourceFile`].
#[derive(Debug, Clone)]
struct FileSource {
    file: Arc<SourceFile>,
    /// For a clipped file: (clipped offset, original offset) of each labelled place, so the
    /// `[file:line:column]` header gives the original column.
    anchors: Arc<Vec<(usize, usize)>>,
    /// The original file, for those columns.
    original: Option<Arc<SourceFile>>,
}

impl FileSource {
    fn new(file: Arc<SourceFile>) -> FileSource {
        FileSource {
            file,
            anchors: Arc::new(Vec::new()),
            original: None,
        }
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .file
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let mut column = inner.column();
        // Without context, miette reads the primary label's place for the header, with the
        // column counted in bytes; the header gives it in characters, as `line_col` does (an
        // accent is one column, a byte-order mark none), in the original file when clipped.
        if (context_lines_before, context_lines_after) == (0, 0) {
            let anchor = self.anchors.iter().find(|(new, _)| *new == span.offset());
            let (file, offset) = match (&self.original, anchor) {
                (Some(original), Some((_, old))) => (original, *old),
                _ => (&self.file, span.offset()),
            };
            column = file.line_col(offset).1 - 1;
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.note {
            return None;
        }
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        if self.note {
            return Some(miette::Severity::Advice);
        }
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(|(i, l)| {
            let len = l.span.len();
            let span = miette::SourceSpan::new(l.span.start.into(), len);
            let text = (!l.message.is_empty()).then(|| l.message.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}
