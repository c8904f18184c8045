//! `flags`: evidence for a reviewer, each naming the events that raised it (or, for a flag a
//! reviewer raised, the moment and a note), and the decision a person made on it.

use shared::rules::NewFlag;
use sqlx::{AnyExecutor, FromRow};

/// A flag about to be stored. Rules give no note; the server's own checks and reviewers do.
pub struct FlagInsert<'a> {
    pub flag: &'a NewFlag,
    pub note: Option<&'a str>,
    /// The reviewer who raised it, for a person's flag.
    pub raised_by: Option<&'a str>,
    /// The moment of the session it is about, for a person's flag.
    pub at_ms: Option<i64>,
}

impl<'a> From<&'a NewFlag> for FlagInsert<'a> {
    fn from(flag: &'a NewFlag) -> Self {
        FlagInsert {
            flag,
            note: None,
            raised_by: None,
            at_ms: None,
        }
    }
}

/// Stores a flag; returns its id.
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    f: FlagInsert<'_>,
    now: i64,
) -> sqlx::Result<String> {
    let evidence =
        serde_json::to_string(&f.flag.evidence).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let id = crate::server::new_id();
    sqlx::query(
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at, note, raised_by, at_ms) \
         VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(f.flag.flag_type.as_str())
    .bind(f.flag.severity.as_str())
    .bind(evidence)
    .bind(now)
    .bind(f.note)
    .bind(f.raised_by)
    .bind(f.at_ms)
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromRow)]
pub struct FlagRow {
    pub id: String,
    pub session_id: String,
    pub flag_type: String,
    pub severity: String,
    pub evidence_json: String,
    pub status: String,
    pub raised_at: i64,
    pub note: Option<String>,
    pub raised_by: Option<String>,
    pub at_ms: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_by_name: Option<String>,
    pub resolved_at: Option<i64>,
}

const COLUMNS: &str = "f.id, f.session_id, f.flag_type, f.severity, f.evidence_json, f.status, f.raised_at, \
     f.note, f.raised_by, f.at_ms, f.resolution, f.resolved_by, u.display_name AS resolved_by_name, f.resolved_at";

pub async fn for_session<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<FlagRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flags f LEFT JOIN users u ON u.id = f.resolved_by \
         WHERE f.session_id = $1 ORDER BY f.raised_at, f.id"
    ))
    .bind(session_id)
    .fetch_all(db)
    .await
}

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<FlagRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flags f LEFT JOIN users u ON u.id = f.resolved_by WHERE f.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Records a person's decision on a flag, unless it already has that status.
pub async fn decide<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    from: &str,
    to: &str,
    by: &str,
    note: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE flags SET status = $3, resolution = $4, resolved_by = $5, resolved_at = $6 \
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Severities of the flags that count for the session's risk score (all but dismissed), and
/// how many flags it has in all.
pub async fn risk_inputs<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT severity, status FROM flags WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// Whether the silence after `last_event_id` was already flagged by the silence watch
/// (`None`: a session never heard from at all).
pub async fn silence_flagged<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    last_event_id: Option<&str>,
) -> sqlx::Result<bool> {
    let evidence = match last_event_id {
        Some(id) => serde_json::json!([id]).to_string(),
        None => "[]".to_string(),
    };
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM flags WHERE session_id = $1 AND flag_type = 'TELEMETRY_GAP' AND evidence_json = $2",
    )
    .bind(session_id)
    .bind(evidence)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Whether the session already has a flag of this type raised by the server with this note.
pub async fn has_noted<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    flag_type: &str,
    note: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM flags WHERE session_id = $1 AND flag_type = $2 AND note = $3 AND raised_by IS NULL",
    )
    .bind(session_id)
    .bind(flag_type)
    .bind(note)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Confirmed flags per type for every attempt at an exam, for the staff's CSV.
pub async fn confirmed_per_type<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT f.session_id, f.flag_type, COUNT(*) FROM flags f JOIN exam_sessions s ON s.id = f.session_id \
         WHERE s.exam_id = $1 AND f.status = 'CONFIRMED' GROUP BY f.session_id, f.flag_type",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}
