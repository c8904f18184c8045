//! `question_banks`, `questions`, `exams`.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct ExamRow {
    pub id: String,
    pub org_id: String,
    pub bank_id: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub max_attempts: i64,
    pub proctoring_enabled: i64,
    pub require_fullscreen: i64,
    pub sensitivity: String,
    pub passing_score: i64,
    pub show_results: String,
    pub randomize_questions: i64,
    pub randomize_options: i64,
    /// Scores wait until a person has reviewed the attempt (0/1).
    pub withhold_results: i64,
}

const EXAM_COLUMNS: &str = "id, org_id, bank_id, title, description, status, opens_at, closes_at, \
    duration_minutes, max_attempts, proctoring_enabled, require_fullscreen, sensitivity, passing_score, \
    show_results, randomize_questions, randomize_options, withhold_results";

pub async fn find<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Option<ExamRow>> {
    sqlx::query_as(&format!("SELECT {EXAM_COLUMNS} FROM exams WHERE id = $1"))
        .bind(exam_id)
        .fetch_optional(db)
        .await
}

pub struct NewExam<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub bank_id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub status: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub proctoring_enabled: bool,
    pub sensitivity: &'a str,
    pub show_results: &'a str,
    /// Shuffle question and option order per attempt.
    pub randomize: bool,
}

#[derive(Debug, Clone, FromRow)]
pub struct ManagedExamRow {
    pub id: String,
    pub title: String,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
    /// Enrollments past the invitation.
    pub enrolled: i64,
    /// Invitations nobody has accepted and that were not replaced.
    pub pending_invitations: i64,
}

/// An organisation's exams with how many people are enrolled and invited, soonest first.
pub async fn managed_in_org<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Vec<ManagedExamRow>> {
    sqlx::query_as(
        "SELECT e.id, e.title, e.status, e.opens_at, e.closes_at, \
         (SELECT COUNT(*) FROM enrollments n WHERE n.exam_id = e.id AND n.status <> 'INVITED') AS enrolled, \
         (SELECT COUNT(*) FROM invitations i WHERE i.exam_id = e.id AND i.accepted_at IS NULL \
          AND i.revoked_at IS NULL) AS pending_invitations \
         FROM exams e WHERE e.org_id = $1 ORDER BY e.opens_at, e.title",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, e: NewExam<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exams (id, org_id, bank_id, title, description, status, opens_at, closes_at, \
         duration_minutes, max_attempts, passing_score, proctoring_enabled, sensitivity, created_at, show_results, \
         randomize_questions, randomize_options) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 50, $10, $11, $12, $13, $14, $14)",
    )
    .bind(e.id)
    .bind(e.org_id)
    .bind(e.bank_id)
    .bind(e.title)
    .bind(e.description)
    .bind(e.status)
    .bind(e.opens_at)
    .bind(e.closes_at)
    .bind(e.duration_minutes)
    .bind(i64::from(e.proctoring_enabled))
    .bind(e.sensitivity)
    .bind(now)
    .bind(e.show_results)
    .bind(i64::from(e.randomize))
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn insert_bank<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    org_id: &str,
    name: &str,
    status: &str,
    created_by: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO question_banks (id, org_id, name, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(org_id)
    .bind(name)
    .bind(status)
    .bind(created_by)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct QuestionRow {
    pub id: String,
    pub kind: String,
    pub stem: String,
    pub options_json: String,
    pub points: i64,
}

#[derive(Clone)]
pub struct NewQuestion<'a> {
    pub id: &'a str,
    pub bank_id: &'a str,
    pub kind: &'a str,
    pub stem: &'a str,
    pub options_json: &'a str,
    pub answer_json: &'a str,
    pub explanation: Option<&'a str>,
    pub points: i64,
    pub position: i64,
}

pub async fn insert_question<'e>(db: impl AnyExecutor<'e>, q: NewQuestion<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO questions (id, bank_id, kind, stem, options_json, answer_json, explanation, points, position, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(q.id)
    .bind(q.bank_id)
    .bind(q.kind)
    .bind(q.stem)
    .bind(q.options_json)
    .bind(q.answer_json)
    .bind(q.explanation)
    .bind(q.points)
    .bind(q.position)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn questions_of_bank<'e>(
    db: impl AnyExecutor<'e>,
    bank_id: &str,
) -> sqlx::Result<Vec<QuestionRow>> {
    sqlx::query_as(
        "SELECT id, kind, stem, options_json, points FROM questions WHERE bank_id = $1 ORDER BY position",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// Whether the bank holds this question (checked on every save, so one indexed lookup).
pub async fn has_question<'e>(
    db: impl AnyExecutor<'e>,
    bank_id: &str,
    question_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM questions WHERE id = $1 AND bank_id = $2")
        .bind(question_id)
        .bind(bank_id)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

pub async fn count_questions<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM questions WHERE bank_id = $1")
        .bind(bank_id)
        .fetch_one(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct CandidateExamRow {
    pub exam_id: String,
    pub title: String,
    pub organization: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub proctoring_enabled: i64,
    pub max_attempts: i64,
    pub enrollment_id: String,
    pub enrollment_status: String,
}

/// The exams a user is enrolled in, soonest first.
pub async fn for_candidate<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
) -> sqlx::Result<Vec<CandidateExamRow>> {
    sqlx::query_as(
        "SELECT e.id AS exam_id, e.title, o.name AS organization, e.opens_at, e.closes_at, \
         e.duration_minutes, e.proctoring_enabled, e.max_attempts, n.id AS enrollment_id, \
         n.status AS enrollment_status \
         FROM enrollments n JOIN exams e ON e.id = n.exam_id JOIN organizations o ON o.id = e.org_id \
         WHERE n.user_id = $1 AND e.status IN ('SCHEDULED', 'ACTIVE', 'COMPLETED') ORDER BY e.opens_at, e.title",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct KeyedQuestion {
    pub id: String,
    pub kind: String,
    pub stem: String,
    pub options_json: String,
    pub answer_json: String,
    pub explanation: Option<String>,
    pub points: i64,
}

/// Questions with their correct answers: for grading and result pages, never for the player.
pub async fn questions_with_keys<'e>(
    db: impl AnyExecutor<'e>,
    bank_id: &str,
) -> sqlx::Result<Vec<KeyedQuestion>> {
    sqlx::query_as(
        "SELECT id, kind, stem, options_json, answer_json, explanation, points FROM questions \
         WHERE bank_id = $1 ORDER BY position",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// Whether the exam holds candidates' scores until a person has reviewed the attempt.
pub async fn set_withhold_results<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    withhold: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE exams SET withhold_results = $1 WHERE id = $2")
        .bind(i64::from(withhold))
        .bind(exam_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The organisation's exams by title, for choosing one.
pub async fn titles_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, title FROM exams WHERE org_id = $1 ORDER BY title, id")
        .bind(org_id)
        .fetch_all(db)
        .await
}
