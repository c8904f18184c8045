//! `GET /api/review/live`: Server-Sent Events telling a reviewer, as they happen, that
//! sessions in their organisations changed: new flags (`flag`), claims (`claim`) and decisions
//! (`decision`). The review pages refetch on each one.
//!
//! Notices come over the bus, so a reviewer hears of changes made through any node.
//!
//! The stream re-checks its reviewer every few seconds and ends when they have signed out,
//! their session expired, or they no longer review in an organisation it was opened for.

use crate::routes::ServerState;
use app::server::bus::Announcement;
use app::server::{auth, db, metrics, stopping, AppState};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use shared::roles::REVIEWERS;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

/// How often an open stream checks that its reviewer may still read it.
const RECHECK_EVERY: Duration = Duration::from_secs(3);

/// The reviewer's organisations, or why the stream may not open.
async fn reviewer_orgs(app: &AppState, token: Option<&str>) -> Result<Vec<String>, app::error::AppError> {
    let user = auth::user_for_token(app, token.map(str::to_string)).await?;
    let orgs = db::orgs::orgs_with_role(&app.pool, &user.id, REVIEWERS).await?;
    if orgs.is_empty() {
        return Err(app::error::AppError::Forbidden);
    }
    Ok(orgs)
}

pub async fn stream(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let app = state.app;
    let token = auth::token_from_headers(&app, &headers);
    match reviewer_orgs(&app, token.as_deref()).await {
        Ok(orgs) => {
            let feed = Feed {
                rx: app.bus.subscribe_review(),
                stop: app.stopping.listener(),
                orgs,
                app,
                token,
                recheck: tokio::time::interval(RECHECK_EVERY),
                _open: metrics::OpenGuard::new(&metrics::get().review_streams_open),
            };
            Sse::new(notices(feed))
                .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

struct Feed {
    rx: broadcast::Receiver<Announcement>,
    /// Ends the stream when the node stops (the page reconnects, to another node).
    stop: stopping::Listener,
    orgs: Vec<String>,
    app: AppState,
    token: Option<String>,
    recheck: tokio::time::Interval,
    /// Counted among the open streams until the stream ends.
    _open: metrics::OpenGuard,
}

impl Feed {
    /// Whether the reviewer may still read every organisation the stream was opened for.
    async fn still_allowed(&self) -> bool {
        match reviewer_orgs(&self.app, self.token.as_deref()).await {
            Ok(now) => self.orgs.iter().all(|o| now.contains(o)),
            Err(_) => false,
        }
    }
}

fn notices(feed: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(feed, |mut feed| async move {
        loop {
            tokio::select! {
                _ = feed.stop.stopping() => {
                    tracing::debug!("review stream closed: the node is stopping");
                    return None;
                }
                _ = feed.recheck.tick() => {
                    if !feed.still_allowed().await {
                        tracing::debug!("review stream closed: the reviewer signed out or lost the role");
                        return None;
                    }
                }
                heard = feed.rx.recv() => match heard {
                    Ok(Announcement::Review(n)) if feed.orgs.contains(&n.org_id) => {
                        let data = serde_json::json!({"session_id": n.session_id});
                        let event = Event::default().event(n.what.as_str()).data(data.to_string());
                        return Some((Ok(event), feed));
                    }
                    // This node may have missed some: tell the page to refetch anyway.
                    Ok(Announcement::Resync) | Err(RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("flag").data("{}")), feed));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    })
}
