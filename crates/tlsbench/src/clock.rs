//! UTC timestamps for result files, without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC instant split into civil fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    /// Year.
    pub year: i64,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of the month, 1..=31.
    pub day: u32,
    /// Hour, minute, second.
    pub hms: (u32, u32, u32),
}

impl Utc {
    /// Now.
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_unix(secs)
    }

    /// Converts seconds since 1970-01-01T00:00:00Z (days to civil date: the proleptic
    /// Gregorian calendar, by eras of 400 years).
    pub fn from_unix(secs: u64) -> Self {
        let days = (secs / 86_400) as i64;
        let rem = (secs % 86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc {
            year,
            month,
            day,
            hms: (rem / 3600, rem / 60 % 60, rem % 60),
        }
    }

    /// `2025-01-31T12:34:56Z`.
    pub fn iso(&self) -> String {
        let (h, m, s) = self.hms;
        format!(
            "{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z",
            self.year, self.month, self.day
        )
    }

    /// `20250131-123456`, for file names.
    pub fn compact(&self) -> String {
        let (h, m, s) = self.hms;
        format!(
            "{:04}{:02}{:02}-{h:02}{m:02}{s:02}",
            self.year, self.month, self.day
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(Utc::from_unix(0).iso(), "1970-01-01T00:00:00Z");
        // `date -u -d @951782400` : leap day of a century leap year.
        assert_eq!(Utc::from_unix(951_782_400).iso(), "2000-02-29T00:00:00Z");
        assert_eq!(Utc::from_unix(1_735_689_599).iso(), "2024-12-31T23:59:59Z");
        assert_eq!(Utc::from_unix(1_709_210_096).compact(), "20240229-123456");
    }
}
