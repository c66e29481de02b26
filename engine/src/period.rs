//! Report periods (a day, an ISO week, a month, a quarter): where one starts and ends, and
//! the name a report gives it. One place for both the report, which buckets by period, and
//! the checker, which reads a period's name in a test (`metric(cpl, "2018-04")`).

use chrono::{Datelike, NaiveDate, Weekday};
use funnel_grammar::ast::PeriodUnit;

/// The first day of the period containing `d`.
pub(crate) fn start(unit: PeriodUnit, d: NaiveDate) -> NaiveDate {
    match unit {
        PeriodUnit::Day => d,
        // At the calendar's first days the week is cut short rather than left.
        PeriodUnit::Week => d
            .checked_sub_days(chrono::Days::new(d.weekday().num_days_from_monday().into()))
            .unwrap_or(NaiveDate::MIN),
        PeriodUnit::Month => d.with_day(1).unwrap_or(d),
        PeriodUnit::Quarter => {
            NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1).unwrap_or(d)
        }
    }
}

/// The first day after the period that starts on `start`.
pub(crate) fn end(unit: PeriodUnit, start: NaiveDate) -> NaiveDate {
    match unit {
        PeriodUnit::Day => start
            .checked_add_days(chrono::Days::new(1))
            .unwrap_or(NaiveDate::MAX),
        PeriodUnit::Week => start
            .checked_add_days(chrono::Days::new(7))
            .unwrap_or(NaiveDate::MAX),
        PeriodUnit::Month => start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(start),
        PeriodUnit::Quarter => start
            .checked_add_months(chrono::Months::new(3))
            .unwrap_or(start),
    }
}

/// The period's name: `2018-04`, `2018-Q2`, `2018-W05`, `2018-04-30`.
pub(crate) fn label(unit: PeriodUnit, start: NaiveDate) -> String {
    match unit {
        PeriodUnit::Day => start.to_string(),
        PeriodUnit::Week => {
            let w = start.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        PeriodUnit::Month => format!("{}-{:02}", start.year(), start.month()),
        PeriodUnit::Quarter => format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
    }
}

/// The first day of the period named `text` in `unit`, when `text` is written as [`label`]
/// writes it (`2017-Q3`, `2018-04`, `2018-W05`, `2018-04-30`).
pub(crate) fn parse(unit: PeriodUnit, text: &str) -> Option<NaiveDate> {
    let start = match unit {
        PeriodUnit::Day => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?,
        PeriodUnit::Week => {
            let (y, w) = text.split_once("-W")?;
            NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)?
        }
        PeriodUnit::Month => {
            let (y, m) = text.split_once('-')?;
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?
        }
        PeriodUnit::Quarter => {
            let (y, q) = text.split_once("-Q")?;
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            NaiveDate::from_ymd_opt(y.parse().ok()?, (q - 1) * 3 + 1, 1)?
        }
    };
    (label(unit, start) == text).then_some(start)
}
