//! `enrollments`: who may sit which exam, in which state, with which accommodation.

use shared::schedule::Accommodation;
use shared::EnrollmentStatus;
use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct EnrollmentRow {
    pub id: String,
    pub exam_id: String,
    pub user_id: String,
    pub status: String,
    pub extra_time_minutes: i64,
    pub extra_time_percent: i64,
    /// This candidate's own window, where it differs from the exam's.
    pub opens_at_override: Option<i64>,
    pub closes_at_override: Option<i64>,
    /// Attempts beyond the exam's.
    pub extra_attempts: i64,
}

impl EnrollmentRow {
    /// The window this candidate may start in: their own where set, else the exam's.
    pub fn window(&self, exam: &super::exams::ExamRow) -> (i64, i64) {
        (
            self.opens_at_override.unwrap_or(exam.opens_at),
            self.closes_at_override.unwrap_or(exam.closes_at),
        )
    }

    /// How many attempts this candidate may start.
    pub fn attempts_allowed(&self, exam: &super::exams::ExamRow) -> i64 {
        exam.max_attempts.saturating_add(self.extra_attempts.max(0))
    }

    pub fn accommodation(&self) -> Accommodation {
        Accommodation {
            extra_percent: self.extra_time_percent,
            extra_minutes: self.extra_time_minutes,
        }
    }

    pub fn status(&self) -> EnrollmentStatus {
        parse_status(&self.status)
    }
}

/// A stored status; an unknown name (from a newer version) reads as INVITED, the state that
/// lets the candidate do least.
pub fn parse_status(stored: &str) -> EnrollmentStatus {
    stored.parse().unwrap_or(EnrollmentStatus::Invited)
}

const COLUMNS: &str = "id, exam_id, user_id, status, extra_time_minutes, extra_time_percent, \
    opens_at_override, closes_at_override, extra_attempts";

pub async fn find<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<EnrollmentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM enrollments WHERE exam_id = $1 AND user_id = $2"
    ))
    .bind(exam_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn find_by_id<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<EnrollmentRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM enrollments WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    user_id: &str,
    status: EnrollmentStatus,
    accommodation: Accommodation,
    now: i64,
) -> sqlx::Result<String> {
    let id = crate::server::new_id();
    sqlx::query(
        "INSERT INTO enrollments (id, exam_id, user_id, status, extra_time_minutes, extra_time_percent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(exam_id)
    .bind(user_id)
    .bind(status.as_str())
    .bind(accommodation.extra_minutes)
    .bind(accommodation.extra_percent)
    .bind(now)
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn set_status<'e>(
    db: impl AnyExecutor<'e>,
    enrollment_id: &str,
    status: EnrollmentStatus,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE enrollments SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(enrollment_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_accommodation<'e>(
    db: impl AnyExecutor<'e>,
    enrollment_id: &str,
    accommodation: Accommodation,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE enrollments SET extra_time_percent = $1, extra_time_minutes = $2 WHERE id = $3")
        .bind(accommodation.extra_percent)
        .bind(accommodation.extra_minutes)
        .bind(enrollment_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Stores the rules relaxed for one candidate ([`shared::rules::Relaxations`] as JSON).
pub async fn set_relaxations<'e>(
    db: impl AnyExecutor<'e>,
    enrollment_id: &str,
    json: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE enrollments SET relaxations_json = $1 WHERE id = $2")
        .bind(json)
        .bind(enrollment_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Gives one candidate their own window (`None`: the exam's) and attempts beyond the exam's.
pub async fn set_overrides<'e>(
    db: impl AnyExecutor<'e>,
    enrollment_id: &str,
    opens_at: Option<i64>,
    closes_at: Option<i64>,
    extra_attempts: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE enrollments SET opens_at_override = $1, closes_at_override = $2, extra_attempts = $3 WHERE id = $4",
    )
    .bind(opens_at)
    .bind(closes_at)
    .bind(extra_attempts)
    .bind(enrollment_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// The latest any candidate of the exam may still start or work: its window's end, or a
/// later one of a candidate's own (results that wait for the window wait for this).
pub async fn last_close<'e>(db: impl AnyExecutor<'e>, exam_id: &str, closes_at: i64) -> sqlx::Result<i64> {
    let latest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(closes_at_override) FROM enrollments WHERE exam_id = $1")
            .bind(exam_id)
            .fetch_one(db)
            .await?;
    Ok(latest.map_or(closes_at, |l| l.max(closes_at)))
}

#[derive(Debug, Clone, FromRow)]
pub struct RosterRow {
    pub enrollment_id: String,
    pub email: String,
    pub display_name: String,
    pub status: String,
    pub extra_time_minutes: i64,
    pub extra_time_percent: i64,
    pub attempts_used: i64,
    pub relaxations_json: String,
    pub opens_at_override: Option<i64>,
    pub closes_at_override: Option<i64>,
    pub extra_attempts: i64,
}

/// Everyone enrolled in an exam, by name, with how many attempts they have started.
pub async fn roster<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<RosterRow>> {
    sqlx::query_as(
        "SELECT n.id AS enrollment_id, u.email, u.display_name, n.status, n.extra_time_minutes, \
         n.extra_time_percent, (SELECT COUNT(*) FROM exam_sessions s WHERE s.enrollment_id = n.id) AS attempts_used, \
         n.relaxations_json, n.opens_at_override, n.closes_at_override, n.extra_attempts \
         FROM enrollments n JOIN users u ON u.id = n.user_id WHERE n.exam_id = $1 \
         ORDER BY u.display_name, u.email",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}
