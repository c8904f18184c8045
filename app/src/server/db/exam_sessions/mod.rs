//! `exam_sessions`: one candidate's attempt at one exam. Its review columns (outcome, claim)
//! and the reviewers' queue are in [`review`].

pub mod review;

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct ExamSessionRow {
    pub id: String,
    pub exam_id: String,
    pub user_id: String,
    pub status: String,
    pub started_at: i64,
    pub deadline_at: i64,
    pub enrollment_id: String,
    pub submitted_at: Option<i64>,
    pub attempt_no: i64,
}

const COLUMNS: &str =
    "id, exam_id, user_id, status, started_at, deadline_at, enrollment_id, submitted_at, attempt_no";

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<ExamSessionRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM exam_sessions WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// What the exam page's heading and telemetry need about an attempt, its exam and its last
/// stored event.
#[derive(Debug, Clone, FromRow)]
pub struct PlayerHead {
    pub id: String,
    pub exam_id: String,
    pub status: String,
    pub deadline_at: i64,
    pub title: String,
    pub randomize_options: i64,
    pub proctoring_enabled: i64,
    pub require_fullscreen: i64,
    pub camera_policy: String,
    pub last_seq: i64,
}

/// The attempt `id` if `user_id` owns it, with its exam's title and settings and the highest
/// telemetry sequence number stored for it (0 for none), in one statement.
pub async fn player_head<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    user_id: &str,
) -> sqlx::Result<Option<PlayerHead>> {
    sqlx::query_as(
        "SELECT s.id, s.exam_id, s.status, s.deadline_at, e.title, e.randomize_options, \
           e.proctoring_enabled, e.require_fullscreen, e.camera_policy, \
           COALESCE((SELECT MAX(p.seq) FROM proctor_events p WHERE p.session_id = s.id), 0) AS last_seq \
         FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         WHERE s.id = $1 AND s.user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// The user's session of this exam that has not been submitted, if any.
pub async fn open_for<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<ExamSessionRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM exam_sessions WHERE exam_id = $1 AND user_id = $2 \
         AND submitted_at IS NULL AND status = 'IN_PROGRESS' \
         ORDER BY attempt_no DESC LIMIT 1"
    ))
    .bind(exam_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn count_attempts<'e>(db: impl AnyExecutor<'e>, enrollment_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exam_sessions WHERE enrollment_id = $1")
        .bind(enrollment_id)
        .fetch_one(db)
        .await
}

pub struct NewExamSession<'a> {
    pub id: &'a str,
    pub exam_id: &'a str,
    pub enrollment_id: &'a str,
    pub user_id: &'a str,
    pub attempt_no: i64,
    pub consented_at: Option<i64>,
    pub started_at: i64,
    pub deadline_at: i64,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, s: NewExamSession<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exam_sessions (id, exam_id, enrollment_id, user_id, attempt_no, status, consented_at, started_at, deadline_at, org_id) \
         VALUES ($1, $2, $3, $4, $5, 'IN_PROGRESS', $6, $7, $8, (SELECT org_id FROM exams WHERE id = $2))",
    )
    .bind(s.id)
    .bind(s.exam_id)
    .bind(s.enrollment_id)
    .bind(s.user_id)
    .bind(s.attempt_no)
    .bind(s.consented_at)
    .bind(s.started_at)
    .bind(s.deadline_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores the risk score computed from the session's flags, and how many flags it has; a
/// flagged session enters the review queue. Never touches the delivery status or the review
/// outcome: rules only raise flags.
pub async fn update_risk<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    risk_score: i64,
    flag_count: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exam_sessions SET risk_score = $2, flag_count = $3, \
         in_queue = CASE WHEN $3 > 0 THEN 1 ELSE in_queue END WHERE id = $1",
    )
    .bind(id)
    .bind(risk_score)
    .bind(flag_count)
    .execute(db)
    .await
    .map(|_| ())
}

