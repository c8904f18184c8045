//! `job_leases`: which node runs each background job, until when. See `server::jobs`.

use sqlx::AnyExecutor;

/// Takes or renews `job`'s lease for `node` until `until`, if `node` holds it or it ran out
/// at or before `now`; whether it did. One statement, so two nodes asking at once cannot
/// both be told yes.
pub async fn take<'e>(
    db: impl AnyExecutor<'e>,
    job: &str,
    node: &str,
    now: i64,
    until: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = $3 \
         WHERE job_leases.holder = $2 OR job_leases.expires_at <= $4",
    )
    .bind(job)
    .bind(node)
    .bind(until)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives `node`'s leases up (a node shutting down), so another node need not wait them out.
pub async fn release<'e>(db: impl AnyExecutor<'e>, node: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM job_leases WHERE holder = $1")
        .bind(node)
        .execute(db)
        .await?
        .rows_affected())
}
