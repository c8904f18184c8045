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
}

impl EnrollmentRow {
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

const COLUMNS: &str = "id, exam_id, user_id, status, extra_time_minutes, extra_time_percent";

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
}

/// Everyone enrolled in an exam, by name, with how many attempts they have started.
pub async fn roster<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<RosterRow>> {
    sqlx::query_as(
        "SELECT n.id AS enrollment_id, u.email, u.display_name, n.status, n.extra_time_minutes, \
         n.extra_time_percent, (SELECT COUNT(*) FROM exam_sessions s WHERE s.enrollment_id = n.id) AS attempts_used, \
         n.relaxations_json \
         FROM enrollments n JOIN users u ON u.id = n.user_id WHERE n.exam_id = $1 \
         ORDER BY u.display_name, u.email",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}
