//! One flush: every queued batch stored in one transaction. Each batch is taken from its
//! session's bucket (or refused whole, over the rate), its events inserted idempotently on
//! (session, sequence), and the rules run on the events that were new; flags are written in
//! the same transaction, or, on a SQLite file (telemetry in a file of its own), in the main
//! file's once the events are committed.

use super::Job;
use super::Limits;
use crate::server::bus::{NoticeKind, ReviewNotice};
use crate::server::db::{self, events::NewEvent, flags::FlagInsert, telemetry_buckets, WriteTx};
use crate::server::{flagging, new_id, now_ms};
use shared::rules::{self, NewFlag, RulesState, StoredEvent};
use shared::FlagType;
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// What one flush did.
pub(super) struct Flushed {
    /// For reviewers: sessions with new flags.
    pub notices: Vec<ReviewNotice>,
    /// For each job, whether its session's bucket held its events (else nothing was stored).
    pub stored: Vec<bool>,
    /// Events stored now (not before).
    pub fresh_events: u64,
    pub flags_raised: u64,
    /// Where the flush's time went, for the debug log.
    pub stages: Stages,
}

/// Milliseconds each stage of a flush took.
#[derive(Debug, Default)]
pub(super) struct Stages {
    pub prepare: u128,
    pub lock: u128,
    pub buckets: u128,
    pub insert: u128,
    pub rules: u128,
    pub commit: u128,
}

/// Where a flush writes.
pub(super) struct Stores<'a> {
    /// Events and rate buckets.
    pub events: &'a AnyPool,
    /// Flags, when they live in another database file than the events (a SQLite file: see
    /// `db::telemetry_file`); `None`: in the events' transaction.
    pub flags_apart: Option<&'a AnyPool>,
}

/// Stores every job's events in one transaction, runs the rules on what was new, writes flags
/// (in the same transaction, or, where flags live in another file, in one of their own once
/// the events are committed). On an error nothing is acknowledged; the rules state of the jobs'
/// sessions may have moved on and is the caller's to forget.
pub(super) async fn flush(
    stores: Stores<'_>,
    cache: &mut HashMap<String, RulesState>,
    jobs: &[Job],
    limits: Limits,
) -> Result<Flushed, sqlx::Error> {
    let now = now_ms();
    let mut stages = Stages::default();
    let mut clock = Instant::now();
    let mut lap = || {
        let ms = clock.elapsed().as_millis();
        clock = Instant::now();
        ms
    };
    // Rows are made before the write lock is taken: serialising payloads and minting ids is
    // this flush's own work, and no other writer should wait for it.
    let prepared = prepare_rows(jobs)?;
    stages.prepare = lap();
    let mut tx = db::begin_write(stores.events).await?;
    stages.lock = lap();
    let stored = take_from_buckets(&mut tx, jobs, limits, now).await?;
    stages.buckets = lap();
    let rows: Vec<NewEvent> = prepared
        .into_iter()
        .zip(&stored)
        .filter(|(_, ok)| **ok)
        .flat_map(|(made, _)| made)
        .collect();
    let fresh = insert_fresh(&mut tx, db::Backend::of_pool(stores.events), &rows, now).await?;
    stages.insert = lap();
    let mut flagged: Vec<(&Job, Vec<NewFlag>)> = Vec::new();
    let mut offset = 0;
    for (job, _) in jobs.iter().zip(&stored).filter(|(_, ok)| **ok) {
        // Rows were built job by job, event by event.
        let job_rows = &rows[offset..offset + job.events.len()];
        offset += job.events.len();
        let flags = run_rules(&mut tx, cache, job, job_rows, &fresh).await?;
        if !flags.is_empty() {
            flagged.push((job, flags));
        }
    }
    stages.rules = lap();
    let (notices, flags_raised) = match stores.flags_apart {
        None => {
            let raised = raise_flags(&mut tx, &flagged, now).await?;
            tx.commit().await?;
            raised
        }
        Some(flags_pool) => {
            // Events first: a crash before the flags' commit loses flags, not events, and the
            // next batch's rules, finding no state for the session, replay what is stored and
            // raise them then (see `run_rules`).
            tx.commit().await?;
            if flagged.is_empty() {
                (Vec::new(), 0)
            } else {
                let mut flags_tx = db::begin_write(flags_pool).await?;
                let raised = raise_flags(&mut flags_tx, &flagged, now).await?;
                flags_tx.commit().await?;
                raised
            }
        }
    };
    stages.commit = lap();
    Ok(Flushed {
        stages,
        fresh_events: fresh.len() as u64,
        flags_raised,
        notices,
        stored,
    })
}

