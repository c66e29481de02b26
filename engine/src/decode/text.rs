//! Scalars written as text: datetimes with or without offsets, dates, durations, enum values.

use crate::checked::{Checked, Ty};
use crate::input_rules::{bool_word, FieldInput, YEARS};
use crate::value::Value;
use chrono::format::{self, Item, Parsed, StrftimeItems};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::sync::LazyLock;

/// The longest duration a lead may give, either way, in seconds: `chrono`'s own limit (about
/// 292 million years). Longer ones could not be added to any time, and their sums and
/// midpoints would overflow.
pub(crate) const MAX_DURATION: i64 = i64::MAX / 1000;

/// A datetime: RFC 3339 with an offset, or a local time (`2018-02-26 19:58:54`,
/// `2026-11-26T10:00`) or a date alone, both read in the policy's time zone; in the years
/// 0000 to 9999.
pub fn parse_datetime(s: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    parse_datetime_any_year(s, tz).filter(|t| YEARS.contains(&t.year()))
}

fn parse_datetime_any_year(s: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let forms = &*FORMS;
    if let Some(dt) = read(s, &forms.with_offset).and_then(|p| p.to_datetime().ok()) {
        return Some(dt);
    }
    let local = forms
        .local
        .iter()
        .find_map(|f| read(s, f)?.to_naive_datetime_with_offset(0).ok())
        .or_else(|| read_date(s)?.and_hms_opt(0, 0, 0))?;
    local_instant(local, tz)
}

/// The written forms of datetimes besides RFC 3339, each format read once: chrono's
/// `parse_from_str` reads its format string again for every value, which was a tenth of
/// reading a CSV export full of dates.
struct Forms {
    /// `2018-02-26 19:58:54-0300`.
    with_offset: Vec<Item<'static>>,
    /// Local times, with `T` or a space, with seconds (and fractions) or minutes.
    local: [Vec<Item<'static>>; 4],
    /// `2018-02-26`.
    date: Vec<Item<'static>>,
}

static FORMS: LazyLock<Forms> = LazyLock::new(|| {
    let items = |f: &'static str| StrftimeItems::new(f).parse().expect("a valid format");
    Forms {
        with_offset: items("%Y-%m-%d %H:%M:%S%z"),
        local: [
            items("%Y-%m-%dT%H:%M:%S%.f"),
            items("%Y-%m-%d %H:%M:%S%.f"),
            items("%Y-%m-%dT%H:%M"),
            items("%Y-%m-%d %H:%M"),
        ],
        date: items("%Y-%m-%d"),
    }
});

/// The fields of `s` read in a form, if the whole of it is in that form.
fn read(s: &str, form: &[Item<'static>]) -> Option<Parsed> {
    let mut parsed = Parsed::new();
    format::parse(&mut parsed, s, form.iter()).ok()?;
    Some(parsed)
}

/// A date written `2018-02-26`.
fn read_date(s: &str) -> Option<NaiveDate> {
    read(s, &FORMS.date)?.to_naive_date().ok()
}

/// A local time in a time zone as an instant, in the years 0000 to 9999. A local time skipped
/// by a daylight-saving jump is read as the instant after the jump.
pub(crate) fn local_instant(local: NaiveDateTime, tz: Tz) -> Option<DateTime<FixedOffset>> {
    // Checked before the time zone is applied: near the ends of chrono's range, the hour
    // added below overflows (and panics).
    if !YEARS.contains(&local.year()) {
        return None;
    }
    let t = tz.from_local_datetime(&local).earliest().or_else(|| {
        let later = local.checked_add_signed(chrono::Duration::hours(1))?;
        tz.from_local_datetime(&later).earliest()
    })?;
    Some(t.fixed_offset())
}

/// A duration: seconds, or the language's form `2d 4h 30m`; at most [`MAX_DURATION`] either
/// way.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    parse_any_duration(s).filter(|d| (-MAX_DURATION..=MAX_DURATION).contains(d))
}

fn parse_any_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let mut total = 0i64;
    let mut any = false;
    for part in s.split_whitespace() {
        let (num, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit())?);
        let n: i64 = num.parse().ok()?;
        let size = match unit {
            "w" => 604_800,
            "d" => 86_400,
            "h" => 3_600,
            "m" => 60,
            "s" => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(size)?)?;
        any = true;
    }
    any.then_some(total)
}

