//! How a field's input is written: the checked forms of the schema's `map`, `true`/`false`,
//! `decimal` and `format` modifiers, and the readers of the numbers, dates and words they
//! describe. (Reading a whole value of a field's type by them is the decoder's, in
//! `decode::field_input`.)

use chrono::{Datelike, NaiveDate, NaiveTime};
use funnel_locale::t;

/// The years a date or datetime of a lead may have: those RFC 3339 can write. Far beyond
/// them, at the ends of what `chrono` holds, moving a time by an hour or an offset
/// overflows; no lead's date is there but a mistyped or hostile one.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// A field's input rules, made by the checker from its modifiers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldInput {
    /// `missing "Select", ""`: input texts that mean "not given".
    pub missing: Vec<String>,
    /// `map VALUE from "..."`: each input text and the enum value (its index) it is read as.
    pub map: Vec<(String, u16)>,
    /// `true "..."`: more texts read as `true`, in lower case (they match in any case).
    pub true_words: Vec<String>,
    /// `false "..."`: more texts read as `false`, in lower case.
    pub false_words: Vec<String>,
    /// `decimal ","`: how numbers are written.
    pub decimal: Option<Decimal>,
    /// `format "dd/mm/yyyy"`: how dates and datetimes are written.
    pub format: Option<DateFormat>,
}

/// The texts every `bool` reads as `true` from a CSV cell, in lower case: English, digits and
/// Portuguese (Brazilian CRMs export `Sim`/`Não`).
pub(crate) const TRUE_WORDS: &[&str] = &["true", "yes", "y", "1", "sim"];
/// The texts every `bool` reads as `false` from a CSV cell, in lower case. `nao` is `não` as
/// exports that drop accents write it.
pub(crate) const FALSE_WORDS: &[&str] = &["false", "no", "n", "0", "não", "nao"];

/// A word of [`TRUE_WORDS`] or [`FALSE_WORDS`], in any case: the bool it stands for. Kept out
/// of line: only CSV bool cells come here, and inlined it made every text decoded slower.
#[inline(never)]
pub(crate) fn bool_word(t: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(TRUE_WORDS) {
        return Some(true);
    }
    if is(FALSE_WORDS) {
        return Some(false);
    }
    // `NÃO` and `Não`: ASCII case folding leaves `Ã` alone, so only a text that is not ASCII
    // pays for a lower-case copy.
    if !t.is_ascii() && FALSE_WORDS.contains(&t.to_lowercase().as_str()) {
        return Some(false);
    }
    None
}

/// The decimal separator of numbers written as text; the other of `,` and `.` may separate
/// thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    /// `decimal ","`: `1.234,56`.
    Comma,
    /// `decimal "."`: `1,234.56`.
    Point,
}

impl Decimal {
    /// The separator a `decimal "..."` modifier names, if it is one.
    pub(crate) fn from_text(s: &str) -> Option<Decimal> {
        match s {
            "," => Some(Decimal::Comma),
            "." => Some(Decimal::Point),
            _ => None,
        }
    }

    /// The number as Rust reads it (`-1234.56`), or `None` when it is not written this way.
    /// Thousands separators must fall every three digits (`1.234.567,8`), so a number written
    /// the other way (`1.5` with `decimal ","`) is an error, not a number off by a thousand.
    pub(crate) fn normalize(self, s: &str) -> Option<String> {
        let (point, thousands) = match self {
            Decimal::Comma => (',', '.'),
            Decimal::Point => ('.', ','),
        };
        let s = s.trim();
        let (sign, body) = match s.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, fraction) = match body.split_once(point) {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let mut groups = whole.split(thousands);
        let first = groups.next()?;
        let grouped = whole.contains(thousands);
        if !digits(first) || (grouped && first.len() > 3) {
            return None;
        }
        let mut out = String::with_capacity(s.len());
        out.push_str(sign);
        out.push_str(first);
        for g in groups {
            if g.len() != 3 || !digits(g) {
                return None;
            }
            out.push_str(g);
        }
        if let Some(f) = fraction {
            if !digits(f) {
                return None;
            }
            out.push('.');
            out.push_str(f);
        }
        Some(out)
    }
}

/// One part of a date format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Day,
    Month,
    Year,
    Hour,
    Minute,
    Second,
    /// A character written as is (`/`, `-`, ` `, `:`, ...).
    Literal(char),
}

impl Part {
    fn is_number(self) -> bool {
        !matches!(self, Part::Literal(_))
    }
}

/// A date format such as `dd/mm/yyyy` or `dd/mm/yyyy hh:mm`, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct DateFormat {
    /// The format as written, for messages.
    pub pattern: String,
    parts: Vec<Part>,
}

