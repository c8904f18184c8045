//! `users`.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
}

pub async fn find_by_email<'e>(db: impl AnyExecutor<'e>, email: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as("SELECT id, email, display_name, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn find_by_id<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as("SELECT id, email, display_name, password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Replaces a password hash, only if it is still `old_hash` (a change made meanwhile wins).
pub async fn replace_password<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    old_hash: &str,
    new_hash: &str,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
        .bind(id)
        .bind(old_hash)
        .bind(new_hash)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn set_display_name<'e>(db: impl AnyExecutor<'e>, id: &str, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_password<'e>(db: impl AnyExecutor<'e>, id: &str, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await
        .map(|_| ())
}
