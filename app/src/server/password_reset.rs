//! Forgotten passwords: a single-use link by email, valid for 30 minutes. Asking gets the same
//! answer whether or not the address has an account; using the link sets the password, ends
//! every session and retires every other link.

use super::db::{self, audit, emailed_links::Link};
use super::{auth, mail, now_ms, throttle, AppState};
use crate::error::AppError;

const LINK_VALID_MS: i64 = 30 * 60 * 1000;

fn message(link: &str) -> mail::Composed {
    mail::Composed {
        subject: "Reset your Vigil password".into(),
        body: format!(
            "Hello,\n\nSomeone (we hope you) asked to reset the password of your Vigil account.\n\n\
             Choose a new password here:\n{link}\n\n\
             The link works once, for 30 minutes. If you did not ask, ignore this message: your \
             password stays as it is.\n"
        ),
    }
}

pub async fn request(state: &AppState, email: &str) -> Result<(), AppError> {
    let email = shared::validation::normalize_email(email).map_err(AppError::Invalid)?;
    let now = now_ms();
    let ip = auth::request_ip();
    let pool = &state.pool;
    throttle::before_reset(pool, &email, ip.as_deref().unwrap_or("unknown"), now).await?;
    let Some(user) = db::users::find_by_email(pool, &email).await? else {
        return Ok(());
    };
    let token = auth::new_token();
    let composed = message(&format!("{}/reset/{token}", state.public_url));
    let mut tx = db::begin_write(pool).await?;
    db::emailed_links::insert(
        &mut *tx,
        Link::PasswordReset,
        &user.id,
        &auth::hash_token(&token),
        now,
        now + LINK_VALID_MS,
    )
    .await?;
    db::outbox::insert(&mut *tx, &email, &composed.subject, &composed.body, now).await?;
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::PASSWORD_RESET_REQUESTED, &user.id, ip.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    mail::log_queued(&state.mail, &email, &composed);
    state.mail.wake();
    Ok(())
}

pub async fn complete(state: &AppState, token: &str, new_password: &str) -> Result<(), AppError> {
    super::password_policy::check_new(new_password, &[])?;
    let plain = new_password.to_string();
    let hash = auth::argon2_blocking(move || auth::hash_password(&plain)).await??;
    let now = now_ms();
    let ip = auth::request_ip();
    let mut tx = db::begin_write(&state.pool).await?;
    let Some(user_id) =
        db::emailed_links::take(&mut *tx, Link::PasswordReset, &auth::hash_token(token), now).await?
    else {
        return Err(AppError::Invalid(
            "This reset link has expired or was already used. Ask for a new one.".into(),
        ));
    };
    db::users::set_password(&mut *tx, &user_id, &hash).await?;
    // The link came to the address, which proves it.
    db::users::mark_email_verified(&mut *tx, &user_id, now).await?;
    db::emailed_links::retire_for_user(&mut *tx, Link::PasswordReset, &user_id, now).await?;
    db::sessions::delete_all(&mut *tx, &user_id).await?;
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::PASSWORD_RESET, &user_id, ip.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    auth::announce_sessions_ended(state, &user_id);
    Ok(())
}
