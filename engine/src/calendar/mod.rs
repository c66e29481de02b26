//! Business calendars: open time between two instants, and an instant plus open time.
//!
//! Opening hours are local wall-clock times in the calendar's zone, so a 09:00-18:00 day is
//! nine hours whatever the UTC offset, and a day whose clocks jump is measured in real time.

use crate::checked::{CalendarDef, HolidaySet};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// How far the calendar walks looking for open time before giving up (a calendar whose every
/// day is a holiday would otherwise walk forever).
const MAX_DAYS: i64 = 366 * 20;

/// A calendar ready for time arithmetic.
#[derive(Debug, Clone)]
pub struct BusinessCalendar<'a> {
    def: &'a CalendarDef,
}

/// Business time could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The two instants are further apart than the walk goes.
    #[error(
        "business time on calendar `{calendar}` is counted over at most {years} years, and {from} to {to} is longer"
    )]
    TooLong {
        /// The calendar's name.
        calendar: String,
        /// How many years the walk goes.
        years: i64,
        /// The first instant.
        from: DateTime<Utc>,
        /// The last instant.
        to: DateTime<Utc>,
    },
    /// No open time within the walk's reach.
    #[error("calendar `{calendar}` has no open time in the {years} years after {from}")]
    NoOpenTime {
        /// The calendar's name.
        calendar: String,
        /// How many years the walk goes.
        years: i64,
        /// Where the walk started.
        from: DateTime<Utc>,
    },
    /// The walk passed the last representable date.
    #[error("date out of range")]
    DateOutOfRange,
}

impl<'a> BusinessCalendar<'a> {
    /// Wraps a checked calendar.
    pub fn new(def: &'a CalendarDef) -> Self {
        BusinessCalendar { def }
    }

    fn tz(&self) -> Tz {
        self.def.timezone
    }

    /// The calendar's time zone.
    pub fn timezone(&self) -> Tz {
        self.def.timezone
    }

