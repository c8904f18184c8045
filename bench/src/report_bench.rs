//! `report-bench`: how long an exam's report takes at scale, on a database seeded by
//! `vigil seed-report` (see `bench/report.sh`). It times `app::server::reports::compute`, the
//! function the report page's server function calls once it has checked the caller, the read
//! of the marks alone, and `reports::usage_of` (the bank page's figures), and prints one JSON
//! line per scenario: p50, p99 and max in milliseconds.
//!
//!   report-bench --database-url URL [--iterations 20]

use app::model::reports::ReportFilter;
use app::server::{db, report_seed, reports};
use shared::statistics::AttemptChoice;
use std::time::Instant;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("report-bench: {e}");
        std::process::exit(1);
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut database_url = None;
    let mut iterations = 20usize;
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
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let pool =
        db::connect_and_migrate(database_url.as_deref().ok_or("--database-url is required")?, 4).await?;
    let org_id = db::orgs::org_id_by_slug(&pool, report_seed::REPORT_SCALE_SLUG)
        .await?
        .ok_or("no report-scale data: run `vigil seed-report` first")?;
    let exam_id: String =
        sqlx::query_scalar("SELECT id FROM exams WHERE org_id = $1 ORDER BY created_at, id LIMIT 1")
            .bind(&org_id)
            .fetch_one(&pool)
            .await?;
    // The biggest read alone: every submitted attempt's marks (one row per attempt).
    let mut ms = Vec::with_capacity(iterations);
    let mut rows = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        rows = db::reports::marks(&pool, &exam_id).await?.len();
        ms.push(elapsed_ms(t));
    }
    print_line("marks query alone", serde_json::json!({ "rows": rows }), ms);

    for choice in [AttemptChoice::Highest, AttemptChoice::All] {
        let filter = ReportFilter {
            attempts: choice,
            ..ReportFilter::default()
        };
        let mut ms = Vec::with_capacity(iterations);
        let mut last = None;
        for _ in 0..iterations {
            let exam = db::exams::find(&pool, &exam_id)
                .await?
                .ok_or("the exam vanished")?;
            let t = Instant::now();
            let report = reports::compute(&pool, exam, &filter).await?;
            ms.push(elapsed_ms(t));
            last = Some(report);
        }
        let report = last.ok_or("no iteration ran")?;
        print_line(
            &format!("exam report, {}", choice.label().to_lowercase()),
            serde_json::json!({
                "attempts_counted": report.counted,
                "questions": report.items.len(),
                "alpha_percent": report.alpha.map(|a| (a * 10.0).round() / 10.0),
            }),
            ms,
        );
    }

    // The bank page's "in exams" column: every use of the bank's questions.
    let bank_id: String = sqlx::query_scalar("SELECT bank_id FROM exams WHERE id = $1")
        .bind(&exam_id)
        .fetch_one(&pool)
        .await?;
    let mut ms = Vec::with_capacity(iterations);
    let mut questions = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        questions = reports::usage_of(&pool, &bank_id).await?.len();
        ms.push(elapsed_ms(t));
    }
    print_line(
        "bank usage (the bank page)",
        serde_json::json!({ "questions": questions }),
        ms,
    );
    Ok(())
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// One JSON line: the scenario, what it produced, and p50, p99 and max of its times in ms.
fn print_line(scenario: &str, mut facts: serde_json::Value, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let round = |v: f64| (v * 10.0).round() / 10.0;
    if let Some(map) = facts.as_object_mut() {
        map.insert("scenario".into(), scenario.into());
        map.insert("iterations".into(), ms.len().into());
        map.insert("p50_ms".into(), round(percentile(&ms, 0.50)).into());
        map.insert("p99_ms".into(), round(percentile(&ms, 0.99)).into());
        map.insert("max_ms".into(), round(ms.last().copied().unwrap_or(0.0)).into());
    }
    println!("{facts}");
}
