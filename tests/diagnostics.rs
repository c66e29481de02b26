//! Snapshots of what a person sees for the mistakes people make when writing a policy.
//!
//! Each test makes one mistake in a copy of `policies/acme` (held in memory), checks the set,
//! asserts the expected code and that its main label is on the expected line, and snapshots
//! every diagnostic as rendered without colour. Review a changed snapshot by reading it: it
//! must show the source line, a label on the mistake and a help line that says what to do.
//! Each mistake is pinned in English and in Portuguese (`NAME_pt_br`), with the same codes at
//! the same places.

use funnel_engine::{CheckReport, Code, Severity};
use funnel_locale::Lang;
use funnel_tests::{main_place, render, PolicySet};

/// Checks the set and pins its diagnostics. `place` is where the main label of the first
/// diagnostic with `code` must be: (file's short name, 1-based line).
fn expect(name: &str, set: &PolicySet, code: Code, severity: Severity, place: (&str, usize)) {
    let report = set.check();
    let rendered = render(&report.diagnostics);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{name}: expected {code}, got:\n{rendered}"));
    assert_eq!(d.severity, severity, "{name}: wrong severity:\n{rendered}");
    if severity == Severity::Warning {
        assert_eq!(
            report.errors(),
            0,
            "{name}: a warning case must have no errors:\n{rendered}"
        );
    }
    let (file, line) = main_place(d).unwrap_or_else(|| panic!("{name}: no label:\n{rendered}"));
    assert!(
        file.ends_with(&format!("/{}", place.0)),
        "{name}: main label in {file}, expected {}:\n{rendered}",
        place.0
    );
    assert_eq!(
        line, place.1,
        "{name}: main label on the wrong line:\n{rendered}"
    );
    insta::assert_snapshot!(name, rendered);
    pin_in_portuguese(name, set, &report, &rendered);
}

/// Checks the set again in Portuguese: the same codes at the same places, other words, pinned
/// as `NAME_pt_br`.
fn pin_in_portuguese(name: &str, set: &PolicySet, report: &CheckReport, rendered: &str) {
    let pt = funnel_locale::with_language(Lang::PtBr, || set.check());
    let places = |r: &CheckReport| -> Vec<_> {
        r.diagnostics
            .iter()
            .map(|d| (d.code, d.severity, main_place(d)))
            .collect()
    };
    assert_eq!(
        places(&pt),
        places(report),
        "{name}: pt-BR found other problems"
    );
    let rendered_pt = render(&pt.diagnostics);
    assert_ne!(rendered_pt, rendered, "{name}: not worded in Portuguese");
    insta::assert_snapshot!(format!("{name}_pt_br"), rendered_pt);
}

/// One mistake: edits (file, from, to) applied to acme in order; the main label is expected on
/// the line where the last edit began, or on the line of `at NEEDLE` in the edited file.
macro_rules! mistake {
    (@run $name:ident, $sev:ident, $code:ident, [$(($file:literal, $from:expr, $to:expr)),+], $at:expr) => {
        #[test]
        fn $name() {
            let mut set = PolicySet::acme();
            $( set = set.replace($file, $from, $to); )+
            let (file, line) = set.last_edit.clone().unwrap();
            let at: Option<(&str, &str)> = $at;
            let place = match at {
                Some((f, needle)) => (f.to_string(), set.line_of(f, needle)),
                None => (file, line),
            };
            expect(stringify!($name), &set, Code::$code, Severity::$sev, (&place.0, place.1));
        }
    };
    ($name:ident: $code:ident in $file:literal, $from:expr => $to:expr) => {
        mistake!(@run $name, Error, $code, [($file, $from, $to)], None);
    };
    ($name:ident: $code:ident in $file:literal, $from:expr => $to:expr, at $needle:expr) => {
        mistake!(@run $name, Error, $code, [($file, $from, $to)], Some(($file, $needle)));
    };
    ($name:ident: $code:ident, [$(($file:literal, $from:expr, $to:expr)),+ $(,)?], at ($lf:literal, $needle:expr)) => {
        mistake!(@run $name, Error, $code, [$(($file, $from, $to)),+], Some(($lf, $needle)));
    };
}

macro_rules! warning {
    ($name:ident: $code:ident in $file:literal, $from:expr => $to:expr) => {
        mistake!(@run $name, Warning, $code, [($file, $from, $to)], None);
    };
    ($name:ident: $code:ident in $file:literal, $from:expr => $to:expr, at $needle:expr) => {
        mistake!(@run $name, Warning, $code, [($file, $from, $to)], Some(($file, $needle)));
    };
}

#[test]
fn acme_is_clean() {
    let report = PolicySet::acme().check();
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        render(&report.diagnostics)
    );
    assert!(report.is_ok());
}

