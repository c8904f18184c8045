use crate::api::auth::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            crate::go_to("/");
        }
    });
    let error = move || value.get().and_then(Result::err);

    view! {
        <Title text="Sign in" />
        <section class="card narrow">
            <h1>"Sign in"</h1>
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
            <p class="muted">"No account yet? " <a href="/signup">"Create one"</a></p>
        </section>
    }
}
