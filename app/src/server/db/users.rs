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

/// A new account whose address is proven (it came by an emailed link, or is demo data).
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert_with(db, id, email, display_name, password_hash, now, Some(now)).await
}

/// A new account made by signing up: it cannot sign in until its address is proven.
pub async fn insert_unverified<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert_with(db, id, email, display_name, password_hash, now, None).await
}

async fn insert_with<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: i64,
    verified_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at, email_verified_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(now)
    .bind(verified_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Whether the account's address is proven.
pub async fn email_verified<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND email_verified_at IS NOT NULL")
            .bind(id)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}

/// Marks the address proven (a verification or reset link was followed); true if it was not yet.
pub async fn mark_email_verified<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The person's passkey user handle, given one if they have none yet (the conditional write
/// keeps the first one when two registrations begin at once).
pub async fn passkey_handle(db: &sqlx::AnyPool, id: &str, fresh: &str) -> sqlx::Result<Option<String>> {
    sqlx::query("UPDATE users SET passkey_handle = $2 WHERE id = $1 AND passkey_handle IS NULL")
        .bind(id)
        .bind(fresh)
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT passkey_handle FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}

/// Whose passkey user handle this is.
pub async fn find_by_passkey_handle<'e>(
    db: impl AnyExecutor<'e>,
    handle: &str,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as("SELECT id, email, display_name, password_hash FROM users WHERE passkey_handle = $1")
        .bind(handle)
        .fetch_optional(db)
        .await
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
