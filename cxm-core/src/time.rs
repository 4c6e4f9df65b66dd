//! Timestamps and calendar buckets.
//!
//! Timestamps are stored as UTC epoch seconds (`i64`). Buckets are computed in local
//! time given by a caller-supplied fixed UTC offset in minutes, using Howard Hinnant's
//! `days_from_civil` / `civil_from_days` algorithms (proleptic Gregorian calendar) and
//! ISO-8601 week numbering (weeks start on Monday; week 1 holds the year's first
//! Thursday).

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};

const SECS_PER_DAY: i64 = 86_400;

/// Largest magnitude of an accepted epoch-seconds timestamp (about 31.7 million years),
/// so that offsets and calendar arithmetic can never overflow.
pub const EPOCH_LIMIT: i64 = 1_000_000_000_000_000;

/// `t` is a usable timestamp: not the missing marker `i64::MIN` and `|t| < EPOCH_LIMIT`.
#[inline]
pub fn valid_epoch(t: i64) -> bool {
    t > -EPOCH_LIMIT && t < EPOCH_LIMIT
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month 1–12, day 1–31)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Weekday of a day count, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
pub fn weekday(days: i64) -> u32 {
    (days + 3).rem_euclid(7) as u32
}

/// ISO-8601 `(week-year, week 1–53)` of a day count.
pub fn iso_week(days: i64) -> (i64, u32) {
    // The Thursday of this week decides the year.
    let thursday = days - i64::from(weekday(days)) + 3;
    let (y, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    (y, week as u32)
}

/// Parses a timestamp: ISO-8601 / RFC 3339 with an offset (`2025-03-04T18:30:00+01:00`,
/// `…Z`, `…+0100`, space instead of `T`, optional fractional seconds) or epoch seconds
/// (`1741109400`, `1741109400.5`). Returns UTC epoch seconds (fractions floored), or
/// `None` when the text is neither.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.')
        && !s[1..].contains(['-', '+'])
    {
        let v: f64 = s.parse().ok()?;
        return (v.is_finite() && v.abs() < EPOCH_LIMIT as f64).then(|| v.floor() as i64);
    }
    parse_iso(s.as_bytes())
}

fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let part = b.get(at..at + len)?;
    part.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn parse_iso(b: &[u8]) -> Option<i64> {
    let y = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let m = u32::try_from(digits(b, 5, 2)?).ok()?;
    let d = u32::try_from(digits(b, 8, 2)?).ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hh = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let mm = digits(b, 14, 2)?;
    let mut i = 16;
    let mut ss = 0;
    if b.get(i) == Some(&b':') {
        ss = digits(b, i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') => {
            let oh = digits(b, i + 1, 2)?;
            let rest = &b[i + 3..];
            let om = match rest {
                [] => 0,
                [b':', ..] if rest.len() == 3 => digits(rest, 1, 2)?,
                _ if rest.len() == 2 => digits(rest, 0, 2)?,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    let local = days_from_civil(y, m, d) * SECS_PER_DAY + hh * 3600 + mm * 60 + ss;
    Some(local - offset).filter(|&t| valid_epoch(t))
}

/// A calendar bucket of a timestamp in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBucket {
    /// Hour of day, `00`–`23`.
    Hour,
    /// Day of week, `Mon`–`Sun`.
    Weekday,
    /// Part of day: `night` (22–05), `morning` (06–11), `afternoon` (12–16),
    /// `evening` (17–21).
    Daypart,
    /// Calendar date, `2025-03-04`.
    Date,
    /// ISO week, `2025-W10`.
    Week,
    /// Month, `2025-03`.
    Month,
    /// Quarter, `2025-Q1`.
    Quarter,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAYPARTS: [&str; 4] = ["night", "morning", "afternoon", "evening"];

impl TimeBucket {
    /// Every bucket, in a stable order.
    pub const ALL: [TimeBucket; 7] = [
        TimeBucket::Hour,
        TimeBucket::Weekday,
        TimeBucket::Daypart,
        TimeBucket::Date,
        TimeBucket::Week,
        TimeBucket::Month,
        TimeBucket::Quarter,
    ];

    /// Name used as a column name and in APIs.
    pub fn name(self) -> &'static str {
        match self {
            TimeBucket::Hour => "hour",
            TimeBucket::Weekday => "weekday",
            TimeBucket::Daypart => "daypart",
            TimeBucket::Date => "date",
            TimeBucket::Week => "week",
            TimeBucket::Month => "month",
            TimeBucket::Quarter => "quarter",
        }
    }

    /// Parses a bucket name (`hour`, `weekday`, `daypart`, `date`, `week`, `month`,
    /// `quarter`).
    pub fn parse(s: &str) -> Result<Self> {
        TimeBucket::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                CxmError::invalid_argument(
                    "bucket",
                    format!(
                        "`{s}` is not one of hour, weekday, daypart, date, week, month, quarter"
                    ),
                )
            })
    }

    /// Integer key of the bucket holding UTC epoch second `ts` at `utc_offset_minutes`.
    /// Keys order like the buckets they stand for.
    #[inline]
    pub fn key(self, ts: i64, utc_offset_minutes: i32) -> i64 {
        let local = ts + i64::from(utc_offset_minutes) * 60;
        let days = local.div_euclid(SECS_PER_DAY);
        let hour = local.rem_euclid(SECS_PER_DAY) / 3600;
        match self {
            TimeBucket::Hour => hour,
            TimeBucket::Weekday => i64::from(weekday(days)),
            TimeBucket::Daypart => match hour {
                6..=11 => 1,
                12..=16 => 2,
                17..=21 => 3,
                _ => 0,
            },
            TimeBucket::Date => days,
            TimeBucket::Week => {
                let (y, w) = iso_week(days);
                y * 100 + i64::from(w)
            }
            TimeBucket::Month => {
                let (y, m, _) = civil_from_days(days);
                y * 12 + i64::from(m) - 1
            }
            TimeBucket::Quarter => {
                let (y, m, _) = civil_from_days(days);
                y * 4 + i64::from((m - 1) / 3)
            }
        }
    }

    /// Human-readable label of a key returned by [`TimeBucket::key`].
    pub fn label(self, key: i64) -> String {
        match self {
            TimeBucket::Hour => format!("{key:02}"),
            TimeBucket::Weekday => WEEKDAYS[key.rem_euclid(7) as usize].to_string(),
            TimeBucket::Daypart => DAYPARTS[key.rem_euclid(4) as usize].to_string(),
            TimeBucket::Date => {
                let (y, m, d) = civil_from_days(key);
                format!("{y:04}-{m:02}-{d:02}")
            }
            TimeBucket::Week => format!("{:04}-W{:02}", key.div_euclid(100), key.rem_euclid(100)),
            TimeBucket::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            TimeBucket::Quarter => format!("{:04}-Q{}", key.div_euclid(4), key.rem_euclid(4) + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn parses_iso_and_epoch() {
        let t = parse_timestamp("2025-03-04T18:30:00+01:00").unwrap();
        assert_eq!(t, 1_741_109_400);
        assert_eq!(parse_timestamp("2025-03-04T17:30:00Z"), Some(t));
        assert_eq!(parse_timestamp("2025-03-04 17:30:00.250Z"), Some(t));
        assert_eq!(parse_timestamp("2025-03-04T12:30-0500"), Some(t));
        assert_eq!(parse_timestamp("2025-03-04T12:30:00-05"), Some(t));
        assert_eq!(parse_timestamp("1741109400"), Some(t));
        assert_eq!(parse_timestamp("1741109400.9"), Some(t));
        assert_eq!(parse_timestamp("-1.5"), Some(-2));
        for bad in [
            "",
            "yesterday",
            "2025-03-04",
            "2025-03-04T18:30:00",
            "2025-02-30T10:00:00Z",
            "2025-13-01T00:00Z",
            "2025-03-04T25:00:00Z",
            "2025-03-04T18:30:00+01:0",
            "12-3",
            "NaN",
            "inf",
            "2025-03-04T18:30:00Zjunk",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn buckets() {
        // 2025-03-04 is a Tuesday in ISO week 10. 18:30 local at +01:00.
        let t = parse_timestamp("2025-03-04T18:30:00+01:00").unwrap();
        let lab = |b: TimeBucket| b.label(b.key(t, 60));
        assert_eq!(lab(TimeBucket::Hour), "18");
        assert_eq!(lab(TimeBucket::Weekday), "Tue");
        assert_eq!(lab(TimeBucket::Daypart), "evening");
        assert_eq!(lab(TimeBucket::Date), "2025-03-04");
        assert_eq!(lab(TimeBucket::Week), "2025-W10");
        assert_eq!(lab(TimeBucket::Month), "2025-03");
        assert_eq!(lab(TimeBucket::Quarter), "2025-Q1");
        // Same instant in UTC is 17h.
        assert_eq!(TimeBucket::Hour.key(t, 0), 17);
        // ISO week edge cases: 2021-01-03 is 2020-W53, 2024-12-30 is 2025-W01.
        assert_eq!(iso_week(days_from_civil(2021, 1, 3)), (2020, 53));
        assert_eq!(iso_week(days_from_civil(2024, 12, 30)), (2025, 1));
        assert_eq!(TimeBucket::parse("WEEK").unwrap(), TimeBucket::Week);
        assert!(TimeBucket::parse("fortnight").is_err());
    }
}
