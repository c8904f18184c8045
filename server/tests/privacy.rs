//! A person's data: telemetry removed after the organisation's retention period (results kept,
//! the removal audited), one's own data downloaded as JSON, and an account deleted on request
//! once an admin confirms (results kept, anonymised).

mod common;

use common::{message, TestApp, PASSWORD};
use serde_json::Value;

const CANDIDATE: &str = "candidate@demo.vigil.test";
const ADMIN: &str = "admin@demo.vigil.test";
const DAY_MS: i64 = 24 * 3_600_000;

#[tokio::test]
async fn retention_removes_old_telemetry_and_keeps_results_and_open_evidence() {
    let (app, _) = TestApp::start("retention").await;
    let seeded = app::server::review_seed::seed_review(&app.pool, 30, 40)
        .await
        .unwrap();
    let org = seeded.org_id.as_str();
    sqlx::query("UPDATE organizations SET telemetry_retention_days = 30 WHERE id = $1")
        .bind(org)
        .execute(&app.pool)
        .await
        .unwrap();
    let events = "SELECT COUNT(*) FROM proctor_events";
    let before = app.count(events).await;
    assert!(before >= 30 * 40, "{before}");
    let scores = "SELECT COUNT(*) FROM exam_sessions WHERE score IS NOT NULL";
    let scored = app.count(scores).await;
    let flags = app.count("SELECT COUNT(*) FROM flags").await;
    let open_events = "SELECT COUNT(*) FROM proctor_events p WHERE EXISTS \
                       (SELECT 1 FROM flags f WHERE f.session_id = p.session_id AND f.status = 'OPEN')";
    let waiting = app.count(open_events).await;
    assert!(waiting > 0, "some sessions still wait for a decision");

    // Inside the period nothing goes.
    let now = common::now_ms();
    let report = app::server::retention::run(&app.pool, now).await.unwrap();
    assert!(report.iter().all(|p| p.sessions == 0), "{report:?}");
    assert_eq!(app.count(events).await, before);

    // 33 days on (30, and the two PostgreSQL gives a day's partition to go whole): the review
    // org's finished sessions lose their telemetry, except where a flag still waits; the demo
    // org keeps 90 days, so its sessions keep theirs.
    let report = app::server::retention::run(&app.pool, now + 33 * DAY_MS)
        .await
        .unwrap();
    let here = report.iter().find(|p| p.org_id == org).unwrap();
    assert!(here.sessions > 0 && here.events > 0, "{here:?}");
    assert_eq!(app.count(events).await, before - here.events as i64);
    assert_eq!(
        app.count(open_events).await,
        waiting,
        "evidence a reviewer still needs stays"
    );
    assert_eq!(app.count(scores).await, scored, "scores stay");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags").await,
        flags,
        "flags and their decisions stay"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM flags f JOIN exam_sessions s ON s.id = f.session_id \
                   WHERE s.telemetry_purged_at IS NOT NULL AND f.evidence_json <> '[]'"
        )
        .await,
        0,
        "the purged sessions' flags point at no removed event"
    );
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'TELEMETRY_PURGED' AND org_id = $1")
            .bind(org)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(detail.contains(&format!("{} events", here.events)), "{detail}");

    // A second run finds nothing more, and says nothing.
    let again = app::server::retention::run(&app.pool, now + 33 * DAY_MS)
        .await
        .unwrap();
    assert!(again.iter().all(|p| p.sessions == 0), "{again:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'TELEMETRY_PURGED'")
            .await,
        1
    );
}

/// A session id made `days_ago` days before `now` (ids are UUIDv7: their text starts with the
/// time they were made).
fn session_id_made(now: i64, days_ago: i64) -> String {
    let ms = u64::try_from(now - days_ago * DAY_MS).unwrap();
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, ms / 1000, ((ms % 1000) * 1_000_000) as u32);
    uuid::Uuid::new_v7(ts).to_string()
}

