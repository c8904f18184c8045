//! The telemetry rate's buckets, taken for many sessions in one write: each session's batch is
//! stored only if its bucket holds its events, refilled by the time passed and capped at the
//! burst; a session whose bucket runs dry does not hold the others back.

mod common;

use app::server::db::telemetry_buckets::{take_many, Claim, Rate};

#[tokio::test]
async fn one_write_takes_for_every_session_whose_bucket_holds_its_events() {
    let (_url, pool) = common::fresh_database("buckets").await;
    let seeded = app::server::review_seed::seed_review(&pool, 3, 1).await.unwrap();
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT id FROM exam_sessions WHERE org_id = $1 ORDER BY id LIMIT 3")
            .bind(&seeded.org_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    let [a, b, c] = [sessions[0].as_str(), sessions[1].as_str(), sessions[2].as_str()];
    // 10 events a second, 50 at once.
    let rate = Rate {
        burst_milli: 50_000,
        per_ms_milli: 10,
    };
    let mut conn = pool.acquire().await.unwrap();
    let t = 1_000_000;

    // New buckets start full: 10 and 50 fit, 60 never can.
    assert_eq!(
        take(&mut conn, rate, &[(a, 10), (b, 60), (c, 50)], t).await,
        sorted(&[a, c])
    );
    // At the same moment: a has 40 left, c none; b's first bucket is made by a batch that fits.
    assert_eq!(
        take(&mut conn, rate, &[(a, 40), (b, 50), (c, 1)], t).await,
        sorted(&[a, b])
    );
    assert_eq!(
        take(&mut conn, rate, &[(a, 1), (b, 1), (c, 1)], t).await,
        Vec::<String>::new()
    );
    // A clock behind the last taker's refills nothing.
    assert_eq!(
        take(&mut conn, rate, &[(a, 1)], t - 5_000).await,
        Vec::<String>::new()
    );
    // A second later each holds 10: 10 fits, 11 does not.
    assert_eq!(
        take(&mut conn, rate, &[(a, 10), (b, 11), (c, 5)], t + 1_000).await,
        sorted(&[a, c])
    );
    // Ten seconds later the buckets are full again, and no fuller than the burst.
    assert_eq!(
        take(&mut conn, rate, &[(a, 50), (b, 51), (c, 45)], t + 60_000).await,
        sorted(&[a, c])
    );
    // Buckets exist for the sessions claimed for, and for nothing else.
    let buckets: Vec<String> =
        sqlx::query_scalar("SELECT session_id FROM telemetry_buckets ORDER BY session_id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(
        buckets,
        sorted(&[a, b, c]),
        "only the claimed sessions have buckets"
    );
}

/// Claims for more sessions than one statement carries, in a number no statement length
/// matches: every session's bucket is taken from once, whichever statement carried it.
#[tokio::test]
async fn claims_across_statements_take_from_each_bucket_once() {
    let (_url, pool) = common::fresh_database("buckets-many").await;
    let seeded = app::server::review_seed::seed_review(&pool, 1_203, 1)
        .await
        .unwrap();
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM exam_sessions WHERE org_id = $1 ORDER BY id")
        .bind(&seeded.org_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1_203);
    let rate = Rate {
        burst_milli: 50_000,
        per_ms_milli: 10,
    };
    let mut conn = pool.acquire().await.unwrap();
    let claims: Vec<(&str, i64)> = ids.iter().map(|id| (id.as_str(), 30)).collect();
    let t = 1_000_000;
    assert_eq!(take(&mut conn, rate, &claims, t).await.len(), 1_203);
    // 20 left in each: a second claim of 30 at the same moment fits none of them.
    assert!(take(&mut conn, rate, &claims, t).await.is_empty());
    let left: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT tokens FROM telemetry_buckets")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(left, vec![20_000]);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM telemetry_buckets")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(count, 1_203);
}

async fn take(conn: &mut sqlx::AnyConnection, rate: Rate, claims: &[(&str, i64)], now: i64) -> Vec<String> {
    let claims: Vec<Claim> = claims
        .iter()
        .map(|&(session_id, events)| Claim { session_id, events })
        .collect();
    let mut taken = take_many(conn, &claims, rate, now).await.unwrap();
    taken.sort();
    taken
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}
