//! Assembling what reviewers see from sessions, flags and events.

use super::db::{self, events::EventRow, exam_sessions::FlaggedSessionRow};
use super::AppState;
use crate::error::AppError;
use crate::model::{FlagEvidence, FlagView, FlaggedSession};

pub async fn flagged_session(
    state: &AppState,
    row: FlaggedSessionRow,
    events: &[EventRow],
) -> Result<FlaggedSession, AppError> {
    let flags = db::flags::for_session(&state.pool, &row.id)
        .await?
        .into_iter()
        .filter_map(|f| {
            let ids: Vec<String> = serde_json::from_str(&f.evidence_json).unwrap_or_default();
            let evidence = events
                .iter()
                .filter(|e| ids.contains(&e.id))
                .map(|e| FlagEvidence {
                    event_id: e.id.clone(),
                    seq: e.seq,
                    kind: e.kind.clone(),
                    description: e.kind().map(|k| k.describe()).unwrap_or_else(|| e.kind.clone()),
                    client_ms: e.client_ms,
                    server_ms: e.server_ms,
                })
                .collect();
            Some(FlagView {
                flag_id: f.id,
                flag_type: f.flag_type.parse().ok()?,
                severity: f.severity.parse().ok()?,
                raised_at: f.raised_at,
                status: f.status,
                evidence,
            })
        })
        .collect();
    Ok(FlaggedSession {
        session_id: row.id,
        exam_title: row.exam_title,
        candidate_name: row.candidate_name,
        candidate_email: row.candidate_email,
        status: row.status.parse().map_err(|_| AppError::Internal)?,
        risk_score: row.risk_score,
        started_at: row.started_at,
        flags,
    })
}
