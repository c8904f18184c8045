//! The deadline job: the server's clock owns deadlines, so when one passes the server submits
//! the attempt itself, with every answer saved so far. It runs every couple of seconds and,
//! since it only looks at the database, also catches up after a restart.

use super::attempts::{self, HandIns};
use super::ingest::Ingestor;
use super::jobs::{self, Node};
use super::{db, now_ms};
use crate::error::AppError;
use sqlx::AnyPool;
use std::time::Duration;
use tokio::task::JoinSet;

const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// Attempts handed in at once (each holds its questions in memory until its commit).
const AT_ONCE: usize = 1_000;

pub fn start(pool: AnyPool, ingestor: Ingestor, hand_ins: HandIns, node: Node) {
    tokio::spawn(async move {
        let mut tick = jobs::every(SWEEP_EVERY);
        while jobs::next_run(&mut tick, &pool).await {
            if !jobs::may_run(&pool, "deadlines", &node, jobs::lease_for(SWEEP_EVERY)).await {
                continue;
            }
            if let Err(e) = sweep(&pool, &ingestor, &hand_ins, now_ms()).await {
                jobs::run_failed(&pool, "deadlines", &e, "retrying");
            }
        }
    });
}

/// Submits every attempt whose deadline is at or before `now`; returns how many. They are
/// handed in all at once, so the thousands an exam's deadline ends share a few commits.
pub async fn sweep(
    pool: &AnyPool,
    ingestor: &Ingestor,
    hand_ins: &HandIns,
    now: i64,
) -> Result<usize, AppError> {
    let due = db::exam_sessions::due(pool, now).await?;
    let mut submitted = 0;
    let mut failed = None;
    for group in due.chunks(AT_ONCE) {
        let mut running = JoinSet::new();
        for session_id in group {
            let (pool, ingestor, hand_ins) = (pool.clone(), ingestor.clone(), hand_ins.clone());
            let session_id = session_id.clone();
            running.spawn(async move {
                let submitted = attempts::submit(&pool, &ingestor, &hand_ins, &session_id, now, true).await;
                (session_id, submitted)
            });
        }
        while let Some(done) = running.join_next().await {
            match done {
                Ok((session_id, Ok(()))) => {
                    tracing::info!(%session_id, "deadline passed: attempt submitted by the server");
                    submitted += 1;
                }
                // Submitted by the candidate in the meantime.
                Ok((_, Err(AppError::Conflict(_)))) => {}
                // The next sweep tries it again.
                Ok((_, Err(e))) => failed = Some(e),
                Err(_) => failed = Some(AppError::Internal),
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(submitted),
    }
}
