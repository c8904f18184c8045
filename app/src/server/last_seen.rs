//! When each sign-in session was last used (for the idle timeout), written off the request
//! path and in batches: a request only queues its session, and one task writes all that are
//! queued in one transaction. At an exam's start thousands of candidates' first requests each
//! marked their session used, one write each; on SQLite each waited for the single write lock
//! behind telemetry flushes, and the exam page waited with it.

use super::db;
use sqlx::AnyPool;
use std::collections::HashMap;
use tokio::sync::mpsc;

/// Sessions waiting to be written; past this a mark is dropped (the session's next request
/// queues it again, and an idle timeout is minutes long).
const QUEUE_DEPTH: usize = 16_384;
/// Most sessions written in one transaction.
const MAX_BATCH: usize = 2_000;

#[derive(Debug, Clone)]
pub struct Recorder {
    tx: mpsc::Sender<(String, i64)>,
}

impl Recorder {
    /// Starts the writing task on the current runtime.
    pub fn start(pool: AnyPool) -> Recorder {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(write(pool, rx));
        Recorder { tx }
    }

    /// Marks `session_id` used at `now`, soon.
    pub fn record(&self, session_id: &str, now: i64) {
        if self.tx.try_send((session_id.to_string(), now)).is_err() {
            tracing::debug!("last-use queue full; the session's next request marks it again");
        }
    }
}

async fn write(pool: AnyPool, mut rx: mpsc::Receiver<(String, i64)>) {
    while let Some((id, at)) = rx.recv().await {
        let mut batch: HashMap<String, i64> = HashMap::from([(id, at)]);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok((id, at)) => {
                    let latest = batch.entry(id).or_insert(at);
                    *latest = (*latest).max(at);
                }
                Err(_) => break,
            }
        }
        let written = async {
            let mut tx = db::begin_write(&pool).await?;
            for (id, at) in &batch {
                db::sessions::touch(&mut *tx, id, *at).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = written {
            // Lost marks only make a session look idle sooner, never let one live longer.
            tracing::warn!(error = %e, sessions = batch.len(), "could not mark sessions used");
        }
    }
}