impl DateFormat {
    /// Compiles a format: `dd` day, `mm` month, `yyyy` (or `aaaa`, as Brazilian spreadsheets
    /// write it) year, `hh` hour (0 to 23), `mm` after `hh` minutes, `ss` seconds, in any case;
    /// any other character that is not a letter stands for itself. The day, month and year are
    /// required. The error says what is wrong, for the checker.
    pub fn compile(pattern: &str) -> Result<DateFormat, String> {
        let lower = pattern.to_lowercase();
        let chars: Vec<char> = lower.chars().collect();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let rest: String = chars[i..].iter().take(4).collect();
            let (part, len) = if rest.starts_with("yyyy") || rest.starts_with("aaaa") {
                (Part::Year, 4)
            } else if rest.starts_with("dd") {
                (Part::Day, 2)
            } else if rest.starts_with("mm") {
                // Minutes once the hour is written: `dd/mm/yyyy hh:mm`.
                let minute = parts.contains(&Part::Hour);
                (if minute { Part::Minute } else { Part::Month }, 2)
            } else if rest.starts_with("hh") {
                (Part::Hour, 2)
            } else if rest.starts_with("ss") {
                (Part::Second, 2)
            } else if chars[i].is_alphabetic() {
                let word: String = chars[i..]
                    .iter()
                    .take_while(|c| c.is_alphabetic())
                    .collect();
                return Err(t!("bad_input-date-format-unknown-part", word = word));
            } else {
                (Part::Literal(chars[i]), 1)
            };
            if part.is_number() && parts.contains(&part) {
                return Err(t!(
                    "bad_input-date-format-twice",
                    pattern = pattern,
                    part = part_name(part)
                ));
            }
            parts.push(part);
            i += len;
        }
        for (needed, why) in [
            (Part::Day, None),
            (Part::Month, None),
            (Part::Year, None),
            (Part::Hour, Some(Part::Minute)),
            (Part::Minute, Some(Part::Second)),
        ] {
            let missing = !parts.contains(&needed);
            match why {
                None if missing => {
                    return Err(t!(
                        "bad_input-date-format-lacks",
                        pattern = pattern,
                        part = part_name(needed)
                    ));
                }
                Some(after) if missing && parts.contains(&after) => {
                    return Err(t!(
                        "bad_input-date-format-without",
                        pattern = pattern,
                        part = part_name(after),
                        needed = part_name(needed)
                    ));
                }
                _ => {}
            }
        }
        Ok(DateFormat {
            pattern: pattern.to_string(),
            parts,
        })
    }

    /// Whether the format gives a time of day.
    pub fn has_time(&self) -> bool {
        self.parts.contains(&Part::Hour)
    }

    /// Reads a date, and its time of day (midnight when the format has none), in the years
    /// 0000 to 9999. Day, month, hour, minutes and seconds take one or two digits (`1/2/2026`),
    /// two when another number is written next to them (`25122026`); the year takes four.
    pub(crate) fn parse(&self, s: &str) -> Option<(NaiveDate, NaiveTime)> {
        let bytes = s.as_bytes();
        let mut at = 0;
        let (mut day, mut month, mut year) = (0, 0, 0);
        let (mut hour, mut minute, mut second) = (0, 0, 0);
        for (k, part) in self.parts.iter().enumerate() {
            if let Part::Literal(c) = part {
                let mut buf = [0; 4];
                let lit = c.encode_utf8(&mut buf).as_bytes();
                if !bytes[at..].starts_with(lit) {
                    return None;
                }
                at += lit.len();
                continue;
            }
            let number_at = |i: Option<usize>| {
                i.and_then(|i| self.parts.get(i))
                    .is_some_and(|p| p.is_number())
            };
            let glued = number_at(k.checked_sub(1)) || number_at(Some(k + 1));
            let (least, most) = match part {
                Part::Year => (4, 4),
                _ if glued => (2, 2),
                _ => (1, 2),
            };
            let len = bytes[at..]
                .iter()
                .take(most)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if len < least {
                return None;
            }
            let n: u32 = s[at..at + len].parse().ok()?;
            at += len;
            match part {
                Part::Day => day = n,
                Part::Month => month = n,
                Part::Year => year = n,
                Part::Hour => hour = n,
                Part::Minute => minute = n,
                _ => second = n,
            }
        }
        if at != bytes.len() {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let time = NaiveTime::from_hms_opt(hour, minute, second)?;
        YEARS.contains(&date.year()).then_some((date, time))
    }
}

