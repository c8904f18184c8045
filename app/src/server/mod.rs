//! Server-only code: state, database access, authentication and the role guard. Compiled with
//! the `ssr` feature only, so none of it (nor sqlx, argon2, tokio) reaches the wasm bundle.

pub mod accommodations;
pub mod attempts;
pub mod auth;
pub mod authoring;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod exams;
pub mod export;
pub mod flagging;
pub mod grading;
pub mod guard;
pub mod ingest;
pub mod invitations;
pub mod mail;
pub mod render;
pub mod review;
pub mod review_seed;
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
}

/// Settings the server reads from its environment.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub secure_cookies: bool,
    pub public_url: String,
    pub mail: mail::MailSettings,
    pub telemetry: ingest::Limits,
}

impl AppState {
    /// State over `pool`, with the telemetry writer, the silence watch, the deadline job and
    /// mail delivery started on the current runtime.
    pub fn new(pool: AnyPool, settings: Settings) -> Result<AppState, mail::MailError> {
        let mail = mail::Mailer::start(pool.clone(), &settings.mail)?;
        let ingestor = ingest::Ingestor::start(pool.clone(), settings.telemetry);
        watch::start(pool.clone(), ingestor.clone());
        deadlines::start(pool.clone(), ingestor.clone());
        Ok(AppState {
            ingestor,
            pool,
            secure_cookies: settings.secure_cookies,
            public_url: settings.public_url.trim_end_matches('/').to_string(),
            mail,
        })
    }
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
