//! Times: [`UnixTime`] and the two ASN.1 time types as RFC 5280 §4.1.2.5 profiles them.

use crate::der::{tag, DerError, Reader};
use std::fmt;

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z (leap seconds ignored,
/// as in POSIX). Validation compares whole seconds: a time with a fraction is floored
/// (limbo `rfc5280::validity::*-fractional`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// From seconds since the epoch.
    pub const fn from_unix_secs(secs: i64) -> Self {
        UnixTime(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_unix_secs(self) -> i64 {
        self.0
    }

    /// The system clock, floored to the second. A clock before 1970 reads as the epoch.
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// From a civil UTC date and time (years 0–9999); `None` if a field is out of range.
    pub fn from_utc(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(0..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(UnixTime(
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        ))
    }

    /// The civil UTC date and time (year, month, day, hour, minute, second).
    pub fn to_utc(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // rem_euclid keeps secs in 0..86400, so the casts below cannot truncate.
        let secs = secs as u32;
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn digits(bytes: &[u8], what: &'static str) -> Result<u32, DerError> {
    bytes.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + u32::from(b - b'0'))
        } else {
            Err(DerError(what))
        }
    })
}

/// Parses `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime) exactly as
/// RFC 5280 §4.1.2.5.1/§4.1.2.5.2 require: seconds present, `Z`, no fractions; UTCTime
/// years 50–99 are 19YY and 00–49 are 20YY; dates through 2049 MUST be UTCTime, so a
/// GeneralizedTime before 2050 is rejected (the "2050 rule").
pub fn parse_time(tag: u8, value: &[u8], what: &'static str) -> Result<UnixTime, DerError> {
    parse_time_profiled(tag, value, what, true)
}

/// A `GeneralizedTime` in the RFC 5280 form (`YYYYMMDDHHMMSSZ`) for any year: OCSP
/// (RFC 6960 §4.2.2.1) uses GeneralizedTime throughout, without the 2050 rule.
pub(crate) fn parse_generalized_time(
    value: &[u8],
    what: &'static str,
) -> Result<UnixTime, DerError> {
    parse_time_profiled(tag::GENERALIZED_TIME, value, what, false)
}

fn parse_time_profiled(
    tag: u8,
    value: &[u8],
    what: &'static str,
    rule_2050: bool,
) -> Result<UnixTime, DerError> {
    let (year, rest) = match tag {
        tag::UTC_TIME => {
            if value.len() != 13 {
                return Err(DerError(what));
            }
            let (yy, rest) = value.split_at_checked(2).ok_or(DerError(what))?;
            let yy = i64::from(digits(yy, what)?);
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, rest)
        }
        tag::GENERALIZED_TIME => {
            if value.len() != 15 {
                return Err(DerError(what));
            }
            let (yyyy, rest) = value.split_at_checked(4).ok_or(DerError(what))?;
            let year = i64::from(digits(yyyy, what)?);
            if rule_2050 && year < 2050 {
                return Err(DerError(what));
            }
            (year, rest)
        }
        _ => return Err(DerError(what)),
    };
    // rest = MMDDHHMMSSZ
    let field = |range: std::ops::Range<usize>| -> Result<u32, DerError> {
        digits(rest.get(range).ok_or(DerError(what))?, what)
    };
    if rest.get(10) != Some(&b'Z') {
        return Err(DerError(what));
    }
    UnixTime::from_utc(
        year,
        field(0..2)?,
        field(2..4)?,
        field(4..6)?,
        field(6..8)?,
        field(8..10)?,
    )
    .ok_or(DerError(what))
}

/// Reads a `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }`.
pub fn read_time(reader: &mut Reader<'_>, what: &'static str) -> Result<UnixTime, DerError> {
    let tlv = reader.read_tlv(what)?;
    parse_time(tlv.tag, tlv.value, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Result<UnixTime, DerError> {
        parse_time(tag::UTC_TIME, s.as_bytes(), "t")
    }
    fn gen(s: &str) -> Result<UnixTime, DerError> {
        parse_time(tag::GENERALIZED_TIME, s.as_bytes(), "t")
    }

    #[test]
    fn utc_time_and_the_2050_rule() {
        assert_eq!(utc("700101000000Z"), Ok(UnixTime(0)));
        assert_eq!(
            utc("491231235959Z").unwrap().to_string(),
            "2049-12-31T23:59:59Z"
        );
        assert_eq!(
            utc("500101000000Z").unwrap().to_string(),
            "1950-01-01T00:00:00Z"
        );
        assert_eq!(
            gen("20500101000000Z").unwrap().to_string(),
            "2050-01-01T00:00:00Z"
        );
        assert!(gen("20491231235959Z").is_err(), "pre-2050 must be UTCTime");
    }

    #[test]
    fn strict_forms_only() {
        for bad in [
            "7001010000Z",
            "700101000000",
            "700101000000+0000",
            "700101000000.5Z",
            "701301000000Z",
            "700230000000Z",
            "700101240000Z",
            "700101006000Z",
            "700101000060Z",
            "70010100000aZ",
        ] {
            assert!(utc(bad).is_err(), "{bad}");
        }
        assert!(gen("20500101000000.5Z").is_err());
        assert!(gen("205001010000Z").is_err());
        assert_eq!(
            utc("000229000000Z").unwrap().to_string(),
            "2000-02-29T00:00:00Z"
        );
        assert!(utc("010229000000Z").is_err());
        assert_eq!(UnixTime::from_utc(i64::MAX, 1, 1, 0, 0, 0), None);
    }

    #[test]
    fn civil_round_trip() {
        for secs in [
            -86_400 * 365 * 30,
            -1,
            0,
            1,
            951_782_400,
            4_102_444_800,
            253_402_300_799,
        ] {
            let t = UnixTime(secs);
            let (y, mo, d, h, mi, s) = t.to_utc();
            assert_eq!(UnixTime::from_utc(y, mo, d, h, mi, s), Some(t));
        }
    }
}
