//! Telemetry ingest. Connections (WebSocket or HTTP) check and validate a batch, then hand it
//! to the one writer task, which stores the batches of many sessions together: one transaction
//! and a few multi-row INSERTs per flush instead of one transaction per event, which is what
//! lets a single database keep up with thousands of candidates. A batch is stored whole or not
//! at all (its flush commits or rolls back as one) and idempotently on (session, sequence).
//! After the commit, rules run on the new events, flags are written and reviewers are told.

use super::bus::{Bus, NoticeKind, ReviewNotice};
use super::db::{self, events::NewEvent, exam_sessions::TelemetryTarget, flags::FlagInsert};
use super::{flagging, new_id, now_ms, AppState};
use crate::error::AppError;
use shared::exam_plan::CameraPolicy;
use shared::rules::{self, NewFlag, Relaxations, RulesState, StoredEvent, Thresholds};
use shared::telemetry::{validate_batch, Envelope};
use shared::{FlagType, Sensitivity, SessionStatus, Severity};
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering::Relaxed;
use tokio::sync::{mpsc, oneshot};

/// Most events one flush stores. A flush's fixed costs (its wait for SQLite's write lock, its
/// commit) were half of a 5,000-event flush under 5,000 candidates; a writer that fell behind
/// and kept flushing 5,000 at a time never caught up, where a larger flush clears the backlog.
const MAX_FLUSH_EVENTS: usize = 20_000;
/// Writers (and so concurrent transactions) on PostgreSQL.
const POSTGRES_WRITERS: usize = 4;
/// Batches waiting for a writer; a full queue makes connections wait (back-pressure).
const QUEUE_DEPTH: usize = 4_096;
/// Rules state is kept for this many sessions before the cache starts over (it is rebuilt
/// from stored events on demand, so forgetting costs time, never correctness).
const MAX_CACHED_SESSIONS: usize = 100_000;

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
                let work = writer(pool.clone(), rx, bus.clone(), limits);
                match backend {
                    db::Backend::Sqlite => spawn_on_own_thread(work),
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

/// Runs SQLite's writer on a thread of its own. On the shared runtime each statement of a
/// flush, handed to the connection's thread and back, waited behind thousands of socket tasks
/// for its next turn, and the one writer idled between statements while batches queued. (A
/// SQLite connection is a thread reached by channels, so it serves any runtime; PostgreSQL's
/// writers stay on the shared runtime, whose I/O driver their connections are registered with.)
fn spawn_on_own_thread(work: impl std::future::Future<Output = ()> + Send + 'static) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::warn!(error = %e, "no runtime for the telemetry writer's thread; it shares the server's");
            tokio::spawn(work);
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("telemetry-writer".into())
        .spawn(move || runtime.block_on(work));
    if let Err(e) = spawned {
        // Batches then fail with an internal error, and clients keep and re-send them.
        tracing::error!(error = %e, "cannot start the telemetry writer's thread");
    }
}

async fn writer(pool: AnyPool, mut rx: mpsc::Receiver<Job>, bus: Bus, limits: Limits) {
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
        let result = flush(&pool, &mut cache, &jobs, limits).await;
        let metrics = super::metrics::get();
        metrics.telemetry_flush_seconds.observe(started.elapsed());
        let ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(flushed) => {
                let s = &flushed.stages;
                tracing::debug!(
                    batches = jobs.len(),
                    events = size,
                    ms,
                    prepare_ms = s.prepare as u64,
                    lock_ms = s.lock as u64,
                    buckets_ms = s.buckets as u64,
                    insert_ms = s.insert as u64,
                    rules_ms = s.rules as u64,
                    commit_ms = s.commit as u64,
                    "flush"
                );
                let stored = flushed.stored.iter().filter(|s| **s).count() as u64;
                metrics.telemetry_batches_stored.fetch_add(stored, Relaxed);
                metrics
                    .telemetry_batches_over_rate
                    .fetch_add(flushed.stored.len() as u64 - stored, Relaxed);
                metrics
                    .telemetry_events_stored
                    .fetch_add(flushed.fresh_events, Relaxed);
                metrics.flags_raised.fetch_add(flushed.flags_raised, Relaxed);
                for notice in flushed.notices {
                    // Nobody listening is fine: reviewers also see flags when they load the page.
                    bus.announce(super::bus::Announcement::Review(notice));
                }
                for (job, stored) in jobs.into_iter().zip(flushed.stored) {
                    let reply = if stored {
                        Ok(())
                    } else {
                        Err(AppError::TooManyRequests(format!(
                            "too many events: at most {} per second for this session; slow down and re-send",
                            limits.rate_per_sec
                        )))
                    };
                    let _ = job.reply.send(reply);
                }
            }
            Err(e) => {
                metrics.telemetry_flushes_failed.fetch_add(1, Relaxed);
                tracing::error!(error = %e, batches = jobs.len(), ms, "telemetry flush failed; clients will re-send");
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

/// What a rule's flag is raised for, stored with a unique key, so the same events never raise
/// it twice (say, when two nodes both see them after a reconnect). A silence is keyed like the
/// silence watch keys it (naming the last event heard), so it is flagged once whichever of the
/// two sees it first.
fn rule_once_key(flag: &NewFlag) -> Option<String> {
    let first = flag.evidence.first()?;
    if flag.flag_type == FlagType::TelemetryGap {
        return Some(db::flags::once::silence_after(first));
    }
    Some(db::flags::once::rule(flag.flag_type.as_str(), &flag.evidence))
}

/// What one flush did.
struct Flushed {
    /// For reviewers: sessions with new flags.
    notices: Vec<ReviewNotice>,
    /// For each job, whether its session's bucket held its events (else nothing was stored).
    stored: Vec<bool>,
    /// Events stored now (not before).
    fresh_events: u64,
    flags_raised: u64,
    /// Where the flush's time went, for the debug log.
    stages: Stages,
}

/// Milliseconds each stage of a flush took.
#[derive(Debug, Default)]
struct Stages {
    prepare: u128,
    lock: u128,
    buckets: u128,
    insert: u128,
    rules: u128,
    commit: u128,
}

/// Stores every job's events in one transaction, runs the rules on what was new, writes flags.
async fn flush(
    pool: &AnyPool,
    cache: &mut HashMap<String, RulesState>,
    jobs: &[Job],
    limits: Limits,
) -> Result<Flushed, sqlx::Error> {
    let now = now_ms();
    let backend = db::Backend::of_pool(pool);
    let mut stages = Stages::default();
    let mut clock = std::time::Instant::now();
    let mut lap = || {
        let ms = clock.elapsed().as_millis();
        clock = std::time::Instant::now();
        ms
    };
    // Rows are made before the write lock is taken: serialising payloads and minting ids is
    // this flush's own work, and no other writer should wait for it.
    let mut prepared: Vec<Vec<NewEvent>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut made = Vec::with_capacity(job.events.len());
        for e in &job.events {
            let payload_json =
                serde_json::to_string(&e.kind).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
            made.push(NewEvent {
                id: new_id(),
                envelope: e,
                payload_json,
            });
        }
        prepared.push(made);
    }
    stages.prepare = lap();
    let mut tx = db::begin_write(pool).await?;
    stages.lock = lap();
    // Buckets first, in session order: writers on other nodes lock the same rows in the same
    // order, so two flushes never wait on each other in a circle.
    let rate = db::telemetry_buckets::Rate {
        burst_milli: limits.burst.saturating_mul(1_000),
        per_ms_milli: limits.rate_per_sec,
    };
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|a, b| jobs[*a].target.session_id.cmp(&jobs[*b].target.session_id));
    // Round k holds each session's k-th job (nearly always there is one round): one statement
    // takes for every session of a round, and cannot change a session's row twice.
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    let mut previous: Option<&str> = None;
    let mut k = 0;
    for i in order {
        let sid = jobs[i].target.session_id.as_str();
        k = if previous == Some(sid) { k + 1 } else { 0 };
        previous = Some(sid);
        if rounds.len() <= k {
            rounds.push(Vec::new());
        }
        rounds[k].push(i);
    }
    let mut stored = vec![false; jobs.len()];
    for round in &rounds {
        let claims: Vec<db::telemetry_buckets::Claim> = round
            .iter()
            .map(|&i| db::telemetry_buckets::Claim {
                session_id: &jobs[i].target.session_id,
                events: i64::try_from(jobs[i].events.len()).unwrap_or(i64::MAX),
            })
            .collect();
        let taken: HashSet<String> = db::telemetry_buckets::take_many(&mut tx, &claims, rate, now)
            .await?
            .into_iter()
            .collect();
        for &i in round {
            stored[i] = taken.contains(&jobs[i].target.session_id);
        }
    }
    stages.buckets = lap();
    let rows: Vec<NewEvent> = prepared
        .into_iter()
        .zip(&stored)
        .filter(|(_, ok)| **ok)
        .flat_map(|(made, _)| made)
        .collect();
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
    stages.insert = lap();
    let mut notices = Vec::new();
    let mut flags_raised = 0;
    let mut offset = 0;
    for (job, _) in jobs.iter().zip(&stored).filter(|(_, ok)| **ok) {
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
        if state.last_seq.saturating_add(1) != first_new.seq {
            // Cold cache, or the session streamed through another node: replay what is stored.
            *state = RulesState::default();
            let before = db::events::range(&mut *tx, sid, 1, first_new.seq.saturating_sub(1)).await?;
            let replay: Vec<StoredEvent> = before.iter().filter_map(|r| r.to_stored()).collect();
            rules::evaluate(&job.target.thresholds, state, &replay);
        }
        let flags = rules::evaluate(&job.target.thresholds, state, &new_events);
        if flags.is_empty() {
            continue;
        }
        let inserts = flags
            .iter()
            .map(|f| FlagInsert {
                once_key: rule_once_key(f),
                ..FlagInsert::from(f)
            })
            .collect();
        let raised = flagging::raise(&mut tx, sid, inserts, now).await?;
        if raised.is_empty() {
            continue;
        }
        tracing::info!(session_id = sid, new_flags = raised.len(), "flags raised");
        flags_raised += raised.len() as u64;
        notices.push(ReviewNotice {
            org_id: job.target.org_id.clone(),
            session_id: sid.to_string(),
            what: NoticeKind::Flag,
        });
    }
    stages.rules = lap();
    if let Err(e) = tx.commit().await {
        // The rules state advanced for events that are not stored after all.
        for job in jobs {
            cache.remove(&job.target.session_id);
        }
        return Err(e);
    }
    stages.commit = lap();
    Ok(Flushed {
        stages,
        fresh_events: fresh.len() as u64,
        flags_raised,
        notices,
        stored,
    })
}