fn part_name(part: Part) -> String {
    match part {
        Part::Day => t!("bad_input-date-part-day"),
        Part::Month => t!("bad_input-date-part-month"),
        Part::Year => t!("bad_input-date-part-year"),
        Part::Hour => t!("bad_input-date-part-hour"),
        Part::Minute => t!("bad_input-date-part-minutes"),
        Part::Second => t!("bad_input-date-part-seconds"),
        Part::Literal(_) => t!("bad_input-date-part-separator"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pt_br_and_english_bool_words_in_any_case() {
        for (t, b) in [
            ("sim", true),
            ("Sim", true),
            ("SIM", true),
            ("não", false),
            ("Não", false),
            ("NÃO", false),
            ("nao", false),
            ("Yes", true),
            ("n", false),
            ("1", true),
            ("FALSE", false),
        ] {
            assert_eq!(bool_word(t), Some(b), "{t}");
        }
        for t in ["talvez", "s", "nãoo", "", "sí"] {
            assert_eq!(bool_word(t), None, "{t}");
        }
    }

    #[test]
    fn decimal_comma_with_thousands_every_three_digits() {
        let c = Decimal::Comma;
        assert_eq!(c.normalize("1.234,56").as_deref(), Some("1234.56"));
        assert_eq!(c.normalize(" -1.234.567,8 ").as_deref(), Some("-1234567.8"));
        assert_eq!(c.normalize("1234,5").as_deref(), Some("1234.5"));
        assert_eq!(c.normalize("+12").as_deref(), Some("12"));
        assert_eq!(c.normalize("0,75").as_deref(), Some("0.75"));
        for bad in [
            "1.5",
            "1.2345,6",
            "1234.567,8",
            ",5",
            "1,",
            "1,2,3",
            "R$ 10",
            "",
            "-",
            "1e3",
        ] {
            assert_eq!(c.normalize(bad), None, "{bad}");
        }
        let p = Decimal::Point;
        assert_eq!(p.normalize("1,234.56").as_deref(), Some("1234.56"));
        assert_eq!(p.normalize("1,5"), None);
        assert_eq!(Decimal::from_text(","), Some(Decimal::Comma));
        assert_eq!(Decimal::from_text(";"), None);
    }

    #[test]
    fn date_formats_read_what_they_say() {
        let f = DateFormat::compile("dd/mm/yyyy").unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let midnight = NaiveTime::MIN;
        assert_eq!(f.parse("25/12/2026"), Some((day(2026, 12, 25), midnight)));
        assert_eq!(f.parse("1/2/2026"), Some((day(2026, 2, 1), midnight)));
        assert!(!f.has_time());
        for bad in [
            "2026-12-25",
            "31/02/2026",
            "25/12/26",
            "25/12/2026 10:00",
            "25-12-2026",
            "x",
        ] {
            assert_eq!(f.parse(bad), None, "{bad}");
        }
        let t = DateFormat::compile("DD.MM.AAAA hh:mm:ss").unwrap();
        assert!(t.has_time());
        let (d, time) = t.parse("05.01.2027 14:30:15").unwrap();
        assert_eq!(
            (d, time),
            (
                day(2027, 1, 5),
                NaiveTime::from_hms_opt(14, 30, 15).unwrap()
            )
        );
        assert_eq!(t.parse("05.01.2027 24:00:00"), None);
        let glued = DateFormat::compile("yyyymmdd").unwrap();
        assert_eq!(glued.parse("20261225"), Some((day(2026, 12, 25), midnight)));
        assert_eq!(glued.parse("2026125"), None);
    }

    #[test]
    fn bad_date_formats_say_what_is_wrong() {
        let err = |p: &str| DateFormat::compile(p).unwrap_err();
        assert_eq!(
            err("dd/mm/yy"),
            "`yy` is not a part of a date format (write dd, mm, yyyy, hh, mm and ss)"
        );
        assert_eq!(err("dd/mm"), "`dd/mm` has no year (yyyy)");
        assert_eq!(
            err("dd/mm/yyyy mm:ss"),
            "`dd/mm/yyyy mm:ss` gives the month (mm) twice"
        );
        assert_eq!(
            err("dd/mm/yyyy hh:ss"),
            "`dd/mm/yyyy hh:ss` gives the seconds (ss) without the minutes (mm after hh)"
        );
        assert_eq!(
            err("d/m/yyyy"),
            "`d` is not a part of a date format (write dd, mm, yyyy, hh, mm and ss)"
        );
        assert_eq!(
            err("dd/mmm/yyyy"),
            "`m` is not a part of a date format (write dd, mm, yyyy, hh, mm and ss)"
        );
    }
}
