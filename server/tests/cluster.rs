//! Two `vigil` nodes on one PostgreSQL database, as behind a load balancer: a reviewer on one
//! node hears of changes made through the other (and again after its listening connection is
//! cut); a candidate whose telemetry moves between nodes loses no event, stores none twice
//! and raises no flag twice; sign-in throttling and the telemetry rate hold across nodes.
//! (That the background jobs run once and move when their node dies: `jobs.rs`.)
//!
//! Several nodes need PostgreSQL; on SQLite these tests say so and pass without running.

mod common;

use common::ws::{connect, cookie_for, event, next_frame, send};
use common::{message, now_ms, TestApp};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;

const CANDIDATE: &str = "candidate@demo.vigil.test";
const REVIEWER: &str = "reviewer@demo.vigil.test";

fn skipped() -> bool {
    if !common::use_postgres() {
        eprintln!("several nodes share PostgreSQL only: run with VIGIL_TEST_DATABASE=postgres");
        return true;
    }
    false
}

/// Node A (seeded, started) and node B on the same database, named so a test can find B's
/// connections; `env` goes to both.
async fn two_nodes(label: &str, env: &[(&str, &str)]) -> (TestApp, TestApp, app::server::demo::SeededOrg) {
    let (db_url, pool) = common::fresh_database(label).await;
    let org = app::server::demo::seed_demo(&pool).await.unwrap();
    let with = |name: &'static str| {
        let mut all = env.to_vec();
        all.push(("VIGIL_NODE_ID", name));
        all
    };
    let a = TestApp::spawn_with(db_url.clone(), pool.clone(), &with("node-a")).await;
    let b = TestApp::spawn_with(db_url, pool, &with("node-b")).await;
    (a, b, org)
}

/// Reads the event stream until `want` appears in it (or fails after 10 s).
async fn until_heard<B: AsRef<[u8]>>(
    body: &mut (impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin),
    seen: &mut String,
    want: &str,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(want) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .unwrap_or_else(|_| panic!("{want:?} not heard within 10 s; heard {seen:?}"));
        seen.push_str(&String::from_utf8_lossy(chunk.unwrap().unwrap().as_ref()));
    }
}