/// Raises each session's flags; returns the notices for reviewers and how many were new.
async fn raise_flags(
    tx: &mut WriteTx,
    flagged: &[(&Job, Vec<NewFlag>)],
    now: i64,
) -> Result<(Vec<ReviewNotice>, u64), sqlx::Error> {
    let mut notices = Vec::new();
    let mut count = 0;
    for (job, flags) in flagged {
        let sid = job.target.session_id.as_str();
        let inserts = flags
            .iter()
            .map(|f| FlagInsert {
                once_key: rule_once_key(f),
                ..FlagInsert::from(f)
            })
            .collect();
        let raised = flagging::raise(tx, sid, inserts, now).await?;
        if raised.is_empty() {
            continue;
        }
        tracing::info!(session_id = sid, new_flags = raised.len(), "flags raised");
        count += raised.len() as u64;
        notices.push(ReviewNotice {
            org_id: job.target.org_id.clone(),
            session_id: job.target.session_id.clone(),
            what: NoticeKind::Flag,
        });
    }
    Ok((notices, count))
}

/// Each job's rows: a new id per event and its payload as stored.
fn prepare_rows(jobs: &[Job]) -> Result<Vec<Vec<NewEvent<'_>>>, sqlx::Error> {
    let mut prepared = Vec::with_capacity(jobs.len());
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
    Ok(prepared)
}

/// Takes each job's events from its session's bucket; returns, per job, whether the bucket
/// held them. Sessions are taken in order: writers on other nodes lock the same rows in the
/// same order, so two flushes never wait on each other in a circle.
async fn take_from_buckets(
    tx: &mut WriteTx,
    jobs: &[Job],
    limits: Limits,
    now: i64,
) -> Result<Vec<bool>, sqlx::Error> {
    let rate = telemetry_buckets::Rate {
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
        let claims: Vec<telemetry_buckets::Claim> = round
            .iter()
            .map(|&i| telemetry_buckets::Claim {
                session_id: &jobs[i].target.session_id,
                events: i64::try_from(jobs[i].events.len()).unwrap_or(i64::MAX),
            })
            .collect();
        let taken: HashSet<String> = telemetry_buckets::take_many(tx, &claims, rate, now)
            .await?
            .into_iter()
            .collect();
        for &i in round {
            stored[i] = taken.contains(&jobs[i].target.session_id);
        }
    }
    Ok(stored)
}

/// Inserts the rows, skipping (session, sequence) pairs already stored; returns the ids of the
/// rows that were new (the ids are new, so present means inserted now).
async fn insert_fresh<'r>(
    tx: &mut WriteTx,
    backend: db::Backend,
    rows: &'r [NewEvent<'_>],
    now: i64,
) -> Result<HashSet<&'r str>, sqlx::Error> {
    let mut fresh: HashSet<&str> = HashSet::with_capacity(rows.len());
    for chunk in rows.chunks(db::events::INSERT_CHUNK) {
        let inserted = db::events::insert_many(&mut **tx, backend, chunk, now).await?;
        if inserted as usize == chunk.len() {
            fresh.extend(chunk.iter().map(|r| r.id.as_str()));
        } else if inserted > 0 {
            let ids: Vec<&str> = chunk.iter().map(|r| r.id.as_str()).collect();
            let stored = db::events::present(&mut **tx, &ids).await?;
            let stored: HashSet<&str> = stored.iter().map(String::as_str).collect();
            fresh.extend(ids.into_iter().filter(|id| stored.contains(id)));
        }
    }
    Ok(fresh)
}

/// Runs the rules on a job's new events; returns what they flag. A session whose cached state
/// does not end just before these events (a cold cache, or events that went through another
/// node) has its state rebuilt from what is stored first, and what that replay flags is
/// returned too when it is raised at most once (so nothing is raised twice): flags a crash kept
/// from their commit, where they are written apart from the events, are raised then.
async fn run_rules(
    tx: &mut WriteTx,
    cache: &mut HashMap<String, RulesState>,
    job: &Job,
    job_rows: &[NewEvent<'_>],
    fresh: &HashSet<&str>,
) -> Result<Vec<NewFlag>, sqlx::Error> {
    let sid = job.target.session_id.as_str();
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
        return Ok(Vec::new());
    };
    let state = cache.entry(sid.to_string()).or_default();
    let mut flags = Vec::new();
    if state.last_seq.saturating_add(1) != first_new.seq {
        *state = RulesState::default();
        let before = db::events::range(&mut **tx, sid, 1, first_new.seq.saturating_sub(1)).await?;
        let replay: Vec<StoredEvent> = before.iter().filter_map(|r| r.to_stored()).collect();
        flags = rules::evaluate(&job.target.thresholds, state, &replay);
        flags.retain(|f| rule_once_key(f).is_some());
    }
    flags.extend(rules::evaluate(&job.target.thresholds, state, &new_events));
    Ok(flags)
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
