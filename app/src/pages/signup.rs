use crate::api::auth::SignUp;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::validation::MIN_PASSWORD_LEN;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            crate::go_to("/");
        }
    });
    let error = move || value.get().and_then(Result::err);

    view! {
        <Title text="Create an account" />
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <ActionForm action=action attr:class="form">
                <label for="display_name">"Your name"</label>
                <input id="display_name" name="display_name" type="text" autocomplete="name" required maxlength="100" />
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required />
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
            <p class="muted">"Already registered? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
}
