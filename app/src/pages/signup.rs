//! `/signup` makes an account (when this Vigil lets anyone sign up) and says where the
//! confirmation link went; `/verify-email/:token` follows that link and signs in.

use crate::api::auth::{sign_up_open, ConfirmEmail, SignUp};
use crate::components::feedback::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::validation::MIN_PASSWORD_LEN;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let open = Resource::new(|| (), |_| sign_up_open());
    view! {
        <Title text="Create an account" />
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <Suspense fallback=|| view! { <Loading label="Loading…" /> }>
                {move || Suspend::new(async move {
                    match open.await {
                        Ok(true) => view! { <SignUpForm /> }.into_any(),
                        Ok(false) => view! {
                            <p class="notice" role="status" data-testid="invitation-only">
                                "Accounts on this Vigil are made by invitation only. Your organisation sends you a link by email when it invites you."
                            </p>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <p class="muted">"Already registered? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
}

#[component]
fn SignUpForm() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let value = action.value();
    let email = RwSignal::new(String::new());
    let error = move || value.get().and_then(Result::err);
    let sent = move || matches!(value.get(), Some(Ok(())));

    view! {
        <Show
            when=sent
            fallback=move || view! {
                <ActionForm action=action attr:class="form">
                    <label for="display_name">"Your name"</label>
                    <input id="display_name" name="display_name" type="text" autocomplete="name" required maxlength="100" />
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength=MIN_PASSWORD_LEN.to_string()
                        aria-describedby="password-hint"
                    />
                    <p id="password-hint" class="hint">{format!("At least {MIN_PASSWORD_LEN} characters, not easy to guess: a few unrelated words work well.")}</p>
                    <div aria-live="assertive">
                        {move || error().map(|e| view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> })}
                    </div>
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                    </button>
                </ActionForm>
            }
        >
            <div class="notice notice-ok" role="status" data-testid="check-email">
                <p><strong>"Check your email."</strong></p>
                <p>{move || format!(
                    "We sent a link to {} to confirm the address. Follow it within 24 hours to sign in; until then the account cannot be used.",
                    email.get().trim()
                )}</p>
                <p class="muted">"Nothing arrived? Look in your spam folder, or sign in with your password to get a new link."</p>
            </div>
        </Show>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmEmail>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            crate::go_to("/");
        }
    });
    view! {
        <Title text="Confirm your email address" />
        <section class="card narrow">
            <h1>"Confirm your email address"</h1>
            // A button rather than on opening: mail scanners open links, and must not use it up.
            <p>"One step left: confirm that this address is yours, and you are signed in."</p>
            <ActionForm action=confirm attr:class="form">
                <input type="hidden" name="token" value=token />
                <button type="submit" class="btn btn-primary" disabled=move || confirm.pending().get()>
                    {move || if confirm.pending().get() { "Confirming…" } else { "Confirm and sign in" }}
                </button>
            </ActionForm>
            <div aria-live="assertive">
                {move || confirm.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
        </section>
    }
}
