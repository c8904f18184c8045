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
//!
//! And writers whose turns follow each other share one commit (`group::Group`): a commit is an
//! `fsync`, and it was most of a short writer's turn.

mod group;
mod turn;

pub use group::{set_commit_window, SQLITE_COMMIT_WINDOW_MS};
pub(super) use turn::open_writer;

use super::Backend;
use group::{commit_group, join_group, settle, to_the_end, Member};
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::time::Instant;
use turn::{file_writer, Turn};

/// A transaction that writes. On PostgreSQL (and a SQLite database in memory) it is a
/// transaction of its own; on a SQLite file it is one member of a commit group (see `group::Group`),
/// holding the process's turn to write until it ends.
pub struct WriteTx {
    inner: Inner,
}

enum Inner {
    Own {
        tx: Transaction<'static, Any>,
        _turn: Option<Turn>,
    },
    Member(Member),
}

impl WriteTx {
    /// Commits this writer's changes: returns once they are on disk.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.inner {
            Inner::Own { tx, _turn } => tx.commit().await,
            Inner::Member(member) => member.end(group::RELEASE, true).await,
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.inner {
            Inner::Own { tx, _turn } => tx.rollback().await,
            Inner::Member(member) => member.end(group::UNDO, false).await,
        }
    }
}

// A member holds its connection from `begin_write` until it is consumed by commit or rollback.
const HELD: &str = "a write transaction's connection is held until it ends";

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.inner {
            Inner::Own { tx, .. } => tx,
            Inner::Member(member) => member.conn().expect(HELD),
        }
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            Inner::Own { tx, .. } => tx,
            Inner::Member(member) => member.conn_mut().expect(HELD),
        }
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later cannot wait for the
/// lock once another writer has committed, and would fail with "database is locked".
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<WriteTx> {
    if Backend::of_pool(pool) != Backend::Sqlite {
        return Ok(WriteTx {
            inner: Inner::Own {
                tx: pool.begin().await?,
                _turn: None,
            },
        });
    }
    let file = file_writer(pool);
    let asked = Instant::now();
    let guard = file.take_turn().await?;
    let turn = Turn {
        guard,
        waited: asked.elapsed(),
        since: Instant::now(),
        thread: std::thread::current().name().unwrap_or("-").to_string(),
    };
    let Some(writer) = file.connection.clone() else {
        // In memory: the pool's own transaction, one at a time.
        return Ok(WriteTx {
            inner: Inner::Own {
                tx: pool.begin_with("BEGIN IMMEDIATE").await?,
                _turn: Some(turn),
            },
        });
    };
    let member = to_the_end(join_group(turn, writer, file)).await?;
    Ok(WriteTx {
        inner: Inner::Member(member),
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
    let turn = file.take_turn().await?;
    // A commit group left open (its writers gone before the turn reached them) ends here.
    let _turn = to_the_end(async move {
        let mut group = turn;
        if settle(&mut group).await.is_ok() {
            commit_group(&mut group).await;
        }
        Ok(group)
    })
    .await?;
    let on = file.connection.as_ref().unwrap_or(pool);
    let started = Instant::now();
    let (_, log, copied) = passive_checkpoint(on).await?;
    tracing::debug!(
        log,
        copied,
        ms = started.elapsed().as_millis() as u64,
        "checkpoint between writes"
    );
    Ok(())
}

/// A `PASSIVE` checkpoint of the pool's own file (not of a file its connections attach):
/// whether it was blocked, the log's size and how much of it is now in the database file
/// (pages).
pub async fn passive_checkpoint(on: &AnyPool) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as("PRAGMA main.wal_checkpoint(PASSIVE)")
        .fetch_one(on)
        .await
}
