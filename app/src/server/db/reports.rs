//! What an exam's report reads: its attempts, the marks of every question each was asked, and
//! its flags. Read-only; one query each, so an exam of 10,000 attempts is three round trips.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub id: String,
    pub user_id: String,
    pub attempt_no: i64,
    pub status: String,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub auto_submitted: i64,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<i64>,
    pub review_state: String,
}

pub async fn attempts<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as(
        "SELECT id, user_id, attempt_no, status, started_at, submitted_at, auto_submitted, score, \
         max_score, passed, review_state FROM exam_sessions WHERE exam_id = $1 ORDER BY user_id, attempt_no",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// One question as an attempt was asked it: the points awarded (`None` while an essay waits
/// for its grader; 0 when it was left unanswered).
#[derive(Debug, Clone, FromRow)]
pub struct MarkRow {
    pub session_id: String,
    pub question_id: String,
    pub version_id: String,
    pub answered: i64,
    pub points: Option<f64>,
    /// The saved answer (option ids for a choice question).
    pub value: Option<String>,
}

pub async fn marks<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<MarkRow>> {
    sqlx::query_as(
        "SELECT aq.session_id, aq.question_id, aq.version_id, \
           CAST(CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS answered, a.points_awarded AS points, a.value_json AS value \
         FROM attempt_questions aq \
         JOIN exam_sessions s ON s.id = aq.session_id \
         LEFT JOIN answers a ON a.session_id = aq.session_id AND a.question_id = aq.question_id \
         WHERE s.exam_id = $1 AND s.status = 'COMPLETED' \
         ORDER BY aq.session_id, aq.position",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// The question versions the exam's attempts were asked.
#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub id: String,
    pub question_id: String,
    pub title: String,
    pub kind: String,
    pub content_json: String,
}

pub async fn versions<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT v.id, v.question_id, v.title, v.kind, v.content_json FROM question_versions v \
         WHERE v.id IN (SELECT DISTINCT aq.version_id FROM attempt_questions aq \
           JOIN exam_sessions s ON s.id = aq.session_id WHERE s.exam_id = $1)",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct FlagCount {
    pub flag_type: String,
    pub status: String,
    pub flags: i64,
}

pub async fn flags<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<FlagCount>> {
    sqlx::query_as(
        "SELECT f.flag_type, f.status, COUNT(*) AS flags \
         FROM flags f JOIN exam_sessions s ON s.id = f.session_id WHERE s.exam_id = $1 \
         GROUP BY f.flag_type, f.status",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// Attempts with at least one flag of each type, whatever the flags' states.
pub async fn flagged_attempts<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT f.flag_type, COUNT(DISTINCT f.session_id) FROM flags f \
         JOIN exam_sessions s ON s.id = f.session_id WHERE s.exam_id = $1 GROUP BY f.flag_type",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ReportableRow {
    pub id: String,
    pub title: String,
    pub org_name: String,
    pub closes_at: i64,
    pub submitted: i64,
}

/// Exams (not drafts) of organisations where the person may read reports, latest first.
pub async fn reportable<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<ReportableRow>> {
    sqlx::query_as(
        "SELECT e.id, e.title, o.name AS org_name, e.closes_at, \
           (SELECT COUNT(*) FROM exam_sessions s WHERE s.exam_id = e.id AND s.status = 'COMPLETED') AS submitted \
         FROM exams e JOIN organizations o ON o.id = e.org_id \
         WHERE o.suspended_at IS NULL AND e.status <> 'DRAFT' AND e.org_id IN \
           (SELECT r.org_id FROM user_roles r WHERE r.user_id = $1 \
            AND r.role IN ('REPORT_VIEWER', 'EXAM_COORDINATOR', 'ORG_ADMIN')) \
         ORDER BY e.closes_at DESC, e.id LIMIT 200",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// A bank question as one submitted attempt was asked it, with that attempt's score.
#[derive(Debug, Clone, FromRow)]
pub struct UseRow {
    pub question_id: String,
    pub version_id: String,
    pub exam_id: String,
    pub answered: i64,
    pub points: Option<f64>,
    pub score: f64,
    pub max_score: f64,
}

/// Every scored use of the bank's questions, in any exam.
pub async fn bank_uses<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<UseRow>> {
    sqlx::query_as(
        "SELECT aq.question_id, aq.version_id, s.exam_id, \
           CAST(CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS answered, a.points_awarded AS points, \
           s.score, s.max_score \
         FROM attempt_questions aq \
         JOIN questions q ON q.id = aq.question_id \
         JOIN exam_sessions s ON s.id = aq.session_id \
         LEFT JOIN answers a ON a.session_id = aq.session_id AND a.question_id = aq.question_id \
         WHERE q.bank_id = $1 AND s.status = 'COMPLETED' AND s.score IS NOT NULL AND s.max_score > 0",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// The content of every version of the bank's questions.
pub async fn bank_versions<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT v.id, v.question_id, v.title, v.kind, v.content_json FROM question_versions v \
         JOIN questions q ON q.id = v.question_id WHERE q.bank_id = $1",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}
