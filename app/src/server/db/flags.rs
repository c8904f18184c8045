//! `flags`: evidence for a reviewer, each naming the events that raised it.

use shared::rules::NewFlag;
use sqlx::{AnyExecutor, FromRow};

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    f: &NewFlag,
    now: i64,
) -> sqlx::Result<()> {
    let evidence = serde_json::to_string(&f.evidence).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    sqlx::query(
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at) \
         VALUES ($1, $2, $3, $4, $5, 'OPEN', $6)",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(f.flag_type.as_str())
    .bind(f.severity.as_str())
    .bind(evidence)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct FlagRow {
    pub id: String,
    pub flag_type: String,
    pub severity: String,
    pub evidence_json: String,
    pub status: String,
    pub raised_at: i64,
}

pub async fn for_session<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<FlagRow>> {
    sqlx::query_as(
        "SELECT id, flag_type, severity, evidence_json, status, raised_at FROM flags WHERE session_id = $1 ORDER BY raised_at, id",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

/// Severities of the session's open flags, for its risk score.
pub async fn open_severities<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT severity FROM flags WHERE session_id = $1 AND status = 'OPEN'")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// Whether the silence after `last_event_id` was already flagged by the silence watch.
pub async fn silence_flagged<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    last_event_id: &str,
) -> sqlx::Result<bool> {
    let evidence = serde_json::json!([last_event_id]).to_string();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM flags WHERE session_id = $1 AND flag_type = 'TELEMETRY_GAP' AND evidence_json = $2",
    )
    .bind(session_id)
    .bind(evidence)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}
