//! `question_banks`, `questions` (as the demo seeds them), `exams`.

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
    pub instructions: String,
    pub attempt_policy: String,
    pub results_when: String,
    pub camera_policy: String,
}

const EXAM_COLUMNS: &str = "id, org_id, bank_id, title, description, status, opens_at, closes_at, \
    duration_minutes, max_attempts, proctoring_enabled, require_fullscreen, sensitivity, passing_score, \
    show_results, randomize_questions, randomize_options, withhold_results, instructions, attempt_policy, \
    results_when, camera_policy";

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
    pub max_attempts: i64,
    pub camera: shared::exam_plan::CameraPolicy,
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
         randomize_questions, randomize_options, camera_policy) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $15, 50, $10, $11, $12, $13, $14, $14, $16)",
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
    .bind(e.max_attempts)
    .bind(e.camera.as_str())
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
    pub opens_at_override: Option<i64>,
    pub closes_at_override: Option<i64>,
    pub extra_attempts: i64,
}

/// The exams a user is enrolled in, soonest first.
pub async fn for_candidate<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
) -> sqlx::Result<Vec<CandidateExamRow>> {
    sqlx::query_as(
        "SELECT e.id AS exam_id, e.title, o.name AS organization, e.opens_at, e.closes_at, \
         e.duration_minutes, e.proctoring_enabled, e.max_attempts, n.id AS enrollment_id, \
         n.status AS enrollment_status, n.opens_at_override, n.closes_at_override, n.extra_attempts \
         FROM enrollments n JOIN exams e ON e.id = n.exam_id JOIN organizations o ON o.id = e.org_id \
         WHERE n.user_id = $1 AND e.status IN ('SCHEDULED', 'ACTIVE', 'COMPLETED') ORDER BY e.opens_at, e.title",
    )
    .bind(user_id)
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

/// An exam's settings as the builder writes them (strings at this edge only).
pub struct ExamSettings<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub instructions: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub max_attempts: i64,
    pub attempt_policy: &'a str,
    pub passing_score: i64,
    pub proctoring: bool,
    pub sensitivity: &'a str,
    pub require_fullscreen: bool,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub results: &'a str,
    pub results_when: &'a str,
    pub camera_policy: &'a str,
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds the settings in the order both statements below name their columns, title first,
/// `camera_policy` last.
fn bind_settings<'q>(query: AnyQuery<'q>, s: &ExamSettings<'q>) -> AnyQuery<'q> {
    query
        .bind(s.title)
        .bind(s.description)
        .bind(s.instructions)
        .bind(s.opens_at)
        .bind(s.closes_at)
        .bind(s.duration_minutes)
        .bind(s.max_attempts)
        .bind(s.attempt_policy)
        .bind(s.passing_score)
        .bind(i64::from(s.proctoring))
        .bind(s.sensitivity)
        .bind(i64::from(s.require_fullscreen))
        .bind(i64::from(s.shuffle_questions))
        .bind(i64::from(s.shuffle_options))
        .bind(s.results)
        .bind(s.results_when)
        .bind(s.camera_policy)
}

/// A new exam, as a draft, started from `bank_id`.
pub async fn insert_draft<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    org_id: &str,
    bank_id: &str,
    created_by: &str,
    s: &ExamSettings<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let query = sqlx::query(
        "INSERT INTO exams (id, org_id, bank_id, title, description, instructions, status, opens_at, closes_at, \
         duration_minutes, max_attempts, attempt_policy, passing_score, proctoring_enabled, sensitivity, \
         require_fullscreen, randomize_questions, randomize_options, show_results, results_when, camera_policy, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'DRAFT', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)",
    )
    .bind(id)
    .bind(org_id)
    .bind(bank_id);
    bind_settings(query, s)
        .bind(created_by)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// Writes an exam's settings, only if it is still in `status` (what the caller checked).
pub async fn update_settings<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    status: &str,
    s: &ExamSettings<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let query = sqlx::query(
        "UPDATE exams SET title = $3, description = $4, instructions = $5, opens_at = $6, closes_at = $7, \
         duration_minutes = $8, max_attempts = $9, attempt_policy = $10, passing_score = $11, \
         proctoring_enabled = $12, sensitivity = $13, require_fullscreen = $14, randomize_questions = $15, \
         randomize_options = $16, show_results = $17, results_when = $18, camera_policy = $19, updated_at = $20 \
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(status);
    bind_settings(query, s)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Moves an exam from one stored status to another; false if it was no longer in `from`.
pub async fn set_status<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE exams SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// How many attempts were started (any freezes the exam's questions and rules).
pub async fn attempt_count<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exam_sessions WHERE exam_id = $1")
        .bind(exam_id)
        .fetch_one(db)
        .await
}

/// The time zone the organisation enters and reads times in (an IANA name).
pub async fn org_time_zone<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT time_zone FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// Takes a draft exam's row for a change to what it is made of: false if it is no longer a
/// draft (published meanwhile), in which case the caller changes nothing.
pub async fn touch_draft<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE exams SET updated_at = $2 WHERE id = $1 AND status = 'DRAFT'")
        .bind(id)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Returns a published exam to draft, only while nobody has started it.
pub async fn unpublish<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE exams SET status = 'DRAFT', updated_at = $2 WHERE id = $1 AND status IN ('SCHEDULED', 'ACTIVE') \
         AND NOT EXISTS (SELECT 1 FROM exam_sessions s WHERE s.exam_id = $1)",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct BuiltExamRow {
    pub id: String,
    pub title: String,
    pub organization: String,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
}

/// The exams of the given organisations, newest window first.
pub async fn in_org<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Vec<BuiltExamRow>> {
    sqlx::query_as(
        "SELECT e.id, e.title, o.name AS organization, e.status, e.opens_at, e.closes_at \
         FROM exams e JOIN organizations o ON o.id = e.org_id WHERE e.org_id = $1 ORDER BY e.opens_at DESC, e.title",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}
