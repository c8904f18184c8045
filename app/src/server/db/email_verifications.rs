//! `email_verifications`: one-time links that prove a new account's address. Only the token's
//! hash is stored.

use sqlx::AnyExecutor;

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO email_verifications (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
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
        "UPDATE email_verifications SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// How many links were sent to the account since `since` (resending is limited).
pub async fn sent_since<'e>(db: impl AnyExecutor<'e>, user_id: &str, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM email_verifications WHERE user_id = $1 AND created_at > $2")
        .bind(user_id)
        .bind(since)
        .fetch_one(db)
        .await
}
