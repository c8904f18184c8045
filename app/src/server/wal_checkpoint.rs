//! SQLite's checkpoints, off the writers' path. In WAL mode committed pages go to the log and
//! are copied back into the database file by a checkpoint; by default the committing writer
//! runs one whenever the log passes 1,000 pages, inside its commit. Under an exam's telemetry
//! that was the one writer's time spent copying pages while batches queued. Here a task copies
//! them twice a second on a connection of its own (a `PASSIVE` checkpoint never waits for, nor
//! blocks, readers and writers), on the other core; the writers' automatic checkpoint stays as
//! a backstop at a larger log (`db::SQLITE_AUTOCHECKPOINT`). Each round ends with a short
//! checkpoint between two write transactions (`db::checkpoint_between_writes`), so
//! that the log is wholly copied at least once a round and the next writer starts it afresh.

use sqlx::AnyPool;
use std::time::Duration;

const EVERY: Duration = Duration::from_millis(500);

/// Starts the checkpoint task on the current runtime (SQLite only; PostgreSQL checkpoints
/// itself).
pub fn start(pool: AnyPool) {
    if super::db::Backend::of_pool(&pool) != super::db::Backend::Sqlite {
        return;
    }
    tokio::spawn(async move {
        let mut tick = super::jobs::every(EVERY);
        while super::jobs::next_run(&mut tick, &pool).await {
            // The bulk beside the writers, then the rest between two of their transactions.
            // (Repeating the first until little was left made the second no shorter: 35–70 ms
            // at 40,000 events/s either way.)
            let copied = match super::db::passive_checkpoint(&pool).await {
                Ok(_) => super::db::checkpoint_between_writes(&pool).await,
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
