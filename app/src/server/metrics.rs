//! What an operator's Prometheus scrapes from `/metrics`: requests, telemetry ingest, open
//! streams and background jobs, counted by this node since it started. Counters are atomics
//! in one process-wide registry (like the `prometheus` crate's default registry), so the hot
//! paths pay an atomic add, never a lock; the text is written out only when scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// Histogram bucket bounds, in seconds.
const BOUNDS: [f64; 11] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// A latency histogram.
pub struct Histogram {
    /// Observations at or under each bound (cumulative when written).
    buckets: [AtomicU64; BOUNDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    const fn new() -> Histogram {
        Histogram {
            buckets: [const { AtomicU64::new(0) }; BOUNDS.len()],
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        if let Some(i) = BOUNDS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in BOUNDS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Relaxed);
        let sum = self.sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}"
        );
    }
}

/// Every figure this node keeps.
pub struct Metrics {
    /// HTTP responses by status class (1xx … 5xx).
    pub responses: [AtomicU64; 5],
    pub request_seconds: Histogram,
    pub telemetry_events_stored: AtomicU64,
    pub telemetry_batches_stored: AtomicU64,
    pub telemetry_batches_over_rate: AtomicU64,
    pub telemetry_flushes_failed: AtomicU64,
    pub telemetry_flush_seconds: Histogram,
    pub flags_raised: AtomicU64,
    pub telemetry_sockets_open: AtomicI64,
    pub review_streams_open: AtomicI64,
    /// For each background job: runs on this node, and whether it holds the lease now.
    jobs: Mutex<BTreeMap<String, (u64, bool)>>,
}

static METRICS: Metrics = Metrics {
    responses: [const { AtomicU64::new(0) }; 5],
    request_seconds: Histogram::new(),
    telemetry_events_stored: AtomicU64::new(0),
    telemetry_batches_stored: AtomicU64::new(0),
    telemetry_batches_over_rate: AtomicU64::new(0),
    telemetry_flushes_failed: AtomicU64::new(0),
    telemetry_flush_seconds: Histogram::new(),
    flags_raised: AtomicU64::new(0),
    telemetry_sockets_open: AtomicI64::new(0),
    review_streams_open: AtomicI64::new(0),
    jobs: Mutex::new(BTreeMap::new()),
};

pub fn get() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    /// A response went out with `status` after `took`.
    pub fn response(&self, status: u16, took: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.responses[class].fetch_add(1, Relaxed);
        self.request_seconds.observe(took);
    }

    /// `job` asked for its lease: it runs on this node when `held`.
    pub fn job(&self, job: &str, held: bool) {
        if let Ok(mut jobs) = self.jobs.lock() {
            let entry = jobs.entry(job.to_string()).or_default();
            entry.0 += u64::from(held);
            entry.1 = held;
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, node: &str) -> String {
        let mut out = String::with_capacity(4_096);
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        // Node ids are `[A-Za-z0-9-_.]` (configured) or UUIDs: nothing to escape.
        let _ = writeln!(
            out,
            "# HELP vigil_node_info This node's id among those sharing the database.\n# TYPE vigil_node_info gauge\nvigil_node_info{{node=\"{node}\"}} 1"
        );
        let _ = writeln!(
            out,
            "# HELP vigil_http_responses_total HTTP responses by status class.\n# TYPE vigil_http_responses_total counter"
        );
        for (i, n) in self.responses.iter().enumerate() {
            let _ = writeln!(
                out,
                "vigil_http_responses_total{{class=\"{}xx\"}} {}",
                i + 1,
                n.load(Relaxed)
            );
        }
        self.request_seconds.write(
            &mut out,
            "vigil_http_request_duration_seconds",
            "Time to answer a request (to the response head for streams).",
        );
        counter(
            &mut out,
            "vigil_telemetry_events_stored_total",
            "Telemetry events stored (re-sent events counted once).",
            self.telemetry_events_stored.load(Relaxed),
        );
        counter(
            &mut out,
            "vigil_telemetry_batches_stored_total",
            "Telemetry batches stored and acknowledged.",
            self.telemetry_batches_stored.load(Relaxed),
        );
        counter(
            &mut out,
            "vigil_telemetry_batches_over_rate_total",
            "Telemetry batches refused by the per-session rate.",
            self.telemetry_batches_over_rate.load(Relaxed),
        );
        counter(
            &mut out,
            "vigil_telemetry_flushes_failed_total",
            "Telemetry flushes that failed (their clients re-send).",
            self.telemetry_flushes_failed.load(Relaxed),
        );
        self.telemetry_flush_seconds.write(
            &mut out,
            "vigil_telemetry_flush_duration_seconds",
            "Time to store one flush of telemetry batches and run the rules.",
        );
        counter(
            &mut out,
            "vigil_flags_raised_total",
            "Flags the rules raised on telemetry.",
            self.flags_raised.load(Relaxed),
        );
        gauge(
            &mut out,
            "vigil_telemetry_sockets_open",
            "Candidates' telemetry WebSockets open on this node.",
            self.telemetry_sockets_open.load(Relaxed),
        );
        gauge(
            &mut out,
            "vigil_review_streams_open",
            "Reviewers' live streams open on this node.",
            self.review_streams_open.load(Relaxed),
        );
        if let Ok(jobs) = self.jobs.lock() {
            let _ = writeln!(
                out,
                "# HELP vigil_job_runs_total Background job runs on this node.\n# TYPE vigil_job_runs_total counter"
            );
            for (job, (runs, _)) in jobs.iter() {
                let _ = writeln!(out, "vigil_job_runs_total{{job=\"{job}\"}} {runs}");
            }
            let _ = writeln!(
                out,
                "# HELP vigil_job_lease_held Whether this node holds the job's lease (runs it).\n# TYPE vigil_job_lease_held gauge"
            );
            for (job, (_, held)) in jobs.iter() {
                let _ = writeln!(out, "vigil_job_lease_held{{job=\"{job}\"}} {}", u8::from(*held));
            }
        }
        if let Some(rss) = resident_bytes() {
            gauge(
                &mut out,
                "vigil_process_resident_memory_bytes",
                "Resident memory of this process.",
                rss,
            );
        }
        out
    }
}

/// Resident set size from `/proc/self/statm` (Linux; `None` elsewhere).
fn resident_bytes() -> Option<i64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    pages.checked_mul(4_096)
}

/// Counts an open stream while it lives.
pub struct OpenGuard(&'static AtomicI64);

impl OpenGuard {
    pub fn new(gauge: &'static AtomicI64) -> OpenGuard {
        gauge.fetch_add(1, Relaxed);
        OpenGuard(gauge)
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_is_cumulative_and_counts_everything() {
        let h = Histogram::new();
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        h.write(&mut out, "x", "help");
        assert!(out.contains("x_bucket{le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.025\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"5\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("x_count 3\n"), "{out}");
    }
}
