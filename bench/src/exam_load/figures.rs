//! What the run measures: each path's latencies (with when each request was sent) and
//! failures, and the counters the report prints.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;
use vigil_bench::percentile;

/// Latencies and failures of one path, each latency with the moment its request was sent.
#[derive(Default)]
pub struct Path {
    latencies_us: Mutex<Vec<(Instant, u32)>>,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Path {
    pub fn ok(&self, since: Instant) {
        let us = since.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        if let Ok(mut l) = self.latencies_us.lock() {
            l.push((since, us));
        }
    }

    pub fn failed(&self, why: String) {
        self.errors.fetch_add(1, Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(why);
        }
    }

    /// Sorted latencies of the requests sent at or after `from` and before `to` (without
    /// either, from the first or to the last).
    fn sorted(&self, from: Option<Instant>, to: Option<Instant>) -> Vec<u32> {
        let mut l: Vec<u32> = self
            .latencies_us
            .lock()
            .map(|l| {
                l.iter()
                    .filter(|(sent, _)| from.is_none_or(|f| *sent >= f) && to.is_none_or(|t| *sent < t))
                    .map(|(_, us)| *us)
                    .collect()
            })
            .unwrap_or_default();
        l.sort_unstable();
        l
    }

    pub fn report(&self, seconds: f64) -> Value {
        let l = self.sorted(None, None);
        json!({
            "count": l.len(),
            "per_sec": (l.len() as f64 / seconds).round(),
            "p50_ms": percentile(&l, 0.50),
            "p99_ms": percentile(&l, 0.99),
            "max_ms": percentile(&l, 1.0),
            "errors": self.errors.load(Relaxed),
            "first_error": self.first_error.lock().ok().and_then(|e| e.clone()),
        })
    }

    /// Each second of the phase (by when a request was sent, from `start`): how many, p50 and
    /// p99, one line a second, so a tail can be placed in time (the opening, a stall, the end).
    pub fn by_second(&self, start: Instant) -> Vec<String> {
        let mut seconds: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
        if let Ok(l) = self.latencies_us.lock() {
            for (sent, us) in l.iter() {
                let second = sent.saturating_duration_since(start).as_secs();
                seconds.entry(second).or_default().push(*us);
            }
        }
        seconds
            .into_iter()
            .map(|(second, mut l)| {
                l.sort_unstable();
                format!(
                    "s{second}: {} sent, p50 {:.0} ms, p99 {:.0} ms",
                    l.len(),
                    percentile(&l, 0.50),
                    percentile(&l, 0.99)
                )
            })
            .collect()
    }

    /// The same figures for the requests sent from `from` (once every candidate had its page
    /// and its socket: the opening left out) until `to` (if given: the steady exam, its last
    /// second, which meets the hand-in, left out too).
    pub fn report_between(&self, from: Instant, to: Option<Instant>) -> Value {
        let l = self.sorted(Some(from), to);
        json!({
            "count": l.len(),
            "p50_ms": percentile(&l, 0.50),
            "p99_ms": percentile(&l, 0.99),
            "max_ms": percentile(&l, 1.0),
        })
    }
}

#[derive(Default)]
pub struct Figures {
    pub page: Path,
    pub ack: Path,
    pub save: Path,
    pub submit: Path,
    /// From sending the submission to the server closing the socket ("the attempt has ended").
    pub socket_closed: Path,
    pub acked_events: AtomicU64,
    pub review_notices: AtomicU64,
    /// When the last candidate had its page and its socket open: the end of the
    /// opening, where every candidate arrives at once.
    pub opened: Mutex<Option<Instant>>,
}