/// On PostgreSQL telemetry is partitioned by the day its session started, and retention drops
/// a day whole once none of its sessions keeps its telemetry; a day with a session whose flag
/// waits for a decision stays. On SQLite the same sessions lose the same rows one by one.
#[tokio::test]
async fn retention_drops_a_whole_day_of_telemetry_and_keeps_a_day_still_needed() {
    let (app, _) = TestApp::start("retention_days").await;
    let seeded = app::server::review_seed::seed_review(&app.pool, 20, 30)
        .await
        .unwrap();
    let now = common::now_ms();
    // Every organisation keeps 30 days, and no flag of today's sessions waits any more.
    sqlx::query("UPDATE organizations SET telemetry_retention_days = 30")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE flags SET status = 'DISMISSED' WHERE status = 'OPEN'")
        .execute(&app.pool)
        .await
        .unwrap();

    // A session started three days ago (its day has its own partition), finished, with five
    // events and a flag still waiting for a decision.
    let kept = session_id_made(now, 3);
    let model: String =
        sqlx::query_scalar("SELECT id FROM exam_sessions WHERE org_id = $1 ORDER BY id LIMIT 1")
            .bind(&seeded.org_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    app::server::retention::prepare_partitions(&app.pool, now - 3 * DAY_MS)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO exam_sessions (id, exam_id, enrollment_id, user_id, attempt_no, status, consented_at, started_at, deadline_at, submitted_at, org_id) \
         SELECT $1, exam_id, enrollment_id, user_id, 99, 'COMPLETED', consented_at, $2, $3, $3, org_id FROM exam_sessions WHERE id = $4",
    )
    .bind(&kept)
    .bind(now - 3 * DAY_MS)
    .bind(now - 3 * DAY_MS + 3_600_000)
    .bind(&model)
    .execute(&app.pool)
    .await
    .unwrap();
    for seq in 1..=5_i64 {
        sqlx::query(
            "INSERT INTO proctor_events (id, session_id, seq, kind, client_ms, server_ms, payload_json) \
             VALUES ($1, $2, $3, 'heartbeat', $4, $4, '{\"type\":\"heartbeat\"}')",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&kept)
        .bind(seq)
        .bind(now - 3 * DAY_MS + seq)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO flags (id, session_id, flag_type, severity, evidence_json, status, raised_at) \
         VALUES ($1, $2, 'TAB_SWITCH', 'MEDIUM', '[]', 'OPEN', $3)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&kept)
    .bind(now - 3 * DAY_MS)
    .execute(&app.pool)
    .await
    .unwrap();

    let postgres = common::use_postgres();
    let table = |ms: i64| app::server::db::event_partitions::Day::of_ms(ms).table().unwrap();
    let exists = |name: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    if postgres {
        assert!(
            exists(table(now)).await,
            "today's partition is made as the node starts"
        );
        assert!(exists(table(now - 3 * DAY_MS)).await);
    }
    let events = "SELECT COUNT(*) FROM proctor_events";
    let before = app.count(events).await;
    assert!(before >= 20 * 30, "{before}");

    let report = app::server::retention::run(&app.pool, now + 40 * DAY_MS)
        .await
        .unwrap();
    let removed: u64 = report.iter().map(|p| p.events).sum();
    assert_eq!(removed as i64, before - 5, "{report:?}");
    assert_eq!(
        app.count(events).await,
        5,
        "only the day still needed keeps its events"
    );
    let kept_events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proctor_events WHERE session_id = $1")
        .bind(&kept)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept_events, 5);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM exam_sessions WHERE telemetry_purged_at IS NULL")
            .await,
        1,
        "every other session is marked purged"
    );
    if postgres {
        assert!(
            !exists(table(now)).await,
            "today's sessions went with their partition, dropped whole"
        );
        assert!(
            exists(table(now - 3 * DAY_MS)).await,
            "the day with a flag waiting stays"
        );
    }
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'TELEMETRY_PURGED' AND org_id = $1")
            .bind(&seeded.org_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let here = report.iter().find(|p| p.org_id == seeded.org_id).unwrap();
    assert!(detail.contains(&format!("{} events", here.events)), "{detail}");

    // Once decided, the kept day goes too.
    sqlx::query("UPDATE flags SET status = 'DISMISSED' WHERE session_id = $1")
        .bind(&kept)
        .execute(&app.pool)
        .await
        .unwrap();
    app::server::retention::run(&app.pool, now + 40 * DAY_MS)
        .await
        .unwrap();
    assert_eq!(app.count(events).await, 0);
    if postgres {
        assert!(!exists(table(now - 3 * DAY_MS)).await);
    }
}

