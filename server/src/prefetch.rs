//! Fetches the exam page's data before Leptos builds the page (why:
//! `app::server::page_prefetch`).

use app::server::{page_prefetch, AppState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub async fn exam_page(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == http::Method::GET {
        if let Some(session_id) = page_prefetch::exam_page_path(request.uri().path()).map(str::to_string) {
            if let Some(found) = page_prefetch::exam_page(&state, request.headers(), &session_id).await {
                request.extensions_mut().insert(found);
            }
        }
    }
    next.run(request).await
}
