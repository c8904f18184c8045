//! SQLite's checkpoints, off the writers' path. In WAL mode committed pages go to the log and
//! are copied back into the database file by a checkpoint; by default the committing writer
//! runs one whenever the log passes 1,000 pages, inside its commit. Under an exam's telemetry
//! that was the one writer's time spent copying pages while batches queued. Here a task copies
//! them twice a second on a connection of its own (a `PASSIVE` checkpoint never waits for, nor
//! blocks, readers and writers), on the other core; the writers' automatic checkpoint stays as
//! a backstop at a larger log (`db::SQLITE_AUTOCHECKPOINT`). A round that finds the log long ends
//! with a short checkpoint between two write transactions (`db::checkpoint_between_writes`),
//! so that the log is wholly copied and the next writer starts it afresh.

use sqlx::AnyPool;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(500);

/// The log's length (pages) from which a round ends with a checkpoint between two write
/// transactions; a shorter log is left to grow. That checkpoint holds the write turn while it
/// copies what was committed since the `PASSIVE` one began, and at 5,000 candidates that is a
/// whole telemetry flush (4,000–5,000 pages, 60–210 ms): run every round, it held the turn
/// 100–350 ms of every second, more as the exam went on. Run once the log has grown this far
/// (every second to fourth round at that load) it costs about the same each time, a third as
/// often. Below `db::SQLITE_AUTOCHECKPOINT`, so a committing writer still rarely checkpoints by
/// itself; a quiet log stays short, and its next writer starts it afresh once it is wholly
/// copied and no reader is inside it.
const RESTART_LOG_AT_PAGES: i64 = 12_000;

/// Starts the checkpoint task on the current runtime (SQLite only; PostgreSQL checkpoints
/// itself).
pub fn start(pool: AnyPool) {
    if super::db::Backend::of_pool(&pool) != super::db::Backend::Sqlite {
        return;
    }
    tokio::spawn(async move {
        let mut tick = super::jobs::every(EVERY);
        while super::jobs::next_run(&mut tick, &pool).await {
            // The bulk beside the writers; then, once the log is long, the rest between two of
            // their transactions. (Repeating the first until little was left made the second
            // no shorter: 35–70 ms at 40,000 events/s either way.)
            let started = Instant::now();
            let copied = match super::db::passive_checkpoint(&pool).await {
                Ok((_, log, copied)) => {
                    tracing::debug!(
                        log,
                        copied,
                        ms = started.elapsed().as_millis() as u64,
                        "passive checkpoint"
                    );
                    if log >= RESTART_LOG_AT_PAGES {
                        super::db::checkpoint_between_writes(&pool).await
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(e),
            };
            if let Err(e) = copied {
                super::jobs::run_failed(
                    &pool,
                    "wal-checkpoint",
                    &e,
                    "the writers' own checkpoint takes over",
                );
            }
        }
    });
}
