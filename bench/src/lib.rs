//! What the load generators share: signing a seeded load-test candidate in and starting the
//! exam, the telemetry socket, and the figures (percentiles, resident memory).

use futures_util::StreamExt;
use serde_json::Value;
use shared::telemetry::{ClientFrame, Envelope, EventKind, ServerFrame, ENVELOPE_VERSION};
use sqlx::AnyPool;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

/// The seeded accounts' password (`vigil seed-load N`).
pub const PASSWORD: &str = "vigil-demo-password";

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A signed-in candidate with a started attempt.
pub struct Prepared {
    pub cookie: String,
    pub session_id: String,
}

/// Signs in `email` and returns its session cookie.
pub async fn sign_in(http: &reqwest::Client, base: &str, email: &str) -> Result<String, String> {
    let r = http
        .post(format!("{base}/api/sign_in"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("sign in {email}: {}", r.status()));
    }
    r.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| "no session cookie".to_string())
}

/// Signs candidate `i` in and starts (or resumes) the exam.
pub async fn prepare(base: &str, exam_id: &str, i: usize) -> Result<Prepared, String> {
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, base, &format!("load-{i}@load.vigil.test")).await?;
    let r = http
        .post(format!("{base}/api/start_exam"))
        .header("cookie", &cookie)
        .form(&[("exam_id", exam_id), ("consent", "true")])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    let session_id = body.as_str().ok_or(format!("start exam: {body}"))?.to_string();
    Ok(Prepared { cookie, session_id })
}

/// Opens the attempt's telemetry socket.
pub async fn open_socket(base: &str, cookie: &str, sid: &str) -> Result<Socket, String> {
    let url = format!("{}/ws/telemetry/{sid}", base.replace("http://", "ws://"));
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut()
        .insert("cookie", cookie.parse().map_err(|_| "bad cookie")?);
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// A batch frame of `n` events following sequence `after`: mostly heartbeats, with the odd
/// focus loss so the rules have work to do.
pub fn batch_frame(sid: &str, after: i64, n: i64) -> Result<String, String> {
    let events: Vec<Envelope> = (1..=n)
        .map(|k| Envelope {
            v: ENVELOPE_VERSION,
            session_id: sid.to_string(),
            seq: after + k,
            client_ms: now_ms(),
            kind: if (after + k) % 250 == 0 {
                EventKind::WindowBlur
            } else {
                EventKind::Heartbeat
            },
        })
        .collect();
    serde_json::to_string(&ClientFrame::Batch { events }).map_err(|e| e.to_string())
}

/// The next frame the server sends.
pub async fn next(ws: &mut Socket) -> Result<ServerFrame, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(t.as_str()).map_err(|e| e.to_string()),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(other)) => return Err(format!("unexpected message {other:?}")),
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("connection closed".into()),
        }
    }
}

/// A stable offset within a second for `sid`, so paced clients do not send in lockstep.
pub fn rand_offset(sid: &str) -> u64 {
    let h = shared::telemetry::paste_fingerprint(sid);
    u64::from_str_radix(&h[..8], 16).unwrap_or(0) % 1_000_000
}

fn status_kib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident memory of a process in MiB (VmHWM), where /proc has it.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    status_kib(pid, "VmHWM:").map(|kb| kb / 1024.0)
}

/// Resident memory of a process now, in MiB (VmRSS).
pub fn rss_mib(pid: u32) -> Option<f64> {
    status_kib(pid, "VmRSS:").map(|kb| kb / 1024.0)
}

/// The process's own resident memory now (anonymous pages, not mapped files), in MiB.
pub fn anon_rss_mib(pid: u32) -> Option<f64> {
    status_kib(pid, "RssAnon:").map(|kb| kb / 1024.0)
}

/// Bytes a process has had written to storage so far (`write_bytes` in `/proc/<pid>/io`:
/// its log, its database file, its checkpoints); `None` off Linux.
pub fn bytes_written(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    let line = io.lines().find(|l| l.starts_with("write_bytes:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time a process has used so far (user + system), in seconds; `None` off Linux.
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = pid.map_or_else(|| "/proc/self/stat".to_string(), |p| format!("/proc/{p}/stat"));
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The `p` quantile of microsecond figures, in milliseconds.
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

/// The load-test exam (`vigil seed-load N`).
pub async fn load_exam_id(pool: &AnyPool) -> Result<String, String> {
    sqlx::query_scalar(
        "SELECT e.id FROM exams e JOIN organizations o ON o.id = e.org_id WHERE o.slug = 'load' LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .map_err(|_| "no load-test exam: run `vigil seed-load N` against this database first".to_string())
}

/// Signs `n` candidates in and starts their attempts, 16 at a time; candidate i goes to node
/// i mod the number of `bases`.
pub async fn prepare_all(bases: &[String], exam_id: &str, n: usize) -> Result<Vec<Prepared>, String> {
    let mut prepared = Vec::with_capacity(n);
    let mut pending = futures_util::stream::iter((0..n).map(|i| {
        let base = bases[i % bases.len()].clone();
        async move { prepare(&base, exam_id, i).await }
    }))
    .buffered(16);
    while let Some(r) = pending.next().await {
        prepared.push(r?);
    }
    Ok(prepared)
}

/// A candidate's stream: (first sequence sent, last acknowledged), or why it failed.
pub type CandidateTask = tokio::task::JoinHandle<Result<(i64, i64), String>>;

/// Waits for every candidate's task: the (session, first sequence sent, last acknowledged)
/// of those that finished, and how many failed (the first few printed).
pub async fn join_candidates(tasks: Vec<(String, CandidateTask)>) -> (Vec<(String, i64, i64)>, usize) {
    let mut ranges = Vec::new();
    let mut failures = 0;
    for (sid, task) in tasks {
        match task.await {
            Ok(Ok((first, last))) => ranges.push((sid, first, last)),
            Ok(Err(e)) => {
                failures += 1;
                if failures <= 5 {
                    eprintln!("candidate failed: {e}");
                }
            }
            Err(e) => {
                failures += 1;
                eprintln!("candidate task panicked: {e}");
            }
        }
    }
    (ranges, failures)
}

/// Events acknowledged (each range) but absent from the database.
pub async fn events_lost(pool: &AnyPool, ranges: &[(String, i64, i64)]) -> Result<i64, String> {
    let mut lost = 0_i64;
    for (sid, first, last) in ranges {
        if last < first {
            continue;
        }
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM proctor_events WHERE session_id = $1 AND seq >= $2 AND seq <= $3",
        )
        .bind(sid)
        .bind(first)
        .bind(last)
        .fetch_one(pool)
        .await
        .map_err(|e| e.to_string())?;
        lost += (last - first + 1) - stored;
    }
    Ok(lost)
}
