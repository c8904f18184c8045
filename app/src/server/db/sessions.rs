//! `sessions`: sign-in sessions (not exam sessions). Only a hash of the token is stored.

use super::users::UserRow;
use shared::Role;
use sqlx::{AnyExecutor, FromRow};

pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub token_hash: &'a str,
    pub expires_at: i64,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, s: NewSession<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip, last_seen_at, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $4, $7)",
    )
    .bind(s.id)
    .bind(s.user_id)
    .bind(s.token_hash)
    .bind(now)
    .bind(s.expires_at)
    .bind(s.ip)
    .bind(s.user_agent)
    .execute(db)
    .await
    .map(|_| ())
}

/// A live session's user, when the session was last used, and the user's roles.
#[derive(Debug, Clone)]
pub struct Live {
    pub session_id: String,
    pub user: UserRow,
    pub last_seen_at: i64,
    /// Every role the user holds in any active organisation, in [`Role::ALL`]'s order: for
    /// navigation (the header), never for access decisions, which ask about one organisation.
    pub roles: Vec<Role>,
}

/// The session behind a token, if it has neither expired nor gone unused since `idle_since`,
/// with its user's roles. One statement: every page asks it (the header names the user and
/// their areas), and a statement is a round trip to the database's thread or server.
pub async fn live<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
    idle_since: i64,
) -> sqlx::Result<Option<Live>> {
    // One row per distinct role (one row with no role for a user without any).
    let rows: Vec<LiveRow> = sqlx::query_as(
        "SELECT DISTINCT s.id AS session_id, u.id AS user_id, u.email, u.display_name, u.password_hash, \
           s.last_seen_at, r.role \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN user_roles r ON r.user_id = u.id AND EXISTS \
           (SELECT 1 FROM organizations o WHERE o.id = r.org_id AND o.suspended_at IS NULL) \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_since)
    .fetch_all(db)
    .await?;
    let roles = super::orgs::in_role_order(rows.iter().filter_map(|row| row.role.as_deref()));
    Ok(rows.into_iter().next().map(|row| Live {
        session_id: row.session_id,
        user: UserRow {
            id: row.user_id,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
        },
        last_seen_at: row.last_seen_at,
        roles,
    }))
}

/// One row of [`live`]'s statement.
#[derive(FromRow)]
struct LiveRow {
    session_id: String,
    user_id: String,
    email: String,
    display_name: String,
    password_hash: String,
    last_seen_at: i64,
    role: Option<String>,
}

/// Marks a session used now.
pub async fn touch<'e>(db: impl AnyExecutor<'e>, session_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2")
        .bind(session_id)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// One of a person's sessions, as "your sessions" lists it.
#[derive(FromRow)]
pub struct SessionRow {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A user's live sessions, most recently used first.
pub async fn list_for_user<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    now: i64,
    idle_since: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .bind(idle_since)
    .fetch_all(db)
    .await
}

/// Ends one of a user's sessions by its id; whether it was theirs and existed.
pub async fn delete_for_user<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    session_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(session_id)
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Ends every session of a user but `keep` (a password change keeps the one that made it).
pub async fn delete_others<'e>(db: impl AnyExecutor<'e>, user_id: &str, keep: &str) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Ends a session; returns the user it belonged to, if it existed.
pub async fn delete<'e>(db: impl AnyExecutor<'e>, token_hash: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Ends every session of a user.
pub async fn delete_all<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
