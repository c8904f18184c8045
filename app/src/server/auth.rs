//! Passwords, session tokens and the signed-in user.
//!
//! A session token is 256 random bits, sent only in an HttpOnly, SameSite=Lax cookie; the
//! database holds its SHA-256, so a leaked table does not sign anybody in. A session ends at
//! its absolute expiry or after a period without use, whichever comes first; sign-in attempts
//! are throttled in [`throttle`].

use super::db::{self, audit};
use super::{now_ms, throttle, AppState};
use crate::error::AppError;
use crate::model::{Me, SignInOutcome};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "vigil_session";
/// The name with secure cookies: browsers keep a `__Host-` cookie only if it came over HTTPS,
/// for this host alone and every path, so a sibling subdomain cannot plant or replace it.
pub const SECURE_COOKIE_NAME: &str = "__Host-vigil_session";
/// A session's last use is written at most this often (a write per request would cost more
/// than the minute of precision is worth).
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// The client's address as the server trusts it: the socket's peer, or — behind a configured
/// trusted proxy — the address that proxy saw. Put on each request by the server.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

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

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// The session token from the request's cookie header, if present.
pub fn token_from_parts(state: &AppState, parts: &Parts) -> Option<String> {
    token_from_headers(state, &parts.headers)
}

pub fn token_from_headers(state: &AppState, headers: &http::HeaderMap) -> Option<String> {
    cookie_in(headers, cookie_name(state))
}

/// The value of the cookie `wanted` in the request's headers.
pub(crate) fn cookie_in(headers: &http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
}

/// The client's address: as the server placed it on the request, else as the socket saw it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    if let Some(ClientAddr(ip)) = parts.extensions.get::<ClientAddr>() {
        return Some(ip.to_string());
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The current request's client address.
pub fn request_ip() -> Option<String> {
    request_parts().as_ref().and_then(client_ip)
}

/// The browser's own description of itself, cut short, for "your sessions".
fn user_agent(parts: &Parts) -> Option<String> {
    let ua = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Some(ua.chars().take(200).collect())
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
    cookie_text(state, cookie_name(state), token, max_age_s, "Lax")
}

/// A cookie for the browser only (HttpOnly), Secure when the server says so.
fn cookie_text(state: &AppState, name: &str, value: &str, max_age_s: i64, same_site: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_s}{secure}")
}

/// Sets a short-lived cookie of the sign-in itself (the second-factor challenge), strict.
pub(crate) fn set_strict_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) {
    set_cookie(&cookie_text(state, name, value, max_age_s, "Strict"));
}

/// The current request's headers' cookie `name`.
pub(crate) fn request_cookie(name: &str) -> Option<String> {
    request_parts().and_then(|p| cookie_in(&p.headers, name))
}

/// The signed-in user of the current request, or `Unauthenticated`.
pub async fn current_user(state: &AppState) -> Result<db::users::UserRow, AppError> {
    current_session(state).await.map(|live| live.user)
}

/// The current request's session, looked up once however many server functions ask while the
/// request is served: rendering a page runs several (the header's "who am I" and the page's own
/// data), and each lookup is a statement. Provided afresh for every request by the router.
#[derive(Clone, Default, Debug)]
pub struct RequestSession(std::sync::Arc<tokio::sync::OnceCell<db::sessions::Live>>);

/// The current request's session and its user, or `Unauthenticated`.
pub async fn current_session(state: &AppState) -> Result<db::sessions::Live, AppError> {
    let token = request_parts().as_ref().and_then(|p| token_from_parts(state, p));
    match use_context::<RequestSession>() {
        // The page's server functions start together: the others wait for the first's lookup
        // rather than each making their own.
        Some(memo) => memo
            .0
            .get_or_try_init(|| session_for_token(state, token))
            .await
            .cloned(),
        None => session_for_token(state, token).await,
    }
}

/// The user a session token (from a cookie) belongs to, or `Unauthenticated`.
pub async fn user_for_token(state: &AppState, token: Option<String>) -> Result<db::users::UserRow, AppError> {
    session_for_token(state, token).await.map(|live| live.user)
}

/// The live session behind a token, marked as used now. A session ends at its absolute
/// expiry or after `sessions.idle_ms` without use, whichever comes first.
pub async fn session_for_token(
    state: &AppState,
    token: Option<String>,
) -> Result<db::sessions::Live, AppError> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    let now = now_ms();
    let idle_since = now.saturating_sub(state.sessions.idle_ms);
    let live = db::sessions::live(&state.pool, &hash_token(&token), now, idle_since)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if now.saturating_sub(live.last_seen_at) >= TOUCH_EVERY_MS {
        state.last_seen.record(&live.session_id, now);
    }
    Ok(live)
}

/// Tells open streams (the telemetry socket) that some of `user_id`'s sessions ended, so
/// they check theirs at once instead of at their next periodic check.
pub fn announce_sessions_ended(state: &AppState, user_id: &str) {
    state.bus.announce(super::bus::Announcement::SessionsEnded {
        user_id: user_id.to_string(),
    });
}

pub async fn me(state: &AppState) -> Result<Me, AppError> {
    let db::sessions::Live { user, roles, .. } = current_session(state).await?;
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
    let ua = request_parts().as_ref().and_then(user_agent);
    let absolute_ms = state.sessions.absolute_ms;
    let new = db::sessions::NewSession {
        id: &super::new_id(),
        user_id,
        token_hash: &hash_token(&token),
        expires_at: now.saturating_add(absolute_ms),
        ip,
        user_agent: ua.as_deref(),
    };
    db::sessions::insert(&state.pool, new, now).await?;
    set_cookie(&session_cookie(state, &token, absolute_ms / 1000));
    Ok(())
}

