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

/// Most claims one statement carries (two bound parameters each).
const CLAIMS_PER_STATEMENT: usize = 1_000;

/// The tokens a bucket holds at `$2` (now), refilled at `$3` per millisecond since it was last
/// taken from and capped at `$1` (the burst); a clock behind the last taker's refills nothing.
const REFILLED: &str = "(CASE WHEN telemetry_buckets.tokens + \
     (CASE WHEN $2 > telemetry_buckets.refilled_at THEN ($2 - telemetry_buckets.refilled_at) * $3 ELSE 0 END) > $1 \
     THEN $1 \
     ELSE telemetry_buckets.tokens + \
     (CASE WHEN $2 > telemetry_buckets.refilled_at THEN ($2 - telemetry_buckets.refilled_at) * $3 ELSE 0 END) END)";

/// What one session would spend: the events of one batch.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub session_id: &'a str,
    pub events: i64,
}

/// Takes each claim's events from its session's bucket where the bucket holds that many, in
/// one conditional write for all of them (parallel takers on any node cannot both spend the
/// same tokens); returns the sessions it took from. The claims must name distinct sessions, in
/// the order their rows are to be locked: a statement cannot change one row twice.
pub async fn take_many(
    conn: &mut AnyConnection,
    claims: &[Claim<'_>],
    rate: Rate,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    let mut taken = Vec::with_capacity(claims.len());
    for chunk in claims.chunks(CLAIMS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 4 + 2 * i, 5 + 2 * i))
            .collect();
        // A new bucket starts full, less the claim; `excluded.tokens` is that, so the claim's
        // cost is the burst less it.
        let sql = format!(
            "INSERT INTO telemetry_buckets (session_id, tokens, refilled_at) \
             SELECT column1, $1 - column2, $2 FROM (VALUES {}) AS claims WHERE column2 <= $1 \
             ON CONFLICT (session_id) DO UPDATE SET \
             tokens = {REFILLED} - ($1 - excluded.tokens), \
             refilled_at = CASE WHEN $2 > telemetry_buckets.refilled_at THEN $2 ELSE telemetry_buckets.refilled_at END \
             WHERE {REFILLED} >= $1 - excluded.tokens \
             RETURNING session_id",
            values.join(",")
        );
        let mut q = sqlx::query_scalar::<_, String>(&sql)
            .bind(rate.burst_milli)
            .bind(now)
            .bind(rate.per_ms_milli);
        for c in chunk {
            q = q.bind(c.session_id).bind(c.events.saturating_mul(1_000));
        }
        taken.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(taken)
}
