//! The retention job: each organisation keeps raw telemetry for the days its admin set. Once a
//! session ended longer ago than that, its events and the evidence its flags point at are
//! deleted; its answers, score, flags' decisions and review history stay. Every run that
//! removes something says so in the organisation's audit log. The same hourly pass forgets
//! sign-in counts that can no longer refuse anything, and expired second-factor challenges.

use super::db::{self, audit, retention};
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
        let mut tick = tokio::time::interval(RUN_EVERY);
        loop {
            tick.tick().await;
            if !jobs::may_run(&pool, "retention", &node, jobs::lease_for(RUN_EVERY)).await {
                continue;
            }
            match run(&pool, now_ms()).await {
                Ok(report) => {
                    for p in report.iter().filter(|p| p.sessions > 0) {
                        tracing::info!(org = %p.org_id, sessions = p.sessions, events = p.events, "telemetry past retention removed");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "retention job failed; it runs again within the hour"),
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

/// One pass over every organisation at `now`; returns what it removed where.
pub async fn run(pool: &AnyPool, now: i64) -> sqlx::Result<Vec<Purged>> {
    let mut report = Vec::new();
    for org in retention::orgs(pool).await? {
        let keep_ms = org.telemetry_retention_days.max(1).saturating_mul(DAY_MS);
        let cutoff = now.saturating_sub(keep_ms);
        let mut purged = Purged {
            org_id: org.id.clone(),
            ..Purged::default()
        };
        loop {
            let due = retention::due(pool, &org.id, cutoff, BATCH).await?;
            if due.is_empty() {
                break;
            }
            let mut tx = db::begin_write(pool).await?;
            for session_id in &due {
                // Claimed first: a second node running the job skips what this one took.
                if !retention::mark_purged(&mut *tx, session_id, now).await? {
                    continue;
                }
                purged.sessions += 1;
                purged.events += retention::delete_events(&mut *tx, session_id).await?;
                purged.flags += retention::clear_evidence(&mut *tx, session_id).await?;
            }
            tx.commit().await?;
        }
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
        report.push(purged);
    }
    Ok(report)
}
