//! Load generator for the telemetry stream. N candidates (seeded with `vigil seed-load N`)
//! sign in over HTTP, start their exam, open a WebSocket each and stream events; it prints
//! events/s accepted, acknowledgement latency p50/p99, the server's peak RSS and the events
//! lost (acknowledged but not in the database afterwards).
//!
//! ```text
//! loadgen --base http://127.0.0.1:3000 --database-url sqlite://data/vigil.db \
//!         --candidates 2000 --mode paced --rate 10 --seconds 30 --server-pid 1234
//! ```
//! `--mode paced`: each candidate sends `rate` events per second, one batch a second.
//! `--rates 10,20,30`: paced steps one after another with the same signed-in candidates (one
//! report per step), stopping after the first whose acknowledgement p99 exceeds `--p99-ms`
//! (default 50) or that loses, refuses or fails anything; a last report names the highest step held.
//! `--mode saturate`: each candidate sends a batch of `--batch` events, waits for its
//! acknowledgement, and sends the next at once.

use futures_util::SinkExt;
use serde_json::json;
use shared::telemetry::ServerFrame;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use vigil_bench::{
    batch_frame, events_lost, join_candidates, load_exam_id, next, open_socket, peak_rss_mib, percentile,
    prepare_all, rand_offset, rss_mib, Prepared,
};

