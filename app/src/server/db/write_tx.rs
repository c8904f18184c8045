//! Write transactions, and on SQLite the queue for the file's one write lock.
//!
//! SQLite lets one connection write at a time. A connection that finds the lock taken waits in
//! SQLite's busy handler, which sleeps and retries (1, 2, 5, … up to 100 ms at a time): under
//! load the lock sat free while the next writer slept, and every writer's latency grew by the
//! sleeps. Here a process's writers queue for the lock on a fair async mutex instead, taken
//! before a connection is, so the next writer starts the moment the last one commits. Writers
//! in other processes (a second node on the same file, the command line) still meet SQLite's
//! own handler.

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
    _turn: Option<OwnedMutexGuard<()>>,
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
    let turn = tokio::time::timeout(TURN_TIMEOUT, turn_for(pool).lock_owned())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?;
    Ok(WriteTx {
        tx: pool.begin_with("BEGIN IMMEDIATE").await?,
        _turn: Some(turn),
    })
}

/// The queue for one database file (tests open several databases in one process).
fn turn_for(pool: &AnyPool) -> Arc<tokio::sync::Mutex<()>> {
    static TURNS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let file = pool.connect_options().database_url.as_str().to_string();
    let mut turns = TURNS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(turns.entry(file).or_default())
}
