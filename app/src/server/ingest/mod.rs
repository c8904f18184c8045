//! Telemetry ingest. Connections (WebSocket or HTTP) check and validate a batch, then hand it
//! to the one writer task, which stores the batches of many sessions together: one transaction
//! and a few multi-row INSERTs per flush instead of one transaction per event, which is what
//! lets a single database keep up with thousands of candidates. A batch is stored whole or not
//! at all (its flush commits or rolls back as one) and idempotently on (session, sequence).
//! After the commit, rules run on the new events, flags are written and reviewers are told.
//!
//! Here: what a connection checks before a batch goes to the writer ([`accept`]); the writer's
//! loop is in [`writer`], what one flush stores in [`flush`].

mod flush;
mod writer;

use super::bus::{Bus, NoticeKind};
use super::db::{self, exam_sessions::TelemetryTarget};
use super::{flagging, now_ms, AppState};
use crate::error::AppError;
use shared::exam_plan::CameraPolicy;
use shared::rules::{NewFlag, Relaxations, Thresholds};
use shared::telemetry::{validate_batch, Envelope};
use shared::{FlagType, Sensitivity, SessionStatus, Severity};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// Writers (and so concurrent transactions) on PostgreSQL.
const POSTGRES_WRITERS: usize = 4;
/// Batches waiting for a writer; a full queue makes connections wait (back-pressure).
const QUEUE_DEPTH: usize = 4_096;

/// How much one session may send. The rate holds per session across every connection, the
/// beacon and every node (the bucket is kept in the database, taken from in the same
/// transaction that stores the batch); the cap bounds what one attempt can make the server
/// store.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sustained events per second…
    pub rate_per_sec: i64,
    /// …with bursts up to this many (a reconnect re-sends what queued up while offline).
    pub burst: i64,
    /// Most events stored for one session.
    pub max_events_per_session: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rate_per_sec: 50,
            burst: 2_000,
            max_events_per_session: 100_000,
        }
    }
}

/// The note on the flag raised when a session reaches its cap.
const CAP_NOTE: &str = "The browser sent more events than one attempt may store; later events were refused.";

/// A session the caller may stream telemetry for.
#[derive(Debug, Clone)]
pub struct StreamTarget {
    pub session_id: String,
    pub org_id: String,
    pub thresholds: Thresholds,
    /// Whether the exam counts faces: camera events of any other exam are refused.
    pub camera: CameraPolicy,
}

struct Job {
    target: StreamTarget,
    events: Vec<Envelope>,
    reply: oneshot::Sender<Result<(), AppError>>,
}

/// Which of `shards` writers (at least one) takes a session's work: always the same one.
pub(crate) fn shard_index(session_id: &str, shards: usize) -> usize {
    let hash = session_id
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    (hash % shards.max(1) as u64) as usize
}

/// Hands batches to the writers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Ingestor {
    shards: Vec<mpsc::Sender<Job>>,
    /// Where reviewers' notices and ended attempts are announced to every node.
    pub bus: Bus,
    pool: AnyPool,
    limits: Limits,
}