// ---------------------------------------------------------------------------------------------
// Names

mistake!(misspelt_field: UnknownField in "personas.funnel",
    "company_size between" => "compny_size between");
mistake!(misspelt_field_of_record: UnknownField in "scoring.funnel",
    "campaign.medium ==" => "campaign.medum ==");
mistake!(misspelt_item_field: UnknownField in "scoring.funnel",
    "where kind == page_view" => "where knd == page_view");
mistake!(enum_value_not_in_enum: UnknownEnumValue in "personas.funnel",
    "industry in [saas, fintech]" => "industry in [saas, fintec]");
mistake!(event_kind_not_in_enum: UnknownEnumValue in "scoring.funnel",
    "kind == pricing_view" => "kind == pricing_page");
mistake!(stage_value_misspelt: UnknownEnumValue in "sla.funnel",
    "stage >= mql and" => "stage >= mq1 and");
mistake!(grade_letter_not_in_grade: UnknownEnumValue in "funnel.funnel",
    "grade(fit) in [A, B]" => "grade(fit) in [A, E]");
mistake!(text_without_quotes: UnknownName in "scoring.funnel",
    "country in [\"BR\", \"PT\", \"US\", \"MX\"]" => "country in [BR, PT, US, MX]");
mistake!(unknown_persona: UnknownPersona in "scoring.funnel",
    "persona economic_buyer" => "persona economic_buyers");
mistake!(persona_without_keyword: UnknownName in "scoring.funnel",
    "+30 when persona economic_buyer" => "+30 when economic_buyer");
mistake!(unknown_score_in_grade: UnknownScore in "funnel.funnel",
    "grade intent {" => "grade intnet {");
mistake!(unknown_stage_in_recycle: UnknownStage in "sla.funnel",
    "recycle to lead" => "recycle to leads");
mistake!(conversion_with_unknown_stage: UnknownStage in "sla.funnel",
    "reach sql per month" => "reach sqll per month");
mistake!(unknown_calendar: UnknownCalendar in "sla.funnel",
    "within 4h of sao_paulo_office" => "within 4h of sao_paulo");
mistake!(unknown_timezone: UnknownTimezone in "policy.funnel",
    "timezone \"America/Sao_Paulo\"" => "timezone \"America/Sao_Paolo\"");
mistake!(unknown_holiday_set: UnknownHolidaySet in "sla.funnel",
    "holidays brazil" => "holidays brasil");
mistake!(unknown_function: UnknownFunction in "scoring.funnel",
    "lower(email)" => "lowercase(email)");
mistake!(unknown_sla_in_compliance: UnknownSla in "sla.funnel",
    "90% of first_touch met" => "90% of first_tuch met");
mistake!(unknown_type_in_schema: UnknownType in "policy.funnel",
    "web_visits: int?" => "web_visits: integer?");
mistake!(missing_test_lead_file: BadTest in "tests.funnel",
    "\"leads/enterprise_demo.json\"" => "\"leads/enterprise-demo.json\"");

// ---------------------------------------------------------------------------------------------
// Types

mistake!(text_compared_with_number: TypeMismatch in "personas.funnel",
    "company_size >= 1000" => "company_size >= \"1000\"");
mistake!(number_as_condition: TypeMismatch in "scoring.funnel",
    "+10 when annual_revenue >= 1_000_000" => "+10 when annual_revenue");
mistake!(datetime_plus_datetime: TypeMismatch in "scoring.funnel",
    "(first(touches).at - created_at)" => "(first(touches).at + created_at)");
mistake!(within_on_list_without_at: TypeMismatch in "scoring.funnel",
    "+1 per web_visits, max 10" => "+1 per tags within 30d, max 10");
mistake!(wrong_arity: WrongArity in "scoring.funnel",
    "lower(email)" => "lower(email, \"pt\")");
mistake!(starts_at_not_a_datetime: TypeMismatch in "sla.funnel",
    "starts at sql_at" => "starts at company");
mistake!(bad_regex: BadRegex in "personas.funnel",
    "/(growth|marketing|revops|sales ops|demand gen)/i" => "/(growth|marketing|revops/i");

// ---------------------------------------------------------------------------------------------
// Literals

mistake!(bad_date: BadDate in "sla.funnel",
    "holidays 2026-12-24" => "holidays 2026-02-30");
mistake!(batch_test_period_of_the_wrong_unit: BadTest in "tests.funnel",
    "expect metric(mql_volume, \"2026-11\") == 6" => "expect metric(mql_volume, \"2026-Q4\") == 6");
mistake!(batch_test_unknown_metric: UnknownName in "tests.funnel",
    "expect metric(qualified_rate, \"2026-11\") == 3 / 19" => "expect metric(qualified_rat, \"2026-11\") == 3 / 19");
