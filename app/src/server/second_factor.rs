//! The second factor: a time-based one-time code from an authenticator app (RFC 6238, 30 s
//! steps, one step of clock drift allowed), with ten single-use recovery codes. Setting it up
//! takes a first code from the app; signing in with it takes the password, then a code, within
//! five minutes and five tries. A code's time step is accepted once.

use super::db::{self, audit, second_factor as sf};
use super::{account, auth, now_ms, AppState};
use crate::error::AppError;
use crate::model::account::{SecondFactorSetup, SecondFactorStatus};
use rand::Rng;
use sqlx::AnyPool;
use totp_rs::{Builder, Secret, Totp};

const ISSUER: &str = "Vigil";
const CHALLENGE_COOKIE: &str = "vigil_second_factor";
const CHALLENGE_TTL_MS: i64 = 5 * 60_000;
const CHALLENGE_TRIES: i64 = 5;
const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for one another when typed from paper.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn totp(secret_base32: &str, account_name: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|_| AppError::Internal)?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account_name)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "a stored second-factor secret is unusable");
            AppError::Internal
        })
}

fn now_s(now_ms: i64) -> u64 {
    u64::try_from(now_ms / 1000).unwrap_or(0)
}

/// The time step a code matches at `now`, if it matches.
fn matching_step(t: &Totp, code: &str, now: i64) -> Option<i64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.check(&digits, now_s(now))
        .and_then(|step| i64::try_from(step).ok())
}

/// A recovery code as typed (`abcd-efgh-jk`, any case, spaces or dashes) reduced to its letters.
fn normalize_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn new_recovery_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..12)
        .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// Whether a code from an authenticator app is set up.
pub async fn app_enabled(pool: &AnyPool, user_id: &str) -> Result<bool, AppError> {
    Ok(sf::totp(pool, user_id)
        .await?
        .is_some_and(|t| t.enabled_at.is_some()))
}

/// Whether the person has a second factor: an authenticator app, or a passkey.
pub async fn enabled(pool: &AnyPool, user_id: &str) -> Result<bool, AppError> {
    Ok(app_enabled(pool, user_id).await? || db::passkeys::count_for_user(pool, user_id).await? > 0)
}

pub async fn status(state: &AppState) -> Result<SecondFactorStatus, AppError> {
    let user = auth::current_user(state).await?;
    let pool = &state.pool;
    Ok(SecondFactorStatus {
        enabled: app_enabled(pool, &user.id).await?,
        recovery_codes_left: sf::recovery_codes_left(pool, &user.id).await?,
        required: sf::required_for(pool, &user.id).await?,
    })
}

