//! `outbox`: every message Vigil sends, written in the same transaction as the change that
//! caused it, and delivered afterwards (or only logged, when no mail server is configured).

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    to_email: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> sqlx::Result<String> {
    let id = crate::server::new_id();
    sqlx::query("INSERT INTO outbox (id, to_email, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(to_email)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(db)
        .await?;
    Ok(id)
}

/// Messages not yet delivered that have not failed too often, oldest first.
pub async fn unsent<'e>(
    db: impl AnyExecutor<'e>,
    max_attempts: i64,
    limit: i64,
) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, to_email, subject, body, attempts FROM outbox \
         WHERE sent_at IS NULL AND attempts < $1 ORDER BY created_at LIMIT $2",
    )
    .bind(max_attempts)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// What a sent message's body becomes.
pub const SENT_BODY: &str = "(sent; the text is not kept because it may hold a one-time link)";

pub async fn mark_sent<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<()> {
    // A sent message's body goes: it may hold a one-time link, which is a credential.
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL, body = $3 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .bind(SENT_BODY)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn mark_failed<'e>(db: impl AnyExecutor<'e>, id: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
