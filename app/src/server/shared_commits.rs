//! Writes that share commits. Each write is still its own conditional change with its own
//! outcome, acknowledged only once committed, but one task writes every write of a kind waiting
//! at that moment in one transaction. On SQLite every transaction takes the one write lock in
//! turn (with the telemetry writer) and commits with an `fsync`; at an exam's busiest moments
//! (5,000 candidates saving, or handing in within a second) one transaction each was thousands
//! a second, and shared they are a few.
//!
//! If a shared transaction fails, each of its writes is tried again alone, so one write's
//! failure is never another's. Answer saves (`answer_writer`) and hand-ins (`attempts`) go
//! through here.

use super::db;
use super::ingest::shard_index;
use crate::error::AppError;
use sqlx::AnyPool;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Writes waiting for a writer; past this a write waits for room.
const QUEUE_DEPTH: usize = 8_192;
/// Most writes in one transaction.
const MAX_BATCH: usize = 500;
/// Writers on PostgreSQL, which commits several transactions at once (SQLite has one writer).
const POSTGRES_WRITERS: usize = 4;

/// What storing a batch gives back: each write's outcome, or the error that undid them all.
pub type Stored<'a, O> = Pin<Box<dyn Future<Output = sqlx::Result<Vec<Result<O, AppError>>>> + Send + 'a>>;

/// A write of some kind, made for one exam session.
pub trait Write: Send + Sync + 'static {
    /// Each write's outcome when the transaction commits.
    type Outcome: Send + 'static;

    /// The session it writes for: a session's writes go to one writer, in the order they came,
    /// and sessions' rows are locked in this order on every node.
    fn session_id(&self) -> &str;

    /// Makes the writes in `tx`, each with its own outcome; an error undoes them all.
    fn store<'a>(tx: &'a mut db::WriteTx, writes: &'a [&'a Self]) -> Stored<'a, Self::Outcome>;
}

struct Job<W: Write> {
    write: W,
    reply: oneshot::Sender<Result<W::Outcome, AppError>>,
}

/// The queue of one kind of write. Cheap to clone.
pub struct SharedCommits<W: Write> {
    shards: Vec<mpsc::Sender<Job<W>>>,
}

impl<W: Write> Clone for SharedCommits<W> {
    fn clone(&self) -> Self {
        SharedCommits {
            shards: self.shards.clone(),
        }
    }
}

impl<W: Write> std::fmt::Debug for SharedCommits<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCommits")
            .field("writers", &self.shards.len())
            .finish()
    }
}

impl<W: Write> SharedCommits<W> {
    /// Starts the writing tasks on the current runtime.
    pub fn start(pool: AnyPool) -> SharedCommits<W> {
        let writers = match db::Backend::of_pool(&pool) {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => POSTGRES_WRITERS,
        };
        let shards = (0..writers)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(write_batches(pool.clone(), rx));
                tx
            })
            .collect();
        SharedCommits { shards }
    }

    /// The write's outcome once its transaction has committed.
    pub async fn write(&self, write: W) -> Result<W::Outcome, AppError> {
        let (reply, done) = oneshot::channel();
        let shard = shard_index(write.session_id(), self.shards.len());
        self.shards
            .get(shard)
            .ok_or(AppError::Internal)?
            .send(Job { write, reply })
            .await
            .map_err(|_| AppError::Internal)?;
        done.await.map_err(|_| AppError::Internal)?
    }
}

async fn write_batches<W: Write>(pool: AnyPool, mut rx: mpsc::Receiver<Job<W>>) {
    while let Some(first) = rx.recv().await {
        // The write turn first, then the batch: on SQLite the turn is often behind a telemetry
        // flush, and writes that arrive while this one waits for it go in with it. Gathered
        // before the wait, they waited for this turn and then for the next one of their own.
        let tx = db::begin_write(&pool).await;
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Sessions' rows locked in one order on every node, so two writers never wait on each
        // other in a circle; a session's writes keep their order (the sort is stable).
        batch.sort_by(|a, b| a.write.session_id().cmp(b.write.session_id()));
        let writes: Vec<&W> = batch.iter().map(|j| &j.write).collect();
        match store_and_commit(tx, &writes).await {
            Ok(outcomes) => {
                // Every `store` gives one outcome a write; a write without one (a bug, after
                // the commit, so not to be written again) is answered with an internal error.
                let mut outcomes = outcomes.into_iter();
                for job in batch {
                    let _ = job.reply.send(outcomes.next().unwrap_or(Err(AppError::Internal)));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, writes = batch.len(), "a shared commit failed; writing each alone");
                for job in batch {
                    let tx = db::begin_write(&pool).await;
                    let outcome = match store_and_commit(tx, &[&job.write]).await {
                        Ok(mut one) => one.pop().unwrap_or(Err(AppError::Internal)),
                        Err(e) => Err(AppError::from(e)),
                    };
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Makes the writes in `tx` (once it has begun) and commits them.
async fn store_and_commit<W: Write>(
    tx: sqlx::Result<db::WriteTx>,
    writes: &[&W],
) -> sqlx::Result<Vec<Result<W::Outcome, AppError>>> {
    let mut tx = tx?;
    let outcomes = W::store(&mut tx, writes).await?;
    tx.commit().await?;
    Ok(outcomes)
}