mistake!(batch_test_expects_a_leads_stage: BadTest in "tests.funnel",
    "expect funnel(mql) == 6" => "expect stage == mql");
mistake!(batch_test_status_of_a_metric_without_target: BadTest in "tests.funnel",
    "expect metric(qualified_rate, \"2026-11\") == 3 / 19" => "expect status(qualified_rate, \"2026-11\") == held");
mistake!(one_lead_test_expects_a_funnel_count: BadTest in "tests.funnel",
    "expect stage == opportunity" => "expect funnel(opportunity) == 1");
mistake!(bad_datetime_in_test: BadDate in "tests.funnel",
    "at 2026-11-26T10:00:00-03:00" => "at 2026-11-31T10:00:00-03:00");
mistake!(zero_deadline: BadDuration in "sla.funnel",
    "within 4h of" => "within 0h of");
mistake!(unterminated_string: Syntax in "policy.funnel",
    "owner sales \"Bruno Lima\"" => "owner sales \"Bruno Lima");

// ---------------------------------------------------------------------------------------------
// Syntax

mistake!(missing_closing_brace: Syntax in "personas.funnel",
    "c[eot]o|founder)\\b/i\n}\n" => "c[eot]o|founder)\\b/i\n\n", at "c[eot]o|founder)");
mistake!(single_equals: Syntax in "funnel.funnel",
    "nurture when stage == lead" => "nurture when stage = lead");
mistake!(double_ampersand: Syntax in "funnel.funnel",
    "fit >= 40 and engagement >= 25" => "fit >= 40 && engagement >= 25");
mistake!(points_without_sign: Syntax in "scoring.funnel",
    "+10 when from_core_market" => "10 when from_core_market");
mistake!(missing_when: Syntax in "scoring.funnel",
    "+5 when company is present" => "+5 company is present");

// ---------------------------------------------------------------------------------------------
// Blocks

mistake!(grade_without_else: MissingElse in "funnel.funnel",
    "C >= 30, else D }" => "C >= 30 }");
mistake!(route_without_otherwise: MissingOtherwise in "funnel.funnel",
    "inside_sales otherwise" => "inside_sales when stage == sql");
mistake!(first_stage_with_condition: BadStage in "funnel.funnel",
    "  lead\n  mql when" => "  lead when fit >= 10\n  mql when");
mistake!(later_stage_without_condition: BadStage in "funnel.funnel",
    "  mql when fit >= 40 and engagement >= 25" => "  mql");
mistake!(duplicate_stage: Duplicate in "funnel.funnel",
    "    because \"Not a buyer: a competitor, a student or an intern\"\n" =>
    "    because \"Not a buyer: a competitor, a student or an intern\"\n  mql when fit >= 90\n",
    at "mql when fit >= 90");
mistake!(clamp_reversed: BadClamp in "scoring.funnel",
    "clamp 0..100" => "clamp 100..0");
mistake!(decay_zero_percent: BadDecay in "scoring.funnel",
    "decay 50% every 30d" => "decay 0% every 30d");
mistake!(decay_zero_half_life: BadDecay in "scoring.funnel",
    "half-life 21d" => "half-life 0d");
mistake!(warn_at_over_100_percent: BadSla in "sla.funnel",
    "warn at 75%" => "warn at 150%");
mistake!(reach_sla_with_percent: BadSla in "sla.funnel",
    "at least 200 leads reach mql" => "at least 20% leads reach mql");
mistake!(conversion_without_percent: BadSla in "sla.funnel",
    "at least 50% of leads reaching" => "at least 50 of leads reaching");
mistake!(sla_without_met_by: BadSla in "sla.funnel",
    "  met by first(touches where channel in [call, meeting]).at\n" => "",
    at "sla first_touch");
mistake!(calendar_without_timezone: BadCalendar in "sla.funnel",
    "  timezone \"America/New_York\"\n" => "", at "calendar new_york_office");
mistake!(leads_outside_metric: MisplacedAggregate in "scoring.funnel",
    "+15 when any event where kind == webinar" => "+15 when count(leads where source == event) > 10");
mistake!(lead_field_outside_aggregate_in_metric: MisplacedAggregate in "sla.funnel",
    "/ count(leads)\n  per month" => "/ company_size\n  per month");
mistake!(test_without_expect: BadTest in "tests.funnel",
    "  expect not persona economic_buyer\n  expect is_student\n  expect stage == disqualified\n  expect route == no_follow_up\n  expect sla(first_touch).state == not_applicable\n" => "",
    at "test \"a student is disqualified");
mistake!(test_lead_missing_required_field: BadTest in "tests.funnel",
    "    industry: saas\n    role: \"Head of Sales\"" => "    role: \"Head of Sales\"", at "given lead {");
