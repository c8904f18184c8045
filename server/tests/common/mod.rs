//! Starts the real `vigil` binary on a random port against a fresh database: a SQLite file by
//! default, or a new PostgreSQL database when VIGIL_TEST_DATABASE=postgres.
#![allow(dead_code)]

pub mod builder;
pub mod ws;

use app::server::{db, demo};
use reqwest::Client;
use serde_json::Value;
use sqlx::AnyPool;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PASSWORD: &str = demo::DEMO_PASSWORD;

pub fn postgres_admin_url() -> String {
    std::env::var("VIGIL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn use_postgres() -> bool {
    std::env::var("VIGIL_TEST_DATABASE")
        .map(|v| v == "postgres")
        .unwrap_or(false)
}

/// A fresh, migrated database, and its URL.
pub async fn fresh_database(label: &str) -> (String, AnyPool) {
    sqlx::any::install_default_drivers();
    let url = if use_postgres() {
        let admin = sqlx::AnyPool::connect(&postgres_admin_url())
            .await
            .expect("PostgreSQL answers");
        let name = format!(
            "vigil_test_{}_{}",
            label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            uuid::Uuid::now_v7().simple()
        );
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create database");
        admin.close().await;
        let base = postgres_admin_url();
        let (prefix, _) = base.rsplit_once('/').expect("URL has a database part");
        format!("{prefix}/{name}")
    } else {
        let dir = scratch_dir(label);
        format!("sqlite://{}?mode=rwc", dir.join("vigil.db").display())
    };
    let pool = db::connect_and_migrate(&url, 5).await.expect("migrate");
    (url, pool)
}

pub fn scratch_dir(label: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{label}-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub struct TestApp {
    pub base: String,
    pub pool: AnyPool,
    pub db_url: String,
    child: Child,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestApp {
    /// A running server with the demo organisation seeded.
    pub async fn start(label: &str) -> (TestApp, demo::SeededOrg) {
        let (db_url, pool) = fresh_database(label).await;
        let seeded = demo::seed_demo(&pool).await.expect("seed demo");
        let app = Self::spawn(db_url, pool).await;
        (app, seeded)
    }

    pub async fn spawn(db_url: String, pool: AnyPool) -> TestApp {
        Self::spawn_with(db_url, pool, &[]).await
    }

    /// Like `spawn`, with extra environment variables for the server.
    pub async fn spawn_with(db_url: String, pool: AnyPool, env: &[(&str, &str)]) -> TestApp {
        Self::spawn_logging(db_url, pool, env, Stdio::null()).await
    }

    /// Like `spawn_with`, the server's log (its standard output) going to `log`.
    pub async fn spawn_logging(db_url: String, pool: AnyPool, env: &[(&str, &str)], log: Stdio) -> TestApp {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .env("DATABASE_URL", &db_url)
            .env("VIGIL_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(log)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start vigil");
        let base = format!("http://127.0.0.1:{port}");
        let app = TestApp {
            base,
            pool,
            db_url,
            child,
        };
        let probe = Client::new();
        for _ in 0..200 {
            if let Ok(r) = probe.get(format!("{}/healthz", app.base)).send().await {
                if r.status().is_success() {
                    return app;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("vigil did not become healthy at {}", app.base);
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server as an operator would (SIGTERM) and waits until it has exited.
    pub fn terminate(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// Whether the server has exited within `limit` (polled: a child has no async wait here).
    pub async fn exited_within(&mut self, limit: std::time::Duration) -> bool {
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    /// A client with its own cookie jar (one browser).
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).build().expect("client")
    }

    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let body = r.text().await.expect("body");
        (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
    }

    pub async fn call_json(&self, client: &Client, endpoint: &str, body: &Value) -> (u16, Value) {
        let r = client
            .post(format!("{}/api/{endpoint}", self.base))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let body = r.text().await.expect("body");
        (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
    }

    /// A client signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        let (status, body) = self
            .call(&client, "sign_in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(status, 200, "sign in as {email}: {body}");
        client
    }

    /// Starts (or resumes) the signed-in candidate's attempt, consenting to monitoring.
    pub async fn start_attempt(&self, client: &Client, exam_id: &str) -> String {
        let (status, body) = self
            .call(client, "start_exam", &[("exam_id", exam_id), ("consent", "true")])
            .await;
        assert_eq!(status, 200, "start exam: {body}");
        body.as_str().expect("a session id").to_string()
    }

    /// The id of the demo's unproctored practice exam (every question type, shuffled).
    pub async fn practice_exam_id(&self) -> String {
        sqlx::query_scalar("SELECT id FROM exams WHERE title = $1")
            .bind(demo::PRACTICE_EXAM_TITLE)
            .fetch_one(&self.pool)
            .await
            .expect("the practice exam is seeded")
    }

    /// Starts the signed-in candidate's attempt at an unproctored exam (no consent asked).
    pub async fn start_unproctored(&self, client: &Client, exam_id: &str) -> String {
        let (status, body) = self
            .call(
                client,
                "start_exam",
                &[("exam_id", exam_id), ("consent", "false")],
            )
            .await;
        assert_eq!(status, 200, "start exam: {body}");
        body.as_str().expect("a session id").to_string()
    }

    /// An ingestor of the test's own, for running the server's background jobs by hand
    /// against the same database (their notices go nowhere).
    pub fn ingestor(&self) -> app::server::ingest::Ingestor {
        app::server::ingest::Ingestor::start(
            self.pool.clone(),
            Default::default(),
            app::server::bus::Bus::local(),
        )
    }

    /// A hand-in writer of the test's own, for running the deadline job by hand.
    pub fn hand_ins(&self) -> app::server::attempts::HandIns {
        app::server::attempts::HandIns::start(self.pool.clone())
    }

    /// One page of the review queue as `client` sees it, with `filter` (JSON).
    pub async fn queue(&self, client: &Client, filter: Value) -> (u16, Value) {
        self.call_json(client, "review_queue", &serde_json::json!({ "filter": filter }))
            .await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }
}

/// The message inside an `AppError` body, whatever its variant.
pub fn message(body: &Value) -> String {
    match body.get("message").and_then(Value::as_str) {
        Some(m) => m.to_string(),
        None => panic!("an error body names its message: {body}"),
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The invitation link in the newest outbox message to `email`, and its token.
pub async fn invitation_link(pool: &AnyPool, email: &str) -> (String, String) {
    link_in_outbox(pool, email, "/invitations/").await
}

/// The link holding `marker` (`/join/`, `/reset/`) in the newest outbox message to `email`,
/// and its token.
pub async fn link_in_outbox(pool: &AnyPool, email: &str, marker: &str) -> (String, String) {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE to_email = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .expect("a message in the outbox");
    let link = body
        .split_whitespace()
        .find(|w| w.contains(marker))
        .unwrap_or_else(|| panic!("the message holds a link: {body}"))
        .to_string();
    let token = link.rsplit('/').next().unwrap_or_default().to_string();
    (link, token)
}
