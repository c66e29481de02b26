//! A business calendar's open time, a year at a time, counted once and kept.
//!
//! An SLA still open is measured from its start to the evaluation instant, which for a CRM
//! history is months or years of days. Walking them converts every opening of every day to
//! UTC, for every lead. The open time of a whole day depends only on the calendar and the
//! date, so it is counted once, a year at a time, as running totals: the open time of any run
//! of whole days is then one subtraction per year it touches.

use chrono::{Datelike, Days, NaiveDate};
use std::fmt;
use std::sync::OnceLock;

/// The years kept; days outside them are counted one by one (they are rare, and a fixed
/// range keeps every year's slot allocated up front, so lookups take no lock).
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2199;

/// Running totals of a calendar's open seconds, a year at a time, filled on first use. Safe
/// to share between threads: a year is counted by the first thread that needs it.
pub struct OpenDays {
    /// For each kept year, `totals[i]` is the open time of the year's first `i` days.
    years: Box<[OnceLock<Box<[i64]>>]>,
}

impl Default for OpenDays {
    fn default() -> Self {
        OpenDays {
            years: (FIRST_YEAR..=LAST_YEAR).map(|_| OnceLock::new()).collect(),
        }
    }
}

impl Clone for OpenDays {
    /// A clone starts empty: the totals are a cache, filled again on use.
    fn clone(&self) -> Self {
        OpenDays::default()
    }
}

impl fmt::Debug for OpenDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counted = self.years.iter().filter(|y| y.get().is_some()).count();
        write!(f, "OpenDays {{ years counted: {counted} }}")
    }
}

impl OpenDays {
    /// The open seconds of the days `first..=last`, each counted whole by `day` (the open
    /// seconds of one date). Gives 0 when `last` is before `first`.
    pub fn between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        day: impl Fn(NaiveDate) -> i64,
    ) -> i64 {
        let mut total = 0;
        let mut date = first;
        while date <= last {
            let year = date.year();
            let until = NaiveDate::from_ymd_opt(year, 12, 31).map_or(last, |end| end.min(last));
            match self.year(year, &day) {
                Some(totals) => {
                    total +=
                        totals[until.ordinal0() as usize + 1] - totals[date.ordinal0() as usize];
                }
                None => {
                    total += date
                        .iter_days()
                        .take_while(|d| *d <= until)
                        .map(&day)
                        .sum::<i64>()
                }
            }
            match until.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// The whole days from `first` on, before `limit`, whose open time together is less than
    /// `left`: the day after them and their open time. Stops at the first year not kept,
    /// leaving the rest to be walked.
    pub fn skip(
        &self,
        first: NaiveDate,
        left: i64,
        limit: NaiveDate,
        day: impl Fn(NaiveDate) -> i64,
    ) -> (NaiveDate, i64) {
        let (mut date, mut used) = (first, 0);
        while date < limit && used < left {
            let Some(totals) = self.year(date.year(), &day) else {
                break;
            };
            let at = date.ordinal0() as usize;
            let base = totals[at];
            // totals[at] - base is 0, less than what is left, so `fit` counts whole days.
            let fit = totals[at..].partition_point(|t| t - base < left - used) - 1;
            let in_year = totals.len() - 1 - at;
            let to_limit = if limit.year() == date.year() {
                limit.ordinal0() as usize - at
            } else {
                usize::MAX
            };
            let n = fit.min(to_limit);
            used += totals[at + n] - base;
            match date.checked_add_days(Days::new(n as u64)) {
                Some(next) => date = next,
                None => break,
            }
            if n < in_year {
                break;
            }
        }
        (date, used)
    }

    /// The running totals of a kept year, counted now if this is the first use.
    fn year(&self, year: i32, day: &impl Fn(NaiveDate) -> i64) -> Option<&[i64]> {
        let slot = self.years.get(usize::try_from(year - FIRST_YEAR).ok()?)?;
        Some(slot.get_or_init(|| {
            let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("a kept year is a valid date");
            let mut totals = vec![0];
            let mut sum = 0;
            for date in jan1.iter_days().take_while(|d| d.year() == year) {
                sum += day(date);
                totals.push(sum);
            }
            totals.into_boxed_slice()
        }))
    }
}