mistake!(test_lead_unknown_field: UnknownField in "tests.funnel",
    "company: \"Loja da Ana\"" => "compnay: \"Loja da Ana\"");
mistake!(test_lead_wrong_value_type: TypeMismatch in "tests.funnel",
    "company_size: 300" => "company_size: \"300\"");

// ---------------------------------------------------------------------------------------------
// Schema

mistake!(duplicate_field: Duplicate in "policy.funnel",
    "  newsletter_opt_in: bool\n" => "  newsletter_opt_in: bool\n  email: text\n", at "  email: text\n  trial");
mistake!(two_key_fields: BadKey in "policy.funnel",
    "  email: text\n" => "  email: text key\n");
mistake!(optional_key: BadKey in "policy.funnel",
    "id: text key" => "id: text? key");
mistake!(let_named_like_a_field: Duplicate in "scoring.funnel",
    "let is_student =" => "let country = \"BR\"\nlet is_student =");

// ---------------------------------------------------------------------------------------------
// How fields read their input

mistake!(map_to_an_unknown_enum_value: UnknownEnumValue in "policy.funnel",
    "manufacturing, other)\n" => "manufacturing, other)\n    map fintec from \"Fintech\", \"FinTech\"\n", at "map fintec");
mistake!(a_text_mapped_twice: BadInput in "policy.funnel",
    "manufacturing, other)\n" => "manufacturing, other)\n    map saas from \"SaaS\"\n    map fintech from \"Fintech\", \"SaaS\"\n",
    at "map fintech");
mistake!(a_mapped_text_that_is_a_value: BadInput in "policy.funnel",
    "manufacturing, other)\n" => "manufacturing, other) map other from \"retail\"\n");
mistake!(a_mapped_text_that_is_missing: BadInput in "policy.funnel",
    "individual, student)?\n" => "individual, student)? missing \"-\" map individual from \"-\"\n");
mistake!(map_on_a_text_field: BadInput in "policy.funnel",
    "role: text from \"Job Title\"" => "role: text from \"Job Title\" map head from \"Head\"");
mistake!(a_bool_word_both_true_and_false: BadInput in "policy.funnel",
    "newsletter_opt_in: bool\n" => "newsletter_opt_in: bool true \"s\" false \"S\"\n");
mistake!(a_bool_word_that_already_means_the_opposite: BadInput in "policy.funnel",
    "newsletter_opt_in: bool\n" => "newsletter_opt_in: bool true \"sim\", \"N\"\n");
mistake!(a_decimal_that_is_not_a_separator: BadInput in "policy.funnel",
    "deal_value: number?" => "deal_value: number? decimal \";\"");
mistake!(a_date_format_without_a_year: BadInput in "policy.funnel",
    "trial_started_on: date?" => "trial_started_on: date? format \"dd/mm\"");
mistake!(a_date_format_on_a_number: BadInput in "policy.funnel",
    "web_visits: int?" => "web_visits: int? format \"dd/mm/yyyy\"");

// ---------------------------------------------------------------------------------------------
// Dependencies

mistake!(score_cycle: Cycle, [
    ("scoring.funnel", "+10 when from_core_market", "+10 when engagement >= 20"),
    ("scoring.funnel", "+5 when campaign.medium == \"webinar\"", "+5 when fit >= 50"),
], at ("scoring.funnel", "score fit"));
mistake!(let_cycle: Cycle, [
    ("scoring.funnel", "let from_core_market = country in", "let from_core_market = is_student or country in"),
    ("scoring.funnel", "let is_student = seniority == student or", "let is_student = from_core_market or seniority == student or"),
], at ("scoring.funnel", "let from_core_market"));
mistake!(score_uses_stage_that_uses_it: Cycle in "scoring.funnel",
    "+5 when company is present" => "+5 when stage >= mql", at "score fit");

// ---------------------------------------------------------------------------------------------
// Warnings

warning!(unreachable_grade_band: UnreachableGrade in "funnel.funnel", "A >= 70" => "A >= 170");
warning!(thresholds_out_of_order: ThresholdsOutOfOrder in "funnel.funnel",
    "A >= 70, B >= 50" => "A >= 50, B >= 70");
warning!(unused_persona: UnusedPersona in "personas.funnel",
    "persona enterprise_account" => "persona student_founder \"Founders still at university\" {\n  seniority == student\n}\n\npersona enterprise_account",
    at "persona student_founder");
warning!(unused_calendar: UnusedCalendar in "sla.funnel",
    "calendar new_york_office {" => "calendar lisbon_office {\n  timezone \"Europe/Lisbon\"\n  mon-fri 09:00-18:00\n}\n\ncalendar new_york_office {",
    at "calendar lisbon_office");
warning!(zero_point_rule: ZeroPoints in "scoring.funnel",
    "+5 when company is present" => "+0 when company is present");