    /// Whether the whole local day is closed.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.def.holidays.binary_search(&date).is_ok()
            || self.def.holiday_sets.iter().any(|&set| in_set(set, date))
    }

    /// The open intervals of one local day, as UTC instants, in order.
    fn open_intervals(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.is_holiday(date) {
            return Vec::new();
        }
        let day = date.weekday().num_days_from_monday() as usize;
        self.def.week[day]
            .iter()
            .filter_map(|&(s, e)| {
                let start = self.local_instant(date, s)?;
                let end = self.local_instant(date, e)?;
                (end > start).then_some((start, end))
            })
            .collect()
    }

    /// A local wall-clock minute of a day as an instant. A time skipped by a daylight-saving
    /// jump is taken as the first instant after the jump; a repeated time as its first
    /// occurrence.
    fn local_instant(&self, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        let naive = if minute >= 24 * 60 {
            date.succ_opt()?.and_time(NaiveTime::MIN)
        } else {
            date.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?
        };
        self.local_clock(naive)
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz()).date_naive()
    }

    /// Open time between two instants, in seconds (0 when `to` is not after `from`). The
    /// span is bounded like [`Self::add`]'s walk: instants further apart than that are an
    /// error, not a wait of minutes.
    pub fn elapsed(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        let from_date = self.local_date(from);
        // Start a day early: an interval of the previous local day may run past midnight UTC.
        let first = from_date.pred_opt().unwrap_or(from_date);
        let last = self.local_date(to);
        if (last - first).num_days() > MAX_DAYS {
            return Err(CalendarError::TooLong {
                calendar: self.def.name.clone(),
                years: MAX_DAYS / 366,
                from,
                to,
            });
        }
        // Days two or more away from both ends have all their open time between `from` and
        // `to` (an opening leaves its day by at most a daylight-saving jump), so they are
        // counted whole, from the calendar's kept totals; the days near the ends are cut to
        // the span.
        let inner = (
            from_date.checked_add_days(Days::new(2)),
            last.checked_sub_days(Days::new(2)),
        );
        Ok(match inner {
            (Some(a), Some(b)) if a <= b => {
                self.cut(from, to, first, a.pred_opt().unwrap_or(a))
                    + self.def.open_days.between(a, b, |d| self.open_seconds(d))
                    + self.cut(from, to, b.succ_opt().unwrap_or(b), last)
            }
            _ => self.cut(from, to, first, last),
        })
    }

    /// The open time of the local days `first..=last` that falls between `from` and `to`.
    fn cut(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        first: NaiveDate,
        last: NaiveDate,
    ) -> i64 {
        let days = first.iter_days().take_while(|d| *d <= last);
        days.flat_map(|d| self.open_intervals(d))
            .map(|(s, e)| (e.min(to) - s.max(from)).num_seconds().max(0))
            .sum()
    }

    /// The open time of one whole local day.
    fn open_seconds(&self, date: NaiveDate) -> i64 {
        self.open_intervals(date)
            .iter()
            .map(|(s, e)| (*e - *s).num_seconds())
            .sum()
    }

    /// The instant when `seconds` of open time have passed after `from`.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> Result<DateTime<Utc>, CalendarError> {
        let mut left = seconds.max(0);
        let from_date = self.local_date(from);
        let mut date = from_date.pred_opt().unwrap_or(from_date);
        // The walk covers MAX_DAYS days, as `elapsed` does.
        let limit = date
            .checked_add_days(Days::new(MAX_DAYS as u64))
            .unwrap_or(NaiveDate::MAX);
        // From two days after `from`'s on, every opening is after `from` (see `elapsed`), so
        // whole days with less open time than is left are skipped from the kept totals.
        let whole_from = from_date
            .checked_add_days(Days::new(2))
            .unwrap_or(NaiveDate::MAX);
        while date < limit {
            if date >= whole_from {
                let (next, used) = self
                    .def
                    .open_days
                    .skip(date, left, limit, |d| self.open_seconds(d));
                (date, left) = (next, left - used);
                if date >= limit {
                    break;
                }
            }
            for (s, e) in self.open_intervals(date) {
                let s = s.max(from);
                if e <= s {
                    continue;
                }
                let open = (e - s).num_seconds();
                if left <= open {
                    // Within one open interval, so inside the representable range.
                    return Ok(s + Duration::seconds(left));
                }
                left -= open;
            }
            date = date.succ_opt().ok_or(CalendarError::DateOutOfRange)?;
        }
        Err(CalendarError::NoOpenTime {
            calendar: self.def.name.clone(),
            years: MAX_DAYS / 366,
            from,
        })
    }

    /// The deadline `days` business days after `from`: a business day is a local day with
    /// any opening. The start moves to the next opening (as [`Self::add`] does), and the
    /// deadline is the moved start's local clock time on the `days`-th business day after
    /// the moved start's day, or that day's last closing if it closes earlier: a deadline
    /// never leaves its business day. The walk is bounded like [`Self::add`]'s.
    pub fn add_business_days(
        &self,
        from: DateTime<Utc>,
        days: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.add(from, 0)?;
        if days == 0 {
            return Ok(start);
        }
        let local = start.with_timezone(&self.tz()).naive_local();
        let mut date = local.date();
        let mut left = days;
        for _ in 0..MAX_DAYS {
            date = date.succ_opt().ok_or(CalendarError::DateOutOfRange)?;
            let open = self.open_intervals(date);
            let Some(&(_, last_close)) = open.iter().max_by_key(|(_, e)| *e) else {
                continue;
            };
            left -= 1;
            if left > 0 {
                continue;
            }
            let due = self
                .local_clock(date.and_time(local.time()))
                .ok_or(CalendarError::DateOutOfRange)?;
            return Ok(due.min(last_close));
        }
        Err(CalendarError::NoOpenTime {
            calendar: self.def.name.clone(),
            years: MAX_DAYS / 366,
            from,
        })
    }

    /// A local wall-clock time as an instant: a time skipped by a daylight-saving jump is the
    /// first instant after the jump; a repeated time its first occurrence.
    fn local_clock(&self, naive: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
        let tz = self.tz();
        match tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            chrono::LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
            // Walk forward minute by minute out of the gap (gaps are at most a few hours).
            chrono::LocalResult::None => (1..=180).find_map(|m| {
                tz.from_local_datetime(&naive.checked_add_signed(Duration::minutes(m))?)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            }),
        }
    }
}

/// Whether a built-in set holds the date.
fn in_set(set: HolidaySet, date: NaiveDate) -> bool {
    match set {
        HolidaySet::Brazil => is_brazil_holiday(date),
    }
}

/// Easter Sunday (Gregorian), by the anonymous computus.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Brazil's national holidays, with Carnival (Monday and Tuesday), Good Friday and Corpus
/// Christi, which follow Easter. Black Consciousness Day (20 November) is national from 2024.
pub fn is_brazil_holiday(date: NaiveDate) -> bool {
    let fixed = [
        (1, 1),
        (4, 21),
        (5, 1),
        (9, 7),
        (10, 12),
        (11, 2),
        (11, 15),
        (12, 25),
    ];
    let md = (date.month(), date.day());
    if fixed.contains(&md) || (md == (11, 20) && date.year() >= 2024) {
        return true;
    }
    let Some(e) = easter(date.year()) else {
        return false;
    };
    let offset = date.signed_duration_since(e).num_days();
    matches!(offset, -48 | -47 | -2 | 60)
}

#[cfg(test)]
mod tests;
