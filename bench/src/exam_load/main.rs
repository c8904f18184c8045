//! The whole exam under load. N candidates (seeded with `vigil seed-load N`) sign in and start
//! the exam (the sign-in phase), then, all at once (the exam phase): each loads its exam page
//! once (reading its questions from it, as hydration does), streams 10 events a second over
//! its telemetry socket, and saves an answer every 10 seconds (each candidate in a second of
//! its own) through the real `save_answer` server function; reviewers hold the live review
//! stream open. Then the hand-in: at the exam's end every candidate submits through the real
//! `submit_exam` server function (within the same second, as at a deadline) and waits for the
//! server to close its telemetry socket. It prints, per path, throughput and latency, the
//! server's memory for each phase, the server's CPU for the exam and for the hand-in, and the
//! events lost (acknowledged but not stored). Telemetry, saves and memory are also reported
//! without the opening (until every candidate has its page and its socket), where 5,000
//! arrivals in one second dominate the tail.
//!
//! ```text
//! exam-load --base http://127.0.0.1:3000 --database-url sqlite://data/vigil.db \
//!           --candidates 5000 --seconds 60 --reviewers 20 --server-pid 1234
//! ```
//! Several nodes: `--base` and `--server-pid` take comma-separated lists; candidate i (and
//! reviewer i) uses node i mod n, and memory is reported per node.

mod candidate;
mod figures;
mod memory;
mod page;
mod reviewer;

use candidate::candidate;
use figures::Figures;
use reviewer::reviewer;
use serde_json::json;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vigil_bench::{
    anon_rss_mib, bytes_written, cpu_seconds, events_lost, join_candidates, load_exam_id, peak_rss_mib,
    prepare_all, rss_mib,
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
    // As the server opens it: on SQLite the telemetry file is attached, so stored events count.
    let pool = app::server::db::connect_and_migrate(&args.database_url, 4)
        .await
        .map_err(|e| e.to_string())?;
    let exam_id = load_exam_id(&pool).await?;

    eprintln!("sign-in phase: {} candidates…", args.candidates);
    let t0 = Instant::now();
    let node = |i: usize| args.bases[i % args.bases.len()].clone();
    let prepared = prepare_all(&args.bases, &exam_id, args.candidates).await?;
    let per_node = |of: fn(u32) -> Option<f64>| -> Vec<Option<f64>> {
        args.server_pids.iter().map(|p| of(*p)).collect()
    };
    let sign_in_seconds = t0.elapsed().as_secs_f64();
    let sign_in_peak = per_node(peak_rss_mib);
    let before_exam = per_node(rss_mib);
    let before_exam_anonymous = per_node(anon_rss_mib);
    eprintln!(
        "signed in in {sign_in_seconds:.1} s; exam phase for {} s…",
        args.seconds
    );

    let figures = Arc::new(Figures::default());
    let written_before: Vec<Option<u64>> = args.server_pids.iter().map(|p| bytes_written(*p)).collect();
    let cpu_before: Vec<Option<f64>> = args.server_pids.iter().map(|p| cpu_seconds(Some(*p))).collect();
    let own_cpu_before = cpu_seconds(None);
    let start = Instant::now() + Duration::from_millis(500);
    let end = start + Duration::from_secs(args.seconds);
    let memory_samples = memory::sample(args.server_pids.clone(), end);
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
    let written_at_end: Vec<Option<u64>> = args.server_pids.iter().map(|p| bytes_written(*p)).collect();
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
        "telemetry_ack": figures.ack.report(seconds),
        "events_per_sec_accepted": (figures.acked_events.load(Relaxed) as f64 / seconds).round(),
        "answer_save": figures.save.report(seconds),
        "after_opening": opened.map(|o| json!({
            "opening_seconds": ((o - start).as_secs_f64() * 10.0).round() / 10.0,
            "telemetry_ack": figures.ack.report_between(o, None),
            "answer_save": figures.save.report_between(o, None),
        })),
        // Between the opening and the exam's last second, in which every candidate's last
        // requests meet the whole class handing in at once.
        "steady": opened.map(|o| {
            let last_second = end.checked_sub(std::time::Duration::from_secs(1)).unwrap_or(end);
            json!({
                "from_second": ((o - start).as_secs_f64() * 10.0).round() / 10.0,
                "to_second": ((last_second.saturating_duration_since(start)).as_secs_f64() * 10.0).round() / 10.0,
                "telemetry_ack": figures.ack.report_between(o, Some(last_second)),
                "answer_save": figures.save.report_between(o, Some(last_second)),
            })
        }),
        "by_second": {
            "telemetry_ack": figures.ack.by_second(start),
            "answer_save": figures.save.by_second(start),
            "server_memory_per_node": memory_samples.by_second(start),
        },
        "review_notices": figures.review_notices.load(Relaxed),
        "server_rss_mib_per_node": {
            "sign_in_phase_peak": sign_in_peak,
            "before_exam_phase": before_exam,
            "before_exam_phase_anonymous": before_exam_anonymous,
            "exam_phase": memory_samples.report(opened),
        },
        // Storage writes per event accepted, over every node: how much log, file and
        // checkpoint each event costs, whatever the machine's speed that hour.
        "server_bytes_written_per_event": written_per_event(&written_before, &written_at_end, figures.acked_events.load(Relaxed)),
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

/// Bytes the servers wrote between two readings, per event accepted in between.
fn written_per_event(before: &[Option<u64>], after: &[Option<u64>], events: u64) -> Option<u64> {
    let mut total = 0u64;
    for (b, a) in before.iter().zip(after) {
        total = total.saturating_add(a.as_ref()?.saturating_sub(*b.as_ref()?));
    }
    total.checked_div(events)
}
