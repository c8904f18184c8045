//! Background jobs run once across nodes sharing a database: each job's lease (`job_leases`)
//! is taken by one conditional write, renewed by its holder, taken over by another node once
//! it runs out, and given up when a node shuts down. Two real `vigil` processes on one
//! database (SQLite file or PostgreSQL).

mod common;

use app::server::db::job_leases;
use common::{fresh_database, TestApp};
use std::time::Duration;

/// Who holds each job's lease now.
async fn holders(pool: &sqlx::AnyPool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT name, holder FROM job_leases ORDER BY name")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Waits (up to 15 s) until `pred` holds of the leases.
async fn until(
    pool: &sqlx::AnyPool,
    what: &str,
    pred: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    for _ in 0..150 {
        let now = holders(pool).await;
        if pred(&now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: the leases stayed {:?}", holders(pool).await);
}

fn holder_of<'a>(leases: &'a [(String, String)], job: &str) -> Option<&'a str> {
    leases
        .iter()
        .find(|(name, _)| name == job)
        .map(|(_, h)| h.as_str())
}

#[tokio::test]
async fn a_lease_is_held_renewed_and_taken_over_only_once_it_runs_out() {
    let (_, pool) = fresh_database("job_leases").await;
    assert!(job_leases::take(&pool, "deadlines", "a", 1_000, 11_000)
        .await
        .unwrap());
    assert!(
        !job_leases::take(&pool, "deadlines", "b", 2_000, 12_000)
            .await
            .unwrap(),
        "a holds it"
    );
    assert!(
        job_leases::take(&pool, "deadlines", "a", 5_000, 15_000)
            .await
            .unwrap(),
        "its holder renews it"
    );
    assert!(
        !job_leases::take(&pool, "deadlines", "b", 14_999, 24_999)
            .await
            .unwrap(),
        "renewed: not run out yet"
    );
    assert!(
        job_leases::take(&pool, "retention", "b", 14_999, 24_999)
            .await
            .unwrap(),
        "each job has its own lease"
    );
    assert!(
        job_leases::take(&pool, "deadlines", "b", 15_000, 25_000)
            .await
            .unwrap(),
        "run out: b takes it"
    );
    assert!(
        !job_leases::take(&pool, "deadlines", "a", 15_001, 25_001)
            .await
            .unwrap(),
        "a lost it"
    );

    // Sixteen nodes asking for a fresh job at the same moment: exactly one is told yes.
    let asks = (0..16).map(|n| {
        let pool = pool.clone();
        async move {
            job_leases::take(&pool, "mail", &format!("node-{n}"), 50_000, 60_000)
                .await
                .unwrap()
        }
    });
    let yes = futures_util::future::join_all(asks)
        .await
        .into_iter()
        .filter(|held| *held)
        .count();
    assert_eq!(yes, 1);

    assert_eq!(
        job_leases::release(&pool, "b").await.unwrap(),
        2,
        "b gives up deadlines and retention"
    );
    assert!(
        job_leases::take(&pool, "deadlines", "a", 15_002, 25_002)
            .await
            .unwrap(),
        "given up: free at once"
    );
}

#[tokio::test]
async fn a_second_node_runs_no_job_until_the_first_is_gone() {
    let (first, seeded) = TestApp::start("jobs_two_nodes").await;
    let jobs = ["deadlines", "retention", "silence-watch"];
    let leases = until(&first.pool, "the first node takes every job", |l| {
        jobs.iter().all(|j| holder_of(l, j).is_some())
    })
    .await;
    let a = holder_of(&leases, "deadlines").unwrap().to_string();
    assert!(
        jobs.iter().all(|j| holder_of(&leases, j) == Some(a.as_str())),
        "{leases:?}"
    );

    let second = TestApp::spawn(first.db_url.clone(), first.pool.clone()).await;
    // The second node's first ticks ran before it answered its health check; the deadline
    // job ticks every 2 s: over the next two ticks the first node still holds every job.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(2_100)).await;
        let now = holders(&first.pool).await;
        assert!(
            jobs.iter().all(|j| holder_of(&now, j) == Some(a.as_str())),
            "{now:?}"
        );
    }

    // The first node dies without a word (SIGKILL) and its leases run out: the second takes
    // the jobs over, and its deadline job submits an attempt whose time is up.
    let candidate = second.signed_in("candidate@demo.vigil.test").await;
    let session = second.start_attempt(&candidate, &seeded.exam_id).await;
    let pool = first.pool.clone();
    drop(first);
    sqlx::query("UPDATE job_leases SET expires_at = 0 WHERE holder = $1")
        .bind(&a)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE exam_sessions SET deadline_at = 1 WHERE id = $1")
        .bind(&session)
        .execute(&pool)
        .await
        .unwrap();
    let leases = until(&pool, "the second node takes the jobs over", |l| {
        holder_of(l, "deadlines").is_some_and(|h| h != a)
    })
    .await;
    let b = holder_of(&leases, "deadlines").unwrap().to_string();
    let mut submitted = false;
    for _ in 0..100 {
        let status: String = sqlx::query_scalar("SELECT status FROM exam_sessions WHERE id = $1")
            .bind(&session)
            .fetch_one(&pool)
            .await
            .unwrap();
        if status == "COMPLETED" {
            submitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(submitted, "the second node's deadline job submitted the attempt");

    // Stopped as an operator stops it, a node gives its leases up at once.
    let mut second = second;
    second.terminate();
    let left = holders(&pool).await;
    assert!(left.iter().all(|(_, h)| *h != b), "{left:?}");
}

#[tokio::test]
async fn a_node_restarted_under_its_name_takes_its_jobs_back_at_once() {
    let (db_url, pool) = fresh_database("jobs_named_node").await;
    let named = [("VIGIL_NODE_ID", "node-a")];
    let first = TestApp::spawn_with(db_url.clone(), pool.clone(), &named).await;
    until(&pool, "the named node takes the deadline job", |l| {
        holder_of(l, "deadlines") == Some("node-a")
    })
    .await;
    drop(first);
    let expires = || async {
        sqlx::query_scalar::<_, i64>("SELECT expires_at FROM job_leases WHERE name = 'deadlines'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = expires().await;
    // Killed, and back under the same name well inside its lease (10 s): its first run renews
    // the lease it still holds instead of waiting it out.
    let _again = TestApp::spawn_with(db_url, pool.clone(), &named).await;
    let mut renewed = false;
    for _ in 0..50 {
        if expires().await > before {
            renewed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(renewed, "the restarted node renewed its lease within 5 s");
    assert_eq!(holder_of(&holders(&pool).await, "deadlines"), Some("node-a"));
}
