//! `GET /ws/telemetry/{session_id}`: the candidate's browser streams proctoring events here.
//!
//! The upgrade is refused unless the cookie signs in the candidate who owns the session and
//! the session is open. Every frame is then checked (size, shape, sequence, clock, rate); a
//! bad frame gets an error frame with the reason and changes nothing; a good batch is stored
//! and acknowledged by sequence number.

use crate::routes::ServerState;
use app::error::AppError;
use app::server::bus::Check;
use app::server::{auth, db, ingest, metrics};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use shared::telemetry::{ClientFrame, ServerFrame, MAX_FRAME_BYTES};
use tracing::Instrument;

pub async fn upgrade(
    ws: WebSocketUpgrade,
    Path(session_id): Path<String>,
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let token = auth::token_from_headers(&app, &headers);
    let checked = async {
        let user = auth::user_for_token(&app, token.clone()).await?;
        let target = ingest::stream_target(&app, &user.id, &session_id).await?;
        let stored = db::events::max_seq(&app.pool, &session_id).await?;
        Ok::<_, AppError>((user.id, target, stored))
    }
    .await;
    let (user_id, target, stored) = match checked {
        Ok(ok) => ok,
        Err(e) => return refuse(e),
    };
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let span = tracing::info_span!("telemetry", %request_id, session_id = %target.session_id, %user_id);
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        // Thousands of candidates stay connected: keep per-socket buffers small.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| {
            let signed_in = SignedIn { app, user_id, token };
            stream(socket, signed_in, target, stored).instrument(span)
        })
}

/// The candidate behind a socket, checked again while it stays open.
struct SignedIn {
    app: app::server::AppState,
    user_id: String,
    token: Option<String>,
}

/// How often an open socket checks its sign-in (each check also counts as activity, so a
/// candidate who reads a long question for half an hour is not signed out mid-exam).
const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl SignedIn {
    async fn still_valid(&self) -> bool {
        matches!(auth::user_for_token(&self.app, self.token.clone()).await, Ok(u) if u.id == self.user_id)
    }

    /// Whether the attempt still takes telemetry (a database error counts as yes: the next
    /// announcement or batch will tell).
    async fn attempt_open(&self, session_id: &str) -> bool {
        !matches!(
            ingest::stream_target(&self.app, &self.user_id, session_id).await,
            Err(AppError::Conflict(_) | AppError::Forbidden)
        )
    }
}

fn refuse(e: AppError) -> Response {
    e.into_response()
}

async fn stream(mut socket: WebSocket, signed_in: SignedIn, target: ingest::StreamTarget, mut stored: i64) {
    let ingestor = signed_in.app.ingestor.clone();
    let _open = metrics::OpenGuard::new(&metrics::get().telemetry_sockets_open);
    // Ended attempts and sign-ins are announced on the bus, whichever node ended them; this
    // socket's bell rings for its own attempt and its own person only.
    let watch = signed_in.app.bus.watch(&target.session_id, &signed_in.user_id);
    // Checked only between frames, so a batch being stored is finished and acknowledged first.
    let mut stop = signed_in.app.stopping.listener();
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
    tracing::debug!(stored, "telemetry stream open");
    if send(&mut socket, &ServerFrame::Hello { last_seq: stored })
        .await
        .is_err()
    {
        return;
    }
    loop {
        let msg = tokio::select! {
            msg = socket.recv() => msg,
            check = watch.heard() => {
                if matches!(check, Check::SignIn | Check::Both) && !signed_in.still_valid().await {
                    close_signed_out(&mut socket).await;
                    break;
                }
                let ended = match check {
                    Check::AttemptEnded => true,
                    Check::Both => !signed_in.attempt_open(&target.session_id).await,
                    Check::SignIn => false,
                };
                if ended {
                    tracing::debug!("attempt ended: closing the telemetry stream");
                    let close = axum::extract::ws::CloseFrame {
                        code: 4000,
                        reason: "the attempt has ended".into(),
                    };
                    let _ = socket.send(Message::Close(Some(close))).await;
                    break;
                }
                continue;
            }
            _ = stop.stopping() => {
                tracing::debug!("node stopping: closing the telemetry stream");
                let close = axum::extract::ws::CloseFrame {
                    code: axum::extract::ws::close_code::RESTART,
                    reason: "the server is restarting; reconnect".into(),
                };
                let _ = socket.send(Message::Close(Some(close))).await;
                break;
            }
            _ = recheck.tick() => {
                if !signed_in.still_valid().await {
                    close_signed_out(&mut socket).await;
                    break;
                }
                continue;
            }
        };
        let Some(msg) = msg else { break };
        let text = match msg {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) => break,
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(Message::Binary(_)) => {
                let _ = error(&mut socket, "binary frames are not accepted; send JSON text").await;
                continue;
            }
            Err(e) => {
                tracing::debug!(error = %e, "telemetry stream broke");
                break;
            }
        };
        let reply = match serde_json::from_str::<ClientFrame>(text.as_str()) {
            Err(e) => ServerFrame::Error {
                reason: format!("malformed frame: {e}"),
            },
            Ok(ClientFrame::Batch { events }) => {
                match ingest::accept(&ingestor, &target, stored, events).await {
                    Ok(acked) => {
                        stored = acked;
                        ServerFrame::Ack { seq: acked }
                    }
                    Err(e) => ServerFrame::Error {
                        reason: e.to_string(),
                    },
                }
            }
        };
        if let ServerFrame::Error { reason } = &reply {
            tracing::info!(%reason, "telemetry frame refused");
        }
        if send(&mut socket, &reply).await.is_err() {
            break;
        }
    }
}

/// Tells the page its sign-in ended; it keeps unsent events and asks the person to sign in.
async fn close_signed_out(socket: &mut WebSocket) {
    tracing::debug!("sign-in ended: closing the telemetry stream");
    let close = axum::extract::ws::CloseFrame {
        code: 4001,
        reason: "signed out".into(),
    };
    let _ = socket.send(Message::Close(Some(close))).await;
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), axum::Error> {
    let text =
        serde_json::to_string(frame).unwrap_or_else(|_| r#"{"type":"error","reason":"internal"}"#.into());
    socket.send(Message::Text(text.into())).await
}

async fn error(socket: &mut WebSocket, reason: &str) -> Result<(), axum::Error> {
    send(
        socket,
        &ServerFrame::Error {
            reason: reason.into(),
        },
    )
    .await
}
