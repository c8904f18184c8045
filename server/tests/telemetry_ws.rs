//! The telemetry WebSocket, tried as a browser and as an attacker would.

mod common;

use common::ws::{candidate_stream, close_code, connect, cookie_for, event, next_frame, send, Stream};
use common::TestApp;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn the_stream_is_bound_to_the_candidates_own_open_session() {
    let (app, org) = TestApp::start("ws-auth").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;

    assert_eq!(connect(&app, &sid, None).await.err(), Some(401), "no cookie");
    let other = cookie_for(&app, "reviewer@demo.vigil.test").await;
    assert_eq!(
        connect(&app, &sid, Some(&other)).await.err(),
        Some(403),
        "someone else's session"
    );
    let own = cookie_for(&app, CANDIDATE).await;
    assert_eq!(
        connect(&app, "no-such-session", Some(&own)).await.err(),
        Some(403)
    );
    let mut ws = connect(&app, &sid, Some(&own))
        .await
        .expect("own session connects");
    assert_eq!(next_frame(&mut ws).await, json!({"type": "hello", "last_seq": 0}));
}

#[tokio::test]
async fn bad_frames_get_a_reason_and_change_nothing_good_ones_are_acknowledged_once() {
    let (app, org) = TestApp::start("ws-frames").await;
    let Stream {
        client: cand,
        sid,
        cookie,
        mut ws,
    } = candidate_stream(&app, &org.exam_id).await;
    let t = common::now_ms();

    let bad = [
        (json!({"type": "batch"}), "malformed frame"),
        (json!({"type": "shout", "events": []}), "malformed frame"),
        (json!({"type": "batch", "events": []}), "empty"),
        (
            json!({"type": "batch", "events": [event(&sid, 2, t, json!({"type": "heartbeat"}))]}),
            "missing",
        ),
        (
            json!({"type": "batch", "events": [event("another-session", 1, t, json!({"type": "heartbeat"}))]}),
            "another session",
        ),
        (
            json!({"type": "batch", "events": [event(&sid, 1, t + 48 * 3_600_000, json!({"type": "heartbeat"}))]}),
            "clock",
        ),
        (
            json!({"type": "batch", "events": [event(&sid, 1, t, json!({"type": "paste", "length": 5, "hash": "<script>"}))]}),
            "hash",
        ),
        (
            json!({"type": "batch", "events": [event(&sid, 1, t, json!({"type": "teleport"}))]}),
            "malformed frame",
        ),
    ];
    for (frame, reason) in bad {
        let reply = send(&mut ws, frame.clone()).await;
        assert_eq!(reply["type"], "error", "{frame} → {reply}");
        assert!(
            reply["reason"].as_str().unwrap().contains(reason),
            "{frame} → {reply}"
        );
    }
    ws.send(Message::Binary(vec![1, 2, 3].into())).await.unwrap();
    assert_eq!(next_frame(&mut ws).await["type"], "error");
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 0);

    let batch = json!({"type": "batch", "events": [
        event(&sid, 1, t, json!({"type": "heartbeat"})),
        event(&sid, 2, t + 100, json!({"type": "paste", "length": 120, "hash": "00ff00ff00ff00ff"})),
        event(&sid, 3, t + 200, json!({"type": "shortcut", "key": "print_screen"})),
    ]});
    assert_eq!(
        send(&mut ws, batch.clone()).await,
        json!({"type": "ack", "seq": 3})
    );
    // A re-send after a lost acknowledgement stores nothing twice.
    assert_eq!(send(&mut ws, batch).await, json!({"type": "ack", "seq": 3}));
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 3);
    let mut flags: Vec<String> = sqlx::query_scalar("SELECT flag_type FROM flags ORDER BY flag_type")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    flags.sort();
    assert_eq!(flags, vec!["COPY_PASTE", "SCREENSHOT_ATTEMPT"]);
    // The paste's text never reached the server: only its length and fingerprint.
    let payload: String = sqlx::query_scalar("SELECT payload_json FROM proctor_events WHERE seq = 2")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        payload,
        r#"{"type":"paste","length":120,"hash":"00ff00ff00ff00ff"}"#
    );

    // A reconnecting client learns where to resume.
    drop(ws);
    let mut ws = connect(&app, &sid, Some(&cookie)).await.unwrap();
    assert_eq!(next_frame(&mut ws).await, json!({"type": "hello", "last_seq": 3}));
    // So does a reloaded exam page, which numbers its next events from there.
    let (status, page) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["last_seq"], 3);

    // Oversized frames are refused by closing the connection.
    let huge = "x".repeat(shared::telemetry::MAX_FRAME_BYTES + 10);
    let _ = ws.send(Message::Text(huge.into())).await;
    let closed = ws.next().await;
    assert!(!matches!(closed, Some(Ok(Message::Text(_)))), "{closed:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 3);
}

