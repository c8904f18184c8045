//! `password_resets` and `email_verifications`: single-use links sent by email. Only a hash of
//! the token is stored; a link is taken once, before it expires.

use sqlx::AnyExecutor;

#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// Sets a new password (30 minutes).
    PasswordReset,
    /// Proves a new account's address (a day).
    EmailVerification,
}

impl Link {
    fn table(self) -> &'static str {
        match self {
            Link::PasswordReset => "password_resets",
            Link::EmailVerification => "email_verifications",
        }
    }
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    link: Link,
    user_id: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {} (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        link.table()
    ))
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
pub async fn take<'e>(
    db: impl AnyExecutor<'e>,
    link: Link,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(&format!(
        "UPDATE {} SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
        link.table()
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Retires every other unused link of a user (what they were for has happened).
pub async fn retire_for_user<'e>(
    db: impl AnyExecutor<'e>,
    link: Link,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "UPDATE {} SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        link.table()
    ))
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}
