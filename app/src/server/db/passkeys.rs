//! `passkeys` and `passkey_ceremonies`: people's registered passkeys, and the state of a
//! ceremony between its two requests.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct PasskeyRow {
    pub id: String,
    pub credential_id: String,
    pub name: String,
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str = "id, credential_id, name, credential, created_at, last_used_at";

pub async fn for_user<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Vec<PasskeyRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn count_for_user<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

pub async fn find<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    credential_id: &str,
) -> sqlx::Result<Option<PasskeyRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 AND credential_id = $2"
    ))
    .bind(user_id)
    .bind(credential_id)
    .fetch_optional(db)
    .await
}

pub struct NewPasskey<'a> {
    pub user_id: &'a str,
    pub credential_id: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
}

/// Adds a passkey unless the person already holds `max` (counted in the insert itself, so two
/// registrations at once cannot pass the limit). False when refused.
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    new: NewPasskey<'_>,
    max: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "INSERT INTO passkeys (id, user_id, credential_id, name, credential, created_at) \
         SELECT $1, $2, $3, $4, $5, $6 WHERE (SELECT COUNT(*) FROM passkeys WHERE user_id = $2) < $7",
    )
    .bind(crate::server::new_id())
    .bind(new.user_id)
    .bind(new.credential_id)
    .bind(new.name)
    .bind(new.credential)
    .bind(now)
    .bind(max)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn credential_taken<'e>(db: impl AnyExecutor<'e>, credential_id: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// Stores the counter a sign-in moved on, and when it was used.
pub async fn used<'e>(db: impl AnyExecutor<'e>, id: &str, credential: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
        .bind(id)
        .bind(credential)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// Removes one of the person's passkeys; the name it had, if it was theirs and could go. With
/// `keep_a_factor` (their organisation requires a second factor) the last one goes only while an
/// authenticator app is also set up, checked in the delete itself.
pub async fn remove<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    id: &str,
    keep_a_factor: bool,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "DELETE FROM passkeys WHERE id = $1 AND user_id = $2 AND ($3 = 0 \
           OR EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = $2 AND t.enabled_at IS NOT NULL) \
           OR (SELECT COUNT(*) FROM passkeys o WHERE o.user_id = $2) > 1) \
         RETURNING name",
    )
    .bind(id)
    .bind(user_id)
    .bind(i64::from(keep_a_factor))
    .fetch_optional(db)
    .await
}

pub struct NewCeremony<'a> {
    pub id: &'a str,
    pub purpose: &'a str,
    pub user_id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub state: &'a str,
    pub expires_at: i64,
}

pub async fn insert_ceremony<'e>(db: impl AnyExecutor<'e>, c: NewCeremony<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO passkey_ceremonies (id, purpose, user_id, name, state, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(c.id)
    .bind(c.purpose)
    .bind(c.user_id)
    .bind(c.name)
    .bind(c.state)
    .bind(c.expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, FromRow)]
pub struct CeremonyRow {
    pub purpose: String,
    pub user_id: Option<String>,
    pub name: Option<String>,
    pub state: String,
}

/// Takes a live ceremony: deleted in the statement that reads it, so it is answered once.
pub async fn take_ceremony<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    now: i64,
) -> sqlx::Result<Option<CeremonyRow>> {
    sqlx::query_as(
        "DELETE FROM passkey_ceremonies WHERE id = $1 AND expires_at > $2 RETURNING purpose, user_id, name, state",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn prune_ceremonies<'e>(db: impl AnyExecutor<'e>, now: i64) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
