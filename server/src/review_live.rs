//! `GET /api/review/live`: Server-Sent Events telling a reviewer, as they happen, that
//! sessions in their organisations have new flags. The review page refetches on each one.

use crate::routes::ServerState;
use app::server::{auth, db, ingest::FlagNotice};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

pub async fn stream(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let app = state.app;
    let orgs = async {
        let user = auth::user_for_token(&app, auth::token_from_headers(&headers)).await?;
        let orgs = db::orgs::orgs_with_role(&app.pool, &user.id, shared::roles::REVIEWERS).await?;
        if orgs.is_empty() {
            return Err(app::error::AppError::Forbidden);
        }
        Ok(orgs)
    }
    .await;
    match orgs {
        Ok(orgs) => Sse::new(notices(app.ingestor.notices.subscribe(), orgs))
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response(),
        Err(e) => {
            let status = http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::FORBIDDEN);
            (status, axum::Json(e)).into_response()
        }
    }
}

fn notices(
    rx: broadcast::Receiver<FlagNotice>,
    orgs: Vec<String>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold((rx, orgs), |(mut rx, orgs)| async move {
        loop {
            match rx.recv().await {
                Ok(n) if orgs.contains(&n.org_id) => {
                    let data = serde_json::json!({"session_id": n.session_id, "new_flags": n.new_flags});
                    return Some((
                        Ok(Event::default().event("flag").data(data.to_string())),
                        (rx, orgs),
                    ));
                }
                Ok(_) => continue,
                // Missed some: tell the page to refetch anyway.
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("flag").data("{}")), (rx, orgs)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
