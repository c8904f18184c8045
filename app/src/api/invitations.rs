//! The candidate's side of an invitation: what the link leads to, and accepting it.

use crate::error::AppError;
use crate::model::InvitationView;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::server::{invitations, respond, state};
    respond(async { invitations::view(&state()?, &token).await }.await)
}

/// Accepts an invitation. `display_name` and `password` create the account when the invited
/// address has none; otherwise the invited person must be signed in. Returns the exam's id.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: Option<String>,
    password: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{invitations, respond, state};
    respond(
        async {
            invitations::accept(
                &state()?,
                &token,
                display_name.as_deref().unwrap_or(""),
                password.as_deref().unwrap_or(""),
            )
            .await
        }
        .await,
    )
}
