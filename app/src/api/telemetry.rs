use crate::error::AppError;
use crate::model::IngestAck;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::telemetry::Envelope;

/// Stores a batch of proctoring events from the candidate's own open session over HTTP: the
/// page-hide beacon and clients without WebSockets use it. The WebSocket at
/// `/ws/telemetry/{session_id}` is the main path.
#[server(prefix = "/api", endpoint = "telemetry", input = Json)]
pub async fn record_events(session_id: String, events: Vec<Envelope>) -> Result<IngestAck, AppError> {
    use crate::server::{auth, db, ingest, respond, state};
    respond(
        async {
            let state = state()?;
            let user = auth::current_user(&state).await?;
            let target = ingest::stream_target(&state, &user.id, &session_id).await?;
            let stored = db::events::max_seq(&state.pool, &session_id).await?;
            let acked_seq = ingest::accept(&state.ingestor, &target, stored, events).await?;
            Ok(IngestAck { acked_seq })
        }
        .await,
    )
}
