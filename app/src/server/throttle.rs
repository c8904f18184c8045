//! How often people may try to sign in and sign up.
//!
//! Sign-in attempts are counted per account *and address* pair: a stranger who types a
//! candidate's email wrongly over and over locks only themselves out, not the candidate on
//! their own network before an exam. Two wider limits stop the obvious abuses: one address
//! trying many accounts (spraying), and many addresses trying one account (a botnet), which
//! meets a growing delay per attempt — never a lockout — except from addresses the account has
//! signed in from before. Each attempt is counted before its password is checked, in one
//! statement, so parallel requests cannot all slip under a limit.

use super::db::{self, audit};
use crate::error::AppError;
use sqlx::AnyPool;

/// Attempts are counted over this window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Attempts at one account from one address per window.
pub const PAIR_LIMIT: i64 = 5;
/// Attempts from one address at any accounts per window (several people may share one).
pub const ADDRESS_LIMIT: i64 = 30;
/// Failures at one account from anywhere before each further attempt waits.
pub const ACCOUNT_FREE_FAILURES: i64 = 10;
/// The longest wait between attempts at one account.
pub const ACCOUNT_MAX_DELAY_MS: i64 = 60_000;
/// An address the account signed in from within this period skips the account-wide delay.
const KNOWN_ADDRESS_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// Accounts made from one address per hour.
pub const SIGN_UP_LIMIT: i64 = 20;
const SIGN_UP_WINDOW_MS: i64 = 60 * 60 * 1000;

/// The wait before the next attempt at an account that has failed `failures` times: none up
/// to the free failures, then doubling from one second, capped.
pub fn account_delay_ms(failures: i64) -> i64 {
    let over = failures.saturating_sub(ACCOUNT_FREE_FAILURES);
    if over < 0 {
        return 0;
    }
    // 2^over seconds; past 2^16 the cap applies anyway.
    let factor = 1i64 << over.min(16);
    factor.saturating_mul(1000).min(ACCOUNT_MAX_DELAY_MS)
}

/// The keys one sign-in attempt is counted under.
pub struct SignInGate {
    pair: String,
    address: String,
    account: String,
}

fn too_many(wait_ms: i64) -> AppError {
    let minutes = (wait_ms + 59_999) / 60_000;
    let seconds = (wait_ms + 999) / 1000;
    let wait = if seconds <= 1 {
        "a second".to_string()
    } else if wait_ms < 60_000 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "a minute".to_string()
    } else {
        format!("{minutes} minutes")
    };
    AppError::TooManyRequests(format!(
        "Too many sign-in attempts. Wait {wait} and try again, or ask for a new password."
    ))
}

/// Counts a sign-in attempt at `email` from `address`, refusing it when a limit is reached.
pub async fn before_sign_in(
    pool: &AnyPool,
    email: &str,
    address: &str,
    now: i64,
) -> Result<SignInGate, AppError> {
    let window_from = now - WINDOW_MS;
    let gate = SignInGate {
        pair: format!("pair:{email} {address}"),
        address: format!("address:{address}"),
        account: format!("account:{email}"),
    };
    let pair = db::throttle::bump(pool, &gate.pair, now, window_from).await?;
    let from_address = db::throttle::bump(pool, &gate.address, now, window_from).await?;
    if pair > PAIR_LIMIT || from_address > ADDRESS_LIMIT {
        return Err(too_many(WINDOW_MS));
    }
    let (failures, next_at) = db::throttle::read(pool, &gate.account, window_from).await?;
    if failures >= ACCOUNT_FREE_FAILURES {
        let known =
            audit::count_for_subject_from(pool, audit::SIGN_IN, email, address, now - KNOWN_ADDRESS_MS)
                .await?
                > 0;
        // Hold the turn for the longest delay until this attempt's outcome sets the real one,
        // so parallel attempts cannot share it.
        if !known && !db::throttle::take_turn(pool, &gate.account, now, now + ACCOUNT_MAX_DELAY_MS).await? {
            return Err(too_many(next_at.saturating_sub(now).max(1000)));
        }
    }
    Ok(gate)
}

/// Records a wrong password: the account's failures grow, and so does its delay.
pub async fn after_failure(pool: &AnyPool, gate: &SignInGate, now: i64) -> Result<(), AppError> {
    let failures = db::throttle::bump(pool, &gate.account, now, now - WINDOW_MS).await?;
    db::throttle::set_next(pool, &gate.account, now + account_delay_ms(failures)).await?;
    Ok(())
}

/// A right password clears the pair's and the account's counts, and gives the address its
/// attempt back (a lecture hall behind one address signs in all at once).
pub async fn after_success(pool: &AnyPool, gate: &SignInGate) -> Result<(), AppError> {
    db::throttle::clear(pool, &gate.pair).await?;
    db::throttle::give_back(pool, &gate.address).await?;
    db::throttle::clear(pool, &gate.account).await?;
    Ok(())
}

/// Counts an account made from `address`, refusing it past the hourly limit.
pub async fn before_sign_up(pool: &AnyPool, address: &str, now: i64) -> Result<(), AppError> {
    let made = db::throttle::bump(pool, &format!("signup:{address}"), now, now - SIGN_UP_WINDOW_MS).await?;
    if made > SIGN_UP_LIMIT {
        return Err(AppError::TooManyRequests(
            "Too many accounts were made from your network in the last hour. Try again later.".into(),
        ));
    }
    Ok(())
}

/// Reset links asked for from one address, and for one email, per hour.
pub const RESET_LIMIT_PER_ADDRESS: i64 = 10;
pub const RESET_LIMIT_PER_EMAIL: i64 = 3;

/// Counts a reset link asked for `email` from `address`. The count per email exists whether or
/// not the account does, so a refusal says nothing about who has an account.
pub async fn before_reset(pool: &AnyPool, email: &str, address: &str, now: i64) -> Result<(), AppError> {
    let window_from = now - SIGN_UP_WINDOW_MS;
    let from_address =
        db::throttle::bump(pool, &format!("reset-address:{address}"), now, window_from).await?;
    let for_email = db::throttle::bump(pool, &format!("reset-email:{email}"), now, window_from).await?;
    if from_address > RESET_LIMIT_PER_ADDRESS || for_email > RESET_LIMIT_PER_EMAIL {
        return Err(AppError::TooManyRequests(
            "Too many reset links were asked for. Wait an hour, then try again.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_starts_after_the_free_failures_and_is_capped() {
        assert_eq!(account_delay_ms(0), 0);
        assert_eq!(account_delay_ms(ACCOUNT_FREE_FAILURES - 1), 0);
        assert_eq!(account_delay_ms(ACCOUNT_FREE_FAILURES), 1000);
        assert_eq!(account_delay_ms(ACCOUNT_FREE_FAILURES + 2), 4000);
        assert_eq!(account_delay_ms(ACCOUNT_FREE_FAILURES + 40), ACCOUNT_MAX_DELAY_MS);
        assert_eq!(account_delay_ms(i64::MAX), ACCOUNT_MAX_DELAY_MS);
        assert_eq!(account_delay_ms(i64::MIN), 0);
    }

    #[test]
    fn waits_are_told_in_words() {
        assert!(too_many(4000).to_string().contains("4 seconds"));
        assert!(too_many(1000).to_string().contains("Wait a second"));
        assert!(too_many(60_000).to_string().contains("a minute"));
        assert!(too_many(WINDOW_MS).to_string().contains("15 minutes"));
    }
}
