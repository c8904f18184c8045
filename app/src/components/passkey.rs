//! Passkey ceremonies as the pages start them: the server's options, the browser's
//! authenticator, the answer back. Each runs as one action whose error is a sentence.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
fn words(e: crate::error::AppError) -> String {
    e.to_string()
}

/// Signs in with a passkey: on its own, or as the second step after a password.
pub async fn sign_in(second_step: bool) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use crate::api::auth::{begin_passkey_sign_in, passkey_sign_in};
        if !crate::passkey_client::supported() {
            return Err("This browser cannot use passkeys. Sign in with your password instead.".into());
        }
        let c = begin_passkey_sign_in(second_step).await.map_err(words)?;
        let answer = crate::passkey_client::sign(&c.options).await?;
        passkey_sign_in(c.ceremony, answer).await.map_err(words)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = second_step;
        Err("Passkeys work once the page has loaded.".into())
    }
}

/// Adds a passkey called `name` to the signed-in person's account.
pub async fn add(name: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use crate::api::account::{add_passkey, begin_passkey};
        if !crate::passkey_client::supported() {
            return Err("This browser cannot make passkeys.".into());
        }
        let c = begin_passkey(name).await.map_err(words)?;
        let answer = crate::passkey_client::create(&c.options).await?;
        add_passkey(c.ceremony, answer).await.map_err(words)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        Err("Passkeys work once the page has loaded.".into())
    }
}

/// "Sign in with a passkey": runs the ceremony and calls `done` once signed in.
#[component]
pub fn PasskeySignIn(
    /// After a right password (the account's second step), not on its own.
    second_step: bool,
    done: Callback<()>,
) -> impl IntoView {
    let run = Action::new_unsync(move |_: &()| sign_in(second_step));
    Effect::new(move |_| {
        if let Some(Ok(())) = run.value().get() {
            done.run(());
        }
    });
    let label = if second_step {
        "Use a passkey"
    } else {
        "Sign in with a passkey"
    };
    view! {
        <div class="passkey-sign-in">
            <button type="button" class="btn" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(()); }>
                {move || if run.pending().get() { "Waiting for your passkey…" } else { label }}
            </button>
            <div aria-live="assertive">
                {move || run.value().get().and_then(Result::err).map(|e| view! {
                    <p class="notice notice-error" role="alert">{e}</p>
                })}
            </div>
        </div>
    }
}
