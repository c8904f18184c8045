#![recursion_limit = "256"]
//! `vigil`: serves the app. `vigil --demo` seeds demo data first; `vigil seed-demo` only seeds;
//! `vigil seed-load N`, `vigil seed-review [SESSIONS [EVENTS]]` and
//! `vigil seed-report [ATTEMPTS [QUESTIONS]]` seed data for the benchmarks; `vigil backup FILE`
//! writes a consistent copy of a SQLite database (`scripts/backup.sh`).

mod bank_files;
mod config;
mod exports;
mod prefetch;
mod review_live;
mod routes;
mod security;
mod static_files;
mod telemetry_ws;

use app::server::mail::MailSettings;
use app::server::{db, demo, AppState, Settings};
use config::Config;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("cannot seed demo data: {0}")]
    Seed(app::error::AppError),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error(transparent)]
    State(#[from] app::server::StateError),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Backup(#[from] db::BackupError),
    #[error("unknown argument {0:?}; use --demo, seed-demo, seed-load N, seed-review [SESSIONS [EVENTS]], seed-report [ATTEMPTS [QUESTIONS]], backup FILE or nothing")]
    Usage(String),
}

/// mimalloc instead of glibc's malloc: the exam page spent a sixth of its CPU in glibc's
/// `malloc`/`free` (2,438 → 2,720–2,774 pages/s with it, 2026-12-06). It keeps a little more
/// after the sign-in rush (each argon2id hash takes 19 MiB): 121 MB resident after 5,000
/// sign-ins, where glibc with a fixed `mmap` threshold kept 51 MB (and without one, hundreds).
/// SQLite's own allocations still go to glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (its index in `mi_option_t`, mimalloc 2 and 3 alike).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc hands memory that fell free back to the system only after `purge_delay` (a second
/// in mimalloc 3), and under a steady load something always fell free in the last second. At
/// once instead: 5,000 candidates on SQLite held 269–275 MiB of anonymous memory in the steady
/// exam instead of 297, and 78–84 MiB instead of 117 after the sign-in rush, with events
/// accepted within the runs' spread (2026-12-07, README). `MIMALLOC_PURGE_DELAY`, when set,
/// still decides.
fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one process-wide integer option, which mimalloc reads when it purges.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

