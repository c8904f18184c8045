//! Telemetry ingest. Connections (WebSocket or HTTP) check and validate a batch, then hand it
//! to the one writer task, which stores the batches of many sessions together: one transaction
//! and a few multi-row INSERTs per flush instead of one transaction per event, which is what
//! lets a single database keep up with thousands of candidates. A batch is stored whole or not
//! at all (its flush commits or rolls back as one) and idempotently on (session, sequence).
//! After the commit, rules run on the new events, flags are written and reviewers are told.

use super::db::{self, events::NewEvent, exam_sessions::TelemetryTarget};
use super::{new_id, now_ms, AppState};
use crate::error::AppError;
use shared::rules::{self, RulesState, StoredEvent, Thresholds};
use shared::telemetry::{validate_batch, Envelope};
use shared::{Sensitivity, SessionStatus, Severity};
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};
use tokio::sync::{broadcast, mpsc, oneshot};

/// Most events one flush stores.
const MAX_FLUSH_EVENTS: usize = 5_000;
/// Writers (and so concurrent transactions) on PostgreSQL.
const POSTGRES_WRITERS: usize = 4;
/// Batches waiting for a writer; a full queue makes connections wait (back-pressure).
const QUEUE_DEPTH: usize = 4_096;
/// Rules state is kept for this many sessions before the cache starts over (it is rebuilt
/// from stored events on demand, so forgetting costs time, never correctness).
const MAX_CACHED_SESSIONS: usize = 100_000;

/// Told to reviewers when a session gets new flags.
#[derive(Debug, Clone)]
pub struct FlagNotice {
    pub org_id: String,
    pub session_id: String,
    pub new_flags: usize,
}

/// A session the caller may stream telemetry for.
#[derive(Debug, Clone)]
pub struct StreamTarget {
    pub session_id: String,
    pub org_id: String,
    pub thresholds: Thresholds,
}

struct Job {
    target: StreamTarget,
    events: Vec<Envelope>,
    reply: oneshot::Sender<Result<(), AppError>>,
}

/// Hands batches to the writers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Ingestor {
    shards: Vec<mpsc::Sender<Job>>,
    pub notices: broadcast::Sender<FlagNotice>,
}

impl Ingestor {
    /// Starts the writers on the current tokio runtime: one for SQLite, which has a single
    /// writer anyway; several for PostgreSQL, so one flush inserts while another waits for its
    /// commit to reach the disk. A session always goes to the same writer, which keeps its
    /// events in order and its rules state in one place.
    pub fn start(pool: AnyPool) -> Ingestor {
        let writers = match db::Backend::of_pool(&pool) {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => POSTGRES_WRITERS,
        };
        let (notices, _) = broadcast::channel(1_024);
        let shards = (0..writers)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(writer(pool.clone(), rx, notices.clone()));
                tx
            })
            .collect();
        Ingestor { shards, notices }
    }

    fn shard(&self, session_id: &str) -> &mpsc::Sender<Job> {
        let hash = session_id
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        &self.shards[(hash % self.shards.len() as u64) as usize]
    }

    /// Stores a validated batch; returns once it is committed.
    pub async fn store(&self, target: &StreamTarget, events: Vec<Envelope>) -> Result<(), AppError> {
        let (reply, done) = oneshot::channel();
        let job = Job {
            target: target.clone(),
            events,
            reply,
        };
        self.shard(&target.session_id)
            .send(job)
            .await
            .map_err(|_| AppError::Internal)?;
        done.await.map_err(|_| AppError::Internal)?
    }
}

/// The candidate's own proctored session that is still open for telemetry, or why not.
pub async fn stream_target(
    state: &AppState,
    user_id: &str,
    session_id: &str,
) -> Result<StreamTarget, AppError> {
    let t: TelemetryTarget = db::exam_sessions::telemetry_target(&state.pool, session_id)
        .await?
        .filter(|t| t.user_id == user_id)
        // Someone else's session looks the same as no session: nothing to learn from probing.
        .ok_or(AppError::Forbidden)?;
    let status: SessionStatus = t.status.parse().map_err(|_| AppError::Internal)?;
    if !is_open(status) || t.submitted_at.is_some() {
        return Err(AppError::Conflict("This exam session has ended.".into()));
    }
    if t.proctoring_enabled == 0 {
        return Err(AppError::Conflict("This exam is not proctored.".into()));
    }
    let sensitivity: Sensitivity = t.sensitivity.parse().unwrap_or(Sensitivity::Medium);
    Ok(StreamTarget {
        session_id: t.id,
        org_id: t.org_id,
        thresholds: Thresholds::for_sensitivity(sensitivity),
    })
}

pub fn is_open(status: SessionStatus) -> bool {
    matches!(
        status,
        SessionStatus::InProgress | SessionStatus::Flagged | SessionStatus::UnderReview
    )
}

/// Validates `batch` for `target` given what the server already holds (`stored_seq`), and
/// stores it. Returns the sequence number everything up to which is now stored.
pub async fn accept(
    ingestor: &Ingestor,
    target: &StreamTarget,
    stored_seq: i64,
    batch: Vec<Envelope>,
) -> Result<i64, AppError> {
    validate_batch(&target.session_id, &batch, now_ms()).map_err(|e| AppError::Invalid(e.to_string()))?;
    let (first, last) = match (batch.first(), batch.last()) {
        (Some(f), Some(l)) => (f.seq, l.seq),
        _ => return Err(AppError::Invalid("the batch is empty".into())),
    };
    if first > stored_seq + 1 {
        return Err(AppError::Invalid(format!(
            "events are missing: expected sequence {} next, got {first}",
            stored_seq + 1
        )));
    }
    if last <= stored_seq {
        // A re-send of what is already stored: acknowledge without touching the database.
        return Ok(stored_seq);
    }
    ingestor.store(target, batch).await?;
    Ok(last.max(stored_seq))
}

