//! The process's turn to write to a SQLite file, and the connection that writes.

use super::group::Group;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::OwnedMutexGuard;

/// How long a writer waits for its turn: as long as SQLite's busy timeout, after which it
/// would have failed with "database is locked" anyway.
const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// The process's turn to write to a SQLite file. Its debug log (`app::server::db::write_tx`)
/// says how long each writer waited for it and held it, in the writer's span and thread: at
/// an exam's busiest moment every writer queues for this one lock, and the log shows whose
/// turns the others wait through.
pub(super) struct Turn {
    pub(super) guard: OwnedMutexGuard<Group>,
    pub(super) waited: Duration,
    pub(super) since: Instant,
    /// The thread that asked for the turn (it may end on another: see `to_the_end`).
    pub(super) thread: String,
}

impl Drop for Turn {
    fn drop(&mut self) {
        tracing::debug!(
            waited_us = self.waited.as_micros() as u64,
            held_us = self.since.elapsed().as_micros() as u64,
            thread = self.thread.as_str(),
            "write turn"
        );
    }
}

/// How long the writing connection may sit unused before it is closed (a process that opens
/// many databases, as the tests do, does not keep one open for each).
const WRITER_IDLE: Duration = Duration::from_secs(60);

/// One database file's queue of writers and, once the pool is set up, its writing connection
/// (tests open several databases in one process).
#[derive(Clone, Default)]
pub(super) struct FileWriter {
    pub(super) turn: Arc<tokio::sync::Mutex<Group>>,
    /// Writers queued for the turn: while there are some, a finished member leaves its group
    /// open for them.
    pub(super) waiting: Arc<AtomicUsize>,
    /// A pool of one connection, opened when first needed, with the main pool's settings.
    pub(super) connection: Option<AnyPool>,
}

impl FileWriter {
    /// This process's turn to write to the file, in arrival order.
    pub(super) async fn take_turn(&self) -> sqlx::Result<OwnedMutexGuard<Group>> {
        let _queued = Queued::new(&self.waiting);
        tokio::time::timeout(TURN_TIMEOUT, self.turn.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

/// Counts a writer as queued for as long as it waits (also if it gives up).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::AcqRel);
        Queued(waiting)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn writers() -> std::sync::MutexGuard<'static, HashMap<String, FileWriter>> {
    static WRITERS: OnceLock<Mutex<HashMap<String, FileWriter>>> = OnceLock::new();
    WRITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn file_writer(pool: &AnyPool) -> FileWriter {
    let file = pool.connect_options().database_url.as_str().to_string();
    writers().entry(file).or_default().clone()
}

/// Gives a SQLite file its writing connection, set up as `connect_with` sets up the pool's (an
/// in-memory database is one per connection, so it keeps writing through its pool).
pub(in crate::server::db) fn open_writer(pool: &AnyPool, mmap_bytes: u64, cache_kib: Option<u64>) {
    let options = pool.connect_options();
    if options.database_url.as_str().contains(":memory:") {
        return;
    }
    let writer = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .idle_timeout(WRITER_IDLE)
        .max_lifetime(None)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                super::super::sqlite_pragmas(conn, mmap_bytes).await?;
                if let Some(kib) = cache_kib {
                    // A number, not user text: PRAGMA takes no bound parameters.
                    sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect_lazy_with((*options).clone());
    let file = options.database_url.as_str().to_string();
    writers().entry(file).or_default().connection = Some(writer);
}
