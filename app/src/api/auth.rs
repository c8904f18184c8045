use crate::error::AppError;
use crate::model::Me;
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

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
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
