//! The signed-in person's own account. Thin doors onto [`crate::server::account`].

use crate::error::AppError;
use crate::model::account::{
    DeletionRequest, MySession, PasskeyCeremony, PasskeySummary, SecondFactorSetup, SecondFactorStatus,
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<MySession>, AppError> {
    use crate::server::{account, respond, state};
    respond(async { account::sessions(&state()?).await }.await)
}

#[server(prefix = "/api", endpoint = "end_my_session")]
pub async fn end_my_session(session_id: String) -> Result<(), AppError> {
    use crate::server::{account, respond, state};
    respond(async { account::end_session(&state()?, &session_id).await }.await)
}

#[server(prefix = "/api", endpoint = "set_display_name")]
pub async fn set_display_name(display_name: String) -> Result<String, AppError> {
    use crate::server::{account, respond, state};
    respond(async { account::set_display_name(&state()?, &display_name).await }.await)
}

/// Returns how many other sessions were signed out.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<u64, AppError> {
    use crate::server::{account, respond, state};
    respond(async { account::change_password(&state()?, &current_password, &new_password).await }.await)
}

/// Sends a reset link if the address has an account; answers the same either way.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{password_reset, respond, state};
    respond(async { password_reset::request(&state()?, &email).await }.await)
}

#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server::{password_reset, respond, state};
    respond(async { password_reset::complete(&state()?, &token, &new_password).await }.await)
}

#[server(prefix = "/api", endpoint = "my_deletion_request")]
pub async fn my_deletion_request() -> Result<DeletionRequest, AppError> {
    use crate::server::{privacy, respond, state};
    respond(async { privacy::my_request(&state()?).await }.await)
}

/// Asks for the caller's account to be deleted (their password again, as for any step that
/// cannot be undone).
#[server(prefix = "/api", endpoint = "request_account_deletion")]
pub async fn request_account_deletion(password: String) -> Result<DeletionRequest, AppError> {
    use crate::server::{privacy, respond, state};
    respond(async { privacy::request_deletion(&state()?, &password).await }.await)
}

#[server(prefix = "/api", endpoint = "second_factor_status")]
pub async fn get_second_factor_status() -> Result<SecondFactorStatus, AppError> {
    use crate::server::{respond, second_factor, state};
    respond(async { second_factor::status(&state()?).await }.await)
}

/// A new authenticator secret, waiting for its first code.
#[server(prefix = "/api", endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<SecondFactorSetup, AppError> {
    use crate::server::{respond, second_factor, state};
    respond(async { second_factor::begin(&state()?).await }.await)
}

/// Turns two-step sign-in on with a first code; returns the recovery codes (shown once).
#[server(prefix = "/api", endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(code: String) -> Result<Vec<String>, AppError> {
    use crate::server::{respond, second_factor, state};
    respond(async { second_factor::confirm(&state()?, &code).await }.await)
}

#[server(prefix = "/api", endpoint = "disable_second_factor")]
pub async fn disable_second_factor(password: String) -> Result<(), AppError> {
    use crate::server::{respond, second_factor, state};
    respond(async { second_factor::disable(&state()?, &password).await }.await)
}

#[server(prefix = "/api", endpoint = "my_passkeys")]
pub async fn my_passkeys() -> Result<Vec<PasskeySummary>, AppError> {
    use crate::server::{passkeys, respond, state};
    respond(async { passkeys::list(&state()?).await }.await)
}

/// Starts adding a passkey: the options for `navigator.credentials.create`.
#[server(prefix = "/api", endpoint = "begin_passkey")]
pub async fn begin_passkey(name: String) -> Result<PasskeyCeremony, AppError> {
    use crate::server::{passkeys, respond, state};
    respond(async { passkeys::register_start(&state()?, &name).await }.await)
}

/// Finishes adding a passkey with the browser's answer (its `toJSON()` form).
#[server(prefix = "/api", endpoint = "add_passkey")]
pub async fn add_passkey(ceremony: String, answer: String) -> Result<(), AppError> {
    use crate::server::{passkeys, respond, state};
    respond(async { passkeys::register_finish(&state()?, &ceremony, &answer).await }.await)
}

#[server(prefix = "/api", endpoint = "remove_passkey")]
pub async fn remove_passkey(passkey_id: String) -> Result<(), AppError> {
    use crate::server::{passkeys, respond, state};
    respond(
        async {
            super::check_id(&passkey_id)?;
            passkeys::remove(&state()?, &passkey_id).await
        }
        .await,
    )
}
