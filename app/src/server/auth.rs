//! Passwords, session tokens and the signed-in user.
//!
//! A session token is 256 random bits, sent only in an HttpOnly, SameSite=Lax cookie; the
//! database holds its SHA-256, so a leaked table does not sign anybody in.

use super::db::{self, audit};
use super::{now_ms, AppState};
use crate::error::AppError;
use crate::model::Me;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "vigil_session";
const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;
/// Failed sign-ins counted over this window…
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// …refuse further attempts for one account after this many…
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// …and from one address after this many (several people may share an address).
pub const MAX_FAILURES_PER_IP: i64 = 30;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Runs argon2 off the async workers, a few at a time: each hash holds 19 MiB and ~20 ms of
/// CPU, so a storm of sign-ins must neither stall WebSocket traffic nor balloon memory.
pub(crate) async fn argon2_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
    });
    let _permit = permits.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing task failed");
        AppError::Internal
    })
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The session token from the request's cookie header, if present.
pub fn token_from_parts(parts: &Parts) -> Option<String> {
    token_from_headers(&parts.headers)
}

pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// The client address as the socket saw it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        opts.append_header(SET_COOKIE, v);
    }
}

fn session_cookie(state: &AppState, token: &str, max_age_s: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// The signed-in user of the current request, or `Unauthenticated`.
pub async fn current_user(state: &AppState) -> Result<db::users::UserRow, AppError> {
    let token = request_parts().as_ref().and_then(token_from_parts);
    user_for_token(state, token).await
}

/// The user a session token (from a cookie) belongs to, or `Unauthenticated`.
pub async fn user_for_token(state: &AppState, token: Option<String>) -> Result<db::users::UserRow, AppError> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    db::sessions::user_for_token(&state.pool, &hash_token(&token), now_ms())
        .await?
        .ok_or(AppError::Unauthenticated)
}

pub async fn me(state: &AppState) -> Result<Me, AppError> {
    let user = current_user(state).await?;
    let roles = db::orgs::all_roles(&state.pool, &user.id).await?;
    Ok(Me {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles,
    })
}

/// Starts a session for `user_id` and sets the cookie.
pub(crate) async fn start_session(state: &AppState, user_id: &str, ip: Option<&str>) -> Result<(), AppError> {
    let token = new_token();
    let now = now_ms();
    db::sessions::insert(
        &state.pool,
        &super::new_id(),
        user_id,
        &hash_token(&token),
        now,
        now + SESSION_TTL_MS,
        ip,
    )
    .await?;
    set_cookie(&session_cookie(state, &token, SESSION_TTL_MS / 1000));
    Ok(())
}

const WRONG_CREDENTIALS: &str = "That email and password do not match an account.";

pub async fn sign_in(state: &AppState, email: &str, password: &str) -> Result<(), AppError> {
    let parts = request_parts();
    let ip = parts.as_ref().and_then(client_ip);
    let email = shared::validation::normalize_email(email)
        .map_err(|_| AppError::Invalid(WRONG_CREDENTIALS.into()))?;
    let now = now_ms();
    let since = now - FAILURE_WINDOW_MS;
    let pool = &state.pool;

    let account_failures = audit::count_for_subject(pool, audit::SIGN_IN_FAILED, &email, since).await?;
    let ip_failures = match &ip {
        Some(ip) => audit::count_for_ip(pool, audit::SIGN_IN_FAILED, ip, since).await?,
        None => 0,
    };
    if account_failures >= MAX_FAILURES_PER_ACCOUNT || ip_failures >= MAX_FAILURES_PER_IP {
        let entry = audit::Entry {
            action: audit::SIGN_IN_REFUSED,
            actor_user_id: None,
            org_id: None,
            subject: Some(&email),
            ip: ip.as_deref(),
            detail: None,
        };
        audit::record(pool, entry, now).await?;
        return Err(AppError::TooManyRequests(format!(
            "Too many failed sign-in attempts. Wait {} minutes and try again, or reset your password.",
            FAILURE_WINDOW_MS / 60_000
        )));
    }

    let user = db::users::find_by_email(pool, &email).await?;
    // Verify against a real hash even for unknown emails, so timing does not reveal accounts.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let attempt = password.to_string();
    let ok = argon2_blocking(move || match hash {
        Some(h) => verify_password(&attempt, &h),
        None => {
            let _ = verify_password(&attempt, dummy_hash());
            false
        }
    })
    .await?;
    let user_id = user.as_ref().map(|u| u.id.as_str());
    let entry = audit::Entry {
        action: if ok { audit::SIGN_IN } else { audit::SIGN_IN_FAILED },
        actor_user_id: user_id,
        org_id: None,
        subject: Some(&email),
        ip: ip.as_deref(),
        detail: None,
    };
    audit::record(pool, entry, now).await?;
    match (ok, user_id) {
        (true, Some(id)) => start_session(state, id, ip.as_deref()).await,
        _ => Err(AppError::Invalid(WRONG_CREDENTIALS.into())),
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

pub async fn sign_up(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<(), AppError> {
    let email = shared::validation::normalize_email(email).map_err(AppError::Invalid)?;
    let name = shared::validation::normalize_display_name(display_name).map_err(AppError::Invalid)?;
    shared::validation::check_new_password(password).map_err(AppError::Invalid)?;
    let pool = &state.pool;
    if db::users::find_by_email(pool, &email).await?.is_some() {
        return Err(AppError::Conflict(
            "An account with this email already exists. Sign in instead.".into(),
        ));
    }
    let plain = password.to_string();
    let hash = argon2_blocking(move || hash_password(&plain)).await??;
    let id = super::new_id();
    let now = now_ms();
    let ip = request_parts().as_ref().and_then(client_ip);
    let mut tx = db::begin_write(pool).await?;
    db::users::insert(&mut *tx, &id, &email, &name, &hash, now).await?;
    let entry = audit::Entry {
        action: audit::SIGN_UP,
        actor_user_id: Some(&id),
        org_id: None,
        subject: Some(&email),
        ip: ip.as_deref(),
        detail: None,
    };
    audit::record(&mut *tx, entry, now).await?;
    tx.commit().await?;
    start_session(state, &id, ip.as_deref()).await
}

pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let parts = request_parts();
    let token = parts.as_ref().and_then(token_from_parts);
    if let Some(token) = token {
        if let Some(user_id) = db::sessions::delete(&state.pool, &hash_token(&token)).await? {
            let ip = parts.as_ref().and_then(client_ip);
            let entry = audit::Entry {
                action: audit::SIGN_OUT,
                actor_user_id: Some(&user_id),
                org_id: None,
                subject: None,
                ip: ip.as_deref(),
                detail: None,
            };
            audit::record(&state.pool, entry, now_ms()).await?;
        }
    }
    set_cookie(&session_cookie(state, "", 0));
    Ok(())
}
