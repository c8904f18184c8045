//! One candidate's exam, as a browser plays it: the page, the socket's batches, the saves, and
//! the hand-in.

use super::figures::Figures;
use super::page::questions_on_page;
use futures_util::{SinkExt, StreamExt};
use shared::telemetry::ServerFrame;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use vigil_bench::{batch_frame, next, open_socket, rand_offset};

/// A value `save_answer` accepts for a question of `kind` (the load exam is the demo's).
fn answer_for(kind: &str, n: u64) -> &'static str {
    match kind {
        "TRUE_FALSE" => {
            if n.is_multiple_of(2) {
                r#"["true"]"#
            } else {
                r#"["false"]"#
            }
        }
        "MULTIPLE_CHOICE_SINGLE" | "MULTIPLE_CHOICE_MULTI" => {
            if n.is_multiple_of(2) {
                r#"["a"]"#
            } else {
                r#"["b"]"#
            }
        }
        _ => r#""42""#,
    }
}

/// One candidate's exam: the page once, then telemetry every second and an answer every 10
/// seconds until `end`. Returns (first seq sent, last seq acknowledged).
pub async fn candidate(
    base: String,
    http: reqwest::Client,
    cookie: String,
    sid: String,
    figures: Arc<Figures>,
    start: Instant,
    end: Instant,
) -> Result<(i64, i64), String> {
    let offset = Duration::from_micros(rand_offset(&sid));
    tokio::time::sleep_until(tokio::time::Instant::from_std(start + offset)).await;

    // The page arrives with its data: hydration reads the questions from it and asks the
    // server for nothing more, so neither does a candidate here.
    let t = Instant::now();
    let questions = match http
        .get(format!("{base}/sessions/{sid}"))
        .header("cookie", &cookie)
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => {
            let page = r.text().await.map_err(|e| e.to_string())?;
            figures.page.ok(t);
            questions_on_page(&page)
        }
        Ok(r) => {
            let why = format!("exam page: {}", r.status());
            figures.page.failed(why.clone());
            return Err(why);
        }
        Err(e) => {
            figures.page.failed(e.to_string());
            return Err(e.to_string());
        }
    };
    if questions.is_empty() {
        return Err("the exam page carried no questions".into());
    }

    let mut ws = open_socket(&base, &cookie, &sid).await?;
    let mut stored = match next(&mut ws).await? {
        ServerFrame::Hello { last_seq } => last_seq,
        other => return Err(format!("expected hello, got {other:?}")),
    };
    if let Ok(mut opened) = figures.opened.lock() {
        let now = Instant::now();
        *opened = Some(opened.map_or(now, |o| o.max(now)));
    }
    // Candidates answer at their own pace: each saves in its own second of every ten, not all
    // 5,000 in the same second (which a shared phase would make a burst of ten times the rate).
    let save_second = rand_offset(&format!("{sid}/save")) % 10;
    let first = stored + 1;
    // Each candidate's second keeps the phase it started with, as a browser's timer does:
    // were the clock restarted when the socket opens, the queue of exam pages at the start
    // would line every candidate's batch up on the same instant, a burst no real exam makes.
    let phase = tokio::time::Instant::from_std(start + offset);
    let mut tick = tokio::time::interval_at(phase, Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut second = 0_u64;
    let mut version = 0_u64;
    while Instant::now() < end {
        tick.tick().await;
        second += 1;
        let text = batch_frame(&sid, stored, 10)?;
        let t = Instant::now();
        ws.send(Message::Text(text.into()))
            .await
            .map_err(|e| e.to_string())?;
        match next(&mut ws).await? {
            ServerFrame::Ack { seq } => {
                figures.ack.ok(t);
                figures.acked_events.fetch_add((seq - stored) as u64, Relaxed);
                stored = seq;
            }
            ServerFrame::Error { reason } => figures.ack.failed(reason),
            ServerFrame::Hello { .. } => return Err("unexpected hello".into()),
        }
        if second % 10 == save_second {
            version += 1;
            let (qid, kind) = &questions[(version as usize) % questions.len()];
            let v = version.to_string();
            let t = Instant::now();
            let saved = http
                .post(format!("{base}/api/save_answer"))
                .header("cookie", &cookie)
                .form(&[
                    ("session_id", sid.as_str()),
                    ("question_id", qid.as_str()),
                    ("value", answer_for(kind, version)),
                    ("version", v.as_str()),
                ])
                .send()
                .await;
            match saved {
                Ok(r) if r.status().is_success() => {
                    let _ = r.bytes().await;
                    figures.save.ok(t);
                }
                Ok(r) => {
                    let status = r.status();
                    let body = r.text().await.unwrap_or_default();
                    figures.save.failed(format!("save_answer: {status} {body}"));
                }
                Err(e) => figures.save.failed(e.to_string()),
            }
        }
    }
    hand_in(&base, &http, &cookie, &sid, &mut ws, &figures).await;
    Ok((first, stored))
}

/// How long a candidate waits for the server to close the socket after handing in.
const HAND_IN_WAIT: Duration = Duration::from_secs(60);

/// Submits the attempt and waits for the server to close its telemetry socket with 4000 (the
/// attempt has ended), as the page does when a candidate hands in.
async fn hand_in(
    base: &str,
    http: &reqwest::Client,
    cookie: &str,
    sid: &str,
    ws: &mut vigil_bench::Socket,
    figures: &Figures,
) {
    let t = Instant::now();
    let submitted = http
        .post(format!("{base}/api/submit_exam"))
        .header("cookie", cookie)
        .form(&[("session_id", sid)])
        .send()
        .await;
    let refused = match submitted {
        Ok(r) if r.status().is_success() => {
            let _ = r.bytes().await;
            figures.submit.ok(t);
            None
        }
        Ok(r) => Some(format!("submit_exam: {}", r.status())),
        Err(e) => Some(e.to_string()),
    };
    if let Some(why) = refused {
        figures.submit.failed(why);
        let _ = ws.close(None).await;
        return;
    }
    let closed = tokio::time::timeout(HAND_IN_WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    })
    .await;
    match closed {
        Ok(Some(4000)) => figures.socket_closed.ok(t),
        Ok(code) => figures
            .socket_closed
            .failed(format!("the socket ended with {code:?}, not 4000")),
        Err(_) => figures.socket_closed.failed(format!(
            "the socket was still open {} s after the hand-in",
            HAND_IN_WAIT.as_secs()
        )),
    }
}
