//! `staff_invitations`: single-use, expiring links that make someone a member of an
//! organisation with the roles its admin chose. Only a hash of the token is stored.

use shared::Role;
use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct StaffInvitationRow {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub roles: String,
    pub department_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl StaffInvitationRow {
    /// The roles it grants; names this version does not know are skipped.
    pub fn roles(&self) -> Vec<Role> {
        decode_roles(&self.roles)
    }
}

pub fn encode_roles(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

pub fn decode_roles(text: &str) -> Vec<Role> {
    text.split(',').filter_map(|n| n.trim().parse().ok()).collect()
}

const COLUMNS: &str =
    "id, org_id, email, roles, department_id, created_at, expires_at, accepted_at, revoked_at";

pub struct NewStaffInvitation<'a> {
    pub org_id: &'a str,
    pub email: &'a str,
    pub roles: &'a [Role],
    pub department_id: Option<&'a str>,
    pub token_hash: &'a str,
    pub invited_by: &'a str,
    pub expires_at: i64,
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    i: NewStaffInvitation<'_>,
    now: i64,
) -> sqlx::Result<String> {
    let id = crate::server::new_id();
    sqlx::query(
        "INSERT INTO staff_invitations (id, org_id, email, roles, department_id, token_hash, invited_by, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(i.org_id)
    .bind(i.email)
    .bind(encode_roles(i.roles))
    .bind(i.department_id)
    .bind(i.token_hash)
    .bind(i.invited_by)
    .bind(now)
    .bind(i.expires_at)
    .execute(db)
    .await?;
    Ok(id)
}

/// Revokes `email`'s unused invitations to the organisation, so only the newest link works.
pub async fn revoke_pending<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE staff_invitations SET revoked_at = $1 \
         WHERE org_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(org_id)
    .bind(email)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Withdraws one pending invitation of the organisation; false when it was not pending.
pub async fn revoke<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE staff_invitations SET revoked_at = $1 \
         WHERE org_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(org_id)
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn find_by_token_hash<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<Option<StaffInvitationRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM staff_invitations WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Marks the invitation used; false when it was used, revoked or expired meanwhile (one
/// statement, so a link cannot be accepted twice).
pub async fn mark_accepted<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE staff_invitations SET accepted_at = $1 \
         WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// The organisation's invitations nobody has used or withdrawn and that have not expired.
pub async fn pending<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    now: i64,
) -> sqlx::Result<Vec<StaffInvitationRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM staff_invitations WHERE org_id = $1 AND accepted_at IS NULL \
         AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 500"
    ))
    .bind(org_id)
    .bind(now)
    .fetch_all(db)
    .await
}
