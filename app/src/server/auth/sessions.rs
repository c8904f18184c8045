//! The signed-in session behind a request: looked up once per request, marked as used, and
//! started after a sign-in.

use super::super::db;
use super::super::{now_ms, AppState};
use super::cookies::{request_parts, session_cookie, set_cookie, token_from_parts, user_agent};
use super::secrets::{hash_token, new_token};
use crate::error::AppError;
use crate::model::Me;
use leptos::prelude::*;

/// A session's last use is written at most this often (a write per request would cost more
/// than the minute of precision is worth).
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// The signed-in user of the current request, or `Unauthenticated`.
pub async fn current_user(state: &AppState) -> Result<db::users::UserRow, AppError> {
    current_session(state).await.map(|live| live.user)
}

/// The current request's session, looked up once however many server functions ask while the
/// request is served: rendering a page runs several (the header's "who am I" and the page's own
/// data), and each lookup is a statement. Provided afresh for every request by the router.
#[derive(Clone, Default, Debug)]
pub struct RequestSession(std::sync::Arc<tokio::sync::OnceCell<db::sessions::Live>>);

/// The current request's session and its user, or `Unauthenticated`.
pub async fn current_session(state: &AppState) -> Result<db::sessions::Live, AppError> {
    if let Some(live) = super::super::page_prefetch::session() {
        return Ok(live);
    }
    let token = request_parts().as_ref().and_then(|p| token_from_parts(state, p));
    match use_context::<RequestSession>() {
        // The page's server functions start together: the others wait for the first's lookup
        // rather than each making their own.
        Some(memo) => memo
            .0
            .get_or_try_init(|| session_for_token(state, token))
            .await
            .cloned(),
        None => session_for_token(state, token).await,
    }
}

/// The user a session token (from a cookie) belongs to, or `Unauthenticated`.
pub async fn user_for_token(state: &AppState, token: Option<String>) -> Result<db::users::UserRow, AppError> {
    session_for_token(state, token).await.map(|live| live.user)
}

/// The live session behind a token, marked as used now. A session ends at its absolute
/// expiry or after `sessions.idle_ms` without use, whichever comes first.
pub async fn session_for_token(
    state: &AppState,
    token: Option<String>,
) -> Result<db::sessions::Live, AppError> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    let now = now_ms();
    let idle_since = now.saturating_sub(state.sessions.idle_ms);
    let live = db::sessions::live(&state.pool, &hash_token(&token), now, idle_since)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if now.saturating_sub(live.last_seen_at) >= TOUCH_EVERY_MS {
        state.last_seen.record(&live.session_id, now);
    }
    Ok(live)
}

/// Tells open streams (the telemetry socket) that some of `user_id`'s sessions ended, so
/// they check theirs at once instead of at their next periodic check.
pub fn announce_sessions_ended(state: &AppState, user_id: &str) {
    state
        .bus
        .announce(crate::server::bus::Announcement::SessionsEnded {
            user_id: user_id.to_string(),
        });
}

pub async fn me(state: &AppState) -> Result<Me, AppError> {
    let db::sessions::Live { user, roles, .. } = current_session(state).await?;
    Ok(Me {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles,
    })
}

/// Starts a session for `user_id` and sets the cookie.
pub(crate) async fn start_session(state: &AppState, user_id: &str, ip: Option<&str>) -> Result<(), AppError> {
    let token = new_token();
    let now = now_ms();
    let ua = request_parts().as_ref().and_then(user_agent);
    let absolute_ms = state.sessions.absolute_ms;
    let new = db::sessions::NewSession {
        id: &crate::server::new_id(),
        user_id,
        token_hash: &hash_token(&token),
        expires_at: now.saturating_add(absolute_ms),
        ip,
        user_agent: ua.as_deref(),
    };
    db::sessions::insert(&state.pool, new, now).await?;
    set_cookie(&session_cookie(state, &token, absolute_ms / 1000));
    Ok(())
}
