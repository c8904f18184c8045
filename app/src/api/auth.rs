use crate::error::AppError;
use crate::model::account::PasskeyCeremony;
use crate::model::{Me, SignInOutcome};
use leptos::prelude::*;

/// The signed-in user, or `None` for a visitor.
#[server(prefix = "/api", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::server::{auth, respond, state};
    respond(
        async {
            match auth::me(&state()?).await {
                Ok(me) => Ok(Some(me)),
                Err(AppError::Unauthenticated) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// Signs in with a password. With a second factor set up, the answer is `SecondFactor` and
/// [`verify_second_factor`] completes the sign-in.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<SignInOutcome, AppError> {
    use crate::server::{auth, respond, state};
    respond(async { auth::sign_in(&state()?, &email, &password).await }.await)
}

/// Makes an account; it signs in once its owner follows the emailed link ([`confirm_email`]).
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(email: String, display_name: String, password: String) -> Result<(), AppError> {
    use crate::server::{auth, respond, state};
    respond(async { auth::sign_up(&state()?, &email, &display_name, &password).await }.await)
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{auth, respond, state};
    respond(async { auth::sign_out(&state()?).await }.await)
}

/// Completes a sign-in that asked for a second factor: a code from the authenticator app or an
/// unused recovery code.
#[server(prefix = "/api", endpoint = "verify_second_factor")]
pub async fn verify_second_factor(code: String) -> Result<(), AppError> {
    use crate::server::{respond, second_factor, state};
    respond(async { second_factor::verify(&state()?, &code).await }.await)
}

/// Whether the sign-up form is open (otherwise accounts come by invitation only).
#[server(prefix = "/api", endpoint = "sign_up_open")]
pub async fn sign_up_open() -> Result<bool, AppError> {
    use crate::server::{auth, respond, state};
    respond(async { auth::sign_up_open(&state()?).await }.await)
}

/// Follows the link a sign-up emailed: proves the address and signs in.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::server::{email_verification, respond, state};
    respond(async { email_verification::confirm(&state()?, &token).await }.await)
}

/// Starts a passkey sign-in: on its own, or (`second_step`) after a right password.
#[server(prefix = "/api", endpoint = "begin_passkey_sign_in")]
pub async fn begin_passkey_sign_in(second_step: bool) -> Result<PasskeyCeremony, AppError> {
    use crate::server::{passkeys, respond, state};
    respond(async { passkeys::sign_in_start(&state()?, second_step).await }.await)
}

/// Finishes a passkey sign-in with the browser's answer (its `toJSON()` form).
#[server(prefix = "/api", endpoint = "passkey_sign_in")]
pub async fn passkey_sign_in(ceremony: String, answer: String) -> Result<(), AppError> {
    use crate::server::{passkeys, respond, state};
    respond(async { passkeys::sign_in_finish(&state()?, &ceremony, &answer).await }.await)
}
