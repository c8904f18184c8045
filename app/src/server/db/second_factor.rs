//! `user_totp`, `recovery_codes`, `second_factor_challenges`: a person's second factor and the
//! sign-ins waiting for it. Accepting a code, using a recovery code and counting a try are each
//! one conditional statement, so no code is accepted twice and no challenge tried past its limit.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct TotpRow {
    pub secret: String,
    pub enabled_at: Option<i64>,
    pub last_step: i64,
}

pub async fn totp<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<Option<TotpRow>> {
    sqlx::query_as("SELECT secret, enabled_at, last_step FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Starts (or restarts) setting up: a new secret, not yet enabled. Leaves an enabled one alone
/// (false then).
pub async fn begin<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    secret: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "INSERT INTO user_totp (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0 \
         WHERE user_totp.enabled_at IS NULL",
    )
    .bind(user_id)
    .bind(secret)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Enables the pending secret, its first code accepted at `step`; false if it was enabled or
/// replaced meanwhile.
pub async fn enable<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    secret: &str,
    step: i64,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE user_totp SET enabled_at = $4, last_step = $3 \
         WHERE user_id = $1 AND secret = $2 AND enabled_at IS NULL",
    )
    .bind(user_id)
    .bind(secret)
    .bind(step)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Accepts a code of time step `step` unless that step (or a later one) was already used.
pub async fn accept_step<'e>(db: impl AnyExecutor<'e>, user_id: &str, step: i64) -> sqlx::Result<bool> {
    sqlx::query("UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND enabled_at IS NOT NULL AND last_step < $2")
        .bind(user_id)
        .bind(step)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn remove<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn clear_recovery_codes<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn insert_recovery_code<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    code_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash) VALUES ($1, $2, $3)")
        .bind(crate::server::new_id())
        .bind(user_id)
        .bind(code_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// Uses a recovery code once; false if it is not one of the person's unused codes.
pub async fn use_recovery_code<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    code_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(code_hash)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn recovery_codes_left<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// Whether the organisation asks staff for a second factor and this person has none enabled.
pub async fn missing_where_required<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organizations o WHERE o.id = $1 AND o.staff_second_factor <> 0 \
         AND NOT EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = $2 AND t.enabled_at IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = $2)",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Whether any organisation where the person holds a staff role asks for a second factor.
pub async fn required_for<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_roles r JOIN organizations o ON o.id = r.org_id \
         WHERE r.user_id = $1 AND r.role <> 'CANDIDATE' AND o.staff_second_factor <> 0",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

pub async fn insert_challenge<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    user_id: &str,
    ip: Option<&str>,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO second_factor_challenges (token_hash, user_id, ip, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(ip)
    .bind(expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Counts one try at a live challenge and returns whose it is; `None` when it expired, was
/// used, or has had `max_tries` already.
pub async fn try_challenge<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
    max_tries: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE second_factor_challenges SET attempts = attempts + 1 \
         WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(db)
    .await
}

/// Whose a live challenge is, without counting a try.
pub async fn peek_challenge<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
    max_tries: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT user_id FROM second_factor_challenges WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(max_tries)
    .fetch_optional(db)
    .await
}

/// Ends a challenge (answered); false if it was already gone.
pub async fn end_challenge<'e>(db: impl AnyExecutor<'e>, token_hash: &str) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM second_factor_challenges WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

pub async fn prune_challenges<'e>(db: impl AnyExecutor<'e>, now: i64) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM second_factor_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