warning!(unreachable_stage: UnreachableStage in "funnel.funnel",
    "sql when grade(fit) in [A, B] and (grade(intent) == hot or any(event where kind == demo_request))" =>
    "sql when fit >= 40 and engagement >= 25", at "mql when");
warning!(route_branch_after_otherwise: UnreachableRoute in "funnel.funnel",
    "  inside_sales otherwise" => "  inside_sales otherwise\n  partners when source == partner", at "partners when");
warning!(presence_test_on_required_field: AlwaysPresent in "scoring.funnel",
    "+5 when company is present" => "+5 when email is present");
warning!(days_of_open_time: AmbiguousDuration in "sla.funnel",
    "within 4h of sao_paulo_office" => "within 90d of sao_paulo_office");
warning!(decay_every_minute: AmbiguousDuration in "scoring.funnel",
    "decay 50% every 30d since" => "decay 50% every 1m since");
warning!(half_life_of_minutes: AmbiguousDuration in "scoring.funnel",
    "decay half-life 21d since" => "decay half-life 30m since");
warning!(lead_field_in_where: LeadFieldInWhere in "scoring.funnel",
    "+30 when any event where kind == demo_request within 14d" =>
    "+30 when any event where kind == demo_request or newsletter_opt_in");

/// The forms next to each warning that do not warn.
#[test]
fn what_the_duration_and_where_lints_leave_alone() {
    let cases = [
        (
            "sla.funnel",
            "within 4h of sao_paulo_office",
            "within 2160h of sao_paulo_office",
        ),
        (
            "sla.funnel",
            "within 4h of sao_paulo_office",
            "within 4h 30m of sao_paulo_office",
        ),
        (
            "sla.funnel",
            "within 4h of sao_paulo_office",
            "within 3 business days of sao_paulo_office",
        ),
        (
            "sla.funnel",
            "within 4h of sao_paulo_office",
            "within 1 business day of sao_paulo_office",
        ),
        (
            "scoring.funnel",
            "decay 50% every 30d since",
            "decay 50% every 60s since",
        ),
        (
            "scoring.funnel",
            "decay 50% every 30d since",
            "decay 50% every 1h since",
        ),
        (
            "scoring.funnel",
            "decay 50% every 30d since",
            "decay 50% every 2h 30m since",
        ),
        (
            "scoring.funnel",
            "decay half-life 21d since",
            "decay half-life 90m since",
        ),
        (
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when any event where (kind == demo_request or newsletter_opt_in)",
        ),
        (
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when (any event where kind == demo_request) or newsletter_opt_in",
        ),
        (
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when any(event where kind == demo_request or newsletter_opt_in)",
        ),
        (
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when any event where kind == demo_request or page is present within 14d",
        ),
        (
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when any event where kind == demo_request and at >= created_at",
        ),
    ];
    for (file, from, to) in cases {
        let report = PolicySet::acme().replace(file, from, to).check();
        assert!(
            report.diagnostics.is_empty(),
            "{to}:\n{}",
            render(&report.diagnostics)
        );
    }
}