const WRONG_CREDENTIALS: &str = "That email and password do not match an account.";
/// Said only after the right password, so it reveals nothing to someone guessing.
pub(crate) const SUSPENDED: &str =
    "Your organisation's use of Vigil is suspended, so you cannot sign in. Contact its administrators.";

pub async fn sign_in(state: &AppState, email: &str, password: &str) -> Result<SignInOutcome, AppError> {
    let parts = request_parts();
    let ip = parts.as_ref().and_then(client_ip);
    let email = shared::validation::normalize_email(email)
        .map_err(|_| AppError::Invalid(WRONG_CREDENTIALS.into()))?;
    let now = now_ms();
    let pool = &state.pool;

    let gate = match throttle::before_sign_in(pool, &email, ip.as_deref().unwrap_or("unknown"), now).await {
        Ok(gate) => gate,
        Err(refused) => {
            let entry = audit::Entry {
                action: audit::SIGN_IN_REFUSED,
                actor_user_id: None,
                org_id: None,
                subject: Some(&email),
                ip: ip.as_deref(),
                detail: None,
            };
            audit::record(pool, entry, now).await?;
            return Err(refused);
        }
    };

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
    let id = match user_id {
        Some(id) if ok => id,
        _ => {
            let entry = sign_in_entry(audit::SIGN_IN_FAILED, user_id, &email, ip.as_deref());
            audit::record(pool, entry, now).await?;
            throttle::after_failure(pool, &gate, now).await?;
            return Err(AppError::Invalid(WRONG_CREDENTIALS.into()));
        }
    };
    throttle::after_success(pool, &gate).await?;
    if db::orgs::only_in_suspended(pool, id).await? {
        return Err(AppError::NotAllowed(SUSPENDED.into()));
    }
    if !db::users::email_verified(pool, id).await? {
        return Err(super::email_verification::resend_link(state, id, &email).await?);
    }
    // With a second factor the password alone opens no session: it earns a short challenge.
    let code = super::second_factor::app_enabled(pool, id).await?;
    let passkey = db::passkeys::count_for_user(pool, id).await? > 0;
    if code || passkey {
        let entry = sign_in_entry(audit::SECOND_FACTOR_ASKED, Some(id), &email, ip.as_deref());
        audit::record(pool, entry, now).await?;
        super::second_factor::challenge(state, id, ip.as_deref()).await?;
        return Ok(SignInOutcome::SecondFactor { code, passkey });
    }
    audit::record(
        pool,
        sign_in_entry(audit::SIGN_IN, Some(id), &email, ip.as_deref()),
        now,
    )
    .await?;
    start_session(state, id, ip.as_deref()).await?;
    Ok(SignInOutcome::SignedIn)
}

/// An audit entry about signing in as `email`.
pub(crate) fn sign_in_entry<'a>(
    action: &'static str,
    user_id: Option<&'a str>,
    email: &'a str,
    ip: Option<&'a str>,
) -> audit::Entry<'a> {
    audit::Entry {
        action,
        actor_user_id: user_id,
        org_id: None,
        subject: Some(email),
        ip,
        detail: None,
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// Makes an account that proves its address before it can sign in: the answer is the same
/// whether or not the address already has an account (its owner gets a note instead).
pub async fn sign_up(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<(), AppError> {
    let pool = &state.pool;
    if !db::platform_settings::self_sign_up(pool).await? {
        return Err(AppError::NotAllowed(INVITATION_ONLY.into()));
    }
    let email = shared::validation::normalize_email(email).map_err(AppError::Invalid)?;
    let name = shared::validation::normalize_display_name(display_name).map_err(AppError::Invalid)?;
    super::password_policy::check_new(password, &[&email, &name])?;
    let ip = request_parts().as_ref().and_then(client_ip);
    throttle::before_sign_up(pool, ip.as_deref().unwrap_or("unknown"), now_ms()).await?;
    // Hashed either way, so the time taken does not tell whether the address has an account.
    let plain = password.to_string();
    let hash = argon2_blocking(move || hash_password(&plain)).await??;
    if let Some(existing) = db::users::find_by_email(pool, &email).await? {
        return super::email_verification::note_existing(state, &existing.id, &email).await;
    }
    let id = super::new_id();
    let now = now_ms();
    let mut tx = db::begin_write(pool).await?;
    db::users::insert_unverified(&mut *tx, &id, &email, &name, &hash, now).await?;
    let entry = audit::Entry {
        action: audit::SIGN_UP,
        actor_user_id: Some(&id),
        org_id: None,
        subject: Some(&email),
        ip: ip.as_deref(),
        detail: None,
    };
    audit::record(&mut *tx, entry, now).await?;
    let composed =
        super::email_verification::queue_link(&mut tx, &state.public_url, &id, &email, now).await?;
    tx.commit().await?;
    super::mail::log_queued(&state.mail, &email, &composed);
    state.mail.wake();
    Ok(())
}

pub const INVITATION_ONLY: &str =
    "Accounts on this Vigil are made by invitation only. Ask your organisation to invite you.";

/// Whether the sign-up form is open.
pub async fn sign_up_open(state: &AppState) -> Result<bool, AppError> {
    Ok(db::platform_settings::self_sign_up(&state.pool).await?)
}

pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let parts = request_parts();
    let token = parts.as_ref().and_then(|p| token_from_parts(state, p));
    if let Some(token) = token {
        if let Some(user_id) = db::sessions::delete(&state.pool, &hash_token(&token)).await? {
            announce_sessions_ended(state, &user_id);
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
    forget_cookie(state);
    Ok(())
}

/// Tells the browser to drop its session cookie.
pub fn forget_cookie(state: &AppState) {
    set_cookie(&session_cookie(state, "", 0));
}
