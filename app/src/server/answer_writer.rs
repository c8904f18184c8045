//! Answer saves share commits. Each save is still its own conditional write (the attempt must
//! be open, and an older version never replaces a newer one) and is acknowledged only once
//! committed, but one task writes every save waiting at that moment in one transaction. At 5,000
//! candidates saving every 10 s that is 500 commits a second, each taking SQLite's one write
//! lock in turn with the telemetry writer; shared, they take it a few times a second.
//!
//! If a shared transaction fails, each of its saves is tried again alone, so one save's failure
//! is never another's.

use super::attempts::closed_reason;
use super::db;
use super::ingest::shard_index;
use crate::error::AppError;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// Saves waiting for a writer; past this a save waits for room (the candidate's page shows
/// "Saving…" meanwhile and keeps the answer in the browser).
const QUEUE_DEPTH: usize = 8_192;
/// Most saves in one transaction.
const MAX_BATCH: usize = 500;

/// One answer to store.
#[derive(Debug, Clone)]
pub struct Save {
    pub session_id: String,
    pub user_id: String,
    pub deadline_at: i64,
    pub question_id: String,
    pub value: String,
    pub version: i64,
    pub now: i64,
}

struct Job {
    save: Save,
    reply: oneshot::Sender<Result<(), AppError>>,
}

/// Writers on PostgreSQL, which commits several transactions at once (SQLite has one writer).
const POSTGRES_WRITERS: usize = 4;

#[derive(Debug, Clone)]
pub struct AnswerWriter {
    shards: Vec<mpsc::Sender<Job>>,
}

impl AnswerWriter {
    /// Starts the writing tasks on the current runtime; a session's saves always go to the
    /// same one, in the order they came.
    pub fn start(pool: AnyPool) -> AnswerWriter {
        let writers = match db::Backend::of_pool(&pool) {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => POSTGRES_WRITERS,
        };
        let shards = (0..writers)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(write(pool.clone(), rx));
                tx
            })
            .collect();
        AnswerWriter { shards }
    }

    /// Stores the answer once its transaction commits; refused (409) if the attempt is no
    /// longer open.
    pub async fn save(&self, save: Save) -> Result<(), AppError> {
        let (reply, done) = oneshot::channel();
        self.shards[shard_index(&save.session_id, self.shards.len())]
            .send(Job { save, reply })
            .await
            .map_err(|_| AppError::Internal)?;
        done.await.map_err(|_| AppError::Internal)?
    }
}

async fn write(pool: AnyPool, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Sessions' rows locked in one order on every node, so two writers never wait on each
        // other in a circle; a session's saves keep their order.
        batch.sort_by(|a, b| a.save.session_id.cmp(&b.save.session_id));
        let saves: Vec<&Save> = batch.iter().map(|j| &j.save).collect();
        match store(&pool, &saves).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, saves = batch.len(), "a shared answer commit failed; saving each alone");
                for job in batch {
                    let outcome = match store(&pool, &[&job.save]).await {
                        Ok(mut one) => one.pop().unwrap_or(Err(AppError::Internal)),
                        Err(e) => Err(AppError::from(e)),
                    };
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Writes the saves in one transaction: each one's outcome, or the error that undid them all.
/// Each save's first statement takes its session's row, so a save racing a submission (the
/// candidate's or the deadline job's) either lands before it is graded or is refused.
async fn store(pool: &AnyPool, saves: &[&Save]) -> sqlx::Result<Vec<Result<(), AppError>>> {
    let mut tx = db::begin_write(pool).await?;
    let mut outcomes = Vec::with_capacity(saves.len());
    for s in saves {
        if !db::exam_sessions::lock_open_for_save(&mut *tx, &s.session_id, &s.user_id, s.now).await? {
            outcomes.push(Err(AppError::Conflict(
                closed_reason(s.now, s.deadline_at).into(),
            )));
            continue;
        }
        db::answers::upsert(
            &mut *tx,
            &s.session_id,
            &s.question_id,
            &s.value,
            s.version,
            s.now,
        )
        .await?;
        outcomes.push(Ok(()));
    }
    tx.commit().await?;
    Ok(outcomes)
}