/// Each lead operand of the chain warns; one in the middle of it too.
#[test]
fn every_lead_operand_of_a_where_chain_warns() {
    let report = PolicySet::acme()
        .replace(
            "scoring.funnel",
            "+30 when any event where kind == demo_request within 14d",
            "+30 when any event where newsletter_opt_in or kind == demo_request or fit > 10 within 14d",
        )
        .check();
    let rendered = render(&report.diagnostics);
    let warned: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::LeadFieldInWhere)
        .map(|d| d.labels[0].span.text().to_string())
        .collect();
    assert_eq!(warned, ["newsletter_opt_in", "fit > 10"], "{rendered}");
    let help = report.diagnostics[0].help.as_deref().unwrap_or("");
    assert!(
        help.contains(
            "write `(any event where kind == demo_request within 14d) or newsletter_opt_in or fit > 10`"
        ),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// More of the same kinds

mistake!(version_not_whole: BadNumber in "policy.funnel",
    "version 3" => "version 3.5");
mistake!(calendar_days_reversed: BadCalendar in "sla.funnel",
    "mon-fri 08:30-17:30" => "fri-mon 08:30-17:30");
mistake!(calendar_empty_interval: BadCalendar in "sla.funnel",
    "mon-fri 08:30-17:30" => "mon-fri 08:30-08:30");
mistake!(score_graded_twice: Duplicate in "funnel.funnel",
    "grade intent {" => "grade fit { A >= 80, else B }\n\ngrade intent {", at "grade fit { A >= 80");
mistake!(nth_position_as_text: TypeMismatch in "sla.funnel",
    "nth(5," => "nth(\"5\",");
mistake!(matches_without_regex: TypeMismatch in "personas.funnel",
    "role matches /\\b(head" => "role matches \"head\" or role matches /\\b(head");
mistake!(sla_state_of_aggregate_sla: UnknownSla in "tests.funnel",
    "expect sla(first_touch).state == met" => "expect sla(mql_volume).state == met");
mistake!(per_text_value: TypeMismatch in "scoring.funnel",
    "+1 per web_visits, max 10" => "+1 per company, max 10");
mistake!(rule_max_zero: BadNumber in "scoring.funnel",
    "+1 per web_visits, max 10" => "+1 per web_visits, max 0");
mistake!(metric_by_not_a_date: TypeMismatch in "sla.funnel",
    "per week by created_at" => "per week by country");
mistake!(decay_since_not_a_datetime: TypeMismatch in "scoring.funnel",
    "decay 50% every 30d since last(events).at" => "decay 50% every 30d since last(events).kind");
mistake!(expect_not_a_condition: TypeMismatch in "tests.funnel",
    "expect fit == 75" => "expect fit");

// ---------------------------------------------------------------------------------------------
// Whole-set mistakes

#[test]
fn no_policy_header() {
    let acme = PolicySet::acme();
    let text = acme.text("policy.funnel");
    let start = text.find("policy \"acme-inbound\"").unwrap();
    let end = text.find("schema lead").unwrap();
    let header = text[start..end].to_string();
    let set = acme.replace("policy.funnel", &header, "");
    expect(
        "no_policy_header",
        &set,
        Code::NoHeader,
        Severity::Error,
        ("funnel.funnel", 1),
    );
}

#[test]
fn two_headers() {
    let set = PolicySet::acme().replace(
        "tests.funnel",
        "test \"a gmail",
        "policy \"acme-tests\" version 1\n\ntest \"a gmail",
    );
    let line = set.line_of("tests.funnel", "policy \"acme-tests\"");
    expect(
        "two_headers",
        &set,
        Code::DuplicateHeader,
        Severity::Error,
        ("tests.funnel", line),
    );
}

#[test]
fn duplicate_persona_in_two_files() {
    let set = PolicySet::acme().replace(
        "scoring.funnel",
        "score fit",
        "persona economic_buyer \"Copied from personas.funnel\" {\n  industry == saas\n}\n\nscore fit",
    );
    let line = set.line_of("scoring.funnel", "persona economic_buyer \"Copied");
    expect(
        "duplicate_persona_in_two_files",
        &set,
        Code::Duplicate,
        Severity::Error,
        ("scoring.funnel", line),
    );
    let report = set.check();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Duplicate)
        .unwrap();
    let json = d.to_json();
    let files: Vec<&str> = json.labels.iter().map(|l| l.file.as_str()).collect();
    assert!(
        files.iter().any(|f| f.ends_with("personas.funnel")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("scoring.funnel")),
        "{files:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Recovery: one mistake does not hide another.

#[test]
fn errors_in_two_blocks_of_two_files_are_both_reported() {
    let set = PolicySet::acme()
        .replace(
            "personas.funnel",
            "company_size between",
            "compny_size between",
        )
        .replace(
            "sla.funnel",
            "within 4h of sao_paulo_office",
            "within 4h of sao_paulo",
        );
    let report = set.check();
    let rendered = render(&report.diagnostics);
    let places: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, main_place(d).unwrap()))
        .collect();
    assert!(
        places
            .iter()
            .any(|(c, (f, _))| *c == Code::UnknownField && f.ends_with("personas.funnel")),
        "{rendered}"
    );
    assert!(
        places
            .iter()
            .any(|(c, (f, _))| *c == Code::UnknownCalendar && f.ends_with("sla.funnel")),
        "{rendered}"
    );
}

#[test]
fn errors_in_two_blocks_of_one_file_are_both_reported() {
    let set = PolicySet::acme()
        .replace(
            "scoring.funnel",
            "persona economic_buyer",
            "persona economic_buyers",
        )
        .replace(
            "scoring.funnel",
            "kind == pricing_view",
            "kind == pricing_page",
        );
    let report = set.check();
    let rendered = render(&report.diagnostics);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownPersona),
        "{rendered}"
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownEnumValue),
        "{rendered}"
    );
    assert_eq!(report.errors(), 2, "{rendered}");
}

#[test]
fn a_syntax_error_does_not_hide_a_type_error_in_another_block() {
    // Syntax error in the `fit` score, type error in the persona file and in the route.
    let set = PolicySet::acme()
        .replace(
            "scoring.funnel",
            "+10 when from_core_market",
            "+10 wen from_core_market",
        )
        .replace(
            "personas.funnel",
            "company_size >= 1000",
            "company_size >= \"1000\"",
        )
        .replace(
            "funnel.funnel",
            "nurture when stage == lead",
            "nurture when stage == 3",
        );
    let report = set.check();
    let rendered = render(&report.diagnostics);
    let syntax = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Syntax)
        .count();
    let types = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::TypeMismatch)
        .count();
    assert_eq!(syntax, 1, "{rendered}");
    assert_eq!(types, 2, "{rendered}");
    insta::assert_snapshot!("syntax_and_type_errors_together", rendered);
}

