//! Stopping a node (SIGTERM) while candidates stream telemetry loses no event it acknowledged:
//! an acknowledgement is sent only after the batch's transaction commits, and the node lets
//! in-flight writes finish as it exits.

mod common;

use common::ws::{connect, cookie_for, event, next_frame};
use common::TestApp;
use serde_json::json;

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn sigterm_while_streaming_loses_no_acknowledged_event() {
    let (db_url, pool) = common::fresh_database("shutdown").await;
    let org = app::server::demo::seed_demo(&pool).await.unwrap();
    let mut app = TestApp::spawn_with(
        db_url,
        pool,
        &[
            ("VIGIL_TELEMETRY_BURST", "1000000"),
            ("VIGIL_TELEMETRY_RATE", "10000"),
        ],
    )
    .await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let cookie = cookie_for(&app, CANDIDATE).await;
    let mut ws = connect(&app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;

    // Batches of 50 back to back; the node is told to stop after the 20th acknowledgement and
    // the page keeps sending until the socket is gone.
    let t = common::now_ms();
    let mut acked = 0_i64;
    let mut next = 1_i64;
    let mut stopping = None;
    loop {
        let events: Vec<_> = (next..next + 50)
            .map(|seq| event(&sid, seq, t, json!({"type": "heartbeat"})))
            .collect();
        let frame = json!({"type": "batch", "events": events});
        let sent = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            use futures_util::{SinkExt, StreamExt};
            ws.send(tokio_tungstenite::tungstenite::Message::Text(
                frame.to_string().into(),
            ))
            .await
            .ok()?;
            loop {
                match ws.next().await? {
                    Ok(tokio_tungstenite::tungstenite::Message::Text(t)) => {
                        return serde_json::from_str::<serde_json::Value>(t.as_str()).ok()
                    }
                    Ok(tokio_tungstenite::tungstenite::Message::Close(_)) | Err(_) => return None,
                    Ok(_) => continue,
                }
            }
        })
        .await
        .ok()
        .flatten();
        match sent {
            Some(reply) if reply["type"] == "ack" => {
                acked = reply["seq"].as_i64().unwrap();
                next = acked + 1;
            }
            Some(reply) => panic!("refused: {reply}"),
            None => break,
        }
        if acked >= 1_000 && stopping.is_none() {
            let pid = app.pid();
            stopping = Some(std::thread::spawn(move || {
                std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .unwrap()
            }));
        }
    }
    assert!(stopping.is_some(), "the node was stopped mid-stream");
    app.terminate();
    let stored: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM proctor_events WHERE session_id = $1 ORDER BY seq")
            .bind(&sid)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(acked >= 1_000, "acknowledged {acked}");
    assert!(
        stored.len() as i64 >= acked,
        "acknowledged up to {acked}, stored {}",
        stored.len()
    );
    assert_eq!(
        stored,
        (1..=stored.len() as i64).collect::<Vec<_>>(),
        "no gap, nothing twice"
    );
}
