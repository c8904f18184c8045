//! Server-only code: state, database access, authentication and the role guard. Compiled with
//! the `ssr` feature only, so none of it (nor sqlx, argon2, tokio) reaches the wasm bundle.

pub mod accommodations;
pub mod account;
pub mod answer_writer;
pub mod attempt_views;
pub mod attempts;
pub mod auth;
pub mod authoring;
pub mod bus;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod email_verification;
pub mod exams;
pub mod export;
pub mod flagging;
pub mod grading;
pub mod guard;
pub mod ingest;
pub mod invitations;
pub mod jobs;
pub mod last_seen;
pub mod mail;
pub mod metrics;
pub mod org_admin;
pub mod page_policy;
pub mod page_prefetch;
pub mod passkeys;
pub mod password_policy;
pub mod password_reset;
pub mod platform;
pub mod privacy;
pub mod render;
pub mod report_seed;
pub mod reports;
pub mod retention;
pub mod review;
pub mod review_seed;
pub mod second_factor;
pub mod shared_commits;
pub mod shown_questions;
pub mod stopping;
pub mod throttle;
pub mod wal_checkpoint;
pub mod watch;

use crate::error::AppError;
use leptos::prelude::*;
use sqlx::AnyPool;

/// What every request handler and server function shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: AnyPool,
    /// Whether the session cookie carries `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The address people reach Vigil at, for links in messages (no trailing slash).
    pub public_url: String,
    pub ingestor: ingest::Ingestor,
    pub mail: mail::Mailer,
    pub sessions: SessionPolicy,
    /// What this node tells every node sharing the database, and hears from them.
    pub bus: bus::Bus,
    /// Stores answer saves, several to a commit.
    pub answers: answer_writer::AnswerWriter,
    /// Hands attempts in, several to a commit.
    pub hand_ins: attempts::HandIns,
    /// Marks sign-in sessions used, in batches off the request path.
    pub last_seen: last_seen::Recorder,
    /// This process among the nodes sharing the database (holds job leases).
    pub node: jobs::Node,
    /// Set when this node is told to stop: its long-lived streams close.
    pub stopping: stopping::Stopping,
    /// Question versions parsed and rendered, for the exam page.
    pub shown_questions: shown_questions::ShownQuestions,
}

/// How long a sign-in session lasts.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Without use for this long, a session ends (`VIGIL_IDLE_TIMEOUT_MINUTES`).
    pub idle_ms: i64,
    /// However much it is used, a session ends this long after sign-in.
    pub absolute_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_ms: 30 * 60 * 1000,
            absolute_ms: 12 * 60 * 60 * 1000,
        }
    }
}

/// Settings the server reads from its environment.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub secure_cookies: bool,
    pub public_url: String,
    pub mail: mail::MailSettings,
    pub telemetry: ingest::Limits,
    pub sessions: SessionPolicy,
    /// This node's name among those sharing the database; `None`: a fresh id each start.
    pub node_id: Option<String>,
}

impl AppState {
    /// State over `pool`, with the telemetry writer, the silence watch, the deadline job,
    /// retention and mail delivery started on the current runtime (the jobs run on whichever
    /// node sharing the database holds their lease), and this node listening to the others.
    pub async fn new(pool: AnyPool, settings: Settings) -> Result<AppState, StateError> {
        // Each node runs the background jobs only while it holds their leases (`jobs`).
        let node = settings
            .node_id
            .as_deref()
            .map_or_else(jobs::Node::new, jobs::Node::named);
        tracing::info!(
            node = node.id(),
            "this node's id among those sharing the database"
        );
        // Telemetry partitions for the coming days (PostgreSQL), before the first event arrives.
        if let Err(e) = retention::prepare_partitions(&pool, now_ms()).await {
            tracing::warn!(error = %e, "could not prepare telemetry partitions; events go to the default partition");
        }
        let mail = mail::Mailer::start(pool.clone(), &settings.mail, node.clone())?;
        let bus = bus::Bus::start(&pool, node.id()).await.map_err(StateError::Bus)?;
        let ingestor = ingest::Ingestor::start(pool.clone(), settings.telemetry, bus.clone());
        watch::start(pool.clone(), ingestor.clone(), node.clone());
        let hand_ins = attempts::HandIns::start(pool.clone());
        deadlines::start(pool.clone(), ingestor.clone(), hand_ins.clone(), node.clone());
        retention::start(pool.clone(), node.clone());
        wal_checkpoint::start(pool.clone());
        if let Some(telemetry) = db::telemetry_file::own_file(&pool) {
            wal_checkpoint::start(telemetry);
        }
        Ok(AppState {
            last_seen: last_seen::Recorder::start(pool.clone()),
            answers: answer_writer::AnswerWriter::start(pool.clone()),
            hand_ins,
            node,
            ingestor,
            pool,
            secure_cookies: settings.secure_cookies,
            public_url: settings.public_url.trim_end_matches('/').to_string(),
            mail,
            sessions: settings.sessions,
            bus,
            stopping: stopping::Stopping::new(),
            shown_questions: shown_questions::ShownQuestions::default(),
        })
    }
}

/// Why a node could not start its shared state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error("cannot listen to the other nodes on the database: {0}")]
    Bus(sqlx::Error),
}

/// The state provided to server functions by the router.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// Sets the HTTP status of a server function's response from its error, so programs see a 4xx
/// with a reason and people see the reason in the page.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

/// A URL as it may be shown in a log or an error: any password in it replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map(|(u, _)| u).unwrap_or(userinfo);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A time-ordered id (UUID v7), as stored in every table.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

/// Plain routes (sockets, streams, downloads) answer errors like server functions do: the
/// status of the error and `{"error": kind, "message": sentence}`.
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status =
            http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://vigil:p%40ss:w@rd@db:5432/vigil?sslmode=require"),
            "postgres://vigil:***@db:5432/vigil?sslmode=require"
        );
        assert_eq!(
            redact_url("smtp://mailer:s3cret@smtp.example"),
            "smtp://mailer:***@smtp.example"
        );
        assert_eq!(
            redact_url("smtp://token@smtp.example"),
            "smtp://token:***@smtp.example"
        );
        assert_eq!(
            redact_url("sqlite://data/vigil.db?mode=rwc"),
            "sqlite://data/vigil.db?mode=rwc"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
