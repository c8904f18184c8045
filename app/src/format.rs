//! Times shown to people. Computed the same way on the server and in the browser, so the
//! hydrated page matches the rendered one; always UTC and labelled so.

/// `2026-11-22 16:52 UTC`
pub fn datetime(ms: i64) -> String {
    let (y, mo, d, h, mi, _) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// `2026-12-01T08:00:00Z`, for a `<time datetime>` attribute.
pub fn iso(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `16:52:07 UTC`
pub fn time_of_day(ms: i64) -> String {
    let (_, _, _, h, mi, s) = parts(ms);
    format!("{h:02}:{mi:02}:{s:02} UTC")
}

fn parts(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(datetime(0), "1970-01-01 00:00 UTC");
        assert_eq!(datetime(1_795_366_320_000), "2026-11-22 16:52 UTC");
        assert_eq!(time_of_day(1_795_366_327_000), "16:52:07 UTC");
        assert_eq!(datetime(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
