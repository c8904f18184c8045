//! The retention job: each organisation keeps raw telemetry for the days its admin set. Once a
//! session ended longer ago than that, its events and the evidence its flags point at are
//! deleted; its answers, score, flags' decisions and review history stay. Every run that
//! removes something says so in the organisation's audit log. The same hourly pass forgets
//! sign-in counts that can no longer refuse anything, and expired second-factor challenges.
//!
//! On PostgreSQL telemetry is partitioned by the day its session started: a past day none of
//! whose sessions still keeps its telemetry is dropped whole (`db::event_partitions`); the
//! row by row path remains for what such a day cannot take (see [`PARTITION_GRACE_MS`]).

use super::db::{self, audit, event_partitions, retention};
use super::jobs::{self, Node};
use super::now_ms;
use sqlx::AnyPool;
use std::time::Duration;

const RUN_EVERY: Duration = Duration::from_secs(3600);
/// Sessions purged per organisation per transaction batch.
const BATCH: i64 = 200;
const DAY_MS: i64 = 24 * 3_600_000;

/// What one run removed in one organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub org_id: String,
    pub sessions: u64,
    pub events: u64,
    pub flags: u64,
}

pub fn start(pool: AnyPool, node: Node) {
    tokio::spawn(async move {
        let mut tick = jobs::every(RUN_EVERY);
        while jobs::next_run(&mut tick, &pool).await {
            if !jobs::may_run(&pool, "retention", &node, jobs::lease_for(RUN_EVERY)).await {
                continue;
            }
            match run(&pool, now_ms()).await {
                Ok(report) => {
                    for p in report.iter().filter(|p| p.sessions > 0) {
                        tracing::info!(org = %p.org_id, sessions = p.sessions, events = p.events, "telemetry past retention removed");
                    }
                }
                Err(e) => jobs::run_failed(&pool, "retention", &e, "it runs again within the hour"),
            }
            // Sign-in counts outlive their longest window (an hour) by another.
            let now = now_ms();
            if let Err(e) = db::throttle::prune(&pool, now - 2 * 3_600_000, now).await {
                tracing::warn!(error = %e, "pruning sign-in counts failed");
            }
            if let Err(e) = db::second_factor::prune_challenges(&pool, now).await {
                tracing::warn!(error = %e, "pruning expired second-factor challenges failed");
            }
            if let Err(e) = db::passkeys::prune_ceremonies(&pool, now).await {
                tracing::warn!(error = %e, "pruning expired passkey ceremonies failed");
            }
        }
    });
}

/// On PostgreSQL a session's events go with its day's partition; the row by row path waits
/// this much longer, so that a day whose sessions come due over some hours is dropped whole
/// rather than emptied row by row first. (It still reaches sessions whose day is kept by
/// another: a flag waiting for a decision, an organisation that keeps telemetry longer.)
const PARTITION_GRACE_MS: i64 = 2 * DAY_MS;
/// Day partitions made ahead of the sessions that will use them.
const DAYS_AHEAD: i64 = 7;

/// Makes sure the telemetry partitions for the days around `now` exist (PostgreSQL; nothing
/// to do on SQLite). Every node does it as it starts, and the retention job every hour.
pub async fn prepare_partitions(pool: &AnyPool, now: i64) -> sqlx::Result<u32> {
    if db::Backend::of_pool(pool) != db::Backend::Postgres {
        return Ok(0);
    }
    let today = event_partitions::Day::of_ms(now).number;
    let days = (today - 1..=today + DAYS_AHEAD).map(|number| event_partitions::Day { number });
    event_partitions::ensure(pool, days).await
}