impl Ingestor {
    /// Starts the writers on the current tokio runtime: one for SQLite, which has a single
    /// writer anyway; several for PostgreSQL, so one flush inserts while another waits for its
    /// commit to reach the disk. A session always goes to the same writer, which keeps its
    /// events in order and its rules state in one place.
    pub fn start(pool: AnyPool, limits: Limits, bus: Bus) -> Ingestor {
        let backend = db::Backend::of_pool(&pool);
        let writers = match backend {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => POSTGRES_WRITERS,
        };
        let shards = (0..writers)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                let work = writer::run(pool.clone(), rx, bus.clone(), limits);
                match backend {
                    db::Backend::Sqlite => writer::spawn_on_own_thread(work),
                    db::Backend::Postgres => {
                        tokio::spawn(work);
                    }
                }
                tx
            })
            .collect();
        Ingestor {
            shards,
            bus,
            pool,
            limits,
        }
    }

    /// Tells reviewers on every node something changed; nobody listening is fine.
    pub fn notify(&self, org_id: &str, session_id: &str, what: NoticeKind) {
        self.bus.review(org_id, session_id, what);
    }

    /// The attempt ended: its telemetry sockets close, on whichever node they are.
    pub fn end_session(&self, session_id: &str) {
        self.bus.announce(super::bus::Announcement::AttemptEnded {
            session_id: session_id.to_string(),
        });
    }

    fn shard(&self, session_id: &str) -> &mpsc::Sender<Job> {
        &self.shards[shard_index(session_id, self.shards.len())]
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
    let relaxations: Relaxations = serde_json::from_str(&t.relaxations_json).unwrap_or_default();
    // A value this build does not know reads as on: its camera events are then taken, as
    // the exam's page sends them, rather than refused.
    let camera = t.camera_policy.parse().unwrap_or(CameraPolicy::FlagIfMissing);
    Ok(StreamTarget {
        session_id: t.id,
        org_id: t.org_id,
        thresholds: Thresholds::for_sensitivity(sensitivity)
            .expecting_camera(camera.is_on())
            .relaxed(&relaxations),
        camera,
    })
}

pub fn is_open(status: SessionStatus) -> bool {
    status == SessionStatus::InProgress
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
    if !target.camera.is_on() {
        if let Some(e) = batch.iter().find(|e| e.kind.is_camera()) {
            return Err(AppError::Invalid(format!(
                "event {}: this exam does not use the camera; camera events are refused",
                e.seq
            )));
        }
    }
    let (first, last) = match (batch.first(), batch.last()) {
        (Some(f), Some(l)) => (f.seq, l.seq),
        _ => return Err(AppError::Invalid("the batch is empty".into())),
    };
    let mut stored_seq = stored_seq;
    if first > stored_seq.saturating_add(1) {
        // What the caller last knew may be behind: the session's events may have gone through
        // another connection or node since. Only the database can say something is missing.
        stored_seq = db::events::max_seq(&ingestor.pool, &target.session_id).await?;
        let next = stored_seq.saturating_add(1);
        if first > next {
            return Err(AppError::Invalid(format!(
                "events are missing: expected sequence {next} next, got {first}"
            )));
        }
    }
    if last <= stored_seq {
        // A re-send of what is already stored: acknowledge without touching the database.
        return Ok(stored_seq);
    }
    // Sequence numbers are contiguous from 1, so the last one is the count stored.
    let cap = ingestor.limits.max_events_per_session;
    if last > cap {
        ingestor.flag_cap_reached(target).await?;
        return Err(AppError::TooManyRequests(format!(
            "this session has reached its limit of {cap} stored events; further events are refused"
        )));
    }
    // The writer takes the batch from the session's bucket as it stores it, and refuses it
    // when the bucket is empty.
    ingestor.store(target, batch).await?;
    Ok(last.max(stored_seq))
}

impl Ingestor {
    /// Raises the session's one "event cap reached" flag, if it has not been raised yet.
    async fn flag_cap_reached(&self, target: &StreamTarget) -> Result<(), AppError> {
        let mut tx = db::begin_write(&self.pool).await?;
        let sid = target.session_id.as_str();
        let flag = NewFlag {
            flag_type: FlagType::SuspiciousActivity,
            severity: Severity::Medium,
            evidence: Vec::new(),
        };
        let key = db::flags::once::EVENT_CAP.to_string();
        let raised = flagging::raise_once(&mut tx, sid, &flag, CAP_NOTE, key, now_ms()).await?;
        tx.commit().await?;
        if !raised {
            return Ok(());
        }
        tracing::warn!(session_id = sid, "telemetry event cap reached");
        self.notify(&target.org_id, sid, NoticeKind::Flag);
        Ok(())
    }
}
