//! The whole exam under load. N candidates (seeded with `vigil seed-load N`) sign in and start
//! the exam (the sign-in phase), then, all at once (the exam phase): each loads its exam page
//! and the questions once, streams 10 events a second over its telemetry socket, and saves an
//! answer every 10 seconds (each candidate in a second of its own) through the real
//! `save_answer` server function; reviewers hold the live review stream open. Then the hand-in: at the exam's end every candidate submits through
//! the real `submit_exam` server function (within the same second, as at a deadline) and waits
//! for the server to close its telemetry socket. It prints, per path, throughput and latency,
//! the server's resident memory for each phase, the server's CPU for the exam and for the
//! hand-in, and the events lost (acknowledged but not stored). Telemetry and saves are also
//! reported without the opening (until every candidate has its page and its socket), where
//! 5,000 arrivals in one second dominate the tail.
//!
//! ```text
//! exam-load --base http://127.0.0.1:3000 --database-url sqlite://data/vigil.db \
//!           --candidates 5000 --seconds 60 --reviewers 20 --server-pid 1234
//! ```
//! Several nodes: `--base` and `--server-pid` take comma-separated lists; candidate i (and
//! reviewer i) uses node i mod n, and memory is reported per node.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use shared::telemetry::ServerFrame;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use vigil_bench::{
    anon_rss_mib, batch_frame, cpu_seconds, events_lost, join_candidates, load_exam_id, next, open_socket,
    peak_rss_mib, percentile, prepare_all, rand_offset, rss_mib,
};

