//! Stopping a node (SIGTERM) while candidates stream telemetry loses no event it acknowledged:
//! an acknowledgement is sent only after the batch's transaction commits, and the node lets
//! in-flight writes finish as it exits, closing each socket with 1012 (service restart) after
//! the batch it is storing, before its database pool closes.

mod common;

use common::ws::{candidate_stream, event, Stream};
use common::TestApp;
use serde_json::json;

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
    let Stream { sid, mut ws, .. } = candidate_stream(&app, &org.exam_id).await;

    // Batches of 50 back to back; the node is told to stop after the 20th acknowledgement and
    // the page keeps sending until the socket is gone.
    let t = common::now_ms();
    let mut acked = 0_i64;
    let mut next = 1_i64;
    let mut stopping = None;
    let closed_with = loop {
        let events: Vec<_> = (next..next + 50)
            .map(|seq| event(&sid, seq, t, json!({"type": "heartbeat"})))
            .collect();
        let frame = json!({"type": "batch", "events": events});
        // The reply, or how the socket ended (its close code, if it sent one).
        let sent = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            use futures_util::{SinkExt, StreamExt};
            use tokio_tungstenite::tungstenite::Message;
            if ws.send(Message::Text(frame.to_string().into())).await.is_err() {
                return Err(None);
            }
            loop {
                match ws.next().await {
                    Some(Ok(Message::Text(t))) => {
                        return serde_json::from_str::<serde_json::Value>(t.as_str()).map_err(|_| None)
                    }
                    Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => return Err(None),
                }
            }
        })
        .await
        .unwrap_or(Err(None));
        match sent {
            Ok(reply) if reply["type"] == "ack" => {
                acked = reply["seq"].as_i64().unwrap();
                next = acked + 1;
            }
            Ok(reply) => panic!("refused: {reply}"),
            Err(code) => break code,
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
    };
    assert!(stopping.is_some(), "the node was stopped mid-stream");
    // The page is told to reconnect (to another node), not left to find a dead socket.
    assert_eq!(closed_with, Some(1012), "closed as a service restart");
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

/// A reviewer's live stream would keep the server's graceful shutdown waiting for ever: the
/// node ends it when told to stop (the page reconnects), and exits promptly.
#[tokio::test]
async fn sigterm_ends_open_review_streams_and_the_node_exits() {
    use futures_util::StreamExt;
    let (mut app, _org) = TestApp::start("shutdown-review").await;
    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let r = reviewer
        .get(format!("{}/api/review/live", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut body = r.bytes_stream();
    std::process::Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(8), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the review stream ended when the node was told to stop"
    );
    assert!(
        app.exited_within(std::time::Duration::from_secs(8)).await,
        "the node exited after SIGTERM with a review stream open"
    );
}
