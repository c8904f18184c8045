use crate::error::AppError;
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
