//! Background jobs that must run once across every node on the database (the deadline job,
//! the silence watch, retention, mail delivery). Before each run a job takes or renews its
//! lease — one row per job in `job_leases` — with a single conditional write: it succeeds for
//! the node that holds the lease, or for anyone once the holder has let it run out. Only the
//! node whose write succeeded runs the job that time. A node that dies stops renewing, and
//! another takes the job over within one lease. No coordination service, no advisory locks:
//! the same SQL works on SQLite and PostgreSQL.

use super::{db, new_id, now_ms};
use sqlx::AnyPool;
use std::sync::Arc;
use std::time::Duration;

/// This process among the nodes sharing the database: a fresh id each start.
#[derive(Debug, Clone)]
pub struct Node(Arc<str>);

impl Node {
    pub fn new() -> Node {
        Node(new_id().into())
    }

    /// A node named by its operator (`VIGIL_NODE_ID`), the same across restarts.
    pub fn named(id: &str) -> Node {
        Node(id.into())
    }

    pub fn id(&self) -> &str {
        &self.0
    }
}

impl Default for Node {
    fn default() -> Self {
        Node::new()
    }
}

/// A job's clock: a run every `period`. A run that overran its period is followed by the next
/// one a period later, not by the ticks it missed all at once: under load a sweep can take
/// longer than its period, and a burst of catch-up runs only adds to that load.
pub fn every(period: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// Waits for the job's next run; `false` once the pool is closed (the server is stopping, and
/// every run would only log that it could not reach the database).
pub async fn next_run(tick: &mut tokio::time::Interval, pool: &AnyPool) -> bool {
    tick.tick().await;
    !pool.is_closed()
}

/// Logs a job's failed run. A run under way when the server stops fails on the closed pool;
/// that is the stop, not a fault, and an operator stopping a node sees no warning for it.
pub fn run_failed(pool: &AnyPool, job: &str, error: &dyn std::fmt::Display, next: &str) {
    if pool.is_closed() {
        tracing::debug!(job, error = %error, "a run ended by the server stopping");
    } else {
        tracing::warn!(job, error = %error, "job failed; {next}");
    }
}

/// How long a lease outlives the run that took it: a few of the job's periods, so a busy
/// node keeps its job while a dead one loses it soon.
pub fn lease_for(every: Duration) -> Duration {
    every.saturating_mul(3).max(Duration::from_secs(10))
}

/// Whether `node` may run `job` now, taking or renewing its lease for `lease`. A database
/// error counts as "no": the job waits for the next period rather than risk running twice.
pub async fn may_run(pool: &AnyPool, job: &str, node: &Node, lease: Duration) -> bool {
    let now = now_ms();
    let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
    match db::job_leases::take(pool, job, node.id(), now, until).await {
        Ok(held) => {
            super::metrics::get().job(job, held);
            held
        }
        Err(e) => {
            tracing::warn!(job, error = %e, "could not take the job's lease; skipping this run");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_job_stops_once_the_pool_is_closed() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory database");
        let mut tick = every(Duration::from_millis(1));
        assert!(next_run(&mut tick, &pool).await, "runs while the pool is open");
        pool.close().await;
        assert!(
            !next_run(&mut tick, &pool).await,
            "stops once the server closed the pool"
        );
    }
}
