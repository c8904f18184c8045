//! `sessions`: sign-in sessions (not exam sessions). Only a hash of the token is stored.

use super::users::UserRow;
use sqlx::AnyExecutor;

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    user_id: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
    ip: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .bind(ip)
    .execute(db)
    .await
    .map(|_| ())
}

/// The user a live session token belongs to.
pub async fn user_for_token<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.password_hash FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Ends a session; returns the user it belonged to, if it existed.
pub async fn delete<'e>(db: impl AnyExecutor<'e>, token_hash: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}