/// One pass over every organisation at `now`; returns what it removed where.
pub async fn run(pool: &AnyPool, now: i64) -> sqlx::Result<Vec<Purged>> {
    let orgs = retention::orgs(pool).await?;
    let mut report: Vec<Purged> = orgs
        .iter()
        .map(|o| Purged {
            org_id: o.id.clone(),
            ..Purged::default()
        })
        .collect();
    let partitioned = db::Backend::of_pool(pool) == db::Backend::Postgres;
    if partitioned {
        prepare_partitions(pool, now).await?;
        drop_whole_days(pool, now, &mut report).await?;
    }
    for (org, purged) in orgs.iter().zip(report.iter_mut()) {
        let keep_ms = org.telemetry_retention_days.max(1).saturating_mul(DAY_MS);
        let mut cutoff = now.saturating_sub(keep_ms);
        if partitioned {
            cutoff = cutoff.saturating_sub(PARTITION_GRACE_MS);
        }
        loop {
            let due = retention::due(pool, &org.id, cutoff, BATCH).await?;
            if due.is_empty() {
                break;
            }
            let telemetry_file = db::telemetry_file::own_file(pool);
            if let Some(telemetry) = &telemetry_file {
                // Telemetry in a file of its own (one node: SQLite): its events go first, so a
                // crash before the sessions are marked leaves them due, and the next run marks
                // them, rather than marked with their events still there.
                let mut tx = db::begin_write(telemetry).await?;
                for session_id in &due {
                    purged.events += retention::delete_events(&mut *tx, session_id).await?;
                }
                tx.commit().await?;
            }
            let mut tx = db::begin_write(pool).await?;
            for session_id in &due {
                // Claimed first: a second node running the job skips what this one took.
                if !retention::mark_purged(&mut *tx, session_id, now).await? {
                    continue;
                }
                purged.sessions += 1;
                if telemetry_file.is_none() {
                    purged.events += retention::delete_events(&mut *tx, session_id).await?;
                }
                purged.flags += retention::clear_evidence(&mut *tx, session_id).await?;
            }
            tx.commit().await?;
        }
    }
    for (org, purged) in orgs.iter().zip(report.iter()) {
        if purged.sessions > 0 {
            let detail = format!(
                "{} sessions past {} days: {} events and the evidence of {} flags removed",
                purged.sessions, org.telemetry_retention_days, purged.events, purged.flags
            );
            let entry = audit::Entry {
                action: audit::TELEMETRY_PURGED,
                actor_user_id: None,
                org_id: Some(&org.id),
                subject: None,
                ip: None,
                detail: Some(&detail),
            };
            audit::record(pool, entry, now).await?;
        }
    }
    Ok(report)
}

/// The report's line for an organisation.
fn purged_of<'a>(report: &'a mut [Purged], org_id: &str) -> Option<&'a mut Purged> {
    report.iter_mut().find(|p| p.org_id == org_id)
}

/// Drops each past day partition none of whose sessions keeps its telemetry any more, marking
/// those sessions purged and emptying their flags' evidence in the same transaction.
async fn drop_whole_days(pool: &AnyPool, now: i64, report: &mut [Purged]) -> sqlx::Result<()> {
    for day in event_partitions::days(pool).await? {
        // A day some node's clock may still call today can still get sessions.
        if day.end_ms() > now.saturating_sub(DAY_MS) {
            continue;
        }
        if event_partitions::keepers(pool, &day, now).await? > 0 {
            continue;
        }
        // Counted before the transaction: every session of the day has ended, so nothing more
        // arrives, and counting a large day should not hold the lock the drop takes.
        let contents = event_partitions::contents(pool, &day).await?;
        let mut tx = pool.begin().await?;
        // Again inside the transaction: a flag may have been reopened meanwhile.
        if event_partitions::keepers(&mut *tx, &day, now).await? > 0 {
            continue;
        }
        let sessions = event_partitions::mark_purged(&mut *tx, &day, now).await?;
        let flags = event_partitions::clear_evidence(&mut *tx, &day).await?;
        if let Err(e) = event_partitions::drop_day(&mut tx, &day).await {
            tracing::warn!(table = ?day.table(), error = %e, "could not drop a telemetry partition; the next run tries again");
            continue;
        }
        tx.commit().await?;
        tracing::info!(table = ?day.table(), sessions = sessions.len(), "telemetry partition past retention dropped");
        for org in &sessions {
            if let Some(p) = purged_of(report, org) {
                p.sessions += 1;
            }
        }
        for org in &flags {
            if let Some(p) = purged_of(report, org) {
                p.flags += 1;
            }
        }
        for (org, _, events) in &contents {
            if let Some(p) = purged_of(report, org) {
                p.events += u64::try_from(*events).unwrap_or(0);
            }
        }
    }
    Ok(())
}
