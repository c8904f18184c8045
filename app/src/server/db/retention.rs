//! What the retention job reads and removes: a finished session's raw telemetry
//! (`proctor_events`) and the evidence its flags point at, never its answers, score or review.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct OrgRetention {
    pub id: String,
    pub telemetry_retention_days: i64,
}

pub async fn orgs<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<Vec<OrgRetention>> {
    sqlx::query_as("SELECT id, telemetry_retention_days FROM organizations ORDER BY id")
        .fetch_all(db)
        .await
}

/// Sessions of the organisation that ended before `cutoff`, still hold telemetry, and have no
/// flag waiting for a decision (a reviewer still needs that evidence).
pub async fn due<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    cutoff: i64,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT s.id FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         WHERE e.org_id = $1 AND s.telemetry_purged_at IS NULL \
         AND COALESCE(s.submitted_at, s.deadline_at) < $2 \
         AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.session_id = s.id AND f.status = 'OPEN') \
         ORDER BY s.id LIMIT $3",
    )
    .bind(org_id)
    .bind(cutoff)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Marks the session purged, only if it was not already (a second node running the job at the
/// same time then leaves it alone): false when someone else got there first.
pub async fn mark_purged<'e>(db: impl AnyExecutor<'e>, session_id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE exam_sessions SET telemetry_purged_at = $2 WHERE id = $1 AND telemetry_purged_at IS NULL",
    )
    .bind(session_id)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn delete_events<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM proctor_events WHERE session_id = $1")
        .bind(session_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Empties the evidence (event ids) of the session's flags; their type, decision and history stay.
pub async fn clear_evidence<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<u64> {
    sqlx::query("UPDATE flags SET evidence_json = '[]' WHERE session_id = $1 AND evidence_json <> '[]'")
        .bind(session_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
