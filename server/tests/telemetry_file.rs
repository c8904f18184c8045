//! On a SQLite file, telemetry lives in a database file of its own (`db::telemetry_file`):
//! a telemetry flush stores and acknowledges while another writer holds the main file's write
//! lock, and a database made before the split has its events moved into the new file when a
//! server opens it. SQLite only (PostgreSQL keeps one database); skipped with
//! VIGIL_TEST_DATABASE=postgres.

mod common;

use app::server::db;
use app::server::ingest::{self, StreamTarget};
use common::TestApp;
use shared::exam_plan::CameraPolicy;
use shared::rules::Thresholds;
use shared::telemetry::{Envelope, EventKind, ENVELOPE_VERSION};
use shared::Sensitivity;
use std::time::Duration;

fn heartbeats(session_id: &str, from: i64, to: i64) -> Vec<Envelope> {
    (from..=to)
        .map(|seq| Envelope {
            v: ENVELOPE_VERSION,
            session_id: session_id.to_string(),
            seq,
            client_ms: common::now_ms(),
            kind: EventKind::Heartbeat,
        })
        .collect()
}

/// The demo candidate's attempt, started, and where its telemetry goes.
async fn open_attempt(app: &TestApp, org: &app::server::demo::SeededOrg) -> (String, StreamTarget) {
    let cand = app.signed_in("candidate@demo.vigil.test").await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let target = StreamTarget {
        session_id: sid.clone(),
        org_id: org.org_id.clone(),
        thresholds: Thresholds::for_sensitivity(Sensitivity::Medium),
        camera: CameraPolicy::Off,
    };
    (sid, target)
}

#[tokio::test]
async fn telemetry_is_stored_while_the_main_file_is_being_written() {
    if common::use_postgres() {
        eprintln!("skipped: PostgreSQL keeps telemetry in its one database");
        return;
    }
    let (app, org) = TestApp::start("telemetry-file").await;
    let (sid, target) = open_attempt(&app, &org).await;
    let ingestor = app.ingestor();

    // An answer save, a hand-in or a sign-in holding the main file's one write lock.
    let held = db::begin_write(&app.pool).await.unwrap();
    let stored = tokio::time::timeout(
        Duration::from_secs(10),
        ingest::accept(&ingestor, &target, 0, heartbeats(&sid, 1, 5)),
    )
    .await
    .expect("the batch is stored without waiting for the main file's writer")
    .unwrap();
    assert_eq!(stored, 5);
    held.rollback().await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proctor_events").await,
        5,
        "read through the main pool, which attaches the telemetry file"
    );
    let url = app.db_url.trim_start_matches("sqlite://");
    let path = url.split('?').next().unwrap();
    let in_main: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM main.sqlite_master WHERE name IN ('proctor_events', 'telemetry_buckets')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(in_main, 0, "the main file holds no telemetry table");
    assert!(std::path::Path::new(&db::telemetry_file::sibling(path)).exists());
}