#[tokio::test]
async fn reviewers_are_told_of_new_flags_as_they_happen() {
    let (app, org) = TestApp::start("ws-live").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;

    let stranger = app.signed_in(CANDIDATE).await;
    let r = stranger
        .get(format!("{}/api/review/live", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "candidates get no live feed");

    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let r = reviewer
        .get(format!("{}/api/review/live", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();

    let cookie = cookie_for(&app, CANDIDATE).await;
    let mut ws = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;
    let t = common::now_ms();
    let batch = json!({"type": "batch", "events": [
        event(&sid, 1, t, json!({"type": "visibility_hidden"})),
        event(&sid, 2, t + 5_000, json!({"type": "visibility_visible"})),
    ]});
    assert_eq!(send(&mut ws, batch).await["type"], "ack");

    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !seen.contains(&sid) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("a notice within 5 s");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert!(seen.contains("event: flag"), "{seen}");
}

#[tokio::test]
async fn camera_counts_are_taken_only_for_exams_that_use_the_camera_and_raise_the_camera_flags() {
    let (app, org) = TestApp::start("ws-camera").await;
    let Stream {
        sid, cookie, mut ws, ..
    } = candidate_stream(&app, &org.exam_id).await;
    let t = common::now_ms();

    // The demo exam does not use the camera: a page (or a forger) sending camera events for
    // it is refused with the reason, and nothing of the batch is stored.
    let sample = |seq: i64, ms: i64, faces: u32| {
        event(&sid, seq, ms, json!({"type": "faces_counted", "faces": faces}))
    };
    let refused = send(
        &mut ws,
        json!({"type": "batch", "events": [event(&sid, 1, t, json!({"type": "heartbeat"})), sample(2, t, 1)]}),
    )
    .await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(
        refused["reason"]
            .as_str()
            .unwrap()
            .contains("does not use the camera"),
        "{refused}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 0);

    // With camera proctoring on (the policy is read when the stream opens), counts go through
    // the rules: a minute without a face and a second face that stays are one flag each.
    set_camera_policy(&app, &org.exam_id, "FLAG_IF_MISSING").await;
    drop(ws);
    let mut ws = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;
    let mut events = vec![event(&sid, 1, t, json!({"type": "camera_started"}))];
    let faces = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 1];
    for (i, f) in faces.iter().enumerate() {
        let seq = i as i64 + 2;
        events.push(sample(seq, t + 2_000 * (i as i64 + 1), *f));
    }
    let last = events.len() as i64;
    assert_eq!(
        send(&mut ws, json!({"type": "batch", "events": events})).await,
        json!({"type": "ack", "seq": last})
    );
    let mut flags: Vec<String> = sqlx::query_scalar("SELECT flag_type FROM flags WHERE session_id = $1")
        .bind(&sid)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    flags.sort();
    assert_eq!(flags, vec!["MULTIPLE_FACES", "NO_FACE_DETECTED"]);
    // Stored as sent: a count, not a picture.
    let payload: String =
        sqlx::query_scalar("SELECT payload_json FROM proctor_events WHERE session_id = $1 AND seq = 2")
            .bind(&sid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(payload, r#"{"type":"faces_counted","faces":1}"#);

    let denied = json!({"type": "batch", "events": [event(&sid, last + 1, t + 60_000, json!({"type": "camera_denied"}))]});
    assert_eq!(
        send(&mut ws, denied).await,
        json!({"type": "ack", "seq": last + 1})
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE flag_type = 'CAMERA_UNAVAILABLE'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_camera_exam_whose_page_never_reports_a_camera_is_flagged_after_a_minute() {
    // A required camera is enforced by the page; an attempt whose page sends everything but
    // the camera (its camera code blocked, or the attempt driven by hand) is still seen.
    let (app, org) = TestApp::start("ws-camera-silent").await;
    set_camera_policy(&app, &org.exam_id, "REQUIRED").await;
    let Stream { sid, mut ws, .. } = candidate_stream(&app, &org.exam_id).await;
    let t = common::now_ms();
    let heartbeats = |from: i64, to: i64| -> Vec<_> {
        (from..=to)
            .map(|i| event(&sid, i, t + (i - 1) * 5_000, json!({"type": "heartbeat"})))
            .collect()
    };
    let unavailable = "SELECT COUNT(*) FROM flags WHERE flag_type = 'CAMERA_UNAVAILABLE'";
    // 55 s of heartbeats: nothing yet.
    let ack = send(&mut ws, json!({"type": "batch", "events": heartbeats(1, 12)})).await;
    assert_eq!(ack, json!({"type": "ack", "seq": 12}));
    assert_eq!(app.count(unavailable).await, 0);
    // A minute: one flag, and no second for the silence that goes on.
    let ack = send(&mut ws, json!({"type": "batch", "events": heartbeats(13, 30)})).await;
    assert_eq!(ack, json!({"type": "ack", "seq": 30}));
    assert_eq!(app.count(unavailable).await, 1);
}

#[tokio::test]
async fn the_camera_accommodation_turns_the_camera_rules_off_for_one_candidate() {
    let (app, org) = TestApp::start("ws-camera-relaxed").await;
    set_camera_policy(&app, &org.exam_id, "REQUIRED").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let enrollment: String = sqlx::query_scalar("SELECT enrollment_id FROM exam_sessions WHERE id = $1")
        .bind(&sid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let manager = app.signed_in("enrollment@demo.vigil.test").await;
    let form = [
        ("enrollment_id", enrollment.as_str()),
        ("break_minutes", "0"),
        ("camera_rules_off", "on"),
    ];
    let (status, body) = app.call(&manager, "set_rule_relaxations", &form).await;
    assert_eq!(status, 200, "{body}");
    let (status, roster) = app
        .call(&manager, "roster", &[("exam_id", org.exam_id.as_str())])
        .await;
    assert_eq!(status, 200, "{roster}");
    assert_eq!(roster["camera"], true, "{roster}");

    // 20 s without a face, then two faces, then the camera refused: each a flag for anyone else
    // (see above), nothing for this candidate.
    let t = common::now_ms();
    let mut events: Vec<_> = (1..=15)
        .map(|i| {
            event(
                &sid,
                i,
                t + i * 2_000,
                json!({"type": "faces_counted", "faces": if i < 12 { 0 } else { 2 }}),
            )
        })
        .collect();
    events.push(event(&sid, 16, t + 32_000, json!({"type": "camera_denied"})));
    let (status, body) = app
        .call_json(&cand, "telemetry", &json!({"session_id": sid, "events": events}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 16);
    assert_eq!(app.count("SELECT COUNT(*) FROM flags").await, 0);
}

/// Sets an exam's camera setting straight in the database, as a coordinator's form would
/// before candidates start (the stream reads it when it opens).
async fn set_camera_policy(app: &TestApp, exam_id: &str, policy: &str) {
    sqlx::query("UPDATE exams SET camera_policy = $1 WHERE id = $2")
        .bind(policy)
        .bind(exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn handing_in_closes_that_attempts_socket_and_no_other() {
    let (app, org) = TestApp::start("ws-hand-in").await;
    let Stream {
        client,
        sid,
        cookie,
        mut ws,
    } = candidate_stream(&app, &org.exam_id).await;
    // The same candidate's attempt at another proctored exam, streaming in another tab.
    let other_exam: String = sqlx::query_scalar("SELECT id FROM exams WHERE title = $1")
        .bind(app::server::demo::CAMERA_OPTIONAL_TITLE)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let other_sid = app.start_attempt(&client, &other_exam).await;
    let mut other = connect(&app, &other_sid, Some(&cookie)).await.unwrap();
    next_frame(&mut other).await;

    let (status, body) = app.call(&client, "submit_exam", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        tokio::time::timeout(std::time::Duration::from_secs(5), close_code(&mut ws))
            .await
            .ok()
            .flatten(),
        Some(4000),
        "the handed-in attempt's socket is closed with 'the attempt has ended'"
    );
    // The other attempt's socket heard nothing and still stores what it is sent.
    let t = common::now_ms();
    let ack = send(
        &mut other,
        json!({"type": "batch", "events": [event(&other_sid, 1, t, json!({"type": "heartbeat"}))]}),
    )
    .await;
    assert_eq!(ack, json!({"type": "ack", "seq": 1}));
}
