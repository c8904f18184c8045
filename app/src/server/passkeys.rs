//! Passkeys (WebAuthn, verified by webauthn-rs). A signed-in person adds passkeys from their
//! account page; a passkey then signs them in on its own (the authenticator checks a PIN or
//! biometric: two factors in one), or serves as the second step after a password.
//!
//! Each ceremony has two requests: the first stores webauthn-rs's state under a random id and
//! gives the browser its options; the second takes that state back (once, within five minutes)
//! and checks the browser's answer against it. The state lives in the database, so any node
//! can finish a ceremony another began.

use super::db::{self, audit, passkeys as store};
use super::{auth, now_ms, second_factor, throttle, AppState};
use crate::error::AppError;
use crate::model::account::{PasskeyCeremony, PasskeySummary};
use serde::{de::DeserializeOwned, Serialize};
use webauthn_rs::prelude::*;

const CEREMONY_TTL_MS: i64 = 5 * 60_000;
/// Passkeys one person may hold.
pub const MAX_PER_PERSON: i64 = 10;
/// A browser's answer is a few kilobytes; anything far larger is not one.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Ceremonies begun from one address per throttle window (each stores a row).
const STARTS_PER_ADDRESS: i64 = 60;

const REGISTER: &str = "REGISTER";
const SIGN_IN: &str = "SIGN_IN";
const SECOND_STEP: &str = "SECOND_STEP";

const NOT_ACCEPTED: &str = "That passkey was not accepted. Try again, or sign in with your password.";
const EXPIRED: &str = "This passkey request has expired. Start again.";

/// The relying party: this Vigil, named by the host of its public URL.
fn relying_party(state: &AppState) -> Result<Webauthn, AppError> {
    let unusable = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "passkeys are unavailable: the public URL cannot be a WebAuthn origin");
        AppError::NotAllowed("Passkeys are not available on this server.".into())
    };
    let origin = Url::parse(&state.public_url).map_err(|e| unusable(&e))?;
    let rp_id = origin.host_str().ok_or_else(|| unusable(&"no host"))?.to_string();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| b.rp_name("Vigil").build())
        .map_err(|e| unusable(&e))
}

fn encode<T: Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "a passkey value did not serialise");
        AppError::Internal
    })
}

fn decode_stored<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|e| {
        tracing::error!(error = %e, "a stored passkey value is unreadable");
        AppError::Internal
    })
}

/// The browser's answer, refused with a reason when it is not one.
fn decode_answer<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    if text.len() > MAX_ANSWER_BYTES {
        return Err(AppError::Invalid("That passkey answer is too large.".into()));
    }
    serde_json::from_str(text).map_err(|_| AppError::Invalid("That is not a passkey answer.".into()))
}

/// How a credential id is kept and looked up.
fn credential_key(id: &[u8]) -> String {
    hex::encode(id)
}

async fn begin(
    state: &AppState,
    purpose: &str,
    user_id: Option<&str>,
    name: Option<&str>,
    ceremony_state: String,
    options: String,
) -> Result<PasskeyCeremony, AppError> {
    let id = auth::new_token();
    let new = store::NewCeremony {
        id: &id,
        purpose,
        user_id,
        name,
        state: &ceremony_state,
        expires_at: now_ms().saturating_add(CEREMONY_TTL_MS),
    };
    store::insert_ceremony(&state.pool, new).await?;
    Ok(PasskeyCeremony {
        ceremony: id,
        options,
    })
}

pub async fn list(state: &AppState) -> Result<Vec<PasskeySummary>, AppError> {
    let user = auth::current_user(state).await?;
    Ok(store::for_user(&state.pool, &user.id)
        .await?
        .into_iter()
        .map(|p| PasskeySummary {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        })
        .collect())
}

