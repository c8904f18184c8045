//! `review-bench`: how fast the review queue and a session's evidence page are at scale, on a
//! database seeded by `vigil seed-review` (see `bench/review.sh`). It calls the very functions
//! the server functions call (`app::server::review::views`), as the seeded reviewer, and prints
//! one JSON line per scenario: p50, p99 and max in milliseconds over the iterations.
//!
//!   review-bench --database-url URL [--iterations 200]

use app::model::{ClaimChoice, QueueFilter};
use app::server::guard::Caller;
use app::server::review::views;
use app::server::{db, review_seed};
use shared::{FlagType, ReviewState};
use std::time::Instant;

/// A named queue scenario: the filter of its `i`-th request.
type Scenario<'a> = (&'static str, Box<dyn Fn(usize) -> QueueFilter + 'a>);

struct Args {
    database_url: String,
    iterations: usize,
}

fn args() -> Result<Args, String> {
    let mut database_url = None;
    let mut iterations = 200;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--database-url" => database_url = it.next(),
            "--iterations" => {
                iterations = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--iterations needs a number")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        database_url: database_url.ok_or("--database-url is required")?,
        iterations,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "scenario": name,
            "iterations": ms.len(),
            "p50_ms": (percentile(&ms, 0.50) * 100.0).round() / 100.0,
            "p99_ms": (percentile(&ms, 0.99) * 100.0).round() / 100.0,
            "max_ms": (ms.last().copied().unwrap_or(0.0) * 100.0).round() / 100.0,
        })
    );
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("review-bench: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let pool = db::connect_and_migrate(&args.database_url, 4).await?;
    let user = db::users::find_by_email(&pool, review_seed::REVIEW_SCALE_REVIEWER)
        .await?
        .ok_or("no review-scale data: run `vigil seed-review` first")?;
    let org_id = db::orgs::org_id_by_slug(&pool, review_seed::REVIEW_SCALE_SLUG)
        .await?
        .ok_or("no review-scale organisation")?;
    let roles = db::orgs::roles_in_org(&pool, &user.id, &org_id).await?;
    let caller = Caller { user, roles };
    let orgs = vec![org_id.clone()];
    let me = caller.user.id.clone();
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM exam_sessions s JOIN exams e ON e.id = s.exam_id WHERE e.org_id = $1",
    )
    .bind(&org_id)
    .fetch_one(&pool)
    .await?;
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proctor_events")
        .fetch_one(&pool)
        .await?;
    println!("{}", serde_json::json!({"sessions": sessions, "events": events}));
    // Flagged sessions to open and to start pages from, spread over the queue.
    let flagged: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.id, s.risk_score FROM exam_sessions s JOIN exams e ON e.id = s.exam_id \
         WHERE e.org_id = $1 AND s.flag_count > 0 ORDER BY s.id",
    )
    .bind(&org_id)
    .fetch_all(&pool)
    .await?;
    if flagged.is_empty() {
        return Err("no flagged sessions".into());
    }
    let pick = |i: usize| &flagged[(i * 7_919) % flagged.len()];

    let filters: Vec<Scenario> = vec![
        ("queue: first page", Box::new(|_| QueueFilter::default())),
        (
            "queue: a page deep in (keyset cursor)",
            Box::new(|i| {
                let (id, risk) = pick(i);
                QueueFilter {
                    after: Some(format!("{risk}:{id}")),
                    ..Default::default()
                }
            }),
        ),
        (
            "queue: flag type and state",
            Box::new(|_| QueueFilter {
                flag_type: Some(FlagType::TabSwitch),
                state: Some(ReviewState::NotReviewed),
                ..Default::default()
            }),
        ),
        (
            "queue: claimed by me",
            Box::new(|_| QueueFilter {
                claim: ClaimChoice::Mine,
                ..Default::default()
            }),
        ),
        (
            "queue: candidate email search",
            Box::new(|i| QueueFilter {
                email: format!("scale-{}@", i % 10_000),
                ..Default::default()
            }),
        ),
    ];
    for (name, filter) in &filters {
        let mut ms = Vec::with_capacity(args.iterations);
        for i in 0..args.iterations + 5 {
            let f = filter(i);
            let started = Instant::now();
            let page = views::queue(&pool, &me, &orgs, &f).await?;
            let took = started.elapsed().as_secs_f64() * 1_000.0;
            if i == 0 && page.sessions.is_empty() && f.after.is_none() {
                return Err(format!("{name}: an empty page").into());
            }
            if i >= 5 {
                ms.push(took);
            }
        }
        report(name, ms);
    }

    let mut ms = Vec::with_capacity(args.iterations);
    for i in 0..args.iterations + 5 {
        let (id, _) = pick(i);
        let started = Instant::now();
        let row = db::exam_sessions::review::find(&pool, id)
            .await?
            .ok_or("a seeded session")?;
        let review = views::session_review(&pool, &caller, row).await?;
        let first = views::events_page(&pool, id, 0).await?;
        let took = started.elapsed().as_secs_f64() * 1_000.0;
        if review.session.flags.is_empty() || first.events.is_empty() {
            return Err("a flagged session without flags or events".into());
        }
        if i >= 5 {
            ms.push(took);
        }
    }
    report("timeline: one session's evidence page", ms);
    Ok(())
}