async fn writer(pool: AnyPool, mut rx: mpsc::Receiver<Job>, notices: broadcast::Sender<FlagNotice>) {
    let mut cache: HashMap<String, RulesState> = HashMap::new();
    while let Some(first) = rx.recv().await {
        let mut size = first.events.len();
        let mut jobs = vec![first];
        while size < MAX_FLUSH_EVENTS {
            match rx.try_recv() {
                Ok(job) => {
                    size += job.events.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        if cache.len() > MAX_CACHED_SESSIONS {
            cache.clear();
        }
        let started = std::time::Instant::now();
        let result = flush(&pool, &mut cache, &jobs).await;
        tracing::debug!(
            batches = jobs.len(),
            events = size,
            ms = started.elapsed().as_millis() as u64,
            "flush"
        );
        match result {
            Ok(raised) => {
                for notice in raised {
                    // Nobody listening is fine: reviewers also see flags when they load the page.
                    let _ = notices.send(notice);
                }
                for job in jobs {
                    let _ = job.reply.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batches = jobs.len(), "telemetry flush failed; clients will re-send");
                for job in &jobs {
                    cache.remove(&job.target.session_id);
                }
                for job in jobs {
                    let _ = job.reply.send(Err(AppError::Internal));
                }
            }
        }
    }
}

/// Stores every job's events in one transaction, runs the rules on what was new, writes flags.
async fn flush(
    pool: &AnyPool,
    cache: &mut HashMap<String, RulesState>,
    jobs: &[Job],
) -> Result<Vec<FlagNotice>, sqlx::Error> {
    let now = now_ms();
    let mut rows = Vec::new();
    for job in jobs {
        for e in &job.events {
            let payload_json =
                serde_json::to_string(&e.kind).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
            rows.push(NewEvent {
                id: new_id(),
                envelope: e,
                payload_json,
            });
        }
    }
    let backend = db::Backend::of_pool(pool);
    let mut tx = db::begin_write(pool).await?;
    // Ids of the rows that were not stored before (the ids are new, so present means inserted).
    let mut fresh: HashSet<&str> = HashSet::with_capacity(rows.len());
    for chunk in rows.chunks(db::events::INSERT_CHUNK) {
        let inserted = db::events::insert_many(&mut *tx, backend, chunk, now).await?;
        if inserted as usize == chunk.len() {
            fresh.extend(chunk.iter().map(|r| r.id.as_str()));
        } else if inserted > 0 {
            let ids: Vec<&str> = chunk.iter().map(|r| r.id.as_str()).collect();
            let stored = db::events::present(&mut *tx, &ids).await?;
            let stored: HashSet<&str> = stored.iter().map(String::as_str).collect();
            fresh.extend(ids.into_iter().filter(|id| stored.contains(id)));
        }
    }
    let mut notices = Vec::new();
    let mut offset = 0;
    for job in jobs {
        let sid = job.target.session_id.as_str();
        // Rows were built job by job, event by event.
        let job_rows = &rows[offset..offset + job.events.len()];
        offset += job.events.len();
        let new_events: Vec<StoredEvent> = job_rows
            .iter()
            .filter(|r| fresh.contains(r.id.as_str()))
            .map(|r| StoredEvent {
                id: r.id.clone(),
                seq: r.envelope.seq,
                client_ms: r.envelope.client_ms,
                kind: r.envelope.kind.clone(),
            })
            .collect();
        let Some(first_new) = new_events.first() else {
            continue;
        };
        let state = cache.entry(sid.to_string()).or_default();
        if state.last_seq + 1 != first_new.seq {
            // Cold cache, or the session streamed through another node: replay what is stored.
            *state = RulesState::default();
            let before = db::events::range(&mut *tx, sid, 1, first_new.seq - 1).await?;
            let replay: Vec<StoredEvent> = before.iter().filter_map(|r| r.to_stored()).collect();
            rules::evaluate(&job.target.thresholds, state, &replay);
        }
        let mut flags = rules::evaluate(&job.target.thresholds, state, &new_events);
        // A silence the watch already flagged (naming its last event) is not flagged again.
        for i in (0..flags.len()).rev() {
            let f = &flags[i];
            let Some(last_heard) = f.evidence.first() else {
                continue;
            };
            if f.flag_type == shared::FlagType::TelemetryGap
                && db::flags::silence_flagged(&mut *tx, sid, last_heard).await?
            {
                flags.remove(i);
            }
        }
        if flags.is_empty() {
            continue;
        }
        for f in &flags {
            db::flags::insert(&mut *tx, sid, f, now).await?;
        }
        let open: Vec<Severity> = db::flags::open_severities(&mut *tx, sid)
            .await?
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        let risk = shared::domain::risk_score(open.iter().copied());
        db::exam_sessions::update_risk(&mut *tx, sid, risk, !open.is_empty()).await?;
        tracing::info!(session_id = sid, new_flags = flags.len(), "flags raised");
        notices.push(FlagNotice {
            org_id: job.target.org_id.clone(),
            session_id: sid.to_string(),
            new_flags: flags.len(),
        });
    }
    if let Err(e) = tx.commit().await {
        // The rules state advanced for events that are not stored after all.
        for job in jobs {
            cache.remove(&job.target.session_id);
        }
        return Err(e);
    }
    Ok(notices)
}