/// How many of `node`'s listening connections the database has.
async fn listeners_of(app: &TestApp, node: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(app::server::bus::listener_application(node))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_reviewer_on_one_node_hears_of_changes_made_on_the_other_even_after_a_lost_connection() {
    if skipped() {
        return;
    }
    let (a, b, org) = two_nodes("cluster-live", &[]).await;
    let reviewer = b.signed_in(REVIEWER).await;
    let r = reviewer
        .get(format!("{}/api/review/live", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();
    let mut seen = String::new();

    // A flag raised by telemetry that reaches node A is told to the reviewer on node B.
    let cand = a.signed_in(CANDIDATE).await;
    let sid = a.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&a, CANDIDATE).await;
    let mut ws = connect(&a, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;
    let t = now_ms();
    let batch = json!({"type": "batch", "events": [
        event(&sid, 1, t, json!({"type": "visibility_hidden"})),
        event(&sid, 2, t + 5_000, json!({"type": "visibility_visible"})),
    ]});
    assert_eq!(send(&mut ws, batch).await["type"], "ack");
    until_heard(
        &mut body,
        &mut seen,
        &format!("event: flag\ndata: {{\"session_id\":\"{sid}\"}}"),
    )
    .await;

    // Node B's listening connection is cut (as by a database restart): B reconnects, and its
    // streams are told to refetch, since whatever was said meanwhile is lost.
    assert_eq!(listeners_of(&b, "node-b").await, 1);
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
        .bind(app::server::bus::listener_application("node-b"))
        .execute(&a.pool)
        .await
        .unwrap();
    seen.clear();
    until_heard(&mut body, &mut seen, "event: flag\ndata: {}").await;
    assert_eq!(listeners_of(&b, "node-b").await, 1, "B listens again");

    // A claim made through node A reaches the reviewer on node B over the new connection.
    let other = a.signed_in("author-reviewer@demo.vigil.test").await;
    let (status, reply) = a
        .call_json(
            &other,
            "change_review",
            &json!({"session_id": sid, "action": "Claim", "note": ""}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    until_heard(
        &mut body,
        &mut seen,
        &format!("event: claim\ndata: {{\"session_id\":\"{sid}\"}}"),
    )
    .await;

    // An attempt submitted through node B closes the telemetry socket open on node A.
    let (status, reply) = b.call(&cand, "submit_exam", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{reply}");
    let closed = tokio::time::timeout(Duration::from_secs(10), common::ws::close_code(&mut ws))
        .await
        .expect("the socket on node A closes within 10 s");
    assert_eq!(closed, Some(4000));
}

/// The session's stored sequence numbers, in order.
async fn stored_seqs(app: &TestApp, sid: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT seq FROM proctor_events WHERE session_id = $1 ORDER BY seq")
        .bind(sid)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn flags_of(app: &TestApp, sid: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT flag_type, evidence_json FROM flags WHERE session_id = $1 ORDER BY raised_at")
        .bind(sid)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

fn batch(events: Vec<Value>) -> Value {
    json!({"type": "batch", "events": events})
}

#[tokio::test]
async fn telemetry_moving_between_nodes_loses_nothing_and_doubles_nothing() {
    if skipped() {
        return;
    }
    let (a, b, org) = two_nodes("cluster-telemetry", &[]).await;
    let cand = a.signed_in(CANDIDATE).await;
    let sid = a.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&a, CANDIDATE).await;
    let t = now_ms();
    let hb = |seq: i64, ms: i64| event(&sid, seq, ms, json!({"type": "heartbeat"}));

    // On node A the page is hidden (the episode starts; not long enough for a flag yet).
    let mut on_a = connect(&a, &sid, Some(&cookie)).await.unwrap();
    assert_eq!(next_frame(&mut on_a).await["last_seq"], 0);
    let first = vec![
        hb(1, t),
        hb(2, t + 100),
        event(&sid, 3, t + 200, json!({"type": "visibility_hidden"})),
    ];
    assert_eq!(
        send(&mut on_a, batch(first.clone())).await,
        json!({"type": "ack", "seq": 3})
    );
    assert!(flags_of(&a, &sid).await.is_empty());

    // The connection moves to node B, which says what it holds; the page re-sends what it was
    // not sure of, and the page comes back after 5 s: node B, which never saw the start of
    // the episode, rebuilds the rules' state from what is stored and flags it once.
    let mut on_b = connect(&b, &sid, Some(&cookie)).await.unwrap();
    assert_eq!(next_frame(&mut on_b).await["last_seq"], 3);
    let mut resent = first.clone();
    resent.push(event(&sid, 4, t + 5_200, json!({"type": "visibility_visible"})));
    assert_eq!(
        send(&mut on_b, batch(resent)).await,
        json!({"type": "ack", "seq": 4})
    );
    let flags = flags_of(&a, &sid).await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].0, "TAB_SWITCH");

    // Back on node A, whose own memory of the session stops at event 3 (the page still
    // hidden): it must not flag the same absence again.
    assert_eq!(
        send(&mut on_a, batch(vec![hb(5, t + 5_300), hb(6, t + 5_400)])).await,
        json!({"type": "ack", "seq": 6})
    );
    // Both connections send the same events at once (a reconnect racing the old socket).
    let same = batch((7..=20).map(|s| hb(s, t + 5_400 + s)).collect());
    let (ra, rb) = tokio::join!(send(&mut on_a, same.clone()), send(&mut on_b, same));
    assert_eq!(ra, json!({"type": "ack", "seq": 20}));
    assert_eq!(rb, json!({"type": "ack", "seq": 20}));

    assert_eq!(stored_seqs(&a, &sid).await, (1..=20).collect::<Vec<i64>>());
    let flags = flags_of(&a, &sid).await;
    assert_eq!(flags.len(), 1, "one absence, one flag: {flags:?}");
    // The evidence names the stored events that started and ended the absence.
    let evidence: Vec<String> = serde_json::from_str(&flags[0].1).unwrap();
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM proctor_events WHERE session_id = $1 AND seq IN (3, 4) ORDER BY seq",
    )
    .bind(&sid)
    .fetch_all(&a.pool)
    .await
    .unwrap();
    assert_eq!(evidence, ids);
}

#[tokio::test]
async fn sign_in_throttling_and_the_telemetry_rate_hold_across_nodes() {
    if skipped() {
        return;
    }
    let (a, b, org) = two_nodes(
        "cluster-limits",
        &[("VIGIL_TELEMETRY_BURST", "100"), ("VIGIL_TELEMETRY_RATE", "1")],
    )
    .await;

    // The telemetry bucket: 100 events through node A leave nothing for node B.
    let cand = a.signed_in(CANDIDATE).await;
    let sid = a.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&a, CANDIDATE).await;
    let t = now_ms();
    let hbs = |from: i64, n: i64| -> Vec<Value> {
        (from..from + n)
            .map(|seq| event(&sid, seq, t, json!({"type": "heartbeat"})))
            .collect()
    };
    let mut on_a = connect(&a, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut on_a).await;
    assert_eq!(send(&mut on_a, batch(hbs(1, 100))).await["type"], "ack");
    let mut on_b = connect(&b, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut on_b).await;
    let reply = send(&mut on_b, batch(hbs(101, 20))).await;
    assert_eq!(reply["type"], "error", "{reply}");
    assert!(
        reply["reason"].as_str().unwrap().contains("at most 1 per second"),
        "{reply}"
    );
    let beacon = json!({"session_id": sid, "events": hbs(101, 20)});
    let (status, body) = b.call_json(&cand, "telemetry", &beacon).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(stored_seqs(&a, &sid).await.len(), 100);

    // Sign-in: five wrong passwords through node A, and the sixth attempt through node B is
    // refused, the right password included.
    let wrong = [("email", CANDIDATE), ("password", "not-the-password")];
    for _ in 0..5 {
        let (status, body) = a.call(&a.client(), "sign_in", &wrong).await;
        assert_eq!(status, 400, "{body}");
    }
    let right = [("email", CANDIDATE), ("password", common::PASSWORD)];
    let (status, body) = b.call(&b.client(), "sign_in", &right).await;
    assert_eq!(status, 429, "{body}");
    assert!(message(&body).contains("Too many sign-in attempts"), "{body}");
}
