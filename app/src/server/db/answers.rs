//! `answers`: autosaved per session and question, versioned so an older save never wins.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct AnswerRow {
    pub question_id: String,
    pub value_json: String,
    pub version: i64,
    /// Marked for review by the candidate (0/1).
    pub marked: i64,
}

pub async fn for_session<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<AnswerRow>> {
    sqlx::query_as("SELECT question_id, value_json, version, marked FROM answers WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// Stores the answer unless a save with an equal or higher version is already there.
/// Returns whether this save was applied.
pub async fn upsert<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    value_json: &str,
    version: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (session_id, question_id) DO UPDATE SET value_json = excluded.value_json, \
         version = excluded.version, updated_at = excluded.updated_at WHERE answers.version < excluded.version",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(question_id)
    .bind(value_json)
    .bind(version)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_points<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    points: Option<f64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE answers SET points_awarded = $3 WHERE session_id = $1 AND question_id = $2")
        .bind(session_id)
        .bind(question_id)
        .bind(points)
        .execute(db)
        .await
        .map(|_| ())
}

/// Marks or unmarks a question for review. A question not answered yet gets a row holding no
/// answer (version 0), which the first real save replaces.
pub async fn set_mark<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    marked: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at, marked) \
         VALUES ($1, $2, $3, 'null', 0, $4, $5) \
         ON CONFLICT (session_id, question_id) DO UPDATE SET marked = excluded.marked",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(question_id)
    .bind(now)
    .bind(i64::from(marked))
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct GradeOfAnswer {
    pub question_id: String,
    pub points_awarded: Option<f64>,
    pub feedback: Option<String>,
}

/// Points awarded and feedback given for every answer in the session.
pub async fn grades_for_session<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
) -> sqlx::Result<Vec<GradeOfAnswer>> {
    sqlx::query_as("SELECT question_id, points_awarded, feedback FROM answers WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// Records a person's points and feedback for one question of a submitted attempt. A question
/// the candidate left blank gets a row holding no answer, so its grade has a place.
pub async fn set_grade<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    points: f64,
    feedback: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at, points_awarded, feedback) \
         VALUES ($1, $2, $3, 'null', 0, $4, $5, $6) \
         ON CONFLICT (session_id, question_id) DO UPDATE SET points_awarded = excluded.points_awarded, \
         feedback = excluded.feedback",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(question_id)
    .bind(now)
    .bind(points)
    .bind(feedback)
    .execute(db)
    .await
    .map(|_| ())
}
