//! A reviewer's live stream, held open through the exam.

use super::figures::Figures;
use futures_util::StreamExt;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Instant;

/// A reviewer's live stream (one tab of a reviewer signed in as `cookie`), held open until
/// `end`, counting the notices it brings.
pub async fn reviewer(
    base: String,
    cookie: String,
    figures: Arc<Figures>,
    end: Instant,
) -> Result<(), String> {
    let r = reqwest::Client::new()
        .get(format!("{base}/api/review/live"))
        .header("cookie", cookie)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("review stream: {}", r.status()));
    }
    let mut body = r.bytes_stream();
    let until = tokio::time::Instant::from_std(end);
    while let Ok(Some(chunk)) = tokio::time::timeout_at(until, body.next()).await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        let notices = chunk.windows(7).filter(|w| w == b"event: ").count();
        figures.review_notices.fetch_add(notices as u64, Relaxed);
    }
    Ok(())
}
