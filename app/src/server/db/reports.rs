//! What an exam's report reads: its attempts, the marks of every question each was asked, and
//! its flags. Read-only; one query each, whatever the number of attempts.

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
    /// The candidate's department in the exam's organisation.
    pub department_id: Option<String>,
}

pub async fn attempts<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as(
        "SELECT s.id, s.user_id, s.attempt_no, s.status, s.started_at, s.submitted_at, s.auto_submitted, \
           s.score, s.max_score, s.passed, s.review_state, m.department_id \
         FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         LEFT JOIN organization_members m ON m.org_id = e.org_id AND m.user_id = s.user_id \
         WHERE s.exam_id = $1 ORDER BY s.user_id, s.attempt_no",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// Separates the fields of one mark in [`AttemptMarks::marks`]. JSON escapes control
/// characters and ids never hold them, so neither separator can occur inside a field.
pub const FIELD: char = '\u{1f}';
/// Separates the marks of one attempt in [`AttemptMarks::marks`].
pub const MARK: char = '\u{1e}';

/// One submitted attempt's marks in one string: per question it was asked, `position`,
/// `version_id`, the points awarded (empty when left unanswered, `-` while an essay waits for
/// its grader) and, for a choice question, the saved answer (its option ids as JSON), joined
/// by [`FIELD`], the questions joined by [`MARK`]. One row per attempt rather than per mark:
/// 10,000 attempts at 50 questions are 10,000 rows to decode instead of 500,000, which is
/// most of what the report costs.
#[derive(Debug, Clone, FromRow)]
pub struct AttemptMarks {
    pub session_id: String,
    /// `None` for an attempt that was asked nothing.
    pub marks: Option<String>,
}

pub async fn marks<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<AttemptMarks>> {
    use shared::grading::QuestionKind;
    // A subquery per attempt rather than a GROUP BY over the join: its rows come grouped from
    // the index on `session_id`, so no temporary sort of 500,000 rows.
    sqlx::query_as(
        "SELECT s.id AS session_id, (SELECT string_agg( \
             CAST(aq.position AS TEXT) || $2 || aq.version_id || $2 || \
             CASE WHEN a.id IS NULL THEN '' ELSE COALESCE(CAST(a.points_awarded AS TEXT), '-') END || $2 || \
             CASE WHEN v.kind IN ($4, $5) THEN COALESCE(a.value_json, '') ELSE '' END, $3) \
           FROM attempt_questions aq \
           JOIN question_versions v ON v.id = aq.version_id \
           LEFT JOIN answers a ON a.session_id = aq.session_id AND a.question_id = aq.question_id \
           WHERE aq.session_id = s.id) AS marks \
         FROM exam_sessions s WHERE s.exam_id = $1 AND s.status = 'COMPLETED'",
    )
    .bind(exam_id)
    .bind(FIELD.to_string())
    .bind(MARK.to_string())
    .bind(QuestionKind::MultipleChoiceSingle.as_str())
    .bind(QuestionKind::MultipleChoiceMulti.as_str())
    .fetch_all(db)
    .await
}

/// The question versions the exam's attempts were asked.
#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub id: String,
    pub question_id: String,
    pub version_no: i64,
    pub title: String,
    pub kind: String,
    pub content_json: String,
}

/// These versions, by id (the ones the report's marks name: dozens as a rule, bound one by
/// one, a thousand to a query so no database's limit on parameters is met).
pub async fn versions(pool: &sqlx::AnyPool, ids: &[&str]) -> sqlx::Result<Vec<VersionRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT v.id, v.question_id, v.version_no, v.title, v.kind, v.content_json \
             FROM question_versions v WHERE v.id IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        out.extend(query.fetch_all(pool).await?);
    }
    Ok(out)
}

/// How many flags of a type and state one attempt has.
#[derive(Debug, Clone, FromRow)]
pub struct FlagCount {
    pub session_id: String,
    pub flag_type: String,
    pub status: String,
    pub flags: i64,
}

pub async fn flags<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<FlagCount>> {
    sqlx::query_as(
        "SELECT f.session_id, f.flag_type, f.status, COUNT(*) AS flags \
         FROM flags f JOIN exam_sessions s ON s.id = f.session_id WHERE s.exam_id = $1 \
         GROUP BY f.session_id, f.flag_type, f.status",
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

/// Scored uses of a bank question that are alike: the same version in the same exam, the
/// same points awarded and the same attempt score, and how many there were.
#[derive(Debug, Clone, FromRow)]
pub struct UseRow {
    pub question_id: String,
    pub version_id: String,
    pub exam_id: String,
    pub answered: i64,
    pub points: Option<f64>,
    pub score: f64,
    pub max_score: f64,
    pub uses: i64,
}

/// Every scored use of the bank's questions, in any exam, counted by kind of use: marks take
/// few values, so 500,000 uses come back as a few thousand rows.
pub async fn bank_uses<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<UseRow>> {
    sqlx::query_as(
        "SELECT aq.question_id, aq.version_id, s.exam_id, \
           CAST(CASE WHEN a.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS answered, a.points_awarded AS points, \
           s.score, s.max_score, COUNT(*) AS uses \
         FROM attempt_questions aq \
         JOIN questions q ON q.id = aq.question_id \
         JOIN exam_sessions s ON s.id = aq.session_id \
         LEFT JOIN answers a ON a.session_id = aq.session_id AND a.question_id = aq.question_id \
         WHERE q.bank_id = $1 AND s.status = 'COMPLETED' AND s.score IS NOT NULL AND s.max_score > 0 \
         GROUP BY 1, 2, 3, 4, 5, 6, 7",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// The content of every version of the bank's questions.
pub async fn bank_versions<'e>(db: impl AnyExecutor<'e>, bank_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT v.id, v.question_id, v.version_no, v.title, v.kind, v.content_json FROM question_versions v \
         JOIN questions q ON q.id = v.question_id WHERE q.bank_id = $1",
    )
    .bind(bank_id)
    .fetch_all(db)
    .await
}

/// A submitted attempt as the report lists it when someone looks for a candidate.
#[derive(Debug, Clone, FromRow)]
pub struct SubmittedRow {
    pub session_id: String,
    pub display_name: String,
    pub email: String,
    pub attempt_no: i64,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<i64>,
    pub submitted_at: i64,
}

/// Submitted attempts of the exam whose candidate's name or email matches `pattern` (a
/// lower-case LIKE pattern escaped by the caller), by name, at most `limit`.
pub async fn submitted<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    pattern: &str,
    limit: i64,
) -> sqlx::Result<Vec<SubmittedRow>> {
    sqlx::query_as(
        "SELECT s.id AS session_id, u.display_name, u.email, s.attempt_no, s.score, s.max_score, s.passed, \
           s.submitted_at \
         FROM exam_sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.exam_id = $1 AND s.submitted_at IS NOT NULL \
           AND (LOWER(u.email) LIKE $2 ESCAPE '\\' OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
         ORDER BY LOWER(u.display_name), u.email, s.attempt_no LIMIT $3",
    )
    .bind(exam_id)
    .bind(pattern)
    .bind(limit)
    .fetch_all(db)
    .await
}
