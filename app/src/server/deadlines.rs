//! The deadline job: the server's clock owns deadlines, so when one passes the server submits
//! the attempt itself, with every answer saved so far. It runs every couple of seconds and,
//! since it only looks at the database, also catches up after a restart.

use super::ingest::Ingestor;
use super::jobs::{self, Node};
use super::{attempts, db, now_ms};
use sqlx::AnyPool;
use std::time::Duration;

const SWEEP_EVERY: Duration = Duration::from_secs(2);

pub fn start(pool: AnyPool, ingestor: Ingestor, node: Node) {
    tokio::spawn(async move {
        let mut tick = jobs::every(SWEEP_EVERY);
        while jobs::next_run(&mut tick, &pool).await {
            if !jobs::may_run(&pool, "deadlines", &node, jobs::lease_for(SWEEP_EVERY)).await {
                continue;
            }
            if let Err(e) = sweep(&pool, &ingestor, now_ms()).await {
                tracing::warn!(error = %e, "deadline job failed; retrying");
            }
        }
    });
}

/// Submits every attempt whose deadline is at or before `now`; returns how many.
pub async fn sweep(pool: &AnyPool, ingestor: &Ingestor, now: i64) -> Result<usize, crate::error::AppError> {
    let mut submitted = 0;
    for session_id in db::exam_sessions::due(pool, now).await? {
        match attempts::submit(pool, ingestor, &session_id, now, true).await {
            Ok(()) => {
                tracing::info!(%session_id, "deadline passed: attempt submitted by the server");
                submitted += 1;
            }
            // Submitted by the candidate in the meantime.
            Err(crate::error::AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(submitted)
}
