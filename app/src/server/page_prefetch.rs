//! The exam page's data, fetched before Leptos builds the page.
//!
//! At an exam's start every candidate opens the exam page within the same few seconds. Built
//! the usual way, each request first builds its reactive tree (owners, resources: about 40 kB)
//! and then waits for a database connection, so 5,000 waiting requests held some 200 MB at
//! once. A middleware (`server/src/prefetch.rs`) fetches the data first, while a waiting
//! request is only its headers, and leaves it on the request; the page's session lookup and
//! its data then take it from there instead of asking the database again.
//!
//! Only what the normal path would produce is kept: the signed-in session and the page's data
//! for its owner. Anything else (no sign-in, another person's attempt, a database error)
//! leaves nothing, and the page looks everything up itself and shows its usual answer.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::with_context;

use super::{attempt_views, auth, db, now_ms, AppState};
use crate::model::PlayerData;

/// What was fetched for one request of `/sessions/{session_id}`.
#[derive(Clone)]
pub struct Prefetched(Arc<ExamPage>);

struct ExamPage {
    session_id: String,
    live: db::sessions::Live,
    page: PlayerData,
}

/// The session id of a request for the exam page (`/sessions/{id}`), if it is one.
pub fn exam_page_path(path: &str) -> Option<&str> {
    path.strip_prefix("/sessions/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Fetches the exam page's data for the signed-in owner of `session_id`; `None` when there
/// is no sign-in or the page would show an error.
pub async fn exam_page(state: &AppState, headers: &http::HeaderMap, session_id: &str) -> Option<Prefetched> {
    let token = auth::token_from_headers(state, headers)?;
    let live = auth::session_for_token(state, Some(token)).await.ok()?;
    let page = attempt_views::exam_page(state, &live.user.id, session_id, now_ms())
        .await
        .ok()?;
    Some(Prefetched(Arc::new(ExamPage {
        session_id: session_id.to_string(),
        live,
        page,
    })))
}

fn current() -> Option<Prefetched> {
    // Borrowed, not `use_context`: that would clone the request's headers on every call.
    with_context::<Parts, _>(|parts| parts.extensions.get::<Prefetched>().cloned()).flatten()
}

/// The current request's signed-in session, if it was fetched before the page was built.
pub fn session() -> Option<db::sessions::Live> {
    current().map(|p| p.0.live.clone())
}

/// The exam page's data for `session_id`, if the current request fetched it beforehand.
pub fn page(session_id: &str) -> Option<PlayerData> {
    current()
        .filter(|p| p.0.session_id == session_id)
        .map(|p| p.0.page.clone())
}

#[cfg(test)]
mod tests {
    use super::exam_page_path;

    #[test]
    fn only_the_exam_page_itself_is_prefetched() {
        assert_eq!(exam_page_path("/sessions/abc"), Some("abc"));
        assert_eq!(exam_page_path("/sessions/abc/result"), None);
        assert_eq!(exam_page_path("/sessions/"), None);
        assert_eq!(exam_page_path("/review/sessions/abc"), None);
        assert_eq!(exam_page_path("/sessionsabc"), None);
    }
}
