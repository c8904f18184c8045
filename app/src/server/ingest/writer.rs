//! The writer's loop: it takes every batch queued (up to [`MAX_FLUSH_EVENTS`]), stores them in
//! one flush, then answers each connection and tells reviewers what was flagged.

use super::flush::{flush, Flushed, Stores};
use super::{Job, Limits};
use crate::error::AppError;
use crate::server::bus::{Announcement, Bus};
use crate::server::db;
use crate::server::metrics;
use shared::rules::RulesState;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;
use tokio::sync::mpsc;

/// Most events one flush stores. A flush's fixed costs (its wait for SQLite's write lock, its
/// commit) were half of a 5,000-event flush under 5,000 candidates; a writer that fell behind
/// and kept flushing 5,000 at a time never caught up, where a larger flush clears the backlog.
const MAX_FLUSH_EVENTS: usize = 20_000;
/// Rules state is kept for this many sessions before the cache starts over (it is rebuilt
/// from stored events on demand, so forgetting costs time, never correctness).
const MAX_CACHED_SESSIONS: usize = 100_000;

/// Runs SQLite's writer on a thread of its own. On the shared runtime each statement of a
/// flush, handed to the connection's thread and back, waited behind thousands of socket tasks
/// for its next turn, and the one writer idled between statements while batches queued. (A
/// SQLite connection is a thread reached by channels, so it serves any runtime; PostgreSQL's
/// writers stay on the shared runtime, whose I/O driver their connections are registered with.)
pub(super) fn spawn_on_own_thread(work: impl std::future::Future<Output = ()> + Send + 'static) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::warn!(error = %e, "no runtime for the telemetry writer's thread; it shares the server's");
            tokio::spawn(work);
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("telemetry-writer".into())
        .spawn(move || runtime.block_on(work));
    if let Err(e) = spawned {
        // Batches then fail with an internal error, and clients keep and re-send them.
        tracing::error!(error = %e, "cannot start the telemetry writer's thread");
    }
}

/// Stores what the connections hand in, flush after flush, until every sender is gone. `pool`
/// is the main database's; telemetry may have a file of its own (`db::telemetry_file`).
pub(super) async fn run(pool: AnyPool, mut rx: mpsc::Receiver<Job>, bus: Bus, limits: Limits) {
    let own_file = db::telemetry_file::own_file(&pool);
    let stores = || Stores {
        events: own_file.as_ref().unwrap_or(&pool),
        flags_apart: own_file.as_ref().map(|_| &pool),
    };
    let mut cache: HashMap<String, RulesState> = HashMap::new();
    while let Some(first) = rx.recv().await {
        let mut size = first.events.len();
        let mut jobs = vec![first];
        while size < MAX_FLUSH_EVENTS {
            match rx.try_recv() {
                Ok(job) => {
                    size += job.events.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        if cache.len() > MAX_CACHED_SESSIONS {
            cache.clear();
        }
        let started = Instant::now();
        let result = flush(stores(), &mut cache, &jobs, limits).await;
        metrics::get().telemetry_flush_seconds.observe(started.elapsed());
        let ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(flushed) => answer_stored(flushed, jobs, size, ms, &bus, limits),
            Err(e) => {
                // The rules state may have advanced for events that are not stored after all.
                for job in &jobs {
                    cache.remove(&job.target.session_id);
                }
                answer_failed(&e, jobs, ms);
            }
        }
    }
}

/// Records a flush's figures, tells reviewers of its flags and answers each connection: stored,
/// or over its session's rate (then nothing of the batch was stored).
fn answer_stored(flushed: Flushed, jobs: Vec<Job>, size: usize, ms: u64, bus: &Bus, limits: Limits) {
    let s = &flushed.stages;
    tracing::debug!(
        batches = jobs.len(),
        events = size,
        ms,
        prepare_ms = s.prepare as u64,
        lock_ms = s.lock as u64,
        buckets_ms = s.buckets as u64,
        insert_ms = s.insert as u64,
        rules_ms = s.rules as u64,
        commit_ms = s.commit as u64,
        "flush"
    );
    let metrics = metrics::get();
    let stored = flushed.stored.iter().filter(|s| **s).count() as u64;
    metrics.telemetry_batches_stored.fetch_add(stored, Relaxed);
    metrics
        .telemetry_batches_over_rate
        .fetch_add(flushed.stored.len() as u64 - stored, Relaxed);
    metrics
        .telemetry_events_stored
        .fetch_add(flushed.fresh_events, Relaxed);
    metrics.flags_raised.fetch_add(flushed.flags_raised, Relaxed);
    for notice in flushed.notices {
        // Nobody listening is fine: reviewers also see flags when they load the page.
        bus.announce(Announcement::Review(notice));
    }
    for (job, stored) in jobs.into_iter().zip(flushed.stored) {
        let reply = if stored {
            Ok(())
        } else {
            Err(AppError::TooManyRequests(format!(
                "too many events: at most {} per second for this session; slow down and re-send",
                limits.rate_per_sec
            )))
        };
        let _ = job.reply.send(reply);
    }
}

/// The flush stored nothing: every connection is told, and its client keeps the batch and
/// re-sends it.
fn answer_failed(error: &sqlx::Error, jobs: Vec<Job>, ms: u64) {
    metrics::get().telemetry_flushes_failed.fetch_add(1, Relaxed);
    tracing::error!(error = %error, batches = jobs.len(), ms, "telemetry flush failed; clients will re-send");
    for job in jobs {
        let _ = job.reply.send(Err(AppError::Internal));
    }
}
