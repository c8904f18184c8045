//! The servers' memory through the exam phase, sampled four times a second (the process's own
//! peak would include the sign-in phase). Resident memory, and of it what is the process's own
//! (anonymous): SQLite's memory map counts in the first and is the kernel's page cache to reclaim.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_bench::{anon_rss_mib, rss_mib};

/// One reading of one node: when, resident MiB, anonymous MiB.
type Sample = (Instant, f64, f64);

/// Every node's samples.
pub struct Samples {
    per_node: Mutex<Vec<Vec<Sample>>>,
}

/// Samples the servers `pids` until `end`.
pub fn sample(pids: Vec<u32>, end: Instant) -> Arc<Samples> {
    let samples = Arc::new(Samples {
        per_node: Mutex::new(vec![Vec::new(); pids.len()]),
    });
    let into = Arc::clone(&samples);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        while Instant::now() < end {
            every.tick().await;
            let Ok(mut nodes) = into.per_node.lock() else {
                break;
            };
            let now = Instant::now();
            for (node, pid) in nodes.iter_mut().zip(&pids) {
                node.push((
                    now,
                    rss_mib(*pid).unwrap_or(0.0),
                    anon_rss_mib(*pid).unwrap_or(0.0),
                ));
            }
        }
    });
    samples
}

impl Samples {
    /// Per node, each second of the phase from `start`: the highest resident and anonymous
    /// reading, so the peak can be placed against the opening and the per-second latencies.
    pub fn by_second(&self, start: Instant) -> Vec<Vec<String>> {
        let nodes = self.per_node.lock().map(|n| n.clone()).unwrap_or_default();
        nodes
            .iter()
            .map(|samples| {
                let mut seconds: std::collections::BTreeMap<u64, (f64, f64)> = Default::default();
                for (at, resident, anon) in samples {
                    let second = at.saturating_duration_since(start).as_secs();
                    let top = seconds.entry(second).or_default();
                    *top = (top.0.max(*resident), top.1.max(*anon));
                }
                seconds
                    .into_iter()
                    .map(|(second, (resident, anon))| {
                        format!("s{second}: resident {resident:.0} MiB, anonymous {anon:.0} MiB")
                    })
                    .collect()
            })
            .collect()
    }

    /// Per node: the phase's maximum of resident and of anonymous memory, and the steady exam's
    /// anonymous memory (the median of the samples from `opened`, when every candidate had its
    /// page and its socket: the opening's few seconds apart from the hours an exam lasts).
    pub fn report(&self, opened: Option<Instant>) -> Value {
        let nodes = self.per_node.lock().map(|n| n.clone()).unwrap_or_default();
        let max = |pick: fn(&Sample) -> f64| -> Vec<f64> {
            nodes
                .iter()
                .map(|n| n.iter().map(pick).fold(0.0, f64::max))
                .collect()
        };
        let steady: Vec<Option<f64>> = nodes
            .iter()
            .map(|n| {
                let from = opened?;
                let mut anon: Vec<f64> = n.iter().filter(|s| s.0 >= from).map(|s| s.2).collect();
                anon.sort_by(f64::total_cmp);
                anon.get(anon.len() / 2).map(|m| m.round())
            })
            .collect();
        json!({
            "exam_phase_max": max(|s| s.1),
            "exam_phase_max_anonymous": max(|s| s.2),
            "exam_phase_steady_anonymous": steady,
        })
    }
}
