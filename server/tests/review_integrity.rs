//! No session escapes review: each hole tried as an attacker would, against the real server.

mod common;

use common::ws::{candidate_stream, connect, cookie_for, event, next_frame, send, Stream};
use common::{message, now_ms, TestApp};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const CANDIDATE: &str = "candidate@demo.vigil.test";
const REVIEWER: &str = "reviewer@demo.vigil.test";

async fn gap_flags(app: &TestApp, sid: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT evidence_json, note FROM flags WHERE session_id = $1 AND flag_type = 'TELEMETRY_GAP'",
    )
    .bind(sid)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_attempt_whose_browser_sends_nothing_is_flagged_from_its_start() {
    let (app, org) = TestApp::start("silent-start").await;
    let cand = app.signed_in(CANDIDATE).await;
    // Socket and beacon blocked: the server never hears a single event.
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let ingestor = app.ingestor();
    let sweep = |at| app::server::watch::sweep(&app.pool, &ingestor, at);
    assert_eq!(
        sweep(now_ms() + 10_000).await.unwrap(),
        0,
        "10 s after the start is normal"
    );
    assert_eq!(
        sweep(now_ms() + 31_000).await.unwrap(),
        1,
        "31 s is a gap at MEDIUM"
    );
    assert_eq!(
        sweep(now_ms() + 120_000).await.unwrap(),
        0,
        "one flag per silence"
    );
    let flags = gap_flags(&app, &sid).await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].0, "[]");
    assert!(
        flags[0].1.as_deref().unwrap().contains("No telemetry"),
        "{flags:?}"
    );

    let reviewer = app.signed_in(REVIEWER).await;
    let (_, page) = app.queue(&reviewer, json!({"flag_type": "TELEMETRY_GAP"})).await;
    assert_eq!(page["sessions"][0]["session_id"], sid.as_str(), "{page}");
    // Submitting afterwards raises no second flag for the same silence.
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    assert_eq!(gap_flags(&app, &sid).await.len(), 1);
}

#[tokio::test]
async fn an_attempt_submitted_without_any_event_is_flagged() {
    let (app, org) = TestApp::start("silent-submit").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let flags = gap_flags(&app, &sid).await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert!(
        flags[0].1.as_deref().unwrap().contains("submitted without"),
        "{flags:?}"
    );
    let reviewer = app.signed_in(REVIEWER).await;
    let (_, page) = app.queue(&reviewer, json!({})).await;
    assert_eq!(page["sessions"][0]["session_id"], sid.as_str(), "{page}");
    assert_eq!(page["sessions"][0]["risk_score"], 3);

    // An unproctored attempt has nothing to send and is not flagged.
    let practice = app.practice_exam_id().await;
    let other = app.start_unproctored(&cand, &practice).await;
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &other)]).await.0,
        200
    );
    assert!(gap_flags(&app, &other).await.is_empty());
}

/// A batch of `n` heartbeats from `from` on.
fn heartbeats(sid: &str, from: i64, n: i64) -> Vec<Value> {
    let t = now_ms();
    (from..from + n)
        .map(|seq| event(sid, seq, t, json!({"type": "heartbeat"})))
        .collect()
}

#[tokio::test]
async fn the_rate_limit_holds_per_session_across_connections_and_the_beacon() {
    let (app, org) = TestApp::start("rate-session").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&app, CANDIDATE).await;
    let mut first = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut first).await;
    // The burst allowance (2,000 events) spent on one connection…
    for i in 0..4 {
        let reply = send(
            &mut first,
            json!({"type": "batch", "events": heartbeats(&sid, 1 + i * 500, 500)}),
        )
        .await;
        assert_eq!(reply["type"], "ack", "{reply}");
    }
    // …is spent for a second connection…
    let mut second = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut second).await;
    let reply = send(
        &mut second,
        json!({"type": "batch", "events": heartbeats(&sid, 2_001, 200)}),
    )
    .await;
    assert_eq!(reply["type"], "error", "{reply}");
    assert!(
        reply["reason"].as_str().unwrap().contains("too many events"),
        "{reply}"
    );
    // …and for the beacon.
    let beacon = json!({"session_id": sid, "events": heartbeats(&sid, 2_001, 200)});
    let (status, body) = app.call_json(&cand, "telemetry", &beacon).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 2_000);
}

