//! `invitations`: single-use, expiring links that enroll a candidate in an exam. Only a hash
//! of the token is stored, as for sign-in sessions.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct InvitationRow {
    pub id: String,
    pub org_id: String,
    pub exam_id: String,
    pub email: String,
    pub extra_time_percent: i64,
    pub extra_time_minutes: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl InvitationRow {
    /// The extra time the invitation grants.
    pub fn accommodation(&self) -> shared::schedule::Accommodation {
        shared::schedule::Accommodation {
            extra_percent: self.extra_time_percent,
            extra_minutes: self.extra_time_minutes,
        }
    }
}

const COLUMNS: &str = "id, org_id, exam_id, email, extra_time_percent, extra_time_minutes, created_at, \
                       expires_at, accepted_at, revoked_at";

pub struct NewInvitation<'a> {
    pub org_id: &'a str,
    pub exam_id: &'a str,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub accommodation: shared::schedule::Accommodation,
    pub invited_by: &'a str,
    pub expires_at: i64,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, i: NewInvitation<'_>, now: i64) -> sqlx::Result<String> {
    let id = crate::server::new_id();
    sqlx::query(
        "INSERT INTO invitations (id, org_id, exam_id, email, token_hash, extra_time_percent, \
         extra_time_minutes, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(i.org_id)
    .bind(i.exam_id)
    .bind(i.email)
    .bind(i.token_hash)
    .bind(i.accommodation.extra_percent)
    .bind(i.accommodation.extra_minutes)
    .bind(i.invited_by)
    .bind(now)
    .bind(i.expires_at)
    .execute(db)
    .await?;
    Ok(id)
}

/// Revokes the still-unused invitations of `email` to an exam, so only the newest link works.
pub async fn revoke_pending<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE exam_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(exam_id)
    .bind(email)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

pub async fn find_by_token_hash<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<Option<InvitationRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Marks the invitation used. False when it was used, revoked or expired in the meantime: the
/// check and the change are one statement, so a link cannot be accepted twice.
pub async fn mark_accepted<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE invitations SET accepted_at = $1 \
         WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Invitations to an exam that nobody has accepted and that were not replaced, newest first.
pub async fn pending_for_exam<'e>(
    db: impl AnyExecutor<'e>,
    exam_id: &str,
) -> sqlx::Result<Vec<InvitationRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invitations WHERE exam_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL \
         ORDER BY created_at DESC"
    ))
    .bind(exam_id)
    .fetch_all(db)
    .await
}