#[tokio::test]
async fn a_person_downloads_their_own_data_and_nobody_elses() {
    let (app, _) = TestApp::start("my_data").await;
    let candidate = app.signed_in(CANDIDATE).await;
    let exam = app.practice_exam_id().await;
    let session = app.start_unproctored(&candidate, &exam).await;

    let r = candidate
        .get(format!("{}/exports/my-data.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let data: Value = r.json().await.unwrap();
    assert_eq!(data["profile"]["email"], CANDIDATE);
    assert!(data["memberships"][0]["roles"]
        .as_array()
        .unwrap()
        .contains(&Value::from("CANDIDATE")));
    let sessions = data["sessions"].as_array().unwrap();
    assert!(sessions.iter().any(|s| s["id"] == session.as_str()), "{data}");
    assert!(data["account_activity"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "SIGN_IN"));

    let admin = app.signed_in(ADMIN).await;
    let theirs: Value = admin
        .get(format!("{}/exports/my-data.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["profile"]["email"], ADMIN);
    assert!(!theirs.to_string().contains(&session), "one's own data only");
    let r = app
        .client()
        .get(format!("{}/exports/my-data.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn an_account_is_deleted_once_an_admin_confirms_and_its_results_stay_anonymised() {
    let (app, _) = TestApp::start("deletion").await;
    let candidate = app.signed_in(CANDIDATE).await;
    let exam = app.practice_exam_id().await;
    app.start_unproctored(&candidate, &exam).await;
    let user_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(CANDIDATE)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let attempts = format!("SELECT COUNT(*) FROM exam_sessions WHERE user_id = '{user_id}'");
    let had = app.count(&attempts).await;
    assert!(had >= 1);

    let (status, _) = app
        .call(
            &candidate,
            "request_account_deletion",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(status, 400, "the password is asked again");
    let (status, body) = app
        .call(&candidate, "request_account_deletion", &[("password", PASSWORD)])
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("Waiting").is_some(), "{body}");
    let (status, _) = app
        .call(&candidate, "request_account_deletion", &[("password", PASSWORD)])
        .await;
    assert_eq!(status, 409, "asked once");

    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let org: String = sqlx::query_scalar("SELECT org_id FROM organization_members WHERE user_id = $1")
        .bind(&user_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, _) = app
        .call(
            &reviewer,
            "confirm_deletion",
            &[("org_id", &org), ("user_id", &user_id)],
        )
        .await;
    assert_eq!(status, 403, "only an admin confirms");
    let admin = app.signed_in(ADMIN).await;
    let (_, waiting) = app.call(&admin, "pending_deletions", &[("org_id", &org)]).await;
    assert_eq!(waiting[0]["email"], CANDIDATE, "{waiting}");
    let (status, body) = app
        .call(
            &admin,
            "confirm_deletion",
            &[("org_id", &org), ("user_id", &user_id)],
        )
        .await;
    assert_eq!(status, 200, "{body}");

    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE subject = 'candidate@demo.vigil.test'")
            .await,
        0,
        "the address is gone from the log (a sign-in tried later records it anew)"
    );
    let (_, me) = app.call(&candidate, "me", &[]).await;
    assert_eq!(me, Value::Null, "signed out everywhere");
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 400, "the account is gone");
    assert_eq!(app.count(&attempts).await, had, "results stay");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{user_id}' AND display_name = 'Deleted user'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'candidate@demo.vigil.test'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM organization_members WHERE user_id = (SELECT id FROM users WHERE display_name = 'Deleted user')").await, 0);
    let (status, _) = app
        .call(
            &admin,
            "confirm_deletion",
            &[("org_id", &org), ("user_id", &user_id)],
        )
        .await;
    assert_eq!(status, 404, "decided once");

    // The last admin's request is refused until someone else administers the organisation.
    let (status, _) = app
        .call(&admin, "request_account_deletion", &[("password", PASSWORD)])
        .await;
    assert_eq!(status, 200);
    let admin_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &admin,
            "confirm_deletion",
            &[("org_id", &org), ("user_id", &admin_id)],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("last admin"), "{body}");
}

#[tokio::test]
async fn an_account_in_no_organisation_is_deleted_at_once() {
    let (app, _) = TestApp::start("deletion_solo").await;
    let me = app.client();
    let (status, _) = app
        .call(
            &me,
            "sign_up",
            &[
                ("email", "solo@x.test"),
                ("display_name", "Solo"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let (_, token) = common::link_in_outbox(&app.pool, "solo@x.test", "/verify-email/").await;
    let (status, _) = app.call(&me, "confirm_email", &[("token", &token)]).await;
    assert_eq!(status, 200);
    let (status, body) = app
        .call(&me, "request_account_deletion", &[("password", PASSWORD)])
        .await;
    assert_eq!((status, body), (200, Value::from("Deleted")));
    let (_, who) = app.call(&me, "me", &[]).await;
    assert_eq!(who, Value::Null);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'solo@x.test'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ACCOUNT_DELETED'")
            .await,
        1
    );
}