#[tokio::test]
async fn a_database_from_before_the_split_has_its_events_moved() {
    if common::use_postgres() {
        eprintln!("skipped: PostgreSQL keeps telemetry in its one database");
        return;
    }
    let dir = common::scratch_dir("telemetry-move");
    let main = dir.join("old.db").display().to_string();
    let url = format!("sqlite://{main}?mode=rwc");
    let pool = db::connect_and_migrate(&url, 2).await.unwrap();
    db::close(&pool).await;
    // What an older Vigil left: telemetry in the main file, none beside it.
    let telemetry = db::telemetry_file::sibling(&main);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{telemetry}{suffix}"));
    }
    {
        sqlx::any::install_default_drivers();
        let old = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query(
            "CREATE TABLE proctor_events (id TEXT PRIMARY KEY NOT NULL, session_id TEXT NOT NULL, \
             seq BIGINT NOT NULL, kind TEXT NOT NULL, client_ms BIGINT NOT NULL, server_ms BIGINT NOT NULL, \
             payload_json TEXT NOT NULL, UNIQUE (session_id, seq))",
        )
        .execute(&old)
        .await
        .unwrap();
        sqlx::query(
            "CREATE TABLE telemetry_buckets (session_id TEXT PRIMARY KEY NOT NULL, tokens BIGINT NOT NULL, \
             refilled_at BIGINT NOT NULL)",
        )
        .execute(&old)
        .await
        .unwrap();
        for seq in 1..=3_i64 {
            sqlx::query(
                "INSERT INTO proctor_events (id, session_id, seq, kind, client_ms, server_ms, payload_json) \
                 VALUES ($1, 's-1', $2, 'heartbeat', 1, 2, '{\"type\":\"heartbeat\"}')",
            )
            .bind(format!("e-{seq}"))
            .bind(seq)
            .execute(&old)
            .await
            .unwrap();
        }
        sqlx::query("INSERT INTO telemetry_buckets (session_id, tokens, refilled_at) VALUES ('s-1', 7, 8)")
            .execute(&old)
            .await
            .unwrap();
        old.close().await;
    }

    // Named as an operator may have named it, without `mode=rwc`: the main file exists, the
    // telemetry file is made.
    let pool = db::connect_and_migrate(&format!("sqlite://{main}"), 2)
        .await
        .unwrap();
    let seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM telemetry.proctor_events WHERE session_id = 's-1' ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(seqs, vec![1, 2, 3], "the events are in the telemetry file");
    let tokens: i64 =
        sqlx::query_scalar("SELECT tokens FROM telemetry.telemetry_buckets WHERE session_id = 's-1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(tokens, 7);
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM main.sqlite_master WHERE name IN ('proctor_events', 'telemetry_buckets')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "and no longer in the main file");
    db::close(&pool).await;
}

/// Whether this process has `file` itself (not its `-wal` or `-shm`) mapped into memory, from
/// `/proc/self/maps` (Linux).
fn mapped_here(file: &str) -> bool {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap_or_default()
        .lines()
        .any(|line| line.ends_with(file))
}

/// Nothing maps the telemetry file: its writer keeps the pages it changes in a cache of its
/// own. (Its writer once mapped it, and every page it had read counted in the server's resident
/// memory, a few hundred MiB by the end of a 5,000-candidate exam.) The main file, read by the
/// same process, is mapped, so the check sees maps where there are some.
#[tokio::test]
async fn the_telemetry_file_is_written_and_read_without_a_memory_map() {
    if common::use_postgres() {
        eprintln!("skipped: PostgreSQL keeps telemetry in its one database");
        return;
    }
    let (app, org) = TestApp::start("telemetry-unmapped").await;
    let (sid, target) = open_attempt(&app, &org).await;
    let url = app.db_url.trim_start_matches("sqlite://");
    let main = url.split('?').next().unwrap().to_string();
    let telemetry = db::telemetry_file::sibling(&main);

    // Enough events for the session's index and rows to span many pages.
    let ingestor = app.ingestor();
    for from in (1..=800).step_by(200) {
        ingest::accept(&ingestor, &target, from - 1, heartbeats(&sid, from, from + 199))
            .await
            .unwrap();
    }
    // Into the file itself: pages still in the log are read from the log, never through a map.
    sqlx::query("PRAGMA telemetry.wal_checkpoint(TRUNCATE)")
        .execute(&app.pool)
        .await
        .unwrap();
    // A node opening the database afresh: its writer has nothing cached, and its first flush
    // for the session, knowing nothing of its rules state, reads every stored event back.
    let pool = db::connect_and_migrate(&app.db_url, 2).await.unwrap();
    let ingestor = app::server::ingest::Ingestor::start(
        pool.clone(),
        Default::default(),
        app::server::bus::Bus::local(),
    );
    ingest::accept(&ingestor, &target, 800, heartbeats(&sid, 801, 810))
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM proctor_events").await,
        810,
        "every event stored"
    );
    assert!(!mapped_here(&telemetry), "{telemetry} is mapped into memory");

    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    // A connection maps the main file at its first read of a page from it, and drops the map
    // when another has written since (the server's jobs write): looked for over a few seconds.
    while !mapped_here(&main) {
        let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(
            std::time::Instant::now() < deadline,
            "the main file {main} was never mapped: the check cannot see maps"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    db::close(&pool).await;
}
