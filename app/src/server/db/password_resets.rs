//! `password_resets`: one-time links to set a new password. Only the token's hash is stored.

use sqlx::AnyExecutor;

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO password_resets (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::server::new_id())
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Uses a link: marks it used if it is unused and unexpired, in the one statement that checks,
/// and returns whose it was.
pub async fn take<'e>(db: impl AnyExecutor<'e>, token_hash: &str, now: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Retires every other unused link of a user (the password they were for has changed).
pub async fn retire_for_user<'e>(db: impl AnyExecutor<'e>, user_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}
