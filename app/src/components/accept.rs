//! What every invitation page (to an exam, to an organisation's staff) asks before it is
//! accepted: signing in as the invited address, or creating its account.

use leptos::prelude::*;

/// For an address that has an account: sign in with it (out of another one first).
#[component]
pub fn SignInToAccept(email: String, signed_in_as: Option<String>, next: String) -> impl IntoView {
    let other = signed_in_as.map(|who| {
        view! {
            <p class="notice notice-warning" role="status">
                {format!("You are signed in as {who}. Sign out first, then sign in as {email}.")}
            </p>
        }
    });
    view! {
        {other}
        <p>{format!("{email} already has a Vigil account. Sign in with it to accept.")}</p>
        <a class="btn btn-primary" href=format!("/signin?next={next}")>"Sign in to accept"</a>
    }
}

/// The fields that create the invited address's account (inside the accepting form).
#[component]
pub fn NewAccountFields(email: String) -> impl IntoView {
    view! {
        <p>{format!("Create your account for {email} to accept.")}</p>
        <label for="invite-name">"Your name"</label>
        <input id="invite-name" name="display_name" type="text" autocomplete="name" required />
        <label for="invite-password">"Choose a password"</label>
        <input id="invite-password" name="password" type="password" autocomplete="new-password"
            minlength=shared::validation::MIN_PASSWORD_LEN.to_string() required aria-describedby="invite-password-hint" />
        <p id="invite-password-hint" class="hint">
            {format!("At least {} characters, not easy to guess: a few unrelated words work well.", shared::validation::MIN_PASSWORD_LEN)}
        </p>
    }
}