#[test]
fn a_syntax_error_in_one_block_keeps_the_next_block_of_the_file() {
    // The broken `fit` score sits before `engagement` in the same file; a type error in
    // `engagement` is still found.
    let set = PolicySet::acme()
        .replace(
            "scoring.funnel",
            "+10 when from_core_market",
            "+10 when from_core_market)",
        )
        .replace(
            "scoring.funnel",
            "+5 when avg_session >= 5m",
            "+5 when avg_session >= 5",
        );
    let report = set.check();
    let rendered = render(&report.diagnostics);
    assert!(
        report.diagnostics.iter().any(|d| d.code == Code::Syntax),
        "{rendered}"
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::TypeMismatch),
        "{rendered}"
    );
}

mistake!(business_days_without_calendar: BadSla in "sla.funnel",
    "within 4h of sao_paulo_office" => "within 3 business days");
mistake!(zero_business_days: BadDuration in "sla.funnel",
    "within 4h of sao_paulo_office" => "within 0 business days of sao_paulo_office");

// ---------------------------------------------------------------------------------------------
// What a new user writes (issue 20): each mistake gets one diagnostic that says what is wrong
// and how to fix it, and nothing else follows from it.

/// A diagnostic expected of a mistake: code, severity, file's short name and the text its main
/// label starts at (the first occurrence of that text in the file).
type Expected<'a> = (Code, Severity, &'a str, &'a str);

/// Checks the set and pins its diagnostics, which must be exactly the expected ones, in order
/// and at the expected line and column: no other error cascades from the mistake.
fn expect_exactly(name: &str, set: &PolicySet, expected: &[Expected<'_>]) {
    let report = set.check();
    let rendered = render(&report.diagnostics);
    let found: Vec<(Code, Severity, String, (usize, usize))> = report
        .diagnostics
        .iter()
        .map(|d| {
            let span = d
                .span()
                .unwrap_or_else(|| panic!("{name}: no label:\n{rendered}"));
            let file = span.file.name.rsplit('/').next().unwrap_or("").to_string();
            (d.code, d.severity, file, span.line_col())
        })
        .collect();
    let wanted: Vec<(Code, Severity, String, (usize, usize))> = expected
        .iter()
        .map(|(code, severity, file, at)| {
            (*code, *severity, file.to_string(), set.place_of(file, at))
        })
        .collect();
    assert_eq!(found, wanted, "{name}:\n{rendered}");
    insta::assert_snapshot!(name, rendered);
    pin_in_portuguese(name, set, &report, &rendered);
}

/// Excel and Windows editors start a UTF-8 file with a byte-order mark: it is not a mistake.
#[test]
fn byte_order_marks_are_accepted() {
    let mut set = PolicySet::acme();
    for (_, text) in &mut set.files {
        text.insert(0, '\u{FEFF}');
    }
    let report = set.check();
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        render(&report.diagnostics)
    );
}

/// After a byte-order mark, a block starts in column 1 and what is in it keeps its columns.
#[test]
fn byte_order_mark_before_a_block() {
    let set = PolicySet::acme().replace(
        "funnel.funnel",
        "# Grades, the funnel's stages and who receives each lead.\n\ngrade fit { A >= 70",
        "\u{FEFF}grade fit { A >= 170",
    );
    expect_exactly(
        "byte_order_mark_before_a_block",
        &set,
        &[(
            Code::UnreachableGrade,
            Severity::Warning,
            "funnel.funnel",
            "170",
        )],
    );
}

/// An accented score name is reported once in each file that spells it so (with the other
/// lines that do), and read as its ASCII spelling: no "no score named" follows.
#[test]
fn accented_score_name() {
    let set = PolicySet::acme().rename("intent", "intenção");
    expect_exactly(
        "accented_score_name",
        &set,
        &[
            (
                Code::NonAsciiName,
                Severity::Error,
                "funnel.funnel",
                "intenção {",
            ),
            (
                Code::NonAsciiName,
                Severity::Error,
                "scoring.funnel",
                "intenção \"Buying",
            ),
            (
                Code::NonAsciiName,
                Severity::Error,
                "tests.funnel",
                "intenção",
            ),
        ],
    );
}

