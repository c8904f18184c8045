use crate::api::auth::{SignIn, VerifySecondFactor};
use crate::components::passkey::PasskeySignIn;
use crate::model::SignInOutcome;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: `?next=` (as the query decodes it) when it is a path on this
/// site, else the dashboard.
fn after_sign_in(next: Option<String>) -> String {
    next.as_deref()
        .and_then(shared::validation::safe_next)
        .unwrap_or("/")
        .to_string()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let verify = ServerAction::<VerifySecondFactor>::new();
    let value = action.value();
    let query = use_query_map();
    let go_on = move || crate::go_to(&after_sign_in(query.read_untracked().get("next")));
    Effect::new(move |_| {
        if let Some(Ok(SignInOutcome::SignedIn)) = value.get() {
            go_on();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            go_on();
        }
    });
    let second_step = move || match value.get() {
        Some(Ok(SignInOutcome::SecondFactor { code, passkey })) => Some((code, passkey)),
        _ => None,
    };
    let done = Callback::new(move |()| go_on());
    let error = move || value.get().and_then(Result::err);

    view! {
        <Title text="Sign in" />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || if let Some((code, passkey)) = second_step() {
                view! {
                    {code.then(|| view! { <SecondFactorForm verify /> })}
                    {passkey.then(|| view! {
                        {code.then(|| view! { <p class="muted">"Or use one of your passkeys:"</p> })}
                        <PasskeySignIn second_step=true done />
                    })}
                }.into_any()
            } else {
                view! {
                    <ActionForm action=action attr:class="form" attr:aria-describedby="signin-error">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required />
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required />
                        <div id="signin-error" aria-live="assertive">
                            {move || error().map(|e| view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> })}
                        </div>
                        <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </ActionForm>
                    <div class="divider" role="separator"><span>"or"</span></div>
                    <PasskeySignIn second_step=false done />
                }.into_any()
            }}
            <p class="muted"><a href="/forgot">"Forgot your password?"</a></p>
            <p class="muted">"No account yet? " <a href="/signup">"Create one"</a></p>
        </section>
    }
}

/// The second step: the code from the authenticator app, or a recovery code.
#[component]
fn SecondFactorForm(verify: ServerAction<VerifySecondFactor>) -> impl IntoView {
    view! {
        <ActionForm action=verify attr:class="form" attr:aria-describedby="code-hint code-error">
            <label for="code">"Code from your authenticator app"</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="20" autofocus />
            <p id="code-hint" class="hint">"6 digits. Lost your phone? Type one of your recovery codes instead."</p>
            <div id="code-error" aria-live="assertive">
                {move || verify.value().get().and_then(Result::err).map(|e| view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> })}
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || verify.pending().get()>
                {move || if verify.pending().get() { "Checking…" } else { "Continue" }}
            </button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::after_sign_in;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(after_sign_in(Some("/invitations/abc".into())), "/invitations/abc");
        assert_eq!(after_sign_in(Some("//evil.example".into())), "/");
        assert_eq!(after_sign_in(Some("https://evil.example".into())), "/");
        assert_eq!(after_sign_in(None), "/");
    }
}