#[tokio::test]
async fn a_session_past_its_event_cap_is_refused_and_flagged_once() {
    let (db_url, pool) = common::fresh_database("event-cap").await;
    let org = app::server::demo::seed_demo(&pool).await.unwrap();
    let app = TestApp::spawn_with(db_url, pool, &[("VIGIL_TELEMETRY_EVENT_CAP", "10")]).await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let ok = json!({"session_id": sid, "events": heartbeats(&sid, 1, 10)});
    assert_eq!(app.call_json(&cand, "telemetry", &ok).await.0, 200);
    for _ in 0..2 {
        let over = json!({"session_id": sid, "events": heartbeats(&sid, 11, 5)});
        let (status, body) = app.call_json(&cand, "telemetry", &over).await;
        assert_eq!(status, 429, "{body}");
        assert!(message(&body).contains("limit of 10"), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 10);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE flag_type = 'SUSPICIOUS_ACTIVITY'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_socket_closes_when_the_attempt_is_submitted() {
    let (app, org) = TestApp::start("ws-submit").await;
    let Stream {
        client: cand,
        sid,
        cookie,
        mut ws,
    } = candidate_stream(&app, &org.exam_id).await;
    assert_eq!(
        send(
            &mut ws,
            json!({"type": "batch", "events": heartbeats(&sid, 1, 1)})
        )
        .await["type"],
        "ack"
    );
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let closed = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("the server closes the socket within 5 s");
    match closed {
        Some(Ok(Message::Close(Some(frame)))) => assert!(frame.reason.contains("ended"), "{frame:?}"),
        other => panic!("expected a close frame, got {other:?}"),
    }
    // A new connection is refused, and so is a late batch by the beacon.
    assert_eq!(connect(&app, &sid, Some(&cookie)).await.err(), Some(409));
    let late = json!({"session_id": sid, "events": heartbeats(&sid, 2, 1)});
    assert_eq!(app.call_json(&cand, "telemetry", &late).await.0, 409);
}

#[tokio::test]
async fn extreme_sequence_numbers_and_clocks_get_an_error_frame() {
    let (app, org) = TestApp::start("ws-extremes").await;
    let Stream { sid, mut ws, .. } = candidate_stream(&app, &org.exam_id).await;
    let t = now_ms();
    let hb = json!({"type": "heartbeat"});
    for events in [
        json!([event(&sid, i64::MAX, t, hb.clone())]),
        json!([
            event(&sid, 1, t, hb.clone()),
            event(&sid, i64::MAX, t, hb.clone())
        ]),
        json!([event(&sid, i64::MIN, t, hb.clone())]),
        json!([event(&sid, 1, i64::MIN, hb.clone())]),
        json!([event(&sid, 1, i64::MAX, hb.clone())]),
    ] {
        let reply = send(&mut ws, json!({"type": "batch", "events": events})).await;
        assert_eq!(reply["type"], "error", "{events} → {reply}");
    }
    // Still serving, nothing stored, and a good batch goes through.
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 0);
    let reply = send(
        &mut ws,
        json!({"type": "batch", "events": heartbeats(&sid, 1, 1)}),
    )
    .await;
    assert_eq!(reply, json!({"type": "ack", "seq": 1}));
}

/// The SSE body until it ends or `within` passes; returns whether it ended.
async fn ends_within<S, B>(body: &mut S, within: Duration) -> bool
where
    S: futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, body.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

#[tokio::test]
async fn the_live_review_stream_ends_on_sign_out_or_role_loss() {
    let (app, _org) = TestApp::start("live-ends").await;
    let open = |client: reqwest::Client| {
        let url = format!("{}/api/review/live", app.base);
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.bytes_stream()
        }
    };
    let reviewer = app.signed_in(REVIEWER).await;
    let mut body = open(reviewer.clone()).await;
    assert!(
        !ends_within(&mut body, Duration::from_secs(4)).await,
        "an open stream stays open"
    );
    assert_eq!(app.call(&reviewer, "sign_out", &[]).await.0, 200);
    assert!(
        ends_within(&mut body, Duration::from_secs(10)).await,
        "signing out ends the stream"
    );

    let reviewer = app.signed_in(REVIEWER).await;
    let mut body = open(reviewer).await;
    sqlx::query("DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = $1)")
        .bind(REVIEWER)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        ends_within(&mut body, Duration::from_secs(10)).await,
        "losing the role ends the stream"
    );
}

