//! A person's own account: their name, their password, and the sessions signed in as them.

use super::db::{self, audit};
use super::{auth, now_ms, throttle, AppState};
use crate::error::AppError;
use crate::model::account::{describe_device, MySession};

pub async fn sessions(state: &AppState) -> Result<Vec<MySession>, AppError> {
    let current = auth::current_session(state).await?;
    let now = now_ms();
    let rows = db::sessions::list_for_user(
        &state.pool,
        &current.user.id,
        now,
        now.saturating_sub(state.sessions.idle_ms),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MySession {
            current: r.id == current.session_id,
            device: describe_device(r.user_agent.as_deref()),
            id: r.id,
            started_at: r.created_at,
            last_used_at: r.last_seen_at,
            address: r.ip,
        })
        .collect())
}

/// Signs one of the person's sessions out (a lost laptop, a library computer).
pub async fn end_session(state: &AppState, session_id: &str) -> Result<(), AppError> {
    let user = auth::current_user(state).await?;
    if !db::sessions::delete_for_user(&state.pool, &user.id, session_id).await? {
        return Err(AppError::NotFound("That session has already ended.".into()));
    }
    let ip = auth::request_ip();
    audit::record(
        &state.pool,
        audit::Entry::own_account(audit::SESSION_ENDED, &user.id, ip.as_deref()),
        now_ms(),
    )
    .await?;
    auth::announce_sessions_ended(state, &user.id);
    Ok(())
}

pub async fn set_display_name(state: &AppState, display_name: &str) -> Result<String, AppError> {
    let user = auth::current_user(state).await?;
    let name = shared::validation::normalize_display_name(display_name).map_err(AppError::Invalid)?;
    let mut tx = db::begin_write(&state.pool).await?;
    db::users::set_display_name(&mut *tx, &user.id, &name).await?;
    let ip = auth::request_ip();
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::PROFILE_CHANGED, &user.id, ip.as_deref()),
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(name)
}

/// Changes the password, given the current one; every other session of the person ends (one
/// that someone else opened with the old password must not outlive it). A wrong current
/// password counts as a failed sign-in, so this is no way around the sign-in throttle.
pub async fn change_password(state: &AppState, current: &str, new: &str) -> Result<u64, AppError> {
    let session = auth::current_session(state).await?;
    let user = session.user;
    super::password_policy::check_new(new, &[&user.email, &user.display_name])?;
    if new == current {
        return Err(AppError::Invalid(
            "Choose a password different from your current one.".into(),
        ));
    }
    let pool = &state.pool;
    let now = now_ms();
    let ip = auth::request_ip();
    let gate = throttle::before_sign_in(pool, &user.email, ip.as_deref().unwrap_or("unknown"), now).await?;
    let (attempt, hash, new_plain) = (current.to_string(), user.password_hash.clone(), new.to_string());
    // The new hash is made only once the current password is verified.
    let new_hash = auth::argon2_blocking(move || {
        auth::verify_password(&attempt, &hash).then(|| auth::hash_password(&new_plain))
    })
    .await?;
    let Some(new_hash) = new_hash.transpose()? else {
        throttle::after_failure(pool, &gate, now).await?;
        return Err(AppError::Invalid("Your current password is not right.".into()));
    };
    throttle::after_success(pool, &gate).await?;
    let mut tx = db::begin_write(pool).await?;
    if !db::users::replace_password(&mut *tx, &user.id, &user.password_hash, &new_hash).await? {
        return Err(AppError::Conflict(
            "Your password was changed elsewhere a moment ago. Sign in again with the new one.".into(),
        ));
    }
    let ended = db::sessions::delete_others(&mut *tx, &user.id, &session.session_id).await?;
    let detail = format!("{{\"other_sessions_ended\":{ended}}}");
    let entry = audit::Entry {
        detail: Some(&detail),
        ..audit::Entry::own_account(audit::PASSWORD_CHANGED, &user.id, ip.as_deref())
    };
    audit::record(&mut *tx, entry, now).await?;
    tx.commit().await?;
    auth::announce_sessions_ended(state, &user.id);
    Ok(ended)
}

/// Checks a signed-in person's password again before something that cannot be undone. A wrong
/// one counts as a failed sign-in, like any other guess.
pub async fn confirm_password(
    state: &AppState,
    user: &db::users::UserRow,
    password: &str,
) -> Result<(), AppError> {
    let pool = &state.pool;
    let now = now_ms();
    let ip = auth::request_ip();
    let gate = throttle::before_sign_in(pool, &user.email, ip.as_deref().unwrap_or("unknown"), now).await?;
    let (attempt, hash) = (password.to_string(), user.password_hash.clone());
    if auth::argon2_blocking(move || auth::verify_password(&attempt, &hash)).await? {
        throttle::after_success(pool, &gate).await?;
        Ok(())
    } else {
        throttle::after_failure(pool, &gate, now).await?;
        Err(AppError::Invalid("Your password is not right.".into()))
    }
}