#[derive(Clone, Debug)]
struct Args {
    base: String,
    database_url: Option<String>,
    candidates: usize,
    paced: bool,
    rate: u64,
    /// Paced steps, each at this many events per second per candidate (`--rates`).
    rates: Vec<u64>,
    /// A step is held while its acknowledgement p99 stays at or under this.
    p99_ms: f64,
    batch: usize,
    seconds: u64,
    server_pid: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        base: "http://127.0.0.1:3000".into(),
        database_url: None,
        candidates: 100,
        paced: true,
        rate: 10,
        rates: Vec::new(),
        p99_ms: 50.0,
        batch: 50,
        seconds: 20,
        server_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => a.base = value()?,
            "--database-url" => a.database_url = Some(value()?),
            "--candidates" => a.candidates = value()?.parse().map_err(|e| format!("--candidates: {e}"))?,
            "--mode" => a.paced = value()? != "saturate",
            "--rate" => a.rate = value()?.parse().map_err(|e| format!("--rate: {e}"))?,
            "--rates" => {
                a.rates = value()?
                    .split(',')
                    .map(|r| r.trim().parse().map_err(|e| format!("--rates: {r:?}: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--p99-ms" => a.p99_ms = value()?.parse().map_err(|e| format!("--p99-ms: {e}"))?,
            "--batch" => a.batch = value()?.parse().map_err(|e| format!("--batch: {e}"))?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--server-pid" => {
                a.server_pid = Some(value()?.parse().map_err(|e| format!("--server-pid: {e}"))?)
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

#[derive(Default)]
struct Totals {
    sent: AtomicU64,
    acked: AtomicU64,
    refused: AtomicU64,
    latencies_us: Mutex<Vec<u32>>,
}

/// One candidate's stream. Returns (first seq sent, last seq acknowledged).
async fn candidate(
    args: Args,
    cookie: String,
    sid: String,
    totals: Arc<Totals>,
    start: Instant,
    end: Instant,
) -> Result<(i64, i64), String> {
    let mut ws = open_socket(&args.base, &cookie, &sid).await?;
    let mut stored = match next(&mut ws).await? {
        ServerFrame::Hello { last_seq } => last_seq,
        other => return Err(format!("expected hello, got {other:?}")),
    };
    let first = stored + 1;
    let per_batch = if args.paced {
        args.rate.max(1) as usize
    } else {
        args.batch
    };
    // Spread the paced candidates over the second so batches do not arrive in lockstep.
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::from_std(start + Duration::from_micros(rand_offset(&sid))),
        Duration::from_secs(1),
    );
    while Instant::now() < end {
        if args.paced {
            tick.tick().await;
        }
        let text = batch_frame(&sid, stored, per_batch as i64)?;
        let sent_at = Instant::now();
        ws.send(Message::Text(text.into()))
            .await
            .map_err(|e| e.to_string())?;
        totals.sent.fetch_add(per_batch as u64, Ordering::Relaxed);
        match next(&mut ws).await? {
            ServerFrame::Ack { seq } => {
                let us = sent_at.elapsed().as_micros().min(u32::MAX as u128) as u32;
                if let Ok(mut l) = totals.latencies_us.lock() {
                    l.push(us);
                }
                totals.acked.fetch_add((seq - stored) as u64, Ordering::Relaxed);
                stored = seq;
            }
            ServerFrame::Error { reason } => {
                totals.refused.fetch_add(per_batch as u64, Ordering::Relaxed);
                if !reason.contains("too many events") {
                    return Err(reason);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            ServerFrame::Hello { .. } => return Err("unexpected hello".into()),
        }
    }
    let _ = ws.close(None).await;
    Ok((first, stored))
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args).await {
        eprintln!("loadgen: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let db_url = args
        .database_url
        .clone()
        .ok_or("--database-url is needed to count stored events")?;
    // As the server opens it: on SQLite the telemetry file is attached, so stored events count.
    let pool = app::server::db::connect_and_migrate(&db_url, 4)
        .await
        .map_err(|e| e.to_string())?;
    let exam_id = load_exam_id(&pool).await?;

    eprintln!("signing in {} candidates…", args.candidates);
    let t0 = Instant::now();
    let prepared = prepare_all(std::slice::from_ref(&args.base), &exam_id, args.candidates).await?;
    eprintln!(
        "signed in and started in {:.1} s; streaming for {} s…",
        t0.elapsed().as_secs_f64(),
        args.seconds
    );

    if args.rates.is_empty() {
        let report = stream(&args, &prepared, &pool, &db_url).await?;
        print_json(&report)?;
        return Ok(());
    }
    // Paced steps, one after another, until one is not held.
    let mut held: Option<u64> = None;
    for &rate in &args.rates {
        let step = Args {
            rate,
            paced: true,
            ..args.clone()
        };
        eprintln!("paced step: {rate} events/s per candidate…");
        let report = stream(&step, &prepared, &pool, &db_url).await?;
        print_json(&report)?;
        let p99 = report["ack_latency_ms_p99"].as_f64().unwrap_or(f64::INFINITY);
        let failed = report["candidates_failed"].as_u64().unwrap_or(0);
        let lost = report["events_lost"].as_i64().unwrap_or(0);
        // A step the rate limit cut short was not offered in full, so it is not held either.
        let refused = report["events_refused_rate_limit"].as_u64().unwrap_or(0);
        if p99 > args.p99_ms || failed > 0 || lost != 0 || refused > 0 {
            break;
        }
        held = Some(rate);
    }
    print_json(&json!({
        "highest_paced_step_held": held.map(|rate| json!({
            "events_per_sec_per_candidate": rate,
            "events_per_sec": rate * args.candidates as u64,
        })),
        "held_means": format!(
            "ack p99 ≤ {} ms, no candidate failed, no event lost or refused",
            args.p99_ms
        ),
    }))
}

fn print_json(value: &serde_json::Value) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Streams every prepared candidate for `args.seconds` and reports what was accepted, how fast
/// it was acknowledged, and whether any acknowledged event is missing from the database.
async fn stream(
    args: &Args,
    prepared: &[Prepared],
    pool: &sqlx::AnyPool,
    db_url: &str,
) -> Result<serde_json::Value, String> {
    let totals = Arc::new(Totals::default());
    let start = Instant::now() + Duration::from_millis(500);
    let end = start + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = prepared
        .iter()
        .map(|Prepared { cookie, session_id }| {
            let (args, totals) = (args.clone(), Arc::clone(&totals));
            let (cookie, sid) = (cookie.clone(), session_id.clone());
            (
                session_id.clone(),
                tokio::spawn(candidate(args, cookie, sid, totals, start, end)),
            )
        })
        .collect();
    let (ranges, failures) = join_candidates(tasks).await;
    let elapsed = start.elapsed().as_secs_f64().max(0.001);

    let lost = events_lost(pool, &ranges).await?;
    let mut lat = totals.latencies_us.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    let acked = totals.acked.load(Ordering::Relaxed);
    Ok(json!({
        "mode": if args.paced { "paced" } else { "saturate" },
        "backend": db_url.split(':').next(),
        "candidates": args.candidates,
        "candidates_failed": failures,
        "events_per_sec_per_candidate": args.paced.then_some(args.rate),
        "events_per_sec_offered": args.paced.then(|| args.rate * args.candidates as u64),
        "seconds": (elapsed * 10.0).round() / 10.0,
        "events_sent": totals.sent.load(Ordering::Relaxed),
        "events_acked": acked,
        "events_refused_rate_limit": totals.refused.load(Ordering::Relaxed),
        "events_per_sec_accepted": (acked as f64 / elapsed).round(),
        "ack_latency_ms_p50": percentile(&lat, 0.50),
        "ack_latency_ms_p99": percentile(&lat, 0.99),
        "ack_latency_ms_max": percentile(&lat, 1.0),
        "server_rss_mib": args.server_pid.and_then(rss_mib),
        "server_peak_rss_mib": args.server_pid.and_then(peak_rss_mib),
        "events_lost": lost,
    }))
}
