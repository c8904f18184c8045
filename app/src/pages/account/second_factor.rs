//! Two-step sign-in on the account page: setting it up with an authenticator app (scan the QR
//! code or type the key, then a first code), the recovery codes shown once, turning it off.

use crate::api::account::{
    get_second_factor_status, BeginSecondFactor, ConfirmSecondFactor, DisableSecondFactor,
};
use crate::components::feedback::{ErrorNotice, Loading};
use leptos::prelude::*;

#[component]
pub fn SecondFactorCard() -> impl IntoView {
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let status = Resource::new(
        move || (confirm.version().get(), disable.version().get()),
        |_| get_second_factor_status(),
    );
    let turning_off = RwSignal::new(false);
    view! {
        <section class="card" aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">"Two-step sign-in"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.enabled => view! {
                            <p data-testid="second-factor-state"><span class="badge state-ok">"✓ On"</span>
                                {format!(" Signing in asks for a code from your app. {} recovery code(s) left.", s.recovery_codes_left)}</p>
                            {move || if turning_off.get() {
                                view! {
                                    <ActionForm action=disable attr:class="form confirm">
                                        <label for="second-factor-password">"Your password, to turn it off"</label>
                                        <input id="second-factor-password" name="password" type="password" autocomplete="current-password" required />
                                        <button type="submit" class="btn btn-danger" data-testid="confirm-action">"Turn off two-step sign-in"</button>
                                        <button type="button" class="btn btn-quiet" on:click=move |_| turning_off.set(false)>"Keep it on"</button>
                                    </ActionForm>
                                }.into_any()
                            } else if s.required {
                                view! { <p class="muted">"Your organisation requires it for staff, so it stays on."</p> }.into_any()
                            } else {
                                view! { <button class="btn btn-quiet" on:click=move |_| turning_off.set(true)>"Turn off…"</button> }.into_any()
                            }}
                        }.into_any(),
                        Ok(s) => view! {
                            <p data-testid="second-factor-state"><span class="badge">"Off"</span>" Signing in needs your password only."</p>
                            {s.required.then(|| view! {
                                <p class="notice notice-warning" role="status">"Your organisation requires two-step sign-in for staff: set it up to use your staff pages."</p>
                            })}
                            <Setup begin confirm />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <div aria-live="assertive">
                {move || disable.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
            <RecoveryCodes confirm />
        </section>
    }
}

#[component]
fn Setup(
    begin: ServerAction<BeginSecondFactor>,
    confirm: ServerAction<ConfirmSecondFactor>,
) -> impl IntoView {
    view! {
        {move || match begin.value().get() {
            None => view! {
                <button class="btn btn-primary" disabled=move || begin.pending().get()
                    on:click=move |_| { begin.dispatch(BeginSecondFactor {}); }>"Set up two-step sign-in"</button>
            }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
            Some(Ok(setup)) => view! {
                <ol class="steps">
                    <li>"Open an authenticator app (such as Aegis, FreeOTP or Google Authenticator) and scan this code:"
                        <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=setup.qr_svg.clone()></div>
                        <p>"Or type this key: " <code data-testid="second-factor-key">{setup.secret.clone()}</code></p>
                    </li>
                    <li>
                        <ActionForm action=confirm attr:class="form">
                            <label for="first-code">"The 6-digit code your app shows"</label>
                            <input id="first-code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="10" />
                            <div aria-live="assertive">
                                {move || confirm.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
                            </div>
                            <button type="submit" class="btn btn-primary" disabled=move || confirm.pending().get()>"Turn on"</button>
                        </ActionForm>
                    </li>
                </ol>
            }.into_any(),
        }}
    }
}

/// The recovery codes, right after turning it on: the one time they can be read.
#[component]
fn RecoveryCodes(confirm: ServerAction<ConfirmSecondFactor>) -> impl IntoView {
    move || {
        confirm.value().get().and_then(Result::ok).map(|codes| {
            view! {
                <div class="notice notice-ok" role="status">
                    <p><strong>"Two-step sign-in is on."</strong>" You were signed out everywhere else. Keep these recovery codes somewhere safe: each signs you in once if you lose your phone, and they are not shown again."</p>
                    <ul class="plain-list recovery-codes" data-testid="recovery-codes">
                        {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
