//! `telemetry_buckets`: each exam session's token bucket for telemetry (see
//! [`crate::server::ingest::Limits`]), in thousandths of an event.

use sqlx::AnyConnection;

/// A bucket's capacity and refill, in thousandths of an event.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// The most a bucket holds.
    pub burst_milli: i64,
    /// Added per millisecond (events per second × 1,000 / 1,000).
    pub per_ms_milli: i64,
}

/// The tokens a bucket holds at `$4` (now), refilled since it was last taken from and capped
/// at `$2` (the burst); a clock behind the last taker's refills nothing.
const REFILLED: &str = "(CASE WHEN telemetry_buckets.tokens + \
     (CASE WHEN $4 > telemetry_buckets.refilled_at THEN ($4 - telemetry_buckets.refilled_at) * $5 ELSE 0 END) > $2 \
     THEN $2 \
     ELSE telemetry_buckets.tokens + \
     (CASE WHEN $4 > telemetry_buckets.refilled_at THEN ($4 - telemetry_buckets.refilled_at) * $5 ELSE 0 END) END)";

/// Takes `events` from the session's bucket if it holds that many, in one conditional write
/// (parallel takers on any node cannot both spend the same tokens). Returns whether it did.
pub async fn take(
    conn: &mut AnyConnection,
    session_id: &str,
    events: i64,
    rate: Rate,
    now: i64,
) -> sqlx::Result<bool> {
    let cost = events.saturating_mul(1_000);
    let sql = format!(
        "INSERT INTO telemetry_buckets (session_id, tokens, refilled_at) \
         SELECT $1, $2 - $3, $4 WHERE $3 <= $2 \
         ON CONFLICT (session_id) DO UPDATE SET \
         tokens = {REFILLED} - $3, \
         refilled_at = CASE WHEN $4 > telemetry_buckets.refilled_at THEN $4 ELSE telemetry_buckets.refilled_at END \
         WHERE {REFILLED} >= $3"
    );
    let done = sqlx::query(&sql)
        .bind(session_id)
        .bind(rate.burst_milli)
        .bind(cost)
        .bind(now)
        .bind(rate.per_ms_milli)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
