//! Passwords, session tokens and the signed-in user.
//!
//! A session token is 256 random bits, sent only in an HttpOnly, SameSite=Lax cookie; the
//! database holds its SHA-256, so a leaked table does not sign anybody in. A session ends at
//! its absolute expiry or after a period without use, whichever comes first; sign-in attempts
//! are throttled in [`throttle`].
//!
//! Here: signing in, up and out; [`sessions`] holds the session behind a request, [`cookies`]
//! what is read from and set on it, [`secrets`] how passwords and tokens are kept.

mod cookies;
mod secrets;
mod sessions;

use cookies::request_parts;
pub use cookies::{
    client_ip, cookie_name, forget_cookie, request_ip, token_from_headers, token_from_parts, ClientAddr,
    COOKIE_NAME, SECURE_COOKIE_NAME,
};
pub(crate) use cookies::{request_cookie, set_strict_cookie};
pub(crate) use secrets::argon2_blocking;
use secrets::dummy_hash;
pub use secrets::{hash_password, hash_token, new_token, verify_password};
pub(crate) use sessions::start_session;
pub use sessions::{
    announce_sessions_ended, current_session, current_user, me, session_for_token, user_for_token,
    RequestSession,
};

use super::db::{self, audit};
use super::{now_ms, throttle, AppState};
use crate::error::AppError;
use crate::model::SignInOutcome;

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