/// What the telemetry pipeline needs to know about a session: whose it is, the owning
/// organisation (for live notices) and how sensitive its exam's rules are.
#[derive(Debug, Clone, FromRow)]
pub struct TelemetryTarget {
    pub id: String,
    pub user_id: String,
    pub status: String,
    pub org_id: String,
    pub sensitivity: String,
    pub proctoring_enabled: i64,
    pub submitted_at: Option<i64>,
    /// The enrollment's accommodations for the rules ([`shared::rules::Relaxations`]).
    pub relaxations_json: String,
    /// The exam's [`shared::exam_plan::CameraPolicy`].
    pub camera_policy: String,
}

pub async fn telemetry_target<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
) -> sqlx::Result<Option<TelemetryTarget>> {
    sqlx::query_as(
        "SELECT s.id, s.user_id, s.status, e.org_id, e.sensitivity, e.proctoring_enabled, s.submitted_at, \
         n.relaxations_json, e.camera_policy FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         JOIN enrollments n ON n.id = s.enrollment_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct LastHeard {
    pub id: String,
    pub org_id: String,
    pub sensitivity: String,
    pub last_event_id: String,
    pub last_server_ms: i64,
}

/// Open proctored sessions still within their deadline, with the last event the server heard.
pub async fn last_heard<'e>(db: impl AnyExecutor<'e>, now: i64) -> sqlx::Result<Vec<LastHeard>> {
    sqlx::query_as(
        "SELECT s.id, e.org_id, e.sensitivity, p.id AS last_event_id, p.server_ms AS last_server_ms \
         FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         JOIN proctor_events p ON p.session_id = s.id \
         AND p.seq = (SELECT MAX(seq) FROM proctor_events q WHERE q.session_id = s.id) \
         WHERE s.status = 'IN_PROGRESS' AND s.submitted_at IS NULL \
         AND e.proctoring_enabled = 1 AND s.deadline_at > $1",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Marks the attempt submitted unless it already is; returns whether this call did it. An
/// attempt at an exam that withholds results enters the review queue.
pub async fn mark_submitted<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    now: i64,
    auto: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET submitted_at = $2, auto_submitted = $3, status = 'COMPLETED', \
         in_queue = CASE WHEN EXISTS (SELECT 1 FROM exams e WHERE e.id = exam_sessions.exam_id \
         AND e.withhold_results = 1) THEN 1 ELSE in_queue END \
         WHERE id = $1 AND submitted_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(i64::from(auto))
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_grade<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    score: f64,
    max_score: f64,
    grading_status: &str,
    passed: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exam_sessions SET score = $2, max_score = $3, grading_status = $4, passed = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(score)
    .bind(max_score)
    .bind(grading_status)
    .bind(passed)
    .execute(db)
    .await
    .map(|_| ())
}

/// Records who graded an attempt's essays, and when.
pub async fn mark_graded_by<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE exam_sessions SET graded_by = $2, graded_at = $3 WHERE id = $1")
        .bind(id)
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct ToGradeRow {
    pub session_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at: i64,
    pub grading_status: String,
}

/// Submitted attempts of an organisation's exams whose essays wait for a person, oldest first.
pub async fn awaiting_grading_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<ToGradeRow>> {
    sqlx::query_as(
        "SELECT s.id AS session_id, e.title AS exam_title, u.display_name AS candidate_name, \
         s.submitted_at, s.grading_status FROM exam_sessions s \
         JOIN exams e ON e.id = s.exam_id JOIN users u ON u.id = s.user_id \
         WHERE e.org_id = $1 AND s.submitted_at IS NOT NULL AND s.grading_status = 'PENDING' \
         ORDER BY s.submitted_at",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// Attempts still open whose deadline is at or before `now`.
pub async fn due<'e>(db: impl AnyExecutor<'e>, now: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM exam_sessions WHERE submitted_at IS NULL AND deadline_at <= $1")
        .bind(now)
        .fetch_all(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct GradeRow {
    pub submitted_at: Option<i64>,
    pub auto_submitted: i64,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub grading_status: Option<String>,
    pub passed: Option<i64>,
    pub review_state: String,
    pub flag_count: i64,
}

pub async fn grade_of<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<GradeRow>> {
    sqlx::query_as(
        "SELECT submitted_at, auto_submitted, score, max_score, grading_status, passed, review_state, flag_count \
         FROM exam_sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The user's latest submitted attempt at an exam, if any.
/// The submitted attempt that counts for the exam's result: the highest score (the latest of
/// equal ones; attempts still waiting for a grader last) or the last one, as the exam says
/// (`exams.attempt_policy`).
pub async fn counting_attempt<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT s.id FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         WHERE s.exam_id = $1 AND s.user_id = $2 AND s.submitted_at IS NOT NULL \
         ORDER BY CASE WHEN e.attempt_policy = 'HIGHEST' THEN COALESCE(s.score, -1) ELSE 0 END DESC, \
         s.attempt_no DESC LIMIT 1",
    )
    .bind(exam_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// A session whose row [`lock_open_for_saves`] took: whose it is and until when it is open.
#[derive(Debug, Clone, FromRow)]
pub struct OpenForSave {
    pub id: String,
    pub user_id: String,
    pub deadline_at: i64,
}

/// Sessions taken in one statement (one parameter each, besides the time).
const OPEN_FOR_SAVE_CHUNK: usize = 250;

/// Takes the rows of the sessions of many saves at once: those not submitted, in progress and
/// within their deadline at `now`, returned. Being an UPDATE, it waits for a submission in
/// progress (PostgreSQL row lock; SQLite's single writer) and then sees it, so a save racing a
/// submit (the candidate's or the deadline job's) can never change an answer after submission.
/// One statement for many saves (they share commits, and on SQLite every statement is a round
/// trip made while every other writer waits for the lock); the caller checks each save's
/// person and its own time against what comes back.
pub async fn lock_open_for_saves(
    conn: &mut sqlx::AnyConnection,
    ids: &[&str],
    now: i64,
) -> sqlx::Result<Vec<OpenForSave>> {
    let mut open = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(OPEN_FOR_SAVE_CHUNK) {
        // $1 is the time; session k is $(k+2).
        let list: Vec<String> = (0..chunk.len()).map(|k| format!("${}", k + 2)).collect();
        let sql = format!(
            "UPDATE exam_sessions SET status = status WHERE submitted_at IS NULL \
             AND status = 'IN_PROGRESS' AND deadline_at >= $1 AND id IN ({}) \
             RETURNING id, user_id, deadline_at",
            list.join(", ")
        );
        let mut query = sqlx::query_as::<_, OpenForSave>(&sql).bind(now);
        for id in chunk {
            query = query.bind(*id);
        }
        open.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(open)
}

#[derive(Debug, Clone, FromRow)]
pub struct SilentSession {
    pub id: String,
    pub org_id: String,
    pub sensitivity: String,
    pub started_at: i64,
}

/// Open proctored sessions from which no event at all has arrived (socket and beacon blocked,
/// or a client that never ran), started before `started_before`.
pub async fn never_heard<'e>(
    db: impl AnyExecutor<'e>,
    now: i64,
    started_before: i64,
) -> sqlx::Result<Vec<SilentSession>> {
    sqlx::query_as(
        "SELECT s.id, e.org_id, e.sensitivity, s.started_at FROM exam_sessions s \
         JOIN exams e ON e.id = s.exam_id \
         WHERE s.status = 'IN_PROGRESS' AND s.submitted_at IS NULL AND e.proctoring_enabled = 1 \
         AND s.deadline_at > $1 AND s.started_at <= $2 \
         AND NOT EXISTS (SELECT 1 FROM proctor_events p WHERE p.session_id = s.id)",
    )
    .bind(now)
    .bind(started_before)
    .fetch_all(db)
    .await
}
