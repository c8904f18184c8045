//! `sign_in_throttle`: attempts counted per key (an account and address pair, an address, an
//! account). Every change is one conditional statement, so parallel requests each see the
//! count their own attempt made and cannot all slip under a limit together.

use sqlx::AnyExecutor;

/// Counts one attempt under `key` and returns the count in its window, this one included. The
/// window restarts when the one on record began at or before `window_from`.
pub async fn bump<'e>(db: impl AnyExecutor<'e>, key: &str, now: i64, window_from: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO sign_in_throttle (throttle_key, attempts, window_start, next_at) VALUES ($1, 1, $2, 0) \
         ON CONFLICT (throttle_key) DO UPDATE SET \
           attempts = CASE WHEN sign_in_throttle.window_start <= $3 THEN 1 \
                      ELSE sign_in_throttle.attempts + 1 END, \
           window_start = CASE WHEN sign_in_throttle.window_start <= $3 THEN $2 \
                          ELSE sign_in_throttle.window_start END \
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .bind(window_from)
    .fetch_one(db)
    .await
}

/// The count under `key` in a window that began after `window_from`, and when the next
/// attempt is heard.
pub async fn read<'e>(db: impl AnyExecutor<'e>, key: &str, window_from: i64) -> sqlx::Result<(i64, i64)> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT attempts, next_at FROM sign_in_throttle WHERE throttle_key = $1 AND window_start > $2",
    )
    .bind(key)
    .bind(window_from)
    .fetch_optional(db)
    .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Takes the next attempt's turn under `key` if its time has come, holding the following
/// turn until `hold_until` (the caller sets the real delay once the attempt's outcome is
/// known). Of several parallel callers, one gets the turn.
pub async fn take_turn<'e>(
    db: impl AnyExecutor<'e>,
    key: &str,
    now: i64,
    hold_until: i64,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE sign_in_throttle SET next_at = $3 WHERE throttle_key = $1 AND next_at <= $2")
        .bind(key)
        .bind(now)
        .bind(hold_until)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Sets when the next attempt under `key` is heard.
pub async fn set_next<'e>(db: impl AnyExecutor<'e>, key: &str, next_at: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sign_in_throttle SET next_at = $2 WHERE throttle_key = $1")
        .bind(key)
        .bind(next_at)
        .execute(db)
        .await
        .map(|_| ())
}

/// Takes one attempt off the count under `key` (an attempt that turned out well).
pub async fn give_back<'e>(db: impl AnyExecutor<'e>, key: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sign_in_throttle SET attempts = attempts - 1 WHERE throttle_key = $1 AND attempts > 0",
    )
    .bind(key)
    .execute(db)
    .await
    .map(|_| ())
}

/// Forgets `key` (after a successful sign-in).
pub async fn clear<'e>(db: impl AnyExecutor<'e>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE throttle_key = $1")
        .bind(key)
        .execute(db)
        .await
        .map(|_| ())
}

/// Forgets counts whose window ended before `before` and whose delay has passed: they can no
/// longer refuse anything, and the table would otherwise grow with every address ever seen.
pub async fn prune<'e>(db: impl AnyExecutor<'e>, before: i64, now: i64) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE window_start < $1 AND next_at < $2")
        .bind(before)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
