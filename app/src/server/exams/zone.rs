//! Times in the organisation's time zone: coordinators type and read the window in it; the
//! database holds UTC milliseconds.

/// What `<input type="datetime-local">` holds (`2026-12-01T09:00`) in `zone`, as UTC ms. A time
/// that a clock change skips or repeats resolves as the clock reads before the change.
pub fn to_utc_ms(local: &str, zone: &str) -> Result<i64, String> {
    let civil: jiff::civil::DateTime = local
        .trim()
        .parse()
        .map_err(|_| "Enter a date and time, such as 2026-12-01 09:00.".to_string())?;
    let zoned = civil
        .in_tz(zone)
        .map_err(|_| format!("That time does not exist in {zone}."))?;
    Ok(zoned.timestamp().as_millisecond())
}

/// UTC ms as the local date and time in `zone` (`2026-12-01T09:00`), for the builder's inputs.
pub fn to_local(ms: i64, zone: &str) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| t.in_tz(zone).ok())
        .map(|z| z.datetime().strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// The first instant of a day (`2026-12-01`) in `zone`, and of the day after, as UTC ms: the
/// bounds of "on that day" for filters.
pub fn day_bounds(day: &str, zone: &str) -> Result<(i64, i64), String> {
    let bad = || {
        format!(
            "\"{}\" is not a date such as 2026-12-01.",
            day.chars().take(20).collect::<String>()
        )
    };
    let date: jiff::civil::Date = day.trim().parse().map_err(|_| bad())?;
    let start = date.in_tz(zone).map_err(|_| bad())?;
    let next = date
        .tomorrow()
        .ok()
        .and_then(|d| d.in_tz(zone).ok())
        .ok_or_else(bad)?;
    Ok((
        start.timestamp().as_millisecond(),
        next.timestamp().as_millisecond(),
    ))
}

/// Whether `zone` names a time zone this server knows.
pub fn known(zone: &str) -> bool {
    jiff::tz::TimeZone::get(zone).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_in_a_zone_spans_its_local_midnights() {
        let (start, end) = day_bounds("2026-12-01", "Europe/Berlin").unwrap();
        assert_eq!(to_local(start, "Europe/Berlin"), "2026-12-01T00:00");
        assert_eq!(end - start, 24 * 3_600_000);
        // The day clocks go forward is 23 hours long.
        let (start, end) = day_bounds("2026-03-29", "Europe/Berlin").unwrap();
        assert_eq!(end - start, 23 * 3_600_000);
        assert!(day_bounds("2026-13-01", "UTC").is_err());
    }

    #[test]
    fn local_times_round_trip_through_utc_in_the_zone() {
        // 09:00 in Berlin in winter is 08:00 UTC; in summer 07:00 UTC.
        let winter = to_utc_ms("2026-12-01T09:00", "Europe/Berlin").unwrap();
        assert_eq!(winter, 1_796_112_000_000);
        assert_eq!(to_local(winter, "Europe/Berlin"), "2026-12-01T09:00");
        assert_eq!(to_local(winter, "UTC"), "2026-12-01T08:00");
        let summer = to_utc_ms("2026-07-01T09:00", "Europe/Berlin").unwrap();
        assert_eq!(to_local(summer, "UTC"), "2026-07-01T07:00");
        assert!(to_utc_ms("tomorrow", "UTC").is_err());
        assert!(to_utc_ms("2026-12-01T09:00", "Mars/Olympus").is_err());
        assert!(known("America/New_York") && !known("Mars/Olympus"));
    }
}