/// Starts adding a passkey called `name` to the signed-in person's account.
pub async fn register_start(state: &AppState, name: &str) -> Result<PasskeyCeremony, AppError> {
    let user = auth::current_user(state).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::Invalid(
            "Give the passkey a name of 1 to 60 characters, such as the device it is on.".into(),
        ));
    }
    let pool = &state.pool;
    let existing = store::for_user(pool, &user.id).await?;
    if i64::try_from(existing.len()).unwrap_or(i64::MAX) >= MAX_PER_PERSON {
        return Err(AppError::Conflict(format!(
            "You have {MAX_PER_PERSON} passkeys, the most an account may hold. Remove one first."
        )));
    }
    let handle = db::users::passkey_handle(pool, &user.id, &Uuid::new_v4().to_string())
        .await?
        .and_then(|h| Uuid::parse_str(&h).ok())
        .ok_or(AppError::Internal)?;
    let exclude = existing
        .iter()
        .map(|p| decode_stored::<Passkey>(&p.credential).map(|k| k.cred_id().clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let (options, registration) = relying_party(state)?
        .start_passkey_registration(handle, &user.email, &user.display_name, Some(exclude))
        .map_err(|e| {
            tracing::error!(error = %e, "starting a passkey registration failed");
            AppError::Internal
        })?;
    // Asked to be discoverable, so that the passkey alone can sign in later (no email typed).
    // webauthn-rs asks for none and does not check it afterwards.
    let mut public_key = serde_json::to_value(&options.public_key).map_err(|_| AppError::Internal)?;
    public_key["authenticatorSelection"]["residentKey"] = "preferred".into();
    let ceremony_state = encode(&registration)?;
    begin(
        state,
        REGISTER,
        Some(&user.id),
        Some(name),
        ceremony_state,
        encode(&public_key)?,
    )
    .await
}

/// Finishes adding a passkey with the browser's answer.
pub async fn register_finish(state: &AppState, ceremony: &str, answer: &str) -> Result<(), AppError> {
    let user = auth::current_user(state).await?;
    let answer: RegisterPublicKeyCredential = decode_answer(answer)?;
    let pool = &state.pool;
    let now = now_ms();
    let taken = store::take_ceremony(pool, ceremony, now)
        .await?
        .filter(|c| c.purpose == REGISTER && c.user_id.as_deref() == Some(user.id.as_str()))
        .ok_or_else(|| AppError::Conflict(EXPIRED.into()))?;
    let registration: PasskeyRegistration = decode_stored(&taken.state)?;
    let passkey = relying_party(state)?
        .finish_passkey_registration(&answer, &registration)
        .map_err(|e| {
            tracing::info!(user = %user.id, error = %e, "a passkey registration was refused");
            AppError::Invalid(
                "Your device's answer could not be verified. Try adding the passkey again.".into(),
            )
        })?;
    let credential_id = credential_key(passkey.cred_id());
    if store::credential_taken(pool, &credential_id).await? {
        return Err(AppError::Conflict("This passkey is already registered.".into()));
    }
    let name = taken.name.unwrap_or_else(|| "Passkey".into());
    let ip = auth::request_ip();
    let mut tx = db::begin_write(pool).await?;
    let new = store::NewPasskey {
        user_id: &user.id,
        credential_id: &credential_id,
        name: &name,
        credential: &encode(&passkey)?,
    };
    if !store::insert(&mut *tx, new, MAX_PER_PERSON, now).await? {
        return Err(AppError::Conflict(format!(
            "You have {MAX_PER_PERSON} passkeys, the most an account may hold. Remove one first."
        )));
    }
    let entry = audit::Entry {
        detail: Some(&name),
        ..audit::Entry::own_account(audit::PASSKEY_ADDED, &user.id, ip.as_deref())
    };
    audit::record(&mut *tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of the person's passkeys (not the last second factor where one is required).
pub async fn remove(state: &AppState, passkey_id: &str) -> Result<(), AppError> {
    let user = auth::current_user(state).await?;
    let pool = &state.pool;
    let required = db::second_factor::required_for(pool, &user.id).await?;
    let ip = auth::request_ip();
    let mut tx = db::begin_write(pool).await?;
    let Some(name) = store::remove(&mut *tx, &user.id, passkey_id, required).await? else {
        let theirs = store::for_user(&mut *tx, &user.id)
            .await?
            .iter()
            .any(|p| p.id == passkey_id);
        return Err(if theirs {
            AppError::NotAllowed(
                "Your organisation requires a second factor for staff, and this is your last one. Add another passkey or an authenticator app first.".into(),
            )
        } else {
            AppError::NotFound("That passkey is not on your account.".into())
        });
    };
    let entry = audit::Entry {
        detail: Some(&name),
        ..audit::Entry::own_account(audit::PASSKEY_REMOVED, &user.id, ip.as_deref())
    };
    audit::record(&mut *tx, entry, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts signing in with a passkey: on its own (`second_step` false: the passkey says whose it
/// is), or as the second step after a right password (this browser's pending challenge).
pub async fn sign_in_start(state: &AppState, second_step: bool) -> Result<PasskeyCeremony, AppError> {
    let pool = &state.pool;
    let now = now_ms();
    let address = auth::request_ip().unwrap_or_else(|| "unknown".into());
    let started = db::throttle::bump(
        pool,
        &format!("passkey:{address}"),
        now,
        now - throttle::WINDOW_MS,
    )
    .await?;
    if started > STARTS_PER_ADDRESS {
        return Err(AppError::TooManyRequests(
            "Too many passkey sign-ins from your network. Wait a few minutes and try again.".into(),
        ));
    }
    let rp = relying_party(state)?;
    let failed = |e: WebauthnError| {
        tracing::error!(error = %e, "starting a passkey sign-in failed");
        AppError::Internal
    };
    if second_step {
        let user_id = second_factor::peek(state).await?;
        let keys = store::for_user(pool, &user_id)
            .await?
            .iter()
            .map(|p| decode_stored::<Passkey>(&p.credential))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(AppError::Conflict(
                "Your account has no passkey. Use your code instead.".into(),
            ));
        }
        let (options, authentication) = rp.start_passkey_authentication(&keys).map_err(failed)?;
        let ceremony_state = encode(&authentication)?;
        begin(
            state,
            SECOND_STEP,
            Some(&user_id),
            None,
            ceremony_state,
            encode(&options.public_key)?,
        )
        .await
    } else {
        let (options, authentication) = rp.start_discoverable_authentication().map_err(failed)?;
        let ceremony_state = encode(&authentication)?;
        begin(
            state,
            SIGN_IN,
            None,
            None,
            ceremony_state,
            encode(&options.public_key)?,
        )
        .await
    }
}

/// Finishes a passkey sign-in with the browser's answer and opens the session.
pub async fn sign_in_finish(state: &AppState, ceremony: &str, answer: &str) -> Result<(), AppError> {
    let answer: PublicKeyCredential = decode_answer(answer)?;
    let pool = &state.pool;
    let now = now_ms();
    let taken = store::take_ceremony(pool, ceremony, now)
        .await?
        .filter(|c| c.purpose == SIGN_IN || c.purpose == SECOND_STEP)
        .ok_or_else(|| AppError::Conflict(EXPIRED.into()))?;
    let rp = relying_party(state)?;
    let refused = |e: WebauthnError| {
        tracing::info!(error = %e, "a passkey sign-in was refused");
        AppError::Invalid(NOT_ACCEPTED.into())
    };
    // Whose passkey answered, found by the user handle it carries (on its own) or by the
    // pending challenge (second step).
    let (user, second_step) = if taken.purpose == SECOND_STEP {
        let (token_hash, user_id) = second_factor::pending(state).await?;
        if taken.user_id.as_deref() != Some(user_id.as_str()) {
            return Err(AppError::Conflict(EXPIRED.into()));
        }
        (db::users::find_by_id(pool, &user_id).await?, Some(token_hash))
    } else {
        let (handle, _) = rp
            .identify_discoverable_authentication(&answer)
            .map_err(refused)?;
        (
            db::users::find_by_passkey_handle(pool, &handle.to_string()).await?,
            None,
        )
    };
    let user = user.ok_or_else(|| AppError::Invalid(NOT_ACCEPTED.into()))?;
    let stored = store::find(pool, &user.id, &credential_key(answer.get_credential_id()))
        .await?
        .ok_or_else(|| AppError::Invalid(NOT_ACCEPTED.into()))?;
    let mut passkey: Passkey = decode_stored(&stored.credential)?;
    let result = match &second_step {
        Some(_) => {
            let authentication: PasskeyAuthentication = decode_stored(&taken.state)?;
            rp.finish_passkey_authentication(&answer, &authentication)
        }
        None => {
            let authentication: DiscoverableAuthentication = decode_stored(&taken.state)?;
            rp.finish_discoverable_authentication(&answer, authentication, &[(&passkey).into()])
        }
    };
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            record(state, audit::SIGN_IN_FAILED, &user, now).await?;
            return Err(refused(e));
        }
    };
    passkey.update_credential(&result);
    store::used(pool, &stored.id, &encode(&passkey)?, now).await?;
    if db::orgs::only_in_suspended(pool, &user.id).await? {
        return Err(AppError::NotAllowed(auth::SUSPENDED.into()));
    }
    match second_step {
        Some(token_hash) => {
            second_factor::finish_sign_in(state, &token_hash, &user.id, &user.email, "passkey").await
        }
        None => {
            record(state, audit::SIGN_IN, &user, now).await?;
            auth::start_session(state, &user.id, auth::request_ip().as_deref()).await
        }
    }
}

/// Audits a passkey sign-in (or its failure) of `user`.
async fn record(
    state: &AppState,
    action: &'static str,
    user: &db::users::UserRow,
    now: i64,
) -> Result<(), AppError> {
    let ip = auth::request_ip();
    let entry = auth::sign_in_entry(action, Some(&user.id), &user.email, ip.as_deref());
    let entry = audit::Entry {
        detail: Some("passkey"),
        ..entry
    };
    Ok(audit::record(&state.pool, entry, now).await?)
}
