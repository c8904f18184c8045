//! `attempt_questions`: which question versions one attempt got, in its order.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct AttemptQuestionRow {
    pub position: i64,
    pub question_id: String,
    pub version_id: String,
    pub content_json: String,
}

pub async fn for_session<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
) -> sqlx::Result<Vec<AttemptQuestionRow>> {
    sqlx::query_as(
        "SELECT a.position, a.question_id, a.version_id, v.content_json \
         FROM attempt_questions a JOIN question_versions v ON v.id = a.version_id \
         WHERE a.session_id = $1 ORDER BY a.position",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

/// One question of an attempt with the candidate's saved answer to it, if any.
#[derive(Debug, Clone, FromRow)]
pub struct QuestionWithAnswer {
    pub question_id: String,
    pub version_id: String,
    pub content_json: String,
    pub value_json: Option<String>,
    pub version: Option<i64>,
    pub marked: Option<i64>,
}

/// The attempt's questions in its order, each with what was saved for it: what the exam page
/// shows, read in one statement (it is the page every candidate opens at once).
pub async fn with_answers<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
) -> sqlx::Result<Vec<QuestionWithAnswer>> {
    sqlx::query_as(
        "SELECT a.question_id, a.version_id, v.content_json, s.value_json, s.version, s.marked \
         FROM attempt_questions a JOIN question_versions v ON v.id = a.version_id \
         LEFT JOIN answers s ON s.session_id = a.session_id AND s.question_id = a.question_id \
         WHERE a.session_id = $1 ORDER BY a.position",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

/// Records one question of an attempt; a second writer of the same position (two pages of one
/// attempt loading at once, both assembling it) changes nothing.
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    position: i64,
    question_id: &str,
    version_id: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO attempt_questions (session_id, position, question_id, version_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(session_id)
    .bind(position)
    .bind(question_id)
    .bind(version_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Whether the question belongs to the attempt (what an answer may name).
pub async fn contains<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempt_questions WHERE session_id = $1 AND question_id = $2",
    )
    .bind(session_id)
    .bind(question_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Whether a candidate of some attempt may see the file: one of the attempt's questions shows
/// it (its content names the file's address).
pub async fn shows_file<'e>(db: impl AnyExecutor<'e>, user_id: &str, file_path: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempt_questions a JOIN exam_sessions s ON s.id = a.session_id \
         JOIN question_versions v ON v.id = a.version_id \
         WHERE s.user_id = $1 AND v.content_json LIKE $2",
    )
    .bind(user_id)
    .bind(format!("%{file_path}%"))
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}