/// A scalar of type `ty` from text, by the field's input rules when it has some. Inlined:
/// called for every text of every lead, and out of line its call cost 1% of `funnel eval`
/// on the benchmark (whose fields have no rules).
#[inline(always)]
pub(crate) fn read_scalar(
    p: &Checked,
    ty: &Ty,
    input: Option<&FieldInput>,
    s: &str,
) -> Result<Value, ()> {
    match input {
        None => parse_scalar(p, ty, s),
        Some(rules) => rules.read(p, ty, s),
    }
}

/// A scalar of type `ty` from text; `Err` carries what was expected.
pub(crate) fn parse_scalar(p: &Checked, ty: &Ty, s: &str) -> Result<Value, ()> {
    // Texts are kept as written; an enum value is looked up as written first. Only what
    // must be read as something else is trimmed (trimming is a Unicode-aware scan).
    let enum_value = |e: usize, t: &str| p.enums[e].values.iter().position(|v| v == t);
    match ty {
        Ty::Text => return Ok(Value::Text(s.into())),
        Ty::Enum(e) => {
            if let Some(i) = enum_value(*e, s) {
                return Ok(Value::Enum(i as u16));
            }
        }
        _ => {}
    }
    let t = s.trim();
    Ok(match ty {
        Ty::Int => match t.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => match t.parse::<f64>() {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Int(f as i64),
                _ => return Err(()),
            },
        },
        // Rust reads `NaN`, `inf` and `1e400` (as infinity); JSON has no such numbers, and
        // neither does a lead from CSV.
        Ty::Number => match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Value::Number(x),
            _ => return Err(()),
        },
        Ty::Bool => Value::Bool(bool_word(t).ok_or(())?),
        Ty::Date => Value::Date(
            read_date(t)
                .filter(|d| YEARS.contains(&d.year()))
                .or_else(|| parse_datetime(t, p.header.timezone).map(|d| d.date_naive()))
                .ok_or(())?,
        ),
        Ty::DateTime => Value::DateTime(parse_datetime(t, p.header.timezone).ok_or(())?),
        Ty::Duration => Value::Duration(parse_duration(t).ok_or(())?),
        Ty::Enum(e) => Value::Enum(enum_value(*e, t).ok_or(())? as u16),
        _ => return Err(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_with_and_without_offsets() {
        let tz: Tz = "America/Sao_Paulo".parse().unwrap();
        let a = parse_datetime("2026-11-26T10:00:00-03:00", tz).unwrap();
        let b = parse_datetime("2026-11-26 10:00:00", tz).unwrap();
        assert_eq!(a, b);
        // In January 2018 Sao Paulo was on daylight-saving time (-02:00).
        let c = parse_datetime("2018-01-10 12:00:00", tz).unwrap();
        assert_eq!(c.offset().local_minus_utc(), -2 * 3600);
        assert!(parse_datetime("yesterday", tz).is_none());
    }

    #[test]
    fn every_written_form_of_a_datetime() {
        let tz: Tz = "America/Sao_Paulo".parse().unwrap();
        // The instant each form stands for, in milliseconds since 1970.
        let at = |s: &str| parse_datetime(s, tz).map(|t| t.timestamp_millis());
        let noon = parse_datetime("2026-11-26T15:00:00Z", tz).map(|t| t.timestamp_millis());
        for s in [
            "2026-11-26T12:00:00-03:00",
            "2026-11-26 15:00:00+0000",
            "2026-11-26T12:00:00",
            "2026-11-26 12:00:00",
            "2026-11-26T12:00",
            "2026-11-26 12:00",
            "  2026-11-26 12:00:00\t",
        ] {
            assert_eq!(at(s), noon, "{s}");
        }
        assert_eq!(at("2026-11-26 12:00:00.250"), noon.map(|t| t + 250));
        assert_eq!(at("2026-11-26"), noon.map(|t| t - 12 * 3_600_000));
        for s in [
            "2026-11-26 12:00:00 tomorrow",
            "2026-11-31",
            "26/11/2026",
            "10000-01-01",
            "",
        ] {
            assert_eq!(at(s), None, "{s}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("1d 2h 3m"), Some(86_400 + 7_200 + 180));
        assert_eq!(parse_duration("3 parsecs"), None);
    }
}