#[tokio::main]
async fn main() {
    return_freed_memory_at_once();
    if let Err(e) = run().await {
        eprintln!("vigil: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), StartError> {
    let mut seed = false;
    let mut serve = true;
    let mut load_candidates = None;
    let mut review_scale = None;
    let mut report_scale = None;
    let mut backup_to = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => seed = true,
            "seed-demo" => {
                seed = true;
                serve = false;
            }
            "seed-load" => {
                let n = args.next().and_then(|n| n.parse::<usize>().ok());
                load_candidates =
                    Some(n.ok_or_else(|| StartError::Usage("seed-load needs a number".into()))?);
                serve = false;
            }
            "seed-review" => {
                let mut number = |default| match args.next() {
                    None => Ok(default),
                    Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        StartError::Usage(format!("seed-review needs positive numbers, got {n:?}"))
                    }),
                };
                review_scale = Some((number(100_000)?, number(100)?));
                serve = false;
            }
            "seed-report" => {
                let mut number = |default| match args.next() {
                    None => Ok(default),
                    Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        StartError::Usage(format!("seed-report needs positive numbers, got {n:?}"))
                    }),
                };
                report_scale = Some((number(10_000)?, number(50)?));
                serve = false;
            }
            "backup" => {
                let file = args.next().filter(|f| !f.is_empty());
                backup_to =
                    Some(file.ok_or_else(|| StartError::Usage("backup needs a file to write".into()))?);
                serve = false;
            }
            other => return Err(StartError::Usage(other.to_string())),
        }
    }
    let config = Config::from_env()?;
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    if config.log_json {
        // One JSON object per line, with the request's span (its id, method, path) on each.
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt()
            // Colours only for a person at a terminal; a log file or collector gets plain text.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_env_filter(filter)
            .init();
    }

    db::set_commit_window(std::time::Duration::from_millis(config.sqlite_commit_window_ms));
    let pool = db::connect_with(
        &config.database_url,
        config.max_db_connections,
        db::SqliteMemory {
            mmap_mb: config.sqlite_mmap_mb,
            telemetry_cache_mb: config.sqlite_telemetry_cache_mb,
        },
    )
    .await?;
    if let Some(file) = &backup_to {
        db::backup_sqlite(&pool, file).await?;
        tracing::info!(file = %file, "backup written");
    }
    if seed {
        let seeded = demo::seed_demo(&pool).await.map_err(StartError::Seed)?;
        tracing::info!(org_id = %seeded.org_id, exam_id = %seeded.exam_id, "demo data ready");
    }
    if let Some(n) = load_candidates {
        let seeded = demo::seed_load(&pool, n).await.map_err(StartError::Seed)?;
        tracing::info!(exam_id = %seeded.exam_id, candidates = n, "load-test candidates ready");
    }
    if let Some((sessions, events)) = review_scale {
        let started = std::time::Instant::now();
        let seeded = app::server::review_seed::seed_review(&pool, sessions, events)
            .await
            .map_err(StartError::Seed)?;
        tracing::info!(
            org_id = %seeded.org_id,
            sessions = seeded.sessions,
            events = seeded.events,
            seconds = started.elapsed().as_secs(),
            "review queue seeded at scale"
        );
    }
    if let Some((attempts, questions)) = report_scale {
        let started = std::time::Instant::now();
        let seeded = app::server::report_seed::seed_report(&pool, attempts, questions)
            .await
            .map_err(StartError::Seed)?;
        tracing::info!(
            exam_id = %seeded.exam_id,
            attempts = seeded.attempts,
            questions = seeded.questions,
            seconds = started.elapsed().as_secs(),
            "an exam seeded at scale for the report"
        );
    }
    if !serve {
        return Ok(());
    }

    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| StartError::Listen(config.listen, e))?;
    let local = listener
        .local_addr()
        .map_err(|e| StartError::Listen(config.listen, e))?;
    let settings = Settings {
        secure_cookies: config.secure_cookies,
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}")),
        mail: MailSettings {
            smtp_url: config.smtp_url.clone(),
            from: config.mail_from.clone(),
        },
        telemetry: app::server::ingest::Limits {
            max_events_per_session: config.telemetry_event_cap,
            rate_per_sec: config.telemetry_rate,
            burst: config.telemetry_burst,
        },
        sessions: app::server::SessionPolicy {
            idle_ms: config.idle_timeout_minutes.saturating_mul(60_000),
            ..Default::default()
        },
        node_id: config.node_id.clone(),
    };
    let state = AppState::new(pool.clone(), settings).await?;
    let node = state.node.clone();
    let stopping = state.stopping.clone();
    let app = routes::router(&config, state);
    tracing::info!("Vigil listening on http://{local}");
    let told = stopping.clone();
    // Without TCP_NODELAY a page larger than one segment (the exam page is ~10 kB) waited for
    // the client's delayed acknowledgement, 40 ms, before its last part left: every page took
    // at least 44 ms however idle the server was.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on a connection");
        }
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("stopping: finishing requests and closing streams");
            told.begin();
        })
        .await
        .map_err(StartError::Serve)?;
    // Upgraded sockets outlive the server's own count of connections: wait for each one to
    // finish the batch it is storing before the pool goes.
    if !stopping.drained(std::time::Duration::from_secs(10)).await {
        tracing::warn!("some streams were still open after 10 s; stopping anyway");
    }
    // Another node takes this one's jobs over at once rather than when the leases run out.
    if let Err(e) = app::server::db::job_leases::release(&pool, node.id()).await {
        tracing::warn!(error = %e, "could not give this node's job leases up");
    }
    app::server::db::close(&pool).await;
    tracing::info!("Vigil stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
