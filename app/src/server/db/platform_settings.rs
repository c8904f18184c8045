//! `platform_settings`: the installation's own settings, in one row.

use sqlx::AnyExecutor;

/// Whether anyone may make an account by signing up (otherwise only by invitation).
pub async fn self_sign_up<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<bool> {
    let on: Option<i64> = sqlx::query_scalar("SELECT self_sign_up FROM platform_settings WHERE id = 1")
        .fetch_optional(db)
        .await?;
    // No row means the defaults: sign-up open.
    Ok(on.is_none_or(|v| v != 0))
}

pub async fn set_self_sign_up<'e>(db: impl AnyExecutor<'e>, on: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE platform_settings SET self_sign_up = $1 WHERE id = 1")
        .bind(i64::from(on))
        .execute(db)
        .await
        .map(|_| ())
}
