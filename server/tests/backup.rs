//! `scripts/backup.sh` as an operator uses it: a backup taken while Vigil runs, the database
//! wiped, the backup restored, and a new server on it serves the same results and telemetry —
//! and nothing written after the backup. On SQLite (whose telemetry has a file of its own,
//! backed up beside the main one), or on PostgreSQL with VIGIL_TEST_DATABASE=postgres.

mod common;

use common::TestApp;
use std::process::Command;

const CANDIDATE: &str = "candidate@demo.vigil.test";
const VIEWER: &str = "reports@demo.vigil.test";

fn script(action: &str, db_url: &str, file: &std::path::Path) {
    let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/backup.sh"))
        .args([action, &file.display().to_string()])
        .env("DATABASE_URL", db_url)
        .env("VIGIL_BIN", env!("CARGO_BIN_EXE_vigil"))
        .output()
        .expect("run scripts/backup.sh");
    assert!(
        out.status.success(),
        "backup.sh {action} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the candidate and the exam's report reader see: the candidate's result and the
/// exam's attempts as CSV.
async fn results(app: &TestApp, sid: &str, exam_id: &str) -> (serde_json::Value, String) {
    let cand = app.signed_in(CANDIDATE).await;
    let (status, result) = app.call(&cand, "exam_result", &[("session_id", sid)]).await;
    assert_eq!(status, 200, "{result}");
    let viewer = app.signed_in(VIEWER).await;
    let r = viewer
        .get(format!("{}/exports/exams/{exam_id}/sessions.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    (result, r.text().await.unwrap())
}

#[tokio::test]
async fn a_restored_backup_serves_the_same_results() {
    let (mut app, org) = TestApp::start("backup").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let first = data["questions"][0]["question_id"].as_str().unwrap().to_string();
    let save = [
        ("session_id", sid.as_str()),
        ("question_id", first.as_str()),
        ("value", r#"["b"]"#),
        ("version", "1"),
    ];
    assert_eq!(app.call(&cand, "save_answer", &save).await.0, 200);
    let t = common::now_ms();
    let event = |seq: i64, kind: &str| serde_json::json!({"v": 1, "session_id": sid, "seq": seq, "client_ms": t + seq, "kind": {"type": kind}});
    let batch = serde_json::json!({"session_id": sid, "events": [event(1, "visibility_hidden"), event(2, "visibility_visible")]});
    let (status, body) = app.call_json(&cand, "telemetry", &batch).await;
    assert_eq!(status, 200, "{body}");
    let events = "SELECT COUNT(*) FROM proctor_events";
    assert_eq!(app.count(events).await, 2);
    let (status, body) = app.call(&cand, "submit_exam", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{body}");
    let before = results(&app, &sid, &org.exam_id).await;
    assert!(
        before.1.lines().count() >= 2,
        "the attempt is in the export: {}",
        before.1
    );

    // Backed up while the server runs; then a change the backup must not hold.
    let file = common::scratch_dir("backup-file").join("vigil.backup");
    script("backup", &app.db_url, &file);
    assert!(std::fs::metadata(&file).unwrap().len() > 0);
    let exported = |sql: &'static str| {
        let pool = app.pool.clone();
        async move { sqlx::query(sql).execute(&pool).await.unwrap() }
    };
    exported("UPDATE users SET display_name = 'Changed After The Backup' WHERE email = 'candidate@demo.vigil.test'").await;
    assert_ne!(results(&app, &sid, &org.exam_id).await.1, before.1);

    // Every node stopped, the database wiped, the backup restored.
    app.terminate();
    let db_url = app.db_url.clone();
    let pool = app.pool.clone();
    drop(app);
    if common::use_postgres() {
        sqlx::query("DROP SCHEMA public CASCADE")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("CREATE SCHEMA public").execute(&pool).await.unwrap();
        assert_eq!(
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            .fetch_one(&pool)
            .await
            .unwrap(),
            0,
            "wiped"
        );
        pool.close().await;
    } else {
        pool.close().await;
        let path = db_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let telemetry = app::server::db::telemetry_file::sibling(&path);
        assert!(
            std::path::Path::new(&telemetry).exists(),
            "telemetry has a file of its own"
        );
        assert!(
            std::path::Path::new(&app::server::db::telemetry_file::sibling(
                &file.display().to_string()
            ))
            .exists(),
            "and its backup sits beside the main one"
        );
        for file in [&path, &telemetry] {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{file}{suffix}"));
            }
            assert!(!std::path::Path::new(file).exists(), "wiped");
        }
    }
    script("restore", &db_url, &file);

    let pool = app::server::db::connect_and_migrate(&db_url, 5).await.unwrap();
    let restored = TestApp::spawn(db_url, pool).await;
    let after = results(&restored, &sid, &org.exam_id).await;
    assert_eq!(after.0, before.0, "the candidate's result");
    assert_eq!(after.1, before.1, "the exam's attempts, without the later change");
    assert_eq!(restored.count(events).await, 2, "the attempt's telemetry");
}