#[derive(Clone, Debug)]
struct Args {
    bases: Vec<String>,
    database_url: String,
    candidates: usize,
    seconds: u64,
    reviewers: usize,
    server_pids: Vec<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        bases: vec!["http://127.0.0.1:3000".into()],
        database_url: String::new(),
        candidates: 100,
        seconds: 60,
        reviewers: 10,
        server_pids: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--base" => a.bases = value()?.split(',').map(str::to_string).collect(),
            "--database-url" => a.database_url = value()?,
            "--candidates" => a.candidates = number(value()?)? as usize,
            "--seconds" => a.seconds = number(value()?)?,
            "--reviewers" => a.reviewers = number(value()?)? as usize,
            "--server-pid" => {
                a.server_pids = value()?
                    .split(',')
                    .map(|p| p.parse::<u32>().map_err(|e| format!("--server-pid: {e}")))
                    .collect::<Result<_, _>>()?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if a.bases.iter().any(String::is_empty) {
        return Err("--base needs an address".into());
    }
    if a.database_url.is_empty() {
        return Err("--database-url is needed to count stored events".into());
    }
    Ok(a)
}

/// Latencies and failures of one path, each latency with the moment its request was sent.
#[derive(Default)]
struct Path {
    latencies_us: Mutex<Vec<(Instant, u32)>>,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Path {
    fn ok(&self, since: Instant) {
        let us = since.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        if let Ok(mut l) = self.latencies_us.lock() {
            l.push((since, us));
        }
    }

    fn failed(&self, why: String) {
        self.errors.fetch_add(1, Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(why);
        }
    }

    /// Sorted latencies of the requests sent at or after `from` (all of them without it).
    fn sorted(&self, from: Option<Instant>) -> Vec<u32> {
        let mut l: Vec<u32> = self
            .latencies_us
            .lock()
            .map(|l| {
                l.iter()
                    .filter(|(sent, _)| from.is_none_or(|f| *sent >= f))
                    .map(|(_, us)| *us)
                    .collect()
            })
            .unwrap_or_default();
        l.sort_unstable();
        l
    }

    fn report(&self, seconds: f64) -> Value {
        let l = self.sorted(None);
        json!({
            "count": l.len(),
            "per_sec": (l.len() as f64 / seconds).round(),
            "p50_ms": percentile(&l, 0.50),
            "p99_ms": percentile(&l, 0.99),
            "max_ms": percentile(&l, 1.0),
            "errors": self.errors.load(Relaxed),
            "first_error": self.first_error.lock().ok().and_then(|e| e.clone()),
        })
    }

    /// Each second of the phase (by when a request was sent, from `start`): how many, p50 and
    /// p99, one line a second, so a tail can be placed in time (the opening, a stall, the end).
    fn by_second(&self, start: Instant) -> Vec<String> {
        let mut seconds: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
        if let Ok(l) = self.latencies_us.lock() {
            for (sent, us) in l.iter() {
                let second = sent.saturating_duration_since(start).as_secs();
                seconds.entry(second).or_default().push(*us);
            }
        }
        seconds
            .into_iter()
            .map(|(second, mut l)| {
                l.sort_unstable();
                format!(
                    "s{second}: {} sent, p50 {:.0} ms, p99 {:.0} ms",
                    l.len(),
                    percentile(&l, 0.50),
                    percentile(&l, 0.99)
                )
            })
            .collect()
    }

    /// The same figures with the opening left out: requests sent once every candidate had its
    /// page, its questions and its socket.
    fn report_after(&self, from: Instant) -> Value {
        let l = self.sorted(Some(from));
        json!({
            "count": l.len(),
            "p50_ms": percentile(&l, 0.50),
            "p99_ms": percentile(&l, 0.99),
            "max_ms": percentile(&l, 1.0),
        })
    }
}

#[derive(Default)]
struct Figures {
    page: Path,
    questions: Path,
    ack: Path,
    save: Path,
    submit: Path,
    /// From sending the submission to the server closing the socket ("the attempt has ended").
    socket_closed: Path,
    acked_events: AtomicU64,
    review_notices: AtomicU64,
    /// When the last candidate had its page, its questions and its socket open: the end of the
    /// opening, where every candidate arrives at once.
    opened: Mutex<Option<Instant>>,
}

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

/// One candidate's exam: the page and its questions once, then telemetry every second and an
/// answer every 10 seconds until `end`. Returns (first seq sent, last seq acknowledged).
async fn candidate(
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

    let t = Instant::now();
    match http
        .get(format!("{base}/sessions/{sid}"))
        .header("cookie", &cookie)
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => {
            let _ = r.bytes().await;
            figures.page.ok(t);
        }
        Ok(r) => figures.page.failed(format!("exam page: {}", r.status())),
        Err(e) => figures.page.failed(e.to_string()),
    }
    let t = Instant::now();
    let questions: Vec<(String, String)> = match http
        .post(format!("{base}/api/exam_session"))
        .header("cookie", &cookie)
        .form(&[("session_id", sid.as_str())])
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => {
            let body: Value = r.json().await.map_err(|e| e.to_string())?;
            figures.questions.ok(t);
            body["questions"]
                .as_array()
                .map(|qs| {
                    qs.iter()
                        .filter_map(|q| {
                            Some((
                                q["question_id"].as_str()?.to_string(),
                                q["kind"].as_str()?.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        Ok(r) => {
            let why = format!("exam_session: {}", r.status());
            figures.questions.failed(why.clone());
            return Err(why);
        }
        Err(e) => return Err(e.to_string()),
    };

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
        if second % 10 == save_second && !questions.is_empty() {
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

/// A reviewer's live stream (one tab of a reviewer signed in as `cookie`), held open until
/// `end`, counting the notices it brings.
async fn reviewer(base: String, cookie: String, figures: Arc<Figures>, end: Instant) -> Result<(), String> {
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

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("exam-load: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args).await {
        eprintln!("exam-load: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let exam_id = load_exam_id(&pool).await?;

    eprintln!("sign-in phase: {} candidates…", args.candidates);
    let t0 = Instant::now();
    let node = |i: usize| args.bases[i % args.bases.len()].clone();
    let prepared = prepare_all(&args.bases, &exam_id, args.candidates).await?;
    let memory = |of: fn(u32) -> Option<f64>| -> Vec<Option<f64>> {
        args.server_pids.iter().map(|p| of(*p)).collect()
    };
    let sign_in_seconds = t0.elapsed().as_secs_f64();
    let sign_in_peak = memory(peak_rss_mib);
    let before_exam = memory(rss_mib);
    eprintln!(
        "signed in in {sign_in_seconds:.1} s; exam phase for {} s…",
        args.seconds
    );

    let figures = Arc::new(Figures::default());
    let cpu_before: Vec<Option<f64>> = args.server_pids.iter().map(|p| cpu_seconds(Some(*p))).collect();
    let own_cpu_before = cpu_seconds(None);
    let start = Instant::now() + Duration::from_millis(500);
    let end = start + Duration::from_secs(args.seconds);
    // The exam phase's memory, sampled (the process's peak includes the sign-in phase).
    // Resident memory, and of it what is the process's own (not file pages: SQLite's memory
    // map counts in the first, and is the kernel's page cache to reclaim).
    let exam_rss = Arc::new(Mutex::new(vec![0.0_f64; args.server_pids.len()]));
    let exam_anon = Arc::new(Mutex::new(vec![0.0_f64; args.server_pids.len()]));
    {
        let (exam_rss, exam_anon, pids) = (
            Arc::clone(&exam_rss),
            Arc::clone(&exam_anon),
            args.server_pids.clone(),
        );
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(250));
            while Instant::now() < end {
                every.tick().await;
                let (Ok(mut max), Ok(mut anon)) = (exam_rss.lock(), exam_anon.lock()) else {
                    break;
                };
                for ((m, a), pid) in max.iter_mut().zip(anon.iter_mut()).zip(&pids) {
                    *m = m.max(rss_mib(*pid).unwrap_or(0.0));
                    *a = a.max(anon_rss_mib(*pid).unwrap_or(0.0));
                }
            }
        });
    }
    // One reviewer signed in once (sign-ins at one account are throttled), its streams spread
    // over the nodes like tabs behind a load balancer.
    let reviewer_cookie = if args.reviewers > 0 {
        vigil_bench::sign_in(
            &reqwest::Client::new(),
            &node(0),
            app::server::demo::LOAD_REVIEWER_EMAIL,
        )
        .await?
    } else {
        String::new()
    };
    let reviewers: Vec<_> = (0..args.reviewers)
        .map(|i| {
            let task = reviewer(node(i), reviewer_cookie.clone(), Arc::clone(&figures), end);
            tokio::spawn(task)
        })
        .collect();
    let http = reqwest::Client::new();
    let tasks: Vec<_> = prepared
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let task = candidate(
                node(i),
                http.clone(),
                p.cookie,
                p.session_id.clone(),
                Arc::clone(&figures),
                start,
                end,
            );
            (p.session_id, tokio::spawn(task))
        })
        .collect();
    // The exam phase ends at `end` (a candidate's last second may run a little past it); the
    // hand-in lasts from then until every candidate has handed in.
    tokio::time::sleep_until(tokio::time::Instant::from_std(end)).await;
    let seconds = start.elapsed().as_secs_f64().max(0.001);
    let cpu_at_end: Vec<Option<f64>> = args.server_pids.iter().map(|p| cpu_seconds(Some(*p))).collect();
    let own_cpu_at_end = cpu_seconds(None);
    let (ranges, failures) = join_candidates(tasks).await;
    let hand_in_seconds = end.elapsed().as_secs_f64().max(0.001);
    let mut reviewer_failures = 0;
    for r in reviewers {
        match r.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                reviewer_failures += 1;
                if reviewer_failures == 1 {
                    eprintln!("reviewer failed: {e}");
                }
            }
            Err(e) => {
                reviewer_failures += 1;
                eprintln!("reviewer task panicked: {e}");
            }
        }
    }
    // Cores busy on average during a phase: where two cores' worth of time went.
    let cores = |before: Option<f64>, now: Option<f64>, seconds: f64| {
        Some(((now? - before?) / seconds * 100.0).round() / 100.0)
    };
    let server_cores: Vec<Option<f64>> = cpu_before
        .iter()
        .zip(&cpu_at_end)
        .map(|(b, e)| cores(*b, *e, seconds))
        .collect();
    let own_cores = cores(own_cpu_before, own_cpu_at_end, seconds);
    let hand_in_server_cores: Vec<Option<f64>> = args
        .server_pids
        .iter()
        .zip(&cpu_at_end)
        .map(|(p, e)| cores(*e, cpu_seconds(Some(*p)), hand_in_seconds))
        .collect();

    let lost = events_lost(&pool, &ranges).await?;
    let exam_rss = exam_rss.lock().map_err(|_| "poisoned")?.clone();
    let exam_anon = exam_anon.lock().map_err(|_| "poisoned")?.clone();
    let opened = *figures.opened.lock().map_err(|_| "poisoned")?;
    let report = json!({
        "scenario": "exam",
        "backend": args.database_url.split(':').next(),
        "nodes": args.bases.len(),
        "candidates": args.candidates,
        "candidates_failed": failures,
        "reviewers": args.reviewers,
        "reviewers_failed": reviewer_failures,
        "sign_in_seconds": (sign_in_seconds * 10.0).round() / 10.0,
        "exam_seconds": (seconds * 10.0).round() / 10.0,
        "exam_page": figures.page.report(seconds),
        "questions": figures.questions.report(seconds),
        "telemetry_ack": figures.ack.report(seconds),
        "events_per_sec_accepted": (figures.acked_events.load(Relaxed) as f64 / seconds).round(),
        "answer_save": figures.save.report(seconds),
        "after_opening": opened.map(|o| json!({
            "opening_seconds": ((o - start).as_secs_f64() * 10.0).round() / 10.0,
            "telemetry_ack": figures.ack.report_after(o),
            "answer_save": figures.save.report_after(o),
        })),
        "by_second": {
            "telemetry_ack": figures.ack.by_second(start),
            "answer_save": figures.save.by_second(start),
        },
        "review_notices": figures.review_notices.load(Relaxed),
        "server_rss_mib_per_node": {
            "sign_in_phase_peak": sign_in_peak,
            "before_exam_phase": before_exam,
            "exam_phase_max": exam_rss,
            "exam_phase_max_anonymous": exam_anon,
        },
        "cpu_cores_exam_phase": {"server_per_node": server_cores, "load_generator": own_cores},
        "hand_in": {
            "seconds": (hand_in_seconds * 10.0).round() / 10.0,
            "submit": figures.submit.report(hand_in_seconds),
            "socket_closed": figures.socket_closed.report(hand_in_seconds),
            "server_cores_per_node": hand_in_server_cores,
        },
        "events_lost": lost,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}
