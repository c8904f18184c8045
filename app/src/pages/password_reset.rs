//! `/forgot` asks for a reset link; `/reset/:token` sets a new password with one.

use crate::api::account::{RequestPasswordReset, ResetPassword};
use crate::components::feedback::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let ask = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Title text="Forgot your password" />
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <p>"Give the email address of your account and we will send you a link to choose a new password."</p>
            <ActionForm action=ask attr:class="form">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required />
                <button type="submit" class="btn btn-primary" disabled=move || ask.pending().get()>
                    {move || if ask.pending().get() { "Sending…" } else { "Send the link" }}
                </button>
            </ActionForm>
            <div aria-live="polite">
                {move || ask.value().get().map(|r| match r {
                    Ok(()) => view! {
                        <p class="notice notice-ok" role="status">
                            "If an account uses that address, a link is on its way. It works once, for 30 minutes."
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
            <p class="muted"><a href="/signin">"Back to sign in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <Title text="Choose a new password" />
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <ActionForm action=reset attr:class="form">
                <input type="hidden" name="token" value=token />
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                    minlength="10" required aria-describedby="reset-hint" />
                <p id="reset-hint" class="muted">"At least 10 characters, not easy to guess (a few unrelated words work well). Every device signed in to your account will be signed out."</p>
                <button type="submit" class="btn btn-primary" disabled=move || reset.pending().get()>
                    {move || if reset.pending().get() { "Saving…" } else { "Set the new password" }}
                </button>
            </ActionForm>
            <div aria-live="assertive">
                {move || reset.value().get().map(|r| match r {
                    Ok(()) => view! {
                        <p class="notice notice-ok" role="status">
                            "Your password was changed. " <a href="/signin">"Sign in"</a> " with it."
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>
    }
}
