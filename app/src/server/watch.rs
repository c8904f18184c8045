//! The silence watch: a browser that stops reporting cannot say so, so the server notices.
//! Every few seconds it looks for open proctored sessions whose last event arrived longer ago
//! than the exam's gap threshold and raises one TELEMETRY_GAP per silence, naming the last
//! event heard; and for sessions that never sent an event at all (socket and beacon blocked),
//! counted from the attempt's start, one TELEMETRY_GAP naming no event.

use super::bus::NoticeKind;
use super::db::{self, flags::FlagInsert};
use super::flagging;
use super::ingest::Ingestor;
use super::jobs::{self, Node};
use super::now_ms;
use shared::rules::{NewFlag, Thresholds};
use shared::{FlagType, Sensitivity, Severity};
use sqlx::AnyPool;
use std::time::Duration;

const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// The note on a gap flag for a session never heard from.
pub const NEVER_HEARD_NOTE: &str =
    "No telemetry at all has arrived from this attempt's browser since it started.";

pub fn start(pool: AnyPool, ingestor: Ingestor, node: Node) {
    tokio::spawn(async move {
        let mut tick = jobs::every(SWEEP_EVERY);
        while jobs::next_run(&mut tick, &pool).await {
            if !jobs::may_run(&pool, "silence-watch", &node, jobs::lease_for(SWEEP_EVERY)).await {
                continue;
            }
            if let Err(e) = sweep(&pool, &ingestor, now_ms()).await {
                jobs::run_failed(&pool, "silence-watch", &e, "retrying");
            }
        }
    });
}

fn gap_ms(sensitivity: &str) -> i64 {
    let sensitivity: Sensitivity = sensitivity.parse().unwrap_or(Sensitivity::Medium);
    Thresholds::for_sensitivity(sensitivity).gap_ms
}

fn gap_flag(evidence: Vec<String>) -> NewFlag {
    NewFlag {
        flag_type: FlagType::TelemetryGap,
        severity: Severity::Medium,
        evidence,
    }
}

/// Raises the flags due at `now`; returns how many.
pub async fn sweep(pool: &AnyPool, ingestor: &Ingestor, now: i64) -> sqlx::Result<usize> {
    let mut raised = 0;
    for s in db::exam_sessions::last_heard(pool, now).await? {
        if now.saturating_sub(s.last_server_ms) < gap_ms(&s.sensitivity) {
            continue;
        }
        let mut tx = db::begin_write(pool).await?;
        let flag = gap_flag(vec![s.last_event_id.clone()]);
        let insert = FlagInsert {
            once_key: Some(db::flags::once::silence_after(&s.last_event_id)),
            ..FlagInsert::from(&flag)
        };
        let stored = flagging::raise(&mut tx, &s.id, vec![insert], now).await?;
        tx.commit().await?;
        if stored.is_empty() {
            continue;
        }
        tracing::info!(session_id = %s.id, "browser went silent");
        ingestor.notify(&s.org_id, &s.id, NoticeKind::Flag);
        raised += 1;
    }
    // The shortest threshold bounds the query; each session's own is checked below.
    let shortest = Thresholds::for_sensitivity(Sensitivity::High).gap_ms;
    for s in db::exam_sessions::never_heard(pool, now, now.saturating_sub(shortest)).await? {
        if now.saturating_sub(s.started_at) < gap_ms(&s.sensitivity) {
            continue;
        }
        let mut tx = db::begin_write(pool).await?;
        let key = db::flags::once::NEVER_HEARD.to_string();
        let stored =
            flagging::raise_once(&mut tx, &s.id, &gap_flag(Vec::new()), NEVER_HEARD_NOTE, key, now).await?;
        tx.commit().await?;
        if !stored {
            continue;
        }
        tracing::info!(session_id = %s.id, "no telemetry since the attempt started");
        ingestor.notify(&s.org_id, &s.id, NoticeKind::Flag);
        raised += 1;
    }
    Ok(raised)
}
