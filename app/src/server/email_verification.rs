//! Proving a new account's address. Signing up sends a single-use link (a day long); the account
//! cannot sign in until it is followed, and following it signs the person in. Signing up with an
//! address that already has an account gets the same answer, and its owner a note instead, so
//! the form tells no one who has an account.

use super::db::{self, audit, emailed_links::Link};
use super::{auth, mail, now_ms, AppState};
use crate::error::AppError;
use sqlx::AnyPool;

const LINK_VALID_MS: i64 = 24 * 60 * 60 * 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;
/// Links (or notes) sent to one account per hour, whatever asks for them.
pub const SENDS_PER_HOUR: i64 = 3;

pub const NOT_VERIFIED: &str =
    "Confirm your email address first: follow the link we sent you (it may be in your spam folder).";

fn verification_message(link: &str) -> mail::Composed {
    mail::Composed {
        subject: "Confirm your email address for Vigil".into(),
        body: format!(
            "Hello,\n\nSomeone (we hope you) made a Vigil account with this address.\n\n\
             Confirm the address and sign in here:\n{link}\n\n\
             The link works once, for 24 hours. If it was not you, ignore this message: the \
             account stays unusable and nothing is sent again.\n"
        ),
    }
}

fn already_registered_message(public_url: &str) -> mail::Composed {
    mail::Composed {
        subject: "You already have a Vigil account".into(),
        body: format!(
            "Hello,\n\nSomeone (we hope you) tried to make a new Vigil account with this address, \
             but it already has one.\n\nSign in here: {public_url}/signin\n\
             Forgotten the password? Ask for a new one: {public_url}/forgot\n\n\
             If it was not you, ignore this message: nothing has changed.\n"
        ),
    }
}

/// Counts one message to `user_id`'s address; false past the hourly limit (the person asking
/// learns nothing from it: the answer they see is the same).
async fn may_send(pool: &AnyPool, key: &str, now: i64) -> Result<bool, AppError> {
    let sent = db::throttle::bump(pool, &format!("mail:{key}"), now, now - HOUR_MS).await?;
    Ok(sent <= SENDS_PER_HOUR)
}

/// Queues a verification link for a new account, in the transaction that makes it.
pub(crate) async fn queue_link(
    tx: &mut crate::server::db::WriteTx,
    public_url: &str,
    user_id: &str,
    email: &str,
    now: i64,
) -> Result<mail::Composed, AppError> {
    let token = auth::new_token();
    let composed = verification_message(&format!("{public_url}/verify-email/{token}"));
    db::emailed_links::insert(
        &mut **tx,
        Link::EmailVerification,
        user_id,
        &auth::hash_token(&token),
        now,
        now + LINK_VALID_MS,
    )
    .await?;
    db::outbox::insert(&mut **tx, email, &composed.subject, &composed.body, now).await?;
    Ok(composed)
}

/// A right password for an account whose address is not proven yet: a fresh link goes out
/// (within the hourly limit), and the answer says what to do.
pub(crate) async fn resend_link(state: &AppState, user_id: &str, email: &str) -> Result<AppError, AppError> {
    let now = now_ms();
    if may_send(&state.pool, user_id, now).await? {
        let mut tx = db::begin_write(&state.pool).await?;
        let composed = queue_link(&mut tx, &state.public_url, user_id, email, now).await?;
        tx.commit().await?;
        mail::log_queued(&state.mail, email, &composed);
        state.mail.wake();
    }
    Ok(AppError::NotAllowed(format!(
        "{NOT_VERIFIED} We have sent a new link to {email}."
    )))
}

/// Someone signed up with an address that has an account: its owner gets a note (within the
/// hourly limit).
pub(crate) async fn note_existing(state: &AppState, user_id: &str, email: &str) -> Result<(), AppError> {
    let now = now_ms();
    if !may_send(&state.pool, user_id, now).await? {
        return Ok(());
    }
    let composed = already_registered_message(&state.public_url);
    db::outbox::insert(&state.pool, email, &composed.subject, &composed.body, now).await?;
    mail::log_queued(&state.mail, email, &composed);
    state.mail.wake();
    Ok(())
}

/// Follows a link: proves the address and signs the person in.
pub async fn confirm(state: &AppState, token: &str) -> Result<(), AppError> {
    let now = now_ms();
    let ip = auth::request_ip();
    let mut tx = db::begin_write(&state.pool).await?;
    let Some(user_id) =
        db::emailed_links::take(&mut *tx, Link::EmailVerification, &auth::hash_token(token), now).await?
    else {
        return Err(AppError::Invalid(
            "This link has expired or was already used. Sign in with your password to get a new one.".into(),
        ));
    };
    db::users::mark_email_verified(&mut *tx, &user_id, now).await?;
    db::emailed_links::retire_for_user(&mut *tx, Link::EmailVerification, &user_id, now).await?;
    audit::record(
        &mut *tx,
        audit::Entry::own_account(audit::EMAIL_VERIFIED, &user_id, ip.as_deref()),
        now,
    )
    .await?;
    tx.commit().await?;
    if db::orgs::only_in_suspended(&state.pool, &user_id).await? {
        return Ok(());
    }
    auth::start_session(state, &user_id, ip.as_deref()).await
}
