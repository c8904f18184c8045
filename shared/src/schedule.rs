//! When an attempt must end: the server's deadline, computed once when the attempt starts.

/// Most extra time an enrollment manager can grant, as a percentage of the duration.
pub const MAX_EXTRA_PERCENT: i64 = 400;
/// Most extra time an enrollment manager can grant, in minutes.
pub const MAX_EXTRA_MINUTES: i64 = 24 * 60;

/// Extra time granted to one candidate: a percentage of the exam's duration and/or minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Accommodation {
    pub extra_percent: i64,
    pub extra_minutes: i64,
}

impl Accommodation {
    /// Checks what a manager typed, with a message fit to show them.
    pub fn new(extra_percent: i64, extra_minutes: i64) -> Result<Accommodation, String> {
        if !(0..=MAX_EXTRA_PERCENT).contains(&extra_percent) {
            return Err(format!(
                "Extra time in percent must be between 0 and {MAX_EXTRA_PERCENT}."
            ));
        }
        if !(0..=MAX_EXTRA_MINUTES).contains(&extra_minutes) {
            return Err(format!(
                "Extra time in minutes must be between 0 and {MAX_EXTRA_MINUTES}."
            ));
        }
        Ok(Accommodation {
            extra_percent,
            extra_minutes,
        })
    }

    /// The attempt's length in milliseconds: the duration, plus the percentage of it (rounded
    /// up to the next whole second, so a grant is never shortened), plus the minutes.
    pub fn attempt_ms(self, duration_minutes: i64) -> i64 {
        let base = duration_minutes.max(0) * 60_000;
        let percent = self.extra_percent.clamp(0, MAX_EXTRA_PERCENT);
        let extra_pct_ms = (base * percent + 99_999) / 100_000 * 1_000;
        base + extra_pct_ms + self.extra_minutes.clamp(0, MAX_EXTRA_MINUTES) * 60_000
    }

    /// Describes the grant for a roster, or `None` when there is none.
    pub fn describe(self) -> Option<String> {
        match (self.extra_percent, self.extra_minutes) {
            (0, 0) => None,
            (p, 0) => Some(format!("+{p}% time")),
            (0, m) => Some(format!("+{m} min")),
            (p, m) => Some(format!("+{p}% and {m} min")),
        }
    }
}

/// The deadline of an attempt started at `now`: its length with the accommodation, never past
/// the end of the exam's window.
pub fn deadline(now: i64, duration_minutes: i64, accommodation: Accommodation, closes_at: i64) -> i64 {
    (now + accommodation.attempt_ms(duration_minutes)).min(closes_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn percent_and_minutes_add_up() {
        let none = Accommodation::default();
        assert_eq!(none.attempt_ms(60), 60 * MIN);
        let half = Accommodation::new(50, 0).unwrap();
        assert_eq!(half.attempt_ms(60), 90 * MIN);
        let both = Accommodation::new(25, 10).unwrap();
        assert_eq!(both.attempt_ms(40), 60 * MIN);
    }

    #[test]
    fn a_fractional_percentage_rounds_up_to_a_second() {
        // 7 minutes × 33% = 138.6 s: the candidate gets 139 s, never 138.
        let a = Accommodation::new(33, 0).unwrap();
        assert_eq!(a.attempt_ms(7), 7 * MIN + 139_000);
    }

    #[test]
    fn the_window_end_caps_the_deadline() {
        let a = Accommodation::new(100, 0).unwrap();
        assert_eq!(deadline(0, 60, a, 90 * MIN), 90 * MIN);
        assert_eq!(deadline(0, 60, a, 500 * MIN), 120 * MIN);
    }

    #[test]
    fn out_of_range_grants_are_refused_with_a_reason() {
        assert!(Accommodation::new(-1, 0).unwrap_err().contains("percent"));
        assert!(Accommodation::new(0, MAX_EXTRA_MINUTES + 1)
            .unwrap_err()
            .contains("minutes"));
        assert!(Accommodation::new(MAX_EXTRA_PERCENT, MAX_EXTRA_MINUTES).is_ok());
    }

    #[test]
    fn grants_are_described_for_people() {
        assert_eq!(Accommodation::default().describe(), None);
        assert_eq!(
            Accommodation::new(50, 0).unwrap().describe().as_deref(),
            Some("+50% time")
        );
        assert_eq!(
            Accommodation::new(0, 15).unwrap().describe().as_deref(),
            Some("+15 min")
        );
    }
}
