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
    /// What a flag raised at most once is raised for (see [`once`]); `None` for the rest.
    pub once_key: Option<String>,
}

/// Keys of the flags the server raises at most once per session.
pub mod once {
    /// The silence after this event (the silence watch and the rules both see it).
    pub fn silence_after(event_id: &str) -> String {
        format!("silence-after:{event_id}")
    }
    /// A rule's flag on these events (the same events never raise the same flag twice).
    pub fn rule(flag_type: &str, evidence: &[String]) -> String {
        format!("rule:{flag_type}:{}", evidence.join(","))
    }
    /// No event at all from the attempt's start (while it runs, or at submission).
    pub const NEVER_HEARD: &str = "never-heard";
    /// The attempt sent more events than it may store.
    pub const EVENT_CAP: &str = "event-cap";
}

impl<'a> From<&'a NewFlag> for FlagInsert<'a> {
    fn from(flag: &'a NewFlag) -> Self {
        FlagInsert {
            flag,
            note: None,
            raised_by: None,
            at_ms: None,
            once_key: None,
        }
    }
}

/// Stores a flag; returns its id, or `None` when a flag with the same once-key is there.
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    f: FlagInsert<'_>,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let evidence =
        serde_json::to_string(&f.flag.evidence).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let id = crate::server::new_id();
    let done = sqlx::query(
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at, note, raised_by, at_ms, once_key) \
         VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
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
    .bind(f.once_key)
    .execute(db)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
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

#[derive(Debug, Clone, FromRow)]
pub struct FlagExportRow {
    pub candidate_name: String,
    pub candidate_email: String,
    pub attempt_no: i64,
    pub flag_type: String,
    pub severity: String,
    pub raised_at: i64,
    pub status: String,
    pub resolution: Option<String>,
}

/// Every flag of an exam's attempts, for the staff's CSV.
pub async fn for_export<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<FlagExportRow>> {
    sqlx::query_as(
        "SELECT u.display_name AS candidate_name, u.email AS candidate_email, s.attempt_no, f.flag_type, \
         f.severity, f.raised_at, f.status, f.resolution FROM flags f \
         JOIN exam_sessions s ON s.id = f.session_id JOIN users u ON u.id = s.user_id \
         WHERE s.exam_id = $1 ORDER BY u.email, s.attempt_no, f.raised_at, f.id",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}