/// Starts setting up: a new secret, shown as a QR code and as text for typing in.
pub async fn begin(state: &AppState) -> Result<SecondFactorSetup, AppError> {
    let user = auth::current_user(state).await?;
    let secret = Secret::generate().to_base32();
    if !sf::begin(&state.pool, &user.id, &secret, now_ms()).await? {
        return Err(AppError::Conflict("Two-step sign-in is already on.".into()));
    }
    let t = totp(&secret, &user.email)?;
    let url = t.to_url().map_err(|_| AppError::Internal)?;
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(|_| AppError::Internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(SecondFactorSetup { secret, qr_svg })
}

/// Turns it on with a first code from the app; returns the recovery codes, shown this once.
/// The person's other sessions end: they were opened without the second factor.
pub async fn confirm(state: &AppState, code: &str) -> Result<Vec<String>, AppError> {
    let session = auth::current_session(state).await?;
    let user = session.user;
    let pool = &state.pool;
    let pending = sf::totp(pool, &user.id)
        .await?
        .filter(|t| t.enabled_at.is_none())
        .ok_or_else(|| AppError::Conflict("Start setting up again: nothing is waiting for a code.".into()))?;
    let now = now_ms();
    let step = matching_step(&totp(&pending.secret, &user.email)?, code, now).ok_or_else(|| {
        AppError::Invalid("That code is not right. Type the 6 digits your app shows now.".into())
    })?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let mut tx = db::begin_write(pool).await?;
    if !sf::enable(&mut *tx, &user.id, &pending.secret, step, now).await? {
        return Err(AppError::Conflict(
            "Two-step sign-in changed a moment ago. Reload the page.".into(),
        ));
    }
    sf::clear_recovery_codes(&mut *tx, &user.id).await?;
    for c in &codes {
        sf::insert_recovery_code(&mut *tx, &user.id, &auth::hash_token(&normalize_recovery(c))).await?;
    }
    db::sessions::delete_others(&mut *tx, &user.id, &session.session_id).await?;
    let ip = auth::request_ip();
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::SECOND_FACTOR_ENABLED, &user.id, ip.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    auth::announce_sessions_ended(state, &user.id);
    Ok(codes)
}

/// Turns it off, given the password; refused where an organisation requires it of this person.
pub async fn disable(state: &AppState, password: &str) -> Result<(), AppError> {
    let user = auth::current_user(state).await?;
    if sf::required_for(&state.pool, &user.id).await? {
        return Err(AppError::NotAllowed(
            "Your organisation requires two-step sign-in for staff, so it stays on.".into(),
        ));
    }
    account::confirm_password(state, &user, password).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    sf::remove(&mut *tx, &user.id).await?;
    sf::clear_recovery_codes(&mut *tx, &user.id).await?;
    let ip = auth::request_ip();
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::SECOND_FACTOR_DISABLED, &user.id, ip.as_deref()),
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// After a right password: a challenge for the second factor, remembered by a strict cookie.
pub(crate) async fn challenge(state: &AppState, user_id: &str, ip: Option<&str>) -> Result<(), AppError> {
    let token = auth::new_token();
    let now = now_ms();
    sf::insert_challenge(
        &state.pool,
        &auth::hash_token(&token),
        user_id,
        ip,
        now + CHALLENGE_TTL_MS,
    )
    .await?;
    auth::set_strict_cookie(state, CHALLENGE_COOKIE, &token, CHALLENGE_TTL_MS / 1000);
    Ok(())
}

/// Completes the sign-in: the challenge must be live, and the code right (a code of a time
/// step not used before, or an unused recovery code).
pub async fn verify(state: &AppState, code: &str) -> Result<(), AppError> {
    if code.len() > 64 {
        return Err(AppError::Invalid("That code is not right.".into()));
    }
    let pool = &state.pool;
    let now = now_ms();
    let (token_hash, user_id) = pending(state).await?;
    let user = db::users::find_by_id(pool, &user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let stored = sf::totp(pool, &user_id).await?.filter(|t| t.enabled_at.is_some());
    let ip = auth::request_ip();
    let by_app = match &stored {
        Some(t) => match matching_step(&totp(&t.secret, &user.email)?, code, now) {
            Some(step) => sf::accept_step(pool, &user_id, step).await?,
            None => false,
        },
        None => false,
    };
    let accepted = by_app
        || sf::use_recovery_code(pool, &user_id, &auth::hash_token(&normalize_recovery(code)), now).await?;
    if !accepted {
        let entry = auth::sign_in_entry(
            audit::SECOND_FACTOR_FAILED,
            Some(&user_id),
            &user.email,
            ip.as_deref(),
        );
        audit::record(pool, entry, now).await?;
        return Err(AppError::Invalid(
            "That code is not right. Codes change every 30 seconds; each works once.".into(),
        ));
    }
    let method = if by_app {
        "authenticator app"
    } else {
        "recovery code"
    };
    finish_sign_in(state, &token_hash, &user_id, &user.email, method).await
}

const EXPIRED: &str = "This sign-in has expired or was tried too often. Sign in again with your password.";

/// The person a live second-factor challenge (this browser's cookie) is for, counting one try;
/// with the challenge's hash, to end it once answered.
pub(crate) async fn pending(state: &AppState) -> Result<(String, String), AppError> {
    let token = auth::request_cookie(CHALLENGE_COOKIE).ok_or_else(|| AppError::Conflict(EXPIRED.into()))?;
    let token_hash = auth::hash_token(&token);
    let user_id = sf::try_challenge(&state.pool, &token_hash, now_ms(), CHALLENGE_TRIES)
        .await?
        .ok_or_else(|| AppError::Conflict(EXPIRED.into()))?;
    Ok((token_hash, user_id))
}

/// The person a live second-factor challenge is for, without counting a try (a passkey
/// ceremony starting; its answer counts one).
pub(crate) async fn peek(state: &AppState) -> Result<String, AppError> {
    let token = auth::request_cookie(CHALLENGE_COOKIE).ok_or_else(|| AppError::Conflict(EXPIRED.into()))?;
    sf::peek_challenge(&state.pool, &auth::hash_token(&token), now_ms(), CHALLENGE_TRIES)
        .await?
        .ok_or_else(|| AppError::Conflict(EXPIRED.into()))
}

/// The second factor was right: ends the challenge (once: a second answer finds it gone) and
/// opens the session.
pub(crate) async fn finish_sign_in(
    state: &AppState,
    token_hash: &str,
    user_id: &str,
    email: &str,
    method: &'static str,
) -> Result<(), AppError> {
    let pool = &state.pool;
    if !sf::end_challenge(pool, token_hash).await? {
        return Err(AppError::Conflict(EXPIRED.into()));
    }
    let ip = auth::request_ip();
    let entry = audit::Entry {
        detail: Some(method),
        ..auth::sign_in_entry(audit::SIGN_IN, Some(user_id), email, ip.as_deref())
    };
    audit::record(pool, entry, now_ms()).await?;
    auth::set_strict_cookie(state, CHALLENGE_COOKIE, "", 0);
    auth::start_session(state, user_id, ip.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbouring_ones_only() {
        let t = totp(&Secret::generate().to_base32(), "a@b.test").unwrap();
        let now = 1_796_112_000_000;
        let code = t.generate(now_s(now)).to_string();
        let step = matching_step(&t, &code, now).unwrap();
        assert_eq!(step, now / 30_000);
        assert_eq!(
            matching_step(&t, &format!("{} {}", &code[..3], &code[3..]), now),
            Some(step)
        );
        assert_eq!(
            matching_step(&t, &code, now + 30_000),
            Some(step),
            "one step of drift"
        );
        assert_eq!(matching_step(&t, &code, now + 90_000), None);
        assert_eq!(matching_step(&t, "12345", now), None);
    }

    #[test]
    fn recovery_codes_are_typed_loosely() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 14);
        assert_eq!(
            normalize_recovery(&c.to_uppercase().replace('-', " ")),
            c.replace('-', "")
        );
    }
}
