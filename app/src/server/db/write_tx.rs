//! Write transactions, and on SQLite the queue for the file's one write lock.
//!
//! SQLite lets one connection write at a time. A connection that finds the lock taken waits in
//! SQLite's busy handler, which sleeps and retries (1, 2, 5, … up to 100 ms at a time): under
//! load the lock sat free while the next writer slept, and every writer's latency grew by the
//! sleeps. Here a process's writers queue for the lock on a fair async mutex instead, taken
//! before a connection is, so the next writer starts the moment the last one commits. Writers
//! in other processes (a second node on the same file, the command line) still meet SQLite's
//! own handler.
//!
//! The turn also comes with a connection of its own: every write transaction in the process
//! runs on one connection kept for writing. SQLite empties a connection's page cache and drops
//! its memory map whenever another connection has written since its last transaction; with
//! writes spread over the pool's ten connections, every flush of telemetry read the index
//! pages it was about to change afresh, through page faults. The writer keeps them.

use super::Backend;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// How long a writer waits for its turn: as long as SQLite's busy timeout, after which it
/// would have failed with "database is locked" anyway.
const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction that writes; on SQLite it holds the process's turn to write until it ends.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<Turn>,
}

/// The process's turn to write to a SQLite file. Its debug log (`app::server::db::write_tx`)
/// says how long each writer waited for it and held it, in the writer's span and thread: at
/// an exam's busiest moment every writer queues for this one lock, and the log shows whose
/// turns the others wait through.
struct Turn {
    _guard: OwnedMutexGuard<()>,
    waited: Duration,
    since: std::time::Instant,
}

impl Drop for Turn {
    fn drop(&mut self) {
        tracing::debug!(
            waited_us = self.waited.as_micros() as u64,
            held_us = self.since.elapsed().as_micros() as u64,
            thread = std::thread::current().name().unwrap_or("-"),
            "write turn"
        );
    }
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later cannot wait for the
/// lock once another writer has committed, and would fail with "database is locked".
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<WriteTx> {
    if Backend::of_pool(pool) != Backend::Sqlite {
        return Ok(WriteTx {
            tx: pool.begin().await?,
            _turn: None,
        });
    }
    let file = file_writer(pool);
    let asked = std::time::Instant::now();
    let guard = file.take_turn().await?;
    let turn = Turn {
        _guard: guard,
        waited: asked.elapsed(),
        since: std::time::Instant::now(),
    };
    let on = file.connection.as_ref().unwrap_or(pool);
    Ok(WriteTx {
        tx: on.begin_with("BEGIN IMMEDIATE").await?,
        _turn: Some(turn),
    })
}

/// Copies what the log holds into the database file while no write transaction of this
/// process is open (it waits for its turn like a writer), so the next writer can start the log
/// afresh. Meant to follow a `PASSIVE` checkpoint made beside the writers, which copies the
/// bulk: this one copies what was committed meanwhile (the writers waited 30–40 ms for it,
/// twice a second, at 40,000 events/s). Without it the log was never wholly copied while
/// writes kept coming, grew to `wal_autocheckpoint`, and a committing writer then copied the
/// rest inside its commit (60–90 ms about once a second at that rate, every batch behind it
/// waiting).
pub async fn checkpoint_between_writes(pool: &AnyPool) -> sqlx::Result<()> {
    let file = file_writer(pool);
    let _turn = file.take_turn().await?;
    let on = file.connection.as_ref().unwrap_or(pool);
    let started = std::time::Instant::now();
    let (_, log, copied) = passive_checkpoint(on).await?;
    tracing::debug!(
        log,
        copied,
        ms = started.elapsed().as_millis() as u64,
        "checkpoint between writes"
    );
    Ok(())
}

/// A `PASSIVE` checkpoint: whether it was blocked, the log's size and how much of it is now
/// in the database file (pages).
pub async fn passive_checkpoint(on: &AnyPool) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(on)
        .await
}

/// How long the writing connection may sit unused before it is closed (a process that opens
/// many databases, as the tests do, does not keep one open for each).
const WRITER_IDLE: Duration = Duration::from_secs(60);

/// One database file's queue of writers and, once the pool is set up, its writing connection
/// (tests open several databases in one process).
#[derive(Clone, Default)]
struct FileWriter {
    turn: Arc<tokio::sync::Mutex<()>>,
    /// A pool of one connection, opened when first needed, with the main pool's settings.
    connection: Option<AnyPool>,
}

impl FileWriter {
    /// This process's turn to write to the file, in arrival order.
    async fn take_turn(&self) -> sqlx::Result<OwnedMutexGuard<()>> {
        tokio::time::timeout(TURN_TIMEOUT, self.turn.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

fn writers() -> std::sync::MutexGuard<'static, HashMap<String, FileWriter>> {
    static WRITERS: OnceLock<Mutex<HashMap<String, FileWriter>>> = OnceLock::new();
    WRITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn file_writer(pool: &AnyPool) -> FileWriter {
    let file = pool.connect_options().database_url.as_str().to_string();
    writers().entry(file).or_default().clone()
}

/// Gives a SQLite file its writing connection, set up as `connect_with` sets up the pool's (an
/// in-memory database is one per connection, so it keeps writing through its pool).
pub(super) fn open_writer(pool: &AnyPool, mmap_bytes: u64) {
    let options = pool.connect_options();
    if options.database_url.as_str().contains(":memory:") {
        return;
    }
    let writer = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .idle_timeout(WRITER_IDLE)
        .max_lifetime(None)
        .after_connect(move |conn, _| Box::pin(super::sqlite_pragmas(conn, mmap_bytes)))
        .connect_lazy_with((*options).clone());
    let file = options.database_url.as_str().to_string();
    writers().entry(file).or_default().connection = Some(writer);
}
