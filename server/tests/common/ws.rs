//! A telemetry WebSocket client for tests, speaking the browser's protocol.

use super::TestApp;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

pub fn event(sid: &str, seq: i64, ms: i64, kind: Value) -> Value {
    json!({"v": 1, "session_id": sid, "seq": seq, "client_ms": ms, "kind": kind})
}

/// The session cookie a signed-in client holds.
pub async fn cookie_for(app: &TestApp, email: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.base))
        .form(&[("email", email), ("password", super::PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp, sid: &str, cookie: Option<&str>) -> Result<Ws, u16> {
    let url = format!("{}/ws/telemetry/{sid}", app.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    if let Some(c) = cookie {
        req.headers_mut().insert("cookie", c.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("unexpected websocket error: {e}"),
    }
}

pub async fn next_frame(ws: &mut Ws) -> Value {
    loop {
        match ws.next().await.expect("frame").expect("ok frame") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected message {other:?}"),
        }
    }
}

/// The code of the `Close` frame the server ends the socket with; `None` if it broke or
/// closed without one. Waits as long as the socket stays open: callers bound it.
pub async fn close_code(ws: &mut Ws) -> Option<u16> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

pub async fn send(ws: &mut Ws, frame: Value) -> Value {
    ws.send(Message::Text(frame.to_string().into())).await.unwrap();
    next_frame(ws).await
}

/// The demo candidate's attempt at `exam_id` with its telemetry socket open (the server's
/// first frame read): what most socket tests start from.
pub struct Stream {
    pub client: reqwest::Client,
    pub sid: String,
    pub cookie: String,
    pub ws: Ws,
}

pub async fn candidate_stream(app: &TestApp, exam_id: &str) -> Stream {
    let client = app.signed_in(super::builder::CANDIDATE).await;
    let sid = app.start_attempt(&client, exam_id).await;
    let cookie = cookie_for(app, super::builder::CANDIDATE).await;
    let mut ws = connect(app, &sid, Some(&cookie)).await.unwrap();
    next_frame(&mut ws).await;
    Stream {
        client,
        sid,
        cookie,
        ws,
    }
}