#[tokio::test]
async fn a_save_racing_a_submission_never_changes_an_answer_after_it() {
    let (app, org) = TestApp::start("save-race").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let q = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "TRUE_FALSE")
        .expect("the demo exam has a true/false question")["question_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A first answer is in before the race starts.
    let first = [
        ("session_id", sid.as_str()),
        ("question_id", q.as_str()),
        ("value", r#"["false"]"#),
        ("version", "1"),
    ];
    assert_eq!(app.call(&cand, "save_answer", &first).await.0, 200);
    // Saves alternate between the two answers, so an answer changed after grading would
    // disagree with the points it was given.
    let saves = (2..=41_i64).map(|version| {
        let (cand, sid, q) = (cand.clone(), sid.clone(), q.clone());
        let app = &app;
        async move {
            let value = if version % 2 == 0 {
                r#"["true"]"#
            } else {
                r#"["false"]"#
            };
            let v = version.to_string();
            let (status, _) = app
                .call(
                    &cand,
                    "save_answer",
                    &[
                        ("session_id", &sid),
                        ("question_id", &q),
                        ("value", value),
                        ("version", &v),
                    ],
                )
                .await;
            (version, status)
        }
    });
    let submit = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0
    };
    let (results, submitted) = tokio::join!(futures_util::future::join_all(saves), submit);
    assert_eq!(submitted, 200);
    for (version, status) in &results {
        assert!(*status == 200 || *status == 409, "save {version}: {status}");
    }
    // The stored answer is the one that was graded. (Timestamps cannot tell: each request
    // reads the clock before it waits for the row, so a save that committed first may carry a
    // later time than the submission.)
    let (value, points): (String, Option<f64>) = sqlx::query_as(
        "SELECT a.value_json, a.points_awarded FROM answers a WHERE a.session_id = $1 AND a.question_id = $2",
    )
    .bind(&sid)
    .bind(&q)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let key: String = sqlx::query_scalar("SELECT answer_json FROM questions WHERE id = $1")
        .bind(&q)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let correct =
        serde_json::from_str::<Value>(&key).unwrap() == serde_json::from_str::<Value>(&value).unwrap();
    assert_eq!(
        points.map(|p| p > 0.0),
        Some(correct),
        "graded {value} as {points:?} (key {key})"
    );
    // After the submission every save is refused.
    let (status, body) = app
        .call(
            &cand,
            "save_answer",
            &[
                ("session_id", &sid),
                ("question_id", &q),
                ("value", r#"["true"]"#),
                ("version", "99"),
            ],
        )
        .await;
    assert_eq!(status, 409, "{body}");
}

#[tokio::test]
async fn rule_state_rebuilt_after_a_restart_raises_exactly_one_flag() {
    let (app, org) = TestApp::start("restart-rules").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let t = now_ms();
    // Hidden, and a heartbeat one second later: not long enough for a flag at MEDIUM (2 s).
    let before = json!({"session_id": sid, "events": [
        event(&sid, 1, t, json!({"type": "visibility_hidden"})),
        event(&sid, 2, t + 1_000, json!({"type": "heartbeat"})),
    ]});
    assert_eq!(app.call_json(&cand, "telemetry", &before).await.0, 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM flags").await, 0);

    // The server restarts mid-interval and forgets every rule's state.
    let (db_url, pool) = (app.db_url.clone(), app.pool.clone());
    drop(app);
    let app = TestApp::spawn(db_url, pool).await;
    let cand = app.signed_in(CANDIDATE).await;
    // Still hidden three seconds in (the flag is due), then visible again.
    let after = json!({"session_id": sid, "events": [
        event(&sid, 3, t + 3_000, json!({"type": "heartbeat"})),
        event(&sid, 4, t + 4_000, json!({"type": "visibility_visible"})),
    ]});
    assert_eq!(app.call_json(&cand, "telemetry", &after).await.0, 200);
    let flags: Vec<(String, String)> = sqlx::query_as("SELECT flag_type, evidence_json FROM flags")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].0, "TAB_SWITCH");
    let first_event: String = sqlx::query_scalar("SELECT id FROM proctor_events WHERE seq = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        flags[0].1.contains(&first_event),
        "the flag names the hidden event from before the restart"
    );
}
