//! Moments as people read them: "3 min ago", with the exact time beside it. Pure: the
//! caller says what time it is now.

/// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 timestamp
/// (`2024-01-15T10:30:00Z`, `2024-01-15T10:30:00.123456+02:00`), or `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = s.get(from..from + len)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-')
        && sep(7, b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && sep(13, b':')
        && sep(16, b':'))
    {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if sep(at, b'.') {
        let digits = b
            .get(at + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        let first3 = s.get(at + 1..at + 1 + digits.min(3))?;
        millis = first3.parse::<i64>().ok()? * 10_i64.pow(3 - digits.min(3) as u32);
        at += 1 + digits;
    }
    let offset_min = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let m = num(at + 1, 2)? * 60 + num(at + 4, 2)?;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date and time of a moment, in UTC: (year, month, day, hour, minute).
fn civil(ms: i64) -> (i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rest / 3600, rest % 3600 / 60)
}

/// The exact moment, to the minute, in UTC: `2026-11-29 06:54 UTC`.
pub fn exact(ms: i64) -> String {
    let (y, mo, d, h, mi) = civil(ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// The moment in RFC 3339, UTC, to the millisecond: `2026-11-29T06:54:12.345Z`.
pub fn rfc3339(ms: i64) -> String {
    let (y, mo, d, h, mi) = civil(ms);
    let (s, milli) = (ms.div_euclid(1000).rem_euclid(60), ms.rem_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// How long ago `then` was at `now` (both in ms), as people say it.
pub fn relative(then: i64, now: i64) -> String {
    let secs = (now - then) / 1000;
    let (n, unit) = match secs.abs() {
        s if s < 45 => return "just now".into(),
        s if s < 3600 => ((s + 30) / 60, "min"),
        s if s < 86_400 => ((s + 1800) / 3600, "h"),
        s if s < 86_400 * 45 => ((s + 43_200) / 86_400, "day"),
        s if s < 86_400 * 365 => ((s + 86_400 * 15) / (86_400 * 30), "month"),
        s => (s / (86_400 * 365), "year"),
    };
    let plural = if n != 1 && matches!(unit, "day" | "month" | "year") {
        "s"
    } else {
        ""
    };
    if secs < 0 {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc3339_in_every_documented_form() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2024-01-15T10:30:00Z"),
            Some(1_705_314_600_000)
        );
        assert_eq!(
            parse_rfc3339("2024-01-15T10:30:00.5Z"),
            Some(1_705_314_600_500)
        );
        assert_eq!(
            parse_rfc3339("2024-01-15T10:30:00.123456Z"),
            Some(1_705_314_600_123)
        );
        assert_eq!(
            parse_rfc3339("2024-01-15T12:30:00+02:00"),
            Some(1_705_314_600_000)
        );
        assert_eq!(
            parse_rfc3339("2024-01-15T05:00:00-05:30"),
            Some(1_705_314_600_000)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
        for bad in [
            "",
            "2024-01-15",
            "2024-13-01T00:00:00Z",
            "2024-01-15T10:30:00",
            "yesterday",
            "2024-01-15T10:30:00.Z",
            "２０２４-01-15T10:30:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn says_how_long_ago_and_when_exactly() {
        let t = parse_rfc3339("2026-11-29T06:54:02Z").unwrap_or_default();
        let min = 60_000;
        assert_eq!(relative(t, t + 10_000), "just now");
        assert_eq!(relative(t, t + 3 * min), "3 min ago");
        assert_eq!(relative(t, t + 90 * min), "2 h ago");
        assert_eq!(relative(t, t + 26 * 60 * min), "1 day ago");
        assert_eq!(relative(t, t + 10 * 24 * 60 * min), "10 days ago");
        assert_eq!(relative(t, t + 400 * 24 * 60 * min), "1 year ago");
        assert_eq!(relative(t + 5 * min, t), "in 5 min");
        assert_eq!(exact(t), "2026-11-29 06:54 UTC");
        assert_eq!(exact(0), "1970-01-01 00:00 UTC");
    }
}
