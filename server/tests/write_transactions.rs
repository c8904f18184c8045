//! Write transactions that share a commit (on SQLite, writers whose turns follow each other
//! commit together) keep their own outcomes: one writer's failure, rollback or abandonment
//! never undoes another's changes, and a writer told "committed" finds its changes stored.

mod common;

use app::server::db;
use common::fresh_database;
use sqlx::AnyPool;
use std::time::Duration;

/// What a writer does after inserting its own row.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ending {
    Commit,
    Rollback,
    /// Returns early without ending the transaction (an error path, a cancelled request).
    Abandon,
    /// Runs a statement that fails (a duplicate key), then gives up like an error path.
    FailThenAbandon,
}

fn ending(i: usize) -> Ending {
    match i % 5 {
        0 | 1 => Ending::Commit,
        2 => Ending::Rollback,
        3 => Ending::Abandon,
        _ => Ending::FailThenAbandon,
    }
}

async fn scratch_table(pool: &AnyPool) {
    sqlx::query("CREATE TABLE scratch (id TEXT PRIMARY KEY)")
        .execute(pool)
        .await
        .expect("scratch table");
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Writes one row as writer `i`, holding its turn briefly so that others queue behind it (and
/// so share its commit on SQLite).
async fn write(pool: AnyPool, i: usize) -> Result<(), String> {
    let mut tx = db::begin_write(&pool).await.map_err(|e| e.to_string())?;
    sqlx::query("INSERT INTO scratch (id) VALUES ($1)")
        .bind(format!("w{i}"))
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    tokio::time::sleep(Duration::from_millis(2)).await;
    match ending(i) {
        Ending::Commit => {
            tx.commit()
                .await
                .map_err(|e| format!("writer {i}'s commit: {e}"))?;
            // Answered "committed": another connection sees the row at once.
            let seen = count(&pool, &format!("SELECT COUNT(*) FROM scratch WHERE id = 'w{i}'")).await;
            if seen != 1 {
                return Err(format!(
                    "writer {i} was told its row was committed, but it is not stored"
                ));
            }
        }
        Ending::Rollback => tx.rollback().await.map_err(|e| e.to_string())?,
        Ending::Abandon => drop(tx),
        Ending::FailThenAbandon => {
            let duplicate = sqlx::query("INSERT INTO scratch (id) VALUES ('seed')")
                .execute(&mut *tx)
                .await;
            if duplicate.is_ok() {
                return Err("a duplicate key was stored".into());
            }
            drop(tx);
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_sharing_a_commit_keep_their_own_outcomes() {
    let (_url, pool) = fresh_database("write_groups").await;
    scratch_table(&pool).await;
    sqlx::query("INSERT INTO scratch (id) VALUES ('seed')")
        .execute(&pool)
        .await
        .expect("seed row");

    // Three rounds of 40 writers at once: each round's writers queue for the turn together.
    for round in 0..3 {
        let writers: Vec<_> = (round * 40..(round + 1) * 40)
            .map(|i| tokio::spawn(write(pool.clone(), i)))
            .collect();
        for (i, writer) in writers.into_iter().enumerate() {
            let done = tokio::time::timeout(Duration::from_secs(30), writer)
                .await
                .unwrap_or_else(|_| panic!("writer {i} of round {round} still waits after 30 s"))
                .expect("writer task");
            if let Err(e) = done {
                panic!("round {round}: {e}");
            }
        }
    }

    // Every committed row, and nothing of the writers that rolled back, gave up or failed.
    let committed: Vec<String> = (0..120)
        .filter(|i| ending(*i) == Ending::Commit)
        .map(|i| format!("w{i}"))
        .collect();
    let mut stored: Vec<String> = sqlx::query_scalar("SELECT id FROM scratch WHERE id <> 'seed'")
        .fetch_all(&pool)
        .await
        .expect("stored rows");
    stored.sort();
    let mut expected = committed.clone();
    expected.sort();
    assert_eq!(
        stored, expected,
        "the rows stored are exactly the committed writers' rows"
    );

    // And the writing connection is usable afterwards: a writer after the crowd commits alone.
    let mut tx = db::begin_write(&pool).await.expect("begin after the crowd");
    sqlx::query("INSERT INTO scratch (id) VALUES ('after')")
        .execute(&mut *tx)
        .await
        .expect("insert after the crowd");
    tx.commit().await.expect("commit after the crowd");
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM scratch WHERE id = 'after'").await,
        1
    );
}

/// A writer that gives up while nobody else writes leaves no transaction open: the write lock
/// is free again for a connection of another pool (another process on the same file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_writer_does_not_keep_the_write_lock() {
    let (url, pool) = fresh_database("write_groups_abandoned").await;
    scratch_table(&pool).await;
    let mut tx = db::begin_write(&pool).await.expect("begin");
    sqlx::query("INSERT INTO scratch (id) VALUES ('gone')")
        .execute(&mut *tx)
        .await
        .expect("insert");
    drop(tx);

    // Another pool, as another process would be: it writes within its busy timeout only if
    // the abandoned transaction was ended.
    let other = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("another pool");
    if url.starts_with("sqlite") {
        sqlx::query("PRAGMA busy_timeout = 3000")
            .execute(&other)
            .await
            .expect("busy timeout");
    }
    sqlx::query("INSERT INTO scratch (id) VALUES ('other')")
        .execute(&other)
        .await
        .expect("another connection writes once the abandoned writer is settled");
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM scratch WHERE id = 'gone'").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM scratch WHERE id = 'other'").await,
        1
    );
}
