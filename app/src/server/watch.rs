//! The silence watch: a browser that stops reporting cannot say so, so the server notices.
//! Every few seconds it looks for open proctored sessions whose last event arrived longer ago
//! than the exam's gap threshold and raises one TELEMETRY_GAP per silence, naming the last
//! event heard.

use super::db;
use super::ingest::FlagNotice;
use super::now_ms;
use shared::rules::{NewFlag, Thresholds};
use shared::{FlagType, Sensitivity, Severity};
use sqlx::AnyPool;
use std::time::Duration;
use tokio::sync::broadcast;

const SWEEP_EVERY: Duration = Duration::from_secs(5);

pub fn start(pool: AnyPool, notices: broadcast::Sender<FlagNotice>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&pool, &notices, now_ms()).await {
                tracing::warn!(error = %e, "silence watch failed; retrying");
            }
        }
    });
}

/// Raises the flags due at `now`; returns how many.
pub async fn sweep(pool: &AnyPool, notices: &broadcast::Sender<FlagNotice>, now: i64) -> sqlx::Result<usize> {
    let mut raised = 0;
    for s in db::exam_sessions::last_heard(pool, now).await? {
        let sensitivity: Sensitivity = s.sensitivity.parse().unwrap_or(Sensitivity::Medium);
        if now - s.last_server_ms < Thresholds::for_sensitivity(sensitivity).gap_ms {
            continue;
        }
        let flag = NewFlag {
            flag_type: FlagType::TelemetryGap,
            severity: Severity::Medium,
            evidence: vec![s.last_event_id.clone()],
        };
        let mut tx = db::begin_write(pool).await?;
        if db::flags::silence_flagged(&mut *tx, &s.id, &s.last_event_id).await? {
            continue;
        }
        db::flags::insert(&mut *tx, &s.id, &flag, now).await?;
        let open: Vec<Severity> = db::flags::open_severities(&mut *tx, &s.id)
            .await?
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        db::exam_sessions::update_risk(&mut *tx, &s.id, shared::domain::risk_score(open), true).await?;
        tx.commit().await?;
        tracing::info!(session_id = %s.id, "browser went silent");
        let _ = notices.send(FlagNotice {
            org_id: s.org_id,
            session_id: s.id,
            new_flags: 1,
        });
        raised += 1;
    }
    Ok(raised)
}
