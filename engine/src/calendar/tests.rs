//! Business calendars: worked cases and properties.

use super::{easter, is_brazil_holiday, BusinessCalendar};
use crate::checked::{CalendarDef, HolidaySet};
use chrono::{DateTime, NaiveDate, Utc};
use funnel_grammar::Span;
use proptest::prelude::*;

fn cal(tz: &str, days: &[(usize, &[(u16, u16)])], holidays: &[&str], sets: &[&str]) -> CalendarDef {
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for (d, ivs) in days {
        week[*d] = ivs.to_vec();
    }
    CalendarDef {
        name: "office".into(),
        timezone: tz.parse().unwrap(),
        week,
        holidays: holidays.iter().map(|d| d.parse().unwrap()).collect(),
        holiday_sets: sets
            .iter()
            .map(|s| HolidaySet::from_name(s).expect("a built-in set"))
            .collect(),
        span: Span::synthetic(),
        open_days: Default::default(),
    }
}

const NINE_TO_FIVE: &[(u16, u16)] = &[(9 * 60, 17 * 60)];

fn weekdays(ivs: &'static [(u16, u16)]) -> Vec<(usize, &'static [(u16, u16)])> {
    (0..5).map(|d| (d, ivs)).collect()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const H: i64 = 3600;

#[test]
fn a_holiday_friday_pushes_the_deadline_to_monday() {
    // 2026-04-03 is Good Friday, a Brazilian holiday.
    let def = cal(
        "America/Sao_Paulo",
        &weekdays(NINE_TO_FIVE),
        &[],
        &["brazil"],
    );
    let c = BusinessCalendar::new(&def);
    let due = c.add(t("2026-04-02T15:00:00-03:00"), 4 * H).unwrap();
    assert_eq!(due, t("2026-04-06T11:00:00-03:00"));
    assert_eq!(
        c.elapsed(t("2026-04-02T15:00:00-03:00"), due).unwrap(),
        4 * H
    );
}

#[test]
fn lunch_breaks_are_closed() {
    let hours: &[(u16, u16)] = &[(9 * 60, 12 * 60), (13 * 60, 18 * 60)];
    let def = cal("America/Sao_Paulo", &weekdays(hours), &[], &[]);
    let c = BusinessCalendar::new(&def);
    // 11:00 + 2h = 14:00, the lunch hour does not count.
    assert_eq!(
        c.add(t("2026-11-24T11:00:00-03:00"), 2 * H).unwrap(),
        t("2026-11-24T14:00:00-03:00")
    );
    assert_eq!(
        c.elapsed(
            t("2026-11-24T11:30:00-03:00"),
            t("2026-11-24T13:30:00-03:00")
        )
        .unwrap(),
        H
    );
    // Starting inside the lunch break counts from 13:00.
    assert_eq!(
        c.add(t("2026-11-24T12:20:00-03:00"), 30 * 60).unwrap(),
        t("2026-11-24T13:30:00-03:00")
    );
}

#[test]
fn a_start_on_sunday_night_counts_from_monday_morning() {
    let def = cal("America/Sao_Paulo", &weekdays(NINE_TO_FIVE), &[], &[]);
    let c = BusinessCalendar::new(&def);
    assert_eq!(
        c.add(t("2026-11-22T23:30:00-03:00"), 4 * H).unwrap(),
        t("2026-11-23T13:00:00-03:00")
    );
    assert_eq!(
        c.elapsed(
            t("2026-11-22T23:30:00-03:00"),
            t("2026-11-23T10:00:00-03:00")
        )
        .unwrap(),
        H
    );
    // Nothing is open over the weekend.
    assert_eq!(
        c.elapsed(
            t("2026-11-21T08:00:00-03:00"),
            t("2026-11-22T20:00:00-03:00")
        )
        .unwrap(),
        0
    );
}

#[test]
fn a_deadline_across_new_year() {
    let def = cal(
        "America/Sao_Paulo",
        &weekdays(NINE_TO_FIVE),
        &["2026-12-31"],
        &["brazil"],
    );
    let c = BusinessCalendar::new(&def);
    // Wed 30 Dec 15:00 + 6h: 2h on the 30th; the 31st (listed) and 1 Jan (national) are
    // closed; Sat and Sun too; 4h on Mon 4 Jan.
    assert_eq!(
        c.add(t("2026-12-30T15:00:00-03:00"), 6 * H).unwrap(),
        t("2027-01-04T13:00:00-03:00")
    );
}

#[test]
fn sao_paulo_dst_transitions_of_2017_and_2018() {
    // Clocks went forward at midnight on 2017-10-15 (a Sunday) and back at midnight on
    // 2018-02-18 (a Sunday). A 00:00-24:00 calendar shows the short and the long day.
    let all_day: &[(u16, u16)] = &[(0, 24 * 60)];
    let def = cal(
        "America/Sao_Paulo",
        &(0..7).map(|d| (d, all_day)).collect::<Vec<_>>(),
        &[],
        &[],
    );
    let c = BusinessCalendar::new(&def);
    // Local midnight of the 15th did not exist: that day began at 01:00 (-02:00).
    let short_day = c
        .elapsed(
            t("2017-10-15T01:00:00-02:00"),
            t("2017-10-16T00:00:00-02:00"),
        )
        .unwrap();
    assert_eq!(short_day, 23 * H);
    let long_day = c
        .elapsed(
            t("2018-02-17T00:00:00-02:00"),
            t("2018-02-18T00:00:00-03:00"),
        )
        .unwrap();
    assert_eq!(long_day, 25 * H);
    // Office hours are wall-clock hours: nine on the Monday after each change.
    let office = cal(
        "America/Sao_Paulo",
        &weekdays(&[(9 * 60, 18 * 60)]),
        &[],
        &[],
    );
    let o = BusinessCalendar::new(&office);
    assert_eq!(
        o.elapsed(
            t("2017-10-16T00:00:00-02:00"),
            t("2017-10-17T00:00:00-02:00")
        )
        .unwrap(),
        9 * H
    );
    assert_eq!(
        o.elapsed(
            t("2018-02-19T00:00:00-03:00"),
            t("2018-02-20T00:00:00-03:00")
        )
        .unwrap(),
        9 * H
    );
    // Friday 16:00 before the spring change + 4h = Monday 12:00 at the new offset.
    assert_eq!(
        o.add(t("2017-10-13T16:00:00-03:00"), 4 * H).unwrap(),
        t("2017-10-16T11:00:00-02:00")
    );
}

#[test]
fn intervals_that_cross_midnight_were_split_by_the_checker_and_add_up() {
    // A night shift Fri 22:00-02:00 is Fri 22:00-24:00 plus Sat 00:00-02:00.
    let def = cal(
        "UTC",
        &[(4, &[(22 * 60, 24 * 60)]), (5, &[(0, 2 * 60)])],
        &[],
        &[],
    );
    let c = BusinessCalendar::new(&def);
    assert_eq!(
        c.add(t("2026-11-27T21:00:00Z"), 3 * H).unwrap(),
        t("2026-11-28T01:00:00Z")
    );
}

#[test]
fn a_calendar_with_no_open_hours_is_an_error_not_a_hang() {
    let def = cal("UTC", &[], &[], &[]);
    let c = BusinessCalendar::new(&def);
    let err = c.add(t("2026-01-01T00:00:00Z"), H).unwrap_err();
    assert!(err.to_string().contains("no open time"), "{err}");
}

#[test]
fn brazil_holidays_follow_easter() {
    assert_eq!(easter(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
    assert_eq!(easter(2018), NaiveDate::from_ymd_opt(2018, 4, 1));
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    for day in [
        "2018-02-12",
        "2018-02-13",
        "2018-03-30",
        "2018-05-31",
        "2017-06-15",
        "2026-01-01",
        "2026-09-07",
        "2026-11-20",
    ] {
        assert!(is_brazil_holiday(d(day)), "{day}");
    }
    for day in ["2018-02-14", "2026-04-06", "2023-11-20", "2026-11-26"] {
        assert!(!is_brazil_holiday(d(day)), "{day}");
    }
}

// Business days: office mon-fri 09:00-18:00 in São Paulo, with Brazil's holidays.
fn nine_to_six() -> CalendarDef {
    let hours: &'static [(u16, u16)] = &[(9 * 60, 18 * 60)];
    cal("America/Sao_Paulo", &weekdays(hours), &[], &["brazil"])
}

#[test]
fn one_business_day_from_friday_afternoon_is_monday_afternoon() {
    let def = nine_to_six();
    let c = BusinessCalendar::new(&def);
    let due = c
        .add_business_days(t("2026-11-27T16:00:00-03:00"), 1)
        .unwrap();
    assert_eq!(due, t("2026-11-30T16:00:00-03:00"));
    // Friday 16:00-18:00 and Monday 09:00-16:00: nine hours of open time.
    assert_eq!(
        c.elapsed(t("2026-11-27T16:00:00-03:00"), due).unwrap(),
        9 * H
    );
}

#[test]
fn a_weekend_start_moves_to_the_next_opening() {
    let def = nine_to_six();
    let c = BusinessCalendar::new(&def);
    // Saturday 10:00 starts Monday 09:00, due Tuesday 09:00.
    assert_eq!(
        c.add_business_days(t("2026-11-28T10:00:00-03:00"), 1)
            .unwrap(),
        t("2026-12-01T09:00:00-03:00")
    );
    // After closing on Tuesday: starts Wednesday 09:00, three business days later is Monday.
    assert_eq!(
        c.add_business_days(t("2026-12-01T19:30:00-03:00"), 3)
            .unwrap(),
        t("2026-12-07T09:00:00-03:00")
    );
}

#[test]
fn carnival_is_not_a_business_day() {
    let def = nine_to_six();
    let c = BusinessCalendar::new(&def);
    // Friday 9 February 2018; Monday 12 and Tuesday 13 are Carnival, Ash Wednesday is open.
    assert_eq!(
        c.add_business_days(t("2018-02-09T10:00:00-02:00"), 2)
            .unwrap(),
        t("2018-02-15T10:00:00-02:00")
    );
}

#[test]
fn a_deadline_never_leaves_its_business_day() {
    // Saturdays close at 13:00: Friday 16:00 + 1 business day is Saturday's closing.
    let def = cal(
        "America/Sao_Paulo",
        &[
            (0, NINE_TO_FIVE),
            (1, NINE_TO_FIVE),
            (2, NINE_TO_FIVE),
            (3, NINE_TO_FIVE),
            (4, NINE_TO_FIVE),
            (5, &[(9 * 60, 13 * 60)]),
        ],
        &[],
        &[],
    );
    let c = BusinessCalendar::new(&def);
    assert_eq!(
        c.add_business_days(t("2026-11-27T16:00:00-03:00"), 1)
            .unwrap(),
        t("2026-11-28T13:00:00-03:00")
    );
    // Zero business days is the moved start itself.
    assert_eq!(
        c.add_business_days(t("2026-11-29T10:00:00-03:00"), 0)
            .unwrap(),
        t("2026-11-30T09:00:00-03:00")
    );
}

#[test]
fn business_days_on_a_calendar_never_open_are_an_error_not_a_hang() {
    let def = cal("UTC", &[], &[], &[]);
    let c = BusinessCalendar::new(&def);
    let err = c
        .add_business_days(t("2026-01-01T00:00:00Z"), 3)
        .unwrap_err();
    assert!(err.to_string().contains("no open time"), "{err}");
    // More business days than 20 years hold is an error too.
    let def = nine_to_six();
    let c = BusinessCalendar::new(&def);
    let err = c
        .add_business_days(t("2026-01-05T10:00:00-03:00"), u32::MAX)
        .unwrap_err();
    assert!(err.to_string().contains("no open time"), "{err}");
    // Near the end of time: an error, never a panic.
    assert!(c
        .add_business_days(DateTime::<Utc>::MAX_UTC - chrono::Duration::days(3), 5)
        .is_err());
}

fn office() -> CalendarDef {
    let hours: &'static [(u16, u16)] = &[(9 * 60, 12 * 60), (13 * 60, 18 * 60)];
    cal(
        "America/Sao_Paulo",
        &weekdays(hours),
        &["2017-11-20"],
        &["brazil"],
    )
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn elapsed_of_add_is_the_duration(start in 0i64..4_102_444_800, d in 0i64..(40 * 3600)) {
        let def = office();
        let c = BusinessCalendar::new(&def);
        let a = instant(start);
        let b = c.add(a, d).unwrap();
        prop_assert_eq!(c.elapsed(a, b).unwrap(), d);
    }

    #[test]
    fn add_is_monotonic(start in 0i64..4_102_444_800, d1 in 0i64..(40 * 3600), d2 in 0i64..(40 * 3600)) {
        let def = office();
        let c = BusinessCalendar::new(&def);
        let a = instant(start);
        let (lo, hi) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
        prop_assert!(c.add(a, lo).unwrap() <= c.add(a, hi).unwrap());
    }

    #[test]
    fn business_days_are_in_order_and_land_on_an_open_day(start in 0i64..4_102_444_800, n in 1u32..30) {
        let def = office();
        let c = BusinessCalendar::new(&def);
        let a = instant(start);
        let d1 = c.add_business_days(a, n).unwrap();
        let d2 = c.add_business_days(a, n + 1).unwrap();
        prop_assert!(a < d1 && d1 < d2);
        let tz = def.timezone;
        let day = d1.with_timezone(&tz).date_naive();
        prop_assert!(!c.open_intervals(day).is_empty());
        // At least one business day of open time, at most n + 1.
        let open = c.elapsed(a, d1).unwrap();
        prop_assert!(open > 0 && open <= i64::from(n + 1) * 8 * H);
    }

    #[test]
    fn elapsed_is_additive_over_a_split(a in 0i64..4_102_444_800, x in 0i64..(10 * 86_400), y in 0i64..(10 * 86_400)) {
        let def = office();
        let c = BusinessCalendar::new(&def);
        let (p, q, r) = (instant(a), instant(a + x), instant(a + x + y));
        prop_assert_eq!(c.elapsed(p, r).unwrap(), c.elapsed(p, q).unwrap() + c.elapsed(q, r).unwrap());
    }
}

/// Open time by walking every day from the one before `from`'s to `to`'s and cutting each
/// opening to the span: what `elapsed` computes, without the kept totals.
fn elapsed_by_walking(c: &BusinessCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let first = c.local_date(from).pred_opt().unwrap();
    let last = c.local_date(to);
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .flat_map(|d| c.open_intervals(d))
        .map(|(s, e)| (e.min(to) - s.max(from)).num_seconds().max(0))
        .sum()
}

/// The instant `seconds` of open time after `from`, walking every day: what `add` computes,
/// without the kept totals.
fn add_by_walking(c: &BusinessCalendar, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    let mut left = seconds;
    let first = c.local_date(from).pred_opt().unwrap();
    for date in first.iter_days() {
        for (s, e) in c.open_intervals(date) {
            let s = s.max(from);
            if e > s {
                let open = (e - s).num_seconds();
                if left <= open {
                    return s + chrono::Duration::seconds(left);
                }
                left -= open;
            }
        }
    }
    unreachable!("every calendar in these tests opens")
}

/// Calendars whose days are awkward to total: São Paulo's daylight saving began and ended at
/// midnight (until 2019), Samoa skipped 30 December 2011, Lord Howe moves its clocks half an
/// hour, and a calendar open all day has openings that end on the next day's midnight.
fn awkward_calendars() -> Vec<CalendarDef> {
    let all_day: &'static [(u16, u16)] = &[(0, 24 * 60)];
    let split: &'static [(u16, u16)] = &[(0, 90), (23 * 60 + 30, 24 * 60)];
    vec![
        office(),
        cal(
            "America/Sao_Paulo",
            &weekdays(all_day),
            &["2018-02-13"],
            &["brazil"],
        ),
        cal(
            "Pacific/Apia",
            &(0..7).map(|d| (d, all_day)).collect::<Vec<_>>(),
            &[],
            &[],
        ),
        cal("Australia/Lord_Howe", &weekdays(split), &[], &[]),
        cal(
            "America/New_York",
            &weekdays(NINE_TO_FIVE),
            &["2026-12-25"],
            &[],
        ),
    ]
}

#[test]
fn whole_days_from_the_kept_totals_equal_the_walk_across_years_and_clock_changes() {
    for def in awkward_calendars() {
        let c = BusinessCalendar::new(&def);
        let from = t("2010-03-14T13:17:05Z");
        for to in [
            "2010-03-18T00:00:00Z",
            "2011-12-31T10:00:00Z",
            "2019-02-17T02:30:00Z",
            "2029-06-30T23:59:59Z",
        ] {
            let to = t(to);
            assert_eq!(
                c.elapsed(from, to).unwrap(),
                elapsed_by_walking(&c, from, to),
                "{} to {to}",
                def.timezone
            );
        }
    }
    // Years outside the kept range are walked, with the same result.
    let def = nine_to_six();
    let c = BusinessCalendar::new(&def);
    for (from, to) in [
        ("1890-06-01T12:00:00Z", "1905-01-01T12:00:00Z"),
        ("2195-06-01T12:00:00Z", "2203-01-01T12:00:00Z"),
    ] {
        let (from, to) = (t(from), t(to));
        let open = c.elapsed(from, to).unwrap();
        assert_eq!(open, elapsed_by_walking(&c, from, to));
        assert_eq!(c.add(from, open).unwrap(), add_by_walking(&c, from, open));
    }
}

#[test]
fn a_deadline_over_years_of_open_time_lands_where_the_walk_does() {
    for def in awkward_calendars() {
        let c = BusinessCalendar::new(&def);
        let from = t("2010-03-14T13:17:05Z");
        for days in [3, 40, 365, 2 * 365] {
            let seconds = days * 8 * H + 17;
            let due = c.add(from, seconds).unwrap();
            assert_eq!(
                due,
                add_by_walking(&c, from, seconds),
                "{} plus {seconds} s",
                def.timezone
            );
            assert_eq!(c.elapsed(from, due).unwrap(), seconds);
        }
        // A deadline at the very end of a day's opening, where whole days run out exactly.
        let whole = c.elapsed(from, t("2012-01-01T00:00:00Z")).unwrap();
        assert_eq!(c.add(from, whole).unwrap(), add_by_walking(&c, from, whole));
    }
}

#[test]
fn a_policy_shared_between_threads_counts_each_year_once_and_agrees() {
    let def = office();
    let (from, to) = (t("2016-01-04T12:00:00Z"), t("2018-12-01T03:00:00Z"));
    let expected = elapsed_by_walking(&BusinessCalendar::new(&def), from, to);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| s.spawn(|| BusinessCalendar::new(&def).elapsed(from, to).unwrap()))
            .collect();
        for w in workers {
            assert_eq!(w.join().unwrap(), expected);
        }
    });
    assert_eq!(
        format!("{:?}", def.open_days),
        "OpenDays { years counted: 3 }"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn elapsed_equals_the_day_by_day_walk(which in 0usize..5, start in 946_684_800i64..2_524_608_000, span in 0i64..(3 * 366 * 86_400)) {
        let defs = awkward_calendars();
        let c = BusinessCalendar::new(&defs[which]);
        let (from, to) = (instant(start), instant(start + span));
        prop_assert_eq!(c.elapsed(from, to).unwrap(), elapsed_by_walking(&c, from, to));
    }

    #[test]
    fn add_equals_the_day_by_day_walk(which in 0usize..5, start in 946_684_800i64..2_524_608_000, seconds in 0i64..(400 * 8 * 3600)) {
        let defs = awkward_calendars();
        let c = BusinessCalendar::new(&defs[which]);
        let from = instant(start);
        prop_assert_eq!(c.add(from, seconds).unwrap(), add_by_walking(&c, from, seconds));
    }
}