/// An accented field: its declaration suggests `from` to keep reading the input's spelling.
#[test]
fn accented_field_name() {
    let set = PolicySet::acme()
        .replace(
            "policy.funnel",
            "  web_visits: int?",
            "  funcionários: int?\n  web_visits: int?",
        )
        .replace(
            "personas.funnel",
            "company_size between",
            "funcionários between",
        );
    expect_exactly(
        "accented_field_name",
        &set,
        &[
            (
                Code::NonAsciiName,
                Severity::Error,
                "personas.funnel",
                "funcionários",
            ),
            (
                Code::NonAsciiName,
                Severity::Error,
                "policy.funnel",
                "funcionários",
            ),
        ],
    );
}

/// One mistake (an edit of a file of acme) and exactly the diagnostics it must give, each
/// placed at the first occurrence of its text in its file.
macro_rules! exactly {
    ($(#[$doc:meta])* $name:ident: $file:literal, $from:expr => $to:expr,
     [$(($code:ident, $sev:ident, $in:literal, $at:expr)),+ $(,)?]) => {
        $(#[$doc])*
        #[test]
        fn $name() {
            let set = PolicySet::acme().replace($file, $from, $to);
            expect_exactly(
                stringify!($name),
                &set,
                &[$((Code::$code, Severity::$sev, $in, $at)),+],
            );
        }
    };
}

exactly!(
    /// `1.000.000`, as Brazil writes a million: the whole number is underlined and written
    /// with `_`; the score it is in counts as defined, so no "no score named" follows.
    thousands_separated_by_dots: "scoring.funnel",
    "annual_revenue >= 1_000_000" => "annual_revenue >= 1.000.000",
    [(Syntax, Error, "scoring.funnel", "1.000.000")]
);

exactly!(
    /// A month is no unit: the help counts the days, and lists the units there are.
    duration_in_months: "scoring.funnel",
    "decay 50% every 30d since" => "decay 50% every 1mo since",
    [(Syntax, Error, "scoring.funnel", "1mo")]
);

exactly!(
    /// A unit written as a word (`horas`) maps to the language's unit; the SLA's calendar,
    /// used only by the SLA that did not parse, is not reported as unused.
    duration_unit_as_a_word: "sla.funnel",
    "within 4h of sao_paulo_office" => "within 4 horas of sao_paulo_office",
    [(Syntax, Error, "sla.funnel", "4 horas")]
);

exactly!(
    /// A conversion target written as a fraction is the share it means: `0.4` is `40%`.
    share_written_as_a_fraction: "sla.funnel",
    "at least 50% of leads reaching mql" => "at least 0.4 of leads reaching mql",
    [(BadSla, Error, "sla.funnel", "0.4 of leads")]
);

exactly!(
    /// An indented block is read as a block (a warning that `funnel fmt` fixes): its score is
    /// defined, so no "no score named `fit`" follows.
    indented_block: "scoring.funnel",
    "\nscore fit \"Profile fit\" {" => "\n  score fit \"Profile fit\" {",
    [(IndentedBlock, Warning, "scoring.funnel", "score fit")]
);

/// A set without stages is told so at its `policy` header, not at line 1 of some file.
#[test]
fn no_stages_block() {
    let acme = PolicySet::acme();
    let text = acme.text("funnel.funnel");
    let start = text.find("stages {").unwrap();
    let end = text.find("route {").unwrap();
    let stages = text[start..end].to_string();
    let set = acme.replace("funnel.funnel", &stages, "");
    expect_exactly(
        "no_stages_block",
        &set,
        &[(
            Code::BadStage,
            Severity::Error,
            "policy.funnel",
            "policy \"acme-inbound\"",
        )],
    );
}

/// Wherever a percent is needed, a fraction gets the percent it means as its fix.
#[test]
fn fractions_where_percents_are_needed_suggest_the_percent() {
    let cases = [
        ("sla.funnel", "warn at 75%", "warn at 0.8", "`80%`"),
        (
            "scoring.funnel",
            "decay 50% every 30d",
            "decay 0.5 every 30d",
            "`50%`",
        ),
        (
            "sla.funnel",
            "at least 90% of first_touch met",
            "at least 0.9 of first_touch met",
            "`90%`",
        ),
        (
            "sla.funnel",
            "/ count(leads)\n  per month by created_at",
            "/ count(leads)\n  per month by created_at\n  as percent\n  at least 0.25",
            "`25%`",
        ),
    ];
    for (file, from, to, fix) in cases {
        let report = PolicySet::acme().replace(file, from, to).check();
        let rendered = render(&report.diagnostics);
        assert_eq!(report.diagnostics.len(), 1, "{to}:\n{rendered}");
        let help = report.diagnostics[0].help.as_deref().unwrap_or("");
        assert!(
            help.starts_with(&format!("write it as a percent: {fix}")),
            "{to}:\n{rendered}"
        );
    }
}
